"""R(T) analyses of sc2d.bkt: Halperin-Nelson fit, linearisation, 2D AL (PHYSICS §7, §8).

Recovery tests use the forward model (``sc2d.simulate``): R(T) is exactly
Halperin-Nelson below the AL junction and 2D Aslamazov-Larkin above Tc0, with
relative (0.2%) and absolute (0.02 Ohm) noise; truth = the model's T_BKT, b, Tc0.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sc2d import bkt, physics
from sc2d.errors import DataError, FormatError

sim = pytest.importorskip("sc2d.simulate.instrument")
models = pytest.importorskip("sc2d.simulate.models")

SEEDS = range(5)


def _params(**kw):
    base = {"tc0": 0.2, "t_bkt": 0.15}
    base.update(kw)
    return models.SampleParams(**base)


def _rt(params, seed, **kw):
    df = sim.measure_rt(params, rng=seed, **kw)
    return df.T_K.to_numpy(), df.R_ohm.to_numpy()


@pytest.mark.parametrize("kw", [{}, {"r_n": 483.0, "tc0": 0.25, "t_bkt": 0.178}])
def test_hn_fit_recovers_t_bkt_within_3_percent(kw):
    """HN fit: T_BKT within 3% (in fact ~0.01%), b within 5%, error < 3 stderr, 5 seeds;
    corr(T_BKT, b) strongly negative (a lower T_BKT needs a smaller b)."""
    p = _params(**kw)
    for seed in SEEDS:
        t, r = _rt(p, seed)
        res = bkt.halperin_nelson_fit(t, r)
        tb = res.t_bkt_K
        assert tb.ok, tb.flag
        assert abs(tb.value / p.t_bkt_eff - 1) < 0.03
        assert abs(tb.value - p.t_bkt_eff) < 3 * tb.stderr + 1e-6 * p.t_bkt_eff
        assert res.b.value == pytest.approx(p.b_eff, rel=0.05)
        assert -1 < res.corr_tbkt_b < -0.5
        lo, hi = res.window_K
        assert p.t_bkt_eff < lo < hi < p.tc0 * 1.01


def test_linearization_recovers_t_bkt_within_5_percent():
    """[d ln R/dT]^(-2/3) crossing within 5% (in fact ~0.1%), error < 3 stderr."""
    p = _params()
    for seed in SEEDS:
        t, r = _rt(p, seed)
        lin = bkt.hn_linearization(t, r)
        e = lin.t_bkt_linearized_K
        assert abs(e.value / 0.15 - 1) < 0.05
        assert abs(e.value - 0.15) < 3 * e.stderr
        assert lin.b.value == pytest.approx(p.b_eff, rel=0.1)
        assert lin.smoothing_points == 7
        assert "7-point" in e.method


def test_linearization_of_noiseless_hn_matches_physics_formula():
    """On a dense noiseless HN curve the derivative points equal hn_linearized to 1%."""
    t = np.linspace(0.152, 0.19, 300)
    r = physics.halperin_nelson(t, 2000.0, 1.2, 0.15)
    lin = bkt.hn_linearization(t, r, r_normal=2000.0, window=(0.155, 0.19))
    exact = physics.hn_linearized(lin._t_deriv, 1.2, 0.15)
    m = lin._in_window
    assert np.allclose(lin._y_deriv[m], exact[m], rtol=1e-2)
    assert lin.t_bkt_linearized_K.value == pytest.approx(0.15, rel=1e-3)


def test_hn_fit_on_physics_formula_with_noise():
    """R = HN(R0 = 2 kOhm, b = 1.2, T_BKT = 0.15 K) x (1 + 1% noise), given R_N:
    T_BKT within 0.5%, pulls over 8 seeds below 3."""
    t = np.linspace(0.151, 0.2, 120)
    for seed in range(8):
        rng = np.random.default_rng(seed)
        r = physics.halperin_nelson(t, 2000.0, 1.2, 0.15) * (1 + 0.01 * rng.standard_normal(t.size))
        res = bkt.halperin_nelson_fit(t, r, r_normal=1000.0, window=(0.152, 0.2))
        assert res.t_bkt_K.value == pytest.approx(0.15, rel=5e-3)
        assert abs(res.t_bkt_K.value - 0.15) < 3 * res.t_bkt_K.stderr
        assert res.r0_ohm.value == pytest.approx(2000, rel=0.1)


def test_al_fit_recovers_tc0_and_unit_amplitude():
    """AL with amplitude e^2/16hbar fixed: Tc0 = 0.2 K within 0.5%; the free
    amplitude ratio is ~1 (2D) for a homogeneous film."""
    p = _params()
    for seed in range(3):
        t, r = _rt(p, seed)
        al = bkt.al_fit(t, r)
        assert al.tc0_K.value == pytest.approx(0.2, rel=5e-3)
        assert al.amplitude_ratio.value == pytest.approx(1.0, abs=0.3)
        assert al.tc0_K.value > 0.15  # mean field above T_BKT


def test_al_amplitude_flags_inhomogeneity():
    """A 2% Gaussian spread of local Tc broadens the transition: the free AL
    amplitude comes out several times e^2/16hbar (not a clean 2D AL regime)."""
    p = _params(inhomogeneity=0.02)
    t, r = _rt(p, 0)
    al = bkt.al_fit(t, r)
    assert al.amplitude_ratio.value > 2


def test_bkt_rt_bundle_and_json_keys():
    p = _params()
    t, r = _rt(p, 0)
    res = bkt.bkt_rt(t, r)
    d = res.to_dict()
    for k in ("t_bkt_K", "t_bkt_linearized_K", "b", "r0_ohm", "tc0_K", "corr_tbkt_b", "window_K"):
        assert k in d
    assert not any(k.startswith("_") for k in d)
    assert "_t" not in d["hn"]
    res2 = bkt.bkt_rt(t, r, al=False)
    assert "tc0_K" not in res2.to_dict()
    assert res.hn._t.size == res.hn.n_points


def test_window_override_and_normal_at():
    p = _params()
    t, r = _rt(p, 1)
    res = bkt.halperin_nelson_fit(t, r, window=(0.16, 0.185))
    assert res.window_K == (0.16, 0.185)
    assert res.t_bkt_K.value == pytest.approx(0.15, rel=0.01)
    assert "given" in res.window_method
    res2 = bkt.halperin_nelson_fit(t, r, normal_at=0.3)
    # R(0.3 K) = 1/[1/R_N(0.3 K) + AL], R_N(T) = 300 (1 + 0.01 T^2) Ohm
    expect = float(physics.al_resistance(0.3, 300 * (1 + 0.01 * 0.09), 0.2))
    assert res2.r_normal_ohm == pytest.approx(expect, rel=2e-3)


def test_reversed_order_and_up_down_sweeps_same_answer():
    """Cooling, warming and both sweeps give the same T_BKT (sorted in T)."""
    p = _params()
    t, r = _rt(p, 2)
    a = bkt.halperin_nelson_fit(t, r).t_bkt_K.value
    b = bkt.halperin_nelson_fit(t[::-1], r[::-1]).t_bkt_K.value
    assert a == b
    t2, r2 = _rt(p, 2, sweep="both")
    c = bkt.halperin_nelson_fit(t2, r2).t_bkt_K.value
    assert c == pytest.approx(a, rel=1e-3)


def test_inputs_unchanged_read_only():
    p = _params()
    t, r = _rt(p, 3)
    t.setflags(write=False)
    r.setflags(write=False)
    t0, r0 = t.copy(), r.copy()
    bkt.bkt_rt(t, r)
    assert np.array_equal(t, t0) and np.array_equal(r, r0)


def test_errors():
    p = _params()
    t, r = _rt(p, 0)
    with pytest.raises(DataError, match="R\\(T\\) needs at least 8 finite points, got 3"):
        bkt.halperin_nelson_fit(t[:3], r[:3])
    with pytest.raises(
        DataError, match=r"Halperin-Nelson window 0.16-0.1601 K holds \d points; at least 6"
    ):
        bkt.halperin_nelson_fit(t, r, window=(0.16, 0.1601))
    with pytest.raises(FormatError, match="temperatures must be > 0 K"):
        bkt.halperin_nelson_fit(t - 1.0, r)
    with pytest.raises(FormatError, match="smoothing must be an odd number of points >= 3, got 4"):
        bkt.hn_linearization(t, r, smoothing=4)
    with pytest.raises(FormatError, match="normal_at = 2 K lies outside the data"):
        bkt.halperin_nelson_fit(t, r, normal_at=2.0)
    with pytest.raises(FormatError, match="r_normal must be a positive resistance"):
        bkt.al_fit(t, r, r_normal=-5.0)
    with pytest.raises(FormatError, match="window must satisfy 0 <= min < max"):
        bkt.bkt_rt(t, r, window=(0.2, 0.1))
    with pytest.raises(FormatError, match="bin_K must be a positive temperature step"):
        bkt.hn_linearization(t, r, bin_K=-1.0)
    with pytest.raises(DataError, match="Aslamazov-Larkin window"):
        bkt.al_fit(t, r, window=(0.25, 0.2501))


def test_default_window_excludes_noise_floor():
    """The default HN window starts above 1% of R_N and above 5 sigma_R of the
    zero-resistance plateau, and ends below 40% of R_N."""
    p = _params()
    t, r = _rt(p, 4)
    res = bkt.halperin_nelson_fit(t, r)
    rn = res.r_normal_ohm
    assert np.all(res._r >= 0.005 * rn)
    assert np.all(res._r <= 0.45 * rn)
    assert "R > 5 sigma_R" in res.window_method


def test_bridge_glitches_are_rejected():
    """1% of the readings multiplied by 2-20 or sign-flipped (bridge glitches):
    T_BKT (HN) still within 0.1% and the free AL amplitude still ~1."""
    p = _params()
    for seed in range(3):
        t, r = _rt(p, seed, glitches=0.01)
        res = bkt.bkt_rt(t, r)
        assert res.t_bkt_K.value == pytest.approx(0.15, rel=1e-3)
        assert res.al_amplitude_ratio.value == pytest.approx(1.0, abs=0.3)


def test_thermal_lag_between_sweeps_is_removed():
    """Cooling then warming with a 2 mK lag: merge_sweeps finds the 4 mK offset,
    moves each branch by half, and T_BKT comes back within 0.1% (pooling the raw
    sweeps would bias it by ~3%)."""
    p = _params()
    t, r = _rt(p, 0, sweep="both", thermal_lag=0.002)
    tm, _, note = bkt.merge_sweeps(t, r)
    assert "thermal lag of 2 mK" in note or "thermal lag of 2.0" in note
    assert tm.size >= t.size - 2  # the turning point may belong to neither sweep
    res = bkt.bkt_rt(t, r)
    assert res.t_bkt_K.value == pytest.approx(0.15, rel=1e-3)
    assert "thermal lag" in res.sweeps
    raw = bkt.bkt_rt(t, r, merge=False)
    assert abs(raw.t_bkt_K.value - 0.15) > 5 * abs(res.t_bkt_K.value - 0.15)


def test_single_sweep_is_not_merged():
    p = _params()
    t, r = _rt(p, 0)
    tm, _, note = bkt.merge_sweeps(t, r)
    assert note == "single sweep direction"
    assert np.array_equal(tm, np.sort(t))


def test_b_consistent_with_bcg_for_homogeneous_film():
    """The twin uses b = 2 sqrt(Tc0/T_BKT - 1) (BCG with b_HN = 1): the fitted
    b over 2 sqrt(tau_c) from the fitted T_BKT and AL Tc0 is 1 within 5%."""
    p = _params()
    t, r = _rt(p, 0)
    res = bkt.bkt_rt(t, r)
    assert res.b_over_bcg == pytest.approx(1.0, abs=0.05)


def test_inhomogeneous_transition_stays_within_stated_error_or_is_flagged():
    """3% Gaussian spread of local T scales (2D Bruggeman medium): the HN form is
    only approximate; the answer is either flagged or its stderr (with the window
    systematic) covers the median T_BKT in most seeds."""
    p = models.SampleParams(tc0=0.2066, inhomogeneity=0.03)
    covered = 0
    for seed in range(5):
        t, r = _rt(p, seed)
        res = bkt.bkt_rt(t, r)
        tb = res.t_bkt_K
        if not tb.ok or abs(tb.value - p.t_bkt_eff) < 3 * tb.stderr:
            covered += 1
    assert covered >= 4


def test_sparse_default_window_is_widened_or_flagged_not_raised():
    """Only every 12th point of the curve: the default window widens (stated);
    bkt_rt never raises for the default window, it flags."""
    p = _params()
    t, r = _rt(p, 0)
    res = bkt.bkt_rt(t[::12], r[::12])
    assert res.t_bkt_K.ok or res.t_bkt_K.flag
    res2 = bkt.bkt_rt(t[::40], r[::40])
    assert math.isnan(res2.t_bkt_K.value) or res2.t_bkt_K.stderr > 0


def test_physics_helpers_for_bkt():
    """b from the linearised slope inverts hn_linearized exactly; BCG b(Tc0 = 0.2,
    T_BKT = 0.15) = 2 sqrt(1/3) = 1.1547."""
    t = np.array([0.16, 0.18])
    y = physics.hn_linearized(t, 1.2, 0.15)
    slope = (y[1] - y[0]) / (t[1] - t[0])
    assert float(physics.hn_b_from_linearized_slope(slope, 0.15)) == pytest.approx(1.2, rel=1e-12)
    assert float(physics.bcg_b(0.2, 0.15)) == pytest.approx(2 * math.sqrt(1 / 3), rel=1e-12)


def test_linearisation_needs_enough_points():
    t = np.linspace(0.152, 0.19, 9)
    r = physics.halperin_nelson(t, 2000.0, 1.2, 0.15)
    with pytest.raises(
        DataError, match="the linearisation needs at least 11 points with R > 0, got 9"
    ):
        bkt.hn_linearization(t, r, r_normal=1000.0)


@pytest.mark.parametrize("what", ["metal", "narrow_T"])
def test_al_fit_without_transition_gives_no_tc0(what):
    """No transition, no Aslamazov-Larkin T_c0: a metal (R = 300(1 + 0.1 T) Ohm,
    0.05-0.4 K) fits with T_c0 -> 0 (far below the window), and 5 mK of data at 2 K
    cannot separate ln(T/T_c0) from the R_N(T) slope (window < 5% in T). Both
    give T_c0, the free-amplitude T_c0 and the amplitude ratio as flagged NaN."""
    rng = np.random.default_rng(4)
    if what == "metal":
        t = np.linspace(0.4, 0.05, 150)
        r = 300.0 * (1 + 0.1 * t) + rng.normal(0, 0.02, t.size)
        why = "far below the window"
    else:
        t = 2.0 + rng.normal(0, 1e-3, 150)
        r = 312.0 + rng.normal(0, 0.05, 150)
        why = "at least 5% is needed"
    al = bkt.al_fit(t, r)
    for e in (al.tc0_K, al.tc0_free_K, al.amplitude_ratio):
        assert math.isnan(e.value) and why in e.flag, e
    res = bkt.bkt_rt(t, r)
    assert math.isnan(res.tc0_K.value) and res.tc0_K.flag
    assert res.to_dict()["tc0_K"]["value"] is None
    assert math.isnan(res.b_over_bcg)


def test_al_fit_real_transition_keeps_tc0():
    """The no-transition rules leave a genuine transition alone: T_c0 = 0.2 K within
    0.5% and unflagged for the homogeneous and the 3%-inhomogeneous film."""
    for kw in ({}, {"inhomogeneity": 0.03}):
        t, r = _rt(_params(**kw), 0)
        al = bkt.al_fit(t, r)
        assert al.tc0_K.ok and al.tc0_free_K.ok and al.amplitude_ratio.ok
        assert al.tc0_K.value == pytest.approx(0.2, rel=0.06)
