// Cluster experiments: the file format's mistakes as ParseErrors with lines, and the sweep runner:
// every scenario of the cube equals that scenario run directly through the cluster engine, and
// the cube file is the same bytes at 1 and 2 threads.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <tuple>

#include "experiments/cluster_experiment.hpp"
#include "experiments/cluster_runner.hpp"
#include "experiments/cube_file.hpp"
#include "grids/forecast_source.hpp"
#include "grids/resample.hpp"
#include "sim/cluster/cluster.hpp"
#include "sim/cluster/schedulers.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"
#include "sim/core/sha256.hpp"
#include "sim/forecast.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/sweep.hpp"
#include "workloads/jobs/generator.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;
using Catch::Matchers::Contains;

namespace {

namespace cl = sim::cluster;

constexpr const char* kFile = "c.toml";

// Line numbers matter: the error tests below name them.
const std::string kText = R"([grids]
store = "grids.h5"
step = "1h"

[cluster]
sites = ["ZA=8", "ZB=6,pue=1.2,idle=30W"]
capacity_scales = [0.5, 1]
schedulers = ["fifo", "carbon-delay", "spatial"]
generate = "poisson:rate=2/h,jobs=300,seed=3"
trace_start = "2022-01-01"
slack = "12h"

[forecasts]
models = ["perfect", "gaussian:0.2"]
seeds = [1, 2]

[output]
path = "out.h5"
)";

ClusterExperiment parse(const std::string& text, const std::filesystem::path& base = "/base") {
  return parse_cluster_experiment(text, kFile, base);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

void expect_error(const std::string& text, std::size_t line, const std::string& key,
                  const std::string& also = {}) {
  INFO("input:\n" << text);
  try {
    (void)parse(text);
  } catch (const ParseError& e) {
    INFO("message: " << e.what());
    CHECK(e.file() == kFile);
    CHECK(e.line() == line);
    CHECK_THAT(e.what(), Contains(std::string(kFile) + ":" + std::to_string(line) + ":"));
    CHECK_THAT(e.what(), Contains(key));
    if (!also.empty()) CHECK_THAT(e.what(), Contains(also));
    return;
  }
  FAIL("expected a ParseError");
}

bool same_bytes(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

}  // namespace

TEST_CASE("cluster experiment: the format parses", "[experiments][cluster]") {
  CHECK(is_cluster_experiment(kText, kFile));
  CHECK_FALSE(is_cluster_experiment(
      read_file(std::string(SHIFTSIM_SOURCE_DIR) + "/experiments/examples/quick.toml"),
      "quick.toml"));
  const auto e = parse(kText);
  CHECK(e.store == std::filesystem::path("/base/grids.h5"));
  CHECK(e.step == Seconds{3600});
  REQUIRE(e.sites.size() == 2);
  CHECK(e.sites[1].region == "ZB");
  CHECK(e.sites[1].capacity == 6);
  CHECK(e.sites[1].pue == 1.2);
  CHECK(e.sites[1].idle_watts == 30);
  CHECK(e.capacity_scales == std::vector<double>{0.5, 1.0});
  CHECK(e.schedulers == std::vector<std::string>{"fifo", "carbon-delay", "spatial"});
  CHECK(e.jobs.generate == "poisson:rate=2/h,jobs=300,seed=3");
  CHECK(e.jobs.trace.empty());
  CHECK(e.jobs.slack == Seconds{12 * 3600});
  CHECK(e.trace_start == make_time(2022, 1, 1).time_since_epoch().count());
  CHECK(e.forecasts == std::vector<std::string>{"perfect", "gaussian:0.2"});
  CHECK(e.seeds == std::vector<std::uint64_t>{1, 2});
  CHECK(e.output == std::filesystem::path("/base/out.h5"));

  // The example parses (its store need not exist to parse).
  const std::filesystem::path example =
      std::string(SHIFTSIM_SOURCE_DIR) + "/experiments/examples/cluster.toml";
  const auto ex = read_cluster_experiment(example);
  CHECK(ex.sites.size() == 3);
  CHECK(ex.schedulers.size() * ex.capacity_scales.size() * ex.forecasts.size() * ex.seeds.size() ==
        12);
}

TEST_CASE("cluster experiment: each mistake is a ParseError naming file, line and key",
          "[experiments][cluster]") {
  expect_error(replace(kText, "slack = \"12h\"\n", "slack = \"12h\"\nslak = \"1h\"\n"), 12, "slak");
  expect_error(replace(kText, "idle=30W", "idel=30W"), 6, "sites", "idel");
  expect_error(replace(kText, "\"ZB=6", "\"ZB"), 6, "sites", "REGION=ACCELERATORS");
  expect_error(replace(kText, "\"ZB=6", "\"ZA=6"), 6, "sites", "two sites");
  expect_error(replace(kText, "carbon-delay", "carbon-dealy"), 8, "schedulers", "carbon-dealy");
  expect_error(replace(kText, "seed=3\"\n", "seed=3\"\ntrace = \"jobs.csv\"\n"), 9, "generate",
               "exclude each other");
  expect_error(replace(kText, "generate = \"poisson:rate=2/h,jobs=300,seed=3\"\n", ""), 5, "trace",
               "no jobs");
  expect_error(replace(kText, "generate = \"poisson:rate=2/h,jobs=300,seed=3\"",
                       "trace = \"no-such-trace.csv\""),
               9, "trace", "does not exist");
  expect_error(replace(kText, "jobs=300", "jobs=0"), 9, "generate");
  expect_error(replace(kText, "[0.5, 1]", "[0.5, 0]"), 7, "capacity_scales");
  expect_error(replace(kText, "[0.5, 1]", "[0.5, nan]"), 7, "capacity_scales");
  expect_error(replace(kText, "[0.5, 1]", "[inf]"), 7, "capacity_scales");
  expect_error(replace(kText, "step = \"1h\"\n", "step = \"1h\"\nregions = [\"ZA\"]\n"), 4,
               "regions");
  expect_error(replace(kText, "slack = \"12h\"\n", "slack = \"12h\"\ntime_unit = \"1h\"\n"), 12,
               "time_unit", "only a trace");
  expect_error(
      replace(kText, "slack = \"12h\"\n", "slack = \"12h\"\ncheckpoint_energy_kwh = 0.1\n"), 12,
      "checkpoint_energy_kwh", "take time");
}

TEST_CASE("cluster sweep: every scenario equals running it directly, at any thread count",
          "[experiments][cluster][runner]") {
  const grids::GridStore store = test::small_store();
  const auto e = parse(kText);
  ClusterRunOptions o;
  o.threads = 1;
  const auto r1 = run_cluster_experiment(e, store, o);
  REQUIRE(r1.complete());
  REQUIRE(r1.scenarios == 3 * 2 * 2 * 2);
  const Cube& c = r1.cube;
  CHECK(c.dim("scheduler").size() == 3);
  CHECK(c.dim("capacity_scale").size() == 2);
  CHECK(c.dim("forecast").size() == 2);
  CHECK(c.dim("seed").size() == 2);
  CHECK(c.dim("site").size() == 2);
  CHECK(c.var("utilisation").dims.back() == "time");
  CHECK(c.var("capacity").i32 == std::vector<std::int32_t>{4, 3, 8, 6});
  CHECK(c.attrs.at("jobs") == "300");
  CHECK(c.attrs.count("data_warning") == 0);  // the test store is not the surrogate

  // Each scenario, assembled by hand (not through cluster_scenario.hpp) and run through the
  // engine: the cube's slots hold its results.
  const auto& times = std::get<Times>(c.dim("time").coords).values;
  const std::size_t nt = times.size();
  auto spec = workloads::jobs::GeneratorSpec::parse("poisson:rate=2/h,jobs=300,seed=3");
  spec.origin = make_time(2022, 1, 1).time_since_epoch().count();
  spec.slack = Seconds{12 * 3600};
  const auto jobs = workloads::jobs::generate_jobs(spec);
  std::size_t s = 0;
  for (const auto& scheduler : e.schedulers) {
    for (double scale : e.capacity_scales) {
      for (const auto& model : e.forecasts) {
        for (auto seed : e.seeds) {
          INFO(scheduler << " x" << scale << " " << model << " seed " << seed);
          const auto forecast = sim::ForecastSpec::parse(model, seed);
          std::vector<cl::Site> sites;
          for (const auto& [zone, cap, pue, idle] :
               {std::tuple{"ZA", 8, 1.0, 0.0}, std::tuple{"ZB", 6, 1.2, 30.0}}) {
            cl::SiteSpec ss;
            ss.region = zone;
            ss.capacity = std::max(1, static_cast<int>(std::round(cap * scale)));
            ss.pue = pue;
            ss.idle_watts = idle;
            auto actual =
                grids::read_at_step(*grids::series_for(store, zone).front(), Seconds{3600});
            auto plan = forecast.is_oracle() ? actual.values
                                             : grids::make_forecast(forecast, actual, &store);
            sites.emplace_back(ss, std::move(actual), std::move(plan));
          }
          cl::Cluster cluster(std::move(sites), jobs);
          const auto sched = cl::make_scheduler(scheduler);
          const auto r = cluster.run(*sched);
          double g = 0, kwh_jobs = 0;
          std::int32_t finished = 0;
          for (const auto& j : r.jobs) {
            g += j.emissions.value;
            kwh_jobs += j.energy.value;
            finished += j.outcome == cl::JobOutcome::finished ? 1 : 0;
          }
          double idle_g = 0;
          for (const auto& site : r.sites) idle_g += site.idle_emissions.value;
          CHECK(same_bytes(c.var("jobs_emissions_g").f64[s], g));
          CHECK(same_bytes(c.var("idle_emissions_g").f64[s], idle_g));
          CHECK(c.var("emissions_g").f64[s] == Approx(g + idle_g).epsilon(1e-12));
          CHECK(same_bytes(c.var("jobs_energy_kwh").f64[s], kwh_jobs));
          CHECK(c.var("finished").i32[s] == finished);
          CHECK(c.var("events").f64[s] == static_cast<double>(r.events));
          for (std::size_t i = 0; i < r.sites.size(); ++i) {
            const auto& u = r.sites[i].utilisation;
            REQUIRE(r.sites[i].utilisation_start >= times.front());
            const auto first =
                static_cast<std::size_t>((r.sites[i].utilisation_start - times.front()) / 3600);
            const std::size_t base = (s * 2 + i) * nt;
            for (std::size_t t = 0; t < nt; ++t) {
              const double v = c.var("utilisation").f64[base + t];
              if (t < first || t >= first + u.size())
                CHECK(std::isnan(v));
              else
                CHECK(same_bytes(v, u[t - first]));
            }
          }
          ++s;
        }
      }
    }
  }

  // The file is the same bytes at 1 and 2 threads.
  o.threads = 2;
  const auto r2 = run_cluster_experiment(e, store, o);
  test::TempDir dir;
  write_cube(r1.cube, dir.file("t1.h5"), false);
  write_cube(r2.cube, dir.file("t2.h5"), false);
  CHECK(test::read_bytes(dir.file("t1.h5")) == test::read_bytes(dir.file("t2.h5")));
}

TEST_CASE("cluster sweep: a trace's name and hash are recorded", "[experiments][cluster][runner]") {
  const grids::GridStore store = test::small_store();
  test::TempDir dir;
  const std::string trace = "arrival_time,length,accelerators\n0,2,2\n0.5,1,4\n1,3,1\n2,5,8\n";
  dir.write("jobs.csv", trace);
  const auto e = parse(replace(replace(kText, "generate = \"poisson:rate=2/h,jobs=300,seed=3\"",
                                       "trace = \"jobs.csv\""),
                               "seeds = [1, 2]", "seeds = [1]"),
                       dir.path());
  const auto r = run_cluster_experiment(e, store, ClusterRunOptions{});
  CHECK(r.cube.attrs.at("trace_file") == "jobs.csv");
  CHECK(r.cube.attrs.at("trace_sha256") == sha256_hex(trace));
  CHECK(r.cube.attrs.at("jobs") == "4");
  // 8 accelerators fit ZA only at scale 1: rejected at 0.5, where ZA has 4.
  const auto& rejected = r.cube.var("rejected").i32;  // (scheduler, scale, forecast, seed)
  CHECK(rejected[0] == 1);
  CHECK(rejected[2] == 0);
}
