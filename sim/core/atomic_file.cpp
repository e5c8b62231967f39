#include "sim/core/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "sim/core/errors.hpp"
#include "sim/core/output_path.hpp"

namespace shiftsim {

namespace fs = std::filesystem;

AtomicOutput::AtomicOutput(fs::path destination) : destination_(output_target(destination)) {
  auto dir = destination_.parent_path();
  if (!dir.empty() && !fs::is_directory(dir))
    throw IoError(fmt::format("{}: directory {} does not exist; create it first",
                              destination.string(), dir.string()));
  struct stat st {};
  if (::stat(destination_.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    throw IoError(fmt::format(
        "{}: exists and is not a regular file (a folder, device, FIFO or socket); it is never "
        "replaced: give a file path",
        destination.string()));
  }
  lock_.emplace(destination_);
  temp_ = destination_;
  temp_ += fmt::format(".tmp-{}", ::getpid());
}

AtomicOutput::~AtomicOutput() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicOutput::commit() {
  int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0)
    throw IoError(
        fmt::format("{}: temporary output missing: {}", temp_.string(), std::strerror(errno)));
  bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced)
    throw IoError(fmt::format("{}: fsync failed: {}", temp_.string(), std::strerror(errno)));
  std::error_code ec;
  fs::rename(temp_, destination_, ec);
  if (ec)
    throw IoError(fmt::format("cannot move {} into place as {}: {}", temp_.string(),
                              destination_.string(), ec.message()));
  committed_ = true;
}

}  // namespace shiftsim
