// Bad input to `shiftsim grids import`, driven through the binary. By default every case stops
// the import with a non-zero exit and a message naming the file, the line (the path alone for
// whole-file problems) and what to do, and leaves the grid store byte-identical with no
// temporary file behind. Repairs happen only when asked for, and each one is counted.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "grids/store.hpp"
#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

namespace {

using shiftsim::Basis;
using shiftsim::SeriesKey;
using shiftsim::Signal;
using shiftsim::grids::GridStore;
using shiftsim::test::CliResult;
using shiftsim::test::read_bytes;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;
using Args = std::vector<std::string>;
using Rows = std::vector<std::pair<std::string, std::string>>;  // (time, value)

// Header on line 1; rows from line 2. The value goes in both the direct and the LCA column.
std::string em(const Rows& rows, const std::string& zone = "FR") {
  std::string s =
      "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO₂eq/kWh (direct),"
      "Carbon Intensity gCO₂eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,"
      "Data Source,Data Estimated,Data Estimation Method\n";
  for (const auto& [t, v] : rows)
    s += t + ",X,X," + zone + "," + v + "," + v + ",90,30,test,false,\n";
  return s;
}

// Generic CSV "time,ci" for zone DE: average/direct.
const Args kGeneric{"--format",       "generic", "--time-column", "time",
                    "--value-column", "ci",      "--zone",        "DE"};
const Args kNone{};
const SeriesKey kDE{"DE", Signal::average, Basis::direct};

Args cat(Args a, const Args& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}
Args cat(Args a, const Args& b, const Args& c) { return cat(cat(std::move(a), b), c); }

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A temporary directory with a valid store (zone SE) whose bytes are recorded.
struct Fixture {
  TempDir dir;
  std::string store = dir.file("grids.h5");
  std::string before;

  explicit Fixture(bool with_store = true) {
    if (!with_store) return;
    auto good = dir.write("good.csv", em({{"2023-01-01 00:00:00", "40"},
                                          {"2023-01-01 01:00:00", "41"},
                                          {"2023-01-01 02:00:00", "42"}},
                                         "SE"));
    auto r = run_shiftsim({"grids", "import", good, "--into", store});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    before = read_bytes(store);
    REQUIRE(!before.empty());
  }
  std::string write(const std::string& name, const std::string& content) const {
    return dir.write(name, content);
  }
  CliResult import(const Args& files_and_options) const {
    return run_shiftsim(cat({"grids", "import", "--into", store}, files_and_options));
  }
  void check_untouched() const {
    bool unchanged = read_bytes(store) == before;
    CHECK(unchanged);
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      INFO("left behind: " << e.path().string());
      CHECK(!has(e.path().filename().string(), ".tmp-"));
    }
  }
};

// Non-zero exit (not a crash), "<file>:<line>: " in stderr (line 0: "<file>: "), a hint
// containing `hint` (any case), and the store untouched.
void check_rejected(const Fixture& f, const CliResult& r, const std::string& file, std::size_t line,
                    const std::string& hint) {
  INFO("exit " << r.exit_code << ", stderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code < 3);  // 3: internal error; >= 128: killed by a signal
  CHECK(!has(r.err, "internal error"));
  const std::string where = line == 0 ? file + ": " : file + ":" + std::to_string(line) + ": ";
  INFO("expected location: " << where);
  CHECK(has(r.err, where));
  INFO("expected hint: " << hint);
  CHECK(has(lower(r.err), lower(hint)));
  f.check_untouched();
}

// Writes `content` as bad.csv, imports it with `options` into a valid store, and checks the
// rejection at `line`.
void expect_rejected(const std::string& content, const Args& options, std::size_t line,
                     const std::string& hint) {
  INFO("fixture:\n" << content);
  Fixture f;
  auto path = f.write("bad.csv", content);
  check_rejected(f, f.import(cat({path}, options)), path, line, hint);
}

// Failures that are not about a line of a file: non-zero exit, all of `parts` in stderr.
void check_failed(const Fixture& f, const CliResult& r, const std::vector<std::string>& parts) {
  INFO("exit " << r.exit_code << ", stderr: " << r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.exit_code < 3);
  for (const auto& p : parts) {
    INFO("expected: " << p);
    CHECK(has(lower(r.err), lower(p)));
  }
  f.check_untouched();
}

// The `grids list --json` entry of a zone.
nlohmann::json listed(const std::string& store, const std::string& zone) {
  auto r = run_shiftsim({"grids", "list", store, "--json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  for (const auto& s : nlohmann::json::parse(r.out))
    if (s.at("zone") == zone) return s;
  FAIL("zone " << zone << " is not in " << store);
  return {};
}

// Imports successfully and returns the series of `key` read back through the library.
shiftsim::grids::Series import_ok(const Fixture& f, const Args& args, const SeriesKey& key) {
  auto r = f.import(args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exit_code == 0);
  auto store = GridStore::load(f.store);
  const auto* s = store.find(key);
  REQUIRE(s != nullptr);
  return *s;
}

}  // namespace

TEST_CASE("bad input: an unparseable timestamp", "[cli][bad-input]") {
  expect_rejected(em({{"2023-01-01 00:00:00", "50"},
                      {"2023-01-01 01:00:00", "51"},
                      {"2023-01-01 25:00:00", "52"}}),
                  kNone, 4, "expected");
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\nyesterday noon,3\n", kGeneric,
                  4, "--time-format");
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,288.0\n"
      "32-Jan-2020 00:15:00,CO2_INTENSITY,ROI,289.0\n",
      kNone, 2, "expected DD-Mon-YYYY");
  expect_rejected("point_time,value\n2020-01-01T00:00:00Z,900\n2020/01/01 00:05,910\n",
                  {"--zone", "CAISO_NORTH"}, 3, "expected ISO 8601");
}

TEST_CASE("bad input: an unparseable number", "[cli][bad-input]") {
  expect_rejected(em({{"2023-01-01 00:00:00", "50"}, {"2023-01-01 01:00:00", "5O"}}), kNone, 3,
                  "fix the cell");
  // Byte-order mark, CRLF line ends and a blank line: lines are counted as a text editor does.
  expect_rejected(
      "\xEF\xBB\xBFtime,ci\r\n2023-01-01 00:00,1\r\n\r\n2023-01-01 01:00,2\r\n"
      "2023-01-01 02:00,3 g\r\n",
      kGeneric, 5, "fix the cell");
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,288.0\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,28 9\n",
      kNone, 2, "fix the cell");
  expect_rejected("point_time,value\n2020-01-01T00:00:00Z,900\n2020-01-01T00:05:00Z,n/a\n",
                  {"--zone", "CAISO_NORTH"}, 3, "fix the cell");
}

TEST_CASE("bad input: a missing column", "[cli][bad-input]") {
  // No LCA column: the header line is named.
  expect_rejected(
      "Datetime (UTC),Zone Id,Carbon Intensity gCO₂eq/kWh (direct)\n2023-01-01 00:00:00,FR,50\n"
      "2023-01-01 01:00:00,FR,51\n",
      kNone, 1, "--basis");
  expect_rejected("time,co2\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n", kGeneric, 1,
                  "the header has: 'time', 'co2'");
  expect_rejected("when,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n", kGeneric, 1,
                  "the header has: 'when', 'ci'");
  expect_rejected("time_utc,value\n2020-01-01T00:00:00Z,900\n2020-01-01T00:05:00Z,910\n",
                  {"--format", "watttime", "--zone", "CAISO_NORTH"}, 1, "--format generic");
  // A row cut short: the row's line is named.
  expect_rejected(em({{"2023-01-01 00:00:00", "50"}}) + "2023-01-01 01:00:00,X,X,FR\n", kNone, 3,
                  "check the delimiter");
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,288.0\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI\n",
      kNone, 2, "check the delimiter");
}

TEST_CASE("bad input: a duplicated timestamp with a different value", "[cli][bad-input]") {
  expect_rejected(em({{"2023-01-01 00:00:00", "10"},
                      {"2023-01-01 01:00:00", "20"},
                      {"2023-01-01 01:00:00", "25"},
                      {"2023-01-01 02:00:00", "30"}}),
                  kNone, 4, "--duplicates keep-first or keep-last");
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 00:00,2\n2023-01-01 01:00,3\n", kGeneric,
                  3, "--duplicates");
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,288.0\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,289.0\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,290.0\n",
      kNone, 3, "--duplicates");
}

TEST_CASE("bad input: --duplicates error rejects even identical repeats", "[cli][bad-input]") {
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n2023-01-01 01:00,2\n",
                  cat(kGeneric, {"--duplicates", "error"}), 4, "--duplicates drop-identical");
}

TEST_CASE("bad input: timestamps out of order", "[cli][bad-input]") {
  expect_rejected(
      "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n2023-01-01 03:00,4\n"
      "2023-01-01 02:00,3\n2023-01-01 04:00,5\n",
      kGeneric, 5, "sort the file");
  expect_rejected(em({{"2023-01-02 00:00:00", "10"},
                      {"2023-01-01 23:00:00", "20"},
                      {"2023-01-02 01:00:00", "30"}}),
                  kNone, 3, "sort the file");
  expect_rejected(
      "point_time,value\n2020-01-01T00:05:00Z,900\n2020-01-01T00:10:00Z,910\n"
      "2020-01-01T00:00:00Z,920\n",
      {"--zone", "CAISO_NORTH"}, 4, "sort the file");
}

TEST_CASE("bad input: a gap", "[cli][bad-input]") {
  // A missing timestamp: the row after the gap is named.
  expect_rejected(em({{"2023-01-01 00:00:00", "10"},
                      {"2023-01-01 01:00:00", "20"},
                      {"2023-01-01 03:00:00", "40"},
                      {"2023-01-01 04:00:00", "50"}}),
                  kNone, 4, "--gaps interpolate or --gaps hold");
  // An empty cell: the row with the empty cell is named.
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,\n2023-01-01 02:00,3\n", kGeneric,
                  3, "--gaps");
  // EirGrid's autumn hour present once: 01:00-01:45 are taken as summer time, so the winter
  // hour before 02:00 GMT is missing.
  expect_rejected(
      "25-Oct-2020 00:30:00,CO2_INTENSITY,ROI,200\n"
      "25-Oct-2020 00:45:00,CO2_INTENSITY,ROI,201\n"
      "25-Oct-2020 01:00:00,CO2_INTENSITY,ROI,202\n"
      "25-Oct-2020 01:15:00,CO2_INTENSITY,ROI,203\n"
      "25-Oct-2020 01:30:00,CO2_INTENSITY,ROI,204\n"
      "25-Oct-2020 01:45:00,CO2_INTENSITY,ROI,205\n"
      "25-Oct-2020 02:00:00,CO2_INTENSITY,ROI,206\n",
      kNone, 7, "--gaps");
}

TEST_CASE("bad input: a step that changes mid-file", "[cli][bad-input]") {
  expect_rejected(
      "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n2023-01-01 02:00,3\n"
      "2023-01-01 02:30,4\n2023-01-01 03:30,5\n",
      kGeneric, 5, "--resample");
  expect_rejected(em({{"2023-01-01 00:00:00", "10"},
                      {"2023-01-01 01:00:00", "11"},
                      {"2023-01-01 02:00:00", "12"},
                      {"2023-01-01 03:00:00", "13"},
                      {"2023-01-01 03:15:00", "14"},
                      {"2023-01-01 03:30:00", "15"}}),
                  kNone, 6, "--resample");
  // Hourly, then two-hourly: a coarser section, not three gaps.
  expect_rejected(
      "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n2023-01-01 02:00,3\n"
      "2023-01-01 03:00,4\n2023-01-01 04:00,5\n2023-01-01 06:00,6\n2023-01-01 08:00,7\n"
      "2023-01-01 10:00,8\n",
      kGeneric, 7, "--resample");
}

TEST_CASE("bad input: a negative value", "[cli][bad-input]") {
  expect_rejected(em({{"2023-01-01 00:00:00", "10"}, {"2023-01-01 01:00:00", "-5"}}), kNone, 3,
                  "check the column");
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,-0.5\n", kGeneric, 3,
                  "check the column");
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,-288.0\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,289.0\n",
      kNone, 1, "check the column");
}

TEST_CASE("bad input: a NaN or infinite value", "[cli][bad-input]") {
  expect_rejected("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,NaN\n", kGeneric, 3,
                  "leave the cell empty");
  expect_rejected(em({{"2023-01-01 00:00:00", "nan"}, {"2023-01-01 01:00:00", "5"}}), kNone, 2,
                  "leave the cell empty");
  expect_rejected("point_time,value\n2020-01-01T00:00:00Z,900\n2020-01-01T00:05:00Z,inf\n",
                  {"--zone", "CAISO_NORTH"}, 3, "leave the cell empty");
}

TEST_CASE("bad input: an implausible value above 3000 g/kWh", "[cli][bad-input]") {
  expect_rejected(em({{"2023-01-01 00:00:00", "10"}, {"2023-01-01 01:00:00", "3000.5"}}), kNone, 3,
                  "--unit");
  // WattTime is in lbs/MWh: 7000 lbs/MWh is 3175 g/kWh.
  expect_rejected("point_time,value\n2020-01-01T00:00:00Z,900\n2020-01-01T00:05:00Z,7000\n",
                  {"--zone", "CAISO_NORTH"}, 3, "--unit");
  // 3.5 kg/kWh is 3500 g/kWh.
  expect_rejected("time,ci\n2023-01-01 00:00,0.4\n2023-01-01 01:00,3.5\n",
                  cat(kGeneric, {"--unit", "kg/kWh"}), 3, "--unit");

  // 3000 itself, and 6600 lbs/MWh (2994 g/kWh), are plausible.
  Fixture f;
  auto g = f.write("edge.csv", "time,ci\n2023-01-01 00:00,3000\n2023-01-01 01:00,0\n");
  CHECK(import_ok(f, cat({g}, kGeneric), kDE).values == std::vector<double>{3000, 0});
  auto w = f.write("wt.csv",
                   "point_time,value\n2020-01-01T00:00:00Z,6600\n"
                   "2020-01-01T00:05:00Z,0\n");
  auto s =
      import_ok(f, {w, "--zone", "CAISO_NORTH"}, {"CAISO_NORTH", Signal::marginal, Basis::direct});
  CHECK(s.values.front() == Approx(6600 * 0.45359237));
}

TEST_CASE("bad input: a local time that does not exist at a DST change", "[cli][bad-input]") {
  // Europe/Berlin, 2023-03-26: clocks jump from 02:00 to 03:00.
  expect_rejected(
      "time,ci\n2023-03-26 00:00,1\n2023-03-26 01:00,2\n2023-03-26 02:00,3\n"
      "2023-03-26 03:00,4\n",
      cat(kGeneric, {"--timezone", "Europe/Berlin"}), 4, "--timezone");
  // Europe/Dublin, 2020-03-29: 01:00 local does not exist; EirGrid rows with a value there are
  // an error (empty ones are the dashboard's convention, and are dropped).
  expect_rejected(
      "29-Mar-2020 00:30:00,CO2_INTENSITY,ROI,200\n"
      "29-Mar-2020 00:45:00,CO2_INTENSITY,ROI,201\n"
      "29-Mar-2020 01:00:00,CO2_INTENSITY,ROI,202\n"
      "29-Mar-2020 02:00:00,CO2_INTENSITY,ROI,203\n",
      kNone, 3, "delete the row");
}

TEST_CASE("bad input: an ambiguous local time at a DST change", "[cli][bad-input]") {
  // Europe/Berlin, 2023-10-29: 02:00-03:00 happens twice.
  expect_rejected("time,ci\n2023-10-29 00:00,1\n2023-10-29 01:00,2\n2023-10-29 02:00,3\n",
                  cat(kGeneric, {"--timezone", "Europe/Berlin"}), 4, "offset");
  expect_rejected("time,ci\n29.10.2023 01:00,1\n29.10.2023 02:30,2\n",
                  cat(kGeneric, {"--timezone", "Europe/Berlin", "--time-format", "%d.%m.%Y %H:%M"}),
                  3, "offset");
}

TEST_CASE("bad input: an empty file", "[cli][bad-input]") {
  expect_rejected("", kNone, 0, "give a file with data");
  expect_rejected("", kGeneric, 0, "give a file with data");
  expect_rejected("\n\n\r\n", kNone, 0, "give a file with data");
  expect_rejected(em({}), kNone, 0, "give a file with data");
  expect_rejected("time,ci\n", kGeneric, 0, "give a file with data");
  // Rows without a single value.
  expect_rejected(
      "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,\n"
      "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,\n",
      kNone, 0, "give a file with data");
}

TEST_CASE("bad input: files of one zone that overlap with different values", "[cli][bad-input]") {
  {
    Fixture f;
    auto a = f.write("a.csv", em({{"2023-01-01 00:00:00", "10"},
                                  {"2023-01-01 01:00:00", "20"},
                                  {"2023-01-01 02:00:00", "30"}}));
    auto b = f.write("b.csv", em({{"2023-01-01 02:00:00", "31"},
                                  {"2023-01-01 03:00:00", "40"},
                                  {"2023-01-01 04:00:00", "50"}}));
    auto r = f.import({a, b});
    check_rejected(f, r, b, 2, "--duplicates keep-first or keep-last");
    CHECK(has(r.err, a + ":4"));  // and where the other value is
  }
  {
    Fixture f;
    auto a = f.write("jan.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
    auto b = f.write("feb.csv", "time,ci\n2023-01-01 01:00,2.5\n2023-01-01 02:00,3\n");
    auto r = f.import(cat({b, a}, kGeneric));
    check_rejected(f, r, b, 2, "--duplicates");
    CHECK(has(r.err, a + ":3"));
  }
}

TEST_CASE("bad input: an unknown --format", "[cli][bad-input]") {
  Fixture f;
  auto p = f.write("x.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
  check_failed(f, f.import({p, "--format", "excel"}), {"'excel'", "generic"});
}

TEST_CASE("bad input: an unknown --unit", "[cli][bad-input]") {
  Fixture f;
  auto p = f.write("x.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
  check_failed(f, f.import(cat({p, "--unit", "furlongs"}, kGeneric)), {"'furlongs'", "g/kWh"});
}

TEST_CASE("bad input: an unknown --timezone", "[cli][bad-input]") {
  Fixture f;
  auto p = f.write("x.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
  check_failed(f, f.import(cat({p, "--timezone", "Mars/Olympus_Mons"}, kGeneric)),
               {"'Mars/Olympus_Mons'", "Europe/Dublin"});
}

TEST_CASE("bad input: an unknown --duplicates or --gaps policy", "[cli][bad-input]") {
  Fixture f;
  auto p = f.write("x.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
  check_failed(f, f.import(cat({p, "--duplicates", "newest"}, kGeneric)),
               {"'newest'", "keep-last"});
  check_failed(f, f.import(cat({p, "--gaps", "zero"}, kGeneric)), {"'zero'", "interpolate"});
}

TEST_CASE("bad input: a missing input file", "[cli][bad-input]") {
  Fixture f;
  const std::string missing = f.dir.file("not-downloaded.csv");
  check_failed(f, f.import({missing}), {missing});
}

TEST_CASE("bad input: a store path that is not a grid store", "[cli][bad-input]") {
  Fixture f(false);
  f.before = "zone,value\nthis is not an HDF5 file\n";
  f.write("grids.h5", f.before);
  auto p = f.write("x.csv", "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n");
  check_failed(f, f.import(cat({p}, kGeneric)), {f.store, "not a grid store"});
}

TEST_CASE("bad input: a gap longer than --max-gap", "[cli][bad-input]") {
  const std::string csv =
      "time,ci\n2023-01-01 00:00,100\n2023-01-01 03:00,400\n2023-01-01 04:00,500\n"
      "2023-01-01 05:00,600\n";
  expect_rejected(csv, cat(kGeneric, {"--gaps", "interpolate", "--max-gap", "1h"}), 3,
                  "raise --max-gap");
  expect_rejected(csv, cat(kGeneric, {"--gaps", "hold", "--max-gap", "90min"}), 3, "--max-gap");
  // A gap of exactly --max-gap is filled.
  Fixture f;
  auto p = f.write("ok.csv", csv);
  auto s = import_ok(f, cat({p}, kGeneric, {"--gaps", "hold", "--max-gap", "2h"}), kDE);
  CHECK(s.values == std::vector<double>{100, 100, 100, 400, 500, 600});
}

// ---- Repairs on request, each counted in the series' attributes ----

TEST_CASE("repair: --duplicates keep-first and keep-last", "[cli][bad-input][repair]") {
  const std::string csv =
      "time,ci\n2023-01-01 00:00,10\n2023-01-01 01:00,20\n2023-01-01 01:00,25\n"
      "2023-01-01 01:00,27\n2023-01-01 02:00,30\n";
  Fixture f;
  auto p = f.write("dup.csv", csv);
  auto first = import_ok(f, cat({p}, kGeneric, {"--duplicates", "keep-first"}), kDE);
  CHECK(first.values == std::vector<double>{10, 20, 30});
  CHECK(listed(f.store, "DE").at("repairs") == nlohmann::json{{"duplicates_kept_first", 2}});

  auto last = import_ok(f, cat({p}, kGeneric, {"--duplicates", "keep-last"}), kDE);
  CHECK(last.values == std::vector<double>{10, 27, 30});
  CHECK(last.repairs == std::map<std::string, std::int64_t>{{"duplicates_kept_last", 2}});
  CHECK(listed(f.store, "DE").at("repairs") == nlohmann::json{{"duplicates_kept_last", 2}});
  CHECK(listed(f.store, "SE").at("repairs") == nlohmann::json::object());
}

TEST_CASE("repair: identical duplicates are dropped and counted", "[cli][bad-input][repair]") {
  const std::string csv =
      "time,ci\n2023-01-01 00:00,10\n2023-01-01 01:00,20\n2023-01-01 01:00,20\n"
      "2023-01-01 02:00,30\n";
  for (const Args& policy : {Args{}, Args{"--duplicates", "drop-identical"}}) {
    Fixture f;
    auto p = f.write("dup.csv", csv);
    auto s = import_ok(f, cat(cat({p}, kGeneric), policy), kDE);
    CHECK(s.values == std::vector<double>{10, 20, 30});
    CHECK(listed(f.store, "DE").at("repairs") == nlohmann::json{{"duplicates_dropped", 1}});
  }
}

TEST_CASE("repair: overlapping identical downloads are dropped with a count by default",
          "[cli][bad-input][repair]") {
  Fixture f;
  auto m1 = f.write("month1.csv",
                    "01-Jan-2020 00:00:00,CO2_INTENSITY,ROI,280\n"
                    "01-Jan-2020 00:15:00,CO2_INTENSITY,ROI,281\n"
                    "01-Jan-2020 00:30:00,CO2_INTENSITY,ROI,282\n"
                    "01-Jan-2020 00:45:00,CO2_INTENSITY,ROI,283\n");
  auto m2 = f.write("month2.csv",
                    "01-Jan-2020 00:30:00,CO2_INTENSITY,ROI,282\n"
                    "01-Jan-2020 00:45:00,CO2_INTENSITY,ROI,283\n"
                    "01-Jan-2020 01:00:00,CO2_INTENSITY,ROI,284\n"
                    "01-Jan-2020 01:15:00,CO2_INTENSITY,ROI,285\n");
  auto s = import_ok(f, {m2, m1}, {"IE", Signal::average, Basis::direct});
  CHECK(s.values == std::vector<double>{280, 281, 282, 283, 284, 285});
  auto j = listed(f.store, "IE");
  CHECK(j.at("repairs") == nlohmann::json{{"duplicates_dropped", 2}});
  CHECK(j.at("count") == 6);
  CHECK(j.at("files").size() == 2u);
}

TEST_CASE("repair: --gaps interpolate and hold", "[cli][bad-input][repair]") {
  const std::string csv =
      "time,ci\n2023-01-01 00:00,100\n2023-01-01 03:00,400\n2023-01-01 04:00,500\n"
      "2023-01-01 05:00,\n2023-01-01 06:00,700\n";
  const std::vector<std::uint8_t> flags{0, 2, 2, 0, 0, 2, 0};  // bit 1: repaired
  Fixture f;
  auto p = f.write("gaps.csv", csv);

  auto lin = import_ok(f, cat({p}, kGeneric, {"--gaps", "interpolate"}), kDE);
  REQUIRE(lin.values.size() == 7);
  CHECK(lin.values[1] == Approx(200));
  CHECK(lin.values[2] == Approx(300));
  CHECK(lin.values[5] == Approx(600));
  CHECK(lin.flags == flags);
  CHECK(listed(f.store, "DE").at("repairs") == nlohmann::json{{"gaps_interpolated", 3}});

  auto held = import_ok(f, cat({p}, kGeneric, {"--gaps", "hold", "--max-gap", "3h"}), kDE);
  CHECK(held.values == std::vector<double>{100, 100, 100, 400, 500, 500, 700});
  CHECK(held.flags == flags);
  auto j = listed(f.store, "DE");
  CHECK(j.at("repairs") == nlohmann::json{{"gaps_held", 3}});
  CHECK(j.at("count") == 7);
  CHECK(j.at("step") == "1h");
}

TEST_CASE("bad input: --skip-rows past the end says how many rows the file has",
          "[cli][bad-input]") {
  // It said "the file is empty" of a file with rows.
  const std::string rows = "time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,2\n";
  expect_rejected(rows, cat(kGeneric, {"--skip-rows", "99999999"}), 0,
                  "the file has 3 rows and --skip-rows skips 99999999");
  expect_rejected(rows, {"--skip-rows", "3"}, 0, "the file has 3 rows and --skip-rows skips 3");
  expect_rejected("", cat(kGeneric, {"--skip-rows", "2"}), 0, "the file is empty");
}

TEST_CASE("bad input: rows further apart than a day are no grid series", "[cli][bad-input]") {
  // Two rows 77 years apart imported as a 2-value series with a step of 28,124 days.
  expect_rejected("time,ci\n1946-01-01 00:00,100\n2023-01-01 00:00,200\n", kGeneric, 3,
                  "mistyped date");
  // Daily data is still a series.
  Fixture f;
  const auto daily = f.write("daily.csv", "time,ci\n2023-01-01 00:00,100\n2023-01-02 00:00,200\n");
  const auto s = import_ok(f, cat({daily}, kGeneric), kDE);
  CHECK(s.step == shiftsim::Seconds{86400});
}

TEST_CASE("import: %z in --time-format reads +hhmm, +hh:mm and Z", "[cli][bad-input]") {
  Fixture f;
  const auto file = f.write("offsets.csv",
                            "time,ci\n2023-01-01 01:00+0100,10\n2023-01-01 01:00+00:00,11\n"
                            "2023-01-01 02:00Z,12\n");
  const auto s = import_ok(f, cat({file}, kGeneric, {"--time-format", "%Y-%m-%d %H:%M%z"}), kDE);
  CHECK(s.start == shiftsim::make_time(2023, 1, 1));
  CHECK(s.values.size() == 3);
}

TEST_CASE("bad input: a NUL byte in a cell is shown escaped, not cutting the message",
          "[cli][bad-input]") {
  Fixture f;
  const auto path = f.write(
      "nul.csv", std::string("time,ci\n2023-01-01 00:00,1\n2023-01-01 01:00,4") + '\0' + "2\n");
  const auto r = f.import(cat({path}, kGeneric));
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(has(r.err, "\\0"));
  CHECK(has(r.err, path + ":3: "));
  // The message goes on past the NUL to its hint.
  const auto nul = r.err.find("\\0");
  CHECK(nul != std::string::npos);
  CHECK(r.err.find('.', nul) != std::string::npos);
}
