#include "sim/core/time.hpp"

#include <date/date.h>
#include <fmt/format.h>

#include <array>
#include <cctype>
#include <charconv>
#include <sstream>
#include <utility>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {

struct Unit {
  std::string_view name;
  std::int64_t seconds;
};
// Longest names first so that "min" is not read as "m" followed by "in".
constexpr std::array<Unit, 11> kUnits{{{"days", 86400},
                                       {"day", 86400},
                                       {"min", 60},
                                       {"hours", 3600},
                                       {"hour", 3600},
                                       {"h", 3600},
                                       {"d", 86400},
                                       {"m", 60},
                                       {"s", 1},
                                       {"sec", 1},
                                       {"w", 604800}}};

}  // namespace

Seconds parse_duration(std::string_view text, std::string_view what, Zero zero) {
  auto fail = [&] {
    return ConfigError(fmt::format(
        "{} '{}' is not a duration; write it like 30s, 5min, 1h, 1h30min or 2d", what, text));
  };
  auto too_long = [&] {
    return ConfigError(fmt::format("{} '{}' is longer than {} years, the most shiftsim accepts",
                                   what, text, kMaxDuration.count() / (366 * 86400)));
  };
  if (text.empty()) throw fail();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t number = 0;
    auto [ptr, ec] = std::from_chars(text.data() + i, text.data() + text.size(), number);
    if (ec != std::errc{} || number < 0) throw fail();
    i = static_cast<std::size_t>(ptr - text.data());
    if (number > kMaxDuration.count()) throw too_long();
    if (i == text.size()) {
      // A bare number has no unit: "6" read as seconds turned a 6-hour window into 6 s without
      // a word. Only a lone 0 is the same in every unit, so it stays accepted where zero is.
      if (zero == Zero::allowed && text.find_first_not_of('0') == std::string_view::npos)
        return Seconds{0};
      throw ConfigError(fmt::format(
          "{} '{}' has no unit; write it with one, e.g. {}h for hours or {}s for seconds", what,
          text, number, number));
    }
    bool matched = false;
    for (const auto& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        std::size_t next = i + u.name.size();
        // "m" must not swallow the "m" of "min"; the table order already prefers "min".
        if (next < text.size() && std::isalpha(static_cast<unsigned char>(text[next]))) continue;
        // Both factors are bounded (number by kMaxDuration, u.seconds by a week): no overflow.
        total += number * u.seconds;
        if (total > kMaxDuration.count()) throw too_long();
        i = next;
        matched = true;
        break;
      }
    }
    if (!matched) throw fail();
  }
  if (total < 0 || (total == 0 && zero == Zero::refused)) throw fail();
  return Seconds{total};
}

std::string format_duration(Seconds d) {
  auto s = d.count();
  if (s == 0) return "0s";
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}min", s / 60);
  return fmt::format("{}s", s);
}

std::string format_time(TimePoint t) { return date::format("%Y-%m-%dT%H:%M:%SZ", t); }

TimePoint make_time(int year, unsigned month, unsigned day, int hour, int minute, int second) {
  auto ymd = date::year{year} / date::month{month} / date::day{day};
  return TimePoint{date::sys_days{ymd}} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         Seconds{second};
}

int year_of(TimePoint t) { return int(date::year_month_day{date::floor<date::days>(t)}.year()); }

unsigned month_of(TimePoint t) {
  return unsigned(date::year_month_day{date::floor<date::days>(t)}.month());
}

TimePoint parse_time(std::string_view text, std::string_view what) {
  std::string s(text);
  if (!s.empty() && s.back() == 'Z') s.pop_back();
  for (auto& c : s)
    if (c == ' ') c = 'T';
  static constexpr std::array<const char*, 6> kFormats{"%Y-%m-%dT%H:%M:%S%Ez", "%Y-%m-%dT%H:%M%Ez",
                                                       "%Y-%m-%dT%H:%M:%S",    "%Y-%m-%dT%H:%M",
                                                       "%Y-%m-%dT%H",          "%Y-%m-%d"};
  for (const char* f : kFormats) {
    std::istringstream in(s);
    date::sys_seconds t;
    in >> date::parse(f, t);
    if (!in.fail() && in.peek() == std::char_traits<char>::eof()) return t;
  }
  throw ConfigError(
      fmt::format("{} '{}' is not an ISO 8601 time; write it like 2020-03-01T00:00Z or 2020-03-01",
                  what, text));
}

void check_simulation_step(Seconds step) {
  if (step.count() <= 0 || kDay.count() % step.count() != 0)
    throw ConfigError(fmt::format(
        "step {} does not divide a day; use a step such as 5min, 10min, 15min, 30min or 1h",
        format_duration(step)));
}

}  // namespace shiftsim
