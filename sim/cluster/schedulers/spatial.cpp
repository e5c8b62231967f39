// spatial: jobs start in release order, as in fifo, but each goes to the site where it is expected
// to emit least (its whole run from now on the site's forecast, PUE included, planning.hpp) among
// the sites with room now; the first listed on ties, and a site without a forecast for the run
// counts as the dirtiest. A head that fits nowhere yet holds back the jobs behind it.
#include <cmath>
#include <deque>
#include <limits>

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
    int best = -1;
    double lowest = std::numeric_limits<double>::infinity();
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.free(s) < job.accelerators) continue;
      double g = expected_g(c.site(s), job, c.now());
      if (std::isnan(g)) g = std::numeric_limits<double>::infinity();
      if (best < 0 || g < lowest) {
        best = static_cast<int>(s);
        lowest = g;
      }
    }
    return best;
  }

  std::deque<JobId> queue_;
};

}  // namespace

std::unique_ptr<Scheduler> make_spatial() { return std::make_unique<Spatial>(); }

}  // namespace shiftsim::sim::cluster
