#pragma once
// An experiment file (TOML): what a sweep runs, described once. The sweep is the cartesian
// product of workloads x regions x policies x forecasts x seeds, each over the start axis.
//
//   [grids]
//   store = "grids.h5"           # relative to the experiment file
//   regions = ["all"]            # paper labels, cloud region names or zone ids; "all" = the 16
//   years = [2020]               # calendar years (UTC) the starts fall in, increasing; starts
//                                # beyond every region's data are refused when running, some
//                                # beyond it are a warning (runner.hpp)
//   step = "5min"                # simulation step, dividing a day
//   signal = "marginal"          # optional: which series of a region (default: the first)
//   basis = "lifecycle"          # optional
//
//   [workloads]
//   names = ["all"]              # catalog names or workload files (relative); "all" = the 11
//
//   [starts]
//   every = "1h"                 # a start every 1h from the first year's 1 January 00:00 UTC, a
//                                # multiple of step, at most 366d; a run of consecutive years is
//                                # one span, and each year after a gap starts again on 1 January
//   # or: scheme = "paper", seed = 1, per_month = 5: the paper's 5 starts per month (its days
//   #     and hours are not published; here they are drawn uniformly on the step grid within
//   #     each month, reproducibly from the seed)
//
//   [[policy]]                   # one or more; each expands to one policy per window (and per
//   kind = "pause-resume"        # threshold), labelled "pause-resume/24h", "threshold/300/24h"
//   windows = ["24h", "100%"]    # required except for baseline (which takes none); a label
//                                # spells the window as written ("24h", not "1d"); windows equal
//                                # in value ("24h", "1d") are duplicates
//   thresholds = [300.0]         # threshold policy only (g/kWh), outer to windows in the order
//   checkpoint_time = "10min"    # optional pause costs (pause-resume, threshold); when they are
//   checkpoint_energy_kwh = 0.2  # not all zero and no `label` is given, the kind in the labels
//   min_run = "1h"               # becomes "pause-resume+pause-costs" ("...+pause-costs/24h")
//   label = "pr-costly"          # optional: replaces the kind in labels ("pr-costly/24h")
//
//   [forecasts]                  # optional; default: perfect only
//   models = ["perfect", "gaussian:0.1", "persistence"]   # or "issued:KEY" (sim/online.hpp)
//   seeds = [1, 2, 3]            # optional; default [1]
//
//   [output]
//   path = "results/sweep.h5"    # relative to the experiment file
//
// Every error (syntax, unknown key, wrong type, impossible value, unknown workload, duplicate
// label) is a ParseError naming the file, the line and the key, with what to do; a missing
// section is reported at line 0 (the file as a whole). A region that is not one of the 16 is
// kept as a zone id: only the grid store can confirm it.
// Thread-safety: values.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grids/series.hpp"
#include "sim/core/time.hpp"
#include "sim/forecast.hpp"
#include "sim/policy.hpp"

namespace shiftsim {
class TomlSection;
}

namespace shiftsim::experiments {

struct PolicyEntry {
  std::string label;   // unique within the experiment: "baseline", "flexible-start/6h"
  sim::Policy policy;  // its forecast is set per cell from the forecasts axis
};

struct StartScheme {
  enum class Kind : std::uint8_t { every, paper };
  Kind kind = Kind::every;
  Seconds every{3600};     // a positive multiple of the step
  std::uint64_t seed = 1;  // paper scheme
  int per_month = 5;       // paper scheme, 1..28
};

struct Experiment {
  std::string file;                  // the path as given (messages, provenance)
  std::string text;                  // the file's full text (provenance)
  std::filesystem::path store;       // resolved against the file's folder
  std::vector<std::string> regions;  // paper labels for paper regions, else zone ids
  std::vector<int> years;            // increasing, no duplicates
  Seconds step{300};
  std::optional<Signal> signal;
  std::optional<Basis> basis;
  std::vector<std::string> workloads;  // catalog names, or resolved workload file paths
  StartScheme starts;
  std::vector<PolicyEntry> policies;
  std::vector<std::string> forecasts;  // texts as ForecastSpec::parse takes them; >= 1
  std::vector<std::uint64_t> seeds;    // >= 1
  std::filesystem::path output;        // resolved against the file's folder
  // Where keys were read (lines of the file), for what only the store or the file system can
  // refuse later (a missing store, a region it lacks, years beyond its data, an output that is a
  // folder). 0 when the key is absent.
  std::size_t store_line = 0, regions_line = 0, years_line = 0, signal_line = 0, output_line = 0;
};

// `base_dir` resolves relative paths. Throws ParseError.
Experiment parse_experiment(std::string_view text, const std::string& file,
                            const std::filesystem::path& base_dir);
// Reads and parses; IoError if the file cannot be read.
Experiment read_experiment(const std::filesystem::path& path);

// The start axis, increasing, on the step grid, inside [1 Jan of the first year, 1 Jan after the
// last year) UTC. The paper scheme draws per_month distinct steps in each month from a
// counter-based generator of (seed, year, month), so the axis does not depend on anything else.
std::vector<TimePoint> start_times(const Experiment& e);

// What both kinds of experiment read the same way (cluster experiments: cluster_experiment.hpp):
// the [grids] keys store, step, signal and basis, and the [forecasts] section. Each reads its
// keys (marking them known) and leaves finish() to the caller; ParseError as above.
struct GridChoice {
  std::filesystem::path store;  // resolved against base_dir
  std::size_t store_line = 0;   // line of the store key, and of signal (0: absent)
  std::size_t signal_line = 0;
  Seconds step{300};
  std::optional<Signal> signal;
  std::optional<Basis> basis;
};
GridChoice read_grid_choice(TomlSection& grids, const std::filesystem::path& base_dir);
struct ForecastAxis {
  std::vector<std::string> models{"perfect"};
  std::vector<std::uint64_t> seeds{1};
};
ForecastAxis read_forecast_axis(TomlSection& forecasts);

}  // namespace shiftsim::experiments
