#include "experiments/provenance.hpp"

#include <fmt/format.h>

#include "grids/calibrated.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::experiments {

namespace {

std::string name(std::size_t i, std::string_view field) {
  return fmt::format("series_{}_{}", i, field);
}

}  // namespace

std::vector<SeriesProvenance> provenance_of(
    const std::vector<std::pair<std::string, const grids::Series*>>& series) {
  std::vector<SeriesProvenance> out;
  for (const auto& [region, s] : series) {
    const bool synthetic = s->key.signal == Signal::surrogate;
    out.push_back(
        SeriesProvenance{region, s->key.zone, std::string(to_string(s->key.signal)),
                         std::string(to_string(s->key.basis)), s->source, grids::values_sha256(*s),
                         format_time(s->start), format_time(s->end()), synthetic,
                         // The calibrated surrogate says so in its source (grids/calibrated.hpp).
                         s->source.find(grids::kCalibratedNote) != std::string::npos});
  }
  return out;
}

void set_series_provenance(Cube& cube, const std::vector<SeriesProvenance>& series) {
  for (std::size_t i = 0; i < series.size(); ++i) {
    const auto& s = series[i];
    cube.attrs[name(i, "region")] = s.region;
    cube.attrs[name(i, "zone")] = s.zone;
    cube.attrs[name(i, "signal")] = s.signal;
    cube.attrs[name(i, "basis")] = s.basis;
    cube.attrs[name(i, "source")] = s.source;
    cube.attrs[name(i, "sha256")] = s.sha256;
    cube.attrs[name(i, "start")] = s.start;
    cube.attrs[name(i, "end")] = s.end;
    cube.attrs[name(i, "synthetic")] = s.synthetic ? "true" : "false";
    cube.attrs[name(i, "calibrated")] = s.calibrated ? "true" : "false";
  }
}

std::vector<SeriesProvenance> series_provenance(const Cube& cube, std::size_t count) {
  std::vector<SeriesProvenance> out;
  for (std::size_t i = 0; i < count; ++i) {
    auto get = [&](std::string_view field) -> const std::string* {
      const auto it = cube.attrs.find(name(i, field));
      return it == cube.attrs.end() ? nullptr : &it->second;
    };
    const char* fields[] = {"region", "zone",  "signal", "basis",     "source",
                            "sha256", "start", "end",    "synthetic", "calibrated"};
    bool all = true;
    for (const char* f : fields) all = all && get(f) != nullptr;
    if (!all) continue;
    out.push_back(SeriesProvenance{*get("region"), *get("zone"), *get("signal"), *get("basis"),
                                   *get("source"), *get("sha256"), *get("start"), *get("end"),
                                   *get("synthetic") == "true", *get("calibrated") == "true"});
  }
  return out;
}

}  // namespace shiftsim::experiments
