#pragma once
// What the fast kernels (kernels.cpp) and their brute-force twins (kernels_brute_force.cpp)
// share: the argument checks (InternalError), index arithmetic, the tie rule of flexible start,
// and the direct definitions of a window's status and of pause-resume's choice of steps.
// Internal to sim/: the contracts are kernels.hpp's.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/kernels.hpp"

namespace shiftsim::sim::kernels::detail {

using i64 = std::int64_t;
using u64 = std::uint64_t;

// ---- Arguments ----------------------------------------------------------------------------------

inline void check_args(const char* fn, const Grid& grid, std::size_t work_steps, i64 from, i64 to) {
  const std::string name = std::string("kernels::") + fn + ": ";
  if (work_steps == 0) throw InternalError(name + "the job has no work steps (kwh is empty)");
  if (from < 0 || to < from)
    throw InternalError(name + "the starts [" + std::to_string(from) + ", " + std::to_string(to) +
                        ") are not a range with 0 <= from <= to");
  if (grid.plan.size() != grid.charge.size())
    throw InternalError(name + "plan has " + std::to_string(grid.plan.size()) +
                        " values but charge has " + std::to_string(grid.charge.size()) +
                        "; the two series must be aligned");
}

// The starts of the *_at kernels: non-negative and non-decreasing.
inline void check_starts(const char* fn, const Grid& grid, std::size_t work_steps,
                         std::span<const i64> starts) {
  check_args(fn, grid, work_steps, 0, 0);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    if (starts[i] < 0 || (i > 0 && starts[i] < starts[i - 1]))
      throw InternalError(std::string("kernels::") + fn + ": start " + std::to_string(i) + " (" +
                          std::to_string(starts[i]) +
                          ") is negative or before the one before it; starts must be "
                          "non-negative and non-decreasing");
  }
}

// The starts from, from + 1, ..., to - 1 (the range kernels are the *_at kernels on these).
inline std::vector<i64> iota_starts(i64 from, i64 to) {
  std::vector<i64> v(static_cast<std::size_t>(to - from));
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = from + static_cast<i64>(i);
  return v;
}

inline void check_pause_window(const char* fn, std::size_t work_steps, i64 window_steps) {
  if (window_steps < 0 || static_cast<std::size_t>(window_steps) < work_steps)
    throw InternalError(std::string("kernels::") + fn + ": the window of " +
                        std::to_string(window_steps) + " steps is shorter than the job's " +
                        std::to_string(work_steps) + " work steps");
}

inline void check_flexible_window(const char* fn, i64 window_steps) {
  if (window_steps < 0)
    throw InternalError(std::string("kernels::") + fn + ": the window of " +
                        std::to_string(window_steps) + " steps is negative");
}

inline i64 sat_add(i64 a, i64 b) {  // both >= 0
  i64 r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<i64>::max() : r;
}

inline i64 as_i64(std::size_t n) {
  return n > static_cast<std::size_t>(std::numeric_limits<i64>::max())
             ? std::numeric_limits<i64>::max()
             : static_cast<i64>(n);
}

// How many of the non-decreasing starts have their window [s, s + span) inside T values: a
// prefix of them.
inline std::size_t fitting(std::span<const i64> starts, i64 T, i64 span) {
  if (span > T) return 0;
  return static_cast<std::size_t>(std::upper_bound(starts.begin(), starts.end(), T - span) -
                                  starts.begin());
}

inline double finite_or_zero(double v) { return std::isnan(v) ? 0.0 : v; }

// Near ties: planned costs within kTieTolerance (relative) of the lowest are ties, and the
// earliest of them wins. Sums over thousands of steps round differently from one candidate to
// the next, so an exact comparison would let a rounding hair delay a job by hours for nothing.
inline double tie_limit(double lowest) { return lowest + kTieTolerance * std::abs(lowest); }

// Status of the window [s, s + span) by a direct scan.
inline Status direct_status(std::span<const double> plan, i64 s, i64 span) {
  const i64 T = as_i64(plan.size());
  if (s > T || span > T - s) return Status::beyond_data;
  for (i64 i = s; i < s + span; ++i)
    if (std::isnan(plan[static_cast<std::size_t>(i)])) return Status::no_forecast;
  return Status::ok;
}

// The K steps of the window [s, s + W) with the lowest (plan value, step index), in time order.
// The window must hold no NaN.
inline std::vector<i64> choose_steps_by_sorting(std::span<const double> plan, i64 s, i64 K, i64 W) {
  std::vector<std::pair<double, i64>> window(static_cast<std::size_t>(W));
  for (i64 j = 0; j < W; ++j)
    window[static_cast<std::size_t>(j)] = {plan[static_cast<std::size_t>(s + j)], s + j};
  std::sort(window.begin(), window.end());
  std::vector<i64> steps(static_cast<std::size_t>(K));
  for (i64 k = 0; k < K; ++k)
    steps[static_cast<std::size_t>(k)] = window[static_cast<std::size_t>(k)].second;
  std::sort(steps.begin(), steps.end());
  return steps;
}

}  // namespace shiftsim::sim::kernels::detail
