#include "experiments/cluster_scenario.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "grids/forecast_source.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "workloads/jobs/generator.hpp"
#include "workloads/jobs/trace.hpp"

namespace shiftsim::experiments {

namespace cl = sim::cluster;

namespace {

constexpr double kMaxSiteCapacity = 1e9;

double parse_number(std::string_view text, std::string_view what) {
  double v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size() || !std::isfinite(v)) {
    throw ConfigError(fmt::format("{}: \"{}\" is not a number", what, text));
  }
  return v;
}

}  // namespace

Embodied parse_embodied(std::string_view text, std::string_view what) {
  const auto slash = text.find('/');
  const auto kg =
      slash == std::string_view::npos ? std::string_view{} : trim(text.substr(0, slash));
  if (kg.size() < 3 || !iequals(kg.substr(kg.size() - 2), "kg")) {
    throw ConfigError(
        fmt::format("{} \"{}\": write KG/LIFESPAN, e.g. 150kg/5y (one "
                    "accelerator's embodied emissions over its lifespan)",
                    what, text));
  }
  Embodied e;
  const double value = parse_number(trim(kg.substr(0, kg.size() - 2)), what);
  if (value < 0) throw ConfigError(fmt::format("{}: embodied emissions must be >= 0", what));
  e.total = Emissions{value * 1000.0};
  std::string life(trim(text.substr(slash + 1)));
  if (!life.empty() && (life.back() == 'y' || life.back() == 'Y')) {
    const double years = parse_number(life.substr(0, life.size() - 1), what);
    if (!(years > 0)) throw ConfigError(fmt::format("{}: the lifespan must be > 0", what));
    e.lifespan = Seconds{static_cast<std::int64_t>(std::llround(years * kSecondsPerYear))};
  } else {
    e.lifespan = parse_duration(life, what);
  }
  return e;
}

cl::SiteSpec parse_site(std::string_view text, const Embodied& embodied, const std::string& what) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || trim(text.substr(0, eq)).empty()) {
    throw ConfigError(what +
                      ": write REGION=ACCELERATORS[,pue=P][,idle=W][,embodied=KG/LIFE], "
                      "e.g. \"West US=1000,pue=1.1\"");
  }
  cl::SiteSpec s;
  s.region = std::string(trim(text.substr(0, eq)));
  s.embodied = embodied;
  std::string_view rest = text.substr(eq + 1);
  bool first = true;
  while (!rest.empty() || first) {
    const auto comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (first) {
      const double cap = parse_number(item, what + " capacity");
      if (cap < 1 || cap != std::floor(cap) || cap > kMaxSiteCapacity) {
        throw ConfigError(what + ": the capacity must be a whole number of accelerators >= 1");
      }
      s.capacity = static_cast<int>(cap);
      first = false;
      continue;
    }
    const auto kv = item.find('=');
    const std::string_view key = trim(item.substr(0, kv));
    const std::string_view value =
        kv == std::string_view::npos ? std::string_view{} : trim(item.substr(kv + 1));
    if (iequals(key, "pue")) {
      s.pue = parse_number(value, what + " pue");
    } else if (iequals(key, "idle")) {
      std::string_view w = value;
      if (!w.empty() && (w.back() == 'W' || w.back() == 'w')) w.remove_suffix(1);
      s.idle_watts = parse_number(w, what + " idle");
    } else if (iequals(key, "embodied")) {
      s.embodied = parse_embodied(value, what + " embodied");
    } else {
      throw ConfigError(what + ": unknown key '" + std::string(key) +
                        "'; known: pue, idle, embodied");
    }
  }
  return s;
}

SiteSeries load_site_series(const grids::GridStore& store, cl::SiteSpec spec, Seconds step,
                            std::optional<Signal> signal, std::optional<Basis> basis,
                            const std::string& what, const std::string& store_name) {
  const auto found = grids::series_for(store, spec.region, signal, basis);
  if (found.empty()) {
    throw ConfigError(
        fmt::format("{}: {} has no series for region or zone '{}'{}; "
                    "'shiftsim grids regions --store {}' shows what it covers",
                    what, store_name, spec.region, signal || basis ? " with that signal/basis" : "",
                    store_name));
  }
  SiteSeries s{std::move(spec), found.front(), grids::read_at_step(*found.front(), step)};
  return s;
}

std::vector<SiteForecast> site_forecasts(const std::vector<SiteSeries>& sites,
                                         const sim::ForecastSpec& forecast,
                                         const grids::GridStore& store, const std::string& what) {
  std::vector<SiteForecast> out;
  out.reserve(sites.size());
  for (const auto& s : sites) {
    SiteForecast f;
    if (forecast.is_issued()) {
      const SeriesKey key = parse_series_key(forecast.series);
      if (s.series->key != key) {
        throw ConfigError(fmt::format(
            "{}: '{}' is the archive of {}, and site '{}' is on {}; with issued forecasts every "
            "site must be on the archive's series (sites deciding on archives of their own are "
            "not modelled yet): drop the site, or use a forecast series (series:KEY) there",
            what, forecast.describe(), key.label(), s.spec.region, s.series->key.label()));
      }
      f.issued = std::make_shared<const cl::IssuedSiteForecast>(
          grids::make_issued_archive(forecast, s.actual, store), s.actual.values, forecast.beyond,
          kDay / s.actual.step);
    } else {
      f.values =
          forecast.is_oracle() ? s.actual.values : grids::make_forecast(forecast, s.actual, &store);
    }
    out.push_back(std::move(f));
  }
  return out;
}

int scaled_capacity(int capacity, double scale) {
  const double scaled = std::round(static_cast<double>(capacity) * scale);
  if (!(scaled < static_cast<double>(std::numeric_limits<int>::max()))) {
    throw ConfigError(fmt::format("a capacity of {} scaled by {:g} is beyond what a site can hold",
                                  capacity, scale));
  }
  return std::max(1, static_cast<int>(scaled));
}

std::vector<cl::Site> make_sites(const std::vector<SiteSeries>& sites,
                                 const std::vector<SiteForecast>& forecasts,
                                 double capacity_scale) {
  std::vector<cl::Site> out;
  out.reserve(sites.size());
  for (std::size_t i = 0; i < sites.size(); ++i) {
    cl::SiteSpec spec = sites[i].spec;
    spec.capacity = scaled_capacity(spec.capacity, capacity_scale);
    if (forecasts[i].issued)
      out.emplace_back(std::move(spec), sites[i].actual, forecasts[i].issued);
    else
      out.emplace_back(std::move(spec), sites[i].actual, forecasts[i].values);
  }
  return out;
}

std::int64_t common_start(const std::vector<SiteSeries>& sites) {
  std::int64_t from = std::numeric_limits<std::int64_t>::min();
  for (const auto& s : sites) from = std::max(from, s.actual.start.time_since_epoch().count());
  return sites.empty() ? 0 : from;
}

Jobs load_jobs(const JobSource& source, std::int64_t origin) {
  if (source.trace.empty() == source.generate.empty()) {
    throw ConfigError(
        "give the jobs one way: a trace file or a generator spec, not both or neither");
  }
  Jobs out;
  if (!source.trace.empty()) {
    workloads::jobs::TraceOptions o;
    o.origin = origin;
    o.unit = source.time_unit;
    o.accelerator_watts = source.accelerator_watts ? *source.accelerator_watts
                                                   : workloads::jobs::catalog_accelerator_watts();
    // Beyond any accelerator built (a few kW), a unit slip; refused before it becomes an
    // energy the profile cannot hold.
    if (!(o.accelerator_watts > 0) || o.accelerator_watts > 1e5) {
      throw ConfigError(
          fmt::format("accelerator power {} W: give the power per accelerator in W, "
                      "above 0 and at most 100000",
                      o.accelerator_watts));
    }
    o.slack = source.slack;
    o.interruptible = source.interruptible;
    out.jobs = workloads::jobs::read_trace(source.trace, o, &out.workload_files);
    out.source = source.trace.string();
  } else {
    auto spec = workloads::jobs::GeneratorSpec::parse(source.generate);
    if (spec.origin == 0) spec.origin = origin;  // an origin= in the spec wins (0: none given)
    if (source.slack && !spec.slack) spec.slack = source.slack;
    if (source.interruptible && !spec.interruptible_share) spec.interruptible_share = 1;
    out.jobs = workloads::jobs::generate_jobs(spec);
    out.source = "generated: " + spec.describe();
  }
  return out;
}

double ClusterTotals::mean_wait_h() const {
  return started == 0 ? std::numeric_limits<double>::quiet_NaN()
                      : wait_seconds / static_cast<double>(started) / kSecondsPerHour;
}

double ClusterTotals::mean_slowdown() const {
  return finished == 0 ? std::numeric_limits<double>::quiet_NaN()
                       : slowdown_sum / static_cast<double>(finished);
}

ClusterTotals cluster_totals(const std::vector<cl::ClusterJob>& jobs, const cl::ClusterResult& r) {
  ClusterTotals t;
  t.jobs = r.jobs.size();
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const auto& x = r.jobs[j];
    switch (x.outcome) {
      case cl::JobOutcome::finished:
        ++t.finished;
        t.slowdown_sum += static_cast<double>(x.finish - x.release) /
                          static_cast<double>(jobs[j].length().count());
        break;
      case cl::JobOutcome::rejected:
        ++t.rejected;
        break;
      case cl::JobOutcome::beyond_data:
        ++t.beyond_data;
        break;
      case cl::JobOutcome::blocked:
        ++t.blocked;
        break;
    }
    t.jobs_energy_kwh += x.energy.value;
    t.jobs_emissions_g += x.emissions.value;
    t.jobs_embodied_g += x.embodied.value;
    t.deadline_misses += x.deadline_missed ? 1 : 0;
    t.suspensions += static_cast<std::size_t>(x.suspensions);
    if (x.first_start >= 0) {
      ++t.started;
      t.wait_seconds += x.wait_seconds();
      t.max_wait_seconds = std::max(t.max_wait_seconds, x.wait_seconds());
    }
  }
  for (const auto& s : r.sites) {
    t.idle_energy_kwh += s.idle_energy.value;
    t.idle_emissions_g += s.idle_emissions.value;
    t.sites_embodied_g += s.embodied.value;
  }
  return t;
}

}  // namespace shiftsim::experiments
