#include "grids/regions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::embedded {
extern const std::string_view regions_csv;
}

namespace shiftsim::grids {

namespace {

std::vector<Region> parse_table() {
  std::vector<Region> out;
  auto split = [](std::string_view list) {
    std::vector<std::string> zones;
    while (!list.empty()) {
      auto semi = list.find(';');
      zones.emplace_back(trim(list.substr(0, semi)));
      list = semi == std::string_view::npos ? std::string_view{} : list.substr(semi + 1);
    }
    return zones;
  };
  for (auto& f : read_data_table(embedded::regions_csv, "grids/data/regions.csv", 8)) {
    Region r{f[0], f[1], f[2], f[3], f[4], f[5], split(f[6]), split(f[7])};
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

std::span<const Region> paper_regions() {
  static const std::vector<Region> table = parse_table();
  return table;
}

const Region* find_region(std::string_view name) {
  name = trim(name);
  for (const auto& r : paper_regions())
    if (iequals(r.label, name) || iequals(r.cloud_region, name)) return &r;
  for (const auto& r : paper_regions())
    if (iequals(r.zone, name) || iequals(r.watttime_ba, name)) return &r;
  return nullptr;
}

const Region& resolve_region(std::string_view name) {
  if (const Region* r = find_region(name)) return *r;
  std::string known;
  for (const auto& r : paper_regions())
    known +=
        fmt::format("{}'{}' ({}, {})", known.empty() ? "" : ", ", r.label, r.cloud_region, r.zone);
  throw ConfigError(
      fmt::format("region '{}' is not one of the 16 regions; use a paper label, a cloud region or "
                  "a zone id: {}",
                  name, known));
}

std::string zone_for(std::string_view region_or_zone) {
  if (const Region* r = find_region(region_or_zone)) return r->zone;
  return std::string(trim(region_or_zone));
}

const Region* find_region_by_ba(std::string_view ba) {
  for (const auto& r : paper_regions())
    if (iequals(r.watttime_ba, ba)) return &r;
  return nullptr;
}

}  // namespace shiftsim::grids
