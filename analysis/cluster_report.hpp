#pragma once
// The tables of a cluster sweep's cube (experiments/cluster_runner.hpp): what `shiftsim report`
// prints and writes for a cube of kind "cluster".
//
//   cluster_totals       one row per scheduler, capacity scale and forecast, the mean over the
//                        cube's seeds: emissions (kg, jobs and idle accelerators, PUE included),
//                        the change against the carbon-agnostic baseline at the same scale and
//                        forecast (fifo if the cube has it, else backfill; n/a without one),
//                        embodied emissions (kg), energy (MWh), mean and max queue wait (h), mean
//                        slowdown, deadline misses, suspensions and the jobs' outcomes;
//   cluster_utilisation  the same rows, each site's mean utilisation (%) over the scenario's span.
// Means skip missing values (a wait when no job started); a mean of none is n/a. Every table's
// notes state the data (each site's series and source, the synthetic warning, the jobs' source).
#include "analysis/report.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::analysis {

// ConfigError if the cube is not a cluster cube (its kind attribute, its dimensions).
Report make_cluster_report(const experiments::Cube& cube);

}  // namespace shiftsim::analysis
