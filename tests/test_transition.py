"""Tc criteria, normal-state reference, hysteresis and Tc(n_s) (PHYSICS §3-§4).

Synthetic R(T) curves come from closed forms with known crossings (a
broadened step R_N(T) [1 + tanh((T - Tc)/w)]/2 and the 2D Aslamazov-Larkin
form of :mod:`sc2d.physics`) and from the forward model
(:mod:`sc2d.simulate`, truth from its noiseless curve).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from sc2d import physics
from sc2d.data import Curve
from sc2d.errors import DataError
from sc2d.transition import (
    LineResult,
    TcFamilyResult,
    TcResult,
    _sweep_runs,
    critical_temperature,
    fieller_interval,
    normal_resistance,
    tc_family,
    tc_vs_density,
)

TC, W, RN, SLOPE = 0.200, 0.010, 300.0, 0.05  # K, K, Ohm, 1/K


def step(t, tc=TC, w=W, rn=RN, slope=SLOPE):
    """Broadened step with a metallic normal state R_N (1 + slope (T - 0.4))."""
    t = np.asarray(t, float)
    return rn * (1 + slope * (t - 0.4)) * 0.5 * (1 + np.tanh((t - tc) / w))


def step_truth(f, tc=TC, w=W, at=0.4):
    """Exact T where step(T) = f step(at) (brentq on the closed form)."""
    rn = float(step(at, tc, w))
    return optimize.brentq(lambda t: float(step(t, tc, w)) - f * rn, 0.01, at, xtol=1e-14)


def noisy(seed, n=600, sigma=1.0, glitches=0, blanks=0, order="down"):
    rng = np.random.default_rng(seed)
    t = np.linspace(0.05, 0.5, n)
    r = step(t) + rng.normal(0, sigma, n)
    if glitches:
        i = rng.choice(n, glitches, replace=False)
        r[i] *= rng.choice([0.0, 3.0, -2.0], glitches)
    if blanks:
        r[rng.choice(n, blanks, replace=False)] = np.nan
    if order == "down":
        t, r = t[::-1], r[::-1]
    elif order == "shuffled":
        p = rng.permutation(n)
        t, r = t[p], r[p]
    return t, r


def readonly(*arrays):
    out = []
    for a in arrays:
        a = np.array(a, float)
        a.setflags(write=False)
        out.append(a)
    return out


# --------------------------------------------------------------------------
# crossings on closed forms
# --------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["up", "down", "shuffled"])
def test_step_crossings_recovered_in_any_order(order):
    """tanh step with 1 Ohm noise: Tc(0.9/0.5/0.1 of R(0.4 K)) within 0.2% of
    the closed-form crossing, whatever the order of the rows."""
    t, r = readonly(*noisy(1, order=order))
    res = critical_temperature(t, r, normal_at=0.4)
    for c in ("0.9", "0.5", "0.1"):
        truth = step_truth(float(c))
        assert res.tc_K[c].value == pytest.approx(truth, rel=2e-3), c
        assert res.tc_K[c].unit == "K"
        assert "R(0.4 K)" in res.tc_K[c].method
    assert res.direction == {"up": "up", "down": "down", "shuffled": ""}[order]
    assert res.r_normal_ohm.value == pytest.approx(float(step(0.4)), abs=1.0)


def test_reversed_sweep_gives_same_answer():
    """Contract: the same points in reverse recorded order give the same Tc."""
    t, r = noisy(2, order="up")
    a = critical_temperature(t, r, normal_at=0.4)
    b = critical_temperature(t[::-1], r[::-1], normal_at=0.4)
    for c in a.tc_K:
        assert a.tc_K[c].value == pytest.approx(b.tc_K[c].value, abs=1e-12)


def test_inputs_not_modified():
    t, r = readonly(*noisy(3, glitches=3, blanks=5))
    t0, r0 = t.copy(), r.copy()
    critical_temperature(t, r, normal_at=0.4)
    np.testing.assert_array_equal(t, t0)
    np.testing.assert_array_equal(r, r0)


def test_glitches_and_blank_cells_do_not_move_tc():
    """Rare single-point glitches (R -> 0, 3R, -2R) and NaN cells: Tc(0.5)
    within 0.1% and the glitches are counted as rejected."""
    t, r = noisy(4, glitches=6, blanks=10)
    res = critical_temperature(t, r, normal_at=0.4)
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5), rel=1e-3)
    assert res.n_outliers >= 4
    assert res.n_points == 590


def test_normal_state_dip_glitch_is_not_the_crossing():
    """A block of three near-zero readings in the normal state (a contact
    glitch at 0.35 K) must not be taken as the transition: the crossing is
    the highest-T one below which R stays below the level."""
    t, r = noisy(5, order="up")
    m = (t > 0.349) & (t < 0.3515)
    r = r.copy()
    r[m] = 1.0
    res = critical_temperature(t, r, normal_at=0.4)
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5), rel=1e-3)


def test_al_transition_crossing():
    """2D Aslamazov-Larkin R(T) = 1/(1/R_N + e^2/(16 hbar ln(T/Tc0))), 0
    below Tc0: R = R_N/2 at ln(T/Tc0) = e^2 R_N/(16 hbar) exactly."""
    tc0, rn = 0.18, 2000.0
    t = np.linspace(0.15, 0.6, 3000)
    r = np.nan_to_num(physics.al_resistance(t, rn, tc0), nan=0.0)
    res = critical_temperature(t, r, criteria=("0.5",), normal_at=0.55)
    rn_eff = float(physics.al_resistance(0.55, rn, tc0))
    # exact crossing of R = 0.5 R(0.55 K): 1/R = 2/rn_eff = 1/rn + A/ln(T/Tc0)
    truth = tc0 * math.exp(physics.AL_PREFACTOR / (2 / rn_eff - 1 / rn))
    assert res.tc_K["0.5"].value == pytest.approx(truth, rel=2e-4)


def test_stderr_consistent_with_errors_over_seeds():
    """Over 30 seeds the rms of (Tc - truth)/stderr lies in [0.3, 3] at every
    criterion (the stated error means what it says)."""
    z = {c: [] for c in ("0.9", "0.5", "0.1")}
    for seed in range(30):
        t, r = noisy(100 + seed, sigma=2.0, glitches=2)
        res = critical_temperature(t, r, normal_at=0.4)
        for c in z:
            e = res.tc_K[c]
            z[c].append((e.value - step_truth(float(c))) / e.stderr)
    for c, v in z.items():
        rms = float(np.sqrt(np.mean(np.square(v))))
        assert 0.3 < rms < 3.0, (c, rms)


def test_sparse_noisy_data_use_a_local_fit():
    """Noise comparable to the step between points (sigma = 6 Ohm, 200
    points): the crossing comes from a local fit, still within 0.3%."""
    t, r = noisy(6, n=1500, sigma=6.0)
    res = critical_temperature(t, r, normal_at=0.4)
    assert "fit" in res.tc_K["0.5"].method
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5), rel=3e-3)


# --------------------------------------------------------------------------
# normal state, onset, zero resistance, width
# --------------------------------------------------------------------------
def test_normal_resistance_definitions_stated():
    t, r = noisy(7)
    at = normal_resistance(t, r, at=0.4)
    assert 0 < at.stderr < 0.5
    assert at.value == pytest.approx(float(step(0.4)), abs=3 * at.stderr)
    assert at.method.startswith("R(0.4 K) interpolated")
    top = normal_resistance(t, r)
    assert "top 5% of T" in top.method
    assert top.value == pytest.approx(float(np.median(step(np.linspace(0.4775, 0.5, 30)))), abs=1)
    lin = normal_resistance(t, r, fit_window=(0.3, 0.5))
    assert "linear fit" in lin.method and "extrapolated" in lin.method
    assert lin.value == pytest.approx(float(step(0.3)), abs=0.5)


def test_linear_normal_state_extrapolated():
    """R_N(T) = a + b T fitted over 0.3-0.5 K: fractions are R/R_N(T), so
    Tc(0.5) is where step = 0.5 R_N (1 + slope (T - 0.4)) -> exactly TC."""
    t, r = noisy(8, sigma=0.3)
    res = critical_temperature(t, r, fit_window=(0.3, 0.5), criteria=("0.5",))
    assert res.tc_K["0.5"].value == pytest.approx(TC, rel=5e-4)


def test_normal_at_outside_range_is_an_error():
    t, r = noisy(9)
    with pytest.raises(DataError, match=r"outside the data range 0\.05-0\.5 K"):
        critical_temperature(t, r, normal_at=1.5)


def test_fit_window_with_too_few_points_is_an_error():
    t, r = noisy(9)
    with pytest.raises(DataError, match="holds 0 points; at least 5 are needed"):
        critical_temperature(t, r, fit_window=(0.7, 0.8))


def test_too_few_points_and_bad_criterion():
    with pytest.raises(DataError, match="holds 5 finite points; at least 10"):
        critical_temperature(np.arange(5.0), np.arange(5.0))
    t, r = noisy(9)
    with pytest.raises(DataError, match=r"criterion 1\.5 must be a fraction"):
        critical_temperature(t, r, criteria=("1.5",))


def test_onset_tangent_zero_resistance_and_width():
    """tanh step: the tangent at the midpoint (slope R_N/2w) meets R_N at
    Tc + w; width T90 - T10 = 2 w atanh(0.8) (+ small normal-state slope)."""
    t, r = noisy(10, n=2000, sigma=0.3)
    res = critical_temperature(t, r, normal_at=0.4)
    assert "tangent" in res.onset_K.method
    assert res.onset_K.value == pytest.approx(TC + W, abs=1e-3)
    assert res.width_K.value == pytest.approx(step_truth(0.9) - step_truth(0.1), rel=5e-3)
    # zero resistance: the floor is stated and the temperature lies in the foot
    assert "floor" in res.zero_resistance_K.method
    assert step_truth(0.001) < res.zero_resistance_K.value < step_truth(0.1)


def test_not_reached_is_flagged_not_extrapolated():
    """R falls only to 92% of R(0.4 K): every criterion missing with the
    reason; width missing; no exception (the caller decides)."""
    t = np.linspace(0.05, 0.5, 300)
    r = 300 * (0.92 + 0.08 * (t > 0.3))
    res = critical_temperature(t, r, normal_at=0.4)
    assert not res.reached
    e = res.tc_K["0.5"]
    assert math.isnan(e.value)
    assert e.flag == (
        "R falls only to 92% of R(0.4 K) at the lowest T (0.05 K); criterion 0.5 not reached"
    )
    assert e.to_dict()["value"] is None
    assert math.isnan(res.width_K.value)


def test_partially_reached_criteria():
    """A curve that falls to 30%: 0.9 and 0.5 found, 0.1 flagged."""
    t = np.linspace(0.05, 0.5, 400)
    r = 0.3 * RN + 0.7 * step(t, slope=0)
    res = critical_temperature(t, r, normal_at=0.4)
    assert res.reached
    assert math.isfinite(res.tc_K["0.5"].value)
    assert "criterion 0.1 not reached" in res.tc_K["0.1"].flag
    assert any("0.1 not reached" in f for f in res.flags)


# --------------------------------------------------------------------------
# cooling and warming
# --------------------------------------------------------------------------
def test_sweep_runs_detects_turning_points_and_shuffles():
    rng = np.random.default_rng(11)
    t = np.r_[np.linspace(0.5, 0.05, 300), np.full(40, 0.05), np.linspace(0.05, 0.5, 300)]
    t = t + rng.normal(0, 2e-4, t.size)
    runs = _sweep_runs(t)
    assert [d for _, d in runs] == ["down", "up"]
    assert abs(runs[0][0].stop - 320) <= 25
    assert _sweep_runs(rng.permutation(t)) == [(slice(0, t.size), "")]


def test_up_down_sweeps_give_hysteresis():
    """Cooling then warming with a thermal lag of +/-1 mK (the sample is
    warmer than the thermometer on cooling): each direction reported, the
    hysteresis warming - cooling = 2 mK, their mean the true Tc."""
    rng = np.random.default_rng(12)
    td = np.linspace(0.5, 0.05, 500)
    tu = td[::-1]
    t = np.r_[td, tu]
    r = np.r_[step(td + 0.001), step(tu - 0.001)] + rng.normal(0, 0.5, 1000)
    res = critical_temperature(t, r, normal_at=0.4)
    assert res.direction == "both"
    assert set(res.sweeps) == {"down", "up"}
    h = res.hysteresis_K["0.5"]
    assert h.value == pytest.approx(0.002, abs=1e-4)
    assert res.sweeps["down"].tc_K["0.5"].value == pytest.approx(step_truth(0.5) - 0.001, abs=1e-4)
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5), abs=5e-5)
    d = res.to_dict()
    assert set(d["sweeps"]) == {"down", "up"}
    assert d["hysteresis_K"]["0.5"]["value"] == pytest.approx(0.002, abs=1e-4)


# --------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------
def test_family_one_result_per_curve_with_stepped_value():
    curves = []
    rng = np.random.default_rng(13)
    fields = [0.0, 0.005, 0.010, 0.030]
    for b in fields:
        t = np.linspace(0.05, 0.5, 400)
        tc = TC * (1 - b / 0.015) if b < 0.015 else 0.0
        r = step(t, tc=tc) + rng.normal(0, 0.5, t.size) if tc > 0 else np.full(t.size, 300.0)
        curves.append(Curve(t, r, "T_K", "R_ohm", {"B_T": b}))
    fam = tc_family(curves, normal_at=0.4)
    assert isinstance(fam, TcFamilyResult) and fam.stepped == "B_T"
    d = fam.to_dict()
    assert [c["B_T"] for c in d["curves"]] == fields
    single = critical_temperature(curves[0].x, curves[0].y, normal_at=0.4).to_dict()
    assert set(d["curves"][0]) == set(single) | {"B_T"}
    v, _e = fam.tc("0.5")
    assert v[1] == pytest.approx(step_truth(0.5, tc=TC * (1 - 0.005 / 0.015)), rel=2e-3)
    assert math.isnan(v[3]) and d["curves"][3]["tc_K"]["0.5"]["value"] is None
    assert "not reached" in d["curves"][3]["tc_K"]["0.5"]["flag"]


def test_family_bad_curve_is_flagged_not_raised():
    c1 = Curve(np.linspace(0.05, 0.5, 100), step(np.linspace(0.05, 0.5, 100)), fixed={"Vg_V": 1})
    c2 = Curve(np.arange(3.0), np.arange(3.0), fixed={"Vg_V": 2})
    fam = tc_family([c1, c2])
    assert fam.stepped == "Vg_V"
    assert "at least 10 are needed" in fam.curves[1].flags[0]


def test_family_of_400_curves_of_5000_points():
    """400 x 5000-point curves: Tc(50%) of the first and last within 0.1% (speed: benchmarks/)."""
    rng = np.random.default_rng(14)
    t = np.linspace(0.02, 0.6, 5000)
    curves = [
        Curve(t, step(t, tc=0.25 - 0.0004 * i) + rng.normal(0, 1, t.size), fixed={"B_T": i * 1e-4})
        for i in range(400)
    ]
    fam = tc_family(curves, normal_at=0.4)
    v, _ = fam.tc("0.5")
    truth = [step_truth(0.5, tc=0.25 - 0.0004 * i) for i in (0, 399)]
    assert v[[0, 399]] == pytest.approx(truth, rel=1e-3)


# --------------------------------------------------------------------------
# forward model
# --------------------------------------------------------------------------
sim = pytest.importorskip("sc2d.simulate")


def _sample():
    return sim.SampleParams(r_n=300.0, tc0=0.19, t_bkt=0.178, b=0.5, inhomogeneity=0.05)


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"glitches": 0.01, "blanks": 0.02},
        {"sweep": "both", "thermal_lag": 0.002, "glitches": 0.005},
    ],
)
def test_forward_model_recovery(kw):
    """Forward-model R(T) (HN + AL, 5% inhomogeneity, 0.2% + 0.02 Ohm noise):
    over 30 seeds Tc(50%) within 0.5% of the noiseless truth, Tc(90%) and
    Tc(10%) within 1%; rms (Tc - truth)/stderr in [0.25, 3.5] (measured
    0.30-2.7: conservative where interpolation error dominates)."""
    p = _sample()
    truth = {c: sim.true_tc(p, float(c), 0.4) for c in ("0.9", "0.5", "0.1")}
    tol = {"0.9": 0.01, "0.5": 0.005, "0.1": 0.01}
    z = {c: [] for c in truth}
    for seed in range(30):
        df = sim.measure_rt(p, rng=seed, **kw)
        res = critical_temperature(df["T_K"].to_numpy(), df["R_ohm"].to_numpy(), normal_at=0.4)
        for c, tr in truth.items():
            e = res.tc_K[c]
            assert abs(e.value / tr - 1) < tol[c], (seed, c, e.value, tr)
            z[c].append((e.value - tr) / e.stderr)
    for c, v in z.items():
        rms = float(np.sqrt(np.mean(np.square(v))))
        assert 0.25 < rms < 3.5, (c, rms)


# --------------------------------------------------------------------------
# Tc versus n_s
# --------------------------------------------------------------------------
def test_tc_vs_density_ols_hand_values():
    """Exact line Tc = 0.25e-14 (n - 0.76e13) K cm^2 through 5 points: slope
    0.25e-14 K cm^2, n_c = 0.76e13 cm^-2, zero residuals."""
    n_cm2 = np.array([4.5, 6.0, 7.7, 9.0, 10.3]) * 1e13
    tc = 0.25e-14 * (n_cm2 - 0.76e13)
    res = tc_vs_density(n_cm2 * 1e4, tc)
    assert isinstance(res, LineResult)
    assert res.slope_K_cm2.value == pytest.approx(0.25e-14, rel=1e-10)
    assert res.n_critical_cm2.value == pytest.approx(0.76e13, rel=1e-10)
    assert res.residual_std_K == pytest.approx(0.0, abs=1e-12)
    d = res.to_dict()
    assert {"slope_K_cm2", "n_critical_cm2", "intercept_K", "n_points"} <= set(d)


def test_tc_vs_density_intercept_stderr_delta_method():
    """sigma(n_c)^2 = (s^2/a^2) [1/N + (nbar - n_c)^2/Sxx] (PHYSICS §4)."""
    rng = np.random.default_rng(15)
    n_cm2 = np.array([4.5, 5.5, 6.0, 7.7, 8.1, 9.0, 10.3]) * 1e13
    tc = 0.25e-14 * (n_cm2 - 0.76e13) + rng.normal(0, 0.005, n_cm2.size)
    res = tc_vs_density(n_cm2 * 1e4, tc)
    a, b = np.polyfit(n_cm2, tc, 1)
    s2 = np.sum((tc - (a * n_cm2 + b)) ** 2) / (n_cm2.size - 2)
    nc = -b / a
    sxx = np.sum((n_cm2 - n_cm2.mean()) ** 2)
    se = math.sqrt(s2 / a**2 * (1 / n_cm2.size + (n_cm2.mean() - nc) ** 2 / sxx))
    assert res.slope_K_cm2.value == pytest.approx(a, rel=1e-9)
    assert res.n_critical_cm2.value == pytest.approx(nc, rel=1e-9)
    assert res.n_critical_cm2.stderr == pytest.approx(se, rel=1e-9)
    assert res.slope_K_cm2.stderr == pytest.approx(math.sqrt(s2 / sxx), rel=1e-9)


def test_york_pearson_data():
    """York et al., Am. J. Phys. 72, 367 (2004), Pearson's data with York's
    weights: b = -0.4805, a = 5.4799, sigma_b = 0.0580, sigma_a = 0.2950."""
    x = np.array([0, 0.9, 1.8, 2.6, 3.3, 4.4, 5.2, 6.1, 6.5, 7.4])
    y = np.array([5.9, 5.4, 4.4, 4.6, 3.5, 3.7, 2.8, 2.8, 2.4, 1.5])
    wx = np.array([1000, 1000, 500, 800, 200, 80, 60, 20, 1.8, 1.0])
    wy = np.array([1, 1.8, 4, 8, 20, 20, 70, 70, 100, 500.0])
    # x in units of 1e13 cm^-2 = 1e17 m^-2
    res = tc_vs_density(
        x * 1e17,
        y,
        n_s_err=wx**-0.5 * 1e17,
        tc_err=wy**-0.5,
        method="york",
        absolute_sigma=True,
    )
    assert res.slope_K_cm2.value * 1e13 == pytest.approx(-0.48053, abs=2e-5)
    assert res.intercept_K.value == pytest.approx(5.47991, abs=2e-5)
    assert res.slope_K_cm2.stderr * 1e13 == pytest.approx(0.0580, abs=2e-4)
    assert res.intercept_K.stderr == pytest.approx(0.2950, abs=5e-4)


def test_tc_vs_density_errors():
    with pytest.raises(DataError, match="at least 2 samples"):
        tc_vs_density([1e17], [0.1])
    with pytest.raises(DataError, match="needs both n_s_err and tc_err"):
        tc_vs_density([1e17, 2e17, 3e17], [0.1, 0.2, 0.3], method="york")
    with pytest.raises(DataError, match="method must be 'ols' or 'york'"):
        tc_vs_density([1e17, 2e17, 3e17], [0.1, 0.2, 0.3], method="odr")
    with pytest.raises(DataError, match="same n_s"):
        tc_vs_density([1e17, 1e17], [0.1, 0.2])


def test_fieller_interval_hand_quadratic():
    """Line y = -1 + 2x, var(a) = 0.01, var(b) = 0.04, cov = -0.01, t = 2: the
    quadratic 3.84 x^2 - 3.92 x + 0.96 <= 0 gives x in [0.40782, 0.61301]; at both
    ends the line is exactly t standard errors from zero."""
    lo, hi = fieller_interval(-1.0, 2.0, 0.01, 0.04, -0.01, 2.0)
    assert lo == pytest.approx((1.96 - math.sqrt(0.1552)) / 3.84, rel=1e-12)
    assert hi == pytest.approx((1.96 + math.sqrt(0.1552)) / 3.84, rel=1e-12)
    assert (lo, hi) == pytest.approx((0.407824, 0.613009), abs=1e-6)
    for x in (lo, hi):
        assert (-1 + 2 * x) ** 2 == pytest.approx(4 * (0.01 - 0.02 * x + 0.04 * x * x), rel=1e-12)
    # the slope within t sigma of zero: the interval is unbounded
    assert fieller_interval(-1.0, 0.1, 0.01, 0.01, 0.0, 2.0) is None
    assert fieller_interval(-1.0, 2.0, math.nan, 0.04, 0.0, 2.0) is None


def test_n_c_interval_inverts_the_t_test_on_a_grid():
    """Fieller's n_c interval equals the set of n where |Tc_line(n)| <= t_{0.975, N-2}
    sigma(Tc_line(n)), found on a fine grid from a hand OLS (independent route)."""
    rng = np.random.default_rng(7)
    n = np.array([4.5, 5.5, 6.0, 7.7, 8.1, 9.0, 10.3])  # 1e13 cm^-2
    tc = 0.025 * (n - 0.76) + rng.normal(0, 0.04, n.size)
    res = tc_vs_density(n * 1e17, tc)
    xb = n.mean()
    sxx = np.sum((n - xb) ** 2)
    b = np.sum((n - xb) * (tc - tc.mean())) / sxx
    a = tc.mean() - b * xb
    s2 = np.sum((tc - a - b * n) ** 2) / (n.size - 2)
    t = 2.570581835636314  # Student t, 5 degrees of freedom, 97.5%
    grid = np.linspace(-20, 6, 2_600_001)
    inside = (a + b * grid) ** 2 <= t * t * s2 * (1 / n.size + (grid - xb) ** 2 / sxx)
    lo, hi = grid[inside][[0, -1]]
    ci = np.array(res.n_critical_ci95_cm2) / 1e13
    assert ci == pytest.approx([lo, hi], abs=2e-5)
    assert 0.1 < res.fieller_g < 1
    # asymmetric: a flatter slope moves n_c far down, a steeper one only a little up
    nc = res.n_critical_cm2.value / 1e13
    assert nc - ci[0] > 1.2 * (ci[1] - nc)
    assert "Fieller" in res.n_critical_cm2.flag
    assert res.to_dict()["n_critical_ci95_cm2"] == pytest.approx(list(ci * 1e13), rel=1e-12)


def test_n_c_interval_covers_the_truth_95_percent():
    """Fieller's interval has its stated coverage: 4000 synthetic Tc(n_s) lines with
    noise (g ~ 0.08, 7 samples), true n_c = 0.76e13 cm^-2 inside 95.0 +- 1.2% of them."""
    rng = np.random.default_rng(3)
    n_cm2 = np.array([4.5, 5.5, 6.0, 7.7, 8.1, 9.0, 10.3]) * 1e13
    hits = 0
    for _ in range(4000):
        tc = 0.25e-14 * (n_cm2 - 0.76e13) + rng.normal(0, 0.015, n_cm2.size)
        ci = tc_vs_density(n_cm2 * 1e4, tc).n_critical_ci95_cm2
        hits += ci is not None and ci[0] <= 0.76e13 <= ci[1]
    assert hits / 4000 == pytest.approx(0.95, abs=0.012)


def test_insignificant_slope_gives_an_unbounded_n_c_interval():
    """Three points with a slope inside its own noise: no interval, and the flag says so."""
    res = tc_vs_density(np.array([5.0, 7.0, 9.0]) * 1e17, [0.20, 0.26, 0.21])
    assert res.n_critical_ci95_cm2 is None and res.fieller_g >= 1
    assert "unbounded" in res.n_critical_cm2.flag
    assert res.to_dict()["n_critical_ci95_cm2"] is None


def test_far_extrapolation_of_n_c_is_flagged():
    n = np.array([9.0, 9.5, 10.0]) * 1e17
    res = tc_vs_density(n, [0.20, 0.21, 0.225])
    assert "extrapolated" in res.n_critical_cm2.flag


def test_result_types_are_frozen():
    t, r = noisy(16)
    res = critical_temperature(t, r)
    assert isinstance(res, TcResult)
    with pytest.raises(AttributeError):
        res.direction = "up"  # type: ignore[misc]


def test_duplicated_rows_are_one_reading():
    """Rows logged twice (all of them, or a few anywhere): Tc, R_N and n_points unchanged (1e-12).

    A repeated (T, R) pair is one reading; counted twice it would change the
    noise estimate, the rolling median and the local fits.
    """
    rng = np.random.default_rng(21)
    t = np.linspace(0.4, 0.05, 160)
    r = step(t) + 0.3 * rng.standard_normal(t.size)
    ref = critical_temperature(t, r, normal_at=0.4)
    every = np.repeat(np.arange(t.size), 2)
    few = np.sort(np.concatenate([np.arange(t.size), [3, 50, 51, 90, 159]]))
    perm = rng.permutation(t.size)  # rows in random order, three of them again at the end
    shuffled = np.concatenate([perm, perm[[7, 80, 120]]])
    ref_shuffled = critical_temperature(t[perm], r[perm], normal_at=0.4)
    for idx, want in ((every, ref), (few, ref), (shuffled, ref_shuffled)):
        got = critical_temperature(t[idx], r[idx], normal_at=0.4)
        for c in ("0.9", "0.5", "0.1"):
            assert got.tc_K[c].value == pytest.approx(want.tc_K[c].value, rel=1e-12)
            assert got.tc_K[c].stderr == pytest.approx(want.tc_K[c].stderr, rel=1e-12)
        assert got.r_normal_ohm.value == pytest.approx(want.r_normal_ohm.value, rel=1e-12)
        assert got.n_points == want.n_points == t.size


def test_identical_cooling_and_warming_runs_are_not_merged():
    """Noiseless cool-down then warm-up at the same temperatures: both runs analysed (no merge)."""
    t = np.linspace(0.4, 0.05, 120)
    tt = np.concatenate([t, t[::-1]])
    res = critical_temperature(tt, step(tt), normal_at=0.4)
    assert res.direction == "both"
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5), abs=2e-4)


def test_quantised_thermometer_gives_finite_nonzero_errors():
    """A thermometer that repeats 1-mK-quantised readings (runs of equal T, as
    in lock-in R(T) logs) still gives finite, non-zero stderr of every Tc and
    of the zero-resistance temperature, at least the resolution/sqrt(12)."""
    rng = np.random.default_rng(31)
    t_true = np.linspace(0.6, 0.05, 6000)
    t_read = np.round(t_true, 3)  # 1 mK resolution: ~10 equal readings in a row
    r = step(t_true) + rng.normal(0, 0.02, t_true.size)
    res = critical_temperature(t_read, r, normal_at=0.5)
    for c in ("0.9", "0.5", "0.1"):
        e = res.tc_K[c]
        assert math.isfinite(e.stderr) and e.stderr >= 1e-3 / math.sqrt(12) * 0.99
        assert abs(e.value - step_truth(float(c), tc=TC)) < 3e-3
    z = res.zero_resistance_K
    assert math.isnan(z.stderr) or z.stderr > 0


def _numbers(obj, path=""):
    """Flatten a JSON-ready result into {path: number or string}."""
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            out.update(_numbers(v, f"{path}/{k}"))
        return out
    if isinstance(obj, list):
        out = {}
        for i, v in enumerate(obj):
            out.update(_numbers(v, f"{path}/{i}"))
        return out
    return {path: obj}


@pytest.mark.parametrize("criteria", [("0.9", "0.5", "0.1"), ("0.5", "1.5")])
@pytest.mark.parametrize("norm", [{}, {"normal_at": 0.4}, {"fit_window": (0.42, 0.5)}])
def test_family_vectorised_path_equals_per_curve_path(criteria, norm):
    """The 2-D family path (stacked equal-length curves) gives the per-curve answers to 1e-12.

    The family mixes what the stacked path takes (cooling and warming sweeps,
    glitches that the Hampel filter removes, shifted Tc and noise) with what
    it leaves to the per-curve path (a blank, a row logged twice, both sweep
    directions in one curve, a shared T, another length, too few points).
    """
    rng = np.random.default_rng(21)
    n = 600
    curves = []
    for i in range(40):
        t = np.linspace(0.05, 0.5, n)
        r = step(t, tc=0.2 - 0.002 * i) + rng.normal(0, 0.5 + 0.05 * i, n)
        if i % 3 == 0:  # glitches: rows of different length after the Hampel filter
            k = rng.choice(n, 3, replace=False)
            r[k] *= 3.0
        if i % 2:
            t, r = t[::-1], r[::-1]
        curves.append(Curve(t, r, fixed={"B_T": 0.01 * i}))
    t0 = np.linspace(0.05, 0.5, n)
    r0 = step(t0) + rng.normal(0, 1.0, n)
    odd = [
        np.where(np.arange(n) == 7, np.nan, r0),  # a blank
        np.concatenate([r0[:100], r0[99:-1]]),  # (T, R) logged twice: see below
        None,  # cooling then warming in one curve
        None,  # two points at the same T
    ]
    curves.append(Curve(t0, odd[0], fixed={"B_T": 1.0}))
    tt = np.concatenate([t0[:100], t0[99:-1]])
    curves.append(Curve(tt, odd[1], fixed={"B_T": 1.1}))
    th = np.linspace(0.5, 0.05, n // 2)
    tb = np.concatenate([th, th[::-1]])
    curves.append(Curve(tb, step(tb) + rng.normal(0, 1.0, n), fixed={"B_T": 1.2}))
    ts = t0.copy()
    ts[300] = ts[301]
    curves.append(Curve(ts, r0, fixed={"B_T": 1.3}))
    t7 = np.linspace(0.05, 0.5, 777)
    curves.append(Curve(t7, step(t7) + rng.normal(0, 1.0, 777), fixed={"B_T": 1.4}))
    curves.append(Curve(np.arange(5.0), np.arange(5.0), fixed={"B_T": 1.5}))

    vec = tc_family(curves, criteria=criteria, vectorized=True, **norm).to_dict()
    ref = tc_family(curves, criteria=criteria, vectorized=False, **norm).to_dict()
    a, b = _numbers(vec), _numbers(ref)
    assert a.keys() == b.keys()
    for k, va in a.items():
        vb = b[k]
        if isinstance(va, float) and isinstance(vb, float):
            assert va == pytest.approx(vb, rel=1e-12, abs=1e-15), k
        else:
            assert va == vb, k


def test_family_vectorised_path_takes_equal_length_sweeps():
    """Plain cooling/warming sweeps of equal length are prepared together (not per curve)."""
    from sc2d.transition import _prepare_family

    rng = np.random.default_rng(22)
    t = np.linspace(0.05, 0.5, 400)
    curves = [
        Curve(t[:: 1 - 2 * (i % 2)], step(t[:: 1 - 2 * (i % 2)]) + rng.normal(0, 1, 400))
        for i in range(6)
    ]
    prep = _prepare_family(curves)
    assert sorted(prep) == list(range(6))
    assert [prep[i][6] for i in range(2)] == ["up", "down"]
    fam = tc_family(curves)
    assert all(c._T is None for c in fam.curves)  # arrays kept only when asked
    kept = tc_family(curves, keep_arrays=True)
    assert kept.curves[0]._T.size == 400


def test_hampel_rejects_neighbouring_glitches_and_keeps_a_sharp_transition():
    """Two glitches 5 points apart are both rejected; a sharp, quiet transition loses no point.

    The local scale is a block median of |R - rolling median|, so a large
    glitch does not hide a second one next to it (as a rolling mean would),
    and the steep part of the transition, where R departs from its rolling
    median by many noise sigmas, is not mistaken for glitches.
    """
    from sc2d.transition import _clean

    rng = np.random.default_rng(31)
    t = np.linspace(0.05, 0.5, 2000)
    r = step(t, w=0.002) + rng.normal(0, 0.2, t.size)
    r_glitched = r.copy()
    r_glitched[[700, 705]] += [400.0, 30.0]  # 2000 and 150 sigma
    _, r_kept, n_out, *_ = _clean(t, r_glitched)
    assert n_out == 2
    assert not np.isin([r_glitched[700], r_glitched[705]], r_kept).any()
    _, _, n_out_clean, *_ = _clean(t, r)
    assert n_out_clean == 0
    res = critical_temperature(t, r_glitched, normal_at=0.4)
    assert res.tc_K["0.5"].value == pytest.approx(step_truth(0.5, w=0.002), abs=2e-5)


def test_fit_band_wider_than_the_first_search_window_gives_the_whole_curve_answer(monkeypatch):
    """A dense, noisy, broad transition whose noise band spans more than _BAND_REACH points:
    the band edges are searched again over the whole curve, giving the same Tc (to the bit)
    as a search window as long as the curve."""
    from sc2d import transition as tr

    rng = np.random.default_rng(41)
    t = np.linspace(0.05, 0.5, 20000)
    r = step(t, w=0.05) + rng.normal(0, 1.5, t.size)
    first = critical_temperature(t, r, normal_at=0.45)
    assert "local quadratic fit of" in first.tc_K["0.5"].method
    n_band = int(first.tc_K["0.5"].method.split("fit of ")[1].split()[0])
    assert n_band > 2 * tr._BAND_REACH + 1  # the retry was needed
    monkeypatch.setattr(tr, "_BAND_REACH", 10**6)
    whole = critical_temperature(t, r, normal_at=0.45)
    for c in ("0.9", "0.5", "0.1"):
        assert first.tc_K[c].value == whole.tc_K[c].value
    assert first.onset_K.value == whole.onset_K.value
    assert first.tc_K["0.5"].value == pytest.approx(step_truth(0.5, w=0.05, at=0.45), abs=5e-4)


def test_zero_resistance_states_when_the_floor_is_never_or_always_crossed():
    """R never below the zero-resistance floor: missing, with the floor and the lowest T in
    the reason; a complete transition: a finite value with a non-zero error."""
    t = np.linspace(0.05, 0.5, 400)
    rng = np.random.default_rng(42)
    never = critical_temperature(t, step(t, tc=0.02) + rng.normal(0, 0.3, t.size))
    z = never.zero_resistance_K
    assert math.isnan(z.value) and "never falls below the floor" in z.flag
    assert "0.05 K" in z.flag
    whole = critical_temperature(t, step(t) + rng.normal(0, 0.3, t.size))
    assert whole.zero_resistance_K.value == pytest.approx(0.17, abs=0.03)
    assert whole.zero_resistance_K.stderr > 0


def test_smoothed_curve_is_the_rolling_median_of_the_cleaned_points():
    """After glitches are removed, the smoothed R used to place the crossings is the rolling
    median of the kept points (in a steep, sparse transition a glitch left in the window
    moves the median by a whole point step: 0.3% of Tc over 30 seeds of the twin)."""
    from sc2d.transition import _clean, _rolling_median

    rng = np.random.default_rng(43)
    t = np.linspace(0.05, 0.5, 600)
    r = step(t, w=0.003) + rng.normal(0, 0.2, t.size)
    r[[290, 300, 310]] += 150.0
    _, rk, n_out, _, w, s = _clean(t, r)
    assert n_out == 3
    np.testing.assert_array_equal(s, _rolling_median(rk, w))
