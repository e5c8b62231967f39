#pragma once
// What the grid supplies beyond the accelerators' own draw. The paper counts GPU energy only
// (dodge2022.md section 3.2), so the default is no overhead; researchers add:
// - CPU and DRAM, each as a share of the server's IT power (the way Table 1 of the paper reports
//   them: GPU 74 %, CPU 13 %, DRAM 13 %) or as constant watts;
// - the data centre's PUE, which multiplies the IT power.
// facility = pue * (accelerator + cpu_watts + dram_watts) / (1 - cpu_share - dram_share).
// The ranges below are checked where the values are read (workload_file.cpp), key by key.
#include <string>

#include "sim/core/units.hpp"

namespace shiftsim::workloads {

struct Overheads {
  double pue = 1.0;         // >= 1
  double cpu_share = 0.0;   // of IT power, in [0, 1)
  double dram_share = 0.0;  // of IT power; cpu_share + dram_share < 1
  Power cpu_power{};        // constant, added to the accelerators
  Power dram_power{};

  bool is_none() const;
  // The multiplier and the constant of the affine map from accelerator to facility power.
  double factor() const { return pue / (1.0 - cpu_share - dram_share); }
  Power constant() const { return (cpu_power + dram_power) * factor(); }
  // "PUE 1.1, CPU 13 %, DRAM 13 %" or "none".
  std::string describe() const;
};

}  // namespace shiftsim::workloads
