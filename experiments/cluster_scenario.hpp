#pragma once
// Assembling a cluster scenario (sim/cluster/) from its parts, shared by `shiftsim cluster` (one
// scenario) and cluster experiments (cluster_runner.hpp, many): sites from their text form and the
// grid store, jobs from a trace or a generator spec, and the totals of a result. One place, so that
// a scenario of a sweep is exactly the scenario the command runs with the same inputs.
//
// Errors are ConfigError; each message starts with `what` (the caller's name for the input, such
// as `--site "France=4"` or `exp.toml: site "France=4"`) and says what to do. A trace's bad content
// is read_trace's ParseError (file and line).
// Thread-safety: pure functions; the store is only read.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grids/resample.hpp"
#include "grids/series.hpp"
#include "grids/store.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/core/embodied.hpp"
#include "sim/core/units.hpp"
#include "sim/forecast.hpp"
#include "workloads/jobs/trace.hpp"

namespace shiftsim::experiments {

// "150kg/5y" or "150kg/43800h": one accelerator's embodied emissions over its lifespan.
Embodied parse_embodied(std::string_view text, std::string_view what);

// "West US=1000" or "France=500,pue=1.2,idle=50W,embodied=150kg/5y" (keys in any order, any
// case); `embodied` is the default for a site without its own.
sim::cluster::SiteSpec parse_site(std::string_view text, const Embodied& embodied,
                                  const std::string& what);

// A site's history: the store's series for its region (the first one matching signal and basis),
// at the simulation step.
struct SiteSeries {
  sim::cluster::SiteSpec spec;
  const grids::Series* series = nullptr;  // in the store; for labels and hashes
  RegularSeries actual;
};

// ConfigError naming `what` and `store_name` when the store has no such series.
SiteSeries load_site_series(const grids::GridStore& store, sim::cluster::SiteSpec spec,
                            Seconds step, std::optional<Signal> signal, std::optional<Basis> basis,
                            const std::string& what, const std::string& store_name);

// A site's forecast under one ForecastSpec: a series aligned with its history, or (issued:KEY)
// its issued forecasts, shared by every scenario that decides on them.
struct SiteForecast {
  std::vector<double> values;
  std::shared_ptr<const sim::cluster::IssuedSiteForecast> issued;
};

// The forecast of each site's history under `forecast` (the actual values for perfect), in the
// order of `sites`. Cost O(steps) per site (O(steps x leads) for issued forecasts). issued:KEY is
// the archive of one series, and every site must be on it (a cluster of sites each deciding on
// its own archive is not modelled yet): ConfigError naming `what` and the site otherwise.
std::vector<SiteForecast> site_forecasts(const std::vector<SiteSeries>& sites,
                                         const sim::ForecastSpec& forecast,
                                         const grids::GridStore& store, const std::string& what);

// The engine's sites: each history with its forecast (aligned, from site_forecasts), each
// capacity multiplied by `capacity_scale` and rounded to the nearest whole accelerator, at least
// one.
std::vector<sim::cluster::Site> make_sites(const std::vector<SiteSeries>& sites,
                                           const std::vector<SiteForecast>& forecasts,
                                           double capacity_scale = 1.0);
int scaled_capacity(int capacity, double scale);

// Where every site's history has begun (Unix seconds): the default time 0 of a trace or a
// generator, so that the first arrival is covered by every site.
std::int64_t common_start(const std::vector<SiteSeries>& sites);

// Where the jobs come from: a trace file or a generator spec (exactly one).
struct JobSource {
  std::filesystem::path trace;              // CSV (trace.hpp)
  std::string generate;                     // GeneratorSpec text (generator.hpp)
  Seconds time_unit{3600};                  // the trace's unit
  std::optional<double> accelerator_watts;  // trace jobs without a workload; default: the catalog's
  std::optional<Seconds> slack;             // jobs without a deadline get arrival + length + slack
  bool interruptible = false;  // trace: the column's default; generator: every job when the
                               // spec gives no interruptible share
};

struct Jobs {
  std::vector<sim::cluster::ClusterJob> jobs;
  std::string source;  // "pai.csv" or "generated: poisson:rate=..."
  std::vector<workloads::jobs::TraceWorkloadFile> workload_files;  // those a trace's rows name
};

// The jobs, time 0 at `origin` (Unix seconds). ConfigError when the source gives none or both.
Jobs load_jobs(const JobSource& source, std::int64_t origin);

// The totals of one scenario's result (jobs: the scenario's input, for the lengths).
struct ClusterTotals {
  std::size_t jobs = 0, finished = 0, rejected = 0, beyond_data = 0, blocked = 0;
  std::size_t started = 0, deadline_misses = 0, suspensions = 0;
  double jobs_energy_kwh = 0, jobs_emissions_g = 0, jobs_embodied_g = 0;
  double idle_energy_kwh = 0, idle_emissions_g = 0, sites_embodied_g = 0;
  double wait_seconds = 0, max_wait_seconds = 0;  // over started jobs
  double slowdown_sum = 0;                        // (finish - release) / length, over finished jobs

  double energy_kwh() const { return jobs_energy_kwh + idle_energy_kwh; }
  double emissions_g() const { return jobs_emissions_g + idle_emissions_g; }
  // NaN when no job started (finished).
  double mean_wait_h() const;
  double max_wait_h() const { return max_wait_seconds / kSecondsPerHour; }
  double mean_slowdown() const;
};

ClusterTotals cluster_totals(const std::vector<sim::cluster::ClusterJob>& jobs,
                             const sim::cluster::ClusterResult& r);

}  // namespace shiftsim::experiments
