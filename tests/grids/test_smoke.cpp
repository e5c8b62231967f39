#include <catch2/catch.hpp>

#include "tests/support/cli.hpp"

TEST_CASE("the binary runs and reports its version", "[cli]") {
  auto r = shiftsim::test::run_shiftsim({"--version"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("shiftsim") != std::string::npos);
}
