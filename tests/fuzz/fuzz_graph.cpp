// libFuzzer target: job graph files (workloads/graph.hpp, JobGraph::parse) on the input text,
// workloads resolved from the built-in catalog only (no file is read), then the schedule.
// Checks what the header promises: a topological order of every job, each after its parents,
// and a schedule whose critical jobs have no slack without a deadline.
#include <vector>

#include "fuzz_common.hpp"
#include "workloads/graph.hpp"

namespace w = shiftsim::workloads;
using shiftsim::fuzz::require;

namespace {

void check(const w::JobGraph& g) {
  require(g.size() >= 1, "graph without jobs");
  const auto order = g.topological_order();
  require(order.size() == g.size(), "order does not hold every job once");
  std::vector<std::size_t> pos(g.size(), g.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    require(order[k] < g.size() && pos[order[k]] == g.size(), "order repeats or leaves a job");
    pos[order[k]] = k;
  }
  for (std::size_t i = 0; i < g.size(); ++i)
    for (auto p : g.jobs()[i].parents) require(pos[p] < pos[i], "job before one of its parents");
  const auto s = g.schedule();
  require(s.feasible && s.makespan == g.critical_path_length(), "schedule without a deadline");
  require(!s.critical_path.empty(), "no critical path");
  for (const auto& t : s.jobs)
    require(t.slack.count() >= 0 && t.latest_start >= t.earliest_start, "negative slack");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const w::WorkloadResolver resolve = w::catalog_resolver();
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  shiftsim::fuzz::expect_ok_or_error(
      [&] { check(w::JobGraph::parse(text, "fuzz.toml", resolve)); });
  return 0;
}
