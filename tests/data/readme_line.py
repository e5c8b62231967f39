"""Running one of the README's commands as written, for the tests that check a README chain
(test_real_chain.py, test_real_sgip.py): the command is the line after its marker ("# real
data", "# sgip"), run with bash -euo pipefail in a scratch folder that mirrors what it uses of
the repository root (the binary at build/release/shiftsim, the experiment file,
analysis/ when the command draws figures)."""
import os
import shutil
import subprocess

SOURCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def command_after(marker):
    """The README's line after `marker`, or None when the README has no such marker."""
    with open(os.path.join(SOURCE, "README.md"), encoding="utf-8") as f:
        lines = f.read().splitlines()
    return lines[lines.index(marker) + 1] if marker in lines else None


def run_in_scratch(tmp, binary, command, experiment, with_analysis=False):
    """Lays out `tmp` like the repository root for `command` and runs it there."""
    build = os.path.join(tmp, "build", "release")
    os.makedirs(build)
    os.symlink(os.path.abspath(binary), os.path.join(build, "shiftsim"))
    os.makedirs(os.path.join(tmp, "experiments"))
    shutil.copy(os.path.join(SOURCE, "experiments", experiment), os.path.join(tmp, "experiments"))
    if with_analysis:
        os.symlink(os.path.join(SOURCE, "analysis"), os.path.join(tmp, "analysis"))
    r = subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=tmp,
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
    return r


def preflight(argv, doc, modules):
    """What both chain tests check first: one argument (the binary), SHIFTSIM_DATA set, the Python
    modules importable. Returns (data folder, None) to go on, or (None, exit code): 2 for usage,
    77 (CTest's skip) for missing data or modules, after saying why."""
    import importlib
    if len(argv) != 2:
        print(doc)
        return None, 2
    data = os.environ.get("SHIFTSIM_DATA")
    if not data:
        print("skipped: SHIFTSIM_DATA is unset (set it to a folder of real data, e.g. ../shared/data)")
        return None, 77
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as e:
            print(f"skipped: {e} (Debian: {' '.join('python3-' + m for m in modules)})")
            return None, 77
    return data, None
