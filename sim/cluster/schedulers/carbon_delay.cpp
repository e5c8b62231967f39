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
    const std::size_t site = home_site(c, j);  // its home, chosen at release
    starts_.plan(c, j, delayed_start(c.site(site), c.job(j), c.now()).start, site);
  }

  void decide(Cluster& c) override { starts_.decide(c); }

 private:
  PlannedStarts starts_;
};

}  // namespace

std::unique_ptr<Scheduler> make_carbon_delay() { return std::make_unique<CarbonDelay>(); }

}  // namespace shiftsim::sim::cluster
