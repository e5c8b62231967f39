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

// The binary the CLI tests run: $SHIFTSIM_TEST_BIN when set (CI points it at the sanitizer
// build's shiftsim, so that the whole CLI suite runs it without the test runner being rebuilt
// with sanitizers), else the shiftsim built beside these tests.
std::string shiftsim_bin();

// Arguments are passed without a shell (no quoting issues). `cwd` empty: the current directory.
CliResult run_shiftsim(const std::vector<std::string>& args, const std::string& cwd = {});

// shiftsim started without waiting, for tests that signal it while it runs. Its stdout and
// stderr go to files in a temporary folder of its own.
class RunningShiftsim {
 public:
  RunningShiftsim(const std::vector<std::string>& args, const std::string& cwd = {});
  ~RunningShiftsim();  // kills it if still running
  RunningShiftsim(const RunningShiftsim&) = delete;
  RunningShiftsim& operator=(const RunningShiftsim&) = delete;
  void signal(int sig);
  CliResult wait();  // exit code 128 + N when killed by signal N

 private:
  int pid_ = -1;
  std::string dir_, out_path_, err_path_;
};

}  // namespace shiftsim::test
