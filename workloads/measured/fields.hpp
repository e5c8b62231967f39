#pragma once
// Cells of measured power logs, shared by the importers: numbers, missing-sample markers, units,
// column names and timestamps with fractions of a second. Every failure is a ParseError naming
// the file, the line and the column. Internal to workloads/measured.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/wall_time.hpp"

namespace shiftsim::workloads::measured {

// Above this a power value is a unit slip, not a measurement (a large data centre draws ~1e8 W).
constexpr double kMaxWatts = 1e10;
// Times written as plain numbers: beyond this many seconds (~3000 years) they are not a log.
constexpr double kMaxSeconds = 1e11;

// Where a cell sits, for messages.
struct Where {
  const std::string& file;
  std::size_t line;
  std::string_view column;
};

// ParseError "column 'c': what", at where.line.
[[noreturn]] void fail(const Where& where, const std::string& what, const std::string& hint);

// "'a', 'b', 'c'": the columns of a header, for "missing column" messages.
std::string list_columns(const std::vector<std::string>& raw_header);

// The cell at `column`, or a ParseError for a short row.
std::string_view cell(const std::vector<std::string_view>& fields, int column, const Where& where);

// Empty, N/A or bracketed ("[N/A]", "[Not Supported]", "[GPU is lost]"): a sample the logger
// could not take.
bool is_missing(std::string_view cell);

// A finite number (a leading '+' allowed), the whole cell; ParseError otherwise.
double parse_number(std::string_view cell, const Where& where);
// A finite number at the start of the cell; `rest` receives what follows it, trimmed.
double parse_number_prefix(std::string_view cell, const Where& where, std::string_view& rest);

enum class UnitKind : std::uint8_t { power, energy };
struct Unit {
  std::string_view symbol;  // as accepted: "W", "kWh", ...
  UnitKind kind;
  double factor;  // to W (power) or J (energy)
};
enum class UnitMatch : std::uint8_t { ok, ambiguous, unknown };
// The exact symbol, or a spelling in another case when that leaves one reading: "kwh" is kWh,
// but "mw" could be mW or MW and is ambiguous.
UnitMatch lookup_unit(std::string_view text, Unit& out);
// "W, mW, kW, MW" or "Wh, kWh, MWh, J, kJ, MJ".
std::string accepted_units(UnitKind kind);
std::string_view to_string(UnitKind kind);
// Why `text` is not a unit of `kind`, for messages: "'V' is not a power unit", "'mw' is
// ambiguous: ...".
std::string unit_problem(std::string_view text, UnitMatch match, UnitKind kind);

// A header cell split into a name and a unit: "power.draw [W]" -> ("power.draw", "W", true);
// "Energy (Wh)" -> ("energy", "Wh", true); "power_w" -> ("power_w", "w", false) where the unit
// is the last '_', '-' or ' ' separated word, which may just be a word ("energy_consumed").
struct ColumnName {
  std::string raw;         // trimmed, as written
  std::string base;        // normalized, without a bracketed unit
  std::string unit;        // as written
  bool delimited = false;  // the unit was in [] or (): it must be a unit
};
ColumnName split_column(std::string_view raw);
// Index of the first column whose normalized full name or base equals normalize_header(name).
int find_column(const std::vector<ColumnName>& header, std::string_view name);
// The cursor's current row as column names.
std::vector<ColumnName> split_header(const std::vector<std::string_view>& fields);

// An instant with sub-second precision: UTC seconds since the Unix epoch plus a fraction.
struct Instant {
  std::int64_t seconds = 0;
  double fraction = 0;  // [0, 1)
};
// a - b in seconds.
double seconds_between(const Instant& a, const Instant& b);
// a + s, for |s| <= kMaxSeconds.
Instant shift(const Instant& a, double s);
// An instant from seconds since the epoch, |s| <= kMaxSeconds.
Instant instant_from_seconds(double s);

// "YYYY-MM-DD HH:MM:SS[.f]" or "YYYY/MM/DD ...", "T" instead of the space, an optional "Z" or
// "+HH:MM" after the fraction (the layouts parse_iso_wall reads, plus fractions of a second).
struct SubsecondWall {
  WallTime wall;
  double fraction = 0;
};
std::optional<SubsecondWall> parse_wall(std::string_view text);

// Local wall times of one log to UTC. A reading in the repeated hour of a backward clock change
// is taken as its first occurrence unless that would put it before the log's latest instant so
// far (by more than a minute), then as its second: a log runs forward. A reading in the skipped
// hour is a ParseError.
class LogClock {
 public:
  explicit LogClock(const std::string& zone) : clock_(zone) {}
  Instant to_utc(const SubsecondWall& w, const Where& where, std::string_view text);
  std::size_t ambiguous() const { return ambiguous_; }
  const std::string& zone() const { return clock_.name(); }
  bool is_utc() const { return clock_.is_utc(); }
  // "timestamps: local time in ZONE[, N in a repeated hour put in order]", for UTC "timestamps:
  // N without an offset, read as UTC (...)", nothing when no timestamp came here (all had
  // offsets).
  std::optional<std::string> note() const;

 private:
  WallClock clock_;
  std::optional<double> latest_;
  std::size_t ambiguous_ = 0;
  std::size_t local_ = 0;  // timestamps without an offset, read in clock_'s zone
};

// The median of `v` (reordered); 0 for an empty vector.
double median(std::vector<double>& v);

}  // namespace shiftsim::workloads::measured
