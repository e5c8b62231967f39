#include "sim/core/errors.hpp"

#include <fmt/format.h>

namespace shiftsim {

namespace {
std::string locate(const std::string& file, std::size_t line, const std::string& what,
                   const std::string& hint) {
  std::string where = line == 0 ? file : fmt::format("{}:{}", file, line);
  std::string h = hint;
  if (!h.empty() && h[0] >= 'a' && h[0] <= 'z') h[0] = static_cast<char>(h[0] - 'a' + 'A');
  if (!h.empty() && h.back() != '.') h += '.';
  return h.empty() ? fmt::format("{}: {}", where, what) : fmt::format("{}: {}. {}", where, what, h);
}
}  // namespace

ParseError::ParseError(std::string file, std::size_t line, const std::string& what,
                       const std::string& hint)
    : Error(locate(file, line, what, hint)), file_(std::move(file)), line_(line) {}

}  // namespace shiftsim
