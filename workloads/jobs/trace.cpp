#include "workloads/jobs/trace.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/sha256.hpp"
#include "sim/core/units.hpp"
#include "workloads/catalog.hpp"
#include "workloads/jobs/site_power.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::workloads::jobs {

namespace {

enum class Column : std::uint8_t {
  id,
  arrival,
  length,
  accelerators,
  deadline,
  deferrable,
  interruptible,
  workload,
  after,
};
constexpr std::size_t kColumnCount = 9;

struct KnownName {
  std::string_view name;
  Column column;
};
constexpr std::array kKnownNames{
    KnownName{"id", Column::id},
    KnownName{"arrival_time", Column::arrival},
    KnownName{"arrival", Column::arrival},
    KnownName{"length", Column::length},
    KnownName{"accelerators", Column::accelerators},
    KnownName{"gpus", Column::accelerators},
    KnownName{"cpus", Column::accelerators},
    KnownName{"deadline", Column::deadline},
    KnownName{"deferrable", Column::deferrable},
    KnownName{"interruptible", Column::interruptible},
    KnownName{"workload", Column::workload},
    KnownName{"after", Column::after},
};
constexpr std::string_view kKnownList =
    "id, arrival_time (or arrival), length, accelerators (or gpus or cpus), deadline, "
    "deferrable, interruptible, workload, after";
constexpr std::string_view kRequiredHint =
    "the header needs arrival_time, length and one of accelerators, gpus or cpus, e.g. "
    "arrival_time,length,cpus";

constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();
constexpr char kAfterSeparator = ';';
// Every instant stays within int64 whatever the trace says: |origin| is at most a quarter of the
// range, and arrival, length, deadline and slack are each at most kMaxDuration.
constexpr std::int64_t kMaxOrigin = std::numeric_limits<std::int64_t>::max() / 4;
constexpr Seconds kMinLength{1};

std::size_t index_of(Column c) { return static_cast<std::size_t>(c); }

// "Arrival Time", "arrival-time" and "arrival_time" are one name.
std::string loose_name(std::string_view header_field) {
  std::string s = normalize_header(header_field);
  std::replace(s.begin(), s.end(), ' ', '_');
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

bool parse_double(std::string_view text, double& value) {
  if (text.empty()) return false;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), last, value);
  return ec == std::errc{} && ptr == last;
}

void check_options(const TraceOptions& o) {
  if (o.unit <= Seconds{0} || o.unit > kMaxDuration)
    throw ConfigError(fmt::format("trace unit {} s must be positive and at most {}", o.unit.count(),
                                  format_duration(kMaxDuration)));
  if (o.origin < -kMaxOrigin || o.origin > kMaxOrigin)
    throw ConfigError(
        fmt::format("trace origin {} (Unix seconds) is outside the calendar shiftsim "
                    "handles; give a date such as 2020-01-01",
                    o.origin));
  if (!std::isfinite(o.accelerator_watts) || o.accelerator_watts < 0)
    throw ConfigError(fmt::format("power per accelerator {} W must be a finite number >= 0",
                                  o.accelerator_watts));
  if (o.slack && (*o.slack < Seconds{0} || *o.slack > kMaxDuration))
    throw ConfigError(fmt::format("trace slack {} s must be >= 0 and at most {}", o.slack->count(),
                                  format_duration(kMaxDuration)));
}

struct Header {
  std::array<std::size_t, kColumnCount> index;  // the field of each column, or kAbsent
  std::array<std::string, kColumnCount> name;   // as the header writes it, for messages
  std::size_t fields = 0;
  std::size_t line = 0;

  bool has(Column c) const { return index[index_of(c)] != kAbsent; }
  std::string_view field(const std::vector<std::string_view>& row, Column c) const {
    const std::size_t i = index[index_of(c)];
    return i == kAbsent ? std::string_view{} : trim(row[i]);
  }
  const std::string& column(Column c) const { return name[index_of(c)]; }
};

Header read_header(CsvCursor& csv, const std::string& file) {
  if (!csv.next())
    throw ParseError(file, 0, "the trace is empty",
                     "give a header row (e.g. arrival_time,length,cpus) and one row per job");
  Header h;
  h.index.fill(kAbsent);
  h.line = csv.line();
  const auto& row = csv.fields();
  h.fields = row.size();
  double ignored = 0;
  if (parse_double(trim(row[0]), ignored))
    throw ParseError(
        file, h.line,
        fmt::format("the first row starts with the number {}: it is data, not a header",
                    trim(row[0])),
        "add a header row naming the columns, e.g. arrival_time,length,cpus");
  for (std::size_t i = 0; i < row.size(); ++i) {
    const std::string name = loose_name(row[i]);
    const auto known = std::find_if(kKnownNames.begin(), kKnownNames.end(),
                                    [&](const KnownName& k) { return k.name == name; });
    if (known == kKnownNames.end())
      throw ParseError(file, h.line, fmt::format("unknown column '{}'", trim(row[i])),
                       fmt::format("the known columns are {}", kKnownList));
    const std::size_t c = index_of(known->column);
    if (h.index[c] != kAbsent)
      throw ParseError(
          file, h.line,
          fmt::format("columns '{}' and '{}' both give the job's {}", h.name[c], trim(row[i]),
                      known->column == Column::accelerators ? "accelerators" : known->name),
          "keep one of them");
    h.index[c] = i;
    h.name[c] = std::string(trim(row[i]));
  }
  if (!h.has(Column::arrival))
    throw ParseError(file, h.line, "no column arrival_time", std::string(kRequiredHint));
  if (!h.has(Column::length))
    throw ParseError(file, h.line, "no column length", std::string(kRequiredHint));
  if (!h.has(Column::accelerators))
    throw ParseError(file, h.line, "no column accelerators, gpus or cpus",
                     std::string(kRequiredHint));
  return h;
}

// One pass over the rows; holds what a row's checks need from the rows before it.
class TraceReader {
 public:
  TraceReader(std::string_view text, const std::string& file, const TraceOptions& options,
              std::vector<TraceWorkloadFile>* workload_files)
      : text_(text),
        file_(file),
        options_(options),
        workload_files_(workload_files),
        csv_(text, ',', file),
        header_(read_header(csv_, file)),
        unit_(format_duration(options.unit)),
        index_ids_(header_.has(Column::id) || header_.has(Column::after)) {}

  std::vector<ClusterJob> read() {
    // One job per line at most: reserving spares the copies of a growing vector.
    const auto lines = static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')) + 1;
    if (lines > kMaxTraceRows) refuse_too_many_rows();
    jobs_.reserve(lines);
    while (csv_.next()) read_row();
    if (jobs_.empty())
      throw ParseError(file_, header_.line, "the trace has a header but no jobs",
                       "add one row per job below the header");
    return std::move(jobs_);
  }

 private:
  // A file with more lines than kMaxTraceRows may still have fewer rows (blank lines, quoted
  // line breaks): count them exactly, before any job is allocated.
  void refuse_too_many_rows() const {
    CsvCursor scan(text_, ',', file_);
    scan.next();  // the header
    std::size_t rows = 0;
    while (scan.next()) {
      if (++rows > kMaxTraceRows)
        throw ParseError(file_, scan.line(),
                         fmt::format("more than {} jobs", fmt::group_digits(kMaxTraceRows)),
                         "split the trace: larger traces are refused before they exhaust memory");
    }
  }

  [[noreturn]] void fail(Column c, const std::string& what, const std::string& hint) const {
    throw ParseError(file_, csv_.line(), fmt::format("column '{}': {}", header_.column(c), what),
                     hint);
  }

  double number(const std::vector<std::string_view>& row, Column c) const {
    const std::string_view text = header_.field(row, c);
    if (text.empty())
      fail(c, "the value is missing", fmt::format("give a number, in units of {}", unit_));
    double v = 0;
    if (!parse_double(text, v))
      fail(c, fmt::format("\"{}\" is not a number", text),
           fmt::format("give a number, in units of {}, e.g. 1.5", unit_));
    if (!std::isfinite(v))
      fail(c, fmt::format("\"{}\" is not a finite number", text),
           fmt::format("give a number, in units of {}", unit_));
    return v;
  }

  // value x unit in whole seconds; values beyond kMaxDuration are refused before rounding, so
  // the conversion cannot overflow.
  std::int64_t seconds(double value, Column c, std::string_view what) const {
    const double s = value * static_cast<double>(options_.unit.count());
    if (s > static_cast<double>(kMaxDuration.count()))
      fail(c,
           fmt::format("{} {} is more than {} after the trace's 0", what, header_.field(row(), c),
                       format_duration(kMaxDuration)),
           fmt::format("check the unit: this trace is read in units of {}", unit_));
    return std::llround(s);
  }

  const std::vector<std::string_view>& row() const { return csv_.fields(); }

  std::optional<bool> boolean(Column c) const {
    const std::string_view text = header_.field(row(), c);
    if (text.empty()) return std::nullopt;
    if (auto b = parse_boolean(text)) return b;
    fail(c, fmt::format("\"{}\" is not true or false", text),
         "write true, false, yes, no, 1 or 0, or leave it empty for the default");
  }

  // The row's workload when it names a workload file rather than a catalog entry: the file,
  // relative to the trace's folder, read once per distinct name. Null for none or a catalog name.
  const workloads::Workload* workload_file() {
    const std::string_view spec = header_.field(row(), Column::workload);
    if (spec.empty() || workloads::builtin_catalog().find(spec)) return nullptr;
    const std::string key(spec);
    if (const auto it = files_.find(key); it != files_.end()) return &it->second;
    const std::filesystem::path path = std::filesystem::path(file_).parent_path() / key;
    if (!std::filesystem::is_regular_file(path)) {
      fail(Column::workload,
           fmt::format("no workload '{}' in the catalog, and no workload file {}", key,
                       path.string()),
           fmt::format("use one of {}, a workload file's path relative to the trace's folder, or "
                       "leave it empty for the trace's power per accelerator",
                       workloads::builtin_catalog().names()));
    }
    try {
      auto wl = workloads::read_workload_file(path);
      if (workload_files_) workload_files_->push_back({key, sha256_hex(read_file(path))});
      return &files_.emplace(key, std::move(wl)).first->second;
    } catch (const Error& e) {  // the file's own error, at the row that named it
      std::string inner = e.what();
      while (!inner.empty() && inner.back() == '.') inner.pop_back();
      fail(Column::workload, fmt::format("workload file {}: {}", key, inner),
           "fix the workload file, or name a catalog workload");
    }
  }

  // The job's catalog name ("" for none) and its power per accelerator, in W.
  std::pair<std::string, double> workload_power() const {
    const std::string_view name = header_.field(row(), Column::workload);
    if (name.empty()) {
      if (options_.accelerator_watts <= 0)
        throw ConfigError(fmt::format(
            "{}:{}: the job has no workload, so it needs a power per accelerator, and none was "
            "given; give one in W (the catalog's mean is {:.2f} W) or a workload column",
            file_, csv_.line(), catalog_accelerator_watts()));
      return {std::string{}, options_.accelerator_watts};
    }
    const auto& catalog = workloads::builtin_catalog();
    const auto* e = catalog.find(name);
    if (!e)
      fail(Column::workload, fmt::format("no workload '{}' in the catalog", name),
           fmt::format("use one of {}, or leave it empty for the trace's power per accelerator",
                       catalog.names()));
    return {e->name, e->energy_kwh * kWattsPerKilowatt / (e->hours * e->gpus)};
  }

  void read_row() {
    const auto& f = row();
    const std::size_t line = csv_.line();
    if (f.size() != header_.fields)
      throw ParseError(file_, line,
                       fmt::format("{} fields, but the header has {}", f.size(), header_.fields),
                       "check for a missing or extra comma on this line");

    const double arrival = number(f, Column::arrival);
    if (arrival < 0)
      fail(Column::arrival,
           fmt::format("arrival {} is negative", header_.field(f, Column::arrival)),
           "times count from the trace's 0: shift the trace so that no arrival is before it");
    if (!jobs_.empty() && arrival < previous_arrival_)
      fail(Column::arrival,
           fmt::format("arrival {} at line {} is before {} at line {}",
                       header_.field(f, Column::arrival), line, previous_arrival_,
                       jobs_.back().line),
           fmt::format("sort the trace by {}", header_.column(Column::arrival)));
    const std::int64_t arrival_s = options_.origin + seconds(arrival, Column::arrival, "arrival");

    // A workload file gives the job's whole power profile (its length) and accelerators: the
    // trace's may then be left empty, and must agree with it when given.
    const workloads::Workload* wl = workload_file();
    const bool length_given = !header_.field(f, Column::length).empty();
    Seconds length_s{0};
    if (wl && !length_given) {
      length_s = wl->duration();
    } else {
      const double length = number(f, Column::length);
      if (length <= 0)
        fail(Column::length,
             fmt::format("length {} is not positive", header_.field(f, Column::length)),
             "give every job a run time > 0, or remove the row");
      length_s = std::max(kMinLength, Seconds{seconds(length, Column::length, "length")});
      if (wl && std::abs((length_s - wl->duration()).count()) > 1) {
        fail(Column::length,
             fmt::format("length {} ({}) is not the workload file's duration, {}",
                         header_.field(f, Column::length), format_duration(length_s),
                         format_duration(wl->duration())),
             "leave it empty to take the workload file's, or give the same length");
      }
      if (wl) length_s = wl->duration();  // what the job runs, to the second (its deadline too)
    }

    double count = 0;
    if (wl && header_.field(f, Column::accelerators).empty()) {
      count = wl->accelerators > 0 ? wl->accelerators : 1;
    } else {
      count = number(f, Column::accelerators);
      if (count < 1 || count > kMaxJobAccelerators || count != std::floor(count))
        fail(Column::accelerators,
             fmt::format("\"{}\" is not a whole number from 1 to {}",
                         header_.field(f, Column::accelerators),
                         fmt::group_digits(kMaxJobAccelerators)),
             "give how many accelerators the job holds");
      if (wl && wl->accelerators > 0 && count != wl->accelerators) {
        fail(Column::accelerators,
             fmt::format("{} accelerators, but the workload file's job has {}",
                         header_.field(f, Column::accelerators), wl->accelerators),
             "leave it empty to take the workload file's, or give the same number");
      }
    }

    std::string workload;
    PowerProfile power = PowerProfile(Seconds{1}, Seconds{1}, {1.0});
    if (wl) {
      workload = wl->name;
      power = site_power(*wl);
    } else {
      double per_accelerator = 0;
      std::tie(workload, per_accelerator) = workload_power();
      power = PowerProfile::uniform(watts(per_accelerator * count) * length_s, length_s);
    }
    ClusterJob job{.id = {},
                   .arrival = arrival_s,
                   .accelerators = static_cast<int>(count),
                   .power = std::move(power),
                   .deadline = std::nullopt,
                   .deferrable = boolean(Column::deferrable).value_or(true),
                   .interruptible = boolean(Column::interruptible).value_or(options_.interruptible),
                   .workload = std::move(workload),
                   .parents = {},
                   .line = line};

    if (header_.has(Column::deadline) && !header_.field(f, Column::deadline).empty()) {
      const double deadline = number(f, Column::deadline);
      if (deadline < arrival)
        fail(Column::deadline,
             fmt::format("deadline {} is before the arrival {}", header_.field(f, Column::deadline),
                         header_.field(f, Column::arrival)),
             "give the deadline on the arrival's axis (time since the trace's 0, not a slack), at "
             "or after the arrival");
      job.deadline = options_.origin + seconds(deadline, Column::deadline, "deadline");
    } else if (options_.slack) {
      job.deadline = arrival_s + length_s.count() + options_.slack->count();
    }

    const std::string_view id = header_.field(f, Column::id);
    job.id = id.empty() ? fmt::format("line {}", line) : std::string(id);
    if (header_.has(Column::after)) read_parents(job, header_.field(f, Column::after));
    if (index_ids_) {
      const auto [at, inserted] = ids_.try_emplace(job.id, static_cast<JobId>(jobs_.size()));
      if (!inserted)
        fail(header_.has(Column::id) ? Column::id : Column::arrival,
             fmt::format("id '{}' at line {} is already the id of line {}", job.id, line,
                         jobs_[at->second].line),
             "give every job its own id");
    }
    previous_arrival_ = arrival;
    jobs_.push_back(std::move(job));
  }

  void read_parents(ClusterJob& job, std::string_view list) {
    std::size_t from = 0;
    while (from <= list.size()) {
      const std::size_t at = std::min(list.find(kAfterSeparator, from), list.size());
      const std::string_view ref = trim(list.substr(from, at - from));
      from = at + 1;
      if (ref.empty()) continue;
      const auto found = ids_.find(std::string(ref));
      if (found == ids_.end()) fail_reference(job.id, ref);
      if (std::find(job.parents.begin(), job.parents.end(), found->second) == job.parents.end())
        job.parents.push_back(found->second);
    }
  }

  // The reference names no earlier job: say whether it is the job itself, a later one or none.
  [[noreturn]] void fail_reference(const std::string& id, std::string_view ref) const {
    if (ref == id)
      fail(Column::after, fmt::format("job '{}' waits for itself", id),
           fmt::format("remove '{}' from its own {} list", id, header_.column(Column::after)));
    const std::size_t later = find_line_of(ref);
    if (later != 0)
      fail(Column::after,
           fmt::format("job '{}' waits for '{}', which is at line {}, after it", id, ref, later),
           "put every job below the jobs it waits for (at the same or a later arrival)");
    fail(Column::after, fmt::format("job '{}' waits for '{}', which is not in the trace", id, ref),
         "name the ids of jobs on earlier lines, separated by ';'");
  }

  // The line of the job called `id` below the current row, or 0. Only on the error path.
  std::size_t find_line_of(std::string_view id) const {
    CsvCursor scan(text_, ',', file_);
    try {
      scan.next();  // the header
      while (scan.next()) {
        if (scan.line() <= csv_.line() || scan.fields().size() != header_.fields) continue;
        const std::string_view own = header_.field(scan.fields(), Column::id);
        if (own.empty() ? fmt::format("line {}", scan.line()) == id : own == id) return scan.line();
      }
    } catch (const ParseError&) {
      // A malformed row further down: the reference is reported as unknown.
    }
    return 0;
  }

  std::string_view text_;
  const std::string& file_;
  const TraceOptions& options_;
  std::vector<TraceWorkloadFile>* workload_files_;
  CsvCursor csv_;
  Header header_;
  std::string unit_;
  bool index_ids_;
  std::unordered_map<std::string, JobId> ids_;
  std::map<std::string, workloads::Workload> files_;  // workload files by name as written
  std::vector<ClusterJob> jobs_;
  double previous_arrival_ = 0;
};

}  // namespace

std::vector<ClusterJob> parse_trace(std::string_view text, const std::string& file,
                                    const TraceOptions& options,
                                    std::vector<TraceWorkloadFile>* workload_files) {
  check_options(options);
  return TraceReader(text, file, options, workload_files).read();
}

std::vector<ClusterJob> read_trace(const std::filesystem::path& path, const TraceOptions& options,
                                   std::vector<TraceWorkloadFile>* workload_files) {
  check_options(options);
  const std::string text = read_file(path);
  return parse_trace(text, path.string(), options, workload_files);
}

double catalog_accelerator_watts() {
  static const double w = [] {
    double kwh_total = 0;
    double gpu_hours = 0;
    for (const auto& e : workloads::builtin_catalog().entries()) {
      kwh_total += e.energy_kwh;
      gpu_hours += e.hours * e.gpus;
    }
    return kwh_total * kWattsPerKilowatt / gpu_hours;
  }();
  return w;
}

}  // namespace shiftsim::workloads::jobs
