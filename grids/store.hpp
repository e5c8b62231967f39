#pragma once
// The grid store: an HDF5 file holding carbon-intensity series, one per (zone, signal, basis).
//
// Layout (readable with h5py or h5dump, no shiftsim code needed):
//   /                        attrs format = "shiftsim-grid-store", format_version = 1
//   /series/<zone>/<signal>/<basis>/
//       values   float64[n]  gCO2eq/kWh, chunked and compressed
//       flags    uint8[n]    bit 0: estimated by the provider; bit 1: repaired on import
//       forecast float64[n][leads]  optional: the forecasts issued at each value's time
//                (ForecastArchive; attr lead_step_seconds)
//       attrs    zone, signal, basis, source, start (ISO 8601 UTC), start_unix (int64 s),
//                step_seconds (int64), units, files (names), files_sha256, repair_<kind> (int64)
//
// A store is small (years of hourly data for a few dozen zones), so it is loaded whole and
// saved whole: save() writes a new file beside the old one and renames it into place, so a
// failed import leaves the previous store byte-identical. Objects are written in sorted key
// order with HDF5 timestamps off, so the same content gives the same bytes.
//
// Thread-safety: a GridStore is a value; concurrent const use is safe. HDF5 calls happen only in
// load() and save(), from the calling thread.
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "grids/series.hpp"

namespace shiftsim::grids {

class GridStore {
 public:
  // Throws IoError (missing file, not a store, damaged HDF5) naming the path.
  static GridStore load(const std::filesystem::path& path);
  // Loads the store if the file exists, else an empty store.
  static GridStore load_or_empty(const std::filesystem::path& path);
  void save(const std::filesystem::path& path) const;

  // Adds or replaces the series with the same key.
  void put(Series s);
  const Series* find(const SeriesKey& key) const;
  // All series of a zone (any signal and basis), in key order.
  std::vector<const Series*> find_zone(std::string_view zone) const;
  const std::map<SeriesKey, Series>& series() const { return series_; }
  bool empty() const { return series_.empty(); }

 private:
  std::map<SeriesKey, Series> series_;
};

}  // namespace shiftsim::grids

namespace shiftsim::grids {

struct Region;
// Series that can stand for a region, best first: its zone, its WattTime BA, its other marginal
// zones (SGIP), then its proxy zones; within each, key order; measured series before surrogate
// ones.
std::vector<const Series*> series_for_region(const GridStore& store, const Region& region);
// What a command's region-or-zone argument names: a paper region's series (as above), else the
// series of the zone with that id.
std::vector<const Series*> series_for(const GridStore& store, const std::string& name);
// The same, keeping only the given signal and basis (when given).
std::vector<const Series*> series_for(const GridStore& store, const std::string& name,
                                      std::optional<Signal> signal, std::optional<Basis> basis);

}  // namespace shiftsim::grids
