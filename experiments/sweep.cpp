#include "experiments/sweep.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <mutex>

namespace shiftsim::experiments {

void run_sweep(ThreadArena& arena, std::vector<std::uint8_t>& done, const SweepShare& share,
               const std::atomic<bool>* stop, const SweepSteps& steps) {
  const std::size_t n = done.size();
  std::atomic<std::size_t> counted{
      static_cast<std::size_t>(std::count(done.begin(), done.end(), 1))};
  // What this run will have done when it ends: the kept items and its share of the others.
  std::size_t target = 0;
  for (std::size_t i = 0; i < n; ++i) target += done[i] != 0 || share.owns(i) ? 1 : 0;
  std::mutex serial;  // `finished` and `progress`, one item at a time
  arena.execute([&] {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, n, 1), [&](const auto& range) {
      for (std::size_t i = range.begin(); i != range.end(); ++i) {
        if (done[i] != 0 || !share.owns(i)) continue;
        if (stop != nullptr && stop->load()) return;
        steps.compute(i);
        done[i] = 1;  // each item its own byte
        const auto d = ++counted;
        if (!steps.finished && !steps.progress) continue;
        std::lock_guard lock(serial);
        if (steps.finished) steps.finished(i);
        if (steps.progress) steps.progress(d, target);
      }
    });
  });
}

std::map<std::string, std::string> sweep_attributes(const std::string& title,
                                                    const std::string& version,
                                                    const std::string& experiment_file,
                                                    const std::string& experiment_text,
                                                    const std::string& command_line,
                                                    const std::string& grid_store, Seconds step) {
  return {{"title", title},
          {"Conventions", "CF-1.8"},
          {"shiftsim_version", version},
          {"experiment_file", experiment_file},
          {"experiment", experiment_text},
          {"command_line", command_line},
          {"grid_store", grid_store},
          {"simulation_step", format_duration(step)}};
}

}  // namespace shiftsim::experiments
