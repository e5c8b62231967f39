#pragma once
// The built-in default data: a seeded, synthetic ("surrogate") carbon-intensity series for each
// of the 16 paper regions. It stands in for real histories, which cannot ship with shiftsim.
//
// Model, per region, in gCO2eq/kWh at time t (local hour h, local day d, UTC month m):
//   x(t) = M[m] * max(D(h) * (1 + w(d)) * (1 + e(t)), 0.02), or M[m] * 0.02 while the margin
//   is clean (c(t) below), then each UTC month rescaled to mean M[m];
//   M[m]  the paper's Fig. 1 monthly level (grids/data/fig1_monthly_grams.csv / 37.3 kWh);
//   D(h)  = 1 + a1 cos(2 pi (h - p1) / 24) + a2 cos(4 pi (h - p2) / 24), the daily shape;
//   w(d)  day-to-day swing, AR(1) over local days (sigma_day, phi_day), linear between noons;
//   e(t)  short-term variability, AR(1) at the step (sigma_hour, phi_hour per hour);
//   c(t)  the clean-margin regime, off here: the calibrated surrogate (calibrated.hpp) turns it
//         on where a marginal signal spends time near zero (renewables on the margin). The margin
//         is clean while q(t) + d(h) < clean_level, q an AR(1) of unit variance (phi_clean per
//         hour, its own random stream), d(h) = (D(h) - 1) / (a1 + a2) in [-1, 1], so the
//         daily trough is cleaner.
// a1, p1, a2, p2 and the AR(1) figures come from real data (grids/data/surrogate_shape.csv,
// derived by derive_shape(); see grids/data/README.md); relative sigmas are capped at 0.35.
// Monthly means match Fig. 1 exactly.
//
// Deterministic: a given (years, step, seed) gives the same values on every machine; the random
// numbers come from a generator and a normal transform implemented here, not from <random>.
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "grids/regions.hpp"
#include "grids/series.hpp"

namespace shiftsim::grids {

struct SurrogateShape {
  std::string label;   // paper region label
  std::string zone;    // zone whose real data the figures were derived from
  std::string source;  // file(s) under SHIFTSIM_DATA
  int year = 0;
  double a1 = 0, p1 = 0, a2 = 0, p2 = 0;  // diurnal harmonics: relative amplitude, peak hour
  double sigma_day = 0, phi_day = 0;      // day-to-day relative swing
  double sigma_hour = 0, phi_hour = 0;    // hourly relative noise
  // Calibrated surrogate only (calibrated.hpp): the clean-margin regime. No regime when
  // clean_level is -infinity (the default), so the uncalibrated surrogate is as it was.
  double clean_level = -std::numeric_limits<double>::infinity();
  double phi_clean = 0;  // the regime's hour-to-hour persistence
};

// The committed table, one row per paper region, in the paper's order.
std::span<const SurrogateShape> surrogate_shapes();
// A table of shape rows in surrogate_shape.csv's layout (calibrated.hpp reads its marginal
// shapes with it). Throws ParseError naming `name`.
std::vector<SurrogateShape> parse_shape_table(std::string_view text, const std::string& name);
// Fig. 1 monthly mean intensity of a region, gCO2eq/kWh, January first.
std::array<double, 12> fig1_monthly_intensity(std::string_view label);

// Derives the shape figures from a real series (any step up to 1 h), in the given IANA zone.
// Throws ConfigError if the series has fewer than 28 complete local days.
SurrogateShape derive_shape(const Series& real, const std::string& timezone);

struct SynthOptions {
  std::vector<int> years{2020};
  Seconds step{300};
  std::uint64_t seed = 1;
  bool cap_sigma = true;  // cap relative sigmas at 0.35 (the uncalibrated surrogate)
};

// One series per paper region, keyed (WattTime BA, surrogate, direct): the paper's own data were
// WattTime marginal series per BA. Throws ConfigError for a step that does not divide a day.
std::vector<Series> synthesize(const SynthOptions& options);

// One region's series from a given shape (the model above, with that shape's figures as they
// are): what synthesize() does per region and what the calibration (calibrated.hpp) varies.
// The random stream depends only on (seed, region), so two shapes share their draws.
// `clean_steps`, when given, receives the number of steps in the clean-margin regime.
Series synthesize_region(const Region& region, const SurrogateShape& shape,
                         const SynthOptions& options, std::size_t* clean_steps = nullptr);
// The region's position in the paper's order; ConfigError if it is not a paper region.
std::size_t region_index(std::string_view label);

}  // namespace shiftsim::grids
