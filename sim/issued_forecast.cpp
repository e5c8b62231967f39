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
  latest_.resize(actual.size());
  std::int64_t last = -1;
  for (std::size_t r = 0; r < actual.size(); ++r) {
    for (std::size_t k = 1; k <= archive.leads; ++k)
      if (!std::isnan(archive.at(r, k))) {
        last = static_cast<std::int64_t>(r);
        break;
      }
    latest_[r] = last;
  }
}

double IssuedView::issued(std::int64_t now, std::int64_t target) const {
  std::int64_t r = latest_[static_cast<std::size_t>(now)];
  if (target == now && r == now) r = now > 0 ? latest_[static_cast<std::size_t>(now - 1)] : -1;
  if (r < 0) return kNone;
  const std::int64_t lead = target - r;
  if (lead < 1 || lead > static_cast<std::int64_t>(archive_.leads)) return kNone;
  return archive_.at(static_cast<std::size_t>(r), static_cast<std::size_t>(lead));
}

double IssuedView::last_lead(std::int64_t now) const {
  const std::int64_t r = latest_[static_cast<std::size_t>(now)];
  return r < 0 ? kNone : archive_.at(static_cast<std::size_t>(r), archive_.leads);
}

double IssuedView::fallback(std::int64_t now, std::int64_t target) const {
  if (beyond_ == Beyond::hold) {
    const double last = last_lead(now);
    if (!std::isnan(last)) return last;
  }
  // The smallest m >= 1 with target - m * day < now.
  const std::int64_t m = (target - now) / day_ + 1;
  const std::int64_t from = target - m * day_;
  return from < 0 ? kNone : actual_[static_cast<std::size_t>(from)];
}

double IssuedView::at(std::int64_t now, std::int64_t target) const {
  const double v = issued(now, target);
  return std::isnan(v) ? fallback(now, target) : v;
}

}  // namespace shiftsim::sim
