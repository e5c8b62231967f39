#include "grids/assemble.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sim/core/errors.hpp"

namespace shiftsim::grids {

namespace {

struct Entry {
  std::int64_t t;
  double value;
  bool estimated;
  std::uint32_t file;  // index into the key's file list
  std::uint32_t line;
};

struct Where {
  const std::vector<const RawFile*>& files;
  std::string file(const Entry& e) const { return files[e.file]->path; }
};

std::string when(std::int64_t t) { return format_time(TimePoint{Seconds{t}}); }

// The grid is sized by the time span, not by the rows, so a mistyped year in a three-row file
// would ask for billions of slots. Five million values is 47 years at 5 minutes.
constexpr std::int64_t kMaxSeriesValues = 5'000'000;

// No grid operator publishes intensities coarser than daily; a longer step is a file of a few
// rows with a mistyped year, whose result would be one or two values stretched over decades.
constexpr Seconds kMaxStep = kDay;

void check_span(const std::vector<Entry>& e, std::int64_t step, const Where& where) {
  const std::int64_t n = (e.back().t - e.front().t) / step + 1;
  if (n <= kMaxSeriesValues) return;
  std::size_t jump = 1;
  for (std::size_t i = 1; i < e.size(); ++i)
    if (e[i].t - e[i - 1].t > e[jump].t - e[jump - 1].t) jump = i;
  throw ParseError(
      where.file(e[jump]), e[jump].line,
      fmt::format("the timestamps jump from {} to {}, which would make a series of {} values at "
                  "step {} (at most {})",
                  when(e[jump - 1].t), when(e[jump].t), n, format_duration(Seconds{step}),
                  kMaxSeriesValues),
      "check the row for a mistyped year; import data this long in pieces of a coarser step");
}

void check_order(const RawFile& f) {
  std::vector<std::int64_t> seen;  // strictly increasing
  seen.reserve(f.points.size());
  for (const auto& p : f.points) {
    auto t = p.time.time_since_epoch().count();
    if (seen.empty() || t > seen.back()) {
      seen.push_back(t);
      continue;
    }
    if (!std::binary_search(seen.begin(), seen.end(), t))
      throw ParseError(
          f.path, p.line,
          fmt::format("timestamp {} is out of order (after {})", when(t), when(seen.back())),
          "sort the file by time");
  }
}

// Collapses repeats of one timestamp per the policy; returns the surviving entry.
Entry resolve_duplicates(const Entry* first, const Entry* last, const Where& where,
                         DuplicatePolicy policy, std::map<std::string, std::int64_t>& repairs) {
  // An empty cell repeated next to a value is not a conflict: the value wins.
  std::vector<const Entry*> valued;
  for (const Entry* e = first; e != last; ++e)
    if (!std::isnan(e->value)) valued.push_back(e);
  const auto n = static_cast<std::int64_t>(last - first);
  if (policy == DuplicatePolicy::error)
    throw ParseError(where.file(first[1]), first[1].line,
                     fmt::format("timestamp {} is duplicated (first at {}:{})", when(first->t),
                                 where.file(*first), first->line),
                     "use --duplicates drop-identical, keep-first or keep-last to repair");
  if (valued.empty()) {
    repairs["duplicates_dropped"] += n - 1;
    return *first;
  }
  bool identical = std::all_of(valued.begin(), valued.end(),
                               [&](const Entry* e) { return e->value == valued.front()->value; });
  if (identical) {
    repairs["duplicates_dropped"] += n - 1;
    return *valued.front();
  }
  const Entry& a = *valued.front();
  const Entry& b = **std::find_if(valued.begin(), valued.end(),
                                  [&](const Entry* e) { return e->value != a.value; });
  if (policy == DuplicatePolicy::drop_identical) {
    std::string what = a.file == b.file
                           ? fmt::format(
                                 "timestamp {} appears again with a different value ({} "
                                 "here, {} at line {})",
                                 when(a.t), b.value, a.value, a.line)
                           : fmt::format(
                                 "files overlap with different values: {} is {} here "
                                 "and {} in {}:{}",
                                 when(a.t), b.value, a.value, where.file(a), a.line);
    throw ParseError(where.file(b), b.line, what,
                     "use --duplicates keep-first or keep-last to choose, or fix the file");
  }
  repairs[policy == DuplicatePolicy::keep_first ? "duplicates_kept_first"
                                                : "duplicates_kept_last"] += n - 1;
  return policy == DuplicatePolicy::keep_first ? *valued.front() : *valued.back();
}

std::int64_t most_common_interval(const std::vector<Entry>& e) {
  std::map<std::int64_t, std::size_t> counts;
  for (std::size_t i = 1; i < e.size(); ++i) ++counts[e[i].t - e[i - 1].t];
  std::int64_t best = 0;
  std::size_t best_n = 0;
  for (auto [d, n] : counts)
    if (n > best_n) best = d, best_n = n;  // ties: the smaller interval (map order)
  return best;
}

struct Grid {
  std::int64_t start = 0;
  std::int64_t step = 0;
  std::vector<double> values;
  std::vector<std::uint8_t> flags;
  std::vector<const Entry*> next_entry;  // for messages: the entry at or after each slot
};

Grid regular(const std::vector<Entry>& e, std::int64_t step, const Where& where) {
  Grid g;
  g.start = e.front().t;
  g.step = step;
  for (std::size_t i = 1; i < e.size(); ++i) {
    auto d = e[i].t - e[i - 1].t;
    // A longer interval is a gap, unless it repeats: three equal intervals in a row are a
    // coarser section of the file, i.e. the step changed.
    const bool regular_run =
        d != step && i + 2 < e.size() && e[i + 1].t - e[i].t == d && e[i + 2].t - e[i + 1].t == d;
    if (d % step != 0 || regular_run)
      throw ParseError(where.file(e[i]), e[i].line,
                       fmt::format("the step changes: {} follows {} after {}, but the series "
                                   "steps by {}",
                                   when(e[i].t), when(e[i - 1].t), format_duration(Seconds{d}),
                                   format_duration(Seconds{step})),
                       fmt::format("use --resample {} to put the data on a regular step (each "
                                   "value holds until the next, at most that long)",
                                   format_duration(Seconds{std::max(d, step)})));
  }
  check_span(e, step, where);
  auto n = static_cast<std::size_t>((e.back().t - g.start) / step + 1);
  g.values.assign(n, std::nan(""));
  g.flags.assign(n, 0);
  g.next_entry.assign(n, nullptr);
  std::size_t k = 0;
  for (std::size_t s = 0; s < n; ++s) {
    auto t = g.start + static_cast<std::int64_t>(s) * step;
    while (e[k].t < t) ++k;
    g.next_entry[s] = &e[k];
    if (e[k].t == t) {
      g.values[s] = e[k].value;
      g.flags[s] = e[k].estimated ? kEstimated : 0;
    }
  }
  return g;
}

// Each value holds from its timestamp until the next one, at most `step`; a slot's value is
// the time-weighted mean of what covers it.
Grid resampled(const std::vector<Entry>& e, std::int64_t step, const Where& where,
               std::map<std::string, std::int64_t>& repairs) {
  check_span(e, step, where);
  Grid g;
  g.step = step;
  g.start = floor_to(TimePoint{Seconds{e.front().t}}, Seconds{step}).time_since_epoch().count();
  auto end =
      ceil_to(TimePoint{Seconds{e.back().t + step}}, Seconds{step}).time_since_epoch().count();
  auto n = static_cast<std::size_t>((end - g.start) / step);
  std::vector<double> weighted(n, 0.0), covered(n, 0.0);
  std::vector<std::size_t> contributors(n, 0);
  g.flags.assign(n, 0);
  g.next_entry.assign(n, nullptr);
  for (std::size_t i = 0; i < e.size(); ++i) {
    if (std::isnan(e[i].value)) continue;
    auto a = e[i].t;
    auto b = std::min(i + 1 < e.size() ? e[i + 1].t : a + step, a + step);
    for (auto s = static_cast<std::size_t>((a - g.start) / step); s < n; ++s) {
      auto lo = std::max(a, g.start + static_cast<std::int64_t>(s) * step);
      auto hi = std::min(b, g.start + static_cast<std::int64_t>(s + 1) * step);
      if (hi <= lo) break;
      weighted[s] += e[i].value * double(hi - lo);
      covered[s] += double(hi - lo);
      ++contributors[s];
      if (e[i].estimated) g.flags[s] |= kEstimated;
    }
  }
  g.values.assign(n, std::nan(""));
  std::size_t k = 0;
  std::int64_t count = 0;
  for (std::size_t s = 0; s < n; ++s) {
    auto t = g.start + static_cast<std::int64_t>(s) * step;
    while (k + 1 < e.size() && e[k].t < t) ++k;
    g.next_entry[s] = &e[k];
    if (covered[s] <= 0) continue;
    g.values[s] = weighted[s] / covered[s];
    bool exact = contributors[s] == 1 && covered[s] == double(step) && e[k].t == t;
    if (!exact) {
      g.flags[s] |= kRepaired;
      ++count;
    }
  }
  if (count > 0) repairs["resampled"] += count;
  return g;
}

void fill_gaps(Grid& g, const ImportOptions& o, const Where& where,
               std::map<std::string, std::int64_t>& repairs) {
  // Trim empty cells at both ends: nothing to interpolate from, and nothing is invented.
  std::size_t lo = 0, hi = g.values.size();
  while (lo < hi && std::isnan(g.values[lo])) ++lo;
  while (hi > lo && std::isnan(g.values[hi - 1])) --hi;
  if (lo == hi)
    throw ParseError(where.file(*g.next_entry.front()), 0, "every value is empty",
                     "give a file with data");
  auto trimmed = static_cast<std::int64_t>(lo + (g.values.size() - hi));
  if (trimmed > 0) repairs["trimmed_empty_ends"] += trimmed;
  g.values = std::vector<double>(g.values.begin() + static_cast<std::ptrdiff_t>(lo),
                                 g.values.begin() + static_cast<std::ptrdiff_t>(hi));
  g.flags = std::vector<std::uint8_t>(g.flags.begin() + static_cast<std::ptrdiff_t>(lo),
                                      g.flags.begin() + static_cast<std::ptrdiff_t>(hi));
  g.next_entry = std::vector<const Entry*>(g.next_entry.begin() + static_cast<std::ptrdiff_t>(lo),
                                           g.next_entry.begin() + static_cast<std::ptrdiff_t>(hi));
  g.start += static_cast<std::int64_t>(lo) * g.step;

  std::int64_t filled = 0;
  for (std::size_t i = 0; i < g.values.size(); ++i) {
    if (!std::isnan(g.values[i])) continue;
    std::size_t j = i;
    while (std::isnan(g.values[j])) ++j;  // the last value is not NaN after trimming
    const auto missing = static_cast<std::int64_t>(j - i);
    const Seconds length{missing * g.step};
    // The row to point at: the empty cell itself, or for missing rows the row after the gap.
    const Entry& after = *g.next_entry[i];
    auto from = g.start + static_cast<std::int64_t>(i) * g.step;
    if (o.gaps == GapPolicy::error)
      throw ParseError(
          where.file(after), after.line,
          fmt::format("gap of {} ({} missing value{} from {} to {})", format_duration(length),
                      missing, missing == 1 ? "" : "s", when(from), when(from + missing * g.step)),
          "repair with --gaps interpolate or --gaps hold (limit with --max-gap), "
          "or import data that covers it");
    if (o.max_gap && length > *o.max_gap)
      throw ParseError(
          where.file(after), after.line,
          fmt::format("gap of {} from {} is longer than --max-gap {}", format_duration(length),
                      when(from), format_duration(*o.max_gap)),
          "raise --max-gap, or import data that covers it");
    const double a = g.values[i - 1], b = g.values[j];
    for (std::size_t k = i; k < j; ++k) {
      double frac = double(k - i + 1) / double(missing + 1);
      g.values[k] = o.gaps == GapPolicy::hold ? a : a + (b - a) * frac;
      g.flags[k] |= kRepaired;
    }
    filled += missing;
    i = j;
  }
  if (filled > 0) repairs[o.gaps == GapPolicy::hold ? "gaps_held" : "gaps_interpolated"] += filled;
}

// The archive of issued forecasts beside the series (assemble.hpp, step 5): each row at the slot
// of its issue time. Rows that several files (or one file twice) give follow --duplicates as the
// values do: identical rows, or an empty cell beside a value, are no conflict; differing ones are
// an error unless keep-first or keep-last chooses.
void attach_forecasts(Series& s, const std::vector<const RawFile*>& files, const ImportOptions& o) {
  const RawFile* first = nullptr;
  for (const auto* f : files)
    if (f->forecast_leads > 0 && first == nullptr) first = f;
  if (first == nullptr) return;
  if (o.resample)
    throw ParseError(first->path, 0,
                     "its issued forecasts cannot be resampled (each belongs to its issue time)",
                     "import the file without --resample");
  const std::size_t leads = first->forecast_leads;
  for (const auto* f : files) {
    if (f->forecast_leads == 0) continue;
    if (f->forecast_leads != leads || f->forecast_step != first->forecast_step)
      throw ParseError(f->path, 0,
                       fmt::format("its forecasts have {} leads every {}, those of {} {} every {}",
                                   f->forecast_leads, format_duration(f->forecast_step),
                                   first->path, leads, format_duration(first->forecast_step)),
                       "import files with the same forecast horizon together");
  }
  if (first->forecast_step.count() <= 0 || first->forecast_step.count() % s.step.count() != 0)
    throw ParseError(first->path, 0,
                     fmt::format("its forecasts are for every {}, but its rows come every {}, so "
                                 "the leads do not fall on the series' steps",
                                 format_duration(first->forecast_step), format_duration(s.step)),
                     fmt::format("give the file's rows every {} (check for rows left out)",
                                 format_duration(first->forecast_step)));
  s.forecast.leads = leads;
  s.forecast.step = first->forecast_step;
  s.forecast.values.assign(s.size() * leads, std::nan(""));
  // Which file and line set each row, for the message when another row disagrees.
  std::vector<std::pair<const RawFile*, std::uint32_t>> set_by(s.size(), {nullptr, 0});
  const std::int64_t t0 = s.start.time_since_epoch().count(), step = s.step.count();
  std::int64_t kept = 0;
  for (const auto* f : files) {
    if (f->forecast_leads == 0) continue;
    for (std::size_t i = 0; i < f->points.size(); ++i) {
      const std::int64_t dt = f->points[i].time.time_since_epoch().count() - t0;
      if (dt < 0 || dt % step != 0 || dt / step >= static_cast<std::int64_t>(s.size())) continue;
      const auto slot = static_cast<std::size_t>(dt / step);
      const double* row = &f->forecasts[i * leads];
      double* out = &s.forecast.values[slot * leads];
      if (set_by[slot].first == nullptr) {
        std::copy(row, row + leads, out);
        set_by[slot] = {f, f->points[i].line};
        continue;
      }
      // The first lead where both rows have a value and they differ; leads if none.
      std::size_t k = 0;
      while (k < leads && (row[k] == out[k] || std::isnan(row[k]) || std::isnan(out[k]))) ++k;
      const bool differ = k < leads;
      if (differ && o.duplicates != DuplicatePolicy::keep_first &&
          o.duplicates != DuplicatePolicy::keep_last) {
        const bool same_file = set_by[slot].first == f;
        throw ParseError(
            f->path, f->points[i].line,
            fmt::format("{}: issued at {}, lead {} is {} here and {} at {}{}",
                        same_file ? "a time appears again with different forecasts"
                                  : "files overlap with different forecasts",
                        when(t0 + static_cast<std::int64_t>(slot) * step), k + 1, row[k], out[k],
                        same_file ? "line " : set_by[slot].first->path + ":", set_by[slot].second),
            "use --duplicates keep-first or keep-last to choose, or import only one of them");
      }
      if (differ) ++kept;
      // Empty cells take the other row's values; keep-last takes the later row where both have one.
      for (std::size_t l = 0; l < leads; ++l)
        if (std::isnan(out[l]) ||
            (o.duplicates == DuplicatePolicy::keep_last && !std::isnan(row[l])))
          out[l] = row[l];
      if (o.duplicates == DuplicatePolicy::keep_last) set_by[slot] = {f, f->points[i].line};
    }
  }
  if (kept > 0)
    s.repairs[o.duplicates == DuplicatePolicy::keep_first ? "forecast_duplicates_kept_first"
                                                          : "forecast_duplicates_kept_last"] +=
        kept;
  std::int64_t missing = 0;
  for (const auto& b : set_by) missing += b.first == nullptr;
  if (missing > 0) s.repairs["forecast_rows_missing"] += missing;
}

Series assemble_key(std::vector<const RawFile*> files, const ImportOptions& o) {
  std::stable_sort(files.begin(), files.end(), [](const RawFile* a, const RawFile* b) {
    return a->points.front().time < b->points.front().time;
  });
  Where where{files};
  Series s;
  s.key = files.front()->key;
  std::set<std::string> sources;
  std::size_t total = 0;
  for (const auto* f : files) {
    check_order(*f);
    total += f->points.size();
    sources.insert(f->source);
    s.files.push_back(f->file);
    for (const auto& [k, v] : f->repairs) s.repairs[k] += v;
  }
  for (const auto& src : sources) s.source += (s.source.empty() ? "" : "; ") + src;

  std::vector<Entry> all;
  all.reserve(total);
  for (std::uint32_t fi = 0; fi < files.size(); ++fi)
    for (const auto& p : files[fi]->points)
      all.push_back({p.time.time_since_epoch().count(), p.value, p.estimated, fi, p.line});
  std::stable_sort(all.begin(), all.end(),
                   [](const Entry& a, const Entry& b) { return a.t < b.t; });

  std::vector<Entry> unique;
  unique.reserve(all.size());
  for (std::size_t i = 0; i < all.size();) {
    std::size_t j = i + 1;
    while (j < all.size() && all[j].t == all[i].t) ++j;
    unique.push_back(
        j == i + 1 ? all[i]
                   : resolve_duplicates(&all[i], &all[0] + j, where, o.duplicates, s.repairs));
    i = j;
  }
  Grid g;
  if (o.resample) {
    g = resampled(unique, o.resample->count(), where, s.repairs);
  } else {
    if (unique.size() < 2)
      throw ParseError(where.file(unique.front()), unique.front().line,
                       "a series needs at least two timestamps to know its step",
                       "import more rows, or give --resample STEP");
    const std::int64_t step = most_common_interval(unique);
    if (step > kMaxStep.count()) {
      std::size_t i = 1;
      while (unique[i].t - unique[i - 1].t != step) ++i;
      throw ParseError(
          where.file(unique[i]), unique[i].line,
          fmt::format("the rows are {} apart ({} to {}), so the series' step would be {}; a "
                      "grid series' step is at most {}",
                      format_duration(Seconds{step}), when(unique[i - 1].t), when(unique[i].t),
                      format_duration(Seconds{step}), format_duration(kMaxStep)),
          "check the row for a mistyped date, or import more rows");
    }
    g = regular(unique, step, where);
  }
  fill_gaps(g, o, where, s.repairs);
  s.start = TimePoint{Seconds{g.start}};
  s.step = Seconds{g.step};
  s.values = std::move(g.values);
  s.flags = std::move(g.flags);
  attach_forecasts(s, files, o);
  return s;
}

}  // namespace

std::vector<Series> assemble(std::vector<RawFile> files, const ImportOptions& options) {
  std::map<SeriesKey, std::vector<const RawFile*>> by_key;
  for (const auto& f : files) by_key[f.key].push_back(&f);
  std::vector<Series> out;
  for (auto& [key, group] : by_key) out.push_back(assemble_key(group, options));
  return out;
}

}  // namespace shiftsim::grids
