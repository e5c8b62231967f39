// The cell journal: cells appended as they finish survive a run that dies without saving
// (simulated here by dropping the run's result), come back byte for byte, and a torn, garbled or
// foreign journal is cut or refused, never half-read.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "experiments/cells.hpp"
#include "experiments/cube_file.hpp"
#include "experiments/journal.hpp"
#include "experiments/runner.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/same_bytes.hpp"
#include "tests/support/sweep.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;
namespace fs = std::filesystem;

namespace {

std::string bytes_of(const Cube& c, const test::TempDir& dir, const std::string& name) {
  write_cube(c, dir.file(name), /*overwrite=*/true);
  return test::read_bytes(dir.file(name));
}

// A run that dies after `cells` cells: the journal keeps what it wrote, the result is dropped
// (as if the process had been killed before it could write a partial cube).
void run_and_die(const Experiment& e, const grids::GridStore& store, const fs::path& journal,
                 std::size_t cells, bool resume_journal) {
  std::atomic<bool> stop{false};
  RunOptions o;
  o.threads = 2;
  o.stop = &stop;
  o.journal = journal;
  o.resume_journal = resume_journal;
  o.progress = [&](std::size_t done, std::size_t) {
    if (done >= cells) stop = true;
  };
  (void)run_experiment(e, store, o);
}

// The skeleton of the sweep's cube with the cells of a complete run, for the unit tests.
struct Shapes {
  Cube full, empty;
};
Shapes shapes() {
  const auto full = run_experiment(test::small_experiment(), test::small_store(), RunOptions{});
  Shapes s{full.cube, full.cube};
  for (const auto& share : cell_shares(s.empty)) {
    auto& v = s.empty.vars[share.var];
    std::fill(v.f64.begin(), v.f64.end(), 0.0);
    std::fill(v.i32.begin(), v.i32.end(), 0);
  }
  return s;
}

}  // namespace

TEST_CASE("a run killed without saving resumes from its journal to the same bytes",
          "[experiments][journal]") {
  const auto store = test::small_store();
  const auto e = test::small_experiment();
  test::TempDir dir;
  const auto full = run_experiment(e, store, RunOptions{});
  const fs::path journal = dir.file("out.h5.journal");

  run_and_die(e, store, journal, 9, false);
  REQUIRE(fs::exists(journal));
  // Killed again during the resumed run: the journal grows, still valid.
  run_and_die(e, store, journal, 17, true);

  RunOptions o;
  o.journal = journal;
  o.resume_journal = true;
  std::size_t computed = 0;
  o.progress = [&](std::size_t, std::size_t) { ++computed; };
  const auto resumed = run_experiment(e, store, o);
  REQUIRE(resumed.complete());
  CHECK(computed < resumed.cells);        // the journal's cells were not computed again
  CHECK(computed + 17 <= resumed.cells);  // at least 17 cells were journaled
  CHECK(bytes_of(resumed.cube, dir, "resumed.h5") == bytes_of(full.cube, dir, "full.h5"));
}

TEST_CASE("a journal and a partial cube together finish the run", "[experiments][journal]") {
  const auto store = test::small_store();
  const auto e = test::small_experiment();
  test::TempDir dir;
  const auto full = run_experiment(e, store, RunOptions{});
  const fs::path journal = dir.file("j");

  // Stopped cleanly: a partial cube (what SIGINT writes) ...
  std::atomic<bool> stop{false};
  RunOptions first;
  first.stop = &stop;
  first.progress = [&](std::size_t done, std::size_t) {
    if (done >= 5) stop = true;
  };
  const auto partial = run_experiment(e, store, first);
  REQUIRE_FALSE(partial.complete());
  // ... then resumed and killed: its journal holds only the new cells.
  std::atomic<bool> stop2{false};
  RunOptions second;
  second.resume = &partial.cube;
  second.journal = journal;
  second.resume_journal = true;
  second.stop = &stop2;
  second.progress = [&](std::size_t done, std::size_t) {
    if (done >= 12) stop2 = true;
  };
  (void)run_experiment(e, store, second);

  RunOptions last;
  last.resume = &partial.cube;
  last.journal = journal;
  last.resume_journal = true;
  const auto done = run_experiment(e, store, last);
  REQUIRE(done.complete());
  CHECK(bytes_of(done.cube, dir, "done.h5") == bytes_of(full.cube, dir, "full.h5"));
}

TEST_CASE("journal records come back byte for byte; a torn tail is cut", "[experiments][journal]") {
  const auto s = shapes();
  test::TempDir dir;
  const fs::path path = dir.file("j");
  const std::size_t cells = cell_count(s.full);
  REQUIRE(cells > 10);
  {
    auto j = CellJournal::create(path, s.empty);
    for (std::size_t c : {3, 0, 7, 5}) j.append(c, s.full);
  }
  const auto size4 = fs::file_size(path);

  SECTION("all records") {
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    (void)CellJournal::reopen(path, cube, done);
    for (std::size_t c = 0; c < cells; ++c)
      CHECK(done[c] == (c == 0 || c == 3 || c == 5 || c == 7));
    for (std::size_t c : {3, 0, 7, 5}) {
      Cube expected = s.empty;
      copy_cell(s.full, expected, c);
      Cube got = s.empty;
      copy_cell(cube, got, c);
      for (std::size_t v = 0; v < got.vars.size(); ++v) {
        CHECK(test::same_bytes(got.vars[v].f64, expected.vars[v].f64));
        CHECK(got.vars[v].i32 == expected.vars[v].i32);
      }
    }
  }
  SECTION("a torn last record is dropped and cut off; appending goes on after the last good one") {
    fs::resize_file(path, size4 - 100);
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    {
      auto j = CellJournal::reopen(path, cube, done);
      CHECK(done[3] == 1);
      CHECK(done[0] == 1);
      CHECK(done[7] == 1);
      CHECK(done[5] == 0);
      j.append(9, s.full);
    }
    Cube again = s.empty;
    std::vector<std::uint8_t> done2(cells, 0);
    (void)CellJournal::reopen(path, again, done2);
    CHECK(done2[5] == 0);
    CHECK(done2[9] == 1);
    CHECK(fs::file_size(path) == size4);
  }
  SECTION("a garbled record ends the journal there") {
    std::string bytes = test::read_bytes(path);
    const std::size_t rec = 8 + cell_bytes(s.full, cell_shares(s.full)) + 4;
    const std::size_t header = bytes.size() - 4 * rec;
    bytes[header + rec + 40] ^= 0x10;  // inside the second record's values
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    (void)CellJournal::reopen(path, cube, done);
    CHECK(done[3] == 1);
    CHECK(done[0] == 0);
    CHECK(done[7] == 0);
    CHECK(fs::file_size(path) == header + rec);
  }
  SECTION("a journal of another experiment is refused, and left as it is") {
    Cube other = s.empty;
    other.attrs["experiment"] = "something else";
    std::vector<std::uint8_t> done(cells, 0);
    CHECK_THROWS_AS(CellJournal::reopen(path, other, done), ConfigError);
    CHECK(fs::file_size(path) == size4);
    CHECK(std::count(done.begin(), done.end(), 1) == 0);
  }
  SECTION("something else is not a journal") {
    const auto junk =
        dir.write("junk", "hello, this is not a journal at all, not even close..........");
    std::vector<std::uint8_t> done(cells, 0);
    Cube cube = s.empty;
    CHECK_THROWS_AS(CellJournal::reopen(junk, cube, done), IoError);
  }
  SECTION("a new journal never replaces an existing one") {
    CHECK_THROWS_AS(CellJournal::create(path, s.empty), IoError);
    CHECK(fs::file_size(path) == size4);
  }
}
