"""Gate series: the Tc(V_G) dome, n_s and mobility versus V_G, gate capacitance.

Pure functions on arrays (SI inside: V, K, m^-2, m^2/(V s), A, Ohm); the
file-level glue lives in :mod:`sc2d.tasks.gate`.

- :func:`tc_dome`: local quadratic Tc = c0 + c1 V + c2 V^2 around the
  maximum, V_peak = -c1/(2 c2) and Tc,max = c0 - c1^2/(4 c2) with
  delta-method errors including cov(c1, c2); the two sides' slopes from line
  fits; a flagged "no dome resolved" result when c2 >= 0 or the vertex lies
  outside the data (PHYSICS sheet §10).
- :func:`gate_capacitance`: dn_s/dV_G from a line fit, C/A = e dn_s/dV_G,
  effective eps_r = (C/A) d/eps0; up and down sweeps separately when both are
  present, and the local slope per step (KTaO3's eps_r depends on field).
- :func:`match_gate_steps`: align the steps of the R(T), Hall and I-V
  families by V_G.
- :func:`gate_series`: one row per gate step (Tc, n_s, mobility, mean free
  path, Ic, R_N) plus the dome, the capacitance and Tc versus n_s.

References: Caviglia et al., Nature 456, 624 (2008) (gated LaAlO3/SrTiO3
dome); Z. Chen et al., Science 372, 721 (2021) (KTaO3(111) back gate changes
mobility more than density); L. Chen et al., arXiv:2507.01392 (CaZrO3/KTaO3
(001): dome peaking at V_G = +30 V). KTaO3 permittivity: Fujishita et al.,
JPSJ 85, 074703 (2016); field dependence and "forming" on the first sweep:
Biscaras et al., Sci. Rep. 4, 6788 (2014).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _fit, physics
from .data import Estimate, Result
from .errors import DataError, FormatError

__all__ = [
    "CapacitanceResult",
    "DomeResult",
    "GateResult",
    "GateStep",
    "SweepCapacitance",
    "gate_capacitance",
    "gate_series",
    "match_gate_steps",
    "tc_dome",
]

#: m^-2 -> cm^-2
_CM2 = 1e-4
#: m^2/(V s) -> cm^2/(V s)
_MU_CM2 = 1e4
#: F/m^2 -> nF/cm^2
_NF_CM2 = 1e9 * 1e-4

_NO_DOME = "no dome resolved (monotonic)"

KTO_NOTE = (
    "KTaO3 is a quantum paraelectric: eps_r ~ 4000-5000 below 4 K, strongly reduced by the "
    "gate field (eps_r(E) = eps_r(0)/[1+(E/E0)^2]^(1/3)), so n_s(V_G) is sublinear and "
    "C/A = e dn_s/dV_G is a differential, field-dependent capacitance, not C V_G; the first "
    "sweep at low T can trap charge irreversibly (forming), so up and down sweeps differ "
    "(hysteresis) and the sweep history must be stated"
)


def _as_1d(name: str, a: ArrayLike) -> np.ndarray:
    x = np.array(a, dtype=float, copy=True).ravel()
    if x.ndim != 1:
        raise FormatError(f"{name} must be a 1-D array, got shape {np.shape(a)}")
    return x


def _step(vg: np.ndarray) -> float:
    """Typical gate step: the median gap between distinct V_G levels (V)."""
    u = np.unique(vg[np.isfinite(vg)])
    if u.size < 2:
        return math.nan
    return float(np.median(np.diff(u)))


# --------------------------------------------------------------------------
# The dome
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class DomeResult(Result):
    """Tc(V_G) dome: peak position and height, curvature and side slopes.

    Attributes
    ----------
    tc_peak_Vg_V : Estimate
        Gate voltage of the maximum, V_peak = -c1/(2 c2) (V); flagged when no
        dome is resolved (then the value is the V_G of the highest Tc).
    tc_max_K : Estimate
        Tc at the vertex, c0 - c1^2/(4 c2) (K); the highest measured Tc when
        no dome is resolved (flagged).
    curvature_K_per_V2 : Estimate
        c2 (K/V^2); < 0 for a dome.
    slope_left_K_per_V, slope_right_K_per_V : Estimate
        dTc/dV_G from straight-line fits to the points below and above
        V_peak (K/V); chords through a curved side, so averages.
    resolved : bool
        True when c2 < 0 and V_peak lies inside the measured V_G range.
    flag : str
        Why no dome was resolved ("" when resolved).
    method : str
        The fit, stated.
    window_V : tuple of float
        The V_G range of the quadratic fit.
    n_points : int
        Points in the quadratic fit.
    chi2_red : float
        Reduced chi-square of the quadratic fit (absolute with tc_err).
    """

    tc_peak_Vg_V: Estimate
    tc_max_K: Estimate
    curvature_K_per_V2: Estimate
    slope_left_K_per_V: Estimate
    slope_right_K_per_V: Estimate
    resolved: bool
    flag: str
    method: str
    window_V: tuple[float, float]
    n_points: int
    chi2_red: float
    _coef: tuple[float, float, float] = field(default=(math.nan,) * 3, repr=False)
    _vg: np.ndarray | None = field(default=None, repr=False)
    _tc: np.ndarray | None = field(default=None, repr=False)


def _side_slope(v: np.ndarray, t: np.ndarray, s: np.ndarray | None, side: str) -> Estimate:
    unit = "K/V"
    if v.size < 2 or np.unique(v).size < 2:
        return Estimate.missing(unit, f"fewer than 2 gate steps on the {side} side of the peak")
    lf = _fit.line_fit(v, t, s)
    method = f"line fit of Tc vs V_G on the {side} side ({v.size} points)"
    window = (float(v.min()), float(v.max()))
    err = lf.slope_stderr if (s is not None or v.size > 2) else math.nan
    if s is not None and math.isfinite(lf.residual_std) and lf.residual_std > 1:
        # a chord through a curved side: Birge-scale the absolute error
        err *= lf.residual_std
        method += ", error Birge-scaled"
    return Estimate(lf.slope, err, unit, method, window)


def _cubic_scatter(v: np.ndarray, t: np.ndarray) -> float:
    """Residual variance of a cubic through all points (NaN with < 2 dof)."""
    if np.unique(v).size < 4 or v.size - 4 < 2:
        return math.nan
    sc = float(np.max(np.abs(v))) or 1.0

    def cubic(x: np.ndarray, a0: float, a1: float, a2: float, a3: float) -> np.ndarray:
        return a0 + a1 * x + a2 * x**2 + a3 * x**3

    fo = _fit.curve_fit(cubic, v / sc, t, (float(np.mean(t)), 0.0, 0.0, 0.0))
    return float(fo.chi2_red) if fo.success else math.nan


def tc_dome(
    vg: ArrayLike,
    tc: ArrayLike,
    tc_err: ArrayLike | None = None,
    *,
    top_fraction: float = 0.3,
    min_points: int = 5,
) -> DomeResult:
    """Peak of the Tc(V_G) dome by a local quadratic fit (PHYSICS sheet §10).

    The fit uses the ``max(min_points, ceil(top_fraction * N))`` distinct
    V_G levels around the level of the highest Tc (contiguous in V_G,
    shifted inwards at the ends of the range; with 11 steps: the 5 levels
    around the maximum). Tc = c0 + c1 V + c2 V^2 is fitted (through
    :func:`sc2d._fit.curve_fit`, in V_G centred on the window and scaled to
    [-1, 1] for conditioning); V_peak = -c1/(2 c2), Tc,max = c0 - c1^2/(4 c2)
    (:func:`sc2d.physics.quadratic_vertex`), their errors by the delta method
    with the full covariance (including cov(c1, c2)). With ``tc_err`` the
    errors are absolute, inflated by sqrt(chi2_red) when that exceeds 1
    (Birge ratio); without, the noise variance is the larger of the local
    fit's residual variance (only N - 3 = 2 dof for 5 points) and that of a
    cubic through the whole series (NaN when neither has dof). Checked on
    synthetic domes: |V_peak error| < 2 sigma in ~93% of seeds.

    Requires c2 < 0 and V_peak inside the measured V_G range; otherwise the
    result is flagged "no dome resolved (monotonic)" and reports the highest
    measured point instead. The side slopes dTc/dV_G are straight-line fits
    to all points with V_G <= V_peak (left) and >= V_peak (right).

    Parameters
    ----------
    vg : array_like
        Gate voltages (V), any order; repeated levels (up and down sweeps)
        are allowed. NaN entries (with their Tc) are dropped.
    tc : array_like
        Tc at each V_G (K), one criterion throughout; NaN where the
        transition was not reached (dropped).
    tc_err : array_like, optional
        One-sigma errors of Tc (K), > 0.
    top_fraction : float
        Fraction of the gate levels used around the maximum (0, 1].
    min_points : int
        Minimum number of levels in the fit (>= 3).

    Returns
    -------
    DomeResult

    Raises
    ------
    FormatError
        Arrays of different lengths or bad options.
    DataError
        Fewer than 3 distinct V_G levels with a Tc.
    """
    v = _as_1d("vg", vg)
    t = _as_1d("tc", tc)
    if v.size != t.size:
        raise FormatError(f"vg and tc must have the same length, got {v.size} and {t.size}")
    s = None
    if tc_err is not None:
        s = _as_1d("tc_err", tc_err)
        if s.size != v.size:
            raise FormatError(f"tc_err must have the length of vg ({v.size}), got {s.size}")
    if not (0 < top_fraction <= 1):
        raise FormatError(f"top_fraction must lie in (0, 1], got {top_fraction}")
    if min_points < 3:
        raise FormatError(f"min_points must be at least 3 for a quadratic, got {min_points}")
    m = np.isfinite(v) & np.isfinite(t)
    if s is not None:
        m &= np.isfinite(s) & (s > 0)
    v, t = v[m], t[m]
    s = s[m] if s is not None else None
    levels = np.unique(v)
    if levels.size < 3:
        raise DataError(
            f"a Tc(V_G) dome needs Tc at 3 or more gate voltages, got {levels.size} "
            f"(V_G = {', '.join(f'{x:g}' for x in levels) or 'none'})"
        )
    order = np.argsort(v, kind="stable")
    v, t = v[order], t[order]
    s = s[order] if s is not None else None

    n_lev = min(levels.size, max(min_points, math.ceil(top_fraction * levels.size)))
    i_max = int(np.argmax(t))
    k = int(np.searchsorted(levels, v[i_max]))

    def quad(x: np.ndarray, a0: float, a1: float, a2: float) -> np.ndarray:
        return a0 + a1 * x + a2 * x**2

    lo = min(max(k - n_lev // 2, 0), levels.size - n_lev)
    recentred = False
    for _attempt in range(2):
        win_levels = levels[lo : lo + n_lev]
        w = (v >= win_levels[0]) & (v <= win_levels[-1])
        vw, tw = v[w], t[w]
        sw = s[w] if s is not None else None
        vmid = float(0.5 * (win_levels[0] + win_levels[-1]))
        half = float(0.5 * (win_levels[-1] - win_levels[0])) or 1.0
        u = (vw - vmid) / half  # scaled to [-1, 1]

        p0 = (float(tw.max()), 0.0, -float(np.ptp(tw)) or -1e-3)
        sig = sw if sw is not None else np.ones_like(tw)
        fo = _fit.curve_fit(quad, u, tw, p0, sigma=sig, absolute_sigma=True)
        a0, a1, a2 = (float(x) for x in fo.params)
        cov = np.array(fo.cov, dtype=float)  # unscaled (absolute sigma)
        if sw is not None:
            noise_note = "errors from tc_err (Birge-scaled when chi2_red > 1)"
            if math.isfinite(fo.chi2_red) and fo.chi2_red > 1:
                cov = cov * fo.chi2_red
        else:
            # two residual dof give an unreliable noise scale: take the larger of
            # the local residual variance and that of a cubic through all points
            s2 = [x for x in (fo.chi2_red, _cubic_scatter(v, t)) if math.isfinite(x)]
            cov = cov * max(s2) if s2 else np.full((3, 3), np.nan)
            noise_note = (
                "errors from the larger of the local residual variance and that of a cubic "
                "through all points"
            )
        # back to volts: c1 = a1/half, c2 = a2/half^2 (around vmid)
        c2 = a2 / half**2
        vertex_u, tmax = physics.quadratic_vertex(a0, a1, a2)
        vertex_u = float(vertex_u)
        tmax = float(tmax)
        v_peak = vmid + half * vertex_u
        # delta method in the scaled coordinates
        g_v = np.array([0.0, -1.0 / (2 * a2), a1 / (2 * a2**2)]) * half
        g_t = np.array([1.0, -a1 / (2 * a2), a1**2 / (4 * a2**2)])
        with np.errstate(invalid="ignore"):
            var_v = float(g_v @ cov @ g_v)
            var_t = float(g_t @ cov @ g_t)
            var_c2 = float(cov[2, 2]) / half**4
        se_v = math.sqrt(var_v) if var_v >= 0 else math.nan
        se_t = math.sqrt(var_t) if var_t >= 0 else math.nan
        se_c2 = math.sqrt(var_c2) if var_c2 >= 0 else math.nan
        # a vertex inside the data but outside the window: refit once around it
        if (
            not recentred
            and a2 < 0
            and levels[0] <= v_peak <= levels[-1]
            and not (win_levels[0] <= v_peak <= win_levels[-1])
        ):
            k2 = int(np.argmin(np.abs(levels - v_peak)))
            lo2 = min(max(k2 - n_lev // 2, 0), levels.size - n_lev)
            if lo2 != lo:
                lo, recentred = lo2, True
                continue
        break

    window = (float(win_levels[0]), float(win_levels[-1]))
    errs = noise_note
    method = (
        f"local quadratic Tc = c0 + c1 V_G + c2 V_G^2 over the {n_lev} gate levels "
        f"({vw.size} points) around the maximum (top {top_fraction:.0%} of levels, "
        f">= {min_points}); V_peak = -c1/(2 c2), Tc,max = c0 - c1^2/(4 c2), "
        f"delta method incl. cov(c1, c2); {errs}"
        + ("; window re-centred once on the first fit's vertex" if recentred else "")
    )
    curvature = Estimate(c2, se_c2, "K/V^2", method, window)

    flag = ""
    if not fo.success:
        flag = f"quadratic fit did not converge ({fo.message})"
    elif not (a2 < 0):
        flag = f"{_NO_DOME}: c2 = {c2:.3g} K/V^2 >= 0"
    elif not (levels[0] <= v_peak <= levels[-1]):
        flag = (
            f"{_NO_DOME}: vertex at {v_peak:.4g} V lies outside the data "
            f"({levels[0]:g} to {levels[-1]:g} V)"
        )
    resolved = not flag
    if resolved:
        peak = Estimate(v_peak, se_v, "V", method, window)
        tcmax = Estimate(tmax, se_t, "K", method, window)
        if not (window[0] <= v_peak <= window[1]):
            warn = "vertex outside the fit window: extrapolated"
            peak = Estimate(v_peak, se_v, "V", method, window, warn)
    else:
        meth = "highest measured Tc"
        peak = Estimate(float(v[i_max]), math.nan, "V", meth, None, flag)
        tcmax = Estimate(float(t[i_max]), math.nan, "K", meth, None, flag)
        curvature = Estimate(c2, se_c2, "K/V^2", method, window, flag)
    v_split = v_peak if resolved else float(v[i_max])
    left = v <= v_split
    right = v >= v_split
    sl = _side_slope(v[left], t[left], s[left] if s is not None else None, "low-V_G")
    sr = _side_slope(v[right], t[right], s[right] if s is not None else None, "high-V_G")
    rv = v.copy()
    rt = t.copy()
    rv.setflags(write=False)
    rt.setflags(write=False)
    return DomeResult(
        tc_peak_Vg_V=peak,
        tc_max_K=tcmax,
        curvature_K_per_V2=curvature,
        slope_left_K_per_V=sl,
        slope_right_K_per_V=sr,
        resolved=resolved,
        flag=flag,
        method=method,
        window_V=window,
        n_points=int(vw.size),
        chi2_red=float(fo.chi2_red),
        _coef=(a0 - a1 * vmid / half + a2 * (vmid / half) ** 2, a1 / half - 2 * c2 * vmid, c2),
        _vg=rv,
        _tc=rt,
    )


# --------------------------------------------------------------------------
# Capacitance
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class SweepCapacitance(Result):
    """dn_s/dV_G of one sweep direction."""

    direction: str
    dn_dv_cm2_per_V: Estimate
    c_per_area_nF_cm2: Estimate
    n_points: int
    window_V: tuple[float, float]


@dataclass(frozen=True)
class CapacitanceResult(Result):
    """Back-gate capacitance from n_s(V_G).

    Attributes
    ----------
    dn_dv_cm2_per_V : Estimate
        Slope of a straight line through n_s(V_G) (cm^-2 V^-1).
    c_per_area_F_m2, c_per_area_nF_cm2 : Estimate
        C/A = e dn_s/dV_G (F/m^2 and nF/cm^2).
    eps_r_eff : Estimate
        (C/A) d / eps0 when the dielectric thickness d is given (else
        missing).
    thickness_m : float or None
    n_points : int
    window_V : tuple
    sweeps : list of SweepCapacitance
        Up and down sweeps fitted separately when both are present.
    hysteresis_cm2 : Estimate
        Mean |n_up - n_down| at the common V_G (cm^-2); missing with one
        direction only.
    local_Vg_V, local_dn_dv_cm2_per_V : list of float
        Mid-point V_G and finite-difference slope between neighbouring
        levels: the field dependence of eps_r shows here.
    local_eps_r, local_field_V_per_m : list of float or None
        With the thickness: (e d/eps0) dn_s/dV_G between neighbouring levels
        and the mean field V_G/d there (uniform-field approximation; the
        2DEG screens, so the field at the interface is not exactly V/d).
    curvature_flag : str
        Non-empty when a quadratic term in n_s(V_G) is significant (> 3
        sigma), i.e. the capacitance depends on V_G.
    method, note : str
    """

    dn_dv_cm2_per_V: Estimate
    c_per_area_F_m2: Estimate
    c_per_area_nF_cm2: Estimate
    eps_r_eff: Estimate
    thickness_m: float | None
    n_points: int
    window_V: tuple[float, float]
    sweeps: list[SweepCapacitance]
    hysteresis_cm2: Estimate
    local_Vg_V: list[float]
    local_dn_dv_cm2_per_V: list[float]
    curvature_flag: str
    method: str
    note: str = KTO_NOTE
    local_eps_r: list[float] | None = None
    local_field_V_per_m: list[float] | None = None


def _split_directions(vg: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Index sets of monotonic runs of V_G in recorded order, labelled up/down."""
    n = vg.size
    if n < 2:
        return [("", np.arange(n))]
    dv = np.diff(vg)
    step = _step(vg)
    tol = 0.25 * step if math.isfinite(step) and step > 0 else 0.0
    d = np.where(np.abs(dv) > tol, np.sign(dv), 0.0)
    runs: list[tuple[str, list[int]]] = []
    cur: list[int] = [0]
    cur_dir = 0.0
    for i in range(1, n):
        di = d[i - 1]
        if di == 0:
            cur.append(i)
            continue
        if cur_dir == 0 or di == cur_dir:
            cur_dir = di
            cur.append(i)
        else:
            runs.append(("up" if cur_dir > 0 else "down", cur))
            cur = [i - 1, i]  # the turning point belongs to both sweeps
            cur_dir = di
    runs.append(("up" if cur_dir > 0 else ("down" if cur_dir < 0 else ""), cur))
    out: dict[str, list[int]] = {}
    for lab, idx in runs:
        out.setdefault(lab, [])
        out[lab].extend(i for i in idx if i not in out[lab])
    return [(k, np.array(sorted(v), dtype=int)) for k, v in out.items()]


def _slope_est(v: np.ndarray, n: np.ndarray, s: np.ndarray | None, method: str) -> Estimate:
    lf = _fit.line_fit(v, n, s)
    err = lf.slope_stderr if (s is not None or v.size > 2) else math.nan
    if s is not None and math.isfinite(lf.residual_std) and lf.residual_std > 1:
        err *= lf.residual_std  # Birge ratio: a curved n_s(V_G) is not a line
        method += ", error Birge-scaled"
    return Estimate(
        lf.slope * _CM2, err * _CM2, "cm^-2/V", method, (float(v.min()), float(v.max()))
    )


def gate_capacitance(
    vg: ArrayLike,
    n_s: ArrayLike,
    n_s_err: ArrayLike | None = None,
    *,
    thickness_m: float | None = None,
    direction: Sequence[str] | None = None,
) -> CapacitanceResult:
    """Back-gate capacitance per area from the Hall density at each V_G.

    dn_s/dV_G is the slope of a (weighted, with ``n_s_err``) straight line
    through all points; C/A = e dn_s/dV_G (F/m^2, also nF/cm^2); with the
    dielectric thickness d, eps_r,eff = (C/A) d/eps0 (PHYSICS sheet §10;
    d = 0.5 mm and eps_r = 4500 give 7.97 nF/cm^2, 4.97e10 cm^-2/V).

    KTaO3's permittivity drops with the gate field and the first sweep at low
    T can trap charge, so this is a differential, history-dependent
    capacitance: the up and down sweeps (recorded order, or ``direction``)
    are also fitted separately, their mean |Delta n_s| at common V_G is the
    hysteresis, the local slopes between neighbouring levels are listed, and
    a significant quadratic term is flagged.

    Parameters
    ----------
    vg : array_like
        Gate voltages (V) in recorded order.
    n_s : array_like
        Sheet density at each V_G (m^-2).
    n_s_err : array_like, optional
        One-sigma errors of n_s (m^-2).
    thickness_m : float, optional
        Gate dielectric (substrate) thickness (m).
    direction : sequence of str, optional
        "up"/"down" per point; by default from the recorded V_G order.

    Returns
    -------
    CapacitanceResult
    """
    v = _as_1d("vg", vg)
    n = _as_1d("n_s", n_s)
    if v.size != n.size:
        raise FormatError(f"vg and n_s must have the same length, got {v.size} and {n.size}")
    s = None if n_s_err is None else _as_1d("n_s_err", n_s_err)
    if s is not None and s.size != v.size:
        raise FormatError(f"n_s_err must have the length of vg ({v.size}), got {s.size}")
    if thickness_m is not None and not (thickness_m > 0 and math.isfinite(thickness_m)):
        raise FormatError(f"thickness_m must be a positive length in m, got {thickness_m}")
    dirs = None
    if direction is not None:
        dirs = np.array([str(x) for x in direction])
        if dirs.size != v.size:
            raise FormatError(f"direction must have the length of vg ({v.size}), got {dirs.size}")
    m = np.isfinite(v) & np.isfinite(n)
    if s is not None:
        m &= np.isfinite(s) & (s > 0)
    v, n = v[m], n[m]
    s = s[m] if s is not None else None
    dirs = dirs[m] if dirs is not None else None
    if np.unique(v).size < 2:
        raise DataError(
            f"a gate capacitance needs n_s at 2 or more gate voltages, got {np.unique(v).size}"
        )
    how = "weighted" if s is not None else "unweighted"
    method = f"{how} line fit of n_s vs V_G ({v.size} points); C/A = e dn_s/dV_G"
    slope = _slope_est(v, n, s, method)
    c_si = slope.scaled(physics.E / _CM2, "F/m^2")
    c_nf = c_si.scaled(_NF_CM2, "nF/cm^2")
    if thickness_m is not None:
        eps = c_si.scaled(float(physics.effective_permittivity(1.0, thickness_m)), "")
        eps = Estimate(eps.value, eps.stderr, "", f"(C/A) d/eps0, d = {thickness_m:.4g} m", None)
    else:
        eps = Estimate.missing("", "dielectric thickness not given (thickness_m)")

    # sweeps
    if dirs is not None:
        groups = [(d, np.flatnonzero(dirs == d)) for d in ("up", "down") if np.any(dirs == d)]
    else:
        groups = [g for g in _split_directions(v) if g[0]]
    sweeps: list[SweepCapacitance] = []
    by_dir: dict[str, np.ndarray] = {}
    if len(groups) >= 2:
        for lab, idx in groups:
            if np.unique(v[idx]).size < 2:
                continue
            ss = s[idx] if s is not None else None
            e = _slope_est(v[idx], n[idx], ss, f"{method}; {lab} sweep only")
            sweeps.append(
                SweepCapacitance(
                    lab,
                    e,
                    e.scaled(physics.E / _CM2 * _NF_CM2, "nF/cm^2"),
                    int(idx.size),
                    (float(v[idx].min()), float(v[idx].max())),
                )
            )
            by_dir[lab] = idx
    if "up" in by_dir and "down" in by_dir:
        iu, idn = by_dir["up"], by_dir["down"]
        shared = np.intersect1d(iu, idn)  # turning points belong to both sweeps
        iu = np.setdiff1d(iu, shared)
        idn = np.setdiff1d(idn, shared)
        step = _step(v)
        tol = 0.25 * step if math.isfinite(step) and step > 0 else 1e-9
        diffs = []
        for lev in np.unique(v[idn]):
            mu_ = np.abs(v[iu] - lev) <= tol
            md_ = np.abs(v[idn] - lev) <= tol
            if mu_.any() and md_.any():
                diffs.append(abs(n[iu][mu_].mean() - n[idn][md_].mean()) * _CM2)
        if diffs:
            se = (
                float(np.std(diffs, ddof=1) / math.sqrt(len(diffs))) if len(diffs) > 1 else math.nan
            )
            hyst = Estimate(
                float(np.mean(diffs)),
                se,
                "cm^-2",
                f"mean |n_up - n_down| at {len(diffs)} gate voltages swept both ways "
                "(turning points excluded)",
            )
        else:
            hyst = Estimate.missing("cm^-2", "up and down sweeps share no gate voltage")
    else:
        hyst = Estimate.missing("cm^-2", "one sweep direction only")

    # local slopes between neighbouring levels (level means)
    lev = np.unique(v)
    nmean = np.array([n[v == x].mean() for x in lev])
    local_v = 0.5 * (lev[1:] + lev[:-1])
    local_s = np.diff(nmean) / np.diff(lev) * _CM2

    curv_flag = ""
    if lev.size >= 5:

        def cubic(x: np.ndarray, a0: float, a1: float, a2: float, a3: float) -> np.ndarray:
            return a0 + a1 * x + a2 * x**2 + a3 * x**3

        sc = float(np.max(np.abs(lev))) or 1.0
        ref = float(np.mean(n))
        fo = _fit.curve_fit(
            cubic,
            v / sc,
            n / ref,
            (1.0, 0.0, 0.0, 0.0),
            sigma=None if s is None else s / ref,
            absolute_sigma=s is not None,
        )
        z = [
            abs(float(fo.params[j]) / float(fo.stderr[j]))
            if math.isfinite(fo.stderr[j]) and fo.stderr[j] > 0
            else (math.inf if abs(fo.params[j]) > 1e-9 else 0.0)
            for j in (2, 3)
        ]
        if max(z) > 3:
            curv_flag = (
                f"n_s(V_G) is not linear (quadratic/cubic term at {max(z):.3g} sigma): the "
                "capacitance depends on V_G (field-dependent eps_r); see local_dn_dv_cm2_per_V"
            )
    return CapacitanceResult(
        dn_dv_cm2_per_V=slope,
        c_per_area_F_m2=c_si,
        c_per_area_nF_cm2=c_nf,
        eps_r_eff=eps,
        thickness_m=thickness_m,
        n_points=int(v.size),
        window_V=(float(v.min()), float(v.max())),
        sweeps=sweeps,
        hysteresis_cm2=hyst,
        local_Vg_V=[float(x) for x in local_v],
        local_dn_dv_cm2_per_V=[float(x) for x in local_s],
        curvature_flag=curv_flag,
        method=method,
        local_eps_r=(
            None
            if thickness_m is None
            else [
                float(
                    physics.effective_permittivity(
                        physics.gate_capacitance_per_area(x / _CM2), thickness_m
                    )
                )
                for x in local_s
            ]
        ),
        local_field_V_per_m=None
        if thickness_m is None
        else [float(x / thickness_m) for x in local_v],
    )


# --------------------------------------------------------------------------
# Matching families and assembling the series
# --------------------------------------------------------------------------
def match_gate_steps(
    families: Mapping[str, tuple[ArrayLike, Mapping[str, Any]]],
    *,
    tol: float | None = None,
) -> tuple[np.ndarray, dict[str, list[Any]]]:
    """Align the steps of several gate families by V_G.

    Parameters
    ----------
    families : mapping
        ``{family: (vg, {column: values})}``; each ``values`` has the length
        of that family's ``vg`` (any objects, e.g. Estimates).
    tol : float, optional
        Two V_G values belong to the same step when closer than ``tol`` (V);
        default a quarter of the smallest typical step of the families.

    Returns
    -------
    vg, columns
        ``vg``: the step voltages (mean of the matched values), ascending;
        a level that occurs several times in a family (up and down sweeps)
        gives one row per occurrence, paired by occurrence order.
        ``columns``: ``{column: list}`` aligned with ``vg``, None where a
        family has no such step.
    """
    fam = {}
    for name, (vg, cols) in families.items():
        v = _as_1d(f"{name} V_G", vg)
        for c, vals in cols.items():
            if len(vals) != v.size:
                raise FormatError(
                    f"{name} column {c} has {len(vals)} values for {v.size} gate steps"
                )
        fam[name] = (v, cols)
    if not fam:
        return np.array([]), {}
    if tol is None:
        steps = [_step(v) for v, _ in fam.values()]
        steps = [x for x in steps if math.isfinite(x) and x > 0]
        tol = 0.25 * min(steps) if steps else 1e-6
    allv = np.sort(np.concatenate([v[np.isfinite(v)] for v, _ in fam.values()]))
    # cluster all voltages into levels
    levels: list[list[float]] = []
    for x in allv:
        if levels and x - levels[-1][-1] <= tol:
            levels[-1].append(float(x))
        else:
            levels.append([float(x)])
    centres = np.array([np.mean(lv) for lv in levels])
    rows: dict[tuple[int, int], dict[str, Any]] = {}
    for v, cols in fam.values():
        seen: dict[int, int] = {}
        for i, x in enumerate(v):
            if not math.isfinite(x):
                continue
            li = int(np.argmin(np.abs(centres - x)))
            occ = seen.get(li, 0)
            seen[li] = occ + 1
            row = rows.setdefault((occ, li), {"_v": []})
            row["_v"].append(float(x))
            for c, vals in cols.items():
                row[c] = vals[i]
    keys = sorted(rows, key=lambda k: (k[0], centres[k[1]]))
    allcols = [c for _, cols in fam.values() for c in cols]
    out_v = np.array([float(np.mean(rows[k]["_v"])) for k in keys])
    out = {c: [rows[k].get(c) for k in keys] for c in dict.fromkeys(allcols)}
    return out_v, out


@dataclass(frozen=True)
class GateStep(Result):
    """One gate step: everything measured at this V_G.

    ``tc_K`` is Tc at the series' criterion; ``tc_by_criterion_K`` holds
    every criterion analysed (keys as written, e.g. ``"0.5"``).
    """

    Vg_V: float
    tc_K: Estimate
    tc_by_criterion_K: dict[str, Estimate]
    n_s_cm2: Estimate
    mobility_cm2_per_Vs: Estimate
    mean_free_path_nm: Estimate
    ic_A: Estimate
    r_normal_ohm: Estimate


@dataclass(frozen=True)
class GateResult(Result):
    """A gate series: per-step curves, the dome, the capacitance, Tc vs n_s.

    Attributes
    ----------
    curves : list of GateStep
        One per gate step, ascending V_G (repeated levels of up/down sweeps
        are separate rows).
    tc_peak_Vg_V : Estimate
        V_G of the Tc maximum (from :func:`tc_dome`).
    tc_max_K : Estimate
    dome : DomeResult or None
        The full dome analysis at ``criterion`` (None without Tc data).
    domes : dict
        Dome per Tc criterion when several were analysed.
    ic_peak_Vg_V : Estimate
        V_G of the Ic maximum (same local-quadratic method) when Ic known.
    capacitance : CapacitanceResult or None
    tc_vs_ns : dict or None
        Linear Tc(n_s) along the gate series (slope, n_s-axis intercept).
    criterion : str
    notes : list of str
    """

    curves: list[GateStep]
    tc_peak_Vg_V: Estimate
    tc_max_K: Estimate
    dome: DomeResult | None
    domes: dict[str, DomeResult]
    ic_peak_Vg_V: Estimate
    capacitance: CapacitanceResult | None
    tc_vs_ns: Any
    criterion: str
    notes: list[str]
    sources: dict[str, str] = field(default_factory=dict)
    sample: str = ""
    orientation: str = ""

    def table(self) -> str:
        """Plain-text table, one line per V_G step."""
        head = (
            f"{'V_G (V)':>9} {'Tc (K)':>9} {'n_s (cm^-2)':>12} {'mu (cm2/Vs)':>12} "
            f"{'l (nm)':>8} {'Ic (A)':>10} {'R_N (Ohm)':>10}"
        )
        lines = [head]

        def f(e: Estimate, spec: str) -> str:
            return format(e.value, spec) if math.isfinite(e.value) else "-"

        for c in self.curves:
            vg = round(c.Vg_V, 3) + 0.0
            lines.append(
                f"{vg:>9.4g} {f(c.tc_K, '9.4g'):>9} {f(c.n_s_cm2, '12.4g'):>12} "
                f"{f(c.mobility_cm2_per_Vs, '12.4g'):>12} {f(c.mean_free_path_nm, '8.3g'):>8} "
                f"{f(c.ic_A, '10.3g'):>10} {f(c.r_normal_ohm, '10.4g'):>10}"
            )
        return "\n".join(lines)

    def summary(self) -> str:
        """Human summary: the table, the dome and the capacitance."""
        out = [self.table(), ""]
        p = self.tc_peak_Vg_V
        if math.isfinite(p.value):
            if p.flag:
                out.append(
                    f"Tc dome ({self.criterion}): {p.flag}; highest Tc at V_G = {p.value:g} V"
                )
            else:
                out.append(
                    f"Tc dome ({self.criterion} of R_N): peak at V_G = {p:.3g}, "
                    f"Tc,max = {self.tc_max_K:.4g}"
                )
        q = self.ic_peak_Vg_V
        if math.isfinite(q.value):
            if q.flag:
                out.append(f"Ic: {q.flag}; highest Ic at V_G = {q.value:g} V")
            else:
                out.append(f"Ic peak at V_G = {q:.3g}")
        if self.capacitance is not None:
            c = self.capacitance
            out.append(
                f"dn_s/dV_G = {c.dn_dv_cm2_per_V:.3g}, C/A = {c.c_per_area_nF_cm2:.3g}"
                + (f", eps_r,eff = {c.eps_r_eff:.4g}" if math.isfinite(c.eps_r_eff.value) else "")
            )
            if c.curvature_flag:
                out.append(f"note: {c.curvature_flag}")
        out.extend(f"note: {n}" for n in self.notes)
        return "\n".join(out)


def _est(x: Any, unit: str, reason: str, method: str = "", scale: float = 1.0) -> Estimate:
    """Coerce a number / Estimate / JSON estimate / None to an Estimate (scaled)."""
    if isinstance(x, Estimate):
        return x.scaled(scale, unit) if scale != 1.0 else x
    if isinstance(x, Mapping):
        val = x.get("value")
        err = x.get("stderr")
        e = Estimate(
            math.nan if val is None else float(val),
            math.nan if err is None else float(err),
            unit,
            str(x.get("method", method) or method),
            None,
            str(x.get("flag", "") or ""),
        )
        return e.scaled(scale, unit) if scale != 1.0 else e
    if x is None:
        return Estimate.missing(unit, reason)
    xf = float(x)
    if not math.isfinite(xf):
        return Estimate.missing(unit, reason)
    return Estimate(xf * scale, math.nan, unit, method)


def _vals(es: Sequence[Estimate]) -> tuple[np.ndarray, np.ndarray]:
    v = np.array([e.value if not e.flag else math.nan for e in es], dtype=float)
    s = np.array([e.stderr for e in es], dtype=float)
    return v, s


def _tc_vs_ns(tc: np.ndarray, ns_cm2: np.ndarray) -> Any:
    """Linear Tc(n_s) along the series (via sc2d.transition when present)."""
    m = np.isfinite(tc) & np.isfinite(ns_cm2)
    if np.unique(ns_cm2[m]).size < 2:
        return None
    try:  # the shared implementation, when it exists
        from .transition import tc_vs_density  # type: ignore[attr-defined]
    except ImportError:
        tc_vs_density = None
    if tc_vs_density is not None:
        try:
            return tc_vs_density(ns_cm2[m] / _CM2, tc[m])
        except TypeError:
            pass
    lf = _fit.line_fit(ns_cm2[m], tc[m])
    nerr = np.sum(m) > 2
    return {
        "slope_K_cm2": Estimate(
            lf.slope, lf.slope_stderr if nerr else math.nan, "K cm^2", "OLS Tc vs n_s (gate series)"
        ),
        "n_critical_cm2": Estimate(
            lf.x_intercept,
            lf.x_intercept_stderr if nerr else math.nan,
            "cm^-2",
            "n_s-axis intercept of the OLS line (extrapolation)",
        ),
        "n_points": int(np.sum(m)),
        "note": "along a gate series Tc(n_s) follows the dome; a line is a summary only",
    }


def gate_series(
    vg: ArrayLike,
    *,
    tc: Sequence[Any] | ArrayLike | None = None,
    tc_err: ArrayLike | None = None,
    tc_by_criterion: Mapping[str, Sequence[Any]] | None = None,
    n_s: Sequence[Any] | ArrayLike | None = None,
    n_s_err: ArrayLike | None = None,
    mobility: Sequence[Any] | ArrayLike | None = None,
    ic: Sequence[Any] | ArrayLike | None = None,
    r_normal: Sequence[Any] | ArrayLike | None = None,
    criterion: str = "0.5",
    thickness_m: float | None = None,
    capacitance: CapacitanceResult | None = None,
    top_fraction: float = 0.3,
    min_points: int = 5,
    sources: Mapping[str, str] | None = None,
) -> GateResult:
    """Assemble a gate series from per-step values (SI) aligned with ``vg``.

    Parameters
    ----------
    vg : array_like
        Gate voltage of each step (V).
    tc, n_s, mobility, ic, r_normal : sequence, optional
        Per step: Tc (K), Hall density (m^-2), Hall mobility (m^2/(V s)),
        critical current (A), normal-state resistance (Ohm). Entries may be
        numbers, :class:`Estimate` objects (SI units) or None/NaN.
    tc_err, n_s_err : array_like, optional
        One-sigma errors when ``tc``/``n_s`` are plain numbers.
    tc_by_criterion : mapping, optional
        ``{criterion: per-step Tc}`` for every criterion analysed; ``tc``
        defaults to the entry of ``criterion``.
    criterion : str
        The Tc criterion of the dome (fraction of R_N, as written).
    thickness_m : float, optional
        Gate dielectric thickness for eps_r,eff.
    capacitance : CapacitanceResult, optional
        Precomputed (e.g. from the raw Hall sweep with its up/down order);
        otherwise computed from the aligned ``n_s``.

    Returns
    -------
    GateResult
        ``curves`` (each ``Vg_V``, ``tc_K``, ``n_s_cm2``,
        ``mobility_cm2_per_Vs``, ``mean_free_path_nm``, ``ic_A``,
        ``r_normal_ohm``), ``tc_peak_Vg_V``, ``tc_max_K``, ``dome``,
        ``capacitance``, ``tc_vs_ns``.

    Notes
    -----
    When the Hall data have no mobility but R_N is known, mu = 1/(e n_s R_N)
    is used and flagged: R_N (from R(T) near Tc) and n_s (Hall, often at
    2 K) need not be at the same temperature (PHYSICS sheet §11). The mean
    free path is l = hbar k_F mu/e with k_F = sqrt(2 pi n_s) (single band,
    g = 2).
    """
    v = _as_1d("vg", vg)
    nstep = v.size
    if nstep == 0:
        raise DataError("a gate series needs at least one gate step; got none")

    def per_step(name: str, a: Any) -> list[Any]:
        if a is None:
            return [None] * nstep
        lst = list(a) if not isinstance(a, np.ndarray) else list(a.ravel())
        if len(lst) != nstep:
            raise FormatError(f"{name} has {len(lst)} values for {nstep} gate steps")
        return lst

    tcb = {
        str(k): per_step(f"tc_by_criterion[{k}]", val) for k, val in (tc_by_criterion or {}).items()
    }
    if tc is None and criterion in tcb:
        tc = tcb[criterion]
    tc_l = per_step("tc", tc)
    tce = per_step("tc_err", tc_err)
    ns_l = per_step("n_s", n_s)
    nse = per_step("n_s_err", n_s_err)
    mu_l = per_step("mobility", mobility)
    ic_l = per_step("ic", ic)
    rn_l = per_step("r_normal", r_normal)
    notes: list[str] = []

    tc_meth = f"{float(criterion):.0%} of R_N" if _isfloat(criterion) else str(criterion)
    curves: list[GateStep] = []
    mu_from_rn = False
    for i in range(nstep):
        t = _est(tc_l[i], "K", "no Tc at this step", tc_meth)
        if tce[i] is not None and not isinstance(tc_l[i], (Estimate, Mapping)):
            t = Estimate(t.value, float(tce[i]), "K", t.method, t.window, t.flag)
        tcd = {k: _est(vals[i], "K", "no Tc at this step") for k, vals in tcb.items()}
        if not tcd and tc is not None:
            tcd = {criterion: t}
        ns = _est(ns_l[i], "cm^-2", "no Hall data at this step", "Hall", _CM2)
        if nse[i] is not None and not isinstance(ns_l[i], (Estimate, Mapping)):
            ns = Estimate(ns.value, float(nse[i]) * _CM2, "cm^-2", ns.method)
        rn = _est(rn_l[i], "Ohm", "no R_N at this step")
        mu = _est(mu_l[i], "cm^2/(V s)", "no mobility at this step", "Hall", _MU_CM2)
        if not math.isfinite(mu.value) and math.isfinite(ns.value) and math.isfinite(rn.value):
            val = float(physics.hall_mobility(ns.value / _CM2, rn.value)) * _MU_CM2
            rel = math.hypot(
                ns.stderr / ns.value if math.isfinite(ns.stderr) else 0.0,
                rn.stderr / rn.value if math.isfinite(rn.stderr) else 0.0,
            )
            mu = Estimate(
                val,
                val * rel if rel > 0 else math.nan,
                "cm^2/(V s)",
                "1/(e n_s R_N): Hall n_s with R_N from R(T)",
            )
            mu_from_rn = True
        if math.isfinite(ns.value) and math.isfinite(mu.value):
            lv = float(physics.mean_free_path(ns.value / _CM2, mu.value / _MU_CM2)) * 1e9
            rel = 0.0
            if math.isfinite(ns.stderr):
                rel += (0.5 * ns.stderr / ns.value) ** 2
            if math.isfinite(mu.stderr):
                rel += (mu.stderr / mu.value) ** 2
            lmfp = Estimate(
                lv,
                lv * math.sqrt(rel) if rel > 0 else math.nan,
                "nm",
                "l = hbar k_F mu/e, k_F = sqrt(2 pi n_s) (single band, g = 2)",
            )
        else:
            lmfp = Estimate.missing("nm", "needs n_s and mobility at this step")
        ic_e = _est(ic_l[i], "A", "no Ic at this step", "I-V")
        curves.append(GateStep(float(v[i]), t, tcd, ns, mu, lmfp, ic_e, rn))
    if mu_from_rn:
        notes.append(
            "mobility from 1/(e n_s R_N) where Hall gave none: R_N (R(T) normal state) and "
            "n_s (Hall) may be at different temperatures (PHYSICS §11)"
        )

    order = np.argsort([c.Vg_V for c in curves], kind="stable")
    curves = [curves[i] for i in order]
    vs = np.array([c.Vg_V for c in curves])

    def dome_of(es: list[Estimate]) -> DomeResult | None:
        val, err = _vals(es)
        m = np.isfinite(val)
        if np.unique(vs[m]).size < 3:
            return None
        use_err = np.all(np.isfinite(err[m]) & (err[m] > 0))
        return tc_dome(
            vs[m],
            val[m],
            err[m] if use_err else None,
            top_fraction=top_fraction,
            min_points=min_points,
        )

    dome = dome_of([c.tc_K for c in curves])
    domes: dict[str, DomeResult] = {}
    for k in tcb:
        d = dome_of([c.tc_by_criterion_K.get(k, Estimate.missing("K", "")) for c in curves])
        if d is not None:
            domes[k] = d
    if dome is not None:
        peak, tcmax = dome.tc_peak_Vg_V, dome.tc_max_K
    else:
        why = "fewer than 3 gate steps with a Tc" if tc is not None else "no R(T) gate family"
        peak = Estimate.missing("V", why)
        tcmax = Estimate.missing("K", why)
    icd = dome_of([c.ic_A for c in curves])
    ic_peak = (
        icd.tc_peak_Vg_V
        if icd is not None
        else Estimate.missing("V", "fewer than 3 gate steps with an Ic")
    )
    if icd is not None:
        ic_peak = Estimate(
            ic_peak.value,
            ic_peak.stderr,
            "V",
            ic_peak.method.replace("Tc", "Ic"),
            ic_peak.window,
            ic_peak.flag.replace("Tc", "Ic"),
        )

    ns_v, ns_s = _vals([c.n_s_cm2 for c in curves])
    if capacitance is None and np.unique(vs[np.isfinite(ns_v)]).size >= 2:
        m = np.isfinite(ns_v)
        err = ns_s[m] / _CM2
        capacitance = gate_capacitance(
            vs[m],
            ns_v[m] / _CM2,
            err if np.all(np.isfinite(err) & (err > 0)) else None,
            thickness_m=thickness_m,
        )
    tc_v, _ = _vals([c.tc_K for c in curves])
    tvn = _tc_vs_ns(tc_v, ns_v)
    return GateResult(
        curves=curves,
        tc_peak_Vg_V=peak,
        tc_max_K=tcmax,
        dome=dome,
        domes=domes,
        ic_peak_Vg_V=ic_peak,
        capacitance=capacitance,
        tc_vs_ns=tvn,
        criterion=str(criterion),
        notes=notes,
        sources=dict(sources or {}),
    )


def _isfloat(s: Any) -> bool:
    try:
        float(s)
    except (TypeError, ValueError):
        return False
    return True
