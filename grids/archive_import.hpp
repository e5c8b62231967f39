#pragma once
// Archives of issued forecasts from a long CSV, one row per forecast value:
//   issued_at,target_time,value
//   2024-01-01T00:00Z,2024-01-01T01:00Z,231.5
// the layout national grid operators, CarbonCast and WattTime's forecast history use once
// flattened. The archive is kept beside a series already in the store (the series it forecasts,
// ForecastArchive in grids/series.hpp), at that series' step: each issue time must fall on the
// series' step grid and each lead (target - issue) be a whole number of steps, 1 .. kMaxLeads.
// Lead L is the longest lead in the file; a (issue, lead) the file does not give is NaN (not
// issued). Issue times outside the series are skipped and counted; an archive the series already
// had is replaced. (Importing the series again with `grids import` replaces it whole, archive
// included: import the archive after the series.)
//
// Refused, with file and line (ParseError): a missing column, a timestamp that cannot be read, a
// target at or before its issue time, issue times that go backwards (sort the file by issue
// time), an issue time off the grid or a lead that is not whole steps, the same (issue, target)
// twice with different values, a value that is not an intensity. Refused before reading
// (ConfigError): no such series in the store. Nothing is changed then: the caller saves the store
// only after this returns.
#include <cstddef>
#include <string>

#include "grids/store.hpp"

namespace shiftsim::grids {

// More leads than this is a unit mistake (a week at 1 minute is 10,080); more values than this
// (issue times x leads, 8 bytes each: 400 MB) is more than a store is meant to hold.
constexpr std::size_t kMaxLeads = 20'000;
constexpr std::size_t kMaxArchiveValues = 50'000'000;

struct ArchiveImportOptions {
  SeriesKey key;  // the series the archive forecasts
  std::string issued_column = "issued_at", target_column = "target_time", value_column = "value";
  std::string time_format;       // strftime-style; empty: ISO 8601 variants
  std::string timezone = "UTC";  // IANA name for timestamps without an offset
  std::string unit = "g/kWh";    // g/kWh, kg/kWh, lbs/MWh, t/MWh
  char delimiter = ',';
  std::size_t skip_rows = 0;
};

struct ArchiveImportReport {
  std::size_t rows = 0;     // forecast values read
  std::size_t issues = 0;   // distinct issue times inside the series
  std::size_t leads = 0;    // L
  std::size_t outside = 0;  // rows issued outside the series, skipped
  bool replaced = false;    // the series had an archive before
};

ArchiveImportReport import_forecast_archive(const std::string& path,
                                            const ArchiveImportOptions& options, GridStore& store);

}  // namespace shiftsim::grids
