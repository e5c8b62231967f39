// libFuzzer target: the whole import path short of the disk, as grids::import_files runs it:
// detect the format, read, check the zone id, then grids::assemble into series. The input is
// split at each ASCII record separator (0x1E) into up to four files, so overlapping files and
// files of different zones are reached too. Each input runs with the default options (refuse
// duplicates that differ, refuse gaps) and with two repairing sets (keep-last + interpolate within
// --max-gap; keep-first + hold + --resample).
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "grids/assemble.hpp"
#include "grids/import.hpp"
#include "grids/readers/reader.hpp"

namespace g = shiftsim::grids;
using shiftsim::fuzz::require;

namespace {

std::vector<std::string_view> split_files(std::string_view text) {
  std::vector<std::string_view> parts;
  while (parts.size() < 3) {
    auto sep = text.find('\x1e');
    if (sep == std::string_view::npos) break;
    parts.push_back(text.substr(0, sep));
    text.remove_prefix(sep + 1);
  }
  parts.push_back(text);
  return parts;
}

// read_grid_file (grids/readers/registry.cpp) without the file system.
g::RawFile read_text(const std::string& path, std::string_view text, const g::ImportOptions& o) {
  const g::ReaderInput in{path, text, o};
  const g::FormatReader& reader = g::choose_reader(in);
  g::RawFile raw = reader.read(in);
  shiftsim::fuzz::check_raw(raw);
  if (raw.points.empty()) throw shiftsim::ParseError(path, 0, "the file has no data rows");
  raw.path = path;
  raw.file = g::SourceFile{path, "0"};
  if (!o.zone.empty()) raw.key.zone = o.zone;
  if (raw.key.zone.empty()) throw shiftsim::ParseError(path, 0, "no zone");
  return raw;
}

void import_text(std::string_view text, const g::ImportOptions& o) {
  shiftsim::fuzz::expect_ok_or_error([&] {
    std::vector<g::RawFile> raw;
    std::size_t points = 0;
    for (std::string_view part : split_files(text)) {
      raw.push_back(read_text("fuzz" + std::to_string(raw.size()) + ".csv", part, o));
      points += raw.back().points.size();
    }
    for (const auto& r : raw) g::check_zone_id(r.key.zone);
    const std::size_t files = raw.size();
    auto series = g::assemble(std::move(raw), o);
    require(!series.empty() && series.size() <= files,
            "assemble returned the wrong number of series");
    std::size_t sources = 0;
    for (const auto& s : series) {
      shiftsim::fuzz::check_series(s);
      sources += s.files.size();
      // Without --resample every kept value is a point of the input (gaps are refused or
      // filled), so a series cannot hold more real values than there were points.
      if (!o.resample && o.gaps == g::GapPolicy::error)
        require(s.values.size() <= points, "series holds more values than the files had points");
    }
    require(sources == files, "a file went missing or was counted twice");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const g::ImportOptions defaults{};
  static const g::ImportOptions interpolate = [] {
    g::ImportOptions o;
    o.zone = "FZ";  // lets the Electricity Maps API format through
    o.duplicates = g::DuplicatePolicy::keep_last;
    o.gaps = g::GapPolicy::interpolate;
    o.max_gap = shiftsim::Seconds{6 * 3600};
    return o;
  }();
  static const g::ImportOptions resample = [] {
    g::ImportOptions o;
    o.duplicates = g::DuplicatePolicy::keep_first;
    o.gaps = g::GapPolicy::hold;
    o.resample = shiftsim::Seconds{3600};
    return o;
  }();
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  import_text(text, defaults);
  import_text(text, interpolate);
  import_text(text, resample);
  return 0;
}
