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

}  // namespace

TEST_CASE("cli: simulate decides on issued forecasts as they arrive", "[cli][issued]") {
  test::TempDir dir, other;
  const std::string seeing = dir.file("seeing.h5"), blind = other.file("blind.h5");
  REQUIRE(
      test::run_shiftsim({"grids", "import", dir.write("SGIP_CAISO_PGE_2020-01.csv", sgip(true)),
                          "--into", seeing})
          .exit_code == 0);
  REQUIRE(
      test::run_shiftsim({"grids", "import", other.write("SGIP_CAISO_PGE_2020-01.csv", sgip(false)),
                          "--into", blind})
          .exit_code == 0);
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
  const std::string store = dir.file("g.h5");
  REQUIRE(test::run_shiftsim({"grids", "import",
                              dir.write("SGIP_CAISO_PGE_2020-01.csv", sgip(true)), "--into", store})
              .exit_code == 0);
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
  REQUIRE(
      test::run_shiftsim({"grids", "import", dir.write("SGIP_CAISO_PGE_2020-01.csv", sgip(true)),
                          "--into", dir.file("grids.h5")})
          .exit_code == 0);
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
