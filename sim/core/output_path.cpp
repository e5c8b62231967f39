#include "sim/core/output_path.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "sim/core/errors.hpp"

namespace shiftsim {

namespace fs = std::filesystem;

namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  struct stat x {
  }, y{};
  if (::stat(a.c_str(), &x) == 0 && ::stat(b.c_str(), &y) == 0)
    return x.st_dev == y.st_dev && x.st_ino == y.st_ino;
  // One does not exist yet (two outputs): the same path, spelled out in full.
  std::error_code ec1, ec2;
  const fs::path pa = fs::weakly_canonical(fs::absolute(a), ec1);
  const fs::path pb = fs::weakly_canonical(fs::absolute(b), ec2);
  return !ec1 && !ec2 && pa == pb;
}

}  // namespace

fs::path output_target(const fs::path& path) {
  std::error_code ec;
  fs::path p = path;
  for (int hops = 0; hops < 40 && fs::is_symlink(p, ec); ++hops) {
    const fs::path to = fs::read_symlink(p, ec);
    if (ec) break;
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p;
}

void check_output_folder(const NamedPath& out) {
  const fs::path dir = output_target(out.path).parent_path();
  std::error_code ec;
  if (!dir.empty() && !fs::is_directory(dir, ec)) {
    throw IoError(fmt::format("{} {}: the folder {} does not exist; create it first", out.what,
                              out.path.string(), dir.string()));
  }
}

void check_output_path(const NamedPath& out, std::span<const NamedPath> inputs, bool force,
                       std::span<const NamedPath> others) {
  const std::string& name = out.path.string();
  const fs::path target = output_target(out.path);
  const std::string via =
      target == out.path ? std::string() : fmt::format(" (a link to {})", target.string());
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) {
    throw IoError(fmt::format("{} {}{}: is a folder; give a file name, such as {}/out", out.what,
                              name, via, name));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    throw IoError(fmt::format(
        "{} {}{}: exists and is not a regular file (a device, FIFO or socket); shiftsim never "
        "replaces one, even with --force: give a file path",
        out.what, name, via));
  }
  for (const auto& in : inputs) {
    if (!in.path.empty() && exists && same_file(target, in.path)) {
      throw IoError(fmt::format("{} {}{}: is {}, an input of this command; give another path",
                                out.what, name, via, in.what));
    }
  }
  for (const auto& other : others) {
    if (!other.path.empty() && same_file(target, output_target(other.path))) {
      throw IoError(fmt::format("{} {}: is also {}; give each output its own path", out.what, name,
                                other.what));
    }
  }
  if (exists && !force) {
    throw IoError(fmt::format("{} {}{}: exists; pass --force to replace it, or give another path",
                              out.what, name, via));
  }
}

}  // namespace shiftsim
