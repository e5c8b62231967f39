#pragma once
// Fast exact kernels: one policy's result for every start of a start axis at once.
//
// Everything here is on the simulation's step grid. A job is its energy per work step
// (StepEnergy::kwh: K values, the last one possibly for a partial step); a grid is two
// aligned arrays of T values per step: `plan`, what the policy decides on (the actual intensity
// for an oracle, a forecast otherwise; NaN where no forecast exists), and `charge`, the actual
// intensity the job is charged (g/kWh). Emissions are sum(kwh[k] * charge[step of work step k]),
// in grams.
//
// Definitions (dodge2022.md section 3), for a start at step s:
//   baseline        work step k runs in step s + k.
//   flexible start  candidates c = s, s+1, ..., s + n (n = window_steps); the job runs
//                   contiguously from the candidate with the lowest planned emissions
//                   sum(kwh[k] * plan[c + k]); the earliest candidate on ties, where costs
//                   within kTieTolerance (relative) of the lowest are ties (sums over thousands
//                   of steps round differently per candidate: an exact comparison would let a
//                   rounding hair delay a job by hours for nothing).
//   pause-resume    among the W = window_steps steps s .. s+W-1 (W >= K), choose the K steps
//                   with the lowest plan value, ordered by (plan value, step index), i.e. the
//                   earliest on ties; the k-th work step runs in the k-th chosen step in time
//                   order. For non-uniform energy this is the paper's rule, not the minimum.
// A start whose decision window reaches past the data (flexible start: s + n + K > T;
// pause-resume: s + W > T; baseline: s + K > T) has status beyond_data; one whose window holds a
// NaN plan value has status no_forecast. Neither is an error: sweeps record them as missing.
// The windows are plan[s .. s+n+K-1], plan[s .. s+W-1] and, for the baseline too (its planned_g
// needs them), plan[s .. s+K-1]; so the baseline equals flexible start with n = 0 and
// pause-resume with W = K in every field, status included. Starts at or past T are allowed
// (beyond_data). Plan values are finite or NaN, charge values finite (infinities unsupported).
//
// Uniform energy means every value but the last is the same (the last may be a partial step).
// Complexity for T starts: baseline and uniform flexible start O(T + K) (prefix sums in long
// double, sliding-window minima from block minima, then the first candidate within the tie
// tolerance of the minimum); pause-resume O(T log W) for uniform energy (a
// sliding window keeping the sum of the K smallest values); non-uniform flexible start and
// pause-resume O(T * K) (exact, slower). The brute_force namespace holds the direct definitions
// the tests and benchmarks compare against.
//
// The fast uniform path computes candidate costs from prefix sums, the brute force by direct
// sums; they differ by rounding (about 1e-15 relative), so only a candidate lying right at the
// tie tolerance's edge can be chosen differently.
//
// Thread-safety: pure functions of their arguments.
#include <cstdint>
#include <span>
#include <vector>

namespace shiftsim::sim::kernels {

enum class Status : std::uint8_t { ok, beyond_data, no_forecast };

// Flexible-start candidates whose planned costs are within this share of the lowest are ties.
constexpr double kTieTolerance = 1e-9;

struct Grid {
  std::span<const double> plan;    // decided on; NaN = no forecast for that step
  std::span<const double> charge;  // charged; same size as plan, finite
};

struct StartResult {
  Status status = Status::beyond_data;
  double emissions_g = 0;   // charged, operational
  double planned_g = 0;     // the same sum with plan values (what the policy believed)
  std::int64_t first = 0;   // step index of the first work step
  std::int64_t last = 0;    // step index of the last work step
  std::int32_t pauses = 0;  // runs of consecutive chosen steps, minus one
};

// True when every value but the last equals the first (bitwise), the case the fast paths need.
bool is_uniform(std::span<const double> kwh);

// Results for starts s in [from, to), one per start, in order. Preconditions (InternalError
// otherwise): kwh non-empty, 0 <= from <= to, grid spans equal size; for pause_resume
// window_steps >= kwh.size(); for flexible_start window_steps >= 0.
std::vector<StartResult> baseline(const Grid& grid, std::span<const double> kwh, std::int64_t from,
                                  std::int64_t to);
std::vector<StartResult> flexible_start(const Grid& grid, std::span<const double> kwh,
                                        std::int64_t window_steps, std::int64_t from,
                                        std::int64_t to);
std::vector<StartResult> pause_resume(const Grid& grid, std::span<const double> kwh,
                                      std::int64_t window_steps, std::int64_t from,
                                      std::int64_t to);

// Pause-resume's order of a plan's steps, by (plan value, step index) with NaN after everything,
// which pause_resume_at otherwise makes for the steps it touches each time (a radix sort: about a
// third of its time). Made once per plan, it serves every window and job deciding on that plan,
// with the same results to the bit. Only for plans of fewer than 2^32 steps.
struct PlanRanks {
  std::vector<std::uint32_t> rank;   // rank[i]: the place of step i in that order
  std::vector<std::uint32_t> order;  // order[r]: the step in place r
};
// The ranks of every step of `plan` (InternalError at 2^32 steps or more). `ranks` given to
// pause_resume_at must be rank_plan(grid.plan) (InternalError when its size differs).
PlanRanks rank_plan(std::span<const double> plan);

// The same results at the given starts only: step indices, non-negative and non-decreasing
// (InternalError otherwise), each possibly beyond the data; result i is the range kernels' result
// for starts[i] (the same bits as a range from starts[0] gives there). What a start does not need
// is not computed: flexible start evaluates the candidates of the starts' windows only and the
// tie search and the results at the starts only; pause-resume still slides its window over
// every step between the first start and the last, but reads results at the starts only. For
// hourly starts on a 5-minute grid that is 1 result in 12.
std::vector<StartResult> baseline_at(const Grid& grid, std::span<const double> kwh,
                                     std::span<const std::int64_t> starts);
std::vector<StartResult> flexible_start_at(const Grid& grid, std::span<const double> kwh,
                                           std::int64_t window_steps,
                                           std::span<const std::int64_t> starts);
std::vector<StartResult> pause_resume_at(const Grid& grid, std::span<const double> kwh,
                                         std::int64_t window_steps,
                                         std::span<const std::int64_t> starts,
                                         const PlanRanks* ranks = nullptr);

// The steps pause-resume chooses for one start, in time order (empty unless status ok): the plan
// an event simulation executes. Preconditions as pause_resume's, with work_steps for kwh.size()
// and start for from.
std::vector<std::int64_t> pause_resume_steps(const Grid& grid, std::size_t work_steps,
                                             std::int64_t window_steps, std::int64_t start);

namespace brute_force {
// The definitions above, computed directly per start: flexible start sums every candidate;
// pause-resume copies and sorts each window. Same contracts, O(T * n * K) and O(T * W log W).
std::vector<StartResult> baseline(const Grid& grid, std::span<const double> kwh, std::int64_t from,
                                  std::int64_t to);
std::vector<StartResult> flexible_start(const Grid& grid, std::span<const double> kwh,
                                        std::int64_t window_steps, std::int64_t from,
                                        std::int64_t to);
std::vector<StartResult> pause_resume(const Grid& grid, std::span<const double> kwh,
                                      std::int64_t window_steps, std::int64_t from,
                                      std::int64_t to);
}  // namespace brute_force

}  // namespace shiftsim::sim::kernels
