#include "experiments/experiment.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <utility>

#include "experiments/experiment_sections.hpp"
#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/toml_reader.hpp"
#include "workloads/catalog.hpp"

namespace shiftsim::experiments {

namespace {

// The header documenting the file format, for hints.
constexpr std::string_view kReference = "experiments/experiment.hpp";
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 9999;
constexpr int kMaxPerMonth = 28;           // every month has at least 28 days, so 28 steps
constexpr Seconds kMaxEvery = 366 * kDay;  // one (leap) year

void read_grids(TomlSection g, Experiment& e, const std::filesystem::path& base_dir) {
  GridChoice choice = read_grid_choice(g, base_dir);
  e.store = std::move(choice.store);
  e.step = choice.step;
  e.signal = choice.signal;
  e.basis = choice.basis;
  e.store_line = choice.store_line;
  e.signal_line = choice.signal_line;
  e.regions_line = g.line_of("regions");
  e.years_line = g.line_of("years");

  const auto regions = require_strings(g, "regions", "[\"all\"]");
  const bool all = std::find(regions.begin(), regions.end(), "all") != regions.end();
  if (all) {
    if (regions.size() != 1)
      g.fail("regions", "\"all\" cannot be combined with other regions",
             "write [\"all\"] for the 16 paper regions, or list the regions");
    for (const auto& r : grids::paper_regions()) e.regions.push_back(r.label);
  } else {
    for (const auto& name : regions) {
      // A paper region by label, cloud region, zone id or BA; otherwise a zone id that only the
      // store can confirm.
      const auto* r = grids::find_region(name);
      std::string resolved = r ? r->label : grids::zone_for(name);  // zone_for: the text, trimmed
      if (std::find(e.regions.begin(), e.regions.end(), resolved) != e.regions.end())
        g.fail("regions",
               r && resolved != name
                   ? fmt::format("'{}' is region '{}', which is listed already", name, resolved)
                   : fmt::format("'{}' is listed twice", name),
               "list each region once");
      e.regions.push_back(std::move(resolved));
    }
  }

  const auto years = g.integers("years");
  if (!years) g.fail("years", "missing", "add years = [2020]");
  if (years->empty()) g.fail("years", "the list is empty", "give at least one year, e.g. [2020]");
  for (auto y : *years) {
    if (y < kMinYear || y > kMaxYear)
      g.fail("years", fmt::format("year {} is out of range", y),
             fmt::format("give calendar years from {} to {}", kMinYear, kMaxYear));
    if (std::find(e.years.begin(), e.years.end(), y) != e.years.end())
      g.fail("years", fmt::format("year {} is listed twice", y), "list each year once");
    // The start axis follows the list; sorting it quietly would hide a typo such as 2021 for
    // 2012, and the header promises increasing years.
    if (!e.years.empty() && y < e.years.back())
      g.fail("years", fmt::format("year {} comes after {}: years must increase", y, e.years.back()),
             "list the years in increasing order, e.g. [2020, 2021]");
    e.years.push_back(static_cast<int>(y));
  }

  g.finish();
}

void read_workloads(TomlSection w, Experiment& e, const std::filesystem::path& base_dir) {
  const auto& catalog = workloads::builtin_catalog();
  const auto names = require_strings(w, "names", "[\"all\"]");
  const bool all = std::find(names.begin(), names.end(), "all") != names.end();
  if (all) {
    if (names.size() != 1)
      w.fail("names", "\"all\" cannot be combined with other workloads",
             "write [\"all\"] for the 11 catalog jobs, or list the workloads");
    for (const auto& entry : catalog.entries()) e.workloads.push_back(entry.name);
  } else {
    for (const auto& name : names) {
      std::string resolved;
      if (const auto* entry = catalog.find(name)) {
        resolved = entry->name;
      } else {
        const auto path = resolve(base_dir, name);
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec))
          w.fail("names",
                 fmt::format("'{}' is neither a catalog workload nor a workload file ({} does not "
                             "exist)",
                             name, path.string()),
                 fmt::format("use a catalog name ({}) or a workload file path relative to the "
                             "experiment file",
                             catalog.names()));
        resolved = path.string();
      }
      if (std::find(e.workloads.begin(), e.workloads.end(), resolved) != e.workloads.end())
        w.fail("names", fmt::format("'{}' is listed twice", name), "list each workload once");
      e.workloads.push_back(std::move(resolved));
    }
  }
  w.finish();
}

void read_starts(TomlSection s, Experiment& e) {
  const char* const allowed =
      "give either every = \"1h\", or scheme = \"paper\" with optional seed and per_month";
  const auto every = s.duration("every");
  const auto scheme = s.string("scheme");
  const auto seed = s.integer("seed");
  const auto per_month = s.integer("per_month");
  if (every && scheme) s.fail("scheme", "every and scheme exclude each other", allowed);
  if (!every && !scheme) s.fail("every", "missing: the section gives no start times", allowed);
  if (every) {
    if (seed || per_month)
      s.fail(seed ? "seed" : "per_month", "only the paper scheme takes this key", allowed);
    if (*every % e.step != Seconds{0})
      s.fail("every",
             fmt::format("{} is not a multiple of the step {}", format_duration(*every),
                         format_duration(e.step)),
             "starts lie on the step grid: give a multiple of [grids] step");
    if (*every > kMaxEvery)
      s.fail("every", fmt::format("{} is longer than a year", format_duration(*every)),
             fmt::format("give at most {}", format_duration(kMaxEvery)));
    e.starts.kind = StartScheme::Kind::every;
    e.starts.every = *every;
  } else {
    if (*scheme != "paper") s.fail("scheme", fmt::format("unknown scheme '{}'", *scheme), allowed);
    e.starts.kind = StartScheme::Kind::paper;
    if (seed) {
      if (*seed < 0) s.fail("seed", fmt::format("seed {} is negative", *seed), "give a seed >= 0");
      e.starts.seed = static_cast<std::uint64_t>(*seed);
    }
    if (per_month) {
      if (*per_month < 1 || *per_month > kMaxPerMonth)
        s.fail("per_month", fmt::format("{} starts per month is out of range", *per_month),
               fmt::format("give 1 to {} (the paper uses 5)", kMaxPerMonth));
      e.starts.per_month = static_cast<int>(*per_month);
    }
  }
  s.finish();
}

// A window and its spelling in labels: the text as written (trimmed), so that the paper's "24h"
// stays "24h" (Window::describe() would give "1d"). Duplicates are found on the parsed values.
struct NamedWindow {
  sim::Window window;
  std::string text;
};

std::vector<NamedWindow> read_windows(TomlSection& p, sim::PolicyKind kind) {
  std::vector<NamedWindow> out;
  if (kind == sim::PolicyKind::baseline) {
    if (p.has("windows"))
      p.fail("windows", "the baseline starts at the requested time and takes no window",
             "remove windows from this [[policy]]");
    out.push_back({});
    return out;
  }
  const auto texts = require_strings(p, "windows", "[\"6h\", \"25%\"]");
  std::set<std::string> seen;
  for (const auto& t : texts) {
    sim::Window w;
    try {
      w = sim::Window::parse(t);
    } catch (const ConfigError& err) {
      p.fail("windows", err.what(),
             "a window is a duration (\"6h\") or a share of the job's duration (\"25%\")");
    }
    // A window of 0 lets the policy move nothing: its cells would be the baseline, labelled as
    // a policy.
    if (w.relative ? w.percent == 0 : w.absolute == Seconds{0})
      p.fail("windows",
             fmt::format("window '{}' is 0, so {} could not move the job", t, sim::to_string(kind)),
             "give a positive window such as \"6h\" or \"25%\", or use kind = \"baseline\"");
    if (!seen.insert(w.describe()).second)
      p.fail("windows", fmt::format("window '{}' is listed twice (as {})", t, w.describe()),
             "list each window once");
    const auto b = t.find_first_not_of(" \t");
    const auto e = t.find_last_not_of(" \t");
    out.push_back({w, t.substr(b, e - b + 1)});
  }
  return out;
}

// One [[policy]] entry, expanded to its policies.
std::vector<PolicyEntry> read_policy(TomlSection p, Seconds step) {
  const auto kind_text = p.string("kind");
  if (!kind_text)
    p.fail("kind", "missing",
           "add kind = \"baseline\", \"flexible-start\", \"pause-resume\" or \"threshold\"");
  sim::PolicyKind kind{};
  try {
    kind = sim::parse_policy_kind(*kind_text);
  } catch (const ConfigError&) {
    p.fail("kind", fmt::format("unknown policy kind '{}'", *kind_text),
           "use baseline, flexible-start, pause-resume or threshold");
  }
  const std::string kind_name(sim::to_string(kind));
  const auto windows = read_windows(p, kind);

  std::vector<double> thresholds{0.0};
  if (kind == sim::PolicyKind::threshold) {
    if (!p.has("thresholds"))
      p.fail("thresholds", "missing",
             "add thresholds = [300] (g/kWh: run at or below, pause above)");
    thresholds = p.numbers("thresholds").value_or(std::vector<double>{});
    if (thresholds.empty())
      p.fail("thresholds", "the list is empty", "give at least one threshold in g/kWh, e.g. [300]");
    std::set<double> seen;
    for (double v : thresholds) {
      if (v < 0)
        p.fail("thresholds", fmt::format("threshold {:g} is negative", v),
               "give thresholds >= 0 g/kWh");
      if (!seen.insert(v).second)
        p.fail("thresholds", fmt::format("threshold {:g} is listed twice", v),
               "list each threshold once");
    }
  } else if (p.has("thresholds")) {
    p.fail("thresholds",
           fmt::format("only the threshold policy takes thresholds, not {}", kind_name),
           "remove thresholds, or use kind = \"threshold\"");
  }

  sim::PauseCosts costs;
  const bool pauses = kind == sim::PolicyKind::pause_resume || kind == sim::PolicyKind::threshold;
  for (const char* key : {"checkpoint_time", "checkpoint_energy_kwh", "min_run"})
    if (!pauses && p.has(key))
      p.fail(key, fmt::format("{} never pauses, so it has no pause costs", kind_name),
             "remove the key; pause costs apply to pause-resume and threshold");
  if (auto t = p.duration("checkpoint_time", Zero::allowed)) {
    // Pause-resume with costs plans on the step grid (the engine's threshold does not).
    if (kind == sim::PolicyKind::pause_resume && *t % step != Seconds{0})
      p.fail("checkpoint_time",
             fmt::format("{} is not a whole number of {} steps", format_duration(*t),
                         format_duration(step)),
             "pause-resume with costs plans on the step grid: give a multiple of [grids] step");
    costs.checkpoint_time = *t;
  }
  if (auto en = read_checkpoint_energy(p, costs.checkpoint_time)) costs.checkpoint_energy = *en;
  if (auto m = p.duration("min_run", Zero::allowed)) costs.min_run = *m;

  std::string name = kind_name;
  if (auto label = p.string("label")) {
    if (label->empty()) p.fail("label", "the label is empty", "write a name, or remove label");
    if (label->find('/') != std::string::npos)
      p.fail("label",
             fmt::format("'{}' contains '/', which separates the parts of a label", *label),
             "use another character, such as '-'");
    name = *label;
  } else if (!costs.is_free()) {
    name += "+pause-costs";
  }
  p.finish();

  std::vector<PolicyEntry> out;
  for (double threshold : thresholds) {
    for (const auto& w : windows) {
      PolicyEntry entry;
      entry.policy.kind = kind;
      entry.policy.window = w.window;
      entry.policy.threshold = threshold;
      if (pauses) entry.policy.costs = costs;
      if (kind == sim::PolicyKind::baseline)
        entry.label = name;
      else if (kind == sim::PolicyKind::threshold)
        entry.label = fmt::format("{}/{:g}/{}", name, threshold, w.text);
      else
        entry.label = fmt::format("{}/{}", name, w.text);
      out.push_back(std::move(entry));
    }
  }
  return out;
}

void read_forecasts(std::optional<TomlSection> f, Experiment& e) {
  ForecastAxis axis;
  if (f) {
    axis = read_forecast_axis(*f);
    f->finish();
  }
  e.forecasts = std::move(axis.models);
  e.seeds = std::move(axis.seeds);
}

// Draw number `counter` of (seed, year, month): a pure function of the four.
std::uint64_t draw(std::uint64_t seed, int year, unsigned month, std::uint64_t counter) {
  std::uint64_t h = splitmix64(seed);
  h = splitmix64(h ^ (static_cast<std::uint64_t>(year) * 16 + month));
  return splitmix64(h ^ counter);
}

}  // namespace

GridChoice read_grid_choice(TomlSection& g, const std::filesystem::path& base_dir) {
  GridChoice c;
  const auto store = g.string("store");
  if (!store || store->empty())
    g.fail("store", store ? "the path is empty" : "missing",
           "add store = \"grids.h5\" (the grid store, relative to this file)");
  c.store = resolve(base_dir, *store);
  c.store_line = g.line_of("store");
  c.signal_line = g.has("signal") ? g.line_of("signal") : 0;
  const auto step = g.duration("step");
  if (!step) g.fail("step", "missing", "add step = \"5min\" (the simulation step)");
  try {
    check_simulation_step(*step);
  } catch (const ConfigError& err) {
    g.fail("step", err.what());
  }
  c.step = *step;

  if (auto s = g.string("signal")) {
    try {
      c.signal = parse_signal(*s);
    } catch (const ConfigError& err) {
      g.fail("signal", err.what(), "use average, marginal or surrogate, or remove the key");
    }
  }
  if (auto b = g.string("basis")) {
    try {
      c.basis = parse_basis(*b);
    } catch (const ConfigError& err) {
      g.fail("basis", err.what(), "use direct or lifecycle, or remove the key");
    }
  }
  return c;
}

ForecastAxis read_forecast_axis(TomlSection& f) {
  ForecastAxis a;
  if (f.has("models")) {
    a.models = require_strings(f, "models", "[\"perfect\", \"gaussian:0.1\"]");
    std::set<std::string> seen;
    for (const auto& m : a.models) {
      sim::ForecastSpec spec;
      try {
        spec = sim::ForecastSpec::parse(m);
      } catch (const ConfigError& err) {
        f.fail("models", err.what(),
               "use perfect, gaussian:E, uniform:E, persistence, series:KEY or issued:KEY");
      }
      if (!seen.insert(spec.describe()).second)
        f.fail("models", fmt::format("model '{}' is listed twice (as {})", m, spec.describe()),
               "list each model once");
    }
  }
  if (auto seeds = f.integers("seeds")) {
    if (seeds->empty()) f.fail("seeds", "the list is empty", "give at least one seed, e.g. [1]");
    a.seeds.clear();
    for (auto s : *seeds) {
      if (s < 0) f.fail("seeds", fmt::format("seed {} is negative", s), "give seeds >= 0");
      const auto u = static_cast<std::uint64_t>(s);
      if (std::find(a.seeds.begin(), a.seeds.end(), u) != a.seeds.end())
        f.fail("seeds", fmt::format("seed {} is listed twice", s), "list each seed once");
      a.seeds.push_back(u);
    }
  }
  return a;
}

Experiment parse_experiment(std::string_view text, const std::string& file,
                            const std::filesystem::path& base_dir) {
  const toml::table doc = parse_toml(text, file);
  TomlSection root(doc, file, "experiment");
  Experiment e;
  e.file = file;
  e.text = std::string(text);

  read_grids(require_section(root, "grids", kReference), e, base_dir);
  read_workloads(require_section(root, "workloads", kReference), e, base_dir);
  read_starts(require_section(root, "starts", kReference), e);

  auto policies = root.tables("policy");
  if (policies.empty())
    throw ParseError(file, 0, "missing section [[policy]]",
                     "add at least one [[policy]] with kind = \"baseline\", \"flexible-start\", "
                     "\"pause-resume\" or \"threshold\"");
  std::vector<std::string> label_where;  // the entry each policy comes from, for messages
  for (std::size_t i = 0; i < policies.size(); ++i) {
    const std::size_t line = policies[i].line();
    const std::string where = policies[i].where();
    for (auto& entry : read_policy(std::move(policies[i]), e.step)) {
      for (std::size_t k = 0; k < e.policies.size(); ++k)
        if (e.policies[k].label == entry.label)
          throw ParseError(file, line,
                           fmt::format("{}: the policy label '{}' is used already (by {})", where,
                                       entry.label, label_where[k]),
                           "give this entry another label = \"...\", or remove the duplicate");
      e.policies.push_back(std::move(entry));
      label_where.push_back(where);
    }
  }

  read_forecasts(root.table("forecasts"), e);

  e.output = read_output(root, base_dir, kReference, "results/sweep.h5");
  e.output_line = root.table("output")->line_of("path");

  root.finish();
  return e;
}

Experiment read_experiment(const std::filesystem::path& path) {
  return parse_experiment(read_file(path), path.string(), path.parent_path());
}

std::vector<TimePoint> start_times(const Experiment& e) {
  std::vector<TimePoint> out;
  if (e.years.empty()) return out;
  if (e.starts.kind == StartScheme::Kind::every) {
    // Each run of consecutive years is one span, stepped from its first 1 January.
    std::size_t i = 0;
    while (i < e.years.size()) {
      std::size_t j = i;
      while (j + 1 < e.years.size() && e.years[j + 1] == e.years[j] + 1) ++j;
      const TimePoint end = make_time(e.years[j] + 1, 1, 1);
      for (TimePoint t = make_time(e.years[i], 1, 1); t < end; t += e.starts.every)
        out.push_back(t);
      i = j + 1;
    }
    return out;
  }
  const auto per_month = static_cast<std::size_t>(e.starts.per_month);
  for (int year : e.years) {
    for (unsigned month = 1; month <= 12; ++month) {
      const TimePoint from = make_time(year, month, 1);
      const TimePoint to = month == 12 ? make_time(year + 1, 1, 1) : make_time(year, month + 1, 1);
      const auto slots = static_cast<std::uint64_t>((to - from) / e.step);
      std::vector<std::uint64_t> picked;
      // Duplicates are redrawn with the next counter; slots >= 28 >= per_month, so this ends.
      // (Modulo bias is below slots / 2^64: irrelevant.)
      for (std::uint64_t counter = 0; picked.size() < per_month; ++counter) {
        const std::uint64_t k = draw(e.starts.seed, year, month, counter) % slots;
        if (std::find(picked.begin(), picked.end(), k) == picked.end()) picked.push_back(k);
      }
      std::sort(picked.begin(), picked.end());
      for (auto k : picked) out.push_back(from + e.step * static_cast<std::int64_t>(k));
    }
  }
  return out;
}

}  // namespace shiftsim::experiments
