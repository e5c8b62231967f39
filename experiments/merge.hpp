#pragma once
// Partial cubes into one: the parts of a sharded run (or a partial run and the rest) become the
// cube a single run would have written, byte for byte once written.
//
// Every part must be a partial cube (it has the cell_done variable) of the same experiment: the
// same dimensions and coordinates, the same provenance attributes and the same baseline. A cell
// done in two parts, or in none, is a ConfigError naming the parts or the cell.
#include <string>
#include <vector>

#include "experiments/cube.hpp"

namespace shiftsim::experiments {

struct NamedCube {
  std::string name;  // for messages: the part's path
  Cube cube;
};

Cube merge_parts(const std::vector<NamedCube>& parts);

// Same dimensions, coordinates, variables (names, dimensions, attributes) and attributes.
bool same_skeleton(const Cube& a, const Cube& b);

}  // namespace shiftsim::experiments
