#pragma once
// Which grid series a cube was computed on, as structured attributes: one scalar string attribute
// per series and field, series_<i>_<field>, where i is the series' index on the cube's region
// (sweep) or site (cluster) dimension:
//   series_<i>_region      the region or zone as the experiment names it (= the coordinate i)
//   series_<i>_zone        the store's zone id
//   series_<i>_signal      average, marginal or surrogate
//   series_<i>_basis       direct or lifecycle
//   series_<i>_source      who produced the numbers (the store's source text)
//   series_<i>_sha256      SHA-256 of the series' values (grids::values_sha256)
//   series_<i>_start, _end the span of the series, ISO 8601 UTC ("2020-01-01T00:00:00Z")
//   series_<i>_synthetic   "true" for the built-in surrogate, else "false"
//   series_<i>_calibrated  "true" for the surrogate calibrated to the paper, else "false"
// Why attributes and not a string variable over region: a cube's variables are numbers
// (cube.hpp, and the file layer behind cube_file.hpp keeps that interface), and a text block of
// one line per region (what cubes held before) had to be parsed back by every reader. As
// attributes each field is a whole value no reader splits; xarray shows them in Dataset.attrs
// (ds.attrs["series_0_zone"]); resume and merge compare them with the other provenance
// attributes, so a cube made on other series is refused as before.
//
// Thread-safety: plain functions over values.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "experiments/cube.hpp"
#include "grids/series.hpp"

namespace shiftsim::experiments {

struct SeriesProvenance {
  std::string region, zone, signal, basis, source, sha256, start, end;
  bool synthetic = false, calibrated = false;
  std::string key() const { return zone + "/" + signal + "/" + basis; }  // SeriesKey::label()
};

// The provenance of each (region or site label, its series), in the dimension's order.
std::vector<SeriesProvenance> provenance_of(
    const std::vector<std::pair<std::string, const grids::Series*>>& series);
// Writes the series_<i>_<field> attributes.
void set_series_provenance(Cube& cube, const std::vector<SeriesProvenance>& series);
// Reads them back for the `count` series of the dimension; a series without them (a cube made
// before they existed) is left out, so readers state what they have.
std::vector<SeriesProvenance> series_provenance(const Cube& cube, std::size_t count);

}  // namespace shiftsim::experiments
