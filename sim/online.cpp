#include "sim/online.hpp"

#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "sim/kernel_support.hpp"

namespace shiftsim::sim {

using kernels::Status;
using kernels::detail::tie_limit;

namespace {

// sum_k kwh[k] * v_now(from + k), or NaN when a view value is missing.
double believed_cost(const IssuedView& view, std::span<const double> kwh, std::int64_t now,
                     std::int64_t from) {
  double cost = 0;
  for (std::size_t k = 0; k < kwh.size(); ++k) {
    const double v = view.at(now, from + static_cast<std::int64_t>(k));
    if (std::isnan(v)) return v;
    cost += kwh[k] * v;
  }
  return cost;
}

void check(const char* fn, std::span<const double> kwh, std::int64_t start) {
  if (kwh.empty() || start < 0) throw InternalError(std::string(fn) + ": invalid arguments");
}

}  // namespace

OnlineResult online_flexible_start(const IssuedView& view, std::span<const double> kwh,
                                   std::int64_t offsets, std::int64_t start) {
  check("online_flexible_start", kwh, start);
  if (offsets < 0) throw InternalError("online_flexible_start: negative window");
  const auto K = static_cast<std::int64_t>(kwh.size());
  const std::int64_t last = start + offsets;
  OnlineResult out;
  if (last + K > view.size()) return out;
  for (std::int64_t i = start; i <= last; ++i) {
    ++out.decisions;
    const double now_cost = believed_cost(view, kwh, i, i);
    if (std::isnan(now_cost)) {
      out.status = Status::no_forecast;
      return out;
    }
    bool start_now = i == last;
    if (!start_now) {
      double lowest = now_cost;
      for (std::int64_t j = i + 1; j <= last; ++j) {
        const double c = believed_cost(view, kwh, i, j);
        if (std::isnan(c)) {
          out.status = Status::no_forecast;
          return out;
        }
        lowest = std::min(lowest, c);
      }
      start_now = now_cost <= tie_limit(lowest);
    }
    if (start_now) {
      out.status = Status::ok;
      out.planned_g = now_cost;
      for (std::int64_t k = 0; k < K; ++k) out.steps.push_back(i + k);
      return out;
    }
  }
  throw InternalError("online_flexible_start: no start chosen");
}

OnlineResult online_pause_resume(const IssuedView& view, std::span<const double> kwh,
                                 std::int64_t window_steps, std::int64_t start) {
  check("online_pause_resume", kwh, start);
  const auto K = static_cast<std::int64_t>(kwh.size());
  if (window_steps < K) throw InternalError("online_pause_resume: window shorter than the job");
  const std::int64_t end = start + window_steps;
  OnlineResult out;
  if (end > view.size()) return out;
  for (std::int64_t i = start; i < end; ++i) {
    const auto left = K - static_cast<std::int64_t>(out.steps.size());
    if (left == 0) break;
    ++out.decisions;
    const double now = view.at(i, i);
    if (std::isnan(now)) {
      out.status = Status::no_forecast;
      out.steps.clear();
      return out;
    }
    bool run = end - i == left;
    if (!run) {
      // The rank of (now, i) among the window's remaining steps: those strictly before it in
      // (value, index) order, i.e. smaller values (any later step with an equal value ranks
      // after i).
      std::int64_t before = 0;
      for (std::int64_t x = i + 1; x < end; ++x) {
        const double v = view.at(i, x);
        if (std::isnan(v)) {
          out.status = Status::no_forecast;
          out.steps.clear();
          return out;
        }
        if (v < now) ++before;
      }
      run = before < left;
    }
    if (run) {
      out.planned_g += kwh[out.steps.size()] * now;
      out.steps.push_back(i);
    }
  }
  if (static_cast<std::int64_t>(out.steps.size()) != K)
    throw InternalError("online_pause_resume: the job did not finish in its window");
  out.status = Status::ok;
  return out;
}

}  // namespace shiftsim::sim
