#pragma once
#include "sim/cluster/job.hpp"
#include "sim/core/power_profile.hpp"
#include "workloads/workload.hpp"

namespace shiftsim::workloads::jobs {

// The power a job running workload `w` draws at a cluster site, before the site's PUE: the
// accelerators' plus the workload's CPU and DRAM overheads (workloads/overheads.hpp). The
// workload's own PUE and embodied share are left out: in a cluster each site has its own
// (SiteSpec::pue and embodied), which the engine applies to every job there, so counting the
// file's as well would count them twice.
PowerProfile site_power(const workloads::Workload& w);

}  // namespace shiftsim::workloads::jobs
