#pragma once
// Runs the built shiftsim binary as a user would, capturing exit code, stdout and stderr.
#include <string>
#include <vector>

namespace shiftsim::test {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Arguments are passed without a shell (no quoting issues). `cwd` empty: the current directory.
CliResult run_shiftsim(const std::vector<std::string>& args, const std::string& cwd = {});

}  // namespace shiftsim::test
