#include "experiments/chunk_compression.hpp"

#include <tbb/parallel_for.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>

namespace shiftsim::experiments {

std::vector<unsigned char> filter_chunk(const unsigned char* raw, std::size_t bytes,
                                        std::size_t value_bytes) {
  if (bytes > std::numeric_limits<uInt>::max())  // chunks hold at most kChunkBytes
    throw std::runtime_error("a chunk of " + std::to_string(bytes) + " bytes is beyond zlib's");
  std::vector<unsigned char> shuffled(bytes);
  const std::size_t n = bytes / value_bytes;
  for (std::size_t b = 0; b < value_bytes; ++b) {
    unsigned char* out = shuffled.data() + b * n;
    for (std::size_t i = 0; i < n; ++i) out[i] = raw[i * value_bytes + b];
  }
  // One deflate stream per thread, reset for each chunk: a fresh one allocates and clears about
  // 270 KB, which costs more than compressing a small chunk.
  struct Stream {
    z_stream z{};
    bool ready = false;
    ~Stream() {
      if (ready) deflateEnd(&z);
    }
  };
  thread_local Stream stream;
  if (!stream.ready) {
    if (deflateInit2(&stream.z, kDeflateLevel, Z_DEFLATED, 15, 8, Z_RLE) != Z_OK)
      throw std::runtime_error("zlib deflateInit2 failed");  // only on memory exhaustion
    stream.ready = true;
  } else if (deflateReset(&stream.z) != Z_OK) {
    throw std::runtime_error("zlib deflateReset failed");
  }
  std::vector<unsigned char> packed(filtered_bound(bytes));
  stream.z.next_in = shuffled.data();
  stream.z.avail_in = static_cast<uInt>(bytes);
  stream.z.next_out = packed.data();
  stream.z.avail_out = static_cast<uInt>(packed.size());
  if (deflate(&stream.z, Z_FINISH) != Z_STREAM_END)
    throw std::runtime_error("zlib deflate did not finish within its bound");
  packed.resize(stream.z.total_out);
  return packed;
}

std::uint64_t filtered_bound(std::uint64_t bytes) {
  // compressBound's formula, in 64 bits (zlib's uLong may be narrower than a chunk bound needs).
  return bytes + (bytes >> 12) + (bytes >> 14) + (bytes >> 25) + 13;
}

std::vector<std::vector<unsigned char>> compress_row(const unsigned char* values, std::size_t count,
                                                     std::size_t value_bytes, std::size_t chunk_len,
                                                     const unsigned char* fill) {
  std::vector<std::vector<unsigned char>> out;
  std::vector<unsigned char> raw(chunk_len * value_bytes);
  for (std::size_t at = 0; at < count; at += chunk_len) {
    const std::size_t n = std::min(chunk_len, count - at);
    std::memcpy(raw.data(), values + at * value_bytes, n * value_bytes);
    for (std::size_t i = n; i < chunk_len; ++i)
      std::memcpy(raw.data() + i * value_bytes, fill, value_bytes);
    out.push_back(filter_chunk(raw.data(), raw.size(), value_bytes));
  }
  return out;
}

std::uint64_t chunk_count(const std::vector<std::uint64_t>& shape,
                          const std::vector<std::uint64_t>& chunk) {
  std::uint64_t n = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) n *= (shape[i] + chunk[i] - 1) / chunk[i];
  return n;
}

std::vector<std::uint64_t> chunk_shape(const std::vector<std::uint64_t>& shape,
                                       std::size_t value_bytes) {
  std::vector<std::uint64_t> chunk(shape.size(), 1);
  std::uint64_t bytes = value_bytes;  // bytes of one chunk over the dimensions after i
  for (std::size_t i = shape.size(); i-- > 0;) {
    if (bytes * shape[i] <= kChunkBytes) {
      chunk[i] = shape[i];
      bytes *= shape[i];
    } else {
      chunk[i] = std::max<std::uint64_t>(1, kChunkBytes / bytes);
      break;
    }
  }
  return chunk;
}

std::vector<std::uint64_t> chunk_origin(const std::vector<std::uint64_t>& shape,
                                        const std::vector<std::uint64_t>& chunk,
                                        std::uint64_t index) {
  std::vector<std::uint64_t> o(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    const std::uint64_t grid = (shape[i] + chunk[i] - 1) / chunk[i];
    o[i] = (index % grid) * chunk[i];
    index /= grid;
  }
  return o;
}

void compress_chunks(const std::vector<std::uint64_t>& shape,
                     const std::vector<std::uint64_t>& chunk, const unsigned char* values,
                     std::size_t value_bytes, const unsigned char* fill, const ChunkSink& write) {
  const std::size_t rank = shape.size();
  std::vector<std::uint64_t> grid(rank);
  std::size_t chunks = 1, per_chunk = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    grid[i] = (shape[i] + chunk[i] - 1) / chunk[i];
    chunks *= grid[i];
    per_chunk *= chunk[i];
  }
  auto origin = [&](std::size_t index) { return chunk_origin(shape, chunk, index); };
  std::vector<std::vector<unsigned char>> packed(kChunksPerBatch);
  for (std::size_t first = 0; first < chunks; first += kChunksPerBatch) {
    const std::size_t batch = std::min(kChunksPerBatch, chunks - first);
    tbb::parallel_for(std::size_t{0}, batch, [&](std::size_t b) {
      const auto o = origin(first + b);
      std::vector<unsigned char> raw(per_chunk * value_bytes);
      for (std::size_t i = 0; i < per_chunk; ++i)
        std::memcpy(raw.data() + i * value_bytes, fill, value_bytes);
      // Copy the chunk's rows (runs along the last dimension) that lie inside the extent.
      const std::uint64_t row = std::min(chunk[rank - 1], shape[rank - 1] - o[rank - 1]);
      std::vector<std::uint64_t> at(rank, 0);  // position within the chunk, last dimension 0
      const std::size_t rows = per_chunk / chunk[rank - 1];
      for (std::size_t r = 0; r < rows; ++r) {
        std::size_t rest = r;
        bool inside = true;
        std::size_t src = 0;
        for (std::size_t i = rank - 1; i-- > 0;) {
          at[i] = rest % chunk[i];
          rest /= chunk[i];
          inside = inside && o[i] + at[i] < shape[i];
        }
        if (!inside) continue;
        for (std::size_t i = 0; i < rank; ++i) src = src * shape[i] + o[i] + at[i];
        std::memcpy(raw.data() + r * chunk[rank - 1] * value_bytes, values + src * value_bytes,
                    row * value_bytes);
      }
      packed[b] = filter_chunk(raw.data(), raw.size(), value_bytes);
    });
    for (std::size_t b = 0; b < batch; ++b) write(origin(first + b), packed[b]);
  }
}

}  // namespace shiftsim::experiments
