#pragma once
// The spatial policy: at submission, choose among several regions the one where the job is
// expected to emit least, then run it there. "Expected" is what the inner policy plans on: the
// actual intensity for an oracle, the forecast otherwise. The inner policy (baseline,
// flexible-start or pause-resume) then runs in the chosen region; the job is charged that
// region's actual intensity. Ties go to the first region in the given order. A region whose
// run has an outcome other than ok is not a candidate; if none is, the outcome of the first.
//
// Thread-safety: a pure function of its inputs.
#include <string>
#include <vector>

#include "sim/simulate.hpp"

namespace shiftsim::sim {

struct RegionRun {
  std::string region;
  RunRequest request;  // the same job, requested start and policy in every region
};

struct SpatialResult {
  std::size_t chosen = 0;             // index into the candidates
  std::vector<RunResult> candidates;  // every region's run, as if it had been chosen
  const RunResult& run() const { return candidates.at(chosen); }
};

// Throws ConfigError for an empty list or a threshold inner policy (it decides as it runs, so
// it has no expectation at submission).
SpatialResult simulate_spatial(const std::vector<RegionRun>& regions);

}  // namespace shiftsim::sim
