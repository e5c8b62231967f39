#pragma once
// What a policy is asked to do: its kind, its window N, what it decides on (a forecast), and
// what pausing costs. Definitions follow dodge2022.md section 3; sim/simulate.hpp runs them.
//
//   baseline        start at the requested time t0, run to completion
//   flexible-start  start at the best step in [t0, t0 + N], run contiguously (oracle or forecast)
//   pause-resume    run in the best steps of [t0, t0 + D + N), pausing between them
//   threshold       run while the intensity is at or below a threshold, pause above it, and run
//                   regardless once the deadline t0 + D + N requires it
// Windows are absolute ("6h", "90min") or relative to the job's duration D ("25%", "100%").
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"
#include "sim/engine.hpp"
#include "sim/forecast.hpp"

namespace shiftsim::sim {

enum class PolicyKind : std::uint8_t { baseline, flexible_start, pause_resume, threshold };
std::string_view to_string(PolicyKind k);
// Throws ConfigError listing the policies.
PolicyKind parse_policy_kind(std::string_view text);

struct Window {
  Seconds absolute{0};
  double percent = 0;  // used when relative
  bool relative = false;

  // "6h", "1d12h", "25%", "0" (no window). Throws ConfigError. Percentages in [0, 10000].
  static Window parse(std::string_view text);
  // N for a job of duration D: the absolute value, or D x percent / 100 rounded down to a second.
  Seconds for_duration(Seconds d) const;
  std::string describe() const;  // "6h", "25%"
};

struct Policy {
  PolicyKind kind = PolicyKind::baseline;
  Window window;
  ForecastSpec forecast;  // what flexible-start and pause-resume decide on
  double threshold = 0;   // g/kWh, for threshold
  PauseCosts costs;       // for pause-resume and threshold

  std::string describe() const;  // "pause-resume, N = 25%, forecast gaussian:0.1 (seed 1)"
};

// The window a policy searches, in simulation steps, for a job of K = ceil(D / step) work steps
// with window N:
//   flexible start: candidate offsets n = 0 .. floor(N / step)
//   pause-resume: the W = K + n steps from t0, exactly the steps flexible start may touch, so
//   pause-resume can always do what flexible start does. It still finishes by t0 + D + N: the
//   last chosen step holds the last (possibly partial) slice, and ends by t0 + n*step + D.
std::int64_t flexible_start_offsets(Seconds n, Seconds step);
std::int64_t pause_resume_window(std::size_t work_steps, Seconds n, Seconds step);

}  // namespace shiftsim::sim
