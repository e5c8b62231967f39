#pragma once
// `grids import` as a library call: read files (in parallel, one task per file), assemble them
// into series, and add them to a store. Nothing is written here; the caller saves the store, so a
// failure at any point leaves the file on disk untouched.
#include <string>
#include <vector>

#include "grids/import_options.hpp"
#include "grids/store.hpp"

namespace shiftsim::grids {

struct ImportReport {
  std::vector<SeriesKey> added;     // new keys
  std::vector<SeriesKey> replaced;  // keys that existed and were replaced
};

// Throws ParseError / ConfigError / IoError; `store` is unchanged then.
ImportReport import_files(const std::vector<std::string>& paths, const ImportOptions& options,
                          GridStore& store);

// Zone ids become HDF5 group names: letters, digits, '-', '_' and '.' only.
void check_zone_id(std::string_view zone);

}  // namespace shiftsim::grids
