#pragma once
// The built-in catalog: the 11 training jobs of Table 2 of Dodge et al. 2022, read from the data
// file workloads/data/catalog.toml (compiled into the binary), exactly as the table gives them.
// A catalog job becomes a Workload with uniform power (energy / duration), the paper's model.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/workload.hpp"

namespace shiftsim::workloads {

struct CatalogEntry {
  std::string name;                  // "bert-finetune"
  std::string label;                 // "BERT finetune"
  std::vector<std::string> aliases;  // other names the paper uses ("BERT LM")
  std::string model;
  std::string gpu;  // "V100"
  int gpus = 0;
  double hours = 0;  // as Table 2 prints it
  double energy_kwh = 0;
  std::string task;
  std::string dataset;
  std::vector<Alternative> alternatives;
  std::size_t line = 0;  // where the entry starts in the catalog file

  // Table 2's hours in whole seconds (0.3 h -> 1080 s).
  Seconds duration() const;
  Workload workload(const std::string& source) const;
};

class Catalog {
 public:
  // Parses a catalog file; throws ParseError naming the file, line and key.
  static Catalog parse(std::string_view text, const std::string& file);

  const std::vector<CatalogEntry>& entries() const { return entries_; }
  const std::string& source() const { return source_; }
  // By name ("vit-huge"), paper label ("ViT Huge") or alias ("BERT LM"), case-insensitive.
  const CatalogEntry* find(std::string_view name) const;
  Workload workload(std::string_view name) const;  // throws ConfigError listing the names
  // "bert-finetune, bert-pretrain, ...": the names users type, for messages.
  std::string names() const;

 private:
  std::vector<CatalogEntry> entries_;
  std::string source_;
};

// The catalog compiled into shiftsim. Parsed once, on first use; thread-safe.
const Catalog& builtin_catalog();

}  // namespace shiftsim::workloads
