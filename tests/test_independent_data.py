"""Independent-data checks of the sc2d command line.

Every input file here is written by hand with numpy/pandas from a closed-form
model -- never with ``sc2d.simulate`` or any sc2d writer -- in the layouts and
units real instruments write (Quantum Design .dat with CRLF, mK/kOhm CSVs,
whitespace tables, Oe/uA/uV columns).  The real CLI runs in a subprocess and
its JSON is compared with the closed-form truth at stated tolerances.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

E = 1.602176634e-19  # C
PHI0 = 6.62607015e-34 / (2 * E)  # Wb


# --------------------------------------------------------------------------- helpers
def run_cli(*args: str | Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "sc2d", *map(str, args), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"sc2d {args} failed: {proc.stderr.strip()}"
    return json.loads(proc.stdout)


def val(x):
    """An estimate is a number or {"value": x, ...}."""
    if isinstance(x, dict):
        return float(x["value"])
    return float(x)


def tc_at(result: dict, crit: str) -> float:
    return val(result["tc_K"][crit])


def rel(a: float, b: float) -> float:
    return abs(a - b) / abs(b)


# --------------------------------------------------------------------------- 1. tc
RN, TC, W = 412.0, 0.31, 0.008
T_NORMAL = 0.5


def r_tanh(t, tc=TC, w=W, rn=RN):
    return 0.5 * rn * (1.0 + np.tanh((np.asarray(t) - tc) / w))


def tc_truth(frac: float, tc=TC, w=W, rn=RN, t_normal=T_NORMAL) -> float:
    """T where the closed form reaches frac * R(t_normal) (the --normal-at reference)."""
    rref = float(r_tanh(t_normal, tc, w, rn))
    return brentq(lambda t: float(r_tanh(t, tc, w, rn)) - frac * rref, tc - 20 * w, tc + 20 * w)


def noisy_rt(seed: int, t: np.ndarray, **kw) -> np.ndarray:
    rng = np.random.default_rng(seed)
    r = r_tanh(t, **kw)
    return r * (1.0 + 0.003 * rng.standard_normal(t.size))


def check_tc(res: dict, tc=TC, w=W, rn=RN) -> None:
    for crit, tol in (("0.5", 0.005), ("0.9", 0.01), ("0.1", 0.01)):
        truth = tc_truth(float(crit), tc, w, rn)
        got = tc_at(res, crit)
        assert rel(got, truth) < tol, f"Tc({crit}) = {got:.5f} K, truth {truth:.5f} K"
    assert rel(val(res["r_normal_ohm"]), float(r_tanh(T_NORMAL, tc, w, rn))) < 0.01


T_GRID = np.linspace(0.20, 0.55, 351)  # 1 mK steps


def test_tc_quantum_design_dat(tmp_path: Path) -> None:
    t = T_GRID
    r = noisy_rt(1, t)
    lines = [
        "[Header]",
        "; VERSION 1.0",
        "INFO,PPMS ACT Option,APPNAME",
        "INFO,sample KTO-001,SAMPLE",
        "INFO,Bridge 1: 4-wire,BRIDGE",
        "BYAPP,Resistivity,1.0",
        "[Data]",
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms)",
    ]
    ts = 3.8e9 + 10.0 * np.arange(t.size)
    rng = np.random.default_rng(11)
    field = 0.02 * rng.standard_normal(t.size)  # remanent-field readback jitter, Oe
    for k in range(t.size):
        lines.append(f",{ts[k]:.3f},{t[k]:.6f},{field[k]:.4f},{r[k]:.6f},")
    path = tmp_path / "rt.dat"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    res = run_cli("tc", path, "--normal-at", T_NORMAL)
    assert "curves" not in res or len(res["curves"]) == 1
    if "curves" in res and "tc_K" not in res:
        res = res["curves"][0]
    check_tc(res)


def test_tc_csv_mK_kOhm_decreasing(tmp_path: Path) -> None:
    t = T_GRID[::-1]
    r = noisy_rt(2, t)
    pd.DataFrame({"T (mK)": t * 1e3, "R (kOhm)": r / 1e3}).to_csv(
        tmp_path / "rt.csv", index=False, float_format="%.7g"
    )
    res = run_cli("tc", tmp_path / "rt.csv", "--normal-at", T_NORMAL)
    check_tc(res)


def test_tc_whitespace_table(tmp_path: Path) -> None:
    t = T_GRID
    r = noisy_rt(3, t)
    text = "# cooldown 7, lock-in 13 Hz, 10 nA\nTemp[K] Rxx[Ohm]\n" + "".join(
        f"{a:.6f}   {b:.5f}\n" for a, b in zip(t, r, strict=False)
    )
    (tmp_path / "rt.txt").write_text(text)
    res = run_cli("tc", tmp_path / "rt.txt", "--normal-at", T_NORMAL)
    check_tc(res)


def test_tc_field_stepped(tmp_path: Path) -> None:
    bc = 0.100  # T
    fields_mT = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
    frames = []
    for k, b_mT in enumerate(fields_mT):
        tcb = TC * (1.0 - b_mT * 1e-3 / bc)
        t = np.linspace(0.12, 0.55, 431)
        frames.append(
            pd.DataFrame({"B (mT)": b_mT, "T (K)": t, "R (Ohm)": noisy_rt(20 + k, t, tc=tcb)})
        )
    pd.concat(frames).to_csv(tmp_path / "rt_field.csv", index=False, float_format="%.7g")
    res = run_cli("tc", tmp_path / "rt_field.csv", "--normal-at", T_NORMAL)
    curves = res["curves"]
    assert len(curves) == len(fields_mT)
    got_b = sorted(val(c["B_T"]) for c in curves)
    np.testing.assert_allclose(got_b, fields_mT * 1e-3, atol=1e-6)
    for c in curves:
        tcb = TC * (1.0 - val(c["B_T"]) / bc)
        check_tc(c, tc=tcb)


# --------------------------------------------------------------------------- 2. hall
N_S_CM2 = 5.3e13
RXX = 350.0


def write_hall(path: Path, sign: int, seed: int) -> None:
    """sign=-1: electrons (R_xy = -B/(e n)); +1: holes."""
    rng = np.random.default_rng(seed)
    n_m2 = N_S_CM2 * 1e4
    b = np.concatenate([np.linspace(-9, 9, 181), np.linspace(9, -9, 181)[1:]])  # -9 -> +9 -> -9 T
    misalign = 0.015
    rxy = sign * b / (E * n_m2) + misalign * RXX
    rxy = rxy + 0.02 * rng.standard_normal(b.size)  # 20 mOhm lock-in noise
    rxx = RXX * (1.0 + 1e-4 * rng.standard_normal(b.size))
    pd.DataFrame(
        {
            "Magnetic Field (Oe)": b * 1e4,
            "Hall Resistance (Ohm)": rxy,
            "Rxx (Ohm)": rxx,
        }
    ).to_csv(path, index=False, float_format="%.8g")


@pytest.mark.parametrize("sign,carrier", [(-1, "electron"), (+1, "hole")])
def test_hall(tmp_path: Path, sign: int, carrier: str) -> None:
    path = tmp_path / "hall.csv"
    write_hall(path, sign, seed=5 if sign < 0 else 6)
    res = run_cli("hall", path)
    assert rel(val(res["n_s_cm2"]), N_S_CM2) < 0.005, res["n_s_cm2"]
    assert res["carrier"] == carrier
    mu_truth = 1.0 / (E * N_S_CM2 * RXX)  # cm^2/Vs
    assert rel(val(res["mobility_cm2_per_Vs"]), mu_truth) < 0.01, res["mobility_cm2_per_Vs"]


# --------------------------------------------------------------------------- 3. iv
TB_IV = 0.2
V0, I0 = 1e-3, 10e-6  # V at I0
V_NOISE = 2e-9


def alpha_of_t(t: float) -> float:
    return float(min(1.0 + 2.0 * (TB_IV / t) ** 4, 8.0))


def clean_decades(alpha: float) -> float:
    """Decades of current where the power-law voltage exceeds 50x the noise."""
    i_min = I0 * (50 * V_NOISE / V0) ** (1.0 / alpha)
    return math.log10(I0 / max(i_min, 1e-9))


def test_iv_power_law(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    temps = np.round(np.arange(0.14, 0.2601, 0.01), 3)
    i_pos = np.logspace(-9, -5, 81)
    frames = []
    for t in temps:
        a = alpha_of_t(t)
        i = np.concatenate([i_pos, -i_pos])
        v = np.sign(i) * V0 * (np.abs(i) / I0) ** a + V_NOISE * rng.standard_normal(i.size)
        frames.append(
            pd.DataFrame({"Temperature (K)": t, "Current (uA)": i * 1e6, "Voltage (uV)": v * 1e6})
        )
    path = tmp_path / "iv.csv"
    pd.concat(frames).to_csv(path, index=False, float_format="%.9g")
    res = run_cli("iv", path)
    assert rel(val(res["t_bkt_K"]), TB_IV) < 0.02, res["t_bkt_K"]
    curves = res["curves"]
    assert len(curves) == temps.size
    bad = []
    for c in curves:
        t = val(c["T_K"])
        truth = alpha_of_t(t)
        if clean_decades(truth) < 1.0:
            continue  # the power law spans less than a decade above the noise
        if c.get("alpha") is None or abs(val(c["alpha"]) - truth) > 0.2:
            bad.append((t, c.get("alpha"), truth))
    assert not bad, f"alpha off by > 0.2 (T, got, truth): {bad}"


# --------------------------------------------------------------------------- 4. hc2
TC_H = 0.3
B0_PERP = 0.02
B0_PAR = 0.9
W_H = 0.004
T_NORMAL_H = 0.45


def test_hc2_gl(tmp_path: Path) -> None:
    rng = np.random.default_rng(9)
    t = np.linspace(0.02, 0.5, 481)
    rows = []
    for b_mT in np.arange(0.0, 15.5, 1.0):
        tcb = TC_H * (1.0 - b_mT * 1e-3 / B0_PERP)
        r = noisy_rt(100 + int(b_mT), t, tc=tcb, w=W_H, rn=RN)
        oe = b_mT * 10.0 + 0.05 * rng.standard_normal(t.size)  # magnet readback jitter
        rows.append(
            pd.DataFrame({"Temperature (K)": t, "Magnetic Field (Oe)": oe, "Resistance (Ohm)": r})
        )
    perp = tmp_path / "perp.csv"
    pd.concat(rows).to_csv(perp, index=False, float_format="%.7g")

    rows = []
    for b in np.round(np.arange(0.0, 0.801, 0.1), 3):
        tcb = TC_H * (1.0 - (b / B0_PAR) ** 2)
        r = noisy_rt(200 + int(b * 10), t, tc=tcb, w=W_H, rn=RN)
        rows.append(pd.DataFrame({"T (K)": t, "B (T)": b, "R (Ohm)": r}))
    par = tmp_path / "par.csv"
    pd.concat(rows).to_csv(par, index=False, float_format="%.7g")

    res = run_cli("hc2", "--perp", perp, "--par", par, "--normal-at", T_NORMAL_H)
    xi = math.sqrt(PHI0 / (2 * math.pi * B0_PERP))
    d = math.sqrt(12.0) * PHI0 / (2 * math.pi * xi * B0_PAR)
    errs = {
        "hc2_perp_0_T": rel(val(res["hc2_perp_0_T"]), B0_PERP),
        "hc2_par_0_T": rel(val(res["hc2_par_0_T"]), B0_PAR),
        "xi_gl_nm": rel(val(res["xi_gl_nm"]), xi * 1e9),
        "d_sc_nm": rel(val(res["d_sc_nm"]), d * 1e9),
    }
    tols = {"hc2_perp_0_T": 0.02, "hc2_par_0_T": 0.02, "xi_gl_nm": 0.01, "d_sc_nm": 0.03}
    failed = {k: (val(res[k]), errs[k]) for k in errs if errs[k] > tols[k]}
    assert not failed, f"(value, rel. error) beyond tolerance: {failed}"


# --------------------------------------------------------------------------- 5. bkt
TB, B_HN, R0_HN, RN_HN = 0.15, 1.0, 5000.0, 1000.0


def test_bkt_halperin_nelson(tmp_path: Path) -> None:
    rng = np.random.default_rng(13)
    t = np.linspace(0.10, 0.40, 601)  # 0.5 mK steps
    x = np.clip(t / TB - 1.0, 1e-12, None)
    hn = np.where(t > TB, R0_HN * np.exp(-B_HN / np.sqrt(x)), 0.0)
    r = np.minimum(RN_HN, hn) * (1.0 + 0.002 * rng.standard_normal(t.size))
    pd.DataFrame({"Temperature (K)": t, "Resistance (Ohm)": r}).to_csv(
        tmp_path / "rt.csv", index=False, float_format="%.8g"
    )
    res = run_cli("bkt", tmp_path / "rt.csv")
    assert rel(val(res["t_bkt_K"]), TB) < 0.03, res["t_bkt_K"]
    assert rel(val(res["t_bkt_linearized_K"]), TB) < 0.05, res["t_bkt_linearized_K"]


# --------------------------------------------------------------------------- 6. vdp
def vdp_truth(ra: float, rb: float) -> float:
    def f(rs):
        return math.exp(-math.pi * ra / rs) + math.exp(-math.pi * rb / rs) - 1.0

    return brentq(f, 1e-3 * min(ra, rb), 1e3 * (ra + rb), xtol=1e-12, rtol=1e-14)


@pytest.mark.parametrize("ra,rb", [(100.0, 100.0), (37.2, 37.2), (100.0, 250.0)])
def test_vdp(ra: float, rb: float) -> None:
    res = run_cli("vdp", "--ra", ra, "--rb", rb)
    truth = vdp_truth(ra, rb)
    if ra == rb:
        assert rel(truth, 4.532360 * ra) < 1e-6
    assert rel(val(res["r_s_ohm"]), truth) < 1e-6


# --------------------------------------------------------------------------- extras
def test_tc_qd_dat_interleaved_bridges(tmp_path: Path) -> None:
    """PPMS writes two bridge channels on alternating rows, the other cell blank."""
    t = T_GRID
    r1 = noisy_rt(1, t)
    r2 = noisy_rt(4, t, tc=0.25, rn=800.0)
    lines = [
        "[Header]",
        "INFO,PPMS ACT Option,APPNAME",
        "[Data]",
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms)",
    ]
    for k in range(t.size):
        lines.append(f",{10.0 * k:.1f},{t[k]:.6f},0.0,{r1[k]:.6f},")
        lines.append(f",{10.0 * k + 5:.1f},{t[k] + 2e-4:.6f},0.0,,{r2[k]:.6f}")
    path = tmp_path / "two.dat"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    check_tc(run_cli("tc", path, "--normal-at", T_NORMAL))  # Bridge 1 by default
    res2 = run_cli("tc", path, "--normal-at", T_NORMAL, "--y", "Bridge 2 Resistance (Ohms)")
    assert rel(tc_at(res2, "0.5"), tc_truth(0.5, tc=0.25, rn=800.0)) < 0.005


def test_tc_default_normal_reference(tmp_path: Path) -> None:
    """Flat normal state: the default R_N (top 5% of T) must give the same Tc."""
    t = T_GRID
    pd.DataFrame({"Temperature (K)": t, "Resistance (Ohm)": noisy_rt(8, t)}).to_csv(
        tmp_path / "rt.csv", index=False
    )
    res = run_cli("tc", tmp_path / "rt.csv")
    assert rel(tc_at(res, "0.5"), TC) < 0.005
    assert rel(val(res["r_normal_ohm"]), RN) < 0.005


def test_hall_rs_override(tmp_path: Path) -> None:
    path = tmp_path / "hall.csv"
    write_hall(path, -1, seed=5)
    res = run_cli("hall", path, "--rs", 700.0)
    assert rel(val(res["mobility_cm2_per_Vs"]), 1.0 / (E * N_S_CM2 * 700.0)) < 0.01


def test_bad_input_one_line_exit_2(tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("Temperature (K),Current (uA)\n0.1,1\n0.2,2\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sc2d", "tc", str(tmp_path / "bad.csv"), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "bad.csv" in proc.stderr


def test_tc_semicolon_decimal_comma(tmp_path: Path) -> None:
    """European LabVIEW/Excel export: ';' separator, decimal commas, BOM (README: supported)."""
    t = T_GRID
    r = noisy_rt(9, t)
    body = "".join(f"{a:.6f};{b:.4f}\n".replace(".", ",") for a, b in zip(t, r, strict=False))
    (tmp_path / "eu.csv").write_text(
        "Temperature (K);Resistance (Ohm)\n" + body, encoding="utf-8-sig"
    )
    check_tc(run_cli("tc", tmp_path / "eu.csv", "--normal-at", T_NORMAL))
