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

std::string_view to_string(JobPhase p) {
  switch (p) {
    case JobPhase::pending:
      return "pending";
    case JobPhase::queued:
      return "queued";
    case JobPhase::running:
      return "running";
    case JobPhase::checkpointing:
      return "checkpointing";
    case JobPhase::suspended:
      return "suspended";
    case JobPhase::finished:
      return "finished";
    case JobPhase::dropped:
      return "dropped";
  }
  return "?";
}

}  // namespace shiftsim::sim::cluster
