#include "experiments/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>

#include "sim/core/errors.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::experiments {

namespace {

constexpr std::string_view kMagic = "shiftsim cell journal\n";
constexpr std::uint32_t kVersion = 1;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::size_t kFingerprint = 32;
constexpr std::size_t kHeaderBytes = kMagic.size() + 4 + 4 + kFingerprint + 8 + 8 + 4;

std::uint32_t crc(const unsigned char* p, std::size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths: feed large buffers in pieces.
  while (n > 0) {
    const auto piece = static_cast<uInt>(std::min<std::size_t>(n, 1u << 30));
    c = crc32(c, p, piece);
    p += piece;
    n -= piece;
  }
  return static_cast<std::uint32_t>(c);
}

template <class T>
void put(std::string& s, const T& v) {
  s.append(reinterpret_cast<const char*>(&v), sizeof v);
}
void put_text(std::string& s, const std::string& t) {
  put(s, static_cast<std::uint64_t>(t.size()));
  s += t;
}
void put_attrs(std::string& s, const std::map<std::string, std::string>& attrs) {
  put(s, static_cast<std::uint64_t>(attrs.size()));
  for (const auto& [k, v] : attrs) {
    put_text(s, k);
    put_text(s, v);
  }
}

// SHA-256 of an unambiguous (length-prefixed) serialisation of what identifies the cube.
std::string fingerprint(const Cube& c) {
  std::string s;
  put_attrs(s, c.attrs);
  put(s, static_cast<std::uint64_t>(c.dims.size()));
  for (const auto& d : c.dims) {
    put_text(s, d.name);
    put(s, static_cast<std::uint64_t>(d.coords.index()));
    put_attrs(s, d.attrs);
    std::visit(
        [&](const auto& x) {
          put(s, static_cast<std::uint64_t>(x.values.size()));
          for (const auto& v : x.values) {
            if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::string>) {
              put_text(s, v);
            } else {
              put(s, v);
            }
          }
        },
        d.coords);
  }
  put(s, static_cast<std::uint64_t>(c.vars.size()));
  for (const auto& v : c.vars) {
    put_text(s, v.name);
    put(s, static_cast<std::uint64_t>(v.dims.size()));
    for (const auto& d : v.dims) put_text(s, d);
    put(s, static_cast<std::uint8_t>(v.type));
    put_attrs(s, v.attrs);
  }
  const auto& base = c.var("baseline_g").f64;
  s.append(reinterpret_cast<const char*>(base.data()), base.size() * sizeof(double));
  const std::string hex = sha256_hex(s);
  std::string raw(kFingerprint, '\0');
  for (std::size_t i = 0; i < kFingerprint; ++i) {
    raw[i] = static_cast<char>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return raw;
}

std::string header(const Cube& c, std::size_t record_bytes) {
  std::string h(kMagic);
  put(h, kVersion);
  put(h, kByteOrder);
  h += fingerprint(c);
  put(h, static_cast<std::uint64_t>(cell_count(c)));
  put(h, static_cast<std::uint64_t>(record_bytes));
  put(h, crc(reinterpret_cast<const unsigned char*>(h.data()), h.size()));
  return h;
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw IoError(fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno)));
}

void write_all(int fd, const unsigned char* p, std::size_t n, const std::filesystem::path& path) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;  // a signal (SIGINT stops the run between cells) is not a failure
      fail(path, "cannot append to the cell journal");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
}

// Reads up to n bytes; fewer only at the end of the file.
std::size_t read_full(int fd, unsigned char* p, std::size_t n, const std::filesystem::path& path) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd, p + got, n - got);
    if (r < 0) {
      if (errno == EINTR) continue;
      fail(path, "cannot read the cell journal");
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  return got;
}

}  // namespace

CellJournal::CellJournal(std::filesystem::path path, int fd, const Cube& shape)
    : path_(std::move(path)), fd_(fd), shares_(cell_shares(shape)) {
  record_bytes_ = sizeof(std::uint64_t) + cell_bytes(shape, shares_) + sizeof(std::uint32_t);
  buffer_.resize(record_bytes_);
}

CellJournal::CellJournal(CellJournal&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(o.fd_),
      shares_(std::move(o.shares_)),
      record_bytes_(o.record_bytes_),
      buffer_(std::move(o.buffer_)) {
  o.fd_ = -1;
}

CellJournal& CellJournal::operator=(CellJournal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    shares_ = std::move(o.shares_);
    record_bytes_ = o.record_bytes_;
    buffer_ = std::move(o.buffer_);
    o.fd_ = -1;
  }
  return *this;
}

CellJournal::~CellJournal() {
  if (fd_ >= 0) ::close(fd_);
}

CellJournal CellJournal::create(const std::filesystem::path& path, const Cube& skeleton) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) {
      throw IoError(
          fmt::format("{}: a cell journal is already there (an interrupted run left "
                      "it); finish that run with --resume, or delete it to start over",
                      path.string()));
    }
    fail(path, "cannot create the cell journal");
  }
  CellJournal j(path, fd, skeleton);
  const std::string h = header(skeleton, j.record_bytes_);
  write_all(fd, reinterpret_cast<const unsigned char*>(h.data()), h.size(), path);
  return j;
}

CellJournal CellJournal::reopen(const std::filesystem::path& path, Cube& cube,
                                std::vector<std::uint8_t>& done) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open the cell journal");
  CellJournal j(path, fd, cube);
  const std::string expected = header(cube, j.record_bytes_);
  std::string h(kHeaderBytes, '\0');
  const std::size_t got = read_full(fd, reinterpret_cast<unsigned char*>(h.data()), h.size(), path);
  if (got < kHeaderBytes || h.compare(0, kMagic.size(), kMagic) != 0) {
    throw IoError(
        fmt::format("{}: not a shiftsim cell journal (or its header is cut short); "
                    "delete it to start over",
                    path.string()));
  }
  if (h != expected) {
    // Same magic, different header: another version, byte order, experiment or input.
    throw ConfigError(fmt::format(
        "{}: this cell journal was written for another experiment, grid store, version or "
        "machine (its fingerprint differs); delete it, or run the experiment it belongs to",
        path.string()));
  }
  const std::size_t cells = done.size();
  off_t good = static_cast<off_t>(kHeaderBytes);
  auto& b = j.buffer_;
  while (read_full(fd, b.data(), b.size(), path) == b.size()) {
    std::uint64_t cell = 0;
    std::memcpy(&cell, b.data(), sizeof cell);
    std::uint32_t sum = 0;
    std::memcpy(&sum, b.data() + b.size() - sizeof sum, sizeof sum);
    if (cell >= cells || sum != crc(b.data(), b.size() - sizeof sum)) break;  // torn or garbled
    const unsigned char* p = b.data() + sizeof cell;
    for (const auto& s : j.shares_) {
      const auto share = share_bytes(cube, s, cell);
      std::memcpy(share.data(), p, share.size());
      p += share.size();
    }
    done[cell] = 1;
    good += static_cast<off_t>(b.size());
  }
  // Cut a torn tail so that new records follow the last good one.
  if (::ftruncate(fd, good) != 0) fail(path, "cannot cut the torn end of the cell journal");
  if (::lseek(fd, good, SEEK_SET) < 0) fail(path, "cannot seek in the cell journal");
  return j;
}

void CellJournal::append(std::size_t cell, const Cube& cube) {
  auto& b = buffer_;
  const auto index = static_cast<std::uint64_t>(cell);
  std::memcpy(b.data(), &index, sizeof index);
  unsigned char* p = b.data() + sizeof index;
  for (const auto& s : shares_) {
    const auto share = share_bytes(cube, s, cell);
    std::memcpy(p, share.data(), share.size());
    p += share.size();
  }
  const std::uint32_t sum = crc(b.data(), b.size() - sizeof sum);
  std::memcpy(p, &sum, sizeof sum);
  write_all(fd_, b.data(), b.size(), path_);
}

std::uint64_t CellJournal::bytes_for(std::size_t cells, std::size_t cell_bytes) {
  return kHeaderBytes + static_cast<std::uint64_t>(cells) *
                            (sizeof(std::uint64_t) + cell_bytes + sizeof(std::uint32_t));
}

}  // namespace shiftsim::experiments
