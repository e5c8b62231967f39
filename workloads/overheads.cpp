#include "workloads/overheads.hpp"

#include <fmt/format.h>

namespace shiftsim::workloads {

bool Overheads::is_none() const {
  return pue == 1.0 && cpu_share == 0.0 && dram_share == 0.0 && cpu_power.value == 0.0 &&
         dram_power.value == 0.0;
}

std::string Overheads::describe() const {
  if (is_none()) return "none (accelerator energy only, as in the paper)";
  std::string s = fmt::format("PUE {}", pue);
  auto part = [&](const char* name, double share, Power p) {
    if (share > 0) s += fmt::format(", {} {} % of IT power", name, share * 100);
    if (p.value > 0) s += fmt::format(", {} {} W", name, p.value);
  };
  part("CPU", cpu_share, cpu_power);
  part("DRAM", dram_share, dram_power);
  return s;
}

}  // namespace shiftsim::workloads
