#include "sim/core/toml_reader.hpp"

#include <fmt/format.h>

#include <cmath>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {
std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}
}  // namespace

toml::table parse_toml(std::string_view text, const std::string& file) {
  try {
    return toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw ParseError(file, e.source().begin.line, fmt::format("TOML syntax: {}", e.description()),
                     "fix the syntax (https://toml.io)");
  }
}

TomlSection::TomlSection(const toml::table& table, std::string file, std::string where)
    : table_(&table), file_(std::move(file)), where_(std::move(where)) {}

std::size_t TomlSection::line() const { return table_->source().begin.line; }

std::size_t TomlSection::line_of(std::string_view key) const {
  if (const auto* n = table_->get(key)) return n->source().begin.line;
  return line();
}

void TomlSection::fail(std::string_view key, const std::string& what,
                       const std::string& hint) const {
  throw ParseError(file_, line_of(key), fmt::format("{} '{}': {}", where_, key, what), hint);
}

const toml::node* TomlSection::use(std::string_view key) {
  used_.emplace(key);
  return table_->get(key);
}

std::optional<std::string> TomlSection::string(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  if (!n->is_string())
    fail(key, fmt::format("expected a string, found {}", type_name(*n)), "quote the value");
  return std::string(n->as_string()->get());
}

std::optional<double> TomlSection::number(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  double v = 0;
  if (n->is_integer())
    v = static_cast<double>(n->as_integer()->get());
  else if (n->is_floating_point())
    v = n->as_floating_point()->get();
  else
    fail(key, fmt::format("expected a number, found {}", type_name(*n)), "write a plain number");
  if (!std::isfinite(v)) fail(key, "the value is not finite", "write a finite number");
  return v;
}

std::optional<std::int64_t> TomlSection::integer(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  if (!n->is_integer())
    fail(key, fmt::format("expected an integer, found {}", type_name(*n)),
         "write a whole number without a decimal point");
  return n->as_integer()->get();
}

std::optional<bool> TomlSection::boolean(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  if (!n->is_boolean()) fail(key, fmt::format("expected true or false, found {}", type_name(*n)));
  return n->as_boolean()->get();
}

std::optional<Seconds> TomlSection::duration(std::string_view key, Zero zero) {
  auto s = string(key);
  if (!s) return std::nullopt;
  try {
    return parse_duration(*s, key, zero);
  } catch (const Error& e) {
    fail(key, e.what(), "write a duration such as \"90s\", \"5min\", \"6h\" or \"2d\"");
  }
}

std::optional<std::vector<std::string>> TomlSection::strings(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  const auto* arr = n->as_array();
  if (!arr)
    fail(key, fmt::format("expected an array of strings, found {}", type_name(*n)),
         "write [\"a\", \"b\"]");
  std::vector<std::string> out;
  for (const auto& e : *arr) {
    if (!e.is_string())
      fail(key, fmt::format("expected strings in the array, found {}", type_name(e)),
           "quote every element");
    out.emplace_back(e.as_string()->get());
  }
  return out;
}

std::optional<std::vector<std::int64_t>> TomlSection::integers(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  const auto* arr = n->as_array();
  if (!arr)
    fail(key, fmt::format("expected an array of integers, found {}", type_name(*n)),
         "write [0, 1]");
  std::vector<std::int64_t> out;
  for (const auto& e : *arr) {
    if (!e.is_integer())
      fail(key, fmt::format("expected integers in the array, found {}", type_name(e)));
    out.push_back(e.as_integer()->get());
  }
  return out;
}

std::optional<std::vector<double>> TomlSection::numbers(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  const auto* arr = n->as_array();
  if (!arr)
    fail(key, fmt::format("expected an array of numbers, found {}", type_name(*n)),
         "write [300, 450.5]");
  std::vector<double> out;
  for (const auto& e : *arr) {
    if (e.is_integer())
      out.push_back(static_cast<double>(e.as_integer()->get()));
    else if (e.is_floating_point())
      out.push_back(e.as_floating_point()->get());
    else
      fail(key, fmt::format("expected numbers in the array, found {}", type_name(e)),
           "write plain numbers, such as [300, 450.5]");
    if (!std::isfinite(out.back()))
      fail(key, "the array holds a value that is not finite (nan or inf)",
           "write finite numbers, such as [300, 450.5]");
  }
  return out;
}

bool TomlSection::is_number(std::string_view key) const {
  const auto* n = table_->get(key);
  return n && (n->is_integer() || n->is_floating_point());
}

std::optional<TomlSection> TomlSection::table(std::string_view key) {
  const auto* n = use(key);
  if (!n) return std::nullopt;
  if (!n->is_table())
    fail(key, fmt::format("expected a table, found {}", type_name(*n)),
         fmt::format("write it as [{}]", key));
  return TomlSection(*n->as_table(), file_, fmt::format("[{}{}]", prefix(), key));
}

std::vector<TomlSection> TomlSection::tables(std::string_view key) {
  const auto* n = use(key);
  std::vector<TomlSection> out;
  if (!n) return out;
  const auto* arr = n->as_array();
  if (!arr || !arr->is_array_of_tables())
    fail(key, fmt::format("expected an array of tables, found {}", type_name(*n)),
         fmt::format("write each entry as [[{}]]", key));
  std::size_t i = 0;
  for (const auto& e : *arr)
    out.emplace_back(*e.as_table(), file_, fmt::format("[[{}{}]] #{}", prefix(), key, ++i));
  return out;
}

std::string TomlSection::prefix() const {
  // "[profile]" -> "profile.", "[[profile.phase]] #2" -> "profile.phase."; the root has none.
  if (where_.size() < 2 || where_[0] != '[') return {};
  const auto b = where_.find_first_not_of('[');
  const auto e = where_.find(']');
  return where_.substr(b, e - b) + ".";
}

std::string TomlSection::require_string(std::string_view key) {
  auto v = string(key);
  if (!v) fail(key, "missing", fmt::format("add {} = \"...\"", key));
  return *v;
}

double TomlSection::require_number(std::string_view key) {
  auto v = number(key);
  if (!v) fail(key, "missing", fmt::format("add {} = <number>", key));
  return *v;
}

void TomlSection::finish() const {
  for (const auto& [k, node] : *table_) {
    if (used_.count(k.str())) continue;
    std::string known;
    for (const auto& u : used_) known += (known.empty() ? "" : ", ") + u;
    throw ParseError(file_, node.source().begin.line,
                     fmt::format("{}: unknown key '{}'", where_, k.str()),
                     known.empty() ? "remove it" : fmt::format("known keys here: {}", known));
  }
}

}  // namespace shiftsim
