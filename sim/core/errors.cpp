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

std::string escape_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\0')
      out += "\\0";
    else if (c == '\r')
      out += "\\r";
    else if ((u < 0x20 && c != '\n' && c != '\t') || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out += c;
  }
  return out;
}

Error::Error(const std::string& what) : std::runtime_error(escape_controls(what)) {}

ParseError::ParseError(std::string file, std::size_t line, const std::string& what,
                       const std::string& hint)
    : Error(locate(file, line, what, hint)), file_(std::move(file)), line_(line) {}

}  // namespace shiftsim
