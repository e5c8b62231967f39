#pragma once
// Issued forecasts: what a policy deciding at a given time could have known.
//
// An archive holds, for each step i of the actual series, the forecast issued at the step's start
// t_i for the steps i+1 .. i+L (L leads, one step apart; NaN where none was issued). A decision
// taken at step i sees, for a target step x >= i (the view, IssuedView::at):
//   x in [i+1, i+L]   the forecast issued at t_i (the latest issued at or before t_i), lead x - i
//   x = i             the forecast for it issued one step earlier, at t_(i-1), lead 1: the step
//                     that starts now is not in the forecast issued now, and its actual mean is
//                     known only at its end
//   beyond, or NaN    the fallback, chosen with the forecast (ForecastSpec::beyond):
//     persistence     the actual value of the same time of day on the latest day already past:
//                     actual[x - m * D], D steps a day, m >= 1 the smallest with x - m*D < i
//                     (for targets within a day that is "a day earlier"; further ahead, the last
//                     known day repeated, so nothing after t_i leaks in)
//     hold            the forecast's last lead, row i lead L, held flat (persistence where it
//                     is NaN)
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
  // The forecast issued at step `now` for now + lead (lead 1..L; NaN: none).
  double issued(std::int64_t now, std::size_t lead) const {
    return archive_.at(static_cast<std::size_t>(now), lead);
  }

 private:
  double fallback(std::int64_t now, std::int64_t target) const;

  const IssuedArchive& archive_;
  std::span<const double> actual_;
  Beyond beyond_;
  std::int64_t day_;
};

}  // namespace shiftsim::sim
