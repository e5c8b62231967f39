#pragma once
// Reading TOML input files (workload files, job graphs, experiments) with one error policy:
// a syntax error, a wrong type, an impossible value or an unknown key is a ParseError naming the
// file, the line and the key, with a hint. Unknown keys are errors because a misspelt key that is
// silently ignored gives a researcher a wrong result that looks right.
//
// Usage: wrap a table in a TomlSection, read each key once (which marks it known), then call
// finish(), which refuses every key that was not read.
#include <toml++/toml.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"

namespace shiftsim {

// Throws ParseError(file, line, description) on a syntax error.
toml::table parse_toml(std::string_view text, const std::string& file);

class TomlSection {
 public:
  // `where` names the table in messages: "[profile]", "[[job]] 3".
  TomlSection(const toml::table& table, std::string file, std::string where);

  bool has(std::string_view key) const { return table_->contains(key); }
  bool is_number(std::string_view key) const;  // integer or float
  std::optional<std::string> string(std::string_view key);
  std::optional<double> number(std::string_view key);  // integer or float, finite
  std::optional<std::int64_t> integer(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  // "6h", "90min": a positive length, or also zero when `zero` allows it.
  std::optional<Seconds> duration(std::string_view key, Zero zero = Zero::refused);
  std::optional<std::vector<std::string>> strings(std::string_view key);  // array of strings
  std::optional<std::vector<std::int64_t>> integers(std::string_view key);
  // An array of numbers, integers and floats mixed ([300, 450.5]), each finite.
  std::optional<std::vector<double>> numbers(std::string_view key);
  std::optional<TomlSection> table(std::string_view key);
  std::vector<TomlSection> tables(std::string_view key);  // an array of tables ([[key]])

  std::string require_string(std::string_view key);
  double require_number(std::string_view key);

  // Line of the table itself, or of one key (the table's line if the key is absent).
  std::size_t line() const;
  std::size_t line_of(std::string_view key) const;
  const std::string& file() const { return file_; }
  const std::string& where() const { return where_; }

  [[noreturn]] void fail(std::string_view key, const std::string& what,
                         const std::string& hint = {}) const;
  // Refuses keys that were never read; lists the known ones in the hint.
  void finish() const;

 private:
  const toml::node* use(std::string_view key);
  std::string prefix() const;  // the dotted path of this table, for nested names

  const toml::table* table_;
  std::string file_;
  std::string where_;
  std::set<std::string, std::less<>> used_;
};

}  // namespace shiftsim
