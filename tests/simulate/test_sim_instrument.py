"""Instrument realism of the simulated measurements: noise, glitches, blanks, lag."""

from __future__ import annotations

import numpy as np
import pytest

from sc2d.simulate import instrument as ins
from sc2d.simulate.models import SampleParams
from sc2d.simulate.truth import solve_tc, true_rt, true_tc

P = SampleParams(tc0=0.2, t_bkt=0.19, n_s=7.7e17, t_bkt_iv=0.15, ic0=4e-6, t_stiff=0.2)


def test_noise_level_statistics():
    """Relative noise 1% on the normal state: the std of R/R_true - 1 is 0.01
    within 10% (2000 points)."""
    t = np.linspace(0.3, 0.4, 2000)
    df = ins.measure_rt(P, t, rng=1, noise=0.01, noise_abs=0.0, sweep="up")
    rel = df.R_ohm.to_numpy() / true_rt(P, df.T_K.to_numpy()) - 1
    assert np.std(rel) == pytest.approx(0.01, rel=0.1)
    assert abs(np.mean(rel)) < 4 * 0.01 / np.sqrt(2000)


def test_glitches_rare_and_blanks_appear():
    """Glitch and blank rates follow their probabilities (binomial, 5 sigma)."""
    t = np.linspace(0.3, 0.4, 5000)
    df = ins.measure_rt(P, t, rng=2, noise=0.0, noise_abs=0.0, glitches=0.004, blanks=0.01)
    r = df.R_ohm.to_numpy()
    blanks = np.isnan(r)
    glitch = ~blanks & ~np.isclose(r, true_rt(P, df.T_K.to_numpy()), rtol=1e-12)
    n = t.size
    for k, p in ((glitch.sum(), 0.004 * 0.99), (blanks.sum(), 0.01)):
        assert abs(k - n * p) < 5 * np.sqrt(n * p)
    assert 0 < glitch.sum() < 0.01 * n


def test_thermal_lag_splits_cooling_and_warming():
    """With a lag dT the cooling crossing (vs the thermometer) sits dT below the
    truth and the warming one dT above (noiseless, 1e-4 K on a 0.1 mK grid)."""
    t = np.arange(0.15, 0.4, 1e-4)
    df = ins.measure_rt(P, t, rng=0, sweep="both", noise=0, noise_abs=0, thermal_lag=0.002)
    tc = true_tc(P, 0.5, 0.4)
    half = 0.5 * true_rt(P, np.array([0.4]))[0]
    n = t.size
    cool, warm = df.iloc[:n], df.iloc[n:]
    tc_cool = np.interp(half, cool.R_ohm.to_numpy()[::-1], cool.T_K.to_numpy()[::-1])
    tc_warm = np.interp(half, warm.R_ohm.to_numpy(), warm.T_K.to_numpy())
    assert tc_cool == pytest.approx(tc - 0.002, abs=1e-4)
    assert tc_warm == pytest.approx(tc + 0.002, abs=1e-4)


def test_seeded_rng_is_reproducible():
    """Same seed, same data; a different seed, different noise."""
    a = ins.measure_rt(P, rng=5)
    b = ins.measure_rt(P, rng=np.random.default_rng(5))
    c = ins.measure_rt(P, rng=6)
    assert a.equals(b)
    assert not a.equals(c)


def test_field_family_layout():
    """Stepped field: one T sweep per step, tiny scatter around each setpoint."""
    fields = [0.0, 0.005, 0.01]
    t = np.linspace(0.05, 0.4, 100)
    df = ins.measure_rt_field(P, fields, t, orientation="perp", rng=3)
    assert list(df.columns) == ["t_s", "T_K", "B_T", "R_ohm"]
    assert len(df) == 300
    for k, b in enumerate(fields):
        blk = df.B_T.to_numpy()[k * 100 : (k + 1) * 100]
        assert np.all(np.abs(blk - b) < 1e-4 * b + 1e-5)
    assert np.all(np.diff(df.t_s) > 0)


def test_iv_sweep_both_polarities():
    """Each temperature: 0 -> +Imax -> 0 -> -Imax -> 0."""
    df = ins.measure_iv(P, [0.05, 0.1], n=20, rng=4)
    one = df.I_A.to_numpy()[: len(df) // 2]
    assert one[0] == 0 and one[-1] == 0
    k = int(np.argmax(one))
    j = int(np.argmin(one))
    assert one[k] == pytest.approx(3 * P.ic0) and one[j] == pytest.approx(-3 * P.ic0)
    assert k < j
    assert np.all(np.diff(one[: k + 1]) > 0)


def test_hall_sweep_and_slope():
    """Field -B..+B..-B; the slope of R_xy gives n_s within 1e-3."""
    df = ins.measure_hall(P, rng=5)
    b = df.B_T.to_numpy()
    assert b[0] == -9.0 and b[-1] == -9.0 and b.max() == 9.0
    sl = np.polyfit(b, df.Rxy_ohm, 1)[0]
    assert -1 / (1.602176634e-19 * sl) == pytest.approx(P.n_s, rel=1e-3)


def test_gate_family_tc_follows_gate_model():
    """At each gate step the noiseless Tc equals the gate model's Tc exactly."""
    from sc2d.simulate.models import gate_params

    p = solve_tc(P, 0.1815, vary="scale")
    for v in (150.0, 30.0, -150.0):
        pv = ins.sample_at_gate(p, v)
        assert true_tc(pv, 0.5, 0.4) == pytest.approx(float(gate_params(v)["tc"]), abs=1e-9)
    df = ins.measure_gate_rt(p, [30.0, -30.0], np.linspace(0.1, 0.4, 50), rng=6)
    assert list(df.columns[:2]) == ["t_s", "Vg_V"]
    assert len(df) == 100


def test_bad_sweep_is_refused():
    with pytest.raises(ValueError, match="sweep must be"):
        ins.measure_rt(P, sweep="sideways")
    with pytest.raises(ValueError, match="spacing must be"):
        ins.measure_iv(P, [0.1], spacing="cubic")


def test_iv_voltage_noise_floor_and_offset():
    """At I = 0 the recorded voltage is offset + Gaussian noise of std v_noise
    (within 10%, 1200 readings)."""
    df2 = ins.measure_iv(P, np.full(400, 0.05), n=2, rng=8, v_noise=3e-9, v_offset=5e-9)
    v0 = df2.V_V.to_numpy()[df2.I_A.to_numpy() == 0]
    assert np.std(v0) == pytest.approx(3e-9, rel=0.1)
    assert np.mean(v0) == pytest.approx(5e-9, abs=4 * 3e-9 / np.sqrt(v0.size))


def test_rb_sweeps_cross_half_at_gl_field():
    """R(B) at fixed T (noiseless, flat normal state): R = R(0.4 K, B)/2 at
    B = Hc2perp(0)(1 - T/Tc50) within 1e-4 T (GL, sec. 9)."""
    p = P.replace(r_n_t2=0.0)
    tc = true_tc(p, 0.5, 0.4)
    bs = np.linspace(0, 0.02, 4001)
    df = ins.measure_rb(p, [0.1], bs, rng=0, noise=0, noise_abs=0, setpoint_scatter=0)
    half = 0.5 * p.r_n
    b_half = np.interp(half, df.R_ohm.to_numpy(), df.B_T.to_numpy())
    assert b_half == pytest.approx(p.hc2_perp0 * (1 - 0.1 / tc), abs=1e-4)


def test_r_theta_cusp_at_in_plane():
    """R(theta) at fixed T, B is smallest in plane (theta = 0) and symmetric;
    a rotator offset shifts the minimum."""
    th = np.linspace(-5, 5, 201)
    df = ins.measure_r_theta(P, th, t=0.185, b_field=0.3, noise=0, noise_abs=0)
    r = df.R_ohm.to_numpy()
    assert th[np.argmin(r)] == 0.0
    np.testing.assert_allclose(r, r[::-1], rtol=1e-12)
    df2 = ins.measure_r_theta(P, th, t=0.185, b_field=0.3, noise=0, noise_abs=0, theta_offset=1.0)
    assert th[np.argmin(df2.R_ohm.to_numpy())] == pytest.approx(-1.0)
