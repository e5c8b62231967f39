#include "workloads/profile_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "sim/core/atomic_file.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::workloads {

void write_profile_csv(const PowerProfile& p, TimePoint start, const std::filesystem::path& out) {
  AtomicOutput file(out);
  {
    std::ofstream f(file.temp_path());
    f << "# shiftsim power profile: cumulative energy at each interval edge from "
      << format_time(start) << "\ntime_s,energy_kwh\n0,0\n";
    double joules = 0;
    long edge = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      joules += p.watts()[i] * static_cast<double>(p.length(i).count());
      edge += p.length(i).count();
      f << fmt::format("{},{:.17g}\n", edge, joules / kJoulesPerKwh);
    }
    f.flush();
    if (!f) throw IoError(fmt::format("cannot write {}", file.temp_path().string()));
  }
  file.commit();
}

}  // namespace shiftsim::workloads
