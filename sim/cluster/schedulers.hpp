#pragma once
// The schedulers, made by name. Each lives in its own file under schedulers/ and is a Scheduler
// (cluster.hpp): adding a policy is one file and one line in schedulers.cpp.
//
//   fifo            carbon-agnostic: jobs start in release order, each on the site with the most
//                   free accelerators (the first listed on ties); a job that fits nowhere yet
//                   holds back the ones behind it
//   backfill        carbon-agnostic EASY backfilling: as fifo, but a later job may start early if
//                   it does not delay the first waiting job's reserved start
//   carbon-delay    flexible start within each deferrable job's slack (deadline - arrival -
//                   length), on the forecast of its home site (home_site, chosen at release),
//                   then in order of latest start when capacity is short
//   carbon-suspend  carbon-delay, and interruptible deferrable jobs run in the cleanest forecast
//                   steps of their home site before their deadline (the single-job pause-resume
//                   plan, made at release), suspended (with the checkpoint costs) in between; a
//                   job that cannot start or resume on plan for lack of room runs to the end
//   spatial         as fifo, but each job goes to the site with the lowest expected emissions
//                   (forecast, PUE included) among those with room
//   spatial-delay   spatial and temporal together: at release, the (site, start) with the lowest
//                   expected emissions within the job's slack; it then waits for that site
//
// Thread-safety: a scheduler holds one scenario's queue; make one per Cluster.
#include <memory>
#include <string>
#include <string_view>

#include "sim/cluster/cluster.hpp"

namespace shiftsim::sim::cluster {

// Throws ConfigError for an unknown name, listing the names.
std::unique_ptr<Scheduler> make_scheduler(std::string_view name);
// "fifo, backfill, ...": for help texts and messages.
std::string scheduler_names();

// Where carbon-agnostic schedulers put a job: the site with the most free accelerators that has
// room for it, the first listed on ties; -1 if none has room now.
int roomiest_site(const Cluster& c, JobId j);
// Where temporal-only schedulers plan a job, chosen once when it is released (callers keep the
// answer): where fifo would put it then, the site with the most free accelerators among those
// that can ever hold it (the first listed on ties). So that carbon-delay differs from fifo in
// when jobs run, not in where.
std::size_t home_site(const Cluster& c, JobId j);

}  // namespace shiftsim::sim::cluster
