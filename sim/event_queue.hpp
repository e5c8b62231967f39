#pragma once
// The one event queue under both engines (the single-job engine, sim/engine.hpp, and the cluster
// engine, sim/cluster/cluster.hpp), templated on the engine's event kind.
//
// Events are ordered by (time, priority, sequence number), never by address, so a run is
// reproducible. The priority is the kind's underlying value: each engine lists its kinds in the
// order they must be handled at one instant. The sequence number keeps insertion order among
// equals. push and pop are O(log n).
//
// Thread-safety: a queue is a value owned by one simulation; not shared.
#include <cstdint>
#include <queue>
#include <type_traits>
#include <vector>

namespace shiftsim::sim {

template <class Kind, class Token = std::uint64_t>
struct TimedEvent {
  std::int64_t time = 0;  // Unix seconds
  std::uint8_t priority = 0;
  std::uint64_t seq = 0;
  Kind kind{};
  std::uint32_t job = 0;  // index of the job in its simulation; 0 for events of no job
  Token token = 0;        // a job's event generation: events from before a change are stale
};

template <class Kind, class Token = std::uint64_t>
class BasicEventQueue {
  static_assert(std::is_enum_v<Kind> && sizeof(Kind) == 1, "event kinds are one-byte enums");

 public:
  using Event = TimedEvent<Kind, Token>;

  void push(std::int64_t time, Kind kind, std::uint32_t job = 0, Token token = 0) {
    heap_.push(Event{time, static_cast<std::uint8_t>(kind), next_seq_++, kind, job, token});
  }
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }
  const Event& top() const { return heap_.top(); }
  Event pop() {
    Event e = heap_.top();
    heap_.pop();
    return e;
  }

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
