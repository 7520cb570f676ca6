"""``sc2d bkt``: JSON contract, text summary, options and one-line errors."""

from __future__ import annotations

import json

import pytest

from sc2d.cli import main

sim = pytest.importorskip("sc2d.simulate.instrument")
models = pytest.importorskip("sc2d.simulate.models")


@pytest.fixture(scope="module")
def rt_csv(tmp_path_factory):
    """R(T) with T_BKT = 0.15 K, Tc0 = 0.2 K; Temperature (mK), Resistance (kOhm)."""
    p = models.SampleParams(tc0=0.2, t_bkt=0.15)
    df = sim.measure_rt(p, rng=0)
    out = tmp_path_factory.mktemp("bkt") / "rt.csv"
    df2 = df.rename(
        columns={"T_K": "Temperature (mK)", "R_ohm": "Resistance (kOhm)", "I_A": "Current (A)"}
    )
    df2["Temperature (mK)"] *= 1e3
    df2["Resistance (kOhm)"] /= 1e3
    df2.to_csv(out, index=False)
    return out


def test_json_contract(rt_csv, capsys):
    """t_bkt_K (HN, within 3%), t_bkt_linearized_K (within 5%), b, r0_ohm, tc0_K."""
    main(["bkt", str(rt_csv), "--json"])
    out = capsys.readouterr().out
    d = json.loads(out)
    assert d["t_bkt_K"]["value"] == pytest.approx(0.15, rel=0.03)
    assert d["t_bkt_linearized_K"]["value"] == pytest.approx(0.15, rel=0.05)
    assert d["b"]["value"] == pytest.approx(2 * (0.2 / 0.15 - 1) ** 0.5, rel=0.05)
    assert d["r0_ohm"]["value"] > 0
    assert d["tc0_K"]["value"] == pytest.approx(0.2, rel=0.01)
    assert d["r_normal_ohm"] == pytest.approx(300, rel=0.02)
    assert out.count("\n") == 1


def test_no_al_window_normal_at(rt_csv, capsys):
    main(["bkt", str(rt_csv), "--json", "--no-al", "--window", "0.16,0.185", "--normal-at", "0.3"])
    d = json.loads(capsys.readouterr().out)
    assert "tc0_K" not in d
    assert d["window_K"] == [0.16, 0.185]
    assert d["t_bkt_K"]["value"] == pytest.approx(0.15, rel=0.01)


def test_text_summary(rt_csv, capsys):
    main(["bkt", str(rt_csv)])
    out = capsys.readouterr().out
    assert "Halperin-Nelson fit" in out and "Aslamazov-Larkin" in out


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        (["--window", "0.2,0.1"], "--window needs 0 <= MIN < MAX (in K)"),
        (["--window", "abc"], "--window expects MIN,MAX in K"),
        (["--normal-at", "-1"], "--normal-at must be a positive number"),
        (["--normal-at", "5"], "normal_at = 5 K lies outside the data"),
        (["--window", "0.16,0.1601"], "holds 0 points; at least 6 are needed"),
        (["--smoothing", "4"], "smoothing must be an odd number"),
    ],
)
def test_bad_options_fail_in_one_line(rt_csv, capsys, args, msg):
    with pytest.raises(SystemExit) as exc:
        main(["bkt", str(rt_csv), *args])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert msg in err
    assert err.startswith("sc2d bkt: error:")
    assert err.count("\n") == 1


def test_field_family_uses_lowest_field(tmp_path, capsys):
    """An R(T) family stepped in B: the zero-field curve is analysed (and named)."""
    p = models.SampleParams(tc0=0.2, t_bkt=0.15)
    df = sim.measure_rt_field(p, [0.0, 0.004, 0.008], rng=2)
    out = tmp_path / "rt_perp.csv"
    df.rename(
        columns={"T_K": "Temperature (K)", "B_T": "Field (T)", "R_ohm": "Resistance (Ohm)"}
    ).to_csv(out, index=False)
    main(["bkt", str(out), "--json", "--no-al"])
    d = json.loads(capsys.readouterr().out)
    assert "lowest |B| of 3 field steps" in d["source"]
    assert d["t_bkt_K"]["value"] == pytest.approx(0.15, rel=0.01)


def test_gate_family_is_refused(tmp_path, capsys):
    p = models.SampleParams(tc0=0.2, t_bkt=0.15)
    df = sim.measure_gate_rt(p, [-50.0, 50.0], rng=2)
    out = tmp_path / "gate_rt.csv"
    df.rename(
        columns={"T_K": "Temperature (K)", "Vg_V": "Gate Voltage (V)", "R_ohm": "Resistance (Ohm)"}
    ).to_csv(out, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["bkt", str(out)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "holds 2 R(T) curves stepped in Vg_V" in err
