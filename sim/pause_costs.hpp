#pragma once
// Pause costs: what a pause costs a job, and the one check every reader of them applies.
// Thread-safety: values and pure functions.
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::sim {

// What a pause costs, relaxing the paper's "pausing is immediate and free": at each pause the job
// first writes a checkpoint for `checkpoint_time`, drawing `checkpoint_energy` evenly (the
// machine stays reserved), and a run that ends in a pause must have worked at least `min_run`.
// The most energy one checkpoint may draw: far beyond what writing one checkpoint of any training
// job draws (a large node checkpointing for an hour draws about 10 kWh); a larger value is a unit
// slip. Every reader of pause costs (command lines, experiment files) refuses more,
// through check_checkpoint_energy.
constexpr double kMaxCheckpointEnergyKwh = 1e4;

struct PauseCosts {
  Seconds checkpoint_time{0};
  Energy checkpoint_energy{};
  Seconds min_run{0};
  bool is_free() const {
    return checkpoint_time.count() == 0 && checkpoint_energy.value == 0 && min_run.count() == 0;
  }
};

// Why a checkpoint energy (kWh per checkpoint, as given) is refused, and what to do; nullopt when
// it is valid: finite, in [0, kMaxCheckpointEnergyKwh], and zero unless the checkpoint takes time.
// `time_setting` is how the caller's input spells a checkpoint time ("--checkpoint-time 10min",
// "checkpoint_time = \"10min\""), for the hint. The caller names the option or key it came from.
struct Refusal {
  std::string what;
  std::string hint;
};
std::optional<Refusal> check_checkpoint_energy(double kwh_per_checkpoint, Seconds checkpoint_time,
                                               std::string_view time_setting);

}  // namespace shiftsim::sim
