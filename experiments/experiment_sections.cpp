#include "experiments/experiment_sections.hpp"

#include <fmt/format.h>

#include "sim/core/errors.hpp"
#include "sim/pause_costs.hpp"

namespace shiftsim::experiments {

TomlSection require_section(TomlSection& root, std::string_view name, std::string_view reference) {
  auto s = root.table(name);
  if (!s)
    throw ParseError(root.file(), 0, fmt::format("missing section [{}]", name),
                     fmt::format("add a [{}] section (see {})", name, reference));
  return std::move(*s);
}

std::vector<std::string> require_strings(TomlSection& t, std::string_view key,
                                         const std::string& example) {
  auto v = t.strings(key);
  if (!v) t.fail(key, "missing", fmt::format("add {} = {}", key, example));
  if (v->empty())
    t.fail(key, "the list is empty", fmt::format("give at least one, e.g. {} = {}", key, example));
  for (const auto& s : *v)
    if (s.find_first_not_of(" \t") == std::string::npos)
      t.fail(key, "an element is empty", "remove it or write a name");
  return std::move(*v);
}

std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& rel) {
  const std::filesystem::path p(rel);
  return (p.is_absolute() ? p : base_dir / p).lexically_normal();
}

std::optional<Energy> read_checkpoint_energy(TomlSection& t, Seconds checkpoint_time) {
  const auto en = t.number("checkpoint_energy_kwh");
  if (!en) return std::nullopt;
  if (auto no = sim::check_checkpoint_energy(*en, checkpoint_time, "checkpoint_time = \"10min\""))
    t.fail("checkpoint_energy_kwh", no->what, no->hint);
  return kwh(*en);
}

std::filesystem::path read_output(TomlSection& root, const std::filesystem::path& base_dir,
                                  std::string_view reference, std::string_view example) {
  TomlSection out = require_section(root, "output", reference);
  const auto path = out.string("path");
  if (!path || path->empty())
    out.fail("path", path ? "the path is empty" : "missing",
             fmt::format("add path = \"{}\" (relative to this file)", example));
  out.finish();
  return resolve(base_dir, *path);
}

}  // namespace shiftsim::experiments
