#!/usr/bin/env python3
"""Imports the real carbon-intensity files in $SHIFTSIM_DATA through the shiftsim binary and checks
what `grids show --json` reports against figures computed here, independently, from the raw files.

Usage: test_real_data.py PATH_TO_SHIFTSIM   (CTest passes the binary; exit 77 = skipped)

The expected figures come from this file's own reading of each raw file with the csv module:
its own timestamp parsing (one explicit layout per file family, not sniffed), its own time-zone
handling (zoneinfo), its own de-duplication, gap filling and resampling, written from the rules in
grids/assemble.hpp, not from the C++ code. For every import it compares: the series key (zone,
signal, basis), step, value count, first timestamp ("from") and the end of the last value ("to",
i.e. last timestamp + step), the repair counts, the source files' SHA-256, and the mean, min, max,
estimated and repaired shares over the whole series and over each fully covered calendar year
(UTC). Imports that must fail are checked for exit code 1 and a message that names the file and
line (and, where it matters, the timestamp) computed here.

Python standard library only. One line per check ("ok ..." / "FAIL ..."), then one summary line
"N passed, M failed"; exit 1 if any check failed.
"""
import csv
import datetime
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zoneinfo

UTC = datetime.timezone.utc
HOUR = 3600
LBS_PER_MWH = 0.45359237  # 1 lb = 0.45359237 kg, so 1 lb/MWh = 0.45359237 g/kWh
REL = 1e-6  # relative tolerance for means (see the brief: 1e-6 relative)

SKIP_MESSAGE = ("SHIFTSIM_DATA is not set: skipping the real-data import tests; set it to the "
                "shared data folder, e.g. ../shared/data")


# --------------------------------------------------------------------------------------------
# Reporting


class Report:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.failures = []

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok {name}")
        else:
            self.failed += 1
            self.failures.append(name)
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))
        sys.stdout.flush()
        return ok


R = Report()


def close(a, b, rel=REL, abs_tol=1e-9):
    if a is None or b is None:
        return False
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), abs_tol)


# --------------------------------------------------------------------------------------------
# Time helpers (integers: seconds since the epoch, UTC)

MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}


def epoch(dt):
    """An aware datetime -> integer seconds since the epoch."""
    return int(dt.timestamp())


def fmt_time(t):
    return datetime.datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_duration(s):
    """The binary's duration format: 1h, 15min, 2d, 196h ..."""
    if s % 86400 == 0:
        return f"{s // 86400}d"
    if s % 3600 == 0:
        return f"{s // 3600}h"
    if s % 60 == 0:
        return f"{s // 60}min"
    return f"{s}s"


def year_start(y):
    return epoch(datetime.datetime(y, 1, 1, tzinfo=UTC))


def parse_utc(text, layout):
    """A timestamp in `layout` (strptime); naive ones are UTC, an explicit offset is honoured."""
    dt = datetime.datetime.strptime(text.strip(), layout)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return epoch(dt)


def parse_local(naive, tz):
    """Local wall time -> (utc seconds, kind) with kind 'unique', 'ambiguous' or 'nonexistent'.

    Ambiguous (autumn) times resolve to the FIRST occurrence (fold=0, summer time): the EirGrid
    files list the repeated hour only once, and taking the first occurrence is the documented
    reading (PROVENANCE.md: "the repeated autumn hour is collapsed")."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    t0 = epoch(first)
    back = datetime.datetime.fromtimestamp(t0, tz).replace(tzinfo=None)
    if back != naive:
        return t0, "nonexistent"
    if first.utcoffset() != second.utcoffset():
        return t0, "ambiguous"
    return t0, "unique"


# --------------------------------------------------------------------------------------------
# Raw-file reading (independent of shiftsim)


class Point:
    """One data row: UTC seconds, value in g/kWh (None: empty cell), estimated flag, where."""
    __slots__ = ("t", "v", "est", "path", "line")

    def __init__(self, t, v, est, path, line):
        self.t, self.v, self.est, self.path, self.line = t, v, est, path, line

    @property
    def name(self):
        return os.path.basename(self.path)

    def where(self, parent=False):
        if parent:  # "folder/file:line", to tell apart files of the same name
            return f"{os.path.basename(os.path.dirname(self.path))}/{self.name}:{self.line}"
        return f"{self.name}:{self.line}"


def number(cell, factor=1.0):
    cell = cell.strip()
    return None if cell == "" else float(cell) * factor


def read_csv_rows(path, header=True):
    """Yields (line_number, row_dict_or_list)."""
    with open(path, newline="", encoding="utf-8") as f:
        if header:
            reader = csv.DictReader(f)
            for row in reader:
                yield reader.line_num, row
        else:
            reader = csv.reader(f)
            for row in reader:
                yield reader.line_num, row


def read_table(path, time_col, value_col, layout, factor=1.0, est_col=None, zone_col=None):
    """Points of a CSV with a header; returns (points, set of zone ids seen)."""
    pts, zones = [], set()
    for line, row in read_csv_rows(path):
        t = parse_utc(row[time_col], layout)
        est = est_col is not None and row[est_col].strip().lower() == "true"
        if zone_col is not None:
            zones.add(row[zone_col].strip())
        pts.append(Point(t, number(row[value_col], factor), est, path, line))
    return pts, zones


def read_eirgrid(path):
    """EirGrid rows `DD-Mon-YYYY HH:MM:SS,CO2_INTENSITY,ROI,value`, Europe/Dublin local time.

    Overlapping downloads repeat whole rows: de-duplicated here on the local timestamp text
    (keeping the first; the repeats must carry the same value). Non-existent local times (spring
    forward) must be empty and are dropped. Returns (points, duplicates, dst_dropped,
    ambiguous_rows)."""
    tz = zoneinfo.ZoneInfo("Europe/Dublin")
    name = os.path.basename(path)
    seen = {}
    pts = []
    dups = dst_dropped = ambiguous = 0
    for line, row in read_csv_rows(path, header=False):
        stamp, field, region, value = row
        assert field == "CO2_INTENSITY" and region == "ROI", (line, row)
        v = number(value)
        if stamp in seen:
            assert seen[stamp] == v, f"{name}:{line}: repeated {stamp} with another value"
            dups += 1
            continue
        seen[stamp] = v
        d, mon, rest = stamp[:2], stamp[3:6], stamp[7:]
        naive = datetime.datetime(int(rest[:4]), MONTHS[mon.lower()], int(d),
                                  int(rest[5:7]), int(rest[8:10]), int(rest[11:13]))
        t, kind = parse_local(naive, tz)
        if kind == "nonexistent":
            assert v is None, f"{name}:{line}: non-existent local time {stamp} has a value"
            dst_dropped += 1
            continue
        ambiguous += kind == "ambiguous"
        pts.append(Point(t, v, False, path, line))
    return pts, dups, dst_dropped, ambiguous


# --------------------------------------------------------------------------------------------
# The expected series: the assembly rules of grids/assemble.hpp, re-implemented here


class Expected:
    """A regular series (start, step, values, flags, repairs), or the error an import must give."""

    def __init__(self):
        self.start = self.step = 0
        self.values, self.est, self.rep = [], [], []
        self.repairs = {}
        self.error = None  # dict(kind, where = "file:line", needles = texts the message must hold)

    @property
    def count(self):
        return len(self.values)

    def end(self):
        return self.start + self.step * len(self.values)

    def stats(self, year=None):
        lo, hi = 0, len(self.values)
        if year is not None:
            a, b = year_start(year), year_start(year + 1)
            idx = [i for i in range(len(self.values)) if a <= self.start + i * self.step < b]
            if not idx:
                return None
            lo, hi = idx[0], idx[-1] + 1
        vals = self.values[lo:hi]
        n = len(vals)
        return {
            "from": fmt_time(self.start + lo * self.step),
            "to": fmt_time(self.start + hi * self.step),
            "count": n,
            "mean": statistics.fmean(vals),
            "min": min(vals),
            "max": max(vals),
            "estimated_share": sum(self.est[lo:hi]) / n,
            "repaired_share": sum(self.rep[lo:hi]) / n,
        }


def dedupe(points, exp, policy="drop-identical"):
    """One point per timestamp, in time order. A repeat of a value (or an empty cell next to a
    value, which gives way to it) counts as a dropped duplicate. Different values for one instant
    are an error under the default policy, else keep-first / keep-last pick one (counted apart).
    Points must come in the order the files were given. Returns the points, or None after
    recording in `exp.error` what the binary must report."""
    groups = {}
    for p in points:
        groups.setdefault(p.t, []).append(p)
    out = []
    for t in sorted(groups):
        g = groups[t]
        if len(g) == 1:
            out.append(g[0])
            continue
        valued = [p for p in g if p.v is not None]
        differ = [p for p in valued if p.v != valued[0].v]
        if not differ:
            exp.repairs["duplicates_dropped"] = exp.repairs.get("duplicates_dropped", 0) + len(g) - 1
            out.append(valued[0] if valued else g[0])
            continue
        if policy == "drop-identical":
            a, b = valued[0], differ[0]
            exp.error = {"kind": "overlap", "where": b.where(True),
                         "needles": [b.where(True), a.where(True), fmt_time(t)]}
            return None
        key = "duplicates_kept_first" if policy == "keep-first" else "duplicates_kept_last"
        exp.repairs[key] = exp.repairs.get(key, 0) + len(g) - 1
        out.append(valued[0] if policy == "keep-first" else valued[-1])
    return out


def fill(exp, entries, gaps, max_gap):
    """Trims empty ends, then fills (linear interpolation) or refuses the inner gaps."""
    lo, hi = 0, len(exp.values)
    while lo < hi and exp.values[lo] is None:
        lo += 1
    while hi > lo and exp.values[hi - 1] is None:
        hi -= 1
    trimmed = lo + (len(exp.values) - hi)
    if trimmed:
        exp.repairs["trimmed_empty_ends"] = trimmed
    exp.values, exp.est, exp.rep = exp.values[lo:hi], exp.est[lo:hi], exp.rep[lo:hi]
    entries = entries[lo:hi]
    exp.start += lo * exp.step
    filled = 0
    i = 0
    while i < len(exp.values):
        if exp.values[i] is not None:
            i += 1
            continue
        j = i
        while exp.values[j] is None:
            j += 1
        missing = j - i
        # The row the binary must name: the gap's first empty cell, or, where the rows
        # themselves are missing, the first row after the gap.
        after = entries[i] if entries[i] is not None else entries[j]
        if gaps is None or (max_gap is not None and missing * exp.step > max_gap):
            where = after.where() if after is not None else "?"
            exp.error = {
                "kind": "gap" if gaps is None else "max_gap",
                "where": where,
                "needles": [where,
                            f"gap of {fmt_duration(missing * exp.step)}",
                            fmt_time(exp.start + i * exp.step)]
                + (["--max-gap"] if gaps is not None else []),
            }
            return exp
        a, b = exp.values[i - 1], exp.values[j]
        for k in range(i, j):
            # Linear in time between the neighbours, computed here (same rule, own code).
            exp.values[k] = a + (b - a) * (k - i + 1) / (missing + 1)
            exp.rep[k] = True
        filled += missing
        i = j
    if filled:
        exp.repairs["gaps_interpolated"] = filled
    return exp


def build_regular(points, gaps=None, max_gap=None, repairs=None, duplicates="drop-identical"):
    """The series an import without --resample must give (or its error)."""
    exp = Expected()
    exp.repairs = dict(repairs or {})
    uniq = dedupe(points, exp, duplicates)
    if uniq is None:
        return exp
    counts = {}
    for a, b in zip(uniq, uniq[1:]):
        counts[b.t - a.t] = counts.get(b.t - a.t, 0) + 1
    step = min(counts, key=lambda d: (-counts[d], d))  # most common; ties: the smaller
    exp.step = step
    for a, b in zip(uniq, uniq[1:]):
        if (b.t - a.t) % step:
            exp.error = {"kind": "step", "where": b.where(),
                         "needles": [b.where(), "step changes", "--resample"]}
            return exp
    exp.start = uniq[0].t
    n = (uniq[-1].t - exp.start) // step + 1
    exp.values, exp.est, exp.rep = [None] * n, [False] * n, [False] * n
    entries = [None] * n
    for p in uniq:
        k = (p.t - exp.start) // step
        exp.values[k], exp.est[k], entries[k] = p.v, p.est, p
    return fill(exp, entries, gaps, max_gap)


def build_resampled(points, step):
    """--resample STEP: each value holds from its timestamp until the next one, at most STEP; a
    slot's value is the time-weighted mean of what covers it. Slots that one value covers whole
    from their start are exact; all others count as resampled."""
    exp = Expected()
    uniq = dedupe(points, exp)
    exp.step = step
    exp.start = uniq[0].t - uniq[0].t % step
    end_t = uniq[-1].t + step
    end_t += (-end_t) % step
    n = (end_t - exp.start) // step
    weighted, covered, parts = [0.0] * n, [0] * n, [0] * n
    exact = [False] * n
    est = [False] * n
    for i, p in enumerate(uniq):
        if p.v is None:
            continue
        a = p.t
        b = min(uniq[i + 1].t, a + step) if i + 1 < len(uniq) else a + step
        s = (a - exp.start) // step
        while s < n:
            lo = max(a, exp.start + s * step)
            hi = min(b, exp.start + (s + 1) * step)
            if hi <= lo:
                break
            weighted[s] += p.v * (hi - lo)
            covered[s] += hi - lo
            parts[s] += 1
            est[s] = est[s] or p.est
            if lo == exp.start + s * step and hi - lo == step and a == lo:
                exact[s] = True
            s += 1
    exp.values = [weighted[s] / covered[s] if covered[s] else None for s in range(n)]
    exp.est = est
    exp.rep = [exp.values[s] is not None and not (exact[s] and parts[s] == 1) for s in range(n)]
    if sum(exp.rep):
        exp.repairs["resampled"] = sum(exp.rep)
    return fill(exp, [None] * n, None, None)


def time_weighted_mean(points, hold):
    """The mean over time of the raw step function in which each value holds until the next
    timestamp, at most `hold` seconds (no slots involved)."""
    pts = sorted({p.t: p for p in points}.values(), key=lambda p: p.t)
    num = den = 0.0
    for i, p in enumerate(pts):
        nxt = pts[i + 1].t if i + 1 < len(pts) else p.t + hold
        dur = min(nxt - p.t, hold)
        num += p.v * dur
        den += dur
    return num / den


# --------------------------------------------------------------------------------------------
# Driving the binary


class Binary:
    def __init__(self, path, scratch):
        self.path = path
        self.scratch = scratch
        self.n = 0

    def run(self, *args):
        return subprocess.run([self.path, *args], capture_output=True, text=True, timeout=300)

    def new_store(self):
        self.n += 1
        return os.path.join(self.scratch, f"store{self.n}.h5")

    def show(self, store, zone, year=None):
        args = ["grids", "show", store, zone, "--json"]
        if year is not None:
            args += ["--year", str(year)]
        r = self.run(*args)
        if r.returncode != 0:
            raise AssertionError(f"`{' '.join(args)}` exited {r.returncode}: {r.stderr.strip()}")
        return json.loads(r.stdout)


SUMS_CACHE = {}


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def folder_sums(folder):
    if folder not in SUMS_CACHE:
        sums = {}
        p = os.path.join(folder, "SHA256SUMS")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) == 2:
                        sums[parts[1].lstrip("*")] = parts[0]
        SUMS_CACHE[folder] = sums
    return SUMS_CACHE[folder]


def import_ok(sim, label, paths, opts, zone, signal, basis, exp, years=(), zone_query=None,
              show_name=None):
    """Imports `paths` into a fresh store and compares what `grids show` reports with `exp`."""
    store = sim.new_store()
    args = ["grids", "import", *paths, "--into", store, "--json", *opts]
    r = sim.run(*args)
    if not R.check(f"{label}: import succeeds", r.returncode == 0,
                   f"exit {r.returncode}: {r.stderr.strip()}" if r.returncode else ""):
        return None
    if exp.error is not None:
        R.check(f"{label}: the independent model agrees the import should succeed", False,
                f"model expected an error at {exp.error['where']}")
        return None
    added = json.loads(r.stdout)
    keys = [(e["zone"], e["signal"], e["basis"], e.get("action")) for e in added]
    R.check(f"{label}: import adds exactly {zone}/{signal}/{basis}",
            keys == [(zone, signal, basis, "added")], f"got {keys}")

    shown = [e for e in sim.show(store, zone_query or zone)
             if (e["zone"], e["signal"], e["basis"]) == (zone, signal, basis)]
    if not R.check(f"{label}: `grids show {zone_query or zone}` lists the series", len(shown) == 1,
                   f"{len(shown)} entries"):
        return None
    got = shown[0]
    R.check(f"{label}: step {fmt_duration(exp.step)}", got["step"] == fmt_duration(exp.step),
            f"got {got['step']}")
    R.check(f"{label}: count {exp.count}", got["count"] == exp.count, f"got {got['count']}")
    R.check(f"{label}: first timestamp {fmt_time(exp.start)}", got["from"] == fmt_time(exp.start),
            f"got {got['from']}")
    last = exp.end() - exp.step
    R.check(f"{label}: last timestamp {fmt_time(last)} (to = {fmt_time(exp.end())})",
            got["to"] == fmt_time(exp.end()), f"got to {got['to']}")
    R.check(f"{label}: repairs {exp.repairs or '{}'}", got["repairs"] == exp.repairs,
            f"got {got['repairs']}")

    # Provenance: every raw file, by name and SHA-256 of its bytes.
    # (Two sources may use the same file name: compare as a multiset of (name, sha256).)
    want = sorted((os.path.basename(p), sha256_of(p)) for p in paths)
    have = sorted((f["name"], f["sha256"]) for f in got["files"])
    R.check(f"{label}: files carry the SHA-256 of the raw files ({len(want)})", have == want,
            f"got {have}, want {want}")
    for p in paths:
        listed = folder_sums(os.path.dirname(p)).get(os.path.basename(p))
        R.check(f"{label}: {os.path.basename(p)} matches its folder's SHA256SUMS",
                listed == sha256_of(p), f"listed {listed}")

    compare_stats(f"{label}: whole series", got["stats"], exp.stats())
    for y in years:
        entries = [e for e in sim.show(store, zone_query or zone, y)
                   if (e["zone"], e["signal"], e["basis"]) == (zone, signal, basis)]
        if R.check(f"{label}: show --year {y} has the series", len(entries) == 1,
                   f"{len(entries)} entries"):
            compare_stats(f"{label}: year {y}", entries[0]["stats"], exp.stats(y))
    return got


def compare_stats(label, got, want):
    R.check(f"{label} count {want['count']}, {want['from']} .. {want['to']}",
            (got["count"], got["from"], got["to"]) == (want["count"], want["from"], want["to"]),
            f"got {got['count']}, {got['from']} .. {got['to']}")
    R.check(f"{label} mean {want['mean']:.6f}", close(got["mean"], want["mean"]),
            f"got {got['mean']:.9f}, want {want['mean']:.9f}")
    R.check(f"{label} min/max {want['min']:.4f}/{want['max']:.4f}",
            close(got["min"], want["min"]) and close(got["max"], want["max"]),
            f"got {got['min']}/{got['max']}")
    R.check(f"{label} estimated/repaired share {want['estimated_share']:.6f}/"
            f"{want['repaired_share']:.6f}",
            close(got["estimated_share"], want["estimated_share"], abs_tol=1e-12)
            and close(got["repaired_share"], want["repaired_share"], abs_tol=1e-12),
            f"got {got['estimated_share']}/{got['repaired_share']}")


def import_fails(sim, label, paths, opts, needles):
    """The import must fail (exit 1), leave no store, and say `needles` (file:line, ...)."""
    store = sim.new_store()
    r = sim.run("grids", "import", *paths, "--into", store, *opts)
    msg = r.stderr.strip().replace("\n", " | ")
    R.check(f"{label}: import fails with exit 1", r.returncode == 1,
            f"exit {r.returncode}; stderr: {msg}" if r.returncode != 1 else msg)
    for n in needles:
        R.check(f"{label}: message names {n!r}", n in r.stderr, f"stderr: {msg}")
    R.check(f"{label}: no store written", not os.path.exists(store))


def expect_error(sim, label, paths, opts, exp, kind):
    """A failing import whose expected message (file:line, gap length, ...) the model computed."""
    if not R.check(f"{label}: the independent model expects a {kind} error",
                   exp.error is not None and exp.error["kind"] == kind,
                   f"model: {exp.error}"):
        return
    import_fails(sim, label, paths, opts, exp.error["needles"])


# --------------------------------------------------------------------------------------------
# Families

# Electricity Maps export columns, as written in each family's header.
EM_LCA = "Carbon Intensity gCO₂eq/kWh (LCA)"
EM_DIRECT = "Carbon Intensity gCO₂eq/kWh (direct)"


def em_points(paths, value_col, layout="%Y-%m-%d %H:%M:%S", time_col="Datetime (UTC)",
              zone_col="Zone Id", est_col="Data Estimated"):
    pts, zones = [], set()
    for p in paths:
        a, z = read_table(p, time_col, value_col, layout, est_col=est_col, zone_col=zone_col)
        pts += a
        zones |= z
    assert len(zones) == 1, f"zones {zones}"
    return pts, zones.pop()


def family_green_dcc(sim, data):
    d = os.path.join(data, "green-dcc-electricitymaps")
    # Four years of one zone in one import; the file's Zone Id is DE (file names say DE-LU).
    paths = [os.path.join(d, f"DE-LU_{y}_hourly.csv") for y in range(2021, 2025)]
    pts, zone = em_points(paths, EM_LCA)
    import_ok(sim, "green-dcc DE-LU 2021-2024 (LCA, default basis)", paths, [], zone, "average",
              "lifecycle", build_regular(pts), years=range(2021, 2025))
    # The same with the direct column, files given newest first (order must not matter).
    paths = [os.path.join(d, f"US-CAL-CISO_{y}_hourly.csv") for y in range(2024, 2020, -1)]
    pts, zone = em_points(paths, EM_DIRECT)
    import_ok(sim, "green-dcc US-CAL-CISO 2024..2021 (direct)", paths, ["--basis", "direct"],
              zone, "average", "direct", build_regular(pts), years=range(2021, 2025))


def family_us2023(sim, data):
    d = os.path.join(data, "grid-carbon-intensity-us2023-electricitymaps")
    p = os.path.join(d, "US-MIDW-MISO_2023_hourly.csv")
    pts, zone = em_points([p], EM_DIRECT)
    import_ok(sim, "us2023 US-MIDW-MISO (direct)", [p], ["--basis", "direct"], zone, "average",
              "direct", build_regular(pts), years=[2023])
    # PACW has 24 empty CI cells in a row (2023-09-06 07:00 .. 09-07 06:00 UTC).
    p = os.path.join(d, "US-NW-PACW_2023_hourly.csv")
    pts, zone = em_points([p], EM_LCA)
    expect_error(sim, "us2023 US-NW-PACW default (empty cells)", [p], [], build_regular(pts), "gap")
    expect_error(sim, "us2023 US-NW-PACW --max-gap 12h", [p],
                 ["--gaps", "interpolate", "--max-gap", "12h"],
                 build_regular(pts, gaps="interpolate", max_gap=12 * HOUR), "max_gap")
    import_ok(sim, "us2023 US-NW-PACW --gaps interpolate --max-gap 1d", [p],
              ["--gaps", "interpolate", "--max-gap", "1d"], zone, "average", "lifecycle",
              build_regular(pts, gaps="interpolate", max_gap=86400), years=[2023])


def family_decarbonization(sim, data):
    d = os.path.join(data, "decarbonization-potential-electricitymaps")
    paths = [os.path.join(d, f"NO_{y}_hourly.csv") for y in (2021, 2022, 2023)]
    pts, zone = em_points(paths, EM_LCA)
    import_ok(sim, "decarbonization NO 2021-2023 (LCA)", paths, [], zone, "average", "lifecycle",
              build_regular(pts), years=(2021, 2022, 2023))
    paths = [os.path.join(d, f"ES_{y}_hourly.csv") for y in (2021, 2022, 2023)]
    pts, zone = em_points(paths, EM_DIRECT)
    import_ok(sim, "decarbonization ES 2021-2023 (direct)", paths, ["--basis", "direct"], zone,
              "average", "direct", build_regular(pts), years=(2021, 2022, 2023))
    # Two downloads of the same zone and year (green-dcc and this study) under the same file
    # name disagree on most hours: the default refuses naming both rows; keep-last takes the
    # second file's values for the differing hours (identical hours count as plain duplicates).
    paths = [os.path.join(data, "green-dcc-electricitymaps", "US-CAL-CISO_2023_hourly.csv"),
             os.path.join(d, "US-CAL-CISO_2023_hourly.csv")]
    pts, zone = em_points(paths, EM_LCA)
    expect_error(sim, "US-CAL-CISO 2023 green-dcc + decarbonization (overlap)", paths, [],
                 build_regular(pts), "overlap")
    import_ok(sim, "US-CAL-CISO 2023 green-dcc + decarbonization --duplicates keep-last", paths,
              ["--duplicates", "keep-last"], zone, "average", "lifecycle",
              build_regular(pts, duplicates="keep-last"), years=[2023])


def family_ch(sim, data):
    # The newer export header: lower-case words and "(Life cycle)" instead of "(LCA)".
    d = os.path.join(data, "carbon-aware-pricing-ch-electricitymaps")
    paths = [os.path.join(d, f"CH_{y}_hourly.csv") for y in range(2021, 2025)]
    pts, zone = em_points(paths, "Carbon intensity gCO₂eq/kWh (Life cycle)", zone_col="Zone id",
                          est_col="Data estimated")
    import_ok(sim, "carbon-aware-pricing CH 2021-2024 (Life cycle)", paths, [], zone, "average",
              "lifecycle", build_regular(pts), years=range(2021, 2025))
    p = os.path.join(d, "CH_2022_hourly.csv")
    pts, zone = em_points([p], "Carbon intensity gCO₂eq/kWh (direct)", zone_col="Zone id",
                          est_col="Data estimated")
    import_ok(sim, "carbon-aware-pricing CH 2022 (direct)", [p], ["--basis", "direct"], zone,
              "average", "direct", build_regular(pts), years=[2022])


def family_kiss(sim, data):
    # Spreadsheet round trip: "gCO2eq" without the subscript, day-first DD/MM/YYYY HH:MM dates,
    # FALSE/TRUE flags.
    p = os.path.join(data, "k-iss-fr-electricitymaps", "FR_2022_hourly.csv")
    for basis, col, opts in (("lifecycle", "Carbon Intensity gCO2eq/kWh (LCA)", []),
                             ("direct", "Carbon Intensity gCO2eq/kWh (direct)",
                              ["--basis", "direct"])):
        pts, zone = em_points([p], col, layout="%d/%m/%Y %H:%M")
        import_ok(sim, f"k-iss FR 2022 day-first ({basis})", [p], opts, zone, "average", basis,
                  build_regular(pts), years=[2022])


def family_carbonsim(sim, data):
    # Electricity Maps API history: datetime,carbonIntensity,isEstimated,estimationMethod with
    # ISO-8601 "Z" times; no zone in the file; one ~8-day gap where the poller stopped.
    d = os.path.join(data, "carbonsim-eu2024-electricitymaps")
    p = os.path.join(d, "FR.csv")
    import_fails(sim, "carbonsim FR without --zone", [p], [], ["FR.csv", "--zone"])
    for zone in ("FR", "IE"):
        p = os.path.join(d, f"{zone}.csv")
        pts, _ = read_table(p, "datetime", "carbonIntensity", "%Y-%m-%dT%H:%M:%S.%fZ",
                            est_col="isEstimated")
        expect_error(sim, f"carbonsim {zone} default (8-day gap)", [p], ["--zone", zone],
                     build_regular(pts), "gap")
        expect_error(sim, f"carbonsim {zone} --max-gap 1d", [p],
                     ["--zone", zone, "--gaps", "interpolate", "--max-gap", "1d"],
                     build_regular(pts, gaps="interpolate", max_gap=86400), "max_gap")
        # The interpolated values are computed here with the same linear rule, so the 1e-6
        # tolerance still applies. All values lie in 2024 (Jun-Nov): no full year to average.
        import_ok(sim, f"carbonsim {zone} --gaps interpolate", [p],
                  ["--zone", zone, "--gaps", "interpolate"], zone, "average", "lifecycle",
                  build_regular(pts, gaps="interpolate"), years=[2024])


def generic_opts(time_col, value_col, zone, extra=()):
    return ["--format", "generic", "--time-column", time_col, "--value-column", value_col,
            "--zone", zone, *extra]


def family_carboncast(sim, data):
    # Generic reader; the time layout varies by file (see carboncast/PROVENANCE.md).
    d = os.path.join(data, "carboncast")
    cases = [
        ("CISO_lifecycle_emissions.csv", "US-CAL-CISO", "%m/%d/%Y %H:%M:%S",
         ["--time-format", "%m/%d/%Y %H:%M:%S", "--basis", "lifecycle"], "lifecycle"),
        ("DE_direct_emissions.csv", "DE", "%Y-%m-%d %H:%M:%S%z", [], "direct"),
        ("SE_direct_emissions.csv", "SE", "%Y-%m-%d %H:%M:%S", [], "direct"),
    ]
    for fname, zone, layout, extra, basis in cases:
        p = os.path.join(d, fname)
        pts, _ = read_table(p, "UTC time", "carbon_intensity", layout)
        import_ok(sim, f"carboncast {fname}", [p],
                  generic_opts("UTC time", "carbon_intensity", zone, extra), zone, "average",
                  basis, build_regular(pts), years=(2020, 2021))


def family_sustaindc(sim, data):
    d = os.path.join(data, "sustaindc-dc-rl-eia930")
    layout = "%Y-%m-%d %H:%M:%S%z"
    p = os.path.join(d, "AZPS_NG_&_avgCI.csv")
    pts, _ = read_table(p, "timestamp", "avg_CI", layout)
    opts = generic_opts("timestamp", "avg_CI", "US-SW-AZPS", ["--basis", "lifecycle"])
    import_ok(sim, "sustaindc AZPS 2022", [p], opts, "US-SW-AZPS", "average", "lifecycle",
              build_regular(pts), years=[2022])
    # PJM: 23 empty avg_CI cells (a 22-hour run and one single hour).
    p = os.path.join(d, "PJM_NG_&_avgCI.csv")
    pts, _ = read_table(p, "timestamp", "avg_CI", layout)
    opts = generic_opts("timestamp", "avg_CI", "US-MIDA-PJM", ["--basis", "lifecycle"])
    expect_error(sim, "sustaindc PJM default (empty cells)", [p], opts, build_regular(pts), "gap")
    import_ok(sim, "sustaindc PJM --gaps interpolate --max-gap 1d", [p],
              opts + ["--gaps", "interpolate", "--max-gap", "1d"], "US-MIDA-PJM", "average",
              "lifecycle", build_regular(pts, gaps="interpolate", max_gap=86400), years=[2022])


def family_eirgrid(sim, data):
    # 2021: few gaps. Local Irish time; ~968 repeated rows; the spring-forward hour as 4 empty
    # rows; the autumn repeated hour present once (so a 1 h gap in UTC).
    p = os.path.join(data, "eirgrid-smartgriddashboard", "ROI_co2intensity_21_Eirgrid.csv")
    pts, dups, dst, ambiguous = read_eirgrid(p)
    R.check("eirgrid 2021 raw: autumn hour present once (4 ambiguous rows), 4 spring rows empty",
            ambiguous == 4 and dst == 4, f"ambiguous {ambiguous}, spring {dst}, repeats {dups}")
    # read_eirgrid() already dropped the repeats (de-duplicating on the local text) and the
    # empty spring-forward rows; the binary must count both.
    expect_error(sim, "eirgrid 2021 default (gaps)", [p], [], build_regular(pts), "gap")
    expect_error(sim, "eirgrid 2021 --max-gap 30min", [p],
                 ["--gaps", "interpolate", "--max-gap", "30min"],
                 build_regular(pts, gaps="interpolate", max_gap=1800), "max_gap")
    exp = build_regular(pts, gaps="interpolate", max_gap=2 * HOUR,
                        repairs={"duplicates_dropped": dups, "dst_nonexistent_rows_dropped": dst})
    import_ok(sim, "eirgrid 2021 --gaps interpolate --max-gap 2h", [p],
              ["--gaps", "interpolate", "--max-gap", "2h"], "IE", "average", "direct", exp,
              years=[2021])
    # 2021 + 2022 in one import: the 2021 file runs ~22 h into 2022, so the files overlap; the
    # overlap is identical and dropped. 2022 has longer holes (up to 7 h 15 min): no --max-gap.
    paths = [p, os.path.join(data, "eirgrid-smartgriddashboard", "ROI_co2intensity_22_Eirgrid.csv")]
    pts2, dups2, dst2, _ = read_eirgrid(paths[1])
    exp = build_regular(pts + pts2, gaps="interpolate",
                        repairs={"duplicates_dropped": dups + dups2,
                                 "dst_nonexistent_rows_dropped": dst + dst2})
    import_ok(sim, "eirgrid 2021+2022 --gaps interpolate", paths, ["--gaps", "interpolate"], "IE",
              "average", "direct", exp, years=[2021, 2022])


def family_watttime(sim, data):
    # vessim: 5-min MOER in lbs/MWh, header "oootime,Caiso_North"; keyed by the BA name.
    p = os.path.join(data, "vessim-watttime", "watttime_example.csv")
    pts, _ = read_table(p, "oootime", "Caiso_North", "%Y-%m-%d %H:%M:%S", factor=LBS_PER_MWH)
    import_ok(sim, "vessim WattTime CAISO_NORTH (auto-detected)", [p], [], "CAISO_NORTH",
              "marginal", "direct", build_regular(pts), years=[2023])
    # caslb: hourly mean MOER column of a wide Electricity Maps export, via the generic reader.
    p = os.path.join(data, "caslb-experiments-electricitymaps-watttime", "us-west-2.csv")
    layout = "%Y-%m-%d %H:%M:%S%z"
    pts, _ = read_table(p, "datetime", "marginal_carbon_avg", layout, factor=LBS_PER_MWH)
    import_ok(sim, "caslb us-west-2 marginal_carbon_avg (PACW, lbs/MWh)", [p],
              generic_opts("datetime", "marginal_carbon_avg", "PACW",
                           ["--unit", "lbs/MWh", "--signal", "marginal"]),
              "PACW", "marginal", "direct", build_regular(pts), years=[2022])
    pts, _ = read_table(p, "datetime", "carbon_intensity_avg", layout)
    import_ok(sim, "caslb us-west-2 carbon_intensity_avg (US-NW-PACW)", [p],
              generic_opts("datetime", "carbon_intensity_avg", "US-NW-PACW",
                           ["--basis", "lifecycle"]),
              "US-NW-PACW", "average", "lifecycle", build_regular(pts), years=[2022])


def family_lets_wait_awhile(sim, data):
    d = os.path.join(data, "lets-wait-awhile")
    layout = "%Y-%m-%d %H:%M:%S"  # naive; taken as UTC (PROVENANCE: "assume UTC")

    # gb_ci.csv: 30-min steps with 15-min stretches.
    p = os.path.join(d, "gb_ci.csv")
    pts, _ = read_table(p, "Time", "Carbon Intensity", layout)
    opts = generic_opts("Time", "Carbon Intensity", "GB", ["--basis", "lifecycle"])
    expect_error(sim, "lets-wait-awhile gb default (mixed steps)", [p], opts, build_regular(pts),
                 "step")
    exp = build_resampled(pts, 1800)
    got = import_ok(sim, "lets-wait-awhile gb --resample 30min", [p],
                    opts + ["--resample", "30min"], "GB", "average", "lifecycle", exp,
                    years=[2020])
    if got is not None:
        twm = time_weighted_mean(pts, 1800)
        # Slots are equal in length, so the mean of the resampled values is its time-weighted
        # mean; it must equal the raw step function's, computed here without any slots.
        R.check(f"lets-wait-awhile gb: time-weighted mean preserved {twm:.6f}",
                close(got["stats"]["mean"], twm),
                f"got {got['stats']['mean']:.9f}, want {twm:.9f}")

    # ger_ci.csv: 15-min, with two 30-min steps (one missing value each).
    p = os.path.join(d, "ger_ci.csv")
    pts, _ = read_table(p, "Time", "Carbon Intensity", layout)
    opts = generic_opts("Time", "Carbon Intensity", "DE", ["--basis", "lifecycle"])
    expect_error(sim, "lets-wait-awhile ger default (missing 15-min values)", [p], opts,
                 build_regular(pts), "gap")
    import_ok(sim, "lets-wait-awhile ger --gaps interpolate --max-gap 15min", [p],
              opts + ["--gaps", "interpolate", "--max-gap", "15min"], "DE", "average",
              "lifecycle", build_regular(pts, gaps="interpolate", max_gap=900), years=[2020])

    # fr_ci.csv: regular 30 min.
    p = os.path.join(d, "fr_ci.csv")
    pts, _ = read_table(p, "Time", "Carbon Intensity", layout)
    opts = generic_opts("Time", "Carbon Intensity", "FR", ["--basis", "lifecycle"])
    import_ok(sim, "lets-wait-awhile fr", [p], opts, "FR", "average", "lifecycle",
              build_regular(pts), years=[2020])


FAMILIES = [
    ("green-dcc-electricitymaps", family_green_dcc),
    ("grid-carbon-intensity-us2023-electricitymaps", family_us2023),
    ("decarbonization-potential-electricitymaps", family_decarbonization),
    ("carbon-aware-pricing-ch-electricitymaps", family_ch),
    ("k-iss-fr-electricitymaps", family_kiss),
    ("carbonsim-eu2024-electricitymaps", family_carbonsim),
    ("carboncast", family_carboncast),
    ("sustaindc-dc-rl-eia930", family_sustaindc),
    ("eirgrid-smartgriddashboard", family_eirgrid),
    ("vessim-watttime", family_watttime),  # also reads caslb-experiments-electricitymaps-watttime
    ("lets-wait-awhile", family_lets_wait_awhile),
]


def main():
    if len(sys.argv) != 2:
        print("usage: test_real_data.py PATH_TO_SHIFTSIM", file=sys.stderr)
        return 2
    data = os.environ.get("SHIFTSIM_DATA", "")
    if not data:
        print(SKIP_MESSAGE)
        return 77
    data = os.path.abspath(data)
    binary = os.path.abspath(sys.argv[1])
    if not os.path.isdir(data):
        print(f"SHIFTSIM_DATA={data} is not a folder")
        print("0 passed, 1 failed")
        return 1
    if not os.access(binary, os.X_OK):
        print(f"{binary} is not an executable shiftsim binary")
        print("0 passed, 1 failed")
        return 1
    with tempfile.TemporaryDirectory(prefix="shiftsim-real-data-") as scratch:
        sim = Binary(binary, scratch)
        for folder, fn in FAMILIES:
            if not R.check(f"{folder}: folder present", os.path.isdir(os.path.join(data, folder))):
                continue
            try:
                fn(sim, data)
            except Exception as e:  # a broken expectation or an unreadable file: report, go on
                R.check(f"{folder}: checks ran to the end", False, f"{type(e).__name__}: {e}")
    print(f"{R.passed} passed, {R.failed} failed")
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
