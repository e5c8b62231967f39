#!/usr/bin/env bash
# Re-derives grids/data/surrogate_shape.csv from the real histories in $SHIFTSIM_DATA.
# Usage: SHIFTSIM_DATA=../shared/data grids/data/derive_surrogate_shape.sh build/release/shiftsim
# For each paper region it imports one year of real data for the region's zone (or the nearest
# zone with data) and runs `shiftsim grids derive-shape`. The choice of file per region is below.
set -euo pipefail
shiftsim=${1:?give the path of the shiftsim binary}
data=${SHIFTSIM_DATA:?set SHIFTSIM_DATA to the folder of real data}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store=$work/real.h5
em() { "$shiftsim" grids import --basis direct "$data/$1" --into "$store" >/dev/null; }

em green-dcc-electricitymaps/US-MIDA-PJM_2021_hourly.csv
em green-dcc-electricitymaps/US-CAL-CISO_2021_hourly.csv
em grid-carbon-intensity-us2023-electricitymaps/US-NW-GCPD_2023_hourly.csv
em grid-carbon-intensity-us2023-electricitymaps/US-SW-AZPS_2023_hourly.csv
em grid-carbon-intensity-us2023-electricitymaps/US-MIDW-MISO_2023_hourly.csv
em green-dcc-electricitymaps/US-TEX-ERCO_2021_hourly.csv
em grid-carbon-intensity-us2023-electricitymaps/US-NW-PACE_2023_hourly.csv
em green-dcc-electricitymaps/CA-ON_2021_hourly.csv
em k-iss-fr-electricitymaps/FR_2022_hourly.csv
em green-dcc-electricitymaps/DE-LU_2021_hourly.csv
em decarbonization-potential-electricitymaps/NO_2021_hourly.csv
em green-dcc-electricitymaps/GB_2021_hourly.csv
em green-dcc-electricitymaps/AU-NSW_2021_hourly.csv
"$shiftsim" grids import --format generic "$data/carboncast/NL_direct_emissions.csv" \
  --time-column "UTC time" --value-column carbon_intensity --zone NL --into "$store" >/dev/null
"$shiftsim" grids import "$data/eirgrid-smartgriddashboard/ROI_co2intensity_21_Eirgrid.csv" \
  --gaps interpolate --max-gap 2h --into "$store" >/dev/null

row() { "$shiftsim" grids derive-shape "$store" --region "$1" --source "$2" ${3:+--zone "$3"}; }
cat <<'HEAD'
# Shape of each region's surrogate series, derived from one year of real data by
# grids/data/derive_surrogate_shape.sh (see grids/data/README.md for the method).
# a1,p1 / a2,p2: relative amplitude and local peak hour of the 24 h and 12 h harmonics of the
# mean daily profile; sigma_day,phi_day: relative day-to-day swing of daily means around their
# month's mean and its lag-1 autocorrelation; sigma_hour,phi_hour: the same for hourly values
# once the day level and daily profile are removed.
label,zone,source,year,a1,p1,a2,p2,sigma_day,phi_day,sigma_hour,phi_hour
HEAD
row "East US" "green-dcc-electricitymaps/US-MIDA-PJM_2021_hourly.csv"
row "West US" "green-dcc-electricitymaps/US-CAL-CISO_2021_hourly.csv"
row "West US2" "grid-carbon-intensity-us2023-electricitymaps/US-NW-GCPD_2023_hourly.csv"
row "West US3" "grid-carbon-intensity-us2023-electricitymaps/US-SW-AZPS_2023_hourly.csv"
row "Central US" "grid-carbon-intensity-us2023-electricitymaps/US-MIDW-MISO_2023_hourly.csv"
row "N. Central US" "green-dcc-electricitymaps/US-MIDA-PJM_2021_hourly.csv"
row "S. Central US" "green-dcc-electricitymaps/US-TEX-ERCO_2021_hourly.csv"
row "W. Central US" "grid-carbon-intensity-us2023-electricitymaps/US-NW-PACE_2023_hourly.csv"
row "Canada" "green-dcc-electricitymaps/CA-ON_2021_hourly.csv"
row "France" "k-iss-fr-electricitymaps/FR_2022_hourly.csv"
row "Germany" "green-dcc-electricitymaps/DE-LU_2021_hourly.csv"
row "West Europe" "carboncast/NL_direct_emissions.csv (2020-2021)"
row "North Europe" "eirgrid-smartgriddashboard/ROI_co2intensity_21_Eirgrid.csv"
row "Norway" "decarbonization-potential-electricitymaps/NO_2021_hourly.csv" NO
row "UK South" "green-dcc-electricitymaps/GB_2021_hourly.csv"
row "Australia" "green-dcc-electricitymaps/AU-NSW_2021_hourly.csv"
