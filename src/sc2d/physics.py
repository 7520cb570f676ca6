"""Physics formulas of 2D superconductivity, as plain vectorised functions.

SI units inside: temperatures in K, fields as mu0*H in T, resistances in Ohm,
sheet densities in m^-2, mobilities in m^2/(V s), lengths in m. Fits and the
forward model wrap these functions; nothing else re-derives them. Constants
are the exact SI values of e, h and k_B (2019 SI) and CODATA 2022 for the
Bohr magneton and epsilon_0 (the values of :mod:`scipy.constants` in SciPy
>= 1.15, written out so that importing this module does not import scipy:
tested against scipy.constants).

References are given per function; the derivations and the numbers used in the
tests are collected in the project's PHYSICS sheet.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "AL_PREFACTOR",
    "BCS_GAP_RATIO",
    "HBAR",
    "K_B",
    "MU_B",
    "PHI0",
    "R_K",
    "WHH_DIRTY",
    "E",
    "H",
    "al_conductance_2d",
    "al_resistance",
    "alpha_from_stiffness",
    "bmo_tbkt_over_tc0",
    "d_sc_from_hc2",
    "diffusion_from_hc2_slope",
    "fermi_wavevector",
    "gl3d_hc2_angle",
    "gl_hc2_par",
    "gl_hc2_perp",
    "hall_density",
    "hall_mobility",
    "halperin_nelson",
    "hc2_perp_from_xi",
    "hn_linearized",
    "klb_equation",
    "mean_free_path",
    "pauli_limit",
    "stiffness_from_alpha",
    "tinkham_hc2_angle",
    "two_band_rxx",
    "two_band_rxy",
    "vdp_sheet_resistance",
    "whh_hc2_0",
    "xi_gl_from_hc2_perp",
]

#: elementary charge (C), exact in the 2019 SI
E: float = 1.602176634e-19
#: Planck constant (J s), exact
H: float = 6.62607015e-34
HBAR: float = H / (2 * math.pi)
#: Boltzmann constant (J/K), exact
K_B: float = 1.380649e-23
#: Bohr magneton (J/T), CODATA 2022
MU_B: float = 9.2740100657e-24
PHI0: float = H / (2 * E)
#: von Klitzing constant h/e^2 (Ohm).
R_K: float = H / E**2
#: 2D Aslamazov-Larkin prefactor e^2/(16 hbar) (S).
AL_PREFACTOR: float = E**2 / (16 * HBAR)
#: BCS weak-coupling gap ratio Delta0/(k_B Tc) = pi exp(-gamma_E) = 1.7639.
BCS_GAP_RATIO: float = float(np.pi * np.exp(-np.euler_gamma))
#: WHH dirty-limit orbital factor pi^2/(8 e^gamma) = 0.69267.
WHH_DIRTY: float = float(np.pi**2 / (8 * np.exp(np.euler_gamma)))


# --------------------------------------------------------------------------
# Van der Pauw
# --------------------------------------------------------------------------
def vdp_sheet_resistance(r_a: ArrayLike, r_b: ArrayLike) -> np.ndarray:
    """Sheet resistance from two Van der Pauw resistances.

    Solves exp(-pi R_A/R_s) + exp(-pi R_B/R_s) = 1 (L. J. van der Pauw,
    Philips Res. Rep. 13, 1 (1958)) to machine precision for any ratio.

    With u = pi R_max / R_s and r = R_min/R_max <= 1 the equation reads
    f(u) = expm1(-u) + exp(-r u) = 0 ... solved here in the equivalent form
    with r = R_max/R_min >= 1 and u = pi R_min/R_s, bracketed in
    [ln2/r, ln2]. f is decreasing and convex, so Newton started at the left
    end of the bracket converges monotonically (no overshoot), vectorised.

    Parameters
    ----------
    r_a, r_b : array_like
        The two four-probe resistances (Ohm), > 0.

    Returns
    -------
    ndarray
        R_s (Ohm per square). For R_A = R_B = R, R_s = pi R / ln 2.
    """
    ra = np.asarray(r_a, dtype=float)
    rb = np.asarray(r_b, dtype=float)
    ra, rb = np.broadcast_arrays(ra, rb)
    if np.any(~(ra > 0)) or np.any(~(rb > 0)):
        raise ValueError("Van der Pauw resistances must be positive and finite")
    rmin = np.minimum(ra, rb)
    r = np.maximum(ra, rb) / rmin
    u = np.log(2.0) / r  # left end: f >= 0
    for _ in range(200):
        eu = np.exp(-r * u)
        f = np.expm1(-u) + eu
        fp = -np.exp(-u) - r * eu
        step = f / fp
        u_new = u - step
        if np.all(np.abs(u_new - u) <= 4 * np.finfo(float).eps * u_new):
            u = u_new
            break
        u = u_new
    return np.pi * rmin / u


# --------------------------------------------------------------------------
# Hall effect and normal-state transport (single band, g = 2)
# --------------------------------------------------------------------------
def hall_density(slope_ohm_per_T: ArrayLike) -> np.ndarray:
    """Sheet carrier density n_s = 1/(e |dR_xy/dB|) (m^-2)."""
    return 1.0 / (E * np.abs(np.asarray(slope_ohm_per_T, dtype=float)))


def hall_mobility(n_s: ArrayLike, r_s: ArrayLike) -> np.ndarray:
    """Hall mobility mu = 1/(e n_s R_s) (m^2/(V s)); n_s in m^-2, R_s in Ohm."""
    return 1.0 / (E * np.asarray(n_s, dtype=float) * np.asarray(r_s, dtype=float))


def fermi_wavevector(n_s: ArrayLike, g: float = 2.0) -> np.ndarray:
    """k_F = sqrt(4 pi n / g) (m^-1); sqrt(2 pi n) for spin degeneracy g = 2."""
    return np.sqrt(4 * np.pi * np.asarray(n_s, dtype=float) / g)


def mean_free_path(n_s: ArrayLike, mobility: ArrayLike, g: float = 2.0) -> np.ndarray:
    """Mean free path l = hbar k_F mu / e (m)."""
    return HBAR * fermi_wavevector(n_s, g) * np.asarray(mobility, dtype=float) / E


def two_band_conductivity(
    b: ArrayLike, n1: float, mu1: float, n2: float, mu2: float, q1: int = -1, q2: int = -1
) -> tuple[np.ndarray, np.ndarray]:
    """Two-carrier Drude sheet conductivities (sigma_xx, sigma_xy) in S.

    sigma_xx = e sum n_i mu_i/(1 + mu_i^2 B^2),
    sigma_xy = e sum q_i n_i mu_i^2 B/(1 + mu_i^2 B^2), q = -1 for electrons.
    Ashcroft & Mermin ch. 12; Biscaras et al., PRL 108, 247004 (2012).
    """
    b = np.asarray(b, dtype=float)
    d1 = 1 + (mu1 * b) ** 2
    d2 = 1 + (mu2 * b) ** 2
    sxx = E * (n1 * mu1 / d1 + n2 * mu2 / d2)
    sxy = E * (q1 * n1 * mu1**2 * b / d1 + q2 * n2 * mu2**2 * b / d2)
    return sxx, sxy


def two_band_rxy(
    b: ArrayLike, n1: float, mu1: float, n2: float, mu2: float, q1: int = -1, q2: int = -1
) -> np.ndarray:
    """Two-carrier Drude Hall resistance rho_xy(B) (Ohm); < 0 for electrons at B > 0.

    Limits: slope -(n1 mu1^2 + n2 mu2^2)/(e (n1 mu1 + n2 mu2)^2) at B -> 0 and
    -1/(e (n1 + n2)) at B -> infinity (for two electron bands).
    """
    sxx, sxy = two_band_conductivity(b, n1, mu1, n2, mu2, q1, q2)
    return sxy / (sxx**2 + sxy**2)


def two_band_rxx(
    b: ArrayLike, n1: float, mu1: float, n2: float, mu2: float, q1: int = -1, q2: int = -1
) -> np.ndarray:
    """Two-carrier Drude sheet resistance rho_xx(B) (Ohm); 1/(e sum n_i mu_i) at B = 0."""
    sxx, sxy = two_band_conductivity(b, n1, mu1, n2, mu2, q1, q2)
    return sxx / (sxx**2 + sxy**2)


# --------------------------------------------------------------------------
# BKT: Halperin-Nelson, I-V exponent, Beasley-Mooij-Orlando
# --------------------------------------------------------------------------
def halperin_nelson(t: ArrayLike, r0: float, b: float, t_bkt: float) -> np.ndarray:
    """Halperin-Nelson resistance R = R0 exp[-b (T/T_BKT - 1)^(-1/2)] (Ohm).

    Halperin & Nelson, J. Low Temp. Phys. 36, 599 (1979). Zero at and below
    T_BKT.
    """
    t = np.asarray(t, dtype=float)
    x = t / t_bkt - 1.0
    out = np.zeros_like(t)
    m = x > 0
    out[m] = r0 * np.exp(-b / np.sqrt(x[m]))
    return out


def hn_linearized(t: ArrayLike, b: float, t_bkt: float) -> np.ndarray:
    """[d ln R/dT]^(-2/3) of the Halperin-Nelson form (K^(2/3)).

    Exactly (2/b)^(2/3) T_BKT^(2/3) (T/T_BKT - 1): a straight line in T that
    crosses zero at T_BKT, with slope (2/b)^(2/3) T_BKT^(-1/3).
    """
    t = np.asarray(t, dtype=float)
    return (2.0 / b) ** (2.0 / 3.0) * t_bkt ** (2.0 / 3.0) * (t / t_bkt - 1.0)


def alpha_from_stiffness(j_s: ArrayLike, t: ArrayLike) -> np.ndarray:
    """I-V exponent alpha = 1 + pi J_s/(k_B T); J_s in J (Ambegaokar et al. 1980)."""
    return 1.0 + np.pi * np.asarray(j_s, dtype=float) / (K_B * np.asarray(t, dtype=float))


def stiffness_from_alpha(alpha: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Phase stiffness J_s = (alpha - 1) k_B T / pi (J)."""
    return (np.asarray(alpha, dtype=float) - 1.0) * K_B * np.asarray(t, dtype=float) / np.pi


def bmo_tbkt_over_tc0(r_sheet: ArrayLike) -> np.ndarray:
    """T_BKT/T_c0 of a dirty BCS film from its sheet resistance.

    (T_c0 - T_BKT)/T_c0 = [14 zeta(3)/pi^4] R_s e^2/hbar (Beasley, Mooij,
    Orlando, PRL 42, 1165 (1979)); 1.3% at 300 Ohm.
    """
    from scipy.special import zeta

    coef = 14 * zeta(3) / np.pi**4
    return 1.0 - coef * np.asarray(r_sheet, dtype=float) * E**2 / HBAR


# --------------------------------------------------------------------------
# Fluctuation conductivity
# --------------------------------------------------------------------------
def al_conductance_2d(t: ArrayLike, tc0: float) -> np.ndarray:
    """2D Aslamazov-Larkin excess conductance (e^2/16 hbar)/ln(T/Tc0) (S).

    Aslamazov & Larkin, Phys. Lett. 26A, 238 (1968). NaN at and below Tc0.
    """
    t = np.asarray(t, dtype=float)
    eps = np.log(np.where(t > tc0, t, np.nan) / tc0)
    return AL_PREFACTOR / eps


def al_resistance(t: ArrayLike, r_n: ArrayLike, tc0: float) -> np.ndarray:
    """R(T) = 1/(1/R_N + Delta sigma_AL) above Tc0 (Ohm)."""
    return 1.0 / (1.0 / np.asarray(r_n, dtype=float) + al_conductance_2d(t, tc0))


# --------------------------------------------------------------------------
# Upper critical fields
# --------------------------------------------------------------------------
def gl_hc2_perp(t: ArrayLike, xi_gl: float, tc: float) -> np.ndarray:
    """2D GL perpendicular upper critical field Phi0/(2 pi xi^2) (1 - T/Tc) (T).

    Tinkham, Introduction to Superconductivity (2nd ed.); zero above Tc.
    """
    t = np.asarray(t, dtype=float)
    return PHI0 / (2 * np.pi * xi_gl**2) * np.clip(1.0 - t / tc, 0.0, None)


def gl_hc2_par(t: ArrayLike, xi_gl: float, d_sc: float, tc: float) -> np.ndarray:
    """2D GL in-plane upper critical field sqrt(12) Phi0/(2 pi xi d) sqrt(1 - T/Tc) (T)."""
    t = np.asarray(t, dtype=float)
    return np.sqrt(12) * PHI0 / (2 * np.pi * xi_gl * d_sc) * np.sqrt(np.clip(1.0 - t / tc, 0, None))


def xi_gl_from_hc2_perp(b_perp0: ArrayLike) -> np.ndarray:
    """GL coherence length xi = sqrt(Phi0/(2 pi B_c2perp(0))) (m)."""
    return np.sqrt(PHI0 / (2 * np.pi * np.asarray(b_perp0, dtype=float)))


def hc2_perp_from_xi(xi_gl: ArrayLike) -> np.ndarray:
    """B_c2perp(0) = Phi0/(2 pi xi^2) (T)."""
    return PHI0 / (2 * np.pi * np.asarray(xi_gl, dtype=float) ** 2)


def d_sc_from_hc2(b_par0: ArrayLike, xi_gl: ArrayLike) -> np.ndarray:
    """Superconducting thickness d = sqrt(12) Phi0/(2 pi xi B_c2par(0)) (m)."""
    return np.sqrt(12) * PHI0 / (2 * np.pi * np.asarray(xi_gl, float) * np.asarray(b_par0, float))


def tinkham_hc2_angle(theta_deg: ArrayLike, b_perp: float, b_par: float) -> np.ndarray:
    """Tinkham thin-film H_c2(theta), theta from the film plane (T).

    Solves (H cos/H_par)^2 + |H sin/H_perp| = 1 (Tinkham, Phys. Rev. 129, 2413
    (1963)) with the cancellation-free root 2/(c + sqrt(c^2 + 4a)),
    a = cos^2/H_par^2, c = |sin|/H_perp.
    """
    th = np.deg2rad(np.asarray(theta_deg, dtype=float))
    a = np.cos(th) ** 2 / b_par**2
    c = np.abs(np.sin(th)) / b_perp
    return 2.0 / (c + np.sqrt(c**2 + 4 * a))


def gl3d_hc2_angle(theta_deg: ArrayLike, b_perp: float, b_par: float) -> np.ndarray:
    """3D anisotropic GL H_c2(theta): (H cos/H_par)^2 + (H sin/H_perp)^2 = 1 (T)."""
    th = np.deg2rad(np.asarray(theta_deg, dtype=float))
    return 1.0 / np.sqrt((np.cos(th) / b_par) ** 2 + (np.sin(th) / b_perp) ** 2)


def pauli_limit(tc: ArrayLike, gap_ratio: float = BCS_GAP_RATIO, g: float = 2.0) -> np.ndarray:
    """Clogston-Chandrasekhar limit mu0 H_P = Delta0/(sqrt(2) (g/2) mu_B) (T).

    Delta0 = gap_ratio k_B Tc. 1.857 T/K x Tc for BCS and g = 2 (Clogston,
    PRL 9, 266 (1962); Chandrasekhar, APL 1, 7 (1962)).
    """
    return gap_ratio * K_B * np.asarray(tc, dtype=float) / (np.sqrt(2) * (g / 2) * MU_B)


def whh_hc2_0(tc: ArrayLike, slope_T_per_K: ArrayLike, factor: float = WHH_DIRTY) -> np.ndarray:
    """WHH orbital limit B_c2(0) = 0.693 Tc |dB_c2/dT|_Tc (T).

    Werthamer, Helfand, Hohenberg, Phys. Rev. 147, 295 (1966); dirty limit,
    no spin effects.
    """
    return factor * np.asarray(tc, dtype=float) * np.abs(np.asarray(slope_T_per_K, dtype=float))


def diffusion_from_hc2_slope(slope_T_per_K: ArrayLike) -> np.ndarray:
    """Dirty-limit diffusion constant D = 4 k_B/(pi e |dB_c2perp/dT|) (m^2/s)."""
    return 4 * K_B / (np.pi * E * np.abs(np.asarray(slope_T_per_K, dtype=float)))


def klb_equation(
    t: ArrayLike, b: ArrayLike, tc0: float, gamma_so: float, orbital: ArrayLike = 0.0
) -> np.ndarray:
    """Residual of the Klemm-Luther-Beasley pair-breaking equation (dimensionless).

    ln(T/Tc0) + (1/2)(1 + G/2s) psi(1/2 + (G/2 - s + o)/(2 pi k_B T))
    + (1/2)(1 - G/2s) psi(1/2 + (G/2 + s + o)/(2 pi k_B T)) - psi(1/2) = 0,
    with h = mu_B B, G = gamma_so = 2 hbar/(3 tau_so) (energy, J),
    s = sqrt(G^2/4 - h^2) (real part taken when imaginary) and an optional
    orbital pair-breaking energy o (J), e.g. D e^2 d^2 B^2/(6 hbar) for a film
    of thickness d. Klemm, Luther, Beasley, PRB 12, 877 (1975).
    Zero on the in-plane H_c2(T) line.
    """
    from scipy.special import psi

    t = np.asarray(t, dtype=float)
    h = MU_B * np.asarray(b, dtype=float)
    o = np.asarray(orbital, dtype=float)
    g = float(gamma_so)
    s = np.sqrt(np.asarray(g**2 / 4 - h**2, dtype=complex))
    s = np.where(np.abs(s) < 1e-300, 1e-300, s)
    x = 2 * np.pi * K_B * t
    term1 = 0.5 * (1 + g / (2 * s)) * psi(0.5 + (g / 2 - s + o) / x)
    term2 = 0.5 * (1 - g / (2 * s)) * psi(0.5 + (g / 2 + s + o) / x)
    return np.real(np.log(t / tc0) + term1 + term2 - psi(0.5))


# --------------------------------------------------------------------------
# Back gate: parallel-plate capacitance, effective permittivity, dome vertex
# --------------------------------------------------------------------------
#: Vacuum permittivity epsilon_0 (F/m).
EPS0: float = 8.8541878188e-12


def gate_capacitance_per_area(dn_dv: ArrayLike) -> np.ndarray:
    """Gate capacitance per area C/A = e dn_s/dV_G (F/m^2); dn_s/dV_G in m^-2 V^-1.

    Valid for the differential capacitance; the integral C V_G only when
    epsilon_r does not depend on the field (PHYSICS sheet §10).
    """
    return E * np.asarray(dn_dv, dtype=float)


def effective_permittivity(c_per_area: ArrayLike, thickness: ArrayLike) -> np.ndarray:
    """Effective relative permittivity eps_r = (C/A) d / eps0 of a parallel-plate gate.

    ``c_per_area`` in F/m^2, ``thickness`` (gate dielectric, e.g. the KTaO3
    substrate) in m. For d = 0.5 mm and C/A = 7.97 nF/cm^2, eps_r = 4500.
    """
    return np.asarray(c_per_area, dtype=float) * np.asarray(thickness, dtype=float) / EPS0


def parallel_plate_density(v_g: ArrayLike, eps_r: ArrayLike, thickness: ArrayLike) -> np.ndarray:
    """Induced sheet density Delta n_s = eps0 eps_r V_G / (e d) (m^-2), field-independent eps_r."""
    d = np.asarray(thickness, float)
    return EPS0 * np.asarray(eps_r, float) * np.asarray(v_g, float) / (E * d)


def quadratic_vertex(c0: ArrayLike, c1: ArrayLike, c2: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Vertex of y = c0 + c1 x + c2 x^2: x* = -c1/(2 c2), y* = c0 - c1^2/(4 c2).

    Used for the Tc(V_G) dome: V_peak and Tc,max (PHYSICS sheet §10).
    """
    c0 = np.asarray(c0, float)
    c1 = np.asarray(c1, float)
    c2 = np.asarray(c2, float)
    return -c1 / (2 * c2), c0 - c1**2 / (4 * c2)


__all__ += [
    "EPS0",
    "effective_permittivity",
    "gate_capacitance_per_area",
    "parallel_plate_density",
    "quadratic_vertex",
]


# --------------------------------------------------------------------------
# Spin-orbit scattering (KLB / WHH convention)
# --------------------------------------------------------------------------
def tau_so_from_gamma(gamma_so: ArrayLike) -> np.ndarray:
    """Spin-orbit scattering time tau_so = 2 hbar/(3 Gamma_so) (s); Gamma_so in J.

    The WHH / Klemm-Luther-Beasley convention used by :func:`klb_equation`
    (Gamma_so = 2 hbar/(3 tau_so) = pi k_B Tc lambda_so); PHYSICS sheet §9.
    """
    return 2 * HBAR / (3 * np.asarray(gamma_so, dtype=float))


def gamma_so_from_tau(tau_so: ArrayLike) -> np.ndarray:
    """Spin-orbit pair-breaking energy Gamma_so = 2 hbar/(3 tau_so) (J); tau_so in s."""
    return 2 * HBAR / (3 * np.asarray(tau_so, dtype=float))


__all__ += ["gamma_so_from_tau", "tau_so_from_gamma"]


# --------------------------------------------------------------------------
# BKT: Halperin-Nelson constant from the linearisation; BCG consistency
# --------------------------------------------------------------------------
def hn_b_from_linearized_slope(slope: ArrayLike, t_bkt: ArrayLike) -> np.ndarray:
    """Halperin-Nelson b from the slope S of [d ln R/dT]^(-2/3) vs T.

    [d ln R/dT]^(-2/3) = (2/b)^(2/3) T_BKT^(-1/3) (T - T_BKT), so
    b = 2 S^(-3/2) T_BKT^(-1/2) (S in K^(-1/3), T_BKT in K; PHYSICS §7).
    """
    s = np.asarray(slope, dtype=float)
    return 2.0 * s**-1.5 * np.asarray(t_bkt, dtype=float) ** -0.5


def bcg_b(tc0: ArrayLike, t_bkt: ArrayLike, b_hn: float = 1.0) -> np.ndarray:
    """Halperin-Nelson b expected from the BKT renormalisation, 2 sqrt(b_HN tau_c).

    tau_c = (T_c0 - T_BKT)/T_BKT; b_HN of order 1 (Benfatto, Castellani,
    Giamarchi, PRB 80, 214506 (2009); PHYSICS §7). A fitted b far above it
    signals an inhomogeneity-broadened transition.
    """
    tb = np.asarray(t_bkt, dtype=float)
    return 2.0 * np.sqrt(b_hn * (np.asarray(tc0, dtype=float) - tb) / tb)


__all__ += ["bcg_b", "hn_b_from_linearized_slope"]


def drude_sheet_resistance(n_s: ArrayLike, mobility: ArrayLike) -> np.ndarray:
    """Single-band Drude sheet resistance R_s = 1/(e n_s mu) (Ohm).

    The inverse of :func:`hall_mobility`: n_s in m^-2, mu in m^2/(V s).
    """
    return 1.0 / (E * np.asarray(n_s, dtype=float) * np.asarray(mobility, dtype=float))
