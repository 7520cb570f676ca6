"""Upper critical fields: Hc2(T) points, GL / WHH / Pauli / KLB / angle fits.

The chain of a 2D-superconductor field analysis (PHYSICS sheet §9, §11):

1. Hc2(T) points at a stated criterion f of the normal-state resistance R_N,
   either from R(T) curves at fixed fields (:func:`hc2_points_from_rt`, the
   reference study's way) or from R(B) sweeps at fixed temperatures
   (:func:`hc2_points_from_rb`, R_N(B) from the normal-state
   magnetoresistance above Hc2). Curves that never reach f R_N are dropped
   with a note, never extrapolated.
2. 2D Ginzburg-Landau fits (Tinkham, *Introduction to Superconductivity*;
   Reyren et al., APL 94, 112506 (2009)):
   mu0 Hc2_perp = Phi0/(2 pi xi^2) (1 - T/Tc) -> xi_GL
   (:func:`gl_perp_fit`) and mu0 Hc2_par = sqrt(12) Phi0/(2 pi xi d)
   (1 - T/Tc)^(1/2) -> d_SC (:func:`gl_par_fit`), Tc free per orientation or
   shared (:func:`gl_joint_fit`).
3. WHH dirty-limit orbital Hc2(0) = 0.693 Tc |dB/dT| and the diffusion
   constant from the slope (Werthamer, Helfand, Hohenberg, Phys. Rev. 147,
   295 (1966)); the Clogston-Chandrasekhar limit (:func:`pauli_estimate`);
   the Klemm-Luther-Beasley spin-orbit fit of the in-plane line
   (:func:`klb_fit`; Klemm, Luther, Beasley, PRB 12, 877 (1975)).
4. Hc2(theta): Tinkham's 2D formula (Phys. Rev. 129, 2413 (1963)) against
   the 3D anisotropic GL form, both with a free angle offset
   (:func:`angle_fit`).

:func:`hc2_analysis` runs everything and returns one :class:`Hc2Result`.

Conventions. The fits take T as the dependent variable: the crossing
uncertainty of an R(T) point is in T, the field is the setpoint. A point
from an R(B) sweep carries its uncertainty in B, converted to T through the
local slope (effective variance). Weighted fits inflate the errors by
sqrt(chi2_red) when it exceeds 1 (Birge ratio), never deflate them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _fit, physics
from ._robust import MAD_TO_SIGMA, second_difference_noise
from .data import Curve, Estimate, Result
from .errors import DataError, FitError, FormatError

__all__ = [
    "AngleFitResult",
    "GLParResult",
    "GLPerpResult",
    "Hc2Point",
    "Hc2Points",
    "Hc2Result",
    "KLBResult",
    "angle_fit",
    "field_offset",
    "gl_joint_fit",
    "gl_par_fit",
    "gl_perp_fit",
    "hc2_analysis",
    "hc2_points",
    "hc2_points_from_rb",
    "hc2_points_from_rt",
    "klb_fit",
    "klb_t_of_b",
    "pauli_estimate",
]

_NAN = math.nan


# ==========================================================================
# Result types
# ==========================================================================
@dataclass(frozen=True)
class Hc2Point(Result):
    """One point of the Hc2(T) line.

    Attributes
    ----------
    orientation : str
        ``"perp"`` (field along the film normal), ``"par"`` (in plane) or
        ``"angle"``.
    B_T : float
        mu0 Hc2 (T), the magnitude of the field.
    T_K : float
        Temperature (K).
    T_stderr_K, B_stderr_T : float
        One-sigma error of the swept variable (from the crossing: noise of
        the points around it and the R_N error); NaN for the variable held
        fixed (a setpoint).
    swept : str
        ``"T"`` for a point from R(T) at fixed B, ``"B"`` from R(B) at fixed T.
    r_normal_ohm : float
        The R_N the criterion refers to (at the crossing for R(B)).
    spread : float
        Spread between the first and last crossing of the criterion (noise
        or non-monotonic data), in the unit of the swept variable; a
        systematic, not included in the stderr.
    theta_deg : float or None
        Field angle from the film plane, for angle data.
    note : str
        Anything unusual about the point.
    b_offset_T, b_offset_stderr_T : float
        For an R(B) sweep through both polarities: the field about which it
        is symmetric (:func:`field_offset`, the magnet's remanent field) and
        its error; NaN otherwise.
    """

    orientation: str
    B_T: float
    T_K: float
    T_stderr_K: float
    B_stderr_T: float
    swept: str
    r_normal_ohm: float
    spread: float = 0.0
    theta_deg: float | None = None
    note: str = ""
    b_offset_T: float = math.nan
    b_offset_stderr_T: float = math.nan


@dataclass(frozen=True)
class Hc2Points(Result):
    """The points of one family, the curves dropped and how R_N was taken.

    Behaves as a sequence of :class:`Hc2Point` (``len``, iteration,
    indexing).
    """

    points: tuple[Hc2Point, ...]
    dropped: tuple[dict[str, Any], ...]
    criterion: float
    normal_reference: str
    notes: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[Hc2Point]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def __getitem__(self, i: int) -> Hc2Point:
        return self.points[i]

    def arrays(self) -> dict[str, np.ndarray]:
        """Columns ``T_K``, ``B_T``, ``T_stderr_K``, ``B_stderr_T`` as arrays."""
        return _point_arrays(self.points)


@dataclass(frozen=True)
class GLPerpResult(Result):
    """2D GL fit of the perpendicular line B = B0 (1 - T/Tc).

    Attributes
    ----------
    hc2_perp_0_T : Estimate
        GL extrapolation mu0 Hc2_perp(0) = B0 (T).
    tc_K : Estimate
        Tc of the line (fitted, or the fixed value with NaN stderr).
    xi_gl_nm : Estimate
        xi_GL(0) = sqrt(Phi0/(2 pi B0)) (nm).
    dhc2_dt_T_per_K : Estimate
        Slope dB_c2perp/dT = -B0/Tc (T/K).
    whh_hc2_0_T : Estimate
        WHH dirty-limit orbital Hc2(0) = 0.693 Tc |dB/dT| (T).
    diffusion_m2_per_s : Estimate
        Dirty-limit D = 4 k_B/(pi e |dB/dT|) (m^2/s).
    n_points : int
    chi2_red : float
        Reduced chi-square of the weighted fit (NaN when unweighted).
    tc_mode : str
        ``"free"``, ``"fixed"`` or ``"shared"``.
    """

    hc2_perp_0_T: Estimate
    tc_K: Estimate
    xi_gl_nm: Estimate
    dhc2_dt_T_per_K: Estimate
    whh_hc2_0_T: Estimate
    diffusion_m2_per_s: Estimate
    n_points: int
    chi2_red: float
    tc_mode: str


@dataclass(frozen=True)
class GLParResult(Result):
    """2D GL fit of the in-plane line B = B0 sqrt(1 - T/Tc).

    Attributes
    ----------
    hc2_par_0_T : Estimate
        GL extrapolation mu0 Hc2_par(0) = B0 (T).
    tc_K : Estimate
    d_sc_nm : Estimate
        d_SC = sqrt(12) Phi0/(2 pi xi_GL B0) (nm) when xi_GL is known.
    n_points : int
    chi2_red : float
    tc_mode : str
    """

    hc2_par_0_T: Estimate
    tc_K: Estimate
    d_sc_nm: Estimate
    n_points: int
    chi2_red: float
    tc_mode: str
    _cov_b0_perp: float = field(default=0.0, repr=False)


@dataclass(frozen=True)
class KLBResult(Result):
    """Klemm-Luther-Beasley fit of the in-plane Hc2(T) line (spin only).

    Attributes
    ----------
    tau_so_s : Estimate
        Spin-orbit scattering time tau_so = 2 hbar/(3 Gamma_so) (s).
    gamma_so_over_kTc : Estimate
        Gamma_so/(k_B Tc0) (dimensionless).
    tc0_K : Estimate
        Zero-field Tc of the KLB line (fitted or fixed).
    hc2_par_0_T : Estimate
        The KLB line extrapolated to T = 0.01 Tc0 (T).
    chi2_red : float
    n_points : int
    """

    tau_so_s: Estimate
    gamma_so_over_kTc: Estimate
    tc0_K: Estimate
    hc2_par_0_T: Estimate
    chi2_red: float
    n_points: int


@dataclass(frozen=True)
class AngleFitResult(Result):
    """Hc2(theta) fitted by Tinkham's 2D formula and by 3D anisotropic GL.

    Attributes
    ----------
    tinkham, gl3d : dict
        Each: ``hc2_perp_T``, ``hc2_par_T``, ``theta0_deg`` (Estimates),
        ``chi2``, ``aic``, ``success``.
    delta_aic : float
        AIC(3D GL) - AIC(Tinkham): > 0 favours the 2D Tinkham form.
    verdict : str
        ``"2D Tinkham"``, ``"3D anisotropic GL"`` or ``"undecided"``
        (|delta_aic| < 2).
    n_points : int
    """

    tinkham: dict[str, Any]
    gl3d: dict[str, Any]
    delta_aic: float
    verdict: str
    n_points: int


@dataclass(frozen=True)
class Hc2Result(Result):
    """Everything the field analysis of one sample gives (``sc2d hc2 --json``).

    Every number is an :class:`~sc2d.data.Estimate`; those the data do not
    support are ``Estimate.missing`` with the reason in ``flag``.
    ``points`` lists the extracted Hc2(T) points (``orientation``, ``B_T``,
    ``T_K``, ``T_stderr_K`` ...); ``dropped`` the curves that did not reach
    the criterion, with the reason.
    """

    hc2_perp_0_T: Estimate
    xi_gl_nm: Estimate
    hc2_par_0_T: Estimate
    d_sc_nm: Estimate
    anisotropy: Estimate
    xi_over_d: Estimate
    pauli_limit_T: Estimate
    hc2_par_over_pauli: Estimate
    whh_hc2_0_T: Estimate
    diffusion_m2_per_s: Estimate
    dhc2_perp_dt_T_per_K: Estimate
    tc_perp_K: Estimate
    tc_par_K: Estimate
    tau_so_s: Estimate
    points: tuple[Hc2Point, ...]
    dropped: tuple[dict[str, Any], ...]
    criterion: float
    normal_reference: str
    tc_mode: str
    angle: AngleFitResult | None = None
    klb: KLBResult | None = None
    notes: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)


# ==========================================================================
# Helpers: noise, local values, crossings
# ==========================================================================
def _noise_sigma(y: np.ndarray) -> float:
    """Robust point-to-point noise of a sampled curve (same unit as y).

    1.4826 MAD of the second differences / sqrt(6): insensitive to the
    smooth trend and to a few jumps (the transition itself).
    """
    return second_difference_noise(y, centred=True)


def _local_value(x: np.ndarray, y: np.ndarray, x0: float, k: int = 7) -> tuple[float, float]:
    """y(x0) from a straight line through the k points nearest x0, with stderr."""
    n = x.size
    k = min(k, n)
    idx = np.argsort(np.abs(x - x0), kind="stable")[:k]
    xs, ys = x[idx], y[idx]
    if k < 3 or np.ptp(xs) == 0:
        return float(np.mean(ys)), _NAN
    lf = _fit.line_fit(xs, ys)
    v = lf.slope * x0 + lf.intercept
    var = lf.intercept_stderr**2 + x0**2 * lf.slope_stderr**2 + 2 * x0 * lf.cov
    return float(v), math.sqrt(var) if var >= 0 and math.isfinite(var) else _NAN


@dataclass(frozen=True)
class _Crossing:
    x: float
    stderr: float
    spread: float
    n: int
    method: str


def _crossing(x: np.ndarray, q: np.ndarray, f: float, sig_q: float) -> _Crossing | None:
    """Where q = R/R_N (normal side at high x, x ascending) crosses f.

    Takes the highest-x crossing (first reached coming from the normal
    state), then a straight line through the contiguous points with
    |q - f| < h around it (h = 0.1, or 0.2 when that holds fewer than 5
    points; at most min(f, 1 - f)); with fewer than 3 such
    points, linear interpolation between the two neighbours. The stderr
    comes from the noise sig_q (absolute) or the fit residuals, whichever is
    larger; the local line adds in quadrature the excess of its distance
    from the neighbour interpolation over the noise of that distance (the
    curvature of the transition inside the window, a systematic of the
    estimator); a two-point interpolation adds
    dx/sqrt(12) (the transition is sharper than the sampling). Returns None
    when q never crosses f.
    """
    d = q - f
    neg = d < 0
    ch = np.nonzero(neg[:-1] != neg[1:])[0]
    if ch.size == 0:
        return None
    k = int(ch[-1])
    n = x.size
    for h in (min(0.1, f, 1.0 - f), min(0.2, f, 1.0 - f)):
        i0, i1 = k, k + 1
        while i0 > 0 and abs(d[i0 - 1]) < h:
            i0 -= 1
        while i1 < n - 1 and abs(d[i1 + 1]) < h:
            i1 += 1
        inside = np.abs(d[i0 : i1 + 1]) < h
        if int(inside.sum()) >= 5:
            break
    in_window = ch[(ch >= i0) & (ch < i1)]
    xs_c = [x[j] + (f - q[j]) * (x[j + 1] - x[j]) / (q[j + 1] - q[j]) for j in in_window]
    spread = float(np.ptp(xs_c)) if len(xs_c) > 1 else 0.0
    if int(inside.sum()) >= 3 and np.ptp(x[i0 : i1 + 1]) > 0:
        xs, ds = x[i0 : i1 + 1], d[i0 : i1 + 1]
        lf_u = _fit.line_fit(xs, ds)
        if lf_u.slope > 0:
            xc = lf_u.x_intercept
            se_res = lf_u.x_intercept_stderr if xs.size >= 5 else _NAN
            se_abs = _NAN
            if math.isfinite(sig_q) and sig_q > 0:
                lf_w = _fit.line_fit(xs, ds, sigma=np.full(xs.size, sig_q))
                se_abs = lf_w.x_intercept_stderr
            se = float(np.nanmax([se_res, se_abs])) if np.isfinite([se_res, se_abs]).any() else _NAN
            # estimator systematic: a straight line through |q - f| < h does not
            # follow the curvature of the transition (asymmetric HN/AL shape).
            # Its distance D from the neighbour interpolation (PHYSICS sec. 3)
            # has E[D^2] = bias^2 + noise variance of D; the excess over the
            # noise is the curvature bias, added in quadrature (at the
            # midpoint of the twin's sample #3, where R(T) bends sharply, it
            # is ~1.5x the noise term)
            x0, x1, q0, q1 = x[k], x[k + 1], q[k], q[k + 1]
            x_int = x0 + (f - q0) * (x1 - x0) / (q1 - q0)
            se_int = (
                abs(x1 - x0) * sig_q * math.hypot(q1 - f, f - q0) / (q1 - q0) ** 2
                if math.isfinite(sig_q) and sig_q > 0
                else 0.0
            )
            se_n = se if math.isfinite(se) else 0.0
            bias2 = (float(xc) - float(x_int)) ** 2 - se_n**2 - se_int**2
            if bias2 > 0:
                se = math.sqrt(se_n**2 + bias2)
            if x[i0] <= xc <= x[i1]:
                return _Crossing(float(xc), se, spread, int(xs.size), "local line")
    # two-point interpolation
    x0, x1, q0, q1 = x[k], x[k + 1], q[k], q[k + 1]
    dq = q1 - q0
    xc = x0 + (f - q0) * (x1 - x0) / dq
    # the transition is sharper than the sampling: the crossing may lie
    # anywhere between the two points, so the interpolation error (uniform
    # over the interval, dx/sqrt(12)) adds to the noise term
    se_interp = abs(x1 - x0) / math.sqrt(12.0)
    if math.isfinite(sig_q) and sig_q > 0:
        se = math.hypot(abs(x1 - x0) * sig_q * math.hypot(q1 - f, f - q0) / dq**2, se_interp)
    else:
        se = se_interp
    return _Crossing(
        float(xc), float(se), spread, 2, "two-point interpolation (transition under-resolved)"
    )


def _local_slope(x: np.ndarray, q: np.ndarray, xc: float) -> float:
    """dq/dx near xc from the 5 nearest points (for the R_N error term)."""
    idx = np.argsort(np.abs(x - xc), kind="stable")[: min(5, x.size)]
    if idx.size < 2 or np.ptp(x[idx]) == 0:
        return _NAN
    return _fit.line_fit(x[idx], q[idx]).slope


def _fmt_f(f: float) -> str:
    return f"{100 * f:g}%"


def _check_criterion(criterion: float) -> float:
    c = float(criterion)
    if not (0 < c < 1) or not math.isfinite(c):
        raise FormatError(
            f"criterion must be a fraction of R_normal between 0 and 1 (exclusive), got {criterion}"
        )
    return c


#: comparators (i, j) of a median-of-7 selection network: afterwards element 3
#: holds the median (checked against np.median on every permutation and on
#: every input of 0, 1, 2 with ties)
_MED7 = (
    (0, 5), (0, 3), (1, 6), (2, 4), (0, 1), (3, 5), (2, 6),
    (2, 3), (3, 6), (4, 5), (1, 4), (1, 3), (3, 4),
)  # fmt: skip


def _median7(cols: list[np.ndarray]) -> np.ndarray:
    """Element-wise median of seven equal-length arrays (``np.median`` of the stack, axis 0).

    13 vectorised min/max pairs instead of a partition per window (about 20x
    faster for 7-point sliding windows); exact, ties and NaN included.
    """
    p = list(cols)
    for i, j in _MED7:
        p[i], p[j] = np.minimum(p[i], p[j]), np.maximum(p[i], p[j])
    return p[3]


def _despike_mask(y: np.ndarray, sig: float) -> np.ndarray:
    """Hampel filter on a sorted curve: False for isolated glitches.

    A point is rejected when it differs from the median of its 7-point
    window by more than max(6 sigma, 6 x the window's MAD-sigma); a
    monotone run (the transition itself) is never touched, because there
    the window median is the point itself. The curve is padded with its end
    values (3 each side), so every point has a full window.
    """
    n = y.size
    if n < 7 or not math.isfinite(sig):
        return np.ones(n, bool)
    pad = np.pad(y, 3, mode="edge")
    cols = [pad[k : k + n] for k in range(7)]  # the 7-point window, one array per position
    med = _median7(cols)
    mad = MAD_TO_SIGMA * _median7([np.abs(c - med) for c in cols])
    return np.abs(y - med) <= np.maximum(6 * sig, 6 * mad)


def _clean(curve: Curve) -> Curve:
    """Finite, sorted by x, isolated glitches removed."""
    c = curve.finite().sorted()
    keep = _despike_mask(c.y, _noise_sigma(c.y))
    if keep.all():
        return c
    return dataclasses.replace(c, x=c.x[keep], y=c.y[keep])


def _direction_runs(curve: Curve) -> list[Curve]:
    """Cooling and warming parts of a curve (each spanning >= half its range), cleaned.

    A single element (the whole curve) when it holds one direction only.
    """
    c = curve.finite()
    span = float(np.ptp(c.x)) if len(c) else 0.0
    if len(c) < 16 or span <= 0:
        return [_clean(c)]
    from .io.segment import split_sweeps

    runs = [
        dataclasses.replace(c, x=c.x[s], y=c.y[s]) for s in split_sweeps(c.x, noise=0.05 * span)
    ]
    runs = [r for r in runs if len(r) >= 8 and np.ptp(r.x) >= 0.5 * span]
    if len(runs) < 2:
        return [_clean(c)]
    return [_clean(r) for r in runs]


def _rt_crossing(
    curve: Curve, rn: float, rn_se: float, f: float
) -> tuple[float, float, float, str] | None:
    """(T, stderr, spread, note) of the f R_N crossing of one R(T) curve.

    Cooling and warming runs are analysed apart and averaged (thermal lag
    cancels to first order); their difference goes to ``spread``.
    """
    out = []
    for run in _direction_runs(curve):
        x, y = run.x, run.y
        q = y / rn
        sig = _noise_sigma(y)
        cr = _crossing(x, q, f, sig / rn)
        if cr is None:
            continue
        se = cr.stderr
        if math.isfinite(rn_se) and rn_se > 0:
            dqdx = _local_slope(x, q, cr.x)
            if math.isfinite(dqdx) and dqdx > 0:
                se_rn = f * (rn_se / rn) / dqdx
                se = math.hypot(se, se_rn) if math.isfinite(se) else se_rn
        out.append((cr.x, se, cr.spread, "" if cr.method == "local line" else cr.method))
    if not out:
        return None
    if len(out) == 1:
        return out[0]
    ts = np.array([o[0] for o in out])
    ses = np.array([o[1] for o in out])
    se = float(np.sqrt(np.sum(ses**2)) / ts.size) if np.all(np.isfinite(ses)) else _NAN
    spread = float(max(np.ptp(ts), *(o[2] for o in out)))
    note = f"{ts.size} sweep directions averaged (difference {np.ptp(ts):.3g} K)"
    return float(ts.mean()), se, spread, note


def _prepared(curve: Curve) -> Curve:
    if not isinstance(curve, Curve):
        raise FormatError(
            f"expected sc2d.data.Curve objects (e.g. from sc2d.io.load_curves), got "
            f"{type(curve).__name__}"
        )
    return _clean(curve)


# ==========================================================================
# Hc2 points from R(T) at fixed B
# ==========================================================================
def hc2_points_from_rt(
    curves: Sequence[Curve],
    *,
    criterion: float = 0.5,
    normal_at: float | None = None,
    r_normal: float | None = None,
    reference: str = "each",
    orientation: str = "perp",
    field_offset_T: float | str | None = None,
) -> Hc2Points:
    """Hc2(T) points from R(T) curves at fixed fields (T where R = f R_N).

    Parameters
    ----------
    curves : sequence of Curve
        R(T) sweeps (x = T in K, y = R in Ohm), each with its field in
        ``curve.fixed["B_T"]`` (T; the magnitude is used). Any order, any
        sweep direction; inputs are not modified.
    criterion : float
        f, the fraction of R_N that defines the point (0.5: midpoint).
    normal_at : float, optional
        Temperature (K) of the normal-state reference, R_N = R(normal_at)
        from a straight line through the 7 nearest points (the reference
        study: 0.2 K). Default: the median R over the top 10% of the curve's
        T range (at least 5 points).
    r_normal : float, optional
        A fixed R_N (Ohm) for every curve; overrides ``normal_at``.
    reference : {"each", "zero-field"}
        R_N of each curve (default; follows the normal-state
        magnetoresistance), or of the lowest-field curve for all.
    orientation : str
        Label stored with the points (``"perp"``/``"par"``).
    field_offset_T : float, optional
        The magnet's remanent field B0 (T): the field at the sample is
        B_set - B0 (measure it from the symmetry of an R(B) sweep through
        zero, :func:`field_offset`). ``"auto"`` or None: none (fixed-field
        R(T) curves cannot show it).

    Returns
    -------
    Hc2Points
        One point per curve that crosses f R_N, T stderr from the crossing
        (noise of the points near it, estimated from their second
        differences, plus the R_N error); curves that do not reach the
        criterion (highest fields) are in ``dropped`` with the reason —
        never extrapolated.

    Raises
    ------
    FormatError
        A curve without a fixed field, a bad criterion or reference.
    DataError
        ``normal_at`` outside a curve's temperature range; no curves.
    """
    f = _check_criterion(criterion)
    if reference not in ("each", "zero-field"):
        raise FormatError(f"reference must be 'each' or 'zero-field', got '{reference}'")
    if normal_at is not None and (not math.isfinite(normal_at) or normal_at <= 0):
        raise FormatError(f"normal_at must be a positive temperature in K, got {normal_at}")
    if not curves:
        raise DataError("no R(T) curves given; pass a field family (one curve per field step)")
    b_rem = _fixed_offset(field_offset_T)
    prepared = []
    for i, c in enumerate(curves):
        cs = _prepared(c)
        if "B_T" not in c.fixed:
            raise FormatError(
                f"R(T) curve {i} ({c.source or 'input'}) has no fixed field "
                f"(fixed = {dict(c.fixed)}); Hc2 needs a family stepped in B_T "
                "(read it with by='B_T' / --by FIELD_COLUMN)"
            )
        if c.x_name not in ("T_K", "x"):
            raise FormatError(
                f"R(T) curve {i} sweeps {c.x_name}, not T_K; use hc2_points_from_rb for R(B) sweeps"
            )
        prepared.append((abs(float(c.fixed["B_T"]) - b_rem), cs, c))

    def rn_of(cs: Curve, b: float) -> tuple[float, float, str]:
        x, y = cs.x, cs.y
        if r_normal is not None:
            return float(r_normal), _NAN, f"R_N = {r_normal:g} Ohm (given)"
        if normal_at is not None:
            lo, hi = float(x.min()), float(x.max())
            tol = 0.02 * (hi - lo)
            if not (lo - tol <= normal_at <= hi + tol):
                raise DataError(
                    f"normal_at = {normal_at:g} K lies outside the T range {lo:.4g}-{hi:.4g} K "
                    f"of the curve at B = {b:.4g} T ({cs.source or 'input'}); choose --normal-at "
                    "inside the measured range"
                )
            v, se = _local_value(x, y, normal_at)
            return v, se, f"R(T = {normal_at:g} K)"
        t_cut = x.max() - 0.1 * np.ptp(x)
        m = x >= t_cut
        if m.sum() < 5:
            m = np.zeros(x.size, bool)
            m[-min(5, x.size) :] = True
        v = float(np.median(y[m]))
        sig = _noise_sigma(y)
        se = 1.2533 * sig / math.sqrt(m.sum()) if math.isfinite(sig) else _NAN
        return v, se, f"median R over T >= {x[m].min():.4g} K (top 10% of the T range)"

    ref_zero = None
    if reference == "zero-field" and r_normal is None:
        b0, cs0, _ = min(prepared, key=lambda t: t[0])
        rn0, se0, how0 = rn_of(cs0, b0)
        ref_zero = (rn0, se0, f"{how0} of the lowest-field curve (B = {b0:.4g} T)")

    points: list[Hc2Point] = []
    dropped: list[dict[str, Any]] = []
    in_transition: list[tuple[float, float]] = []
    how_used = ""
    for b, cs, orig in prepared:
        x, y = cs.x, cs.y
        if x.size < 4:
            dropped.append({"orientation": orientation, "B_T": b, "reason": "fewer than 4 points"})
            continue
        rn, rn_se, how = ref_zero if ref_zero is not None else rn_of(cs, b)
        how_used = how_used or how
        if not (rn > 0):
            dropped.append(
                {
                    "orientation": orientation,
                    "B_T": b,
                    "reason": f"R_N = {rn:.4g} Ohm is not positive ({how})",
                }
            )
            continue
        q = y / rn
        j_low = int(np.argmin(x))
        if q.min() >= f:
            dropped.append(
                {
                    "orientation": orientation,
                    "B_T": b,
                    "reason": (
                        f"criterion {f:g} not reached: R falls only to {100 * q.min():.0f}% of "
                        f"R_N (R at the lowest T {x[j_low]:.4g} K is {100 * q[j_low]:.0f}%); "
                        "not extrapolated"
                    ),
                }
            )
            continue
        if q.max() < f:
            dropped.append(
                {
                    "orientation": orientation,
                    "B_T": b,
                    "reason": f"R stays below {f:g} R_N over {x.min():.4g}-{x.max():.4g} K "
                    "(never normal at this field)",
                }
            )
            continue
        res = _rt_crossing(orig, rn, rn_se, f)
        if res is None:  # pragma: no cover - excluded by the two checks above
            continue
        t_c, se, spread, note = res
        if normal_at is not None and r_normal is None and t_c > normal_at:
            note = (note + "; " if note else "") + "crossing above the normal-state reference T"
        if normal_at is not None and r_normal is None:
            rise = _rise_above(cs, normal_at, rn)
            if rise > 0.05:
                note = (note + "; " if note else "") + (
                    f"R keeps rising above the reference T (+{100 * rise:.0f}% at "
                    f"{min(1.5 * normal_at, float(cs.x.max())):.3g} K): R_N taken inside the "
                    "transition"
                )
                in_transition.append((b, rise))
        points.append(
            Hc2Point(
                orientation=orientation,
                B_T=b,
                T_K=t_c,
                T_stderr_K=se,
                B_stderr_T=_NAN,
                swept="T",
                r_normal_ohm=rn,
                spread=spread,
                note=note,
            )
        )
    if ref_zero is not None:
        how_used = ref_zero[2]
    points.sort(key=lambda p: (p.B_T, p.T_K))
    notes = []
    if in_transition:
        worst = max(in_transition, key=lambda t: t[1])
        notes.append(
            f"normal_at = {normal_at:g} K lies inside the transition of {len(in_transition)} "
            f"{orientation} curve(s) (R rises by up to {100 * worst[1]:.0f}% above it, at "
            f"B = {worst[0]:.4g} T); choose a higher --normal-at"
        )
    return Hc2Points(
        tuple(points),
        tuple(dropped),
        f,
        _normal_reference_text(how_used or "R_N", reference, "R(T)"),
        tuple(notes),
    )


def _rise_above(curve: Curve, t_ref: float, rn: float) -> float:
    """Relative rise of R from t_ref to min(1.5 t_ref, T_max): > 0.05 flags a reference
    temperature taken inside the transition (a normal metal varies far less)."""
    t_hi = min(1.5 * t_ref, float(curve.x.max()))
    if t_hi <= t_ref or not (rn > 0):
        return 0.0
    v, _ = _local_value(curve.x, curve.y, t_hi)
    return float(v / rn - 1.0)


def _normal_reference_text(how: str, reference: str, route: str) -> str:
    if route == "R(B)":
        return how
    scope = "of each curve" if reference == "each" else ""
    if how.startswith("R(T =") or how.startswith("median"):
        return f"{how} {scope}".strip()
    return how


# ==========================================================================
# Hc2 points from R(B) at fixed T (or fixed angle)
# ==========================================================================
#: fractions of the high-field R where the two field polarities are compared
OFFSET_LEVELS = (0.3, 0.4, 0.5, 0.6, 0.7)


def field_offset(
    B: ArrayLike, R: ArrayLike, *, levels: Sequence[float] = OFFSET_LEVELS
) -> Estimate:
    """The field B0 about which an R(B) sweep through zero is symmetric (T).

    A superconducting magnet keeps a remanent field of 1-10 mT after high
    fields, comparable to a 2D superconductor's Hc2_perp (PHYSICS §1 (ii),
    §9). R(B) is even about the true zero, so the transition is crossed at
    B0 + h(f) on one side and B0 - h(f) on the other: each level f R_top
    gives a midpoint (B+ + B-)/2 = B0. Levels ``levels`` of the high-field R
    (median of the five highest |B - B0| points), crossings as in
    :func:`hc2_points_from_rb`; the split between the sides is refined from
    B = 0 to B0 (three passes at most).

    Parameters
    ----------
    B, R : array_like
        One sweep (T, Ohm) through both polarities and the transition on
        each side (below Tc).

    Returns
    -------
    Estimate
        B0 (T): the mean midpoint; stderr the larger of the typical midpoint
        error (noise and interpolation of the two crossings) and the scatter
        of the midpoints over the levels. Flagged when the midpoints scatter
        more than 3 of their errors (a transition not symmetric about one
        field: sweep lag or hysteresis), and missing (with the reason) when
        the sweep does not reach the transition on both sides.
    """
    b = np.asarray(B, float)
    r = np.asarray(R, float)
    ok = np.isfinite(b) & np.isfinite(r)
    b, r = b[ok], r[ok]
    method = "midpoint of the R(B) crossings at both field polarities"
    if b.size < 16 or not (b.min() < 0 < b.max()):
        return Estimate.missing("T", "the sweep does not cover both field polarities", method)
    split = 0.0
    mids: list[float] = []
    ses: list[float] = []
    for _ in range(3):
        sides = []
        for sgn in (1.0, -1.0):
            m = sgn * (b - split) > 0
            x = np.abs(b[m] - split)
            order = np.argsort(x, kind="stable")
            x, y = x[order], r[m][order]
            keep = _despike_mask(y, _noise_sigma(y)) if y.size >= 8 else np.ones(y.size, bool)
            sides.append((x[keep], y[keep]))
        if min(s[0].size for s in sides) < 8:
            return Estimate.missing(
                "T", "fewer than 8 points on one side of the field zero", method
            )
        tops = [float(np.median(s[1][-5:])) for s in sides]
        if not min(tops) > 0.9 * max(tops) > 0:
            return Estimate.missing(
                "T",
                f"the sweep does not reach the same normal state at both polarities (R at the "
                f"highest |B|: {tops[0]:.4g} and {tops[1]:.4g} Ohm)",
                method,
            )
        r_top = 0.5 * (tops[0] + tops[1])
        found = []
        for f in levels:
            cs = [_crossing(x, y / r_top, f, _noise_sigma(y) / r_top) for x, y in sides]
            if all(c is not None for c in cs):
                up, down = cs
                mid = split + (up.x - down.x) / 2  # (split + up) + (split - down), halved
                found.append((mid, 0.5 * math.hypot(up.stderr, down.stderr)))
        if not found:
            return Estimate.missing(
                "T", "R(B) does not cross the transition on both sides of the field zero", method
            )
        mids = [m for m, _ in found]
        ses = [e for _, e in found]
        new = float(np.mean(mids))
        moved = abs(new - split)
        split = new
        if moved <= 1e-3 * float(np.median(ses)) or moved == 0.0:
            break
    se_typ = float(np.median(ses))
    scatter = float(np.std(mids, ddof=1)) if len(mids) > 1 else 0.0
    se = max(se_typ, scatter / math.sqrt(len(mids)))
    flag = ""
    if len(mids) >= 3 and scatter > 3 * se_typ:
        flag = (
            f"the midpoints of the {len(mids)} levels scatter by {scatter:.3g} T, "
            f"{scatter / se_typ:.1f} times their error: the transition is not symmetric about "
            "one field (sweep lag, hysteresis?)"
        )
    levels_txt = ", ".join(f"{f:g}" for f in levels)
    return Estimate(
        split, se, "T", f"{method} (levels {levels_txt} of the high-field R)", None, flag
    )


def hc2_points_from_rb(
    curves: Sequence[Curve],
    *,
    criterion: float = 0.5,
    normal_above: float | None = None,
    orientation: str = "perp",
    fixed_name: str | None = None,
    field_offset_T: float | str | None = "auto",
) -> Hc2Points:
    """Hc2 points from R(B) sweeps at fixed temperature (or fixed angle).

    R_N(B) is the normal-state magnetoresistance above Hc2, fitted as
    R_N = a + c B^2 (even in B, Kohler-like) over B >= B_n and extrapolated
    back through the transition; the point is where R = f R_N(B). Both
    field polarities are folded onto |B|.

    Parameters
    ----------
    curves : sequence of Curve
        x = B (T), y = R (Ohm), with ``fixed["T_K"]`` (or ``fixed[fixed_name]``,
        e.g. ``"theta_deg"`` for a rotator series).
    criterion : float
        f (0.5 by default).
    normal_above : float, optional
        B_n (T): the normal-state window starts there. Default: twice as far
        above the 50% field as the 95% field is (R within ~0.3% of R_N for a
        symmetric transition).
    orientation : str
        Label stored with the points.
    fixed_name : str, optional
        The fixed variable; ``"T_K"`` when present, else ``"theta_deg"``.
    field_offset_T : "auto", float or None
        The magnet's remanent field B0 (T), subtracted from the recorded
        fields before both polarities are folded onto |B - B0|. ``"auto"``
        (default): each sweep through zero its own :func:`field_offset`,
        from its symmetry, its error added to the Hc2 error (a sweep on one
        polarity is left as it is). A number: that B0 for every sweep; None:
        nothing subtracted. A sweep through zero always gets its offset
        measured (``Hc2Point.b_offset_T``), and a note when it differs
        significantly from the one subtracted.

    Returns
    -------
    Hc2Points
        Points with ``swept = "B"`` and ``B_stderr_T``; sweeps whose normal
        state is not reached, or that stay normal, are dropped with a note.
    """
    if field_offset_T != "auto":
        _fixed_offset(field_offset_T)  # a bad value is refused before any work
    f = _check_criterion(criterion)
    if not curves:
        raise DataError("no R(B) curves given; pass sweeps at fixed temperatures")
    points: list[Hc2Point] = []
    dropped: list[dict[str, Any]] = []
    for i, c in enumerate(curves):
        name = fixed_name or ("T_K" if "T_K" in c.fixed else "theta_deg")
        if name not in c.fixed:
            raise FormatError(
                f"R(B) curve {i} ({c.source or 'input'}) has no fixed temperature or angle "
                f"(fixed = {dict(c.fixed)}); read it with by='T_K' (--by TEMPERATURE_COLUMN)"
            )
        val = float(c.fixed[name])
        key = "T_K" if name == "T_K" else name
        cf = c.finite()
        folded = bool(np.any(cf.x < 0) and np.any(cf.x > 0))
        measured = field_offset(cf.x, cf.y) if folded else None
        shift, offset_note = _offset_to_apply(field_offset_T, measured)
        xb = np.abs(cf.x - shift)
        order = np.argsort(xb, kind="stable")
        x, y = xb[order], cf.y[order]
        keep = _despike_mask(y, _noise_sigma(y))
        x, y = x[keep], y[keep]
        if x.size < 8:
            dropped.append({"orientation": orientation, key: val, "reason": "fewer than 8 points"})
            continue
        r_top = float(np.median(y[-5:]))
        q0 = y / r_top
        if q0.min() >= f:
            dropped.append(
                {
                    "orientation": orientation,
                    key: val,
                    "reason": (
                        f"criterion {f:g} not reached: R at the lowest |B| is "
                        f"{100 * q0[0]:.0f}% of the high-field R (above Tc at this setting?)"
                    ),
                }
            )
            continue
        c50 = _crossing(x, q0, 0.5, _NAN)
        c95 = _crossing(x, q0, 0.95, _NAN)
        if normal_above is not None:
            b_n = float(normal_above)
        elif c50 is not None and c95 is not None:
            b_n = c50.x + 2 * max(c95.x - c50.x, 0.0)
        else:
            b_n = math.inf
        m = x >= b_n
        if m.sum() < 4 or np.ptp(x[m]) <= 0:
            dropped.append(
                {
                    "orientation": orientation,
                    key: val,
                    "reason": (
                        f"normal state not reached: fewer than 4 points above "
                        f"{b_n:.4g} T to fit the normal-state magnetoresistance "
                        f"(sweep ends at {x.max():.4g} T); not extrapolated"
                    ),
                }
            )
            continue
        lf = _fit.line_fit(x[m] ** 2, y[m])
        rn = lf.intercept + lf.slope * x**2
        q = y / rn
        sig = _noise_sigma(y)
        cr = _crossing(x, q, f, sig / float(np.median(rn)))
        if cr is None:
            dropped.append(
                {
                    "orientation": orientation,
                    key: val,
                    "reason": f"R/R_N(B) does not cross {f:g}",
                }
            )
            continue
        if shift and field_offset_T == "auto" and measured is not None:
            cr = dataclasses.replace(cr, stderr=math.hypot(cr.stderr, measured.stderr))
        u = cr.x**2
        rn_c = lf.intercept + lf.slope * u
        var = lf.intercept_stderr**2 + u**2 * lf.slope_stderr**2 + 2 * u * lf.cov
        se = cr.stderr
        if var > 0 and math.isfinite(var):
            dqdx = _local_slope(x, q, cr.x)
            if math.isfinite(dqdx) and dqdx > 0:
                se_rn = f * (math.sqrt(var) / rn_c) / dqdx
                se = math.hypot(se, se_rn) if math.isfinite(se) else se_rn
        note = "both field polarities folded onto |B|" if folded else ""
        if shift:
            note = note.replace("|B|", f"|B - ({shift:.4g} T)|") or f"B - ({shift:.4g} T)"
        if offset_note:
            note = (note + "; " if note else "") + offset_note
        if cr.method != "local line":
            note = (note + "; " if note else "") + cr.method
        points.append(
            Hc2Point(
                orientation=orientation,
                B_T=cr.x,
                T_K=val if key == "T_K" else _NAN,
                T_stderr_K=_NAN,
                B_stderr_T=se,
                swept="B",
                r_normal_ohm=float(rn_c),
                spread=cr.spread,
                theta_deg=val if key != "T_K" else None,
                note=note,
                b_offset_T=measured.value if measured is not None else _NAN,
                b_offset_stderr_T=measured.stderr if measured is not None else _NAN,
            )
        )
    points.sort(key=lambda p: (p.T_K if math.isfinite(p.T_K) else 0.0, p.theta_deg or 0.0))
    how = (
        "R_N(B) = a + c B^2 fitted to the normal-state magnetoresistance above Hc2 "
        f"(B >= {normal_above:g} T)"
        if normal_above is not None
        else "R_N(B) = a + c B^2 fitted to the normal-state magnetoresistance above Hc2 "
        "(from twice the 50%-to-95% distance above the midpoint)"
    )
    return Hc2Points(tuple(points), tuple(dropped), f, how)


def _fixed_offset(wanted: float | str | None) -> float:
    """A field offset given as a number (T); "auto" and None: 0 (nothing to measure it from)."""
    if wanted is None or wanted == "auto":
        return 0.0
    try:
        value = float(wanted)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise DataError(f"field offset must be a number of tesla or 'auto', got {wanted!r}")
    return value


def _offset_to_apply(wanted: float | str | None, measured: Estimate | None) -> tuple[float, str]:
    """(field to subtract (T), note) for one R(B) sweep (see :func:`hc2_points_from_rb`)."""
    ok = measured is not None and math.isfinite(measured.value)
    if wanted == "auto":
        if ok:
            return measured.value, (
                f"field offset {measured.value * 1e3:.3g} +- {measured.stderr * 1e3:.2g} mT "
                "from the symmetry of R(B), subtracted"
            )
        why = measured.flag if measured is not None else "a sweep on one polarity"
        return 0.0, f"field offset not measurable ({why}); none subtracted"
    shift = float(wanted) if wanted is not None else 0.0
    if ok and abs(measured.value - shift) > 3 * measured.stderr:
        return shift, (
            f"R(B) is symmetric about {measured.value * 1e3:.3g} +- "
            f"{measured.stderr * 1e3:.2g} mT, not {shift * 1e3:.3g} mT: a remanent field? "
            "(--field-offset auto subtracts it)"
        )
    return shift, ""


def hc2_points(
    curves: Sequence[Curve] | Hc2Points,
    *,
    criterion: float = 0.5,
    normal_at: float | None = None,
    r_normal: float | None = None,
    reference: str = "each",
    orientation: str = "perp",
    field_offset_T: float | str | None = "auto",
) -> Hc2Points:
    """Hc2 points from R(T) or R(B) curves, the route chosen by the swept column.

    ``curve.x_name == "B_T"`` -> :func:`hc2_points_from_rb`; otherwise
    :func:`hc2_points_from_rt`. Already extracted :class:`Hc2Points` pass
    through unchanged.
    """
    if isinstance(curves, Hc2Points):
        return curves
    curves = list(curves)
    if curves and all(c.x_name == "B_T" for c in curves):
        return hc2_points_from_rb(
            curves, criterion=criterion, orientation=orientation, field_offset_T=field_offset_T
        )
    return hc2_points_from_rt(
        curves,
        criterion=criterion,
        normal_at=normal_at,
        r_normal=r_normal,
        reference=reference,
        orientation=orientation,
        field_offset_T=field_offset_T,
    )


# ==========================================================================
# GL fits
# ==========================================================================
def _point_arrays(points: Sequence[Hc2Point]) -> dict[str, np.ndarray]:
    return {
        "T_K": np.array([p.T_K for p in points], float),
        "B_T": np.array([p.B_T for p in points], float),
        "T_stderr_K": np.array([p.T_stderr_K for p in points], float),
        "B_stderr_T": np.array([p.B_stderr_T for p in points], float),
    }


def _arrays(points: Sequence[Hc2Point] | Hc2Points, what: str, need: int) -> dict[str, np.ndarray]:
    pts = list(points)
    for p in pts:
        if not isinstance(p, Hc2Point):
            raise FormatError(f"{what} expects Hc2Point objects, got {type(p).__name__}")
    a = _point_arrays(pts)
    m = np.isfinite(a["T_K"]) & np.isfinite(a["B_T"])
    a = {k: v[m] for k, v in a.items()}
    if a["T_K"].size < need:
        raise FitError(
            f"{what} needs at least {need} Hc2 points, got {a['T_K'].size}; "
            "measure more fields or check that the curves reach the criterion"
        )
    if np.unique(a["B_T"]).size < 2:
        raise FitError(f"{what} needs at least two different fields, got B = {a['B_T'][:3]} T")
    return a


def _eff_sigma(a: dict[str, np.ndarray], dtdx_abs: np.ndarray | float) -> np.ndarray | None:
    """Effective T error: sqrt(sT^2 + (dT/dB sB)^2), NaN taken as 0.

    Points with no error estimate get the median of the others; None when
    none has one (then the fit is unweighted).
    """
    st = np.nan_to_num(a["T_stderr_K"], nan=0.0)
    sb = np.nan_to_num(a["B_stderr_T"], nan=0.0)
    s = np.sqrt(st**2 + (np.asarray(dtdx_abs) * sb) ** 2)
    good = np.isfinite(s) & (s > 0)
    if not good.any():
        return None
    s = np.where(good, s, np.median(s[good]))
    return s


def _birge(rstd: float, weighted: bool) -> float:
    return max(1.0, rstd) if weighted and math.isfinite(rstd) else 1.0


def _line_fit_t(x: np.ndarray, a: dict[str, np.ndarray], dxdb) -> tuple[_fit.LineFit, float, bool]:
    """Weighted line T = c + m x with effective-variance iteration."""
    lf = _fit.line_fit(x, a["T_K"])
    sig = None
    for _ in range(3):
        sig = _eff_sigma(a, np.abs(lf.slope * dxdb))
        if sig is None:
            break
        lf = _fit.line_fit(x, a["T_K"], sigma=sig)
    weighted = sig is not None
    chi2 = lf.residual_std**2 if weighted else _NAN
    return lf, chi2, weighted


def _one_param_fit(
    model, x: np.ndarray, a: dict[str, np.ndarray], p0: float, dxdb_fn
) -> tuple[float, float, float]:
    """Fit T = model(x, p) with fixed Tc; returns (p, se, chi2_red)."""
    out = _fit.curve_fit(model, x, a["T_K"], [p0], bounds=([0.0], [np.inf]))
    sig = None
    for _ in range(2):
        sig = _eff_sigma(a, np.abs(dxdb_fn(out.params[0])))
        if sig is None:
            break
        out = _fit.curve_fit(
            model, x, a["T_K"], out.params, sigma=sig, absolute_sigma=True, bounds=([0.0], [np.inf])
        )
    if not out.success:
        raise FitError(f"the fixed-Tc GL fit did not converge ({out.message})")
    if sig is None:
        return float(out.params[0]), float(out.stderr[0]), _NAN
    se = float(out.stderr[0]) * _birge(math.sqrt(out.chi2_red), True)
    return float(out.params[0]), se, float(out.chi2_red)


def _window(a: dict[str, np.ndarray]) -> tuple[float, float]:
    return (float(a["T_K"].min()), float(a["T_K"].max()))


def _perp_result(
    b0: float,
    se_b0: float,
    tc: float,
    se_tc: float,
    n: int,
    chi2: float,
    mode: str,
    window: tuple[float, float],
) -> GLPerpResult:
    how = f"2D GL B = B0(1 - T/Tc), Tc {mode}"
    xi = float(physics.xi_gl_from_hc2_perp(b0))
    slope = -b0 / tc
    # se of slope = B0/Tc with the B0-Tc correlation neglected only for the
    # fixed mode; for free/shared Tc the caller passes consistent errors.
    rel_b, rel_t = se_b0 / b0, (se_tc / tc if math.isfinite(se_tc) else 0.0)
    se_slope = abs(slope) * math.hypot(rel_b, rel_t)
    d = float(physics.diffusion_from_hc2_slope(slope))
    whh = float(physics.whh_hc2_0(tc, slope))
    return GLPerpResult(
        hc2_perp_0_T=Estimate(b0, se_b0, "T", how, window),
        tc_K=Estimate(tc, se_tc, "K", how, window),
        xi_gl_nm=Estimate(
            xi * 1e9, xi * 1e9 * se_b0 / (2 * b0), "nm", "sqrt(Phi0/(2 pi mu0Hc2perp(0)))"
        ),
        dhc2_dt_T_per_K=Estimate(slope, se_slope, "T/K", how, window),
        whh_hc2_0_T=Estimate(
            whh,
            physics.WHH_DIRTY * se_b0,
            "T",
            "WHH dirty limit 0.693 Tc |dB/dT| (orbital, no spin), GL slope",
        ),
        diffusion_m2_per_s=Estimate(
            d, d * se_slope / abs(slope), "m^2/s", "dirty limit 4 k_B/(pi e |dBc2perp/dT|)"
        ),
        n_points=n,
        chi2_red=chi2,
        tc_mode=mode,
    )


def gl_perp_fit(points: Sequence[Hc2Point] | Hc2Points, tc: float | None = None) -> GLPerpResult:
    """2D GL fit of the perpendicular Hc2(T): B = B0 (1 - T/Tc).

    Fitted as the straight line T = Tc - (Tc/B0) B (T carries the crossing
    error), weighted by the point errors; B0 is the line's B-axis intercept
    with its stderr from the full covariance. Then xi_GL(0) =
    sqrt(Phi0/(2 pi B0)), the slope dB/dT = -B0/Tc, WHH Hc2(0) =
    0.693 Tc |dB/dT| (= 0.693 B0 for a GL line) and D = 4 k_B/(pi e |dB/dT|).

    Parameters
    ----------
    points : sequence of Hc2Point
    tc : float, optional
        Fix Tc (K); otherwise fitted.

    Raises
    ------
    FitError
        Fewer than 3 points (2 with Tc fixed) or fewer than two fields;
        Hc2 not decreasing with T.
    """
    a = _arrays(points, "the perpendicular GL fit", 3 if tc is None else 2)
    n = a["T_K"].size
    if tc is None:
        lf, chi2, weighted = _line_fit_t(a["B_T"], a, 1.0)
        if not (lf.slope < 0):
            raise FitError(
                f"the perpendicular GL fit: Hc2_perp does not fall with T (dT/dB = {lf.slope:.3g} K/T); "
                "check the orientation and the field column"
            )
        k = _birge(lf.residual_std, weighted)
        b0 = lf.x_intercept
        se_b0 = lf.x_intercept_stderr * k
        tcv, se_tc = lf.intercept, lf.intercept_stderr * k
        res = _perp_result(b0, se_b0, tcv, se_tc, n, chi2, "free", _window(a))
        # exact slope error: slope = 1/m
        se_slope = lf.slope_stderr * k / lf.slope**2
        slope = 1.0 / lf.slope
        d = float(physics.diffusion_from_hc2_slope(slope))
        return dataclasses.replace(
            res,
            dhc2_dt_T_per_K=dataclasses.replace(res.dhc2_dt_T_per_K, value=slope, stderr=se_slope),
            diffusion_m2_per_s=dataclasses.replace(
                res.diffusion_m2_per_s, value=d, stderr=d * se_slope / abs(slope)
            ),
        )
    tc = float(tc)
    if not (tc > 0):
        raise FormatError(f"gl_perp_fit: tc must be a positive temperature in K, got {tc}")
    b0_init = float(np.max(a["B_T"]) / max(1e-3, 1 - np.min(a["T_K"][a["B_T"] > 0]) / tc))

    def model(b, b0):
        return tc * (1 - b / b0)

    b0, se_b0, chi2 = _one_param_fit(model, a["B_T"], a, b0_init, lambda b0: tc / b0)
    return _perp_result(b0, se_b0, tc, _NAN, n, chi2, "fixed", _window(a))


def _xi_m(xi_gl: float | Estimate | None) -> tuple[float, float] | None:
    if xi_gl is None:
        return None
    if isinstance(xi_gl, Estimate):
        scale = {"nm": 1e-9, "m": 1.0, "um": 1e-6}.get(xi_gl.unit)
        if scale is None:
            raise FormatError(f"xi_gl estimate has unit '{xi_gl.unit}'; expected nm or m")
        return xi_gl.value * scale, (xi_gl.stderr * scale if math.isfinite(xi_gl.stderr) else 0.0)
    v = float(xi_gl)
    if not (0 < v < 1e-3):
        raise FormatError(f"xi_gl must be a length in metres (e.g. 146e-9), got {xi_gl}")
    return v, 0.0


def _d_sc(b0q: float, se_q: float, b0p_xi, cov_pq: float = 0.0) -> Estimate:
    """d_SC from B0_par and xi_GL (given) or B0_perp (with their covariance)."""
    how = "sqrt(12) Phi0/(2 pi xi_GL mu0Hc2par(0))"
    kind, v, se = b0p_xi
    if kind == "xi":
        d = float(physics.d_sc_from_hc2(b0q, v))
        rel = math.hypot(se_q / b0q, se / v)
        return Estimate(d * 1e9, d * 1e9 * rel, "nm", how)
    # from B0_perp: d = sqrt(6 Phi0 B0p/pi)/B0q; rel var = rp^2/4 + rq^2 - cov/(p q)
    xi = float(physics.xi_gl_from_hc2_perp(v))
    d = float(physics.d_sc_from_hc2(b0q, xi))
    var = (se / v) ** 2 / 4 + (se_q / b0q) ** 2 - cov_pq / (v * b0q)
    return Estimate(d * 1e9, d * 1e9 * math.sqrt(max(var, 0.0)), "nm", how)


def gl_par_fit(
    points: Sequence[Hc2Point] | Hc2Points,
    tc: float | None = None,
    xi_gl: float | Estimate | None = None,
) -> GLParResult:
    """2D GL fit of the in-plane Hc2(T): B = B0 sqrt(1 - T/Tc).

    Fitted as the line T = Tc - (Tc/B0^2) B^2 (B^2 linear in T), weighted by
    the point errors; B0^2 is the B^2-axis intercept. With ``xi_gl`` (metres,
    or an Estimate in nm) d_SC = sqrt(12) Phi0/(2 pi xi B0) with the errors
    of both propagated.

    Raises
    ------
    FitError
        Too few points, or Hc2_par not falling with T.
    """
    a = _arrays(points, "the in-plane GL fit", 3 if tc is None else 2)
    n = a["T_K"].size
    xi = _xi_m(xi_gl)
    u = a["B_T"] ** 2
    if tc is None:
        lf, chi2, weighted = _line_fit_t(u, a, 2 * a["B_T"])
        if not (lf.slope < 0):
            raise FitError(
                f"the in-plane GL fit: Hc2_par does not fall with T (dT/dB^2 = {lf.slope:.3g} K/T^2); "
                "check the orientation and the field column"
            )
        k = _birge(lf.residual_std, weighted)
        b02, se_b02 = lf.x_intercept, lf.x_intercept_stderr * k
        b0 = math.sqrt(b02)
        se_b0 = se_b02 / (2 * b0)
        tcv, se_tc, mode = lf.intercept, lf.intercept_stderr * k, "free"
    else:
        tcv = float(tc)
        if not (tcv > 0):
            raise FormatError(f"gl_par_fit: tc must be a positive temperature in K, got {tc}")
        se_tc, mode = _NAN, "fixed"
        b_init = float(np.max(a["B_T"]))

        def model(b, b0):
            return tcv * (1 - (b / b0) ** 2)

        b0, se_b0, chi2 = _one_param_fit(
            model, a["B_T"], a, b_init * 1.2, lambda b0: 2 * tcv * a["B_T"] / b0**2
        )
    how = f"2D GL B = B0 sqrt(1 - T/Tc), Tc {mode}"
    d = (
        _d_sc(b0, se_b0, ("xi", *xi))
        if xi is not None
        else Estimate.missing("nm", "xi_GL unknown (no perpendicular data); pass xi_gl")
    )
    return GLParResult(
        hc2_par_0_T=Estimate(b0, se_b0, "T", how, _window(a)),
        tc_K=Estimate(tcv, se_tc, "K", how, _window(a)),
        d_sc_nm=d,
        n_points=n,
        chi2_red=chi2,
        tc_mode=mode,
    )


def gl_joint_fit(
    perp: Sequence[Hc2Point] | Hc2Points, par: Sequence[Hc2Point] | Hc2Points
) -> tuple[GLPerpResult, GLParResult]:
    """Both GL lines with one shared Tc (three parameters: Tc, B0_perp, B0_par).

    T = Tc (1 - B/B0_perp) for the perpendicular points and
    T = Tc (1 - B^2/B0_par^2) for the in-plane ones, weighted by the point
    errors. d_SC and the anisotropy use the fitted covariance of
    (B0_perp, B0_par).
    """
    ap = _arrays(perp, "the joint GL fit (perpendicular points)", 2)
    aq = _arrays(par, "the joint GL fit (in-plane points)", 2)
    p0 = gl_perp_fit(perp) if ap["T_K"].size >= 3 else None
    q0 = gl_par_fit(par) if aq["T_K"].size >= 3 else None
    tc0 = np.mean([r.tc_K.value for r in (p0, q0) if r is not None] or [ap["T_K"].max()])
    bp0 = p0.hc2_perp_0_T.value if p0 else float(ap["B_T"].max()) * 1.5
    bq0 = q0.hc2_par_0_T.value if q0 else float(aq["B_T"].max()) * 1.5
    npp = ap["T_K"].size
    b = np.concatenate([ap["B_T"], aq["B_T"]])
    t = np.concatenate([ap["T_K"], aq["T_K"]])
    is_p = np.arange(b.size) < npp

    def model(idx, tc, bp, bq):
        return np.where(is_p, tc * (1 - b / bp), tc * (1 - (b / bq) ** 2))

    idx = np.arange(b.size, dtype=float)
    lo, hi = [0.0, 0.0, 0.0], [np.inf, np.inf, np.inf]
    out = _fit.curve_fit(model, idx, t, [tc0, bp0, bq0], bounds=(lo, hi))
    sig = None
    for _ in range(2):
        tc, bp, bq = out.params
        dtdb = np.where(is_p, tc / bp, 2 * tc * b / bq**2)
        a = {
            "T_stderr_K": np.concatenate([ap["T_stderr_K"], aq["T_stderr_K"]]),
            "B_stderr_T": np.concatenate([ap["B_stderr_T"], aq["B_stderr_T"]]),
        }
        sig = _eff_sigma(a, dtdb)
        if sig is None:
            break
        out = _fit.curve_fit(
            model, idx, t, out.params, sigma=sig, absolute_sigma=True, bounds=(lo, hi)
        )
    if not out.success or not np.all(np.isfinite(out.stderr)):
        raise FitError(f"the shared-Tc GL fit did not converge ({out.message})")
    k2 = max(1.0, out.chi2_red) if sig is not None else 1.0
    cov = out.cov * k2
    se = np.sqrt(np.diag(cov))
    tc, bp, bq = (float(v) for v in out.params)
    chi2 = float(out.chi2_red) if sig is not None else _NAN
    window = (float(t.min()), float(t.max()))
    # perpendicular result: slope -bp/tc with the (tc, bp) covariance
    res_p = _perp_result(bp, se[1], tc, se[0], npp, chi2, "shared", window)
    slope = -bp / tc
    var_s = slope**2 * ((se[1] / bp) ** 2 + (se[0] / tc) ** 2 - 2 * cov[0, 1] / (bp * tc))
    se_s = math.sqrt(max(var_s, 0.0))
    dd = res_p.diffusion_m2_per_s.value
    res_p = dataclasses.replace(
        res_p,
        dhc2_dt_T_per_K=dataclasses.replace(res_p.dhc2_dt_T_per_K, stderr=se_s),
        diffusion_m2_per_s=dataclasses.replace(
            res_p.diffusion_m2_per_s, stderr=dd * se_s / abs(slope)
        ),
    )
    how = "2D GL B = B0 sqrt(1 - T/Tc), Tc shared with the perpendicular line"
    res_q = GLParResult(
        hc2_par_0_T=Estimate(bq, se[2], "T", how, window),
        tc_K=Estimate(tc, se[0], "K", how, window),
        d_sc_nm=_d_sc(bq, se[2], ("b0p", bp, se[1]), float(cov[1, 2])),
        n_points=aq["T_K"].size,
        chi2_red=chi2,
        tc_mode="shared",
        _cov_b0_perp=float(cov[1, 2]),
    )
    return res_p, res_q


# ==========================================================================
# Pauli limit
# ==========================================================================
def pauli_estimate(
    tc: float | Estimate,
    *,
    gap_ratio: float = physics.BCS_GAP_RATIO,
    g: float = 2.0,
    tc_source: str = "",
) -> Estimate:
    """Clogston-Chandrasekhar limit mu0 H_P = gap_ratio k_B Tc/(sqrt2 (g/2) mu_B) (T).

    1.857 T/K x Tc for the BCS gap ratio 1.764 and g = 2 (the reference
    study used 1.76 with Tc = 0.15 K: 0.278 T). The stderr follows Tc's.
    """
    tcv = tc.value if isinstance(tc, Estimate) else float(tc)
    tse = tc.stderr if isinstance(tc, Estimate) else _NAN
    if not (tcv > 0):
        return Estimate.missing("T", f"no positive Tc for the Pauli limit (Tc = {tcv})")
    hp = float(physics.pauli_limit(tcv, gap_ratio=gap_ratio, g=g))
    src = f" ({tc_source})" if tc_source else ""
    how = (
        f"Clogston-Chandrasekhar {gap_ratio:.4g} k_B Tc/(sqrt2 (g/2) mu_B), g = {g:g}, "
        f"Tc = {tcv:.4g} K{src}"
    )
    return Estimate(hp, hp * tse / tcv if math.isfinite(tse) else _NAN, "T", how)


# ==========================================================================
# Klemm-Luther-Beasley spin-orbit fit
# ==========================================================================
def klb_t_of_b(b: ArrayLike, tc0: float, gamma_so: float, iterations: int = 60) -> np.ndarray:
    """Temperature of the KLB in-plane line at field(s) b (K); 0 above Hc2(0).

    Vectorised bisection of :func:`sc2d.physics.klb_equation` in T over
    [1e-3 Tc0, Tc0] (the residual is < 0 below the line, > 0 above it).
    ``gamma_so`` in J (Gamma_so = 2 hbar/(3 tau_so)).
    """
    b = np.atleast_1d(np.abs(np.asarray(b, dtype=float)))
    lo = np.full(b.shape, 1e-3 * tc0)
    hi = np.full(b.shape, float(tc0))
    f_lo = physics.klb_equation(lo, b, tc0, gamma_so)
    above = f_lo >= 0  # field above Hc2 even at the lowest T
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        fm = physics.klb_equation(mid, b, tc0, gamma_so)
        neg = fm < 0
        lo = np.where(neg, mid, lo)
        hi = np.where(neg, hi, mid)
    t = 0.5 * (lo + hi)
    t[above] = 0.0
    t[b == 0] = tc0
    return t


def _klb_b_at(t: float, tc0: float, gamma_so: float) -> float:
    """The KLB field at temperature t (T), by bisection in B."""
    from scipy.optimize import brentq

    hi = 1.0
    while physics.klb_equation(t, hi, tc0, gamma_so) < 0 and hi < 1e4:
        hi *= 2
    return float(brentq(lambda x: float(physics.klb_equation(t, x, tc0, gamma_so)), 0.0, hi))


def klb_fit(
    points: Sequence[Hc2Point] | Hc2Points,
    tc0: float | None = None,
    *,
    fit_tc0: bool | None = None,
) -> KLBResult:
    """Fit the spin-orbit scattering time to the in-plane Hc2(T) line (KLB).

    Solves the Klemm-Luther-Beasley equation (:func:`physics.klb_equation`,
    spin pair breaking only) for T at each measured field and fits
    ln(Gamma_so) (and Tc0 unless fixed) by weighted least squares in T;
    tau_so = 2 hbar/(3 Gamma_so). Orbital pair breaking is neglected, so
    the tau_so found is an upper bound on the true one.

    Parameters
    ----------
    points : sequence of Hc2Point
        The in-plane points.
    tc0 : float, optional
        Zero-field Tc (K); start value and, with ``fit_tc0=False``, fixed.
        Default: the GL in-plane fit's Tc, fitted.
    fit_tc0 : bool, optional
        Default: True when ``tc0`` is None, else False.

    Raises
    ------
    FitError
        Too few points, or the fit did not converge.
    """
    a = _arrays(points, "the KLB spin-orbit fit", 3)
    gl = gl_par_fit(points)
    if fit_tc0 is None:
        fit_tc0 = tc0 is None
    tc_start = float(tc0) if tc0 is not None else gl.tc_K.value
    if not (tc_start > 0):
        raise FormatError(f"klb_fit: tc0 must be a positive temperature in K, got {tc0}")
    delta0 = physics.BCS_GAP_RATIO * physics.K_B * tc_start
    b0 = gl.hc2_par_0_T.value
    gamma_start = max(2 * (physics.MU_B * b0) ** 2 / delta0, 0.5 * physics.K_B * tc_start)
    kt = physics.K_B * tc_start
    slope = np.abs(2 * gl.tc_K.value * a["B_T"] / b0**2)
    sig = _eff_sigma(a, slope)
    b = a["B_T"]
    t = a["T_K"]

    if fit_tc0:

        def model(_x, tcf, lng):
            return klb_t_of_b(b, tcf, kt * math.exp(lng))

        p0 = [tc_start, math.log(gamma_start / kt)]
        bounds = ([0.2 * tc_start, math.log(1e-3)], [5 * tc_start, math.log(1e5)])
    else:

        def model(_x, lng):
            return klb_t_of_b(b, tc_start, kt * math.exp(lng))

        p0 = [math.log(gamma_start / kt)]
        bounds = ([math.log(1e-3)], [math.log(1e5)])
    idx = np.arange(b.size, dtype=float)
    out = _fit.curve_fit(
        model, idx, t, p0, sigma=sig, absolute_sigma=sig is not None, bounds=bounds
    )
    if not out.success:
        raise FitError(f"the KLB spin-orbit fit did not converge ({out.message})")
    k = _birge(math.sqrt(out.chi2_red), sig is not None) if sig is not None else 1.0
    se = out.stderr * k
    if fit_tc0:
        tcf, se_tc = float(out.params[0]), float(se[0])
        lng, se_lng = float(out.params[1]), float(se[1])
    else:
        tcf, se_tc = tc_start, _NAN
        lng, se_lng = float(out.params[0]), float(se[0])
    gamma = kt * math.exp(lng)
    tau = float(physics.tau_so_from_gamma(gamma))
    how = "Klemm-Luther-Beasley (spin only; orbital neglected: tau_so is an upper bound)"
    flag = ""
    if lng >= bounds[1][-1] - 1e-6 or lng <= bounds[0][-1] + 1e-6:
        flag = "Gamma_so at its bound: tau_so not constrained by the data"
    b_zero = _klb_b_at(0.01 * tcf, tcf, gamma)
    return KLBResult(
        tau_so_s=Estimate(tau, tau * se_lng, "s", how, flag=flag),
        gamma_so_over_kTc=Estimate(
            gamma / (physics.K_B * tcf), gamma / (physics.K_B * tcf) * se_lng, "", how, flag=flag
        ),
        tc0_K=Estimate(tcf, se_tc, "K", how + (", Tc0 fitted" if fit_tc0 else ", Tc0 fixed")),
        hc2_par_0_T=Estimate(b_zero, _NAN, "T", "KLB line at T = 0.01 Tc0"),
        chi2_red=float(out.chi2_red) if sig is not None else _NAN,
        n_points=int(b.size),
    )


# ==========================================================================
# Angle dependence
# ==========================================================================
def angle_fit(
    theta_deg: ArrayLike,
    hc2: ArrayLike,
    sigma: ArrayLike | None = None,
    *,
    from_normal: bool = False,
    max_offset_deg: float = 5.0,
) -> AngleFitResult:
    """Fit Hc2(theta) by Tinkham's 2D formula and by 3D anisotropic GL.

    Both models have three parameters (Hc2_perp, Hc2_par and an angle
    offset theta0, theta measured from the film plane); the verdict goes by
    AIC (chi^2 + 2k with ``sigma``, n ln(RSS/n) + 2k without): the model
    lower by more than 2 wins, otherwise ``"undecided"``. The 2D form has a
    cusp at the plane, the 3D form a rounded maximum, so the decision rests
    on the points within a few degrees of it (PHYSICS sheet §9).

    Parameters
    ----------
    theta_deg : array_like
        Angles (deg) from the film plane (``from_normal=True``: from the
        normal; converted as 90 - theta).
    hc2 : array_like
        mu0 Hc2 at each angle (T).
    sigma : array_like, optional
        One-sigma errors of hc2 (T).
    max_offset_deg : float
        Bound on |theta0|.

    Raises
    ------
    FitError
        Fewer than 5 points or no angles near the plane.
    """
    th = np.array(theta_deg, dtype=float)
    hv = np.array(hc2, dtype=float)
    if th.shape != hv.shape or th.ndim != 1:
        raise FormatError(
            f"angle_fit: theta_deg and hc2 must be 1-D of equal length, got {th.shape}, {hv.shape}"
        )
    if from_normal:
        th = 90.0 - th
    sg = None if sigma is None else np.array(sigma, dtype=float)
    m = np.isfinite(th) & np.isfinite(hv) & (hv > 0)
    if sg is not None:
        m &= np.isfinite(sg) & (sg > 0)
        sg = sg[m]
    th, hv = th[m], hv[m]
    if th.size < 5:
        raise FitError(f"angle_fit needs at least 5 Hc2(theta) points, got {th.size}")
    # fold onto (-90, 90]: Hc2 is even about the plane and periodic in 180 deg
    th = (th + 90.0) % 180.0 - 90.0
    j = int(np.argmax(hv))
    bq0 = float(hv[j])
    bp0 = float(hv[np.argmax(np.abs(np.sin(np.deg2rad(th - th[j]))))])
    bp0 = min(bp0, 0.9 * bq0)
    n = th.size
    fits: dict[str, dict[str, Any]] = {}
    for name, fn in (
        ("tinkham", physics.tinkham_hc2_angle),
        ("gl3d", physics.gl3d_hc2_angle),
    ):

        def model(x, bp, bq, t0, fn=fn):
            return fn(x - t0, bp, bq)

        best = None
        lo = [1e-12, 1e-12, -max_offset_deg]
        hi = [np.inf, np.inf, max_offset_deg]
        for t_start in np.clip(th[j] + np.array([0.0, -0.5, 0.5, -1.5, 1.5]), lo[2], hi[2]):
            out = _fit.curve_fit(
                model,
                th,
                hv,
                [bp0, bq0, t_start],
                sigma=sg,
                absolute_sigma=sg is not None,
                bounds=(lo, hi),
            )
            if not np.all(np.isfinite(out.params)):
                continue
            r = model(th, *out.params) - hv
            chi2 = float(np.sum((r / sg) ** 2)) if sg is not None else float(np.sum(r**2))
            if best is None or chi2 < best[1]:
                best = (out, chi2)
        if best is None:
            raise FitError(f"angle_fit: the {name} fit failed at every start")
        out, chi2 = best
        aic = chi2 + 6 if sg is not None else n * math.log(max(chi2, 1e-300) / n) + 6
        k = _birge(math.sqrt(out.chi2_red), True) if sg is not None else 1.0
        se = out.stderr * k
        label = "Tinkham 2D thin film" if name == "tinkham" else "3D anisotropic GL"
        fits[name] = {
            "hc2_perp_T": Estimate(float(out.params[0]), float(se[0]), "T", label),
            "hc2_par_T": Estimate(float(out.params[1]), float(se[1]), "T", label),
            "theta0_deg": Estimate(float(out.params[2]), float(se[2]), "deg", label),
            "chi2": chi2,
            "aic": aic,
            "success": bool(out.success),
        }
    dA = fits["gl3d"]["aic"] - fits["tinkham"]["aic"]
    verdict = "2D Tinkham" if dA > 2 else ("3D anisotropic GL" if dA < -2 else "undecided")
    return AngleFitResult(fits["tinkham"], fits["gl3d"], float(dA), verdict, int(n))


# ==========================================================================
# The whole analysis
# ==========================================================================
def _zero_field_tc(pts: Sequence[Hc2Point]) -> Estimate | None:
    """Tc of the zero-field curve(s): |B| <= 1e-3 of the family's largest field (setpoint scatter)."""
    z = []
    for orient in ("perp", "par"):
        fam = [p for p in pts if p.orientation == orient and p.swept == "T"]
        if not fam:
            continue
        bmax = max(p.B_T for p in fam)
        z += [p for p in fam if p.B_T <= 1e-3 * bmax and math.isfinite(p.T_K)]
    if not z:
        return None
    t = np.array([p.T_K for p in z])
    s = np.array([p.T_stderr_K for p in z])
    if np.all(np.isfinite(s) & (s > 0)):
        w = 1 / s**2
        # the zero-field curves of the perp and par families are the same
        # sample, criterion, R_N definition and crossing estimator: their
        # systematics are common, so the mean is no better than the best curve
        se = max(float(1 / math.sqrt(w.sum())), float(s.min()))
        if t.size > 1:  # and not better than their scatter says
            se = max(se, float(t.std(ddof=1) / math.sqrt(t.size)))
        return Estimate(float((w * t).sum() / w.sum()), se, "K")
    return Estimate(
        float(t.mean()), float(t.std(ddof=1) / math.sqrt(t.size)) if t.size > 1 else _NAN, "K"
    )


def _ratio(a: Estimate, b: Estimate, cov: float = 0.0, unit: str = "", how: str = "") -> Estimate:
    if not (a.ok and b.ok) or b.value == 0:
        why = a.flag or b.flag or "missing input"
        return Estimate.missing(unit, why, how)
    r = a.value / b.value
    var = (a.stderr / a.value) ** 2 + (b.stderr / b.value) ** 2 - 2 * cov / (a.value * b.value)
    return Estimate(r, abs(r) * math.sqrt(max(var, 0.0)), unit, how)


def hc2_analysis(
    perp: Sequence[Curve] | Hc2Points | None = None,
    par: Sequence[Curve] | Hc2Points | None = None,
    angle: Sequence[Curve] | tuple[ArrayLike, ArrayLike] | None = None,
    *,
    criterion: float = 0.5,
    normal_at: float | None = None,
    r_normal: float | None = None,
    reference: str = "each",
    tc_shared: bool = False,
    tc_pauli: float | None = None,
    gap_ratio: float = physics.BCS_GAP_RATIO,
    g: float = 2.0,
    xi_gl_nm: float | None = None,
    klb: bool = True,
    field_offset_T: float | str | None = "auto",
) -> Hc2Result:
    """The field analysis of one sample: Hc2 points, GL, WHH, Pauli, KLB, angle.

    Parameters
    ----------
    perp, par : sequence of Curve or Hc2Points, optional
        Field families for out-of-plane and in-plane fields: R(T) at fixed
        B (``fixed["B_T"]``) or R(B) at fixed T (``x_name == "B_T"``,
        ``fixed["T_K"]``), or points already extracted. At least one.
    angle : optional
        R(B) sweeps at fixed angles (``fixed["theta_deg"]``) or a tuple
        ``(theta_deg, hc2_T)``.
    criterion, normal_at, r_normal, reference
        See :func:`hc2_points_from_rt`.
    tc_shared : bool
        One Tc for both GL lines (:func:`gl_joint_fit`); default: each line
        its own Tc (both reported).
    tc_pauli : float, optional
        Tc (K) for the Pauli limit; default the zero-field Tc at the same
        criterion (the B = 0 curve), else the perpendicular GL Tc. The
        reference study used 0.15 K.
    gap_ratio, g : float
        Delta0/(k_B Tc) (BCS 1.764) and the g factor of the Pauli limit.
    xi_gl_nm : float, optional
        xi_GL (nm) for d_SC when only in-plane data are given.
    klb : bool
        Fit tau_so (KLB) when Hc2_par(0) exceeds the Pauli limit.
    field_offset_T : "auto", float or None
        The magnet's remanent field (T): see :func:`hc2_points_from_rb`
        ("auto": from each R(B) sweep's symmetry) and
        :func:`hc2_points_from_rt` (a number only).
    """
    if perp is None and par is None:
        raise DataError(
            "hc2 needs an out-of-plane (perp) and/or an in-plane (par) field family; got neither"
        )
    f = _check_criterion(criterion)
    notes: list[str] = []
    kw = {
        "criterion": f,
        "normal_at": normal_at,
        "r_normal": r_normal,
        "reference": reference,
        "field_offset_T": field_offset_T,
    }
    pp = hc2_points(perp, orientation="perp", **kw) if perp is not None else None
    pq = hc2_points(par, orientation="par", **kw) if par is not None else None
    if pp is not None:
        pp = _relabel(pp, "perp")
    if pq is not None:
        pq = _relabel(pq, "par")

    def miss(unit: str, why: str) -> Estimate:
        return Estimate.missing(unit, why)

    no_par = "no in-plane (par) field data"
    no_perp = "no out-of-plane (perp) field data"
    gp = gq = None
    if pp is not None and pq is not None and tc_shared:
        gp, gq = gl_joint_fit(pp, pq)
    else:
        if pp is not None:
            gp = gl_perp_fit(pp)
        if pq is not None:
            xi = None
            if gp is not None:
                xi = gp.xi_gl_nm
            elif xi_gl_nm is not None:
                xi = Estimate(float(xi_gl_nm), _NAN, "nm", "given")
            gq = gl_par_fit(pq, xi_gl=xi)
    if tc_shared and (pp is None or pq is None):
        notes.append("tc_shared ignored: needs both orientations")
    tc_mode = "shared" if (tc_shared and gp is not None and gq is not None) else "free"

    # Pauli limit
    all_pts = list(pp or ()) + list(pq or ())
    if tc_pauli is not None:
        tc_p, src = Estimate(float(tc_pauli), _NAN, "K"), "given"
    else:
        z = _zero_field_tc(all_pts)
        if z is not None:
            # state the criterion AND the normal-state reference (e.g. 50% of
            # R(T = 0.4 K)): Tc, and so H_P, depends on both
            zref = (pp or pq).normal_reference or "R_N"
            tc_p, src = z, f"zero-field Tc at {_fmt_f(f)} of {zref}"
        elif gp is not None:
            tc_p, src = gp.tc_K, "perpendicular GL Tc (no zero-field curve)"
        else:
            tc_p, src = gq.tc_K, "in-plane GL Tc (no zero-field curve)"
    hp = pauli_estimate(tc_p, gap_ratio=gap_ratio, g=g, tc_source=src)

    if gp is not None and gq is not None:
        cov = gq._cov_b0_perp
        aniso = _ratio(gq.hc2_par_0_T, gp.hc2_perp_0_T, cov, "", "Hc2_par(0)/Hc2_perp(0) (GL)")
        xod = aniso.scaled(1 / math.sqrt(12), "") if aniso.ok else aniso
        if aniso.ok:
            xod = dataclasses.replace(xod, method="xi_GL/d_SC = anisotropy/sqrt(12) (GL)")
    else:
        aniso = miss("", no_par if gq is None else no_perp)
        xod = miss("", no_par if gq is None else no_perp)
    ratio_p = (
        _ratio(gq.hc2_par_0_T, hp, 0.0, "", "Hc2_par(0)/H_P")
        if gq is not None
        else miss("", no_par)
    )

    klb_res = None
    tau = miss("s", no_par) if gq is None else miss("s", "")
    if gq is not None:
        if not klb:
            tau = miss("s", "KLB fit not requested")
        elif not (ratio_p.ok and ratio_p.value > 1):
            tau = miss("s", "Hc2_par(0) does not exceed the Pauli limit; KLB fit not run")
        else:
            try:
                klb_res = klb_fit(pq)
                tau = klb_res.tau_so_s
            except (FitError, DataError) as exc:
                tau = miss("s", f"KLB fit failed: {exc}")

    ang = None
    if angle is not None:
        ang = _angle_from(angle, f, notes)

    if gp is not None:
        if gp.tc_K.ok and gq is not None and gq.tc_K.ok and tc_mode == "free":
            dt = gq.tc_K.value - gp.tc_K.value
            se = math.hypot(gq.tc_K.stderr, gp.tc_K.stderr)
            if math.isfinite(se) and se > 0 and abs(dt) > 3 * se:
                notes.append(
                    f"the GL lines extrapolate to different Tc (perp {gp.tc_K.value:.4g} K, "
                    f"par {gq.tc_K.value:.4g} K: {abs(dt) / se:.1f} sigma); "
                    "GL self-check fails or Tc criteria differ"
                )
    for fam in (pp, pq):
        if fam is not None:
            notes.extend(fam.notes)
    dropped = tuple((pp.dropped if pp else ()) + (pq.dropped if pq else ()))
    for d in dropped:
        where = ", ".join(
            f"{k} = {v:.4g}" for k, v in d.items() if k not in ("orientation", "reason")
        )
        notes.append(f"dropped {d.get('orientation', '')} curve at {where}: {d['reason']}")
    ref = (pp or pq).normal_reference
    return Hc2Result(
        hc2_perp_0_T=gp.hc2_perp_0_T if gp else miss("T", no_perp),
        xi_gl_nm=gp.xi_gl_nm if gp else miss("nm", no_perp),
        hc2_par_0_T=gq.hc2_par_0_T if gq else miss("T", no_par),
        d_sc_nm=gq.d_sc_nm if gq else miss("nm", no_par),
        anisotropy=aniso,
        xi_over_d=xod,
        pauli_limit_T=hp,
        hc2_par_over_pauli=ratio_p,
        whh_hc2_0_T=gp.whh_hc2_0_T if gp else miss("T", no_perp),
        diffusion_m2_per_s=gp.diffusion_m2_per_s if gp else miss("m^2/s", no_perp),
        dhc2_perp_dt_T_per_K=gp.dhc2_dt_T_per_K if gp else miss("T/K", no_perp),
        tc_perp_K=gp.tc_K if gp else miss("K", no_perp),
        tc_par_K=gq.tc_K if gq else miss("K", no_par),
        tau_so_s=tau,
        points=tuple(all_pts),
        dropped=dropped,
        criterion=f,
        normal_reference=ref,
        tc_mode=tc_mode,
        angle=ang,
        klb=klb_res,
        notes=tuple(notes),
    )


def _relabel(p: Hc2Points, orientation: str) -> Hc2Points:
    if all(q.orientation == orientation for q in p.points):
        return p
    pts = tuple(dataclasses.replace(q, orientation=orientation) for q in p.points)
    dr = tuple({**d, "orientation": orientation} for d in p.dropped)
    return dataclasses.replace(p, points=pts, dropped=dr)


def _angle_from(angle: Any, f: float, notes: list[str]) -> AngleFitResult:
    if isinstance(angle, tuple) and len(angle) == 2 and not isinstance(angle[0], Curve):
        return angle_fit(angle[0], angle[1])
    pts = hc2_points_from_rb(list(angle), criterion=f, orientation="angle", fixed_name="theta_deg")
    for d in pts.dropped:
        notes.append(f"dropped angle sweep at theta = {d.get('theta_deg')}: {d['reason']}")
    th = np.array([p.theta_deg for p in pts], float)
    hv = np.array([p.B_T for p in pts], float)
    se = np.array([p.B_stderr_T for p in pts], float)
    sig = se if np.all(np.isfinite(se) & (se > 0)) else None
    return angle_fit(th, hv, sig)
