#pragma once
// The cells of a result cube: one per combination of its dimensions but start and quantile
// (workload, region, policy, forecast, seed), numbered in that order, the last fastest.
//
// A cell owns a contiguous share of every variable over all the cell dimensions (first, in that
// order): not baseline_g (per workload and region) nor fixed_hour_g (per day and hour), nor
// cell_done (the bookkeeping of partial cubes): its starts, its quantiles or its
// one summary value, at offset cell * per. Merges, resumes and the cell journal move cells by
// these shares, so a cell restored from anywhere has the same bytes as one computed.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "experiments/cube.hpp"

namespace shiftsim::experiments {

// How many cells the cube has: the size of its valid_starts variable.
std::size_t cell_count(const Cube& cube);

struct CellShare {
  std::size_t var;  // index in Cube::vars
  std::size_t per;  // values per cell: starts, quantiles or 1
};
// The shares a cell owns of the variables held in memory (not the external ones), in the cube's
// variable order.
std::vector<CellShare> cell_shares(const Cube& cube);
// Bytes of one cell over all its shares.
std::size_t cell_bytes(const Cube& cube, const std::vector<CellShare>& shares);
// The bytes of a cell's share of one variable (the journal writes and reads them as they are).
std::span<const unsigned char> share_bytes(const Cube& cube, const CellShare& share,
                                           std::size_t cell);
std::span<unsigned char> share_bytes(Cube& cube, const CellShare& share, std::size_t cell);

// The cell's held shares (those external in `to` are left to the caller).
void copy_cell(const Cube& from, Cube& to, std::size_t cell);

// "workload=bert-finetune, region=West US, policy=pause-resume/24h", for messages.
std::string cell_name(const Cube& cube, std::size_t cell);

}  // namespace shiftsim::experiments
