#include "workloads/jobs/graph_jobs.hpp"

#include <fmt/format.h>

#include <utility>

#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"
#include "workloads/jobs/site_power.hpp"

namespace shiftsim::workloads::jobs {

std::vector<ClusterJob> jobs_from_graph(const workloads::JobGraph& graph, std::int64_t at,
                                        std::optional<Seconds> deadline, bool interruptible) {
  const auto order = graph.topological_order();
  std::vector<JobId> position(graph.size());
  for (std::size_t k = 0; k < order.size(); ++k) position[order[k]] = static_cast<JobId>(k);
  std::optional<workloads::GraphSchedule> timing;
  if (deadline) {
    timing = graph.schedule(*deadline);
    // Every job would get a deadline before it could finish: refused rather than counted as
    // misses, since no scheduler could have met it.
    if (!timing->feasible) {
      throw ConfigError(fmt::format(
          "graph '{}': its deadline {} is shorter than its critical path {}, so no schedule "
          "meets it; give a deadline of at least {} (shiftsim workloads graph shows the path)",
          graph.name(), format_duration(*deadline), format_duration(timing->makespan),
          format_duration(timing->makespan)));
    }
  }
  std::vector<ClusterJob> out;
  out.reserve(graph.size());
  for (std::size_t i : order) {
    const auto& g = graph.jobs()[i];
    ClusterJob j;
    j.id = graph.name() + "/" + g.id;
    j.arrival = at;
    j.accelerators = g.workload.accelerators > 0 ? g.workload.accelerators : 1;
    j.power = site_power(g.workload);
    j.workload = g.workload.name;
    j.interruptible = interruptible;
    j.line = g.line;
    if (timing) j.deadline = at + (timing->jobs[i].latest_start + j.length()).count();
    for (std::size_t p : g.parents) j.parents.push_back(position[p]);
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<ClusterJob> merge_jobs(std::vector<ClusterJob> a, std::vector<ClusterJob> b) {
  std::vector<ClusterJob> out;
  out.reserve(a.size() + b.size());
  std::vector<JobId> new_a(a.size()), new_b(b.size());
  std::size_t i = 0, k = 0;
  while (i < a.size() || k < b.size()) {
    const bool take_a = k == b.size() || (i < a.size() && a[i].arrival <= b[k].arrival);
    const auto id = static_cast<JobId>(out.size());
    if (take_a) {
      new_a[i] = id;
      out.push_back(std::move(a[i]));
      for (JobId& p : out.back().parents) p = new_a[p];
      ++i;
    } else {
      new_b[k] = id;
      out.push_back(std::move(b[k]));
      for (JobId& p : out.back().parents) p = new_b[p];
      ++k;
    }
  }
  return out;
}

}  // namespace shiftsim::workloads::jobs
