#include "experiments/cluster_experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "experiments/experiment.hpp"
#include "experiments/experiment_sections.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/toml_reader.hpp"
#include "workloads/jobs/generator.hpp"

namespace shiftsim::experiments {

namespace {

// The header documenting the file format, for hints.
constexpr std::string_view kReference = "experiments/cluster_experiment.hpp";
constexpr double kMaxCapacityScale = 1e6;

void read_sites(TomlSection& c, ClusterExperiment& e) {
  e.site_texts = require_strings(c, "sites", "[\"West US=1000\", \"France=1000,pue=1.2\"]");
  for (const auto& text : e.site_texts) {
    sim::cluster::SiteSpec spec;
    try {
      spec = parse_site(text, Embodied{}, fmt::format("site \"{}\"", text));
    } catch (const ConfigError& err) {
      c.fail("sites", err.what(),
             "write \"REGION=ACCELERATORS[,pue=P][,idle=W][,embodied=KG/LIFE]\"");
    }
    for (const auto& other : e.sites)
      if (other.region == spec.region)
        c.fail("sites", fmt::format("region '{}' has two sites", spec.region),
               "give each region one site (its capacity is the sum)");
    e.sites.push_back(std::move(spec));
  }
}

void read_scales(TomlSection& c, ClusterExperiment& e) {
  e.capacity_scales = {1.0};
  if (!c.has("capacity_scales")) return;
  e.capacity_scales = c.numbers("capacity_scales").value_or(std::vector<double>{});
  if (e.capacity_scales.empty())
    c.fail("capacity_scales", "the list is empty",
           "give at least one scale, e.g. [1.0], or remove the key");
  for (std::size_t i = 0; i < e.capacity_scales.size(); ++i) {
    const double s = e.capacity_scales[i];
    if (!(s > 0) || s > kMaxCapacityScale)
      c.fail("capacity_scales", fmt::format("scale {:g} is out of range", s),
             fmt::format("give scales > 0 and at most {:g}", kMaxCapacityScale));
    if (std::find(e.capacity_scales.begin(),
                  e.capacity_scales.begin() + static_cast<std::ptrdiff_t>(i),
                  s) != e.capacity_scales.begin() + static_cast<std::ptrdiff_t>(i))
      c.fail("capacity_scales", fmt::format("scale {:g} is listed twice", s),
             "list each scale once");
  }
}

void read_schedulers(TomlSection& c, ClusterExperiment& e) {
  e.schedulers = require_strings(c, "schedulers", "[\"fifo\", \"carbon-delay\"]");
  for (std::size_t i = 0; i < e.schedulers.size(); ++i) {
    const auto& name = e.schedulers[i];
    try {
      (void)sim::cluster::make_scheduler(name);
    } catch (const ConfigError&) {
      c.fail("schedulers", fmt::format("unknown scheduler '{}'", name),
             fmt::format("use one of: {}", sim::cluster::scheduler_names()));
    }
    if (std::find(e.schedulers.begin(), e.schedulers.begin() + static_cast<std::ptrdiff_t>(i),
                  name) != e.schedulers.begin() + static_cast<std::ptrdiff_t>(i))
      c.fail("schedulers", fmt::format("scheduler '{}' is listed twice", name),
             "list each scheduler once");
  }
}

void read_jobs(TomlSection& c, ClusterExperiment& e, const std::filesystem::path& base_dir) {
  const char* const one_way =
      "give either trace = \"jobs.csv\" (relative to this file) or generate = "
      "\"poisson:rate=12/h,jobs=10000\"";
  const auto trace = c.string("trace");
  const auto generate = c.string("generate");
  if (trace && generate) c.fail("generate", "trace and generate exclude each other", one_way);
  if (!trace && !generate) c.fail("trace", "missing: the section gives no jobs", one_way);
  if (trace) {
    if (trace->empty()) c.fail("trace", "the path is empty", one_way);
    e.jobs.trace = resolve(base_dir, *trace);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(e.jobs.trace, ec))
      c.fail("trace", fmt::format("{} does not exist", e.jobs.trace.string()),
             "give the path of the trace CSV relative to the experiment file");
    if (auto unit = c.duration("time_unit")) e.jobs.time_unit = *unit;
    if (auto w = c.number("accelerator_power_w")) {
      if (!(*w > 0))
        c.fail("accelerator_power_w", fmt::format("{:g} W is not positive", *w),
               "give the power of one accelerator in W, such as 280");
      e.jobs.accelerator_watts = *w;
    }
  } else {
    for (const char* key : {"time_unit", "accelerator_power_w"})
      if (c.has(key))
        c.fail(
            key, "only a trace takes this key",
            "remove it: generated jobs take their times and power from the spec and the catalog");
    try {
      (void)workloads::jobs::GeneratorSpec::parse(*generate);
    } catch (const ConfigError& err) {
      c.fail("generate", err.what());
    }
    e.jobs.generate = *generate;
  }
  if (auto start = c.string("trace_start")) {
    try {
      e.trace_start = parse_time(*start, "trace_start").time_since_epoch().count();
    } catch (const ConfigError& err) {
      c.fail("trace_start", err.what(), "write a UTC date or time, such as \"2020-01-01T00:00Z\"");
    }
  }
  if (auto slack = c.duration("slack", Zero::allowed)) e.jobs.slack = *slack;
  if (auto b = c.boolean("interruptible")) e.jobs.interruptible = *b;
}

void read_costs(TomlSection& c, ClusterExperiment& e) {
  if (auto t = c.duration("checkpoint_time", Zero::allowed)) e.costs.checkpoint_time = *t;
  if (auto en = read_checkpoint_energy(c, e.costs.checkpoint_time)) e.costs.checkpoint_energy = *en;
  if (auto m = c.duration("min_run", Zero::allowed)) e.costs.min_run = *m;
}

}  // namespace

bool is_cluster_experiment(std::string_view text, const std::string& file) {
  const toml::table doc = parse_toml(text, file);
  const toml::node* c = doc.get("cluster");
  return c != nullptr && c->is_table();
}

ClusterExperiment parse_cluster_experiment(std::string_view text, const std::string& file,
                                           const std::filesystem::path& base_dir) {
  const toml::table doc = parse_toml(text, file);
  TomlSection root(doc, file, "experiment");
  ClusterExperiment e;
  e.file = file;
  e.text = std::string(text);

  {
    TomlSection g = require_section(root, "grids", kReference);
    for (const char* key : {"regions", "years"})
      if (g.has(key))
        g.fail(key, "a cluster experiment takes no regions or years",
               "remove it: the [cluster] sites name the regions, the jobs' arrivals the span");
    GridChoice choice = read_grid_choice(g, base_dir);
    e.store = std::move(choice.store);
    e.store_line = choice.store_line;
    e.step = choice.step;
    e.signal = choice.signal;
    e.basis = choice.basis;
    g.finish();
  }
  {
    TomlSection c = require_section(root, "cluster", kReference);
    read_sites(c, e);
    read_scales(c, e);
    read_schedulers(c, e);
    read_jobs(c, e, base_dir);
    read_costs(c, e);
    c.finish();
  }
  if (auto f = root.table("forecasts")) {
    ForecastAxis axis = read_forecast_axis(*f);
    f->finish();
    e.forecasts = std::move(axis.models);
    e.seeds = std::move(axis.seeds);
  } else {
    const ForecastAxis axis;
    e.forecasts = axis.models;
    e.seeds = axis.seeds;
  }
  e.output = read_output(root, base_dir, kReference, "results/cluster.h5");
  e.output_line = root.table("output")->line_of("path");
  root.finish();
  return e;
}

ClusterExperiment read_cluster_experiment(const std::filesystem::path& path) {
  return parse_cluster_experiment(read_file(path), path.string(), path.parent_path());
}

}  // namespace shiftsim::experiments
