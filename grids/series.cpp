#include "grids/series.hpp"

#include <fmt/format.h>

#include "sim/core/errors.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::grids {

std::string values_sha256(const Series& s) {
  return sha256_hex(std::string_view(reinterpret_cast<const char*>(s.values.data()),
                                     s.values.size() * sizeof(double)));
}

}  // namespace shiftsim::grids
