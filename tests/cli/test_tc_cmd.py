"""``sc2d tc``: the DESIGN contract on CSV, TSV and Quantum Design files.

Files are written by the tests with unit variants (mK, kOhm, Oe); R(T) is
the broadened step R_N [1 + tanh((T - Tc)/w)]/2 whose crossings are exact.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from sc2d.cli import main

TC, W, RN = 0.200, 0.010, 300.0


def step(t, tc=TC):
    return RN * 0.5 * (1 + np.tanh((np.asarray(t, float) - tc) / W))


def truth(f, tc=TC):
    """T where the step equals f R(0.4 K): tc + w atanh(2 f r - 1), r = R(0.4)/R_N."""
    r04 = 0.5 * (1 + math.tanh((0.4 - tc) / W))
    return tc + W * math.atanh(2 * f * r04 - 1)


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def write_csv(path, t, r, header="Temperature (mK),Resistance (kOhm)", scale=(1e3, 1e-3), sep=","):
    lines = [header]
    for a, b in zip(t, r, strict=False):
        lines.append(
            f"{a * scale[0]:.9g}{sep}{'' if not np.isfinite(b) else f'{b * scale[1]:.9g}'}"
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def rt_data(seed=0, n=400, blanks=0):
    rng = np.random.default_rng(seed)
    t = np.linspace(0.5, 0.05, n)
    r = step(t) + rng.normal(0, 0.2, n)
    if blanks:
        r[rng.choice(n, blanks, replace=False)] = np.nan
    return t, r


def write_qd(path, t, b_oe, r):
    head = [
        "[Header]",
        "; Quantum Design PPMS Resistivity Option data file",
        "TITLE,test sample",
        "BYAPP,Resistivity, 1.6 Build 19",
        "INFO,Sample A,SAMPLE1_NAME",
        "FILEOPENTIME,3814797900,03/14/2025,05:05 PM",
        "[Data]",
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistance (Ohms),Bridge 1 Excitation (uA),Bridge 2 Resistance (Ohms)",
    ]
    rows = [
        f",{3814797900 + 4 * i},{a:.9g},{c:.6g},{d:.9g},0.01,"
        for i, (a, c, d) in enumerate(zip(t, b_oe, r, strict=False))
    ]
    path.write_bytes(("\r\n".join(head + rows) + "\r\n").encode())
    return path


def test_csv_mk_kohm_json_contract(tmp_path, capsys):
    """Temperature in mK and R in kOhm: tc_K keyed by criterion as written,
    r_normal_ohm in Ohm; values match the SI truth."""
    t, r = rt_data(blanks=5)
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, out, err = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert set(d["tc_K"]) == {"0.9", "0.5", "0.1"}
    for c in ("0.9", "0.5", "0.1"):
        assert d["tc_K"][c]["value"] == pytest.approx(truth(float(c)), rel=2e-3)
        assert d["tc_K"][c]["stderr"] > 0
    assert d["r_normal_ohm"]["value"] == pytest.approx(float(step(0.4)), abs=0.3)
    assert "R(0.4 K)" in d["r_normal_ohm"]["method"]
    assert d["direction"] == "down"
    assert out.count("\n") == 1 and err == ""


def test_criteria_as_written(tmp_path, capsys):
    t, r = rt_data()
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, out, _ = run(capsys, "tc", f, "--criteria", "0.50, 0.99,0.2", "--json")
    assert code == 0
    d = json.loads(out)
    assert list(d["tc_K"]) == ["0.50", "0.99", "0.2"]
    assert "median of R over the top 5% of T" in d["r_normal_ohm"]["method"]


def test_text_summary(tmp_path, capsys):
    t, r = rt_data()
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, out, _ = run(capsys, "tc", f, "--normal-at", "0.4")
    assert code == 0
    assert "R_N = " in out and "R(0.4 K) interpolated" in out
    assert "Tc(0.5 R_N) = 0.2" in out and "±" in out


def test_tsv_stepped_field_in_oe_gives_curves(tmp_path, capsys):
    """TSV, field stepped 0/50/100 Oe: one result per step with B_T in tesla."""
    rng = np.random.default_rng(1)
    lines = ["T [K]\tField (Oe)\tR [Ohm]"]
    t = np.linspace(0.5, 0.05, 300)
    tcs = {0: 0.2, 50: 0.19, 100: 0.18}
    for b, tc in tcs.items():
        r = step(t, tc) + rng.normal(0, 0.2, t.size)
        lines += [
            f"{a:.9g}\t{b + rng.normal(0, 0.01):.6g}\t{c:.9g}" for a, c in zip(t, r, strict=False)
        ]
    f = tmp_path / "rt_perp.tsv"
    f.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["stepped"] == "B_T" and len(d["curves"]) == 3
    for cur, (b, tc) in zip(d["curves"], tcs.items(), strict=False):
        assert cur["B_T"] == pytest.approx(b * 1e-4, abs=1e-5)
        assert cur["tc_K"]["0.5"]["value"] == pytest.approx(truth(0.5, tc), rel=2e-3)
        assert "r_normal_ohm" in cur


def test_quantum_design_file(tmp_path, capsys):
    """QD .dat with [Header]/[Data], CRLF, Bridge 1 Resistance (Ohms), field
    in Oe held at zero, Bridge 2 empty."""
    t, r = rt_data(seed=2)
    f = write_qd(tmp_path / "rt.dat", t, np.zeros(t.size), r)
    code, out, err = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(truth(0.5), rel=2e-3)


def test_units_option_for_unitless_columns(tmp_path, capsys):
    t, r = rt_data(seed=3)
    f = write_csv(tmp_path / "rt.csv", t, r, header="Temp,Res", scale=(1e3, 1e-3))
    code, out, err = run(
        capsys, "tc", f, "--units", "Temp=mK", "--units", "Res=kOhm", "--normal-at", "0.4", "--json"
    )
    assert code == 0, err
    assert json.loads(out)["tc_K"]["0.5"]["value"] == pytest.approx(truth(0.5), rel=2e-3)


def test_partially_reached_is_null_with_flag(tmp_path, capsys):
    """R falls to 30% of R_N: 0.1 is null with its flag, exit 0."""
    t, r = rt_data(seed=4)
    f = write_csv(tmp_path / "rt.csv", t, 0.3 * RN + 0.7 * r)
    code, out, _ = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 0
    d = json.loads(out)
    assert d["tc_K"]["0.1"]["value"] is None
    assert "criterion 0.1 not reached" in d["tc_K"]["0.1"]["flag"]
    assert d["tc_K"]["0.5"]["value"] is not None


def test_no_transition_is_a_one_line_error(tmp_path, capsys):
    t = np.linspace(0.5, 0.05, 200)
    f = write_csv(tmp_path / "flat.csv", t, RN * (0.92 + 0.08 * (t > 0.3)))
    code, out, err = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 2 and out == ""
    assert err == (
        "sc2d tc: error: no superconducting transition in flat.csv: R falls only to 92% of "
        "R(0.4 K) at the lowest T (0.05 K); criterion 0.9 not reached\n"
    )


def test_normal_at_outside_range(tmp_path, capsys):
    t, r = rt_data()
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, _, err = run(capsys, "tc", f, "--normal-at", "4")
    assert code == 2
    assert "rt.csv" in err and "outside the data range 0.05-0.5 K" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--criteria", "0.5,abc"], "--criteria expects fractions"),
        (["--criteria", "1.5"], "--criteria values must lie between 0 and 1"),
        (["--normal-at", "-1"], "--normal-at must be a positive number"),
        (["--normal-at", "0.4", "--normal-window", "0.3", "0.5"], "not both"),
        (["--normal-window", "0.5", "0.3"], "--normal-window expects LO HI"),
        (["--units", "Temp"], "--units expects COL=UNIT"),
    ],
)
def test_bad_options(tmp_path, capsys, args, message):
    t, r = rt_data()
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, out, err = run(capsys, "tc", f, *args)
    assert code == 2 and out == ""
    assert message in err and err.startswith("sc2d tc: error:")


def test_missing_file_and_unitless_column(tmp_path, capsys):
    code, _, err = run(capsys, "tc", tmp_path / "nope.csv")
    assert code == 2 and "nope.csv" in err
    t, r = rt_data()
    f = write_csv(tmp_path / "rt.csv", t, r, header="Temp,Res")
    code, _, err = run(capsys, "tc", f)
    assert code == 2 and "--units" in err and err.count("\n") == 1


def test_normal_window_option(tmp_path, capsys):
    t, r = rt_data(seed=5)
    f = write_csv(tmp_path / "rt.csv", t, r)
    code, out, _ = run(capsys, "tc", f, "--normal-window", "0.3", "0.5", "--json")
    assert code == 0
    d = json.loads(out)
    assert "linear fit" in d["r_normal_ohm"]["method"]
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(TC, rel=2e-3)


def test_forward_model_qd_file(tmp_path, capsys):
    """Forward-model R(T) written as a QD file (kOhm-free, Oe field): Tc(50%)
    within 0.5% of the noiseless truth."""
    sim = pytest.importorskip("sc2d.simulate")
    from sc2d.simulate.writers import write_qd as sim_write_qd

    p = sim.SampleParams(r_n=300.0, tc0=0.19, t_bkt=0.178, b=0.5, inhomogeneity=0.05)
    df = sim.measure_rt(p, rng=7, glitches=0.005, blanks=0.01)
    f = sim_write_qd(df, tmp_path / "model.dat")
    code, out, err = run(capsys, "tc", f, "--normal-at", "0.4", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(sim.true_tc(p, 0.5, 0.4), rel=5e-3)


# --------------------------------------------------------------------------- V(T) at fixed I
REBCO_TC = "rebco_devitre_ic_tc/Tc"


@pytest.mark.parametrize(
    ("pattern", "tc_hand", "tol"),
    [
        ("*f23-pristine.txt", 88.60, 0.1),  # PROVENANCE.md: Tc(50 %) = 88.60 K
        ("*18-36-*_pristine.txt", 88.5, 0.1),  # ffj24, ~0.4 mA: "≈88.5 K, from V"
        ("*f23-step2.txt", 86.96, 0.2),  # noisy warming run after irradiation step 2
    ],
)
def test_rebco_tc_from_voltage_at_fixed_current(real_data, capsys, pattern, tc_hand, tol):
    """REBCO tape V(T) at ~2 mA (no resistance column): --y vHTS_V analyses R = V/I.

    The criteria are fractions of R_N, so Tc does not depend on I; R_N = V_N/I
    is ~1 mOhm (2.2 uV / 2 mA for f23); the method says V stands in for R.
    """
    (f,) = sorted((real_data / REBCO_TC).glob(pattern))
    code, out, err = run(capsys, "tc", f, "--y", "vHTS_V", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(tc_hand, abs=tol)
    assert "R = V/I at fixed I" in d["tc_K"]["0.5"]["method"]
    assert "median of 'iHTS_A'" in d["r_normal_ohm"]["method"]
    assert 3e-4 < d["r_normal_ohm"]["value"] < 1e-2


def test_rebco_step11_tc_from_the_raw_columns(real_data, capsys):
    """REBCO f23 after irradiation step 11: Tc(50%) checked against a hand computation
    from the raw columns (V sorted by the sample temperature tHTS_K, 5-point running
    mean, first point above half the median V over T > 77.7 K): 70.66 K.

    PROVENANCE.md lists 71.91 K for this file; the data do not give that with either
    thermometer (tHTS_K 70.66 K, tTAR_K 69.54 K by the same hand rule), so the hand
    value is asserted, and the mismatch is reported to the data's curator.
    """
    (f,) = sorted((real_data / REBCO_TC).glob("*f23-step11.txt"))
    rows = [ln.split()[1:6] for ln in f.read_text().splitlines() if not ln.startswith("#")]
    volt, temp = np.array(rows, dtype=float)[:, [2, 3]].T
    half = np.median(volt[temp > 77.7]) / 2
    o = np.argsort(temp)
    smooth = np.convolve(volt[o], np.ones(5) / 5, "same")
    k = int(np.nonzero(smooth > half)[0][0])
    tc_hand = 0.5 * (temp[o][k - 1] + temp[o][k])
    assert tc_hand == pytest.approx(70.66, abs=0.01)
    code, out, err = run(capsys, "tc", f, "--y", "vHTS_V", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["tc_K"]["0.5"]["value"] == pytest.approx(tc_hand, abs=0.05)
    assert d["tc_K"]["0.5"]["value"] < 71.5  # not the 71.91 K of PROVENANCE.md


def test_voltage_column_gives_the_resistance_answer(tmp_path, capsys):
    """V = R I at I = 2 mA (with current noise of 1%): the same Tc as the R file.

    1e-7 relative: the R file is written to 9 digits, the V file to 17.
    """
    t, r = rt_data(seed=3)
    rng = np.random.default_rng(3)
    i = 2e-3 * (1 + 0.01 * rng.standard_normal(t.size))
    fr = write_csv(
        tmp_path / "r.csv", t, r, header="Temperature (K),Resistance (Ohm)", scale=(1, 1)
    )
    lines = ["Temperature (K),Current (A),Voltage (V)"]
    i0 = float(np.median(np.abs(i)))
    lines += [f"{a:.17g},{b:.17g},{c:.17g}" for a, b, c in zip(t, i, r * i0, strict=True)]
    fv = tmp_path / "v.csv"
    fv.write_text("\n".join(lines) + "\n")
    code, out, err = run(capsys, "tc", fr, "--normal-at", "0.45", "--json")
    assert code == 0, err
    ref = json.loads(out)
    code, out, err = run(capsys, "tc", fv, "--y", "Voltage (V)", "--normal-at", "0.45", "--json")
    assert code == 0, err
    got = json.loads(out)
    for c in ("0.9", "0.5", "0.1"):
        assert got["tc_K"][c]["value"] == pytest.approx(ref["tc_K"][c]["value"], rel=1e-7)
    assert got["r_normal_ohm"]["value"] == pytest.approx(ref["r_normal_ohm"]["value"], rel=1e-7)


def test_voltage_without_current_is_a_one_line_error(tmp_path, capsys):
    """V(T) but no current column: R = V/I cannot be formed; say so in one line."""
    t, r = rt_data(seed=4)
    f = write_csv(
        tmp_path / "v.csv", t, r * 2e-3, header="Temperature (K),Voltage (V)", scale=(1, 1)
    )
    code, out, err = run(capsys, "tc", f, "--y", "Voltage (V)", "--json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "v.csv: --y names a voltage column but the file has no current column" in err
