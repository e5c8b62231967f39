#pragma once
// What a cluster run reports: per job, per site, and the span. Built by the accounting observer
// (accounting.hpp) from what the engine tells it; the engine itself keeps no metrics.
//
// Quantities carry their units (sim/core/units.hpp): facility energy in kWh with the site's PUE
// included, emissions in gCO2eq, times in seconds.
//
// Thread-safety: values.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/cluster/job.hpp"
#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::sim::cluster {

struct JobResult {
  JobOutcome outcome = JobOutcome::beyond_data;
  int site = -1;              // where it ran; -1 if it never started
  std::int64_t release = -1;  // arrived with every parent finished; -1 if never
  std::int64_t first_start = -1;
  std::int64_t finish = -1;
  Energy energy{};             // of its work and checkpoints
  Emissions emissions{};       // operational, at the actual intensity
  Energy checkpoint_energy{};  // of energy, spent writing checkpoints
  Emissions embodied{};        // its accelerators' share for the time it held them
  Seconds work{0};             // work done (its length when finished)
  Seconds held{0};             // accelerator-holding time: running and checkpointing
  int suspensions = 0;
  bool deadline_missed = false;  // has a deadline, and finished after it or never finished

  double wait_seconds() const { return first_start < 0 ? 0.0 : double(first_start - release); }
};

struct SiteResult {
  std::string name;
  int capacity = 0;
  Energy idle_energy{};  // of idle accelerators
  Emissions idle_emissions{};
  Emissions embodied{};  // every accelerator of the site over the scenario's span
  double busy_accelerator_seconds = 0;
  std::int64_t utilisation_start = 0;  // Unix seconds of utilisation[0]
  std::int64_t utilisation_step = 0;
  std::vector<double> utilisation;  // mean share of accelerators held, per step of the span

  // The share of the site's accelerator-seconds held over a span of `span_seconds` (0 for an
  // empty span).
  double mean_utilisation(double span_seconds) const {
    return span_seconds > 0 ? busy_accelerator_seconds / (capacity * span_seconds) : 0.0;
  }
};

struct ClusterResult {
  std::vector<JobResult> jobs;  // by JobId
  std::vector<SiteResult> sites;
  std::int64_t begin = 0;       // the span: first arrival ..
  std::int64_t end = 0;         // .. last finish (or the end of the history)
  std::uint64_t events = 0;     // events processed
  std::uint64_t decisions = 0;  // decide() calls
};

}  // namespace shiftsim::sim::cluster
