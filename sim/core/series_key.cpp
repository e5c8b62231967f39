#include "sim/core/series_key.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sim/core/errors.hpp"

namespace shiftsim {

std::string_view to_string(Signal s) {
  switch (s) {
    case Signal::average:
      return "average";
    case Signal::marginal:
      return "marginal";
    case Signal::surrogate:
      return "surrogate";
  }
  return "?";
}

std::string_view to_string(Basis b) {
  switch (b) {
    case Basis::direct:
      return "direct";
    case Basis::lifecycle:
      return "lifecycle";
  }
  return "?";
}

namespace {
std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
}  // namespace

Signal parse_signal(std::string_view text) {
  auto t = lower(text);
  if (t == "average") return Signal::average;
  if (t == "marginal") return Signal::marginal;
  if (t == "surrogate") return Signal::surrogate;
  throw ConfigError(
      fmt::format("signal '{}' is unknown; use average, marginal or surrogate", text));
}

Basis parse_basis(std::string_view text) {
  auto t = lower(text);
  if (t == "direct") return Basis::direct;
  if (t == "lifecycle" || t == "lca" || t == "life-cycle" || t == "life cycle")
    return Basis::lifecycle;
  throw ConfigError(fmt::format("basis '{}' is unknown; use direct or lifecycle", text));
}

std::string SeriesKey::label() const {
  return fmt::format("{}/{}/{}", zone, to_string(signal), to_string(basis));
}

}  // namespace shiftsim
