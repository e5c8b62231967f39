#include "grids/archive_import.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "grids/readers/gzip.hpp"
#include "grids/readers/table_reader.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::grids {

namespace {

struct Row {
  std::int64_t issue, lead;  // issue slot in the series, lead in steps
  double value;
  std::size_t line;
};

}  // namespace

ArchiveImportReport import_forecast_archive(const std::string& path, const ArchiveImportOptions& o,
                                            GridStore& store) {
  const Series* found = store.find(o.key);
  if (!found)
    throw ConfigError(fmt::format(
        "{}: the grid store has no series {} for this archive to forecast; import the series "
        "first (`shiftsim grids import`), or name one `shiftsim grids list` shows",
        path, o.key.label()));
  const double factor = unit_factor(o.unit);
  const WallClock clock(o.timezone);
  const std::string bytes = read_file(path);
  const bool gz = is_gzip(bytes);
  const std::string text = gz ? gunzip(bytes, path) : std::string{};
  ImportOptions io;
  io.delimiter = o.delimiter;
  io.skip_rows = o.skip_rows;
  const ReaderInput in{path, gz ? std::string_view(text) : std::string_view(bytes), io};

  const Series& s = *found;
  const std::int64_t t0 = s.start.time_since_epoch().count(), step = s.step.count();
  const auto n = static_cast<std::int64_t>(s.size());
  int issued_col = -1, target_col = -1, value_col = -1;
  auto read_time = [&](std::string_view cell_text, std::size_t line) {
    return read_time_cell(cell_text, o.time_format, clock, in, line).time_since_epoch().count();
  };

  ArchiveImportReport report;
  std::vector<Row> rows;
  std::int64_t last_issue = std::numeric_limits<std::int64_t>::min();
  std::size_t last_issue_line = 0;
  std::int64_t max_lead = 0;
  for_each_row(
      in, true, [&](const Table& t, const std::vector<std::string_view>& f, std::size_t line) {
        if (value_col < 0) {
          issued_col = find_column(t.header, {normalize_header(o.issued_column)});
          target_col = find_column(t.header, {normalize_header(o.target_column)});
          value_col = find_column(t.header, {normalize_header(o.value_column)});
          for (const auto& [col, name] :
               {std::pair{issued_col, &o.issued_column}, std::pair{target_col, &o.target_column},
                std::pair{value_col, &o.value_column}}) {
            if (col >= 0) continue;
            std::string cols;
            for (const auto& h : t.raw_header)
              cols += fmt::format("{}'{}'", cols.empty() ? "" : ", ", h);
            throw ParseError(path, t.header_line, fmt::format("missing column '{}'", *name),
                             fmt::format("the header has: {}; name the columns with "
                                         "--issued-column, --target-column and --value-column",
                                         cols));
          }
        }
        const std::int64_t issue = read_time(cell(f, issued_col, in, line, o.issued_column), line);
        const std::int64_t target = read_time(cell(f, target_col, in, line, o.target_column), line);
        if (target <= issue)
          throw ParseError(path, line,
                           fmt::format("the forecast for {} is issued at {}, {} its target",
                                       format_time(TimePoint{Seconds{target}}),
                                       format_time(TimePoint{Seconds{issue}}),
                                       target == issue ? "the time of" : "after"),
                           fmt::format("a forecast's target lies after its issue time; check that "
                                       "--issued-column ({}) and --target-column ({}) are not "
                                       "swapped",
                                       o.issued_column, o.target_column));
        if (issue < last_issue)
          throw ParseError(
              path, line,
              fmt::format("issue times go backwards: {} after {} (line {})",
                          format_time(TimePoint{Seconds{issue}}),
                          format_time(TimePoint{Seconds{last_issue}}), last_issue_line),
              "sort the file by issue time (then target time)");
        if (issue != last_issue) {
          last_issue = issue;
          last_issue_line = line;
        }
        if ((issue - t0) % step != 0)
          throw ParseError(
              path, line,
              fmt::format("issue time {} is not on the {} step grid of {} (from {})",
                          format_time(TimePoint{Seconds{issue}}), format_duration(s.step),
                          o.key.label(), format_time(s.start)),
              "give issue times on the series' steps, or import the series at the "
              "forecasts' step");
        if ((target - issue) % step != 0)
          throw ParseError(
              path, line,
              fmt::format("the lead {} (target {} - issue {}) is not a whole number of the "
                          "series' {} steps",
                          format_duration(Seconds{target - issue}),
                          format_time(TimePoint{Seconds{target}}),
                          format_time(TimePoint{Seconds{issue}}), format_duration(s.step)),
              "give targets on the series' steps, or import the series at the forecasts' step");
        const std::int64_t lead = (target - issue) / step;
        if (lead > static_cast<std::int64_t>(kMaxLeads))
          throw ParseError(
              path, line,
              fmt::format("a lead of {} steps ({}) is more than {} steps", lead,
                          format_duration(Seconds{target - issue}), kMaxLeads),
              "check the time columns and their unit; a horizon this long is a mistake");
        const double v = parse_intensity(cell(f, value_col, in, line, o.value_column), factor, path,
                                         line, o.value_column);
        ++report.rows;
        const std::int64_t slot = (issue - t0) / step;
        if (slot < 0 || slot >= n) {
          ++report.outside;
          return;
        }
        max_lead = std::max(max_lead, lead);
        rows.push_back({slot, lead, v, line});
      });
  if (report.rows == 0)
    throw ParseError(path, 0, "the file has no data rows", "give a file with data rows");
  if (rows.empty())
    throw ParseError(
        path, 0,
        fmt::format("none of its {} forecasts is issued within {} ({} to {})", report.rows,
                    o.key.label(), format_time(s.start), format_time(s.end())),
        "import the series for the years the archive covers, or name another series");

  ForecastArchive a;
  a.leads = static_cast<std::size_t>(max_lead);
  a.step = s.step;
  if (a.leads > kMaxArchiveValues / s.size())
    throw ParseError(path, 0,
                     fmt::format("an archive of {} issue times x {} leads is too large to keep",
                                 s.size(), a.leads),
                     "import a shorter horizon or a shorter series");
  a.values.assign(s.size() * a.leads, std::numeric_limits<double>::quiet_NaN());
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> seen;  // (slot, lead) -> line
  for (const Row& r : rows) {
    double& cell_value = a.values[static_cast<std::size_t>(r.issue) * a.leads +
                                  static_cast<std::size_t>(r.lead) - 1];
    const auto [it, fresh] = seen.emplace(std::pair{r.issue, r.lead}, r.line);
    if (!fresh && !(cell_value == r.value || (std::isnan(cell_value) && std::isnan(r.value))))
      throw ParseError(path, r.line,
                       fmt::format("issued at {} for {} steps ahead: {} here and {} at line {}",
                                   format_time(s.time_at(static_cast<std::size_t>(r.issue))),
                                   r.lead, r.value, cell_value, it->second),
                       "keep one row per issue time and target");
    cell_value = r.value;
  }
  report.issues = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    for (std::size_t k = 0; k < a.leads; ++k)
      if (!std::isnan(a.values[i * a.leads + k])) {
        ++report.issues;
        break;
      }
  report.leads = a.leads;
  Series updated = s;
  report.replaced = !updated.forecast.empty();
  updated.forecast = std::move(a);
  updated.files.push_back(
      SourceFile{std::filesystem::path(path).filename().string(), sha256_hex(bytes)});
  store.put(std::move(updated));
  return report;
}

}  // namespace shiftsim::grids
