#pragma once
// What the delaying schedulers (carbon-delay, carbon-suspend, spatial-delay) share: timers that
// hold a job back until its planned time, per-site ready queues where jobs whose time has come
// wait for room, and the two together for a job planned once to a (time, site).
//
// The ready order: the least slack first, i.e. the earliest latest start for the work still to
// do, then first come. A
// head that does not fit holds back its site's queue, so a wide job is not starved by narrow ones
// behind it.
//
// Thread-safety: part of one scheduler, like the scheduler.
#include <cstdint>
#include <functional>
#include <queue>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/cluster/cluster.hpp"
#include "sim/cluster/planning.hpp"

namespace shiftsim::sim::cluster {

class ReadyQueues {
 public:
  // A queued job starts at `site`; a suspended one resumes (on its own site, which must be `site`).
  void push(const Cluster& c, JobId j, std::size_t site) {
    if (queues_.size() < c.site_count()) queues_.resize(c.site_count());
    const auto latest = latest_start(c.job(j), c.release_time(j), c.work_done(j).count());
    queues_[site].push({latest, order_++, j});
  }

  // Starts or resumes each site's heads while they fit, calling on_start(j) after each.
  template <class OnStart>
  void dispatch(Cluster& c, OnStart&& on_start) {
    for (std::size_t s = 0; s < queues_.size(); ++s) {
      auto& q = queues_[s];
      while (!q.empty() && c.free(s) >= c.job(std::get<2>(q.top())).accelerators) {
        const JobId j = std::get<2>(q.top());
        q.pop();
        if (c.phase(j) == JobPhase::suspended)
          c.resume(j);
        else
          c.start(j, s);
        on_start(j);
      }
    }
  }

 private:
  using Entry = std::tuple<std::int64_t, std::uint64_t, JobId>;  // latest start, order, job
  std::vector<std::priority_queue<Entry, std::vector<Entry>, std::greater<>>> queues_;
  std::uint64_t order_ = 0;
};

// Items that come due at planned times: in time order, then in the order they were planned. A
// time in the future is also a wake-up; one at or before now comes due at this instant's
// decision (the engine calls decide() after every release and suspension of the instant).
template <class Item>
class Timers {
 public:
  void at(Cluster& c, std::int64_t t, Item item) {
    if (t > c.now()) c.wake_at(t);
    heap_.push(Entry{t, order_++, std::move(item)});
  }

  // Calls f(item) for each item due by `now`, earliest first; f may plan more.
  template <class F>
  void pop_due(std::int64_t now, F&& f) {
    while (!heap_.empty() && heap_.top().time <= now) {
      Item item = heap_.top().item;
      heap_.pop();
      f(item);
    }
  }

 private:
  struct Entry {
    std::int64_t time;
    std::uint64_t order;
    Item item;
  };
  struct Later {
    bool operator()(const Entry& a, const Entry& b) const {
      return a.time != b.time ? a.time > b.time : a.order > b.order;
    }
  };
  std::priority_queue<Entry, std::vector<Entry>, Later> heap_;
  std::uint64_t order_ = 0;
};

// Jobs planned to start on a site at a time: held by a timer until then, then in that site's
// ready queue (carbon-delay and spatial-delay, which differ only in how they plan).
class PlannedStarts {
 public:
  void plan(Cluster& c, JobId j, std::int64_t at, std::size_t site) {
    timers_.at(c, at, Planned{j, site});
  }
  void decide(Cluster& c) {
    timers_.pop_due(c.now(), [&](const Planned& p) { ready_.push(c, p.job, p.site); });
    ready_.dispatch(c, [](JobId) {});
  }

 private:
  struct Planned {
    JobId job;
    std::size_t site;
  };
  Timers<Planned> timers_;
  ReadyQueues ready_;
};

}  // namespace shiftsim::sim::cluster
