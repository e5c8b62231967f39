#include "grids/forecast_error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "grids/stats.hpp"

namespace shiftsim::grids {

namespace {

// rank[k] = the position of lead k + 1 when the values are sorted by (value, lead).
void ranks(const double* values, std::size_t n, std::vector<std::size_t>& order,
           std::vector<std::size_t>& rank) {
  order.resize(n);
  rank.resize(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return values[a] < values[b] || (values[a] == values[b] && a < b);
  });
  for (std::size_t r = 0; r < n; ++r) rank[order[r]] = r;
}

}  // namespace

std::optional<ArchiveError> forecast_error(const Series& s, std::optional<int> year) {
  const ForecastArchive& f = s.forecast;
  if (f.empty() || f.step != s.step) return std::nullopt;
  const auto [lo, hi] = year_range(s, year);
  const std::size_t L = f.leads;
  ArchiveError out;
  out.leads.resize(L);
  std::vector<double> abs_sum(L, 0), sum(L, 0), actual(L);
  std::vector<std::size_t> right(L, 0), ordered(L, 0), order, rank_f, rank_a;
  double actual_sum = 0;
  std::size_t actual_count = 0;
  for (std::size_t i = lo; i < hi; ++i) {
    const double* row = f.values.data() + i * L;
    bool counted = false, full = true;
    for (std::size_t k = 0; k < L; ++k) {
      const std::size_t target = i + k + 1;
      if (target >= s.size() || std::isnan(row[k])) {
        full = false;
        continue;
      }
      actual[k] = s.values[target];
      const double e = row[k] - actual[k];
      abs_sum[k] += std::abs(e);
      sum[k] += e;
      ++out.leads[k].count;
      counted = true;
      if (k == 0) {
        actual_sum += actual[k];
        ++actual_count;
      }
    }
    if (counted) ++out.issues;
    if (!full) continue;
    ++out.full_horizons;
    ranks(row, L, order, rank_f);
    ranks(actual.data(), L, order, rank_a);
    for (std::size_t k = 0; k < L; ++k) {
      right[k] += rank_f[k] == rank_a[k] ? 1 : 0;
      for (std::size_t j = 0; j < L; ++j) {
        const auto sf = (row[k] > row[j]) - (row[k] < row[j]);
        const auto sa = (actual[k] > actual[j]) - (actual[k] < actual[j]);
        ordered[k] += j != k && sf == sa ? 1 : 0;
      }
    }
  }
  if (out.issues == 0) return std::nullopt;
  out.mean_actual = actual_count ? actual_sum / static_cast<double>(actual_count) : 0;
  for (std::size_t k = 0; k < L; ++k) {
    LeadError& e = out.leads[k];
    e.lead = k + 1;
    e.ahead = f.step * static_cast<std::int64_t>(k + 1);
    if (e.count) {
      e.mae = abs_sum[k] / static_cast<double>(e.count);
      e.bias = sum[k] / static_cast<double>(e.count);
    }
    if (out.full_horizons) {
      const auto n = static_cast<double>(out.full_horizons);
      e.rank_share = static_cast<double>(right[k]) / n;
      e.order_share =
          L > 1 ? static_cast<double>(ordered[k]) / (n * static_cast<double>(L - 1)) : 1;
    }
  }
  return out;
}

}  // namespace shiftsim::grids
