// Reading a series at the simulation step: the fast two-pointer resampler against a brute-force
// twin that integrates second by second, on random series and steps.
#include <catch2/catch.hpp>
#include <random>

#include "grids/resample.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

namespace {
// Brute force: the stored value in force at each second, averaged over each output slot.
std::vector<double> brute_force(const Series& s, Seconds step, TimePoint lo, std::size_t n) {
  std::vector<double> out(n);
  for (std::size_t k = 0; k < n; ++k) {
    double acc = 0;
    const TimePoint a = lo + step * static_cast<std::int64_t>(k);
    for (std::int64_t sec = 0; sec < step.count(); sec += 60) {  // steps are whole minutes
      auto i = static_cast<std::size_t>((a + Seconds{sec} - s.start) / s.step);
      acc += s.values[i] * 60.0;
    }
    out[k] = acc / double(step.count());
  }
  return out;
}

double integral(const std::vector<double>& v, Seconds step, std::size_t from, std::size_t to) {
  double acc = 0;
  for (std::size_t i = from; i < to; ++i) acc += v[i] * double(step.count());
  return acc;
}
}  // namespace

TEST_CASE("resampling holds values when finer and averages when coarser", "[grids][resample]") {
  Series s;
  s.start = make_time(2020, 1, 1);
  s.step = Seconds{3600};
  s.values = {100, 200, 300, 400};
  s.flags.assign(4, 0);
  auto fine = read_at_step(s, Seconds{900});
  REQUIRE(fine.values.size() == 16);
  CHECK(fine.values[0] == 100);
  CHECK(fine.values[5] == 200);
  auto coarse = read_at_step(s, Seconds{7200});
  CHECK(coarse.values == std::vector<double>{150, 350});
  CHECK_THROWS_AS(read_at_step(s, Seconds{7 * 60}), ConfigError);
}

TEST_CASE("resampling equals brute force and preserves the integral (random series)",
          "[grids][resample]") {
  std::mt19937_64 rng(42);
  const std::vector<std::int64_t> steps{300, 600, 900, 1800, 3600, 7200, 10800, 86400};
  for (int trial = 0; trial < 200; ++trial) {
    Series s;
    const auto stored = Seconds{steps[rng() % 5]};  // 5 min .. 1 h stored
    s.step = stored;
    // Start on the stored grid, possibly off the output grid.
    s.start = make_time(2020, 1, 1) + stored * static_cast<std::int64_t>(rng() % 50);
    const std::size_t n = 50 + rng() % 400;
    std::uniform_real_distribution<double> u(0, 900);
    for (std::size_t i = 0; i < n; ++i) s.values.push_back(u(rng));
    s.flags.assign(n, 0);
    const auto step = Seconds{steps[rng() % steps.size()]};
    auto r = read_at_step(s, step);
    if (r.values.empty()) continue;
    CHECK(r.start >= s.start);
    CHECK(r.end() <= s.end());
    CHECK(r.start == ceil_to(r.start, step));
    auto expected = brute_force(s, step, r.start, r.values.size());
    for (std::size_t k = 0; k < r.values.size(); ++k)
      CHECK(r.values[k] == Approx(expected[k]).epsilon(1e-12));
    // The integral over the covered span equals the stored integral over the same span when both
    // grids align at its ends.
    if ((r.start - s.start) % stored == Seconds{0} && (r.end() - s.start) % stored == Seconds{0}) {
      auto from = static_cast<std::size_t>((r.start - s.start) / stored);
      auto to = static_cast<std::size_t>((r.end() - s.start) / stored);
      CHECK(integral(r.values, step, 0, r.values.size()) ==
            Approx(integral(s.values, stored, from, to)).epsilon(1e-12));
    }
  }
}

TEST_CASE("mixed 15- and 30-minute sources read at 5 minutes on one grid", "[grids][resample]") {
  Series q, h;
  q.start = h.start = make_time(2020, 6, 1);
  q.step = Seconds{900};
  h.step = Seconds{1800};
  q.values = {1, 2, 3, 4};
  h.values = {10, 20};
  q.flags.assign(4, 0);
  h.flags.assign(2, 0);
  auto a = read_at_step(q, Seconds{300});
  auto b = read_at_step(h, Seconds{300});
  CHECK(a.start == b.start);
  CHECK(a.values.size() == b.values.size());
  CHECK(a.values[3] == 2);
  CHECK(b.values[6] == 20);
}

TEST_CASE("a window limits what is read", "[grids][resample]") {
  Series s;
  s.start = make_time(2020, 1, 1);
  s.step = Seconds{3600};
  s.values = {1, 2, 3, 4, 5, 6};
  s.flags.assign(6, 0);
  auto r = read_at_step(s, Seconds{3600}, make_time(2020, 1, 1, 2), make_time(2020, 1, 1, 4));
  CHECK(r.start == make_time(2020, 1, 1, 2));
  CHECK(r.values == std::vector<double>{3, 4});
}
