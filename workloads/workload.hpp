#pragma once
// A workload: one training job as the simulator sees it, the power its accelerators draw over
// the run (a PowerProfile) plus what the grid supplies beyond them (Overheads) and the share of
// the hardware's embodied emissions it is charged (Embodied), with the facts that say what it is.
//
// Workloads come from the built-in catalog (the paper's 11 jobs, catalog.hpp) or from a workload
// file (TOML, workload_file.hpp). A value type: copy it freely, share it between threads.
#include <string>
#include <vector>

#include "sim/core/embodied.hpp"
#include "sim/core/power_profile.hpp"
#include "workloads/overheads.hpp"

namespace shiftsim::workloads {

enum class ProfileKind : std::uint8_t { uniform, phases, measured };
std::string_view to_string(ProfileKind k);

// A value the paper gives differently somewhere else (a caption or the text), kept beside the one
// the catalog uses so that a reader can see and choose.
struct Alternative {
  std::string field;  // "hours", "energy_kwh", ...
  double value = 0;
  std::string source;  // where the paper says so, quoted
};

struct Workload {
  std::string name;   // what users type: "bert-finetune", or a workload file's name
  std::string label;  // as the paper prints it: "BERT finetune"
  std::string task;
  std::string dataset;
  std::string accelerator;  // "V100"
  int accelerators = 0;     // how many of them
  std::string source;       // "Dodge et al. 2022, Table 2" or the workload file's path

  ProfileKind kind = ProfileKind::uniform;
  PowerProfile profile;  // accelerator power, as measured or as the paper gives it
  Overheads overheads;
  Embodied embodied;
  std::vector<Alternative> alternatives;
  std::vector<std::string> notes;  // how the profile was built (importer summary, scaling)

  Seconds duration() const { return profile.duration(); }
  // The accelerators' energy: the paper's "energy used".
  Energy accelerator_energy() const { return profile.energy(); }
  // The power the grid supplies: overheads applied to every interval of the profile.
  PowerProfile facility_profile() const;
  Energy energy() const { return facility_profile().energy(); }
  // Embodied emissions for the time the job holds its hardware.
  Emissions embodied_for(Seconds reserved) const { return embodied.for_time(reserved); }
};

}  // namespace shiftsim::workloads
