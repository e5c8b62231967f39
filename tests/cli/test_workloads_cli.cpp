// `shiftsim workloads ...` driven through the binary: the catalog as users see it, workload
// files, measured logs, graphs, and bad input (non-zero exit, a message with file, line and key,
// no output file written or replaced).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

namespace {

using shiftsim::test::read_bytes;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;

}  // namespace

TEST_CASE("cli workloads list: the 11 catalog jobs, as a table and as JSON", "[cli][workloads]") {
  auto r = run_shiftsim({"workloads", "list"});
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("bert-finetune") && Catch::Contains("vit-huge") &&
                        Catch::Contains("256 x A100") && Catch::Contains("13812.4"));
  auto j = run_shiftsim({"workloads", "list", "--json"});
  REQUIRE(j.exit_code == 0);
  auto doc = nlohmann::json::parse(j.out);
  REQUIRE(doc.size() == 11);
  CHECK(doc[2]["name"] == "transformer-6b");
  CHECK(doc[2]["accelerators"] == 256);
  CHECK(doc[2]["duration_h"] == 192.0);
  CHECK(doc[2]["energy_kwh"] == 13812.4);
}

TEST_CASE("cli workloads show: a catalog job with its alternatives and per-step energy",
          "[cli][workloads]") {
  auto r = run_shiftsim({"workloads", "show", "densenet-201", "--json", "--step", "5min"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["label"] == "Dense 201");
  CHECK(j["duration"] == "24min");
  CHECK(j["alternatives"].size() == 2);
  auto kwh = j["steps"]["kwh"].get<std::vector<double>>();
  REQUIRE(kwh.size() == 5);  // 24 min at 5 min: 5, 5, 5, 5, 4
  CHECK(kwh[4] == Approx(0.04 * 4 / 24));
  double sum = 0;
  for (double e : kwh) sum += e;
  CHECK(sum == Approx(0.04).epsilon(1e-12));
  auto text = run_shiftsim({"workloads", "show", "ViT Huge"});
  REQUIRE(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("4 x V100") && Catch::Contains("237.6 kWh"));
}

TEST_CASE("cli workloads show: a workload file with overheads and embodied emissions",
          "[cli][workloads]") {
  TempDir dir;
  const auto f = dir.write("job.toml",
                           "base = \"bert-finetune\"\n[overheads]\npue = 1.2\n"
                           "[embodied]\ntotal_kg = 1000\nlifespan_years = 4\nshare = 0.5\n");
  auto r = run_shiftsim({"workloads", "show", f, "--json"});
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["energy_kwh"].get<double>() == Approx(3.1));
  CHECK(j["facility_energy_kwh"].get<double>() == Approx(3.72));
  CHECK(j["embodied"]["per_run_g"].get<double>() ==
        Approx(1e6 * 6 * 3600 / (4 * 365.25 * 86400) * 0.5));
}

TEST_CASE("cli workloads profile: an nvidia-smi log, and its profile written and read back",
          "[cli][workloads]") {
  TempDir dir;
  // Two GPUs, 1 s apart: GPU 0 at 100 W then 200 W (trapezoid: 150 J), GPU 1 at 50 W twice
  // (50 J). 200 J over 1 s.
  const auto log = dir.write("gpu.csv",
                             "timestamp, index, power.draw [W]\n"
                             "2022/03/01 12:00:00.000, 0, 100.00 W\n"
                             "2022/03/01 12:00:00.000, 1, 50.00 W\n"
                             "2022/03/01 12:00:01.000, 0, 200.00 W\n"
                             "2022/03/01 12:00:01.000, 1, 50.00 W\n");
  const auto out = dir.file("profile.csv");
  auto r = run_shiftsim({"workloads", "profile", log, "--json", "--out", out});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "nvidia-smi");
  CHECK(j["devices"] == 2);
  CHECK(j["energy_kwh"].get<double>() == Approx(200 / 3.6e6));
  auto back = run_shiftsim({"workloads", "profile", out, "--json", "--format", "generic"});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(nlohmann::json::parse(back.out)["energy_kwh"].get<double>() == Approx(200 / 3.6e6));
  // The output exists now: a second run refuses to replace it without --force.
  const auto before = read_bytes(out);
  auto again = run_shiftsim({"workloads", "profile", log, "--out", out});
  CHECK(again.exit_code != 0);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  CHECK(read_bytes(out) == before);
}

TEST_CASE("cli workloads graph: critical path and slack", "[cli][workloads]") {
  TempDir dir;
  const auto f = dir.write(
      "g.toml",
      "[graph]\nname = \"pre-fine\"\n"
      "[[job]]\nid = \"pre\"\nworkload = \"bert-pretrain\"\n"
      "[[job]]\nid = \"fine\"\nworkload = \"bert-finetune\"\ncount = 2\nafter = [\"pre\"]\n");
  auto r = run_shiftsim({"workloads", "graph", f, "--deadline", "2d", "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["jobs"] == 3);
  CHECK(j["critical_path_h"].get<double>() == Approx(42));
  CHECK(j["feasible"] == true);
  CHECK(j["order"][0]["id"] == "pre");
  CHECK(j["order"][0]["slack_h"].get<double>() == Approx(6));  // 48 - 42
}

TEST_CASE("cli workloads: bad input exits non-zero naming file, line and key",
          "[cli][workloads][errors]") {
  TempDir dir;
  struct Case {
    std::vector<std::string> args;
    std::vector<std::string> expect;
  };
  const auto bad_toml = dir.write("bad.toml", "duration = \"1h\"\nenergy_kwh = 1\nenrgy = 2\n");
  const auto neg = dir.write("neg.toml", "duration = \"1h\"\nenergy_kwh = -1\n");
  const auto cycle = dir.write("cycle.toml",
                               "[[job]]\nid = \"a\"\nworkload = \"vit-tiny\"\nafter = [\"b\"]\n"
                               "[[job]]\nid = \"b\"\nworkload = \"vit-tiny\"\nafter = [\"a\"]\n");
  const auto unknown_dep =
      dir.write("dep.toml", "[[job]]\nid = \"a\"\nworkload = \"vit-tiny\"\nafter = [\"z\"]\n");
  const auto unknown_wl =
      dir.write("wl.toml", "[[job]]\nid = \"a\"\nworkload = \"vit-enormous\"\n");
  const auto neg_power = dir.write("neg.csv", "time,power_w\n0,100\n1,-5\n");
  const auto backwards = dir.write("back.csv", "time,power_w\n0,100\n5,100\n3,100\n");
  const auto unit = dir.write("unit.csv", "time,power [furlongs]\n0,100\n5,100\n");
  const auto zero = dir.write("zero.csv", "time,power_w\n0,0\n5,0\n");
  const Case cases[] = {
      {{"workloads", "show", "no-such-job"}, {"neither a catalog workload nor a workload file"}},
      {{"workloads", "show", bad_toml}, {"bad.toml:3", "unknown key 'enrgy'"}},
      {{"workloads", "show", neg}, {"neg.toml:2", "energy_kwh"}},
      {{"workloads", "graph", cycle}, {"cycle.toml", "cycle", "a", "b"}},
      {{"workloads", "graph", unknown_dep}, {"dep.toml:", "'z'"}},
      {{"workloads", "graph", unknown_wl}, {"wl.toml:", "vit-enormous"}},
      {{"workloads", "profile", neg_power, "--format", "generic"}, {"neg.csv:3", "negative"}},
      {{"workloads", "profile", backwards, "--format", "generic"}, {"back.csv:4", "backwards"}},
      {{"workloads", "profile", unit, "--format", "generic"}, {"unit.csv", "furlongs"}},
      {{"workloads", "profile", zero, "--format", "generic"}, {"zero.csv", "zero energy"}},
      {{"workloads", "profile", dir.file("missing.csv")}, {"missing.csv"}},
  };
  for (const auto& c : cases) {
    auto r = run_shiftsim(c.args);
    INFO(c.args[1] << " " << c.args[2] << "\n" << r.err);
    CHECK(r.exit_code == 1);
    for (const auto& e : c.expect) CHECK_THAT(r.err, Catch::Contains(e));
  }
}
