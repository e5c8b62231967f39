#pragma once
// The exact energy of measured samples and its binning into a regular PowerProfile: the part
// every importer shares. Internal to workloads/measured.
//
// Power is a sum of curves (one per device), each a list of segments on which it is linear, in
// seconds from the first sample (t = 0) to the last (t = span). Trapezoid samples give sloped
// segments; energy counters give flat ones (joules / length). A bin's energy is the exact
// integral of the segments over the bin, the last bin takes the remainder, so the bins add up
// to the integral of the samples. O(segments + bins) per curve.
#include <cstddef>
#include <string>
#include <vector>

#include "workloads/measured/fields.hpp"
#include "workloads/measured/measured.hpp"

namespace shiftsim::workloads::measured {

// Refused beyond these, before allocating: the bins of one profile (as many as grid series may
// hold), and segment-bin overlaps summed over the curves (time spent binning).
constexpr double kMaxValues = static_cast<double>(kMaxProfileValues);
constexpr double kMaxWork = 1e8;

struct Segment {
  double begin = 0, end = 0;              // s from the first sample, begin < end
  double begin_watts = 0, end_watts = 0;  // linear in between
};
using Curve = std::vector<Segment>;

double joules(const Segment& s);

struct PowerPoint {
  double t = 0;  // s from the first sample
  double watts = 0;
};
// Straight lines between neighbouring points (t strictly increasing), the first value held from
// 0 and the last held to `span` when the points do not reach them.
Curve trapezoid_curve(const std::vector<PowerPoint>& points, double span);

// What an importer found, handed to finish().
struct Measurement {
  std::vector<Curve> curves;      // summed
  Instant first;                  // t = 0
  double span = 0;                // s, > 0
  std::vector<double> intervals;  // sampling intervals, s (their median is `sampling`)
  // The row ending each interval, for the gap check (kMaxInterval). Empty for CodeCarbon, whose
  // cumulative rows may lie a whole run apart without losing energy.
  std::vector<std::size_t> interval_lines;
  std::size_t rows = 0;
  std::size_t missing = 0;
  std::size_t held = 0;
  int devices = 1;
  bool relative_time = false;
  std::string column;           // the power or energy column, for messages
  std::size_t header_line = 0;  // where that column is named
  std::vector<std::string> notes;
};

// Longest sampling interval a log may have: a day. Power loggers sample every second to every few
// minutes; rows further apart are a mistyped date or two runs in one file, and the straight line
// drawn across the gap would invent its energy (a 75-year gap made a one-value profile).
constexpr double kMaxInterval = 86400;

// Chooses the step, bins the curves, checks the energy and writes the closing notes.
// ParseError for an interval above kMaxInterval (at the row ending it), zero energy or a profile
// too large for its step; ConfigError for a step < 1 s.
MeasuredProfile finish(Measurement m, const std::string& file, const MeasuredOptions& options);

}  // namespace shiftsim::workloads::measured
