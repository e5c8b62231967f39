#include "workloads/jobs/site_power.hpp"

namespace shiftsim::workloads::jobs {

PowerProfile site_power(const workloads::Workload& w) {
  workloads::Overheads o = w.overheads;
  o.pue = 1.0;
  if (o.is_none()) return w.profile;
  return w.profile.affine(o.factor(), o.constant());
}

}  // namespace shiftsim::workloads::jobs
