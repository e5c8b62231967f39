#include "experiments/calibration.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "experiments/experiment.hpp"
#include "grids/regions.hpp"
#include "sim/core/errors.hpp"
#include "sim/kernels.hpp"
#include "sim/policy.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::experiments {

namespace {

constexpr Seconds kStep{300};
constexpr const char* kFsWindows[] = {"6h", "12h", "18h", "24h"};
constexpr const char* kPrWindows[] = {"25%", "50%", "75%", "100%"};

struct Job {
  std::vector<double> kwh;
  Seconds duration{0};
};

Job job(const std::string& name) {
  const auto w = workloads::load_workload(name);
  const auto power = w.facility_profile();
  return {power.at_step(kStep).kwh, power.duration()};
}

// Mean of 100 (b - x) / b over starts where both are ok.
double mean_saving(const std::vector<sim::kernels::StartResult>& base,
                   const std::vector<sim::kernels::StartResult>& policy) {
  double sum = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    if (base[i].status != sim::kernels::Status::ok || policy[i].status != sim::kernels::Status::ok)
      continue;
    const double b = base[i].emissions_g;
    if (b <= 0) continue;
    sum += 100.0 * (b - policy[i].emissions_g) / b;
    ++n;
  }
  return n == 0 ? std::nan("") : sum / double(n);
}

// (log amp, log sigma_day, log sigma_hour, logit phi) <-> parameters, clamped to the bounds.
constexpr std::size_t kDims = 6;
using Point = std::array<double, kDims>;
double logit(double p) { return std::log(p / (1 - p)); }
double expit(double x) { return 1 / (1 + std::exp(-x)); }
Point clamp(Point x) {
  const auto& b = kBounds;
  x[0] = std::clamp(x[0], std::log(b.amp_lo), std::log(b.amp_hi));
  x[1] = std::clamp(x[1], std::log(b.sigma_day_lo), std::log(b.sigma_day_hi));
  x[2] = std::clamp(x[2], std::log(b.sigma_hour_lo), std::log(b.sigma_hour_hi));
  x[3] = std::clamp(x[3], logit(b.phi_lo), logit(b.phi_hi));
  x[4] = std::clamp(x[4], b.clean_lo, b.clean_hi);
  x[5] = std::clamp(x[5], logit(b.phi_lo), logit(b.phi_hi));
  return x;
}
grids::CalibrationParams params(const Point& x) {
  return {std::exp(x[0]), std::exp(x[1]), std::exp(x[2]), expit(x[3]), x[4], expit(x[5])};
}
double round4(double v) { return std::round(v * 1e4) / 1e4; }
grids::CalibrationParams rounded(const grids::CalibrationParams& p) {
  return {round4(p.amp_scale), round4(p.sigma_day),   round4(p.sigma_hour),
          round4(p.phi_hour),  round4(p.clean_level), round4(p.phi_clean)};
}

double sse(const Fig34Values& a, const Fig34Values& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = std::isnan(a[i]) ? 100.0 : a[i] - b[i];  // a missing value is far off
    s += d * d;
  }
  return s;
}

}  // namespace

static void check_params(const grids::CalibrationParams& p) {
  const auto& b = kBounds;
  auto in = [](double x, double lo, double hi) { return std::isfinite(x) && x >= lo && x <= hi; };
  if (!in(p.amp_scale, 0, b.amp_hi) || !in(p.sigma_day, 0, b.sigma_day_hi) ||
      !in(p.sigma_hour, 0, b.sigma_hour_hi) || !in(p.phi_hour, 0, b.phi_hi) ||
      !(std::isfinite(p.clean_level) || p.clean_level < 0) || !in(p.phi_clean, 0, b.phi_hi))
    throw ConfigError(fmt::format(
        "calibration figures out of range: amp_scale in [0, {}], sigma_day in [0, {}], "
        "sigma_hour in [0, {}], phi_hour and phi_clean in [0, {}], clean_level a number",
        b.amp_hi, b.sigma_day_hi, b.sigma_hour_hi, b.phi_hi));
}

Fig34Values to_values(const grids::PaperFig34& p) {
  Fig34Values v{};
  for (std::size_t i = 0; i < 4; ++i) {
    v[i] = p.fs_densenet201[i];
    v[4 + i] = p.fs_6b[i];
    v[8 + i] = p.pr_densenet201[i];
    v[12 + i] = p.pr_6b[i];
  }
  return v;
}

Fig34Values predict_fig34(const std::string& name, const grids::CalibrationParams& p,
                          const CalibrationSetup& setup, double* clean_share) {
  check_params(p);
  static const Job d201 = job("densenet-201"), b6 = job("transformer-6b");
  const grids::Region& region = grids::resolve_region(name);
  grids::SynthOptions o{{setup.year}, kStep, setup.seed, false};
  std::size_t cleans = 0;
  const grids::Series s = grids::synthesize_region(
      region, grids::calibrated_shape(grids::base_shape(region.label), p), o, &cleans);
  if (clean_share != nullptr) *clean_share = double(cleans) / double(s.values.size());
  const sim::kernels::Grid grid{s.values, s.values};
  // The main job's starts: the paper scheme (5 a month) with the experiment's seed.
  Experiment e;
  e.years = {setup.year};
  e.step = kStep;
  e.starts.kind = StartScheme::Kind::paper;
  e.starts.seed = setup.starts_seed;
  std::vector<std::int64_t> at;
  for (const TimePoint t : start_times(e)) at.push_back((t - s.start) / kStep);
  // One start at a time: the kernels cost O(window) per call, not O(year).
  auto run = [&](auto&& kernel) {
    std::vector<sim::kernels::StartResult> r;
    for (const std::int64_t i : at) r.push_back(kernel(i).front());
    return r;
  };
  // Slots in Fig34Values order: FS DenseNet-201, FS 6B, P&R DenseNet-201, P&R 6B; each job's
  // baseline is computed once for both policies.
  Fig34Values out{};
  for (std::size_t ji = 0; ji < 2; ++ji) {
    const Job* j = ji == 0 ? &d201 : &b6;
    const auto base =
        run([&](std::int64_t i) { return sim::kernels::baseline(grid, j->kwh, i, i + 1); });
    for (bool pause : {false, true}) {
      std::size_t slot = (pause ? 8 : 0) + 4 * ji;
      for (std::size_t wi = 0; wi < 4; ++wi) {
        const auto window = sim::Window::parse(pause ? kPrWindows[wi] : kFsWindows[wi]);
        const Seconds n = window.for_duration(j->duration);
        const auto res = run([&](std::int64_t i) {
          return pause ? sim::kernels::pause_resume(
                             grid, j->kwh, sim::pause_resume_window(j->kwh.size(), n, kStep), i,
                             i + 1)
                       : sim::kernels::flexible_start(
                             grid, j->kwh, sim::flexible_start_offsets(n, kStep), i, i + 1);
        });
        out[slot++] = mean_saving(base, res);
      }
    }
  }
  return out;
}

RegionFit fit_region(const std::string& name, const CalibrationSetup& setup) {
  const std::string label = grids::resolve_region(name).label;  // a cloud name or zone works too
  const auto* paper = grids::find_paper_fig34(label);
  if (paper == nullptr) throw ConfigError(fmt::format("no Fig. 3-4 values for region '{}'", label));
  if (setup.max_evaluations < kMinEvaluations)
    throw ConfigError(
        fmt::format("--evaluations {}: the screening design alone takes {}; give at "
                    "least {}",
                    setup.max_evaluations, kScreeningPoints, kMinEvaluations));
  const auto& base = grids::base_shape(label);
  RegionFit fit;
  fit.paper = to_values(*paper);
  int evaluations = 0;
  auto f = [&](const Point& x) {
    ++evaluations;
    return sse(predict_fig34(label, params(x), setup), fit.paper);
  };
  // Nelder-Mead with the standard coefficients (reflection 1, expansion 2, contraction 0.5,
  // shrink 0.5) and an initial simplex of steps 0.5 in each transformed coordinate.
  struct Best {
    Point x;
    double value;
  };
  auto nelder_mead = [&](const Point& x0, int budget) {
    const int stop = evaluations + budget;
    std::array<Point, kDims + 1> simplex;
    std::array<double, kDims + 1> value{};
    simplex[0] = x0;
    for (std::size_t i = 0; i < kDims; ++i) {
      simplex[i + 1] = x0;
      simplex[i + 1][i] += 0.5;
      simplex[i + 1] = clamp(simplex[i + 1]);
      if (simplex[i + 1] == x0) simplex[i + 1][i] -= 0.5;  // at the upper bound: step down
    }
    for (std::size_t i = 0; i <= kDims; ++i) value[i] = f(simplex[i]);
    auto order = [&] {
      std::array<std::size_t, kDims + 1> idx{};
      for (std::size_t i = 0; i <= kDims; ++i) idx[i] = i;
      std::stable_sort(idx.begin(), idx.end(), [&](auto a, auto c) { return value[a] < value[c]; });
      auto s2 = simplex;
      auto v2 = value;
      for (std::size_t i = 0; i <= kDims; ++i) s2[i] = simplex[idx[i]], v2[i] = value[idx[i]];
      simplex = s2;
      value = v2;
    };
    auto along = [&](const Point& c, const Point& w, double t) {
      Point p{};
      for (std::size_t i = 0; i < kDims; ++i) p[i] = c[i] + t * (w[i] - c[i]);
      return clamp(p);
    };
    constexpr std::size_t worst = kDims, second = kDims - 1;
    while (evaluations < stop) {
      order();
      if (value[worst] - value[0] < 1e-6 * (1 + value[0])) break;
      Point c{};
      for (std::size_t i = 0; i < kDims; ++i)
        for (std::size_t k = 0; k < kDims; ++k) c[k] += simplex[i][k] / double(kDims);
      const Point r = along(c, simplex[worst], -1.0);
      const double fr = f(r);
      if (fr < value[0]) {
        const Point e = along(c, simplex[worst], -2.0);
        const double fe = f(e);
        if (fe < fr) {
          simplex[worst] = e, value[worst] = fe;
        } else {
          simplex[worst] = r, value[worst] = fr;
        }
      } else if (fr < value[second]) {
        simplex[worst] = r, value[worst] = fr;
      } else {
        const bool outside = fr < value[worst];
        const Point k = along(c, outside ? r : simplex[worst], 0.5);
        const double fk = f(k);
        if (fk < (outside ? fr : value[worst])) {
          simplex[worst] = k, value[worst] = fk;
        } else {
          for (std::size_t i = 1; i <= kDims; ++i) {
            simplex[i] = along(simplex[0], simplex[i], 0.5);
            value[i] = f(simplex[i]);
          }
        }
      }
    }
    order();
    return Best{simplex[0], value[0]};
  };
  // Starts: the best three points of a fixed screening design around the real data's own
  // figures (amplitude x 0.3 / 1 / 3, noise x 0.5 / 2, its persistence 0.5 / 0.9 / 0.99, the
  // clean regime off / about 10 % / about 20 % of the time, its persistence 0.3 / 0.8 / 0.97);
  // the objective has plateaus and kinks (floors, a threshold), so one start is not enough.
  const auto& b = kBounds;
  const double sd = std::log(std::clamp(base.sigma_day, b.sigma_day_lo, 1.0));
  const double sh = std::log(std::clamp(base.sigma_hour, b.sigma_hour_lo, 1.0));
  std::vector<Best> screened;
  for (double amp : {0.3, 1.0, 3.0})
    for (double noise : {0.5, 2.0})
      for (double ph : {0.5, 0.9, 0.99})
        for (double clean : {b.clean_lo, -1.3, -0.8})
          for (double pc : {0.3, 0.8, 0.97}) {
            if (clean == b.clean_lo && pc != 0.8) continue;  // persistence of an absent regime
            const Point x =
                clamp({std::log(amp), sd, sh + std::log(noise), logit(ph), clean, logit(pc)});
            screened.push_back({x, f(x)});
          }
  if (screened.size() != static_cast<std::size_t>(kScreeningPoints))
    throw InternalError("calibration: the screening design's size differs from kScreeningPoints");
  std::stable_sort(screened.begin(), screened.end(),
                   [](const Best& l, const Best& r) { return l.value < r.value; });
  const int left = std::max(0, setup.max_evaluations - evaluations);
  Best best = screened.front();
  for (int k = 0; k < 3; ++k) {
    const Best local = nelder_mead(screened[static_cast<std::size_t>(k)].x, left / 3);
    if (local.value < best.value) best = local;
  }
  fit.region.label = label;
  const auto marginal = grids::marginal_shapes();
  const bool from_marginal = std::any_of(marginal.begin(), marginal.end(),
                                         [&](const auto& m) { return m.label == base.label; });
  fit.region.shape_source =
      fmt::format("{}: {} ({})", from_marginal ? "marginal" : "average", base.source, base.zone);
  fit.region.params = rounded(params(best.x));
  fit.predicted = predict_fig34(label, fit.region.params, setup, &fit.region.clean_share);
  fit.region.fit_rmse_pp = std::sqrt(sse(fit.predicted, fit.paper) / 16.0);
  fit.evaluations = evaluations;
  return fit;
}

std::vector<RegionFit> fit_all(const CalibrationSetup& setup) {
  const auto regions = grids::paper_regions();
  std::vector<RegionFit> out(regions.size());
  tbb::parallel_for(std::size_t{0}, regions.size(),
                    [&](std::size_t i) { out[i] = fit_region(regions[i].label, setup); });
  return out;
}

std::string calibration_table(const std::vector<RegionFit>& fits, const CalibrationSetup& setup) {
  std::string out = fmt::format(
      "# The calibrated surrogate's fitted figures per region (grids/calibrated.hpp), written by\n"
      "# 'shiftsim grids calibrate --seed {} --year {} --evaluations {}' (grids/data/"
      "derive_calibration.sh)\n"
      "# from the paper's Figs. 3-4 (dodge2022_fig3_4.csv) and the shapes (surrogate_shape.csv,\n"
      "# surrogate_shape_marginal.csv). amp_scale multiplies the shape's diurnal harmonics;\n"
      "# sigma_day, sigma_hour, phi_hour replace the shape's; clean_level and phi_clean set the\n"
      "# clean-margin regime, clean_share is the share of the fitted year in it; fit_rmse_pp is "
      "the\n"
      "# root mean square\n"
      "# error over the region's 16 Fig. 3-4 values, in percentage points. SYNTHETIC.\n"
      "label,shape_source,amp_scale,sigma_day,sigma_hour,phi_hour,clean_level,phi_clean,"
      "clean_share,fit_rmse_pp\n",
      setup.seed, setup.year, setup.max_evaluations);
  for (const auto& f : fits) {
    const auto& p = f.region.params;
    std::string source = f.region.shape_source;
    std::replace(source.begin(), source.end(), ',', ';');
    out += fmt::format("{},{},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.3f}\n",
                       f.region.label, source, p.amp_scale, p.sigma_day, p.sigma_hour, p.phi_hour,
                       p.clean_level, p.phi_clean, f.region.clean_share, f.region.fit_rmse_pp);
  }
  return out;
}

}  // namespace shiftsim::experiments
