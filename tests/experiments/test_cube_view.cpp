// CubeView: a variable read by dimension name gives the value the row-major offset holds, and
// refuses a name it lacks, a name given twice and a dimension left out.
#include <catch2/catch.hpp>
#include <cmath>
#include <stdexcept>

#include "experiments/cube_view.hpp"
#include "sim/core/errors.hpp"

using namespace shiftsim;
using namespace shiftsim::experiments;

namespace {

Cube small_cube() {
  Cube c;
  c.dims.push_back({"a", Labels{{"x", "y"}}, {}});
  c.dims.push_back({"b", Numbers{{1, 2, 3}}, {}});
  c.dims.push_back({"c", Times{{0, 60, 120, 180}}, {}});
  Variable v{"v", {"a", "b", "c"}, DType::f64, {}, {}, {}, {}, false, false, {}};
  for (int i = 0; i < 24; ++i) v.f64.push_back(i);
  c.vars.push_back(v);
  Variable n{"n", {"c", "a"}, DType::i32, {}, {}, {}, {}, false, false, {}};
  for (int i = 0; i < 8; ++i) n.i32.push_back(i == 3 ? kMissingI32 : 10 * i);
  c.vars.push_back(n);
  c.check();
  return c;
}

}  // namespace

TEST_CASE("cube view: values by name equal the row-major offset", "[experiments][cube]") {
  const Cube c = small_cube();
  const CubeView v(c, "v");
  for (std::size_t a = 0; a < 2; ++a)
    for (std::size_t b = 0; b < 3; ++b)
      for (std::size_t t = 0; t < 4; ++t) {
        // Any order of the names gives the same value.
        CHECK(v.at({{"a", a}, {"b", b}, {"c", t}}) == c.var("v").f64[(a * 3 + b) * 4 + t]);
        CHECK(v.at({{"c", t}, {"a", a}, {"b", b}}) == c.var("v").f64[(a * 3 + b) * 4 + t]);
      }
  CubeView held(c, "v");
  held.hold("b", 2).hold("absent", 5);  // a dimension the variable lacks is ignored
  CHECK(held.at({{"a", 1}, {"c", 3}}) == 23);
  CHECK(held.has("a"));
  CHECK_FALSE(held.has("absent"));
  // int32: its value, NaN for the missing value.
  const CubeView n(c, "n");
  CHECK(n.at({{"c", 1}, {"a", 0}}) == 20);
  CHECK(std::isnan(n.at({{"c", 1}, {"a", 1}})));
}

TEST_CASE("cube view: refuses what it cannot name", "[experiments][cube]") {
  const Cube c = small_cube();
  const CubeView v(c, "v");
  CHECK_THROWS_AS(v.at({{"a", 0}, {"b", 0}}), InternalError);                      // c left out
  CHECK_THROWS_AS(v.at({{"a", 0}, {"b", 0}, {"c", 0}, {"d", 0}}), InternalError);  // no d
  CHECK_THROWS_AS(v.at({{"a", 0}, {"a", 1}, {"b", 0}, {"c", 0}}), InternalError);  // a twice
  CHECK_THROWS_AS(v.at({{"a", 2}, {"b", 0}, {"c", 0}}), std::out_of_range);        // past a
  CubeView held(c, "v");
  held.hold("a", 1);
  CHECK_THROWS_AS(held.at({{"a", 0}, {"b", 0}, {"c", 0}}), InternalError);  // held and named
  CHECK_THROWS_AS(held.hold("b", 3), std::out_of_range);
  CHECK_THROWS_AS(CubeView(c, "nope"), std::out_of_range);
}
