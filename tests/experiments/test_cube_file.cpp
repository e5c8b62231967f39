// The result cube on disk: round trip, same cube -> same bytes, all-or-nothing writes, clear
// errors, and the layout as xarray (engine="h5netcdf") sees it.
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "experiments/cube_file.hpp"
#include "grids/hdf5/file.hpp"
#include "grids/store.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/same_bytes.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::int64_t k2020 = 1577836800;  // 2020-01-01T00:00:00Z

Variable variable(std::string name, std::vector<std::string> dims, DType type,
                  std::map<std::string, std::string> attrs) {
  Variable v;
  v.name = std::move(name);
  v.dims = std::move(dims);
  v.type = type;
  v.attrs = std::move(attrs);
  return v;
}

// Shaped like what `shiftsim run` writes, small.
Cube sample() {
  Cube c;
  c.dims.push_back({"workload",
                    Labels{{"bert-finetune", "densenet-121", "vit-tiny (CO₂ é)"}},
                    {{"long_name", "training job"}}});
  c.dims.push_back({"region", Labels{{"West US", "France"}}, {{"long_name", "cloud region"}}});
  c.dims.push_back({"policy", Labels{{"baseline", "pause-resume/24h"}}, {}});
  c.dims.push_back({"quantile", Numbers{{0, 0.25, 0.5, 0.75, 1}}, {{"long_name", "quantile"}}});
  std::vector<std::int64_t> starts;
  for (int i = 0; i < 6; ++i) starts.push_back(k2020 + i * 3600);
  c.dims.push_back({"start", Times{starts}, {{"long_name", "requested start (UTC)"}}});

  const std::vector<std::string> cell{"workload", "region", "policy", "start"};
  Variable e = variable("emissions_g", cell, DType::f64,
                        {{"units", "g"}, {"long_name", "operational emissions (gCO2eq)"}});
  Variable p = variable("pauses", cell, DType::i32, {{"units", "1"}, {"long_name", "pauses"}});
  for (int i = 0; i < 3 * 2 * 2 * 6; ++i) {
    e.f64.push_back(100.0 + i * 1.5 + 1.0 / 3);
    p.i32.push_back(i % 4);
  }
  e.f64[5] = kNaN;
  p.i32[7] = kMissingI32;
  Variable q =
      variable("emissions_g_quantiles", {"workload", "quantile"}, DType::f64, {{"units", "g"}});
  for (int i = 0; i < 3 * 5; ++i) q.f64.push_back(i * 0.5);
  // Auxiliary coordinates: a label and a number per policy.
  Variable kind = variable("policy_kind", {"policy"}, DType::text, {{"long_name", "kind"}});
  kind.text = {"baseline", "pause-resume (é)"};
  kind.coordinate = true;
  Variable hours = variable("window_hours", {"policy"}, DType::f64, {{"units", "h"}});
  hours.f64 = {kNaN, 24};
  hours.coordinate = true;
  c.vars = {kind, hours, e, p, q};
  c.attrs = {{"shiftsim_version", "0.1.0"},
             {"command_line", "shiftsim run quick.toml"},
             {"experiment", "[grids]\nstore = \"grids.h5\"  # CO₂ intensity\nyears = [2020]\n"},
             {"empty", ""}};
  return c;
}

// Field by field, NaN equal to NaN.
void require_same(const Cube& a, const Cube& b) {
  REQUIRE(a.dims.size() == b.dims.size());
  for (std::size_t i = 0; i < a.dims.size(); ++i) {
    INFO("dimension " << a.dims[i].name);
    CHECK(a.dims[i].name == b.dims[i].name);
    CHECK(a.dims[i].attrs == b.dims[i].attrs);
    REQUIRE(a.dims[i].coords.index() == b.dims[i].coords.index());
    if (const auto* l = std::get_if<Labels>(&a.dims[i].coords))
      CHECK(l->values == std::get<Labels>(b.dims[i].coords).values);
    if (const auto* n = std::get_if<Numbers>(&a.dims[i].coords))
      CHECK(n->values == std::get<Numbers>(b.dims[i].coords).values);
    if (const auto* t = std::get_if<Times>(&a.dims[i].coords))
      CHECK(t->values == std::get<Times>(b.dims[i].coords).values);
  }
  REQUIRE(a.vars.size() == b.vars.size());
  for (std::size_t i = 0; i < a.vars.size(); ++i) {
    const Variable& x = a.vars[i];
    const Variable& y = b.vars[i];
    INFO("variable " << x.name);
    CHECK(x.name == y.name);
    CHECK(x.dims == y.dims);
    CHECK(x.type == y.type);
    CHECK(x.attrs == y.attrs);
    CHECK(x.coordinate == y.coordinate);
    CHECK(x.text == y.text);
    CHECK(x.i32 == y.i32);
    REQUIRE(x.f64.size() == y.f64.size());
    for (std::size_t k = 0; k < x.f64.size(); ++k)
      CHECK((x.f64[k] == y.f64[k] || (std::isnan(x.f64[k]) && std::isnan(y.f64[k]))));
  }
  CHECK(a.attrs == b.attrs);
}

bool no_temp_files(const std::filesystem::path& dir) {
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
  return true;
}

// A Python that has xarray and h5netcdf (the PATH's python3 may be another install than the
// system's, which the Debian packages go into).
std::optional<std::string> python_with_xarray() {
  for (const char* python : {"python3", "/usr/bin/python3"}) {
    const std::string cmd = std::string(python) + " -c 'import xarray, h5netcdf' >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return python;
  }
  return std::nullopt;
}

// Prints, as JSON, what xarray makes of a file: every variable (coordinates included) with its
// dims, dtype, attrs, values (NaN -> null, datetimes -> Unix seconds, anything but str, int and
// float -> its repr, so that a bytes label shows) and compression; the dims; the global attrs.
constexpr const char* kDescribe = R"PY(
import json, sys
import numpy as np
import xarray as xr

def plain(x):
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and np.isnan(x):
        return None
    return x if isinstance(x, (str, int, float)) else repr(x)

def values(a):
    if np.issubdtype(a.dtype, np.datetime64):
        return [int(s) for s in a.astype("datetime64[s]").astype("int64").ravel()]
    return [plain(x) for x in a.ravel()]

with xr.open_dataset(sys.argv[1], engine="h5netcdf") as ds:
    out = {"dims": {k: int(v) for k, v in ds.sizes.items()},
           "coords": sorted(ds.coords),
           "attrs": {k: plain(v) for k, v in ds.attrs.items()},
           "vars": {}}
    for name, v in ds.variables.items():
        enc = v.encoding
        out["vars"][name] = {
            "dims": list(v.dims), "dtype": str(v.dtype),
            "attrs": {k: plain(a) for k, a in v.attrs.items()},
            "values": values(v.values),
            "chunks": list(enc["chunksizes"]) if enc.get("chunksizes") else None,
            "zlib": bool(enc.get("zlib", False)), "complevel": enc.get("complevel"),
            "shuffle": bool(enc.get("shuffle", False))}
    json.dump(out, sys.stdout)
)PY";

}  // namespace

TEST_CASE("a cube round-trips every field", "[experiments][cube]") {
  test::TempDir dir;
  const Cube c = sample();
  write_cube(c, dir.file("c.h5"), false);
  require_same(read_cube(dir.file("c.h5")), c);
}

// The writer compresses chunks itself (shuffle + deflate, as HDF5's filters) and writes them
// whole; HDF5 reads them back through its own filters. Many chunks, edge chunks cut on two
// dimensions, NaN and missing values, random bits that do not compress.
TEST_CASE("chunks compressed by the writer read back through HDF5's filters",
          "[experiments][cube]") {
  test::TempDir dir;
  Cube c;
  c.dims.push_back({"a", Labels{{"x", "y", "z"}}, {}});
  c.dims.push_back({"b", Numbers{{1, 2, 3, 4, 5, 6, 7}}, {}});
  std::vector<std::int64_t> t;
  for (int i = 0; i < 50'003; ++i) t.push_back(k2020 + i * 300);
  c.dims.push_back({"start", Times{t}, {}});
  // 50,003 doubles = 400 kB per row: chunks of (1, 2, 50003), the last along b holding 1 row;
  // int32 rows are 200 kB: chunks of (1, 5, 50003), the last holding 2 rows.
  Variable d = variable("d", {"a", "b", "start"}, DType::f64, {});
  Variable i = variable("i", {"a", "b", "start"}, DType::i32, {});
  std::uint64_t x = 88172645463325252ull;
  for (std::size_t k = 0; k < 3 * 7 * t.size(); ++k) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    d.f64.push_back(k % 97 == 0  ? kNaN
                    : k % 2 == 0 ? static_cast<double>(k)
                                 : std::bit_cast<double>(x >> 2));
    i.i32.push_back(k % 89 == 0 ? kMissingI32 : static_cast<std::int32_t>(x));
  }
  c.vars = {d, i};
  write_cube(c, dir.file("c.h5"), false);
  const Cube back = read_cube(dir.file("c.h5"));
  REQUIRE(back.var("d").f64.size() == c.var("d").f64.size());
  CHECK(test::same_bytes(back.var("d").f64, c.var("d").f64));
  const bool same_i = back.var("i").i32 == c.var("i").i32;  // (Catch would print a million values)
  CHECK(same_i);
}

TEST_CASE("empty dimensions, empty labels and scalars round-trip", "[experiments][cube]") {
  test::TempDir dir;
  Cube c;
  c.dims.push_back({"none", Labels{}, {}});
  c.dims.push_back({"label", Labels{{"", "a", ""}}, {{"long_name", ""}}});
  c.dims.push_back({"t", Times{{-86400, 0, 4102444800}}, {}});
  Variable empty = variable("empty", {"label", "none"}, DType::f64, {});
  Variable total = variable("total", {}, DType::f64, {{"units", "g"}});
  total.f64 = {42.5};
  Variable count = variable("count", {}, DType::i32, {});
  count.i32 = {kMissingI32};
  Variable by_t = variable("by_t", {"t"}, DType::i32, {});
  by_t.i32 = {std::numeric_limits<std::int32_t>::min(), 0,
              std::numeric_limits<std::int32_t>::max()};
  c.vars = {empty, total, count, by_t};
  write_cube(c, dir.file("c.h5"), false);
  require_same(read_cube(dir.file("c.h5")), c);

  Cube nothing;
  write_cube(nothing, dir.file("nothing.h5"), false);
  require_same(read_cube(dir.file("nothing.h5")), nothing);
}

TEST_CASE("the same cube gives the same bytes", "[experiments][cube]") {
  test::TempDir dir;
  const Cube c = sample();
  write_cube(c, dir.file("a.h5"), false);
  // A second later, under another name: no timestamps, no file name in the file.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  write_cube(c, dir.file("other-name.h5"), false);
  const auto a = test::read_bytes(dir.file("a.h5"));
  CHECK(a == test::read_bytes(dir.file("other-name.h5")));
  CHECK(a.find("a.h5") == std::string::npos);
  CHECK(a.find(dir.path().filename().string()) == std::string::npos);
  // Read and write again: still identical.
  write_cube(read_cube(dir.file("a.h5")), dir.file("again.h5"), false);
  CHECK(a == test::read_bytes(dir.file("again.h5")));
  // And a different cube gives different bytes.
  Cube d = c;
  d.var("emissions_g").f64[0] += 1;
  write_cube(d, dir.file("d.h5"), false);
  CHECK(a != test::read_bytes(dir.file("d.h5")));
}

TEST_CASE("an existing cube is replaced only when asked", "[experiments][cube]") {
  test::TempDir dir;
  const Cube c = sample();
  write_cube(c, dir.file("c.h5"), false);
  const auto before = test::read_bytes(dir.file("c.h5"));
  Cube d = c;
  d.attrs["shiftsim_version"] = "0.2.0";
  CHECK_THROWS_AS(write_cube(d, dir.file("c.h5"), false), IoError);
  CHECK_THROWS_WITH(write_cube(d, dir.file("c.h5"), false),
                    Catch::Contains(dir.file("c.h5")) && Catch::Contains("--force"));
  CHECK(test::read_bytes(dir.file("c.h5")) == before);
  write_cube(d, dir.file("c.h5"), true);
  CHECK(read_cube(dir.file("c.h5")).attrs.at("shiftsim_version") == "0.2.0");
  CHECK(no_temp_files(dir.path()));
}

// Bytes this process has read through read(2) and pread(2) so far (Linux), or -1.
long long bytes_read() {
  std::ifstream io("/proc/self/io");
  std::string key;
  long long value = -1;
  while (io >> key >> value)
    if (key == "rchar:") return value;
  return -1;
}

TEST_CASE("replacing a file does not read it", "[experiments][cube]") {
  // HDF5 opens an existing file of the name it creates in memory (to see whether it has it open
  // already), and its core driver reads all of it: seconds for a sweep's cube.
  test::TempDir dir;
  const auto path = dir.file("c.h5");
  {
    std::ofstream big(path, std::ios::binary);
    const std::string mib(std::size_t{1} << 20, 'x');
    for (int i = 0; i < 32; ++i) big << mib;
  }
  const long long before = bytes_read();
  if (before < 0) {
    WARN("no /proc/self/io to count the bytes read: not tested");
    return;
  }
  write_cube(sample(), path, true);
  CHECK(bytes_read() - before < (1LL << 20));
  CHECK(read_cube(path).dims.size() == sample().dims.size());
  CHECK(no_temp_files(dir.path()));
}

TEST_CASE("a failed write leaves the existing cube byte-identical", "[experiments][cube]") {
  test::TempDir dir;
  const Cube c = sample();
  write_cube(c, dir.file("c.h5"), false);
  const auto before = test::read_bytes(dir.file("c.h5"));

  SECTION("HDF5 fails halfway through") {
    // The dimensions are written, then this name (a path into groups that do not exist) fails.
    Cube bad = c;
    bad.vars.back().name = "no/such/group";
    CHECK_THROWS_WITH(write_cube(bad, dir.file("c.h5"), true),
                      Catch::Contains(dir.file("c.h5")) && Catch::Contains("no/such/group"));
    CHECK(test::read_bytes(dir.file("c.h5")) == before);
    CHECK(no_temp_files(dir.path()));
  }
  SECTION("the parent is a file") {
    const auto target = std::filesystem::path(dir.file("c.h5")) / "inner.h5";
    CHECK_THROWS_AS(write_cube(c, target, true), IoError);
    CHECK(test::read_bytes(dir.file("c.h5")) == before);
    CHECK(no_temp_files(dir.path()));
  }
  SECTION("the directory is read-only") {
    if (::geteuid() == 0) {
      WARN("running as root, who writes into read-only directories: not tested");
    } else {
      namespace fs = std::filesystem;
      fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::remove);
      CHECK_THROWS_AS(write_cube(c, dir.file("c.h5"), true), IoError);
      fs::permissions(dir.path(), fs::perms::owner_write, fs::perm_options::add);
      CHECK(test::read_bytes(dir.file("c.h5")) == before);
      CHECK(no_temp_files(dir.path()));
    }
  }
}

TEST_CASE("a cube the layout cannot hold is a logic error", "[experiments][cube]") {
  test::TempDir dir;
  Cube c = sample();
  SECTION("inconsistent sizes") { c.var("emissions_g").f64.pop_back(); }
  SECTION("units on a time dimension") { c.dims.back().attrs["units"] = "s"; }
  SECTION("a netCDF reserved attribute") { c.var("pauses").attrs["_FillValue"] = "0"; }
  SECTION("a dimension-scale attribute") { c.dims.front().attrs["CLASS"] = "x"; }
  SECTION("the format attribute") { c.attrs["format"] = "x"; }
  SECTION("a coordinate over a dimension no variable has (it would read back as data)") {
    Variable q;
    q.name = "quantile_label";
    q.dims = {"quantile"};
    q.type = DType::text;
    q.text = {"min", "q1", "median", "q3", "max"};
    q.coordinate = true;
    c.vars.erase(
        std::remove_if(c.vars.begin(), c.vars.end(),
                       [](const Variable& v) { return v.name == "emissions_g_quantiles"; }),
        c.vars.end());
    c.vars.push_back(q);
  }
  CHECK_THROWS_AS(write_cube(c, dir.file("c.h5"), false), InternalError);
  CHECK(!std::filesystem::exists(dir.file("c.h5")));
  CHECK(no_temp_files(dir.path()));
}

TEST_CASE("reading something that is not a cube is a clear error", "[experiments][cube]") {
  test::TempDir dir;
  CHECK_THROWS_WITH(read_cube(dir.file("missing.h5")),
                    Catch::Contains(dir.file("missing.h5")) && Catch::Contains("no such file"));
  CHECK_THROWS_WITH(read_cube(dir.path()), Catch::Contains("is a directory"));
  dir.write("text.h5", "not hdf5");
  CHECK_THROWS_WITH(read_cube(dir.file("text.h5")),
                    Catch::Contains(dir.file("text.h5")) && Catch::Contains("not an HDF5 file"));
  dir.write("empty.h5", "");
  CHECK_THROWS_AS(read_cube(dir.file("empty.h5")), IoError);
  // An HDF5 file of shiftsim's, but a grid store.
  grids::GridStore store;
  grids::Series s;
  s.key = {"GB", Signal::average, Basis::lifecycle};
  s.start = make_time(2021, 1, 1);
  s.step = Seconds{3600};
  s.values = {1, 2, 3};
  s.flags = {0, 0, 0};
  store.put(s);
  store.save(dir.file("store.h5"));
  CHECK_THROWS_WITH(read_cube(dir.file("store.h5")),
                    Catch::Contains(dir.file("store.h5")) && Catch::Contains("not a shiftsim "
                                                                             "result cube"));
  // A cube cut short.
  write_cube(sample(), dir.file("c.h5"), false);
  const auto bytes = test::read_bytes(dir.file("c.h5"));
  dir.write("cut.h5", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_WITH(read_cube(dir.file("cut.h5")), Catch::Contains(dir.file("cut.h5")));
}

TEST_CASE("a cube of another format version is refused saying what to do", "[experiments][cube]") {
  test::TempDir dir;
  // The attributes an older (or newer) shiftsim's cube starts with.
  auto cube_of_version = [&](const std::string& name, std::int64_t version) {
    hdf5::File f = hdf5::File::create(dir.file(name), {});
    hdf5::Group root = f.root();
    root.put_string("format", "shiftsim-cube");
    root.put_int64("format_version", version);
    root.put_string("shiftsim_version", "0.0.9");
    f.save(dir.file(name));
    return dir.file(name);
  };
  const auto old = cube_of_version("v1.h5", 1);
  CHECK_THROWS_WITH(read_cube(old), Catch::Contains(old) && Catch::Contains("format version 1") &&
                                        Catch::Contains("older shiftsim") &&
                                        Catch::Contains("reads version 2") &&
                                        Catch::Contains("shiftsim run EXPERIMENT.toml --force") &&
                                        Catch::Contains("shiftsim 0.0.9, which wrote it"));
  const auto future = cube_of_version("v9.h5", 9);
  CHECK_THROWS_WITH(read_cube(future), Catch::Contains("format version 9") &&
                                           Catch::Contains("Read it with shiftsim 0.0.9"));
}

TEST_CASE("xarray opens a cube with engine h5netcdf", "[experiments][cube]") {
  const auto python = python_with_xarray();
  if (!python) {
    WARN(
        "python3 with xarray and h5netcdf not found (Debian: python3-xarray python3-h5netcdf): "
        "the layout is not checked by xarray");
    return;
  }
  test::TempDir dir;
  Cube c = sample();
  // Big enough to be cut into chunks: 2 x 70000 float64 (1.1 MB).
  std::vector<double> index;
  for (int i = 0; i < 70000; ++i) index.push_back(i);
  c.dims.push_back({"sample", Numbers{index}, {}});
  Variable trace = variable("trace", {"region", "sample"}, DType::f64, {{"units", "g/kWh"}});
  for (int i = 0; i < 2 * 70000; ++i) trace.f64.push_back(std::sin(i * 0.001) * 100);
  c.vars.push_back(trace);
  write_cube(c, dir.file("cube.h5"), false);

  const auto script = dir.write("describe.py", kDescribe);
  const std::string cmd = *python + " '" + script + "' '" + dir.file("cube.h5") + "' > '" +
                          dir.file("out.json") + "' 2> '" + dir.file("err.txt") + "'";
  const int status = std::system(cmd.c_str());
  INFO(test::read_bytes(dir.file("err.txt")));
  REQUIRE(status == 0);
  const auto j = nlohmann::json::parse(test::read_bytes(dir.file("out.json")));

  // Dimensions and their coordinates.
  for (const auto& d : c.dims) {
    INFO("dimension " << d.name);
    CHECK(j["dims"][d.name] == d.size());
    const auto& v = j["vars"][d.name];
    CHECK(v["dims"] == nlohmann::json::array({d.name}));
    CHECK(v["attrs"] == nlohmann::json(d.attrs));
    if (const auto* l = std::get_if<Labels>(&d.coords)) {
      CHECK(v["dtype"] == "object");
      CHECK(v["values"] == nlohmann::json(l->values));  // str, not bytes
    } else if (const auto* n = std::get_if<Numbers>(&d.coords)) {
      CHECK(v["dtype"] == "float64");
      CHECK(v["values"] == nlohmann::json(n->values));
    } else {
      CHECK(v["dtype"] == "datetime64[ns]");
      CHECK(v["values"] == nlohmann::json(std::get<Times>(d.coords).values));
    }
  }
  // The auxiliary coordinates are coordinates (xarray read the `coordinates` attributes).
  CHECK(j["coords"].size() == c.dims.size() + 2);
  const auto listed = j["coords"].get<std::vector<std::string>>();
  CHECK(std::count(listed.begin(), listed.end(), "policy_kind") == 1);
  CHECK(std::count(listed.begin(), listed.end(), "window_hours") == 1);
  // Variables: dims in order, attributes, missing float64 decoded as NaN, int32 kept int32 (no
  // _FillValue: its missing value -1 stays -1), text as str.
  for (const auto& var : c.vars) {
    INFO("variable " << var.name);
    const auto& v = j["vars"][var.name];
    CHECK(v["dims"] == nlohmann::json(var.dims));
    CHECK(v["attrs"] == nlohmann::json(var.attrs));
    if (var.type == DType::text) {
      CHECK(v["dtype"] == "object");
      CHECK(v["values"] == nlohmann::json(var.text));
      continue;
    }
    CHECK(v["dtype"] == (var.type == DType::f64 ? "float64" : "int32"));
    const std::size_t n = var.type == DType::f64 ? var.f64.size() : var.i32.size();
    REQUIRE(v["values"].size() == n);
    for (std::size_t k = 0; k < n; ++k) {
      if (var.type == DType::f64 && std::isnan(var.f64[k])) {
        CHECK(v["values"][k].is_null());
      } else {
        CHECK(v["values"][k] == (var.type == DType::f64 ? var.f64[k] : var.i32[k]));
      }
    }
    if (var.coordinate) continue;  // contiguous
    CHECK(v["zlib"] == true);
    CHECK(v["complevel"] == 4);
    CHECK(v["shuffle"] == true);
  }
  CHECK(j["vars"]["emissions_g"]["chunks"] == nlohmann::json({3, 2, 2, 6}));
  CHECK(j["vars"]["trace"]["chunks"] == nlohmann::json({1, 70000}));
  CHECK(j["vars"].size() == c.dims.size() + c.vars.size());
  // Global attributes: the cube's, and the format.
  const auto& attrs = c.attrs;
  for (const auto& [k, val] : attrs) CHECK(j["attrs"][k] == val);
  CHECK(j["attrs"]["format"] == "shiftsim-cube");
  CHECK(j["attrs"]["format_version"] == 2);
  CHECK(j["attrs"].size() == attrs.size() + 2);
}
