// The job generator: determinism, sorted whole-second arrivals, the rate, the daily cycle, the
// mix and its weights, the interruptible share, slack, and the text form with its errors.
#include <fmt/format.h>

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <map>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/errors.hpp"
#include "workloads/catalog.hpp"
#include "workloads/jobs/generator.hpp"

using namespace shiftsim;
using namespace shiftsim::sim::cluster;
using namespace shiftsim::workloads::jobs;
using Catch::Matchers::Contains;

namespace {

constexpr std::int64_t k2020 = 1577836800;  // 2020-01-01T00:00:00Z, a Wednesday, UTC midnight
constexpr std::size_t kMany = 100'000;
constexpr double kManyJobs = static_cast<double>(kMany);

GeneratorSpec many(GeneratorSpec::Shape shape = GeneratorSpec::Shape::poisson) {
  GeneratorSpec s;
  s.shape = shape;
  s.jobs = kMany;
  s.jobs_per_hour = 12;
  s.origin = k2020;
  return s;
}

// Jobs per hour between the origin and the last arrival.
double empirical_rate(const std::vector<ClusterJob>& jobs, std::int64_t origin) {
  return static_cast<double>(jobs.size()) /
         (static_cast<double>(jobs.back().arrival - origin) / 3600.0);
}

std::map<std::string, double> shares(const std::vector<ClusterJob>& jobs) {
  std::map<std::string, double> s;
  for (const auto& j : jobs) s[j.workload] += 1.0 / static_cast<double>(jobs.size());
  return s;
}

void expect_spec_error(const std::string& text, std::initializer_list<std::string_view> words) {
  INFO("spec: " << text);
  bool thrown = false;
  try {
    GeneratorSpec::parse(text);
  } catch (const ConfigError& e) {
    thrown = true;
    const std::string message = e.what();
    INFO("message: " << message);
    CHECK_THAT(message, Contains(text));
    CHECK_THAT(message, Contains("keys rate"));  // the list of keys
    for (auto w : words) CHECK_THAT(message, Contains(std::string(w)));
  }
  CHECK(thrown);
}

}  // namespace

TEST_CASE("generator: the same seed gives the same jobs, another seed others",
          "[cluster][generator]") {
  GeneratorSpec s = many();
  s.jobs = 5000;
  s.interruptible_share = 0.5;
  s.slack = Seconds{3600};
  const auto a = generate_jobs(s);
  const auto b = generate_jobs(s);
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].id == b[i].id);
    CHECK(a[i].arrival == b[i].arrival);
    CHECK(a[i].workload == b[i].workload);
    CHECK(a[i].accelerators == b[i].accelerators);
    CHECK(a[i].interruptible == b[i].interruptible);
    CHECK(a[i].deadline == b[i].deadline);
    CHECK(a[i].power.energy() == b[i].power.energy());
  }
  s.seed = 2;
  const auto c = generate_jobs(s);
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i].arrival == c[i].arrival ? 1 : 0;
  CHECK(same < a.size() / 10);
}

TEST_CASE("generator: a job is a catalog workload, in arrival order", "[cluster][generator]") {
  GeneratorSpec s = many();
  s.jobs = 20'000;
  s.slack = Seconds{86400};
  const auto jobs = generate_jobs(s);
  REQUIRE(jobs.size() == s.jobs);
  const auto& catalog = workloads::builtin_catalog();
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& j = jobs[i];
    CHECK(j.id == fmt::format("g{}", i + 1));
    CHECK(j.arrival >= s.origin);
    if (i > 0) CHECK(j.arrival >= jobs[i - 1].arrival);
    const auto* e = catalog.find(j.workload);
    REQUIRE(e);
    CHECK(e->name == j.workload);
    CHECK(j.accelerators == e->gpus);
    CHECK(j.length() == e->duration());
    CHECK(j.power.energy().value == Approx(e->energy_kwh));
    CHECK(j.deferrable);
    CHECK_FALSE(j.interruptible);  // share 0
    CHECK(*j.deadline == j.arrival + j.length().count() + 86400);
    CHECK(j.parents.empty());
    CHECK(j.line == 0);
  }
}

TEST_CASE("generator: the Poisson rate", "[cluster][generator]") {
  const auto jobs = generate_jobs(many());
  CHECK(empirical_rate(jobs, k2020) == Approx(12).epsilon(0.03));
  // Inter-arrival times are exponential: about e^-1 of the gaps are longer than the mean.
  std::size_t long_gaps = 0;
  for (std::size_t i = 1; i < jobs.size(); ++i)
    long_gaps += jobs[i].arrival - jobs[i - 1].arrival > 300 ? 1 : 0;
  CHECK(static_cast<double>(long_gaps) / kManyJobs == Approx(std::exp(-1.0)).epsilon(0.03));
}

TEST_CASE("generator: the daily cycle peaks at the peak hour", "[cluster][generator]") {
  GeneratorSpec s = many(GeneratorSpec::Shape::diurnal);
  s.amplitude = 0.8;
  s.peak_hour = 14;
  const auto jobs = generate_jobs(s);
  CHECK(empirical_rate(jobs, k2020) == Approx(12).epsilon(0.03));
  std::array<std::size_t, 24> by_hour{};
  for (const auto& j : jobs) ++by_hour[static_cast<std::size_t>((j.arrival % 86400) / 3600)];
  // rate(h) / mean = 1 + 0.8 cos(2 pi (h - 14) / 24): 1.8 at 14 h, 0.2 at 2 h.
  const auto peak = by_hour[13] + by_hour[14];
  const auto trough = by_hour[1] + by_hour[2];
  CHECK(peak > 5 * trough);
  // Over 13 h to 15 h the factor averages 1 + 0.8 sin(a) / a, a = 2 pi / 24 (an hour's angle).
  const double a = 2 * std::numbers::pi / 24;
  const double expected_peak_share = (1 + 0.8 * std::sin(a) / a) * 2 / 24;
  CHECK(static_cast<double>(peak) / kManyJobs == Approx(expected_peak_share).epsilon(0.05));

  s.peak_hour = 3;
  const auto early = generate_jobs(s);
  std::array<std::size_t, 24> early_hours{};
  for (const auto& j : early) ++early_hours[static_cast<std::size_t>((j.arrival % 86400) / 3600)];
  CHECK(early_hours[2] + early_hours[3] > 5 * (early_hours[14] + early_hours[15]));
}

TEST_CASE("generator: the mix, its weights and the default mix", "[cluster][generator]") {
  GeneratorSpec s = many();
  s.mix = {"bert-finetune", "ViT Small"};
  s.weights = {3, 1};
  auto sh = shares(generate_jobs(s));
  REQUIRE(sh.size() == 2);
  CHECK(sh["bert-finetune"] == Approx(0.75).margin(0.01));
  CHECK(sh["vit-small"] == Approx(0.25).margin(0.01));

  s.weights = {0, 1};
  sh = shares(generate_jobs(s));
  CHECK(sh.size() == 1);
  CHECK(sh["vit-small"] == Approx(1));

  // The default: the ten catalog jobs with at most 8 GPUs, equally often.
  sh = shares(generate_jobs(many()));
  CHECK(sh.size() == 10);
  CHECK(sh.count("transformer-6b") == 0);
  for (const auto& [name, share] : sh) {
    INFO(name);
    CHECK(share == Approx(0.1).margin(0.006));
  }
}

TEST_CASE("generator: the interruptible share changes nothing else", "[cluster][generator]") {
  GeneratorSpec s = many();
  s.interruptible_share = 0.3;
  const auto some = generate_jobs(s);
  s.interruptible_share = 0.6;
  const auto more = generate_jobs(s);
  std::size_t n_some = 0;
  std::size_t n_more = 0;
  for (std::size_t i = 0; i < kMany; ++i) {
    REQUIRE(some[i].arrival == more[i].arrival);
    REQUIRE(some[i].workload == more[i].workload);
    if (some[i].interruptible) REQUIRE(more[i].interruptible);
    n_some += some[i].interruptible ? 1 : 0;
    n_more += more[i].interruptible ? 1 : 0;
  }
  CHECK(static_cast<double>(n_some) / kManyJobs == Approx(0.3).margin(0.01));
  CHECK(static_cast<double>(n_more) / kManyJobs == Approx(0.6).margin(0.01));
}

TEST_CASE("generator: the text form", "[cluster][generator]") {
  const auto s = GeneratorSpec::parse(
      "poisson:rate=12/h,jobs=10000,seed=3,mix=bert-finetune;vit-small,weights=3;1,"
      "interruptible=0.5,slack=24h,origin=2020-01-01");
  CHECK(s.shape == GeneratorSpec::Shape::poisson);
  CHECK(s.jobs_per_hour == 12);
  CHECK(s.jobs == 10000);
  CHECK(s.seed == 3);
  CHECK(s.mix == std::vector<std::string>{"bert-finetune", "vit-small"});
  CHECK(s.weights == std::vector<double>{3, 1});
  CHECK(s.interruptible_share == 0.5);
  CHECK(GeneratorSpec::parse("poisson:interruptible=0").interruptible_share == 0.0);
  CHECK_FALSE(GeneratorSpec::parse("poisson:rate=1/h").interruptible_share.has_value());
  CHECK(*s.slack == Seconds{86400});
  CHECK(s.origin == k2020);

  const auto d = GeneratorSpec::parse("diurnal:rate=288/d,jobs=1000,amplitude=0.8,peak=14");
  CHECK(d.shape == GeneratorSpec::Shape::diurnal);
  CHECK(d.jobs_per_hour == 12);
  CHECK(d.amplitude == 0.8);
  CHECK(d.peak_hour == 14);
  CHECK(GeneratorSpec::parse("poisson:rate=1/30min").jobs_per_hour == 2);
  CHECK(GeneratorSpec::parse("poisson:interruptible=25%").interruptible_share == 0.25);
  CHECK(GeneratorSpec::parse(" Poisson ").jobs == GeneratorSpec{}.jobs);  // all defaults

  // describe() reads back to the same spec, and so to the same jobs.
  for (const auto& spec : {s, d, GeneratorSpec{}}) {
    INFO(spec.describe());
    const auto back = GeneratorSpec::parse(spec.describe());
    CHECK(back.describe() == spec.describe());
    GeneratorSpec small = spec;
    small.jobs = 200;
    GeneratorSpec small_back = back;
    small_back.jobs = 200;
    const auto x = generate_jobs(small);
    const auto y = generate_jobs(small_back);
    for (std::size_t i = 0; i < x.size(); ++i) CHECK(x[i].arrival == y[i].arrival);
  }
  CHECK(d.describe() == "diurnal:rate=12/h,jobs=1000,seed=1,amplitude=0.8,peak=14");
}

TEST_CASE("generator: bad specs", "[cluster][generator][errors]") {
  expect_spec_error("uniform:rate=1/h", {"unknown shape \"uniform\""});
  expect_spec_error("poisson:rat=1/h", {"unknown key \"rat\""});
  expect_spec_error("poisson:rate", {"\"rate\" is not key=value"});
  expect_spec_error("poisson:rate=12", {"no time unit", "12/h"});
  expect_spec_error("poisson:rate=12/fortnight", {"rate period"});
  expect_spec_error("poisson:rate=x/h", {"rate \"x\" is not a number"});
  expect_spec_error("poisson:rate=0/h", {"must be positive"});
  expect_spec_error("poisson:rate=1/h,rate=2/h", {"given twice"});
  expect_spec_error("poisson:jobs=0", {"jobs 0 must be from 1 to 100,000,000"});
  expect_spec_error("poisson:jobs=100000001", {"jobs"});
  expect_spec_error("poisson:jobs=-1", {"not a whole number"});
  expect_spec_error("poisson:seed=1.5", {"seed \"1.5\""});
  expect_spec_error("poisson:amplitude=0.5", {"diurnal shape only"});
  expect_spec_error("diurnal:amplitude=1.5", {"amplitude 1.5 must be from 0 to 1"});
  expect_spec_error("diurnal:peak=24", {"peak 24"});
  expect_spec_error("poisson:mix=bert;vit-small", {"no workload 'bert'", "bert-finetune"});
  expect_spec_error("poisson:mix=vit-small;ViT Small", {"appears twice"});
  expect_spec_error("poisson:mix=vit-small;;vit-base", {"empty item"});
  expect_spec_error("poisson:mix=vit-small;vit-base,weights=1", {"1 weights for 2 workloads"});
  expect_spec_error("poisson:weights=1;2", {"weights need a mix"});
  expect_spec_error("poisson:mix=vit-small,weights=-1", {"weight -1"});
  expect_spec_error("poisson:mix=vit-small;vit-base,weights=0;0", {"add up to 0"});
  expect_spec_error("poisson:interruptible=1.5", {"interruptible share 1.5"});
  expect_spec_error("poisson:slack=soon", {"slack 'soon' is not a duration"});
  expect_spec_error("poisson:origin=yesterday", {"origin 'yesterday'"});

  GeneratorSpec s;  // built in code: generate_jobs checks it too
  s.jobs_per_hour = -1;
  CHECK_THROWS_AS(generate_jobs(s), ConfigError);
  s = GeneratorSpec{};
  s.jobs_per_hour = 1e-9;  // 1000 jobs over a million years
  CHECK_THROWS_WITH(generate_jobs(s), Contains("raise the rate"));
}
