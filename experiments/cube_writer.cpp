// write_cube (cube_file.hpp): the cube laid out as netCDF-4 through the HDF5 layer (grids/hdf5),
// its variables' chunks compressed in parallel beforehand (chunk_compression.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "experiments/chunk_compression.hpp"
#include "experiments/cube_file.hpp"
#include "experiments/cube_layout.hpp"
#include "grids/hdf5/file.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

namespace {

namespace fs = std::filesystem;
using namespace cube_layout;

void put_attrs(hdf5::Object& obj, const std::map<std::string, std::string>& attrs) {
  for (const auto& [name, value] : attrs) obj.put_string(name, value);
}

hdf5::Dataset write_dimension(hdf5::Group& root, const Dimension& d, int index) {
  hdf5::DatasetSpec spec;
  spec.shape = {d.size()};
  hdf5::Dataset ds = [&] {
    if (const auto* labels = std::get_if<Labels>(&d.coords)) {
      spec.element = hdf5::Element::utf8;
      hdf5::Dataset out = root.create_dataset(d.name, spec);
      out.write(labels->values);
      return out;
    }
    if (const auto* numbers = std::get_if<Numbers>(&d.coords)) {
      spec.element = hdf5::Element::f64;
      hdf5::Dataset out = root.create_dataset(d.name, spec);
      out.write(std::span<const double>(numbers->values));
      return out;
    }
    spec.element = hdf5::Element::i64;
    hdf5::Dataset out = root.create_dataset(d.name, spec);
    out.write(std::span<const std::int64_t>(std::get<Times>(d.coords).values));
    return out;
  }();
  // The scale's NAME is the dimension's name (h5netcdf takes the dimension's name from the
  // dataset's name; netCDF-C also accepts this NAME).
  ds.make_scale(d.name);
  // netCDF-C's dimension id, so that netCDF tools list the dimensions in the cube's order
  // (h5netcdf hides it).
  ds.put_int32("_Netcdf4Dimid", index);
  if (std::holds_alternative<Times>(d.coords)) {
    ds.put_string("calendar", kCalendar);
    ds.put_string("units", kTimeUnits);
  }
  put_attrs(ds, d.attrs);
  return ds;
}

void write_variable(hdf5::Group& root, const Cube& cube, const Variable& v,
                    const std::vector<hdf5::Dataset>& scales) {
  std::vector<std::uint64_t> shape;
  std::vector<const hdf5::Dataset*> attached;
  for (const auto& name : v.dims) {
    const auto it = std::find_if(cube.dims.begin(), cube.dims.end(),
                                 [&](const Dimension& d) { return d.name == name; });
    shape.push_back(it->size());
    attached.push_back(&scales[static_cast<std::size_t>(it - cube.dims.begin())]);
  }
  const bool f64 = v.type == DType::f64;
  const double fill_f64 = std::numeric_limits<double>::quiet_NaN();
  const std::int32_t fill_i32 = kMissingI32;
  const std::size_t count = f64 ? v.f64.size() : v.i32.size();
  const std::size_t value_bytes = f64 ? sizeof(double) : sizeof(std::int32_t);

  hdf5::DatasetSpec spec;
  spec.element = f64 ? hdf5::Element::f64 : hdf5::Element::i32;
  spec.shape = shape;
  if (f64)
    spec.fill = fill_f64;
  else
    spec.fill = fill_i32;
  // HDF5 cannot chunk a scalar or a dataset with an empty dimension: those stay contiguous.
  const bool chunked = count > 0 && !shape.empty();
  if (chunked) {
    spec.chunk = chunk_shape(shape, value_bytes);
    spec.shuffle = true;
    spec.deflate = kDeflateLevel;
  }
  hdf5::Dataset ds = root.create_dataset(v.name, spec);
  if (chunked) {
    const auto* values = f64 ? reinterpret_cast<const unsigned char*>(v.f64.data())
                             : reinterpret_cast<const unsigned char*>(v.i32.data());
    const auto* fill = f64 ? reinterpret_cast<const unsigned char*>(&fill_f64)
                           : reinterpret_cast<const unsigned char*>(&fill_i32);
    compress_chunks(shape, spec.chunk, values, value_bytes, fill,
                    [&](const std::vector<std::uint64_t>& origin,
                        std::span<const unsigned char> bytes) { ds.write_chunk(origin, bytes); });
  } else if (f64) {
    ds.write(std::span<const double>(v.f64));
  } else {
    ds.write(std::span<const std::int32_t>(v.i32));
  }
  for (std::size_t axis = 0; axis < attached.size(); ++axis)
    ds.attach_scale(*attached[axis], static_cast<unsigned>(axis));
  if (f64)
    ds.put_float64("_FillValue", fill_f64);
  else
    ds.put_int32("_FillValue", fill_i32);
  put_attrs(ds, v.attrs);
}

void write_file(const Cube& cube, const fs::path& temp, const fs::path& path) {
  // The HDF5 1.8 file format, whatever the library's version: readable by every netCDF-4 and
  // h5py, and the bytes do not change with the library's defaults. The root group: no
  // timestamps; links in creation order (netCDF-4 requires it, and read_cube gets the order of
  // dimensions and variables back from it).
  hdf5::File file =
      hdf5::File::create(path, {.hdf5_1_8_format = true, .untimed_root = true, .link_order = true});
  hdf5::Group root = file.root();
  root.put_string("format", kFormat);
  root.put_int64("format_version", kFormatVersion);
  put_attrs(root, cube.attrs);
  // The dimension scales stay open until every variable has attached them.
  std::vector<hdf5::Dataset> scales;
  for (std::size_t i = 0; i < cube.dims.size(); ++i)
    scales.push_back(write_dimension(root, cube.dims[i], static_cast<int>(i)));
  for (const auto& v : cube.vars) write_variable(root, cube, v, scales);
  file.save(temp);
}

// What the layout reserves for itself (InternalError, like Cube::check).
void check_attr_names(const Cube& cube) {
  auto refuse = [](const std::string& where, const std::string& name) {
    throw InternalError(
        fmt::format("cube: {} has attribute {}, which the file layout sets "
                    "itself",
                    where, name));
  };
  for (const auto& [name, value] : cube.attrs)
    if (reserved_global_attr(name)) refuse("the cube", name);
  for (const auto& d : cube.dims) {
    const bool times = std::holds_alternative<Times>(d.coords);
    for (const auto& [name, value] : d.attrs)
      if (times ? reserved_time_attr(name) : reserved_dataset_attr(name))
        refuse("dimension " + d.name, name);
  }
  for (const auto& v : cube.vars)
    for (const auto& [name, value] : v.attrs)
      if (reserved_dataset_attr(name)) refuse("variable " + v.name, name);
}

}  // namespace

void write_cube(const Cube& cube, const std::filesystem::path& path, bool overwrite) {
  cube.check();
  check_attr_names(cube);
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec))
    throw IoError(fmt::format("{}: already exists; pass --force to replace it", path.string()));
  AtomicOutput out(path);
  write_file(cube, out.temp_path(), path);
  out.commit();
}

}  // namespace shiftsim::experiments
