#include "experiments/experiment_sections.hpp"

#include <fmt/format.h>

#include <system_error>

#include "grids/hdf5/file.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"
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

void check_experiment_paths(const std::string& file, const std::filesystem::path& store,
                            std::size_t store_line, const std::filesystem::path& output,
                            std::size_t output_line) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(store, ec))
    throw IoError(fmt::format(
        "{}:{}: [grids] 'store': {} does not exist; give the path of a grid store (relative to "
        "the experiment file), or create one with 'shiftsim grids import'",
        file, store_line, store.string()));
  if (fs::is_directory(store, ec) || !hdf5::File::is_hdf5(store))
    throw IoError(fmt::format(
        "{}:{}: [grids] 'store': {} is not an HDF5 file, so not a grid store; give the path of "
        "one made by 'shiftsim grids import'",
        file, store_line, store.string()));
  if (output_line == 0) return;
  // The output checks every command's outputs pass (output_path.hpp), located at the key. An
  // existing cube is left to --force, which only the command knows.
  const NamedPath inputs[] = {{store, "the grid store"}, {fs::path(file), "the experiment file"}};
  check_output_path({output, fmt::format("{}:{}: [output] 'path':", file, output_line)}, inputs,
                    /*force=*/true);
}

}  // namespace shiftsim::experiments
