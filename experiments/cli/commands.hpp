#pragma once
// Each command group registers its subcommands on the root CLI11 app; argument forms they share.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace shiftsim::cli {

void add_grids_commands(CLI::App& app);
void add_workloads_commands(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_cluster_command(CLI::App& app);

// --seed: a whole number from 0 to 2^64 - 1; ConfigError otherwise (simulate, cluster).
std::uint64_t parse_seed(const std::string& text);

}  // namespace shiftsim::cli
