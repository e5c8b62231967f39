#pragma once
// Reading a stored series at the simulation's step.
//
// The stored series is piecewise constant: values[i] holds over [start + i*step, +step). The
// result at step s holds, for each slot [a, a+s), the time-weighted mean of the stored series
// over that slot. So a finer step repeats each value (hold), a coarser step averages, and any
// mix (15 min stored, 10 min read) works; in every case the integral (g/kWh x hours) over the
// covered span is preserved, up to floating-point rounding. The result covers the whole slots of
// s (aligned to UTC midnight) inside the stored span. Cost: O(stored + result).
#include <vector>

#include "grids/series.hpp"
#include "sim/core/regular_series.hpp"

namespace shiftsim::grids {

RegularSeries read_at_step(const Series& s, Seconds step);
// The same, limited to [from, to) (clipped to the series).
RegularSeries read_at_step(const Series& s, Seconds step, TimePoint from, TimePoint to);

}  // namespace shiftsim::grids
