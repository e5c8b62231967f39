#pragma once
// Workload files: a user's own training job in TOML, and the one function that turns what users
// type (a catalog name or a path) into a Workload.
//
//   name = "bert-finetune-4xA100"     # default: the file's stem
//   base = "bert-finetune"            # optional catalog job: label, task, hardware, duration,
//   energy gpu = "A100" gpus = 4 duration = "5h"                   # with energy_kwh or power: a
//   uniform profile energy_kwh = 2.6 [profile]                         # optional: phases, or a
//   measured file file = "gpu_power.csv"            # measured: format = "nvidia-smi" |
//   "codecarbon" | "generic"
//   [[profile.phase]]                 # or phases (see workloads/README.md)
//   [overheads]                       # pue, cpu, dram ("13%" of IT power or "30 W")
//   [embodied]                        # total_kg, lifespan_years, share
//
// Every key is checked: unknown keys, wrong types and impossible values are ParseErrors naming
// the file, line and key.
#include <filesystem>
#include <string>
#include <string_view>

#include "workloads/workload.hpp"

namespace shiftsim::workloads {

// Parses a workload file's text. `base_dir` resolves relative paths inside it (a measured file).
Workload parse_workload_file(std::string_view text, const std::string& file,
                             const std::filesystem::path& base_dir);
Workload read_workload_file(const std::filesystem::path& path);

// A catalog name or label ("vit-huge", "ViT Huge"), else a workload file path (relative to
// `base_dir`). Throws ConfigError when it is neither, listing the catalog names.
Workload load_workload(const std::string& spec, const std::filesystem::path& base_dir = {});

}  // namespace shiftsim::workloads
