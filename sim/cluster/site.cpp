#include "sim/cluster/site.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "sim/core/errors.hpp"

namespace shiftsim::sim::cluster {

IntensityIntegral::IntensityIntegral(std::int64_t start, std::int64_t step,
                                     const std::vector<double>& values)
    : start_(start),
      step_(step),
      values_(values),
      prefix_(values.size() + 1, 0.0L),
      missing_(values.size() + 1, 0) {
  if (step <= 0) throw InternalError("IntensityIntegral: step must be > 0");
  const long double hours = static_cast<long double>(step) / 3600.0L;
  for (std::size_t i = 0; i < values_.size(); ++i) {
    const bool nan = std::isnan(values_[i]);
    prefix_[i + 1] = prefix_[i] + (nan ? 0.0L : static_cast<long double>(values_[i]) * hours);
    missing_[i + 1] = missing_[i] + (nan ? 1 : 0);
  }
}

long double IntensityIntegral::at_time(std::int64_t t) const {
  const std::int64_t offset = t - start_;
  const auto i = static_cast<std::size_t>(offset / step_);
  const std::int64_t into = offset - static_cast<std::int64_t>(i) * step_;
  if (into == 0 || std::isnan(values_[i])) return prefix_[i];
  return prefix_[i] +
         static_cast<long double>(values_[i]) * static_cast<long double>(into) / 3600.0L;
}

double IntensityIntegral::between(std::int64_t a, std::int64_t b) const {
  if (a < begin() || b > end() || a > b) {
    throw InternalError("IntensityIntegral::between: interval outside the series");
  }
  if (a == b) return 0.0;
  // The steps [a, b) touches: from the one holding a to the one holding b - 1.
  const auto first = static_cast<std::size_t>((a - start_) / step_);
  const auto last = static_cast<std::size_t>((b - 1 - start_) / step_) + 1;
  if (missing_[last] != missing_[first]) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(at_time(b) - at_time(a));
}

double IntensityIntegral::at(std::int64_t t) const {
  if (t < begin() || t >= end()) throw InternalError("IntensityIntegral::at: outside the series");
  return values_[static_cast<std::size_t>((t - start_) / step_)];
}

Site::Site(SiteSpec s, RegularSeries actual_series, std::vector<double> forecast_values)
    : spec(std::move(s)),
      name(spec.region),
      actual(std::move(actual_series)),
      forecast(std::move(forecast_values)) {
  check();
  if (forecast.size() != actual.values.size()) {
    throw ConfigError("site " + name + ": the forecast is not aligned with the intensity series");
  }
  const std::int64_t start = actual.start.time_since_epoch().count();
  charge = IntensityIntegral(start, actual.step.count(), actual.values);
  plan = IntensityIntegral(start, actual.step.count(), forecast);
}

Site::Site(SiteSpec s, RegularSeries actual_series,
           std::shared_ptr<const IssuedSiteForecast> issued_forecast)
    : spec(std::move(s)),
      name(spec.region),
      actual(std::move(actual_series)),
      issued(std::move(issued_forecast)) {
  check();
  if (!issued || issued->view().size() != static_cast<std::int64_t>(actual.values.size())) {
    throw ConfigError("site " + name +
                      ": the issued forecasts are not aligned with the intensity series");
  }
  charge = IntensityIntegral(actual.start.time_since_epoch().count(), actual.step.count(),
                             actual.values);
}

void Site::check() const {
  if (spec.capacity < 1) {
    throw ConfigError("site " + name + ": capacity must be at least 1 accelerator");
  }
  if (!(spec.pue >= 1.0) || !std::isfinite(spec.pue)) {
    throw ConfigError("site " + name + ": PUE must be a number >= 1 (1 counts IT energy only)");
  }
  if (!(spec.idle_watts >= 0.0) || !std::isfinite(spec.idle_watts)) {
    throw ConfigError("site " + name + ": idle power must be >= 0 W");
  }
}

Belief Site::belief(std::int64_t now, std::int64_t until) const {
  if (!issued) return Belief(&plan);
  // The view of a decision at step i, the step holding now (a decision between step boundaries
  // knows no more than one at the boundary before it), for the steps [i, e) that reach until.
  const std::int64_t origin = actual.start.time_since_epoch().count();
  const std::int64_t step = actual.step.count();
  const auto n = static_cast<std::int64_t>(actual.values.size());
  const std::int64_t i = std::clamp<std::int64_t>(now <= origin ? 0 : (now - origin) / step, 0, n);
  const std::int64_t e =
      std::clamp<std::int64_t>(until <= origin ? 0 : (until - origin + step - 1) / step, i, n);
  std::vector<double> seen(static_cast<std::size_t>(e - i));
  for (std::int64_t x = i; x < e; ++x)
    seen[static_cast<std::size_t>(x - i)] = issued->view().at(i, x);
  return Belief(IntensityIntegral(origin + i * step, step, seen));
}

}  // namespace shiftsim::sim::cluster
