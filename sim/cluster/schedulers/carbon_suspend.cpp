// carbon-suspend: carbon-delay, and interruptible jobs run in the cleanest forecast steps before
// their deadline, suspended in between: the single-job pause-resume rule (sim/kernels.hpp, or the
// exact plan with checkpoint costs, sim/costly_pause.hpp) applied to each job on release, on the
// forecast of its home site (home_site, chosen at release) as believed then (Site::belief). With
// room for everything and a forecast series, each job is charged exactly what simulate() charges
// it under pause-resume with its slack as window (tests/cluster/test_schedulers.cpp); on issued
// forecasts the plan is made once, at release, where simulate()'s online pause-resume decides
// step by step (sim/online.hpp), so the two differ there.
//
// The plan, for a job that is interruptible, deferrable and has slack > 0 (when no pause fits,
// below, it is the flexible start instead, which may begin at the release itself):
//   - it starts at the first step boundary at or after its release (a release off the step grid
//     waits for it, as the single-job rule only knows whole steps);
//   - it has K = ceil(remaining / step) work steps, the last holding what is left, and a window
//     of the W steps whose use still finishes by the deadline: the last chosen step holds the
//     last slice, so W = floor((deadline - t_s - last slice) / step) + 1, which is
//     floor((deadline - t_s) / step) for whole-step lengths and the single-job window K + n
//     (policy.hpp) for a slack of n whole steps;
//   - with free pauses, the K steps of the window with the lowest forecast (earliest on ties);
//     with costs, when no pause fits (K < 2, a minimum run of K steps or more, or no room in the
//     window for a checkpoint), one run at the flexible-start choice; otherwise
//     the cheapest plan counting checkpoints of ceil(checkpoint time / step) steps
//     and runs of at least ceil(min run / step) steps; the plan spreads a checkpoint's energy
//     evenly over those whole steps and leaves PUE out (of work and checkpoints alike, so the
//     choice is the same), while the engine charges the checkpoint over its actual time, at the
//     actual intensity, with PUE;
//   - the chosen steps, merged where consecutive, are its runs: it starts or resumes at each
//     run's first step and is suspended at each run's end but the last.
// The exact costly plan takes W x K x phases states (sim/costly_pause.hpp), which is fine for one
// job but not for thousands of long ones: a 71 h job at 5-minute steps with a 2 h minimum run is
// 25 M states. A job beyond kPlanStates is therefore planned on a grid of g site steps from its
// first start (the smallest g that fits): block forecasts are the means of their steps, and work,
// window, checkpoints and minimum runs are counted in whole blocks, rounded up, so the plan is
// still feasible and still meets the deadline; it is exact on that grid, not on the site's.
// When W < K it starts now, as carbon-delay with no slack; when the window lacks a forecast,
// passes the end of the history, or the costly plan is refused as too large, it starts now too
// (carbon-delay's fallback without a forecast). Other jobs are planned as by carbon-delay.
//
// Capacity: a job whose time has come (a planned start, a run's first step) joins its site's
// ready queue, the least slack first, and starts or resumes when there is room. If that happens
// later than the run's planned first step, the plan no longer holds: the job then runs to the end
// without further suspensions (simple and safe; it may miss its deadline, which the result
// counts), as it does if a planned suspension cannot happen (the job is not running, or has not
// run costs.min_run). Planning the rest again after a late start was tried (free pauses): on
// the PAI trace with 150 accelerators at each of 3 sites it cut emissions by 6% but raised
// deadline misses from 1,242 to 3,245, as re-planned jobs crowd the clean hours just before
// their deadlines; running on was kept. Deadline pressure: a job suspended without a later
// planned run that still meets its deadline (never, while the plan holds) joins the ready queue
// at once and runs to the end; a planned resume comes by the latest start that meets the
// deadline, so between suspension and resume the remaining work always still fits.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/cluster/schedulers/ready_queue.hpp"
#include "sim/core/errors.hpp"
#include "sim/costly_pause.hpp"
#include "sim/kernels.hpp"

namespace shiftsim::sim::cluster {
namespace {

// At most about a millisecond of planning per job (bench/bench_cluster.cpp, carbon-suspend).
constexpr long double kPlanStates = 1 << 18;

class CarbonSuspend final : public Scheduler {
 public:
  void on_release(Cluster& c, JobId j) override {
    if (plans_.size() < c.job_count()) plans_.resize(c.job_count());
    const ClusterJob& job = c.job(j);
    plans_[j].site = home_site(c, j);
    std::vector<Run> runs;
    switch (choose(c, j, plans_[j].site, runs)) {
      case Choice::pause_resume:
        for (std::uint32_t r = 0; r < runs.size(); ++r) {
          timers_.at(c, runs[r].start, Due{What::run_start, j, r});
          if (r + 1 < runs.size()) timers_.at(c, runs[r].end, Due{What::run_end, j, r});
        }
        plans_[j].runs = std::move(runs);
        break;
      case Choice::flexible_start:
        timers_.at(c, delayed_start(c.site(plans_[j].site), job, c.now()).start,
                   Due{What::ready, j, 0});
        break;
      case Choice::now:
        timers_.at(c, c.now(), Due{What::ready, j, 0});
        break;
    }
  }

  void on_suspended(Cluster& c, JobId j) override {
    Plan& p = plans_[j];
    const std::int64_t latest = *c.job(j).deadline - c.remaining(j).count();
    if (p.next >= p.runs.size() || p.runs[p.next].start > latest) {
      p.continuous = true;
      p.waiting = true;
      ready_.push(c, j, p.site);
    }
  }

  void decide(Cluster& c) override {
    timers_.pop_due(c.now(), [&](const Due& d) { come_due(c, d); });
    ready_.dispatch(c, [&](JobId j) { started(c, j); });
  }

 private:
  enum class Choice : std::uint8_t { pause_resume, flexible_start, now };
  enum class What : std::uint8_t { ready, run_start, run_end };
  struct Due {
    What what;
    JobId job;
    std::uint32_t run;
  };
  struct Run {
    std::int64_t start;
    std::int64_t end;  // for the last run, when the work ends
  };
  struct Plan {
    std::size_t site = 0;     // its home site, chosen at release
    std::vector<Run> runs;    // empty: not planned with suspensions
    std::size_t next = 0;     // the run the next start or resume begins
    bool continuous = false;  // off the plan: runs to the end once started
    bool waiting = false;     // in the ready queue
  };

  // The pause-resume runs of a job just released (the header comment), or the fallback.
  static Choice choose(const Cluster& c, JobId j, std::size_t home, std::vector<Run>& runs) {
    const ClusterJob& job = c.job(j);
    const auto slack = job.slack();
    if (!job.interruptible || !job.deferrable || !slack || slack->count() <= 0) {
      return Choice::flexible_start;
    }
    const Site& site = c.site(home);
    const std::int64_t step = site.actual.step.count();
    const std::int64_t origin = site.actual.start.time_since_epoch().count();
    const std::int64_t from = origin + (c.now() - origin + step - 1) / step * step;
    const std::int64_t remaining = c.remaining(j).count();
    if (from + remaining > *job.deadline) return Choice::now;
    const PauseCosts& costs = c.costs();
    // The planning grid: the site's steps, or blocks of g of them for a costly plan too large
    // to make exactly per job (the header comment).
    const std::int64_t span = *job.deadline - from;
    const auto [g, sh] = planning_grid(costs, remaining, span, step);
    const std::int64_t q = g * step;
    // No pause fits (one block, a minimum run as long as the job, or no room for a checkpoint):
    // the plan is one run, which the flexible-start rule finds on the site's own steps.
    if (!costs.is_free() && (sh.k < 2 || sh.m >= sh.k || sh.k + sh.r > sh.w)) {
      return Choice::flexible_start;
    }
    if (from + sh.w * q > c.history_end()) return Choice::now;
    const std::int64_t s = (from - origin) / step;

    // What is believed now of the window (site.hpp): its forecast from step s0 on.
    const Belief belief = site.belief(c.now(), from + sh.w * q);
    const std::span<const double> seen = belief.plan().values();
    const std::int64_t s0 = (belief.plan().begin() - origin) / step;
    std::vector<std::int64_t> blocks;
    if (costs.is_free()) {
      const kernels::Grid grid{seen, std::span<const double>(site.actual.values)
                                         .subspan(static_cast<std::size_t>(s0), seen.size())};
      blocks = kernels::pause_resume_steps(grid, static_cast<std::size_t>(sh.k), sh.w, s - s0);
      for (std::int64_t& b : blocks) b -= s - s0;
    } else {
      // Block forecasts: the mean of their steps (NaN if any is missing, which the planner
      // treats as no forecast).
      std::vector<double> plan(static_cast<std::size_t>(sh.w));
      for (std::int64_t b = 0; b < sh.w; ++b) {
        double sum = 0;
        for (std::int64_t i = 0; i < g; ++i) {
          sum += seen[static_cast<std::size_t>(s - s0 + b * g + i)];
        }
        plan[static_cast<std::size_t>(b)] = sum / static_cast<double>(g);
      }
      const double ck = sh.r > 0 ? costs.checkpoint_energy.value / static_cast<double>(sh.r) : 0.0;
      try {
        const auto energy = job.power.at_step(Seconds{q});
        auto p = plan_costly_pause_resume(plan, energy.kwh, 0, sh.w, sh.r, ck, sh.m);
        if (p.status == kernels::Status::ok) blocks = std::move(p.work);
      } catch (const ConfigError&) {  // too large to plan even on the coarsest grid
        return Choice::now;
      }
    }
    if (blocks.empty()) return Choice::now;  // no forecast for part of the window
    for (const std::int64_t b : blocks) {
      const std::int64_t t = from + b * q;
      if (!runs.empty() && runs.back().end == t)
        runs.back().end = t + q;
      else
        runs.push_back(Run{t, t + q});
    }
    runs.back().end -= q - sh.last;
    return Choice::pause_resume;
  }

  // A job's plan on a grid of step q seconds: K work steps, the last holding `last` seconds; W
  // window steps whose use still finishes within `span` (deadline - first start); checkpoint and
  // minimum-run lengths rounded up to whole steps; the exact planner's state count.
  struct Shape {
    std::int64_t k, last, w, r, m;
    long double states;
  };
  static Shape shape(const PauseCosts& costs, std::int64_t remaining, std::int64_t span,
                     std::int64_t q) {
    Shape sh{};
    sh.k = (remaining + q - 1) / q;
    sh.last = remaining - (sh.k - 1) * q;
    sh.w = (span - sh.last) / q + 1;
    sh.r = (costs.checkpoint_time.count() + q - 1) / q;
    sh.m = (costs.min_run.count() + q - 1) / q;
    // As the planner counts them (sim/costly_pause.cpp): m capped to [1, K], R to W - K + 1.
    const std::int64_t m = std::clamp<std::int64_t>(sh.m, 1, sh.k);
    const std::int64_t r = std::min<std::int64_t>(sh.r, sh.w - sh.k + 1);
    sh.states = static_cast<long double>(sh.w) * static_cast<long double>(sh.k) *
                static_cast<long double>(1 + m + std::max<std::int64_t>(r - 1, 0));
    return sh;
  }

  // The planning grid, in site steps, and the plan's shape on it: the site's own steps with free
  // pauses (the fast rule needs no budget), else the smallest g whose grid of g site steps keeps
  // the exact costly plan within kPlanStates (or leaves one block).
  static std::pair<std::int64_t, Shape> planning_grid(const PauseCosts& costs,
                                                      std::int64_t remaining, std::int64_t span,
                                                      std::int64_t step) {
    std::int64_t g = 1;
    Shape sh = shape(costs, remaining, span, step);
    while (!costs.is_free() && sh.states > kPlanStates && sh.k > 1) {
      ++g;
      sh = shape(costs, remaining, span, g * step);
    }
    return {g, sh};
  }

  void come_due(Cluster& c, const Due& d) {
    Plan& p = plans_[d.job];
    switch (d.what) {
      case What::ready:
        ready_.push(c, d.job, p.site);
        break;
      case What::run_start:
        if (p.continuous || p.waiting || p.next != d.run) break;
        p.waiting = true;
        ready_.push(c, d.job, p.site);
        break;
      case What::run_end:
        if (p.continuous) break;
        if (c.phase(d.job) == JobPhase::running && p.next == d.run + 1 &&
            c.run_work(d.job) >= c.costs().min_run) {
          c.suspend(d.job);
        } else {
          p.continuous = true;
        }
        break;
    }
  }

  // Called after each start or resume from the ready queue: on time keeps the plan.
  void started(const Cluster& c, JobId j) {
    Plan& p = plans_[j];
    if (p.runs.empty()) return;
    p.waiting = false;
    if (!p.continuous && p.next < p.runs.size() && p.runs[p.next].start == c.now())
      ++p.next;
    else
      p.continuous = true;
  }

  Timers<Due> timers_;
  ReadyQueues ready_;
  std::vector<Plan> plans_;  // by job
};

}  // namespace

std::unique_ptr<Scheduler> make_carbon_suspend() { return std::make_unique<CarbonSuspend>(); }

}  // namespace shiftsim::sim::cluster
