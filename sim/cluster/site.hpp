#pragma once
// A site of a cluster scenario: a region with a number of accelerators, its facility overheads and
// its carbon-intensity history (what jobs are charged) beside the forecast of it (what schedulers
// decide on).
//
// What a scheduler deciding at time t believes is Site::belief(t, until): the site's forecast
// series when it has one (the same whatever t), or, for issued forecasts (sim/issued_forecast.hpp),
// the view of a decision at the step holding t: the latest forecast issued at or before that
// step, as far as its horizon, and the fallback beyond. A scheduler never sees the actual
// intensity it is charged, nor a forecast issued after it decides.
//
// Charges are exact for any interval, not only whole steps: an IntensityIntegral holds the running
// integral of a regular series, so the emissions of a constant draw over [a, b) are its power
// times F(b) - F(a), two lookups, however long the interval. This is what lets a year of a
// 100,000-job trace run in well under a second of charging: the cost is per run interval, not per
// step a job spans.
//
// Thread-safety: values; const access is safe to share.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sim/core/embodied.hpp"
#include "sim/core/regular_series.hpp"
#include "sim/issued_forecast.hpp"

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
  // The values, one per step from begin().
  std::span<const double> values() const { return values_; }

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

// An archive of issued forecasts with the actual values it is aligned to, and the view of them.
// Not copied (the view refers to both): scenarios share one through a shared_ptr.
class IssuedSiteForecast {
 public:
  // The archive must be aligned with `actual` (InternalError otherwise).
  IssuedSiteForecast(IssuedArchive archive, std::vector<double> actual, Beyond beyond,
                     std::int64_t steps_per_day)
      : archive_(std::move(archive)),
        actual_(std::move(actual)),
        view_(archive_, actual_, beyond, steps_per_day) {}
  IssuedSiteForecast(const IssuedSiteForecast&) = delete;
  IssuedSiteForecast& operator=(const IssuedSiteForecast&) = delete;
  const IssuedView& view() const { return view_; }

 private:
  IssuedArchive archive_;
  std::vector<double> actual_;
  IssuedView view_;
};

// What a scheduler deciding at one time believes of a site's intensity: an integral of the
// forecast it sees. Either the site's own (for a forecast series; no copy) or one made for the
// decision (issued forecasts), from the step holding the decision time to the `until` it was
// asked for (or the end of the history).
class Belief {
 public:
  explicit Belief(const IntensityIntegral* shared) : shared_(shared) {}
  explicit Belief(IntensityIntegral&& owned) : owned_(std::move(owned)) {}
  const IntensityIntegral& plan() const { return shared_ != nullptr ? *shared_ : owned_; }

 private:
  const IntensityIntegral* shared_ = nullptr;
  IntensityIntegral owned_;
};

struct Site {
  SiteSpec spec;
  std::string name;              // for output: the region as given
  RegularSeries actual;          // charged
  std::vector<double> forecast;  // aligned with actual; empty with issued forecasts
  IntensityIntegral charge;      // of actual
  IntensityIntegral plan;        // of forecast; empty with issued forecasts
  std::shared_ptr<const IssuedSiteForecast> issued;  // set: decisions on forecasts as issued

  // Throws ConfigError for a capacity < 1, a PUE < 1, negative idle power, or a forecast that is
  // not aligned with the actual series.
  Site(SiteSpec s, RegularSeries actual_series, std::vector<double> forecast_values);
  // A site deciding on issued forecasts, aligned with the actual series (ConfigError otherwise).
  Site(SiteSpec s, RegularSeries actual_series,
       std::shared_ptr<const IssuedSiteForecast> issued_forecast);

  // What a decision at `now` believes of [now, until) (the header comment): plan() covers at
  // least [now, min(until, end of the history)) when now lies in the history.
  Belief belief(std::int64_t now, std::int64_t until) const;

 private:
  void check() const;
};

}  // namespace shiftsim::sim::cluster
