// Electricity Maps CSV exports, as downloaded from the Electricity Maps data portal:
//   Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),
//   Carbon Intensity gCO₂eq/kWh (LCA),...,Data Estimated,Data Estimation Method
// Variants seen in the wild: "gCO2eq" for "gCO₂eq", "(Life cycle)" for "(LCA)", lower-case
// words, and day-first timestamps ("31/12/2022 23:00") from spreadsheet round trips.
#include "grids/readers/table_reader.hpp"

namespace shiftsim::grids {

namespace {
constexpr std::string_view kDirect = "carbon intensity gco2eq/kwh (direct)";
constexpr std::string_view kLca = "carbon intensity gco2eq/kwh (lca)";
constexpr std::string_view kLifeCycle = "carbon intensity gco2eq/kwh (life cycle)";
}  // namespace

bool detect_electricitymaps(const std::vector<std::string>& header) {
  return find_column(header, {"datetime (utc)"}) >= 0 &&
         find_column(header, {kDirect, kLca, kLifeCycle}) >= 0;
}

RawFile read_electricitymaps(const ReaderInput& in) {
  RawFile raw;
  raw.source = "Electricity Maps (CSV export)";
  raw.key.signal = Signal::average;
  raw.key.basis = in.options.basis.value_or(Basis::lifecycle);
  int time_col = -1, zone_col = -1, value_col = -1, est_col = -1;
  std::string value_name;
  bool day_first = false;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (time_col < 0) {
          time_col = find_column(t.header, {"datetime (utc)"});
          zone_col = find_column(t.header, {"zone id"});
          est_col = find_column(t.header, {"data estimated"});
          value_col = raw.key.basis == Basis::direct ? find_column(t.header, {kDirect})
                                                     : find_column(t.header, {kLca, kLifeCycle});
          if (time_col < 0 || value_col < 0)
            throw ParseError(
                in.path, t.header_line,
                fmt::format("missing column '{}'",
                            time_col < 0 ? "Datetime (UTC)"
                                         : (raw.key.basis == Basis::direct
                                                ? "Carbon Intensity gCO2eq/kWh (direct)"
                                                : "Carbon Intensity gCO2eq/kWh (LCA)")),
                "is this an Electricity Maps export? try --basis or --format");
          value_name = t.raw_header[static_cast<std::size_t>(value_col)];
        }
        auto ts = cell(f, time_col, in, line, "Datetime (UTC)");
        std::optional<WallTime> w = day_first ? parse_dmy_wall(ts) : parse_iso_wall(ts);
        if (!w && !day_first && raw.points.empty()) {
          w = parse_dmy_wall(ts);
          day_first = w.has_value();
        }
        if (!w)
          throw ParseError(in.path, line, fmt::format("timestamp '{}' cannot be read", ts),
                           day_first ? "expected DD/MM/YYYY HH:MM like the rows above"
                                     : "expected YYYY-MM-DD HH:MM:SS (UTC)");
        TimePoint t0{w->since_epoch - std::chrono::seconds{w->offset_seconds.value_or(0)}};
        if (zone_col >= 0) {
          auto zone = trim(cell(f, zone_col, in, line, "Zone Id"));
          if (raw.key.zone.empty())
            raw.key.zone = std::string(zone);
          else if (zone != raw.key.zone && in.options.zone.empty())
            throw ParseError(
                in.path, line,
                fmt::format("zone changes from '{}' to '{}' within the file", raw.key.zone, zone),
                "split the file by zone");
        }
        double v = parse_intensity(cell(f, value_col, in, line, value_name), 1.0, in.path, line,
                                   value_name);
        bool est =
            est_col >= 0 && static_cast<std::size_t>(est_col) < f.size() &&
            parse_flag(f[static_cast<std::size_t>(est_col)], in.path, line, "Data Estimated");
        raw.points.push_back({t0, v, est, static_cast<std::uint32_t>(line)});
      });
  return raw;
}

}  // namespace shiftsim::grids
