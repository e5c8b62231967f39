#pragma once
// One run: a job, a region's intensity, a requested start and a policy, simulated by the event
// engine. This is the reference every fast kernel is checked against, and what
// `shiftsim simulate` prints.
//
// The policy plans on `plan` (a forecast aligned with the intensity; empty = the intensity
// itself, an oracle), or, for an issued forecast, decides step by step on `issued`
// (sim/online.hpp); the engine charges the actual intensity. Expected outcomes are values:
// a window past the end of the history (beyond_data), a requested start before it (before_data),
// a window without forecast values (no_forecast). Wrong requests (a start off the step grid,
// a checkpoint time that is not whole steps) throw ConfigError.
//
// Thread-safety: a pure function of its inputs; run many in parallel.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/embodied.hpp"
#include "sim/core/power_profile.hpp"
#include "sim/core/regular_series.hpp"
#include "sim/issued_forecast.hpp"
#include "sim/policy.hpp"
#include "sim/record.hpp"

namespace shiftsim::sim {

enum class Outcome : std::uint8_t { ok, beyond_data, before_data, no_forecast };
std::string_view to_string(Outcome o);
// What to tell a user about an outcome other than ok.
std::string explain(Outcome o);

struct RunRequest {
  const RegularSeries* intensity = nullptr;  // actual, at the simulation step
  std::span<const double> plan;              // aligned with intensity, or empty
  std::string job_name;
  PowerProfile power;  // facility power
  Embodied embodied;
  TimePoint requested{};
  Policy policy;
  const IssuedArchive* issued = nullptr;  // for an issued:KEY forecast: aligned with intensity
};

struct RunResult {
  Outcome outcome = Outcome::ok;
  TimePoint requested{};
  Seconds duration{};    // D, the job's uninterrupted length
  Seconds window{};      // N in seconds
  TimePoint deadline{};  // requested + D + N
  JobRecord record;      // schedule, operational emissions, energy, pauses, start, finish
  Emissions embodied{};  // for the time the job held its machine
  Emissions planned{};   // what the policy expected to emit (plan values); 0 for threshold
  Seconds delay() const { return record.finish - (requested + duration); }
};

RunResult simulate(const RunRequest& request);

// The run intervals of a step plan: chosen steps (absolute indices, increasing) merged where
// consecutive; the last ends after the job's remaining work (a partial last step ends early).
std::vector<Interval> intervals_of_steps(const RegularSeries& intensity,
                                         std::span<const std::int64_t> steps, Seconds duration);

}  // namespace shiftsim::sim
