// libFuzzer target: workload files (workloads/workload_file.hpp, parse_workload_file) on the
// input text, a measured profile's file resolved against a folder that does not exist. Checks
// what a Workload promises: a profile with a positive duration and finite, non-negative power.
#include <cmath>

#include "fuzz_common.hpp"
#include "fuzz_paths.hpp"
#include "workloads/workload_file.hpp"

namespace w = shiftsim::workloads;
using shiftsim::fuzz::require;

namespace {

void check(const w::Workload& wl) {
  require(!wl.name.empty(), "workload without a name");
  require(wl.accelerators >= 1, "workload without accelerators");
  const auto& p = wl.profile;
  require(p.step().count() > 0 && p.duration().count() > 0, "profile without step or duration");
  for (double v : p.watts()) require(std::isfinite(v) && v >= 0, "profile value not finite or < 0");
  const double kwh = wl.energy().value;
  require(std::isfinite(kwh) && kwh >= 0, "facility energy not finite or negative");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  shiftsim::fuzz::expect_ok_or_error(
      [&] { check(w::parse_workload_file(text, "fuzz.toml", shiftsim::fuzz::missing_dir())); });
  return 0;
}
