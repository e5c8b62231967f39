// EirGrid Smart Grid Dashboard downloads: no header, rows like
//   01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,288.0
// in Irish local time (Europe/Dublin, with DST), gCO2/kWh, 15-minute steps.
//
// The dashboard's DST convention, seen in its files: the spring-forward hour that does not exist
// is present as rows with empty values (dropped here, and counted); the autumn hour that occurs
// twice is either present once (then the first occurrence is taken and the second is a gap) or
// twice in order (first = summer time, second = winter time). A non-existent local time that
// carries a value is an error. Monthly downloads overlap by about a day: those repeated rows
// are duplicates for the assembler to drop.
#include "grids/readers/table_reader.hpp"

namespace shiftsim::grids {

bool detect_eirgrid(const std::vector<std::string>& header) {
  return header.size() == 4 && header[1] == "co2_intensity";
}

RawFile read_eirgrid(const ReaderInput& in) {
  RawFile raw;
  raw.source = "EirGrid Smart Grid Dashboard";
  raw.key.zone = "IE";
  raw.key.signal = Signal::average;
  raw.key.basis = Basis::direct;
  const WallClock clock("Europe/Dublin");
  std::int64_t dropped = 0;
  for_each_row(
      in, false, [&](const Table&, const std::vector<std::string_view>& f, std::size_t line) {
        auto ts = cell(f, 0, in, line, "timestamp");
        auto kind = trim(cell(f, 1, in, line, "field"));
        if (kind != "CO2_INTENSITY")
          throw ParseError(in.path, line, fmt::format("field '{}' is not CO2_INTENSITY", kind),
                           "download the CO2 intensity category from the dashboard");
        auto w = parse_dmon_wall(ts);
        if (!w)
          throw ParseError(in.path, line, fmt::format("timestamp '{}' cannot be read", ts),
                           "expected DD-Mon-YYYY HH:MM:SS such as 01-Jan-2020 00:15:00");
        double v = parse_intensity(cell(f, 3, in, line, "value"), 1.0, in.path, line, "value");
        auto r = clock.to_utc(*w);
        TimePoint t0 = r.earliest;
        if (r.resolution == WallClock::Resolution::nonexistent) {
          if (std::isnan(v)) {
            ++dropped;
            return;
          }
          throw ParseError(in.path, line,
                           fmt::format("local time '{}' does not exist in Europe/Dublin (clocks "
                                       "jump forward) but has a value",
                                       trim(ts)),
                           "delete the row; the file's DST convention is broken here");
        }
        if (r.resolution == WallClock::Resolution::ambiguous && !raw.points.empty() &&
            raw.points.back().time >= r.earliest && raw.points.back().time < r.latest)
          t0 = r.latest;
        raw.points.push_back({t0, v, false, static_cast<std::uint32_t>(line)});
      });
  if (dropped > 0) raw.repairs["dst_nonexistent_rows_dropped"] = dropped;
  return raw;
}

}  // namespace shiftsim::grids
