// libFuzzer target: the measured power log importers (workloads/measured): format detection,
// then nvidia-smi (UTC, and Europe/Berlin with a GPU subset and a 7 s step), CodeCarbon (total,
// and gpu in Europe/Berlin) and generic CSV (power or energy by header, and a kJ energy unit with
// ';' delimiter). Checks what read_measured_profile promises of its result.
#include <cmath>
#include <initializer_list>

#include "fuzz_common.hpp"
#include "workloads/measured/measured.hpp"

namespace w = shiftsim::workloads;
using shiftsim::fuzz::require;

namespace {

w::MeasuredOptions make(w::MeasuredFormat format) {
  w::MeasuredOptions o;
  o.format = format;
  return o;
}

void check(const w::MeasuredProfile& m) {
  const auto& p = m.profile;
  require(p.step().count() > 0 && p.duration().count() > 0, "profile without step or duration");
  require(p.size() == static_cast<std::size_t>((p.duration().count() + p.step().count() - 1) /
                                               p.step().count()),
          "profile size does not match its duration");
  for (double v : p.watts()) require(std::isfinite(v) && v >= 0, "profile value not finite or < 0");
  require(std::isfinite(m.joules) && m.joules > 0, "integral not finite and positive");
  const double joules = p.energy().value * shiftsim::kJoulesPerKwh;
  require(std::fabs(joules - m.joules) <= 1e-9 * m.joules,
          "profile energy differs from the integral");
  require(m.sampling.count() >= 1, "sampling interval below 1 s");
  require(m.devices >= 1, "no device");
  require(m.held <= m.missing, "held samples not counted as missing");
  require(!m.notes.empty(), "no notes");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const w::MeasuredOptions nvidia = make(w::MeasuredFormat::nvidia_smi);
  static const w::MeasuredOptions nvidia_local = [] {
    auto o = make(w::MeasuredFormat::nvidia_smi);
    o.timezone = "Europe/Berlin";
    o.gpus = {0, 1};
    o.step = shiftsim::Seconds{7};
    return o;
  }();
  static const w::MeasuredOptions codecarbon = make(w::MeasuredFormat::codecarbon);
  static const w::MeasuredOptions codecarbon_gpu = [] {
    auto o = make(w::MeasuredFormat::codecarbon);
    o.component = "gpu";
    o.timezone = "Europe/Berlin";
    return o;
  }();
  static const w::MeasuredOptions generic = make(w::MeasuredFormat::generic);
  static const w::MeasuredOptions generic_kj = [] {
    auto o = make(w::MeasuredFormat::generic);
    o.unit = "kJ";
    o.delimiter = ';';
    return o;
  }();

  const std::string_view text = shiftsim::fuzz::as_text(data, size);
  (void)w::detect_measured_format(text);  // never throws
  for (const w::MeasuredOptions* o :
       {&nvidia, &nvidia_local, &codecarbon, &codecarbon_gpu, &generic, &generic_kj})
    shiftsim::fuzz::expect_ok_or_error(
        [&] { check(w::read_measured_profile(text, "fuzz.csv", *o)); });
  return 0;
}
