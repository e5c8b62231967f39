#pragma once
// Physical quantities as distinct types, so that a unit slip does not compile: adding watts to
// kilowatt-hours, or multiplying energy by energy, is an error. Each quantity is a double in one
// fixed unit, named by its tag:
//   Power            W
//   Energy           kWh   (the unit of the paper's tables and of every grid series)
//   CarbonIntensity  gCO2eq/kWh
//   Emissions        gCO2eq
// and the products that make physical sense: Power x Seconds -> Energy, Energy / Seconds ->
// Power, Energy x CarbonIntensity -> Emissions. Values are plain aggregates: trivially copyable,
// no invariants (a negative energy is a valid difference); inputs are checked where they are read.
#include <compare>

#include "sim/core/time.hpp"

namespace shiftsim {

template <class Tag>
struct Quantity {
  double value = 0;  // in Tag's unit

  constexpr Quantity& operator+=(Quantity o) {
    value += o.value;
    return *this;
  }
  constexpr Quantity& operator-=(Quantity o) {
    value -= o.value;
    return *this;
  }
  constexpr Quantity& operator*=(double k) {
    value *= k;
    return *this;
  }
  friend constexpr Quantity operator+(Quantity a, Quantity b) { return {a.value + b.value}; }
  friend constexpr Quantity operator-(Quantity a, Quantity b) { return {a.value - b.value}; }
  friend constexpr Quantity operator-(Quantity a) { return {-a.value}; }
  friend constexpr Quantity operator*(Quantity a, double k) { return {a.value * k}; }
  friend constexpr Quantity operator*(double k, Quantity a) { return {a.value * k}; }
  friend constexpr Quantity operator/(Quantity a, double k) { return {a.value / k}; }
  // The ratio of two like quantities is a plain number.
  friend constexpr double operator/(Quantity a, Quantity b) { return a.value / b.value; }
  friend constexpr auto operator<=>(Quantity, Quantity) = default;
};

struct PowerTag {};
struct EnergyTag {};
struct IntensityTag {};
struct EmissionsTag {};

using Power = Quantity<PowerTag>;                // W
using Energy = Quantity<EnergyTag>;              // kWh
using CarbonIntensity = Quantity<IntensityTag>;  // gCO2eq/kWh
using Emissions = Quantity<EmissionsTag>;        // gCO2eq

constexpr double kSecondsPerHour = 3600.0;
constexpr double kWattsPerKilowatt = 1000.0;
constexpr double kJoulesPerKwh = kSecondsPerHour * kWattsPerKilowatt;

constexpr Power watts(double w) { return {w}; }
constexpr Power kilowatts(double kw) { return {kw * kWattsPerKilowatt}; }
constexpr Energy kwh(double e) { return {e}; }
constexpr Energy joules(double j) { return {j / kJoulesPerKwh}; }
constexpr CarbonIntensity g_per_kwh(double i) { return {i}; }
constexpr Emissions grams(double g) { return {g}; }

constexpr Energy operator*(Power p, Seconds t) {
  return {p.value * static_cast<double>(t.count()) / kJoulesPerKwh};
}
constexpr Energy operator*(Seconds t, Power p) { return p * t; }
constexpr Power operator/(Energy e, Seconds t) {
  return {e.value * kJoulesPerKwh / static_cast<double>(t.count())};
}
constexpr Emissions operator*(Energy e, CarbonIntensity i) { return {e.value * i.value}; }
constexpr Emissions operator*(CarbonIntensity i, Energy e) { return e * i; }

}  // namespace shiftsim
