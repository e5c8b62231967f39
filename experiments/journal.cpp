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

#include "experiments/chunk_compression.hpp"
#include "sim/core/errors.hpp"
#include "sim/core/sha256.hpp"

namespace shiftsim::experiments {

namespace {

constexpr std::string_view kMagic = "shiftsim cell journal\n";
// 3: the cube layout of format 2 (cube_layout.hpp: four per-start variables, coordinates).
constexpr std::uint32_t kVersion = 3;
constexpr std::uint32_t kByteOrder = 0x01020304;
constexpr std::size_t kFingerprint = 32;
constexpr std::size_t kHeaderBytes = kMagic.size() + 4 + 4 + kFingerprint + 8 + 8 + 4 + 4;
constexpr std::size_t kRecordHead = 8 + 8;  // cell, payload bytes

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
    put(s, static_cast<std::uint8_t>(v.coordinate));
    put_attrs(s, v.attrs);
    if (!v.coordinate) continue;  // a coordinate's values identify the experiment too
    put(s, static_cast<std::uint64_t>(v.f64.size() + v.i32.size() + v.text.size()));
    for (double x : v.f64) put(s, x);
    for (std::int32_t x : v.i32) put(s, x);
    for (const auto& x : v.text) put_text(s, x);
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

std::string header(const Cube& c, std::size_t held_bytes, std::size_t chunks) {
  std::string h(kMagic);
  put(h, kVersion);
  put(h, kByteOrder);
  h += fingerprint(c);
  put(h, static_cast<std::uint64_t>(cell_count(c)));
  put(h, static_cast<std::uint64_t>(held_bytes));
  put(h, static_cast<std::uint32_t>(chunks));
  put(h, crc(reinterpret_cast<const unsigned char*>(h.data()), h.size()));
  return h;
}

std::size_t value_bytes(const Variable& v) {
  return v.type == DType::f64 ? sizeof(double) : sizeof(std::int32_t);
}

// The most a record's payload can take: its held shares, the chunk sizes, and each chunk at
// zlib's bound (a garbled length beyond it ends the journal instead of a huge allocation).
std::uint64_t max_payload(const Cube& c, const ExternalShares& ext, std::size_t held) {
  std::uint64_t n = held + 4 * ext.chunks;
  for (std::size_t k = 0; k < ext.vars.size(); ++k) {
    const auto& v = c.vars[ext.vars[k]];
    n += ext.pieces[k] * filtered_bound(v.chunk.back() * value_bytes(v));
  }
  return n;
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

// Reads n bytes at `at`; fewer only at the end of the file.
std::size_t read_at(int fd, unsigned char* p, std::size_t n, std::uint64_t at,
                    const std::filesystem::path& path) {
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, p + got, n - got, static_cast<off_t>(at + got));
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

ExternalShares external_shares(const Cube& cube) {
  ExternalShares e;
  for (std::size_t i = 0; i < cube.vars.size(); ++i) {
    const auto& v = cube.vars[i];
    if (!v.external) continue;
    const std::uint64_t t = cube.dim(v.dims.back()).size();
    e.vars.push_back(i);
    e.first.push_back(e.chunks);
    e.pieces.push_back(static_cast<std::size_t>((t + v.chunk.back() - 1) / v.chunk.back()));
    e.chunks += e.pieces.back();
  }
  return e;
}

std::pair<std::size_t, std::size_t> ExternalShares::locate(
    const Cube& cube, std::size_t var, const std::vector<std::uint64_t>& origin) const {
  const auto k = static_cast<std::size_t>(std::find(vars.begin(), vars.end(), var) - vars.begin());
  const auto& v = cube.vars[var];
  std::size_t cell = 0;
  for (std::size_t i = 0; i + 1 < v.dims.size(); ++i)
    cell = cell * cube.dim(v.dims[i]).size() + origin[i];
  return {cell, first[k] + static_cast<std::size_t>(origin.back() / v.chunk.back())};
}

CellJournal::CellJournal(std::filesystem::path path, int fd, const Cube& shape)
    : path_(std::move(path)), fd_(fd), shares_(cell_shares(shape)) {
  held_bytes_ = cell_bytes(shape, shares_);
  chunks_ = external_shares(shape).chunks;
  const std::size_t cells = cell_count(shape);
  at_.assign(cells, 0);
  sizes_.assign(cells * chunks_, 0);
  end_ = kHeaderBytes;
}

CellJournal::CellJournal(CellJournal&& o) noexcept
    : path_(std::move(o.path_)),
      fd_(o.fd_),
      shares_(std::move(o.shares_)),
      held_bytes_(o.held_bytes_),
      chunks_(o.chunks_),
      end_(o.end_),
      at_(std::move(o.at_)),
      sizes_(std::move(o.sizes_)),
      chunk_bytes_(o.chunk_bytes_),
      buffer_(std::move(o.buffer_)) {
  o.fd_ = -1;
}

CellJournal& CellJournal::operator=(CellJournal&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(o.path_);
    fd_ = o.fd_;
    shares_ = std::move(o.shares_);
    held_bytes_ = o.held_bytes_;
    chunks_ = o.chunks_;
    end_ = o.end_;
    at_ = std::move(o.at_);
    sizes_ = std::move(o.sizes_);
    chunk_bytes_ = o.chunk_bytes_;
    buffer_ = std::move(o.buffer_);
    o.fd_ = -1;
  }
  return *this;
}

CellJournal::~CellJournal() {
  if (fd_ >= 0) ::close(fd_);
}

CellJournal CellJournal::create(const std::filesystem::path& path, const Cube& skeleton) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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
  const std::string h = header(skeleton, j.held_bytes_, j.chunks_);
  write_all(fd, reinterpret_cast<const unsigned char*>(h.data()), h.size(), path);
  return j;
}

void CellJournal::index_record(std::size_t cell, std::uint64_t chunks_at,
                               const unsigned char* sizes) {
  if (at_[cell] != 0) {
    for (std::size_t k = 0; k < chunks_; ++k) chunk_bytes_ -= sizes_[cell * chunks_ + k];
  }
  at_[cell] = chunks_at;
  std::memcpy(sizes_.data() + cell * chunks_, sizes, chunks_ * sizeof(std::uint32_t));
  for (std::size_t k = 0; k < chunks_; ++k) chunk_bytes_ += sizes_[cell * chunks_ + k];
}

CellJournal CellJournal::reopen(const std::filesystem::path& path, Cube& cube,
                                std::vector<std::uint8_t>& done) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) fail(path, "cannot open the cell journal");
  CellJournal j(path, fd, cube);
  const std::string expected = header(cube, j.held_bytes_, j.chunks_);
  std::string h(kHeaderBytes, '\0');
  const std::size_t got =
      read_at(fd, reinterpret_cast<unsigned char*>(h.data()), h.size(), 0, path);
  if (got < kMagic.size() + 8 || h.compare(0, kMagic.size(), kMagic) != 0) {
    throw IoError(
        fmt::format("{}: not a shiftsim cell journal (or its header is cut short); "
                    "delete it to start over",
                    path.string()));
  }
  std::uint32_t version = 0, order = 0;
  std::memcpy(&version, h.data() + kMagic.size(), sizeof version);
  std::memcpy(&order, h.data() + kMagic.size() + 4, sizeof order);
  if (order == kByteOrder && version != kVersion) {
    throw IoError(fmt::format(
        "{}: a cell journal of format {}, written by {} shiftsim; this one reads format {}. "
        "Finish that run with the shiftsim that started it, or delete the journal and run "
        "again",
        path.string(), version, version < kVersion ? "an older" : "a newer", kVersion));
  }
  if (got < kHeaderBytes) {
    throw IoError(fmt::format(
        "{}: the cell journal's header is cut short ({} of its {} bytes; the run that made it "
        "died while starting): it holds no cell; delete it and run again",
        path.string(), got, kHeaderBytes));
  }
  if (h != expected) {
    // Same magic, different header: another byte order, experiment or input.
    throw ConfigError(fmt::format(
        "{}: this cell journal was written for another experiment, grid store, version or "
        "machine (its fingerprint differs); delete it, or run the experiment it belongs to",
        path.string()));
  }
  const std::size_t cells = done.size();
  const std::uint64_t most = max_payload(cube, external_shares(cube), j.held_bytes_);
  const std::size_t fixed = j.held_bytes_ + j.chunks_ * sizeof(std::uint32_t);
  std::uint64_t good = kHeaderBytes;
  std::vector<unsigned char> b;
  while (true) {
    unsigned char head[kRecordHead];
    if (read_at(fd, head, kRecordHead, good, path) != kRecordHead) break;
    std::uint64_t cell = 0, payload = 0;
    std::memcpy(&cell, head, sizeof cell);
    std::memcpy(&payload, head + 8, sizeof payload);
    if (cell >= cells || payload < fixed || payload > most) break;  // torn or garbled
    b.resize(kRecordHead + payload + sizeof(std::uint32_t));
    std::memcpy(b.data(), head, kRecordHead);
    const std::size_t rest = b.size() - kRecordHead;
    if (read_at(fd, b.data() + kRecordHead, rest, good + kRecordHead, path) != rest) break;
    std::uint32_t sum = 0;
    std::memcpy(&sum, b.data() + b.size() - sizeof sum, sizeof sum);
    if (sum != crc(b.data(), b.size() - sizeof sum)) break;
    const unsigned char* p = b.data() + kRecordHead;
    std::uint64_t chunk_total = 0;
    for (std::size_t k = 0; k < j.chunks_; ++k) {
      std::uint32_t size = 0;
      std::memcpy(&size, p + j.held_bytes_ + k * sizeof size, sizeof size);
      chunk_total += size;
    }
    if (fixed + chunk_total != payload) break;  // sizes that do not add up
    for (const auto& s : j.shares_) {
      const auto share = share_bytes(cube, s, cell);
      std::memcpy(share.data(), p, share.size());
      p += share.size();
    }
    j.index_record(cell, good + kRecordHead + fixed, p);
    done[cell] = 1;
    good += b.size();
  }
  // Cut a torn tail so that new records follow the last good one.
  if (::ftruncate(fd, static_cast<off_t>(good)) != 0)
    fail(path, "cannot cut the torn end of the cell journal");
  if (::lseek(fd, static_cast<off_t>(good), SEEK_SET) < 0)
    fail(path, "cannot seek in the cell journal");
  j.end_ = good;
  return j;
}

void CellJournal::append(std::size_t cell, const Cube& cube, const CellChunks& chunks) {
  if (chunks.size() != chunks_)
    throw InternalError(
        fmt::format("cell journal: {} chunks for a cell of {}", chunks.size(), chunks_));
  const std::scoped_lock hold(lock_);
  std::uint64_t payload = held_bytes_ + chunks_ * sizeof(std::uint32_t);
  for (const auto& c : chunks) payload += c.size();
  auto& b = buffer_;
  b.resize(kRecordHead + payload + sizeof(std::uint32_t));
  const auto index = static_cast<std::uint64_t>(cell);
  std::memcpy(b.data(), &index, sizeof index);
  std::memcpy(b.data() + 8, &payload, sizeof payload);
  unsigned char* p = b.data() + kRecordHead;
  for (const auto& s : shares_) {
    const auto share = share_bytes(cube, s, cell);
    std::memcpy(p, share.data(), share.size());
    p += share.size();
  }
  unsigned char* sizes = p;
  for (const auto& c : chunks) {
    const auto size = static_cast<std::uint32_t>(c.size());
    std::memcpy(p, &size, sizeof size);
    p += sizeof size;
  }
  const std::uint64_t chunks_at = end_ + (p - b.data());
  for (const auto& c : chunks) {
    std::memcpy(p, c.data(), c.size());
    p += c.size();
  }
  const std::uint32_t sum = crc(b.data(), b.size() - sizeof sum);
  std::memcpy(p, &sum, sizeof sum);
  write_all(fd_, b.data(), b.size(), path_);
  end_ += b.size();
  index_record(cell, chunks_at, sizes);
}

bool CellJournal::read_chunk(std::size_t cell, std::size_t index,
                             std::vector<unsigned char>& out) const {
  const std::scoped_lock hold(lock_);
  if (at_[cell] == 0) return false;
  std::uint64_t at = at_[cell];
  for (std::size_t k = 0; k < index; ++k) at += sizes_[cell * chunks_ + k];
  out.resize(sizes_[cell * chunks_ + index]);
  if (read_at(fd_, out.data(), out.size(), at, path_) != out.size()) {
    errno = EIO;
    fail(path_, "the cell journal ends before a chunk it indexes");
  }
  return true;
}

std::uint64_t CellJournal::chunk_bytes() const {
  const std::scoped_lock hold(lock_);
  return chunk_bytes_;
}

std::uint64_t CellJournal::bytes_for(std::size_t cells, std::size_t held_bytes,
                                     const std::vector<std::uint64_t>& chunk_raw_bytes) {
  std::uint64_t record = kRecordHead + held_bytes + sizeof(std::uint32_t);
  for (auto raw : chunk_raw_bytes) record += sizeof(std::uint32_t) + filtered_bound(raw);
  return kHeaderBytes + static_cast<std::uint64_t>(cells) * record;
}

}  // namespace shiftsim::experiments
