#pragma once
// The fast kernels' data structures (kernels.cpp), each walking a start axis once: a forward NaN
// scan, a streaming prefix sum, block minima for sliding-window minima, a first-at-most search
// over block minima, and for pause-resume the rank of every step by (plan value, step index), a
// hierarchical bit set over ranks and the sliding selection of the K smallest. Internal to sim/.
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "sim/kernel_support.hpp"

namespace shiftsim::sim::kernels::detail {

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

// The minimum of every window v[j .. j + w) for j in runs of indices [a, b) (each window inside
// its run), in O(1) each after O(b - a) work per run (van Herk / Gil-Werman): the run is cut into
// blocks of w from a; within each, the minimum from its start to each index and from each index
// to its end. A window starting at j ends in j's block or the next, so its minimum is
// min(to the end of j's block from j, from the next block's start to j + w - 1). Branch-free,
// unlike a monotonic deque, whose pops follow the data.
class WindowMinima {
 public:
  WindowMinima(const std::vector<double>& v,
               const std::vector<std::pair<std::size_t, std::size_t>>& runs, std::size_t w)
      : w_(w), head_(v.size()), tail_(v.size()) {
    for (const auto& [a, b] : runs) {
      for (std::size_t k = a; k < b; k += w) {  // block [k, e)
        const std::size_t e = std::min(b, k + w);
        double m = v[k];
        for (std::size_t j = k; j < e; ++j) head_[j] = m = std::min(m, v[j]);
        m = v[e - 1];
        for (std::size_t j = e; j-- > k;) tail_[j] = m = std::min(m, v[j]);
      }
    }
  }
  // The minimum of v[j .. j + w), a window inside one run.
  double at(std::size_t j) const { return std::min(tail_[j], head_[j + w_ - 1]); }

 private:
  std::size_t w_;
  std::vector<double> head_;  // minimum from the start of j's block to j
  std::vector<double> tail_;  // minimum from j to the end of j's block
};

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

inline double dot(const double* a, const double* b, std::size_t n) {
  double acc = 0;
  for (std::size_t k = 0; k < n; ++k) acc += a[k] * b[k];
  return acc;
}

inline bool same_bits(double a, double b) { return std::bit_cast<u64>(a) == std::bit_cast<u64>(b); }

// ---- Pause-resume: ordering and a hierarchical bit set ------------------------------------------

// A key whose unsigned order is the order of plan values, -0 equal to +0, NaN after everything.
inline u64 order_key(double v) {
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
inline void rank_steps(std::span<const double> plan, i64 base, i64 n, std::vector<Pos>* rank,
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
  // `ranks` and `orders`: every step of the plan ranked (rank_plan), or empty to rank [base, lim)
  // here. Ranks over more steps order those of the window the same way, so the choice is the same.
  SlidingSelection(const Grid& grid, i64 base, i64 lim, i64 K, i64 W, std::span<const Pos> ranks,
                   std::span<const Pos> orders)
      : charge_(grid.charge.data() + base),
        plan_(grid.plan.data() + base),
        K_(K),
        W_(W),
        n_(lim - base),
        present_(ranks.empty() ? n_ : as_i64(ranks.size())),
        chosen_(n_) {
    if (!ranks.empty()) {
      rank_of_ = ranks.data() + base;
      order_of_ = orders.data();
      order_base_ = base;
    } else {
      rank_steps(grid.plan, base, n_, &rank_, &order_);
      rank_of_ = rank_.data();
      order_of_ = order_.data();
    }
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

  i64 rank(i64 p) const { return static_cast<i64>(rank_of_[p]); }
  i64 order(i64 r) const { return static_cast<i64>(order_of_[r]) - order_base_; }

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
  std::vector<Pos> rank_, order_;  // when ranked here
  const Pos* rank_of_ = nullptr;   // rank of the step at position p: rank_of_[p]
  const Pos* order_of_ = nullptr;  // the step of rank r: order_of_[r] - order_base_
  i64 order_base_ = 0;
  BitTree present_;  // ranks of the steps in the window
  BitTree chosen_;   // positions of the chosen steps
  i64 threshold_ = -1;
  i64 runs_ = 0;
  i64 since_resync_ = 0;
  long double sum_charge_ = 0, sum_plan_ = 0;
};

}  // namespace shiftsim::sim::kernels::detail
