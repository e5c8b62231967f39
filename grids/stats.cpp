#include "grids/stats.hpp"

#include <algorithm>
#include <limits>

namespace shiftsim::grids {

std::pair<std::size_t, std::size_t> year_range(const Series& s, std::optional<int> year) {
  if (!year) return {0, s.size()};
  auto index_at = [&](TimePoint t) -> std::size_t {
    if (t <= s.start) return 0;
    auto i = static_cast<std::size_t>((t - s.start + s.step - Seconds{1}) / s.step);
    return std::min(i, s.size());
  };
  return {index_at(make_time(*year, 1, 1)), index_at(make_time(*year + 1, 1, 1))};
}

std::optional<SeriesStats> compute_stats(const Series& s, std::optional<int> year) {
  const auto [lo, hi] = year_range(s, year);
  if (lo >= hi) return std::nullopt;
  SeriesStats st;
  st.first = s.time_at(lo);
  st.end = s.time_at(hi);
  st.count = hi - lo;
  st.min = std::numeric_limits<double>::infinity();
  st.max = -st.min;
  double sum = 0;
  std::size_t est = 0, rep = 0;
  for (std::size_t i = lo; i < hi; ++i) {
    sum += s.values[i];
    st.min = std::min(st.min, s.values[i]);
    st.max = std::max(st.max, s.values[i]);
    est += (s.flags[i] & kEstimated) != 0;
    rep += (s.flags[i] & kRepaired) != 0;
  }
  st.mean = sum / double(st.count);
  st.estimated_share = double(est) / double(st.count);
  st.repaired_share = double(rep) / double(st.count);
  // Complete UTC days only, so a partial first or last day does not shrink the range.
  if (kDay.count() % s.step.count() == 0) {
    const auto per_day = static_cast<std::size_t>(kDay / s.step);
    std::size_t i = lo;
    while (i < hi && s.time_at(i) != floor_to(s.time_at(i), kDay)) ++i;
    double range_sum = 0;
    for (; i + per_day <= hi; i += per_day) {
      auto [mn, mx] =
          std::minmax_element(s.values.begin() + static_cast<std::ptrdiff_t>(i),
                              s.values.begin() + static_cast<std::ptrdiff_t>(i + per_day));
      range_sum += *mx - *mn;
      ++st.full_days;
    }
    st.mean_daily_range = st.full_days ? range_sum / double(st.full_days) : 0;
  }
  return st;
}

}  // namespace shiftsim::grids
