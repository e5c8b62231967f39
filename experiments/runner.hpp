#pragma once
// The sweep runner: every cell of an experiment (workload x region x policy x forecast x seed)
// over the whole start axis, in parallel, into one result cube.
//
// The loop over cells (shards, kept cells, stop, journal, progress) is the shared skeleton,
// sweep.hpp; this runner supplies the cells and their journal.
// Each cell is computed independently into its own slots of the cube, from inputs prepared once
// (each region's series at the step, each forecast, each workload's energy per step), so the
// cube is the same whatever the thread count. Oracle and forecast flexible-start and
// pause-resume run on the fast kernels over the whole start axis; cells with pause costs or the
// threshold policy go through the event engine start by start (exact, slower).
//
// Cube layout (dimension order): workload, region, policy, forecast, seed, start, quantile; in
// every sweep cube, forecast and seed of length one when the experiment has one ("perfect", the
// oracle; its one seed), so that code written for one cube runs on the next.
// Per start: emissions_g (operational), savings_pct (100 (baseline - emissions) / baseline),
// delay_h (finish minus requested start minus duration), pauses (int32); missing (NaN, -1) where
// the run cannot finish within the data or has no forecast. baseline_g (workload, region,
// start): started at the requested time. Per cell: energy_kwh and embodied_g, the same at every
// start (the job's work and duration; with pause costs each pause adds its checkpoint's energy
// and time, the policy's coordinates checkpoint_energy_kwh and checkpoint_time_h), and the
// summaries over the start axis: <v>_mean and <v>_quantiles (quantile: 0, 0.25, 0.5, 0.75, 1;
// linear interpolation) for emissions_g, savings_pct, delay_h and pauses, and valid_starts.
// Auxiliary coordinates (cube.hpp): policy_kind, window (as given), window_hours,
// window_fraction, threshold_g_per_kwh, checkpoint_time_h, checkpoint_energy_kwh over policy
// (NaN where not applicable); zone, signal, basis, timezone over region.
// Fixed-hour runs (the paper's Table 3 and its midnight-versus-6:00 finding), when the experiment
// has the region Central US: fixed_hour_g (day, hour), the baseline emissions of BERT finetune
// (from the catalog, whether or not the sweep has it) started at each hour of kFixedHours (hour,
// h) on every day (midnight UTC) of the start axis's years, through the event engine on the
// region's series at the step; NaN where it cannot finish. Like baseline_g it belongs to no cell
// and is computed by every run, shard and resume. Only this pair, not every workload x region:
// the report needs no other, and the engine's runs over every day would cost more than the rest
// of the paper's sweep.
#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "experiments/cube.hpp"
#include "experiments/experiment.hpp"
#include "experiments/journal.hpp"
#include "grids/store.hpp"

namespace shiftsim::experiments {

struct RunOptions {
  int threads = 0;  // 0: all the machine's cores
  // This run computes the cells whose index (in the order workload, region, policy, forecast,
  // seed) is congruent to shard_index modulo shard_count: a deterministic share for job arrays.
  std::size_t shard_index = 0;
  std::size_t shard_count = 1;
  // A partial cube of the same experiment (an interrupted run or a part): its done cells are
  // kept as they are, the others computed. ConfigError if it belongs to another experiment.
  const Cube* resume = nullptr;
  // The cell journal (journal.hpp): every cell this run finishes is appended to it as it
  // finishes, so that a run killed with no chance to save keeps them, and its per-start values
  // are kept only there (the result's cube has them external; write it with write_result), so
  // that memory does not grow with the cells. Empty: no journal, every value in the cube. A new
  // journal is created unless resume_journal and the file exists: then its cells are restored
  // first (with those of `resume`) and new ones appended.
  std::filesystem::path journal;
  bool resume_journal = false;
  // Called from worker threads after each cell (serialised by the runner): cells done (kept ones
  // included) and what this run will have done at its end (kept cells plus its shard's share).
  std::function<void(std::size_t, std::size_t)> progress;
  const std::atomic<bool>* stop = nullptr;  // set it to stop early (the cube is then incomplete)
  std::string version;                      // recorded in the cube's attributes
  std::string command_line;                 // recorded in the cube's attributes
};

inline constexpr const char* kFixedHourWorkload = "bert-finetune";
inline constexpr const char* kFixedHourRegion = "Central US";  // matched without case
inline constexpr std::array<int, 8> kFixedHours{0, 3, 6, 9, 12, 15, 18, 21};

// Partial cubes (a stopped run, a shard) carry one more variable, cell_done (int32 over the
// dimensions but start: 1 where the cell is computed); a complete cube does not.
inline constexpr const char* kCellDone = "cell_done";

struct RunResult {
  // Complete, or partial with kCellDone. With a journal, its per-start variables are external
  // (cube.hpp): their chunks are in the journal, and write_result writes them from there.
  Cube cube;
  std::size_t cells = 0;
  std::size_t cells_done = 0;  // including those kept from `resume` and the journal
  // One line when some starts lie beyond a region's data (their slots stay NaN): how many cells
  // and starts, and what each such region's data covers. Also in the cube's data_warning
  // attribute, so that the report shows it. Empty when every start is within every region's data.
  std::string coverage_warning;
  std::shared_ptr<CellJournal> journal;  // the run's, when it had one
  bool complete() const { return cells_done == cells; }
};

// Writes the result's cube to `path` as write_cube does (cube_file.hpp), the chunks of its
// external variables copied from the run's journal: memory holds one chunk at a time.
void write_result(const RunResult& result, const std::filesystem::path& path, bool overwrite);

// What a run will make and need, known before any work (shiftsim run --dry-run, and the first
// line of every run). A run with a journal (the CLI's) holds in memory only the cube's summaries
// and baseline, its inputs and each worker's cell: a cell's per-start values are compressed on
// its worker and kept in the journal, from which the cube file is written chunk by chunk.
struct RunPlan {
  std::size_t cells = 0;            // in the cube
  std::size_t cells_to_run = 0;     // this shard's share (all of them unsharded)
  std::size_t starts = 0;           // per cell
  std::size_t threads = 1;          // workers
  std::uint64_t cube_bytes = 0;     // the cube's values, uncompressed
  std::uint64_t cell_bytes = 0;     // one cell's share of them (cells.hpp)
  std::uint64_t held_bytes = 0;     // what of them stays in memory: summaries, baseline_g, ...
  std::uint64_t journal_bytes = 0;  // at most, the journal once every cell of this run is in it
  std::uint64_t input_bytes = 0;    // the grid store, and the series, forecasts, archives and
                                    // workloads prepared from it
  std::uint64_t worker_bytes = 0;   // at most, what one worker holds while computing a cell
  // At most: the held values, the inputs, every worker's cell, and the writer's buffers (the
  // file's structure and a batch of chunks: kWriterBytes). A --resume from a .partial cube also
  // reads it whole, which this does not count.
  static constexpr std::uint64_t kWriterBytes = std::uint64_t{96} << 20;
  std::uint64_t memory_bytes() const {
    return held_bytes + input_bytes + threads * worker_bytes + kWriterBytes;
  }
  // The cube file's bound: this run's cells uncompressed; the rest (other shards' cells) is not
  // written, and what belongs to no cell (baseline_g, fixed-hour runs) is counted whole.
  std::uint64_t file_bytes() const {
    return cells_to_run * cell_bytes + (cube_bytes - cells * cell_bytes);
  }
  std::uint64_t runs() const { return static_cast<std::uint64_t>(cells_to_run) * starts; }
};

// The plan of `e` on `store` for shard shard_index of shard_count. Errors as run_experiment's.
// `threads`: as RunOptions (0: all the machine's cores).
RunPlan plan_experiment(const Experiment& e, const grids::GridStore& store,
                        std::size_t shard_index = 0, std::size_t shard_count = 1, int threads = 0);

// Throws ConfigError for a region without a series in the store (at the line of regions or
// signal), for starts that all lie beyond every region's data (at the line of years: a cube of
// NaN only is no result) or a workload that cannot be loaded.
RunResult run_experiment(const Experiment& e, const grids::GridStore& store,
                         const RunOptions& options);

}  // namespace shiftsim::experiments
