#include "experiments/cells.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "experiments/runner.hpp"

namespace shiftsim::experiments {

namespace {

std::size_t value_bytes(DType t) { return t == DType::f64 ? sizeof(double) : sizeof(std::int32_t); }
std::size_t values(const Variable& v) { return v.type == DType::f64 ? v.f64.size() : v.i32.size(); }

}  // namespace

std::size_t cell_count(const Cube& cube) { return cube.var("valid_starts").i32.size(); }

std::vector<CellShare> cell_shares(const Cube& cube) {
  const std::size_t cells = cell_count(cube);
  const auto& cell_dims = cube.var("valid_starts").dims;
  std::vector<CellShare> shares;
  for (std::size_t v = 0; v < cube.vars.size(); ++v) {
    const auto& var = cube.vars[v];
    // A cell owns the variables over all the cell dimensions first (baseline_g and fixed_hour_g
    // are not).
    const bool over_cells = var.dims.size() >= cell_dims.size() &&
                            std::equal(cell_dims.begin(), cell_dims.end(), var.dims.begin());
    if (!over_cells || var.name == kCellDone || var.external || var.coordinate ||
        var.type == DType::text)
      continue;
    shares.push_back({v, cells == 0 ? 0 : values(var) / cells});
  }
  return shares;
}

std::size_t cell_bytes(const Cube& cube, const std::vector<CellShare>& shares) {
  std::size_t bytes = 0;
  for (const auto& s : shares) bytes += s.per * value_bytes(cube.vars[s.var].type);
  return bytes;
}

std::span<const unsigned char> share_bytes(const Cube& cube, const CellShare& share,
                                           std::size_t cell) {
  const auto& v = cube.vars[share.var];
  const std::size_t at = cell * share.per;
  if (v.type == DType::f64) {
    return {reinterpret_cast<const unsigned char*>(v.f64.data() + at), share.per * sizeof(double)};
  }
  return {reinterpret_cast<const unsigned char*>(v.i32.data() + at),
          share.per * sizeof(std::int32_t)};
}

std::span<unsigned char> share_bytes(Cube& cube, const CellShare& share, std::size_t cell) {
  const auto bytes = share_bytes(std::as_const(cube), share, cell);
  return {const_cast<unsigned char*>(bytes.data()), bytes.size()};
}

void copy_cell(const Cube& from, Cube& to, std::size_t cell) {
  for (const auto& s : cell_shares(from)) {
    const auto& name = from.vars[s.var].name;
    const auto it = std::find_if(to.vars.begin(), to.vars.end(),
                                 [&](const Variable& v) { return v.name == name; });
    if (it->external) continue;  // its chunks travel apart (the journal)
    const CellShare dst{static_cast<std::size_t>(it - to.vars.begin()), s.per};
    std::ranges::copy(share_bytes(from, s, cell), share_bytes(to, dst, cell).begin());
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
