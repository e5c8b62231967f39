// The fast kernels over whole start axes (sim/kernels.hpp): hand-worked cases, statuses, the
// preconditions, properties that tie the three policies together, and the fast paths against
// the brute-force definitions on seeded random series (uniform energy with and without a partial
// last step, non-uniform energy, oracle and noisy plans, heavy ties, NaN gaps, windows of
// thousands of steps).
#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"
#include "sim/kernels.hpp"

namespace kn = shiftsim::sim::kernels;
using kn::Grid;
using kn::StartResult;
using kn::Status;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Rng = shiftsim::Xorshift64Star;

const char* name(Status s) {
  switch (s) {
    case Status::ok:
      return "ok";
    case Status::beyond_data:
      return "beyond_data";
    case Status::no_forecast:
      return "no_forecast";
  }
  return "?";
}

std::string describe(const StartResult& r) {
  std::ostringstream o;
  o.precision(17);
  o << name(r.status) << " emissions " << r.emissions_g << " planned " << r.planned_g << " steps "
    << r.first << ".." << r.last << " pauses " << r.pauses;
  return o.str();
}

// Relative `rel`, or absolute 1e-9 near 0.
bool close(double a, double b, double rel = 1e-9) {
  const double d = std::fabs(a - b);
  return d <= 1e-9 || d <= rel * std::max(std::fabs(a), std::fabs(b));
}

std::string mismatch(std::int64_t s, const StartResult& fast, const StartResult& slow,
                     const char* what) {
  return "start " + std::to_string(s) + ": " + what + "\n  fast:  " + describe(fast) +
         "\n  brute: " + describe(slow);
}

double direct(std::span<const double> v, std::span<const double> kwh, std::int64_t c) {
  double acc = 0;
  for (std::size_t k = 0; k < kwh.size(); ++k) acc += kwh[k] * v[static_cast<std::size_t>(c) + k];
  return acc;
}

// Empty when the fast flexible start matches the brute force for every start of [from, ...).
// Different candidates are accepted only as a rounding tie (planned costs within 1e-12), unless
// `exact_choice`; the fast result must then still be the true cost of its own candidate.
std::string compare_flexible(const std::vector<StartResult>& fast,
                             const std::vector<StartResult>& slow, const Grid& g,
                             std::span<const double> kwh, std::int64_t from, bool exact_choice) {
  if (fast.size() != slow.size()) return "different sizes";
  const auto K = static_cast<std::int64_t>(kwh.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    const auto s = from + static_cast<std::int64_t>(i);
    const auto &f = fast[i], &b = slow[i];
    if (f.status != b.status) return mismatch(s, f, b, "status");
    if (f.status != Status::ok) continue;
    if (f.last != f.first + K - 1 || f.pauses != 0) return mismatch(s, f, b, "shape");
    if (f.first < s || b.first < s) return mismatch(s, f, b, "before the start");
    if (f.first == b.first) {
      if (!close(f.emissions_g, b.emissions_g)) return mismatch(s, f, b, "emissions");
      if (!close(f.planned_g, b.planned_g)) return mismatch(s, f, b, "planned");
      continue;
    }
    if (exact_choice) return mismatch(s, f, b, "choice (exact ties: the earliest wins)");
    if (!close(f.planned_g, b.planned_g, 1e-12)) return mismatch(s, f, b, "choice (not a tie)");
    if (!close(f.emissions_g, direct(g.charge, kwh, f.first)) ||
        !close(f.planned_g, direct(g.plan, kwh, f.first)))
      return mismatch(s, f, b, "sums at the fast choice");
  }
  return {};
}

// Empty when every field matches (sums within 1e-9 relative).
std::string compare_all(const std::vector<StartResult>& fast, const std::vector<StartResult>& slow,
                        std::int64_t from) {
  if (fast.size() != slow.size()) return "different sizes";
  for (std::size_t i = 0; i < fast.size(); ++i) {
    const auto s = from + static_cast<std::int64_t>(i);
    const auto &f = fast[i], &b = slow[i];
    if (f.status != b.status) return mismatch(s, f, b, "status");
    if (f.status != Status::ok) continue;
    if (f.first != b.first || f.last != b.last || f.pauses != b.pauses)
      return mismatch(s, f, b, "chosen steps");
    if (!close(f.emissions_g, b.emissions_g)) return mismatch(s, f, b, "emissions");
    if (!close(f.planned_g, b.planned_g)) return mismatch(s, f, b, "planned");
  }
  return {};
}

// ---- Random cases -----------------------------------------------------------------------------

enum class Values { continuous, ties, integers };
enum class Energy { uniform, partial, unit, non_uniform };

struct Case {
  std::vector<double> plan, charge, kwh;
  Values values = Values::continuous;
  Energy energy = Energy::uniform;
  bool oracle = true;
  bool nan = false;
  std::int64_t n = 0;  // flexible-start window
  std::int64_t W = 1;  // pause-resume window
  std::string label() const {
    std::ostringstream o;
    o << "T=" << plan.size() << " K=" << kwh.size() << " n=" << n << " W=" << W
      << " values=" << static_cast<int>(values) << " energy=" << static_cast<int>(energy)
      << " oracle=" << oracle << " nan=" << nan;
    return o.str();
  }
  Grid grid() const { return {plan, charge}; }
  bool integer_plan() const { return values != Values::continuous; }
};

std::vector<double> series(Rng& rng, Values kind, std::size_t T) {
  std::vector<double> v(T);
  const double phase = 6.283185307179586 * rng.unit();
  const double period = 12.0 + 60.0 * rng.unit();
  for (std::size_t i = 0; i < T; ++i) {
    switch (kind) {
      case Values::continuous:
        v[i] = 450.0 +
               250.0 * std::sin(phase + 6.283185307179586 * static_cast<double>(i) / period) +
               60.0 * (rng.unit() - 0.5);
        break;
      case Values::ties:
        v[i] = static_cast<double>(1 + rng.below(3));
        break;  // {1, 2, 3}
      case Values::integers:
        v[i] = static_cast<double>(rng.below(21));
        break;  // 0..20
    }
  }
  return v;
}

Case random_case(Rng& rng) {
  Case c;
  const auto T = static_cast<std::size_t>(1 + rng.below(400));
  const auto K = static_cast<std::size_t>(1 + rng.below(60));
  c.values = static_cast<Values>(rng.below(3));
  c.charge = series(rng, c.values, T);
  c.oracle = rng.chance(50);
  if (c.oracle) {
    c.plan = c.charge;
  } else if (c.values == Values::continuous) {
    c.plan = c.charge;
    for (double& x : c.plan) x = std::max(0.0, x + 120.0 * (rng.unit() - 0.5));
  } else {
    c.plan = series(rng, c.values, T);
  }
  c.nan = rng.chance(25);
  if (c.nan) {
    const std::int64_t gaps = 1 + rng.below(3);
    for (std::int64_t g = 0; g < gaps; ++g) {
      const auto at = static_cast<std::size_t>(rng.below(static_cast<std::int64_t>(T)));
      const auto len = static_cast<std::size_t>(rng.chance(70) ? 1 : 1 + rng.below(30));
      for (std::size_t i = at; i < std::min(T, at + len); ++i) c.plan[i] = kNaN;
    }
  }
  c.energy = static_cast<Energy>(rng.below(4));
  const double e = 0.1 + 3.0 * rng.unit();
  switch (c.energy) {
    case Energy::uniform:
      c.kwh.assign(K, e);
      break;
    case Energy::partial:
      c.kwh.assign(K, e);
      c.kwh.back() = e * (0.01 + 0.98 * rng.unit());
      break;
    case Energy::unit:
      c.kwh.assign(K, 1.0);
      break;
    case Energy::non_uniform:
      c.kwh.resize(K);
      for (double& x : c.kwh) x = 0.1 + 3.0 * rng.unit();
      break;
  }
  const auto Ti = static_cast<std::int64_t>(T);
  c.n = rng.chance(5) ? Ti + rng.below(5) : rng.below(std::min<std::int64_t>(Ti, 100) + 1);
  c.W = static_cast<std::int64_t>(K) +
        (rng.chance(5) ? Ti + rng.below(5) : rng.below(std::min<std::int64_t>(Ti, 120) + 1));
  return c;
}

}  // namespace

// ---- Hand-worked cases -------------------------------------------------------------------------

TEST_CASE("kernels: flexible start by hand", "[sim][kernels]") {
  // index:                           0  1  2  3  4  5  6  7
  const std::vector<double> series = {5, 1, 1, 5, 1, 1, 1, 9};
  const Grid g{series, series};
  const double e = 2.5;
  const std::vector<double> kwh = {e, e};  // K = 2
  // Candidate costs / e (plan[c] + plan[c+1]): c0 6, c1 2, c2 6, c3 6, c4 2, c5 2, c6 10.

  SECTION("window 5 from 0: candidates 0..5, ties at 1, 4, 5: the earliest, 1") {
    // s + n + K = 0 + 5 + 2 = 7 <= 8: ok; s = 1 needs 8 <= 8: ok; s = 2 needs 9: beyond.
    const auto r = kn::flexible_start(g, kwh, 5, 0, 3);
    REQUIRE(r.size() == 3);
    CHECK(r[0].status == Status::ok);
    CHECK(r[0].first == 1);
    CHECK(r[0].last == 2);
    CHECK(r[0].pauses == 0);
    CHECK(r[0].emissions_g == Approx(2 * e));
    CHECK(r[0].planned_g == Approx(2 * e));
    CHECK(r[1].status == Status::ok);  // candidates 1..6: 1 again
    CHECK(r[1].first == 1);
    CHECK(r[2].status == Status::beyond_data);
  }
  SECTION("window 3: from 0 the candidates 0..3 give 1; from 2 (2..5: 6 6 2 2) they give 4") {
    const auto r = kn::flexible_start(g, kwh, 3, 0, 4);
    CHECK(r[0].first == 1);
    CHECK(r[1].first == 1);  // 1..4: 2 6 6 2, the earliest
    CHECK(r[2].first == 4);
    CHECK(r[2].emissions_g == Approx(2 * e));
    CHECK(r[3].first == 4);  // 3..6: 6 2 2 10
  }
  SECTION("window 0 is the baseline") {
    const auto r = kn::flexible_start(g, kwh, 0, 0, 8);
    CHECK(r[0].first == 0);
    CHECK(r[0].emissions_g == Approx(6 * e));
    CHECK(r[6].first == 6);
    CHECK(r[6].emissions_g == Approx(10 * e));
    CHECK(r[7].status == Status::beyond_data);  // 7 + 0 + 2 > 8
  }
  SECTION("a partial last step, and a plan that is not the charge") {
    // plan as above; charge 10, 20, ..., 80; kwh = {2, 2, 0.5}.
    // costs: c0 5*2+1*2+1*.5 = 12.5, c1 1*2+1*2+5*.5 = 6.5, c2 2+10+.5 = 12.5, c3 10+2+.5 = 12.5,
    // c4 2+2+.5 = 4.5, c5 2+2+4.5 = 8.5. Window 5 from 0 (0..5): c4, charged 2*50+2*60+.5*70 = 255.
    const std::vector<double> charge = {10, 20, 30, 40, 50, 60, 70, 80};
    const std::vector<double> kw = {2, 2, 0.5};
    const auto r = kn::flexible_start(Grid{series, charge}, kw, 5, 0, 1);
    CHECK(r[0].first == 4);
    CHECK(r[0].last == 6);
    CHECK(r[0].planned_g == Approx(4.5));
    CHECK(r[0].emissions_g == Approx(255));
  }
  SECTION("non-uniform energy: kwh = {3, 1}") {
    // cost 3*plan[c] + plan[c+1]: c0 16, c1 4, c2 8, c3 16, c4 4, c5 4 -> c1; charged 3*1 + 1 = 4.
    // From 2 (candidates 2..5): c4 (8 16 4 4).
    const std::vector<double> kw = {3, 1};
    const auto r = kn::flexible_start(g, kw, 3, 0, 3);
    CHECK(r[0].first == 1);
    CHECK(r[0].emissions_g == Approx(4));
    CHECK(r[2].first == 4);
    CHECK(r[2].planned_g == Approx(4));
  }
}

TEST_CASE("kernels: pause and resume by hand", "[sim][kernels]") {
  // index:                           0  1  2  3  4  5  6  7
  const std::vector<double> series = {5, 1, 1, 5, 1, 1, 1, 9};
  const Grid g{series, series};
  const double e = 2.5;

  SECTION("W = 4, K = 2 from 0: window 5 1 1 5, steps {1, 2}, no pause") {
    const std::vector<double> kwh(2, e);
    const auto r = kn::pause_resume(g, kwh, 4, 0, 6);
    CHECK(r[0].status == Status::ok);
    CHECK(r[0].first == 1);
    CHECK(r[0].last == 2);
    CHECK(r[0].pauses == 0);
    CHECK(r[0].emissions_g == Approx(2 * e));
    // From 2: window 1 5 1 1 (steps 2..5): the ones at 2 and 4 (earliest on ties): one pause.
    CHECK(r[2].first == 2);
    CHECK(r[2].last == 4);
    CHECK(r[2].pauses == 1);
    // From 4: window 1 1 1 9: steps {4, 5}; from 5 (5..8) the window passes the data.
    CHECK(r[4].first == 4);
    CHECK(r[4].last == 5);
    CHECK(r[5].status == Status::beyond_data);
    CHECK(kn::pause_resume_steps(g, 2, 4, 2) == std::vector<std::int64_t>{2, 4});
  }
  SECTION("W = 6, K = 3 from 0: window 5 1 1 5 1 1, steps {1, 2, 4}, one pause") {
    const std::vector<double> kwh(3, e);
    const auto r = kn::pause_resume(g, kwh, 6, 0, 1);
    CHECK(r[0].first == 1);
    CHECK(r[0].last == 4);
    CHECK(r[0].pauses == 1);
    CHECK(r[0].emissions_g == Approx(3 * e));
    CHECK(kn::pause_resume_steps(g, 3, 6, 0) == std::vector<std::int64_t>{1, 2, 4});
  }
  SECTION("steps {1, 2, 4} with a partial last step and another charge") {
    // kwh = {2, 2, 0.5}: 2*20 + 2*30 + 0.5*50 = 125 charged, 2*1 + 2*1 + 0.5*1 = 4.5 planned.
    const std::vector<double> charge = {10, 20, 30, 40, 50, 60, 70, 80};
    const std::vector<double> kwh = {2, 2, 0.5};
    const auto r = kn::pause_resume(Grid{series, charge}, kwh, 6, 0, 1);
    CHECK(r[0].first == 1);
    CHECK(r[0].last == 4);
    CHECK(r[0].emissions_g == Approx(125));
    CHECK(r[0].planned_g == Approx(4.5));
  }
  SECTION("non-uniform energy: the k-th work step in the k-th chosen step in time order") {
    // kwh = {1, 3, 2} in steps 1, 2, 4: 1*20 + 3*30 + 2*50 = 210 charged, 1 + 3 + 2 = 6 planned.
    const std::vector<double> charge = {10, 20, 30, 40, 50, 60, 70, 80};
    const std::vector<double> kwh = {1, 3, 2};
    const auto r = kn::pause_resume(Grid{series, charge}, kwh, 6, 0, 1);
    CHECK(r[0].first == 1);
    CHECK(r[0].last == 4);
    CHECK(r[0].pauses == 1);
    CHECK(r[0].emissions_g == Approx(210));
    CHECK(r[0].planned_g == Approx(6));
  }
  SECTION("-0 and +0 tie, and the earlier step wins") {
    const std::vector<double> plan = {3, 0.0, -0.0, 3};
    const std::vector<double> kwh = {1};
    const auto r = kn::pause_resume(Grid{plan, plan}, kwh, 4, 0, 1);
    CHECK(r[0].first == 1);
  }
}

TEST_CASE("kernels: baseline by hand, and is_uniform", "[sim][kernels]") {
  const std::vector<double> plan = {1, 2, 3, 4};
  const std::vector<double> charge = {10, 20, 30, 40};
  const std::vector<double> kwh = {1, 1, 0.5};
  const auto r = kn::baseline(Grid{plan, charge}, kwh, 0, 3);
  CHECK(r[0].status == Status::ok);
  CHECK(r[0].emissions_g == Approx(10 + 20 + 15));  // 0.5 kWh in the last step
  CHECK(r[0].planned_g == Approx(1 + 2 + 1.5));
  CHECK(r[1].emissions_g == Approx(20 + 30 + 20));
  CHECK(r[1].first == 1);
  CHECK(r[1].last == 3);
  CHECK(r[2].status == Status::beyond_data);

  CHECK(kn::is_uniform(std::vector<double>{1}));
  CHECK(kn::is_uniform(std::vector<double>{1, 7}));
  CHECK(kn::is_uniform(std::vector<double>{2, 2, 2, 0.5}));
  CHECK_FALSE(kn::is_uniform(std::vector<double>{2, 2, 1, 2}));
  CHECK_FALSE(kn::is_uniform(std::vector<double>{0.0, -0.0, 1}));  // bitwise
}

// ---- Statuses and preconditions
// ------------------------------------------------------------------

TEST_CASE("kernels: beyond_data exactly when the window passes the data", "[sim][kernels]") {
  const std::vector<double> v = {4, 3, 2, 1, 2, 3, 4, 5, 6, 7};  // T = 10
  const Grid g{v, v};
  const std::vector<double> kwh(3, 1.0);  // K = 3
  const auto base = kn::baseline(g, kwh, 0, 14);
  const auto fs = kn::flexible_start(g, kwh, 4, 0, 14);  // span 7
  const auto pr = kn::pause_resume(g, kwh, 5, 0, 14);    // span 5
  for (std::int64_t s = 0; s < 14; ++s) {
    INFO("start " << s);
    const auto i = static_cast<std::size_t>(s);
    CHECK((base[i].status == Status::ok) == (s + 3 <= 10));
    CHECK((fs[i].status == Status::ok) == (s + 4 + 3 <= 10));
    CHECK((pr[i].status == Status::ok) == (s + 5 <= 10));
    CHECK(base[i].status != Status::no_forecast);
    CHECK(fs[i].status != Status::no_forecast);
    CHECK(pr[i].status != Status::no_forecast);
  }
  // Windows longer than the data, up to the largest, and starts far past it.
  const auto huge = std::numeric_limits<std::int64_t>::max();
  CHECK(kn::flexible_start(g, kwh, huge, 0, 2)[0].status == Status::beyond_data);
  CHECK(kn::pause_resume(g, kwh, huge, 0, 2)[1].status == Status::beyond_data);
  CHECK(kn::brute_force::flexible_start(g, kwh, huge, 0, 1)[0].status == Status::beyond_data);
  CHECK(kn::pause_resume_steps(g, 3, 11, 0).empty());
  CHECK(kn::pause_resume_steps(g, 3, 3, 100).empty());
  CHECK(kn::baseline(g, kwh, 1000, 1002)[1].status == Status::beyond_data);
  // An empty grid, and an empty start range.
  const std::vector<double> none;
  CHECK(kn::pause_resume(Grid{none, none}, kwh, 3, 0, 2)[0].status == Status::beyond_data);
  CHECK(kn::flexible_start(g, kwh, 1, 5, 5).empty());
}

TEST_CASE("kernels: no_forecast when the decision window holds a NaN plan value",
          "[sim][kernels]") {
  std::vector<double> plan = {4, 3, 2, 1, 2, 3, 4, 5, 6, 7, 8, 9};  // T = 12
  const std::vector<double> charge = plan;
  plan[6] = kNaN;
  const Grid g{plan, charge};
  for (const auto& kwh : {std::vector<double>(3, 1.0), std::vector<double>{1, 2, 0.5}}) {
    const auto base = kn::baseline(g, kwh, 0, 12);
    const auto fs = kn::flexible_start(g, kwh, 2, 0, 12);  // span 5
    const auto pr = kn::pause_resume(g, kwh, 4, 0, 12);    // span 4
    const auto expect = [](std::int64_t s, std::int64_t span) {
      if (s + span > 12) return Status::beyond_data;
      return s <= 6 && 6 < s + span ? Status::no_forecast : Status::ok;
    };
    for (std::int64_t s = 0; s < 12; ++s) {
      INFO("start " << s);
      const auto i = static_cast<std::size_t>(s);
      CHECK(base[i].status == expect(s, 3));
      CHECK(fs[i].status == expect(s, 5));
      CHECK(pr[i].status == expect(s, 4));
      CHECK(kn::pause_resume_steps(g, 3, 4, s).empty() == (pr[i].status != Status::ok));
    }
    CHECK(compare_all(pr, kn::brute_force::pause_resume(g, kwh, 4, 0, 12), 0).empty());
    CHECK(compare_all(base, kn::brute_force::baseline(g, kwh, 0, 12), 0).empty());
  }
  // A NaN never enters a result: the structure stays consistent after many NaNs have passed.
  std::vector<double> gappy(300);
  for (std::size_t i = 0; i < gappy.size(); ++i)
    gappy[i] = (i / 20) % 2 == 1 && i % 3 != 0 ? kNaN : static_cast<double>((i * 37) % 11);
  std::vector<double> finite = gappy;  // the charge is always finite
  for (std::size_t i = 0; i < finite.size(); ++i)
    if (std::isnan(finite[i])) finite[i] = static_cast<double>(i % 7);
  const Grid gg{gappy, finite};
  for (const auto& kwh : {std::vector<double>(5, 1.0), std::vector<double>{1, 2, 3, 4, 0.5}}) {
    CHECK(compare_all(kn::pause_resume(gg, kwh, 12, 0, 300),
                      kn::brute_force::pause_resume(gg, kwh, 12, 0, 300), 0) == "");
    CHECK(compare_flexible(kn::flexible_start(gg, kwh, 7, 0, 300),
                           kn::brute_force::flexible_start(gg, kwh, 7, 0, 300), gg, kwh, 0,
                           false) == "");
  }
}

TEST_CASE("kernels: preconditions throw InternalError", "[sim][kernels]") {
  const std::vector<double> v = {1, 2, 3, 4};
  const std::vector<double> shorter = {1, 2, 3};
  const Grid g{v, v};
  const std::vector<double> kwh = {1, 1};
  const std::vector<double> none;
  CHECK_THROWS_AS(kn::baseline(g, none, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::baseline(g, kwh, -1, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::baseline(g, kwh, 2, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::baseline(Grid{v, shorter}, kwh, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::flexible_start(g, kwh, -1, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::flexible_start(g, none, 1, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::flexible_start(Grid{v, shorter}, kwh, 1, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume(g, kwh, 1, 0, 1), shiftsim::InternalError);  // W < K
  CHECK_THROWS_AS(kn::pause_resume(g, kwh, 2, 3, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume(Grid{v, shorter}, kwh, 2, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume_steps(g, 0, 2, 0), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume_steps(g, 3, 2, 0), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume_steps(g, 2, 2, -1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::brute_force::baseline(g, none, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::brute_force::flexible_start(g, kwh, -1, 0, 1), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::brute_force::pause_resume(g, kwh, 1, 0, 1), shiftsim::InternalError);
  CHECK_NOTHROW(kn::pause_resume(g, kwh, 2, 0, 0));
}

// ---- Against the brute force
// ----------------------------------------------------------------------

TEST_CASE("kernels: fast paths equal the brute-force definitions on random series",
          "[sim][kernels][property]") {
  Rng rng(0x5EED0C0FFEEULL);
  for (int i = 0; i < 320; ++i) {
    const Case c = random_case(rng);
    INFO("case " << i << ": " << c.label());
    const Grid g = c.grid();
    const auto T = static_cast<std::int64_t>(c.plan.size());
    const std::int64_t to = T + 2;  // every start, and two past the data

    CHECK(compare_all(kn::baseline(g, c.kwh, 0, to), kn::brute_force::baseline(g, c.kwh, 0, to),
                      0) == "");

    const bool exact = c.integer_plan() && c.energy == Energy::unit;
    const auto fs = kn::flexible_start(g, c.kwh, c.n, 0, to);
    const auto fs_slow = kn::brute_force::flexible_start(g, c.kwh, c.n, 0, to);
    CHECK(compare_flexible(fs, fs_slow, g, c.kwh, 0, exact) == "");

    const auto pr = kn::pause_resume(g, c.kwh, c.W, 0, to);
    CHECK(compare_all(pr, kn::brute_force::pause_resume(g, c.kwh, c.W, 0, to), 0) == "");

    // A sub-range of starts, computed on its own.
    const std::int64_t a = rng.below(T + 1);
    const std::int64_t b = a + rng.below(T + 2 - a);
    CHECK(compare_flexible(kn::flexible_start(g, c.kwh, c.n, a, b),
                           kn::brute_force::flexible_start(g, c.kwh, c.n, a, b), g, c.kwh, a,
                           exact) == "");
    CHECK(compare_all(kn::pause_resume(g, c.kwh, c.W, a, b),
                      kn::brute_force::pause_resume(g, c.kwh, c.W, a, b), a) == "");

    // The plan an event simulation executes agrees with the kernel's summary.
    for (std::int64_t s = 0; s < T; s += 1 + T / 8) {
      const auto steps = kn::pause_resume_steps(g, c.kwh.size(), c.W, s);
      const auto& r = pr[static_cast<std::size_t>(s)];
      INFO("start " << s);
      REQUIRE(steps.empty() == (r.status != Status::ok));
      if (steps.empty()) continue;
      CHECK(steps.size() == c.kwh.size());
      CHECK(steps.front() == r.first);
      CHECK(steps.back() == r.last);
      std::int32_t pauses = 0;
      for (std::size_t k = 1; k < steps.size(); ++k) pauses += steps[k] != steps[k - 1] + 1;
      CHECK(pauses == r.pauses);
    }
  }
}

// Bitwise: the *_at kernels promise the range kernels' bits at each start.
bool same(const StartResult& a, const StartResult& b) {
  return a.status == b.status && a.first == b.first && a.last == b.last && a.pauses == b.pauses &&
         std::bit_cast<std::uint64_t>(a.emissions_g) ==
             std::bit_cast<std::uint64_t>(b.emissions_g) &&
         std::bit_cast<std::uint64_t>(a.planned_g) == std::bit_cast<std::uint64_t>(b.planned_g);
}

// Random non-decreasing starts in [0, T + 3): dense runs, gaps wider than any window, repeats.
std::vector<std::int64_t> random_starts(Rng& rng, std::int64_t T) {
  std::vector<std::int64_t> v;
  std::int64_t s = rng.below(T / 2 + 1);
  const std::int64_t stride = 1 + rng.below(15);
  while (s < T + 3) {
    v.push_back(s);
    if (rng.chance(10)) continue;  // the same start again
    s += rng.chance(10) ? 1 + rng.below(T / 3 + 1) : stride;
  }
  return v;
}

TEST_CASE("kernels: at given starts, the range kernels' bits and the brute force's values",
          "[sim][kernels][property]") {
  Rng rng(0x5EED0A7ULL);
  for (int i = 0; i < 320; ++i) {
    const Case c = random_case(rng);
    const Grid g = c.grid();
    const auto T = static_cast<std::int64_t>(c.plan.size());
    const auto at = random_starts(rng, T);
    INFO("case " << i << ": " << c.label() << ", " << at.size() << " starts from " << at.front());
    const std::int64_t from = at.front(), to = at.back() + 1;
    const auto b = kn::baseline_at(g, c.kwh, at);
    const auto f = kn::flexible_start_at(g, c.kwh, c.n, at);
    const auto p = kn::pause_resume_at(g, c.kwh, c.W, at);
    const auto ranks = kn::rank_plan(c.plan);  // shared across windows and jobs by sweeps
    const auto p_ranked = kn::pause_resume_at(g, c.kwh, c.W, at, &ranks);
    const auto b_range = kn::baseline(g, c.kwh, from, to);
    const auto f_range = kn::flexible_start(g, c.kwh, c.n, from, to);
    const auto p_range = kn::pause_resume(g, c.kwh, c.W, from, to);
    REQUIRE(b.size() == at.size());
    REQUIRE(f.size() == at.size());
    REQUIRE(p.size() == at.size());
    const bool exact = c.integer_plan() && c.energy == Energy::unit;
    for (std::size_t j = 0; j < at.size(); ++j) {
      const std::int64_t s = at[j];
      INFO("start " << s);
      const auto k = static_cast<std::size_t>(s - from);
      CHECK(same(b[j], b_range[k]));
      CHECK(same(f[j], f_range[k]));
      CHECK(same(p[j], p_range[k]));
      CHECK(same(p_ranked[j], p[j]));
      CHECK(compare_all({b[j]}, kn::brute_force::baseline(g, c.kwh, s, s + 1), s) == "");
      CHECK(compare_flexible({f[j]}, kn::brute_force::flexible_start(g, c.kwh, c.n, s, s + 1), g,
                             c.kwh, s, exact) == "");
      CHECK(compare_all({p[j]}, kn::brute_force::pause_resume(g, c.kwh, c.W, s, s + 1), s) == "");
    }
  }
  // No starts; and starts that go back are a caller's bug.
  const std::vector<double> v = {1, 2, 3, 4}, kwh = {1, 1};
  const Grid g{v, v};
  CHECK(kn::flexible_start_at(g, kwh, 1, {}).empty());
  const std::vector<std::int64_t> back = {2, 1}, negative = {-1};
  CHECK_THROWS_AS(kn::baseline_at(g, kwh, back), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::flexible_start_at(g, kwh, 1, negative), shiftsim::InternalError);
  CHECK_THROWS_AS(kn::pause_resume_at(g, kwh, 2, back), shiftsim::InternalError);
  const auto other = kn::rank_plan(std::vector<double>{1, 2, 3});  // ranks of another plan
  const std::vector<std::int64_t> one = {0};
  CHECK_THROWS_AS(kn::pause_resume_at(g, kwh, 2, one, &other), shiftsim::InternalError);
}

TEST_CASE("kernels: windows of thousands of steps against the brute force", "[sim][kernels]") {
  Rng rng(0x5EED0BB);
  const std::size_t T = 12000;
  std::vector<double> charge(T), plan(T);
  for (std::size_t i = 0; i < T; ++i) {
    charge[i] = 450.0 + 300.0 * std::sin(6.283185307179586 * static_cast<double>(i) / 288.0) +
                40.0 * (rng.unit() - 0.5);
    plan[i] = charge[i] + 80.0 * (rng.unit() - 0.5);
  }
  const Grid g{plan, charge};
  const Grid oracle{charge, charge};
  std::vector<double> kwh(1000, 13812.4 / 2304);
  kwh.back() *= 0.3;
  std::vector<double> nonuniform(1000);
  for (double& x : nonuniform) x = 1.0 + rng.unit();

  // Pause-resume, W = 3000: 9000 slides, past the periodic recomputation of the running sums.
  for (const auto* grid : {&g, &oracle}) {
    for (const auto* job : {&kwh, &nonuniform}) {
      const auto fast = kn::pause_resume(*grid, *job, 3000, 0, static_cast<std::int64_t>(T));
      for (std::int64_t s = 0; s < 9001; s += 389) {
        INFO("start " << s);
        const auto slow = kn::brute_force::pause_resume(*grid, *job, 3000, s, s + 1);
        CHECK(compare_all({fast[static_cast<std::size_t>(s)]}, slow, s) == "");
      }
      CHECK(fast[9001].status == Status::beyond_data);
    }
  }
  // Flexible start, n = 1000.
  for (const auto* job : {&kwh, &nonuniform}) {
    const auto fast = kn::flexible_start(g, *job, 1000, 0, static_cast<std::int64_t>(T));
    for (std::int64_t s = 0; s < 10001; s += 1111) {
      INFO("start " << s);
      const auto slow = kn::brute_force::flexible_start(g, *job, 1000, s, s + 1);
      CHECK(compare_flexible({fast[static_cast<std::size_t>(s)]}, slow, g, *job, s, false) == "");
    }
  }
}

// ---- Properties ---------------------------------------------------------------------------------

TEST_CASE("kernels: the policies bound each other (oracle plans)", "[sim][kernels][property]") {
  Rng rng(0x5EED0B0D);
  for (int i = 0; i < 60; ++i) {
    Case c = random_case(rng);
    c.plan = c.charge;  // oracle, no NaN
    if (c.energy == Energy::partial || c.energy == Energy::non_uniform)
      c.kwh.assign(c.kwh.size(), c.kwh[0]);
    INFO("case " << i << ": " << c.label());
    const Grid g = c.grid();
    const auto T = static_cast<std::int64_t>(c.plan.size());
    const auto K = static_cast<std::int64_t>(c.kwh.size());
    const std::int64_t n = std::min<std::int64_t>(c.n, T);
    const auto base = kn::baseline(g, c.kwh, 0, T);
    const auto fs = kn::flexible_start(g, c.kwh, n, 0, T);
    const auto pr = kn::pause_resume(g, c.kwh, K + n, 0, T);
    std::string bad;
    for (std::int64_t s = 0; s < T && bad.empty(); ++s) {
      const auto j = static_cast<std::size_t>(s);
      if (fs[j].status != Status::ok) continue;
      // The requested start is a candidate; P&R may run the job as flexible start would.
      if (!(fs[j].emissions_g <= base[j].emissions_g * (1 + 1e-9) + 1e-9))
        bad = mismatch(s, fs[j], base[j], "flexible start above the baseline");
      if (!(pr[j].emissions_g <= fs[j].emissions_g * (1 + 1e-9) + 1e-9))
        bad = mismatch(s, pr[j], fs[j], "pause-resume above flexible start");
    }
    CHECK(bad == "");
  }
}

TEST_CASE("kernels: no window is the baseline", "[sim][kernels][property]") {
  Rng rng(0x5EED0000);
  for (int i = 0; i < 60; ++i) {
    const Case c = random_case(rng);  // any plan, NaN included: the statuses agree too
    INFO("case " << i << ": " << c.label());
    const Grid g = c.grid();
    const auto T = static_cast<std::int64_t>(c.plan.size());
    const auto K = static_cast<std::int64_t>(c.kwh.size());
    const auto base = kn::baseline(g, c.kwh, 0, T + 1);
    CHECK(compare_all(kn::flexible_start(g, c.kwh, 0, 0, T + 1), base, 0) == "");
    CHECK(compare_all(kn::pause_resume(g, c.kwh, K, 0, T + 1), base, 0) == "");
  }
}
