// The cluster's schedulers on issued forecasts (sim/cluster/site.hpp, Site::belief): golden G8 of
// tests/cluster/validation.md, carbon-delay against a brute-force twin that picks each job's start
// on the view of its release step, no forecast issued after a decision changes it, and a perfect
// archive whose horizon covers every window decides as the oracle does.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <memory>
#include <random>

#include "sim/cluster/cluster.hpp"
#include "sim/cluster/planning.hpp"
#include "sim/cluster/schedulers.hpp"
#include "tests/cluster/golden.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using namespace shiftsim::sim::cluster;
using namespace shiftsim::sim::cluster::golden;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// A perfect archive of `leads` leads: row r, lead k is the actual value of step r + k.
IssuedArchive perfect_archive(const std::vector<double>& actual, std::size_t leads) {
  IssuedArchive a{leads, std::vector<double>(actual.size() * leads, kNaN)};
  for (std::size_t r = 0; r < actual.size(); ++r)
    for (std::size_t k = 1; k <= leads && r + k < actual.size(); ++k)
      a.rows[r * leads + k - 1] = actual[r + k];
  return a;
}

Site issued_site(const std::vector<double>& actual, IssuedArchive archive, int capacity,
                 Beyond beyond = Beyond::persistence) {
  RegularSeries s{TimePoint{Seconds{kT0}}, Seconds{kH}, actual};
  auto f = std::make_shared<const IssuedSiteForecast>(std::move(archive), actual, beyond, 24);
  return Site(SiteSpec{"test", capacity, 1.0, 0, {}}, s, std::move(f));
}

ClusterResult run_one(Site site, std::vector<ClusterJob> jobs, const char* scheduler) {
  std::vector<Site> sites;
  sites.push_back(std::move(site));
  return run(std::move(sites), std::move(jobs), scheduler);
}

}  // namespace

TEST_CASE("G8: carbon-delay on issued forecasts sees only the horizon of the latest issue",
          "[cluster][golden][issued]") {
  // validation.md G8: hourly 300, 300, 200, 300, 50, then 300; a perfect archive of 2 leads.
  std::vector<double> ci(48, 300);
  ci[2] = 200;
  ci[4] = 50;
  const auto j = with_deadline(job("J", 1, 1, 1, 1000), 5);
  SECTION("released at 1h: 4h lies beyond the horizon and before a day of history") {
    const auto r = run_one(issued_site(ci, perfect_archive(ci, 2), 1), {j}, "carbon-delay");
    CHECK(r.jobs[0].first_start == at(2));
    CHECK(r.jobs[0].emissions.value == Approx(200));
    // Holding the last lead believes 300 at 4h: 2h still wins.
    const auto h =
        run_one(issued_site(ci, perfect_archive(ci, 2), 1, Beyond::hold), {j}, "carbon-delay");
    CHECK(h.jobs[0].first_start == at(2));
  }
  SECTION("the oracle starts at 4h") {
    const auto r = run({site("test", 1, ci)}, {j}, "carbon-delay");
    CHECK(r.jobs[0].first_start == at(4));
    CHECK(r.jobs[0].emissions.value == Approx(50));
  }
  SECTION("released at 3h: the issue of 3h covers 4h") {
    const auto late = with_deadline(job("J", 3, 1, 1, 1000), 5);
    const auto r = run_one(issued_site(ci, perfect_archive(ci, 2), 1), {late}, "carbon-delay");
    CHECK(r.jobs[0].first_start == at(4));
    CHECK(r.jobs[0].emissions.value == Approx(50));
  }
  SECTION("a belief is the view of the step holding the decision time") {
    const Site s = issued_site(ci, perfect_archive(ci, 2), 1);
    const Belief b = s.belief(at(1.5), at(5));
    REQUIRE(b.plan().begin() == at(1));
    REQUIRE(b.plan().end() == at(5));
    const auto v = b.plan().values();
    CHECK(v[0] == 300);       // step 1: the issue of step 0, lead 1
    CHECK(v[1] == 200);       // step 2: the issue of step 1, lead 1
    CHECK(v[2] == 300);       // step 3: lead 2
    CHECK(std::isnan(v[3]));  // step 4: a day earlier is before the series
  }
}

TEST_CASE("carbon-delay on issued forecasts agrees with a brute-force twin", "[cluster][issued]") {
  std::mt19937_64 rng(20261207);
  std::uniform_real_distribution<double> ci_dist(50, 500), noise(-80, 80);
  for (int trial = 0; trial < 40; ++trial) {
    const std::size_t n = 96, leads = 1 + rng() % 6;
    std::vector<double> ci(n);
    for (auto& v : ci) v = std::round(ci_dist(rng));
    // A noisy archive, issued at most steps (rows of NaN: no issue), some leads missing.
    IssuedArchive a{leads, std::vector<double>(n * leads, kNaN)};
    for (std::size_t r = 0; r < n; ++r) {
      if (rng() % 5 == 0) continue;
      for (std::size_t k = 1; k <= leads && r + k < n; ++k)
        if (rng() % 8 != 0) a.rows[r * leads + k - 1] = std::round(ci[r + k] + noise(rng));
    }
    const Beyond beyond = trial % 2 == 0 ? Beyond::persistence : Beyond::hold;
    std::vector<ClusterJob> jobs;
    for (int i = 0; i < 12; ++i) {
      const double arrival = 24 + static_cast<double>(rng() % 40);
      const double length = 1 + static_cast<double>(rng() % 4);
      const double slack = static_cast<double>(rng() % 10);
      auto j = with_deadline(job("J" + std::to_string(i), arrival, 1, length, 1000),
                             arrival + length + slack);
      j.deferrable = true;
      jobs.push_back(j);
    }
    std::sort(jobs.begin(), jobs.end(),
              [](const ClusterJob& x, const ClusterJob& y) { return x.arrival < y.arrival; });
    const IssuedView view(a, ci, beyond, 24);
    const auto r = run_one(issued_site(ci, a, 100, beyond), jobs, "carbon-delay");
    for (std::size_t q = 0; q < jobs.size(); ++q) {
      // The twin: every start step of the window, summed on the view of the release step.
      const auto i = (jobs[q].arrival - kT0) / kH;
      const auto k = jobs[q].length().count() / kH;
      const auto last = (*jobs[q].deadline - kT0) / kH - k;
      double lowest = std::numeric_limits<double>::infinity();
      std::vector<double> g(static_cast<std::size_t>(last - i + 1), kNaN);
      for (std::int64_t s = i; s <= last; ++s) {
        double sum = 0;
        for (std::int64_t x = s; x < s + k; ++x) sum += view.at(i, x);
        g[static_cast<std::size_t>(s - i)] = sum;
        if (sum < lowest) lowest = sum;
      }
      std::int64_t expect = i;  // no candidate with a forecast: now
      if (std::isfinite(lowest)) {
        for (std::int64_t s = i; s <= last; ++s)
          if (ties_with_lowest(g[static_cast<std::size_t>(s - i)], lowest)) {
            expect = s;
            break;
          }
      }
      INFO("trial " << trial << " job " << q);
      CHECK(r.jobs[q].first_start == kT0 + expect * kH);
    }
  }
}

TEST_CASE("no forecast issued after a decision changes it", "[cluster][issued]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> ci_dist(50, 500);
  std::vector<double> ci(96);
  for (auto& v : ci) v = std::round(ci_dist(rng));
  auto j = with_deadline(job("J", 30, 1, 3, 1000), 30 + 3 + 9, true);
  j.deferrable = true;
  const IssuedArchive a = perfect_archive(ci, 6);
  IssuedArchive later = a;  // rows issued after the release step (30) replaced by noise
  for (std::size_t r = 31; r < ci.size(); ++r)
    for (std::size_t k = 1; k <= 6; ++k) later.rows[r * 6 + k - 1] = ci_dist(rng);
  for (const char* scheduler : {"carbon-delay", "carbon-suspend", "spatial-delay"}) {
    INFO(scheduler);
    const auto x = run_one(issued_site(ci, a, 1), {j}, scheduler);
    const auto y = run_one(issued_site(ci, later, 1), {j}, scheduler);
    CHECK(x.jobs[0].first_start == y.jobs[0].first_start);
    CHECK(x.jobs[0].finish == y.jobs[0].finish);
    CHECK(x.jobs[0].emissions.value == y.jobs[0].emissions.value);
  }
}

TEST_CASE("a perfect archive covering every window decides as the oracle", "[cluster][issued]") {
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> ci_dist(50, 500);
  std::vector<double> ci(120);
  for (auto& v : ci) v = std::round(ci_dist(rng));
  std::vector<ClusterJob> jobs;
  for (int i = 0; i < 20; ++i) {
    const double arrival = 1 + static_cast<double>(rng() % 80);
    const double length = 1 + static_cast<double>(rng() % 5);
    auto j = with_deadline(job("J" + std::to_string(i), arrival, 1 + i % 2, length, 800),
                           arrival + length + static_cast<double>(rng() % 12), i % 3 != 0);
    j.deferrable = i % 4 != 0;
    jobs.push_back(j);
  }
  std::sort(jobs.begin(), jobs.end(),
            [](const ClusterJob& x, const ClusterJob& y) { return x.arrival < y.arrival; });
  for (const char* scheduler : {"carbon-delay", "carbon-suspend", "spatial-delay"}) {
    for (const PauseCosts costs : {PauseCosts{}, PauseCosts{Seconds{1800}, kwh(0.2), Seconds{0}}}) {
      INFO(scheduler << (costs.is_free() ? "" : ", with pause costs"));
      Cluster oracle({site("test", 3, ci)}, jobs, costs);
      const auto o = oracle.run(*make_scheduler(scheduler));
      Cluster issued({issued_site(ci, perfect_archive(ci, 24), 3)}, jobs, costs);
      const auto r = issued.run(*make_scheduler(scheduler));
      REQUIRE(r.jobs.size() == o.jobs.size());
      for (std::size_t q = 0; q < jobs.size(); ++q) {
        INFO("job " << q);
        CHECK(r.jobs[q].first_start == o.jobs[q].first_start);
        CHECK(r.jobs[q].finish == o.jobs[q].finish);
        CHECK(r.jobs[q].emissions.value == Approx(o.jobs[q].emissions.value));
      }
    }
  }
}
