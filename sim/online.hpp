#pragma once
// Online policies: flexible start and pause-resume deciding step by step on issued forecasts
// (sim/issued_forecast.hpp), as a receding horizon: at each step boundary the policy looks at the
// latest forecast, decides only what happens in the step that begins, and looks again at the
// next boundary. Nothing it decides on lies after the decision's time.
//
// Rules, for a job of K work steps (energy kwh[k]) requested at step s, v_i the view at step i:
//   flexible start (candidates s .. s+n): at each step i = s, s+1, ... while the job waits:
//     at i = s + n it starts (the last start that keeps the deadline); otherwise it starts at i
//     when the believed cost of starting now, sum_k kwh[k] * v_i(i + k), is within the tie
//     tolerance of the lowest believed cost of any start j in [i, s + n] (kernels.hpp's rule,
//     applied to what is known at i), and waits a step otherwise.
//   pause-resume (window s .. s+W-1): at each step i while r > 0 work steps remain: when the
//     steps left in the window, s + W - i, equal r, it runs (the slack is spent: every remaining
//     step is needed to finish by the deadline); otherwise it runs step i when (v_i(i), i) is
//     among the r smallest of {(v_i(x), x) : x in [i, s + W)} (the earliest on ties), and pauses
//     otherwise. Work step k runs in the k-th step run.
// Both finish by the deadline by construction. With a forecast that is the actual series over
// the whole window, both choose exactly what the oracle kernels choose (kernels.hpp): the
// offline choice restricted to what is left is the best choice of what is left.
// `planned_g` is what the policy believed it would emit when it decided: for flexible start the
// believed cost of the start it took, for pause-resume the sum of kwh[k] * v_i(i) over the steps
// i it ran.
//
// Status: beyond_data when the window reaches past the series (flexible start: s + n + K > T;
// pause-resume: s + W > T), as the kernels; no_forecast when a view value a decision needs is
// NaN. Cost per start, direct: flexible start O(n * (n + K) * K) worst, pause-resume
// O(W^2); this is the definition the fast sweep paths are checked against.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <span>
#include <vector>

#include "sim/issued_forecast.hpp"
#include "sim/kernels.hpp"

namespace shiftsim::sim {

struct OnlineResult {
  kernels::Status status = kernels::Status::beyond_data;
  std::vector<std::int64_t> steps;  // the steps the job ran, increasing (empty unless ok)
  double planned_g = 0;
  std::int64_t decisions = 0;  // step boundaries at which the policy looked at a forecast
};

OnlineResult online_flexible_start(const IssuedView& view, std::span<const double> kwh,
                                   std::int64_t offsets, std::int64_t start);
OnlineResult online_pause_resume(const IssuedView& view, std::span<const double> kwh,
                                 std::int64_t window_steps, std::int64_t start);

}  // namespace shiftsim::sim
