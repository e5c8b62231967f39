#include "sim/core/power_profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {
// ceil(d / s) without the overflow of (d + s - 1) / s for a huge step.
long intervals(Seconds d, Seconds s) {
  return d.count() / s.count() + (d.count() % s.count() != 0);
}
}  // namespace

Energy StepEnergy::total() const {
  double sum = 0;
  for (double e : kwh) sum += e;
  return shiftsim::kwh(sum);
}

PowerProfile::PowerProfile(Seconds step, Seconds duration, std::vector<double> watts)
    : step_(step),
      duration_(duration),
      watts_(std::make_shared<const std::vector<double>>(std::move(watts))) {
  if (step_ <= Seconds{0}) throw ConfigError("a power profile needs a step of at least 1 s");
  if (duration_ <= Seconds{0})
    throw ConfigError("a power profile needs a duration of at least 1 s");
  const auto expected = static_cast<std::size_t>(intervals(duration_, step_));
  if (watts_->size() != expected)
    throw ConfigError(fmt::format("a power profile of {} at a {} step needs {} values, not {}",
                                  format_duration(duration_), format_duration(step_), expected,
                                  watts_->size()));
  double joules_sum = 0;
  for (std::size_t i = 0; i < watts_->size(); ++i) {
    const double w = (*watts_)[i];
    if (!std::isfinite(w) || w < 0)
      throw ConfigError(fmt::format("power profile value {} (at {} into the run) is {} W", i + 1,
                                    format_duration(step_ * static_cast<long>(i)), w));
    joules_sum += w * static_cast<double>(length(i).count());
  }
  energy_ = joules(joules_sum);
  if (!(energy_.value > 0))
    throw ConfigError("the power profile has zero energy: every value is 0 W");
}

PowerProfile PowerProfile::uniform(Energy energy, Seconds duration) {
  if (duration <= Seconds{0}) throw ConfigError("a job needs a duration of at least 1 s");
  if (!std::isfinite(energy.value) || energy.value <= 0)
    throw ConfigError(fmt::format("a job needs a positive energy, not {} kWh", energy.value));
  return PowerProfile(duration, duration, {(energy / duration).value});
}

Seconds PowerProfile::length(std::size_t i) const {
  const Seconds begin = step_ * static_cast<long>(i);
  return std::min(step_, duration_ - begin);
}

Power PowerProfile::peak_power() const {
  return shiftsim::watts(*std::max_element(watts_->begin(), watts_->end()));
}

StepEnergy PowerProfile::at_step(Seconds step) const {
  if (step <= Seconds{0}) throw ConfigError("the simulation step must be at least 1 s");
  if (static_cast<std::size_t>(intervals(duration_, step)) > kMaxSimulationSteps)
    throw ConfigError(fmt::format("{} at a {} step is more than {} steps",
                                  format_duration(duration_), format_duration(step),
                                  kMaxSimulationSteps));
  const long d = duration_.count(), s = step.count(), p = step_.count();
  StepEnergy out{step, duration_,
                 std::vector<double>(static_cast<std::size_t>(intervals(duration_, step)), 0.0)};
  if (s % p == 0) {
    // The common case (a 1-s or 1-min profile at a 5-min step): whole profile intervals per
    // step, summed without the per-piece bookkeeping of the general merge below.
    const auto per = static_cast<std::size_t>(s / p);
    const std::size_t n = watts_->size();
    std::size_t i = 0;
    for (std::size_t k = 0; k < out.kwh.size(); ++k) {
      const std::size_t end = std::min(n, i + per);
      // Every interval is a full step long except possibly the profile's last one.
      const std::size_t full_end = end == n ? n - 1 : end;
      double sum = 0;
      for (; i < full_end; ++i) sum += (*watts_)[i];
      double joules_k = sum * static_cast<double>(p);
      if (end == n && i == n - 1) {
        joules_k += (*watts_)[i] * static_cast<double>(length(i).count());
        ++i;
      }
      out.kwh[k] = joules_k / kJoulesPerKwh;
    }
    return out;
  }
  // Merge the two grids: each piece is the overlap of one profile interval with one step, so
  // every joule of the profile lands in exactly one step.
  long t = 0;
  std::size_t i = 0, k = 0;
  while (t < d) {
    const long end = std::min({static_cast<long>(i + 1) * p, static_cast<long>(k + 1) * s, d});
    out.kwh[k] += (*watts_)[i] * static_cast<double>(end - t) / kJoulesPerKwh;
    t = end;
    if (t == static_cast<long>(i + 1) * p) ++i;
    if (t == static_cast<long>(k + 1) * s) ++k;
  }
  return out;
}

PowerProfile PowerProfile::affine(double a, Power b) const {
  std::vector<double> w(watts_->size());
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = a * (*watts_)[i] + b.value;
  return PowerProfile(step_, duration_, std::move(w));
}

}  // namespace shiftsim
