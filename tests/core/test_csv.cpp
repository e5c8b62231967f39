#include <catch2/catch.hpp>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;

namespace {
std::vector<std::vector<std::string>> rows_of(std::string_view text, char d = ',') {
  CsvCursor c(text, d, "t.csv");
  std::vector<std::vector<std::string>> out;
  while (c.next()) {
    std::vector<std::string> r;
    for (auto f : c.fields()) r.emplace_back(f);
    out.push_back(r);
  }
  return out;
}
}  // namespace

TEST_CASE("the CSV tokenizer handles quotes, CRLF, BOM and blank lines", "[grids][csv]") {
  auto r = rows_of(
      "\xEF\xBB\xBF"
      "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\r\n1,,3\n");
  REQUIRE(r.size() == 2);
  CHECK(r[0] == std::vector<std::string>{"a", "b,c", "say \"hi\""});
  CHECK(r[1] == std::vector<std::string>{"1", "", "3"});
  CHECK(rows_of("x;y\n", ';')[0] == std::vector<std::string>{"x", "y"});
}

TEST_CASE("the CSV tokenizer reports the line each row starts on", "[grids][csv]") {
  CsvCursor c("h\n\n\"multi\nline\"\nlast\n", ',', "t.csv");
  REQUIRE(c.next());
  CHECK(c.line() == 1);
  REQUIRE(c.next());
  CHECK(c.line() == 3);
  REQUIRE(c.next());
  CHECK(c.line() == 5);
  CHECK_FALSE(c.next());
}

TEST_CASE("an unterminated quote is an error naming the line", "[grids][csv]") {
  CsvCursor c("a\n\"open,1\n", ',', "bad.csv");
  REQUIRE(c.next());
  try {
    c.next();
    FAIL("expected a ParseError");
  } catch (const ParseError& e) {
    CHECK(e.line() == 2);
    CHECK(std::string(e.what()).find("bad.csv:2") != std::string::npos);
  }
}

TEST_CASE("headers compare loosely: case, spaces and the subscript two", "[grids][csv]") {
  CHECK(normalize_header("  Carbon Intensity gCO₂eq/kWh  (LCA) ") ==
        "carbon intensity gco2eq/kwh (lca)");
}

TEST_CASE("csv_quote: RFC 4180 quoting only where needed", "[core][csv]") {
  CHECK(shiftsim::csv_quote("West US") == "West US");
  CHECK(shiftsim::csv_quote("a,b") == "\"a,b\"");
  CHECK(shiftsim::csv_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(shiftsim::csv_quote("two\nlines") == "\"two\nlines\"");
  CHECK(shiftsim::csv_quote("cr\r") == "\"cr\r\"");
  CHECK(shiftsim::csv_quote("") == "");
}

TEST_CASE("one spelling of a boolean cell for every reader", "[core][csv]") {
  for (const char* yes : {"true", "TRUE", "Yes", "1", " true "}) {
    INFO(yes);
    CHECK(parse_boolean(yes) == std::optional<bool>(true));
  }
  for (const char* no : {"false", "False", "NO", "0", "\tno"}) {
    INFO(no);
    CHECK(parse_boolean(no) == std::optional<bool>(false));
  }
  for (const char* neither : {"", " ", "y", "n", "2", "-1", "truthy", "t", "on", "off", "yes no"}) {
    INFO(neither);
    CHECK_FALSE(parse_boolean(neither).has_value());
  }
}
