#include "experiments/cluster_runner.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include "experiments/cluster_scenario.hpp"
#include "experiments/provenance.hpp"
#include "experiments/sweep.hpp"
#include "experiments/thread_arena.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::experiments {

namespace {

namespace cl = sim::cluster;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The variables over (scheduler, capacity_scale, forecast, seed), in cube order.
struct ScalarVar {
  const char* name;
  DType type;
  const char* units;
  const char* long_name;
};
constexpr ScalarVar kScalars[] = {
    {"emissions_g", DType::f64, "g", "operational emissions of jobs and idle accelerators, gCO2eq"},
    {"jobs_emissions_g", DType::f64, "g", "operational emissions of the jobs, gCO2eq"},
    {"idle_emissions_g", DType::f64, "g", "operational emissions of idle accelerators, gCO2eq"},
    {"energy_kwh", DType::f64, "kWh", "facility energy of jobs and idle accelerators"},
    {"jobs_energy_kwh", DType::f64, "kWh", "facility energy of the jobs (checkpoints included)"},
    {"idle_energy_kwh", DType::f64, "kWh", "facility energy of idle accelerators"},
    {"embodied_g", DType::f64, "g",
     "embodied emissions of every site's hardware over the span, gCO2eq"},
    {"jobs_embodied_g", DType::f64, "g",
     "embodied emissions of the accelerators jobs held, gCO2eq"},
    {"mean_wait_h", DType::f64, "h", "mean wait from release to first start, over started jobs"},
    {"max_wait_h", DType::f64, "h", "longest wait from release to first start"},
    {"mean_slowdown", DType::f64, "1", "mean (finish - release) / length over finished jobs"},
    {"events", DType::f64, "1", "events the engine processed"},
    {"finished", DType::i32, "1", "jobs finished"},
    {"rejected", DType::i32, "1", "jobs needing more accelerators than any site has"},
    {"beyond_data", DType::i32, "1", "jobs not finished within the intensity history"},
    {"blocked", DType::i32, "1", "jobs whose parent never finished"},
    {"deadline_misses", DType::i32, "1", "jobs with a deadline that finished after it or never"},
    {"suspensions", DType::i32, "1", "suspensions (checkpoints) of all jobs"},
};

// What one scenario gave.
struct ScenarioOut {
  ClusterTotals totals;
  std::uint64_t events = 0;
  std::vector<std::int64_t> utilisation_start;   // per site, Unix seconds
  std::vector<std::vector<double>> utilisation;  // per site, per step from its start
};

std::int32_t to_i32(std::size_t n) {
  if (n > static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    throw std::overflow_error("a count does not fit the cube's int32");
  }
  return static_cast<std::int32_t>(n);
}

double value_of(const ScenarioOut& o, std::string_view name) {
  const auto& t = o.totals;
  if (name == "emissions_g") return t.emissions_g();
  if (name == "jobs_emissions_g") return t.jobs_emissions_g;
  if (name == "idle_emissions_g") return t.idle_emissions_g;
  if (name == "energy_kwh") return t.energy_kwh();
  if (name == "jobs_energy_kwh") return t.jobs_energy_kwh;
  if (name == "idle_energy_kwh") return t.idle_energy_kwh;
  if (name == "embodied_g") return t.sites_embodied_g;
  if (name == "jobs_embodied_g") return t.jobs_embodied_g;
  if (name == "mean_wait_h") return t.mean_wait_h();
  if (name == "max_wait_h") return t.started == 0 ? kNaN : t.max_wait_h();
  if (name == "mean_slowdown") return t.mean_slowdown();
  if (name == "events") return static_cast<double>(o.events);
  throw InternalError("cluster cube: no float variable " + std::string(name));
}

std::int32_t count_of(const ScenarioOut& o, std::string_view name) {
  const auto& t = o.totals;
  if (name == "finished") return to_i32(t.finished);
  if (name == "rejected") return to_i32(t.rejected);
  if (name == "beyond_data") return to_i32(t.beyond_data);
  if (name == "blocked") return to_i32(t.blocked);
  if (name == "deadline_misses") return to_i32(t.deadline_misses);
  if (name == "suspensions") return to_i32(t.suspensions);
  throw InternalError("cluster cube: no int variable " + std::string(name));
}

class ClusterSweep {
 public:
  ClusterSweep(const ClusterExperiment& e, const grids::GridStore& store) : e_(e) {
    for (std::size_t i = 0; i < e.sites.size(); ++i) {
      const std::string what = fmt::format("{}: site \"{}\"", e.file, e.site_texts[i]);
      histories_.push_back(
          load_site_series(store, e.sites[i], e.step, e.signal, e.basis, what, e.store.string()));
    }
    const std::int64_t origin = e.trace_start ? *e.trace_start : common_start(histories_);
    jobs_ = load_jobs(e.jobs, origin);
    for (const auto& f : e.forecasts) {
      for (auto seed : e.seeds) specs_.push_back(sim::ForecastSpec::parse(f, seed));
    }
  }

  std::size_t scenarios() const {
    return e_.schedulers.size() * e_.capacity_scales.size() * specs_.size();
  }

  // The forecasts of every site per (forecast, seed): made once, in parallel (in the caller's
  // arena), each into its own slot.
  void make_forecasts(const grids::GridStore& store) {
    forecasts_.resize(specs_.size());
    tbb::parallel_for(std::size_t{0}, specs_.size(), [&](std::size_t f) {
      forecasts_[f] =
          site_forecasts(histories_, specs_[f], store, fmt::format("{}: [forecasts]", e_.file));
    });
  }

  // Scenario s, in the order scheduler, capacity_scale, forecast x seed.
  ScenarioOut run(std::size_t s) const {
    const std::size_t nf = specs_.size(), nc = e_.capacity_scales.size();
    const std::size_t f = s % nf, c = (s / nf) % nc, k = s / nf / nc;
    cl::Cluster cluster(make_sites(histories_, forecasts_[f], e_.capacity_scales[c]), jobs_.jobs,
                        e_.costs);
    const auto scheduler = cl::make_scheduler(e_.schedulers[k]);
    const cl::ClusterResult r = cluster.run(*scheduler);
    ScenarioOut out{cluster_totals(jobs_.jobs, r), r.events, {}, {}};
    for (const auto& site : r.sites) {
      out.utilisation_start.push_back(site.utilisation_start);
      out.utilisation.push_back(site.utilisation);
    }
    return out;
  }

  Cube make_cube(const std::vector<std::optional<ScenarioOut>>& outs,
                 const ClusterRunOptions& o) const;

 private:
  const ClusterExperiment& e_;
  std::vector<SiteSeries> histories_;
  Jobs jobs_;
  std::vector<sim::ForecastSpec> specs_;              // forecast-major, then seed
  std::vector<std::vector<SiteForecast>> forecasts_;  // [spec][site]
};

Cube ClusterSweep::make_cube(const std::vector<std::optional<ScenarioOut>>& outs,
                             const ClusterRunOptions& o) const {
  const std::int64_t step = e_.step.count();
  // The time axis: the union of the scenarios' spans, on the step grid of the histories.
  std::int64_t t0 = std::numeric_limits<std::int64_t>::max(),
               t1 = std::numeric_limits<std::int64_t>::min();
  for (const auto& out : outs) {
    if (!out) continue;
    for (std::size_t i = 0; i < out->utilisation.size(); ++i) {
      if (out->utilisation[i].empty()) continue;
      t0 = std::min(t0, out->utilisation_start[i]);
      t1 = std::max(t1, out->utilisation_start[i] +
                            step * static_cast<std::int64_t>(out->utilisation[i].size()));
    }
  }
  std::vector<std::int64_t> times;
  for (std::int64_t t = t0; t < t1; t += step) times.push_back(t);

  Cube c;
  auto labels = [](std::string name, std::vector<std::string> v, std::string long_name) {
    return Dimension{std::move(name), Labels{std::move(v)}, {{"long_name", std::move(long_name)}}};
  };
  c.dims.push_back(labels("scheduler", e_.schedulers, "scheduler (sim/cluster/schedulers.hpp)"));
  c.dims.push_back(Dimension{"capacity_scale",
                             Numbers{e_.capacity_scales},
                             {{"long_name", "every site's capacity times this"}, {"units", "1"}}});
  c.dims.push_back(labels("forecast", e_.forecasts, "what schedulers decide on"));
  std::vector<std::string> seeds;
  for (auto s : e_.seeds) seeds.push_back(std::to_string(s));
  c.dims.push_back(labels("seed", seeds, "seed of forecast noise"));
  std::vector<std::string> sites;
  for (const auto& s : e_.sites) sites.push_back(s.region);
  c.dims.push_back(labels("site", sites, "site (its region)"));
  c.dims.push_back(Dimension{"time", Times{times}, {{"long_name", "start of the step (UTC)"}}});

  const std::vector<std::string> scenario_dims{"scheduler", "capacity_scale", "forecast", "seed"};
  const std::size_t n = outs.size(), ns = sites.size(), nt = times.size();
  for (const auto& v : kScalars) {
    Variable var{
        v.name, scenario_dims, v.type, {}, {}, {{"units", v.units}, {"long_name", v.long_name}},
        {},     false,         false,  {}};
    if (v.type == DType::f64)
      var.f64.assign(n, kNaN);
    else
      var.i32.assign(n, kMissingI32);
    for (std::size_t s = 0; s < n; ++s) {
      if (!outs[s]) continue;
      if (v.type == DType::f64)
        var.f64[s] = value_of(*outs[s], v.name);
      else
        var.i32[s] = count_of(*outs[s], v.name);
    }
    c.vars.push_back(std::move(var));
  }
  Variable util{
      "utilisation",
      {"scheduler", "capacity_scale", "forecast", "seed", "site", "time"},
      DType::f64,
      std::vector<double>(n * ns * nt, kNaN),
      {},
      {{"units", "1"}, {"long_name", "mean share of the site's accelerators held over the step"}},
      {},
      false,
      false,
      {}};
  for (std::size_t s = 0; s < n; ++s) {
    if (!outs[s]) continue;
    for (std::size_t i = 0; i < ns; ++i) {
      const auto& u = outs[s]->utilisation[i];
      if (u.empty()) continue;
      const std::int64_t offset = outs[s]->utilisation_start[i] - t0;
      if (offset % step != 0) {
        throw ConfigError(
            fmt::format("{}: the sites' histories are not on one step grid; give "
                        "series that start on a multiple of the step",
                        e_.file));
      }
      const std::size_t first = (s * ns + i) * nt + static_cast<std::size_t>(offset / step);
      std::copy(u.begin(), u.end(), util.f64.begin() + static_cast<std::ptrdiff_t>(first));
    }
  }
  c.vars.push_back(std::move(util));
  Variable capacity{
      "capacity", {"capacity_scale", "site"},
      DType::i32, {},
      {},         {{"units", "1"}, {"long_name", "accelerators of the site at this scale"}},
      {},         false,
      false,      {}};
  for (double scale : e_.capacity_scales)
    for (const auto& site : e_.sites) capacity.i32.push_back(scaled_capacity(site.capacity, scale));
  c.vars.push_back(std::move(capacity));

  std::string warning;
  std::vector<std::pair<std::string, const grids::Series*>> series;
  for (std::size_t i = 0; i < histories_.size(); ++i) {
    const auto* s = histories_[i].series;
    series.emplace_back(sites[i], s);
    if (s->key.signal == Signal::surrogate) {
      warning = "SYNTHETIC data: some sites use the built-in surrogate series, not measurements";
    }
  }
  c.attrs = sweep_attributes("shiftsim cluster result cube", o.version, e_.file, e_.text,
                             o.command_line, e_.store.string(), e_.step);
  c.attrs["kind"] = "cluster";
  c.attrs["jobs"] = std::to_string(jobs_.jobs.size());
  c.attrs["jobs_source"] = jobs_.source;
  set_series_provenance(c, provenance_of(series));
  if (!e_.jobs.trace.empty()) {
    c.attrs["trace_file"] = e_.jobs.trace.filename().string();
    c.attrs["trace_sha256"] = sha256_hex(read_file(e_.jobs.trace));
    // The workload files its rows name change the jobs as much as the trace does.
    std::string files;
    for (const auto& f : jobs_.workload_files)
      files += fmt::format("{} sha256={}\n", f.name, f.sha256);
    if (!files.empty()) c.attrs["trace_workload_files"] = files;
  }
  if (!warning.empty()) c.attrs["data_warning"] = warning;
  return c;
}

}  // namespace

ClusterRunResult run_cluster_experiment(const ClusterExperiment& e, const grids::GridStore& store,
                                        const ClusterRunOptions& options) {
  ClusterSweep sweep(e, store);
  ThreadArena arena(options.threads);
  arena.execute([&] { sweep.make_forecasts(store); });

  const std::size_t n = sweep.scenarios();
  std::vector<std::optional<ScenarioOut>> outs(n);
  std::vector<std::uint8_t> done(n, 0);
  SweepSteps steps;
  steps.compute = [&](std::size_t s) { outs[s] = sweep.run(s); };  // each scenario its own slot
  steps.progress = options.progress;
  run_sweep(arena, done, SweepShare{}, options.stop, steps);
  const auto finished = static_cast<std::size_t>(std::count(done.begin(), done.end(), 1));
  ClusterRunResult result{sweep.make_cube(outs, options), n, finished};
  result.cube.check();
  return result;
}

}  // namespace shiftsim::experiments
