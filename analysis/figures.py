#!/usr/bin/env python3
"""Figs. 1-4 of Dodge et al. 2022 from a shiftsim result cube, as PNG and SVG.

    python3 analysis/figures.py CUBE.h5 --out DIR      # writes DIR/figures/fig*.png and .svg

Fig. 1  BERT pretraining: emissions per region and month (mean over the month's starts);
Fig. 2  emissions per workload over regions and start times, log scale (min, quartiles, mean, max);
Fig. 3  flexible-start savings per region, DenseNet 201 and the 6B transformer, windows 6-24 h;
Fig. 4  pause-resume savings per region, the same jobs, windows 25-100 %.

Reads the cube with h5py only (the layout is experiments/cube_file.hpp: named datasets, labels as
UTF-8 strings). Every figure's caption line states the data (the cube's data_warning when it is
surrogate data). Needs Debian's python3-h5py, python3-numpy and python3-matplotlib. Output is
deterministic (no dates in SVG or PNG metadata). Exit 1 with a message on a bad cube.
"""
import argparse
import os
import sys

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "shiftsim"  # stable ids in SVG output

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def labels(f, name):
    return [x.decode() if isinstance(x, bytes) else str(x) for x in f[name][:]]


def attr(f, name):
    v = f.attrs.get(name, "")
    return v.decode() if isinstance(v, bytes) else str(v)


def imported_kinds(f, regions):
    """'average/direct from Electricity Maps (CSV export)' from the cube's per-series attributes
    (series_<i>_signal, _basis, _source: experiments/provenance.hpp), each distinct kind once."""
    kinds = []
    for i in range(len(regions)):
        if f"series_{i}_signal" not in f.attrs:
            continue
        kind = (f"{attr(f, f'series_{i}_signal')}/{attr(f, f'series_{i}_basis')} "
                f"from {attr(f, f'series_{i}_source')}")
        if kind not in kinds:
            kinds.append(kind)
    return "; ".join(kinds) if kinds else "imported grid series"


class Cube:
    def __init__(self, path):
        self.f = h5py.File(path, "r")
        for need in ("workload", "region", "policy", "start", "baseline_g", "savings_pct_mean"):
            if need not in self.f:
                raise SystemExit(f"figures.py: {path}: not a shiftsim sweep cube (no '{need}'); "
                                 "make one with 'shiftsim run'")
        self.workloads = labels(self.f, "workload")
        self.regions = labels(self.f, "region")
        self.policies = labels(self.f, "policy")
        self.starts = self.f["start"][:].astype("datetime64[s]")
        self.baseline = self.f["baseline_g"][:]  # workload, region, start
        s = self.f["savings_pct_mean"]
        dims = [s.dims[i][0].name.lstrip("/") for i in range(len(s.shape))]
        values = s[:]
        # Read at forecast "perfect" (else the first) and the first seed, as the report does.
        for axis in reversed(range(len(dims))):
            if dims[axis] in ("forecast", "seed"):
                choices = labels(self.f, dims[axis])
                index = choices.index("perfect") if "perfect" in choices else 0
                values = np.take(values, index, axis=axis)
        self.savings = values  # workload, region, policy
        warning = attr(self.f, "data_warning")
        years = sorted({str(y) for y in self.starts.astype("datetime64[Y]")})
        data = warning if warning else imported_kinds(self.f, self.regions)
        self.caption = ("Data: " + data +
                        f"; starts in {', '.join(years)}. Not the paper's WattTime marginal data.")

    def workload(self, name):
        return self.workloads.index(name) if name in self.workloads else None

    def policy(self, label):
        return self.policies.index(label) if label in self.policies else None


def save(fig, out, stem):
    os.makedirs(out, exist_ok=True)
    fig.savefig(os.path.join(out, stem + ".png"), dpi=120, metadata={"Software": None})
    fig.savefig(os.path.join(out, stem + ".svg"), metadata={"Date": None, "Creator": None})
    plt.close(fig)


def fig1(c, out):
    w = c.workload("bert-pretrain")
    if w is None:
        return False
    months = c.starts.astype("datetime64[M]").astype(int) % 12
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for r, region in enumerate(c.regions):
        b = c.baseline[w, r, :] / 1000.0
        means = [np.nanmean(b[months == m]) if np.any(~np.isnan(b[months == m])) else np.nan
                 for m in range(12)]
        ax.plot(range(12), means, marker="o", markersize=3, label=region)
    ax.set_xticks(range(12), MONTHS)
    ax.set_ylabel("kg CO2eq per run")
    ax.set_title("Fig. 1: BERT pretraining, emissions per region and month")
    ax.legend(fontsize=7, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.text(0.01, 0.01, c.caption, fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, out, "fig1_monthly")
    return True


def fig2(c, out):
    fig, ax = plt.subplots(figsize=(9, 5))
    stats = []
    for w, name in enumerate(c.workloads):
        x = c.baseline[w].ravel()
        x = x[~np.isnan(x)]
        if x.size == 0:
            continue
        q = np.quantile(x, [0, 0.25, 0.5, 0.75, 1])
        stats.append({"label": name, "whislo": q[0], "q1": q[1], "med": q[2], "q3": q[3],
                      "whishi": q[4], "mean": float(np.mean(x)), "fliers": []})
    ax.bxp(stats, showmeans=True)
    ax.set_yscale("log")
    ax.set_ylabel("g CO2eq per run (log scale)")
    ax.set_title("Fig. 2: emissions per workload over regions and start times")
    ax.tick_params(axis="x", labelrotation=45)
    fig.text(0.01, 0.01, c.caption + " Whiskers: min and max; box: quartiles; triangle: mean.",
             fontsize=7)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    save(fig, out, "fig2_workloads")
    return True


def savings_bars(c, out, stem, title, prefix, windows):
    jobs = [j for j in ("densenet-201", "transformer-6b") if c.workload(j) is not None]
    pols = [(wd, c.policy(f"{prefix}/{wd}")) for wd in windows]
    pols = [(wd, p) for wd, p in pols if p is not None]
    if not jobs or not pols:
        return False
    fig, axes = plt.subplots(len(jobs), 1, figsize=(10, 4 * len(jobs)), squeeze=False)
    x = np.arange(len(c.regions))
    width = 0.8 / len(pols)
    for a, job in zip(axes[:, 0], jobs):
        w = c.workload(job)
        for k, (wd, p) in enumerate(pols):
            a.bar(x + k * width - 0.4 + width / 2, c.savings[w, :, p], width, label=wd)
        a.set_xticks(x, c.regions, rotation=45, ha="right", fontsize=8)
        a.set_ylabel("emissions decrease (%)")
        a.set_title(f"{job}")
        a.legend(fontsize=8)
    fig.suptitle(title)
    fig.text(0.01, 0.005, c.caption + " Mean over the starts in each region.", fontsize=7)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    save(fig, out, stem)
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cube")
    ap.add_argument("--out", required=True, help="report folder; figures go to OUT/figures")
    a = ap.parse_args()
    try:
        c = Cube(a.cube)
    except OSError as e:
        raise SystemExit(f"figures.py: {a.cube}: cannot read it as HDF5 ({e})")
    out = os.path.join(a.out, "figures")
    made = []
    if fig1(c, out):
        made.append("fig1_monthly")
    if fig2(c, out):
        made.append("fig2_workloads")
    if savings_bars(c, out, "fig3_flexible_start",
                    "Fig. 3: flexible-start savings per region", "flexible-start",
                    ["6h", "12h", "18h", "24h"]):
        made.append("fig3_flexible_start")
    if savings_bars(c, out, "fig4_pause_resume", "Fig. 4: pause-resume savings per region",
                    "pause-resume", ["25%", "50%", "75%", "100%"]):
        made.append("fig4_pause_resume")
    print(f"{out}: {', '.join(made) if made else 'no figure (the cube lacks their workloads)'}")


if __name__ == "__main__":
    sys.exit(main())
