#pragma once
// Embodied emissions per the Software Carbon Intensity specification (dodge2022.md section 6):
// M = TE * (TiR / EL) * (RR / ToR): the hardware's total embodied emissions TE, the share of its
// expected lifespan EL for which the job reserves it (time reserved TiR), and the share of the
// hardware's resources the job reserves (RR / ToR). Reported apart from operational emissions.
// Example from the specification: 1000 kg over 4 years, reserved 1 h, whole device: ~28.5 g.
#include <string>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim {

// Lifespans are counted in Julian years (365.25 days).
constexpr double kSecondsPerYear = 365.25 * 86400;

struct Embodied {
  Emissions total{};   // TE, for the hardware the job reserves a share of
  Seconds lifespan{};  // EL; zero means "no embodied emissions given"
  double share = 1.0;  // RR / ToR, in (0, 1]

  bool is_none() const { return lifespan.count() == 0 || total.value == 0; }
  double lifespan_years() const { return static_cast<double>(lifespan.count()) / kSecondsPerYear; }
  // M for `reserved` seconds of use.
  Emissions for_time(Seconds reserved) const;
  std::string describe() const;
};

}  // namespace shiftsim
