#pragma once
// Turns the raw points of one or more files into regular series, one per (zone, signal, basis).
//
// Files of one key are ordered by their first timestamp and concatenated. Then, in this order:
//  1. out of order: a timestamp earlier than one already seen in the same file, that is not a
//     repeat of it, is an error;
//  2. duplicates (repeats within a file, or files that overlap) follow --duplicates; identical
//     repeats are dropped and counted by default, differing ones are an error;
//  3. the step is the most common interval; an interval that is not a whole multiple of it, or
//     a longer interval repeated three times in a row, is a step change: an error unless
//     --resample puts the data on a regular step; a step longer than a day is an error (no
//     grid publishes coarser data: it is a mistyped date in a file of few rows);
//  4. empty cells and missing timestamps are gaps: an error unless --gaps repairs them
//     (interpolate or hold, each gap at most --max-gap long); empty cells at either end of the
//     series are trimmed;
//  5. forecasts the files carry (SGIP's f1..f36) become the series' forecast archive, each row at
//     its issue time; rows given twice follow --duplicates like the values (identical, or an
//     empty cell beside a value: no conflict; differing: an error unless keep-first or keep-last,
//     counted); rows no file gave (a repaired value) are NaN, counted as forecast_rows_missing;
//     --resample is refused for them (a forecast belongs to its issue time).
// Every repair is counted in Series::repairs and flagged on the values it touched.
#include <vector>

#include "grids/import_options.hpp"
#include "grids/raw_points.hpp"
#include "grids/series.hpp"

namespace shiftsim::grids {

// Throws ParseError naming the file and line of the offending row.
std::vector<Series> assemble(std::vector<RawFile> files, const ImportOptions& options);

}  // namespace shiftsim::grids
