// `shiftsim run` on a cluster experiment, through the binary: the cube it writes opens with
// read_cube and has the cluster layout; the output rules of `run` hold (no overwrite without
// --force); shards and resume are refused, saying they apply to single-job sweeps.
#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "experiments/cube_file.hpp"
#include "sim/core/sha256.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synth_store.hpp"

namespace {

using Catch::Matchers::Contains;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;

const char* kExperiment = R"([grids]
store = "synth.h5"
step = "1h"

[cluster]
sites = ["West US=16", "France=16,pue=1.2,idle=50W"]
capacity_scales = [0.5, 1.0]
schedulers = ["fifo", "carbon-delay"]
generate = "poisson:rate=1/h,jobs=200,seed=2"
slack = "24h"

[forecasts]
models = ["perfect", "gaussian:0.1"]

[output]
path = "out/cluster.h5"
)";

}  // namespace

TEST_CASE("run: a cluster experiment writes a cube read_cube opens", "[cli][cluster][run]") {
  const shiftsim::test::SynthStore synth;  // synth.h5, as the experiment names it
  const TempDir& dir = synth.dir;
  const std::string exp = dir.write("cluster.toml", kExperiment);

  auto r = run_shiftsim({"run", exp, "--threads", "2", "--quiet"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto cube = shiftsim::experiments::read_cube(dir.file("out/cluster.h5"));
  CHECK(cube.dim("scheduler").size() == 2);
  CHECK(cube.dim("capacity_scale").size() == 2);
  CHECK(cube.dim("forecast").size() == 2);
  CHECK(cube.dim("seed").size() == 1);
  CHECK(cube.dim("site").size() == 2);
  CHECK(cube.dim("time").size() > 0);
  CHECK(cube.var("finished").i32.size() == 8);
  CHECK(cube.var("emissions_g").f64.size() == 8);
  CHECK(cube.attrs.at("kind") == "cluster");
  CHECK(cube.attrs.at("jobs") == "200");
  CHECK_THAT(cube.attrs.at("data_warning"), Contains("SYNTHETIC"));
  CHECK_THAT(cube.attrs.at("command_line"), Contains("shiftsim run"));
  CHECK(cube.attrs.at("series_0_sha256").size() == 64);  // each site's series, structured
  CHECK(cube.attrs.at("series_0_region") ==
        std::get<shiftsim::experiments::Labels>(cube.dim("site").coords).values[0]);
  CHECK(cube.attrs.at("series_0_synthetic") == "true");

  // The same run again: refused without --force, then the same bytes with it and one thread.
  const std::string first = shiftsim::test::read_bytes(dir.file("out/cluster.h5"));
  r = run_shiftsim({"run", exp, "--quiet"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("--force"));
  r = run_shiftsim({"run", exp, "--quiet", "--force", "--threads", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(shiftsim::test::read_bytes(dir.file("out/cluster.h5")) == first);

  // --out elsewhere; shards and resume are for single-job sweeps.
  r = run_shiftsim({"run", exp, "--quiet", "--out", dir.file("other.h5")});
  CHECK(r.exit_code == 0);
  for (const auto& extra :
       {std::vector<std::string>{"--shard", "0/2"}, std::vector<std::string>{"--resume"},
        std::vector<std::string>{"--dry-run"}, std::vector<std::string>{"--max-size", "1GB"}}) {
    std::vector<std::string> args{"run", exp, "--quiet", "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    r = run_shiftsim(args);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("single-job sweeps"));
  }

  // A mistake in the file: its name and line.
  const std::string bad = dir.write("bad.toml", std::string(kExperiment) + "\n[cluster2]\n");
  r = run_shiftsim({"run", bad, "--quiet"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("bad.toml"));
  CHECK_THAT(r.err, Contains("cluster2"));
}

TEST_CASE("report: a cluster cube gives its totals and utilisation tables",
          "[cli][cluster][report]") {
  const shiftsim::test::SynthStore synth;
  const TempDir& dir = synth.dir;
  const std::string exp = dir.write("cluster.toml", kExperiment);
  auto r = run_shiftsim({"run", exp, "--quiet"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto cube = shiftsim::experiments::read_cube(dir.file("out/cluster.h5"));

  r = run_shiftsim({"report", dir.file("out/cluster.h5"), "--out", dir.file("rep")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Contains("vs fifo (%)"));
  CHECK_THAT(shiftsim::test::read_bytes(dir.file("rep/report.md")), Contains("SYNTHETIC"));

  // The CSV: comment lines, a header, then 2 schedulers x 2 scales x 2 forecasts (one seed), in
  // the cube's order; emissions in kg equal the cube's, and the change is against fifo's row at
  // the same scale and forecast.
  std::vector<std::vector<std::string>> rows;
  {
    std::istringstream in(shiftsim::test::read_bytes(dir.file("rep/tables/cluster_totals.csv")));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cells;
      std::istringstream cs(line);
      for (std::string cell; std::getline(cs, cell, ',');) cells.push_back(cell);
      rows.push_back(cells);
    }
  }
  REQUIRE(rows.size() == 1 + 8);
  CHECK(rows[0][0] == "scheduler");
  CHECK(rows[0][4] == "vs fifo (%)");
  const auto& e = cube.var("emissions_g").f64;
  for (std::size_t i = 0; i < 8; ++i) {
    const auto& row = rows[1 + i];
    CHECK(row[0] == (i < 4 ? "fifo" : "carbon-delay"));
    CHECK(std::stod(row[3]) == Approx(e[i] / 1000).epsilon(1e-12));
    CHECK(std::stod(row[4]) == Approx(100 * (e[i] - e[i % 4]) / e[i % 4]).margin(1e-9));
    CHECK(std::stoi(row[12]) + std::stoi(row[13]) + std::stoi(row[14]) + std::stoi(row[15]) == 200);
  }
  CHECK(shiftsim::test::read_bytes(dir.file("rep/tables/cluster_utilisation.csv")).find("France") !=
        std::string::npos);
}

TEST_CASE("report: refuses an --out that is a file and an empty --format", "[cli][report]") {
  const shiftsim::test::SynthStore synth;
  const TempDir& dir = synth.dir;
  auto r = run_shiftsim({"run", dir.write("cluster.toml", kExperiment), "--quiet"});
  REQUIRE(r.exit_code == 0);
  const std::string file = dir.write("afile", "precious\n");
  r = run_shiftsim({"report", dir.file("out/cluster.h5"), "--out", file});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("not a folder"));
  CHECK(shiftsim::test::read_bytes(file) == "precious\n");
  r = run_shiftsim({"report", dir.file("out/cluster.h5"), "--out", file + "/sub"});  // below a file
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("cannot make the report's folders"));
  r = run_shiftsim(
      {"report", dir.file("out/cluster.h5"), "--out", dir.file("rep"), "--format", ""});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Contains("at least one of md, csv and tex"));
}

TEST_CASE("run: a cluster cube records the workload files its trace names", "[cli][cluster][run]") {
  const shiftsim::test::SynthStore synth;
  const TempDir& dir = synth.dir;
  const std::string phased = "gpus = 2\nduration = \"3h\"\nenergy_kwh = 1.5\n";
  dir.write("phased.toml", phased);
  dir.write("t.csv", "arrival_time,length,gpus,workload\n0,,,phased.toml\n1,2,1,\n");
  const std::string exp = dir.write("trace.toml", R"([grids]
store = "synth.h5"
step = "1h"

[cluster]
sites = ["France=4"]
schedulers = ["fifo"]
trace = "t.csv"
trace_start = "2022-03-01T00:00Z"

[output]
path = "trace.h5"
)");
  auto r = run_shiftsim({"run", exp, "--quiet"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto cube = shiftsim::experiments::read_cube(dir.file("trace.h5"));
  CHECK(cube.attrs.at("trace_workload_files") ==
        "phased.toml sha256=" + shiftsim::sha256_hex(phased) + "\n");
  CHECK(cube.var("finished").i32.at(0) == 2);
}
