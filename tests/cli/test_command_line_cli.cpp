// The command line as one: exit codes (usage errors 2), `shiftsim help COMMAND`, unknown
// commands listing the commands, short options and the old spellings kept as aliases, --json on
// run, merge and report, and a measured log made a workload file in one step.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiments/cube_file.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/sweep.hpp"

using namespace shiftsim;
namespace fs = std::filesystem;
using nlohmann::json;
using test::run_shiftsim;

namespace {

constexpr const char* kSweep = R"(
[grids]
store = "grids.h5"
regions = ["ZA", "ZB"]
years = [2022]
step = "1h"

[workloads]
names = ["bert-finetune", "vit-tiny"]

[starts]
every = "12h"

[[policy]]
kind = "baseline"

[[policy]]
kind = "flexible-start"
windows = ["6h"]

[output]
path = "out.h5"
)";

// A two-GPU nvidia-smi log of ten minutes, local time without an offset.
constexpr const char* kLog =
    "timestamp, index, power.draw [W]\n"
    "2022/03/01 12:00:00.000, 0, 100.00 W\n2022/03/01 12:00:00.000, 1, 100.00 W\n"
    "2022/03/01 12:05:00.000, 0, 200.00 W\n2022/03/01 12:05:00.000, 1, 200.00 W\n"
    "2022/03/01 12:10:00.000, 0, 100.00 W\n2022/03/01 12:10:00.000, 1, 100.00 W\n";

}  // namespace

TEST_CASE("shiftsim: usage errors exit 2, unknown commands list the commands, help COMMAND",
          "[cli][command-line]") {
  const auto unknown = run_shiftsim({"frobnicate"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Catch::Contains("unknown command 'frobnicate'") &&
                              Catch::Contains("simulate") && Catch::Contains("slurm") &&
                              Catch::Contains("shiftsim help COMMAND"));
  CHECK(run_shiftsim({}).exit_code == 2);                            // no command
  CHECK(run_shiftsim({"run"}).exit_code == 2);                       // a missing argument
  CHECK(run_shiftsim({"run", "x.toml", "--bogus"}).exit_code == 2);  // an unknown option
  CHECK(run_shiftsim({"grids", "frob"}).exit_code == 2);
  // Bad input is 1, not 2: the arguments were fine, the file is not.
  CHECK(run_shiftsim({"run", "no-such-experiment.toml"}).exit_code == 1);

  const auto help = run_shiftsim({"help", "run"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("--shard") && Catch::Contains("-j,--threads"));
  const auto nested = run_shiftsim({"help", "grids", "import"});
  CHECK(nested.exit_code == 0);
  CHECK_THAT(nested.out, Catch::Contains("--grids,--into"));
  CHECK(run_shiftsim({"help"}).exit_code == 0);
  const auto version = run_shiftsim({"-V"});
  CHECK(version.exit_code == 0);
  CHECK_THAT(version.out, Catch::StartsWith("shiftsim "));
}

TEST_CASE("shiftsim run, merge and report: short options and --json", "[cli][command-line]") {
  test::TempDir dir;
  test::small_store().save(dir.file("grids.h5"));
  const auto toml = dir.write("sweep.toml", kSweep);
  const auto whole = run_shiftsim({"run", toml, "-o", dir.file("whole.h5"), "-j", "2", "-q"});
  REQUIRE(whole.exit_code == 0);
  CHECK(whole.out.empty());  // -q
  // -f replaces; --json says what was written.
  const auto again = run_shiftsim({"run", toml, "-o", dir.file("whole.h5"), "-f", "--json"});
  REQUIRE(again.exit_code == 0);
  const auto j = json::parse(again.out);
  CHECK(j["cube"] == dir.file("whole.h5"));
  CHECK(j["cells"] == 8);
  CHECK(j["cells_done"] == 8);
  CHECK(j["starts"] == 730);
  CHECK(j["shard"].is_null());
  CHECK(j["seconds"].get<double>() >= 0);

  for (const char* shard : {"0/2", "1/2"})
    REQUIRE(run_shiftsim({"run", toml, "--shard", shard, "-q"}, dir.path().string()).exit_code ==
            0);
  const auto merged =
      run_shiftsim({"merge", dir.file("out.h5.part0-of-2"), dir.file("out.h5.part1-of-2"), "-o",
                    dir.file("m.h5"), "--json"});
  REQUIRE(merged.exit_code == 0);
  const auto m = json::parse(merged.out);
  CHECK(m["cube"] == dir.file("m.h5"));
  CHECK(m["parts"].size() == 2);
  CHECK(m["cells"] == 8);
  CHECK(test::read_bytes(dir.file("m.h5")) == test::read_bytes(dir.file("whole.h5")));

  const auto report = run_shiftsim({"report", dir.file("m.h5"), "-o", dir.file("rep"), "--json"});
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  const auto r = json::parse(report.out);
  CHECK(r["out"] == dir.file("rep"));
  CHECK(r["tables"].size() > 3);
  for (const auto& id : r["tables"])
    CHECK(fs::exists(fs::path(dir.file("rep")) / "tables" / (id.get<std::string>() + ".csv")));
}

TEST_CASE("shiftsim workloads profile --as-workload: a measured log used as --workload",
          "[cli][command-line]") {
  test::TempDir dir;
  const auto log = dir.write("gpu.csv", kLog);
  fs::create_directories(dir.file("jobs"));
  const auto job = dir.file("jobs/my-job.toml");
  const auto r = run_shiftsim(
      {"workloads", "profile", log, "--timezone", "Europe/Berlin", "--as-workload", job});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("local time in Europe/Berlin"));
  CHECK_THAT(test::read_bytes(job), Catch::Contains("file = \"../gpu.csv\"") &&
                                        Catch::Contains("format = \"nvidia-smi\"") &&
                                        Catch::Contains("timezone = \"Europe/Berlin\""));
  // The file is a workload: 10 minutes, two GPUs at 150 W on average = 0.05 kWh.
  const auto shown = run_shiftsim({"workloads", "show", job, "--json"});
  REQUIRE(shown.exit_code == 0);
  const auto j = json::parse(shown.out);
  CHECK(j["name"] == "my-job");
  CHECK(j["duration"] == "10min");
  CHECK(j["energy_kwh"].get<double>() == Approx(0.05).epsilon(1e-9));
  // Never over an existing file without --force.
  const auto again = run_shiftsim({"workloads", "profile", log, "--as-workload", job});
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Catch::Contains("--force"));
  // Read as UTC when no zone is given, and said so.
  const auto utc = run_shiftsim({"workloads", "profile", log});
  REQUIRE(utc.exit_code == 0);
  CHECK_THAT(utc.out, Catch::Contains("without an offset, read as UTC"));
}

TEST_CASE("shiftsim grids export: a series as CSV or netCDF, SYNTHETIC said in both",
          "[cli][command-line]") {
  test::TempDir dir;
  const auto store = dir.file("grids.h5");
  REQUIRE(run_shiftsim({"grids", "synth", "--years", "2020", "--step", "1h", "--seed", "1",
                        "--grids", store})
              .exit_code == 0);
  const auto csv = run_shiftsim({"grids", "export", store, "France", "-o", dir.file("fr.csv")});
  INFO(csv.err);
  REQUIRE(csv.exit_code == 0);
  const auto text = test::read_bytes(dir.file("fr.csv"));
  CHECK_THAT(text, Catch::StartsWith("# FR/surrogate/direct") && Catch::Contains("SYNTHETIC") &&
                       Catch::Contains("\ntime_utc,intensity_g_per_kwh,flags\n"
                                       "2020-01-01T00:00:00Z,"));
  CHECK(std::count(text.begin(), text.end(), '\n') == 3 + 8784);
  const auto nc = run_shiftsim(
      {"grids", "export", store, "France", "--format", "netcdf", "-o", dir.file("fr.nc")});
  REQUIRE(nc.exit_code == 0);
  const auto cube = experiments::read_cube(dir.file("fr.nc"));
  CHECK(cube.dim("time").size() == 8784);
  CHECK(cube.var("intensity").attrs.at("units") == "g/kWh");
  CHECK_THAT(cube.attrs.at("data_warning"), Catch::Contains("SYNTHETIC"));
  CHECK(cube.attrs.at("zone") == "FR");
  // Never over an existing file without --force; a zone the store lacks is named.
  CHECK(run_shiftsim({"grids", "export", store, "France", "-o", dir.file("fr.csv")}).exit_code ==
        1);
  const auto none = run_shiftsim({"grids", "export", store, "Mars", "-o", dir.file("m.csv")});
  CHECK(none.exit_code == 1);
  CHECK_THAT(none.err, Catch::Contains("no series for 'Mars'"));
  CHECK(run_shiftsim({"grids", "export", store, "France", "--format", "xls", "-o", dir.file("x")})
            .exit_code == 1);
}

TEST_CASE("shiftsim workloads profile --as-workload: a CodeCarbon job reads what was reported",
          "[cli][command-line]") {
  test::TempDir dir;
  // Two rows of one run, cumulative: 0.2 kWh in all, 0.15 kWh of it the GPU's.
  const std::string head =
      "timestamp,project_name,run_id,duration,emissions,cpu_energy,gpu_energy,ram_energy,"
      "energy_consumed\n";
  const auto log = dir.write("emissions.csv", head +
                                                  "2022-03-01T12:30:00,p,r1,1800,0.01,0.02,0.075,"
                                                  "0.005,0.1\n"
                                                  "2022-03-01T13:00:00,p,r1,3600,0.02,0.04,0.15,"
                                                  "0.01,0.2\n");
  for (const char* component : {"", "gpu"}) {
    INFO("component " << component);
    std::vector<std::string> args{
        "workloads", "profile",       log,
        "--json",    "--as-workload", dir.file(std::string("job") + component + ".toml")};
    if (*component != '\0') args.insert(args.end(), {"--component", component});
    const auto p = run_shiftsim(args);
    INFO(p.err);
    REQUIRE(p.exit_code == 0);
    const double reported = json::parse(p.out)["energy_kwh"].get<double>();
    CHECK(reported == Approx(*component == '\0' ? 0.2 : 0.15).epsilon(1e-9));
    const auto shown = run_shiftsim(
        {"workloads", "show", dir.file(std::string("job") + component + ".toml"), "--json"});
    REQUIRE(shown.exit_code == 0);
    CHECK(json::parse(shown.out)["energy_kwh"].get<double>() == Approx(reported).epsilon(1e-12));
  }
}

TEST_CASE("shiftsim slurm refuses a path Slurm or the script would misread",
          "[cli][command-line]") {
  test::TempDir dir;
  test::small_store().save(dir.file("grids.h5"));
  std::string toml = kSweep;
  toml.replace(toml.find("out.h5"), 6, "out%1.h5");
  const auto file = dir.write("sweep.toml", toml);
  const auto r = run_shiftsim({"slurm", file, "--tasks", "2"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("cannot go into a Slurm script"));
}
