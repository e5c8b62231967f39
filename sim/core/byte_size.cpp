#include "sim/core/byte_size.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {

constexpr std::string_view kForms =
    "write a number with a unit: B, kB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB "
    "(powers of 1024), e.g. 8GiB or 500MB";

}  // namespace

std::uint64_t parse_byte_size(std::string_view text, std::string_view what) {
  auto refuse = [&](std::string_view why) -> std::uint64_t {
    throw ConfigError(fmt::format("{} \"{}\": {}; {}", what, text, why, kForms));
  };
  std::size_t i = 0;
  while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
    ++i;
  if (i == 0) return refuse("not a size");
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + i, number);
  if (ec != std::errc() || end != text.data() + i) return refuse("not a number");
  std::string_view unit = text.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  if (unit.empty()) return refuse("no unit");
  static const std::array<std::pair<std::string_view, double>, 9> kUnits{{{"B", 1.0},
                                                                          {"kB", 1e3},
                                                                          {"MB", 1e6},
                                                                          {"GB", 1e9},
                                                                          {"TB", 1e12},
                                                                          {"KiB", 0x1p10},
                                                                          {"MiB", 0x1p20},
                                                                          {"GiB", 0x1p30},
                                                                          {"TiB", 0x1p40}}};
  for (const auto& [name, factor] : kUnits) {
    // Case aside, the i stays: "gib" is GiB, "gb" is GB.
    if (!iequals(unit, name)) continue;
    const double bytes = std::round(number * factor);
    if (!(bytes >= 1)) return refuse("a size must be at least 1 byte");
    if (!(bytes < 0x1p63)) return refuse("beyond what a file system holds");
    return static_cast<std::uint64_t>(bytes);
  }
  return refuse(fmt::format("'{}' is not a unit", unit));
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 1000) return fmt::format("{} B", bytes);
  static constexpr std::array<std::string_view, 6> kNames{"kB", "MB", "GB", "TB", "PB", "EB"};
  double x = static_cast<double>(bytes);
  std::size_t u = 0;
  x /= 1000;
  while (x >= 999.5 && u + 1 < kNames.size()) {
    x /= 1000;
    ++u;
  }
  return fmt::format("{:.{}f} {}", x, x < 9.995 ? 2 : x < 99.95 ? 1 : 0, kNames[u]);
}

}  // namespace shiftsim
