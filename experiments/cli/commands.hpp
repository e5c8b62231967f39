#pragma once
// Each command group registers its subcommands on the root CLI11 app.
#include <CLI/CLI.hpp>

namespace shiftsim::cli {

void add_grids_commands(CLI::App& app);
void add_workloads_commands(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_cluster_command(CLI::App& app);

}  // namespace shiftsim::cli
