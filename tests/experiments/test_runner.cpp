// The sweep runner: the same cube at any thread count, and every cell equal to a single
// simulation of that cell through the event engine.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>

#include "experiments/cells.hpp"
#include "experiments/runner.hpp"
#include "grids/forecast_source.hpp"
#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "sim/core/random.hpp"
#include "sim/simulate.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/same_bytes.hpp"
#include "tests/support/sweep.hpp"
#include "workloads/workload_file.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;

namespace {

using shiftsim::test::same_bytes;
using shiftsim::test::small_experiment;
using shiftsim::test::small_store;

}  // namespace

TEST_CASE("the cube is the same at 1, 2 and 8 threads", "[experiments][runner]") {
  const auto store = small_store();
  const auto e = small_experiment();
  std::vector<Cube> cubes;
  for (int threads : {1, 2, 8}) {
    RunOptions o;
    o.threads = threads;
    cubes.push_back(run_experiment(e, store, o).cube);
  }
  for (std::size_t i = 1; i < cubes.size(); ++i) {
    REQUIRE(cubes[i].vars.size() == cubes[0].vars.size());
    for (std::size_t v = 0; v < cubes[0].vars.size(); ++v) {
      INFO(cubes[0].vars[v].name);
      CHECK(same_bytes(cubes[i].vars[v].f64, cubes[0].vars[v].f64));
      CHECK(cubes[i].vars[v].i32 == cubes[0].vars[v].i32);
    }
  }
}

TEST_CASE("every cell of the cube equals a single simulation", "[experiments][runner]") {
  const auto store = small_store();
  const auto e = small_experiment();
  const auto r = run_experiment(e, store, RunOptions{});
  const Cube& c = r.cube;
  REQUIRE(r.cells_done == r.cells);
  CHECK(c.dim("forecast").size() == 2);
  CHECK(c.dim("seed").size() == 2);
  const auto& starts = std::get<Times>(c.dim("start").coords).values;
  const std::size_t t = starts.size();
  REQUIRE(t == 4 * 365);
  std::size_t ok = 0, missing = 0;
  Xorshift64Star rng(3);
  for (int probe = 0; probe < 300; ++probe) {
    const auto w = rng.below<std::size_t>(2), reg = rng.below<std::size_t>(2),
               p = rng.below<std::size_t>(e.policies.size()), f = rng.below<std::size_t>(2),
               s = rng.below<std::size_t>(2), i = rng.below<std::size_t>(t);
    const std::size_t cell = (((w * 2 + reg) * e.policies.size() + p) * 2 + f) * 2 + s;
    const auto* series = store.find({e.regions[reg], Signal::average, Basis::direct});
    const auto actual = grids::read_at_step(*series, e.step);
    sim::Policy pol = e.policies[p].policy;
    pol.forecast = sim::ForecastSpec::parse(e.forecasts[f], e.seeds[s]);
    const auto plan = pol.forecast.is_oracle() ? std::vector<double>{}
                                               : grids::make_forecast(pol.forecast, actual, &store);
    const auto work = workloads::load_workload(e.workloads[w]);
    const auto res =
        sim::simulate(sim::RunRequest{&actual, plan, work.name, work.facility_profile(),
                                      work.embodied, TimePoint{Seconds{starts[i]}}, pol});
    const double got = c.var("emissions_g").f64[cell * t + i];
    INFO("cell " << cell << " start " << i << " policy " << e.policies[p].label);
    if (res.outcome != sim::Outcome::ok) {
      CHECK(std::isnan(got));
      CHECK(c.var("pauses").i32[cell * t + i] == kMissingI32);
      ++missing;
      continue;
    }
    ++ok;
    CHECK(got == Approx(res.record.operational.value).epsilon(1e-9));
    CHECK(c.var("pauses").i32[cell * t + i] == res.record.pauses);
    CHECK(c.var("delay_h").f64[cell * t + i] ==
          Approx(static_cast<double>(res.delay().count()) / 3600).margin(1e-9));
    // Energy and embodied emissions are per cell (the job's, uninterrupted); each pause's
    // checkpoint adds its energy and holds the hardware its time (the policy's coordinates).
    const double pauses = res.record.pauses;
    CHECK(res.record.energy.value ==
          Approx(c.var("energy_kwh").f64[cell] + pauses * c.var("checkpoint_energy_kwh").f64[p])
              .epsilon(1e-9));
    const double hours = static_cast<double>(work.facility_profile().duration().count()) / 3600;
    CHECK(res.embodied.value == Approx(c.var("embodied_g").f64[cell] *
                                       (1 + pauses * c.var("checkpoint_time_h").f64[p] / hours))
                                    .epsilon(1e-9));
  }
  CHECK(ok > 200);
  // The last start's flexible-start window (6 h + the job) passes the end of the data: missing.
  const std::size_t fs_cell = 1 * 2 * 2;  // workload 0, region 0, policy 1, forecast 0, seed 0
  CHECK(std::isnan(c.var("emissions_g").f64[fs_cell * t + t - 1]));
  CHECK(std::isnan(c.var("savings_pct").f64[fs_cell * t + t - 1]));
}

// Energy and embodied emissions are stored per cell; a run's own, from the engine, are the cell's
// plus what its pauses' checkpoints add, for a job with embodied emissions and every policy.
TEST_CASE("per-cell energy and embodied emissions give each start's with its pauses",
          "[experiments][runner]") {
  test::TempDir dir;
  const auto file = dir.write("held.toml",
                              "base = \"bert-finetune\"\n[embodied]\ntotal_kg = 1500\n"
                              "lifespan_years = 4\nshare = 0.5\n");
  const auto store = small_store();
  auto e = small_experiment();
  e.workloads = {file};
  e.forecasts = {"perfect"};
  e.seeds = {1};
  const Cube c = run_experiment(e, store, RunOptions{}).cube;
  const auto& starts = std::get<Times>(c.dim("start").coords).values;
  const std::size_t t = starts.size();
  const auto work = workloads::load_workload(file);
  const double hours = static_cast<double>(work.facility_profile().duration().count()) / 3600;
  std::size_t paused = 0, checked = 0;
  for (std::size_t reg = 0; reg < 2; ++reg) {
    const auto actual =
        grids::read_at_step(*store.find({e.regions[reg], Signal::average, Basis::direct}), e.step);
    for (std::size_t p = 0; p < e.policies.size(); ++p) {
      const std::size_t cell = reg * e.policies.size() + p;
      REQUIRE(c.var("embodied_g").f64[cell] > 0);
      for (std::size_t i = 0; i < t; i += 13) {
        const auto res = sim::simulate(sim::RunRequest{&actual,
                                                       {},
                                                       work.name,
                                                       work.facility_profile(),
                                                       work.embodied,
                                                       TimePoint{Seconds{starts[i]}},
                                                       e.policies[p].policy});
        if (res.outcome != sim::Outcome::ok) continue;
        INFO(e.policies[p].label << " start " << i << " pauses " << res.record.pauses);
        const double pauses = res.record.pauses;
        CHECK(res.record.energy.value ==
              Approx(c.var("energy_kwh").f64[cell] + pauses * c.var("checkpoint_energy_kwh").f64[p])
                  .epsilon(1e-9));
        CHECK(res.embodied.value == Approx(c.var("embodied_g").f64[cell] *
                                           (1 + pauses * c.var("checkpoint_time_h").f64[p] / hours))
                                        .epsilon(1e-9));
        ++checked;
        paused += c.var("checkpoint_time_h").f64[p] > 0 && pauses > 0 ? 1 : 0;
      }
    }
  }
  CHECK(checked > 100);
  CHECK(paused >= 3);  // the checkpoints' share is tested, not only the uninterrupted runs
}

// The summaries, recomputed directly: the mean in start order and quantiles from a full sort
// (numpy's linear interpolation), against the runner's partial-sort quantiles, value for value.
TEST_CASE("summary variables equal a direct computation from the per-start values",
          "[experiments][runner]") {
  const auto store = small_store();
  const auto e = small_experiment();
  const auto r = run_experiment(e, store, RunOptions{});
  const Cube& c = r.cube;
  const std::size_t t = c.dim("start").size();
  const auto& qs = std::get<Numbers>(c.dim("quantile").coords).values;
  REQUIRE(qs == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  const std::size_t cells = c.var("valid_starts").i32.size();
  std::size_t checked = 0;
  for (std::size_t cell = 0; cell < cells; ++cell) {
    const auto& em = c.var("emissions_g").f64;
    std::map<std::string, std::vector<double>> x;
    for (std::size_t i = 0; i < t; ++i) {
      if (std::isnan(em[cell * t + i])) continue;
      x["emissions_g"].push_back(em[cell * t + i]);
      x["delay_h"].push_back(c.var("delay_h").f64[cell * t + i]);
      x["pauses"].push_back(c.var("pauses").i32[cell * t + i]);
      const double s = c.var("savings_pct").f64[cell * t + i];
      if (!std::isnan(s)) x["savings_pct"].push_back(s);
    }
    CHECK(c.var("valid_starts").i32[cell] == static_cast<std::int32_t>(x["emissions_g"].size()));
    for (const std::string v : {"emissions_g", "savings_pct", "delay_h", "pauses"}) {
      auto values = x[v];
      INFO("cell " << cell << " " << v << " n=" << values.size());
      double sum = 0;
      for (double y : values) sum += y;
      const double mean = c.var(v + "_mean").f64[cell];
      const auto* q = c.var(v + "_quantiles").f64.data() + cell * qs.size();
      if (values.empty()) {
        CHECK(std::isnan(mean));
        for (std::size_t k = 0; k < qs.size(); ++k) CHECK(std::isnan(q[k]));
        continue;
      }
      CHECK(mean == sum / static_cast<double>(values.size()));
      std::sort(values.begin(), values.end());
      for (std::size_t k = 0; k < qs.size(); ++k) {
        const double pos = qs[k] * static_cast<double>(values.size() - 1);
        const auto lo = static_cast<std::size_t>(std::floor(pos));
        const auto hi = std::min(lo + 1, values.size() - 1);
        CHECK(q[k] == values[lo] + (pos - static_cast<double>(lo)) * (values[hi] - values[lo]));
      }
      ++checked;
    }
  }
  CHECK(checked > cells * 3);
}

TEST_CASE("a run's plan gives the sizes of the cube and the journal it makes",
          "[experiments][runner][plan]") {
  auto store = small_store();
  auto e = small_experiment();
  // A Central US series too, for the fixed-hour runs (runner.hpp) the plan must count.
  grids::Series central = store.series().begin()->second;
  central.key.zone = grids::zone_for("Central US");
  store.put(central);
  e.regions.push_back("Central US");
  for (const bool sharded : {false, true}) {
    INFO((sharded ? "shard 1/3" : "whole"));
    const std::size_t index = sharded ? 1 : 0, count = sharded ? 3 : 1;
    const RunPlan plan = plan_experiment(e, store, index, count);
    test::TempDir dir;
    RunOptions o;
    o.shard_index = index;
    o.shard_count = count;
    o.journal = dir.file("cube.h5.journal");
    const RunResult r = run_experiment(e, store, o);
    RunOptions held = o;
    held.journal.clear();
    const RunResult h = run_experiment(e, store, held);
    CHECK(plan.cells == r.cells);
    CHECK(plan.starts == r.cube.dim("start").size());
    CHECK(plan.cells_to_run == (sharded ? (r.cells - 1 + 2) / 3 : r.cells));
    REQUIRE(r.cube.dim("day").size() == 365);
    std::uint64_t bytes = 0, kept = 0;
    auto size = [](const Variable& v) {
      std::uint64_t n = v.f64.size() * sizeof(double) + v.i32.size() * 4;
      for (const auto& x : v.text) n += x.size();
      return n;
    };
    for (const auto& v : h.cube.vars)
      if (v.name != kCellDone) bytes += size(v);
    // A run with a journal holds only what is not external.
    for (const auto& v : r.cube.vars)
      if (v.name != kCellDone) kept += size(v);
    CHECK(plan.cube_bytes == bytes);
    CHECK(plan.held_bytes == kept);
    CHECK(plan.cell_bytes == cell_bytes(h.cube, cell_shares(h.cube)));
    // The journal's compressed chunks: at most the bound, and far below it.
    const auto journal = std::filesystem::file_size(o.journal);
    CHECK(plan.journal_bytes >= journal);
    CHECK(journal < plan.journal_bytes / 2);
    CHECK(plan.input_bytes > 0);
    CHECK(plan.memory_bytes() > plan.held_bytes + plan.input_bytes);
  }
}
