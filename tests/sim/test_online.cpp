// Policies deciding on issued forecasts (sim/online.hpp, sim/issued_forecast.hpp): the view's
// rules by hand, the golden scenarios of validation.md, agreement with the oracle kernels when
// the forecast is the actual series, the deadline on random archives, and that no decision reads
// anything issued or measured after its time.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"
#include "sim/kernels.hpp"
#include "sim/online.hpp"
#include "sim/simulate.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using Catch::Matchers::Contains;

namespace {

using Rng = shiftsim::Xorshift64Star;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool close(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max({std::abs(a), std::abs(b), 1e-6});
}

// The golden scenario of validation_online.md: 10 steps, a "day" of 2 steps, one lead.
const std::vector<double> kActual{100, 200, 300, 400, 150, 250, 50, 350, 120, 220};
IssuedArchive golden_archive() {
  IssuedArchive a;
  a.leads = 1;
  a.rows.assign(kActual.size(), kNaN);
  a.rows[2] = 380;  // issued at step 2 for step 3
  a.rows[3] = 160;  // at 3 for 4
  a.rows[4] = 260;  // at 4 for 5
  a.rows[5] = 270;  // at 5 for 6
  return a;
}

// A forecast that is the actual series over any horizon: row i lead k = actual[i + k].
IssuedArchive perfect_archive(const std::vector<double>& actual, std::size_t leads) {
  IssuedArchive a;
  a.leads = leads;
  a.rows.assign(actual.size() * leads, kNaN);
  for (std::size_t i = 0; i < actual.size(); ++i)
    for (std::size_t k = 1; k <= leads && i + k < actual.size(); ++k)
      a.rows[i * leads + k - 1] = actual[i + k];
  return a;
}

std::vector<double> random_series(Rng& rng, std::size_t n) {
  std::vector<double> v(n);
  const bool ties = rng.in(0, 2) == 0;
  for (auto& x : v) x = ties ? static_cast<double>(100 * rng.in(1, 3)) : 50 + 700 * rng.unit();
  return v;
}

std::vector<double> random_kwh(Rng& rng, std::size_t k) {
  std::vector<double> kwh(k, 1.5);
  if (rng.in(0, 1) == 0)
    for (auto& x : kwh) x = 0.2 + 3 * rng.unit();
  else
    kwh.back() = 0.2 + rng.unit();  // uniform with a partial last step
  return kwh;
}

}  // namespace

TEST_CASE("the view of an issued forecast follows its rules", "[sim][online]") {
  const IssuedArchive a = golden_archive();
  const IssuedView p(a, kActual, Beyond::persistence, 2);
  CHECK(p.at(3, 3) == 380);  // the step starting now: issued one step earlier
  CHECK(p.at(3, 4) == 160);  // within the horizon: issued now
  CHECK(p.at(3, 5) == 200);  // beyond: the latest past day, actual[5 - 2 * 2]
  CHECK(p.at(3, 6) == 300);  // actual[6 - 2 * 2]
  CHECK(p.at(4, 6) == 300);  // 6 - 2 = 4 is not yet past at 4
  CHECK(p.at(5, 6) == 270);
  CHECK(p.at(7, 7) == 250);       // row 6 is NaN: persistence, actual[7 - 2]
  CHECK(std::isnan(p.at(0, 0)));  // nothing was issued or measured before the series
  CHECK(p.at(1, 2) == 100);       // actual[0], a day before step 2, known at 1
  const IssuedView h(a, kActual, Beyond::hold, 2);
  CHECK(h.at(3, 5) == 160);  // the last lead issued at 3, held
  CHECK(h.at(3, 9) == 160);
  CHECK(h.at(7, 9) == 270);  // the latest issue, at 5: its last lead, held
}

TEST_CASE("golden scenarios: online flexible start and pause-resume (validation_online.md)",
          "[sim][online]") {
  const IssuedArchive a = golden_archive();
  const IssuedView view(a, kActual, Beyond::persistence, 2);
  const std::vector<double> one{1.0};
  const auto f = brute_force::online_flexible_start(view, one, 3, 3);
  REQUIRE(f.status == kernels::Status::ok);
  CHECK(f.steps == std::vector<std::int64_t>{4});
  CHECK(f.planned_g == 160);
  CHECK(f.decisions == 2);
  const auto oracle = kernels::brute_force::flexible_start({kActual, kActual}, one, 3, 3, 4);
  CHECK(oracle.front().first == 6);  // the oracle waits for 50, beyond the forecast's sight

  const std::vector<double> two{1.0, 1.0};
  const auto p = brute_force::online_pause_resume(view, two, 4, 3);
  REQUIRE(p.status == kernels::Status::ok);
  CHECK(p.steps == std::vector<std::int64_t>{4, 5});
  CHECK(p.planned_g == 160 + 260);
  CHECK(p.decisions == 3);
  CHECK(kernels::pause_resume_steps({kActual, kActual}, 2, 4, 3) ==
        std::vector<std::int64_t>{4, 6});
}

TEST_CASE("with the actual series as forecast, the online policies are the oracle kernels",
          "[sim][online]") {
  Rng rng(20261207);
  int compared = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const auto t = static_cast<std::size_t>(rng.in(8, 90));
    const auto actual = random_series(rng, t);
    const auto kwh = random_kwh(rng, static_cast<std::size_t>(rng.in(1, static_cast<int>(t) / 3)));
    const auto K = static_cast<std::int64_t>(kwh.size());
    const IssuedArchive arch = perfect_archive(actual, t);
    const IssuedView view(arch, actual, Beyond::persistence, rng.in(1, 30));
    const kernels::Grid grid{actual, actual};
    const std::int64_t n = rng.in(0, static_cast<int>(t) / 2);
    for (std::int64_t s = 1; s < static_cast<std::int64_t>(t); s += 1 + rng.in(0, 2)) {
      INFO("trial " << trial << " start " << s << " K " << K << " n " << n);
      const auto on = brute_force::online_flexible_start(view, kwh, n, s);
      const auto off = kernels::brute_force::flexible_start(grid, kwh, n, s, s + 1).front();
      REQUIRE(on.status == off.status);
      if (on.status == kernels::Status::ok) {
        ++compared;
        CHECK(on.steps.front() == off.first);
        CHECK(close(on.planned_g, off.planned_g));
      }
      const auto onp = brute_force::online_pause_resume(view, kwh, K + n, s);
      const auto offp = kernels::brute_force::pause_resume(grid, kwh, K + n, s, s + 1).front();
      REQUIRE(onp.status == offp.status);
      if (onp.status == kernels::Status::ok) {
        CHECK(onp.steps == kernels::pause_resume_steps(grid, kwh.size(), K + n, s));
        CHECK(close(onp.planned_g, offp.planned_g));
      }
    }
  }
  CHECK(compared > 1000);
}

TEST_CASE("the fast online paths equal the step-by-step replays", "[sim][online]") {
  Rng rng(99);
  int compared = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const auto t = static_cast<std::size_t>(rng.in(10, 140));
    // Integer values and energies of whole and half kWh: both paths' sums are exact, so even
    // ties are decided alike.
    const bool exact = trial % 2 == 0;
    auto actual = random_series(rng, t);
    if (exact)
      for (auto& x : actual) x = std::floor(x / 50);
    auto kwh = random_kwh(rng, static_cast<std::size_t>(rng.in(1, static_cast<int>(t) / 3)));
    if (exact) {
      std::fill(kwh.begin(), kwh.end(), 1.0);
      if (rng.in(0, 1)) kwh.back() = 0.5;
    }
    const auto K = static_cast<std::int64_t>(kwh.size());
    IssuedArchive arch;
    arch.leads = static_cast<std::size_t>(rng.in(1, 12));
    arch.rows.resize(t * arch.leads);
    for (auto& x : arch.rows)
      x = rng.in(0, 9) == 0 ? kNaN : (exact ? std::floor(rng.unit() * 14) : 700 * rng.unit());
    // A third of the archives are issued only every few steps (rows of NaN between).
    if (const auto every = rng.in(1, 3) == 1 ? rng.in(2, 6) : 1; every > 1)
      for (std::size_t r = 0; r < t; ++r)
        if (r % static_cast<std::size_t>(every) != 0)
          std::fill_n(arch.rows.begin() + static_cast<std::ptrdiff_t>(r * arch.leads), arch.leads,
                      kNaN);
    const IssuedView view(arch, actual, rng.in(0, 1) ? Beyond::hold : Beyond::persistence,
                          rng.in(1, 8));
    const std::int64_t n = rng.in(0, static_cast<int>(t) / 2);
    const std::int64_t from = rng.in(0, 3), to = static_cast<std::int64_t>(t) + rng.in(0, 3);
    const auto f = online_flexible_start(view, kwh, n, from, to);
    const auto p = online_pause_resume(view, kwh, K + n, from, to);
    REQUIRE(f.size() == static_cast<std::size_t>(to - from));
    for (std::int64_t s = from; s < to; ++s) {
      INFO("trial " << trial << " start " << s << " K " << K << " n " << n);
      const auto& fast_f = f[static_cast<std::size_t>(s - from)];
      const auto ref_f =
          to_start_result(brute_force::online_flexible_start(view, kwh, n, s), kwh, actual);
      REQUIRE(fast_f.status == ref_f.status);
      if (fast_f.status == kernels::Status::ok) {
        ++compared;
        CHECK(fast_f.first == ref_f.first);
        CHECK(fast_f.last == ref_f.last);
        CHECK(close(fast_f.emissions_g, ref_f.emissions_g));
        CHECK(close(fast_f.planned_g, ref_f.planned_g));
      }
      const auto& fast_p = p[static_cast<std::size_t>(s - from)];
      const auto ref_p =
          to_start_result(brute_force::online_pause_resume(view, kwh, K + n, s), kwh, actual);
      REQUIRE(fast_p.status == ref_p.status);
      if (fast_p.status == kernels::Status::ok) {
        CHECK(fast_p.first == ref_p.first);
        CHECK(fast_p.last == ref_p.last);
        CHECK(fast_p.pauses == ref_p.pauses);
        CHECK(close(fast_p.emissions_g, ref_p.emissions_g));
        CHECK(close(fast_p.planned_g, ref_p.planned_g));
      }
    }
  }
  CHECK(compared > 5000);
}

TEST_CASE("on any archive the online policies finish by the deadline", "[sim][online]") {
  Rng rng(7);
  int finished = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const auto t = static_cast<std::size_t>(rng.in(8, 90));
    const auto actual = random_series(rng, t);
    const auto kwh = random_kwh(rng, static_cast<std::size_t>(rng.in(1, static_cast<int>(t) / 3)));
    const auto K = static_cast<std::int64_t>(kwh.size());
    IssuedArchive arch;
    arch.leads = static_cast<std::size_t>(rng.in(1, 12));
    arch.rows.resize(t * arch.leads);
    for (auto& x : arch.rows) x = rng.in(0, 9) == 0 ? kNaN : 700 * rng.unit();
    const IssuedView view(arch, actual, rng.in(0, 1) ? Beyond::hold : Beyond::persistence,
                          rng.in(1, 6));
    const std::int64_t n = rng.in(0, static_cast<int>(t) / 2);
    for (std::int64_t s = 0; s < static_cast<std::int64_t>(t); ++s) {
      INFO("trial " << trial << " start " << s);
      const auto f = brute_force::online_flexible_start(view, kwh, n, s);
      if (f.status == kernels::Status::ok) {
        REQUIRE(f.steps.size() == kwh.size());
        CHECK(f.steps.front() >= s);
        CHECK(f.steps.front() <= s + n);
        CHECK(f.steps.back() == f.steps.front() + K - 1);
      } else {
        CHECK((f.status == kernels::Status::no_forecast || s + n + K > static_cast<int>(t)));
      }
      const auto p = brute_force::online_pause_resume(view, kwh, K + n, s);
      if (p.status == kernels::Status::ok) {
        ++finished;
        REQUIRE(p.steps.size() == kwh.size());
        CHECK(std::is_sorted(p.steps.begin(), p.steps.end()));
        CHECK(std::adjacent_find(p.steps.begin(), p.steps.end()) == p.steps.end());
        CHECK(p.steps.front() >= s);
        CHECK(p.steps.back() < s + K + n);
      }
    }
  }
  CHECK(finished > 1000);
}

TEST_CASE("no online decision reads a forecast issued or a value measured after it",
          "[sim][online]") {
  Rng rng(11);
  for (int trial = 0; trial < 300; ++trial) {
    const auto t = static_cast<std::size_t>(rng.in(10, 80));
    auto actual = random_series(rng, t);
    const auto kwh = random_kwh(rng, static_cast<std::size_t>(rng.in(1, static_cast<int>(t) / 4)));
    const auto K = static_cast<std::int64_t>(kwh.size());
    IssuedArchive arch;
    arch.leads = static_cast<std::size_t>(rng.in(1, 8));
    arch.rows.resize(t * arch.leads);
    for (auto& x : arch.rows) x = 700 * rng.unit();
    const auto day = rng.in(1, 5);
    const std::int64_t n = rng.in(1, static_cast<int>(t) / 3);
    const std::int64_t s = day + rng.in(0, static_cast<int>(t) / 3);
    const std::int64_t cut = s + rng.in(1, static_cast<int>(n + K));
    const auto before_f =
        brute_force::online_flexible_start(IssuedView(arch, actual, Beyond::hold, day), kwh, n, s);
    const auto before_p = brute_force::online_pause_resume(
        IssuedView(arch, actual, Beyond::persistence, day), kwh, K + n, s);
    // Rewrite everything issued at or after `cut` and every step's value from cut - 1 on
    // (measured only at cut): decisions before `cut` cannot change.
    IssuedArchive later = arch;
    for (std::size_t i = static_cast<std::size_t>(cut) * arch.leads; i < later.rows.size(); ++i)
      later.rows[i] = 700 * rng.unit();
    for (auto i = static_cast<std::size_t>(cut - 1); i < t; ++i) actual[i] = 700 * rng.unit();
    const auto after_f =
        brute_force::online_flexible_start(IssuedView(later, actual, Beyond::hold, day), kwh, n, s);
    const auto after_p = brute_force::online_pause_resume(
        IssuedView(later, actual, Beyond::persistence, day), kwh, K + n, s);
    INFO("trial " << trial << " start " << s << " cut " << cut);
    REQUIRE(before_f.status == after_f.status);
    if (before_f.status == kernels::Status::ok && before_f.steps.front() < cut)
      CHECK(before_f.steps == after_f.steps);
    if (before_f.status == kernels::Status::ok && before_f.steps.front() >= cut)
      CHECK(after_f.steps.front() >= cut);
    REQUIRE(before_p.status == after_p.status);
    if (before_p.status != kernels::Status::ok) continue;
    auto early = [&](const std::vector<std::int64_t>& steps) {
      std::vector<std::int64_t> out;
      for (auto x : steps)
        if (x < cut) out.push_back(x);
      return out;
    };
    CHECK(early(before_p.steps) == early(after_p.steps));
  }
}

TEST_CASE("simulate runs an issued forecast's decisions through the engine", "[sim][online]") {
  // The golden scenario at 12-hour steps, so that a day is two steps as there.
  const Seconds half_day{43200};
  const RegularSeries ci{make_time(2021, 6, 1), half_day, kActual};
  const IssuedArchive a = golden_archive();
  Policy p;
  p.kind = PolicyKind::pause_resume;
  p.window = Window::parse("24h");
  p.forecast = ForecastSpec::parse("issued:Z/marginal/direct");
  const auto two_steps = PowerProfile::uniform(kwh(2.0), half_day * 2);
  RunRequest rq{&ci, {}, "job", two_steps, {}, ci.start + half_day * 3, p, &a};
  const auto r = simulate(rq);
  REQUIRE(r.outcome == Outcome::ok);
  CHECK(r.record.start == ci.start + half_day * 4);
  CHECK(r.record.finish == ci.start + half_day * 6);
  CHECK(close(r.record.operational.value, 1.0 * 150 + 1.0 * 250));
  CHECK(close(r.planned.value, 1.0 * 160 + 1.0 * 260));

  rq.policy.kind = PolicyKind::flexible_start;
  rq.policy.window = Window::parse("36h");
  rq.power = PowerProfile::uniform(kwh(2.0), half_day);
  const auto f = simulate(rq);
  REQUIRE(f.outcome == Outcome::ok);
  CHECK(f.record.start == ci.start + half_day * 4);
  CHECK(close(f.record.operational.value, 2.0 * 150));

  // Starting at step 0 nothing was issued or measured before: no forecast, not a guess.
  rq.requested = ci.start;
  CHECK(simulate(rq).outcome == Outcome::no_forecast);
  // Pause costs are not modelled for online decisions: refused, not ignored.
  rq.policy.kind = PolicyKind::pause_resume;
  rq.policy.costs.checkpoint_time = half_day;
  CHECK_THROWS_WITH(simulate(rq), Contains("pause costs are not modelled"));
  rq.policy.costs = {};
  rq.issued = nullptr;
  CHECK_THROWS_AS(simulate(rq), InternalError);
}

TEST_CASE("issued forecasts are parsed with their rule beyond the horizon", "[sim][online]") {
  const auto s = ForecastSpec::parse("issued:SGIP_CAISO_PGE/Marginal/direct");
  CHECK(s.is_issued());
  CHECK(s.beyond == Beyond::persistence);
  CHECK(s.describe() == "issued:SGIP_CAISO_PGE/marginal/direct");
  const auto h = ForecastSpec::parse("issued:Z/average/direct:hold");
  CHECK(h.beyond == Beyond::hold);
  CHECK(h.describe() == "issued:Z/average/direct:hold");
  CHECK_THROWS_WITH(ForecastSpec::parse("issued:"), Contains("issued needs a key"));
  CHECK_THROWS_WITH(ForecastSpec::parse("issued:Z/average/direct:later"),
                    Contains("not a rule for beyond the horizon"));
  CHECK_THROWS_WITH(ForecastSpec::parse("issued:Z/average"), Contains("ZONE/SIGNAL/BASIS"));
  // A sweep cannot take one yet: it says so rather than planning on something else.
  const RegularSeries ci{make_time(2021, 6, 1), Seconds{3600}, kActual};
  CHECK_THROWS_WITH(make_forecast(s, ci, nullptr), Contains("decided on step by step"));
}
