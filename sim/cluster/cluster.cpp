#include "sim/cluster/cluster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::sim::cluster {

std::string_view to_string(JobPhase p) {
  switch (p) {
    case JobPhase::pending:
      return "pending";
    case JobPhase::queued:
      return "queued";
    case JobPhase::running:
      return "running";
    case JobPhase::checkpointing:
      return "checkpointing";
    case JobPhase::suspended:
      return "suspended";
    case JobPhase::finished:
      return "finished";
    case JobPhase::dropped:
      return "dropped";
  }
  return "?";
}

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
  if (observer_ != nullptr) observer_->on_phase(*this, j, from, to);
}

void Cluster::account_site(std::size_t s, std::int64_t t) {
  std::int64_t& last = site_last_[s];
  if (t <= last) return;
  const Site& site = sites_[s];
  auto& out = result_.sites[s];
  const int held = site.spec.capacity - free_[s];
  const int idle = site.spec.capacity - held;
  out.busy_accelerator_seconds += static_cast<double>(held) * static_cast<double>(t - last);
  if (site.spec.idle_watts > 0 && idle > 0) {
    const double kw = idle * site.spec.idle_watts / 1000.0 * site.spec.pue;
    out.idle_kwh += kw * static_cast<double>(t - last) / 3600.0;
    out.idle_g += kw * site.charge.between(last, t);
  }
  if (held > 0) {
    // Held accelerator-seconds per step of the span, divided by capacity x step at the end.
    const std::int64_t step = out.utilisation_step;
    for (std::int64_t a = last; a < t;) {
      const auto bin = static_cast<std::size_t>((a - out.utilisation_start) / step);
      const std::int64_t bin_end =
          out.utilisation_start + static_cast<std::int64_t>(bin + 1) * step;
      const std::int64_t b = std::min(t, bin_end);
      if (out.utilisation.size() <= bin) out.utilisation.resize(bin + 1, 0.0);
      out.utilisation[bin] += static_cast<double>(held) * static_cast<double>(b - a);
      a = b;
    }
  }
  last = t;
}

void Cluster::hold(std::size_t s, int delta) {
  account_site(s, now_);
  free_[s] -= delta;
  if (free_[s] < 0 || free_[s] > sites_[s].spec.capacity) {
    throw InternalError("Cluster: capacity accounting broken at site " + sites_[s].name);
  }
}

void Cluster::end_run(JobId j, std::int64_t t) {
  auto& st = state_[j];
  const auto& job = jobs_[j];
  const Site& site = sites_[static_cast<std::size_t>(st.site)];
  const std::int64_t w0 = st.done;
  const std::int64_t w1 = std::min<std::int64_t>(w0 + (t - st.run_start), job.length().count());
  double kwh = 0, g = 0;
  for_each_power_interval(job, w0, w1, [&](double watts, std::int64_t wa, std::int64_t wb) {
    const double kw = watts / 1000.0 * site.spec.pue;
    const std::int64_t a = st.run_start + (wa - w0);
    const std::int64_t b = st.run_start + (wb - w0);
    kwh += kw * static_cast<double>(b - a) / 3600.0;
    g += kw * site.charge.between(a, b);
  });
  auto& r = result_.jobs[j];
  r.energy_kwh += kwh;
  r.emissions_g += g;
  r.work_seconds += static_cast<double>(w1 - w0);
  r.held_seconds += t - st.run_start;
  st.done = w1;
  if (observer_ != nullptr) observer_->on_charge(*this, j, st.run_start, t, kwh, g, true);
}

void Cluster::end_checkpoint(JobId j, std::int64_t t) {
  auto& st = state_[j];
  const Site& site = sites_[static_cast<std::size_t>(st.site)];
  double kwh = 0, g = 0;
  if (costs_.checkpoint_time.count() > 0 && t > st.run_start) {
    const double kw = costs_.checkpoint_energy.value /
                      (static_cast<double>(costs_.checkpoint_time.count()) / 3600.0) *
                      site.spec.pue;
    kwh = kw * static_cast<double>(t - st.run_start) / 3600.0;
    g = kw * site.charge.between(st.run_start, t);
  }
  auto& r = result_.jobs[j];
  r.energy_kwh += kwh;
  r.checkpoint_kwh += kwh;
  r.emissions_g += g;
  r.held_seconds += t - st.run_start;
  if (observer_ != nullptr) observer_->on_charge(*this, j, st.run_start, t, kwh, g, false);
}

void Cluster::release(JobId j) {
  state_[j].release = now_;
  result_.jobs[j].release = now_;
  set_phase(j, JobPhase::queued);
  scheduler_->on_release(*this, j);
}

void Cluster::drop(JobId j, JobOutcome why) {
  result_.jobs[j].outcome = why;
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
  result_.jobs[j].site = static_cast<int>(s);
  result_.jobs[j].first_start = now_;
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
  ++result_.jobs[j].suspensions;
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
  result_.jobs.assign(jobs_.size(), JobResult{});
  result_.sites.resize(sites_.size());
  // The span begins with the first arrival, or at the end of the history if every job arrives
  // after it (then nothing runs, and every job is beyond the data).
  const std::int64_t begin =
      jobs_.empty() ? sites_[0].charge.begin() : std::min(jobs_.front().arrival, horizon_);
  result_.begin = begin;
  site_last_.assign(sites_.size(), begin);
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    auto& out = result_.sites[s];
    out.name = sites_[s].name;
    out.capacity = sites_[s].spec.capacity;
    out.utilisation_step = sites_[s].charge.step();
    out.utilisation_start = begin - (begin - sites_[s].charge.begin()) % out.utilisation_step;
  }

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
      ++result_.events;
      const auto s = static_cast<std::size_t>(st.site);
      if (e.kind == k_finish) {
        end_run(e.job, t);
        hold(s, -jobs_[e.job].accelerators);
        auto& r = result_.jobs[e.job];
        r.finish = t;
        r.outcome = JobOutcome::finished;
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
      ++result_.events;
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
      ++result_.events;
    }
    scheduler_->decide(*this);
    ++result_.decisions;
  }
  finish_scenario(open > 0 ? horizon_ : last_finish);
  return std::move(result_);
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
      blocked |= result_.jobs[p].outcome != JobOutcome::finished;
    }
    // A job that never arrived (it comes after the history) is still judged by its size.
    const JobOutcome why = jobs_[j].accelerators > max_capacity_      ? JobOutcome::rejected
                           : blocked && st.phase == JobPhase::pending ? JobOutcome::blocked
                                                                      : JobOutcome::beyond_data;
    drop(j, why);
  }
  result_.end = end;
  for (std::size_t s = 0; s < sites_.size(); ++s) {
    account_site(s, end);
    auto& out = result_.sites[s];
    const double per_bin =
        static_cast<double>(out.capacity) * static_cast<double>(out.utilisation_step);
    const auto bins = static_cast<std::size_t>(
        (end - out.utilisation_start + out.utilisation_step - 1) / out.utilisation_step);
    out.utilisation.resize(bins, 0.0);
    for (double& u : out.utilisation) u /= per_bin;
    const auto& e = sites_[s].spec.embodied;
    if (!e.is_none())
      out.embodied_g = out.capacity * e.for_time(Seconds{end - result_.begin}).value;
  }
  for (JobId j = 0; j < jobs_.size(); ++j) {
    auto& r = result_.jobs[j];
    const auto& job = jobs_[j];
    if (r.site >= 0) {
      const auto& e = sites_[static_cast<std::size_t>(r.site)].spec.embodied;
      if (!e.is_none()) r.embodied_g = job.accelerators * e.for_time(Seconds{r.held_seconds}).value;
    }
    if (job.deadline) {
      r.deadline_missed = r.outcome == JobOutcome::finished
                              ? r.finish > *job.deadline
                              : r.outcome != JobOutcome::rejected && *job.deadline <= end;
    }
  }
}

}  // namespace shiftsim::sim::cluster
