#pragma once
// Simulated and calendar time. All instants are UTC, held as integer seconds since the Unix
// epoch (std::chrono::sys_seconds), so arithmetic is exact and ordering never depends on
// strings or time zones. Time zones appear only at the edges, when local timestamps are read.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shiftsim {

using Seconds = std::chrono::seconds;
using TimePoint = std::chrono::sys_seconds;

constexpr Seconds kDay{86400};

// The longest duration any input may give (a job, a phase, a window, a lifespan): 200 years.
// Far beyond any simulation, and small enough that sums of many durations stay exact in int64.
constexpr Seconds kMaxDuration{200LL * 366 * 86400};

// Whether a duration of zero is meaningful: a job's length is not, an offset ("first = 0s") is.
enum class Zero : std::uint8_t { refused, allowed };

// "5min", "15m", "1h", "30s", "2d", "1h30min"; at most kMaxDuration. Every number needs a unit
// ("6" is refused, suggesting "6h" or "6s"): a bare number once meant seconds and made a 6-hour
// window 6 s. A lone "0" is accepted where zero is, being zero in every unit.
// Throws ConfigError naming `what`.
Seconds parse_duration(std::string_view text, std::string_view what = "duration",
                       Zero zero = Zero::refused);
// The shortest exact spelling: 300 s -> "5min", 3600 s -> "1h", 5400 s -> "90min".
std::string format_duration(Seconds d);
// A simulation step must divide a day, so that steps align with UTC midnight; throws
// ConfigError unless `step` does, naming steps that do.
void check_simulation_step(Seconds step);

// ISO 8601 UTC, "2020-01-01T00:00:00Z".
std::string format_time(TimePoint t);
// Accepts "2020-01-01", "2020-01-01T00:00Z", "2020-01-01 00:00:00", "...+02:00". Throws
// ConfigError.
TimePoint parse_time(std::string_view text, std::string_view what = "time");

// Civil calendar helpers (proleptic Gregorian, UTC).
TimePoint make_time(int year, unsigned month, unsigned day, int hour = 0, int minute = 0,
                    int second = 0);
int year_of(TimePoint t);
unsigned month_of(TimePoint t);  // 1..12

// Floor division of an instant onto a grid of `step` anchored at the epoch (and so at UTC
// midnight for every step that divides a day).
inline TimePoint floor_to(TimePoint t, Seconds step) {
  auto c = t.time_since_epoch().count();
  auto s = step.count();
  auto q = c / s;
  if (c % s != 0 && c < 0) --q;
  return TimePoint{Seconds{q * s}};
}
inline TimePoint ceil_to(TimePoint t, Seconds step) {
  auto f = floor_to(t, step);
  return f == t ? f : f + step;
}

}  // namespace shiftsim
