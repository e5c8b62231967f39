// Outputs that never destroy anything, and inputs read within limits, through the binary: every
// command refuses an output path that is a device, FIFO or folder (even with --force), or that is
// one of its inputs or another of its outputs (however spelled: through "./", a hard link, a
// symlink), and leaves what was there byte for byte. A symlink output is followed: the file it
// points to is replaced, the link stays. A store path that is a folder is a clear error, never a
// crash. Inputs that are not regular files, or larger than --max-input-mib, are refused before
// they are read. A run holds a lock on its output, and removes what a killed run left.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/cli.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/synth_store.hpp"

namespace fs = std::filesystem;
using shiftsim::test::CliResult;
using shiftsim::test::read_bytes;
using shiftsim::test::run_shiftsim;
using shiftsim::test::TempDir;
using Args = std::vector<std::string>;

namespace {

const char* kTrace = "arrival_time,length,accelerators\n0,2,2\n1,3,1\n";

// A small single-job sweep on the synthetic store: a few cells, well under a second.
std::string sweep_toml(const std::string& store) {
  return "[grids]\nstore = \"" + store +
         "\"\nregions = [\"France\"]\nyears = [2022]\nstep = \"1h\"\n\n"
         "[workloads]\nnames = [\"bert-finetune\"]\n\n[starts]\nevery = \"24h\"\n\n"
         "[[policy]]\nkind = \"baseline\"\n\n[output]\npath = \"out.h5\"\n";
}

const char* kGpuLog =
    "timestamp, index, power.draw [W]\n"
    "2022/03/01 12:00:00.000, 0, 100.00 W\n"
    "2022/03/01 12:00:01.000, 0, 200.00 W\n";

void require_refused(const CliResult& r, std::initializer_list<const char*> parts) {
  INFO(r.err);
  CHECK(r.exit_code == 1);
  for (const char* p : parts) CHECK(r.err.find(p) != std::string::npos);
}

bool is_fifo(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
}

struct Cluster : shiftsim::test::SynthStore {
  std::string trace = dir.write("trace.csv", kTrace);
  CliResult run(const Args& extra) const {
    Args a{"cluster", "--grids", store, "--site", "France=4", "--trace", trace, "--step", "1h"};
    a.insert(a.end(), extra.begin(), extra.end());
    return run_shiftsim(a);
  }
};

}  // namespace

TEST_CASE("an output that is a FIFO is refused, even with --force, and stays a FIFO",
          "[cli][outputs]") {
  Cluster c;
  const std::string fifo = c.dir.file("fifo");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  const std::string toml = c.dir.write("sweep.toml", sweep_toml(c.store));
  const std::string log = c.dir.write("gpu.csv", kGpuLog);
  const fs::path link = c.dir.path() / "link-to-fifo";
  fs::create_symlink(fifo, link);

  require_refused(run_shiftsim({"run", toml, "--out", fifo, "--force", "--quiet"}),
                  {"not a regular file"});
  require_refused(c.run({"--jobs-csv", fifo, "--force"}), {"--jobs-csv", "not a regular file"});
  require_refused(c.run({"--utilisation-csv", link.string(), "--force"}),
                  {"--utilisation-csv", "a link to", "not a regular file"});
  require_refused(run_shiftsim({"workloads", "profile", log, "--out", fifo, "--force"}),
                  {"--out", "not a regular file"});
  CHECK(is_fifo(fifo));
  CHECK(fs::is_symlink(link));
}

TEST_CASE("an output through a symlink replaces the file it points to; the link stays",
          "[cli][outputs]") {
  Cluster c;
  const std::string real = c.dir.write("real.csv", "old\n");
  const fs::path link = c.dir.path() / "jobs.csv";
  fs::create_symlink(real, link);
  const auto r = c.run({"--jobs-csv", link.string(), "--force"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::is_symlink(link));
  CHECK(read_bytes(real).rfind("id,", 0) == 0);  // the jobs CSV, header first
}

TEST_CASE("an output never replaces an input or another output, however it is spelled",
          "[cli][outputs]") {
  Cluster c;
  const std::string store_bytes = read_bytes(c.store);
  const std::string trace_bytes = read_bytes(c.trace);
  // The same files by other names: "./" in the path, and a hard link.
  const std::string store_dotted = (c.dir.path() / "." / "synth.h5").string();
  const std::string trace_link = c.dir.file("trace-link.csv");
  fs::create_hard_link(c.trace, trace_link);

  require_refused(c.run({"--jobs-csv", store_dotted, "--force"}),
                  {"--jobs-csv", "the grid store (--grids)"});
  require_refused(c.run({"--utilisation-csv", trace_link, "--force"}),
                  {"--utilisation-csv", "the trace (--trace)"});
  const std::string csv = c.dir.file("both.csv");
  require_refused(c.run({"--jobs-csv", csv, "--utilisation-csv", csv}),
                  {"is also --utilisation-csv"});
  CHECK_FALSE(fs::exists(csv));

  const std::string log = c.dir.write("gpu.csv", kGpuLog);
  require_refused(run_shiftsim({"workloads", "profile", log, "--out", log, "--force"}),
                  {"the measured log"});
  CHECK(read_bytes(log) == kGpuLog);

  // merge: the output may not be one of the parts.
  const std::string toml = c.dir.write("sweep.toml", sweep_toml(c.store));
  for (const char* part : {"0/2", "1/2"}) {
    const auto r = run_shiftsim({"run", toml, "--shard", part, "--quiet"}, c.dir.path().string());
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
  }
  const std::string p0 = c.dir.file("out.h5.part0-of-2"), p1 = c.dir.file("out.h5.part1-of-2");
  const std::string p0_bytes = read_bytes(p0);
  require_refused(run_shiftsim({"merge", p0, p1, "--out", p0, "--force"}), {"a part being merged"});
  CHECK(read_bytes(p0) == p0_bytes);

  // report: a cube named report.md in the report's folder is not written over.
  const std::string cube = c.dir.file("report.md");
  fs::copy_file(p0, cube);
  require_refused(run_shiftsim({"report", cube, "--out", c.dir.path().string(), "--force"}),
                  {"the cube"});
  CHECK(read_bytes(cube) == p0_bytes);

  // grids import: the store is not one of the files imported.
  require_refused(run_shiftsim({"grids", "import", c.trace, "--into", trace_link}),
                  {"--into", "a file being imported"});

  CHECK(read_bytes(c.store) == store_bytes);
  CHECK(read_bytes(c.trace) == trace_bytes);
}

TEST_CASE("a store path that is a folder is a clear error in every command, never a crash",
          "[cli][outputs]") {
  TempDir dir;
  const std::string folder = dir.path().string();
  const std::string trace = dir.write("trace.csv", kTrace);
  for (const Args& a :
       std::vector<Args>{{"grids", "list", folder},
                         {"grids", "show", folder, "FR"},
                         {"grids", "regions", "--store", folder},
                         {"grids", "synth", "--into", folder, "--years", "2022"},
                         {"grids", "import", trace, "--into", folder},
                         {"simulate", "--grids", folder, "--region", "France", "--workload",
                          "bert-finetune", "--start", "2022-01-01T00:00:00Z"},
                         {"cluster", "--grids", folder, "--site", "France=4", "--trace", trace}}) {
    INFO(a[0] << " " << a[1]);
    const auto r = run_shiftsim(a);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find(folder) != std::string::npos);
    CHECK(r.err.find("internal error") == std::string::npos);
  }
}

TEST_CASE("inputs that are not regular files, or too large, are refused before reading",
          "[cli][outputs]") {
  TempDir dir;
  const std::string store = dir.file("g.h5");
  const std::string fifo = dir.file("fifo.csv");
  REQUIRE(::mkfifo(fifo.c_str(), 0644) == 0);
  // A FIFO would block forever on open; /dev/zero would never end.
  for (const std::string& input : {fifo, std::string("/dev/zero")}) {
    require_refused(run_shiftsim({"grids", "import", input, "--into", store, "--zone", "FR"}),
                    {"not a regular file"});
  }
  require_refused(run_shiftsim({"run", fifo}), {"not a regular file"});
  // HDF5 inputs too: HDF5 would block forever opening a FIFO as a store or a cube.
  require_refused(run_shiftsim({"grids", "list", fifo}), {"not an HDF5 file"});
  require_refused(run_shiftsim({"report", fifo}), {"not an HDF5 file"});
  // A sparse file of 2 GiB: refused by its size, without reading it.
  const std::string big = dir.file("big.csv");
  { std::ofstream(big).put('x'); }
  fs::resize_file(big, std::uintmax_t{2} << 30);
  require_refused(run_shiftsim({"grids", "import", big, "--into", store, "--zone", "FR"}),
                  {"2048.0 MiB", "--max-input-mib 2049"});
  // The limit is the user's: a small file over a tiny limit, given after the command too.
  const std::string csv = dir.write("ok.csv", std::string(3 << 20, '#'));
  require_refused(run_shiftsim({"grids", "import", csv, "--into", store, "--zone", "FR",
                                "--max-input-mib", "1"}),
                  {"more than the 1.0 MiB"});
  CHECK_FALSE(fs::exists(store));
}

TEST_CASE("a run holds a lock on its output, and removes what a killed run left",
          "[cli][outputs]") {
  shiftsim::test::SynthStore s;
  const std::string toml = s.dir.write("sweep.toml", sweep_toml(s.store));
  const std::string out = s.dir.file("out.h5");

  // Another process holds the lock (as a first run does while it works): refused at once, with
  // nothing written and the journal of the first run not touched.
  {
    const std::string lock = out + ".lock";
    const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    REQUIRE(::write(fd, "4242\n", 5) == 5);
    const auto r = run_shiftsim({"run", toml, "--quiet"}, s.dir.path().string());
    require_refused(r, {"process 4242 is writing it"});
    CHECK_FALSE(fs::exists(out));
    CHECK_FALSE(fs::exists(out + ".journal"));
    ::close(fd);
    fs::remove(lock);
  }

  // A temporary file left by a run killed during its final write is removed by the next run.
  const std::string left = out + ".tmp-99999999";
  s.dir.write("out.h5.tmp-99999999", std::string(1000, 'x'));
  const std::string other = s.dir.write("out.h5.tmp-notapid", "keep");
  const auto r = run_shiftsim({"run", toml, "--quiet"}, s.dir.path().string());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.err, Catch::Contains("removed") && Catch::Contains("tmp-99999999"));
  CHECK_FALSE(fs::exists(left));
  CHECK(fs::exists(other));  // not one of ours: left alone
  CHECK(fs::exists(out));
  CHECK_FALSE(fs::exists(out + ".lock"));  // released at the end
}

TEST_CASE("a CSV that cannot be written is an error before the result is printed",
          "[cli][outputs]") {
  Cluster c;
  const std::string csv = c.dir.file("no/such/folder/jobs.csv");
  const auto r = c.run({"--jobs-csv", csv});
  require_refused(r, {"--jobs-csv", "does not exist"});
  CHECK(r.out.empty());
}

namespace {

// A folder mounted read-only over a bind of itself, unmounted when the object dies. Mounting
// needs root and a container that allows it; where it does not, the test says so and passes.
struct ReadOnlyFolder {
  TempDir dir;
  bool mounted = false;
  ReadOnlyFolder() {
    const std::string p = dir.path().string();
    mounted = std::system(("mount --bind '" + p + "' '" + p + "' 2>/dev/null").c_str()) == 0;
    if (mounted && std::system(("mount -o remount,bind,ro '" + p + "' 2>/dev/null").c_str()) != 0)
      unmount();
  }
  ~ReadOnlyFolder() { unmount(); }
  void unmount() {
    if (mounted) (void)std::system(("umount '" + dir.path().string() + "'").c_str());
    mounted = false;
  }
};

}  // namespace

TEST_CASE("an output in a read-only folder: one line with the cause, nothing else",
          "[cli][outputs]") {
  shiftsim::test::SynthStore s;
  ReadOnlyFolder ro;
  if (!ro.mounted) {
    WARN("cannot mount a read-only folder here (needs root); not checked");
    return;
  }
  const std::string toml = s.dir.write("sweep.toml", sweep_toml(s.store));
  for (const Args& a :
       std::vector<Args>{{"grids", "synth", "--into", ro.dir.file("g.h5"), "--years", "2022"},
                         {"run", toml, "--out", ro.dir.file("out.h5"), "--quiet"}}) {
    INFO(a[0]);
    const auto r = run_shiftsim(a);
    require_refused(r, {"Read-only file system", "a folder you can write"});
    CHECK(r.err.find("H5") == std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
  }
}
