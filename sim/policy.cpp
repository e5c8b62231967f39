#include "sim/policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::sim {

namespace {
constexpr double kMaxPercent = 10000.0;  // a window of 100 durations: beyond any sensible study
}

std::string_view to_string(PolicyKind k) {
  switch (k) {
    case PolicyKind::baseline:
      return "baseline";
    case PolicyKind::flexible_start:
      return "flexible-start";
    case PolicyKind::pause_resume:
      return "pause-resume";
    case PolicyKind::threshold:
      return "threshold";
  }
  return "?";
}

PolicyKind parse_policy_kind(std::string_view text) {
  for (auto k : {PolicyKind::baseline, PolicyKind::flexible_start, PolicyKind::pause_resume,
                 PolicyKind::threshold}) {
    if (iequals(trim(text), to_string(k))) return k;
  }
  throw ConfigError(
      fmt::format("unknown policy \"{}\"; use baseline, flexible-start, pause-resume or threshold "
                  "(and --regions for the spatial choice)",
                  text));
}

Window Window::parse(std::string_view text) {
  const auto t = trim(text);
  Window w;
  if (!t.empty() && t.back() == '%') {
    const auto num = trim(t.substr(0, t.size() - 1));
    double v = 0;
    const auto [p, ec] = std::from_chars(num.data(), num.data() + num.size(), v);
    if (ec != std::errc{} || p != num.data() + num.size() || !std::isfinite(v) || v < 0 ||
        v > kMaxPercent) {
      throw ConfigError(fmt::format(
          "window \"{}\": a relative window is a percentage of the job's duration between 0% and "
          "{}%, e.g. 25%",
          text, kMaxPercent));
    }
    w.relative = true;
    w.percent = v;
    return w;
  }
  w.absolute = parse_duration(t, "window", Zero::allowed);
  return w;
}

Seconds Window::for_duration(Seconds d) const {
  if (!relative) return absolute;
  return Seconds{
      static_cast<std::int64_t>(std::floor(static_cast<double>(d.count()) * percent / 100.0))};
}

std::string Window::describe() const {
  return relative ? fmt::format("{}%", percent) : format_duration(absolute);
}

std::string Policy::describe() const {
  std::string s{to_string(kind)};
  if (kind != PolicyKind::baseline) s += ", N = " + window.describe();
  if (kind == PolicyKind::flexible_start || kind == PolicyKind::pause_resume) {
    s += ", decides on " + forecast.describe();
  }
  if (kind == PolicyKind::threshold) s += fmt::format(", threshold {} g/kWh", threshold);
  if (kind == PolicyKind::pause_resume || kind == PolicyKind::threshold) {
    if (costs.checkpoint_time.count() > 0) {
      s += fmt::format(", checkpoint {} and {} kWh per pause",
                       format_duration(costs.checkpoint_time), costs.checkpoint_energy.value);
    }
    if (costs.min_run.count() > 0) {
      s += fmt::format(", runs of at least {}", format_duration(costs.min_run));
      if (kind == PolicyKind::pause_resume) s += " (whole steps)";
    }
  }
  return s;
}

std::int64_t flexible_start_offsets(Seconds n, Seconds step) { return n.count() / step.count(); }

std::int64_t pause_resume_window(std::size_t work_steps, Seconds n, Seconds step) {
  return static_cast<std::int64_t>(work_steps) + flexible_start_offsets(n, step);
}

}  // namespace shiftsim::sim
