// libFuzzer target: cluster experiment files (experiments/cluster_experiment.hpp):
// is_cluster_experiment, then parse_cluster_experiment on the input text, relative paths (the
// trace, the store) resolved against a folder that does not exist. Checks what the header
// promises of a parsed cluster experiment.
#include <set>

#include "experiments/cluster_experiment.hpp"
#include "fuzz_common.hpp"
#include "fuzz_paths.hpp"

namespace x = shiftsim::experiments;
using shiftsim::fuzz::require;

namespace {

void check(const x::ClusterExperiment& e) {
  require(e.step.count() > 0 && 86400 % e.step.count() == 0, "step does not divide a day");
  require(!e.sites.empty() && e.sites.size() == e.site_texts.size(),
          "sites missing or not one per text");
  std::set<std::string> regions;
  for (const auto& s : e.sites) {
    require(regions.insert(s.region).second, "a region twice");
  }
  require(!e.capacity_scales.empty(), "no capacity scale");
  std::set<double> scales;
  for (double c : e.capacity_scales)
    require(c > 0 && scales.insert(c).second, "capacity scale not positive or listed twice");
  require(!e.schedulers.empty(), "no scheduler");
  std::set<std::string> names(e.schedulers.begin(), e.schedulers.end());
  require(names.size() == e.schedulers.size(), "a scheduler twice");
  require(!e.forecasts.empty() && !e.seeds.empty(), "no forecast or no seed");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  shiftsim::fuzz::expect_ok_or_error([&] { (void)x::is_cluster_experiment(text, "fuzz.toml"); });
  shiftsim::fuzz::expect_ok_or_error([&] {
    check(x::parse_cluster_experiment(text, "fuzz.toml", shiftsim::fuzz::missing_dir()));
  });
  return 0;
}
