#include "grids/calibrated.hpp"

#include <fmt/format.h>

#include <charconv>

#include "grids/regions.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::embedded {
extern const std::string_view fig1_monthly_csv;
extern const std::string_view surrogate_shape_csv;
extern const std::string_view surrogate_shape_marginal_csv;
extern const std::string_view surrogate_calibrated_csv;
extern const std::string_view dodge2022_fig3_4_csv;
}  // namespace shiftsim::embedded

namespace shiftsim::grids {

namespace {

std::vector<PaperFig34> parse_fig34() {
  const char* name = "grids/data/dodge2022_fig3_4.csv";
  std::vector<PaperFig34> out;
  for (const auto& f : read_data_table(embedded::dodge2022_fig3_4_csv, name, 17)) {
    PaperFig34 r;
    r.label = f[0];
    for (std::size_t i = 0; i < 4; ++i) {
      r.fs_densenet201[i] = data_table_number(f[1 + i], name);
      r.fs_6b[i] = data_table_number(f[5 + i], name);
      r.pr_densenet201[i] = data_table_number(f[9 + i], name);
      r.pr_6b[i] = data_table_number(f[13 + i], name);
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<CalibratedRegion> parse_calibrated() {
  const char* name = "grids/data/surrogate_calibrated.csv";
  std::vector<CalibratedRegion> out;
  for (const auto& f : read_data_table(embedded::surrogate_calibrated_csv, name, 10)) {
    CalibratedRegion r;
    r.label = f[0];
    r.shape_source = f[1];
    r.params = {data_table_number(f[2], name), data_table_number(f[3], name),
                data_table_number(f[4], name), data_table_number(f[5], name),
                data_table_number(f[6], name), data_table_number(f[7], name)};
    r.clean_share = data_table_number(f[8], name);
    r.fit_rmse_pp = data_table_number(f[9], name);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::span<const PaperFig34> paper_fig34() {
  static const std::vector<PaperFig34> table = parse_fig34();
  return table;
}

const PaperFig34* find_paper_fig34(std::string_view label) {
  for (const auto& r : paper_fig34())
    if (iequals(r.label, label)) return &r;
  return nullptr;
}

std::span<const CalibratedRegion> calibrated_regions() {
  static const std::vector<CalibratedRegion> table = parse_calibrated();
  return table;
}

std::span<const SurrogateShape> marginal_shapes() {
  static const std::vector<SurrogateShape> table = parse_shape_table(
      embedded::surrogate_shape_marginal_csv, "grids/data/surrogate_shape_marginal.csv");
  return table;
}

const SurrogateShape& base_shape(std::string_view label) {
  for (const auto& s : marginal_shapes())
    if (s.label == label) return s;
  for (const auto& s : surrogate_shapes())
    if (s.label == label) return s;
  throw ConfigError(fmt::format("no surrogate shape for region '{}'", label));
}

SurrogateShape calibrated_shape(const SurrogateShape& base, const CalibrationParams& p) {
  SurrogateShape s = base;
  s.a1 = base.a1 * p.amp_scale;
  s.a2 = base.a2 * p.amp_scale;
  s.sigma_day = p.sigma_day;
  s.sigma_hour = p.sigma_hour;
  s.phi_hour = p.phi_hour;
  s.clean_level = p.clean_level;
  s.phi_clean = p.phi_clean;
  return s;
}

std::vector<Series> synthesize_calibrated(const SynthOptions& options) {
  SynthOptions o = options;
  o.cap_sigma = false;
  const std::vector<SourceFile> files{
      {"grids/data/surrogate_calibrated.csv", sha256_hex(embedded::surrogate_calibrated_csv)},
      {"grids/data/surrogate_shape.csv", sha256_hex(embedded::surrogate_shape_csv)},
      {"grids/data/surrogate_shape_marginal.csv",
       sha256_hex(embedded::surrogate_shape_marginal_csv)},
      {"grids/data/fig1_monthly_grams.csv", sha256_hex(embedded::fig1_monthly_csv)}};
  std::vector<Series> out;
  for (const Region& region : paper_regions()) {
    const CalibratedRegion* c = nullptr;
    for (const auto& r : calibrated_regions())
      if (r.label == region.label) c = &r;
    if (c == nullptr)
      throw ConfigError(
          fmt::format("grids/data/surrogate_calibrated.csv has no row for '{}'; "
                      "re-derive it with grids/data/derive_calibration.sh",
                      region.label));
    Series s = synthesize_region(region, calibrated_shape(base_shape(region.label), c->params), o);
    // The shape's data and the fitted figures are in the files listed (the calibrated table
    // names each region's shape source); the source stays one line for every region.
    s.source = fmt::format(
        "shiftsim calibrated surrogate ({}: monthly means from Fig. 1, shape "
        "from real data, variability fitted to Figs. 3-4)",
        kCalibratedNote);
    s.files = files;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace shiftsim::grids
