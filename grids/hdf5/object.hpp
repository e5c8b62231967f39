#pragma once
// An HDF5 object (a group or a dataset) and its attributes.
//
// Every call is checked: a failure throws IoError naming the file, the object's path in it and
// what was being done, with HDF5's innermost reason. Attributes are scalars (text, int64, int32,
// float64) or one-dimensional text arrays; text is variable-length UTF-8 in the file and in memory
// (h5py reads it as str).
//
// Thread-safety: one thread at a time per file (HDF5 serialises its own calls; the objects of a
// file share its state). Move-only: an object owns its HDF5 identifier.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace shiftsim::hdf5 {

namespace detail {
struct Node;  // the HDF5 object and where it is, for messages (hdf5.cpp)
}  // namespace detail

class Object {
 public:
  Object(Object&&) noexcept;
  Object& operator=(Object&&) noexcept;
  ~Object();

  // The object's path in the file ("/", "/series/GB"), as messages name it.
  const std::string& path() const;

  // Attributes, created once each (an existing name is an IoError).
  void put_string(const std::string& name, const std::string& value);
  // A one-dimensional text array; none is an attribute with a null dataspace.
  void put_strings(const std::string& name, const std::vector<std::string>& values);
  void put_int64(const std::string& name, std::int64_t value);  // stored as int64 little-endian
  void put_int32(const std::string& name, std::int32_t value);  // stored as int32 little-endian
  void put_float64(const std::string& name, double value);      // stored as IEEE float64 LE

  bool has_attribute(const std::string& name) const;
  // All attribute names, in name order.
  std::vector<std::string> attribute_names() const;
  // A scalar text attribute (variable or fixed length; fixed-length text stops at its first NUL);
  // nullopt when there is none of that name or it is of another kind.
  std::optional<std::string> find_string(const std::string& name) const;
  // A scalar integer attribute, converted to int64; nullopt as above.
  std::optional<std::int64_t> find_int(const std::string& name) const;
  // The same, an IoError when missing or of another kind.
  std::string get_string(const std::string& name) const;
  std::int64_t get_int(const std::string& name) const;
  // A text array written by put_strings (a null dataspace gives none).
  std::vector<std::string> get_strings(const std::string& name) const;

  // What messages call the object's file (for the caller's own errors about its content).
  const std::string& file_name() const;

 protected:
  explicit Object(std::unique_ptr<detail::Node> node);
  std::unique_ptr<detail::Node> node_;
  friend class Group;
  friend class Dataset;
};

}  // namespace shiftsim::hdf5
