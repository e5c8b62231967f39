#include "sim/core/wall_time.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <sstream>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {

// Reads exactly `width` digits at s[pos]; -1 on failure.
int digits(std::string_view s, std::size_t pos, std::size_t width) {
  if (pos + width > s.size()) return -1;
  int v = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<std::chrono::seconds> civil(int y, int mo, int d, int h, int mi, int sec) {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0)
    return std::nullopt;
  auto ymd = date::year{y} / date::month{unsigned(mo)} / date::day{unsigned(d)};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch() + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{sec};
}

// Parses "HH:MM[:SS[.fff]]" at pos; returns position after it, or npos.
std::size_t clock_part(std::string_view s, std::size_t pos, int& h, int& mi, int& sec) {
  h = digits(s, pos, 2);
  if (h < 0 || pos + 2 >= s.size() || s[pos + 2] != ':') return std::string_view::npos;
  mi = digits(s, pos + 3, 2);
  if (mi < 0) return std::string_view::npos;
  pos += 5;
  sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    sec = digits(s, pos + 1, 2);
    if (sec < 0) return std::string_view::npos;
    pos += 3;
    if (pos < s.size() && s[pos] == '.') {
      // Fractions of a second: accept only zeros; data steps are whole seconds.
      ++pos;
      if (pos >= s.size() || s[pos] < '0' || s[pos] > '9') return std::string_view::npos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (s[pos] != '0') return std::string_view::npos;
        ++pos;
      }
    }
  }
  return pos;
}

}  // namespace

std::optional<WallTime> parse_iso_wall(std::string_view s) {
  s = trim(s);
  int y = digits(s, 0, 4);
  if (y < 0 || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int mo = digits(s, 5, 2), d = digits(s, 8, 2);
  int h = 0, mi = 0, sec = 0;
  std::size_t pos = 10;
  if (pos < s.size()) {
    if (s[pos] != ' ' && s[pos] != 'T') return std::nullopt;
    pos = clock_part(s, pos + 1, h, mi, sec);
    if (pos == std::string_view::npos) return std::nullopt;
  }
  WallTime w{};
  auto c = civil(y, mo, d, h, mi, sec);
  if (!c) return std::nullopt;
  w.since_epoch = *c;
  if (pos < s.size()) {
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      w.offset_seconds = 0;
    } else if ((s[pos] == '+' || s[pos] == '-') &&
               (s.size() == pos + 6 || s.size() == pos + 5 || s.size() == pos + 3)) {
      int oh = digits(s, pos + 1, 2);
      int om = 0;
      if (s.size() == pos + 6) {
        if (s[pos + 3] != ':') return std::nullopt;
        om = digits(s, pos + 4, 2);
      } else if (s.size() == pos + 5) {
        om = digits(s, pos + 3, 2);
      }
      if (oh < 0 || om < 0) return std::nullopt;
      int off = oh * 3600 + om * 60;
      w.offset_seconds = s[pos] == '-' ? -off : off;
    } else {
      return std::nullopt;
    }
  }
  return w;
}

namespace {
// The part after a date: nothing, or " HH:MM[:SS]" to the end of the text.
std::optional<WallTime> date_then_clock(std::string_view s, std::size_t pos, int y, int mo, int d) {
  int h = 0, mi = 0, sec = 0;
  if (pos < s.size()) {
    if (s[pos] != ' ') return std::nullopt;
    pos = clock_part(s, pos + 1, h, mi, sec);
    if (pos != s.size()) return std::nullopt;
  }
  auto c = civil(y, mo, d, h, mi, sec);
  if (!c) return std::nullopt;
  return WallTime{*c, std::nullopt};
}
}  // namespace

std::optional<WallTime> parse_dmy_wall(std::string_view s) {
  s = trim(s);
  if (s.size() < 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
  return date_then_clock(s, 10, digits(s, 6, 4), digits(s, 3, 2), digits(s, 0, 2));
}

std::optional<WallTime> parse_dmon_wall(std::string_view s) {
  static constexpr std::array<std::string_view, 12> kMonths{
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  s = trim(s);
  if (s.size() < 11 || s[2] != '-' || s[6] != '-') return std::nullopt;
  int mo = 0;
  for (std::size_t i = 0; i < kMonths.size(); ++i) {
    bool eq = true;
    for (std::size_t k = 0; k < 3; ++k)
      eq = eq && std::tolower(static_cast<unsigned char>(s[3 + k])) == kMonths[i][k];
    if (eq) mo = int(i) + 1;
  }
  return date_then_clock(s, 11, digits(s, 7, 4), mo, digits(s, 0, 2));
}

std::optional<WallTime> parse_formatted_wall(std::string_view s, const std::string& format) {
  std::istringstream in{std::string(trim(s))};
  const bool has_offset =
      format.find("%z") != std::string::npos || format.find("%Ez") != std::string::npos;
  if (has_offset) {
    // date's %z reads +hhmm only and %Ez +hh:mm only; exports mix both, and ISO 8601's Z, for
    // the same column. So %z and %Ez each accept +hhmm, +hh:mm and Z.
    std::string text(trim(s));
    if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+00:00");
    std::string colon = format, plain = format;
    for (auto p = colon.find("%z"); p != std::string::npos; p = colon.find("%z", p + 3))
      colon.replace(p, 2, "%Ez");
    for (auto p = plain.find("%Ez"); p != std::string::npos; p = plain.find("%Ez", p))
      plain.replace(p, 3, "%z");
    for (const auto& f : {plain, colon}) {
      std::istringstream attempt{text};
      date::sys_seconds t;
      attempt >> date::parse(f, t);
      if (!attempt.fail() && attempt.peek() == std::char_traits<char>::eof())
        return WallTime{t.time_since_epoch(), 0};
    }
    return std::nullopt;
  }
  date::local_seconds t;
  in >> date::parse(format, t);
  if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
  return WallTime{t.time_since_epoch(), std::nullopt};
}

WallClock::WallClock(const std::string& iana_name) : name_(iana_name) {
  if (iana_name.empty() || iana_name == "UTC" || iana_name == "Etc/UTC" || iana_name == "Z") return;
  try {
    zone_ = date::locate_zone(iana_name);
  } catch (const std::exception&) {
    throw ConfigError(fmt::format(
        "time zone '{}' is not an IANA time zone name; use a name such as Europe/Dublin or "
        "America/Chicago (see /usr/share/zoneinfo)",
        iana_name));
  }
}

WallClock::Result WallClock::to_utc(const WallTime& w) const {
  if (w.offset_seconds) {
    TimePoint t{w.since_epoch - std::chrono::seconds{*w.offset_seconds}};
    return {Resolution::unique, t, t};
  }
  if (!zone_) {
    TimePoint t{w.since_epoch};
    return {Resolution::unique, t, t};
  }
  date::local_seconds local{w.since_epoch};
  auto info = zone_->get_info(local);
  switch (info.result) {
    case date::local_info::unique: {
      TimePoint t{w.since_epoch - info.first.offset};
      return {Resolution::unique, t, t};
    }
    case date::local_info::nonexistent: {
      TimePoint t{w.since_epoch - info.first.offset};
      return {Resolution::nonexistent, t, t};
    }
    default:
      return {Resolution::ambiguous, TimePoint{w.since_epoch - info.first.offset},
              TimePoint{w.since_epoch - info.second.offset}};
  }
}

}  // namespace shiftsim
