// shiftsim cluster: one cluster scenario (sites of limited capacity, a trace or generated jobs, a
// scheduler) run through the cluster engine; prints totals, optionally per-job and utilisation
// CSVs.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "experiments/cluster_csv.hpp"
#include "experiments/cluster_scenario.hpp"
#include "grids/resample.hpp"
#include "grids/store.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"
#include "sim/forecast.hpp"
#include "workloads/jobs/generator.hpp"
#include "workloads/jobs/graph_jobs.hpp"
#include "workloads/jobs/trace.hpp"

namespace shiftsim::cli {

namespace {

using nlohmann::ordered_json;
namespace cl = sim::cluster;

struct Args {
  std::string store, scheduler = "fifo", trace, generate, graph, graph_at, graph_deadline;
  std::vector<std::string> sites;
  std::string trace_start, time_unit = "1h", slack, step = "5min", signal, basis;
  std::string forecast = "perfect", seed = "1", embodied;
  std::string checkpoint_time = "0", min_run = "0";
  double checkpoint_energy = 0;
  std::optional<double> accelerator_watts;
  bool interruptible = false, json = false, force = false, timings = false;
  std::string jobs_csv, utilisation_csv;
};

// Before any work: neither CSV may replace an input, the other CSV, or what is not a file.
void check_outputs(const Args& a) {
  const std::vector<NamedPath> inputs{{a.store, "the grid store (--grids)"},
                                      {a.trace, "the trace (--trace)"},
                                      {a.graph, "the job graph (--graph)"}};
  const NamedPath jobs{a.jobs_csv, "--jobs-csv"};
  const NamedPath utilisation{a.utilisation_csv, "--utilisation-csv"};
  if (!jobs.path.empty()) check_output_path(jobs, inputs, a.force, {&utilisation, 1});
  if (!utilisation.path.empty()) check_output_path(utilisation, inputs, a.force, {&jobs, 1});
  for (const auto* out : {&jobs, &utilisation}) {
    if (!out->path.empty()) check_output_folder(*out);
  }
}

int run_cluster(const Args& a) {
  if (a.sites.empty()) throw ConfigError("give at least one --site REGION=ACCELERATORS");
  const int sources = !a.trace.empty() + !a.generate.empty() + !a.graph.empty();
  if (sources == 0)
    throw ConfigError("give the jobs: --trace FILE, --generate SPEC or --graph FILE");
  if (!a.trace.empty() && !a.generate.empty()) {
    throw ConfigError("--trace and --generate are alternatives: give one");
  }
  check_outputs(a);
  const Seconds step = parse_duration(a.step, "--step");
  check_simulation_step(step);
  auto scheduler = cl::make_scheduler(a.scheduler);
  const auto forecast = sim::ForecastSpec::parse(a.forecast, parse_seed(a.seed));
  const Embodied embodied =
      a.embodied.empty() ? Embodied{} : experiments::parse_embodied(a.embodied, "--embodied");
  sim::PauseCosts costs;
  costs.checkpoint_time = parse_duration(a.checkpoint_time, "--checkpoint-time", Zero::allowed);
  costs.min_run = parse_duration(a.min_run, "--min-run", Zero::allowed);
  costs.checkpoint_energy = checkpoint_energy(a.checkpoint_energy, costs.checkpoint_time);
  std::optional<Seconds> slack;
  if (!a.slack.empty()) slack = parse_duration(a.slack, "--slack", Zero::allowed);

  // Sites: each region's series from the store, at the step, with its forecast.
  const grids::GridStore store = grids::GridStore::load(a.store);
  const std::optional<Signal> signal =
      a.signal.empty() ? std::nullopt : std::optional(parse_signal(a.signal));
  const std::optional<Basis> basis =
      a.basis.empty() ? std::nullopt : std::optional(parse_basis(a.basis));
  std::vector<experiments::SiteSeries> histories;
  std::vector<std::string> series_labels;
  std::vector<std::string> regions;
  for (std::size_t i = 0; i < a.sites.size(); ++i) {
    const auto& text = a.sites[i];
    const std::string what = "--site \"" + text + "\"";
    const auto spec = experiments::parse_site(text, embodied, what);
    // The same region twice would count as two sites, each with its own capacity and idle power.
    const auto k = std::find(regions.begin(), regions.end(), spec.region);
    if (k != regions.end())
      throw ConfigError(fmt::format(
          "{}: region '{}' is a site already (--site {} of {}); give each region once, with all "
          "its accelerators (REGION=N)",
          what, spec.region, k - regions.begin() + 1, a.sites.size()));
    regions.push_back(spec.region);
    histories.push_back(
        experiments::load_site_series(store, spec, step, signal, basis, what, a.store));
    series_labels.push_back(histories.back().series->key.label());
  }
  const std::vector<cl::Site> sites = experiments::make_sites(
      histories, experiments::site_forecasts(histories, forecast, store, "--forecast"));
  const std::int64_t origin =
      a.trace_start.empty() ? experiments::common_start(histories)
                            : parse_time(a.trace_start, "--trace-start").time_since_epoch().count();

  // Jobs.
  std::vector<cl::ClusterJob> jobs;
  std::string source;
  if (!a.trace.empty() || !a.generate.empty()) {
    experiments::JobSource js;
    js.trace = a.trace;
    js.generate = a.generate;
    js.time_unit = parse_duration(a.time_unit, "--time-unit");
    js.accelerator_watts = a.accelerator_watts;
    js.slack = slack;
    js.interruptible = a.interruptible;
    auto loaded = experiments::load_jobs(js, origin);
    jobs = std::move(loaded.jobs);
    source = std::move(loaded.source);
  }
  if (!a.graph.empty()) {
    const auto graph = workloads::JobGraph::load(a.graph, workloads::workload_resolver());
    const std::int64_t at = a.graph_at.empty()
                                ? origin
                                : parse_time(a.graph_at, "--graph-at").time_since_epoch().count();
    std::optional<Seconds> deadline;
    if (!a.graph_deadline.empty()) deadline = parse_duration(a.graph_deadline, "--graph-deadline");
    jobs = workloads::jobs::merge_jobs(
        std::move(jobs), workloads::jobs::jobs_from_graph(graph, at, deadline, a.interruptible));
    source += (source.empty() ? "" : " + ") + std::string("graph ") + a.graph;
  }

  // carbon-suspend suspends only interruptible jobs with slack; with none, it is carbon-delay
  // under another name. A warning, not a refusal: a trace's deadlines decide, and the run is
  // still a valid control.
  if (a.scheduler == "carbon-suspend" &&
      std::none_of(jobs.begin(), jobs.end(), [](const cl::ClusterJob& j) {
        return j.interruptible && j.slack().value_or(Seconds{0}) > Seconds{0};
      })) {
    fmt::print(stderr,
               "shiftsim cluster: warning: no job is both interruptible and has slack, so "
               "carbon-suspend will suspend none; pass --interruptible and --slack 6h (or give "
               "the trace deadlines)\n");
  }
  cl::Cluster cluster(sites, std::move(jobs), costs);
  const auto started = std::chrono::steady_clock::now();
  const cl::ClusterResult r = cluster.run(*scheduler);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

  const experiments::ClusterTotals t = experiments::cluster_totals(cluster.jobs(), r);
  ordered_json j;
  j["scheduler"] = a.scheduler;
  j["jobs"] = t.jobs;
  j["finished"] = t.finished;
  j["rejected"] = t.rejected;
  j["beyond_data"] = t.beyond_data;
  j["blocked"] = t.blocked;
  j["energy_kwh"] = t.energy_kwh();
  j["emissions_g"] = t.emissions_g();
  j["jobs_energy_kwh"] = t.jobs_energy_kwh;
  j["jobs_emissions_g"] = t.jobs_emissions_g;
  j["idle_energy_kwh"] = t.idle_energy_kwh;
  j["idle_emissions_g"] = t.idle_emissions_g;
  j["embodied_g"] = t.sites_embodied_g;
  j["jobs_embodied_g"] = t.jobs_embodied_g;
  // Over the jobs that started (waits) or finished (slowdown); null when there are none, as the
  // cube's NaN: a mean of nothing is not a wait of 0.
  const auto or_null = [](bool any, double x) {
    return any ? ordered_json(x) : ordered_json(nullptr);
  };
  j["mean_wait_h"] = or_null(t.started > 0, t.mean_wait_h());
  j["max_wait_h"] = or_null(t.started > 0, t.max_wait_h());
  j["mean_slowdown"] = or_null(t.finished > 0, t.mean_slowdown());
  j["deadline_misses"] = t.deadline_misses;
  j["suspensions"] = t.suspensions;
  j["events"] = r.events;
  j["decisions"] = r.decisions;
  // Timings differ from run to run; by default the JSON is a pure function of the inputs.
  const double per_second = seconds > 0 ? static_cast<double>(r.events) / seconds : 0.0;
  if (a.timings) {
    j["seconds"] = seconds;
    j["events_per_second"] = per_second;
  }
  j["begin"] = format_time(TimePoint{Seconds{r.begin}});
  j["end"] = format_time(TimePoint{Seconds{r.end}});
  j["forecast"] = forecast.describe();
  j["source"] = source;
  j["sites"] = ordered_json::array();
  for (std::size_t s = 0; s < r.sites.size(); ++s) {
    const auto& x = r.sites[s];
    const double span = static_cast<double>(r.end - r.begin);
    j["sites"].push_back({{"name", x.name},
                          {"capacity", x.capacity},
                          {"pue", sites[s].spec.pue},
                          {"series", series_labels[s]},
                          {"mean_utilisation", x.mean_utilisation(span)},
                          {"idle_energy_kwh", x.idle_energy.value},
                          {"idle_emissions_g", x.idle_emissions.value},
                          {"embodied_g", x.embodied.value}});
  }
  // The files first: a result that cannot be written is an error, not a printout then an error.
  if (!a.jobs_csv.empty()) experiments::write_jobs_csv(a.jobs_csv, cluster.jobs(), r, sites);
  if (!a.utilisation_csv.empty()) experiments::write_utilisation_csv(a.utilisation_csv, r);
  if (a.json) {
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("scheduler   {} on {} site{}; jobs from {}\n", a.scheduler, sites.size(),
               sites.size() == 1 ? "" : "s", source);
    fmt::print("span        {} to {}\n", j["begin"].get<std::string>(),
               j["end"].get<std::string>());
    fmt::print("jobs        {} ({} finished, {} rejected, {} beyond the data, {} blocked)\n",
               t.jobs, t.finished, t.rejected, t.beyond_data, t.blocked);
    fmt::print("energy      {:.6g} kWh ({:.6g} by jobs, {:.6g} idle)\n", t.energy_kwh(),
               t.jobs_energy_kwh, t.idle_energy_kwh);
    fmt::print(
        "emissions   {:.6g} kg CO2eq operational ({:.6g} by jobs, {:.6g} idle), {:.6g} kg "
        "embodied\n",
        t.emissions_g() / 1000, t.jobs_emissions_g / 1000, t.idle_emissions_g / 1000,
        t.sites_embodied_g / 1000);
    const auto num = [&](const char* key) {
      return j[key].is_null() ? std::string("n/a") : fmt::format("{:.3f}", j[key].get<double>());
    };
    fmt::print(
        "wait        {} h mean, {} h max; mean slowdown {}; {} deadline miss{}; {} suspension{}\n",
        num("mean_wait_h"), num("max_wait_h"), num("mean_slowdown"), t.deadline_misses,
        t.deadline_misses == 1 ? "" : "es", t.suspensions, t.suspensions == 1 ? "" : "s");
    for (const auto& s : j["sites"]) {
      fmt::print("site        {}: {} accelerators, {:.1f}% utilised, series {}\n",
                 s["name"].get<std::string>(), s["capacity"].get<int>(),
                 100 * s["mean_utilisation"].get<double>(), s["series"].get<std::string>());
    }
    fmt::print("events      {} in {:.3f} s ({:.3g}/s)\n", r.events, seconds, per_second);
  }
  return 0;
}

}  // namespace

void add_cluster_command(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd =
      app.add_subcommand("cluster", "Run many jobs on sites of limited capacity with a scheduler");
  cmd->add_option("--grids", a->store, "grid store (HDF5)")->required();
  cmd->add_option(
      "--site", a->sites,
      "REGION=ACCELERATORS[,pue=P][,idle=W][,embodied=KG/LIFE]; repeat for several sites");
  cmd->add_option("--trace", a->trace,
                  "job trace CSV (arrival_time,length,accelerators|gpus|cpus,...)");
  cmd->add_option("--time-unit", a->time_unit, "unit of the trace's times (GAIA traces: 1h)")
      ->capture_default_str();
  cmd->add_option("--trace-start", a->trace_start,
                  "UTC time of the trace's 0 (default: where every site's history begins)");
  cmd->add_option("--generate", a->generate,
                  "generated jobs instead: poisson:rate=12/h,jobs=10000,seed=1 or diurnal:...");
  cmd->add_option("--graph", a->graph,
                  "a job graph file (workloads/examples/): its jobs, released as parents finish");
  cmd->add_option("--graph-at", a->graph_at,
                  "when the graph is submitted (default: the trace's start)");
  cmd->add_option("--graph-deadline", a->graph_deadline,
                  "the graph's deadline after submission (e.g. 3d)");
  cmd->add_option("--scheduler", a->scheduler, cl::scheduler_names())->capture_default_str();
  cmd->add_option("--slack", a->slack, "jobs without a deadline get arrival + length + slack");
  cmd->add_flag("--interruptible", a->interruptible,
                "jobs without an interruptible column may be suspended (generated jobs: all, "
                "unless the spec gives interruptible=)");
  cmd->add_option(
      "--accelerator-power", a->accelerator_watts,
      "W per accelerator for trace jobs without a workload (default: the catalog's mean)");
  cmd->add_option(
         "--forecast", a->forecast,
         "what schedulers decide on: perfect, gaussian:E, uniform:E, persistence, series:KEY, "
         "issued:KEY[:hold] (planned at release on the forecast issued last)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of forecast noise")->capture_default_str();
  cmd->add_option("--checkpoint-time", a->checkpoint_time,
                  "time a suspension spends writing a checkpoint");
  cmd->add_option("--checkpoint-energy", a->checkpoint_energy,
                  "kWh a checkpoint draws (whole job)");
  cmd->add_option("--min-run", a->min_run, "a run that ends in a suspension lasts at least this");
  cmd->add_option("--embodied", a->embodied,
                  "one accelerator's embodied emissions, KG/LIFESPAN (150kg/5y)");
  cmd->add_option("--step", a->step, "simulation step, dividing a day")->capture_default_str();
  cmd->add_option("--signal", a->signal, "use the series of this signal (average, marginal, ...)");
  cmd->add_option("--basis", a->basis, "use the series of this basis (direct, lifecycle)");
  cmd->add_option("--jobs-csv", a->jobs_csv, "write one row per job here");
  cmd->add_option("--utilisation-csv", a->utilisation_csv,
                  "write each site's utilisation per step here");
  cmd->add_flag("-f,--force", a->force, "replace existing CSV outputs");
  cmd->add_flag("--json", a->json,
                "print JSON (the same bytes for the same inputs: no timings unless --timings)");
  cmd->add_flag("--timings", a->timings,
                "add the run's seconds and events_per_second to the JSON (they vary by run)");
  cmd->callback([a] {
    const int code = run_cluster(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace shiftsim::cli
