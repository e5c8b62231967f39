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
// NaN.
//
// Two implementations. brute_force:: replays each start's decisions directly from the view:
// flexible start O(n * (n + K) * K) per start, pause-resume O(W^2); the definition. The fast
// paths compute every start of a range at once, using what the view's rules give: beyond the
// horizon the view is periodic in the target (persistence repeats the last day before the
// decision) or constant (hold), so
//   flexible start, uniform energy: for each decision step i, the first later start whose
//     believed cost beats starting at i need only be sought within L + D steps (past that, costs
//     repeat), each cost O(1) from prefix sums; a start s then starts at the first i in
//     [s, s + n) that nothing in (i, s + n] beats. O((T + n) * (L + D) + T * n) for T starts;
//     non-uniform energy falls back to the direct replay per start.
//   pause-resume, any energy: the rank of step i among a window's remaining steps is O(1) after
//     O(L + D) work per decision step, shared by every start whose window holds i.
//     O(T * (L + D) + T * W).
// Starts within the first day (s < D) take the direct replay: their fallback may reach before
// the series. The fast flexible start sums in long double where the direct one sums in
// double, so, as in kernels.hpp, only a start whose cost lies at the tie tolerance's edge can be
// chosen differently; pause-resume compares view values and agrees exactly.
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

// Every start s in [from, to), charged the view's actual series (kernels::StartResult: status,
// emissions, planned, first and last work step, pauses).
std::vector<kernels::StartResult> online_flexible_start(const IssuedView& view,
                                                        std::span<const double> kwh,
                                                        std::int64_t offsets, std::int64_t from,
                                                        std::int64_t to);
std::vector<kernels::StartResult> online_pause_resume(const IssuedView& view,
                                                      std::span<const double> kwh,
                                                      std::int64_t window_steps, std::int64_t from,
                                                      std::int64_t to);

// A replay's result as the kernels give it, charged `actual`.
kernels::StartResult to_start_result(const OnlineResult& r, std::span<const double> kwh,
                                     std::span<const double> actual);

namespace brute_force {
// One start, replayed decision by decision: the steps it ran.
OnlineResult online_flexible_start(const IssuedView& view, std::span<const double> kwh,
                                   std::int64_t offsets, std::int64_t start);
OnlineResult online_pause_resume(const IssuedView& view, std::span<const double> kwh,
                                 std::int64_t window_steps, std::int64_t start);
}  // namespace brute_force

}  // namespace shiftsim::sim
