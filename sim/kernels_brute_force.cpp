// The brute-force twins of the fast kernels (kernels.hpp, namespace brute_force): the
// definitions computed directly per start, against which the tests and benchmarks check the fast
// paths. Kept apart from kernels.cpp so that neither borrows from the other's machinery.
#include <algorithm>
#include <limits>
#include <vector>

#include "sim/kernel_support.hpp"
#include "sim/kernels.hpp"

namespace shiftsim::sim::kernels {

using namespace detail;  // NOLINT: the shared checks and direct definitions

namespace brute_force {

std::vector<StartResult> baseline(const Grid& grid, std::span<const double> kwh, std::int64_t from,
                                  std::int64_t to) {
  check_args("brute_force::baseline", grid, kwh.size(), from, to);
  const i64 K = as_i64(kwh.size());
  std::vector<StartResult> out;
  out.reserve(static_cast<std::size_t>(to - from));
  for (i64 s = from; s < to; ++s) {
    StartResult r;
    r.status = direct_status(grid.plan, s, K);
    if (r.status == Status::ok) {
      for (i64 k = 0; k < K; ++k) {
        const auto i = static_cast<std::size_t>(s + k);
        r.emissions_g += kwh[static_cast<std::size_t>(k)] * grid.charge[i];
        r.planned_g += kwh[static_cast<std::size_t>(k)] * grid.plan[i];
      }
      r.first = s;
      r.last = s + K - 1;
    }
    out.push_back(r);
  }
  return out;
}

std::vector<StartResult> flexible_start(const Grid& grid, std::span<const double> kwh,
                                        std::int64_t window_steps, std::int64_t from,
                                        std::int64_t to) {
  check_args("brute_force::flexible_start", grid, kwh.size(), from, to);
  check_flexible_window("brute_force::flexible_start", window_steps);
  const i64 K = as_i64(kwh.size());
  std::vector<StartResult> out;
  out.reserve(static_cast<std::size_t>(to - from));
  for (i64 s = from; s < to; ++s) {
    StartResult r;
    r.status = direct_status(grid.plan, s, sat_add(window_steps, K));
    if (r.status == Status::ok) {
      std::vector<double> costs(static_cast<std::size_t>(window_steps) + 1);
      double lowest = std::numeric_limits<double>::infinity();
      for (i64 c = s; c <= s + window_steps; ++c) {
        double cost = 0;
        for (i64 k = 0; k < K; ++k)
          cost += kwh[static_cast<std::size_t>(k)] * grid.plan[static_cast<std::size_t>(c + k)];
        costs[static_cast<std::size_t>(c - s)] = cost;
        lowest = std::min(lowest, cost);
      }
      // The earliest candidate within the tie tolerance of the lowest cost.
      const double limit = tie_limit(lowest);
      const auto at =
          std::find_if(costs.begin(), costs.end(), [&](double c) { return c <= limit; });
      const i64 best = s + (at - costs.begin());
      const double best_cost = *at;
      for (i64 k = 0; k < K; ++k)
        r.emissions_g +=
            kwh[static_cast<std::size_t>(k)] * grid.charge[static_cast<std::size_t>(best + k)];
      r.planned_g = best_cost;
      r.first = best;
      r.last = best + K - 1;
    }
    out.push_back(r);
  }
  return out;
}

std::vector<StartResult> pause_resume(const Grid& grid, std::span<const double> kwh,
                                      std::int64_t window_steps, std::int64_t from,
                                      std::int64_t to) {
  check_args("brute_force::pause_resume", grid, kwh.size(), from, to);
  check_pause_window("brute_force::pause_resume", kwh.size(), window_steps);
  const i64 K = as_i64(kwh.size());
  std::vector<StartResult> out;
  out.reserve(static_cast<std::size_t>(to - from));
  for (i64 s = from; s < to; ++s) {
    StartResult r;
    r.status = direct_status(grid.plan, s, window_steps);
    if (r.status == Status::ok) {
      const auto steps = choose_steps_by_sorting(grid.plan, s, K, window_steps);
      for (std::size_t k = 0; k < steps.size(); ++k) {
        const auto i = static_cast<std::size_t>(steps[k]);
        r.emissions_g += kwh[k] * grid.charge[i];
        r.planned_g += kwh[k] * grid.plan[i];
        if (k > 0 && steps[k] != steps[k - 1] + 1) ++r.pauses;
      }
      r.first = steps.front();
      r.last = steps.back();
    }
    out.push_back(r);
  }
  return out;
}

}  // namespace brute_force

}  // namespace shiftsim::sim::kernels
