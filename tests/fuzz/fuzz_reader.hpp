#pragma once
// The body of a per-format reader target: run `read` on the input with each set of options.
#include <initializer_list>

#include "fuzz_common.hpp"
#include "grids/readers/reader.hpp"

namespace shiftsim::fuzz {

inline void run_reader(grids::RawFile (*read)(const grids::ReaderInput&), std::string_view text,
                       std::initializer_list<const grids::ImportOptions*> variants) {
  for (const grids::ImportOptions* options : variants) {
    expect_ok_or_error([&] {
      const grids::ReaderInput in{"fuzz.csv", text, *options};
      check_raw(read(in));
    });
  }
}

}  // namespace shiftsim::fuzz
