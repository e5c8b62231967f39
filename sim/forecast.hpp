#pragma once
// Forecasts: the intensity a forecast-driven policy decides on, while it is charged the actual.
//
// A forecast here is one series aligned with the actual one (same start, step and size): value i
// is what the policy believes the intensity of step i will be. Each step's forecast is drawn once
// (as a day-ahead forecast published once would be), so the same step has the same forecast
// whatever start time a sweep evaluates; this is what lets the kernels run over whole start axes.
//
// Kinds (the text form, as given to --forecast):
//   perfect            the actual values (an oracle; the default)
//   gaussian:E         actual + sigma * z, sigma = E x the mean of the actual series given (so
//                      a shorter or longer series with another mean scales the same z
//                      differently), z a standard normal; clamped at 0
//   uniform:E          actual x u, u uniform in [1 - E/2, 1 + E/2]; clamped at 0 (for E > 2)
//   persistence        the actual value one day earlier; NaN (no forecast) for the first day
//   series:KEY         a series imported into the grid store, KEY = "zone/signal/basis" (as
//                      `grids list` prints it; signal and basis case-insensitive, zone exact),
//                      read at the step through a SeriesSource (the grid store's is
//                      grids/forecast_source.hpp); NaN where it does not cover
//   issued:KEY[:B]     the forecasts issued over time for the series KEY (an archive kept beside
//                      it in the store), seen as they arrive: the policy decides step by step on
//                      the latest one (sim/issued_forecast.hpp, sim/online.hpp); B, what it
//                      believes beyond the horizon, is persistence (the default) or hold
// E is a fraction (0.1) or a percentage (10%), in [0, 10].
//
// Noise is reproducible: z and u for step i are pure functions of (seed, the step's time in Unix
// seconds) through a counter-based generator (splitmix64) and distributions written here, so they
// do not depend on the standard library's distributions, the thread count or which part of the
// series is read. (Box-Muller calls libm's log and cos, which may differ in the last bit between
// C libraries.)
//
// Thread-safety: pure functions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/regular_series.hpp"
#include "sim/core/series_key.hpp"
#include "sim/core/time.hpp"
#include "sim/issued_forecast.hpp"

namespace shiftsim::sim {

enum class ForecastKind : std::uint8_t { perfect, gaussian, uniform, persistence, series, issued };

struct ForecastSpec {
  ForecastKind kind = ForecastKind::perfect;
  double error = 0;                     // E for gaussian and uniform
  std::uint64_t seed = 1;               // for gaussian and uniform
  std::string series;                   // KEY for series and issued
  Beyond beyond = Beyond::persistence;  // for issued

  // Throws ConfigError naming the text and listing the accepted forms.
  static ForecastSpec parse(std::string_view text, std::uint64_t seed = 1);
  bool is_oracle() const { return kind == ForecastKind::perfect; }
  // Decided on step by step (online), not as one series planned on in advance.
  bool is_issued() const { return kind == ForecastKind::issued; }
  std::string describe() const;  // the text form, e.g. "gaussian:0.1 (seed 1)"
};

// Where a series:KEY forecast is read from. The engine knows no file or store; the layer that owns
// the grid store implements this (grids/forecast_source.hpp), tests may too.
class SeriesSource {
 public:
  virtual ~SeriesSource() = default;
  // The series `key` at simulation step `step` (a divisor of a day) over [from, to), clipped to
  // what it covers, on the step grid aligned to UTC midnight. ConfigError when there is no such
  // series, naming `forecast_text` and saying what there is.
  virtual RegularSeries read(const SeriesKey& key, Seconds step, TimePoint from, TimePoint to,
                             const std::string& forecast_text) const = 0;
  // The archive of forecasts issued for the series `key`, aligned with `actual` (one row per
  // actual step; NaN rows where the archive does not cover). ConfigError when there is no such
  // archive or its step is not actual.step. The default: a source without archives.
  virtual IssuedArchive read_issued(const SeriesKey& key, const RegularSeries& actual,
                                    const std::string& forecast_text) const;
};

// The archive for an issued:KEY forecast, aligned with `actual`, from `source` (ConfigError when
// null or the spec is not issued).
IssuedArchive make_issued_archive(const ForecastSpec& spec, const RegularSeries& actual,
                                  const SeriesSource* source);

// The forecast aligned with `actual`. `source` is needed only for kind series (ConfigError when it
// is null). Kind issued is no single series: ConfigError naming where it is accepted.
// Cost O(actual.values.size()).
std::vector<double> make_forecast(const ForecastSpec& spec, const RegularSeries& actual,
                                  const SeriesSource* source);

// The generator behind the noise, exposed for tests: a standard normal and a uniform in [0, 1)
// for (seed, unix_seconds).
double forecast_normal(std::uint64_t seed, std::int64_t unix_seconds);
double forecast_uniform01(std::uint64_t seed, std::int64_t unix_seconds);

}  // namespace shiftsim::sim
