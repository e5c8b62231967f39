// Job graphs: hand-worked schedules (a chain, a diamond, the hp-search example with the catalog's
// durations), every load-time check, count expansion, the deterministic order, the two example
// files, and a brute-force twin that enumerates every path of random small DAGs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/catalog.hpp"
#include "workloads/graph.hpp"

using namespace shiftsim;
using namespace shiftsim::workloads;
using Catch::Matchers::Contains;

namespace {

constexpr Seconds kHour{3600};

Workload synthetic(Seconds duration, double energy_kwh = 1.0) {
  Workload w{.name = format_duration(duration),
             .label = "synthetic",
             .task = "test",
             .dataset = "none",
             .accelerator = "V100",
             .accelerators = 1,
             .source = "test_graph.cpp",
             .kind = ProfileKind::uniform,
             .profile = PowerProfile::uniform(kwh(energy_kwh), duration),
             .overheads = {},
             .embodied = {},
             .alternatives = {},
             .notes = {}};
  return w;
}

// For graphs written in tests: `workload = "2h"` is a synthetic job of 2 hours and 1 kWh.
Workload by_duration(const std::string& spec, const std::string& /*file*/, std::size_t /*line*/) {
  return synthetic(parse_duration(spec));
}

JobGraph parse(std::string_view text) { return JobGraph::parse(text, "g.toml", by_duration); }

ParseError parse_failure(std::string_view text) {
  try {
    parse(text);
  } catch (const ParseError& e) {
    return e;
  }
  FAIL("expected a ParseError for:\n" << text);
  throw std::logic_error("unreachable");
}

ParseError build_failure(std::vector<GraphJob> jobs) {
  try {
    JobGraph::from_jobs("generated", std::move(jobs));
  } catch (const ParseError& e) {
    return e;
  }
  FAIL("expected a ParseError from from_jobs");
  throw std::logic_error("unreachable");
}

std::vector<std::string> ids_of(const JobGraph& g, const std::vector<std::size_t>& indices) {
  std::vector<std::string> out;
  for (auto i : indices) out.push_back(g.jobs()[i].id);
  return out;
}

using Ids = std::vector<std::string>;

}  // namespace

TEST_CASE("a chain: every job critical, slack = deadline - makespan", "[workloads][graph]") {
  const auto g = parse(R"(
[[job]]
id = "a"
workload = "2h"
[[job]]
id = "b"
workload = "3h"
after = ["a"]
[[job]]
id = "c"
workload = "1h"
after = ["b"]
)");
  CHECK(g.name() == "g");  // the file's stem
  CHECK(g.description().empty());
  CHECK(g.critical_path_length() == 6 * kHour);

  // Forward pass: a starts at 0 and ends at 2 h, b runs 2..5 h, c 5..6 h.
  // No deadline: deadline = makespan = 6 h, so latest = earliest and every slack is 0.
  const auto s = g.schedule();
  CHECK(s.makespan == 6 * kHour);
  CHECK(s.deadline == 6 * kHour);
  CHECK(s.feasible);
  const std::vector<Seconds> earliest{0 * kHour, 2 * kHour, 5 * kHour};
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(s.jobs[j].earliest_start == earliest[j]);
    CHECK(s.jobs[j].latest_start == earliest[j]);
    CHECK(s.jobs[j].slack == Seconds{0});
    CHECK(s.jobs[j].critical);
  }
  CHECK(ids_of(g, s.critical_path) == Ids{"a", "b", "c"});

  // Deadline 8 h, backward pass: c must end by 8 h, so starts by 7 h; b ends by 7 h, starts by
  // 4 h; a ends by 4 h, starts by 2 h. Slack 2 h for each, the least slack, so all critical.
  const auto d = g.schedule(8 * kHour);
  CHECK(d.feasible);
  CHECK(d.makespan == 6 * kHour);
  CHECK(d.deadline == 8 * kHour);
  const std::vector<Seconds> latest{2 * kHour, 4 * kHour, 7 * kHour};
  for (std::size_t j = 0; j < 3; ++j) {
    CHECK(d.jobs[j].earliest_start == earliest[j]);
    CHECK(d.jobs[j].latest_start == latest[j]);
    CHECK(d.jobs[j].slack == 2 * kHour);
    CHECK(d.jobs[j].critical);
  }
  CHECK(g.accelerator_energy().value == Approx(3.0));
}

TEST_CASE("a diamond: the short branch has slack", "[workloads][graph]") {
  //        b (3 h)
  // a (1 h)       d (2 h)
  //        c (1 h)
  const auto g = parse(R"(
[graph]
name = "diamond"
description = "a, then b and c, then d"
[[job]]
id = "a"
workload = "1h"
[[job]]
id = "b"
workload = "3h"
after = ["a"]
[[job]]
id = "c"
workload = "1h"
after = ["a"]
[[job]]
id = "d"
workload = "2h"
after = ["b", "c"]
)");
  CHECK(g.name() == "diamond");
  CHECK(g.description() == "a, then b and c, then d");
  CHECK(g.children(0) == std::vector<std::size_t>{1, 2});
  CHECK(g.topological_order() == std::vector<std::size_t>{0, 1, 2, 3});

  // Forward: a 0..1, b 1..4, c 1..2, d starts at max(4, 2) = 4 and ends at 6: makespan 6 h.
  // Backward, no deadline (6 h): d starts by 4; b by 4-3 = 1; c by 4-1 = 3; a by min(1, 3)-1 = 0.
  // Slack: a 0, b 0, c 3-1 = 2 h, d 0. Critical: a, b, d.
  {
    const auto s = g.schedule();
    CHECK(s.makespan == 6 * kHour);
    const std::vector<Seconds> es{0 * kHour, 1 * kHour, 1 * kHour, 4 * kHour};
    const std::vector<Seconds> ls{0 * kHour, 1 * kHour, 3 * kHour, 4 * kHour};
    const std::vector<bool> critical{true, true, false, true};
    for (std::size_t j = 0; j < 4; ++j) {
      CHECK(s.jobs[j].earliest_start == es[j]);
      CHECK(s.jobs[j].latest_start == ls[j]);
      CHECK(s.jobs[j].slack == ls[j] - es[j]);
      CHECK(s.jobs[j].critical == critical[j]);
    }
    CHECK(ids_of(g, s.critical_path) == Ids{"a", "b", "d"});
  }
  // Deadline 10 h: d by 8; b by 5; c by 7; a by min(5, 7)-1 = 4. Slack a 4, b 4, c 6, d 4 h:
  // the critical jobs are those with the least slack, 10 - 6 = 4 h.
  {
    const auto s = g.schedule(10 * kHour);
    CHECK(s.feasible);
    const std::vector<Seconds> ls{4 * kHour, 5 * kHour, 7 * kHour, 8 * kHour};
    const std::vector<Seconds> slack{4 * kHour, 4 * kHour, 6 * kHour, 4 * kHour};
    const std::vector<bool> critical{true, true, false, true};
    for (std::size_t j = 0; j < 4; ++j) {
      CHECK(s.jobs[j].latest_start == ls[j]);
      CHECK(s.jobs[j].slack == slack[j]);
      CHECK(s.jobs[j].critical == critical[j]);
    }
  }
  // Deadline 5 h, shorter than the critical path: an outcome, not an error. d by 3; b by 0;
  // c by 2; a by min(0, 2)-1 = -1 h. Slack a -1, b -1, c 1, d -1 h.
  {
    const auto s = g.schedule(5 * kHour);
    CHECK_FALSE(s.feasible);
    CHECK(s.makespan == 6 * kHour);
    CHECK(s.deadline == 5 * kHour);
    const std::vector<Seconds> ls{-1 * kHour, 0 * kHour, 2 * kHour, 3 * kHour};
    const std::vector<Seconds> slack{-1 * kHour, -1 * kHour, 1 * kHour, -1 * kHour};
    for (std::size_t j = 0; j < 4; ++j) {
      CHECK(s.jobs[j].latest_start == ls[j]);
      CHECK(s.jobs[j].slack == slack[j]);
    }
    CHECK(ids_of(g, s.critical_path) == Ids{"a", "b", "d"});
  }
  CHECK_THROWS_AS(g.schedule(Seconds{0}), ConfigError);
  CHECK_THROWS_AS(g.schedule(Seconds{-5}), ConfigError);
}

TEST_CASE("the hp-search example with the catalog's durations", "[workloads][graph]") {
  const char* text = R"(
[graph]
name = "hp-search"
description = "8 ViT-Small trials, then ViT-Base, then an evaluation"
[[job]]
id = "trial"
workload = "vit-small"
count = 8
[[job]]
id = "final"
workload = "vit-base"
after = ["trial"]
[[job]]
id = "eval"
workload = "densenet-121"
after = ["final"]
)";
  const auto g = JobGraph::parse(text, "hp.toml", catalog_resolver());
  REQUIRE(g.jobs().size() == 10);
  CHECK(g.name() == "hp-search");
  // vit-small 19 h = 68400 s, vit-base 21 h = 75600 s, densenet-121 0.3 h = 1080 s.
  // Critical path: 68400 + 75600 + 1080 = 145080 s = 40.3 h.
  CHECK(g.critical_path_length() == Seconds{145080});
  // 8 x 2.2 + 4.7 + 0.02 kWh.
  CHECK(g.accelerator_energy().value == Approx(22.32));

  // No deadline: every trial 0..19 h, final 19..40 h, eval 40..40.3 h; no job can slip: all
  // critical (the 8 trials are equally long). The path names the first trial in file order.
  const auto s = g.schedule();
  for (std::size_t j = 0; j < 8; ++j) {
    CHECK(s.jobs[j].earliest_start == Seconds{0});
    CHECK(s.jobs[j].slack == Seconds{0});
    CHECK(s.jobs[j].critical);
  }
  CHECK(s.jobs[8].earliest_start == Seconds{68400});
  CHECK(s.jobs[9].earliest_start == Seconds{144000});
  CHECK(ids_of(g, s.critical_path) == Ids{"trial.1", "final", "eval"});

  // Deadline 48 h = 172800 s: eval starts by 172800 - 1080 = 171720, final by 171720 - 75600 =
  // 96120, each trial by 96120 - 68400 = 27720 s. Slack: 27720 s = 7.7 h for every job.
  const auto d = g.schedule(48 * kHour);
  CHECK(d.feasible);
  for (std::size_t j = 0; j < 8; ++j) CHECK(d.jobs[j].latest_start == Seconds{27720});
  CHECK(d.jobs[8].latest_start == Seconds{96120});
  CHECK(d.jobs[9].latest_start == Seconds{171720});
  for (const auto& t : d.jobs) {
    CHECK(t.slack == Seconds{27720});
    CHECK(t.critical);
  }
  // Deadline 40 h = 144000 s: 1080 s short, every job has slack -1080 s.
  const auto late = g.schedule(40 * kHour);
  CHECK_FALSE(late.feasible);
  for (const auto& t : late.jobs) CHECK(t.slack == Seconds{-1080});
}

TEST_CASE("count expands a job into independent copies", "[workloads][graph]") {
  std::vector<std::pair<std::string, std::size_t>> calls;
  auto resolve = [&](const std::string& spec, const std::string& file, std::size_t line) {
    calls.emplace_back(spec, line);
    return by_duration(spec, file, line);
  };
  const auto g = JobGraph::parse(R"([[job]]
id = "prep"
workload = "1h"
[[job]]
id = "trial"
count = 3
workload = "2h"
after = ["prep"]
[[job]]
id = "final"
workload = "4h"
count = 1
after = ["trial", "prep"]
)",
                                 "search.toml", resolve);
  REQUIRE(g.jobs().size() == 5);
  CHECK(g.name() == "search");
  CHECK(ids_of(g, g.topological_order()) == Ids{"prep", "trial.1", "trial.2", "trial.3", "final"});
  for (std::size_t c = 1; c <= 3; ++c) {
    CHECK(g.jobs()[c].parents == std::vector<std::size_t>{0});  // not each other
    CHECK(g.jobs()[c].spec == "2h");
    CHECK(g.jobs()[c].line == 4);  // the [[job]] table's line
  }
  // Every copy of "trial", then "prep", as `after` lists them.
  CHECK(g.jobs()[4].parents == std::vector<std::size_t>{1, 2, 3, 0});
  CHECK(g.children(0) == std::vector<std::size_t>{1, 2, 3, 4});
  // The resolver runs once per [[job]], with the line of its `workload` key.
  CHECK(calls ==
        std::vector<std::pair<std::string, std::size_t>>{{"1h", 3}, {"2h", 7}, {"4h", 11}});
  CHECK(g.critical_path_length() == 7 * kHour);
  CHECK(g.accelerator_energy().value == Approx(5.0));
}

TEST_CASE("a cycle names its jobs in order, from the first in the file", "[workloads][graph]") {
  {
    const auto e = parse_failure(R"([[job]]
id = "a"
workload = "1h"
after = ["c"]
[[job]]
id = "b"
workload = "1h"
after = ["a"]
[[job]]
id = "c"
workload = "1h"
after = ["b"]
)");
    CHECK_THAT(e.what(), Contains("cycle: a -> b -> c -> a"));
    CHECK(e.file() == "g.toml");
    CHECK(e.line() == 4);  // a's `after`, which closes the cycle
  }
  {
    // Outside the cycle: x before it and y hanging off it; listed out of order.
    const auto e = parse_failure(R"([[job]]
id = "x"
workload = "1h"
[[job]]
id = "y"
workload = "1h"
after = ["q"]
[[job]]
id = "r"
workload = "1h"
after = ["q", "x"]
[[job]]
id = "p"
workload = "1h"
after = ["r"]
[[job]]
id = "q"
workload = "1h"
after = ["p"]
)");
    CHECK_THAT(e.what(), Contains("cycle: r -> p -> q -> r"));
    CHECK(e.line() == 11);
  }
  {
    // Two jobs waiting for each other; with a count, the message uses the ids as written.
    const auto e = parse_failure(R"([[job]]
id = "trial"
workload = "1h"
count = 4
after = ["final"]
[[job]]
id = "final"
workload = "1h"
after = ["trial"]
)");
    CHECK_THAT(e.what(), Contains("cycle: trial -> final -> trial"));
  }
  {
    // from_jobs finds cycles too.
    std::vector<GraphJob> jobs;
    jobs.push_back({"s", "1h", synthetic(kHour), {}, 0});
    jobs.push_back({"u", "1h", synthetic(kHour), {2}, 0});
    jobs.push_back({"v", "1h", synthetic(kHour), {0, 1}, 0});
    const auto e = build_failure(jobs);
    CHECK_THAT(e.what(), Contains("cycle: u -> v -> u"));
    CHECK(e.file() == "generated");
  }
}

TEST_CASE("load-time checks name the job, the line and what to do", "[workloads][graph]") {
  SECTION("unknown dependency lists the known ids") {
    const auto e = parse_failure(R"([[job]]
id = "trial"
workload = "1h"
[[job]]
id = "final"
workload = "1h"
after = ["trail"]
)");
    CHECK_THAT(e.what(),
               Contains("g.toml:7: [[job]] 'final' 'after': no job 'trail' in this graph") &&
                   Contains("The jobs are: trial, final."));
    CHECK(e.line() == 7);
  }
  SECTION("duplicate id") {
    const auto e = parse_failure(R"([[job]]
id = "a"
workload = "1h"
[[job]]
id = "a"
workload = "2h"
)");
    CHECK_THAT(e.what(), Contains("[[job]] 'a' 'id': 'a' is already the id of the job at line 1"));
    CHECK(e.line() == 5);
  }
  SECTION("a job after itself") {
    const auto e = parse_failure(R"([[job]]
id = "a"
workload = "1h"
after = ["a"]
)");
    CHECK_THAT(e.what(), Contains("[[job]] 'a' 'after': the job 'a' depends on itself"));
    CHECK(e.line() == 4);
  }
  SECTION("an id listed twice in after") {
    const auto e = parse_failure(R"([[job]]
id = "a"
workload = "1h"
[[job]]
id = "b"
workload = "1h"
after = ["a", "a"]
)");
    CHECK_THAT(e.what(), Contains("[[job]] 'b' 'after': 'a' is listed twice"));
  }
  SECTION("count below 1, or absurdly large") {
    for (const char* count : {"0", "-2", "10001"}) {
      const auto e = parse_failure(std::string("[[job]]\nid = \"t\"\nworkload = \"1h\"\ncount = ") +
                                   count + "\n");
      CHECK_THAT(e.what(), Contains("[[job]] 't' 'count'") && Contains("between 1 and 10000"));
      CHECK(e.line() == 4);
    }
    CHECK_THAT(parse_failure("[[job]]\nid = \"t\"\nworkload = \"1h\"\ncount = 2.5\n").what(),
               Contains("expected an integer"));
  }
  SECTION("too many dependencies once counts are expanded") {
    const auto e = parse_failure(R"([[job]]
id = "a"
workload = "1h"
count = 2000
[[job]]
id = "b"
workload = "1h"
count = 1000
after = ["a"]
)");
    CHECK_THAT(e.what(), Contains("2000000 dependencies"));
  }
  SECTION("empty graph") {
    CHECK_THAT(parse_failure("[graph]\nname = \"nothing\"\n").what(), Contains("no [[job]]"));
    CHECK_THAT(parse_failure("").what(), Contains("no [[job]]"));
  }
  SECTION("unknown keys, anywhere") {
    auto e = parse_failure("[[job]]\nid = \"a\"\nworkload = \"1h\"\nafer = [\"b\"]\n");
    CHECK_THAT(e.what(), Contains("[[job]] 'a': unknown key 'afer'"));
    CHECK(e.line() == 4);
    e = parse_failure("[graph]\nnaem = \"x\"\n[[job]]\nid = \"a\"\nworkload = \"1h\"\n");
    CHECK_THAT(e.what(), Contains("[graph]: unknown key 'naem'"));
    e = parse_failure("[[jobs]]\nid = \"a\"\nworkload = \"1h\"\n");
    CHECK_THAT(e.what(), Contains("unknown key 'jobs'"));
  }
  SECTION("missing keys, wrong types, bad ids") {
    CHECK_THAT(parse_failure("[[job]]\nid = \"a\"\n").what(),
               Contains("[[job]] 'a' 'workload': missing"));
    CHECK_THAT(parse_failure("[[job]]\nworkload = \"1h\"\n").what(),
               Contains("[[job]] #1 'id': missing"));
    CHECK_THAT(parse_failure("[[job]]\nid = \"a\"\nworkload = \"1h\"\nafter = \"b\"\n").what(),
               Contains("expected an array of strings"));
    CHECK_THAT(parse_failure("[job]\nid = \"a\"\nworkload = \"1h\"\n").what(),
               Contains("expected an array of tables"));
    CHECK_THAT(parse_failure("[[job]]\nid = \"a.1\"\nworkload = \"1h\"\n").what(),
               Contains("'a.1' is not a job id"));
    CHECK_THAT(parse_failure("[[job]]\nid = \"\"\nworkload = \"1h\"\n").what(),
               Contains("is not a job id"));
    CHECK_THAT(
        parse_failure("[graph]\nname = \"\"\n[[job]]\nid = \"a\"\nworkload = \"1h\"\n").what(),
        Contains("[graph] 'name': is empty"));
  }
  SECTION("the resolver's own errors pass through, with the workload's line") {
    try {
      JobGraph::parse("[[job]]\nid = \"a\"\n\nworkload = \"vit-smal\"\n", "hp.toml",
                      catalog_resolver());
      FAIL("expected a ParseError");
    } catch (const ParseError& e) {
      CHECK(e.line() == 4);
      CHECK_THAT(e.what(),
                 Contains("no workload 'vit-smal' in the catalog") && Contains("vit-small"));
    }
  }
}

TEST_CASE("from_jobs checks what parse checks", "[workloads][graph]") {
  auto job = [](std::string id, std::vector<std::size_t> parents) {
    return GraphJob{std::move(id), "1h", synthetic(kHour), std::move(parents), 0};
  };
  CHECK_THAT(build_failure({}).what(), Contains("no jobs"));
  CHECK_THAT(build_failure({job("a", {}), job("a", {})}).what(),
             Contains("job 'a' is defined twice (first at job #1)"));
  CHECK_THAT(build_failure({job("a", {0})}).what(), Contains("job 'a' depends on itself"));
  CHECK_THAT(build_failure({job("a", {}), job("b", {0, 0})}).what(),
             Contains("job 'b' lists 'a' twice"));
  CHECK_THAT(build_failure({job("a", {}), job("b", {7})}).what(),
             Contains("job 'b' depends on job #8, but the graph has 2 jobs"));
  CHECK_THAT(build_failure({job("", {})}).what(), Contains("job #1 has no id"));
  const auto g = JobGraph::from_jobs("ok", {job("a", {}), job("b", {0})});
  CHECK(g.name() == "ok");
  CHECK(g.critical_path_length() == 2 * kHour);
}

TEST_CASE("the topological order is deterministic, ties in file order", "[workloads][graph]") {
  // Independent jobs: the file order (Boost's topological_sort alone would reverse it).
  CHECK(parse("[[job]]\nid = \"a\"\nworkload = \"1h\"\n[[job]]\nid = \"b\"\nworkload = \"1h\"\n"
              "[[job]]\nid = \"c\"\nworkload = \"1h\"\n")
            .topological_order() == std::vector<std::size_t>{0, 1, 2});
  // Listed out of order: each job comes as late as the file puts it, its unplaced ancestors
  // just before it. a needs c, e needs d: c a b d e.
  const char* text = R"([[job]]
id = "a"
workload = "1h"
after = ["c"]
[[job]]
id = "b"
workload = "1h"
[[job]]
id = "c"
workload = "1h"
[[job]]
id = "e"
workload = "1h"
after = ["d", "b"]
[[job]]
id = "d"
workload = "1h"
)";
  const auto g = parse(text);
  CHECK(ids_of(g, g.topological_order()) == Ids{"c", "a", "b", "d", "e"});
  // The same on every parse and every call.
  for (int i = 0; i < 3; ++i) CHECK(parse(text).topological_order() == g.topological_order());
}

TEST_CASE("the example graphs load with the catalog", "[workloads][graph]") {
  const std::string dir = std::string(SHIFTSIM_SOURCE_DIR) + "/workloads/examples/";
  {
    const auto g = JobGraph::load(dir + "hp_search.toml", catalog_resolver());
    CHECK(g.name() == "hp-search");
    CHECK_FALSE(g.description().empty());
    REQUIRE(g.jobs().size() == 10);
    CHECK(g.jobs()[0].workload.name == "vit-small");
    CHECK(g.critical_path_length() == Seconds{145080});  // 19 + 21 + 0.3 h
    CHECK(g.accelerator_energy().value == Approx(22.32));
    CHECK(g.schedule(2 * kDay).jobs[9].slack == Seconds{27720});
  }
  {
    const auto g = JobGraph::load(dir + "pretrain_finetune.toml", catalog_resolver());
    CHECK(g.name() == "pretrain-finetune");
    CHECK(ids_of(g, g.topological_order()) ==
          Ids{"pretrain", "finetune.1", "finetune.2", "finetune.3"});
    CHECK(g.critical_path_length() == 42 * kHour);  // 36 h, then 6 h
    CHECK(g.accelerator_energy().value == Approx(37.3 + 3 * 3.1));
    // Deadline 3 days = 72 h: pretrain by 72 - 6 - 36 = 30 h; each finetune by 66 h.
    const auto s = g.schedule(3 * kDay);
    CHECK(s.jobs[0].latest_start == 30 * kHour);
    CHECK(s.jobs[1].latest_start == 66 * kHour);
    CHECK(s.jobs[3].slack == 30 * kHour);
  }
  CHECK_THROWS_AS(JobGraph::load(dir + "no_such_graph.toml", catalog_resolver()), IoError);
}

// ---- The brute-force twin ----------------------------------------------------------------------

namespace {

struct RandomDag {
  std::vector<std::int64_t> seconds;
  std::vector<std::vector<std::size_t>> parents;
  std::vector<std::vector<std::size_t>> children;
};

// 2..9 jobs in a random file order (not a topological one), each pair joined with chance 1/3.
RandomDag random_dag(std::mt19937_64& rng) {
  const std::size_t n = 2 + rng() % 8;
  std::vector<std::size_t> rank(n);
  std::iota(rank.begin(), rank.end(), std::size_t{0});
  for (std::size_t i = n - 1; i > 0; --i) std::swap(rank[i], rank[rng() % (i + 1)]);
  RandomDag d;
  d.parents.resize(n);
  d.children.resize(n);
  for (std::size_t j = 0; j < n; ++j) {
    d.seconds.push_back(1 + static_cast<std::int64_t>(rng() % 20) * (rng() % 2 == 0 ? 1 : 600));
    for (std::size_t i = 0; i < n; ++i)
      if (rank[i] < rank[j] && rng() % 3 == 0) {
        d.parents[j].push_back(i);
        d.children[i].push_back(j);
      }
  }
  return d;
}

// Every path (a sequence of jobs, each a child of the one before), of every length >= 1.
void all_paths(const RandomDag& d, std::vector<std::size_t>& path,
               std::vector<std::vector<std::size_t>>& out) {
  out.push_back(path);
  for (std::size_t c : d.children[path.back()]) {
    path.push_back(c);
    all_paths(d, path, out);
    path.pop_back();
  }
}

}  // namespace

TEST_CASE("schedules equal their brute-force definitions on random DAGs", "[workloads][graph]") {
  std::mt19937_64 rng(20240601);
  for (int trial = 0; trial < 400; ++trial) {
    const RandomDag d = random_dag(rng);
    const std::size_t n = d.seconds.size();
    std::vector<GraphJob> jobs;
    for (std::size_t j = 0; j < n; ++j)
      jobs.push_back(GraphJob{std::string("j").append(std::to_string(j)), "",
                              synthetic(Seconds{d.seconds[j]}), d.parents[j], 0});
    const auto g = JobGraph::from_jobs("random", jobs);

    std::vector<std::vector<std::size_t>> paths;
    for (std::size_t j = 0; j < n; ++j) {
      std::vector<std::size_t> path{j};
      all_paths(d, path, paths);
    }
    auto length = [&](const std::vector<std::size_t>& p) {
      std::int64_t s = 0;
      for (auto j : p) s += d.seconds[j];
      return s;
    };
    std::int64_t makespan = 0;
    for (const auto& p : paths) makespan = std::max(makespan, length(p));
    REQUIRE(g.critical_path_length() == Seconds{makespan});

    // The order: a permutation with every parent before its children.
    const auto order = g.topological_order();
    std::vector<std::size_t> position(n, n);
    for (std::size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
    REQUIRE(order.size() == n);
    for (std::size_t j = 0; j < n; ++j) {
      REQUIRE(position[j] < n);
      for (auto p : d.parents[j]) CHECK(position[p] < position[j]);
    }

    for (int variant = 0; variant < 3; ++variant) {
      std::optional<Seconds> deadline;
      if (variant == 1) deadline = Seconds{makespan + static_cast<std::int64_t>(rng() % 5000)};
      if (variant == 2) deadline = Seconds{1 + static_cast<std::int64_t>(rng() % makespan)};
      const std::int64_t dl = deadline ? deadline->count() : makespan;
      const auto s = g.schedule(deadline);
      CHECK(s.makespan == Seconds{makespan});
      CHECK(s.deadline == Seconds{dl});
      CHECK(s.feasible == (makespan <= dl));
      for (std::size_t j = 0; j < n; ++j) {
        // earliest = the longest path ending at a parent of j (0 without parents);
        // latest = deadline - the longest path starting at j; critical = on a longest path.
        std::int64_t before = 0, from = 0;
        bool on_longest = false;
        for (const auto& p : paths) {
          const std::int64_t len = length(p);
          if (std::find(d.parents[j].begin(), d.parents[j].end(), p.back()) != d.parents[j].end())
            before = std::max(before, len);
          if (p.front() == j) from = std::max(from, len);
          if (len == makespan && std::find(p.begin(), p.end(), j) != p.end()) on_longest = true;
        }
        CHECK(s.jobs[j].earliest_start == Seconds{before});
        CHECK(s.jobs[j].latest_start == Seconds{dl - from});
        CHECK(s.jobs[j].slack == s.jobs[j].latest_start - s.jobs[j].earliest_start);
        CHECK(s.jobs[j].critical == on_longest);
      }
      // The critical path: a path from a source, as long as the makespan.
      const auto& cp = s.critical_path;
      REQUIRE_FALSE(cp.empty());
      CHECK(d.parents[cp.front()].empty());
      for (std::size_t k = 1; k < cp.size(); ++k) {
        const auto& ps = d.parents[cp[k]];
        CHECK(std::find(ps.begin(), ps.end(), cp[k - 1]) != ps.end());
      }
      CHECK(length(cp) == makespan);
    }
  }
}
