#pragma once
// A grid store of SYNTHETIC surrogate series (the 16 paper regions, 2022 at 1 h, seed 1), made
// through the binary as a user would (`shiftsim grids synth`, about 0.1 s), in a temporary folder
// of its own: what the CLI tests run scenarios against.
#include <string>

#include "tests/support/fixtures.hpp"

namespace shiftsim::test {

struct SynthStore {
  TempDir dir;
  std::string store = dir.file("synth.h5");
  SynthStore();  // REQUIREs that the store was made
};

}  // namespace shiftsim::test
