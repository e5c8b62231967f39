// `shiftsim run` as a user runs it: progress on stderr, no overwriting, and nothing lost when
// the run is interrupted by SIGINT or killed with SIGKILL: --resume then gives the bytes of an
// uninterrupted run.
#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/sweep.hpp"

using namespace shiftsim;
namespace fs = std::filesystem;

namespace {

// A sweep over the small synthetic store that takes a few seconds on one thread (engine cells:
// pause costs and thresholds), so that a signal lands in the middle of it.
constexpr const char* kSweep = R"(
[grids]
store = "grids.h5"
regions = ["ZA", "ZB"]
years = [2022]
step = "15min"

[workloads]
names = ["bert-finetune", "densenet-121", "densenet-169", "vit-tiny", "vit-small"]

[starts]
every = "1h"

[[policy]]
kind = "baseline"

[[policy]]
kind = "pause-resume"
windows = ["6h", "50%", "100%"]
checkpoint_time = "15min"

[[policy]]
kind = "threshold"
thresholds = [250, 350]
windows = ["12h"]

[output]
path = "out.h5"
)";

struct Sweep {
  test::TempDir dir;
  std::string toml;
  Sweep() {
    test::small_store().save(dir.file("grids.h5"));
    toml = dir.write("sweep.toml", kSweep);
  }
  std::string file(const std::string& name) const { return dir.file(name); }
};

// Waits until the run has journaled at least one cell (the header is under 200 bytes, a record
// is tens of kilobytes).
bool wait_for_cells(const fs::path& journal) {
  for (int i = 0; i < 1200; ++i) {
    std::error_code ec;
    if (fs::exists(journal, ec) && fs::file_size(journal, ec) > 1000) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("shiftsim run: progress lines off a terminal, --quiet, and no overwrite without --force",
          "[cli][run]") {
  Sweep s;
  const auto r = test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5")});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("of 60 cells x 8760 starts"));
  // Not a terminal: plain lines, no bar redrawn with carriage returns.
  CHECK_THAT(r.err, Catch::Contains("shiftsim run: cells 60/60 (100%)"));
  CHECK_THAT(r.err, Catch::Contains("took"));
  CHECK(r.err.find('\r') == std::string::npos);
  CHECK_FALSE(fs::exists(s.file("ref.h5.journal")));

  const std::string bytes = test::read_bytes(s.file("ref.h5"));
  const auto again = test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5"), "--quiet"});
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(test::read_bytes(s.file("ref.h5")) == bytes);

  const auto quiet = test::run_shiftsim({"run", s.toml, "--out", s.file("q.h5"), "--quiet"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.err.empty());
  CHECK(test::read_bytes(s.file("q.h5")) == bytes);
}

TEST_CASE("shiftsim run: SIGINT keeps the finished cells, --resume gives the same bytes",
          "[cli][run]") {
  Sweep s;
  REQUIRE(test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5"), "--quiet"}).exit_code == 0);
  const std::string out = s.file("int.h5");
  test::RunningShiftsim run({"run", s.toml, "--out", out, "--threads", "1", "--quiet"});
  REQUIRE(wait_for_cells(out + ".journal"));
  run.signal(SIGINT);
  const auto r = run.wait();
  REQUIRE(r.exit_code == 130);  // stopped, not finished: the sweep must outlast the wait above
  CHECK_THAT(r.err, Catch::Contains("--resume"));
  CHECK_THAT(r.err, Catch::Contains("int.h5.journal"));
  CHECK(fs::exists(out + ".journal"));  // the finished cells, compressed: nothing else to write
  CHECK_FALSE(fs::exists(out + ".partial"));
  CHECK_FALSE(fs::exists(out));

  const auto fresh = test::run_shiftsim({"run", s.toml, "--out", out, "--quiet"});
  CHECK(fresh.exit_code == 1);
  CHECK_THAT(fresh.err, Catch::Contains("--resume"));

  const auto resumed = test::run_shiftsim({"run", s.toml, "--out", out, "--resume", "--quiet"});
  REQUIRE(resumed.exit_code == 0);
  CHECK(test::read_bytes(out) == test::read_bytes(s.file("ref.h5")));
  CHECK_FALSE(fs::exists(out + ".partial"));
  CHECK_FALSE(fs::exists(out + ".journal"));
}

TEST_CASE("shiftsim run: after kill -9 the journaled cells survive, --resume gives the same bytes",
          "[cli][run]") {
  Sweep s;
  REQUIRE(test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5"), "--quiet"}).exit_code == 0);
  const std::string out = s.file("killed.h5");
  test::RunningShiftsim run({"run", s.toml, "--out", out, "--threads", "1", "--quiet"});
  REQUIRE(wait_for_cells(out + ".journal"));
  run.signal(SIGKILL);
  REQUIRE(run.wait().exit_code == 128 + SIGKILL);
  CHECK(fs::exists(out + ".journal"));
  CHECK_FALSE(fs::exists(out + ".partial"));
  CHECK_FALSE(fs::exists(out));

  // Killed again, this time while resuming: the journal grows and stays usable.
  {
    test::RunningShiftsim again(
        {"run", s.toml, "--out", out, "--threads", "1", "--resume", "--quiet"});
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    again.signal(SIGKILL);
    (void)again.wait();
  }
  const auto resumed = test::run_shiftsim({"run", s.toml, "--out", out, "--resume"});
  REQUIRE(resumed.exit_code == 0);
  CHECK(test::read_bytes(out) == test::read_bytes(s.file("ref.h5")));
  CHECK_FALSE(fs::exists(out + ".journal"));
}

TEST_CASE("shiftsim run --resume with nothing to resume, and a foreign journal, are refused",
          "[cli][run]") {
  Sweep s;
  const std::string out = s.file("x.h5");
  const auto nothing = test::run_shiftsim({"run", s.toml, "--out", out, "--resume"});
  CHECK(nothing.exit_code == 1);
  CHECK_THAT(nothing.err, Catch::Contains("no partial result to resume"));

  s.dir.write("x.h5.journal", "not a journal, just some bytes that happen to be here ........");
  const auto junk = test::run_shiftsim({"run", s.toml, "--out", out, "--resume"});
  CHECK(junk.exit_code == 1);
  CHECK_THAT(junk.err, Catch::Contains("not a shiftsim cell journal"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("shiftsim run --shard: parts merge into the single-run bytes; 0/1 is a whole run",
          "[cli][run]") {
  Sweep s;
  REQUIRE(test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5"), "--quiet"}).exit_code == 0);
  const std::string ref = test::read_bytes(s.file("ref.h5"));

  // One shard of one: every cell, a complete cube (this crashed once: no cell_done to look up).
  const auto whole =
      test::run_shiftsim({"run", s.toml, "--shard", "0/1", "--out", s.file("w.h5"), "--quiet"});
  REQUIRE(whole.exit_code == 0);
  CHECK(test::read_bytes(s.file("w.h5")) == ref);
  CHECK_FALSE(fs::exists(s.file("w.h5.journal")));

  for (const char* shard : {"0/2", "1/2"}) {
    REQUIRE(test::run_shiftsim({"run", s.toml, "--shard", shard, "--quiet"}, s.dir.path().string())
                .exit_code == 0);
  }
  const auto merged = test::run_shiftsim(
      {"merge", s.file("out.h5.part0-of-2"), s.file("out.h5.part1-of-2"), "--out", s.file("m.h5")});
  REQUIRE(merged.exit_code == 0);
  CHECK(test::read_bytes(s.file("m.h5")) == ref);

  // Resuming a part as another shard would make the parts overlap: refused.
  fs::copy_file(s.file("out.h5.part0-of-2"), s.file("x.h5.partial"));
  const auto wrong = test::run_shiftsim(
      {"run", s.toml, "--shard", "1/2", "--out", s.file("x.h5"), "--resume", "--quiet"});
  CHECK(wrong.exit_code == 1);
  CHECK_THAT(wrong.err, Catch::Contains("another shard"));
  CHECK_FALSE(fs::exists(s.file("x.h5")));

  for (const char* bad : {"0/-1", "-1/2", "1/1", "2/2", " 0/2", "0/2x", "0/", "/2", "a/b"}) {
    INFO(bad);
    const auto r =
        test::run_shiftsim({"run", s.toml, "--shard", bad, "--out", s.file("b.h5"), "--quiet"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("--shard"));
    CHECK_FALSE(fs::exists(s.file("b.h5")));
  }
}

namespace {

// Sets a Slurm array's variables for the shiftsim processes this test starts, and clears them.
struct SlurmArray {
  explicit SlurmArray(std::initializer_list<std::pair<const char*, const char*>> vars) {
    for (const auto& [k, v] : vars) {
      ::setenv(k, v, 1);
      names.push_back(k);
    }
  }
  ~SlurmArray() {
    for (const auto* k : names) ::unsetenv(k);
  }
  std::vector<const char*> names;
};

}  // namespace

TEST_CASE("shiftsim run --shard auto takes the share from a Slurm job array", "[cli][run]") {
  Sweep s;
  REQUIRE(test::run_shiftsim({"run", s.toml, "--out", s.file("ref.h5"), "--quiet"}).exit_code == 0);
  // --array=1-2 (tasks 1 and 2, from 1): shares 0 and 1 of 2, named as --shard 0/2 and 1/2 name.
  for (const char* id : {"1", "2"}) {
    SlurmArray array{{"SLURM_ARRAY_TASK_ID", id},
                     {"SLURM_ARRAY_TASK_COUNT", "2"},
                     {"SLURM_ARRAY_TASK_MIN", "1"},
                     {"SLURM_ARRAY_TASK_MAX", "2"}};
    const auto r =
        test::run_shiftsim({"run", s.toml, "--shard", "auto", "--quiet"}, s.dir.path().string());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const auto merged = test::run_shiftsim(
      {"merge", s.file("out.h5.part0-of-2"), s.file("out.h5.part1-of-2"), "--out", s.file("m.h5")});
  REQUIRE(merged.exit_code == 0);
  CHECK(test::read_bytes(s.file("m.h5")) == test::read_bytes(s.file("ref.h5")));

  // Outside an array, and an array with gaps or a task beyond it: refused, saying what to do.
  const auto outside =
      test::run_shiftsim({"run", s.toml, "--shard", "auto", "--out", s.file("o.h5"), "--quiet"});
  CHECK(outside.exit_code == 1);
  CHECK_THAT(outside.err,
             Catch::Contains("not inside a Slurm job array") && Catch::Contains("--shard I/N"));
  {
    SlurmArray gaps{{"SLURM_ARRAY_TASK_ID", "5"},
                    {"SLURM_ARRAY_TASK_COUNT", "3"},
                    {"SLURM_ARRAY_TASK_MIN", "1"},
                    {"SLURM_ARRAY_TASK_STEP", "1"}};
    const auto r =
        test::run_shiftsim({"run", s.toml, "--shard", "auto", "--out", s.file("g.h5"), "--quiet"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("task 5 is not one of the array's 3 tasks"));
  }
  {
    SlurmArray junk{{"SLURM_ARRAY_TASK_ID", "x1"}, {"SLURM_ARRAY_TASK_COUNT", "3"}};
    const auto r =
        test::run_shiftsim({"run", s.toml, "--shard", "auto", "--out", s.file("j.h5"), "--quiet"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("SLURM_ARRAY_TASK_ID=\"x1\" is not a task number"));
  }
  CHECK_FALSE(fs::exists(s.file("o.h5")));
  CHECK_FALSE(fs::exists(s.file("g.h5")));
}

TEST_CASE("shiftsim slurm writes a submission script: the array, then the merge after it",
          "[cli][run]") {
  Sweep s;
  const auto printed = test::run_shiftsim({"slurm", s.toml, "--tasks", "4", "--cpus-per-task", "3",
                                           "--partition", "short", "--time", "0:30:00"});
  REQUIRE(printed.exit_code == 0);
  const auto& t = printed.out;
  CHECK_THAT(t, Catch::StartsWith("#!/bin/bash\n"));
  CHECK_THAT(t, Catch::Contains("--array=0-3 --cpus-per-task=3 --partition='short' "
                                "--time='0:30:00'"));
  CHECK_THAT(t, Catch::Contains("--shard auto --threads 3 --quiet"));
  CHECK_THAT(t, Catch::Contains("--dependency=afterok:"));
  CHECK_THAT(t, Catch::Contains(".part*-of-4"));
  // Written to a file: executable, never over an existing one without --force.
  REQUIRE(test::run_shiftsim({"slurm", s.toml, "--tasks", "2", "--out", s.file("submit.sh")})
              .exit_code == 0);
  CHECK((fs::status(s.file("submit.sh")).permissions() & fs::perms::owner_exec) != fs::perms::none);
  const auto again =
      test::run_shiftsim({"slurm", s.toml, "--tasks", "2", "--out", s.file("submit.sh")});
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  const auto zero = test::run_shiftsim({"slurm", s.toml, "--tasks", "0"});
  CHECK(zero.exit_code == 1);
  CHECK_THAT(zero.err, Catch::Contains("--tasks 0"));
}

TEST_CASE("shiftsim run: an --out that cannot be a cube is refused before any work", "[cli][run]") {
  Sweep s;
  const auto exp_bytes = test::read_bytes(s.toml);
  const auto store_bytes = test::read_bytes(s.file("grids.h5"));
  const auto over_exp = test::run_shiftsim({"run", s.toml, "--out", s.toml, "--force", "--quiet"});
  CHECK(over_exp.exit_code == 1);
  CHECK_THAT(over_exp.err, Catch::Contains("the experiment file"));
  CHECK(test::read_bytes(s.toml) == exp_bytes);
  const auto over_store =
      test::run_shiftsim({"run", s.toml, "--out", s.file("grids.h5"), "--force", "--quiet"});
  CHECK(over_store.exit_code == 1);
  CHECK_THAT(over_store.err, Catch::Contains("the grid store"));
  CHECK(test::read_bytes(s.file("grids.h5")) == store_bytes);

  fs::create_directory(s.file("folder"));
  const auto folder =
      test::run_shiftsim({"run", s.toml, "--out", s.file("folder"), "--force", "--quiet"});
  CHECK(folder.exit_code == 1);
  CHECK_THAT(folder.err, Catch::Contains("is a folder"));
  CHECK_FALSE(fs::exists(s.file("folder.journal")));

  s.dir.write("afile", "x");
  const auto parent =
      test::run_shiftsim({"run", s.toml, "--out", s.file("afile") + "/x.h5", "--quiet"});
  CHECK(parent.exit_code == 1);
  CHECK_THAT(parent.err, Catch::Contains("cannot create the folder"));
}

TEST_CASE("shiftsim run --dry-run says what the run makes and needs, and writes nothing",
          "[cli][run][plan]") {
  Sweep s;
  const std::string out = s.file("sub/dir/out.h5");
  auto r = test::run_shiftsim({"run", s.toml, "--out", out, "--dry-run"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // 2 regions x 5 workloads x 6 policies; 8760 hourly starts of 2022.
  CHECK_THAT(r.out, Catch::Contains("60 cells x 8760 starts = 526 k runs"));
  CHECK_THAT(r.out, Catch::Contains("journal "));
  CHECK_THAT(r.out, Catch::Contains("free at " + fs::path(s.toml).parent_path().string()));
  CHECK_THAT(r.out, Catch::Contains("nothing was computed or written (--dry-run)"));
  CHECK_FALSE(fs::exists(s.file("sub")));  // not even the folder

  // A relative --out in folders that do not exist yet: the free space of the nearest one that
  // does (the run's folder), not "unknown"; an existing cube is noted, not refused.
  const std::string here = fs::path(s.toml).parent_path().string();
  r = test::run_shiftsim({"run", s.toml, "--out", "new/sub/out.h5", "--dry-run"}, here);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("free at " + here + "\n"));
  s.dir.write("kept.h5", "not a cube");
  r = test::run_shiftsim({"run", s.toml, "--out", s.file("kept.h5"), "--dry-run"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("exists: the run needs --force to replace it"));
  CHECK(test::read_bytes(s.file("kept.h5")) == "not a cube");

  // Every run states the same line first.
  r = test::run_shiftsim({"run", s.toml, "--out", s.file("a.h5")});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::StartsWith("shiftsim run: 60 cells x 8760 starts = 526 k runs"));
}

TEST_CASE("shiftsim run: a run above --max-size is refused with its numbers, before any work",
          "[cli][run][plan][bad-input]") {
  Sweep s;
  for (const bool dry : {true, false}) {
    std::vector<std::string> args{"run", s.toml, "--out", s.file("out.h5"), "--max-size", "1MB"};
    if (dry) args.push_back("--dry-run");
    const auto r = test::run_shiftsim(args);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("this run may hold up to"));
    CHECK_THAT(r.err, Catch::Contains("60 cells x 8760 starts"));
    CHECK_THAT(r.err, Catch::Contains("above the limit of 1.00 MB"));
    CHECK_THAT(r.err, Catch::Contains("--max-size 1GB"));
    CHECK_FALSE(fs::exists(s.file("out.h5")));
    CHECK_FALSE(fs::exists(s.file("out.h5.journal")));
    CHECK_FALSE(fs::exists(s.file("out.h5.lock")));
  }
  // A limit without a unit, and --dry-run on a cluster experiment: refused, saying what to do.
  auto r = test::run_shiftsim({"run", s.toml, "--max-size", "100", "--dry-run"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("--max-size \"100\": no unit"));
  r = test::run_shiftsim({"run", s.toml, "--max-size", "100GB", "--dry-run"});
  CHECK(r.exit_code == 0);
}
