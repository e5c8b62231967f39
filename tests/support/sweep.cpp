#include "tests/support/sweep.hpp"

#include <cmath>

#include "sim/core/random.hpp"

namespace shiftsim::test {

using namespace shiftsim::experiments;

namespace {

sim::Policy policy(sim::PolicyKind k, const std::string& window) {
  sim::Policy p;
  p.kind = k;
  if (k != sim::PolicyKind::baseline) p.window = sim::Window::parse(window);
  return p;
}

}  // namespace

// Two zones of 366 days of hourly data (to 1 January 2023) with a daily shape and noise
// (synthetic test data).
grids::GridStore small_store() {
  grids::GridStore store;
  Xorshift64Star rng(5);
  for (const std::string zone : {"ZA", "ZB"}) {
    grids::Series s;
    s.key = {zone, Signal::average, Basis::direct};
    s.source = "synthetic test data";
    s.start = make_time(2021, 12, 31);
    s.step = Seconds{3600};
    for (int h = 0; h < 24 * 366; ++h) {
      s.values.push_back(300 + 200 * std::sin(h * 0.2618) + 50 * rng.unit() +
                         (zone == "ZB" ? 80 : 0));
    }
    s.flags.assign(s.values.size(), 0);
    store.put(s);
  }
  return store;
}

Experiment small_experiment() {
  Experiment e;
  e.file = "test.toml";
  e.text = "synthetic";
  e.regions = {"ZA", "ZB"};
  e.years = {2022};
  e.step = Seconds{900};
  e.workloads = {"bert-finetune", "densenet-201"};
  e.starts.every = Seconds{6 * 3600};
  e.policies = {{"baseline", policy(sim::PolicyKind::baseline, "")},
                {"flexible-start/6h", policy(sim::PolicyKind::flexible_start, "6h")},
                {"pause-resume/100%", policy(sim::PolicyKind::pause_resume, "100%")}};
  sim::Policy th = policy(sim::PolicyKind::threshold, "12h");
  th.threshold = 350;
  e.policies.push_back({"threshold/350/12h", th});
  sim::Policy costly = policy(sim::PolicyKind::pause_resume, "50%");
  costly.costs = sim::PauseCosts{Seconds{900}, kwh(0.05), Seconds{1800}};
  e.policies.push_back({"pause-resume+pause-costs/50%", costly});
  e.forecasts = {"perfect", "gaussian:0.2"};
  e.seeds = {1, 2};
  e.output = "out.h5";
  return e;
}

}  // namespace shiftsim::test
