// `shiftsim workloads ...`: list, show, profile (import a measured log), graph.
#include <fmt/format.h>

#include <filesystem>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"
#include "sim/core/read_file.hpp"
#include "workloads/catalog.hpp"
#include "workloads/graph.hpp"
#include "workloads/measured/measured.hpp"
#include "workloads/profile_csv.hpp"
#include "workloads/workload_file.hpp"

namespace shiftsim::cli {

namespace {

using nlohmann::ordered_json;
using namespace shiftsim::workloads;

double hours(Seconds s) { return static_cast<double>(s.count()) / 3600.0; }

ordered_json workload_json(const Workload& w, std::optional<Seconds> step) {
  ordered_json j;
  j["name"] = w.name;
  j["label"] = w.label;
  j["task"] = w.task;
  j["dataset"] = w.dataset;
  j["accelerator"] = w.accelerator;
  j["accelerators"] = w.accelerators;
  j["source"] = w.source;
  j["duration"] = format_duration(w.duration());
  j["duration_h"] = hours(w.duration());
  j["energy_kwh"] = w.accelerator_energy().value;
  j["facility_energy_kwh"] = w.energy().value;
  j["profile"] = {{"kind", to_string(w.kind)},
                  {"step", format_duration(w.profile.step())},
                  {"values", w.profile.size()},
                  {"mean_power_w", w.profile.mean_power().value},
                  {"peak_power_w", w.profile.peak_power().value}};
  j["overheads"] = {{"pue", w.overheads.pue},
                    {"cpu_share", w.overheads.cpu_share},
                    {"dram_share", w.overheads.dram_share},
                    {"cpu_w", w.overheads.cpu_power.value},
                    {"dram_w", w.overheads.dram_power.value}};
  if (w.embodied.is_none()) {
    j["embodied"] = nullptr;
  } else {
    j["embodied"] = {{"total_g", w.embodied.total.value},
                     {"lifespan_years", w.embodied.lifespan_years()},
                     {"share", w.embodied.share},
                     {"per_run_g", w.embodied_for(w.duration()).value}};
  }
  j["alternatives"] = ordered_json::array();
  for (const auto& a : w.alternatives)
    j["alternatives"].push_back({{"field", a.field}, {"value", a.value}, {"source", a.source}});
  j["notes"] = w.notes;
  if (step) {
    const auto s = w.facility_profile().at_step(*step);
    j["steps"] = {{"step", format_duration(*step)}, {"kwh", s.kwh}};
  }
  return j;
}

// The whole text first, printed only once complete: an error half-way prints nothing.
std::string workload_text(const Workload& w, std::optional<Seconds> step) {
  std::string out;
  auto put = std::back_inserter(out);
  fmt::format_to(put, "{} ({})\n", w.label, w.name);
  if (!w.task.empty())
    fmt::format_to(put, "  task         {}{}\n", w.task,
                   w.dataset.empty() ? "" : fmt::format(" [{}]", w.dataset));
  fmt::format_to(put, "  hardware     {} x {}\n", w.accelerators, w.accelerator);
  fmt::format_to(put, "  duration     {} ({:.4g} h)\n", format_duration(w.duration()),
                 hours(w.duration()));
  fmt::format_to(put, "  energy       {:.6g} kWh accelerators, {:.6g} kWh at the meter\n",
                 w.accelerator_energy().value, w.energy().value);
  fmt::format_to(put, "  profile      {}, {} values at {}, mean {:.6g} W, peak {:.6g} W\n",
                 to_string(w.kind), w.profile.size(), format_duration(w.profile.step()),
                 w.profile.mean_power().value, w.profile.peak_power().value);
  fmt::format_to(put, "  overheads    {}\n", w.overheads.describe());
  fmt::format_to(put, "  embodied     {}", w.embodied.describe());
  if (!w.embodied.is_none())
    fmt::format_to(put, ", {:.6g} g for one run", w.embodied_for(w.duration()).value);
  fmt::format_to(put, "\n  source       {}\n", w.source);
  for (const auto& a : w.alternatives)
    fmt::format_to(put, "  alternative  {} = {} ({})\n", a.field, a.value, a.source);
  for (const auto& n : w.notes) fmt::format_to(put, "  note         {}\n", n);
  if (step) {
    const auto s = w.facility_profile().at_step(*step);
    fmt::format_to(put, "  energy per {} step (kWh):\n", format_duration(*step));
    for (std::size_t k = 0; k < s.kwh.size(); ++k)
      fmt::format_to(put, "    {:>10} {:.9g}\n", format_duration(*step * static_cast<long>(k)),
                     s.kwh[k]);
  }
  return out;
}

void add_list(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "list", "The built-in catalog: the 11 jobs of Dodge et al. 2022, Table 2");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([json] {
    const auto& c = builtin_catalog();
    if (*json) {
      ordered_json out = ordered_json::array();
      for (const auto& e : c.entries())
        out.push_back(workload_json(e.workload(c.source()), std::nullopt));
      fmt::print("{}\n", out.dump(2));
      return;
    }
    fmt::print("{:<15} {:<14} {:>11} {:>7} {:>10} {:>9}  {}\n", "name", "label", "GPUs", "hours",
               "kWh", "mean kW", "task [dataset]");
    for (const auto& e : c.entries())
      fmt::print("{:<15} {:<14} {:>11} {:>7} {:>10} {:>9.4g}  {} [{}]\n", e.name, e.label,
                 fmt::format("{} x {}", e.gpus, e.gpu), e.hours, e.energy_kwh,
                 e.energy_kwh / e.hours, e.task, e.dataset);
    fmt::print("source: {}\n", c.source());
  });
}

void add_show(CLI::App& parent) {
  auto* cmd = parent.add_subcommand("show", "One workload: a catalog name or a workload file");
  struct Args {
    std::string spec;
    bool json = false;
    std::string step;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("workload", a->spec,
                  "catalog name (see `workloads list`) or workload file (TOML)")
      ->required();
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->add_option("--step", a->step, "also print the energy per simulation step, e.g. 5min");
  cmd->callback([a] {
    const Workload w = load_workload(a->spec);
    std::optional<Seconds> step;
    if (!a->step.empty()) step = parse_duration(a->step, "--step");
    if (a->json)
      fmt::print("{}\n", workload_json(w, step).dump(2));
    else
      fmt::print("{}", workload_text(w, step));
  });
}

void add_profile(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "profile", "Read a measured power log (nvidia-smi, CodeCarbon, generic CSV) as a profile");
  struct Args {
    std::string file;
    std::string format;
    std::string step;
    std::string timezone = "UTC";
    std::string time_column, power_column, energy_column, unit, run_id, component = "total";
    std::vector<int> gpus;
    std::string delimiter = ",";
    std::string out, as_workload;
    bool force = false;
    bool json = false;
  };
  // A workload file that reads the log with these options: the log's path relative to the
  // file's folder (as workload files resolve it), only the options that differ from the defaults.
  const auto workload_for_log = [](const Args& a, const MeasuredOptions& o) {
    namespace fs = std::filesystem;
    const fs::path log = fs::absolute(a.file).lexically_normal();
    const fs::path dir = fs::absolute(a.as_workload).lexically_normal().parent_path();
    auto quote = [](const std::string& x) { return ordered_json(x).dump(); };
    std::string t = fmt::format(
        "# A measured log as a job (shiftsim workloads profile ... --as-workload):\n#   {}\n"
        "# Its duration and energy are the log's. Add gpu, gpus, [overheads] and [embodied]\n"
        "# as workloads/README.md shows.\nname = {}\n\n[profile]\nfile = {}\nformat = {}\n",
        a.file, quote(fs::path(a.as_workload).stem().string()),
        quote(log.lexically_relative(dir).string()), quote(std::string(to_string(o.format))));
    if (o.timezone != "UTC") t += "timezone = " + quote(o.timezone) + "\n";
    if (!a.step.empty()) t += "step = " + quote(a.step) + "\n";
    for (const auto& [key, value] :
         {std::pair{"time_column", o.time_column}, std::pair{"power_column", o.power_column},
          std::pair{"energy_column", o.energy_column}, std::pair{"unit", o.unit},
          std::pair{"run_id", o.run_id}})
      if (!value.empty()) t += fmt::format("{} = {}\n", key, quote(value));
    // Always for CodeCarbon: a workload file's default component (gpu) is not this command's
    // (total), and the file must read what was reported.
    if (o.format == MeasuredFormat::codecarbon) t += "component = " + quote(o.component) + "\n";
    if (o.delimiter != ',') t += "delimiter = " + quote(std::string(1, o.delimiter)) + "\n";
    if (!o.gpus.empty()) t += fmt::format("gpus = [{}]\n", fmt::join(o.gpus, ", "));
    return t;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("file", a->file, "the measured log")->required();
  cmd->add_option("--format", a->format, "nvidia-smi | codecarbon | generic (default: detected)");
  cmd->add_option("--step", a->step, "profile step (default: the median sampling interval)");
  cmd->add_option("--timezone", a->timezone,
                  "IANA zone of timestamps without an offset (nvidia-smi writes local time)");
  cmd->add_option("--time-column", a->time_column, "generic: the time column");
  cmd->add_option("--power-column", a->power_column, "generic: a power column");
  cmd->add_option("--energy-column", a->energy_column, "generic: a cumulative energy column");
  cmd->add_option("--unit", a->unit, "unit of the power or energy column (W, kW, Wh, kWh, J, ...)");
  cmd->add_option("--run-id", a->run_id, "codecarbon: the run to read when the file has several");
  cmd->add_option("--component", a->component, "codecarbon: total | gpu | cpu | ram");
  cmd->add_option("--gpu-indices,--gpus", a->gpus,
                  "nvidia-smi: the GPU indices to sum, e.g. 0,2 (default: all; --gpus is the "
                  "old spelling)");
  cmd->add_option("--delimiter", a->delimiter, "field separator, one character (default ,)");
  cmd->add_option("-o,--out", a->out,
                  "write the profile as CSV (cumulative kWh per interval edge)");
  cmd->add_option("--as-workload", a->as_workload,
                  "also write a workload file (TOML) that reads this log with these options, "
                  "for --workload in simulate, run and cluster");
  cmd->add_flag("-f,--force", a->force, "overwrite --out or --as-workload if it exists");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a, workload_for_log] {
    const std::string text = read_file(a->file);
    MeasuredOptions o;
    if (!a->format.empty()) {
      auto f = parse_measured_format(a->format);
      if (!f)
        throw ConfigError(
            fmt::format("--format '{}' is not nvidia-smi, codecarbon or generic", a->format));
      o.format = *f;
    } else {
      o.format = detect_measured_format(text).value_or(MeasuredFormat::generic);
    }
    if (!a->step.empty()) o.step = parse_duration(a->step, "--step");
    o.timezone = a->timezone;
    o.time_column = a->time_column;
    o.power_column = a->power_column;
    o.energy_column = a->energy_column;
    o.unit = a->unit;
    o.run_id = a->run_id;
    o.component = a->component;
    o.gpus = a->gpus;
    if (a->delimiter.size() != 1)
      throw ConfigError(fmt::format("--delimiter '{}' must be one character", a->delimiter));
    o.delimiter = a->delimiter[0];
    if (!a->out.empty()) {
      const NamedPath out{a->out, "--out"};
      const NamedPath log{a->file, "the measured log"};
      check_output_path(out, {&log, 1}, a->force);
      check_output_folder(out);
    }
    std::string job;  // the workload file's text, checked by reading it as one before it is written
    if (!a->as_workload.empty()) {
      const NamedPath file{a->as_workload, "--as-workload"};
      const std::vector<NamedPath> inputs{{a->file, "the measured log"}};
      const std::vector<NamedPath> others{{a->out, "--out"}};
      check_output_path(file, inputs, a->force,
                        a->out.empty() ? std::span<const NamedPath>{} : std::span(others));
      check_output_folder(file);
      job = workload_for_log(*a, o);
    }
    const auto m = read_measured_profile(text, a->file, o);
    // The workload file is checked (read as one) before anything is written.
    if (!job.empty())
      (void)parse_workload_file(job, a->as_workload,
                                std::filesystem::path(a->as_workload).parent_path());
    if (!a->out.empty()) write_profile_csv(m.profile, m.start, a->out);
    if (!job.empty()) write_text_file(a->as_workload, job);
    if (a->json) {
      ordered_json j{{"file", a->file},
                     {"format", to_string(o.format)},
                     {"start", format_time(m.start)},
                     {"duration", format_duration(m.profile.duration())},
                     {"duration_s", m.profile.duration().count()},
                     {"step", format_duration(m.profile.step())},
                     {"values", m.profile.size()},
                     {"energy_kwh", m.profile.energy().value},
                     {"mean_power_w", m.profile.mean_power().value},
                     {"peak_power_w", m.profile.peak_power().value},
                     {"rows", m.rows},
                     {"devices", m.devices},
                     {"missing", m.missing},
                     {"sampling", format_duration(m.sampling)},
                     {"notes", m.notes}};
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("{} ({}): {} from {}, {:.6g} kWh, mean {:.6g} W, peak {:.6g} W\n", a->file,
               to_string(o.format), format_duration(m.profile.duration()), format_time(m.start),
               m.profile.energy().value, m.profile.mean_power().value,
               m.profile.peak_power().value);
    for (const auto& n : m.notes) fmt::print("  {}\n", n);
    if (!a->out.empty()) fmt::print("  written to {}\n", a->out);
    if (!job.empty())
      fmt::print("  workload file {}: use it as --workload {}\n", a->as_workload, a->as_workload);
  });
}

void add_graph(CLI::App& parent) {
  auto* cmd = parent.add_subcommand(
      "graph", "A job graph (TOML): order, critical path, and each job's slack for a deadline");
  struct Args {
    std::string file;
    std::string deadline;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("file", a->file, "the graph file")->required();
  cmd->add_option("--deadline", a->deadline,
                  "time from the graph's start by which every job must end, e.g. 3d");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a] {
    const auto g = JobGraph::load(a->file, workload_resolver());
    std::optional<Seconds> deadline;
    if (!a->deadline.empty()) deadline = parse_duration(a->deadline, "--deadline");
    const auto s = g.schedule(deadline);
    const auto order = g.topological_order();
    if (a->json) {
      ordered_json j{{"name", g.name()},
                     {"jobs", g.jobs().size()},
                     {"critical_path", format_duration(s.makespan)},
                     {"critical_path_h", hours(s.makespan)},
                     {"deadline", format_duration(s.deadline)},
                     {"feasible", s.feasible},
                     {"energy_kwh", g.accelerator_energy().value}};
      j["order"] = ordered_json::array();
      for (auto i : order) {
        const auto& job = g.jobs()[i];
        const auto& t = s.jobs[i];
        ordered_json parents = ordered_json::array();
        for (auto p : job.parents) parents.push_back(g.jobs()[p].id);
        j["order"].push_back({{"id", job.id},
                              {"workload", job.workload.name},
                              {"duration_h", hours(job.workload.duration())},
                              {"after", parents},
                              {"earliest_start_h", hours(t.earliest_start)},
                              {"latest_start_h", hours(t.latest_start)},
                              {"slack_h", hours(t.slack)},
                              {"critical", t.critical}});
      }
      fmt::print("{}\n", j.dump(2));
      return;
    }
    fmt::print("{}: {} jobs, critical path {} ({:.4g} h), deadline {}{}\n", g.name(),
               g.jobs().size(), format_duration(s.makespan), hours(s.makespan),
               format_duration(s.deadline),
               s.feasible ? "" : " -- INFEASIBLE: shorter than the critical path");
    fmt::print("{:<20} {:<16} {:>10} {:>10} {:>10} {:>10}  {}\n", "job", "workload", "hours",
               "earliest", "latest", "slack", "critical");
    for (auto i : order) {
      const auto& job = g.jobs()[i];
      const auto& t = s.jobs[i];
      fmt::print("{:<20} {:<16} {:>10.4g} {:>10.4g} {:>10.4g} {:>10.4g}  {}\n", job.id,
                 job.workload.name, hours(job.workload.duration()), hours(t.earliest_start),
                 hours(t.latest_start), hours(t.slack), t.critical ? "*" : "");
    }
  });
}

}  // namespace

void add_workloads_commands(CLI::App& app) {
  auto* w = app.add_subcommand(
      "workloads",
      "Training jobs: the paper's catalog, workload files, measured profiles, job graphs");
  w->require_subcommand(1);
  add_list(*w);
  add_show(*w);
  add_profile(*w);
  add_graph(*w);
}

}  // namespace shiftsim::cli
