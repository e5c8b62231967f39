#include "sim/issued_forecast.hpp"

#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"

namespace shiftsim::sim {

namespace {
constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
}

IssuedView::IssuedView(const IssuedArchive& archive, std::span<const double> actual, Beyond beyond,
                       std::int64_t steps_per_day)
    : archive_(archive), actual_(actual), beyond_(beyond), day_(steps_per_day) {
  if (archive.leads == 0 || archive.rows.size() != actual.size() * archive.leads ||
      steps_per_day < 1)
    throw InternalError("IssuedView: the archive does not match the actual series");
}

double IssuedView::fallback(std::int64_t now, std::int64_t target) const {
  if (beyond_ == Beyond::hold) {
    const double last = archive_.at(static_cast<std::size_t>(now), archive_.leads);
    if (!std::isnan(last)) return last;
  }
  // The smallest m >= 1 with target - m * day < now.
  const std::int64_t m = (target - now) / day_ + 1;
  const std::int64_t from = target - m * day_;
  return from < 0 ? kNone : actual_[static_cast<std::size_t>(from)];
}

double IssuedView::at(std::int64_t now, std::int64_t target) const {
  const auto leads = static_cast<std::int64_t>(archive_.leads);
  double v = kNone;
  if (target == now) {
    if (now > 0) v = archive_.at(static_cast<std::size_t>(now - 1), 1);
  } else if (target - now <= leads) {
    v = archive_.at(static_cast<std::size_t>(now), static_cast<std::size_t>(target - now));
  }
  return std::isnan(v) ? fallback(now, target) : v;
}

}  // namespace shiftsim::sim
