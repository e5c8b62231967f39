#pragma once
// For targets whose parser resolves relative paths (a store, a trace, a workload file): a folder
// that does not exist, so every relative reference the fuzzer writes fails cleanly (as a missing
// file, a shiftsim::Error) instead of reading whatever happens to lie beside the binary.
#include <filesystem>

namespace shiftsim::fuzz {

inline const std::filesystem::path& missing_dir() {
  static const std::filesystem::path dir = "/nonexistent-shiftsim-fuzz-dir";
  return dir;
}

}  // namespace shiftsim::fuzz
