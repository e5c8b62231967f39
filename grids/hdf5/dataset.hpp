#pragma once
// A dataset: an n-dimensional array of one element type, with its creation properties
// (chunks, filters, fill value) and, for netCDF-4 layouts, dimension scales.
//
// Created without HDF5 object timestamps (they would make the same content give other bytes).
// Values are exchanged in row-major order in the machine's native types; files store
// little-endian types whatever the machine. Every call is checked (IoError naming the file and
// the dataset). Thread-safety: as Object.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "grids/hdf5/object.hpp"

namespace shiftsim::hdf5 {

// Element types shiftsim stores. utf8: variable-length UTF-8 text.
enum class Element : std::uint8_t { f64, i32, i64, u8, utf8 };

struct DatasetSpec {
  Element element = Element::f64;
  std::vector<std::uint64_t> shape;  // empty: a scalar
  std::vector<std::uint64_t> chunk;  // empty: contiguous; else one extent per axis
  bool shuffle = false;              // the shuffle filter (before deflate)
  int deflate = -1;                  // zlib level 0-9, or -1 for none
  // The HDF5 fill value (of unwritten elements and of partly written chunks); none: HDF5's.
  std::variant<std::monostate, double, std::int32_t> fill;
};

class Dataset : public Object {
 public:
  std::vector<std::uint64_t> shape() const;
  std::uint64_t size() const;  // elements, 1 for a scalar
  // The element type, or nullopt for a type shiftsim does not store (any other class or size).
  std::optional<Element> element() const;
  // The chunk shape, one extent per axis; empty for a contiguous dataset.
  std::vector<std::uint64_t> chunk() const;

  // Writes all elements (none: nothing is written). values.size() must be size().
  void write(std::span<const double> values);
  void write(std::span<const std::int32_t> values);
  void write(std::span<const std::int64_t> values);
  void write(std::span<const std::uint8_t> values);
  void write(const std::vector<std::string>& values);
  // Hands one chunk, already filtered (bytes as the dataset's filters make them), to the file
  // at `origin` (element offsets, a multiple of the chunk shape): HDF5 stores it untouched.
  void write_chunk(const std::vector<std::uint64_t>& origin, std::span<const unsigned char> bytes);

  // Reads all elements, converted to the native type asked for.
  std::vector<double> read_f64() const;
  std::vector<std::int32_t> read_i32() const;
  std::vector<std::int64_t> read_i64() const;
  std::vector<std::uint8_t> read_u8() const;
  std::vector<std::string> read_strings() const;  // variable-length text only

  // Dimension scales (the HDF5 high-level API, as netCDF-4 uses them).
  void make_scale(const std::string& name);
  bool is_scale() const;
  void attach_scale(const Dataset& scale, unsigned axis);
  unsigned scale_count(unsigned axis) const;
  // The path of the scale attached last to `axis` (netCDF-C and h5netcdf take that one).
  std::string scale_path(unsigned axis) const;

 private:
  using Object::Object;
  friend class Group;
};

}  // namespace shiftsim::hdf5
