#include "workloads/measured/fields.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::workloads::measured {

void fail(const Where& where, const std::string& what, const std::string& hint) {
  throw ParseError(where.file, where.line,
                   where.column.empty() ? what : fmt::format("column '{}': {}", where.column, what),
                   hint);
}

std::string list_columns(const std::vector<std::string>& raw_header) {
  std::string out;
  for (const auto& h : raw_header) out += fmt::format("{}'{}'", out.empty() ? "" : ", ", h);
  return out.empty() ? "(none)" : out;
}

std::string_view cell(const std::vector<std::string_view>& fields, int column, const Where& where) {
  if (column < 0 || static_cast<std::size_t>(column) >= fields.size())
    throw ParseError(where.file, where.line,
                     fmt::format("row has {} fields, no column '{}'", fields.size(), where.column),
                     "check the delimiter and that the row is complete");
  return fields[static_cast<std::size_t>(column)];
}

bool is_missing(std::string_view c) {
  c = trim(c);
  if (c.empty()) return true;
  if (c.size() >= 2 && c.front() == '[' && c.back() == ']') return true;
  return c.size() == 3 && (c[0] == 'N' || c[0] == 'n') && c[1] == '/' &&
         (c[2] == 'A' || c[2] == 'a');
}

double parse_number_prefix(std::string_view c, const Where& where, std::string_view& rest) {
  const std::string_view text = trim(c);
  std::string_view s = text;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr == s.data())
    fail(where, fmt::format("'{}' is not a number", text), "fix the value, or leave it empty");
  if (!std::isfinite(v))
    fail(where, fmt::format("'{}' is not a finite number", text),
         "leave the cell empty to mark a missing sample");
  rest = trim(s.substr(static_cast<std::size_t>(ptr - s.data())));
  return v;
}

double parse_number(std::string_view c, const Where& where) {
  std::string_view rest;
  const double v = parse_number_prefix(c, where, rest);
  if (!rest.empty())
    fail(where, fmt::format("'{}' is not a number", trim(c)), "fix the value, or leave it empty");
  return v;
}

namespace {

// mWh and mJ go beyond the brief's list because meters write them (NVML counts energy in mJ);
// they also make "mwh" and "mj" ambiguous rather than silently mega.
constexpr std::array<Unit, 12> kUnits{{
    {"W", UnitKind::power, 1.0},
    {"mW", UnitKind::power, 1e-3},
    {"kW", UnitKind::power, 1e3},
    {"MW", UnitKind::power, 1e6},
    {"Wh", UnitKind::energy, 3600.0},
    {"kWh", UnitKind::energy, 3.6e6},
    {"MWh", UnitKind::energy, 3.6e9},
    {"mWh", UnitKind::energy, 3.6},
    {"J", UnitKind::energy, 1.0},
    {"kJ", UnitKind::energy, 1e3},
    {"MJ", UnitKind::energy, 1e6},
    {"mJ", UnitKind::energy, 1e-3},
}};

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

}  // namespace

UnitMatch lookup_unit(std::string_view text, Unit& out) {
  text = trim(text);
  for (const auto& u : kUnits)
    if (u.symbol == text) {
      out = u;
      return UnitMatch::ok;
    }
  int matches = 0;
  for (const auto& u : kUnits)
    if (equal_ignoring_case(u.symbol, text)) {
      ++matches;
      out = u;
    }
  if (matches == 1) return UnitMatch::ok;
  return matches > 1 ? UnitMatch::ambiguous : UnitMatch::unknown;
}

std::string accepted_units(UnitKind kind) {
  std::string out;
  for (const auto& u : kUnits)
    if (u.kind == kind) out += fmt::format("{}{}", out.empty() ? "" : ", ", u.symbol);
  return out;
}

std::string_view to_string(UnitKind kind) { return kind == UnitKind::power ? "power" : "energy"; }

std::string unit_problem(std::string_view text, UnitMatch match, UnitKind kind) {
  if (match == UnitMatch::ambiguous)
    return fmt::format("unit '{}' is ambiguous: its case tells milli (m) from mega (M)",
                       trim(text));
  return fmt::format("'{}' is not a{} {} unit", trim(text), kind == UnitKind::energy ? "n" : "",
                     to_string(kind));
}

ColumnName split_column(std::string_view raw) {
  ColumnName c;
  raw = trim(raw);
  c.raw = std::string(raw);
  for (auto [open, close] : {std::pair{'[', ']'}, std::pair{'(', ')'}}) {
    const auto o = raw.rfind(open);
    const auto e = raw.rfind(close);
    if (o != std::string_view::npos && e != std::string_view::npos && e > o) {
      c.unit = std::string(trim(raw.substr(o + 1, e - o - 1)));
      c.delimited = true;
      c.base = normalize_header(std::string(raw.substr(0, o)) + std::string(raw.substr(e + 1)));
      return c;
    }
  }
  c.base = normalize_header(raw);
  const auto sep = raw.find_last_of("_- ");
  if (sep != std::string_view::npos) c.unit = std::string(raw.substr(sep + 1));
  return c;
}

int find_column(const std::vector<ColumnName>& header, std::string_view name) {
  const std::string n = normalize_header(name);
  if (n.empty()) return -1;
  for (std::size_t i = 0; i < header.size(); ++i)
    if (normalize_header(header[i].raw) == n) return static_cast<int>(i);
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i].base == n) return static_cast<int>(i);
  return -1;
}

double seconds_between(const Instant& a, const Instant& b) {
  return static_cast<double>(a.seconds - b.seconds) + (a.fraction - b.fraction);
}

Instant shift(const Instant& a, double s) {
  const double x = a.fraction + s;
  const double whole = std::floor(x);
  Instant out{a.seconds + static_cast<std::int64_t>(whole), x - whole};
  if (out.fraction >= 1.0) {  // x just below an integer rounds up
    out.fraction = 0;
    ++out.seconds;
  }
  return out;
}

Instant instant_from_seconds(double s) { return shift(Instant{}, s); }

std::optional<SubsecondWall> parse_wall(std::string_view text) {
  const std::string_view s = trim(text);
  if (s.size() < 10 || s.size() > 64) return std::nullopt;
  std::string buf(s);
  if (buf[4] == '/' && buf[7] == '/') buf[4] = buf[7] = '-';
  double fraction = 0;
  // "YYYY-MM-DD HH:MM:SS" is 19 characters; a fraction can only follow the seconds.
  if (buf.size() > 20 && buf[19] == '.' && buf[16] == ':') {
    std::size_t end = 20;
    std::int64_t digits = 0, scale = 1;
    while (end < buf.size() && buf[end] >= '0' && buf[end] <= '9') {
      if (scale < 1'000'000'000) {  // nanoseconds are plenty; later digits are noise
        digits = digits * 10 + (buf[end] - '0');
        scale *= 10;
      }
      ++end;
    }
    if (end == 20) return std::nullopt;
    fraction = static_cast<double>(digits) / static_cast<double>(scale);
    buf.erase(19, end - 19);
  }
  auto w = parse_iso_wall(buf);
  if (!w) return std::nullopt;
  return SubsecondWall{*w, fraction};
}

Instant LogClock::to_utc(const SubsecondWall& w, const Where& where, std::string_view text) {
  // Backward clock changes are 30 min or more; a minute leaves room for rows of one iteration
  // that are a little out of order.
  constexpr double kTolerance = 60;
  const auto r = clock_.to_utc(w.wall);
  ++local_;
  if (r.resolution == WallClock::Resolution::nonexistent)
    fail(where,
         fmt::format("local time '{}' does not exist in {} (clocks jump forward)", trim(text),
                     clock_.name()),
         "check the timezone option; the logger's clock was in another zone");
  TimePoint t = r.earliest;
  if (r.resolution == WallClock::Resolution::ambiguous) {
    ++ambiguous_;
    const double first = static_cast<double>(r.earliest.time_since_epoch().count()) + w.fraction;
    if (latest_ && first < *latest_ - kTolerance) t = r.latest;
  }
  const Instant out{t.time_since_epoch().count(), w.fraction};
  const double x = static_cast<double>(out.seconds) + out.fraction;
  if (!latest_ || x > *latest_) latest_ = x;
  return out;
}

double median(std::vector<double>& v) {
  if (v.empty()) return 0;
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid));
  return lower + (upper - lower) / 2;
}

std::optional<std::string> LogClock::note() const {
  if (local_ == 0) return std::nullopt;
  // Said even for UTC: a log without offsets (CodeCarbon's, nvidia-smi's) does not say its zone,
  // and a wrong guess shifts the job against the grid's hours.
  if (is_utc())
    return fmt::format(
        "timestamps: {} without an offset, read as UTC (give the timezone if the logger's clock "
        "was local)",
        local_);
  return fmt::format(
      "timestamps: local time in {}{}", zone(),
      ambiguous_ ? fmt::format(", {} in a repeated hour put in order", ambiguous_) : "");
}

std::vector<ColumnName> split_header(const std::vector<std::string_view>& fields) {
  std::vector<ColumnName> header;
  for (auto f : fields) header.push_back(split_column(f));
  return header;
}

}  // namespace shiftsim::workloads::measured
