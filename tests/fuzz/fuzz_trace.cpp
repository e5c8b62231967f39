// libFuzzer target: job-arrival traces (workloads/jobs/trace.hpp, parse_trace) on the input text,
// hourly with a default power, and in seconds with an origin, a slack and interruptible jobs.
// The trace lies in a folder that does not exist, so a relative workload file is missing. Checks
// what the header promises of the jobs.
#include <initializer_list>
#include <set>

#include "fuzz_common.hpp"
#include "fuzz_paths.hpp"
#include "workloads/jobs/trace.hpp"

namespace j = shiftsim::workloads::jobs;
using shiftsim::fuzz::require;

namespace {

void check(const std::vector<j::ClusterJob>& jobs) {
  std::set<std::string> ids;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& job = jobs[i];
    require(ids.insert(job.id).second, "two jobs with one id");
    require(job.length().count() >= 1, "job shorter than 1 s");
    require(job.accelerators >= 1 && job.accelerators <= j::kMaxJobAccelerators,
            "accelerators outside 1..kMaxJobAccelerators");
    require(!job.deadline || *job.deadline >= job.arrival, "deadline before the arrival");
    require(i == 0 || jobs[i - 1].arrival <= job.arrival, "jobs not sorted by arrival");
    require(job.line >= 2, "job without its row's line");
    for (auto p : job.parents) require(p < jobs.size() && p != i, "parent out of range or self");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const j::TraceOptions hourly = [] {
    j::TraceOptions o;
    o.accelerator_watts = 280;
    return o;
  }();
  static const j::TraceOptions seconds = [] {
    j::TraceOptions o;
    o.origin = 1577836800;  // 2020-01-01T00:00Z
    o.unit = shiftsim::Seconds{1};
    o.accelerator_watts = 300;
    o.slack = shiftsim::Seconds{86400};
    o.interruptible = true;
    return o;
  }();
  static const std::string file = (shiftsim::fuzz::missing_dir() / "trace.csv").string();

  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  for (const j::TraceOptions* o : {&hourly, &seconds})
    shiftsim::fuzz::expect_ok_or_error([&] { check(j::parse_trace(text, file, *o)); });
  return 0;
}
