#include "sim/simulate.hpp"

#include <fmt/format.h>

#include <memory>

#include "sim/controllers.hpp"
#include "sim/core/errors.hpp"
#include "sim/costly_pause.hpp"
#include "sim/kernels.hpp"
#include "sim/online.hpp"

namespace shiftsim::sim {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::ok:
      return "ok";
    case Outcome::beyond_data:
      return "beyond-data";
    case Outcome::before_data:
      return "before-data";
    case Outcome::no_forecast:
      return "no-forecast";
  }
  return "?";
}

std::string explain(Outcome o) {
  switch (o) {
    case Outcome::ok:
      return "finished";
    case Outcome::beyond_data:
      return "the job cannot finish within the intensity history: its window reaches past the "
             "last value; choose an earlier start, a smaller window, or import more data";
    case Outcome::before_data:
      return "the requested start is before the first value of the intensity history";
    case Outcome::no_forecast:
      return "the forecast has no values for part of the window (persistence needs the day "
             "before; an imported forecast must cover the window)";
  }
  return "?";
}

namespace {

Outcome outcome_of(kernels::Status s) {
  switch (s) {
    case kernels::Status::ok:
      return Outcome::ok;
    case kernels::Status::beyond_data:
      return Outcome::beyond_data;
    case kernels::Status::no_forecast:
      return Outcome::no_forecast;
  }
  return Outcome::beyond_data;
}

TimePoint time_of(const RegularSeries& s, std::int64_t step) { return s.start + s.step * step; }

// An issued forecast's policy, decided step by step (sim/online.hpp): the steps it runs.
OnlineResult decide_online(const RunRequest& rq, std::span<const double> kwh, Seconds window,
                           std::int64_t s) {
  const auto& series = *rq.intensity;
  const Seconds step = series.step;
  const Policy& policy = rq.policy;
  if (policy.kind != PolicyKind::flexible_start && policy.kind != PolicyKind::pause_resume)
    throw ConfigError(fmt::format(
        "--forecast {} drives flexible-start and pause-resume; --policy {} decides on none",
        policy.forecast.describe(), to_string(policy.kind)));
  if (!policy.costs.is_free())
    throw ConfigError(fmt::format(
        "--forecast {}: pause costs are not modelled for policies deciding on issued "
        "forecasts yet; drop --checkpoint-time, --checkpoint-energy and --min-run, or plan on "
        "a forecast series",
        policy.forecast.describe()));
  if (!rq.issued || rq.issued->rows.size() != series.values.size() * rq.issued->leads)
    throw InternalError("simulate: an issued forecast needs its archive, aligned");
  const IssuedView view(*rq.issued, series.values, policy.forecast.beyond, kDay / step);
  // Flexible start through the fast path (the direct replay is O(n^2 K) for one start);
  // pause-resume replays its decisions, O(W^2), which gives the steps the engine executes.
  OnlineResult r;
  if (policy.kind == PolicyKind::flexible_start) {
    const auto f =
        online_flexible_start(view, kwh, flexible_start_offsets(window, step), s, s + 1).front();
    r.status = f.status;
    r.planned_g = f.planned_g;
    for (auto k = f.first; f.status == kernels::Status::ok && k <= f.last; ++k)
      r.steps.push_back(k);
  } else {
    r = brute_force::online_pause_resume(view, kwh, pause_resume_window(kwh.size(), window, step),
                                         s);
  }
  return r;
}

}  // namespace

std::vector<Interval> intervals_of_steps(const RegularSeries& intensity,
                                         std::span<const std::int64_t> steps, Seconds duration) {
  std::vector<Interval> out;
  for (auto s : steps) {
    const TimePoint from = time_of(intensity, s);
    if (!out.empty() && out.back().to == from)
      out.back().to = from + intensity.step;
    else
      out.push_back({from, from + intensity.step});
  }
  // The last work step holds what is left of the duration: a partial step ends early.
  const auto k = static_cast<std::int64_t>(steps.size());
  const Seconds last = duration - intensity.step * (k - 1);
  if (!out.empty()) out.back().to -= intensity.step - last;
  return out;
}

RunResult simulate(const RunRequest& rq) {
  const auto& series = *rq.intensity;
  const Seconds step = series.step;
  const Policy& policy = rq.policy;
  RunResult out;
  out.requested = rq.requested;
  out.duration = rq.power.duration();
  out.window =
      policy.kind == PolicyKind::baseline ? Seconds{0} : policy.window.for_duration(out.duration);
  out.deadline = rq.requested + out.duration + out.window;

  if ((rq.requested - series.start).count() % step.count() != 0) {
    throw ConfigError(fmt::format(
        "requested start {} is not on the {} simulation step grid (steps start at UTC "
        "midnight); use {} or {}, or a finer --step",
        format_time(rq.requested), format_duration(step), format_time(floor_to(rq.requested, step)),
        format_time(ceil_to(rq.requested, step))));
  }
  if (rq.requested < series.start) {
    out.outcome = Outcome::before_data;
    return out;
  }
  if (!rq.plan.empty() && rq.plan.size() != series.values.size()) {
    throw InternalError("simulate: plan and intensity differ in size");
  }
  const auto s = (rq.requested - series.start).count() / step.count();
  const auto energy = rq.power.at_step(step);
  const std::span<const double> kwh = energy.kwh;
  const kernels::Grid grid{rq.plan.empty() ? std::span<const double>(series.values) : rq.plan,
                           series.values};

  std::vector<Interval> work;
  std::unique_ptr<Controller> controller;
  if (policy.forecast.is_issued()) {
    const OnlineResult r = decide_online(rq, kwh, out.window, s);
    if (r.status != kernels::Status::ok) {
      out.outcome = outcome_of(r.status);
      return out;
    }
    out.planned = grams(r.planned_g);
    work = intervals_of_steps(series, r.steps, out.duration);
  } else {
    switch (policy.kind) {
      case PolicyKind::baseline: {
        const auto r = kernels::baseline(grid, kwh, s, s + 1).front();
        if (r.status == kernels::Status::no_forecast) {  // the spatial choice had nothing to go on
          out.outcome = Outcome::no_forecast;
          return out;
        }
        out.planned = grams(r.planned_g);
        work.push_back({rq.requested, rq.requested + out.duration});
        break;
      }
      case PolicyKind::flexible_start: {
        const auto n = flexible_start_offsets(out.window, step);
        const auto r = kernels::flexible_start(grid, kwh, n, s, s + 1).front();
        if (r.status != kernels::Status::ok) {
          out.outcome = outcome_of(r.status);
          return out;
        }
        out.planned = grams(r.planned_g);
        const TimePoint from = time_of(series, r.first);
        work.push_back({from, from + out.duration});
        break;
      }
      case PolicyKind::pause_resume: {
        const auto w = pause_resume_window(kwh.size(), out.window, step);
        std::vector<std::int64_t> steps;
        if (policy.costs.is_free()) {
          const auto r = kernels::pause_resume(grid, kwh, w, s, s + 1).front();
          if (r.status != kernels::Status::ok) {
            out.outcome = outcome_of(r.status);
            return out;
          }
          out.planned = grams(r.planned_g);
          steps = kernels::pause_resume_steps(grid, kwh.size(), w, s);
        } else {
          const auto& c = policy.costs;
          if (c.checkpoint_time.count() % step.count() != 0) {
            throw ConfigError(fmt::format(
                "checkpoint time {} is not a whole number of {} steps; pause-resume plans on the "
                "step grid, so use a multiple of the step",
                format_duration(c.checkpoint_time), format_duration(step)));
          }
          const auto r_steps = c.checkpoint_time.count() / step.count();
          const double ck =
              r_steps > 0 ? c.checkpoint_energy.value / static_cast<double>(r_steps) : 0;
          const auto m_steps = (c.min_run.count() + step.count() - 1) / step.count();
          const auto plan = plan_costly_pause_resume(grid.plan, kwh, s, w, r_steps, ck, m_steps);
          if (plan.status != kernels::Status::ok) {
            out.outcome = outcome_of(plan.status);
            return out;
          }
          out.planned = grams(plan.planned_g);
          steps = plan.work;
        }
        work = intervals_of_steps(series, steps, out.duration);
        break;
      }
      case PolicyKind::threshold:
        controller = std::make_unique<ThresholdController>(0, policy.threshold, out.deadline);
        break;
    }
  }
  if (!controller) controller = std::make_unique<PlanController>(0, std::move(work));

  Simulation sim(series);
  sim.add_job(JobSpec{rq.job_name, rq.power, rq.embodied, rq.requested, policy.costs});
  RecordCollector records;
  sim.set_controller(controller.get());
  sim.add_collector(&records);
  const RunStatus status = sim.run();
  if (status != RunStatus::finished) {
    out.outcome = status == RunStatus::before_data ? Outcome::before_data : Outcome::beyond_data;
    return out;
  }
  out.record = records.record(0);
  out.embodied = rq.embodied.is_none() ? Emissions{} : rq.embodied.for_time(out.record.reserved());
  return out;
}

}  // namespace shiftsim::sim
