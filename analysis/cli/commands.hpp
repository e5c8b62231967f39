#pragma once
// Each command group registers its subcommands on the root CLI11 app; argument forms they share.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <string>

#include "sim/core/time.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::cli {

void add_grids_commands(CLI::App& app);
// `grids export` (grids_export_command.cpp), added by add_grids_commands.
void add_grids_export(CLI::App& grids_app);
void add_workloads_commands(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_report_command(CLI::App& app);
void add_cluster_command(CLI::App& app);
void add_slurm_command(CLI::App& app);

// Writes `text` to `path` all or nothing (sim/core/atomic_file.hpp): the report's files, a
// Slurm script, a workload file. IoError naming the path when the write fails.
void write_text_file(const std::filesystem::path& path, const std::string& text);

// --seed: a whole number from 0 to 2^64 - 1; ConfigError otherwise (every command's --seed).
std::uint64_t parse_seed(const std::string& text);
// --checkpoint-energy KWH given --checkpoint-time: sim::check_checkpoint_energy's checks, as a
// ConfigError naming the option (simulate, cluster).
Energy checkpoint_energy(double kwh_per_checkpoint, Seconds checkpoint_time);

}  // namespace shiftsim::cli
