// shiftsim grids export: one series of a grid store as CSV or netCDF-4, so that researchers read
// it with pandas or xarray without knowing the store's HDF5 layout. The netCDF file is laid out
// as a result cube is (experiments/cube_file.hpp: a CF time dimension, xarray opens it with
// engine="h5netcdf"); a SYNTHETIC series says so in both.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "experiments/cube.hpp"
#include "experiments/cube_file.hpp"
#include "grids/calibrated.hpp"
#include "grids/regions.hpp"
#include "grids/store.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::cli {

namespace {

namespace ex = shiftsim::experiments;

struct Args {
  std::string store, zone, signal, basis, format = "csv", out;
  bool force = false;
};

// "SYNTHETIC ..." for a surrogate series, else empty.
std::string synthetic_note(const grids::Series& s) {
  if (s.key.signal != Signal::surrogate) return {};
  return s.source.find(grids::kCalibratedNote) != std::string::npos
             ? std::string(grids::kCalibratedNote) + ": not measurements"
             : "SYNTHETIC: the built-in surrogate series, not measurements";
}

void write_csv(const grids::Series& s, const std::string& path) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << "# " << s.key.label() << " from " << s.source;
    if (const auto note = synthetic_note(s); !note.empty()) f << "; " << note;
    f << "\n# flags: bit 0 estimated by the provider, bit 1 repaired by shiftsim (grids list)\n";
    f << "time_utc,intensity_g_per_kwh,flags\n";
    for (std::size_t i = 0; i < s.size(); ++i)
      f << format_time(s.time_at(i)) << ',' << fmt::format("{}", s.values[i]) << ','
        << static_cast<int>(s.flags[i]) << '\n';
    if (!f.flush()) throw IoError(fmt::format("{}: cannot write", path));
  }
  out.commit();
}

void write_netcdf(const grids::Series& s, const std::string& path) {
  ex::Cube c;
  std::vector<std::int64_t> t;
  for (std::size_t i = 0; i < s.size(); ++i) t.push_back(s.time_at(i).time_since_epoch().count());
  c.dims.push_back({"time", ex::Times{std::move(t)}, {{"long_name", "start of the step (UTC)"}}});
  ex::Variable v;
  v.name = "intensity";
  v.dims = {"time"};
  v.f64 = s.values;
  v.attrs = {{"units", "g/kWh"},
             {"long_name", fmt::format("carbon intensity, {} ({} emissions)",
                                       to_string(s.key.signal), to_string(s.key.basis))}};
  c.vars.push_back(std::move(v));
  ex::Variable f;
  f.name = "flags";
  f.dims = {"time"};
  f.type = ex::DType::i32;
  f.i32.assign(s.flags.begin(), s.flags.end());
  f.attrs = {{"units", "1"},
             {"long_name", "bit 0: estimated by the provider; bit 1: repaired by shiftsim"}};
  c.vars.push_back(std::move(f));
  const auto* region = grids::find_region(s.key.zone);
  c.attrs = {{"title", "shiftsim grid series " + s.key.label()},
             {"Conventions", "CF-1.8"},
             {"zone", s.key.zone},
             {"signal", std::string(to_string(s.key.signal))},
             {"basis", std::string(to_string(s.key.basis))},
             {"source", s.source},
             {"step", format_duration(s.step)},
             {"sha256", grids::values_sha256(s)},
             {"timezone", region ? region->timezone : std::string()},
             {"shiftsim_version", SHIFTSIM_VERSION}};
  if (const auto note = synthetic_note(s); !note.empty()) c.attrs["data_warning"] = note;
  ex::write_cube(c, path, /*overwrite=*/true);  // the existing-file check is the caller's
}

void run(const Args& a) {
  if (a.format != "csv" && a.format != "netcdf")
    throw ConfigError(fmt::format("--format {}: give csv or netcdf", a.format));
  const grids::GridStore store = grids::GridStore::load(a.store);
  const auto found = grids::series_for(
      store, a.zone, a.signal.empty() ? std::nullopt : std::optional(parse_signal(a.signal)),
      a.basis.empty() ? std::nullopt : std::optional(parse_basis(a.basis)));
  if (found.empty())
    throw ConfigError(fmt::format(
        "{}: no series for '{}'{}; 'shiftsim grids list {}' shows what the store holds", a.store,
        a.zone, a.signal.empty() && a.basis.empty() ? "" : " with that signal/basis", a.store));
  if (found.size() > 1) {
    std::string keys;
    for (const auto* s : found) keys += (keys.empty() ? "" : ", ") + s->key.label();
    throw ConfigError(fmt::format("{}: '{}' has {} series ({}); pick one with --signal and --basis",
                                  a.store, a.zone, found.size(), keys));
  }
  const std::vector<NamedPath> inputs{{a.store, "the grid store"}};
  check_output_path({a.out, "--out"}, inputs, a.force);
  check_output_folder({a.out, "--out"});
  const grids::Series& s = *found.front();
  if (a.format == "csv")
    write_csv(s, a.out);
  else
    write_netcdf(s, a.out);
  fmt::print("{}: {} values of {} from {}{}\n", a.out, s.size(), s.key.label(),
             format_time(s.start),
             s.forecast.empty() ? "" : " (its issued forecasts are not exported)");
}

}  // namespace

void add_grids_export(CLI::App& grids_app) {
  auto a = std::make_shared<Args>();
  auto* cmd = grids_app.add_subcommand(
      "export", "One series of a grid store as CSV or netCDF (xarray, pandas; no HDF5 internals)");
  cmd->add_option("store", a->store, "grid store (HDF5)")->required();
  cmd->add_option("zone", a->zone, "zone id, WattTime BA, or region (label or cloud name)")
      ->required();
  cmd->add_option("--signal", a->signal, "only this signal");
  cmd->add_option("--basis", a->basis, "only this basis");
  cmd->add_option("--format", a->format, "csv (default) or netcdf (netCDF-4: xarray opens it)");
  cmd->add_option("-o,--out", a->out, "the file to write")->required();
  cmd->add_flag("-f,--force", a->force, "replace an existing file");
  cmd->callback([a] { run(*a); });
}

}  // namespace shiftsim::cli
