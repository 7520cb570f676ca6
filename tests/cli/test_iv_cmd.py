"""``sc2d iv``: JSON contract, text summary, options and one-line errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sc2d.cli import main

sim = pytest.importorskip("sc2d.simulate.instrument")
models = pytest.importorskip("sc2d.simulate.models")

TEMPS = np.round(np.arange(0.09, 0.1751, 0.01), 4)


@pytest.fixture(scope="module")
def iv_csv(tmp_path_factory):
    """I-V family in display units: Current (uA), Voltage (V), Temperature (mK)."""
    p = models.SampleParams(t_bkt_iv=0.138, t_ic=0.2, alpha_width=0.005)
    df = sim.measure_iv(p, TEMPS, rng=0)
    out = tmp_path_factory.mktemp("iv") / "iv.csv"
    df2 = df.rename(
        columns={
            "t_s": "Time (s)",
            "T_K": "Temperature (mK)",
            "I_A": "Current (uA)",
            "V_V": "Voltage (V)",
        }
    )
    df2["Temperature (mK)"] *= 1e3
    df2["Current (uA)"] *= 1e6
    df2.to_csv(out, index=False)
    return out


def _run(args, capsys):
    main(list(args))
    return capsys.readouterr()


def test_json_contract_and_t_bkt(iv_csv, capsys):
    """--json prints one object with t_bkt_K (alpha = 3 within 2% of 0.138 K) and
    curves each carrying T_K, alpha and ic_A."""
    out = _run(["iv", str(iv_csv), "--json"], capsys).out
    d = json.loads(out)
    assert d["t_bkt_K"]["value"] == pytest.approx(0.138, rel=0.02)
    assert len(d["curves"]) == TEMPS.size
    for c, t in zip(d["curves"], TEMPS, strict=True):
        assert c["T_K"] == pytest.approx(t, rel=0.01)
        assert "alpha" in c and "ic_A" in c
    assert out.count("\n") == 1


def test_text_summary(iv_csv, capsys):
    out = _run(["iv", str(iv_csv)], capsys).out
    assert "T_BKT (alpha = 3)" in out
    assert "power-law window" in out


def test_criterion_and_window_options(iv_csv, capsys):
    d = json.loads(_run(["iv", str(iv_csv), "--criterion", "resistance", "--json"], capsys).out)
    assert "R_N" in d["curves"][0]["ic_A"]["method"]
    d = json.loads(
        _run(
            ["iv", str(iv_csv), "--window", "3e-7,1.5e-6", "--v-threshold", "1e-7", "--json"],
            capsys,
        ).out
    )
    c = next(c for c in d["curves"] if abs(c["T_K"] - 0.12) < 1e-3)
    assert c["alpha"]["window"][0] >= 3e-7
    assert c["alpha"]["window"][1] <= 1.5e-6
    assert "1e-07 V" in c["ic_A"]["method"]


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (["--window", "2e-6"], "--window expects MIN,MAX in A"),
        (["--window", "2e-6,1e-6"], "--window needs 0 <= MIN < MAX"),
        (["--v-threshold", "-1"], "--v-threshold must be a positive number"),
        (["--criterion", "bogus"], "Invalid value for '--criterion'"),
    ],
)
def test_bad_options_fail_in_one_line(iv_csv, capsys, args, msg):
    with pytest.raises(SystemExit) as exc:
        main(["iv", str(iv_csv), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert msg in err
    assert err.startswith("sc2d iv: error:")
    assert err.count("\n") == 1


def test_missing_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["iv", str(tmp_path / "nope.csv")])
    assert exc.value.code == 2
    assert "sc2d iv: error:" in capsys.readouterr().err


def test_gate_stepped_file(tmp_path, capsys):
    """I-V at 30 mK stepped in gate voltage: every curve carries Vg_V and T_K
    (the file's temperature), Ic from the voltage criterion; T_BKT is flagged
    because alpha(T) needs a temperature series."""
    p = models.SampleParams(t_bkt_iv=0.138, t_ic=0.2)
    df = sim.measure_gate_iv(p, [-60.0, 0.0, 60.0], rng=1, t=0.12)
    out = tmp_path / "gate_iv.csv"
    df.rename(
        columns={
            "t_s": "Time (s)",
            "Vg_V": "Gate Voltage (V)",
            "T_K": "Temperature (K)",
            "I_A": "Current (A)",
            "V_V": "Voltage (V)",
        }
    ).to_csv(out, index=False)
    d = json.loads(_run(["iv", str(out), "--json"], capsys).out)
    assert [round(c["Vg_V"]) for c in d["curves"]] == [-60, 0, 60]
    assert all(c["T_K"] == pytest.approx(0.12, rel=0.01) for c in d["curves"])
    assert all(c["ic_A"]["value"] > 0 for c in d["curves"])
    assert d["t_bkt_K"]["value"] is None
    assert "stepped in Vg_V" in d["t_bkt_K"]["flag"]
