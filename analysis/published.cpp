#include "analysis/published.hpp"

#include "sim/core/csv.hpp"

namespace shiftsim::embedded {
extern const std::string_view published_tables_csv;
}  // namespace shiftsim::embedded

namespace shiftsim::analysis {

// Published Tables 4-13: (window, quantity, workload) -> value.
const std::map<std::tuple<std::string, std::string, std::string>, double>& published_tables() {
  static const auto table = [] {
    std::map<std::tuple<std::string, std::string, std::string>, double> out;
    const auto rows =
        read_data_table(embedded::published_tables_csv, "analysis/data/dodge2022_tables4-13.csv",
                        3 + kPaperWorkloads.size());
    for (const auto& r : rows) {
      for (std::size_t w = 0; w < kPaperWorkloads.size(); ++w) {
        out[{r[1], r[2], kPaperWorkloads[w]}] = std::stod(r[3 + w]);
      }
    }
    return out;
  }();
  return table;
}

}  // namespace shiftsim::analysis
