#include "grids/forecast_source.hpp"

#include <fmt/format.h>

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

std::vector<double> make_forecast(const sim::ForecastSpec& spec, const RegularSeries& actual,
                                  const GridStore* store) {
  if (!store) return sim::make_forecast(spec, actual, nullptr);
  const StoreSeriesSource source(*store);
  return sim::make_forecast(spec, actual, &source);
}

}  // namespace shiftsim::grids
