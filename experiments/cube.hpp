#pragma once
// A result cube: named dimensions with coordinates, variables over some of those dimensions, and
// provenance attributes. In memory it is plain data (one contiguous buffer per variable, row-major
// over its dimensions in the order listed); on disk (cube_file.hpp) it is an HDF5 file that
// xarray opens with engine="h5netcdf" with no shiftsim code: dimensions are HDF5 dimension scales,
// attributes are netCDF/CF attributes (units, long_name, _FillValue, calendar).
//
// Thread-safety: a value; fill it from one thread or from disjoint index ranges.
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace shiftsim::experiments {

// A coordinate: labels (workload names, "pause-resume/24h"), numbers (quantiles), or times
// (Unix seconds; written as CF time "seconds since 1970-01-01 00:00:00" UTC, int64).
struct Labels {
  std::vector<std::string> values;
};
struct Numbers {
  std::vector<double> values;
};
struct Times {
  std::vector<std::int64_t> values;
};
using Coordinates = std::variant<Labels, Numbers, Times>;

struct Dimension {
  std::string name;
  Coordinates coords;
  std::map<std::string, std::string>
      attrs;  // long_name, units (not for Times: the writer sets them)
  std::size_t size() const;
};

// text: a label per value (an auxiliary coordinate such as a policy's kind or a region's zone).
enum class DType : std::uint8_t { f64, i32, text };

// Missing values: NaN for f64 (written with _FillValue NaN), kMissingI32 for i32 (the HDF5 fill
// value, with no _FillValue attribute, so that xarray keeps counts as integers; the variable's
// `missing_means` attribute says what -1 stands for).
constexpr std::int32_t kMissingI32 = -1;

struct Variable {
  std::string name;
  std::vector<std::string> dims;  // names of Cube::dims, slowest first
  DType type = DType::f64;
  std::vector<double> f64;        // used when type == f64; size = product of the dims' sizes
  std::vector<std::int32_t> i32;  // used when type == i32
  std::map<std::string, std::string> attrs;  // units, long_name, ...
  // The chunk shape on disk, one extent per dimension (at most the dimension's size, at least
  // 1); empty: the writer's default (chunk_compression.hpp). read_cube gives back the file's.
  std::vector<std::uint64_t> chunk;
  // Not held here: its buffers stay empty and the writer takes its chunks, already filtered, from
  // a ChunkSource (cube_file.hpp). The sweep runner streams its per-start variables so, from the
  // cell journal, so that a sweep never holds them whole. Needs `chunk`.
  bool external = false;
  // An auxiliary coordinate (CF): a label or number per index of its dimensions that describes
  // them (a policy's kind and window, a region's zone), not a result. On disk every variable over
  // a superset of its dimensions names it in its `coordinates` attribute, so xarray shows it with
  // the coordinates (cube.where(cube.policy_kind == "pause-resume")). Not chunked, never
  // external.
  bool coordinate = false;
  std::vector<std::string> text;  // used when type == text
};

struct Cube {
  std::vector<Dimension> dims;
  std::vector<Variable> vars;
  std::map<std::string, std::string> attrs;  // global attributes (provenance)

  const Dimension& dim(const std::string& name) const;  // std::out_of_range if absent
  const Variable& var(const std::string& name) const;
  Variable& var(const std::string& name);
  // Checks the invariants (unique names, dims exist, buffer sizes); throws InternalError.
  void check() const;
};

}  // namespace shiftsim::experiments
