#pragma once
// A group: named links to groups and datasets.
//
// Groups and datasets created here have HDF5 object timestamps off, so that the same content
// gives the same bytes. Every call is checked (IoError naming the file and the object).
// Thread-safety: as Object.
#include <string>
#include <vector>

#include "grids/hdf5/dataset.hpp"
#include "grids/hdf5/object.hpp"

namespace shiftsim::hdf5 {

class Group : public Object {
 public:
  Group create_group(const std::string& name);
  Group open_group(const std::string& name) const;
  Dataset create_dataset(const std::string& name, const DatasetSpec& spec);
  Dataset open_dataset(const std::string& name) const;
  bool contains(const std::string& name) const;
  bool holds_dataset(const std::string& name) const;  // false for a group or a missing name
  // The names of the links, in creation order when the group indexes it (File::Options
  // link_order), else in name order.
  std::vector<std::string> children() const;

 private:
  using Object::Object;
  friend class File;
};

}  // namespace shiftsim::hdf5
