// backfill: EASY backfilling, carbon-agnostic. Jobs start in release order, each on the roomiest
// site, as in fifo; when the first waiting job (the head) fits nowhere, it gets a reservation: the
// earliest time some site that can hold it will have room, from the running jobs' expected ends
// (lengths are known exactly, so the estimates are exact). A later job may then start now if it
// cannot delay that reservation: it finishes by the reserved time, or runs on another site, or
// fits in the accelerators the reserved site has to spare at that time.
//
// Jobs never suspend here, so every held accelerator belongs to a running job whose end is known.
// Cost per decision: O(queue x sites + running jobs of the sites).
#include <cstdint>
#include <limits>
#include <list>
#include <set>
#include <utility>
#include <vector>

#include "sim/cluster/schedulers.hpp"

namespace shiftsim::sim::cluster {
namespace {

class Backfill final : public Scheduler {
 public:
  void on_release(Cluster& /*c*/, JobId j) override { queue_.push_back(j); }

  void on_finish(Cluster& c, JobId j) override {
    running_[static_cast<std::size_t>(c.site_of(j))].erase({end_[j], j});
  }

  void decide(Cluster& c) override {
    if (running_.size() < c.site_count()) running_.resize(c.site_count());
    if (end_.size() < c.job_count()) end_.resize(c.job_count());
    while (!queue_.empty()) {
      const int site = roomiest_site(c, queue_.front());
      if (site < 0) break;
      launch(c, queue_.front(), static_cast<std::size_t>(site));
      queue_.pop_front();
    }
    if (queue_.size() < 2) return;
    Reservation r = reserve(c, queue_.front());
    if (r.site < 0) return;  // unreachable: every held accelerator is freed by a running job
    for (auto it = std::next(queue_.begin()); it != queue_.end() && any_free(c);) {
      const JobId j = *it;
      const int site = backfill_site(c, j, r);
      if (site < 0) {
        ++it;
        continue;
      }
      if (site == r.site && c.now() + c.job(j).length().count() > r.shadow) {
        r.extra -= c.job(j).accelerators;
      }
      launch(c, j, static_cast<std::size_t>(site));
      it = queue_.erase(it);
    }
  }

 private:
  struct Reservation {
    std::int64_t shadow = std::numeric_limits<std::int64_t>::max();  // the head's reserved start
    int site = -1;
    int extra = 0;  // accelerators of that site free at the shadow time beyond the head's
  };

  void launch(Cluster& c, JobId j, std::size_t site) {
    c.start(j, site);
    end_[j] = c.now() + c.remaining(j).count();
    running_[site].insert({end_[j], j});
  }

  static bool any_free(const Cluster& c) {
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.free(s) > 0) return true;
    }
    return false;
  }

  // The earliest (first listed on ties) time and site at which the head will have room.
  Reservation reserve(const Cluster& c, JobId head) const {
    const int need = c.job(head).accelerators;
    Reservation best;
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.site(s).spec.capacity < need) continue;
      int free = c.free(s);
      for (auto it = running_[s].begin(); it != running_[s].end() && free < need;) {
        const std::int64_t t = it->first;
        if (t >= best.shadow) break;  // an earlier site already wins (or ties, listed first)
        for (; it != running_[s].end() && it->first == t; ++it) {
          free += c.job(it->second).accelerators;
        }
        if (free >= need) best = Reservation{t, static_cast<int>(s), free - need};
      }
    }
    return best;
  }

  // The roomiest site where j fits now without delaying the reservation; -1 if none.
  int backfill_site(const Cluster& c, JobId j, const Reservation& r) const {
    const int need = c.job(j).accelerators;
    const bool ends_in_time = c.now() + c.job(j).length().count() <= r.shadow;
    int best = -1;
    for (std::size_t s = 0; s < c.site_count(); ++s) {
      if (c.free(s) < need) continue;
      if (static_cast<int>(s) == r.site && !ends_in_time && need > r.extra) continue;
      if (best < 0 || c.free(s) > c.free(static_cast<std::size_t>(best))) {
        best = static_cast<int>(s);
      }
    }
    return best;
  }

  std::list<JobId> queue_;                                         // release order
  std::vector<std::set<std::pair<std::int64_t, JobId>>> running_;  // per site: (expected end, job)
  std::vector<std::int64_t> end_;                                  // expected end, by job
};

}  // namespace

std::unique_ptr<Scheduler> make_backfill() { return std::make_unique<Backfill>(); }

}  // namespace shiftsim::sim::cluster
