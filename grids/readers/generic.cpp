// Any CSV with a time column and a value column, described by the user:
// --time-column, --value-column, --time-format (strftime-style; default ISO 8601),
// --timezone (IANA; default UTC), --unit, --zone, --signal, --basis, --delimiter, --skip-rows.
#include "grids/readers/table_reader.hpp"

namespace shiftsim::grids {

bool detect_generic(const std::vector<std::string>&) { return true; }

RawFile read_generic(const ReaderInput& in) {
  const auto& o = in.options;
  if (o.value_column.empty())
    throw ConfigError(fmt::format(
        "{}: the generic reader needs --value-column (and --zone); --time-column defaults to the "
        "first column",
        in.path));
  if (o.zone.empty())
    throw ConfigError(fmt::format("{}: the generic reader needs --zone", in.path));
  RawFile raw;
  raw.source = "CSV";
  raw.key.signal = Signal::average;
  raw.key.basis = Basis::direct;
  const double factor = unit_factor(o.unit);
  const WallClock clock(o.timezone);
  int time_col = -1, value_col = -1;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (value_col < 0) {
          time_col =
              o.time_column.empty() ? 0 : find_column(t.header, {normalize_header(o.time_column)});
          value_col = find_column(t.header, {normalize_header(o.value_column)});
          if (time_col < 0 || value_col < 0) {
            std::string cols;
            for (const auto& h : t.raw_header)
              cols += fmt::format("{}'{}'", cols.empty() ? "" : ", ", h);
            throw ParseError(
                in.path, t.header_line,
                fmt::format("missing column '{}'", time_col < 0 ? o.time_column : o.value_column),
                fmt::format("the header has: {}", cols));
          }
        }
        const TimePoint t0 = read_time_cell(
            cell(f, time_col, in, line, o.time_column.empty() ? "time" : o.time_column),
            o.time_format, clock, in, line);
        double v = parse_intensity(cell(f, value_col, in, line, o.value_column), factor, in.path,
                                   line, o.value_column);
        raw.points.push_back({t0, v, false, static_cast<std::uint32_t>(line)});
      });
  return raw;
}

}  // namespace shiftsim::grids
