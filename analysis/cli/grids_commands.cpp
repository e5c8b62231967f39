// `shiftsim grids ...`: import, list, show, regions, synth, derive-shape, calibrate.
#include <fmt/format.h>

#include <cmath>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "experiments/calibration.hpp"
#include "grids/archive_import.hpp"
#include "grids/calibrated.hpp"
#include "grids/forecast_error.hpp"
#include "grids/import.hpp"
#include "grids/readers/fields.hpp"
#include "grids/readers/reader.hpp"
#include "grids/regions.hpp"
#include "grids/stats.hpp"
#include "grids/store.hpp"
#include "grids/surrogate.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"

namespace shiftsim::cli {

namespace {

using grids::GridStore;
using grids::Series;
using nlohmann::ordered_json;

std::string repairs_text(const Series& s) {
  std::string out;
  for (const auto& [k, v] : s.repairs) out += fmt::format("{}{}={}", out.empty() ? "" : ",", k, v);
  return out.empty() ? "-" : out;
}

ordered_json series_json(const Series& s) {
  ordered_json j;
  j["zone"] = s.key.zone;
  j["signal"] = to_string(s.key.signal);
  j["basis"] = to_string(s.key.basis);
  j["from"] = format_time(s.start);
  j["to"] = format_time(s.end());
  j["step"] = format_duration(s.step);
  j["count"] = s.size();
  j["source"] = s.source;
  j["repairs"] = ordered_json::object();
  for (const auto& [k, v] : s.repairs) j["repairs"][k] = v;
  j["files"] = ordered_json::array();
  for (const auto& f : s.files) j["files"].push_back({{"name", f.name}, {"sha256", f.sha256}});
  // The issued forecasts kept beside the series (null: none).
  j["forecast_archive"] = s.forecast.empty()
                              ? ordered_json(nullptr)
                              : ordered_json{{"leads", s.forecast.leads},
                                             {"lead_step", format_duration(s.forecast.step)},
                                             {"horizon", format_duration(s.forecast.horizon())}};
  return j;
}

// Series a user means by ZONE: a region (its zone, BA and proxies) or a zone id.
void add_import(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand(
      "import", "Add or replace series in a grid store from downloaded CSV files");
  struct Args {
    std::vector<std::string> files;
    std::string into, signal, basis, duplicates = "drop-identical", gaps = "error", max_gap,
                                     resample, delimiter = ",";
    grids::ImportOptions o;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  std::string formats;
  for (const auto& r : grids::format_readers())
    formats += fmt::format("\n  {}: {}", r.name, r.description);
  cmd->add_option("files", a->files, "CSV files; several files of one zone join into one series")
      ->required();
  cmd->add_option("--grids,--into", a->into, "grid store (HDF5); created if missing")->required();
  cmd->add_option("--format", a->o.format, "auto (detect) or one of:" + formats)
      ->capture_default_str();
  cmd->add_option("--zone", a->o.zone, "zone id (needed where the file does not say)");
  cmd->add_option("--signal", a->signal, "average, marginal or surrogate (default: the format's)");
  cmd->add_option("--basis", a->basis, "direct or lifecycle (default: the format's)");
  cmd->add_option("--source", a->o.source, "who produced the data (default: the format's name)");
  cmd->add_option("--time-column", a->o.time_column, "generic: time column (default: first)");
  cmd->add_option("--value-column", a->o.value_column, "generic: value column");
  cmd->add_option("--time-format", a->o.time_format,
                  "generic: strftime-style layout, e.g. '%m/%d/%Y %H:%M' (default: ISO 8601)");
  cmd->add_option("--timezone", a->o.timezone, "generic: IANA zone of offset-less timestamps")
      ->capture_default_str();
  cmd->add_option("--unit", a->o.unit, "generic: g/kWh, kg/kWh, lbs/MWh or t/MWh")
      ->capture_default_str();
  cmd->add_option("--delimiter", a->delimiter, "field delimiter (one character)")
      ->capture_default_str();
  cmd->add_option("--skip-rows", a->o.skip_rows, "rows to skip before the header");
  cmd->add_option("--duplicates", a->duplicates, "error, drop-identical, keep-first or keep-last")
      ->capture_default_str();
  cmd->add_option("--gaps", a->gaps, "error, interpolate or hold")->capture_default_str();
  cmd->add_option("--max-gap", a->max_gap, "longest gap --gaps may fill, e.g. 3h");
  cmd->add_option("--resample", a->resample,
                  "put irregular timestamps on this step (each value holds until the next, at "
                  "most this long), e.g. 30min");
  cmd->add_flag("--json", a->json, "print what was imported as JSON");
  cmd->callback([a] {
    auto& o = a->o;
    if (a->delimiter.size() != 1)
      throw ConfigError(fmt::format("--delimiter '{}' must be one character", a->delimiter));
    o.delimiter = a->delimiter == "\\t" ? '\t' : a->delimiter[0];
    if (!a->signal.empty()) o.signal = parse_signal(a->signal);
    if (!a->basis.empty()) o.basis = parse_basis(a->basis);
    o.duplicates = grids::parse_duplicate_policy(a->duplicates);
    o.gaps = grids::parse_gap_policy(a->gaps);
    if (!a->max_gap.empty()) o.max_gap = parse_duration(a->max_gap, "--max-gap");
    if (!a->resample.empty()) o.resample = parse_duration(a->resample, "--resample");
    // Checked up front, whatever the format, so a typo never passes silently.
    (void)grids::unit_factor(o.unit);
    (void)WallClock(o.timezone);
    // The store is updated in place (an existing one is expected), but never over a file read.
    std::vector<NamedPath> inputs;
    for (const auto& f : a->files) inputs.push_back({f, "a file being imported"});
    check_output_path({a->into, "--into"}, inputs, /*force=*/true);
    GridStore store = GridStore::load_or_empty(a->into);
    auto report = grids::import_files(a->files, o, store);
    store.save(a->into);
    ordered_json out = ordered_json::array();
    for (const auto* keys : {&report.added, &report.replaced})
      for (const auto& k : *keys) {
        const Series& s = *store.find(k);
        if (a->json) {
          auto j = series_json(s);
          j["action"] = keys == &report.added ? "added" : "replaced";
          out.push_back(j);
        } else {
          fmt::print("{} {}: {} values, {} to {}, step {}, repairs {}\n",
                     keys == &report.added ? "added" : "replaced", k.label(), s.size(),
                     format_time(s.start), format_time(s.end()), format_duration(s.step),
                     repairs_text(s));
        }
      }
    if (a->json) fmt::print("{}\n", out.dump(2));
  });
}

void add_import_forecasts(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand(
      "import-forecasts",
      "Keep an archive of issued forecasts (issued_at,target_time,value rows) beside a series");
  struct Args {
    std::string file, into, series, delimiter = ",";
    grids::ArchiveImportOptions o;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("file", a->file, "CSV (or .csv.gz), one row per issue time and target")
      ->required();
  cmd->add_option("--grids,--into", a->into, "grid store (HDF5) holding the series")->required();
  cmd->add_option("--series", a->series,
                  "the series forecast, ZONE/SIGNAL/BASIS as `grids list` prints it")
      ->required();
  cmd->add_option("--issued-column", a->o.issued_column, "issue time column")
      ->capture_default_str();
  cmd->add_option("--target-column", a->o.target_column, "target time column")
      ->capture_default_str();
  cmd->add_option("--value-column", a->o.value_column, "forecast value column")
      ->capture_default_str();
  cmd->add_option("--time-format", a->o.time_format,
                  "strftime-style layout of both times (default: ISO 8601)");
  cmd->add_option("--timezone", a->o.timezone, "IANA zone of offset-less timestamps")
      ->capture_default_str();
  cmd->add_option("--unit", a->o.unit, "g/kWh, kg/kWh, lbs/MWh or t/MWh")->capture_default_str();
  cmd->add_option("--delimiter", a->delimiter, "field delimiter (one character)")
      ->capture_default_str();
  cmd->add_option("--skip-rows", a->o.skip_rows, "rows to skip before the header");
  cmd->callback([a] {
    if (a->delimiter.size() != 1)
      throw ConfigError(fmt::format("--delimiter '{}' must be one character", a->delimiter));
    a->o.delimiter = a->delimiter == "\\t" ? '\t' : a->delimiter[0];
    a->o.key = parse_series_key(a->series);
    (void)grids::unit_factor(a->o.unit);
    (void)WallClock(a->o.timezone);
    const std::vector<NamedPath> inputs{{a->file, "the archive being imported"}};
    check_output_path({a->into, "--into"}, inputs, /*force=*/true);
    GridStore store = GridStore::load(a->into);
    const auto r = grids::import_forecast_archive(a->file, a->o, store);
    store.save(a->into);
    fmt::print(
        "{} the archive of {}: {} forecasts issued at {} times, {} leads every {} (a {} "
        "horizon){}\n",
        r.replaced ? "replaced" : "added", a->o.key.label(), r.rows - r.outside, r.issues, r.leads,
        format_duration(store.find(a->o.key)->forecast.step),
        format_duration(store.find(a->o.key)->forecast.horizon()),
        r.outside ? fmt::format("; {} rows issued outside the series skipped", r.outside)
                  : std::string{});
  });
}

void add_list(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand("list", "List the series in a grid store");
  auto store_path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("store", *store_path, "grid store (HDF5)")->required();
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([store_path, json] {
    GridStore store = GridStore::load(*store_path);
    if (*json) {
      ordered_json out = ordered_json::array();
      for (const auto& [k, s] : store.series()) out.push_back(series_json(s));
      fmt::print("{}\n", out.dump(2));
      return;
    }
    fmt::print("{:<18} {:<9} {:<9} {:<20} {:<20} {:>5} {:>8}  {}\n", "zone", "signal", "basis",
               "from", "to", "step", "count", "repairs");
    for (const auto& [k, s] : store.series())
      fmt::print("{:<18} {:<9} {:<9} {:<20} {:<20} {:>5} {:>8}  {}\n", k.zone, to_string(k.signal),
                 to_string(k.basis), format_time(s.start), format_time(s.end()),
                 format_duration(s.step), s.size(), repairs_text(s));
    for (const auto& [k, s] : store.series())
      if (!s.forecast.empty())
        fmt::print(
            "\n{} also holds the forecasts issued at each step: {} leads every {} (a {} "
            "horizon){}.\n",
            k.label(), s.forecast.leads, format_duration(s.forecast.step),
            format_duration(s.forecast.horizon()),
            s.repairs.contains("forecast_rows_missing")
                ? fmt::format("; {} steps have none", s.repairs.at("forecast_rows_missing"))
                : std::string{});
    for (const auto& [k, s] : store.series())
      if (k.signal == Signal::surrogate) {
        fmt::print(
            "\nNote: 'surrogate' series are SYNTHETIC stand-ins generated by shiftsim, not "
            "measured data.\n");
        break;
      }
    std::vector<std::string> calibrated;
    for (const auto& [k, s] : store.series())
      if (s.source.find(grids::kCalibratedNote) != std::string::npos) calibrated.push_back(k.zone);
    if (!calibrated.empty())
      fmt::print("{} of them ({}) are {}: fitted to the paper's per-region results, not data.\n",
                 calibrated.size(), fmt::join(calibrated, ", "), grids::kCalibratedNote);
  });
}

// The archive's error by lead: every 6th lead and the first in text (all of them with --json).
void print_forecast_error(const grids::ArchiveError& e) {
  constexpr std::size_t kEvery = 6;
  fmt::print(
      "  issued forecasts: error against the actual series by lead ({} issues; mean actual "
      "{:.1f})\n",
      e.issues, e.mean_actual);
  fmt::print("    {:>6} {:>8} {:>9} {:>9} {:>11} {:>11}\n", "lead", "ahead", "MAE", "bias",
             "rank right", "order right");
  for (const auto& l : e.leads) {
    if (l.lead != 1 && l.lead % kEvery != 0 && l.lead != e.leads.size()) continue;
    fmt::print("    {:>6} {:>8} {:>9.1f} {:>+9.1f} {:>10.1f}% {:>10.1f}%\n", l.lead,
               format_duration(l.ahead), l.mae, l.bias, 100 * l.rank_share, 100 * l.order_share);
  }
  fmt::print(
      "    (MAE and bias in g/kWh, bias > 0: too high; over {} full horizons, rank right: the "
      "share where the step's rank among the horizon's steps is right, order right: the share "
      "of the other steps it is rightly ordered against; --json for every lead)\n",
      e.full_horizons);
}

void add_show(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand("show", "Summary figures of a zone's series");
  struct Args {
    std::string store, zone, signal, basis;
    std::optional<int> year;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("store", a->store, "grid store (HDF5)")->required();
  cmd->add_option("zone", a->zone, "zone id, WattTime BA, or region (label or cloud name)")
      ->required();
  cmd->add_option("--signal", a->signal, "only this signal");
  cmd->add_option("--basis", a->basis, "only this basis");
  cmd->add_option("--year", a->year, "only this calendar year (UTC)");
  cmd->add_flag("--json", a->json, "print JSON");
  cmd->callback([a] {
    GridStore store = GridStore::load(a->store);
    const auto found = grids::series_for(
        store, a->zone, a->signal.empty() ? std::nullopt : std::optional(parse_signal(a->signal)),
        a->basis.empty() ? std::nullopt : std::optional(parse_basis(a->basis)));
    if (found.empty())
      throw ConfigError(fmt::format(
          "{}: no series for '{}'{}; 'shiftsim grids list {}' shows "
          "what the store holds",
          a->store, a->zone, a->signal.empty() && a->basis.empty() ? "" : " with that signal/basis",
          a->store));
    ordered_json out = ordered_json::array();
    for (const Series* s : found) {
      auto st = grids::compute_stats(*s, a->year);
      if (!st) {
        if (!a->json) fmt::print("{}: no values in {}\n", s->key.label(), a->year.value_or(0));
        continue;
      }
      if (a->json) {
        auto j = series_json(*s);
        j["stats"] = {{"from", format_time(st->first)},
                      {"to", format_time(st->end)},
                      {"count", st->count},
                      {"mean", st->mean},
                      {"min", st->min},
                      {"max", st->max},
                      {"mean_daily_range", st->mean_daily_range},
                      {"full_days", st->full_days},
                      {"estimated_share", st->estimated_share},
                      {"repaired_share", st->repaired_share}};
        if (a->year) j["stats"]["year"] = *a->year;
        if (const auto e = grids::forecast_error(*s, a->year)) {
          ordered_json leads = ordered_json::array();
          for (const auto& l : e->leads)
            leads.push_back({{"lead", l.lead},
                             {"ahead", format_duration(l.ahead)},
                             {"count", l.count},
                             {"mae", l.mae},
                             {"bias", l.bias},
                             {"rank_share", l.rank_share},
                             {"order_share", l.order_share}});
          j["forecast_error"] = {{"issues", e->issues},
                                 {"full_horizons", e->full_horizons},
                                 {"mean_actual", e->mean_actual},
                                 {"by_lead", leads}};
        }
        out.push_back(j);
        continue;
      }
      fmt::print("{}  ({}{})\n", s->key.label(), s->source,
                 s->key.signal == Signal::surrogate ? "; SYNTHETIC" : "");
      fmt::print("  span            {} to {} ({} values at {})\n", format_time(st->first),
                 format_time(st->end), st->count, format_duration(s->step));
      fmt::print("  mean            {:.1f} gCO2eq/kWh\n", st->mean);
      fmt::print("  min / max       {:.1f} / {:.1f}\n", st->min, st->max);
      fmt::print("  daily max-min   {:.1f} (mean over {} complete UTC days)\n",
                 st->mean_daily_range, st->full_days);
      fmt::print("  estimated       {:.1f}% of values (by the provider)\n",
                 100 * st->estimated_share);
      fmt::print("  repaired        {:.1f}% of values ({})\n", 100 * st->repaired_share,
                 repairs_text(*s));
      if (const auto e = grids::forecast_error(*s, a->year)) print_forecast_error(*e);
    }
    if (a->json) fmt::print("{}\n", out.dump(2));
  });
}

void add_regions(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand(
      "regions", "The 16 cloud regions of the paper, and which a store covers");
  auto store_path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--grids,--store", *store_path, "grid store whose coverage to show");
  cmd->add_flag("--json", *json, "print JSON");
  cmd->callback([store_path, json] {
    std::optional<GridStore> store;
    if (!store_path->empty()) store = GridStore::load(*store_path);
    ordered_json out = ordered_json::array();
    if (!*json)
      fmt::print("{:<14} {:<19} {:<20} {:<20} {:<17} {:<12}{}\n", "label", "cloud region",
                 "location", "timezone", "watttime BA", "zone", store ? "  covered by" : "");
    for (const auto& r : grids::paper_regions()) {
      std::vector<std::string> cover;
      if (store)
        for (const Series* s : grids::series_for_region(*store, r))
          cover.push_back(fmt::format("{} {}..{}", s->key.label(), year_of(s->start),
                                      year_of(s->end() - Seconds{1})));
      if (*json) {
        ordered_json j{{"label", r.label},
                       {"cloud_region", r.cloud_region},
                       {"location", r.location},
                       {"timezone", r.timezone},
                       {"watttime_ba", r.watttime_ba},
                       {"zone", r.zone},
                       {"proxy_zones", r.proxy_zones}};
        if (store) j["covered_by"] = cover;
        out.push_back(j);
        continue;
      }
      std::string cov;
      if (store) {
        cov = "  ";
        for (std::size_t i = 0; i < cover.size(); ++i) cov += (i ? "; " : "") + cover[i];
        if (cover.empty()) cov += "NOT COVERED";
      }
      fmt::print("{:<14} {:<19} {:<20} {:<20} {:<17} {:<12}{}\n", r.label, r.cloud_region,
                 r.location, r.timezone, r.watttime_ba, r.zone, cov);
    }
    if (*json) fmt::print("{}\n", out.dump(2));
  });
}

void add_synth(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand(
      "synth", "Generate the built-in SYNTHETIC surrogate series for the 16 regions");
  struct Args {
    std::vector<int> years{2020};
    std::string step = "5min", into;
    std::string seed = "1";  // parse_seed: one meaning and one message for --seed everywhere
    bool calibrated = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_flag("--calibrated", a->calibrated,
                "the surrogate calibrated to the paper's Figs. 3-4 (grids/data/"
                "surrogate_calibrated.csv), as the README's main job uses");
  cmd->add_option("--years", a->years, "consecutive calendar years")->capture_default_str();
  cmd->add_option("--step", a->step, "step, dividing a day")->capture_default_str();
  cmd->add_option("--seed", a->seed, "random seed")->capture_default_str();
  cmd->add_option("--grids,--into", a->into, "grid store (HDF5); created if missing")->required();
  cmd->callback([a] {
    grids::SynthOptions o{a->years, parse_duration(a->step, "--step"), parse_seed(a->seed)};
    auto series = a->calibrated ? grids::synthesize_calibrated(o) : grids::synthesize(o);
    check_output_path({a->into, "--into"}, {}, /*force=*/true);
    GridStore store = GridStore::load_or_empty(a->into);
    for (auto& s : series) store.put(std::move(s));
    store.save(a->into);
    fmt::print("wrote {} {} surrogate series ({} to {}, step {}, seed {}) into {}\n",
               grids::paper_regions().size(), a->calibrated ? grids::kCalibratedNote : "SYNTHETIC",
               a->years.front(), a->years.back(), format_duration(o.step), o.seed, a->into);
  });
}

void add_derive_shape(CLI::App& grids_app) {
  auto* cmd =
      grids_app.add_subcommand("derive-shape",
                               "Derive a region's surrogate shape figures from real data (a row of "
                               "grids/data/surrogate_shape.csv)");
  struct Args {
    std::string store, region, zone, basis, source, signal = "average";
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("store", a->store, "grid store with the real series")->required();
  cmd->add_option("--region", a->region, "paper region the row is for")->required();
  cmd->add_option("--zone", a->zone, "zone of the real series (default: the region's)");
  cmd->add_option("--basis", a->basis, "basis of the real series (default: the only one)");
  cmd->add_option("--source", a->source, "source text for the row");
  cmd->add_option("--signal", a->signal, "signal of the real series (average or marginal)")
      ->capture_default_str();
  cmd->callback([a] {
    const auto& region = grids::resolve_region(a->region);
    const Signal signal = parse_signal(a->signal);
    GridStore store = GridStore::load(a->store);
    const std::string zone = a->zone.empty() ? region.zone : a->zone;
    const Series* pick = nullptr;
    for (const Series* s : store.find_zone(zone))
      if (s->key.signal == signal && (a->basis.empty() || s->key.basis == parse_basis(a->basis)))
        pick = pick ? pick : s;
    if (!pick)
      throw ConfigError(fmt::format("{}: no {} series for zone {}", a->store, a->signal, zone));
    auto shape = grids::derive_shape(*pick, region.timezone);
    // Print peak hours in [0, period) after rounding, so 23.999 does not print as 24.00.
    auto wrap = [](double h, double period) {
      double r = std::round(h * 100) / 100;
      return r >= period ? r - period : r;
    };
    shape.p1 = wrap(shape.p1, 24);
    shape.p2 = wrap(shape.p2, 12);
    fmt::print("{},{},{},{},{:.4f},{:.2f},{:.4f},{:.2f},{:.4f},{:.3f},{:.4f},{:.3f}\n",
               region.label, zone, a->source.empty() ? pick->source : a->source, shape.year,
               shape.a1, shape.p1, shape.a2, shape.p2, shape.sigma_day, shape.phi_day,
               shape.sigma_hour, shape.phi_hour);
  });
}

void add_calibrate(CLI::App& grids_app) {
  auto* cmd = grids_app.add_subcommand(
      "calibrate",
      "Fit the calibrated surrogate to the paper's Figs. 3-4 and print its table "
      "(grids/data/surrogate_calibrated.csv)");
  struct Args {
    experiments::CalibrationSetup setup;
    std::string seed = "1";
    std::vector<std::string> regions;
    bool report = false;
    std::vector<double> predict;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--predict", a->predict,
                  "no fit: print the Fig. 3-4 values of the given figures (amp_scale sigma_day "
                  "sigma_hour phi_hour clean_level phi_clean) for each --region")
      ->expected(6);
  cmd->add_option("--seed", a->seed, "the surrogate's seed")->capture_default_str();
  cmd->add_option("--year", a->setup.year, "the year fitted")->capture_default_str();
  cmd->add_option("--evaluations", a->setup.max_evaluations, "model evaluations per region")
      ->capture_default_str()
      ->check(CLI::Range(experiments::kMinEvaluations, 100000));
  cmd->add_option("--region", a->regions, "fit only these regions (default: all 16)");
  cmd->add_flag("--report", a->report,
                "also print each region's fitted values beside the paper's (to stderr)");
  cmd->callback([a] {
    a->setup.seed = parse_seed(a->seed);
    std::vector<experiments::RegionFit> fits;
    if (!a->predict.empty()) {
      if (a->regions.empty())
        throw ConfigError("--predict needs one or more --region (the regions to compute)");
      const grids::CalibrationParams p{a->predict[0], a->predict[1], a->predict[2],
                                       a->predict[3], a->predict[4], a->predict[5]};
      for (const auto& r : a->regions) {
        double clean = 0;
        const auto v = experiments::predict_fig34(r, p, a->setup, &clean);
        const auto* paper = grids::find_paper_fig34(grids::resolve_region(r).label);
        if (paper == nullptr) throw ConfigError(fmt::format("no Fig. 3-4 values for '{}'", r));
        const auto pv = experiments::to_values(*paper);
        fmt::print("{} (clean share {:.3f}; paper's values in brackets)\n", r, clean);
        for (std::size_t i = 0; i < 16; ++i)
          fmt::print("{:7.2f} ({:6.2f}){}", v[i], pv[i], i % 4 == 3 ? "\n" : " ");
      }
      return;
    }
    if (a->regions.empty()) {
      fits = experiments::fit_all(a->setup);
    } else {
      for (const auto& r : a->regions) fits.push_back(experiments::fit_region(r, a->setup));
    }
    fmt::print("{}", experiments::calibration_table(fits, a->setup));
    if (!a->report) return;
    for (const auto& f : fits) {
      fmt::print(stderr, "{} ({} evaluations, rmse {:.2f} pp)\n", f.region.label, f.evaluations,
                 f.region.fit_rmse_pp);
      const char* rows[] = {"FS DenseNet-201", "FS 6B", "P&R DenseNet-201", "P&R 6B"};
      for (std::size_t r = 0; r < 4; ++r) {
        fmt::print(stderr, "  {:<17}", rows[r]);
        for (std::size_t k = 0; k < 4; ++k)
          fmt::print(stderr, " {:7.2f} ({:6.2f})", f.predicted[r * 4 + k], f.paper[r * 4 + k]);
        fmt::print(stderr, "\n");
      }
    }
  });
}

}  // namespace

void add_grids_commands(CLI::App& app) {
  auto* grids_app =
      app.add_subcommand("grids", "Carbon-intensity histories: import, inspect, synthesize");
  grids_app->require_subcommand(1);
  add_import(*grids_app);
  add_import_forecasts(*grids_app);
  add_list(*grids_app);
  add_show(*grids_app);
  add_regions(*grids_app);
  add_synth(*grids_app);
  add_derive_shape(*grids_app);
  add_calibrate(*grids_app);
  add_grids_export(*grids_app);
}

}  // namespace shiftsim::cli
