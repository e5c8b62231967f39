#pragma once
// Sizes in bytes as people write and read them: "8GiB", "500 MB", "1.5TB" in, "1.24 GB" out.
//
// Units: B; kB/KB, MB, GB, TB (powers of 1000); KiB, MiB, GiB, TiB (powers of 1024); case
// ignored ("gib" is GiB, "gb" is GB). A bare number is refused: "8" could be bytes or gigabytes,
// and a limit off by a factor of 10^9 is the mistake this guards against.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <string>
#include <string_view>

namespace shiftsim {

// ConfigError naming `what` (such as "--max-size") and the accepted forms for anything else,
// including sizes of 0 or beyond 2^63 bytes.
std::uint64_t parse_byte_size(std::string_view text, std::string_view what);

// Three significant digits in decimal units: "950 B", "12.3 kB", "1.24 GB".
std::string format_bytes(std::uint64_t bytes);

}  // namespace shiftsim
