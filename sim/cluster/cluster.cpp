#include "sim/cluster/cluster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/cluster/accounting.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::sim::cluster {

namespace {
constexpr std::int64_t kNever = std::numeric_limits<std::int64_t>::max();
std::string when(std::int64_t t) { return format_time(TimePoint{Seconds{t}}); }
}  // namespace

Cluster::Cluster(std::vector<Site> sites, std::vector<ClusterJob> jobs, PauseCosts costs)
    : sites_(std::move(sites)), jobs_(std::move(jobs)), costs_(costs) {
  if (sites_.empty()) throw ConfigError("a cluster needs at least one site");
  const std::int64_t step = sites_[0].charge.step();
  std::int64_t data_begin = sites_[0].charge.begin();
  horizon_ = sites_[0].charge.end();
  std::size_t first_begin = 0;
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    if (sites_[s].charge.step() != step) {
      throw ConfigError(
          fmt::format("sites {} and {} have intensity series of different steps; read "
                      "them at one simulation step",
                      sites_[0].name, sites_[s].name));
    }
    if (sites_[s].charge.begin() > data_begin) {
      data_begin = sites_[s].charge.begin();
      first_begin = s;
    }
    horizon_ = std::min(horizon_, sites_[s].charge.end());
    max_capacity_ = std::max(max_capacity_, sites_[s].spec.capacity);
  }
  state_.resize(jobs_.size());
  children_.resize(jobs_.size());
  for (JobId j = 0; j < jobs_.size(); ++j) {
    const auto& job = jobs_[j];
    if (j > 0 && job.arrival < jobs_[j - 1].arrival) {
      throw InternalError("Cluster: jobs must be sorted by arrival");
    }
    if (job.accelerators < 1) throw InternalError("Cluster: a job needs an accelerator");
    for (JobId p : job.parents) {
      if (p >= j) throw InternalError("Cluster: a parent must come before its child");
      children_[p].push_back(j);
    }
    state_[j].parents_left = static_cast<std::uint32_t>(job.parents.size());
  }
  if (!jobs_.empty() && jobs_.front().arrival < data_begin) {
    throw ConfigError(fmt::format(
        "job {} arrives at {}, before the intensity history of site {} begins ({}): place the "
        "jobs later (a trace's start time) or import earlier data for that site",
        jobs_.front().id, when(jobs_.front().arrival), sites_[first_begin].name, when(data_begin)));
  }
  free_.resize(sites_.size());
  for (std::size_t s = 0; s < sites_.size(); ++s) free_[s] = sites_[s].spec.capacity;
}

Seconds Cluster::run_work(JobId j) const {
  const auto& s = state_[j];
  if (s.phase != JobPhase::running) return Seconds{s.done - s.run_done0};
  return Seconds{s.done + (now_ - s.run_start) - s.run_done0};
}

void Cluster::require(bool ok, const char* what, JobId j) const {
  if (!ok) {
    throw InternalError(fmt::format("scheduler error at {}: {} (job {}, {}, phase {})", when(now_),
                                    what, j, jobs_[j].id, to_string(state_[j].phase)));
  }
}

void Cluster::push(std::int64_t time, Kind kind, JobId job, std::uint32_t token) {
  queue_.push(time, kind, job, token);
}

void Cluster::set_phase(JobId j, JobPhase to) {
  const JobPhase from = state_[j].phase;
  state_[j].phase = to;
  accounting_->on_phase(*this, j, from, to);
  if (observer_ != nullptr) observer_->on_phase(*this, j, from, to);
}

void Cluster::charged(const Charge& charge) {
  accounting_->on_charge(*this, charge);
  if (observer_ != nullptr) observer_->on_charge(*this, charge);
}

void Cluster::hold(std::size_t s, int delta) {
  free_[s] -= delta;
  if (free_[s] < 0 || free_[s] > sites_[s].spec.capacity) {
    throw InternalError("Cluster: capacity accounting broken at site " + sites_[s].name);
  }
  const int held = sites_[s].spec.capacity - free_[s];
  accounting_->on_hold(*this, s, held);
  if (observer_ != nullptr) observer_->on_hold(*this, s, held);
}

void Cluster::end_run(JobId j, std::int64_t t) {
  auto& st = state_[j];
  const auto& job = jobs_[j];
  const Site& site = sites_[static_cast<std::size_t>(st.site)];
  const std::int64_t w0 = st.done;
  const std::int64_t w1 = std::min<std::int64_t>(w0 + (t - st.run_start), job.length().count());
  Energy energy{};
  Emissions emissions{};
  for_each_power_interval(job, w0, w1, [&](double watts, std::int64_t wa, std::int64_t wb) {
    const double kw = watts / 1000.0 * site.spec.pue;
    const std::int64_t a = st.run_start + (wa - w0);
    const std::int64_t b = st.run_start + (wb - w0);
    energy += kwh(kw * static_cast<double>(b - a) / 3600.0);
    emissions += grams(kw * site.charge.between(a, b));
  });
  st.done = w1;
  charged({j, static_cast<std::size_t>(st.site), st.run_start, t, energy, emissions,
           Seconds{w1 - w0}, true});
}

void Cluster::end_checkpoint(JobId j, std::int64_t t) {
  auto& st = state_[j];
  const Site& site = sites_[static_cast<std::size_t>(st.site)];
  Energy energy{};
  Emissions emissions{};
  if (costs_.checkpoint_time.count() > 0 && t > st.run_start) {
    const double kw = costs_.checkpoint_energy.value /
                      (static_cast<double>(costs_.checkpoint_time.count()) / 3600.0) *
                      site.spec.pue;
    energy = kwh(kw * static_cast<double>(t - st.run_start) / 3600.0);
    emissions = grams(kw * site.charge.between(st.run_start, t));
  }
  charged({j, static_cast<std::size_t>(st.site), st.run_start, t, energy, emissions, Seconds{0},
           false});
}

void Cluster::release(JobId j) {
  state_[j].release = now_;
  set_phase(j, JobPhase::queued);
  scheduler_->on_release(*this, j);
}

void Cluster::drop(JobId j, JobOutcome why) {
  state_[j].outcome = why;
  set_phase(j, JobPhase::dropped);
}

void Cluster::start(JobId j, std::size_t s) {
  require(j < jobs_.size() && state_[j].phase == JobPhase::queued,
          "start of a job that is not queued", j);
  require(s < sites_.size(), "start on a site that does not exist", j);
  require(free_[s] >= jobs_[j].accelerators, "start on a site without room", j);
  hold(s, jobs_[j].accelerators);
  auto& st = state_[j];
  st.site = static_cast<int>(s);
  st.run_start = now_;
  st.run_done0 = st.done;
  ++st.token;
  set_phase(j, JobPhase::running);
  push(now_ + remaining(j).count(), k_finish, j, st.token);
}

void Cluster::suspend(JobId j) {
  require(j < jobs_.size() && state_[j].phase == JobPhase::running,
          "suspend of a job that is not running", j);
  require(jobs_[j].interruptible, "suspend of a job that is not interruptible", j);
  require(run_work(j) >= costs_.min_run, "suspend before the minimum run", j);
  end_run(j, now_);
  auto& st = state_[j];
  ++st.token;
  st.run_start = now_;
  set_phase(j, JobPhase::checkpointing);
  // Through an event even without a checkpoint time, so that the scheduler hears of every
  // suspension the same way (on_suspended, then decide again at this instant).
  push(now_ + costs_.checkpoint_time.count(), k_checkpoint_done, j, st.token);
}

void Cluster::resume(JobId j) {
  require(j < jobs_.size() && state_[j].phase == JobPhase::suspended,
          "resume of a job that is not suspended", j);
  auto& st = state_[j];
  const auto s = static_cast<std::size_t>(st.site);
  require(free_[s] >= jobs_[j].accelerators, "resume on a site without room", j);
  hold(s, jobs_[j].accelerators);
  st.run_start = now_;
  st.run_done0 = st.done;
  ++st.token;
  set_phase(j, JobPhase::running);
  push(now_ + remaining(j).count(), k_finish, j, st.token);
}

void Cluster::wake_at(std::int64_t t) {
  if (t <= now_) {
    throw InternalError(fmt::format("scheduler error at {}: wake_at({}) is not in the future",
                                    when(now_), when(t)));
  }
  push(t, k_wake);
}

ClusterResult Cluster::run(Scheduler& scheduler, Observer* observer) {
  if (ran_) throw InternalError("Cluster::run: a cluster runs once");
  ran_ = true;
  scheduler_ = &scheduler;
  observer_ = observer;
  // The span begins with the first arrival, or at the end of the history if every job arrives
  // after it (then nothing runs, and every job is beyond the data).
  const std::int64_t begin =
      jobs_.empty() ? sites_[0].charge.begin() : std::min(jobs_.front().arrival, horizon_);
  Accounting accounting(*this, begin);
  accounting_ = &accounting;

  std::size_t next_arrival = 0;
  std::size_t open = jobs_.size();  // neither finished nor dropped
  std::int64_t last_finish = begin;
  while (open > 0) {
    const std::int64_t t_queue = queue_.empty() ? kNever : queue_.top().time;
    const std::int64_t t_arrival =
        next_arrival < jobs_.size() ? jobs_[next_arrival].arrival : kNever;
    const std::int64_t t = std::min(t_queue, t_arrival);
    if (t == kNever || t > horizon_) break;
    now_ = t;
    // What frees accelerators first, then arrivals, then wake-ups (the event kinds' order).
    while (!queue_.empty() && queue_.top().time == t && queue_.top().kind < k_arrival) {
      const auto e = queue_.pop();
      auto& st = state_[e.job];
      if (e.token != st.token) continue;  // overtaken by a suspension
      ++events_;
      const auto s = static_cast<std::size_t>(st.site);
      if (e.kind == k_finish) {
        end_run(e.job, t);
        hold(s, -jobs_[e.job].accelerators);
        st.outcome = JobOutcome::finished;
        set_phase(e.job, JobPhase::finished);
        --open;
        last_finish = t;
        scheduler_->on_finish(*this, e.job);
        // A child that arrived earlier is released now; one arriving at this very instant is
        // left to the arrival below, which checks its size first and releases it once.
        for (JobId c : children_[e.job]) {
          if (--state_[c].parents_left == 0 && state_[c].phase == JobPhase::pending &&
              jobs_[c].arrival < t) {
            release(c);
          }
        }
      } else {
        end_checkpoint(e.job, t);
        hold(s, -jobs_[e.job].accelerators);
        set_phase(e.job, JobPhase::suspended);
        scheduler_->on_suspended(*this, e.job);
      }
    }
    while (next_arrival < jobs_.size() && jobs_[next_arrival].arrival == t) {
      const auto j = static_cast<JobId>(next_arrival++);
      ++events_;
      if (state_[j].phase == JobPhase::dropped) continue;  // blocked by a rejected parent
      if (jobs_[j].accelerators > max_capacity_) {
        drop(j, JobOutcome::rejected);
        --open;
        // Its descendants can never be released: blocked now, so that they do not hold the
        // scenario open to the end of the history.
        std::vector<JobId> stack(children_[j].begin(), children_[j].end());
        while (!stack.empty()) {
          const JobId c = stack.back();
          stack.pop_back();
          if (state_[c].phase != JobPhase::pending) continue;
          drop(c, JobOutcome::blocked);
          --open;
          stack.insert(stack.end(), children_[c].begin(), children_[c].end());
        }
      } else if (state_[j].parents_left == 0) {
        release(j);
      }
    }
    while (!queue_.empty() && queue_.top().time == t && queue_.top().kind == k_wake) {
      queue_.pop();
      ++events_;
    }
    scheduler_->decide(*this);
    ++decisions_;
  }
  const std::int64_t end = open > 0 ? horizon_ : last_finish;
  finish_scenario(end);
  ClusterResult result = accounting.finish(*this, end);
  accounting_ = nullptr;
  result.events = events_;
  result.decisions = decisions_;
  return result;
}

void Cluster::finish_scenario(std::int64_t end) {
  now_ = std::max(now_, end);
  for (JobId j = 0; j < jobs_.size(); ++j) {
    auto& st = state_[j];
    if (st.phase == JobPhase::running) {
      end_run(j, end);
      hold(static_cast<std::size_t>(st.site), -jobs_[j].accelerators);
    } else if (st.phase == JobPhase::checkpointing) {
      end_checkpoint(j, end);
      hold(static_cast<std::size_t>(st.site), -jobs_[j].accelerators);
    }
    if (st.phase == JobPhase::finished || st.phase == JobPhase::dropped) continue;
    // Parents come first, so a parent's outcome is final when its child is looked at.
    bool blocked = false;
    for (JobId p : jobs_[j].parents) {
      blocked |= state_[p].outcome != JobOutcome::finished;
    }
    // A job that never arrived (it comes after the history) is still judged by its size.
    const JobOutcome why = jobs_[j].accelerators > max_capacity_      ? JobOutcome::rejected
                           : blocked && st.phase == JobPhase::pending ? JobOutcome::blocked
                                                                      : JobOutcome::beyond_data;
    drop(j, why);
  }
}

}  // namespace shiftsim::sim::cluster
