// read_cube (cube_file.hpp): a cube written by write_cube, back through the HDF5 layer
// (grids/hdf5), checked to be one.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>
#include <vector>

#include "experiments/cube_file.hpp"
#include "experiments/cube_layout.hpp"
#include "grids/hdf5/file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

namespace {

namespace fs = std::filesystem;
using namespace cube_layout;

// Content that HDF5 reads fine but that is not a cube as write_cube writes it.
[[noreturn]] void not_a_cube(const hdf5::Object& obj, std::string_view what) {
  throw IoError(
      fmt::format("{}: not a shiftsim result cube: {}: {}", obj.file_name(), obj.path(), what));
}

// The string attributes of an object that `reserved` does not exclude.
template <class Reserved>
std::map<std::string, std::string> get_attrs(const hdf5::Object& obj, Reserved reserved) {
  std::map<std::string, std::string> out;
  for (const auto& name : obj.attribute_names()) {
    if (reserved(name)) continue;
    if (auto v = obj.find_string(name)) out.emplace(name, std::move(*v));
  }
  return out;
}

Dimension read_dimension(const hdf5::Dataset& ds, const std::string& name) {
  if (ds.shape().size() != 1) not_a_cube(ds, "a dimension scale that is not one-dimensional");
  Dimension d{name, Labels{}, {}};
  const auto element = ds.element();
  if (element == hdf5::Element::utf8) {
    d.coords = Labels{ds.read_strings()};
  } else if (element == hdf5::Element::f64) {
    d.coords = Numbers{ds.read_f64()};
  } else if (element == hdf5::Element::i64) {
    if (ds.find_string("units") != kTimeUnits)
      not_a_cube(ds, fmt::format("int64 coordinates whose units are not \"{}\"", kTimeUnits));
    d.coords = Times{ds.read_i64()};
  } else {
    not_a_cube(ds,
               "coordinates that are neither variable-length strings, float64 nor "
               "int64 times");
  }
  d.attrs = std::holds_alternative<Times>(d.coords) ? get_attrs(ds, reserved_time_attr)
                                                    : get_attrs(ds, reserved_dataset_attr);
  return d;
}

Variable read_variable(const hdf5::Dataset& ds, const std::string& name, const Cube& cube) {
  Variable v;
  v.name = name;
  const auto shape = ds.shape();
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    const auto a = static_cast<unsigned>(axis);
    if (ds.scale_count(a) < 1)
      not_a_cube(ds, fmt::format("axis {} has no dimension scale attached", axis));
    // Like h5netcdf and netCDF-C, the last scale attached to an axis wins.
    const std::string path = ds.scale_path(a);
    const std::string dim = path.starts_with('/') ? path.substr(1) : path;
    const auto it = std::find_if(cube.dims.begin(), cube.dims.end(),
                                 [&](const Dimension& d) { return d.name == dim; });
    if (it == cube.dims.end())
      not_a_cube(ds, fmt::format("axis {} has dimension scale {}, which is not a "
                                 "dimension of the cube",
                                 axis, path));
    if (it->size() != shape[axis])
      not_a_cube(ds, fmt::format("axis {} has {} values but dimension {} has {}", axis, shape[axis],
                                 dim, it->size()));
    v.dims.push_back(dim);
  }
  const auto element = ds.element();
  if (element == hdf5::Element::f64) {
    v.type = DType::f64;
    v.f64 = ds.read_f64();
  } else if (element == hdf5::Element::i32) {
    v.type = DType::i32;
    v.i32 = ds.read_i32();
  } else if (element == hdf5::Element::utf8) {
    v.type = DType::text;
    v.text = ds.read_strings();
  } else {
    not_a_cube(ds, "a variable that is neither float64, int32 nor text");
  }
  v.attrs = get_attrs(ds, reserved_dataset_attr);
  // Kept, so that a cube read and written again (merge) has the chunks it had.
  v.chunk = ds.chunk();
  return v;
}

Cube read_file(const fs::path& path) {
  const hdf5::File file = hdf5::File::open_read_only(path);
  const hdf5::Group root = file.root();
  if (root.find_string("format") != kFormat)
    throw IoError(
        fmt::format("{}: an HDF5 file, but not a shiftsim result cube (no format "
                    "attribute '{}')",
                    path.string(), kFormat));
  const auto version = root.find_int("format_version");
  if (version != kFormatVersion) {
    const bool older = version && *version < kFormatVersion;
    const auto experiment = root.find_string("experiment_file");
    const auto wrote = root.find_string("shiftsim_version");
    const std::string with =
        wrote ? fmt::format("shiftsim {}, which wrote it", *wrote) : "the shiftsim that wrote it";
    throw IoError(fmt::format(
        "{}: result cube format version {} {}; this shiftsim reads version {} only. {}",
        path.string(), version ? std::to_string(*version) : "(none)",
        older ? "was written by an older shiftsim" : "is not one this shiftsim knows",
        kFormatVersion,
        older ? fmt::format("Make it again with 'shiftsim run {} --force', or read it with {}",
                            experiment ? *experiment : "EXPERIMENT.toml", with)
              : fmt::format("Read it with {}", with)));
  }
  Cube cube;
  cube.attrs = get_attrs(root, reserved_global_attr);
  // Creation order gives the cube's order of dimensions and variables back.
  std::vector<std::pair<std::string, hdf5::Dataset>> variables;  // once all dimensions are known
  for (auto& name : root.children()) {
    if (!root.holds_dataset(name))
      throw IoError(
          fmt::format("{}: not a shiftsim result cube: /{}: not a dataset", path.string(), name));
    hdf5::Dataset ds = root.open_dataset(name);
    if (ds.is_scale())
      cube.dims.push_back(read_dimension(ds, name));
    else
      variables.emplace_back(std::move(name), std::move(ds));
  }
  // CF's `coordinates` attributes name the auxiliary coordinates (write_cube sets them).
  std::set<std::string> coordinates;
  for (const auto& [name, ds] : variables) {
    cube.vars.push_back(read_variable(ds, name, cube));
    std::istringstream listed(ds.find_string("coordinates").value_or(""));
    for (std::string c; listed >> c;) coordinates.insert(c);
  }
  for (auto& v : cube.vars) v.coordinate = coordinates.contains(v.name);
  return cube;
}

}  // namespace

Cube read_cube(const std::filesystem::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw IoError(
        fmt::format("{}: no such file; result cubes are written by 'shiftsim run'", path.string()));
  if (fs::is_directory(path, ec))
    throw IoError(
        fmt::format("{}: is a directory, expected a result cube (an HDF5 file)", path.string()));
  if (!hdf5::File::is_hdf5(path))
    throw IoError(fmt::format("{}: not an HDF5 file, so not a result cube", path.string()));
  Cube cube = read_file(path);
  try {
    cube.check();
  } catch (const std::logic_error& e) {
    throw IoError(fmt::format("{}: not a consistent result cube: {}", path.string(), e.what()));
  }
  return cube;
}

}  // namespace shiftsim::experiments
