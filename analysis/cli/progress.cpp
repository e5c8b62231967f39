#include "analysis/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace shiftsim::cli {

namespace {
// Often enough to reassure, rarely enough not to flood a cluster job's log.
constexpr std::chrono::seconds kLogEvery{5};
constexpr std::chrono::milliseconds kRedrawEvery{200};
constexpr int kBarWidth = 30;

std::string eta_text(double seconds) {
  const auto s = static_cast<std::int64_t>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}
}  // namespace

Progress::Progress(Mode mode, std::FILE* out)
    : mode_(mode), out_(out), begin_(std::chrono::steady_clock::now()), last_(begin_) {}

Progress::Mode Progress::detect(bool quiet) {
  if (quiet) return Mode::quiet;
  return isatty(fileno(stderr)) != 0 ? Mode::terminal : Mode::log;
}

void Progress::update(std::size_t done, std::size_t total) {
  if (mode_ == Mode::quiet) return;
  const auto now = std::chrono::steady_clock::now();
  const auto every = mode_ == Mode::terminal
                         ? std::chrono::duration_cast<std::chrono::milliseconds>(kRedrawEvery)
                         : std::chrono::duration_cast<std::chrono::milliseconds>(kLogEvery);
  if (now - last_ < every || done >= total) return;  // the last line is finish()'s
  last_ = now;
  print(done, total, false);
}

void Progress::finish(std::size_t done, std::size_t total) {
  if (mode_ == Mode::quiet) return;
  print(done, total, true);
}

void Progress::print(std::size_t done, std::size_t total, bool final) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
  const double share = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1;
  const std::string eta = rate > 0 ? eta_text(static_cast<double>(total - done) / rate) : "?";
  const std::string text =
      fmt::format("cells {}/{} ({:.0f}%), {:.1f} cells/s, {} {}", done, total, 100 * share, rate,
                  final ? "took" : "ETA", final ? eta_text(elapsed) : eta);
  if (mode_ == Mode::terminal) {
    const int filled = static_cast<int>(share * kBarWidth);
    fmt::print(out_, "\r[{}{}] {}\x1b[K{}", std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(kBarWidth - filled), ' '), text,
               final ? "\n" : "");
  } else {
    fmt::print(out_, "shiftsim run: {}\n", text);
  }
  std::fflush(out_);
}

}  // namespace shiftsim::cli
