#include "sim/core/csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <system_error>

#include "sim/core/errors.hpp"

namespace shiftsim {

CsvCursor::CsvCursor(std::string_view text, char delimiter, std::string file_name)
    : text_(text), delim_(delimiter), file_(std::move(file_name)) {
  if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
}

bool CsvCursor::next() {
  while (pos_ < text_.size()) {
    fields_.clear();
    unescaped_.clear();
    unescaped_field_.clear();
    line_ = next_line_;
    const std::size_t n = text_.size();
    bool row_has_content = false;
    while (true) {
      // One field.
      if (pos_ < n && text_[pos_] == '"') {
        std::size_t start = ++pos_;
        bool escaped = false;
        while (true) {
          if (pos_ >= n)
            throw ParseError(file_, line_, "a quoted field is never closed",
                             "check the quotes on this line");
          if (text_[pos_] == '"') {
            if (pos_ + 1 < n && text_[pos_ + 1] == '"') {
              escaped = true;
              pos_ += 2;
              continue;
            }
            break;
          }
          if (text_[pos_] == '\n') ++next_line_;
          ++pos_;
        }
        std::string_view raw = text_.substr(start, pos_ - start);
        ++pos_;  // closing quote
        if (escaped) {
          std::string s;
          for (std::size_t i = 0; i < raw.size(); ++i) {
            s.push_back(raw[i]);
            if (raw[i] == '"') ++i;
          }
          unescaped_.push_back(std::move(s));
          unescaped_field_.push_back(fields_.size());
          fields_.emplace_back();  // set below, once unescaped_ stops reallocating
        } else {
          fields_.push_back(raw);
        }
        row_has_content = true;
        // Skip anything up to the delimiter (tolerates spaces after a closing quote).
        while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          ++pos_;
      } else {
        std::size_t start = pos_;
        while (pos_ < n && text_[pos_] != delim_ && text_[pos_] != '\n' && text_[pos_] != '\r')
          ++pos_;
        fields_.push_back(text_.substr(start, pos_ - start));
        if (pos_ > start) row_has_content = true;
      }
      if (pos_ < n && text_[pos_] == delim_) {
        ++pos_;
        row_has_content = true;
        continue;
      }
      break;
    }
    // End of row.
    if (pos_ < n && text_[pos_] == '\r') ++pos_;
    if (pos_ < n && text_[pos_] == '\n') ++pos_;
    ++next_line_;
    for (std::size_t k = 0; k < unescaped_.size(); ++k)
      fields_[unescaped_field_[k]] = unescaped_[k];
    if (row_has_content) return true;
  }
  return false;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<bool> parse_boolean(std::string_view cell) {
  const std::string_view t = trim(cell);
  for (std::string_view yes : {"true", "yes", "1"})
    if (iequals(t, yes)) return true;
  for (std::string_view no : {"false", "no", "0"})
    if (iequals(t, no)) return false;
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string normalize_header(std::string_view s) {
  std::string out;
  s = trim(s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 3) == "\xE2\x82\x82") {  // U+2082 SUBSCRIPT TWO
      out.push_back('2');
      i += 2;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      if (!out.empty() && out.back() != ' ') out.push_back(' ');
      continue;
    }
    out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace shiftsim

namespace shiftsim {

std::vector<std::vector<std::string>> read_data_table(std::string_view text,
                                                      const std::string& name,
                                                      std::size_t columns) {
  // Blank out comment lines (keeping the newlines, so line numbers stay true).
  std::string body(text);
  for (std::size_t i = 0; i < body.size();) {
    std::size_t nl = body.find('\n', i);
    if (nl == std::string::npos) nl = body.size();
    if (body[i] == '#')
      std::fill(body.begin() + static_cast<std::ptrdiff_t>(i),
                body.begin() + static_cast<std::ptrdiff_t>(nl), ' ');
    i = nl + 1;
  }
  CsvCursor csv(body, ',', name);
  std::vector<std::vector<std::string>> rows;
  bool header = true;
  while (csv.next()) {
    if (csv.fields().size() == 1 && trim(csv.fields()[0]).empty()) continue;
    if (csv.fields().size() != columns)
      throw ParseError(name, csv.line(),
                       "expected " + std::to_string(columns) + " columns, found " +
                           std::to_string(csv.fields().size()));
    if (header) {
      header = false;
      continue;
    }
    std::vector<std::string> row;
    for (auto f : csv.fields()) row.emplace_back(trim(f));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string csv_quote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

double data_table_number(std::string_view cell, const std::string& name) {
  double v = 0;
  auto [p, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), v);
  if (ec != std::errc{} || p != cell.data() + cell.size())
    throw ParseError(name, 0, fmt::format("'{}' is not a number", cell));
  return v;
}

}  // namespace shiftsim
