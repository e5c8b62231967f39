#pragma once
// How good an archive of issued forecasts was: its error against the actual series, by lead, as
// `grids show` prints it. For lead k (k steps ahead), over the issues whose target lies in the
// series and whose forecast for it was issued (not NaN):
//   mae          mean |forecast - actual|, g/kWh
//   bias         mean (forecast - actual): > 0 when the forecast was too high
//   rank_share   of the issues whose whole horizon was issued and lies in the series, the share
//                where the target's rank within the horizon is right: its rank among the
//                issue's forecasts (lead 1..L) equals its rank among the actual values of those
//                steps (ties ordered by lead). This is what a shifting policy needs of a
//                forecast: not the level, but which of the coming steps are the cleanest.
//   order_share  over the same horizons, the share of the other leads j whose order against k is
//                right: sign(forecast_k - forecast_j) == sign(actual_k - actual_j) (equal
//                counts as an order). A gentler measure than the exact rank, and 1/2 for a
//                forecast that knows nothing (without ties).
// Cost O(issues x L^2).
#include <cstddef>
#include <optional>
#include <vector>

#include "grids/series.hpp"

namespace shiftsim::grids {

struct LeadError {
  std::size_t lead = 0;  // 1..L
  Seconds ahead{};       // lead x the archive's step
  std::size_t count = 0;
  double mae = 0, bias = 0, rank_share = 0, order_share = 0;
};

struct ArchiveError {
  std::size_t issues = 0;         // issue times counted
  std::size_t full_horizons = 0;  // of them, with the whole horizon issued and inside the series
  double mean_actual = 0;         // of the targets of lead 1, for scale
  std::vector<LeadError> leads;   // one per lead, in order
};

// Over the issues at times inside calendar year `year` (UTC), or all. nullopt when the series has
// no archive or no issue is counted.
std::optional<ArchiveError> forecast_error(const Series& s, std::optional<int> year = std::nullopt);

}  // namespace shiftsim::grids
