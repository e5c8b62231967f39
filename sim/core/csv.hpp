#pragma once
// A small, fast CSV tokenizer over a whole file held in memory.
//
// RFC 4180 quoting ("a,b" and "" inside quotes), any one-character delimiter, CRLF or LF line
// ends, a UTF-8 byte-order mark, and blank lines (skipped). Every row keeps the 1-based line
// number it starts on, so errors can point at it. Fields are views into the text, except for
// quoted fields with escaped quotes, which are unescaped into per-row storage.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiftsim {

class CsvCursor {
 public:
  CsvCursor(std::string_view text, char delimiter, std::string file_name);

  // Reads the next non-blank row; false at the end. Throws ParseError on an unterminated quote.
  bool next();
  const std::vector<std::string_view>& fields() const { return fields_; }
  std::size_t line() const { return line_; }
  const std::string& file_name() const { return file_; }

 private:
  std::string_view text_;
  char delim_;
  std::string file_;
  std::size_t pos_ = 0;
  std::size_t next_line_ = 1;
  std::size_t line_ = 0;
  std::vector<std::string_view> fields_;
  // Quoted fields with "" inside: their unescaped text, and the field each belongs to.
  std::vector<std::string> unescaped_;
  std::vector<std::size_t> unescaped_field_;
};

// Field helpers shared by the readers.
std::string_view trim(std::string_view s);
// ASCII case-insensitive equality: names users type ("ViT Huge", "vit-huge", "FR").
bool iequals(std::string_view a, std::string_view b);
// A boolean cell, the one spelling every reader accepts: true, yes, 1 or false, no, 0, in any case,
// around spaces ignored; nullopt for anything else, the empty cell included (each reader says
// what an empty cell means and refuses the rest with its file, line and column).
std::optional<bool> parse_boolean(std::string_view cell);
// Lower case, "₂" folded to "2", runs of spaces collapsed: header names compare loosely.
std::string normalize_header(std::string_view s);
// One field as RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote or
// a line break (ids and names from users' files may hold any of them); as it is otherwise.
std::string csv_quote(std::string_view field);

}  // namespace shiftsim

namespace shiftsim {

// A project data table (grids/data/*.csv): '#' comment lines, one header row, then rows of
// exactly `columns` fields. Returns the data rows as strings. Throws ParseError naming the table.
std::vector<std::vector<std::string>> read_data_table(std::string_view text,
                                                      const std::string& name, std::size_t columns);
// A number cell of such a table. Throws ParseError naming the table.
double data_table_number(std::string_view cell, const std::string& name);

}  // namespace shiftsim
