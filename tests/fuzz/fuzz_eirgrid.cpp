// libFuzzer target: the EirGrid Smart Grid Dashboard reader (grids/readers/eirgrid.cpp):
// headerless rows in Europe/Dublin local time, with its DST conventions.
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions defaults{};
  shiftsim::fuzz::run_reader(g::read_eirgrid, shiftsim::fuzz::as_text(data, size), {&defaults});
  return 0;
}
