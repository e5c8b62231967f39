#pragma once
// What both experiment readers (experiment.hpp: policy sweeps; cluster_experiment.hpp: cluster
// sweeps) read alike: required sections and lists, paths relative to the file, the [output]
// section. Every failure is a ParseError naming the file, the line and the key, and what to do.
// Thread-safety: pure functions of their arguments.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/time.hpp"
#include "sim/core/toml_reader.hpp"
#include "sim/core/units.hpp"

namespace shiftsim::experiments {

// Section [name] of the root; `reference` is the header documenting the file format.
TomlSection require_section(TomlSection& root, std::string_view name, std::string_view reference);
// A list of strings that must be present and non-empty, each non-blank.
std::vector<std::string> require_strings(TomlSection& t, std::string_view key,
                                         const std::string& example);
// `rel` relative to the experiment file's folder (or absolute), normalised.
std::filesystem::path resolve(const std::filesystem::path& base_dir, const std::string& rel);
// checkpoint_energy_kwh, checked as every reader of pause costs checks it
// (sim::check_checkpoint_energy) given the checkpoint_time already read; nullopt when absent.
std::optional<Energy> read_checkpoint_energy(TomlSection& t, Seconds checkpoint_time);
// The [output] section's path = "...", resolved; `example` is the hint's path.
std::filesystem::path read_output(TomlSection& root, const std::filesystem::path& base_dir,
                                  std::string_view reference, std::string_view example);

// Before a run, what only the file system can refuse about an experiment's paths, each at the
// line of its key in `file`: a store that does not exist or is not HDF5 (IoError), and, when the
// cube goes to the [output] path (`output_line` != 0), an output that is a folder, the store or
// the experiment file itself (IoError). A message without the line left the researcher to find
// which key of which file named the path.
void check_experiment_paths(const std::string& file, const std::filesystem::path& store,
                            std::size_t store_line, const std::filesystem::path& output,
                            std::size_t output_line);

}  // namespace shiftsim::experiments
