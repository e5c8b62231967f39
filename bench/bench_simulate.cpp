// Benchmarks of the simulation kernels (sim/kernels.hpp) over a whole start axis, each beside its
// brute-force definition. See bench/README.md.
//
// Input: a year of 5-minute steps (T = 105,120) of a pseudo-random intensity from a fixed seed
// (a diurnal cycle, a weekly and a seasonal one, AR(1) noise; 100..800 g/kWh), used as plan and
// charge (an oracle). The job is the 6B transformer of Table 2: 13,812.4 kWh over 8 days, i.e.
// K = 2304 work steps of 13,812.4 / 2304 kWh (uniform), or the same steps scaled by fixed
// pseudo-random factors in [0.75, 1.25) (non-uniform). The window is N = 100% of the duration:
// flexible start tries n + 1 = 2305 candidates, pause-resume chooses 2304 of W = 4608 steps.
// Every start for which the data suffices is evaluated: 105,120 - 4608 + 1 = 100,513 starts.
//
//   BM_FlexibleStart_Year              kernels::flexible_start over all starts (prefix sums and a
//                                      sliding minimum);
//   BM_FlexibleStart_Year_Direct       the baseline: brute_force::flexible_start, which sums every
//                                      candidate directly (2305 x 2304 products per start), on 8
//                                      evenly spaced starts (all starts would take minutes);
//   BM_PauseResume_Year                kernels::pause_resume over all starts (a sliding selection
//                                      of the K smallest, by rank);
//   BM_PauseResume_Year_Sort           the baseline: brute_force::pause_resume, which copies and
//                                      sorts each window, on 200 evenly spaced starts;
//   BM_FlexibleStart_Year_NonUniform,  the kernels with the non-uniform job (O(T * K), exact);
//   BM_PauseResume_Year_NonUniform     a breakdown, without a baseline of their own.
// Online policies on issued forecasts (sim/online.hpp), on the same year with an archive issued
// every step for 36 leads (3 hours; lead k is the actual of step r + k times a fixed
// pseudo-random factor in [0.85, 1.15)), persistence beyond the horizon. The job is 6 hours
// (K = 72 uniform steps of 0.5 kWh) with N = 100%: the direct replay of flexible start costs
// O(n (n + K) K) per start, which rules out the 6B job. Every start with data from the second
// day on: 105,120 - 144 + 1 - 288.
//   BM_OnlineFlexibleStart_Year        online_flexible_start over all starts;
//   BM_OnlineFlexibleStart_Replay      the baseline: brute_force::online_flexible_start, which
//                                      replays each start's decisions from the view, on 64 starts;
//   BM_OnlinePauseResume_Year          online_pause_resume over all starts;
//   BM_OnlinePauseResume_Replay        the baseline: brute_force::online_pause_resume, 64 starts.
// The rate items_per_second is starts per second, so kernel and baseline compare per start; the
// program ends with the time per start of each benchmark and the ratio baseline/kernel of each
// pair (its own console reporter: --benchmark_format is ignored, --benchmark_out works).
//
// Checks: before timing, the kernel's results over all starts are compared with the brute force
// on the sampled starts (the same status, start or chosen steps, pauses; sums within 1e-9; for
// flexible start, a different candidate only as a rounding tie, planned costs within 1e-12). The
// timed results are then compared with that reference (the number of ok starts and the sum of
// their emissions, exactly). Any mismatch marks the benchmark as failed and the program exits 1.
#include <benchmark/benchmark.h>
#include <unistd.h>  // isatty

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "sim/core/random.hpp"
#include "sim/issued_forecast.hpp"
#include "sim/kernels.hpp"
#include "sim/online.hpp"

namespace kn = shiftsim::sim::kernels;
using kn::StartResult;
using kn::Status;

namespace {

bool g_failed = false;

void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  std::fprintf(stderr, "shiftsim_bench_simulate: %s\n", why.c_str());
  state.SkipWithError(why.c_str());
}

using Rng = shiftsim::Xorshift64Star;

constexpr std::int64_t kT = 105120;       // 365 days of 5-minute steps
constexpr std::int64_t kSteps = 2304;     // 8 days: the 6B transformer's 192 hours
constexpr double kJobKwh = 13812.4;       // Table 2
constexpr std::int64_t kWindow = kSteps;  // N = 100%: flexible-start window
constexpr std::int64_t kPauseWindow = kSteps + kWindow;
constexpr std::int64_t kStarts = kT - kPauseWindow + 1;  // the same for both policies
constexpr std::int64_t kDirectStarts = 8;
constexpr std::int64_t kSortStarts = 200;
constexpr double kTwoPi = 6.283185307179586;

const std::vector<double>& year() {
  static const std::vector<double> v = [] {
    Rng rng(0x5EED0301);
    std::vector<double> out(static_cast<std::size_t>(kT));
    double noise = 0;
    for (std::int64_t i = 0; i < kT; ++i) {
      const double t = static_cast<double>(i);
      noise = 0.97 * noise + 30.0 * (rng.unit() - 0.5);
      const double x = 450.0 - 170.0 * std::cos(kTwoPi * t / 288.0) +
                       30.0 * std::sin(kTwoPi * t / (7 * 288.0)) +
                       90.0 * std::cos(kTwoPi * t / static_cast<double>(kT)) + noise;
      out[static_cast<std::size_t>(i)] = std::clamp(x, 100.0, 800.0);
    }
    return out;
  }();
  return v;
}

kn::Grid grid() { return {year(), year()}; }

const std::vector<double>& uniform_job() {
  static const std::vector<double> kwh(static_cast<std::size_t>(kSteps),
                                       kJobKwh / static_cast<double>(kSteps));
  return kwh;
}

const std::vector<double>& non_uniform_job() {
  static const std::vector<double> kwh = [] {
    Rng rng(0x5EED0302);
    std::vector<double> out(static_cast<std::size_t>(kSteps));
    for (double& x : out) x = kJobKwh / static_cast<double>(kSteps) * (0.75 + 0.5 * rng.unit());
    return out;
  }();
  return kwh;
}

// `count` starts evenly spaced over [0, total).
std::vector<std::int64_t> sample(std::int64_t count, std::int64_t total = kStarts) {
  std::vector<std::int64_t> s;
  for (std::int64_t j = 0; j < count; ++j) s.push_back(j * (total - 1) / (count - 1));
  return s;
}

enum class Policy { flexible, pause };

std::vector<StartResult> kernel(Policy p, const std::vector<double>& kwh) {
  return p == Policy::flexible ? kn::flexible_start(grid(), kwh, kWindow, 0, kStarts)
                               : kn::pause_resume(grid(), kwh, kPauseWindow, 0, kStarts);
}

std::vector<StartResult> brute(Policy p, const std::vector<double>& kwh,
                               const std::vector<std::int64_t>& starts) {
  std::vector<StartResult> out;
  for (std::int64_t s : starts) {
    const auto r = p == Policy::flexible
                       ? kn::brute_force::flexible_start(grid(), kwh, kWindow, s, s + 1)
                       : kn::brute_force::pause_resume(grid(), kwh, kPauseWindow, s, s + 1);
    out.push_back(r[0]);
  }
  return out;
}

bool close(double a, double b, double rel) {
  return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b));
}

// Empty when the kernel's result for each sampled start matches the brute force's.
std::string compare(Policy p, const std::vector<StartResult>& fast,
                    const std::vector<std::int64_t>& starts, const std::vector<StartResult>& slow) {
  for (std::size_t j = 0; j < starts.size(); ++j) {
    const StartResult& f = fast[static_cast<std::size_t>(starts[j])];
    const StartResult& b = slow[j];
    const std::string at = "start " + std::to_string(starts[j]) + ": ";
    if (f.status != Status::ok || b.status != Status::ok) return at + "not ok";
    if (p == Policy::flexible && f.first != b.first) {  // only a rounding tie may differ
      if (!close(f.planned_g, b.planned_g, 1e-12))
        return at + "another candidate (" + std::to_string(f.first) + ", brute force " +
               std::to_string(b.first) + ")";
      continue;
    }
    if (f.first != b.first || f.last != b.last || f.pauses != b.pauses)
      return at + "other steps than the brute force";
    if (!close(f.emissions_g, b.emissions_g, 1e-9) || !close(f.planned_g, b.planned_g, 1e-9))
      return at + "other sums than the brute force";
  }
  return {};
}

struct Checksum {
  std::int64_t ok = 0;
  double emissions = 0;
  bool operator==(const Checksum&) const = default;
};

Checksum checksum(const std::vector<StartResult>& r) {
  Checksum c;
  for (const auto& x : r)
    if (x.status == Status::ok) {
      ++c.ok;
      c.emissions += x.emissions_g;
    }
  return c;
}

// The reference for a kernel: its results over all starts, checked once against the brute force
// on the sample. Empty `why` when they agree.
struct Reference {
  Checksum sum;
  std::vector<StartResult> slow;  // the brute force on the sample
  std::string why;
};

const Reference& reference(Policy p, const std::vector<double>& kwh) {
  static std::map<std::pair<int, const void*>, Reference> cache;
  auto [it, fresh] = cache.try_emplace({static_cast<int>(p), &kwh});
  if (fresh) {
    const auto starts = sample(p == Policy::flexible ? kDirectStarts : kSortStarts);
    const auto fast = kernel(p, kwh);
    it->second.sum = checksum(fast);
    it->second.slow = brute(p, kwh, starts);
    it->second.why = compare(p, fast, starts, it->second.slow);
    if (it->second.sum.ok != kStarts) it->second.why = "not every start is ok";
  }
  return it->second;
}

void run_kernel(benchmark::State& state, Policy p, const std::vector<double>& kwh) {
  const Reference& ref = reference(p, kwh);
  if (!ref.why.empty()) return fail(state, ref.why);
  std::vector<StartResult> r;
  for (auto _ : state) {
    r = kernel(p, kwh);
    benchmark::DoNotOptimize(r.data());
  }
  if (!(checksum(r) == ref.sum)) return fail(state, "the timed results differ from the reference");
  state.SetItemsProcessed(state.iterations() * kStarts);
  state.counters["starts"] = static_cast<double>(kStarts);
  state.counters["checksum_g"] = ref.sum.emissions;
}

void run_brute(benchmark::State& state, Policy p, const std::vector<double>& kwh,
               std::int64_t count) {
  const Reference& ref = reference(p, kwh);
  if (!ref.why.empty()) return fail(state, ref.why);
  const auto starts = sample(count);
  std::vector<StartResult> r;
  for (auto _ : state) {
    r = brute(p, kwh, starts);
    benchmark::DoNotOptimize(r.data());
  }
  if (checksum(r).emissions != checksum(ref.slow).emissions)
    return fail(state, "the timed results differ from the reference");
  state.SetItemsProcessed(state.iterations() * count);
  state.counters["starts"] = static_cast<double>(count);
  state.counters["checksum_g"] = checksum(r).emissions;  // of the sampled starts only
}

void BM_FlexibleStart_Year(benchmark::State& state) {
  run_kernel(state, Policy::flexible, uniform_job());
}
void BM_FlexibleStart_Year_Direct(benchmark::State& state) {
  run_brute(state, Policy::flexible, uniform_job(), kDirectStarts);
}
void BM_PauseResume_Year(benchmark::State& state) {
  run_kernel(state, Policy::pause, uniform_job());
}
void BM_PauseResume_Year_Sort(benchmark::State& state) {
  run_brute(state, Policy::pause, uniform_job(), kSortStarts);
}
void BM_FlexibleStart_Year_NonUniform(benchmark::State& state) {
  run_kernel(state, Policy::flexible, non_uniform_job());
}
void BM_PauseResume_Year_NonUniform(benchmark::State& state) {
  run_kernel(state, Policy::pause, non_uniform_job());
}

// ---- online policies on issued forecasts ----

constexpr std::int64_t kOnlineSteps = 72;  // 6 hours
constexpr std::int64_t kOnlineWindow = kOnlineSteps;
constexpr std::int64_t kOnlinePauseWindow = kOnlineSteps + kOnlineWindow;
// Starts from the second day on: within the first, persistence beyond the horizon has no day
// before to repeat (no_forecast). kOnlineStarts of them, indexed from kOnlineFirst.
constexpr std::int64_t kOnlineFirst = 288;
constexpr std::int64_t kOnlineStarts = kT - kOnlinePauseWindow + 1 - kOnlineFirst;
constexpr std::int64_t kReplayStarts = 64;
constexpr std::size_t kLeads = 36;

const shiftsim::sim::IssuedView& issued_view() {
  static const shiftsim::sim::IssuedArchive archive = [] {
    Rng rng(0x5EED0303);
    const auto& a = year();
    shiftsim::sim::IssuedArchive out{kLeads, std::vector<double>(a.size() * kLeads)};
    for (std::size_t r = 0; r < a.size(); ++r)
      for (std::size_t k = 1; k <= kLeads; ++k)
        out.rows[r * kLeads + k - 1] = r + k < a.size() ? a[r + k] * (0.85 + 0.3 * rng.unit())
                                                        : std::numeric_limits<double>::quiet_NaN();
    return out;
  }();
  static const shiftsim::sim::IssuedView view(archive, year(), shiftsim::sim::Beyond::persistence,
                                              288);
  return view;
}

const std::vector<double>& online_job() {
  static const std::vector<double> kwh(static_cast<std::size_t>(kOnlineSteps), 0.5);
  return kwh;
}

std::vector<StartResult> online_fast(Policy p) {
  namespace sm = shiftsim::sim;
  constexpr std::int64_t from = kOnlineFirst, to = kOnlineFirst + kOnlineStarts;
  return p == Policy::flexible
             ? sm::online_flexible_start(issued_view(), online_job(), kOnlineWindow, from, to)
             : sm::online_pause_resume(issued_view(), online_job(), kOnlinePauseWindow, from, to);
}

std::vector<StartResult> online_replay(Policy p, const std::vector<std::int64_t>& starts) {
  namespace bf = shiftsim::sim::brute_force;
  std::vector<StartResult> out;
  for (const std::int64_t i : starts) {  // relative to kOnlineFirst
    const std::int64_t s = kOnlineFirst + i;
    const auto r =
        p == Policy::flexible
            ? bf::online_flexible_start(issued_view(), online_job(), kOnlineWindow, s)
            : bf::online_pause_resume(issued_view(), online_job(), kOnlinePauseWindow, s);
    out.push_back(shiftsim::sim::to_start_result(r, online_job(), year()));
  }
  return out;
}

const Reference& online_reference(Policy p) {
  static std::map<int, Reference> cache;
  auto [it, fresh] = cache.try_emplace(static_cast<int>(p));
  if (fresh) {
    const auto starts = sample(kReplayStarts, kOnlineStarts);
    const auto fast = online_fast(p);
    it->second.sum = checksum(fast);
    it->second.slow = online_replay(p, starts);
    it->second.why = compare(p, fast, starts, it->second.slow);
    if (it->second.sum.ok != kOnlineStarts) {
      std::int64_t first_bad = 0;
      while (fast[static_cast<std::size_t>(first_bad)].status == Status::ok) ++first_bad;
      it->second.why =
          "not every online start is ok: start " + std::to_string(kOnlineFirst + first_bad) +
          " is " +
          std::to_string(static_cast<int>(fast[static_cast<std::size_t>(first_bad)].status));
    }
  }
  return it->second;
}

void run_online(benchmark::State& state, Policy p, bool replay) {
  const Reference& ref = online_reference(p);
  if (!ref.why.empty()) return fail(state, ref.why);
  const auto starts = sample(kReplayStarts, kOnlineStarts);
  std::vector<StartResult> r;
  for (auto _ : state) {
    r = replay ? online_replay(p, starts) : online_fast(p);
    benchmark::DoNotOptimize(r.data());
  }
  const bool same =
      replay ? checksum(r).emissions == checksum(ref.slow).emissions : checksum(r) == ref.sum;
  if (!same) return fail(state, "the timed results differ from the reference");
  const std::int64_t count = replay ? kReplayStarts : kOnlineStarts;
  state.SetItemsProcessed(state.iterations() * count);
  state.counters["starts"] = static_cast<double>(count);
}

void BM_OnlineFlexibleStart_Year(benchmark::State& state) {
  run_online(state, Policy::flexible, false);
}
void BM_OnlineFlexibleStart_Replay(benchmark::State& state) {
  run_online(state, Policy::flexible, true);
}
void BM_OnlinePauseResume_Year(benchmark::State& state) { run_online(state, Policy::pause, false); }
void BM_OnlinePauseResume_Replay(benchmark::State& state) {
  run_online(state, Policy::pause, true);
}

// The console output, then the time per start of each benchmark (the best repetition) and the
// ratio baseline/kernel of each pair.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      if (r.error_occurred || r.run_type != Run::RT_Iteration || r.iterations == 0) continue;
      const auto it = r.counters.find("starts");
      if (it == r.counters.end()) continue;
      const double per_start =
          r.real_accumulated_time / static_cast<double>(r.iterations) / it->second.value;
      auto [slot, fresh] = per_start_.try_emplace(r.run_name.function_name, per_start);
      if (!fresh) slot->second = std::min(slot->second, per_start);
    }
  }

  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\nTime per start (best repetition):\n");
    for (const auto& [name, t] : per_start_)
      std::printf("  %-34s %12.3f us\n", name.c_str(), t * 1e6);
    ratio("flexible start", "BM_FlexibleStart_Year_Direct", "BM_FlexibleStart_Year");
    ratio("pause-resume", "BM_PauseResume_Year_Sort", "BM_PauseResume_Year");
    ratio("online flexible start", "BM_OnlineFlexibleStart_Replay", "BM_OnlineFlexibleStart_Year");
    ratio("online pause-resume", "BM_OnlinePauseResume_Replay", "BM_OnlinePauseResume_Year");
  }

 private:
  void ratio(const char* what, const std::string& slow, const std::string& fast) const {
    const auto s = per_start_.find(slow), f = per_start_.find(fast);
    if (s == per_start_.end() || f == per_start_.end()) return;
    std::printf("Ratio per start, %s: %s / %s = %.0f\n", what, slow.c_str(), fast.c_str(),
                s->second / f->second);
  }
  std::map<std::string, double> per_start_;
};

}  // namespace

BENCHMARK(BM_FlexibleStart_Year)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FlexibleStart_Year_Direct)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_PauseResume_Year)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_PauseResume_Year_Sort)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_FlexibleStart_Year_NonUniform)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_PauseResume_Year_NonUniform)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OnlineFlexibleStart_Year)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OnlineFlexibleStart_Replay)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OnlinePauseResume_Year)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_OnlinePauseResume_Replay)->Unit(benchmark::kMillisecond)->Iterations(3);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  RatioReporter reporter(isatty(fileno(stdout)) != 0 ? RatioReporter::OO_ColorTabular
                                                     : RatioReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return g_failed ? 1 : 0;
}
