#pragma once
// The per-format readers behind read_measured_profile (measured.hpp), each reducing its file to
// a Measurement (integrate.hpp). Options are checked by the caller, except what only the file
// can tell (a run or GPU it does not hold). Internal to workloads/measured.
#include <string>
#include <string_view>

#include "workloads/measured/integrate.hpp"

namespace shiftsim::workloads::measured {

Measurement read_nvidia_smi(std::string_view text, const std::string& file,
                            const MeasuredOptions& options);
Measurement read_codecarbon(std::string_view text, const std::string& file,
                            const MeasuredOptions& options);
Measurement read_generic(std::string_view text, const std::string& file,
                         const MeasuredOptions& options);

}  // namespace shiftsim::workloads::measured
