#pragma once
// Events and the event queue of the discrete-event engine.
//
// Simulated time is integer seconds since the Unix epoch. The queue orders events by
// (time, priority, sequence number): never by address, so a run is reproducible. Priority follows
// from the kind: at one instant the intensity change comes first (decisions at t see the value
// that holds from t), then what frees a machine (finish, checkpoint, pause), then what occupies
// one (resume, start), then arrivals, which may be answered by a start at the same instant.
// The sequence number keeps insertion order among equals.
//
// Thread-safety: a queue is a value owned by one simulation; not shared.
#include <cstdint>
#include <queue>
#include <string_view>
#include <vector>

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

struct Event {
  std::int64_t time = 0;  // Unix seconds
  std::uint8_t priority = 0;
  std::uint64_t seq = 0;
  EventKind kind = EventKind::intensity_step;
  std::uint32_t job = 0;    // index of the job in its simulation; 0 for intensity steps
  std::uint64_t token = 0;  // a job's event generation: events from before a change are stale
};

class EventQueue {
 public:
  void push(std::int64_t time, EventKind kind, std::uint32_t job = 0, std::uint64_t token = 0);
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.top(); }
  Event pop();

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const {
      if (a.time != b.time) return a.time > b.time;
      if (a.priority != b.priority) return a.priority > b.priority;
      return a.seq > b.seq;
    }
  };
  std::priority_queue<Event, std::vector<Event>, Later> heap_;
  std::uint64_t next_seq_ = 0;
};

}  // namespace shiftsim::sim
