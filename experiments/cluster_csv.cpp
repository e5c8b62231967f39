#include "experiments/cluster_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "sim/core/atomic_file.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::experiments {

namespace {

namespace cl = sim::cluster;

double hours(double seconds) { return seconds / 3600.0; }

}  // namespace

void write_jobs_csv(const std::string& path, const std::vector<cl::ClusterJob>& jobs,
                    const cl::ClusterResult& r, const std::vector<cl::Site>& sites) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path());
    f << "id,arrival,accelerators,length_h,deadline,outcome,site,release,start,finish,wait_h,"
         "slowdown,energy_kwh,emissions_g,checkpoint_kwh,embodied_g,suspensions,deadline_missed\n";
    auto t = [](std::int64_t s) {
      return s < 0 ? std::string() : format_time(TimePoint{Seconds{s}});
    };
    for (std::size_t j = 0; j < jobs.size(); ++j) {
      const auto& job = jobs[j];
      const auto& x = r.jobs[j];
      const double length = static_cast<double>(job.length().count());
      const bool ran = x.outcome == cl::JobOutcome::finished;
      f << fmt::format(
          "{},{},{},{:.6f},{},{},{},{},{},{},{},{},{:.9g},{:.9g},{:.9g},{:.9g},{},{}\n",
          csv_quote(job.id), t(job.arrival), job.accelerators, hours(length),
          job.deadline ? t(*job.deadline) : "", to_string(x.outcome),
          x.site < 0 ? "" : csv_quote(sites[static_cast<std::size_t>(x.site)].name), t(x.release),
          t(x.first_start), t(x.finish),
          x.first_start < 0 ? std::string() : fmt::format("{:.6f}", hours(x.wait_seconds())),
          ran ? fmt::format("{:.6f}", static_cast<double>(x.finish - x.release) / length) : "",
          x.energy.value, x.emissions.value, x.checkpoint_energy.value, x.embodied.value,
          x.suspensions, x.deadline_missed ? "true" : "false");
    }
    if (!f.flush()) throw IoError(path + ": could not write (disk full?)");
  }
  out.commit();
}

void write_utilisation_csv(const std::string& path, const cl::ClusterResult& r) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path());
    f << "time";
    for (const auto& s : r.sites) f << "," << csv_quote(s.name);
    f << "\n";
    std::size_t bins = 0;
    for (const auto& s : r.sites) bins = std::max(bins, s.utilisation.size());
    for (std::size_t b = 0; b < bins; ++b) {
      const auto& s0 = r.sites.front();
      f << format_time(TimePoint{
          Seconds{s0.utilisation_start + static_cast<std::int64_t>(b) * s0.utilisation_step}});
      for (const auto& s : r.sites)
        f << fmt::format(",{:.6f}", b < s.utilisation.size() ? s.utilisation[b] : 0.0);
      f << "\n";
    }
    if (!f.flush()) throw IoError(path + ": could not write (disk full?)");
  }
  out.commit();
}

}  // namespace shiftsim::experiments
