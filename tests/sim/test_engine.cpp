// The event engine: queue order, accounting, pause costs and controller contracts, on small
// cases worked out by hand.
#include <catch2/catch.hpp>
#include <stdexcept>

#include "sim/controllers.hpp"
#include "sim/core/errors.hpp"
#include "sim/engine.hpp"
#include "sim/event.hpp"
#include "sim/record.hpp"

using namespace shiftsim;
using namespace shiftsim::sim;

namespace {

const TimePoint kT0 = make_time(2022, 3, 1);

RegularSeries hourly(std::vector<double> v) {
  return RegularSeries{kT0, Seconds{3600}, std::move(v)};
}

// 1 kW for `hours`.
PowerProfile kilowatt(std::int64_t hours) {
  return PowerProfile(Seconds{3600}, Seconds{3600 * hours},
                      std::vector<double>(static_cast<std::size_t>(hours), 1000.0));
}

struct Run {
  RunStatus status;
  JobRecord record;
};

Run run_plan(const RegularSeries& ci, PowerProfile p, std::vector<Interval> plan,
             PauseCosts costs = {}) {
  Simulation sim(ci);
  sim.add_job(JobSpec{"job", std::move(p), {}, plan.front().from, costs});
  PlanController c(0, std::move(plan));
  RecordCollector rec;
  sim.set_controller(&c);
  sim.add_collector(&rec);
  const auto status = sim.run();
  return {status, rec.records().empty() ? JobRecord{} : rec.record(0)};
}

TimePoint h(int hours, int minutes = 0) { return kT0 + Seconds{3600 * hours + 60 * minutes}; }

}  // namespace

TEST_CASE("events come out by time, then kind priority, then insertion order", "[sim][engine]") {
  EventQueue q;
  q.push(10, EventKind::start, 1);
  q.push(5, EventKind::arrival, 2);
  q.push(10, EventKind::intensity_step);
  q.push(10, EventKind::finish, 3);
  q.push(10, EventKind::start, 4);
  std::vector<std::pair<EventKind, std::uint32_t>> order;
  while (!q.empty()) {
    auto e = q.pop();
    order.emplace_back(e.kind, e.job);
  }
  using P = std::pair<EventKind, std::uint32_t>;
  CHECK(order == std::vector<P>{{EventKind::arrival, 2},
                                {EventKind::intensity_step, 0},
                                {EventKind::finish, 3},
                                {EventKind::start, 1},
                                {EventKind::start, 4}});
}

TEST_CASE("a contiguous run is charged each hour's intensity", "[sim][engine]") {
  // 1 kW for 3 h from 01:00 over 100, 200, 300, 400: 1 kWh each at 200, 300, 400 = 900 g.
  const auto ci = hourly({100, 200, 300, 400, 500});
  const auto r = run_plan(ci, kilowatt(3), {{h(1), h(4)}});
  REQUIRE(r.status == RunStatus::finished);
  CHECK(r.record.operational.value == Approx(900.0));
  CHECK(r.record.energy.value == Approx(3.0));
  CHECK(r.record.start == h(1));
  CHECK(r.record.finish == h(4));
  CHECK(r.record.pauses == 0);
  CHECK(r.record.schedule == std::vector<Interval>{{h(1), h(4)}});
}

TEST_CASE("a run off the step grid splits at every step boundary", "[sim][engine]") {
  // 1 kW for 1 h from 00:30: half an hour at 100 and half at 200 = 150 g.
  const auto ci = hourly({100, 200, 300});
  PowerProfile p(Seconds{3600}, Seconds{3600}, {1000.0});
  const auto r = run_plan(ci, p, {{h(0, 30), h(1, 30)}});
  REQUIRE(r.status == RunStatus::finished);
  CHECK(r.record.operational.value == Approx(150.0));
  CHECK(r.record.finish == h(1, 30));
}

TEST_CASE("pauses keep the work done and the profile continues where it stopped", "[sim][engine]") {
  // Profile: 1 kW then 3 kW (1 h each). Run hour 0 (1 kWh at 100), pause, run hour 2 (3 kWh at
  // 300): 100 + 900 = 1000 g, 4 kWh, one pause.
  const auto ci = hourly({100, 200, 300, 400});
  PowerProfile p(Seconds{3600}, Seconds{7200}, {1000.0, 3000.0});
  const auto r = run_plan(ci, p, {{h(0), h(1)}, {h(2), h(3)}});
  REQUIRE(r.status == RunStatus::finished);
  CHECK(r.record.operational.value == Approx(1000.0));
  CHECK(r.record.energy.value == Approx(4.0));
  CHECK(r.record.pauses == 1);
  CHECK(r.record.schedule == std::vector<Interval>{{h(0), h(1)}, {h(2), h(3)}});
}

TEST_CASE("a checkpoint draws its energy over its time and holds the machine", "[sim][engine]") {
  // Work hour 0 at 100 (1 kWh), checkpoint 30 min drawing 0.5 kWh in hour 1 at 200 (100 g),
  // resume at 02:00 for 1 h at 300 (300 g). Total 500 g, 2.5 kWh; machine held 2.5 h.
  const auto ci = hourly({100, 200, 300, 400});
  PauseCosts costs{Seconds{1800}, kwh(0.5), Seconds{0}};
  const auto r = run_plan(ci, kilowatt(2), {{h(0), h(1)}, {h(2), h(3)}}, costs);
  REQUIRE(r.status == RunStatus::finished);
  CHECK(r.record.operational.value == Approx(500.0));
  CHECK(r.record.checkpoint_emissions.value == Approx(100.0));
  CHECK(r.record.energy.value == Approx(2.5));
  CHECK(r.record.checkpoint_energy.value == Approx(0.5));
  CHECK(r.record.schedule == std::vector<Interval>{{h(0), h(1, 30)}, {h(2), h(3)}});
  CHECK(r.record.reserved() == Seconds{9000});
}

TEST_CASE("a job that would run past the history is an outcome, not a crash", "[sim][engine]") {
  const auto ci = hourly({100, 200});
  CHECK(run_plan(ci, kilowatt(3), {{h(0), h(3)}}).status == RunStatus::beyond_data);
  CHECK(run_plan(ci, kilowatt(2), {{h(0), h(2)}}).status == RunStatus::finished);
  CHECK(run_plan(ci, kilowatt(1), {{h(-1), h(0)}}).status == RunStatus::before_data);
  CHECK(run_plan(ci, kilowatt(1), {{h(2), h(3)}}).status == RunStatus::beyond_data);
}

TEST_CASE("the engine refuses requests that break its contract", "[sim][engine]") {
  const auto ci = hourly({100, 200, 300, 400});
  // A pause that ends a 1-hour run when runs must last 2 h.
  PauseCosts costs{Seconds{0}, kwh(0), Seconds{7200}};
  CHECK_THROWS_AS(run_plan(ci, kilowatt(2), {{h(0), h(1)}, {h(2), h(3)}}, costs),
                  shiftsim::InternalError);
  // A resume planned before the checkpoint is over.
  PauseCosts slow{Seconds{7200}, kwh(0), Seconds{0}};
  CHECK_THROWS_AS(run_plan(ci, kilowatt(2), {{h(0), h(1)}, {h(2), h(3)}}, slow),
                  shiftsim::InternalError);
}

TEST_CASE("the threshold controller runs below the threshold and meets its deadline",
          "[sim][engine]") {
  // Hours: 500 100 500 100 500 500 500 500; a 2 h job at 1 kW, threshold 200, deadline 6 h.
  // It waits in hour 0, runs hour 1, pauses in hour 2, runs hour 3: 100 + 100 = 200 g.
  const auto ci = hourly({500, 100, 500, 100, 500, 500, 500, 500});
  auto run = [&](double threshold, TimePoint deadline) {
    Simulation sim(ci);
    sim.add_job(JobSpec{"job", kilowatt(2), {}, h(0), {}});
    ThresholdController c(0, threshold, deadline);
    RecordCollector rec;
    sim.set_controller(&c);
    sim.add_collector(&rec);
    REQUIRE(sim.run() == RunStatus::finished);
    return rec.record(0);
  };
  const auto r = run(200, h(6));
  CHECK(r.operational.value == Approx(200.0));
  CHECK(r.pauses == 1);
  CHECK(r.finish == h(4));
  // Nothing is clean enough: it waits until the deadline forces it (start at 4 h, finish at 6 h).
  const auto late = run(50, h(6));
  CHECK(late.start == h(4));
  CHECK(late.finish == h(6));
  CHECK(late.operational.value == Approx(1000.0));
  // A threshold above everything is the baseline.
  const auto now = run(1000, h(6));
  CHECK(now.start == h(0));
  CHECK(now.finish == h(2));
}
