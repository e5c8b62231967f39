#pragma once
// A power profile described in phases, for a job whose shape matters but was not measured:
// warm-up, steady training with periodic evaluation dips and checkpoint spikes, a final
// evaluation. Each phase has a duration and a power, either absolute (W) or a share of the job's
// steady level. When the job's energy is known (a catalog job's kWh), the steady level is solved
// so that the profile's energy equals it exactly: the shape changes, the total does not.
#include <optional>
#include <string>
#include <vector>

#include "sim/core/power_profile.hpp"
#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::workloads {

// "250 W", "1.2 kW", "250" (watts) or "40%" (of the steady level). nullopt if unreadable.
struct PowerLevel {
  double value = 0;  // W, or a fraction of the steady level
  bool relative = false;
};
std::optional<PowerLevel> parse_power_level(std::string_view text);

// An event repeated within a phase: `length` long, every `every`, the first `first` after the
// phase starts (default: one period in). It replaces the phase's power while it lasts.
struct PeriodicEvent {
  std::string name;
  Seconds every{};
  Seconds first{};
  Seconds length{};
  PowerLevel power;
  std::size_t line = 0;
};

struct Phase {
  std::string name;
  std::optional<Seconds> duration;  // at most one phase may leave it out: it fills the rest
  PowerLevel power;
  std::vector<PeriodicEvent> periodic;
  std::size_t line = 0;
};

struct PhasePlan {
  std::vector<Phase> phases;
  std::optional<Seconds> step;  // profile step; default: the largest that keeps every boundary
  std::optional<Power> steady;  // the level relative powers refer to, if given directly
  std::string file;             // for messages
  std::size_t line = 0;
};

struct PhasedProfile {
  PowerProfile profile;
  Power steady;  // the level relative powers resolved to
};

// `duration`: the job's duration if fixed elsewhere (phases must fit it); `energy`: the job's
// energy if fixed elsewhere (the steady level is solved for it; with only absolute powers the
// energies must already agree). Throws ParseError naming the file and the phase's line.
PhasedProfile build_phased_profile(const PhasePlan& plan, std::optional<Seconds> duration,
                                   std::optional<Energy> energy);

}  // namespace shiftsim::workloads
