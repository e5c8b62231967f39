// Any CSV with a time column and either a power column or a cumulative energy column.
// Time: ISO 8601 (fractions of a second allowed; without an offset in options.timezone) or plain
// numbers meaning seconds since the start ("time [ms]", "time_min", ... scale them). Power
// samples are joined by the trapezoid rule; an energy counter gives constant power between
// readings, its first reading being the zero. Units come from the header ("power [kW]",
// "energy (Wh)", "power_w", "energy_kwh") or options.unit; W and kWh otherwise. Lines starting
// with '#' are comments (the profile CSV that `shiftsim workloads profile --out` writes has one).
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <string>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "workloads/measured/formats.hpp"

namespace shiftsim::workloads::measured {

namespace {

struct TimeUnit {
  std::string_view name;
  double seconds;
};
constexpr std::array<TimeUnit, 19> kTimeUnits{{{"s", 1},
                                               {"sec", 1},
                                               {"secs", 1},
                                               {"seconds", 1},
                                               {"second", 1},
                                               {"ms", 1e-3},
                                               {"min", 60},
                                               {"mins", 60},
                                               {"minute", 60},
                                               {"minutes", 60},
                                               {"h", 3600},
                                               {"hr", 3600},
                                               {"hrs", 3600},
                                               {"hour", 3600},
                                               {"hours", 3600},
                                               {"d", 86400},
                                               {"day", 86400},
                                               {"days", 86400},
                                               {"millis", 1e-3}}};

// Seconds per unit of a time column that holds numbers, or nullopt for a unit that is not a
// duration. A header without a unit means seconds.
std::optional<double> time_scale(const ColumnName& c) {
  if (c.unit.empty()) return 1.0;
  const std::string u = normalize_header(c.unit);
  for (const auto& t : kTimeUnits)
    if (u == t.name) return t.seconds;
  return std::nullopt;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

Measurement read_generic(std::string_view text, const std::string& file, const MeasuredOptions& o) {
  LogClock clock(o.timezone);
  CsvCursor csv(text, o.delimiter, file);
  std::size_t comments = 0;
  auto next_row = [&] {
    while (csv.next()) {
      if (!trim(csv.fields().front()).starts_with('#')) return true;
      ++comments;
    }
    return false;
  };
  if (!next_row())
    throw ParseError(file, 0, "the file is empty", "give a CSV with a header row and samples");
  const std::size_t header_line = csv.line();
  const std::vector<ColumnName> header = split_header(csv.fields());
  std::vector<std::string> raw;
  for (const auto& c : header) raw.push_back(c.raw);
  auto missing_column = [&](std::string_view name, const std::string& hint) {
    return ParseError(file, header_line, fmt::format("missing column '{}'", name),
                      fmt::format("the header has: {}; {}", list_columns(raw), hint));
  };

  int time_col = -1;
  if (!o.time_column.empty()) {
    time_col = find_column(header, o.time_column);
    if (time_col < 0) throw missing_column(o.time_column, "check the time_column option");
  } else {
    for (std::string_view name : {"time", "timestamp", "datetime"})
      if (time_col < 0) time_col = find_column(header, name);
    if (time_col < 0) time_col = 0;
  }

  UnitKind kind = UnitKind::power;
  int value_col = -1;
  Unit forced{};
  const bool has_forced = !o.unit.empty() && lookup_unit(o.unit, forced) == UnitMatch::ok;
  if (!o.power_column.empty()) {
    value_col = find_column(header, o.power_column);
    if (value_col < 0) throw missing_column(o.power_column, "check the power_column option");
  } else if (!o.energy_column.empty()) {
    kind = UnitKind::energy;
    value_col = find_column(header, o.energy_column);
    if (value_col < 0) throw missing_column(o.energy_column, "check the energy_column option");
  } else {
    std::vector<int> power, energy;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (static_cast<int>(i) == time_col) continue;
      if (starts_with(header[i].base, "power")) power.push_back(static_cast<int>(i));
      if (starts_with(header[i].base, "energy")) energy.push_back(static_cast<int>(i));
    }
    // A unit option says which kind of column is meant.
    if (has_forced) (forced.kind == UnitKind::power ? energy : power).clear();
    if (power.empty() && energy.empty())
      throw missing_column(has_forced && forced.kind == UnitKind::energy ? "energy..." : "power...",
                           "name the column with power_column or energy_column");
    if (power.size() + energy.size() > 1) {
      std::string names;
      for (int c : power)
        names += fmt::format("{}'{}'", names.empty() ? "" : ", ", raw[static_cast<std::size_t>(c)]);
      for (int c : energy)
        names += fmt::format("{}'{}'", names.empty() ? "" : ", ", raw[static_cast<std::size_t>(c)]);
      throw ParseError(file, header_line, fmt::format("several power or energy columns: {}", names),
                       "choose one with power_column or energy_column");
    }
    if (!energy.empty()) kind = UnitKind::energy;
    value_col = power.empty() ? energy.front() : power.front();
  }
  const ColumnName& vc = header[static_cast<std::size_t>(value_col)];
  const ColumnName& tc = header[static_cast<std::size_t>(time_col)];
  if (value_col == time_col)
    throw ParseError(
        file, header_line,
        fmt::format("column '{}' would be both the time and the {}", vc.raw, to_string(kind)),
        "name the time column with time_column");

  Unit unit = kind == UnitKind::power ? Unit{"W", UnitKind::power, 1.0}
                                      : Unit{"kWh", UnitKind::energy, kJoulesPerKwh};
  std::string unit_source = "default";
  if (has_forced) {
    if (forced.kind != kind)
      throw ConfigError(fmt::format("{}: unit '{}' is an {} unit, but column '{}' holds {}", file,
                                    o.unit, to_string(forced.kind), vc.raw, to_string(kind)));
    unit = forced;
    unit_source = "unit option";
  } else if (!vc.unit.empty()) {
    Unit u;
    const UnitMatch r = lookup_unit(vc.unit, u);
    if (r == UnitMatch::ok && u.kind == kind) {
      unit = u;
      unit_source = "header";
    } else if (vc.delimited || r != UnitMatch::unknown) {
      // In brackets it must be a unit; after '_' only when it reads as one ("power_mw").
      fail(Where{file, header_line, vc.raw}, unit_problem(vc.unit, r, kind),
           fmt::format("accepted: {}; or give the unit option", accepted_units(kind)));
    }
  }

  Measurement m;
  m.column = vc.raw;
  m.header_line = header_line;
  enum class TimeMode : std::uint8_t { unknown, wall, number } mode = TimeMode::unknown;
  // Numbers in the time column are seconds unless the header names another duration unit; a
  // bracketed unit that is not one ("time [fortnights]") is refused rather than read as seconds.
  const std::optional<double> time_unit = time_scale(tc);
  const double scale = time_unit.value_or(1.0);
  struct Reading {
    Instant t;
    double value = 0;  // W, or J of the counter
    std::size_t line = 0;
  };
  std::optional<Instant> prev_t;
  std::size_t prev_line = 0, last_line = header_line, usable = 0;
  std::optional<Reading> first, prev;
  std::vector<PowerPoint> points;
  Curve pieces;
  while (next_row()) {
    const auto& f = csv.fields();
    const std::size_t line = csv.line();
    ++m.rows;
    last_line = line;
    const Where wt{file, line, tc.raw};
    const std::string_view ts = cell(f, time_col, wt);
    Instant t;
    std::optional<SubsecondWall> w;
    if (mode != TimeMode::number) w = parse_wall(ts);
    if (mode == TimeMode::unknown) mode = w ? TimeMode::wall : TimeMode::number;
    if (mode == TimeMode::wall) {
      if (!w)
        fail(wt, fmt::format("timestamp '{}' cannot be read", trim(ts)),
             "expected ISO 8601 (YYYY-MM-DD HH:MM:SS[.fff]) like the rows above");
      t = clock.to_utc(*w, wt, ts);
    } else {
      if (!time_unit && tc.delimited)
        fail(Where{file, header_line, tc.raw},
             fmt::format("time unit '{}' is not a duration unit", tc.unit),
             "write the time column in s, ms, min, h or d (e.g. \"time [s]\"), or as ISO 8601 "
             "timestamps");
      std::string_view rest;
      const double v = parse_number_prefix(ts, wt, rest) * scale;
      if (!rest.empty() || !(std::fabs(v) <= kMaxSeconds))
        fail(wt, fmt::format("timestamp '{}' cannot be read", trim(ts)),
             "expected seconds since the start like the rows above, or ISO 8601 throughout");
      t = instant_from_seconds(v);
    }
    if (prev_t) {
      const double dt = seconds_between(t, *prev_t);
      if (dt < 0)
        fail(wt,
             fmt::format("timestamps go backwards: '{}' is {:.6g} s before the previous row "
                         "(line {})",
                         trim(ts), -dt, prev_line),
             "sort the rows by time");
      if (dt == 0)
        fail(wt,
             fmt::format("timestamp '{}' repeats the previous row (line {})", trim(ts), prev_line),
             "delete the duplicate row");
      m.intervals.push_back(dt);
      m.interval_lines.push_back(line);
    }
    prev_t = t;
    prev_line = line;

    const Where wv{file, line, vc.raw};
    const std::string_view c = cell(f, value_col, wv);
    if (is_missing(c)) {
      ++m.missing;
      continue;
    }
    const double v = parse_number(c, wv);
    if (v < 0)
      fail(wv, fmt::format("negative {} '{}'", to_string(kind), trim(c)),
           kind == UnitKind::power ? "power cannot be negative"
                                   : "a cumulative energy counter starts at 0 or above");
    const Reading here{t, v * unit.factor, line};
    if (!first) first = here;
    ++usable;
    if (kind == UnitKind::power) {
      if (here.value > kMaxWatts)
        fail(wv, fmt::format("implausible power '{}' ({:.6g} W)", trim(c), here.value),
             "check the unit");
      points.push_back({seconds_between(t, first->t), here.value});
    } else if (prev) {
      const double dj = here.value - prev->value;
      if (dj < 0)
        fail(wv,
             fmt::format("the energy counter goes down from {:.6g} (line {}) to '{}' (a counter "
                         "reset?)",
                         prev->value / unit.factor, prev->line, trim(c)),
             "a cumulative counter never decreases; split the file at the reset");
      const double begin = seconds_between(prev->t, first->t), end = seconds_between(t, first->t);
      const double watts = dj / (end - begin);
      if (!(watts <= kMaxWatts))
        fail(wv, fmt::format("implausible power {:.6g} W since line {}", watts, prev->line),
             "check the unit and the timestamps");
      pieces.push_back({begin, end, watts, watts});
    }
    prev = here;
  }
  if (usable < 2)
    fail(Where{file, last_line, vc.raw},
         fmt::format("fewer than 2 usable samples ({} found)", usable),
         "a profile needs at least two samples with values");

  m.first = first->t;
  m.span = seconds_between(prev->t, first->t);
  m.relative_time = mode == TimeMode::number;
  m.curves.push_back(kind == UnitKind::power ? trapezoid_curve(points, m.span) : std::move(pieces));
  m.notes.push_back(fmt::format(
      "format: generic CSV, time column '{}' ({}), {} column '{}' in {} ({})", tc.raw,
      m.relative_time ? fmt::format("seconds since the start{}",
                                    scale != 1 ? fmt::format(" x {:g}", scale) : "")
                      : fmt::format("ISO 8601, {} unless an offset is given", clock.zone()),
      kind == UnitKind::power ? "power" : "cumulative energy", vc.raw, unit.symbol, unit_source));
  m.notes.push_back(fmt::format("rows: {} data rows{}", m.rows,
                                comments ? fmt::format(", {} comment line(s)", comments) : ""));
  m.notes.push_back("devices: 1 series (one column)");
  m.notes.push_back(fmt::format("missing: {} empty or N/A value(s){}", m.missing,
                                !m.missing ? ""
                                : kind == UnitKind::power
                                    ? "; bridged by linear interpolation"
                                    : "; the next reading's energy covers their time"));
  if (clock.ambiguous() > 0)
    m.notes.push_back(fmt::format("timestamps: {} in a repeated hour of {} put in order",
                                  clock.ambiguous(), clock.zone()));
  return m;
}

}  // namespace shiftsim::workloads::measured
