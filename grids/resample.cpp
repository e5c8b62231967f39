#include "grids/resample.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/core/errors.hpp"

namespace shiftsim::grids {

RegularSeries read_at_step(const Series& s, Seconds step, TimePoint from, TimePoint to) {
  check_simulation_step(step);
  RegularSeries out;
  out.step = step;
  TimePoint lo = ceil_to(std::max(from, s.start), step);
  TimePoint hi = floor_to(std::min(to, s.end()), step);
  out.start = lo;
  if (hi <= lo) return out;
  const auto n = static_cast<std::size_t>((hi - lo) / step);
  out.values.resize(n);
  const std::int64_t ss = s.step.count(), os = step.count();
  const std::int64_t s0 = s.start.time_since_epoch().count();
  // Two pointers: i is the first stored interval that can overlap the current output slot.
  const std::size_t stored = s.values.size();
  auto i = static_cast<std::size_t>((lo.time_since_epoch().count() - s0) / ss);
  for (std::size_t k = 0; k < n; ++k) {
    const std::int64_t a = lo.time_since_epoch().count() + static_cast<std::int64_t>(k) * os;
    const std::int64_t b = a + os;
    while (s0 + static_cast<std::int64_t>(i + 1) * ss <= a) ++i;
    double acc = 0;
    for (std::size_t j = i; j < stored; ++j) {
      const std::int64_t ia = s0 + static_cast<std::int64_t>(j) * ss;
      if (ia >= b) break;
      acc += s.values[j] * double(std::min(b, ia + ss) - std::max(a, ia));
    }
    out.values[k] = acc / double(os);
  }
  return out;
}

RegularSeries read_at_step(const Series& s, Seconds step) {
  return read_at_step(s, step, s.start, s.end());
}

}  // namespace shiftsim::grids
