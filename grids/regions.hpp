#pragma once
// The 16 cloud regions of the paper, read from the project's data file grids/data/regions.csv
// (compiled into the binary). Every command that takes --region resolves it here: by paper label,
// cloud region name or zone id, case-insensitively.
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsim::grids {

struct Region {
  std::string label;         // "West US2"
  std::string cloud_region;  // "westus2"
  std::string location;
  std::string timezone;  // IANA
  std::string watttime_ba;
  std::string zone;  // Electricity Maps zone id
  std::vector<std::string> proxy_zones;
  std::vector<std::string> marginal_zones;  // other marginal signals' zones (SGIP_CAISO_PGE)
};

// The table, in the paper's order. Parsed once; thread-safe.
std::span<const Region> paper_regions();

// Label, cloud region, zone id or WattTime BA (the first region on that zone when two share it).
// nullptr if none matches.
const Region* find_region(std::string_view name);
// As find_region, but throws ConfigError listing the accepted names.
const Region& resolve_region(std::string_view name);
// The zone id behind a region name, or the text itself when it names no region (a zone id that
// is not one of the 16, such as US-NY-NYIS).
std::string zone_for(std::string_view region_or_zone);
// WattTime balancing authority (case-insensitive) -> the region it serves.
const Region* find_region_by_ba(std::string_view ba);

}  // namespace shiftsim::grids
