#pragma once
// A site of a cluster scenario: a region with a number of accelerators, its facility overheads and
// its carbon-intensity history (what jobs are charged) beside the forecast of it (what schedulers
// decide on).
//
// Charges are exact for any interval, not only whole steps: an IntensityIntegral holds the running
// integral of a regular series, so the emissions of a constant draw over [a, b) are its power
// times F(b) - F(a), two lookups, however long the interval. This is what lets a year of a
// 100,000-job trace run in well under a second of charging: the cost is per run interval, not per
// step a job spans.
//
// Thread-safety: values; const access is safe to share.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/embodied.hpp"
#include "sim/core/regular_series.hpp"

namespace shiftsim::sim::cluster {

struct SiteSpec {
  std::string region;     // a paper region label or a zone id, as the grid store knows it
  int capacity = 0;       // accelerators
  double pue = 1.0;       // facility energy / IT energy, >= 1
  double idle_watts = 0;  // drawn by each accelerator no job holds
  Embodied embodied;      // of one accelerator (share 1); none by default
};

// The running integral of a regular series, in (g/kWh) x hours, so that a draw of P kW over
// [a, b) emits P x between(a, b) grams. Sums in long double: a year of 5-minute steps keeps about
// 15 significant digits of any difference.
class IntensityIntegral {
 public:
  IntensityIntegral() = default;
  IntensityIntegral(std::int64_t start, std::int64_t step, const std::vector<double>& values);

  // Requires begin() <= a <= b <= end(). NaN when a value in between is NaN (no forecast).
  double between(std::int64_t a, std::int64_t b) const;
  std::int64_t begin() const { return start_; }
  std::int64_t end() const { return start_ + step_ * static_cast<std::int64_t>(values_.size()); }
  std::int64_t step() const { return step_; }
  // The value over the step holding t (begin() <= t < end()).
  double at(std::int64_t t) const;

 private:
  long double at_time(std::int64_t t) const;  // F(t), NaN steps counted as 0
  std::int64_t start_ = 0;
  std::int64_t step_ = 1;
  std::vector<double> values_;
  std::vector<long double> prefix_;  // prefix_[i] = F(start + i * step)
  // missing_[i]: how many of the first i values are NaN. A NaN is counted apart, not summed, so
  // that it makes NaN only the intervals that touch it (a forecast missing its first day, such
  // as persistence, still plans every later interval).
  std::vector<std::uint32_t> missing_;
};

struct Site {
  SiteSpec spec;
  std::string name;              // for output: the region as given
  RegularSeries actual;          // charged
  std::vector<double> forecast;  // aligned with actual; decided on
  IntensityIntegral charge;      // of actual
  IntensityIntegral plan;        // of forecast

  // Throws ConfigError for a capacity < 1, a PUE < 1, negative idle power, or a forecast that is
  // not aligned with the actual series.
  Site(SiteSpec s, RegularSeries actual_series, std::vector<double> forecast_values);
};

}  // namespace shiftsim::sim::cluster
