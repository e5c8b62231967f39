// The schedulers on the golden scenarios G4-G7 of tests/cluster/validation.md, worked by hand from
// the rules in each scheduler's header comment: every CHECK is a bold number of that file.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "sim/cluster/cluster.hpp"
#include "tests/cluster/golden.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;
using namespace shiftsim::sim::cluster;
using namespace shiftsim::sim::cluster::golden;

TEST_CASE("G4: backfill jumps what cannot delay the head's reservation",
          "[cluster][golden][backfill]") {
  const auto r = run({site("s", 4, {100, 200, 300, 400, 200, 100})},
                     {job("A", 0, 2, 2, 2000), job("B", 0, 3, 1, 3000), job("C", 0, 1, 3, 1000),
                      job("D", 0, 1, 3, 1000), job("E", 0, 1, 2, 1000)},
                     "backfill");
  REQUIRE(r.jobs.size() == 5);
  for (const auto& j : r.jobs) CHECK(j.outcome == JobOutcome::finished);
  // C uses the accelerator the reservation leaves spare; E ends by the reserved time.
  CHECK(r.jobs[2].first_start == at(0));
  CHECK(r.jobs[4].first_start == at(0));
  // The head starts when reserved; D, which would have pushed it to 3, waits for it.
  CHECK(r.jobs[1].first_start == at(2));
  CHECK(r.jobs[1].wait_seconds() == Approx(2 * kH));
  CHECK(r.jobs[3].first_start == at(3));
  CHECK(r.jobs[3].wait_seconds() == Approx(3 * kH));
  CHECK(r.jobs[0].emissions.value == Approx(600));
  CHECK(r.jobs[1].emissions.value == Approx(900));
  CHECK(r.jobs[2].emissions.value == Approx(600));
  CHECK(r.jobs[3].emissions.value == Approx(700));
  CHECK(r.jobs[4].emissions.value == Approx(300));
}

TEST_CASE("G5: carbon-suspend with free pauses, checkpoint costs, and a resume without room",
          "[cluster][golden][carbon-suspend]") {
  const std::vector<double> ci{100, 900, 150, 300, 100};
  const auto j = with_deadline(job("J", 0, 1, 2, 1000), 5, true);
  SECTION("(a) free pauses: the 2 cleanest steps of the window") {
    const auto r = run({site("s", 1, ci)}, {j}, "carbon-suspend");
    REQUIRE(r.jobs[0].outcome == JobOutcome::finished);
    CHECK(r.jobs[0].first_start == at(0));
    CHECK(r.jobs[0].suspensions == 1);
    CHECK(r.jobs[0].finish == at(5));
    CHECK_FALSE(r.jobs[0].deadline_missed);
    CHECK(r.jobs[0].emissions.value == Approx(200));
    // carbon-delay cannot pause: the cleanest contiguous start is 3.
    const auto d = run({site("s", 1, ci)}, {j}, "carbon-delay");
    CHECK(d.jobs[0].emissions.value == Approx(400));
  }
  SECTION("(b) checkpoint costs move the pause so that the checkpoint is cheap") {
    const PauseCosts costs{Seconds{kH}, kwh(0.2), Seconds{0}};  // 1 h, 0.2 kWh, no minimum run
    const auto r = run({site("s", 1, ci)}, {j}, "carbon-suspend", costs);
    REQUIRE(r.jobs[0].outcome == JobOutcome::finished);
    CHECK(r.jobs[0].first_start == at(2));
    CHECK(r.jobs[0].suspensions == 1);
    CHECK(r.jobs[0].finish == at(5));
    CHECK(r.jobs[0].emissions.value == Approx(310));
    CHECK(r.jobs[0].energy.value == Approx(2.2));
    CHECK(r.jobs[0].checkpoint_energy.value == Approx(0.2));
  }
  SECTION("(c) a resume without room: off the plan, it runs to the end") {
    const auto j3 = with_deadline(job("J3", 0, 1, 3, 1000), 6, true);
    const auto r = run({site("s", 1, {100, 900, 100, 900, 100, 900})},
                       {j3, job("B", 1, 1, 1.5, 1000)}, "carbon-suspend");
    REQUIRE(r.jobs[0].outcome == JobOutcome::finished);
    CHECK(r.jobs[1].first_start == at(1));
    CHECK(r.jobs[1].emissions.value == Approx(950));
    CHECK(r.jobs[0].suspensions == 1);
    CHECK(r.jobs[0].finish == at(4.5));
    CHECK_FALSE(r.jobs[0].deadline_missed);
    CHECK(r.jobs[0].emissions.value == Approx(1100));
  }
}

TEST_CASE("G6: spatial sends each job to the cleanest site with room, PUE included",
          "[cluster][golden][spatial]") {
  const auto r = run({site("north", 1, {100, 150, 150}, 2.0), site("south", 2, {150, 150, 150}),
                      site("east", 1, {400, 200, 200}, 1.25)},
                     {job("J1", 0, 1, 1, 1000), job("J2", 0, 1, 1, 1000), job("J3", 0, 1, 1, 1000),
                      job("J4", 0, 2, 1, 2000), job("J5", 0, 1, 1, 1000), job("J6", 0, 3, 1, 3000)},
                     "spatial");
  REQUIRE(r.jobs.size() == 6);
  const int north = 0, south = 1, east = 2;
  CHECK(r.jobs[0].site == south);
  CHECK(r.jobs[0].emissions.value == Approx(150));
  CHECK(r.jobs[1].site == south);
  CHECK(r.jobs[1].emissions.value == Approx(150));
  // South is full: the next cleanest with room.
  CHECK(r.jobs[2].site == north);
  CHECK(r.jobs[2].emissions.value == Approx(200));
  CHECK(r.jobs[5].outcome == JobOutcome::rejected);
  // J4 fits only south and waits for it; J5 waits behind J4, then finds east cleaner than north.
  CHECK(r.jobs[3].site == south);
  CHECK(r.jobs[3].emissions.value == Approx(300));
  CHECK(r.jobs[3].wait_seconds() == Approx(kH));
  CHECK(r.jobs[4].site == east);
  CHECK(r.jobs[4].emissions.value == Approx(250));
  CHECK(r.jobs[4].wait_seconds() == Approx(kH));
}

TEST_CASE("G7: spatial-delay chooses where and when together", "[cluster][golden][spatial-delay]") {
  const auto r =
      run({site("A", 1, {300, 300, 300, 300, 300}), site("B", 1, {400, 400, 100, 100, 400}, 1.5),
           site("C", 1, {400, 150, 400, 150, 400})},
          {with_deadline(job("K1", 0, 1, 1, 1000), 4), with_deadline(job("K2", 0, 1, 1, 1000), 2),
           job("K3", 3, 1, 1, 1000)},
          "spatial-delay");
  REQUIRE(r.jobs.size() == 3);
  for (const auto& j : r.jobs) CHECK(j.outcome == JobOutcome::finished);
  const int b = 1, c = 2;
  // Both planned for C at 1: the least slack (K2) first; K1 keeps waiting for C.
  CHECK(r.jobs[1].site == c);
  CHECK(r.jobs[1].first_start == at(1));
  CHECK(r.jobs[1].emissions.value == Approx(150));
  CHECK(r.jobs[1].wait_seconds() == Approx(kH));
  CHECK(r.jobs[0].site == c);
  CHECK(r.jobs[0].first_start == at(2));
  CHECK(r.jobs[0].emissions.value == Approx(400));
  CHECK(r.jobs[0].wait_seconds() == Approx(2 * kH));
  // B and C tie on g and start: the first listed.
  CHECK(r.jobs[2].site == b);
  CHECK(r.jobs[2].first_start == at(3));
  CHECK(r.jobs[2].emissions.value == Approx(150));
  CHECK(r.jobs[2].wait_seconds() == 0);
}
