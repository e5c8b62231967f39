#pragma once
// Field parsing shared by the format readers: numbers with unit conversion and plausibility
// checks, flags and column lookup. Timestamps are read by sim/core/wall_time.hpp. Every failure is
// a ParseError naming file, line and column.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/core/wall_time.hpp"

namespace shiftsim::grids {

// A number cell in the given unit, returned in gCO2eq/kWh; NaN for an empty cell (a gap).
// Throws ParseError for text that is not a number, "nan"/"inf", a negative value or one above
// kMaxIntensity after conversion.
double parse_intensity(std::string_view cell, double to_g_per_kwh, const std::string& file,
                       std::size_t line, std::string_view column);

// A flag cell as parse_boolean (sim/core/csv.hpp) reads it, empty meaning false; anything else is
// a ParseError.
bool parse_flag(std::string_view cell, const std::string& file, std::size_t line,
                std::string_view column);

// The index of a column whose normalised header equals one of `names`, or -1.
int find_column(const std::vector<std::string>& header,
                std::initializer_list<std::string_view> names);

}  // namespace shiftsim::grids
