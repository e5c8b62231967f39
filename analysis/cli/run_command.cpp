// shiftsim run: a sweep described by an experiment file (single jobs, or cluster scenarios when the
// file has a [cluster] table), into one result cube; shiftsim merge: the parts of a sharded run
// into the cube a single run would have written.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "analysis/cli/progress.hpp"
#include "experiments/cluster_experiment.hpp"
#include "experiments/cluster_runner.hpp"
#include "experiments/cube_file.hpp"
#include "experiments/experiment.hpp"
#include "experiments/experiment_sections.hpp"
#include "experiments/merge.hpp"
#include "experiments/runner.hpp"
#include "grids/store.hpp"
#include "sim/core/byte_size.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_lock.hpp"
#include "sim/core/output_path.hpp"
#include "sim/core/read_file.hpp"

namespace shiftsim::cli {

namespace {

namespace ex = shiftsim::experiments;
namespace fs = std::filesystem;

// The exit code of a run stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
constexpr int kInterruptedExit = 130;

// Set by the signal handler, read by the runner between cells: the one global of the program,
// because a signal handler can reach nothing else.
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

struct Args {
  std::string experiment, out, shard, max_size;
  int threads = 0;
  bool force = false, quiet = false, resume = false, dry_run = false, json = false;
};

// The largest run (its memory: the cube held whole, and its inputs) started without --max-size:
// 8 GiB, or three quarters of the machine's memory when that is less, so that a sweep the
// out-of-memory killer would stop hours in is refused before it begins.
constexpr std::uint64_t kDefaultMaxSize = std::uint64_t{8} << 30;

std::uint64_t physical_memory() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0
             ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page)
             : 0;
}

// Free space where `target` goes (its nearest folder that exists, `where`); nullopt if unknown.
// The walk is on the absolute path: a relative one ends at its first folder, which may not exist.
std::optional<std::uint64_t> free_space(const fs::path& target, fs::path& where) {
  std::error_code ec;
  const fs::path full = fs::absolute(target, ec);
  where = ec ? fs::path(".") : full.parent_path();
  while (!fs::exists(where, ec) && where.has_parent_path() && where != where.parent_path())
    where = where.parent_path();
  const auto info = fs::space(where, ec);
  if (ec) return std::nullopt;
  return info.available;
}

// "180 k", "26.3 M": a count of runs, three significant digits.
std::string format_count(std::uint64_t n) {
  const double x = static_cast<double>(n);
  if (n < 10000) return fmt::format("{}", n);
  if (x < 999.5e3) return fmt::format("{:.3g} k", x / 1e3);  // 999,500 rounds to 1.00 M
  if (x < 999.5e6) return fmt::format("{:.3g} M", x / 1e6);
  return fmt::format("{:.3g} G", x / 1e9);
}

// One line: what the run makes and needs (runner.hpp, RunPlan).
std::string describe(const ex::RunPlan& p, const fs::path& target,
                     std::optional<std::uint64_t> free, const fs::path& where) {
  const std::string share =
      p.cells_to_run == p.cells ? "" : fmt::format(" ({} in this shard)", p.cells_to_run);
  return fmt::format(
      "{} cells{} x {} starts = {} runs; cube {} (its file at most {}: {}), "
      "journal {}, memory at most {}; {} free at {}",
      p.cells, share, p.starts, format_count(p.runs()), format_bytes(p.cube_bytes),
      format_bytes(p.file_bytes()), target.string(), format_bytes(p.journal_bytes),
      format_bytes(p.memory_bytes()), free ? format_bytes(*free) : std::string("unknown space"),
      where.string());
}

// Refuses, before any work, a run larger than the size limit or than the disk where it writes.
void check_plan(const ex::RunPlan& p, const Args& a, std::optional<std::uint64_t> free,
                const fs::path& where) {
  const std::uint64_t ram = physical_memory();
  const std::uint64_t limit = !a.max_size.empty() ? parse_byte_size(a.max_size, "--max-size")
                              : ram > 0           ? std::min(kDefaultMaxSize, ram / 4 * 3)
                                                  : kDefaultMaxSize;
  if (p.memory_bytes() > limit) {
    throw ConfigError(fmt::format(
        "{}: this run may hold up to {} in memory ({} cells x {} starts: the summaries and "
        "baseline, {}, {} of inputs, and {} per worker for {} workers), above the limit of {}{}; "
        "make the sweep smaller (fewer regions, workloads or policies, or starts further apart "
        "with `every`), run fewer workers (--threads), or raise the limit with --max-size (e.g. "
        "--max-size {}){}",
        a.experiment, format_bytes(p.memory_bytes()), p.cells, p.starts, format_bytes(p.held_bytes),
        format_bytes(p.input_bytes), format_bytes(p.worker_bytes), p.threads, format_bytes(limit),
        a.max_size.empty() ? " (the default: 8 GiB or 3/4 of this machine's memory)" : "",
        fmt::format("{}GB", p.memory_bytes() / 1000000000 + 1),
        ram > 0 ? fmt::format("; this machine has {}", format_bytes(ram)) : ""));
  }
  const std::uint64_t need = p.journal_bytes + p.file_bytes();
  if (free && need > *free) {
    throw IoError(fmt::format(
        "{}: this run may write up to {} at {} (the journal, {}, and the cube file, at most {} "
        "before compression), and {} is free there; free some space, or write the cube "
        "elsewhere with --out (the journal goes beside it)",
        a.experiment, format_bytes(need), where.string(), format_bytes(p.journal_bytes),
        format_bytes(p.file_bytes()), format_bytes(*free)));
  }
}

// The most shares --shard splits a sweep into: 2^31, more than any sweep's cells.
constexpr std::size_t kMaxShards = std::size_t{1} << 31;

struct Shard {
  std::size_t index = 0, count = 1;
};

Shard parse_shard(const std::string& text);

// --shard auto: this task's share of a Slurm job array, from the variables sbatch sets in every
// task (the index counted from the array's first task and by its step, so --array=1-16 and
// --array=0-30:2 give shares 0..15 as --array=0-15 does).
Shard shard_from_slurm() {
  auto number = [](const char* name) -> std::optional<long long> {
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0') return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const long long x = std::strtoll(v, &end, 10);
    if (errno != 0 || *end != '\0' || x < 0)
      throw ConfigError(fmt::format("--shard auto: {}=\"{}\" is not a task number", name, v));
    return x;
  };
  const auto id = number("SLURM_ARRAY_TASK_ID");
  const auto count = number("SLURM_ARRAY_TASK_COUNT");
  if (!id || !count)
    throw ConfigError(
        "--shard auto: not inside a Slurm job array (SLURM_ARRAY_TASK_ID and "
        "SLURM_ARRAY_TASK_COUNT are not set); submit with sbatch --array=0-N (see 'shiftsim "
        "slurm'), or give the share as --shard I/N");
  const long long first = number("SLURM_ARRAY_TASK_MIN").value_or(0);
  const long long step = std::max(1LL, number("SLURM_ARRAY_TASK_STEP").value_or(1));
  if (*id < first || (*id - first) % step != 0 || (*id - first) / step >= *count)
    throw ConfigError(fmt::format(
        "--shard auto: task {} is not one of the array's {} tasks from {} by {}; an array with "
        "gaps (--array=1,5,9) cannot be shared out evenly: give --array=A-B[:S], or --shard I/N",
        *id, *count, first, step));
  return parse_shard(fmt::format("{}/{}", (*id - first) / step, *count));
}

Shard parse_shard(const std::string& text) {
  if (text == "auto") return shard_from_slurm();
  Shard s;
  const auto slash = text.find('/');
  // Digits only: stoul would accept signs and spaces, and wrap "-1" to a huge count.
  const bool digits = slash != std::string::npos && slash > 0 && slash + 1 < text.size() &&
                      std::all_of(text.begin(), text.end(),
                                  [](char c) { return c == '/' || (c >= '0' && c <= '9'); });
  try {
    if (!digits) throw std::invalid_argument("not I/N");
    std::size_t used = 0;
    if (slash == std::string::npos) throw std::invalid_argument("no slash");
    s.index = std::stoul(text.substr(0, slash), &used);
    if (used != slash) throw std::invalid_argument("index");
    s.count = std::stoul(text.substr(slash + 1), &used);
    if (used != text.size() - slash - 1) throw std::invalid_argument("count");
  } catch (const std::exception&) {
    throw ConfigError(
        fmt::format("--shard \"{}\": write I/N, e.g. 0/4 for the first of 4 shares", text));
  }
  if (s.count == 0 || s.index >= s.count) {
    throw ConfigError(fmt::format("--shard {}: I must be from 0 to N - 1", text));
  }
  // A count beyond any sweep's cells is a typo, not a job array (whose size is bounded too).
  if (s.count > kMaxShards) {
    throw ConfigError(
        fmt::format("--shard {}: N = {} is more shares than any sweep has cells; give N at most {}",
                    text, s.count, kMaxShards));
  }
  return s;
}

bool shard_complete(const ex::Cube& cube, const Shard& s) {
  // A cube with every cell done has no cell_done variable: every shard of it is complete.
  const auto it = std::find_if(cube.vars.begin(), cube.vars.end(),
                               [](const ex::Variable& v) { return v.name == ex::kCellDone; });
  if (it == cube.vars.end()) return true;
  const auto& done = it->i32;
  for (std::size_t c = s.index; c < done.size(); c += s.count) {
    if (done[c] == 0) return false;
  }
  return true;
}

// Refuses, before any work, a target that is a folder or not a regular file, one of the run's
// inputs, or an existing file without --force (output_path.hpp).
void prepare_target(const fs::path& target, const std::vector<NamedPath>& inputs, bool force) {
  check_output_path({target, "the cube"}, inputs, force);
}

// The target's lock is held for the run's life (OutputLock), so that a second run towards the same
// cube (a --resume started while this one goes) is refused instead of sharing its journal. Taking
// it removes what a killed run left; this says so.
void report_leftovers(const OutputLock& lock) {
  for (const auto& left : lock.removed()) {
    fmt::print(stderr, "shiftsim run: removed {}, left by a run that was killed while writing\n",
               left.string());
  }
}

void make_parent(const fs::path& target) {
  if (!target.has_parent_path()) return;
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) {
    throw IoError(
        fmt::format("{}: cannot create the folder for the cube ({}); give --out a "
                    "path in a folder you can write",
                    target.parent_path().string(), ec.message()));
  }
}

// A signal that came after the last cell, while the cube was written: the write is finished
// (the cube is whole, so stopping halfway would only lose it), and the exit code still says the
// run was interrupted, so that a script that pressed Ctrl-C does not take it for an ordinary end.
int interrupted_while_writing(const fs::path& target) {
  fmt::print(stderr,
             "shiftsim run: interrupted after the last cell; the cube was finished and written "
             "to {} (complete)\n",
             target.string());
  return kInterruptedExit;
}

// A cluster experiment (cluster_experiment.hpp): its scenarios in parallel, into one cube. No
// shards and no resume: those split and continue long single-job sweeps.
int run_cluster(const Args& a, const std::string& text) {
  if (!a.shard.empty() || a.resume || a.dry_run || !a.max_size.empty() || a.json) {
    throw ConfigError(fmt::format(
        "{}: {} applies to single-job sweeps; a cluster experiment runs whole (run it without "
        "--shard, --resume, --dry-run, --max-size and --json)",
        a.experiment,
        a.resume           ? "--resume"
        : a.dry_run        ? "--dry-run"
        : a.json           ? "--json"
        : !a.shard.empty() ? "--shard"
                           : "--max-size"));
  }
  const fs::path file(a.experiment);
  const ex::ClusterExperiment e =
      ex::parse_cluster_experiment(text, file.string(), file.parent_path());
  const fs::path target = a.out.empty() ? e.output : fs::path(a.out);
  ex::check_experiment_paths(e.file, e.store, e.store_line, e.output,
                             a.out.empty() ? e.output_line : 0);
  std::vector<NamedPath> inputs{{file, "the experiment file"}, {e.store, "the grid store"}};
  if (!e.jobs.trace.empty()) inputs.push_back({e.jobs.trace, "the trace"});
  prepare_target(target, inputs, a.force);
  make_parent(target);
  const OutputLock lock(target);
  report_leftovers(lock);

  const grids::GridStore store = grids::GridStore::load(e.store);
  Progress progress(Progress::detect(a.quiet));
  ex::ClusterRunOptions o;
  o.threads = a.threads;
  o.stop = &g_stop;
  o.version = SHIFTSIM_VERSION;
  o.command_line = fmt::format("shiftsim run {}", a.experiment);  // as for single-job sweeps
  o.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const ex::ClusterRunResult r = ex::run_cluster_experiment(e, store, o);
  progress.finish(r.scenarios_done, r.scenarios);
  if (!r.complete()) {
    fmt::print(stderr,
               "shiftsim run: stopped after {} of {} scenarios; nothing was written (a cluster "
               "experiment cannot resume: run it again).\n",
               r.scenarios_done, r.scenarios);
    return kInterruptedExit;
  }
  ex::write_cube(r.cube, target, a.force);
  if (!a.quiet) {
    fmt::print("{}: {} scenarios x {} sites x {} steps\n", target.string(), r.scenarios,
               r.cube.dim("site").size(), r.cube.dim("time").size());
  }
  if (g_stop.load()) return interrupted_while_writing(target);
  return 0;
}

int run(const Args& a) {
  const std::string text = read_file(a.experiment);
  if (ex::is_cluster_experiment(text, a.experiment)) return run_cluster(a, text);
  const ex::Experiment e =
      ex::parse_experiment(text, a.experiment, fs::path(a.experiment).parent_path());
  if (a.json && a.dry_run)
    throw ConfigError(
        "--json with --dry-run: a dry run prints its plan as text only; drop one of them");
  const bool sharded = !a.shard.empty();
  const Shard shard = sharded ? parse_shard(a.shard) : Shard{};
  fs::path target = a.out.empty() ? e.output : fs::path(a.out);
  if (sharded && a.out.empty()) {
    target += fmt::format(".part{}-of-{}", shard.index, shard.count);
  }
  const fs::path partial = fs::path(target) += ".partial";
  // Cells are appended here as they finish, so that even kill -9 keeps them.
  const fs::path journal = fs::path(target) += ".journal";
  // Refuse before hours of work, not after; at the line of the key when the file names the path.
  ex::check_experiment_paths(e.file, e.store, e.store_line, e.output,
                             a.out.empty() && !sharded ? e.output_line : 0);
  // A dry run says that an existing cube would need --force rather than refusing to plan.
  const bool exists_unforced = a.dry_run && !a.force && fs::exists(target);
  prepare_target(target,
                 {{fs::path(a.experiment), "the experiment file"}, {e.store, "the grid store"}},
                 a.force || a.dry_run);
  // Know before you start: what the run makes and needs, refused if it cannot fit.
  const grids::GridStore store = grids::GridStore::load(e.store);
  const ex::RunPlan plan = ex::plan_experiment(e, store, shard.index, shard.count, a.threads);
  fs::path where;
  const auto free = free_space(target, where);
  if (a.dry_run) {
    fmt::print("{}: {}\n", a.experiment, describe(plan, target, free, where));
    if (exists_unforced)
      fmt::print("{}: {} exists: the run needs --force to replace it\n", a.experiment,
                 target.string());
    check_plan(plan, a, free, where);
    fmt::print("{}: would run; nothing was computed or written (--dry-run)\n", a.experiment);
    return 0;
  }
  check_plan(plan, a, free, where);
  if (!a.quiet) fmt::print(stderr, "shiftsim run: {}\n", describe(plan, target, free, where));
  make_parent(target);
  const OutputLock lock(target);
  report_leftovers(lock);
  std::optional<ex::Cube> resume;
  if (a.resume) {
    if (!fs::exists(partial) && !fs::exists(journal)) {
      throw IoError(
          fmt::format("{}: no partial result to resume (neither {} nor {}; an "
                      "interrupted run leaves one); run without --resume",
                      target.string(), partial.filename().string(), journal.filename().string()));
    }
    if (fs::exists(partial)) resume = ex::read_cube(partial);
  } else {
    for (const auto& left : {partial, journal}) {
      if (fs::exists(left)) {
        throw IoError(
            fmt::format("{}: an interrupted run left this partial result; finish it "
                        "with --resume, or delete it to start over",
                        left.string()));
      }
    }
  }

  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  Progress progress(Progress::detect(a.quiet));
  ex::RunOptions o;
  o.threads = a.threads;
  o.shard_index = shard.index;
  o.shard_count = shard.count;
  o.resume = resume ? &*resume : nullptr;
  o.journal = journal;
  o.resume_journal = a.resume;
  o.stop = &g_stop;
  o.version = SHIFTSIM_VERSION;
  // Only what determines the results: options that change how it runs (--threads, --quiet,
  // --force, --out, --shard, --resume) are left out, so that cubes compare byte for byte.
  o.command_line = fmt::format("shiftsim run {}", a.experiment);
  o.progress = [&](std::size_t done, std::size_t total) { progress.update(done, total); };
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  const ex::RunResult r = ex::run_experiment(e, store, o);
  progress.finish(r.cells_done, r.cells);
  if (!r.coverage_warning.empty())
    fmt::print(stderr, "shiftsim run: warning: {}\n", r.coverage_warning);

  const bool finished = sharded ? shard_complete(r.cube, shard) : r.complete();
  if (!finished) {
    // The journal holds every finished cell (and those of a .partial resumed from): it is what
    // --resume continues from, with nothing to write now.
    fmt::print(stderr,
               "shiftsim run: stopped after {} of {} cells; they are kept in {}. Run the same "
               "command with --resume to finish.\n",
               r.cells_done, r.cells, journal.string());
    return kInterruptedExit;
  }
  ex::write_result(r, target, a.force);
  fs::remove(partial);
  fs::remove(journal);
  if (a.json) {
    // What was written, for scripts and batch systems; seconds vary from run to run.
    const nlohmann::json j{
        {"cube", target.string()},
        {"cells", r.cells},
        {"cells_done", r.cells_done},
        {"starts", r.cube.dim("start").size()},
        {"shard", sharded ? nlohmann::json(fmt::format("{}/{}", shard.index, shard.count))
                          : nlohmann::json(nullptr)},
        {"seconds", std::chrono::duration<double>(Clock::now() - started).count()}};
    fmt::print("{}\n", j.dump(2));
  } else if (!a.quiet) {
    fmt::print("{}: {} of {} cells x {} starts{}\n", target.string(), r.cells_done, r.cells,
               r.cube.dim("start").size(),
               sharded ? "; merge the parts with 'shiftsim merge'" : "");
  }
  if (g_stop.load()) return interrupted_while_writing(target);
  return 0;
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("run",
                                 "Run the sweep an experiment file describes (single jobs, "
                                 "or cluster scenarios) into one HDF5 result cube (see "
                                 "experiments/README.md)");
  auto a = std::make_shared<Args>();
  cmd->add_option("experiment", a->experiment, "experiment file (TOML)")->required();
  cmd->add_option("-o,--out", a->out, "result cube (default: the file's [output] path)");
  cmd->add_option("-j,--threads", a->threads, "worker threads (default: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--shard", a->shard,
                  "I/N: compute share I (0..N-1) of the cells into a part file "
                  "(<output>.partI-of-N unless --out); auto: this task's share of a Slurm "
                  "job array (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT); single-job "
                  "sweeps only");
  cmd->add_flag("--resume", a->resume,
                "finish an interrupted run from its .journal (or an older .partial) file "
                "(single-job sweeps only)");
  cmd->add_flag("-f,--force", a->force, "replace an existing cube");
  cmd->add_flag("-q,--quiet", a->quiet, "no progress on stderr");
  cmd->add_flag("--json", a->json,
                "print what was written (cube, cells, starts, shard, seconds) as JSON "
                "(single-job sweeps)");
  cmd->add_flag("--dry-run", a->dry_run,
                "say what the run would make and need (cells, starts, cube, journal, memory, "
                "free disk) and whether it fits, without running it (single-job sweeps)");
  cmd->add_option("--max-size", a->max_size,
                  "the most memory a run may hold, e.g. 16GiB (default: 8 GiB or 3/4 of the "
                  "machine's memory)");
  cmd->footer(
      "Ctrl-C (SIGINT) or SIGTERM stops after the cells in progress, keeps them in the "
      ".journal file and exits 130; a signal while the finished cube is written lets the write "
      "finish, says so on stderr and exits 130.");
  cmd->callback([a] {
    const int code = run(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });

  struct MergeArgs {
    std::vector<std::string> parts;
    std::string out;
    bool force = false, json = false;
  };
  auto m = std::make_shared<MergeArgs>();
  auto* merge = app.add_subcommand("merge",
                                   "Merge the part files of a sharded run into one cube "
                                   "(the same bytes as a single run)");
  merge->add_option("parts", m->parts, "part files (shiftsim run --shard I/N)")->required();
  merge->add_option("-o,--out", m->out, "result cube")->required();
  merge->add_flag("-f,--force", m->force, "replace an existing cube");
  merge->add_flag("--json", m->json, "print what was written (cube, parts, cells) as JSON");
  merge->callback([m] {
    std::vector<NamedPath> inputs;
    for (const auto& p : m->parts) inputs.push_back({p, "a part being merged"});
    check_output_path({m->out, "--out"}, inputs, m->force);
    std::vector<ex::NamedCube> parts;
    for (const auto& p : m->parts) parts.push_back({p, ex::read_cube(p)});
    const ex::Cube cube = ex::merge_parts(parts);
    const fs::path out(m->out);
    std::error_code ec;
    if (out.has_parent_path()) fs::create_directories(out.parent_path(), ec);
    if (ec) {
      throw IoError(fmt::format("{}: cannot create the folder for the cube ({})",
                                out.parent_path().string(), ec.message()));
    }
    ex::write_cube(cube, out, m->force);
    if (m->json) {
      const nlohmann::json j{
          {"cube", m->out}, {"parts", m->parts}, {"cells", cube.var("valid_starts").i32.size()}};
      fmt::print("{}\n", j.dump(2));
    } else {
      fmt::print("{}: merged {} parts\n", m->out, parts.size());
    }
  });
}

}  // namespace shiftsim::cli
