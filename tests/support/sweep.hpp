#pragma once
// A small sweep for the experiments tests: two synthetic zones of a year of hourly data and an
// experiment over them with every kind of cell (kernels, engine, forecasts, seeds).
#include "experiments/experiment.hpp"
#include "grids/store.hpp"

namespace shiftsim::test {

grids::GridStore small_store();
experiments::Experiment small_experiment();

}  // namespace shiftsim::test
