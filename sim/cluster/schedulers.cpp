#include "sim/cluster/schedulers.hpp"

#include <functional>
#include <stdexcept>
#include <utility>
#include <vector>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::sim::cluster {

// One factory per file in schedulers/.
std::unique_ptr<Scheduler> make_fifo();
std::unique_ptr<Scheduler> make_carbon_delay();
std::unique_ptr<Scheduler> make_backfill();
std::unique_ptr<Scheduler> make_carbon_suspend();
std::unique_ptr<Scheduler> make_spatial();
std::unique_ptr<Scheduler> make_spatial_delay();

namespace {
using Factory = std::unique_ptr<Scheduler> (*)();
const std::vector<std::pair<std::string_view, Factory>>& registry() {
  static const std::vector<std::pair<std::string_view, Factory>> r{
      {"fifo", &make_fifo},
      {"backfill", &make_backfill},
      {"carbon-delay", &make_carbon_delay},
      {"carbon-suspend", &make_carbon_suspend},
      {"spatial", &make_spatial},
      {"spatial-delay", &make_spatial_delay},
  };
  return r;
}
}  // namespace

std::string scheduler_names() {
  std::string out;
  for (const auto& [name, make] : registry()) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

std::unique_ptr<Scheduler> make_scheduler(std::string_view name) {
  for (const auto& [n, make] : registry()) {
    if (iequals(n, name)) return make();
  }
  throw ConfigError("unknown scheduler '" + std::string(name) +
                    "'; choose one of: " + scheduler_names());
}

int roomiest_site(const Cluster& c, JobId j) {
  int best = -1;
  for (std::size_t s = 0; s < c.site_count(); ++s) {
    if (c.free(s) >= c.job(j).accelerators &&
        (best < 0 || c.free(s) > c.free(static_cast<std::size_t>(best)))) {
      best = static_cast<int>(s);
    }
  }
  return best;
}

std::size_t home_site(const Cluster& c, JobId j) {
  std::size_t best = c.site_count();
  for (std::size_t s = 0; s < c.site_count(); ++s) {
    if (c.site(s).spec.capacity >= c.job(j).accelerators &&
        (best == c.site_count() || c.free(s) > c.free(best))) {
      best = s;
    }
  }
  if (best == c.site_count()) throw InternalError("home_site: no site can hold the job");
  return best;  // the engine rejects jobs no site can hold, so one always can
}

}  // namespace shiftsim::sim::cluster
