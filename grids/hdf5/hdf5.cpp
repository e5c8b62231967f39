// The HDF5 layer (file.hpp, group.hpp, dataset.hpp, object.hpp): the HDF5 C++ library, and the C
// calls it lacks (object timestamps, link creation order, direct chunk writes, dimension scales,
// file images) behind the same checks. The only file of shiftsim that includes HDF5 headers.
#include <H5Cpp.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <hdf5_hl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>

#include "grids/hdf5/file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::hdf5 {

namespace fs = std::filesystem;

namespace {

// The innermost entry of HDF5's error stack is the most specific ("component not found").
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

[[noreturn]] void fail(const std::string& file, std::string_view object, std::string_view what) {
  const std::string reason = hdf5_reason();
  throw IoError(fmt::format("{}: HDF5 error at {}: {}{}{}", file, object, what,
                            reason.empty() ? "" : ": ", reason));
}

// HDF5 prints its error stack by default; shiftsim's messages say it instead (library code never
// prints). Once per thread (a thread-safe HDF5 keeps an error stack per thread), before the
// thread's first call: every way into a file passes here.
void quiet() {
  thread_local const bool once = [] {
    H5::Exception::dontPrint();
    return true;
  }();
  (void)once;
}

// A negative value (of an integer or of an enumeration) is HDF5's failure.
template <class T>
T check(T result, const std::string& file, std::string_view object, std::string_view what) {
  if constexpr (std::is_enum_v<T>) {
    if (static_cast<std::underlying_type_t<T>>(result) < 0) fail(file, object, what);
  } else {
    if (result < 0) fail(file, object, what);
  }
  return result;
}

// Runs a call of the C++ library; its exception becomes the IoError.
template <class Fn>
auto guard(const std::string& file, std::string_view object, std::string_view what, Fn&& fn)
    -> decltype(fn()) {
  try {
    return fn();
  } catch (const H5::Exception&) {
    fail(file, object, what);
  }
}

H5::StrType utf8_string() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent == "/" ? "/" + name : parent + "/" + name;
}

herr_t reclaim(hid_t type, hid_t space, void* buf) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Treclaim(type, space, H5P_DEFAULT, buf);
#else
  return H5Dvlen_reclaim(type, space, H5P_DEFAULT, buf);
#endif
}

}  // namespace

namespace detail {

struct Node {
  std::string file;                       // as messages name it
  std::string path;                       // in the file
  std::unique_ptr<H5::Group> group_;      // a group, or
  std::unique_ptr<H5::DataSet> dataset_;  // a dataset
  H5::H5Object& object() const {
    return group_ ? static_cast<H5::H5Object&>(*group_) : static_cast<H5::H5Object&>(*dataset_);
  }
  hid_t id() const { return object().getId(); }
  H5::Group& group() const { return *group_; }
  H5::DataSet& dataset() const { return *dataset_; }
};

// The bytes of a file built in memory. The core driver allocates the image through these
// callbacks, so that the image is still there once HDF5 has closed the file and written its last
// metadata (H5Fget_file_image, taken before the close, has a stale superblock checksum in 1.10).
struct Image {
  void* mem = nullptr;
  std::size_t capacity = 0;
  std::vector<unsigned char> closed;  // the image as the file's close left it

  static void* allocate(std::size_t n, H5FD_file_image_op_t, void* self) {
    return static_cast<Image*>(self)->resize(nullptr, n);
  }
  static void* copy(void* dest, const void* src, std::size_t n, H5FD_file_image_op_t, void*) {
    return std::memcpy(dest, src, n);
  }
  static void* reallocate(void* p, std::size_t n, H5FD_file_image_op_t, void* self) {
    return static_cast<Image*>(self)->resize(p, n);
  }
  static herr_t release(void* p, H5FD_file_image_op_t op, void* self) {
    auto* image = static_cast<Image*>(self);
    if (p != nullptr && p == image->mem) {
      if (op == H5FD_FILE_IMAGE_OP_FILE_CLOSE) {
        try {
          const auto* bytes = static_cast<const unsigned char*>(p);
          image->closed.assign(bytes, bytes + image->capacity);
        } catch (...) {
          std::free(p);
          image->mem = nullptr;
          return -1;
        }
      }
      image->mem = nullptr;
    }
    std::free(p);
    return 0;
  }
  static void* same(void* self) { return self; }  // the property list's copies share the image
  static herr_t keep(void*) { return 0; }

  void* resize(void* p, std::size_t n) {
    void* q = std::realloc(p, n);
    if (q != nullptr) {
      mem = q;
      capacity = n;
    }
    return q;
  }
};

struct FileState {
  std::string name;
  std::unique_ptr<Image> image;  // created files only
  std::unique_ptr<H5::H5File> file;
  int disk_fd = -1;  // a file appended on disk: holds the reservation until close()
};

}  // namespace detail

namespace {

// The length of the file as its superblock records it (the end-of-file address): the core
// driver's buffer grows in steps and is not cut back at close, where the disk driver truncates
// the file to that address.
std::size_t end_of_file(const std::vector<unsigned char>& image, const std::string& name) {
  constexpr unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  std::size_t at = 0;  // offset of the end-of-file address
  if (image.size() >= 48 && std::memcmp(image.data(), kSignature, 8) == 0) {
    switch (image[8]) {  // superblock version
      case 0:
        at = image[13] == 8 ? 40 : 0;
        break;
      case 1:
        at = image[13] == 8 ? 44 : 0;
        break;
      case 2:
      case 3:
        at = image[9] == 8 ? 28 : 0;
        break;
      default:
        break;
    }
  }
  std::uint64_t eof = 0;
  if (at != 0) {
    for (std::size_t i = 8; i-- > 0;) eof = eof << 8 | image[at + i];
  }
  if (at == 0 || eof == 0 || eof > image.size())
    throw InternalError(fmt::format("{}: HDF5 left a file image shiftsim cannot measure", name));
  return static_cast<std::size_t>(eof);
}

void write_bytes(const fs::path& path, const unsigned char* data, std::size_t n,
                 const std::string& name) {
  auto failed = [&](const char* what) {
    return IoError(
        fmt::format("{}: cannot {} {}: {}", name, what, path.string(), std::strerror(errno)));
  };
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw failed("create");
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = EIO;
      const IoError e = failed("write");
      ::close(fd);
      throw e;
    }
    data += w;
    n -= static_cast<std::size_t>(w);
  }
  if (::close(fd) != 0) throw failed("write");
}

std::unique_ptr<detail::Node> node(const std::string& file, std::string path,
                                   std::unique_ptr<H5::Group> group) {
  return std::unique_ptr<detail::Node>(
      new detail::Node{file, std::move(path), std::move(group), nullptr});
}
std::unique_ptr<detail::Node> node(const std::string& file, std::string path,
                                   std::unique_ptr<H5::DataSet> dataset) {
  return std::unique_ptr<detail::Node>(
      new detail::Node{file, std::move(path), nullptr, std::move(dataset)});
}

}  // namespace

// ---- Object ----

Object::Object(std::unique_ptr<detail::Node> node) : node_(std::move(node)) {}
Object::Object(Object&&) noexcept = default;
Object& Object::operator=(Object&&) noexcept = default;
Object::~Object() = default;

const std::string& Object::path() const { return node_->path; }
const std::string& Object::file_name() const { return node_->file; }

namespace {

void put_scalar(detail::Node& n, const std::string& name, const H5::DataType& file_type,
                const H5::DataType& mem_type, const void* value) {
  guard(n.file, n.path, fmt::format("cannot write attribute {}", name), [&] {
    H5::Attribute a = n.object().createAttribute(name, file_type, H5::DataSpace(H5S_SCALAR));
    a.write(mem_type, value);
  });
}

}  // namespace

void Object::put_string(const std::string& name, const std::string& value) {
  const H5::StrType type = utf8_string();
  const char* p = value.c_str();
  put_scalar(*node_, name, type, type, &p);
}

void Object::put_strings(const std::string& name, const std::vector<std::string>& values) {
  guard(node_->file, node_->path, fmt::format("cannot write attribute {}", name), [&] {
    const H5::StrType type = utf8_string();
    const hsize_t n = values.size();
    const H5::DataSpace space = n == 0 ? H5::DataSpace(H5S_NULL) : H5::DataSpace(1, &n);
    H5::Attribute a = node_->object().createAttribute(name, type, space);
    if (n == 0) return;
    std::vector<const char*> ptrs;
    ptrs.reserve(values.size());
    for (const auto& v : values) ptrs.push_back(v.c_str());
    a.write(type, ptrs.data());
  });
}

void Object::put_int64(const std::string& name, std::int64_t value) {
  put_scalar(*node_, name, H5::PredType::STD_I64LE, H5::PredType::NATIVE_INT64, &value);
}

void Object::put_int32(const std::string& name, std::int32_t value) {
  put_scalar(*node_, name, H5::PredType::STD_I32LE, H5::PredType::NATIVE_INT32, &value);
}

void Object::put_float64(const std::string& name, double value) {
  put_scalar(*node_, name, H5::PredType::IEEE_F64LE, H5::PredType::NATIVE_DOUBLE, &value);
}

bool Object::has_attribute(const std::string& name) const {
  return guard(node_->file, node_->path, fmt::format("cannot look for attribute {}", name),
               [&] { return node_->object().attrExists(name); });
}

namespace {

herr_t collect_name(hid_t, const char* name, const H5A_info_t*, void* data) {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  } catch (...) {
    return -1;
  }
  return 0;
}

}  // namespace

std::vector<std::string> Object::attribute_names() const {
  std::vector<std::string> names;
  check(H5Aiterate2(node_->id(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name, &names),
        node_->file, node_->path, "cannot list the attributes");
  return names;
}

std::optional<std::string> Object::find_string(const std::string& name) const {
  if (!has_attribute(name)) return std::nullopt;
  return guard(
      node_->file, node_->path, fmt::format("cannot read attribute {}", name),
      [&]() -> std::optional<std::string> {
        H5::Attribute a = node_->object().openAttribute(name);
        if (a.getTypeClass() != H5T_STRING || a.getSpace().getSimpleExtentType() != H5S_SCALAR)
          return std::nullopt;
        // The file's own string type in memory: HDF5 does not convert character sets.
        const H5::StrType type = a.getStrType();
        std::string out;
        a.read(type, out);
        return out;
      });
}

std::optional<std::int64_t> Object::find_int(const std::string& name) const {
  if (!has_attribute(name)) return std::nullopt;
  return guard(
      node_->file, node_->path, fmt::format("cannot read attribute {}", name),
      [&]() -> std::optional<std::int64_t> {
        H5::Attribute a = node_->object().openAttribute(name);
        if (a.getTypeClass() != H5T_INTEGER || a.getSpace().getSimpleExtentType() != H5S_SCALAR)
          return std::nullopt;
        std::int64_t v = 0;
        a.read(H5::PredType::NATIVE_INT64, &v);
        return v;
      });
}

std::string Object::get_string(const std::string& name) const {
  auto v = find_string(name);
  if (!v)
    throw IoError(
        fmt::format("{}: HDF5 error at {}: no text attribute {}", node_->file, node_->path, name));
  return std::move(*v);
}

std::int64_t Object::get_int(const std::string& name) const {
  const auto v = find_int(name);
  if (!v)
    throw IoError(fmt::format("{}: HDF5 error at {}: no integer attribute {}", node_->file,
                              node_->path, name));
  return *v;
}

std::vector<std::string> Object::get_strings(const std::string& name) const {
  return guard(node_->file, node_->path, fmt::format("cannot read attribute {}", name), [&] {
    H5::Attribute a = node_->object().openAttribute(name);
    const H5::DataSpace space = a.getSpace();
    if (space.getSimpleExtentType() == H5S_NULL) return std::vector<std::string>{};
    const auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
    const H5::StrType type = utf8_string();
    std::vector<char*> ptrs(n, nullptr);
    a.read(type, ptrs.data());
    std::vector<std::string> out;
    out.reserve(n);
    for (const char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
    check(reclaim(type.getId(), space.getId(), ptrs.data()), node_->file, node_->path,
          "cannot free the attribute's text");
    return out;
  });
}

// ---- Group ----

Group Group::create_group(const std::string& name) {
  const std::string path = child_path(node_->path, name);
  // The C++ library of HDF5 1.10 cannot pass a group-creation list (for the timestamps).
  const hid_t gcpl = check(H5Pcreate(H5P_GROUP_CREATE), node_->file, path, "cannot create it");
  const herr_t untimed = H5Pset_obj_track_times(gcpl, false);
  const hid_t id = untimed < 0
                       ? H5I_INVALID_HID
                       : H5Gcreate2(node_->id(), name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  check(id, node_->file, path, "cannot create the group");
  auto g = std::make_unique<H5::Group>(id);  // takes its own reference
  H5Gclose(id);
  return Group(node(node_->file, path, std::move(g)));
}

Group Group::open_group(const std::string& name) const {
  const std::string path = child_path(node_->path, name);
  return Group(node(node_->file, path, guard(node_->file, path, "cannot open the group", [&] {
                      return std::make_unique<H5::Group>(node_->group().openGroup(name));
                    })));
}

namespace {

H5::DataType file_type(Element e) {
  switch (e) {
    case Element::f64:
      return H5::PredType::IEEE_F64LE;
    case Element::i32:
      return H5::PredType::STD_I32LE;
    case Element::i64:
      return H5::PredType::STD_I64LE;
    case Element::u8:
      return H5::PredType::STD_U8LE;
    case Element::utf8:
      return utf8_string();
  }
  return H5::PredType::IEEE_F64LE;
}

}  // namespace

Dataset Group::create_dataset(const std::string& name, const DatasetSpec& spec) {
  const std::string path = child_path(node_->path, name);
  const std::string& file = node_->file;
  H5::DSetCreatPropList dcpl;
  check(H5Pset_obj_track_times(dcpl.getId(), false), file, path, "cannot turn timestamps off");
  guard(file, path, "cannot set the dataset's properties", [&] {
    if (const auto* f = std::get_if<double>(&spec.fill))
      dcpl.setFillValue(H5::PredType::NATIVE_DOUBLE, f);
    else if (const auto* i = std::get_if<std::int32_t>(&spec.fill))
      dcpl.setFillValue(H5::PredType::NATIVE_INT32, i);
    if (!spec.chunk.empty()) {
      const std::vector<hsize_t> chunk(spec.chunk.begin(), spec.chunk.end());
      dcpl.setChunk(static_cast<int>(chunk.size()), chunk.data());
    }
    if (spec.shuffle) dcpl.setShuffle();
    if (spec.deflate >= 0) dcpl.setDeflate(spec.deflate);
  });
  return Dataset(node(file, path, guard(file, path, "cannot create the dataset", [&] {
                        const std::vector<hsize_t> shape(spec.shape.begin(), spec.shape.end());
                        const H5::DataSpace space =
                            shape.empty()
                                ? H5::DataSpace(H5S_SCALAR)
                                : H5::DataSpace(static_cast<int>(shape.size()), shape.data());
                        return std::make_unique<H5::DataSet>(node_->group().createDataSet(
                            name, file_type(spec.element), space, dcpl));
                      })));
}

Dataset Group::open_dataset(const std::string& name) const {
  const std::string path = child_path(node_->path, name);
  return Dataset(node(node_->file, path, guard(node_->file, path, "cannot open the dataset", [&] {
                        return std::make_unique<H5::DataSet>(node_->group().openDataSet(name));
                      })));
}

bool Group::contains(const std::string& name) const {
  return guard(node_->file, child_path(node_->path, name), "cannot look for it",
               [&] { return node_->group().nameExists(name); });
}

bool Group::holds_dataset(const std::string& name) const {
  const std::string path = child_path(node_->path, name);
  if (!contains(name)) return false;
  H5O_info_t info{};
  check(H5Oget_info_by_name(node_->id(), name.c_str(), &info, H5P_DEFAULT), node_->file, path,
        "cannot open it");
  return info.type == H5O_TYPE_DATASET;
}

std::vector<std::string> Group::children() const {
  const std::string& file = node_->file;
  const std::string what = "cannot list its members";
  const hid_t gcpl = check(H5Gget_create_plist(node_->id()), file, node_->path, what);
  unsigned order = 0;
  const herr_t got = H5Pget_link_creation_order(gcpl, &order);
  H5Pclose(gcpl);
  check(got, file, node_->path, what);
  const H5_index_t index =
      (order & H5P_CRT_ORDER_INDEXED) != 0 ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME;
  H5G_info_t info{};
  check(H5Gget_info(node_->id(), &info), file, node_->path, what);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        check(H5Lget_name_by_idx(node_->id(), ".", index, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT),
              file, node_->path, what);
    std::vector<char> buf(static_cast<std::size_t>(n) + 1, '\0');
    check(H5Lget_name_by_idx(node_->id(), ".", index, H5_ITER_INC, i, buf.data(), buf.size(),
                             H5P_DEFAULT),
          file, node_->path, what);
    names.emplace_back(buf.data());
  }
  return names;
}

// ---- Dataset ----

std::vector<std::uint64_t> Dataset::shape() const {
  return guard(node_->file, node_->path, "cannot read the shape", [&] {
    const H5::DataSpace space = node_->dataset().getSpace();
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!dims.empty()) space.getSimpleExtentDims(dims.data());
    return std::vector<std::uint64_t>(dims.begin(), dims.end());
  });
}

std::uint64_t Dataset::size() const {
  std::uint64_t n = 1;
  for (const auto s : shape()) n *= s;
  return n;
}

std::vector<std::uint64_t> Dataset::chunk() const {
  return guard(node_->file, node_->path, "cannot read the chunk shape", [&] {
    const H5::DSetCreatPropList dcpl = node_->dataset().getCreatePlist();
    if (dcpl.getLayout() != H5D_CHUNKED) return std::vector<std::uint64_t>{};
    const H5::DataSpace space = node_->dataset().getSpace();
    std::vector<hsize_t> dims(static_cast<std::size_t>(space.getSimpleExtentNdims()));
    if (!dims.empty()) dcpl.getChunk(static_cast<int>(dims.size()), dims.data());
    return std::vector<std::uint64_t>(dims.begin(), dims.end());
  });
}

std::optional<Element> Dataset::element() const {
  return guard(node_->file, node_->path, "cannot read the type", [&]() -> std::optional<Element> {
    const H5::DataType type = node_->dataset().getDataType();
    const std::size_t size = type.getSize();
    switch (type.getClass()) {
      case H5T_FLOAT:
        if (size == 8) return Element::f64;
        break;
      case H5T_INTEGER: {
        const bool is_signed = node_->dataset().getIntType().getSign() == H5T_SGN_2;
        if (is_signed && size == 4) return Element::i32;
        if (is_signed && size == 8) return Element::i64;
        if (!is_signed && size == 1) return Element::u8;
        break;
      }
      case H5T_STRING:
        if (node_->dataset().getStrType().isVariableStr()) return Element::utf8;
        break;
      default:
        break;
    }
    return std::nullopt;
  });
}

namespace {

template <class T>
void write_all(detail::Node& n, std::span<const T> values, const H5::PredType& mem_type) {
  if (values.empty()) return;
  guard(n.file, n.path, "cannot write the values",
        [&] { n.dataset().write(values.data(), mem_type); });
}

template <class T>
std::vector<T> read_all(const Dataset& d, detail::Node& n, const H5::PredType& mem_type) {
  std::vector<T> out(static_cast<std::size_t>(d.size()));
  if (!out.empty())
    guard(n.file, n.path, "cannot read the values",
          [&] { n.dataset().read(out.data(), mem_type); });
  return out;
}

}  // namespace

void Dataset::write(std::span<const double> v) {
  write_all(*node_, v, H5::PredType::NATIVE_DOUBLE);
}
void Dataset::write(std::span<const std::int32_t> v) {
  write_all(*node_, v, H5::PredType::NATIVE_INT32);
}
void Dataset::write(std::span<const std::int64_t> v) {
  write_all(*node_, v, H5::PredType::NATIVE_INT64);
}
void Dataset::write(std::span<const std::uint8_t> v) {
  write_all(*node_, v, H5::PredType::NATIVE_UINT8);
}

void Dataset::write(const std::vector<std::string>& values) {
  if (values.empty()) return;
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v.c_str());
  guard(node_->file, node_->path, "cannot write the values",
        [&] { node_->dataset().write(ptrs.data(), utf8_string()); });
}

void Dataset::write_chunk(const std::vector<std::uint64_t>& origin,
                          std::span<const unsigned char> bytes) {
  const std::vector<hsize_t> at(origin.begin(), origin.end());
  check(H5Dwrite_chunk(node_->id(), H5P_DEFAULT, 0, at.data(), bytes.size(), bytes.data()),
        node_->file, node_->path, "cannot write a chunk");
}

std::vector<double> Dataset::read_f64() const {
  return read_all<double>(*this, *node_, H5::PredType::NATIVE_DOUBLE);
}
std::vector<std::int32_t> Dataset::read_i32() const {
  return read_all<std::int32_t>(*this, *node_, H5::PredType::NATIVE_INT32);
}
std::vector<std::int64_t> Dataset::read_i64() const {
  return read_all<std::int64_t>(*this, *node_, H5::PredType::NATIVE_INT64);
}
std::vector<std::uint8_t> Dataset::read_u8() const {
  return read_all<std::uint8_t>(*this, *node_, H5::PredType::NATIVE_UINT8);
}

std::vector<std::string> Dataset::read_strings() const {
  const std::size_t n = static_cast<std::size_t>(size());
  if (n == 0) return {};
  return guard(node_->file, node_->path, "cannot read the labels", [&] {
    // The file's own string type in memory: HDF5 does not convert character sets.
    const H5::StrType type = node_->dataset().getStrType();
    const H5::DataSpace space = node_->dataset().getSpace();
    std::vector<char*> ptrs(n, nullptr);
    node_->dataset().read(ptrs.data(), type);
    std::vector<std::string> out;
    out.reserve(n);
    for (const char* p : ptrs) out.emplace_back(p != nullptr ? p : "");
    check(reclaim(type.getId(), space.getId(), ptrs.data()), node_->file, node_->path,
          "cannot free the labels");
    return out;
  });
}

void Dataset::make_scale(const std::string& name) {
  check(H5DSset_scale(node_->id(), name.c_str()), node_->file, node_->path,
        "cannot make it a dimension scale");
}

bool Dataset::is_scale() const {
  return check(H5DSis_scale(node_->id()), node_->file, node_->path,
               "cannot tell whether it is a dimension scale") > 0;
}

void Dataset::attach_scale(const Dataset& scale, unsigned axis) {
  check(H5DSattach_scale(node_->id(), scale.node_->id(), axis), node_->file, node_->path,
        fmt::format("cannot attach dimension scale {}", scale.path()));
}

unsigned Dataset::scale_count(unsigned axis) const {
  return static_cast<unsigned>(check(H5DSget_num_scales(node_->id(), axis), node_->file,
                                     node_->path, "cannot read its dimension scales"));
}

namespace {

herr_t scale_name(hid_t, unsigned, hid_t scale, void* data) {
  try {
    const ssize_t n = H5Iget_name(scale, nullptr, 0);
    if (n < 0) return -1;
    std::vector<char> buf(static_cast<std::size_t>(n) + 1, '\0');
    if (H5Iget_name(scale, buf.data(), buf.size()) < 0) return -1;
    *static_cast<std::string*>(data) = buf.data();
  } catch (...) {
    return -1;
  }
  return 0;  // go on: the last scale attached wins
}

}  // namespace

std::string Dataset::scale_path(unsigned axis) const {
  std::string path;
  check(H5DSiterate_scales(node_->id(), axis, nullptr, scale_name, &path), node_->file, node_->path,
        "cannot read its dimension scales");
  return path;
}

// ---- File ----

File::File(std::unique_ptr<detail::FileState> state) : state_(std::move(state)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;

File::~File() {
  if (!state_) return;
  try {
    if (state_->file) state_->file->close();  // strong: closes the file's objects still open too
  } catch (const H5::Exception&) {
    // Unreachable for a file in memory (nothing to write to); a read-only file has nothing to
    // flush; a file appended on disk writes within its reservation. Either way the error was the
    // caller's to see, and it already has one.
  }
  if (state_->disk_fd >= 0) ::close(state_->disk_fd);
}

File File::create(const fs::path& name, const Options& options) {
  quiet();
  auto state = std::make_unique<detail::FileState>();
  state->name = name.string();
  state->image = std::make_unique<detail::Image>();
  const std::string& file = state->name;
  H5::FileCreatPropList fcpl;
  if (options.untimed_root)
    check(H5Pset_obj_track_times(fcpl.getId(), false), file, "/", "cannot turn timestamps off");
  if (options.link_order)
    check(H5Pset_link_creation_order(fcpl.getId(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
          file, "/", "cannot track the creation order");
  H5::FileAccPropList fapl;
  guard(file, "/", "cannot make file properties", [&] {
    if (options.hdf5_1_8_format) fapl.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    fapl.setFcloseDegree(H5F_CLOSE_STRONG);
    fapl.setCore(std::size_t{1} << 20, false);  // in memory, in steps of 1 MiB
  });
  H5FD_file_image_callbacks_t callbacks{detail::Image::allocate,   detail::Image::copy,
                                        detail::Image::reallocate, detail::Image::release,
                                        detail::Image::same,       detail::Image::keep,
                                        state->image.get()};
  check(H5Pset_file_image_callbacks(fapl.getId(), &callbacks), file, "/",
        "cannot make file properties");
  // HDF5 first opens an existing file of the name it is given to see whether it has it open
  // already, and the core driver does so by reading all of it into memory: a run writing over a
  // 330 MB cube spent 3 s there. So HDF5 gets a name that no file has.
  std::string image_name = file;
  std::error_code ec;
  for (int i = 0; fs::exists(image_name, ec); ++i)
    image_name = fmt::format("{}.in-memory-{}", file, i);
  guard(file, "/", "cannot create the file",
        [&] { state->file = std::make_unique<H5::H5File>(image_name, H5F_ACC_TRUNC, fcpl, fapl); });
  return File(std::move(state));
}

namespace {
// HDF5 opens whatever it is given: a FIFO blocks its open forever, a device is read as if a file.
// Only regular files are HDF5 files here (symlinks followed).
bool is_regular(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}
}  // namespace

File File::open_read_only(const fs::path& path) {
  quiet();
  if (!is_regular(path))
    throw IoError(
        fmt::format("{}: is not a regular file (a folder, device or FIFO); give the path "
                    "of an HDF5 file",
                    path.string()));
  auto state = std::make_unique<detail::FileState>();
  state->name = path.string();
  guard(state->name, "/", "cannot open the file", [&] {
    H5::FileAccPropList fapl;
    fapl.setFcloseDegree(H5F_CLOSE_STRONG);
    state->file = std::make_unique<H5::H5File>(state->name, H5F_ACC_RDONLY,
                                               H5::FileCreatPropList::DEFAULT, fapl);
  });
  return File(std::move(state));
}

bool File::is_hdf5(const fs::path& path) {
  quiet();
  if (!is_regular(path)) return false;
  try {
    return H5::H5File::isHdf5(path.string());
  } catch (const H5::Exception&) {
    return false;
  }
}

Group File::root() const {
  return Group(node(state_->name, "/", guard(state_->name, "/", "cannot open the root group", [&] {
                      return std::make_unique<H5::Group>(state_->file->openGroup("/"));
                    })));
}

namespace {

[[noreturn]] void refuse_reserve(const std::string& name, const fs::path& path, int error,
                                 std::uint64_t need, const std::string& why) {
  throw IoError(
      fmt::format("{}: cannot write {}: {} (it needs {} MB more{}); free some space or "
                  "write it elsewhere",
                  name, path.string(), std::strerror(error), (need + 999'999) / 1'000'000, why));
}

// Reserves `more` bytes beyond the end of the file open at `fd` without changing its size, so that
// the writes HDF5 makes there cannot meet a full disk. Where the file system cannot reserve, the
// free space is checked instead.
void reserve(int fd, const std::string& name, const fs::path& path, std::uint64_t more) {
  rlimit limit{};
  struct stat st {};
  if (::fstat(fd, &st) != 0) refuse_reserve(name, path, errno, more, "");
  const std::uint64_t end = static_cast<std::uint64_t>(st.st_size) + more;
  if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      end > limit.rlim_cur)
    refuse_reserve(name, path, EFBIG, more,
                   fmt::format("; this process may write files of at most {} bytes (ulimit -f)",
                               limit.rlim_cur));
  if (::fallocate(fd, FALLOC_FL_KEEP_SIZE, st.st_size, static_cast<off_t>(more)) == 0) return;
  const int error = errno;
  if (error != EOPNOTSUPP && error != ENOSYS) refuse_reserve(name, path, error, more, "");
  struct statvfs fsinfo {};
  if (::fstatvfs(fd, &fsinfo) == 0 &&
      static_cast<std::uint64_t>(fsinfo.f_bavail) * fsinfo.f_frsize < more)
    refuse_reserve(name, path, ENOSPC, more, "");
}

}  // namespace

File File::append_on_disk(const fs::path& path, const fs::path& name, const Options& options,
                          std::uint64_t more) {
  quiet();
  auto state = std::make_unique<detail::FileState>();
  state->name = name.string();
  state->disk_fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (state->disk_fd < 0)
    throw IoError(
        fmt::format("{}: cannot open {}: {}", state->name, path.string(), std::strerror(errno)));
  reserve(state->disk_fd, state->name, path, more);
  guard(state->name, "/", "cannot open the file", [&] {
    H5::FileAccPropList fapl;
    if (options.hdf5_1_8_format) fapl.setLibverBounds(H5F_LIBVER_V18, H5F_LIBVER_V18);
    fapl.setFcloseDegree(H5F_CLOSE_STRONG);
    state->file = std::make_unique<H5::H5File>(path.string(), H5F_ACC_RDWR,
                                               H5::FileCreatPropList::DEFAULT, fapl);
  });
  return File(std::move(state));
}

void File::close() {
  if (!state_ || state_->disk_fd < 0)
    throw InternalError("only a file appended on disk can be closed so");
  auto state = std::move(state_);
  guard(state->name, "/", "cannot finish the file", [&] { state->file->close(); });
  state->file.reset();
  // Truncating to its own size gives back the reserved blocks beyond the end.
  struct stat st {};
  if (::fstat(state->disk_fd, &st) == 0) (void)::ftruncate(state->disk_fd, st.st_size);
  const int fd = std::exchange(state->disk_fd, -1);
  if (::close(fd) != 0)
    throw IoError(fmt::format("{}: cannot finish the file: {}", state->name, std::strerror(errno)));
}

void File::save(const fs::path& path) {
  if (!state_ || !state_->image)
    throw InternalError(fmt::format("{}: only a created file can be saved", path.string()));
  auto state = std::move(state_);
  guard(state->name, "/", "cannot close the file", [&] { state->file->close(); });
  const auto& image = state->image->closed;
  write_bytes(path, image.data(), end_of_file(image, state->name), state->name);
}

}  // namespace shiftsim::hdf5
