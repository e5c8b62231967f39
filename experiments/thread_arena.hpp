#pragma once
// The threads a sweep runs on: a oneTBB arena of the requested size (0: as many as cores).
// Asking for more threads than cores is allowed (the determinism tests do it): TBB's default
// worker limit is lifted for the arena's lifetime so that the request is honoured, not ignored.
// Shared by the single-job and the cluster runners.
//
// Thread-safety: make one per run, on the thread that starts it.
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <cstddef>
#include <optional>
#include <utility>

namespace shiftsim::experiments {

class ThreadArena {
 public:
  explicit ThreadArena(int threads)
      : limit_(threads > 0 ? std::optional<tbb::global_control>(
                                 std::in_place, tbb::global_control::max_allowed_parallelism,
                                 static_cast<std::size_t>(threads))
                           : std::nullopt),
        arena_(threads > 0 ? threads : tbb::task_arena::automatic) {}

  template <class F>
  void execute(F&& f) {
    arena_.execute(std::forward<F>(f));
  }

 private:
  std::optional<tbb::global_control> limit_;
  tbb::task_arena arena_;
};

}  // namespace shiftsim::experiments
