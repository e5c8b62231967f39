// gzip-compressed inputs (any format) and the SGIP reader (MOER with issued forecasts), on
// fixtures written here: gzip streams made with zlib, SGIP files of a few rows.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "grids/import.hpp"
#include "grids/readers/gzip.hpp"
#include "grids/readers/reader.hpp"
#include "grids/regions.hpp"
#include "grids/store.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;
using namespace shiftsim::grids;

namespace {

std::string gzip(std::string_view text) { return test::gzip_bytes(text); }

std::string header() {
  std::string h = "time,moer";
  for (int k = 1; k <= 36; ++k) h += fmt::format(",f{}", k);
  return h + "\n";
}

// Rows at 5-minute steps from `first` (minutes after 2020-01-01 00:00 UTC): moer (kg/kWh) is
// 0.2 + 0.001 per step since midnight (+ moer_shift), so two files agree on a time's row; the
// forecast for lead k is moer + k / 1e5 (+ lead_shift).
std::string rows(int first, int count, double moer_shift = 0, double lead_shift = 0) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    const int m = first + 5 * i;
    const double v = (200 + m / 5) / 1000.0 + moer_shift;
    out += fmt::format("2020-01-{:02} {:02}:{:02}:00+00:00,{}", 1 + m / 1440, (m / 60) % 24, m % 60,
                       v);
    for (int k = 1; k <= 36; ++k) out += fmt::format(",{}", v + k * 1e-5 + lead_shift);
    out += "\n";
  }
  return out;
}

void check_error(const std::function<void()>& f, const std::string& file, std::size_t line,
                 const std::string& needle) {
  try {
    f();
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    INFO(e.what());
    CHECK(e.file() == file);
    CHECK(e.line() == line);
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("gzip: any format is read through, concatenated members join", "[grids][gzip]") {
  test::TempDir dir;
  const std::string text = "point_time,value\n2020-01-01T00:00:00Z,441\n2020-01-01T00:05:00Z,500\n";
  ImportOptions o;
  o.zone = "CAISO_NORTH";
  const auto plain = read_grid_file(dir.write("moer_caiso_north.csv", text), o);
  const std::string gz = gzip(text);
  REQUIRE(is_gzip(gz));
  const auto packed = read_grid_file(dir.write("moer.csv.gz", gz), o);
  REQUIRE(packed.points.size() == 2);
  CHECK(packed.points[1].value == plain.points[1].value);
  CHECK(packed.points[1].line == 3);
  // The checksum is of the file as given (what a provider's SHA256SUMS lists).
  CHECK(packed.file.sha256 != plain.file.sha256);
  // Two members, as `cat a.gz b.gz` makes: one text.
  const std::string two =
      gzip("point_time,value\n2020-01-01T00:00:00Z,441\n") + gzip("2020-01-01T00:05:00Z,500\n");
  CHECK(gunzip(two, "two.gz") == text);
}

TEST_CASE("gzip: truncated, corrupt or trailing bytes are refused with the line reached",
          "[grids][gzip][bad-input]") {
  std::string text = "point_time,value\n";
  for (int i = 0; i < 2000; ++i) text += fmt::format("2020-01-01T00:00:00Z,{}\n", i);
  const std::string gz = gzip(text);
  try {
    gunzip(gz.substr(0, gz.size() / 2), "half.csv.gz");
    FAIL("a truncated stream was accepted");
  } catch (const ParseError& e) {
    CHECK(e.file() == "half.csv.gz");
    CHECK(e.line() > 1);
    CHECK(std::string(e.what()).find("truncated") != std::string::npos);
    CHECK(std::string(e.what()).find("gzip -t") != std::string::npos);
  }
  std::string bad = gz;
  for (std::size_t i = 20; i < 60; ++i) bad[i] = static_cast<char>(bad[i] ^ 0x5a);
  CHECK_THROWS_AS(gunzip(bad, "bad.csv.gz"), ParseError);
  std::string crc = gz;
  crc[crc.size() - 6] = static_cast<char>(crc[crc.size() - 6] ^ 1);  // the CRC-32 trailer
  CHECK_THROWS_WITH(gunzip(crc, "crc.csv.gz"), Catch::Contains("corrupt"));
  CHECK_THROWS_WITH(gunzip(gz + "junk", "junk.csv.gz"), Catch::Contains("not gzip"));
  CHECK_THROWS_WITH(gunzip(gz, "big.csv.gz", 100), Catch::Contains("gzip bomb"));
}

TEST_CASE("SGIP: detected from its header, kg/kWh, keyed by the area in the file name",
          "[grids][readers][sgip]") {
  test::TempDir dir;
  const auto raw =
      read_grid_file(dir.write("SGIP_CAISO_PGE_2020-01.csv.gz", gzip(header() + rows(0, 3))), {});
  CHECK(raw.key.zone == "SGIP_CAISO_PGE");
  CHECK(raw.key.signal == Signal::marginal);
  CHECK(raw.key.basis == Basis::direct);
  REQUIRE(raw.points.size() == 3);
  CHECK(raw.points[1].value == Approx(201.0));
  CHECK(raw.points[1].time == make_time(2020, 1, 1, 0, 5));
  CHECK(raw.forecast_leads == 36);
  CHECK(raw.forecast_step == Seconds{300});
  REQUIRE(raw.forecasts.size() == 3 * 36);
  CHECK(raw.forecasts[36 + 35] == Approx(201.36));
  // A name that says no area needs --zone.
  CHECK_THROWS_WITH(read_grid_file(dir.write("moer.csv", header() + rows(0, 2)), {}),
                    Catch::Contains("--zone"));
  ImportOptions o;
  o.zone = "SGIP_CAISO_SCE";
  CHECK(read_grid_file(dir.file("moer.csv"), o).key.zone == "SGIP_CAISO_SCE");
}

TEST_CASE("SGIP: missing lead columns, short rows, negative or NaN values are refused",
          "[grids][readers][sgip][bad-input]") {
  test::TempDir dir;
  std::string h = header();
  const std::string no_f36 = h.substr(0, h.rfind(",f36")) + "\n";
  std::string body = rows(0, 2);
  // Drop each row's last field to match the short header.
  std::string short_rows;
  for (std::size_t at = 0, nl; (nl = body.find('\n', at)) != std::string::npos; at = nl + 1) {
    const std::string line = body.substr(at, nl - at);
    short_rows += line.substr(0, line.rfind(',')) + "\n";
  }
  const auto p1 = dir.write("SGIP_CAISO_PGE_2020-01.csv", no_f36 + short_rows);
  check_error([&] { read_grid_file(p1, {}); }, p1, 1, "forecast column f36 is missing");
  const std::string gap = h.substr(0, h.find(",f7")) + h.substr(h.find(",f8"));  // f7 missing
  ImportOptions sgip;
  sgip.format = "sgip";
  const auto p2 = dir.write("SGIP_CAISO_PGE_2020-02.csv", gap + rows(0, 1));
  check_error([&] { read_grid_file(p2, sgip); }, p2, 1, "forecast column f7 is missing");
  std::string cut = rows(0, 3);
  cut = cut.substr(0, cut.rfind(',', cut.size() - 2)) + "\n";  // the last row loses f36
  const auto p3 = dir.write("SGIP_CAISO_PGE_2020-03.csv", h + cut);
  check_error([&] { read_grid_file(p3, {}); }, p3, 4, "row has 37 fields");
  std::string neg = rows(0, 2);
  neg.replace(neg.find(",0.201,") + 1, 5, "-0.01");  // the moer of line 3
  const auto p4 = dir.write("SGIP_CAISO_PGE_2020-04.csv", h + neg);
  check_error([&] { read_grid_file(p4, {}); }, p4, 3, "negative");
  std::string nan = rows(0, 2);
  nan.replace(nan.rfind(','), std::string::npos, ",nan\n");  // f36 of the last row
  const auto p5 = dir.write("SGIP_CAISO_PGE_2020-05.csv", h + nan);
  check_error([&] { read_grid_file(p5, {}); }, p5, 3, "f36");
}

TEST_CASE(
    "SGIP months that overlap: identical rows join and are counted, differing ones are "
    "refused, and the store is left as it was",
    "[grids][sgip][bad-input]") {
  test::TempDir dir;
  // January: 00:00 .. 00:25 (6 rows); February overlaps its last 2 rows: 00:20 .. 00:45.
  const auto jan = dir.write("SGIP_CAISO_PGE_2020-01.csv.gz", gzip(header() + rows(0, 6)));
  const auto feb_text = header() + rows(20, 6);
  const auto feb = dir.write("SGIP_CAISO_PGE_2020-02.csv.gz", gzip(feb_text));
  const std::string store_path = dir.file("grids.h5");
  GridStore store;
  import_files({feb, jan}, {}, store);
  const Series* s = store.find({"SGIP_CAISO_PGE", Signal::marginal, Basis::direct});
  REQUIRE(s != nullptr);
  CHECK(s->size() == 10);
  CHECK(s->repairs.at("duplicates_dropped") == 2);
  REQUIRE(s->forecast.leads == 36);
  CHECK(s->forecast.step == Seconds{300});
  CHECK(s->forecast.values.size() == 10 * 36);
  CHECK(s->forecast.values[9 * 36] == Approx((0.209 + 1e-5) * 1000));
  // The archive survives the store.
  store.save(store_path);
  const auto again = GridStore::load(store_path);
  const Series* back = again.find(s->key);
  REQUIRE(back != nullptr);
  CHECK(back->forecast.leads == 36);
  CHECK(back->forecast.values == s->forecast.values);
  const std::string before = test::read_bytes(store_path);

  // February's overlapping rows with other forecasts (the MOER agrees): refused at its line.
  const auto feb_bad = dir.write("SGIP_CAISO_PGE_2020-02.csv", header() + rows(20, 6, 0, 0.01));
  GridStore reloaded = GridStore::load(store_path);
  check_error(
      [&] {
        import_files({jan, feb_bad}, {}, reloaded);
      },
      feb_bad, 2, "files overlap with different forecasts");
  // With another MOER: refused by the duplicate rule.
  const auto feb_moer = dir.write("SGIP_CAISO_PGE_2020-03.csv", header() + rows(20, 6, 0.1));
  CHECK_THROWS_WITH(import_files({jan, feb_moer}, {}, reloaded),
                    Catch::Contains("files overlap with different values"));
  CHECK(test::read_bytes(store_path) == before);
}

TEST_CASE("West US resolves to the SGIP PG&E series for the marginal signal",
          "[grids][regions][sgip]") {
  const Region& west = resolve_region("West US");
  REQUIRE(west.marginal_zones == std::vector<std::string>{"SGIP_CAISO_PGE"});
  GridStore store;
  Series pge;
  pge.key = {"SGIP_CAISO_PGE", Signal::marginal, Basis::direct};
  pge.values = {1, 2};
  pge.flags = {0, 0};
  store.put(pge);
  Series avg = pge;
  avg.key = {"US-CAL-CISO", Signal::average, Basis::direct};
  store.put(avg);
  const auto marginal = series_for(store, "West US", Signal::marginal, std::nullopt);
  REQUIRE(marginal.size() == 1);
  CHECK(marginal.front()->key.zone == "SGIP_CAISO_PGE");
  // The zone's own series still comes first when no signal is asked for.
  CHECK(series_for(store, "West US").front()->key.zone == "US-CAL-CISO");
}

TEST_CASE(
    "SGIP: overlapping forecasts follow --duplicates; --resample is refused; empty forecast "
    "cells are counted",
    "[grids][sgip][bad-input]") {
  test::TempDir dir;
  const auto jan = dir.write("SGIP_CAISO_PGE_2020-01.csv", header() + rows(0, 6));
  const auto feb = dir.write("SGIP_CAISO_PGE_2020-02.csv", header() + rows(20, 6, 0, 0.01));
  for (auto policy : {DuplicatePolicy::keep_first, DuplicatePolicy::keep_last}) {
    ImportOptions o;
    o.duplicates = policy;
    GridStore store;
    import_files({jan, feb}, o, store);
    const Series* s = store.find({"SGIP_CAISO_PGE", Signal::marginal, Basis::direct});
    REQUIRE(s != nullptr);
    // Row 4 (00:20) is in both: January's forecasts, or February's (+0.01 kg/kWh = +10 g).
    const double jan_lead1 = (0.204 + 1e-5) * 1000;
    CHECK(s->forecast.values[4 * 36] ==
          Approx(policy == DuplicatePolicy::keep_first ? jan_lead1 : jan_lead1 + 10));
    CHECK(s->repairs.at(policy == DuplicatePolicy::keep_first
                            ? "forecast_duplicates_kept_first"
                            : "forecast_duplicates_kept_last") == 2);
  }
  ImportOptions resample;
  resample.resample = Seconds{300};
  GridStore store;
  CHECK_THROWS_WITH(import_files({jan}, resample, store), Catch::Contains("cannot be resampled"));
  // An empty forecast cell: NaN in the archive, counted; beside a value elsewhere, no conflict.
  std::string holes = rows(0, 3);
  const std::size_t eol = holes.find('\n'), last = holes.rfind(',', eol);
  holes.erase(last + 1, eol - last - 1);  // the first row's f36 cell emptied
  const auto h = dir.write("SGIP_CAISO_SCE_2020-01.csv", header() + holes);
  GridStore with_holes;
  import_files({h}, {}, with_holes);
  const Series* s = with_holes.find({"SGIP_CAISO_SCE", Signal::marginal, Basis::direct});
  REQUIRE(s != nullptr);
  CHECK(std::isnan(s->forecast.values[35]));
  CHECK(s->repairs.at("forecast_values_missing") == 1);
}

TEST_CASE("a region means measured series before the built-in surrogate", "[grids][regions]") {
  GridStore store;
  Series surrogate;
  surrogate.key = {"CAISO_NORTH", Signal::surrogate, Basis::direct};
  surrogate.values = {1, 2};
  surrogate.flags = {0, 0};
  store.put(surrogate);
  Series pge = surrogate;
  pge.key = {"SGIP_CAISO_PGE", Signal::marginal, Basis::direct};
  store.put(pge);
  const auto found = series_for(store, "West US");
  REQUIRE(found.size() == 2);
  CHECK(found.front()->key.zone == "SGIP_CAISO_PGE");
}
