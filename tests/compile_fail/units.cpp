// Compile-fail checks of sim/core/units.hpp: each SLIP_* case is a unit mistake that must not
// compile (tests/CMakeLists.txt compiles this file once per case and expects the compiler to
// refuse it); without a case it is the control, the same expressions done right, which must
// compile, so a refusal can only come from the slip.
#include "sim/core/units.hpp"

using namespace shiftsim;

int main() {
  const Energy e = kwh(2);
  const Emissions m = grams(3);
  const Power p = watts(100);
  const CarbonIntensity i = g_per_kwh(400);
#if defined(SLIP_ENERGY_PLUS_EMISSIONS)
  const auto bad = e + m;  // kWh + g
#elif defined(SLIP_POWER_PLUS_ENERGY)
  const auto bad = p + e;  // W + kWh
#elif defined(SLIP_ENERGY_TIMES_ENERGY)
  const auto bad = e * e;  // kWh^2 is no quantity here
#elif defined(SLIP_EMISSIONS_FROM_ENERGY)
  const Emissions bad = e;  // kWh is not g
#elif defined(SLIP_INTENSITY_TIMES_POWER)
  const auto bad = i * p;  // g/kWh x W is not emissions
#elif defined(SLIP_PLAIN_DOUBLE)
  const Energy bad = 2.0;  // a number without its unit
#else
  const auto bad = e * i + m + grams((p * Seconds{3600}).value);  // the right way round
#endif
  (void)bad;
  return 0;
}
