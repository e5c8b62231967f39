#include "analysis/table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::analysis {

namespace {

void check(const Table& t) {
  for (const auto& r : t.rows) {
    if (r.size() != t.columns.size()) {
      throw InternalError(fmt::format("table {}: a row has {} values for {} columns", t.id,
                                      r.size(), t.columns.size()));
    }
  }
}

std::string number(double v, int decimals) {
  if (std::isnan(v)) return "n/a";
  std::string out = fmt::format("{:.{}f}", v, decimals);
  // A rounding residue below the shown precision (-1.7e-14) prints as 0.0, not -0.0.
  const bool negative_zero =
      out.front() == '-' && out.find_first_not_of("-0.") == std::string::npos;
  return negative_zero ? fmt::format("{:.{}f}", 0.0, decimals) : out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string tex_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '%':
      case '&':
      case '_':
      case '#':
      case '$':
      case '{':
      case '}':
        out += '\\';
        out += c;
        break;
      case '~':
        out += "\\textasciitilde{}";
        break;
      case '^':
        out += "\\textasciicircum{}";
        break;
      case '\\':
        out += "\\textbackslash{}";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

std::string to_markdown(const Table& t) {
  check(t);
  std::string out = fmt::format("### {}\n\n", md_escape(t.title));
  for (const auto& n : t.notes) out += n + "\n\n";
  std::string head = "|", rule = "|";
  for (const auto& c : t.columns) {
    head += " " + md_escape(c.name) + " |";
    rule += " --- |";
  }
  out += head + "\n" + rule + "\n";
  for (const auto& r : t.rows) {
    std::string line = "|";
    for (std::size_t i = 0; i < r.size(); ++i) {
      const auto* d = std::get_if<double>(&r[i]);
      line += " " +
              (d ? number(*d, t.columns[i].decimals) : md_escape(std::get<std::string>(r[i]))) +
              " |";
    }
    out += line + "\n";
  }
  return out + "\n";
}

std::string to_csv(const Table& t) {
  check(t);
  std::string out = fmt::format("# {}\n", t.title);
  for (const auto& n : t.notes) out += "# " + n + "\n";
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    out += (i ? "," : "") + csv_quote(t.columns[i].name);
  }
  out += "\n";
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) out += ",";
      if (const auto* d = std::get_if<double>(&r[i])) {
        if (!std::isnan(*d)) out += fmt::format("{}", *d);
      } else {
        out += csv_quote(std::get<std::string>(r[i]));
      }
    }
    out += "\n";
  }
  return out;
}

std::string to_latex(const Table& t) {
  check(t);
  std::string spec;
  for (std::size_t i = 0; i < t.columns.size(); ++i) spec += i == 0 ? "l" : "r";
  std::string out = "\\begin{table}[htbp]\n\\centering\\small\n";
  out += fmt::format("\\caption{{{}}}\n\\label{{tab:{}}}\n", tex_escape(t.title), t.id);
  out += fmt::format("\\begin{{tabular}}{{{}}}\n\\toprule\n", spec);
  for (std::size_t i = 0; i < t.columns.size(); ++i) {
    out += (i ? " & " : "") + tex_escape(t.columns[i].name);
  }
  out += " \\\\\n\\midrule\n";
  for (const auto& r : t.rows) {
    for (std::size_t i = 0; i < r.size(); ++i) {
      if (i) out += " & ";
      const auto* d = std::get_if<double>(&r[i]);
      out += d ? (std::isnan(*d) ? std::string("n/a") : number(*d, t.columns[i].decimals))
               : tex_escape(std::get<std::string>(r[i]));
    }
    out += " \\\\\n";
  }
  out += "\\bottomrule\n\\end{tabular}\n";
  for (const auto& n : t.notes) out += "\\par\\footnotesize " + tex_escape(n) + "\n";
  return out + "\\end{table}\n";
}

}  // namespace shiftsim::analysis
