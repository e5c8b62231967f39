#include "workloads/jobs/generator.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/random.hpp"
#include "sim/core/units.hpp"
#include "workloads/catalog.hpp"

namespace shiftsim::workloads::jobs {

namespace {

constexpr std::string_view kSyntax =
    "write SHAPE:key=value,... with SHAPE poisson or diurnal and keys rate (e.g. 12/h), jobs, "
    "seed, mix (catalog names separated by ';'), weights (numbers separated by ';'), "
    "interruptible (a share from 0 to 1), slack (e.g. 24h), origin (e.g. 2020-01-01), and for "
    "diurnal amplitude (0 to 1) and peak (the UTC hour of the peak)";
// The default mix: catalog jobs small enough to share a site (see generator.hpp).
constexpr int kDefaultMixMaxGpus = 8;
constexpr char kShapeSeparator = ':';
constexpr char kItemSeparator = ',';
constexpr char kListSeparator = ';';
constexpr char kRateSeparator = '/';
constexpr char kPercentSign = '%';
constexpr double kPercent = 100.0;
constexpr double kHoursPerDay = 24.0;
constexpr std::int64_t kSecondsPerDay = 86400;
// As in trace.cpp: with |origin| at most a quarter of int64 and every duration at most
// kMaxDuration, arrival + length + slack cannot overflow.
constexpr std::int64_t kMaxOrigin = std::numeric_limits<std::int64_t>::max() / 4;

std::string_view to_string(GeneratorSpec::Shape s) {
  return s == GeneratorSpec::Shape::diurnal ? "diurnal" : "poisson";
}

[[noreturn]] void refuse(std::string_view text, const std::string& what) {
  throw ConfigError(fmt::format("generator \"{}\": {}; {}", text, what, kSyntax));
}

double parse_number(std::string_view text, std::string_view key, std::string_view value) {
  double v = 0;
  const char* last = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), last, v);
  if (value.empty() || ec != std::errc{} || ptr != last || !std::isfinite(v))
    refuse(text, fmt::format("{} \"{}\" is not a number", key, value));
  return v;
}

std::uint64_t parse_whole(std::string_view text, std::string_view key, std::string_view value) {
  std::uint64_t v = 0;
  const char* last = value.data() + value.size();
  auto [ptr, ec] = std::from_chars(value.data(), last, v);
  if (value.empty() || ec != std::errc{} || ptr != last)
    refuse(text, fmt::format("{} \"{}\" is not a whole number >= 0", key, value));
  return v;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = s.find(separator, from);
    parts.push_back(trim(s.substr(from, at == std::string_view::npos ? at : at - from)));
    if (at == std::string_view::npos) return parts;
    from = at + 1;
  }
}

// "12/h", "288/d", "1/30min": jobs per hour.
double parse_rate(std::string_view text, std::string_view value) {
  const std::size_t slash = value.find(kRateSeparator);
  if (slash == std::string_view::npos)
    refuse(text, fmt::format("rate \"{}\" has no time unit; write it like 12/h or 288/d", value));
  const double count = parse_number(text, "rate", trim(value.substr(0, slash)));
  const std::string_view unit = trim(value.substr(slash + 1));
  const bool bare = !unit.empty() && !std::isdigit(static_cast<unsigned char>(unit.front()));
  const std::string per = bare ? fmt::format("1{}", unit) : std::string(unit);  // h -> 1h
  Seconds period{};
  try {
    period = parse_duration(per, "rate period");
  } catch (const ConfigError& e) {
    refuse(text, e.what());
  }
  return count / (static_cast<double>(period.count()) / kSecondsPerHour);
}

double parse_share(std::string_view text, std::string_view value) {
  const bool percent = !value.empty() && value.back() == kPercentSign;
  const double v = parse_number(text, "interruptible",
                                percent ? trim(value.substr(0, value.size() - 1)) : value);
  return percent ? v / kPercent : v;
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : std::string(1, kListSeparator)) + s;
  return out;
}

// The catalog entries of the mix, in its order; the default mix when it is empty.
std::vector<const workloads::CatalogEntry*> resolve_mix(const std::vector<std::string>& mix) {
  const auto& catalog = workloads::builtin_catalog();
  std::vector<const workloads::CatalogEntry*> entries;
  if (mix.empty()) {
    for (const auto& e : catalog.entries())
      if (e.gpus <= kDefaultMixMaxGpus) entries.push_back(&e);
    return entries;
  }
  for (const auto& name : mix) {
    const auto* e = catalog.find(name);
    if (!e)
      throw ConfigError(fmt::format("generator mix: no workload '{}' in the catalog; use {}", name,
                                    catalog.names()));
    if (std::find(entries.begin(), entries.end(), e) != entries.end())
      throw ConfigError(
          fmt::format("generator mix: '{}' appears twice; give it once, with a "
                      "weight if it should be more frequent",
                      name));
    entries.push_back(e);
  }
  return entries;
}

// splitmix64 (sim/core/random.hpp): seeds 1, 2, 3 become unrelated states, where xorshift
// seeded with small neighbours would start with correlated outputs.
std::uint64_t scramble(std::uint64_t seed) { return splitmix64(seed); }

// Inverse CDF: u in [0, 1), so 1 - u is in (0, 1] and the logarithm is finite.
double exponential(Xorshift64Star& rng, double rate) { return -std::log(1.0 - rng.unit()) / rate; }

struct Template {
  const workloads::CatalogEntry* entry;
  workloads::Workload workload;
};

}  // namespace

GeneratorSpec GeneratorSpec::parse(std::string_view text) {
  GeneratorSpec spec;
  const std::string_view t = trim(text);
  const std::size_t colon = t.find(kShapeSeparator);
  const std::string_view shape = trim(t.substr(0, colon));
  if (iequals(shape, "poisson")) {
    spec.shape = Shape::poisson;
  } else if (iequals(shape, "diurnal")) {
    spec.shape = Shape::diurnal;
  } else {
    refuse(text, fmt::format("unknown shape \"{}\"", shape));
  }
  std::vector<std::string_view> seen;
  if (colon != std::string_view::npos && !trim(t.substr(colon + 1)).empty()) {
    for (const std::string_view item : split(t.substr(colon + 1), kItemSeparator)) {
      const std::size_t eq = item.find('=');
      if (eq == std::string_view::npos) refuse(text, fmt::format("\"{}\" is not key=value", item));
      const std::string_view key = trim(item.substr(0, eq));
      const std::string_view value = trim(item.substr(eq + 1));
      if (std::find(seen.begin(), seen.end(), key) != seen.end())
        refuse(text, fmt::format("key {} is given twice", key));
      seen.push_back(key);
      if (key == "rate") {
        spec.jobs_per_hour = parse_rate(text, value);
      } else if (key == "jobs") {
        spec.jobs = static_cast<std::size_t>(parse_whole(text, key, value));
      } else if (key == "seed") {
        spec.seed = parse_whole(text, key, value);
      } else if (key == "mix" || key == "weights") {
        const auto parts = split(value, kListSeparator);
        for (const auto p : parts) {
          if (p.empty()) refuse(text, fmt::format("{} \"{}\" has an empty item", key, value));
          if (key == "mix") {
            spec.mix.emplace_back(p);
          } else {
            spec.weights.push_back(parse_number(text, "weight", p));
          }
        }
      } else if (key == "interruptible") {
        spec.interruptible_share = parse_share(text, value);
      } else if (key == "slack") {
        try {
          spec.slack = parse_duration(value, "slack", Zero::allowed);
        } catch (const ConfigError& e) {
          refuse(text, e.what());
        }
      } else if (key == "origin") {
        try {
          spec.origin = parse_time(value, "origin").time_since_epoch().count();
        } catch (const ConfigError& e) {
          refuse(text, e.what());
        }
      } else if ((key == "amplitude" || key == "peak") && spec.shape == Shape::diurnal) {
        (key == "amplitude" ? spec.amplitude : spec.peak_hour) = parse_number(text, key, value);
      } else if (key == "amplitude" || key == "peak") {
        refuse(text, fmt::format("{} applies to the diurnal shape only", key));
      } else {
        refuse(text, fmt::format("unknown key \"{}\"", key));
      }
    }
  }
  try {
    spec.validate();
  } catch (const ConfigError& e) {
    refuse(text, e.what());
  }
  return spec;
}

std::string GeneratorSpec::describe() const {
  std::string out =
      fmt::format("{}:rate={}/h,jobs={},seed={}", to_string(shape), jobs_per_hour, jobs, seed);
  if (shape == Shape::diurnal) out += fmt::format(",amplitude={},peak={}", amplitude, peak_hour);
  if (!mix.empty()) out += ",mix=" + join(mix);
  if (!weights.empty()) {
    std::vector<std::string> w;
    for (double x : weights) w.push_back(fmt::format("{}", x));
    out += ",weights=" + join(w);
  }
  if (interruptible_share) out += fmt::format(",interruptible={}", *interruptible_share);
  if (slack) out += ",slack=" + format_duration(*slack);
  if (origin != 0) out += ",origin=" + format_time(TimePoint{Seconds{origin}});
  return out;
}

void GeneratorSpec::validate() const {
  if (!std::isfinite(jobs_per_hour) || jobs_per_hour <= 0)
    throw ConfigError(fmt::format("rate {}/h must be positive", jobs_per_hour));
  if (jobs < 1 || jobs > kMaxGeneratedJobs)
    throw ConfigError(
        fmt::format("jobs {} must be from 1 to {}", jobs, fmt::group_digits(kMaxGeneratedJobs)));
  if (!(amplitude >= 0 && amplitude <= 1))
    throw ConfigError(fmt::format("amplitude {} must be from 0 to 1", amplitude));
  if (!(peak_hour >= 0 && peak_hour < kHoursPerDay))
    throw ConfigError(fmt::format("peak {} must be an hour from 0 to 24 (excluded)", peak_hour));
  if (interruptible_share && !(*interruptible_share >= 0 && *interruptible_share <= 1))
    throw ConfigError(
        fmt::format("interruptible share {} must be from 0 to 1", *interruptible_share));
  if (slack && (*slack < Seconds{0} || *slack > kMaxDuration))
    throw ConfigError(fmt::format("slack {} s must be from 0 to {}", slack->count(),
                                  format_duration(kMaxDuration)));
  if (origin < -kMaxOrigin || origin > kMaxOrigin)
    throw ConfigError(
        fmt::format("origin {} (Unix seconds) is outside the calendar shiftsim "
                    "handles; give a date such as 2020-01-01",
                    origin));
  resolve_mix(mix);  // throws for a name not in the catalog, or named twice
  if (!weights.empty()) {
    if (mix.empty()) throw ConfigError("weights need a mix: name the workloads they weigh");
    if (weights.size() != mix.size())
      throw ConfigError(fmt::format("{} weights for {} workloads in the mix; give one per workload",
                                    weights.size(), mix.size()));
    double total = 0;
    for (double w : weights) {
      if (!std::isfinite(w) || w < 0)
        throw ConfigError(fmt::format("weight {} must be a number >= 0", w));
      total += w;
    }
    if (!(total > 0) || !std::isfinite(total))
      throw ConfigError(
          "the weights add up to 0 (or overflow); give at least one a positive weight");
  }
}

std::vector<ClusterJob> generate_jobs(const GeneratorSpec& spec) {
  spec.validate();
  const auto entries = resolve_mix(spec.mix);
  std::vector<Template> templates;
  std::vector<double> cumulative;  // cumulative[i]: the share of the mix's first i + 1 entries
  double total = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    templates.push_back({entries[i], entries[i]->workload(workloads::builtin_catalog().source())});
    total += spec.weights.empty() ? 1.0 : spec.weights[i];
    cumulative.push_back(total);
  }
  for (double& c : cumulative) c /= total;
  // Rounding may leave the last share a hair below 1: a draw above it takes the last entry with
  // a positive weight.
  std::size_t last_positive = templates.size() - 1;
  while (!spec.weights.empty() && spec.weights[last_positive] <= 0) --last_positive;

  const bool diurnal = spec.shape == GeneratorSpec::Shape::diurnal;
  const double mean_rate = spec.jobs_per_hour / kSecondsPerHour;  // per second
  const double peak_rate = diurnal ? mean_rate * (1 + spec.amplitude) : mean_rate;
  const auto day = static_cast<double>(kSecondsPerDay);
  const auto origin_in_day =
      static_cast<double>(((spec.origin % kSecondsPerDay) + kSecondsPerDay) % kSecondsPerDay);
  const auto max_offset = static_cast<double>(kMaxDuration.count());

  Xorshift64Star rng(scramble(spec.seed));
  std::vector<ClusterJob> jobs;
  jobs.reserve(spec.jobs);
  double t = 0;  // seconds since origin, unrounded: rounding each gap would bias the rate
  while (jobs.size() < spec.jobs) {
    t += exponential(rng, peak_rate);
    if (t > max_offset)
      throw ConfigError(fmt::format(
          "generator: {} jobs at {}/h would arrive over more than {}; raise the rate or ask for "
          "fewer jobs",
          spec.jobs, spec.jobs_per_hour, format_duration(kMaxDuration)));
    if (diurnal) {
      const double hour = std::fmod(origin_in_day + t, day) / kSecondsPerHour;
      const double angle = 2 * std::numbers::pi * (hour - spec.peak_hour) / kHoursPerDay;
      const double keep = (1 + spec.amplitude * std::cos(angle)) / (1 + spec.amplitude);
      if (rng.unit() >= keep) continue;
    }
    const double pick = rng.unit();
    const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), pick);
    const Template& chosen =
        templates[it == cumulative.end() ? last_positive
                                         : static_cast<std::size_t>(it - cumulative.begin())];
    const bool interruptible = rng.unit() < spec.interruptible_share.value_or(0.0);
    const std::int64_t arrival = spec.origin + std::llround(t);
    const Seconds length = chosen.workload.duration();
    jobs.push_back(ClusterJob{
        .id = fmt::format("g{}", jobs.size() + 1),
        .arrival = arrival,
        .accelerators = chosen.workload.accelerators,
        .power = chosen.workload.profile,
        .deadline =
            spec.slack ? std::optional<std::int64_t>(arrival + length.count() + spec.slack->count())
                       : std::nullopt,
        .deferrable = true,
        .interruptible = interruptible,
        .workload = chosen.entry->name,
        .parents = {},
        .line = 0});
  }
  return jobs;
}

}  // namespace shiftsim::workloads::jobs
