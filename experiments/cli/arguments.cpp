// Argument forms several commands share.
#include <fmt/format.h>

#include <charconv>
#include <limits>

#include "experiments/cli/commands.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::cli {

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    throw ConfigError(fmt::format("--seed \"{}\" is not a whole number from 0 to {}", text,
                                  std::numeric_limits<std::uint64_t>::max()));
  }
  return v;
}

}  // namespace shiftsim::cli
