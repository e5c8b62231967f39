#pragma once
// Whole-file reads with a bound on what one input may cost.
//
// Every text input of the project (grid files, experiment files, traces, workload files, power
// logs) is read whole through read_file, so the checks live here once: only a regular file is
// read (a device such as /dev/zero, a FIFO or a socket would never end or block forever), and its
// size is checked against a limit before a byte is read (a 10 GB sparse file, or a wrong file
// given by mistake, is refused at once instead of exhausting memory).
//
// The limit is one setting for the process (the CLI's --max-input-mib): inputs are read from many
// layers, and what one may cost is the user's choice for the whole run, not each reader's.
//
// Thread-safety: read_file is safe from any thread; set the limit before starting threads.
#include <cstdint>
#include <filesystem>
#include <string>

namespace shiftsim {

// 1 GiB by default: about 40 times the largest real input the project reads (a multi-year
// Electricity Maps export of one zone at 5-minute steps).
inline constexpr std::uint64_t kDefaultMaxInputBytes = std::uint64_t{1} << 30;

std::uint64_t max_input_bytes();
void set_max_input_bytes(std::uint64_t bytes);

// Reads a whole regular file. Throws IoError naming the path and what to do when it cannot be
// opened, is a folder or not a regular file, or is larger than max_input_bytes().
std::string read_file(const std::filesystem::path& path);

}  // namespace shiftsim
