// libFuzzer target: experiment files (experiments/experiment.hpp, parse_experiment) on the input
// text, relative paths resolved against a folder that does not exist. Checks what the header
// promises of a parsed experiment.
#include <algorithm>
#include <set>

#include "experiments/experiment.hpp"
#include "fuzz_common.hpp"
#include "fuzz_paths.hpp"

namespace x = shiftsim::experiments;
using shiftsim::fuzz::require;

namespace {

void check(const x::Experiment& e) {
  require(!e.regions.empty(), "experiment without regions");
  require(!e.years.empty() && std::is_sorted(e.years.begin(), e.years.end()) &&
              std::adjacent_find(e.years.begin(), e.years.end()) == e.years.end(),
          "years not increasing");
  require(e.step.count() > 0 && 86400 % e.step.count() == 0, "step does not divide a day");
  require(!e.workloads.empty(), "experiment without workloads");
  require(!e.policies.empty(), "experiment without policies");
  std::set<std::string> labels;
  for (const auto& p : e.policies)
    require(labels.insert(p.label).second, "two policies with one label");
  require(!e.forecasts.empty() && !e.seeds.empty(), "no forecast or no seed");
  if (e.starts.kind == x::StartScheme::Kind::every)
    require(e.starts.every.count() > 0 && e.starts.every.count() % e.step.count() == 0,
            "start interval not a positive multiple of the step");
  else
    require(e.starts.per_month >= 1 && e.starts.per_month <= 28, "per_month outside 1..28");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  shiftsim::fuzz::expect_ok_or_error(
      [&] { check(x::parse_experiment(text, "fuzz.toml", shiftsim::fuzz::missing_dir())); });
  return 0;
}
