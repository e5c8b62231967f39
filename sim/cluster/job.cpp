#include "sim/cluster/job.hpp"

namespace shiftsim::sim::cluster {

std::string_view to_string(JobOutcome o) {
  switch (o) {
    case JobOutcome::finished:
      return "finished";
    case JobOutcome::rejected:
      return "rejected";
    case JobOutcome::beyond_data:
      return "beyond-data";
    case JobOutcome::blocked:
      return "blocked";
  }
  return "?";
}

workloads::PowerProfile site_power(const workloads::Workload& w) {
  workloads::Overheads o = w.overheads;
  o.pue = 1.0;
  if (o.is_none()) return w.profile;
  return w.profile.affine(o.factor(), o.constant());
}

}  // namespace shiftsim::sim::cluster
