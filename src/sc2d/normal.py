"""Normal-state transport: Van der Pauw, (anti)symmetrisation, Hall, mobility.

References: L. J. van der Pauw, Philips Res. Rep. 13, 1 (1958); ASTM F76 /
NIST Hall-effect procedure for the averaging of configurations; two-carrier
Drude model: Ashcroft & Mermin ch. 12, Biscaras et al., PRL 108, 247004
(2012); PHYSICS §1-§2 (single band, g = 2 for k_F and l).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from . import _fit, physics
from .data import Estimate, Result
from .errors import DataError

__all__ = [
    "HallResult",
    "TwoBandResult",
    "VdpResult",
    "antisymmetrize",
    "hall_analysis",
    "reciprocal_average",
    "reversed_polarity",
    "symmetrize",
    "van_der_pauw",
    "zero_field_resistance",
]


@dataclass(frozen=True)
class VdpResult(Result):
    """Van der Pauw sheet resistance.

    Attributes
    ----------
    r_s_ohm : float
        Sheet resistance (Ohm per square).
    r_a_ohm, r_b_ohm : float
        The two configurations' resistances (Ohm).
    ratio : float
        R_B/R_A; far from 1 for a square sample flags misplaced contacts or
        an inhomogeneous layer.
    f_factor : float
        Van der Pauw correction f in R_s = (pi/ln2) (R_A + R_B)/2 f.
    """

    r_s_ohm: float
    r_a_ohm: float
    r_b_ohm: float
    ratio: float
    f_factor: float


def van_der_pauw(r_a: float, r_b: float) -> VdpResult:
    """Sheet resistance from R_A and R_B by the Van der Pauw equation.

    exp(-pi R_A/R_s) + exp(-pi R_B/R_s) = 1, solved to machine precision for
    any R_B/R_A (see :func:`sc2d.physics.vdp_sheet_resistance`).

    Examples
    --------
    >>> round(van_der_pauw(100.0, 100.0).r_s_ohm, 6)   # pi/ln2 * 100
    453.236014
    """
    for name, v in (("R_A", r_a), ("R_B", r_b)):
        if not (math.isfinite(v) and v > 0):
            raise DataError(f"{name} must be a positive, finite resistance in Ohm, got {v}")
    ratio = max(r_a, r_b) / min(r_a, r_b)
    if not math.isfinite(ratio) or ratio > 1e8:
        raise DataError(
            f"R_B/R_A = {r_b / r_a:.3g} is outside what a Van der Pauw measurement gives "
            "(1e-8 to 1e8); check the contacts and the values of R_A and R_B"
        )
    r_s = float(physics.vdp_sheet_resistance(r_a, r_b))
    f = r_s / (np.pi / np.log(2) * (r_a + r_b) / 2)
    return VdpResult(r_s, float(r_a), float(r_b), float(r_b / r_a), float(f))


def reversed_polarity(v_plus: ArrayLike, v_minus: ArrayLike, current: ArrayLike) -> np.ndarray:
    """DC resistance with the current reversed: [V(+I) - V(-I)]/(2I) (Ohm).

    Removes thermoelectric offsets. ``current`` is the magnitude |I| (A).
    """
    return (np.asarray(v_plus, float) - np.asarray(v_minus, float)) / (
        2 * np.asarray(current, float)
    )


def reciprocal_average(*resistances: ArrayLike) -> np.ndarray:
    """Mean of the reciprocal / reversed configurations of one Van der Pauw
    resistance, e.g. R_A = (R_21,34 + R_12,43 + R_43,12 + R_34,21)/4 (Ohm).
    """
    if not resistances:
        raise ValueError("give at least one resistance")
    return np.mean(np.vstack([np.asarray(r, float) for r in resistances]), axis=0)


# --------------------------------------------------------------------------
# (Anti)symmetrisation (PHYSICS §1)
# --------------------------------------------------------------------------
def _branches(b: np.ndarray, r: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Field sweeps grouped by direction, each sorted by B (finite points only).

    Up- and down-sweeps are kept apart so that hysteretic data are paired
    (up at +B with down at -B); a single sweep or unsorted points are one
    branch.
    """
    from .transition import _sweep_runs

    b = np.asarray(b, float)
    r = np.asarray(r, float)
    m = np.isfinite(b) & np.isfinite(r)
    b, r = b[m], r[m]
    runs = _sweep_runs(b)
    groups: dict[str, list[slice]] = {}
    for sl, d in runs:
        groups.setdefault(d, []).append(sl)
    out = []
    span = float(np.ptp(b)) if b.size else 0.0
    for sls in groups.values():
        idx = np.concatenate([np.arange(b.size)[s] for s in sls])
        bb, rr = b[idx], r[idx]
        if bb.size >= 3 and np.ptp(bb) >= 0.3 * span:
            i = np.argsort(bb, kind="stable")
            out.append((bb[i], rr[i]))
    if len(out) != 2:
        i = np.argsort(b, kind="stable")
        out = [(b[i], r[i])]
    return [_deglitch(x, y) for x, y in out]


def _deglitch(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Drop single-point glitches of a branch sorted by B (Hampel filter)."""
    from .transition import _hampel, _noise_sigma, _window_width

    if x.size < 7:
        return x, y
    bad = _hampel(y, _window_width(x.size), _noise_sigma(y))
    return (x[~bad], y[~bad]) if bad.any() else (x, y)


#: |B| values closer than this fraction of the largest |B| are one grid point
_GRID_RTOL = 1e-9


def _abs_grid(b: np.ndarray, bmax: float) -> np.ndarray:
    """Sorted distinct |B| <= bmax of the points ``b``, ending at ``bmax`` (T).

    +B and -B setpoints that differ in their last bits (a reader's unit
    conversion: Oe x 1e-4 rounds +B and -B differently) are one grid point:
    values within ``_GRID_RTOL`` x max|B| merge into the first (smallest) of
    them, so the grid, and every number derived from it, does not depend on
    the last bit of the field values.
    """
    a = np.sort(np.abs(b))
    tol = _GRID_RTOL * float(max(a[-1], bmax)) if a.size else 0.0
    a = a[a <= bmax + tol]
    if a.size:
        a = np.minimum(a[np.concatenate(([True], np.diff(a) > tol))], bmax)
    if a.size == 0 or a[-1] < bmax - tol:
        a = np.append(a, bmax)
    return a


def _parity(b: ArrayLike, r: ArrayLike, sign: float) -> tuple[np.ndarray, np.ndarray]:
    b = np.asarray(b, float)
    r = np.asarray(r, float)
    if b.shape != r.shape or b.ndim != 1:
        raise DataError(f"B and R must be 1-D arrays of equal length, got {b.shape} and {r.shape}")
    br = _branches(b, r)
    bmax = min(min(x[-1], -x[0]) for x, _ in br)
    if not bmax > 0:
        lo = min(x[0] for x, _ in br)
        hi = max(x[-1] for x, _ in br)
        raise DataError(
            f"field range {lo:.4g} to {hi:.4g} T does not cover both signs of B; "
            "(anti)symmetrisation needs data at +B and -B"
        )
    # grid: the |B| of the first branch's points inside the common range
    grid = _abs_grid(br[0][0], bmax)
    if len(br) == 1:
        x, y = br[0]
        val = (np.interp(grid, x, y) + sign * np.interp(-grid, x, y)) / 2
    else:
        (xu, yu), (xd, yd) = br
        v1 = (np.interp(grid, xu, yu) + sign * np.interp(-grid, xd, yd)) / 2
        v2 = (np.interp(grid, xd, yd) + sign * np.interp(-grid, xu, yu)) / 2
        val = (v1 + v2) / 2
    return grid, val


def antisymmetrize(B: ArrayLike, Rxy: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Antisymmetric part R_xy^anti(B) = [R_xy(B) - R_xy(-B)]/2 on a |B| grid.

    Up- and down-sweeps are paired as [R_up(B) - R_down(-B)]/2 (and the
    mirror pairing, averaged), which cancels hysteresis and R_xx pick-up
    (PHYSICS §1). Each branch is sorted and interpolated with ``np.interp``
    inside its own range only (never extrapolated).

    Parameters
    ----------
    B : array_like
        Field mu0 H (T) in recorded order.
    Rxy : array_like
        Hall resistance (Ohm).

    Returns
    -------
    (B_grid, Rxy_anti) : ndarray
        B_grid >= 0 (T, the |B| of the measured points up to the largest
        field reached at both signs), R_xy^anti (Ohm).
    """
    return _parity(B, Rxy, -1.0)


def symmetrize(B: ArrayLike, Rxx: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric part R_xx^sym(B) = [R_xx(B) + R_xx(-B)]/2 on a |B| grid (Ohm).

    Same pairing and grid as :func:`antisymmetrize`.
    """
    return _parity(B, Rxx, +1.0)


# --------------------------------------------------------------------------
# Hall analysis (PHYSICS §2)
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class TwoBandResult(Result):
    """Two-carrier Drude fit constrained by sigma_xx(0) = 1/R_s.

    Densities in cm^-2, mobilities in cm^2/(V s), band 1 the faster one.
    ``justified`` is True only when the curvature of R_xy(B) is significant
    (F-test p < 1e-3 against the single band) and every parameter is
    determined to better than 30%; otherwise ``flag`` says why (PHYSICS §2:
    at mu B_max << 1 the fit is degenerate).

    Both carrier pairings are fitted: two bands of the low-field Hall sign,
    and one of each sign (electrons and holes, as in compensated
    semimetals). ``carrier1``/``carrier2`` ("electron" or "hole") say which
    was kept: the like-sign pair unless the mixed pair fits better by
    ``sign_delta_chi2`` > 10 (chi-square difference in units of the better
    fit's residual variance; the models have the same number of
    parameters). A mixed pair within 10 of the like pair is ambiguous and
    flagged.
    """

    n1_cm2: Estimate
    mu1_cm2_per_Vs: Estimate
    n2_cm2: Estimate
    mu2_cm2_per_Vs: Estimate
    justified: bool
    f_test_p: float
    mu_b_max: float
    flag: str = ""
    carrier1: str = ""
    carrier2: str = ""
    sign_delta_chi2: float = math.nan


@dataclass(frozen=True)
class HallResult(Result):
    """Hall density, carrier sign, mobility and derived normal-state numbers.

    Attributes
    ----------
    n_s_cm2 : Estimate
        Low-field Hall density 1/(e |dR_xy/dB|) (cm^-2).
    carrier : str
        ``"electron"`` (dR_xy/dB < 0) or ``"hole"``.
    hall_slope_ohm_per_T : Estimate
        Low-field slope of R_xy^anti(B) (Ohm/T).
    mobility_cm2_per_Vs : Estimate
        Hall mobility 1/(e n_s R_s) (cm^2/(V s)); missing without R_s.
    r_s_ohm : Estimate
        Sheet resistance used (``--rs`` or R_xx^sym(B = 0) of the same file).
    k_f_per_m, mean_free_path_nm, kf_l : Estimate
        k_F = sqrt(2 pi n_s), l = hbar k_F mu/e, k_F l (single band, g = 2).
    sheet_conductance_e2_h : Estimate
        1/R_s in units of e^2/h (= R_K/R_s).
    two_band : TwoBandResult or None
    window_T : float
        Largest |B| used in the slope fit (T).
    temperature_K : float
        Median temperature of the file (NaN when it has no T column).
    method : str
    flags : list of str
    """

    n_s_cm2: Estimate
    carrier: str
    hall_slope_ohm_per_T: Estimate
    mobility_cm2_per_Vs: Estimate
    r_s_ohm: Estimate
    k_f_per_m: Estimate
    mean_free_path_nm: Estimate
    kf_l: Estimate
    sheet_conductance_e2_h: Estimate
    two_band: TwoBandResult | None
    window_T: float
    temperature_K: float
    n_points: int
    method: str
    flags: list[str] = field(default_factory=list)
    fixed: dict[str, float] = field(default_factory=dict, repr=False)
    _B: np.ndarray | None = field(default=None, repr=False, compare=False)
    _Rxy: np.ndarray | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """Human-readable lines with value +/- stderr and the method."""
        lines = [
            f"carrier: {self.carrier}",
            f"n_s = {self.n_s_cm2:.5g}  ({self.n_s_cm2.method})",
            f"dR_xy/dB = {self.hall_slope_ohm_per_T:.5g}  (|B| <= {self.window_T:.4g} T)",
        ]
        for name, e in (
            ("R_s", self.r_s_ohm),
            ("mobility", self.mobility_cm2_per_Vs),
            ("k_F", self.k_f_per_m),
            ("mean free path", self.mean_free_path_nm),
            ("k_F l", self.kf_l),
            ("sheet conductance", self.sheet_conductance_e2_h),
        ):
            if math.isfinite(e.value):
                lines.append(f"{name} = {e:.4g}")
            else:
                lines.append(f"{name}: {e.flag}")
        if self.two_band is not None:
            tb = self.two_band
            state = "justified" if tb.justified else f"not justified ({tb.flag})"
            lines.append(
                f"two-band: n1 = {tb.n1_cm2:.3g}, mu1 = {tb.mu1_cm2_per_Vs:.3g}"
                + (f" ({tb.carrier1}s)" if tb.carrier1 else "")
                + f", n2 = {tb.n2_cm2:.3g}, mu2 = {tb.mu2_cm2_per_Vs:.3g}"
                + (f" ({tb.carrier2}s)" if tb.carrier2 else "")
                + f"; {state}"
            )
        if math.isfinite(self.temperature_K):
            lines.append(f"at T = {self.temperature_K:.4g} K")
        lines.extend(f"flag: {f}" for f in self.flags)
        return "\n".join(lines)


def _odd_poly(b: np.ndarray, s1: float, s3: float) -> np.ndarray:
    return s1 * b + s3 * b**3


def _odd_poly5(b: np.ndarray, s1: float, s3: float, s5: float) -> np.ndarray:
    return s1 * b + s3 * b**3 + s5 * b**5


def _linear0(b: np.ndarray, s1: float) -> np.ndarray:
    return s1 * b


def _raw_inflation(b: np.ndarray, y: np.ndarray, bmax: float, se_fit: float) -> float:
    """Factor (>= 1) by which the antisymmetrised-grid slope stderr is too small."""
    from .transition import _noise_sigma

    sig2, wsum, sb2 = 0.0, 0, 0.0
    for x, r in _branches(b, y):
        sel = np.abs(x) <= bmax
        xs, rs = x[sel], r[sel]
        if xs.size >= 5:
            sg = _noise_sigma(rs)
            if math.isfinite(sg):
                sig2 += sg**2 * xs.size
                wsum += xs.size
        sb2 += float(np.sum(xs**2))
    if wsum == 0 or not sb2 > 0 or not se_fit > 0:
        return 1.0
    se_raw = math.sqrt(sig2 / wsum) / math.sqrt(sb2)
    return max(1.0, se_raw / se_fit)


def _two_band_fit(
    b: np.ndarray,
    rxy: np.ndarray,
    r_s: float,
    sign: int,
    rss1: float,
    mu_h: float,
    infl: float = 1.0,
) -> TwoBandResult:
    """Constrained two-band fit of R_xy^anti(B) (3 free parameters), both sign pairings.

    Parametrisation: phi = e n1 mu1 R_s in (0, 1) (band-1 share of the
    zero-field conductance), mu1, mu2; n2 = (1 - phi)/(e R_s mu2) enforces
    sigma_xx(0) = 1/R_s exactly (PHYSICS §2). Band 1 carries the sign of the
    low-field Hall slope; band 2 the same sign, or the other one (then the
    low-field Hall mobility is phi mu1 - (1 - phi) mu2).
    """
    q = -1 if sign < 0 else 1
    like = _two_band_pairing(b, rxy, r_s, q, q, mu_h)
    mixed = _two_band_pairing(b, rxy, r_s, q, -q, mu_h)
    n = b.size
    bmax = float(np.max(np.abs(b)))
    if like is None and mixed is None:
        miss = Estimate.missing("", "two-band fit did not converge")
        return TwoBandResult(miss, miss, miss, miss, False, math.nan, mu_h * bmax, miss.flag)
    delta = math.nan
    best, q2 = (like, q) if like is not None else (mixed, -q)
    if like is not None and mixed is not None:
        rss_like = like.chi2_red * (n - 3)
        rss_mixed = mixed.chi2_red * (n - 3)
        var = min(rss_like, rss_mixed) / (n - 3) if n > 3 else math.nan
        delta = (rss_like - rss_mixed) / var if var > 0 else math.nan
        if math.isfinite(delta) and delta > _SIGN_DELTA_CHI2:
            best, q2 = mixed, -q
    return _two_band_result(best, r_s, q, q2, rss1, n, bmax, infl, delta)


#: chi-square margin (in units of the residual variance) by which the other
#: carrier pairing must fit better to be chosen; within it the signs are ambiguous
_SIGN_DELTA_CHI2 = 10.0


def _two_band_pairing(
    b: np.ndarray, rxy: np.ndarray, r_s: float, q1: int, q2: int, mu_h: float
) -> Any:
    """Best of a few starts of the constrained fit with band signs (q1, q2); None if none converged."""
    e = physics.E

    def model(x: np.ndarray, phi: float, l1: float, l2: float) -> np.ndarray:
        mu1, mu2 = math.exp(l1), math.exp(l2)
        n1 = phi / (e * r_s * mu1)
        n2 = (1 - phi) / (e * r_s * mu2)
        return physics.two_band_rxy(x, n1, mu1, n2, mu2, q1, q2)

    starts = []
    for ratio in (2.0, 4.0, 10.0):
        mu1 = ratio * mu_h
        if q1 == q2:  # mu_h = phi mu1 + (1 - phi) mu2
            mu2 = mu_h / ratio
            starts.append(((mu_h - mu2) / (mu1 - mu2), mu1, mu2))
        else:  # mu_h = phi mu1 - (1 - phi) mu2: band 1 (the Hall sign) the faster
            for mu2 in (mu_h / ratio, mu_h):
                starts.append(((mu_h + mu2) / (mu1 + mu2), mu1, mu2))
    best = None
    for phi, mu1, mu2 in starts:
        fo = _fit.curve_fit(
            model,
            b,
            rxy,
            [phi, math.log(mu1), math.log(mu2)],
            bounds=([1e-6, -25.0, -25.0], [1 - 1e-6, 5.0, 5.0]),
            max_nfev=3000,
        )
        if fo.success and (best is None or fo.chi2_red < best.chi2_red):
            best = fo
    return best


def _two_band_result(
    best: Any,
    r_s: float,
    q1: int,
    q2: int,
    rss1: float,
    n: int,
    bmax: float,
    infl: float,
    delta: float,
) -> TwoBandResult:
    """:class:`TwoBandResult` of the kept fit: densities, errors, F-test, flags."""
    from scipy import stats

    e = physics.E
    phi, l1, l2 = (float(v) for v in best.params)
    mu1, mu2 = math.exp(l1), math.exp(l2)
    cov = best.cov
    # n1 = phi/(e Rs mu1), n2 = (1-phi)/(e Rs mu2), mu = exp(l): delta method
    n1 = phi / (e * r_s * mu1)
    n2 = (1 - phi) / (e * r_s * mu2)
    g1 = np.array([1 / phi, -1.0, 0.0]) * n1
    g2 = np.array([-1 / (1 - phi), 0.0, -1.0]) * n2
    cov = cov * infl**2
    ok = bool(np.all(np.isfinite(cov)))
    se_n1 = math.sqrt(max(float(g1 @ cov @ g1), 0.0)) if ok else math.nan
    se_n2 = math.sqrt(max(float(g2 @ cov @ g2), 0.0)) if ok else math.nan
    se = best.stderr * infl
    bands = [
        (n1, se_n1, mu1, mu1 * float(se[1]), q1),
        (n2, se_n2, mu2, mu2 * float(se[2]), q2),
    ]
    bands.sort(key=lambda t: -t[2])
    rss2 = best.chi2_red * (n - 3)
    p = math.nan
    if n > 3 and rss2 > 0 and rss1 > rss2:
        fstat = ((rss1 - rss2) / 2) / (rss2 / (n - 3))
        p = float(stats.f.sf(fstat, 2, n - 3))
    elif rss1 <= rss2:
        p = 1.0
    mub = max(mu1, mu2) * bmax
    rel = [bd[1] / bd[0] for bd in bands] + [bd[3] / bd[2] for bd in bands]
    determined = all(math.isfinite(x) and x < 0.3 for x in rel)
    ambiguous = math.isfinite(delta) and abs(delta) <= _SIGN_DELTA_CHI2
    justified = bool(math.isfinite(p) and p < 1e-3 and determined and not ambiguous)
    flag = ""
    if not justified:
        why = []
        if not (math.isfinite(p) and p < 1e-3):
            why.append(f"curvature of R_xy(B) not significant (F-test p = {p:.2g})")
        if not determined:
            why.append("band parameters undetermined (relative stderr > 30%)")
        if ambiguous:
            why.append(
                f"carrier signs ambiguous (like and mixed pairs fit within delta chi2 = "
                f"{delta:.3g})"
            )
        if mub < 1:
            why.append(f"mu_max B_max = {mub:.2g} < 1, the two-band fit is degenerate")
        flag = "; ".join(why) + "; use the single-band n_s"
    kinds = "like" if q1 == q2 else "mixed"
    m = f"two-carrier Drude ({kinds} signs), sigma_xx(0) = 1/R_s imposed"
    return TwoBandResult(
        Estimate(bands[0][0] * 1e-4, bands[0][1] * 1e-4, "cm^-2", m),
        Estimate(bands[0][2] * 1e4, bands[0][3] * 1e4, "cm^2/(V s)", m),
        Estimate(bands[1][0] * 1e-4, bands[1][1] * 1e-4, "cm^-2", m),
        Estimate(bands[1][2] * 1e4, bands[1][3] * 1e4, "cm^2/(V s)", m),
        justified,
        p,
        mub,
        flag,
        _CARRIER[bands[0][4]],
        _CARRIER[bands[1][4]],
        delta,
    )


#: sign of a band's charge -> carrier name
_CARRIER = {-1: "electron", 1: "hole"}


def zero_field_resistance(B: ArrayLike, Rxx: ArrayLike) -> Estimate:
    """R_xx(B = 0) (Ohm) from the symmetrised magnetoresistance.

    Fit R = R0 + c B^2 to R_xx^sym over the lowest 10% of the field range
    (at least 5 points); data on one side of zero only: the same fit on the
    raw points.
    """
    b = np.asarray(B, float)
    r = np.asarray(Rxx, float)
    try:
        g, v = symmetrize(b, r)
        how = "symmetrised R_xx"
    except DataError:
        m = np.isfinite(b) & np.isfinite(r)
        g, v = np.abs(b[m]), r[m]
        how = "raw R_xx (one field sign only)"
    if g.size < 3:
        raise DataError(f"R_xx(B) holds {g.size} usable points; at least 3 are needed for R_s")
    bmax = float(np.max(g))
    k = max(5, int(np.count_nonzero(g <= 0.1 * bmax)))
    idx = np.argsort(g, kind="stable")[:k]
    gg, vv = g[idx], v[idx]
    if gg.size >= 4 and np.ptp(gg) > 0:
        lf = _fit.line_fit(gg**2, vv)
        val, se = lf.intercept, lf.intercept_stderr
    else:
        val, se = float(np.mean(vv)), math.nan
    hi = float(gg.max())
    return Estimate(
        float(val),
        float(se),
        "Ohm",
        f"R_xx(B = 0) from {how}: R0 + c B^2 over |B| <= {hi:.3g} T",
        (0.0, hi),
    )


def hall_analysis(
    B: ArrayLike,
    Rxy: ArrayLike,
    *,
    rxx: ArrayLike | None = None,
    b_xx: ArrayLike | None = None,
    r_s: float | None = None,
    window: float | None = None,
    two_band: str = "auto",
    temperature: float = math.nan,
    source: str = "",
) -> HallResult:
    """Single-band Hall analysis with mobility, k_F, l, k_F l (and two bands).

    Parameters
    ----------
    B : array_like
        Field mu0 H (T), recorded order; up/down sweeps are paired.
    Rxy : array_like
        Hall resistance (Ohm).
    rxx : array_like, optional
        R_xx (Ohm) at the same points: R_s = R_xx^sym(B = 0)
        (:func:`zero_field_resistance`), at the same temperature as the Hall
        slope (PHYSICS §2).
    b_xx : array_like, optional
        Fields (T) of ``rxx`` when they differ from ``B``.
    r_s : float, optional
        Sheet resistance (Ohm) to use instead (``--rs``).
    window : float, optional
        Fit only |B| <= window (T); default: the whole common range.
    two_band : {"auto", "always", "never"}
        ``"auto"`` fits two bands when R_xy(B) bends (cubic term significant
        at 3 sigma), R_s is known and >= 10 points exist; ``"always"`` fits
        them whenever R_s is known.
    temperature : float
        Temperature of the measurement (K), reported.
    source : str
        File name for messages.

    Returns
    -------
    HallResult

    Raises
    ------
    DataError
        Too few points, or no significant Hall slope (|slope| < 3 stderr).

    Notes
    -----
    R_xy^anti(B) = s1 B (+ s3 B^3 when the cubic term is significant at
    3 sigma; then s1 is the low-field slope) by least squares through the
    origin. n_s = 1/(e |s1|), carrier = electron if s1 < 0. mu = |s1|/R_s =
    1/(e n_s R_s); k_F = sqrt(2 pi n_s) and l = hbar k_F mu/e assume a single
    band with g = 2; k_F l = (h/e^2)/R_s. Errors propagate with the exact
    power laws (k_F ~ |s1|^-1/2, l ~ |s1|^1/2/R_s).
    """
    where = f" in {source}" if source else ""
    b = np.asarray(B, float)
    y = np.asarray(Rxy, float)
    flags: list[str] = []
    try:
        g, ra = antisymmetrize(b, y)
        anti = True
    except DataError:
        m = np.isfinite(b) & np.isfinite(y)
        g, ra = b[m], y[m]
        anti = False
        flags.append("no negative fields: R_xy not antisymmetrised, offset fitted")
    if window is not None:
        if not window > 0:
            raise DataError(f"Hall fit window must be a positive field in T, got {window}")
        sel = np.abs(g) <= window
        g, ra = g[sel], ra[sel]
    n = g.size
    if n < 4:
        raise DataError(
            f"no Hall slope{where}: only {n} field points usable"
            + (f" within |B| <= {window:g} T" if window else "")
            + "; at least 4 are needed"
        )
    bmax = float(np.max(np.abs(g)))
    gs = g / bmax  # scaled for conditioning
    fit_w = bmax
    if anti:
        f1 = _fit.curve_fit(_linear0, gs, ra, [0.0])
        s1, se1 = f1.params[0], f1.stderr[0]
        rss1 = f1.chi2_red * (n - 1)
        method = "least squares through the origin of R_xy^anti(B)"
        if n >= 8:
            f3 = _fit.curve_fit(_odd_poly, gs, ra, [s1, 0.0])
            if f3.success and abs(f3.params[1]) > 3 * f3.stderr[1]:
                # R_xy bends: shrink the window until a B^5 term is not
                # needed, then take s1 of s1 B + s3 B^3 there
                wmax = 1.0
                while True:
                    sel = np.abs(gs) <= wmax
                    if sel.sum() < 12:
                        break
                    f5 = _fit.curve_fit(_odd_poly5, gs[sel], ra[sel], [s1, 0.0, 0.0])
                    if not (abs(f5.params[2]) > 3 * f5.stderr[2]):
                        break
                    wmax /= 1.5
                sel = np.abs(gs) <= wmax
                f3 = _fit.curve_fit(_odd_poly, gs[sel], ra[sel], [s1, 0.0])
                s1, se1 = f3.params[0], f3.stderr[0]
                bw = fit_w = wmax * bmax
                method = (
                    "low-field slope s1 of R_xy^anti = s1 B + s3 B^3 over "
                    f"|B| <= {bw:.3g} T (R_xy bends)"
                )
                flags.append("R_xy(B) is non-linear: low-field slope reported")
    else:
        lf = _fit.line_fit(gs, ra)
        s1, se1 = lf.slope, lf.slope_stderr
        rss1 = lf.residual_std**2 * (n - 2)
        method = "straight line with offset through R_xy(B)"
    slope = float(s1) / bmax
    se_slope = float(se1) / bmax
    # Interpolated, paired values are correlated: the stderr from their
    # scatter is too small. The slope cannot be better known than from every
    # raw point once: sigma_raw / sqrt(sum B_i^2) (noise from second
    # differences along each branch); inflate the fit errors by that ratio.
    infl = 1.0
    if anti:
        infl = _raw_inflation(b, y, bmax, float(f1.stderr[0]) / bmax)
        se_slope *= infl
    if not (abs(slope) >= 3 * se_slope) or slope == 0 or not math.isfinite(slope):
        raise DataError(
            f"no Hall slope{where}: dR_xy/dB = {slope:.3g} +/- {se_slope:.3g} Ohm/T is not "
            "significant (|slope| < 3 stderr); check the R_xy column (--y) and the field range"
        )
    carrier = "electron" if slope < 0 else "hole"
    rel_s = se_slope / abs(slope)
    n_si = float(physics.hall_density(slope))
    n_est = Estimate(n_si * 1e-4, n_si * 1e-4 * rel_s, "cm^-2", f"1/(e |dR_xy/dB|); {method}")
    slope_est = Estimate(slope, se_slope, "Ohm/T", method, (0.0, fit_w))
    kf = float(physics.fermi_wavevector(n_si))
    kf_est = Estimate(kf, kf * rel_s / 2, "m^-1", "k_F = sqrt(2 pi n_s) (single band, g = 2)")
    # sheet resistance
    if r_s is not None:
        if not (r_s > 0) or not math.isfinite(r_s):
            raise DataError(f"R_s must be a positive resistance in Ohm, got {r_s}")
        rs_est = Estimate(float(r_s), math.nan, "Ohm", "given (--rs)")
    elif rxx is not None and np.isfinite(np.asarray(rxx, float)).sum() >= 3:
        bx = b if b_xx is None else np.asarray(b_xx, float)
        rs_est = zero_field_resistance(bx, np.asarray(rxx, float))
    else:
        rs_est = Estimate.missing("Ohm", "R_s unknown: give an R_xx column or --rs")
    if math.isfinite(rs_est.value) and rs_est.value > 0:
        rs = rs_est.value
        rel_r = rs_est.stderr / rs if math.isfinite(rs_est.stderr) else 0.0
        mu = float(physics.hall_mobility(n_si, rs))
        rel_mu = math.hypot(rel_s, rel_r)
        mu_est = Estimate(mu * 1e4, mu * 1e4 * rel_mu, "cm^2/(V s)", "1/(e n_s R_s)")
        lmfp = float(physics.mean_free_path(n_si, mu))
        l_est = Estimate(
            lmfp * 1e9,
            lmfp * 1e9 * math.hypot(rel_s / 2, rel_r),
            "nm",
            "l = hbar k_F mu/e (single band, g = 2)",
        )
        kfl = kf * lmfp
        kfl_est = Estimate(kfl, kfl * rel_r, "", "k_F l = (h/e^2)/R_s (single band, g = 2)")
        gsq = physics.R_K / rs
        g_est = Estimate(gsq, gsq * rel_r, "e^2/h", "R_K/R_s")
    else:
        why = rs_est.flag or "R_s unknown"
        mu_est = Estimate.missing("cm^2/(V s)", why)
        l_est = Estimate.missing("nm", why)
        kfl_est = Estimate.missing("", why)
        g_est = Estimate.missing("e^2/h", why)
    # two bands
    tb = None
    bends = any("non-linear" in f for f in flags)
    use_tb = two_band == "always" or (two_band == "auto" and bends and n >= 10)
    if two_band not in ("auto", "always", "never"):
        raise DataError(f"two_band must be 'auto', 'always' or 'never', got {two_band!r}")
    if use_tb and anti:
        if math.isfinite(rs_est.value):
            tb = _two_band_fit(
                g, ra, rs_est.value, -1 if slope < 0 else 1, rss1, abs(slope) / rs_est.value, infl
            )
        elif two_band == "always":
            miss = Estimate.missing("", "two-band fit needs R_s (R_xx column or --rs)")
            tb = TwoBandResult(miss, miss, miss, miss, False, math.nan, math.nan, miss.flag)
    return HallResult(
        n_s_cm2=n_est,
        carrier=carrier,
        hall_slope_ohm_per_T=slope_est,
        mobility_cm2_per_Vs=mu_est,
        r_s_ohm=rs_est,
        k_f_per_m=kf_est,
        mean_free_path_nm=l_est,
        kf_l=kfl_est,
        sheet_conductance_e2_h=g_est,
        two_band=tb,
        window_T=fit_w,
        temperature_K=float(temperature),
        n_points=int(n),
        method=method,
        flags=flags,
        _B=g,
        _Rxy=ra,
    )
