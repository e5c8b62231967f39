#include "sim/controllers.hpp"

#include <algorithm>
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace shiftsim::sim {

PlanController::PlanController(std::uint32_t job, std::vector<Interval> work)
    : job_(job), work_(std::move(work)) {
  if (work_.empty()) throw InternalError("PlanController: empty plan");
}

void PlanController::on_event(const Event& e, Simulation& sim) {
  if (e.job != job_) return;
  switch (e.kind) {
    case EventKind::arrival:
      sim.start_at(job_, work_[next_].from);
      break;
    case EventKind::start:
    case EventKind::resume:
      if (++next_ < work_.size()) sim.pause_at(job_, work_[next_ - 1].to);
      break;
    case EventKind::pause:
      sim.resume_at(job_, work_[next_].from);
      break;
    default:
      break;
  }
}

ThresholdController::ThresholdController(std::uint32_t job, double threshold, TimePoint deadline)
    : job_(job), threshold_(threshold), deadline_(deadline) {}

void ThresholdController::on_event(const Event& e, Simulation& sim) {
  if (e.kind == EventKind::arrival && e.job == job_) arrived_ = true;
  if (e.job == job_ &&
      (e.kind == EventKind::start || e.kind == EventKind::resume || e.kind == EventKind::pause)) {
    requested_ = false;
  }
  // Step boundaries, the arrival, and the end of a pause: a checkpoint that ends on a boundary
  // ends after that boundary's intensity event, which then found a request still in flight.
  const bool decision_point =
      e.kind == EventKind::intensity_step ||
      (e.job == job_ && (e.kind == EventKind::arrival || e.kind == EventKind::pause));
  if (!arrived_ || requested_ || !decision_point) return;

  const auto& state = sim.state(job_);
  const TimePoint t = sim.now();
  const Seconds step = sim.step();
  const Seconds remaining = sim.remaining(job_);
  const bool clean = sim.intensity_now() <= threshold_;  // NaN (past the data) is not clean
  if (state.phase == Phase::waiting || state.phase == Phase::paused) {
    const bool must = t + step + remaining > deadline_;
    if (clean || must) {
      requested_ = true;
      if (state.phase == Phase::waiting)
        sim.start_at(job_, t);
      else
        sim.resume_at(job_, t);
    }
  } else if (state.phase == Phase::running && !clean && remaining.count() > 0) {
    const auto& costs = sim.job(job_).costs;
    const TimePoint next_decision = std::max(t + step, ceil_to(t + costs.checkpoint_time, step));
    if (state.run_work >= costs.min_run && next_decision + remaining <= deadline_) {
      requested_ = true;
      sim.pause_at(job_, t);
    }
  }
}

}  // namespace shiftsim::sim
