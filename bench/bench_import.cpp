// Benchmark: import 4 years of hourly data for 9 zones (36 Electricity Maps export files) into a
// grid store and save it, as `shiftsim grids import` does. See bench/README.md.
//
// Input: $SHIFTSIM_DATA/green-dcc-electricitymaps/*.csv (exactly 36 files,
// <ZONE>_<YEAR>_hourly.csv). Without SHIFTSIM_DATA, 36 synthetic files of the same layout and shape
// (9 zones x 2021-2024, 8760/8784 hourly rows each) are generated in a temporary folder (or in
// --synthetic_dir=DIR, kept), and the label says "synthetic input".
//
// Timed, per iteration: grids::import_files (read, SHA-256, parse, assemble) into a fresh
// GridStore, then GridStore::save to a temporary path. Two ways a user would do it:
//   BM_ImportPerZone   one import_files call per zone (4 files each), then one save;
//   BM_ImportAllFiles  one import_files call for all 36 files, then one save.
// BM_SaveOnly times the save alone (a breakdown, not part of the comparison).
// Each iteration's result is checked against a checksum computed independently from the CSV text
// (number of rows and sum of the life-cycle column, which is what the reader imports by default);
// the saved store is reloaded and checked once at the end. A mismatch fails the run (exit 1).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>  // mkdtemp (POSIX), getenv, strtod
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "grids/import.hpp"
#include "grids/store.hpp"
#include "sim/core/errors.hpp"

namespace fs = std::filesystem;
namespace g = shiftsim::grids;

namespace {

constexpr int kFirstYear = 2021;
constexpr int kLastYear = 2024;
constexpr std::size_t kZones = 9;
constexpr std::size_t kFiles = kZones * (kLastYear - kFirstYear + 1);

struct Checksum {
  std::size_t rows = 0;
  double sum = 0;  // of the life-cycle intensity column, gCO2eq/kWh
};

struct Input {
  std::string label;
  fs::path temp_dir;                                        // owned temporary folder
  std::map<std::string, std::vector<std::string>> by_zone;  // file-name zone -> paths, by year
  std::vector<std::string> all;                             // every path
  std::uintmax_t bytes = 0;
  Checksum expected;
};

Input* g_input = nullptr;
bool g_failed = false;

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "shiftsim_bench_import: %s\n", message.c_str());
  std::exit(2);
}

fs::path make_temp_dir() {
  std::string tmpl = (fs::temp_directory_path() / "shiftsim-bench-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) die("cannot create a temporary folder under " + tmpl);
  return tmpl;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) die("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Independent of shiftsim's CSV code: plain comma splitting (the exports have no quoted fields),
// the column whose header ends in "(LCA)".
Checksum checksum_of(const fs::path& path) {
  const std::string text = slurp(path);
  Checksum c;
  std::size_t col = std::string::npos;
  std::size_t pos = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::size_t a = 0;
    while (true) {
      std::size_t b = line.find(',', a);
      fields.push_back(line.substr(a, b == std::string::npos ? std::string::npos : b - a));
      if (b == std::string::npos) break;
      a = b + 1;
    }
    if (header) {
      for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i].ends_with("(LCA)")) col = i;
      if (col == std::string::npos) die(path.string() + ": no '(LCA)' column in the header");
      header = false;
      continue;
    }
    if (col >= fields.size() || fields[col].empty())
      die(path.string() +
          ": a row without a life-cycle value; the benchmark expects complete files");
    c.sum += std::strtod(fields[col].c_str(), nullptr);
    ++c.rows;
  }
  return c;
}

// "US-CAL-CISO_2021_hourly.csv" -> "US-CAL-CISO".
std::string zone_of_file_name(const std::string& name) {
  auto cut = name.find('_');
  return cut == std::string::npos ? name : name.substr(0, cut);
}

void add_file(Input& in, const fs::path& p) {
  in.by_zone[zone_of_file_name(p.filename().string())].push_back(p.string());
  in.all.push_back(p.string());
  in.bytes += fs::file_size(p);
  Checksum c = checksum_of(p);
  in.expected.rows += c.rows;
  in.expected.sum += c.sum;
}

void finish(Input& in) {
  std::sort(in.all.begin(), in.all.end());
  for (auto& [zone, paths] : in.by_zone) std::sort(paths.begin(), paths.end());
  if (in.all.size() != kFiles || in.by_zone.size() != kZones)
    die("expected " + std::to_string(kFiles) + " files of " + std::to_string(kZones) +
        " zones, found " + std::to_string(in.all.size()) + " files of " +
        std::to_string(in.by_zone.size()) + " zones");
}

Input real_input(const fs::path& dir) {
  Input in;
  if (!fs::is_directory(dir)) die(dir.string() + " is not a folder (SHIFTSIM_DATA is set)");
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() == ".csv") add_file(in, e.path());
  finish(in);
  in.label = "36 files, 9 zones, " + std::to_string(in.expected.rows) +
             " rows (green-dcc-electricitymaps)";
  return in;
}

// Synthetic files in the Electricity Maps export layout, shaped like the real ones.
// Written to `keep_in` (kept) when given, else to a temporary folder removed at exit.
Input synthetic_input(const fs::path& keep_in) {
  struct Zone {
    const char* id;
    const char* country;
    const char* name;
    const char* source;
    double level;  // mean gCO2eq/kWh
  };
  static const Zone kZoneList[kZones] = {
      {"AU-NSW", "Australia", "New South Wales", "opennem.org.au", 550},
      {"AU-VIC", "Australia", "Victoria", "opennem.org.au", 500},
      {"CA-ON", "Canada", "Ontario", "ieso.ca", 60},
      {"DE-LU", "Germany", "Germany", "entsoe.eu", 420},
      {"GB", "Great Britain", "Great Britain", "elexon.co.uk", 200},
      {"US-CAL-CISO", "USA", "CAISO", "caiso.com", 260},
      {"US-MIDA-PJM", "USA", "PJM Interconnection", "pjm.com", 400},
      {"US-NY-NYIS", "USA", "New York ISO", "nyiso.com", 260},
      {"US-TEX-ERCO", "USA", "Electric Reliability Council of Texas", "eia.gov", 380},
  };
  Input in;
  fs::path dir = keep_in;
  if (dir.empty()) {
    in.temp_dir = make_temp_dir();
    dir = in.temp_dir;
  } else {
    fs::create_directories(dir);
  }
  std::uint64_t rng = 0x9E3779B97F4A7C15ULL;
  auto noise = [&rng] {  // xorshift64*, in [-1, 1)
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return static_cast<double>((rng * 0x2545F4914F6CDD1DULL) >> 11) * 0x1.0p-52 - 1.0;
  };
  for (const Zone& z : kZoneList) {
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      fs::path p = dir / (std::string(z.id) + "_" + std::to_string(year) + "_hourly.csv");
      std::ofstream out(p, std::ios::binary);
      out << "Datetime (UTC),Country,Zone Name,Zone Id,Carbon Intensity gCO\xE2\x82\x82"
             "eq/kWh (direct),Carbon Intensity gCO\xE2\x82\x82"
             "eq/kWh (LCA),Low Carbon Percentage,Renewable Percentage,Data Source,Data "
             "Estimated,Data Estimation Method\n";
      const std::chrono::sys_days first{std::chrono::year{year} / 1 / 1};
      const std::chrono::sys_days last{std::chrono::year{year + 1} / 1 / 1};
      char row[512];
      for (auto day = first; day < last; day += std::chrono::days{1}) {
        const std::chrono::year_month_day ymd{day};
        for (int h = 0; h < 24; ++h) {
          const double daily = std::sin((h - 6) * 0.2617993877991494);  // 2*pi/24
          const double direct = std::max(1.0, z.level * (0.85 + 0.1 * daily + 0.05 * noise()));
          const double lca = direct * 1.15 + 20;
          const bool estimated = noise() > 0.995;
          const int n = std::snprintf(
              row, sizeof row, "%04d-%02u-%02u %02d:00:00,%s,%s,%s,%.2f,%.2f,%.2f,%.2f,%s,%s,%s\n",
              static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
              static_cast<unsigned>(ymd.day()), h, z.country, z.name, z.id, direct, lca,
              50 + 30 * daily, 30 + 20 * daily, z.source, estimated ? "true" : "false",
              estimated ? "TIME_SLICER_AVERAGE" : "");
          out.write(row, n);
        }
      }
      out.close();
      if (!out) die("cannot write " + p.string());
      add_file(in, p);
    }
  }
  finish(in);
  in.label = "synthetic input: 36 files, 9 zones, " + std::to_string(in.expected.rows) + " rows";
  return in;
}

Checksum checksum_of(const g::GridStore& store) {
  Checksum c;
  for (const auto& [key, s] : store.series()) {
    c.rows += s.values.size();
    for (double v : s.values) c.sum += v;
  }
  return c;
}

// Empty when `store` is the expected result; else what is wrong.
std::string verify(const g::GridStore& store, const Checksum& expected) {
  if (store.series().size() != kZones)
    return "the store holds " + std::to_string(store.series().size()) + " series, expected " +
           std::to_string(kZones);
  const Checksum got = checksum_of(store);
  const double tolerance = 1e-9 * std::max(1.0, std::fabs(expected.sum));
  if (got.rows != expected.rows || std::fabs(got.sum - expected.sum) > tolerance) {
    char buf[256];
    std::snprintf(buf, sizeof buf,
                  "checksum mismatch: %zu values summing to %.6f, expected %zu "
                  "summing to %.6f",
                  got.rows, got.sum, expected.rows, expected.sum);
    return buf;
  }
  return {};
}

void fail(benchmark::State& state, const std::string& why) {
  g_failed = true;
  std::fprintf(stderr, "shiftsim_bench_import: %s\n", why.c_str());
  state.SkipWithError(why.c_str());
}

template <bool kPerZone>
void BM_Import(benchmark::State& state) {
  const Input& in = *g_input;
  const fs::path dir = make_temp_dir();
  const fs::path store_path = dir / "grids.h5";
  const g::ImportOptions options{};
  std::string problem;
  for (auto _ : state) {
    try {
      g::GridStore store;
      if constexpr (kPerZone) {
        for (const auto& [zone, paths] : in.by_zone) g::import_files(paths, options, store);
      } else {
        g::import_files(in.all, options, store);
      }
      store.save(store_path);
      state.PauseTiming();
      problem = verify(store, in.expected);
      state.ResumeTiming();
    } catch (const std::exception& e) {
      problem = std::string("import failed: ") + e.what();
    }
    if (!problem.empty()) {
      fail(state, problem);
      break;
    }
  }
  if (!problem.empty()) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    return;
  }
  if (state.iterations() > 0) {
    // What is on disk is what was imported.
    try {
      problem = verify(g::GridStore::load(store_path), in.expected);
      if (!problem.empty()) problem = "reloaded store: " + problem;
    } catch (const std::exception& e) {
      problem = std::string("reloading the store failed: ") + e.what();
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (!problem.empty()) {
    fail(state, problem);
    return;
  }
  const auto rows = static_cast<double>(in.expected.rows);
  state.counters["rows/s"] =
      benchmark::Counter(rows, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["rows"] = rows;
  state.counters["checksum"] = in.expected.sum;  // sum of the imported values, checked above
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(in.bytes));
  state.SetLabel(in.label);
}

// For the breakdown only (not judged): the save alone, of the store the import produces.
void BM_SaveOnly(benchmark::State& state) {
  const Input& in = *g_input;
  const fs::path dir = make_temp_dir();
  g::GridStore store;
  try {
    g::import_files(in.all, g::ImportOptions{}, store);
  } catch (const std::exception& e) {
    fail(state, std::string("import failed: ") + e.what());
  }
  for (auto _ : state) {
    try {
      store.save(dir / "grids.h5");
    } catch (const std::exception& e) {
      fail(state, std::string("save failed: ") + e.what());
      break;
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  state.SetLabel(in.label);
}

double min_of(const std::vector<double>& v) {
  return v.empty() ? 0.0 : *std::min_element(v.begin(), v.end());
}

}  // namespace

// Besides the Google Benchmark flags: --synthetic_dir=DIR writes the synthetic input to DIR and
// keeps it (bench/run_import_bench.sh hands it to pandas); ignored when SHIFTSIM_DATA is set.
int main(int argc, char** argv) {
  fs::path synthetic_dir;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.starts_with("--synthetic_dir="))
      synthetic_dir = std::string(arg.substr(16));
    else
      argv[kept++] = argv[i];
  }
  argc = kept;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  Input input;
  try {
    const char* data = std::getenv("SHIFTSIM_DATA");
    input = data != nullptr && *data != '\0'
                ? real_input(fs::path(data) / "green-dcc-electricitymaps")
                : synthetic_input(synthetic_dir);
  } catch (const std::exception& e) {
    die(std::string("preparing the input failed: ") + e.what());
  }
  g_input = &input;

  for (auto* b : {benchmark::RegisterBenchmark("BM_ImportPerZone", BM_Import<true>),
                  benchmark::RegisterBenchmark("BM_ImportAllFiles", BM_Import<false>)})
    b->Unit(benchmark::kMillisecond)->UseRealTime()->ComputeStatistics("min", min_of);
  benchmark::RegisterBenchmark("BM_SaveOnly", BM_SaveOnly)
      ->Unit(benchmark::kMillisecond)
      ->UseRealTime()
      ->ComputeStatistics("min", min_of);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (!input.temp_dir.empty()) {
    std::error_code ec;
    fs::remove_all(input.temp_dir, ec);
  }
  return g_failed ? 1 : 0;
}
