// libFuzzer target: the Electricity Maps API history reader
// (grids/readers/electricitymaps_api.cpp). The format names no zone, so --zone is given (without it
// every input is refused at once).
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions with_zone = [] {
    g::ImportOptions o;
    o.zone = "FR";
    return o;
  }();
  shiftsim::fuzz::run_reader(g::read_electricitymaps_api, shiftsim::fuzz::as_text(data, size),
                             {&with_zone});
  return 0;
}
