#pragma once
// Transparent gzip: data downloads often come compressed (the SGIP monthly files are .csv.gz), so
// every reader takes them as they are. A file is gzip when its first two bytes are the gzip magic
// (1f 8b), whatever its name; concatenated members (what `cat a.gz b.gz` makes) are one text.
#include <cstddef>
#include <string>
#include <string_view>

namespace shiftsim::grids {

// True when `bytes` starts with the gzip magic.
bool is_gzip(std::string_view bytes);

// The decompressed text. `path` names the file in messages. Throws ParseError when the stream is
// corrupt (bad header, bad data, CRC mismatch) or truncated, giving the line of the decompressed
// text it reached, and when the text would exceed `max_bytes` (a decompression bomb or a
// mistaken file: 512 MiB is 70 times a month of SGIP data, the largest file format read).
std::string gunzip(std::string_view bytes, const std::string& path,
                   std::size_t max_bytes = std::size_t{512} << 20);

}  // namespace shiftsim::grids
