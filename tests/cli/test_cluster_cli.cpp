// `shiftsim cluster` driven through the binary: the JSON keys scripts rely on, conservation
// between the per-job CSV and the totals, determinism, and bad input (a clear message naming the
// file and line, exit code 1, no output written) or an explicit per-job outcome.
#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
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

// The SYNTHETIC store of tests/support/synth_store.hpp, and a cluster of two sites on it.
struct Scenario : shiftsim::test::SynthStore {
  CliResult cluster(const std::string& trace_text, const Args& extra) const {
    const std::string trace = dir.write("trace.csv", trace_text);
    Args a{"cluster",
           "--grids",
           store,
           "--site",
           "West US=4",
           "--site",
           "France=4,pue=1.2,idle=50W",
           "--trace",
           trace,
           "--step",
           "1h"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run_shiftsim(a);
  }
};

const char* kTrace =
    "arrival_time,length,accelerators\n"
    "0,2,2\n0.5,1,4\n1,3,1\n1,0.5,3\n2,5,4\n10,1,1\n";

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void require_error(const CliResult& r, std::initializer_list<const char*> parts) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.empty());
  for (const char* p : parts) CHECK(r.err.find(p) != std::string::npos);
}

}  // namespace

TEST_CASE("cluster: the JSON has the keys scripts rely on, and totals match the job CSV",
          "[cli][cluster]") {
  Scenario s;
  for (const char* scheduler :
       {"fifo", "backfill", "carbon-delay", "carbon-suspend", "spatial", "spatial-delay"}) {
    INFO(scheduler);
    const std::string csv = s.dir.file(std::string("jobs-") + scheduler + ".csv");
    const auto r = s.cluster(kTrace, {"--scheduler", scheduler, "--slack", "12h", "--interruptible",
                                      "--json", "--jobs-csv", csv});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = json::parse(r.out);
    for (const char* key : {"jobs", "energy_kwh", "emissions_g", "mean_wait_h", "deadline_misses",
                            "events", "finished", "rejected", "idle_energy_kwh", "sites"}) {
      CHECK(j.contains(key));
    }
    CHECK(j["jobs"] == 6);
    CHECK(j["finished"] == 6);
    CHECK(j["events"].get<int>() >= 12);  // each job arrives and finishes
    // The jobs' energy in the CSV adds up to the total minus idle: charged once, all of it.
    std::istringstream lines(slurp(csv));
    std::string line;
    std::getline(lines, line);
    double kwh = 0;
    int rows = 0;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::stringstream ls(line);
      for (std::string x; std::getline(ls, x, ',');) f.push_back(x);
      REQUIRE(f.size() == 18);
      kwh += std::stod(f[12]);
      ++rows;
    }
    CHECK(rows == 6);
    CHECK(kwh == Approx(j["jobs_energy_kwh"].get<double>()));
    CHECK(j["energy_kwh"].get<double>() ==
          Approx(j["jobs_energy_kwh"].get<double>() + j["idle_energy_kwh"].get<double>()));
    // Same inputs, same output bytes (the measured events/s aside).
    const auto again =
        s.cluster(kTrace, {"--scheduler", scheduler, "--slack", "12h", "--interruptible", "--json",
                           "--jobs-csv", csv, "--force"});
    auto a = j, b = json::parse(again.out);
    a.erase("events_per_second");
    b.erase("events_per_second");
    CHECK(a == b);
  }
}

TEST_CASE("cluster: a job larger than any site is rejected, not an error", "[cli][cluster]") {
  Scenario s;
  const auto r = s.cluster("arrival_time,length,gpus\n0,1,2\n0,1,9\n", {"--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = json::parse(r.out);
  CHECK(j["rejected"] == 1);
  CHECK(j["finished"] == 1);
  CHECK(j["mean_wait_h"] == 0.0);  // the job that started did not wait

  // Only the job too large: nothing started, so there is no mean wait (null, not 0).
  const auto none = json::parse(s.cluster("arrival_time,length,gpus\n0,1,9\n", {"--json"}).out);
  CHECK(none["rejected"] == 1);
  CHECK(none["mean_wait_h"].is_null());
  CHECK(none["max_wait_h"].is_null());
  CHECK(none["mean_slowdown"].is_null());
  const auto text = s.cluster("arrival_time,length,gpus\n0,1,9\n", {});
  CHECK(text.out.find("n/a h mean") != std::string::npos);
}

TEST_CASE("cluster: bad input names the file and line and writes nothing",
          "[cli][cluster][bad-input]") {
  Scenario s;
  const std::string csv = s.dir.file("out.csv");
  require_error(s.cluster("arrival_time,length,accelerators\n0,1,1\n1,-2,1\n", {"--jobs-csv", csv}),
                {"trace.csv:3", "length", "> 0"});
  CHECK_FALSE(std::ifstream(csv).good());
  require_error(s.cluster("arrival_time,length,accelerators\n5,1,1\n1,2,1\n", {}),
                {"trace.csv:3", "Sort the trace"});
  require_error(s.cluster("id,arrival_time,length,accelerators\na,0,1,1\na,1,1,1\n", {}),
                {"trace.csv:3", "line 2"});
  require_error(s.cluster(kTrace, {"--scheduler", "greedy"}), {"greedy", "fifo", "carbon-delay"});
  require_error(s.cluster(kTrace, {"--site", "Atlantis=5"}), {"Atlantis"});
  require_error(s.cluster(kTrace, {"--site", "France"}), {"REGION=ACCELERATORS"});
  require_error(s.cluster(kTrace, {"--trace-start", "2021-06-01T00:00Z"}),
                {"before the intensity history"});
  // A graph with a cycle.
  const std::string graph =
      s.dir.write("g.toml",
                  "[[job]]\nid = \"a\"\nworkload = \"densenet-121\"\nafter = [\"b\"]\n"
                  "[[job]]\nid = \"b\"\nworkload = \"densenet-121\"\nafter = [\"a\"]\n");
  require_error(
      run_shiftsim({"cluster", "--grids", s.store, "--site", "France=4", "--graph", graph}),
      {"g.toml", "cycle"});
  // A graph deadline shorter than the graph's critical path: no scheduler could meet it.
  require_error(run_shiftsim({"cluster", "--grids", s.store, "--site", "France=64", "--graph",
                              SHIFTSIM_SOURCE_DIR "/workloads/examples/hp_search.toml",
                              "--graph-deadline", "1h"}),
                {"hp-search", "shorter than its critical path", "at least"});
  // An existing output is not replaced without --force.
  s.dir.write("kept.csv", "precious\n");
  require_error(s.cluster(kTrace, {"--jobs-csv", s.dir.file("kept.csv")}), {"kept.csv", "--force"});
  CHECK(slurp(s.dir.file("kept.csv")) == "precious\n");
}

TEST_CASE("cluster: a job graph releases each job when its parents finish", "[cli][cluster]") {
  Scenario s;
  const auto r =
      run_shiftsim({"cluster", "--grids", s.store, "--site", "France=64", "--step", "1h", "--graph",
                    SHIFTSIM_SOURCE_DIR "/workloads/examples/hp_search.toml", "--trace-start",
                    "2022-03-01T00:00Z", "--json", "--jobs-csv", s.dir.file("g.csv")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto j = json::parse(r.out);
  CHECK(j["finished"] == j["jobs"]);
  CHECK(j["jobs"].get<int>() > 2);
}

TEST_CASE("cluster: review fixes", "[cli][cluster]") {
  Scenario s;
  SECTION("every job after the end of the history: beyond the data (or rejected), not a crash") {
    const auto r = s.cluster("arrival_time,length,gpus\n0,1,1\n0,1,50\n",
                             {"--trace-start", "2023-06-01T00:00Z", "--json"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = json::parse(r.out);
    CHECK(j["beyond_data"] == 1);
    CHECK(j["rejected"] == 1);
  }
  SECTION("a generator's own origin is kept") {
    const auto r =
        run_shiftsim({"cluster", "--grids", s.store, "--site", "France=100", "--step", "1h",
                      "--json", "--generate", "poisson:rate=1/h,jobs=5,seed=1,origin=2022-06-01"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["begin"].get<std::string>().rfind("2022-06-01", 0) == 0);
  }
  SECTION("--interruptible does not override a generator's explicit interruptible=0") {
    for (const char* share : {"", ",interruptible=0"}) {
      const auto r = run_shiftsim({"cluster", "--grids", s.store, "--site", "France=100", "--step",
                                   "1h", "--json", "--interruptible", "--scheduler",
                                   "carbon-suspend", "--slack", "24h", "--generate",
                                   std::string("poisson:rate=1/h,jobs=50,seed=1") + share});
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const auto j = json::parse(r.out);
      INFO(j["source"]);
      if (*share == 0)
        CHECK(j["suspensions"].get<int>() > 0);  // every job interruptible
      else
        CHECK(j["suspensions"] == 0);
    }
  }
  SECTION("ids with commas and quotes are quoted in the job CSV") {
    const std::string csv = s.dir.file("q.csv");
    const auto r = s.cluster("id,arrival_time,length,cpus\n\"a,b\",0,1,1\n\"x\"\"y\",0,1,1\n",
                             {"--jobs-csv", csv});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string text = slurp(csv);
    CHECK(text.find("\n\"a,b\",") != std::string::npos);
    CHECK(text.find("\n\"x\"\"y\",") != std::string::npos);
  }
  SECTION("an absurd accelerator power is refused with the option's meaning") {
    require_error(s.cluster(kTrace, {"--accelerator-power", "1e308"}), {"accelerator power", "W"});
  }
}

TEST_CASE("cluster: the JSON is the same bytes for the same run, timings only with --timings",
          "[cli][cluster]") {
  Scenario s;
  const auto a = s.cluster(kTrace, {"--json"});
  const auto b = s.cluster(kTrace, {"--json"});
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK(a.out == b.out);  // events_per_second made them differ
  CHECK(a.out.find("events_per_second") == std::string::npos);
  const auto t = json::parse(s.cluster(kTrace, {"--json", "--timings"}).out);
  CHECK(t.contains("events_per_second"));
  CHECK(t.contains("seconds"));
}

TEST_CASE("cluster: a site given twice is refused", "[cli][cluster][bad-input]") {
  Scenario s;
  // The same --site again counted as a third site.
  require_error(s.cluster(kTrace, {"--site", "West US=4"}),
                {"--site \"West US=4\"", "is a site already", "give each region once"});
}

TEST_CASE("cluster: carbon-suspend with nothing to suspend says so", "[cli][cluster]") {
  Scenario s;
  // --interruptible without --slack: no job has slack, so nothing could be suspended.
  const auto r = s.cluster(kTrace, {"--scheduler", "carbon-suspend", "--interruptible"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("carbon-suspend will suspend none"));
  CHECK_THAT(r.err, Catch::Contains("--slack 6h"));
  const auto ok =
      s.cluster(kTrace, {"--scheduler", "carbon-suspend", "--interruptible", "--slack", "12h"});
  REQUIRE(ok.exit_code == 0);
  CHECK(ok.err.find("warning") == std::string::npos);
}
