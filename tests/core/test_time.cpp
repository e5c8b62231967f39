#include <catch2/catch.hpp>

#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"

using namespace shiftsim;

TEST_CASE("durations parse in the spellings users type", "[core][time]") {
  CHECK(parse_duration("5min") == Seconds{300});
  CHECK(parse_duration("15m") == Seconds{900});
  CHECK(parse_duration("1h") == Seconds{3600});
  CHECK(parse_duration("1h30min") == Seconds{5400});
  CHECK(parse_duration("2d") == Seconds{172800});
  CHECK(parse_duration("90s") == Seconds{90});
  CHECK_THROWS_AS(parse_duration(""), ConfigError);
  CHECK_THROWS_AS(parse_duration("5 parsecs"), ConfigError);
  CHECK_THROWS_AS(parse_duration("-5min"), ConfigError);
  CHECK_THROWS_AS(parse_duration("0h"), ConfigError);
}

TEST_CASE("durations: a number without a unit is refused, suggesting one", "[core][time]") {
  // "6" was 6 seconds: a 6-hour window silently became 6 s.
  CHECK_THROWS_WITH(parse_duration("6", "window"),
                    Catch::Contains("window '6' has no unit") && Catch::Contains("6h"));
  CHECK_THROWS_AS(parse_duration("1h30"), ConfigError);
  CHECK_THROWS_AS(parse_duration("0"), ConfigError);  // zero refused here anyway
  // A lone 0 is zero in every unit: accepted where zero is meaningful, as are 0s and 0h.
  CHECK(parse_duration("0", "offset", Zero::allowed) == Seconds{0});
  CHECK(parse_duration("0s", "offset", Zero::allowed) == Seconds{0});
  CHECK(parse_duration("0h", "offset", Zero::allowed) == Seconds{0});
  CHECK_THROWS_AS(parse_duration("6", "offset", Zero::allowed), ConfigError);
}

TEST_CASE("durations format to their shortest exact spelling", "[core][time]") {
  CHECK(format_duration(Seconds{300}) == "5min");
  CHECK(format_duration(Seconds{3600}) == "1h");
  CHECK(format_duration(Seconds{5400}) == "90min");
  CHECK(format_duration(Seconds{86400}) == "1d");
  CHECK(format_duration(Seconds{7}) == "7s");
  for (std::int64_t s : {1, 59, 60, 61, 300, 3599, 3600, 5400, 86400, 90000})
    CHECK(parse_duration(format_duration(Seconds{s})) == Seconds{s});
}

TEST_CASE("times parse as ISO 8601 and print as UTC", "[core][time]") {
  const TimePoint t = make_time(2022, 3, 1);
  CHECK(parse_time("2022-03-01") == t);
  CHECK(parse_time("2022-03-01T00:00Z") == t);
  CHECK(parse_time("2022-03-01 00:00:00") == t);
  CHECK(parse_time("2022-03-01T01:00:00+01:00") == t);
  CHECK(format_time(t) == "2022-03-01T00:00:00Z");
  CHECK(year_of(t) == 2022);
  CHECK(month_of(t) == 3);
  CHECK_THROWS_AS(parse_time("March 1st"), ConfigError);
}

TEST_CASE("floor and ceil onto a step grid anchored at the epoch", "[core][time]") {
  const TimePoint t = make_time(2020, 1, 1, 0, 7);
  CHECK(floor_to(t, Seconds{300}) == make_time(2020, 1, 1, 0, 5));
  CHECK(ceil_to(t, Seconds{300}) == make_time(2020, 1, 1, 0, 10));
  CHECK(ceil_to(make_time(2020, 1, 1), Seconds{300}) == make_time(2020, 1, 1));
  const TimePoint before_epoch{Seconds{-7}};
  CHECK(floor_to(before_epoch, Seconds{5}) == TimePoint{Seconds{-10}});
}

TEST_CASE("parse_duration: refuses more than kMaxDuration instead of overflowing", "[core][time]") {
  using namespace shiftsim;
  CHECK(parse_duration("73200d") == kMaxDuration);
  CHECK_THROWS_WITH(parse_duration("73201d"), Catch::Contains("longer than 200 years"));
  CHECK_THROWS_WITH(parse_duration("106751991167300d"), Catch::Contains("longer than 200 years"));
  CHECK_THROWS_WITH(parse_duration("213503982334602d"), Catch::Contains("longer than 200 years"));
  CHECK_THROWS_WITH(parse_duration("9223372036854775807s"),
                    Catch::Contains("longer than 200 years"));
  CHECK_THROWS_WITH(parse_duration("73200d1s"), Catch::Contains("longer than 200 years"));
}
