#pragma once
// Timestamps as files write them: fast fixed-layout parsers (the hot path of an import) that
// return the wall-clock reading plus the UTC offset if the text carried one, and the conversion
// of local wall time to UTC at DST changes. Shared by the grid and workload importers.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/core/time.hpp"

namespace date {
class time_zone;
}

namespace shiftsim {

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
// strftime-style format through Howard Hinnant's date::parse; %z and %Ez each read +hhmm, +hh:mm
// and Z.
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

}  // namespace shiftsim
