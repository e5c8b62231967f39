// shiftsim report: the paper's tables and headline findings from a result cube, as Markdown,
// CSV and LaTeX (analysis/report.hpp); for a cluster sweep's cube, its totals and utilisation
// (analysis/cluster_report.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "analysis/cluster_report.hpp"
#include "analysis/report.hpp"
#include "experiments/cube_file.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"

namespace shiftsim::cli {

namespace {

namespace fs = std::filesystem;

struct Args {
  std::string cube, out, formats = "md,csv,tex", grids;
  bool force = false, json = false;
};

// --json: what was written, instead of the headline table.
template <class R>
void print_written(const Args& a, const fs::path& out, const R& r, const std::string& headline) {
  if (!a.json) {
    fmt::print("{}", analysis::to_markdown(r.table(headline)));
    fmt::print("{}: {} tables ({})\n", out.string(), r.tables.size(), a.formats);
    return;
  }
  nlohmann::json j{{"cube", a.cube}, {"out", out.string()}, {"formats", a.formats}};
  j["tables"] = nlohmann::json::array();
  for (const auto& t : r.tables) j["tables"].push_back(t.id);
  fmt::print("{}\n", j.dump(2));
}

// report.md: reads on its own; figures (analysis/figures.py) sit in figures/ beside it.
std::string markdown(const analysis::Report& r, const std::string& cube) {
  std::string md = fmt::format(
      "# Dodge et al. 2022, reproduced by shiftsim\n\n"
      "From the result cube `{}`. {}\n\n"
      "## Figures\n\n"
      "Made from the same cube by `python3 analysis/figures.py {} --out <this folder>`.\n\n"
      "![Fig. 1: BERT pretraining, emissions per region and month](figures/fig1_monthly.png)\n\n"
      "![Fig. 2: emissions per workload over regions and start "
      "times](figures/fig2_workloads.png)\n\n"
      "![Fig. 3: flexible-start savings per region](figures/fig3_flexible_start.png)\n\n"
      "![Fig. 4: pause-resume savings per region](figures/fig4_pause_resume.png)\n\n"
      "## Tables\n\n",
      fs::path(cube).filename().string(), r.data, cube);
  for (const auto& t : r.tables) md += analysis::to_markdown(t);
  return md;
}

std::string cluster_markdown(const analysis::Report& r, const std::string& cube) {
  std::string md = fmt::format(
      "# Cluster sweep, by shiftsim\n\nFrom the result cube `{}`. {}\n\n"
      "## Tables\n\n",
      fs::path(cube).filename().string(), r.data);
  for (const auto& t : r.tables) md += analysis::to_markdown(t);
  return md;
}

std::string latex(const analysis::Report& r, bool cluster) {
  std::string tex =
      cluster ? "% shiftsim report: a cluster sweep's tables (needs \\usepackage{booktabs}).\n"
              : "% shiftsim report: the paper's tables (needs \\usepackage{booktabs}).\n";
  for (const auto& t : r.tables) tex += analysis::to_latex(t) + "\n";
  return tex;
}

// report.md, report.tex and tables/<id>.csv in `out`, those `wants` names.
template <class Wants>
void write_report(const fs::path& out, const analysis::Report& r, const std::string& md,
                  const std::string& tex, const Wants& wants) {
  try {
    fs::create_directories(out);
    if (wants("csv")) fs::create_directories(out / "tables");
  } catch (const fs::filesystem_error& e) {  // a file where a folder must be, no permission
    throw IoError(
        fmt::format("{}: cannot make the report's folders ({}); give --out a folder "
                    "you can write",
                    out.string(), e.code().message()));
  }
  if (wants("md")) write_text_file(out / "report.md", md);
  if (wants("tex")) write_text_file(out / "report.tex", tex);
  if (wants("csv")) {
    for (const auto& t : r.tables)
      write_text_file(out / "tables" / (t.id + ".csv"), analysis::to_csv(t));
  }
}

void report(const Args& a) {
  std::vector<std::string> formats;
  {
    std::stringstream in(a.formats);
    std::string f;
    while (std::getline(in, f, ',')) {
      if (f != "md" && f != "csv" && f != "tex") {
        throw ConfigError(
            fmt::format("--format: '{}' is not a format; give a comma-separated "
                        "list of md, csv and tex",
                        f));
      }
      formats.push_back(f);
    }
  }
  if (formats.empty()) throw ConfigError("--format: give at least one of md, csv and tex");
  const fs::path out = a.out.empty()
                           ? fs::path(fs::path(a.cube).replace_extension("").string() + "_report")
                           : fs::path(a.out);
  auto wants = [&](const std::string& f) {
    return std::find(formats.begin(), formats.end(), f) != formats.end();
  };
  // Refuse before computing, and before writing anything.
  if (fs::exists(out) && !fs::is_directory(out)) {
    throw IoError(fmt::format("{}: exists and is not a folder; give --out a folder for the report",
                              out.string()));
  }
  const NamedPath cube_path{a.cube, "the cube"};
  for (const char* f : {"md", "tex"}) {
    if (wants(f))
      check_output_path({out / fmt::format("report.{}", f), "--out"}, {&cube_path, 1}, a.force);
  }
  if (wants("csv") && fs::exists(out / "tables") && !a.force) {
    throw IoError(
        fmt::format("{}: exists; pass --force to replace the report, or --out "
                    "another folder",
                    (out / "tables").string()));
  }

  const experiments::Cube cube = experiments::read_cube(a.cube);
  const auto kind = cube.attrs.find("kind");
  if (kind != cube.attrs.end() && kind->second == "cluster") {
    if (!a.grids.empty()) {
      fmt::print(stderr,
                 "shiftsim report: --grids is not used for a cluster cube (it holds every "
                 "figure its tables need)\n");
    }
    const auto r = analysis::make_cluster_report(cube);
    write_report(out, r, cluster_markdown(r, a.cube), latex(r, true), wants);
    print_written(a, out, r, "cluster_totals");
    return;
  }
  if (!a.grids.empty()) {
    fmt::print(stderr,
               "shiftsim report: --grids is not needed (the cube holds the fixed-hour runs of "
               "Table 3); it is ignored\n");
  }
  const auto r = analysis::make_report(cube);

  write_report(out, r, markdown(r, a.cube), latex(r, false), wants);
  print_written(a, out, r, "headline");
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("report",
                                 "The paper's tables and headline findings from a "
                                 "result cube, or a cluster sweep's totals (Markdown, "
                                 "CSV, LaTeX)");
  auto a = std::make_shared<Args>();
  cmd->add_option("cube", a->cube, "result cube (shiftsim run)")->required();
  cmd->add_option("-o,--out", a->out, "output folder (default: <cube>_report beside the cube)");
  cmd->add_option("--format", a->formats, "comma-separated: md, csv, tex (default: all)");
  cmd->add_option("--grids", a->grids,
                  "not needed: the cube holds what Table 3 needs (kept so that old command "
                  "lines run)");
  cmd->add_flag("-f,--force", a->force, "replace an existing report");
  cmd->add_flag("--json", a->json,
                "print what was written (folder, formats, table ids) as JSON instead of the "
                "headline table");
  cmd->callback([a] { report(*a); });
}

}  // namespace shiftsim::cli
