#pragma once
// The back-test tables: what deciding on each forecast of a cube's forecast axis gives, beside
// the oracle, per workload and window (experiments/dodge2022_sgip_forecast.toml makes such a
// cube: oracle, issued forecasts, persistence, noise calibrated to the archive's error).
//
//   forecast_<kind>   one per policy kind (fs: flexible start, pr: pause-resume): rows are the
//                     workloads x forecasts, plus a row per workload and non-oracle forecast of
//                     the points it loses against the oracle; columns are the windows.
// The quantity is the decrease of the mean emissions, 100 x (1 - sum(emissions) / sum(baseline))
// over the starts where the baseline and every forecast's run are valid (the same starts for
// every forecast), per region, then the plain mean over regions. It is not
// the paper's mean of per-start decreases: a marginal signal is 0 g/kWh at times (curtailed
// renewables), so a start's baseline can be close to 0 g and its decrease -10,000 %, which
// swamps a mean of ratios; a sum does not. The first seed is read.
// Nothing when the cube has no forecast axis, or only one forecast.
// Internal to analysis/ (report.cpp).
#include <string>
#include <vector>

#include "analysis/table.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::analysis {

std::vector<Table> forecast_tables(const experiments::Cube& cube, const std::string& data);

}  // namespace shiftsim::analysis
