#pragma once
// The events of the single-job engine, on the one event queue (event_queue.hpp).
//
// Simulated time is integer seconds since the Unix epoch. The queue orders events by
// (time, priority, sequence number); priority follows from the kind: at one instant the intensity
// change comes first (decisions at t see the value that holds from t), then what frees a machine
// (finish, checkpoint, pause), then what occupies one (resume, start), then arrivals, which may be
// answered by a start at the same instant. The sequence number keeps insertion order among equals.
//
// Thread-safety: a queue is a value owned by one simulation; not shared.
#include <cstdint>
#include <string_view>

#include "sim/event_queue.hpp"

namespace shiftsim::sim {

enum class EventKind : std::uint8_t {
  intensity_step,  // the grid's intensity changes (a step boundary)
  finish,          // a job's last unit of work is done
  checkpoint,      // a running job stops working and writes its state (pause cost begins)
  pause,           // a job stops drawing power
  resume,          // a paused job works again
  start,           // a job works for the first time
  arrival,         // a job is submitted (its requested start)
};

std::string_view to_string(EventKind k);
constexpr std::uint8_t priority_of(EventKind k) { return static_cast<std::uint8_t>(k); }

using Event = TimedEvent<EventKind>;
using EventQueue = BasicEventQueue<EventKind>;

}  // namespace shiftsim::sim
