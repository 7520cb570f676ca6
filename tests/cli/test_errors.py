"""Every command x every user mistake: one line on stderr, exit 2, never a traceback.

Issue #10 and the DESIGN CLI contract. A user's mistake (missing,
unreadable or binary file, empty file, header only, text in a numeric
column, unknown columns, unknown unit, all-NaN columns, a 5 MB single line,
broken TOML, a TOML naming a missing file, negative or non-numeric
arguments) must end with

- exit status 2,
- exactly ONE non-empty line on stderr, starting with ``sc2d`` and naming
  the file / column / argument at fault,
- no ``Traceback`` anywhere,
- nothing on stdout (so ``--json`` consumers never see partial output).

Most cases run in-process through :func:`sc2d.cli.main` (the console
script's entry point; fast); a handful run the real command in a subprocess
(``python -m sc2d``), including ``--debug``, which must show the traceback.

Also here: physics non-answers are honest (null + flag, or a clear error),
inputs are never modified, ``--out`` refuses a non-empty folder without
``--force``, output is atomic, user text is HTML-escaped in the report, and
no reader unpickles or evaluates anything. the README's "Errors" section lists every
row of the table with the test that exercises it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sc2d.cli import main

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "sc2d"


# --------------------------------------------------------------------------- running
def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``sc2d ARGS`` in-process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code: int = 0
    try:
        main([str(a) for a in args])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


def run_subprocess(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run the real command: ``python -m sc2d ARGS`` (works in any venv)."""
    e = {k: v for k, v in os.environ.items() if k != "SC2D_DEBUG"}
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "sc2d", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=e,
        cwd=cwd,
    )


def assert_user_error(code: int, out: str, err: str, *needles: str, prog: str = "sc2d") -> str:
    """Exit 2, one stderr line starting with ``prog`` and holding every needle, stdout empty."""
    assert "Traceback" not in err + out, f"traceback for a user mistake:\n{err}"
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].strip(), f"stderr is not one line: {err!r}"
    line = lines[0]
    assert line.startswith(prog), f"stderr does not start with {prog!r}: {line!r}"
    assert code == 2, f"exit code {code} (internal error = 3) for a user mistake: {line}"
    assert out == "", f"stdout not empty on error: {out[:200]!r}"
    for n in needles:
        assert n.lower() in line.lower(), f"message does not name {n!r}: {line!r}"
    return line


# --------------------------------------------------------------------------- files
def _simulated(folder: Path) -> dict[str, Path]:
    """Valid small files for every command (forward model, seeded)."""
    from sc2d.simulate import (
        SampleParams,
        measure_gate_rt,
        measure_hall,
        measure_iv,
        measure_rt,
        measure_rt_field,
        solve_tc,
    )
    from sc2d.simulate.writers import write_csv

    p = SampleParams(
        r_n=300.0, tc0=0.19, n_s=7.7e17, t_bkt_iv=0.138, ic0=4e-6, t_stiff=0.19, alpha_width=0.004
    )
    p = solve_tc(p, 0.18, fraction=0.5, t_ref=0.4, vary="scale")
    t = np.linspace(0.05, 0.4, 150)
    f = {
        "rt": folder / "rt.csv",
        "hall": folder / "hall.csv",
        "iv": folder / "iv.csv",
        "perp": folder / "perp.csv",
        "gate": folder / "gate_rt.csv",
    }
    write_csv(measure_rt(p, t, rng=1)[["T_K", "R_ohm"]], f["rt"], units={"T_K": "K"})
    write_csv(measure_hall(p, rng=2, n=41)[["T_K", "B_T", "Rxy_ohm", "R_ohm"]], f["hall"])
    iv = measure_iv(p, [0.05, 0.1, 0.13, 0.14, 0.15, 0.17], rng=3, n=40)
    write_csv(iv[["T_K", "I_A", "V_V"]], f["iv"], units={"I_A": "uA"})
    fam = measure_rt_field(p, [0.0, 0.003, 0.006, 0.009], t, rng=4)
    write_csv(fam[["T_K", "B_T", "R_ohm"]], f["perp"], units={"B_T": "mT"})
    g = measure_gate_rt(p, [-100.0, -50.0, 0.0, 50.0, 100.0], t, rng=5)
    write_csv(g[["Vg_V", "T_K", "R_ohm"]], f["gate"])
    return f


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _simulated(tmp_path_factory.mktemp("good"))


#: command -> (argv before the file, which valid file, the swept column's header)
FILE_COMMANDS: dict[str, tuple[list[str], str]] = {
    "inspect": (["inspect"], "rt"),
    "tc": (["tc"], "rt"),
    "bkt": (["bkt"], "rt"),
    "hall": (["hall"], "hall"),
    "iv": (["iv"], "iv"),
    "hc2": (["hc2", "--perp"], "perp"),
    "gate": (["gate", "--rt"], "gate"),
}


def _lines(p: Path) -> list[str]:
    return p.read_text(encoding="utf-8").splitlines()


def make_bad(kind: str, src: Path, folder: Path) -> tuple[Path, list[str]]:
    """Write the bad variant ``kind`` of the valid file ``src``; returns (path, needles).

    The needles are what the one-line message must name (file, column...).
    """
    folder.mkdir(parents=True, exist_ok=True)
    lines = _lines(src)
    header = lines[0].split(",")
    stem = f"{kind}_{src.stem}"
    p = folder / f"{stem}.csv"
    if kind == "missing":
        return folder / "no_such_file.csv", ["no_such_file.csv"]
    if kind == "directory":
        d = folder / "a_folder.csv"
        d.mkdir(exist_ok=True)
        return d, ["a_folder.csv"]
    if kind == "binary":
        rng = np.random.default_rng(0)
        p.write_bytes(b"\x00\x01" + rng.integers(0, 256, 4000, dtype=np.uint8).tobytes())
        return p, [p.name]
    if kind == "empty":
        p.write_bytes(b"")
        return p, [p.name]
    if kind == "blank_lines":
        p.write_text("\n\n   \n\t\n", encoding="utf-8")
        return p, [p.name]
    if kind == "header_only":
        p.write_text(lines[0] + "\n", encoding="utf-8")
        return p, [p.name]
    if kind == "text_in_numbers":
        row = lines[10].split(",")
        row[-1] = "overload"
        p.write_text("\n".join([*lines[:10], ",".join(row), *lines[11:]]) + "\n", encoding="utf-8")
        return p, [p.name, header[-1], "overload", "line 11"]
    if kind == "unknown_columns":
        names = ",".join(f"chan{i}" for i in range(len(header)))
        p.write_text("\n".join([names, *lines[1:]]) + "\n", encoding="utf-8")
        return p, [p.name]
    if kind == "unknown_unit":
        # the swept column's unit (the one every command needs) becomes "furlongs"
        col = {"rt": 0, "hall": 1, "iv": 1, "perp": 0, "gate": 1}[src.stem.split("_")[0]]
        bad = re.sub(r"\(.*\)", "(furlongs)", header[col])
        h = list(header)
        h[col] = bad
        p.write_text("\n".join([",".join(h), *lines[1:]]) + "\n", encoding="utf-8")
        return p, [p.name, "furlongs"]
    if kind == "all_nan":
        # every value NaN: the message names the (empty) column the command needs
        col = {"rt": 0, "hall": 1, "iv": 1, "perp": 0, "gate": 1}[src.stem.split("_")[0]]
        n = len(header)
        p.write_text(
            "\n".join([lines[0], *([",".join(["nan"] * n)] * 50)]) + "\n", encoding="utf-8"
        )
        return p, [p.name, f"'{header[col]}'"]
    if kind == "long_line":
        p.write_bytes(b"1.0," * (5 * 1024 * 1024 // 4))
        return p, [p.name]
    if kind == "wide":
        n = 10_001
        p.write_text(
            ",".join(f"c{i}" for i in range(n)) + "\n" + ",".join(["1"] * n) + "\n",
            encoding="utf-8",
        )
        return p, [p.name, "10001 columns"]
    raise AssertionError(kind)


BAD_KINDS = [
    "missing",
    "directory",
    "binary",
    "empty",
    "blank_lines",
    "header_only",
    "text_in_numbers",
    "unknown_columns",
    "unknown_unit",
    "all_nan",
    "long_line",
    "wide",
]
#: inspect shows what it reads: unknown columns / units / empty columns are its answer
INSPECT_OK = {"unknown_columns", "unknown_unit", "all_nan"}


@pytest.mark.parametrize("kind", BAD_KINDS)
@pytest.mark.parametrize("cmd", list(FILE_COMMANDS))
def test_bad_file_one_line_error(
    cmd: str, kind: str, good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sc2d CMD BADFILE --json``: exit 2, one line naming the file (and column/unit)."""
    pre, which = FILE_COMMANDS[cmd]
    path, needles = make_bad(kind, good[which], tmp_path)
    code, out, err = run([*pre, str(path), "--json"], capsys)
    if cmd == "inspect" and kind in INSPECT_OK:
        assert code == 0 and "Traceback" not in err, err
        json.loads(out)
        return
    assert_user_error(code, out, err, *needles, prog=f"sc2d {cmd}")


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads anything")
@pytest.mark.parametrize("cmd", list(FILE_COMMANDS))
def test_unreadable_file(
    cmd: str, good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file without read permission: 'cannot open ... permission denied'."""
    pre, which = FILE_COMMANDS[cmd]
    p = tmp_path / "locked.csv"
    p.write_bytes(good[which].read_bytes())
    p.chmod(0)
    try:
        code, out, err = run([*pre, str(p), "--json"], capsys)
    finally:
        p.chmod(0o600)
    assert_user_error(code, out, err, "locked.csv", "permission", prog=f"sc2d {cmd}")


def test_file_over_size_limit(
    good: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Files over ``sc2d.io.MAX_FILE_BYTES`` are refused naming the file and the limit."""
    import sc2d.io.registry as reg

    monkeypatch.setattr(reg, "MAX_FILE_BYTES", 1024)
    code, out, err = run(["tc", str(good["rt"]), "--json"], capsys)
    assert_user_error(code, out, err, "rt.csv", "limit", prog="sc2d tc")


@pytest.mark.parametrize("cmd", ["tc", "bkt"])
def test_some_inf_nan_rows_are_dropped_not_fatal(
    cmd: str, good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A few rows with nan/inf/blank cells are dropped: same answer as without them."""
    lines = _lines(good["rt"])
    junk = ["nan,nan", "inf,300", "0.2,-inf", ",", "0.25,", "-inf,inf"]
    body = lines[1:40] + junk + lines[40:]
    p = tmp_path / "rt_junk.csv"
    p.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    code, out, err = run([cmd, str(p), "--json", "--normal-at", "0.39"], capsys)
    assert code == 0, err
    code0, out0, _ = run([cmd, str(good["rt"]), "--json", "--normal-at", "0.39"], capsys)
    assert code0 == 0
    key = "tc_K" if cmd == "tc" else "t_bkt_K"
    a, b = json.loads(out)[key], json.loads(out0)[key]
    if cmd == "tc":
        a, b = a["0.5"], b["0.5"]
        assert b["value"] is not None
    if b["value"] is None:  # bkt on this coarse grid: both flagged alike
        assert a["value"] is None and a.get("flag") == b.get("flag")
    else:
        assert a["value"] == pytest.approx(b["value"], rel=1e-12)


# --------------------------------------------------------------------------- TOML
def _toml(folder: Path, kind: str) -> tuple[Path, list[str]]:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{kind}.toml"
    if kind == "broken_toml":
        p.write_text('title = "CaZrO3\n[[samples]\nname = S1\n', encoding="utf-8")
        return p, [p.name, "line 1"]
    if kind == "toml_missing_file":
        p.write_text(
            'title = "x"\n[[samples]]\nname = "S1"\ngate_rt = "S1/gone.csv"\nrt = "S1/gone.csv"\n',
            encoding="utf-8",
        )
        return p, [p.name, "gone.csv", "S1"]
    if kind == "toml_unknown_key":
        p.write_text('title = "x"\n[[samples]]\nname = "S1"\nrtt = "a.csv"\n', encoding="utf-8")
        return p, [p.name, "rtt"]
    if kind == "toml_bad_value":
        p.write_text('title = "x"\nnormal_at_K = "warm"\n[[samples]]\nname = "S1"\n', "utf-8")
        return p, [p.name, "normal_at_K"]
    if kind == "toml_missing":
        return folder / "nowhere.toml", ["nowhere.toml"]
    if kind == "toml_binary":
        p.write_bytes(b"\x00\xff\xfe garbage \x00")
        return p, [p.name]
    raise AssertionError(kind)


TOML_KINDS = [
    "broken_toml",
    "toml_missing_file",
    "toml_unknown_key",
    "toml_bad_value",
    "toml_missing",
    "toml_binary",
]


@pytest.mark.parametrize("kind", TOML_KINDS)
@pytest.mark.parametrize("cmd", ["report", "gate"])
def test_bad_sample_set(
    cmd: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sc2d report BAD.toml`` / ``sc2d gate BAD.toml``: one line naming the TOML and key."""
    path, needles = _toml(tmp_path / "cfg", kind)
    args = [cmd, str(path)] + (["--out", str(tmp_path / "out")] if cmd == "report" else [])
    code, out, err = run([*args, "--json"], capsys)
    assert_user_error(code, out, err, *needles, prog=f"sc2d {cmd}")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


# --------------------------------------------------------------------------- arguments
#: (argv with {rt}/{hall}/{iv}/{perp}/{gate} placeholders, what the message must name)
ARG_CASES: list[tuple[list[str], list[str]]] = [
    (["vdp", "--ra", "-1", "--rb", "2"], ["--ra", "-1"]),
    (["vdp", "--ra", "abc", "--rb", "2"], ["--ra", "abc"]),
    (["vdp", "--ra", "nan", "--rb", "2"], ["--ra", "nan"]),
    (["vdp", "--ra", "1", "--rb", "inf"], ["--rb", "inf"]),
    (["vdp", "--ra", "1"], ["--rb"]),
    (["vdp", "--ra", "1e300", "--rb", "1e-300"], ["--ra"]),
    (["tc", "{rt}", "--normal-at", "-1"], ["--normal-at", "-1"]),
    (["tc", "{rt}", "--normal-at", "abc"], ["--normal-at", "abc"]),
    (["tc", "{rt}", "--normal-at", "nan"], ["--normal-at", "nan"]),
    (["tc", "{rt}", "--normal-at", "100"], ["rt.csv", "100", "--normal-at"]),
    (["tc", "{rt}", "--criteria", "2"], ["--criteria", "2"]),
    (["tc", "{rt}", "--criteria", "half"], ["--criteria", "half"]),
    (["tc", "{rt}", "--criteria", ","], ["--criteria"]),
    (["tc", "{rt}", "--normal-window", "0.3", "0.2"], ["--normal-window"]),
    (["tc", "{rt}", "--normal-window", "5", "6"], ["rt.csv", "5-6 K"]),
    (["tc", "{rt}", "--x", "Nope"], ["rt.csv", "Nope"]),
    (["tc", "{rt}", "--y", "Nope"], ["rt.csv", "Nope"]),
    (["tc", "{rt}", "--by", "Nope"], ["--by", "Nope"]),
    (["tc", "{rt}", "--units", "Nope=K"], ["--units", "Nope"]),
    (["tc", "{rt}", "--units", "Temperature (K)=furlongs"], ["--units", "furlongs"]),
    (["tc", "{rt}", "--units", "junk"], ["--units", "junk"]),
    (["tc", "{rt}", "--run-id", "3"], ["--run-id", "rt.csv"]),
    (["tc", "{rt}", "--run-id", "x"], ["--run-id", "x"]),
    (["tc", "{rt}", "--x", "Resistance (Ohm)"], ["Resistance (Ohm)", "T_K"]),
    (["tc", "{rt}", "--no-such-option"], ["--no-such-option"]),
    (["hall", "{hall}", "--rs", "-5"], ["--rs", "-5"]),
    (["hall", "{hall}", "--rs", "abc"], ["--rs", "abc"]),
    (["hall", "{hall}", "--window-T", "0"], ["--window-T"]),
    (["hall", "{hall}", "--two-band", "maybe"], ["--two-band", "maybe"]),
    (["iv", "{iv}", "--window", "a,b"], ["--window", "a,b"]),
    (["iv", "{iv}", "--window", "2e-6,1e-6"], ["--window"]),
    (["iv", "{iv}", "--v-threshold", "-1"], ["--v-threshold", "-1"]),
    (["iv", "{iv}", "--r-normal", "0"], ["--r-normal"]),
    (["iv", "{iv}", "--criterion", "best"], ["--criterion", "best"]),
    (["bkt", "{rt}", "--smoothing", "-3"], ["smoothing", "-3"]),
    (["bkt", "{rt}", "--smoothing", "x"], ["--smoothing", "x"]),
    (["bkt", "{rt}", "--window", "0.3,0.1"], ["--window"]),
    (["bkt", "{rt}", "--r-normal", "-1"], ["--r-normal", "-1"]),
    (["bkt", "{rt}", "--normal-at", "100"], ["100"]),
    (["hc2"], ["--perp"]),
    (["hc2", "--perp", "{perp}", "--criterion", "2"], ["--criterion", "2"]),
    (["hc2", "--perp", "{perp}", "--criterion", "nan"], ["--criterion", "nan"]),
    (["hc2", "--perp", "{perp}", "--g", "-1"], ["--g", "-1"]),
    (["hc2", "--perp", "{perp}", "--normal-at", "-1"], ["--normal-at", "-1"]),
    (["hc2", "--perp", "{perp}", "--gap-ratio", "0"], ["--gap-ratio"]),
    (["gate"], ["--rt"]),
    (["gate", "--rt", "{gate}", "--criterion", "2"], ["--criterion", "2"]),
    (["gate", "--rt", "{gate}", "--criteria", "x"], ["--criteria", "x"]),
    (["gate", "--rt", "{gate}", "--thickness-mm", "-1"], ["--thickness-mm", "-1"]),
    (["gate", "--rt", "{rt}"], ["rt.csv", "gate"]),
    (["report", "{rt}", "--out", "{tmp}/o", "--workers", "0"], ["--workers", "0"]),
    (["report", "{rt}", "--out", "{tmp}/o", "--figures", "gif"], ["--figures", "gif"]),
    (["report", "{rt}"], ["--out"]),
    (["demo", "--out", "{tmp}/o", "--workers", "-1"], ["--workers", "-1"]),
    (["demo", "--out", "{tmp}/o", "--seed", "abc"], ["--seed", "abc"]),
    (["demo", "--out", "{rt}"], ["--out", "rt.csv"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--tc", "-1"], ["--tc", "-1"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--points", "abc"], ["--points", "abc"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--points", "-5"], ["--points", "-5"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--r-n", "nan"], ["--r-n", "nan"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--seed", "-1"], ["--seed", "-1"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--noise", "-1"], ["--noise", "-1"]),
    (["simulate", "rt", "--out", "{tmp}/s.csv", "--units", "T_K=furlongs"], ["furlongs"]),
    (["simulate", "rt", "--out", "{tmp}"], ["--out"]),
    (["simulate", "rt", "--out", "{rt}"], ["--out", "--force"]),
    (["simulate", "iv", "--out", "{tmp}/s.csv", "--temps", "a"], ["--temps", "a"]),
    (["simulate", "iv", "--out", "{tmp}/s.csv", "--temps", "-1,0.1"], ["--temps"]),
    (["simulate", "iv", "--out", "{tmp}/s.csv", "--v-noise", "-1"], ["--v-noise", "-1"]),
    (["simulate", "hall", "--out", "{tmp}/s.csv", "--n-s", "-1"], ["--n-s"]),
    (["simulate", "rt-field", "--out", "{tmp}/s.csv", "--fields", "1:0:1"], ["--fields"]),
    (["simulate", "gate", "--out", "{tmp}/s.csv", "--vg", "x"], ["--vg", "x"]),
    (["simulate", "paper", "--out", "{rt}"], ["--out", "rt.csv"]),
    (["simulate", "nope", "--out", "x"], ["nope"]),
    (["nope"], ["nope"]),
]


def _arg_id(case: tuple[list[str], list[str]]) -> str:
    return " ".join(case[0]).replace("{", "").replace("}", "")


@pytest.mark.parametrize("case", ARG_CASES, ids=[_arg_id(c) for c in ARG_CASES])
def test_bad_argument_one_line_error(
    case: tuple[list[str], list[str]],
    good: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Negative, non-numeric, out-of-range or unknown arguments: one line naming them."""
    argv, needles = case
    subs = {f"{{{k}}}": str(v) for k, v in good.items()} | {"{tmp}": str(tmp_path)}
    args = [subs.get(a, a) for a in argv]
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    before = good["rt"].read_bytes()
    code, out, err = run([*args, "--json"], capsys)
    sub = args[0] if args[0] in {"vdp", "tc", "hall", "iv", "bkt", "hc2", "gate"} else ""
    sub = args[0] if args[0] in {"report", "demo", "simulate"} else sub
    assert_user_error(code, out, err, *needles, prog=f"sc2d {sub}".strip())
    assert good["rt"].read_bytes() == before, "an output option overwrote an input file"
    assert not (tmp_path / "s.csv").exists(), "a refused simulate still wrote its file"


# --------------------------------------------------------------------------- subprocess
def test_subprocess_missing_file_one_line(tmp_path: Path) -> None:
    """The real command: a missing file -> exit 2, one line, empty stdout with --json."""
    r = run_subprocess(["tc", tmp_path / "gone.csv", "--json"])
    assert_user_error(r.returncode, r.stdout, r.stderr, "gone.csv", prog="sc2d tc")


def test_subprocess_binary_and_broken_toml(tmp_path: Path) -> None:
    """The real command on a binary data file and on broken TOML."""
    b = tmp_path / "scope.csv"
    b.write_bytes(bytes(range(256)) * 8)
    r = run_subprocess(["hall", b, "--json"])
    assert_user_error(r.returncode, r.stdout, r.stderr, "scope.csv", prog="sc2d hall")
    t, needles = _toml(tmp_path, "broken_toml")
    r = run_subprocess(["report", t, "--out", tmp_path / "o", "--json"])
    assert_user_error(r.returncode, r.stdout, r.stderr, *needles, prog="sc2d report")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_traceback(how: str, tmp_path: Path) -> None:
    """``--debug`` (or SC2D_DEBUG=1) shows the traceback of the same mistake."""
    args = ["tc", tmp_path / "gone.csv"]
    r = (
        run_subprocess([*args, "--debug"])
        if how == "flag"
        else run_subprocess(args, env={"SC2D_DEBUG": "1"})
    )
    assert r.returncode != 0
    assert "Traceback" in r.stderr
    assert "gone.csv" in r.stderr


def test_console_script_is_installed(tmp_path: Path) -> None:
    """The ``sc2d`` console script beside this interpreter behaves the same."""
    exe = Path(sys.executable).with_name("sc2d")
    if not exe.exists():
        pytest.skip("no sc2d console script beside this interpreter")
    r = subprocess.run(
        [str(exe), "inspect", str(tmp_path / "none.dat"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert_user_error(r.returncode, r.stdout, r.stderr, "none.dat", prog="sc2d inspect")


# --------------------------------------------------------------------------- physics non-answers
def _write_table(path: Path, header: str, cols: list[np.ndarray]) -> Path:
    rows = "\n".join(",".join(f"{v:.9g}" for v in r) for r in zip(*cols, strict=True))
    path.write_text(header + "\n" + rows + "\n", encoding="utf-8")
    return path


def test_tc_no_transition_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A metal (R falls 3% from 0.4 K to 50 mK): 'no superconducting transition in FILE'."""
    t = np.linspace(0.4, 0.05, 120)
    r = 300.0 * (1 + 0.1 * t) + np.random.default_rng(0).normal(0, 0.02, t.size)
    p = _write_table(tmp_path / "metal.csv", "Temperature (K),Resistance (Ohm)", [t, r])
    code, out, err = run(["tc", p, "--json"], capsys)
    assert_user_error(code, out, err, "no superconducting transition", "metal.csv", prog="sc2d tc")


def test_tc_criterion_not_reached_is_null_with_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R saturates at 30% of R_N (a shunting normal path): Tc(0.1) is null with a flag,
    never an extrapolation; Tc(0.5) is still given."""
    t = np.linspace(0.4, 0.03, 200)
    frac = 0.3 + 0.7 / (1 + np.exp(-(t - 0.18) / 0.005))
    r = 300.0 * frac + np.random.default_rng(1).normal(0, 0.02, t.size)
    p = _write_table(tmp_path / "shunted.csv", "Temperature (K),Resistance (Ohm)", [t, r])
    code, out, err = run(["tc", p, "--json", "--normal-at", "0.39"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["tc_K"]["0.1"]["value"] is None and d["tc_K"]["0.1"]["flag"]
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(0.18 - 0.005 * np.log(7 / 2), abs=2e-3)


def test_hall_no_slope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """R_xy independent of B: an error or a null n_s with a flag, never a density."""
    b = np.linspace(-9, 9, 91)
    rxy = 5.0 + np.random.default_rng(2).normal(0, 0.05, b.size)
    p = _write_table(tmp_path / "flat.csv", "Magnetic Field (T),Hall Resistance (Ohm)", [b, rxy])
    code, out, err = run(["hall", p, "--json"], capsys)
    if code == 2:
        assert_user_error(code, out, err, "flat.csv", prog="sc2d hall")
    else:
        assert code == 0, err
        ns = json.loads(out)["n_s_cm2"]
        assert ns["value"] is None and ns["flag"], ns


def test_iv_ohmic_has_no_tbkt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Ohmic I-V at every T (V = R I): T_BKT null with a flag, or an error."""
    rows_t, rows_i, rows_v = [], [], []
    rng = np.random.default_rng(3)
    for t in (0.05, 0.1, 0.15, 0.2):
        i = np.concatenate([np.linspace(0, 1e-5, 40), np.linspace(1e-5, -1e-5, 80)])
        rows_t.append(np.full(i.size, t))
        rows_i.append(i)
        rows_v.append(300.0 * i + rng.normal(0, 2e-9, i.size))
    p = _write_table(
        tmp_path / "ohmic.csv",
        "Temperature (K),Current (A),Voltage (V)",
        [np.concatenate(rows_t), np.concatenate(rows_i), np.concatenate(rows_v)],
    )
    code, out, err = run(["iv", p, "--json"], capsys)
    if code == 2:
        assert_user_error(code, out, err, "ohmic.csv", prog="sc2d iv")
    else:
        assert code == 0, err
        tb = json.loads(out)["t_bkt_K"]
        assert tb["value"] is None and tb["flag"], tb


@pytest.mark.parametrize("what", ["metal", "constant_T"])
def test_bkt_without_transition_gives_no_numbers(
    what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """R(T) of a metal, or R at one fixed T (a Hall file at 2 K): no T_BKT, b, R0, T_c0
    (null with a flag, or an error), never a fitted number."""
    rng = np.random.default_rng(4)
    if what == "metal":
        t = np.linspace(0.4, 0.05, 150)
        r = 300.0 * (1 + 0.1 * t) + rng.normal(0, 0.02, t.size)
    else:
        t = 2.0 + rng.normal(0, 1e-3, 150)
        r = 312.0 + rng.normal(0, 0.05, 150)
    p = _write_table(tmp_path / f"{what}.csv", "Temperature (K),Resistance (Ohm)", [t, r])
    code, out, err = run(["bkt", p, "--json"], capsys)
    if code == 2:
        assert_user_error(code, out, err, f"{what}.csv", prog="sc2d bkt")
        return
    assert code == 0, err
    d = json.loads(out)
    for key in ("t_bkt_K", "t_bkt_linearized_K", "b", "r0_ohm", "tc0_K"):
        v = d.get(key)
        val = v.get("value") if isinstance(v, dict) else v
        assert val is None, f"{key} = {v} from data without a transition"


def test_hc2_family_without_transition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A field family of metals: an error naming the file, or null Hc2 with a flag."""
    rng = np.random.default_rng(5)
    t = np.tile(np.linspace(0.4, 0.05, 80), 4)
    b = np.repeat([0.0, 0.004, 0.008, 0.012], 80)
    r = 300.0 * (1 + 0.1 * t) + rng.normal(0, 0.02, t.size)
    p = _write_table(
        tmp_path / "metals.csv", "Temperature (K),Magnetic Field (T),Resistance (Ohm)", [t, b, r]
    )
    code, out, err = run(["hc2", "--perp", p, "--json"], capsys)
    if code == 2:
        assert_user_error(code, out, err, "metals.csv", prog="sc2d hc2")
    else:
        assert code == 0, err
        h = json.loads(out)["hc2_perp_0_T"]
        assert h["value"] is None and h["flag"], h


# --------------------------------------------------------------------------- inputs untouched
def _digest(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(folder)): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_commands_never_modify_inputs(
    good: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every analysis command leaves its input folder bit-identical (no edits, no new files)."""
    folder = good["rt"].parent
    before = _digest(folder)
    for args in (
        ["inspect", good["rt"]],
        ["tc", good["rt"]],
        ["bkt", good["rt"]],
        ["hall", good["hall"]],
        ["iv", good["iv"]],
        ["hc2", "--perp", good["perp"]],
        ["gate", "--rt", good["gate"]],
    ):
        code, _, err = run([*args, "--json"], capsys)
        assert code == 0, (args, err)
    assert _digest(folder) == before


# --------------------------------------------------------------------------- --out, --force
def _mini_set(folder: Path, good: dict[str, Path], name: str, rt_name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / rt_name).write_bytes(good["rt"].read_bytes())
    toml_name = name.replace("\\", "\\\\").replace('"', '\\"')
    rt_esc = rt_name.replace("\\", "\\\\").replace('"', '\\"')
    p = folder / "samples.toml"
    p.write_text(
        f'title = "Title <i>{toml_name}</i>"\nnormal_at_K = 0.39\n\n[[samples]]\n'
        f'name = "{toml_name}"\norientation = "001"\nrt = "{rt_esc}"\n',
        encoding="utf-8",
    )
    return p


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "{toml}", "--out", "{out}", "--no-figures"],
        ["demo", "--out", "{out}"],
        ["simulate", "paper", "--out", "{out}"],
    ],
    ids=["report", "demo", "simulate-paper"],
)
def test_out_refuses_non_empty_folder_without_force(
    argv: list[str], good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-empty --out is refused (one line naming it and --force); nothing is touched."""
    toml = _mini_set(tmp_path / "set", good, "S1", "rt.csv")
    out = tmp_path / "previous"
    out.mkdir()
    (out / "notes.txt").write_text("my notes\n", encoding="utf-8")
    args = [{"{toml}": str(toml), "{out}": str(out)}.get(a, a) for a in argv]
    code, stdout, err = run([*args, "--json"], capsys)
    assert_user_error(code, stdout, err, "previous", "--force", prog=f"sc2d {argv[0]}")
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    assert (out / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


def test_report_force_and_html_escaping(
    good: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --force the report is written; a sample named <script>alert(1)</script> and a
    file named with &<>"' appear escaped in report.html, never raw; no temp files remain."""
    import html

    name = "<script>alert(1)</script>"
    rt_name = "r&<>\"'.csv"
    toml = _mini_set(tmp_path / "set", good, name, rt_name)
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("x", encoding="utf-8")
    code, stdout, err = run(
        ["report", toml, "--out", out, "--no-figures", "--force", "--json"], capsys
    )
    assert code == 0, err
    json.loads(stdout)
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert html.escape(name) in page
    assert rt_name not in page
    assert "<i>" not in page  # the title's markup is text, not HTML
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["samples"][0]["name"] == name  # JSON keeps the text as typed
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-")]


def test_interrupted_report_leaves_no_half_files(
    good: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Ctrl-C while the report writes: exit 130, every file present is complete, no temp
    files left (writes are temp file + os.replace)."""
    import sc2d.report._files as files

    toml = _mini_set(tmp_path / "set", good, "S1", "rt.csv")
    out = tmp_path / "out"
    real = os.replace
    calls = {"n": 0}

    def flaky_replace(src: str, dst: str) -> None:
        calls["n"] += 1
        if Path(dst).name == "report.html":
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(files.os, "replace", flaky_replace)
    code, _, err = run(["report", toml, "--out", out, "--no-figures"], capsys)
    assert code == 130, err
    assert calls["n"] >= 1
    assert not (out / "report.html").exists()
    assert not [p for p in out.rglob("*") if p.name.startswith(".tmp-")]
    if (out / "results.json").exists():
        json.loads((out / "results.json").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- no pickle / eval
FORBIDDEN = {
    "pd.read_pickle": re.compile(r"read_pickle"),
    "pickle.load": re.compile(r"pickle\.loads?\("),
    "eval(": re.compile(r"(?<![\w.])eval\("),
    "exec(": re.compile(r"(?<![\w.])exec\("),
    "allow_pickle=True": re.compile(r"allow_pickle\s*=\s*True"),
    "yaml.load": re.compile(r"yaml\.(unsafe_)?load\("),
    "np.load": re.compile(r"np\.load\("),
}


def _hits(paths: list[Path]) -> list[str]:
    out = []
    for f in paths:
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            for what, rx in FORBIDDEN.items():
                if rx.search(line):
                    out.append(f"{f.relative_to(ROOT)}:{n}: {what}: {line.strip()}")
    return out


def test_readers_never_unpickle_or_eval() -> None:
    """Readers and the sample-set loader use no pickle/eval/exec (grep of the source)."""
    files = [*sorted((SRC / "io").rglob("*.py")), SRC / "config.py"]
    assert not _hits(files)


def test_package_never_unpickles_or_evals() -> None:
    """No pd.read_pickle, pickle.load(s), eval(, exec(, allow_pickle=True in src/sc2d.

    One exception, by design: ``campaign.py`` unpickles the Result objects that
    sc2d's *own* worker processes (or the user's own dask cluster) send back,
    exactly as ``concurrent.futures`` does for every return value. No user file
    ever reaches it; everything read from disk goes through the readers above.
    """
    hits = _hits(sorted(SRC.rglob("*.py")))
    allowed = [h for h in hits if h.startswith("src/sc2d/campaign.py:") and "pickle.load" in h]
    assert [h for h in hits if h not in allowed] == []
    assert len(allowed) <= 2
