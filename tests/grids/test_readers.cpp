// Each reader on tiny fixtures written here, through the same entry point the CLI uses.
#include <catch2/catch.hpp>
#include <cmath>

#include "grids/readers/reader.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

namespace {
constexpr const char* kEmHeader =
    "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
    "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,"
    "Data Estimated,Data Estimation Method\n";

ImportOptions generic(const std::string& zone, const std::string& value_column) {
  ImportOptions o;
  o.format = "generic";
  o.zone = zone;
  o.value_column = value_column;
  return o;
}

RawFile read(const test::TempDir& dir, const std::string& name, const std::string& text,
             const ImportOptions& o = {}) {
  return read_grid_file(dir.write(name, text), o);
}
}  // namespace

TEST_CASE("Electricity Maps export: zone, basis, estimated flag", "[grids][readers]") {
  test::TempDir dir;
  std::string text =
      std::string(kEmHeader) +
      "2021-01-01 00:00:00,Great Britain,Great Britain,GB,156.03,233.76,59,32,x,false,\n"
      "2021-01-01 01:00:00,Great Britain,Great Britain,GB,152.52,229.73,59,32,x,true,TIME_SLICER\n";
  auto lca = read(dir, "gb.csv", text);
  CHECK(lca.key.zone == "GB");
  CHECK(lca.key.signal == Signal::average);
  CHECK(lca.key.basis == Basis::lifecycle);
  REQUIRE(lca.points.size() == 2);
  CHECK(lca.points[0].value == 233.76);
  CHECK(lca.points[1].estimated);
  CHECK(lca.points[1].line == 3);
  CHECK(lca.points[1].time == make_time(2021, 1, 1, 1));
  CHECK(lca.file.name == "gb.csv");
  CHECK(lca.file.sha256.size() == 64);
  ImportOptions direct;
  direct.basis = Basis::direct;
  auto d = read(dir, "gb.csv", text, direct);
  CHECK(d.key.basis == Basis::direct);
  CHECK(d.points[0].value == 156.03);
}

TEST_CASE("Electricity Maps export variant: gCO2eq header and day-first dates",
          "[grids][readers]") {
  test::TempDir dir;
  auto r = read(dir, "fr.csv",
                "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO2eq/kWh (direct),"
                "Carbon Intensity gCO2eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,"
                "Data Source,Data Estimated,CO2\n"
                "13/01/2022 00:00,France,France,FR,25.09,43.84,94,25,x,FALSE,0.04384\n"
                "13/01/2022 01:00,France,France,FR,26.73,46.22,93,24,x,FALSE,0.04622\n");
  CHECK(r.key.zone == "FR");
  REQUIRE(r.points.size() == 2);
  CHECK(r.points[0].time == make_time(2022, 1, 13));
  CHECK(r.points[1].value == 46.22);
}

TEST_CASE("Electricity Maps API history needs --zone", "[grids][readers]") {
  test::TempDir dir;
  std::string text =
      "datetime,carbonIntensity,isEstimated,estimationMethod\n"
      "2024-06-14T13:00:00.000Z,18,False,\n2024-06-14T14:00:00.000Z,19,True,TIME_SLICER_AVERAGE\n";
  CHECK_THROWS_AS(read(dir, "fr.csv", text), ParseError);
  ImportOptions o;
  o.zone = "FR";
  auto r = read(dir, "fr.csv", text, o);
  CHECK(r.key.zone == "FR");
  CHECK(r.key.basis == Basis::lifecycle);
  CHECK(r.points[0].time == make_time(2024, 6, 14, 13));
  CHECK(r.points[1].estimated);
}

TEST_CASE("WattTime MOER: lbs/MWh to g/kWh, keyed by balancing authority", "[grids][readers]") {
  test::TempDir dir;
  auto api = read(dir, "wt.csv",
                  "point_time,value,frequency,market,ba,datatype,version\n"
                  "2020-01-01T00:00:00+00:00,1000,300,RTM,CAISO_NORTH,MOER,3.2\n"
                  "2020-01-01T00:05:00+00:00,900,300,RTM,CAISO_NORTH,MOER,3.2\n");
  CHECK(api.key.zone == "CAISO_NORTH");
  CHECK(api.key.signal == Signal::marginal);
  CHECK(api.points[0].value == Approx(453.59237).epsilon(1e-12));
  auto col = read(dir, "vessim.csv",
                  "oootime,Caiso_North\n2023-06-08 00:00:00,425.0\n"
                  "2023-06-08 00:05:00,432.0\n");
  CHECK(col.key.zone == "CAISO_NORTH");
  CHECK(col.points[1].value == Approx(432.0 * 0.45359237).epsilon(1e-12));
}

TEST_CASE("EirGrid: Irish local time, DST rows handled as the dashboard writes them",
          "[grids][readers]") {
  test::TempDir dir;
  // 2021-03-28: 01:00-01:45 local do not exist (present as empty rows).
  auto spring = read(dir, "ie.csv",
                     "28-Mar-2021 00:45:00,CO2_INTENSITY,ROI,250.0\n"
                     "28-Mar-2021 01:00:00,CO2_INTENSITY,ROI,\n"
                     "28-Mar-2021 01:15:00,CO2_INTENSITY,ROI,\n"
                     "28-Mar-2021 02:00:00,CO2_INTENSITY,ROI,251.0\n");
  CHECK(spring.key.zone == "IE");
  REQUIRE(spring.points.size() == 2);
  CHECK(spring.points[0].time == make_time(2021, 3, 28, 0, 45));  // GMT
  CHECK(spring.points[1].time == make_time(2021, 3, 28, 1, 0));   // 02:00 IST = 01:00 UTC
  CHECK(spring.repairs.at("dst_nonexistent_rows_dropped") == 2);
  // 2021-10-31: 01:00-01:59 local happens twice; listed twice, first is summer time.
  auto autumn = read(dir, "ie2.csv",
                     "31-Oct-2021 00:45:00,CO2_INTENSITY,ROI,1\n"
                     "31-Oct-2021 01:00:00,CO2_INTENSITY,ROI,2\n"
                     "31-Oct-2021 01:00:00,CO2_INTENSITY,ROI,3\n"
                     "31-Oct-2021 02:00:00,CO2_INTENSITY,ROI,4\n");
  REQUIRE(autumn.points.size() == 4);
  CHECK(autumn.points[0].time == make_time(2021, 10, 30, 23, 45));
  CHECK(autumn.points[1].time == make_time(2021, 10, 31, 0, 0));
  CHECK(autumn.points[2].time == make_time(2021, 10, 31, 1, 0));
  CHECK(autumn.points[3].time == make_time(2021, 10, 31, 2, 0));
  // A value at a local time that does not exist is an error.
  CHECK_THROWS_AS(read(dir, "ie3.csv",
                       "28-Mar-2021 01:15:00,CO2_INTENSITY,ROI,250.0\n"
                       "28-Mar-2021 02:00:00,CO2_INTENSITY,ROI,251.0\n"),
                  ParseError);
}

TEST_CASE("generic CSV: columns, layout, time zone, unit", "[grids][readers]") {
  test::TempDir dir;
  ImportOptions o = generic("DE", "kg");
  o.time_column = "when";
  o.time_format = "%d.%m.%Y %H:%M";
  o.timezone = "Europe/Berlin";
  o.unit = "kg/kWh";
  o.delimiter = ';';
  o.skip_rows = 1;
  auto r = read(dir, "de.csv",
                "exported by some tool\nwhen;kg\n01.07.2020 02:00;0.3\n01.07.2020 03:00;0.25\n", o);
  CHECK(r.key.zone == "DE");
  REQUIRE(r.points.size() == 2);
  CHECK(r.points[0].time == make_time(2020, 7, 1, 0));  // CEST = UTC+2
  CHECK(r.points[0].value == Approx(300.0));
  CHECK(r.points[1].line == 4);
}

TEST_CASE("generic CSV: local times that do not exist or are ambiguous are errors",
          "[grids][readers]") {
  test::TempDir dir;
  ImportOptions o = generic("DE", "ci");
  o.timezone = "Europe/Berlin";
  CHECK_THROWS_WITH(read(dir, "a.csv", "t,ci\n2021-03-28 01:00,1\n2021-03-28 02:30,1\n", o),
                    Catch::Contains("a.csv:3") && Catch::Contains("does not exist"));
  CHECK_THROWS_WITH(read(dir, "b.csv", "t,ci\n2021-10-31 01:00,1\n2021-10-31 02:30,1\n", o),
                    Catch::Contains("b.csv:3") && Catch::Contains("ambiguous"));
}

TEST_CASE("the format is detected from the header", "[grids][readers]") {
  test::TempDir dir;
  std::string text = "hello,world\n1,2\n";
  std::string path = dir.write("x.csv", text);
  ImportOptions o;
  ReaderInput in{path, text, o};
  CHECK_THROWS_WITH(choose_reader(in), Catch::Contains("--format"));
  ImportOptions bad;
  bad.format = "excel";
  ReaderInput in2{path, text, bad};
  CHECK_THROWS_AS(choose_reader(in2), ConfigError);
}

TEST_CASE("cell values: empty is a gap, bad numbers are errors", "[grids][readers]") {
  test::TempDir dir;
  const ImportOptions o = generic("XX", "ci");
  auto r = read(dir, "g.csv", "t,ci\n2020-01-01 00:00,\n2020-01-01 01:00,5\n", o);
  CHECK(std::isnan(r.points[0].value));
  CHECK_THROWS_WITH(read(dir, "n.csv", "t,ci\n2020-01-01 00:00,-1\n", o),
                    Catch::Contains("n.csv:2") && Catch::Contains("negative"));
  CHECK_THROWS_WITH(read(dir, "m.csv", "t,ci\n2020-01-01 00:00,nan\n", o),
                    Catch::Contains("m.csv:2"));
  CHECK_THROWS_WITH(read(dir, "i.csv", "t,ci\n2020-01-01 00:00,3001\n", o),
                    Catch::Contains("implausible"));
  CHECK_THROWS_WITH(read(dir, "w.csv", "t,ci\n2020-01-01 00:00,12abc\n", o),
                    Catch::Contains("not a number"));
}
