#include "sim/cluster/accounting.hpp"

#include <algorithm>
#include <utility>

#include "sim/cluster/cluster.hpp"

namespace shiftsim::sim::cluster {

Accounting::Accounting(const Cluster& c, std::int64_t begin) {
  result_.jobs.assign(c.job_count(), JobResult{});
  result_.sites.resize(c.site_count());
  result_.begin = begin;
  last_.assign(c.site_count(), begin);
  held_.assign(c.site_count(), 0);
  for (std::size_t s = 0; s < c.site_count(); ++s) {
    const Site& site = c.site(s);
    auto& out = result_.sites[s];
    out.name = site.name;
    out.capacity = site.spec.capacity;
    out.utilisation_step = site.charge.step();
    out.utilisation_start = begin - (begin - site.charge.begin()) % out.utilisation_step;
  }
}

void Accounting::on_phase(const Cluster& c, JobId j, JobPhase from, JobPhase to) {
  auto& r = result_.jobs[j];
  switch (to) {
    case JobPhase::queued:
      r.release = c.now();
      break;
    case JobPhase::running:
      if (from == JobPhase::queued) {
        r.site = c.site_of(j);
        r.first_start = c.now();
      }
      break;
    case JobPhase::checkpointing:
      ++r.suspensions;
      break;
    case JobPhase::finished:
      r.finish = c.now();
      r.outcome = c.outcome(j);
      break;
    case JobPhase::dropped:
      r.outcome = c.outcome(j);
      break;
    case JobPhase::pending:
    case JobPhase::suspended:
      break;
  }
}

void Accounting::on_charge(const Cluster& /*c*/, const Charge& charge) {
  auto& r = result_.jobs[charge.job];
  r.energy += charge.energy;
  if (!charge.working) r.checkpoint_energy += charge.energy;
  r.emissions += charge.emissions;
  r.work += charge.work;
  r.held += Seconds{charge.to - charge.from};
}

void Accounting::on_hold(const Cluster& c, std::size_t site, int held) {
  account_site(c, site, c.now());
  held_[site] = held;
}

void Accounting::account_site(const Cluster& c, std::size_t s, std::int64_t t) {
  std::int64_t& last = last_[s];
  if (t <= last) return;
  const Site& site = c.site(s);
  auto& out = result_.sites[s];
  const int held = held_[s];
  const int idle = site.spec.capacity - held;
  out.busy_accelerator_seconds += static_cast<double>(held) * static_cast<double>(t - last);
  if (site.spec.idle_watts > 0 && idle > 0) {
    const double kw = idle * site.spec.idle_watts / 1000.0 * site.spec.pue;
    out.idle_energy += kwh(kw * static_cast<double>(t - last) / 3600.0);
    out.idle_emissions += grams(kw * site.charge.between(last, t));
  }
  if (held > 0) {
    // Held accelerator-seconds per step of the span, divided by capacity x step at the end.
    const std::int64_t step = out.utilisation_step;
    for (std::int64_t a = last; a < t;) {
      const auto bin = static_cast<std::size_t>((a - out.utilisation_start) / step);
      const std::int64_t bin_end =
          out.utilisation_start + static_cast<std::int64_t>(bin + 1) * step;
      const std::int64_t b = std::min(t, bin_end);
      if (out.utilisation.size() <= bin) out.utilisation.resize(bin + 1, 0.0);
      out.utilisation[bin] += static_cast<double>(held) * static_cast<double>(b - a);
      a = b;
    }
  }
  last = t;
}

ClusterResult Accounting::finish(const Cluster& c, std::int64_t end) {
  result_.end = end;
  for (std::size_t s = 0; s < c.site_count(); ++s) {
    account_site(c, s, end);
    auto& out = result_.sites[s];
    const double per_bin =
        static_cast<double>(out.capacity) * static_cast<double>(out.utilisation_step);
    const auto bins = static_cast<std::size_t>(
        (end - out.utilisation_start + out.utilisation_step - 1) / out.utilisation_step);
    out.utilisation.resize(bins, 0.0);
    for (double& u : out.utilisation) u /= per_bin;
    const auto& e = c.site(s).spec.embodied;
    if (!e.is_none()) out.embodied = out.capacity * e.for_time(Seconds{end - result_.begin});
  }
  for (JobId j = 0; j < c.job_count(); ++j) {
    auto& r = result_.jobs[j];
    const auto& job = c.job(j);
    if (r.site >= 0) {
      const auto& e = c.site(static_cast<std::size_t>(r.site)).spec.embodied;
      if (!e.is_none()) r.embodied = job.accelerators * e.for_time(r.held);
    }
    if (job.deadline) {
      r.deadline_missed = r.outcome == JobOutcome::finished
                              ? r.finish > *job.deadline
                              : r.outcome != JobOutcome::rejected && *job.deadline <= end;
    }
  }
  return std::move(result_);
}

}  // namespace shiftsim::sim::cluster
