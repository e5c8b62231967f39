#pragma once
// Everything a user can say about how to read and repair input files (`grids import` flags).
#include <optional>
#include <string>

#include "grids/series.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::grids {

enum class DuplicatePolicy : std::uint8_t { error, drop_identical, keep_first, keep_last };
enum class GapPolicy : std::uint8_t { error, interpolate, hold };

DuplicatePolicy parse_duplicate_policy(std::string_view text);
GapPolicy parse_gap_policy(std::string_view text);

struct ImportOptions {
  std::string format =
      "auto";  // auto, electricitymaps, electricitymaps-api, watttime, sgip, eirgrid, generic

  // Overrides of what the format implies (empty / nullopt: the format's own choice).
  std::string zone;
  std::optional<Signal> signal;
  std::optional<Basis> basis;
  std::string source;

  // Generic CSV.
  std::string time_column;
  std::string value_column;
  std::string time_format;       // strftime-style; empty: ISO 8601 variants
  std::string timezone = "UTC";  // IANA name for timestamps without an offset
  std::string unit = "g/kWh";    // g/kWh, kg/kWh, lbs/MWh, t/MWh
  char delimiter = ',';
  std::size_t skip_rows = 0;

  // Repairs. Identical duplicates (overlapping downloads) are dropped by default.
  DuplicatePolicy duplicates = DuplicatePolicy::drop_identical;
  GapPolicy gaps = GapPolicy::error;
  std::optional<Seconds> max_gap;   // longest gap a repair may fill; unset: any
  std::optional<Seconds> resample;  // put irregular timestamps onto this regular step
};

// Multiplier from a unit name to gCO2eq/kWh. Throws ConfigError for an unknown unit.
double unit_factor(std::string_view unit);

}  // namespace shiftsim::grids
