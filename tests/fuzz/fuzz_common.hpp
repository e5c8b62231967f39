#pragma once
// Shared by the libFuzzer targets: the input bytes are the text of one file, handed to the code
// under test in memory (no files are written). shiftsim::Error is the expected outcome for bad
// input and is swallowed; any other exception, a sanitizer report, or a broken invariant of the
// result (checked here) crashes the target, which is what libFuzzer reports.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "grids/raw_points.hpp"
#include "grids/series.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::fuzz {

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view{}
                   : std::string_view{reinterpret_cast<const char*>(data), size};
}

// A broken invariant is a bug: abort, so libFuzzer saves the input.
inline void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

// Calls fn(); a shiftsim::Error (bad input, reported properly) is fine.
template <class Fn>
void expect_ok_or_error(Fn&& fn) {
  try {
    fn();
  } catch (const shiftsim::Error&) {
  }
}

// What every reader promises: values are gCO2eq/kWh in [0, kMaxIntensity], or NaN for an empty
// cell; every point carries the (1-based) line it came from.
inline void check_raw(const grids::RawFile& raw) {
  for (const auto& p : raw.points) {
    require(std::isnan(p.value) || (p.value >= 0 && p.value <= grids::kMaxIntensity),
            "reader returned a value outside [0, kMaxIntensity]");
    require(p.line >= 1, "reader returned a point without a line number");
  }
  for (const auto& [kind, count] : raw.repairs) require(count > 0, "reader counted a zero repair");
  // Issued forecasts: leads values per point, each a value or NaN like the points'.
  require(raw.forecasts.size() == raw.points.size() * raw.forecast_leads,
          "reader's forecasts are not leads values per point");
  require(raw.forecast_leads == 0 || raw.forecast_step.count() > 0,
          "forecast leads without a step");
  for (double v : raw.forecasts)
    require(std::isnan(v) || (v >= 0 && v <= grids::kMaxIntensity),
            "reader returned a forecast outside [0, kMaxIntensity]");
}

// The invariants of grids::Series (grids/series.hpp).
inline void check_series(const grids::Series& s) {
  require(s.step.count() > 0, "series step is not positive");
  require(!s.values.empty(), "series is empty");
  require(s.values.size() == s.flags.size(), "series values and flags differ in length");
  for (double v : s.values)
    require(std::isfinite(v) && v >= 0 && v <= grids::kMaxIntensity,
            "series value is not finite or outside [0, kMaxIntensity]");
  for (auto f : s.flags)
    require((f & ~(grids::kEstimated | grids::kRepaired)) == 0, "unknown flag bit");
  for (const auto& [kind, count] : s.repairs) require(count > 0, "series counts a zero repair");
  require(s.forecast.values.size() == s.values.size() * s.forecast.leads,
          "series' forecast archive is not leads values per value");
}

}  // namespace shiftsim::fuzz
