// Workload files (TOML): uniform jobs, catalog bases, phases worked out by hand, overheads
// (Table 1 of the paper), embodied emissions (the SCI specification's example), and bad input.
#include <catch2/catch.hpp>

#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"
#include "workloads/workload_file.hpp"

using namespace shiftsim;
using namespace shiftsim::workloads;

namespace {

Workload parse(const std::string& text) { return parse_workload_file(text, "job.toml", "."); }

// Runs `text` and returns the ParseError's message; fails the test if nothing is thrown.
std::string parse_error(const std::string& text, std::size_t* line = nullptr) {
  try {
    (void)parse(text);
  } catch (const ParseError& e) {
    if (line) *line = e.line();
    return e.what();
  }
  FAIL("expected a ParseError for:\n" << text);
  return {};
}

}  // namespace

TEST_CASE("workload file: a uniform job from duration and energy or power", "[workloads][file]") {
  auto w =
      parse("name = \"probe\"\ngpu = \"A100\"\ngpus = 2\nduration = \"90min\"\nenergy_kwh = 1.5\n");
  CHECK(w.name == "probe");
  CHECK(w.accelerators == 2);
  CHECK(w.duration().count() == 5400);
  CHECK(w.accelerator_energy().value == Approx(1.5));
  CHECK(w.profile.mean_power().value == Approx(1000));
  auto p = parse("duration = \"2h\"\npower = \"350 W\"\n");
  CHECK(p.name == "job");  // the file's stem
  CHECK(p.accelerator_energy().value == Approx(0.7));
}

TEST_CASE("workload file: a catalog base gives the defaults, the file overrides",
          "[workloads][file]") {
  auto w = parse("base = \"bert-finetune\"\nname = \"bert-ft-a100\"\ngpu = \"A100\"\n");
  CHECK(w.label == "BERT finetune");
  CHECK(w.accelerator == "A100");
  CHECK(w.accelerators == 4);
  CHECK(w.duration().count() == 6 * 3600);
  CHECK(w.accelerator_energy().value == Approx(3.1));
  CHECK_FALSE(w.alternatives.empty());
  auto longer = parse("base = \"bert-finetune\"\nduration = \"8h\"\n");
  CHECK(longer.accelerator_energy().value == Approx(3.1));  // energy kept, spread wider
}

TEST_CASE("workload file: phases, worked out by hand", "[workloads][file][phases]") {
  // 2 h, 1 kWh. Warm-up 10 min at 50 % of the steady level L; training fills the rest but the
  // final 10 min, with a 5-min evaluation at 20 % every 30 min (at 40, 70, 100 min); the final
  // evaluation draws an absolute 150 W.
  //   final: 600 s x 150 W = 90,000 J
  //   training: 6000 s, of which 3 x 300 s at 0.2 L and 5100 s at L
  //   L-seconds: 600 x 0.5 + 900 x 0.2 + 5100 = 5580
  //   L = (3,600,000 - 90,000) / 5580 = 629.0322580645... W
  // Boundaries 0, 600, 2400, 2700, 4200, 4500, 6000, 6300, 6600, 7200: default step 300 s.
  auto w = parse(R"(
duration = "2h"
energy_kwh = 1.0
[profile]
[[profile.phase]]
name = "warm-up"
duration = "10min"
power = "50%"
[[profile.phase]]
name = "training"
power = "100%"
  [[profile.phase.periodic]]
  name = "evaluation"
  every = "30min"
  duration = "5min"
  power = "20%"
[[profile.phase]]
name = "final evaluation"
duration = "10min"
power = "150 W"
)");
  const double L = 3510000.0 / 5580.0;
  CHECK(w.kind == ProfileKind::phases);
  CHECK(w.profile.step().count() == 300);
  REQUIRE(w.profile.size() == 24);
  CHECK(w.accelerator_energy().value == Approx(1.0).epsilon(1e-12));
  CHECK(w.profile.watts()[0] == Approx(0.5 * L));
  CHECK(w.profile.watts()[1] == Approx(0.5 * L));
  CHECK(w.profile.watts()[2] == Approx(L));
  CHECK(w.profile.watts()[8] == Approx(0.2 * L));   // 2400-2700 s
  CHECK(w.profile.watts()[14] == Approx(0.2 * L));  // 4200-4500 s
  CHECK(w.profile.watts()[20] == Approx(0.2 * L));  // 6000-6300 s
  CHECK(w.profile.watts()[21] == Approx(L));
  CHECK(w.profile.watts()[22] == Approx(150));
  CHECK(w.profile.watts()[23] == Approx(150));
}

TEST_CASE("workload file: phases on a catalog job keep Table 2's energy",
          "[workloads][file][phases]") {
  auto w = parse(R"(
base = "vit-base"
[profile]
step = "1h"
[[profile.phase]]
duration = "30min"
power = "40%"
[[profile.phase]]
power = "100%"
  [[profile.phase.periodic]]
  every = "2h"
  duration = "1min"
  power = "130%"
)");
  CHECK(w.duration().count() == 21 * 3600);
  CHECK(w.accelerator_energy().value == Approx(4.7).epsilon(1e-12));
  CHECK(w.profile.step().count() == 3600);
  CHECK(w.profile.watts()[0] < w.profile.watts()[1]);  // the warm-up hour is lighter
}

TEST_CASE("workload file: overheads reproduce Table 1's split", "[workloads][file][overheads]") {
  // Table 1: GPU 187.1 W is 74 % of the server's 251.6 W; CPU 13 %, DRAM 13 %.
  auto w = parse(
      "duration = \"12h\"\npower = \"187.1 W\"\n[overheads]\ncpu = \"13%\"\ndram = \"13%\"\n");
  CHECK(w.facility_profile().mean_power().value == Approx(187.1 / 0.74));
  CHECK(w.accelerator_energy().value == Approx(187.1 * 12 / 1000));
  auto pue =
      parse("duration = \"1h\"\npower = \"200 W\"\n[overheads]\npue = 1.5\ncpu = \"40 W\"\n");
  CHECK(pue.energy().value == Approx(1.5 * 240 / 1000));
  CHECK_THAT(pue.overheads.describe(), Catch::Contains("PUE 1.5") && Catch::Contains("40 W"));
}

TEST_CASE("workload file: embodied emissions follow the SCI specification",
          "[workloads][file][embodied]") {
  // SCI spec example: 1000 kg over 4 years, reserved 1 h, the whole device: about 28.5 g.
  auto w = parse(
      "duration = \"1h\"\npower = \"300 W\"\n[embodied]\ntotal_kg = 1000\nlifespan_years = 4\n");
  CHECK(w.embodied_for(Seconds{3600}).value == Approx(1e6 * 3600 / (4 * 365.25 * 86400)));
  CHECK(w.embodied_for(Seconds{3600}).value == Approx(28.5).margin(0.1));
  auto half = parse(
      "duration = \"1h\"\npower = \"300 W\"\n[embodied]\ntotal_g = 1e6\nlifespan_years = 4\nshare "
      "= \"50%\"\n");
  CHECK(half.embodied_for(Seconds{3600}).value == Approx(w.embodied_for(Seconds{3600}).value / 2));
  CHECK(parse("duration = \"1h\"\npower = \"1 W\"\n").embodied_for(Seconds{3600}).value == 0);
}

TEST_CASE("workload file: bad input names the file, the line and the key",
          "[workloads][file][errors]") {
  std::size_t line = 0;
  CHECK_THAT(parse_error("duration = \"1h\"\npower = \"1 W\"\ncolour = \"red\"\n", &line),
             Catch::Contains("job.toml:3") && Catch::Contains("unknown key 'colour'"));
  CHECK_THAT(parse_error("duration = \"1h\"\n"),
             Catch::Contains("energy_kwh") && Catch::Contains("missing"));
  CHECK_THAT(parse_error("energy_kwh = 1\n"), Catch::Contains("duration"));
  // Found by fuzzing: an empty name was accepted, and labelled the cube's workload axis "".
  CHECK_THAT(parse_error("name = \"\"\nduration = \"5h\"\nenergy_kwh = 2.6\n", &line),
             Catch::Contains("'name'") && Catch::Contains("is empty"));
  CHECK(line == 1);
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = -2\n", &line),
             Catch::Contains("positive"));
  CHECK(line == 2);
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\npower = \"5 W\"\n"),
             Catch::Contains("both"));
  CHECK_THAT(parse_error("duration = \"soon\"\nenergy_kwh = 1\n"), Catch::Contains("'duration'"));
  CHECK_THAT(parse_error("duration = \"1h\"\npower = \"-3 W\"\n"), Catch::Contains("power"));
  CHECK_THAT(parse_error("duration = \"1h\"\npower = \"3 furlongs\"\n"),
             Catch::Contains("not a power"));
  CHECK_THAT(parse_error("duration = \"1h\"\npower = \"50%\"\n"),
             Catch::Contains("share is not allowed"));
  CHECK_THAT(parse_error("base = \"gpt-5\"\n"),
             Catch::Contains("no catalog job 'gpt-5'") && Catch::Contains("vit-huge"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = [1]\n"),
             Catch::Contains("expected a number"));
  CHECK_THAT(parse_error(
                 "duration = \"1h\"\nenergy_kwh = 1\n[overheads]\ncpu = \"60%\"\ndram = \"50%\"\n"),
             Catch::Contains("leaving none"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\n[overheads]\npue = 0.9\n"),
             Catch::Contains("below 1"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\n[embodied]\ntotal_kg = 10\n"),
             Catch::Contains("lifespan_years"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\n[embodied]\ntotal_kg = "
                         "10\nlifespan_years = 4\nshare = 2\n"),
             Catch::Contains("not in (0, 1]"));
  CHECK_THAT(
      parse_error(
          "duration = \"1h\"\nenergy_kwh = 1\n[profile]\n[[profile.phase]]\npower = \"50%\"\n"
          "[[profile.phase]]\npower = \"100%\"\n",
          &line),
      Catch::Contains("both leave out their duration"));
  CHECK(line == 6);
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = "
                         "1\n[profile]\n[[profile.phase]]\nduration = \"2h\"\npower = \"100%\"\n"),
             Catch::Contains("add up to 2h") && Catch::Contains("lasts 1h"));
  CHECK_THAT(parse_error("duration = \"1h\"\n[profile]\n[[profile.phase]]\npower = \"100%\"\n"),
             Catch::Contains("nothing says of what"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = "
                         "0.001\n[profile]\n[[profile.phase]]\nduration = \"30min\"\n"
                         "power = \"5 kW\"\n[[profile.phase]]\npower = \"100%\"\n"),
             Catch::Contains("absolute phases alone use 2.5 kWh"));
  CHECK_THAT(
      parse_error(
          "duration = \"1h\"\nenergy_kwh = 1\n[profile]\n[[profile.phase]]\npower = \"100%\"\n"
          "  [[profile.phase.periodic]]\n  every = \"10min\"\n  duration = \"10min\"\n  power = "
          "\"0%\"\n"),
      Catch::Contains("never lets the phase run"));
  CHECK_THAT(
      parse_error(
          "duration = \"1h\"\nenergy_kwh = 1\n[profile]\n[[profile.phase]]\npower = \"0%\"\n"),
      Catch::Contains("zero energy"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\n[profile]\nfile = \"nowhere.csv\"\n"),
             Catch::Contains("'duration'") && Catch::Contains("measured profile fixes"));
  CHECK_THAT(parse_error("duration = 1h\n"),
             Catch::Contains("TOML syntax") && Catch::Contains("job.toml:1"));
}

TEST_CASE("load_workload: a catalog name, else a file relative to the base folder",
          "[workloads][file]") {
  shiftsim::test::TempDir dir;
  dir.write("mine.toml", "duration = \"1h\"\npower = \"100 W\"\n");
  CHECK(load_workload("vit-tiny").label == "ViT Tiny");
  CHECK(load_workload("mine.toml", dir.path()).name == "mine");
  CHECK_THROWS_WITH(load_workload("nothing-here", dir.path()),
                    Catch::Contains("neither a catalog workload nor a workload file"));
}

TEST_CASE("workload file: a measured profile next to the file fixes duration and energy",
          "[workloads][file][measured]") {
  shiftsim::test::TempDir dir;
  // A cumulative counter: 0.1 kWh in the first 30 min, 0.3 kWh in the next 30 min.
  dir.write("log.csv", "time_s,energy_kwh\n0,0\n1800,0.1\n3600,0.4\n");
  dir.write("job.toml",
            "base = \"bert-finetune\"\n[profile]\nfile = \"log.csv\"\nformat = \"generic\"\n"
            "step = \"15min\"\n[overheads]\npue = 1.25\n");
  const Workload w = read_workload_file(dir.path() / "job.toml");
  CHECK(w.kind == ProfileKind::measured);
  CHECK(w.label == "BERT finetune");
  CHECK(w.duration().count() == 3600);
  REQUIRE(w.profile.size() == 4);
  CHECK(w.profile.watts()[0] == Approx(200));  // 0.1 kWh over 1800 s
  CHECK(w.profile.watts()[3] == Approx(600));
  CHECK(w.accelerator_energy().value == Approx(0.4));
  CHECK(w.energy().value == Approx(0.5));
  bool replaced_note = false;
  for (const auto& n : w.notes)
    replaced_note = replaced_note || n.find("replaces the catalog") != std::string::npos;
  CHECK(replaced_note);
  dir.write("typo.toml", "[profile]\nfile = \"log.csv\"\nformat = \"nvidia-smy\"\n");
  CHECK_THROWS_WITH(read_workload_file(dir.path() / "typo.toml"),
                    Catch::Contains("typo.toml:3") && Catch::Contains("nvidia-smy"));
  dir.write("opt.toml", "[profile]\nfile = \"log.csv\"\ncolour = \"red\"\n");
  CHECK_THROWS_WITH(read_workload_file(dir.path() / "opt.toml"),
                    Catch::Contains("unknown key 'colour'"));
  dir.write("gone.toml", "[profile]\nfile = \"nowhere.csv\"\n");
  CHECK_THROWS_WITH(read_workload_file(dir.path() / "gone.toml"),
                    Catch::Contains("gone.toml:2") && Catch::Contains("nowhere.csv"));
}

TEST_CASE("workload file: the examples load", "[workloads][file]") {
  const Workload w = read_workload_file(std::string(SHIFTSIM_SOURCE_DIR) +
                                        "/workloads/examples/vit_base_phased.toml");
  CHECK(w.kind == ProfileKind::phases);
  CHECK(w.accelerator_energy().value == Approx(4.7).epsilon(1e-12));
  CHECK(w.duration().count() == 21 * 3600);
}

TEST_CASE("workload file: limits refuse typos before they exhaust memory or overflow (review)",
          "[workloads][file][errors]") {
  // A duration past 200 years would overflow sums of seconds.
  CHECK_THAT(parse_error("duration = \"106751991167300d\"\nenergy_kwh = 1\n"),
             Catch::Contains("longer than 200 years"));
  // A 1-second boundary over a century would need billions of values.
  CHECK_THAT(
      parse_error(
          "energy_kwh = 1\n[profile]\n[[profile.phase]]\nduration = \"1s\"\npower = \"50%\"\n"
          "[[profile.phase]]\nduration = \"36500d\"\npower = \"100%\"\n"),
      Catch::Contains("more than 5000000") && Catch::Contains("coarser step"));
  CHECK_THAT(parse_error("duration = \"3650d\"\nenergy_kwh = 1\n[profile]\nstep = "
                         "\"1d\"\n[[profile.phase]]\npower = \"100%\"\n"
                         "  [[profile.phase.periodic]]\n  every = \"2s\"\n  duration = \"1s\"\n  "
                         "power = \"10%\"\n"),
             Catch::Contains("repeats its events"));
  CHECK_THAT(parse_error("gpus = 4294967297\nduration = \"1h\"\nenergy_kwh = 1\n"),
             Catch::Contains("from 1 to"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1e308\n"),
             Catch::Contains("implausible"));
  CHECK_THAT(parse_error("duration = \"1h\"\nenergy_kwh = 1\n[overheads]\npue = 1e308\n"),
             Catch::Contains("implausible"));
  CHECK_THAT(
      parse_error(
          "duration = \"1h\"\nenergy_kwh = 1\n[embodied]\ntotal_kg = 1\nlifespan_years = 1e20\n"),
      Catch::Contains("not a lifespan"));
  CHECK_THAT(
      parse_error(
          "duration = \"1h\"\nenergy_kwh = 1\n[embodied]\ntotal_kg = 1\nlifespan_years = 1e-10\n"),
      Catch::Contains("less than a second"));
  std::size_t line = 0;
  CHECK_THAT(
      parse_error("duration = \"1h\"\nenergy_kwh = 1\n[overheads]\ncpu = \"10%\"\ndram = \"95%\"\n",
                  &line),
      Catch::Contains("'dram'"));
  CHECK(line == 5);
  CHECK_THAT(
      parse_error(
          "power = \"100 W\"\n[profile]\n[[profile.phase]]\nduration = \"1h\"\npower = \"50%\"\n"),
      Catch::Contains("needs the job's duration"));
  CHECK_THROWS_WITH(PowerProfile::uniform(kwh(1), Seconds{200LL * 366 * 86400}).at_step(Seconds{1}),
                    Catch::Contains("more than 20000000 steps"));
}

TEST_CASE("workload file: a periodic event may start with its phase (first = \"0s\")",
          "[workloads][file][phases]") {
  auto w = parse(
      "duration = \"1h\"\nenergy_kwh = 1\n[profile]\n[[profile.phase]]\npower = \"100%\"\n"
      "  [[profile.phase.periodic]]\n  every = \"30min\"\n  first = \"0s\"\n  duration = "
      "\"10min\"\n  power = \"50%\"\n");
  REQUIRE(w.profile.step().count() == 600);
  CHECK(w.profile.watts()[0] == Approx(w.profile.watts()[1] / 2));  // an event at 0 and at 30 min
  CHECK(w.profile.watts()[3] == Approx(w.profile.watts()[1] / 2));
  CHECK(w.accelerator_energy().value == Approx(1));
}

TEST_CASE("workload file: a CodeCarbon log gives GPU energy unless told otherwise",
          "[workloads][file][measured]") {
  shiftsim::test::TempDir dir;
  dir.write("emissions.csv",
            "timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,"
            "ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name\n"
            "2024-05-27T12:00:00,p,r1,3600,0.1,0.0,40,250,10,0.04,0.25,0.01,0.30,France\n");
  dir.write("gpu.toml", "[profile]\nfile = \"emissions.csv\"\n");
  CHECK(read_workload_file(dir.path() / "gpu.toml").accelerator_energy().value == Approx(0.25));
  dir.write(
      "total.toml",
      "[profile]\nfile = \"emissions.csv\"\ncomponent = \"total\"\n[overheads]\ncpu = \"10%\"\n");
  CHECK_THROWS_WITH(
      read_workload_file(dir.path() / "total.toml"),
      Catch::Contains("total.toml:4") && Catch::Contains("already in CodeCarbon's total"));
}
