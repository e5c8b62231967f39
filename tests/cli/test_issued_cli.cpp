// Issued forecasts through the binary: a store imported from SGIP-format files whose forecasts
// see a dip drives `simulate --forecast issued:KEY` to the dip; forecasts that miss it do not;
// a key without an archive, another step or a policy that decides on none is refused.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;

namespace {

// Two days at 5 minutes from 2020-01-01: 0.3 kg/kWh but for a dip to 0.05 at steps 300..305
// (2020-01-02 01:00 to 01:30). Forecast lead k: the actual of step i + k when `seeing`, else a
// flat 0.3.
constexpr int kSteps = 576;
bool in_dip(int i) { return i >= 300 && i <= 305; }
std::string sgip(bool seeing) {
  std::string s = "time,moer";
  for (int k = 1; k <= 36; ++k) s += fmt::format(",f{}", k);
  s += "\n";
  for (int i = 0; i < kSteps; ++i) {
    const int m = 5 * i;
    s += fmt::format("2020-01-{:02} {:02}:{:02}:00+00:00,{}", 1 + m / 1440, (m / 60) % 24, m % 60,
                     in_dip(i) ? 0.05 : 0.3);
    for (int k = 1; k <= 36; ++k) s += seeing && in_dip(i + k) ? ",0.05" : ",0.3";
    s += "\n";
  }
  return s;
}

std::vector<std::string> simulate(const std::string& store, const std::string& forecast) {
  return {"simulate",     "--grids",        store,
          "--region",     "SGIP_CAISO_PGE", "--workload",
          "densenet-121", "--start",        "2020-01-02T00:30:00Z",
          "--policy",     "flexible-start", "--window",
          "1h",           "--forecast",     forecast,
          "--json"};
}

// A store `name` in `dir` imported from sgip(seeing); the test stops unless the import works.
std::string import_store(const test::TempDir& dir, const std::string& name, bool seeing) {
  const std::string store = dir.file(name);
  const auto r = test::run_shiftsim(
      {"grids", "import", dir.write("SGIP_CAISO_PGE_2020-01.csv", sgip(seeing)), "--into", store});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return store;
}

}  // namespace

TEST_CASE("cli: simulate decides on issued forecasts as they arrive", "[cli][issued]") {
  test::TempDir dir, other;
  const std::string seeing = import_store(dir, "seeing.h5", true),
                    blind = import_store(other, "blind.h5", false);
  const std::string key = "issued:SGIP_CAISO_PGE/marginal/direct";
  auto r = test::run_shiftsim(simulate(seeing, key));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"start\": \"2020-01-02T01:00:00Z\"") != std::string::npos);
  const auto oracle = test::run_shiftsim(simulate(seeing, "perfect"));
  CHECK(oracle.out.find("\"start\": \"2020-01-02T01:00:00Z\"") != std::string::npos);
  // Flat forecasts: every start looks alike, so the job starts at once.
  r = test::run_shiftsim(simulate(blind, key));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"start\": \"2020-01-02T00:30:00Z\"") != std::string::npos);

  // grids show: the seeing archive is exact, the blind one misses the dip by 250 g/kWh at the
  // leads that point into it (6 of its 576 targets per lead).
  r = test::run_shiftsim({"grids", "show", seeing, "SGIP_CAISO_PGE"});
  CHECK(r.out.find("issued forecasts: error against the actual series by lead") !=
        std::string::npos);
  CHECK(r.out.find("5min       0.0      +0.0") != std::string::npos);
  r = test::run_shiftsim({"grids", "show", blind, "SGIP_CAISO_PGE", "--json"});
  CHECK(r.out.find("\"forecast_error\"") != std::string::npos);
  CHECK(r.out.find("\"order_share\"") != std::string::npos);
}

TEST_CASE("cli: an issued forecast that cannot be used is refused", "[cli][issued][bad-input]") {
  test::TempDir dir;
  const std::string store = import_store(dir, "g.h5", true);
  auto args = simulate(store, "issued:SGIP_CAISO_SCE/marginal/direct");
  auto r = test::run_shiftsim(args);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no series SGIP_CAISO_SCE/marginal/direct") != std::string::npos);
  CHECK(r.err.find("series with an archive: SGIP_CAISO_PGE/marginal/direct") != std::string::npos);

  args = simulate(store, "issued:SGIP_CAISO_PGE/marginal/direct");
  args.insert(args.end(), {"--step", "15min"});
  r = test::run_shiftsim(args);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("run at --step 5min") != std::string::npos);

  args = simulate(store, "issued:SGIP_CAISO_PGE/marginal/direct:later");
  r = test::run_shiftsim(args);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("not a rule for beyond the horizon") != std::string::npos);

  args = simulate(store, "issued:SGIP_CAISO_PGE/marginal/direct");
  args.insert(args.end(), {"--checkpoint-time", "5min"});
  *(std::find(args.begin(), args.end(), "--policy") + 1) = "pause-resume";
  r = test::run_shiftsim(args);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("pause costs are not modelled") != std::string::npos);
}

TEST_CASE("cli: a sweep decides on issued forecasts and its report back-tests them",
          "[cli][issued][run]") {
  test::TempDir dir;
  import_store(dir, "grids.h5", true);
  const std::string experiment = R"([grids]
store = "grids.h5"
regions = ["SGIP_CAISO_PGE"]
years = [2020]
step = "5min"

[workloads]
names = ["densenet-121", "bert-finetune"]

[starts]
every = "1h"

[[policy]]
kind = "baseline"

[[policy]]
kind = "flexible-start"
windows = ["1h", "2h"]

[[policy]]
kind = "pause-resume"
windows = ["1h"]

[forecasts]
models = ["perfect", "issued:SGIP_CAISO_PGE/marginal/direct"]

[output]
path = "sweep.h5"
)";
  auto r = test::run_shiftsim({"run", dir.write("sweep.toml", experiment)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  r = test::run_shiftsim({"report", dir.file("sweep.h5"), "--out", dir.file("report")});
  REQUIRE(r.exit_code == 0);
  const std::string report = test::read_bytes(dir.file("report/report.md"));
  CHECK(report.find("Back-test, flexible start") != std::string::npos);
  CHECK(report.find("Back-test, pause-resume") != std::string::npos);
  // Forecasts that are the actual series over 3 h lose nothing against the oracle when the
  // horizon covers every start's run (the 18-minute job in windows of 1 and 2 h), and lose what
  // lies beyond it for the 6-hour job.
  const std::string fs = test::read_bytes(dir.file("report/tables/forecast_fs.csv"));
  CHECK(fs.find("Dense 121,issued:SGIP_CAISO_PGE/marginal/direct - vs oracle,0,0") !=
        std::string::npos);

  // Pause costs cannot be decided online yet: refused, naming the policy.
  std::string costly = experiment;
  costly.replace(costly.find("windows = [\"1h\"]\n"), 17,
                 "windows = [\"1h\"]\ncheckpoint_time = \"5min\"\n");
  r = test::run_shiftsim({"run", dir.write("costly.toml", costly), "--force"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("pause costs are not modelled") != std::string::npos);
  CHECK(r.err.find("pause-resume+pause-costs/1h") != std::string::npos);
}

namespace {
// A long archive (issued_at,target_time,value) for the fixture's series: issued every hour for
// the next 12 steps, seeing the dip; `extra` rows appended.
std::string long_archive(const std::string& extra = {}) {
  std::string s = "issued_at,target_time,value\n";
  for (int i = 0; i < kSteps; i += 12)
    for (int k = 1; k <= 12; ++k) {
      const int m = 5 * i, n = 5 * (i + k);
      s += fmt::format("2020-01-{:02}T{:02}:{:02}:00Z,2020-01-{:02}T{:02}:{:02}:00Z,{}\n",
                       1 + m / 1440, (m / 60) % 24, m % 60, 1 + n / 1440, (n / 60) % 24, n % 60,
                       in_dip(i + k) ? 50 : 300);
    }
  return s + extra;
}
}  // namespace

TEST_CASE("cli: grids import-forecasts keeps a long archive beside its series",
          "[cli][issued][grids]") {
  test::TempDir dir;
  const std::string store = import_store(dir, "g.h5", false);
  const std::string key = "SGIP_CAISO_PGE/marginal/direct";
  auto r = test::run_shiftsim({"grids", "import-forecasts", dir.write("a.csv", long_archive()),
                               "--into", store, "--series", key});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("replaced the archive of " + key +
                   ": 576 forecasts issued at 48 times, 12 leads every 5min (a 1h horizon)") !=
        std::string::npos);
  // Issued hourly: from 00:30 to 00:55 the latest issue is 00:00's, which reaches 01:00, the
  // dip's first step; beyond, persistence (300). Every start whose run holds 01:00 (00:50, 00:55,
  // 01:00 for an 18-minute job) then looks alike, and the earliest, 00:50, is taken: the
  // horizon's edge, worked through by hand.
  r = test::run_shiftsim(simulate(store, "issued:" + key));
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("\"start\": \"2020-01-02T00:50:00Z\"") != std::string::npos);
  r = test::run_shiftsim({"grids", "show", store, "SGIP_CAISO_PGE"});
  CHECK(r.out.find("(48 issues; mean actual") != std::string::npos);
}

TEST_CASE("cli: a long archive that cannot be right is refused at its line",
          "[cli][issued][grids][bad-input]") {
  test::TempDir dir;
  const std::string store = import_store(dir, "g.h5", false);
  const std::string before = test::read_bytes(store);
  const std::string key = "SGIP_CAISO_PGE/marginal/direct";
  struct Bad {
    std::string name, extra, needle;
    std::size_t line;
  };
  const std::size_t next = 2 + 48 * 12;  // the first appended row's line
  for (const Bad& b : {
           Bad{"backwards", "2020-01-01T00:00:00Z,2020-01-01T00:05:00Z,300\n", "go backwards",
               next},
           Bad{"before", "2020-01-02T23:55:00Z,2020-01-02T23:50:00Z,300\n", "swapped", next},
           Bad{"lead", "2020-01-02T23:55:00Z,2020-01-03T00:02:00Z,300\n",
               "not a whole number of the series' 5min steps", next},
           Bad{"grid", "2020-01-02T23:57:00Z,2020-01-03T00:02:00Z,300\n", "not on the 5min step",
               next},
           Bad{"twice", "2020-01-02T23:00:00Z,2020-01-02T23:05:00Z,123\n", "300 at line", next},
           Bad{"value", "2020-01-02T23:55:00Z,2020-01-03T00:00:00Z,-5\n", "value", next},
       }) {
    INFO(b.name);
    const auto path = dir.write(b.name + ".csv", long_archive(b.extra));
    const auto r =
        test::run_shiftsim({"grids", "import-forecasts", path, "--into", store, "--series", key});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(fmt::format("{}:{}:", path, b.line)) != std::string::npos);
    CHECK(r.err.find(b.needle) != std::string::npos);
    CHECK(test::read_bytes(store) == before);
  }
  const auto swapped =
      dir.write("cols.csv", "issued,target,value\n2020-01-01T00:00Z,2020-01-01T00:05Z,1\n");
  auto r =
      test::run_shiftsim({"grids", "import-forecasts", swapped, "--into", store, "--series", key});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(swapped + ":1:") != std::string::npos);
  CHECK(r.err.find("missing column 'issued_at'") != std::string::npos);
  r = test::run_shiftsim({"grids", "import-forecasts", dir.write("ok.csv", long_archive()),
                          "--into", store, "--series", "SGIP_CAISO_SCE/marginal/direct"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("no series SGIP_CAISO_SCE/marginal/direct") != std::string::npos);
  r = test::run_shiftsim({"grids", "import-forecasts", dir.file("ok.csv"), "--into", store,
                          "--series", "SGIP_CAISO_PGE/marginal"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("ZONE/SIGNAL/BASIS") != std::string::npos);
  CHECK(test::read_bytes(store) == before);
}

namespace {
std::vector<std::string> cluster(const test::TempDir& dir, const std::string& store,
                                 const std::string& forecast, const std::string& site) {
  // One job of 30 minutes, released at 00:30 on the second day with an hour of slack: the dip
  // (01:00 to 01:30) is within the horizon of the forecast issued at its release.
  return {"cluster",
          "--grids",
          store,
          "--site",
          site,
          "--trace",
          dir.write("trace.csv", "arrival_time,length,accelerators\n0,0.5,1\n"),
          "--trace-start",
          "2020-01-02T00:30:00Z",
          "--slack",
          "1h",
          "--scheduler",
          "carbon-delay",
          "--step",
          "5min",
          "--forecast",
          forecast,
          "--jobs-csv",
          dir.file("jobs.csv"),
          "--force",
          "--json"};
}
}  // namespace

TEST_CASE("cli: cluster schedulers decide on issued forecasts", "[cli][issued][cluster]") {
  test::TempDir dir, other;
  const std::string seeing = import_store(dir, "seeing.h5", true),
                    blind = import_store(other, "blind.h5", false);
  const std::string key = "issued:SGIP_CAISO_PGE/marginal/direct";
  auto r = test::run_shiftsim(cluster(dir, seeing, key, "SGIP_CAISO_PGE=2"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // release, start, finish
  CHECK(test::read_bytes(dir.file("jobs.csv"))
            .find(",2020-01-02T00:30:00Z,2020-01-02T01:00:00Z,2020-01-02T01:30:00Z,") !=
        std::string::npos);
  // Flat forecasts see no dip: the job starts at once.
  r = test::run_shiftsim(cluster(other, blind, key, "SGIP_CAISO_PGE=2"));
  REQUIRE(r.exit_code == 0);
  CHECK(test::read_bytes(other.file("jobs.csv"))
            .find(",2020-01-02T00:30:00Z,2020-01-02T00:30:00Z,2020-01-02T01:00:00Z,") !=
        std::string::npos);
}

TEST_CASE("cli: a cluster refuses an issued forecast of another site's series",
          "[cli][issued][cluster][bad-input]") {
  test::TempDir dir;
  const std::string store = import_store(dir, "g.h5", true);
  auto r = test::run_shiftsim(
      cluster(dir, store, "issued:SGIP_CAISO_SCE/marginal/direct", "SGIP_CAISO_PGE=2"));
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("is the archive of SGIP_CAISO_SCE/marginal/direct") != std::string::npos);
  CHECK(r.err.find("site 'SGIP_CAISO_PGE' is on SGIP_CAISO_PGE/marginal/direct") !=
        std::string::npos);
}

TEST_CASE("cli: a cluster experiment sweeps issued forecasts beside the oracle",
          "[cli][issued][cluster][run]") {
  test::TempDir dir;
  import_store(dir, "grids.h5", true);
  dir.write("trace.csv", "arrival_time,length,accelerators\n0,0.5,1\n");
  const std::string experiment = R"([grids]
store = "grids.h5"
step = "5min"

[cluster]
sites = ["SGIP_CAISO_PGE=2"]
capacity_scales = [1.0]
schedulers = ["fifo", "carbon-delay", "carbon-suspend"]
trace = "trace.csv"
trace_start = "2020-01-02T00:30:00Z"
slack = "1h"

[forecasts]
models = ["perfect", "issued:SGIP_CAISO_PGE/marginal/direct", "issued:SGIP_CAISO_PGE/marginal/direct:hold"]

[output]
path = "cluster.h5"
)";
  auto r = test::run_shiftsim({"run", dir.write("cluster.toml", experiment)});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  r = test::run_shiftsim({"report", dir.file("cluster.h5"), "--out", dir.file("report")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // Forecasts that see the dip within their horizon find it as the oracle does: each
  // carbon-aware scheduler saves 5/6 of fifo's emissions (0.05 against 0.3 kg/kWh) on every
  // forecast, and waits the half hour to the dip.
  const std::string csv = test::read_bytes(dir.file("report/tables/cluster_totals.csv"));
  INFO(csv);
  for (const char* scheduler : {"carbon-delay", "carbon-suspend"})
    for (const char* forecast : {"perfect", "issued:SGIP_CAISO_PGE/marginal/direct",
                                 "issued:SGIP_CAISO_PGE/marginal/direct:hold"}) {
      const std::string row = fmt::format("\n{},1,{},", scheduler, forecast);
      const auto at = csv.find(row);
      REQUIRE(at != std::string::npos);
      const std::string line = csv.substr(at + 1, csv.find('\n', at + 1) - at - 1);
      CHECK(line.find(",-83.333333") != std::string::npos);
      CHECK(line.find(",0.5,0.5,2,") != std::string::npos);
    }
}
