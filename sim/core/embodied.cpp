#include "sim/core/embodied.hpp"

#include <fmt/format.h>

namespace shiftsim {

Emissions Embodied::for_time(Seconds reserved) const {
  if (is_none()) return {};
  return total * (static_cast<double>(reserved.count()) / static_cast<double>(lifespan.count())) *
         share;
}

std::string Embodied::describe() const {
  if (is_none()) return "none";
  return fmt::format("{:.1f} kg over {:.1f} years, {} % reserved", total.value / 1000,
                     lifespan_years(), share * 100);
}

}  // namespace shiftsim
