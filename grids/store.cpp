#include "grids/store.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "grids/hdf5/file.hpp"
#include "grids/regions.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

namespace {

constexpr const char* kFormat = "shiftsim-grid-store";
constexpr std::int64_t kFormatVersion = 1;
constexpr std::uint64_t kChunk = 8760;  // a year of hourly values
constexpr int kDeflateLevel = 6;

// One-dimensional, chunked (a year of hourly values at most), shuffled and deflated.
hdf5::DatasetSpec series_spec(hdf5::Element element, std::size_t n) {
  hdf5::DatasetSpec spec;
  spec.element = element;
  spec.shape = {n};
  spec.chunk = {std::min<std::uint64_t>(kChunk, std::max<std::uint64_t>(n, 1))};
  spec.shuffle = true;
  spec.deflate = kDeflateLevel;
  return spec;
}

// The forecast archive: a 2-D dataset [issue time, lead] beside the values.
void write_forecast(hdf5::Group& g, const ForecastArchive& f, std::size_t rows) {
  hdf5::DatasetSpec spec;
  spec.element = hdf5::Element::f64;
  spec.shape = {rows, f.leads};
  spec.chunk = {std::min<std::uint64_t>(2016, std::max<std::uint64_t>(rows, 1)),
                f.leads};  // a week at 5 min
  spec.shuffle = true;
  spec.deflate = kDeflateLevel;
  hdf5::Dataset ds = g.create_dataset("forecast", spec);
  if (rows > 0) ds.write(std::span<const double>(f.values));
  ds.put_int64("lead_step_seconds", f.step.count());
  ds.put_string("units", "gCO2eq/kWh");
  ds.put_string("description",
                "row i: the forecast issued at the series' time i for time i + k * lead_step, "
                "k = 1..leads (column k-1); NaN where none was issued");
}

ForecastArchive read_forecast(const hdf5::Group& g, std::size_t rows) {
  ForecastArchive f;
  if (!g.contains("forecast")) return f;
  const hdf5::Dataset ds = g.open_dataset("forecast");
  const auto dims = ds.shape();
  if (dims.size() != 2 || dims[0] != rows || dims[1] == 0)
    throw ConfigError("its forecast dataset is not [values, leads]");
  f.leads = static_cast<std::size_t>(dims[1]);
  if (!ds.has_attribute("lead_step_seconds"))
    throw ConfigError("its forecast dataset has no lead_step_seconds attribute");
  f.step = Seconds{ds.get_int("lead_step_seconds")};
  if (f.step.count() <= 0)
    throw ConfigError(
        fmt::format("its forecast's lead_step_seconds is {}, not positive", f.step.count()));
  f.values = ds.read_f64();
  return f;
}

hdf5::Group open_or_create(hdf5::Group& parent, const std::string& name) {
  return parent.contains(name) ? parent.open_group(name) : parent.create_group(name);
}

void write_series(hdf5::Group& root, const Series& s) {
  hdf5::Group zone = open_or_create(root, s.key.zone);
  hdf5::Group signal = open_or_create(zone, std::string(to_string(s.key.signal)));
  hdf5::Group g = open_or_create(signal, std::string(to_string(s.key.basis)));
  g.create_dataset("values", series_spec(hdf5::Element::f64, s.values.size()))
      .write(std::span<const double>(s.values));
  g.create_dataset("flags", series_spec(hdf5::Element::u8, s.flags.size()))
      .write(std::span<const std::uint8_t>(s.flags));
  if (!s.forecast.empty()) write_forecast(g, s.forecast, s.values.size());
  g.put_string("zone", s.key.zone);
  g.put_string("signal", std::string(to_string(s.key.signal)));
  g.put_string("basis", std::string(to_string(s.key.basis)));
  g.put_string("units", "gCO2eq/kWh");
  g.put_string("source", s.source);
  g.put_string("start", format_time(s.start));
  g.put_int64("start_unix", s.start.time_since_epoch().count());
  g.put_int64("step_seconds", s.step.count());
  std::vector<std::string> names, hashes;
  for (const auto& f : s.files) {
    names.push_back(f.name);
    hashes.push_back(f.sha256);
  }
  g.put_strings("files", names);
  g.put_strings("files_sha256", hashes);
  for (const auto& [kind, count] : s.repairs) g.put_int64("repair_" + kind, count);
}

Series read_series(const hdf5::Group& g) {
  Series s;
  s.key.zone = g.get_string("zone");
  s.key.signal = parse_signal(g.get_string("signal"));
  s.key.basis = parse_basis(g.get_string("basis"));
  s.source = g.get_string("source");
  s.start = TimePoint{Seconds{g.get_int("start_unix")}};
  s.step = Seconds{g.get_int("step_seconds")};
  s.values = g.open_dataset("values").read_f64();
  s.flags = g.open_dataset("flags").read_u8();
  s.forecast = read_forecast(g, s.values.size());
  auto names = g.get_strings("files");
  auto hashes = g.get_strings("files_sha256");
  for (std::size_t i = 0; i < names.size() && i < hashes.size(); ++i)
    s.files.push_back({names[i], hashes[i]});
  for (const auto& name : g.attribute_names())
    if (name.starts_with("repair_")) s.repairs[name.substr(7)] = g.get_int(name);
  return s;
}

}  // namespace

GridStore GridStore::load(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path))
    throw IoError(
        fmt::format("{}: no such grid store; create one with 'shiftsim grids import' or "
                    "'shiftsim grids synth'",
                    path.string()));
  if (!hdf5::File::is_hdf5(path))
    throw IoError(fmt::format("{}: not an HDF5 file, so not a grid store", path.string()));
  GridStore store;
  const hdf5::File file = hdf5::File::open_read_only(path);
  const hdf5::Group top = file.root();
  if (top.find_string("format") != kFormat)
    throw IoError(
        fmt::format("{}: an HDF5 file, but not a shiftsim grid store (no format "
                    "attribute '{}')",
                    path.string(), kFormat));
  const auto version = top.get_int("format_version");
  if (version != kFormatVersion)
    throw IoError(
        fmt::format("{}: grid store format version {} is not supported (this "
                    "shiftsim reads version {})",
                    path.string(), version, kFormatVersion));
  const hdf5::Group root = top.open_group("series");
  for (const auto& z : root.children()) {
    const hdf5::Group zone = root.open_group(z);
    for (const auto& si : zone.children()) {
      const hdf5::Group signal = zone.open_group(si);
      for (const auto& b : signal.children()) {
        try {
          store.put(read_series(signal.open_group(b)));
        } catch (const ConfigError& e) {
          throw IoError(fmt::format("{}: /series/{}/{}/{}: {}", path.string(), z, si, b, e.what()));
        }
      }
    }
  }
  return store;
}

GridStore GridStore::load_or_empty(const std::filesystem::path& path) {
  return std::filesystem::exists(path) ? load(path) : GridStore{};
}

void GridStore::save(const std::filesystem::path& path) const {
  AtomicOutput out(path);
  hdf5::File file = hdf5::File::create(path, {});
  hdf5::Group root = file.root();
  root.put_string("format", kFormat);
  root.put_int64("format_version", kFormatVersion);
  hdf5::Group series = open_or_create(root, "series");
  for (const auto& [key, s] : series_) write_series(series, s);
  file.save(out.temp_path());
  out.commit();
}

void GridStore::put(Series s) {
  auto key = s.key;
  series_.insert_or_assign(std::move(key), std::move(s));
}

const Series* GridStore::find(const SeriesKey& key) const {
  auto it = series_.find(key);
  return it == series_.end() ? nullptr : &it->second;
}

std::vector<const Series*> GridStore::find_zone(std::string_view zone) const {
  std::vector<const Series*> out;
  for (const auto& [key, s] : series_)
    if (key.zone == zone) out.push_back(&s);
  return out;
}

}  // namespace shiftsim::grids

namespace shiftsim::grids {

std::vector<const Series*> series_for_region(const GridStore& store, const Region& region) {
  std::vector<std::string> zones{region.zone, region.watttime_ba};
  zones.insert(zones.end(), region.marginal_zones.begin(), region.marginal_zones.end());
  zones.insert(zones.end(), region.proxy_zones.begin(), region.proxy_zones.end());
  std::vector<const Series*> out;
  for (const auto& z : zones)
    for (const Series* s : store.find_zone(z))
      if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  // Measured data before the built-in surrogate: a store holding both (the surrogate is keyed by
  // the WattTime BA) means the measurements when no signal is named.
  std::stable_partition(out.begin(), out.end(),
                        [](const Series* s) { return s->key.signal != Signal::surrogate; });
  return out;
}

std::vector<const Series*> series_for(const GridStore& store, const std::string& name) {
  if (const Region* r = find_region(name)) return series_for_region(store, *r);
  return store.find_zone(name);
}

std::vector<const Series*> series_for(const GridStore& store, const std::string& name,
                                      std::optional<Signal> signal, std::optional<Basis> basis) {
  auto found = series_for(store, name);
  std::erase_if(found, [&](const Series* s) {
    return (signal && s->key.signal != *signal) || (basis && s->key.basis != *basis);
  });
  return found;
}

}  // namespace shiftsim::grids
