#include "workloads/measured/measured.hpp"

#include <fmt/format.h>

#include "sim/core/csv.hpp"
#include "sim/core/errors.hpp"
#include "workloads/measured/formats.hpp"

namespace shiftsim::workloads {

std::optional<MeasuredFormat> parse_measured_format(std::string_view name) {
  if (name == "nvidia-smi") return MeasuredFormat::nvidia_smi;
  if (name == "codecarbon") return MeasuredFormat::codecarbon;
  if (name == "generic") return MeasuredFormat::generic;
  return std::nullopt;
}

std::string_view to_string(MeasuredFormat f) {
  switch (f) {
    case MeasuredFormat::nvidia_smi:
      return "nvidia-smi";
    case MeasuredFormat::codecarbon:
      return "codecarbon";
    case MeasuredFormat::generic:
      return "generic";
  }
  return "generic";
}

std::optional<MeasuredFormat> detect_measured_format(std::string_view text) {
  try {
    CsvCursor csv(text, ',', "");
    if (!csv.next()) return std::nullopt;
    bool timestamp = false, power_draw = false, energy_consumed = false, duration = false;
    for (auto f : csv.fields()) {
      const auto c = measured::split_column(f);
      timestamp = timestamp || c.base == "timestamp";
      power_draw = power_draw || c.base.starts_with("power.draw");
      energy_consumed = energy_consumed || c.base == "energy_consumed";
      duration = duration || c.base == "duration";
    }
    if (timestamp && power_draw) return MeasuredFormat::nvidia_smi;
    if (energy_consumed && duration) return MeasuredFormat::codecarbon;
  } catch (const Error&) {  // an unterminated quote: not a format we know
  }
  return std::nullopt;
}

namespace {

// Options that only one format reads are refused for the others: a user who sets them expects
// them to matter.
void check_options(const MeasuredOptions& o) {
  const std::string_view format = to_string(o.format);
  auto only = [&](bool set, std::string_view option, MeasuredFormat owner) {
    if (set && o.format != owner)
      throw ConfigError(
          fmt::format("option {} applies to {} files, not {}", option, to_string(owner), format));
  };
  only(!o.time_column.empty(), "time_column", MeasuredFormat::generic);
  only(!o.power_column.empty(), "power_column", MeasuredFormat::generic);
  only(!o.energy_column.empty(), "energy_column", MeasuredFormat::generic);
  only(!o.run_id.empty(), "run_id", MeasuredFormat::codecarbon);
  only(o.component != "total", "component", MeasuredFormat::codecarbon);
  only(!o.gpus.empty(), "gpus", MeasuredFormat::nvidia_smi);
  if (o.step && *o.step <= Seconds{0})
    throw ConfigError(
        fmt::format("step {} s: the profile step must be at least 1 s", o.step->count()));
  // Far beyond any log's span, and keeps step + duration arithmetic from overflowing.
  if (o.step && static_cast<double>(o.step->count()) > measured::kMaxSeconds)
    throw ConfigError(fmt::format("step {} s is longer than any measured log", o.step->count()));
  if (o.delimiter == '"' || o.delimiter == '\n' || o.delimiter == '\r')
    throw ConfigError("the delimiter cannot be a quote or a line break");
  if (!o.power_column.empty() && !o.energy_column.empty())
    throw ConfigError("give power_column or energy_column, not both");
  if (o.component != "total" && o.component != "gpu" && o.component != "cpu" &&
      o.component != "ram")
    throw ConfigError(fmt::format("component '{}' is not total, gpu, cpu or ram", o.component));
  for (int g : o.gpus)
    if (g < 0) throw ConfigError(fmt::format("GPU index {} in gpus: indices start at 0", g));
  if (!o.unit.empty()) {
    if (o.format == MeasuredFormat::codecarbon)
      throw ConfigError("option unit does not apply to codecarbon files: they are in kWh");
    measured::Unit u;
    const auto r = measured::lookup_unit(o.unit, u);
    const bool power_only = o.format == MeasuredFormat::nvidia_smi;
    if (r != measured::UnitMatch::ok || (power_only && u.kind != measured::UnitKind::power))
      throw ConfigError(fmt::format(
          "option unit: {}; accepted: {}{}",
          r == measured::UnitMatch::ambiguous
              ? measured::unit_problem(o.unit, r, measured::UnitKind::power)
              : fmt::format("'{}' is not a {} unit", o.unit,
                            power_only ? "power" : "power or energy"),
          measured::accepted_units(measured::UnitKind::power),
          power_only ? "" : "; " + measured::accepted_units(measured::UnitKind::energy)));
  }
}

}  // namespace

MeasuredProfile read_measured_profile(std::string_view text, const std::string& file,
                                      const MeasuredOptions& options) {
  check_options(options);
  measured::Measurement m;
  switch (options.format) {
    case MeasuredFormat::nvidia_smi:
      m = measured::read_nvidia_smi(text, file, options);
      break;
    case MeasuredFormat::codecarbon:
      m = measured::read_codecarbon(text, file, options);
      break;
    case MeasuredFormat::generic:
      m = measured::read_generic(text, file, options);
      break;
  }
  return measured::finish(std::move(m), file, options);
}

}  // namespace shiftsim::workloads
