// Experiment files: the paper sweep, policy expansion and labels, region and workload resolution,
// relative paths, the start axis (every, the paper scheme), the example files, and a ParseError
// with file, line and key for each of many mistakes.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "experiments/experiment.hpp"
#include "grids/regions.hpp"
#include "sim/core/errors.hpp"
#include "tests/support/fixtures.hpp"
#include "workloads/catalog.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;
using Catch::Matchers::Contains;

namespace {

const char* const kFile = "exp.toml";

Experiment parse(const std::string& text, const std::filesystem::path& base = "base") {
  return parse_experiment(text, kFile, base);
}

// Five lines each (the policy part two), so that lines in the error cases can be counted.
const std::string kGrids =
    "[grids]\nstore = \"g.h5\"\nregions = [\"all\"]\nyears = [2020]\nstep = \"5min\"\n";  // 1-5
const std::string kWorkloads = "[workloads]\nnames = [\"all\"]\n";                        // 6-7
const std::string kStarts = "[starts]\nevery = \"1h\"\n";                                 // 8-9
const std::string kPolicy = "[[policy]]\nkind = \"baseline\"\n";                          // 10-11
const std::string kOutput = "[output]\npath = \"out.h5\"\n";                              // 12-13
const std::string kHead = kGrids + kWorkloads + kStarts;                                  // 1-9
const std::string kValid = kHead + kPolicy + kOutput;

const std::string kPaper = R"([grids]
store = "grids.h5"
regions = ["all"]
years = [2020]
step = "5min"

[workloads]
names = ["all"]

[starts]
every = "1h"                 # or: scheme = "paper", seed = 1

[[policy]]
kind = "baseline"

[[policy]]
kind = "flexible-start"
windows = ["6h", "12h", "18h", "24h", "25%", "50%", "75%", "100%"]

[[policy]]
kind = "pause-resume"
windows = ["6h", "12h", "18h", "24h", "25%", "50%", "75%", "100%"]

[output]
path = "results/dodge2022.h5"
)";

std::vector<std::string> labels(const Experiment& e) {
  std::vector<std::string> out;
  for (const auto& p : e.policies) out.push_back(p.label);
  return out;
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// Parses `text`, which must fail at `line` with a message naming the file, the line and `key`.
void expect_error(const std::string& text, std::size_t line, const std::string& key) {
  INFO("input:\n" << text);
  try {
    (void)parse(text);
  } catch (const ParseError& e) {
    INFO("message: " << e.what());
    CHECK(e.file() == kFile);
    CHECK(e.line() == line);
    const std::string where = line == 0 ? std::string(kFile) + ":"
                                        : std::string(kFile) + ":" + std::to_string(line) + ":";
    CHECK_THAT(e.what(), Contains(where));
    CHECK_THAT(e.what(), Contains(key));
    return;
  }
  FAIL("expected a ParseError");
}

}  // namespace

TEST_CASE("experiment: the paper sweep parses", "[experiments][experiment]") {
  const auto e = parse(kPaper, "/data/sweeps");
  CHECK(e.file == kFile);
  CHECK(e.text == kPaper);
  CHECK(e.store == std::filesystem::path("/data/sweeps/grids.h5"));
  CHECK(e.output == std::filesystem::path("/data/sweeps/results/dodge2022.h5"));
  REQUIRE(e.regions.size() == 16);
  const auto paper = grids::paper_regions();
  for (std::size_t i = 0; i < paper.size(); ++i) CHECK(e.regions[i] == paper[i].label);
  CHECK(e.regions.front() == "East US");
  CHECK(e.years == std::vector<int>{2020});
  CHECK(e.step == Seconds{300});
  CHECK_FALSE(e.signal);
  CHECK_FALSE(e.basis);
  REQUIRE(e.workloads.size() == 11);
  const auto& catalog = workloads::builtin_catalog().entries();
  for (std::size_t i = 0; i < catalog.size(); ++i) CHECK(e.workloads[i] == catalog[i].name);
  CHECK(e.starts.kind == StartScheme::Kind::every);
  CHECK(e.starts.every == Seconds{3600});
  CHECK(e.forecasts == std::vector<std::string>{"perfect"});
  CHECK(e.seeds == std::vector<std::uint64_t>{1});

  const std::vector<std::string> windows{"6h", "12h", "18h", "24h", "25%", "50%", "75%", "100%"};
  std::vector<std::string> expected{"baseline"};
  for (const auto* kind : {"flexible-start", "pause-resume"})
    for (const auto& w : windows) expected.push_back(std::string(kind) + "/" + w);
  CHECK(labels(e) == expected);
  REQUIRE(e.policies.size() == 17);
  CHECK(e.policies[0].policy.kind == sim::PolicyKind::baseline);
  CHECK(e.policies[1].policy.kind == sim::PolicyKind::flexible_start);
  CHECK(e.policies[1].policy.window.absolute == Seconds{6 * 3600});
  CHECK(e.policies[16].policy.kind == sim::PolicyKind::pause_resume);
  CHECK(e.policies[16].policy.window.relative);
  CHECK(e.policies[16].policy.window.percent == 100);
  for (const auto& p : e.policies) CHECK(p.policy.costs.is_free());
}

TEST_CASE("experiment: policies expand thresholds outside windows, with labels and costs",
          "[experiments][experiment]") {
  const auto e = parse(kHead + R"(
[[policy]]
kind = "threshold"
thresholds = [300, 450.5]
windows = ["6h", "24h"]

[[policy]]
kind = "pause-resume"
windows = ["24h"]
checkpoint_time = "10min"
checkpoint_energy_kwh = 0.2
min_run = "1h"

[[policy]]
kind = "pause-resume"
windows = ["24h"]
checkpoint_time = "0s"
min_run = "30min"
label = "pr-costly"

[[policy]]
kind = "Pause-Resume"
windows = ["24h"]

[[policy]]
kind = "baseline"
label = "now"
)" + kOutput);
  CHECK(labels(e) == std::vector<std::string>{"threshold/300/6h", "threshold/300/24h",
                                              "threshold/450.5/6h", "threshold/450.5/24h",
                                              "pause-resume+pause-costs/24h", "pr-costly/24h",
                                              "pause-resume/24h", "now"});
  CHECK(e.policies[0].policy.threshold == 300);
  CHECK(e.policies[3].policy.threshold == 450.5);
  CHECK(e.policies[3].policy.window.absolute == Seconds{24 * 3600});
  const auto& costs = e.policies[4].policy.costs;
  CHECK(costs.checkpoint_time == Seconds{600});
  CHECK(costs.checkpoint_energy.value == Approx(0.2));
  CHECK(costs.min_run == Seconds{3600});
  CHECK(e.policies[5].policy.costs.min_run == Seconds{1800});
  CHECK(e.policies[6].policy.costs.is_free());
  CHECK(e.policies[7].policy.kind == sim::PolicyKind::baseline);
}

TEST_CASE("experiment: regions, workloads, years, grid series and forecasts",
          "[experiments][experiment]") {
  test::TempDir dir;
  dir.write("mine.toml", "duration = \"2h\"\nenergy_kwh = 1.0\n");
  auto text = kValid;
  text = replace(text, "regions = [\"all\"]",
                 "regions = [\"westus2\", \"FR\", \"US-NY-NYIS\", \"Germany\"]");
  // Years out of order are refused (a typo would otherwise be sorted away), in order accepted.
  CHECK_THROWS_WITH(parse(replace(text, "years = [2020]", "years = [2022, 2020]"), dir.path()),
                    Catch::Contains("year 2020 comes after 2022"));
  text = replace(text, "years = [2020]", "years = [2020, 2022]");
  text = replace(text, "step = \"5min\"\n",
                 "step = \"15min\"\nsignal = \"marginal\"\nbasis = \"lca\"\n");
  text = replace(text, "names = [\"all\"]",
                 "names = [\"ViT Tiny\", \"mine.toml\", \"bert-finetune\"]");
  text +=
      "[forecasts]\nmodels = [\"perfect\", \"gaussian:10%\", \"persistence\"]\nseeds = [3, 0, 7]\n";
  const auto e = parse(text, dir.path());
  CHECK(e.regions == std::vector<std::string>{"West US2", "France", "US-NY-NYIS", "Germany"});
  CHECK(e.years == std::vector<int>{2020, 2022});
  CHECK(e.step == Seconds{900});
  CHECK(e.signal == Signal::marginal);
  CHECK(e.basis == Basis::lifecycle);
  CHECK(e.workloads ==
        std::vector<std::string>{"vit-tiny", (dir.path() / "mine.toml").string(), "bert-finetune"});
  CHECK(e.forecasts == std::vector<std::string>{"perfect", "gaussian:10%", "persistence"});
  CHECK(e.seeds == std::vector<std::uint64_t>{3, 0, 7});
}

TEST_CASE("experiment: relative paths are resolved against the base folder",
          "[experiments][experiment]") {
  const auto rel = parse(replace(kValid, "\"g.h5\"", "\"../data/g.h5\""), "sweeps/a");
  CHECK(rel.store == std::filesystem::path("sweeps/data/g.h5"));
  CHECK(rel.output == std::filesystem::path("sweeps/a/out.h5"));
  const auto abs = parse(replace(kValid, "\"out.h5\"", "\"/tmp/x/out.h5\""), "sweeps/a");
  CHECK(abs.output == std::filesystem::path("/tmp/x/out.h5"));

  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "exp" / "jobs");
  dir.write("exp/jobs/j.toml", "duration = \"1h\"\nenergy_kwh = 0.5\n");
  const auto path = dir.write(
      "exp/sweep.toml", replace(kValid, "[\"all\"]\n[starts]", "[\"jobs/j.toml\"]\n[starts]"));
  const auto e = read_experiment(path);
  CHECK(e.file == path);
  CHECK(e.store == dir.path() / "exp" / "g.h5");
  CHECK(e.output == dir.path() / "exp" / "out.h5");
  CHECK(e.workloads == std::vector<std::string>{(dir.path() / "exp" / "jobs" / "j.toml").string()});
  CHECK_THROWS_AS(read_experiment(dir.path() / "missing.toml"), IoError);
  // The same workload file is refused relative to another folder.
  CHECK_THROWS_AS(
      parse(replace(kValid, "[\"all\"]\n[starts]", "[\"jobs/j.toml\"]\n[starts]"), dir.path()),
      ParseError);
}

TEST_CASE("experiment: a start every hour over 2020", "[experiments][experiment][starts]") {
  const auto e = parse(kPaper);
  const auto starts = start_times(e);
  REQUIRE(starts.size() == 8784);  // 366 days x 24
  CHECK(starts.front() == make_time(2020, 1, 1));
  CHECK(starts.back() == make_time(2020, 12, 31, 23));
  CHECK(std::is_sorted(starts.begin(), starts.end()));
}

TEST_CASE("experiment: every over consecutive and separate years",
          "[experiments][experiment][starts]") {
  auto e = parse(replace(kValid, "years = [2020]", "years = [2020, 2022]"));
  e.starts.every = kDay;
  auto starts = start_times(e);
  CHECK(starts.size() == 366 + 365);
  for (auto t : starts) CHECK(year_of(t) != 2021);
  CHECK(starts[366] == make_time(2022, 1, 1));

  // Consecutive years are one span: a 7-hour grid runs on across New Year.
  e.years = {2020, 2021};
  e.starts.every = Seconds{7 * 3600};
  starts = start_times(e);
  const auto span = make_time(2022, 1, 1) - make_time(2020, 1, 1);
  CHECK(starts.size() ==
        static_cast<std::size_t>((span + e.starts.every - Seconds{1}) / e.starts.every));
  for (std::size_t i = 1; i < starts.size(); ++i)
    CHECK(starts[i] - starts[i - 1] == e.starts.every);
}

TEST_CASE("experiment: the paper scheme draws 5 distinct steps per month, reproducibly",
          "[experiments][experiment][starts]") {
  const auto text = replace(kPaper, "every = \"1h\"", "scheme = \"paper\"\nseed = 1");
  const auto e = parse(replace(text, "years = [2020]", "years = [2020, 2021]"));
  CHECK(e.starts.kind == StartScheme::Kind::paper);
  CHECK(e.starts.seed == 1);
  CHECK(e.starts.per_month == 5);
  const auto starts = start_times(e);
  REQUIRE(starts.size() == 120);
  CHECK(std::is_sorted(starts.begin(), starts.end()));
  CHECK(std::set<TimePoint>(starts.begin(), starts.end()).size() == starts.size());
  for (int year : {2020, 2021})
    for (unsigned month = 1; month <= 12; ++month)
      CHECK(std::count_if(starts.begin(), starts.end(), [&](TimePoint t) {
              return year_of(t) == year && month_of(t) == month;
            }) == 5);
  for (auto t : starts) CHECK(t == floor_to(t, e.step));
  CHECK(start_times(e) == starts);

  // The draws for a year do not depend on the other years listed.
  auto only2021 = e;
  only2021.years = {2021};
  const auto later = start_times(only2021);
  CHECK(std::equal(later.begin(), later.end(), starts.begin() + 60));

  auto other = e;
  other.starts.seed = 2;
  CHECK(start_times(other) != starts);

  auto dense = e;
  dense.starts.per_month = 28;
  dense.step = kDay;  // February 2021 has exactly 28 days: every one is drawn
  const auto all = start_times(dense);
  REQUIRE(all.size() == 2 * 12 * 28);
  CHECK(std::set<TimePoint>(all.begin(), all.end()).size() == all.size());
  for (int day = 1; day <= 28; ++day)
    CHECK(std::find(all.begin(), all.end(), make_time(2021, 2, static_cast<unsigned>(day))) !=
          all.end());

  const auto seeded = parse(replace(kValid, "every = \"1h\"", "scheme = \"paper\"\nper_month = 3"));
  CHECK(seeded.starts.seed == 1);
  CHECK(start_times(seeded).size() == 36);
}

TEST_CASE("experiment: the example files parse", "[experiments][experiment]") {
  const std::filesystem::path dir = SHIFTSIM_SOURCE_DIR "/experiments/examples/";
  const std::filesystem::path top = SHIFTSIM_SOURCE_DIR "/experiments/";
  for (const char* file : {"dodge2022.toml", "dodge2022_hourly.toml"}) {
    const auto paper = read_experiment(top / file);
    CHECK(paper.policies.size() == 17);
    CHECK(paper.regions.size() == 16);
    CHECK(paper.workloads.size() == 11);
    CHECK(paper.step == Seconds{300});
    CHECK(paper.store == (top / "../results/grids.h5").lexically_normal());
    // The paper's 5 starts per month, or every hour of 2020.
    CHECK(start_times(paper).size() == (std::string(file) == "dodge2022.toml" ? 60u : 8784u));
  }
  const auto quick = read_experiment(dir / "quick.toml");
  CHECK(quick.workloads.size() == 2);
  CHECK(quick.regions.size() == 2);
  CHECK(quick.policies.size() >= 3);
  CHECK(quick.store == (dir / "../../results/grids.h5").lexically_normal());
  CHECK(start_times(quick).size() == 366 * 4);
}

TEST_CASE("experiment: each mistake is a ParseError naming file, line and key",
          "[experiments][experiment][errors]") {
  SECTION("syntax") { expect_error(kGrids + "years = [2020\n", 6, "TOML syntax"); }
  SECTION("unknown root key and section") {
    expect_error("title = \"x\"\n" + kValid, 1, "title");
    expect_error(kValid + "[extra]\nx = 1\n", 14, "extra");
  }
  SECTION("missing sections") {
    expect_error(kGrids, 0, "[workloads]");
    expect_error(kWorkloads + kStarts, 0, "[grids]");
    expect_error(kHead, 0, "[[policy]]");
    expect_error(kHead + kPolicy, 0, "[output]");
    expect_error(kHead + "[policy]\nkind = \"baseline\"\n" + kOutput, 10, "policy");
  }
  SECTION("[grids]") {
    expect_error(kGrids + "stpe = \"5min\"\n", 6, "stpe");
    expect_error(replace(kGrids, "store = \"g.h5\"\n", ""), 1, "store");
    expect_error(replace(kGrids, "[\"all\"]", "[]"), 3, "regions");
    expect_error(replace(kGrids, "[\"all\"]", "[\"all\", \"France\"]"), 3, "regions");
    expect_error(replace(kGrids, "[\"all\"]", "[\"France\", \"francecentral\"]"), 3, "regions");
    expect_error(replace(kGrids, "[\"all\"]", "\"all\""), 3, "regions");
    expect_error(replace(kGrids, "[2020]", "[1969]"), 4, "years");
    expect_error(replace(kGrids, "[2020]", "[2020, 10000]"), 4, "years");
    expect_error(replace(kGrids, "[2020]", "[2021, 2021]"), 4, "years");
    expect_error(replace(kGrids, "[2020]", "\"2020\""), 4, "years");
    expect_error(replace(kGrids, "[2020]", "[2020.0]"), 4, "years");
    expect_error(replace(kGrids, "\"5min\"", "\"7min\""), 5, "step");
    expect_error(replace(kGrids, "\"5min\"", "5"), 5, "step");
    expect_error(kGrids + "signal = \"loud\"\n", 6, "signal");
  }
  SECTION("[workloads]") {
    const auto names = [](const std::string& list) {
      return kGrids + "[workloads]\nnames = " + list + "\n";
    };
    expect_error(names("[\"bert-finetune\", \"nope.toml\"]"), 7, "names");
    expect_error(names("[\"nope.toml\"]"), 7, "vit-huge");  // the catalog names are listed
    expect_error(names("[\"vit-tiny\", \"ViT Tiny\"]"), 7, "names");
    expect_error(names("[\"all\", \"vit-tiny\"]"), 7, "names");
    expect_error(names("[]"), 7, "names");
    expect_error(names("[\"all\"]") + "files = []\n", 8, "files");
  }
  SECTION("[starts]") {
    const auto starts = [](const std::string& body) {
      return kGrids + kWorkloads + "[starts]\n" + body;
    };
    expect_error(starts("every = \"7min\"\n"), 9, "every");
    expect_error(starts("every = \"400d\"\n"), 9, "every");
    expect_error(starts("every = \"1h\"\nscheme = \"paper\"\n"), 10, "scheme");
    expect_error(starts("every = \"1h\"\nevry = 3\n"), 10, "evry");
    expect_error(starts("every = \"1h\"\nseed = 3\n"), 10, "seed");
    expect_error(starts("seed = 3\n"), 8, "every");
    expect_error(starts("scheme = \"random\"\n"), 9, "scheme");
    expect_error(starts("scheme = \"paper\"\nper_month = 29\n"), 10, "per_month");
    expect_error(starts("scheme = \"paper\"\nseed = -1\n"), 10, "seed");
    expect_error(starts("scheme = \"paper\"\nseed = 1.5\n"), 10, "seed");
  }
  SECTION("[[policy]]") {
    const auto policy = [](const std::string& body) { return kHead + "[[policy]]\n" + body; };
    expect_error(policy("kind = \"greedy\"\n"), 11, "kind");
    expect_error(policy("windows = [\"6h\"]\n"), 10, "kind");
    expect_error(policy("kind = \"baseline\"\nwindows = [\"6h\"]\n"), 12, "windows");
    expect_error(policy("kind = \"flexible-start\"\n"), 10, "windows");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\", \"25 %x\"]\n"), 12,
                 "windows");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\", \"360min\"]\n"), 12,
                 "windows");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"24h\", \"1d\"]\n"), 12, "windows");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\"]\nwindow = \"1h\"\n"), 13,
                 "window");
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\n"), 10, "thresholds");
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\nthresholds = []\n"), 13,
                 "thresholds");
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\nthresholds = [-1]\n"), 13,
                 "thresholds");
    // TOML spells them nan and inf; a threshold must be a finite intensity.
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\nthresholds = [300, nan]\n"), 13,
                 "thresholds");
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\nthresholds = [inf]\n"), 13,
                 "thresholds");
    expect_error(policy("kind = \"threshold\"\nwindows = [\"6h\"]\nthresholds = [\"300\"]\n"), 13,
                 "thresholds");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\"]\nthresholds = [300]\n"), 13,
                 "thresholds");
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\"]\nmin_run = \"1h\"\n"), 13,
                 "min_run");
    // The step is 5min: pause-resume with costs plans on that grid.
    expect_error(
        policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\ncheckpoint_time = \"7min\"\n"), 13,
        "checkpoint_time");
    expect_error(
        policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\ncheckpoint_energy_kwh = 0.2\n"), 13,
        "checkpoint_energy_kwh");
    expect_error(
        policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\ncheckpoint_energy_kwh = \"0.2\"\n"),
        13, "checkpoint_energy_kwh");
    expect_error(policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\ncheckpoint_time = \"1h\"\n"
                        "checkpoint_energy_kwh = 2e4\n"),
                 14, "checkpoint_energy_kwh");
    expect_error(policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\nlabel = \"a/b\"\n"), 13,
                 "label");
    expect_error(policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\nlabel = \"\"\n"), 13,
                 "label");
    // The second entry repeats a label: reported at the second entry.
    expect_error(policy("kind = \"flexible-start\"\nwindows = [\"6h\", \"12h\"]\n[[policy]]\n"
                        "kind = \"flexible-start\"\nwindows = [\"12h\"]\n"),
                 13, "flexible-start/12h");
    expect_error(policy("kind = \"pause-resume\"\nwindows = [\"6h\"]\nlabel = \"x\"\n[[policy]]\n"
                        "kind = \"flexible-start\"\nwindows = [\"6h\"]\nlabel = \"x\"\n"),
                 14, "x/6h");
  }
  SECTION("[forecasts]") {
    const auto forecasts = [](const std::string& body) {
      return kHead + kPolicy + "[forecasts]\n" + body;
    };
    expect_error(forecasts("models = [\"gaussian:abc\"]\n"), 13, "models");
    expect_error(forecasts("models = [\"gaussian:0.1\", \"gaussian:10%\"]\n"), 13, "models");
    expect_error(forecasts("models = []\n"), 13, "models");
    expect_error(forecasts("seeds = [1, 1]\n"), 13, "seeds");
    expect_error(forecasts("seeds = [-2]\n"), 13, "seeds");
    expect_error(forecasts("seed = [1]\n"), 13, "seed");
  }
  SECTION("[output]") {
    expect_error(kHead + kPolicy + "[output]\n", 12, "path");
    expect_error(kHead + kPolicy + "[output]\npath = \"\"\n", 13, "path");
    expect_error(kValid + "format = \"h5\"\n", 14, "format");
    expect_error(kHead + kPolicy + "output = \"x.h5\"\n", 12, "output");
  }
}
