#pragma once
// The chunks of a cube variable, shuffled and deflated by shiftsim itself, in parallel.
//
// HDF5 runs its filters on one thread, and compression is most of a cube's write time, so the
// writer compresses the chunks here (oneTBB) and hands them to HDF5 whole. The bytes are what
// HDF5's shuffle and deflate filters read back: the shuffle filter's byte transposition, then one
// zlib stream, as H5Z_filter_deflate makes and reads it; edge chunks are stored whole, padded with
// the fill value as HDF5 pads a partly written chunk. The stream is made with zlib's run-length
// strategy (Z_RLE) instead of the filter's default matching: shuffled doubles are runs in their
// high bytes and noise in their low ones, where matching finds nothing and costs most of the
// time. Measured on the paper's hourly cube: the same size within 1 %, deflate about 1.5x faster.
// Any zlib reader inflates it; the dataset's filter still says level kDeflateLevel (what HDF5
// would use to write more chunks into it).
//
// Deterministic: chunks are handed over in row-major order of their origins, whatever the thread
// count. Memory: at most kChunksPerBatch compressed chunks at a time.
// Thread-safety: any thread; `write` is called on the calling thread only.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace shiftsim::experiments {

inline constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // at most 1 MiB of values
inline constexpr int kDeflateLevel = 4;
inline constexpr std::size_t kChunksPerBatch = 64;

// Full extent on the fastest dimensions, as many as fit in kChunkBytes (HDF5's default chunk
// cache); the first that does not fit whole is cut to what fits (at least 1), the slower ones 1.
std::vector<std::uint64_t> chunk_shape(const std::vector<std::uint64_t>& shape,
                                       std::size_t value_bytes);

// One chunk's values (`bytes` of them, `value_bytes` each: a whole chunk, padded), filtered as
// HDF5's shuffle and deflate filters would: the bytes write_chunk takes.
std::vector<unsigned char> filter_chunk(const unsigned char* raw, std::size_t bytes,
                                        std::size_t value_bytes);
// At most the size of a chunk of `bytes` bytes once filtered (zlib's bound).
std::uint64_t filtered_bound(std::uint64_t bytes);

// How many chunks of `chunk` cover `shape` (the same rank).
std::uint64_t chunk_count(const std::vector<std::uint64_t>& shape,
                          const std::vector<std::uint64_t>& chunk);

// The chunks of one row of `count` values chunked `chunk_len` at a time (the last padded with
// `fill`), filtered, in order: what compress_chunks gives for a row of a variable chunked 1 on
// every slower dimension.
std::vector<std::vector<unsigned char>> compress_row(const unsigned char* values, std::size_t count,
                                                     std::size_t value_bytes, std::size_t chunk_len,
                                                     const unsigned char* fill);

// The origin (in values) of chunk `index` of the chunks of `chunk` covering `shape`, in row-major
// order of their origins (the order compress_chunks hands them over in).
std::vector<std::uint64_t> chunk_origin(const std::vector<std::uint64_t>& shape,
                                        const std::vector<std::uint64_t>& chunk,
                                        std::uint64_t index);

// One chunk, ready for the file: its origin (in values) and its filtered bytes.
using ChunkSink =
    std::function<void(const std::vector<std::uint64_t>& origin, std::span<const unsigned char>)>;

// Cuts `values` (row-major over `shape`, `value_bytes` bytes each) into chunks of `chunk`, pads
// the edge ones with `fill` (one value's bytes), shuffles and deflates each at kDeflateLevel and
// hands them to `write`. shape and chunk have the same, non-zero rank.
void compress_chunks(const std::vector<std::uint64_t>& shape,
                     const std::vector<std::uint64_t>& chunk, const unsigned char* values,
                     std::size_t value_bytes, const unsigned char* fill, const ChunkSink& write);

}  // namespace shiftsim::experiments
