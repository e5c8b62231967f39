// A full disk while a grid store or a result cube is written: shiftsim says which file could not
// be written and why, exits 1 (not a crash at exit: HDF5 1.10 cannot close a file whose flush
// failed, so the HDF5 layer never lets HDF5 write to disk itself), leaves no temporary file and
// the previous file byte-identical. The disk is made full with a file-size limit (RLIMIT_FSIZE,
// SIGXFSZ ignored): every write past it fails with EFBIG, as it would with ENOSPC.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"

using namespace shiftsim;
namespace fs = std::filesystem;

namespace {

constexpr rlim_t kLimit = rlim_t{1} << 20;  // 1 MiB: less than the store and the cube

// shiftsim in `cwd` with files limited to kLimit bytes; SIGXFSZ as a shell leaves it (its default
// action kills the process) unless `ignore_sigxfsz`.
test::CliResult run_on_full_disk(const std::vector<std::string>& args, const fs::path& cwd,
                                 bool ignore_sigxfsz = true) {
  const std::string err_path = (cwd / "stderr.txt").string();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    const int null = ::open("/dev/null", O_WRONLY);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(null, 1);
    ::dup2(err, 2);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    // A write past the limit fails (EFBIG) instead of killing.
    std::signal(SIGXFSZ, ignore_sigxfsz ? SIG_IGN : SIG_DFL);
    const rlimit limit{kLimit, kLimit};
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) ::_exit(125);
    std::vector<std::string> copy = args;
    std::string bin = test::shiftsim_bin();
    std::vector<char*> argv{bin.data()};
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  test::CliResult r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = test::read_bytes(err_path);
  fs::remove(err_path);
  return r;
}

bool no_temp_files(const fs::path& dir) {
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
  return true;
}

}  // namespace

TEST_CASE("a full disk: the grid store is refused cleanly and left as it was", "[cli][hdf5]") {
  test::TempDir dir;
  const std::vector<std::string> synth{"grids", "synth",  "--years", "2020",   "--step",
                                       "5min",  "--seed", "1",       "--into", "grids.h5"};
  REQUIRE(test::run_shiftsim(synth, dir.path().string()).exit_code == 0);
  const auto before = test::read_bytes(dir.file("grids.h5"));
  REQUIRE(before.size() > kLimit);

  const auto r = run_on_full_disk(
      {"grids", "synth", "--years", "2020", "--step", "5min", "--seed", "2", "--into", "grids.h5"},
      dir.path());
  CHECK(r.exit_code == 1);  // an error, said, and a normal exit: not 139 (SIGSEGV at exit)
  CHECK_THAT(r.err, Catch::Contains("grids.h5") && Catch::Contains("File too large"));
  CHECK(test::read_bytes(dir.file("grids.h5")) == before);
  CHECK(no_temp_files(dir.path()));
}

TEST_CASE("a full disk: the result cube is refused cleanly and left as it was", "[cli][hdf5]") {
  test::TempDir dir;
  REQUIRE(test::run_shiftsim({"grids", "synth", "--years", "2020", "--step", "5min", "--seed", "1",
                              "--into", "grids.h5"},
                             dir.path().string())
              .exit_code == 0);
  // The small cluster sweep (no cell journal, so the cube is the only large file it writes).
  std::string toml =
      test::read_bytes(fs::path(SHIFTSIM_SOURCE_DIR) / "experiments" / "examples" / "cluster.toml");
  toml = std::regex_replace(toml, std::regex("\\.\\./\\.\\./results/grids\\.h5"), "grids.h5");
  dir.write("cluster.toml", toml);
  const std::string old = "an earlier cube";
  dir.write("cube.h5", old);

  const auto r = run_on_full_disk({"run", "cluster.toml", "--out", "cube.h5", "--force", "--quiet"},
                                  dir.path());
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("cube.h5") && Catch::Contains("File too large"));
  CHECK(test::read_bytes(dir.file("cube.h5")) == old);
  CHECK(no_temp_files(dir.path()));
}

TEST_CASE("a file-size limit (ulimit -f) is said like a full disk, not a silent kill",
          "[cli][hdf5]") {
  test::TempDir dir;
  const auto r = run_on_full_disk(
      {"grids", "synth", "--years", "2020", "--step", "5min", "--seed", "2", "--into", "grids.h5"},
      dir.path(), /*ignore_sigxfsz=*/false);
  CHECK(r.exit_code == 1);  // not 153 (killed by SIGXFSZ)
  CHECK_THAT(r.err, Catch::Contains("grids.h5") && Catch::Contains("File too large"));
  CHECK_FALSE(fs::exists(dir.file("grids.h5")));
  CHECK(no_temp_files(dir.path()));
}
