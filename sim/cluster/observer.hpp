#pragma once
// What the cluster engine tells whoever watches a run: every phase change, every charge and every
// change of the accelerators a site has in use, as it happens and in the engine's event order.
// The engine's own metrics are collected this way (accounting.hpp); tests watch invariants and
// traces record runs through the same interface.
//
// Thread-safety: an observer watches one run.
#include <cstddef>
#include <cstdint>

#include "sim/cluster/job.hpp"
#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::sim::cluster {

class Cluster;

// One charge of a job at its site over [from, to) in Unix seconds: a run (working) or a
// checkpoint. Energy is facility energy (the site's PUE included); work is the work it did (zero
// for a checkpoint).
struct Charge {
  JobId job = 0;
  std::size_t site = 0;
  std::int64_t from = 0;
  std::int64_t to = 0;
  Energy energy{};
  Emissions emissions{};
  Seconds work{0};
  bool working = true;
};

class Observer {
 public:
  virtual ~Observer() = default;
  // Job j moves from one phase to another at c.now().
  virtual void on_phase(const Cluster& /*c*/, JobId /*j*/, JobPhase /*from*/, JobPhase /*to*/) {}
  virtual void on_charge(const Cluster& /*c*/, const Charge& /*charge*/) {}
  // From c.now() on, `held` of the site's accelerators are held by jobs (called after each
  // change; none are held before the first).
  virtual void on_hold(const Cluster& /*c*/, std::size_t /*site*/, int /*held*/) {}
};

}  // namespace shiftsim::sim::cluster
