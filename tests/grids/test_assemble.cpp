// The assembler: ordering, duplicates, steps, gaps and resampling, on hand-made raw points.
#include <catch2/catch.hpp>
#include <cmath>

#include "grids/assemble.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

namespace {
const double kGap = std::nan("");

RawFile file_of(const std::string& name, std::vector<std::pair<int, double>> minutes_values,
                int step_minutes = 60) {
  RawFile f;
  f.path = name;
  f.file = {name, "hash-" + name};
  f.key = {"XX", Signal::average, Basis::direct};
  f.source = "test";
  std::uint32_t line = 2;
  for (auto [m, v] : minutes_values)
    f.points.push_back(
        {make_time(2020, 1, 1) + std::chrono::minutes{m * step_minutes / 60}, v, false, line++});
  return f;
}

Series one(std::vector<RawFile> files, const ImportOptions& o = {}) {
  auto s = assemble(std::move(files), o);
  REQUIRE(s.size() == 1);
  return s.front();
}
}  // namespace

TEST_CASE("a clean file becomes a regular series", "[grids][assemble]") {
  auto s = one({file_of("a.csv", {{0, 1}, {60, 2}, {120, 3}})});
  CHECK(s.start == make_time(2020, 1, 1));
  CHECK(s.step == Seconds{3600});
  CHECK(s.values == std::vector<double>{1, 2, 3});
  CHECK(s.repairs.empty());
}

TEST_CASE("files of one zone concatenate in time order, whatever the argument order",
          "[grids][assemble]") {
  auto s =
      one({file_of("b.csv", {{180, 4}, {240, 5}}), file_of("a.csv", {{0, 1}, {60, 2}, {120, 3}})});
  CHECK(s.values == std::vector<double>{1, 2, 3, 4, 5});
  REQUIRE(s.files.size() == 2);
  CHECK(s.files[0].name == "a.csv");
}

TEST_CASE("out-of-order timestamps are an error naming the line", "[grids][assemble]") {
  CHECK_THROWS_WITH(one({file_of("a.csv", {{0, 1}, {120, 2}, {60, 3}})}),
                    Catch::Contains("a.csv:4") && Catch::Contains("out of order"));
}

TEST_CASE("duplicates follow the policy", "[grids][assemble]") {
  auto identical = file_of("a.csv", {{0, 1}, {60, 2}, {60, 2}, {120, 3}});
  auto differing = file_of("a.csv", {{0, 1}, {60, 2}, {60, 9}, {120, 3}});
  ImportOptions o;
  SECTION("identical repeats are dropped and counted by default") {
    auto s = one({identical}, o);
    CHECK(s.values == std::vector<double>{1, 2, 3});
    CHECK(s.repairs.at("duplicates_dropped") == 1);
  }
  SECTION("differing repeats are an error by default") {
    CHECK_THROWS_WITH(one({differing}, o),
                      Catch::Contains("a.csv:4") && Catch::Contains("keep-first"));
  }
  SECTION("error refuses even identical repeats") {
    o.duplicates = DuplicatePolicy::error;
    CHECK_THROWS_WITH(one({identical}, o),
                      Catch::Contains("a.csv:4") && Catch::Contains("duplicated"));
  }
  SECTION("keep-first and keep-last choose, and count") {
    o.duplicates = DuplicatePolicy::keep_first;
    auto first = one({differing}, o);
    CHECK(first.values[1] == 2);
    CHECK(first.repairs.at("duplicates_kept_first") == 1);
    o.duplicates = DuplicatePolicy::keep_last;
    auto last = one({differing}, o);
    CHECK(last.values[1] == 9);
    CHECK(last.repairs.at("duplicates_kept_last") == 1);
  }
  SECTION("files that overlap with different values are an error naming both") {
    CHECK_THROWS_WITH(
        one({file_of("a.csv", {{0, 1}, {60, 2}}), file_of("b.csv", {{60, 7}, {120, 3}})}),
        Catch::Contains("b.csv:2") && Catch::Contains("a.csv:3"));
  }
  SECTION("an empty cell repeated next to a value is no conflict") {
    auto s = one({file_of("a.csv", {{0, 1}, {60, kGap}, {60, 2}, {120, 3}})}, o);
    CHECK(s.values == std::vector<double>{1, 2, 3});
  }
}

TEST_CASE("a step change is an error unless the data are resampled", "[grids][assemble]") {
  // Hourly, then quarter-hourly: 15 min is no multiple of the step (1 h).
  std::vector<std::pair<int, double>> pts{{0, 1},   {60, 2},  {120, 3}, {180, 4}, {240, 5},
                                          {300, 6}, {315, 7}, {330, 8}, {345, 9}, {360, 10}};
  CHECK_THROWS_WITH(one({file_of("a.csv", pts)}),
                    Catch::Contains("a.csv:8") && Catch::Contains("--resample"));
  ImportOptions o;
  o.resample = Seconds{3600};
  auto s = one({file_of("a.csv", pts)}, o);
  // Each value holds until the next timestamp, at most 1 h: the 05:00 slot averages 6,7,8,9.
  CHECK(s.values == std::vector<double>{1, 2, 3, 4, 5, 7.5, 10});
  CHECK(s.repairs.at("resampled") == 1);
  CHECK((s.flags[5] & kRepaired) != 0);
  CHECK((s.flags[4] & kRepaired) == 0);
}

TEST_CASE("a regular coarser section is a step change, not a run of gaps", "[grids][assemble]") {
  std::vector<std::pair<int, double>> pts{{0, 1},   {15, 1},  {30, 1},  {45, 1},  {60, 1},
                                          {75, 1},  {90, 1},  {105, 1}, {120, 1}, {180, 1},
                                          {240, 1}, {300, 1}, {315, 1}};
  CHECK_THROWS_WITH(one({file_of("a.csv", pts)}),
                    Catch::Contains("a.csv:11") && Catch::Contains("step changes"));
  // A single longer interval stays a gap.
  CHECK_THROWS_WITH(one({file_of("b.csv", {{0, 1}, {15, 1}, {30, 1}, {90, 1}, {105, 1}})}),
                    Catch::Contains("gap of 45min"));
}

TEST_CASE("gaps are errors unless repaired, and repairs are counted and flagged",
          "[grids][assemble]") {
  auto missing_rows = file_of("a.csv", {{0, 10}, {60, 20}, {240, 50}});  // 02:00, 03:00 missing
  auto empty_cells = file_of("a.csv", {{0, 10}, {60, 20}, {120, kGap}, {180, kGap}, {240, 50}});
  ImportOptions o;
  CHECK_THROWS_WITH(one({missing_rows}, o),
                    Catch::Contains("a.csv:4") && Catch::Contains("gap of 2h"));
  // An empty cell is reported at its own row; missing rows at the row after the gap.
  CHECK_THROWS_WITH(one({empty_cells}, o), Catch::Contains("a.csv:4") && Catch::Contains("--gaps"));
  o.gaps = GapPolicy::interpolate;
  for (const auto& f : {missing_rows, empty_cells}) {
    auto s = one({f}, o);
    CHECK(s.values == std::vector<double>{10, 20, 30, 40, 50});
    CHECK(s.repairs.at("gaps_interpolated") == 2);
    CHECK(s.flags == std::vector<std::uint8_t>{0, 0, kRepaired, kRepaired, 0});
  }
  o.gaps = GapPolicy::hold;
  auto held = one({missing_rows}, o);
  CHECK(held.values == std::vector<double>{10, 20, 20, 20, 50});
  CHECK(held.repairs.at("gaps_held") == 2);
  o.max_gap = Seconds{3600};
  CHECK_THROWS_WITH(one({missing_rows}, o), Catch::Contains("--max-gap"));
  o.max_gap = Seconds{7200};
  CHECK_NOTHROW(one({missing_rows}, o));
}

TEST_CASE("empty cells at either end are trimmed and counted", "[grids][assemble]") {
  auto s = one({file_of("a.csv", {{0, kGap}, {60, 1}, {120, 2}, {180, kGap}, {240, kGap}})});
  CHECK(s.start == make_time(2020, 1, 1, 1));
  CHECK(s.values == std::vector<double>{1, 2});
  CHECK(s.repairs.at("trimmed_empty_ends") == 3);
}

TEST_CASE("different zones in one import become different series", "[grids][assemble]") {
  auto a = file_of("a.csv", {{0, 1}, {60, 2}});
  auto b = file_of("b.csv", {{0, 3}, {60, 4}});
  b.key.zone = "YY";
  auto out = assemble({a, b}, {});
  REQUIRE(out.size() == 2);
  CHECK(out[0].key.zone == "XX");
  CHECK(out[1].key.zone == "YY");
}

TEST_CASE("a mistyped year is refused before any memory is set aside for it", "[grids][assemble]") {
  RawFile f;
  f.path = "typo.csv";
  f.key = {"XX", Signal::average, Basis::direct};
  f.points = {{make_time(2022, 1, 1), 1, false, 2},
              {make_time(2022, 1, 1, 0, 1), 1, false, 3},
              {make_time(9999, 1, 1), 1, false, 4}};
  ImportOptions o;
  CHECK_THROWS_WITH(one({f}, o), Catch::Contains("typo.csv:4") && Catch::Contains("mistyped year"));
  o.gaps = GapPolicy::interpolate;
  CHECK_THROWS_WITH(one({f}, o), Catch::Contains("typo.csv:4"));
  o.resample = Seconds{3600};
  CHECK_THROWS_WITH(one({f}, o), Catch::Contains("typo.csv:4"));
}
