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

std::vector<std::uint64_t> shape_of(const Cube& cube, const Variable& v) {
  std::vector<std::uint64_t> shape;
  for (const auto& name : v.dims) shape.push_back(cube.dim(name).size());
  return shape;
}

// The variable's chunk shape; empty when it is contiguous (HDF5 cannot chunk a scalar or a
// dataset with an empty dimension).
std::vector<std::uint64_t> chunk_of(const Cube& cube, const Variable& v) {
  const auto shape = shape_of(cube, v);
  if (v.type == DType::text || v.coordinate) return {};
  if (shape.empty() || std::find(shape.begin(), shape.end(), 0) != shape.end()) return {};
  if (!v.chunk.empty()) return v.chunk;
  return chunk_shape(shape, v.type == DType::f64 ? sizeof(double) : sizeof(std::int32_t));
}

const double kFillF64 = std::numeric_limits<double>::quiet_NaN();
const std::int32_t kFillI32 = kMissingI32;

// The auxiliary coordinates (Variable::coordinate) over dimensions all of which `v` has, in the
// cube's order, as CF's `coordinates` attribute lists them: "policy_kind window zone".
std::string coordinates_of(const Cube& cube, const Variable& v) {
  std::string out;
  if (v.coordinate) return out;
  for (const auto& c : cube.vars) {
    if (!c.coordinate) continue;
    const bool covered = std::all_of(c.dims.begin(), c.dims.end(), [&](const std::string& d) {
      return std::find(v.dims.begin(), v.dims.end(), d) != v.dims.end();
    });
    if (covered) out += (out.empty() ? "" : " ") + c.name;
  }
  return out;
}

// The dataset with its attributes, and its values when contiguous; chunks come later
// (write_chunks), on disk.
void create_variable(hdf5::Group& root, const Cube& cube, const Variable& v,
                     const std::vector<hdf5::Dataset>& scales) {
  std::vector<const hdf5::Dataset*> attached;
  for (const auto& name : v.dims) {
    const auto it = std::find_if(cube.dims.begin(), cube.dims.end(),
                                 [&](const Dimension& d) { return d.name == name; });
    attached.push_back(&scales[static_cast<std::size_t>(it - cube.dims.begin())]);
  }
  hdf5::DatasetSpec spec;
  spec.element = v.type == DType::f64   ? hdf5::Element::f64
                 : v.type == DType::i32 ? hdf5::Element::i32
                                        : hdf5::Element::utf8;
  spec.shape = shape_of(cube, v);
  if (v.type == DType::f64) spec.fill = kFillF64;
  if (v.type == DType::i32) spec.fill = kFillI32;
  spec.chunk = chunk_of(cube, v);
  if (!spec.chunk.empty()) {
    spec.shuffle = true;
    spec.deflate = kDeflateLevel;
  }
  hdf5::Dataset ds = root.create_dataset(v.name, spec);
  if (spec.chunk.empty()) {
    if (v.type == DType::f64) ds.write(std::span<const double>(v.f64));
    if (v.type == DType::i32) ds.write(std::span<const std::int32_t>(v.i32));
    if (v.type == DType::text) ds.write(v.text);
  }
  for (std::size_t axis = 0; axis < attached.size(); ++axis)
    ds.attach_scale(*attached[axis], static_cast<unsigned>(axis));
  // Only float64 says _FillValue: on an integer, xarray would decode the counts to float64 to
  // put NaN in; an int32's missing value (-1) is HDF5's fill value and its attributes say it.
  if (v.type == DType::f64) ds.put_float64("_FillValue", kFillF64);
  if (const auto coords = coordinates_of(cube, v); !coords.empty())
    ds.put_string("coordinates", coords);
  put_attrs(ds, v.attrs);
}

// A chunked variable's chunks, in row-major order of their origins: compressed here from its
// values, or as the source gives them for an external one.
void write_chunks(hdf5::Group& root, const Cube& cube, std::size_t index,
                  const ChunkSource* source) {
  const Variable& v = cube.vars[index];
  const auto chunk = chunk_of(cube, v);
  if (chunk.empty()) return;
  const auto shape = shape_of(cube, v);
  hdf5::Dataset ds = root.open_dataset(v.name);
  if (v.external) {
    const std::uint64_t n = chunk_count(shape, chunk);
    for (std::uint64_t c = 0; c < n; ++c) {
      const auto origin = chunk_origin(shape, chunk, c);
      const auto bytes = source->chunk(index, origin);
      if (!bytes.empty()) ds.write_chunk(origin, bytes);
    }
    return;
  }
  const bool f64 = v.type == DType::f64;
  const auto* values = f64 ? reinterpret_cast<const unsigned char*>(v.f64.data())
                           : reinterpret_cast<const unsigned char*>(v.i32.data());
  const auto* fill = f64 ? reinterpret_cast<const unsigned char*>(&kFillF64)
                         : reinterpret_cast<const unsigned char*>(&kFillI32);
  compress_chunks(shape, chunk, values, f64 ? sizeof(double) : sizeof(std::int32_t), fill,
                  [&](const std::vector<std::uint64_t>& origin,
                      std::span<const unsigned char> bytes) { ds.write_chunk(origin, bytes); });
}

// At least what the chunks add to the file: their filtered bytes (at most zlib's bound of their
// values, or what the source says) and their index (HDF5's B-tree nodes: well under 512 bytes
// per chunk), with a margin for the object headers the chunks' addresses update.
std::uint64_t chunk_reserve(const Cube& cube, const ChunkSource* source) {
  std::uint64_t bytes = std::uint64_t{1} << 20;
  for (const auto& v : cube.vars) {
    const auto chunk = chunk_of(cube, v);
    if (chunk.empty()) continue;  // contiguous: in the structure already
    const std::uint64_t n = chunk_count(shape_of(cube, v), chunk);
    std::uint64_t per = v.type == DType::f64 ? sizeof(double) : sizeof(std::int32_t);
    for (auto c : chunk) per *= c;
    bytes += n * 512 + (v.external ? 0 : n * filtered_bound(per));
  }
  return bytes + (source != nullptr ? source->bytes : 0);
}

const hdf5::File::Options kLayout{
    .hdf5_1_8_format = true, .untimed_root = true, .link_order = true};

void write_file(const Cube& cube, const fs::path& temp, const fs::path& path,
                const ChunkSource* source) {
  {
    // The HDF5 1.8 file format, whatever the library's version: readable by every netCDF-4 and
    // h5py, and the bytes do not change with the library's defaults. The root group: no
    // timestamps; links in creation order (netCDF-4 requires it, and read_cube gets the order of
    // dimensions and variables back from it). Built in memory: everything but the chunks.
    hdf5::File file = hdf5::File::create(path, kLayout);
    hdf5::Group root = file.root();
    root.put_string("format", kFormat);
    root.put_int64("format_version", kFormatVersion);
    put_attrs(root, cube.attrs);
    // The dimension scales stay open until every variable has attached them.
    std::vector<hdf5::Dataset> scales;
    for (std::size_t i = 0; i < cube.dims.size(); ++i)
      scales.push_back(write_dimension(root, cube.dims[i], static_cast<int>(i)));
    for (const auto& v : cube.vars) create_variable(root, cube, v, scales);
    file.save(temp);
  }
  // The chunks, on disk, into space reserved for them.
  hdf5::File file = hdf5::File::append_on_disk(temp, path, kLayout, chunk_reserve(cube, source));
  hdf5::Group root = file.root();
  for (std::size_t i = 0; i < cube.vars.size(); ++i) write_chunks(root, cube, i, source);
  file.close();
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

void write_cube(const Cube& cube, const std::filesystem::path& path, bool overwrite,
                const ChunkSource* source) {
  cube.check();
  check_attr_names(cube);
  for (const auto& v : cube.vars)
    if (v.external && (source == nullptr || !source->chunk))
      throw InternalError("cube: variable " + v.name + " is external and no chunks were given");
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec))
    throw IoError(fmt::format("{}: already exists; pass --force to replace it", path.string()));
  AtomicOutput out(path);
  write_file(cube, out.temp_path(), path, source);
  out.commit();
}

}  // namespace shiftsim::experiments
