#include "grids/surrogate.hpp"

#include <date/tz.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <complex>
#include <map>
#include <numbers>

#include "grids/resample.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::embedded {
extern const std::string_view fig1_monthly_csv;
extern const std::string_view surrogate_shape_csv;
}  // namespace shiftsim::embedded

namespace shiftsim::grids {

namespace {

constexpr double kFig1EnergyKwh = 37.3;  // BERT pretraining, Table 2 of the paper
constexpr double kFloorShare = 0.02;     // no value below 2% of its month's mean
// Near-zero average grids (hydro in Grant County, Norway, Ontario) swing by 60-90% relative to
// their tiny level; applied to a Fig. 1 level of hundreds of g/kWh that would pin the series to
// the floor. Relative swings are capped here; the table keeps the figures as derived.
constexpr double kMaxRelativeSigma = 0.35;
// The calibrated surrogate's fitted sigmas are bounded by the fit (calibration.hpp), not by the
// cap above: marginal signals swing far more than average ones. This only stops nonsense.
constexpr double kMaxCalibratedSigma = 3.0;

// Local-time offset lookups, cached per DST period.
class LocalOffset {
 public:
  explicit LocalOffset(const std::string& tz) : zone_(date::locate_zone(tz)) {}
  std::int64_t at(TimePoint t) {
    if (t < begin_ || t >= end_) {
      auto info = zone_->get_info(t);
      begin_ = TimePoint{info.begin.time_since_epoch()};
      end_ = TimePoint{info.end.time_since_epoch()};
      offset_ = info.offset.count();
    }
    return offset_;
  }

 private:
  const date::time_zone* zone_;
  TimePoint begin_{Seconds{1}}, end_{Seconds{0}};
  std::int64_t offset_ = 0;
};

double diurnal(const SurrogateShape& s, double hour) {
  constexpr double w = 2.0 * std::numbers::pi / 24.0;
  return 1.0 + s.a1 * std::cos(w * (hour - s.p1)) + s.a2 * std::cos(2.0 * w * (hour - s.p2));
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / double(v.size());
}

// Standard deviation and lag-1 autocorrelation of consecutive pairs (pairs broken by NaN skipped).
std::pair<double, double> sd_and_lag1(const std::vector<double>& v) {
  std::vector<double> ok;
  for (double x : v)
    if (!std::isnan(x)) ok.push_back(x);
  const double m = mean_of(ok);
  double var = 0;
  for (double x : ok) var += (x - m) * (x - m);
  var /= std::max<double>(1.0, double(ok.size()));
  double cov = 0;
  std::size_t pairs = 0;
  for (std::size_t i = 1; i < v.size(); ++i)
    if (!std::isnan(v[i]) && !std::isnan(v[i - 1])) {
      cov += (v[i] - m) * (v[i - 1] - m);
      ++pairs;
    }
  const double phi = var > 0 && pairs > 0 ? (cov / double(pairs)) / var : 0.0;
  return {std::sqrt(var), std::clamp(phi, 0.0, 0.995)};
}

}  // namespace

std::vector<SurrogateShape> parse_shape_table(std::string_view text, const std::string& name) {
  std::vector<SurrogateShape> out;
  const char* table = name.c_str();
  for (auto& f : read_data_table(text, name, 12)) {
    SurrogateShape s;
    s.label = f[0];
    s.zone = f[1];
    s.source = f[2];
    s.year = int(data_table_number(f[3], table));
    s.a1 = data_table_number(f[4], table);
    s.p1 = data_table_number(f[5], table);
    s.a2 = data_table_number(f[6], table);
    s.p2 = data_table_number(f[7], table);
    s.sigma_day = data_table_number(f[8], table);
    s.phi_day = data_table_number(f[9], table);
    s.sigma_hour = data_table_number(f[10], table);
    s.phi_hour = data_table_number(f[11], table);
    out.push_back(std::move(s));
  }
  return out;
}

std::span<const SurrogateShape> surrogate_shapes() {
  static const std::vector<SurrogateShape> table =
      parse_shape_table(embedded::surrogate_shape_csv, "grids/data/surrogate_shape.csv");
  return table;
}

std::array<double, 12> fig1_monthly_intensity(std::string_view label) {
  static const auto rows =
      read_data_table(embedded::fig1_monthly_csv, "grids/data/fig1_monthly_grams.csv", 13);
  for (const auto& r : rows)
    if (r[0] == label) {
      std::array<double, 12> out{};
      for (std::size_t m = 0; m < 12; ++m)
        out[m] = data_table_number(r[m + 1], "grids/data/fig1_monthly_grams.csv") / kFig1EnergyKwh;
      return out;
    }
  throw ConfigError(fmt::format("no Fig. 1 row for region '{}'", label));
}

SurrogateShape derive_shape(const Series& real, const std::string& timezone) {
  const RegularSeries h = read_at_step(real, Seconds{3600});
  LocalOffset offset(timezone);
  // Group hours by local day.
  struct Day {
    std::int64_t index;
    std::vector<std::pair<int, double>> hours;  // local hour, value
  };
  std::vector<Day> days;
  std::vector<std::int64_t> day_of(h.values.size());
  std::vector<int> hour_of(h.values.size());
  for (std::size_t i = 0; i < h.values.size(); ++i) {
    const TimePoint t = h.start + h.step * static_cast<std::int64_t>(i);
    const std::int64_t local = t.time_since_epoch().count() + offset.at(t);
    const std::int64_t d = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    day_of[i] = d;
    hour_of[i] = int((local - d * 86400) / 3600);
    if (days.empty() || days.back().index != d) days.push_back({d, {}});
    days.back().hours.emplace_back(hour_of[i], h.values[i]);
  }
  // Complete days only (23 to 25 hours: DST days count); the first and last local day of the
  // series are partial unless the data happen to start at local midnight, so they never count.
  std::map<std::int64_t, double> day_mean;
  for (std::size_t di = 1; di + 1 < days.size(); ++di)
    if (const Day& d = days[di]; d.hours.size() >= 23) {
      double s = 0;
      for (auto [hr, v] : d.hours) s += v;
      day_mean[d.index] = s / double(d.hours.size());
    }
  if (day_mean.size() < 28)
    throw ConfigError(
        fmt::format("deriving a surrogate shape needs at least 28 complete days of "
                    "data; {} has {}",
                    real.key.label(), day_mean.size()));
  std::array<double, 24> ratio_sum{}, ratio_n{};
  for (std::size_t i = 0; i < h.values.size(); ++i) {
    auto it = day_mean.find(day_of[i]);
    if (it == day_mean.end() || it->second <= 0) continue;
    ratio_sum[static_cast<std::size_t>(hour_of[i])] += h.values[i] / it->second;
    ratio_n[static_cast<std::size_t>(hour_of[i])] += 1;
  }
  std::array<double, 24> ratio{};
  double ratio_mean = 0;
  for (std::size_t k = 0; k < 24; ++k) {
    ratio[k] = ratio_n[k] > 0 ? ratio_sum[k] / ratio_n[k] : 1.0;
    ratio_mean += ratio[k] / 24.0;
  }
  SurrogateShape s;
  s.zone = real.key.zone;
  s.year =
      year_of(h.start + h.step * static_cast<std::int64_t>(h.values.size() /
                                                           2));  // the middle: files pad their year
  for (int k = 1; k <= 2; ++k) {
    std::complex<double> c{};
    for (int hr = 0; hr < 24; ++hr)
      c += (ratio[static_cast<std::size_t>(hr)] / ratio_mean) *
           std::polar(1.0, -2.0 * std::numbers::pi * k * hr / 24.0);
    c /= 24.0;
    const double amplitude = 2.0 * std::abs(c);
    const double period = 24.0 / k;
    // Bin hr averages the hour [hr, hr+1), so its centre is hr + 0.5 in continuous hours.
    double peak = -std::arg(c) * period / (2.0 * std::numbers::pi) + 0.5;
    peak = std::fmod(std::fmod(peak, period) + period, period);
    (k == 1 ? s.a1 : s.a2) = amplitude;
    (k == 1 ? s.p1 : s.p2) = peak;
  }
  // Day-to-day swing: each day's mean against its calendar month's mean of day means.
  std::map<std::int64_t, std::pair<double, int>> month_acc;  // key: year*12+month
  auto month_key = [](std::int64_t day) {
    auto ymd = date::year_month_day{date::sys_days{date::days{day}}};
    return std::int64_t(int(ymd.year())) * 12 + unsigned(ymd.month());
  };
  for (auto [d, m] : day_mean) {
    auto& acc = month_acc[month_key(d)];
    acc.first += m;
    acc.second += 1;
  }
  std::vector<double> swing;
  for (std::int64_t d = day_mean.begin()->first; d <= day_mean.rbegin()->first; ++d) {
    auto it = day_mean.find(d);
    if (it == day_mean.end()) {
      swing.push_back(std::nan(""));
      continue;
    }
    auto [sum, n] = month_acc[month_key(d)];
    swing.push_back(it->second / (sum / n) - 1.0);
  }
  std::tie(s.sigma_day, s.phi_day) = sd_and_lag1(swing);
  // Hour-to-hour noise: what the day level and the daily shape do not explain.
  std::vector<double> noise(h.values.size(), std::nan(""));
  for (std::size_t i = 0; i < h.values.size(); ++i) {
    auto it = day_mean.find(day_of[i]);
    if (it == day_mean.end() || it->second <= 0) continue;
    noise[i] = h.values[i] / (it->second * diurnal(s, hour_of[i] + 0.5)) - 1.0;
  }
  std::tie(s.sigma_hour, s.phi_hour) = sd_and_lag1(noise);
  return s;
}

namespace {
std::vector<int> checked_years(const SynthOptions& o) {
  check_simulation_step(o.step);
  if (o.years.empty()) throw ConfigError("give at least one year (--years 2020)");
  std::vector<int> years = o.years;
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  for (std::size_t i = 1; i < years.size(); ++i)
    if (years[i] != years[i - 1] + 1)
      throw ConfigError(
          fmt::format("years must be consecutive so that the series has no gap; got {} after {}",
                      years[i], years[i - 1]));
  return years;
}
}  // namespace

std::size_t region_index(std::string_view label) {
  const auto regions = paper_regions();
  for (std::size_t i = 0; i < regions.size(); ++i)
    if (regions[i].label == label) return i;
  throw ConfigError(fmt::format("'{}' is not one of the paper's regions", label));
}

Series synthesize_region(const Region& region, const SurrogateShape& shape_in,
                         const SynthOptions& o, std::size_t* clean_steps) {
  const std::vector<int> years = checked_years(o);
  const double step_h = double(o.step.count()) / 3600.0;
  const SurrogateShape* shape = &shape_in;
  const auto monthly = fig1_monthly_intensity(region.label);
  // The region's stream: the first draw of SplitMix64 from (seed, region) seeds xoshiro256**
  // (sim/core/random.hpp).
  SplitMix64 region_stream{o.seed * 0x100000001B3ull + region_index(region.label)};
  Xoshiro256StarStar rng(region_stream.next());
  LocalOffset offset(region.timezone);

  Series s;
  s.key = {region.watttime_ba, Signal::surrogate, Basis::direct};
  s.source =
      "shiftsim surrogate (SYNTHETIC: monthly means from Dodge et al. 2022 Fig. 1, "
      "daily shape and variability derived from real data)";
  s.start = make_time(years.front(), 1, 1);
  s.step = o.step;
  const TimePoint end = make_time(years.back() + 1, 1, 1);
  const auto n = static_cast<std::size_t>((end - s.start) / o.step);
  s.values.resize(n);
  s.flags.assign(n, 0);

  // Day-to-day swing on local days, with one day of margin at each end for interpolation.
  const std::int64_t first_day = (s.start.time_since_epoch().count() - 86400) / 86400 - 1;
  const std::int64_t day_count = (end - s.start) / kDay + 4;
  std::vector<double> swing(static_cast<std::size_t>(day_count));
  const double max_sigma = o.cap_sigma ? kMaxRelativeSigma : kMaxCalibratedSigma;
  const double sigma_day = std::min(shape->sigma_day, max_sigma);
  const double sigma_hour = std::min(shape->sigma_hour, max_sigma);
  double w = rng.normal() * sigma_day;
  const double day_innov = sigma_day * std::sqrt(1 - shape->phi_day * shape->phi_day);
  for (auto& v : swing) {
    v = w;
    w = shape->phi_day * w + day_innov * rng.normal();
  }
  // Index of the first value of each UTC month, and n at the end (the step divides a day, so
  // every month starts on a step).
  std::vector<std::size_t> month_start;
  for (int y : years)
    for (unsigned m = 1; m <= 12; ++m)
      month_start.push_back(static_cast<std::size_t>((make_time(y, m, 1) - s.start) / o.step));
  month_start.push_back(n);
  const double phi = std::pow(shape->phi_hour, step_h);
  const double innov = sigma_hour * std::sqrt(1 - phi * phi);
  double e = rng.normal() * sigma_hour;
  // The clean-margin regime draws from a stream of its own, so that it leaves the other draws
  // (and the uncalibrated surrogate) as they are.
  const bool regime = std::isfinite(shape->clean_level);
  SplitMix64 clean_stream{region_stream.state ^ 0xC1EA4C1EA4C1EA4Full};
  Xoshiro256StarStar clean_rng(clean_stream.next());
  const double phi_c = std::pow(shape->phi_clean, step_h);
  const double innov_c = std::sqrt(1 - phi_c * phi_c);
  const double harmonics = std::max(shape->a1 + shape->a2, 1e-9);
  double q = regime ? clean_rng.normal() : 0.0;
  std::size_t cleans = 0;
  std::size_t month = 0;  // index into month_start
  for (std::size_t i = 0; i < n; ++i) {
    while (i >= month_start[month + 1]) ++month;
    const TimePoint t = s.time_at(i);
    const double local =
        double(t.time_since_epoch().count() + offset.at(t)) + 0.5 * double(o.step.count());
    const double local_days = local / 86400.0;
    const double hour = (local_days - std::floor(local_days)) * 24.0;
    // Linear between local noons.
    const double pos = local_days - 0.5 - double(first_day);
    const auto k =
        static_cast<std::size_t>(std::clamp(std::floor(pos), 0.0, double(day_count - 2)));
    const double frac = std::clamp(pos - double(k), 0.0, 1.0);
    const double day_level = 1.0 + swing[k] * (1 - frac) + swing[k + 1] * frac;
    const double level = monthly[month % 12];
    const double d = diurnal(*shape, hour);
    const bool clean = regime && q + (d - 1.0) / harmonics < shape->clean_level;
    s.values[i] = clean ? kFloorShare * level
                        : std::max(level * d * day_level * (1.0 + e), kFloorShare * level);
    if (regime) q = phi_c * q + innov_c * clean_rng.normal();
    cleans += clean;
    e = phi * e + innov * rng.normal();
  }
  // Rescale each UTC month to its Fig. 1 mean exactly.
  for (std::size_t m = 0; m + 1 < month_start.size(); ++m) {
    const std::size_t i = month_start[m], j = month_start[m + 1];
    double sum = 0;
    for (std::size_t k = i; k < j; ++k) sum += s.values[k];
    const double factor = monthly[m % 12] / (sum / double(j - i));
    for (std::size_t k = i; k < j; ++k) s.values[k] = std::min(s.values[k] * factor, kMaxIntensity);
  }
  if (clean_steps != nullptr) *clean_steps = cleans;
  return s;
}

std::vector<Series> synthesize(const SynthOptions& o) {
  checked_years(o);
  const auto shapes_text_hash = sha256_hex(embedded::surrogate_shape_csv);
  const auto fig1_hash = sha256_hex(embedded::fig1_monthly_csv);
  std::vector<Series> out;
  for (const Region& region : paper_regions()) {
    const SurrogateShape* shape = nullptr;
    for (const auto& s : surrogate_shapes())
      if (s.label == region.label) shape = &s;
    if (!shape) throw ConfigError(fmt::format("no surrogate shape for region '{}'", region.label));
    Series s = synthesize_region(region, *shape, o);
    s.files = {{"grids/data/surrogate_shape.csv", shapes_text_hash},
               {"grids/data/fig1_monthly_grams.csv", fig1_hash}};
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace shiftsim::grids
