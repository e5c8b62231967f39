#include "sim/engine.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/core/errors.hpp"

namespace shiftsim::sim {

std::string_view to_string(RunStatus s) {
  switch (s) {
    case RunStatus::finished:
      return "finished";
    case RunStatus::beyond_data:
      return "beyond-data";
    case RunStatus::before_data:
      return "before-data";
  }
  return "?";
}

Simulation::Simulation(const RegularSeries& intensity) : intensity_(intensity) {}

std::uint32_t Simulation::add_job(JobSpec spec) {
  Job j{std::move(spec), {}, {}};
  const auto& p = j.spec.power;
  j.cumulative_kwh.resize(p.size() + 1, 0.0);
  for (std::size_t i = 0; i < p.size(); ++i) {
    j.cumulative_kwh[i + 1] = j.cumulative_kwh[i] + (watts(p.watts()[i]) * p.length(i)).value;
  }
  jobs_.push_back(std::move(j));
  return static_cast<std::uint32_t>(jobs_.size() - 1);
}

namespace {
void check_request(std::int64_t now, TimePoint at, std::string_view what) {
  if (at.time_since_epoch().count() < now) {
    throw InternalError(std::string(what) + " requested in the past");
  }
}
}  // namespace

void Simulation::start_at(std::uint32_t job, TimePoint at) {
  check_request(now_, at, "start");
  queue_.push(at.time_since_epoch().count(), EventKind::start, job);
}
void Simulation::resume_at(std::uint32_t job, TimePoint at) {
  check_request(now_, at, "resume");
  queue_.push(at.time_since_epoch().count(), EventKind::resume, job);
}
void Simulation::pause_at(std::uint32_t job, TimePoint at) {
  check_request(now_, at, "pause");
  queue_.push(at.time_since_epoch().count(), EventKind::checkpoint, job);
}

double Simulation::intensity_now() const {
  const auto offset = now_ - intensity_.start.time_since_epoch().count();
  const auto step = intensity_.step.count();
  if (offset < 0) return std::numeric_limits<double>::quiet_NaN();
  const auto i = static_cast<std::size_t>(offset / step);
  return i < intensity_.values.size() ? intensity_.values[i]
                                      : std::numeric_limits<double>::quiet_NaN();
}

// Energy of the profile over work [from, to): the difference of the cumulative energy, which is
// linear inside each profile interval.
double Simulation::work_kwh(const Job& j, Seconds from, Seconds to) const {
  const auto& p = j.spec.power;
  auto at = [&](Seconds w) {
    const auto step = p.step().count();
    auto i = static_cast<std::size_t>(w.count() / step);
    if (i >= p.size()) return j.cumulative_kwh.back();
    const auto into = Seconds{w.count() - static_cast<std::int64_t>(i) * step};
    return j.cumulative_kwh[i] + (watts(p.watts()[i]) * into).value;
  };
  return at(to) - at(from);
}

bool Simulation::advance(std::int64_t to) {
  const std::int64_t dt = to - now_;
  if (dt <= 0) return true;
  bool drawing = false;
  for (const auto& j : jobs_) {
    drawing |= j.state.phase == Phase::running || j.state.phase == Phase::checkpointing;
  }
  if (drawing) {
    // Events at every step boundary keep [now, to) inside one step.
    const double ci = intensity_now();
    if (std::isnan(ci) || to > intensity_.end().time_since_epoch().count()) return false;
    for (std::uint32_t k = 0; k < jobs_.size(); ++k) {
      auto& j = jobs_[k];
      double e = 0;
      bool working = true;
      if (j.state.phase == Phase::running) {
        e = work_kwh(j, j.state.done, j.state.done + Seconds{dt});
        j.state.done += Seconds{dt};
        j.state.run_work += Seconds{dt};
      } else if (j.state.phase == Phase::checkpointing) {
        working = false;
        const auto& c = j.spec.costs;
        if (c.checkpoint_time.count() > 0) {
          e = c.checkpoint_energy.value * static_cast<double>(dt) /
              static_cast<double>(c.checkpoint_time.count());
        }
      } else {
        continue;
      }
      for (auto* col : collectors_) {
        col->on_draw(k, now(), TimePoint{Seconds{to}}, kwh(e), g_per_kwh(ci), working);
      }
    }
  }
  now_ = to;
  return true;
}

namespace {
[[noreturn]] void bad_request(const Event& e, std::string_view state) {
  throw InternalError("controller asked for " + std::string(to_string(e.kind)) + " of job " +
                      std::to_string(e.job) + " while it is " + std::string(state));
}
}  // namespace

// Applies a due event to its job. Stale events (a finish overtaken by a checkpoint) never get here.
void Simulation::apply(const Event& e) {
  if (e.kind == EventKind::intensity_step || e.kind == EventKind::arrival) return;
  auto& j = jobs_.at(e.job);
  auto& s = j.state;
  switch (e.kind) {
    case EventKind::start:
    case EventKind::resume:
      if (s.phase != (e.kind == EventKind::start ? Phase::waiting : Phase::paused)) {
        bad_request(e, "not " + std::string(e.kind == EventKind::start ? "waiting" : "paused"));
      }
      s.phase = Phase::running;
      s.run_work = Seconds{0};
      ++s.token;
      queue_.push(now_ + (j.spec.power.duration() - s.done).count(), EventKind::finish, e.job,
                  s.token);
      break;
    case EventKind::checkpoint:
      if (s.phase != Phase::running) bad_request(e, "not running");
      if (s.run_work < j.spec.costs.min_run) bad_request(e, "in a run shorter than min_run");
      s.phase = Phase::checkpointing;
      ++s.token;
      queue_.push(now_ + j.spec.costs.checkpoint_time.count(), EventKind::pause, e.job, s.token);
      break;
    case EventKind::pause:
      s.phase = Phase::paused;
      break;
    case EventKind::finish:
      s.phase = Phase::finished;
      s.done = j.spec.power.duration();
      break;
    default:
      break;
  }
}

bool Simulation::all_finished() const {
  return std::all_of(jobs_.begin(), jobs_.end(),
                     [](const Job& j) { return j.state.phase == Phase::finished; });
}

RunStatus Simulation::run() {
  if (jobs_.empty()) return RunStatus::finished;
  auto first = jobs_.front().spec.submitted;
  for (const auto& j : jobs_) first = std::min(first, j.spec.submitted);
  if (first < intensity_.start || first >= intensity_.end()) {
    return first < intensity_.start ? RunStatus::before_data : RunStatus::beyond_data;
  }
  const auto step = intensity_.step.count();
  const auto origin = intensity_.start.time_since_epoch().count();
  now_ = origin + (first.time_since_epoch().count() - origin) / step * step;
  queue_.push(now_, EventKind::intensity_step);
  for (std::uint32_t k = 0; k < jobs_.size(); ++k) {
    queue_.push(jobs_[k].spec.submitted.time_since_epoch().count(), EventKind::arrival, k);
  }
  const auto end = intensity_.end().time_since_epoch().count();
  while (!queue_.empty()) {
    const Event e = queue_.pop();
    if (!advance(e.time)) return RunStatus::beyond_data;
    const bool stale = (e.kind == EventKind::finish || e.kind == EventKind::pause) &&
                       e.token != jobs_.at(e.job).state.token;
    if (stale) continue;
    apply(e);
    // The intensity chain stops at the end of the history; a job still waiting then, with
    // nothing else to come, cannot finish within the data.
    if (e.kind == EventKind::intensity_step && e.time + step <= end) {
      queue_.push(e.time + step, EventKind::intensity_step);
    }
    for (auto* c : collectors_) c->on_event(e, *this);
    if (controller_ != nullptr) controller_->on_event(e, *this);
    if (all_finished()) return RunStatus::finished;
  }
  return RunStatus::beyond_data;
}

}  // namespace shiftsim::sim
