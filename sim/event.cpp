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

void EventQueue::push(std::int64_t time, EventKind kind, std::uint32_t job, std::uint64_t token) {
  heap_.push(Event{time, priority_of(kind), next_seq_++, kind, job, token});
}

Event EventQueue::pop() {
  Event e = heap_.top();
  heap_.pop();
  return e;
}

}  // namespace shiftsim::sim
