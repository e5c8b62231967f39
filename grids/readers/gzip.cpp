#include "grids/readers/gzip.hpp"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <limits>

#include "sim/core/errors.hpp"

namespace shiftsim::grids {

bool is_gzip(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

namespace {
// The line of `text` its end lies on (1-based), for "the file breaks off in line N".
std::size_t lines_in(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}
}  // namespace

std::string gunzip(std::string_view bytes, const std::string& path, std::size_t max_bytes) {
  std::string out;
  z_stream z{};
  // 15 + 16: gzip wrapper only (a zlib or raw stream behind a gzip magic is corrupt).
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw IoError(fmt::format("{}: zlib cannot start", path));
  struct Guard {
    z_stream* z;
    ~Guard() { inflateEnd(z); }
  } guard{&z};
  const auto* next = reinterpret_cast<const Bytef*>(bytes.data());
  std::size_t left = bytes.size();
  char buffer[1 << 16];
  for (;;) {
    // zlib counts in uInt; feed at most that much at a time.
    const auto chunk =
        static_cast<uInt>(std::min<std::size_t>(left, std::numeric_limits<uInt>::max()));
    z.next_in = const_cast<Bytef*>(next);
    z.avail_in = chunk;
    int rc = Z_OK;
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer);
      z.avail_out = sizeof buffer;
      rc = inflate(&z, Z_NO_FLUSH);
      // What this call produced counts before any error, so the position reported is exact.
      out.append(buffer, sizeof buffer - z.avail_out);
      if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR || rc == Z_MEM_ERROR)
        throw ParseError(path, lines_in(out),
                         fmt::format("the gzip data is corrupt ({}) after {} bytes of text",
                                     z.msg != nullptr ? z.msg : "zlib error", out.size()),
                         "download the file again, or check it with 'gzip -t'");
      if (out.size() > max_bytes)
        throw ParseError(path, 0,
                         fmt::format("it decompresses to more than {} MiB, more than any carbon-"
                                     "intensity file needs (a mistaken file, or a gzip bomb)",
                                     max_bytes >> 20),
                         "check the file; if it really is this large, unpack it and import the "
                         "text");
    } while (z.avail_out == 0 && rc != Z_STREAM_END);
    const std::size_t used = chunk - z.avail_in;
    next += used;
    left -= used;
    if (rc == Z_STREAM_END) {
      if (left == 0) break;
      // Another member follows (concatenated gzip files), or trailing garbage.
      if (!is_gzip(std::string_view(reinterpret_cast<const char*>(next), left)))
        throw ParseError(path, lines_in(out),
                         fmt::format("{} bytes that are not gzip follow the compressed data", left),
                         "download the file again, or check it with 'gzip -t'");
      inflateReset(&z);
      continue;
    }
    if (left == 0)
      throw ParseError(path, lines_in(out),
                       fmt::format("the gzip file is truncated: it ends after {} bytes of text "
                                   "(line {}), before its end marker",
                                   out.size(), lines_in(out)),
                       "download the file again, or check it with 'gzip -t'");
  }
  return out;
}

}  // namespace shiftsim::grids
