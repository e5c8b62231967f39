#include "sim/cluster/job.hpp"

namespace shiftsim::sim::cluster {

std::string_view to_string(JobOutcome o) {
  switch (o) {
    case JobOutcome::finished:
      return "finished";
    case JobOutcome::rejected:
      return "rejected";
    case JobOutcome::beyond_data:
      return "beyond-data";
    case JobOutcome::blocked:
      return "blocked";
  }
  return "?";
}

}  // namespace shiftsim::sim::cluster
