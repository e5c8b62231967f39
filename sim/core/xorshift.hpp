#pragma once
// xorshift64*: a small generator that gives the same sequence on every platform and standard
// library (std distributions do not), for randomised tests and benchmark inputs. Not for the
// simulation's own noise, which is counter-based (sim/forecast.hpp).
#include <cstdint>

namespace shiftsim {

class Xorshift64Star {
 public:
  // A zero state would stay zero; any other seed is used as given.
  explicit Xorshift64Star(std::uint64_t seed) : s_(seed == 0 ? 0x9E3779B97F4A7C15ULL : seed) {}
  std::uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 0x2545F4914F6CDD1DULL;
  }
  // In [0, n), n > 0 (modulo bias is irrelevant for test inputs).
  template <class I>
  I below(I n) {
    return static_cast<I>(next() % static_cast<std::uint64_t>(n));
  }
  // In [lo, hi].
  std::int64_t in(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::uint64_t s_;
};

}  // namespace shiftsim
