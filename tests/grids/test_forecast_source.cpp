// series:KEY forecasts read from the grid store (grids/forecast_source.hpp).
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "grids/forecast_source.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using Catch::Matchers::Contains;

namespace {
constexpr Seconds kQuarterHour{900};
constexpr Seconds kHour{3600};

RegularSeries constant(TimePoint start, Seconds step, std::size_t n, double value) {
  return {start, step, std::vector<double>(n, value)};
}

grids::Series hourly(const std::string& zone, Signal signal, TimePoint start,
                     std::vector<double> values) {
  grids::Series s;
  s.key = {zone, signal, Basis::direct};
  s.source = "test";
  s.start = start;
  s.step = kHour;
  s.flags.assign(values.size(), 0);
  s.values = std::move(values);
  return s;
}
}  // namespace

TEST_CASE("a series forecast is read from the store at the step, NaN where it does not cover",
          "[grids][forecast]") {
  const TimePoint day0 = make_time(2020, 1, 1);
  grids::GridStore store;
  // Covers hours 2..4 of a 6-hour actual series (at 15 minutes).
  store.put(hourly("DE", Signal::marginal, day0 + 2 * kHour, {10, 20, 30}));
  store.put(hourly("FR", Signal::average, day0, {1, 2}));
  const auto actual = constant(day0, kQuarterHour, 24, 100);
  const auto spec = ForecastSpec::parse("series:DE/marginal/direct");
  const auto f = grids::make_forecast(spec, actual, &store);
  REQUIRE(f.size() == 24);
  for (std::size_t i = 0; i < 24; ++i) {
    INFO("step " << i);
    const std::size_t hour = i / 4;
    if (hour >= 2 && hour <= 4)
      CHECK(f[i] == 10.0 * double(hour - 1));
    else
      CHECK(std::isnan(f[i]));
  }

  // A forecast covering more than the actual series is clipped to it.
  store.put(hourly("DE", Signal::marginal, day0 - kDay, std::vector<double>(72, 5)));
  for (double v : grids::make_forecast(spec, actual, &store)) CHECK(v == 5);
}

TEST_CASE("a series forecast needs a store holding its key", "[grids][forecast]") {
  const TimePoint day0 = make_time(2020, 1, 1);
  grids::GridStore store;
  store.put(hourly("DE", Signal::average, day0, {1, 2}));
  store.put(hourly("FR", Signal::marginal, day0, {1, 2}));
  const auto actual = constant(day0, kHour, 2, 100);
  const auto spec = ForecastSpec::parse("series:GB/average/direct");
  CHECK_THROWS_AS(grids::make_forecast(spec, actual, &store), ConfigError);
  CHECK_THROWS_WITH(grids::make_forecast(spec, actual, &store), Contains("GB/average/direct") &&
                                                                    Contains("DE/average/direct") &&
                                                                    Contains("FR/marginal/direct"));
  CHECK_THROWS_WITH(grids::make_forecast(spec, actual, nullptr),
                    Contains("series:GB/average/direct") && Contains("store"));
  const grids::GridStore empty;
  CHECK_THROWS_WITH(grids::make_forecast(spec, actual, &empty), Contains("holds no series"));
}
