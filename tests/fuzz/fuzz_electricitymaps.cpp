// libFuzzer target: the Electricity Maps CSV export reader (grids/readers/electricitymaps.cpp),
// on its default life-cycle basis and with --basis direct.
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions lifecycle{};
  static const g::ImportOptions direct = [] {
    g::ImportOptions o;
    o.basis = shiftsim::Basis::direct;
    return o;
  }();
  shiftsim::fuzz::run_reader(g::read_electricitymaps, shiftsim::fuzz::as_text(data, size),
                             {&lifecycle, &direct});
  return 0;
}
