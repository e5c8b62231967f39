// The result cube on disk (layout in cube_file.hpp). The only file of this library that includes
// HDF5. It uses the C API, because the dimension-scale API (hdf5_hl) is C only: every identifier
// is owned by a Handle, and every call goes through a Checker, so that a failure becomes an
// IoError naming the file and the object, never a negative return value left unread.
#include "experiments/cube_file.hpp"

#include <fmt/format.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <tbb/parallel_for.h>
#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

namespace {

namespace fs = std::filesystem;

constexpr const char* kFormat = "shiftsim-cube";
constexpr std::int64_t kFormatVersion = 1;
constexpr const char* kTimeUnits = "seconds since 1970-01-01 00:00:00";
constexpr const char* kCalendar = "proleptic_gregorian";
constexpr std::size_t kChunkBytes = std::size_t{1} << 20;  // at most 1 MiB of values per chunk
constexpr unsigned kDeflateLevel = 4;

// Attribute names the layout owns on datasets: the dimension-scale machinery (CLASS, NAME,
// REFERENCE_LIST, DIMENSION_LIST) and netCDF's reserved names (a leading underscore:
// _FillValue, _Netcdf4Dimid, ...). A cube cannot set them; read_cube does not return them.
bool reserved_dataset_attr(std::string_view name) {
  return name == "CLASS" || name == "NAME" || name == "REFERENCE_LIST" ||
         name == "DIMENSION_LIST" || name.starts_with('_');
}
// Times coordinates: the writer sets their units and calendar.
bool reserved_time_attr(std::string_view name) {
  return reserved_dataset_attr(name) || name == "units" || name == "calendar";
}
bool reserved_global_attr(std::string_view name) {
  return name == "format" || name == "format_version" || name.starts_with('_');
}

// An HDF5 identifier and the function that closes it.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), close_(closer) {}
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  // Closes now and returns what the close returned (closing a file flushes it: that can fail).
  herr_t close() {
    const herr_t r = id_ >= 0 ? close_(id_) : 0;
    id_ = H5I_INVALID_HID;
    return r;
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

// HDF5 prints its error stack to stderr by default; the message of the IoError says it instead.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }
  QuietErrors(const QuietErrors&) = delete;
  QuietErrors& operator=(const QuietErrors&) = delete;

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

// The innermost entry of the HDF5 error stack is the most specific ("component not found").
herr_t innermost_error(unsigned n, const H5E_error2_t* e, void* data) {
  if (n == 0 && e != nullptr && e->desc != nullptr) {
    try {
      *static_cast<std::string*>(data) = e->desc;
    } catch (...) {
      return -1;
    }
  }
  return 0;
}

std::string hdf5_reason() {
  std::string reason;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, innermost_error, &reason);
  return reason;
}

// Checks results of HDF5 calls on one file; the messages name `file`.
class Checker {
 public:
  explicit Checker(fs::path file) : file_(std::move(file)) {}

  // Every HDF5 call reports failure as a negative value (of an integer or of an enumeration).
  template <class T>
  T operator()(T result, std::string_view object, std::string_view what) const {
    if constexpr (std::is_enum_v<T>) {
      static_assert(std::is_signed_v<std::underlying_type_t<T>>);
      if (static_cast<std::underlying_type_t<T>>(result) < 0) fail(object, what);
    } else {
      static_assert(std::is_signed_v<T>);
      if (result < 0) fail(object, what);
    }
    return result;
  }
  Handle handle(hid_t id, Handle::Closer closer, std::string_view object,
                std::string_view what) const {
    (*this)(id, object, what);
    return Handle(id, closer);
  }
  [[noreturn]] void fail(std::string_view object, std::string_view what) const {
    const std::string reason = hdf5_reason();
    throw IoError(fmt::format("{}: HDF5 error at {}: {}{}{}", file_.string(), object, what,
                              reason.empty() ? "" : ": ", reason));
  }
  // Content that HDF5 reads fine but that is not a cube as write_cube writes it.
  [[noreturn]] void not_a_cube(std::string_view object, std::string_view what) const {
    throw IoError(
        fmt::format("{}: not a shiftsim result cube: {}: {}", file_.string(), object, what));
  }

 private:
  fs::path file_;
};

// Variable-length UTF-8 text, in the file and in memory (h5py reads it as str).
Handle utf8_string(const Checker& h5, std::string_view object) {
  Handle t = h5.handle(H5Tcopy(H5T_C_S1), H5Tclose, object, "cannot make a string type");
  h5(H5Tset_size(t.get(), H5T_VARIABLE), object, "cannot make a string type");
  h5(H5Tset_cset(t.get(), H5T_CSET_UTF8), object, "cannot make a string type");
  return t;
}

Handle scalar_space(const Checker& h5, std::string_view object) {
  return h5.handle(H5Screate(H5S_SCALAR), H5Sclose, object, "cannot make a scalar dataspace");
}

void put_attr(const Checker& h5, hid_t obj, const std::string& object, const std::string& name,
              hid_t file_type, hid_t mem_type, const void* value) {
  const std::string what = fmt::format("cannot write attribute {}", name);
  Handle space = scalar_space(h5, object);
  Handle a =
      h5.handle(H5Acreate2(obj, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose, object, what);
  h5(H5Awrite(a.get(), mem_type, value), object, what);
}

void put_string_attr(const Checker& h5, hid_t obj, const std::string& object,
                     const std::string& name, const std::string& value) {
  Handle t = utf8_string(h5, object);
  const char* p = value.c_str();
  put_attr(h5, obj, object, name, t.get(), t.get(), &p);
}

void put_attrs(const Checker& h5, hid_t obj, const std::string& object,
               const std::map<std::string, std::string>& attrs) {
  for (const auto& [name, value] : attrs) put_string_attr(h5, obj, object, name, value);
}

// Dataset creation properties: no timestamps, so that the same cube gives the same bytes.
Handle dataset_properties(const Checker& h5, const std::string& object) {
  Handle dcpl =
      h5.handle(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, object, "cannot make dataset properties");
  h5(H5Pset_obj_track_times(dcpl.get(), false), object, "cannot turn timestamps off");
  return dcpl;
}

// Full extent on the fastest dimensions, as many as fit in kChunkBytes; the first that does not
// fit whole is cut to what fits (at least 1), the slower ones get 1.
std::vector<hsize_t> chunk_shape(const std::vector<hsize_t>& shape, std::size_t value_bytes) {
  std::vector<hsize_t> chunk(shape.size(), 1);
  hsize_t bytes = value_bytes;  // bytes of one chunk over the dimensions after i
  for (std::size_t i = shape.size(); i-- > 0;) {
    if (bytes * shape[i] <= kChunkBytes) {
      chunk[i] = shape[i];
      bytes *= shape[i];
    } else {
      chunk[i] = std::max<hsize_t>(1, kChunkBytes / bytes);
      break;
    }
  }
  return chunk;
}

// Chunks are compressed here, in parallel, and handed to HDF5 ready (H5Dwrite_chunk), because
// HDF5 runs its filters on one thread and compression is most of a cube's write time. The bytes
// are those HDF5's own filters make: the shuffle filter's byte transposition, then zlib's
// compress2 at the same level, as H5Z_filter_deflate calls it; edge chunks are stored whole,
// padded with the fill value as HDF5 pads a partly written chunk. Chunks are written in
// row-major order, so the file does not depend on the thread count.
constexpr std::size_t kChunksPerBatch = 64;  // bounds the memory held by compressed chunks

std::vector<unsigned char> shuffle_deflate(const unsigned char* raw, std::size_t bytes,
                                           std::size_t value_bytes) {
  std::vector<unsigned char> shuffled(bytes);
  const std::size_t n = bytes / value_bytes;
  for (std::size_t b = 0; b < value_bytes; ++b) {
    unsigned char* out = shuffled.data() + b * n;
    for (std::size_t i = 0; i < n; ++i) out[i] = raw[i * value_bytes + b];
  }
  uLongf size = compressBound(static_cast<uLong>(bytes));
  std::vector<unsigned char> packed(size);
  if (compress2(packed.data(), &size, shuffled.data(), static_cast<uLong>(bytes),
                static_cast<int>(kDeflateLevel)) != Z_OK) {
    throw std::runtime_error("zlib compress2 failed");  // only on memory exhaustion
  }
  packed.resize(size);
  return packed;
}

template <class T>
void write_chunks(const Checker& h5, hid_t ds, const std::string& object,
                  const std::vector<hsize_t>& shape, const std::vector<hsize_t>& chunk,
                  const std::vector<T>& values, T fill) {
  const std::size_t rank = shape.size();
  std::vector<hsize_t> grid(rank);
  std::size_t chunks = 1, per_chunk = 1;
  for (std::size_t i = 0; i < rank; ++i) {
    grid[i] = (shape[i] + chunk[i] - 1) / chunk[i];
    chunks *= grid[i];
    per_chunk *= chunk[i];
  }
  // The chunk's origin (in values) from its row-major index.
  auto origin = [&](std::size_t index) {
    std::vector<hsize_t> o(rank);
    for (std::size_t i = rank; i-- > 0;) {
      o[i] = (index % grid[i]) * chunk[i];
      index /= grid[i];
    }
    return o;
  };
  std::vector<std::vector<unsigned char>> packed(kChunksPerBatch);
  for (std::size_t first = 0; first < chunks; first += kChunksPerBatch) {
    const std::size_t batch = std::min(kChunksPerBatch, chunks - first);
    tbb::parallel_for(std::size_t{0}, batch, [&](std::size_t b) {
      const auto o = origin(first + b);
      std::vector<T> raw(per_chunk, fill);
      // Copy the chunk's rows (runs along the last dimension) that lie inside the extent.
      const hsize_t row = std::min(chunk[rank - 1], shape[rank - 1] - o[rank - 1]);
      std::vector<hsize_t> at(rank, 0);  // position within the chunk, last dimension 0
      const std::size_t rows = per_chunk / chunk[rank - 1];
      for (std::size_t r = 0; r < rows; ++r) {
        std::size_t rest = r;
        bool inside = true;
        std::size_t src = 0;
        for (std::size_t i = rank - 1; i-- > 0;) {
          at[i] = rest % chunk[i];
          rest /= chunk[i];
          inside = inside && o[i] + at[i] < shape[i];
        }
        if (!inside) continue;
        for (std::size_t i = 0; i < rank; ++i) src = src * shape[i] + o[i] + at[i];
        std::memcpy(raw.data() + r * chunk[rank - 1], values.data() + src, row * sizeof(T));
      }
      packed[b] = shuffle_deflate(reinterpret_cast<const unsigned char*>(raw.data()),
                                  raw.size() * sizeof(T), sizeof(T));
    });
    for (std::size_t b = 0; b < batch; ++b) {
      const auto o = origin(first + b);
      h5(H5Dwrite_chunk(ds, H5P_DEFAULT, 0, o.data(), packed[b].size(), packed[b].data()), object,
         "cannot write a chunk");
    }
  }
}

Handle write_dimension(const Checker& h5, hid_t file, const Dimension& d, int index) {
  const std::string object = "/" + d.name;
  const hsize_t n = d.size();
  Handle space =
      h5.handle(H5Screate_simple(1, &n, nullptr), H5Sclose, object, "cannot make a dataspace");
  Handle dcpl = dataset_properties(h5, object);
  Handle ds;
  auto create = [&](hid_t file_type) {
    ds = h5.handle(H5Dcreate2(file, d.name.c_str(), file_type, space.get(), H5P_DEFAULT, dcpl.get(),
                              H5P_DEFAULT),
                   H5Dclose, object, "cannot create the coordinate dataset");
  };
  auto write = [&](hid_t mem_type, const void* data) {
    if (n > 0)
      h5(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), object,
         "cannot write the coordinates");
  };
  if (const auto* labels = std::get_if<Labels>(&d.coords)) {
    Handle t = utf8_string(h5, object);
    create(t.get());
    std::vector<const char*> ptrs;
    ptrs.reserve(labels->values.size());
    for (const auto& v : labels->values) ptrs.push_back(v.c_str());
    write(t.get(), ptrs.data());
  } else if (const auto* numbers = std::get_if<Numbers>(&d.coords)) {
    create(H5T_IEEE_F64LE);
    write(H5T_NATIVE_DOUBLE, numbers->values.data());
  } else {
    const auto& times = std::get<Times>(d.coords);
    create(H5T_STD_I64LE);
    write(H5T_NATIVE_INT64, times.values.data());
  }
  // The scale's NAME is the dimension's name (h5netcdf takes the dimension's name from the
  // dataset's name; netCDF-C also accepts this NAME).
  h5(H5DSset_scale(ds.get(), d.name.c_str()), object, "cannot make it a dimension scale");
  // netCDF-C's dimension id, so that netCDF tools list the dimensions in the cube's order
  // (h5netcdf hides it).
  const std::int32_t dimid = index;
  put_attr(h5, ds.get(), object, "_Netcdf4Dimid", H5T_STD_I32LE, H5T_NATIVE_INT32, &dimid);
  if (std::holds_alternative<Times>(d.coords)) {
    put_string_attr(h5, ds.get(), object, "calendar", kCalendar);
    put_string_attr(h5, ds.get(), object, "units", kTimeUnits);
  }
  put_attrs(h5, ds.get(), object, d.attrs);
  return ds;
}

void write_variable(const Checker& h5, hid_t file, const Cube& cube, const Variable& v,
                    const std::vector<Handle>& scales) {
  const std::string object = "/" + v.name;
  std::vector<hsize_t> shape;
  std::vector<hid_t> attached;
  for (const auto& name : v.dims) {
    const auto it = std::find_if(cube.dims.begin(), cube.dims.end(),
                                 [&](const Dimension& d) { return d.name == name; });
    shape.push_back(it->size());
    attached.push_back(scales[static_cast<std::size_t>(it - cube.dims.begin())].get());
  }
  const bool f64 = v.type == DType::f64;
  const hid_t file_type = f64 ? H5T_IEEE_F64LE : H5T_STD_I32LE;
  const hid_t mem_type = f64 ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT32;
  const double fill_f64 = std::numeric_limits<double>::quiet_NaN();
  const std::int32_t fill_i32 = kMissingI32;
  const void* fill = f64 ? static_cast<const void*>(&fill_f64) : &fill_i32;
  const void* data = f64 ? static_cast<const void*>(v.f64.data()) : v.i32.data();
  const std::size_t count = f64 ? v.f64.size() : v.i32.size();

  Handle space = h5.handle(
      shape.empty() ? H5Screate(H5S_SCALAR)
                    : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
      H5Sclose, object, "cannot make a dataspace");
  Handle dcpl = dataset_properties(h5, object);
  h5(H5Pset_fill_value(dcpl.get(), mem_type, fill), object, "cannot set the fill value");
  // HDF5 cannot chunk a scalar or a dataset with an empty dimension: those stay contiguous.
  const bool chunked = count > 0 && !shape.empty();
  const auto chunk = chunk_shape(shape, f64 ? sizeof(double) : sizeof(std::int32_t));
  if (chunked) {
    h5(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), object,
       "cannot set the chunk shape");
    h5(H5Pset_shuffle(dcpl.get()), object, "cannot set the shuffle filter");
    h5(H5Pset_deflate(dcpl.get(), kDeflateLevel), object, "cannot set deflate compression");
  }
  Handle ds = h5.handle(H5Dcreate2(file, v.name.c_str(), file_type, space.get(), H5P_DEFAULT,
                                   dcpl.get(), H5P_DEFAULT),
                        H5Dclose, object, "cannot create the variable's dataset");
  if (chunked && f64) {
    write_chunks(h5, ds.get(), object, shape, chunk, v.f64, fill_f64);
  } else if (chunked) {
    write_chunks(h5, ds.get(), object, shape, chunk, v.i32, fill_i32);
  } else if (count > 0) {
    h5(H5Dwrite(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), object,
       "cannot write the values");
  }
  for (std::size_t axis = 0; axis < attached.size(); ++axis)
    h5(H5DSattach_scale(ds.get(), attached[axis], static_cast<unsigned>(axis)), object,
       fmt::format("cannot attach dimension scale {}", v.dims[axis]));
  put_attr(h5, ds.get(), object, "_FillValue", file_type, mem_type, fill);
  put_attrs(h5, ds.get(), object, v.attrs);
}

void write_file(const Cube& cube, const fs::path& temp, const Checker& h5) {
  Handle fcpl = h5.handle(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "/", "cannot make file properties");
  // The root group: no timestamps; links in creation order (netCDF-4 requires it, and read_cube
  // gets the order of dimensions and variables back from it).
  h5(H5Pset_obj_track_times(fcpl.get(), false), "/", "cannot turn timestamps off");
  h5(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "/",
     "cannot track the creation order");
  Handle fapl = h5.handle(H5Pcreate(H5P_FILE_ACCESS), H5Pclose, "/", "cannot make file properties");
  // The HDF5 1.8 file format, whatever the library's version: readable by every netCDF-4 and
  // h5py, and the bytes do not change with the library's defaults.
  h5(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), "/",
     "cannot set the file format version");
  Handle file = h5.handle(H5Fcreate(temp.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose,
                          "/", fmt::format("cannot create the temporary file {}", temp.string()));
  {
    Handle root = h5.handle(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose, "/",
                            "cannot open the root group");
    put_string_attr(h5, root.get(), "/", "format", kFormat);
    put_attr(h5, root.get(), "/", "format_version", H5T_STD_I64LE, H5T_NATIVE_INT64,
             &kFormatVersion);
    put_attrs(h5, root.get(), "/", cube.attrs);
  }
  std::vector<Handle> scales;
  for (std::size_t i = 0; i < cube.dims.size(); ++i)
    scales.push_back(write_dimension(h5, file.get(), cube.dims[i], static_cast<int>(i)));
  for (const auto& v : cube.vars) write_variable(h5, file.get(), cube, v, scales);
  scales.clear();
  h5(file.close(), "/", "cannot close (flush) the file");
}

// What the layout reserves for itself (std::logic_error, like Cube::check).
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

// ---- reading ----

herr_t reclaim(hid_t type, hid_t space, void* buf) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
  return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

herr_t collect_attr_name(hid_t, const char* name, const H5A_info_t*, void* data) {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  } catch (...) {
    return -1;
  }
  return 0;
}

std::vector<std::string> attr_names(const Checker& h5, hid_t obj, const std::string& object) {
  std::vector<std::string> names;
  h5(H5Aiterate2(obj, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_attr_name, &names), object,
     "cannot list the attributes");
  return names;
}

// A scalar string attribute (variable or fixed length); nullopt for any other kind.
std::optional<std::string> get_string_attr(const Checker& h5, hid_t obj, const std::string& object,
                                           const std::string& name) {
  const std::string what = fmt::format("cannot read attribute {}", name);
  Handle a = h5.handle(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, object, what);
  Handle type = h5.handle(H5Aget_type(a.get()), H5Tclose, object, what);
  Handle space = h5.handle(H5Aget_space(a.get()), H5Sclose, object, what);
  if (h5(H5Tget_class(type.get()), object, what) != H5T_STRING ||
      h5(H5Sget_simple_extent_type(space.get()), object, what) != H5S_SCALAR)
    return std::nullopt;
  if (h5(H5Tis_variable_str(type.get()), object, what) > 0) {
    char* p = nullptr;
    h5(H5Aread(a.get(), type.get(), &p), object, what);
    std::string out = p != nullptr ? p : "";
    h5(reclaim(type.get(), space.get(), &p), object, what);
    return out;
  }
  std::string out(H5Tget_size(type.get()), '\0');
  h5(H5Aread(a.get(), type.get(), out.data()), object, what);
  out.resize(std::min(out.size(), out.find('\0')));
  return out;
}

std::optional<std::int64_t> get_int_attr(const Checker& h5, hid_t obj, const std::string& object,
                                         const std::string& name) {
  const std::string what = fmt::format("cannot read attribute {}", name);
  Handle a = h5.handle(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, object, what);
  Handle type = h5.handle(H5Aget_type(a.get()), H5Tclose, object, what);
  Handle space = h5.handle(H5Aget_space(a.get()), H5Sclose, object, what);
  if (h5(H5Tget_class(type.get()), object, what) != H5T_INTEGER ||
      h5(H5Sget_simple_extent_type(space.get()), object, what) != H5S_SCALAR)
    return std::nullopt;
  std::int64_t v = 0;
  h5(H5Aread(a.get(), H5T_NATIVE_INT64, &v), object, what);
  return v;
}

bool has_attr(const Checker& h5, hid_t obj, const std::string& object, const char* name) {
  return h5(H5Aexists(obj, name), object, fmt::format("cannot look for attribute {}", name)) > 0;
}

// The string attributes of an object that `reserved` does not exclude.
template <class Reserved>
std::map<std::string, std::string> get_attrs(const Checker& h5, hid_t obj,
                                             const std::string& object, Reserved reserved) {
  std::map<std::string, std::string> out;
  for (const auto& name : attr_names(h5, obj, object)) {
    if (reserved(name)) continue;
    if (auto v = get_string_attr(h5, obj, object, name)) out.emplace(name, std::move(*v));
  }
  return out;
}

std::vector<hsize_t> extent(const Checker& h5, hid_t ds, const std::string& object) {
  Handle space = h5.handle(H5Dget_space(ds), H5Sclose, object, "cannot read the shape");
  const int rank = h5(H5Sget_simple_extent_ndims(space.get()), object, "cannot read the shape");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  h5(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr), object,
     "cannot read the shape");
  return shape;
}

template <class T>
std::vector<T> read_values(const Checker& h5, hid_t ds, const std::string& object, hid_t mem_type,
                           std::size_t n) {
  std::vector<T> out(n);
  if (n > 0)
    h5(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), object,
       "cannot read the values");
  return out;
}

std::vector<std::string> read_labels(const Checker& h5, hid_t ds, hid_t file_type,
                                     const std::string& object, std::size_t n) {
  // The file's own string type as the memory type: HDF5 does not convert character sets.
  Handle mem = h5.handle(H5Tcopy(file_type), H5Tclose, object, "cannot read the labels");
  Handle space = h5.handle(H5Dget_space(ds), H5Sclose, object, "cannot read the labels");
  std::vector<char*> ptrs(n, nullptr);
  if (n == 0) return {};
  h5(H5Dread(ds, mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), object,
     "cannot read the labels");
  std::vector<std::string> out;
  out.reserve(n);
  for (const char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
  h5(reclaim(mem.get(), space.get(), ptrs.data()), object, "cannot free the labels");
  return out;
}

struct TypeInfo {
  H5T_class_t cls;
  std::size_t size;
  bool is_signed;
  bool vlen_string;
};

TypeInfo type_info(const Checker& h5, hid_t type, const std::string& object) {
  const std::string what = "cannot read the type";
  TypeInfo t{h5(H5Tget_class(type), object, what), H5Tget_size(type), false, false};
  if (t.cls == H5T_INTEGER) t.is_signed = h5(H5Tget_sign(type), object, what) == H5T_SGN_2;
  if (t.cls == H5T_STRING) t.vlen_string = h5(H5Tis_variable_str(type), object, what) > 0;
  return t;
}

Dimension read_dimension(const Checker& h5, hid_t ds, const std::string& name) {
  const std::string object = "/" + name;
  const auto shape = extent(h5, ds, object);
  if (shape.size() != 1) h5.not_a_cube(object, "a dimension scale that is not one-dimensional");
  const std::size_t n = shape[0];
  Handle type = h5.handle(H5Dget_type(ds), H5Tclose, object, "cannot read the type");
  const TypeInfo t = type_info(h5, type.get(), object);
  Dimension d{name, Labels{}, {}};
  if (t.cls == H5T_STRING && t.vlen_string) {
    d.coords = Labels{read_labels(h5, ds, type.get(), object, n)};
  } else if (t.cls == H5T_FLOAT && t.size == 8) {
    d.coords = Numbers{read_values<double>(h5, ds, object, H5T_NATIVE_DOUBLE, n)};
  } else if (t.cls == H5T_INTEGER && t.size == 8 && t.is_signed) {
    const auto units =
        has_attr(h5, ds, object, "units") ? get_string_attr(h5, ds, object, "units") : std::nullopt;
    if (units != kTimeUnits)
      h5.not_a_cube(object,
                    fmt::format("int64 coordinates whose units are not \"{}\"", kTimeUnits));
    d.coords = Times{read_values<std::int64_t>(h5, ds, object, H5T_NATIVE_INT64, n)};
  } else {
    h5.not_a_cube(object,
                  "coordinates that are neither variable-length strings, float64 nor "
                  "int64 times");
  }
  d.attrs = std::holds_alternative<Times>(d.coords)
                ? get_attrs(h5, ds, object, reserved_time_attr)
                : get_attrs(h5, ds, object, reserved_dataset_attr);
  return d;
}

herr_t scale_path(hid_t, unsigned, hid_t scale, void* data) {
  try {
    const ssize_t n = H5Iget_name(scale, nullptr, 0);
    if (n < 0) return -1;
    std::vector<char> buf(static_cast<std::size_t>(n) + 1, '\0');
    if (H5Iget_name(scale, buf.data(), buf.size()) < 0) return -1;
    *static_cast<std::string*>(data) = buf.data();
  } catch (...) {
    return -1;
  }
  return 0;  // go on: like h5netcdf and netCDF-C, the last scale attached to an axis wins
}

Variable read_variable(const Checker& h5, hid_t ds, const std::string& name, const Cube& cube) {
  const std::string object = "/" + name;
  Variable v;
  v.name = name;
  const auto shape = extent(h5, ds, object);
  for (std::size_t axis = 0; axis < shape.size(); ++axis) {
    const auto a = static_cast<unsigned>(axis);
    if (h5(H5DSget_num_scales(ds, a), object, "cannot read its dimension scales") < 1)
      h5.not_a_cube(object, fmt::format("axis {} has no dimension scale attached", axis));
    std::string path;
    h5(H5DSiterate_scales(ds, a, nullptr, scale_path, &path), object,
       "cannot read its dimension scales");
    const std::string dim = path.starts_with('/') ? path.substr(1) : path;
    const auto it = std::find_if(cube.dims.begin(), cube.dims.end(),
                                 [&](const Dimension& d) { return d.name == dim; });
    if (it == cube.dims.end())
      h5.not_a_cube(object, fmt::format("axis {} has dimension scale {}, which is not a "
                                        "dimension of the cube",
                                        axis, path));
    if (it->size() != shape[axis])
      h5.not_a_cube(object, fmt::format("axis {} has {} values but dimension {} has {}", axis,
                                        shape[axis], dim, it->size()));
    v.dims.push_back(dim);
  }
  std::size_t n = 1;
  for (const auto s : shape) n *= s;
  Handle type = h5.handle(H5Dget_type(ds), H5Tclose, object, "cannot read the type");
  const TypeInfo t = type_info(h5, type.get(), object);
  if (t.cls == H5T_FLOAT && t.size == 8) {
    v.type = DType::f64;
    v.f64 = read_values<double>(h5, ds, object, H5T_NATIVE_DOUBLE, n);
  } else if (t.cls == H5T_INTEGER && t.size == 4 && t.is_signed) {
    v.type = DType::i32;
    v.i32 = read_values<std::int32_t>(h5, ds, object, H5T_NATIVE_INT32, n);
  } else {
    h5.not_a_cube(object, "a variable that is neither float64 nor int32");
  }
  v.attrs = get_attrs(h5, ds, object, reserved_dataset_attr);
  return v;
}

std::string link_name(const Checker& h5, hid_t group, H5_index_t index, hsize_t i) {
  const std::string what = "cannot list the datasets";
  const ssize_t n =
      h5(H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT), "/", what);
  std::vector<char> buf(static_cast<std::size_t>(n) + 1, '\0');
  h5(H5Lget_name_by_idx(group, ".", index, H5_ITER_INC, i, buf.data(), buf.size(), H5P_DEFAULT),
     "/", what);
  return buf.data();
}

Cube read_file(const fs::path& path, const Checker& h5) {
  Handle file = h5.handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "/",
                          "cannot open the file");
  Handle root = h5.handle(H5Gopen2(file.get(), "/", H5P_DEFAULT), H5Gclose, "/",
                          "cannot open the root group");
  if (!has_attr(h5, root.get(), "/", "format") ||
      get_string_attr(h5, root.get(), "/", "format") != kFormat)
    throw IoError(
        fmt::format("{}: an HDF5 file, but not a shiftsim result cube (no format "
                    "attribute '{}')",
                    path.string(), kFormat));
  const auto version = has_attr(h5, root.get(), "/", "format_version")
                           ? get_int_attr(h5, root.get(), "/", "format_version")
                           : std::nullopt;
  if (version != kFormatVersion)
    throw IoError(
        fmt::format("{}: result cube format version {} is not supported (this "
                    "shiftsim reads version {})",
                    path.string(), version ? std::to_string(*version) : "(none)", kFormatVersion));
  Cube cube;
  cube.attrs = get_attrs(h5, root.get(), "/", reserved_global_attr);

  // Creation order gives the cube's order of dimensions and variables back.
  Handle gcpl = h5.handle(H5Gget_create_plist(root.get()), H5Pclose, "/",
                          "cannot read the root group's properties");
  unsigned order = 0;
  h5(H5Pget_link_creation_order(gcpl.get(), &order), "/",
     "cannot read the root group's properties");
  const H5_index_t index =
      (order & H5P_CRT_ORDER_INDEXED) != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  H5G_info_t info{};
  h5(H5Gget_info(root.get(), &info), "/", "cannot list the datasets");
  std::vector<std::pair<std::string, Handle>> variables;  // read once all dimensions are known
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    std::string name = link_name(h5, root.get(), index, i);
    const std::string object = "/" + name;
    Handle obj = h5.handle(H5Oopen(root.get(), name.c_str(), H5P_DEFAULT), H5Oclose, object,
                           "cannot open it");
    if (h5(H5Iget_type(obj.get()), object, "cannot open it") != H5I_DATASET)
      h5.not_a_cube(object, "not a dataset");
    if (h5(H5DSis_scale(obj.get()), object, "cannot tell whether it is a dimension scale") > 0)
      cube.dims.push_back(read_dimension(h5, obj.get(), name));
    else
      variables.emplace_back(std::move(name), std::move(obj));
  }
  for (const auto& [name, obj] : variables)
    cube.vars.push_back(read_variable(h5, obj.get(), name, cube));
  return cube;
}

}  // namespace

void write_cube(const Cube& cube, const std::filesystem::path& path, bool overwrite) {
  cube.check();
  check_attr_names(cube);
  std::error_code ec;
  if (!overwrite && fs::exists(path, ec))
    throw IoError(fmt::format("{}: already exists; pass --force to replace it", path.string()));
  const QuietErrors quiet;
  AtomicOutput out(path);
  write_file(cube, out.temp_path(), Checker(path));
  out.commit();
}

Cube read_cube(const std::filesystem::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec))
    throw IoError(
        fmt::format("{}: no such file; result cubes are written by 'shiftsim run'", path.string()));
  if (fs::is_directory(path, ec))
    throw IoError(
        fmt::format("{}: is a directory, expected a result cube (an HDF5 file)", path.string()));
  const QuietErrors quiet;
#if H5_VERSION_GE(1, 12, 0)
  const htri_t hdf5 = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
  const htri_t hdf5 = H5Fis_hdf5(path.c_str());
#endif
  if (hdf5 <= 0)
    throw IoError(fmt::format("{}: not an HDF5 file, so not a result cube", path.string()));
  const Checker h5(path);
  Cube cube = read_file(path, h5);
  try {
    cube.check();
  } catch (const std::logic_error& e) {
    throw IoError(fmt::format("{}: not a consistent result cube: {}", path.string(), e.what()));
  }
  return cube;
}

}  // namespace shiftsim::experiments
