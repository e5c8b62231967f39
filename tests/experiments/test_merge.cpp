// Nothing lost, more machines: a run stopped halfway and resumed, and a run split into shards
// and merged, give the same bytes as one uninterrupted run.
#include <atomic>
#include <catch2/catch.hpp>

#include "experiments/cube_file.hpp"
#include "experiments/merge.hpp"
#include "experiments/runner.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/sweep.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;

namespace {

std::string bytes_of(const Cube& c, const test::TempDir& dir, const std::string& name) {
  write_cube(c, dir.file(name), /*overwrite=*/true);
  return test::read_bytes(dir.file(name));
}

}  // namespace

TEST_CASE("a stopped run resumed gives the bytes of an uninterrupted one", "[experiments][merge]") {
  const auto store = test::small_store();
  const auto e = test::small_experiment();
  test::TempDir dir;
  const auto full = run_experiment(e, store, RunOptions{});
  REQUIRE(full.complete());
  CHECK_THROWS(full.cube.var(kCellDone));

  std::atomic<bool> stop{false};
  RunOptions o;
  o.threads = 2;
  o.stop = &stop;
  o.progress = [&](std::size_t done, std::size_t) {
    if (done >= 7) stop = true;
  };
  const auto part = run_experiment(e, store, o);
  REQUIRE_FALSE(part.complete());
  CHECK(part.cells_done >= 7);
  // Through the file, as the command does it.
  const Cube partial = [&] {
    write_cube(part.cube, dir.file("p.partial"), false);
    return read_cube(dir.file("p.partial"));
  }();
  RunOptions r;
  r.resume = &partial;
  const auto resumed = run_experiment(e, store, r);
  REQUIRE(resumed.complete());
  CHECK(bytes_of(resumed.cube, dir, "resumed.h5") == bytes_of(full.cube, dir, "full.h5"));
}

TEST_CASE("shards merged give the bytes of a single run; missing and doubled parts are refused",
          "[experiments][merge]") {
  const auto store = test::small_store();
  const auto e = test::small_experiment();
  test::TempDir dir;
  const auto full = run_experiment(e, store, RunOptions{});
  std::vector<NamedCube> parts;
  for (std::size_t i = 0; i < 3; ++i) {
    RunOptions o;
    o.shard_index = i;
    o.shard_count = 3;
    const auto r = run_experiment(e, store, o);
    CHECK_FALSE(r.complete());
    write_cube(r.cube, dir.file("part" + std::to_string(i)), false);
    parts.push_back({"part" + std::to_string(i), read_cube(dir.file("part" + std::to_string(i)))});
  }
  const Cube merged = merge_parts(parts);
  CHECK(bytes_of(merged, dir, "merged.h5") == bytes_of(full.cube, dir, "full.h5"));

  auto missing = parts;
  missing.pop_back();
  CHECK_THROWS_WITH(merge_parts(missing), Catch::Contains("in no part"));
  auto doubled = parts;
  doubled.push_back(parts.front());
  CHECK_THROWS_WITH(merge_parts(doubled), Catch::Contains("is in both part0 and part0"));
  CHECK_THROWS_WITH(merge_parts({{"full", full.cube}}), Catch::Contains("no cell_done"));

  // A part of another experiment (another step) is refused.
  auto other = e;
  other.policies.pop_back();
  RunOptions o;
  o.shard_count = 3;
  auto foreign = parts;
  foreign[2] = {"foreign", run_experiment(other, store, o).cube};
  CHECK_THROWS_WITH(merge_parts(foreign), Catch::Contains("not parts of the same experiment"));
  // Parts that differ only in an auxiliary coordinate's values (a region's zone, a window) are
  // not of the same experiment either.
  for (const char* coordinate : {"zone", "window_hours"}) {
    INFO(coordinate);
    auto changed = parts;
    auto& v = changed[1].cube.var(coordinate);
    REQUIRE(v.coordinate);
    if (v.type == DType::text)
      v.text.back() += "x";
    else
      v.f64[1] += 1;  // flexible-start/6h: 6 h
    CHECK_THROWS_WITH(merge_parts(changed), Catch::Contains("not parts of the same experiment"));
  }
  // Resuming from a partial cube of another experiment is refused too.
  RunOptions r;
  r.resume = &foreign[2].cube;
  CHECK_THROWS_AS(run_experiment(e, store, r), ConfigError);
}
