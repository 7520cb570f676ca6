"""Physics of the forward model checked against closed forms (PHYSICS sec. 2, 6-9)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sc2d import physics as ph
from sc2d.simulate import models as m
from sc2d.simulate.models import SampleParams


def test_hn_linearisation_slope_and_intercept():
    """Below Tc0 the homogeneous R(T) is exactly Halperin-Nelson, so
    [d ln R/dT]^(-2/3) is a line of slope (2/b)^(2/3) T_BKT^(-1/3) crossing
    zero at T_BKT (PHYSICS sec. 7); 1e-4 relative on the slope, 1 uK on T_BKT."""
    tb, tc0, b = 0.15, 0.17, 0.6
    t = np.linspace(0.1505, 0.168, 4001)
    r = m.rt_local(t, r_n=300.0, tc0=tc0, t_bkt=tb, b=b)
    y = np.gradient(np.log(r), t) ** (-2.0 / 3.0)
    sl, ic = np.polyfit(t[10:-10], y[10:-10], 1)
    assert sl == pytest.approx((2 / b) ** (2 / 3) * tb ** (-1 / 3), rel=1e-4)
    assert -ic / sl == pytest.approx(tb, abs=1e-6)
    # and the shape is the HN function itself: R(T)/R(T') = HN(T)/HN(T')
    hn = ph.halperin_nelson(t, 1.0, b, tb)
    ratio = r / hn
    assert np.ptp(ratio) / ratio.mean() < 1e-10


def test_al_amplitude_well_above_tc0():
    """Above Tc0 e^g, 1/R - 1/R_N(T) = (e^2/16 hbar)/ln(T/Tc0) exactly; a line fit
    of the excess conductance against 1/ln(T/Tc0) has slope e^2/16hbar = 1.52133e-5 S
    (AL, PHYSICS sec. 8) to 1e-9 relative, with a mild normal-state T dependence."""
    tc0, r_n, c2 = 0.2, 300.0, 0.01
    t = np.linspace(0.3, 2.0, 200)
    r = m.rt(t, r_n=r_n, tc0=tc0, t_bkt=0.195, b=0.3, r_n_t2=c2)
    rn = r_n * (1 + c2 * t**2)
    ds = 1 / r - 1 / rn
    x = 1 / np.log(t / tc0)
    sl, ic = np.polyfit(x, ds, 1)
    assert sl == pytest.approx(1.52133e-5, rel=1e-5)
    assert sl == pytest.approx(ph.AL_PREFACTOR, rel=1e-9)
    assert abs(ic) < 1e-12


def test_rt_continuous_monotone_and_half_at_junction():
    """R(T) is monotone, 0 at and below T_BKT, R_N/2 at Tc0 e^g (g = e^2 R_N/16hbar)
    where HN and AL meet; checked for several b."""
    for b in (0.2, 0.6, 2.0):
        t = np.linspace(0.1, 0.4, 20001)
        r = m.rt(t, r_n=300.0, tc0=0.2, t_bkt=0.19, b=b)
        assert np.all(np.diff(r) >= -1e-12)
        assert np.all(r[t <= 0.19] == 0)
        g = ph.AL_PREFACTOR * 300.0
        rj = m.rt(np.array([0.2 * math.exp(g)]), r_n=300.0, tc0=0.2, t_bkt=0.19, b=b)[0]
        assert rj == pytest.approx(150.0, rel=1e-9)


def test_bmo_default_and_b_default():
    """T_BKT defaults to the Beasley-Mooij-Orlando ratio (1.3% below Tc0 at 300 Ohm)
    and b to 2 sqrt(tau_c)."""
    p = SampleParams(r_n=300.0, tc0=0.2)
    assert p.t_bkt_eff / p.tc0 == pytest.approx(float(ph.bmo_tbkt_over_tc0(300.0)), rel=1e-12)
    assert 1 - p.t_bkt_eff / p.tc0 == pytest.approx(0.01262, abs=2e-4)
    assert p.b_eff == pytest.approx(2 * math.sqrt(p.tc0 / p.t_bkt_eff - 1), rel=1e-12)


def test_inhomogeneity_rounds_and_broadens_with_foot_at_median():
    """A Gaussian spread of the local T scale (2D Bruggeman medium) widens the
    transition (T90 - T10 grows) while R stays 0 below the median T_BKT."""
    t = np.linspace(0.15, 0.3, 6001)
    kw = {"r_n": 300.0, "tc0": 0.2, "t_bkt": 0.19, "b": 0.4}
    r0 = m.rt(t, **kw)
    r1 = m.rt(t, inhomogeneity=0.05, **kw)
    assert np.all(np.diff(r1) >= -1e-9)

    def width(r):
        ref = r[-1]
        return np.interp(0.9 * ref, r, t) - np.interp(0.1 * ref, r, t)

    assert width(r1) > 1.4 * width(r0)
    assert np.all(r1[t < 0.19 - 1e-9] < 1e-9)
    assert np.any(r1[(t > 0.19) & (t < 0.195)] > 0)


def test_ema_limits():
    """The 2D Bruggeman medium of equal patches is that resistance; of two equal-
    weight patches r1, r2 it is sqrt(r1 r2) (self-dual 2D result)."""
    w = np.array([0.5, 0.5])
    r = np.array([[100.0, 100.0], [10.0, 1000.0], [0.0, 50.0]])
    out = m._ema_2d(r, w)
    assert out[0] == pytest.approx(100.0, rel=1e-12)
    assert out[1] == pytest.approx(100.0, rel=1e-10)
    assert out[2] == 0.0


def test_gl_pair_breaking_perp_par_and_tinkham():
    """u = B/Hc2perp (theta = 90), (B/Hc2par)^2 (theta = 0); at any angle the field
    with u = 1 is the Tinkham 2D Hc2(theta) (PHYSICS sec. 9)."""
    hp, hq = 0.015, 0.767
    assert m.pair_breaking(0.006, hc2_perp=hp, hc2_par=hq, theta_deg=90) == pytest.approx(0.4)
    assert m.pair_breaking(0.3835, hc2_perp=hp, hc2_par=hq, theta_deg=0) == pytest.approx(0.25)
    th = np.array([0.1, 0.5, 2.0, 10.0, 45.0, 89.0])
    hc = ph.tinkham_hc2_angle(th, hp, hq)
    u = m.pair_breaking(hc, hc2_perp=hp, hc2_par=hq, theta_deg=th)
    np.testing.assert_allclose(u, 1.0, rtol=1e-12)


def test_field_scales_tc_exactly():
    """With a T-independent normal state and no field broadening, every criterion
    follows Tc(B) = Tc(0)(1 - B/Hc2perp): the 50% crossing at B = Hc2perp/2 sits at
    exactly half the zero-field one (1e-9 relative)."""
    kw = {"r_n": 300.0, "tc0": 0.2, "t_bkt": 0.195, "b": 0.4}
    xi = 146.4e-9
    b_half = m.hc2_perp0(xi) / 2
    t = np.linspace(0.05, 0.4, 40001)
    r0 = m.rt_field(t, 0.0, xi_gl=xi, **kw)
    r1 = m.rt_field(t * 0.5, b_half, xi_gl=xi, **kw)
    np.testing.assert_allclose(r1, r0, rtol=1e-9, atol=1e-12)
    # beyond Hc2 the film is normal
    rn = m.rt_field(np.array([0.01, 0.1]), 2 * m.hc2_perp0(xi), xi_gl=xi, **kw)
    np.testing.assert_allclose(rn, 300.0)


def test_hc2_values_of_the_study():
    """xi = 146.4 nm gives Hc2perp(0) = 0.01536 T; with d = 10.154 nm Hc2par(0) =
    0.767 T (PHYSICS sec. 11)."""
    assert m.hc2_perp0(146.4e-9) == pytest.approx(0.01536, abs=1e-5)
    assert m.hc2_par0(146.4e-9, 10.154e-9) == pytest.approx(0.767, abs=5e-4)


def test_alpha_universal_jump():
    """Sharp case: alpha(T_BKT) = 3 (J_s = 2 k_B T_BKT/pi, Nelson-Kosterlitz),
    1 just above; J_s = (alpha - 1) k_B T/pi is linear in T below (sec. 6)."""
    t = np.linspace(0.05, 0.137, 50)
    a = m.alpha_t(t, t_bkt_iv=0.138, t_stiff=0.18)
    js = ph.stiffness_from_alpha(a, t)
    assert np.max(np.abs(np.diff(js, 2))) < 1e-12 * np.max(np.abs(js))
    assert m.alpha_t(np.array([0.138]), t_bkt_iv=0.138, t_stiff=0.18)[0] == pytest.approx(3.0)
    assert m.alpha_t(np.array([0.1381]), t_bkt_iv=0.138, t_stiff=0.18)[0] == 1.0
    js_bkt = ph.stiffness_from_alpha(3.0, 0.138)
    assert js_bkt == pytest.approx(2 * ph.K_B * 0.138 / np.pi, rel=1e-12)


def test_alpha_smeared_crosses_three_at_t_bkt_iv():
    """Smeared jump: alpha(t_bkt_iv) = 3 to 1e-10, alpha decreasing in T."""
    t = np.linspace(0.05, 0.2, 301)
    a = m.alpha_t(t, t_bkt_iv=0.138, t_stiff=0.18, alpha_width=0.004)
    assert np.all(np.diff(a) <= 1e-12)
    a3 = m.alpha_t(np.array([0.138]), t_bkt_iv=0.138, t_stiff=0.18, alpha_width=0.004)
    assert a3[0] == pytest.approx(3.0, abs=1e-10)
    with pytest.raises(ValueError, match="must exceed t_bkt_iv"):
        m.alpha_t(t, t_bkt_iv=0.138, t_stiff=0.13, alpha_width=0.004)


def test_iv_power_law_ohmic_odd_and_hysteretic():
    """V ~ I^alpha at low current (local log slope = alpha to 1e-3), ohmic R_N
    after switching, odd in I, and hysteretic between retrap*Ic and Ic."""
    kw = {"r_n": 300.0, "t_bkt_iv": 0.138, "ic0": 4e-6, "t_stiff": 0.18, "retrap": 0.7}
    t = 0.12
    ic = m.ic_t(t, ic0=4e-6, t_ic=0.18)
    a = m.alpha_t(np.array([t]), t_bkt_iv=0.138, t_stiff=0.18)[0]
    i = np.geomspace(ic * 1e-3, ic * 0.2, 50)
    v = m.iv(i, t, **kw)
    slope = np.polyfit(np.log(i), np.log(v), 1)[0]
    assert slope == pytest.approx(a, rel=1e-3)
    np.testing.assert_allclose(m.iv(-i, t, **kw), -v)
    hi = np.array([1.5 * ic, 3 * ic])
    np.testing.assert_allclose(m.iv(hi, t, **kw), 300.0 * hi)
    mid = np.array([0.85 * ic])
    assert m.iv(mid, t, branch=-1, **kw)[0] == pytest.approx(300.0 * mid[0])
    assert m.iv(mid, t, branch=1, **kw)[0] < 0.9 * 300.0 * mid[0]


def test_hall_single_band_slope_and_misalignment():
    """R_xy = -B/(e n_s): fitted slope -1/(e n_s) to 1e-12; misalignment adds a
    symmetric part equal to that fraction of R_xx."""
    b = np.linspace(-9, 9, 181)
    n = 7.7e17
    rxy = m.hall_rxy(b, n)
    sl = np.polyfit(b, rxy, 1)[0]
    assert sl == pytest.approx(-1 / (ph.E * n), rel=1e-12)
    assert float(ph.hall_density(sl)) * 1e-4 == pytest.approx(7.7e13, rel=1e-12)
    r2 = m.hall_rxy(b, n, r_s=300.0, misalignment=0.01)
    sym = (r2 + r2[::-1]) / 2
    np.testing.assert_allclose(sym, 3.0, rtol=1e-9)


def test_two_band_limits():
    """Two electron bands with R_xx(0) = r_s: low-field slope
    -(n1 mu1^2 + n2 mu2^2)/(e (n1 mu1 + n2 mu2)^2), high-field -1/(e (n1+n2))."""
    n1, n2, mu2, rs = 7e17, 1e17, 0.1, 300.0
    mu1 = (1 / (ph.E * rs) - n2 * mu2) / n1
    assert m.hall_rxx(np.array([0.0]), n1, n2=n2, mu2=mu2, r_s=rs)[0] == pytest.approx(rs)
    lo = m.hall_rxy(np.array([1e-4]), n1, n2=n2, mu2=mu2, r_s=rs)[0] / 1e-4
    want = -(n1 * mu1**2 + n2 * mu2**2) / (ph.E * (n1 * mu1 + n2 * mu2) ** 2)
    assert lo == pytest.approx(want, rel=1e-6)
    hi = m.hall_rxy(np.array([1e5]), n1, n2=n2, mu2=mu2, r_s=rs)[0] / 1e5
    assert hi == pytest.approx(-1 / (ph.E * (n1 + n2)), rel=1e-3)
    with pytest.raises(ValueError, match="too small"):
        m.hall_rxy(np.array([1.0]), n1, n2=1e18, mu2=1.0, r_s=rs)


def test_gate_params_paper_defaults():
    """Paper gate model: n_s 8.1 -> 7.7 -> 7.1e13 cm^-2 at +150, 0, -150 V;
    R_s(T->0) 300 -> 483 Ohm; Tc dome peak at +30 V; Ic non-monotonic."""
    v = np.arange(150.0, -150.1, -30.0)
    g = m.gate_params(v, dn_dv=(8.1e17 - 7.1e17) / 300, d2n_dv2=-0.1e17 / 150**2)
    assert g["n_s"][0] * 1e-4 == pytest.approx(8.1e13, rel=1e-9)
    assert g["n_s"][5] * 1e-4 == pytest.approx(7.7e13, rel=1e-9)
    assert g["n_s"][-1] * 1e-4 == pytest.approx(7.1e13, rel=1e-9)
    assert g["r_s"][0] == pytest.approx(300.0) and g["r_s"][-1] == pytest.approx(483.0)
    assert np.all(np.diff(g["r_s"]) > 0)
    assert v[np.argmax(g["tc"])] == 30.0
    k = np.argmax(g["ic0"])
    assert 0 < k < v.size - 1


def test_t_bkt_above_tc0_refused():
    with pytest.raises(ValueError, match="must lie between 0 and tc0"):
        m.rt(np.array([0.1]), tc0=0.2, t_bkt=0.21)
