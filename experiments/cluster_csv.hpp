#pragma once
// A cluster run's results as CSV, for spreadsheets and pandas: one row per job, and the
// utilisation of each site per step. Times are ISO 8601 UTC, empty where a job never reached that
// point; hours with 6 decimals; energies and emissions with 9 significant digits (the same bytes
// on every machine). Written all or nothing (AtomicOutput): an existing file is replaced only
// when the new one is complete; IoError naming the path when writing fails.
// Thread-safety: any thread, one call per path.
#include <string>
#include <vector>

#include "sim/cluster/cluster.hpp"
#include "sim/cluster/job.hpp"
#include "sim/cluster/site.hpp"

namespace shiftsim::experiments {

// Columns: id, arrival, accelerators, length_h, deadline, outcome, site, release, start, finish,
// wait_h, slowdown, energy_kwh, emissions_g, checkpoint_kwh, embodied_g, suspensions,
// deadline_missed; `jobs` and `r.jobs` by JobId, `sites` as the cluster had them.
void write_jobs_csv(const std::string& path, const std::vector<sim::cluster::ClusterJob>& jobs,
                    const sim::cluster::ClusterResult& r,
                    const std::vector<sim::cluster::Site>& sites);
// Columns: time, then one per site (its name): the mean share of its accelerators held.
void write_utilisation_csv(const std::string& path, const sim::cluster::ClusterResult& r);

}  // namespace shiftsim::experiments
