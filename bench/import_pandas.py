#!/usr/bin/env python3
"""The pandas side of bench/run_import_bench.sh: the work of `shiftsim grids import`, in pandas.

Reads the 36 Electricity Maps export files of a folder (<ZONE>_<YEAR>_hourly.csv, 9 zones x 4
years) with pandas.read_csv, parses the datetime column, checks each zone's series for order,
duplicates and gaps (within and across files), checks the values, and concatenates the files of
each zone into one series. Prints the best-of-N wall time in seconds, as JSON, on stdout.

It reads only the four columns shiftsim extracts (time, zone id, life-cycle intensity, estimated
flag) and gives to_datetime the exact format, which is pandas' fastest path. It neither hashes
the files nor writes anything, which shiftsim's timed work does.

usage: import_pandas.py FOLDER [--repeat N]
"""
import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

TIME = "Datetime (UTC)"
ZONE = "Zone Id"
ESTIMATED = "Data Estimated"
MAX_INTENSITY = 3000.0


def lca_column(path):
    with open(path, encoding="utf-8-sig") as f:
        header = f.readline().rstrip("\r\n").split(",")
    for name in header:
        if name.endswith("(LCA)"):
            return name
    raise SystemExit(f"{path}: no '(LCA)' column")


def read_file(path, value_column):
    df = pd.read_csv(path, usecols=[TIME, ZONE, value_column, ESTIMATED],
                     dtype={ZONE: str, value_column: "float64"})
    times = pd.to_datetime(df[TIME], format="%Y-%m-%d %H:%M:%S", utc=True)
    if not times.is_monotonic_increasing:
        raise SystemExit(f"{path}: timestamps out of order")
    if times.duplicated().any():
        raise SystemExit(f"{path}: duplicated timestamps")
    if df[ZONE].nunique() != 1:
        raise SystemExit(f"{path}: more than one zone")
    values = df[value_column]
    if values.isna().any() or (values < 0).any() or (values > MAX_INTENSITY).any():
        raise SystemExit(f"{path}: empty or implausible values")
    return pd.DataFrame({"value": values.to_numpy(),
                         "estimated": df[ESTIMATED].astype(bool).to_numpy()},
                        index=pd.DatetimeIndex(times, name="time"))


def import_all(by_zone, value_columns):
    series = {}
    for zone, paths in by_zone.items():
        parts = [read_file(p, value_columns[p]) for p in paths]
        parts.sort(key=lambda df: df.index[0])
        s = pd.concat(parts)
        index = s.index
        if not index.is_monotonic_increasing or index.has_duplicates:
            raise SystemExit(f"{zone}: files overlap or are out of order")
        steps = index.to_series().diff().iloc[1:]
        step = steps.mode().iloc[0]
        if (steps != step).any():
            raise SystemExit(f"{zone}: gaps or step changes")
        series[zone] = s
    return series


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("folder", type=Path)
    ap.add_argument("--repeat", type=int, default=5, help="runs; the best is reported")
    args = ap.parse_args()

    files = sorted(args.folder.glob("*.csv"))
    by_zone = {}
    for p in files:
        by_zone.setdefault(p.name.split("_")[0], []).append(p)
    if len(files) != 36 or len(by_zone) != 9:
        raise SystemExit(f"{args.folder}: expected 36 files of 9 zones, found {len(files)} "
                         f"files of {len(by_zone)} zones")
    value_columns = {p: lca_column(p) for p in files}  # header sniffing is not timed

    runs = []
    series = None
    for _ in range(max(1, args.repeat)):
        t0 = time.perf_counter()
        series = import_all(by_zone, value_columns)
        runs.append(time.perf_counter() - t0)

    rows = sum(len(s) for s in series.values())
    total = float(sum(s["value"].sum() for s in series.values()))
    json.dump({"seconds": min(runs), "runs": runs, "files": len(files), "zones": len(series),
               "rows": rows, "sum": total, "pandas": pd.__version__,
               "python": sys.version.split()[0]}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
