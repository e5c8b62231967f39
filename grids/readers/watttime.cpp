// WattTime historical marginal operating emission rates (MOER), in lbs CO2/MWh:
//   - the API's CSV: point_time,value[,frequency,market,ba,datatype,version];
//   - a time column plus one column named after a balancing authority (e.g. "Caiso_North").
// Timestamps are UTC (an explicit offset is honoured). Signal: marginal; basis: direct.
// Marginal series are keyed by the balancing authority (e.g. CAISO_NORTH), the unit WattTime
// publishes; regions find them through their watttime_ba (grids/data/regions.csv).
#include "grids/readers/table_reader.hpp"
#include "grids/regions.hpp"

namespace shiftsim::grids {

namespace {
std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
int time_column(const std::vector<std::string>& header) {
  return find_column(header, {"point_time", "timestamp", "time", "datetime", "oootime"});
}
}  // namespace

bool detect_watttime(const std::vector<std::string>& header) {
  if (find_column(header, {"point_time"}) >= 0 && find_column(header, {"value"}) >= 0) return true;
  return header.size() == 2 && time_column(header) == 0 && find_region_by_ba(header[1]) != nullptr;
}

RawFile read_watttime(const ReaderInput& in) {
  RawFile raw;
  raw.source = "WattTime (historical MOER)";
  raw.key.signal = Signal::marginal;
  raw.key.basis = Basis::direct;
  const double factor =
      in.options.unit == "g/kWh" ? unit_factor("lbs/MWh") : unit_factor(in.options.unit);
  int time_col = -1, value_col = -1, ba_col = -1;
  std::string value_name;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (time_col < 0) {
          time_col = time_column(t.header);
          value_col = find_column(t.header, {"value"});
          ba_col = find_column(t.header, {"ba"});
          if (value_col < 0 && t.header.size() == 2) {
            value_col = 1;
            raw.key.zone = upper(t.raw_header[1]);
          }
          if (time_col < 0 || value_col < 0)
            throw ParseError(in.path, t.header_line, "missing column 'point_time' or 'value'",
                             "is this a WattTime MOER file? otherwise use --format generic");
          value_name = t.raw_header[static_cast<std::size_t>(value_col)];
        }
        if (ba_col >= 0 && raw.key.zone.empty()) {
          raw.key.zone = upper(trim(cell(f, ba_col, in, line, "ba")));
        }
        const TimePoint t0 = iso_utc(cell(f, time_col, in, line, "point_time"), in, line,
                                     "expected ISO 8601 such as 2020-01-01T00:05:00+00:00");
        double v = parse_intensity(cell(f, value_col, in, line, value_name), factor, in.path, line,
                                   value_name);
        raw.points.push_back({t0, v, false, static_cast<std::uint32_t>(line)});
      });
  return raw;
}

}  // namespace shiftsim::grids
