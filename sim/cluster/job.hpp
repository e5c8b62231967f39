#pragma once
// A job of a cluster scenario: when it arrives, how many accelerators it holds, the power they
// draw over its work, and what the scheduler may do with it (defer it within its slack, suspend
// it). Jobs come from a trace file, a generator or a job graph (the job sources of
// workloads/jobs/, on the input side).
//
// Times are Unix seconds (integers), like the rest of the simulator; a trace's relative times are
// placed on the calendar by its reader. A job's work is measured in seconds of its power profile,
// as in the single-job engine (sim/engine.hpp): pausing keeps the work done, resuming continues.
//
// Thread-safety: values.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/power_profile.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::sim::cluster {

using JobId = std::uint32_t;

struct ClusterJob {
  std::string id;            // unique in its scenario: the trace's id, or "line 17"
  std::int64_t arrival = 0;  // Unix seconds: submitted, and released once its parents end
  int accelerators = 1;      // held while it runs or writes a checkpoint
  // The accelerators' power over its work (all of them). Every source sets it; the default,
  // 1 W for 1 s, only makes a ClusterJob a value (a profile cannot be empty or zero).
  PowerProfile power = PowerProfile(Seconds{1}, Seconds{1}, {1.0});
  std::optional<std::int64_t> deadline;  // Unix seconds: when it should have finished
  bool deferrable = true;      // a carbon-aware scheduler may hold it back within its slack
  bool interruptible = false;  // a carbon-aware scheduler may suspend it (checkpoint costs)
  std::string workload;        // catalog name or "" (trace jobs: power from the trace)
  std::vector<JobId> parents;  // indices into the scenario's job list (earlier jobs): it is
                               // released when all of these have finished
  std::size_t line = 0;        // where it was read (0: not from a file)

  Seconds length() const { return power.duration(); }
  // Deadline minus arrival minus length: how far it can be held back; nullopt without deadline.
  std::optional<Seconds> slack() const {
    if (!deadline) return std::nullopt;
    return Seconds{*deadline - arrival} - length();
  }
};

// Calls f(watts, a, b) for each interval of the job's power profile that overlaps its work
// [w0, w1) (seconds of work), clipped to it: the pieces over which its power is constant. The
// engine charges a run with it and planners price one, so that both walk the profile alike.
// One call for a uniform profile.
template <class F>
void for_each_power_interval(const ClusterJob& job, std::int64_t w0, std::int64_t w1, F&& f) {
  const std::int64_t step = job.power.step().count();
  for (std::int64_t w = w0; w < w1;) {
    const auto i = static_cast<std::size_t>(w / step);
    const std::int64_t end = std::min<std::int64_t>(w1, static_cast<std::int64_t>(i + 1) * step);
    f(job.power.watts()[i], w, end);
    w = end;
  }
}

// What became of a job, as the result reports it.
enum class JobOutcome : std::uint8_t {
  finished,     // ran to completion within the intensity history
  rejected,     // needs more accelerators than any site has: it can never run
  beyond_data,  // the history (of its site, or of every site) ended before it finished
  blocked,      // a parent never finished (rejected or beyond the data)
};
std::string_view to_string(JobOutcome o);

// Where a job is in the engine, as observers hear of it.
enum class JobPhase : std::uint8_t {
  pending,  // not arrived yet, or waiting for parents
  queued,   // released, never started
  running,
  checkpointing,  // writing its state before a suspension; still holds its accelerators
  suspended,
  finished,
  dropped,  // rejected, blocked or beyond the data: will not run again
};
std::string_view to_string(JobPhase p);

}  // namespace shiftsim::sim::cluster
