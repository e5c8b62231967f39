#pragma once
// Measured power logs as power profiles: nvidia-smi CSV logs, CodeCarbon emissions.csv and
// generic CSV (time plus power, or time plus a cumulative energy counter).
//
// Every importer reduces its file to the exact energy E(t) of the samples: power samples are
// joined by straight lines (the trapezoid rule), energy counters give constant power between
// readings. E(t) is then binned on a regular grid of `step` anchored at the first sample; the
// last bin absorbs what is left, so the profile's energy equals the samples' integral (relative
// error ~1e-15). Units: power in W, energy in J inside, kWh in the profile (units.hpp).
//
// Samples of a power log (nvidia-smi, generic) more than a day apart are refused at the row
// ending the gap: a straight line across it would invent the gap's energy, and such a gap is a
// mistyped date or two runs in one file. CodeCarbon's cumulative rows are exempt: they may lie a
// whole run apart without losing energy.
//
// Cost: O(rows log rows) to read, O(bins x devices) to bin, both refused beyond fixed limits
// (5 million values) with a ParseError rather than exhausting memory. Stateless and
// thread-safe: every call reads only its arguments.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/power_profile.hpp"
#include "sim/core/time.hpp"

namespace shiftsim::workloads {

enum class MeasuredFormat : std::uint8_t { nvidia_smi, codecarbon, generic };

// "nvidia-smi" | "codecarbon" | "generic"; nullopt otherwise.
std::optional<MeasuredFormat> parse_measured_format(std::string_view name);
std::string_view to_string(MeasuredFormat f);
// Guess from the header row: nvidia-smi (timestamp + power.draw columns), codecarbon (header with
// energy_consumed and duration), else nullopt. Never throws.
std::optional<MeasuredFormat> detect_measured_format(std::string_view text);

struct MeasuredOptions {
  MeasuredFormat format = MeasuredFormat::generic;
  // Step of the resulting profile; default: the median sampling interval rounded to whole
  // seconds, at least 1 s.
  std::optional<Seconds> step;
  // IANA zone for timestamps written without an offset (nvidia-smi and CodeCarbon write local
  // time). In the repeated hour of a backward clock change the reading that keeps the log in
  // order is taken; a reading in the skipped hour is a ParseError.
  std::string timezone = "UTC";
  char delimiter = ',';
  // generic CSV: a time column and EITHER a power column (W unless the header or `unit` says
  // otherwise) OR a cumulative-energy column (kWh unless the header/unit says otherwise).
  // Lines starting with '#' are comments.
  std::string time_column;    // default: a column named time/timestamp, else the first column
  std::string power_column;   // default: auto-detect by header name (power...)
  std::string energy_column;  // default: auto-detect by header name (energy...)
  // Overrides the unit in the header: W, mW, kW, MW / Wh, kWh, MWh, J, kJ, MJ (generic and
  // nvidia-smi; CodeCarbon is always kWh).
  std::string unit;
  // codecarbon
  std::string run_id;               // which run when the file holds several run_id values
  std::string component = "total";  // total (energy_consumed) | gpu (gpu_energy) | cpu | ram
  // nvidia-smi
  std::vector<int> gpus;  // subset of GPU indices to sum; empty = all found
};

struct MeasuredProfile {
  PowerProfile profile;            // regular, from the first sample; energy conserved
  TimePoint start;                 // first sample, UTC, whole seconds (the fraction is dropped)
  std::size_t rows = 0;            // data rows read (repeated headers and comments not counted)
  int devices = 1;                 // GPUs summed (nvidia-smi), else 1
  std::size_t missing = 0;         // samples absent or N/A (nvidia-smi: per GPU x timestamp)
  Seconds sampling{};              // median sampling interval (rounded to whole seconds, >= 1 s)
  std::vector<std::string> notes;  // one-line human-readable facts: format, rows, devices,
                                   // missing, unit, span, energy
  // Beyond the agreed API, for reports and checks:
  std::size_t held = 0;        // nvidia-smi: of `missing`, the GPU x timestamp slots before a
                               // GPU's first or after its last row (its edge value is held)
  bool relative_time = false;  // generic CSV whose time column holds seconds, not dates:
                               // `start` is then the Unix epoch plus the first value
  double joules = 0;           // the integral of the samples, J (profile.energy() in kWh)
};

// Throws ParseError(file, line, what, hint) for bad content: malformed CSV, a missing column,
// a value that is not a number, negative power or energy, timestamps that go backwards or
// repeat, an unreadable timestamp or unit, fewer than 2 usable samples, zero energy, a unit
// suffix that disagrees with the header. ConfigError for bad options (an unknown zone, unit or
// component, an option of another format, a run_id or GPU the file does not hold, several runs
// and no run_id).
MeasuredProfile read_measured_profile(std::string_view text, const std::string& file,
                                      const MeasuredOptions& options);

}  // namespace shiftsim::workloads
