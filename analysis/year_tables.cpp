#include "analysis/year_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "experiments/cube_view.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::analysis {

using report_detail::kNaN;
using report_detail::mean_of;
using report_detail::View;

std::optional<Table> year_table(const experiments::Cube& cube, const View& v,
                                const std::string& data) {
  // The year of each start, and the years in order (the start axis is increasing).
  std::vector<int> year_of_start;
  std::vector<int> years;
  for (const std::int64_t t : v.starts) {
    const int y = year_of(TimePoint{Seconds{t}});
    year_of_start.push_back(y);
    if (years.empty() || years.back() != y) years.push_back(y);
  }
  if (years.size() < 2) return std::nullopt;
  std::vector<std::size_t> policies;
  for (const char* label : {"flexible-start/24h", "pause-resume/100%"})
    if (const auto p = v.policy(label)) policies.push_back(*p);
  if (policies.empty()) return std::nullopt;

  experiments::CubeView savings(cube, "savings_pct");
  savings.hold("forecast", v.forecast_index).hold("seed", 0);

  Table t{"years",
          "Findings year by year: mean emissions decrease (%) per year of start",
          {fmt::format("Flexible start within 24 h and pause-resume at 100% (the paper's headline "
                       "windows), per workload: the mean over the {} regions of each region's "
                       "mean decrease over the starts of each year ({} to {}), over all years, "
                       "and the spread between the largest and the smallest year. A finding that "
                       "holds from year to year has a spread small against its value.",
                       v.regions.size(), years.front(), years.back()),
           data},
          {{"workload", 0}, {"policy", 0}},
          {}};
  for (const int y : years) t.columns.push_back({std::to_string(y), 1});
  t.columns.push_back({"all years", 1});
  t.columns.push_back({"spread", 1});

  for (std::size_t w = 0; w < v.workloads.size(); ++w) {
    for (const std::size_t p : policies) {
      std::vector<Value> row{v.label(w), v.policies[p]};
      std::vector<double> by_year;
      for (const int y : years) {
        std::vector<double> regions;
        for (std::size_t r = 0; r < v.regions.size(); ++r) {
          std::vector<double> x;
          for (std::size_t i = 0; i < v.starts.size(); ++i) {
            if (year_of_start[i] != y) continue;
            x.push_back(savings.at({{"workload", w}, {"region", r}, {"policy", p}, {"start", i}}));
          }
          regions.push_back(mean_of(x));
        }
        by_year.push_back(mean_of(regions));
        row.emplace_back(by_year.back());
      }
      std::vector<double> all;
      for (std::size_t r = 0; r < v.regions.size(); ++r)
        all.push_back(v.summary("savings_pct_mean", w, r, p));
      row.emplace_back(mean_of(all));
      double lo = kNaN, hi = kNaN;
      for (const double x : by_year) {
        if (std::isnan(x)) continue;
        lo = std::isnan(lo) ? x : std::min(lo, x);
        hi = std::isnan(hi) ? x : std::max(hi, x);
      }
      row.emplace_back(hi - lo);
      t.rows.push_back(std::move(row));
    }
  }
  return t;
}

}  // namespace shiftsim::analysis
