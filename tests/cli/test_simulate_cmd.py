"""``sc2d simulate KIND``: help, --json contract, files, truth and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sc2d.cli import main

KINDS = ("rt", "rt-field", "iv", "hall", "gate", "paper")


def _run(args, capsys):
    main(list(args))
    return capsys.readouterr()


def _fail(args, capsys) -> str:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("sc2d simulate: error:")
    return err


def _help(args, capsys) -> str:
    try:
        main(list(args))
    except SystemExit as exc:
        assert exc.code in (0, None)
    return capsys.readouterr().out


def test_help_lists_kinds_and_parameters(capsys):
    """'simulate --help' lists every kind; 'simulate rt --help' names parameters
    with their units and defaults."""
    out = _help(["simulate", "--help"], capsys)
    for k in KINDS:
        assert k in out
    out = _help(["simulate", "rt", "--help"], capsys)
    assert "--r-n" in out and "[Ohm]" in out and "(default 300)" in out
    out = _help(["simulate", "rt-field", "--help"], capsys)
    assert "--xi-gl" in out and "[nm]" in out


def test_rt_json_truth_and_file(tmp_path, capsys):
    """--json: one object with files, parameters and truth; the controlled Tc is
    in the truth and the file holds Temperature/Resistance columns."""
    f = tmp_path / "rt.csv"
    out = _run(["simulate", "rt", "--out", str(f), "--tc", "0.18", "--json"], capsys).out
    d = json.loads(out)
    assert d["kind"] == "rt" and d["files"] == [str(f)]
    assert d["truth"]["tc_K"]["0.5"] == pytest.approx(0.18, abs=1e-9)
    df = pd.read_csv(f)
    assert "Temperature (K)" in df.columns and "Resistance (Ohm)" in df.columns
    half = 0.5 * d["truth"]["r_normal_ohm"]
    r = df["Resistance (Ohm)"].to_numpy()[::-1]
    t = df["Temperature (K)"].to_numpy()[::-1]
    assert np.interp(half, r, t) == pytest.approx(0.18, abs=2e-3)


def test_rt_qd_format(tmp_path, capsys):
    f = tmp_path / "rt.dat"
    _run(["simulate", "rt", "--out", str(f), "--format", "qd", "--sweep", "both"], capsys)
    assert f.read_bytes().startswith(b"[Header]\r\n")


def test_rt_field_iv_hall_gate(tmp_path, capsys):
    """Each kind writes its file and reports its truth keys."""
    d = json.loads(
        _run(
            [
                "simulate",
                "rt-field",
                "--out",
                str(tmp_path / "f.csv"),
                "--fields",
                "0,0.004,0.008",
                "--units",
                "B_T=Oe",
                "--json",
            ],
            capsys,
        ).out
    )
    assert d["truth"]["hc2_perp_0_T"] == pytest.approx(0.01536, abs=1e-4)
    assert "Magnetic Field (Oe)" in pd.read_csv(tmp_path / "f.csv").columns
    d = json.loads(
        _run(
            ["simulate", "iv", "--out", str(tmp_path / "iv.csv"), "--temps", "0.1,0.138", "--json"],
            capsys,
        ).out
    )
    assert d["truth"]["t_bkt_K"] == 0.138
    assert d["truth"]["curves"][1]["alpha"] == pytest.approx(3.0)
    assert "Current (uA)" in pd.read_csv(tmp_path / "iv.csv").columns
    d = json.loads(
        _run(
            ["simulate", "hall", "--out", str(tmp_path / "h.csv"), "--n-s", "5e13", "--json"],
            capsys,
        ).out
    )
    assert d["truth"]["n_s_cm2"] == pytest.approx(5e13, rel=1e-6)
    assert d["truth"]["carrier"] == "electron"
    d = json.loads(
        _run(
            ["simulate", "gate", "--out", str(tmp_path / "g.csv"), "--vg", "60:-60:-30", "--json"],
            capsys,
        ).out
    )
    assert [c["Vg_V"] for c in d["truth"]["curves"]] == [60.0, 30.0, 0.0, -30.0, -60.0]
    assert d["truth"]["tc_peak_Vg_V"] == 30.0
    assert "Gate Voltage (V)" in pd.read_csv(tmp_path / "g.csv").columns


def test_paper_json(tmp_path, capsys):
    out = tmp_path / "P"
    d = json.loads(_run(["simulate", "paper", "--out", str(out), "--json"], capsys).out)
    assert d["kind"] == "paper"
    assert (out / "samples.toml").is_file() and (out / "truth.json").is_file()
    assert d["truth"]["S3"]["t_bkt_iv_K"] == 0.138
    err = _fail(["simulate", "paper", "--out", str(out)], capsys)
    assert "--force" in err
    _run(["simulate", "paper", "--out", str(out), "--force"], capsys)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["rt", "--tc", "0.5"], "must lie below --normal-at"),
        (["rt", "--r-n", "-1"], "--r-n must not be negative"),
        (["rt", "--t-bkt", "0.3", "--tc", "0.2"], "--t-bkt 0.3 K must lie below --tc"),
        (["rt", "--units", "T_K=furlong"], "unknown unit"),
        (["rt-field", "--fields", "abc"], "--fields expects START:STOP:STEP"),
        (["iv", "--format", "qd"], "--format qd writes R\\(T\\) tables only"),
        (["iv", "--t-stiff", "0.1"], "must exceed --t-bkt-iv"),
        (["hall", "--n-s", "0"], "--n-s must be positive"),
        (["gate", "--vg", "900:-900:-300"], "narrow --vg"),
    ],
)
def test_errors_are_one_line(tmp_path, capsys, args, match):
    import re

    err = _fail(["simulate", *args[:1], "--out", str(tmp_path / "x.csv"), *args[1:]], capsys)
    assert re.search(match, err)


def test_refuses_to_overwrite(tmp_path, capsys):
    f = tmp_path / "rt.csv"
    f.write_text("x\n")
    assert "--force" in _fail(["simulate", "rt", "--out", str(f)], capsys)
    _run(["simulate", "rt", "--out", str(f), "--force"], capsys)
    assert "Temperature" in f.read_text()
