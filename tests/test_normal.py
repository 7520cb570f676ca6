"""Van der Pauw, (anti)symmetrisation, Hall density, mobility, k_F l, two bands
(PHYSICS §0-§2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sc2d import physics
from sc2d.errors import DataError
from sc2d.normal import (
    HallResult,
    antisymmetrize,
    hall_analysis,
    reciprocal_average,
    reversed_polarity,
    symmetrize,
    van_der_pauw,
    zero_field_resistance,
)

NS, RS = 7.7e17, 300.0  # m^-2, Ohm
E = physics.E


def loop(n=181, bmax=9.0):
    """-B..+B..-B field loop as a PPMS records it."""
    leg = np.linspace(-bmax, bmax, n)
    return np.concatenate([leg, leg[::-1][1:]])


def readonly(a):
    a = np.array(a, float)
    a.setflags(write=False)
    return a


# --------------------------------------------------------------------------
# Van der Pauw
# --------------------------------------------------------------------------
def test_vdp_symmetric_and_hand_value():
    """R_A = R_B = 100 Ohm -> R_s = 100 pi/ln 2 = 453.236 Ohm, f = 1."""
    res = van_der_pauw(100.0, 100.0)
    assert res.r_s_ohm == pytest.approx(453.2360141, rel=1e-9)
    assert res.f_factor == pytest.approx(1.0, rel=1e-12)
    assert res.to_dict()["r_s_ohm"] == pytest.approx(453.2360141, rel=1e-9)


def test_vdp_asymmetric_satisfies_equation():
    res = van_der_pauw(100.0, 250.0)
    lhs = math.exp(-math.pi * 100 / res.r_s_ohm) + math.exp(-math.pi * 250 / res.r_s_ohm)
    assert lhs == pytest.approx(1.0, abs=1e-14)
    assert res.ratio == 2.5 and res.f_factor < 1


def test_polarity_and_reciprocal_average():
    assert reversed_polarity(1.1e-3, -0.9e-3, 1e-5) == pytest.approx(100.0)
    assert reciprocal_average([1.0, 2.0], [3.0, 4.0]) == pytest.approx([2.0, 3.0])


# --------------------------------------------------------------------------
# (anti)symmetrisation
# --------------------------------------------------------------------------
def test_antisymmetrize_removes_rxx_pickup_and_offset():
    """R_xy = -B/(e n) + 0.02 R_xx(B) + 3 Ohm: the antisymmetric part is
    exactly -B/(e n) on the |B| grid (the pickup and offset are even)."""
    b = readonly(loop())
    rxx = RS * (1 + 0.01 * b**2)
    rxy = readonly(-b / (E * NS) + 0.02 * rxx + 3.0)
    g, ra = antisymmetrize(b, rxy)
    # the down leg starts one step below +9 T: the common range ends at 8.9 T
    assert g[0] == 0 and g[-1] == pytest.approx(8.9)
    assert np.all(g >= 0) and np.all(np.diff(g) > 0)
    np.testing.assert_allclose(ra, -g / (E * NS), atol=1e-9)
    g2, rs = symmetrize(b, readonly(rxx + 0.5 * b))
    np.testing.assert_allclose(rs, RS * (1 + 0.01 * g2**2), rtol=1e-12)


def test_hysteretic_sweeps_are_paired_up_with_down():
    """Up- and down-sweeps shifted by a hysteretic term h(B) = +c on the up
    sweep, -c on the down sweep: pairing up(+B) with down(-B) cancels it."""
    leg = np.linspace(-9, 9, 181)
    b = np.concatenate([leg, leg[::-1]])
    hyst = np.concatenate([np.full(181, 0.7), np.full(181, -0.7)])
    rxy = -b / (E * NS) + hyst
    g, ra = antisymmetrize(b, rxy)
    np.testing.assert_allclose(ra, -g / (E * NS), atol=1e-9)


def test_never_extrapolates_beyond_common_field_range():
    """Positive fields up to 9 T, negative only to -5 T: grid ends at 5 T."""
    b = np.concatenate([np.linspace(-5, 0, 51), np.linspace(0.1, 9, 90)])
    g, _ = antisymmetrize(b, -b)
    assert g.max() == pytest.approx(5.0)


def test_one_sign_of_field_is_an_error_for_antisymmetrize():
    with pytest.raises(DataError, match="does not cover both signs of B"):
        antisymmetrize(np.linspace(0, 9, 50), np.linspace(0, 1, 50))


def test_zero_field_resistance_with_magnetoresistance():
    """R_xx = R_s (1 + 0.002 B^2) + noise: R(0) within 3 stderr of R_s."""
    rng = np.random.default_rng(1)
    b = loop()
    r = RS * (1 + 0.002 * b**2) + rng.normal(0, 0.05, b.size)
    est = zero_field_resistance(b, r)
    assert est.value == pytest.approx(RS, abs=3 * est.stderr)
    assert "symmetrised" in est.method


# --------------------------------------------------------------------------
# Hall analysis, single band
# --------------------------------------------------------------------------
def test_hall_hand_values():
    """Noiseless R_xy = -B/(e n), R_s = 300 Ohm (PHYSICS §0 conversions):
    n_s[cm^-2] = 6.24151e14/|slope|, mu = 6.24151e18/(n_s R_s) cm^2/Vs,
    k_F = sqrt(2 pi n), l = hbar k_F mu/e, k_F l = R_K/R_s."""
    b = loop()
    rxy = -b / (E * NS)
    res = hall_analysis(readonly(b), readonly(rxy), r_s=RS)
    assert isinstance(res, HallResult)
    slope = -1 / (E * NS)
    assert res.hall_slope_ohm_per_T.value == pytest.approx(slope, rel=1e-12)
    assert res.n_s_cm2.value == pytest.approx(6.24150907e14 / abs(slope), rel=1e-8)
    assert res.carrier == "electron"
    mu = 6.24150907e18 / (NS * 1e-4 * RS)
    assert res.mobility_cm2_per_Vs.value == pytest.approx(mu, rel=1e-8)
    kf = math.sqrt(2 * math.pi * NS)
    assert res.k_f_per_m.value == pytest.approx(kf, rel=1e-12)
    assert res.mean_free_path_nm.value == pytest.approx(
        physics.HBAR * kf * mu * 1e-4 / E * 1e9, rel=1e-8
    )
    assert res.kf_l.value == pytest.approx(physics.R_K / RS, rel=1e-10)
    assert res.sheet_conductance_e2_h.value == pytest.approx(25812.807 / RS, rel=1e-7)
    assert "single band, g = 2" in res.mean_free_path_nm.method
    assert res.r_s_ohm.method == "given (--rs)"
    d = res.to_dict()
    assert {"n_s_cm2", "carrier", "mobility_cm2_per_Vs", "kf_l", "r_s_ohm"} <= set(d)


def test_hole_sign():
    b = loop()
    res = hall_analysis(b, +b / (E * NS))
    assert res.carrier == "hole"
    assert res.hall_slope_ohm_per_T.value > 0
    assert math.isnan(res.mobility_cm2_per_Vs.value)
    assert "R_s unknown" in res.mobility_cm2_per_Vs.flag


def test_hall_recovery_and_calibrated_stderr():
    """30 seeds, 0.05 Ohm noise, R_s from the same file's R_xx(B=0): n_s
    within 0.5% and mobility within 1% of truth; rms z in [0.3, 3]."""
    zn, zm = [], []
    mu_true = 1 / (E * NS * RS) * 1e4
    for seed in range(30):
        rng = np.random.default_rng(seed)
        b = loop()
        rxy = -b / (E * NS) + 0.01 * RS + rng.normal(0, 0.05, b.size)
        rxx = RS + rng.normal(0, 0.05, b.size)
        res = hall_analysis(b, rxy, rxx=rxx)
        n = res.n_s_cm2
        mu = res.mobility_cm2_per_Vs
        assert abs(n.value / (NS * 1e-4) - 1) < 5e-3
        assert abs(mu.value / mu_true - 1) < 1e-2
        zn.append((n.value - NS * 1e-4) / n.stderr)
        zm.append((mu.value - mu_true) / mu.stderr)
    for z in (zn, zm):
        rms = float(np.sqrt(np.mean(np.square(z))))
        assert 0.3 < rms < 3.0, rms


def test_glitches_in_rxy_are_rejected():
    rng = np.random.default_rng(3)
    b = loop()
    rxy = -b / (E * NS) + rng.normal(0, 0.05, b.size)
    rxy[[20, 150, 300]] *= 10
    res = hall_analysis(b, rxy, r_s=RS)
    assert res.n_s_cm2.value == pytest.approx(NS * 1e-4, rel=2e-3)


def test_window_limits_the_fit():
    b = loop()
    res = hall_analysis(b, -b / (E * NS), window=2.0)
    assert res.window_T == pytest.approx(2.0)
    assert res.hall_slope_ohm_per_T.window == (0.0, pytest.approx(2.0))


def test_positive_fields_only_fits_offset_and_flags():
    b = np.linspace(0, 9, 50)
    res = hall_analysis(b, -b / (E * NS) + 2.0)
    assert res.n_s_cm2.value == pytest.approx(NS * 1e-4, rel=1e-9)
    assert any("not antisymmetrised" in f for f in res.flags)


def test_no_hall_slope_is_an_error():
    rng = np.random.default_rng(4)
    b = loop()
    with pytest.raises(
        DataError, match=r"no Hall slope in hall\.csv: dR_xy/dB = .* not significant"
    ):
        hall_analysis(b, 5 + rng.normal(0, 0.05, b.size), source="hall.csv")
    with pytest.raises(DataError, match="only 2 field points usable"):
        hall_analysis(b, -b, window=0.15)
    with pytest.raises(DataError, match="positive resistance"):
        hall_analysis(b, -b, r_s=-3.0)


def test_temperature_is_reported():
    b = loop()
    res = hall_analysis(b, -b / (E * NS), temperature=2.0)
    assert res.to_dict()["temperature_K"] == 2.0


# --------------------------------------------------------------------------
# two bands
# --------------------------------------------------------------------------
def test_two_band_recovered_when_identifiable():
    """n1 = 1e13 cm^-2 at 2000 cm^2/Vs, n2 = 6e13 at 200 cm^2/Vs, 9 T
    (mu1 B = 1.8): both bands within 3% and flagged justified."""
    n1, m1, n2, m2 = 1e17, 0.2, 6e17, 0.02
    rng = np.random.default_rng(5)
    b = np.linspace(-9, 9, 401)
    rxy = physics.two_band_rxy(b, n1, m1, n2, m2) + rng.normal(0, 0.02, b.size)
    rxx = physics.two_band_rxx(b, n1, m1, n2, m2) + rng.normal(0, 0.02, b.size)
    res = hall_analysis(b, rxy, rxx=rxx)
    tb = res.two_band
    assert tb is not None and tb.justified, tb
    assert tb.n1_cm2.value == pytest.approx(1e13, rel=0.03)
    assert tb.mu1_cm2_per_Vs.value == pytest.approx(2000, rel=0.03)
    assert tb.n2_cm2.value == pytest.approx(6e13, rel=0.03)
    assert tb.mu2_cm2_per_Vs.value == pytest.approx(200, rel=0.03)
    # the single-band low-field slope is still reported: R_H(0) formula
    rh0 = -(n1 * m1**2 + n2 * m2**2) / (E * (n1 * m1 + n2 * m2) ** 2)
    assert res.hall_slope_ohm_per_T.value == pytest.approx(rh0, rel=5e-3)
    assert any("non-linear" in f for f in res.flags)
    # two electron bands: the like-sign pairing wins by far over electron + hole
    assert (tb.carrier1, tb.carrier2) == ("electron", "electron")
    assert tb.sign_delta_chi2 < -1000


@pytest.mark.parametrize(
    ("n1", "m1", "q1", "n2", "m2", "q2"),
    [
        (1e17, 0.2, -1, 6e17, 0.02, 1),  # fast electrons, slow holes; electron-like R_H(0)
        (1e17, 0.15, -1, 3e17, 0.10, 1),  # holes dominate R_H(0), electrons faster
        (2e17, 0.25, 1, 5e17, 0.04, -1),  # fast holes, slow electrons
    ],
)
def test_two_band_electrons_and_holes_recovered(n1, m1, q1, n2, m2, q2):
    """Compensated two-carrier data (one electron and one hole band, mu_max B = 1.4-2.3
    at 9 T): the mixed pairing is chosen (delta chi2 > 10), with each band's carrier,
    density and mobility within 3%."""
    rng = np.random.default_rng(8)
    b = np.linspace(-9, 9, 401)
    rxy = physics.two_band_rxy(b, n1, m1, n2, m2, q1, q2) + rng.normal(0, 0.02, b.size)
    rxx = physics.two_band_rxx(b, n1, m1, n2, m2, q1, q2) + rng.normal(0, 0.02, b.size)
    tb = hall_analysis(b, rxy, rxx=rxx, two_band="always").two_band
    assert tb is not None and tb.justified, tb
    assert tb.sign_delta_chi2 > 10
    name = {-1: "electron", 1: "hole"}
    assert (tb.carrier1, tb.carrier2) == (name[q1], name[q2])  # band 1 the faster
    assert tb.n1_cm2.value == pytest.approx(n1 * 1e-4, rel=0.03)
    assert tb.mu1_cm2_per_Vs.value == pytest.approx(m1 * 1e4, rel=0.03)
    assert tb.n2_cm2.value == pytest.approx(n2 * 1e-4, rel=0.03)
    assert tb.mu2_cm2_per_Vs.value == pytest.approx(m2 * 1e4, rel=0.03)
    assert "mixed signs" in tb.n1_cm2.method


def test_two_band_signs_ambiguous_when_both_pairings_fit():
    """Two electron bands at mu_max B = 0.45 with 0.1 Ohm noise: the curvature is
    significant, but electron + hole fits as well (|delta chi2| <= 10): not justified,
    and the flag says the signs are ambiguous; the like-sign pair is reported."""
    rng = np.random.default_rng(11)
    b = np.linspace(-9, 9, 201)
    n1, m1, n2, m2 = 1e17, 0.05, 6e17, 0.01
    rxy = physics.two_band_rxy(b, n1, m1, n2, m2) + rng.normal(0, 0.1, b.size)
    rxx = physics.two_band_rxx(b, n1, m1, n2, m2) + rng.normal(0, 0.1, b.size)
    tb = hall_analysis(b, rxy, rxx=rxx, two_band="always").two_band
    assert tb.f_test_p < 1e-3 and abs(tb.sign_delta_chi2) <= 10
    assert not tb.justified and "carrier signs ambiguous" in tb.flag
    assert (tb.carrier1, tb.carrier2) == ("electron", "electron")


def test_two_band_degenerate_at_low_mobility_is_flagged():
    """KTO-like mu = 166 cm^2/Vs at 9 T (mu B = 0.15): the two-band fit is
    not justified and says why."""
    rng = np.random.default_rng(6)
    b = loop()
    rxy = -b / (E * NS) + rng.normal(0, 0.05, b.size)
    res = hall_analysis(b, rxy, r_s=RS, two_band="always")
    tb = res.two_band
    assert tb is not None and not tb.justified
    assert "degenerate" in tb.flag and "single-band" in tb.flag
    assert res.to_dict()["two_band"]["justified"] is False


def test_two_band_needs_rs():
    b = loop()
    res = hall_analysis(b, -b / (E * NS), two_band="always")
    assert "needs R_s" in res.two_band.flag
    with pytest.raises(DataError, match="two_band must be"):
        hall_analysis(b, -b / (E * NS), two_band="maybe")


# --------------------------------------------------------------------------
# forward model
# --------------------------------------------------------------------------
def test_forward_model_hall_recovery():
    """sc2d.simulate.measure_hall (0.05 Ohm noise, 0.5% glitches): n_s
    within 0.5% and mobility 1/(e n_s R_N(2 K)) within 1% over 20 seeds."""
    sim = pytest.importorskip("sc2d.simulate")
    p = sim.SampleParams(r_n=300.0, tc0=0.19, n_s=NS)
    mu_true = 1 / (E * NS * float(p.r_normal(2.0))) * 1e4
    zn = []
    for seed in range(20):
        df = sim.measure_hall(p, rng=seed, glitches=0.005)
        res = hall_analysis(
            df["B_T"].to_numpy(), df["Rxy_ohm"].to_numpy(), rxx=df["R_ohm"].to_numpy()
        )
        assert abs(res.n_s_cm2.value / (NS * 1e-4) - 1) < 5e-3
        assert abs(res.mobility_cm2_per_Vs.value / mu_true - 1) < 1e-2
        zn.append((res.n_s_cm2.value - NS * 1e-4) / res.n_s_cm2.stderr)
    assert 0.3 < float(np.sqrt(np.mean(np.square(zn)))) < 3.0


def test_parity_grid_merges_plus_minus_b_differing_in_the_last_bit():
    """+B and -B setpoints read back from Oe (x 1e-4) differ by an ulp: one grid point each.

    The grid and the antisymmetric part must not depend on the last bit of
    the field values (R_xy = -B/(e n_s) exactly: R_anti = -B/(e n_s) to 1e-12).
    """
    b = loop(61, 9.0)
    oe = b / 1e-4
    b_rt = oe * 1e-4  # the reader's round trip
    b_rt[b_rt < 0] = np.nextafter(b_rt[b_rt < 0], 0)  # make sure -B is 1 ulp off +B
    rxy = -b_rt / (E * NS)
    g_ref, a_ref = antisymmetrize(b, -b / (E * NS))
    g, a = antisymmetrize(b_rt, rxy)
    assert g.size == g_ref.size == 30  # 0 ... 8.7 T: the down leg starts below 9 T
    np.testing.assert_allclose(g, g_ref, rtol=1e-12, atol=0)
    np.testing.assert_allclose(a, -g / (E * NS), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(a, a_ref, rtol=1e-12, atol=1e-300)
