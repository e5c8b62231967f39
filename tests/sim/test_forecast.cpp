// Forecasts: the --forecast text form, the reproducible noise (a pure function of seed and step
// time), the statistics of the noise, persistence, and forecasts read from a grid store.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/forecast.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using Catch::Matchers::Contains;

namespace {

constexpr Seconds kQuarterHour{900};
constexpr Seconds kHour{3600};
constexpr std::size_t kQuartersPerDay = 96;

// A daily profile repeated for `days` days from `start`, at 15 minutes.
RegularSeries daily_profile(TimePoint start, std::size_t days) {
  RegularSeries s;
  s.start = start;
  s.step = kQuarterHour;
  for (std::size_t i = 0; i < days * kQuartersPerDay; ++i)
    s.values.push_back(300.0 + 100.0 * std::sin(2 * 3.14159265 * double(i % kQuartersPerDay) /
                                                double(kQuartersPerDay)));
  return s;
}

RegularSeries constant(TimePoint start, Seconds step, std::size_t n, double value) {
  return {start, step, std::vector<double>(n, value)};
}

struct Moments {
  double mean = 0, variance = 0;
};
Moments moments(const std::vector<double>& x) {
  Moments m;
  for (double v : x) m.mean += v;
  m.mean /= double(x.size());
  for (double v : x) m.variance += (v - m.mean) * (v - m.mean);
  m.variance /= double(x.size() - 1);
  return m;
}

}  // namespace

TEST_CASE("forecast specs parse every accepted form", "[sim][forecast]") {
  CHECK(ForecastSpec::parse("perfect").kind == ForecastKind::perfect);
  CHECK(ForecastSpec::parse("perfect").is_oracle());
  CHECK(ForecastSpec::parse("PERFECT").kind == ForecastKind::perfect);
  CHECK(ForecastSpec::parse("persistence").kind == ForecastKind::persistence);

  auto g = ForecastSpec::parse("gaussian:0.1", 7);
  CHECK(g.kind == ForecastKind::gaussian);
  CHECK(g.error == 0.1);
  CHECK(g.seed == 7);
  CHECK_FALSE(g.is_oracle());
  CHECK(g.describe() == "gaussian:0.1 (seed 7)");
  CHECK(ForecastSpec::parse("Gaussian:10%", 7).describe() == "gaussian:0.1 (seed 7)");

  auto u = ForecastSpec::parse("uniform:20%", 7);
  CHECK(u.kind == ForecastKind::uniform);
  CHECK(u.error == Approx(0.2));
  CHECK(u.describe() == "uniform:0.2 (seed 7)");
  CHECK(ForecastSpec::parse("uniform:0").error == 0);
  CHECK(ForecastSpec::parse("uniform:10").error == 10);
  CHECK(ForecastSpec::parse("uniform:1000%").error == 10);

  auto s = ForecastSpec::parse("series:DE/average/direct");
  CHECK(s.kind == ForecastKind::series);
  CHECK(s.series == "DE/average/direct");
  CHECK(s.describe() == "series:DE/average/direct");
  // Signal and basis are spelled canonically; the zone is kept as given.
  CHECK(ForecastSpec::parse("Series:US-CAL-CISO/Marginal/lca").describe() ==
        "series:US-CAL-CISO/marginal/lifecycle");

  CHECK(ForecastSpec::parse("perfect").describe() == "perfect");
  CHECK(ForecastSpec::parse("persistence").describe() == "persistence");
}

TEST_CASE("forecast specs refuse bad text, naming it and the accepted forms", "[sim][forecast]") {
  CHECK_THROWS_WITH(ForecastSpec::parse("gausian:0.1"),
                    Contains("\"gausian:0.1\"") && Contains("unknown forecast kind \"gausian\"") &&
                        Contains("series:ZONE/SIGNAL/BASIS"));
  CHECK_THROWS_WITH(ForecastSpec::parse(""), Contains("unknown forecast kind"));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian"),
                    Contains("\"gaussian\"") && Contains("needs an error"));
  CHECK_THROWS_WITH(ForecastSpec::parse("uniform:"),
                    Contains("\"uniform:\"") && Contains("needs an error"));
  CHECK_THROWS_WITH(ForecastSpec::parse("perfect:0.1"),
                    Contains("\"perfect:0.1\"") && Contains("no error"));
  CHECK_THROWS_WITH(ForecastSpec::parse("persistence:1"), Contains("\"persistence:1\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:abc"), Contains("\"abc\"") && Contains("10%"));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:0.1x"), Contains("\"0.1x\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:%"), Contains("\"gaussian:%\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:nan"), Contains("\"nan\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:inf"), Contains("\"inf\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("gaussian:-0.1"), Contains("\"-0.1\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("uniform:11"), Contains("\"11\"") && Contains("[0, 10]"));
  CHECK_THROWS_WITH(ForecastSpec::parse("uniform:1001%"), Contains("\"1001%\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("series"),
                    Contains("\"series\"") && Contains("ZONE/SIGNAL/BASIS"));
  CHECK_THROWS_WITH(ForecastSpec::parse("series:DE/average"),
                    Contains("\"DE/average\"") && Contains("ZONE/SIGNAL/BASIS"));
  CHECK_THROWS_WITH(ForecastSpec::parse("series:DE/average/direct/x"),
                    Contains("\"DE/average/direct/x\""));
  CHECK_THROWS_WITH(ForecastSpec::parse("series:/average/direct"), Contains("\"/average/direct\""));
  CHECK_THROWS_WITH(
      ForecastSpec::parse("series:DE/avg/direct"),
      Contains("\"series:DE/avg/direct\"") && Contains("'avg'") && Contains("marginal"));
  CHECK_THROWS_WITH(ForecastSpec::parse("series:DE/average/indirect"),
                    Contains("\"series:DE/average/indirect\"") && Contains("'indirect'"));
  CHECK_THROWS_AS(ForecastSpec::parse("gausian:0.1"), ConfigError);
  CHECK_THROWS_AS(ForecastSpec::parse("series:DE/avg/direct"), ConfigError);
}

TEST_CASE("the noise generator is a pure function of seed and time", "[sim][forecast]") {
  const std::int64_t t = make_time(2020, 3, 1, 12).time_since_epoch().count();
  CHECK(forecast_normal(7, t) == forecast_normal(7, t));
  CHECK(forecast_uniform01(7, t) == forecast_uniform01(7, t));
  CHECK(forecast_normal(7, t) != forecast_normal(8, t));
  CHECK(forecast_normal(7, t) != forecast_normal(7, t + 900));
  for (std::int64_t k = 0; k < 1000; ++k) {
    const double u = forecast_uniform01(k, t + k * 300);
    CHECK(u >= 0.0);
    CHECK(u < 1.0);
    CHECK(std::isfinite(forecast_normal(k, t + k * 300)));
  }
}

TEST_CASE("noisy forecasts are reproducible and do not depend on where the series starts",
          "[sim][forecast]") {
  const TimePoint day0 = make_time(2020, 1, 1);
  // The same daily profile, one from day 0 and one from day 1: equal values, so equal means.
  const auto early = daily_profile(day0, 5);
  const auto late = daily_profile(day0 + kDay, 5);
  for (const char* text : {"gaussian:0.2", "uniform:0.3"}) {
    INFO(text);
    const auto spec = ForecastSpec::parse(text, 7);
    const auto a = make_forecast(spec, early, nullptr);
    REQUIRE(a.size() == early.values.size());
    CHECK(a == make_forecast(spec, early, nullptr));
    CHECK(a != early.values);
    CHECK(a != make_forecast(ForecastSpec::parse(text, 8), early, nullptr));
    const auto b = make_forecast(spec, late, nullptr);
    // Common times: early[i + one day] is late[i].
    for (std::size_t i = 0; i + kQuartersPerDay < a.size(); ++i)
      CHECK(a[i + kQuartersPerDay] == b[i]);
  }
}

TEST_CASE("gaussian noise is standard normal, scaled by E x the mean", "[sim][forecast]") {
  constexpr std::size_t kSteps = 100'000;
  constexpr double kLevel = 500, kError = 0.1;  // sigma 50: clamping at 0 would need z < -10
  const auto actual = constant(make_time(2020, 1, 1), Seconds{300}, kSteps, kLevel);
  const auto f = make_forecast(ForecastSpec::parse("gaussian:0.1", 3), actual, nullptr);
  REQUIRE(f.size() == kSteps);
  const double sigma = kError * kLevel;
  std::vector<double> z(kSteps);
  for (std::size_t i = 0; i < kSteps; ++i) z[i] = (f[i] - kLevel) / sigma;
  const Moments m = moments(z);
  CHECK(std::abs(m.mean) < 0.02);
  CHECK(std::abs(m.variance - 1) < 0.03);
  // Counters of neighbouring steps differ in a few bits only; their draws must not correlate.
  double lag1 = 0;
  for (std::size_t i = 1; i < kSteps; ++i) lag1 += (z[i] - m.mean) * (z[i - 1] - m.mean);
  CHECK(std::abs(lag1 / double(kSteps - 1) / m.variance) < 0.02);
  // Tails: about 4.55% of a standard normal lies beyond 2 sigma.
  std::size_t beyond2 = 0;
  for (double v : z) beyond2 += std::abs(v) > 2;
  CHECK(double(beyond2) / double(kSteps) == Approx(0.0455).margin(0.004));
}

TEST_CASE("gaussian forecasts are clamped at zero", "[sim][forecast]") {
  const auto actual = constant(make_time(2020, 1, 1), kHour, 1000, 10);
  const auto f = make_forecast(ForecastSpec::parse("gaussian:5", 1), actual, nullptr);
  bool clamped = false;
  for (double v : f) {
    CHECK(v >= 0);
    clamped = clamped || v == 0;
  }
  CHECK(clamped);
}

TEST_CASE("uniform noise stays within 1 +- E/2 of the actual, centred on it", "[sim][forecast]") {
  constexpr std::size_t kSteps = 100'000;
  constexpr double kError = 0.4;
  const auto actual = constant(make_time(2020, 1, 1), Seconds{300}, kSteps, 200);
  const auto f = make_forecast(ForecastSpec::parse("uniform:40%", 5), actual, nullptr);
  REQUIRE(f.size() == kSteps);
  std::vector<double> ratio(kSteps);
  for (std::size_t i = 0; i < kSteps; ++i) {
    ratio[i] = f[i] / 200;
    CHECK(ratio[i] >= 1 - kError / 2);
    CHECK(ratio[i] <= 1 + kError / 2);
  }
  const Moments m = moments(ratio);
  CHECK(m.mean == Approx(1).margin(0.002));
  // Uniform over a width E: variance E^2 / 12.
  CHECK(m.variance == Approx(kError * kError / 12).epsilon(0.02));
}

TEST_CASE("an error of zero gives exactly the actual series", "[sim][forecast]") {
  const auto actual = daily_profile(make_time(2020, 1, 1), 2);
  CHECK(make_forecast(ForecastSpec::parse("gaussian:0", 9), actual, nullptr) == actual.values);
  CHECK(make_forecast(ForecastSpec::parse("uniform:0%", 9), actual, nullptr) == actual.values);
  CHECK(make_forecast(ForecastSpec::parse("perfect"), actual, nullptr) == actual.values);
}

TEST_CASE("empty series give empty forecasts", "[sim][forecast]") {
  const RegularSeries empty{make_time(2020, 1, 1), kHour, {}};
  for (const char* text : {"perfect", "gaussian:0.1", "uniform:0.1", "persistence"})
    CHECK(make_forecast(ForecastSpec::parse(text), empty, nullptr).empty());
}

TEST_CASE("persistence repeats the day before, with no forecast for the first day",
          "[sim][forecast]") {
  RegularSeries actual{make_time(2020, 1, 1), kHour, {}};
  for (int i = 0; i < 72; ++i) actual.values.push_back(100 + i);
  const auto f = make_forecast(ForecastSpec::parse("persistence"), actual, nullptr);
  REQUIRE(f.size() == 72);
  for (std::size_t i = 0; i < 24; ++i) CHECK(std::isnan(f[i]));
  for (std::size_t i = 24; i < 72; ++i) CHECK(f[i] == actual.values[i - 24]);

  // Shorter than a day: no forecast at all.
  const auto short_series = constant(make_time(2020, 1, 1), kQuarterHour, 50, 1);
  for (double v : make_forecast(ForecastSpec::parse("persistence"), short_series, nullptr))
    CHECK(std::isnan(v));

  const auto odd_step = constant(make_time(2020, 1, 1), Seconds{7 * 60}, 500, 1);
  CHECK_THROWS_AS(make_forecast(ForecastSpec::parse("persistence"), odd_step, nullptr),
                  ConfigError);
  CHECK_THROWS_WITH(make_forecast(ForecastSpec::parse("persistence"), odd_step, nullptr),
                    Contains("persistence") && Contains("7min"));
}
