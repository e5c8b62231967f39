// The calibrated surrogate: its tables, its series (monthly means still Fig. 1, the clean regime
// doing what it says) and the fit's reproducibility (the committed table is what the code
// derives, bit for bit).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "experiments/calibration.hpp"
#include "grids/calibrated.hpp"
#include "grids/regions.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

TEST_CASE("calibrated tables: a row for each of the 16 regions, in the paper's order",
          "[grids][calibrated]") {
  REQUIRE(paper_fig34().size() == 16);
  REQUIRE(calibrated_regions().size() == 16);
  for (std::size_t i = 0; i < 16; ++i) {
    INFO(paper_regions()[i].label);
    CHECK(paper_fig34()[i].label == paper_regions()[i].label);
    CHECK(calibrated_regions()[i].label == paper_regions()[i].label);
    const auto& p = calibrated_regions()[i].params;
    const auto& b = experiments::kBounds;
    CHECK(p.amp_scale >= b.amp_lo);
    CHECK(p.amp_scale <= b.amp_hi);
    CHECK(p.phi_hour <= b.phi_hi);
    CHECK(p.clean_level >= b.clean_lo);
  }
  // Section 5c as transcribed: West US, Fig. 3, DenseNet-201 at 24 h; Fig. 4, 6B at 100 %.
  CHECK(find_paper_fig34("West US")->fs_densenet201[3] == 80);
  CHECK(find_paper_fig34("West US")->pr_6b[3] == 28.8);
  CHECK(find_paper_fig34("Norway")->fs_6b[0] == 0.24);
  // West US starts from the marginal (SGIP) shape, the others from average data.
  CHECK(calibrated_regions()[1].shape_source.starts_with("marginal: "));
  CHECK(calibrated_regions()[0].shape_source.starts_with("average: "));
}

TEST_CASE("calibrated series: monthly means exactly Fig. 1, SYNTHETIC and calibrated in the source",
          "[grids][calibrated]") {
  SynthOptions o;
  o.step = Seconds{3600};
  const auto series = synthesize_calibrated(o);
  REQUIRE(series.size() == 16);
  for (std::size_t r = 0; r < series.size(); ++r) {
    const auto& s = series[r];
    CHECK(s.key.zone == paper_regions()[r].watttime_ba);
    CHECK(s.key.signal == Signal::surrogate);
    CHECK(s.source.find(kCalibratedNote) != std::string::npos);
    const auto fig1 = fig1_monthly_intensity(paper_regions()[r].label);
    std::array<double, 12> sum{}, n{};
    for (std::size_t i = 0; i < s.size(); ++i) {
      CHECK(s.values[i] >= 0);
      sum[month_of(s.time_at(i)) - 1] += s.values[i];
      n[month_of(s.time_at(i)) - 1] += 1;
    }
    for (std::size_t m = 0; m < 12; ++m) CHECK(sum[m] / n[m] == Approx(fig1[m]).epsilon(1e-9));
  }
  CHECK(synthesize_calibrated(o)[1].values == series[1].values);  // deterministic
}

TEST_CASE("the clean-margin regime: off by default, its share set by its level",
          "[grids][calibrated]") {
  const Region& west = resolve_region("West US");
  SynthOptions o;
  o.cap_sigma = false;
  SurrogateShape shape = base_shape("West US");
  std::size_t clean = 0;
  // Off (the default): no step is clean, and the series is the plain model's.
  REQUIRE(std::isinf(shape.clean_level));
  const auto off = synthesize_region(west, shape, o, &clean);
  CHECK(clean == 0);
  // Level 0: q + d(h) < 0 about half the time (q symmetric, d(h) of mean 0).
  shape.clean_level = 0;
  shape.phi_clean = 0.9;
  const auto half = synthesize_region(west, shape, o, &clean);
  const double share = double(clean) / double(half.size());
  CHECK(share > 0.35);
  CHECK(share < 0.65);
  // Clean steps sit at the month's floor: the minimum of the month, many times over.
  std::size_t at_min = 0;
  double lo = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < 8928; ++i) lo = std::min(lo, half.values[i]);  // January at 5 min
  for (std::size_t i = 0; i < 8928; ++i) at_min += half.values[i] == lo;
  CHECK(at_min > 8928 / 4);
  // The regime's own random stream leaves the other draws alone: outside clean steps the values
  // differ from the plain model only by the month's rescaling factor.
  shape.clean_level = -40;  // finite, never reached
  const auto never = synthesize_region(west, shape, o, &clean);
  CHECK(clean == 0);
  CHECK(never.values == off.values);
}

TEST_CASE("calibration: the committed figures give the committed errors",
          "[grids][calibrated][fit]") {
  experiments::CalibrationSetup setup;
  for (const auto& r : calibrated_regions()) {
    INFO(r.label);
    double clean = 0;
    const auto v = experiments::predict_fig34(r.label, r.params, setup, &clean);
    const auto paper = experiments::to_values(*find_paper_fig34(r.label));
    double sse = 0;
    for (std::size_t i = 0; i < v.size(); ++i) sse += (v[i] - paper[i]) * (v[i] - paper[i]);
    CHECK(std::sqrt(sse / 16) == Approx(r.fit_rmse_pp).margin(0.0006));
    CHECK(clean == Approx(r.clean_share).margin(0.00006));
  }
}

TEST_CASE("calibration: re-deriving a region gives its committed row, byte for byte",
          "[grids][calibrated][fit][slow]") {
  // One region (the full table takes minutes: grids/data/derive_calibration.sh): West US, the
  // one on a marginal shape.
  experiments::CalibrationSetup setup;
  const auto fit = experiments::fit_region("West US", setup);
  const std::string table = experiments::calibration_table({fit}, setup);
  const std::string row = table.substr(table.rfind('\n', table.size() - 2) + 1);
  const std::string committed =
      test::read_bytes(std::string(SHIFTSIM_SOURCE_DIR) + "/grids/data/surrogate_calibrated.csv");
  CHECK(committed.find(row) != std::string::npos);
  // The header and comments too (the command written into them included).
  CHECK(committed.starts_with(table.substr(0, table.find("\nlabel,") + 1)));
}
