#include "experiments/cells.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "experiments/runner.hpp"

namespace shiftsim::experiments {

namespace {

std::size_t value_bytes(DType t) { return t == DType::f64 ? sizeof(double) : sizeof(std::int32_t); }

std::size_t values(const Variable& v) { return v.type == DType::f64 ? v.f64.size() : v.i32.size(); }

}  // namespace

std::size_t cell_count(const Cube& cube) { return cube.var("valid_starts").i32.size(); }

std::vector<CellShare> cell_shares(const Cube& cube) {
  const std::size_t cells = cell_count(cube);
  std::vector<CellShare> shares;
  for (std::size_t v = 0; v < cube.vars.size(); ++v) {
    const auto& var = cube.vars[v];
    if (var.name == "baseline_g" || var.name == kCellDone) continue;
    shares.push_back({v, cells == 0 ? 0 : values(var) / cells});
  }
  return shares;
}

std::size_t cell_bytes(const Cube& cube, const std::vector<CellShare>& shares) {
  std::size_t bytes = 0;
  for (const auto& s : shares) bytes += s.per * value_bytes(cube.vars[s.var].type);
  return bytes;
}

void copy_cell(const Cube& from, Cube& to, std::size_t cell) {
  for (const auto& s : cell_shares(from)) {
    const auto& src = from.vars[s.var];
    auto& dst = to.var(src.name);
    const auto at = static_cast<std::ptrdiff_t>(cell * s.per);
    if (src.type == DType::f64) {
      std::copy_n(src.f64.begin() + at, s.per, dst.f64.begin() + at);
    } else {
      std::copy_n(src.i32.begin() + at, s.per, dst.i32.begin() + at);
    }
  }
}

std::string cell_name(const Cube& cube, std::size_t cell) {
  // Decode the cell index over the cell dimensions, fastest last.
  std::vector<std::string> parts;
  std::size_t rest = cell;
  const auto& dims = cube.var("valid_starts").dims;
  for (auto d = dims.rbegin(); d != dims.rend(); ++d) {
    const auto& dim = cube.dim(*d);
    const std::size_t n = dim.size();
    const std::size_t i = rest % n;
    rest /= n;
    const auto* labels = std::get_if<Labels>(&dim.coords);
    parts.push_back(fmt::format("{}={}", dim.name, labels ? labels->values[i] : std::to_string(i)));
  }
  std::reverse(parts.begin(), parts.end());
  return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace shiftsim::experiments
