#include "experiments/cube_view.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

CubeView::CubeView(const Cube& cube, std::string_view var) : var_(&cube.var(std::string(var))) {
  if (var_->type == DType::text)
    throw InternalError(fmt::format("{}: a text variable has no numbers to view", var_->name));
  std::size_t stride = 1;
  axes_.resize(var_->dims.size());
  for (std::size_t i = var_->dims.size(); i-- > 0;) {
    const std::size_t n = cube.dim(var_->dims[i]).size();
    axes_[i] = Axis{var_->dims[i], n, stride, -1};
    stride *= n;
  }
}

bool CubeView::has(std::string_view dim) const {
  for (const auto& a : axes_)
    if (a.name == dim) return true;
  return false;
}

CubeView& CubeView::hold(std::string_view dim, std::size_t index) {
  for (auto& a : axes_) {
    if (a.name != dim) continue;
    if (index >= a.size) {
      throw std::out_of_range(fmt::format("{}: index {} is past dimension {} (size {})", var_->name,
                                          index, dim, a.size));
    }
    a.held = static_cast<std::ptrdiff_t>(index);
  }
  return *this;
}

double CubeView::at(std::initializer_list<At> where) const {
  std::size_t offset = 0, named = 0;
  for (const auto& a : axes_) {
    std::ptrdiff_t index = a.held;
    for (const auto& w : where) {
      if (w.dim != a.name) continue;
      if (index >= 0) {
        throw InternalError(
            fmt::format("{}: dimension {} named twice (or named and held)", var_->name, a.name));
      }
      if (w.index >= a.size) {
        throw std::out_of_range(fmt::format("{}: index {} is past dimension {} (size {})",
                                            var_->name, w.index, a.name, a.size));
      }
      index = static_cast<std::ptrdiff_t>(w.index);
      ++named;
    }
    if (index < 0) {
      throw InternalError(
          fmt::format("{}: dimension {} neither named nor held", var_->name, a.name));
    }
    offset += static_cast<std::size_t>(index) * a.stride;
  }
  if (named != where.size()) {
    throw InternalError(
        fmt::format("{}: a dimension named that the variable does not have", var_->name));
  }
  if (var_->type == DType::f64) return var_->f64[offset];
  const std::int32_t x = var_->i32[offset];
  return x == kMissingI32 ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(x);
}

}  // namespace shiftsim::experiments
