#pragma once
// One writer per output: a lock held on an output path for as long as a command works towards it.
//
// A long sweep writes its cube at the end, and keeps a journal and a partial result beside it
// meanwhile; a second run towards the same output (a --resume started while the first still goes,
// two array tasks given the same --out) would interleave journals or rename one cube over the
// other. OutputLock takes an exclusive flock(2) on "<output>.lock" and refuses, at once and with
// the holder's process id, when another process has it.
//
// Holding the lock also makes cleaning up safe: every writer of the output holds it, so a
// temporary file "<output>.tmp-PID" found then was left by a run that died (kill -9 during its
// final write) and is removed, and removed() lists it for the caller to report.
//
// Within one process the lock is re-entrant by path: AtomicOutput takes it for every file it
// writes, and a command that already holds it for the whole run (shiftsim run) is not refused by
// itself. The lock file is removed when the last holder releases it; a process that dies leaves
// the file, unlocked, and the next run takes it over.
//
// flock works between processes on one machine and on local file systems; on NFS it depends on
// the server (Linux NFSv4 maps it to byte-range locks, which do work between machines).
//
// Thread-safety: construct and destroy from any thread (the registry is locked).
#include <filesystem>
#include <string>
#include <vector>

namespace shiftsim {

class OutputLock {
 public:
  // Throws IoError naming the output and the process holding it, or why the lock file cannot be
  // made (a read-only folder).
  explicit OutputLock(const std::filesystem::path& output);
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  ~OutputLock();

  // Temporary files of dead runs removed when the lock was taken (first holder only).
  const std::vector<std::filesystem::path>& removed() const { return removed_; }

 private:
  std::string key_;
  std::vector<std::filesystem::path> removed_;
};

}  // namespace shiftsim
