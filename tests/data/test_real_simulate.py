#!/usr/bin/env python3
"""Simulates the paper's BERT finetuning on a real Electricity Maps history (California, 2022)
through the shiftsim binary and checks every number against a recomputation here, from the raw
CSV, of the paper's definitions (dodge2022.md section 3): hourly values held over 5-minute steps,
the job's 3.1 kWh spread evenly over 72 steps of its 6 hours; baseline; flexible start over every
5-minute start in [t0, t0 + 6h] (earliest within 1e-9 of the lowest); pause-resume choosing the 72
lowest steps of the 144 in [t0, t0 + D + N) with N = 100%, by (value, index).

Usage: test_real_simulate.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Python standard library only. One line per check, then a summary; exit 1 if any check failed.
"""
import csv
import datetime
import json
import os
import subprocess
import sys
import tempfile

FILE = "green-dcc-electricitymaps/US-CAL-CISO_2022_hourly.csv"
VALUE_COLUMN = "Carbon Intensity gCO₂eq/kWh (LCA)"  # the reader's default basis: life-cycle
STEP = 300
K = 72                 # 6 h of work at 5 minutes
E = 3.1 / K            # kWh per step (Table 2: 3.1 kWh)
UTC = datetime.timezone.utc
# One start per month at varied hours, and one whose windows reach the end of the year.
STARTS = [f"2022-{m:02d}-{d:02d}T{h:02d}:{mi:02d}:00Z"
          for m, d, h, mi in [(1, 3, 0, 0), (2, 14, 6, 5), (3, 1, 12, 0), (4, 9, 18, 30),
                              (5, 20, 3, 55), (6, 30, 23, 0), (7, 4, 9, 10), (8, 15, 15, 0),
                              (9, 1, 1, 0), (10, 10, 10, 10), (11, 27, 21, 45), (12, 24, 7, 0)]]
STARTS.append("2022-12-31T18:00:00Z")


def fmt(t):
    return datetime.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def steps_from(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    t0 = int(datetime.datetime.strptime(rows[0]["Datetime (UTC)"], "%Y-%m-%d %H:%M:%S")
             .replace(tzinfo=UTC).timestamp())
    hourly = [float(r[VALUE_COLUMN]) for r in rows]
    return t0, [v for v in hourly for _ in range(3600 // STEP)]


def expected(policy, t0, v, start):
    s = (start - t0) // STEP
    if policy == "baseline":
        if s + K > len(v):
            return None
        return {"emissions_g": sum(E * x for x in v[s:s + K]), "start": fmt(start),
                "finish": fmt(start + K * STEP), "pauses": 0}
    if policy == "flexible-start":
        n = 6 * 3600 // STEP
        if s + n + K > len(v):
            return None
        costs = [sum(E * x for x in v[c:c + K]) for c in range(s, s + n + 1)]
        lowest = min(costs)
        c = s + next(i for i, x in enumerate(costs) if x <= lowest + 1e-9 * abs(lowest))
        return {"emissions_g": costs[c - s], "start": fmt(t0 + c * STEP),
                "finish": fmt(t0 + (c + K) * STEP), "pauses": 0}
    w = 2 * K  # N = 100%
    if s + w > len(v):
        return None
    chosen = sorted(sorted(range(s, s + w), key=lambda i: (v[i], i))[:K])
    runs = 1 + sum(1 for a, b in zip(chosen, chosen[1:]) if b != a + 1)
    return {"emissions_g": sum(E * v[i] for i in chosen), "start": fmt(t0 + chosen[0] * STEP),
            "finish": fmt(t0 + (chosen[-1] + 1) * STEP), "pauses": runs - 1}


def main():
    data = os.environ.get("SHIFTSIM_DATA")
    if not data:
        print("SHIFTSIM_DATA is not set: skipping the real-data simulation tests; set it to the "
              "shared data folder, e.g. ../shared/data")
        return 77
    exe = sys.argv[1]
    raw = os.path.join(data, FILE)
    t0, v = steps_from(raw)
    passed = failed = 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(("ok " if ok else "FAIL ") + name + ("" if ok else ": " + detail))

    with tempfile.TemporaryDirectory() as tmp:
        store = os.path.join(tmp, "real.h5")
        subprocess.run([exe, "grids", "import", raw, "--into", store], check=True,
                       capture_output=True)
        for policy, window in [("baseline", []), ("flexible-start", ["--window", "6h"]),
                               ("pause-resume", ["--window", "100%"])]:
            for start in STARTS:
                t = int(datetime.datetime.strptime(start, "%Y-%m-%dT%H:%M:%SZ")
                        .replace(tzinfo=UTC).timestamp())
                want = expected(policy, t0, v, t)
                p = subprocess.run([exe, "simulate", "--grids", store, "--region", "US-CAL-CISO",
                                    "--workload", "bert-finetune", "--start", start, "--policy",
                                    policy, *window, "--json"], capture_output=True, text=True)
                name = f"{policy} from {start}"
                if want is None:
                    check(name + ": beyond the data", p.returncode == 4 and
                          json.loads(p.stdout)["outcome"] == "beyond-data", p.stdout + p.stderr)
                    continue
                if p.returncode != 0:
                    check(name, False, p.stderr)
                    continue
                got = json.loads(p.stdout)
                ok = abs(got["emissions_g"] - want["emissions_g"]) <= 1e-9 * want["emissions_g"]
                ok = ok and all(got[k] == want[k] for k in ("start", "finish", "pauses"))
                ok = ok and abs(got["energy_kwh"] - 3.1) <= 1e-9
                check(name, ok, f"got {[got[k] for k in ('emissions_g', 'start', 'finish', 'pauses')]}"
                                f", want {want}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
