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
    if (at >= begin) {
      // The smallest and the largest need one pass, not a partition.
      if (at == x.begin())
        std::iter_swap(at, std::min_element(at, x.end()));
      else if (at + 1 == x.end())
        std::iter_swap(at, std::max_element(begin, x.end()));
      else
        std::nth_element(begin, at, x.end());
    }
    begin = at;
    const double a = *at;
    const double frac = pos - static_cast<double>(lo);
    // The next order statistic is the smallest of what lies right of it (not needed when the
    // quantile falls on an order statistic: the values are finite).
    const double b = frac > 0 && lo + 1 < x.size() ? *std::min_element(at + 1, x.end()) : a;
    out[i] = frac > 0 ? a + frac * (b - a) : a;
  }
  return out;
}

}  // namespace shiftsim
