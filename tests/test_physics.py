"""Reference tests of the formulas against hand-computed values (PHYSICS sheet §0, §9, §11)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import optimize

from sc2d import physics as p


def test_vdp_symmetric_case_is_pi_over_ln2():
    """R_A = R_B = R gives R_s = pi R / ln 2 exactly (van der Pauw 1958)."""
    assert p.vdp_sheet_resistance(123.4, 123.4) == pytest.approx(
        np.pi / np.log(2) * 123.4, rel=1e-15
    )


@pytest.mark.parametrize("ratio", [1e-4, 1e-2, 0.37, 1.0, 3.0, 1e2, 1e4, 1e6])
def test_vdp_solves_equation_to_machine_precision(ratio):
    """exp(-pi R_A/R_s) + exp(-pi R_B/R_s) = 1 holds to ~1e-15 for any R_B/R_A."""
    ra = 10.0
    rb = ra * ratio
    rs = float(p.vdp_sheet_resistance(ra, rb))
    resid = np.expm1(-np.pi * ra / rs) + np.exp(-np.pi * rb / rs)
    assert abs(resid) < 4e-16
    # the root lies in [pi R_min/ln2, pi (R_A+R_B)/(2 ln2)]
    assert (
        np.pi * min(ra, rb) / np.log(2) * (1 - 1e-12)
        <= rs
        <= np.pi * (ra + rb) / (2 * np.log(2)) * (1 + 1e-12)
    )


def test_vdp_matches_brentq_hand_solution():
    """Against an independent brentq solve of the y-form y + y^r = 1."""
    ra, rb = 100.0, 250.0
    r = rb / ra
    y = optimize.brentq(lambda y: y + y**r - 1, 1e-300, 1 - 1e-16, xtol=1e-300, rtol=1e-15)
    assert p.vdp_sheet_resistance(ra, rb) == pytest.approx(-np.pi * ra / np.log(y), rel=1e-13)


def test_vdp_refuses_non_positive():
    with pytest.raises(ValueError, match="positive"):
        p.vdp_sheet_resistance(-1.0, 2.0)


def test_constants_of_the_sheet():
    """PHYSICS §0: AL prefactor, Pauli slope, WHH factor, BCS ratio."""
    assert p.AL_PREFACTOR == pytest.approx(1.52133e-5, rel=1e-5)
    assert p.pauli_limit(1.0) == pytest.approx(1.85682, rel=1e-5)
    assert p.pauli_limit(1.0, gap_ratio=1.76) == pytest.approx(1.85274, rel=1e-5)
    assert p.WHH_DIRTY == pytest.approx(0.69267, rel=1e-5)
    assert p.BCS_GAP_RATIO == pytest.approx(1.763877, rel=1e-6)
    assert p.R_K == pytest.approx(25812.807, rel=1e-7)


def test_hall_density_and_mobility_conversions():
    """n_s[cm^-2] = 6.24151e14/(dRxy/dB [Ohm/T]); mu[cm^2/Vs] = 6.24151e18/(n_s R_s)."""
    slope = 7.70  # Ohm/T
    n_cm2 = p.hall_density(slope) * 1e-4
    assert n_cm2 == pytest.approx(6.24151e14 / slope, rel=1e-5)
    mu_cm2 = p.hall_mobility(n_cm2 * 1e4, 300.0) * 1e4
    assert mu_cm2 == pytest.approx(6.24151e18 / (n_cm2 * 300.0), rel=1e-5)


def test_kf_l_equals_rk_over_rs_for_g2():
    """k_F l = (h/e^2)/R_s for a single band with g = 2 (PHYSICS §2)."""
    n, rs = 8.1e17, 300.0
    mu = p.hall_mobility(n, rs)
    kfl = p.fermi_wavevector(n) * p.mean_free_path(n, mu)
    assert kfl == pytest.approx(p.R_K / rs, rel=1e-12)


def test_two_band_limits():
    """Two-band Drude: R_s(0) = 1/e(n1mu1+n2mu2), low- and high-field Hall slopes."""
    n1, mu1, n2, mu2 = 5e17, 0.02, 3e17, 0.2
    rxx0 = p.two_band_rxx(0.0, n1, mu1, n2, mu2)
    assert rxx0 == pytest.approx(1 / (p.E * (n1 * mu1 + n2 * mu2)), rel=1e-12)
    b = 1e-4
    low = p.two_band_rxy(b, n1, mu1, n2, mu2) / b
    assert low == pytest.approx(
        -(n1 * mu1**2 + n2 * mu2**2) / (p.E * (n1 * mu1 + n2 * mu2) ** 2), rel=1e-6
    )
    big = 1e5
    assert p.two_band_rxy(big, n1, mu1, n2, mu2) / big == pytest.approx(
        -1 / (p.E * (n1 + n2)), rel=1e-6
    )
    # one band reduces to -B/(e n)
    assert p.two_band_rxy(2.0, n1, mu1, 0.0, mu2) == pytest.approx(-2.0 / (p.E * n1), rel=1e-12)


def test_hn_linearisation_is_exact():
    """[d lnR/dT]^(-2/3) of the HN form is the stated straight line (PHYSICS §7)."""
    t_bkt, b = 0.15, 1.2
    t = np.linspace(0.16, 0.2, 4001)
    lnr = np.log(p.halperin_nelson(t, 300.0, b, t_bkt))
    dlnr = (b / 2) * np.sqrt(t_bkt) * (t - t_bkt) ** -1.5
    assert np.allclose(np.gradient(lnr, t)[5:-5], dlnr[5:-5], rtol=1e-3)
    assert np.allclose(dlnr ** (-2 / 3), p.hn_linearized(t, b, t_bkt), rtol=1e-12)
    assert p.hn_linearized(t_bkt, b, t_bkt) == 0


def test_gl_chain_of_the_reference_study():
    """xi = 18.1413 nm/sqrt(B_c2perp) and d_SC = 10.15 nm for xi 146.4 nm, 0.767 T (§11)."""
    assert p.xi_gl_from_hc2_perp(1.0) * 1e9 == pytest.approx(18.1413, rel=1e-5)
    assert p.xi_gl_from_hc2_perp(0.015) * 1e9 == pytest.approx(148.1, abs=0.05)
    assert p.d_sc_from_hc2(0.767, 146.4e-9) * 1e9 == pytest.approx(10.15, abs=0.01)
    xi, d, tc = 146.4e-9, 10.1e-9, 0.2
    assert p.gl_hc2_perp(0.0, xi, tc) == pytest.approx(p.hc2_perp_from_xi(xi))
    # anisotropy sqrt(12) xi(T)/d: at T=0 Hpar/Hperp = sqrt(12) xi/d
    ratio = p.gl_hc2_par(0.0, xi, d, tc) / p.gl_hc2_perp(0.0, xi, tc)
    assert ratio == pytest.approx(np.sqrt(12) * xi / d, rel=1e-12)


def test_tinkham_angle_limits_and_misalignment():
    """Tinkham: H(0)=H_par, H(90)=H_perp; 0.1 deg -> 0.734 T, 0.5 deg -> 0.615 T (§9)."""
    hp, hpar = 0.015, 0.767
    th = np.array([0.0, 0.1, 0.5, 90.0])
    v = p.tinkham_hc2_angle(th, hp, hpar)
    assert v[0] == pytest.approx(hpar)
    assert v[3] == pytest.approx(hp)
    assert v[1] == pytest.approx(0.734, abs=5e-4)
    assert v[2] == pytest.approx(0.615, abs=5e-4)
    assert p.gl3d_hc2_angle(0.5, hp, hpar) == pytest.approx(0.700, abs=5e-4)


def test_bmo_and_whh_and_diffusion():
    """BMO 1.3% at 300 Ohm and 2.0% at 483 Ohm; D = 1.09719e-4/|slope| (§0, §6)."""
    assert 1 - p.bmo_tbkt_over_tc0(300.0) == pytest.approx(0.0126, abs=5e-4)
    assert 1 - p.bmo_tbkt_over_tc0(483.0) == pytest.approx(0.0203, abs=5e-4)
    assert p.whh_hc2_0(1.0, -2.0) == pytest.approx(2 * 0.69267, rel=1e-4)
    assert p.diffusion_from_hc2_slope(1.0) == pytest.approx(1.09719e-4, rel=1e-4)


def test_klb_strong_spin_orbit_asymptote():
    """KLB: with Gamma >> k_B Tc, mu_B B_c2(0) -> sqrt(Delta0 Gamma / 2) (§9)."""
    tc0 = 1.0
    gamma = 200 * p.K_B * tc0
    t = 0.02 * tc0
    b = optimize.brentq(lambda b: p.klb_equation(t, b, tc0, gamma), 1e-3, 100.0)
    delta0 = p.BCS_GAP_RATIO * p.K_B * tc0
    expected = np.sqrt(delta0 * gamma / 2) / p.MU_B
    assert b == pytest.approx(expected, rel=0.03)
    # ratio to the Pauli limit ~ 10.8 at Gamma = 200 k_B Tc
    assert b / p.pauli_limit(tc0) == pytest.approx(10.8, rel=0.03)


def test_al_amplitude():
    """2D AL: Delta sigma = e^2/(16 hbar) * Tc0/(T - Tc0) for T near Tc0 (ε = ln T/Tc0)."""
    tc0 = 0.2
    t = tc0 * 1.001
    assert p.al_conductance_2d(t, tc0) == pytest.approx(p.AL_PREFACTOR * tc0 / (t - tc0), rel=1e-3)
    assert np.isnan(p.al_conductance_2d(0.1, tc0))


def test_drude_sheet_resistance_inverts_hall_mobility():
    """R_s = 1/(e n mu): 8.1e13 cm^-2 and 166 cm^2/Vs give 464.2 Ohm (PHYSICS §11)."""
    assert p.drude_sheet_resistance(8.1e17, 166e-4) == pytest.approx(464.2, abs=0.1)
    n, rs = 7.1e17, 483.0
    assert p.drude_sheet_resistance(n, p.hall_mobility(n, rs)) == pytest.approx(rs, rel=1e-14)


def test_constants_are_scipys_codata_values():
    """The written-out constants equal scipy.constants (exact SI e, h, k_B; CODATA mu_B, eps0)."""
    from scipy import constants as c

    assert p.E == c.e and p.H == c.h and p.K_B == c.k
    assert p.HBAR == c.hbar
    assert p.MU_B == pytest.approx(c.physical_constants["Bohr magneton"][0], rel=2e-9)
    assert p.EPS0 == pytest.approx(c.epsilon_0, rel=2e-9)
    assert p.R_K == pytest.approx(25812.807459, rel=1e-10)  # h/e^2 (Ohm)
