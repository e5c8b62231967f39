#pragma once
// Reading a job-arrival trace: a CSV file, one job per row, into the jobs of a cluster scenario.
//
// Format: one header row, then one row per job. Header names compare loosely (case, spaces;
// a space or '-' counts as '_'), and every column must be known (a typo is an error, not a column
// silently ignored):
//   arrival_time (or arrival)   required; time since the trace's 0, in TraceOptions::unit
//   length                      required; the job's run time, in the same unit, > 0
//   accelerators | gpus | cpus  required, exactly one; a whole number from 1 to 1,000,000.
//                               GAIA traces say cpus; for GPU studies it stands for accelerators
//   id                          optional, unique; else (or when empty) the job is "line N"
//   deadline                    optional; on the arrival's axis and unit (absolute, not a slack).
//                               Before the arrival is an error; before arrival + length is a job
//                               that will miss it, which is kept: missing it is an outcome
//   deferrable, interruptible   optional; true/false/1/0/yes/no, any case; empty = the default
//                               (deferrable true, interruptible TraceOptions::interruptible)
//   workload                    optional; a built-in catalog name: the job draws that entry's
//                               power per accelerator (energy / (hours x gpus)); or a workload
//                               file (workloads/workload_file.hpp: phases or a measured profile),
//                               its path relative to the trace's folder (or absolute): the job
//                               runs that file's profile (site_power, site_power.hpp: the site's
//                               PUE applies, not the file's), and its length and accelerators may
//                               be left empty (given, they must agree with the file's, to the
//                               second; the job runs the file's). A bad file is an error at the
//                               row that first names it, with the file's own message;
//                               empty = the TraceOptions::accelerator_watts
//   after                       optional; ';'-separated ids of jobs that must finish first. They
//                               must be on earlier lines, which makes a cycle impossible
// Rows are sorted by arrival. Identical rows are distinct jobs: a trace without ids cannot say
// otherwise (GAIA's pai-100k.csv has 1,870 rows that repeat an earlier row, 1,832 of them the row
// just before). A job needing more accelerators than any site
// has is read as given: the engine reports it as rejected.
//
// Conversion: arrival = origin + round(arrival x unit) s; length = round(length x unit) s, and a
// positive length that rounds below 1 s becomes 1 s (the engine's resolution); power = a uniform
// profile of watts x accelerators over the length. ClusterJob::parents are indexes into the
// returned vector; ClusterJob::line is the row's line.
//
// Errors: ParseError naming the file, the line, the column and what to do, for any bad content
// (including more than kMaxTraceRows rows, refused before memory runs out, and times more than
// kMaxDuration after the trace's 0); ConfigError for bad TraceOptions.
//
// Cost: O(rows), one pass, no allocation per row beyond the job itself (about 200 bytes); a
// 100,000-row GAIA trace parses in about 20 ms. Thread-safety: pure functions.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/cluster/job.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::workloads::jobs {

using sim::cluster::ClusterJob;
using sim::cluster::JobId;

// The most rows a trace may have: far beyond any published trace (GAIA's are 100,000), and
// small enough (a few GB of jobs) to refuse absurd input before exhausting memory.
constexpr std::size_t kMaxTraceRows = 10'000'000;
// The most accelerators one job may hold (the catalog's bound for gpus).
constexpr int kMaxJobAccelerators = 1'000'000;

struct TraceOptions {
  std::int64_t origin = 0;       // Unix seconds of the trace's time 0
  Seconds unit{3600};            // unit of arrival/length/deadline columns (GAIA traces: hours)
  double accelerator_watts = 0;  // W per accelerator for jobs without a `workload`; must be > 0
                                 // when such a job exists (catalog_accelerator_watts() is a
                                 // default)
  std::optional<Seconds> slack;  // jobs without a deadline get deadline = arrival + length + slack
  bool interruptible = false;    // default for jobs without an `interruptible` value
};

// A workload file a trace's rows name, for provenance: as written in the trace, and the SHA-256
// of its bytes as read (a measured file it points to is not included).
struct TraceWorkloadFile {
  std::string name;
  std::string sha256;
};

// `workload_files`, when given, receives the workload files the rows name, in order of first use.
std::vector<ClusterJob> parse_trace(std::string_view text, const std::string& file,
                                    const TraceOptions& options,
                                    std::vector<TraceWorkloadFile>* workload_files = nullptr);
// Reads the file whole and parses it; IoError when it cannot be read.
std::vector<ClusterJob> read_trace(const std::filesystem::path& path, const TraceOptions& options,
                                   std::vector<TraceWorkloadFile>* workload_files = nullptr);

// The built-in catalog's accelerator power: its total energy over its total GPU-hours,
// 14,192.39 kWh / 50,748 GPU-h = 279.66 W. transformer-6b (256 A100s for 192 h, 281 W each) is
// about 97% of both sums, so this is close to an A100's mean draw in training; the other ten jobs
// (V100s and P40s) draw 67 to 275 W per GPU.
double catalog_accelerator_watts();

}  // namespace shiftsim::workloads::jobs
