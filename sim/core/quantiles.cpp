#include "sim/core/quantiles.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace shiftsim {

std::vector<double> quantiles(std::vector<double>& x, const std::vector<double>& qs) {
  std::vector<double> out(qs.size(), std::numeric_limits<double>::quiet_NaN());
  if (x.empty()) return out;
  auto begin = x.begin();  // x[0 .. begin) holds the order statistics below the last found
  for (std::size_t i = 0; i < qs.size(); ++i) {
    const double pos = qs[i] * static_cast<double>(x.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const auto at = x.begin() + static_cast<std::ptrdiff_t>(lo);
    if (at >= begin) std::nth_element(begin, at, x.end());
    begin = at;
    const double a = *at;
    // The next order statistic is the smallest of what lies right of it.
    const double b = lo + 1 < x.size() ? *std::min_element(at + 1, x.end()) : a;
    out[i] = a + (pos - static_cast<double>(lo)) * (b - a);
  }
  return out;
}

}  // namespace shiftsim
