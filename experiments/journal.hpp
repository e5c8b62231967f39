#pragma once
// The cell journal: each cell a run finishes, appended to a file beside the output the moment it
// is done, so that a run killed without warning (kill -9, the out-of-memory killer, a batch
// system's time limit) keeps its finished cells; `shiftsim run --resume` reads them back and
// computes only the rest, and the cube is byte-identical to an uninterrupted run.
//
// File layout (native byte order; the header's byte-order mark refuses a foreign one):
//   header   "shiftsim cell journal\n" (22 bytes), u32 format version (3), u32 byte-order mark
//            0x01020304, the 32-byte SHA-256 fingerprint of the cube's skeleton (its dimensions,
//            coordinates, variable names, types and attributes, the auxiliary coordinates' values,
//            global attributes, and
//            baseline_g's values: everything that identifies the experiment and its inputs),
//            u64 cells, u64 bytes of a cell's held shares, u32 chunks per cell, u32 CRC-32 of the
//            header so far;
//   records  u64 cell index, u64 payload bytes, the payload: the cell's held shares (cells.hpp)
//            in variable order, u32 size of each of its chunks, then the chunks (for each
//            external variable in order, its pieces along the start axis: filtered, as the cube
//            file stores them), and u32 CRC-32 of everything before it in the record.
// The external variables (cube.hpp) are never held whole: a cell's chunks are compressed on the
// worker that computed it and kept only here, and the cube's writer copies them from here into
// the file (read_chunk), so a sweep's memory does not grow with its cells.
// A record is written with one write(2) once its cell is complete, so a dying process keeps every
// record it wrote (the kernel has them). There is no fsync per record: that would cost a disk
// flush per cell for the rarer case of the machine itself crashing, which can then lose the
// records not yet on disk and leave a short or garbled last record:
// reading stops at the first record that is short or fails its CRC (or names a cell out of range),
// and `reopen` cuts the file there before appending, so a torn tail costs only the cells in it.
// A journal of another format (1: before bounded-memory sweeps; 2: before the cube layout of
// format 2) is refused with its version and what to do.
//
// Thread-safety: `append` and `read_chunk` from any thread (a lock serialises them).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <vector>

#include "experiments/cells.hpp"
#include "experiments/cube.hpp"

namespace shiftsim::experiments {

// The chunks of one cell's external variables, in variable order, each variable's pieces in
// order (what CellJournal::append stores and the cube writer copies).
using CellChunks = std::vector<std::vector<unsigned char>>;

// How a cube's external variables are cut per cell: each is over the cell dimensions and one
// more (start), chunked 1 on the cell dimensions, so a cell owns whole chunks of it.
struct ExternalShares {
  std::vector<std::size_t> vars;    // indexes in Cube::vars, in order
  std::vector<std::size_t> pieces;  // chunks per cell of each
  std::vector<std::size_t> first;   // index of its first chunk among the cell's chunks
  std::size_t chunks = 0;           // chunks per cell
  // The chunk of var (index in Cube::vars) at origin: its cell and its index among the cell's.
  std::pair<std::size_t, std::size_t> locate(const Cube& cube, std::size_t var,
                                             const std::vector<std::uint64_t>& origin) const;
};
ExternalShares external_shares(const Cube& cube);

class CellJournal {
 public:
  // A new, empty journal at `path` for cubes shaped as `skeleton` (before any cell is computed:
  // its baseline filled). IoError if `path` exists or cannot be written.
  static CellJournal create(const std::filesystem::path& path, const Cube& skeleton);
  // The existing journal at `path`: its valid records' held shares are copied into `cube`
  // (shaped as when it was created), their chunks indexed, and their cells marked 1 in `done`
  // (one entry per cell). A torn tail is cut off. ConfigError naming the file if it was written
  // for another experiment or inputs; IoError if it is not a journal, of an older format, or
  // cannot be read or written.
  static CellJournal reopen(const std::filesystem::path& path, Cube& cube,
                            std::vector<std::uint8_t>& done);

  CellJournal(CellJournal&& other) noexcept;
  CellJournal& operator=(CellJournal&& other) noexcept;
  CellJournal(const CellJournal&) = delete;
  CellJournal& operator=(const CellJournal&) = delete;
  ~CellJournal();

  // Appends cell `cell`: its held shares of `cube` (complete) and its chunks (external_shares'
  // count). IoError naming the file if the write fails.
  void append(std::size_t cell, const Cube& cube, const CellChunks& chunks);
  // Chunk `index` (among the cell's, as in append) of `cell`, read into `out`; false when the
  // journal does not have the cell. IoError naming the file if reading fails.
  bool read_chunk(std::size_t cell, std::size_t index, std::vector<unsigned char>& out) const;
  // The sum of the sizes of the chunks it holds.
  std::uint64_t chunk_bytes() const;

  // At most the size of a journal holding `cells` records of `held_bytes` bytes of held shares
  // and chunks of the raw sizes `chunk_raw_bytes` (one entry per chunk of a cell): what a run
  // writes beside its cube before it is done (shiftsim run --dry-run reports it).
  static std::uint64_t bytes_for(std::size_t cells, std::size_t held_bytes,
                                 const std::vector<std::uint64_t>& chunk_raw_bytes);

 private:
  CellJournal(std::filesystem::path path, int fd, const Cube& shape);
  void index_record(std::size_t cell, std::uint64_t chunks_at, const unsigned char* sizes);

  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<CellShare> shares_;  // held
  std::size_t held_bytes_ = 0;
  std::size_t chunks_ = 0;  // per cell
  std::uint64_t end_ = 0;   // where the next record goes
  // Per cell: the offset of its first chunk (0: not in the journal); per cell and chunk: sizes.
  std::vector<std::uint64_t> at_;
  std::vector<std::uint32_t> sizes_;
  std::uint64_t chunk_bytes_ = 0;
  mutable std::mutex lock_;
  std::vector<unsigned char> buffer_;  // one record being written
};

}  // namespace shiftsim::experiments
