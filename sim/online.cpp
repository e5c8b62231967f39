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

namespace brute_force {

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

}  // namespace brute_force

kernels::StartResult to_start_result(const OnlineResult& r, std::span<const double> kwh,
                                     std::span<const double> actual) {
  kernels::StartResult out;
  out.status = r.status;
  if (r.status != Status::ok) return out;
  out.planned_g = r.planned_g;
  for (std::size_t k = 0; k < r.steps.size(); ++k) {
    out.emissions_g += kwh[k] * actual[static_cast<std::size_t>(r.steps[k])];
    if (k > 0 && r.steps[k] != r.steps[k - 1] + 1) ++out.pauses;
  }
  out.first = r.steps.front();
  out.last = r.steps.back();
  return out;
}

namespace {

using i64 = std::int64_t;

// What a decision at step i believes of the steps i + t, t >= 0, with O(1) sums and counts over
// runs of them. Beyond the horizon and where nothing was issued the view is its fallback F,
// constant (hold) or the day [i - D, i) repeated (persistence); within the horizon [i, i + L]
// the issued values h(t) replace it, kept with prefix sums of h - F and prefix counts.
// Reused from step to step (reset) so that no decision allocates. Requires i >= D.
class Decision {
 public:
  Decision(const IssuedView& view, std::span<const long double> prefix)
      : view_(view),
        actual_(view.actual()),
        pre_(prefix),
        L_(static_cast<i64>(view.leads())),
        D_(view.steps_per_day()) {
    h_.resize(static_cast<std::size_t>(L_) + 1);
    delta_.resize(static_cast<std::size_t>(L_) + 2);
    below_h_.resize(static_cast<std::size_t>(L_) + 1);
    below_f_.resize(static_cast<std::size_t>(D_) + 1);
  }

  void reset(i64 i) {
    i_ = i;
    base_ = i - D_;
    const double c = view_.last_lead(i);
    hold_ = view_.beyond() == Beyond::hold && !std::isnan(c);
    c_ = c;
    day_sum_ = pre_[static_cast<std::size_t>(i)] - pre_[static_cast<std::size_t>(base_)];
    delta_[0] = 0;
    for (i64 t = 0; t <= L_; ++t) {
      const double h = view_.issued(i, i + t);
      h_[static_cast<std::size_t>(t)] = h;
      delta_[static_cast<std::size_t>(t) + 1] =
          delta_[static_cast<std::size_t>(t)] + (std::isnan(h) ? 0.0L : h - fallback(t));
    }
    counted_ = false;
  }

  double fallback(i64 t) const {
    return hold_ ? c_ : actual_[static_cast<std::size_t>(base_ + t % D_)];
  }
  double at(i64 t) const {
    if (t <= L_) {
      const double h = h_[static_cast<std::size_t>(t)];
      if (!std::isnan(h)) return h;
    }
    return fallback(t);
  }
  // sum of at(t) over t in [a, b), 0 <= a <= b.
  long double sum(i64 a, i64 b) const {
    const auto in = [&](i64 t) { return static_cast<std::size_t>(std::min(t, L_ + 1)); };
    return fallback_sum(a, b) + delta_[in(b)] - delta_[in(a)];
  }

  // The number of t in [1, e) whose value is below at(0) (counts are set up on first use).
  i64 below_now(i64 e) {
    if (!counted_) count();
    const i64 in = std::min(e - 1, L_);
    i64 n = in >= 1 ? below_h_[static_cast<std::size_t>(in)] : 0;
    if (e - 1 > L_) n += periodic_below(e) - periodic_below(L_ + 1);
    return n;
  }

 private:
  long double fallback_prefix(i64 t) const {  // sum of fallback over [0, t)
    if (hold_) return static_cast<long double>(c_) * static_cast<long double>(t);
    return static_cast<long double>(t / D_) * day_sum_ +
           (pre_[static_cast<std::size_t>(base_ + t % D_)] - pre_[static_cast<std::size_t>(base_)]);
  }
  long double fallback_sum(i64 a, i64 b) const { return fallback_prefix(b) - fallback_prefix(a); }

  void count() {
    const double now = at(0);
    below_h_[0] = 0;
    for (i64 t = 1; t <= L_; ++t)
      below_h_[static_cast<std::size_t>(t)] =
          below_h_[static_cast<std::size_t>(t) - 1] + (at(t) < now ? 1 : 0);
    below_f_[0] = 0;
    for (i64 o = 0; o < D_; ++o)
      below_f_[static_cast<std::size_t>(o) + 1] =
          below_f_[static_cast<std::size_t>(o)] + (fallback(o) < now ? 1 : 0);
    counted_ = true;
  }
  // The number of t in [0, t_end) whose fallback is below at(0).
  i64 periodic_below(i64 t_end) const {
    if (hold_) return fallback(0) < at(0) ? t_end : 0;
    return (t_end / D_) * below_f_[static_cast<std::size_t>(D_)] +
           below_f_[static_cast<std::size_t>(t_end % D_)];
  }

  const IssuedView& view_;
  std::span<const double> actual_;
  std::span<const long double> pre_;
  i64 L_, D_;
  i64 i_ = 0, base_ = 0;
  bool hold_ = false, counted_ = false;
  double c_ = 0;
  long double day_sum_ = 0;
  std::vector<double> h_;
  std::vector<long double> delta_;
  std::vector<i64> below_h_, below_f_;
};

std::vector<long double> prefix_of(std::span<const double> v) {
  std::vector<long double> p(v.size() + 1, 0.0L);
  for (std::size_t i = 0; i < v.size(); ++i) p[i + 1] = p[i] + v[i];
  return p;
}

void check_range(const char* fn, std::span<const double> kwh, i64 from, i64 to) {
  if (kwh.empty() || from < 0 || to < from)
    throw InternalError(std::string(fn) + ": invalid arguments");
}

}  // namespace

std::vector<kernels::StartResult> online_flexible_start(const IssuedView& view,
                                                        std::span<const double> kwh,
                                                        std::int64_t offsets, std::int64_t from,
                                                        std::int64_t to) {
  check_range("online_flexible_start", kwh, from, to);
  if (offsets < 0) throw InternalError("online_flexible_start: negative window");
  const auto actual = view.actual();
  std::vector<kernels::StartResult> out(static_cast<std::size_t>(to - from));
  const i64 K = static_cast<i64>(kwh.size()), T = view.size(), D = view.steps_per_day();
  const i64 L = static_cast<i64>(view.leads());
  auto direct = [&](i64 s) {
    return to_start_result(brute_force::online_flexible_start(view, kwh, offsets, s), kwh, actual);
  };
  if (!kernels::is_uniform(kwh)) {
    for (i64 s = from; s < to; ++s) out[static_cast<std::size_t>(s - from)] = direct(s);
    return out;
  }
  const double w = kwh.front(), w_last = kwh.back();
  const auto pre = prefix_of(actual);
  Decision d(view, pre);
  // Per decision step i (computed when first needed): the believed cost of starting at i, and
  // the first later start j whose cost beats it (kNever: none does, ever).
  constexpr i64 kNever = std::numeric_limits<i64>::max(), kUnknown = -1;
  const i64 lo = std::max(from, D), hi = std::min(to + offsets, T);
  std::vector<double> now_cost(static_cast<std::size_t>(std::max<i64>(hi - lo, 0)));
  std::vector<i64> beaten_by(now_cost.size(), kUnknown);
  auto cost = [&](i64 t0) {
    return static_cast<double>(static_cast<long double>(w) * d.sum(t0, t0 + K - 1) +
                               static_cast<long double>(w_last) * d.at(t0 + K - 1));
  };
  auto decide = [&](i64 i) {
    const auto at = static_cast<std::size_t>(i - lo);
    if (beaten_by[at] != kUnknown) return;
    d.reset(i);
    const double now = cost(0);
    now_cost[at] = now;
    beaten_by[at] = kNever;
    // Past the horizon the costs repeat with period D (or stay constant): one period suffices.
    const i64 last = std::min(T - K - i, L + D);
    for (i64 t0 = 1; t0 <= last; ++t0) {
      if (kernels::detail::tie_limit(cost(t0)) < now) {
        beaten_by[at] = i + t0;
        return;
      }
    }
  };
  for (i64 s = from; s < to; ++s) {
    auto& r = out[static_cast<std::size_t>(s - from)];
    if (s < D) {
      r = direct(s);
      continue;
    }
    const i64 e = s + offsets;
    if (e + K > T) continue;  // beyond_data
    i64 chosen = e;
    for (i64 i = s; i < e; ++i) {
      decide(i);
      if (beaten_by[static_cast<std::size_t>(i - lo)] > e) {
        chosen = i;
        break;
      }
    }
    decide(chosen);
    r.status = Status::ok;
    r.planned_g = now_cost[static_cast<std::size_t>(chosen - lo)];
    r.first = chosen;
    r.last = chosen + K - 1;
    for (i64 k = 0; k < K; ++k)
      r.emissions_g +=
          kwh[static_cast<std::size_t>(k)] * actual[static_cast<std::size_t>(chosen + k)];
  }
  return out;
}

std::vector<kernels::StartResult> online_pause_resume(const IssuedView& view,
                                                      std::span<const double> kwh,
                                                      std::int64_t window_steps, std::int64_t from,
                                                      std::int64_t to) {
  check_range("online_pause_resume", kwh, from, to);
  const i64 K = static_cast<i64>(kwh.size()), T = view.size(), D = view.steps_per_day();
  if (window_steps < K) throw InternalError("online_pause_resume: window shorter than the job");
  const auto actual = view.actual();
  std::vector<kernels::StartResult> out(static_cast<std::size_t>(to - from));
  // Per start: work steps done so far (-1: not computed here).
  std::vector<i64> done(out.size(), -1);
  i64 first_fast = to, last_end = 0;
  for (i64 s = from; s < to; ++s) {
    auto& r = out[static_cast<std::size_t>(s - from)];
    if (s < D) {
      r = to_start_result(brute_force::online_pause_resume(view, kwh, window_steps, s), kwh,
                          actual);
    } else if (s + window_steps <= T) {
      done[static_cast<std::size_t>(s - from)] = 0;
      first_fast = std::min(first_fast, s);
      last_end = std::max(last_end, s + window_steps);
    }
  }
  const auto pre = prefix_of(actual);
  Decision d(view, pre);
  // Decision steps in order; at each, every start whose window holds it and whose job is not
  // done decides, from one shared view.
  for (i64 i = first_fast; i < last_end; ++i) {
    const i64 s_lo = std::max(from, i - window_steps + 1), s_hi = std::min(to - 1, i);
    bool reset = false;
    for (i64 s = s_lo; s <= s_hi; ++s) {
      const auto at = static_cast<std::size_t>(s - from);
      if (done[at] < 0 || done[at] == K) continue;
      if (!reset) {
        d.reset(i);
        reset = true;
      }
      const i64 left = K - done[at], steps_left = s + window_steps - i;
      if (steps_left != left && d.below_now(steps_left) >= left) continue;  // pause
      auto& r = out[at];
      const double now = d.at(0);
      if (done[at] == 0) {
        r.first = i;
      } else if (r.last != i - 1) {
        ++r.pauses;
      }
      r.last = i;
      r.emissions_g +=
          kwh[static_cast<std::size_t>(done[at])] * actual[static_cast<std::size_t>(i)];
      r.planned_g += kwh[static_cast<std::size_t>(done[at])] * now;
      if (++done[at] == K) r.status = Status::ok;
    }
  }
  return out;
}

}  // namespace shiftsim::sim
