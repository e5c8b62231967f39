#pragma once
// A power profile: the power a job draws over its run, at a regular step, from the job's start.
//
// Value i is the mean power over [i*step, (i+1)*step); the last interval may be shorter when the
// duration is not a whole number of steps (a 20-minute job at a 15-minute step has a 5-minute
// last interval). Mean power per interval, rather than samples, is what makes resampling exact:
// the energy in any interval with whole-second bounds is a sum of power x overlap.
//
// Invariants (checked by the constructor, which throws ConfigError): step > 0, duration > 0,
// watts.size() == ceil(duration / step), every value finite and >= 0, total energy > 0.
// Immutable after construction; safe to share between threads.
#include <cstddef>
#include <memory>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim {

// Energy per simulation step, the form the simulation kernels consume: kwh[k] is the energy drawn
// in [k*step, (k+1)*step) of the job's run; the last step is partial when the duration is not a
// whole number of steps (then `duration` < kwh.size() * step).
struct StepEnergy {
  Seconds step{};
  Seconds duration{};
  std::vector<double> kwh;

  Energy total() const;
  std::size_t steps() const { return kwh.size(); }
};

// Sizes beyond which a profile or its resampling is refused before allocating (a typo in a
// duration or a step must give an error, not exhaust memory): 5 million values is 58 days at a
// 1-second step; 20 million simulation steps is 230 days at 1 second.
constexpr std::size_t kMaxProfileValues = 5'000'000;
constexpr std::size_t kMaxSimulationSteps = 20'000'000;

class PowerProfile {
 public:
  PowerProfile(Seconds step, Seconds duration, std::vector<double> watts);

  // Constant power for the whole run: one interval of length `duration`.
  static PowerProfile uniform(Energy energy, Seconds duration);

  Seconds step() const { return step_; }
  Seconds duration() const { return duration_; }
  const std::vector<double>& watts() const { return *watts_; }
  std::size_t size() const { return watts_->size(); }
  // The length of interval i: step, or what is left of the duration for the last one.
  Seconds length(std::size_t i) const;

  Energy energy() const { return energy_; }
  Power mean_power() const { return energy_ / duration_; }
  Power peak_power() const;

  // Energy per simulation step of `step` (any whole number of seconds > 0). Conserves energy:
  // total() equals energy() up to floating-point rounding of the sum. O(size() + steps).
  // Throws ConfigError for more than kMaxSimulationSteps steps.
  StepEnergy at_step(Seconds step) const;

  // The same profile with every value mapped through an affine function a*P + b (overheads).
  PowerProfile affine(double a, Power b) const;

 private:
  Seconds step_;
  Seconds duration_;
  // Immutable and shared: copies of a profile (a trace's thousands of jobs running one measured
  // workload, a sweep's copies per scenario) cost a pointer, not the values.
  std::shared_ptr<const std::vector<double>> watts_;
  Energy energy_;
};

}  // namespace shiftsim
