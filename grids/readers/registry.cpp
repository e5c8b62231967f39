#include <fmt/format.h>

#include <array>
#include <filesystem>

#include "grids/readers/gzip.hpp"
#include "grids/readers/reader.hpp"
#include "grids/readers/table_reader.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::grids {

namespace {
// Detection order matters: the generic reader accepts anything and comes last.
constexpr std::array<FormatReader, 6> kReaders{{
    {"electricitymaps",
     "Electricity Maps CSV export (Datetime (UTC), Zone Id, Carbon Intensity ...)",
     detect_electricitymaps, read_electricitymaps},
    {"electricitymaps-api",
     "Electricity Maps API history (datetime,carbonIntensity,isEstimated,...)",
     detect_electricitymaps_api, read_electricitymaps_api},
    {"watttime",
     "WattTime historical MOER (point_time,value or a time plus one BA column), lbs/MWh",
     detect_watttime, read_watttime},
    {"sgip", "SGIP GHG signal (time,moer,f1..f36: MOER in kg/kWh and its issued 3 h forecasts)",
     detect_sgip, read_sgip},
    {"eirgrid", "EirGrid Smart Grid Dashboard (DD-Mon-YYYY HH:MM:SS,CO2_INTENSITY,ROI,value)",
     detect_eirgrid, read_eirgrid},
    {"generic", "any CSV, described by --time-column, --value-column, --zone and friends",
     detect_generic, read_generic},
}};
}  // namespace

std::span<const FormatReader> format_readers() { return kReaders; }

const FormatReader& choose_reader(const ReaderInput& in) {
  const auto& name = in.options.format;
  if (name != "auto") {
    for (const auto& r : kReaders)
      if (r.name == name) return r;
    std::string names;
    for (const auto& r : kReaders) names += fmt::format(" {}", r.name);
    throw ConfigError(fmt::format("format '{}' is unknown; use auto or one of:{}", name, names));
  }
  // The generic reader needs its options; with them given, auto means generic.
  if (!in.options.value_column.empty()) return kReaders.back();
  CsvCursor csv(in.text, in.options.delimiter, in.path);
  next_header(csv, in);
  std::vector<std::string> header;
  for (auto f : csv.fields()) header.push_back(normalize_header(f));
  for (std::size_t i = 0; i + 1 < kReaders.size(); ++i)
    if (kReaders[i].detect(header)) return kReaders[i];
  throw ParseError(in.path, csv.line(), "the file's layout is not one shiftsim recognises",
                   "name the format with --format, or describe the columns with --format generic "
                   "--time-column ... --value-column ... --zone ...");
}

RawFile read_grid_file(const std::string& path, const ImportOptions& options) {
  const std::string bytes = read_file(path);
  // The SHA-256 is of the file as given (so it matches the provider's checksums), the text
  // read is the decompressed one.
  const bool gz = is_gzip(bytes);
  const std::string text = gz ? gunzip(bytes, path) : std::string{};
  ReaderInput in{path, gz ? std::string_view(text) : std::string_view(bytes), options};
  const FormatReader& reader = choose_reader(in);
  RawFile raw = reader.read(in);
  if (raw.points.empty())
    throw ParseError(path, 0, "the file has no data rows", "give a file with data rows");
  raw.path = path;
  raw.file = SourceFile{std::filesystem::path(path).filename().string(), sha256_hex(bytes)};
  if (!options.zone.empty()) raw.key.zone = options.zone;
  if (options.signal) raw.key.signal = *options.signal;
  if (options.basis) raw.key.basis = *options.basis;
  if (!options.source.empty()) raw.source = options.source;
  if (raw.key.zone.empty())
    throw ParseError(path, 0, "the file does not say which grid zone it covers",
                     "give --zone (an Electricity Maps zone id such as DE or US-CAL-CISO)");
  return raw;
}

double unit_factor(std::string_view unit) {
  auto u = normalize_header(unit);
  if (u == "g/kwh" || u == "gco2/kwh" || u == "gco2eq/kwh" || u == "kg/mwh") return 1.0;
  if (u == "kg/kwh" || u == "t/mwh") return 1000.0;
  // 1 lb = 0.45359237 kg, so 1 lb/MWh = 453.59237 g / 1000 kWh.
  if (u == "lbs/mwh" || u == "lb/mwh") return 0.45359237;
  throw ConfigError(fmt::format("unit '{}' is unknown; use g/kWh, kg/kWh, lbs/MWh or t/MWh", unit));
}

DuplicatePolicy parse_duplicate_policy(std::string_view text) {
  if (text == "error") return DuplicatePolicy::error;
  if (text == "drop-identical") return DuplicatePolicy::drop_identical;
  if (text == "keep-first") return DuplicatePolicy::keep_first;
  if (text == "keep-last") return DuplicatePolicy::keep_last;
  throw ConfigError(fmt::format(
      "--duplicates '{}' is unknown; use error, drop-identical, keep-first or keep-last", text));
}

GapPolicy parse_gap_policy(std::string_view text) {
  if (text == "error") return GapPolicy::error;
  if (text == "interpolate") return GapPolicy::interpolate;
  if (text == "hold") return GapPolicy::hold;
  throw ConfigError(fmt::format("--gaps '{}' is unknown; use error, interpolate or hold", text));
}

}  // namespace shiftsim::grids
