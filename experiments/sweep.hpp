#pragma once
// The sweep skeleton both runners share (runner.hpp: cells of single jobs; cluster_runner.hpp:
// cluster scenarios): items 0..n-1 evaluated in parallel on a thread arena, each into its own
// slots, skipping the items already done (kept from a resumed cube or a journal) and those of
// other shards, stopping early when asked; after each item, one at a time, what the runner
// records of it (the journal) and the progress callback. Each runner supplies only what differs:
// how an item is computed and what is recorded after it.
//
// Provenance is shared too: sweep_attributes() gives the attributes every cube carries (title,
// conventions, version, experiment, command line, grid store, step) and provenance.hpp each
// series the cube was computed on.
//
// Thread-safety: run_sweep calls `compute` from the arena's worker threads, concurrently for
// different items (they must write disjoint slots and never resize shared buffers), and
// `finished` and `progress` serialised, from whichever worker finished the item.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "experiments/thread_arena.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::experiments {

struct SweepShare {
  // This run computes the items whose index is congruent to index modulo count.
  std::size_t index = 0, count = 1;
  bool owns(std::size_t item) const { return item % count == index; }
};

struct SweepSteps {
  std::function<void(std::size_t)> compute;   // the item, into its own slots (parallel)
  std::function<void(std::size_t)> finished;  // after it (serialised); may be empty
  // Items done (kept ones included) and what the run will have done at its end (serialised);
  // may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

// Runs the items of `share` not yet marked in `done` (1: done; one per item), marking each as it
// finishes; returns when all are done or `stop` is set (then some stay 0). Exceptions from the
// steps propagate (oneTBB cancels the others).
void run_sweep(ThreadArena& arena, std::vector<std::uint8_t>& done, const SweepShare& share,
               const std::atomic<bool>* stop, const SweepSteps& steps);

// The attributes of every result cube: title, Conventions (CF-1.8), shiftsim_version,
// experiment_file, experiment (the file's text), command_line, grid_store, simulation_step.
std::map<std::string, std::string> sweep_attributes(const std::string& title,
                                                    const std::string& version,
                                                    const std::string& experiment_file,
                                                    const std::string& experiment_text,
                                                    const std::string& command_line,
                                                    const std::string& grid_store, Seconds step);

}  // namespace shiftsim::experiments
