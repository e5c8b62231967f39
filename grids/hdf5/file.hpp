#pragma once
// An HDF5 file: created in memory and saved whole, or opened read-only, or saved and reopened to
// append its bulk on disk.
//
// A created file lives in memory (HDF5's core driver) until save() writes its bytes, the same
// bytes HDF5 would have written to disk, with shiftsim's own checked writes. So a full disk fails
// in save(), as an IoError, and never inside HDF5: HDF5 1.10 cannot close a file whose flush
// failed (it frees the file but keeps its identifier, and its exit handler then crashes on it).
// Grid stores are built this way, whole in memory.
//
// A file too large to hold (a result cube) is built in two steps: its structure in memory (every
// dataset created, small ones written, attributes), saved; then reopened on disk with
// append_on_disk() to write its bulk (the chunks), and close()d. append_on_disk first reserves on
// the disk (fallocate) as many bytes as the caller says the rest can take, so a full disk (or a
// file-size limit, RLIMIT_FSIZE) is again an IoError before HDF5 writes anything, and the
// writes HDF5 then makes land in space already allocated. close() gives back what was not used.
//
// Every object of the file still open when it is saved or destroyed is closed with it (HDF5's
// strong close), so an error halfway through leaves nothing open. HDF5's own printing of errors
// is off: errors are IoErrors naming the file and the object.
//
// Thread-safety: one thread at a time per file and its objects; HDF5's printing is turned off in
// the thread that creates or opens the file.
#include <filesystem>
#include <memory>

#include "grids/hdf5/group.hpp"

namespace shiftsim::hdf5 {

namespace detail {
struct FileState;
}  // namespace detail

class File {
 public:
  struct Options {
    // The HDF5 1.8 file format (libver bounds V18), readable by every netCDF-4 and h5py and
    // independent of the library's defaults; else the earliest format that holds the content.
    bool hdf5_1_8_format = false;
    // No timestamps on the root group (objects created through Group never have them).
    bool untimed_root = false;
    // The root group tracks and indexes link creation order (netCDF-4 requires it).
    bool link_order = false;
  };

  // A new, empty file. `name` is what messages call it (the file the caller means to write).
  static File create(const std::filesystem::path& name, const Options& options);
  // IoError naming `path` if it is not a regular file (a FIFO would block the open forever) or
  // cannot be opened as HDF5.
  static File open_read_only(const std::filesystem::path& path);
  // Whether `path` is an HDF5 file (false when unreadable or not a regular file).
  static bool is_hdf5(const std::filesystem::path& path);
  // The file save() wrote at `path`, opened for writing on disk (HDF5's disk driver), after
  // reserving `more` bytes beyond its end: at least what the writes to come add to it. IoError
  // naming `name` (what messages call the file) and saying how much is needed when the disk or
  // this process's file-size limit has less. `options`: as when it was created.
  static File append_on_disk(const std::filesystem::path& path, const std::filesystem::path& name,
                             const Options& options, std::uint64_t more);

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  Group root() const;
  // Closes a created file (and every object of it still open) and writes its bytes to `path`,
  // replacing it; IoError naming `path` if writing fails. The file cannot be used afterwards.
  void save(const std::filesystem::path& path);
  // Closes a file opened with append_on_disk (and every object of it still open), and gives back
  // the reserved space it did not use. IoError if HDF5 cannot finish it (only when the writes
  // took more than was reserved). The file cannot be used afterwards.
  void close();

 private:
  explicit File(std::unique_ptr<detail::FileState> state);
  std::unique_ptr<detail::FileState> state_;
};

}  // namespace shiftsim::hdf5
