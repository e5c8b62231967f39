#include "experiments/runner.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <set>

#include "experiments/cells.hpp"
#include "experiments/chunk_compression.hpp"
#include "experiments/cube_file.hpp"
#include "experiments/journal.hpp"
#include "experiments/merge.hpp"
#include "experiments/provenance.hpp"
#include "experiments/sweep.hpp"
#include "experiments/thread_arena.hpp"
#include "grids/calibrated.hpp"
#include "grids/forecast_source.hpp"
#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/quantiles.hpp"
#include "sim/kernels.hpp"
#include "sim/online.hpp"
#include "sim/simulate.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::experiments {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<double> kQuantiles{0.0, 0.25, 0.5, 0.75, 1.0};

struct RegionInput {
  std::string name;
  const grids::Series* series = nullptr;
  RegularSeries actual;
};

struct WorkloadInput {
  workloads::Workload workload;
  PowerProfile power;       // facility
  std::vector<double> kwh;  // per step
  double energy_kwh = 0;
  double embodied_g = 0;  // for an uninterrupted run (free pauses hold no machine)
};

// What one start of one cell gave; NaN / -1 when missing.
struct StartOut {
  double emissions = kNaN, delay_h = kNaN;
  std::int32_t pauses = kMissingI32;
};

RegionInput load_region(const Experiment& e, const grids::GridStore& store,
                        const std::string& name) {
  const auto found = grids::series_for(store, name, e.signal, e.basis);
  if (found.empty()) {
    // Blame the key that excludes the region: signal/basis when the region has other series.
    const bool filtered = (e.signal || e.basis) && !grids::series_for(store, name).empty();
    throw ConfigError(fmt::format(
        "{}:{}: [grids] '{}': the grid store {} has no series for region or zone '{}'{}; list "
        "what it holds with 'shiftsim grids list {}' and {}",
        e.file, filtered && e.signal_line != 0 ? e.signal_line : e.regions_line,
        filtered ? (e.signal ? "signal" : "basis") : "regions", e.store.string(), name,
        filtered ? " with that signal/basis" : "", e.store.string(),
        filtered ? "pick a signal and basis it has, or remove the key"
                 : "remove the region or import its data"));
  }
  return RegionInput{name, found.front(), grids::read_at_step(*found.front(), e.step)};
}

WorkloadInput load_workload(const std::string& name, Seconds step) {
  WorkloadInput w{
      workloads::load_workload(name), PowerProfile::uniform(kwh(1), Seconds{1}), {}, 0, 0};
  w.power = w.workload.facility_profile();
  w.kwh = w.power.at_step(step).kwh;
  w.energy_kwh = w.power.energy().value;
  w.embodied_g =
      w.workload.embodied.is_none() ? 0.0 : w.workload.embodied.for_time(w.power.duration()).value;
  return w;
}

// A variable of `n` values, each `fill` (NaN or kMissingI32, by its type).
Variable variable(std::string name, std::vector<std::string> dims, DType type, std::size_t n,
                  std::map<std::string, std::string> attrs, std::int32_t fill_i32 = kMissingI32) {
  Variable v;
  v.name = std::move(name);
  v.dims = std::move(dims);
  v.type = type;
  if (type == DType::f64)
    v.f64.assign(n, kNaN);
  else
    v.i32.assign(n, fill_i32);
  v.attrs = std::move(attrs);
  return v;
}

// The chunks of a cell's external variables (in the cube's order; journal.hpp), from each one's
// values over the cell's starts.
CellChunks cell_chunks(const Cube& cube,
                       const std::function<const unsigned char*(const std::string&)>& values) {
  CellChunks out;
  const double nan = kNaN;
  const std::int32_t missing = kMissingI32;
  for (const auto& v : cube.vars) {
    if (!v.external) continue;
    const bool f64 = v.type == DType::f64;
    auto row = compress_row(values(v.name), cube.dim(v.dims.back()).size(),
                            f64 ? sizeof(double) : sizeof(std::int32_t), v.chunk.back(),
                            f64 ? reinterpret_cast<const unsigned char*>(&nan)
                                : reinterpret_cast<const unsigned char*>(&missing));
    for (auto& r : row) out.push_back(std::move(r));
  }
  return out;
}

class Sweep {
 public:
  Sweep(const Experiment& e, const grids::GridStore& store) : e_(e), store_(store) {
    starts_ = start_times(e);
    for (const auto& r : e.regions) regions_.push_back(load_region(e, store, r));
    for (const auto& w : e.workloads) workloads_.push_back(load_workload(w, e.step));
    for (const auto& f : e.forecasts) {
      for (auto seed : e.seeds) specs_.push_back(sim::ForecastSpec::parse(f, seed));
    }
    check_coverage();
    for (std::size_t r = 0; r < regions_.size() && !fixed_region_; ++r) {
      if (iequals(regions_[r].name, kFixedHourRegion)) fixed_region_ = r;
    }
    if (fixed_region_ && !starts_.empty()) {
      std::set<int> years;
      for (auto t : starts_) years.insert(year_of(t));
      for (int y : years) {
        for (TimePoint day = make_time(y, 1, 1); year_of(day) == y; day += Seconds{86400})
          fixed_days_.push_back(day);
      }
    }
    // Forecasts per (region, forecast, seed): a plan aligned with the region's series, or for
    // an issued forecast its archive, aligned the same way.
    plans_.resize(regions_.size() * specs_.size());
    archives_.resize(regions_.size() * specs_.size());
    for (const auto& spec : specs_)
      if (spec.is_issued()) check_issued_policies(spec);
    for (std::size_t r = 0; r < regions_.size(); ++r) {
      for (std::size_t f = 0; f < specs_.size(); ++f) {
        if (specs_[f].is_issued()) {
          archives_[r * specs_.size() + f] =
              grids::make_issued_archive(specs_[f], regions_[r].actual, store);
        } else if (!specs_[f].is_oracle()) {
          plans_[r * specs_.size() + f] =
              grids::make_forecast(specs_[f], regions_[r].actual, &store);
        }
      }
    }
    // Pause-resume's order of each plan's steps, made once for all its windows and workloads.
    const bool ranked = std::any_of(e.policies.begin(), e.policies.end(), [](const auto& p) {
      return p.policy.kind == sim::PolicyKind::pause_resume && p.policy.costs.is_free();
    });
    ranks_.resize(plans_.size());
    for (std::size_t r = 0; ranked && r < regions_.size(); ++r) {
      for (std::size_t f = 0; f < specs_.size(); ++f) {
        const auto& plan = plans_[r * specs_.size() + f];
        const auto& steps = plan.empty() ? regions_[r].actual.values : plan;
        if (!specs_[f].is_issued() && steps.size() < std::numeric_limits<std::uint32_t>::max())
          ranks_[r * specs_.size() + f] = sim::kernels::rank_plan(steps);
      }
    }
  }

  std::size_t cells() const {
    return workloads_.size() * regions_.size() * e_.policies.size() * specs_.size();
  }

  // The cube's skeleton; `streamed`: its per-start variables external (cube.hpp), their chunks
  // kept in the journal instead of memory.
  Cube make_cube(const RunOptions& o, bool streamed) const;
  // The auxiliary coordinates of the policy and region dimensions (runner.hpp).
  void add_coordinates(Cube& c) const;
  // make_cube's sizes without making it (runner.hpp).
  RunPlan plan(std::size_t shard_index, std::size_t shard_count, int threads) const;
  // The fixed-start-hour runs (runner.hpp): BERT finetune in Central US at each hour of
  // kFixedHours on every day of the start axis's years, through the event engine as a single
  // run is, in parallel (in the caller's arena). Nothing when the experiment has no Central US.
  void fill_fixed_hours(Cube& cube) const;
  // Computes cell c (in the order workload, region, policy, forecast x seed) into the cube: its
  // summaries, and its per-start values, or for a streamed cube their chunks into `journal`.
  void run_cell(std::size_t c, Cube& cube, CellJournal* journal) const;
  void fill_baseline(Cube& cube) const;
  const std::string& coverage_warning() const { return coverage_warning_; }

 private:
  // Refuses starts that all lie beyond every region's data; notes those beyond some of it.
  void check_coverage();
  // Refuses a policy an issued forecast cannot drive (pause costs are not modelled online).
  void check_issued_policies(const sim::ForecastSpec& spec) const;
  // `ranks`: the plan's steps ranked (rank_plan), or nullptr.
  std::vector<StartOut> cell(const WorkloadInput& w, const RegionInput& r,
                             std::span<const double> plan, const sim::Policy& p,
                             const sim::IssuedArchive* archive = nullptr,
                             const sim::kernels::PlanRanks* ranks = nullptr) const;
  // The online policies' results (sim/online.hpp) for starts in [from, to), indexed from
  // `from`; only the starts of the axis are computed when they are sparse in the range.
  std::vector<sim::kernels::StartResult> online(const WorkloadInput& w, const RegionInput& r,
                                                const sim::Policy& p,
                                                const sim::IssuedArchive& archive,
                                                std::span<const std::int64_t> index,
                                                std::int64_t from, std::int64_t to) const;

  const Experiment& e_;
  const grids::GridStore& store_;
  std::vector<TimePoint> starts_;
  std::vector<RegionInput> regions_;
  std::vector<WorkloadInput> workloads_;
  std::vector<sim::ForecastSpec> specs_;  // forecast-major, then seed
  std::vector<std::vector<double>> plans_;
  std::vector<sim::IssuedArchive> archives_;  // for issued forecasts; else empty
  // Per plan, its steps ranked for pause-resume (empty when no policy needs them).
  std::vector<sim::kernels::PlanRanks> ranks_;
  // The fixed-hour runs' region (index in regions_) and days (midnight UTC); none without it.
  std::optional<std::size_t> fixed_region_;
  std::vector<TimePoint> fixed_days_;
  std::string coverage_warning_;
};

// What a region's data covers, as messages show it: "Nordic 2020-01-01 to 2021-01-01".
std::string covers(const RegionInput& r) {
  return fmt::format("{} {} to {}", r.name, format_time(r.actual.start).substr(0, 10),
                     format_time(r.actual.end()).substr(0, 10));
}

void Sweep::check_coverage() {
  // A start beyond a region's series gives NaN in every cell of that region: a cube of NaN looks
  // like a result, so a sweep with no start inside any data is refused, and one with some
  // outside is said.
  std::size_t outside = 0, regions_short = 0, cells_short = 0;
  const std::size_t per_region =
      e_.workloads.size() * e_.policies.size() * e_.forecasts.size() * e_.seeds.size();
  std::string which;
  for (const auto& r : regions_) {
    std::size_t n = 0;
    for (auto t : starts_) n += t < r.actual.start || t >= r.actual.end() ? 1 : 0;
    outside += n;
    if (n == 0) continue;
    ++regions_short;
    cells_short += per_region;
    which += fmt::format("{}{} ({} of {} starts beyond)", which.empty() ? "" : ", ", covers(r), n,
                         starts_.size());
  }
  if (starts_.empty() || outside == 0) return;
  const std::string years =
      fmt::format("{}{}", e_.years.front(),
                  e_.years.size() > 1 ? fmt::format(" to {}", e_.years.back()) : std::string());
  if (outside == starts_.size() * regions_.size()) {
    std::string all;
    for (const auto& r : regions_) all += fmt::format("{}{}", all.empty() ? "" : ", ", covers(r));
    throw ConfigError(fmt::format(
        "{}:{}: [grids] 'years': every start ({}) lies beyond the data of the grid store {} "
        "({}), so every result would be NaN; give years the data covers, or import data for "
        "these years",
        e_.file, e_.years_line, years, e_.store.string(), all));
  }
  coverage_warning_ =
      fmt::format("{} of {} cells ({} of {} regions) have starts beyond the data, left NaN: {}",
                  cells_short, cells(), regions_short, regions_.size(), which);
}

void Sweep::check_issued_policies(const sim::ForecastSpec& spec) const {
  for (const auto& p : e_.policies) {
    if (p.policy.kind == sim::PolicyKind::pause_resume && !p.policy.costs.is_free())
      throw ConfigError(fmt::format(
          "{}: [forecasts] '{}' with policy '{}': pause costs are not modelled for policies "
          "deciding on issued forecasts yet; drop the pause costs, or give this policy its own "
          "experiment without issued forecasts",
          e_.file, spec.describe(), p.label));
  }
}

std::vector<sim::kernels::StartResult> Sweep::online(const WorkloadInput& w, const RegionInput& r,
                                                     const sim::Policy& p,
                                                     const sim::IssuedArchive& archive,
                                                     std::span<const std::int64_t> index,
                                                     std::int64_t from, std::int64_t to) const {
  const Seconds step = e_.step;
  const sim::IssuedView view(archive, r.actual.values, p.forecast.beyond, kDay / step);
  const Seconds n = p.window.for_duration(w.power.duration());
  auto run = [&](std::int64_t a, std::int64_t b) {
    return p.kind == sim::PolicyKind::flexible_start
               ? sim::online_flexible_start(view, w.kwh, sim::flexible_start_offsets(n, step), a, b)
               : sim::online_pause_resume(view, w.kwh,
                                          sim::pause_resume_window(w.kwh.size(), n, step), a, b);
  };
  // The fast paths share work between neighbouring starts; for a few starts spread over a year
  // (the paper's scheme) computing each alone is cheaper than the whole range.
  constexpr std::int64_t kDense = 8;
  std::int64_t count = 0;
  for (auto i : index) count += i >= 0 ? 1 : 0;
  if (count * kDense >= to - from) return run(from, to);
  std::vector<sim::kernels::StartResult> out(static_cast<std::size_t>(to - from));
  for (auto i : index)
    if (i >= 0) out[static_cast<std::size_t>(i - from)] = run(i, i + 1).front();
  return out;
}

std::vector<StartOut> Sweep::cell(const WorkloadInput& w, const RegionInput& r,
                                  std::span<const double> plan, const sim::Policy& p,
                                  const sim::IssuedArchive* archive,
                                  const sim::kernels::PlanRanks* ranks) const {
  const auto& actual = r.actual;
  const Seconds step = e_.step;
  const Seconds d = w.power.duration();
  const auto k_steps = static_cast<std::int64_t>(w.kwh.size());
  std::vector<StartOut> out(starts_.size());
  // Step index of each start; -1 when it lies outside the series.
  std::vector<std::int64_t> index(starts_.size(), -1);
  std::int64_t from = std::numeric_limits<std::int64_t>::max(), to = -1;
  for (std::size_t i = 0; i < starts_.size(); ++i) {
    if (starts_[i] < actual.start || starts_[i] >= actual.end()) continue;
    index[i] = (starts_[i] - actual.start) / step;
    from = std::min(from, index[i]);
    to = std::max(to, index[i] + 1);
  }
  if (to < 0) return out;

  // An issued forecast drives flexible start and pause-resume online; the baseline and the
  // threshold policy decide on no forecast, so they run as with any other.
  const bool issued = archive && (p.kind == sim::PolicyKind::flexible_start ||
                                  p.kind == sim::PolicyKind::pause_resume);
  const bool engine = !issued && (p.kind == sim::PolicyKind::threshold ||
                                  (p.kind == sim::PolicyKind::pause_resume && !p.costs.is_free()));
  if (engine) {
    // The threshold policy sees the intensity as it happens: an issued forecast's cell runs it
    // as the oracle's does.
    sim::Policy q = p;
    if (q.forecast.is_issued()) q.forecast = {};
    for (std::size_t i = 0; i < starts_.size(); ++i) {
      if (index[i] < 0) continue;
      const auto res = sim::simulate(sim::RunRequest{&actual, plan, w.workload.name, w.power,
                                                     w.workload.embodied, starts_[i], q});
      if (res.outcome != sim::Outcome::ok) continue;
      out[i] =
          StartOut{res.record.operational.value,
                   static_cast<double>(res.delay().count()) / kSecondsPerHour, res.record.pauses};
    }
    return out;
  }
  const sim::kernels::Grid grid{plan.empty() ? std::span<const double>(actual.values) : plan,
                                actual.values};
  const Seconds n = p.window.for_duration(d);
  // The kernels at the starts' step indices only (in order: the axis increases), result j for
  // the j-th start inside the series; the online policies over [from, to), indexed from `from`.
  std::vector<std::int64_t> at;
  if (!issued) {
    at.reserve(starts_.size());
    for (auto i : index)
      if (i >= 0) at.push_back(i);
  }
  std::vector<sim::kernels::StartResult> k;
  if (issued) k = online(w, r, p, *archive, index, from, to);
  if (!issued) switch (p.kind) {
      case sim::PolicyKind::flexible_start:
        k = sim::kernels::flexible_start_at(grid, w.kwh, sim::flexible_start_offsets(n, step), at);
        break;
      case sim::PolicyKind::pause_resume:
        k = sim::kernels::pause_resume_at(
            grid, w.kwh, sim::pause_resume_window(w.kwh.size(), n, step), at, ranks);
        break;
      default:
        k = sim::kernels::baseline_at(grid, w.kwh, at);
        break;
    }
  // The last work step holds what is left of the duration.
  const Seconds last_len = d - step * (k_steps - 1);
  std::size_t j = 0;  // the next of `at`
  for (std::size_t i = 0; i < starts_.size(); ++i) {
    if (index[i] < 0) continue;
    const auto& r0 = k[issued ? static_cast<std::size_t>(index[i] - from) : j++];
    if (r0.status != sim::kernels::Status::ok) continue;
    const TimePoint finish = actual.start + step * r0.last + last_len;
    out[i] = StartOut{r0.emissions_g,
                      static_cast<double>((finish - (starts_[i] + d)).count()) / kSecondsPerHour,
                      r0.pauses};
  }
  return out;
}

RunPlan Sweep::plan(std::size_t shard_index, std::size_t shard_count, int threads) const {
  RunPlan p;
  p.cells = cells();
  p.cells_to_run =
      shard_index < p.cells ? (p.cells - shard_index + shard_count - 1) / shard_count : 0;
  p.starts = starts_.size();
  p.threads =
      static_cast<std::size_t>(threads > 0 ? threads : tbb::this_task_arena::max_concurrency());
  // As make_cube lays them out: per start, three float64 variables and pauses (int32); per cell,
  // energy_kwh, embodied_g, four means, four times the quantiles and valid_starts (int32).
  constexpr std::uint64_t f64 = sizeof(double), i32 = sizeof(std::int32_t);
  const std::uint64_t starts = p.starts, q = kQuantiles.size();
  const std::uint64_t held_per_cell = 6 * f64 + 4 * q * f64 + i32;
  p.cell_bytes = starts * (3 * f64 + i32) + held_per_cell;
  p.cube_bytes = p.cells * p.cell_bytes + workloads_.size() * regions_.size() * starts * f64 +
                 fixed_days_.size() * kFixedHours.size() * f64;
  p.held_bytes = p.cube_bytes - p.cells * starts * (3 * f64 + i32);
  // The policies' and regions' coordinates, as make_cube makes them (text: its characters).
  Cube coordinates;
  add_coordinates(coordinates);
  for (const auto& v : coordinates.vars) {
    std::uint64_t n = v.f64.size() * f64;
    for (const auto& x : v.text) n += x.size();
    p.cube_bytes += n;
    p.held_bytes += n;
  }
  // A cell's chunks as make_cube cuts them: the start axis whole up to 1 MiB of values.
  std::vector<std::uint64_t> chunks;
  for (const std::uint64_t size : {f64, f64, f64, i32}) {
    const std::uint64_t len = std::max<std::uint64_t>(1, std::min(starts, kChunkBytes / size));
    for (std::uint64_t at = 0; at < starts; at += len) chunks.push_back(len * size);
  }
  p.journal_bytes = CellJournal::bytes_for(p.cells_to_run, held_per_cell, chunks);
  // A worker's cell: the kernels' results over the range of steps its starts span (at most the
  // longest series), each start's outcome and values (StartOut, the per-start arrays, the
  // summaries' copies) and its compressed chunks; measured on the paper's sweeps well within.
  std::uint64_t steps = 0;
  for (const auto& r : regions_) steps = std::max<std::uint64_t>(steps, r.actual.values.size());
  p.worker_bytes = 64 * steps + 256 * starts;
  for (const auto& r : regions_) p.input_bytes += r.actual.values.size() * f64;
  for (const auto& w : workloads_) p.input_bytes += w.kwh.size() * f64;
  for (const auto& v : plans_) p.input_bytes += v.size() * f64;
  for (const auto& a : archives_) p.input_bytes += a.rows.size() * f64;
  for (const auto& k : ranks_) p.input_bytes += (k.rank.size() + k.order.size()) * i32;
  for (const auto& [key, series] : store_.series())  // the store is loaded whole
    p.input_bytes += series.values.size() * (f64 + 1) + series.forecast.values.size() * f64;
  return p;
}

Cube Sweep::make_cube(const RunOptions& o, bool streamed) const {
  Cube c;
  auto labels = [](std::string name, std::vector<std::string> v, std::string long_name) {
    return Dimension{std::move(name), Labels{std::move(v)}, {{"long_name", std::move(long_name)}}};
  };
  c.dims.push_back(labels("workload", e_.workloads, "workload (catalog name or file)"));
  c.dims.push_back(labels("region", e_.regions, "region (paper label or zone id)"));
  std::vector<std::string> policies;
  for (const auto& p : e_.policies) policies.push_back(p.label);
  c.dims.push_back(labels("policy", policies, "policy/window"));
  // Forecast and seed in every sweep cube, of length one when the experiment has one ("perfect":
  // the policies see the actual intensity, the oracle), so that code written for one cube runs
  // on the next.
  c.dims.push_back(labels("forecast", e_.forecasts,
                          "what policies decide on (perfect: the actual intensity, an oracle)"));
  std::vector<std::string> seeds;
  for (auto s : e_.seeds) seeds.push_back(std::to_string(s));
  c.dims.push_back(labels("seed", seeds, "seed of forecast noise"));
  std::vector<std::int64_t> t;
  for (auto s : starts_) t.push_back(s.time_since_epoch().count());
  c.dims.push_back(Dimension{"start", Times{t}, {{"long_name", "requested start (UTC)"}}});
  c.dims.push_back(
      Dimension{"quantile", Numbers{kQuantiles}, {{"long_name", "quantile over starts"}}});

  std::vector<std::string> full, summary;
  for (const auto& d : c.dims) {
    if (d.name == "quantile") continue;
    full.push_back(d.name);
    if (d.name != "start") summary.push_back(d.name);
  }
  std::size_t n_full = 1, n_summary = 1;
  for (const auto& d : full) n_full *= c.dim(d).size();
  // Streamed, the per-start variables hold nothing (not even for a moment: they are the cube).
  const bool hold = !(streamed && !starts_.empty());
  const std::size_t n_held = hold ? n_full : 0;
  for (const auto& d : summary) n_summary *= c.dim(d).size();
  // The fixed-hour axes come last: no cell variable is over them.
  if (!fixed_days_.empty()) {
    std::vector<std::int64_t> days;
    for (auto d : fixed_days_) days.push_back(d.time_since_epoch().count());
    c.dims.push_back(
        Dimension{"day", Times{days}, {{"long_name", "day of a fixed-hour run (UTC)"}}});
    std::vector<double> hours(kFixedHours.begin(), kFixedHours.end());
    c.dims.push_back(
        Dimension{"hour",
                  Numbers{hours},
                  {{"long_name", "start hour of a fixed-hour run (UTC)"}, {"units", "h"}}});
  }
  auto f64 = [](std::string name, std::vector<std::string> dims, std::size_t n, std::string units,
                std::string long_name) {
    return variable(std::move(name), std::move(dims), DType::f64, n,
                    {{"units", std::move(units)}, {"long_name", std::move(long_name)}});
  };
  add_coordinates(c);
  c.vars.push_back(f64("emissions_g", full, n_held, "g", "operational emissions, gCO2eq"));
  c.vars.push_back(f64("savings_pct", full, n_held, "%",
                       "emissions saved against starting at the requested time"));
  c.vars.push_back(
      f64("delay_h", full, n_held, "h", "finish minus requested start minus duration"));
  c.vars.push_back(
      variable("pauses", full, DType::i32, n_held,
               {{"units", "1"},
                {"long_name", "number of pauses"},
                {"comment", "-1 where the start has no result (emissions_g is NaN there)"}}));
  // Chunked per cell (1 on every cell dimension, the start axis cut only past 1 MiB), so that a
  // cell's chunks are its own: compressed on the worker that computed it, and copied as they are
  // from the journal into the file.
  for (auto& v : c.vars) {
    if (starts_.empty()) break;
    if (v.coordinate) continue;
    v.chunk.assign(full.size(), 1);
    const std::size_t value = v.type == DType::f64 ? sizeof(double) : sizeof(std::int32_t);
    v.chunk.back() = std::min<std::uint64_t>(starts_.size(), kChunkBytes / value);
    v.external = !hold;
  }
  // The same at every start of a cell (the job's energy and hardware time do not depend on when
  // it runs); with pause costs each pause adds its checkpoint to both (policy coordinates
  // checkpoint_energy_kwh and checkpoint_time_h).
  c.vars.push_back(f64("energy_kwh", summary, n_summary, "kWh",
                       "facility energy of the job's work (add pauses x checkpoint_energy_kwh "
                       "for a policy with pause costs)"));
  c.vars.push_back(f64("embodied_g", summary, n_summary, "g",
                       "embodied emissions over the job's duration, gCO2eq (with pause costs "
                       "each pause holds the hardware checkpoint_time_h longer)"));
  c.vars.push_back(f64("baseline_g", {"workload", "region", "start"},
                       c.dim("workload").size() * c.dim("region").size() * starts_.size(), "g",
                       "operational emissions when started at the requested time, gCO2eq"));
  if (!fixed_days_.empty()) {
    c.vars.push_back(f64("fixed_hour_g", {"day", "hour"}, fixed_days_.size() * kFixedHours.size(),
                         "g",
                         fmt::format("operational emissions of {} in {} started at the day's hour "
                                     "(the paper's Table 3), gCO2eq",
                                     kFixedHourWorkload, regions_[*fixed_region_].name)));
    c.var("fixed_hour_g").attrs["workload"] = kFixedHourWorkload;
    c.var("fixed_hour_g").attrs["region"] = regions_[*fixed_region_].name;
  }
  for (const std::string v : {"emissions_g", "savings_pct", "delay_h", "pauses"}) {
    const auto& src = c.var(v);
    const std::string units = src.attrs.at("units");
    c.vars.push_back(f64(v + "_mean", summary, n_summary, units, "mean over starts of " + v));
    auto qd = summary;
    qd.push_back("quantile");
    c.vars.push_back(f64(v + "_quantiles", qd, n_summary * kQuantiles.size(), units,
                         "quantiles over starts of " + v));
  }
  c.vars.push_back(variable("valid_starts", summary, DType::i32, n_summary,
                            {{"units", "1"}, {"long_name", "starts that finished within the data"}},
                            0));

  std::string warning;
  std::vector<std::pair<std::string, const grids::Series*>> series;
  for (const auto& r : regions_) {
    series.emplace_back(r.name, r.series);
    if (r.series->key.signal == Signal::surrogate) {
      // The calibrated surrogate says so wherever it is shown (grids/calibrated.hpp).
      const bool calibrated = r.series->source.find(grids::kCalibratedNote) != std::string::npos;
      if (calibrated || warning.empty())
        warning = calibrated ? fmt::format(
                                   "{}: some regions use the built-in calibrated "
                                   "surrogate series, not measurements",
                                   grids::kCalibratedNote)
                             : "SYNTHETIC data: some regions use the built-in surrogate series, "
                               "not measurements";
    }
  }
  c.attrs = sweep_attributes("shiftsim result cube", o.version, e_.file, e_.text, o.command_line,
                             e_.store.string(), e_.step);
  set_series_provenance(c, provenance_of(series));
  if (!coverage_warning_.empty()) warning += (warning.empty() ? "" : "; ") + coverage_warning_;
  if (!warning.empty()) c.attrs["data_warning"] = warning;
  return c;
}

void Sweep::add_coordinates(Cube& c) const {
  auto coordinate = [&](std::string name, std::string dim, std::string long_name,
                        std::string units = {}) {
    Variable v;
    v.name = std::move(name);
    v.dims = {std::move(dim)};
    v.attrs["long_name"] = std::move(long_name);
    if (!units.empty()) v.attrs["units"] = std::move(units);
    v.coordinate = true;
    return v;
  };
  auto text = [&](std::string name, std::string dim, std::string long_name,
                  std::vector<std::string> values) {
    Variable v = coordinate(std::move(name), std::move(dim), std::move(long_name));
    v.type = DType::text;
    v.text = std::move(values);
    c.vars.push_back(std::move(v));
  };
  auto number = [&](std::string name, std::string long_name, std::string units,
                    std::vector<double> values) {
    Variable v = coordinate(std::move(name), "policy", std::move(long_name), std::move(units));
    v.type = DType::f64;
    v.f64 = std::move(values);
    c.vars.push_back(std::move(v));
  };
  std::vector<std::string> kind, window;
  std::vector<double> hours, fraction, threshold, ckpt_time, ckpt_energy;
  for (const auto& p : e_.policies) {
    const auto& q = p.policy;
    const bool windowed = q.kind != sim::PolicyKind::baseline;
    kind.emplace_back(sim::to_string(q.kind));
    // As the experiment gives it: a windowed policy's label ends with it (experiment.hpp).
    window.push_back(windowed ? p.label.substr(p.label.rfind('/') + 1) : std::string());
    hours.push_back(windowed && !q.window.relative
                        ? static_cast<double>(q.window.absolute.count()) / kSecondsPerHour
                        : kNaN);
    fraction.push_back(windowed && q.window.relative ? q.window.percent / 100 : kNaN);
    threshold.push_back(q.kind == sim::PolicyKind::threshold ? q.threshold : kNaN);
    ckpt_time.push_back(static_cast<double>(q.costs.checkpoint_time.count()) / kSecondsPerHour);
    ckpt_energy.push_back(q.costs.checkpoint_energy.value);
  }
  text("policy_kind", "policy", "baseline, flexible-start, pause-resume or threshold",
       std::move(kind));
  text("window", "policy",
       "the policy's window N as the experiment gives it (\"24h\", \"50%\"); empty for the "
       "baseline",
       std::move(window));
  number("window_hours",
         "window N given as a time; NaN when given as a share of the job's duration or not "
         "applicable",
         "h", std::move(hours));
  number("window_fraction",
         "window N given as a share of the job's duration (0.5 for 50%); NaN when given as a "
         "time or not applicable",
         "1", std::move(fraction));
  number("threshold_g_per_kwh", "the threshold policy's intensity limit; NaN for other policies",
         "g/kWh", std::move(threshold));
  number("checkpoint_time_h", "time a pause's checkpoint holds the hardware (0: free pauses)", "h",
         std::move(ckpt_time));
  number("checkpoint_energy_kwh", "energy of a pause's checkpoint (0: free pauses)", "kWh",
         std::move(ckpt_energy));
  std::vector<std::string> zone, signal, basis, tz;
  for (const auto& r : regions_) {
    zone.push_back(r.series->key.zone);
    signal.emplace_back(to_string(r.series->key.signal));
    basis.emplace_back(to_string(r.series->key.basis));
    const auto* region = grids::find_region(r.name);
    if (region == nullptr) region = grids::find_region(r.series->key.zone);
    tz.push_back(region != nullptr ? region->timezone : std::string());
  }
  text("zone", "region", "the grid series' zone id", std::move(zone));
  text("signal", "region", "the grid series' signal: average, marginal or surrogate",
       std::move(signal));
  text("basis", "region", "the grid series' basis: direct or lifecycle", std::move(basis));
  text("timezone", "region",
       "the region's IANA time zone (empty for a zone that is not one of the paper's regions)",
       std::move(tz));
}

void Sweep::fill_baseline(Cube& cube) const {
  auto& b = cube.var("baseline_g").f64;
  const std::size_t t = starts_.size();
  const sim::Policy base;
  const std::size_t nr = regions_.size();
  // In parallel (in the caller's arena): each (workload, region) writes its own slots.
  tbb::parallel_for(std::size_t{0}, workloads_.size() * nr, [&](std::size_t wr) {
    const auto out = cell(workloads_[wr / nr], regions_[wr % nr], {}, base);
    for (std::size_t i = 0; i < t; ++i) b[wr * t + i] = out[i].emissions;
  });
}

void Sweep::fill_fixed_hours(Cube& cube) const {
  if (fixed_days_.empty()) return;
  const auto w = workloads::load_workload(kFixedHourWorkload);
  const auto power = w.facility_profile();
  const auto& actual = regions_[*fixed_region_].actual;
  auto& out = cube.var("fixed_hour_g").f64;
  const std::size_t nh = kFixedHours.size();
  // Each (day, hour) writes its own slot.
  tbb::parallel_for(std::size_t{0}, fixed_days_.size() * nh, [&](std::size_t i) {
    const TimePoint t = fixed_days_[i / nh] + Seconds{kFixedHours[i % nh] * 3600};
    const auto r =
        sim::simulate(sim::RunRequest{&actual, {}, w.name, power, w.embodied, t, sim::Policy{}});
    out[i] = r.outcome == sim::Outcome::ok ? r.record.operational.value : kNaN;
  });
}

void Sweep::run_cell(std::size_t c, Cube& cube, CellJournal* journal) const {
  const std::size_t nf = specs_.size(), np = e_.policies.size(), nr = regions_.size();
  const std::size_t f = c % nf, p = (c / nf) % np, r = (c / nf / np) % nr, w = c / nf / np / nr;
  sim::Policy policy = e_.policies[p].policy;
  policy.forecast = specs_[f];
  const auto& plan = plans_[r * nf + f];
  const auto& archive = archives_[r * nf + f];
  const auto& ranks = ranks_[r * nf + f];
  const auto out =
      cell(workloads_[w], regions_[r], plan, policy, archive.empty() ? nullptr : &archive,
           ranks.rank.empty() ? nullptr : &ranks);

  const std::size_t t = starts_.size();
  // The per-start values, in the order of the cube's variables (make_cube).
  std::vector<double> emissions(t), savings(t), delay(t);
  std::vector<std::int32_t> pauses(t);
  const auto& baseline = cube.var("baseline_g").f64;
  const std::size_t b0 = (w * nr + r) * t;
  std::vector<double> em, sav, del, pau;
  for (std::size_t i = 0; i < t; ++i) {
    const auto& o = out[i];
    emissions[i] = o.emissions;
    delay[i] = o.delay_h;
    pauses[i] = o.pauses;
    const double b = baseline[b0 + i];
    const double s =
        std::isnan(o.emissions) || std::isnan(b) || b == 0 ? kNaN : 100.0 * (b - o.emissions) / b;
    savings[i] = s;
    if (!std::isnan(o.emissions)) {
      em.push_back(o.emissions);
      del.push_back(o.delay_h);
      pau.push_back(o.pauses);
      if (!std::isnan(s)) sav.push_back(s);
    }
  }
  cube.var("valid_starts").i32[c] = static_cast<std::int32_t>(em.size());
  cube.var("energy_kwh").f64[c] = workloads_[w].energy_kwh;
  cube.var("embodied_g").f64[c] = workloads_[w].embodied_g;
  auto summarise = [&](const std::string& v, std::vector<double>& x) {
    double sum = 0;
    for (double y : x) sum += y;
    cube.var(v + "_mean").f64[c] = x.empty() ? kNaN : sum / static_cast<double>(x.size());
    const auto qs = quantiles(x, kQuantiles);
    std::copy(qs.begin(), qs.end(),
              cube.var(v + "_quantiles").f64.begin() +
                  static_cast<std::ptrdiff_t>(c * kQuantiles.size()));
  };
  summarise("emissions_g", em);
  summarise("savings_pct", sav);
  summarise("delay_h", del);
  summarise("pauses", pau);

  const std::array<std::pair<const char*, const unsigned char*>, 4> values{{
      {"emissions_g", reinterpret_cast<const unsigned char*>(emissions.data())},
      {"savings_pct", reinterpret_cast<const unsigned char*>(savings.data())},
      {"delay_h", reinterpret_cast<const unsigned char*>(delay.data())},
      {"pauses", reinterpret_cast<const unsigned char*>(pauses.data())},
  }};
  if (journal == nullptr) {
    // forecast x seed are the cube's [forecast][seed] in order: the cell's slots start at c * t.
    for (const auto& [name, bytes] : values) {
      auto& v = cube.var(name);
      const std::size_t size = v.type == DType::f64 ? sizeof(double) : sizeof(std::int32_t);
      auto* to = v.type == DType::f64 ? reinterpret_cast<unsigned char*>(v.f64.data())
                                      : reinterpret_cast<unsigned char*>(v.i32.data());
      std::memcpy(to + c * t * size, bytes, t * size);
    }
    return;
  }
  journal->append(c, cube, cell_chunks(cube, [&](const std::string& name) {
                    for (const auto& [n, bytes] : values)
                      if (name == n) return bytes;
                    throw InternalError("runner: no per-start values for " + name);
                  }));
}

}  // namespace

RunPlan plan_experiment(const Experiment& e, const grids::GridStore& store, std::size_t shard_index,
                        std::size_t shard_count, int threads) {
  if (shard_count == 0 || shard_index >= shard_count)
    throw ConfigError(fmt::format("--shard {}/{}: the shard index must be below the count",
                                  shard_index, shard_count));
  return Sweep(e, store).plan(shard_index, shard_count, threads);
}

RunResult run_experiment(const Experiment& e, const grids::GridStore& store,
                         const RunOptions& options) {
  if (options.shard_count == 0 || options.shard_index >= options.shard_count) {
    throw ConfigError(fmt::format("--shard {}/{}: the shard index must be below the count",
                                  options.shard_index, options.shard_count));
  }
  const Sweep sweep(e, store);
  // With a journal, the per-start values live only there (streamed); without, in the cube.
  const bool streamed = !options.journal.empty();
  RunResult result{sweep.make_cube(options, streamed), sweep.cells(), 0, sweep.coverage_warning(),
                   nullptr};
  ThreadArena arena(options.threads);
  // The baseline is part of the skeleton a resumed cube or a journal is checked against.
  arena.execute([&] {
    sweep.fill_baseline(result.cube);
    sweep.fill_fixed_hours(result.cube);
  });
  const std::size_t cells = result.cells;
  std::vector<std::uint8_t> done(cells, 0);
  auto add_done = [&](Cube& cube) {
    std::vector<std::string> dims = cube.var("valid_starts").dims;
    Variable v = variable(kCellDone, dims, DType::i32, 0,
                          {{"units", "1"}, {"long_name", "1 where the cell is computed"}});
    v.i32.assign(done.begin(), done.end());
    cube.vars.push_back(std::move(v));
  };
  if (options.resume != nullptr) {
    Cube skeleton = result.cube;
    add_done(skeleton);
    if (!same_skeleton(skeleton, *options.resume)) {
      throw ConfigError(
          "the partial cube to resume belongs to another experiment, version or "
          "grid store (its dimensions, coordinates or provenance differ); delete it "
          "or run without --resume");
    }
  }
  const bool new_journal =
      streamed && !(options.resume_journal && std::filesystem::exists(options.journal));
  if (streamed) {
    result.journal = std::make_shared<CellJournal>(
        new_journal ? CellJournal::create(options.journal, result.cube)
                    : CellJournal::reopen(options.journal, result.cube, done));
  }
  // Restored cells must be this run's share: a partial or journal of another shard would make
  // this part overlap that one, and merge would refuse them only later.
  for (std::size_t c = 0; c < cells; ++c) {
    const bool kept = options.resume != nullptr && options.resume->var(kCellDone).i32[c] != 0;
    if ((done[c] != 0 || kept) && c % options.shard_count != options.shard_index) {
      if (new_journal) std::filesystem::remove(options.journal);
      throw ConfigError(fmt::format(
          "the partial result to resume holds cells of another shard than {}/{} (the first: "
          "cell {}); resume it with the --shard it was started with",
          options.shard_index, options.shard_count, c));
    }
  }
  if (options.resume != nullptr) {
    // The partial cube's cells the journal does not have yet; into it, when streamed, so that
    // every done cell's chunks are there for the writer.
    const auto& kept = options.resume->var(kCellDone).i32;
    const std::size_t t = result.cube.dim("start").size();
    for (std::size_t c = 0; c < cells; ++c) {
      if (kept[c] == 0 || done[c] != 0) continue;
      copy_cell(*options.resume, result.cube, c);
      if (streamed) {
        result.journal->append(
            c, result.cube, cell_chunks(result.cube, [&](const std::string& n) {
              const auto& v = options.resume->var(n);
              return v.type == DType::f64
                         ? reinterpret_cast<const unsigned char*>(v.f64.data() + c * t)
                         : reinterpret_cast<const unsigned char*>(v.i32.data() + c * t);
            }));
      }
      done[c] = 1;
    }
  }
  std::atomic<std::size_t> appended{0};
  SweepSteps steps;
  // Cells write disjoint slots; the cube's buffers are never resized here. A streamed cell's
  // chunks are compressed on its worker and appended to the journal there (under its lock).
  steps.compute = [&](std::size_t c) {
    sweep.run_cell(c, result.cube, result.journal.get());
    if (streamed) ++appended;
  };
  steps.progress = options.progress;
  try {
    run_sweep(arena, done, SweepShare{options.shard_index, options.shard_count}, options.stop,
              steps);
  } catch (const ConfigError&) {
    // Bad input found by a cell: the experiment must change, so this run's journal can never be
    // resumed; do not leave it to block the next run.
    if (new_journal) std::filesystem::remove(options.journal);
    throw;
  } catch (...) {
    // Any other failure (a full disk): keep the journal if it holds cells, to resume from.
    if (new_journal && appended == 0) std::filesystem::remove(options.journal);
    throw;
  }
  result.cells_done = static_cast<std::size_t>(std::count(done.begin(), done.end(), 1));
  if (!result.complete()) add_done(result.cube);
  result.cube.check();
  return result;
}

}  // namespace shiftsim::experiments

namespace shiftsim::experiments {

void write_result(const RunResult& r, const std::filesystem::path& path, bool overwrite) {
  if (!r.journal) {
    write_cube(r.cube, path, overwrite);
    return;
  }
  const ExternalShares ext = external_shares(r.cube);
  std::vector<unsigned char> buffer;
  const ChunkSource source{
      [&](std::size_t var,
          const std::vector<std::uint64_t>& origin) -> std::span<const unsigned char> {
        const auto [cell, index] = ext.locate(r.cube, var, origin);
        if (!r.journal->read_chunk(cell, index, buffer)) return {};
        return buffer;
      },
      r.journal->chunk_bytes()};
  write_cube(r.cube, path, overwrite, &source);
}

}  // namespace shiftsim::experiments
