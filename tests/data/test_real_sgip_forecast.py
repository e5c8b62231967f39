#!/usr/bin/env python3
"""The README's back-test command (the line after "# sgip forecast"), run as written in a
scratch folder: the SGIP GHG signal of PG&E for 2020 with its issued forecasts, swept by
experiments/dodge2022_sgip_forecast.toml, the report written. Checks, with this file's own code:
  - the cube's forecast axis is the experiment's six models;
  - the noise models' E in the experiment file match the archive's own error (its MAE averaged
    over the 36 leads, recomputed here from the store: gaussian sqrt(pi/2) MAE / mean, uniform
    4 MAE / mean), to the two decimals written;
  - at every start of every cell, the oracle emits no more than the issued forecasts do (for the
    catalog's uniform power the oracle's choice is the cheapest possible);
  - BERT finetune's flexible start and pause-resume at 6 h on issued forecasts, replayed here
    decision by decision from the store's series and archive (the rules of sim/online.hpp,
    written again in Python), give the cube's emissions at the first starts;
  - the report has both back-test tables.

Usage: test_real_sgip_forecast.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when SHIFTSIM_DATA is unset, or when /usr/bin/python3 lacks h5py or numpy.
"""
import math
import os
import re
import sys
import tempfile

import readme_line

EXPERIMENT = "dodge2022_sgip_forecast.toml"
STEP, DAY, K, KWH = 300, 288, 72, 3.1 / 72  # BERT finetune: 6 h, 3.1 kWh, uniform
TIE = 1e-9
MODELS = ["perfect", "issued:SGIP_CAISO_PGE/marginal/direct",
          "issued:SGIP_CAISO_PGE/marginal/direct:hold", "persistence", "gaussian:0.28",
          "uniform:0.88"]

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


class View:
    """What a decision at step i sees of step x (sim/issued_forecast.hpp), persistence beyond:
    the latest issue r <= i (a row with a value), lead x - r; for x = i = r the issue before."""

    def __init__(self, actual, archive):
        import numpy as np
        self.a, self.f = actual, archive
        issued = ~np.all(np.isnan(archive), axis=1)
        self.latest, last = [], -1
        for r in range(len(actual)):
            last = r if issued[r] else last
            self.latest.append(last)

    def at(self, i, x):
        r = self.latest[i]
        if x == i and r == i:
            r = self.latest[i - 1] if i > 0 else -1
        h = float("nan")
        if r >= 0 and 1 <= x - r <= self.f.shape[1]:
            h = self.f[r][x - r - 1]
        if not math.isnan(h):
            return h
        m = (x - i) // DAY + 1
        return self.a[x - m * DAY]


def flexible_start(v, s, n):
    last = s + n
    for i in range(s, last + 1):
        costs = [sum(KWH * v.at(i, j + k) for k in range(K)) for j in range(i, last + 1)]
        lowest = min(costs)
        if i == last or costs[0] <= lowest + TIE * abs(lowest):
            return list(range(i, i + K))
    raise AssertionError("no start")


def pause_resume(v, s, w):
    end, steps = s + w, []
    for i in range(s, end):
        left = K - len(steps)
        if left == 0:
            break
        now = v.at(i, i)
        if end - i == left or sum(1 for x in range(i + 1, end) if v.at(i, x) < now) < left:
            steps.append(i)
    return steps


def main():
    data, code = readme_line.preflight(sys.argv, __doc__, ["h5py", "numpy"])
    if data is None:
        return code
    import h5py
    import numpy as np
    command = readme_line.command_after("# sgip forecast")
    if command is None:
        check(False, "README.md has a '# sgip forecast' command")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        r = readme_line.run_in_scratch(tmp, sys.argv[1], command, EXPERIMENT)
        check(r.returncode == 0, "the README's back-test command exits 0")
        if r.returncode != 0:
            return 1
        check("issued forecasts: error against the actual series by lead" in r.stdout,
              "grids show prints the archive's error by lead")
        with h5py.File(os.path.join(tmp, "results", "grids_sgip.h5"), "r") as f:
            g = f["series/SGIP_CAISO_PGE/marginal/direct"]
            actual = g["values"][:]
            archive = g["forecast"][:]
            start = int(g.attrs["start_unix"])
        with h5py.File(os.path.join(tmp, "results", "dodge2022_sgip_forecast.h5"), "r") as f:
            forecasts = [x.decode() for x in f["forecast"][:]]
            policies = [x.decode() for x in f["policy"][:]]
            workloads = [x.decode() for x in f["workload"][:]]
            starts = [int(s) for s in f["start"][:]]
            dims = f["emissions_g"].attrs["DIMENSION_LIST"]
            shape = f["emissions_g"].shape
            em = f["emissions_g"][:, :, :, :, 0, :]  # the one seed
        check(forecasts == MODELS, f"the cube's forecasts are the experiment's six ({forecasts})")
        check(shape == (len(workloads), 1, len(policies), len(MODELS), 1, len(starts)),
              f"emissions_g is workload x region x policy x forecast x seed x start {shape}")

        # The archive's error in 2020, as grids/forecast_error.hpp defines it.
        t2020, t2021 = 1577836800, 1609459200
        lo, hi = (t2020 - start) // STEP, (t2021 - start) // STEP
        leads = archive.shape[1]
        maes = []
        for k in range(1, leads + 1):
            rows = np.arange(lo, min(hi, len(actual) - k))
            maes.append(float(np.mean(np.abs(archive[rows, k - 1] - actual[rows + k]))))
        mae, mean = sum(maes) / leads, float(np.mean(actual))
        text = open(os.path.join(tmp, "experiments", EXPERIMENT), encoding="utf-8").read()
        written = {m.group(1): float(m.group(2)) for m in re.finditer(r'"(gaussian|uniform):([0-9.]+)"', text)}
        check(round(math.sqrt(math.pi / 2) * mae / mean, 2) == written.get("gaussian")
              and round(4 * mae / mean, 2) == written.get("uniform"),
              f"the noise models match the archive's error (MAE {mae:.1f} over the leads, mean "
              f"{mean:.1f}: gaussian {math.sqrt(math.pi / 2) * mae / mean:.3f}, uniform "
              f"{4 * mae / mean:.3f}; written {written})")

        oracle, issued = MODELS.index("perfect"), MODELS.index(MODELS[1])
        worse = 0
        for w in range(len(workloads)):
            for p in range(len(policies)):
                for t in range(len(starts)):
                    o, i = em[w, 0, p, oracle, t], em[w, 0, p, issued, t]
                    if not (math.isnan(o) or math.isnan(i)) and o > i * (1 + 1e-9) + 1e-9:
                        worse += 1
        check(worse == 0, f"the oracle never emits more than the issued forecasts ({worse} starts do)")

        v = View(actual, archive)
        w = workloads.index("bert-finetune")
        worst = 0.0
        for label, run, arg in (("flexible-start/6h", flexible_start, 72),
                                ("pause-resume/6h", pause_resume, K + 72)):
            p = policies.index(label)
            for t in range(6):
                s = (starts[t] - start) // STEP
                steps = run(v, s, arg)
                want = sum(KWH * actual[x] for x in steps)
                got = em[w, 0, p, issued, t]
                worst = max(worst, abs(got - want) / max(abs(want), 1e-12))
        check(worst < 1e-9, f"BERT finetune at 6 h on issued forecasts equals the replay here at "
                            f"6 starts per policy (worst relative difference {worst:.1e})")

        report = open(os.path.join(tmp, "results", "dodge2022_sgip_forecast_report", "report.md"),
                      encoding="utf-8").read()
        check("Back-test, flexible start" in report and "Back-test, pause-resume" in report,
              "report.md has both back-test tables")
    print(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
