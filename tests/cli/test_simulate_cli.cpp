// `shiftsim simulate` driven through the binary: bad input stops with exit code 1, nothing on
// stdout, and a message on stderr naming what is wrong and how to fix it; a run without a result
// (a window past the data) exits 2; the JSON output has the keys scripts rely on; the spatial
// choice picks the lowest planned region; output is deterministic, forecast noise by its seed.
// Hand-computed results are in tests/golden (test_golden.cpp).
#include <catch2/catch.hpp>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synth_store.hpp"

namespace {

using nlohmann::json;
using shiftsim::test::CliResult;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;
using Args = std::vector<std::string>;

// The SYNTHETIC store of tests/support/synth_store.hpp, and simulate against it.
struct SynthStore : shiftsim::test::SynthStore {
  // simulate in France, 2022-06-01 00:00 UTC, BERT finetune (6 h), plus `extra`.
  CliResult simulate(const Args& extra, bool json_output = false) const {
    Args a{"simulate", "--grids", store,     "--workload",          "bert-finetune",
           "--region", "France",  "--start", "2022-06-01T00:00:00Z"};
    a.insert(a.end(), extra.begin(), extra.end());
    if (json_output) a.push_back("--json");
    return run_shiftsim(a);
  }
};

// Exit code 1, no output, "shiftsim: error: ..." containing every part.
void check_refused(const CliResult& r, std::initializer_list<std::string> parts) {
  INFO("stdout: " << r.out);
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("shiftsim: error: "));
  for (const auto& p : parts) CHECK_THAT(r.err, Catch::Contains(p));
}

json parse_ok(const CliResult& r) {
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(r.out);
}

}  // namespace

TEST_CASE("cli simulate: policy, window and forecast mistakes are refused with a fix",
          "[cli][simulate]") {
  SynthStore s;
  SECTION("unknown policy: lists the policies") {
    check_refused(s.simulate({"--policy", "sometimes"}),
                  {"unknown policy", "sometimes", "flexible-start", "pause-resume", "threshold"});
  }
  SECTION("a window that is not a duration") {
    check_refused(s.simulate({"--policy", "flexible-start", "--window", "abc"}),
                  {"window", "'abc'", "not a duration", "1h30min"});
    check_refused(s.simulate({"--policy", "flexible-start", "--window", "6 parsecs"}),
                  {"6 parsecs", "not a duration"});
  }
  SECTION("a negative window") {
    check_refused(s.simulate({"--policy", "pause-resume", "--window=-1h"}),
                  {"window", "-1h", "write it like"});
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "-5%"}),
                  {"-5%", "between 0% and", "e.g. 25%"});
  }
  SECTION("a relative window beyond 100 durations") {
    check_refused(s.simulate({"--policy", "flexible-start", "--window", "20000%"}),
                  {"20000%", "between 0% and 10000%"});
  }
  SECTION("\"25 %\" (a space before the sign) reads as 25%") {
    const auto spaced = s.simulate({"--policy", "flexible-start", "--window", "25 %"}, true);
    const auto plain = s.simulate({"--policy", "flexible-start", "--window", "25%"}, true);
    INFO(spaced.err);
    CHECK(spaced.exit_code == 0);
    CHECK(spaced.out == plain.out);
  }
  SECTION("unknown forecast kind: lists the kinds") {
    check_refused(
        s.simulate({"--policy", "flexible-start", "--window", "6h", "--forecast", "crystal-ball"}),
        {"crystal-ball", "perfect", "gaussian:E", "persistence"});
  }
  SECTION("gaussian without its error E") {
    check_refused(
        s.simulate({"--policy", "flexible-start", "--window", "6h", "--forecast", "gaussian"}),
        {"gaussian needs an error", "gaussian:0.1"});
    check_refused(
        s.simulate({"--policy", "flexible-start", "--window", "6h", "--forecast", "gaussian:abc"}),
        {"abc", "not a number"});
  }
  SECTION("--window or --forecast with the baseline") {
    check_refused(s.simulate({"--window", "6h"}), {"--window", "baseline"});
  }
  SECTION("a forecast for the threshold policy") {
    check_refused(s.simulate({"--policy", "threshold", "--threshold", "50", "--window", "6h",
                              "--forecast", "gaussian:0.1"}),
                  {"--forecast", "threshold"});
  }
}

TEST_CASE("cli simulate: threshold and pause-cost mistakes are refused with a fix",
          "[cli][simulate]") {
  SynthStore s;
  SECTION("threshold without --threshold") {
    check_refused(s.simulate({"--policy", "threshold", "--window", "6h"}),
                  {"--policy threshold needs --threshold", "g/kWh"});
  }
  SECTION("a negative threshold") {
    check_refused(s.simulate({"--policy", "threshold", "--window", "6h", "--threshold=-5"}),
                  {"--threshold", ">= 0"});
  }
  SECTION("--threshold with another policy") {
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "6h", "--threshold", "100"}),
                  {"--threshold applies only to --policy threshold"});
    check_refused(s.simulate({"--threshold", "100"}), {"--threshold", "--policy threshold"});
  }
  SECTION("--checkpoint-energy without --checkpoint-time") {
    check_refused(
        s.simulate({"--policy", "pause-resume", "--window", "6h", "--checkpoint-energy", "1"}),
        {"--checkpoint-energy", "--checkpoint-time"});
  }
  SECTION("a negative checkpoint energy") {
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "6h", "--checkpoint-time",
                              "10min", "--checkpoint-energy=-1"}),
                  {"--checkpoint-energy", "from 0 to"});
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "6h", "--checkpoint-time",
                              "10min", "--checkpoint-energy", "1e308"}),
                  {"--checkpoint-energy", "from 0 to"});
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "6h", "--forecast",
                              "gaussian:0.1", "--seed=-1"}),
                  {"--seed", "whole number"});
  }
  SECTION("a checkpoint time that is not whole steps") {
    check_refused(
        s.simulate({"--policy", "pause-resume", "--window", "6h", "--checkpoint-time", "7min"}),
        {"checkpoint time 7min", "5min", "multiple of the step"});
    check_refused(s.simulate({"--policy", "pause-resume", "--window", "6h", "--step", "1h",
                              "--checkpoint-time", "90min"}),
                  {"90min", "1h", "multiple of the step"});
  }
  SECTION("pause costs with a policy that never pauses") {
    check_refused(
        s.simulate({"--policy", "flexible-start", "--window", "6h", "--checkpoint-time", "10min"}),
        {"pause costs do not apply", "flexible-start", "never pauses"});
    check_refused(s.simulate({"--policy", "flexible-start", "--window", "6h", "--min-run", "1h"}),
                  {"pause costs do not apply"});
    check_refused(s.simulate({"--min-run", "1h"}), {"pause costs do not apply", "baseline"});
  }
  SECTION("the spatial choice with the threshold policy") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                "--regions", "France,Germany", "--start", "2022-06-01T00:00:00Z",
                                "--policy", "threshold", "--threshold", "50", "--window", "6h"}),
                  {"spatial", "threshold"});
  }
}

TEST_CASE("cli simulate: time, step, store, region and workload mistakes are refused with a fix",
          "[cli][simulate]") {
  SynthStore s;
  SECTION("a start off the step grid: names the two nearest steps") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                "--region", "France", "--start", "2022-06-01T00:02:00Z"}),
                  {"2022-06-01T00:02:00Z", "not on the 5min simulation step grid",
                   "2022-06-01T00:00:00Z", "2022-06-01T00:05:00Z"});
    check_refused(
        run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune", "--region",
                      "France", "--start", "2022-06-01T00:30:00Z", "--step", "1h"}),
        {"not on the 1h simulation step grid", "2022-06-01T00:00:00Z", "2022-06-01T01:00:00Z"});
  }
  SECTION("a start that is not a time") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                "--region", "France", "--start", "yesterday"}),
                  {"--start", "yesterday", "ISO 8601"});
  }
  SECTION("a step that does not divide a day") {
    check_refused(s.simulate({"--step", "7min"}), {"step 7min", "does not divide a day", "5min"});
    check_refused(s.simulate({"--step", "25h"}), {"25h", "does not divide a day"});
  }
  SECTION("a missing store file") {
    TempDir empty;
    const auto missing = empty.file("nothere.h5");
    check_refused(run_shiftsim({"simulate", "--grids", missing, "--workload", "bert-finetune",
                                "--region", "France", "--start", "2022-06-01T00:00:00Z"}),
                  {missing, "no such grid store", "grids import", "grids synth"});
  }
  SECTION("an unknown region: points at grids list") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                "--region", "Atlantis", "--start", "2022-06-01T00:00:00Z"}),
                  {"Atlantis", "no series", "grids list"});
  }
  SECTION("a series of a signal the store does not hold") {
    check_refused(s.simulate({"--signal", "marginal"}), {"France", "signal/basis", "grids list"});
  }
  SECTION("no region at all") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                "--start", "2022-06-01T00:00:00Z"}),
                  {"--region", "--regions"});
  }
  SECTION("an unknown workload: lists the catalog") {
    check_refused(run_shiftsim({"simulate", "--grids", s.store, "--workload", "no-such-job",
                                "--region", "France", "--start", "2022-06-01T00:00:00Z"}),
                  {"no-such-job", "neither a catalog workload nor a workload file", "bert-finetune",
                   "vit-huge"});
  }
  SECTION("a workload file with a mistake: names the file and the key") {
    TempDir dir;
    const auto f = dir.write("job.toml", "name = \"bad\"\nduration = \"2h\"\npower = \"-1 kW\"\n");
    const auto r = run_shiftsim({"simulate", "--grids", s.store, "--workload", f, "--region",
                                 "France", "--start", "2022-06-01T00:00:00Z"});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, Catch::Contains("job.toml") && Catch::Contains("power"));
  }
}

TEST_CASE("cli simulate: the JSON output has the keys scripts rely on", "[cli][simulate]") {
  SynthStore s;
  const auto j = parse_ok(s.simulate({"--policy", "pause-resume", "--window", "100%"}, true));
  for (const char* key : {"job",
                          "region",
                          "series",
                          "source",
                          "synthetic",
                          "step",
                          "policy",
                          "window",
                          "window_h",
                          "forecast",
                          "duration_h",
                          "outcome",
                          "requested_start",
                          "deadline",
                          "emissions_g",
                          "embodied_g",
                          "energy_kwh",
                          "checkpoint_energy_kwh",
                          "checkpoint_emissions_g",
                          "planned_g",
                          "start",
                          "finish",
                          "delay_h",
                          "pauses",
                          "schedule",
                          "baseline_g"}) {
    INFO("key " << key);
    CHECK(j.contains(key));
  }
  CHECK(j["outcome"] == "ok");
  CHECK(j["synthetic"] == true);  // surrogate series say so
  CHECK(j["requested_start"] == "2022-06-01T00:00:00Z");
  CHECK(j["duration_h"] == 6.0);
  CHECK(j["window_h"] == 6.0);
  CHECK(j["deadline"] == "2022-06-01T12:00:00Z");
  REQUIRE(j["schedule"].is_array());
  REQUIRE(!j["schedule"].empty());
  CHECK(j["schedule"].front()[0] == j["start"]);
  CHECK(j["schedule"].back()[1] == j["finish"]);
  CHECK(j["pauses"].get<int>() == static_cast<int>(j["schedule"].size()) - 1);
  CHECK(j["energy_kwh"].get<double>() > 0.0);
  CHECK(j["embodied_g"].get<double>() == 0.0);
  CHECK(j["delay_h"].get<double>() >= 0.0);
  CHECK(j["delay_h"].get<double>() <= 6.0);
  // An oracle pause-resume window holds the baseline's steps: it never emits more.
  CHECK(j["emissions_g"].get<double>() <= j["baseline_g"].get<double>() * (1 + 1e-12));
  CHECK(j["planned_g"].get<double>() == Approx(j["emissions_g"].get<double>()).epsilon(1e-9));
}

TEST_CASE("cli simulate: no result within the data exits 2 and says why", "[cli][simulate]") {
  SynthStore s;
  SECTION("a window past the end of the history") {
    const auto r = run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                 "--region", "France", "--start", "2022-12-31T20:00:00Z",
                                 "--policy", "pause-resume", "--window", "100%", "--json"});
    INFO(r.err);
    CHECK(r.exit_code == 4);
    const auto j = json::parse(r.out);
    CHECK(j["outcome"] == "beyond-data");
    CHECK_THAT(j["explanation"].get<std::string>(), Catch::Contains("import more data"));
    CHECK_FALSE(j.contains("emissions_g"));
    const auto text = run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune",
                                    "--region", "France", "--start", "2022-12-31T20:00:00Z",
                                    "--policy", "pause-resume", "--window", "100%"});
    CHECK(text.exit_code == 4);
    CHECK_THAT(text.out, Catch::Contains("beyond-data"));
  }
  SECTION("a requested start before the history") {
    const auto r =
        run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune", "--region",
                      "France", "--start", "2021-06-01T00:00:00Z", "--json"});
    CHECK(r.exit_code == 4);
    CHECK(json::parse(r.out)["outcome"] == "before-data");
  }
}

TEST_CASE("cli simulate: the spatial choice runs where the plan expects least", "[cli][simulate]") {
  SECTION("synthetic regions: the lowest planned candidate is chosen") {
    SynthStore s;
    const auto r =
        run_shiftsim({"simulate", "--grids", s.store, "--workload", "bert-finetune", "--regions",
                      "Germany,France,Norway,UK South", "--start", "2022-06-01T00:00:00Z",
                      "--policy", "flexible-start", "--window", "6h", "--json"});
    const auto j = parse_ok(r);
    REQUIRE(j.contains("candidates"));
    REQUIRE(j["candidates"].size() == 4);
    std::string best;
    double lowest = std::numeric_limits<double>::infinity();
    for (const auto& c : j["candidates"]) {
      REQUIRE(c["outcome"] == "ok");
      CHECK(c.contains("region"));
      CHECK(c.contains("emissions_g"));
      if (c["planned_g"].get<double>() < lowest) {
        lowest = c["planned_g"].get<double>();
        best = c["region"].get<std::string>();
      }
    }
    CHECK(j["region"] == best);
    CHECK(j["planned_g"].get<double>() == lowest);
  }
  SECTION("hand-made zones: the clean one wins whatever the order") {
    TempDir dir;
    std::string clean = "time,ci\n", dirty = "time,ci\n";
    for (int h = 0; h < 24; ++h) {
      const std::string t =
          "2023-01-01 " + std::string(h < 10 ? "0" : "") + std::to_string(h) + ":00:00";
      clean += t + ",100\n";
      dirty += t + ",300\n";
    }
    const auto store = dir.file("zones.h5");
    for (const auto& [file, zone, text] :
         {std::tuple{"clean.csv", "ZCLEAN", clean}, std::tuple{"dirty.csv", "ZDIRTY", dirty}}) {
      const auto r = run_shiftsim({"grids", "import", dir.write(file, text), "--into", store,
                                   "--format", "generic", "--value-column", "ci", "--zone", zone,
                                   "--source", "hand-made test data (synthetic)"});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
    }
    const auto wl =
        dir.write("job.toml", "name = \"two-hours\"\nduration = \"2h\"\npower = \"1 kW\"\n");
    for (const std::string order : {"ZDIRTY,ZCLEAN", "ZCLEAN,ZDIRTY"}) {
      INFO("--regions " << order);
      const auto j =
          parse_ok(run_shiftsim({"simulate", "--grids", store, "--workload", wl, "--regions", order,
                                 "--start", "2023-01-01T02:00:00Z", "--json"}));
      CHECK(j["region"] == "ZCLEAN");
      CHECK(j["emissions_g"].get<double>() == Approx(200.0).epsilon(1e-9));
      REQUIRE(j["candidates"].size() == 2);
      for (const auto& c : j["candidates"]) {
        const double expected = c["region"] == "ZCLEAN" ? 200.0 : 600.0;
        CHECK(c["planned_g"].get<double>() == Approx(expected).epsilon(1e-9));
      }
    }
  }
}

TEST_CASE("cli simulate: output is deterministic; forecast noise follows its seed",
          "[cli][simulate]") {
  SynthStore s;
  SECTION("the same command twice gives byte-identical output") {
    for (const bool as_json : {false, true}) {
      const Args args{"--policy", "pause-resume", "--window", "50%"};
      const auto a = s.simulate(args, as_json);
      const auto b = s.simulate(args, as_json);
      REQUIRE(a.exit_code == 0);
      CHECK(a.out == b.out);
      CHECK(a.err == b.err);
    }
  }
  SECTION("gaussian forecast: the same seed is identical, another seed may differ") {
    auto run = [&](const std::string& seed) {
      return s.simulate({"--policy", "pause-resume", "--window", "100%", "--forecast",
                         "gaussian:0.2", "--seed", seed},
                        true);
    };
    const auto a = run("7"), b = run("7");
    REQUIRE(a.exit_code == 0);
    CHECK(a.out == b.out);
    const auto ja = json::parse(a.out);
    CHECK_THAT(ja["forecast"].get<std::string>(), Catch::Contains("gaussian"));
    // Noise of 20 % on every step: some other seed plans differently (expected emissions).
    bool some_differ = false;
    for (const std::string seed : {"8", "9", "10"}) {
      const auto other = json::parse(run(seed).out);
      some_differ |= other["planned_g"] != ja["planned_g"];
    }
    CHECK(some_differ);
  }
}

TEST_CASE("cli simulate: a policy without a window, or a window without a unit, is refused",
          "[cli][simulate]") {
  SynthStore s;
  // Without --window flexible-start ran a window of 0: the baseline under another name.
  check_refused(s.simulate({"--policy", "flexible-start"}),
                {"--policy flexible-start needs --window", "--window 6h"});
  check_refused(s.simulate({"--policy", "pause-resume", "--window", "0h"}),
                {"--window 0h does nothing", "--window 6h"});
  check_refused(s.simulate({"--policy", "threshold", "--threshold", "300"}), {"needs --window"});
  // "--window 6" was 6 seconds.
  check_refused(s.simulate({"--policy", "flexible-start", "--window", "6"}),
                {"window '6' has no unit", "6h"});
  parse_ok(s.simulate({"--policy", "flexible-start", "--window", "6h"}, true));
  parse_ok(s.simulate({}, true));  // the baseline needs none
}
