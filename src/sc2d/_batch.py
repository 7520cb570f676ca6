"""Vectorised building blocks of the Tc analysis: many curves at once.

A family of R(T) curves (400 field steps of 5,000 points) is analysed as
padded 2-D arrays, one curve per row, so that the cost is a few numpy calls
per criterion instead of a few dozen per curve. Single curves go through the
same functions as a batch of one, so both paths give the same numbers.

Layout of a batch of ``m`` curves, each sorted by T, ``n[i]`` points long,
padded to ``L = max(n)`` columns:

- ``T``, ``R``: NaN beyond ``n[i]``;
- ``S`` (rolling median of R): ``+inf`` beyond ``n[i]``, so that the running
  maximum used by the crossing search stays monotonic and padding is never
  "below" a level.

Nothing here knows about criteria or results; :mod:`sc2d.transition` builds
the :class:`~sc2d.data.Estimate` objects.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ._robust import median

__all__ = [
    "first_at_least",
    "gather",
    "masked_line_fits",
    "pad_rows",
    "poly_roots",
    "rolling_median",
    "row_medians",
    "t_resolution",
]

#: rows per thread chunk of the rolling median (bottleneck releases the GIL)
_THREAD_MIN_POINTS = 200_000


def rolling_median(y: np.ndarray, w: int) -> np.ndarray:
    """Centred rolling median of odd width ``w`` along the last axis.

    Edges are padded with the end value (scipy's ``mode="nearest"``), so the
    result equals ``scipy.ndimage.median_filter(y, size=w, mode="nearest")``
    row by row: a median of an odd number of samples is one of them, no
    arithmetic is involved. Uses ``bottleneck.move_median`` (a double heap,
    O(log w) a point, the GIL released: big 2-D inputs are split over two
    threads), falling back to scipy when bottleneck is absent.

    Parameters
    ----------
    y : ndarray
        1-D curve or 2-D stack of curves (one per row), finite.
    w : int
        Odd window width (points).
    """
    y = np.asarray(y, float)
    if y.shape[-1] == 0 or w <= 1:
        return y.copy()
    h = w // 2
    try:
        import bottleneck as bn
    except ImportError:  # bottleneck is a dependency; tested by hiding it
        from scipy.ndimage import median_filter

        if y.ndim == 1:
            return median_filter(y, size=w, mode="nearest")
        return np.stack([median_filter(r, size=w, mode="nearest") for r in y])
    pad = [(0, 0)] * (y.ndim - 1) + [(h, h)]
    p = np.pad(y, pad, mode="edge")

    def run(a: np.ndarray) -> np.ndarray:
        return bn.move_median(a, w, axis=-1)[..., w - 1 :]

    if y.ndim == 2 and y.size >= _THREAD_MIN_POINTS and y.shape[0] >= 2:
        half = y.shape[0] // 2
        with ThreadPoolExecutor(2) as ex:
            parts = list(ex.map(run, (p[:half], p[half:])))
        return np.concatenate(parts, axis=0)
    return run(p)


def block_scale(dev: np.ndarray, w: int, blocks: np.ndarray | None = None) -> np.ndarray:
    """Local robust scale of ``dev`` (>= 0) along the last axis, one value a block.

    The row is cut into blocks of ``w`` points (the last block takes the
    remainder); each block gets the largest median of ``dev`` over itself
    and its two neighbours (a conservative local scale: a steep stretch
    raises the scale of the blocks next to it, a single glitch moves a
    median by one rank only). Cheap against a second rolling median.

    Parameters
    ----------
    dev : ndarray
        1-D, or 2-D with one curve per row.
    w : int
        Block length (points).
    blocks : ndarray of bool, optional
        Shape ``dev.shape[:-1] + (nb,)``: the blocks whose scale is wanted
        (only they and their neighbours are computed; the others are NaN).

    Returns
    -------
    ndarray
        Shape ``dev.shape[:-1] + (nb,)`` with ``nb = max(1, n // w)``; point
        ``i`` belongs to block ``min(i // w, nb - 1)``.
    """
    dev = np.asarray(dev, float)
    n = dev.shape[-1]
    lead = dev.shape[:-1]
    nb = max(1, n // w)
    body = dev[..., : nb * w].reshape(*lead, nb, w)
    if blocks is None:
        med = median(body, axis=-1)
        if nb * w < n:  # the remainder joins the last block
            med[..., -1] = median(dev[..., (nb - 1) * w :], axis=-1)
    else:
        need = blocks.copy()
        need[..., 1:] |= blocks[..., :-1]
        need[..., :-1] |= blocks[..., 1:]
        med = np.full(blocks.shape, np.nan)
        if nb * w < n:  # the last block (with the remainder) on its own
            last = need[..., -1]
            if np.any(last):
                tail = dev[..., (nb - 1) * w :]
                med[..., -1][last] = median(tail[last], axis=-1)
            need[..., -1] = False
        if np.any(need):
            med[need] = median(body[need], axis=-1)
    padded = np.concatenate([med[..., :1], med, med[..., -1:]], axis=-1)
    return np.maximum(np.maximum(padded[..., :-2], padded[..., 1:-1]), padded[..., 2:])


def block_any(flags: np.ndarray, w: int) -> np.ndarray:
    """Per block of ``w`` points (as :func:`block_scale` cuts them): does any flag hold?"""
    n = flags.shape[-1]
    lead = flags.shape[:-1]
    nb = max(1, n // w)
    out = flags[..., : nb * w].reshape(*lead, nb, w).any(axis=-1)
    if nb * w < n:
        out[..., -1] |= flags[..., nb * w :].any(axis=-1)
    return out


def exceeds(dev: np.ndarray, limit: np.ndarray, w: int) -> np.ndarray:
    """``dev > limit`` with one ``limit`` a block of ``w`` points (see :func:`block_scale`)."""
    n = dev.shape[-1]
    nb = limit.shape[-1]
    lead = dev.shape[:-1]
    out = np.empty(dev.shape, dtype=bool)
    body = out[..., : nb * w].reshape(*lead, nb, w)
    np.greater(dev[..., : nb * w].reshape(*lead, nb, w), limit[..., None], out=body)
    if nb * w < n:
        np.greater(dev[..., nb * w :], limit[..., -1:], out=out[..., nb * w :])
    return out


def pad_rows(rows: list[np.ndarray], fill: float) -> np.ndarray:
    """Stack 1-D arrays of different lengths into a 2-D array padded with ``fill``."""
    length = max((r.size for r in rows), default=0)
    out = np.full((len(rows), length), fill, dtype=float)
    for i, r in enumerate(rows):
        out[i, : r.size] = r
    return out


def gather(
    a: np.ndarray,
    start: np.ndarray,
    width: int,
    n: np.ndarray,
    rows: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``a[row, start : start + width]`` for every row, as a 2-D array.

    ``rows`` picks the rows of ``a`` (default: all, in order) without
    copying the others; ``start`` and ``n`` have one entry per picked row.
    Returns (values, indices, valid) where ``valid`` marks the indices inside
    ``[0, n)``; invalid entries hold the nearest valid element (use
    ``valid`` to mask them).
    """
    j = start[:, None] + np.arange(width)[None, :]
    valid = (j >= 0) & (j < n[:, None])
    jc = np.clip(j, 0, np.maximum(n - 1, 0)[:, None])
    if rows is None:
        return np.take_along_axis(a, jc, axis=1), j, valid
    return a[rows[:, None], jc], j, valid


def distinct_spans(
    T: np.ndarray, rows: np.ndarray, j0: np.ndarray, j1: np.ndarray, n: np.ndarray, grow: int = 12
) -> tuple[np.ndarray, np.ndarray]:
    """Index spans [j0, j1] of ``T[rows]`` widened (up to ``grow`` each side) until T differs.

    Thermometers that repeat a reading (quantised or sample-and-hold) give
    runs of equal T; a chord slope needs two different temperatures. The
    spans are first clipped to ``[0, n - 1]``.
    """
    j0 = np.maximum(0, j0)
    j1 = np.minimum(n - 1, j1)
    for _ in range(grow):
        need = ~(T[rows, j1] > T[rows, j0])
        if not need.any():
            break
        j0 = np.where(need, np.maximum(0, j0 - 1), j0)
        j1 = np.where(need, np.minimum(n - 1, j1 + 1), j1)
    return j0, j1


def row_medians(a: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Median of the valid entries of each row, as :func:`numpy.median` computes it.

    The middle element for an odd count, the mean of the middle pair for an
    even count (NaN for none): the same arithmetic as ``np.median`` of the
    valid entries, bit for bit.
    """
    s = np.sort(np.where(valid, a, np.inf), axis=1)
    c = valid.sum(axis=1)
    out = np.full(a.shape[0], np.nan)
    rows = np.flatnonzero(c > 0)
    if rows.size == 0:
        return out
    cc = c[rows]
    hi = s[rows, cc // 2]
    lo = s[rows, np.maximum(cc // 2 - 1, 0)]
    out[rows] = np.where(cc % 2 == 1, hi, (lo + hi) / 2)
    return out


def first_at_least(s_max: np.ndarray, level: np.ndarray, n: np.ndarray) -> np.ndarray:
    """First index where a row reaches ``level``, from its running maximum.

    ``s_max`` is ``np.maximum.accumulate(S, axis=1)`` (monotonic), so the
    first index with ``S >= level`` is a binary search; ``n[i]`` when the
    level is never reached.
    """
    k = np.empty(s_max.shape[0], dtype=np.intp)
    for i in range(s_max.shape[0]):  # one binary search a curve (not a point)
        k[i] = np.searchsorted(s_max[i, : n[i]], level[i], side="left")
    return k


def t_resolution(
    T: np.ndarray, k: np.ndarray, n: np.ndarray, h: int = 25, rows: np.ndarray | None = None
) -> np.ndarray:
    """Resolution of a quantised thermometer near index ``k[i]`` of each row (K).

    ``rows`` picks the rows of ``T`` (see :func:`gather`).

    0 for a row whose readings within ``h`` points of ``k`` are all distinct
    (smooth T: its interpolation error is estimated separately), else the
    smallest non-zero step between consecutive readings there.
    """
    start = np.maximum(0, k - h)
    stop = np.minimum(n, k + h + 1)
    Tr, _, valid = gather(T, start, 2 * h + 1, stop, rows)
    d = np.diff(Tr, axis=1)
    vd = valid[:, 1:]
    quantised = ((d == 0) & vd).any(axis=1)
    pos = np.where(vd & (d > 0), d, np.inf).min(axis=1)
    return np.where(quantised & np.isfinite(pos), pos, 0.0)


def poly_roots(
    U: np.ndarray, Y: np.ndarray, valid: np.ndarray, deg: int, sigma: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Root near u = 0 of a least-squares polynomial y(u) of degree 1 or 2, per row.

    Each row is one local fit of the points where ``valid``; u is scaled by
    its largest magnitude for conditioning and the normal equations are
    solved for all rows at once. The stderr of the root is the delta method
    on the coefficient covariance, with the residual variance pooled with
    the global noise ``sigma`` (worth 10 degrees of freedom) so that a
    window of a few points does not give Student-t tails.

    Returns
    -------
    root, stderr, slope : ndarray
        Root (in u), its stderr, dy/du there; NaN for a row whose fit has
        no increasing root inside its data (or too few points).
    """
    m = U.shape[0]
    nan = np.full(m, np.nan)
    if m == 0:
        return nan, nan.copy(), nan.copy()
    Uz = np.where(valid, U, 0.0)
    Yz = np.where(valid, Y, 0.0)
    scale = np.max(np.abs(Uz), axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    V = Uz / scale[:, None]
    one = valid.astype(float)
    cols = [one, V] if deg == 1 else [one, V, V * V]
    A = np.stack(cols, axis=-1)  # (m, L, deg+1), zero rows where invalid
    M = np.einsum("mli,mlj->mij", A, A)
    b = np.einsum("mli,ml->mi", A, Yz)
    npts = valid.sum(axis=1)
    dof = npts - deg - 1
    ok = dof > 0
    coef = np.full((m, deg + 1), np.nan)
    inv = np.full((m, deg + 1, deg + 1), np.nan)
    for rows in (np.flatnonzero(ok),):
        try:
            inv[rows] = np.linalg.inv(M[rows])
        except np.linalg.LinAlgError:  # one singular row: invert row by row
            for i in rows:
                try:
                    inv[i] = np.linalg.inv(M[i])
                except np.linalg.LinAlgError:
                    ok[i] = False
    coef[ok] = np.einsum("mij,mj->mi", inv[ok], b[ok])
    resid = np.where(valid, Yz - np.einsum("mli,mi->ml", A, np.nan_to_num(coef)), 0.0)
    rss = np.einsum("ml,ml->m", resid, resid)
    sig = np.asarray(sigma, float)
    with np.errstate(invalid="ignore", divide="ignore"):
        s2 = np.where(
            np.isfinite(sig), (rss + 10 * sig**2) / (dof + 10), rss / np.where(dof > 0, dof, 1)
        )
        c0, c1 = coef[:, 0], coef[:, 1]
        lin = np.where(c1 != 0, -c0 / c1, np.nan)
        if deg == 1:
            root = lin
        else:
            c2 = coef[:, 2]
            disc = c1 * c1 - 4 * c2 * c0
            quad = (c2 != 0) & (disc >= 0)
            sq = np.sqrt(np.where(quad, disc, 0.0))
            q = -0.5 * (c1 + np.copysign(sq, c1))
            r1 = q / c2
            r2 = np.where(q != 0, c0 / q, np.nan)
            r1f, r2f = np.isfinite(r1), np.isfinite(r2)
            # the finite root nearest u = 0 (the first on a tie)
            pick2 = r2f & (~r1f | (np.abs(r2) < np.abs(r1)))
            two = np.where(pick2, r2, np.where(r1f, r1, np.nan))
            root = np.where(quad, two, lin)
        root = np.where(np.isfinite(root) & ok, root, np.nan)
        deriv = c1 if deg == 1 else c1 + 2 * coef[:, 2] * root
        vmin = np.min(np.where(valid, V, np.inf), axis=1)
        vmax = np.max(np.where(valid, V, -np.inf), axis=1)
        good = (deriv > 0) & (vmin <= root) & (root <= vmax)
        powers = np.stack([np.ones(m), root] + ([root * root] if deg == 2 else []), axis=1)
        g = -powers / deriv[:, None]
        var = np.einsum("mi,mij,mj->m", g, inv, g) * s2
        se = np.sqrt(np.maximum(var, 0.0)) * scale
    root = np.where(good, root * scale, np.nan)
    se = np.where(good, se, np.nan)
    slope = np.where(good, deriv / scale, np.nan)
    return root, se, slope


def masked_line_fits(
    X: np.ndarray, Y: np.ndarray, valid: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Straight lines through the valid points of each row, with their x-intercepts.

    :func:`sc2d._fit.line_fits` row-wise, then the x-intercept and its
    stderr by the delta method with the slope-intercept covariance (as
    :attr:`sc2d._fit.LineFit.x_intercept_stderr`). Returns (slope,
    x_intercept, x_intercept_stderr, n); NaN where a row has fewer than 3
    points or no spread in x.
    """
    from ._fit import line_fits

    lf = line_fits(X, Y, valid)
    slope, b = lf["slope"], lf["intercept"]
    with np.errstate(invalid="ignore", divide="ignore"):
        xc = np.where(slope != 0, -b / slope, np.nan)
        var = (
            lf["intercept_stderr"] ** 2 + xc**2 * lf["slope_stderr"] ** 2 + 2 * xc * lf["cov"]
        ) / slope**2
        xse = np.where(var >= 0, np.sqrt(np.abs(var)), np.nan)
    bad = ~np.isfinite(slope)
    return slope, np.where(bad, np.nan, xc), np.where(bad, np.nan, xse), lf["n"]
