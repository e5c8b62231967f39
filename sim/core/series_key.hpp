#pragma once
// Which carbon-intensity series: a zone, a signal (average or marginal intensity, or the
// built-in surrogate) and a basis (direct emissions only, or life-cycle). The vocabulary the grid
// store files its series under and a forecast names a stored series by (series:KEY).
// Thread-safety: values and pure functions.
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

namespace shiftsim {

enum class Signal : std::uint8_t { average, marginal, surrogate };
enum class Basis : std::uint8_t { direct, lifecycle };

std::string_view to_string(Signal s);
std::string_view to_string(Basis b);
Signal parse_signal(std::string_view text);  // throws ConfigError
Basis parse_basis(std::string_view text);    // throws ConfigError; accepts lca, life-cycle

struct SeriesKey {
  std::string zone;
  Signal signal = Signal::average;
  Basis basis = Basis::direct;
  auto operator<=>(const SeriesKey&) const = default;
  std::string label() const;  // "DE/average/lifecycle"
};

// "ZONE/SIGNAL/BASIS" as label() writes it (signal and basis case-insensitive, zone kept as
// given, spaces around parts ignored). Throws ConfigError saying what is wrong.
SeriesKey parse_series_key(std::string_view text);

}  // namespace shiftsim
