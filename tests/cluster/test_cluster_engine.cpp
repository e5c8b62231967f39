// The cluster engine on the golden scenarios of tests/cluster/validation.md (worked by hand), and
// its contracts: scheduler mistakes are logic errors, arrivals before the history are refused.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "sim/cluster/cluster.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/errors.hpp"
#include "tests/cluster/golden.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using namespace shiftsim::sim::cluster;
using namespace shiftsim::sim::cluster::golden;

TEST_CASE("G1: fifo on a full site, with PUE and idle power", "[cluster][golden]") {
  const auto r =
      run({site("test", 2, {100, 200, 300, 400}, 1.5, 100)},
          {job("A", 0, 2, 2, 1000), job("B", 0.5, 1, 1, 500), job("C", 1, 1, 0.5, 2000)}, "fifo");
  REQUIRE(r.jobs.size() == 3);
  CHECK(r.jobs[0].emissions.value == Approx(450));
  CHECK(r.jobs[0].energy.value == Approx(3));
  CHECK(r.jobs[1].first_start == kT0 + 2 * kH);
  CHECK(r.jobs[1].emissions.value == Approx(225));
  CHECK(r.jobs[1].energy.value == Approx(0.75));
  CHECK(r.jobs[1].wait_seconds() == Approx(1.5 * kH));
  CHECK(double(r.jobs[1].finish - r.jobs[1].release) / kH == Approx(2.5));
  CHECK(r.jobs[2].first_start == kT0 + 2 * kH);
  CHECK(r.jobs[2].emissions.value == Approx(450));
  CHECK(r.jobs[2].energy.value == Approx(1.5));
  CHECK(r.jobs[2].wait_seconds() == Approx(kH));
  CHECK(r.begin == kT0);
  CHECK(r.end == kT0 + 3 * kH);
  REQUIRE(r.sites.size() == 1);
  CHECK(r.sites[0].idle_energy.value == Approx(0.075));
  CHECK(r.sites[0].idle_emissions.value == Approx(22.5));
  REQUIRE(r.sites[0].utilisation.size() == 3);
  CHECK(r.sites[0].utilisation[0] == Approx(1));
  CHECK(r.sites[0].utilisation[1] == Approx(1));
  CHECK(r.sites[0].utilisation[2] == Approx(0.75));
  for (const auto& j : r.jobs) CHECK(j.outcome == JobOutcome::finished);
}

TEST_CASE("G2: carbon-delay with too little room serves the least slack first",
          "[cluster][golden]") {
  auto jobs = [] {
    auto j1 = job("J1", 0, 1, 1, 1000), j2 = job("J2", 0, 1, 1, 1000),
         j3 = job("J3", 0, 1, 1, 1000);
    j1.deadline = kT0 + 4 * kH;
    j2.deadline = kT0 + 4 * kH;
    j3.deadline = kT0 + 2 * kH;
    return std::vector<ClusterJob>{j1, j2, j3};
  };
  const std::vector<double> ci{300, 100, 100, 400, 400};
  SECTION("capacity 1") {
    const auto r = run({site("test", 1, ci)}, jobs(), "carbon-delay");
    CHECK(r.jobs[2].first_start == kT0 + 1 * kH);
    CHECK(r.jobs[0].first_start == kT0 + 2 * kH);
    CHECK(r.jobs[1].first_start == kT0 + 3 * kH);
    CHECK(r.jobs[2].emissions.value == Approx(100));
    CHECK(r.jobs[0].emissions.value == Approx(100));
    CHECK(r.jobs[1].emissions.value == Approx(400));
    CHECK_FALSE(r.jobs[1].deadline_missed);
    CHECK(r.jobs[1].wait_seconds() == Approx(3 * kH));
  }
  SECTION("capacity 3") {
    const auto r = run({site("test", 3, ci)}, jobs(), "carbon-delay");
    for (const auto& j : r.jobs) {
      CHECK(j.first_start == kT0 + kH);
      CHECK(j.emissions.value == Approx(100));
    }
  }
}

TEST_CASE("G3: graph releases, rejection, blocking and the end of the history",
          "[cluster][golden]") {
  auto p = job("P", 0, 3, 1, 1000), q = job("Q", 0, 1, 1, 1000), s = job("S", 0, 1, 2, 1000),
       r_ = job("R", 0, 1, 1, 1000), l = job("L", 3, 2, 2, 1000);
  q.parents = {0};
  r_.parents = {2};
  const auto r = run({site("test", 2, {100, 100, 100, 100})}, {p, q, s, r_, l}, "fifo");
  CHECK(r.jobs[0].outcome == JobOutcome::rejected);
  CHECK(r.jobs[1].outcome == JobOutcome::blocked);
  CHECK(r.jobs[2].emissions.value == Approx(200));
  CHECK(r.jobs[3].release == kT0 + 2 * kH);
  CHECK(r.jobs[3].first_start == kT0 + 2 * kH);
  CHECK(r.jobs[3].wait_seconds() == 0);
  CHECK(r.jobs[3].emissions.value == Approx(100));
  CHECK(r.jobs[4].outcome == JobOutcome::beyond_data);
  CHECK(r.jobs[4].emissions.value == Approx(100));
  CHECK(r.jobs[4].energy.value == Approx(1));
  CHECK(r.end == kT0 + 4 * kH);
}

namespace {
// Starts every job at once on site 0, whether it fits or not.
class Reckless final : public Scheduler {
 public:
  void on_release(Cluster& c, JobId j) override { c.start(j, 0); }
  void decide(Cluster& /*c*/) override {}
};
class WakeNow final : public Scheduler {
 public:
  void on_release(Cluster& /*c*/, JobId /*j*/) override {}
  void decide(Cluster& c) override { c.wake_at(c.now()); }
};
}  // namespace

TEST_CASE("cluster engine contracts", "[cluster]") {
  SECTION("a start on a full site is a scheduler error") {
    Cluster c({site("test", 1, {100, 100})}, {job("a", 0, 1, 1, 100), job("b", 0, 1, 1, 100)});
    Reckless s;
    CHECK_THROWS_AS(c.run(s), InternalError);
  }
  SECTION("waking at the current instant would never end, and is refused") {
    Cluster c({site("test", 1, {100, 100})}, {job("a", 0, 1, 1, 100)});
    WakeNow s;
    CHECK_THROWS_AS(c.run(s), InternalError);
  }
  SECTION("suspending a job that is not interruptible is a scheduler error") {
    class SuspendAll final : public Scheduler {
     public:
      void on_release(Cluster& c, JobId j) override { c.start(j, 0); }
      void decide(Cluster& c) override {
        if (c.phase(0) == JobPhase::running) c.suspend(0);
      }
    } s;
    Cluster c({site("test", 1, {100, 100})}, {job("a", 0, 1, 1, 100)});
    CHECK_THROWS_AS(c.run(s), InternalError);
  }
  SECTION("jobs arriving before the history are refused with the site and what to do") {
    CHECK_THROWS_WITH(
        Cluster({site("test", 1, {100, 100})}, {job("early", -1, 1, 1, 100)}),
        Catch::Contains("before the intensity history of site test") && Catch::Contains("early"));
  }
  SECTION("an unknown scheduler lists the known ones") {
    CHECK_THROWS_WITH(make_scheduler("greedy"),
                      Catch::Contains("fifo") && Catch::Contains("carbon-delay"));
  }
}
