// shiftsim simulate: one job, one requested start, one policy; prints the result and schedule.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "grids/forecast_source.hpp"
#include "grids/resample.hpp"
#include "grids/store.hpp"
#include "sim/core/errors.hpp"
#include "sim/forecast.hpp"
#include "sim/simulate.hpp"
#include "sim/spatial.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::cli {

namespace {

using nlohmann::ordered_json;
using sim::Outcome;
using sim::PolicyKind;

// The exit code of a run that completed but has no result (a window past the data): not an
// error in the input, but not a number either, so a script can tell.
constexpr int kNoResultExit = 4;  // main.cpp: 2 is a usage error

struct Args {
  std::string store, region, workload, start, policy = "baseline", window, forecast = "perfect";
  std::vector<std::string> regions;
  std::string step = "5min", signal, basis, checkpoint_time = "0", min_run = "0";
  double checkpoint_energy = 0;
  std::optional<double> threshold;
  std::string seed = "1";
  bool json = false;
  std::size_t region_count() const { return regions.size() + (region.empty() ? 0 : 1); }
};

struct RegionSeries {
  std::string name;
  const grids::Series* series = nullptr;
  RegularSeries actual;
  std::vector<double> plan;
  sim::IssuedArchive issued;  // for an issued:KEY forecast
};

RegionSeries load_region(const grids::GridStore& store, const Args& a, const std::string& name,
                         Seconds step, const sim::ForecastSpec& forecast) {
  const auto found = grids::series_for(
      store, name, a.signal.empty() ? std::nullopt : std::optional(parse_signal(a.signal)),
      a.basis.empty() ? std::nullopt : std::optional(parse_basis(a.basis)));
  if (found.empty()) {
    throw ConfigError(fmt::format(
        "{}: no series for region or zone '{}'{}; 'shiftsim grids list {}' shows what the "
        "store holds",
        a.store, name, a.signal.empty() && a.basis.empty() ? "" : " with that signal/basis",
        a.store));
  }
  RegionSeries r{name, found.front(), grids::read_at_step(*found.front(), step), {}, {}};
  if (forecast.is_issued())
    r.issued = grids::make_issued_archive(forecast, r.actual, store);
  else if (!forecast.is_oracle())
    r.plan = grids::make_forecast(forecast, r.actual, &store);
  return r;
}

sim::Policy make_policy(const Args& a) {
  sim::Policy p;
  p.kind = sim::parse_policy_kind(a.policy);
  if (!a.window.empty()) p.window = sim::Window::parse(a.window);
  p.forecast = sim::ForecastSpec::parse(a.forecast, parse_seed(a.seed));
  if (p.forecast.is_issued() && a.region_count() > 1) {
    throw ConfigError(
        "--forecast issued:KEY names one series' forecasts; the spatial choice (--regions) "
        "does not decide on issued forecasts. Run one region at a time");
  }
  if (p.forecast.kind == sim::ForecastKind::series && a.region_count() > 1) {
    throw ConfigError(
        "--forecast series:KEY names one zone's forecast; the spatial choice "
        "(--regions) would plan every region on it. Use a generated forecast "
        "(gaussian:E, uniform:E, persistence) or one region at a time");
  }
  p.costs.checkpoint_time = parse_duration(a.checkpoint_time, "--checkpoint-time", Zero::allowed);
  p.costs.min_run = parse_duration(a.min_run, "--min-run", Zero::allowed);
  p.costs.checkpoint_energy = checkpoint_energy(a.checkpoint_energy, p.costs.checkpoint_time);
  if (p.kind == PolicyKind::threshold) {
    if (!a.threshold || !std::isfinite(*a.threshold) || *a.threshold < 0) {
      throw ConfigError("--policy threshold needs --threshold G, an intensity in g/kWh >= 0");
    }
    if (!p.forecast.is_oracle()) {
      throw ConfigError(
          "--forecast applies to flexible-start and pause-resume; the threshold "
          "policy sees the intensity as it happens");
    }
    p.threshold = *a.threshold;
  } else if (a.threshold) {
    throw ConfigError("--threshold applies only to --policy threshold");
  }
  const bool has_window = p.window.relative ? p.window.percent > 0 : p.window.absolute.count() > 0;
  if (p.kind == PolicyKind::baseline && has_window) {
    throw ConfigError("--window does not apply to --policy baseline");
  }
  // Without a window no policy may move the job at all (the threshold policy may not pause it):
  // the run would be the baseline under another name.
  if (p.kind != PolicyKind::baseline && !has_window) {
    throw ConfigError(fmt::format(
        "--policy {} {}: it can only move the job within a window; pass --window 6h (or a "
        "share of the job's duration, --window 25%), or use --policy baseline",
        to_string(p.kind),
        a.window.empty() ? "needs --window"
                         : fmt::format("with --window {} does nothing", a.window)));
  }
  if (p.kind == PolicyKind::baseline && !p.forecast.is_oracle() && a.region_count() < 2) {
    throw ConfigError(
        "--forecast with --policy baseline applies only to the spatial choice "
        "(--regions A,B,...): a baseline run in one region decides nothing");
  }
  if ((p.kind == PolicyKind::baseline || p.kind == PolicyKind::flexible_start) &&
      !p.costs.is_free()) {
    throw ConfigError(
        fmt::format("pause costs do not apply to --policy {}: it never pauses", to_string(p.kind)));
  }
  return p;
}

std::string iso(TimePoint t) { return format_time(t); }

ordered_json result_json(const sim::RunResult& r) {
  ordered_json j;
  j["outcome"] = std::string(to_string(r.outcome));
  j["requested_start"] = iso(r.requested);
  j["deadline"] = iso(r.deadline);
  if (r.outcome != Outcome::ok) {
    j["explanation"] = sim::explain(r.outcome);
    return j;
  }
  const auto& rec = r.record;
  j["emissions_g"] = rec.operational.value;
  j["embodied_g"] = r.embodied.value;
  j["energy_kwh"] = rec.energy.value;
  j["checkpoint_energy_kwh"] = rec.checkpoint_energy.value;
  j["checkpoint_emissions_g"] = rec.checkpoint_emissions.value;
  j["planned_g"] = r.planned.value;
  j["start"] = iso(rec.start);
  j["finish"] = iso(rec.finish);
  j["delay_h"] = static_cast<double>(r.delay().count()) / kSecondsPerHour;
  j["pauses"] = rec.pauses;
  j["schedule"] = ordered_json::array();
  for (const auto& i : rec.schedule) j["schedule"].push_back({iso(i.from), iso(i.to)});
  return j;
}

void print_text(const sim::RunResult& r, const sim::RunResult& base) {
  fmt::print("requested   {}   deadline {}\n", iso(r.requested), iso(r.deadline));
  if (r.outcome != Outcome::ok) {
    fmt::print("outcome     {}: {}\n", to_string(r.outcome), sim::explain(r.outcome));
    return;
  }
  const auto& rec = r.record;
  fmt::print("start       {}\nfinish      {}   (delay {:.2f} h, {} pause{})\n", iso(rec.start),
             iso(rec.finish), static_cast<double>(r.delay().count()) / kSecondsPerHour, rec.pauses,
             rec.pauses == 1 ? "" : "s");
  fmt::print("energy      {:.6g} kWh", rec.energy.value);
  if (rec.checkpoint_energy.value > 0)
    fmt::print(" ({:.6g} kWh checkpointing)", rec.checkpoint_energy.value);
  fmt::print("\nemissions   {:.6g} g CO2eq operational, {:.6g} g embodied\n", rec.operational.value,
             r.embodied.value);
  if (base.outcome == Outcome::ok && base.record.operational.value > 0) {
    const double b = base.record.operational.value;
    fmt::print("baseline    {:.6g} g if started at the requested time: {:+.2f}%\n", b,
               100.0 * (rec.operational.value - b) / b);
  }
  fmt::print("schedule\n");
  for (const auto& i : rec.schedule) {
    fmt::print("  {}  {}  {}\n", iso(i.from), iso(i.to), format_duration(i.length()));
  }
}

int run_simulate(const Args& a) {
  const Seconds step = parse_duration(a.step, "--step");
  check_simulation_step(step);
  const TimePoint requested = parse_time(a.start, "--start");
  const sim::Policy policy = make_policy(a);
  const workloads::Workload w = workloads::load_workload(a.workload);
  const grids::GridStore store = grids::GridStore::load(a.store);

  std::vector<std::string> names = a.regions;
  if (!a.region.empty()) names.insert(names.begin(), a.region);
  if (names.empty())
    throw ConfigError("give --region R (or --regions A,B,... for the spatial choice)");
  std::vector<RegionSeries> regions;
  for (const auto& n : names) regions.push_back(load_region(store, a, n, step, policy.forecast));

  auto request_for = [&](const RegionSeries& r, const sim::Policy& p) {
    return sim::RunRequest{&r.actual,  r.plan,    w.name, w.facility_profile(),
                           w.embodied, requested, p,      r.issued.empty() ? nullptr : &r.issued};
  };
  std::vector<sim::RegionRun> runs;
  for (const auto& r : regions) runs.push_back({r.name, request_for(r, policy)});
  sim::SpatialResult spatial;
  if (runs.size() == 1)
    spatial.candidates.push_back(sim::simulate(runs.front().request));
  else
    spatial = sim::simulate_spatial(runs);
  const auto& chosen = regions[spatial.chosen];
  const sim::RunResult& result = spatial.run();
  sim::Policy base_policy;
  const sim::RunResult base = sim::simulate(request_for(chosen, base_policy));

  const bool synthetic = chosen.series->key.signal == Signal::surrogate;
  if (a.json) {
    ordered_json j;
    j["job"] = w.name;
    j["region"] = chosen.name;
    j["series"] = chosen.series->key.label();
    j["source"] = chosen.series->source;
    j["synthetic"] = synthetic;
    j["step"] = format_duration(step);
    j["policy"] = std::string(to_string(policy.kind));
    j["policy_description"] = policy.describe();
    j["window"] = policy.kind == PolicyKind::baseline ? "0" : policy.window.describe();
    j["window_h"] = static_cast<double>(result.window.count()) / kSecondsPerHour;
    j["forecast"] = policy.forecast.describe();
    j["duration_h"] = static_cast<double>(result.duration.count()) / kSecondsPerHour;
    j.update(result_json(result));
    if (base.outcome == Outcome::ok) j["baseline_g"] = base.record.operational.value;
    // The intensity the decision was made over, from the requested start to the deadline: the
    // actual series and, for a forecast planned in advance, what the policy saw (null when it
    // saw the actual one, or issued forecasts step by step): what figures.py --decision draws.
    {
      const auto& s = chosen.actual;
      const auto at = [&](TimePoint t) {
        const auto i = (t - s.start) / step;
        return static_cast<std::size_t>(
            std::clamp<std::int64_t>(i, 0, static_cast<std::int64_t>(s.values.size())));
      };
      const std::size_t from = at(requested), to = at(result.deadline + step - Seconds{1});
      ordered_json in{
          {"from", iso(s.start + step * static_cast<std::int64_t>(from))},
          {"step_s", step.count()},
          {"actual", std::vector<double>(s.values.begin() + from, s.values.begin() + to)}};
      in["planned"] = chosen.plan.empty()
                          ? ordered_json(nullptr)
                          : ordered_json(std::vector<double>(chosen.plan.begin() + from,
                                                             chosen.plan.begin() + to));
      j["intensity"] = in;
    }
    if (regions.size() > 1) {
      j["candidates"] = ordered_json::array();
      for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto& c = spatial.candidates[i];
        ordered_json cj{{"region", regions[i].name},
                        {"series", regions[i].series->key.label()},
                        {"outcome", std::string(to_string(c.outcome))}};
        if (c.outcome == Outcome::ok) {
          cj["planned_g"] = c.planned.value;
          cj["emissions_g"] = c.record.operational.value;
        }
        j["candidates"].push_back(cj);
      }
    }
    fmt::print("{}\n", j.dump(2));
  } else {
    fmt::print("{} in {} ({}, {}{}), step {}\n", w.name, chosen.name, chosen.series->key.label(),
               chosen.series->source, synthetic ? "; SYNTHETIC data" : "", format_duration(step));
    fmt::print("policy      {}\n", policy.describe());
    if (regions.size() > 1) {
      fmt::print("regions     ");
      for (std::size_t i = 0; i < regions.size(); ++i) {
        const auto& c = spatial.candidates[i];
        fmt::print("{}{}: {}", i == 0 ? "" : ", ", regions[i].name,
                   c.outcome == Outcome::ok ? fmt::format("{:.6g} g expected", c.planned.value)
                                            : std::string(to_string(c.outcome)));
      }
      fmt::print("; chose {}\n", chosen.name);
    }
    print_text(result, base);
  }
  return result.outcome == Outcome::ok ? 0 : kNoResultExit;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "simulate",
      "Simulate one job from one requested start under a policy; print the result "
      "and the schedule (exit 4 when the job cannot finish within the data)");
  auto a = std::make_shared<Args>();
  cmd->add_option("--grids", a->store, "grid store (HDF5)")->required();
  cmd->add_option("--region", a->region, "region (paper label, cloud name) or zone id");
  cmd->add_option("--regions", a->regions,
                  "spatial choice: several regions; the job runs where it is expected to emit "
                  "least")
      ->delimiter(',');
  cmd->add_option("--workload", a->workload, "catalog name (see 'workloads list') or workload file")
      ->required();
  cmd->add_option("--start", a->start, "requested start, ISO 8601 (UTC unless an offset is given)")
      ->required();
  cmd->add_option("--policy", a->policy, "baseline, flexible-start, pause-resume or threshold")
      ->capture_default_str();
  cmd->add_option("--window", a->window, "N: absolute (6h) or relative to the job's duration (25%)")
      ->capture_default_str();
  cmd->add_option("--forecast", a->forecast,
                  "what the policy decides on: perfect, gaussian:E, uniform:E, persistence, "
                  "series:ZONE/SIGNAL/BASIS, or issued:ZONE/SIGNAL/BASIS[:persistence|:hold] "
                  "(the forecasts issued over time, decided on step by step as they arrive)")
      ->capture_default_str();
  cmd->add_option("--seed", a->seed, "seed of forecast noise")->capture_default_str();
  cmd->add_option("--threshold", a->threshold, "threshold policy: g/kWh at or below which it runs");
  cmd->add_option("--checkpoint-time", a->checkpoint_time,
                  "pause cost: time to write a checkpoint at each pause (whole steps)")
      ->capture_default_str();
  cmd->add_option("--checkpoint-energy", a->checkpoint_energy,
                  "pause cost: kWh drawn by each checkpoint")
      ->capture_default_str();
  cmd->add_option(
         "--min-run", a->min_run,
         "a run that ends in a pause lasts at least this (pause-resume: rounded up to whole steps)")
      ->capture_default_str();
  cmd->add_option("--step", a->step, "simulation step, dividing a day")->capture_default_str();
  cmd->add_option("--signal", a->signal, "use the series of this signal (average, marginal, ...)");
  cmd->add_option("--basis", a->basis, "use the series of this basis (direct, lifecycle)");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a] {
    const int code = run_simulate(*a);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace shiftsim::cli
