// Benchmarks of the workloads library's hot paths, each beside a simple baseline, each checking a
// checksum of its result. See bench/README.md.
//
// Resampling a power profile to the simulation step (PowerProfile::at_step):
//   BM_Resample_9day_5min             a 9-day profile at a 1-second step (777,600 values,
//                                     pseudo-random watts from a fixed seed) to 5-minute steps;
//   BM_Resample_9day_5min_BruteForce  the same by expanding to energy per second, then summing
//                                     each 5-minute step.
//   Checksum: the total of the steps equals profile.energy() within 1e-9 (relative); the two
//   results are also compared step by step once, before timing.
//
// The schedule of a job graph (JobGraph):
//   BM_CriticalPath_10k               critical_path_length() + schedule() on a random DAG of
//                                     10,000 jobs (each after up to 3 random earlier jobs, then
//                                     listed in a random order, as a generated file might);
//   BM_CriticalPath_10k_Relaxation    Bellman-Ford-style: relax every edge, in file order, until
//                                     nothing changes, forward (earliest starts, the makespan) and
//                                     backward (latest starts);
//   BM_GraphBuild_10k                 JobGraph::from_jobs (checks, cycle search, topological sort);
//                                     a breakdown, without a baseline.
//   Checksum: both give the same makespan and the same latest start for every job.
// Any mismatch marks the benchmark as failed and the program exits 1.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "sim/core/power_profile.hpp"
#include "sim/core/random.hpp"
#include "workloads/graph.hpp"
#include "workloads/workload.hpp"

namespace w = shiftsim::workloads;
using shiftsim::Seconds;

namespace {

bool g_failed = false;

void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  std::fprintf(stderr, "shiftsim_bench_workloads: %s\n", why.c_str());
  state.SkipWithError(why.c_str());
}

using Rng = shiftsim::Xorshift64Star;

// ---- Resampling -------------------------------------------------------------------------------

constexpr std::int64_t kProfileSeconds = 9 * 86400;  // 777,600 one-second values
constexpr Seconds kSimStep{300};

const shiftsim::PowerProfile& nine_day_profile() {
  static const shiftsim::PowerProfile profile = [] {
    Rng rng(0x5EED0001);
    std::vector<double> watts(static_cast<std::size_t>(kProfileSeconds));
    for (auto& v : watts) v = 100.0 + 300.0 * rng.unit();  // a GPU between 100 and 400 W
    return shiftsim::PowerProfile(Seconds{1}, Seconds{kProfileSeconds}, std::move(watts));
  }();
  return profile;
}

// The baseline: energy per second of the run, then the sum of each step's seconds.
std::vector<double> resample_brute_force(const shiftsim::PowerProfile& p, Seconds step) {
  const auto d = static_cast<std::size_t>(p.duration().count());
  std::vector<double> per_second(d);
  for (std::size_t i = 0, t = 0; i < p.size(); ++i)
    for (std::int64_t k = 0; k < p.length(i).count(); ++k, ++t)
      per_second[t] = p.watts()[i] / shiftsim::kJoulesPerKwh;
  const auto s = static_cast<std::size_t>(step.count());
  std::vector<double> out((d + s - 1) / s, 0.0);
  for (std::size_t t = 0; t < d; ++t) out[t / s] += per_second[t];
  return out;
}

double sum(const std::vector<double>& v) {
  double acc = 0;
  for (double x : v) acc += x;
  return acc;
}

// Empty when `total_kwh` is the profile's energy within 1e-9, relative.
std::string check_total(double total_kwh, const shiftsim::PowerProfile& p) {
  const double want = p.energy().value;
  if (std::fabs(total_kwh - want) <= 1e-9 * want) return {};
  char buf[160];
  std::snprintf(buf, sizeof buf, "checksum: the steps hold %.15g kWh, the profile %.15g kWh",
                total_kwh, want);
  return buf;
}

void BM_Resample_9day_5min(benchmark::State& state) {
  const auto& p = nine_day_profile();
  // Once: the candidate equals the baseline step by step.
  {
    const auto fast = p.at_step(kSimStep);
    const auto slow = resample_brute_force(p, kSimStep);
    if (fast.kwh.size() != slow.size()) return fail(state, "the two resamplers differ in length");
    for (std::size_t k = 0; k < slow.size(); ++k)
      if (std::fabs(fast.kwh[k] - slow[k]) > 1e-12 * std::max(1e-300, std::fabs(slow[k])))
        return fail(state, "at_step differs from the brute force at step " + std::to_string(k));
  }
  double total = 0;
  for (auto _ : state) {
    const auto steps = p.at_step(kSimStep);
    total = steps.total().value;
    benchmark::DoNotOptimize(steps.kwh.data());
    if (auto why = check_total(total, p); !why.empty()) return fail(state, why);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(p.size()));
  state.counters["checksum_kwh"] = total;
}

void BM_Resample_9day_5min_BruteForce(benchmark::State& state) {
  const auto& p = nine_day_profile();
  double total = 0;
  for (auto _ : state) {
    const auto steps = resample_brute_force(p, kSimStep);
    total = sum(steps);
    benchmark::DoNotOptimize(steps.data());
    if (auto why = check_total(total, p); !why.empty()) return fail(state, why);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(p.size()));
  state.counters["checksum_kwh"] = total;
}

// ---- Critical path ----------------------------------------------------------------------------

constexpr std::size_t kJobs = 10000;

struct RandomGraph {
  w::JobGraph graph;
  std::vector<std::int64_t> seconds;  // by file position
  std::vector<std::pair<std::size_t, std::size_t>>
      edges;  // (parent, child), children in file order
  std::vector<std::vector<std::size_t>> parents;
};

w::Workload job_workload(Seconds d) {
  return w::Workload{.name = "synthetic",
                     .label = "synthetic",
                     .task = "benchmark",
                     .dataset = "none",
                     .accelerator = "V100",
                     .accelerators = 1,
                     .source = "bench_workloads.cpp",
                     .kind = w::ProfileKind::uniform,
                     .profile = shiftsim::PowerProfile::uniform(shiftsim::kwh(1.0), d),
                     .overheads = {},
                     .embodied = {},
                     .alternatives = {},
                     .notes = {}};
}

std::vector<w::GraphJob> random_jobs(std::vector<std::int64_t>* seconds) {
  Rng rng(0x5EED0002);
  // Generated in dependency order: job g after up to 3 distinct random jobs among 0..g-1.
  std::vector<std::vector<std::size_t>> parents(kJobs);
  for (std::size_t g = 1; g < kJobs; ++g) {
    const std::size_t k = std::min<std::size_t>(rng.below(4), g);
    while (parents[g].size() < k) {
      const std::size_t p = rng.below(g);
      if (std::find(parents[g].begin(), parents[g].end(), p) == parents[g].end())
        parents[g].push_back(p);
    }
  }
  // Then listed in a random order: position[g] is job g's place in the file.
  std::vector<std::size_t> position(kJobs);
  for (std::size_t i = 0; i < kJobs; ++i) position[i] = i;
  for (std::size_t i = kJobs - 1; i > 0; --i) std::swap(position[i], position[rng.below(i + 1)]);
  std::vector<std::size_t> generated_at(kJobs);
  for (std::size_t g = 0; g < kJobs; ++g) generated_at[position[g]] = g;

  std::vector<w::GraphJob> jobs;
  jobs.reserve(kJobs);
  seconds->assign(kJobs, 0);
  for (std::size_t f = 0; f < kJobs; ++f) {
    const std::size_t g = generated_at[f];
    const auto d = static_cast<std::int64_t>(600 + rng.below(100 * 3600));  // 10 min .. 100 h
    (*seconds)[f] = d;
    std::vector<std::size_t> ps;
    for (std::size_t p : parents[g]) ps.push_back(position[p]);
    jobs.push_back(w::GraphJob{std::string("job").append(std::to_string(f)), "synthetic",
                               job_workload(Seconds{d}), std::move(ps), 0});
  }
  return jobs;
}

const RandomGraph& random_graph() {
  static const RandomGraph rg = [] {
    std::vector<std::int64_t> seconds;
    auto jobs = random_jobs(&seconds);
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    std::vector<std::vector<std::size_t>> parents;
    for (std::size_t c = 0; c < jobs.size(); ++c) {
      parents.push_back(jobs[c].parents);
      for (std::size_t p : jobs[c].parents) edges.emplace_back(p, c);
    }
    return RandomGraph{w::JobGraph::from_jobs("random-10k", std::move(jobs)), std::move(seconds),
                       std::move(edges), std::move(parents)};
  }();
  return rg;
}

struct Relaxed {
  std::int64_t makespan = 0;
  std::vector<std::int64_t> latest;
  int passes = 0;  // forward + backward sweeps over all edges, the last of each finding nothing
};

Relaxed relax(const RandomGraph& rg) {
  const std::size_t n = rg.seconds.size();
  const auto& dur = rg.seconds;
  std::vector<std::int64_t> es(n, 0);
  Relaxed r;
  for (bool changed = true; changed;) {
    changed = false;
    ++r.passes;
    for (const auto& [p, c] : rg.edges)
      if (es[p] + dur[p] > es[c]) {
        es[c] = es[p] + dur[p];
        changed = true;
      }
  }
  for (std::size_t j = 0; j < n; ++j) r.makespan = std::max(r.makespan, es[j] + dur[j]);
  std::vector<std::int64_t> lf(n, r.makespan);  // latest finish; deadline = makespan
  for (bool changed = true; changed;) {
    changed = false;
    ++r.passes;
    for (const auto& [p, c] : rg.edges)
      if (lf[c] - dur[c] < lf[p]) {
        lf[p] = lf[c] - dur[c];
        changed = true;
      }
  }
  r.latest.resize(n);
  for (std::size_t j = 0; j < n; ++j) r.latest[j] = lf[j] - dur[j];
  return r;
}

// Empty when the schedule and the relaxation agree on the makespan and every latest start.
std::string compare(const w::GraphSchedule& s, const Relaxed& r) {
  if (s.makespan.count() != r.makespan)
    return "makespan: schedule " + std::to_string(s.makespan.count()) + " s, relaxation " +
           std::to_string(r.makespan) + " s";
  for (std::size_t j = 0; j < r.latest.size(); ++j)
    if (s.jobs[j].latest_start.count() != r.latest[j])
      return "latest start of job " + std::to_string(j) + " differs";
  return {};
}

void BM_CriticalPath_10k(benchmark::State& state) {
  const auto& rg = random_graph();
  const Relaxed expected = relax(rg);
  // Once, in full: every latest start agrees with the relaxation.
  if (auto why = compare(rg.graph.schedule(), expected); !why.empty()) return fail(state, why);
  std::int64_t makespan = 0;
  for (auto _ : state) {
    const Seconds length = rg.graph.critical_path_length();
    const auto s = rg.graph.schedule();
    benchmark::DoNotOptimize(s.jobs.data());
    makespan = length.count();
    if (makespan != expected.makespan || s.makespan != length)
      return fail(state, "the makespan differs from the relaxation's");
  }
  state.counters["makespan_s"] = static_cast<double>(makespan);
  state.counters["edges"] = static_cast<double>(rg.edges.size());
}

void BM_CriticalPath_10k_Relaxation(benchmark::State& state) {
  const auto& rg = random_graph();
  const auto expected = rg.graph.schedule();
  Relaxed r;
  for (auto _ : state) {
    r = relax(rg);
    benchmark::DoNotOptimize(r.latest.data());
    if (r.makespan != expected.makespan.count())
      return fail(state, "the makespan differs from the schedule's");
  }
  if (auto why = compare(expected, r); !why.empty()) return fail(state, why);
  state.counters["makespan_s"] = static_cast<double>(r.makespan);
  state.counters["passes"] = r.passes;
}

void BM_GraphBuild_10k(benchmark::State& state) {
  const auto& rg = random_graph();
  const std::vector<w::GraphJob> jobs = rg.graph.jobs();
  const Seconds want = rg.graph.critical_path_length();
  for (auto _ : state) {
    state.PauseTiming();  // the copy and the destruction of 10,000 workloads are not timed
    auto copy = jobs;
    std::optional<w::JobGraph> g;
    state.ResumeTiming();
    g.emplace(w::JobGraph::from_jobs("random-10k", std::move(copy)));
    state.PauseTiming();
    const bool same = g->critical_path_length() == want;
    g.reset();
    state.ResumeTiming();
    if (!same) return fail(state, "the rebuilt graph has another critical path");
  }
}

}  // namespace

BENCHMARK(BM_Resample_9day_5min)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Resample_9day_5min_BruteForce)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_CriticalPath_10k)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CriticalPath_10k_Relaxation)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GraphBuild_10k)->Unit(benchmark::kMicrosecond);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}
