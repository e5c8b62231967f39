// shiftsim slurm: a ready submission script for a sweep on a Slurm cluster: a job array whose
// tasks each compute their share of the cells (run --shard auto), and the merge of the parts as a
// job that starts once every task has succeeded (afterok), so a failed task leaves the parts for
// --resume instead of merging a cube with holes.
#include <fmt/format.h>

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "experiments/cluster_experiment.hpp"
#include "experiments/experiment.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"
#include "sim/core/read_file.hpp"

namespace shiftsim::cli {

namespace {

namespace fs = std::filesystem;

struct Args {
  std::string experiment, out, partition, time, shiftsim;
  std::size_t tasks = 0;
  int cpus = 2;
  bool force = false;
};

// A word for the shell: single-quoted, a quote inside closed, escaped and reopened.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The executable this command runs as, so that the tasks run the same shiftsim.
std::string own_path() {
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("shiftsim") : self.string();
}

std::string script(const Args& a, const experiments::Experiment& e) {
  const std::string exe = a.shiftsim.empty() ? own_path() : fs::absolute(a.shiftsim).string();
  const std::string experiment = fs::absolute(a.experiment).lexically_normal().string();
  const std::string cube = fs::absolute(e.output).lexically_normal().string();
  std::string options;
  if (!a.partition.empty()) options += " --partition=" + quoted(a.partition);
  if (!a.time.empty()) options += " --time=" + quoted(a.time);
  const std::string name = fs::path(a.experiment).stem().string();
  const std::string tasks = std::to_string(a.tasks), cpus = std::to_string(a.cpus);
  // Plain lines (no format string: the script is full of the shell's braces and percents).
  std::string s;
  auto line = [&](const std::string& text) { s += text + "\n"; };
  line("#!/bin/bash");
  line("# Made by 'shiftsim slurm': the sweep " + experiment);
  line("# in " + tasks + " array tasks of " + cpus + " CPUs each, then the merge of their parts");
  line("# into " + cube);
  line("# Submit it with: bash THIS_FILE   (it calls sbatch twice and prints the two job ids).");
  line("# The merge starts once every task has succeeded. A task that fails or hits its time");
  line("# limit keeps its finished cells in its part's .journal, and the merge then never starts");
  line("# (scancel it): finish the task with '$S run $EXPERIMENT --shard I/" + tasks +
       " --resume', then");
  line("# merge by hand: $S merge --out $CUBE $CUBE.part*-of-" + tasks);
  line("set -euo pipefail");
  line("S=" + quoted(exe));
  line("EXPERIMENT=" + quoted(experiment));
  line("CUBE=" + quoted(cube));
  line("mkdir -p \"$(dirname \"$CUBE\")\"");
  // sbatch runs a --wrap command with /bin/sh: POSIX single quotes, not bash's printf %q. The
  // tasks replace their part of an earlier submission (--force), as the merge replaces the cube.
  const std::string task_cmd = quoted(exe) + " run " + quoted(experiment) +
                               " --shard auto --threads " + cpus + " --quiet --force";
  const std::string merge_cmd = quoted(exe) + " merge --out " + quoted(cube) + " --force " +
                                quoted(cube) + ".part*-of-" + tasks;
  line("array=$(sbatch --parsable --job-name=" + quoted("shiftsim-" + name) + " --array=0-" +
       std::to_string(a.tasks - 1) + " --cpus-per-task=" + cpus + options + " \\");
  line("  --output=\"$CUBE.task%a.log\" --wrap " + quoted(task_cmd) + ")");
  line("merge=$(sbatch --parsable --job-name=" + quoted("shiftsim-" + name + "-merge") +
       " --dependency=afterok:\"${array%%;*}\" --cpus-per-task=1" + options + " \\");
  line("  --output=\"$CUBE.merge.log\" --wrap " + quoted(merge_cmd) + ")");
  line("echo \"submitted: array $array (" + tasks +
       " tasks), merge $merge (after the array) -> $CUBE\"");
  return s;
}

void run(const Args& a) {
  if (a.tasks == 0) throw ConfigError("--tasks 0: give the number of array tasks, at least 1");
  const std::string text = read_file(a.experiment);
  if (experiments::is_cluster_experiment(text, a.experiment))
    throw ConfigError(fmt::format(
        "{}: a cluster experiment ([cluster] table) is not sharded yet; run it whole with "
        "'shiftsim run {}' in one job",
        a.experiment, a.experiment));
  const auto e =
      experiments::parse_experiment(text, a.experiment, fs::path(a.experiment).parent_path());
  // A newline would end the script's comment lines; Slurm reads % in --output as a pattern.
  for (const auto& [what, path] : {std::pair{"the experiment file", fs::absolute(a.experiment)},
                                   std::pair{"the cube", fs::absolute(e.output)}}) {
    const std::string p = path.string();
    if (p.find_first_of("\n\r%") != std::string::npos)
      throw ConfigError(fmt::format(
          "{} {}: a path with a newline or '%' cannot go into a Slurm script; move or rename it",
          what, p));
  }
  const std::string body = script(a, e);
  if (a.out.empty()) {
    fmt::print("{}", body);
    return;
  }
  const std::vector<NamedPath> inputs{{a.experiment, "the experiment file"}};
  check_output_path({a.out, "--out"}, inputs, a.force);
  write_text_file(a.out, body);
  fs::permissions(a.out, fs::perms::owner_exec | fs::perms::group_exec, fs::perm_options::add);
  fmt::print(stderr, "shiftsim slurm: wrote {}; submit it with: bash {}\n", a.out, a.out);
}

}  // namespace

void add_slurm_command(CLI::App& app) {
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "slurm",
      "Write a Slurm submission script for a sweep: a job array (run --shard auto) and the "
      "merge of its parts as a job that depends on it");
  cmd->add_option("experiment", a->experiment, "experiment file (TOML)")->required();
  cmd->add_option("--tasks", a->tasks, "array tasks (shares of the cells)")->required();
  cmd->add_option("--cpus-per-task", a->cpus, "CPUs (and threads) per task (default: 2)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--partition", a->partition,
                  "the partition to submit to (default: the "
                  "cluster's)");
  cmd->add_option("--time", a->time, "each job's time limit, as sbatch takes it (1:00:00)");
  cmd->add_option("--shiftsim", a->shiftsim,
                  "the shiftsim the jobs run (default: this one, by its absolute path)");
  cmd->add_option("-o,--out", a->out, "write the script here (default: print it)");
  cmd->add_flag("-f,--force", a->force, "replace an existing script");
  cmd->callback([a] { run(*a); });
}

}  // namespace shiftsim::cli
