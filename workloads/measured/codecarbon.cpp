// CodeCarbon emissions.csv: one row per flush of a tracker, with (among many others) timestamp,
// run_id, duration [s] and energy_consumed / gpu_energy / cpu_energy / ram_energy [kWh]. A row
// covers [timestamp - duration, timestamp]; the rows of one run are cumulative snapshots (the
// file's last row of a run is what tracker.stop() returned), so the energy between two rows is
// their difference, drawn at constant power between their timestamps. Timestamps are the
// tracker's local time, written without an offset. Files of CodeCarbon 1.x have no run_id; their
// experiment_id names the run.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "workloads/measured/formats.hpp"

namespace shiftsim::workloads::measured {

namespace {

struct Row {
  std::size_t line = 0;
  std::string run, time, duration, energy;
};

std::string energy_column_of(std::string_view component) {
  if (component == "total") return "energy_consumed";
  return std::string(component) + "_energy";  // gpu, cpu, ram: checked by the caller
}

std::string list_runs(const std::vector<std::string>& runs) {
  constexpr std::size_t kShown = 20;
  std::string out;
  for (std::size_t i = 0; i < runs.size() && i < kShown; ++i)
    out += fmt::format("{}'{}'", out.empty() ? "" : ", ", runs[i]);
  if (runs.size() > kShown) out += fmt::format(" and {} more", runs.size() - kShown);
  return out;
}

}  // namespace

Measurement read_codecarbon(std::string_view text, const std::string& file,
                            const MeasuredOptions& o) {
  LogClock clock(o.timezone);
  CsvCursor csv(text, o.delimiter, file);
  if (!csv.next())
    throw ParseError(file, 0, "the file is empty", "give a CodeCarbon emissions.csv");
  const std::size_t header_line = csv.line();
  const std::vector<ColumnName> header = split_header(csv.fields());
  std::vector<std::string> raw;
  for (const auto& c : header) raw.push_back(c.raw);
  const std::string energy_name = energy_column_of(o.component);
  const int time_col = find_column(header, "timestamp");
  const int duration_col = find_column(header, "duration");
  const int energy_col = find_column(header, energy_name);
  int run_col = find_column(header, "run_id");
  if (run_col < 0) run_col = find_column(header, "experiment_id");
  for (auto [col, name] :
       {std::pair{time_col, std::string("timestamp")},
        std::pair{duration_col, std::string("duration")}, std::pair{energy_col, energy_name}})
    if (col < 0)
      throw ParseError(file, header_line, fmt::format("missing column '{}'", name),
                       fmt::format("the header has: {}; is this a CodeCarbon emissions.csv? "
                                   "Otherwise use the generic format",
                                   list_columns(raw)));
  const std::string& time_name = raw[static_cast<std::size_t>(time_col)];
  const std::string& duration_name = raw[static_cast<std::size_t>(duration_col)];
  const std::string& energy_raw = raw[static_cast<std::size_t>(energy_col)];

  std::vector<Row> rows;
  std::vector<std::string> runs;
  while (csv.next()) {
    const auto& f = csv.fields();
    const std::size_t line = csv.line();
    if (static_cast<std::size_t>(time_col) < f.size() &&
        normalize_header(f[static_cast<std::size_t>(time_col)]) == "timestamp")
      continue;  // a header written again
    Row r;
    r.line = line;
    if (run_col >= 0) r.run = std::string(trim(cell(f, run_col, Where{file, line, "run_id"})));
    r.time = std::string(cell(f, time_col, Where{file, line, time_name}));
    r.duration = std::string(cell(f, duration_col, Where{file, line, duration_name}));
    r.energy = std::string(cell(f, energy_col, Where{file, line, energy_raw}));
    if (std::find(runs.begin(), runs.end(), r.run) == runs.end()) runs.push_back(r.run);
    rows.push_back(std::move(r));
  }
  if (!o.run_id.empty() && run_col < 0)
    throw ConfigError(fmt::format("{}: the file has no run_id column; leave run_id out", file));
  if (runs.size() > 1 && o.run_id.empty())
    throw ConfigError(fmt::format("{}: the file holds {} runs (run_id {}); choose one with run_id",
                                  file, runs.size(), list_runs(runs)));
  if (!o.run_id.empty() && std::find(runs.begin(), runs.end(), o.run_id) == runs.end())
    throw ConfigError(fmt::format("{}: no run with run_id '{}'; the file holds {}", file, o.run_id,
                                  runs.empty() ? std::string("no rows") : list_runs(runs)));
  const std::string run = o.run_id.empty() ? (runs.empty() ? "" : runs.front()) : o.run_id;

  Measurement m;
  m.rows = rows.size();
  m.column = energy_raw;
  m.header_line = header_line;
  struct Snapshot {
    Instant t;
    double duration = 0, joules = 0;
    std::size_t line = 0;
  };
  std::optional<Snapshot> prev;
  std::size_t used = 0, last_line = header_line;
  for (const Row& r : rows) {
    if (r.run != run) continue;
    ++used;
    last_line = r.line;
    const Where we{file, r.line, energy_raw}, wt{file, r.line, time_name},
        wd{file, r.line, duration_name};
    if (is_missing(r.energy)) {
      ++m.missing;
      continue;
    }
    const auto w = parse_wall(r.time);
    if (!w)
      fail(wt, fmt::format("timestamp '{}' cannot be read", trim(r.time)),
           "expected ISO 8601 as CodeCarbon writes it, e.g. 2024-05-27T11:31:35");
    const Instant t = clock.to_utc(*w, wt, r.time);
    const double d = parse_number(r.duration, wd);
    if (d < 0 || d > kMaxSeconds)
      fail(wd, fmt::format("'{}' is not a duration in seconds", trim(r.duration)),
           "CodeCarbon writes the seconds since the tracker started");
    const double e = parse_number(r.energy, we);
    if (e < 0)
      fail(we, fmt::format("negative energy '{}'", trim(r.energy)), "energy cannot be negative");
    const double j = e * kJoulesPerKwh;
    auto constant = [&](double begin, double end, double joules_in, const Where& where) {
      const double watts = joules_in / (end - begin);
      if (!(watts <= kMaxWatts))
        fail(where,
             fmt::format("implausible power {:.6g} W ({:.6g} kWh in {:.6g} s)", watts,
                         joules_in / kJoulesPerKwh, end - begin),
             "check the timestamps and the energy column");
      return Segment{begin, end, watts, watts};
    };
    if (!prev) {
      if (!(d > 0))
        fail(wd, "the first row of a run covers no time (duration 0)",
             "the row should hold the seconds since the tracker started");
      m.first = shift(t, -d);
      const double end = seconds_between(t, m.first);
      m.curves.push_back({constant(0, end, j, we)});
      m.intervals.push_back(end);
    } else {
      const double dt = seconds_between(t, prev->t);
      if (dt < 0)
        fail(wt,
             fmt::format("timestamps go backwards: '{}' is {:.6g} s before the run's previous "
                         "row (line {})",
                         trim(r.time), -dt, prev->line),
             "check the timezone option; rows of one run follow each other in time");
      if (d < prev->duration)
        fail(wd,
             fmt::format("the duration goes down from {:.6g} s (line {}) to {:.6g} s: the rows of "
                         "a run are cumulative",
                         prev->duration, prev->line, d),
             "a restarted tracker needs its own run_id; split the file");
      if (j < prev->joules)
        fail(we,
             fmt::format("the energy goes down from {:.6g} kWh (line {}) to {:.6g} kWh: the rows "
                         "of a run are cumulative",
                         prev->joules / kJoulesPerKwh, prev->line, e),
             "a restarted tracker needs its own run_id; split the file");
      const double begin = seconds_between(prev->t, m.first), end = seconds_between(t, m.first);
      Curve& c = m.curves.front();
      if (dt > 0) {
        c.push_back(constant(begin, end, j - prev->joules, we));
        m.intervals.push_back(dt);
      } else if (j > prev->joules) {
        // Two flushes within one second of the timestamps: the energy joins the previous piece.
        const Segment& before = c.back();
        c.back() = constant(before.begin, before.end, joules(before) + (j - prev->joules), we);
      }
    }
    prev = Snapshot{t, d, j, r.line};
  }
  if (!prev)
    fail(Where{file, last_line, energy_raw},
         fmt::format("fewer than 2 usable samples: run '{}' has no row with energy", run),
         "each row gives two samples (its start and its end); check the component option");
  m.span = seconds_between(prev->t, m.first);

  m.notes.push_back(fmt::format(
      "format: CodeCarbon emissions.csv, column '{}' in kWh (cumulative per run){}", energy_raw,
      run.empty() ? "" : fmt::format(", run '{}' ({} of {} rows)", run, used, m.rows)));
  m.notes.push_back(fmt::format("rows: {} data rows", m.rows));
  m.notes.push_back("devices: 1 series (CodeCarbon sums the machine's devices itself)");
  m.notes.push_back(fmt::format("missing: {} row(s) of the run without energy{}", m.missing,
                                m.missing ? "; the next row's energy covers their time" : ""));
  if (auto note = clock.note()) m.notes.push_back(std::move(*note));
  return m;
}

}  // namespace shiftsim::workloads::measured
