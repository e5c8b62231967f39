#include "sim/costly_pause.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace shiftsim::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// What step i did on the way into a state, two bits per state and step.
enum Move : std::uint8_t {
  kIdle = 0,         // into paused: stayed paused
  kWorkFresh = 1,    // into running: worked, coming from paused or a shorter run
  kFromLongRun = 2,  // into running: worked after a run already m long; into paused: a free
                     // pause (R = 0) right after such a run
  kCheckpoint = 3,   // into paused or checkpointing: a checkpoint step
};

class MoveTable {
 public:
  MoveTable(std::uint64_t states) : bits_((states + 3) / 4, 0) {}
  void set(std::uint64_t i, Move m) {
    auto& b = bits_[i / 4];
    const auto shift = (i % 4) * 2;
    b = static_cast<std::uint8_t>((b & ~(3u << shift)) | (static_cast<unsigned>(m) << shift));
  }
  Move get(std::uint64_t i) const {
    return static_cast<Move>((bits_[i / 4] >> ((i % 4) * 2)) & 3u);
  }

 private:
  std::vector<std::uint8_t> bits_;
};

// beyond_data past the plan's end, no_forecast with a NaN in the window, else ok.
kernels::Status window_status(std::span<const double> plan, std::int64_t start,
                              std::int64_t window) {
  if (start + window > static_cast<std::int64_t>(plan.size())) return kernels::Status::beyond_data;
  for (std::int64_t i = start; i < start + window; ++i) {
    if (std::isnan(plan[static_cast<std::size_t>(i)])) return kernels::Status::no_forecast;
  }
  return kernels::Status::ok;
}

struct Relax {
  std::vector<double>& next;
  MoveTable& moves;
  std::uint64_t layer_base;
  void operator()(std::size_t s, double cost, Move m) {
    if (cost < next[s]) {
      next[s] = cost;
      moves.set(layer_base + s, m);
    }
  }
};

}  // namespace

CostlyPlan plan_costly_pause_resume(std::span<const double> plan, std::span<const double> kwh,
                                    std::int64_t start, std::int64_t window,
                                    std::int64_t checkpoint_steps, double checkpoint_kwh_per_step,
                                    std::int64_t min_run_steps) {
  const auto k_steps = static_cast<std::int64_t>(kwh.size());
  if (k_steps == 0 || window < k_steps || start < 0 || checkpoint_steps < 0 || min_run_steps < 0) {
    throw InternalError("plan_costly_pause_resume: bad arguments");
  }
  CostlyPlan out;
  out.status = window_status(plan, start, window);
  if (out.status != kernels::Status::ok) return out;
  // A run that ends in a pause has at most K - 1 work steps, and a pause needs its R checkpoint
  // steps inside the window beside the K work steps: longer values mean "never pause" and are
  // capped there, so the state space stays within the window's size.
  const std::int64_t m = std::clamp<std::int64_t>(min_run_steps, 1, k_steps);
  const std::int64_t r = std::min<std::int64_t>(checkpoint_steps, window - k_steps + 1);
  // Phases: 0 paused; 1..m running (l capped at m); m+1..m+r-1 checkpointing c = 1..r-1.
  const std::int64_t phases = 1 + m + std::max<std::int64_t>(r - 1, 0);
  const long double per_layer_ld = static_cast<long double>(k_steps) * phases;
  const long double states_ld = per_layer_ld * window;
  // Two bits per state for the backtrack, two layers of doubles for the costs.
  const long double bytes = states_ld / 4 + 2 * per_layer_ld * sizeof(double);
  if (states_ld > static_cast<long double>(kMaxCostlyPlanStates) ||
      bytes > static_cast<long double>(kMaxCostlyPlanBytes)) {
    throw ConfigError(fmt::format(
        "pause-resume with pause costs plans exactly over window steps x work steps x phases "
        "(run length up to --min-run, checkpoint steps): {} x {} x {} states, more than it "
        "allows ({} states, {} MB); use a coarser --step, a shorter --min-run or "
        "--checkpoint-time, or a smaller window",
        window, k_steps, phases, kMaxCostlyPlanStates, kMaxCostlyPlanBytes >> 20));
  }
  const auto per_layer = static_cast<std::uint64_t>(k_steps) * static_cast<std::uint64_t>(phases);
  const auto states = per_layer * static_cast<std::uint64_t>(window);
  auto idx = [phases](std::int64_t j, std::int64_t ph) {
    return static_cast<std::size_t>(j * phases + ph);
  };
  MoveTable moves(states);
  std::vector<double> cur(per_layer, kInf), next(per_layer, kInf);
  cur[idx(0, 0)] = 0;
  double best = kInf;
  std::int64_t best_step = -1, best_phase = -1;

  for (std::int64_t i = 0; i < window; ++i) {
    const double v = plan[static_cast<std::size_t>(start + i)];
    const double ck = checkpoint_kwh_per_step * v;
    std::fill(next.begin(), next.end(), kInf);
    Relax relax{next, moves, static_cast<std::uint64_t>(i) * per_layer};
    for (std::int64_t j = 0; j < k_steps; ++j) {
      const double work = kwh[static_cast<std::size_t>(j)] * v;
      for (std::int64_t ph = 0; ph < phases; ++ph) {
        const double c = cur[idx(j, ph)];
        if (c == kInf) continue;
        if (ph <= m) {  // paused or running: work this step
          const double w = c + work;
          if (j + 1 == k_steps) {
            if (w < best) {
              best = w;
              best_step = i;
              best_phase = ph;
            }
          } else {
            const std::int64_t l = ph == 0 ? 1 : std::min(ph + 1, m);
            relax(idx(j + 1, l), w, ph == m ? kFromLongRun : kWorkFresh);
          }
        }
        if (ph == 0) relax(idx(j, 0), c, kIdle);
        if (ph == m) {  // a run long enough to end in a pause
          if (r == 0)
            relax(idx(j, 0), c, kFromLongRun);
          else if (r == 1)
            relax(idx(j, 0), c + ck, kCheckpoint);
          else
            relax(idx(j, m + 1), c + ck, kCheckpoint);
        }
        if (ph > m) {  // checkpointing, c = ph - m steps done
          const std::int64_t done = ph - m + 1;
          relax(done == r ? idx(j, 0) : idx(j, ph + 1), c + ck, kCheckpoint);
        }
      }
    }
    std::swap(cur, next);
  }
  // W >= K always allows running straight through, so a plan exists.
  if (best_step < 0) throw InternalError("plan_costly_pause_resume: no plan");

  // Walk back from the last work step. State (j, ph) is "after step i".
  out.status = kernels::Status::ok;
  out.planned_g = best;
  out.work.push_back(start + best_step);
  std::int64_t j = k_steps - 1, ph = best_phase;
  for (std::int64_t i = best_step - 1; i >= 0; --i) {
    const Move mv = moves.get(static_cast<std::uint64_t>(i) * per_layer + idx(j, ph));
    const std::int64_t step = start + i;
    if (ph == 0) {
      if (mv == kIdle) {
        ph = 0;
      } else if (mv == kFromLongRun) {
        ph = m;
      } else {  // kCheckpoint: the last checkpoint step
        out.checkpoints.push_back(step);
        ph = r == 1 ? m : m + r - 1;
      }
    } else if (ph <= m) {
      out.work.push_back(step);
      if (mv == kFromLongRun)
        ph = m;
      else
        ph = ph == 1 ? 0 : ph - 1;
      --j;
    } else {
      out.checkpoints.push_back(step);
      ph = ph == m + 1 ? m : ph - 1;
    }
  }
  std::reverse(out.work.begin(), out.work.end());
  std::reverse(out.checkpoints.begin(), out.checkpoints.end());
  return out;
}

CostlyPlan plan_costly_pause_resume_brute_force(std::span<const double> plan,
                                                std::span<const double> kwh, std::int64_t start,
                                                std::int64_t window, std::int64_t checkpoint_steps,
                                                double checkpoint_kwh_per_step,
                                                std::int64_t min_run_steps) {
  constexpr std::int64_t kMaxWindow = 20;
  const auto k_steps = static_cast<std::int64_t>(kwh.size());
  if (k_steps == 0 || window < k_steps || window > kMaxWindow || start < 0) {
    throw InternalError("plan_costly_pause_resume_brute_force: bad arguments");
  }
  CostlyPlan out;
  out.status = window_status(plan, start, window);
  if (out.status != kernels::Status::ok) return out;
  double best = kInf;
  std::int64_t best_last = window;
  for (std::uint32_t mask = 0; mask < (1u << window); ++mask) {
    if (std::popcount(mask) != k_steps) continue;
    auto on = [mask](std::int64_t i) { return ((mask >> i) & 1u) != 0; };
    std::vector<std::int64_t> work, checkpoints;
    bool ok = true;
    std::int64_t run = 0;
    for (std::int64_t i = 0; i < window && ok; ++i) {
      if (on(i)) {
        work.push_back(i);
        ++run;
        continue;
      }
      if (run > 0 && static_cast<std::int64_t>(work.size()) < k_steps) {
        // A run ended in a pause: long enough, and followed by R free steps for the checkpoint.
        ok = run >= min_run_steps;
        for (std::int64_t c = 0; c < checkpoint_steps && ok; ++c) {
          ok = i + c < window && !on(i + c);
          checkpoints.push_back(i + c);
        }
        i += std::max<std::int64_t>(checkpoint_steps, 1) - 1;
      }
      run = 0;
    }
    if (!ok) continue;
    double cost = 0;
    for (std::size_t k = 0; k < work.size(); ++k) {
      cost += kwh[k] * plan[static_cast<std::size_t>(start + work[k])];
    }
    for (auto c : checkpoints)
      cost += checkpoint_kwh_per_step * plan[static_cast<std::size_t>(start + c)];
    const std::int64_t last = work.back();
    if (cost < best || (cost == best && last < best_last)) {
      best = cost;
      best_last = last;
      out.work = work;
      out.checkpoints = checkpoints;
    }
  }
  out.status = kernels::Status::ok;
  out.planned_g = best;
  for (auto& w : out.work) w += start;
  for (auto& c : out.checkpoints) c += start;
  return out;
}

}  // namespace shiftsim::sim
