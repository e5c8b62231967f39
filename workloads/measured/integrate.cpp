#include "workloads/measured/integrate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "sim/core/errors.hpp"

namespace shiftsim::workloads::measured {

double joules(const Segment& s) { return (s.begin_watts + s.end_watts) / 2 * (s.end - s.begin); }

Curve trapezoid_curve(const std::vector<PowerPoint>& points, double span) {
  Curve c;
  if (points.empty()) return c;
  c.reserve(points.size() + 1);
  if (points.front().t > 0)
    c.push_back({0, points.front().t, points.front().watts, points.front().watts});
  for (std::size_t i = 1; i < points.size(); ++i)
    c.push_back({points[i - 1].t, points[i].t, points[i - 1].watts, points[i].watts});
  if (points.back().t < span)
    c.push_back({points.back().t, span, points.back().watts, points.back().watts});
  return c;
}

namespace {

double watts_at(const Segment& s, double x) {
  if (x <= s.begin) return s.begin_watts;
  if (x >= s.end) return s.end_watts;
  return s.begin_watts + (s.end_watts - s.begin_watts) * ((x - s.begin) / (s.end - s.begin));
}

// The bin holding time x: k * step <= x < (k + 1) * step, the last bin open-ended.
std::size_t bin_of(double x, double step, std::size_t bins) {
  if (!(x > 0)) return 0;
  const double q = std::floor(x / step);
  std::size_t k = q >= static_cast<double>(bins - 1) ? bins - 1 : static_cast<std::size_t>(q);
  // x / step may round across an integer; the bin edges themselves are exact.
  while (k > 0 && static_cast<double>(k) * step > x) --k;
  while (k + 1 < bins && static_cast<double>(k + 1) * step <= x) ++k;
  return k;
}

// Adds the curve's energy to the bins; returns its total energy, J.
double add_curve(const Curve& c, double step, std::vector<double>& bins) {
  double total = 0;
  for (const auto& s : c) {
    total += joules(s);
    double x = s.begin;
    std::size_t k = bin_of(x, step, bins.size());
    while (x < s.end) {
      const bool last = k + 1 == bins.size();
      const double y = last ? s.end : std::min(s.end, static_cast<double>(k + 1) * step);
      bins[k] += (watts_at(s, x) + watts_at(s, y)) / 2 * (y - x);
      x = y;
      if (!last) ++k;
    }
  }
  return total;
}

}  // namespace

MeasuredProfile finish(Measurement m, const std::string& file, const MeasuredOptions& options) {
  for (std::size_t i = 0; i < m.interval_lines.size() && i < m.intervals.size(); ++i) {
    if (m.intervals[i] <= kMaxInterval) continue;
    throw ParseError(
        file, m.interval_lines[i],
        fmt::format("this row is {:.6g} days after the previous one; a power log's samples are at "
                    "most a day apart",
                    m.intervals[i] / 86400),
        "check the row for a mistyped date, or split the log into one file per run");
  }
  const double median_interval = m.intervals.empty() ? m.span : median(m.intervals);
  const Seconds sampling{std::max<long long>(1, std::llround(median_interval))};
  const Seconds step = options.step.value_or(sampling);
  if (step <= Seconds{0}) throw ConfigError("the profile step must be at least 1 s");
  const Seconds duration{std::max<long long>(1, std::llround(m.span))};
  const auto d = duration.count(), s = step.count();
  const auto bins = static_cast<std::size_t>(d / s + (d % s != 0 ? 1 : 0));
  double work = 0;
  for (const auto& c : m.curves)
    for (const auto& seg : c) work += (seg.end - seg.begin) / static_cast<double>(s) + 2;
  if (static_cast<double>(bins) > kMaxValues || work > kMaxWork)
    throw ParseError(
        file, 0,
        fmt::format("the samples span {:.6g} s: at a {} step the profile of {} device(s) needs {} "
                    "values, more than the {:.0f} allowed",
                    m.span, format_duration(step), m.devices, bins, kMaxValues),
        "give a larger step, or check the timestamps");

  std::vector<double> bin_joules(bins, 0.0);
  double total = 0;
  for (const auto& c : m.curves) total += add_curve(c, static_cast<double>(s), bin_joules);
  if (!(total > 0))
    throw ParseError(file, m.header_line,
                     fmt::format("column '{}': profile with zero energy", m.column),
                     "every usable sample is 0; check the column and the unit");
  // The last bin absorbs the rounding of the others, so the bins add up to the integral.
  double others = 0;
  for (std::size_t k = 0; k + 1 < bins; ++k) others += bin_joules[k];
  bin_joules.back() = std::max(0.0, total - others);

  std::vector<double> watts(bins);
  for (std::size_t k = 0; k < bins; ++k) {
    const long long begin = static_cast<long long>(k) * s;
    watts[k] = bin_joules[k] / static_cast<double>(std::min<long long>(s, d - begin));
  }
  std::optional<PowerProfile> profile;
  try {
    profile.emplace(step, duration, std::move(watts));
  } catch (const ConfigError& e) {  // an energy that underflows: content, not options
    throw ParseError(file, m.header_line,
                     fmt::format("column '{}': profile with zero energy ({})", m.column, e.what()),
                     "check the column and the unit");
  }

  const TimePoint start{Seconds{m.first.seconds}};
  m.notes.push_back(fmt::format("sampling: median interval {:.6g} s, taken as {}", median_interval,
                                format_duration(sampling)));
  m.notes.push_back(fmt::format(
      "span: {} + {:.6g} s from the first to the last sample; profile {} at a {} step, {} "
      "value(s){}",
      m.relative_time
          ? fmt::format("t = {:.6g} s", static_cast<double>(m.first.seconds) + m.first.fraction)
          : format_time(start),
      m.span, format_duration(duration), format_duration(step), bins,
      d % s != 0 ? fmt::format(" (the last {} long)", format_duration(Seconds{d % s})) : ""));
  m.notes.push_back(fmt::format("energy: {:.6g} kWh ({:.6g} J), mean {:.6g} W, peak {:.6g} W",
                                total / kJoulesPerKwh, total, profile->mean_power().value,
                                profile->peak_power().value));
  return MeasuredProfile{.profile = std::move(*profile),
                         .start = start,
                         .rows = m.rows,
                         .devices = m.devices,
                         .missing = m.missing,
                         .sampling = sampling,
                         .notes = std::move(m.notes),
                         .held = m.held,
                         .relative_time = m.relative_time,
                         .joules = total};
}

}  // namespace shiftsim::workloads::measured
