#include <catch2/catch.hpp>
#include <string>

#include "sim/core/errors.hpp"

using namespace shiftsim;

TEST_CASE("errors: control characters of quoted input are escaped, so a NUL cuts nothing",
          "[core][errors]") {
  // what() is a C string: a NUL from the input ended the message there, hiding the hint.
  const std::string value("ab\0cd", 5);
  const ParseError e("log.csv", 3, "column 'x': '" + value + "' is not a number", "write a number");
  CHECK(std::string(e.what()) ==
        "log.csv:3: column 'x': 'ab\\0cd' is not a number. Write a number.");
  const ConfigError c(std::string("--zone '\r\x1b[2J'", 14));
  CHECK(std::string(c.what()) == "--zone '\\r\\x1b[2J'");
  // Newlines and tabs of multi-line messages, and UTF-8, are kept.
  CHECK(std::string(IoError("a\tb\nc gCO₂").what()) == "a\tb\nc gCO₂");
  CHECK(escape_controls(std::string("\x7f\x01", 2)) == "\\x7f\\x01");
}
