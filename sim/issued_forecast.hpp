#pragma once
// Issued forecasts: what a policy deciding at a given time could have known.
//
// An archive holds, for each step r of the actual series, the forecast issued at the step's start
// t_r for the steps r+1 .. r+L (L leads, one step apart; NaN where none was issued; a row of NaN
// is no issue at all, so archives issued every hour at a 5-minute step are rows every 12). A
// decision taken at step i sees the latest issue r <= i (the last row with a value), and for a
// target step x >= i (the view, IssuedView::at):
//   x in [r+1, r+L]   that forecast, lead x - r
//   x = i = r         the step that starts now is not in the forecast issued now (and its actual
//                     mean is known only at its end): the issue before, r' < r, lead i - r', if
//                     it reaches that far
//   beyond, or NaN    the fallback, chosen with the forecast (ForecastSpec::beyond):
//     persistence     the actual value of the same time of day on the latest day already past:
//                     actual[x - m * D], D steps a day, m >= 1 the smallest with x - m*D < i
//                     (for targets within a day that is "a day earlier"; further ahead, the last
//                     known day repeated, so nothing after t_i leaks in)
//     hold            the latest issue's last lead, row r lead L, held flat (persistence where
//                     it is NaN or nothing was issued yet)
// A view value is NaN only when the fallback reaches before the series' first value; policies
// then report no_forecast, as they do for other forecasts.
//
// The archive is at the simulation step: the grid store keeps archives at the step they were
// issued at, and using one at another step is refused (grids/forecast_source.hpp).
//
// Thread-safety: values; concurrent const use is safe.
#include <cstdint>
#include <span>
#include <vector>

namespace shiftsim::sim {

// What an issued forecast's user believes beyond its horizon (ForecastSpec::beyond).
enum class Beyond : std::uint8_t { persistence, hold };

struct IssuedArchive {
  std::size_t leads = 0;     // L
  std::vector<double> rows;  // actual.size() * leads, row-major; row i issued at step i's start
  bool empty() const { return leads == 0; }
  double at(std::size_t row, std::size_t lead) const { return rows[row * leads + lead - 1]; }
};

class IssuedView {
 public:
  // `archive` and `actual` must outlive the view and have equal rows; steps_per_day >= 1.
  IssuedView(const IssuedArchive& archive, std::span<const double> actual, Beyond beyond,
             std::int64_t steps_per_day);

  // What a decision at step `now` believes of step `target` (now <= target < size()).
  double at(std::int64_t now, std::int64_t target) const;
  std::int64_t size() const { return static_cast<std::int64_t>(actual_.size()); }
  std::size_t leads() const { return archive_.leads; }
  std::int64_t steps_per_day() const { return day_; }
  Beyond beyond() const { return beyond_; }
  std::span<const double> actual() const { return actual_; }
  // The issued forecast a decision at `now` sees for `target` (the rules above, without the
  // fallback): NaN when none covers it.
  double issued(std::int64_t now, std::int64_t target) const;
  // The latest issue's last lead, as hold holds it (NaN: none).
  double last_lead(std::int64_t now) const;

 private:
  double fallback(std::int64_t now, std::int64_t target) const;

  const IssuedArchive& archive_;
  std::vector<std::int64_t> latest_;  // per step: the latest row <= it with a value, -1 if none
  std::span<const double> actual_;
  Beyond beyond_;
  std::int64_t day_;
};

}  // namespace shiftsim::sim
