#pragma once
// The discrete-event engine: jobs draw power over simulated time against a carbon-intensity
// history; a Controller (the policy) decides when each job starts, pauses and resumes; Collectors
// observe what happened and turn it into metrics. The engine computes no metric and makes no
// decision: it keeps time, applies events and reports energy drawn.
//
// Time is integer seconds (Unix). The intensity is a RegularSeries: value i holds over
// [start + i*step, start + (i+1)*step). The engine posts an intensity_step event at every step
// boundary from the first arrival until every job is done, so that between two consecutive events
// the intensity is constant and each draw is charged exactly: energy (the integral of the job's
// power profile over the work done, or checkpoint power) times that intensity.
//
// A job's work is measured in seconds of its power profile: a job that worked w seconds has drawn
// the profile's energy over [0, w). Pausing keeps w; resuming continues from it.
//
// Several jobs share one engine (a cluster with limited capacity is a controller that admits
// jobs), so the engine is built for many; policies of one job use one.
//
// A Simulation is a value: no globals, single-threaded inside; run many in parallel.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/embodied.hpp"
#include "sim/core/power_profile.hpp"
#include "sim/core/regular_series.hpp"
#include "sim/core/time.hpp"
#include "sim/core/units.hpp"
#include "sim/event.hpp"
#include "sim/pause_costs.hpp"

namespace shiftsim::sim {

struct JobSpec {
  std::string name;
  PowerProfile power;  // facility power, from the first unit of work
  Embodied embodied;
  TimePoint submitted{};  // the requested start: the job arrives then
  PauseCosts costs;
};

enum class Phase : std::uint8_t { waiting, running, checkpointing, paused, finished };

struct JobState {
  Phase phase = Phase::waiting;
  Seconds done{0};      // work done, seconds of the power profile
  Seconds run_work{0};  // work done in the current run (since the last start or resume)
  std::uint64_t token = 0;
};

enum class RunStatus : std::uint8_t {
  finished,     // every job finished
  beyond_data,  // a job would draw power, or wait, past the end of the intensity history
  before_data,  // a job arrives before the history starts
};
std::string_view to_string(RunStatus s);

class Simulation;

// Decides. Called after the engine applied each event; answers by requesting events.
class Controller {
 public:
  virtual ~Controller() = default;
  virtual void on_event(const Event& e, Simulation& sim) = 0;
};

// Observes. Energy in kWh, intensity in g/kWh; `working` is false for checkpoint draws.
class Collector {
 public:
  virtual ~Collector() = default;
  virtual void on_event(const Event& /*e*/, const Simulation& /*sim*/) {}
  virtual void on_draw(std::uint32_t /*job*/, TimePoint /*from*/, TimePoint /*to*/,
                       Energy /*energy*/, CarbonIntensity /*intensity*/, bool /*working*/) {}
};

class Simulation {
 public:
  // `intensity` must outlive the simulation (the engine reads it; it does not copy years of data).
  explicit Simulation(const RegularSeries& intensity);

  std::uint32_t add_job(JobSpec job);
  void set_controller(Controller* c) { controller_ = c; }
  void add_collector(Collector* c) { collectors_.push_back(c); }

  // Requests from a controller; `at` >= now(). A request that does not fit the job's phase when
  // it comes due, or a pause that ends a run shorter than min_run, is a controller bug and throws
  // InternalError (sim/core/errors.hpp).
  void start_at(std::uint32_t job, TimePoint at);
  void resume_at(std::uint32_t job, TimePoint at);
  void pause_at(std::uint32_t job, TimePoint at);  // checkpoint, then pause

  RunStatus run();

  TimePoint now() const { return TimePoint{Seconds{now_}}; }
  Seconds step() const { return intensity_.step; }
  const RegularSeries& intensity() const { return intensity_; }
  // The intensity over [now, next step boundary); NaN past the history.
  double intensity_now() const;
  const JobSpec& job(std::uint32_t j) const { return jobs_[j].spec; }
  const JobState& state(std::uint32_t j) const { return jobs_[j].state; }
  Seconds remaining(std::uint32_t j) const {
    return jobs_[j].spec.power.duration() - jobs_[j].state.done;
  }
  std::size_t job_count() const { return jobs_.size(); }

 private:
  struct Job {
    JobSpec spec;
    JobState state;
    std::vector<double> cumulative_kwh;  // energy at the profile's interval edges
  };
  double work_kwh(const Job& j, Seconds from, Seconds to) const;
  bool advance(std::int64_t to);  // charges draws over [now, to); false past the history
  void apply(const Event& e);
  bool all_finished() const;

  const RegularSeries& intensity_;
  std::vector<Job> jobs_;
  EventQueue queue_;
  Controller* controller_ = nullptr;
  std::vector<Collector*> collectors_;
  std::int64_t now_ = 0;
};

}  // namespace shiftsim::sim
