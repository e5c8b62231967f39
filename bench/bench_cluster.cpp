// Benchmark: the cluster engine (sim/cluster) on a year of jobs, one core. See bench/README.md.
//
// Sites: West US, France and Germany, 1,000 accelerators each, with the SYNTHETIC surrogate
// series of 2020 at a 5-minute step (grids::synthesize, seed 1; built once, not timed).
//
//   BM_PaiTrace/<scheduler>   the 100k-job Alibaba PAI trace ($SHIFTSIM_DATA/gaia-cluster-traces/
//                             pai-100k.csv, hours from 2020-01-01T00:00Z, each job's `cpus` as
//                             accelerators, 24 h of slack) under fifo and carbon-delay: building
//                             the Cluster and running it. Without SHIFTSIM_DATA, a generated trace
//                             of the same size stands in, and the label says so.
//   BM_PaiSuspend/<min run>   the same trace, every job interruptible, under carbon-suspend with
//                             10-minute checkpoints of 0.05 kWh and a minimum run of 1 s or 2 h:
//                             the checkpoint-cost planner's price (no target in the issue;
//                             reported beside fifo's time as a ratio).
//   BM_Generated/<jobs>       10k, 100k and 1M generated jobs (Poisson arrivals over the year at
//                             a rate proportional to the count, small catalog jobs), fifo: the
//                             cost per event as the scenario grows.
// Counters: events, events/s, ns/event. The baseline in the same run is BM_Generated/10000:
// the summary prints each size's ns/event as a ratio to it (near 1 = cost linear in events) and
// PASS/FAIL for the PAI target of under 10 s per scheduler. Single-threaded: the engine is.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "grids/surrogate.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/time.hpp"
#include "workloads/jobs/generator.hpp"
#include "workloads/jobs/trace.hpp"

namespace cl = shiftsim::sim::cluster;
namespace g = shiftsim::grids;
using shiftsim::Seconds;

namespace {

const std::int64_t kOrigin = shiftsim::make_time(2020, 1, 1).time_since_epoch().count();

const std::vector<cl::Site>& sites() {
  static const std::vector<cl::Site> s = [] {
    g::SynthOptions o;
    o.years = {2020};
    o.step = Seconds{300};
    const auto all = g::synthesize(o);
    std::vector<cl::Site> out;
    for (const char* label : {"West US", "France", "Germany"}) {
      const auto* region = g::find_region(label);
      for (const auto& series : all) {
        if (series.key.zone != region->watttime_ba) continue;
        auto actual = g::read_at_step(series, Seconds{300});
        auto plan = actual.values;
        out.emplace_back(cl::SiteSpec{label, 1000, 1.0, 0.0, {}}, std::move(actual),
                         std::move(plan));
      }
    }
    return out;
  }();
  return s;
}

struct Trace {
  std::vector<cl::ClusterJob> jobs;
  bool real = false;
};

const Trace& pai() {
  static const Trace t = [] {
    Trace out;
    shiftsim::workloads::jobs::TraceOptions o;
    o.origin = kOrigin;
    o.accelerator_watts = shiftsim::workloads::jobs::catalog_accelerator_watts();
    o.slack = Seconds{24 * 3600};
    if (const char* data = std::getenv("SHIFTSIM_DATA")) {
      out.jobs = shiftsim::workloads::jobs::read_trace(
          std::string(data) + "/gaia-cluster-traces/pai-100k.csv", o);
      out.real = true;
    } else {
      auto spec = shiftsim::workloads::jobs::GeneratorSpec::parse(
          "poisson:rate=11.4/h,jobs=99998,seed=1,mix=densenet-121;densenet-201;bert-finetune");
      spec.origin = kOrigin;
      spec.slack = o.slack;
      out.jobs = shiftsim::workloads::jobs::generate_jobs(spec);
    }
    return out;
  }();
  return t;
}

std::map<std::string, double> g_seconds;  // benchmark name -> seconds per iteration
std::map<std::string, double> g_ns_per_event;

void run_scenario(benchmark::State& state, const std::vector<cl::ClusterJob>& jobs,
                  const std::string& scheduler, const std::string& name,
                  const shiftsim::sim::PauseCosts& costs = {}) {
  std::uint64_t events = 0;
  double total = 0;
  for (auto _ : state) {
    auto copy = jobs;  // not timed: the Cluster takes its jobs
    const auto t0 = std::chrono::steady_clock::now();
    cl::Cluster c(sites(), std::move(copy), costs);
    auto s = cl::make_scheduler(scheduler);
    const auto r = c.run(*s);
    const double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    state.SetIterationTime(dt);
    total += dt;
    events = r.events;
    std::size_t finished = 0;
    for (const auto& j : r.jobs) finished += j.outcome == cl::JobOutcome::finished;
    if (finished < jobs.size() * 9 / 10) {
      state.SkipWithError(
          "fewer than 90% of the jobs finished: the scenario is not what it claims");
      return;
    }
    benchmark::DoNotOptimize(r);
  }
  const double per = total / static_cast<double>(state.iterations());
  state.counters["events"] = static_cast<double>(events);
  state.counters["events_per_s"] = static_cast<double>(events) / per;
  state.counters["ns_per_event"] = per * 1e9 / static_cast<double>(events);
  g_seconds[name] = per;
  g_ns_per_event[name] = per * 1e9 / static_cast<double>(events);
}

void BM_PaiTrace(benchmark::State& state, const std::string& scheduler) {
  const auto& t = pai();
  state.SetLabel(t.real ? "pai-100k.csv" : "generated stand-in (SHIFTSIM_DATA unset)");
  run_scenario(state, t.jobs, scheduler, "pai/" + scheduler);
}

void BM_PaiSuspend(benchmark::State& state, std::int64_t min_run_s) {
  const auto& t = pai();
  state.SetLabel(t.real ? "pai-100k.csv" : "generated stand-in (SHIFTSIM_DATA unset)");
  auto jobs = t.jobs;
  for (auto& j : jobs) j.interruptible = true;
  const shiftsim::sim::PauseCosts costs{Seconds{600}, shiftsim::kwh(0.05), Seconds{min_run_s}};
  run_scenario(state, jobs, "carbon-suspend", "suspend/" + std::to_string(min_run_s), costs);
}

void BM_Generated(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  // Load independent of n: the rate grows with the count so that every size spans the year.
  const double rate = static_cast<double>(n) / (366.0 * 24.0);
  auto spec = shiftsim::workloads::jobs::GeneratorSpec::parse(
      "poisson:rate=" + std::to_string(rate) + "/h,jobs=" + std::to_string(n) +
      ",seed=1,mix=densenet-121;densenet-169;densenet-201;bert-finetune");
  spec.origin = kOrigin;
  const auto jobs = shiftsim::workloads::jobs::generate_jobs(spec);
  run_scenario(state, jobs, "fifo", "generated/" + std::to_string(n));
}

}  // namespace

BENCHMARK_CAPTURE(BM_PaiTrace, fifo, std::string("fifo"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_PaiTrace, carbon_delay, std::string("carbon-delay"))
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3);
BENCHMARK_CAPTURE(BM_PaiSuspend, min_run_1s, std::int64_t{1})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK_CAPTURE(BM_PaiSuspend, min_run_2h, std::int64_t{7200})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1);
BENCHMARK(BM_Generated)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(2);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  std::printf("\nsummary\n");
  for (const char* s : {"fifo", "carbon-delay"}) {
    const auto it = g_seconds.find(std::string("pai/") + s);
    if (it == g_seconds.end()) continue;
    std::printf("PAI 100k, 3 sites x 1000, %-13s %8.3f s (target < 10 s): %s\n", s, it->second,
                it->second < 10 ? "PASS" : "FAIL");
  }
  const auto fifo = g_seconds.find("pai/fifo");
  for (const char* m : {"1", "7200"}) {
    const auto it = g_seconds.find(std::string("suspend/") + m);
    if (it == g_seconds.end() || fifo == g_seconds.end()) continue;
    std::printf("PAI 100k, carbon-suspend, checkpoints, min run %4ss: %8.3f s, %.0fx fifo\n", m,
                it->second, it->second / fifo->second);
  }
  const auto base = g_ns_per_event.find("generated/10000");
  if (base != g_ns_per_event.end()) {
    for (const char* n : {"10000", "100000", "1000000"}) {
      const auto it = g_ns_per_event.find(std::string("generated/") + n);
      if (it == g_ns_per_event.end()) continue;
      std::printf("generated %-8s jobs: %7.1f ns/event, %.2fx the 10k cost per event\n", n,
                  it->second, it->second / base->second);
    }
  }
  return 0;
}
