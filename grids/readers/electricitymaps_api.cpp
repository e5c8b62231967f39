// Electricity Maps API history as CSV: datetime,carbonIntensity,isEstimated,estimationMethod.
// The API reports the life-cycle basis unless asked otherwise, and names no zone: --zone is needed.
#include "grids/readers/table_reader.hpp"

namespace shiftsim::grids {

bool detect_electricitymaps_api(const std::vector<std::string>& header) {
  return find_column(header, {"datetime"}) == 0 && find_column(header, {"carbonintensity"}) >= 0;
}

RawFile read_electricitymaps_api(const ReaderInput& in) {
  RawFile raw;
  raw.source = "Electricity Maps (API history)";
  raw.key.signal = Signal::average;
  raw.key.basis = Basis::lifecycle;
  if (in.options.zone.empty())
    throw ParseError(in.path, 0, "an Electricity Maps API history does not name its zone",
                     "give --zone, e.g. --zone FR");
  int time_col = -1, value_col = -1, est_col = -1;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (time_col < 0) {
          time_col = find_column(t.header, {"datetime"});
          value_col = find_column(t.header, {"carbonintensity"});
          est_col = find_column(t.header, {"isestimated"});
        }
        const TimePoint t0 = iso_utc(cell(f, time_col, in, line, "datetime"), in, line,
                                     "expected ISO 8601 such as 2024-06-14T13:00:00.000Z");
        double v = parse_intensity(cell(f, value_col, in, line, "carbonIntensity"), 1.0, in.path,
                                   line, "carbonIntensity");
        bool est = est_col >= 0 && static_cast<std::size_t>(est_col) < f.size() &&
                   parse_flag(f[static_cast<std::size_t>(est_col)], in.path, line, "isEstimated");
        raw.points.push_back({t0, v, est, static_cast<std::uint32_t>(line)});
      });
  return raw;
}

}  // namespace shiftsim::grids
