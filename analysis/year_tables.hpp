#pragma once
// How stable the findings are from year to year: for a cube whose starts span several calendar
// years (experiments/em_2021_2024.toml, four years of real data), the paper's headline savings
// recomputed per year of start.
//
//   years   rows: each workload x flexible start within 24 h and pause-resume at 100% (the
//           paper's headline windows, where the cube has them); columns: the mean emissions
//           decrease (%) per year, over all years, and the spread (the largest year minus the
//           smallest). Each value is the mean over regions of the region's mean of savings_pct
//           over the valid starts of that year (the paper's definition, as the savings tables
//           of report.cpp; all years: the cube's savings_pct_mean), at the forecast and seed
//           the other tables read.
// Nothing for a cube of one year, or without either policy.
// Internal to analysis/ (report.cpp).
#include <optional>
#include <string>

#include "analysis/report_view.hpp"
#include "analysis/table.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::analysis {

std::optional<Table> year_table(const experiments::Cube& cube, const report_detail::View& view,
                                const std::string& data);

}  // namespace shiftsim::analysis
