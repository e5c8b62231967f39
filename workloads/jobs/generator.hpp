#pragma once
// A seeded generator of cluster jobs: catalog workloads arriving as a Poisson process, constant
// or following a daily cycle, for scenarios that have no trace.
//
// Each job is one run of a catalog workload (workloads/catalog.hpp): accelerators = its gpus,
// power = its profile (uniform: Table 2's energy over its hours), workload = its name; ids "g1",
// "g2", ... in arrival order; deferrable; interruptible with probability interruptible_share;
// deadline = arrival + length + slack when a slack is given.
//
// Arrivals are whole Unix seconds from `origin`, sorted (ties possible at high rates):
//   poisson   exponential inter-arrival times at jobs_per_hour;
//   diurnal   rate(t) = mean x (1 + amplitude x cos(2 pi (hour_utc(t) - peak_hour) / 24)), by
//             thinning: candidates at the peak rate mean x (1 + amplitude), each kept with
//             probability rate(t) / peak rate. Over whole days the mean rate is jobs_per_hour.
//
// The default mix is the ten catalog jobs with at most 8 GPUs, equal weights: every job but
// transformer-6b, whose 256 A100s for 8 days would fill most sites alone and dominate any total
// (it is 97% of the catalog's energy). Name it in `mix` to include it.
//
// Determinism: the jobs are a pure function of the spec, on every platform. Draws come from
// Xorshift64Star (seeded through splitmix64, so nearby seeds give unrelated streams) and the
// distributions are written here (inverse-CDF exponential, comparisons with a uniform), not the
// standard library's. std::log and std::cos may differ in the last bit between C libraries; the
// arrivals are rounded to whole seconds, which makes that harmless: over a year of arrivals the
// unrounded times differ by nanoseconds at most, so a job moves only if its time lies that close
// to a half second (or a thinning draw within 1e-16 of its threshold), about 1e-8 per job. Each job
// takes the same draws whatever the spec's mix and share: changing interruptible_share changes
// only which jobs are interruptible, and a job interruptible at one share is at any larger one.
//
// Cost: O(jobs) time and memory (about 200 bytes a job); a million jobs take about 0.25 s, most
// of it allocating them.
// Thread-safety: pure functions.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/job.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::workloads::jobs {

using sim::cluster::ClusterJob;
using sim::cluster::JobId;

// The most jobs one spec may ask for (about 20 GB of jobs).
constexpr std::size_t kMaxGeneratedJobs = 100'000'000;

struct GeneratorSpec {
  enum class Shape : std::uint8_t { poisson, diurnal };
  Shape shape = Shape::poisson;
  double jobs_per_hour = 10;     // mean rate, > 0
  std::size_t jobs = 1000;       // how many, 1 .. kMaxGeneratedJobs
  double amplitude = 0.5;        // diurnal: 0 .. 1
  double peak_hour = 14;         // diurnal: the UTC hour of the peak, [0, 24)
  std::vector<std::string> mix;  // catalog names (any spelling the catalog finds); empty = the
                                 // default mix above
  std::vector<double> weights;   // same size as mix, each >= 0, sum > 0; empty = equal
  // Fraction of jobs marked interruptible, 0 .. 1; unset (none given) counts as 0 but lets a
  // caller's default apply (shiftsim cluster --interruptible), which an explicit 0 refuses.
  std::optional<double> interruptible_share;
  std::optional<Seconds> slack;  // every job gets deadline = arrival + length + slack
  std::uint64_t seed = 1;        // any value, 0 included
  std::int64_t origin = 0;       // Unix seconds: no job arrives before it

  // "poisson:rate=12/h,jobs=10000,seed=3,mix=bert-finetune;vit-small,weights=3;1,
  //  interruptible=0.5,slack=24h,origin=2020-01-01" or "diurnal:rate=12/h,amplitude=0.8,peak=14".
  // rate is N/h, N/d, N/min, N/s or N/<duration> (12/30min); interruptible a fraction or a
  // percentage; origin a date or time (UTC). Keys left out keep the defaults above. Throws
  // ConfigError naming the text and listing the keys on any error, including a spec that
  // validate() refuses.
  static GeneratorSpec parse(std::string_view text);
  // The text form, which parse() reads back to an equal spec.
  std::string describe() const;
  // Throws ConfigError for values outside the ranges above or a name not in the catalog.
  void validate() const;
};

// The jobs of the spec (validated first). Throws ConfigError also when the arrivals would span
// more than kMaxDuration (a rate far too low for the number of jobs).
std::vector<ClusterJob> generate_jobs(const GeneratorSpec& spec);

}  // namespace shiftsim::workloads::jobs
