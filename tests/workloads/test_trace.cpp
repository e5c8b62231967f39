// Job-arrival traces: a trace with every optional column worked out by hand, GAIA's format, the
// unit and origin conversion, every error (file, line and what to do), and the three real GAIA
// traces of $SHIFTSIM_DATA against a separate, naive reading of the same files.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/errors.hpp"
#include "sim/core/sha256.hpp"
#include "tests/support/fixtures.hpp"
#include "workloads/jobs/trace.hpp"

using namespace shiftsim;
using namespace shiftsim::sim::cluster;
using namespace shiftsim::workloads::jobs;
using Catch::Matchers::Contains;

namespace {

constexpr std::int64_t k2020 = 1577836800;  // 2020-01-01T00:00:00Z
constexpr double kWatts = 300;
const std::string kFile = "jobs.csv";

TraceOptions hourly() {
  TraceOptions o;
  o.accelerator_watts = kWatts;
  return o;
}

// The trace must be refused with a ParseError at `line` of jobs.csv whose message holds `words`.
void expect_error(const std::string& text, std::size_t line,
                  std::initializer_list<std::string_view> words,
                  const TraceOptions& options = hourly()) {
  INFO("trace:\n" << text.substr(0, 300));
  bool thrown = false;
  try {
    parse_trace(text, kFile, options);
  } catch (const ParseError& e) {
    thrown = true;
    const std::string message = e.what();
    INFO("message: " << message);
    CHECK(e.file() == kFile);
    CHECK(e.line() == line);
    CHECK_THAT(message, Contains(line == 0 ? kFile + ": " : kFile + ":" + std::to_string(line)));
    for (auto w : words) CHECK_THAT(message, Contains(std::string(w), Catch::CaseSensitive::No));
  }
  CHECK(thrown);
}

std::string gaia(const std::string& rows) { return "arrival_time,length,cpus\n" + rows; }

// Per-accelerator power of a catalog job, W: energy / (hours x gpus), typed from Table 2.
double table2_watts(double kwh, double hours, int gpus) { return kwh * 1000 / (hours * gpus); }

}  // namespace

TEST_CASE("trace: every optional column, worked by hand", "[cluster][trace]") {
  const std::string text =
      "id,arrival_time,length,gpus,deadline,deferrable,interruptible,workload,after\n"
      "a,0,1.5,4,10,true,false,bert-finetune,\n"
      "b,0.5,2,1,,no,YES,,a\n"
      "c,1,0.25,2,3,,,ViT Small,a; b\n";
  TraceOptions o = hourly();
  o.origin = k2020;
  const auto jobs = parse_trace(text, kFile, o);
  REQUIRE(jobs.size() == 3);

  const auto& a = jobs[0];
  CHECK(a.id == "a");
  CHECK(a.line == 2);
  CHECK(a.arrival == k2020);
  CHECK(a.length() == Seconds{5400});
  CHECK(a.accelerators == 4);
  // bert-finetune: 3.1 kWh over 6 h on 4 GPUs = 129.17 W each; 4 of them for 1.5 h.
  CHECK(a.power.energy().value == Approx(table2_watts(3.1, 6, 4) * 4 * 1.5 / 1000));
  CHECK(a.power.mean_power().value == Approx(3.1 / 6 * 1000));
  REQUIRE(a.deadline);
  CHECK(*a.deadline == k2020 + 36000);
  CHECK(a.deferrable);
  CHECK_FALSE(a.interruptible);
  CHECK(a.workload == "bert-finetune");
  CHECK(a.parents.empty());

  const auto& b = jobs[1];
  CHECK(b.arrival == k2020 + 1800);
  CHECK(b.length() == Seconds{7200});
  CHECK(b.power.energy().value == Approx(kWatts * 2 / 1000));  // the option's 300 W, 1 GPU, 2 h
  CHECK_FALSE(b.deadline);                                     // none given, no slack option
  CHECK_FALSE(b.deferrable);
  CHECK(b.interruptible);
  CHECK(b.workload.empty());
  CHECK(b.parents == std::vector<JobId>{0});

  const auto& c = jobs[2];
  CHECK(c.arrival == k2020 + 3600);
  CHECK(c.length() == Seconds{900});
  CHECK(c.workload == "vit-small");  // the catalog's name, whatever the spelling
  CHECK(c.power.energy().value == Approx(table2_watts(2.2, 19, 1) * 2 * 0.25 / 1000));
  CHECK(*c.deadline == k2020 + 3 * 3600);
  CHECK(c.deferrable);           // empty: the default
  CHECK_FALSE(c.interruptible);  // empty: the option's default
  CHECK(c.parents == std::vector<JobId>{0, 1});
  // A deadline before arrival + length is kept: the job will miss it, an outcome.
  CHECK(*c.slack() == Seconds{3 * 3600 - 3600 - 900});
}

TEST_CASE("trace: GAIA's format; identical rows are distinct jobs", "[cluster][trace]") {
  const auto jobs =
      parse_trace(gaia("0.0,0.75,4\n0.0,0.75,4\n0.5769444444444503,25.408055555555556,1570\n"),
                  kFile, hourly());
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].id == "line 2");
  CHECK(jobs[1].id == "line 3");
  CHECK(jobs[0].arrival == jobs[1].arrival);
  CHECK(jobs[0].length() == Seconds{2700});
  CHECK(jobs[2].arrival == 2077);             // 0.57694... h x 3600 = 2077.00000000002 s
  CHECK(jobs[2].length() == Seconds{91469});  // 25.40805... h x 3600 = 91469 s
  CHECK(jobs[2].accelerators == 1570);  // more than a site may have: not the reader's business
  for (const auto& j : jobs) {
    CHECK(j.deferrable);
    CHECK_FALSE(j.interruptible);
    CHECK_FALSE(j.deadline);
    CHECK(j.workload.empty());
    CHECK(j.power.mean_power().value == Approx(kWatts * j.accelerators));
  }
}

TEST_CASE("trace: unit, origin, rounding, slack and loose header names", "[cluster][trace]") {
  TraceOptions o = hourly();
  o.unit = Seconds{1};
  o.origin = 1000;
  o.slack = Seconds{600};
  o.interruptible = true;
  const auto jobs = parse_trace(
      " Arrival Time ,Length,GPUs,Deadline\r\n0,90,1,\r\n\r\n10.4,0.3,2,11\r\n10.6,2.5,1,\r\n",
      kFile, o);
  REQUIRE(jobs.size() == 3);
  CHECK(jobs[0].arrival == 1000);
  CHECK(jobs[0].length() == Seconds{90});
  CHECK(*jobs[0].deadline == 1000 + 90 + 600);  // no deadline: arrival + length + slack
  CHECK(jobs[0].interruptible);                 // the option's default
  CHECK(jobs[1].arrival == 1010);               // 10.4 s rounds to 10
  CHECK(jobs[1].length() == Seconds{1});        // 0.3 s is positive: raised to 1 s
  CHECK(jobs[1].line == 4);                     // the blank line still counts
  CHECK(*jobs[1].deadline == 1011);             // its own deadline, not the slack's
  CHECK(jobs[2].arrival == 1011);
  CHECK(jobs[2].length() == Seconds{3});  // 2.5 rounds away from zero

  o.unit = Seconds{60};
  o.slack.reset();
  const auto minutes = parse_trace("arrival,length,accelerators\n1.5,2,1\n", kFile, o);
  CHECK(minutes[0].arrival == 1090);
  CHECK(minutes[0].length() == Seconds{120});
  CHECK_FALSE(minutes[0].deadline);
}

TEST_CASE("trace: a file on disk; a missing file is an IoError", "[cluster][trace]") {
  test::TempDir dir;
  const auto path = dir.write("t.csv", gaia("0,1,2\n"));
  const auto jobs = read_trace(path, hourly());
  REQUIRE(jobs.size() == 1);
  CHECK(jobs[0].accelerators == 2);
  CHECK_THROWS_AS(read_trace(dir.file("missing.csv"), hourly()), IoError);
}

TEST_CASE("trace: a workload file gives the job its profile, length and accelerators",
          "[cluster][trace]") {
  // 4 accelerators, 2 h at 1 kW then 1 h at 3 kW (whole job): 5 kWh over 3 h, by hand. The
  // file's CPU overhead (25% of IT power: x 4/3) counts; its PUE does not (the site's applies).
  test::TempDir dir;
  const std::string phased =
      "gpu = \"A100\"\ngpus = 4\n"
      "[[profile.phase]]\nduration = \"2h\"\npower = \"1000W\"\n"
      "[[profile.phase]]\nduration = \"1h\"\npower = \"3000W\"\n"
      "[overheads]\npue = 1.5\ncpu = \"25%\"\n";
  dir.write("phased.toml", phased);
  const std::string header = "id,arrival_time,length,gpus,workload\n";
  const auto path = dir.write("t.csv", header +
                                           "a,0,,,phased.toml\n"
                                           "b,1,3,4,phased.toml\n"
                                           "c,2,1,2,bert-finetune\n");
  std::vector<TraceWorkloadFile> files;
  const auto jobs = read_trace(path, hourly(), &files);
  REQUIRE(jobs.size() == 3);
  for (int i : {0, 1}) {
    CHECK(jobs[i].workload == "phased");
    CHECK(jobs[i].accelerators == 4);
    CHECK(jobs[i].length() == Seconds{3 * 3600});
    CHECK(jobs[i].power.energy().value == Approx(5.0 * 4 / 3));
  }
  CHECK(jobs[0].power.watts().front() == Approx(1000.0 * 4 / 3));
  CHECK(jobs[0].power.watts().back() == Approx(3000.0 * 4 / 3));
  REQUIRE(files.size() == 1);  // read once, recorded once
  CHECK(files[0].name == "phased.toml");
  CHECK(files[0].sha256 == sha256_hex(phased));

  // A length 1 s short of the file's (in seconds) is accepted, and the job runs the file's 3 h,
  // its slack deadline counted from that.
  TraceOptions seconds = hourly();
  seconds.unit = Seconds{1};
  seconds.slack = Seconds{0};
  const auto near = read_trace(dir.write("s.csv", header + "a,0,10799,4,phased.toml\n"), seconds);
  CHECK(near[0].length() == Seconds{10800});
  CHECK(near[0].deadline == near[0].arrival + 10800);
  CHECK(jobs[2].workload == "bert-finetune");  // catalog names still win
  CHECK(jobs[2].length() == Seconds{3600});

  auto refused = [&](const std::string& row, std::initializer_list<std::string_view> words) {
    const auto bad = dir.write("bad.csv", header + row);
    try {
      read_trace(bad, hourly());
      FAIL("accepted: " << row);
    } catch (const ParseError& e) {
      const std::string m = e.what();
      INFO(m);
      CHECK(e.line() == 2);
      for (auto w : words) CHECK_THAT(m, Contains(std::string(w)));
    }
  };
  refused("a,0,2,,phased.toml\n", {"bad.csv:2", "length", "3h", "Leave it empty"});
  refused("a,0,,8,phased.toml\n", {"bad.csv:2", "8 accelerators", "has 4"});
  refused("a,0,1,1,nothing.toml\n", {"bad.csv:2", "no workload 'nothing.toml' in the catalog",
                                     "nothing.toml", "bert-finetune"});
  // A broken workload file: an error at the trace's row, with the file's own message.
  dir.write("broken.toml", "gpus = 4\nduration = \"3h\"\nenergy_kwh = 1\nspeed = 3\n");
  refused("a,0,,,broken.toml\n", {"bad.csv:2", "column 'workload'", "broken.toml:4", "speed"});
}

TEST_CASE("trace: empty files, headers and columns", "[cluster][trace][errors]") {
  expect_error("", 0, {"empty", "header"});
  expect_error("\n\n", 0, {"empty"});
  expect_error("0,1,4\n1,1,4\n", 1, {"not a header", "arrival_time,length,cpus"});
  expect_error("arrival_time,length,cpus\n", 1, {"no jobs"});
  expect_error("arrival_time,cpus\n0,1\n", 1, {"no column length", "arrival_time, length"});
  expect_error("length,cpus\n1,1\n", 1, {"no column arrival_time"});
  expect_error("arrival_time,length\n0,1\n", 1, {"no column accelerators, gpus or cpus"});
  expect_error("arrival_time,length,gpus,cpus\n0,1,1,1\n", 1, {"'gpus' and 'cpus'", "keep one"});
  expect_error("arrival_time,arrival,length,cpus\n0,0,1,1\n", 1, {"'arrival_time' and 'arrival'"});
  expect_error(
      "arrival_time,length,cpus,lenght\n0,1,1,1\n", 1,
      {"unknown column 'lenght'", "known columns", "arrival_time", "interruptible", "after"});
  expect_error(gaia("0,1,1\n0,1\n"), 3, {"2 fields", "header has 3"});
}

TEST_CASE("trace: numbers", "[cluster][trace][errors]") {
  expect_error(gaia("0,abc,1\n"), 2, {"column 'length'", "\"abc\" is not a number", "1h"});
  expect_error(gaia("0,,1\n"), 2, {"column 'length'", "missing"});
  expect_error(gaia("nan,1,1\n"), 2, {"column 'arrival_time'", "not a finite number"});
  expect_error(gaia("0,inf,1\n"), 2, {"column 'length'", "not a finite number"});
  expect_error(gaia("-1,1,1\n"), 2, {"column 'arrival_time'", "arrival -1 is negative"});
  expect_error(gaia("0,0,1\n"), 2, {"column 'length'", "length 0 is not positive"});
  expect_error(gaia("0,-2,1\n"), 2, {"length -2 is not positive"});
  for (const char* n : {"2.5", "0", "-1", "1000001"})
    expect_error(gaia(std::string("0,1,") + n + "\n"), 2,
                 {"column 'cpus'", "is not a whole number from 1 to 1,000,000"});
  expect_error(gaia("0,1,x\n"), 2, {"column 'cpus'", "\"x\" is not a number"});
  expect_error(gaia("1e9,1,1\n"), 2, {"column 'arrival_time'", "more than", "after the trace's 0"});
  expect_error(gaia("0,1e9,1\n"), 2, {"column 'length'", "more than"});
}

TEST_CASE("trace: order, ids, deadlines, booleans, workloads", "[cluster][trace][errors]") {
  expect_error(gaia("0,1,1\n4,1,1\n3.2,1,1\n"), 4,
               {"arrival 3.2 at line 4 is before 4 at line 3", "sort the trace by arrival_time"});
  expect_error("id,arrival,length,cpus\na,0,1,1\nb,0,1,1\na,1,1,1\n", 4,
               {"column 'id'", "id 'a' at line 4 is already the id of line 2", "own id"});
  expect_error("arrival,length,cpus,deadline\n5,1,1,4\n", 2,
               {"column 'deadline'", "deadline 4 is before the arrival 5", "not a slack"});
  expect_error("arrival,length,cpus,deferrable\n0,1,1,maybe\n", 2,
               {"column 'deferrable'", "\"maybe\" is not true or false", "yes, no"});
  expect_error("arrival,length,cpus,interruptible\n0,1,1,2\n", 2, {"column 'interruptible'"});
  expect_error("arrival,length,cpus,workload\n0,1,1,gpt-5\n", 2,
               {"column 'workload'", "no workload 'gpt-5'", "bert-finetune", "vit-huge"});
}

TEST_CASE("trace: dependencies must name earlier jobs", "[cluster][trace][errors]") {
  const std::string header = "id,arrival,length,cpus,after\n";
  expect_error(header + "a,0,1,1,\nb,0,1,1,zz\n", 3,
               {"column 'after'", "job 'b' waits for 'zz', which is not in the trace"});
  expect_error(
      header + "a,0,1,1,\nb,0,1,1,c\nc,0,1,1,\n", 3,
      {"job 'b' waits for 'c', which is at line 4, after it", "below the jobs it waits for"});
  expect_error(header + "a,0,1,1,a\n", 2, {"job 'a' waits for itself"});
  // Without an id column, jobs are called "line N", and can be named so.
  const auto jobs =
      parse_trace("arrival,length,cpus,after\n0,1,1,\n0,1,1,line 2;line 2\n", kFile, hourly());
  CHECK(jobs[1].parents == std::vector<JobId>{0});
}

TEST_CASE("trace: options", "[cluster][trace][errors]") {
  TraceOptions none;  // no power per accelerator
  CHECK_THROWS_WITH(parse_trace(gaia("0,1,1\n"), kFile, none),
                    Contains("jobs.csv:2") && Contains("power per accelerator"));
  // Jobs with a workload need no such power.
  CHECK(parse_trace("arrival,length,cpus,workload\n0,1,1,vit-base\n", kFile, none).size() == 1);
  TraceOptions bad = hourly();
  bad.unit = Seconds{0};
  CHECK_THROWS_AS(parse_trace(gaia("0,1,1\n"), kFile, bad), ConfigError);
  bad = hourly();
  bad.slack = Seconds{-1};
  CHECK_THROWS_AS(parse_trace(gaia("0,1,1\n"), kFile, bad), ConfigError);
  bad = hourly();
  bad.accelerator_watts = std::nan("");
  CHECK_THROWS_AS(parse_trace(gaia("0,1,1\n"), kFile, bad), ConfigError);
}

TEST_CASE("trace: more than 10 million rows are refused before the jobs are built",
          "[cluster][trace][errors]") {
  std::string text = "arrival_time,length,cpus\n";
  const std::string row = "0,1,1\n";
  text.reserve(text.size() + row.size() * (kMaxTraceRows + 1));
  for (std::size_t i = 0; i <= kMaxTraceRows; ++i) text += row;
  expect_error(text, kMaxTraceRows + 2, {"more than 10,000,000 jobs", "split the trace"});
}

TEST_CASE("trace: the catalog's mean accelerator power", "[cluster][trace]") {
  // Table 2: 14,192.39 kWh over 50,748 GPU-hours.
  CHECK(catalog_accelerator_watts() == Approx(14192.39 / 50748 * 1000));
  CHECK(catalog_accelerator_watts() == Approx(279.66).margin(0.01));
}

TEST_CASE("trace: the real GAIA traces", "[cluster][trace][data]") {
  const char* data = std::getenv("SHIFTSIM_DATA");
  if (data == nullptr || *data == '\0') {
    WARN(
        "SHIFTSIM_DATA is not set: skipping the real GAIA traces; set it to the folder of real "
        "data (the project's ../shared/data)");
    return;
  }
  struct Expected {
    const char* file;
    std::size_t rows;
  };
  for (const auto& [name, rows] :
       {Expected{"pai-100k.csv", 99'998}, Expected{"azure-100k.csv", 99'988},
        Expected{"mustang-trace-2015-100k.csv", 100'000}}) {
    const auto path = std::filesystem::path(data) / "gaia-cluster-traces" / name;
    INFO(path.string());
    REQUIRE(std::filesystem::exists(path));

    // The naive reading: split each line at its commas.
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    REQUIRE(line == "arrival_time,length,cpus");
    std::size_t count = 0;
    std::size_t repeats = 0;  // rows equal to the row just before
    std::set<std::string> seen;
    std::size_t duplicates = 0;  // rows equal to any earlier row
    std::int64_t length_sum = 0;
    std::int64_t cpu_sum = 0;
    std::string previous;
    while (std::getline(in, line)) {
      const auto c1 = line.find(',');
      const auto c2 = line.find(',', c1 + 1);
      const double hours = std::stod(line.substr(c1 + 1, c2 - c1 - 1));
      length_sum += std::max<std::int64_t>(1, std::llround(hours * 3600));
      cpu_sum += std::stoll(line.substr(c2 + 1));
      repeats += line == previous ? 1 : 0;
      duplicates += seen.insert(line).second ? 0 : 1;
      previous = line;
      ++count;
    }
    CHECK(count == rows);

    TraceOptions o;
    o.origin = k2020;
    o.accelerator_watts = catalog_accelerator_watts();
    const auto jobs = read_trace(path, o);
    CHECK(jobs.size() == rows);
    std::int64_t lengths = 0;
    std::int64_t cpus = 0;
    std::set<std::string> ids;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      lengths += jobs[i].length().count();
      cpus += jobs[i].accelerators;
      ids.insert(jobs[i].id);
      if (i > 0) REQUIRE(jobs[i].arrival >= jobs[i - 1].arrival);
    }
    CHECK(lengths == length_sum);
    CHECK(cpus == cpu_sum);
    CHECK(ids.size() == rows);  // repeated rows are distinct jobs
    CHECK(jobs.front().arrival == k2020);
    CHECK(jobs.back().arrival < k2020 + 366 * 86400);
    if (std::string_view(name) == "pai-100k.csv") {
      CHECK(duplicates == 1870);
      CHECK(repeats == 1832);
    }
  }
}
