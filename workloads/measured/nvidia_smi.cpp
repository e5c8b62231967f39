// nvidia-smi CSV logs, as written by
//   nvidia-smi --query-gpu=timestamp,index,power.draw --format=csv[,nounits] [-l 1 | -lms 100]
// Columns are found by name in any order among others; the power column is power.draw (or
// power.draw.average / power.draw.instant), its unit the header's bracket. Timestamps are local
// time with milliseconds. A restarted logger repeats the header line. Each GPU's samples are
// joined by the trapezoid rule, then the GPUs are summed.
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <climits>
#include <cmath>
#include <limits>
#include <map>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "workloads/measured/formats.hpp"

namespace shiftsim::workloads::measured {

namespace {

// Preferred first: power.draw is what the brief's command asks for.
constexpr std::array<std::string_view, 3> kPowerColumns{"power.draw", "power.draw.average",
                                                        "power.draw.instant"};

struct Columns {
  int time = -1;
  int index = -1;
  int key = -1;  // uuid or pci.bus_id when there is no index column
  int power = -1;
  std::string time_name = "timestamp", key_name, power_name;
  Unit unit{"W", UnitKind::power, 1.0};
};

Columns read_header(const std::vector<std::string_view>& fields, const std::string& file,
                    std::size_t line, const MeasuredOptions& o) {
  std::vector<ColumnName> h;
  std::vector<std::string> raw;
  for (auto f : fields) {
    h.push_back(split_column(f));
    raw.push_back(h.back().raw);
  }
  Columns c;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const int col = static_cast<int>(i);
    if (h[i].base == "timestamp" && c.time < 0) c.time = col;
    if (h[i].base == "index" && c.index < 0) c.index = col;
    if ((h[i].base == "uuid" || h[i].base == "pci.bus_id") && c.key < 0) c.key = col;
  }
  for (auto name : kPowerColumns)
    for (std::size_t i = 0; i < h.size() && c.power < 0; ++i)
      if (h[i].base == name) c.power = static_cast<int>(i);
  if (c.time < 0 || c.power < 0)
    throw ParseError(file, line,
                     fmt::format("missing column '{}'", c.time < 0 ? "timestamp" : "power.draw"),
                     fmt::format("the header has: {}; log with nvidia-smi "
                                 "--query-gpu=timestamp,index,power.draw --format=csv",
                                 list_columns(raw)));
  c.time_name = raw[static_cast<std::size_t>(c.time)];
  c.power_name = raw[static_cast<std::size_t>(c.power)];
  if (c.index >= 0) c.key = c.index;
  if (c.key >= 0) c.key_name = raw[static_cast<std::size_t>(c.key)];
  if (!o.gpus.empty() && c.index < 0)
    throw ParseError(file, line, "no 'index' column, so the gpus option cannot pick GPUs",
                     "add index to --query-gpu, or leave gpus out");
  const ColumnName& p = h[static_cast<std::size_t>(c.power)];
  if (!o.unit.empty()) {
    lookup_unit(o.unit, c.unit);  // checked by the caller
  } else if (p.delimited) {
    Unit u;
    const UnitMatch r = lookup_unit(p.unit, u);
    if (r != UnitMatch::ok || u.kind != UnitKind::power)
      fail(Where{file, line, c.power_name}, unit_problem(p.unit, r, UnitKind::power),
           fmt::format("accepted: {}; or give the unit option", accepted_units(UnitKind::power)));
    c.unit = u;
  }
  return c;
}

bool is_header(const std::vector<std::string_view>& fields) {
  return std::any_of(fields.begin(), fields.end(),
                     [](std::string_view f) { return normalize_header(f) == "timestamp"; });
}

std::int64_t parse_index(std::string_view text, const Where& where) {
  text = trim(text);
  std::int64_t v = -1;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || ptr != text.data() + text.size() || v < 0 || v > INT_MAX)
    fail(where, fmt::format("'{}' is not a GPU index", text), "expected 0, 1, 2, ...");
  return v;
}

struct Row {
  std::int64_t gpu = 0;
  Instant t;
  double watts = 0;  // NaN: missing
  std::size_t line = 0;
};

struct Gpu {
  std::vector<std::size_t> rows;  // into the row list, in file order
};

// GPUs known by uuid or bus id (no index column) get negative ids, apart from any index.
std::string gpu_name(std::int64_t id, const std::map<std::int64_t, std::string>& keys) {
  const auto it = keys.find(id);
  return it == keys.end() ? std::to_string(id) : it->second;
}

}  // namespace

Measurement read_nvidia_smi(std::string_view text, const std::string& file,
                            const MeasuredOptions& o) {
  LogClock clock(o.timezone);
  CsvCursor csv(text, o.delimiter, file);
  std::optional<Columns> cols;
  std::vector<Row> rows;
  std::map<std::string, std::int64_t> key_ids;   // uuid or bus id -> id, without an index column
  std::map<std::int64_t, std::string> keys;      // the reverse
  std::map<std::int64_t, std::size_t> previous;  // GPU -> its latest row
  std::size_t repeated_headers = 0, header_line = 0;
  bool suffixes = false;
  std::string power_name;
  while (csv.next()) {
    const auto& f = csv.fields();
    const std::size_t line = csv.line();
    if (!cols || is_header(f)) {
      if (cols)
        ++repeated_headers;
      else
        header_line = line;
      cols = read_header(f, file, line, o);
      if (power_name.empty()) power_name = cols->power_name;
      continue;
    }
    Row r;
    r.line = line;
    const Where wt{file, line, cols->time_name};
    const std::string_view ts = cell(f, cols->time, wt);
    const auto w = parse_wall(ts);
    if (!w)
      fail(wt, fmt::format("timestamp '{}' cannot be read", trim(ts)),
           "expected YYYY/MM/DD HH:MM:SS.fff as nvidia-smi writes it");
    r.t = clock.to_utc(*w, wt, ts);
    if (cols->index >= 0) {
      const Where wi{file, line, cols->key_name};
      r.gpu = parse_index(cell(f, cols->index, wi), wi);
    } else if (cols->key >= 0) {
      const std::string k(trim(cell(f, cols->key, Where{file, line, cols->key_name})));
      auto [it, added] = key_ids.emplace(k, -1 - static_cast<std::int64_t>(key_ids.size()));
      if (added) keys.emplace(it->second, k);
      r.gpu = it->second;
    }
    if (auto p = previous.find(r.gpu); p != previous.end()) {
      const Row& before = rows[p->second];
      const double dt = seconds_between(r.t, before.t);
      if (dt < 0)
        fail(wt,
             fmt::format("timestamps go backwards: '{}' is {:.6g} s before the previous row of "
                         "GPU {} (line {})",
                         trim(ts), -dt, gpu_name(r.gpu, keys), before.line),
             "a log runs forward; check the timezone option, or split logs that were joined");
      if (dt == 0)
        fail(wt,
             fmt::format("timestamp '{}' repeats the previous row of GPU {} (line {})", trim(ts),
                         gpu_name(r.gpu, keys), before.line),
             "delete the duplicate row");
    }
    previous[r.gpu] = rows.size();
    const bool selected =
        o.gpus.empty() || std::find(o.gpus.begin(), o.gpus.end(), r.gpu) != o.gpus.end();
    r.watts = std::numeric_limits<double>::quiet_NaN();
    const Where wp{file, line, cols->power_name};
    const std::string_view pc = selected ? cell(f, cols->power, wp) : std::string_view{};
    if (selected && !is_missing(pc)) {
      std::string_view suffix;
      const double v = parse_number_prefix(pc, wp, suffix);
      if (!suffix.empty()) {
        Unit u;
        if (lookup_unit(suffix, u) != UnitMatch::ok)
          fail(wp, fmt::format("'{}' is not a number", trim(pc)),
               "expected a number, optionally followed by the header's unit");
        if (u.symbol != cols->unit.symbol)
          fail(wp,
               fmt::format("the unit '{}' of '{}' disagrees with the header unit '{}'", suffix,
                           trim(pc), cols->unit.symbol),
               "a log mixes units only if it was edited; fix the header or the values");
        suffixes = true;
      }
      r.watts = v * cols->unit.factor;
      if (r.watts < 0)
        fail(wp, fmt::format("negative power '{}'", trim(pc)), "power draw cannot be negative");
      if (r.watts > kMaxWatts)
        fail(wp, fmt::format("implausible power '{}' ({:.6g} W)", trim(pc), r.watts),
             "check the unit");
    }
    rows.push_back(r);
  }
  if (!cols) throw ParseError(file, 0, "the file is empty", "give an nvidia-smi CSV log");

  Measurement m;
  m.rows = rows.size();
  m.column = power_name;
  m.header_line = header_line;
  std::map<std::int64_t, Gpu> gpus;
  for (std::size_t i = 0; i < rows.size(); ++i) gpus[rows[i].gpu].rows.push_back(i);
  for (int g : o.gpus)
    if (!gpus.count(g)) {
      std::string found;
      for (const auto& [id, gpu] : gpus)
        found += fmt::format("{}{}", found.empty() ? "" : ", ", gpu_name(id, keys));
      throw ConfigError(
          fmt::format("{}: GPU {} is not in the log (it has GPU {}); choose from "
                      "those with gpus",
                      file, g, found.empty() ? "none" : found));
    }

  // Rows of one loop iteration share nearly the same time: half the sampling interval tells
  // jitter within an iteration from the next iteration.
  for (const auto& [id, gpu] : gpus)
    for (std::size_t k = 1; k < gpu.rows.size(); ++k) {
      m.intervals.push_back(seconds_between(rows[gpu.rows[k]].t, rows[gpu.rows[k - 1]].t));
      m.interval_lines.push_back(rows[gpu.rows[k]].line);
    }
  if (cols->key < 0 && m.intervals.size() >= 4) {
    // Without an index (or uuid) column every row counts as one GPU. Several GPUs logged that
    // way come in bursts of nearly equal timestamps; reading them as one GPU would drop most of
    // their energy, so refuse.
    double mean = 0;
    for (double dt : m.intervals) mean += dt;
    mean /= static_cast<double>(m.intervals.size());
    std::size_t bursts = 0;
    for (double dt : m.intervals) bursts += dt < mean / 10 ? 1 : 0;
    if (4 * bursts > m.intervals.size())
      throw ParseError(file, header_line,
                       fmt::format("{} of {} rows follow the previous one within a tenth of the "
                                   "mean interval: the log seems to hold several GPUs but has no "
                                   "index column",
                                   bursts, m.intervals.size()),
                       "log with nvidia-smi --query-gpu=timestamp,index,power.draw --format=csv");
  }
  std::vector<double> scratch = m.intervals;
  const double interval = median(scratch);
  const double tolerance = scratch.empty() ? 0.5 : interval / 2;
  for (std::size_t i = 1, latest = 0; i < rows.size(); ++i) {
    const double dt = seconds_between(rows[i].t, rows[latest].t);
    if (dt < -tolerance)
      fail(Where{file, rows[i].line, cols->time_name},
           fmt::format("timestamps go backwards: {:.6g} s before the row on line {}", -dt,
                       rows[latest].line),
           "a log runs forward; check for logs that were joined");
    if (dt > 0) latest = i;
  }

  auto is_selected = [&](std::int64_t g) {
    return o.gpus.empty() || std::find(o.gpus.begin(), o.gpus.end(), g) != o.gpus.end();
  };
  // Absent rows, counted in sampling intervals: a gap of n intervals in a GPU's rows lacks n - 1
  // of them; before its first and after its last row it lacks as many as fit up to the other
  // selected GPUs' first and last rows.
  auto intervals_in = [&](double dt) -> std::size_t {
    if (!(interval > 0) || !(dt > 0)) return 0;
    return static_cast<std::size_t>(std::llround(std::min(dt / interval, 1e15)));
  };
  std::optional<Instant> earliest_row, latest_row;
  for (const Row& r : rows) {
    if (!is_selected(r.gpu)) continue;
    if (!earliest_row || seconds_between(r.t, *earliest_row) < 0) earliest_row = r.t;
    if (!latest_row || seconds_between(r.t, *latest_row) > 0) latest_row = r.t;
  }

  std::optional<Instant> first, last;
  std::size_t last_line = header_line, not_available = 0, absent = 0, slots = 0;
  std::vector<std::string> selected, left_out, held_notes;
  std::vector<std::pair<std::int64_t, std::vector<std::size_t>>> usable;
  for (const auto& [id, gpu] : gpus) {
    if (!is_selected(id)) {
      left_out.push_back(gpu_name(id, keys));
      continue;
    }
    selected.push_back(gpu_name(id, keys));
    std::vector<std::size_t> ok;
    for (std::size_t i : gpu.rows) {
      if (std::isnan(rows[i].watts)) {
        ++not_available;
        continue;
      }
      ok.push_back(i);
      const Instant t = rows[i].t;
      if (!first || seconds_between(t, *first) < 0) first = t;
      if (!last || seconds_between(t, *last) > 0) {
        last = t;
        last_line = rows[i].line;
      }
    }
    if (ok.empty())
      fail(Where{file, rows[gpu.rows.front()].line, cols->power_name},
           fmt::format("GPU {} has no usable sample ({} row(s), all N/A or empty)",
                       gpu_name(id, keys), gpu.rows.size()),
           "leave it out with the gpus option, or check the log");
    for (std::size_t k = 1; k < gpu.rows.size(); ++k)
      absent +=
          std::max<std::size_t>(
              1, intervals_in(seconds_between(rows[gpu.rows[k]].t, rows[gpu.rows[k - 1]].t))) -
          1;
    const std::size_t before =
        intervals_in(seconds_between(rows[gpu.rows.front()].t, *earliest_row));
    const std::size_t after = intervals_in(seconds_between(*latest_row, rows[gpu.rows.back()].t));
    m.held += before + after;
    slots += gpu.rows.size() + before + after;
    if (before + after > 0)
      held_notes.push_back(fmt::format("GPU {}: absent for {}{}{}; its edge values are held there",
                                       gpu_name(id, keys),
                                       before ? fmt::format("the first {} sample(s)", before) : "",
                                       before && after ? " and " : "",
                                       after ? fmt::format("the last {} sample(s)", after) : ""));
    usable.emplace_back(id, std::move(ok));
  }
  const double span = first && last ? seconds_between(*last, *first) : 0;
  if (!(span > 0))
    fail(Where{file, last_line, power_name}, "fewer than 2 usable samples at distinct times",
         "a profile needs at least two samples; log with -l 1 for one a second");

  m.first = *first;
  m.span = span;
  m.devices = static_cast<int>(usable.size());
  for (const auto& [id, ok] : usable) {
    std::vector<PowerPoint> points;
    points.reserve(ok.size());
    for (std::size_t i : ok) points.push_back({seconds_between(rows[i].t, *first), rows[i].watts});
    m.curves.push_back(trapezoid_curve(points, span));
  }
  m.missing = not_available + absent + m.held;

  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (const auto& s : v) out += fmt::format("{}{}", out.empty() ? "" : ", ", s);
    return out;
  };
  m.notes.push_back(fmt::format("format: nvidia-smi, column '{}' in {}{}", power_name,
                                cols->unit.symbol,
                                suffixes ? ", values with unit suffixes" : ", plain values"));
  m.notes.push_back(fmt::format(
      "rows: {} data rows{}", m.rows,
      repeated_headers ? fmt::format(", {} repeated header(s) skipped", repeated_headers) : ""));
  m.notes.push_back(
      fmt::format("devices: {} GPU(s) summed ({}){}", m.devices, list(selected),
                  left_out.empty() ? "" : fmt::format("; left out: {}", list(left_out))));
  m.notes.push_back(fmt::format(
      "missing: {} of {} GPU x timestamp samples ({} N/A or empty, {} absent between rows, {} "
      "absent at the ends); gaps bridged by linear interpolation",
      m.missing, slots + absent, not_available, absent, m.held));
  for (auto& n : held_notes) m.notes.push_back(std::move(n));
  if (auto note = clock.note()) m.notes.push_back(std::move(*note));
  return m;
}

}  // namespace shiftsim::workloads::measured
