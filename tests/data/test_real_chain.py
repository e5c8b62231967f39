#!/usr/bin/env python3
"""The README's real-data command (the line after "# real data"), run as written in a scratch
folder: Electricity Maps exports of 2023 from $SHIFTSIM_DATA imported, experiments/
dodge2022_em2023.toml swept, the report and figures written. Checks: the store covers exactly the
13 regions the experiment names (France, West Europe and North Europe not covered), the cube's
baseline for BERT finetuning in every region and at every start equals a recomputation here from
the raw CSV of the zone the region is mapped to (hourly values held over 5-minute steps, 3.1 kWh
spread evenly over the 72 steps of its 6 hours), and the report says which data it came from.

Usage: test_real_chain.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when SHIFTSIM_DATA is unset, or when /usr/bin/python3 lacks h5py, numpy or matplotlib.
One line per check, then a summary; exit 1 if any check failed.
"""
import csv
import datetime
import os
import subprocess
import sys
import tempfile

import readme_line

HERE = os.path.dirname(os.path.abspath(__file__))
EXPERIMENT = "dodge2022_em2023.toml"
# The mapping the experiment file states, written out again here so that a wrong zone in the
# store or the region table is caught: region -> file under $SHIFTSIM_DATA.
FILES = {
    "East US": "green-dcc-electricitymaps/US-MIDA-PJM_2023_hourly.csv",
    "West US": "green-dcc-electricitymaps/US-CAL-CISO_2023_hourly.csv",
    "West US2": "grid-carbon-intensity-us2023-electricitymaps/US-NW-GCPD_2023_hourly.csv",
    "West US3": "grid-carbon-intensity-us2023-electricitymaps/US-SW-AZPS_2023_hourly.csv",
    "Central US": "grid-carbon-intensity-us2023-electricitymaps/US-MIDW-MISO_2023_hourly.csv",
    "N. Central US": "green-dcc-electricitymaps/US-MIDA-PJM_2023_hourly.csv",
    "S. Central US": "green-dcc-electricitymaps/US-TEX-ERCO_2023_hourly.csv",
    "W. Central US": "grid-carbon-intensity-us2023-electricitymaps/US-NW-PACE_2023_hourly.csv",
    "Canada": "green-dcc-electricitymaps/CA-ON_2023_hourly.csv",
    "Germany": "green-dcc-electricitymaps/DE-LU_2023_hourly.csv",
    "Norway": "decarbonization-potential-electricitymaps/NO_2023_hourly.csv",
    "UK South": "green-dcc-electricitymaps/GB_2023_hourly.csv",
    "Australia": "green-dcc-electricitymaps/AU-NSW_2023_hourly.csv",
}
NOT_COVERED = {"France", "West Europe", "North Europe"}
COLUMN = "Carbon Intensity gCO₂eq/kWh (direct)"
STEP, K, E = 300, 72, 3.1 / 72   # BERT finetune: 6 h, 3.1 kWh (Table 2), uniform power

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def hourly(path):
    """Start of hour (Unix seconds) -> direct intensity, straight from the CSV text."""
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            t = datetime.datetime.strptime(row["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S")
            out[int(t.replace(tzinfo=datetime.timezone.utc).timestamp())] = float(row[COLUMN])
    return out


def baseline(values, start):
    """The paper's baseline: the job runs from its requested start; NaN past the data."""
    total = 0.0
    for k in range(K):
        t = start + k * STEP
        hour = t - t % 3600
        if hour not in values:
            return float("nan")
        total += values[hour] * E
    return total


def main():
    # matplotlib: analysis/figures.py, which the command runs, needs it.
    data, code = readme_line.preflight(sys.argv, __doc__, ["h5py", "numpy", "matplotlib"])
    if data is None:
        return code
    import h5py
    import numpy as np
    command = readme_line.command_after("# real data")
    if command is None:
        check(False, "README.md has a '# real data' command")
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        r = readme_line.run_in_scratch(tmp, sys.argv[1], command, EXPERIMENT, with_analysis=True)
        check(r.returncode == 0, "the README's real-data command exits 0")
        if r.returncode != 0:
            return 1

        regions = subprocess.run([sys.argv[1], "grids", "regions", "--store",
                                  os.path.join(tmp, "results", "grids_em2023.h5")],
                                 capture_output=True, text=True).stdout
        uncovered = {line.split("  ")[0].strip() for line in regions.splitlines()
                     if line.endswith("NOT COVERED")}
        check(uncovered == NOT_COVERED, f"regions not covered by the store: {sorted(uncovered)}")

        with h5py.File(os.path.join(tmp, "results", "dodge2022_em2023.h5"), "r") as f:
            names = [x.decode() for x in f["region"][:]]
            workloads = [x.decode() for x in f["workload"][:]]
            starts = [int(s) for s in f["start"][:]]
            cube = f["baseline_g"][:]
            def attr(k):
                v = f.attrs[k]
                return v.decode() if isinstance(v, bytes) else str(v)
            kinds = {(attr(f"series_{i}_signal"), attr(f"series_{i}_basis"))
                     for i in range(len(names))}
        check(sorted(names) == sorted(FILES), f"the cube's regions are the 13 mapped: {names}")
        check(len(starts) == 60 and all(datetime.datetime.fromtimestamp(
            s, datetime.timezone.utc).year == 2023 for s in starts), "60 starts, all in 2023")
        check(kinds == {("average", "direct")}, f"the cube records average/direct series: {kinds}")
        w = workloads.index("bert-finetune")
        worst, missing = 0.0, 0
        for region, path in FILES.items():
            values = hourly(os.path.join(data, path))
            r_ = names.index(region)
            for t, start in enumerate(starts):
                want, got = baseline(values, start), cube[w, r_, t]
                if np.isnan(want) or np.isnan(got):
                    missing += int(np.isnan(want) != np.isnan(got))
                    continue
                worst = max(worst, abs(got - want) / max(abs(want), 1e-12))
        check(missing == 0, "the cube and the recomputation agree on which starts lack data")
        check(worst < 1e-9, f"BERT finetune baseline, 13 regions x 60 starts, equals the raw CSV "
                            f"recomputation (worst relative difference {worst:.2e})")

        report_dir = os.path.join(tmp, "results", "dodge2022_em2023_report")
        with open(os.path.join(report_dir, "report.md"), encoding="utf-8") as f:
            report = f.read()
        check("Electricity Maps" in report and "average/direct" in report and "2023" in report,
              "report.md names its data: Electricity Maps, average/direct, 2023")
        check("SYNTHETIC" not in report, "report.md does not call real data synthetic")
        for name in ("fig1_monthly", "fig2_workloads", "fig3_flexible_start", "fig4_pause_resume"):
            png = os.path.join(report_dir, "figures", name + ".png")
            check(os.path.isfile(png) and os.path.getsize(png) > 1000, f"figures/{name}.png written")
        with open(os.path.join(report_dir, "figures", "fig3_flexible_start.svg"), encoding="utf-8") as f:
            check("average/direct from Electricity Maps" in f.read(),
                  "the figures' caption names the data: average/direct from Electricity Maps")

    print(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
