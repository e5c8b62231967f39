// The cell journal: cells appended as they finish survive a run that dies without saving
// (simulated here by dropping the run's result), come back byte for byte, and a torn, garbled or
// foreign journal is cut or refused, never half-read.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <limits>

#include "experiments/cells.hpp"
#include "experiments/chunk_compression.hpp"
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
// A result of a run with a journal: its per-start values are written from the journal.
std::string bytes_of(const RunResult& r, const test::TempDir& dir, const std::string& name) {
  write_result(r, dir.file(name), /*overwrite=*/true);
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

// A complete run's cube (every value held) and the skeleton a streamed run starts from: its
// per-start variables external, its held shares zero.
struct Shapes {
  Cube full, empty;
};
Shapes shapes() {
  const auto full = run_experiment(test::small_experiment(), test::small_store(), RunOptions{});
  Shapes s{full.cube, full.cube};
  for (auto& v : s.empty.vars) {
    if (v.dims.back() != "start" || v.name == "baseline_g") continue;
    v.external = true;
    v.f64.clear();
    v.i32.clear();
  }
  for (const auto& share : cell_shares(s.empty)) {
    auto& v = s.empty.vars[share.var];
    std::fill(v.f64.begin(), v.f64.end(), 0.0);
    std::fill(v.i32.begin(), v.i32.end(), 0);
  }
  return s;
}

// Cell c's chunks as a streamed run journals them: each external variable's values of the cell,
// compressed as the cube file stores them.
CellChunks chunks_of(const Shapes& s, std::size_t c) {
  CellChunks out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::int32_t missing = kMissingI32;
  const std::size_t t = s.full.dim("start").size();
  for (std::size_t i : external_shares(s.empty).vars) {
    const auto& v = s.full.vars[i];
    const bool f64 = v.type == DType::f64;
    const auto* values = f64 ? reinterpret_cast<const unsigned char*>(v.f64.data() + c * t)
                             : reinterpret_cast<const unsigned char*>(v.i32.data() + c * t);
    for (auto& chunk : compress_row(values, t, f64 ? 8 : 4, s.empty.vars[i].chunk.back(),
                                    f64 ? reinterpret_cast<const unsigned char*>(&nan)
                                        : reinterpret_cast<const unsigned char*>(&missing)))
      out.push_back(std::move(chunk));
  }
  return out;
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
  CHECK(bytes_of(resumed, dir, "resumed.h5") == bytes_of(full.cube, dir, "full.h5"));
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
  CHECK(bytes_of(done, dir, "done.h5") == bytes_of(full.cube, dir, "full.h5"));
}

TEST_CASE("a run with a journal writes the same bytes as one holding every value",
          "[experiments][journal]") {
  const auto store = test::small_store();
  const auto e = test::small_experiment();
  test::TempDir dir;
  const auto full = run_experiment(e, store, RunOptions{});
  RunOptions o;
  o.threads = 2;
  o.journal = dir.file("j");
  const auto streamed = run_experiment(e, store, o);
  REQUIRE(streamed.complete());
  // Nothing per start is held: those values live in the journal only.
  CHECK(streamed.cube.var("emissions_g").external);
  CHECK(streamed.cube.var("emissions_g").f64.empty());
  CHECK(streamed.cube.var("pauses").i32.empty());
  CHECK(bytes_of(streamed, dir, "streamed.h5") == bytes_of(full.cube, dir, "full.h5"));
  // And the file reads back as the held cube, value for value.
  const Cube back = read_cube(dir.file("streamed.h5"));
  for (const auto& v : full.cube.vars) {
    CHECK(test::same_bytes(back.var(v.name).f64, v.f64));
    CHECK(back.var(v.name).i32 == v.i32);
  }
}

TEST_CASE("journal records come back byte for byte; a torn tail is cut", "[experiments][journal]") {
  const auto s = shapes();
  test::TempDir dir;
  const fs::path path = dir.file("j");
  const std::size_t cells = cell_count(s.full);
  REQUIRE(cells > 10);
  const auto ext = external_shares(s.empty);
  REQUIRE(ext.vars.size() == 6);
  std::vector<std::uintmax_t> ends;  // the file's size after the header and each record
  {
    auto j = CellJournal::create(path, s.empty);
    ends.push_back(fs::file_size(path));
    for (std::size_t c : {3, 0, 7, 5}) {
      j.append(c, s.full, chunks_of(s, c));
      ends.push_back(fs::file_size(path));
    }
  }
  const auto size4 = fs::file_size(path);

  SECTION("all records") {
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    const auto j = CellJournal::reopen(path, cube, done);
    for (std::size_t c = 0; c < cells; ++c)
      CHECK(done[c] == (c == 0 || c == 3 || c == 5 || c == 7));
    std::uint64_t total = 0;
    for (std::size_t c : {3, 0, 7, 5}) {
      Cube expected = s.empty;
      copy_cell(s.full, expected, c);
      Cube got = s.empty;
      copy_cell(cube, got, c);
      for (std::size_t v = 0; v < got.vars.size(); ++v) {
        CHECK(test::same_bytes(got.vars[v].f64, expected.vars[v].f64));
        CHECK(got.vars[v].i32 == expected.vars[v].i32);
      }
      const auto chunks = chunks_of(s, c);
      std::vector<unsigned char> back;
      for (std::size_t k = 0; k < chunks.size(); ++k) {
        REQUIRE(j.read_chunk(c, k, back));
        CHECK(back == chunks[k]);
        total += chunks[k].size();
      }
    }
    std::vector<unsigned char> none;
    CHECK_FALSE(j.read_chunk(1, 0, none));
    CHECK(j.chunk_bytes() == total);
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
      j.append(9, s.full, chunks_of(s, 9));
      std::vector<unsigned char> back;
      REQUIRE(j.read_chunk(9, 0, back));
      CHECK(back == chunks_of(s, 9)[0]);
    }
    const auto appended = fs::file_size(path);
    CHECK(appended > ends[3]);  // record 9 follows record 7, where the torn one was cut
    Cube again = s.empty;
    std::vector<std::uint8_t> done2(cells, 0);
    (void)CellJournal::reopen(path, again, done2);
    CHECK(done2[5] == 0);
    CHECK(done2[9] == 1);
    CHECK(fs::file_size(path) == appended);  // nothing torn this time
  }
  SECTION("a garbled record ends the journal there") {
    std::string bytes = test::read_bytes(path);
    bytes[ends[1] + 40] ^= 0x10;  // inside the second record's values
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    (void)CellJournal::reopen(path, cube, done);
    CHECK(done[3] == 1);
    CHECK(done[0] == 0);
    CHECK(done[7] == 0);
    CHECK(fs::file_size(path) == ends[1]);
  }
  SECTION("a record whose length is garbled ends the journal there, without a huge read") {
    std::string bytes = test::read_bytes(path);
    bytes[ends[1] + 8 + 6] = '\x7f';  // the second record's payload length, now ~2^55
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    (void)CellJournal::reopen(path, cube, done);
    CHECK(done[3] == 1);
    CHECK(done[0] == 0);
    CHECK(fs::file_size(path) == ends[1]);
  }
  SECTION("a journal of an older format is refused with its version, and left as it is") {
    std::string bytes = test::read_bytes(path);
    bytes[22] = 1;  // the format version, after the 22-byte magic
    bytes[23] = bytes[24] = bytes[25] = 0;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    Cube cube = s.empty;
    std::vector<std::uint8_t> done(cells, 0);
    try {
      (void)CellJournal::reopen(path, cube, done);
      FAIL("an older journal was read");
    } catch (const IoError& err) {
      CHECK_THAT(err.what(), Catch::Contains("format 1") && Catch::Contains("older") &&
                                 Catch::Contains("delete the journal"));
    }
    CHECK(fs::file_size(path) == size4);
  }
  SECTION("a journal of another experiment is refused, and left as it is") {
    Cube other = s.empty;
    other.attrs["experiment"] = "something else";
    std::vector<std::uint8_t> done(cells, 0);
    CHECK_THROWS_AS(CellJournal::reopen(path, other, done), ConfigError);
    CHECK(fs::file_size(path) == size4);
    CHECK(std::count(done.begin(), done.end(), 1) == 0);
  }
  SECTION("a journal whose header is cut short says so, and is left as it is") {
    const std::string bytes = test::read_bytes(path);
    const auto cut = dir.write("cut.journal", bytes.substr(0, 40));  // magic and version kept
    std::vector<std::uint8_t> done(cells, 0);
    Cube cube = s.empty;
    try {
      (void)CellJournal::reopen(cut, cube, done);
      FAIL("a cut journal was read");
    } catch (const IoError& err) {
      CHECK_THAT(err.what(), Catch::Contains("cut short") && Catch::Contains("delete it"));
    }
    CHECK(fs::file_size(cut) == 40);
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
