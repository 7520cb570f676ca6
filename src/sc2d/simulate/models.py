"""Noiseless forward models of a 2D superconductor (the digital twin).

Every model is a pure, vectorised function of physical parameters in SI
(K, T, Ohm, A, V, m^-2, m^2/Vs, m). The formulas come from
:mod:`sc2d.physics`; this module only combines them.

R(T) of one homogeneous patch (``rt_local``)
    The excess conductance in units of the normal one, X = R_N/R - 1, is
    - Halperin-Nelson below Tc0: R = R0 exp[-b (T/T_BKT - 1)^(-1/2)] exactly
      (X_HN = R_N/R_HN - 1), zero at and below T_BKT;
    - 2D Aslamazov-Larkin above Tc0: X_AL = (e^2 R_N/16 hbar)/ln(T/Tc0);
    - the two meet at T_m where eps = ln(T/Tc0) = g (g = e^2 R_N(T)/16 hbar),
      i.e. where AL gives R_N/2: R0 is not free, it makes R_HN = R_N/2 there.
      The curve is continuous and monotone, HN exactly below T_m (~Tc0 e^g)
      and AL exactly above; its slope changes at the junction (any
      inhomogeneity rounds it). Requires T_BKT < Tc0.
    The normal state has a mild T dependence R_N(T) = r_n (1 + r_n_t2 T^2).
    T_BKT defaults to the Beasley-Mooij-Orlando ratio (``bmo_tbkt_over_tc0``)
    and b to 2 sqrt(tau_c), tau_c = Tc0/T_BKT - 1 (Benfatto, Castellani,
    Giamarchi, PRB 80, 214506 (2009), with b_HN = 1).

Inhomogeneity (``rt``)
    A Gaussian spread (relative std ``inhomogeneity``) of the local
    temperature scale (Tc0 and T_BKT of a patch scale together), patches
    combined with the 2D Bruggeman effective medium
    sum_i w_i (R - r_i)/(R + r_i) = 0 (PHYSICS sec. 8; a parallel sum would be
    unphysical). In 2D the medium has zero resistance once half the weight
    is superconducting, so the foot still ends at the median T_BKT.

Fields (``rt_field``)
    The 2D GL/Tinkham pair-breaking u = (B cos th/B_c2par)^2 +
    |B sin th|/B_c2perp (theta from the film plane) rescales every local
    temperature by 1 - u: Tc(B) = Tc(0)(1 - B/B_c2perp) (perpendicular),
    Tc(0)(1 - (B/B_c2par)^2) (parallel), with B_c2perp = Phi0/(2 pi xi^2),
    B_c2par = sqrt(12) Phi0/(2 pi xi d). ``field_broadening`` adds u times it
    to the relative spread (field-broadened transitions). For u >= 1 the film
    is normal.

I-V (``iv``)
    With the current scale Ic(T) = ic0 (1 - (T/t_ic)^2)^(3/2) (t_ic defaults
    to t_stiff, where the stiffness vanishes): below Ic
    V = R_N |I| smin((|I|/Ic)^(alpha-1), 1) + r_lin |I| (sign of I), i.e.
    V ~ I^alpha at low current (the power law is measurable between the noise
    floor and Ic near T_BKT, and invisibly steep at low T). At Ic (rising
    |I|) the film switches to the normal branch R_N I and stays there until
    |I| falls below the retrapping current retrap*Ic. The critical current
    an analysis reports (first |I| with V above a threshold) is below Ic;
    ``truth.true_ic`` computes it for a stated threshold.
    alpha(T) = 1 + pi J_s/k_B T with a stiffness linear in T that vanishes at
    t_stiff, with the Nelson-Kosterlitz jump at T_x smeared by a Gaussian of
    width ``alpha_width`` (inhomogeneity, finite size); T_x is solved so that
    alpha(t_bkt_iv) = 3 exactly.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize as _opt
from scipy import special as _sp

from .. import physics as ph

__all__ = [
    "SampleParams",
    "alpha_t",
    "gate_params",
    "hall_rxx",
    "hall_rxy",
    "hc2_par0",
    "hc2_perp0",
    "ic_t",
    "iv",
    "pair_breaking",
    "rt",
    "rt_field",
    "rt_local",
]

#: Gauss-Hermite (probabilists') nodes used for the inhomogeneity average.
_N_NODES = 25


# --------------------------------------------------------------------------
# Parameters
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class SampleParams:
    """Physical parameters of one sample, SI units.

    Parameters
    ----------
    name, orientation : str
        Label and substrate orientation (``"001"``, ``"110"``, ``"111"``).
    r_n : float
        Normal sheet resistance extrapolated to T -> 0 (Ohm).
    r_n_t2 : float
        Mild normal-state T dependence, R_N(T) = r_n (1 + r_n_t2 T^2) (K^-2).
    tc0 : float
        Mean-field (Aslamazov-Larkin) transition temperature (K).
    t_bkt : float or None
        BKT temperature of R(T) (Halperin-Nelson) (K); None: BMO ratio.
    b : float or None
        Halperin-Nelson constant; None: 2 sqrt(Tc0/T_BKT - 1).
    inhomogeneity : float
        Relative std of the local temperature scale (0 = homogeneous).
    n_s : float
        Hall sheet density (m^-2).
    n2, mu2 : float
        Optional second electron band (m^-2, m^2/Vs); n2 = 0: single band.
    misalignment : float
        Fraction of R_xx picked up in R_xy (contact misalignment).
    xi_gl, d_sc : float
        GL coherence length and superconducting thickness (m).
    field_broadening : float
        Extra relative spread per unit pair breaking u in field.
    t_bkt_iv : float or None
        Temperature where the I-V exponent alpha crosses 3 (K); None: t_bkt.
    ic0 : float
        Switching current at T -> 0 (A).
    t_ic : float or None
        Temperature where the switching current vanishes (K); None: t_stiff.
    t_stiff : float or None
        Temperature where the bare stiffness vanishes (K); None: tc0 (or
        1.3 t_bkt_iv when tc0 <= t_bkt_iv).
    alpha_width : float
        Gaussian smearing of the alpha jump (K); 0 = sharp NK jump.
    retrap : float
        Retrapping / switching current ratio (1 = no hysteresis).
    r_lin : float
        Ohmic finite-size term of the I-V below Ic (Ohm).
    """

    name: str = "S"
    orientation: str = "001"
    r_n: float = 300.0
    r_n_t2: float = 0.01
    tc0: float = 0.2
    t_bkt: float | None = None
    b: float | None = None
    inhomogeneity: float = 0.0
    n_s: float = 7.7e17
    n2: float = 0.0
    mu2: float = 0.0
    misalignment: float = 0.0
    xi_gl: float = 146.4e-9
    d_sc: float = 10.15e-9
    field_broadening: float = 0.0
    t_bkt_iv: float | None = None
    ic0: float = 3.3e-6
    t_ic: float | None = None
    t_stiff: float | None = None
    alpha_width: float = 0.0
    retrap: float = 1.0
    r_lin: float = 0.0

    # ---- derived quantities ------------------------------------------
    @property
    def t_bkt_eff(self) -> float:
        """T_BKT of R(T) (K): given, or Tc0 times the BMO ratio."""
        if self.t_bkt is not None:
            return float(self.t_bkt)
        return float(self.tc0 * ph.bmo_tbkt_over_tc0(self.r_n))

    @property
    def b_eff(self) -> float:
        """Halperin-Nelson b: given, or 2 sqrt(tau_c)."""
        if self.b is not None:
            return float(self.b)
        return default_b(self.tc0, self.t_bkt_eff)

    @property
    def mobility(self) -> float:
        """Drude/Hall mobility 1/(e n_s r_n) at T -> 0 (m^2/Vs)."""
        return float(ph.hall_mobility(self.n_s, self.r_n))

    @property
    def hc2_perp0(self) -> float:
        """GL B_c2perp(0) = Phi0/(2 pi xi^2) (T)."""
        return hc2_perp0(self.xi_gl)

    @property
    def hc2_par0(self) -> float:
        """GL B_c2par(0) = sqrt(12) Phi0/(2 pi xi d) (T)."""
        return hc2_par0(self.xi_gl, self.d_sc)

    @property
    def t_bkt_iv_eff(self) -> float:
        """Temperature where alpha = 3 (K)."""
        return float(self.t_bkt_iv if self.t_bkt_iv is not None else self.t_bkt_eff)

    def replace(self, **changes: Any) -> SampleParams:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)

    def r_normal(self, t: ArrayLike) -> np.ndarray:
        """Normal-state sheet resistance R_N(T) = r_n (1 + r_n_t2 T^2) (Ohm)."""
        t = np.asarray(t, dtype=float)
        return self.r_n * (1.0 + self.r_n_t2 * t**2)

    def rt_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`rt` for these parameters."""
        return {
            "r_n": self.r_n,
            "r_n_t2": self.r_n_t2,
            "tc0": self.tc0,
            "t_bkt": self.t_bkt_eff,
            "b": self.b_eff,
            "inhomogeneity": self.inhomogeneity,
        }

    def iv_kwargs(self) -> dict[str, Any]:
        """Keyword arguments of :func:`iv` for these parameters."""
        tiv = self.t_bkt_iv_eff
        t_stiff = self.t_stiff
        if t_stiff is None:
            t_stiff = self.tc0 if self.tc0 > tiv * 1.02 else 1.3 * tiv
        return {
            "r_n": self.r_n,
            "t_bkt_iv": tiv,
            "ic0": self.ic0,
            "t_ic": self.t_ic if self.t_ic is not None else t_stiff,
            "t_stiff": t_stiff,
            "alpha_width": self.alpha_width,
            "retrap": self.retrap,
            "r_lin": self.r_lin,
        }

    def to_dict(self) -> dict[str, Any]:
        """Every field plus the derived values, JSON-ready (SI)."""
        d = dataclasses.asdict(self)
        d.update(
            t_bkt_eff=self.t_bkt_eff,
            b_eff=self.b_eff,
            mobility=self.mobility,
            hc2_perp0=self.hc2_perp0,
            hc2_par0=self.hc2_par0,
            t_bkt_iv_eff=self.t_bkt_iv_eff,
        )
        return d


def default_b(tc0: float, t_bkt: float) -> float:
    """b = 2 sqrt(b_HN tau_c) with b_HN = 1, tau_c = Tc0/T_BKT - 1 (BCG 2009)."""
    return 2.0 * math.sqrt(max(tc0 / t_bkt - 1.0, 1e-6))


def hc2_perp0(xi_gl: float) -> float:
    """GL B_c2perp(0) = Phi0/(2 pi xi^2) (T)."""
    return float(ph.hc2_perp_from_xi(xi_gl))


def hc2_par0(xi_gl: float, d_sc: float) -> float:
    """GL B_c2par(0) = sqrt(12) Phi0/(2 pi xi d) (T)."""
    return float(ph.gl_hc2_par(0.0, xi_gl, d_sc, 1.0))


# --------------------------------------------------------------------------
# R(T)
# --------------------------------------------------------------------------
def rt_local(
    t: ArrayLike,
    *,
    r_n: float = 300.0,
    tc0: ArrayLike = 0.2,
    t_bkt: ArrayLike | None = None,
    b: float | None = None,
    r_n_t2: float = 0.0,
) -> np.ndarray:
    """Sheet resistance of one homogeneous patch (Ohm), AL above / HN below Tc0.

    Parameters
    ----------
    t : array_like
        Temperature (K).
    r_n : float
        Normal resistance at T -> 0 (Ohm); R_N(T) = r_n (1 + r_n_t2 T^2).
    tc0 : array_like
        Mean-field Tc0 (K); broadcast with ``t`` (patches).
    t_bkt : array_like or None
        Halperin-Nelson T_BKT (K); None: BMO ratio times tc0. Broadcast.
    b : float or None
        Halperin-Nelson b; None: 2 sqrt(tau_c).

    Returns
    -------
    ndarray
        R(T): exactly ``halperin_nelson(T, R0, b, T_BKT)`` for
        T < Tc0 exp(g) and ``al_resistance(T, R_N(T), Tc0)`` above,
        g = e^2 R_N/(16 hbar); R = R_N/2 at the junction.
    """
    t = np.asarray(t, dtype=float)
    tc0 = np.asarray(tc0, dtype=float)
    if t_bkt is None:
        t_bkt = tc0 * ph.bmo_tbkt_over_tc0(r_n)
    t_bkt = np.asarray(t_bkt, dtype=float)
    t, tc0, t_bkt = np.broadcast_arrays(t, tc0, t_bkt)
    if b is None:
        bb = 2.0 * np.sqrt(np.clip(tc0 / t_bkt - 1.0, 1e-6, None))
    else:
        bb = np.full(t.shape, float(b))
    rn = r_n * (1.0 + r_n_t2 * t**2)
    g = ph.AL_PREFACTOR * rn  # X_AL = g/eps: Delta sigma = (e^2/16 hbar)/eps exactly
    # junction T_m: ln(T_m/Tc0) = g(T_m), where AL gives R_N/2; the HN
    # amplitude makes R_HN(T_m) = R_N(T_m)/2 too
    t_m = tc0 * np.exp(ph.AL_PREFACTOR * r_n)
    for _ in range(4):
        t_m = tc0 * np.exp(ph.AL_PREFACTOR * r_n * (1.0 + r_n_t2 * t_m**2))
    rn_m = r_n * (1.0 + r_n_t2 * t_m**2)
    tt_m = np.clip(t_m / t_bkt - 1.0, 1e-12, None)
    ln_r0 = np.log(rn_m / 2.0) + bb / np.sqrt(tt_m)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tt = t / t_bkt - 1.0
        ln_rhn = np.where(tt > 0, ln_r0 - bb / np.sqrt(np.where(tt > 0, tt, 1.0)), -np.inf)
        # ln X_HN = ln(R_N/R_HN - 1)
        ln_ratio = np.log(rn) - ln_rhn  # ln(R_N/R_HN), +inf below T_BKT
        ln_xhn = np.where(
            ln_ratio > 30,
            ln_ratio,
            np.log(np.clip(np.expm1(np.clip(ln_ratio, -700, 30)), 1e-300, None)),
        )
        eps = np.log(t / tc0)
        ln_xal = np.where(eps > 0, np.log(g) - np.log(np.where(eps > 0, eps, 1.0)), np.inf)
        # regime switch where both forms give R_N/2 (eps = g): continuous and
        # monotone; the slope changes there (inhomogeneity rounds it)
        ln_x = np.where(t >= t_m, ln_xal, ln_xhn)
        r = rn / (1.0 + np.exp(np.clip(ln_x, -700, 700)))
    r = np.where(np.isposinf(ln_x), 0.0, r)
    return r


def _ema_2d(r: np.ndarray, w: np.ndarray) -> np.ndarray:
    """2D Bruggeman effective medium of patch resistances r[..., K], weights w[K]."""
    rmax = np.max(r, axis=-1)
    rmax = np.where(rmax > 0, rmax, 1.0)
    rn = r / rmax[..., None]
    lo = np.zeros(rmax.shape)
    hi = np.ones(rmax.shape)
    # f(u) = sum w (u - r)/(u + r) increases with u; f(1) >= 0.
    # limit u -> 0+: terms with r == 0 give +1, others -1
    zero_w = np.sum(w * (rn <= 0), axis=-1)
    for _ in range(48):
        mid = 0.5 * (lo + hi)
        den = mid[..., None] + rn
        f = np.sum(w * (mid[..., None] - rn) / den, axis=-1)
        pos = f > 0
        hi = np.where(pos, mid, hi)
        lo = np.where(pos, lo, mid)
    u = 0.5 * (lo + hi)
    u = np.where(zero_w >= 0.5 - 1e-12, 0.0, u)
    return u * rmax


def _nodes(n: int = _N_NODES) -> tuple[np.ndarray, np.ndarray]:
    x, w = np.polynomial.hermite_e.hermegauss(n)
    return x, w / w.sum()


def rt(
    t: ArrayLike,
    *,
    r_n: float = 300.0,
    tc0: float = 0.2,
    t_bkt: float | None = None,
    b: float | None = None,
    inhomogeneity: float = 0.0,
    r_n_t2: float = 0.0,
    scale: ArrayLike = 1.0,
) -> np.ndarray:
    """Zero-field sheet resistance R(T) of an (inhomogeneous) 2D superconductor (Ohm).

    Parameters
    ----------
    t : array_like
        Temperature (K).
    r_n, r_n_t2 : float
        Normal state R_N(T) = r_n (1 + r_n_t2 T^2) (Ohm, K^-2).
    tc0 : float
        Mean-field Tc0 (K).
    t_bkt : float or None
        Halperin-Nelson T_BKT (K); None: Beasley-Mooij-Orlando ratio.
    b : float or None
        Halperin-Nelson b; None: 2 sqrt(Tc0/T_BKT - 1).
    inhomogeneity : float
        Relative std of the local temperature scale (Gaussian; 2D Bruggeman
        effective medium of the patches). 0: homogeneous.
    scale : array_like
        Extra factor on every local temperature (broadcast with ``t``); used
        for pair breaking in field.

    Returns
    -------
    ndarray
        R(T) in Ohm, shape of ``t`` broadcast with ``scale``.
    """
    t = np.asarray(t, dtype=float)
    scale = np.asarray(scale, dtype=float)
    t, scale = np.broadcast_arrays(t, scale)
    tb = tc0 * ph.bmo_tbkt_over_tc0(r_n) if t_bkt is None else t_bkt
    if not 0 < tb < tc0:
        raise ValueError(f"t_bkt ({tb} K) must lie between 0 and tc0 ({tc0} K)")
    bb = default_b(tc0, float(tb)) if b is None else b
    sig = np.broadcast_to(np.asarray(inhomogeneity, dtype=float), t.shape)
    normal = scale <= 0
    sc = np.where(normal, 1.0, scale)
    if np.all(sig <= 0):
        out = rt_local(t, r_n=r_n, tc0=tc0 * sc, t_bkt=tb * sc, b=bb, r_n_t2=r_n_t2)
    else:
        x, w = _nodes()
        f = np.clip(1.0 + sig[..., None] * x, 0.05, None) * sc[..., None]
        r = rt_local(t[..., None], r_n=r_n, tc0=tc0 * f, t_bkt=tb * f, b=bb, r_n_t2=r_n_t2)
        out = _ema_2d(r, w)
    return np.where(normal, r_n * (1.0 + r_n_t2 * t**2), out)


def pair_breaking(
    b_field: ArrayLike,
    *,
    hc2_perp: float,
    hc2_par: float,
    theta_deg: ArrayLike = 90.0,
) -> np.ndarray:
    """Reduced pair breaking u = 1 - Tc(B)/Tc(0) of the 2D GL/Tinkham film.

    u = (B cos th/B_c2par)^2 + |B sin th|/B_c2perp, theta from the film plane
    (90 = perpendicular): the Tinkham 2D form with GL Hc2perp ~ (1 - t),
    Hc2par ~ (1 - t)^(1/2) solved for t (Tinkham, Phys. Rev. 129, 2413 (1963)).
    """
    bf = np.abs(np.asarray(b_field, dtype=float))
    th = np.deg2rad(np.asarray(theta_deg, dtype=float))
    return (bf * np.cos(th) / hc2_par) ** 2 + bf * np.abs(np.sin(th)) / hc2_perp


def rt_field(
    t: ArrayLike,
    b_field: ArrayLike,
    *,
    orientation: str = "perp",
    theta_deg: float | None = None,
    xi_gl: float = 146.4e-9,
    d_sc: float = 10.15e-9,
    field_broadening: float = 0.0,
    r_n: float = 300.0,
    tc0: float = 0.2,
    t_bkt: float | None = None,
    b: float | None = None,
    inhomogeneity: float = 0.0,
    r_n_t2: float = 0.0,
) -> np.ndarray:
    """R(T, B) in a perpendicular, parallel or tilted field (Ohm).

    Every local temperature scale is multiplied by 1 - u(B) (see
    :func:`pair_breaking`), so Tc at any criterion follows
    Tc(0)(1 - B/B_c2perp) or Tc(0)(1 - (B/B_c2par)^2) (exactly for a
    T-independent normal state and ``field_broadening = 0``). The spread
    grows as inhomogeneity + field_broadening u. ``t`` and ``b_field``
    broadcast. ``theta_deg`` (from the film plane) overrides ``orientation``.
    """
    if theta_deg is None:
        if orientation not in ("perp", "par"):
            raise ValueError(f"orientation must be 'perp' or 'par', got {orientation!r}")
        theta_deg = 90.0 if orientation == "perp" else 0.0
    u = pair_breaking(
        b_field, hc2_perp=hc2_perp0(xi_gl), hc2_par=hc2_par0(xi_gl, d_sc), theta_deg=theta_deg
    )
    t = np.asarray(t, dtype=float)
    t, u = np.broadcast_arrays(t, u)
    return rt(
        t,
        r_n=r_n,
        tc0=tc0,
        t_bkt=t_bkt,
        b=b,
        inhomogeneity=inhomogeneity + field_broadening * np.clip(u, 0, 1),
        r_n_t2=r_n_t2,
        scale=1.0 - u,
    )


# --------------------------------------------------------------------------
# I-V
# --------------------------------------------------------------------------
def _alpha_raw(t: np.ndarray, t_x: float, t_stiff: float, width: float) -> np.ndarray:
    """1 + 2 (T_x/T)(T_s - T)/(T_s - T_x) x Phi((T_x - T)/width)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        core = 2.0 * (t_x / t) * np.clip(t_stiff - t, 0, None) / (t_stiff - t_x)
    if width > 0:
        w = _sp.ndtr((t_x - t) / width)
    else:
        w = (t <= t_x).astype(float)
    return 1.0 + core * w


def _solve_tx(t_bkt_iv: float, t_stiff: float, width: float) -> float:
    if width <= 0:
        return t_bkt_iv
    if t_stiff <= t_bkt_iv:
        raise ValueError(f"t_stiff ({t_stiff} K) must exceed t_bkt_iv ({t_bkt_iv} K)")

    def h(tx: float) -> float:
        return float(_alpha_raw(np.array([t_bkt_iv]), tx, t_stiff, width)[0]) - 3.0

    hi = t_stiff * (1 - 1e-9)
    if h(hi) < 0:
        raise ValueError(
            f"alpha_width {width} K is too large for t_bkt_iv {t_bkt_iv} K and "
            f"t_stiff {t_stiff} K: alpha cannot reach 3; reduce it"
        )
    return float(_opt.brentq(h, t_bkt_iv, hi, xtol=1e-14))


def alpha_t(
    t: ArrayLike,
    *,
    t_bkt_iv: float = 0.138,
    t_stiff: float = 0.18,
    alpha_width: float = 0.0,
) -> np.ndarray:
    """I-V exponent alpha(T) = 1 + pi J_s(T)/(k_B T) with a smeared NK jump.

    J_s(T) is linear in T and vanishes at ``t_stiff``; the universal jump
    (alpha: 3 -> 1) sits at T_x and is smeared by a Gaussian CDF of width
    ``alpha_width`` (K); T_x is solved so that alpha(t_bkt_iv) = 3 exactly
    (T_x = t_bkt_iv for a sharp jump, where alpha(T_BKT^-) = 3).
    """
    t = np.asarray(t, dtype=float)
    tx = _solve_tx(t_bkt_iv, t_stiff, alpha_width)
    return _alpha_raw(t, tx, t_stiff, alpha_width)


def ic_t(t: ArrayLike, *, ic0: float = 3.3e-6, t_ic: float = 0.18) -> np.ndarray:
    """Switching current Ic(T) = ic0 (1 - (T/t_ic)^2)^(3/2), zero above t_ic (A)."""
    t = np.asarray(t, dtype=float)
    return ic0 * np.clip(1.0 - (t / t_ic) ** 2, 0, None) ** 1.5


def iv(
    i: ArrayLike,
    t: ArrayLike,
    *,
    r_n: float = 300.0,
    t_bkt_iv: float = 0.138,
    ic0: float = 3.3e-6,
    t_ic: float | None = None,
    t_stiff: float = 0.18,
    alpha_width: float = 0.0,
    retrap: float = 1.0,
    r_lin: float = 0.0,
    branch: ArrayLike = 1,
) -> np.ndarray:
    """Noiseless voltage V(I, T) of a BKT film (V), odd in I.

    Parameters
    ----------
    i, t : array_like
        Current (A) and temperature (K); broadcast.
    r_n : float
        Normal (high-current) resistance (Ohm).
    t_bkt_iv : float
        alpha(t_bkt_iv) = 3 (K).
    ic0, t_ic : float
        Switching current Ic(T) = ic0 (1 - (T/t_ic)^2)^(3/2) (A, K); it is
        also the scale of the power law V = R_N |I| (|I|/Ic)^(alpha - 1).
        t_ic None: t_stiff.
    t_stiff, alpha_width : float
        See :func:`alpha_t`.
    retrap : float
        Retrapping current / switching current (<= 1).
    r_lin : float
        Ohmic finite-size term below Ic (Ohm).
    branch : array_like
        +1 where |I| is rising (switching at Ic), -1 where it is falling
        (retrapping at retrap*Ic); broadcast with ``i``.
    """
    i = np.asarray(i, dtype=float)
    t = np.asarray(t, dtype=float)
    br = np.asarray(branch)
    i, t, br = np.broadcast_arrays(i, t, br)
    if t_ic is None:
        t_ic = t_stiff
    a = alpha_t(t, t_bkt_iv=t_bkt_iv, t_stiff=t_stiff, alpha_width=alpha_width)
    ai = np.abs(i)
    ic = ic_t(t, ic0=ic0, t_ic=t_ic)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        x = ai / np.where(ic > 0, ic, 1.0)
        p = np.where(x > 0, x ** (a - 1.0), 0.0)
        k = 4.0
        frac = np.where(p > 0, (p ** (-k) + 1.0) ** (-1.0 / k), 0.0)
    v_sc = r_n * ai * frac + r_lin * ai
    thr = np.where(br >= 0, ic, retrap * ic)
    normal = (ic <= 0) | (ai >= thr)
    v = np.where(normal, r_n * ai, v_sc)
    return np.sign(i) * v


# --------------------------------------------------------------------------
# Hall
# --------------------------------------------------------------------------
def hall_rxy(
    b_field: ArrayLike,
    n_s: float,
    *,
    n2: float = 0.0,
    mu1: float | None = None,
    mu2: float = 0.0,
    r_s: float | None = None,
    misalignment: float = 0.0,
) -> np.ndarray:
    """Hall resistance R_xy(B) (Ohm), electrons (negative slope).

    Single band (n2 = 0): R_xy = -B/(e n_s). Two electron bands: the Drude
    ``two_band_rxy`` with (n_s, mu1) and (n2, mu2), where mu1 defaults to the
    value that gives R_xx(0) = r_s. ``misalignment`` adds that fraction of
    R_xx(B) (contact misalignment; needs ``r_s`` or two bands).
    """
    bf = np.asarray(b_field, dtype=float)
    if n2 > 0:
        m1 = _mu1(n_s, n2, mu2, r_s) if mu1 is None else mu1
        rxy = ph.two_band_rxy(bf, n_s, m1, n2, mu2)
    else:
        rxy = -bf / (ph.E * n_s)
    if misalignment:
        rxy = rxy + misalignment * hall_rxx(bf, n_s, n2=n2, mu1=mu1, mu2=mu2, r_s=r_s)
    return rxy


def _mu1(n_s: float, n2: float, mu2: float, r_s: float | None) -> float:
    if r_s is None:
        raise ValueError("two-band Hall needs r_s (or mu1)")
    m1 = (1.0 / (ph.E * r_s) - n2 * mu2) / n_s
    if m1 <= 0:
        raise ValueError(f"two-band Hall: r_s = {r_s} Ohm is too small for n2*mu2; lower n2 or mu2")
    return m1


def hall_rxx(
    b_field: ArrayLike,
    n_s: float,
    *,
    n2: float = 0.0,
    mu1: float | None = None,
    mu2: float = 0.0,
    r_s: float | None = None,
) -> np.ndarray:
    """Longitudinal sheet resistance R_xx(B) (Ohm): r_s (single band, no MR) or two-band Drude."""
    bf = np.asarray(b_field, dtype=float)
    if n2 > 0:
        m1 = _mu1(n_s, n2, mu2, r_s) if mu1 is None else mu1
        return ph.two_band_rxx(bf, n_s, m1, n2, mu2)
    if r_s is None:
        if mu1 is None:
            raise ValueError("single-band R_xx needs r_s or mu1")
        r_s = ph.drude_sheet_resistance(n_s, mu1)
    return np.full(bf.shape, float(r_s))


# --------------------------------------------------------------------------
# Gate
# --------------------------------------------------------------------------
def gate_params(
    vg: ArrayLike,
    *,
    n0: float = 7.7e17,
    dn_dv: float = 3.333e14,
    d2n_dv2: float = -4.444e11,
    r_plus: float = 300.0,
    r_minus: float = 483.0,
    v_span: float = 150.0,
    tc_peak: float = 0.19,
    v_peak: float = 30.0,
    tc_curv: float = 1.2e-6,
    ic_ref: float = 3.3e-6,
    ic_power: float = 2.0,
) -> dict[str, np.ndarray]:
    """Back-gate dependence of a sample's parameters.

    Parameters
    ----------
    vg : array_like
        Gate voltage (V).
    n0, dn_dv, d2n_dv2 : float
        n_s(V) = n0 + dn_dv V + d2n_dv2 V^2 (m^-2, m^-2/V, m^-2/V^2): a
        saturating response (field-dependent epsilon_r of KTaO3).
    r_plus, r_minus, v_span : float
        R_s(T -> 0) at +v_span and -v_span (Ohm); the mobility is linear in
        V between the two values they imply, mu = 1/(e n_s R_s).
    tc_peak, v_peak, tc_curv : float
        Tc dome Tc(V) = tc_peak - tc_curv (V - v_peak)^2 (K, V, K/V^2).
    ic_ref, ic_power : float
        Ic0(V) = ic_ref (Tc(V)/Tc(0))^ic_power (A): non-monotonic like Tc.

    Returns
    -------
    dict
        ``n_s`` (m^-2), ``mobility`` (m^2/Vs), ``r_s`` (Ohm, T -> 0),
        ``tc`` (K), ``ic0`` (A), each an array shaped like ``vg``.
    """
    v = np.asarray(vg, dtype=float)
    n = n0 + dn_dv * v + d2n_dv2 * v**2
    n_p = n0 + dn_dv * v_span + d2n_dv2 * v_span**2
    n_m = n0 - dn_dv * v_span + d2n_dv2 * v_span**2
    mu_p = ph.hall_mobility(n_p, r_plus)
    mu_m = ph.hall_mobility(n_m, r_minus)
    mu = mu_m + (mu_p - mu_m) * (v + v_span) / (2 * v_span)
    r_s = ph.drude_sheet_resistance(n, mu)
    tc = tc_peak - tc_curv * (v - v_peak) ** 2
    tc_zero = tc_peak - tc_curv * v_peak**2
    ic = ic_ref * np.clip(tc / tc_zero, 0, None) ** ic_power
    return {"n_s": n, "mobility": mu, "r_s": r_s, "tc": tc, "ic0": ic}
