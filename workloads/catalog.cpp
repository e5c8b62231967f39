#include "workloads/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/toml_reader.hpp"

namespace shiftsim::embedded {
extern const std::string_view catalog_toml;
}

namespace shiftsim::workloads {

Seconds CatalogEntry::duration() const { return Seconds{std::llround(hours * kSecondsPerHour)}; }

Workload CatalogEntry::workload(const std::string& source) const {
  Workload w{.name = name,
             .label = label,
             .task = task,
             .dataset = dataset,
             .accelerator = gpu,
             .accelerators = gpus,
             .source = source,
             .kind = ProfileKind::uniform,
             .profile = PowerProfile::uniform(kwh(energy_kwh), duration()),
             .overheads = {},
             .embodied = {},
             .alternatives = alternatives,
             .notes = {fmt::format("uniform power: {} kWh over {} h (the paper's 5-minute "
                                   "profiles are not published)",
                                   energy_kwh, hours)}};
  return w;
}

Catalog Catalog::parse(std::string_view text, const std::string& file) {
  const toml::table doc = parse_toml(text, file);
  TomlSection root(doc, file, "catalog");
  Catalog c;
  c.source_ = root.require_string("source");
  for (auto& job : root.tables("job")) {
    CatalogEntry e;
    e.line = job.line();
    e.name = job.require_string("name");
    e.label = job.require_string("label");
    e.aliases = job.strings("aliases").value_or(std::vector<std::string>{});
    e.model = job.require_string("model");
    e.gpu = job.require_string("gpu");
    auto gpus = job.integer("gpus");
    if (!gpus || *gpus < 1 || *gpus > 1'000'000)
      job.fail("gpus", "needs a whole number from 1 to 1,000,000");
    e.gpus = static_cast<int>(*gpus);
    e.hours = job.require_number("hours");
    if (e.hours <= 0 || e.duration() <= Seconds{0}) job.fail("hours", "must be positive");
    e.energy_kwh = job.require_number("energy_kwh");
    if (e.energy_kwh <= 0) job.fail("energy_kwh", "must be positive");
    e.task = job.require_string("task");
    e.dataset = job.require_string("dataset");
    for (auto& alt : job.tables("alternative")) {
      Alternative a;
      a.field = alt.require_string("field");
      a.value = alt.require_number("value");
      a.source = alt.require_string("source");
      alt.finish();
      e.alternatives.push_back(std::move(a));
    }
    job.finish();
    if (c.find(e.name) || c.find(e.label))
      job.fail("name", fmt::format("'{}' appears twice in the catalog", e.name));
    c.entries_.push_back(std::move(e));
  }
  root.finish();
  if (c.entries_.empty()) throw ParseError(file, 0, "the catalog has no [[job]]");
  return c;
}

const CatalogEntry* Catalog::find(std::string_view name) const {
  for (const auto& e : entries_) {
    if (iequals(e.name, name) || iequals(e.label, name)) return &e;
    for (const auto& a : e.aliases)
      if (iequals(a, name)) return &e;
  }
  return nullptr;
}

Workload Catalog::workload(std::string_view name) const {
  if (const auto* e = find(name)) return e->workload(source_);
  throw ConfigError(fmt::format("no workload '{}' in the catalog. Known: {}", name, names()));
}

std::string Catalog::names() const {
  std::string out;
  for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.name;
  return out;
}

const Catalog& builtin_catalog() {
  static const Catalog catalog =
      Catalog::parse(embedded::catalog_toml, "workloads/data/catalog.toml");
  return catalog;
}

}  // namespace shiftsim::workloads
