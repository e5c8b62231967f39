// The cluster report on a cube built by hand (2 schedulers x 1 scale x 1 forecast x 2 seeds x 2
// sites x 3 steps), so that every mean is known: the row-major indexing, the mean over seeds
// skipping missing values, the change against the baseline (backfill when there is no fifo, n/a
// when there is neither), utilisation per site, the note on missing scenarios, and refusal of
// cubes that are not cluster cubes or lack a variable.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "analysis/cluster_report.hpp"
#include "experiments/provenance.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::analysis;
using namespace shiftsim::experiments;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::vector<std::string> kScenario{"scheduler", "capacity_scale", "forecast", "seed"};

// Scenario order: (backfill, seed 1), (backfill, seed 2), (carbon-delay, seed 1), (carbon-delay,
// seed 2).
Cube hand_cube(std::vector<std::string> schedulers = {"backfill", "carbon-delay"}) {
  Cube c;
  c.attrs = {{"kind", "cluster"},
             {"jobs", "12"},
             {"jobs_source", "test"},
             {"simulation_step", "1h"},
             {"data_warning", "SYNTHETIC data: made by hand"}};
  experiments::set_series_provenance(
      c, {{"a", "A", "x", "direct", "src", "00", "", "", false, false},
          {"b", "B", "x", "direct", "src", "11", "", "", false, false}});
  c.dims = {{"scheduler", Labels{schedulers}, {}}, {"capacity_scale", Numbers{{0.125}}, {}},
            {"forecast", Labels{{"perfect"}}, {}}, {"seed", Labels{{"1", "2"}}, {}},
            {"site", Labels{{"a", "b"}}, {}},      {"time", Times{{0, 3600, 7200}}, {}}};
  auto f64 = [&](const char* name, std::vector<double> v) {
    c.vars.push_back({name, kScenario, DType::f64, std::move(v), {}, {}, {}, false, false, {}});
  };
  auto i32 = [&](const char* name, std::vector<std::int32_t> v) {
    c.vars.push_back({name, kScenario, DType::i32, {}, std::move(v), {}, {}, false, false, {}});
  };
  f64("emissions_g", {1000, 3000, 1500, kNaN});
  f64("embodied_g", {10, 10, 10, 10});
  f64("energy_kwh", {5000, 5000, 5000, 5000});
  f64("mean_wait_h", {1, 2, kNaN, kNaN});
  f64("max_wait_h", {4, 6, kNaN, kNaN});
  f64("mean_slowdown", {1, 1, 2, 2});
  i32("deadline_misses", {0, 1, 2, -1});
  i32("suspensions", {0, 0, 4, -1});
  i32("finished", {10, 11, 10, -1});
  i32("rejected", {2, 1, 2, -1});
  i32("beyond_data", {0, 0, 0, -1});
  i32("blocked", {0, 0, 0, -1});
  // utilisation (scenario, site, time).
  std::vector<double> u{0.5,  1.0,  kNaN, kNaN, kNaN, kNaN,   // backfill seed 1: a, b
                        0.25, 0.25, 0.25, 1,    1,    1,      // backfill seed 2
                        0.1,  0.1,  0.1,  0.2,  0.2,  0.2,    // carbon-delay seed 1
                        kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};  // carbon-delay seed 2: missing
  if (schedulers.size() == 1) u.resize(12);
  c.vars.push_back({"utilisation",
                    {"scheduler", "capacity_scale", "forecast", "seed", "site", "time"},
                    DType::f64,
                    std::move(u),
                    {},
                    {},
                    {},
                    false,
                    false,
                    {}});
  if (schedulers.size() == 1) {
    for (auto& v : c.vars) {
      if (v.type == DType::f64 && v.name != "utilisation") v.f64.resize(2);
      if (v.type == DType::i32) v.i32.resize(2);
    }
  }
  c.check();
  return c;
}

double num(const Value& v) { return std::get<double>(v); }
std::string text(const Value& v) { return std::get<std::string>(v); }

}  // namespace

TEST_CASE("cluster report: means over seeds, the baseline, utilisation per site",
          "[analysis][cluster][report]") {
  const auto r = make_cluster_report(hand_cube());
  const Table& t = r.table("cluster_totals");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.columns[4].name == "vs backfill (%)");
  const auto& b = t.rows[0];
  CHECK(text(b[0]) == "backfill");
  CHECK(text(b[1]) == "0.125");
  CHECK(num(b[3]) == Approx(2.0));  // (1000 + 3000) / 2 g, in kg
  CHECK(num(b[4]) == Approx(0.0));
  CHECK(num(b[6]) == Approx(5.0));    // MWh
  CHECK(num(b[7]) == Approx(1.5));    // mean wait
  CHECK(num(b[8]) == Approx(5.0));    // mean of the seeds' max waits
  CHECK(num(b[10]) == Approx(0.5));   // deadline misses
  CHECK(num(b[12]) == Approx(10.5));  // finished
  const auto& d = t.rows[1];
  CHECK(text(d[0]) == "carbon-delay");
  CHECK(num(d[3]) == Approx(1.5));    // seed 2 is missing: the mean of seed 1 alone
  CHECK(num(d[4]) == Approx(-25.0));  // (1500 - 2000) / 2000
  CHECK(std::isnan(num(d[7])));       // no wait in either seed: n/a
  CHECK(num(d[11]) == Approx(4.0));   // suspensions, seed 1 alone (-1 is missing)
  CHECK(r.data.find("INCOMPLETE: 1 of 4 scenarios") != std::string::npos);
  CHECK(r.data.find("SYNTHETIC") != std::string::npos);
  CHECK(r.data.find("sha256") == std::string::npos);

  const Table& u = r.table("cluster_utilisation");
  REQUIRE(u.rows.size() == 2);
  CHECK(u.columns[3].name == "a");
  CHECK(u.columns[4].name == "b");
  CHECK(num(u.rows[0][3]) == Approx(50.0));   // seeds 0.75 and 0.25
  CHECK(num(u.rows[0][4]) == Approx(100.0));  // seed 1 has no span at b: seed 2 alone
  CHECK(num(u.rows[1][3]) == Approx(10.0));
  CHECK(num(u.rows[1][4]) == Approx(20.0));
}

TEST_CASE("cluster report: without fifo or backfill the change is n/a",
          "[analysis][cluster][report]") {
  const auto r = make_cluster_report(hand_cube({"carbon-delay"}));
  const Table& t = r.table("cluster_totals");
  REQUIRE(t.rows.size() == 1);
  CHECK(t.columns[4].name == "vs baseline (%)");
  CHECK(std::isnan(num(t.rows[0][4])));
}

TEST_CASE("cluster report: refuses what is not a cluster cube", "[analysis][cluster][report]") {
  auto c = hand_cube();
  c.attrs["kind"] = "sweep";
  CHECK_THROWS_AS(make_cluster_report(c), ConfigError);
  c = hand_cube();
  std::erase_if(c.vars, [](const Variable& v) { return v.name == "blocked"; });
  CHECK_THROWS_WITH(make_cluster_report(c), Catch::Contains("'blocked' is missing"));
  c = hand_cube();
  c.var("utilisation").dims = {"scheduler", "capacity_scale", "forecast", "seed", "time", "site"};
  CHECK_THROWS_WITH(make_cluster_report(c), Catch::Contains("'utilisation'"));
}
