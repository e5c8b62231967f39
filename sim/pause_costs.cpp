#include "sim/pause_costs.hpp"

#include <fmt/format.h>

#include <cmath>

namespace shiftsim::sim {

std::optional<Refusal> check_checkpoint_energy(double kwh_per_checkpoint, Seconds checkpoint_time,
                                               std::string_view time_setting) {
  if (!std::isfinite(kwh_per_checkpoint) || kwh_per_checkpoint < 0 ||
      kwh_per_checkpoint > kMaxCheckpointEnergyKwh)
    return Refusal{fmt::format("{:g} kWh per checkpoint is out of range", kwh_per_checkpoint),
                   fmt::format("give an energy from 0 to {:g} kWh", kMaxCheckpointEnergyKwh)};
  if (kwh_per_checkpoint > 0 && checkpoint_time.count() == 0)
    return Refusal{"a checkpoint that draws energy must take time",
                   fmt::format("add {} (or set the energy to 0)", time_setting)};
  return std::nullopt;
}

}  // namespace shiftsim::sim
