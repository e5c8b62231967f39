// spatial-delay: where and when together. On release, each site that can hold the job proposes
// its flexible start within the job's slack (best_start on its forecast, planning.hpp; a job that
// is not deferrable proposes now); the proposal with the lowest expected emissions wins, then the
// earliest start, then the first listed site, where emissions within the single-job rule's
// tolerance of the lowest tie (ties_with_lowest: a rounding hair must not delay a job or move it);
// a proposal without a forecast counts as the dirtiest. At that time the job becomes ready for
// that site, and starts there when it has room, the least slack first (ready_queue.hpp). It never
// moves to another site while it waits.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/cluster/schedulers/ready_queue.hpp"

namespace shiftsim::sim::cluster {
namespace {

class SpatialDelay final : public Scheduler {
 public:
  void on_release(Cluster& c, JobId j) override {
    const ClusterJob& job = c.job(j);
    const double inf = std::numeric_limits<double>::infinity();
    struct Proposal {
      double g;
      std::int64_t start;
      std::size_t site;
    };
    std::vector<Proposal> proposals;
    double lowest = inf;
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.site(s).spec.capacity < job.accelerators) continue;
      const StartChoice choice = delayed_start(c.site(s), job, c.now());
      const double g = std::isnan(choice.expected_g) ? inf : choice.expected_g;
      proposals.push_back({g, choice.start, s});
      lowest = std::min(lowest, proposals.back().g);
    }
    // Among the proposals that tie with the lowest: the earliest start, then the first listed.
    const Proposal* best = nullptr;
    for (const Proposal& p : proposals) {
      if (ties_with_lowest(p.g, lowest) && (!best || p.start < best->start)) best = &p;
    }
    if (!best) return;  // unreachable: the engine rejects jobs larger than every site
    starts_.plan(c, j, best->start, best->site);
  }

  void decide(Cluster& c) override { starts_.decide(c); }

 private:
  PlannedStarts starts_;
};

}  // namespace

std::unique_ptr<Scheduler> make_spatial_delay() { return std::make_unique<SpatialDelay>(); }

}  // namespace shiftsim::sim::cluster
