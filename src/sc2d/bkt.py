"""BKT analyses: critical currents, V ~ I^alpha, T_BKT; Halperin-Nelson, AL.

Two independent routes to the Berezinskii-Kosterlitz-Thouless temperature of
a 2D superconductor (PHYSICS sheet §5-§8):

- **I-V** (:func:`critical_current`, :func:`power_law`, :func:`iv_family`):
  below T_BKT the I-V curves follow V ~ I^alpha with
  alpha = 1 + pi J_s/(k_B T) (Ambegaokar, Halperin, Nelson, Siggia, PRB 21,
  1806 (1980)); the Nelson-Kosterlitz universal jump (PRL 39, 1201 (1977))
  puts T_BKT where alpha(T) = 3.
- **R(T)** (:func:`halperin_nelson_fit`, :func:`hn_linearization`,
  :func:`al_fit`, :func:`bkt_rt`): above T_BKT,
  R = R0 exp[-b (T/T_BKT - 1)^(-1/2)] (Halperin & Nelson, JLTP 36, 599
  (1979)), whose [d ln R/dT]^(-2/3) is a straight line crossing zero at T_BKT;
  far above, 2D Aslamazov-Larkin fluctuations (Phys. Lett. 26A, 238 (1968))
  with the fixed amplitude e^2/(16 hbar) give the mean-field T_c0.

Every number is an :class:`~sc2d.data.Estimate` that states its criterion and
window; a curve without a usable power-law range is flagged, not fitted.
R(T) readings that are bridge glitches (a factor >= 2 off their neighbours
within a sweep) are dropped, and cooling / warming sweeps are pooled after
removing their thermal lag (:func:`merge_sweeps`, used by :func:`bkt_rt`).
Inputs are never modified. All fits go through :mod:`sc2d._fit`.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _fit, physics
from ._robust import MAD_TO_SIGMA
from .data import Curve, Estimate, Result
from .errors import DataError, FormatError

__all__ = [
    "ALResult",
    "BKTResult",
    "CriticalCurrentResult",
    "HNResult",
    "IVCurveResult",
    "IVFamilyResult",
    "LinearizedResult",
    "PowerLawResult",
    "al_fit",
    "alpha_crossing",
    "bkt_rt",
    "critical_current",
    "halperin_nelson_fit",
    "hn_linearization",
    "iv_family",
    "merge_sweeps",
    "power_law",
]

_CRITERIA = ("voltage", "resistance", "dvdi")
#: fraction of the lowest-|I| points used for the offset and the noise floor
_PLATEAU_FRACTION = 0.3
#: slopes of ln V vs ln I below this are not a power law of a superconductor
_ALPHA_MIN = 0.8


# ==========================================================================
# I-V: input checks, branches, offset, noise
# ==========================================================================
def _as_xy(x: ArrayLike, y: ArrayLike, xname: str, yname: str) -> tuple[np.ndarray, np.ndarray]:
    """Finite float copies of two equal-length 1-D arrays (never views)."""
    xa = np.array(x, dtype=float, copy=True).ravel()
    ya = np.array(y, dtype=float, copy=True).ravel()
    if xa.shape != ya.shape:
        raise FormatError(
            f"{xname} and {yname} must have the same length, got {xa.size} and {ya.size}"
        )
    m = np.isfinite(xa) & np.isfinite(ya)
    return xa[m], ya[m]


@dataclass(frozen=True)
class _Branch:
    """One monotone run of |I| at one polarity (internal)."""

    sign: int  # +1 / -1
    increasing: bool  # |I| increasing (switching) or decreasing (retrapping)
    a: np.ndarray  # |I| sorted ascending
    v: np.ndarray  # sign * V (offset not removed), same order


def _split_branches(i: np.ndarray, v: np.ndarray) -> list[_Branch]:
    """Split a sweep into runs of constant sign(I) and constant sign(d|I|).

    0 -> +Imax -> 0 -> -Imax -> 0 gives four runs: (+, up), (+, down),
    (-, up), (-, down). Zero-current points join the run that follows them;
    runs shorter than 3 points are absorbed by the run before them.
    """
    n = i.size
    a = np.abs(i)
    if n < 2:
        return []
    d = np.sign(np.diff(a))
    dirn = np.empty(n)
    dirn[1:] = d
    dirn[0] = d[0]
    # flat steps inherit the previous direction (forward fill, then backward)
    idx = np.where(dirn != 0, np.arange(n), -1)
    idx = np.maximum.accumulate(idx)
    first = np.flatnonzero(dirn != 0)
    if first.size == 0:
        dirn[:] = 1.0
    else:
        idx[idx < 0] = first[0]
        dirn = dirn[idx]
    s = np.sign(i)
    nz = np.flatnonzero(s != 0)
    if nz.size == 0:
        return []
    # zeros take the sign of the next non-zero point (or the previous at the end)
    nxt = np.searchsorted(nz, np.arange(n))
    nxt = np.minimum(nxt, nz.size - 1)
    s = np.where(s == 0, s[nz[nxt]], s)
    key = (s * 2 + dirn).astype(int)
    cuts = np.flatnonzero(np.diff(key)) + 1
    bounds = np.concatenate([[0], cuts, [n]])
    runs: list[list[int]] = []  # [start, stop, key]
    for lo, hi in itertools.pairwise(bounds):
        k = int(key[lo])
        if runs and (hi - lo < 3 or runs[-1][2] == k):
            runs[-1][1] = int(hi)
            continue
        runs.append([int(lo), int(hi), k])
    out = []
    for lo, hi, k in runs:
        sl = slice(lo, hi)
        sign = 1 if k > 0 else -1
        inc = k in (3, -1)  # s=+1,d=+1 -> 3; s=-1,d=+1 -> -1
        # keep only the points of the run's own polarity (a stray point of
        # the other sign would poison the threshold scan)
        m = np.sign(i[sl]) != -sign
        aa, vv = a[sl][m], (sign * v[sl])[m]
        o = np.argsort(aa, kind="stable")
        out.append(_Branch(sign, inc, aa[o], vv[o]))
    return out


def _chord_residuals(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Residual of each inner point from the chord of its neighbours.

    Exact zero for a straight line on any (non-uniform) grid. Returns the
    residuals and the variance factor 1 + a^2 + (1-a)^2 that multiplies the
    per-point noise variance.
    """
    if x.size < 3:
        return np.empty(0), np.empty(0)
    dx = x[2:] - x[:-2]
    ok = dx > 0
    a = np.where(ok, (x[2:] - x[1:-1]) / np.where(ok, dx, 1.0), 0.5)
    r = y[1:-1] - (a * y[:-2] + (1 - a) * y[2:])
    c = 1 + a**2 + (1 - a) ** 2
    return r[ok], c[ok]


def _offset_and_noise(branches: list[_Branch], amax: float) -> tuple[float, float]:
    """Voltage offset and noise sigma_V from the low-current points.

    Offset: the median V at zero current where the sweep passes through
    I = 0 (|I| <= 1e-4 I_max), otherwise the intercept of a straight line
    V(I) through the lowest 10% of |I|. sigma_V: 1.4826 MAD of the chord
    residuals (exact zero for a plateau or an ohmic foot on any grid) over
    the lowest 30% of |I|, then, three times, only over the points within
    20 sigma_V of the offset, so that the curvature of a steep power law at
    low current does not pass for noise.
    """
    if not branches:
        return 0.0, math.nan
    allv = np.concatenate([b.a for b in branches])
    lim = float(np.quantile(allv, _PLATEAU_FRACTION))
    i = np.concatenate([b.sign * b.a for b in branches])
    v = np.concatenate([b.sign * b.v for b in branches])
    zero = np.abs(i) <= 1e-4 * amax
    if zero.any():
        offset = float(np.median(v[zero]))
    else:
        lo = np.abs(i) <= np.quantile(np.abs(i), _PLATEAU_FRACTION / 3)
        if lo.sum() < 5:
            lo = np.abs(i) <= lim
        offset = (
            _fit.line_fit(i[lo], v[lo]).intercept
            if lo.sum() >= 3 and np.ptp(i[lo]) > 0
            else float(np.median(v[lo]))
        )

    def sigma(keep_v: float) -> float:
        rr = []
        for b in branches:
            m = b.a <= lim
            if math.isfinite(keep_v):
                m &= np.abs(b.sign * b.v - offset) <= keep_v
            r, c = _chord_residuals(b.a[m], b.v[m])
            rr.append(r / np.sqrt(c) if r.size else r)
        z = np.concatenate(rr)
        return float(MAD_TO_SIGMA * np.median(np.abs(z))) if z.size >= 4 else math.nan

    noise = sigma(math.inf)
    for _ in range(3):
        if not (noise > 0):
            break
        new = sigma(20 * noise)
        if not (new > 0) or new >= noise:
            break
        noise = new
    return float(offset), noise


@dataclass(frozen=True)
class _Prepared:
    """A curve split in branches, with offset and noise (internal)."""

    branches: list[_Branch]
    offset: float
    noise: float
    amax: float
    inverted: bool = False

    @functools.cached_property
    def r_normal(self) -> float:
        """:func:`_r_normal_of`, computed once (several criteria ask for it)."""
        return _r_normal_of(self)


def _prepare(i: ArrayLike, v: ArrayLike, noise: float | None) -> _Prepared:
    ia, va = _as_xy(i, v, "I", "V")
    if ia.size < 5:
        raise DataError(f"an I-V curve needs at least 5 finite points, got {ia.size}")
    if not np.any(ia != 0):
        raise DataError("the I-V curve has no non-zero current; check the I column")
    br = _split_branches(ia, va)
    amax = float(np.max(np.abs(ia)))
    off, sig = _offset_and_noise(br, amax)
    if noise is not None:
        if not (noise > 0 and math.isfinite(noise)):
            raise FormatError(f"noise must be a positive voltage in V, got {noise}")
        sig = float(noise)
    if not (sig > 0):  # a noiseless synthetic curve: take the float resolution
        vmax = max(float(np.max(np.abs(va))), 1e-300)
        sig = vmax * 1e-12
    br = [_Branch(b.sign, b.increasing, b.a, b.v - b.sign * off) for b in br]
    # inverted voltage leads: sign(I) V < 0 at the largest currents
    top = [b.v[b.a >= 0.8 * amax] for b in br if b.a.size]
    vt = np.concatenate(top) if top else np.empty(0)
    inverted = bool(vt.size and np.median(vt) < -5 * sig)
    if inverted:
        br = [_Branch(b.sign, b.increasing, b.a, -b.v) for b in br]
        off = -off
    return _Prepared(br, off, sig, amax, inverted)


# ==========================================================================
# Critical current
# ==========================================================================
def _crossing(a: np.ndarray, g: np.ndarray, noise: float, level: float) -> tuple[float, float, str]:
    """First |I| where g = V - threshold crosses 0 upwards (two points in a row).

    A smooth rise is interpolated linearly between the bracketing points
    (stderr: the noise through the local slope). A switching jump (V rises
    by more than 3x the threshold ``level`` in one step: the film went
    normal between two currents) is placed at the middle of the step, with
    stderr step/sqrt(12). Returns (value, stderr, flag).
    """
    above = g > 0
    both = above.copy()
    both[:-1] &= above[1:]
    k = np.flatnonzero(both)
    if k.size == 0:
        return math.nan, math.nan, "never crossed up to the largest |I|"
    k0 = int(k[0])
    if k0 == 0 or not np.any(a[:k0] > 0):
        return math.nan, math.nan, "already crossed at the smallest |I| (no zero-voltage plateau)"
    a0, a1, g0, g1 = a[k0 - 1], a[k0], g[k0 - 1], g[k0]
    dg = g1 - g0
    step = a1 - a0
    if dg > 3 * abs(level) + 10 * noise:  # a switching jump
        return float(0.5 * (a0 + a1)), float(step / math.sqrt(12)), ""
    val = a0 + (0.0 - g0) * step / dg if dg > 0 else a1
    se = noise * step / dg if dg > 0 else step / math.sqrt(12)
    return float(val), float(se), ""


def _dvdi_peak(a: np.ndarray, v: np.ndarray) -> tuple[float, float, str]:
    """|I| at the maximum of dV/dI (uniform resampling + Savitzky-Golay)."""
    from scipy.signal import savgol_filter

    if a.size < 7 or np.ptp(a) <= 0:
        return math.nan, math.nan, "too few points for a dV/dI derivative (need 7)"
    n = max(a.size, 32)
    grid = np.linspace(a[0], a[-1], n)
    au, iu = np.unique(a, return_index=True)
    vg = np.interp(grid, au, v[iu])
    win = max(5, (n // 15) | 1)
    h = grid[1] - grid[0]
    d = savgol_filter(vg, win, 2, deriv=1, delta=h)
    k = int(np.argmax(d[win // 2 : n - win // 2])) + win // 2
    val = grid[k]
    if 0 < k < n - 1:
        y0, y1, y2 = d[k - 1], d[k], d[k + 1]
        den = y0 - 2 * y1 + y2
        if den < 0:
            val = grid[k] + 0.5 * h * (y0 - y2) / den
    return float(val), float(max(h, np.median(np.diff(au))) / math.sqrt(12)), ""


@dataclass(frozen=True)
class CriticalCurrentResult(Result):
    """Switching and retrapping currents of one I-V curve.

    Attributes
    ----------
    ic_A : Estimate
        Switching current: mean of |I_c+| and |I_c-| where both polarities
        were swept up in |I|, otherwise the one that was (A).
    ic_pos_A, ic_neg_A : Estimate
        Switching current on increasing |I| at each polarity (A, both > 0).
    ir_A : Estimate
        Retrapping current on decreasing |I| (mean over polarities, A);
        missing when no decreasing branch was swept.
    hysteretic : bool
        True when I_r is below I_c by more than 3 sigma and 5%.
    diode_efficiency : Estimate
        eta = (I_c+ - |I_c-|)/(I_c+ + |I_c-|) (dimensionless).
    criterion : str
    v_threshold_V, offset_V, noise_V, r_normal_ohm : float
        Threshold used, offset removed, noise estimated from the plateau,
        normal resistance used by the resistance criterion.
    polarity_inverted : bool
        True when the file's voltage leads were swapped (V < 0 for I > 0 at
        the largest currents); -V was analysed.
    """

    ic_A: Estimate
    ic_pos_A: Estimate
    ic_neg_A: Estimate
    ir_A: Estimate
    hysteretic: bool
    diode_efficiency: Estimate
    criterion: str
    v_threshold_V: float
    offset_V: float
    noise_V: float
    r_normal_ohm: float
    polarity_inverted: bool = False


def _mean_estimates(ests: list[Estimate], unit: str, method: str) -> Estimate:
    ok = [e for e in ests if math.isfinite(e.value)]
    if not ok:
        flags = "; ".join(sorted({e.flag for e in ests if e.flag})) or "no branch"
        return Estimate.missing(unit, flags, method)
    vals = np.array([e.value for e in ok])
    ses = np.array([e.stderr for e in ok])
    val = float(vals.mean())
    se = float(np.sqrt(np.nansum(ses**2)) / len(ok))
    if len(ok) > 1:  # the polarity / repeat spread is part of the error
        se = math.hypot(se, float(np.std(vals, ddof=1)) / math.sqrt(len(ok)))
    return Estimate(val, se, unit, method)


def _median_small(x: list[float]) -> float:
    """``np.median`` of 1-3 numbers (exact, NaN included), without numpy's per-call cost."""
    if len(x) == 1:
        return x[0]
    if any(math.isnan(t) for t in x):
        return math.nan
    if len(x) == 2:
        return (x[0] + x[1]) / 2
    return sorted(x)[1]


def _r_normal_of(p: _Prepared) -> float:
    """V/I at the largest currents (median of the top 3 points of each polarity)."""
    vals = []
    for b in p.branches:
        k = min(3, b.a.size)
        top = b.a[-k:] > 0
        if top.any():
            vals.append(_median_small((b.v[-k:][top] / b.a[-k:][top]).tolist()))
    return float(np.max(vals)) if vals else math.nan


def _ic_from_prepared(
    p: _Prepared,
    criterion: str,
    v_threshold: float | None,
    r_fraction: float,
    r_normal: float | None,
) -> CriticalCurrentResult:
    if criterion not in _CRITERIA:
        raise FormatError(f"criterion must be one of {', '.join(_CRITERIA)}, got {criterion!r}")
    if v_threshold is not None and not (v_threshold > 0 and math.isfinite(v_threshold)):
        raise FormatError(f"v_threshold must be a positive voltage in V, got {v_threshold}")
    if not (0 < r_fraction < 1):
        raise FormatError(f"r_fraction must lie in (0, 1), got {r_fraction}")
    vth = float(v_threshold) if v_threshold is not None else 5.0 * p.noise
    rn = float(r_normal) if r_normal is not None else p.r_normal
    if criterion == "voltage":
        method = f"|V| > V_th = {vth:.3g} V" + (
            "" if v_threshold is not None else f" (5 sigma_V, sigma_V = {p.noise:.2g} V)"
        )
    elif criterion == "resistance":
        method = f"V/I > {r_fraction:g} R_N (R_N = {rn:.4g} Ohm)"
    else:
        method = "peak of dV/dI (Savitzky-Golay on a uniform grid)"
    if p.inverted:
        method += "; voltage leads inverted in the file (V < 0 for I > 0): -V used"

    def one(b: _Branch) -> Estimate:
        if criterion == "dvdi":
            val, se, flag = _dvdi_peak(b.a, b.v)
        elif criterion == "resistance":
            if not (rn > 0):
                return Estimate.missing("A", "normal resistance unknown", method)
            val, se, flag = _crossing(
                b.a, b.v - r_fraction * rn * b.a, p.noise, r_fraction * rn * float(b.a[-1])
            )
        else:
            val, se, flag = _crossing(b.a, b.v - vth, p.noise, vth)
        if flag:
            return Estimate.missing("A", flag, method)
        return Estimate(val, se, "A", method)

    res: dict[tuple[int, bool], list[Estimate]] = {}
    for b in p.branches:
        res.setdefault((b.sign, b.increasing), []).append(one(b))
    pos = _mean_estimates(res.get((1, True), []), "A", method + ", I > 0, |I| increasing")
    neg = _mean_estimates(res.get((-1, True), []), "A", method + ", I < 0, |I| increasing")
    ic = _mean_estimates(
        res.get((1, True), []) + res.get((-1, True), []), "A", method + ", |I| increasing"
    )
    ir = _mean_estimates(
        res.get((1, False), []) + res.get((-1, False), []), "A", method + ", |I| decreasing"
    )
    if not (res.get((1, False)) or res.get((-1, False))):
        ir = Estimate.missing("A", "no decreasing-|I| branch swept", method)
    hyst = False
    if math.isfinite(ic.value) and math.isfinite(ir.value):
        d = ic.value - ir.value
        s = math.hypot(ic.stderr, ir.stderr) if math.isfinite(ic.stderr) else 0.0
        hyst = bool(d > 3 * s and d > 0.05 * ic.value)
    if math.isfinite(pos.value) and math.isfinite(neg.value):
        tot = pos.value + neg.value
        eta = (pos.value - neg.value) / tot
        se = 2 * math.hypot(neg.value * pos.stderr, pos.value * neg.stderr) / tot**2
        diode = Estimate(eta, se, "", "(Ic+ - |Ic-|)/(Ic+ + |Ic-|)")
    else:
        diode = Estimate.missing("", "needs both current polarities", "")
    return CriticalCurrentResult(
        ic, pos, neg, ir, hyst, diode, criterion, vth, p.offset, p.noise, rn, p.inverted
    )


def critical_current(
    current: ArrayLike,
    voltage: ArrayLike,
    *,
    criterion: str = "voltage",
    v_threshold: float | None = None,
    r_fraction: float = 0.01,
    r_normal: float | None = None,
    noise: float | None = None,
) -> CriticalCurrentResult:
    """Switching and retrapping currents of one I-V sweep (PHYSICS §5).

    The sweep (any order: 0 -> +Imax -> 0 -> -Imax -> 0, -Imax -> +Imax,
    one polarity, decreasing only...) is split by sign(I) and sign(d|I|):
    increasing |I| gives the switching current I_c+-, decreasing |I| the
    retrapping current I_r. The offset is removed with the zero-voltage
    plateau and sigma_V is estimated there.

    Parameters
    ----------
    current, voltage : array_like
        I (A) and V (V) in recorded order.
    criterion : {"voltage", "resistance", "dvdi"}
        ``"voltage"``: first |I| with |V| > V_th (two points in a row);
        ``"resistance"``: first |I| with V/I > r_fraction * R_N;
        ``"dvdi"``: the peak of dV/dI.
    v_threshold : float, optional
        V_th (V); default 5 sigma_V.
    r_fraction : float
        f of the resistance criterion (default 1%).
    r_normal : float, optional
        R_N (Ohm); default V/I at the largest |I|.
    noise : float, optional
        sigma_V (V) when known; default estimated from the plateau.

    Returns
    -------
    CriticalCurrentResult
    """
    p = _prepare(current, voltage, noise)
    return _ic_from_prepared(p, criterion, v_threshold, r_fraction, r_normal)


# ==========================================================================
# Power law V ~ I^alpha
# ==========================================================================
@dataclass(frozen=True)
class PowerLawResult(Result):
    """V ~ I^alpha fitted on log-log over a stated current window.

    Attributes
    ----------
    alpha : Estimate
        The exponent (slope of ln V vs ln I); flagged missing when the curve
        has no usable power-law range.
    window_A : tuple of float or None
        The current window of the fit (A).
    n_points : int
    prefactor_V : float
        V at the window's geometric-mean current, from the fit (V).
    noise_V : float
        sigma of the analysed voltage (V).
    r_normal_ohm : float
        R_N used for the upper window limit (Ohm).
    window_method : str
        How the window was found (automatic criteria or "user").
    straight : bool
        True when the window is straight within the noise (chi^2 test).
    """

    alpha: Estimate
    window_A: tuple[float, float] | None
    n_points: int
    prefactor_V: float
    noise_V: float
    r_normal_ohm: float
    window_method: str
    straight: bool
    _current_A: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _voltage_V: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _in_window: np.ndarray = field(default_factory=lambda: np.empty(0, bool), repr=False)


@dataclass(frozen=True)
class _PLData:
    """Positive (|I|, V) of a curve ready for log-log (internal)."""

    a: np.ndarray
    v: np.ndarray
    noise: float
    odd: bool
    legs: str = ""  # which legs were used, for the method text


def _legs_agree(p: _Prepared) -> tuple[bool, str]:
    """Whether the increasing- and decreasing-|I| legs are one curve (no hysteresis).

    Compares I_c (increasing |I|) with I_r (decreasing |I|) at two levels: the
    onset (voltage criterion, 5 sigma_V) and the switching to the normal
    state (V/I > 0.5 R_N). The legs agree when, at both, |I_c - I_r| <= 3
    combined stderr, or neither leg crosses (an ohmic curve, or one that
    never switches). A hysteretic film agrees at the onset (the power law
    is the same on both legs) but not at the switching: the falling leg
    stays normal down to I_r. Returns (agree, reason).
    """
    incs = {b.increasing for b in p.branches}
    if incs != {True, False}:
        return False, "only one sweep direction"
    sig = []
    for crit, frac, what in (("voltage", 0.01, "onset"), ("resistance", 0.5, "switching")):
        ic = _ic_from_prepared(p, crit, None, frac, None)
        c, r = ic.ic_A, ic.ir_A
        fc, fr = math.isfinite(c.value), math.isfinite(r.value)
        if not fc and not fr:
            continue
        if fc != fr:
            return False, f"hysteretic ({what}: I_c or I_r missing on one leg)"
        se = math.hypot(c.stderr, r.stderr)
        if not (math.isfinite(se) and abs(c.value - r.value) <= 3 * se):
            return False, f"hysteretic ({what}: I_c and I_r differ by > 3 sigma)"
        sig.append(abs(c.value - r.value) / se if se > 0 else 0.0)
    if not sig:
        return True, "no threshold crossing on either leg"
    return True, f"I_c, I_r agree within {max(sig):.1f} sigma at onset and switching"


def _pl_data(p: _Prepared) -> _PLData:
    """|I|, V for the power law: the odd part where both polarities exist.

    Without hysteresis (:func:`_legs_agree`: I_c and I_r agree within their
    errors) the increasing- and decreasing-|I| legs are the same V(I) and
    are pooled per polarity, sorted by current (ties by voltage), so the
    answer does not depend on which leg the recording order makes "rising"
    (a reversed sweep gives the same numbers). With hysteresis only the
    increasing-|I| legs are used (the decreasing ones when no increasing one
    was swept): the decreasing leg stays normal down to I_r. Repeats are
    pooled. V_odd(I) = [V(I) - V(-I)]/2 on the positive currents inside the
    common range, V(-I) interpolated in ln I (duplicate currents averaged).
    """
    pool, why = _legs_agree(p)
    legs = (
        f"increasing and decreasing |I| pooled ({why})"
        if pool
        else f"increasing |I| only ({why})"
        if any(b.increasing for b in p.branches)
        else "decreasing |I| only (no increasing leg swept)"
    )
    pol: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for sign in (1, -1):
        bs = [b for b in p.branches if b.sign == sign and (pool or b.increasing)]
        if not bs:
            bs = [b for b in p.branches if b.sign == sign]
        if not bs:
            continue
        a = np.concatenate([b.a for b in bs])
        v = np.concatenate([b.v for b in bs])
        o = np.lexsort((v, a))  # by current, ties by voltage: independent of leg order
        a, v = a[o], v[o]
        m = a > 0
        pol[sign] = (a[m], v[m])
    if 1 in pol and -1 in pol:
        ap, vp = pol[1]
        an, vn = pol[-1]
        lo, hi = (max(ap[0], an[0]), min(ap[-1], an[-1])) if ap.size and an.size else (0.0, 0.0)
        if hi > lo:
            m = (ap >= lo * (1 - 1e-9)) & (ap <= hi * (1 + 1e-9))
            au, inv = np.unique(an, return_inverse=True)
            vu = np.bincount(inv, weights=vn, minlength=au.size) / np.bincount(
                inv, minlength=au.size
            )
            vni = np.interp(np.log(ap[m]), np.log(au), vu)
            return _PLData(ap[m], 0.5 * (vp[m] + vni), p.noise / math.sqrt(2), True, legs)
    sign = 1 if 1 in pol else -1
    if sign not in pol:
        return _PLData(np.empty(0), np.empty(0), p.noise, False, legs)
    a, v = pol[sign]
    return _PLData(a, v, p.noise, False, legs)


@dataclass(frozen=True)
class _Window:
    mask: np.ndarray  # over _PLData points
    method: str
    straight: bool
    flag: str


def _auto_window(
    d: _PLData, rn: float, snr: float, rn_fraction: float, min_decades: float, n_min: int
) -> _Window:
    """The widest window where ln V vs ln I is straight within the noise.

    Candidates: V > snr * sigma_V and V/I < rn_fraction * R_N. Every
    contiguous window at least ``min_decades`` wide with ``n_min`` points is
    scored by the reduced chi^2 of a weighted straight line (sigma_lnV^2 =
    (sigma_V/V)^2 + eps^2, eps the relative noise seen in the data, >= 1e-3);
    the widest window with chi^2_red within 3 sigma of 1 wins, otherwise the
    least curved one of minimal width.
    """
    method = (
        f"auto: V > {snr:g} sigma_V, V/I < {rn_fraction:g} R_N, "
        f"widest straight window >= {min_decades:g} decade"
    )
    n = d.a.size
    none = np.zeros(n, bool)
    if n == 0:
        return _Window(none, method, False, "no positive-current data")
    # the floor is applied to a 5-point running median: cutting on the noisy
    # points themselves keeps only upward fluctuations near the floor and
    # biases alpha low
    cand = _running_median(d.v, 5) > snr * d.noise
    if not cand.any():
        return _Window(none, method, False, f"V never exceeds {snr:g} sigma_V (noise only)")
    if rn > 0:
        cand &= d.v / d.a < rn_fraction * rn
    idx = np.flatnonzero(cand)
    if idx.size < n_min:
        why = (
            f"only {idx.size} points between the noise floor and {rn_fraction:g} R_N "
            f"(ohmic or no power-law range); need {n_min}"
        )
        return _Window(none, method, False, why)
    # contiguous candidate runs: take the one spanning most decades
    breaks = np.flatnonzero(np.diff(idx) > 1) + 1
    runs = np.split(idx, breaks)
    best_run = max(runs, key=lambda r: np.log10(d.a[r[-1]] / d.a[r[0]]) if r.size > 1 else 0)
    x = np.log(d.a[best_run])
    y = np.log(d.v[best_run])
    span = (x[-1] - x[0]) / math.log(10)
    if best_run.size < n_min or span < min_decades:
        why = (
            f"usable range spans {span:.2f} decade with {best_run.size} points "
            f"(need {min_decades:g} decade, {n_min} points): no power-law range"
        )
        return _Window(none, method, False, why)
    s2 = (d.noise / d.v[best_run]) ** 2
    # relative noise beyond the additive one, from chord residuals at high SNR
    r, c = _chord_residuals(x, y)
    s2c = s2[1:-1] if r.size == s2.size - 2 else np.empty(0)
    eps2 = 1e-6
    hi = d.v[best_run][1:-1] > 50 * d.noise if r.size == s2.size - 2 else np.empty(0, bool)
    if hi.sum() >= 5:
        extra = np.median(r[hi] ** 2 / c[hi]) / 0.4549 - np.median(s2c[hi])
        eps2 = max(eps2, float(extra))
    w = 1.0 / (s2 + eps2)
    m = x.size
    # subsample window edges for long curves (keeps the pair count ~ 1e4)
    step = max(1, m // 120)
    edges = np.arange(0, m, step)
    if edges[-1] != m - 1:
        edges = np.append(edges, m - 1)
    xc, yc = x - x.mean(), y - y.mean()
    cs = [
        np.concatenate([[0.0], np.cumsum(q)])
        for q in (w, w * xc, w * yc, w * xc**2, w * xc * yc, w * yc**2)
    ]
    i0, j0 = np.meshgrid(edges, edges, indexing="ij")
    ok = (j0 - i0 + 1 >= n_min) & ((x[j0] - x[i0]) >= min_decades * math.log(10) * (1 - 1e-9))
    i0, j0 = i0[ok], j0[ok]
    if i0.size == 0:
        return _Window(none, method, False, "no window of the minimum width")
    sw, sx, sy, sxx, sxy, syy = (q[j0 + 1] - q[i0] for q in cs)
    dxx = sxx - sx**2 / sw
    dxy = sxy - sx * sy / sw
    dyy = syy - sy**2 / sw
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.clip(dyy - dxy**2 / dxx, 0, None)
        dof = (j0 - i0 + 1) - 2
        chi2r = chi2 / dof
    width = x[j0] - x[i0]
    good = chi2r <= 1 + 3 * np.sqrt(2.0 / dof)
    if good.any():
        cand_w = np.where(good, width, -np.inf)
        top = cand_w >= cand_w.max() - 1e-9
        k = int(np.flatnonzero(top)[np.argmin(chi2r[top])])
        straight = True
    else:
        k = int(np.argmin(chi2r))
        straight = False
    mask = none.copy()
    mask[best_run[i0[k] : j0[k] + 1]] = True
    return _Window(mask, method, straight, "")


def _window_for(
    d: _PLData,
    window: tuple[float, float] | None,
    rn: float,
    snr: float,
    rn_fraction: float,
    min_decades: float,
    n_min: int,
) -> _Window:
    if window is None:
        return _auto_window(d, rn, snr, rn_fraction, min_decades, n_min)
    lo, hi = _check_window(window, "window", "A")
    m = (d.a >= lo) & (d.a <= hi) & (d.v > 0)
    flag = (
        ""
        if m.sum() >= 3
        else f"window {lo:.3g}-{hi:.3g} A holds {int(m.sum())} points with V > 0; at least 3 are needed"
    )
    return _Window(m if not flag else np.zeros_like(m), "user window", True, flag)


def _check_window(window: Any, name: str, unit: str) -> tuple[float, float]:
    try:
        lo, hi = (float(w) for w in window)
    except (TypeError, ValueError):
        raise FormatError(
            f"{name} must be two numbers (min, max) in {unit}, got {window!r}"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
        raise FormatError(f"{name} must satisfy 0 <= min < max (in {unit}), got {lo:g}, {hi:g}")
    return lo, hi


def _pl_result(d: _PLData, win: _Window, rn: float, fit: dict[str, float] | None) -> PowerLawResult:
    a_ro = d.a.copy()
    v_ro = d.v.copy()
    msk = win.mask.copy()
    for arr in (a_ro, v_ro, msk):
        arr.setflags(write=False)
    sub = fit is not None and math.isfinite(fit["slope"]) and fit["slope"] < _ALPHA_MIN
    if win.flag or fit is None or not math.isfinite(fit["slope"]) or sub:
        reason = win.flag or "the window fit failed"
        if sub and not win.flag:
            aw = d.a[win.mask]
            reason = (
                f"V rises slower than ohmic in {aw.min():.3g}-{aw.max():.3g} A "
                f"(slope {fit['slope']:.2f} < {_ALPHA_MIN:g}): drift, offset or thermal EMF, "
                "not a vortex power law"
            )
        return PowerLawResult(
            Estimate.missing("", reason, "slope of ln V vs ln I"),
            None,
            int(msk.sum()),
            math.nan,
            d.noise,
            rn,
            win.method,
            False,
            a_ro,
            v_ro,
            msk,
        )
    aw = d.a[win.mask]
    wnd = (float(aw.min()), float(aw.max()))
    xm = float(np.mean(np.log(aw)))
    pre = float(np.exp(fit["intercept"] + fit["slope"] * xm))
    part = "odd part [V(I) - V(-I)]/2, " if d.odd else ""
    legs = f"{d.legs}, " if d.legs else ""
    alpha = Estimate(
        fit["slope"],
        fit["slope_stderr"],
        "",
        f"slope of ln V vs ln I ({part}{legs}{win.method})",
        wnd,
    )
    return PowerLawResult(
        alpha, wnd, int(win.mask.sum()), pre, d.noise, rn, win.method, win.straight, a_ro, v_ro, msk
    )


def power_law(
    current: ArrayLike,
    voltage: ArrayLike,
    *,
    window: tuple[float, float] | None = None,
    noise: float | None = None,
    r_normal: float | None = None,
    snr: float = 5.0,
    rn_fraction: float = 0.5,
    min_decades: float = 0.3,
    n_min: int = 6,
) -> PowerLawResult:
    """Fit V ~ I^alpha on log-log over an automatic (or given) window (PHYSICS §6).

    The odd part V_odd(I) = [V(I) - V(-I)]/2 is used where both polarities
    were swept (it removes offsets and thermal EMFs); otherwise the offset
    from the zero-voltage plateau is removed. The automatic window keeps
    V > snr sigma_V and V/I < rn_fraction R_N and takes the widest contiguous
    stretch (>= min_decades of current) where ln V vs ln I is straight within
    the noise. A curve without such a range is flagged, not fitted.

    Parameters
    ----------
    current, voltage : array_like
        I (A), V (V), recorded order, any sweep pattern.
    window : (float, float), optional
        Current window (A) set by hand.
    noise : float, optional
        sigma_V (V); default estimated from the low-current points.
    r_normal : float, optional
        R_N (Ohm); default V/I at the largest |I|.
    snr, rn_fraction, min_decades, n_min
        Automatic-window criteria.

    Returns
    -------
    PowerLawResult
    """
    p = _prepare(current, voltage, noise)
    d = _pl_data(p)
    rn = float(r_normal) if r_normal is not None else p.r_normal
    win = _window_for(d, window, rn, snr, rn_fraction, min_decades, n_min)
    fit = None
    if not win.flag:
        x, y = np.log(d.a[win.mask]), np.log(d.v[win.mask])
        lf = _fit.line_fit(x, y)
        se = _robust_slope_stderr(x[None, :], y[None, :], None, np.array([lf.slope]))
        fit = {
            "slope": lf.slope,
            "intercept": lf.intercept,
            "slope_stderr": float(max(lf.slope_stderr, se[0])),
        }
    return _pl_result(d, win, rn, fit)


def _robust_slope_stderr(
    x: np.ndarray, y: np.ndarray, mask: np.ndarray | None, slope: np.ndarray
) -> np.ndarray:
    """Heteroscedasticity-consistent (HC1, White) stderr of OLS slopes, per row.

    ln V is much noisier near the noise floor than high up, so the plain OLS
    stderr (one residual variance for all points) understates the error of
    alpha; the sandwich sum(dx^2 r^2) n/(n-2) / Sxx^2 does not. Explicit
    numpy propagation of the line_fits result (no new fit).
    """
    m = np.isfinite(x) & np.isfinite(y)
    if mask is not None:
        m &= mask
    n = m.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = np.where(m, x, 0.0).sum(axis=1) / n
        ym = np.where(m, y, 0.0).sum(axis=1) / n
        dx = np.where(m, x - xm[:, None], 0.0)
        r = np.where(m, (y - ym[:, None]) - slope[:, None] * dx, 0.0)
        sxx = (dx**2).sum(axis=1)
        v = (dx**2 * r**2).sum(axis=1) * n / (n - 2) / sxx**2
    return np.sqrt(v)


# ==========================================================================
# Families: alpha(T), T_BKT
# ==========================================================================
@dataclass(frozen=True)
class IVCurveResult(Result):
    """Ic and the power law of one I-V curve of a family.

    ``to_dict`` puts the stepped values (``T_K``, ``Vg_V``, ``B_T``) at the
    top level next to ``alpha`` and ``ic_A``.
    """

    fixed: dict[str, float]
    alpha: Estimate
    ic_A: Estimate
    ir_A: Estimate
    hysteretic: bool
    window_A: tuple[float, float] | None
    noise_V: float
    ohmic: bool
    power_law: PowerLawResult = field(repr=False)
    critical: CriticalCurrentResult = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        d = {k: float(v) for k, v in self.fixed.items()}
        d.update(super().to_dict())
        d.pop("fixed", None)
        return d


@dataclass(frozen=True)
class IVFamilyResult(Result):
    """alpha(T), Ic(T) and T_BKT of a family of I-V curves.

    Attributes
    ----------
    t_bkt_K : Estimate
        Where alpha(T) crosses 3 (Nelson-Kosterlitz jump), by linear
        interpolation between the bracketing temperatures; flagged when
        alpha does not cross 3 in range or the family is not stepped in T.
    t_alpha1_K : Estimate
        Lowest T above T_BKT where the I-V is ohmic (alpha within tolerance
        of 1, or no power-law range because V/I is near R_N): free vortices.
    curves : list of IVCurveResult
    stepped : str
        The canonical name of the stepped variable (``"T_K"``...).
    criterion : str
        Critical-current criterion.
    r_normal_ohm : float
        R_N used for the window's upper limit.
    source : str
    """

    t_bkt_K: Estimate
    t_alpha1_K: Estimate
    curves: list[IVCurveResult]
    stepped: str
    criterion: str
    r_normal_ohm: float
    source: str = ""


def _cross_lin(t0: float, a0: float, t1: float, a1: float, level: float) -> float:
    """Where the straight line through (t0, a0), (t1, a1) reaches ``level``."""
    if a1 == a0:
        return math.nan
    return t0 + (level - a0) * (t1 - t0) / (a1 - a0)


def _propagate(fun: Any, al: np.ndarray, se: np.ndarray, idx: Sequence[int]) -> float:
    """Delta-method stderr of fun(al) over the entries ``idx`` (numerical)."""
    base = fun(al)
    var = 0.0
    for i in idx:
        if not (se[i] > 0):
            continue
        h = 1e-4 * max(se[i], 1e-6)
        a2 = al.copy()
        a2[i] += h
        d = (fun(a2) - base) / h
        var += (d * se[i]) ** 2
    return math.sqrt(var) if math.isfinite(var) else math.nan


def alpha_crossing(
    t: ArrayLike,
    alpha: ArrayLike,
    alpha_stderr: ArrayLike,
    level: float = 3.0,
    *,
    jump_tol: float = 0.1,
    t_context: ArrayLike | None = None,
    extrapolate: float = 0.5,
) -> Estimate:
    """Temperature where alpha(T) crosses ``level`` (3: Nelson-Kosterlitz).

    Smooth crossing: linear interpolation between the two temperatures that
    bracket the level; the stderr propagates the alpha stderrs and adds, as
    a systematic, half the difference to the crossing of a straight line
    through the two points on each side ("two-bracket spread").

    Sharp jump (the point above the bracket is ohmic, alpha within
    ``jump_tol`` of 1: the universal jump 3 -> 1 happened inside the
    bracket): interpolating towards 1 would put T_BKT near the lower bracket
    whatever the jump position, so the stiffness J_s = (alpha - 1) k_B T/pi
    of the two highest temperatures under the bracket is extrapolated
    linearly in T to the Nelson-Kosterlitz line J_s = (level - 1) k_B T/pi,
    inside the bracket; the systematic is the change when the second point
    is taken one step further down.

    Several crossings (noise near the level) are averaged and their spread
    is added.

    No crossing: a flagged non-answer, except when the exponent closest to
    the level is within ``extrapolate`` of it and ``t_context`` shows curves
    without a fitted alpha beyond it (e.g. switched curves below T_BKT whose
    power law hides under the noise floor): then alpha(T) is extrapolated
    linearly from the two end points into that gap, and the estimate keeps a
    value but carries a flag saying so.

    Parameters
    ----------
    t, alpha, alpha_stderr : array_like
        Temperatures (K), exponents and their stderr; NaN entries are skipped.
    level : float
    jump_tol : float
    t_context : array_like, optional
        Temperatures of every curve of the family (K), with or without alpha.
    extrapolate : float
        Largest |alpha - level| at the end point that allows extrapolation.

    Returns
    -------
    Estimate
        In K; missing with the reason when alpha does not cross the level.
    """
    t = np.array(t, dtype=float)
    al = np.array(alpha, dtype=float)
    se = np.array(alpha_stderr, dtype=float)
    m = np.isfinite(t) & np.isfinite(al)
    t, al, se = t[m], al[m], np.where(np.isfinite(se[m]), se[m], 0.0)
    o = np.argsort(t, kind="stable")
    t, al, se = t[o], al[o], se[o]
    method = f"alpha(T) = {level:g} by linear interpolation between the bracketing T"
    if t.size < 2:
        return Estimate.missing("K", f"alpha known at {t.size} temperature(s); need 2", method)
    dev = al - level
    k = np.flatnonzero((dev[:-1] * dev[1:] <= 0) & (dev[:-1] != dev[1:]))
    if k.size == 0:
        where = "above" if np.all(dev > 0) else "below"
        why = (
            f"alpha stays {where} {level:g} over T = {t[0]:.4g}-{t[-1]:.4g} K "
            f"(alpha {al.min():.3g}-{al.max():.3g}); no crossing in range"
        )
        ext = _extrapolated_crossing(t, al, se, level, where, t_context, extrapolate)
        if ext is None:
            return Estimate.missing("K", why, method)
        val, s, lo, hi = ext
        return Estimate(
            val,
            s,
            "K",
            f"alpha(T) extrapolated linearly from the two {'lowest' if where == 'below' else 'highest'}"
            f"-T exponents to {level:g}, inside the gap to the next curve (no fitted alpha there)",
            (lo, hi),
            why + f"; extrapolated to {val:.4g} K",
        )
    vals, ses, syst = [], [], []
    jumps = 0
    for kk in (int(q) for q in k):
        lo_t, hi_t = t[kk], t[kk + 1]
        upper_ohmic = al[kk + 1] - 1 <= max(jump_tol, 2 * se[kk + 1]) and al[kk] > level
        if upper_ohmic and kk >= 1 and al[kk - 1] > al[kk]:
            jumps += 1

            def f_jump(a: np.ndarray, j: int = kk - 1, kk: int = kk) -> float:
                # stiffness J_s ~ (alpha - 1) T, linear in T, meets the
                # Nelson-Kosterlitz line (level - 1) T
                uj, uk = (a[j] - 1) * t[j], (a[kk] - 1) * t[kk]
                sl = (uk - uj) / (t[kk] - t[j])
                den = (level - 1) - sl
                v = (uk - sl * t[kk]) / den if den != 0 else math.nan
                lo, hi = t[kk], t[kk + 1]
                return float(min(max(v, lo), hi)) if math.isfinite(v) else float(lo)

            v = f_jump(al)
            s = _propagate(f_jump, al, se, (kk - 1, kk))
            if kk >= 2 and al[kk - 2] > al[kk]:
                syst.append(abs(f_jump(al, kk - 2) - v))
            else:
                syst.append((hi_t - lo_t) / math.sqrt(12))
        else:

            def f_lin(a: np.ndarray, kk: int = kk) -> float:
                return float(_cross_lin(t[kk], a[kk], t[kk + 1], a[kk + 1], level))

            v = f_lin(al)
            s = _propagate(f_lin, al, se, (kk, kk + 1))
            lo, hi = max(0, kk - 1), min(t.size, kk + 3)
            if hi - lo >= 3:
                lf = _fit.line_fit(t[lo:hi], al[lo:hi] - level)
                alt = lf.x_intercept
                if math.isfinite(alt) and t[lo] <= alt <= t[hi - 1]:
                    syst.append(0.5 * abs(alt - v))
        vals.append(v)
        ses.append(s)
    val = float(np.mean(vals))
    var = float(np.mean(np.square(ses)))
    if syst:
        var += float(np.mean(np.square(syst)))
    if len(vals) > 1:
        var += float(np.var(vals, ddof=1))
    if jumps:
        method = (
            f"alpha(T) = {level:g}: sharp jump to alpha = 1 inside the bracket; stiffness "
            "(alpha - 1) T of the two temperatures below extrapolated linearly to the NK line"
        )
    win = (float(t[k[0]]), float(t[k[-1] + 1]))
    return Estimate(val, math.sqrt(var), "K", method, win)


def _extrapolated_crossing(
    t: np.ndarray,
    al: np.ndarray,
    se: np.ndarray,
    level: float,
    where: str,
    t_context: ArrayLike | None,
    extrapolate: float,
) -> tuple[float, float, float, float] | None:
    """Crossing of ``level`` extrapolated from the end of alpha(T) into the gap
    to the next curve without alpha (see :func:`alpha_crossing`)."""
    if t_context is None or t.size < 2 or not (extrapolate > 0):
        return None
    tc = np.unique(np.asarray(t_context, dtype=float))
    tc = tc[np.isfinite(tc)]
    if where == "below":  # alpha < level everywhere: T_BKT below the lowest T
        i, j = 0, 1
        beyond = tc[tc < t[0] * (1 - 1e-9)]
        if beyond.size == 0:
            return None
        lo, hi = float(beyond.max()), float(t[0])
    else:  # alpha > level everywhere: T_BKT above the highest T
        i, j = t.size - 1, t.size - 2
        beyond = tc[tc > t[-1] * (1 + 1e-9)]
        if beyond.size == 0:
            return None
        lo, hi = float(t[-1]), float(beyond.min())
    if abs(al[i] - level) > extrapolate or not (
        (al[j] - al[i]) * (1 if where == "below" else -1) * (t[j] - t[i]) < 0
        or (where == "below" and al[j] < al[i])
        or (where == "above" and al[j] > al[i])
    ):
        return None

    def f(a: np.ndarray) -> float:
        v = _cross_lin(t[i], a[i], t[j], a[j], level)
        return float(min(max(v, lo), hi)) if math.isfinite(v) else math.nan

    val = f(al)
    if not math.isfinite(val):
        return None
    s = _propagate(f, al, se, (i, j))
    # the line may bend inside the gap: add the gap width / sqrt(12)
    s = math.hypot(s, (hi - lo) / math.sqrt(12))
    return val, s, lo, hi


def _t_alpha1(
    t: np.ndarray, al: np.ndarray, se: np.ndarray, ohmic: np.ndarray, t_bkt: float, tol: float
) -> Estimate:
    method = f"lowest T above T_BKT with alpha <= 1 + max({tol:g}, 2 stderr) or ohmic"
    o = np.argsort(t, kind="stable")
    t, al, se, ohmic = t[o], al[o], se[o], ohmic[o]
    start = t_bkt if math.isfinite(t_bkt) else -math.inf
    okse = np.where(np.isfinite(se), se, 0.0)
    reach = ohmic | (np.isfinite(al) & (al - 1 <= np.maximum(tol, 2 * okse)))
    cand = np.flatnonzero(reach & (t > start))
    if cand.size == 0:
        return Estimate.missing("K", "alpha does not reach 1 in range", method)
    k = int(cand[0])
    prev = t[k - 1] if k > 0 else math.nan
    s = 0.5 * (t[k] - prev) if math.isfinite(prev) else math.nan
    return Estimate(float(t[k]), float(s), "K", method)


def _curve_arrays(c: Any) -> tuple[np.ndarray, np.ndarray, dict[str, float]]:
    if isinstance(c, Curve):
        return c.x, c.y, dict(c.fixed)
    if isinstance(c, tuple) and len(c) == 3:
        fixed, i, v = c
        if not isinstance(fixed, dict):
            fixed = {"T_K": float(fixed)}
        return np.asarray(i, float), np.asarray(v, float), dict(fixed)
    raise FormatError(
        "iv_family takes sc2d.data.Curve objects (x = I in A, y = V in V) or "
        f"(T_K, I, V) tuples, got {type(c).__name__}"
    )


def iv_family(
    curves: Sequence[Curve] | Sequence[tuple[Any, ArrayLike, ArrayLike]],
    *,
    criterion: str = "voltage",
    v_threshold: float | None = None,
    r_fraction: float = 0.01,
    r_normal: float | None = None,
    window: tuple[float, float] | None = None,
    noise: float | None = None,
    snr: float = 5.0,
    rn_fraction: float = 0.5,
    min_decades: float = 0.3,
    n_min: int = 6,
    alpha1_tol: float = 0.1,
    source: str = "",
) -> IVFamilyResult:
    """Ic, alpha and T_BKT of a family of I-V curves (PHYSICS §5, §6).

    Every curve goes through :func:`critical_current` and the window search
    of :func:`power_law`; the window fits of all curves are then one
    vectorised least-squares solve (:func:`sc2d._fit.line_fits`). T_BKT is
    where alpha(T) crosses 3 (:func:`alpha_crossing`).

    Parameters
    ----------
    curves : sequence of Curve or (T_K, I, V) tuples
        One I-V sweep each; ``Curve.fixed`` holds the stepped value
        (``{"T_K": 0.1}``, or ``Vg_V``/``B_T``).
    criterion, v_threshold, r_fraction : see :func:`critical_current`
    r_normal : float, optional
        R_N (Ohm); default the largest V/I at the top of any curve.
    window : (float, float), optional
        Current window (A) for every curve, instead of the automatic one.
    noise : float, optional
        sigma_V (V) for every curve; default estimated per curve.
    snr, rn_fraction, min_decades, n_min : see :func:`power_law`
    alpha1_tol : float
        Tolerance on alpha - 1 for ``t_alpha1_K``.
    source : str
        File name, for provenance.

    Returns
    -------
    IVFamilyResult
    """
    if len(curves) == 0:
        raise DataError("iv_family got no curves; need at least one I-V sweep")
    if criterion not in _CRITERIA:
        raise FormatError(f"criterion must be one of {', '.join(_CRITERIA)}, got {criterion!r}")
    raw = [_curve_arrays(c) for c in curves]
    preps = [_prepare(i, v, noise) for i, v, _ in raw]
    rn = (
        float(r_normal)
        if r_normal is not None
        else float(np.nanmax([p.r_normal for p in preps] + [-math.inf]))
    )
    if not math.isfinite(rn):
        rn = math.nan
    data = [_pl_data(p) for p in preps]
    wins = [_window_for(d, window, rn, snr, rn_fraction, min_decades, n_min) for d in data]
    # one vectorised line fit over all curves (padded rows + masks)
    L = max((d.a.size for d in data), default=0)
    X = np.full((len(data), max(L, 1)), np.nan)
    Y = np.full_like(X, np.nan)
    M = np.zeros(X.shape, bool)
    for r, (d, w) in enumerate(zip(data, wins, strict=True)):
        if w.flag:
            continue
        X[r, : d.a.size] = np.log(d.a)
        with np.errstate(divide="ignore", invalid="ignore"):
            Y[r, : d.a.size] = np.log(d.v)
        M[r, : d.a.size] = w.mask
    fits = _fit.line_fits(X, Y, M)
    fits["slope_stderr"] = np.fmax(
        fits["slope_stderr"], _robust_slope_stderr(X, Y, M, fits["slope"])
    )
    results = []
    ohm_alpha = np.full(len(data), np.nan)
    ohm_se = np.full(len(data), np.nan)
    for r, (p, d, w, (_, _, fixed)) in enumerate(zip(preps, data, wins, raw, strict=True)):
        fr = None
        ohmic = False
        if not w.flag:
            fr = {k: float(fits[k][r]) for k in ("slope", "intercept", "slope_stderr")}
        else:
            # no power-law range: is the curve simply ohmic (V ~ I, alpha = 1)?
            # (and lifts off the noise floor where a straight line V = R I
            # would: a switched curve jumps from the floor to R_N instead)
            up = d.v > snr * d.noise
            if up.sum() >= n_min and np.ptp(np.log(d.a[up])) > 0:
                lf = _fit.line_fit(np.log(d.a[up]), np.log(d.v[up]))
                first = float(d.a[up].min())
                r_ohm = float(np.median(d.v[up] / d.a[up]))
                below = d.a[(~up) & (d.a > 0)]
                lifts = below.size == 0 or first <= 2.0 * snr * d.noise / r_ohm
                if abs(lf.slope - 1) <= alpha1_tol and lifts:
                    ohmic = True
                    ohm_alpha[r], ohm_se[r] = lf.slope, lf.slope_stderr
        pl = _pl_result(d, w, rn, fr)
        if ohmic:
            pl = dataclasses.replace(
                pl,
                alpha=dataclasses.replace(
                    pl.alpha,
                    flag=pl.alpha.flag
                    + f"; ohmic: ln V vs ln I has slope {ohm_alpha[r]:.3f} above the noise",
                ),
            )
        ic = _ic_from_prepared(p, criterion, v_threshold, r_fraction, r_normal)
        results.append(
            IVCurveResult(
                fixed,
                pl.alpha,
                ic.ic_A,
                ic.ir_A,
                ic.hysteretic,
                pl.window_A,
                p.noise,
                ohmic,
                pl,
                ic,
            )
        )
    keys = [set(fx) for _, _, fx in raw]
    common = set.intersection(*keys) if keys else set()
    stepped = ""
    for k in ("T_K", "Vg_V", "B_T", "theta_deg"):
        if k in common and len({round(fx[k], 12) for _, _, fx in raw}) > 1:
            stepped = k
            break
    if stepped == "T_K":
        t = np.array([c.fixed["T_K"] for c in results])
        al = np.array([c.alpha.value for c in results])
        se = np.array([c.alpha.stderr for c in results])
        ohm = np.array([c.ohmic for c in results], bool)
        # ohmic curves enter alpha(T) with their measured slope (~1)
        al = np.where(ohm, ohm_alpha, al)
        se = np.where(ohm, ohm_se, se)
        tb = alpha_crossing(t, al, se, 3.0, jump_tol=alpha1_tol, t_context=t)
        t1 = _t_alpha1(t, al, se, ohm, tb.value, alpha1_tol)
    else:
        why = (
            f"the curves are stepped in {stepped}, not temperature; no alpha(T)"
            if stepped
            else "the curves carry no distinct temperatures (T_K); no alpha(T)"
        )
        tb = Estimate.missing("K", why, "alpha(T) = 3")
        t1 = Estimate.missing("K", why, "alpha(T) = 1")
    return IVFamilyResult(tb, t1, results, stepped, criterion, rn, source)


# ==========================================================================
# R(T): Halperin-Nelson fit, linearisation, Aslamazov-Larkin
# ==========================================================================
def _monotone_runs(t: np.ndarray) -> list[np.ndarray]:
    """Index arrays of the monotone runs of T in recorded order (sweeps).

    A run ends at the extreme after which T retraces by more than a
    tolerance (five times the robust scatter of the T steps' second
    differences, at least 0.2% of the span), so thermometer noise and pauses
    do not cut a sweep.
    """
    n = t.size
    if n < 3:
        return [np.arange(n)]
    d2 = np.diff(t, 2)
    tol = 5 * MAD_TO_SIGMA * float(np.median(np.abs(d2 - np.median(d2)))) / math.sqrt(6)
    tol = max(tol, 2e-3 * float(np.ptp(t)))
    cuts = []
    start = 0
    ext = 0  # index of the running extreme
    direction = 0
    for k in range(1, n):
        if direction == 0:
            if abs(t[k] - t[start]) > tol:
                direction = 1 if t[k] > t[start] else -1
                ext = k
            continue
        if (t[k] - t[ext]) * direction >= 0:
            ext = k
        elif abs(t[k] - t[ext]) > tol:
            cuts.append(ext + 1)
            start = ext + 1
            direction = 1 if t[k] - t[ext] > 0 else -1
            ext = k
    bounds = [0, *cuts, n]
    return [np.arange(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _glitch_mask(t: np.ndarray, r: np.ndarray, factor: float = 2.0) -> np.ndarray:
    """True for bridge glitches: isolated readings a factor >= 2 off both neighbours.

    R(T) is monotone through a transition, so a genuine point lies between
    its neighbours (in T, within one sweep); a reading above both of them by
    ``factor`` or more (or below both by it) is a spike. The worst spike is
    dropped and the test repeated (at most 5% of the points). Only points
    whose neighbours are both above 1% of the sweep's largest R are judged
    (near zero resistance the relative scatter is large); R <= 0 is left to
    the analyses, which use R > 0 only.
    """
    bad = np.zeros(t.size, bool)
    limit = max(1, t.size // 20)
    lf = math.log(factor)
    for run in _monotone_runs(t):
        if run.size < 5:
            continue
        o = run[np.argsort(t[run], kind="stable")]
        keep = list(o)
        for _ in range(limit):
            idx = np.array(keep)
            rr = r[idx]
            pos = rr > 0
            if pos.sum() < 5:
                break
            top = float(np.max(rr))
            lr = np.log(np.where(pos, rr, top))
            nb_ok = (rr[:-2] > 0.01 * top) & (rr[2:] > 0.01 * top) & pos[1:-1]
            up = lr[1:-1] - np.maximum(lr[:-2], lr[2:])
            dn = np.minimum(lr[:-2], lr[2:]) - lr[1:-1]
            score = np.where(nb_ok, np.maximum(up, dn), 0.0)
            k = int(np.argmax(score))
            if score[k] < lf:
                break
            bad[idx[k + 1]] = True
            keep.pop(k + 1)
        if bad.sum() >= limit:
            break
    return bad


def _rt_prepare(t: ArrayLike, r: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Finite, glitch-free (T, R) sorted by T; inputs untouched."""
    ta, ra = _as_xy(t, r, "T", "R")
    if ta.size < 8:
        raise DataError(f"R(T) needs at least 8 finite points, got {ta.size}")
    if np.any(ta <= 0):
        raise FormatError(f"temperatures must be > 0 K, got min {ta.min():.4g} K")
    good = ~_glitch_mask(ta, ra)
    ta, ra = ta[good], ra[good]
    o = np.argsort(ta, kind="stable")
    return ta[o], ra[o]


def merge_sweeps(
    temperature: ArrayLike, resistance: ArrayLike
) -> tuple[np.ndarray, np.ndarray, str]:
    """Pool cooling and warming sweeps after removing the thermal lag.

    When the recorded T runs both down and up (each with >= 20 points), the
    sample lags the thermometer: on cooling it is warmer by delta, on warming
    colder, so R_cool(T) = R_warm(T + 2 delta). The shift 2 delta is found by
    matching ln R of the two branches inside the transition (2%-90% of the
    top resistance; grid search then a parabola), and each branch is moved by
    half of it before pooling (PHYSICS §7: thermal lag biases T_BKT).

    Returns
    -------
    t, r : ndarray
        The pooled, lag-corrected curve sorted by T (or the input, sorted,
        when there is only one direction).
    note : str
        What was done (with the lag found), for the result's provenance.
    """
    ta, ra = _as_xy(temperature, resistance, "T", "R")
    runs = _monotone_runs(ta)
    big = max(10, ta.size // 20)  # fragments at pauses are not sweeps
    up = [q for q in runs if q.size >= big and ta[q[-1]] > ta[q[0]]]
    dn = [q for q in runs if q.size >= big and ta[q[-1]] < ta[q[0]]]
    nu = sum(q.size for q in up)
    nd = sum(q.size for q in dn)
    o = np.argsort(ta, kind="stable")
    if nu < 20 or nd < 20:
        return ta[o], ra[o], "single sweep direction"
    iu, idn = np.concatenate(up), np.concatenate(dn)
    bu = ~_glitch_mask(ta[iu], ra[iu])
    bd = ~_glitch_mask(ta[idn], ra[idn])
    tu, ru = ta[iu][bu], ra[iu][bu]
    td, rd = ta[idn][bd], ra[idn][bd]
    ou, od = np.argsort(tu, kind="stable"), np.argsort(td, kind="stable")
    tu, ru, td, rd = tu[ou], ru[ou], td[od], rd[od]
    top = float(np.nanmax(np.concatenate([ru, rd])))
    mu = (ru > 0.02 * top) & (ru < 0.9 * top)
    md = (rd > 0.02 * top) & (rd < 0.9 * top)
    if mu.sum() < 4 or md.sum() < 4:
        return ta[o], ra[o], "cooling and warming pooled (no transition to align them on)"
    tuu, iuu = np.unique(tu[mu], return_index=True)
    lru = np.log(ru[mu][iuu])
    tdm, lrd = td[md], np.log(rd[md])
    span = float(tdm.max() - tdm.min())
    shifts = np.linspace(-0.5 * span, 0.5 * span, 401)
    pos = tdm[None, :] + shifts[:, None]
    inside = (pos >= tuu[0]) & (pos <= tuu[-1])
    pred = np.interp(pos, tuu, lru)
    cnt = inside.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        cost = np.where(inside, (pred - lrd[None, :]) ** 2, 0.0).sum(axis=1) / cnt
    cost = np.where(cnt >= max(4, md.sum() // 2), cost, np.inf)
    if not np.isfinite(cost).any():
        return ta[o], ra[o], "cooling and warming pooled (branches do not overlap)"
    k = int(np.argmin(cost))
    shift = float(shifts[k])
    if 0 < k < shifts.size - 1 and np.all(np.isfinite(cost[k - 1 : k + 2])):
        c0, c1, c2 = cost[k - 1 : k + 2]
        den = c0 - 2 * c1 + c2
        if den > 0:
            shift += 0.5 * (c0 - c2) / den * (shifts[1] - shifts[0])
    t_all = np.concatenate([td + 0.5 * shift, tu - 0.5 * shift])
    r_all = np.concatenate([rd, ru])
    oo = np.argsort(t_all, kind="stable")
    return (
        t_all[oo],
        r_all[oo],
        f"cooling ({nd} points) and warming ({nu} points) sweeps pooled after removing "
        f"a thermal lag of {0.5 * shift * 1e3:.3g} mK (each branch moved by half the "
        f"{shift * 1e3:.3g} mK offset between them)",
    )


def _normal_r(t: np.ndarray, r: np.ndarray, r_normal: float | None, normal_at: float | None):
    if r_normal is not None:
        if not (r_normal > 0 and math.isfinite(r_normal)):
            raise FormatError(f"r_normal must be a positive resistance in Ohm, got {r_normal}")
        return float(r_normal), f"R_N = {r_normal:.5g} Ohm (given)"
    if normal_at is not None:
        if not (t[0] <= normal_at <= t[-1]):
            raise FormatError(
                f"normal_at = {normal_at:g} K lies outside the data ({t[0]:.4g}-{t[-1]:.4g} K); "
                "pick a temperature inside the measured range"
            )
        k = max(3, t.size // 50)
        near = np.argsort(np.abs(t - normal_at), kind="stable")[:k]
        val = float(np.median(r[near]))
        return val, f"R_N = R({normal_at:g} K) = {val:.5g} Ohm"
    k = max(3, t.size // 20)
    val = float(np.median(r[-k:]))
    return val, f"R_N = median R of the {k} highest-T points = {val:.5g} Ohm"


def _running_median(y: np.ndarray, k: int = 5) -> np.ndarray:
    if y.size < k:
        return y.copy()
    from numpy.lib.stride_tricks import sliding_window_view

    h = k // 2
    pad = np.concatenate([np.full(h, y[0]), y, np.full(h, y[-1])])
    return np.median(sliding_window_view(pad, k), axis=1)


def _noise_floor_r(t: np.ndarray, r: np.ndarray, rn: float) -> float:
    """sigma_R from the zero-resistance points (robust), NaN if there are few."""
    low = r < 0.005 * rn
    # only the contiguous low-T plateau
    if low.sum() < 5:
        return math.nan
    rr, c = _chord_residuals(t[low], r[low])
    if rr.size < 3:
        return math.nan
    return float(MAD_TO_SIGMA * np.median(np.abs(rr / np.sqrt(c))))


def _rt_window(
    t: np.ndarray,
    r: np.ndarray,
    rn: float,
    window: tuple[float, float] | None,
    lo: float,
    hi: float,
    floor: float,
    need: int = 8,
) -> tuple[np.ndarray, tuple[float, float], str]:
    """Points of the HN window: lo <= R/R_N <= hi on the steep lower part.

    When the default range holds fewer than ``need`` points (sparse data) it
    is widened twice (lo/2 .. 1.25 hi, then lo/5 .. 0.6) and the range used
    is stated.
    """
    if window is not None:
        a, b = _check_window(window, "window", "K")
        m = (t >= a) & (t <= b) & (r > 0)
        return m, (a, b), f"window {a:g}-{b:g} K (given)"
    rs = _running_median(r, 5)
    out: tuple[np.ndarray, tuple[float, float], str] | None = None
    for q, (l0, h0) in enumerate(((lo, hi), (lo / 2, min(0.5, 1.25 * hi)), (lo / 5, 0.6))):
        up = np.flatnonzero(rs >= h0 * rn)
        k_hi = int(up[0]) if up.size else t.size - 1
        below = np.flatnonzero(rs[: k_hi + 1] < l0 * rn)
        k_lo = int(below[-1]) + 1 if below.size else 0
        m = np.zeros(t.size, bool)
        m[k_lo : k_hi + 1] = True
        m &= r > 0
        fl = ""
        if math.isfinite(floor):
            m &= r > 5 * floor
            fl = f", R > 5 sigma_R = {5 * floor:.3g} Ohm"
        desc = f"{l0:g} <= R/R_N <= {h0:g}{fl}" + (" (widened: sparse data)" if q else "")
        wnd = (float(t[m].min()), float(t[m].max())) if m.any() else (math.nan, math.nan)
        out = (m, wnd, desc)
        if m.sum() >= need:
            break
    assert out is not None
    return out


def _min_points(m: np.ndarray, wnd: tuple[float, float], need: int, what: str) -> None:
    if m.sum() < need:
        raise DataError(
            f"{what} window {wnd[0]:.4g}-{wnd[1]:.4g} K holds {int(m.sum())} points; "
            f"at least {need} are needed (widen it with window=(TMIN, TMAX) / --window)"
        )


@dataclass(frozen=True)
class HNResult(Result):
    """Halperin-Nelson fit ln R = ln R0 - b (T/T_BKT - 1)^(-1/2).

    Attributes
    ----------
    t_bkt_K, b, r0_ohm : Estimate
    corr_tbkt_b : float
        Correlation coefficient of (T_BKT, b) from the fit covariance.
    window_spread_K : float
        Largest change of T_BKT when the lowest or the highest quarter of the
        window points is left out; added in quadrature to the stderr of
        T_BKT (and likewise for b, R0) as the window systematic.
    window_K : tuple of float
    window_method : str
    n_points : int
    r_normal_ohm : float
    chi2_red : float
    """

    t_bkt_K: Estimate
    b: Estimate
    r0_ohm: Estimate
    corr_tbkt_b: float
    window_spread_K: float
    window_K: tuple[float, float]
    window_method: str
    n_points: int
    r_normal_ohm: float
    chi2_red: float
    _t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _r: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _t_fit: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _r_fit: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)


def _ln_hn(t: np.ndarray, ln_r0: float, b: float, t_bkt: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(physics.halperin_nelson(t, math.exp(min(ln_r0, 700.0)), b, t_bkt))


def halperin_nelson_fit(
    temperature: ArrayLike,
    resistance: ArrayLike,
    *,
    window: tuple[float, float] | None = None,
    r_normal: float | None = None,
    normal_at: float | None = None,
    r_range: tuple[float, float] = (0.01, 0.4),
) -> HNResult:
    """Fit R = R0 exp[-b (T/T_BKT - 1)^(-1/2)] to R(T) (PHYSICS §7).

    Nonlinear least squares on ln R with T_BKT bounded below the lowest T of
    the window; start values from a profile over T_BKT (ln R is a straight
    line in (T/T_BKT - 1)^(-1/2) at fixed T_BKT). Points are weighted by
    the noise of ln R when sigma_R can be measured on the zero-resistance
    plateau.

    Parameters
    ----------
    temperature, resistance : array_like
        T (K), R (Ohm), any order.
    window : (float, float), optional
        Fit window (K); default the steep lower part of the transition,
        r_range[0] <= R/R_N <= r_range[1] (1%-40%), above the noise floor.
    r_normal, normal_at : float, optional
        R_N (Ohm), or the temperature (K) where R = R_N; default the median
        R of the highest 5% of T.
    r_range : (float, float)
        Bounds on R/R_N of the default window.

    Returns
    -------
    HNResult
    """
    t, r = _rt_prepare(temperature, resistance)
    rn, rn_method = _normal_r(t, r, r_normal, normal_at)
    sig_r = _noise_floor_r(t, r, rn)
    m, wnd, wmethod = _rt_window(t, r, rn, window, r_range[0], r_range[1], sig_r)
    _min_points(m, wnd, 6, "Halperin-Nelson")
    tw, rw = t[m], r[m]
    y = np.log(rw)
    tmin = float(tw.min())
    # profile over T_BKT: for each trial, ln R is linear in u = (T/Tb - 1)^(-1/2)
    gaps = np.geomspace(1e-4, 0.6, 80) * tmin
    tb_grid = tmin - gaps
    u = (tw[None, :] / tb_grid[:, None] - 1.0) ** -0.5
    lf = _fit.line_fits(u, np.broadcast_to(y, u.shape))
    resid = np.broadcast_to(y, u.shape) - (lf["slope"][:, None] * u + lf["intercept"][:, None])
    ssr = np.where(lf["slope"] < 0, np.sum(resid**2, axis=1), np.inf)
    kbest = int(np.argmin(ssr)) if np.isfinite(ssr).any() else 0
    p0 = [
        float(lf["intercept"][kbest]),
        float(max(-lf["slope"][kbest], 1e-3)),
        float(tb_grid[kbest]),
    ]
    sigma = None
    if math.isfinite(sig_r) and sig_r > 0:
        sigma = np.sqrt((sig_r / rw) ** 2 + 1e-6)
    upper = tmin * (1 - 1e-9)
    fo = _fit.curve_fit(
        _ln_hn, tw, y, p0, sigma=sigma, bounds=([-700.0, 1e-6, 1e-9 * tmin], [700.0, 1e4, upper])
    )
    ln_r0, b, tb = (float(v) for v in fo.params)
    se = np.array(fo.stderr, dtype=float)
    # window sensitivity (PHYSICS §7): refit without the lowest / highest
    # quarter of the window points; the largest change is a systematic
    spread = math.nan
    nw = tw.size
    if fo.success and nw >= 8:
        q = max(2, nw // 4)
        alt = []
        for sl in (slice(q, None), slice(None, nw - q)):
            ts, ys = tw[sl], y[sl]
            ss = None if sigma is None else sigma[sl]
            hi_s = float(ts.min()) * (1 - 1e-9)
            p1 = [ln_r0, b, min(tb, hi_s * (1 - 1e-6))]
            f2 = _fit.curve_fit(
                _ln_hn,
                ts,
                ys,
                p1,
                sigma=ss,
                bounds=([-700.0, 1e-6, 1e-9 * tmin], [700.0, 1e4, hi_s]),
            )
            if f2.success and f2.params[2] > 0.5 * tmin:
                alt.append(f2.params)
        if alt:
            d = np.abs(np.array(alt) - np.array([ln_r0, b, tb]))
            spread = float(d[:, 2].max())
            se = np.hypot(se, d.max(axis=0))
    flag = ""
    runaway = ""
    if not fo.success:
        runaway = f"fit did not converge ({fo.message})"
    elif tb < 0.5 * tmin or b > 50:
        runaway = f"fit ran away to T_BKT = {tb:.4g} K, b = {b:.3g}"
    elif tb > tmin * (1 - 1e-6):
        flag = "T_BKT pinned at the lowest window temperature; widen the window downwards"
    method = f"Halperin-Nelson fit of ln R, {wmethod}; {rn_method}"
    if runaway:
        why = (
            f"the Halperin-Nelson form does not describe R(T) in {wnd[0]:.4g}-{wnd[1]:.4g} K: "
            f"{runaway}; an inhomogeneous transition? set the window by hand"
        )
        tb_e = Estimate.missing("K", why, method)
        b_e = Estimate.missing("", why, method)
        r0_e = Estimate.missing("Ohm", why, method)
    else:
        tb_e = Estimate(tb, float(se[2]), "K", method, wnd, flag)
        b_e = Estimate(b, float(se[1]), "", method, wnd, flag)
        r0 = math.exp(ln_r0)
        r0_e = Estimate(r0, r0 * float(se[0]), "Ohm", method, wnd, flag)
    tf = np.linspace(max(tb * (1 + 1e-4), t[0]), t[m].max(), 200)
    rf = physics.halperin_nelson(tf, math.exp(ln_r0), b, tb)
    arrs = [tw.copy(), rw.copy(), tf, rf]
    for a in arrs:
        a.setflags(write=False)
    return HNResult(
        tb_e, b_e, r0_e, fo.corr(1, 2), spread, wnd, wmethod, int(m.sum()), rn, fo.chi2_red, *arrs
    )


@dataclass(frozen=True)
class LinearizedResult(Result):
    """The HN linearisation [d ln R/dT]^(-2/3) = S (T - T_BKT).

    Attributes
    ----------
    t_bkt_linearized_K : Estimate
        T-axis crossing of the straight line (delta-method stderr, inflated
        for the correlation of neighbouring smoothed derivatives).
    slope_K_m13 : Estimate
        S (K^-1/3).
    b : Estimate
        b = 2 S^(-3/2) T_BKT^(-1/2).
    smoothing_points : int
        Points in each local straight-line fit of ln R(T) that gives the
        derivative (a first-order Savitzky-Golay derivative on the real,
        non-uniform T grid).
    window_K : tuple of float
    n_points : int
    """

    t_bkt_linearized_K: Estimate
    slope_K_m13: Estimate
    b: Estimate
    smoothing_points: int
    window_K: tuple[float, float]
    window_method: str
    n_points: int
    _t_deriv: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _y_deriv: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _in_window: np.ndarray = field(default_factory=lambda: np.empty(0, bool), repr=False)
    _t_line: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _y_line: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)


def _median_bin(t: np.ndarray, y: np.ndarray, bin_k: float | None) -> tuple[np.ndarray, np.ndarray]:
    if bin_k is None:
        key = t
    else:
        if not (bin_k > 0):
            raise FormatError(f"bin_K must be a positive temperature step in K, got {bin_k}")
        key = np.floor(t / bin_k)
    uk, inv = np.unique(key, return_inverse=True)
    if uk.size == t.size:
        return t, y
    tb = np.array([np.median(t[inv == i]) for i in range(uk.size)])
    yb = np.array([np.median(y[inv == i]) for i in range(uk.size)])
    return tb, yb


def hn_linearization(
    temperature: ArrayLike,
    resistance: ArrayLike,
    *,
    window: tuple[float, float] | None = None,
    r_normal: float | None = None,
    normal_at: float | None = None,
    smoothing: int = 7,
    bin_K: float | None = None,
    r_range: tuple[float, float] = (0.01, 0.4),
) -> LinearizedResult:
    """T_BKT from the straight line [d ln R/dT]^(-2/3) vs T (PHYSICS §7).

    d ln R/dT at each point is the slope of a straight line through
    ``smoothing`` neighbouring points of ln R(T) (first-order
    Savitzky-Golay on the real T grid, after median binning of repeated T or
    of ``bin_K`` bins); the points of the window are fitted by a straight
    line whose T-axis crossing is T_BKT. Broad smoothing biases T_BKT
    (PHYSICS §7), so keep ``smoothing`` small when the data are dense.

    Parameters
    ----------
    temperature, resistance : array_like
        T (K), R (Ohm).
    window : (float, float), optional
        T window (K) of the straight line; default as
        :func:`halperin_nelson_fit`.
    r_normal, normal_at, r_range : see :func:`halperin_nelson_fit`
    smoothing : int
        Odd number of points (>= 3) of each local derivative fit.
    bin_K : float, optional
        Median-bin width (K) applied before differentiating.

    Returns
    -------
    LinearizedResult
    """
    if not (isinstance(smoothing, (int, np.integer)) and smoothing >= 3 and smoothing % 2 == 1):
        raise FormatError(f"smoothing must be an odd number of points >= 3, got {smoothing!r}")
    t, r = _rt_prepare(temperature, resistance)
    rn, _ = _normal_r(t, r, r_normal, normal_at)
    sig_r = _noise_floor_r(t, r, rn)
    _, wnd, wmethod = _rt_window(t, r, rn, window, r_range[0], r_range[1], sig_r)
    pos = r > 0
    tb, lr = _median_bin(t[pos], np.log(r[pos]), bin_K)
    k = int(smoothing)
    if tb.size < k + 4:
        raise DataError(
            f"the linearisation needs at least {k + 4} points with R > 0, got {tb.size}"
        )
    from numpy.lib.stride_tricks import sliding_window_view

    tw = sliding_window_view(tb, k)
    yw = sliding_window_view(lr, k)
    lf = _fit.line_fits(tw, yw)
    tc = tb[k // 2 : tb.size - k // 2]
    deriv = lf["slope"]
    with np.errstate(invalid="ignore", divide="ignore"):
        ylin = np.where(deriv > 0, deriv, np.nan) ** (-2.0 / 3.0)
    a, bnd = wnd
    inw = np.isfinite(ylin) & (tc >= a) & (tc <= bnd)
    _min_points(inw, wnd, 5, "linearisation")
    lfit = _fit.line_fit(tc[inw], ylin[inw])
    # neighbouring derivatives share k-1 points: inflate the stderr
    infl = math.sqrt(k / 2.0)
    tbkt = lfit.x_intercept
    se_t = lfit.x_intercept_stderr * infl
    slope = lfit.slope
    method = (
        f"T-axis crossing of [d ln R/dT]^(-2/3) vs T, derivative from {k}-point local "
        f"line fits of ln R(T); {wmethod}"
    )
    flag = "" if slope > 0 and math.isfinite(tbkt) else "the line does not rise with T"
    b_val = (
        float(physics.hn_b_from_linearized_slope(slope, tbkt))
        if slope > 0 and tbkt > 0
        else math.nan
    )
    # b stderr by the delta method (slope and crossing treated independently)
    se_s = lfit.slope_stderr * infl
    b_se = (
        abs(b_val) * math.hypot(1.5 * se_s / slope, 0.5 * se_t / tbkt)
        if math.isfinite(b_val)
        else math.nan
    )
    tl = np.linspace(min(tbkt, a) if math.isfinite(tbkt) else a, bnd, 50)
    yl = slope * tl + lfit.intercept
    arrs = [tc.copy(), ylin.copy(), inw.copy(), tl, yl]
    for arr in arrs:
        arr.setflags(write=False)
    wk = (float(tc[inw].min()), float(tc[inw].max()))
    return LinearizedResult(
        Estimate(float(tbkt), float(se_t), "K", method, wk, flag),
        Estimate(float(slope), float(se_s), "K^-1/3", method, wk, flag),
        Estimate(float(b_val), float(b_se), "", "b = 2 S^(-3/2) T_BKT^(-1/2)", wk, flag),
        k,
        wk,
        wmethod,
        int(inw.sum()),
        *arrs,
    )


@dataclass(frozen=True)
class ALResult(Result):
    """2D Aslamazov-Larkin fit R = 1/[1/R_N(T) + (e^2/16 hbar)/ln(T/T_c0)].

    Attributes
    ----------
    tc0_K : Estimate
        Mean-field T_c0 with the AL amplitude fixed to e^2/(16 hbar).
    r_n_ohm : Estimate
        R_N(T) at the window's lowest temperature (R_N linear in T).
    amplitude_ratio : Estimate
        Fitted AL amplitude / (e^2/16 hbar) when it is left free: ~1 for a
        2D film (a test of two-dimensionality).
    tc0_free_K : Estimate
        T_c0 of the free-amplitude fit.
    window_K : tuple of float
    n_points : int
    chi2_red : float
    """

    tc0_K: Estimate
    r_n_ohm: Estimate
    amplitude_ratio: Estimate
    tc0_free_K: Estimate
    window_K: tuple[float, float]
    window_method: str
    n_points: int
    chi2_red: float
    _t: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _r: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)
    _r_fit: np.ndarray = field(default_factory=lambda: np.empty(0), repr=False)


#: the AL window must span at least this fraction of its highest T (al_fit)
_AL_MIN_SPAN = 0.05
#: a fitted T_c0 below this fraction of the window's lowest T is no transition
_AL_MIN_TC0_FRACTION = 0.5
#: a T_c0 whose stderr exceeds this fraction of its value is unconstrained
_AL_MAX_REL_STDERR = 0.5


def _al_no_tc0(tc0: float, stderr: float, wnd: tuple[float, float], what: str) -> str:
    """Why a fitted AL T_c0 is no answer ("" when it is one).

    The AL excess conductance (e^2/16 hbar)/ln(T/T_c0) is only told apart from
    a smooth R_N(T) when the window spans a useful range of T (>= 5%) and T_c0
    lies near it: a T_c0 below half the lowest window temperature changes R by
    less than the R_N(T) slope can absorb (a metal fits with T_c0 -> 0), and a
    stderr above half the value means the data do not constrain it.
    """
    lo, hi = wnd
    span = (hi - lo) / hi if hi > 0 else 0.0
    if span < _AL_MIN_SPAN:
        return (
            f"the Aslamazov-Larkin window {lo:.4g}-{hi:.4g} K spans {100 * span:.2g}% in T; "
            f"at least {100 * _AL_MIN_SPAN:.0f}% is needed to separate ln(T/T_c0) from the "
            "R_N(T) slope: measure R(T) across the transition"
        )
    if not math.isfinite(tc0) or tc0 < _AL_MIN_TC0_FRACTION * lo:
        return (
            f"no superconducting transition resolved: the {what}AL fit puts T_c0 at "
            f"{tc0:.3g} K, far below the window {lo:.4g}-{hi:.4g} K (R stays near R_N)"
        )
    if math.isfinite(stderr) and stderr > _AL_MAX_REL_STDERR * tc0:
        return (
            f"T_c0 unconstrained: the {what}AL fit gives {tc0:.3g} ± {stderr:.2g} K over "
            f"{lo:.4g}-{hi:.4g} K; the data do not show the AL excess conductance"
        )
    return ""


def al_fit(
    temperature: ArrayLike,
    resistance: ArrayLike,
    *,
    window: tuple[float, float] | None = None,
    r_normal: float | None = None,
    normal_at: float | None = None,
    r_min: float = 0.5,
) -> ALResult:
    """Mean-field T_c0 from 2D Aslamazov-Larkin fluctuations (PHYSICS §8).

    R(T) = 1/[1/R_N(T) + Delta sigma_AL], Delta sigma_AL =
    (e^2/16 hbar)/ln(T/T_c0) (Aslamazov & Larkin, Phys. Lett. 26A, 238
    (1968)), with R_N(T) = R_N0 + R_N1 (T - T_w) linear and the amplitude
    fixed; a second fit frees the amplitude and reports its ratio to
    e^2/(16 hbar). T_c0 is bounded below the window.

    No transition, no T_c0: when the window spans < 5% in T, or T_c0 comes out
    below half the window's lowest T (a metal fits with T_c0 -> 0), or its
    stderr exceeds half its value, ``tc0_K`` (and likewise ``tc0_free_K`` and
    ``amplitude_ratio`` for the free-amplitude fit) is
    ``Estimate.missing("K", reason)``: value NaN (null in JSON), the reason in
    ``flag``.

    Parameters
    ----------
    temperature, resistance : array_like
        T (K), R (Ohm).
    window : (float, float), optional
        Fit window (K); default from where R first reaches r_min R_N up to
        the highest T.
    r_normal, normal_at : see :func:`halperin_nelson_fit`
    r_min : float
        Lower R/R_N bound of the default window.

    Returns
    -------
    ALResult
    """
    t, r = _rt_prepare(temperature, resistance)
    rn, rn_method = _normal_r(t, r, r_normal, normal_at)
    if window is not None:
        a, b = _check_window(window, "window", "K")
        m = (t >= a) & (t <= b) & (r > 0)
        wmethod = f"window {a:g}-{b:g} K (given)"
    else:
        rs = _running_median(r, 5)
        up = np.flatnonzero(rs >= r_min * rn)
        k0 = int(up[0]) if up.size else t.size
        m = np.zeros(t.size, bool)
        m[k0:] = True
        m &= r > 0
        wmethod = f"R >= {r_min:g} R_N up to the highest T; {rn_method}"
    wnd = (float(t[m].min()), float(t[m].max())) if m.any() else (math.nan, math.nan)
    _min_points(m, wnd, 8, "Aslamazov-Larkin")
    tw, rw = t[m], r[m]
    tmin = float(tw.min())
    tref = tmin

    def model(tt, tc0, rn0, rn1):
        return physics.al_resistance(tt, rn0 + rn1 * (tt - tref), tc0)

    def model_free(tt, tc0, rn0, rn1, amp):
        return 1.0 / (1.0 / (rn0 + rn1 * (tt - tref)) + amp * physics.al_conductance_2d(tt, tc0))

    # profile over Tc0: 1/R - sigma_AL is linear in T (conductance form) -> start values
    gaps = np.geomspace(1e-4, 0.5, 60) * tmin
    grid = tmin - gaps
    g = 1.0 / rw[None, :] - physics.al_conductance_2d(tw[None, :], grid[:, None])
    xx = np.broadcast_to(tw - tref, g.shape)
    lf = _fit.line_fits(xx, g)
    res = g - (lf["slope"][:, None] * xx + lf["intercept"][:, None])
    ssr = np.sum((res * rw[None, :] ** 2) ** 2, axis=1)
    ssr = np.where(lf["intercept"] > 0, ssr, np.inf)
    kb = int(np.nanargmin(ssr)) if np.isfinite(ssr).any() else 0
    s0 = float(lf["intercept"][kb])
    rn0 = 1.0 / s0 if s0 > 0 else rn
    rn1 = -float(lf["slope"][kb]) * rn0**2
    upper = tmin * (1 - 1e-9)
    scale = max(abs(rn0), 1.0)
    fo = _fit.curve_fit(
        model,
        tw,
        rw,
        [float(grid[kb]), rn0, rn1],
        bounds=([1e-9 * tmin, 0.0, -np.inf], [upper, np.inf, np.inf]),
        x_scale=[tmin * 0.01, scale, scale / tmin],
    )
    tc0, rn0f, rn1f = (float(v) for v in fo.params)
    method = f"2D AL, amplitude e^2/16hbar, R_N linear in T, {wmethod}"
    flag = "" if fo.success else f"fit did not converge: {fo.message}"
    if not flag and tc0 > tmin * (1 - 1e-6):
        flag = "T_c0 pinned at the lowest window temperature; move the window up"
    why = _al_no_tc0(tc0, float(fo.stderr[0]), wnd, "")
    tc0_e = (
        Estimate.missing("K", why, method)
        if why
        else Estimate(tc0, float(fo.stderr[0]), "K", method, wnd, flag)
    )
    rn_e = Estimate(rn0f, float(fo.stderr[1]), "Ohm", method, wnd, flag)
    ff = _fit.curve_fit(
        model_free,
        tw,
        rw,
        [tc0, rn0f, rn1f, 1.0],
        bounds=([1e-9 * tmin, 0.0, -np.inf, 0.0], [upper, np.inf, np.inf, np.inf]),
        x_scale=[tmin * 0.01, scale, scale / tmin, 0.1],
    )
    fflag = "" if ff.success else f"fit did not converge: {ff.message}"
    fwhy = why or _al_no_tc0(float(ff.params[0]), float(ff.stderr[0]), wnd, "free-amplitude ")
    amp_method = "free AL amplitude / (e^2/16 hbar)"
    free_method = "2D AL, free amplitude"
    if fwhy:
        # without a T_c0 the amplitude of 1/ln(T/T_c0) is not a measured number either
        amp = Estimate.missing("", fwhy, amp_method)
        tc0f = Estimate.missing("K", fwhy, free_method)
    else:
        amp = Estimate(float(ff.params[3]), float(ff.stderr[3]), "", amp_method, wnd, fflag)
        tc0f = Estimate(float(ff.params[0]), float(ff.stderr[0]), "K", free_method, wnd, fflag)
    rfit = model(tw, tc0, rn0f, rn1f)
    arrs = [tw.copy(), rw.copy(), rfit]
    for arr in arrs:
        arr.setflags(write=False)
    return ALResult(tc0_e, rn_e, amp, tc0f, wnd, wmethod, int(m.sum()), fo.chi2_red, *arrs)


@dataclass(frozen=True)
class BKTResult(Result):
    """The R(T) evidence for BKT: HN fit, linearisation and (optionally) AL.

    Attributes
    ----------
    t_bkt_K : Estimate
        Halperin-Nelson fit.
    t_bkt_linearized_K : Estimate
        T-axis crossing of [d ln R/dT]^(-2/3).
    b, r0_ohm : Estimate
        HN parameters.
    corr_tbkt_b : float
    window_K : tuple of float
        The HN window.
    r_normal_ohm : float
    tc0_K : Estimate or None
        Mean-field T_c0 from the AL fit (None when it was not run).
    al_amplitude_ratio : Estimate or None
    b_over_bcg : float
        b / [2 sqrt((T_c0 - T_BKT)/T_BKT)], the ratio to the value the BKT
        renormalisation allows with b_HN = 1 (Benfatto, Castellani, Giamarchi,
        PRB 80, 214506 (2009)); >> 1 points to an inhomogeneity-broadened
        transition rather than BKT physics (NaN without the AL fit).
    b_linearized : Estimate
        b = 2 S^(-3/2) T_BKT^(-1/2) from the slope S of the linearisation.
    sweeps : str
        How cooling / warming sweeps were combined.
    hn, linearized, al : HNResult, LinearizedResult, ALResult
        The full sub-results (windows, methods, chi^2; their plotting arrays
        stay out of the JSON).
    source : str
    """

    t_bkt_K: Estimate
    t_bkt_linearized_K: Estimate
    b: Estimate
    r0_ohm: Estimate
    corr_tbkt_b: float
    window_K: tuple[float, float]
    r_normal_ohm: float
    tc0_K: Estimate | None
    al_amplitude_ratio: Estimate | None
    b_over_bcg: float
    b_linearized: Estimate
    sweeps: str
    hn: HNResult | None
    linearized: LinearizedResult | None
    al: ALResult | None
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        for k in ("tc0_K", "al_amplitude_ratio", "b_over_bcg"):
            if d.get(k) is None:
                d.pop(k, None)
        return d


def bkt_rt(
    temperature: ArrayLike,
    resistance: ArrayLike,
    *,
    window: tuple[float, float] | None = None,
    r_normal: float | None = None,
    normal_at: float | None = None,
    al: bool = True,
    smoothing: int = 7,
    merge: bool = True,
    source: str = "",
) -> BKTResult:
    """Halperin-Nelson fit, linearisation and AL fit of one R(T) curve.

    The HN fit is the number to quote (PHYSICS §7 recommends it); the
    linearisation is its diagnostic and is reported flagged rather than
    raised when it cannot be drawn; the AL fit (``al=True``) gives the
    mean-field T_c0 and is skipped silently-flagged when it fails.

    Parameters
    ----------
    temperature, resistance : array_like
        T (K), R (Ohm).
    window : (float, float), optional
        HN / linearisation window (K).
    r_normal, normal_at : see :func:`halperin_nelson_fit`
    al : bool
        Run the Aslamazov-Larkin fit.
    smoothing : int
        Points per local derivative fit of the linearisation.
    merge : bool
        Average cooling and warming sweeps first (:func:`merge_sweeps`).
    source : str

    Returns
    -------
    BKTResult
    """
    if merge:
        t_use, r_use, note = merge_sweeps(temperature, resistance)
    else:
        t_use, r_use, note = temperature, resistance, "as given (sweeps pooled)"
    try:
        hn = halperin_nelson_fit(
            t_use, r_use, window=window, r_normal=r_normal, normal_at=normal_at
        )
        hn_vals = (hn.t_bkt_K, hn.b, hn.r0_ohm, hn.corr_tbkt_b, hn.window_K, hn.r_normal_ohm)
    except DataError as exc:
        if window is not None:
            raise
        hn = None
        why = str(exc)
        tt, rr = _rt_prepare(t_use, r_use)
        rn_val, _ = _normal_r(tt, rr, r_normal, normal_at)
        hn_vals = (
            Estimate.missing("K", why, "Halperin-Nelson fit"),
            Estimate.missing("", why, "Halperin-Nelson fit"),
            Estimate.missing("Ohm", why, "Halperin-Nelson fit"),
            math.nan,
            (math.nan, math.nan),
            rn_val,
        )
    try:
        lin = hn_linearization(
            t_use,
            r_use,
            window=window,
            r_normal=r_normal,
            normal_at=normal_at,
            smoothing=smoothing,
        )
        tlin, blin = lin.t_bkt_linearized_K, lin.b
    except DataError as exc:
        lin = None
        tlin = Estimate.missing("K", str(exc), "[d ln R/dT]^(-2/3) crossing")
        blin = Estimate.missing("", str(exc), "b from the linearisation")
    alr = None
    tc0 = amp = None
    b_ratio = math.nan
    if al:
        try:
            alr = al_fit(t_use, r_use, r_normal=r_normal, normal_at=normal_at)
            tc0, amp = alr.tc0_K, alr.amplitude_ratio
        except DataError as exc:
            tc0 = Estimate.missing("K", str(exc), "2D AL")
            amp = Estimate.missing("", str(exc), "2D AL")
        tb, tc = hn_vals[0].value, tc0.value
        if math.isfinite(tb) and math.isfinite(tc) and tc > tb > 0:
            b_ratio = hn_vals[1].value / float(physics.bcg_b(tc, tb))
    return BKTResult(
        hn_vals[0],
        tlin,
        hn_vals[1],
        hn_vals[2],
        hn_vals[3],
        hn_vals[4],
        hn_vals[5],
        tc0,
        amp,
        b_ratio,
        blin,
        note,
        hn,
        lin,
        alr,
        source,
    )
