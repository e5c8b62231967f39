#pragma once
// The paper's tables and headline findings, recomputed from a result cube alone (the start-hour
// table reads the sweep's fixed-hour runs, fixed_hour_g: experiments/runner.hpp).
//
// What each table holds (dodge2022.md sections 3-5 give the paper's definitions):
//   table2          the workloads: accelerators, duration, energy (the catalog, i.e. Table 2);
//   table3          BERT finetune in Central US, baseline emissions by start hour (every 3 h) on
//                   the first 3 days of the cube's first year, UTC, beside the paper's values;
//   table<N>_<w>    Tables 4-13 (one per window w): mean emissions decrease (%) of flexible start
//                   and pause-resume, and pause-resume's pauses per run, per hour of the whole
//                   window (N + duration: what the paper's column matches, so the one compared)
//                   and per hour of the job's duration, per
//                   workload: the mean over starts per region (savings_pct_mean), then the plain
//                   mean over the cube's regions, beside the published value and the difference;
//   region_<q>_<w>  the same quantities per region (q: fs, pr, pauses);
//   fig1            BERT pretraining, baseline emissions per region and month (mean over starts),
//                   kg, with the paper's read-off yearly mean beside;
//   fig2            baseline emissions per workload over regions and starts: min, quartiles,
//                   mean, max;
//   fig<3|4>_<w>    Figs. 3 (flexible start, 6-24 h) and 4 (pause-resume, 25-100 %) per region
//                   for DenseNet-201 and the 6B model, beside the values read off the paper;
//   validation      "Calibration and validation": mean and max |diff| on Figs. 3-4 per region
//                   (what the calibrated surrogate is fitted to), Tables 4-13 for the nine other
//                   workloads and for all, the pause counts (both denominators), Fig. 1's
//                   monthly levels, and the best region of two headline findings;
//   forecast_<fs|pr> the back-test, for a cube with several forecasts
//   (analysis/forecast_tables.hpp):
//                   per workload, window and forecast, the decrease of the mean emissions;
//   headline        the paper's findings recomputed: best versus worst region, midnight versus
//                   6:00 starts, the largest flexible-start and pause-resume savings and where.
// A cube with forecast or seed dimensions is read at forecast "perfect" (else the first) and the
// first seed; the tables say so. Every table's notes state the data (signal, basis, source,
// years), taken from the cube's provenance.
#include <string>
#include <vector>

#include "analysis/table.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::analysis {

struct Report {
  std::vector<Table> tables;  // in reading order; the headline table is among them (id "headline")
  std::string data;           // one paragraph: what data the cube was computed on
  const Table& table(const std::string& id) const;  // std::out_of_range if absent
};

// Table 3 and the midnight-versus-6:00 finding need the cube's fixed_hour_g (a sweep with Central
// US); without it they are left out, with a note. ConfigError if the cube is not a shiftsim
// sweep cube (no policy dimension, no baseline).
Report make_report(const experiments::Cube& cube);

}  // namespace shiftsim::analysis
