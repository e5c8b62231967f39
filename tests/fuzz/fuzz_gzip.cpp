// libFuzzer target: gzip decompression of any bytes (grids/readers/gzip.cpp), the step every
// import takes for a file that starts with the gzip magic. The inputs are prefixed with the magic
// so that the fuzzer spends its time inside the stream, and the output is bounded so that a
// small input cannot ask for gigabytes.
#include <string>

#include "fuzz_common.hpp"
#include "grids/readers/gzip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes = "\x1f\x8b";
  bytes.append(shiftsim::fuzz::as_text(data, size));
  shiftsim::fuzz::expect_ok_or_error([&] {
    const std::string text = shiftsim::grids::gunzip(bytes, "fuzz.csv.gz", std::size_t{1} << 20);
    shiftsim::fuzz::require(text.size() <= (std::size_t{1} << 20) + (1 << 16),
                            "gunzip returned more than its bound");
  });
  return 0;
}
