// carbon-delay: each deferrable job starts at the cleanest forecast time within its slack (the
// single-job flexible start, planning.hpp) on its home site; jobs whose planned time has come
// start in order of their latest start (the least slack left first), as capacity allows
// (ready_queue.hpp). A job that cannot start at its planned time waits for room: it may then miss
// its deadline, which the result counts.
#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/cluster/schedulers/ready_queue.hpp"

namespace shiftsim::sim::cluster {
namespace {

class CarbonDelay final : public Scheduler {
 public:
  void on_release(Cluster& c, JobId j) override {
    const ClusterJob& job = c.job(j);
    const std::size_t site = home_site(c, j);
    const std::int64_t at =
        job.deferrable ? best_start(c.site(site), job, c.now(), latest_start(job, c.now())).start : c.now();
    timers_.at(c, at, Planned{j, site});
  }

  void decide(Cluster& c) override {
    timers_.pop_due(c.now(), [&](const Planned& p) { ready_.push(c, p.job, p.site); });
    ready_.dispatch(c, [](JobId) {});
  }

 private:
  struct Planned {
    JobId job;
    std::size_t site;  // its home site, chosen at release
  };
  Timers<Planned> timers_;
  ReadyQueues ready_;
};

}  // namespace

std::unique_ptr<Scheduler> make_carbon_delay() { return std::make_unique<CarbonDelay>(); }

}  // namespace shiftsim::sim::cluster
