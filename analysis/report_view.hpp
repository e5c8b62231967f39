#pragma once
// A sweep cube read by workload, region and policy: its labels, its starts, the per-cell
// summaries at the forecast and seed the report reads, the baselines (each through a named-axis
// CubeView, experiments/cube_view.hpp, so no reader computes an offset), the workloads'
// durations; the provenance attributes by region; and the quantities a per-region column holds
// (savings, pauses per run, per window hour, per job hour).
// Internal to analysis/ (report.cpp, validation.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "experiments/cube.hpp"
#include "experiments/cube_view.hpp"
#include "experiments/provenance.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/time.hpp"
#include "sim/policy.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::analysis::report_detail {

using experiments::Cube;
using experiments::CubeView;
using experiments::Labels;
using experiments::Times;

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
inline constexpr double kFig1Kwh = 37.3;  // BERT pretraining's energy, by which Fig. 1 divides

inline double mean_of(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    s += x;
    ++n;
  }
  return n == 0 ? kNaN : s / static_cast<double>(n);
}

// A sweep cube's labels and its variables by name.
class View {
 public:
  explicit View(const Cube& c) {
    auto labels = [&](const char* dim) -> const std::vector<std::string>& {
      try {
        return std::get<Labels>(c.dim(dim).coords).values;
      } catch (const std::out_of_range&) {  // no such dimension
        throw ConfigError(
            fmt::format("not a shiftsim sweep cube: it has no '{}' dimension "
                        "(make one with 'shiftsim run')",
                        dim));
      } catch (const std::bad_variant_access&) {  // a dimension of times or numbers
        throw ConfigError(
            fmt::format("not a shiftsim sweep cube: it has no '{}' dimension of "
                        "labels (make one with 'shiftsim run')",
                        dim));
      }
    };
    workloads = labels("workload");
    // Loaded once: tables ask for durations and labels per window and region.
    for (const auto& w : workloads) {
      try {
        jobs.emplace_back(shiftsim::workloads::load_workload(w));
      } catch (const Error&) {
        jobs.emplace_back(std::nullopt);  // a workload file not reachable from here
      }
    }
    regions = labels("region");
    policies = labels("policy");
    try {
      starts = std::get<Times>(c.dim("start").coords).values;
      (void)c.var("baseline_g");
      (void)c.var("savings_pct_mean");
      (void)c.var("pauses_mean");
    } catch (const std::out_of_range&) {  // a variable missing
      throw ConfigError(
          "not a shiftsim sweep cube: it lacks the start axis or the baseline_g, "
          "savings_pct_mean or pauses_mean variables (make one with 'shiftsim run')");
    } catch (const std::bad_variant_access&) {  // a start axis not of times
      throw ConfigError(
          "not a shiftsim sweep cube: it lacks the start axis or the baseline_g, "
          "savings_pct_mean or pauses_mean variables (make one with 'shiftsim run')");
    }
    const auto& dims = c.var("valid_starts").dims;
    std::size_t fi = 0;
    if (std::find(dims.begin(), dims.end(), "forecast") != dims.end()) {
      const auto& f = labels("forecast");
      const auto it = std::find(f.begin(), f.end(), "perfect");
      fi = it == f.end() ? 0 : static_cast<std::size_t>(it - f.begin());
      // Said unless the tables read the oracle of a cube that has only it (every sweep cube has
      // the dimension, often of length one): noisy-forecast savings must not read as oracle's.
      if (f.size() > 1 || f[fi] != "perfect") reading = fmt::format("forecast '{}'", f[fi]);
    }
    if (std::find(dims.begin(), dims.end(), "seed") != dims.end() && labels("seed").size() > 1) {
      reading += fmt::format("{}seed {}", reading.empty() ? "" : ", ", labels("seed")[0]);
    }
    // The summaries are read at that forecast and the first seed.
    forecast_index = fi;
    for (const char* name : {"savings_pct_mean", "pauses_mean"})
      summaries_.emplace(name, CubeView(c, name).hold("forecast", fi).hold("seed", 0));
    baseline_.emplace(c, "baseline_g");
  }

  std::optional<std::size_t> policy(const std::string& label) const {
    const auto it = std::find(policies.begin(), policies.end(), label);
    if (it == policies.end()) return std::nullopt;
    return static_cast<std::size_t>(it - policies.begin());
  }
  std::optional<std::size_t> workload(const std::string& name) const {
    const auto it = std::find(workloads.begin(), workloads.end(), name);
    if (it == workloads.end()) return std::nullopt;
    return static_cast<std::size_t>(it - workloads.begin());
  }
  std::optional<std::size_t> region(const std::string& name) const {
    for (std::size_t r = 0; r < regions.size(); ++r) {
      if (iequals(regions[r], name)) return r;
    }
    return std::nullopt;
  }
  // A per-cell summary (savings_pct_mean or pauses_mean) of (workload, region, policy).
  double summary(const std::string& var, std::size_t w, std::size_t r, std::size_t p) const {
    return summaries_.at(var).at({{"workload", w}, {"region", r}, {"policy", p}});
  }
  double baseline(std::size_t w, std::size_t r, std::size_t t) const {
    return baseline_->at({{"workload", w}, {"region", r}, {"start", t}});
  }

  // The job's duration in hours; NaN if its workload cannot be loaded here.
  double duration_h(std::size_t w) const {
    return jobs[w] ? static_cast<double>(jobs[w]->duration().count()) / 3600.0 : kNaN;
  }
  std::string label(std::size_t w) const { return jobs[w] ? jobs[w]->label : workloads[w]; }

  std::vector<std::string> workloads, regions, policies;
  std::vector<std::optional<shiftsim::workloads::Workload>> jobs;  // per workload, loaded
  std::vector<std::int64_t> starts;
  std::string reading;  // which forecast and seed the tables read, when the cube has several
  std::size_t forecast_index = 0;  // of the forecast read ("perfect", else the first)

 private:
  std::map<std::string, CubeView> summaries_;
  std::optional<CubeView> baseline_;
};

inline std::string attr(const Cube& c, const std::string& key) {
  const auto it = c.attrs.find(key);
  return it == c.attrs.end() ? std::string{} : it->second;
}

// The series each region was computed on (experiments/provenance.hpp), by region label.
inline std::map<std::string, experiments::SeriesProvenance> series_notes(const Cube& c) {
  std::map<std::string, experiments::SeriesProvenance> out;
  const std::size_t regions = c.dim("region").size();
  for (auto& s : experiments::series_provenance(c, regions)) out[s.region] = std::move(s);
  return out;
}

// What a per-region column holds: savings (%), pauses per run, or pauses per hour of the job's
// duration D or of the whole window (N + D, the hours pause-resume may spread the job over).
enum class Quantity { savings, pauses_per_run, pauses_per_job_hour, pauses_per_window_hour };

// The window N of a policy label "pause-resume/25%" for a job of `hours`, in hours; NaN if the
// label has no window.
inline double window_hours(const std::string& label, double hours) {
  const auto slash = label.rfind('/');
  if (slash == std::string::npos || std::isnan(hours)) return kNaN;
  try {
    const auto d = Seconds{static_cast<std::int64_t>(std::llround(hours * 3600))};
    return static_cast<double>(
               sim::Window::parse(label.substr(slash + 1)).for_duration(d).count()) /
           3600.0;
  } catch (const ConfigError&) {
    return kNaN;
  }
}

// A quantity of a (workload, policy), per region; NaN where missing.
inline std::vector<double> per_region(const View& v, std::size_t w, std::size_t p, Quantity q) {
  std::vector<double> out(v.regions.size(), kNaN);
  const double d = v.duration_h(w);
  const double hours = q == Quantity::pauses_per_job_hour      ? d
                       : q == Quantity::pauses_per_window_hour ? d + window_hours(v.policies[p], d)
                                                               : 1.0;
  for (std::size_t r = 0; r < v.regions.size(); ++r) {
    out[r] = q == Quantity::savings ? v.summary("savings_pct_mean", w, r, p)
                                    : v.summary("pauses_mean", w, r, p) / hours;
  }
  return out;
}

}  // namespace shiftsim::analysis::report_detail
