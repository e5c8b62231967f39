// Argument forms several commands share.
#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <limits>

#include "analysis/cli/commands.hpp"
#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"
#include "sim/pause_costs.hpp"

namespace shiftsim::cli {

void write_text_file(const std::filesystem::path& path, const std::string& text) {
  AtomicOutput out(path);
  {
    std::ofstream f(out.temp_path(), std::ios::binary);
    f << text;
    f.flush();
    if (!f) throw IoError(fmt::format("{}: cannot write", path.string()));
  }
  out.commit();
}

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t v = 0;
  const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    throw ConfigError(fmt::format("--seed \"{}\" is not a whole number from 0 to {}", text,
                                  std::numeric_limits<std::uint64_t>::max()));
  }
  return v;
}

Energy checkpoint_energy(double kwh_per_checkpoint, Seconds checkpoint_time) {
  if (auto no = sim::check_checkpoint_energy(kwh_per_checkpoint, checkpoint_time,
                                             "--checkpoint-time 10min"))
    throw ConfigError(fmt::format("--checkpoint-energy: {}; {}", no->what, no->hint));
  return kwh(kwh_per_checkpoint);
}

}  // namespace shiftsim::cli
