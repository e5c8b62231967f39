#include "sim/forecast.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"

namespace shiftsim::sim {

namespace {

constexpr std::string_view kAcceptedForms =
    "use perfect, gaussian:E, uniform:E, persistence, series:ZONE/SIGNAL/BASIS or "
    "issued:ZONE/SIGNAL/BASIS[:persistence|:hold]";
constexpr std::string_view kAcceptedErrors =
    "give E as a fraction (0.1) or a percentage (10%), at most 10 (1000%)";
// Beyond 10 (1,000 %) a forecast carries no information about the actual series; a larger E is
// almost surely a percentage written without its '%'.
constexpr double kMaxError = 10.0;
constexpr double kPercent = 100.0;
constexpr char kPercentSign = '%';
constexpr char kKindSeparator = ':';
constexpr double kNoForecast = std::numeric_limits<double>::quiet_NaN();

[[noreturn]] void refuse(std::string_view text, const std::string& what, std::string_view hint) {
  throw ConfigError(fmt::format("--forecast \"{}\": {}; {}", text, what, hint));
}

double parse_error(std::string_view text, std::string_view e) {
  std::string_view number = trim(e);
  const bool percent = !number.empty() && number.back() == kPercentSign;
  if (percent) number = trim(number.substr(0, number.size() - 1));
  double v = 0;
  const char* last = number.data() + number.size();
  auto [ptr, ec] = std::from_chars(number.data(), last, v);
  if (number.empty() || ec != std::errc{} || ptr != last || !std::isfinite(v))
    refuse(text, fmt::format("error E \"{}\" is not a number", e), kAcceptedErrors);
  if (percent) v /= kPercent;
  if (v < 0 || v > kMaxError)
    refuse(
        text,
        fmt::format("error E \"{}\" is outside [0, {}] ({}%)", e, kMaxError, kMaxError * kPercent),
        kAcceptedErrors);
  return v;
}

// "ZONE/SIGNAL/BASIS" -> the key (sim/core/series_key.hpp), the message prefixed with the text.
SeriesKey parse_series_key(std::string_view text, std::string_view key) {
  try {
    return shiftsim::parse_series_key(key);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("--forecast \"{}\": {}", text, e.what()));
  }
}

// The stream for one (seed, time), a counter-based SplitMix64 (sim/core/random.hpp). The seed is
// hashed before the time is folded in, so that seeds which differ in a few low bits do not map
// onto each other's times (seed ^ t would).
SplitMix64 stream(std::uint64_t seed, std::int64_t unix_seconds) {
  return SplitMix64{splitmix64(seed) ^ static_cast<std::uint64_t>(unix_seconds)};
}

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return sum / static_cast<double>(v.size());
}

std::int64_t unix_seconds_at(const RegularSeries& s, std::size_t i) {
  return (s.start + s.step * static_cast<std::int64_t>(i)).time_since_epoch().count();
}

std::vector<double> persistence(const RegularSeries& actual) {
  try {
    check_simulation_step(actual.step);
  } catch (const ConfigError& e) {
    throw ConfigError(fmt::format("--forecast persistence: {}", e.what()));
  }
  const auto lag = static_cast<std::size_t>(kDay / actual.step);
  const std::size_t n = actual.values.size();
  std::vector<double> out(n, kNoForecast);
  for (std::size_t i = lag; i < n; ++i) out[i] = actual.values[i - lag];
  return out;
}

std::vector<double> from_source(const ForecastSpec& spec, const RegularSeries& actual,
                                const SeriesSource* source) {
  const std::string text = spec.describe();
  if (!source)
    refuse(text, "no grid store was given to read the forecast from",
           "give the grid store that holds the imported forecast series");
  const SeriesKey key = parse_series_key(text, spec.series);
  const std::size_t n = actual.values.size();
  std::vector<double> out(n, kNoForecast);
  if (n == 0) {
    // Still refuse a key the store lacks, as for a series of any length.
    source->read(key, actual.step, actual.start, actual.start, text);
    return out;
  }
  check_simulation_step(actual.step);
  if ((actual.start - floor_to(actual.start, actual.step)) != Seconds{0})
    throw ConfigError(fmt::format(
        "--forecast \"{}\": the actual series starts at {}, off its {} step grid; read it with "
        "grids::read_at_step so that both series share one grid",
        text, format_time(actual.start), format_duration(actual.step)));
  const RegularSeries read = source->read(key, actual.step, actual.start, actual.end(), text);
  // The source clips to [actual.start, actual.end()) on the same grid, so `read` lies inside
  // `actual` at a whole number of steps from its start.
  const auto offset = static_cast<std::size_t>((read.start - actual.start) / actual.step);
  std::copy(read.values.begin(), read.values.end(),
            out.begin() + static_cast<std::ptrdiff_t>(offset));
  return out;
}

}  // namespace

ForecastSpec ForecastSpec::parse(std::string_view text, std::uint64_t seed) {
  const std::string_view t = trim(text);
  const auto colon = t.find(kKindSeparator);
  const std::string_view kind = trim(t.substr(0, colon));
  const bool has_argument = colon != std::string_view::npos;
  const std::string_view argument = has_argument ? trim(t.substr(colon + 1)) : std::string_view{};

  ForecastSpec spec;
  spec.seed = seed;
  if (iequals(kind, "perfect") || iequals(kind, "persistence")) {
    spec.kind = iequals(kind, "perfect") ? ForecastKind::perfect : ForecastKind::persistence;
    if (has_argument)
      refuse(
          text, fmt::format("{} takes no error E", kind),
          fmt::format("write just \"{}\", or gaussian:E or uniform:E for a noisy forecast", kind));
    return spec;
  }
  if (iequals(kind, "gaussian") || iequals(kind, "uniform")) {
    spec.kind = iequals(kind, "gaussian") ? ForecastKind::gaussian : ForecastKind::uniform;
    if (argument.empty())
      refuse(text, fmt::format("{} needs an error E", kind),
             fmt::format("write {}:E, e.g. {}:0.1 or {}:10%", kind, kind, kind));
    spec.error = parse_error(text, argument);
    return spec;
  }
  if (iequals(kind, "series")) {
    spec.kind = ForecastKind::series;
    if (argument.empty())
      refuse(text, "series needs a key",
             "write series:ZONE/SIGNAL/BASIS as `shiftsim grids list` prints it");
    // Stored in its canonical spelling ("lca" -> "lifecycle"), which describe() shows.
    spec.series = parse_series_key(text, argument).label();
    return spec;
  }
  if (iequals(kind, "issued")) {
    spec.kind = ForecastKind::issued;
    // issued:KEY or issued:KEY:BEYOND; a key holds no ':'.
    std::string_view key = argument;
    const auto second = argument.find(kKindSeparator);
    if (second != std::string_view::npos) {
      key = trim(argument.substr(0, second));
      const std::string_view beyond = trim(argument.substr(second + 1));
      if (iequals(beyond, "persistence"))
        spec.beyond = Beyond::persistence;
      else if (iequals(beyond, "hold"))
        spec.beyond = Beyond::hold;
      else
        refuse(text, fmt::format("\"{}\" is not a rule for beyond the horizon", beyond),
               "write issued:KEY (persistence beyond the horizon), issued:KEY:persistence or "
               "issued:KEY:hold");
    }
    if (key.empty())
      refuse(text, "issued needs a key",
             "write issued:ZONE/SIGNAL/BASIS for a series `shiftsim grids list` shows with a "
             "forecast archive");
    spec.series = parse_series_key(text, key).label();
    return spec;
  }
  refuse(text, fmt::format("unknown forecast kind \"{}\"", kind), kAcceptedForms);
}

std::string ForecastSpec::describe() const {
  switch (kind) {
    case ForecastKind::perfect:
      return "perfect";
    case ForecastKind::gaussian:
      return fmt::format("gaussian:{} (seed {})", error, seed);
    case ForecastKind::uniform:
      return fmt::format("uniform:{} (seed {})", error, seed);
    case ForecastKind::persistence:
      return "persistence";
    case ForecastKind::series:
      return fmt::format("series:{}", series);
    case ForecastKind::issued:
      return fmt::format("issued:{}{}", series, beyond == Beyond::hold ? ":hold" : "");
  }
  return "?";
}

double forecast_uniform01(std::uint64_t seed, std::int64_t unix_seconds) {
  return to_unit(stream(seed, unix_seconds).next());
}

double forecast_normal(std::uint64_t seed, std::int64_t unix_seconds) {
  // Box-Muller from two successive draws of the step's stream. 1 - u1 lies in (0, 1], so the
  // logarithm is finite. The algorithm is fixed here, unlike std::normal_distribution's; log and
  // cos come from libm and may still differ in the last bit between C libraries.
  SplitMix64 g = stream(seed, unix_seconds);
  const double u1 = to_unit(g.next());
  const double u2 = to_unit(g.next());
  return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

std::vector<double> make_forecast(const ForecastSpec& spec, const RegularSeries& actual,
                                  const SeriesSource* source) {
  const std::vector<double>& a = actual.values;
  const std::size_t n = a.size();
  switch (spec.kind) {
    case ForecastKind::perfect:
      return a;
    case ForecastKind::gaussian: {
      std::vector<double> out(n);
      if (n == 0) return out;
      const double sigma = spec.error * mean(a);
      for (std::size_t i = 0; i < n; ++i)
        out[i] =
            std::max(0.0, a[i] + sigma * forecast_normal(spec.seed, unix_seconds_at(actual, i)));
      return out;
    }
    case ForecastKind::uniform: {
      std::vector<double> out(n);
      const double low = 1.0 - spec.error / 2;
      for (std::size_t i = 0; i < n; ++i) {
        const double u = forecast_uniform01(spec.seed, unix_seconds_at(actual, i));
        // Clamped like gaussian: for E > 2 the lower factor would be negative.
        out[i] = std::max(0.0, a[i] * (low + spec.error * u));
      }
      return out;
    }
    case ForecastKind::persistence:
      return persistence(actual);
    case ForecastKind::series:
      return from_source(spec, actual, source);
    case ForecastKind::issued:
      refuse(spec.describe(), "issued forecasts are decided on step by step, as they arrive",
             "use them with flexible-start or pause-resume in `shiftsim simulate`; sweeps "
             "(`shiftsim run`) and `shiftsim cluster` do not take them yet");
  }
  return a;
}

IssuedArchive SeriesSource::read_issued(const SeriesKey& key, const RegularSeries& /*actual*/,
                                        const std::string& forecast_text) const {
  refuse(forecast_text, fmt::format("this source holds no issued forecasts for {}", key.label()),
         "give a grid store that holds the archive");
}

IssuedArchive make_issued_archive(const ForecastSpec& spec, const RegularSeries& actual,
                                  const SeriesSource* source) {
  const std::string text = spec.describe();
  if (!spec.is_issued()) throw InternalError("make_issued_archive: not an issued forecast");
  if (!source)
    refuse(text, "no grid store was given to read the forecast archive from",
           "give the grid store that holds the series and its issued forecasts");
  check_simulation_step(actual.step);
  return source->read_issued(parse_series_key(text, spec.series), actual, text);
}

}  // namespace shiftsim::sim
