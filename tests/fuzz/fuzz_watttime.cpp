// libFuzzer target: the WattTime MOER reader (grids/readers/watttime.cpp), in its default
// lbs/MWh and with an explicit --unit kg/kWh.
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions defaults{};
  static const g::ImportOptions kg = [] {
    g::ImportOptions o;
    o.unit = "kg/kWh";
    return o;
  }();
  shiftsim::fuzz::run_reader(g::read_watttime, shiftsim::fuzz::as_text(data, size),
                             {&defaults, &kg});
  return 0;
}
