#include "sim/core/read_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace {

std::atomic<std::uint64_t> g_max_input_bytes{kDefaultMaxInputBytes};

// Closes the descriptor on every path out of read_file.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string mib(std::uint64_t bytes) {
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
}

}  // namespace

std::uint64_t max_input_bytes() { return g_max_input_bytes.load(std::memory_order_relaxed); }

void set_max_input_bytes(std::uint64_t bytes) {
  g_max_input_bytes.store(bytes, std::memory_order_relaxed);
}

std::string read_file(const std::filesystem::path& path) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer, forever.
  const Fd f{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (f.fd < 0) {
    throw IoError(
        fmt::format("{}: cannot open for reading: {}", path.string(), std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) {
    throw IoError(fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) {
    throw IoError(fmt::format("{}: is a folder, expected a file", path.string()));
  }
  if (!S_ISREG(st.st_mode)) {
    throw IoError(fmt::format(
        "{}: is not a regular file (a device, FIFO or socket), which might never end; save the "
        "data to a file and give that",
        path.string()));
  }
  const auto size = static_cast<std::uint64_t>(st.st_size);
  const std::uint64_t limit = max_input_bytes();
  if (size > limit) {
    throw IoError(fmt::format(
        "{}: is {}, more than the {} one input may be (a guard against a wrong file); if it is "
        "the right file, pass --max-input-mib {}",
        path.string(), mib(size), mib(limit), (size >> 20) + 1));
  }
  std::string text(static_cast<std::size_t>(size), '\0');
  std::size_t got = 0;
  while (got < text.size()) {
    const ssize_t n = ::read(f.fd, text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      throw IoError(fmt::format("{}: read failed: {}", path.string(), std::strerror(errno)));
    }
    if (n == 0) break;  // shrank while being read: what is there
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

}  // namespace shiftsim
