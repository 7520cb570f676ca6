"""``sc2d hall``: the DESIGN contract (n_s_cm2, carrier, mobility_cm2_per_Vs)
on CSV, TSV and Quantum Design files with unit variants (Oe, kOhm)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sc2d import physics
from sc2d.cli import main

NS, RS = 7.7e17, 300.0
E = physics.E
N_CM2 = NS * 1e-4
MU = 1 / (E * NS * RS) * 1e4  # cm^2/Vs


def run(capsys, *args):
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


def field_loop(n=181):
    leg = np.linspace(-9, 9, n)
    return np.concatenate([leg, leg[::-1][1:]])


def hall_data(seed=0, sign=-1.0):
    rng = np.random.default_rng(seed)
    b = field_loop()
    rxy = sign * b / (E * NS) + 0.01 * RS + rng.normal(0, 0.05, b.size)
    rxx = RS + rng.normal(0, 0.05, b.size)
    return b, rxy, rxx


def write(path, header, cols, sep=","):
    lines = [sep.join(header)]
    for row in zip(*cols, strict=False):
        lines.append(sep.join("" if not np.isfinite(v) else f"{v:.10g}" for v in row))
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_oe_kohm_json_contract(tmp_path, capsys):
    """Field in Oe, R_xx in kOhm, T column: n_s within 0.5%, mobility within
    1% (R_s from the same file's R_xx at B = 0), electron."""
    b, rxy, rxx = hall_data()
    f = write(
        tmp_path / "hall.csv",
        ["Magnetic Field (Oe)", "Hall Resistance (Ohm)", "Rxx (kOhm)", "Temperature (K)"],
        [b * 1e4, rxy, rxx * 1e-3, np.full(b.size, 2.0)],
    )
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["carrier"] == "electron"
    assert d["n_s_cm2"]["value"] == pytest.approx(N_CM2, rel=5e-3)
    assert d["mobility_cm2_per_Vs"]["value"] == pytest.approx(MU, rel=1e-2)
    assert d["r_s_ohm"]["value"] == pytest.approx(RS, abs=0.1)
    assert d["temperature_K"] == pytest.approx(2.0)
    assert d["kf_l"]["value"] == pytest.approx(physics.R_K / RS, rel=1e-3)
    assert {"k_f_per_m", "mean_free_path_nm", "sheet_conductance_e2_h"} <= set(d)


def test_rs_option_and_hole_sign_tsv(tmp_path, capsys):
    """TSV with B in T and R_xy only: --rs gives the mobility; hole sign."""
    b, rxy, _ = hall_data(seed=1, sign=+1.0)
    f = write(tmp_path / "hall.tsv", ["B [T]", "Rxy [Ohm]"], [b, rxy], sep="\t")
    code, out, err = run(capsys, "hall", f, "--rs", "300", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["carrier"] == "hole"
    assert d["mobility_cm2_per_Vs"]["value"] == pytest.approx(MU, rel=5e-3)
    assert d["r_s_ohm"]["method"] == "given (--rs)"


def test_without_rs_mobility_is_null_with_reason(tmp_path, capsys):
    b, rxy, _ = hall_data(seed=2)
    f = write(tmp_path / "hall.csv", ["B (T)", "Rxy (Ohm)"], [b, rxy])
    code, out, _ = run(capsys, "hall", f, "--json")
    assert code == 0
    d = json.loads(out)
    assert d["mobility_cm2_per_Vs"]["value"] is None
    assert "--rs" in d["mobility_cm2_per_Vs"]["flag"]


def test_text_summary_and_window(tmp_path, capsys):
    b, rxy, rxx = hall_data(seed=3)
    f = write(tmp_path / "hall.csv", ["B (T)", "Rxy (Ohm)", "Rxx (Ohm)"], [b, rxy, rxx])
    code, out, _ = run(capsys, "hall", f, "--window-T", "5")
    assert code == 0
    assert "carrier: electron" in out and "n_s = 7.7" in out and "|B| <= 5 T" in out


def test_quantum_design_file_with_hall_channel(tmp_path, capsys):
    """QD .dat, CRLF, field in Oe, Bridge 1 = R_xx, Bridge 2 = R_xy marked
    as the Hall channel in the header."""
    b, rxy, rxx = hall_data(seed=4)
    head = [
        "[Header]",
        "; Quantum Design PPMS Resistivity Option data file",
        "TITLE,hall",
        "BYAPP,Resistivity, 1.6 Build 19",
        "INFO,Sample A Rxx,SAMPLE1_NAME",
        "INFO,Sample A Hall,SAMPLE2_NAME",
        "[Data]",
        "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),"
        "Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms)",
    ]
    rows = [
        f",{1000 + 10 * i},{2.0:.6g},{x * 1e4:.8g},{c:.9g},{y:.9g}"
        for i, (x, y, c) in enumerate(zip(b, rxy, rxx, strict=False))
    ]
    f = tmp_path / "hall.dat"
    f.write_bytes(("\r\n".join(head + rows) + "\r\n").encode())
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["n_s_cm2"]["value"] == pytest.approx(N_CM2, rel=5e-3)
    assert d["mobility_cm2_per_Vs"]["value"] == pytest.approx(MU, rel=1e-2)


def test_y_option_selects_the_hall_column(tmp_path, capsys):
    b, rxy, rxx = hall_data(seed=5)
    f = write(tmp_path / "hall.csv", ["Field (T)", "V1 (Ohm)", "V2 (Ohm)"], [b, rxx, rxy])
    code, out, err = run(capsys, "hall", f, "--y", "V2 (Ohm)", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["n_s_cm2"]["value"] == pytest.approx(N_CM2, rel=5e-3)
    assert d["r_s_ohm"]["value"] == pytest.approx(RS, abs=0.1)


def test_gate_stepped_file_gives_curves(tmp_path, capsys):
    """R_xy(B) at three gate voltages: one result per step with Vg_V."""
    rng = np.random.default_rng(6)
    cols = [[], [], [], []]
    dens = {-50.0: 7.1e17, 0.0: 7.7e17, 50.0: 8.1e17}
    for vg, n in dens.items():
        b = field_loop(91)
        cols[0] += list(np.full(b.size, vg))
        cols[1] += list(b)
        cols[2] += list(-b / (E * n) + rng.normal(0, 0.05, b.size))
        cols[3] += list(RS + rng.normal(0, 0.05, b.size))
    f = write(
        tmp_path / "gate_hall.csv",
        ["Gate Voltage (V)", "B (T)", "Rxy (Ohm)", "Rxx (Ohm)"],
        [np.array(c) for c in cols],
    )
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["stepped"] == "Vg_V" and len(d["curves"]) == 3
    for cur, (vg, n) in zip(d["curves"], dens.items(), strict=False):
        assert cur["Vg_V"] == pytest.approx(vg)
        assert cur["n_s_cm2"]["value"] == pytest.approx(n * 1e-4, rel=5e-3)
        assert cur["carrier"] == "electron"
        assert cur["mobility_cm2_per_Vs"]["value"] is not None


def test_forward_model_gate_family(tmp_path, capsys):
    """sc2d.simulate gate Hall series (CSV, Oe, kOhm): n_s and mobility of
    every gate step within 0.5% / 1% of sample_at_gate's truth, T reported."""
    sim = pytest.importorskip("sc2d.simulate")
    from sc2d.simulate.writers import write_csv

    p = sim.SampleParams(r_n=300.0, tc0=0.19, t_bkt=0.178, b=0.5, n_s=NS)
    vgs = [-50.0, 0.0, 50.0]
    df = sim.measure_gate_hall(p, vgs, rng=1)
    f = write_csv(df, tmp_path / "gate_hall.csv", units={"B_T": "Oe", "R_ohm": "kOhm"})
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 0, err
    d = json.loads(out)
    assert [round(c["Vg_V"]) for c in d["curves"]] == vgs
    for cur, vg in zip(d["curves"], vgs, strict=True):
        q = sim.sample_at_gate(p, vg)
        mu = 1 / (E * q.n_s * float(q.r_normal(2.0))) * 1e4
        assert cur["n_s_cm2"]["value"] == pytest.approx(q.n_s * 1e-4, rel=5e-3)
        assert cur["mobility_cm2_per_Vs"]["value"] == pytest.approx(mu, rel=1e-2)
        assert cur["temperature_K"] == pytest.approx(2.0, abs=0.01)


def test_no_hall_slope_is_a_one_line_error(tmp_path, capsys):
    rng = np.random.default_rng(7)
    b = field_loop()
    f = write(tmp_path / "flat.csv", ["B (T)", "Rxy (Ohm)"], [b, 3 + rng.normal(0, 0.05, b.size)])
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 2 and out == ""
    assert err.startswith("sc2d hall: error: no Hall slope in flat.csv: dR_xy/dB = ")
    assert "not significant" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rs", "-5"], "--rs must be a positive number"),
        (["--window-T", "0"], "--window-T must be a positive number"),
        (["--two-band", "maybe"], "Invalid value for '--two-band'"),
    ],
)
def test_bad_options(tmp_path, capsys, args, message):
    b, rxy, _ = hall_data()
    f = write(tmp_path / "hall.csv", ["B (T)", "Rxy (Ohm)"], [b, rxy])
    code, out, err = run(capsys, "hall", f, *args)
    assert code == 2 and out == ""
    assert message in err and err.startswith("sc2d hall: error:")


def test_file_without_hall_column(tmp_path, capsys):
    b, _, rxx = hall_data()
    f = write(tmp_path / "mr.csv", ["B (T)", "Rxx (Ohm)"], [b, rxx])
    code, _, err = run(capsys, "hall", f)
    assert code == 2 and "Rxy_ohm" in err and err.count("\n") == 1


def test_forward_model_csv_in_oe_and_kohm(tmp_path, capsys):
    """sc2d.simulate Hall loop written with B in Oe and R in kOhm: n_s within
    0.5%, mobility 1/(e n_s R_N(2 K)) within 1%."""
    sim = pytest.importorskip("sc2d.simulate")
    from sc2d.simulate.writers import write_csv

    p = sim.SampleParams(r_n=300.0, tc0=0.19, n_s=NS)
    df = sim.measure_hall(p, rng=8, glitches=0.005)
    f = write_csv(df, tmp_path / "hall.csv", units={"B_T": "Oe", "R_ohm": "kOhm"})
    code, out, err = run(capsys, "hall", f, "--json")
    assert code == 0, err
    d = json.loads(out)
    mu = 1 / (E * NS * float(p.r_normal(2.0))) * 1e4
    assert d["n_s_cm2"]["value"] == pytest.approx(N_CM2, rel=5e-3)
    assert d["mobility_cm2_per_Vs"]["value"] == pytest.approx(mu, rel=1e-2)
