"""``sc2d report`` and ``sc2d demo`` end to end through the command line."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

from sc2d.cli import main

_spec = importlib.util.spec_from_file_location(
    "_sc2d_miniset_cli", Path(__file__).parents[1] / "report" / "_miniset.py"
)
_mini = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mini)


@pytest.fixture(scope="module")
def toml(tmp_path_factory):
    return _mini.write_miniset(tmp_path_factory.mktemp("cli_mini"), seed=7, gate=False)


def _run(capsys, *args):
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def test_report_json_then_refuse_then_force(toml, tmp_path, capsys):
    out = tmp_path / "rep"
    code, stdout, err = _run(capsys, "report", str(toml), "--out", str(out), "--json")
    assert code == 0
    payload = json.loads(stdout)  # one JSON object, nothing else on stdout
    assert stdout.count("\n") == 1
    assert Path(payload["results_json"]) == out / "results.json"
    assert Path(payload["report_html"]).exists()
    assert any(p.endswith("fig2c_tc_vs_ns.svg") for p in payload["figures"])
    assert any(p.endswith("tc_vs_ns.csv") for p in payload["tables"])
    assert err == ""  # quiet with --json (no progress bar)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["tc_vs_ns"]["slope_K_cm2"]["value"] == pytest.approx(2.4e-15, rel=0.1)

    code, stdout, err = _run(capsys, "report", str(toml), "--out", str(out))
    assert code == 2 and stdout == ""
    assert err.strip().count("\n") == 0
    assert "sc2d report: error: --out" in err and "is not empty" in err and "--force" in err

    code, stdout, err = _run(
        capsys, "report", str(toml), "--out", str(out), "--force", "--no-figures"
    )
    assert code == 0
    assert "T_BKT from I-V" in stdout and "wrote" in stdout
    assert "0 figure files" in stdout


def test_report_with_two_workers_matches_serial(toml, tmp_path, capsys):
    a, b = tmp_path / "a", tmp_path / "b"
    assert _run(capsys, "report", str(toml), "--out", str(a), "--json", "--no-figures")[0] == 0
    assert (
        _run(
            capsys, "report", str(toml), "--out", str(b), "--json", "--no-figures", "--workers", "2"
        )[0]
        == 0
    )
    assert (a / "results.json").read_bytes() == (b / "results.json").read_bytes()


@pytest.mark.parametrize(
    ("toml_text", "extra", "match"),
    [
        ('title = "x\n', (), r"sc2d report: error: .*samples\.toml: invalid TOML: .*line 1"),
        (
            '[[samples]]\nname = "A"\nrt = "nope.csv"\n',
            (),
            r"sample 'A' rt = 'nope\.csv' does not exist",
        ),
        (
            '[[samples]]\nname = "A"\nrtt = "x.csv"\n',
            (),
            r"unknown key 'rtt' in samples\[0\]; did you mean 'rt'",
        ),
        (
            '[[samples]]\nname = "A"\nrt = "x.csv"\n',
            ("--workers", "0"),
            r"--workers must be 1 or more, got 0",
        ),
        (
            '[[samples]]\nname = "A"\nrt = "x.csv"\n',
            ("--figures", "eps"),
            r"--figures expects svg, pdf or svg,pdf, got 'eps'",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, capsys, toml_text, extra, match):
    (tmp_path / "x.csv").write_text("T (K),R (Ohm)\n0.1,1\n", encoding="utf-8")
    cfg = tmp_path / "samples.toml"
    cfg.write_text(toml_text, encoding="utf-8")
    code, out, err = _run(capsys, "report", str(cfg), "--out", str(tmp_path / "o"), *extra)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    import re

    assert re.search(match, err), err


def test_failed_role_goes_to_stderr_and_json(tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    cfg = tmp_path / "samples.toml"
    cfg.write_text('[[samples]]\nname = "X"\nrt = "bad.csv"\n', encoding="utf-8")
    code, _out, err = _run(capsys, "report", str(cfg), "--out", str(tmp_path / "o"), "--json")
    assert code == 0
    assert "sc2d report: X/tc:" in err and "sc2d report: X/bkt:" in err
    r = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    assert set(r["samples"][0]["tc"]) == {"error"}
    assert (tmp_path / "o" / "report.html").exists()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One `sc2d demo --json` run (the paper data set, 2 workers), shared by the demo tests."""
    out = tmp_path_factory.mktemp("demo") / "out"
    try:
        main(["demo", "--out", str(out), "--seed", "1", "--json"])
    except SystemExit as exc:  # pragma: no cover - a failure shows in the asserts
        assert exc.code == 0
    return out


def test_demo_writes_everything(demo):
    for p in (
        "results.json",
        "report.html",
        "demo_comparison.json",
        "data/samples.toml",
        "data/truth.json",
    ):
        assert (demo / p).exists(), p
    assert len(list((demo / "figures").glob("*.png"))) >= 16


def test_demo_recovers_the_twins_truth(demo):
    """Every headline number is recovered, within 3 stderr of the truth plus 0.5 %.

    The 0.5 % covers the criterion crossings' interpolation bias on a finite
    T grid, which the per-curve stderr (noise only) does not include.
    """
    rows = json.loads((demo / "demo_comparison.json").read_text(encoding="utf-8"))["rows"]
    keys = [r["key"] for r in rows]
    assert keys[:4] == ["tc_min_K", "tc_max_K", "slope_K_cm2", "n_critical_cm2"]
    assert {"t_bkt_iv_K", "t_bkt_hn_K", "xi_gl_nm", "d_sc_nm", "tc_111_K", "gate_peak_Vg_V"} <= set(
        keys
    )
    for r in rows:
        assert r["recovered"] is not None, r["key"]
        assert r["truth"] is not None, r["key"]
        err = r["stderr"] if r["stderr"] is not None else 0.0
        assert abs(r["recovered"] - r["truth"]) <= 3 * err + 0.005 * abs(r["truth"]), r
        assert math.isfinite(r["published"])
    by = {r["key"]: r for r in rows}
    # the study's numbers (the twin was built to reproduce them)
    assert by["t_bkt_iv_K"]["recovered"] == pytest.approx(0.138, abs=0.003)
    assert by["t_bkt_hn_K"]["recovered"] == pytest.approx(0.178, abs=0.003)
    assert by["slope_K_cm2"]["recovered"] == pytest.approx(0.25, abs=0.05)
    assert by["tc_111_K"]["recovered"] == pytest.approx(2.22, abs=0.03)
    assert by["gate_peak_Vg_V"]["recovered"] == pytest.approx(30, abs=10)


def test_demo_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    code, out, err = _run(capsys, "demo", "--out", str(tmp_path))
    assert code == 2 and out == ""
    assert "sc2d demo: error: --out" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1
