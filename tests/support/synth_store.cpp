#include "tests/support/synth_store.hpp"

#include <catch2/catch.hpp>

#include "tests/support/cli.hpp"

namespace shiftsim::test {

SynthStore::SynthStore() {
  const auto r = run_shiftsim(
      {"grids", "synth", "--years", "2022", "--step", "1h", "--seed", "1", "--into", store});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
}

}  // namespace shiftsim::test
