// Power profiles: construction checks, and energy conservation under resampling against a
// brute-force twin that expands the profile to one value per second.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "sim/core/errors.hpp"
#include "sim/core/power_profile.hpp"

using namespace shiftsim;

namespace {

// The brute-force twin: energy per second, then summed per step.
std::vector<double> brute_force_steps(const PowerProfile& p, long step) {
  const long d = p.duration().count();
  std::vector<double> out(static_cast<std::size_t>((d + step - 1) / step), 0.0);
  for (long t = 0; t < d; ++t)
    out[static_cast<std::size_t>(t / step)] +=
        p.watts()[static_cast<std::size_t>(t / p.step().count())] / 3.6e6;
  return out;
}

}  // namespace

TEST_CASE("profile: a uniform job spreads its energy by time, the last step partial",
          "[workloads][profile]") {
  // DenseNet-121: 20 Wh over 0.3 h = 1080 s. At 5-minute steps: 300, 300, 300, 180 s.
  const auto p = PowerProfile::uniform(kwh(0.02), Seconds{1080});
  CHECK(p.mean_power().value == Approx(0.02 * 3.6e6 / 1080));
  const auto s = p.at_step(Seconds{300});
  REQUIRE(s.steps() == 4);
  CHECK(s.duration.count() == 1080);
  for (int k = 0; k < 3; ++k) CHECK(s.kwh[k] == Approx(0.02 * 300 / 1080));
  CHECK(s.kwh[3] == Approx(0.02 * 180 / 1080));
  CHECK(s.total().value == Approx(0.02).epsilon(1e-14));
}

TEST_CASE("profile: a step coarser than the profile averages, a finer one splits",
          "[workloads][profile]") {
  // 100 W for 60 s, 300 W for 60 s, 200 W for the last 30 s.
  const PowerProfile p(Seconds{60}, Seconds{150}, {100, 300, 200});
  CHECK(p.energy().value == Approx((100 * 60 + 300 * 60 + 200 * 30) / 3.6e6));
  CHECK(p.length(2).count() == 30);
  CHECK(p.peak_power().value == 300);
  const auto coarse =
      p.at_step(Seconds{100});  // [0,100): 60 s@100 + 40 s@300; [100,150): 20@300 + 30@200
  REQUIRE(coarse.steps() == 2);
  CHECK(coarse.kwh[0] * 3.6e6 == Approx(100 * 60 + 300 * 40));
  CHECK(coarse.kwh[1] * 3.6e6 == Approx(300 * 20 + 200 * 30));
  const auto fine = p.at_step(Seconds{45});  // 0-45, 45-90, 90-135, 135-150
  REQUIRE(fine.steps() == 4);
  CHECK(fine.kwh[1] * 3.6e6 == Approx(15 * 100 + 30 * 300));
  CHECK(fine.kwh[3] * 3.6e6 == Approx(15 * 200));
}

TEST_CASE("profile: resampling conserves energy and matches the brute-force twin (random)",
          "[workloads][profile][property]") {
  std::mt19937_64 rng(20221);
  for (int trial = 0; trial < 300; ++trial) {
    const long pstep = std::uniform_int_distribution<long>(1, 900)(rng);
    const long duration = std::uniform_int_distribution<long>(1, 20000)(rng);
    const auto n = static_cast<std::size_t>((duration + pstep - 1) / pstep);
    std::vector<double> w(n);
    for (auto& x : w) x = std::uniform_real_distribution<double>(0, 5000)(rng);
    w[0] += 1;  // never all zero
    const PowerProfile p(Seconds{pstep}, Seconds{duration}, w);
    // Half the trials use a multiple of the profile step (the fast path of at_step), half any step.
    const long step = trial % 2 == 0 ? pstep * std::uniform_int_distribution<long>(1, 30)(rng)
                                     : std::uniform_int_distribution<long>(1, 7200)(rng);
    INFO("profile step " << pstep << " duration " << duration << " sim step " << step);
    const auto s = p.at_step(Seconds{step});
    CHECK(s.total().value == Approx(p.energy().value).epsilon(1e-12));
    const auto twin = brute_force_steps(p, step);
    REQUIRE(twin.size() == s.steps());
    for (std::size_t k = 0; k < twin.size(); ++k)
      CHECK(s.kwh[k] == Approx(twin[k]).epsilon(1e-9).margin(1e-15));
  }
}

TEST_CASE("profile: impossible profiles are refused", "[workloads][profile]") {
  CHECK_THROWS_WITH(PowerProfile(Seconds{60}, Seconds{120}, {1}),
                    Catch::Contains("needs 2 values"));
  CHECK_THROWS_WITH(PowerProfile(Seconds{60}, Seconds{60}, {-5}), Catch::Contains("-5 W"));
  CHECK_THROWS_WITH(PowerProfile(Seconds{60}, Seconds{60}, {std::nan("")}), Catch::Contains("nan"));
  CHECK_THROWS_WITH(PowerProfile(Seconds{60}, Seconds{120}, {0, 0}),
                    Catch::Contains("zero energy"));
  CHECK_THROWS_AS(PowerProfile(Seconds{0}, Seconds{60}, {1}), ConfigError);
  CHECK_THROWS_AS(PowerProfile::uniform(kwh(0), Seconds{60}), ConfigError);
  CHECK_THROWS_AS(PowerProfile::uniform(kwh(1), Seconds{0}), ConfigError);
  CHECK_THROWS_AS(PowerProfile(Seconds{60}, Seconds{60}, {1}).at_step(Seconds{0}), ConfigError);
}

TEST_CASE("profile: affine maps every interval", "[workloads][profile]") {
  const PowerProfile p(Seconds{60}, Seconds{90}, {100, 200});
  const auto q = p.affine(1.5, watts(10));
  CHECK(q.watts() == std::vector<double>{160, 310});
  CHECK(q.energy().value == Approx((160 * 60 + 310 * 30) / 3.6e6));
}
