#pragma once
// Whole-file reads and all-or-nothing replacement of outputs.
//
// AtomicOutput hands out a temporary path beside the destination; commit() fsyncs it and renames
// it over the destination in one step, so readers see either the old file or the complete new
// one. If the object dies without commit() (an exception, a failed write) the temporary file is
// removed and the destination is untouched, byte for byte.
#include <filesystem>
#include <string>

namespace shiftsim {

// Reads a whole file. Throws IoError naming the path and the reason.
std::string read_file(const std::filesystem::path& path);

class AtomicOutput {
 public:
  explicit AtomicOutput(std::filesystem::path destination);
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;
  ~AtomicOutput();

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& destination() const { return destination_; }
  void commit();

 private:
  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

}  // namespace shiftsim
