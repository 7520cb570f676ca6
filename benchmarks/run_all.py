"""All sc2d benchmarks of issue #9 in one script, each as a ratio to a baseline.

Run::

    python benchmarks/run_all.py            # full sizes, a few minutes on 2 cores
    python benchmarks/run_all.py --quick    # quarter-size data, < 1 min
    python benchmarks/run_all.py --json out.json   # also write the numbers

Every timing is the best of ``--repeat`` runs (the end-to-end ``sc2d tc``
and its baseline: at least 10, taking turns) and every case is divided by a
baseline measured in the same run on the same machine (the house rule: the
machine is shared, absolute seconds are noise, ratios are not).

Data (written to a temporary folder with :mod:`sc2d.simulate`, never shipped):

- ``rt_field.csv``: a stepped-field R(T) family of sample S3 of the paper
  set, 400 field steps x 5,000 T points = 2M rows (``--quick``: 100 x 5,000)
  in K/T/Ohm, written by :func:`sc2d.simulate.writers.write_csv`;
  1/16 and 1/4 of it (the first curves) for the time-versus-size check;
- ``iv.csv``: 200 I-V curves (S3, 0.02-0.20 K, 480 points each);
- ``set24/samples.toml``: the ``sc2d simulate paper`` set written with three
  seeds (S1..S6, S110, S111 each), 24 samples in one TOML
  (``--quick``: one seed, 8 samples).

Cases and baselines:

========================  ==========================================  =========
case                      baseline (same run)                         target
========================  ==========================================  =========
parse (sc2d.io.read)      ``pandas.read_csv`` (default engine)        info
sc2d tc end to end        ``python -c "import pandas; read_csv(F)"``  <= 1.2x
sc2d tc imports (CSV)     -                                          no pandas/scipy
tc analysis (in-process)  bare per-curve ``np.interp`` crossing       info
alpha(T), 200 I-V         per-curve ``np.polyfit`` of ln V vs ln I    info
Hc2 points, 400 curves    bare per-curve ``np.interp`` crossing       info
sc2d report --workers 2   the same report serial                      <= 0.75x
time vs size 1x/4x/16x    time per row at 4x                          16x <= 1.3x
peak memory sc2d tc       raw table (DataFrame bytes)                 < 3x
start-up sc2d vdp         ``python -c pass``                          no matplotlib
========================  ==========================================  =========
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PY = sys.executable
SC2D = [PY, "-m", "sc2d"]
ENV = {**os.environ, "PYTHONWARNINGS": "ignore"}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def best_of(fn, repeat: int) -> float:
    """Best wall time (s) of ``repeat`` calls of ``fn()``."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def run_cmd(cmd: list[str], repeat: int, **kw) -> float:
    """Best wall time of a subprocess (output discarded; a failure raises)."""

    def go() -> None:
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, **kw
        )

    return best_of(go, repeat)


def run_interleaved(cmds: list[list[str]], repeat: int) -> list[float]:
    """Best wall time of each subprocess, the commands run in turn ``repeat`` times.

    Taking turns (a, b, a, b, ...) rather than a block of each exposes the
    case and its baseline to the same moments of a shared machine's load.
    """
    best = [float("inf")] * len(cmds)
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            best[i] = min(best[i], run_cmd(cmd, 1))
    return best


_RSS_LAUNCHER = (
    "import resource, subprocess, sys; "
    "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
    ".returncode; "
    "print(rc, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def max_rss_mb(cmd: list[str]) -> float:
    """Peak resident set size (MB) of a subprocess.

    Run through a small launcher process: on Linux a child's ru_maxrss starts
    at its parent's RSS at fork time, and this script holds the data frames.
    """
    p = subprocess.run([PY, "-c", _RSS_LAUNCHER, *cmd], capture_output=True, text=True, env=ENV)
    rc, kb = p.stdout.split()
    if int(rc) != 0:
        raise RuntimeError(f"{cmd} failed")
    return int(kb) / 1024.0  # KB on Linux


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for ln in Path("/proc/cpuinfo").read_text().splitlines():
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024**2:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import pandas

    try:
        import pyarrow

        pa = pyarrow.__version__
    except ImportError:
        pa = "absent"
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, pandas {pandas.__version__}, pyarrow {pa}"
    )


class Table:
    """The summary table: case | sc2d | baseline | ratio | target | pass."""

    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, case, t, base, target, ok, unit="s", ratio=None, note=""):
        ratio = (t / base) if ratio is None and base else ratio
        self.rows.append(
            dict(
                case=case,
                sc2d=t,
                baseline=base,
                ratio=ratio,
                target=target,
                ok=ok,
                unit=unit,
                note=note,
            )
        )
        self._print_row(self.rows[-1])

    @staticmethod
    def _fmt(v, unit):
        if v is None:
            return "-"
        if unit == "s":
            return f"{v:.3f} s"
        return f"{v:.0f} {unit}"

    def _print_row(self, r) -> None:
        ok = {True: "PASS", False: "FAIL", None: "info"}[r["ok"]]
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        print(
            f"  {r['case']:<44} {self._fmt(r['sc2d'], r['unit']):>10} "
            f"{self._fmt(r['baseline'], r['unit']):>10} {ratio:>8}  {r['target']:<16} {ok}"
            + (f"  ({r['note']})" if r["note"] else ""),
            flush=True,
        )

    def markdown(self) -> str:
        out = [
            "| case | sc2d | baseline | ratio | target | result |",
            "|---|---:|---:|---:|---|---|",
        ]
        for r in self.rows:
            ok = {True: "pass", False: "**FAIL**", None: "info"}[r["ok"]]
            ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
            case = r["case"] + (f" ({r['note']})" if r["note"] else "")
            out.append(
                f"| {case} | {self._fmt(r['sc2d'], r['unit'])} | "
                f"{self._fmt(r['baseline'], r['unit'])} | {ratio} | {r['target']} | {ok} |"
            )
        return "\n".join(out)


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
def make_rt_family(root: Path, n_curves: int, n_t: int) -> dict[str, Path]:
    """400 x 5000 stepped-field R(T) CSV (and its 1/16, 1/4 subsets)."""
    from sc2d.simulate import measure_rt_field
    from sc2d.simulate.paper import paper_samples
    from sc2d.simulate.writers import write_csv

    p = paper_samples()["S3"]
    fields = np.linspace(0.0, 1.1 * p.hc2_perp0, n_curves)
    t = np.linspace(0.4, 0.02, n_t)
    df = measure_rt_field(p, fields, t, rng=9)
    units = {"T_K": "K", "B_T": "T", "R_ohm": "Ohm"}
    out = {}
    for tag, k in (("1x", n_curves // 16), ("4x", n_curves // 4), ("16x", n_curves)):
        path = root / f"rt_field_{tag}.csv"
        write_csv(df.iloc[: k * n_t], path, units=units)
        out[tag] = path
    return out


def make_iv(root: Path, n_curves: int) -> Path:
    from sc2d.simulate import measure_iv
    from sc2d.simulate.paper import paper_samples
    from sc2d.simulate.writers import write_csv

    p = paper_samples()["S3"]
    # default 0.2% T setpoint scatter: the 0.9 mK steps of 200 curves are closer
    # than the scatter; load_curves separates them by the sweep restarts
    df = measure_iv(p, np.linspace(0.02, 0.20, n_curves), rng=3)
    path = root / "iv.csv"
    write_csv(df, path, units={"T_K": "K", "I_A": "A", "V_V": "V"})
    return path


def make_sample_set(root: Path, seeds: list[int]) -> tuple[Path, int]:
    """The paper set written with several seeds, all samples in one TOML."""
    import tomllib

    from sc2d.simulate.paper import write_paper

    set_dir = root / "set"
    lines = [
        'title = "benchmark sample set"',
        "normal_at_K = 0.4",
        "criterion = 0.5",
    ]
    n = 0
    for seed in seeds:
        sub = f"seed{seed}"
        write_paper(set_dir / sub, seed=seed)
        cfg = tomllib.loads((set_dir / sub / "samples.toml").read_text())
        for s in cfg["samples"]:
            lines += ["", "[[samples]]"]
            for k, v in s.items():
                if k == "name":
                    v = f"{v}_{sub}"
                elif isinstance(v, str) and k not in ("orientation", "notes"):
                    v = f"{sub}/{v}"
                lines.append(f"{k} = {json.dumps(v)}")
            n += 1
    toml = set_dir / "samples.toml"
    toml.write_text("\n".join(lines) + "\n")
    return toml, n


# --------------------------------------------------------------------------
# bare baselines (the least work any implementation must do)
# --------------------------------------------------------------------------
def bare_crossings(curves, frac: float = 0.5) -> np.ndarray:
    """Per-curve: sort, R_N = median of the top 5% of T, linear interpolation at frac R_N."""
    out = np.empty(len(curves))
    for i, c in enumerate(curves):
        o = np.argsort(c.x)
        t, r = c.x[o], c.y[o]
        rn = np.median(r[-max(5, t.size // 20) :])
        k = int(np.argmax(r >= frac * rn))  # first point (from low T) above the level
        if k == 0:
            out[i] = np.nan
            continue
        y0, y1 = r[k - 1] - frac * rn, r[k] - frac * rn
        out[i] = t[k - 1] + (t[k] - t[k - 1]) * (-y0) / (y1 - y0)
    return out


def bare_power_laws(curves) -> np.ndarray:
    """Per-curve np.polyfit of ln V against ln I on the rising positive branch."""
    out = np.empty(len(curves))
    for i, c in enumerate(curves):
        m = (c.x > 0) & (c.y > 1e-8)
        if m.sum() < 3:
            out[i] = np.nan
            continue
        out[i] = np.polyfit(np.log(c.x[m]), np.log(c.y[m]), 1)[0]
    return out


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------
def case_parse(tab: Table, path: Path, repeat: int) -> None:
    import pandas as pd

    from sc2d.io import read

    t_pd = best_of(lambda: pd.read_csv(path), repeat)
    t_pa = best_of(lambda: pd.read_csv(path, engine="pyarrow"), repeat)
    t_sc = best_of(lambda: read(path), repeat)
    t_sc_c = best_of(lambda: read(path, engine="c"), repeat)
    tbl = read(path)
    engine = (getattr(tbl, "meta", None) or {}).get("engine", "?")
    # info: pandas' C tokenizer is faster per core than pyarrow's on this
    # file, but `import pandas` costs more than the difference (see tc e2e)
    tab.add(
        "parse: sc2d.io.read vs pandas.read_csv",
        t_sc,
        t_pd,
        "info",
        None,
        note=f"engine {engine}",
    )
    tab.add("parse: sc2d.io.read vs read_csv(pyarrow)", t_sc, t_pa, "<= 1.2x", t_sc / t_pa <= 1.2)
    tab.add(
        "parse: read(engine='c') vs read_csv (C)",
        t_sc_c,
        t_pd,
        "info",
        None,
        note="fallback path: chunked, bounded memory",
    )


#: runs of the end-to-end case and its baseline (in turns; the best counts):
#: a shared machine's load moves single runs by 10-20%, the best of ten by a few %
E2E_REPEAT = 10


def case_tc_e2e(tab: Table, path: Path, repeat: int) -> dict:
    base, t = run_interleaved(
        [
            [PY, "-c", f"import pandas; pandas.read_csv({str(path)!r})"],
            [*SC2D, "tc", str(path), "--json"],
        ],
        max(repeat, E2E_REPEAT),
    )
    tab.add(
        "sc2d tc FILE --json, end to end",
        t,
        base,
        "<= 1.2x",
        t / base <= 1.2,
        note="baseline: python -c 'import pandas; read_csv'",
    )
    mods, cum = imported(["-m", "sc2d", "tc", str(path), "--json"])
    bad = [m for m in ("matplotlib", "pandas", "scipy.ndimage", "scipy.optimize") if m in mods]
    desc = ", ".join(f"{m} {cum[m] * 1e3:.0f} ms" for m in sorted(mods)) or "none"
    tab.add(
        "sc2d tc FILE.csv: heavy imports",
        None,
        None,
        "no pandas/scipy",
        not bad,
        note=f"imports: {desc}",
    )
    return {"tc_s": t, "pandas_s": base, "imports": {m: cum[m] for m in mods}}


def case_tc_inprocess(tab: Table, path: Path, repeat: int) -> dict:
    """Where the tc time goes: read, segmentation, analysis (in-process)."""
    from sc2d.io import load_curves, read
    from sc2d.tasks.tc import tc_file
    from sc2d.transition import tc_family

    table = read(path)
    t_read = best_of(lambda: read(path), repeat)
    t_seg = best_of(lambda: load_curves(table, x="T_K", y="R_ohm"), repeat)
    _, curves = load_curves(table, x="T_K", y="R_ohm")
    t_fam = best_of(lambda: tc_family(curves), repeat)
    t_bare = best_of(lambda: bare_crossings(curves), repeat)
    t_all = best_of(lambda: tc_file(path), repeat)
    tab.add(
        f"tc analysis, {len(curves)} curves (tc_family)",
        t_fam,
        t_bare,
        "info",
        None,
        note="baseline: bare np.interp crossing loop",
    )
    return {
        "read_s": t_read,
        "segment_s": t_seg,
        "tc_family_s": t_fam,
        "tc_file_s": t_all,
        "n_curves": len(curves),
    }


def case_iv(tab: Table, path: Path, repeat: int) -> dict:
    from sc2d.bkt import iv_family
    from sc2d.io import load_curves
    from sc2d.tasks.iv import iv_file

    _, curves = load_curves(path, x="I_A", y="V_V")
    t_fam = best_of(lambda: iv_family(curves), repeat)
    t_bare = best_of(lambda: bare_power_laws(curves), repeat)
    t_file = best_of(lambda: iv_file(path), repeat)
    tab.add(
        f"alpha(T): iv_family, {len(curves)} I-V curves",
        t_fam,
        t_bare,
        "info",
        None,
        note="baseline: per-curve np.polyfit",
    )
    return {"iv_family_s": t_fam, "iv_file_s": t_file, "bare_s": t_bare, "n_curves": len(curves)}


def case_hc2(tab: Table, path: Path, repeat: int) -> dict:
    from sc2d.fields import hc2_points_from_rt
    from sc2d.io import load_curves

    _, curves = load_curves(path, x="T_K", y="R_ohm")
    t_pts = best_of(lambda: hc2_points_from_rt(curves), repeat)
    t_bare = best_of(lambda: bare_crossings(curves), repeat)
    tab.add(
        f"Hc2 points: hc2_points_from_rt, {len(curves)} curves",
        t_pts,
        t_bare,
        "info",
        None,
        note="baseline: bare np.interp crossing loop",
    )
    return {"hc2_points_s": t_pts, "bare_s": t_bare, "n_curves": len(curves)}


def case_report(tab: Table, toml: Path, n_samples: int, root: Path, repeat: int) -> dict:
    """`sc2d report` serial vs --workers 2 (CLI, --json for the stage timings)."""
    times: dict[int, float] = {}
    stages: dict[int, dict] = {}
    blobs = {}
    for workers in (1, 2):
        best = float("inf")
        for k in range(repeat):
            out = root / f"report_w{workers}_{k}"
            cmd = [*SC2D, "report", str(toml), "--out", str(out), "--workers", str(workers)]
            t0 = time.perf_counter()
            p = subprocess.run(
                [*cmd, "--json"], check=True, capture_output=True, text=True, env=ENV
            )
            dt = time.perf_counter() - t0
            if dt < best:
                best = dt
                try:
                    d = json.loads(p.stdout)
                    stages[workers] = d.get("timings_s", d.get("timings", {}))
                except (json.JSONDecodeError, AttributeError):
                    stages[workers] = {}
            blobs[workers] = (out / "results.json").read_bytes()
        times[workers] = best
    same = blobs[1] == blobs[2]
    r = times[2] / times[1]
    tab.add(
        f"sc2d report, {n_samples} samples, --workers 2",
        times[2],
        times[1],
        "<= 0.75x",
        r <= 0.75,
        note=f"baseline: serial; results.json identical: {same}",
    )
    for w in (1, 2):
        st = ", ".join(
            f"{k} {v:.2f} s" for k, v in stages.get(w, {}).items() if isinstance(v, (int, float))
        )
        print(f"    report stages, workers {w}: {st or 'n/a'}")
    return {"serial_s": times[1], "workers2_s": times[2], "identical": same, "stages": stages}


def case_scaling(tab: Table, paths: dict[str, Path], n_t: int, n_curves: int, repeat: int) -> dict:
    from sc2d.io import read
    from sc2d.tasks.tc import tc_file

    rows = {}
    print(f"\n  time versus size (in-process, best of {repeat}):")
    print(
        f"  {'size':>5} {'rows':>9} {'read':>8} {'tc_file':>8} {'us/row read':>12} "
        f"{'us/row tc':>10} {'tc per-row vs 4x':>17}"
    )
    for tag, k in (("1x", n_curves // 16), ("4x", n_curves // 4), ("16x", n_curves)):
        n = k * n_t
        tr = best_of(lambda p=paths[tag]: read(p), repeat)
        tt = best_of(lambda p=paths[tag]: tc_file(p), repeat)
        rows[tag] = {"rows": n, "read_s": tr, "tc_s": tt}
    for tag, r in rows.items():
        per = r["tc_s"] / r["rows"]
        rel = per / (rows["4x"]["tc_s"] / rows["4x"]["rows"])
        r["tc_per_row_vs_4x"] = rel
        print(
            f"  {tag:>5} {r['rows']:>9} {r['read_s']:>8.3f} {r['tc_s']:>8.3f} "
            f"{1e6 * r['read_s'] / r['rows']:>12.3f} {1e6 * per:>10.3f} {rel:>16.2f}x"
        )
    rel = rows["16x"]["tc_per_row_vs_4x"]
    tab.add(
        "tc_file time per row, 16x vs 4x (linear)",
        rows["16x"]["tc_s"],
        rows["4x"]["tc_s"] * 4,
        "<= 1.3x",
        rel <= 1.3,
        ratio=rel,
        note="baseline: 4 x the 4x time",
    )
    return rows


def case_memory(tab: Table, path: Path) -> dict:
    """Peak RSS of `sc2d tc` above an import-only process, against the raw table."""
    from sc2d.io import read

    raw = read(path).data
    raw_mb = raw.select_dtypes("number").memory_usage(index=False).sum() / 1024**2
    file_mb = path.stat().st_size / 1024**2
    # what `sc2d tc` imports on a CSV (no pandas, no scipy: see case_startup)
    imports = (
        "import pyarrow, pyarrow.csv, bottleneck, sc2d.cli.tc_cmd, sc2d.tasks.tc, "
        "sc2d.io.text, sc2d.transition"
    )
    rss_imp = min(max_rss_mb([PY, "-c", imports]) for _ in range(2))
    rss_tc = min(max_rss_mb([*SC2D, "tc", str(path), "--json"]) for _ in range(2))
    rss_pd_imp = min(max_rss_mb([PY, "-c", "import pandas"]) for _ in range(2))
    rss_pd = min(
        max_rss_mb([PY, "-c", f"import pandas; pandas.read_csv({str(path)!r})"]) for _ in range(2)
    )
    work = rss_tc - rss_imp
    tab.add(
        "peak memory: sc2d tc (RSS above imports)",
        work,
        raw_mb,
        "< 3x",
        work / raw_mb < 3,
        unit="MB",
        note=f"raw table {raw_mb:.0f} MB, file {file_mb:.0f} MB",
    )
    tab.add(
        "peak memory: pandas.read_csv (RSS above imports)",
        rss_pd - rss_pd_imp,
        raw_mb,
        "info",
        None,
        unit="MB",
    )
    return {
        "raw_table_mb": raw_mb,
        "file_mb": file_mb,
        "rss_imports_mb": rss_imp,
        "rss_tc_mb": rss_tc,
        "rss_pandas_mb": rss_pd,
        "rss_pandas_import_mb": rss_pd_imp,
    }


HEAVY = (
    "matplotlib",
    "scipy.optimize",
    "scipy.ndimage",
    "scipy.interpolate",
    "pandas",
    "pyarrow",
    "dask",
    "xarray",
)


def imported(cmd: list[str]) -> tuple[set[str], dict[str, float]]:
    """Top-level heavy modules a command imports, with their cumulative import time (s)."""
    p = subprocess.run([PY, "-X", "importtime", *cmd], capture_output=True, text=True, env=ENV)
    found: dict[str, float] = {}
    for ln in p.stderr.splitlines():
        m = re.match(r"import time:\s*(\d+) \|\s*(\d+) \|(\s*)(\S+)", ln)
        if not m:
            continue
        name = m.group(4)
        for h in HEAVY:  # the package or any of its submodules (scipy loads lazily)
            if name == h or name.startswith(h + "."):
                found[h] = max(found.get(h, 0.0), int(m.group(2)) / 1e6)
    return set(found), found


def case_startup(tab: Table, repeat: int) -> dict:
    base = run_cmd([PY, "-c", "pass"], repeat)
    out = {}
    for label, args, forbidden in (
        (
            "sc2d vdp --ra 1 --rb 1",
            ["vdp", "--ra", "1", "--rb", "1"],
            ("matplotlib", "scipy.optimize", "pandas", "pyarrow", "scipy.ndimage"),
        ),
        (
            "sc2d tc --help",
            ["tc", "--help"],
            ("matplotlib", "scipy.optimize", "pandas", "pyarrow", "scipy.ndimage"),
        ),
        ("sc2d --help", ["--help"], ("matplotlib", "pandas", "scipy.optimize")),
    ):
        t = run_cmd(SC2D + args, repeat)
        mods, cum = imported(["-m", "sc2d", *args])
        bad = [m for m in forbidden if m in mods]
        desc = ", ".join(f"{m} {cum[m] * 1e3:.0f} ms" for m in sorted(mods)) or "none"
        tab.add(
            f"start-up: {label}",
            t,
            base,
            "no heavy imports",
            not bad,
            note=f"heavy imports: {desc}",
        )
        out[label] = {"s": t, "imports": {m: cum[m] for m in mods}, "bad": bad}
    out["python_pass_s"] = base
    return out


def compile_bytecode() -> None:
    """Compile sc2d's modules to bytecode once, as ``pip install .`` does.

    An editable install (``pip install -e .``) leaves the compilation to the
    first import, and with ``PYTHONDONTWRITEBYTECODE=1`` (set in some
    sandboxes and containers) every start compiles all of sc2d's modules
    again (~0.1 s); pandas, numpy and the other installed packages were
    compiled when pip installed them. Compiling here puts sc2d on the same
    footing as the baselines.
    """
    import compileall

    import sc2d

    pkg = Path(sc2d.__file__).parent
    ok = compileall.compile_dir(str(pkg), quiet=1)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE")
    print(
        f"bytecode of {pkg} compiled ({'ok' if ok else 'with errors'})"
        + (f"; PYTHONDONTWRITEBYTECODE={flag} in this environment" if flag else "")
    )


# --------------------------------------------------------------------------
def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="quarter-size data, one repeat; < 1 min")
    ap.add_argument("--repeat", type=int, default=None, help="best of N (default 3; quick 2)")
    ap.add_argument("--keep", type=Path, default=None, help="write the data here and keep it")
    ap.add_argument("--json", type=Path, default=None, help="also write all numbers as JSON")
    ap.add_argument(
        "--only",
        default="",
        help="comma list of cases: parse,tc,iv,hc2,report,scaling,memory,startup",
    )
    args = ap.parse_args()
    quick = args.quick
    repeat = args.repeat or (2 if quick else 3)
    n_curves, n_t = (100, 5000) if quick else (400, 5000)
    n_iv = 50 if quick else 200
    seeds = [0] if quick else [0, 1, 2]
    only = {s.strip() for s in args.only.split(",") if s.strip()}

    def want(c: str) -> bool:
        return not only or c in only

    print(f"sc2d benchmarks ({'quick' if quick else 'full'}), best of {repeat}")
    print(f"machine: {machine()}")
    compile_bytecode()
    t_start = time.perf_counter()
    tmp = None
    if args.keep:
        root = args.keep
        root.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.mkdtemp(prefix="sc2d-bench-")
        root = Path(tmp)
    results: dict = {"machine": machine(), "quick": quick, "repeat": repeat}
    try:
        t0 = time.perf_counter()
        rt = {}
        if want("parse") or want("tc") or want("hc2") or want("scaling") or want("memory"):
            rt = make_rt_family(root, n_curves, n_t)
        iv = make_iv(root, n_iv) if want("iv") else None
        toml, n_samples = make_sample_set(root, seeds) if want("report") else (None, 0)
        print(f"data written in {time.perf_counter() - t0:.1f} s to {root}")
        if rt:
            big = rt["16x"]
            print(
                f"  R(T) family: {n_curves} curves x {n_t} T = {n_curves * n_t:,} rows, "
                f"{big.stat().st_size / 1e6:.0f} MB"
            )
        print(f"\n  {'case':<44} {'sc2d':>10} {'baseline':>10} {'ratio':>8}  {'target':<16} result")
        tab = Table()
        if want("parse"):
            results["parse"] = case_parse(tab, rt["16x"], repeat)
        if want("tc"):
            results["tc_e2e"] = case_tc_e2e(tab, rt["16x"], repeat)
            results["tc_inprocess"] = case_tc_inprocess(tab, rt["16x"], repeat)
        if want("iv"):
            results["iv"] = case_iv(tab, iv, repeat)
        if want("hc2"):
            results["hc2"] = case_hc2(tab, rt["16x"], repeat)
        if want("memory"):
            results["memory"] = case_memory(tab, rt["16x"])
        if want("startup"):
            results["startup"] = case_startup(tab, max(repeat, 5))
        if want("report"):
            results["report"] = case_report(tab, toml, n_samples, root, 1 if quick else 2)
        if want("scaling"):
            results["scaling"] = case_scaling(tab, rt, n_t, n_curves, repeat)
        if "tc_inprocess" in results:
            d = results["tc_inprocess"]
            print(
                f"\n  sc2d tc in-process breakdown ({d['n_curves']} curves): read "
                f"{d['read_s']:.3f} s, segmentation {d['segment_s']:.3f} s, tc_family "
                f"{d['tc_family_s']:.3f} s, tc_file total {d['tc_file_s']:.3f} s"
            )
            if "tc_e2e" in results:
                e = results["tc_e2e"]
                print(
                    f"  start-up + imports + JSON (e2e - in-process): "
                    f"{e['tc_s'] - d['tc_file_s']:.3f} s"
                )
        print("\n" + tab.markdown())
        results["table"] = tab.rows
        print(f"\ntotal {time.perf_counter() - t_start:.0f} s")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
