#pragma once
// The loop every tabular reader shares: skip rows, read the header, then hand each data row
// (with its line number) to a callback that returns the point or nothing.
#include <fmt/format.h>

#include <functional>
#include <string>
#include <vector>

#include "grids/readers/fields.hpp"
#include "grids/readers/reader.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

struct Table {
  std::vector<std::string> header;      // normalised
  std::vector<std::string> raw_header;  // as written, for messages
  std::size_t header_line = 0;
};

// Past --skip-rows rows, nothing: refused with the file's row count, since "the file is empty"
// sent the researcher to look at a file that is not. `rows`: the rows the file has.
[[noreturn]] inline void refuse_skipped_all(const ReaderInput& in, std::size_t rows) {
  throw ParseError(in.path, 0,
                   fmt::format("the file has {} row{} and --skip-rows skips {}, leaving no header",
                               rows, rows == 1 ? "" : "s", in.options.skip_rows),
                   "give --skip-rows the number of rows before the header");
}

// Skips --skip-rows rows; how many there were (fewer at the end of the file).
inline std::size_t skip_rows(CsvCursor& csv, const ReaderInput& in) {
  std::size_t i = 0;
  while (i < in.options.skip_rows && csv.next()) ++i;
  return i;
}

// The header after --skip-rows rows, or a clear refusal when there is none.
inline void next_header(CsvCursor& csv, const ReaderInput& in) {
  const std::size_t skipped = skip_rows(csv, in);
  if (csv.next()) return;
  if (skipped > 0) refuse_skipped_all(in, skipped);
  throw ParseError(in.path, 0, "the file is empty", "give a file with data rows");
}

template <class RowFn>
Table for_each_row(const ReaderInput& in, bool has_header, RowFn&& on_row) {
  CsvCursor csv(in.text, in.options.delimiter, in.path);
  Table t;
  if (!has_header) {
    const std::size_t skipped = skip_rows(csv, in);
    if (skipped > 0 && skipped < in.options.skip_rows) refuse_skipped_all(in, skipped);
  } else {
    next_header(csv, in);
    t.header_line = csv.line();
    for (auto f : csv.fields()) {
      t.header.push_back(normalize_header(f));
      t.raw_header.emplace_back(trim(f));
    }
  }
  while (csv.next()) on_row(t, csv.fields(), csv.line());
  return t;
}

// The cell at `col`, or a ParseError naming the missing column.
inline std::string_view cell(const std::vector<std::string_view>& fields, int col,
                             const ReaderInput& in, std::size_t line, std::string_view name) {
  if (col < 0 || static_cast<std::size_t>(col) >= fields.size())
    throw ParseError(in.path, line,
                     fmt::format("row has {} fields, no column '{}'", fields.size(), name),
                     "check the delimiter and that the row is complete");
  return fields[static_cast<std::size_t>(col)];
}

// An ISO 8601 timestamp in UTC (an explicit offset honoured), as the Electricity Maps and
// WattTime formats write them; a ParseError with `expected` as the hint otherwise.
inline TimePoint iso_utc(std::string_view text, const ReaderInput& in, std::size_t line,
                         std::string_view expected) {
  auto w = parse_iso_wall(text);
  if (!w)
    throw ParseError(in.path, line, fmt::format("timestamp '{}' cannot be read", trim(text)),
                     std::string(expected));
  return TimePoint{w->since_epoch - std::chrono::seconds{w->offset_seconds.value_or(0)}};
}

// Converts a wall time to UTC for readers whose format forbids DST ambiguity.
inline TimePoint strict_utc(const WallClock& clock, const WallTime& w, const ReaderInput& in,
                            std::size_t line, std::string_view text) {
  auto r = clock.to_utc(w);
  if (r.resolution == WallClock::Resolution::nonexistent)
    throw ParseError(in.path, line,
                     fmt::format("local time '{}' does not exist in {} (clocks jump forward)", text,
                                 clock.name()),
                     "check --timezone; delete the row if the file invents it");
  if (r.resolution == WallClock::Resolution::ambiguous)
    throw ParseError(
        in.path, line,
        fmt::format("local time '{}' is ambiguous in {} (clocks go back)", text, clock.name()),
        "convert the file to UTC or give timestamps with an offset (+01:00)");
  return r.earliest;
}

// A timestamp cell in UTC: ISO 8601 variants (an offset honoured) or the --time-format layout,
// local times resolved in `clock` (strict_utc); a ParseError naming the line otherwise.
inline TimePoint read_time_cell(std::string_view text, const std::string& time_format,
                                const WallClock& clock, const ReaderInput& in, std::size_t line) {
  const std::optional<WallTime> w =
      time_format.empty() ? parse_iso_wall(text) : parse_formatted_wall(text, time_format);
  if (!w)
    throw ParseError(in.path, line, fmt::format("timestamp '{}' cannot be read", trim(text)),
                     time_format.empty()
                         ? "expected ISO 8601 (YYYY-MM-DD HH:MM:SS); give --time-format for "
                           "other layouts, e.g. --time-format '%m/%d/%Y %H:%M:%S'"
                         : fmt::format("expected the layout --time-format '{}'", time_format));
  return strict_utc(clock, *w, in, line, trim(text));
}

}  // namespace shiftsim::grids
