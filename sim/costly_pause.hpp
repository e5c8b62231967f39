#pragma once
// Pause-resume when pausing is not free: the exact step-aligned plan, by dynamic programming.
//
// With free pauses the paper's rule (the K lowest steps of the window) is optimal for uniform
// power. Once each pause costs a checkpoint of R whole steps drawing c kWh per step, and each run
// that ends in a pause must last at least m work steps, the cheapest plan may run through a
// dirty hour rather than pay for a pause. This planner finds the plan with the lowest planned
// emissions among all plans on the step grid of the window [start, start + W):
//   - the k-th work step draws kwh[k] (k = 0..K-1) in the step it runs in;
//   - every run but the last is followed by R checkpoint steps, then the job is paused (it may
//     resume at the very next step);
//   - every run but the last has at least m work steps; the first run starts whenever it likes.
// Ties go to the plan that finishes first; between plans finishing together, to the one found
// first (no claim of earliest work on ties, unlike the free rule).
//
// This is the optimum, not the paper's rule: with a partial last step or a non-uniform profile
// it can beat the free rule even when the costs are nil, so compare runs with pause costs
// against nil costs planned the same way (--min-run 1s), not against the free rule.
//
// States: (step, work done j, phase), phase = paused, running for l = 1..max(m,1) steps (capped),
// or checkpointing for c = 1..R-1 steps. Time O(W * K * (max(m,1) + R)), memory 2 bits per state
// for the backtrack plus two layers of costs; m is capped at K and R at W - K + 1 (longer
// values forbid pausing anyway); refused beyond kMaxCostlyPlanStates states or
// kMaxCostlyPlanBytes (ConfigError saying so).
//
// Thread-safety: a pure function.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/kernels.hpp"

namespace shiftsim::sim {

constexpr std::uint64_t kMaxCostlyPlanStates = 1'000'000'000;  // 250 MB of backtrack bits
constexpr std::uint64_t kMaxCostlyPlanBytes = 400ULL << 20;    // backtrack and cost layers

struct CostlyPlan {
  kernels::Status status = kernels::Status::beyond_data;
  double planned_g = 0;                   // work and checkpoints, at plan values
  std::vector<std::int64_t> work;         // the K work steps (absolute indices), in time order
  std::vector<std::int64_t> checkpoints;  // checkpoint steps, in time order
};

CostlyPlan plan_costly_pause_resume(std::span<const double> plan, std::span<const double> kwh,
                                    std::int64_t start, std::int64_t window,
                                    std::int64_t checkpoint_steps, double checkpoint_kwh_per_step,
                                    std::int64_t min_run_steps);

// The brute-force twin for tests: every subset of K work steps of a window of at most 20 steps,
// checked against the rules above. Same result (planned_g) up to rounding.
CostlyPlan plan_costly_pause_resume_brute_force(std::span<const double> plan,
                                                std::span<const double> kwh, std::int64_t start,
                                                std::int64_t window, std::int64_t checkpoint_steps,
                                                double checkpoint_kwh_per_step,
                                                std::int64_t min_run_steps);

}  // namespace shiftsim::sim
