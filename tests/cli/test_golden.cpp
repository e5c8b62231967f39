// Golden scenarios (tests/golden/<name>/, see tests/golden/README.md): tiny hand-made intensity
// histories and jobs whose results are worked out by hand in each folder's validation.md. Every
// folder is imported into a temporary store with `shiftsim grids import`, simulated with
// `shiftsim simulate --json`, and every key of its expected.json "expect" is compared with the
// output: numbers within a relative 1e-9 (absolute 1e-9 around zero), strings, booleans and
// arrays exactly, null meaning "the key must be absent". The exit code is compared too.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using shiftsim::test::read_bytes;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;
using Args = std::vector<std::string>;

const fs::path kGoldenDir = fs::path(SHIFTSIM_SOURCE_DIR) / "tests" / "golden";

std::vector<fs::path> scenario_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(kGoldenDir)) {
    if (e.is_directory()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

bool close(double actual, double expected) {
  const double scale = std::max({std::fabs(actual), std::fabs(expected), 1.0});
  return std::fabs(actual - expected) <= 1e-9 * scale;
}

// Compares one expected value with the actual one; a message for each difference.
void compare(const std::string& where, const json& actual, const json& expected,
             std::vector<std::string>& diffs) {
  if (expected.is_number()) {
    if (!actual.is_number() || !close(actual.get<double>(), expected.get<double>())) {
      diffs.push_back(where + ": expected " + expected.dump() + ", got " + actual.dump());
    }
  } else if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) {
      diffs.push_back(where + ": expected " + expected.dump() + ", got " + actual.dump());
      return;
    }
    for (std::size_t i = 0; i < expected.size(); ++i) {
      compare(where + "[" + std::to_string(i) + "]", actual[i], expected[i], diffs);
    }
  } else if (actual != expected) {
    diffs.push_back(where + ": expected " + expected.dump() + ", got " + actual.dump());
  }
}

struct Run {
  std::string name;  // "main" or the variant's name
  Args simulate;
  int exit_code = 0;
  json expect;
};

std::vector<Run> runs_of(const json& doc) {
  std::vector<Run> runs;
  runs.push_back(
      {"main", doc.at("simulate").get<Args>(), doc.value("exit_code", 0), doc.at("expect")});
  for (const auto& v : doc.value("variants", json::array())) {
    runs.push_back({v.at("name").get<std::string>(), v.at("simulate").get<Args>(),
                    v.value("exit_code", 0), v.at("expect")});
  }
  return runs;
}

}  // namespace

TEST_CASE("golden scenarios: every folder has its files, worked out by hand", "[cli][golden]") {
  const auto dirs = scenario_dirs();
  REQUIRE(dirs.size() >= 4);
  for (const auto& d : dirs) {
    INFO("scenario " << d.filename().string());
    for (const char* f : {"intensity.csv", "workload.toml", "validation.md", "expected.json"}) {
      INFO("file " << f);
      CHECK(fs::is_regular_file(d / f));
    }
    if (!fs::is_regular_file(d / "expected.json")) continue;
    json doc;
    REQUIRE_NOTHROW(doc = json::parse(read_bytes(d / "expected.json")));
    CHECK(doc.contains("import"));
    CHECK(doc.contains("simulate"));
    CHECK(doc.contains("expect"));
    CHECK(read_bytes(d / "validation.md").size() > 200);  // an actual hand computation
  }
}

TEST_CASE("golden scenarios: shiftsim simulate gives the hand-computed results", "[cli][golden]") {
  const auto dirs = scenario_dirs();
  REQUIRE(dirs.size() >= 4);
  int checked = 0;
  for (const auto& d : dirs) {
    const std::string scenario = d.filename().string();
    INFO("scenario " << scenario << " (" << d.string() << ")");
    if (!fs::is_regular_file(d / "expected.json")) continue;  // reported by the test above
    const json doc = json::parse(read_bytes(d / "expected.json"));

    TempDir tmp;
    const std::string store = tmp.file("grids.h5");
    Args import{"grids", "import", (d / "intensity.csv").string(), "--into", store};
    for (const auto& a : doc.at("import")) import.push_back(a.get<std::string>());
    const auto imported = run_shiftsim(import);
    INFO("import stderr: " << imported.err);
    REQUIRE(imported.exit_code == 0);

    for (const auto& run : runs_of(doc)) {
      INFO("run " << run.name);
      Args args{"simulate", "--grids", store, "--workload", (d / "workload.toml").string()};
      args.insert(args.end(), run.simulate.begin(), run.simulate.end());
      args.push_back("--json");
      const auto r = run_shiftsim(args);
      INFO("stdout: " << r.out);
      INFO("stderr: " << r.err);
      CHECK(r.exit_code == run.exit_code);
      json out;
      REQUIRE_NOTHROW(out = json::parse(r.out));
      std::vector<std::string> diffs;
      for (const auto& [key, expected] : run.expect.items()) {
        if (expected.is_null()) {
          if (out.contains(key)) diffs.push_back(key + ": expected absent, got " + out[key].dump());
        } else if (!out.contains(key)) {
          diffs.push_back(key + ": missing from the output");
        } else {
          compare(key, out[key], expected, diffs);
        }
      }
      std::string report;
      for (const auto& s : diffs) report += "\n  " + s;
      INFO("differences:" << report);
      CHECK(diffs.empty());
      ++checked;
    }
  }
  CHECK(checked >= 4);
}
