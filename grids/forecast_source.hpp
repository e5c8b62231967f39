#pragma once
// The grid store as the source of series:KEY forecasts (sim/forecast.hpp): a forecast imported
// into the store, read at the simulation's step like any stored series (grids/resample.hpp).
// Thread-safety: const reads of a store nobody modifies meanwhile.
#include <string>
#include <vector>

#include "grids/store.hpp"
#include "sim/forecast.hpp"

namespace shiftsim::grids {

class StoreSeriesSource final : public sim::SeriesSource {
 public:
  explicit StoreSeriesSource(const GridStore& store) : store_(store) {}
  // ConfigError naming the forecast and listing the keys the store holds, when it lacks `key`.
  RegularSeries read(const SeriesKey& key, Seconds step, TimePoint from, TimePoint to,
                     const std::string& forecast_text) const override;
  // The archive kept beside the series `key` (ForecastArchive), at its own step, which must be
  // actual.step: an issued forecast belongs to its issue time and is not resampled.
  sim::IssuedArchive read_issued(const SeriesKey& key, const RegularSeries& actual,
                                 const std::string& forecast_text) const override;

 private:
  const GridStore& store_;
};

// sim::make_forecast with the store as its source (null: none, as sim's).
std::vector<double> make_forecast(const sim::ForecastSpec& spec, const RegularSeries& actual,
                                  const GridStore* store);
// sim::make_issued_archive with the store as its source.
sim::IssuedArchive make_issued_archive(const sim::ForecastSpec& spec, const RegularSeries& actual,
                                       const GridStore& store);

}  // namespace shiftsim::grids
