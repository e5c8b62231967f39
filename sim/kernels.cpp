// Fast exact kernels over whole start axes (kernels.hpp); their data structures are in
// kernel_structures.hpp, the brute-force twins in kernels_brute_force.cpp.
//
// Shared conventions:
// - For a policy whose decision window for start s is [s, s + span), the starts that fit in the
//   data are s < T - span + 1. Every start in [from, to) outside that range is beyond_data; the
//   others are no_forecast when the window holds a NaN plan value (a forward scan for the next
//   NaN), ok otherwise. The kernels touch only the indices [from, last fitting start + span),
//   and allocate little beyond their result (page faults on big scratch arrays cost as much as
//   the work).
// - NaN plan values count as 0 inside the fast structures, so that they never poison a prefix
//   sum, a running sum or a comparison; every start whose window holds one is reported as
//   no_forecast, so the placeholder never reaches a result.
// - Pause-resume orders steps by (plan value, step index). The fast path ranks every step of the
//   touched range once by that key (NaN after everything) and keeps, per window, the threshold
//   rank of the K-th smallest; the window slides by one step, which changes the chosen set by at
//   most one step besides the leaving and the entering one.
#include "sim/kernels.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/kernel_structures.hpp"
#include "sim/kernel_support.hpp"

namespace shiftsim::sim::kernels {

using namespace detail;  // NOLINT: the shared checks and the data structures

bool is_uniform(std::span<const double> kwh) {
  for (std::size_t k = 1; k + 1 < kwh.size(); ++k)
    if (!same_bits(kwh[k], kwh[0])) return false;
  return true;
}

// ---- Baseline ----------------------------------------------------------------------------------

std::vector<StartResult> baseline_at(const Grid& grid, std::span<const double> kwh,
                                     std::span<const std::int64_t> starts) {
  check_starts("baseline_at", grid, kwh.size(), starts);
  std::vector<StartResult> out(starts.size());
  const i64 K = as_i64(kwh.size());
  const std::size_t fit = fitting(starts, as_i64(grid.plan.size()), K);
  if (fit == 0) return out;
  const i64 from = starts[0];
  NanScan nan(grid.plan, starts[fit - 1] + K);
  const long double e = kwh[0];
  const long double e_last = kwh.back();
  const bool uniform = is_uniform(kwh);
  // Uniform: e * (P(s + K - 1) - P(s)) + e_last * v[s + K - 1] for v = charge and plan.
  Prefix charge_lo(grid.charge, from), charge_hi(grid.charge, from);
  Prefix plan_lo(grid.plan, from), plan_hi(grid.plan, from);
  for (std::size_t i = 0; i < fit; ++i) {
    const i64 s = starts[i];
    StartResult& r = out[i];
    if (nan.any(s, K)) {
      r.status = Status::no_forecast;
      continue;
    }
    const auto last = static_cast<std::size_t>(s + K - 1);
    r.status = Status::ok;
    if (uniform) {
      r.emissions_g = static_cast<double>(e * (charge_hi.at(s + K - 1) - charge_lo.at(s)) +
                                          e_last * grid.charge[last]);
      r.planned_g = static_cast<double>(e * (plan_hi.at(s + K - 1) - plan_lo.at(s)) +
                                        e_last * grid.plan[last]);
    } else {
      r.emissions_g = dot(kwh.data(), grid.charge.data() + s, kwh.size());
      r.planned_g = dot(kwh.data(), grid.plan.data() + s, kwh.size());
    }
    r.first = s;
    r.last = s + K - 1;
  }
  return out;
}

std::vector<StartResult> baseline(const Grid& grid, std::span<const double> kwh, std::int64_t from,
                                  std::int64_t to) {
  check_args("baseline", grid, kwh.size(), from, to);
  return baseline_at(grid, kwh, iota_starts(from, to));
}

// ---- Flexible start ----------------------------------------------------------------------------

std::vector<StartResult> flexible_start_at(const Grid& grid, std::span<const double> kwh,
                                           std::int64_t window_steps,
                                           std::span<const std::int64_t> starts) {
  check_starts("flexible_start_at", grid, kwh.size(), starts);
  check_flexible_window("flexible_start_at", window_steps);
  std::vector<StartResult> out(starts.size());
  const i64 K = as_i64(kwh.size());
  const i64 n = window_steps;
  const i64 span = sat_add(n, K);
  const std::size_t fit = fitting(starts, as_i64(grid.plan.size()), span);  // so n < T here
  if (fit == 0) return out;
  const i64 from = starts[0];
  const i64 lim = starts[fit - 1] + span;  // the touched steps are [from, lim)
  // Candidates c in [from, starts[fit - 1] + n], indexed c - from; only the runs of them that
  // some start's [s, s + n] covers are computed (all when the window spans the gap between
  // starts).
  const auto candidates = static_cast<std::size_t>(starts[fit - 1] + n + 1 - from);
  std::vector<std::pair<std::size_t, std::size_t>> runs;  // [a, b), and the starts' order
  for (std::size_t i = 0; i < fit;) {
    const i64 a = starts[i];
    i64 b = a + n + 1;
    for (++i; i < fit && starts[i] <= b; ++i) b = starts[i] + n + 1;
    runs.emplace_back(static_cast<std::size_t>(a - from), static_cast<std::size_t>(b - from));
  }
  NanScan nan(grid.plan, lim);
  const bool uniform = is_uniform(kwh);

  // Each candidate's planned cost, as a double (the tie rule compares doubles), and for uniform
  // energy its charged emissions. NaN counts as 0 (those starts are no_forecast).
  std::vector<double> cost(candidates, 0.0), emissions;
  if (uniform) {
    // cost(c) = e * (P(c + K - 1) - P(c)) + e_last * plan[c + K - 1], P the prefix sums of the
    // plan in long double; the emissions likewise from the charge.
    emissions.resize(candidates);
    const long double e = kwh[0];
    const long double e_last = kwh.back();
    Prefix plan_lo(grid.plan, from), plan_hi(grid.plan, from);
    Prefix charge_lo(grid.charge, from), charge_hi(grid.charge, from);
    for (const auto& [a, b] : runs) {
      for (std::size_t j = a; j < b; ++j) {
        const i64 c = from + static_cast<i64>(j);
        const i64 l = c + K - 1;
        const auto lu = static_cast<std::size_t>(l);
        cost[j] = static_cast<double>(e * (plan_hi.at(l) - plan_lo.at(c)) +
                                      e_last * finite_or_zero(grid.plan[lu]));
        emissions[j] =
            static_cast<double>(e * (charge_hi.at(l) - charge_lo.at(c)) + e_last * grid.charge[lu]);
      }
    }
  } else {
    // cost(c) = sum_k kwh[k] * plan[c + k], summed over k in order (as the brute force does, so
    // the same doubles), vectorised across candidates: for each k an axpy over a block of
    // candidates that stays in L1.
    std::vector<double> plan(static_cast<std::size_t>(lim - from));
    for (std::size_t j = 0; j < plan.size(); ++j)
      plan[j] = finite_or_zero(grid.plan[static_cast<std::size_t>(from) + j]);
    constexpr std::size_t kBlock = 1024;
    for (const auto& [a, b] : runs) {
      for (std::size_t c0 = a; c0 < b; c0 += kBlock) {
        const std::size_t len = std::min(kBlock, b - c0);
        double* acc = cost.data() + c0;
        for (std::size_t k = 0; k < kwh.size(); ++k) {
          const double w = kwh[k];
          const double* p = plan.data() + c0 + k;
          for (std::size_t j = 0; j < len; ++j) acc[j] += w * p[j];
        }
      }
    }
  }
  FirstAtMost ties(candidates);
  for (const auto& [a, b] : runs)
    for (std::size_t j = a; j < b; ++j) ties.set(j, cost[j]);
  const WindowMinima minima(cost, runs, static_cast<std::size_t>(n) + 1);

  const auto nn = static_cast<std::size_t>(n);
  i64 memo_c = -1;
  double memo_emissions = 0;
  for (std::size_t i = 0; i < fit; ++i) {
    const i64 s = starts[i];
    StartResult& r = out[i];
    if (nan.any(s, span)) {
      r.status = Status::no_forecast;
      continue;
    }
    // The earliest candidate within the tie tolerance of the cheapest; the cheapest itself is
    // one, so the search ends at or before it.
    const auto j = static_cast<std::size_t>(s - from);
    const std::size_t best = ties.find(j, j + nn + 1, tie_limit(minima.at(j)));
    const i64 chosen = from + static_cast<i64>(best);
    r.status = Status::ok;
    r.planned_g = cost[best];
    if (uniform) {
      r.emissions_g = emissions[best];
    } else {
      if (chosen != memo_c) {  // the chosen candidate usually stays for many consecutive starts
        memo_c = chosen;
        memo_emissions = dot(kwh.data(), grid.charge.data() + chosen, kwh.size());
      }
      r.emissions_g = memo_emissions;
    }
    r.first = chosen;
    r.last = chosen + K - 1;
  }
  return out;
}

std::vector<StartResult> flexible_start(const Grid& grid, std::span<const double> kwh,
                                        std::int64_t window_steps, std::int64_t from,
                                        std::int64_t to) {
  check_args("flexible_start", grid, kwh.size(), from, to);
  return flexible_start_at(grid, kwh, window_steps, iota_starts(from, to));
}

// ---- Pause-resume ------------------------------------------------------------------------------

namespace {

// The first `fit` starts of pause_resume_at, all fitting in the data, into out[0 .. fit). The
// window slides over every step from the first start to the last (a slide changes the chosen set
// by at most one step besides the leaving and the entering one); results are read at the starts.
template <class Pos>
void pause_resume_fitting(const Grid& grid, std::span<const double> kwh, i64 W,
                          std::span<const i64> starts, std::size_t fit, std::span<const Pos> rank,
                          std::span<const Pos> order, std::vector<StartResult>& out) {
  const i64 K = as_i64(kwh.size());
  const i64 from = starts[0];
  const i64 lim = starts[fit - 1] + W;
  NanScan nan(grid.plan, lim);
  SlidingSelection<Pos> sel(grid, from, lim, K, W, rank, order);
  const bool uniform = is_uniform(kwh);
  const long double e = kwh[0];
  const long double e_last = kwh.back();
  const double* charge = grid.charge.data() + from;
  const double* plan = grid.plan.data() + from;
  i64 at = 0;  // the window's position, relative to from
  for (std::size_t i = 0; i < fit; ++i) {
    const i64 s = starts[i];
    const i64 p = s - from;
    for (; at < p; ++at) sel.slide(at);
    StartResult& r = out[i];
    if (nan.any(s, W)) {
      r.status = Status::no_forecast;
      continue;
    }
    r.status = Status::ok;
    const i64 first = sel.first(p), last = sel.last(p);
    r.first = from + first;
    r.last = from + last;
    r.pauses = static_cast<std::int32_t>(sel.runs() - 1);
    if (uniform) {
      // e for every chosen step, but e_last for the last one in time.
      r.emissions_g =
          static_cast<double>(e * (sel.charge_sum() - charge[last]) + e_last * charge[last]);
      r.planned_g = static_cast<double>(e * (sel.plan_sum() - plan[last]) + e_last * plan[last]);
    } else {
      // The k-th work step in the k-th chosen step in time order, summed in that order.
      double em = 0, pl = 0;
      std::size_t k = 0;
      sel.for_each_chosen(p, [&](i64 q) {
        em += kwh[k] * charge[q];
        pl += kwh[k] * plan[q];
        ++k;
      });
      r.emissions_g = em;
      r.planned_g = pl;
    }
  }
}

}  // namespace

std::vector<StartResult> pause_resume_at(const Grid& grid, std::span<const double> kwh,
                                         std::int64_t window_steps,
                                         std::span<const std::int64_t> starts,
                                         const PlanRanks* ranks) {
  check_starts("pause_resume_at", grid, kwh.size(), starts);
  check_pause_window("pause_resume_at", kwh.size(), window_steps);
  if (ranks != nullptr &&
      (ranks->rank.size() != grid.plan.size() || ranks->order.size() != grid.plan.size()))
    throw InternalError("kernels::pause_resume_at: ranks of " + std::to_string(ranks->rank.size()) +
                        " steps for a plan of " + std::to_string(grid.plan.size()) +
                        "; give rank_plan(grid.plan)");
  std::vector<StartResult> out(starts.size());
  const std::size_t fit = fitting(starts, as_i64(grid.plan.size()), window_steps);
  if (fit == 0) return out;
  if (ranks != nullptr)
    pause_resume_fitting<std::uint32_t>(grid, kwh, window_steps, starts, fit, ranks->rank,
                                        ranks->order, out);
  else if (starts[fit - 1] + window_steps - starts[0] <=
           i64{std::numeric_limits<std::uint32_t>::max()})
    pause_resume_fitting<std::uint32_t>(grid, kwh, window_steps, starts, fit, {}, {}, out);
  else
    pause_resume_fitting<std::uint64_t>(grid, kwh, window_steps, starts, fit, {}, {}, out);
  return out;
}

PlanRanks rank_plan(std::span<const double> plan) {
  if (plan.size() >= std::numeric_limits<std::uint32_t>::max())
    throw InternalError("kernels::rank_plan: a plan of " + std::to_string(plan.size()) +
                        " steps; ranks hold fewer than 2^32");
  PlanRanks r;
  rank_steps(plan, 0, as_i64(plan.size()), &r.rank, &r.order);
  return r;
}

std::vector<StartResult> pause_resume(const Grid& grid, std::span<const double> kwh,
                                      std::int64_t window_steps, std::int64_t from,
                                      std::int64_t to) {
  check_args("pause_resume", grid, kwh.size(), from, to);
  check_pause_window("pause_resume", kwh.size(), window_steps);
  return pause_resume_at(grid, kwh, window_steps, iota_starts(from, to));
}

std::vector<std::int64_t> pause_resume_steps(const Grid& grid, std::size_t work_steps,
                                             std::int64_t window_steps, std::int64_t start) {
  check_args("pause_resume_steps", grid, work_steps, start, start);
  check_pause_window("pause_resume_steps", work_steps, window_steps);
  if (direct_status(grid.plan, start, window_steps) != Status::ok) return {};
  return choose_steps_by_sorting(grid.plan, start, as_i64(work_steps), window_steps);
}

}  // namespace shiftsim::sim::kernels
