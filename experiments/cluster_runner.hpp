#pragma once
// The cluster sweep runner: every scenario of a cluster experiment (scheduler x capacity scale x
// forecast x seed) through the cluster engine (sim/cluster/cluster.hpp), in parallel, into one
// result cube.
//
// Inputs are prepared once: each site's history at the step, the jobs (read or generated once,
// time 0 at trace_start or where every history begins), and each site's forecast per (forecast,
// seed). Each scenario then builds its own sites from those (capacities scaled; building them
// costs what copying prebuilt sites into the Cluster would, without holding a set per scale) and
// runs its own Cluster and scheduler on one thread. Results are placed by scenario index and the
// cube is filled from them in index order, so it is the same bytes for any thread count.
//
// Cube layout (dimension order): scheduler, capacity_scale, forecast, seed, site, time.
// - Over (scheduler, capacity_scale, forecast, seed), float64: emissions_g (jobs + idle),
//   jobs_emissions_g, idle_emissions_g, energy_kwh (jobs + idle), jobs_energy_kwh,
//   idle_energy_kwh, embodied_g (every site's hardware over the span), jobs_embodied_g (the
//   jobs' share), mean_wait_h and max_wait_h (over started jobs; NaN if none started),
//   mean_slowdown ((finish - release) / length over finished jobs; NaN if none), events; int32:
//   finished, rejected, beyond_data, blocked, deadline_misses, suspensions.
// - utilisation (scheduler, capacity_scale, forecast, seed, site, time): the mean share of a
//   site's accelerators held over each step. time is the union of the scenarios' spans at the
//   simulation step (a scenario's span: first arrival to last finish); NaN outside a scenario's.
// - capacity (capacity_scale, site), int32: the accelerators each site has at that scale.
// Attributes: the experiment's text and file, the command line, the shiftsim version, the grid
// store, each site's series (series_<i>_* attributes, provenance.hpp), the jobs' source (and the
// trace's file name and SHA-256, and each workload file its rows name with its SHA-256), and
// data_warning when a site's series is the synthetic surrogate.
//
// The loop over scenarios is the shared skeleton (sweep.hpp), with one shard and no journal.
// No shards, no resume: a cluster sweep is a few scenarios of seconds each, not hours of cells.
#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "experiments/cluster_experiment.hpp"
#include "experiments/cube.hpp"
#include "grids/store.hpp"

namespace shiftsim::experiments {

struct ClusterRunOptions {
  int threads = 0;  // 0: all the machine's cores
  // Called from worker threads after each scenario (serialised by the runner): scenarios done and
  // how many there are.
  std::function<void(std::size_t, std::size_t)> progress;
  const std::atomic<bool>* stop = nullptr;  // set it to stop early (the cube is then incomplete)
  std::string version;                      // recorded in the cube's attributes
  std::string command_line;                 // recorded in the cube's attributes
};

struct ClusterRunResult {
  Cube cube;  // scenarios not run (a stopped run) are missing values
  std::size_t scenarios = 0;
  std::size_t scenarios_done = 0;
  bool complete() const { return scenarios_done == scenarios; }
};

// Throws ConfigError for a site whose region the store lacks, a scenario the engine refuses (a
// site history that does not cover the first arrival), or a bad generator spec; ParseError for a
// bad trace row.
ClusterRunResult run_cluster_experiment(const ClusterExperiment& e, const grids::GridStore& store,
                                        const ClusterRunOptions& options);

}  // namespace shiftsim::experiments
