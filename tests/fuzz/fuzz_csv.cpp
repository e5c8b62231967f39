// libFuzzer target: the CSV tokenizer (CsvCursor) with ',' and ';' delimiters, the header
// helpers (trim, normalize_header) and read_data_table (sim/core/csv.hpp).
#include <string>

#include "fuzz_common.hpp"
#include "sim/core/csv.hpp"

namespace g = shiftsim;
using shiftsim::fuzz::require;

namespace {

volatile unsigned sink;  // keeps the byte reads below from being optimised away

void tokenize(std::string_view text, char delimiter) {
  shiftsim::fuzz::expect_ok_or_error([&] {
    g::CsvCursor csv(text, delimiter, "fuzz.csv");
    std::size_t last_line = 0;
    std::size_t bytes = 0;
    while (csv.next()) {
      require(csv.line() > last_line, "row line numbers do not increase");
      last_line = csv.line();
      require(!csv.fields().empty(), "a row has no fields");
      for (std::string_view f : csv.fields()) {
        // Reads every byte of every view, so ASan sees a view that points at freed storage.
        unsigned sum = 0;
        for (char c : f) sum += static_cast<unsigned char>(c);
        sink = sum;
        bytes += f.size();
        std::string_view t = g::trim(f);
        require(t.size() <= f.size(), "trim grew a field");
        std::string n = g::normalize_header(f);
        require(n.size() <= f.size(), "normalize_header grew a field");
      }
    }
    require(bytes <= text.size(), "fields hold more bytes than the text");
    require(!csv.next(), "next() is true again after the end");
  });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  tokenize(text, ',');
  tokenize(text, ';');
  shiftsim::fuzz::expect_ok_or_error([&] {
    for (const auto& row : g::read_data_table(text, "fuzz.csv", 3))
      require(row.size() == 3, "read_data_table returned a row of the wrong width");
  });
  return 0;
}
