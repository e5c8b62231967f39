// `shiftsim run` on a cluster experiment, through the binary: the cube it writes opens with
// read_cube and has the cluster layout; the output rules of `run` hold (no overwrite without
// --force); shards and resume are refused, saying they apply to single-job sweeps.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "experiments/cube_file.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synth_store.hpp"

namespace {

using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;
using Catch::Matchers::Contains;

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
  CHECK_THAT(cube.attrs.at("grid_series"), Contains("sha256="));

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
  for (const auto& extra : {std::vector<std::string>{"--shard", "0/2"}, std::vector<std::string>{"--resume"}}) {
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
