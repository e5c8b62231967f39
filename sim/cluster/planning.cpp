#include "sim/cluster/planning.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "sim/kernels.hpp"

namespace shiftsim::sim::cluster {

double expected_g(const Belief& belief, double pue, const ClusterJob& job, std::int64_t t,
                  std::int64_t done) {
  const IntensityIntegral& plan = belief.plan();
  const std::int64_t length = job.length().count();
  if (t < plan.begin() || t + (length - done) > plan.end()) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  double g = 0;
  for_each_power_interval(job, done, length, [&](double watts, std::int64_t wa, std::int64_t wb) {
    g += watts / 1000.0 * pue * plan.between(t + (wa - done), t + (wb - done));
  });
  return g;
}

double expected_g(const Site& site, const ClusterJob& job, std::int64_t t, std::int64_t done) {
  return expected_g(site.belief(t, t + (job.length().count() - done)), site.spec.pue, job, t, done);
}

std::int64_t latest_start(const ClusterJob& job, std::int64_t from, std::int64_t done) {
  if (!job.deadline) return from;
  const std::int64_t latest = *job.deadline - (job.length().count() - done);
  return latest > from ? latest : from;
}

StartChoice best_start(const Site& site, const ClusterJob& job, std::int64_t from,
                       std::int64_t latest, std::int64_t done) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::int64_t remaining = job.length().count() - done;
  // One belief for every candidate: what is known at from, as far as the latest one's run.
  const Belief belief = site.belief(from, std::max(from, latest) + remaining);
  const double pue = site.spec.pue;
  const IntensityIntegral& plan = belief.plan();
  StartChoice best{from, expected_g(belief, pue, job, from, done)};
  if (latest <= from) return best;
  // Candidates: from, then each step boundary in (from, latest].
  const std::int64_t step = site.actual.step.count();
  const std::int64_t origin = site.actual.start.time_since_epoch().count();
  std::int64_t first = from - (from - origin) % step;
  if (first <= from) first += step;
  // Lowest first, then the earliest within the tolerance of it (kernels' tie rule).
  double lowest =
      std::isnan(best.expected_g) ? std::numeric_limits<double>::infinity() : best.expected_g;
  for (std::int64_t t = first; t <= latest; t += step) {
    const double g = expected_g(belief, pue, job, t, done);
    if (std::isnan(g)) {
      if (t + remaining > plan.end()) break;  // only later ones pass the end
      continue;
    }
    if (g < lowest) lowest = g;
  }
  if (std::isinf(lowest)) return StartChoice{from, nan};
  if (!std::isnan(best.expected_g) && ties_with_lowest(best.expected_g, lowest)) return best;
  for (std::int64_t t = first; t <= latest; t += step) {
    const double g = expected_g(belief, pue, job, t, done);
    if (!std::isnan(g) && ties_with_lowest(g, lowest)) return StartChoice{t, g};
  }
  return best;  // unreachable: the lowest is a candidate
}

StartChoice delayed_start(const Site& site, const ClusterJob& job, std::int64_t now) {
  return best_start(site, job, now, job.deferrable ? latest_start(job, now) : now);
}

}  // namespace shiftsim::sim::cluster
