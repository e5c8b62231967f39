#include "sim/record.hpp"

namespace shiftsim::sim {

Seconds JobRecord::reserved() const {
  Seconds total{0};
  for (const auto& i : schedule) total += i.length();
  return total;
}

JobRecord& RecordCollector::at(std::uint32_t job) {
  if (records_.size() <= job) records_.resize(job + 1);
  return records_[job];
}

void RecordCollector::on_event(const Event& e, const Simulation& sim) {
  if (e.kind == EventKind::intensity_step || e.kind == EventKind::arrival) {
    if (e.kind == EventKind::arrival) at(e.job);
    return;
  }
  auto& r = at(e.job);
  const auto t = sim.now();
  switch (e.kind) {
    case EventKind::start:
      r.started = true;
      r.start = t;
      [[fallthrough]];
    case EventKind::resume:
      // Not merged with a run that ended at t: a checkpoint may fill a whole pause, and the
      // schedule keeps one interval per run so that it shows every pause.
      r.schedule.push_back({t, t});
      break;
    case EventKind::pause:
      ++r.pauses;
      if (!r.schedule.empty()) r.schedule.back().to = t;
      break;
    case EventKind::finish:
      r.finished = true;
      r.finish = t;
      if (!r.schedule.empty()) r.schedule.back().to = t;
      break;
    default:
      break;
  }
}

void RecordCollector::on_draw(std::uint32_t job, TimePoint /*from*/, TimePoint to, Energy energy,
                              CarbonIntensity intensity, bool working) {
  auto& r = at(job);
  const Emissions g = energy * intensity;
  r.operational += g;
  r.energy += energy;
  if (!working) {
    r.checkpoint_emissions += g;
    r.checkpoint_energy += energy;
  }
  if (!r.schedule.empty()) r.schedule.back().to = to;
}

}  // namespace shiftsim::sim
