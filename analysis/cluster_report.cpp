#include "analysis/cluster_report.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "experiments/cube_view.hpp"
#include "experiments/provenance.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::analysis {

namespace {

using experiments::Cube;
using experiments::CubeView;
using experiments::DType;
using experiments::Labels;
using experiments::Numbers;
using experiments::Variable;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The scenario grid's labels: (scheduler, capacity_scale, forecast, seed), sites and times.
struct Grid {
  std::vector<std::string> schedulers, forecasts, seeds, sites;
  std::vector<double> scales;
  std::size_t times = 0;
};

std::vector<std::string> labels(const Cube& c, const char* name) {
  const auto* l = std::get_if<Labels>(&c.dim(name).coords);
  if (!l) {
    throw ConfigError(
        fmt::format("not a shiftsim cluster cube: dimension '{}' has no labels", name));
  }
  return l->values;
}

// The variable, checked against the layout cluster_runner.hpp documents: a cube that claims to be
// a cluster cube but was written otherwise is refused, not misread.
const Variable& checked(const Cube& c, const char* name, const std::vector<std::string>& dims,
                        DType type) {
  const Variable* v = nullptr;
  for (const auto& x : c.vars) {
    if (x.name == name) v = &x;
  }
  std::size_t size = 1;
  for (const auto& d : dims) size *= c.dim(d).size();
  const std::size_t have = v ? (v->type == DType::f64 ? v->f64.size() : v->i32.size()) : 0;
  if (!v || v->dims != dims || v->type != type || have != size) {
    throw ConfigError(fmt::format(
        "not a shiftsim cluster cube: variable '{}' is {} (expected over ({}) as {}); make the "
        "cube again with 'shiftsim run'",
        name, v ? fmt::format("over ({})", fmt::join(v->dims, ", ")) : std::string("missing"),
        fmt::join(dims, ", "), type == DType::f64 ? "float64" : "int32"));
  }
  return *v;
}

Grid grid_of(const Cube& c) {
  const auto kind = c.attrs.find("kind");
  if (kind == c.attrs.end() || kind->second != "cluster") {
    throw ConfigError(
        "not a shiftsim cluster cube (its 'kind' attribute is not 'cluster'); make "
        "one with 'shiftsim run' on an experiment with a [cluster] table");
  }
  Grid g;
  try {
    g.schedulers = labels(c, "scheduler");
    g.forecasts = labels(c, "forecast");
    g.seeds = labels(c, "seed");
    g.sites = labels(c, "site");
    const auto* n = std::get_if<Numbers>(&c.dim("capacity_scale").coords);
    if (!n) throw ConfigError("not a shiftsim cluster cube: capacity_scale is not numeric");
    g.scales = n->values;
    g.times = c.dim("time").size();
    const std::vector<std::string> scenario{"scheduler", "capacity_scale", "forecast", "seed"};
    for (const char* name : {"emissions_g", "embodied_g", "energy_kwh", "mean_wait_h", "max_wait_h",
                             "mean_slowdown"}) {
      checked(c, name, scenario, DType::f64);
    }
    for (const char* name :
         {"deadline_misses", "suspensions", "finished", "rejected", "beyond_data", "blocked"}) {
      checked(c, name, scenario, DType::i32);
    }
    checked(c, "utilisation", {"scheduler", "capacity_scale", "forecast", "seed", "site", "time"},
            DType::f64);
  } catch (const std::out_of_range& e) {
    throw ConfigError(fmt::format("not a shiftsim cluster cube: {}", e.what()));
  }
  return g;
}

// The mean over seeds of a scenario variable, skipping missing values (NaN, either type).
double seed_mean(const Cube& c, const Grid& g, const char* name, std::size_t sc, std::size_t k,
                 std::size_t f) {
  CubeView v(c, name);
  v.hold("scheduler", sc).hold("capacity_scale", k).hold("forecast", f);
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t s = 0; s < g.seeds.size(); ++s) {
    const double x = v.at({{"seed", s}});
    if (std::isnan(x)) continue;
    sum += x;
    ++n;
  }
  return n ? sum / static_cast<double>(n) : kNaN;
}

std::string attr(const Cube& c, const char* key) {
  const auto it = c.attrs.find(key);
  return it == c.attrs.end() ? std::string{} : it->second;
}

std::string data_paragraph(const Cube& c, const Grid& g) {
  std::string sites;
  for (const auto& s : experiments::series_provenance(c, g.sites.size()))
    sites += fmt::format("{}{}: {} ({})", sites.empty() ? "" : "; ", s.region, s.key(), s.source);
  std::string text = fmt::format(
      "Data: {} site(s): {}. Jobs: {} ({}). Simulation step {}; {} seed(s) per scenario, "
      "averaged.",
      g.sites.size(), sites, attr(c, "jobs"), attr(c, "jobs_source"), attr(c, "simulation_step"),
      g.seeds.size());
  if (const auto w = attr(c, "data_warning"); !w.empty()) text += fmt::format(" {}.", w);
  return text;
}

std::optional<std::size_t> baseline_of(const Grid& g) {
  for (const char* name : {"fifo", "backfill"}) {
    for (std::size_t i = 0; i < g.schedulers.size(); ++i) {
      if (g.schedulers[i] == name) return i;
    }
  }
  return std::nullopt;
}

}  // namespace

Report make_cluster_report(const Cube& cube) {
  const Grid g = grid_of(cube);
  Report r;
  r.data = data_paragraph(cube, g);
  const auto base = baseline_of(g);
  std::size_t missing = 0;  // scenarios a stopped run never finished
  for (const auto x : cube.var("finished").i32) missing += x == experiments::kMissingI32;
  if (missing > 0) {
    r.data += fmt::format(
        " INCOMPLETE: {} of {} scenarios are missing (a stopped run); means "
        "are over the seeds present.",
        missing, cube.var("finished").i32.size());
  }
  const int count_decimals = g.seeds.size() > 1 ? 1 : 0;

  Table totals{"cluster_totals",
               "Cluster sweep: emissions, waits and outcomes per scenario",
               {"One row per scheduler, capacity scale and forecast; the mean over seeds. "
                "Emissions: operational, of the jobs and of idle accelerators, PUE included; "
                "embodied emissions apart (every site's hardware over the span).",
                base ? fmt::format("vs {}: the change in emissions against {} at the same scale "
                                   "and forecast (negative: less).",
                                   g.schedulers[*base], g.schedulers[*base])
                     : std::string("No carbon-agnostic baseline (fifo or backfill) in the cube: "
                                   "the change column is n/a."),
                "Waits over the jobs that started, slowdown over those that finished; n/a when "
                "none did. With several seeds, max wait is the mean of each seed's maximum.",
                r.data},
               {{"scheduler", 0},
                {"capacity scale", 2},
                {"forecast", 0},
                {"emissions (kg)", 1},
                {base ? "vs " + g.schedulers[*base] + " (%)" : "vs baseline (%)", 1},
                {"embodied (kg)", 1},
                {"energy (MWh)", 2},
                {"mean wait (h)", 2},
                {"max wait (h)", 1},
                {"mean slowdown", 2},
                {"deadline misses", count_decimals},
                {"suspensions", count_decimals},
                {"finished", count_decimals},
                {"rejected", count_decimals},
                {"beyond data", count_decimals},
                {"blocked", count_decimals}},
               {}};
  Table util{"cluster_utilisation",
             "Cluster sweep: mean utilisation per site (%)",
             {"The mean share of each site's accelerators held, over the whole steps of the "
              "scenario's span (first arrival to last finish; a partly covered first or last step "
              "counts as a step), then over seeds. `shiftsim cluster` divides by the span in "
              "seconds instead, so short runs differ slightly.",
              r.data},
             {{"scheduler", 0}, {"capacity scale", 2}, {"forecast", 0}},
             {}};
  for (const auto& site : g.sites) util.columns.push_back({site, 1});

  const CubeView u(cube, "utilisation");  // checked by grid_of
  for (std::size_t sc = 0; sc < g.schedulers.size(); ++sc) {
    for (std::size_t k = 0; k < g.scales.size(); ++k) {
      for (std::size_t f = 0; f < g.forecasts.size(); ++f) {
        auto mean = [&](const char* name) { return seed_mean(cube, g, name, sc, k, f); };
        const double e = mean("emissions_g");
        double change = kNaN;
        if (base) {
          const double b = seed_mean(cube, g, "emissions_g", *base, k, f);
          if (b > 0) change = 100 * (e - b) / b;
        }
        const std::string scale = fmt::format("{}", g.scales[k]);  // exact: 0.125, not 0.13
        totals.rows.push_back({g.schedulers[sc], scale, g.forecasts[f], e / 1000, change,
                               mean("embodied_g") / 1000, mean("energy_kwh") / 1000,
                               mean("mean_wait_h"), mean("max_wait_h"), mean("mean_slowdown"),
                               mean("deadline_misses"), mean("suspensions"), mean("finished"),
                               mean("rejected"), mean("beyond_data"), mean("blocked")});

        std::vector<Value> row{g.schedulers[sc], scale, g.forecasts[f]};
        for (std::size_t site = 0; site < g.sites.size(); ++site) {
          double sum = 0;
          std::size_t n = 0;
          for (std::size_t s = 0; s < g.seeds.size(); ++s) {
            CubeView one = u;  // this scenario's site, over time
            one.hold("scheduler", sc).hold("capacity_scale", k).hold("forecast", f);
            one.hold("seed", s).hold("site", site);
            double steps = 0, held = 0;
            for (std::size_t t = 0; t < g.times; ++t) {
              const double x = one.at({{"time", t}});
              if (std::isnan(x)) continue;
              held += x;
              steps += 1;
            }
            if (steps > 0) {
              sum += held / steps;
              ++n;
            }
          }
          row.emplace_back(n ? 100 * sum / static_cast<double>(n) : kNaN);
        }
        util.rows.push_back(std::move(row));
      }
    }
  }
  r.tables.push_back(std::move(totals));
  r.tables.push_back(std::move(util));
  return r;
}

}  // namespace shiftsim::analysis
