#pragma once
// The calibrated surrogate (`grids synth --calibrated`): the surrogate model of surrogate.hpp with
// per-region figures fitted to the paper's per-region results, Figs. 3 and 4 of Dodge et al. 2022
// (grids/data/dodge2022_fig3_4.csv), and to nothing else the paper publishes.
//
// Per region, the shape (the diurnal harmonics' relative amplitudes and peak hours, the lag-1
// autocorrelation of the day-to-day swing) comes from real data: from a marginal signal where
// one exists (West US: the SGIP MOER of PG&E, 2020; grids/data/surrogate_shape_marginal.csv), else
// from average intensity (grids/data/surrogate_shape.csv). Six figures are fitted
// (experiments/calibration.hpp): the daily profile's amplitude as a factor on both harmonics
// (amp_scale), the day-to-day swing (sigma_day), the short-term noise (sigma_hour), its
// persistence (phi_hour, the hour-to-hour autocorrelation; lower is choppier within the hour),
// and the clean-margin regime (clean_level, phi_clean): the time a marginal signal spends near
// zero while renewables are on the margin, as the paper's West US does (there pause-resume's
// saving grows linearly with the window, which only a share of near-zero time explains).
// Monthly means still follow Fig. 1 exactly. The table lives in
// grids/data/surrogate_calibrated.csv, re-derived byte-identically by
// grids/data/derive_calibration.sh.
//
// Everything made from it is SYNTHETIC and says "calibrated to Dodge et al. Figs. 3-4".
#include <array>
#include <span>
#include <string>
#include <vector>

#include "grids/surrogate.hpp"

namespace shiftsim::grids {

// What every calibrated series, table and figure says of its data.
inline constexpr const char* kCalibratedNote = "SYNTHETIC, calibrated to Dodge et al. Figs. 3-4";

// The paper's Figs. 3-4 for one region (% decrease, read off the bar charts): flexible start at
// N = 6/12/18/24 h and pause-resume at N = 25/50/75/100 %, for DenseNet-201 and the 6B model.
struct PaperFig34 {
  std::string label;
  std::array<double, 4> fs_densenet201, fs_6b, pr_densenet201, pr_6b;
};
std::span<const PaperFig34> paper_fig34();  // in the paper's region order
const PaperFig34* find_paper_fig34(std::string_view label);

// The fitted figures of one region.
struct CalibrationParams {
  double amp_scale = 1;     // factor on a1 and a2
  double sigma_day = 0;     // relative day-to-day swing
  double sigma_hour = 0;    // relative short-term noise
  double phi_hour = 0;      // its hour-to-hour autocorrelation
  double clean_level = -4;  // the clean-margin regime's threshold (surrogate.hpp); -4: ~never
  double phi_clean = 0.9;   // its hour-to-hour persistence
};

struct CalibratedRegion {
  std::string label;
  std::string shape_source;  // "marginal: ..." or "average: ..." (the base shape's data)
  CalibrationParams params;
  double clean_share = 0;  // share of the fitted year's steps in the clean regime
  double fit_rmse_pp = 0;  // root mean square error over the region's 16 Fig. 3-4 values
};

// The committed table (grids/data/surrogate_calibrated.csv), in the paper's region order.
std::span<const CalibratedRegion> calibrated_regions();

// Shapes from marginal data (grids/data/surrogate_shape_marginal.csv; West US only so far).
std::span<const SurrogateShape> marginal_shapes();
// The shape a region's calibration starts from: its marginal shape if there is one, else its
// average one. ConfigError for a label with neither.
const SurrogateShape& base_shape(std::string_view label);
// The base shape with the fitted figures applied.
SurrogateShape calibrated_shape(const SurrogateShape& base, const CalibrationParams& p);

// Like synthesize(), from the calibrated table: one series per paper region, keyed (WattTime
// BA, surrogate, direct), source saying SYNTHETIC and calibrated.
std::vector<Series> synthesize_calibrated(const SynthOptions& options);

}  // namespace shiftsim::grids
