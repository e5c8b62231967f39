// SGIP files and gzip through the binary, as a user imports them: a good month imports with its
// forecasts; a truncated .gz or a file without all its lead columns exits 1 naming the file, the
// line and what to do, and leaves the store byte-identical. `grids synth --calibrated` says
// what its data are.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <string>

#include "grids/store.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;

namespace {
std::string sgip(int rows, int leads = 36) {
  std::string s = "time,moer";
  for (int k = 1; k <= leads; ++k) s += fmt::format(",f{}", k);
  s += "\n";
  for (int i = 0; i < rows; ++i) {
    s += fmt::format("2020-01-01 {:02}:{:02}:00+00:00,0.25", (5 * i) / 60, (5 * i) % 60);
    for (int k = 1; k <= leads; ++k) s += ",0.3";
    s += "\n";
  }
  return s;
}
}  // namespace

TEST_CASE("cli: SGIP .csv.gz imports with its forecasts; broken ones leave the store as it was",
          "[cli][sgip][bad-input]") {
  test::TempDir dir;
  const std::string store = dir.file("grids.h5");
  const auto good = dir.write("SGIP_CAISO_PGE_2020-01.csv.gz", test::gzip_bytes(sgip(200)));
  auto r = test::run_shiftsim({"grids", "import", good, "--into", store});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("SGIP_CAISO_PGE/marginal/direct: 200 values") != std::string::npos);
  const auto loaded = grids::GridStore::load(store);
  const auto* s = loaded.find({"SGIP_CAISO_PGE", Signal::marginal, Basis::direct});
  REQUIRE(s != nullptr);
  CHECK(s->values[0] == 250);
  CHECK(s->forecast.leads == 36);
  CHECK(s->forecast.values[5] == 300);
  const std::string before = test::read_bytes(store);
  const auto list = test::run_shiftsim({"grids", "list", store});
  CHECK(list.out.find("36 leads every 5min (a 3h horizon)") != std::string::npos);
  const auto json = test::run_shiftsim({"grids", "list", store, "--json"});
  CHECK(json.out.find("\"horizon\": \"3h\"") != std::string::npos);

  const std::string gz = test::gzip_bytes(sgip(2000));
  const auto cut = dir.write("SGIP_CAISO_PGE_2020-02.csv.gz", gz.substr(0, gz.size() * 2 / 3));
  r = test::run_shiftsim({"grids", "import", cut, "--into", store});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(cut + ":") != std::string::npos);
  CHECK(r.err.find("truncated") != std::string::npos);
  CHECK(r.err.find("gzip -t") != std::string::npos);
  CHECK(test::read_bytes(store) == before);

  const auto short_file = dir.write("SGIP_CAISO_PGE_2020-03.csv", sgip(3, 35));
  r = test::run_shiftsim({"grids", "import", short_file, "--into", store});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(short_file + ":1:") != std::string::npos);
  CHECK(r.err.find("forecast column f36 is missing") != std::string::npos);
  CHECK(test::read_bytes(store) == before);
}

TEST_CASE("cli: grids synth --calibrated says SYNTHETIC and calibrated", "[cli][calibrated]") {
  test::TempDir dir;
  const auto r = test::run_shiftsim(
      {"grids", "synth", "--calibrated", "--step", "1h", "--into", dir.file("g.h5")});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("SYNTHETIC, calibrated to Dodge et al. Figs. 3-4") != std::string::npos);
  const auto list = test::run_shiftsim({"grids", "list", dir.file("g.h5"), "--json"});
  CHECK(list.out.find("calibrated to Dodge et al. Figs. 3-4") != std::string::npos);
  const auto text = test::run_shiftsim({"grids", "list", dir.file("g.h5")});
  CHECK(text.out.find("16 of them (") != std::string::npos);
  CHECK(text.out.find("are SYNTHETIC, calibrated to Dodge et al. Figs. 3-4") != std::string::npos);
}

TEST_CASE("cli: grids calibrate refuses what it cannot do", "[cli][calibrated][bad-input]") {
  auto r = test::run_shiftsim(
      {"grids", "calibrate", "--predict", "1", "0.1", "0.1", "0.9", "-4", "0.9"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("--predict needs one or more --region") != std::string::npos);
  r = test::run_shiftsim({"grids", "calibrate", "--region", "westus", "--predict", "1", "0.1",
                          "0.1", "1.5", "-4", "0.9"});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("out of range") != std::string::npos);
  r = test::run_shiftsim({"grids", "calibrate", "--region", "westus", "--evaluations", "5"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("--evaluations") != std::string::npos);
  // A cloud name works where a label does.
  r = test::run_shiftsim({"grids", "calibrate", "--region", "westus", "--predict", "0.5", "0.1",
                          "0.2", "0.9", "-1.5", "0.4"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("West US") == std::string::npos);  // it echoes what was asked
  CHECK(r.out.find("westus (clean share") != std::string::npos);
}
