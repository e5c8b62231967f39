#include "sim/spatial.hpp"

#include "sim/core/errors.hpp"

namespace shiftsim::sim {

SpatialResult simulate_spatial(const std::vector<RegionRun>& regions) {
  if (regions.empty()) throw ConfigError("the spatial policy needs at least one region");
  SpatialResult out;
  bool found = false;
  for (std::size_t i = 0; i < regions.size(); ++i) {
    if (regions[i].request.policy.kind == PolicyKind::threshold) {
      throw ConfigError(
          "the spatial choice works with baseline, flexible-start or pause-resume: a threshold "
          "policy decides as it runs and has no expected emissions at submission");
    }
    out.candidates.push_back(simulate(regions[i].request));
    const auto& r = out.candidates.back();
    if (r.outcome != Outcome::ok) continue;
    if (!found || r.planned < out.candidates[out.chosen].planned) {
      out.chosen = i;
      found = true;
    }
  }
  return out;
}

}  // namespace shiftsim::sim
