#include "analysis/forecast_tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "analysis/report_view.hpp"

namespace shiftsim::analysis {

using report_detail::kNaN;
using report_detail::mean_of;

namespace {

struct Kind {
  const char* id;
  const char* prefix;  // policy labels "<prefix>/<window>"
  const char* name;
};
constexpr Kind kKinds[] = {{"fs", "flexible-start", "flexible start"},
                           {"pr", "pause-resume", "pause-resume"}};

}  // namespace

std::vector<Table> forecast_tables(const experiments::Cube& cube, const std::string& data) {
  std::vector<Table> out;
  const auto& em_var = cube.var("emissions_g");
  if (std::find(em_var.dims.begin(), em_var.dims.end(), "forecast") == em_var.dims.end())
    return out;
  const auto& forecasts = std::get<experiments::Labels>(cube.dim("forecast").coords).values;
  if (forecasts.size() < 2) return out;
  const report_detail::View v(cube);
  experiments::CubeView em(cube, "emissions_g");
  em.hold("seed", 0);
  const experiments::CubeView base(cube, "baseline_g");
  // The oracle's index; forecasts.size() when the cube has none (no '- vs oracle' rows then).
  const auto oracle = static_cast<std::size_t>(
      std::find(forecasts.begin(), forecasts.end(), "perfect") - forecasts.begin());
  const std::size_t starts = v.starts.size();

  // Decrease of the mean emissions of (workload, policy, forecast), mean over regions, over the
  // starts where the baseline and every forecast's run are valid, so that forecasts are compared
  // on the same starts (an issued forecast has none in the series' first day, for one).
  // One pass over the starts gives every forecast's value.
  auto decreases = [&](std::size_t w, std::size_t p) {
    const std::size_t nf = forecasts.size();
    std::vector<std::vector<double>> per_region(nf);  // [forecast][region]
    std::vector<double> e(nf);
    for (std::size_t r = 0; r < v.regions.size(); ++r) {
      std::fill(e.begin(), e.end(), 0.0);
      double b = 0;
      std::size_t n = 0;
      for (std::size_t t = 0; t < starts; ++t) {
        const double y = base.at({{"workload", w}, {"region", r}, {"start", t}});
        bool valid = !std::isnan(y);
        std::vector<double> x(nf);
        for (std::size_t f = 0; f < nf && valid; ++f) {
          x[f] =
              em.at({{"workload", w}, {"region", r}, {"policy", p}, {"forecast", f}, {"start", t}});
          valid = !std::isnan(x[f]);
        }
        if (!valid) continue;
        for (std::size_t f = 0; f < nf; ++f) e[f] += x[f];
        b += y;
        ++n;
      }
      for (std::size_t f = 0; f < nf; ++f)
        per_region[f].push_back(n == 0 || b == 0 ? kNaN : 100.0 * (1.0 - e[f] / b));
    }
    std::vector<double> means(nf);
    for (std::size_t f = 0; f < nf; ++f) means[f] = mean_of(per_region[f]);
    return means;
  };

  for (const Kind& kind : kKinds) {
    std::vector<std::pair<std::string, std::size_t>> windows;  // label suffix, policy index
    for (std::size_t p = 0; p < v.policies.size(); ++p) {
      const std::string& label = v.policies[p];
      const std::string prefix = std::string(kind.prefix) + "/";
      if (label.rfind(prefix, 0) == 0) windows.emplace_back(label.substr(prefix.size()), p);
    }
    if (windows.empty()) continue;
    Table t;
    t.id = fmt::format("forecast_{}", kind.id);
    t.title = fmt::format("Back-test, {}: decrease of the mean emissions (%) by what it decides on",
                          kind.name);
    t.notes = {
        fmt::format(
            "Per workload and forecast: 100 x (1 - total emissions / total baseline emissions) "
            "over the starts where the baseline and every forecast's run are valid, per region, "
            "then the mean over the {} "
            "region(s). Not the paper's mean of per-start decreases: a marginal signal is 0 "
            "g/kWh at times, so a start's baseline can be near 0 g and its decrease -10,000 %, "
            "which swamps a mean of ratios. 'perfect' is the oracle; issued:KEY decides step by "
            "step on the forecasts as they were issued (sim/online.hpp; ':hold' holds the last "
            "lead beyond the horizon, else persistence of the latest past day); the others plan "
            "in advance on one forecast series (sim/forecast.hpp). '- vs oracle' rows: the "
            "points lost against the oracle. The archive's error by lead: `shiftsim grids show "
            "STORE ZONE --year YEAR`.",
            v.regions.size()),
        data};
    t.columns.push_back({"workload", 0});
    t.columns.push_back({"forecast", 0});
    for (const auto& [label, p] : windows) t.columns.push_back({label, 1});
    for (std::size_t w = 0; w < v.workloads.size(); ++w) {
      std::vector<std::vector<double>> values(forecasts.size());  // [forecast][window]
      for (const auto& [label, p] : windows) {
        const auto d = decreases(w, p);
        for (std::size_t f = 0; f < forecasts.size(); ++f) values[f].push_back(d[f]);
      }
      for (std::size_t f = 0; f < forecasts.size(); ++f) {
        std::vector<Value> row{v.label(w), forecasts[f]};
        row.insert(row.end(), values[f].begin(), values[f].end());
        t.rows.push_back(std::move(row));
      }
      if (oracle == forecasts.size()) continue;
      for (std::size_t f = 0; f < forecasts.size(); ++f) {
        if (f == oracle) continue;
        std::vector<Value> row{v.label(w), forecasts[f] + " - vs oracle"};
        for (std::size_t i = 0; i < windows.size(); ++i)
          row.push_back(values[f][i] - values[oracle][i]);
        t.rows.push_back(std::move(row));
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace shiftsim::analysis
