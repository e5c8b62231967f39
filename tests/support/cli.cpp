#include "tests/support/cli.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "tests/support/fixtures.hpp"

namespace shiftsim::test {

RunningShiftsim::RunningShiftsim(const std::vector<std::string>& args, const std::string& cwd) {
  char tmpl[] = "/tmp/shiftsim-cli-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  out_path_ = dir_ + "/stdout";
  err_path_ = dir_ + "/stderr";
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int out = ::open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(err, 2);
    if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
    std::vector<char*> argv;
    std::string bin = shiftsim_bin();
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
}

RunningShiftsim::~RunningShiftsim() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void RunningShiftsim::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

CliResult RunningShiftsim::wait() {
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = read_bytes(out_path_);
  r.err = read_bytes(err_path_);
  return r;
}

std::string shiftsim_bin() {
  // Made absolute here, once: the tests start the binary in folders of their own.
  static const std::string bin = [] {
    const char* env = std::getenv("SHIFTSIM_TEST_BIN");
    if (env == nullptr || *env == '\0') return std::string(SHIFTSIM_BIN);
    return std::filesystem::absolute(env).string();
  }();
  return bin;
}

CliResult run_shiftsim(const std::vector<std::string>& args, const std::string& cwd) {
  RunningShiftsim running(args, cwd);
  return running.wait();
}

}  // namespace shiftsim::test
