#include "grids/import.hpp"

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <cctype>
#include <exception>

#include "grids/assemble.hpp"
#include "grids/readers/reader.hpp"
#include "sim/core/errors.hpp"

namespace shiftsim::grids {

void check_zone_id(std::string_view zone) {
  bool ok = !zone.empty() && zone.size() <= 64;
  for (char c : zone)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
  if (!ok)
    throw ConfigError(fmt::format(
        "zone id '{}' is not valid; use letters, digits, '-', '_' or '.', e.g. US-CAL-CISO", zone));
}

ImportReport import_files(const std::vector<std::string>& paths, const ImportOptions& options,
                          GridStore& store) {
  if (paths.empty()) throw ConfigError("no input files given");
  if (!options.zone.empty()) check_zone_id(options.zone);
  std::vector<RawFile> raw(paths.size());
  std::vector<std::exception_ptr> errors(paths.size());
  // Files are independent; each task writes only its own slot, so the result does not depend
  // on scheduling. The first error in command-line order is reported.
  tbb::parallel_for(std::size_t{0}, paths.size(), [&](std::size_t i) {
    try {
      raw[i] = read_grid_file(paths[i], options);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
  for (const auto& r : raw) check_zone_id(r.key.zone);
  auto series = assemble(std::move(raw), options);
  ImportReport report;
  for (auto& s : series) {
    (store.find(s.key) ? report.replaced : report.added).push_back(s.key);
    store.put(std::move(s));
  }
  return report;
}

}  // namespace shiftsim::grids
