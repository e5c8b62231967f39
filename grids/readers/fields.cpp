#include "grids/readers/fields.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <vector>

#include "grids/series.hpp"
#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

double parse_intensity(std::string_view cell, double to_g_per_kwh, const std::string& file,
                       std::size_t line, std::string_view column) {
  cell = trim(cell);
  if (cell.empty()) return std::nan("");
  double v = 0;
  auto [ptr, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc{} || ptr != cell.data() + cell.size())
    throw ParseError(file, line, fmt::format("column '{}': '{}' is not a number", column, cell),
                     "fix the cell, or leave it empty to mark a gap");
  if (!std::isfinite(v))
    throw ParseError(file, line,
                     fmt::format("column '{}': '{}' is not a finite number", column, cell),
                     "leave the cell empty to mark a missing value");
  v *= to_g_per_kwh;
  if (v < 0)
    throw ParseError(file, line,
                     fmt::format("column '{}': negative carbon intensity {}", column, cell),
                     "carbon intensity cannot be negative; check the column and the file");
  if (v > kMaxIntensity)
    throw ParseError(
        file, line,
        fmt::format("column '{}': implausible carbon intensity {:.6g} gCO2eq/kWh (above {})",
                    column, v, kMaxIntensity),
        "check the unit (--unit) and the column (--value-column)");
  return v;
}

bool parse_flag(std::string_view cell, const std::string& file, std::size_t line,
                std::string_view column) {
  if (trim(cell).empty()) return false;
  if (auto b = parse_boolean(cell)) return *b;
  throw ParseError(file, line, fmt::format("column '{}': '{}' is not true or false", column, cell));
}

int find_column(const std::vector<std::string>& header,
                std::initializer_list<std::string_view> names) {
  for (std::size_t i = 0; i < header.size(); ++i)
    for (auto n : names)
      if (header[i] == n) return int(i);
  return -1;
}

}  // namespace shiftsim::grids
