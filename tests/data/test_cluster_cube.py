#!/usr/bin/env python3
"""Runs a tiny cluster sweep through `shiftsim run` (on SYNTHETIC grid data from `shiftsim grids
synth`: 2 sites, 3 schedulers, 2 capacity scales, a perfect and a noisy forecast with 2 seeds,
200 generated jobs) and opens the result cube as a user would, with
xarray.open_dataset(engine="h5netcdf") and no shiftsim code: the dimensions and their
coordinates (labels as str, time decoded as datetime64), every variable cluster_runner.hpp's
header names with its dimensions, units and type (int32 or float64 on disk), utilisation NaN
outside each scenario's span only, capacity equal to the scaled site capacities, the attributes
(data_warning: SYNTHETIC); the totals' own consistency (emissions and energy are jobs + idle, the
job outcomes add up to the jobs, utilisation within [0, 1]); three cells, one of them noisy,
equal to what `shiftsim cluster --json` gives for the same scenario; and a second run (one
thread) gives the same bytes as a run on two.

Usage: test_cluster_cube.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when this Python has no xarray/h5netcdf (Debian: python3-xarray python3-h5netcdf) or the
binary has no `run` or `cluster` command yet. Python standard library and xarray (with the numpy
it brings) only. One line per check, then a summary; exit 1 if any check failed.
"""
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

UTC = datetime.timezone.utc
STEP = 3600
JOBS = 200
GENERATE = "poisson:rate=0.05/h,jobs=200,seed=7"
SLACK = "24h"
# (region, accelerators, the rest of the site's text)
SITES = [("West US", 14, ""), ("France", 10, ",pue=1.2,idle=50W,embodied=150kg/5y")]
SCALES = [0.5, 1.0]
SCHEDULERS = ["fifo", "carbon-delay", "spatial"]
FORECASTS = ["perfect", "gaussian:0.2"]
SEEDS = ["1", "2"]
DIMS = ("scheduler", "capacity_scale", "forecast", "seed", "site", "time")
SCENARIO_DIMS = DIMS[:4]
# cluster_runner.hpp's header: the variables over (scheduler, capacity_scale, forecast, seed).
FLOATS = ["emissions_g", "jobs_emissions_g", "idle_emissions_g", "energy_kwh", "jobs_energy_kwh",
          "idle_energy_kwh", "embodied_g", "jobs_embodied_g", "mean_wait_h", "max_wait_h",
          "mean_slowdown", "events"]
INTS = ["finished", "rejected", "beyond_data", "blocked", "deadline_misses", "suspensions"]
EXPERIMENT = f"""\
[grids]
store = "store.h5"
step = "1h"

[cluster]
sites = [{", ".join(f'"{r}={n}{rest}"' for r, n, rest in SITES)}]
capacity_scales = [0.5, 1.0]
schedulers = ["fifo", "carbon-delay", "spatial"]
generate = "{GENERATE}"
slack = "{SLACK}"

[forecasts]
models = ["perfect", "gaussian:0.2"]
seeds = [1, 2]

[output]
path = "cube.h5"
"""
# (scheduler, capacity_scale, forecast, seed): cells checked against `shiftsim cluster --json`.
CELLS = [("fifo", 1.0, "perfect", "1"),
         ("carbon-delay", 0.5, "gaussian:0.2", "1"),
         ("spatial", 1.0, "gaussian:0.2", "2")]


def units_of(name):
    """The units the variable's name implies (the cube writes g, kWh, h, or 1 for counts)."""
    for suffix, units in (("_g", "g"), ("_kwh", "kWh"), ("_h", "h")):
        if name.endswith(suffix):
            return units
    return "1"


def unix(iso):
    return int(datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
               .timestamp())


def close(a, b, rel=1e-9):
    """Equal within rel; NaN equals NaN (the cube's missing value, the JSON's null)."""
    if a != a or b != b:
        return a != a and b != b
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import numpy as np
        import xarray as xr
        import h5netcdf  # noqa: F401  (the engine)
    except ImportError as e:
        print(f"{sys.executable} cannot import xarray/h5netcdf ({e}): skipping the xarray test "
              "of cluster result cubes; install python3-xarray python3-h5netcdf (Debian) or "
              "configure with -DPython3_EXECUTABLE= a Python that has them")
        return 77
    exe = os.path.abspath(sys.argv[1])
    for command in ("run", "cluster"):
        probe = subprocess.run([exe, command, "--help"], capture_output=True, text=True)
        if probe.returncode != 0:
            said = ((probe.stderr or probe.stdout).strip().splitlines() or [""])[0]
            print(f"this shiftsim has no '{command}' command yet ({said}): skipping the xarray "
                  "test of cluster result cubes")
            return 77

    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        ok = bool(ok)
        passed, failed = passed + ok, failed + (not ok)
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))
        return ok

    def done():
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "store.h5")
        subprocess.run([exe, "grids", "synth", "--years", "2020", "--step", "1h", "--seed", "1",
                        "--into", store], check=True, capture_output=True)
        with open(os.path.join(tmp, "experiment.toml"), "w", encoding="utf-8") as f:
            f.write(EXPERIMENT)

        # Run in the scratch folder with a relative experiment path, as a user would; two
        # threads, then one, into different files.
        def run(out, threads):
            return subprocess.run([exe, "run", "experiment.toml", "--out", out, "--quiet",
                                   "--threads", str(threads)],
                                  capture_output=True, text=True, cwd=tmp)
        p = run("cube.h5", 2)
        if not check("shiftsim run (2 threads)", p.returncode == 0, p.stderr):
            return done()
        cube = os.path.join(tmp, "cube.h5")
        p = run("again.h5", 1)
        if check("shiftsim run --threads 1", p.returncode == 0, p.stderr):
            with open(cube, "rb") as a, open(os.path.join(tmp, "again.h5"), "rb") as b:
                one, two = a.read(), b.read()
            check("the same experiment gives a byte-identical cube on 1 and 2 threads",
                  one == two, f"{len(one)} and {len(two)} bytes, differing")

        with xr.open_dataset(cube, engine="h5netcdf") as ds:
            # Dimensions and coordinates.
            check("dimensions", set(ds.dims) == set(DIMS), list(ds.dims))
            for dim in DIMS:
                check(f"dimension {dim} has a coordinate", dim in ds.coords, list(ds.coords))
            for dim, want in (("scheduler", SCHEDULERS), ("forecast", FORECASTS),
                              ("seed", SEEDS), ("site", [s[0] for s in SITES])):
                if dim not in ds.coords:
                    continue
                got = list(ds[dim].values)
                check(f"{dim} labels decode as str", got == want and
                      all(isinstance(x, str) for x in got), got)
            if "capacity_scale" in ds.coords:
                scale = ds["capacity_scale"]
                check("capacity_scale values (float64)", str(scale.dtype) == "float64" and
                      [float(x) for x in scale.values] == SCALES, (scale.dtype, scale.values))
            if "time" not in ds.coords:
                return done()
            time = ds["time"]
            check("time decoded as datetime64[ns]", str(time.dtype) == "datetime64[ns]",
                  time.dtype)
            times = [int(x) for x in time.values.astype("datetime64[s]").astype("int64")]
            check("time: consecutive steps of 1h on the hour, within 2020",
                  len(times) > 1 and times[0] % STEP == 0 and
                  all(b - a == STEP for a, b in zip(times, times[1:])) and
                  unix("2020-01-01T00:00:00Z") <= times[0] and
                  times[-1] < unix("2021-01-01T00:00:00Z"),
                  times[:3] + ["..."] + times[-2:])

            # Variables: those the header names, no others, with dimensions, units and types.
            documented = FLOATS + INTS + ["utilisation", "capacity"]
            check("the variables are those cluster_runner.hpp documents",
                  set(ds.data_vars) == set(documented),
                  f"undocumented: {sorted(set(ds.data_vars) - set(documented))}, "
                  f"missing: {sorted(set(documented) - set(ds.data_vars))}")
            want_dims = {**{n: SCENARIO_DIMS for n in FLOATS + INTS}, "utilisation": DIMS,
                         "capacity": ("capacity_scale", "site")}
            want_type = {**{n: "float64" for n in FLOATS + ["utilisation"]},
                         **{n: "int32" for n in INTS + ["capacity"]}}
            for name in documented:
                if name not in ds.variables:
                    continue
                v = ds[name]
                check(f"variable {name} over {want_dims[name]}", v.dims == want_dims[name],
                      v.dims)
                check(f"variable {name} has units {units_of(name)!r}",
                      v.attrs.get("units") == units_of(name), v.attrs)
                # xarray decodes an int32 variable with a _FillValue as float64 (missing ->
                # NaN); the type on disk is in the encoding.
                disk = str(np.dtype(v.encoding.get("dtype")))
                check(f"variable {name} is {want_type[name]} on disk", disk == want_type[name],
                      disk)
                if name in INTS + ["capacity"]:
                    vals = v.values.ravel()
                    check(f"variable {name}: whole numbers >= 0, none missing",
                          all(x == x and x >= 0 and x == int(x) for x in vals), vals)
            if not all(n in ds.variables for n in documented):
                return done()
            for name in FLOATS:
                vals = ds[name].values.ravel()
                check(f"variable {name}: no NaN (every scenario ran, started and finished jobs)",
                      not np.isnan(vals).any(), vals)

            # Attributes.
            attrs = ds.attrs
            check("data_warning says the data are SYNTHETIC",
                  "SYNTHETIC" in str(attrs.get("data_warning", "")), attrs.get("data_warning"))
            check("attributes kind, format, jobs",
                  attrs.get("kind") == "cluster" and attrs.get("format") == "shiftsim-cube" and
                  str(attrs.get("jobs")) == str(JOBS),
                  {k: attrs.get(k) for k in ("kind", "format", "jobs")})
            check("attributes: the experiment's text and file, the command line",
                  attrs.get("experiment") == EXPERIMENT and
                  attrs.get("experiment_file") == "experiment.toml" and
                  attrs.get("command_line") == "shiftsim run experiment.toml",
                  {k: attrs.get(k) for k in ("experiment_file", "command_line")})
            series = [(str(attrs.get(f"series_{i}_region", "")),
                       str(attrs.get(f"series_{i}_sha256", ""))) for i in range(len(SITES))]
            check("attributes series_<i>_*: each site's series with its SHA-256",
                  [r for r, _ in series] == [s[0] for s in SITES] and
                  all(len(h) == 64 for _, h in series), series)
            check("attributes: version, grid store, jobs' source",
                  attrs.get("shiftsim_version") and "store.h5" in str(attrs.get("grid_store")) and
                  GENERATE.split(",")[0] in str(attrs.get("jobs_source")),
                  {k: attrs.get(k) for k in ("shiftsim_version", "grid_store", "jobs_source")})

            # capacity: each site's accelerators times the scale, rounded (exact here).
            cap = ds["capacity"]
            want = [[round(n * s) for _, n, _ in SITES] for s in SCALES]
            got = [[int(cap.sel(capacity_scale=s, site=r).values) for r, _, _ in SITES]
                   for s in SCALES]
            check("capacity equals the scaled site capacities", got == want, (got, want))

            # Internal consistency.
            def same(a, b):
                x, y = ds[a].values, b
                return bool(np.all(np.abs(x - y) <= 1e-12 * np.maximum(np.abs(x), np.abs(y))))
            check("emissions_g == jobs_emissions_g + idle_emissions_g",
                  same("emissions_g",
                       ds["jobs_emissions_g"].values + ds["idle_emissions_g"].values))
            check("energy_kwh == jobs_energy_kwh + idle_energy_kwh",
                  same("energy_kwh", ds["jobs_energy_kwh"].values + ds["idle_energy_kwh"].values))
            outcomes = sum(ds[n].values for n in ["finished", "rejected", "beyond_data", "blocked"])
            check(f"finished + rejected + beyond_data + blocked == {JOBS} jobs",
                  bool(np.all(outcomes == JOBS)), outcomes.ravel())
            check("jobs_embodied_g <= embodied_g, and embodied_g > 0 (France has embodied=)",
                  bool(np.all(ds["jobs_embodied_g"].values <= ds["embodied_g"].values *
                              (1 + 1e-12)) and np.all(ds["embodied_g"].values > 0)),
                  (ds["jobs_embodied_g"].values.ravel(), ds["embodied_g"].values.ravel()))
            rejected = ds["rejected"]
            check("rejections only at scale 0.5 (no site of 7 or 5 fits an 8-GPU job)",
                  bool(np.all(rejected.sel(capacity_scale=1.0).values == 0) and
                       np.all(rejected.sel(capacity_scale=0.5).values > 0)),
                  rejected.values.ravel())

            util = ds["utilisation"].values  # scheduler, scale, forecast, seed, site, time
            present = ~np.isnan(util)
            check("utilisation within [0, 1] where present",
                  bool(np.all((util[present] >= 0) & (util[present] <= 1))),
                  (np.nanmin(util), np.nanmax(util)))
            # NaN exactly outside one block of steps per scenario (its span), the same block at
            # every site; the time axis is the union of the blocks.
            flat = present.reshape(-1, len(SITES), len(times))
            blocks, contiguous = [], True
            for scenario in flat:
                rows = [np.flatnonzero(site) for site in scenario]
                first, last = (rows[0][0], rows[0][-1]) if rows[0].size else (-1, -1)
                contiguous &= all(r.size and r.size == r[-1] - r[0] + 1 and r[0] == first and
                                  r[-1] == last for r in rows)
                blocks.append((first, last))
            check("utilisation is NaN outside one span per scenario, the same at every site",
                  contiguous, blocks)
            check("the time axis is the union of the scenarios' spans",
                  min(b[0] for b in blocks) == 0 and max(b[1] for b in blocks) == len(times) - 1,
                  (min(b[0] for b in blocks), max(b[1] for b in blocks), len(times)))
            check("some scenarios end before others (NaN at the end of their utilisation)",
                  len(set(blocks)) > 1 and bool(np.isnan(util).any()), set(blocks))

            # Cells against `shiftsim cluster --json` for the same scenario.
            noisy = ds.sel(scheduler="carbon-delay", capacity_scale=0.5, seed="1")
            check("the noisy forecast changes the carbon-delay cell (the forecast is used)",
                  float(noisy["emissions_g"].sel(forecast="gaussian:0.2")) !=
                  float(noisy["emissions_g"].sel(forecast="perfect")),
                  float(noisy["emissions_g"].sel(forecast="perfect")))
            spatial = ds["emissions_g"].sel(scheduler="spatial", capacity_scale=1.0,
                                            forecast="gaussian:0.2")
            check("the noise seed changes the spatial cell (the seed is used)",
                  float(spatial.sel(seed="1")) != float(spatial.sel(seed="2")),
                  float(spatial.sel(seed="1")))
            for scheduler, scale, forecast, seed in CELLS:
                name = f"{scheduler} at scale {scale:g}, {forecast} seed {seed}"
                sites = []
                for region, n, rest in SITES:
                    sites += ["--site", f"{region}={round(n * scale)}{rest}"]
                jobs_csv = os.path.join(tmp, f"jobs-{scheduler}-{scale:g}-{seed}.csv")
                q = subprocess.run([exe, "cluster", "--grids", store, "--step", "1h", *sites,
                                    "--generate", GENERATE, "--slack", SLACK,
                                    "--scheduler", scheduler, "--forecast", forecast,
                                    "--seed", seed, "--json", "--jobs-csv", jobs_csv],
                                   capture_output=True, text=True)
                if not check(name + ": shiftsim cluster", q.returncode == 0, q.stderr):
                    continue
                want = json.loads(q.stdout)
                cell = ds.sel(scheduler=scheduler, capacity_scale=scale, forecast=forecast,
                              seed=seed)
                bad = {}
                for var in FLOATS + INTS:
                    got = float(cell[var].values)
                    if not close(got, float("nan") if want[var] is None else float(want[var])):
                        bad[var] = (got, want[var])
                check(name + f": the {len(FLOATS + INTS)} totals equal the command's", not bad,
                      bad)
                caps = [int(cell["capacity"].sel(site=s["name"]).values) for s in want["sites"]]
                check(name + ": capacity equals the command's sites'",
                      caps == [s["capacity"] for s in want["sites"]], caps)
                # Its utilisation: present from the step of the first arrival to the step of the
                # last finish, and its mean over the span is the command's mean_utilisation.
                begin, end = unix(want["begin"]), unix(want["end"])
                u = cell["utilisation"].values
                rows = [np.flatnonzero(~np.isnan(r)) for r in u]
                spans = [(times[r[0]], times[r[-1]] + STEP) if r.size else None for r in rows]
                span = (begin // STEP * STEP, -(-end // STEP) * STEP)
                check(name + ": utilisation present over the command's span, NaN elsewhere",
                      all(s == span for s in spans), (spans, span, want["begin"], want["end"]))
                means = [float(np.nansum(r)) * STEP / (end - begin) for r in u]
                check(name + ": mean utilisation equals the command's",
                      all(close(m, s["mean_utilisation"]) for m, s in zip(means, want["sites"])),
                      (means, [s["mean_utilisation"] for s in want["sites"]]))
                if scale == 0.5:
                    with open(jobs_csv, encoding="utf-8", newline="") as f:
                        too_big = sum(int(r["accelerators"]) > max(round(n * scale)
                                                                  for _, n, _ in SITES)
                                      for r in csv.DictReader(f))
                    check(name + ": rejected == the jobs larger than any site",
                          int(cell["rejected"].values) == too_big,
                          (int(cell["rejected"].values), too_big))
    return done()


if __name__ == "__main__":
    sys.exit(main())
