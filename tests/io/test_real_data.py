"""Third-party measured files (../shared/data/real): read without error, physics sane."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sc2d.errors import UnitError
from sc2d.io import ReadOptions, load_curves, read, split_curve_directions

NBSE2 = "nbse2_snse_ppms_nomad"
STONER = "nb_yig_co_rt_stonerlab"
REBCO = "rebco_devitre_ic_tc"
EUS = "al_eus_bars_dilfridge"


def test_nbse2_resistivity_option(real_data: Path) -> None:
    """QD Resistivity option: R(H) at 2.0-2.3 K, |B| <= 1 T, R_n(ch1) ~ 0.465 Ohm."""
    p = real_data / NBSE2 / "Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
    t, curves = load_curves(p, x="B_T", y="R_ohm")
    assert t.format == "qd-dat" and len(t) == 1401
    assert t.meta["channels"] == {"1": "TMR", "2": "Hall"}
    assert t.columns["Rxy_ohm"].original == "Bridge 2 Resistance (Ohms)"
    T = t.column("T_K")
    assert 1.99 < T.min() and T.max() < 2.31
    assert np.nanmax(np.abs(t.column("B_T"))) == pytest.approx(1.0, abs=1e-3)
    np.testing.assert_allclose([c.fixed["T_K"] for c in curves], [2.0, 2.1, 2.2, 2.3], atol=0.01)
    c = curves[0]
    rn = np.median(c.y[np.abs(c.x) > 0.9])
    assert rn == pytest.approx(0.465, abs=0.01)
    assert np.min(np.abs(c.y[np.abs(c.x) < 0.05])) < 0.01  # superconducting at B = 0
    # 2.0 K: one -1 -> +1 T sweep; later temperatures +1 -> -1 -> +1 T
    assert [p.direction for p in split_curve_directions(c)] == ["up"]
    assert [p.direction for p in split_curve_directions(curves[1])] == ["down", "up"]


def test_nbse2_act_option(real_data: Path) -> None:
    """QD AC Transport: interleaved ch1/ch2 rows, Ohm-cm -> rho_ohm_m, 2.0-3.4 K in 0.2 K steps."""
    p = real_data / NBSE2 / "ACT_Ch1_Hall_Ch2_TMR.dat"
    t, curves = load_curves(p, x="B_T", y="R_ohm")
    assert t.columns["rho_ohm_m"].original == "Res. ch2 (ohm-cm)"  # ch1 is the Hall channel
    assert t.meta["resistivity_only"] is True
    T = t.column("T_K")
    assert 1.99 < T.min() and T.max() < 3.45
    np.testing.assert_allclose(
        [c.fixed["T_K"] for c in curves], np.arange(2.0, 3.41, 0.2), atol=0.01
    )
    # rows are interleaved: about half of them carry ch2
    rho = t.column("rho_ohm_m")
    assert 0.4 < np.isfinite(rho).mean() < 0.6
    # normal-state rho ~ 3.5-4.5e-5 Ohm cm = 3.5-4.5e-7 Ohm m at 2 K, |B| = 1 T
    c = curves[0]
    assert 3e-7 < np.median(c.y[np.abs(c.x) > 0.95]) < 5e-7


def test_stoner_tdi_rt(real_data: Path) -> None:
    """TDI text: metadata column dropped; T unitless -> UnitError; with units, Nb Tc ~ 8.0 K."""
    p = real_data / STONER / "6221-Lockin-DAQ Temperature Control -30.0Deg 0.004T.txt"
    with pytest.raises(UnitError, match=r"column 'temperature: T1' .* has no unit; pass --units"):
        read(p)
    opts = ReadOptions(
        x="temperature: T2", y="Nb::R", units={"temperature: T2": "K", "Nb::R": "Ohm"}
    )
    t, curves = load_curves(p, x="T_K", y="R_ohm", opts=opts, by=None)
    assert len(t) == 9102
    assert "TDI Format" in t.meta["tdi_version"]
    assert "2nd Parameter Class" in t.meta["tdi"]
    parts = split_curve_directions(curves[0])
    assert [q.direction for q in parts] == ["down", "up"]  # cool-down then warm-up
    for q in parts:
        x, y = q.x, q.y
        rn = np.median(y[x > 8.8])
        assert rn == pytest.approx(0.713, abs=0.01)
        s = np.argsort(x)
        tc = np.interp(0.5 * rn, y[s][np.argsort(y[s])], x[s][np.argsort(y[s])])
        assert tc == pytest.approx(8.0, abs=0.03)


def test_stoner_iv_files(real_data: Path) -> None:
    """Birge I-V: header lines + footer; Ic ~ 17 uA. DAQ I-V: unnamed units, read raw."""
    t = read(real_data / STONER / "Birge_Group_IV.dat")
    assert len(t) == 339
    cur = t.column("I_A")
    assert cur.min() == pytest.approx(-16.7e-6, rel=0.02) and cur.max() == pytest.approx(
        17e-6, rel=0.02
    )
    assert any("Ic(+)" in f for f in t.meta["footer"])
    assert any("Coil Constant" in s for s in t.meta["preamble"])
    u = read(real_data / STONER / "IV_t2_703 _5.46K.txt")
    assert len(u) == 1000
    assert set(u.data.columns) == {"VA1", "CS1", "VA2", "CS2"}
    assert u.data["CS1"].min() == pytest.approx(-286.9, abs=0.1)
    opts = ReadOptions(x="CS1", y="VA1", units={"CS1": "uA", "VA1": "mV"})
    _, (c,) = load_curves(real_data / STONER / "IV_t2_703 _5.46K.txt", x="I_A", y="V_V", opts=opts)
    sc = np.abs(c.x) < 30e-6
    assert np.max(np.abs(c.y[sc])) < 2e-6  # supercurrent branch


@pytest.mark.parametrize("sub", ["Tc", "IcT_irradiated", "IcT_unirradiated"])
def test_rebco_text_files(real_data: Path, sub: str) -> None:
    """#-commented header: tHTS_K/iHTS_A/vHTS_V recognised; T near 20-93 K."""
    files = sorted((real_data / REBCO / sub).glob("*.txt"))
    assert files
    for f in files:
        t = read(f)
        assert t.columns["T_K"].original == "tHTS_K"
        assert t.columns["I_A"].original == "iHTS_A"
        T = t.column("T_K")
        assert 19 < np.nanmin(T) and np.nanmax(T) < 95
    if sub == "Tc":
        t = read(files[0])  # f23 pristine: V(T) through Tc ~ 88.6 K
        T, V = t.column("T_K"), t.column("V_V")
        hi, lo = np.quantile(T, [0.9, 0.1])
        assert hi > 89 > lo  # the file spans Tc(50%) = 88.6 K
        assert np.median(V[T >= hi]) > 10 * np.median(np.abs(V[T <= lo]))


def test_eus_bars_need_units_then_hysteresis(real_data: Path) -> None:
    """Field column 'magnet_bpar' has no unit; with units, 69 (down) and 70 (up) sweep opposite ways."""
    with pytest.raises(UnitError, match=r"has no unit; pass --units"):
        read(real_data / EUS / "69.dat")
    opts = ReadOptions(units={"magnet_bpar": "T", "lockin_3_ResX": "Ohm"}, y="lockin_3_ResX")
    _, (down,) = load_curves(real_data / EUS / "69.dat", x="B_T", y="R_ohm", opts=opts)
    _, (up,) = load_curves(real_data / EUS / "70.dat", x="B_T", y="R_ohm", opts=opts)
    assert down.direction == "down" and up.direction == "up"
    assert len(down) == 401
    assert np.max(np.abs(down.x)) == pytest.approx(0.25)
    # lockin_3 superconducts near zero field and is normal at 0.25 T
    assert np.min(down.y[np.abs(down.x) < 0.05]) < 0.05 * np.max(down.y)
    opts1 = ReadOptions(units={"bpar": "T", "lockin_1_ResX": "Ohm"})
    t = read(real_data / EUS / "197.dat", units=opts1.units)
    assert np.nanmax(np.abs(t.column("B_T"))) == pytest.approx(0.15)
