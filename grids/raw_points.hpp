#pragma once
// What a format reader hands to the assembler: the points of one file, in file order, still
// irregular and unrepaired, each with the line it came from.
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "grids/series.hpp"

namespace shiftsim::grids {

struct RawPoint {
  TimePoint time;
  double value;    // gCO2eq/kWh; NaN when the file left the cell empty (a gap to repair)
  bool estimated;  // the provider marked it estimated or modelled
  std::uint32_t line;
};

struct RawFile {
  std::string path;  // as the user gave it, for messages
  SourceFile file;
  SeriesKey key;
  std::string source;
  std::vector<RawPoint> points;
  std::map<std::string, std::int64_t> repairs;  // repairs the reader itself made (e.g. DST rows)
  // Forecasts issued at each point's time (formats that carry them, such as SGIP's f1..f36):
  // forecast_leads values per point, row-major in point order, gCO2eq/kWh; lead k (1-based) is
  // for time + k * forecast_step. Empty when the file has none.
  std::size_t forecast_leads = 0;
  Seconds forecast_step{0};
  std::vector<double> forecasts;
};

}  // namespace shiftsim::grids
