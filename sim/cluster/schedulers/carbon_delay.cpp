// carbon-delay: each deferrable job starts at the cleanest forecast time within its slack (the
// single-job flexible start, planning.hpp) on its home site; jobs whose planned time has come
// start in order of their latest start (the least slack left first), as capacity allows. A job
// that cannot start at its planned time waits for room: it may then miss its deadline, which the
// result counts.
#include <queue>
#include <tuple>
#include <vector>

#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"

namespace shiftsim::sim::cluster {
namespace {

class CarbonDelay final : public Scheduler {
 public:
  void on_release(Cluster& c, JobId j) override {
    const ClusterJob& job = c.job(j);
    if (site_.size() < c.job_count()) site_.resize(c.job_count());
    site_[j] = home_site(c, j);
    std::int64_t at = c.now();
    if (job.deferrable) at = best_start(c.site(site_[j]), job, c.now(), latest_start(job, c.now())).start;
    if (at > c.now()) {
      planned_.push({at, j});
      c.wake_at(at);
    } else {
      make_ready(c, j);
    }
  }

  void decide(Cluster& c) override {
    while (!planned_.empty() && planned_.top().first <= c.now()) {
      make_ready(c, planned_.top().second);
      planned_.pop();
    }
    for (std::size_t s = 0; s < ready_.size(); ++s) {
      auto& q = ready_[s];
      while (!q.empty() && c.free(s) >= c.job(std::get<2>(q.top())).accelerators) {
        c.start(std::get<2>(q.top()), s);
        q.pop();
      }
    }
  }

 private:
  // (latest start, release order, job): the least slack first, then first come.
  using Ready = std::tuple<std::int64_t, std::uint64_t, JobId>;
  void make_ready(Cluster& c, JobId j) {
    if (ready_.size() < c.site_count()) ready_.resize(c.site_count());
    ready_[site_[j]].push({latest_start(c.job(j), c.release_time(j)), order_++, j});
  }
  std::vector<std::size_t> site_;  // by job: its home site, chosen at release
  std::priority_queue<std::pair<std::int64_t, JobId>, std::vector<std::pair<std::int64_t, JobId>>,
                      std::greater<>> planned_;
  std::vector<std::priority_queue<Ready, std::vector<Ready>, std::greater<>>> ready_;
  std::uint64_t order_ = 0;
};

}  // namespace

std::unique_ptr<Scheduler> make_carbon_delay() { return std::make_unique<CarbonDelay>(); }

}  // namespace shiftsim::sim::cluster
