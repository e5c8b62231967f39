// fifo: first released, first started; carbon-agnostic. The baseline every other scheduler is
// measured against.
#include <deque>

#include "sim/cluster/schedulers.hpp"

namespace shiftsim::sim::cluster {
namespace {

class Fifo final : public Scheduler {
 public:
  void on_release(Cluster& /*c*/, JobId j) override { queue_.push_back(j); }
  void decide(Cluster& c) override {
    while (!queue_.empty()) {
      const int site = roomiest_site(c, queue_.front());
      if (site < 0) return;  // the head waits, and so does everything behind it
      c.start(queue_.front(), static_cast<std::size_t>(site));
      queue_.pop_front();
    }
  }

 private:
  std::deque<JobId> queue_;
};

}  // namespace

std::unique_ptr<Scheduler> make_fifo() { return std::make_unique<Fifo>(); }

}  // namespace shiftsim::sim::cluster
