#pragma once
// Test fixtures: a fresh temporary directory per test, and small files written into it.
#include <filesystem>
#include <string>
#include <string_view>

namespace shiftsim::test {

// A directory under the system temp folder, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes `content` to path()/name and returns the full path.
  std::string write(const std::string& name, std::string_view content) const;
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::string read_bytes(const std::filesystem::path& p);

// `text` as a gzip stream (one member, zlib's default level), as `gzip` writes it.
std::string gzip_bytes(std::string_view text);

}  // namespace shiftsim::test
