#pragma once
// One variable of a result cube read by dimension name instead of by offset arithmetic:
//   CubeView v(cube, "savings_pct_mean");
//   v.hold("forecast", f);                                   // a reading the tables fix once
//   v.at({{"workload", w}, {"region", r}, {"policy", p}});  // every other dimension named
// The variable's dimensions are resolved once, at construction (their strides, row-major as
// cube.hpp lays variables out); at() checks that every dimension is given exactly once, by
// hold() or by the call, so a reader cannot silently read another axis than it names when a
// runner adds, drops or reorders a dimension.
//
// Values come out as double: f64 as stored (NaN for missing), i32 as its value or NaN for
// kMissingI32, so a table can mean either kind the same way.
//
// Complexity: at() is O(d * n) for a variable of d dimensions and n names given (d <= 7 in every
// cube shiftsim writes). Thread-safety: a view is read-only after hold(); it refers to the cube,
// which must outlive it and not be resized.
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "experiments/cube.hpp"

namespace shiftsim::experiments {

struct At {
  std::string_view dim;
  std::size_t index;
};

class CubeView {
 public:
  // std::out_of_range if the cube has no such variable (readers turn it into their own message);
  // InternalError for a text variable.
  CubeView(const Cube& cube, std::string_view var);

  const Variable& variable() const { return *var_; }
  bool has(std::string_view dim) const;
  // Holds `dim` at `index` for every later at(); a dimension the variable does not have is
  // ignored, so one reading (forecast "perfect", the first seed) applies to every variable.
  // std::out_of_range if index is past the dimension's size.
  CubeView& hold(std::string_view dim, std::size_t index);

  // The value at the named indices. InternalError for a name the variable lacks, one given twice
  // (or given and held), or a dimension neither given nor held; std::out_of_range for an index
  // past its dimension's size.
  double at(std::initializer_list<At> where) const;

 private:
  struct Axis {
    std::string name;
    std::size_t size = 0, stride = 0;
    std::ptrdiff_t held = -1;  // the held index, -1 if none
  };
  const Variable* var_;
  std::vector<Axis> axes_;  // the variable's dimensions, slowest first
};

}  // namespace shiftsim::experiments
