// quantiles(): partial sorts, against the direct definition on a full sort, on random samples
// with ties and of every small size.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "sim/core/quantiles.hpp"
#include "sim/core/random.hpp"

using namespace shiftsim;

TEST_CASE("quantiles equal linear interpolation on a full sort", "[core][quantiles]") {
  const std::vector<double> qs{0, 0.1, 0.25, 0.5, 0.5, 0.75, 0.9, 1};
  Xorshift64Star rng(11);
  for (int trial = 0; trial < 500; ++trial) {
    const auto n = rng.below<std::size_t>(40);
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(std::floor(rng.unit() * 10));  // ties
    auto sorted = x;
    std::sort(sorted.begin(), sorted.end());
    const auto got = quantiles(x, qs);
    for (std::size_t k = 0; k < qs.size(); ++k) {
      if (n == 0) {
        CHECK(std::isnan(got[k]));
        continue;
      }
      const double pos = qs[k] * static_cast<double>(n - 1);
      const auto lo = static_cast<std::size_t>(std::floor(pos));
      const auto hi = std::min(lo + 1, n - 1);
      CHECK(got[k] == sorted[lo] + (pos - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]));
    }
  }
}
