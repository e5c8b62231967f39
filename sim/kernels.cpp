// Fast exact kernels over whole start axes, and the brute-force definitions they are checked
// against (kernels.hpp).
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

namespace shiftsim::sim::kernels {

namespace {

using i64 = std::int64_t;
using u64 = std::uint64_t;

// ---- Arguments ----------------------------------------------------------------------------------

void check_args(const char* fn, const Grid& grid, std::size_t work_steps, i64 from, i64 to) {
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

void check_pause_window(const char* fn, std::size_t work_steps, i64 window_steps) {
  if (window_steps < 0 || static_cast<std::size_t>(window_steps) < work_steps)
    throw InternalError(std::string("kernels::") + fn + ": the window of " +
                        std::to_string(window_steps) + " steps is shorter than the job's " +
                        std::to_string(work_steps) + " work steps");
}

void check_flexible_window(const char* fn, i64 window_steps) {
  if (window_steps < 0)
    throw InternalError(std::string("kernels::") + fn + ": the window of " +
                        std::to_string(window_steps) + " steps is negative");
}

i64 sat_add(i64 a, i64 b) {  // both >= 0
  i64 r = 0;
  return __builtin_add_overflow(a, b, &r) ? std::numeric_limits<i64>::max() : r;
}

i64 as_i64(std::size_t n) {
  return n > static_cast<std::size_t>(std::numeric_limits<i64>::max())
             ? std::numeric_limits<i64>::max()
             : static_cast<i64>(n);
}

// The end of the starts in [from, to) whose window [s, s + span) fits in T values: [from, end).
i64 fit_end(i64 T, i64 span, i64 from, i64 to) {
  if (span > T) return from;
  return std::clamp(T - span + 1, from, to);
}

double finite_or_zero(double v) { return std::isnan(v) ? 0.0 : v; }

// Whether a window [s, s + span) inside [.., lim) holds a NaN plan value, for non-decreasing s: the
// first NaN at or after s is found by a forward scan that looks at each value at most once (the
// same answers as a prefix count of NaNs, without its array).
class NanScan {
 public:
  NanScan(std::span<const double> plan, i64 lim) : plan_(plan.data()), lim_(lim) {}
  bool any(i64 s, i64 span) {
    if (next_ < s) {  // no NaN in [previous s, next_): look from s on
      next_ = s;
      while (next_ < lim_ && !std::isnan(plan_[next_])) ++next_;
    }
    return next_ < s + span;
  }

 private:
  const double* plan_;
  i64 lim_;
  i64 next_ = -1;  // the first NaN at or after the last scan's start, or lim_
};

// The prefix sum P(i) = v[base] + ... + v[i - 1] in long double (NaN as 0), read at non-decreasing
// i: the numbers of a prefix-sum array, summed in the same order, without storing it.
class Prefix {
 public:
  Prefix(std::span<const double> v, i64 base) : v_(v.data()), i_(base) {}
  long double at(i64 i) {
    for (; i_ < i; ++i_) sum_ += finite_or_zero(v_[i_]);
    return sum_;
  }

 private:
  const double* v_;
  i64 i_;
  long double sum_ = 0;
};

// A monotonic deque for sliding-window minima, in a ring of at least `capacity` entries (an entry
// has the candidate .c): candidates increasing from the front, costs non-decreasing, so the front
// is the earliest of the cheapest.
template <class Entry>
class MinQueue {
 public:
  explicit MinQueue(i64 capacity)
      : ring_(std::bit_ceil(static_cast<std::size_t>(capacity))), mask_(ring_.size() - 1) {}
  // cheaper(a, b): a costs strictly less than b. An earlier entry of equal cost stays in front.
  template <class Cheaper>
  void push(const Entry& x, Cheaper&& cheaper) {
    while (tail_ != head_ && cheaper(x, ring_[(tail_ - 1) & mask_])) --tail_;
    ring_[tail_++ & mask_] = x;
  }
  // The front once the candidates before s have left.
  const Entry& front(i64 s) {
    while (ring_[head_ & mask_].c < s) ++head_;
    return ring_[head_ & mask_];
  }

 private:
  std::vector<Entry> ring_;
  std::size_t mask_;
  std::size_t head_ = 0, tail_ = 0;
};

// Near ties: planned costs within kTieTolerance (relative) of the lowest are ties, and the
// earliest of them wins. Sums over thousands of steps round differently from one candidate to
// the next, so an exact comparison would let a rounding hair delay a job by hours for nothing.
double tie_limit(double lowest) { return lowest + kTieTolerance * std::abs(lowest); }

// The first index in [l, r) whose value is at most a limit, over values added in index order:
// minima of blocks of 64 and of 4096 let the search skip what cannot hold it. A query costs at
// most 64 + 64 steps plus one per 4096 values skipped.
class FirstAtMost {
 public:
  explicit FirstAtMost(std::size_t n)
      : v_(n, kInf), block_((n >> 6) + 1, kInf), super_((n >> 12) + 1, kInf) {}
  void set(std::size_t i, double x) {
    v_[i] = x;
    block_[i >> 6] = std::min(block_[i >> 6], x);
    super_[i >> 12] = std::min(super_[i >> 12], x);
  }
  double at(std::size_t i) const { return v_[i]; }
  std::size_t find(std::size_t l, std::size_t r, double limit) const {
    std::size_t i = l;
    while (i < r) {
      if ((i & 4095) == 0 && i + 4096 <= r && super_[i >> 12] > limit) {
        i += 4096;
      } else if ((i & 63) == 0 && i + 64 <= r && block_[i >> 6] > limit) {
        i += 64;
      } else if (v_[i] <= limit) {
        return i;
      } else {
        ++i;
      }
    }
    return r;
  }

 private:
  static constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<double> v_, block_, super_;
};

double dot(const double* a, const double* b, std::size_t n) {
  double acc = 0;
  for (std::size_t k = 0; k < n; ++k) acc += a[k] * b[k];
  return acc;
}

bool same_bits(double a, double b) { return std::bit_cast<u64>(a) == std::bit_cast<u64>(b); }

// ---- Pause-resume: ordering and a hierarchical bit set ------------------------------------------

// A key whose unsigned order is the order of plan values, -0 equal to +0, NaN after everything.
u64 order_key(double v) {
  if (std::isnan(v)) return std::numeric_limits<u64>::max();
  if (v == 0) v = 0.0;  // -0 and +0 compare equal, so they tie (then the step index decides)
  const u64 b = std::bit_cast<u64>(v);
  return (b >> 63) != 0 ? ~b : (b | (u64{1} << 63));
}

// rank[j] = position of step base + j in the order (plan value, step index); order = its inverse.
// An LSD radix sort of the keys, 8 bits a pass, stable, so that equal keys stay in step order;
// the passes over a byte that all keys share are skipped (most of the exponent, for intensities).
// Pos holds a position in [0, n).
template <class Pos>
void rank_steps(std::span<const double> plan, i64 base, i64 n, std::vector<Pos>* rank,
                std::vector<Pos>* order) {
  const auto m = static_cast<std::size_t>(n);
  std::vector<u64> key(m), key_tmp(m);
  std::vector<Pos> pos(m), pos_tmp(m);
  std::vector<std::array<std::size_t, 256>> count(8);
  for (auto& c : count) c.fill(0);
  for (std::size_t j = 0; j < m; ++j) {
    key[j] = order_key(plan[static_cast<std::size_t>(base) + j]);
    pos[j] = static_cast<Pos>(j);
    for (std::size_t b = 0; b < 8; ++b) ++count[b][(key[j] >> (8 * b)) & 0xFF];
  }
  for (std::size_t b = 0; b < 8; ++b) {
    auto& c = count[b];
    if (m == 0 || c[(key[0] >> (8 * b)) & 0xFF] == m) continue;  // one bucket: already in order
    std::size_t at = 0;
    for (auto& x : c) at += std::exchange(x, at);
    for (std::size_t j = 0; j < m; ++j) {
      const std::size_t to = c[(key[j] >> (8 * b)) & 0xFF]++;
      key_tmp[to] = key[j];
      pos_tmp[to] = pos[j];
    }
    key.swap(key_tmp);
    pos.swap(pos_tmp);
  }
  rank->resize(m);
  for (std::size_t r = 0; r < m; ++r)
    (*rank)[static_cast<std::size_t>(pos[r])] = static_cast<Pos>(r);
  *order = std::move(pos);
}

// A set of integers in [0, n) as bits, with a summary level per 64 words: set, clear, and the
// next/previous member in O(log64 n).
class BitTree {
 public:
  explicit BitTree(i64 n) {
    i64 m = n;
    do {
      const i64 words = (m + 63) / 64;
      levels_.emplace_back(static_cast<std::size_t>(std::max<i64>(words, 1)), 0);
      m = words;
    } while (m > 1);
  }

  bool test(i64 i) const { return ((word(0, i >> 6) >> (i & 63)) & 1U) != 0; }

  void set(i64 i) {
    for (auto& lv : levels_) {
      u64& w = lv[static_cast<std::size_t>(i >> 6)];
      const bool was_empty = w == 0;
      w |= u64{1} << (i & 63);
      if (!was_empty) return;
      i >>= 6;
    }
  }

  void clear(i64 i) {
    for (auto& lv : levels_) {
      u64& w = lv[static_cast<std::size_t>(i >> 6)];
      w &= ~(u64{1} << (i & 63));
      if (w != 0) return;
      i >>= 6;
    }
  }

  // The smallest member >= i, or -1.
  i64 next(i64 i) const {
    for (std::size_t l = 0; l < levels_.size(); ++l) {
      const i64 w = i >> 6;
      if (w >= static_cast<i64>(levels_[l].size())) return -1;
      const u64 m = word(l, w) & (~u64{0} << (i & 63));
      if (m != 0) {
        i = (w << 6) + std::countr_zero(m);
        while (l > 0) {
          --l;
          i = (i << 6) + std::countr_zero(word(l, i));
        }
        return i;
      }
      i = w + 1;
    }
    return -1;
  }

  // The largest member <= i, or -1.
  i64 prev(i64 i) const {
    for (std::size_t l = 0; l < levels_.size(); ++l) {
      if (i < 0) return -1;
      const i64 w = i >> 6;
      const u64 m = word(l, w) & (~u64{0} >> (63 - (i & 63)));
      if (m != 0) {
        i = (w << 6) + 63 - std::countl_zero(m);
        while (l > 0) {
          --l;
          i = (i << 6) + 63 - std::countl_zero(word(l, i));
        }
        return i;
      }
      i = w - 1;
    }
    return -1;
  }

  // Calls f(i) for the members in [lo, hi), in increasing order.
  template <class F>
  void for_each(i64 lo, i64 hi, F&& f) const {
    if (lo >= hi) return;
    i64 w = lo >> 6;
    u64 m = word(0, w) & (~u64{0} << (lo & 63));
    for (;;) {
      while (m != 0) {
        const i64 i = (w << 6) + std::countr_zero(m);
        if (i >= hi) return;
        f(i);
        m &= m - 1;
      }
      ++w;
      if ((w << 6) >= hi) return;
      m = word(0, w);
    }
  }

 private:
  u64 word(std::size_t l, i64 w) const { return levels_[l][static_cast<std::size_t>(w)]; }
  std::vector<std::vector<u64>> levels_;
};

// The K smallest steps, by (plan value, step index), of a window sliding over [base, lim).
// Positions are relative to base, stored as Pos (32 bits when they fit: less memory to touch).
// Keeps the chosen set (bits), the running sums of charge and plan over it in long double, and
// its number of runs of consecutive steps.
template <class Pos>
class SlidingSelection {
 public:
  SlidingSelection(const Grid& grid, i64 base, i64 lim, i64 K, i64 W)
      : charge_(grid.charge.data() + base),
        plan_(grid.plan.data() + base),
        K_(K),
        W_(W),
        n_(lim - base),
        present_(n_),
        chosen_(n_) {
    rank_steps(grid.plan, base, n_, &rank_, &order_);
    for (i64 p = 0; p < W_; ++p) present_.set(rank(p));
    i64 r = -1;
    for (i64 k = 0; k < K_; ++k) {
      r = present_.next(r + 1);
      add(order(r));
    }
    threshold_ = r;
  }

  // The window [p, p + W) becomes [p + 1, p + 1 + W); p + W < n.
  void slide(i64 p) {
    const i64 a = rank(p);
    const i64 x = p + W_;
    const i64 b = rank(x);
    present_.clear(a);
    present_.set(b);
    const i64 t = threshold_;
    if (a <= t) {  // the leaving step was chosen
      remove(p);
      if (b < t) {  // the entering step takes its place
        add(x);
        if (a == t) threshold_ = present_.prev(t);
      } else {  // the best of the rest takes its place (possibly the entering step)
        threshold_ = present_.next(t + 1);
        add(order(threshold_));
      }
    } else if (b < t) {  // the entering step displaces the largest chosen one
      add(x);
      remove(order(t));
      threshold_ = present_.prev(t - 1);
    }
    if (++since_resync_ >= kResync) resync(p + 1);
  }

  // For the window starting at position p.
  i64 first(i64 p) const { return chosen_.next(p); }
  i64 last(i64 p) const { return chosen_.prev(p + W_ - 1); }
  i64 runs() const { return runs_; }
  long double charge_sum() const { return sum_charge_; }
  long double plan_sum() const { return sum_plan_; }
  template <class F>
  void for_each_chosen(i64 p, F&& f) const {
    chosen_.for_each(p, p + W_, std::forward<F>(f));
  }

 private:
  static constexpr i64 kResync = 4096;  // slides between exact recomputations of the sums

  i64 rank(i64 p) const { return static_cast<i64>(rank_[static_cast<std::size_t>(p)]); }
  i64 order(i64 r) const { return static_cast<i64>(order_[static_cast<std::size_t>(r)]); }

  i64 neighbours(i64 q) const {
    return (q > 0 && chosen_.test(q - 1) ? 1 : 0) + (q + 1 < n_ && chosen_.test(q + 1) ? 1 : 0);
  }
  void add(i64 q) {
    runs_ += 1 - neighbours(q);
    chosen_.set(q);
    sum_charge_ += charge_[q];
    sum_plan_ += finite_or_zero(plan_[q]);
  }
  void remove(i64 q) {
    chosen_.clear(q);
    runs_ -= 1 - neighbours(q);
    sum_charge_ -= charge_[q];
    sum_plan_ -= finite_or_zero(plan_[q]);
  }
  // Recompute the running sums from the chosen steps of the window at p, bounding the drift of
  // add/subtract to kResync updates whatever the length of the axis.
  void resync(i64 p) {
    since_resync_ = 0;
    long double c = 0, q = 0;
    chosen_.for_each(p, p + W_, [&](i64 i) {
      c += charge_[i];
      q += finite_or_zero(plan_[i]);
    });
    sum_charge_ = c;
    sum_plan_ = q;
  }

  const double* charge_;
  const double* plan_;  // NaN counts as 0
  i64 K_, W_, n_;
  std::vector<Pos> rank_, order_;
  BitTree present_;  // ranks of the steps in the window
  BitTree chosen_;   // positions of the chosen steps
  i64 threshold_ = -1;
  i64 runs_ = 0;
  i64 since_resync_ = 0;
  long double sum_charge_ = 0, sum_plan_ = 0;
};

// ---- Direct definitions, shared by the brute force and pause_resume_steps
// ------------------------

// Status of the window [s, s + span) by a direct scan.
Status direct_status(std::span<const double> plan, i64 s, i64 span) {
  const i64 T = as_i64(plan.size());
  if (s > T || span > T - s) return Status::beyond_data;
  for (i64 i = s; i < s + span; ++i)
    if (std::isnan(plan[static_cast<std::size_t>(i)])) return Status::no_forecast;
  return Status::ok;
}

// The K steps of the window [s, s + W) with the lowest (plan value, step index), in time order.
// The window must hold no NaN.
std::vector<i64> choose_steps_by_sorting(std::span<const double> plan, i64 s, i64 K, i64 W) {
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

}  // namespace

bool is_uniform(std::span<const double> kwh) {
  for (std::size_t k = 1; k + 1 < kwh.size(); ++k)
    if (!same_bits(kwh[k], kwh[0])) return false;
  return true;
}

// ---- Baseline
// -------------------------------------------------------------------------------------

std::vector<StartResult> baseline(const Grid& grid, std::span<const double> kwh, std::int64_t from,
                                  std::int64_t to) {
  check_args("baseline", grid, kwh.size(), from, to);
  std::vector<StartResult> out(static_cast<std::size_t>(to - from));
  const i64 T = as_i64(grid.plan.size());
  const i64 K = as_i64(kwh.size());
  const i64 end = fit_end(T, K, from, to);
  if (end == from) return out;
  NanScan nan(grid.plan, end - 1 + K);
  const long double e = kwh[0];
  const long double e_last = kwh.back();
  const bool uniform = is_uniform(kwh);
  // Uniform: e * (P(s + K - 1) - P(s)) + e_last * v[s + K - 1] for v = charge and plan.
  Prefix charge_lo(grid.charge, from), charge_hi(grid.charge, from);
  Prefix plan_lo(grid.plan, from), plan_hi(grid.plan, from);
  for (i64 s = from; s < end; ++s) {
    StartResult& r = out[static_cast<std::size_t>(s - from)];
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

// ---- Flexible start
// -------------------------------------------------------------------------------

std::vector<StartResult> flexible_start(const Grid& grid, std::span<const double> kwh,
                                        std::int64_t window_steps, std::int64_t from,
                                        std::int64_t to) {
  check_args("flexible_start", grid, kwh.size(), from, to);
  check_flexible_window("flexible_start", window_steps);
  std::vector<StartResult> out(static_cast<std::size_t>(to - from));
  const i64 T = as_i64(grid.plan.size());
  const i64 K = as_i64(kwh.size());
  const i64 n = window_steps;
  const i64 span = sat_add(n, K);
  const i64 end = fit_end(T, span, from, to);  // so n < T here
  if (end == from) return out;
  const i64 lim = end - 1 + span;  // the touched steps are [from, lim)
  NanScan nan(grid.plan, lim);
  const double e = kwh[0];
  const double e_last = kwh.back();

  if (is_uniform(kwh)) {
    // cost(c) = e * (P(c + K - 1) - P(c)) + e_last * plan[c + K - 1], P the prefix sums of the
    // plan; the emissions of each candidate likewise from the charge, computed as it enters.
    struct Entry {
      i64 c;
      long double cost, emissions;
    };
    MinQueue<Entry> queue(n + 2);
    const auto cheaper = [](const Entry& a, const Entry& b) { return a.cost < b.cost; };
    FirstAtMost costs(static_cast<std::size_t>(end - from + n));
    Prefix plan_lo(grid.plan, from), plan_hi(grid.plan, from);
    Prefix charge_lo(grid.charge, from), charge_hi(grid.charge, from);
    i64 next = from;  // the next candidate to enter
    for (i64 s = from; s < end; ++s) {
      for (; next <= s + n; ++next) {
        const i64 l = next + K - 1;
        const auto lu = static_cast<std::size_t>(l);
        const long double cost = e * (plan_hi.at(l) - plan_lo.at(next)) +
                                 static_cast<long double>(e_last) * finite_or_zero(grid.plan[lu]);
        const long double em = e * (charge_hi.at(l) - charge_lo.at(next)) +
                               static_cast<long double>(e_last) * grid.charge[lu];
        queue.push({next, cost, em}, cheaper);
        costs.set(static_cast<std::size_t>(next - from), static_cast<double>(cost));
      }
      const Entry& best = queue.front(s);
      StartResult& r = out[static_cast<std::size_t>(s - from)];
      if (nan.any(s, span)) {
        r.status = Status::no_forecast;
        continue;
      }
      r.status = Status::ok;
      // An earlier candidate within the tie tolerance of the cheapest wins.
      const auto tie = static_cast<i64>(costs.find(static_cast<std::size_t>(s - from),
                                                   static_cast<std::size_t>(best.c - from),
                                                   tie_limit(static_cast<double>(best.cost)))) +
                       from;
      if (tie != best.c) {
        const auto t = static_cast<std::size_t>(tie);
        r.planned_g = costs.at(static_cast<std::size_t>(tie - from));
        r.emissions_g = dot(kwh.data(), grid.charge.data() + t, kwh.size());
      } else {
        r.planned_g = static_cast<double>(best.cost);
        r.emissions_g = static_cast<double>(best.emissions);
      }
      r.first = tie;
      r.last = tie + K - 1;
    }
    return out;
  }

  // Non-uniform: cost(c) = sum_k kwh[k] * plan[c + k], summed over k in order (as the brute force
  // does, so the same doubles), vectorised across candidates: for each k an axpy over a block of
  // candidates that stays in L1. NaN counts as 0 (those starts are no_forecast).
  const auto candidates = static_cast<std::size_t>(end - from + n);  // c in [from, end - 1 + n]
  std::vector<double> plan(static_cast<std::size_t>(lim - from));
  for (std::size_t j = 0; j < plan.size(); ++j)
    plan[j] = finite_or_zero(grid.plan[static_cast<std::size_t>(from) + j]);
  std::vector<double> cost(candidates, 0.0);
  constexpr std::size_t kBlock = 1024;
  for (std::size_t c0 = 0; c0 < candidates; c0 += kBlock) {
    const std::size_t len = std::min(kBlock, candidates - c0);
    double* acc = cost.data() + c0;
    for (std::size_t k = 0; k < kwh.size(); ++k) {
      const double w = kwh[k];
      const double* p = plan.data() + c0 + k;
      for (std::size_t j = 0; j < len; ++j) acc[j] += w * p[j];
    }
  }
  struct Entry {
    i64 c;
    double cost;
  };
  MinQueue<Entry> queue(n + 2);
  const auto cheaper = [](const Entry& a, const Entry& b) { return a.cost < b.cost; };
  FirstAtMost ties(candidates);
  for (std::size_t j = 0; j < candidates; ++j) ties.set(j, cost[j]);
  i64 next = from;
  i64 memo_c = -1;
  double memo_emissions = 0;
  for (i64 s = from; s < end; ++s) {
    for (; next <= s + n; ++next)
      queue.push({next, cost[static_cast<std::size_t>(next - from)]}, cheaper);
    const Entry best = queue.front(s);
    StartResult& r = out[static_cast<std::size_t>(s - from)];
    if (nan.any(s, span)) {
      r.status = Status::no_forecast;
      continue;
    }
    // An earlier candidate within the tie tolerance of the cheapest wins.
    const i64 chosen = static_cast<i64>(ties.find(static_cast<std::size_t>(s - from),
                                                  static_cast<std::size_t>(best.c - from),
                                                  tie_limit(best.cost))) +
                       from;
    if (chosen != memo_c) {  // the chosen candidate usually stays for many consecutive starts
      memo_c = chosen;
      memo_emissions = dot(kwh.data(), grid.charge.data() + chosen, kwh.size());
    }
    r.status = Status::ok;
    r.planned_g = cost[static_cast<std::size_t>(chosen - from)];
    r.emissions_g = memo_emissions;
    r.first = chosen;
    r.last = chosen + K - 1;
  }
  return out;
}

// ---- Pause-resume
// ---------------------------------------------------------------------------------

namespace {

// The starts [from, end) of pause_resume, all fitting in the data, into out[s - from].
template <class Pos>
void pause_resume_fitting(const Grid& grid, std::span<const double> kwh, i64 W, i64 from, i64 end,
                          std::vector<StartResult>& out) {
  const i64 K = as_i64(kwh.size());
  const i64 lim = end - 1 + W;
  NanScan nan(grid.plan, lim);
  SlidingSelection<Pos> sel(grid, from, lim, K, W);
  const bool uniform = is_uniform(kwh);
  const long double e = kwh[0];
  const long double e_last = kwh.back();
  const double* charge = grid.charge.data() + from;
  const double* plan = grid.plan.data() + from;
  for (i64 s = from; s < end; ++s) {
    const i64 p = s - from;
    if (s > from) sel.slide(p - 1);
    StartResult& r = out[static_cast<std::size_t>(p)];
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

std::vector<StartResult> pause_resume(const Grid& grid, std::span<const double> kwh,
                                      std::int64_t window_steps, std::int64_t from,
                                      std::int64_t to) {
  check_args("pause_resume", grid, kwh.size(), from, to);
  check_pause_window("pause_resume", kwh.size(), window_steps);
  std::vector<StartResult> out(static_cast<std::size_t>(to - from));
  const i64 T = as_i64(grid.plan.size());
  const i64 end = fit_end(T, window_steps, from, to);
  if (end == from) return out;
  if (end - 1 + window_steps - from <= i64{std::numeric_limits<std::uint32_t>::max()})
    pause_resume_fitting<std::uint32_t>(grid, kwh, window_steps, from, end, out);
  else
    pause_resume_fitting<std::uint64_t>(grid, kwh, window_steps, from, end, out);
  return out;
}

std::vector<std::int64_t> pause_resume_steps(const Grid& grid, std::size_t work_steps,
                                             std::int64_t window_steps, std::int64_t start) {
  check_args("pause_resume_steps", grid, work_steps, start, start);
  check_pause_window("pause_resume_steps", work_steps, window_steps);
  if (direct_status(grid.plan, start, window_steps) != Status::ok) return {};
  return choose_steps_by_sorting(grid.plan, start, as_i64(work_steps), window_steps);
}

// ---- Brute force
// ----------------------------------------------------------------------------------

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
      const auto at = std::find_if(costs.begin(), costs.end(), [&](double c) { return c <= limit; });
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
