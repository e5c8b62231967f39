#pragma once
// Field parsing shared by the format readers: fast fixed-layout timestamps (the hot path of an
// import), numbers with unit conversion and plausibility checks, and local-time conversion at DST
// changes. Every failure is a ParseError naming file, line and column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace date {
class time_zone;
}

namespace shiftsim::grids {

// A timestamp as written: a wall-clock reading plus the UTC offset if the text carried one.
struct WallTime {
  std::chrono::seconds since_epoch;  // the wall-clock reading counted as if it were UTC
  std::optional<int> offset_seconds;
};

// "YYYY-MM-DD HH:MM[:SS[.fff]]", "T" instead of the space, optional "Z" or "+HH:MM"/"-HH:MM".
std::optional<WallTime> parse_iso_wall(std::string_view s);
// "DD/MM/YYYY HH:MM[:SS]" (day first, as in localised Electricity Maps exports).
std::optional<WallTime> parse_dmy_wall(std::string_view s);
// "DD-Mon-YYYY HH:MM:SS" (EirGrid).
std::optional<WallTime> parse_dmon_wall(std::string_view s);
// strftime-style format through Howard Hinnant's date::parse (%z honoured).
std::optional<WallTime> parse_formatted_wall(std::string_view s, const std::string& format);

// Converts wall times of one IANA zone to UTC. A wall time with its own offset is taken as given.
class WallClock {
 public:
  explicit WallClock(const std::string& iana_name);  // throws ConfigError for an unknown zone
  bool is_utc() const { return zone_ == nullptr; }
  const std::string& name() const { return name_; }

  enum class Resolution : std::uint8_t { unique, nonexistent, ambiguous };
  struct Result {
    Resolution resolution;
    TimePoint earliest;  // for ambiguous: the first of the two instants; else the instant
    TimePoint latest;    // for ambiguous: the second instant
  };
  Result to_utc(const WallTime& w) const;

 private:
  std::string name_;
  const date::time_zone* zone_ = nullptr;
};

// A number cell in the given unit, returned in gCO2eq/kWh; NaN for an empty cell (a gap).
// Throws ParseError for text that is not a number, "nan"/"inf", a negative value or one above
// kMaxIntensity after conversion.
double parse_intensity(std::string_view cell, double to_g_per_kwh, const std::string& file,
                       std::size_t line, std::string_view column);

// "true"/"false"/"1"/"0"/"" (any case); anything else is a ParseError.
bool parse_flag(std::string_view cell, const std::string& file, std::size_t line,
                std::string_view column);

// The index of a column whose normalised header equals one of `names`, or -1.
int find_column(const std::vector<std::string>& header, std::initializer_list<std::string_view> names);

}  // namespace shiftsim::grids
