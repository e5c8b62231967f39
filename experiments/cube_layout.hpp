#pragma once
// What the cube's file layout (cube_file.hpp) fixes, shared by its writer and its reader: the
// format's name and version, the time coordinates' units and calendar, and the attribute names
// the layout owns. Internal to experiments.
#include <cstdint>
#include <string_view>

namespace shiftsim::experiments::cube_layout {

inline constexpr const char* kFormat = "shiftsim-cube";
// 2: per-cell energy_kwh and embodied_g, auxiliary coordinates (policy_kind, window, zone, ...),
// forecast and seed dimensions in every sweep cube, int32 without _FillValue. 1: shiftsim before.
inline constexpr std::int64_t kFormatVersion = 2;
inline constexpr const char* kTimeUnits = "seconds since 1970-01-01 00:00:00";
inline constexpr const char* kCalendar = "proleptic_gregorian";

// Attribute names the layout owns on datasets: the dimension-scale machinery (CLASS, NAME,
// REFERENCE_LIST, DIMENSION_LIST), CF's `coordinates` (from Variable::coordinate) and netCDF's
// reserved names (a leading underscore: _FillValue, _Netcdf4Dimid, ...). A cube cannot set them;
// read_cube does not return them.
inline bool reserved_dataset_attr(std::string_view name) {
  return name == "CLASS" || name == "NAME" || name == "REFERENCE_LIST" ||
         name == "DIMENSION_LIST" || name == "coordinates" || name.starts_with('_');
}
// Times coordinates: the writer sets their units and calendar.
inline bool reserved_time_attr(std::string_view name) {
  return reserved_dataset_attr(name) || name == "units" || name == "calendar";
}
inline bool reserved_global_attr(std::string_view name) {
  return name == "format" || name == "format_version" || name.starts_with('_');
}

}  // namespace shiftsim::experiments::cube_layout
