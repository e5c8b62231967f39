#pragma once
// Where a command may write: the checks every output path passes before any work is done, so
// that an output never destroys what lies at its path.
//
// Refused, each as one IoError line naming the option:
// - a folder where a file is wanted;
// - something that exists and is not a regular file: a device (/dev/null), a FIFO, a socket.
//   Renaming a finished output over it would replace the device node itself;
// - the same file (device and inode, however the path is spelled, through links too) as one of
//   the command's inputs, or as another output of the same command;
// - an existing file without --force.
// A symlink is followed: the checks apply to the file it points to, and that file is what gets
// replaced (AtomicOutput writes beside the target and renames over it; the link stays a link).
//
// Thread-safety: free functions over the file system.
#include <filesystem>
#include <span>
#include <string>

namespace shiftsim {

// A path a command reads or writes, and what to call it in a message ("the grid store (--grids)").
struct NamedPath {
  std::filesystem::path path;
  std::string what;
};

// The checks above for `out` (named as `out.what`), against `inputs` and the command's `others`
// outputs. Outputs that are empty paths are skipped by the caller.
void check_output_path(const NamedPath& out, std::span<const NamedPath> inputs, bool force,
                       std::span<const NamedPath> others = {});

// Refuses (IoError) an output whose folder does not exist, before the work that would be lost
// when its file cannot be written.
void check_output_folder(const NamedPath& out);

// Where writing `path` really replaces: the target of a symlink (followed to the end), else the
// path. The parent folder is not checked.
std::filesystem::path output_target(const std::filesystem::path& path);

}  // namespace shiftsim
