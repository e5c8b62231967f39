#include "sim/core/atomic_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw IoError(fmt::format("{}: is a directory, expected a file", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw IoError(
        fmt::format("{}: cannot open for reading: {}", path.string(), std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw IoError(fmt::format("{}: read failed", path.string()));
  return std::move(ss).str();
}

AtomicOutput::AtomicOutput(fs::path destination) : destination_(std::move(destination)) {
  auto dir = destination_.parent_path();
  if (!dir.empty() && !fs::is_directory(dir))
    throw IoError(fmt::format("{}: directory {} does not exist; create it first",
                              destination_.string(), dir.string()));
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
