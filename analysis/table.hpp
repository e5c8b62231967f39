#pragma once
// A report table and its three renderings: Markdown (report.md), CSV (one file per table, for
// pandas or a spreadsheet) and LaTeX (booktabs, for a paper).
//
// A table carries what it is (title) and what it came from (notes: the data, the method, the
// published source), so that no rendering can drop them: surrogate or average data must never be
// mistaken for the paper's marginal data. Missing numbers (NaN) print as "n/a" (Markdown, LaTeX)
// or empty (CSV).
#include <string>
#include <variant>
#include <vector>

namespace shiftsim::analysis {

using Value = std::variant<std::string, double>;

struct Column {
  std::string name;
  int decimals = 1;  // for numbers in Markdown and LaTeX; CSV keeps full precision
};

struct Table {
  std::string id;     // file name stem and anchor: "table10_6h"
  std::string title;  // "Table 10: savings with a 6 h window (%)"
  std::vector<std::string> notes;
  std::vector<Column> columns;
  std::vector<std::vector<Value>> rows;  // each as many values as columns
};

std::string to_markdown(const Table& t);
// Comment lines ("# ...": title and notes; pandas: read_csv(path, comment="#")), then a header
// row and the rows (RFC 4180 quoting). Numbers in shortest round-trip form.
std::string to_csv(const Table& t);
// A table environment with caption and label; text escaped for LaTeX.
std::string to_latex(const Table& t);

}  // namespace shiftsim::analysis
