#include "sim/core/series_key.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <vector>

#include "sim/core/csv.hpp"
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

SeriesKey parse_series_key(std::string_view text) {
  constexpr std::size_t kParts = 3;
  std::vector<std::string_view> parts;
  std::size_t from = 0;
  while (true) {
    const auto at = text.find('/', from);
    parts.push_back(trim(text.substr(from, at == std::string_view::npos ? at : at - from)));
    if (at == std::string_view::npos) break;
    from = at + 1;
  }
  if (parts.size() != kParts || parts[0].empty())
    throw ConfigError(fmt::format(
        "series key \"{}\" is not ZONE/SIGNAL/BASIS; give the key as `shiftsim grids list` "
        "prints it, e.g. DE/average/direct",
        text));
  return SeriesKey{std::string(parts[0]), parse_signal(parts[1]), parse_basis(parts[2])};
}

std::string SeriesKey::label() const {
  return fmt::format("{}/{}/{}", zone, to_string(signal), to_string(basis));
}

}  // namespace shiftsim
