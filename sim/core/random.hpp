#pragma once
// The project's random numbers, one module: fully specified integer algorithms, so that a seed
// gives the same numbers on every platform and standard library (std distributions do not).
//
//   splitmix64 (Steele, Lea and Flood 2014; Vigna's constants): mix64 is its finaliser, a
//     bijective hash; splitmix64(x) = mix64(x + golden gamma) hashes a seed or a counter;
//     SplitMix64 is the generator (state += gamma, then mix64), counter-based: every draw is a
//     pure function of its state, so a stream can start anywhere (forecast noise per time step,
//     the paper start scheme per month);
//   Xoshiro256StarStar (Blackman and Vigna 2018): the surrogate's draws, seeded by SplitMix64, with
//     uniform() in [0, 1) and normal() by Box-Muller (one draw per call);
//   Xorshift64Star: a small generator for randomised tests, benchmark inputs and the job
//     generator.
// to_unit maps 64 random bits to [0, 1) by their top 53 (every k / 2^53 equally likely).
// Thread-safety: values; a generator is not shared between threads.
#include <array>
#include <cmath>
#include <cstdint>
#include <numbers>

namespace shiftsim {

inline constexpr std::uint64_t kGoldenGamma = 0x9e3779b97f4a7c15ULL;

constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

constexpr std::uint64_t splitmix64(std::uint64_t x) { return mix64(x + kGoldenGamma); }

struct SplitMix64 {
  std::uint64_t state;
  constexpr std::uint64_t next() { return mix64(state += kGoldenGamma); }
};

inline double to_unit(std::uint64_t x) { return static_cast<double>(x >> 11) * 0x1.0p-53; }

class Xoshiro256StarStar {
 public:
  // The four words are the next four draws of SplitMix64{seed}.
  explicit Xoshiro256StarStar(std::uint64_t seed) {
    SplitMix64 sm{seed};
    for (auto& w : s_) w = sm.next();
  }
  std::uint64_t next() {
    auto rotl = [](std::uint64_t v, int k) { return (v << k) | (v >> (64 - k)); };
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return to_unit(next()); }  // [0, 1)
  double normal() {                             // Box-Muller, one draw per call
    const double u1 = 1.0 - uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  std::array<std::uint64_t, 4> s_{};
};

class Xorshift64Star {
 public:
  // A zero state would stay zero; any other seed is used as given.
  explicit Xorshift64Star(std::uint64_t seed) : s_(seed == 0 ? kGoldenGamma : seed) {}
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
  double unit() { return to_unit(next()); }  // [0, 1)
  bool chance(int percent) { return below(100) < percent; }

 private:
  std::uint64_t s_;
};

}  // namespace shiftsim
