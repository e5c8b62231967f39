#include "grids/store.hpp"

#include <H5Cpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "grids/regions.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

namespace {

constexpr const char* kFormat = "shiftsim-grid-store";
constexpr std::int64_t kFormatVersion = 1;
constexpr hsize_t kChunk = 8760;  // a year of hourly values

// Every HDF5 call goes through here, so that a failure becomes an IoError naming the file and
// the object, never a bare H5::Exception.
template <class Fn>
auto h5(const std::filesystem::path& file, const std::string& object, Fn&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const H5::Exception& e) {
    throw IoError(fmt::format("{}: HDF5 error at {}: {}", file.string(), object, e.getDetailMsg()));
  }
}

// All text is variable-length UTF-8, in the file and in memory (HDF5 does not convert charsets).
H5::StrType utf8_string() {
  H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
  type.setCset(H5T_CSET_UTF8);
  return type;
}

void put_string(H5::H5Object& obj, const char* name, const std::string& value) {
  H5::StrType type = utf8_string();
  H5::Attribute a = obj.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
  a.write(type, value);
}

void put_int(H5::H5Object& obj, const char* name, std::int64_t value) {
  H5::Attribute a = obj.createAttribute(name, H5::PredType::STD_I64LE, H5::DataSpace(H5S_SCALAR));
  a.write(H5::PredType::NATIVE_INT64, &value);
}

void put_strings(H5::H5Object& obj, const char* name, const std::vector<std::string>& values) {
  H5::StrType type = utf8_string();
  hsize_t n = values.size();
  H5::DataSpace space = n == 0 ? H5::DataSpace(H5S_NULL) : H5::DataSpace(1, &n);
  H5::Attribute a = obj.createAttribute(name, type, space);
  if (n == 0) return;
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  a.write(type, ptrs.data());
}

std::string get_string(const H5::H5Object& obj, const char* name) {
  H5::Attribute a = obj.openAttribute(name);
  H5::StrType type = utf8_string();
  std::string out;
  a.read(type, out);
  return out;
}

std::int64_t get_int(const H5::H5Object& obj, const char* name) {
  H5::Attribute a = obj.openAttribute(name);
  std::int64_t v = 0;
  a.read(H5::PredType::NATIVE_INT64, &v);
  return v;
}

std::vector<std::string> get_strings(const H5::H5Object& obj, const char* name) {
  H5::Attribute a = obj.openAttribute(name);
  H5::DataSpace space = a.getSpace();
  if (space.getSimpleExtentType() == H5S_NULL) return {};
  auto n = static_cast<std::size_t>(space.getSimpleExtentNpoints());
  H5::StrType type = utf8_string();
  std::vector<char*> ptrs(n, nullptr);
  a.read(type, ptrs.data());
  std::vector<std::string> out;
  for (char* p : ptrs) out.emplace_back(p ? p : "");
  H5Dvlen_reclaim(type.getId(), space.getId(), H5P_DEFAULT, ptrs.data());
  return out;
}

template <class T>
void write_dataset(H5::Group& g, const char* name, const std::vector<T>& data,
                   const H5::PredType& file_type, const H5::PredType& mem_type) {
  hsize_t n = data.size();
  H5::DataSpace space(1, &n);
  H5::DSetCreatPropList dcpl;
  H5Pset_obj_track_times(dcpl.getId(), false);
  hsize_t chunk = std::min<hsize_t>(kChunk, std::max<hsize_t>(n, 1));
  dcpl.setChunk(1, &chunk);
  dcpl.setShuffle();
  dcpl.setDeflate(6);
  H5::DataSet ds = g.createDataSet(name, file_type, space, dcpl);
  if (n > 0) ds.write(data.data(), mem_type);
}

template <class T>
std::vector<T> read_dataset(const H5::Group& g, const char* name, const H5::PredType& mem_type) {
  H5::DataSet ds = g.openDataSet(name);
  auto n = static_cast<std::size_t>(ds.getSpace().getSimpleExtentNpoints());
  std::vector<T> out(n);
  if (n > 0) ds.read(out.data(), mem_type);
  return out;
}

// The forecast archive: a 2-D dataset [issue time, lead] beside the values.
void write_forecast(H5::Group& g, const ForecastArchive& f, std::size_t rows) {
  hsize_t dims[2] = {rows, f.leads};
  H5::DataSpace space(2, dims);
  H5::DSetCreatPropList dcpl;
  H5Pset_obj_track_times(dcpl.getId(), false);
  hsize_t chunk[2] = {std::min<hsize_t>(2016, std::max<hsize_t>(rows, 1)),
                      f.leads};  // a week at 5 min
  dcpl.setChunk(2, chunk);
  dcpl.setShuffle();
  dcpl.setDeflate(6);
  H5::DataSet ds = g.createDataSet("forecast", H5::PredType::IEEE_F64LE, space, dcpl);
  if (rows > 0) ds.write(f.values.data(), H5::PredType::NATIVE_DOUBLE);
  put_int(ds, "lead_step_seconds", f.step.count());
  put_string(ds, "units", "gCO2eq/kWh");
  put_string(ds, "description",
             "row i: the forecast issued at the series' time i for time i + k * lead_step, "
             "k = 1..leads (column k-1); NaN where none was issued");
}

ForecastArchive read_forecast(const H5::Group& g, std::size_t rows) {
  ForecastArchive f;
  if (!g.nameExists("forecast")) return f;
  H5::DataSet ds = g.openDataSet("forecast");
  H5::DataSpace space = ds.getSpace();
  hsize_t dims[2] = {0, 0};
  if (space.getSimpleExtentNdims() != 2 || (space.getSimpleExtentDims(dims), dims[0] != rows) ||
      dims[1] == 0)
    throw ConfigError("its forecast dataset is not [values, leads]");
  f.leads = static_cast<std::size_t>(dims[1]);
  if (!ds.attrExists("lead_step_seconds"))
    throw ConfigError("its forecast dataset has no lead_step_seconds attribute");
  f.step = Seconds{get_int(ds, "lead_step_seconds")};
  if (f.step.count() <= 0)
    throw ConfigError(
        fmt::format("its forecast's lead_step_seconds is {}, not positive", f.step.count()));
  f.values.resize(rows * f.leads);
  if (rows > 0) ds.read(f.values.data(), H5::PredType::NATIVE_DOUBLE);
  return f;
}

H5::Group open_or_create(H5::Group& parent, const std::string& name) {
  if (parent.nameExists(name)) return parent.openGroup(name);
  // The C++ API of HDF5 1.10 cannot pass a group-creation list, so this one call uses C.
  // Timestamps off: the same content must give the same bytes.
  hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
  H5Pset_obj_track_times(gcpl, false);
  hid_t id = H5Gcreate2(parent.getId(), name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT);
  H5Pclose(gcpl);
  if (id < 0) throw H5::GroupIException("H5Gcreate2", "cannot create group " + name);
  H5::Group g(id);
  H5Gclose(id);  // H5::Group(id) took its own reference
  return g;
}

void write_series(H5::Group& root, const Series& s) {
  H5::Group zone = open_or_create(root, s.key.zone);
  H5::Group signal = open_or_create(zone, std::string(to_string(s.key.signal)));
  H5::Group g = open_or_create(signal, std::string(to_string(s.key.basis)));
  write_dataset(g, "values", s.values, H5::PredType::IEEE_F64LE, H5::PredType::NATIVE_DOUBLE);
  write_dataset(g, "flags", s.flags, H5::PredType::STD_U8LE, H5::PredType::NATIVE_UINT8);
  if (!s.forecast.empty()) write_forecast(g, s.forecast, s.values.size());
  put_string(g, "zone", s.key.zone);
  put_string(g, "signal", std::string(to_string(s.key.signal)));
  put_string(g, "basis", std::string(to_string(s.key.basis)));
  put_string(g, "units", "gCO2eq/kWh");
  put_string(g, "source", s.source);
  put_string(g, "start", format_time(s.start));
  put_int(g, "start_unix", s.start.time_since_epoch().count());
  put_int(g, "step_seconds", s.step.count());
  std::vector<std::string> names, hashes;
  for (const auto& f : s.files) {
    names.push_back(f.name);
    hashes.push_back(f.sha256);
  }
  put_strings(g, "files", names);
  put_strings(g, "files_sha256", hashes);
  for (const auto& [kind, count] : s.repairs) put_int(g, ("repair_" + kind).c_str(), count);
}

Series read_series(const H5::Group& g) {
  Series s;
  s.key.zone = get_string(g, "zone");
  s.key.signal = parse_signal(get_string(g, "signal"));
  s.key.basis = parse_basis(get_string(g, "basis"));
  s.source = get_string(g, "source");
  s.start = TimePoint{Seconds{get_int(g, "start_unix")}};
  s.step = Seconds{get_int(g, "step_seconds")};
  s.values = read_dataset<double>(g, "values", H5::PredType::NATIVE_DOUBLE);
  s.flags = read_dataset<std::uint8_t>(g, "flags", H5::PredType::NATIVE_UINT8);
  s.forecast = read_forecast(g, s.values.size());
  auto names = get_strings(g, "files");
  auto hashes = get_strings(g, "files_sha256");
  for (std::size_t i = 0; i < names.size() && i < hashes.size(); ++i)
    s.files.push_back({names[i], hashes[i]});
  const int n = g.getNumAttrs();
  for (int i = 0; i < n; ++i) {
    H5::Attribute a = g.openAttribute(static_cast<unsigned>(i));
    std::string name = a.getName();
    if (name.starts_with("repair_")) s.repairs[name.substr(7)] = get_int(g, name.c_str());
  }
  return s;
}

}  // namespace

GridStore GridStore::load(const std::filesystem::path& path) {
  H5::Exception::dontPrint();
  if (!std::filesystem::exists(path))
    throw IoError(
        fmt::format("{}: no such grid store; create one with 'shiftsim grids import' or "
                    "'shiftsim grids synth'",
                    path.string()));
  if (!H5::H5File::isHdf5(path.string()))
    throw IoError(fmt::format("{}: not an HDF5 file, so not a grid store", path.string()));
  return h5(path, "/", [&] {
    GridStore store;
    H5::H5File file(path.string(), H5F_ACC_RDONLY);
    if (!file.attrExists("format") || get_string(file.openGroup("/"), "format") != kFormat)
      throw IoError(
          fmt::format("{}: an HDF5 file, but not a shiftsim grid store (no format "
                      "attribute '{}')",
                      path.string(), kFormat));
    auto version = get_int(file.openGroup("/"), "format_version");
    if (version != kFormatVersion)
      throw IoError(
          fmt::format("{}: grid store format version {} is not supported (this "
                      "shiftsim reads version {})",
                      path.string(), version, kFormatVersion));
    H5::Group root = file.openGroup("/series");
    for (hsize_t z = 0; z < root.getNumObjs(); ++z) {
      H5::Group zone = root.openGroup(root.getObjnameByIdx(z));
      for (hsize_t si = 0; si < zone.getNumObjs(); ++si) {
        H5::Group signal = zone.openGroup(zone.getObjnameByIdx(si));
        for (hsize_t b = 0; b < signal.getNumObjs(); ++b) {
          auto object = fmt::format("/series/{}/{}/{}", root.getObjnameByIdx(z),
                                    zone.getObjnameByIdx(si), signal.getObjnameByIdx(b));
          try {
            store.put(read_series(signal.openGroup(signal.getObjnameByIdx(b))));
          } catch (const ConfigError& e) {
            throw IoError(fmt::format("{}: {}: {}", path.string(), object, e.what()));
          }
        }
      }
    }
    return store;
  });
}

GridStore GridStore::load_or_empty(const std::filesystem::path& path) {
  return std::filesystem::exists(path) ? load(path) : GridStore{};
}

void GridStore::save(const std::filesystem::path& path) const {
  H5::Exception::dontPrint();
  AtomicOutput out(path);
  h5(out.temp_path(), "/", [&] {
    H5::FileCreatPropList fcpl;
    H5::H5File file(out.temp_path().string(), H5F_ACC_TRUNC, fcpl);
    H5::Group root = file.openGroup("/");
    put_string(root, "format", kFormat);
    put_int(root, "format_version", kFormatVersion);
    H5::Group series = open_or_create(root, "series");
    for (const auto& [key, s] : series_) write_series(series, s);
    file.close();
  });
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
