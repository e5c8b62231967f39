// Experiment input that used to run without a word: starts beyond the data, years out of order,
// windows of 0 or without a unit, paths only the file system can refuse (each at the line of its
// key), and --shard counts beyond any sweep. Driven through the binary.
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "experiments/cube_file.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/sweep.hpp"

using namespace shiftsim;
using Catch::Contains;
namespace fs = std::filesystem;

namespace {

// Line 4 holds years, line 2 store, line 3 regions, line 12 windows, line 14 the output path.
std::string sweep(const std::string& years, const std::string& windows = "[\"6h\"]",
                  const std::string& store = "grids.h5", const std::string& out = "out.h5",
                  const std::string& extra_grids = "") {
  return "[grids]\nstore = \"" + store + "\"\nregions = [\"ZA\", \"ZB\"]\nyears = " + years +
         "\nstep = \"1h\"\n" + extra_grids + "[workloads]\nnames = [\"vit-tiny\"]\n" +
         "[starts]\nevery = \"1d\"\n[[policy]]\nkind = \"flexible-start\"\nwindows = " + windows +
         "\n[output]\npath = \"" + out + "\"\n";
}

struct Dir {
  test::TempDir dir;
  Dir() { test::small_store().save(dir.file("grids.h5")); }
  test::CliResult run(const std::string& toml, std::vector<std::string> extra = {}) const {
    std::vector<std::string> a{"run", dir.write("sweep.toml", toml), "--quiet"};
    a.insert(a.end(), extra.begin(), extra.end());
    return test::run_shiftsim(a);
  }
  std::string file(const std::string& name) const { return dir.file(name); }
};

void refused(const test::CliResult& r, std::initializer_list<const char*> parts) {
  INFO("exit " << r.exit_code << ", stderr: " << r.err);
  CHECK(r.exit_code == 1);
  for (const char* p : parts) CHECK_THAT(r.err, Contains(p));
}

}  // namespace

TEST_CASE("run: starts that all lie beyond the data are refused at the line of years",
          "[cli][run][experiment]") {
  Dir d;
  // The store holds 2022: an all-NaN cube used to be written with exit 0.
  refused(d.run(sweep("[2019]")), {"sweep.toml:4:", "'years'", "every start (2019)",
                                   "ZA 2021-12-31 to 2023-01-01", "give years the data covers"});
  CHECK_FALSE(fs::exists(d.file("out.h5")));
}

TEST_CASE("run: starts partly beyond the data are a warning, and the cube is written",
          "[cli][run][experiment]") {
  Dir d;
  const auto r = d.run(sweep("[2022, 2023]"));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("warning: 2 of 2 cells (2 of 2 regions) have starts beyond the data"));
  CHECK_THAT(r.err, Contains("ZA 2021-12-31 to 2023-01-01 (365 of 730 starts beyond)"));
  const auto cube = experiments::read_cube(d.file("out.h5"));
  CHECK_THAT(cube.attrs.at("data_warning"), Contains("beyond the data"));
  // Within the data: no warning.
  const auto inside = d.run(sweep("[2022]"), {"--force"});
  REQUIRE(inside.exit_code == 0);
  CHECK(inside.err.find("warning") == std::string::npos);
}

TEST_CASE("run: years out of order are refused", "[cli][run][experiment]") {
  Dir d;
  refused(d.run(sweep("[2022, 2021]")),
          {"sweep.toml:4:", "year 2021 comes after 2022", "increasing order"});
}

TEST_CASE("run: a window of 0 or without a unit is refused", "[cli][run][experiment]") {
  Dir d;
  // "6" was a 6-second window; "0h" made flexible-start the baseline under another name.
  refused(d.run(sweep("[2022]", "[\"6\"]")), {"sweep.toml:12:", "'6' has no unit", "6h"});
  refused(d.run(sweep("[2022]", "[\"0h\"]")), {"sweep.toml:12:", "window '0h' is 0", "baseline"});
  refused(d.run(sweep("[2022]", "[\"0%\"]")), {"sweep.toml:12:", "window '0%' is 0"});
}

TEST_CASE("run: store and output problems name the line of their key", "[cli][run][experiment]") {
  Dir d;
  refused(d.run(sweep("[2022]", "[\"6h\"]", "missing.h5")),
          {"sweep.toml:2:", "'store'", "missing.h5 does not exist", "shiftsim grids import"});
  d.dir.write("text.h5", "not hdf5");
  refused(d.run(sweep("[2022]", "[\"6h\"]", "text.h5")),
          {"sweep.toml:2:", "'store'", "not an HDF5 file"});
  refused(d.run(sweep("[2022]", "[\"6h\"]", "grids.h5", "grids.h5")),
          {"sweep.toml:14:", "[output] 'path'", "is the grid store"});
  fs::create_directories(d.file("folder"));
  refused(d.run(sweep("[2022]", "[\"6h\"]", "grids.h5", "folder")),
          {"sweep.toml:14:", "[output] 'path'", "is a folder"});
  // A region or a signal the store lacks: at the line of regions, or of signal.
  std::string zc = sweep("[2022]");
  zc.replace(zc.find("\"ZB\""), 4, "\"ZC\"");
  refused(d.run(zc), {"sweep.toml:3:", "'regions'", "no series for region or zone 'ZC'"});
  refused(d.run(sweep("[2022]", "[\"6h\"]", "grids.h5", "out.h5", "signal = \"marginal\"\n")),
          {"sweep.toml:6:", "'signal'", "with that signal/basis"});
}

TEST_CASE("run: --shard beyond any sweep's cells is refused", "[cli][run][experiment]") {
  Dir d;
  refused(d.run(sweep("[2022]"), {"--shard", "0/99999999999"}),
          {"--shard 0/99999999999", "N = 99999999999", "at most 2147483648"});
}
