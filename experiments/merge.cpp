#include "experiments/merge.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "experiments/cells.hpp"
#include "experiments/runner.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

bool same_skeleton(const Cube& a, const Cube& b) {
  if (a.attrs != b.attrs || a.dims.size() != b.dims.size() || a.vars.size() != b.vars.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.dims.size(); ++i) {
    if (a.dims[i].name != b.dims[i].name || a.dims[i].coords.index() != b.dims[i].coords.index() ||
        a.dims[i].attrs != b.dims[i].attrs) {
      return false;
    }
    const bool same = std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          return x.values == std::get<T>(b.dims[i].coords).values;
        },
        a.dims[i].coords);
    if (!same) return false;
  }
  for (std::size_t i = 0; i < a.vars.size(); ++i) {
    if (a.vars[i].name != b.vars[i].name || a.vars[i].dims != b.vars[i].dims ||
        a.vars[i].type != b.vars[i].type || a.vars[i].attrs != b.vars[i].attrs ||
        a.vars[i].coordinate != b.vars[i].coordinate) {
      return false;
    }
    // An auxiliary coordinate's values describe the experiment (a policy's window, a region's
    // zone): parts must agree on them as on the dimensions' own coordinates.
    if (a.vars[i].coordinate &&
        (a.vars[i].text != b.vars[i].text || a.vars[i].i32 != b.vars[i].i32 ||
         a.vars[i].f64.size() != b.vars[i].f64.size() ||
         (!a.vars[i].f64.empty() && std::memcmp(a.vars[i].f64.data(), b.vars[i].f64.data(),
                                                a.vars[i].f64.size() * sizeof(double)) != 0))) {
      return false;
    }
  }
  return true;
}

namespace {

bool same_bytes(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

}  // namespace

Cube merge_parts(const std::vector<NamedCube>& parts) {
  if (parts.empty()) throw ConfigError("merge: give the part files to merge");
  for (const auto& p : parts) {
    if (std::none_of(p.cube.vars.begin(), p.cube.vars.end(),
                     [](const Variable& v) { return v.name == kCellDone; })) {
      throw ConfigError(
          fmt::format("{}: not a part of a sharded or interrupted run (it has no "
                      "{} variable); it may already be a complete cube",
                      p.name, kCellDone));
    }
  }
  const Cube& first = parts.front().cube;
  for (const auto& p : parts) {
    if (!same_skeleton(first, p.cube)) {
      throw ConfigError(fmt::format(
          "{} and {} are not parts of the same experiment (their dimensions, coordinates or "
          "provenance differ: experiment file, grid series, version)",
          parts.front().name, p.name));
    }
    for (const char* v : {"baseline_g", "fixed_hour_g"}) {
      const auto it = std::find_if(first.vars.begin(), first.vars.end(),
                                   [&](const Variable& x) { return x.name == v; });
      if (it == first.vars.end()) continue;  // same_skeleton: then no part has it
      if (!same_bytes(it->f64, p.cube.var(v).f64)) {
        throw ConfigError(fmt::format("{} and {} disagree on the {}: not the same inputs",
                                      parts.front().name, p.name, v));
      }
    }
  }
  Cube out = first;
  const std::size_t cells = first.var(kCellDone).i32.size();
  std::vector<const NamedCube*> owner(cells, nullptr);
  for (const auto& p : parts) {
    const auto& done = p.cube.var(kCellDone).i32;
    for (std::size_t c = 0; c < cells; ++c) {
      if (done[c] == 0) continue;
      if (owner[c] != nullptr) {
        throw ConfigError(
            fmt::format("cell ({}) is in both {} and {}: a part was given twice or "
                        "shards overlap",
                        cell_name(first, c), owner[c]->name, p.name));
      }
      owner[c] = &p;
      copy_cell(p.cube, out, c);
    }
  }
  const auto missing = static_cast<std::size_t>(std::count(owner.begin(), owner.end(), nullptr));
  if (missing > 0) {
    const auto c =
        static_cast<std::size_t>(std::find(owner.begin(), owner.end(), nullptr) - owner.begin());
    throw ConfigError(
        fmt::format("{} of {} cells are in no part (the first: {}); a shard is "
                    "missing or was interrupted (finish it with --resume)",
                    missing, cells, cell_name(first, c)));
  }
  std::erase_if(out.vars, [](const Variable& v) { return v.name == kCellDone; });
  return out;
}

}  // namespace shiftsim::experiments
