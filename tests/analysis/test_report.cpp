// The report on a small cube: every table present, the published values as the paper prints
// them, differences computed right, and the renderings well formed.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "analysis/report.hpp"
#include "analysis/table.hpp"
#include "experiments/cube_view.hpp"
#include "experiments/runner.hpp"
#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "sim/core/errors.hpp"
#include "sim/simulate.hpp"
#include "tests/support/sweep.hpp"
#include "workloads/workload_file.hpp"

using namespace shiftsim;
using namespace shiftsim::analysis;

namespace {

sim::Policy policy(sim::PolicyKind k, const std::string& w) {
  sim::Policy p;
  p.kind = k;
  if (k != sim::PolicyKind::baseline) p.window = sim::Window::parse(w);
  return p;
}

// A paper-shaped sweep, small: two of the paper's workloads, two zones, the 24h and 100% windows.
experiments::Cube paper_like_cube() {
  auto e = test::small_experiment();
  e.workloads = {"bert-finetune", "densenet-201"};
  e.forecasts = {"perfect"};
  e.seeds = {1};
  e.policies = {{"baseline", policy(sim::PolicyKind::baseline, "")},
                {"flexible-start/24h", policy(sim::PolicyKind::flexible_start, "24h")},
                {"pause-resume/24h", policy(sim::PolicyKind::pause_resume, "24h")},
                {"pause-resume/100%", policy(sim::PolicyKind::pause_resume, "100%")}};
  return experiments::run_experiment(e, test::small_store(), {}).cube;
}

double num(const Value& v) { return std::get<double>(v); }

}  // namespace

TEST_CASE("report: tables, published values and differences", "[analysis][report]") {
  const auto cube = paper_like_cube();
  const auto r = make_report(cube);
  for (const char* id : {"headline", "table2", "table13_24h", "table9_100pct", "fig2",
                         "region_fs_24h", "region_pr_24h", "region_pauses_24h", "region_pr_100pct",
                         "fig3_densenet-201", "fig4_densenet-201", "validation"}) {
    INFO(id);
    CHECK_NOTHROW(r.table(id));
  }
  CHECK_THROWS(r.table("table3"));      // no Central US: no fixed-hour runs
  CHECK_THROWS(r.table("fig1"));        // no BERT pretraining in the cube
  CHECK_THROWS(r.table("table10_6h"));  // no 6h window in the cube

  const auto& t13 = r.table("table13_24h");
  REQUIRE(t13.columns.size() == 3);
  CHECK(t13.columns[1].name == "bert-finetune");
  CHECK(t13.columns[2].name == "densenet-201");
  // Rows: FS, FS (paper), FS (diff), P&R, P&R (paper), P&R (diff), pauses per run, pauses per
  // window hour x 3, pauses per job hour and its diff.
  REQUIRE(t13.rows.size() == 12);
  CHECK(num(t13.rows[1][1]) == 14.5);  // the paper's Table 13: BERT finetune FS 24h
  CHECK(num(t13.rows[1][2]) == 25.9);  // DenseNet 201 FS 24h
  CHECK(num(t13.rows[4][1]) == 19.0);  // P&R
  CHECK(num(t13.rows[8][2]) == 0.08);  // pauses per hour
  CHECK(std::get<std::string>(t13.rows[7][0]) == "P&R pauses/window-h");
  CHECK(std::get<std::string>(t13.rows[10][0]) == "P&R pauses/job-h");
  // Per run, per window hour (N + D = 24 + 6 h for BERT finetune), per job hour (6 h).
  const double runs = num(t13.rows[6][1]);
  CHECK(num(t13.rows[7][1]) == Approx(runs / 30.0));
  CHECK(num(t13.rows[10][1]) == Approx(runs / 6.0));
  CHECK(num(t13.rows[11][1]) == Approx(runs / 6.0 - 0.23));  // against the paper's 0.23
  for (std::size_t row : {0u, 3u, 7u}) {
    for (std::size_t c = 1; c < 3; ++c) {
      CHECK(num(t13.rows[row + 2][c]) == num(t13.rows[row][c]) - num(t13.rows[row + 1][c]));
    }
  }
  // Ours: the plain mean over the regions of the per-region mean over starts.
  const auto& reg = r.table("region_fs_24h");
  REQUIRE(reg.rows.size() == 3);  // ZA, ZB, mean
  const double mean = (num(reg.rows[0][1]) + num(reg.rows[1][1])) / 2;
  CHECK(num(reg.rows[2][1]) == Approx(mean).epsilon(1e-15));
  CHECK(num(t13.rows[0][1]) == Approx(mean).epsilon(1e-15));
  const auto& svar = cube.var("savings_pct_mean").f64;  // workload, region, policy
  CHECK(num(reg.rows[0][1]) == svar[(0 * 2 + 0) * 4 + 1]);
  CHECK(num(reg.rows[1][2]) == svar[(1 * 2 + 1) * 4 + 1]);
  // Pauses per hour of the whole window: 24 h + the job's 6 hours (BERT finetune); for 100 %,
  // 6 + 6 hours.
  const auto& pz = r.table("region_pauses_24h");
  CHECK(num(pz.rows[0][1]) == Approx(cube.var("pauses_mean").f64[(0 * 2 + 0) * 4 + 2] / 30.0));
  const auto& pz100 = r.table("region_pauses_100pct");
  CHECK(num(pz100.rows[0][1]) == Approx(cube.var("pauses_mean").f64[(0 * 2 + 0) * 4 + 3] / 12.0));

  // Calibration and validation: a row per check; two zones that are not paper regions have no
  // Fig. 3-4 values, so those rows have no cells, and Tables 4-13 compare the 2-zone mean.
  const auto& val = r.table("validation");
  REQUIRE(val.rows.size() == 8);  // no BERT pretraining in the cube: no Fig. 1 row
  CHECK(std::get<std::string>(val.rows[0][1]) == "0");
  CHECK(std::get<std::string>(val.rows[1][5]).starts_with("n/a"));
  CHECK(std::get<std::string>(val.rows[2][1]) == "3");  // BERT finetune: FS 24h, P&R 24h and 100%
  CHECK(std::get<std::string>(val.rows[3][1]) == "6");  // and DenseNet-201
  bool context = false;
  for (const auto& n : val.notes)
    context = context || n.find("context, not a check") != std::string::npos;
  CHECK(context);

  // Every table says what data it came from.
  for (const auto& t : r.tables) {
    INFO(t.id);
    bool data = false;
    for (const auto& n : t.notes) data = data || n.find("Data: ") != std::string::npos;
    CHECK(data);
  }
}

TEST_CASE("report: renderings", "[analysis][report]") {
  Table t{"x_1",
          "A 50% title & more",
          {"note one"},
          {{"name", 0}, {"v", 2}},
          {{std::string("a,b"), 1.23456}, {std::string("c|d"), std::nan("")}}};
  CHECK(to_markdown(t) ==
        "### A 50% title & more\n\nnote one\n\n| name | v |\n| --- | --- |\n| a,b | 1.23 |\n"
        "| c\\|d | n/a |\n\n");
  CHECK(to_csv(t) == "# A 50% title & more\n# note one\nname,v\n\"a,b\",1.23456\nc|d,\n");
  const auto tex = to_latex(t);
  CHECK(tex.find("\\caption{A 50\\% title \\& more}") != std::string::npos);
  CHECK(tex.find("a,b & 1.23 \\\\") != std::string::npos);
  Table bad = t;
  bad.rows.push_back({std::string("short")});
  CHECK_THROWS_AS(to_markdown(bad), InternalError);
}

TEST_CASE("report: a cube that is not a sweep is refused", "[analysis][report]") {
  experiments::Cube c;
  c.dims.push_back({"x", experiments::Labels{{"a"}}, {}});
  CHECK_THROWS_AS(make_report(c), ConfigError);
}

TEST_CASE("report: Table 3 from the sweep's fixed-hour runs, as the engine runs them",
          "[analysis][report]") {
  auto store = test::small_store();
  grids::Series central = *grids::series_for(store, "ZA", std::nullopt, std::nullopt).front();
  central.key.zone = "MISO_MASON_CITY";  // the zone Central US resolves to (grids/regions)
  store.put(central);
  auto e = test::small_experiment();
  e.regions = {"ZA", "Central US"};
  e.forecasts = {"perfect"};
  e.seeds = {1};
  e.policies.resize(2);
  const auto cube = experiments::run_experiment(e, store, {}).cube;
  REQUIRE(cube.var("fixed_hour_g").dims == std::vector<std::string>{"day", "hour"});
  CHECK(cube.dim("day").size() == 365);  // every day of 2022
  CHECK(cube.dim("hour").size() == 8);   // every 3 hours
  // 2 January 2022, 06:00 UTC: the engine's baseline run started then.
  const auto series = grids::read_at_step(
      *grids::series_for(store, "Central US", std::nullopt, std::nullopt).front(), e.step);
  const auto w = workloads::load_workload("bert-finetune");
  const auto run = sim::simulate(sim::RunRequest{
      &series, {}, w.name, w.facility_profile(), w.embodied, make_time(2022, 1, 2, 6), {}});
  REQUIRE(run.outcome == sim::Outcome::ok);
  const double fixed = experiments::CubeView(cube, "fixed_hour_g").at({{"day", 1}, {"hour", 2}});
  CHECK(fixed == run.record.operational.value);
  const auto r = make_report(cube);
  CHECK(num(r.table("table3").rows[1][3]) == fixed);  // day 2, column 06:00
}

TEST_CASE("report: the findings year by year, for a cube of several years",
          "[analysis][report][years]") {
  // Zone ZY: 2021 with a daily cycle (a flexible start saves), 2022 flat (nothing to save).
  // SYNTHETIC test data.
  grids::GridStore store;
  grids::Series s;
  s.key = {"ZY", Signal::average, Basis::direct};
  s.source = "synthetic test data";
  s.start = make_time(2021, 1, 1);
  s.step = Seconds{3600};
  for (int h = 0; h < 24 * (365 + 365 + 2); ++h)
    s.values.push_back(h < 24 * 365 ? 300 + 200 * std::sin(h * 0.2618) : 300);
  s.flags.assign(s.values.size(), 0);
  store.put(s);
  auto e = test::small_experiment();
  e.regions = {"ZY"};
  e.years = {2021, 2022};
  e.step = Seconds{3600};
  e.workloads = {"bert-finetune"};
  e.forecasts = {"perfect"};
  e.seeds = {1};
  e.policies = {{"baseline", policy(sim::PolicyKind::baseline, "")},
                {"flexible-start/24h", policy(sim::PolicyKind::flexible_start, "24h")},
                {"pause-resume/100%", policy(sim::PolicyKind::pause_resume, "100%")}};
  const auto cube = experiments::run_experiment(e, store, {}).cube;
  const auto r = make_report(cube);
  const Table& t = r.table("years");
  REQUIRE(t.columns.size() == 6);  // workload, policy, 2021, 2022, all years, spread
  CHECK(t.columns[2].name == "2021");
  CHECK(t.columns[3].name == "2022");
  REQUIRE(t.rows.size() == 2);
  for (const auto& row : t.rows) {
    INFO(std::get<std::string>(row[1]));
    CHECK(num(row[2]) > 10);  // the daily cycle of 2021
    CHECK(num(row[3]) == 0);  // nothing to gain on a flat 2022
    CHECK(num(row[5]) == num(row[2]) - num(row[3]));
    // All years: the cube's own mean, between the two years.
    const auto p = std::get<std::string>(row[1]) == "flexible-start/24h" ? 1 : 2;
    CHECK(num(row[4]) == experiments::CubeView(cube, "savings_pct_mean")
                             .hold("forecast", 0)
                             .hold("seed", 0)
                             .at({{"workload", 0}, {"region", 0}, {"policy", std::size_t(p)}}));
    CHECK(num(row[4]) > num(row[3]));
    CHECK(num(row[4]) < num(row[2]));
  }
  // One year: no such table.
  CHECK_THROWS(make_report(paper_like_cube()).table("years"));
}
