#include "experiments/cube.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "sim/core/errors.hpp"

namespace shiftsim::experiments {

std::size_t Dimension::size() const {
  return std::visit([](const auto& c) { return c.values.size(); }, coords);
}

const Dimension& Cube::dim(const std::string& name) const {
  const auto it =
      std::find_if(dims.begin(), dims.end(), [&](const auto& d) { return d.name == name; });
  if (it == dims.end()) throw std::out_of_range("cube has no dimension " + name);
  return *it;
}

const Variable& Cube::var(const std::string& name) const {
  const auto it =
      std::find_if(vars.begin(), vars.end(), [&](const auto& v) { return v.name == name; });
  if (it == vars.end()) throw std::out_of_range("cube has no variable " + name);
  return *it;
}

Variable& Cube::var(const std::string& name) {
  return const_cast<Variable&>(static_cast<const Cube&>(*this).var(name));
}

void Cube::check() const {
  std::set<std::string> names;
  for (const auto& d : dims) {
    if (!names.insert(d.name).second) throw InternalError("cube: duplicate name " + d.name);
  }
  for (const auto& v : vars) {
    if (!names.insert(v.name).second) throw InternalError("cube: duplicate name " + v.name);
    std::size_t n = 1;
    for (const auto& d : v.dims) n *= dim(d).size();
    const std::size_t have = v.type == DType::f64   ? v.f64.size()
                             : v.type == DType::i32 ? v.i32.size()
                                                    : v.text.size();
    if ((v.type == DType::text || v.coordinate) && (v.external || !v.chunk.empty()))
      throw InternalError("cube: variable " + v.name + " is text or a coordinate and chunked");
    if (have != (v.external ? 0 : n))
      throw InternalError("cube: variable " + v.name + " has the wrong size");
    if (!v.chunk.empty() || v.external) {
      bool fits = v.chunk.size() == v.dims.size() && n > 0;
      for (std::size_t i = 0; fits && i < v.chunk.size(); ++i)
        fits = v.chunk[i] >= 1 && v.chunk[i] <= dim(v.dims[i]).size();
      if (!fits)
        throw InternalError("cube: variable " + v.name +
                            " has a chunk shape that does "
                            "not fit its dimensions");
    }
  }
  // A coordinate is known on disk by the variables naming it (cube_file.hpp): one no variable
  // spans would come back from the file as a data variable.
  for (const auto& c : vars) {
    if (!c.coordinate) continue;
    const bool spanned = std::any_of(vars.begin(), vars.end(), [&](const Variable& v) {
      return !v.coordinate && std::all_of(c.dims.begin(), c.dims.end(), [&](const auto& d) {
        return std::find(v.dims.begin(), v.dims.end(), d) != v.dims.end();
      });
    });
    if (!spanned)
      throw InternalError("cube: coordinate " + c.name + " is over dimensions no variable has");
  }
}

}  // namespace shiftsim::experiments
