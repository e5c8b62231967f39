#pragma once
// Controllers of one job: how a policy's decisions reach the engine.
//
// PlanController executes a plan made in advance (the oracle and forecast policies decide before
// the job starts): a list of work intervals [from, to); it starts the job at the first, asks for
// a pause (checkpoint) at the end of every interval but the last and resumes at the next one.
// The engine finishes the job when its work is done, which for a consistent plan is the end of
// the last interval.
//
// ThresholdController decides as the job runs, seeing only the intensity now: at its arrival,
// at every step boundary and when a pause begins it runs the job if the intensity is at or below
// the threshold, pauses it otherwise, and runs regardless when waiting one more step (or
// checkpointing first) would miss the deadline. A run ends in a pause only after min_run of work.
#include <cstdint>
#include <vector>

#include "sim/engine.hpp"
#include "sim/record.hpp"

namespace shiftsim::sim {

class PlanController final : public Controller {
 public:
  PlanController(std::uint32_t job, std::vector<Interval> work);
  void on_event(const Event& e, Simulation& sim) override;

 private:
  std::uint32_t job_;
  std::vector<Interval> work_;
  std::size_t next_ = 0;  // the interval the next start or resume begins
};

class ThresholdController final : public Controller {
 public:
  ThresholdController(std::uint32_t job, double threshold, TimePoint deadline);
  void on_event(const Event& e, Simulation& sim) override;

 private:
  std::uint32_t job_;
  double threshold_;
  TimePoint deadline_;
  bool arrived_ = false;
  bool requested_ = false;  // a start, resume or pause is on its way
};

}  // namespace shiftsim::sim
