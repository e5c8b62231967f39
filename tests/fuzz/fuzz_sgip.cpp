// libFuzzer target: the SGIP reader (grids/readers/sgip.cpp), MOER with its 36 issued forecasts,
// in its default kg/kWh and with an explicit --unit lbs/MWh.
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions defaults{};
  static const g::ImportOptions lbs = [] {
    g::ImportOptions o;
    o.unit = "lbs/MWh";
    return o;
  }();
  shiftsim::fuzz::run_reader(g::read_sgip, shiftsim::fuzz::as_text(data, size), {&defaults, &lbs});
  return 0;
}
