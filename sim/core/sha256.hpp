#pragma once
// SHA-256 of files and byte strings, as lowercase hex. Provenance records the hash of every
// imported file so that a result can be traced to the exact bytes it came from.
#include <string>
#include <string_view>

namespace shiftsim {

std::string sha256_hex(std::string_view bytes);

}  // namespace shiftsim
