#pragma once
// The conventions of tests/cluster/validation.md, for the tests that check its golden scenarios
// (test_cluster_engine.cpp: G1-G3; test_golden_schedulers.cpp: G4-G7): times in hours after
// 2022-03-01T00:00Z, hourly series whose forecast is the actual intensity, jobs drawing a uniform
// power (of the whole job) over their run.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/cluster/cluster.hpp"
#include "sim/cluster/schedulers.hpp"

namespace shiftsim::sim::cluster::golden {

inline const std::int64_t kT0 = make_time(2022, 3, 1).time_since_epoch().count();
constexpr std::int64_t kH = 3600;

inline std::int64_t at(double hours) { return kT0 + static_cast<std::int64_t>(hours * kH); }

inline Site site(std::string name, int capacity, std::vector<double> values, double pue = 1.0,
                 double idle_watts = 0) {
  RegularSeries s{TimePoint{Seconds{kT0}}, Seconds{kH}, values};
  return Site(SiteSpec{std::move(name), capacity, pue, idle_watts, {}}, s, std::move(values));
}

// `watts` is the power of the whole job (all its accelerators), uniform over its run.
inline ClusterJob job(std::string id, double arrival_h, int accelerators, double length_h,
                      double watts) {
  ClusterJob j;
  j.id = std::move(id);
  j.arrival = at(arrival_h);
  j.accelerators = accelerators;
  const auto length = Seconds{static_cast<std::int64_t>(length_h * kH)};
  j.power = PowerProfile::uniform(kwh(watts / 1000.0 * length_h), length);
  return j;
}

inline ClusterJob with_deadline(ClusterJob j, double deadline_h, bool interruptible = false) {
  j.deadline = at(deadline_h);
  j.interruptible = interruptible;
  return j;
}

inline ClusterResult run(std::vector<Site> sites, std::vector<ClusterJob> jobs,
                         const char* scheduler, PauseCosts costs = {}) {
  Cluster c(std::move(sites), std::move(jobs), costs);
  return c.run(*make_scheduler(scheduler));
}

}  // namespace shiftsim::sim::cluster::golden
