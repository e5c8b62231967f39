#pragma once
// The report's Figs. 3-4 per region and its "Calibration and validation" table (report.hpp):
// what the data were fitted to and the error on what they were not.
#include <string>
#include <vector>

#include "analysis/report_view.hpp"
#include "analysis/table.hpp"

namespace shiftsim::analysis::report_detail {

// fig3_densenet-201, fig3_transformer-6b, fig4_...: per region, ours beside the values read off
// the paper, for the figures whose policies the cube has.
void fig34_tables(const View& v, const std::string& data, std::vector<Table>& out);
// The validation table (id "validation").
Table validation(const experiments::Cube& c, const View& v, const std::string& data);

}  // namespace shiftsim::analysis::report_detail
