#pragma once
// Summary figures of a series, as `grids list` and `grids show` print them.
#include <optional>
#include <utility>

#include "grids/series.hpp"

namespace shiftsim::grids {

struct SeriesStats {
  TimePoint first{};  // start of the first value counted
  TimePoint end{};    // end of the last value counted
  std::size_t count = 0;
  double mean = 0, min = 0, max = 0;
  double mean_daily_range = 0;  // mean over complete UTC days of (day max - day min)
  std::size_t full_days = 0;
  double estimated_share = 0;  // of the values counted, marked estimated by the provider
  double repaired_share = 0;   // filled or resampled on import
};

// The indices [first, last) of the values inside calendar year `year` (UTC), or all of them;
// empty (first >= last) when none is.
std::pair<std::size_t, std::size_t> year_range(const Series& s, std::optional<int> year);

// Over the whole series, or the values inside calendar year `year` (UTC). nullopt if none.
std::optional<SeriesStats> compute_stats(const Series& s, std::optional<int> year = std::nullopt);

}  // namespace shiftsim::grids
