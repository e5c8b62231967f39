#pragma once
// The cluster engine: many jobs on sites of limited capacity, in simulated time. Jobs are
// released (arrived, parents finished), wait in the scheduler's queue, run on one site holding
// their accelerators, may be suspended (checkpoint, then the accelerators are free) and resumed
// on the same site, and finish. A Scheduler decides; the engine keeps time, enforces capacity and
// charges energy exactly once; what it reports is collected by an observer of its events, the
// accounting (accounting.hpp), fed before any other observer.
//
// Events, in simulated time (Unix seconds), ordered by (time, kind, sequence) and never by address
// so that a run is reproducible: at one instant, what frees accelerators (finish, end of a
// checkpoint) comes first, then releases, then the scheduler's wake-ups. After every event of an
// instant has been applied, the scheduler's decide() is called once, so it sees the instant whole
// (every finished job's accelerators free, every arrival queued).
//
// Charging: a job is charged when a run or a checkpoint ends (or at the end of the history), at
// the actual intensity of its site, for its power profile over the work it did, times the site's
// PUE (site.hpp). Checkpoints draw the checkpoint energy evenly over the checkpoint time (as the
// single-job engine: an energy with a zero time is not charged). Idle accelerators and embodied
// emissions are the accounting's (accounting.hpp).
//
// The scenario spans [first arrival, last finish); it cannot run past the end of the history any
// site has (the common end): jobs running then are charged up to it and reported beyond-data, as
// are jobs not yet done and jobs arriving after it. A job needing more accelerators than any site
// has is rejected when it arrives; a job whose parent was rejected or beyond the data is blocked.
// Nothing hangs: a scheduler that leaves a job waiting forever leaves it beyond-data at the end.
//
// A scheduler's mistakes (starting a job on a full site, suspending a job that is not
// interruptible or ran less than the minimum run, waking in the past) are InternalError.
//
// Cost: O((jobs + decisions) log events + steps of the span x sites), independent of how many
// steps a job runs for.
//
// Thread-safety: a Cluster is one scenario; run many Clusters in parallel, not one from threads.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "sim/cluster/job.hpp"
#include "sim/cluster/observer.hpp"
#include "sim/cluster/result.hpp"
#include "sim/cluster/site.hpp"
#include "sim/engine.hpp"
#include "sim/event_queue.hpp"

namespace shiftsim::sim::cluster {

class Cluster;

// Decides. One file per policy (schedulers/), made by name in schedulers.hpp.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // A job arrived and all its parents finished (or it has none): it is queued now.
  virtual void on_release(Cluster& c, JobId j) = 0;
  // A job finished; its accelerators are free.
  virtual void on_finish(Cluster& /*c*/, JobId /*j*/) {}
  // A suspension's checkpoint ended; the job's accelerators are free, it waits to be resumed.
  virtual void on_suspended(Cluster& /*c*/, JobId /*j*/) {}
  // Once per instant that had events, after all of them: start, suspend, resume, wake_at.
  virtual void decide(Cluster& c) = 0;
};

class Cluster {
 public:
  // Sites share one step and cover the arrivals (ConfigError otherwise, naming the site and the
  // first arrival, with what to do). Jobs must be sorted by arrival, parents before children.
  Cluster(std::vector<Site> sites, std::vector<ClusterJob> jobs, PauseCosts costs = {});

  // Runs the scenario to its end. Call once.
  ClusterResult run(Scheduler& scheduler, Observer* observer = nullptr);

  // --- What a scheduler sees (decisions are on forecasts: site(i).plan, never site(i).charge) ---
  std::int64_t now() const { return now_; }
  std::size_t site_count() const { return sites_.size(); }
  const Site& site(std::size_t i) const { return sites_[i]; }
  int free(std::size_t site) const { return free_[site]; }
  int max_capacity() const { return max_capacity_; }
  std::int64_t history_end() const { return horizon_; }  // the common end of the histories
  std::size_t job_count() const { return jobs_.size(); }
  const std::vector<ClusterJob>& jobs() const { return jobs_; }
  const ClusterJob& job(JobId j) const { return jobs_[j]; }
  JobPhase phase(JobId j) const { return state_[j].phase; }
  // Final once the job is finished or dropped; beyond_data before.
  JobOutcome outcome(JobId j) const { return state_[j].outcome; }
  int site_of(JobId j) const { return state_[j].site; }
  std::int64_t release_time(JobId j) const { return state_[j].release; }
  Seconds work_done(JobId j) const { return Seconds{state_[j].done}; }
  Seconds remaining(JobId j) const { return jobs_[j].length() - Seconds{state_[j].done}; }
  // Work done in the current run (for the minimum run before a suspension).
  Seconds run_work(JobId j) const;
  const PauseCosts& costs() const { return costs_; }

  // --- Actions, effective now ---
  void start(JobId j, std::size_t site);  // a queued job; the site must have room
  void suspend(JobId j);                  // a running, interruptible job: checkpoint, then free
  void resume(JobId j);                   // a suspended job, on its site, which must have room
  void wake_at(std::int64_t t);           // decide() again at t >= now (a timer)

 private:
  // In the order they are handled at one instant (their queue priority): what frees accelerators
  // first, then arrivals, then wake-ups.
  enum Kind : std::uint8_t { k_finish = 0, k_checkpoint_done = 1, k_arrival = 2, k_wake = 3 };
  struct State {
    JobPhase phase = JobPhase::pending;
    JobOutcome outcome = JobOutcome::beyond_data;
    int site = -1;
    std::int64_t release = -1;
    std::int64_t done = 0;       // work seconds
    std::int64_t run_start = 0;  // when the current run or checkpoint began
    std::int64_t run_done0 = 0;  // work done when the current run began
    std::uint32_t token = 0;
    std::uint32_t parents_left = 0;
  };

  void push(std::int64_t time, Kind kind, JobId job = 0, std::uint32_t token = 0);
  void set_phase(JobId j, JobPhase to);
  void release(JobId j);
  void end_run(JobId j, std::int64_t t);         // charges the run [run_start, t)
  void end_checkpoint(JobId j, std::int64_t t);  // charges the checkpoint [run_start, t)
  void hold(std::size_t site, int delta);        // capacity change at now_
  void charged(const Charge& charge);            // tells the observers
  void drop(JobId j, JobOutcome why);
  void finish_scenario(std::int64_t end);
  void require(bool ok, const char* what, JobId j) const;

  std::vector<Site> sites_;
  std::vector<ClusterJob> jobs_;
  PauseCosts costs_;
  std::vector<State> state_;
  std::vector<std::vector<JobId>> children_;
  std::vector<int> free_;
  int max_capacity_ = 0;
  std::int64_t horizon_ = 0;
  std::int64_t now_ = std::numeric_limits<std::int64_t>::min();
  BasicEventQueue<Kind, std::uint32_t> queue_;
  Scheduler* scheduler_ = nullptr;
  Observer* accounting_ = nullptr;  // the run's Accounting, told first
  Observer* observer_ = nullptr;
  std::uint64_t events_ = 0;
  std::uint64_t decisions_ = 0;
  bool ran_ = false;
};

}  // namespace shiftsim::sim::cluster
