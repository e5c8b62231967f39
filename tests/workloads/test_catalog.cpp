// The built-in catalog against Table 2 of Dodge et al. 2022, value for value. The table below is
// typed from the paper (dodge2022.md section 1), independently of workloads/data/catalog.toml.
#include <catch2/catch.hpp>
#include <string>

#include "sim/core/errors.hpp"
#include "workloads/catalog.hpp"

using namespace shiftsim;
using namespace shiftsim::workloads;

namespace {

struct Table2Row {
  const char* name;
  const char* label;
  const char* gpu;
  int gpus;
  double hours;
  double kwh;
  const char* dataset;
};

// Table 2: model, GPU type, number of GPUs, hours, kWh. Datasets from section 4.
const Table2Row kTable2[] = {
    {"bert-finetune", "BERT finetune", "V100", 4, 6, 3.1, "MNLI"},
    {"bert-pretrain", "BERT pretrain", "V100", 8, 36, 37.3, "not named"},
    {"transformer-6b", "6B Transf.", "A100", 256, 192, 13812.4, "not named"},
    {"densenet-121", "Dense 121", "P40", 1, 0.3, 0.02, "MNIST"},
    {"densenet-169", "Dense 169", "P40", 1, 0.3, 0.03, "MNIST"},
    {"densenet-201", "Dense 201", "P40", 1, 0.4, 0.04, "MNIST"},
    {"vit-tiny", "ViT Tiny", "V100", 1, 19, 1.7, "ImageNet"},
    {"vit-small", "ViT Small", "V100", 1, 19, 2.2, "ImageNet"},
    {"vit-base", "ViT Base", "V100", 1, 21, 4.7, "ImageNet"},
    {"vit-large", "ViT Large", "V100", 4, 90, 93.3, "ImageNet"},
    {"vit-huge", "ViT Huge", "V100", 4, 216, 237.6, "ImageNet"},
};

}  // namespace

TEST_CASE("catalog: the 11 jobs of Table 2, in the paper's order", "[workloads][catalog]") {
  const auto& c = builtin_catalog();
  REQUIRE(c.entries().size() == std::size(kTable2));
  for (std::size_t i = 0; i < std::size(kTable2); ++i) {
    const auto& row = kTable2[i];
    const auto& e = c.entries()[i];
    INFO(row.name);
    CHECK(e.name == row.name);
    CHECK(e.label == row.label);
    CHECK(e.gpu == row.gpu);
    CHECK(e.gpus == row.gpus);
    CHECK(e.hours == row.hours);
    CHECK(e.energy_kwh == row.kwh);
    CHECK(e.dataset == row.dataset);
    CHECK_FALSE(e.task.empty());
  }
}

TEST_CASE("catalog: a job becomes a uniform workload with Table 2's energy and duration",
          "[workloads][catalog]") {
  const auto& c = builtin_catalog();
  for (const auto& row : kTable2) {
    INFO(row.name);
    const Workload w = c.workload(row.name);
    CHECK(w.kind == ProfileKind::uniform);
    CHECK(w.duration().count() == static_cast<long>(row.hours * 3600 + 0.5));
    CHECK(w.accelerator_energy().value == Approx(row.kwh).epsilon(1e-12));
    CHECK(w.energy().value == Approx(row.kwh).epsilon(1e-12));  // no overheads: GPU only
    CHECK(w.source == "Dodge et al. 2022, Table 2");
    // Section 5.1: "kWh per GPU hour ... range from 0.07 to 0.28".
    const double per_gpu_hour = row.kwh / row.hours / row.gpus;
    CHECK(per_gpu_hour > 0.066);
    CHECK(per_gpu_hour < 0.285);
  }
  CHECK(c.workload("densenet-121").duration().count() == 1080);  // 0.3 h, not the caption's 20 min
}

TEST_CASE("catalog: the paper's other values are kept as alternatives", "[workloads][catalog]") {
  const auto& c = builtin_catalog();
  auto alt = [&](const char* name, const char* field) -> const Alternative* {
    for (const auto& a : c.find(name)->alternatives)
      if (a.field == field) return &a;
    return nullptr;
  };
  REQUIRE(alt("bert-finetune", "energy_kwh"));
  CHECK(alt("bert-finetune", "energy_kwh")->value == 3.2);
  for (auto [name, minutes, wh] :
       {std::tuple{"densenet-121", 20.0, 20.0}, std::tuple{"densenet-169", 20.0, 28.0},
        std::tuple{"densenet-201", 25.0, 37.0}}) {
    INFO(name);
    REQUIRE(alt(name, "hours"));
    CHECK(alt(name, "hours")->value * 60 == Approx(minutes));
    if (wh == 20.0) {
      CHECK_FALSE(alt(name, "energy_kwh"));  // 20 Wh is Table 2's 0.02 kWh: no contradiction
    } else {
      REQUIRE(alt(name, "energy_kwh"));
      CHECK(alt(name, "energy_kwh")->value * 1000 == Approx(wh));
    }
    CHECK_FALSE(alt(name, "hours")->source.empty());
  }
  CHECK(alt("transformer-6b", "full_run_kwh")->value == 103593);
}

TEST_CASE("catalog: lookup by name or label, any case; unknown names list the known ones",
          "[workloads][catalog]") {
  const auto& c = builtin_catalog();
  CHECK(c.find("ViT Huge") == c.find("vit-huge"));
  CHECK(c.find("VIT-HUGE") != nullptr);
  CHECK(c.find("vit-gigantic") == nullptr);
  try {
    (void)c.workload("vit-gigantic");
    FAIL("expected ConfigError");
  } catch (const ConfigError& e) {
    CHECK_THAT(e.what(), Catch::Contains("vit-gigantic") && Catch::Contains("bert-finetune"));
  }
}

TEST_CASE("catalog: a malformed catalog file is refused with file and line",
          "[workloads][catalog]") {
  const char* text = R"(source = "x"
[[job]]
name = "a"
label = "A"
model = "m"
gpu = "V100"
gpus = 0
hours = 1
energy_kwh = 1
task = "t"
dataset = "d"
)";
  try {
    (void)Catalog::parse(text, "cat.toml");
    FAIL("expected ParseError");
  } catch (const ParseError& e) {
    CHECK(e.file() == "cat.toml");
    CHECK(e.line() == 7);
    CHECK_THAT(e.what(), Catch::Contains("gpus"));
  }
  const std::string typo =
      std::string(text).replace(std::string(text).find("gpus = 0"), 8, "gpus = 1\ncolour = 2");
  CHECK_THROWS_WITH(Catalog::parse(typo, "cat.toml"),
                    Catch::Contains("cat.toml:8") && Catch::Contains("unknown key 'colour'"));
}
