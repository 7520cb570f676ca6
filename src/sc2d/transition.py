"""The superconducting transition in R(T): normal-state reference, Tc criteria,
onset, zero resistance, width, thermal hysteresis, and Tc versus n_s.

Every temperature is an :class:`~sc2d.data.Estimate` whose ``method`` states
the criterion and the definition of the normal-state resistance R_N, as
PHYSICS §3 asks ("quote which criterion enters every downstream quantity").

Robust implementation (PHYSICS §3):

1. split the recorded sweep into cooling (``down``) and warming (``up``)
   runs; each is analysed on its own and the difference is reported as
   thermal hysteresis;
2. sort by T, estimate the white-noise level from second differences, and
   reject single-point glitches with a Hampel filter (rolling median +/- 5
   rolling MAD);
3. the crossing of R = f R_N is the *physical* one: the highest-T crossing
   below which the (rolling-median) smoothed curve stays below the level, so
   a glitch or a dip in the normal state never wins;
4. the crossing is refined by a local quadratic (or linear) least-squares
   fit of the raw points in a band of +/- 5-8 % R_N around the level; its
   standard error comes from the fit covariance (delta method, i.e. local
   noise / |dR/dT|) combined with the error of R_N.

References: PHYSICS §3-§4; York, Evensen, Martinez Lopez, de Basabe Delgado,
Am. J. Phys. 72, 367 (2004) for the straight line with errors in both
variables; Hampel, J. Am. Stat. Assoc. 69, 383 (1974) for the outlier filter.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _batch, _fit
from ._robust import MAD_TO_SIGMA, median, second_difference_noise
from .data import Curve, Estimate, Result, to_jsonable
from .errors import DataError

__all__ = [
    "LineResult",
    "NormalState",
    "TcFamilyResult",
    "TcResult",
    "critical_temperature",
    "fieller_interval",
    "normal_resistance",
    "tc_family",
    "tc_vs_density",
]

#: Hampel threshold in robust standard deviations.
HAMPEL_K = 5.0
#: Fewest finite points an R(T) curve must hold.
MIN_POINTS = 10


# --------------------------------------------------------------------------
# small vectorised helpers
# --------------------------------------------------------------------------
def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _median(a: np.ndarray) -> float:
    """``float(np.median(a))`` of a 1-D array, bit for bit, without its per-call overhead.

    np.median partitions at the middle and averages the middle pair; the
    same arithmetic here (NaN anywhere gives NaN, an empty array NaN).
    """
    n = a.size
    if n == 0 or np.isnan(a).any():
        return math.nan
    k = n // 2
    if n % 2:
        return float(np.partition(a, k)[k])
    p = np.partition(a, (k - 1, k))
    return float((p[k - 1] + p[k]) / 2)


def _rolling_median(y: np.ndarray, w: int) -> np.ndarray:
    """Centred rolling median of odd width ``w`` (edges padded by the end value)."""
    return _batch.rolling_median(y, w)


def _window_width(n: int) -> int:
    """Odd rolling-window width for n points: ~n/40, between 5 and 31."""
    w = int(np.clip(n // 40, 5, 31))
    return w if w % 2 else w + 1


def _noise_sigma(y: np.ndarray) -> float:
    """White-noise sigma from the median absolute second difference (robust)."""
    return second_difference_noise(y)


def _hampel(y: np.ndarray, w: int, sigma: float) -> np.ndarray:
    """Boolean mask of single-point outliers (Hampel filter on sorted data)."""
    return _hampel_smooth(y, w, sigma)[0]


def _hampel_smooth(
    y: np.ndarray, w: int, sigma: float | np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(outlier mask, rolling median of ``y``) of a curve or of stacked curves (rows).

    Hampel filter: a point is an outlier when it lies more than ``HAMPEL_K``
    local scales from the rolling median of width ``w``. The local scale is
    the larger of the global noise ``sigma`` and the block-median absolute
    deviation (:func:`sc2d._batch.block_scale`), so steep stretches of a
    transition (T jitter, curvature) are not mistaken for glitches.
    """
    s = _rolling_median(y, w)
    dev = np.abs(y - s)
    sig = np.asarray(sigma, float)
    floor = np.where(np.isfinite(sig), sig, 0.0)
    floor_b = floor[..., None] if np.ndim(floor) else floor
    # the local scale is never below the global noise: only points beyond
    # HAMPEL_K noise sigmas can be outliers, and only their blocks (and the
    # neighbours) need a local scale (rows without a noise estimate: all)
    cand = dev > HAMPEL_K * np.where(floor_b > 0, floor_b, 0.0)
    blocks = _batch.block_any(cand, w)
    mad = MAD_TO_SIGMA * _batch.block_scale(dev, w, blocks)
    scale = np.maximum(mad, floor_b)
    limit = np.where(blocks, HAMPEL_K * np.where(scale > 0, scale, np.inf), np.inf)
    return _batch.exceeds(dev, limit, w), s


def _sweep_runs(x: ArrayLike, min_excursion: float = 0.05) -> list[tuple[slice, str]]:
    """Split a recorded sweep variable into monotonic runs.

    Works on medians of ~60 blocks so thermometer noise and dwell times at a
    set point are not mistaken for turning points; runs whose excursion is
    below ``min_excursion`` of the total span are merged into their
    neighbours. Data in random order (many short runs) are one run with
    direction ``""``.

    Returns
    -------
    list of (slice, direction)
        Slices of the recorded order with direction ``"up"``/``"down"``
        (``""`` for a single unsorted run).
    """
    x = np.asarray(x, float)
    n = x.size
    whole = [(slice(0, n), "")]
    if n < 12:
        return whole
    span = float(np.nanmax(x) - np.nanmin(x)) if n else 0.0
    if not span > 0:
        return whole
    b = max(2, n // 60)
    m = n // b
    bm = np.median(x[: m * b].reshape(m, b), axis=1)
    d = np.diff(bm)
    sgn = np.sign(d)
    if not np.any(sgn):
        return whole
    # group consecutive block steps of one sign (zeros join the previous run)
    for i in range(1, sgn.size):  # <= 60 blocks: cheap
        if sgn[i] == 0:
            sgn[i] = sgn[i - 1]
    first = np.flatnonzero(sgn)[0]
    sgn[:first] = sgn[first]
    runs: list[list[float]] = []  # [sign, excursion, first step, last step]
    for i, s in enumerate(sgn):
        if runs and runs[-1][0] == s:
            runs[-1][1] += d[i]
            runs[-1][3] = i
        else:
            runs.append([s, d[i], i, i])
    # merge the smallest excursions into their neighbours
    while len(runs) > 1:
        k = int(np.argmin([abs(r[1]) for r in runs]))
        if abs(runs[k][1]) >= min_excursion * span:
            break
        r = runs.pop(k)
        if k > 0:
            runs[k - 1][1] += r[1]
            runs[k - 1][3] = r[3]
        else:
            runs[0][1] += r[1]
            runs[0][2] = r[2]
        merged: list[list[float]] = []
        for q in runs:
            if merged and np.sign(merged[-1][1]) == np.sign(q[1]):
                merged[-1][1] += q[1]
                merged[-1][3] = q[3]
            else:
                merged.append([np.sign(q[1]), q[1], q[2], q[3]])
        runs = merged
    if len(runs) > 6:
        return whole
    cuts = [0]
    for r in runs[:-1]:
        last = int(r[3])  # last step of the run: block last -> last+1
        lo = max(0, b * last)
        hi = min(n, b * (last + 3))
        seg = x[lo:hi]
        j = int(np.argmax(seg) if r[1] > 0 else np.argmin(seg))
        cuts.append(max(cuts[-1] + 1, lo + j + 1))
    cuts.append(n)
    out = []
    for r, a, c in zip(runs, cuts[:-1], cuts[1:], strict=True):
        out.append((slice(a, c), "up" if r[1] > 0 else "down"))
    return out


# --------------------------------------------------------------------------
# normal-state reference
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class NormalState:
    """The normal-state resistance R_N(T) = a + b (T - t0) with its covariance.

    ``b = 0`` for a reference value. ``estimate`` is R_N as reported (at the
    reference temperature, or at the lower edge of the fit window).
    """

    a: float
    b: float
    t0: float
    cov: tuple[tuple[float, float], tuple[float, float]]
    estimate: Estimate
    label: str

    def __call__(self, t: ArrayLike) -> np.ndarray:
        return self.a + self.b * (np.asarray(t, float) - self.t0)

    def stderr(self, t: float) -> float:
        u = t - self.t0
        (vaa, vab), (_, vbb) = self.cov
        v = vaa + u * u * vbb + 2 * u * vab
        return math.sqrt(v) if v >= 0 else math.nan


def _prepare(t: ArrayLike, r: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(t, float)
    r = np.asarray(r, float)
    if t.shape != r.shape or t.ndim != 1:
        raise DataError(f"T and R must be 1-D arrays of equal length, got {t.shape} and {r.shape}")
    m = np.isfinite(t) & np.isfinite(r)
    if not m.all():
        t, r = t[m], r[m]
    i = np.argsort(t, kind="stable")
    ts = t[i]
    if ts.size < 2 or not np.any(ts[1:] == ts[:-1]):
        # no two rows share a T, so no (T, R) row repeats: nothing to drop
        return ts, r[i]
    t, r = _drop_duplicate_rows(t, r)
    i = np.argsort(t, kind="stable")
    return t[i], r[i]


def _drop_duplicate_rows(t: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, r) without exact repeats of a (T, R) pair, first occurrences in recorded order.

    A reading logged twice (a logger writing each line twice, a hiccup) is
    one reading: counted twice it would weigh double in the noise estimate,
    the rolling median and the local fits. Used per analysed sweep, so the
    identical points of a noiseless cooling and warming run are not merged.
    """
    if t.size < 2:
        return t, r
    _, first = np.unique(np.column_stack((t, r)), axis=0, return_index=True)
    if first.size == t.size:
        return t, r
    keep = np.sort(first)
    return t[keep], r[keep]


def _drop_repeated_rows(t: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(t, r) without rows that exactly repeat the row before (logged twice)."""
    if t.size < 2:
        return t, r
    rep = np.concatenate(([False], (t[1:] == t[:-1]) & (r[1:] == r[:-1])))
    if not rep.any():
        return t, r
    return t[~rep], r[~rep]


def _normal_state(
    t: np.ndarray, r: np.ndarray, at: float | None, fit_window: tuple[float, float] | None
) -> NormalState:
    """R_N from sorted, cleaned data (see :func:`normal_resistance`)."""
    n = t.size
    tmin, tmax = float(t[0]), float(t[-1])
    if at is not None and fit_window is not None:
        raise DataError("give either normal_at (a reference temperature) or fit_window, not both")
    if fit_window is not None:
        lo, hi = sorted(float(v) for v in fit_window)
        sel = (t >= lo) & (t <= hi)
        k = int(sel.sum())
        if k < 5:
            raise DataError(
                f"normal-state fit window {_fmt(lo)}-{_fmt(hi)} K holds {k} points; at least 5 "
                f"are needed (data span {_fmt(tmin)}-{_fmt(tmax)} K)"
            )
        lf = _fit.line_fit(t[sel] - lo, r[sel])
        cov = ((lf.intercept_stderr**2, lf.cov), (lf.cov, lf.slope_stderr**2))
        method = (
            f"linear fit R_N(T) = a + b T over {_fmt(lo)}-{_fmt(hi)} K extrapolated "
            f"(slope {lf.slope:.4g} Ohm/K); value at {_fmt(lo)} K"
        )
        est = Estimate(lf.intercept, lf.intercept_stderr, "Ohm", method, (lo, hi))
        return NormalState(lf.intercept, lf.slope, lo, cov, est, "R_N(T)")
    if at is not None:
        at = float(at)
        d = np.diff(t)
        tol_lo = 2 * _median(d[:5]) if n > 1 else 0.0
        tol_hi = 2 * _median(d[-5:]) if n > 1 else 0.0
        if not (tmin - tol_lo <= at <= tmax + tol_hi) or not math.isfinite(at):
            raise DataError(
                f"normal-state reference T = {at:g} K is outside the data range "
                f"{_fmt(tmin)}-{_fmt(tmax)} K; choose a temperature inside it (--normal-at)"
            )
        k = min(n, max(15, n // 25))
        idx = np.argpartition(np.abs(t - at), k - 1)[:k]
        lf = _fit.line_fit(t[idx] - at, r[idx])
        lo, hi = float(t[idx].min()), float(t[idx].max())
        method = (
            f"R({at:.3g} K) interpolated: line through the {k} points within "
            f"{_fmt(lo)}-{_fmt(hi)} K"
        )
        est = Estimate(lf.intercept, lf.intercept_stderr, "Ohm", method, (lo, hi))
        cov = ((lf.intercept_stderr**2, 0.0), (0.0, 0.0))
        return NormalState(lf.intercept, 0.0, at, cov, est, f"R({at:.3g} K)")
    k = max(5, math.ceil(0.05 * n))
    rk = r[-k:]
    med = _median(rk)
    mad = MAD_TO_SIGMA * _median(np.abs(rk - med))
    se = 1.2533 * mad / math.sqrt(k) if mad > 0 else math.nan
    lo, hi = float(t[-k]), tmax
    method = f"median of R over the top 5% of T ({k} points, {_fmt(lo)}-{_fmt(hi)} K)"
    est = Estimate(med, se, "Ohm", method, (lo, hi))
    var = se**2 if math.isfinite(se) else 0.0
    return NormalState(med, 0.0, hi, ((var, 0.0), (0.0, 0.0)), est, "R_N")


def _top_medians(ts: Sequence[np.ndarray], rs: Sequence[np.ndarray]) -> list[NormalState]:
    """:func:`_normal_state` without a reference T or window, for many curves at once.

    The median (and MAD) of R over the top 5% of T of every curve from one
    sort of a padded 2-D block: the same numbers as the per-curve path.
    """
    n = np.array([t.size for t in ts], dtype=np.intp)
    k = np.maximum(5, np.ceil(0.05 * n).astype(np.intp))
    k = np.minimum(k, n)
    width = int(k.max())
    R = _batch.pad_rows(list(rs), np.nan)
    top, _, valid = _batch.gather(R, n - k, width, n)
    med = _batch.row_medians(top, valid)
    mad = MAD_TO_SIGMA * _batch.row_medians(np.abs(top - med[:, None]), valid)
    out = []
    for i, t in enumerate(ts):
        ki, mi, ai = int(k[i]), float(med[i]), float(mad[i])
        se = 1.2533 * ai / math.sqrt(ki) if ai > 0 else math.nan
        lo, hi = float(t[-ki]), float(t[-1])
        method = f"median of R over the top 5% of T ({ki} points, {_fmt(lo)}-{_fmt(hi)} K)"
        var = se**2 if math.isfinite(se) else 0.0
        est = Estimate(mi, se, "Ohm", method, (lo, hi))
        out.append(NormalState(mi, 0.0, hi, ((var, 0.0), (0.0, 0.0)), est, "R_N"))
    return out


def normal_resistance(
    T: ArrayLike,
    R: ArrayLike,
    *,
    at: float | None = None,
    fit_window: tuple[float, float] | None = None,
) -> Estimate:
    """Normal-state sheet resistance R_N (Ohm) of an R(T) curve.

    Parameters
    ----------
    T, R : array_like
        Temperature (K) and resistance (Ohm) in any order; NaNs are dropped
        and single-point glitches rejected (Hampel filter).
    at : float, optional
        Reference temperature (K), e.g. 0.4 K in the reference study
        (PHYSICS §3 (a)): R there from a local straight line through the
        nearest ``max(15, N/25)`` points (robust to a one-sided neighbourhood
        at the end of the data). Outside the data range: :class:`DataError`.
    fit_window : (float, float), optional
        Normal-state window (K) for a linear fit R_N(T) = a + b T that is
        extrapolated through the transition (PHYSICS §3 (b)); the value is
        reported at the lower edge of the window.

    Returns
    -------
    Estimate
        R_N (Ohm); ``method`` states the definition. Without ``at`` and
        ``fit_window``: the median of the top 5% of T (stated).
    """
    t, r, *_ = _clean(T, R)
    return _normal_state(t, r, at, fit_window).estimate


def _clean(
    T: ArrayLike, R: ArrayLike
) -> tuple[np.ndarray, np.ndarray, int, float, int, np.ndarray]:
    """Sorted finite data without Hampel outliers; (t, r, n_outliers, sigma, w, s).

    ``s`` is the rolling median (width ``w``) of the cleaned data.
    """
    t, r = _prepare(T, R)
    if t.size < MIN_POINTS:
        raise DataError(
            f"R(T) holds {t.size} finite points; at least {MIN_POINTS} are needed for a transition"
        )
    w = _window_width(t.size)
    sigma = _noise_sigma(r)
    out, s = _hampel_smooth(r, w, sigma)
    n_out = int(out.sum())
    if n_out:
        # the rolling median of the cleaned data: in a steep, sparsely sampled
        # transition a glitch moves the median by a whole point step
        t, r = t[~out], r[~out]
        s = _rolling_median(r, w)
    return t, r, n_out, sigma, w, s


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TcResult(Result):
    """Transition temperatures of one R(T) curve.

    Attributes
    ----------
    tc_K : dict of str -> Estimate
        T where R = f R_N, keyed by the criterion f as written (``"0.5"``).
        A criterion not reached is ``Estimate.missing`` with the reason.
    r_normal_ohm : Estimate
        R_N and its definition (``method``).
    onset_K : Estimate
        Tangent construction: the tangent at the steepest point meets R_N
        (falls back to f = 0.9, stated in ``method``).
    zero_resistance_K : Estimate
        Highest T below which the smoothed R stays under the stated floor.
    width_K : Estimate
        T(0.9 R_N) - T(0.1 R_N).
    hysteresis_K : dict of str -> Estimate, or None
        T(warming) - T(cooling) per criterion when both sweeps are present.
    direction : str
        ``"down"`` (cooling), ``"up"`` (warming), ``"both"`` or ``""``.
    sweeps : dict of str -> TcResult, or None
        Per-direction results when both are present; the headline values are
        then their mean (thermal lag of opposite sign cancels), the difference
        being reported in ``hysteresis_K``.
    n_points, n_outliers : int
        Finite points used, single-point glitches rejected.
    noise_ohm : float
        White-noise sigma of R (from second differences).
    flags : list of str
        Why a value is missing or doubtful.
    """

    tc_K: dict[str, Estimate]
    r_normal_ohm: Estimate
    onset_K: Estimate
    zero_resistance_K: Estimate
    width_K: Estimate
    hysteresis_K: dict[str, Estimate] | None = None
    direction: str = ""
    sweeps: dict[str, TcResult] | None = None
    n_points: int = 0
    n_outliers: int = 0
    noise_ohm: float = math.nan
    flags: list[str] = field(default_factory=list)
    fixed: dict[str, float] = field(default_factory=dict, repr=False)
    _T: np.ndarray | None = field(default=None, repr=False, compare=False)
    _R: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def reached(self) -> bool:
        """True when at least one criterion gave a temperature."""
        return any(math.isfinite(e.value) for e in self.tc_K.values())

    def summary(self) -> str:
        """Human-readable lines: criterion, R_N definition, value +/- stderr."""
        lines = [f"R_N = {self.r_normal_ohm:.5g}  ({self.r_normal_ohm.method})"]
        for c, e in self.tc_K.items():
            if math.isfinite(e.value):
                lines.append(f"Tc({c} R_N) = {e:.5g}")
            else:
                lines.append(f"Tc({c} R_N): not reached ({e.flag})")
        for name, e in (
            ("onset", self.onset_K),
            ("zero resistance", self.zero_resistance_K),
            ("width 90-10%", self.width_K),
        ):
            if math.isfinite(e.value):
                lines.append(f"{name} = {e:.4g}  ({e.method})")
        if self.hysteresis_K:
            for c, e in self.hysteresis_K.items():
                if math.isfinite(e.value):
                    lines.append(f"hysteresis (warming - cooling) at {c}: {e:.3g}")
        lines.append(
            f"{self.n_points} points, {self.n_outliers} glitches rejected, "
            f"sweep {self.direction or 'unsorted'}"
        )
        lines.extend(f"flag: {f}" for f in self.flags)
        return "\n".join(lines)


def _missing_reason(reason: str, crit: str, t: np.ndarray, s: np.ndarray, ns: NormalState) -> str:
    rn = float(ns(t[0]))
    if reason == "below":
        frac = 100 * float(np.min(s)) / rn if rn else math.nan
        return (
            f"R falls only to {frac:.0f}% of {ns.label} at the lowest T ({_fmt(t[0])} K); "
            f"criterion {crit} not reached"
        )
    frac = 100 * float(s[-1]) / float(ns(t[-1])) if ns(t[-1]) else math.nan
    return (
        f"R is already below {crit} {ns.label} at the highest T ({_fmt(t[-1])} K, "
        f"{frac:.0f}%); criterion {crit} not reached"
    )


def _analyse(
    T: np.ndarray,
    R: np.ndarray,
    criteria: Sequence[str],
    normal_at: float | None,
    fit_window: tuple[float, float] | None,
    direction: str,
    keep_arrays: bool = True,
) -> TcResult:
    t, r, n_out, sigma, w, s = _clean(T, R)
    return _analyse_clean(
        t, r, n_out, sigma, w, s, criteria, normal_at, fit_window, direction, keep_arrays
    )


def _analyse_clean(
    t: np.ndarray,
    r: np.ndarray,
    n_out: int,
    sigma: float,
    w: int,
    s: np.ndarray,
    criteria: Sequence[str],
    normal_at: float | None,
    fit_window: tuple[float, float] | None,
    direction: str,
    keep_arrays: bool,
) -> TcResult:
    """:func:`_analyse` from the output of :func:`_clean` (sorted, deglitched, smoothed)."""
    item = (t, r, n_out, sigma, w, s, direction)
    res = _analyse_batch([item], criteria, normal_at, fit_window, keep_arrays)[0]
    if isinstance(res, DataError):
        raise res
    return res


#: points searched on each side of a crossing for the edges of its fit band
_BAND_REACH = 120


def _analyse_batch(
    items: Sequence[tuple[Any, ...]],
    criteria: Sequence[str],
    normal_at: float | None,
    fit_window: tuple[float, float] | None,
    keep_arrays: bool,
) -> list[TcResult | DataError]:
    """:func:`_analyse_clean` of many curves at once (one per item of :func:`_clean`).

    The crossings and the onset tangents of all curves are found on padded
    2-D arrays (:mod:`sc2d._batch`); a curve whose crossing needs one of
    the rarer branches (few points in the band, a failed local fit, a band
    wider than ``_BAND_REACH`` points) goes through :func:`_crossing`.
    A single curve is a batch of one, so both give the same numbers.

    Returns
    -------
    list
        One :class:`TcResult` per item, or the :class:`DataError` that item
        raises (its normal state cannot be defined).
    """
    out: list[TcResult | DataError | None] = [None] * len(items)
    groups: dict[int, list[int]] = {}
    states: dict[int, NormalState] = {}
    top = None
    if normal_at is None and fit_window is None and len(items) > 1:
        top = _top_medians([it[0] for it in items], [it[1] for it in items])
    for i, it in enumerate(items):
        t, r = it[0], it[1]
        try:
            ns = top[i] if top is not None else _normal_state(t, r, normal_at, fit_window)
            if not ns.a > 0:
                raise DataError(
                    f"normal-state resistance {ns.a:.4g} Ohm is not positive; check the R column"
                )
        except DataError as exc:
            out[i] = exc
            continue
        states[i] = ns
        groups.setdefault(int(it[4]), []).append(i)
    for w, idx in groups.items():
        res = _analyse_group(
            [items[i] for i in idx], [states[i] for i in idx], criteria, w, keep_arrays
        )
        for i, rr in zip(idx, res, strict=True):
            out[i] = rr
    return out  # type: ignore[return-value]


@dataclass
class _Batch:
    """Padded 2-D arrays of curves sharing a rolling-window width (see :mod:`sc2d._batch`)."""

    T: np.ndarray
    R: np.ndarray
    S: np.ndarray
    Smax: np.ndarray
    n: np.ndarray
    a: np.ndarray
    b: np.ndarray
    t0: np.ndarray
    w: int

    def level(self, rows: np.ndarray, T: np.ndarray, f: float | np.ndarray) -> np.ndarray:
        """f R_N(T) for the given rows and temperatures (the arithmetic of NormalState).

        ``f`` is one fraction or one per row.
        """
        fr = f[:, None] if np.ndim(f) == 1 else f
        return fr * (self.a[rows, None] + self.b[rows, None] * (T - self.t0[rows, None]))


def _analyse_group(
    items: Sequence[tuple[Any, ...]],
    states: Sequence[NormalState],
    criteria: Sequence[str],
    w: int,
    keep_arrays: bool,
) -> list[TcResult]:
    S = _batch.pad_rows([it[5] for it in items], np.inf)
    bt = _Batch(
        T=_batch.pad_rows([it[0] for it in items], np.nan),
        R=_batch.pad_rows([it[1] for it in items], np.nan),
        S=S,
        Smax=np.maximum.accumulate(S, axis=1),
        n=np.array([it[0].size for it in items], dtype=np.intp),
        a=np.array([ns.a for ns in states]),
        b=np.array([ns.b for ns in states]),
        t0=np.array([ns.t0 for ns in states]),
        w=w,
    )
    m = len(items)
    fracs = {c: float(c) for c in criteria}
    for extra in ("0.9", "0.1"):
        if extra not in fracs:
            fracs[extra] = float(extra)
    found = dict(zip(fracs, _crossings(bt, list(fracs.values())), strict=True))
    estimates: list[dict[str, Estimate]] = [{} for _ in range(m)]
    for c, f in fracs.items():
        for i in range(m):
            estimates[i][c] = _tc_estimate(found[c][i], f, c, items[i], states[i])
    t90s = [e["0.9"] for e in estimates]
    onsets = _onsets(bt, states, t90s)
    zeros = _zeros(bt, items, states)
    results = []
    for i, it in enumerate(items):
        t, r, n_out, sigma, _, _s, direction = it
        ns = states[i]
        tc = {str(c): estimates[i][str(c)] for c in criteria}
        flags = [e.flag for e in tc.values() if e.flag]
        t90, t10 = estimates[i]["0.9"], estimates[i]["0.1"]
        if math.isfinite(t90.value) and math.isfinite(t10.value):
            width = Estimate(
                t90.value - t10.value,
                math.hypot(t90.stderr, t10.stderr),
                "K",
                f"T(0.9 {ns.label}) - T(0.1 {ns.label})",
            )
        else:
            width = Estimate.missing("K", "0.9 or 0.1 criterion not reached", "T(0.9) - T(0.1)")
        results.append(
            TcResult(
                tc_K=tc,
                r_normal_ohm=ns.estimate,
                onset_K=onsets[i],
                zero_resistance_K=zeros[i],
                width_K=width,
                direction=direction,
                n_points=int(t.size + n_out),
                n_outliers=n_out,
                noise_ohm=sigma,
                flags=flags,
                _T=t if keep_arrays else None,
                _R=r if keep_arrays else None,
            )
        )
    return results


def _tc_estimate(
    found: tuple[float, float, float, str, str],
    f: float,
    crit: str,
    item: tuple[Any, ...],
    ns: NormalState,
) -> Estimate:
    """Tc at one criterion from a crossing, with the R_N error folded in."""
    tx, se, slope, how, reason = found
    method = f"Tc: R = {crit} x {ns.label}"
    if reason:
        t, s = item[0], item[5]
        return Estimate.missing("K", _missing_reason(reason, crit, t, s, ns), method)
    method += f" ({how})"
    se_rn = f * ns.stderr(tx) / slope if slope > 0 else math.nan
    se_tot = math.hypot(se, se_rn) if math.isfinite(se_rn) else se
    return Estimate(tx, se_tot, "K", method)


def _crossings(
    bt: _Batch, fracs: Sequence[float]
) -> list[list[tuple[float, float, float, str, str]]]:
    """:func:`_crossing` of every curve of a batch at each level f R_N (vectorised main branch).

    The crossing is located on the rolling median: the highest-T one below
    which it stays below the level (glitch-proof), then refined on the raw
    points (:func:`_crossings_main`); all curves and criteria at once.
    Returns one list per fraction of (T, stderr without the R_N term, dR/dT
    there, method, reason) per curve; T is NaN with ``reason`` ``"above"``
    or ``"below"`` when the level is not reached.
    """
    m = bt.T.shape[0]
    rows = np.arange(m)
    n = bt.n
    nan = math.nan
    flat = bt.b == 0
    out: list[list[tuple[float, float, float, str, str] | None]] = []
    Ps, Ks, Fs, Cs = [], [], [], []
    for ci, f in enumerate(fracs):
        # crossing index on the rolling median: the first point at or above the level
        k = np.empty(m, dtype=np.intp)
        if flat.any():
            k[flat] = _batch.first_at_least(bt.Smax[flat], f * bt.a[flat], n[flat])
        if (~flat).any():
            sl = rows[~flat]
            above = (bt.S[sl] - bt.level(sl, bt.T[sl], f)) >= 0
            has = above.any(axis=1)
            k[sl] = np.where(has, np.argmax(above, axis=1), n[sl])
        res: list[tuple[float, float, float, str, str] | None] = [None] * m
        for i in np.flatnonzero(k >= n):
            res[i] = (nan, nan, nan, "", "above")
        for i in np.flatnonzero(k == 0):
            res[i] = (nan, nan, nan, "", "below")
        out.append(res)
        P = np.flatnonzero((k > 0) & (k < n))
        Ps.append(P)
        Ks.append(k[P])
        Fs.append(np.full(P.size, f))
        Cs.append(np.full(P.size, ci))
    P = np.concatenate(Ps)
    if P.size:
        C = np.concatenate(Cs)
        done = _crossings_main(bt, P, np.concatenate(Ks), np.concatenate(Fs))
        for j in range(P.size):
            out[C[j]][P[j]] = done[j]
    return out  # type: ignore[return-value]


def _band_edges(
    bt: _Batch,
    P: np.ndarray,
    below: np.ndarray,
    above: np.ndarray,
    inside: Any,
) -> tuple[np.ndarray, np.ndarray]:
    """Edges [lo, hi) of the contiguous run of points of rows ``P`` around an index.

    The run holds the points where ``inside(q, S, T)`` is true (``q``: row
    positions in ``P``; ``S``, ``T``: windows of the rolling median and of
    T) from the last outside point before index ``below`` to the first one
    after ``above``. Windows of +/- ``_BAND_REACH`` points first; rows whose
    run is longer are searched again over the whole curve.
    """
    n = bt.n[P]
    lo = np.zeros(P.size, np.intp)
    hi = n.copy()
    todo = np.arange(P.size)
    for reach in (_BAND_REACH, bt.T.shape[1]):
        rows, c = P[todo], above[todo]
        width = 2 * reach + 1
        Sw, j, valid = _batch.gather(bt.S, c - reach, width, n[todo], rows)
        Tw, _, _ = _batch.gather(bt.T, c - reach, width, n[todo], rows)
        outside = ~inside(todo, Sw, Tw) | ~valid
        before = outside & (j < below[todo][:, None])
        after = outside & (j > c[:, None])
        lo[todo] = np.max(np.where(before, j, -1), axis=1) + 1
        hi[todo] = np.min(np.where(after, j, np.iinfo(np.intp).max), axis=1)
        todo = todo[~(before.any(axis=1) & after.any(axis=1))]
        if todo.size == 0:
            break
    return lo, hi


def _crossings_main(
    bt: _Batch, P: np.ndarray, k: np.ndarray, f: np.ndarray
) -> list[tuple[float, float, float, str, str]]:
    """Crossings of rows ``P`` (crossing indices ``k`` on the rolling median, 0 < k < n).

    ``f`` holds the fraction of R_N of each row (a curve may appear once
    per criterion). The crossing is refined on the raw points within a band
    of +/- 6 local noise sigma of the level (at most ``band_max``): a local
    quadratic (>= 5 points) or linear (4) fit, or, when the noise is small
    against the step between points, interpolation
    (:func:`_crossings_interpolated`).

    Returns (T, stderr without the R_N term, dR/dT there, method, "") per row.
    """
    n = bt.n[P]
    T, R, S = bt.T, bt.R, bt.S  # rows P of them, never copied whole
    w = bt.w
    # local noise from third differences around the crossing (blind to the
    # curvature of the transition itself): var(d3) = 20 sigma^2, over +/- w
    # points and over the 11 nearest (T jitter in the steep part)
    sig = np.zeros(P.size)
    for h in (w, 5):
        start = np.maximum(0, k - h)
        stop = np.minimum(n, k + h + 1)
        G, _, _ = _batch.gather(R, start, 2 * h + 1, n, P)
        d3 = np.diff(G, 3, axis=1)
        valid = np.arange(d3.shape[1])[None, :] < (stop - start - 3)[:, None]
        have = valid.sum(axis=1) >= 3
        med = _batch.row_medians(np.abs(d3), valid)
        val = MAD_TO_SIGMA * med / math.sqrt(20.0)
        sig = np.where(have, np.maximum(sig, np.where(have, val, 0.0)), sig)
    # linear interpolation of the smoothed curve between its neighbours
    t0, t1 = T[P, k - 1], T[P, k]
    lv0 = bt.level(P, t0[:, None], f)[:, 0]
    lv1 = bt.level(P, t1[:, None], f)[:, 0]
    y0, y1 = S[P, k - 1] - lv0, S[P, k] - lv1
    with np.errstate(invalid="ignore", divide="ignore"):
        tx = np.where(y1 != y0, t0 + (t1 - t0) * (-y0) / (y1 - y0), t0)
    band_max = np.minimum(np.minimum(0.08, f / 2), (1 - f) / 2) * bt.a[P]
    band = np.minimum(band_max, 6 * sig)
    # the contiguous band |s - level| < band around the crossing

    def inside(q: np.ndarray, Sw: np.ndarray, Tw: np.ndarray) -> np.ndarray:
        return np.abs(Sw - bt.level(P[q], Tw, f[q])) < band[q, None]

    lo, hi = _band_edges(bt, P, k - 1, k, inside)
    npts = hi - lo
    res: list[tuple[float, float, float, str, str]] = [None] * P.size  # type: ignore[list-item]

    def fit(rows: np.ndarray, deg: int) -> np.ndarray:
        """Local polynomial fits of degree ``deg`` over the bands of ``rows``; True where found."""
        if rows.size == 0:
            return np.zeros(0, bool)
        width = int(npts[rows].max())
        Tf, _, vf = _batch.gather(T, lo[rows], width, hi[rows], P[rows])
        Rf, _, _ = _batch.gather(R, lo[rows], width, hi[rows], P[rows])
        U = Tf - tx[rows][:, None]
        Y = Rf - bt.level(P[rows], Tf, f[rows])
        root, se, slope = _batch.poly_roots(U, Y, vf, deg, sig[rows])
        found = np.isfinite(root)
        kind = "quadratic" if deg == 2 else "linear"
        for q in np.flatnonzero(found):
            i = rows[q]
            lo_i, hi_i = int(lo[i]), int(hi[i])
            how = (
                f"local {kind} fit of {hi_i - lo_i} points within "
                f"{_fmt(T[P[i], lo_i])}-{_fmt(T[P[i], hi_i - 1])} K"
            )
            res[i] = (float(tx[i] + root[q]), float(se[q]), float(slope[q]), how, "")
        return found

    # a quadratic through the band (>= 5 points), else a line (4 points, or
    # the quadratic has no increasing root inside), else interpolation
    quad = np.flatnonzero(npts >= 5)
    found2 = fit(quad, 2)
    line = np.concatenate([np.flatnonzero(npts == 4), quad[~found2]])
    found1 = fit(line, 1)
    few = np.sort(np.concatenate([np.flatnonzero(npts < 4), line[~found1]]))
    if few.size:
        done = _crossings_interpolated(bt, P[few], k[few], tx[few], sig[few], f[few])
        for q, i in enumerate(few):
            res[i] = done[q]
    return res


def _crossings_interpolated(
    bt: _Batch, P: np.ndarray, k: np.ndarray, tx: np.ndarray, sig: np.ndarray, f: np.ndarray
) -> list[tuple[float, float, float, str, str]]:
    """The interpolation branch of :func:`_crossings_main` (noise small against the point step).

    For rows ``P`` whose noise band holds fewer than 4 points: T from linear
    interpolation of the smoothed curve (``tx``), stderr from the noise over
    the chord slope, the interpolation error and the distance to a local
    quadratic through the six nearest points, never below the thermometer
    resolution; when the noise is comparable to the step between points, a
    local quadratic through the 8 nearest points instead. The chord slope is
    taken over T readings that differ (a quantised thermometer repeats them).
    """
    n = bt.n[P]
    T, R, S = bt.T, bt.R, bt.S  # rows P of them, never copied whole
    res: list[tuple[float, float, float, str, str]] = [None] * P.size  # type: ignore[list-item]

    def ys(j: np.ndarray) -> np.ndarray:
        tj = T[P, j]
        return S[P, j] - bt.level(P, tj[:, None], f)[:, 0]

    # chord over up to five intervals, widened until T differs (repeated readings)
    j0, j1 = _batch.distinct_spans(T, P, k - 3, k + 2, n)
    t0, t1 = T[P, k - 1], T[P, k]
    tj0, tj1 = T[P, j0], T[P, j1]
    distinct = tj1 > tj0
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(distinct, (ys(j1) - ys(j0)) / (tj1 - tj0), np.nan)
        se_noise = np.where(slope > 0, sig / slope, np.nan)
    q0, q1 = np.maximum(0, k - 4), np.minimum(n, k + 4)
    quad8 = (se_noise > 0.25 * (t1 - t0)) & (q1 - q0 >= 6)
    i0, i1 = np.maximum(0, k - 2), np.minimum(n - 1, k + 1)
    y_i0, y_i1 = ys(i0), ys(i1)
    three = ((i0 != k - 1) | (i1 != k)) & (y_i1 > 0) & (0 > y_i0)
    with np.errstate(invalid="ignore", divide="ignore"):
        ti0, ti1 = T[P, i0], T[P, i1]
        t3 = ti0 + (ti1 - ti0) * (-y_i0) / (y_i1 - y_i0)
    se_int = np.where(three, np.abs(t3 - tx) / 8, (t1 - t0) / math.sqrt(12))
    # alternative crossing: quadratic through the six nearest raw points
    se_alt = np.zeros(P.size)
    six = np.flatnonzero(j1 - j0 >= 5)
    if six.size:
        width = int((j1[six] - j0[six]).max()) + 1
        Tq, _, vq = _batch.gather(T, j0[six], width, j1[six] + 1, P[six])
        Rq, _, _ = _batch.gather(R, j0[six], width, j1[six] + 1, P[six])
        U = Tq - tx[six][:, None]
        Y = Rq - bt.level(P[six], Tq, f[six])
        root, _, _ = _batch.poly_roots(U, Y, vq, 2, sig[six])
        se_alt[six] = np.where(np.isfinite(root), np.abs(root) / 2, 0.0)
    # never below the thermometer resolution (repeated, quantised T readings)
    se_int = np.maximum(se_int, _batch.t_resolution(T, k, n, rows=P) / math.sqrt(12))
    se = np.sqrt(se_noise**2 + se_int**2 + se_alt**2)
    # noise comparable to the step between points: quadratic through the 8 nearest
    done8 = np.zeros(P.size, bool)
    eight = np.flatnonzero(quad8)
    if eight.size:
        width = int((q1[eight] - q0[eight]).max())
        T8, _, v8 = _batch.gather(T, q0[eight], width, q1[eight], P[eight])
        R8, _, _ = _batch.gather(R, q0[eight], width, q1[eight], P[eight])
        Y8 = R8 - bt.level(P[eight], T8, f[eight])
        root, se8, sl8 = _batch.poly_roots(T8 - tx[eight][:, None], Y8, v8, 2, sig[eight])
        for j in np.flatnonzero(np.isfinite(root)):
            q = eight[j]
            how = f"local quadratic fit of the {int(q1[q] - q0[q])} nearest points"
            res[q] = (float(tx[q] + root[j]), float(se8[j]), float(sl8[j]), how, "")
            done8[q] = True
    for q in np.flatnonzero(~done8):
        res[q] = (
            float(tx[q]),
            float(se[q]),
            float(slope[q]),
            "interpolated between neighbouring points",
            "",
        )
    return res


def _zeros(
    bt: _Batch, items: Sequence[tuple[Any, ...]], states: Sequence[NormalState]
) -> list[Estimate]:
    """Zero-resistance temperature of every curve of a batch.

    The highest T below which the rolling median stays under the stated
    floor max(3 sigma, 1e-3 R_N), interpolated; stderr from the median's
    noise over the chord slope (taken over T readings that differ) and the
    point step, never below the thermometer resolution.
    """
    m = bt.T.shape[0]
    sigma = np.array([float(it[3]) for it in items])
    floor = np.maximum(np.where(np.isfinite(sigma), 3 * sigma, 0.0), 1e-3 * bt.a)
    n = bt.n
    k = _batch.first_at_least(bt.Smax, floor, n)
    ar = np.arange(m)
    kk = np.clip(k, 1, n - 1)
    t0, t1 = bt.T[ar, kk - 1], bt.T[ar, kk]
    y0, y1 = bt.S[ar, kk - 1], bt.S[ar, kk]
    h = max(1, bt.w // 2)
    j0, j1 = _batch.distinct_spans(bt.T, ar, kk - 1 - h, kk + h, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        tx = np.where(y1 != y0, t0 + (t1 - t0) * (floor - y0) / (y1 - y0), t0)
        tj0, tj1 = bt.T[ar, j0], bt.T[ar, j1]
        slope = np.where(tj1 > tj0, (bt.S[ar, j1] - bt.S[ar, j0]) / (tj1 - tj0), np.nan)
        se_s = np.where(np.isfinite(sigma), 1.2533 * sigma / math.sqrt(bt.w), np.nan)
        se_t = np.maximum(t1 - t0, _batch.t_resolution(bt.T, kk, n)) / math.sqrt(12)
        se = np.hypot(np.where(slope > 0, se_s / slope, np.nan), se_t)
    out = []
    for i in range(m):
        method = f"highest T below which the smoothed R stays under the floor {floor[i]:.3g} Ohm"
        t_i = bt.T[i, : n[i]]
        if k[i] >= n[i]:
            e = Estimate(float(t_i[-1]), math.nan, "K", method, flag="R below the floor everywhere")
        elif k[i] == 0:
            why = (
                f"R never falls below the floor {floor[i]:.3g} Ohm down to the lowest T "
                f"({_fmt(t_i[0])} K)"
            )
            e = Estimate.missing("K", why, method)
        else:
            v = float(se[i])
            e = Estimate(float(tx[i]), v if v > 0 else math.nan, "K", method)  # never a zero error
        out.append(e)
    return out


def _onsets(
    bt: _Batch,
    states: Sequence[NormalState],
    t90s: Sequence[Estimate],
) -> list[Estimate]:
    """Onset of every curve of a batch by the tangent construction (falls back to T(0.9 R_N)).

    The steepest point is the largest centred slope of the rolling median
    (over +/- w/2 points) where R is between 0.1 and 0.9 R_N; the tangent
    there meets R_N at the onset (:func:`_onsets_main`).
    """
    m = bt.T.shape[0]
    h = max(1, bt.w // 2)
    out: list[Estimate | None] = [None] * m
    use = np.flatnonzero(bt.n >= 2 * h + 5)
    for i in np.flatnonzero(bt.n < 2 * h + 5):
        out[i] = dataclasses.replace(
            t90s[i], method=f"onset = T(0.9 {states[i].label}) (tangent failed)"
        )
    if use.size:
        whole = use.size == m
        T, S = (bt.T, bt.S) if whole else (bt.T[use], bt.S[use])
        n = bt.n[use]
        L = T.shape[1]
        RN = bt.level(use, T, 1.0)
        dt = T[:, 2 * h :] - T[:, : L - 2 * h]
        with np.errstate(divide="ignore", invalid="ignore"):
            g = np.where(dt > 0, (S[:, 2 * h :] - S[:, : L - 2 * h]) / dt, np.nan)
            frac = S[:, h : L - h] / RN[:, h : L - h]
        ii = np.arange(h, L - h)
        ok = (frac > 0.1) & (frac < 0.9) & (ii[None, :] < (n - h)[:, None]) & np.isfinite(g)
        g = np.where(ok, g, -np.inf)
        has = ok.any(axis=1)
        im = np.argmax(g, axis=1) + h
        sel = np.flatnonzero(has)
        for q in np.flatnonzero(~has):
            i = use[q]
            out[i] = dataclasses.replace(
                t90s[i], method=f"onset = T(0.9 {states[i].label}) (tangent failed)"
            )
        if sel.size:
            done = _onsets_main(bt, use[sel], im[sel], states, t90s)
            for q, i in enumerate(use[sel]):
                out[i] = done[q]
    return out  # type: ignore[return-value]


def _onsets_main(
    bt: _Batch,
    P: np.ndarray,
    im: np.ndarray,
    states: Sequence[NormalState],
    t90s: Sequence[Estimate],
) -> list[Estimate | None]:
    """Tangent at the steepest points ``im`` of rows ``P``: a line through the points within
    0.15 R_N of R there, extrapolated to R_N (falls back to T(0.9 R_N), stated)."""
    n = bt.n[P]
    T, R, S = bt.T, bt.R, bt.S  # rows P of them, never copied whole
    s_im = S[P, im]
    band = 0.15 * bt.a[P]

    def inside(q: np.ndarray, Sw: np.ndarray, Tw: np.ndarray) -> np.ndarray:
        return np.abs(Sw - s_im[q, None]) < band[q, None]

    lo, hi = _band_edges(bt, P, im, im, inside)
    res: list[Estimate] = [None] * P.size  # type: ignore[list-item]
    for q in np.flatnonzero(hi - lo < 3):
        i = P[q]
        res[q] = dataclasses.replace(
            t90s[i], method=f"onset = T(0.9 {states[i].label}) (tangent failed)"
        )
    F = np.flatnonzero(hi - lo >= 3)
    if F.size == 0:
        return res
    width = int((hi[F] - lo[F]).max())
    Tf, _, vf = _batch.gather(T, lo[F], width, hi[F], P[F])
    Rf, _, _ = _batch.gather(R, lo[F], width, hi[F], P[F])
    Y = Rf - bt.level(P[F], Tf, 1.0)
    slope, tx, tx_se, _ = _batch.masked_line_fits(Tf, Y, vf)
    for q, f_ in enumerate(F):
        i = P[f_]
        ns = states[i]
        lo_i, hi_i, im_i = int(lo[f_]), int(hi[f_]), int(im[f_])
        t_im, t_last = T[i, im_i], T[i, n[f_] - 1]
        x = float(tx[q])
        if not (slope[q] > 0) or not math.isfinite(x) or not (t_im <= x <= t_last):
            res[f_] = dataclasses.replace(
                t90s[i], method=f"onset = T(0.9 {ns.label}) (tangent failed)"
            )
            continue
        se = math.hypot(float(tx_se[q]), ns.stderr(x) / float(slope[q]))
        res[f_] = Estimate(
            x,
            se,
            "K",
            f"tangent construction: tangent at the steepest point ({_fmt(t_im)} K, "
            f"{hi_i - lo_i} points) meets {ns.label}",
            (float(T[i, lo_i]), float(T[i, hi_i - 1])),
        )
    return res


def _combine(results: dict[str, TcResult], criteria: Sequence[str]) -> TcResult:
    """Mean of cooling and warming results; their difference as hysteresis."""
    up, down = results["up"], results["down"]

    def mean(a: Estimate, b: Estimate, what: str) -> Estimate:
        fa, fb = math.isfinite(a.value), math.isfinite(b.value)
        if fa and fb:
            se = math.sqrt((a.stderr**2 + b.stderr**2) / 4)
            return Estimate(
                (a.value + b.value) / 2,
                se,
                a.unit,
                f"mean of cooling and warming sweeps ({what}: {a.method}); "
                "their difference is reported as hysteresis_K",
                a.window,
            )
        if fa or fb:
            e = a if fa else b
            other = "cooling" if fa else "warming"
            return dataclasses.replace(e, flag=f"{other} sweep gives no value")
        return a

    tc = {c: mean(up.tc_K[c], down.tc_K[c], f"Tc {c}") for c in up.tc_K}
    hyst = {}
    for c in up.tc_K:
        a, b = up.tc_K[c], down.tc_K[c]
        if math.isfinite(a.value) and math.isfinite(b.value):
            hyst[c] = Estimate(
                a.value - b.value,
                math.hypot(a.stderr, b.stderr),
                "K",
                f"T_c({c}) warming - cooling (thermal lag / hysteresis)",
            )
        else:
            hyst[c] = Estimate.missing("K", "criterion not reached in one sweep")
    rn = up.r_normal_ohm
    rd = down.r_normal_ohm
    rn_m = Estimate(
        (rn.value + rd.value) / 2,
        math.hypot(rn.stderr, rd.stderr) / 2,
        "Ohm",
        f"mean of cooling and warming: {rn.method}",
        rn.window,
    )
    flags = sorted(set(up.flags) | set(down.flags))
    return TcResult(
        tc_K=tc,
        r_normal_ohm=rn_m,
        onset_K=mean(up.onset_K, down.onset_K, "onset"),
        zero_resistance_K=mean(up.zero_resistance_K, down.zero_resistance_K, "zero R"),
        width_K=mean(up.width_K, down.width_K, "width"),
        hysteresis_K=hyst,
        direction="both",
        sweeps={"down": down, "up": up},
        n_points=up.n_points + down.n_points,
        n_outliers=up.n_outliers + down.n_outliers,
        noise_ohm=float(np.nanmean([up.noise_ohm, down.noise_ohm])),
        flags=flags,
        _T=np.concatenate([down._T, up._T]) if down._T is not None and up._T is not None else None,
        _R=np.concatenate([down._R, up._R]) if down._R is not None and up._R is not None else None,
    )


def _check_criteria(criteria: Sequence[str | float]) -> list[str]:
    crits = [str(c) for c in criteria]
    for c in crits:
        v = float(c)
        if not (0 < v < 1):
            raise DataError(f"criterion {c} must be a fraction of R_N between 0 and 1")
    return crits


def critical_temperature(
    T: ArrayLike,
    R: ArrayLike,
    *,
    criteria: Sequence[str | float] = ("0.9", "0.5", "0.1"),
    normal_at: float | None = None,
    fit_window: tuple[float, float] | None = None,
    split_sweeps: bool = True,
    keep_arrays: bool = True,
) -> TcResult:
    """Transition temperatures of an R(T) curve at stated criteria.

    Parameters
    ----------
    T, R : array_like
        Temperature (K) and sheet resistance (Ohm) in recorded order (any
        order works; NaN rows and exact repeats of a (T, R) row are dropped).
        Inputs are never modified.
    criteria : sequence of str or float
        Fractions f of R_N; Tc(f) is where R = f R_N. Keys of ``tc_K`` are
        the criteria as written (``"0.5"``).
    normal_at : float, optional
        Reference temperature of R_N (K), e.g. 0.4; see
        :func:`normal_resistance`.
    fit_window : (float, float), optional
        Normal-state window (K) of a linear R_N(T) extrapolated through the
        transition (fractions then are R(T)/R_N(T)).
    split_sweeps : bool
        Analyse cooling and warming runs separately when both span the
        transition (default True).
    keep_arrays : bool
        Keep the sorted, deglitched T and R in the result's ``_T``/``_R``
        (for plotting; default True). Families default to False: 400 curves
        of 5,000 points would keep 31 MB nobody reads.

    Returns
    -------
    TcResult
        A criterion that is not reached gives ``Estimate.missing`` with the
        reason in its flag (never an extrapolation). Raise on no answer at
        all is the caller's choice (see ``TcResult.reached``).

    Raises
    ------
    DataError
        Fewer than 10 finite points, ``normal_at`` outside the data, a fit
        window with fewer than 5 points.

    Notes
    -----
    PHYSICS §3. The crossing is the highest-T one below which the rolling
    median stays below the level (glitch-proof), refined by a local
    polynomial fit; stderr = local noise / |dR/dT| (fit covariance) combined
    with f sigma(R_N)/|dR/dT|.
    """
    crits = _check_criteria(criteria)
    t = np.asarray(T, float)
    r = np.asarray(R, float)
    if t.shape != r.shape or t.ndim != 1:
        raise DataError(f"T and R must be 1-D arrays of equal length, got {t.shape} and {r.shape}")
    m = np.isfinite(t) & np.isfinite(r)
    # a row logged twice is one reading (the sweep split below works on blocks
    # of rows; each analysed sweep also drops repeats anywhere, see _prepare)
    tf, rf = _drop_repeated_rows(t[m], r[m])
    if tf.size < MIN_POINTS:
        raise DataError(
            f"R(T) holds {tf.size} finite points; at least {MIN_POINTS} are needed for a transition"
        )
    runs = _sweep_runs(tf) if split_sweeps else [(slice(0, tf.size), "")]
    span = float(tf.max() - tf.min())
    groups: dict[str, list[slice]] = {}
    for sl, d in runs:
        if d:
            groups.setdefault(d, []).append(sl)

    def gather(sls: list[slice]) -> tuple[np.ndarray, np.ndarray]:
        idx = np.concatenate([np.arange(tf.size)[s] for s in sls])
        return tf[idx], rf[idx]

    good = {}
    for d, sls in groups.items():
        gt, gr = gather(sls)
        if gt.size >= MIN_POINTS and (gt.max() - gt.min()) >= 0.3 * span:
            good[d] = (gt, gr)
    if len(good) == 2:
        try:
            res = {
                d: _analyse(gt, gr, crits, normal_at, fit_window, d, keep_arrays)
                for d, (gt, gr) in good.items()
            }
        except DataError:
            res = {}
        if len(res) == 2:
            return _combine(res, crits)
    direction = next(iter(good)) if len(good) == 1 and len(runs) == 1 else ""
    if len(good) == 1 and len(runs) > 1:
        direction = next(iter(good))
        tf, rf = good[direction]
    return _analyse(tf, rf, crits, normal_at, fit_window, direction, keep_arrays)


# --------------------------------------------------------------------------
# families
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TcFamilyResult(Result):
    """One :class:`TcResult` per curve of a stepped family (field, gate...).

    ``to_dict()["curves"]`` holds each curve's JSON (the keys of a single
    result) preceded by its stepped value, e.g. ``{"B_T": 0.01, "tc_K": ...}``.
    """

    stepped: str
    criteria: list[str]
    curves: list[TcResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stepped": self.stepped,
            "criteria": list(self.criteria),
            "n_curves": len(self.curves),
            "curves": [{**to_jsonable(c.fixed), **c.to_dict()} for c in self.curves],
        }

    def values(self) -> np.ndarray:
        """The stepped values (SI), one per curve."""
        return np.array([c.fixed.get(self.stepped, math.nan) for c in self.curves])

    def tc(self, criterion: str = "0.5") -> tuple[np.ndarray, np.ndarray]:
        """(Tc, stderr) arrays (K) at one criterion, NaN where not reached."""
        v = np.array([c.tc_K[criterion].value for c in self.curves])
        e = np.array([c.tc_K[criterion].stderr for c in self.curves])
        return v, e

    def summary(self) -> str:
        lines = []
        for c in self.curves:
            head = ", ".join(f"{k} = {v:.4g}" for k, v in c.fixed.items())
            tcs = "; ".join(
                f"Tc({k}) = {e:.4g}" if math.isfinite(e.value) else f"Tc({k}) not reached"
                for k, e in c.tc_K.items()
            )
            lines.append(f"{head}: {tcs}")
        return "\n".join(lines)


def _missing_result(crits: Sequence[str], reason: str, fixed: dict[str, float]) -> TcResult:
    miss = Estimate.missing("K", reason)
    return TcResult(
        tc_K={c: miss for c in crits},
        r_normal_ohm=Estimate.missing("Ohm", reason),
        onset_K=miss,
        zero_resistance_K=miss,
        width_K=miss,
        flags=[reason],
        fixed=dict(fixed),
    )


def tc_family(
    curves: Sequence[Curve],
    *,
    criteria: Sequence[str | float] = ("0.9", "0.5", "0.1"),
    normal_at: float | None = None,
    fit_window: tuple[float, float] | None = None,
    stepped: str | None = None,
    keep_arrays: bool = False,
    vectorized: bool = True,
) -> TcFamilyResult:
    """Tc of every curve of a family stepped in field, gate or angle.

    Parameters
    ----------
    curves : sequence of Curve
        R(T) curves (x = T in K, y = R in Ohm) with ``fixed`` holding the
        stepped value (``{"B_T": 0.01}``).
    criteria, normal_at, fit_window
        As in :func:`critical_temperature`.
    stepped : str, optional
        Canonical name of the stepped quantity; default: the first key of
        the first curve's ``fixed``.
    keep_arrays : bool
        Keep each curve's cleaned T and R in ``_T``/``_R`` (default False).
    vectorized : bool
        Prepare curves of equal length together as 2-D arrays (sort, noise,
        sweep direction, glitch filter) before the crossings
        (default True); False runs :func:`critical_temperature` on each curve.
        Both give the same results (tested to 1e-12).

    Returns
    -------
    TcFamilyResult
        Curves that give no answer carry flagged missing estimates; the
        family never raises for one bad curve.
    """
    crits = [str(c) for c in criteria]
    if stepped is None:
        stepped = next((k for c in curves for k in c.fixed), "")
    done: dict[int, TcResult | DataError] = {}
    if vectorized:
        try:
            _check_criteria(crits)
        except DataError:
            pass  # every curve reports the message (per-curve path)
        else:

            def work(rows: list[int], n: int) -> dict[int, TcResult | DataError]:
                batch = _prepare_batch([curves[i] for i in rows], rows, n)
                idx = list(batch)
                items = [batch[i] for i in idx]
                res = _analyse_batch(items, crits, normal_at, fit_window, keep_arrays)
                return dict(zip(idx, res, strict=True))

            stacks = _stacks(curves)
            if len(stacks) > 1:
                # two stacks in flight: one thread's numpy/bottleneck work (GIL
                # released) overlaps the other's Python; each stack's numbers
                # do not depend on the thread that computes them
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(2) as ex:
                    for part in ex.map(lambda a: work(*a), stacks):
                        done.update(part)
            else:
                for rows, n in stacks:
                    done.update(work(rows, n))
    out = []
    for i, c in enumerate(curves):
        try:
            res = done.pop(i, None)
            if isinstance(res, DataError):
                raise res
            if res is None:
                res = critical_temperature(
                    c.x,
                    c.y,
                    criteria=crits,
                    normal_at=normal_at,
                    fit_window=fit_window,
                    keep_arrays=keep_arrays,
                )
            res = dataclasses.replace(res, fixed=dict(c.fixed))
        except DataError as exc:
            res = _missing_result(crits, str(exc), c.fixed)
        out.append(res)
    return TcFamilyResult(stepped=stepped, criteria=crits, curves=out)


#: curves prepared together at most (bounds the memory of the 2-D stacks)
_BATCH = 32


def _prepare_family(curves: Sequence[Curve]) -> dict[int, tuple[Any, ...]]:
    """What :func:`critical_temperature` computes before the crossings, for many curves.

    Curves of equal length are stacked as 2-D arrays (at most ``_BATCH``
    rows) and sorted, checked and filtered together. A curve qualifies when
    its points are all finite, no row repeats the one before, its T blocks
    run strictly one way (one cooling or one warming sweep, the case where
    :func:`_sweep_runs` gives a single run) and no two points share a T.
    Then the per-curve path would analyse it whole, as here; other curves
    are left to it.

    Returns
    -------
    dict
        Curve index -> ``(t, r, n_outliers, sigma, w, s, direction)`` as
        :func:`_clean` and :func:`critical_temperature` give them.
    """
    out: dict[int, tuple[Any, ...]] = {}
    for batch in _prepared_batches(curves):
        out.update(batch)
    return out


def _prepared_batches(curves: Sequence[Curve]) -> Iterator[dict[int, tuple[Any, ...]]]:
    """:func:`_prepare_family` one stack (at most ``_BATCH`` curves) at a time."""
    for rows, n in _stacks(curves):
        yield _prepare_batch([curves[i] for i in rows], rows, n)


def _stacks(curves: Sequence[Curve]) -> list[tuple[list[int], int]]:
    """(curve indices, length) of the stacks of equal-length curves, ``_BATCH`` at most."""
    by_len: dict[int, list[int]] = {}
    for i, c in enumerate(curves):
        n = len(c)
        if n >= 12:  # shorter: the per-curve path (and its messages)
            by_len.setdefault(n, []).append(i)
    return [
        (idx[a : a + _BATCH], n) for n, idx in by_len.items() for a in range(0, len(idx), _BATCH)
    ]


def _prepare_batch(
    curves: Sequence[Curve], rows: Sequence[int], n: int
) -> dict[int, tuple[Any, ...]]:
    X = np.stack([c.x for c in curves])
    Y = np.stack([c.y for c in curves])
    ok = np.isfinite(X).all(axis=1) & np.isfinite(Y).all(axis=1)
    # a row repeating the one before is dropped by the per-curve path
    ok &= ~((X[:, 1:] == X[:, :-1]) & (Y[:, 1:] == Y[:, :-1])).any(axis=1)
    with np.errstate(invalid="ignore"):
        span = X.max(axis=1) - X.min(axis=1)
        dX = np.diff(X, axis=1)
    ok &= span > 0
    inc, dec = (dX > 0).all(axis=1), (dX < 0).all(axis=1)
    del dX
    # _sweep_runs: medians of blocks of b points; one sign of their steps = one
    # run (a row recorded strictly one way has monotonic block medians)
    up, down = inc.copy(), dec.copy()
    loose = np.flatnonzero(ok & ~(inc | dec))
    if loose.size:
        b = max(2, n // 60)
        m = n // b
        bm = median(X[loose, : m * b].reshape(loose.size, m, b), axis=2)
        d = np.diff(bm, axis=1)
        down[loose] = (d < 0).all(axis=1)
        up[loose] = (d > 0).all(axis=1)
    ok &= down | up
    if not ok.any():
        return {}
    X, Y = X[ok], Y[ok]
    inc, dec = inc[ok], dec[ok]
    direction = np.where(up[ok], "up", "down")
    keep = [r for r, k in zip(rows, ok, strict=True) if k]
    # _prepare: stable sort by T; a shared T could hide a repeated (T, R) pair
    # (rows recorded strictly one way need no sort: reversed or kept)
    if (inc | dec).all():
        if dec.any():
            X = np.where(dec[:, None], X[:, ::-1], X)
            Y = np.where(dec[:, None], Y[:, ::-1], Y)
    else:
        o = np.argsort(X, axis=1, kind="stable")
        X = np.take_along_axis(X, o, axis=1)
        Y = np.take_along_axis(Y, o, axis=1)
        del o
    distinct = ~(X[:, 1:] == X[:, :-1]).any(axis=1)
    # _noise_sigma per row (np.median along the rows: the same arithmetic)
    sig = second_difference_noise(Y, axis=1)
    w = _window_width(n)
    # the Hampel filter of _clean on all rows at once (rolling medians row-wise)
    mask, S = _hampel_smooth(Y, w, sig)
    out: dict[int, tuple[Any, ...]] = {}
    for j, i in enumerate(keep):
        if not distinct[j]:
            continue
        t, r, s, sigma = X[j], Y[j], S[j], float(sig[j])
        n_out = int(mask[j].sum())
        if n_out:
            keep_j = ~mask[j]
            t, r = t[keep_j], r[keep_j]
            s = _rolling_median(r, w)
        out[i] = (t, r, n_out, sigma, w, s, str(direction[j]))
    return out


# --------------------------------------------------------------------------
# Tc versus n_s
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class LineResult(Result):
    """Straight line Tc = slope (n_s - n_c) across samples (PHYSICS §4).

    Attributes
    ----------
    slope_K_cm2 : Estimate
        dTc/dn_s in K cm^2 (K per cm^-2).
    intercept_K : Estimate
        Tc at n_s = 0 (K).
    n_critical_cm2 : Estimate
        n_s-axis intercept n_c (cm^-2), stderr by the delta method with the
        slope-intercept covariance. An extrapolation: quote its error.
        Flagged when it lies more than half the data span below the lowest
        n_s, and when the slope is uncertain enough (g >= 0.1, below) that
        the symmetric stderr misstates the interval.
    n_points : int
    residual_std_K : float
        RMS residual in Tc (K), N-2 degrees of freedom.
    chi2_red : float
        Reduced chi-square when errors were given (NaN otherwise).
    method : str
    n_critical_ci95_cm2 : tuple of float or None
        Fieller's 95% confidence interval of n_c (cm^-2): the n where the
        line's Tc is within t sigma of zero, (lo, hi), asymmetric about
        n_c. None when it is unbounded (the slope is not significantly
        different from zero: g = t^2 var(slope)/slope^2 >= 1) or cannot be
        computed (two points). t is Student's with N-2 degrees of freedom
        when the scale comes from the scatter, else the normal 1.96.
    fieller_g : float
        g = t^2 var(slope)/slope^2: below ~0.1 the delta-method stderr and
        the Fieller interval agree; at 1 the interval opens up.
    """

    slope_K_cm2: Estimate
    intercept_K: Estimate
    n_critical_cm2: Estimate
    n_points: int
    residual_std_K: float
    chi2_red: float
    method: str
    n_critical_ci95_cm2: tuple[float, float] | None = None
    fieller_g: float = math.nan


def fieller_interval(
    intercept: float,
    slope: float,
    var_intercept: float,
    var_slope: float,
    cov: float,
    t: float,
) -> tuple[float, float] | None:
    """Fieller confidence interval of the x-axis intercept -intercept/slope of a line.

    The set of x where the fitted line's value ``intercept + slope x`` is
    within ``t`` standard errors of zero: (intercept + slope x)^2 <= t^2
    (var_intercept + 2 x cov + x^2 var_slope), a quadratic inequality
    (E. C. Fieller, J. R. Stat. Soc. B 16, 175 (1954); PHYSICS §4).

    Parameters
    ----------
    intercept, slope : float
        Line y = intercept + slope x.
    var_intercept, var_slope, cov : float
        Their variances and covariance.
    t : float
        Quantile for the confidence level (1.96 for 95% with known errors;
        Student's t with N-2 degrees of freedom when the scale was fitted).

    Returns
    -------
    (lo, hi) or None
        The interval in x; None when it is unbounded (t^2 var_slope >=
        slope^2: the slope is not significantly nonzero) or an input is
        not finite.
    """
    vals = (intercept, slope, var_intercept, var_slope, cov, t)
    if not all(math.isfinite(v) for v in vals):
        return None
    t2 = t * t
    qa = slope * slope - t2 * var_slope
    qb = intercept * slope - t2 * cov
    qc = intercept * intercept - t2 * var_intercept
    if qa <= 0:
        return None
    disc = max(qb * qb - qa * qc, 0.0)  # >= 0: x = -intercept/slope is always inside
    root = math.sqrt(disc)
    return ((-qb - root) / qa, (-qb + root) / qa)


def _york(
    x: np.ndarray, y: np.ndarray, sx: np.ndarray, sy: np.ndarray, b0: float
) -> tuple[float, float, float, float, float, float]:
    """York et al. (2004) straight line with errors in x and y (no correlation).

    Returns (b, a, sigma_b, sigma_a, cov_ab, chi2 S). Closed-form iteration
    of their Section III; converges in a few steps.
    """
    wx = 1.0 / sx**2
    wy = 1.0 / sy**2
    b = b0
    for _ in range(200):
        W = wx * wy / (wx + b * b * wy)
        xb = np.sum(W * x) / np.sum(W)
        yb = np.sum(W * y) / np.sum(W)
        U = x - xb
        V = y - yb
        beta = W * (U / wy + b * V / wx)
        b_new = float(np.sum(W * beta * V) / np.sum(W * beta * U))
        if abs(b_new - b) <= 1e-15 * max(abs(b_new), 1e-300):
            b = b_new
            break
        b = b_new
    W = wx * wy / (wx + b * b * wy)
    xb = np.sum(W * x) / np.sum(W)
    yb = np.sum(W * y) / np.sum(W)
    a = float(yb - b * xb)
    U = x - xb
    V = y - yb
    beta = W * (U / wy + b * V / wx)
    xa = xb + beta
    xab = np.sum(W * xa) / np.sum(W)
    u = xa - xab
    var_b = 1.0 / float(np.sum(W * u * u))
    var_a = 1.0 / float(np.sum(W)) + xab**2 * var_b
    cov = -xab * var_b
    S = float(np.sum(W * (y - b * x - a) ** 2))
    return b, a, math.sqrt(var_b), math.sqrt(var_a), float(cov), S


def tc_vs_density(
    n_s: ArrayLike,
    tc: ArrayLike,
    *,
    n_s_err: ArrayLike | None = None,
    tc_err: ArrayLike | None = None,
    method: str = "ols",
    absolute_sigma: bool = False,
) -> LineResult:
    """Least-squares line Tc(n_s) across samples and its n_s-axis intercept.

    Parameters
    ----------
    n_s : array_like
        Sheet densities (m^-2, SI).
    tc : array_like
        Transition temperatures (K), all at the same criterion.
    n_s_err, tc_err : array_like, optional
        One-sigma errors (m^-2, K). With ``tc_err`` the OLS fit is weighted.
    method : {"ols", "york"}
        ``"ols"``: least squares in Tc (errors from the residual scatter, or
        from ``tc_err`` inflated by sqrt(chi2_red) when > 1). ``"york"``:
        errors in both variables, York et al., Am. J. Phys. 72, 367 (2004);
        needs both error arrays, stderr inflated by sqrt(chi2_red) when > 1.
    absolute_sigma : bool
        Take the given errors as exact (no sqrt(chi2_red) inflation).

    Returns
    -------
    LineResult
        Slope (K cm^2), intercept (K), n_c (cm^-2) with stderr (delta method:
        var n_c = [var a + n_c^2 var b + 2 n_c cov(a,b)]/b^2, PHYSICS §4)
        and Fieller's 95% interval of n_c (:func:`fieller_interval`).
    """
    x = np.asarray(n_s, float)
    y = np.asarray(tc, float)
    if x.shape != y.shape or x.ndim != 1:
        raise DataError(f"n_s and tc must be 1-D of equal length, got {x.shape} and {y.shape}")
    m = np.isfinite(x) & np.isfinite(y)
    sx_all = None if n_s_err is None else np.broadcast_to(np.asarray(n_s_err, float), x.shape)
    sy_all = None if tc_err is None else np.broadcast_to(np.asarray(tc_err, float), x.shape)
    if sx_all is not None:
        m &= np.isfinite(sx_all) & (sx_all > 0)
    if sy_all is not None:
        m &= np.isfinite(sy_all) & (sy_all > 0)
    x, y = x[m], y[m]
    n = x.size
    if n < 2:
        raise DataError(f"Tc versus n_s needs at least 2 samples with both values, got {n}")
    if np.ptp(x) == 0:
        raise DataError("all samples have the same n_s; no slope can be fitted")
    # work in scaled units (n_s / xs) for conditioning
    xs = float(np.std(x)) or 1.0
    xc = x / xs
    chi2_red = math.nan
    if method == "york":
        if sx_all is None or sy_all is None:
            raise DataError("method 'york' needs both n_s_err and tc_err")
        sx, sy = sx_all[m] / xs, sy_all[m]
        b0 = _fit.line_fit(xc, y).slope
        b, a, sb, sa, cab, S = _york(xc, y, sx, sy, b0)
        dof = n - 2
        chi2_red = S / dof if dof > 0 else math.nan
        infl = math.sqrt(chi2_red) if math.isfinite(chi2_red) and chi2_red > 1 else 1.0
        if absolute_sigma:
            infl = 1.0
        sb, sa, cab = sb * infl, sa * infl, cab * infl**2
        resid = y - (a + b * xc)
        label = "York et al. 2004 (errors in n_s and Tc)"
    elif method == "ols":
        sigma = None if sy_all is None else sy_all[m]
        if n == 2:
            b = (y[1] - y[0]) / (xc[1] - xc[0])
            a = y[0] - b * xc[0]
            sb = sa = cab = math.nan
        else:
            lf = _fit.line_fit(xc, y, sigma)
            b, a, sb, sa, cab = lf.slope, lf.intercept, lf.slope_stderr, lf.intercept_stderr, lf.cov
            if sigma is not None:
                chi2_red = lf.residual_std**2
                infl = math.sqrt(chi2_red) if chi2_red > 1 and not absolute_sigma else 1.0
                sb, sa, cab = sb * infl, sa * infl, cab * infl**2
        resid = y - (a + b * xc)
        label = "ordinary least squares in Tc" + (
            " (weighted by tc_err)" if sy_all is not None else ""
        )
    else:
        raise DataError(f"method must be 'ols' or 'york', got {method!r}")
    rstd = float(np.sqrt(np.sum(resid**2) / (n - 2))) if n > 2 else math.nan
    nc = -a / b if b != 0 else math.nan
    var_nc = (sa**2 + nc**2 * sb**2 + 2 * nc * cab) / b**2 if b != 0 else math.nan
    se_nc = math.sqrt(var_nc) if math.isfinite(var_nc) and var_nc >= 0 else math.nan
    # Fieller: Student's t when the scale was fitted from the scatter (or
    # inflated by it), the normal quantile when the given errors stand
    fitted_scale = n > 2 and (
        (method == "ols" and sy_all is None)
        or (not absolute_sigma and math.isfinite(chi2_red) and chi2_red > 1)
    )
    q = _student_t975(n - 2) if fitted_scale else 1.959963984540054
    ci = fieller_interval(a, b, sa**2, sb**2, cab, q)
    g = q * q * sb**2 / b**2 if b != 0 and math.isfinite(sb) else math.nan
    ci_cm2 = None if ci is None else (ci[0] * xs * 1e-4, ci[1] * xs * 1e-4)
    # back to SI then to display units: slope per m^-2 = b/xs; per cm^-2 = b/xs*1e4
    slope = Estimate(b / xs * 1e4, sb / xs * 1e4, "K cm^2", label)
    inter = Estimate(a, sa, "K", label)
    ncrit = Estimate(
        nc * xs * 1e-4, se_nc * xs * 1e-4, "cm^-2", f"{label}; n_s where the line reaches Tc = 0"
    )
    flags = []
    if math.isfinite(nc) and nc * xs < x.min():
        span = float(x.max() - x.min())
        frac = (x.min() - nc * xs) / span
        if frac > 0.5:
            flags.append(f"extrapolated {100 * frac:.0f}% of the data span below the lowest n_s")
    if math.isfinite(g) and g >= 0.1:
        if ci_cm2 is None:
            flags.append(
                f"slope not significantly nonzero (g = {g:.2f} >= 1): the 95% interval of n_c "
                "is unbounded"
            )
        else:
            flags.append(
                f"slope uncertain (g = {g:.2f}): the 95% interval of n_c is asymmetric, "
                f"[{ci_cm2[0]:.3g}, {ci_cm2[1]:.3g}] cm^-2 (Fieller); do not use +-stderr"
            )
    if flags:
        ncrit = dataclasses.replace(ncrit, flag="; ".join(flags))
    return LineResult(slope, inter, ncrit, int(n), rstd, chi2_red, label, ci_cm2, g)


def _student_t975(dof: int) -> float:
    """Two-sided 95% quantile of Student's t with ``dof`` degrees of freedom."""
    from scipy.special import stdtrit

    return float(stdtrit(dof, 0.975))
