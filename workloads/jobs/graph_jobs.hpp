#pragma once
// Job graphs (workloads/graph.hpp) as cluster jobs, and one job list from several sources.
//
// Every job of a graph arrives when the graph is submitted and is released when all of its
// parents have finished; the engine does the releasing. The list is in topological order so that
// parents come before their children, as the engine requires.
//
// Thread-safety: pure functions.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/cluster/job.hpp"
#include "workloads/graph.hpp"

namespace shiftsim::workloads::jobs {

using sim::cluster::ClusterJob;
using sim::cluster::JobId;

// The graph's jobs, submitted at `at`: ids "<graph name>/<job id>", accelerators and power from
// each job's workload (site_power, site_power.hpp: its CPU and DRAM overheads; the site's PUE
// applies). With a deadline for the whole graph, each job's deadline is its latest start plus its
// length (the graph's backward pass), so that a carbon-aware scheduler delays no job past what
// the graph can afford. Throws ConfigError for a deadline shorter than the graph's critical path.
std::vector<ClusterJob> jobs_from_graph(const workloads::JobGraph& graph, std::int64_t at,
                                        std::optional<Seconds> deadline = std::nullopt,
                                        bool interruptible = false);

// a and b, each sorted by arrival with parents first, as one list sorted by arrival (a's jobs
// first among equal arrivals), parents renumbered.
std::vector<ClusterJob> merge_jobs(std::vector<ClusterJob> a, std::vector<ClusterJob> b);

}  // namespace shiftsim::workloads::jobs
