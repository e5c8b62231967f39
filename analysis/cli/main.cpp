// shiftsim: carbon-aware scheduling simulator for ML training jobs.
#include <fmt/format.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "analysis/cli/commands.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/read_file.hpp"

namespace {

// Exit codes (README, "Exit codes"): 0 done; 1 bad input or a failure the message names; 2 a
// usage error (an unknown command or option, a missing argument: the POSIX and argparse habit);
// 3 an internal error; 4 simulate's run without a result (the job cannot finish within the
// data); 130 stopped by SIGINT or SIGTERM.
constexpr int kUsageExit = 2;

// `shiftsim help [COMMAND...]` is `shiftsim [COMMAND...] --help`.
std::vector<std::string> arguments(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "help") {
    args.erase(args.begin());
    args.push_back("--help");
  }
  return args;
}

int run(int argc, char** argv) {
  // Past a file-size limit (ulimit -f) a write fails with EFBIG and is said, with the file, like
  // a full disk; the default action of SIGXFSZ would kill the process without a word.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{
      "shiftsim: how much CO2 does a training job emit, here and now, later, paused, "
      "or elsewhere"};
  app.set_version_flag("-V,--version", std::string("shiftsim ") + SHIFTSIM_VERSION);
  app.require_subcommand(1);
  // What one input file may cost is the user's choice for the whole run (read_file.hpp); given
  // before or after the command. Triggered as parsed, so that it is set before a command runs.
  app.fallthrough();
  app.add_option_function<std::uint64_t>(
         "--max-input-mib", [](std::uint64_t mib) { shiftsim::set_max_input_bytes(mib << 20); },
         fmt::format("largest input file read, in MiB (default {}): a guard against a wrong "
                     "file, a device or a sparse file",
                     shiftsim::kDefaultMaxInputBytes >> 20))
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40))
      ->trigger_on_parse();
  shiftsim::cli::add_grids_commands(app);
  shiftsim::cli::add_workloads_commands(app);
  shiftsim::cli::add_simulate_command(app);
  shiftsim::cli::add_run_command(app);
  shiftsim::cli::add_report_command(app);
  shiftsim::cli::add_cluster_command(app);
  shiftsim::cli::add_slurm_command(app);
  auto args = arguments(argc, argv);
  // An unknown command says so and lists the commands (CLI11 would say a command is required).
  if (!args.empty() && !args.front().starts_with('-')) {
    std::string names;
    bool known = false;
    for (const auto* sub : app.get_subcommands({})) {
      known = known || sub->check_name(args.front());
      names += (names.empty() ? "" : ", ") + sub->get_name();
    }
    if (!known) {
      fmt::print(stderr,
                 "shiftsim: unknown command '{}'; the commands are: {}, help. 'shiftsim help "
                 "COMMAND' shows one\n",
                 args.front(), names);
      return kUsageExit;
    }
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app.parse(args);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();  // a command that ran but has no result; it said why
  } catch (const CLI::ParseError& e) {
    // Help and version print and succeed; anything else is a usage error, said with CLI11's
    // hint ("Run with --help for more information").
    return app.exit(e) == 0 ? 0 : kUsageExit;
  } catch (const shiftsim::Error& e) {
    fmt::print(stderr, "shiftsim: error: {}\n", e.what());
    return 1;
  } catch (const shiftsim::InternalError& e) {
    fmt::print(stderr,
               "shiftsim: internal error (a bug in shiftsim; please report it with the "
               "command that caused it): {}\n",
               e.what());
    return 3;
  } catch (const std::exception& e) {  // out of memory, or a library's own failure
    fmt::print(stderr, "shiftsim: internal error: {}\n", e.what());
    return 3;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return run(argc, argv); }
