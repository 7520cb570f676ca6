"""Sweep segmentation: setpoint blocks, up/down runs, curves from files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sc2d.data import ColumnInfo, Curve, Table
from sc2d.errors import FormatError
from sc2d.io import (
    ReadOptions,
    find_steps,
    is_stepped,
    load_curves,
    split_curve_directions,
    split_sweeps,
)


def _stepped_table(setpoints, n=40, rel_jitter=1e-3, seed=0):
    """R(T) at each field setpoint, T swept down 3 -> 1 K, noisy field readings."""
    rng = np.random.default_rng(seed)
    B = np.repeat(setpoints, n) * (1 + rel_jitter * rng.standard_normal(len(setpoints) * n))
    T = np.tile(np.linspace(3, 1, n), len(setpoints))
    R = 100 / (1 + np.exp(-(T - 2) / 0.05))
    df = pd.DataFrame({"T_K": T, "R_ohm": R, "B_T": B})
    cols = {c: ColumnInfo(c, c.split("_")[1], 1.0) for c in df.columns}
    return Table(df, "mem.csv", "csv", cols, {})


def test_twenty_noisy_field_steps() -> None:
    """20 field steps with 1e-3 relative jitter -> exactly 20 curves at the right setpoints (1e-3)."""
    sp = np.linspace(0.01, 0.2, 20)
    table = _stepped_table(sp)
    _, curves = load_curves(table, x="T_K", y="R_ohm")
    assert len(curves) == 20
    got = np.array([c.fixed["B_T"] for c in curves])
    np.testing.assert_allclose(got, sp, rtol=1e-3)
    assert all(len(c) == 40 and c.direction == "down" for c in curves)
    assert all(c.x_name == "T_K" and c.y_name == "R_ohm" for c in curves)


def test_revisited_setpoint_is_a_new_block() -> None:
    """0.01 -> 0.02 -> 0.01 T gives three blocks, in recorded order."""
    v = np.repeat([0.01, 0.02, 0.01], 10) + 1e-6 * np.random.default_rng(1).standard_normal(30)
    lab = find_steps(v)
    assert list(np.unique(lab)) == [0, 1, 2]
    assert (lab[:10] == 0).all() and (lab[20:] == 2).all()


def test_drifting_temperature_held_fixed() -> None:
    """T held at 2.0 K drifting by 5 mK, then at 2.5 K: two blocks."""
    rng = np.random.default_rng(2)
    t1 = 2.0 + np.linspace(0, 0.005, 200) + 2e-4 * rng.standard_normal(200)
    t2 = 2.5 + np.linspace(0, 0.005, 200) + 2e-4 * rng.standard_normal(200)
    lab = find_steps(np.concatenate([t1, t2]))
    assert lab.max() == 1
    assert (lab[:200] == 0).all() and (lab[200:] == 1).all()


def test_exact_setpoints_and_ramp_rows() -> None:
    """Exact setpoints; short ramps between them are labelled -1."""
    v = np.concatenate([np.full(10, 1.0), [1.3, 1.6], np.full(10, 2.0)])
    lab = find_steps(v)
    assert (lab[:10] == 0).all() and (lab[12:] == 1).all()
    assert (lab[10:12] == -1).all()


def test_glitch_does_not_split_a_block() -> None:
    """A one-point spike inside a block does not cut it in two."""
    v = np.full(50, 2.0)
    v[25] = 5.0
    lab = find_steps(v)
    assert (lab == 0).all()


def test_is_stepped() -> None:
    """Steps are stepped; a ramp, a constant and noise are not."""
    rng = np.random.default_rng(3)
    assert is_stepped(np.repeat([0.0, 1.0, 2.0], 20))
    assert not is_stepped(np.linspace(0, 1, 100))
    assert not is_stepped(np.full(100, 0.5))
    assert not is_stepped(rng.standard_normal(200))


def test_split_sweeps_up_down() -> None:
    """-1 -> 1 -> -1 with 1e-4 noise: two runs, turning point at the top."""
    rng = np.random.default_rng(4)
    x = np.concatenate([np.linspace(-1, 1, 101), np.linspace(1, -1, 101)[1:]])
    x = x + 1e-4 * rng.standard_normal(x.size)
    runs = split_sweeps(x)
    assert len(runs) == 2
    assert abs(runs[0].stop - 101) <= 2
    assert runs[0].start == 0 and runs[-1].stop == x.size


def test_split_sweeps_ignores_small_reversals() -> None:
    """Reversals smaller than the stated noise do not start a run."""
    x = np.array([0, 1, 2, 1.95, 3, 4, 3, 2, 1])
    assert len(split_sweeps(x, noise=0.1)) == 2
    assert len(split_sweeps(x, noise=0.01)) == 3  # 0-2, 1.95-4, 4-1


def test_split_curve_directions() -> None:
    """A cool-down + warm-up curve splits into 'down' and 'up' curves."""
    T = np.concatenate([np.linspace(9, 7, 50), np.linspace(7, 9, 50)])
    c = Curve(T, T * 2, "T_K", "R_ohm")
    parts = split_curve_directions(c)
    assert [p.direction for p in parts] == ["down", "up"]
    assert sum(len(p) for p in parts) == 100


def test_nan_dropped_per_curve_only(tmp_path: Path) -> None:
    """Interleaved channels: NaN in R drops that point only, Rxy keeps its rows."""
    p = tmp_path / "i.csv"
    rows = ["T (K),R (Ohm),Rxy (Ohm)"]
    for i in range(20):
        rows.append(f"{2 + i * 0.01},{i},") if i % 2 == 0 else rows.append(f"{2 + i * 0.01},,{i}")
    p.write_text("\n".join(rows) + "\n")
    t, cr = load_curves(p, x="T_K", y="R_ohm")
    _, cxy = load_curves(t, x="T_K", y="Rxy_ohm")
    assert len(cr[0]) == 10 and len(cxy[0]) == 10
    assert len(t) == 20


def test_read_options_override(tmp_path: Path) -> None:
    """opts.x/y/by name original columns; opts.units states units; by raw column key sanitised."""
    p = tmp_path / "o.csv"
    lines = ["Temp,Res,Run no"]
    for k in range(3):
        for j in range(5):
            lines.append(f"{100 - j * 10},{j},{k + 1}")
    p.write_text("\n".join(lines) + "\n")
    opts = ReadOptions(x="Temp", y="Res", by="Run no", units={"Temp": "mK", "Res": "kOhm"})
    _t, curves = load_curves(p, x="T_K", y="R_ohm", opts=opts)
    assert len(curves) == 3
    assert curves[1].fixed == {"Run_no": 2.0}
    np.testing.assert_allclose(curves[0].x, [0.1, 0.09, 0.08, 0.07, 0.06])
    np.testing.assert_allclose(curves[0].y, [0, 1e3, 2e3, 3e3, 4e3])


def test_by_none_and_no_steps() -> None:
    """by=None: one curve with fixed={} even when a field steps."""
    t = _stepped_table(np.array([0.1, 0.2]))
    _, curves = load_curves(t, x="T_K", y="R_ohm", by=None)
    assert len(curves) == 1 and curves[0].fixed == {}


def test_by_unknown_column() -> None:
    t = _stepped_table(np.array([0.1, 0.2]))
    with pytest.raises(FormatError, match=r"--by Gate: mem\.csv has no such column"):
        load_curves(t, x="T_K", y="R_ohm", opts=ReadOptions(by="Gate"))


def test_missing_y_column() -> None:
    t = _stepped_table(np.array([0.1, 0.2]))
    with pytest.raises(FormatError, match=r"has no gate voltage \(V\) column \(Vg_V\)"):
        load_curves(t, x="T_K", y="Vg_V")


def test_nested_steps_split_together() -> None:
    """Gate outer loop, temperature inner: one curve per (Vg, T) pair."""
    n = 30
    vg = np.repeat([-1.0, 0.0, 1.0], 4 * n)
    T = np.tile(np.repeat([2.0, 3.0, 4.0, 5.0], n), 3)
    current = np.tile(np.linspace(-1e-6, 1e-6, n), 12)
    df = pd.DataFrame({"I_A": current, "V_V": current * 10, "Vg_V": vg, "T_K": T})
    table = Table(df, "g.csv", "csv", {c: ColumnInfo(c, "", 1.0) for c in df.columns}, {})
    _, curves = load_curves(table, x="I_A", y="V_V")
    assert len(curves) == 12
    assert curves[5].fixed == {"Vg_V": 0.0, "T_K": 3.0}


def test_split_2M_rows_into_400_curves() -> None:
    """400 noisy field setpoints x 5000 points give exactly 400 curves (speed: benchmarks/bench_io.py)."""
    rng = np.random.default_rng(5)
    n, m = 5000, 400
    B = np.repeat(np.linspace(0, 4, m), n) + 1e-6 * rng.standard_normal(n * m)
    T = np.tile(np.linspace(5, 0.05, n), m)
    df = pd.DataFrame({"T_K": T, "R_ohm": T * 2, "B_T": B})
    table = Table(df, "big", "csv", {c: ColumnInfo(c, "", 1.0) for c in df.columns}, {})
    _, curves = load_curves(table, x="T_K", y="R_ohm")
    assert len(curves) == m
    assert [len(c) for c in curves] == [n] * m


def test_flicker_is_not_stepped() -> None:
    """A quantised reading flickering between two LSBs is not a set of setpoints."""
    rng = np.random.default_rng(6)
    v = np.where(rng.random(500) < 0.3, 1e-5, 0.0)
    assert not is_stepped(v)


def test_table_with_user_y_alternative() -> None:
    """A Table plus opts.y naming a raw alternative column: converted with its unit."""
    df = pd.DataFrame(
        {
            "T_K": [1.0, 2.0, 3.0],
            "R_ohm": [1.0, 2.0, 3.0],
            "Bridge 2 Resistance (kOhm)": [4.0, 5.0, 6.0],
        }
    )
    t = Table(
        df, "a.csv", "csv", {"T_K": ColumnInfo("T", "K"), "R_ohm": ColumnInfo("R", "Ohm")}, {}
    )
    _, (c,) = load_curves(t, x="T_K", y="R_ohm", opts=ReadOptions(y="Bridge 2 Resistance (kOhm)"))
    np.testing.assert_allclose(c.y, [4e3, 5e3, 6e3])


def test_table_with_user_y_without_unit() -> None:
    df = pd.DataFrame({"T_K": [1.0, 2.0, 3.0], "chan7": [1.0, 2.0, 3.0]})
    t = Table(df, "a.csv", "csv", {"T_K": ColumnInfo("T", "K")}, {})
    with pytest.raises(
        FormatError, match=r"column 'chan7' in a\.csv has no unit; pass --units 'chan7=Ohm'"
    ):
        load_curves(t, x="T_K", y="R_ohm", opts=ReadOptions(y="chan7"))
    _, (c,) = load_curves(
        t, x="T_K", y="R_ohm", opts=ReadOptions(y="chan7", units={"chan7": "mOhm"})
    )
    np.testing.assert_allclose(c.y, [1e-3, 2e-3, 3e-3])


def test_inf_nan_rows_dropped_per_curve() -> None:
    """Rows with NaN/inf x or y are dropped from that curve only."""
    df = pd.DataFrame({"T_K": [1.0, np.nan, 3.0, 4.0], "R_ohm": [1.0, 2.0, np.inf, 4.0]})
    t = Table(df, "a.csv", "csv", {c: ColumnInfo(c, "") for c in df.columns}, {})
    _, (c,) = load_curves(t, x="T_K", y="R_ohm")
    np.testing.assert_allclose(c.x, [1.0, 4.0])


def test_inputs_not_modified() -> None:
    """find_steps / split_sweeps never write to their inputs (read-only arrays accepted)."""
    v = np.repeat([1.0, 2.0, np.nan, 3.0], 5)
    v.setflags(write=False)
    find_steps(v)
    split_sweeps(v)
    assert np.isnan(v[10])


def test_held_noisy_reading_is_one_block() -> None:
    """A sample-and-hold thermometer (20.03 +- 0.01 K, each reading held 2-6 rows) is not stepped."""
    rng = np.random.default_rng(7)
    holds = rng.integers(2, 7, 40)
    v = np.repeat(20.03 + 0.01 * rng.standard_normal(40), holds)
    assert not is_stepped(v)
    assert (find_steps(v) == 0).all()


def test_quantised_slow_ramp_is_not_stepped() -> None:
    """T swept 9 -> 7 K read with 1 mK resolution: a fine staircase, not a family."""
    v = np.round(np.linspace(9, 7, 9000), 3)
    assert not is_stepped(v)


def test_exact_setpoints_revisited() -> None:
    """Exact gate loop 0, 1, 0, -1, 0 V (20 rows each): five blocks, stepped."""
    v = np.repeat([0.0, 1.0, 0.0, -1.0, 0.0], 20)
    lab = find_steps(v)
    assert lab.max() == 4
    assert is_stepped(v)


def test_exact_small_steps_before_large_ones_are_not_merged() -> None:
    """Exact rotator angles -4...4 deg in 0.5 deg steps, then 30...90 deg (20 rows each).

    Readings repeat exactly, so there is no within-block scatter: every change,
    0.5 deg as well as 26 deg, starts a new block (20 blocks at the setpoints).
    """
    setpoints = np.concatenate([np.arange(-4.0, 4.01, 0.5), [30.0, 60.0, 90.0]])
    v = np.repeat(setpoints, 20)
    lab = find_steps(v)
    assert lab.max() + 1 == setpoints.size
    means = np.bincount(lab, weights=v) / np.bincount(lab)
    np.testing.assert_array_equal(means, setpoints)
    assert is_stepped(v)


def test_quantised_settling_and_flicker_stay_one_block() -> None:
    """Setpoints 2.0, 2.5, 3.0, 3.5 K read with 1 mK resolution: four blocks each time.

    A reading settling by 1 mK per few rows (spanning 4 mK << 0.5 K) or
    flickering by one LSB is scatter of a held setpoint, not new setpoints.
    """
    sp = (2.0, 2.5, 3.0, 3.5)
    settle = np.concatenate(
        [np.repeat([s + 0.004, s + 0.003, s + 0.002, s + 0.001, s], [4, 4, 4, 5, 60]) for s in sp]
    )
    rng = np.random.default_rng(8)
    flicker = np.concatenate([s + np.where(rng.random(60) < 0.3, 1e-3, 0.0) for s in sp])
    for v in (settle, flicker):
        lab = find_steps(v)
        assert lab.max() + 1 == 4
        means = np.bincount(lab, weights=v) / np.bincount(lab)
        np.testing.assert_allclose(means, sp, atol=5e-3)


def _iv_family(with_time: bool):
    """200 I-V curves (S3-like, 0.02-0.20 K, 0.9 mK apart) with the default 0.2% T scatter."""
    from sc2d.simulate import SampleParams, measure_iv

    p = SampleParams(r_n=300.0, tc0=0.19, t_bkt=0.178, b=0.5, t_bkt_iv=0.138, ic0=4.4e-6)
    temps = np.linspace(0.02, 0.20, 200)
    df = measure_iv(p, temps, rng=3)
    if not with_time:
        df = df.drop(columns="t_s")
    table = Table(df, "iv.csv", "csv", {c: ColumnInfo(c, "", 1.0) for c in df.columns}, {})
    return temps, table


@pytest.mark.parametrize("with_time", [True, False])
def test_iv_setpoints_closer_than_the_scatter(with_time: bool) -> None:
    """200 I-V curves 0.9 mK apart, T read with 0.2% scatter (0.4 mK at 0.2 K): 200 curves.

    A single difference cannot tell a 0.9 mK step from the scatter; the pause
    in t_s (or, without a time column, the current starting again at 0, 13 nA,
    14 nA ...) marks where a new curve may start, and the block means (SE
    ~0.02 mK) do differ. Each setpoint within half the single-reading scatter.
    """
    temps, table = _iv_family(with_time)
    _, curves = load_curves(table, x="I_A", y="V_V")
    assert len(curves) == 200
    got = np.array([c.fixed["T_K"] for c in curves])
    assert np.all(np.abs(got - temps) <= 0.5 * 2e-3 * temps)
    assert sum(len(c) for c in curves) >= 200 * 481 - 10  # at most a few rows lost to glitches


def test_breaks_do_not_split_a_held_setpoint() -> None:
    """Repeated sweeps at one setpoint (same level within the scatter) stay one block;
    a turn of the swept variable at its start is not a new sweep."""
    rng = np.random.default_rng(10)
    v = 2.0 + 1e-4 * rng.standard_normal(300)
    breaks = np.zeros(300, dtype=bool)
    breaks[[100, 200]] = True
    assert (find_steps(v, breaks=breaks) == 0).all()
    # field -1 -> +1 -> -1 -> +1 T at 2 K: the second -1 -> +1 leg is not a restart
    leg = np.linspace(-1, 1, 101)
    b = np.concatenate([leg, leg[::-1][1:], leg[1:]])
    T = 2.0 + 1e-5 * rng.standard_normal(b.size) + np.where(np.arange(b.size) > 200, 3e-5, 0.0)
    df = pd.DataFrame({"B_T": b, "R_ohm": 1 + b**2, "T_K": T})
    t = Table(df, "b.csv", "csv", {c: ColumnInfo(c, "", 1.0) for c in df.columns}, {})
    _, curves = load_curves(t, x="B_T", y="R_ohm")
    assert len(curves) == 1


def test_many_short_blocks_do_not_inflate_the_threshold() -> None:
    """50 setpoints of 4 rows, 15 sigma apart: a quarter of the differences are jumps,
    which must not count as scatter (the threshold is 10x the median of the rest,
    9.5 sigma; with the jumps counted it was 14 sigma and merged setpoints)."""
    rng = np.random.default_rng(11)
    sp = np.arange(50) * 0.015
    v = np.repeat(sp, 4) + 1e-3 * rng.standard_normal(200)
    lab = find_steps(v)
    assert lab.max() + 1 == 50
    means = np.bincount(lab[lab >= 0], weights=v[lab >= 0]) / np.bincount(lab[lab >= 0])
    np.testing.assert_allclose(means, sp, atol=2e-3)


def test_breaks_must_match_the_rows() -> None:
    with pytest.raises(ValueError, match=r"breaks has 3 rows, values has 30"):
        find_steps(np.repeat([1.0, 2.0, 3.0], 10), breaks=[True, False, False])
