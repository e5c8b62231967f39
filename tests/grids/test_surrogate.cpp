#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "grids/regions.hpp"
#include "grids/surrogate.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

TEST_CASE("the shape table has a row for each of the 16 regions", "[grids][surrogate]") {
  REQUIRE(surrogate_shapes().size() == 16);
  for (std::size_t i = 0; i < 16; ++i) {
    CHECK(surrogate_shapes()[i].label == paper_regions()[i].label);
    CHECK(surrogate_shapes()[i].phi_hour >= 0);
    CHECK(surrogate_shapes()[i].phi_hour < 1);
  }
}

TEST_CASE("surrogate series: one per region, monthly means exactly Fig. 1", "[grids][surrogate]") {
  SynthOptions o;
  o.years = {2020};
  o.step = Seconds{3600};
  o.seed = 7;
  auto series = synthesize(o);
  REQUIRE(series.size() == 16);
  for (std::size_t r = 0; r < series.size(); ++r) {
    const auto& s = series[r];
    const auto& region = paper_regions()[r];
    CHECK(s.key.zone == region.watttime_ba);
    CHECK(s.key.signal == Signal::surrogate);
    CHECK(s.size() == 366 * 24);
    const auto fig1 = fig1_monthly_intensity(region.label);
    std::array<double, 12> sum{}, n{};
    for (std::size_t i = 0; i < s.size(); ++i) {
      CHECK(s.values[i] >= 0);
      CHECK(s.values[i] <= kMaxIntensity);
      sum[month_of(s.time_at(i)) - 1] += s.values[i];
      n[month_of(s.time_at(i)) - 1] += 1;
    }
    for (std::size_t m = 0; m < 12; ++m) CHECK(sum[m] / n[m] == Approx(fig1[m]).epsilon(1e-9));
  }
  // Fig. 1 itself: BERT LM's 37.3 kWh at West US in May emitted 9.8k g.
  CHECK(fig1_monthly_intensity("West US")[4] * 37.3 == Approx(9800));
}

TEST_CASE("surrogate series are deterministic per seed", "[grids][surrogate]") {
  SynthOptions o;
  o.step = Seconds{900};
  auto a = synthesize(o);
  auto b = synthesize(o);
  o.seed = 2;
  auto c = synthesize(o);
  CHECK(a[3].values == b[3].values);
  CHECK(a[3].values != c[3].values);
}

TEST_CASE("surrogate options are checked", "[grids][surrogate]") {
  SynthOptions o;
  o.step = Seconds{7 * 60};
  CHECK_THROWS_AS(synthesize(o), ConfigError);
  o.step = Seconds{300};
  o.years = {2020, 2022};
  CHECK_THROWS_WITH(synthesize(o), Catch::Contains("consecutive"));
}

TEST_CASE("derive_shape recovers a known daily profile", "[grids][surrogate]") {
  // A noiseless series with a 24 h harmonic of amplitude 0.3 peaking at 14:00 local (UTC+1 in
  // winter in Paris) and a 12 h harmonic of 0.1 peaking at 03:00.
  Series s;
  s.key = {"FR", Signal::average, Basis::direct};
  s.start = make_time(2021, 1, 1);
  s.step = Seconds{3600};
  const double w = 2 * std::numbers::pi / 24;
  for (int i = 0; i < 24 * 60; ++i) {
    double local_hour = std::fmod(i + 1 + 0.5, 24.0);  // Paris is UTC+1 in Jan-Feb
    s.values.push_back(200 * (1 + 0.3 * std::cos(w * (local_hour - 14)) +
                              0.1 * std::cos(2 * w * (local_hour - 3))));
  }
  s.flags.assign(s.values.size(), 0);
  auto shape = derive_shape(s, "Europe/Paris");
  CHECK(shape.a1 == Approx(0.3).margin(0.01));
  CHECK(shape.p1 == Approx(14).margin(0.05));
  CHECK(shape.a2 == Approx(0.1).margin(0.01));
  CHECK(std::fmod(shape.p2, 12.0) == Approx(3).margin(0.05));
  CHECK(shape.sigma_day == Approx(0).margin(1e-9));
  CHECK(shape.sigma_hour < 0.02);
}
