// Sizes as people write them (sim/core/byte_size.hpp): units both ways, and the mistakes refused.
#include <catch2/catch.hpp>
#include <string>

#include "sim/core/byte_size.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;

TEST_CASE("byte sizes: decimal and binary units, any case", "[core][byte-size]") {
  CHECK(parse_byte_size("8GiB", "--max-size") == 8ULL << 30);
  CHECK(parse_byte_size("8 gib", "--max-size") == 8ULL << 30);
  CHECK(parse_byte_size("500MB", "--max-size") == 500000000ULL);
  CHECK(parse_byte_size("1.5TB", "--max-size") == 1500000000000ULL);
  CHECK(parse_byte_size("2kB", "--max-size") == 2000);
  CHECK(parse_byte_size("2KiB", "--max-size") == 2048);
  CHECK(parse_byte_size("1B", "--max-size") == 1);
  CHECK(format_bytes(950) == "950 B");
  CHECK(format_bytes(12345) == "12.3 kB");
  CHECK(format_bytes(1240000000) == "1.24 GB");
  CHECK(format_bytes(999999) == "1.00 MB");
  CHECK(format_bytes(123456789) == "123 MB");
}

TEST_CASE("byte sizes: a bad size is refused, naming it and the forms",
          "[core][byte-size][bad-input]") {
  for (const std::string bad : {"8", "", "GB", "-1GB", "8 GBs", "0GB", "1e30TB", "8 G", "0.1B"}) {
    INFO(bad);
    try {
      parse_byte_size(bad, "--max-size");
      FAIL("accepted");
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      CHECK(what.find("--max-size \"" + bad + "\"") != std::string::npos);
      CHECK(what.find("e.g. 8GiB") != std::string::npos);
    }
  }
}
