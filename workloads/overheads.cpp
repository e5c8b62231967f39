#include "workloads/overheads.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/core/errors.hpp"

namespace shiftsim::workloads {

bool Overheads::is_none() const {
  return pue == 1.0 && cpu_share == 0.0 && dram_share == 0.0 && cpu_power.value == 0.0 &&
         dram_power.value == 0.0;
}

void Overheads::check(const std::string& where) const {
  if (!std::isfinite(pue) || pue < 1.0)
    throw ConfigError(fmt::format("{}: PUE {} is below 1", where, pue));
  for (auto [name, share] : {std::pair{"cpu", cpu_share}, std::pair{"dram", dram_share}})
    if (!std::isfinite(share) || share < 0 || share >= 1)
      throw ConfigError(fmt::format("{}: {} share {} is not in [0, 1)", where, name, share));
  if (cpu_share + dram_share >= 1)
    throw ConfigError(fmt::format(
        "{}: CPU and DRAM shares add up to {} of the IT power, leaving none for the accelerators",
        where, cpu_share + dram_share));
  for (auto [name, p] : {std::pair{"cpu", cpu_power}, std::pair{"dram", dram_power}})
    if (!std::isfinite(p.value) || p.value < 0)
      throw ConfigError(fmt::format("{}: {} power {} W is negative", where, name, p.value));
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
