// Measured power logs (workloads/measured): nvidia-smi, CodeCarbon and generic CSV on tiny
// fixtures whose energies are worked out by hand, brute-force twins on random samples, and every
// bad-input case with the file, line and column its message must name.
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/measured/measured.hpp"

using namespace shiftsim;
using namespace shiftsim::workloads;

namespace {

MeasuredOptions options(MeasuredFormat f) {
  MeasuredOptions o;
  o.format = f;
  return o;
}

MeasuredProfile read(const std::string& text, const MeasuredOptions& o) {
  return read_measured_profile(text, "log.csv", o);
}

// Joules in each interval of the profile.
std::vector<double> bin_joules(const PowerProfile& p) {
  std::vector<double> out;
  for (std::size_t i = 0; i < p.size(); ++i)
    out.push_back(p.watts()[i] * static_cast<double>(p.length(i).count()));
  return out;
}

double profile_joules(const MeasuredProfile& m) { return m.profile.energy().value * 3.6e6; }

// The message of the ParseError that reading `text` as bad.csv throws; fails the test otherwise.
std::string parse_error(const std::string& text, const MeasuredOptions& o) {
  try {
    read_measured_profile(text, "bad.csv", o);
  } catch (const ParseError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("not a ParseError: " << e.what());
  }
  FAIL("no error for:\n" << text);
  return "";
}

std::string config_error(const std::string& text, const MeasuredOptions& o) {
  try {
    read_measured_profile(text, "bad.csv", o);
  } catch (const ConfigError& e) {
    return e.what();
  } catch (const std::exception& e) {
    FAIL("not a ConfigError: " << e.what());
  }
  FAIL("no error for:\n" << text);
  return "";
}

constexpr const char* kCodeCarbonHeader =
    "timestamp,project_name,run_id,experiment_id,duration,emissions,emissions_rate,cpu_power,"
    "gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,"
    "country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,"
    "cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,"
    "on_cloud,pue\n";

// One CodeCarbon row; the columns this importer does not read hold plausible filler.
std::string codecarbon_row(const std::string& time, const std::string& run, double duration,
                           double gpu_kwh, double total_kwh) {
  return fmt::format(
      "{},proj,{},5b0fa12a,{},0.001,1e-05,42.5,300.0,31.3,0.0001,{},0.00002,{},Singapore,SGP,,,,"
      "Linux,3.10.12,2.4.2,12,Intel Xeon,1,1 x NVIDIA A100,103.85,1.28,83.4,machine,N,1.0\n",
      time, run, duration, gpu_kwh, total_kwh);
}

}  // namespace

TEST_CASE("measured: format names and detection from the header", "[workloads][measured]") {
  for (auto f : {MeasuredFormat::nvidia_smi, MeasuredFormat::codecarbon, MeasuredFormat::generic})
    CHECK(parse_measured_format(to_string(f)) == f);
  CHECK_FALSE(parse_measured_format("nvidia_smi"));
  CHECK(detect_measured_format("timestamp, index, power.draw [W]\n") == MeasuredFormat::nvidia_smi);
  CHECK(detect_measured_format("index, power.draw.instant [W], timestamp\n") ==
        MeasuredFormat::nvidia_smi);
  CHECK(detect_measured_format(kCodeCarbonHeader) == MeasuredFormat::codecarbon);
  CHECK_FALSE(detect_measured_format("time,power_w\n0,1\n"));
  CHECK_FALSE(detect_measured_format(""));
  CHECK_FALSE(detect_measured_format("\"timestamp, power.draw\n"));  // never closed
}

TEST_CASE("measured nvidia-smi: two GPUs with N/A and absent samples, by hand",
          "[workloads][measured]") {
  // Columns in another order, among others. Seconds from 12:00:00.000 (UTC):
  //   GPU 0: 0.0 100 W | 1.0 [N/A] | 2.0 300 W | 3.0 200 W | 4.0 200 W | (no row at 5)
  //   GPU 1: (no row at 0) | 1.2 60 W | 2.2 N/A | (no row at 3) | 4.2 80 W | 5.2 100 W
  // Span 0 .. 5.2 s, profile 5 s at the 1 s median interval.
  // GPU 0, trapezoids over its usable samples, its last value held from 4.0 to 5.2:
  //   (100+300)/2*2 + (300+200)/2*1 + 200*1 + 200*1.2 = 400 + 250 + 200 + 240 = 1090 J
  // GPU 1, its first value held from 0 to 1.2:
  //   60*1.2 + (60+80)/2*3 + (80+100)/2*1 = 72 + 210 + 90 = 372 J
  // Per 1 s bin (GPU 1 is 60 + 20/3 (t - 1.2) on [1.2, 4.2]: 65.33 at 2, 72 at 3, 78.67 at 4):
  //   [0,1): GPU 0 (100+200)/2 = 150, GPU 1 60                                  -> 210
  //   [1,2): GPU 0 (200+300)/2 = 250, GPU 1 12 + (60+65.33)/2*0.8 = 62.13      -> 312.13
  //   [2,3): GPU 0 250, GPU 1 (65.33+72)/2 = 68.67                              -> 318.67
  //   [3,4): GPU 0 200, GPU 1 (72+78.67)/2 = 75.33                              -> 275.33
  //   [4,5]: the last bin takes 5 .. 5.2 too: GPU 0 200*1.2 = 240,
  //          GPU 1 (78.67+80)/2*0.2 + 90 = 105.87                               -> 345.87
  //   sum 1462 J = 1090 + 372.
  // Missing: 2 N/A, 1 absent between rows (GPU 1 at 3), 2 absent at the ends (GPU 1 at 0,
  // GPU 0 at 5) = 5.
  const std::string log =
      "name, index, timestamp, utilization.gpu [%], power.draw [W]\n"
      "NVIDIA A100-SXM4-40GB, 0, 2022/03/01 12:00:00.000, 35 %, 100.00 W\n"
      "NVIDIA A100-SXM4-40GB, 0, 2022/03/01 12:00:01.000, 36 %, [N/A]\n"
      "NVIDIA A100-SXM4-40GB, 1, 2022/03/01 12:00:01.200, 30 %, 60.00 W\n"
      "NVIDIA A100-SXM4-40GB, 0, 2022/03/01 12:00:02.000, 90 %, 300.00 W\n"
      "NVIDIA A100-SXM4-40GB, 1, 2022/03/01 12:00:02.200, 31 %, N/A\n"
      "NVIDIA A100-SXM4-40GB, 0, 2022/03/01 12:00:03.000, 80 %, 200.00 W\n"
      "NVIDIA A100-SXM4-40GB, 0, 2022/03/01 12:00:04.000, 80 %, 200.00 W\n"
      "NVIDIA A100-SXM4-40GB, 1, 2022/03/01 12:00:04.200, 70 %, 80.00 W\n"
      "NVIDIA A100-SXM4-40GB, 1, 2022/03/01 12:00:05.200, 75 %, 100.00 W\n";
  const auto m = read(log, options(MeasuredFormat::nvidia_smi));
  CHECK(m.devices == 2);
  CHECK(m.rows == 9);
  CHECK(m.missing == 5);
  CHECK(m.held == 2);
  CHECK(m.sampling == Seconds{1});
  CHECK(m.start == make_time(2022, 3, 1, 12));
  CHECK(m.profile.step() == Seconds{1});
  CHECK(m.profile.duration() == Seconds{5});
  const std::vector<double> expected{210, 312 + 2.0 / 15, 318 + 2.0 / 3, 275 + 1.0 / 3,
                                     345 + 13.0 / 15};
  const auto bins = bin_joules(m.profile);
  REQUIRE(bins.size() == expected.size());
  for (std::size_t i = 0; i < bins.size(); ++i)
    CHECK(bins[i] == Approx(expected[i]).epsilon(1e-12));
  CHECK(m.joules == Approx(1462).epsilon(1e-14));
  CHECK(profile_joules(m) == Approx(1462).epsilon(1e-13));
  CHECK_FALSE(m.notes.empty());

  // GPU 1 alone: its own span, 1.2 .. 5.2 s: 210 + 90 = 300 J.
  auto o = options(MeasuredFormat::nvidia_smi);
  o.gpus = {1};
  const auto one = read(log, o);
  CHECK(one.devices == 1);
  CHECK(one.start == make_time(2022, 3, 1, 12, 0, 1));
  CHECK(one.profile.duration() == Seconds{4});
  CHECK(one.joules == Approx(300).epsilon(1e-14));
  CHECK(one.missing == 2);  // N/A at 2.2 and the row absent at 3.2
  // A coarser step: the same energy, one 5 s bin.
  o.gpus.clear();
  o.step = Seconds{10};
  const auto coarse = read(log, o);
  REQUIRE(coarse.profile.size() == 1);
  CHECK(coarse.profile.duration() == Seconds{5});
  CHECK(profile_joules(coarse) == Approx(1462).epsilon(1e-13));
}

TEST_CASE("measured nvidia-smi: mW, W and kW headers, with and without unit suffixes",
          "[workloads][measured]") {
  // 250 W then 350 W one second apart: 300 J in every variant.
  struct Variant {
    const char* unit;
    double scale;
  };
  for (auto v : {Variant{"mW", 1e3}, Variant{"W", 1.0}, Variant{"kW", 1e-3}}) {
    for (bool suffix : {true, false}) {
      const std::string u = suffix ? fmt::format(" {}", v.unit) : "";
      const std::string log = fmt::format(
          "timestamp, index, power.draw [{}]\n"
          "2022/03/01 12:00:00.500, 0, {}{}\n2022/03/01 12:00:01.500, 0, {}{}\n",
          v.unit, 250 * v.scale, u, 350 * v.scale, u);
      INFO(log);
      const auto m = read(log, options(MeasuredFormat::nvidia_smi));
      CHECK(m.joules == Approx(300).epsilon(1e-12));
      CHECK(m.start == make_time(2022, 3, 1, 12));  // 12:00:00.500, whole seconds
      CHECK(m.profile.watts()[0] == Approx(300).epsilon(1e-12));
    }
  }
  // power.draw.instant serves when power.draw is not logged; the unit option overrides.
  auto o = options(MeasuredFormat::nvidia_smi);
  o.unit = "kW";
  const auto m = read(
      "power.draw.instant, timestamp\n0.25, 2022-03-01T12:00:00\n"
      "0.35, 2022-03-01T12:00:01\n",
      o);
  CHECK(m.joules == Approx(300).epsilon(1e-12));
}

TEST_CASE("measured nvidia-smi: GPUs told apart by uuid when there is no index",
          "[workloads][measured]") {
  // Two GPUs, 2 s each: 100 W constant and 100 -> 300 W: 200 + 400 = 600 J.
  const auto m = read(
      "timestamp, uuid, power.draw [W]\n"
      "2022/03/01 12:00:00.000, GPU-aaaa, 100 W\n2022/03/01 12:00:00.001, GPU-bbbb, 100 W\n"
      "2022/03/01 12:00:02.000, GPU-aaaa, 100 W\n2022/03/01 12:00:02.001, GPU-bbbb, 300 W\n",
      options(MeasuredFormat::nvidia_smi));
  CHECK(m.devices == 2);
  // Span 0 .. 2.001 s: GPU-aaaa holds 100 W for 1 ms more, GPU-bbbb starts 1 ms late at 100 W.
  CHECK(m.joules == Approx(600 + 0.1 + 0.1).epsilon(1e-12));
  CHECK(m.missing == 0);
}

TEST_CASE("measured nvidia-smi: a restarted logger repeats its header", "[workloads][measured]") {
  // 100 W for 2 s, then a restart, then 100 W for 2 s more: 400 J, the header row skipped.
  const auto m = read(
      "timestamp, index, power.draw [W]\n"
      "2022/03/01 12:00:00.000, 0, 100 W\n2022/03/01 12:00:01.000, 0, 100 W\n"
      "2022/03/01 12:00:02.000, 0, 100 W\n"
      "timestamp, index, power.draw [W]\n"
      "2022/03/01 12:00:03.000, 0, 100 W\n2022/03/01 12:00:04.000, 0, 100 W\n",
      options(MeasuredFormat::nvidia_smi));
  CHECK(m.rows == 5);
  CHECK(m.joules == Approx(400).epsilon(1e-14));
  CHECK(m.profile.size() == 4);
  CHECK(std::any_of(m.notes.begin(), m.notes.end(), [](const std::string& n) {
    return n.find("repeated header") != std::string::npos;
  }));
}

TEST_CASE("measured nvidia-smi: local time across DST changes", "[workloads][measured]") {
  auto o = options(MeasuredFormat::nvidia_smi);
  o.timezone = "Europe/Berlin";
  // Spring: 01:59:59 CET and 03:00:00 CEST are 1 s apart. Four samples, 3 s, 100 W: 300 J.
  const auto spring = read(
      "timestamp, index, power.draw [W]\n"
      "2021/03/28 01:59:58.000, 0, 100 W\n2021/03/28 01:59:59.000, 0, 100 W\n"
      "2021/03/28 03:00:00.000, 0, 100 W\n2021/03/28 03:00:01.000, 0, 100 W\n",
      o);
  CHECK(spring.start == make_time(2021, 3, 28, 0, 59, 58));
  CHECK(spring.profile.duration() == Seconds{3});
  CHECK(spring.sampling == Seconds{1});
  CHECK(spring.joules == Approx(300).epsilon(1e-14));
  // Autumn: 02:59:59 CEST, then 02:00:00 CET one second later; the log's order decides.
  const auto autumn = read(
      "timestamp, index, power.draw [W]\n"
      "2021/10/31 02:59:58.000, 0, 100 W\n2021/10/31 02:59:59.000, 0, 100 W\n"
      "2021/10/31 02:00:00.000, 0, 100 W\n2021/10/31 02:00:01.000, 0, 100 W\n",
      o);
  CHECK(autumn.start == make_time(2021, 10, 31, 0, 59, 58));
  CHECK(autumn.profile.duration() == Seconds{3});
  CHECK(autumn.joules == Approx(300).epsilon(1e-14));
  // 02:30 on the spring day never happened in Berlin.
  const auto msg = parse_error(
      "timestamp, index, power.draw [W]\n"
      "2021/03/28 01:59:59.000, 0, 100 W\n2021/03/28 02:30:00.000, 0, 100 W\n",
      o);
  CHECK_THAT(msg, Catch::Contains("bad.csv:3") && Catch::Contains("timestamp") &&
                      Catch::Contains("does not exist"));
}

TEST_CASE("measured codecarbon: cumulative rows of one run", "[workloads][measured]") {
  // Run A flushes every 10 s; energy_consumed is cumulative:
  //   [10:00:00, 10:00:10] 0.001 kWh = 3600 J -> 360 W
  //   [10:00:10, 10:00:20] 0.003 - 0.001 = 0.002 kWh = 7200 J -> 720 W
  //   [10:00:20, 10:00:30] 0.0035 - 0.003 = 0.0005 kWh = 1800 J -> 180 W
  // gpu_energy: 0.0005, 0.0015, 0.002 kWh -> 180, 360, 180 W.
  const std::string text = std::string(kCodeCarbonHeader) +
                           codecarbon_row("2024-05-27T10:00:10", "A", 10.0, 0.0005, 0.001) +
                           codecarbon_row("2024-05-27T10:00:20", "A", 20.0, 0.0015, 0.003) +
                           codecarbon_row("2024-05-27T10:00:30", "A", 30.0, 0.002, 0.0035);
  auto o = options(MeasuredFormat::codecarbon);
  const auto m = read(text, o);
  CHECK(m.start == make_time(2024, 5, 27, 10));
  CHECK(m.sampling == Seconds{10});
  CHECK(m.rows == 3);
  REQUIRE(m.profile.size() == 3);
  CHECK(m.profile.watts()[0] == Approx(360).epsilon(1e-12));
  CHECK(m.profile.watts()[1] == Approx(720).epsilon(1e-12));
  CHECK(m.profile.watts()[2] == Approx(180).epsilon(1e-12));
  CHECK(m.profile.energy().value == Approx(0.0035).epsilon(1e-13));
  o.component = "gpu";
  o.timezone = "Europe/Berlin";  // CodeCarbon writes local time: CEST is UTC+2
  const auto gpu = read(text, o);
  CHECK(gpu.start == make_time(2024, 5, 27, 8));
  CHECK(gpu.profile.watts()[1] == Approx(360).epsilon(1e-12));
  CHECK(gpu.profile.energy().value == Approx(0.002).epsilon(1e-13));
  // A step of 15 s: bins [0,15) and [15,30]: 3600 + 7200/2 = 7200 J, then 3600 + 1800 = 5400 J.
  o = options(MeasuredFormat::codecarbon);
  o.step = Seconds{15};
  const auto coarse = read(text, o);
  REQUIRE(coarse.profile.size() == 2);
  CHECK(bin_joules(coarse.profile)[0] == Approx(7200).epsilon(1e-12));
  CHECK(bin_joules(coarse.profile)[1] == Approx(5400).epsilon(1e-12));
  // A fractional first duration: the run starts 2.5 s before 10:00:00, so at 09:59:57.5.
  const auto frac = read(std::string(kCodeCarbonHeader) +
                             codecarbon_row("2024-05-27T10:00:00", "A", 2.5, 0, 0.0001) +
                             codecarbon_row("2024-05-27T10:00:02", "A", 4.5, 0, 0.0002),
                         options(MeasuredFormat::codecarbon));
  CHECK(frac.start == make_time(2024, 5, 27, 9, 59, 57));
  CHECK(frac.joules == Approx(720).epsilon(1e-13));
}

TEST_CASE("measured codecarbon: several runs need run_id", "[workloads][measured]") {
  const std::string text = std::string(kCodeCarbonHeader) +
                           codecarbon_row("2024-05-27T10:00:10", "run-a", 10.0, 0.0005, 0.001) +
                           codecarbon_row("2024-05-27T11:00:10", "run-b", 10.0, 0.0005, 0.002) +
                           codecarbon_row("2024-05-27T11:00:20", "run-b", 20.0, 0.0005, 0.003);
  const auto msg = config_error(text, options(MeasuredFormat::codecarbon));
  CHECK_THAT(msg, Catch::Contains("bad.csv") && Catch::Contains("run-a") &&
                      Catch::Contains("run-b") && Catch::Contains("choose one with run_id"));
  auto o = options(MeasuredFormat::codecarbon);
  o.run_id = "run-b";
  const auto b = read(text, o);
  CHECK(b.start == make_time(2024, 5, 27, 11));
  CHECK(b.joules == Approx(0.003 * 3.6e6).epsilon(1e-13));
  o.run_id = "run-c";
  CHECK_THAT(config_error(text, o), Catch::Contains("run-c") && Catch::Contains("run-a"));
}

TEST_CASE("measured generic: power samples, ISO time with fractions and header units",
          "[workloads][measured]") {
  // kW: 1 kW at 0, 3 kW at 2.5 s, 1 kW at 4.5 s: (1000+3000)/2*2.5 + (3000+1000)/2*2 = 9000 J.
  const auto m = read(
      "timestamp,power [kW],note\n"
      "2022-01-01T00:00:00.000Z,1,a\n2022-01-01T00:00:02.500Z,3,b\n2022-01-01T00:00:04.500Z,1,c\n",
      options(MeasuredFormat::generic));
  CHECK(m.joules == Approx(9000).epsilon(1e-14));
  CHECK(m.profile.duration() == Seconds{5});  // 4.5 s rounds to 5 s (half away from zero)
  CHECK(m.sampling == Seconds{2});            // median of 2.5 and 2 = 2.25
  CHECK_FALSE(m.relative_time);
  // Plain seconds, "(mW)" and an empty sample bridged: 0 s 2 W, 10 s empty, 20 s 4 W -> 60 J.
  const auto rel =
      read("t (s),Power (mW)\n0,2000\n10,\n20,4000\n", options(MeasuredFormat::generic));
  CHECK(rel.relative_time);
  CHECK(rel.missing == 1);
  CHECK(rel.joules == Approx(60).epsilon(1e-14));
  CHECK(rel.profile.size() == 2);                                  // 10 s steps
  CHECK(bin_joules(rel.profile)[0] == Approx(25).epsilon(1e-12));  // (2+3)/2*10
  // Named columns, ';' and a time column in ms.
  auto o = options(MeasuredFormat::generic);
  o.delimiter = ';';
  o.time_column = "elapsed_ms";
  o.power_column = "gpu";
  const auto named = read("gpu;elapsed_ms\n100;0\n100;1500\n", o);
  CHECK(named.joules == Approx(150).epsilon(1e-14));
  CHECK(named.profile.duration() == Seconds{2});
}

TEST_CASE("measured generic: cumulative energy counters", "[workloads][measured]") {
  // Wh counter from 10 Wh (the zero): +1 Wh in 60 s (60 W), +0 in 60 s, +3 Wh in 60 s (180 W).
  const auto m = read(
      "timestamp,energy (Wh)\n2022-01-01 00:00:00,10\n2022-01-01 00:01:00,11\n"
      "2022-01-01 00:02:00,11\n2022-01-01 00:03:00,14\n",
      options(MeasuredFormat::generic));
  REQUIRE(m.profile.size() == 3);
  CHECK(m.profile.watts()[0] == Approx(60).epsilon(1e-12));
  CHECK(m.profile.watts()[1] == 0);
  CHECK(m.profile.watts()[2] == Approx(180).epsilon(1e-12));
  CHECK(m.joules == Approx(4 * 3600).epsilon(1e-13));
  // The profile CSV `shiftsim workloads profile --out` writes: a comment, then kWh at edges.
  const auto back = read("# shiftsim power profile\ntime_s,energy_kwh\n0,0\n300,0.5\n400,0.75\n",
                         options(MeasuredFormat::generic));
  CHECK(back.profile.step() == Seconds{200});  // median of 300 and 100
  CHECK(back.profile.energy().value == Approx(0.75).epsilon(1e-13));
  // The unit option picks the counter among power and energy columns.
  auto o = options(MeasuredFormat::generic);
  o.unit = "MJ";
  const auto mj = read("time,power_w,energy_total\n0,5,1\n10,5,2\n", o);
  CHECK(mj.joules == Approx(1e6).epsilon(1e-14));
}

namespace {

// The brute-force twin of the trapezoid rule: the energy of samples (t, W) over [a, b], the
// power interpolated linearly between samples and held beyond the first and last.
double trapezoid_between(const std::vector<std::pair<double, double>>& s, double a, double b) {
  auto at = [&](double x) {
    if (x <= s.front().first) return s.front().second;
    if (x >= s.back().first) return s.back().second;
    std::size_t k = 1;
    while (s[k].first < x) ++k;
    const auto& [t0, p0] = s[k - 1];
    const auto& [t1, p1] = s[k];
    return p0 + (p1 - p0) * (x - t0) / (t1 - t0);
  };
  std::vector<double> cuts{a};
  for (const auto& [t, p] : s)
    if (t > a && t < b) cuts.push_back(t);
  cuts.push_back(b);
  double sum = 0;
  for (std::size_t i = 1; i < cuts.size(); ++i)
    sum += (at(cuts[i - 1]) + at(cuts[i])) / 2 * (cuts[i] - cuts[i - 1]);
  return sum;
}

}  // namespace

TEST_CASE("measured: the profile's energy and bins match a brute-force trapezoid sum",
          "[workloads][measured][property]") {
  std::mt19937_64 rng(20240527);
  std::uniform_real_distribution<double> power(0, 500), gap_ms(1, 120000);
  std::uniform_int_distribution<int> count(2, 60), step_s(1, 600);
  for (int trial = 0; trial < 200; ++trial) {
    // Irregular samples, times in ms written as seconds with three decimals.
    const int n = count(rng);
    std::vector<std::pair<double, double>> s;
    std::string csv = "time,power_w\n";
    long ms = static_cast<long>(gap_ms(rng));
    for (int i = 0; i < n; ++i) {
      const double w = std::round(power(rng) * 100) / 100;
      csv += fmt::format("{}.{:03},{:.2f}\n", ms / 1000, ms % 1000, w);
      s.emplace_back(static_cast<double>(ms) / 1000, w);
      ms += static_cast<long>(gap_ms(rng));
    }
    const double t0 = s.front().first, span = s.back().first - t0;
    for (auto& p : s) p.first -= t0;
    double brute = 0;
    for (std::size_t i = 1; i < s.size(); ++i)
      brute += (s[i - 1].second + s[i].second) / 2 * (s[i].first - s[i - 1].first);
    auto o = options(MeasuredFormat::generic);
    if (trial % 2 == 1) o.step = Seconds{step_s(rng)};
    INFO("trial " << trial << "\n" << csv);
    if (!(brute > 0)) continue;
    const auto m = read(csv, o);
    CHECK(std::fabs(profile_joules(m) - brute) <= 1e-12 * brute);
    CHECK(std::fabs(m.joules - brute) <= 1e-12 * brute);
    const long d = std::max(1L, std::lround(span));
    CHECK(m.profile.duration().count() == d);
    const auto bins = bin_joules(m.profile);
    const double step = static_cast<double>(m.profile.step().count());
    for (std::size_t k = 0; k < bins.size(); ++k) {
      const double a = static_cast<double>(k) * step;
      const double b = k + 1 == bins.size() ? std::max(span, a) : a + step;  // the last absorbs
      CHECK(bins[k] == Approx(trapezoid_between(s, a, b)).epsilon(1e-9).margin(1e-9 * brute));
    }
  }
}

TEST_CASE("measured nvidia-smi: random GPUs with gaps match their brute-force sum",
          "[workloads][measured][property]") {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> power(20, 400), unit(0, 1);
  for (int trial = 0; trial < 50; ++trial) {
    // Three GPUs sampled each second (GPU g at +g ms); each row N/A or absent with some chance.
    std::vector<std::vector<std::pair<double, double>>> gpu(3);
    std::string log = "timestamp, index, power.draw [W]\n";
    const int seconds = 3 + static_cast<int>(unit(rng) * 40);
    for (int k = 0; k < seconds; ++k)
      for (int g = 0; g < 3; ++g) {
        const double u = unit(rng);
        if (u < 0.1) continue;  // absent
        const int ms = 1000 * k + g;
        const std::string ts = fmt::format("2023/06/01 {:02}:{:02}:{:02}.{:03}", 10 + k / 3600,
                                           (k / 60) % 60, k % 60, g);
        if (u < 0.2) {
          log += fmt::format("{}, {}, [N/A]\n", ts, g);
          continue;
        }
        const double w = std::round(power(rng) * 100) / 100;
        log += fmt::format("{}, {}, {:.2f} W\n", ts, g, w);
        gpu[static_cast<std::size_t>(g)].emplace_back(ms / 1000.0, w);
      }
    double first = 1e300, last = -1e300;
    for (const auto& s : gpu)
      if (!s.empty()) {
        first = std::min(first, s.front().first);
        last = std::max(last, s.back().first);
      }
    INFO("trial " << trial << "\n" << log);
    if (std::any_of(gpu.begin(), gpu.end(), [](const auto& s) { return s.empty(); }) ||
        !(last > first))
      continue;  // covered by the bad-input cases
    double brute = 0;
    for (auto& s : gpu) {
      for (auto& p : s) p.first -= first;
      brute += trapezoid_between(s, 0, last - first);
    }
    const auto m = read(log, options(MeasuredFormat::nvidia_smi));
    CHECK(m.devices == 3);
    CHECK(std::fabs(m.joules - brute) <= 1e-12 * brute);
    CHECK(std::fabs(profile_joules(m) - brute) <= 1e-12 * brute);
  }
}

TEST_CASE("measured: bad input names the file, the line and the column",
          "[workloads][measured][errors]") {
  struct Case {
    const char* name;
    MeasuredFormat format;
    std::string text;
    std::vector<std::string> expect;
  };
  const auto nv = MeasuredFormat::nvidia_smi;
  const auto cc = MeasuredFormat::codecarbon;
  const auto gen = MeasuredFormat::generic;
  const std::string nv_header = "timestamp, index, power.draw [W]\n";
  const std::string cc_header = kCodeCarbonHeader;
  const Case cases[] = {
      {"unterminated quote", gen, "time,power_w\n0,1\n\"1,2\n", {"bad.csv:3", "quoted field"}},
      {"missing column, listed",
       nv,
       "timestamp, index, utilization.gpu [%]\n2022/03/01 12:00:00, 0, 5\n",
       {"bad.csv:1", "missing column 'power.draw'", "'utilization.gpu [%]'"}},
      {"missing codecarbon column",
       cc,
       "timestamp,run_id,duration\n",
       {"bad.csv:1", "energy_consumed", "'run_id'"}},
      {"missing generic column", gen, "time,volts\n0,1\n", {"bad.csv:1", "power...", "'volts'"}},
      {"not a number",
       gen,
       "time,power_w\n0,1\n1,abc\n",
       {"bad.csv:3", "'power_w'", "not a number"}},
      {"not a number (nvidia)",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, 25x0 W\n",
       {"bad.csv:2", "'power.draw [W]'", "not a number"}},
      {"not a number (nvidia plain)",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, abc\n",
       {"bad.csv:2", "'power.draw [W]'", "not a number"}},
      {"bad GPU index",
       nv,
       nv_header + "2022/03/01 12:00:00, x, 5 W\n",
       {"bad.csv:2", "'index'", "GPU index"}},
      {"negative power",
       gen,
       "time,power_w\n0,100\n1,-5\n",
       {"bad.csv:3", "'power_w'", "negative"}},
      {"negative power (nvidia)",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, -5 W\n",
       {"bad.csv:2", "'power.draw [W]'", "negative"}},
      {"negative energy",
       gen,
       "time,energy_kwh\n0,-1\n1,2\n",
       {"bad.csv:2", "'energy_kwh'", "negative"}},
      {"negative energy (codecarbon)",
       cc,
       cc_header + codecarbon_row("2024-01-01T00:00:10", "A", 10, 0, -1),
       {"bad.csv:2", "'energy_consumed'", "negative"}},
      {"counter reset",
       gen,
       "time,energy_kwh\n0,1\n1,2\n2,0.5\n",
       {"bad.csv:4", "'energy_kwh'", "goes down"}},
      {"codecarbon energy goes down",
       cc,
       cc_header + codecarbon_row("2024-01-01T00:00:10", "A", 10, 0, 2) +
           codecarbon_row("2024-01-01T00:00:20", "A", 20, 0, 1),
       {"bad.csv:3", "'energy_consumed'", "goes down"}},
      {"codecarbon duration goes down",
       cc,
       cc_header + codecarbon_row("2024-01-01T00:00:10", "A", 10, 0, 1) +
           codecarbon_row("2024-01-01T00:00:20", "A", 5, 0, 2),
       {"bad.csv:3", "'duration'", "goes down"}},
      {"backwards",
       gen,
       "time,power_w\n0,100\n5,100\n3,100\n",
       {"bad.csv:4", "'time'", "backwards"}},
      {"repeated time",
       gen,
       "time,power_w\n0,100\n5,100\n5,100\n",
       {"bad.csv:4", "'time'", "repeats"}},
      {"backwards per GPU",
       nv,
       nv_header + "2022/03/01 12:00:01.000, 0, 5 W\n2022/03/01 12:00:02.000, 0, 5 W\n"
                   "2022/03/01 12:00:01.500, 0, 5 W\n",
       {"bad.csv:4", "'timestamp'", "backwards", "line 3"}},
      {"backwards in the file",
       nv,
       nv_header + "2022/03/01 12:00:00.000, 0, 5 W\n2022/03/01 12:00:01.000, 0, 5 W\n"
                   "2022/03/01 12:00:02.000, 0, 5 W\n2022/03/01 12:00:00.000, 1, 5 W\n"
                   "2022/03/01 12:00:01.000, 1, 5 W\n",
       {"bad.csv:5", "'timestamp'", "backwards"}},
      {"backwards (codecarbon)",
       cc,
       cc_header + codecarbon_row("2024-01-01T00:00:20", "A", 10, 0, 1) +
           codecarbon_row("2024-01-01T00:00:10", "A", 20, 0, 2),
       {"bad.csv:3", "'timestamp'", "backwards"}},
      {"bad timestamp",
       gen,
       "time,power_w\n2022-01-01 00:00:00,1\n2022-13-01 00:00:00,1\n",
       {"bad.csv:3", "'time'", "cannot be read"}},
      {"bad timestamp (nvidia)",
       nv,
       nv_header + "yesterday, 0, 5 W\n",
       {"bad.csv:2", "'timestamp'", "cannot be read"}},
      {"bad timestamp (codecarbon)",
       cc,
       cc_header + codecarbon_row("27/05/2024 10:00", "A", 10, 0, 1),
       {"bad.csv:2", "'timestamp'", "cannot be read"}},
      {"bad unit",
       gen,
       "time,power [furlongs]\n0,100\n5,100\n",
       {"bad.csv:1", "'power [furlongs]'", "furlongs", "W, mW, kW, MW"}},
      {"ambiguous unit", gen, "time,power_mw\n0,100\n5,100\n", {"bad.csv:1", "'power_mw'", "mW"}},
      {"energy unit on a power column",
       gen,
       "time,power (kWh)\n0,1\n1,1\n",
       {"bad.csv:1", "'power (kWh)'", "kWh"}},
      {"bad unit (nvidia)",
       nv,
       "timestamp, index, power.draw [V]\n",
       {"bad.csv:1", "'power.draw [V]'", "W, mW"}},
      {"unit suffix disagrees",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, 250 mW\n",
       {"bad.csv:2", "'power.draw [W]'", "'mW'", "disagrees"}},
      {"one sample", gen, "time,power_w\n0,100\n", {"bad.csv:2", "'power_w'", "fewer than 2"}},
      {"one usable sample",
       gen,
       "time,power_w\n0,100\n1,N/A\n",
       {"bad.csv:3", "'power_w'", "fewer than 2"}},
      {"no rows", gen, "time,power_w\n", {"bad.csv:1", "'power_w'", "fewer than 2"}},
      {"one sample (nvidia)",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, 5 W\n",
       {"bad.csv:2", "'power.draw [W]'", "fewer than 2"}},
      {"a GPU without samples",
       nv,
       nv_header + "2022/03/01 12:00:00, 0, 5 W\n2022/03/01 12:00:00.001, 1, [N/A]\n"
                   "2022/03/01 12:00:01, 0, 5 W\n",
       {"bad.csv:3", "'power.draw [W]'", "GPU 1 has no usable sample"}},
      {"no codecarbon rows", cc, cc_header, {"bad.csv:1", "'energy_consumed'", "fewer than 2"}},
      {"zero energy", gen, "time,power_w\n0,0\n5,0\n", {"bad.csv:1", "'power_w'", "zero energy"}},
      {"zero energy (codecarbon)",
       cc,
       cc_header + codecarbon_row("2024-01-01T00:00:10", "A", 10, 0, 0),
       {"bad.csv:1", "'energy_consumed'", "zero energy"}},
      {"short row", gen, "time,power_w\n0\n", {"bad.csv:2", "'power_w'", "1 fields"}},
      {"implausible power",
       gen,
       "time,power [MW]\n0,1e6\n1,1e6\n",
       {"bad.csv:2", "'power [MW]'", "implausible"}},
      {"empty file", gen, "", {"bad.csv", "empty"}},
  };
  for (const auto& c : cases) {
    INFO(c.name << "\n" << c.text);
    const auto msg = parse_error(c.text, options(c.format));
    INFO(msg);
    for (const auto& e : c.expect) CHECK_THAT(msg, Catch::Contains(e));
  }
  // Spans too long for the step are refused before allocating.
  auto o = options(gen);
  o.step = Seconds{1};
  // 61 daily samples at a 1 s step: 5.27 million bins (samples more than a day apart are
  // refused as a gap, see below).
  std::string daily = "time,power_w\n";
  for (int d = 0; d <= 60; ++d)
    daily += fmt::format("{},1\n", format_time(make_time(2020, 1, 1) + d * kDay));
  CHECK_THAT(parse_error(daily, o), Catch::Contains("bad.csv") && Catch::Contains("larger step"));
}

TEST_CASE("measured: bad options are ConfigErrors", "[workloads][measured][errors]") {
  const std::string nv =
      "timestamp, index, power.draw [W]\n2022/03/01 12:00:00, 0, 5 W\n"
      "2022/03/01 12:00:01, 0, 5 W\n";
  auto o = options(MeasuredFormat::nvidia_smi);
  o.gpus = {3};
  CHECK_THAT(config_error(nv, o), Catch::Contains("GPU 3") && Catch::Contains("bad.csv"));
  o = options(MeasuredFormat::nvidia_smi);
  o.timezone = "Mars/Olympus";
  CHECK_THAT(config_error(nv, o), Catch::Contains("Mars/Olympus"));
  o = options(MeasuredFormat::nvidia_smi);
  o.unit = "kWh";
  CHECK_THAT(config_error(nv, o), Catch::Contains("kWh"));
  o = options(MeasuredFormat::nvidia_smi);
  o.component = "gpu";
  CHECK_THAT(config_error(nv, o), Catch::Contains("component"));
  o = options(MeasuredFormat::nvidia_smi);
  o.step = Seconds{0};
  CHECK_THAT(config_error(nv, o), Catch::Contains("step"));
  o = options(MeasuredFormat::codecarbon);
  o.component = "disk";
  CHECK_THAT(config_error(nv, o), Catch::Contains("disk"));
  o = options(MeasuredFormat::generic);
  o.unit = "furlongs";
  CHECK_THAT(config_error("time,power_w\n0,1\n1,1\n", o),
             Catch::Contains("furlongs") && Catch::Contains("kWh"));
  o.unit = "kWh";
  o.power_column = "power_w";
  CHECK_THAT(config_error("time,power_w\n0,1\n1,1\n", o), Catch::Contains("energy unit"));
}

TEST_CASE("measured: time units in a numeric time column are honoured or refused (review)",
          "[workloads][measured]") {
  MeasuredOptions o;
  o.format = MeasuredFormat::generic;
  // 100 W for 2 hours written as hours: 720,000 J, not 200 J.
  const auto m = read_measured_profile("time [hours],power\n0,100\n1,100\n2,100\n", "h.csv", o);
  CHECK(m.joules == Approx(720000));
  CHECK(read_measured_profile("time_hr,power\n0,100\n1,100\n", "h.csv", o).joules ==
        Approx(360000));
  CHECK_THROWS_WITH(read_measured_profile("time [fortnights],power\n0,100\n1,100\n", "f.csv", o),
                    Catch::Contains("f.csv:1") && Catch::Contains("not a duration unit"));
}

TEST_CASE("measured: several GPUs without an index column are refused, not merged (review)",
          "[workloads][measured]") {
  MeasuredOptions o;
  o.format = MeasuredFormat::nvidia_smi;
  std::string log = "timestamp, power.draw [W]\n";
  for (int s = 0; s < 5; ++s)
    log += "2022/03/01 12:00:0" + std::to_string(s) + ".000, 250 W\n2022/03/01 12:00:0" +
           std::to_string(s) + ".002, 250 W\n";
  CHECK_THROWS_WITH(read_measured_profile(log, "noidx.csv", o),
                    Catch::Contains("noidx.csv:1") && Catch::Contains("no index column"));
}

TEST_CASE("measured: samples more than a day apart are refused at the row after the gap",
          "[workloads][measured]") {
  // Two rows 75 years apart made a one-value profile whose energy was a straight line across
  // the gap.
  const auto msg =
      parse_error("timestamp,power [W]\n2020-01-01T00:00:00Z,300\n2095-01-01T00:00:00Z,300\n",
                  options(MeasuredFormat::generic));
  CHECK_THAT(msg, Catch::Contains("bad.csv:3:"));
  CHECK_THAT(msg, Catch::Contains("days after the previous one"));
  CHECK_THAT(msg, Catch::Contains("mistyped date"));
  // A day between samples is still a (slow) log.
  const auto slow =
      read("timestamp,power [W]\n2020-01-01T00:00:00Z,300\n2020-01-02T00:00:00Z,300\n",
           options(MeasuredFormat::generic));
  CHECK(slow.profile.duration() == Seconds{86400});
}
