#pragma once
// The record collector: what happened to each job of a simulation, from the engine's events and
// draws. Metrics observe; they never decide.
//
//   schedule     one interval per run: from a start or resume to the pause (after the
//                checkpoint) or the finish, so pauses + 1 intervals; the machine is held in them
//   operational  sum of energy x intensity over every draw, g CO2eq (checkpoints included, and
//                also given apart)
//   energy       kWh drawn, checkpoints included (and given apart)
//   pauses       pause events
//   start        the first start; finish: the finish event
#include <cstdint>
#include <vector>

#include "sim/engine.hpp"

namespace shiftsim::sim {

struct Interval {
  TimePoint from{};
  TimePoint to{};
  Seconds length() const { return to - from; }
  bool operator==(const Interval&) const = default;
};

struct JobRecord {
  bool started = false;
  bool finished = false;
  TimePoint start{};
  TimePoint finish{};
  Emissions operational{};
  Emissions checkpoint_emissions{};
  Energy energy{};
  Energy checkpoint_energy{};
  std::int32_t pauses = 0;
  std::vector<Interval> schedule;

  // Time the job held its machine: what embodied emissions are charged for.
  Seconds reserved() const;
};

class RecordCollector final : public Collector {
 public:
  void on_event(const Event& e, const Simulation& sim) override;
  void on_draw(std::uint32_t job, TimePoint from, TimePoint to, Energy energy,
               CarbonIntensity intensity, bool working) override;
  const std::vector<JobRecord>& records() const { return records_; }
  const JobRecord& record(std::uint32_t job) const { return records_.at(job); }

 private:
  JobRecord& at(std::uint32_t job);
  std::vector<JobRecord> records_;
};

}  // namespace shiftsim::sim
