#include <catch2/catch.hpp>
#include <set>

#include "grids/regions.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

TEST_CASE("the 16 paper regions, in the paper's order", "[grids][regions]") {
  auto r = paper_regions();
  REQUIRE(r.size() == 16);
  CHECK(r.front().label == "East US");
  CHECK(r.back().label == "Australia");
  std::set<std::string> bas, clouds;
  for (const auto& x : r) {
    bas.insert(x.watttime_ba);
    clouds.insert(x.cloud_region);
  }
  CHECK(bas.size() == 16);  // surrogate and marginal series are keyed by BA: it must be unique
  CHECK(clouds.size() == 16);
}

TEST_CASE("a region is found by label, cloud name, zone id or BA", "[grids][regions]") {
  CHECK(resolve_region("West US2").cloud_region == "westus2");
  CHECK(resolve_region("westus2").label == "West US2");
  CHECK(resolve_region("us-nw-gcpd").label == "West US2");
  CHECK(resolve_region("GCPD").label == "West US2");
  CHECK(resolve_region("uk south").zone == "GB");
  CHECK(zone_for("Norway") == "NO-NO1");
  CHECK(zone_for("US-NY-NYIS") == "US-NY-NYIS");
  CHECK(find_region_by_ba("caiso_north")->label == "West US");
  CHECK_THROWS_WITH(resolve_region("Mars"), Catch::Contains("East US"));
}
