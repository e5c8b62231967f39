#pragma once
// The cell journal: each cell a run finishes, appended to a file beside the output the moment it
// is done, so that a run killed without warning (kill -9, the out-of-memory killer, a batch
// system's time limit) keeps its finished cells; `shiftsim run --resume` reads them back and
// computes only the rest, and the cube is byte-identical to an uninterrupted run.
//
// File layout (native byte order; the header's byte-order mark refuses a foreign one):
//   header   "shiftsim cell journal\n" (22 bytes), u32 format version (1), u32 byte-order mark
//            0x01020304, the 32-byte SHA-256 fingerprint of the cube's skeleton (its dimensions,
//            coordinates, variable names, types and attributes, global attributes, and
//            baseline_g's values: everything that identifies the experiment and its inputs),
//            u64 cells, u64 bytes per record, u32 CRC-32 of the header so far;
//   records  of fixed size: u64 cell index, the cell's shares (cells.hpp) in variable order,
//            u32 CRC-32 of the index and the shares.
// A record is written with one write(2) once its cell is complete, so a dying process keeps every
// record it wrote (the kernel has them). There is no fsync per record: that would cost a disk
// flush per cell for the rarer case of the machine itself crashing, which can then lose the
// records not yet on disk and leave a short or garbled last record:
// reading stops at the first record that is short or fails its CRC (or names a cell out of range),
// and `reopen` cuts the file there before appending, so a torn tail costs only the cells in it.
//
// Thread-safety: `append` from one thread at a time (the runner calls it under its lock).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "experiments/cells.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::experiments {

class CellJournal {
 public:
  // A new, empty journal at `path` for cubes shaped as `skeleton` (before any cell is computed:
  // its baseline filled). IoError if `path` exists or cannot be written.
  static CellJournal create(const std::filesystem::path& path, const Cube& skeleton);
  // The existing journal at `path`: its valid records are copied into `cube` (shaped as when it
  // was created) and marked 1 in `done` (one entry per cell). A torn tail
  // is cut off. ConfigError naming the file if it was written for another experiment or inputs;
  // IoError if it is not a journal or cannot be read or written.
  static CellJournal reopen(const std::filesystem::path& path, Cube& cube,
                            std::vector<std::uint8_t>& done);

  CellJournal(CellJournal&& other) noexcept;
  CellJournal& operator=(CellJournal&& other) noexcept;
  CellJournal(const CellJournal&) = delete;
  CellJournal& operator=(const CellJournal&) = delete;
  ~CellJournal();

  // Appends cell `cell` of `cube` (complete). IoError naming the file if the write fails.
  void append(std::size_t cell, const Cube& cube);

  // The size of a journal holding `cells` records of `cell_bytes` bytes of shares each: what a
  // run writes beside its cube before it is done (shiftsim run --dry-run reports it).
  static std::uint64_t bytes_for(std::size_t cells, std::size_t cell_bytes);

 private:
  CellJournal(std::filesystem::path path, int fd, const Cube& shape);

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<CellShare> shares_;
  std::size_t record_bytes_ = 0;
  std::vector<unsigned char> buffer_;  // one record
};

}  // namespace shiftsim::experiments
