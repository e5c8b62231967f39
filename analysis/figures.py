#!/usr/bin/env python3
"""Figs. 1-4 of Dodge et al. 2022 from a shiftsim result cube, as PNG and SVG (or PDF).

    python3 analysis/figures.py CUBE.h5 --out DIR      # writes DIR/figures/fig*.png and .svg
    python3 analysis/figures.py CUBE.h5 --out DIR --format png,svg,pdf --dpi 300 \
        --regions "West US,France,Norway"              # a subset of the cube's regions
    python3 analysis/figures.py --decision RUN.json --out DIR   # one decision explained

Fig. 1  BERT pretraining: emissions per region and month (mean over the month's starts);
Fig. 2  emissions per workload over regions and start times, log scale (min, quartiles, mean, max);
Fig. 3  flexible-start savings per region, DenseNet 201 and the 6B transformer, windows 6-24 h;
Fig. 4  pause-resume savings per region, the same jobs, windows 25-100 %;
decision (not in the paper) one run of `shiftsim simulate --json` explained: the intensity from
        the requested start to the deadline, what the policy planned on, the window, the
        baseline run and the run slices it chose, and what it saved.
windows  (not in the paper) savings against the window, flexible start and pause-resume side by
        side per workload, mean over regions, with the spread over starts (the quartiles of each
        region's savings, averaged over regions).

Workloads are labelled as the paper prints them (workloads/data/catalog.toml). Regions are told
apart by colour (Okabe-Ito, colour-blind safe), line style and marker together.

Reads the cube with h5py only (the layout is experiments/cube_file.hpp: named datasets, labels as
UTF-8 strings). Every figure's caption line states the data (the cube's data_warning when it is
surrogate data). Needs Debian's python3-h5py, python3-numpy and python3-matplotlib. Output is
deterministic (no dates in SVG or PNG metadata). Exit 1 with a message on a bad cube.
"""
import argparse
import os
import sys
import textwrap

try:
    import tomllib  # Python 3.11 (Debian bookworm's)
except ImportError:  # an older Python: catalog names instead of the paper's labels
    tomllib = None

import h5py
import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

matplotlib.rcParams["svg.hashsalt"] = "shiftsim"  # stable ids in SVG output

HERE = os.path.dirname(os.path.abspath(__file__))
# Okabe & Ito (2008): eight colours that colour-blind readers tell apart; with two line styles
# and eight markers they keep the 16 regions of Fig. 1 apart.
OKABE_ITO = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7"]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
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


def paper_labels():
    """Catalog name -> the label the paper prints ("bert-finetune" -> "BERT finetune")."""
    if tomllib is None:
        return {}
    try:
        with open(os.path.join(HERE, "..", "workloads", "data", "catalog.toml"), "rb") as f:
            return {j["name"]: j["label"] for j in tomllib.load(f).get("job", [])}
    except (OSError, tomllib.TOMLDecodeError, KeyError):
        return {}


def style(k):
    """Colour, line style and marker of the k-th line: distinct for the first 64."""
    return dict(color=OKABE_ITO[k % 8], linestyle=["-", "--", ":", "-."][(k // 8) % 4],
                marker=MARKERS[(k + k // 8) % 8])


def caption(fig, text, width_in):
    """The data line under a figure, wrapped to its width (7 pt: about 20 characters an inch);
    returns the share of the figure's height it takes, for tight_layout."""
    lines = textwrap.wrap(text, width=int(width_in * 19))
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=7, va="bottom")
    return min(0.3, (len(lines) * 9 + 6) / (fig.get_figheight() * 72))


class Cube:
    def __init__(self, path, only_regions=None):
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
        self.savings = self.at_reading("savings_pct_mean")  # workload, region, policy
        # workload, region, policy, quantile
        self.quartiles = (self.at_reading("savings_pct_quantiles")
                          if "savings_pct_quantiles" in self.f else None)
        self.labels = paper_labels()
        self.keep = list(range(len(self.regions)))
        if only_regions:
            missing = [r for r in only_regions if r not in self.regions]
            if missing:
                raise SystemExit(f"figures.py: --regions: {', '.join(missing)} not in the cube; "
                                 f"it has {', '.join(self.regions)}")
            self.keep = [self.regions.index(r) for r in only_regions]
        warning = attr(self.f, "data_warning")
        years = sorted({str(y) for y in self.starts.astype("datetime64[Y]")})
        data = warning if warning else imported_kinds(self.f, self.regions)
        self.caption = ("Data: " + data +
                        f"; starts in {', '.join(years)}. Not the paper's WattTime marginal data.")

    def at_reading(self, name):
        """A variable's values read at forecast "perfect" (else the first) and the first seed,
        as the report reads them: those dimensions dropped."""
        v = self.f[name]
        dims = [v.dims[i][0].name.lstrip("/") for i in range(len(v.shape))]
        values = v[:]
        for axis in reversed(range(len(dims))):
            if dims[axis] in ("forecast", "seed"):
                choices = labels(self.f, dims[axis])
                index = choices.index("perfect") if "perfect" in choices else 0
                values = np.take(values, index, axis=axis)
        return values

    def label(self, name):
        return self.labels.get(name, name)

    def workload(self, name):
        return self.workloads.index(name) if name in self.workloads else None

    def policy(self, label):
        return self.policies.index(label) if label in self.policies else None


FORMATS = ("png", "svg", "pdf")
OPTIONS = {"formats": ("png", "svg"), "dpi": 120}


def save(fig, out, stem):
    os.makedirs(out, exist_ok=True)
    # No dates or versions in the files: the same cube gives the same bytes.
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}
    for fmt in OPTIONS["formats"]:
        fig.savefig(os.path.join(out, f"{stem}.{fmt}"), dpi=OPTIONS["dpi"], metadata=meta[fmt])
    plt.close(fig)


def fig1(c, out):
    w = c.workload("bert-pretrain")
    if w is None:
        return False
    months = c.starts.astype("datetime64[M]").astype(int) % 12
    fig, ax = plt.subplots(figsize=(10, 6))
    for k, r in enumerate(c.keep):
        b = c.baseline[w, r, :] / 1000.0
        means = [np.nanmean(b[months == m]) if np.any(~np.isnan(b[months == m])) else np.nan
                 for m in range(12)]
        ax.plot(range(12), means, markersize=4, linewidth=1.2, label=c.regions[r], **style(k))
    ax.set_xticks(range(12), MONTHS)
    ax.set_ylabel("kg CO2eq per run")
    ax.set_title("Fig. 1: BERT pretraining, emissions per region and month")
    ax.legend(fontsize=7, ncol=1, loc="upper left", bbox_to_anchor=(1.01, 1))
    bottom = caption(fig, c.caption, 10)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    save(fig, out, "fig1_monthly")
    return True


def fig2(c, out):
    fig, ax = plt.subplots(figsize=(9, 5))
    stats = []
    for w, name in enumerate(c.workloads):
        x = c.baseline[w][c.keep].ravel()
        x = x[~np.isnan(x)]
        if x.size == 0:
            continue
        q = np.quantile(x, [0, 0.25, 0.5, 0.75, 1])
        stats.append({"label": c.label(name), "whislo": q[0], "q1": q[1], "med": q[2], "q3": q[3],
                      "whishi": q[4], "mean": float(np.mean(x)), "fliers": []})
    ax.bxp(stats, showmeans=True)
    ax.set_yscale("log")
    ax.set_ylabel("g CO2eq per run (log scale)")
    ax.set_title("Fig. 2: emissions per workload over regions and start times")
    ax.tick_params(axis="x", labelrotation=45)
    bottom = caption(fig, c.caption + " Whiskers: min and max; box: quartiles; triangle: mean.",
                     9)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    save(fig, out, "fig2_workloads")
    return True


def savings_bars(c, out, stem, title, prefix, windows):
    jobs = [j for j in ("densenet-201", "transformer-6b") if c.workload(j) is not None]
    pols = [(wd, c.policy(f"{prefix}/{wd}")) for wd in windows]
    pols = [(wd, p) for wd, p in pols if p is not None]
    if not jobs or not pols:
        return False
    fig, axes = plt.subplots(len(jobs), 1, figsize=(10, 4 * len(jobs)), squeeze=False)
    x = np.arange(len(c.keep))
    width = 0.8 / len(pols)
    for a, job in zip(axes[:, 0], jobs):
        w = c.workload(job)
        for k, (wd, p) in enumerate(pols):
            a.bar(x + k * width - 0.4 + width / 2, c.savings[w, c.keep, p], width, label=wd,
                  color=OKABE_ITO[(k + 1) % 8])
        a.set_xticks(x, [c.regions[r] for r in c.keep], rotation=45, ha="right", fontsize=8)
        a.set_ylabel("emissions decrease (%)")
        a.set_title(c.label(job))
        a.legend(fontsize=8)
    fig.suptitle(title)
    bottom = caption(fig, c.caption + " Mean over the starts in each region.", 10)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    save(fig, out, stem)
    return True


def window_hours(label):
    """'flexible-start/6h' -> 6.0; None for a window given as a share ('25%') or none."""
    w = label.rsplit("/", 1)[-1]
    units = {"h": 1.0, "d": 24.0, "min": 1 / 60}
    for u, f in units.items():
        if w.endswith(u) and w[:-len(u)].replace(".", "", 1).isdigit():
            return float(w[:-len(u)]) * f
    return None


def windows_figure(c, out):
    """Savings against the window, flexible start beside pause-resume, per workload: the mean
    over regions of each region's mean over starts, and a band from the mean of the regions'
    first to the mean of their third quartiles over starts (how much starts differ)."""
    kinds = [("flexible-start", "Flexible start"), ("pause-resume", "Pause and resume")]
    groups = {}  # kind -> (by share?, [(x, policy index)]): windows in hours, else in % if not
    for k, _ in kinds:
        ours = [(p, lab.rsplit("/", 1)[-1]) for p, lab in enumerate(c.policies)
                if lab.startswith(k + "/")]
        hours = sorted((window_hours(lab), p) for p, lab in ours if window_hours(lab) is not None)
        shares = sorted((float(w[:-1]), p) for p, w in ours
                        if w.endswith("%") and w[:-1].replace(".", "", 1).isdigit())
        if len(hours) >= 2:
            groups[k] = (False, hours)
        elif len(shares) >= 2:
            groups[k] = (True, shares)
    if not groups:
        return False
    fig, axes = plt.subplots(1, 2, figsize=(12, 5), sharey=True)
    for a, (k, name) in zip(axes, kinds):
        if k not in groups:
            a.set_visible(False)
            continue
        by_share, pts = groups[k]
        xs = [x for x, _ in pts]
        for n, wname in enumerate(c.workloads):
            w = c.workload(wname)
            mean = [np.nanmean(c.savings[w, c.keep, p]) for _, p in pts]
            line = a.plot(xs, mean, linewidth=1.2, markersize=4, label=c.label(wname),
                          **style(n))[0]
            if c.quartiles is not None:
                q1 = [np.nanmean(c.quartiles[w, c.keep, p, 1]) for _, p in pts]
                q3 = [np.nanmean(c.quartiles[w, c.keep, p, 3]) for _, p in pts]
                a.fill_between(xs, q1, q3, color=line.get_color(), alpha=0.12, linewidth=0)
        a.set_xlabel("window (% of the job's duration)" if by_share else "window (hours)")
        a.set_xticks(xs)
        a.set_title(name)
        a.grid(alpha=0.3)
    shown = [a for a in axes if a.get_visible()]
    shown[0].set_ylabel("emissions decrease (%)")
    shown[-1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.suptitle("Savings against the window, per workload (mean over regions; band: quartiles "
                 "over starts)")
    bottom = caption(fig, c.caption, 12)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    save(fig, out, "windows_savings")
    return True


def decision_figure(path, out):
    """One decision of `shiftsim simulate --json` (with its 'intensity'), as `cats` draws its
    plan: the actual intensity over the window, the plan the policy decided on, the baseline run
    from the requested start, and the slices it ran."""
    import json
    from datetime import datetime, timezone

    try:
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f"figures.py: --decision {path}: not the JSON of 'shiftsim simulate "
                         f"--json' ({e})")
    if "intensity" not in d or d.get("outcome") != "ok":
        raise SystemExit(f"figures.py: --decision {path}: needs a run that finished (outcome ok) "
                         "written by 'shiftsim simulate --json' of this version (with "
                         "'intensity')")

    def t(iso):
        return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)

    t0 = t(d["requested_start"])
    hours = lambda iso: (t(iso) - t0).total_seconds() / 3600  # noqa: E731
    i = d["intensity"]
    x0, step = hours(i["from"]), i["step_s"] / 3600
    xs = [x0 + k * step for k in range(len(i["actual"]) + 1)]
    fig, ax = plt.subplots(figsize=(10, 4.8))
    ax.axvspan(0, hours(d["deadline"]), color="#dddddd", alpha=0.5, lw=0,
               label=f"window: until the deadline ({d['deadline']})")
    ax.stairs(i["actual"], xs, baseline=None, color=OKABE_ITO[5], lw=1.4,
              label="actual intensity")
    if i.get("planned"):
        ax.stairs(i["planned"], xs, baseline=None, color=OKABE_ITO[6], lw=1.2, linestyle="--",
                  label=f"what the policy planned on ({d['forecast']})")
    top = max(i["actual"] + (i.get("planned") or []))
    ax.set_ylim(0, top * 1.25)
    ax.axvspan(0, d["duration_h"], ymin=0.9, ymax=0.95, color=OKABE_ITO[1],
               label="baseline run (from the requested start)")
    for k, (a, b) in enumerate(d["schedule"]):
        ax.axvspan(hours(a), hours(b), ymin=0.82, ymax=0.87, color=OKABE_ITO[3],
                   label="runs chosen" if k == 0 else None)
    saved = (100 * (1 - d["emissions_g"] / d["baseline_g"])
             if d.get("baseline_g") else float("nan"))
    ax.set_title(f"{d['job']} in {d['region']}: {d['policy_description']}\n"
                 f"{d['emissions_g']:.4g} g against {d.get('baseline_g', float('nan')):.4g} g "
                 f"started at once ({saved:.1f}% saved), {d['pauses']} pauses, "
                 f"delay {d['delay_h']:.2f} h", fontsize=10)
    ax.set_xlabel(f"hours from the requested start ({d['requested_start']})")
    ax.set_ylabel("g CO2eq/kWh")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    note = f"Data: {d['series']} from {d['source']}"
    if d.get("synthetic") and "SYNTHETIC" not in note:
        note += " (SYNTHETIC)"
    bottom = caption(fig, note + f"; step {d['step']}.", 10)
    fig.tight_layout(rect=(0, bottom, 1, 1))
    save(fig, out, "decision")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cube", nargs="?", help="result cube (shiftsim run)")
    ap.add_argument("--decision", help="instead: draw one run of 'shiftsim simulate --json'")
    ap.add_argument("--out", required=True, help="report folder; figures go to OUT/figures")
    ap.add_argument("--format", default="png,svg",
                    help="comma-separated: png, svg, pdf (default png,svg)")
    ap.add_argument("--dpi", type=int, default=120, help="resolution of PNG (default 120)")
    ap.add_argument("--regions", help="comma-separated region labels to draw (default: all)")
    a = ap.parse_args()
    formats = tuple(f.strip() for f in a.format.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        ap.error(f"--format {a.format}: give some of {', '.join(FORMATS)}")
    if not 20 <= a.dpi <= 1200:
        ap.error(f"--dpi {a.dpi}: give 20 to 1200")
    OPTIONS.update(formats=formats, dpi=a.dpi)
    regions = [r.strip() for r in a.regions.split(",")] if a.regions else None
    if a.decision:
        decision_figure(a.decision, os.path.join(a.out, "figures"))
        print(f"{os.path.join(a.out, 'figures')}: decision")
        return 0
    if not a.cube:
        ap.error("give a result cube, or --decision RUN.json")
    try:
        c = Cube(a.cube, regions)
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
    if windows_figure(c, out):
        made.append("windows_savings")
    print(f"{out}: {', '.join(made) if made else 'no figure (the cube lacks their workloads)'}")


if __name__ == "__main__":
    sys.exit(main())
