#pragma once
// The importer framework: one small reader per file format, chosen by name or detected from the
// file's first line. Adding a format = one file in grids/readers/ and one row in kReaders.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "grids/import_options.hpp"
#include "grids/raw_points.hpp"

namespace shiftsim::grids {

struct ReaderInput {
  std::string path;  // for messages
  std::string_view text;
  const ImportOptions& options;
};

struct FormatReader {
  std::string_view name;
  std::string_view description;
  // True when the header (the first row's fields, normalised with normalize_header) is this
  // format's.
  bool (*detect)(const std::vector<std::string>& header);
  RawFile (*read)(const ReaderInput& in);
};

std::span<const FormatReader> format_readers();
// Picks the reader named by options.format, or detects it. Throws ParseError (unknown layout)
// or ConfigError (unknown format name).
const FormatReader& choose_reader(const ReaderInput& in);
// Reads a file with the right reader and fills in its name and SHA-256.
RawFile read_grid_file(const std::string& path, const ImportOptions& options);

// Readers, one per file (grids/readers/*.cpp).
bool detect_electricitymaps(const std::vector<std::string>& header);
RawFile read_electricitymaps(const ReaderInput& in);
bool detect_electricitymaps_api(const std::vector<std::string>& header);
RawFile read_electricitymaps_api(const ReaderInput& in);
bool detect_watttime(const std::vector<std::string>& header);
RawFile read_watttime(const ReaderInput& in);
bool detect_sgip(const std::vector<std::string>& header);
RawFile read_sgip(const ReaderInput& in);
bool detect_eirgrid(const std::vector<std::string>& header);
RawFile read_eirgrid(const ReaderInput& in);
bool detect_generic(const std::vector<std::string>& header);
RawFile read_generic(const ReaderInput& in);

}  // namespace shiftsim::grids
