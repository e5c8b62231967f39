#include "sim/event.hpp"

namespace shiftsim::sim {

std::string_view to_string(EventKind k) {
  switch (k) {
    case EventKind::intensity_step:
      return "intensity-step";
    case EventKind::finish:
      return "finish";
    case EventKind::checkpoint:
      return "checkpoint";
    case EventKind::pause:
      return "pause";
    case EventKind::resume:
      return "resume";
    case EventKind::start:
      return "start";
    case EventKind::arrival:
      return "arrival";
  }
  return "?";
}

}  // namespace shiftsim::sim
