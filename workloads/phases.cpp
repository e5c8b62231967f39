#include "workloads/phases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::workloads {

std::optional<PowerLevel> parse_power_level(std::string_view text) {
  text = trim(text);
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || !std::isfinite(v) || v < 0) return std::nullopt;
  std::string_view unit =
      trim(std::string_view(ptr, static_cast<std::size_t>(text.data() + text.size() - ptr)));
  if (unit == "%") return PowerLevel{v / 100.0, true};
  if (unit.empty() || unit == "W") return PowerLevel{v, false};
  if (unit == "kW") return PowerLevel{v * kWattsPerKilowatt, false};
  if (unit == "MW") return PowerLevel{v * kWattsPerKilowatt * kWattsPerKilowatt, false};
  return std::nullopt;
}

namespace {

// A stretch of constant power in the job's own time, seconds from the start.
struct Segment {
  long begin, end;
  PowerLevel power;
};

[[noreturn]] void fail(const PhasePlan& plan, std::size_t line, const std::string& what,
                       const std::string& hint) {
  throw ParseError(plan.file, line ? line : plan.line, what, hint);
}

}  // namespace

PhasedProfile build_phased_profile(const PhasePlan& plan, std::optional<Seconds> duration,
                                   std::optional<Energy> energy) {
  if (plan.phases.empty())
    fail(plan, plan.line, "the profile has no [[profile.phase]]", "add at least one phase");
  // Durations: at most one phase fills what the job's duration leaves.
  long fixed = 0;
  const Phase* open = nullptr;
  for (const auto& p : plan.phases) {
    if (p.duration)
      fixed += p.duration->count();
    else if (open)
      fail(plan, p.line,
           fmt::format("phases '{}' and '{}' both leave out their duration", open->name, p.name),
           "give every phase but one a duration");
    else
      open = &p;
  }
  long total = fixed;
  if (duration) {
    if (open && duration->count() <= fixed)
      fail(plan, open->line,
           fmt::format("the other phases already take {} of the job's {}; nothing is left for '{}'",
                       format_duration(Seconds{fixed}), format_duration(*duration), open->name),
           "shorten the phases or lengthen the job");
    if (!open && fixed != duration->count())
      fail(plan, plan.line,
           fmt::format("the phases add up to {}, but the job lasts {}",
                       format_duration(Seconds{fixed}), format_duration(*duration)),
           "make the durations agree, or leave out one phase's duration to fill the rest");
    total = duration->count();
  } else if (open) {
    fail(plan, open->line,
         fmt::format("phase '{}' has no duration and the job none either", open->name),
         "give the phase a duration, or the job a duration");
  }

  // Count before allocating: a typo ("every = 2s" over a year) must be an error, not a hang.
  std::size_t event_count = 0;
  for (const auto& p : plan.phases) {
    const long len = p.duration ? p.duration->count() : total - fixed;
    for (const auto& e : p.periodic)
      if (e.first.count() < len)
        event_count += static_cast<std::size_t>((len - e.first.count() - 1) / e.every.count() + 1);
    if (event_count > kMaxProfileValues)
      fail(plan, p.line,
           fmt::format("phase '{}' repeats its events more than {} times", p.name,
                       kMaxProfileValues),
           "make the events less frequent");
  }

  // Lay the phases and their periodic events out as segments.
  std::vector<Segment> segs;
  long t = 0;
  for (const auto& p : plan.phases) {
    const long len = p.duration ? p.duration->count() : total - fixed;
    const long end = t + len;
    // Events may not overlap each other: the phase's power holds between them.
    std::vector<Segment> events;
    for (const auto& e : p.periodic) {
      for (long s = t + e.first.count(); s < end; s += e.every.count())
        events.push_back({s, std::min(end, s + e.length.count()), e.power});
    }
    std::sort(events.begin(), events.end(),
              [](const Segment& a, const Segment& b) { return a.begin < b.begin; });
    for (std::size_t i = 1; i < events.size(); ++i)
      if (events[i].begin < events[i - 1].end)
        fail(plan, p.line,
             fmt::format("periodic events of phase '{}' overlap at {} into the run", p.name,
                         format_duration(Seconds{events[i].begin})),
             "space the events out, or shorten them");
    long cur = t;
    for (const auto& e : events) {
      if (e.begin > cur) segs.push_back({cur, e.begin, p.power});
      segs.push_back(e);
      cur = e.end;
    }
    if (cur < end) segs.push_back({cur, end, p.power});
    t = end;
  }

  // The steady level: given, or solved from the energy.
  double abs_joules = 0, rel_seconds = 0;
  bool any_relative = false;
  for (const auto& s : segs) {
    const double len = static_cast<double>(s.end - s.begin);
    any_relative = any_relative || s.power.relative;
    if (s.power.relative)
      rel_seconds += s.power.value * len;
    else
      abs_joules += s.power.value * len;
  }
  double steady = 0;
  if (any_relative && !(rel_seconds > 0) && energy && abs_joules == 0)
    fail(plan, plan.line, "every phase draws 0 % of the steady level: a profile with zero energy",
         "give the training phase a share above 0, such as \"100%\"");
  if (any_relative && rel_seconds > 0) {
    if (plan.steady && energy)
      fail(plan, plan.line, "both the steady power and the job's energy fix the relative powers",
           "remove steady or the job's energy");
    if (plan.steady) {
      steady = plan.steady->value;
    } else if (energy) {
      steady = (energy->value * kJoulesPerKwh - abs_joules) / rel_seconds;
      if (!(steady > 0))
        fail(plan, plan.line,
             fmt::format(
                 "the absolute phases alone use {:.6g} kWh, the job's whole energy is {:.6g} kWh",
                 abs_joules / kJoulesPerKwh, energy->value),
             "lower the absolute powers, or express them as shares (\"40%\")");
    } else {
      fail(plan, plan.line, "phases give powers as shares, but nothing says of what",
           "give the job's energy_kwh, or steady = \"300 W\" in [profile]");
    }
  } else if (energy) {
    const double e = abs_joules / kJoulesPerKwh;
    if (std::abs(e - energy->value) > 1e-9 * energy->value)
      fail(plan, plan.line,
           fmt::format("the phases use {:.6g} kWh, but the job's energy is {:.6g} kWh", e,
                       energy->value),
           "give powers as shares of the steady level (\"100%\") so the energy is kept, or drop "
           "energy_kwh");
  }

  // Sample the segments on the profile grid; the default step keeps every boundary exact.
  long step = 0;
  for (const auto& s : segs) step = std::gcd(step, std::gcd(s.begin, s.end));
  if (plan.step) step = plan.step->count();
  if (static_cast<std::size_t>(total / step) >= kMaxProfileValues)
    fail(plan, plan.line,
         fmt::format("the phases need {} values at a {} step, more than {}", total / step + 1,
                     format_duration(Seconds{step}), kMaxProfileValues),
         fmt::format("give a coarser step = \"...\" in [profile] (boundaries at whole minutes "
                     "allow \"1min\")"));
  std::vector<double> w(static_cast<std::size_t>((total + step - 1) / step), 0.0);
  for (const auto& s : segs) {
    const double watts_here = s.power.relative ? s.power.value * steady : s.power.value;
    for (long a = s.begin; a < s.end;) {
      const long k = a / step;
      const long b = std::min(s.end, (k + 1) * step);
      const long bin_len = std::min(step, total - k * step);
      w[static_cast<std::size_t>(k)] +=
          watts_here * static_cast<double>(b - a) / static_cast<double>(bin_len);
      a = b;
    }
  }
  try {
    return {PowerProfile(Seconds{step}, Seconds{total}, std::move(w)), watts(steady)};
  } catch (const ConfigError& e) {
    fail(plan, plan.line, e.what(), "check the phases' powers");
  }
}

}  // namespace shiftsim::workloads
