#include "sim/core/output_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace fs = std::filesystem;

namespace {

struct Held {
  int fd = -1;
  fs::path file;
  int count = 0;
};

std::mutex g_mutex;
std::map<std::string, Held>& registry() {
  static std::map<std::string, Held> held;
  return held;
}

// The output's own path, the same however it is spelled (the file may not exist yet).
fs::path resolved(const fs::path& output) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(output, ec), ec);
  return ec ? fs::absolute(output) : p;
}

std::string holder(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid.empty() ? std::string("another process") : "process " + pid;
}

// Temporary files "<name>.tmp-PID" beside the output: with the lock held, their writers are dead.
std::vector<fs::path> remove_leftovers(const fs::path& output) {
  std::vector<fs::path> removed;
  const fs::path dir = output.parent_path();
  const std::string prefix = output.filename().string() + ".tmp-";
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    if (name.find_first_not_of("0123456789", prefix.size()) != std::string::npos) continue;
    if (!it->is_regular_file(ec)) continue;
    if (fs::remove(it->path(), ec)) removed.push_back(it->path());
  }
  return removed;
}

}  // namespace

OutputLock::OutputLock(const fs::path& output) {
  const fs::path out = resolved(output);
  key_ = out.string();
  std::lock_guard<std::mutex> guard(g_mutex);
  auto& held = registry()[key_];
  if (held.count > 0) {
    ++held.count;
    return;
  }
  fs::path file = out;
  file += ".lock";
  for (;;) {
    const int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      registry().erase(key_);
      throw IoError(
          fmt::format("{}: cannot make the lock file {} beside it ({}); write the "
                      "output in a folder you can write",
                      output.string(), file.filename().string(), std::strerror(err)));
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string who = holder(fd);
      ::close(fd);
      registry().erase(key_);
      if (err == EWOULDBLOCK) {
        throw IoError(fmt::format(
            "{}: {} is writing it (its lock is {}); wait for that run to end, or give another "
            "output path",
            output.string(), who, file.filename().string()));
      }
      throw IoError(fmt::format("{}: cannot lock {}: {}", output.string(), file.filename().string(),
                                std::strerror(err)));
    }
    // The previous holder may have removed the file between our open and our lock: then we hold
    // a lock on a file nobody else will find. Take the one at the path instead.
    struct stat a {
    }, b{};
    if (::fstat(fd, &a) == 0 && ::stat(file.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
        a.st_dev == b.st_dev) {
      const std::string pid = fmt::format("{}\n", ::getpid());
      if (::ftruncate(fd, 0) == 0) {
        [[maybe_unused]] const ssize_t n = ::pwrite(fd, pid.data(), pid.size(), 0);
      }
      held = Held{fd, file, 1};
      break;
    }
    ::close(fd);
  }
  removed_ = remove_leftovers(out);
}

OutputLock::~OutputLock() {
  std::lock_guard<std::mutex> guard(g_mutex);
  auto it = registry().find(key_);
  if (it == registry().end()) return;
  if (--it->second.count > 0) return;
  std::error_code ec;
  fs::remove(it->second.file, ec);  // while still locked, so no one takes a file being removed
  ::close(it->second.fd);
  registry().erase(it);
}

}  // namespace shiftsim
