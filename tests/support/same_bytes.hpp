#pragma once
// Bit-for-bit equality of two arrays of doubles (NaN equals the same NaN, -0 differs from +0),
// for results that must be reproduced exactly. std::memcmp must not be handed the null data() of
// an empty vector, even for zero bytes (undefined behaviour, which UBSan reports), so empty
// arrays are compared by size alone.
#include <cstring>
#include <span>

namespace shiftsim::test {

inline bool same_bytes(std::span<const double> a, std::span<const double> b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size_bytes()) == 0);
}

}  // namespace shiftsim::test
