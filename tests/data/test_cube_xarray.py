#!/usr/bin/env python3
"""Runs a tiny sweep through `shiftsim run` (on SYNTHETIC grid data from `shiftsim grids synth`)
and opens the result cube as a user would, with xarray.open_dataset(engine="h5netcdf") and no
shiftsim code: the dimensions and their coordinates (labels as str, starts decoded as
datetime64), the variables with their dimensions and units, missing values decoded as NaN, and
a few cells equal to what `shiftsim simulate --json` gives for the same job, region, policy and
start; and a second run (one thread) gives the same bytes.

Usage: test_cube_xarray.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when this Python has no xarray/h5netcdf (Debian: python3-xarray python3-h5netcdf) or the
binary has no `run` command yet. Python standard library and xarray only. One line per check,
then a summary; exit 1 if any check failed.
"""
import datetime
import json
import os
import subprocess
import sys
import tempfile

UTC = datetime.timezone.utc
WORKLOADS = ["bert-finetune", "vit-tiny"]
REGIONS = ["West US", "France"]
POLICIES = {"baseline": [], "flexible-start/6h": ["--policy", "flexible-start", "--window", "6h"],
            "pause-resume/24h": ["--policy", "pause-resume", "--window", "24h"]}
EVERY = 6 * 3600
YEAR_START = int(datetime.datetime(2020, 1, 1, tzinfo=UTC).timestamp())
YEAR_END = int(datetime.datetime(2021, 1, 1, tzinfo=UTC).timestamp())
VARIABLES = ["emissions_g", "embodied_g", "energy_kwh", "baseline_g", "savings_pct", "delay_h",
             "pauses"]
CELL_DIMS = ("workload", "region", "policy", "forecast", "seed", "start")
PER_RUN = {"emissions_g", "delay_h", "pauses", "savings_pct"}
PER_CELL = {"energy_kwh", "embodied_g"}
EXPERIMENT = """\
[grids]
store = "store.h5"
regions = ["West US", "France"]
years = [2020]
step = "1h"

[workloads]
names = ["bert-finetune", "vit-tiny"]

[starts]
every = "6h"

[[policy]]
kind = "baseline"

[[policy]]
kind = "flexible-start"
windows = ["6h"]

[[policy]]
kind = "pause-resume"
windows = ["24h"]

[output]
path = "cube.h5"
"""
# (workload, region, policy, start): cells checked against `shiftsim simulate`; the last one
# cannot finish within the data (missing in the cube, exit 4 from simulate).
CELLS = [("bert-finetune", "France", "baseline", "2020-01-01T00:00:00Z"),
         ("bert-finetune", "West US", "pause-resume/24h", "2020-03-01T06:00:00Z"),
         ("vit-tiny", "France", "flexible-start/6h", "2020-07-15T12:00:00Z"),
         ("vit-tiny", "West US", "pause-resume/24h", "2020-10-31T18:00:00Z"),
         ("bert-finetune", "West US", "pause-resume/24h", "2020-12-31T18:00:00Z")]


def unix(iso):
    return int(datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
               .timestamp())


def main():
    try:
        import xarray as xr
        import h5netcdf  # noqa: F401  (the engine)
    except ImportError as e:
        print(f"{sys.executable} cannot import xarray/h5netcdf ({e}): skipping the xarray test "
              "of result cubes; install python3-xarray python3-h5netcdf (Debian) or configure "
              "with -DPython3_EXECUTABLE= a Python that has them")
        return 77
    exe = sys.argv[1]
    probe = subprocess.run([exe, "run", "--help"], capture_output=True, text=True)
    if probe.returncode != 0:
        said = ((probe.stderr or probe.stdout).strip().splitlines() or [""])[0]
        print(f"this shiftsim has no 'run' command yet ({said}): skipping the xarray test of "
              "result cubes")
        return 77

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + bool(ok), failed + (not ok)
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store.h5")
        cube = os.path.join(tmp, "cube.h5")
        subprocess.run([exe, "grids", "synth", "--years", "2020", "--step", "1h", "--seed", "1",
                        "--into", store], check=True, capture_output=True)
        experiment = os.path.join(tmp, "experiment.toml")
        with open(experiment, "w", encoding="utf-8") as f:
            f.write(EXPERIMENT)
        p = subprocess.run([exe, "run", experiment, "--out", cube, "--quiet"],
                           capture_output=True, text=True)
        check("shiftsim run", p.returncode == 0, p.stderr)
        if p.returncode != 0:
            print(f"{passed} passed, {failed} failed")
            return 1

        # The same experiment gives the same bytes, whatever the thread count.
        again = os.path.join(tmp, "again.h5")
        p = subprocess.run([exe, "run", experiment, "--out", again, "--quiet", "--threads", "1"],
                           capture_output=True, text=True)
        with open(cube, "rb") as a, open(again, "rb") as b:
            check("the same experiment gives a byte-identical cube",
                  p.returncode == 0 and a.read() == b.read(), p.stderr)

        with xr.open_dataset(cube, engine="h5netcdf") as ds:
            for dim in ["workload", "region", "policy", "forecast", "seed", "start"]:
                check(f"dimension {dim}", dim in ds.dims and dim in ds.coords, list(ds.dims))
            check("workload labels", [str(x) for x in ds["workload"].values] == WORKLOADS and
                  all(isinstance(x, str) for x in ds["workload"].values),
                  list(ds["workload"].values))
            check("region labels", list(ds["region"].values) == REGIONS,
                  list(ds["region"].values))
            check("policy labels", list(ds["policy"].values) == list(POLICIES),
                  list(ds["policy"].values))
            start = ds["start"]
            check("start decoded as datetime64[ns]", str(start.dtype) == "datetime64[ns]",
                  start.dtype)
            got = [int(x) for x in start.values.astype("datetime64[s]").astype("int64")]
            check("start values (UTC)", got == list(range(YEAR_START, YEAR_END, EVERY)),
                  got[:3] + ["..."] + got[-2:])
            for name in VARIABLES:
                if name not in ds.variables:
                    check(f"variable {name}", False, f"absent; variables: {list(ds.variables)}")
                    continue
                v = ds[name]
                # A run's results over every dimension; energy and embodied per cell (the same
                # at every start); baseline_g per workload, region and start.
                want_dims = CELL_DIMS if name in PER_RUN else CELL_DIMS[:-1] \
                    if name in PER_CELL else ("workload", "region", "start")
                check(f"variable {name} over {want_dims}", v.dims == want_dims, v.dims)
                check(f"variable {name} has units", isinstance(v.attrs.get("units"), str) and
                      v.attrs["units"] != "", v.attrs)
            check("global attributes", ds.attrs.get("format") == "shiftsim-cube" and
                  ds.attrs.get("format_version") == 2, ds.attrs)
            # One forecast (the oracle) and one seed: dimensions of length one all the same.
            check("forecast dimension: perfect only", list(ds["forecast"].values) == ["perfect"],
                  list(ds["forecast"].values))
            check("seed dimension: one seed", list(ds["seed"].values) == ["1"],
                  list(ds["seed"].values))
            # Counts are integers in xarray (no float64 for NaN).
            for name in ("pauses", "valid_starts"):
                check(f"{name} is int32 in xarray", str(ds[name].dtype) == "int32", ds[name].dtype)
            # The policy's coordinates: select by kind, sort by window.
            check("policy_kind, window, window_hours, window_fraction are coordinates",
                  all(c in ds.coords for c in ("policy_kind", "window", "window_hours",
                                               "window_fraction")), list(ds.coords))
            check("policy_kind values", list(ds["policy_kind"].values) ==
                  ["baseline", "flexible-start", "pause-resume"], list(ds["policy_kind"].values))
            check("window values", list(ds["window"].values) == ["", "6h", "24h"],
                  list(ds["window"].values))
            hours = ds["window_hours"].values
            check("window_hours: NaN for the baseline, then 6 and 24",
                  hours[0] != hours[0] and list(hours[1:]) == [6.0, 24.0], hours)
            fraction = ds["window_fraction"].values
            check("window_fraction: NaN for windows given as a time",
                  all(x != x for x in fraction), fraction)
            pr = ds["savings_pct_mean"].where(ds.policy_kind == "pause-resume", drop=True)
            check("where(policy_kind == 'pause-resume') keeps pause-resume/24h",
                  list(pr["policy"].values) == ["pause-resume/24h"], list(pr["policy"].values))
            by = ds.sortby("window_hours")
            check("sortby window_hours (NaN last)", list(by["policy"].values) ==
                  ["flexible-start/6h", "pause-resume/24h", "baseline"],
                  list(by["policy"].values))
            # The region's coordinates: zone, signal, basis, time zone.
            check("zone", list(ds["zone"].values) == ["US-NW-BPAT", "FR"] or
                  all(isinstance(z, str) and z for z in ds["zone"].values),
                  list(ds["zone"].values))
            check("signal is surrogate (SYNTHETIC data)",
                  list(ds["signal"].values) == ["surrogate", "surrogate"],
                  list(ds["signal"].values))
            check("timezone", list(ds["timezone"].values) ==
                  ["America/Los_Angeles", "Europe/Paris"], list(ds["timezone"].values))

            store_args = ["--grids", store, "--step", "1h"]
            for workload, region, policy, when in CELLS:
                name = f"{workload} in {region}, {policy} from {when}"
                cell = dict(workload=workload, region=region, policy=policy,
                            start=datetime.datetime.fromtimestamp(unix(when), UTC)
                            .replace(tzinfo=None))
                q = subprocess.run([exe, "simulate", *store_args, "--region", region,
                                    "--workload", workload, "--start", when,
                                    *POLICIES[policy], "--json"], capture_output=True, text=True)
                cell.update(forecast="perfect", seed="1")
                emissions = float(ds["emissions_g"].sel(cell).values)
                pauses = int(ds["pauses"].sel(cell).values)
                if q.returncode == 4:
                    check(name + ": missing in the cube (NaN, pauses -1), as simulate cannot "
                          "finish it", emissions != emissions and pauses == -1,
                          (emissions, pauses))
                    continue
                if q.returncode != 0:
                    check(name, False, q.stderr)
                    continue
                want = json.loads(q.stdout)
                check(name + ": emissions_g", abs(emissions - want["emissions_g"]) <=
                      1e-9 * abs(want["emissions_g"]), (emissions, want["emissions_g"]))
                check(name + ": pauses", pauses == want["pauses"], (pauses, want["pauses"]))
                del cell["start"]
                energy = float(ds["energy_kwh"].sel(cell).values)
                check(name + ": energy_kwh", abs(energy - want["energy_kwh"]) <=
                      1e-9 * abs(want["energy_kwh"]), (energy, want["energy_kwh"]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
