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

#include "analysis/forecast_tables.hpp"
#include "analysis/published.hpp"
#include "analysis/report_view.hpp"
#include "analysis/validation.hpp"
#include "analysis/year_tables.hpp"
#include "grids/calibrated.hpp"
#include "grids/regions.hpp"
#include "grids/surrogate.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/quantiles.hpp"

namespace shiftsim::embedded {
extern const std::string_view published_table3_csv;
}  // namespace shiftsim::embedded

namespace shiftsim::analysis {

using namespace report_detail;  // NOLINT: the report's own view of the cube and its checks

namespace {

using experiments::Cube;

// What the cube was computed on; `reading`: with the forecast and seed the tables read (the
// back-test tables read every forecast).
std::string data_paragraph(const Cube& c, const View& v, bool reading = true) {
  const auto notes = series_notes(c);
  std::set<std::string> kinds, sources;
  for (const auto& [region, n] : notes) {
    kinds.insert(n.signal + "/" + n.basis);
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
  text +=
      " The paper used WattTime marginal (MOER) data, which is not public; values here are "
      "not the paper's unless computed on the same data.";
  if (reading && !v.reading.empty()) text += fmt::format(" Read at {}.", v.reading);
  return text;
}

Table table2(const View& v, const std::string& data) {
  Table t{"table2",
          "Table 2: the workloads",
          {"From the workload catalog (the paper's Table 2) "
           "or the user's workload files. " +
           data},
          {{"workload", 0}, {"label", 0}, {"accelerators", 0}, {"hours", 1}, {"energy (kWh)", 1}},
          {}};
  for (std::size_t w = 0; w < v.workloads.size(); ++w) {
    if (const auto& wl = v.jobs[w]) {
      t.rows.push_back({v.workloads[w], wl->label,
                        fmt::format("{} x {}", wl->accelerators, wl->accelerator), v.duration_h(w),
                        wl->energy().value});
    } else {
      t.rows.push_back(
          {v.workloads[w], std::string("(cannot be loaded here)"), std::string("?"), kNaN, kNaN});
    }
  }
  return t;
}

void savings_tables(const View& v, const std::string& data, std::vector<Table>& out) {
  const auto& published = published_tables();
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
      Quantity q;
    };
    for (const Kind& k : {Kind{"flexible-start", "fs",
                               "flexible start: mean emissions decrease (%)", Quantity::savings},
                          Kind{"pause-resume", "pr", "pause-resume: mean emissions decrease (%)",
                               Quantity::savings},
                          Kind{"pause-resume", "pauses",
                               "pause-resume: pauses per hour of the whole window (N + duration)",
                               Quantity::pauses_per_window_hour}}) {
      const auto p = v.policy(fmt::format("{}/{}", k.prefix, pw.window));
      if (!p) continue;
      Table t;
      t.id = fmt::format("region_{}_{}", k.id, pw.window);
      if (t.id.back() == '%') t.id = t.id.substr(0, t.id.size() - 1) + "pct";
      t.title = fmt::format("Per region, window {}: {}", pw.window, k.what);
      t.notes = {
          "Mean over the starts in each region; the last row is the plain mean over regions "
          "(the paper's tables).",
          data};
      t.columns.push_back({"region", 0});
      for (const auto& w : v.workloads) t.columns.push_back({w, k.q == Quantity::savings ? 1 : 2});
      std::vector<std::vector<double>> cols;
      for (std::size_t w = 0; w < v.workloads.size(); ++w)
        cols.push_back(per_region(v, w, *p, k.q));
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
  Table t{"fig1",
          "Fig. 1: BERT pretraining, emissions per region and month (kg CO2eq)",
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
  Table t{
      "fig2",
      "Fig. 2: emissions per workload over regions and start times (g CO2eq)",
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

struct HourFindings {
  std::optional<Table> table3;
  double midnight_mean = kNaN, midnight_max = kNaN;
  std::size_t days = 0;
};

// Table 3 and the midnight-versus-6:00 finding: BERT finetune in Central US at fixed hours, the
// sweep's fixed_hour_g over (day, hour) (experiments/runner.hpp); none if the cube has none.
HourFindings hour_findings(const Cube& c, const View& v, const std::string& data) {
  HourFindings out;
  const auto var = std::find_if(c.vars.begin(), c.vars.end(),
                                [](const auto& x) { return x.name == "fixed_hour_g"; });
  if (var == c.vars.end() || v.starts.empty()) return out;
  std::vector<std::int64_t> days;
  std::vector<double> hours;
  try {
    days = std::get<Times>(c.dim("day").coords).values;
    hours = std::get<experiments::Numbers>(c.dim("hour").coords).values;
  } catch (const std::exception&) {  // no such dimension, or not of times or numbers
    throw ConfigError(
        "not a shiftsim sweep cube: fixed_hour_g needs the day (times) and hour (numbers) "
        "dimensions (make the cube again with 'shiftsim run')");
  }
  const CubeView fixed(c, "fixed_hour_g");
  // The run of `day` (Unix seconds of its midnight) at `hour`; NaN if the cube lacks it.
  auto at = [&](std::int64_t day, int hour) {
    const auto d = std::find(days.begin(), days.end(), day);
    const auto h = std::find(hours.begin(), hours.end(), double(hour));
    if (d == days.end() || h == hours.end()) return kNaN;
    return fixed.at({{"day", static_cast<std::size_t>(d - days.begin())},
                     {"hour", static_cast<std::size_t>(h - hours.begin())}});
  };
  const auto region = var->attrs.count("region") ? var->attrs.at("region") : std::string();
  const auto notes = series_notes(c);
  const auto note = notes.find(region);
  const std::string key = note == notes.end() ? std::string("?") : note->second.key();
  const int year = year_of(TimePoint{Seconds{v.starts.front()}});

  Table t{"table3",
          fmt::format("Table 3: BERT finetune in Central US, emissions by start hour "
                      "(g CO2eq), 1-3 January {} (UTC)",
                      year),
          {fmt::format("Baseline runs on the cube's series for Central US ({}). The paper's values "
                       "(marginal data; its days and time zone are not stated) are beside.",
                       key),
           data},
          {{"day", 0}},
          {}};
  for (int h = 0; h < 24; h += 3) t.columns.push_back({fmt::format("{:02}:00", h), 0});
  for (int d = 1; d <= 3; ++d) {
    std::vector<Value> row{fmt::format("{}-01-{:02}", year, d)};
    for (int h = 0; h < 24; h += 3)
      row.push_back(at(make_time(year, 1, d).time_since_epoch().count(), h));
    t.rows.push_back(row);
  }
  for (const auto& p :
       read_data_table(embedded::published_table3_csv, "analysis/data/dodge2022_table3.csv", 9)) {
    std::vector<Value> row{"paper, day " + p[0]};
    for (std::size_t i = 1; i < p.size(); ++i) row.push_back(std::stod(p[i]));
    t.rows.push_back(row);
  }
  out.table3 = std::move(t);

  // Every day of the cube's years (the day axis): (E(00:00) - E(06:00)) / E(06:00).
  std::vector<double> increase;
  for (const auto day : days) {
    const double e0 = at(day, 0), e6 = at(day, 6);
    if (!std::isnan(e0) && !std::isnan(e6) && e6 > 0) increase.push_back(100 * (e0 - e6) / e6);
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
          b.where =
              fmt::format("{}, {}, {}", v.label(w), v.regions[r], label.substr(prefix.size() + 1));
        }
      }
    }
  }
  return b;
}

Table headline(const View& v, const HourFindings& hours, const std::string& data) {
  Table t{"headline",
          "Headline findings, recomputed",
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
    t.rows.push_back(
        {std::string("BERT pretraining: cleanest vs dirtiest region (mean emissions)"),
         fmt::format("{} {:.1f} kg vs {} {:.1f} kg ({:.0f}% less)", v.regions[lo], mean[lo] / 1000,
                     v.regions[hi], mean[hi] / 1000, 100 * (1 - mean[lo] / mean[hi])),
         std::string("7k g vs 26k g (about 73% less)")});
  }
  t.rows.push_back({std::string("BERT finetune, Central US: start at 00:00 instead of 06:00"),
                    hours.days > 0
                        ? fmt::format("{:+.1f}% on average, up to {:+.1f}% ({} days, UTC)",
                                      hours.midnight_mean, hours.midnight_max, hours.days)
                        : std::string("n/a (the cube has no fixed-hour runs: no Central US)"),
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

Report make_report(const Cube& cube) {
  const View v(cube);
  Report r;
  r.data = data_paragraph(cube, v);
  const HourFindings hours = hour_findings(cube, v, r.data);
  r.tables.push_back(headline(v, hours, r.data));
  r.tables.push_back(table2(v, r.data));
  if (hours.table3) r.tables.push_back(*hours.table3);
  savings_tables(v, r.data, r.tables);
  if (auto f = fig1(v, r.data)) r.tables.push_back(*f);
  r.tables.push_back(fig2(v, r.data));
  fig34_tables(v, r.data, r.tables);
  r.tables.push_back(validation(cube, v, r.data));
  region_tables(v, r.data, r.tables);
  if (auto y = year_table(cube, v, r.data)) r.tables.push_back(std::move(*y));
  for (auto& t : forecast_tables(cube, data_paragraph(cube, v, false)))
    r.tables.push_back(std::move(t));
  return r;
}

const Table& Report::table(const std::string& id) const {
  for (const auto& t : tables) {
    if (t.id == id) return t;
  }
  throw std::out_of_range("no table " + id);
}

}  // namespace shiftsim::analysis
