// An archive's error by lead (grids/forecast_error.hpp) on a case worked by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "grids/forecast_error.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

TEST_CASE("forecast error by lead: MAE, bias and ranks, by hand", "[grids][forecast-error]") {
  Series s;
  s.key = {"Z", Signal::marginal, Basis::direct};
  s.start = make_time(2020, 1, 1);
  s.step = Seconds{300};
  s.values = {10, 20, 30, 40, 50};
  s.flags.assign(5, 0);
  const double none = std::numeric_limits<double>::quiet_NaN();
  s.forecast.leads = 2;
  s.forecast.step = Seconds{300};
  // Row i: issued at i for i+1 and i+2. Errors lead 1: 0, +5, -10, -10; lead 2: -5, -10, 0.
  s.forecast.values = {20, 25, 35, 30, 30, 50, 40, none, none, none};
  const auto e = forecast_error(s);
  REQUIRE(e);
  CHECK(e->issues == 4);  // the last row forecasts only past the series
  CHECK(e->full_horizons == 3);
  CHECK(e->mean_actual == 35);
  REQUIRE(e->leads.size() == 2);
  CHECK(e->leads[0].count == 4);
  CHECK(e->leads[0].mae == 6.25);
  CHECK(e->leads[0].bias == -3.75);
  CHECK(e->leads[1].count == 3);
  CHECK(e->leads[1].mae == 5);
  CHECK(e->leads[1].bias == -5);
  CHECK(e->leads[1].ahead == Seconds{600});
  // Row 1 forecasts the later step lower, the actual is higher: wrong there, right in rows 0, 2.
  CHECK(e->leads[0].rank_share == Approx(2.0 / 3));
  CHECK(e->leads[1].order_share == Approx(2.0 / 3));
  CHECK_FALSE(forecast_error(s, 2021));
  s.forecast = {};
  CHECK_FALSE(forecast_error(s));
}
