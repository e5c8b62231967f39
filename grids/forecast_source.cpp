#include "grids/forecast_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "grids/resample.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

namespace {

std::string available_keys(const GridStore& store) {
  if (store.empty()) return "the store holds no series";
  std::string list;
  for (const auto& [key, s] : store.series()) list += (list.empty() ? "" : ", ") + key.label();
  return "the store holds " + list;
}

}  // namespace

RegularSeries StoreSeriesSource::read(const SeriesKey& key, Seconds step, TimePoint from,
                                      TimePoint to, const std::string& forecast_text) const {
  const Series* s = store_.find(key);
  if (!s)
    throw ConfigError(fmt::format(
        "--forecast \"{}\": no series {} in the grid store ({}); import the forecast with "
        "`shiftsim grids import` or use one of those keys",
        forecast_text, key.label(), available_keys(store_)));
  return read_at_step(*s, step, from, to);
}

sim::IssuedArchive StoreSeriesSource::read_issued(const SeriesKey& key, const RegularSeries& actual,
                                                  const std::string& forecast_text) const {
  const Series* s = store_.find(key);
  if (!s || s->forecast.empty()) {
    std::string with;
    for (const auto& [k, series] : store_.series())
      if (!series.forecast.empty()) with += (with.empty() ? "" : ", ") + k.label();
    throw ConfigError(fmt::format(
        "--forecast \"{}\": {} in the grid store; {}", forecast_text,
        s ? fmt::format("the series {} has no archive of issued forecasts", key.label())
          : fmt::format("no series {}", key.label()),
        with.empty() ? "the store holds no archive (import files that carry issued forecasts, "
                       "such as SGIP's f1..f36, with `shiftsim grids import`)"
                     : "series with an archive: " + with));
  }
  if (s->step != actual.step || s->forecast.step != actual.step)
    throw ConfigError(fmt::format(
        "--forecast \"{}\": the forecasts were issued every {} for leads {} apart, and the "
        "simulation step is {}; an issued forecast is not resampled, so run at --step {}",
        forecast_text, format_duration(s->step), format_duration(s->forecast.step),
        format_duration(actual.step), format_duration(s->step)));
  sim::IssuedArchive out;
  out.leads = s->forecast.leads;
  out.rows.assign(actual.values.size() * out.leads, std::numeric_limits<double>::quiet_NaN());
  // Rows of the stored series that fall on the actual's steps (both on one grid, checked by the
  // caller's read_at_step alignment): row r of the store is actual row r - offset.
  const std::int64_t offset = (actual.start - s->start) / actual.step;
  if ((actual.start - s->start) % actual.step != Seconds{0})
    throw InternalError("read_issued: the actual series is off the archive's grid");
  for (std::size_t i = 0; i < actual.values.size(); ++i) {
    const std::int64_t r = static_cast<std::int64_t>(i) + offset;
    if (r < 0 || r >= static_cast<std::int64_t>(s->size())) continue;
    std::copy_n(s->forecast.values.begin() + r * static_cast<std::int64_t>(out.leads), out.leads,
                out.rows.begin() + static_cast<std::ptrdiff_t>(i * out.leads));
  }
  return out;
}

sim::IssuedArchive make_issued_archive(const sim::ForecastSpec& spec, const RegularSeries& actual,
                                       const GridStore& store) {
  const StoreSeriesSource source(store);
  return sim::make_issued_archive(spec, actual, &source);
}

std::vector<double> make_forecast(const sim::ForecastSpec& spec, const RegularSeries& actual,
                                  const GridStore* store) {
  if (!store) return sim::make_forecast(spec, actual, nullptr);
  const StoreSeriesSource source(*store);
  return sim::make_forecast(spec, actual, &source);
}

}  // namespace shiftsim::grids
