"""The one module that talks to the optimiser.

Public analysis functions call these helpers and turn their output into sc2d
result objects; nobody else imports :mod:`scipy.optimize` for fitting. All
uncertainties are one-sigma, from the Jacobian at the optimum scaled by the
reduced chi-square (when no ``sigma`` is given) or taken absolutely (when
``absolute_sigma=True``).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["FitOutput", "LineFit", "curve_fit", "line_fit", "line_fits"]


@dataclass(frozen=True)
class FitOutput:
    """Raw output of a nonlinear least-squares fit (internal).

    Attributes
    ----------
    params, stderr : ndarray
        Best-fit parameters and their one-sigma errors (NaN if not estimable).
    cov : ndarray
        Parameter covariance matrix.
    chi2_red : float
        Reduced chi-square (residual variance when no sigma was given).
    n_points : int
    success : bool
    message : str
    """

    params: np.ndarray
    stderr: np.ndarray
    cov: np.ndarray
    chi2_red: float
    n_points: int
    success: bool
    message: str

    def corr(self, i: int, j: int) -> float:
        """Correlation coefficient of parameters i and j."""
        d = self.stderr[i] * self.stderr[j]
        return float(self.cov[i, j] / d) if d > 0 and np.isfinite(d) else math.nan


def curve_fit(
    f: Callable[..., np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    p0: Sequence[float],
    *,
    sigma: np.ndarray | None = None,
    bounds: tuple[Sequence[float], Sequence[float]] | None = None,
    absolute_sigma: bool = False,
    x_scale: Sequence[float] | str = "jac",
    max_nfev: int | None = None,
    loss: str = "linear",
) -> FitOutput:
    """Least-squares fit of ``y = f(x, *p)`` with covariance from the Jacobian.

    Never raises for a fit that fails to converge: ``success`` is False and
    ``message`` says why (the caller flags its result).
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    p0 = np.asarray(p0, dtype=float)
    w = None if sigma is None else 1.0 / np.asarray(sigma, dtype=float)
    lo, hi = (
        (np.full(p0.size, -np.inf), np.full(p0.size, np.inf))
        if bounds is None
        else (np.asarray(bounds[0], float), np.asarray(bounds[1], float))
    )
    p0 = np.clip(p0, np.nextafter(lo, np.inf), np.nextafter(hi, -np.inf))

    def resid(p: np.ndarray) -> np.ndarray:
        r = f(x, *p) - y
        return r if w is None else r * w

    from scipy import optimize  # lazy: ~0.2 s to import, only nonlinear fits need it

    n = y.size
    k = p0.size
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            sol = optimize.least_squares(
                resid,
                p0,
                bounds=(lo, hi),
                x_scale=x_scale,
                max_nfev=max_nfev,
                loss=loss,
                method="trf",
            )
    except (ValueError, np.linalg.LinAlgError) as exc:
        nan = np.full(k, np.nan)
        return FitOutput(p0, nan, np.full((k, k), np.nan), math.nan, n, False, str(exc))
    res = sol.fun
    dof = max(n - k, 0)
    chi2 = float(np.sum(res**2))
    chi2_red = chi2 / dof if dof > 0 else math.nan
    J = sol.jac
    try:
        _, s, vt = np.linalg.svd(J, full_matrices=False)
        thresh = np.finfo(float).eps * max(J.shape) * (s[0] if s.size else 0.0)
        if s.size == 0 or np.any(s <= thresh):
            raise np.linalg.LinAlgError("singular Jacobian")
        cov = (vt.T / s**2) @ vt
        if not absolute_sigma:
            cov = cov * chi2_red
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    stderr = (
        np.sqrt(np.clip(np.diag(cov), 0, None)) if np.all(np.isfinite(cov)) else np.full(k, np.nan)
    )
    ok = bool(sol.success) and np.all(np.isfinite(sol.x))
    return FitOutput(sol.x, stderr, cov, chi2_red, n, ok, str(sol.message))


@dataclass(frozen=True)
class LineFit:
    """Ordinary least-squares line y = slope x + intercept (internal).

    ``x_intercept`` is where the line crosses y = 0, with its stderr from the
    full covariance (delta method).
    """

    slope: float
    intercept: float
    slope_stderr: float
    intercept_stderr: float
    cov: float  # cov(slope, intercept)
    residual_std: float
    n_points: int

    @property
    def x_intercept(self) -> float:
        return -self.intercept / self.slope if self.slope != 0 else math.nan

    @property
    def x_intercept_stderr(self) -> float:
        a, b = self.slope, self.intercept
        if a == 0:
            return math.nan
        xc = -b / a
        var = (self.intercept_stderr**2 + xc**2 * self.slope_stderr**2 + 2 * xc * self.cov) / a**2
        return math.sqrt(var) if var >= 0 else math.nan


def line_fit(x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None = None) -> LineFit:
    """Weighted (or unweighted) least-squares straight line with covariance.

    Without ``sigma`` the errors come from the residual scatter (N-2 dof);
    with ``sigma`` they are absolute (1/sigma^2 weights).
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    n = x.size
    if n < 2:
        raise ValueError("a line needs at least 2 points")
    w = np.ones(n) if sigma is None else 1.0 / np.asarray(sigma, float) ** 2
    sw = w.sum()
    xm = (w * x).sum() / sw
    ym = (w * y).sum() / sw
    sxx = (w * (x - xm) ** 2).sum()
    sxy = (w * (x - xm) * (y - ym)).sum()
    slope = sxy / sxx if sxx > 0 else math.nan
    intercept = ym - slope * xm
    resid = y - (slope * x + intercept)
    dof = n - 2
    if sigma is None:
        s2 = (resid**2).sum() / dof if dof > 0 else math.nan
        var_a = s2 / sxx
        var_b = s2 * (1.0 / n + xm**2 / sxx)
        cov = -xm * s2 / sxx
        rstd = math.sqrt(s2) if dof > 0 else math.nan
    else:
        var_a = 1.0 / sxx
        var_b = 1.0 / sw + xm**2 / sxx
        cov = -xm / sxx
        rstd = math.sqrt((w * resid**2).sum() / dof) if dof > 0 else math.nan
    return LineFit(
        float(slope), float(intercept), math.sqrt(var_a), math.sqrt(var_b), float(cov), rstd, n
    )


def line_fits(
    x: np.ndarray, y: np.ndarray, mask: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """Many unweighted straight lines at once, one per row of ``x``/``y``.

    Vectorised over rows (e.g. log V vs log I of every I-V curve of a
    family). ``mask`` (same shape, bool) selects the points of each row.
    Returns arrays ``slope``, ``intercept``, ``slope_stderr``,
    ``intercept_stderr``, ``cov`` (of intercept and slope), ``n``; rows with
    fewer than 3 points get NaN.
    """
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    m = np.isfinite(x) & np.isfinite(y)
    if mask is not None:
        m &= np.asarray(mask, bool)
    w = m.astype(float)
    n = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xs = np.where(m, x, 0.0)
        ys = np.where(m, y, 0.0)
        xm = xs.sum(axis=1) / n
        ym = ys.sum(axis=1) / n
        dx = np.where(m, x - xm[:, None], 0.0)
        dy = np.where(m, y - ym[:, None], 0.0)
        sxx = (dx**2).sum(axis=1)
        sxy = (dx * dy).sum(axis=1)
        slope = sxy / sxx
        intercept = ym - slope * xm
        resid = np.where(m, y - (slope[:, None] * x + intercept[:, None]), 0.0)
        s2 = (resid**2).sum(axis=1) / (n - 2)
        slope_se = np.sqrt(s2 / sxx)
        int_se = np.sqrt(s2 * (1.0 / n + xm**2 / sxx))
        cov = -xm * s2 / sxx
    bad = n < 3
    for a in (slope, intercept, slope_se, int_se, cov):
        a[bad] = np.nan
    return {
        "slope": slope,
        "intercept": intercept,
        "slope_stderr": slope_se,
        "intercept_stderr": int_se,
        "cov": cov,
        "n": n.astype(int),
    }
