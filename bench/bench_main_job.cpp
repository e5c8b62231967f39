// Benchmark: the README's main job end to end, as a user runs it after the build, beside the
// process-launch and import floor of the same chain. See bench/README.md.
//
// Input: SYNTHETIC data, as in the README. Everything runs in a fresh temporary folder (mkdtemp
// under /tmp) that holds a copy of experiments/dodge2022.toml at experiments/dodge2022.toml. The
// example's paths are relative to the file ("../results/..."), so its results land in the
// folder's results/ and nothing is written into the source tree. The folder is removed at the end.
//
//   BM_MainJob     the four commands of the README's main job, from the temporary folder, each
//                  through the built `shiftsim` and the real analysis/figures.py:
//                    shiftsim grids synth --years 2020 --step 5min --seed 1 --into results/grids.h5
//                    shiftsim run experiments/dodge2022.toml --force
//                    shiftsim report results/dodge2022.h5 --out results/dodge2022_report --force
//                    /usr/bin/python3 analysis/figures.py results/dodge2022.h5 --out results/...
//                  Every iteration starts from an empty results/ (removing the previous one is not
//                  timed), so each is a first run. The counters synth_s, run_s, report_s,
//                  figures_s and total_s are wall times (mean per iteration); slowest_s is the
//                  slowest iteration's total, which the 60 s target is judged on.
//   BM_ChainFloor  the same four programs doing no work: `shiftsim --version` three times, then
//                  /usr/bin/python3 importing h5py and matplotlib.pyplot with the Agg backend, as
//                  figures.py does. No chain of these programs can be faster.
// The time is wall time (real time) of the whole iteration. Each benchmark runs a fixed 3
// iterations: a main job takes tens of seconds. The children's output goes to log files in the
// temporary folder, not to the terminal, so the figures do not depend on the terminal's speed.
//
// Checks: every command must exit with status 0, and the main job must leave a non-empty
// results/dodge2022_report/report.md and the four figures/fig*.png; otherwise the benchmark fails
// with the reason and the end of the command's output, and the program exits 1. The program ends
// with the main job's time, PASS/FAIL against the target "under 60 s", and the ratio main job /
// floor. The target is only reported and does not change the exit code.
#include <benchmark/benchmark.h>
#include <fcntl.h>     // O_* flags for the log files
#include <spawn.h>     // posix_spawn (POSIX), posix_spawn_file_actions_addchdir_np (glibc)
#include <sys/wait.h>  // waitpid

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>  // mkdtemp (POSIX), exit
#include <cstring>  // strerror
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;  // passed on unchanged: the children see the user's environment

namespace fs = std::filesystem;

namespace {

constexpr int kIterations = 3;
constexpr double kTargetSeconds = 60.0;
// The PATH python may lack the packages; the README's main job names this one.
constexpr const char* kPython = "/usr/bin/python3";
constexpr std::size_t kLogTail = 800;  // characters of a failed command's output in the error
constexpr int kShiftsimCommands = 3;   // in the main job: synth, run, report

const std::string kShiftsim = SHIFTSIM_BIN;
const fs::path kSourceDir = SHIFTSIM_SOURCE_DIR;

// What figures.py writes under the report folder (its fig* stems), beside report.md.
constexpr std::array kFigures = {"fig1_monthly", "fig2_workloads", "fig3_flexible_start",
                                 "fig4_pause_resume"};

using Clock = std::chrono::steady_clock;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

fs::path g_dir;  // the temporary folder: the children's working directory
bool g_failed = false;

void remove_temp_dir() {
  if (g_dir.empty()) return;
  std::error_code ec;
  fs::remove_all(g_dir, ec);
  g_dir.clear();
}

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "shiftsim_bench_main_job: %s\n", message.c_str());
  remove_temp_dir();
  std::exit(2);
}

void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  std::fprintf(stderr, "shiftsim_bench_main_job: %s\n", why.c_str());
  state.SkipWithError(why.c_str());
}

void set_up() {
  std::string tmpl = (fs::temp_directory_path() / "shiftsim-bench-main-job-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) die("cannot create a temporary folder under " + tmpl);
  g_dir = tmpl;
  std::error_code ec;
  fs::create_directories(g_dir / "experiments", ec);
  if (!ec)
    fs::copy_file(kSourceDir / "experiments/dodge2022.toml", g_dir / "experiments/dodge2022.toml",
                  ec);
  if (ec)
    die("cannot copy experiments/dodge2022.toml into " + g_dir.string() + ": " + ec.message());
}

std::string tail(const fs::path& file) {
  std::ifstream in(file);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return text.size() <= kLogTail ? text : "..." + text.substr(text.size() - kLogTail);
}

std::string quoted(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return "`" + s + "`";
}

// Runs `argv` (argv[0] an absolute path) in g_dir, its stdout and stderr into `log`, and waits for
// it. Empty when it exits with status 0; else what went wrong, with the end of its output.
std::string run(const std::vector<std::string>& argv, const fs::path& log) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // exec's signature
  args.push_back(nullptr);
  const std::string dir = g_dir.string(), log_path = log.string();

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, dir.c_str());
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return "cannot start " + quoted(argv) + ": " + std::strerror(err);

  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return "waiting for " + quoted(argv) + " failed";
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  const std::string how = WIFEXITED(status)
                              ? "exited with status " + std::to_string(WEXITSTATUS(status))
                              : "was killed by signal " + std::to_string(WTERMSIG(status));
  return quoted(argv) + " " + how + "; the end of its output:\n" + tail(log);
}

// Empty when /usr/bin/python3 can import what figures.py needs. Asked once.
const std::string& python_problem() {
  static const std::string problem = [] {
    if (run({kPython, "-c", "import h5py, matplotlib"}, g_dir / "python-check.log").empty())
      return std::string();
    return std::string(kPython) +
           " cannot import h5py and matplotlib, which analysis/figures.py needs: install "
           "Debian's python3-h5py python3-matplotlib (apt-get install python3-h5py "
           "python3-matplotlib)";
  }();
  return problem;
}

struct Stage {
  const char* counter;
  std::vector<std::string> argv;
};

// The README's main job after `mkdir -p results`, with paths relative to g_dir as they are to the
// repository root in the README; only figures.py is taken from the source tree.
std::vector<Stage> main_job() {
  const std::string figures = (kSourceDir / "analysis/figures.py").string();
  return {
      {"synth_s",
       {kShiftsim, "grids", "synth", "--years", "2020", "--step", "5min", "--seed", "1", "--into",
        "results/grids.h5"}},
      {"run_s", {kShiftsim, "run", "experiments/dodge2022.toml", "--force"}},
      {"report_s",
       {kShiftsim, "report", "results/dodge2022.h5", "--out", "results/dodge2022_report",
        "--force"}},
      {"figures_s",
       {kPython, figures, "results/dodge2022.h5", "--out", "results/dodge2022_report"}},
  };
}

// Empty when the report and the four figures are there and non-empty; else the first missing.
std::string check_outputs() {
  const fs::path report = g_dir / "results/dodge2022_report";
  std::vector<fs::path> expected = {report / "report.md"};
  for (const char* stem : kFigures)
    expected.push_back(report / "figures" / (std::string(stem) + ".png"));
  for (const auto& f : expected) {
    std::error_code ec;
    if (fs::file_size(f, ec) == 0 || ec)  // file_size gives -1 with ec set when it is missing
      return "the main job did not write " + fs::relative(f, g_dir).string() + " (or it is empty)";
  }
  return {};
}

void BM_MainJob(benchmark::State& state) {
  if (const auto& p = python_problem(); !p.empty()) return fail(state, p);
  const std::vector<Stage> stages = main_job();
  const fs::path results = g_dir / "results";
  std::map<std::string, double> sums;  // by counter
  double slowest = 0;
  for (auto _ : state) {
    state.PauseTiming();  // every iteration is a first run: no results from the previous one
    std::error_code ec;
    fs::remove_all(results, ec);
    state.ResumeTiming();
    if (ec) {
      fail(state, "cannot remove " + results.string() + ": " + ec.message());
      break;
    }
    const auto start = Clock::now();
    fs::create_directories(results, ec);  // mkdir -p results
    std::string problem = ec ? "cannot create " + results.string() + ": " + ec.message() : "";
    for (const auto& stage : stages) {
      if (!problem.empty()) break;
      const auto t0 = Clock::now();
      problem = run(stage.argv, g_dir / (std::string(stage.counter) + ".log"));
      sums[stage.counter] += seconds(Clock::now() - t0);
    }
    const double total = seconds(Clock::now() - start);
    sums["total_s"] += total;
    slowest = std::max(slowest, total);
    if (problem.empty()) {
      state.PauseTiming();
      problem = check_outputs();
      state.ResumeTiming();  // SkipWithError must be called with the timer running
    }
    if (!problem.empty()) {
      fail(state, problem);
      break;
    }
  }
  if (state.error_occurred()) return;
  using benchmark::Counter;
  for (const auto& [name, sum] : sums) state.counters[name] = Counter(sum, Counter::kAvgIterations);
  state.counters["slowest_s"] = slowest;
}

void BM_ChainFloor(benchmark::State& state) {
  if (const auto& p = python_problem(); !p.empty()) return fail(state, p);
  // What figures.py imports before it reads the cube.
  const std::vector<std::string> python = {
      kPython, "-c", "import h5py, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot"};
  const std::vector<std::string> version = {kShiftsim, "--version"};
  const fs::path log = g_dir / "floor.log";
  double launch = 0, import = 0;
  for (auto _ : state) {
    std::string problem;
    const auto t0 = Clock::now();
    for (int i = 0; i < kShiftsimCommands && problem.empty(); ++i) problem = run(version, log);
    const auto t1 = Clock::now();
    if (problem.empty()) problem = run(python, log);
    launch += seconds(t1 - t0);
    import += seconds(Clock::now() - t1);
    if (!problem.empty()) {
      fail(state, problem);
      break;
    }
  }
  if (state.error_occurred()) return;
  using benchmark::Counter;
  state.counters["shiftsim_s"] = Counter(launch, Counter::kAvgIterations);
  state.counters["python_s"] = Counter(import, Counter::kAvgIterations);
}

// The console output, then the main job's time against the target and its ratio to the floor.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration || r.iterations == 0) continue;
      auto& t = times_[r.run_name.function_name];  // summed over repetitions, if any
      t.seconds += r.real_accumulated_time;
      t.iterations += static_cast<double>(r.iterations);
      if (const auto it = r.counters.find("slowest_s"); it != r.counters.end())
        t.slowest = std::max(t.slowest, it->second.value);
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    const auto job = times_.find("BM_MainJob"), floor = times_.find("BM_ChainFloor");
    if (job != times_.end()) {
      const double mean = job->second.seconds / job->second.iterations;
      std::printf("\nmain job: %.1f s mean, %.1f s slowest of %.0f (target < %.0f s): %s\n", mean,
                  job->second.slowest, job->second.iterations, kTargetSeconds,
                  job->second.slowest < kTargetSeconds ? "PASS" : "FAIL");
      if (floor != times_.end())
        std::printf("ratio to floor: %.1f (floor %.3f s)\n",
                    mean / (floor->second.seconds / floor->second.iterations),
                    floor->second.seconds / floor->second.iterations);
    }
  }

 private:
  struct Times {
    double seconds = 0, iterations = 0, slowest = 0;
  };
  std::map<std::string, Times> times_;
};

}  // namespace

BENCHMARK(BM_MainJob)->UseRealTime()->Unit(benchmark::kSecond)->Iterations(kIterations);
BENCHMARK(BM_ChainFloor)->UseRealTime()->Unit(benchmark::kSecond)->Iterations(kIterations);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  set_up();
  SummaryReporter reporter(SummaryReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  remove_temp_dir();
  return g_failed ? 1 : 0;
}
