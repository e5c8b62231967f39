#pragma once
// The paper's published Tables 4-13 (analysis/data/dodge2022_tables4-13.csv, compiled in): the
// windows in the paper's order with their table numbers, its eleven workloads, and the values.
#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace shiftsim::analysis {

// The paper's windows in its order, each with its appendix table number.
struct PaperWindow {
  const char* window;
  int table;
};
constexpr PaperWindow kWindows[] = {{"6h", 10}, {"12h", 11}, {"18h", 12}, {"24h", 13},
                                    {"25%", 6}, {"50%", 7},  {"75%", 8},  {"100%", 9}};
inline const std::vector<std::string> kPaperWorkloads{
    "bert-finetune", "bert-pretrain", "transformer-6b", "densenet-121",
    "densenet-169",  "densenet-201",  "vit-tiny",       "vit-small",
    "vit-base",      "vit-large",     "vit-huge"};

// Published Tables 4-13: (window, quantity, workload) -> value; quantity is flexible-start,
// pause-resume or pauses-per-hour. Parsed once; thread-safe.
const std::map<std::tuple<std::string, std::string, std::string>, double>& published_tables();

}  // namespace shiftsim::analysis
