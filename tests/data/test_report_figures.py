#!/usr/bin/env python3
"""The reproduction chain on a small sweep of SYNTHETIC data (`shiftsim grids synth`): `shiftsim
run`, then `shiftsim report` (every format) and `analysis/figures.py`: every table file present,
the published values of Table 13 in the CSV, the differences equal ours minus the paper's, the
figures written, non-empty and the same bytes when made twice, and report.md linking only to
files that exist. A second report into the same folder is refused without --force.

Usage: test_report_figures.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)
Skipped when this Python lacks h5py, numpy or matplotlib (Debian: python3-h5py python3-numpy
python3-matplotlib). One line per check, then a summary; exit 1 if any check failed.
"""
import csv
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIGURES = os.path.join(HERE, "..", "..", "analysis", "figures.py")
EXPERIMENT = """\
[grids]
store = "store.h5"
regions = ["West US", "France", "Central US"]
years = [2020]
step = "1h"

[workloads]
names = ["bert-finetune", "bert-pretrain", "densenet-201", "transformer-6b"]

[starts]
scheme = "paper"
seed = 1

[[policy]]
kind = "baseline"

[[policy]]
kind = "flexible-start"
windows = ["6h", "24h"]

[[policy]]
kind = "pause-resume"
windows = ["24h", "100%"]

[output]
path = "cube.h5"
"""

failures = 0


def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1


def run(args, cwd, expect=0):
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True)
    if r.returncode != expect:
        print(r.stdout, r.stderr)
    check(r.returncode == expect, " ".join(os.path.basename(a) for a in args[:3]) +
          f" ... exits {expect}")
    return r


def rows(path):
    with open(path, newline="") as f:
        return list(csv.reader(line for line in f if not line.startswith("#")))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import h5py  # noqa: F401
        import matplotlib  # noqa: F401
        import numpy  # noqa: F401
    except ImportError as e:
        print(f"SKIP: {e} (Debian: python3-h5py python3-numpy python3-matplotlib)")
        return 77
    shiftsim = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as d:
        run([shiftsim, "grids", "synth", "--years", "2020", "--step", "1h", "--seed", "3",
             "--into", "store.h5"], d)
        with open(os.path.join(d, "exp.toml"), "w") as f:
            f.write(EXPERIMENT)
        run([shiftsim, "run", "exp.toml", "--quiet"], d)
        r = run([shiftsim, "report", "cube.h5", "--out", "rep", "--grids", "store.h5"], d)
        check("Headline findings" in r.stdout, "the headline table is printed")
        rep = os.path.join(d, "rep")
        for name in ["report.md", "report.tex", "tables/table2.csv", "tables/table3.csv",
                     "tables/table13_24h.csv", "tables/table9_100pct.csv", "tables/table10_6h.csv",
                     "tables/fig1.csv", "tables/fig2.csv", "tables/headline.csv",
                     "tables/region_fs_24h.csv", "tables/region_pauses_100pct.csv"]:
            p = os.path.join(rep, name)
            check(os.path.exists(p) and os.path.getsize(p) > 0, f"{name} written")
        t13 = {r[0]: r[1:] for r in rows(os.path.join(rep, "tables", "table13_24h.csv"))}
        header = t13["quantity"]
        col = header.index("densenet-201")
        check(float(t13["FS (paper)"][col]) == 25.9, "Table 13: DenseNet 201 FS 24h published 25.9")
        check(float(t13["P&R (paper)"][header.index("transformer-6b")]) == 2.5,
              "Table 13: 6B P&R 24h published 2.5")
        for q in ["FS", "P&R", "P&R pauses/window-h"]:
            for i in range(len(header)):
                ours, paper, diff = (float(t13[q][i]), float(t13[q + " (paper)"][i]),
                                     float(t13[q + " (diff)"][i]))
                if abs(diff - (ours - paper)) > 1e-12:
                    check(False, f"Table 13 {q} {header[i]}: diff = ours - paper")
        check(True, "Table 13: every difference is ours minus the paper's")
        with open(os.path.join(rep, "report.md")) as f:
            md = f.read()
        check("SYNTHETIC" in md, "report.md says the data are synthetic")

        run([sys.executable, FIGURES, "cube.h5", "--out", "rep"], d)
        figs = ["fig1_monthly", "fig2_workloads", "fig3_flexible_start", "fig4_pause_resume"]
        first = {}
        for fig in figs:
            for ext in ("png", "svg"):
                p = os.path.join(rep, "figures", f"{fig}.{ext}")
                ok = os.path.exists(p) and os.path.getsize(p) > 10000
                check(ok, f"figures/{fig}.{ext} written, non-empty")
                if ok:
                    with open(p, "rb") as f:
                        first[p] = f.read()
        run([sys.executable, FIGURES, "cube.h5", "--out", "rep"], d)
        same = all(open(p, "rb").read() == b for p, b in first.items())
        check(same and len(first) == 8, "figures made twice are the same bytes")
        # PDF at another resolution, and a region the cube lacks refused by name.
        run([sys.executable, FIGURES, "cube.h5", "--out", "pdf", "--format", "pdf", "--dpi", "200"],
            d)
        pdf = os.path.join(d, "pdf", "figures", "fig2_workloads.pdf")
        check(os.path.exists(pdf) and open(pdf, "rb").read(5) == b"%PDF-",
              "--format pdf writes PDF figures")
        bad = run([sys.executable, FIGURES, "cube.h5", "--out", "pdf", "--regions", "Atlantis"], d,
                  expect=1)
        check("Atlantis not in the cube" in bad.stderr, "--regions names a region the cube lacks")
        for link in re.findall(r"\]\(([^)]+)\)", md):
            check(os.path.exists(os.path.join(rep, link)), f"report.md links to {link}, which exists")

        r = run([shiftsim, "report", "cube.h5", "--out", "rep"], d, expect=1)
        check("--force" in r.stderr, "a second report is refused without --force")
    print(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
