#include "workloads/workload.hpp"

namespace shiftsim::workloads {

std::string_view to_string(ProfileKind k) {
  switch (k) {
    case ProfileKind::uniform:
      return "uniform";
    case ProfileKind::phases:
      return "phases";
    case ProfileKind::measured:
      return "measured";
  }
  return "?";
}

PowerProfile Workload::facility_profile() const {
  if (overheads.is_none()) return profile;
  return profile.affine(overheads.factor(), overheads.constant());
}

}  // namespace shiftsim::workloads
