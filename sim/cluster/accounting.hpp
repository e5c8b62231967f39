#pragma once
// The metrics of a cluster run, collected as an observer of the engine: each job's energy,
// emissions, checkpoints, work and holding time from its charges; its release, start, finish,
// suspensions and outcome from its phase changes; each site's idle energy and emissions, busy
// accelerator-seconds and utilisation per step from the changes of what it holds; embodied
// emissions and missed deadlines at the end of the span.
//
// The engine makes one per run and feeds it before any other observer, so that what a run reports
// is exactly what it told its observers. Sums are taken in event order, one charge at a time,
// which keeps results bit-identical whatever else watches.
//
// Idle accelerators draw the site's idle power times its PUE, charged at the site's actual
// intensity over each interval between two changes of what the site holds.
//
// Cost: O(1) per charge and phase change; O(steps crossed) per change of what a site holds.
// Thread-safety: watches one run.
#include <cstdint>
#include <vector>

#include "sim/cluster/observer.hpp"
#include "sim/cluster/result.hpp"

namespace shiftsim::sim::cluster {

class Accounting final : public Observer {
 public:
  // For the sites and jobs of c, over a span beginning at `begin` (Unix seconds).
  Accounting(const Cluster& c, std::int64_t begin);

  void on_phase(const Cluster& c, JobId j, JobPhase from, JobPhase to) override;
  void on_charge(const Cluster& c, const Charge& charge) override;
  void on_hold(const Cluster& c, std::size_t site, int held) override;

  // Closes the span at `end` (every job has released its accelerators): the last idle interval,
  // utilisation as shares, embodied emissions, missed deadlines. Call once.
  ClusterResult finish(const Cluster& c, std::int64_t end);

 private:
  void account_site(const Cluster& c, std::size_t site, std::int64_t t);

  ClusterResult result_;
  std::vector<std::int64_t> last_;  // when each site's idle/utilisation was last accounted
  std::vector<int> held_;           // accelerators each site holds since last_
};

}  // namespace shiftsim::sim::cluster
