#include "workloads/workload_file.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/toml_reader.hpp"
#include "workloads/catalog.hpp"
#include "workloads/measured/measured.hpp"
#include "workloads/phases.hpp"

namespace shiftsim::workloads {

namespace {

constexpr double kGramsPerKg = 1000;
// Plausibility bounds: far beyond any real job, and they keep every product finite.
constexpr double kMaxPue = 10;
constexpr double kMaxPowerW = 1e9;      // a gigawatt
constexpr double kMaxEnergyKwh = 1e10;  // ten terawatt-hours
constexpr double kMaxLifespanYears = 100;
constexpr double kMaxEmbodiedG = 1e12;  // a million tonnes
constexpr std::int64_t kMaxAccelerators = 1'000'000;

PowerLevel read_level(TomlSection& t, std::string_view key, bool allow_relative) {
  const auto* hint = allow_relative ? "write \"250 W\", \"1.2 kW\" or \"40%\" (of the steady level)"
                                    : "write \"250 W\" or \"1.2 kW\"";
  std::optional<PowerLevel> level;
  // A bare number is watts; a string carries its unit.
  if (t.is_number(key))
    level = PowerLevel{*t.number(key), false};
  else if (auto s = t.string(key))
    level = parse_power_level(*s);
  if (!level) t.fail(key, "is missing or not a power", hint);
  if (level->relative && !allow_relative) t.fail(key, "a share is not allowed here", hint);
  if (level->value < 0) t.fail(key, "power cannot be negative", hint);
  return *level;
}

// "13%" (share of IT power) or "30 W".
void read_overhead_part(TomlSection& t, std::string_view key, double& share, Power& power) {
  if (!t.has(key)) return;
  auto s = t.string(key);
  auto level = parse_power_level(*s);
  if (!level)
    t.fail(key, fmt::format("'{}' is neither a share nor a power", *s),
           "write \"13%\" (share of the server's IT power) or \"30 W\"");
  if (level->relative) {
    if (level->value >= 1)
      t.fail(key,
             fmt::format("a share of {} % leaves nothing for the accelerators", level->value * 100),
             "write a share below 100 %, or watts");
    share = level->value;
  } else {
    if (level->value > kMaxPowerW) t.fail(key, fmt::format("{} W is implausible", level->value));
    power = watts(level->value);
  }
}

double read_share(TomlSection& t, std::string_view key) {
  if (!t.has(key)) return 1.0;
  double v = 0;
  if (t.is_number(key)) {
    v = *t.number(key);
  } else {
    auto level = parse_power_level(*t.string(key));
    if (!level || !level->relative) t.fail(key, "expected a share such as 0.5 or \"50%\"");
    v = level->value;
  }
  if (!(v > 0 && v <= 1)) t.fail(key, fmt::format("the share {} is not in (0, 1]", v));
  return v;
}

Overheads read_overheads(TomlSection t) {
  Overheads o;
  if (auto pue = t.number("pue")) {
    if (*pue < 1) t.fail("pue", fmt::format("PUE {} is below 1", *pue), "a PUE is at least 1.0");
    if (*pue > kMaxPue)
      t.fail("pue", fmt::format("PUE {} is implausible", *pue),
             "data centres report 1.1 to 2; the global average is about 1.6");
    o.pue = *pue;
  }
  read_overhead_part(t, "cpu", o.cpu_share, o.cpu_power);
  read_overhead_part(t, "dram", o.dram_share, o.dram_power);
  if (o.cpu_share + o.dram_share >= 1)
    t.fail(t.has("dram") ? "dram" : "cpu",
           fmt::format("CPU and DRAM shares add up to {} % of the IT power, leaving none for the "
                       "accelerators",
                       (o.cpu_share + o.dram_share) * 100),
           "shares are of the whole server's power (Table 1 of the paper: CPU 13 %, DRAM 13 %)");
  t.finish();
  return o;
}

Embodied read_embodied(TomlSection t) {
  Embodied m;
  auto kg = t.number("total_kg");
  auto g = t.number("total_g");
  if (kg && g) t.fail("total_g", "give total_kg or total_g, not both");
  if (!kg && !g)
    t.fail("total_kg", "missing", "add total_kg = <the hardware's embodied emissions>");
  m.total = grams(kg ? *kg * kGramsPerKg : *g);
  if (m.total.value < 0)
    t.fail(kg ? "total_kg" : "total_g", "embodied emissions cannot be negative");
  if (m.total.value > kMaxEmbodiedG) t.fail(kg ? "total_kg" : "total_g", "implausibly large");
  auto years = t.number("lifespan_years");
  if (!years)
    t.fail("lifespan_years", "missing",
           "add lifespan_years = 4 (the hardware's expected lifespan)");
  if (!(*years > 0) || *years > kMaxLifespanYears)
    t.fail("lifespan_years", fmt::format("{} years is not a lifespan", *years),
           fmt::format("give a positive number of years, at most {}", kMaxLifespanYears));
  m.lifespan = Seconds{std::llround(*years * kSecondsPerYear)};
  if (m.lifespan < Seconds{1})
    t.fail("lifespan_years", "the lifespan rounds to less than a second");
  m.share = read_share(t, "share");
  t.finish();
  return m;
}

PhasePlan read_phases(TomlSection& profile, std::vector<TomlSection> phases) {
  PhasePlan plan;
  plan.file = profile.file();
  plan.line = profile.line();
  plan.step = profile.duration("step");
  if (profile.has("steady")) {
    auto level = read_level(profile, "steady", false);
    plan.steady = watts(level.value);
  }
  for (auto& p : phases) {
    Phase ph;
    ph.line = p.line();
    ph.name = p.string("name").value_or(fmt::format("phase {}", plan.phases.size() + 1));
    ph.duration = p.duration("duration");
    ph.power = read_level(p, "power", true);
    for (auto& e : p.tables("periodic")) {
      PeriodicEvent ev;
      ev.line = e.line();
      ev.name = e.string("name").value_or("event");
      auto every = e.duration("every");
      if (!every) e.fail("every", "missing", "add every = \"1h\"");
      ev.every = *every;
      auto len = e.duration("duration");
      if (!len) e.fail("duration", "missing", "add duration = \"5min\"");
      ev.length = *len;
      if (ev.length >= ev.every)
        e.fail("duration", "an event lasting its whole period never lets the phase run",
               "make duration shorter than every");
      // Zero is a valid offset here: an event right at the phase's start.
      ev.first = e.duration("first", Zero::allowed).value_or(ev.every);
      ev.power = read_level(e, "power", true);
      e.finish();
      ph.periodic.push_back(std::move(ev));
    }
    p.finish();
    plan.phases.push_back(std::move(ph));
  }
  return plan;
}

MeasuredOptions read_measured_options(TomlSection& t, std::string_view text) {
  MeasuredOptions o;
  if (auto f = t.string("format")) {
    auto fmt_ = parse_measured_format(*f);
    if (!fmt_)
      t.fail("format", fmt::format("unknown format '{}'", *f),
             "use \"nvidia-smi\", \"codecarbon\" or \"generic\"");
    o.format = *fmt_;
  } else if (auto d = detect_measured_format(text)) {
    o.format = *d;
  } else {
    o.format = MeasuredFormat::generic;
  }
  o.step = t.duration("step");
  if (auto tz = t.string("timezone")) o.timezone = *tz;
  if (auto s = t.string("time_column")) o.time_column = *s;
  if (auto s = t.string("power_column")) o.power_column = *s;
  if (auto s = t.string("energy_column")) o.energy_column = *s;
  if (auto s = t.string("unit")) o.unit = *s;
  if (auto s = t.string("run_id")) o.run_id = *s;
  // A workload's profile is the accelerators' power, so CodeCarbon's GPU column is the default
  // here; "total" (CPU and RAM included) is allowed but then excludes CPU/DRAM overheads.
  if (o.format == MeasuredFormat::codecarbon) o.component = "gpu";
  if (auto s = t.string("component")) o.component = *s;
  if (auto s = t.string("delimiter")) {
    if (s->size() != 1) t.fail("delimiter", "must be one character");
    o.delimiter = (*s)[0];
  }
  if (auto ids = t.integers("gpus"))
    for (auto id : *ids) {
      if (id < 0 || id > kMaxAccelerators)
        t.fail("gpus", fmt::format("GPU index {} is out of range", id), "GPU indices start at 0");
      o.gpus.push_back(static_cast<int>(id));
    }
  return o;
}

}  // namespace

Workload parse_workload_file(std::string_view text, const std::string& file,
                             const std::filesystem::path& base_dir) {
  const toml::table doc = parse_toml(text, file);
  TomlSection root(doc, file, "workload");

  // Defaults from a catalog job, overridden key by key.
  std::optional<CatalogEntry> base;
  if (auto b = root.string("base")) {
    const auto* e = builtin_catalog().find(*b);
    if (!e)
      root.fail("base", fmt::format("no catalog job '{}'", *b),
                fmt::format("known: {}", builtin_catalog().names()));
    base = *e;
  }
  const std::string stem = std::filesystem::path(file).stem().string();
  std::string name = root.string("name").value_or(stem);
  // The name labels the workload axis of every cube; an empty one would be a column with no name.
  if (name.empty())
    root.fail("name", "is empty", "give the workload a name, such as name = \"my-finetune\"");
  std::string label = root.string("label").value_or(base ? base->label : name);
  std::string task = root.string("task").value_or(base ? base->task : "");
  std::string dataset = root.string("dataset").value_or(base ? base->dataset : "");
  std::string gpu = root.string("gpu").value_or(base ? base->gpu : "GPU");
  int gpus = base ? base->gpus : 1;
  if (auto n = root.integer("gpus")) {
    if (*n < 1 || *n > kMaxAccelerators)
      root.fail("gpus", fmt::format("{} accelerators: give a whole number from 1 to {}", *n,
                                    kMaxAccelerators));
    gpus = static_cast<int>(*n);
  }

  // Duration and energy: this file's own, else the base job's.
  const auto own_duration = root.duration("duration");
  std::optional<Energy> own_energy;
  if (auto e = root.number("energy_kwh")) {
    if (!(*e > 0))
      root.fail("energy_kwh", fmt::format("{} kWh: a job needs a positive energy", *e));
    if (*e > kMaxEnergyKwh) root.fail("energy_kwh", fmt::format("{} kWh is implausible", *e));
    own_energy = kwh(*e);
  }
  std::optional<PowerLevel> own_power;
  if (root.has("power")) own_power = read_level(root, "power", false);
  if (own_energy && own_power)
    root.fail("power", "energy_kwh and power both fix the energy", "give one of them");
  if (own_power && !(own_power->value > 0)) root.fail("power", "a job needs a positive power");
  if (own_power && own_power->value > kMaxPowerW)
    root.fail("power", fmt::format("{} W is implausible", own_power->value));
  std::optional<Seconds> duration = own_duration;
  if (!duration && base) duration = base->duration();
  std::optional<Energy> energy = own_energy;
  if (own_power && duration) energy = watts(own_power->value) * *duration;
  if (!energy && !own_power && base) energy = kwh(base->energy_kwh);

  std::vector<std::string> notes;
  std::optional<PowerProfile> profile;
  bool includes_cpu_ram = false;  // a CodeCarbon total: CPU and RAM are in the profile already
  ProfileKind kind = ProfileKind::uniform;
  if (auto p = root.table("profile")) {
    auto phases = p->tables("phase");
    const bool measured = p->has("file");
    if (measured && !phases.empty())
      p->fail("file",
              "a profile is either measured (file) or phased ([[profile.phase]]), not both");
    if (auto k = p->string("kind")) {
      const bool ok = (*k == "measured" && measured) || (*k == "phases" && !phases.empty()) ||
                      (*k == "uniform" && !measured && phases.empty());
      if (!ok)
        p->fail(
            "kind", fmt::format("kind '{}' does not match the keys given", *k),
            "measured needs file = \"...\"; phases needs [[profile.phase]]; uniform needs neither");
    }
    if (measured) {
      if (own_duration || own_energy || own_power)
        root.fail(own_duration ? "duration" : (own_energy ? "energy_kwh" : "power"),
                  "a measured profile fixes the job's duration and energy",
                  "remove the key, or remove [profile] file to use it");
      const std::filesystem::path rel = *p->string("file");
      const std::filesystem::path path = rel.is_absolute() ? rel : base_dir / rel;
      std::string data;
      try {
        data = read_file(path);
      } catch (const IoError& e) {
        p->fail("file", e.what(), "check the path (relative to the workload file)");
      }
      auto opts = read_measured_options(*p, data);
      p->finish();
      MeasuredProfile m = [&] {
        try {
          return read_measured_profile(data, path.string(), opts);
        } catch (const ConfigError& e) {
          p->fail("file", e.what(), "check the importer's options in [profile]");
        }
      }();
      notes = m.notes;
      includes_cpu_ram = opts.format == MeasuredFormat::codecarbon && opts.component == "total";
      if (base)
        notes.push_back(fmt::format("measured profile replaces the catalog's {} h, {} kWh",
                                    base->hours, base->energy_kwh));
      profile = std::move(m.profile);
      kind = ProfileKind::measured;
    } else if (!phases.empty()) {
      if (own_power && !duration)
        root.fail("power", "with phases, a job power needs the job's duration too",
                  "add duration = \"...\", or give the phases' powers in W");
      auto plan = read_phases(*p, std::move(phases));
      p->finish();
      auto built = build_phased_profile(plan, duration, energy);
      notes.push_back(
          fmt::format("{} phases, steady level {:.6g} W", plan.phases.size(), built.steady.value));
      profile = std::move(built.profile);
      kind = ProfileKind::phases;
    } else {
      p->finish();
    }
  }
  if (!profile) {
    if (!duration)
      root.fail("duration", "missing", "add duration = \"6h\" (or base = a catalog job)");
    if (!energy) root.fail("energy_kwh", "missing", "add energy_kwh = <kWh> or power = \"300 W\"");
    profile = PowerProfile::uniform(*energy, *duration);
    notes.push_back(fmt::format("uniform power: {:.6g} kWh over {}", energy->value,
                                format_duration(*duration)));
  }

  Overheads overheads;
  if (auto t = root.table("overheads")) {
    const std::size_t line = t->line();
    overheads = read_overheads(std::move(*t));
    if (includes_cpu_ram && (overheads.cpu_share > 0 || overheads.dram_share > 0 ||
                             overheads.cpu_power.value > 0 || overheads.dram_power.value > 0))
      throw ParseError(file, line,
                       "[overheads]: CPU and DRAM are already in CodeCarbon's total energy",
                       "use component = \"gpu\" in [profile], or keep only pue here");
    try {
      (void)profile->affine(overheads.factor(), overheads.constant());
    } catch (const ConfigError& e) {
      throw ParseError(file, line, fmt::format("[overheads]: {}", e.what()),
                       "check pue, cpu and dram");
    }
  }
  Embodied embodied;
  if (auto t = root.table("embodied")) embodied = read_embodied(std::move(*t));
  root.finish();

  return Workload{.name = std::move(name),
                  .label = std::move(label),
                  .task = std::move(task),
                  .dataset = std::move(dataset),
                  .accelerator = std::move(gpu),
                  .accelerators = gpus,
                  .source = file,
                  .kind = kind,
                  .profile = std::move(*profile),
                  .overheads = overheads,
                  .embodied = embodied,
                  .alternatives = base ? base->alternatives : std::vector<Alternative>{},
                  .notes = std::move(notes)};
}

Workload read_workload_file(const std::filesystem::path& path) {
  return parse_workload_file(read_file(path), path.string(), path.parent_path());
}

Workload load_workload(const std::string& spec, const std::filesystem::path& base_dir) {
  const auto& catalog = builtin_catalog();
  if (const auto* entry = catalog.find(spec)) return entry->workload(catalog.source());
  const std::filesystem::path p =
      std::filesystem::path(spec).is_absolute() ? std::filesystem::path(spec) : base_dir / spec;
  std::error_code ec;
  if (std::filesystem::is_regular_file(p, ec)) return read_workload_file(p);
  throw ConfigError(
      fmt::format("'{}' is neither a catalog workload nor a workload file. Catalog: {}", spec,
                  catalog.names()));
}

}  // namespace shiftsim::workloads
