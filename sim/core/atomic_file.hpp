#pragma once
// All-or-nothing replacement of outputs.
//
// AtomicOutput hands out a temporary path beside the destination; commit() fsyncs it and renames
// it over the destination in one step, so readers see either the old file or the complete new
// one. If the object dies without commit() (an exception, a failed write) the temporary file is
// removed and the destination is untouched, byte for byte.
//
// It holds the destination's OutputLock (output_lock.hpp) from construction to its end, so two
// processes never write one output, and a dead run's temporary file is removed. A destination
// that is a symlink is followed: the file it points to is replaced and the link stays. One that
// exists and is not a regular file (a device, a FIFO) is refused: rename would replace the node.
#include <filesystem>
#include <optional>

#include "sim/core/output_lock.hpp"

namespace shiftsim {

class AtomicOutput {
 public:
  // Throws IoError when the destination's folder does not exist, when the destination exists and
  // is not a regular file, or when another process holds its lock.
  explicit AtomicOutput(std::filesystem::path destination);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  const std::filesystem::path& temp_path() const { return temp_; }
  // Where commit() renames to: the destination, or the file it links to.
  const std::filesystem::path& destination() const { return destination_; }
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  std::optional<OutputLock> lock_;
  bool committed_ = false;
};

}  // namespace shiftsim
