// spatial: jobs start in release order, as in fifo, but each goes to the site where it is expected
// to emit least (its whole run from now on the site's forecast, PUE included, planning.hpp) among
// the sites with room now; the first listed on ties (within the single-job rule's tolerance,
// ties_with_lowest), and a site without a forecast for the run counts as the dirtiest. A head
// that fits nowhere yet holds back the jobs behind it.
#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <vector>

#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"

namespace shiftsim::sim::cluster {
namespace {

class Spatial final : public Scheduler {
 public:
  void on_release(Cluster& /*c*/, JobId j) override { queue_.push_back(j); }

  void decide(Cluster& c) override {
    while (!queue_.empty()) {
      const int site = cleanest_site_with_room(c, queue_.front());
      if (site < 0) return;
      c.start(queue_.front(), static_cast<std::size_t>(site));
      queue_.pop_front();
    }
  }

 private:
  static int cleanest_site_with_room(const Cluster& c, JobId j) {
    const ClusterJob& job = c.job(j);
    const double inf = std::numeric_limits<double>::infinity();
    // NaN: no room.
    std::vector<double> g(c.site_count(), std::numeric_limits<double>::quiet_NaN());
    double lowest = inf;
    bool any = false;
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.free(s) < job.accelerators) continue;
      const double x = expected_g(c.site(s), job, c.now());
      g[s] = std::isnan(x) ? inf : x;
      lowest = std::min(lowest, g[s]);
      any = true;
    }
    if (!any) return -1;
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (!std::isnan(g[s]) && ties_with_lowest(g[s], lowest)) return static_cast<int>(s);
    }
    return -1;  // unreachable: the lowest is a site with room
  }

  std::deque<JobId> queue_;
};

}  // namespace

std::unique_ptr<Scheduler> make_spatial() { return std::make_unique<Spatial>(); }

}  // namespace shiftsim::sim::cluster
