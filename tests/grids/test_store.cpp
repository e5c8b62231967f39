// The HDF5 grid store: round trip, same content -> same bytes, and all-or-nothing saves.
#include <catch2/catch.hpp>
#include <filesystem>

#include "grids/store.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

namespace {
Series sample(const std::string& zone, double base) {
  Series s;
  s.key = {zone, Signal::average, Basis::lifecycle};
  s.source = "Electricity Maps (CSV export)";
  s.start = make_time(2021, 1, 1);
  s.step = Seconds{3600};
  for (int i = 0; i < 100; ++i) s.values.push_back(base + i * 0.25);
  s.flags.assign(100, 0);
  s.flags[3] = kEstimated;
  s.flags[4] = kRepaired;
  s.files = {{"GB_2021_hourly.csv", std::string(64, 'a')}};
  s.repairs = {{"duplicates_dropped", 3}, {"gaps_interpolated", 1}};
  return s;
}
}  // namespace

TEST_CASE("a store round-trips every field", "[grids][store]") {
  test::TempDir dir;
  GridStore store;
  store.put(sample("GB", 100));
  store.put(sample("US-CAL-CISO", 200));
  store.save(dir.file("s.h5"));
  auto back = GridStore::load(dir.file("s.h5"));
  REQUIRE(back.series().size() == 2);
  const Series& a = *back.find({"GB", Signal::average, Basis::lifecycle});
  const Series b = sample("GB", 100);
  CHECK(a.source == b.source);
  CHECK(a.start == b.start);
  CHECK(a.step == b.step);
  CHECK(a.values == b.values);
  CHECK(a.flags == b.flags);
  CHECK(a.files == b.files);
  CHECK(a.repairs == b.repairs);
  CHECK(back.find_zone("US-CAL-CISO").size() == 1);
}

TEST_CASE("the same content gives the same bytes", "[grids][store]") {
  test::TempDir dir;
  GridStore one, two;
  one.put(sample("GB", 1));
  one.put(sample("DE", 2));
  two.put(sample("DE", 2));  // other insertion order
  two.put(sample("GB", 1));
  one.save(dir.file("a.h5"));
  two.save(dir.file("b.h5"));
  CHECK(test::read_bytes(dir.file("a.h5")) == test::read_bytes(dir.file("b.h5")));
  // Load and save again: still identical.
  GridStore::load(dir.file("a.h5")).save(dir.file("c.h5"));
  CHECK(test::read_bytes(dir.file("a.h5")) == test::read_bytes(dir.file("c.h5")));
}

TEST_CASE("a failed save leaves the existing store byte-identical", "[grids][store]") {
  test::TempDir dir;
  GridStore store;
  store.put(sample("GB", 1));
  store.save(dir.file("s.h5"));
  const auto before = test::read_bytes(dir.file("s.h5"));
  GridStore broken = store;
  Series bad = sample("a/b/c/d", 1);  // a zone that HDF5 cannot hold as one group name
  broken.put(bad);
  CHECK_THROWS_AS(broken.save(dir.file("s.h5")), Error);
  CHECK(test::read_bytes(dir.file("s.h5")) == before);
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    CHECK(e.path().filename().string().find(".tmp-") == std::string::npos);
}

TEST_CASE("loading something that is not a store is a clear error", "[grids][store]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(GridStore::load(dir.file("missing.h5")),
                    Catch::Contains("missing.h5") && Catch::Contains("grids import"));
  dir.write("text.h5", "not hdf5");
  CHECK_THROWS_WITH(GridStore::load(dir.file("text.h5")), Catch::Contains("not an HDF5 file"));
  CHECK(GridStore::load_or_empty(dir.file("missing.h5")).empty());
}
