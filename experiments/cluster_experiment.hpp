#pragma once
// A cluster experiment file (TOML): a sweep of cluster scenarios (sim/cluster/), described once.
// A file with a [cluster] table is one; `shiftsim run` tells the two kinds apart with
// is_cluster_experiment. The sweep is the cartesian product of schedulers x capacity scales x
// forecasts x seeds; every scenario runs the same jobs on the same sites.
//
//   [grids]
//   store = "grids.h5"           # relative to the experiment file
//   step = "5min"                # simulation step, dividing a day
//   signal = "marginal"          # optional: which series of a region (default: the first)
//   basis = "lifecycle"          # optional
//                                # (no regions or years: the sites name the regions, and the
//                                # jobs' arrivals decide the span)
//
//   [cluster]
//   sites = ["West US=1000", "France=1000,pue=1.2,idle=50W"]
//                                # REGION=ACCELERATORS[,pue=P][,idle=W][,embodied=KG/LIFE], as
//                                # `shiftsim cluster --site`; each region once
//   capacity_scales = [0.5, 1.0] # optional, default [1.0]: every site's capacity times this,
//                                # rounded, at least 1; each > 0, listed once
//   schedulers = ["fifo", "carbon-delay"]   # names from sim/cluster/schedulers.hpp, each once
//   trace = "pai-100k.csv"       # a job trace (workloads/jobs/trace.hpp), relative to this file
//   # or: generate = "poisson:rate=12/h,jobs=10000,seed=1"   (workloads/jobs/generator.hpp)
//   time_unit = "1h"             # optional, trace only: the unit of its times (default 1h)
//   accelerator_power_w = 280.0  # optional, trace only: W per accelerator for jobs without a
//                                # workload (default: the catalog's mean, 279.66 W)
//   trace_start = "2020-01-01T00:00Z"  # optional: time 0 of the trace or the generator (default:
//                                # where every site's history begins)
//   slack = "24h"                # optional: jobs without a deadline get arrival + length + slack
//   interruptible = false        # optional: trace jobs without the column (generated jobs, when
//                                # the spec gives no share) may be suspended
//   checkpoint_time = "10min"    # optional pause costs of a suspension, as [[policy]]'s in
//   checkpoint_energy_kwh = 0.2  # experiment.hpp (energy needs a time)
//   min_run = "1h"
//
//   [forecasts]                  # optional; default: perfect only, seed 1 (as experiment.hpp)
//   models = ["perfect", "gaussian:0.1"]
//   seeds = [1, 2]
//
//   [output]
//   path = "results/cluster.h5"  # relative to the experiment file
//
// Every error (syntax, unknown key, wrong type, impossible value, a bad site, an unknown
// scheduler, trace and generate both or neither, a missing trace file) is a ParseError naming
// the file, the line and the key, with what to do; a missing section is reported at line 0. A
// region the store lacks, or a bad row of the trace, is found when the sweep runs.
// Thread-safety: values.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/cluster_scenario.hpp"
#include "grids/series.hpp"
#include "sim/core/time.hpp"
#include "sim/engine.hpp"

namespace shiftsim::experiments {

struct ClusterExperiment {
  std::string file;             // the path as given (messages, provenance)
  std::string text;             // the file's full text (provenance)
  std::filesystem::path store;  // resolved against the file's folder
  Seconds step{300};
  std::optional<Signal> signal;
  std::optional<Basis> basis;
  std::vector<std::string> site_texts;        // as written
  std::vector<sim::cluster::SiteSpec> sites;  // parsed; regions unique
  std::vector<double> capacity_scales;        // >= 1 element, each > 0, unique
  std::vector<std::string> schedulers;        // >= 1, known, unique
  JobSource jobs;                             // trace resolved against the file's folder
  std::optional<std::int64_t> trace_start;    // Unix seconds
  sim::PauseCosts costs;
  std::vector<std::string> forecasts;           // texts as ForecastSpec::parse takes them; >= 1
  std::vector<std::uint64_t> seeds;             // >= 1
  std::filesystem::path output;                 // resolved against the file's folder
  std::size_t store_line = 0, output_line = 0;  // lines of the keys, for later messages
};

// True when the document has a [cluster] table. ParseError on a TOML syntax error.
bool is_cluster_experiment(std::string_view text, const std::string& file);

// `base_dir` resolves relative paths. Throws ParseError.
ClusterExperiment parse_cluster_experiment(std::string_view text, const std::string& file,
                                           const std::filesystem::path& base_dir);
// Reads and parses; IoError if the file cannot be read.
ClusterExperiment read_cluster_experiment(const std::filesystem::path& path);

}  // namespace shiftsim::experiments
