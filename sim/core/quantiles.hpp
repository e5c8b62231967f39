#pragma once
// Quantiles of a sample, as numpy computes them by default: linear interpolation between order
// statistics. The sweep's summaries and the report's tables both use this one definition.
#include <vector>

namespace shiftsim {

// Quantiles qs (increasing, each in [0, 1]) of x; NaN for each when x is empty. Reorders x.
// Each order statistic is found by a partial sort (nth_element on what lies right of the
// previous one), O(n) per quantile instead of a full sort; the values are exactly those of
// sorting x.
std::vector<double> quantiles(std::vector<double>& x, const std::vector<double>& qs);

}  // namespace shiftsim
