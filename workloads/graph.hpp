#pragma once
// Job graphs: a workload made of several training jobs with "B starts after A finishes"
// dependencies, a directed acyclic graph. A hyper-parameter search (N trials in parallel, then the
// final training, then an evaluation) or a pretraining followed by several finetunes.
//
// File format (TOML, read strictly: an unknown key is an error):
//
//   [graph]                          # optional table
//   name = "hp-search"               # optional; default: the file's stem
//   description = "..."              # optional
//
//   [[job]]
//   id = "trial"                     # letters, digits, '-' and '_'; unique in the file
//   workload = "vit-small"           # handed to the WorkloadResolver (a catalog name, a file...)
//   count = 8                        # optional, 1..kMaxCount: copies trial.1 .. trial.8, which
//                                    # do not depend on each other; count = 1 keeps the id "trial"
//   [[job]]
//   id = "final"
//   workload = "vit-base"
//   after = ["trial"]                # waits for every copy of each job listed
//
// Jobs may be listed in any order. Every check is a ParseError naming the file, the line and the
// job: duplicate ids, a malformed id, a job after itself, an unknown id in `after` (the message
// lists the known ids), an id listed twice in one `after`, count outside 1..kMaxCount, more than
// kMaxJobs jobs or kMaxDependencies dependencies once counts are expanded, a graph without jobs,
// missing keys, wrong types, unknown keys, and a cycle, named in the order the jobs would have to
// run, starting from its first job in file order, at the line of that job's `after`:
// "cycle: a -> b -> c -> a". Cycles are looked for among the jobs as written, so a message names
// "trial", not "trial.3".
//
// Time: durations are the workloads' durations (whole seconds, each >= 1 s); every time in a
// schedule is relative to the graph's start (second 0). All arithmetic is exact integer seconds.
//
// Order and ties: job indices are positions in jobs(), which is the file order with the copies of
// a counted job in place (trial.1 .. trial.8 where "trial" stood). Every tie is broken by that
// order, never by pointers or hashing, so that results are reproducible.
//
// Complexity: parse/from_jobs O(V + E) (plus the resolver's cost); topological_order,
// critical_path_length and schedule O(V + E), over flat arrays laid out in topological order
// (10,000 jobs, 15,000 edges: about 80 us for both, bench/README.md). Immutable after
// construction: safe to share between threads (the resolver is only used during parse).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"
#include "workloads/catalog.hpp"
#include "workloads/workload.hpp"

namespace shiftsim::workloads {

// Resolves a job's `workload` string to a Workload. `file` is the graph file (relative paths are
// relative to it) and `line` the line of the job's `workload` key, for messages. It throws its own
// errors (a ParseError naming file and line, preferably).
using WorkloadResolver =
    std::function<Workload(const std::string& spec, const std::string& file, std::size_t line)>;

// Resolves catalog names only ("vit-small", or the paper's label "ViT Small", case-insensitive);
// anything else is a ParseError(file, line) listing the catalog's names. A caller that also
// accepts workload files wraps it.
WorkloadResolver catalog_resolver(const Catalog& catalog = builtin_catalog());
// What users write in a graph file: a catalog name, else a workload file relative to the graph
// file (load_workload). Anything else is a ParseError at the job's line.
WorkloadResolver workload_resolver();

struct GraphJob {
  std::string id;    // "final", or "trial.3" for the third copy of "trial"
  std::string spec;  // the `workload` string as written
  Workload workload;
  std::vector<std::size_t> parents;  // indices into JobGraph::jobs(), as listed in `after`
  std::size_t line = 0;              // the [[job]] table's line; 0 when not from a file
};

// Times relative to the graph's start.
struct JobTiming {
  Seconds earliest_start{};  // the longest chain of jobs that must finish before it
  Seconds latest_start{};    // the latest start that still lets every sink finish by the deadline
  Seconds slack{};           // latest_start - earliest_start; negative when the deadline is missed
  bool critical = false;     // on a longest path: slack == deadline - makespan, the least slack
};

struct GraphSchedule {
  Seconds makespan{};    // the critical-path length: the shortest possible run of the whole graph
  Seconds deadline{};    // as given, or the makespan when none was given
  bool feasible = true;  // makespan <= deadline
  std::vector<JobTiming> jobs;  // by job index
  // One longest path, source to sink, as job indices. Among several, the one that starts at the
  // first critical source in file order and continues to the first critical child in file order.
  std::vector<std::size_t> critical_path;
};

class JobGraph {
 public:
  // Limits of parse (not of from_jobs), so that a typo in `count` cannot exhaust memory: copies
  // of one [[job]], jobs after expansion, and dependencies after expansion (a job after a
  // counted job depends on every copy).
  static constexpr std::int64_t kMaxCount = 10000;
  static constexpr std::size_t kMaxJobs = 100000;
  static constexpr std::size_t kMaxDependencies = 1000000;

  // Parses a graph file. The resolver is called once per [[job]] (copies share the Workload), in
  // file order. Throws ParseError (see the file format above) or what the resolver throws.
  static JobGraph parse(std::string_view text, const std::string& file,
                        const WorkloadResolver& resolve);
  // Reads and parses a file; IoError when it cannot be read.
  static JobGraph load(const std::filesystem::path& path, const WorkloadResolver& resolve);
  // A graph from jobs given directly (tests, generated graphs), checked as parse does: jobs, ids
  // non-empty and unique, parents in range, not the job itself, not repeated, and no cycle.
  // Errors are ParseErrors with `name` as the file and each job's `line`.
  static JobGraph from_jobs(std::string name, std::vector<GraphJob> jobs);

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  const std::vector<GraphJob>& jobs() const { return jobs_; }
  std::size_t size() const { return jobs_.size(); }
  // Children of job i (the jobs that list it in `after`), by increasing index.
  const std::vector<std::size_t>& children(std::size_t i) const { return children_[i]; }

  // Every job after all of its parents. Deterministic, ties in file order: the jobs in file
  // order, each preceded by those of its ancestors not yet placed (a depth-first order). When the
  // file lists every job after its parents, this is the file order.
  std::vector<std::size_t> topological_order() const { return order_; }
  Seconds critical_path_length() const;
  // Earliest start (forward pass) and latest start for `deadline` (backward pass: every sink ends
  // at the deadline at the latest). Without a deadline, deadline = critical path length, so
  // critical jobs have zero slack. A deadline shorter than the critical path is an outcome, not
  // an error: feasible = false and the critical jobs have negative slack. A deadline <= 0 is a
  // ConfigError.
  GraphSchedule schedule(std::optional<Seconds> deadline = std::nullopt) const;
  // The accelerators' energy of every job (each copy counts), the paper's "energy used".
  Energy accelerator_energy() const;

 private:
  JobGraph() = default;
  static JobGraph build(std::string name, std::string description, std::vector<GraphJob> jobs,
                        const std::string& file);
  // Earliest starts by position in order_.
  std::vector<Seconds> earliest_starts_in_order() const;

  std::string name_;
  std::string description_;
  std::vector<GraphJob> jobs_;
  std::vector<std::vector<std::size_t>> children_;
  std::vector<std::size_t> order_;
  // For the forward and backward passes, the jobs relabelled by position in order_, with their
  // durations and dependencies in flat arrays (no pointer chasing): the parents of position k
  // are parent_pos_[parent_begin_[k] .. parent_begin_[k + 1]), as positions; likewise children.
  std::vector<std::size_t> position_;  // of each job in order_
  std::vector<Seconds> seconds_in_order_;
  std::vector<std::size_t> parent_begin_, parent_pos_;
  std::vector<std::size_t> child_begin_, child_pos_;
};

}  // namespace shiftsim::workloads
