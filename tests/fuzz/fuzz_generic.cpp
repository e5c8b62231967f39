// libFuzzer target: the generic CSV reader (grids/readers/generic.cpp), once with ISO 8601 UTC
// timestamps and once with a strftime layout in a DST time zone, ';' delimiter, kg/kWh and a
// skipped preamble row.
#include "fuzz_reader.hpp"

namespace g = shiftsim::grids;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions iso = [] {
    g::ImportOptions o;
    o.format = "generic";
    o.zone = "FZ";
    o.value_column = "value";
    return o;
  }();
  static const g::ImportOptions local = [] {
    g::ImportOptions o;
    o.format = "generic";
    o.zone = "FZ";
    o.time_column = "time";
    o.value_column = "CO2 (kg/kWh)";
    o.time_format = "%d.%m.%Y %H:%M";
    o.timezone = "Europe/Berlin";
    o.unit = "kg/kWh";
    o.delimiter = ';';
    o.skip_rows = 1;
    return o;
  }();
  shiftsim::fuzz::run_reader(g::read_generic, shiftsim::fuzz::as_text(data, size), {&iso, &local});
  return 0;
}
