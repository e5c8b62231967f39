#pragma once
// What carbon-aware schedulers compute on a site's forecast: the emissions a job is expected to
// cause if it runs from t, and the flexible-start choice within its slack. On the forecast only,
// as a decision at that time believes it (Site::belief: the time a function is given, t or from,
// is when it decides): schedulers never see the actual intensity they are charged, nor, with
// issued forecasts, a forecast issued after they decide. With issued forecasts a choice is made
// once, on the forecast seen when it is made (at release, for the schedulers that plan then):
// the cluster's schedulers plan ahead and do not revise a plan as later forecasts arrive.
//
// The flexible-start rule is the single-job one (sim/kernels.hpp) so that a cluster with room for
// everything reproduces it: candidates are the release time and the step boundaries after it up
// to the latest start; the lowest expected emissions win, the earliest on ties within
// kernels::kTieTolerance (relative); candidates whose run would pass the end of the history, or
// whose forecast is missing (NaN), are not candidates. For a release on the step grid these are
// exactly the kernel's candidates.
//
// Thread-safety: pure functions.
#include <cmath>
#include <cstdint>
#include <optional>

#include "sim/cluster/job.hpp"
#include "sim/cluster/site.hpp"
#include "sim/kernels.hpp"

namespace shiftsim::sim::cluster {

// Expected operational emissions (g, PUE included) of the job's remaining work from `done`
// seconds of work on, run without a break from t, as believed at t; NaN if the forecast is
// missing or the run passes the end of the history.
double expected_g(const Site& site, const ClusterJob& job, std::int64_t t, std::int64_t done = 0);
// The same on a belief (one made for the decision, covering the run).
double expected_g(const Belief& belief, double pue, const ClusterJob& job, std::int64_t t,
                  std::int64_t done = 0);

struct StartChoice {
  std::int64_t start = 0;
  double expected_g = 0;  // NaN when no candidate had a forecast: start is then `from`
};

// The flexible-start choice for the remaining work in [from, latest] at `site`, decided at from.
// latest < from means no slack: start = from.
StartChoice best_start(const Site& site, const ClusterJob& job, std::int64_t from,
                       std::int64_t latest, std::int64_t done = 0);

// carbon-delay's choice for a job released at `now` on `site`: the flexible start within its slack
// when it is deferrable, else now (with the expected emissions of starting then).
StartChoice delayed_start(const Site& site, const ClusterJob& job, std::int64_t now);

// True when expected emissions g tie with the lowest of its alternatives: within
// kernels::kTieTolerance (relative) of it, the single-job rule's tolerance. Schedulers comparing
// sites use it too, so that a rounding hair (110 x PUE 1.1 against 110) neither delays a job nor
// overrides the first-listed-site rule. Infinite g (no forecast) ties only with an infinite lowest.
inline bool ties_with_lowest(double g, double lowest) {
  return g <= lowest + kernels::kTieTolerance * std::abs(lowest);
}

// The latest start that still meets the job's deadline for its remaining work, or `from` when it
// has no deadline or none is left.
std::int64_t latest_start(const ClusterJob& job, std::int64_t from, std::int64_t done = 0);

}  // namespace shiftsim::sim::cluster
