#pragma once
// A carbon-intensity series at the simulation's step: the form every engine and kernel reads.
//
// values[i] is the mean intensity over [start + i*step, start + (i+1)*step), in gCO2eq/kWh. The
// grid store (grids/resample.hpp) produces it from a stored series; tests build it directly.
// A plain value; safe to share between threads once built.
#include <cstdint>
#include <vector>

#include "sim/core/time.hpp"

namespace shiftsim {

struct RegularSeries {
  TimePoint start{};
  Seconds step{3600};
  std::vector<double> values;  // gCO2eq/kWh
  TimePoint end() const { return start + step * static_cast<std::int64_t>(values.size()); }
};

}  // namespace shiftsim
