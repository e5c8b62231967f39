// shiftsim run: a sweep described by an experiment file, into one result cube.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>

#include "experiments/cli/commands.hpp"
#include "experiments/cube_file.hpp"
#include "experiments/experiment.hpp"
#include "experiments/progress.hpp"
#include "experiments/runner.hpp"
#include "grids/store.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::cli {

namespace {

struct Args {
  std::string experiment, out;
  int threads = 0;
  bool force = false, quiet = false;
};

void run(const Args& a) {
  namespace ex = shiftsim::experiments;
  const ex::Experiment e = ex::read_experiment(a.experiment);
  const std::filesystem::path out = a.out.empty() ? e.output : std::filesystem::path(a.out);
  // Refuse before hours of work, not after.
  if (std::filesystem::exists(out) && !a.force) {
    throw IoError(fmt::format("{}: the cube exists; pass --force to replace it, or --out "
                              "another path",
                              out.string()));
  }
  const grids::GridStore store = grids::GridStore::load(e.store);
  ex::Progress progress(ex::Progress::detect(a.quiet));
  ex::RunOptions o;
  o.threads = a.threads;
  o.version = SHIFTSIM_VERSION;
  // Only what determines the results: options that change how it runs (--threads, --quiet,
  // --force, --out) are left out, so that cubes of one experiment compare byte for byte.
  o.command_line = fmt::format("shiftsim run {}", a.experiment);
  o.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
  const ex::RunResult r = ex::run_experiment(e, store, o);
  progress.finish(r.cells_done, r.cells);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path());
  ex::write_cube(r.cube, out, a.force);
  if (!a.quiet) fmt::print("{}: {} cells x {} starts\n", out.string(), r.cells,
                           r.cube.dim("start").size());
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "Run the sweep an experiment file describes into one "
                                        "HDF5 result cube (see experiments/README.md)");
  auto a = std::make_shared<Args>();
  cmd->add_option("experiment", a->experiment, "experiment file (TOML)")->required();
  cmd->add_option("--out", a->out, "result cube (default: the file's [output] path)");
  cmd->add_option("--threads", a->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--force", a->force, "replace an existing cube");
  cmd->add_flag("--quiet", a->quiet, "no progress on stderr");
  cmd->callback([a] { run(*a); });
}

}  // namespace shiftsim::cli
