#pragma once
// A carbon-intensity history: one regular series per (zone, signal, basis).
//
// Invariants: step > 0; values.size() == flags.size(); values[i] is the mean intensity in
// gCO2eq/kWh over [start + i*step, start + (i+1)*step), finite and within [0, kMaxIntensity].
// The series is contiguous: gaps were either refused or repaired on import, and every repair
// is counted in `repairs` and flagged per value.
#include <compare>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/series_key.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::grids {

// Above any grid on Earth (lignite is ~1,100 g/kWh direct, ~1,300 with a life-cycle basis);
// a larger value is a unit or column mistake.
constexpr double kMaxIntensity = 3000.0;

// Per-value flags.
enum ValueFlag : std::uint8_t {
  kEstimated = 1,  // the data provider marked the value as estimated or modelled
  kRepaired = 2,   // shiftsim filled or resampled it on import (see Series::repairs)
};

struct SourceFile {
  std::string name;    // file name as given, without directories
  std::string sha256;  // of the file's bytes
  auto operator<=>(const SourceFile&) const = default;
};

// Forecasts as they were issued, kept beside the series they forecast: row i holds the forecast
// issued at the series' time i for time i + k * step, k = 1..leads (row-major, gCO2eq/kWh, NaN
// where the provider issued none, e.g. for a value shiftsim filled on import). Kept and checked
// on import; policies decide on them through sim::IssuedArchive (grids/forecast_source.hpp).
struct ForecastArchive {
  std::size_t leads = 0;       // 0: no archive
  Seconds step{0};             // lead spacing
  std::vector<double> values;  // size() * leads of the owning series
  bool empty() const { return leads == 0; }
  Seconds horizon() const { return step * static_cast<std::int64_t>(leads); }
};

struct Series {
  SeriesKey key;
  std::string source;  // who produced the numbers, e.g. "Electricity Maps (export)"
  TimePoint start{};
  Seconds step{3600};
  std::vector<double> values;
  std::vector<std::uint8_t> flags;
  std::vector<SourceFile> files;
  std::map<std::string, std::int64_t> repairs;  // repair kind -> count; only non-zero kinds
  ForecastArchive forecast;                     // issued forecasts, when the files had them

  std::size_t size() const { return values.size(); }
  TimePoint end() const { return start + step * static_cast<std::int64_t>(values.size()); }
  TimePoint time_at(std::size_t i) const { return start + step * static_cast<std::int64_t>(i); }
};

// SHA-256 (hex) of the values' bytes: what result cubes record of each series they used, and
// what the report checks a store against.
std::string values_sha256(const Series& s);

}  // namespace shiftsim::grids
