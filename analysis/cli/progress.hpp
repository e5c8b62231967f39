#pragma once
// Progress of a sweep on stderr: on a terminal, one line redrawn in place (cells done, share,
// rate, ETA); elsewhere (a log file, a cluster job), a plain line every few seconds. Quiet
// prints nothing. The clock is the only thing here that is not deterministic, and it only
// reaches stderr.
#include <chrono>
#include <cstddef>
#include <cstdio>

namespace shiftsim::cli {

class Progress {
 public:
  enum class Mode : std::uint8_t { quiet, terminal, log };
  Progress(Mode mode, std::FILE* out = stderr);
  // Mode::terminal when stderr is a terminal, else log; quiet when asked.
  static Mode detect(bool quiet);
  void update(std::size_t done, std::size_t total);
  void finish(std::size_t done, std::size_t total);

 private:
  void print(std::size_t done, std::size_t total, bool final);
  Mode mode_;
  std::FILE* out_;
  std::chrono::steady_clock::time_point begin_, last_;
};

}  // namespace shiftsim::cli
