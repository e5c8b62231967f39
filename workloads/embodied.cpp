#include "workloads/embodied.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/core/errors.hpp"

namespace shiftsim::workloads {

Emissions Embodied::for_time(Seconds reserved) const {
  if (is_none()) return {};
  return total * (static_cast<double>(reserved.count()) / static_cast<double>(lifespan.count())) *
         share;
}

void Embodied::check(const std::string& where) const {
  if (!std::isfinite(total.value) || total.value < 0)
    throw ConfigError(fmt::format("{}: embodied emissions {} g are negative", where, total.value));
  if (lifespan.count() < 0)
    throw ConfigError(fmt::format("{}: the hardware lifespan must be positive", where));
  if (total.value > 0 && lifespan.count() == 0)
    throw ConfigError(fmt::format("{}: embodied emissions need the hardware's expected lifespan",
                                  where));
  if (!std::isfinite(share) || share <= 0 || share > 1)
    throw ConfigError(fmt::format("{}: the reserved share {} is not in (0, 1]", where, share));
}

std::string Embodied::describe() const {
  if (is_none()) return "none";
  return fmt::format("{:.1f} kg over {:.1f} years, {} % reserved", total.value / 1000,
                     static_cast<double>(lifespan.count()) / (365.25 * 86400), share * 100);
}

}  // namespace shiftsim::workloads
