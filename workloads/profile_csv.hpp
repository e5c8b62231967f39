#pragma once
// A power profile written as CSV: cumulative energy at every interval edge ("time_s,energy_kwh",
// from 0). Read back by the generic measured importer as an energy counter, it gives the same
// profile exactly (constant power between edges), so a measured log can be converted once and
// replayed from then on.
#include <filesystem>

#include "sim/core/power_profile.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::workloads {

// All or nothing (a temporary file renamed into place); replaces `out` if it exists, so callers
// decide about overwriting. Throws IoError.
void write_profile_csv(const PowerProfile& profile, TimePoint start,
                       const std::filesystem::path& out);

}  // namespace shiftsim::workloads
