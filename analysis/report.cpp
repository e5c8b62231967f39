#include "analysis/report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <tuple>
#include <variant>

#include "grids/calibrated.hpp"
#include "grids/regions.hpp"
#include "grids/resample.hpp"
#include "grids/surrogate.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/quantiles.hpp"
#include "sim/policy.hpp"
#include "sim/simulate.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::embedded {
extern const std::string_view published_tables_csv;
extern const std::string_view published_table3_csv;
}  // namespace shiftsim::embedded

namespace shiftsim::analysis {

namespace {

using experiments::Cube;
using experiments::Labels;
using experiments::Times;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kFig1Kwh = 37.3;  // BERT pretraining's energy, by which Fig. 1 divides

// The paper's windows in its order, each with its appendix table number.
struct PaperWindow {
  const char* window;
  int table;
};
constexpr PaperWindow kWindows[] = {{"6h", 10}, {"12h", 11}, {"18h", 12}, {"24h", 13},
                                    {"25%", 6}, {"50%", 7},  {"75%", 8},  {"100%", 9}};
const std::vector<std::string> kPaperWorkloads{
    "bert-finetune", "bert-pretrain", "transformer-6b", "densenet-121", "densenet-169",
    "densenet-201",  "vit-tiny",      "vit-small",      "vit-base",     "vit-large",
    "vit-huge"};

// Published Tables 4-13: (window, quantity, workload) -> value.
std::map<std::tuple<std::string, std::string, std::string>, double> published_tables() {
  std::map<std::tuple<std::string, std::string, std::string>, double> out;
  const auto rows = read_data_table(embedded::published_tables_csv,
                                    "analysis/data/dodge2022_tables4-13.csv", 3 + kPaperWorkloads.size());
  for (const auto& r : rows) {
    for (std::size_t w = 0; w < kPaperWorkloads.size(); ++w) {
      out[{r[1], r[2], kPaperWorkloads[w]}] = std::stod(r[3 + w]);
    }
  }
  return out;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    s += x;
    ++n;
  }
  return n == 0 ? kNaN : s / static_cast<double>(n);
}

// Index access to a sweep cube's variables.
class View {
 public:
  explicit View(const Cube& c) : c_(c) {
    auto labels = [&](const char* dim) -> const std::vector<std::string>& {
      try {
        return std::get<Labels>(c.dim(dim).coords).values;
      } catch (const std::out_of_range&) {  // no such dimension
        throw ConfigError(
            fmt::format("not a shiftsim sweep cube: it has no '{}' dimension "
                        "(make one with 'shiftsim run')",
                        dim));
      } catch (const std::bad_variant_access&) {  // a dimension of times or numbers
        throw ConfigError(fmt::format("not a shiftsim sweep cube: it has no '{}' dimension of "
                                      "labels (make one with 'shiftsim run')",
                                      dim));
      }
    };
    workloads = labels("workload");
    // Loaded once: tables ask for durations and labels per window and region.
    for (const auto& w : workloads) {
      try {
        jobs.emplace_back(shiftsim::workloads::load_workload(w));
      } catch (const Error&) {
        jobs.emplace_back(std::nullopt);  // a workload file not reachable from here
      }
    }
    regions = labels("region");
    policies = labels("policy");
    try {
      starts = std::get<Times>(c.dim("start").coords).values;
      (void)c.var("baseline_g");
      (void)c.var("savings_pct_mean");
      (void)c.var("pauses_mean");
    } catch (const std::out_of_range&) {  // a variable missing
      throw ConfigError(
          "not a shiftsim sweep cube: it lacks the start axis or the baseline_g, "
          "savings_pct_mean or pauses_mean variables (make one with 'shiftsim run')");
    } catch (const std::bad_variant_access&) {  // a start axis not of times
      throw ConfigError("not a shiftsim sweep cube: it lacks the start axis or the baseline_g, "
                        "savings_pct_mean or pauses_mean variables (make one with 'shiftsim run')");
    }
    const auto& dims = c.var("valid_starts").dims;
    if (std::find(dims.begin(), dims.end(), "forecast") != dims.end()) {
      const auto& f = labels("forecast");
      nf = f.size();
      const auto it = std::find(f.begin(), f.end(), "perfect");
      fi = it == f.end() ? 0 : static_cast<std::size_t>(it - f.begin());
      reading = fmt::format("forecast '{}'", f[fi]);
    }
    if (std::find(dims.begin(), dims.end(), "seed") != dims.end()) {
      ns = labels("seed").size();
      reading += fmt::format("{}seed {}", reading.empty() ? "" : ", ", labels("seed")[0]);
    }
  }

  std::optional<std::size_t> policy(const std::string& label) const {
    const auto it = std::find(policies.begin(), policies.end(), label);
    if (it == policies.end()) return std::nullopt;
    return static_cast<std::size_t>(it - policies.begin());
  }
  std::optional<std::size_t> workload(const std::string& name) const {
    const auto it = std::find(workloads.begin(), workloads.end(), name);
    if (it == workloads.end()) return std::nullopt;
    return static_cast<std::size_t>(it - workloads.begin());
  }
  std::optional<std::size_t> region(const std::string& name) const {
    for (std::size_t r = 0; r < regions.size(); ++r) {
      if (iequals(regions[r], name)) return r;
    }
    return std::nullopt;
  }
  double summary(const std::string& var, std::size_t w, std::size_t r, std::size_t p) const {
    const std::size_t cell = ((w * regions.size() + r) * policies.size() + p) * nf * ns + fi * ns;
    return c_.var(var).f64[cell];
  }
  double baseline(std::size_t w, std::size_t r, std::size_t t) const {
    return c_.var("baseline_g").f64[(w * regions.size() + r) * starts.size() + t];
  }

  // The job's duration in hours; NaN if its workload cannot be loaded here.
  double duration_h(std::size_t w) const {
    return jobs[w] ? static_cast<double>(jobs[w]->duration().count()) / 3600.0 : kNaN;
  }
  std::string label(std::size_t w) const { return jobs[w] ? jobs[w]->label : workloads[w]; }

  std::vector<std::string> workloads, regions, policies;
  std::vector<std::optional<shiftsim::workloads::Workload>> jobs;  // per workload, loaded
  std::vector<std::int64_t> starts;
  std::string reading;  // which forecast and seed the tables read, when the cube has several

 private:
  const Cube& c_;
  std::size_t nf = 1, ns = 1, fi = 0;
};

std::string attr(const Cube& c, const std::string& key) {
  const auto it = c.attrs.find(key);
  return it == c.attrs.end() ? std::string{} : it->second;
}

// "East US: PJM_ROANOKE/surrogate/direct (source) sha256=..." lines -> region -> line parts.
struct SeriesNote {
  std::string key, source, sha256;
};
std::map<std::string, SeriesNote> series_notes(const Cube& c) {
  std::map<std::string, SeriesNote> out;
  std::istringstream in(attr(c, "grid_series"));
  std::string line;
  while (std::getline(in, line)) {
    const auto colon = line.find(": ");
    const auto paren = line.find(" (", colon);
    const auto sha = line.rfind(" sha256=");
    if (colon == std::string::npos || paren == std::string::npos || sha == std::string::npos) continue;
    out[line.substr(0, colon)] = {line.substr(colon + 2, paren - colon - 2),
                                  line.substr(paren + 2, sha - paren - 3), line.substr(sha + 8)};
  }
  return out;
}

std::string data_paragraph(const Cube& c, const View& v) {
  const auto notes = series_notes(c);
  std::set<std::string> kinds, sources;
  for (const auto& [region, n] : notes) {
    const auto slash = n.key.find('/');
    kinds.insert(slash == std::string::npos ? n.key : n.key.substr(slash + 1));
    sources.insert(n.source);
  }
  std::set<int> years;
  for (auto t : v.starts) years.insert(year_of(TimePoint{Seconds{t}}));
  std::string text = fmt::format(
      "Data: {} grid series of {} region(s), signal/basis {}, from {}; starts in {}; simulation "
      "step {}.",
      notes.size(), v.regions.size(), fmt::join(kinds, ", "), fmt::join(sources, "; "),
      fmt::join(years, ", "), attr(c, "simulation_step"));
  if (const auto warning = attr(c, "data_warning"); !warning.empty()) {
    text += fmt::format(" {}.", warning);
  }
  text += " The paper used WattTime marginal (MOER) data, which is not public; values here are "
          "not the paper's unless computed on the same data.";
  if (!v.reading.empty()) text += fmt::format(" Read at {}.", v.reading);
  return text;
}

Table table2(const View& v, const std::string& data) {
  Table t{"table2", "Table 2: the workloads", {"From the workload catalog (the paper's Table 2) "
                                               "or the user's workload files. " + data},
          {{"workload", 0}, {"label", 0}, {"accelerators", 0}, {"hours", 1}, {"energy (kWh)", 1}},
          {}};
  for (std::size_t w = 0; w < v.workloads.size(); ++w) {
    if (const auto& wl = v.jobs[w]) {
      t.rows.push_back({v.workloads[w], wl->label,
                        fmt::format("{} x {}", wl->accelerators, wl->accelerator),
                        v.duration_h(w), wl->energy().value});
    } else {
      t.rows.push_back({v.workloads[w], std::string("(cannot be loaded here)"), std::string("?"),
                        kNaN, kNaN});
    }
  }
  return t;
}

// What a per-region column holds: savings (%), pauses per run, or pauses per hour of the job's
// duration D or of the whole window (N + D, the hours pause-resume may spread the job over).
enum class Quantity { savings, pauses_per_run, pauses_per_job_hour, pauses_per_window_hour };

// The window N of a policy label "pause-resume/25%" for a job of `hours`, in hours; NaN if the
// label has no window.
double window_hours(const std::string& label, double hours) {
  const auto slash = label.rfind('/');
  if (slash == std::string::npos || std::isnan(hours)) return kNaN;
  try {
    const auto d = Seconds{static_cast<std::int64_t>(std::llround(hours * 3600))};
    return static_cast<double>(
               sim::Window::parse(label.substr(slash + 1)).for_duration(d).count()) /
           3600.0;
  } catch (const ConfigError&) {
    return kNaN;
  }
}

// A quantity of a (workload, policy), per region; NaN where missing.
std::vector<double> per_region(const View& v, std::size_t w, std::size_t p, Quantity q) {
  std::vector<double> out(v.regions.size(), kNaN);
  const double d = v.duration_h(w);
  const double hours = q == Quantity::pauses_per_job_hour      ? d
                       : q == Quantity::pauses_per_window_hour ? d + window_hours(v.policies[p], d)
                                                               : 1.0;
  for (std::size_t r = 0; r < v.regions.size(); ++r) {
    out[r] = q == Quantity::savings ? v.summary("savings_pct_mean", w, r, p)
                                    : v.summary("pauses_mean", w, r, p) / hours;
  }
  return out;
}
std::vector<double> per_region(const View& v, std::size_t w, std::size_t p, bool pauses_per_h) {
  return per_region(v, w, p, pauses_per_h ? Quantity::pauses_per_window_hour : Quantity::savings);
}

void savings_tables(const View& v, const std::string& data, std::vector<Table>& out) {
  const auto published = published_tables();
  for (const auto& pw : kWindows) {
    const auto fs = v.policy(fmt::format("flexible-start/{}", pw.window));
    const auto pr = v.policy(fmt::format("pause-resume/{}", pw.window));
    if (!fs && !pr) continue;
    Table t;
    t.id = fmt::format("table{}_{}", pw.table, pw.window);
    if (t.id.back() == '%') t.id = t.id.substr(0, t.id.size() - 1) + "pct";
    t.title = fmt::format("Table {}: window {}: mean emissions decrease (%) and pauses per hour",
                          pw.table, pw.window);
    t.notes = {fmt::format("Per workload: the mean over starts in each region, then the plain mean "
                           "over the {} regions. Paper: the published value (5 starts per month, "
                           "16 regions, marginal data); diff = ours - paper. Pauses: "
                           "pause-resume's pauses per run, per hour of the whole window (N plus "
                           "the job's duration) and per hour of the job's duration. The paper "
                           "does not state its denominator; its 'Pauses / hr' column rises with "
                           "the window for short jobs, which only the window denominator gives, "
                           "so the comparison is with that one (both diffs are shown).{}",
                           v.regions.size(),
                           pw.table == 13  ? " Table 4 of the main text is this table."
                           : pw.table == 9 ? " Table 5 of the main text is this table."
                                           : ""),
               data};
    t.columns.push_back({"quantity", 0});
    for (const auto& w : v.workloads) t.columns.push_back({w, 2});  // pauses/h need 2 decimals
    struct Row {
      std::optional<std::size_t> p;
      const char* quantity;  // in the published table; empty: not published
      const char* name;
      Quantity q;
      bool show_paper;  // a paper row before this row's diff
    };
    for (const Row& row :
         {Row{fs, "flexible-start", "FS", Quantity::savings, true},
          Row{pr, "pause-resume", "P&R", Quantity::savings, true},
          Row{pr, "", "P&R pauses/run", Quantity::pauses_per_run, false},
          Row{pr, "pauses-per-hour", "P&R pauses/window-h", Quantity::pauses_per_window_hour, true},
          Row{pr, "pauses-per-hour", "P&R pauses/job-h", Quantity::pauses_per_job_hour, false}}) {
      if (!row.p) continue;
      std::vector<Value> ours{std::string(row.name)}, paper{std::string(row.name) + " (paper)"},
          diff{std::string(row.name) + " (diff)"};
      for (std::size_t w = 0; w < v.workloads.size(); ++w) {
        const double o = mean_of(per_region(v, w, *row.p, row.q));
        const auto it = published.find({pw.window, row.quantity, v.workloads[w]});
        const double p = it == published.end() ? kNaN : it->second;
        ours.push_back(o);
        paper.push_back(p);
        diff.push_back(o - p);
      }
      t.rows.push_back(ours);
      if (row.show_paper) t.rows.push_back(paper);
      if (*row.quantity != '\0') t.rows.push_back(diff);
    }
    out.push_back(std::move(t));
  }
}

void region_tables(const View& v, const std::string& data, std::vector<Table>& out) {
  for (const auto& pw : kWindows) {
    struct Kind {
      const char* prefix;
      const char* id;
      const char* what;
      bool pauses;
    };
    for (const Kind& k :
         {Kind{"flexible-start", "fs", "flexible start: mean emissions decrease (%)", false},
          Kind{"pause-resume", "pr", "pause-resume: mean emissions decrease (%)", false},
          Kind{"pause-resume", "pauses",
               "pause-resume: pauses per hour of the whole window (N + duration)", true}}) {
      const auto p = v.policy(fmt::format("{}/{}", k.prefix, pw.window));
      if (!p) continue;
      Table t;
      t.id = fmt::format("region_{}_{}", k.id, pw.window);
      if (t.id.back() == '%') t.id = t.id.substr(0, t.id.size() - 1) + "pct";
      t.title = fmt::format("Per region, window {}: {}", pw.window, k.what);
      t.notes = {"Mean over the starts in each region; the last row is the plain mean over regions "
                 "(the paper's tables).",
                 data};
      t.columns.push_back({"region", 0});
      for (const auto& w : v.workloads) t.columns.push_back({w, k.pauses ? 2 : 1});
      std::vector<std::vector<double>> cols;
      for (std::size_t w = 0; w < v.workloads.size(); ++w) cols.push_back(per_region(v, w, *p, k.pauses));
      for (std::size_t r = 0; r < v.regions.size(); ++r) {
        std::vector<Value> row{v.regions[r]};
        for (const auto& c : cols) row.push_back(c[r]);
        t.rows.push_back(row);
      }
      std::vector<Value> mean{std::string("mean over regions")};
      for (const auto& c : cols) mean.push_back(mean_of(c));
      t.rows.push_back(mean);
      out.push_back(std::move(t));
    }
  }
}

// Fig. 1: BERT pretraining's baseline per region and month (kg), with the paper's read-off mean.
std::optional<Table> fig1(const View& v, const std::string& data) {
  const auto w = v.workload("bert-pretrain");
  if (!w) return std::nullopt;
  static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Table t{"fig1", "Fig. 1: BERT pretraining, emissions per region and month (kg CO2eq)",
          {"Baseline (start at the requested time), mean over the starts in each month. Paper: "
           "the yearly mean of the values read off the paper's Fig. 1 by eye (about +-0.5 kg).",
           data},
          {{"region", 0}},
          {}};
  for (const char* m : kMonths) t.columns.push_back({m, 1});
  t.columns.push_back({"year", 1});
  t.columns.push_back({"paper (read-off)", 1});
  for (std::size_t r = 0; r < v.regions.size(); ++r) {
    std::vector<std::vector<double>> months(12);
    std::vector<double> all;
    for (std::size_t i = 0; i < v.starts.size(); ++i) {
      const double b = v.baseline(*w, r, i);
      if (std::isnan(b)) continue;
      months[month_of(TimePoint{Seconds{v.starts[i]}}) - 1].push_back(b / 1000);
      all.push_back(b / 1000);
    }
    std::vector<Value> row{v.regions[r]};
    for (const auto& m : months) row.push_back(mean_of(m));
    row.push_back(mean_of(all));
    double paper = kNaN;
    if (grids::find_region(v.regions[r]) != nullptr) {
      try {
        const auto g = grids::fig1_monthly_intensity(grids::find_region(v.regions[r])->label);
        double s = 0;
        for (double x : g) s += x;
        paper = s / 12 * kFig1Kwh / 1000;
      } catch (const ConfigError&) {  // a region without a Fig. 1 row: no published value
      }
    }
    row.push_back(paper);
    t.rows.push_back(row);
  }
  return t;
}

Table fig2(const View& v, const std::string& data) {
  Table t{"fig2", "Fig. 2: emissions per workload over regions and start times (g CO2eq)",
          {"Baseline (start at the requested time) over every region and start of the cube; "
           "quartiles by linear interpolation.",
           data},
          {{"workload", 0}, {"min", 1}, {"25%", 1}, {"median", 1}, {"mean", 1}, {"75%", 1}, {"max", 1}},
          {}};
  for (std::size_t w = 0; w < v.workloads.size(); ++w) {
    std::vector<double> x;
    for (std::size_t r = 0; r < v.regions.size(); ++r) {
      for (std::size_t i = 0; i < v.starts.size(); ++i) {
        const double b = v.baseline(w, r, i);
        if (!std::isnan(b)) x.push_back(b);
      }
    }
    const double mean = mean_of(x);
    const auto q = quantiles(x, {0, 0.25, 0.5, 0.75, 1});
    t.rows.push_back({v.workloads[w], q[0], q[1], q[2], mean, q[3], q[4]});
  }
  return t;
}

// Baseline emissions (g) of a workload started at `t` on a series; NaN when it cannot finish.
double baseline_at(const grids::RegularSeries& s, const workloads::Workload& w, TimePoint t) {
  sim::RunRequest rq{&s, {}, w.name, w.facility_profile(), w.embodied, t, sim::Policy{}};
  const auto r = sim::simulate(rq);
  return r.outcome == sim::Outcome::ok ? r.record.operational.value : kNaN;
}

struct HourFindings {
  std::optional<Table> table3;
  double midnight_mean = kNaN, midnight_max = kNaN;
  std::size_t days = 0;
};

// Table 3 and the midnight-versus-6:00 finding need runs the cube does not hold: BERT finetune
// in Central US at fixed hours. They are computed from the store, on the cube's own series.
HourFindings hour_findings(const Cube& c, const View& v, const grids::GridStore& store,
                           const std::string& data) {
  HourFindings out;
  const auto r = v.region("Central US");
  if (!r || v.starts.empty()) return out;
  const auto notes = series_notes(c);
  const auto note = notes.find(v.regions[*r]);
  const grids::Series* series = nullptr;
  for (const auto* s : grids::series_for(store, v.regions[*r], std::nullopt, std::nullopt)) {
    if (note == notes.end() || s->key.label() == note->second.key) series = s;
    if (series != nullptr) break;
  }
  if (series == nullptr) {
    throw ConfigError(fmt::format("the grid store has no series for {} ({}); give the store the "
                                  "cube was computed on (--grids)",
                                  v.regions[*r], note == notes.end() ? "" : note->second.key));
  }
  if (note != notes.end()) {
    if (grids::values_sha256(*series) != note->second.sha256) {
      throw ConfigError(fmt::format(
          "the grid store's series {} differs from the one the cube was computed on (SHA-256 "
          "differs); give the store the cube was computed on (--grids)",
          note->second.key));
    }
  }
  const Seconds step = parse_duration(attr(c, "simulation_step"), "simulation_step");
  const auto s = grids::read_at_step(*series, step);
  const auto w = workloads::load_workload("bert-finetune");
  const int year = year_of(TimePoint{Seconds{v.starts.front()}});

  Table t{"table3", fmt::format("Table 3: BERT finetune in Central US, emissions by start hour "
                                "(g CO2eq), 1-3 January {} (UTC)", year),
          {fmt::format("Baseline runs on the cube's series for Central US ({}). The paper's values "
                       "(marginal data; its days and time zone are not stated) are beside.",
                       series->key.label()),
           data},
          {{"day", 0}},
          {}};
  for (int h = 0; h < 24; h += 3) t.columns.push_back({fmt::format("{:02}:00", h), 0});
  for (int d = 1; d <= 3; ++d) {
    std::vector<Value> row{fmt::format("{}-01-{:02}", year, d)};
    for (int h = 0; h < 24; h += 3) row.push_back(baseline_at(s, w, make_time(year, 1, d, h)));
    t.rows.push_back(row);
  }
  for (const auto& p : read_data_table(embedded::published_table3_csv,
                                       "analysis/data/dodge2022_table3.csv", 9)) {
    std::vector<Value> row{"paper, day " + p[0]};
    for (std::size_t i = 1; i < p.size(); ++i) row.push_back(std::stod(p[i]));
    t.rows.push_back(row);
  }
  out.table3 = std::move(t);

  // Every day of the cube's years: (E(00:00) - E(06:00)) / E(06:00).
  std::set<int> years;
  for (auto x : v.starts) years.insert(year_of(TimePoint{Seconds{x}}));
  std::vector<double> increase;
  for (int y : years) {
    for (TimePoint day = make_time(y, 1, 1); year_of(day) == y; day += Seconds{86400}) {
      const double e0 = baseline_at(s, w, day), e6 = baseline_at(s, w, day + Seconds{6 * 3600});
      if (!std::isnan(e0) && !std::isnan(e6) && e6 > 0) increase.push_back(100 * (e0 - e6) / e6);
    }
  }
  out.days = increase.size();
  if (!increase.empty()) {
    out.midnight_mean = mean_of(increase);
    out.midnight_max = *std::max_element(increase.begin(), increase.end());
  }
  return out;
}

// The largest per-region mean saving of policies starting with `prefix` (and, if given, of one
// workload and window): value and where.
struct Best {
  double value = kNaN;
  std::string where;
};
Best best_saving(const View& v, const std::string& prefix, const std::string& workload,
                 const std::string& window) {
  Best b;
  for (std::size_t p = 0; p < v.policies.size(); ++p) {
    const auto& label = v.policies[p];
    if (!label.starts_with(prefix + "/")) continue;
    if (!window.empty() && label != prefix + "/" + window) continue;
    for (std::size_t w = 0; w < v.workloads.size(); ++w) {
      if (!workload.empty() && v.workloads[w] != workload) continue;
      for (std::size_t r = 0; r < v.regions.size(); ++r) {
        const double x = v.summary("savings_pct_mean", w, r, p);
        if (!std::isnan(x) && (std::isnan(b.value) || x > b.value)) {
          b.value = x;
          b.where = fmt::format("{}, {}, {}", v.label(w), v.regions[r],
                                label.substr(prefix.size() + 1));
        }
      }
    }
  }
  return b;
}

// The windows of Figs. 3 (flexible start) and 4 (pause-resume), in the figures' order.
constexpr const char* kFs[] = {"6h", "12h", "18h", "24h"};
constexpr const char* kPr[] = {"25%", "50%", "75%", "100%"};
// The policy label of window k of Fig. `fig` (3 or 4).
std::string fig34_policy(int fig, std::size_t k) {
  return fmt::format("{}/{}", fig == 3 ? "flexible-start" : "pause-resume", fig == 3 ? kFs[k] : kPr[k]);
}

// Figs. 3 and 4 per region: DenseNet-201 and the 6B model, flexible start at 6-24 h (Fig. 3) and
// pause-resume at 25-100 % (Fig. 4), beside the values read off the paper's bar charts.
struct Fig34Cell {
  double ours = kNaN, paper = kNaN;
};
// (figure 3 or 4, workload, region index in the cube) -> 4 windows.
std::map<std::tuple<int, std::string, std::size_t>, std::array<Fig34Cell, 4>> fig34_cells(
    const View& v) {
  std::map<std::tuple<int, std::string, std::size_t>, std::array<Fig34Cell, 4>> out;
  for (int fig : {3, 4}) {
    for (const char* name : {"densenet-201", "transformer-6b"}) {
      const auto w = v.workload(name);
      if (!w) continue;
      for (std::size_t r = 0; r < v.regions.size(); ++r) {
        const grids::Region* region = grids::find_region(v.regions[r]);
        const grids::PaperFig34* paper = region ? grids::find_paper_fig34(region->label) : nullptr;
        std::array<Fig34Cell, 4> cells;
        for (std::size_t k = 0; k < 4; ++k) {
          const auto p = v.policy(fig34_policy(fig, k));
          if (p) cells[k].ours = v.summary("savings_pct_mean", *w, r, *p);
          if (paper) {
            const bool dn = std::string_view(name) == "densenet-201";
            cells[k].paper = fig == 3 ? (dn ? paper->fs_densenet201 : paper->fs_6b)[k]
                                      : (dn ? paper->pr_densenet201 : paper->pr_6b)[k];
          }
        }
        out[{fig, name, r}] = cells;
      }
    }
  }
  return out;
}

void fig34_tables(const View& v, const std::string& data, std::vector<Table>& out) {
  const auto cells = fig34_cells(v);
  for (int fig : {3, 4}) {
    for (const char* name : {"densenet-201", "transformer-6b"}) {
      const auto w = v.workload(name);
      if (!w) continue;
      bool any = false;  // a figure without any of its policies in the cube is left out
      for (std::size_t k = 0; k < 4; ++k)
        any = any || v.policy(fig34_policy(fig, k));
      if (!any) continue;
      Table t;
      t.id = fmt::format("fig{}_{}", fig, name);
      t.title = fmt::format("Fig. {}: {} per region, {}: mean emissions decrease (%)", fig,
                            v.label(*w), fig == 3 ? "flexible start" : "pause-resume");
      t.notes = {
          "Mean over the starts in each region, beside the value read off the paper's bar "
          "chart (dodge2022.md section 5c, about +-3 % of the axis range); |diff| is the "
          "mean absolute difference over the four windows. These are the values the "
          "calibrated surrogate is fitted to: on it they show the fit, not a prediction.",
          data};
      t.columns.push_back({"region", 0});
      const int decimals = std::string_view(name) == "transformer-6b" && fig == 3 ? 2 : 1;
      for (std::size_t k = 0; k < 4; ++k) {
        const char* win = fig == 3 ? kFs[k] : kPr[k];
        t.columns.push_back({win, decimals});
        t.columns.push_back({fmt::format("{} paper", win), decimals});
      }
      t.columns.push_back({"|diff|", 2});
      std::vector<double> all_diffs;
      for (std::size_t r = 0; r < v.regions.size(); ++r) {
        const auto& c = cells.at({fig, name, r});
        std::vector<Value> row{v.regions[r]};
        std::vector<double> diffs;
        for (const auto& x : c) {
          row.push_back(x.ours);
          row.push_back(x.paper);
          if (!std::isnan(x.ours) && !std::isnan(x.paper))
            diffs.push_back(std::abs(x.ours - x.paper));
        }
        row.push_back(mean_of(diffs));
        all_diffs.insert(all_diffs.end(), diffs.begin(), diffs.end());
        t.rows.push_back(row);
      }
      std::vector<Value> mean{std::string("mean over regions")};
      for (std::size_t k = 0; k < 4; ++k) {
        std::vector<double> o, p;
        for (std::size_t r = 0; r < v.regions.size(); ++r) {
          const auto& x = cells.at({fig, name, r})[k];
          o.push_back(x.ours);
          p.push_back(x.paper);
        }
        mean.push_back(mean_of(o));
        mean.push_back(mean_of(p));
      }
      mean.push_back(mean_of(all_diffs));
      t.rows.push_back(mean);
      out.push_back(std::move(t));
    }
  }
}

// The region with the largest mean saving of a (workload, policy); empty if none.
std::string best_region(const View& v, const std::string& workload, const std::string& policy) {
  const auto w = v.workload(workload);
  const auto p = v.policy(policy);
  if (!w || !p) return {};
  std::string best;
  double value = kNaN;
  for (std::size_t r = 0; r < v.regions.size(); ++r) {
    const double x = v.summary("savings_pct_mean", *w, r, *p);
    if (!std::isnan(x) && (std::isnan(value) || x > value)) value = x, best = v.regions[r];
  }
  return best;
}

struct ErrorSummary {
  double mean_abs = kNaN, max_abs = kNaN;
  std::size_t cells = 0, over3 = 0;
  std::string worst;
};
ErrorSummary summarise_errors(const std::vector<std::pair<double, std::string>>& diffs) {
  ErrorSummary e;
  double sum = 0;
  for (const auto& [d, where] : diffs) {
    if (std::isnan(d)) continue;
    const double a = std::abs(d);
    sum += a;
    ++e.cells;
    e.over3 += a > 3.0;
    if (std::isnan(e.max_abs) || a > e.max_abs) e.max_abs = a, e.worst = where;
  }
  if (e.cells > 0) e.mean_abs = sum / double(e.cells);
  return e;
}

// Spearman's rank correlation (average ranks for ties); NaN with fewer than 3 pairs.
double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  std::vector<std::size_t> ok;
  for (std::size_t i = 0; i < x.size(); ++i)
    if (!std::isnan(x[i]) && !std::isnan(y[i])) ok.push_back(i);
  if (ok.size() < 3) return kNaN;
  auto ranks = [&](const std::vector<double>& v) {
    std::vector<std::size_t> order(ok.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](auto a, auto b) { return v[ok[a]] < v[ok[b]]; });
    std::vector<double> r(ok.size());
    for (std::size_t i = 0; i < order.size();) {
      std::size_t j = i;
      while (j + 1 < order.size() && v[ok[order[j + 1]]] == v[ok[order[i]]]) ++j;
      for (std::size_t k = i; k <= j; ++k) r[order[k]] = (double(i) + double(j)) / 2.0 + 1.0;
      i = j + 1;
    }
    return r;
  };
  const auto rx = ranks(x), ry = ranks(y);
  const double n = double(ok.size()), mean = (n + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < ok.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : kNaN;
}

// "Calibration and validation": what the data were fitted to, and the error on what they were
// not fitted to (the calibrated surrogate's check; on other data, the same figures describe how
// far the cube is from the paper).
Table validation(const Cube& c, const View& v, const std::string& data) {
  // Calibrated when every region's series is the calibrated surrogate (the provenance names
  // each region's series with its source, one line per region).
  std::size_t n_calibrated = 0;
  {
    std::istringstream lines(attr(c, "grid_series"));
    for (std::string line; std::getline(lines, line);)
      n_calibrated += line.find(grids::kCalibratedNote) != std::string::npos;
  }
  const bool calibrated = n_calibrated > 0 && n_calibrated == v.regions.size();
  Table t{"validation",
          "Calibration and validation",
          {calibrated
               ? "The data are the calibrated surrogate (SYNTHETIC, calibrated to Dodge et al. "
                 "Figs. 3-4): per region, the daily amplitude, day-to-day swing, short-term noise "
                 "and its persistence and a clean-margin regime were fitted to the 256 values of "
                 "the paper's Figs. 3-4 (DenseNet-201 and the 6B model, flexible start at 6-24 h "
                 "and pause-resume at 25-100 %, grids/data/surrogate_calibrated.csv), and to "
                 "nothing else. Everything below the first rows is what the fit never saw: the "
                 "nine other workloads of Tables 4-13, the other windows of the two fitted ones, "
                 "the pause counts and the headline findings. Fig. 1's monthly levels are imposed "
                 "by construction (each month's mean is Fig. 1's), so their row checks the chain, "
                 "not the fit."
           : n_calibrated > 0
               ? fmt::format("{} of the cube's {} regions use the calibrated surrogate; the "
                             "rows mix fitted and unfitted data, so read them per region "
                             "(the Fig. 3-4 tables).",
                             n_calibrated, v.regions.size())
               : "The data were not fitted to the paper; these rows say how far the cube is "
                 "from it.",
           v.regions.size() == 16
               ? "Differences in percentage points (pauses: per window hour); Tables 4-13 are the "
                 "plain mean over the cube's regions as the paper's are over its 16."
               : fmt::format("Differences in percentage points (pauses: per window hour). The cube "
                             "has {} of the paper's 16 regions, so its Tables 4-13 rows compare a "
                             "mean over {} region(s) with the paper's mean over 16: context, not "
                             "a check.",
                             v.regions.size(), v.regions.size()),
           data},
          {{"check", 0},
           {"cells", 0},
           {"mean |diff|", 2},
           {"max |diff|", 2},
           {"cells over 3 pp", 0},
           {"worst cell", 0}},
          {}};
  auto add = [&](const std::string& what, const ErrorSummary& e) {
    t.rows.push_back({what, fmt::format("{}", e.cells), e.mean_abs, e.max_abs,
                      fmt::format("{}", e.over3), e.worst});
  };
  // Figs. 3-4 per region.
  std::vector<std::pair<double, std::string>> fitted;
  for (const auto& [key, cells] : fig34_cells(v)) {
    const auto& [fig, name, r] = key;
    for (std::size_t k = 0; k < 4; ++k)
      fitted.push_back({cells[k].ours - cells[k].paper,
                        fmt::format("{}, {}, {}", name, v.regions[r], fig == 3 ? kFs[k] : kPr[k])});
  }
  add(calibrated ? "Figs. 3-4 per region (FITTED)" : "Figs. 3-4 per region",
      summarise_errors(fitted));
  // How well the ranking of regions agrees: Spearman per (figure, workload, window), then the mean.
  {
    std::map<std::tuple<int, std::string, std::size_t>,
             std::pair<std::vector<double>, std::vector<double>>>
        by;
    for (const auto& [key, cells] : fig34_cells(v)) {
      const auto& [fig, name, r] = key;
      for (std::size_t k = 0; k < 4; ++k) {
        auto& [o, p] = by[{fig, name, k}];
        o.push_back(cells[k].ours);
        p.push_back(cells[k].paper);
      }
    }
    std::vector<double> rho;
    double worst = kNaN;
    std::string where;
    for (const auto& [key, op] : by) {
      const double x = spearman(op.first, op.second);
      if (std::isnan(x)) continue;
      rho.push_back(x);
      if (std::isnan(worst) || x < worst) {
        worst = x;
        const auto& [fig, name, k] = key;
        where = fmt::format("{}, {}, {}", name, fig == 3 ? "flexible-start" : "pause-resume",
                            fig == 3 ? kFs[k] : kPr[k]);
      }
    }
    t.rows.push_back({std::string("Figs. 3-4: rank agreement of regions (Spearman; mean, lowest)"),
                      fmt::format("{}", rho.size()), mean_of(rho), worst, std::string("-"),
                      rho.empty() ? std::string("n/a (fewer than 3 regions)") : where});
  }
  // Tables 4-13.
  const auto published = published_tables();
  std::vector<std::pair<double, std::string>> held, all, pauses_window, pauses_job;
  for (const auto& pw : kWindows) {
    for (const char* kind : {"flexible-start", "pause-resume"}) {
      const auto p = v.policy(fmt::format("{}/{}", kind, pw.window));
      if (!p) continue;
      for (std::size_t w = 0; w < v.workloads.size(); ++w) {
        const auto it = published.find({pw.window, kind, v.workloads[w]});
        if (it == published.end()) continue;
        const double d = mean_of(per_region(v, w, *p, Quantity::savings)) - it->second;
        const std::string where = fmt::format("{}, {}, {}", v.workloads[w], kind, pw.window);
        all.push_back({d, where});
        if (v.workloads[w] != "densenet-201" && v.workloads[w] != "transformer-6b")
          held.push_back({d, where});
        if (std::string_view(kind) == "pause-resume") {
          const auto ip = published.find({pw.window, "pauses-per-hour", v.workloads[w]});
          if (ip == published.end()) continue;
          pauses_window.push_back(
              {mean_of(per_region(v, w, *p, Quantity::pauses_per_window_hour)) - ip->second,
               where});
          pauses_job.push_back(
              {mean_of(per_region(v, w, *p, Quantity::pauses_per_job_hour)) - ip->second, where});
        }
      }
    }
  }
  add(calibrated ? "Tables 4-13, the workloads not fitted (all but DenseNet-201 and 6B; FS and P&R)"
                 : "Tables 4-13, all but DenseNet-201 and 6B (FS and P&R)",
      summarise_errors(held));
  add("Tables 4-13, all workloads (FS and P&R)", summarise_errors(all));
  add("Tables 4-13, pauses per window hour (N + duration)", summarise_errors(pauses_window));
  add("Tables 4-13, pauses per job hour (for comparison)", summarise_errors(pauses_job));
  // Fig. 1: BERT pretraining's monthly baseline against the read-off monthly values (kg).
  if (const auto w = v.workload("bert-pretrain")) {
    std::vector<std::pair<double, std::string>> months;
    for (std::size_t r = 0; r < v.regions.size(); ++r) {
      const grids::Region* region = grids::find_region(v.regions[r]);
      if (region == nullptr) continue;
      std::array<double, 12> paper{};
      try {
        paper = grids::fig1_monthly_intensity(region->label);
      } catch (const ConfigError&) {
        continue;
      }
      std::vector<std::vector<double>> by_month(12);
      for (std::size_t i = 0; i < v.starts.size(); ++i) {
        const double b = v.baseline(*w, r, i);
        if (!std::isnan(b))
          by_month[month_of(TimePoint{Seconds{v.starts[i]}}) - 1].push_back(b / 1000);
      }
      for (std::size_t m = 0; m < 12; ++m)
        months.push_back({mean_of(by_month[m]) - paper[m] * kFig1Kwh / 1000,
                          fmt::format("{}, month {}", v.regions[r], m + 1)});
    }
    ErrorSummary e = summarise_errors(months);
    t.rows.push_back({std::string("Fig. 1: BERT pretraining per region and month (kg, not pp)"),
                      fmt::format("{}", e.cells), e.mean_abs, e.max_abs, std::string("-"),
                      e.worst});
  }
  // Headline findings as regions.
  auto finding = [&](const std::string& what, const std::string& workload,
                     const std::string& policy, const std::string& paper) {
    const std::string ours = best_region(v, workload, policy);
    const std::string verdict = ours.empty()           ? ", not in the cube"
                                : v.regions.size() < 2 ? ", the only region in the cube"
                                : iequals(ours, paper) ? ", agrees"
                                                       : ", DIFFERS";
    t.rows.push_back(
        {what, std::string("1"), kNaN, kNaN, std::string("-"),
         fmt::format("{} (paper: {}){}", ours.empty() ? "n/a" : ours, paper, verdict)});
  };
  finding("Best region, DenseNet-201 flexible start 24 h", "densenet-201", "flexible-start/24h",
          "West US");
  finding("Best region, 6B pause-resume 100 %", "transformer-6b", "pause-resume/100%", "West US");
  return t;
}

Table headline(const View& v, const HourFindings& hours, bool have_store, const std::string& data) {
  Table t{"headline", "Headline findings, recomputed",
          {"Each finding as the paper states it (dodge2022.md section 4) beside the same quantity "
           "computed here.",
           data},
          {{"finding", 0}, {"shiftsim", 0}, {"paper", 0}},
          {}};
  if (const auto w = v.workload("bert-pretrain")) {
    std::size_t lo = 0, hi = 0;
    std::vector<double> mean(v.regions.size(), kNaN);
    for (std::size_t r = 0; r < v.regions.size(); ++r) {
      std::vector<double> x;
      for (std::size_t i = 0; i < v.starts.size(); ++i) x.push_back(v.baseline(*w, r, i));
      mean[r] = mean_of(x);
      if (mean[r] < mean[lo] || std::isnan(mean[lo])) lo = r;
      if (mean[r] > mean[hi] || std::isnan(mean[hi])) hi = r;
    }
    t.rows.push_back({std::string("BERT pretraining: cleanest vs dirtiest region (mean emissions)"),
                      fmt::format("{} {:.1f} kg vs {} {:.1f} kg ({:.0f}% less)", v.regions[lo],
                                  mean[lo] / 1000, v.regions[hi], mean[hi] / 1000,
                                  100 * (1 - mean[lo] / mean[hi])),
                      std::string("7k g vs 26k g (about 73% less)")});
  }
  t.rows.push_back({std::string("BERT finetune, Central US: start at 00:00 instead of 06:00"),
                    have_store && hours.days > 0
                        ? fmt::format("{:+.1f}% on average, up to {:+.1f}% ({} days, UTC)",
                                      hours.midnight_mean, hours.midnight_max, hours.days)
                        : std::string("n/a (needs the grid store: --grids)"),
                    std::string("up to +8%")});
  auto best_row = [&](const std::string& finding, const std::string& prefix,
                      const std::string& workload, const std::string& window,
                      const std::string& paper) {
    const auto b = best_saving(v, prefix, workload, window);
    t.rows.push_back({finding,
                      std::isnan(b.value) ? std::string("n/a (not in the cube)")
                                          : fmt::format("{:.1f}% ({})", b.value, b.where),
                      paper});
  };
  best_row("Largest flexible-start saving, any workload and window", "flexible-start", "", "",
           "up to 80% (DenseNet 201, 24 h, West US)");
  best_row("DenseNet 201, flexible start within 24 h: best region", "flexible-start",
           "densenet-201", "24h", "up to 80% (West US)");
  best_row("6B transformer, flexible start within 24 h: best region", "flexible-start",
           "transformer-6b", "24h", "less than 1.5% in any region");
  best_row("Largest pause-resume saving, any workload and window", "pause-resume", "", "",
           "up to about 25% (6B, 100%)");
  best_row("6B transformer, pause-resume at 100%: best region", "pause-resume", "transformer-6b",
           "100%", "about 25% (read off: West US 28.8%)");
  return t;
}

}  // namespace

Report make_report(const Cube& cube, const grids::GridStore* store) {
  const View v(cube);
  Report r;
  r.data = data_paragraph(cube, v);
  HourFindings hours;
  if (store != nullptr) hours = hour_findings(cube, v, *store, r.data);
  r.tables.push_back(headline(v, hours, store != nullptr, r.data));
  r.tables.push_back(table2(v, r.data));
  if (hours.table3) r.tables.push_back(*hours.table3);
  savings_tables(v, r.data, r.tables);
  if (auto f = fig1(v, r.data)) r.tables.push_back(*f);
  r.tables.push_back(fig2(v, r.data));
  fig34_tables(v, r.data, r.tables);
  r.tables.push_back(validation(cube, v, r.data));
  region_tables(v, r.data, r.tables);
  return r;
}

const Table& Report::table(const std::string& id) const {
  for (const auto& t : tables) {
    if (t.id == id) return t;
  }
  throw std::out_of_range("no table " + id);
}

}  // namespace shiftsim::analysis
