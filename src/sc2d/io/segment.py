"""Sweep segmentation: setpoint blocks of a stepped column, up/down runs.

All of it is vectorised numpy; Python loops run over blocks, sweeps or
groups of curves, never over points. On a 2M-row file the work is a few
passes over each column: medians of a whole column are found by selecting
in a window that a sample of the column brackets (:func:`_order_stats`,
exact), setpoint blocks are handled as runs (start, length, label) rather
than a label per row, and the direction and noise of all curves of one
length are computed at once on a 2-D stack.

- :func:`find_steps` labels rows by setpoint block of a stepped column (field,
  gate or temperature held fixed while something else is swept).
- :func:`split_sweeps` cuts a swept column into monotonic up/down runs.
- :func:`load_curves` reads a file and returns one :class:`~sc2d.data.Curve`
  per setpoint block (the stepped column found automatically or named).
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._robust import MAD_TO_SIGMA
from ..data import CANONICAL_COLUMNS, Curve, Table
from ..errors import FormatError, UnitError
from .columns import CANONICAL_QUANTITY, _name_quantity, parse_name
from .units import QUANTITY_UNITS, lookup_unit

__all__ = [
    "AUTO_BY",
    "ReadOptions",
    "find_steps",
    "is_stepped",
    "load_curves",
    "split_curve_directions",
    "split_sweeps",
    "sweep_direction",
]

#: stepped columns looked for by ``by="auto"``, in order of preference
AUTO_BY = ("B_T", "Vg_V", "theta_deg", "T_K")
_JUMP_FACTOR = 10.0


@dataclass(frozen=True)
class ReadOptions:
    """What the user stated about a file (``--x/--y/--by/--units/--run-id``).

    ``x``, ``y`` and ``by`` are ORIGINAL column names as in the file; they
    override recognition. ``units`` maps original column names to units.
    """

    x: str | None = None
    y: str | None = None
    by: str | None = None
    units: Mapping[str, str] = field(default_factory=dict)
    run_id: int | None = None


def _ffill(v: np.ndarray, ok: np.ndarray | None = None) -> np.ndarray:
    """Forward-fill NaNs (leading NaNs take the first finite value); ``ok``: ``isfinite(v)``."""
    ok = np.isfinite(v) if ok is None else ok
    if ok.all():
        return v
    if not ok.any():
        return np.zeros_like(v)
    idx = np.where(ok, np.arange(v.size), 0)
    np.maximum.accumulate(idx, out=idx)
    out = v[idx]
    first = int(np.argmax(ok))
    out[:first] = v[first]
    return out


#: arrays shorter than this are partitioned whole by :func:`_order_stats`
_SELECT_MIN = 1 << 16
#: sample that brackets the wanted order statistics of a longer array
_SELECT_SAMPLE = 1 << 13


def _order_stats(a: np.ndarray, ks: list[int], window: list[Any] | None = None) -> np.ndarray:
    """``np.partition(a, ks)[ks]`` of a 1-D array, exactly, in about three passes over ``a``.

    A regular sample of ``a`` gives a value range [lo, hi] that should hold
    the wanted order statistics; counting the values below lo and taking
    those in the range checks it, and only those are partitioned (else the
    whole array is, as ``np.partition``). ``window``, a list the caller
    keeps, remembers the values in range, partitioned in place, for the next
    call: the scatter median asks for ranks a little lower several times,
    and those lie in the part up to the last rank. NaNs sort last, as in
    ``np.partition``.
    """
    n = a.size
    if n < _SELECT_MIN:
        return np.partition(a, ks)[ks]
    if window:
        below, inside, top = window
        local = [k - below for k in ks]
        if min(local) >= 0 and max(local) < inside.size:
            part = inside[: top + 1] if max(local) <= top else inside
            part.partition(local)  # in place: everything before top stays below it
            window[2] = max(local)
            return part[local]
    sample = np.sort(a[:: n // _SELECT_SAMPLE])
    m = sample.size
    margin = 2 * int(np.sqrt(m)) + 1  # four standard deviations of a sample rank
    lo = sample[max(min(ks) * m // n - margin, 0)]
    hi = sample[min(max(ks) * m // n + margin, m - 1)]
    below = int(np.count_nonzero(a < lo))
    if lo == hi:  # ties (a time step repeated): the answer is lo, or no shortcut
        if below <= min(ks) and max(ks) < below + np.count_nonzero(a == lo):
            return np.full(len(ks), lo)
        return np.partition(a, ks)[ks]
    inside = a[(a >= lo) & (a <= hi)]
    local = [k - below for k in ks]
    if min(local) < 0 or max(local) >= inside.size:
        return np.partition(a, ks)[ks]
    inside.partition(local)
    if window is not None:
        window[:] = [below, inside, max(local)]
    return inside[local]


def _jump_threshold(v: np.ndarray, d: np.ndarray, span: float) -> float:
    """Differences above this start a new setpoint block (``span``: max |v|)."""
    floor = 1e-6 * span + 1e-300  # readings agreeing to 1 ppm are one setpoint
    if d.size == 0:
        return floor
    half = d.size // 2
    kth = [half - 1, half] if d.size % 2 == 0 else [half]
    window: list[Any] = []
    s = float(np.mean(_order_stats(d, kth, window)))  # np.median(d)
    if s > 0:
        return max(_JUMP_FACTOR * _scatter_median(d, s, window), floor)
    pos = np.sort(d[d > 0])
    if pos.size == 0:
        return floor
    # Most consecutive readings repeat exactly: held (sample-and-hold) or exact
    # setpoints. A held noisy reading jitters about its mean (the changes flip
    # sign most of the time and levels rarely recur); exact setpoints step
    # on in one direction or recur exactly (loops, revisits).
    levels = v[np.concatenate(([True], d > 0))]
    dl = np.diff(levels)
    if dl.size >= 3:
        sg = np.sign(dl)
        flips = float(np.mean(sg[1:] != sg[:-1]))
        recur = np.unique(levels).size < 0.8 * levels.size
        if flips > 0.5 and not recur:
            return max(_JUMP_FACTOR * float(np.median(np.abs(dl))), floor)
    if pos.size > 1:
        ratio = pos[1:] / pos[:-1]
        k = int(np.argmax(ratio))
        if ratio[k] > 20 and not _small_changes_are_setpoints(v, d, float(pos[k])):
            return float(np.sqrt(pos[k] * pos[k + 1]))  # flicker below, setpoint gaps above
    return max(0.5 * float(pos[0]), floor)  # exact setpoints: every change is a step


def _scatter_median(d: np.ndarray, s: float, window: list[Any]) -> float:
    """Median of the differences ``d`` that are scatter, not jumps (``s``: median of all).

    Iterated: the median of the differences up to the jump threshold
    (``_JUMP_FACTOR`` medians), so that many short blocks do not inflate it
    with their jumps. A tighter cut would also eat the scatter of the noisier
    setpoints when the scatter grows with the setpoint (relative scatter of a
    field or temperature reading) and split their blocks. The differences
    kept are always the smallest ones, so each median is a pair of order
    statistics of ``d`` near the middle (:func:`_order_stats`, reusing the
    ``window`` of the first median), not a median of a new array per
    iteration.
    """
    n = d.size
    for _ in range(8):
        c = int(np.count_nonzero(d <= _JUMP_FACTOR * s))
        if c == n or c == 0:
            break
        k = [(c - 1) // 2, c // 2]  # np.median of the c smallest
        part = _order_stats(d, k, window)
        s_new = 0.5 * (float(part[0]) + float(part[1]))
        if not s_new > 0 or s_new == s:
            break
        s = s_new
    return s


#: rows a reading must be held to count as a setpoint (find_steps' default min_points)
_MIN_HOLD = 3
#: a chain of small changes spanning less than this fraction of the smallest
#: large change is settling/drift of a held setpoint, not a grid of setpoints
_MIN_CHAIN_SPAN = 0.05


def _small_changes_are_setpoints(v: np.ndarray, d: np.ndarray, small: float) -> bool:
    """Are the small changes (<= ``small``) of an exactly repeating column setpoint steps?

    The changes of such a column fall in two classes far apart (``small`` and
    the gaps above it). The small class is scatter of a held setpoint when
    its levels flicker (a change undone by the next one, A B A B) or last a
    row or two, or when a run of them spans a tiny part of the gap (a
    quantised reading settling or drifting towards a setpoint). Otherwise the
    readings are exact and every small change is a step to a new setpoint
    (angles -4...4 deg in 0.5 deg steps then 30 deg steps): True.
    """
    ch = np.flatnonzero(d > 0)  # a change between rows ch and ch + 1
    holds = np.diff(np.concatenate(([0], ch + 1, [v.size])))  # rows per level
    dl = np.diff(v[np.concatenate(([0], ch + 1))])
    is_small = np.abs(dl) <= small
    if not is_small.any() or is_small.all():
        return False
    # every level next to a small change is held for a setpoint's worth of rows
    next_to_small = np.zeros(holds.size, dtype=bool)
    next_to_small[:-1] |= is_small
    next_to_small[1:] |= is_small
    if holds[next_to_small].min() < _MIN_HOLD:
        return False
    # chains of consecutive small changes: no flicker, and a real span
    big_min = float(np.min(np.abs(dl[~is_small])))
    edges = np.flatnonzero(np.diff(np.concatenate(([0], is_small.astype(np.int8), [0]))))
    span = 0.0
    for a, b in zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True):  # per chain
        steps = dl[a:b]
        if steps.size > 1 and np.mean(np.sign(steps[1:]) != np.sign(steps[:-1])) > 0.5:
            return False
        levels = np.concatenate(([0.0], np.cumsum(steps)))
        span = max(span, float(np.ptp(levels)))
    return span >= _MIN_CHAIN_SPAN * big_min


def find_steps(values: Any, *, min_points: int = 3, breaks: Any = None) -> np.ndarray:
    """Label rows by setpoint block of a stepped column.

    A new block starts where the difference between consecutive values is
    large compared with the scatter within a block (ten times the median
    absolute difference of the readings that are not jumps, found by
    iterating; robust as long as blocks hold three or more points); noisy
    setpoints, slow drifts within a block and setpoints revisited later (a
    new block) are all handled. Consecutive blocks whose means differ by less
    than that threshold (split only by a glitch) are merged.

    Setpoints closer together than the scatter of single readings cannot be
    told apart from one difference; ``breaks`` (rows where a new sweep
    starts: a gap in the time column, the swept variable starting over) are
    where a new block may start although no jump is seen: it does when the
    block means on the two sides differ by more than five standard errors
    and by more than the scatter within each block.

    Parameters
    ----------
    values : array_like
        The stepped column in recorded order (NaNs take the previous value).
    min_points : int
        Blocks shorter than this (ramps between setpoints, glitches) are
        labelled -1.
    breaks : array_like of bool, optional
        One per row: True where a new sweep (record) starts.

    Returns
    -------
    ndarray of int
        Block label per row, 0, 1, 2... in recorded order; -1 for rows in no
        block.
    """
    v = _ffill(np.asarray(values, dtype=float).ravel())
    if v.size == 0:
        return np.zeros(0, dtype=np.intp)
    return _blocks(v, min_points, _break_rows(breaks, v.size)).row_labels()


@dataclass(frozen=True)
class _Blocks:
    """Setpoint blocks of a column, as runs of rows (what :func:`find_steps` labels per row).

    Run ``i`` covers rows ``starts[i]`` to ``starts[i] + counts[i]`` and
    carries ``labels[i]`` (-1: in no block); ``sums`` are its values' sums.
    ``thr`` is the jump threshold and ``res`` the level resolution (the
    smallest difference of block means that counts as two setpoints: the
    threshold, or less where breaks separated blocks closer than it);
    ``size`` the largest magnitude of the column.
    """

    starts: np.ndarray
    counts: np.ndarray
    labels: np.ndarray
    sums: np.ndarray
    thr: float
    res: float
    size: float

    def row_labels(self) -> np.ndarray:
        """The block label of every row."""
        return np.repeat(self.labels, self.counts)

    def runs(self) -> tuple[np.ndarray, np.ndarray]:
        """(first row, label) of each longest run of rows with one label."""
        keep = np.concatenate(([True], self.labels[1:] != self.labels[:-1]))
        return self.starts[keep], self.labels[keep]


def _break_rows(breaks: Any, n: int) -> np.ndarray | None:
    """Rows (after the first) where ``breaks`` (one bool per row) says a new sweep starts."""
    if breaks is None:
        return None
    brk = np.asarray(breaks, dtype=bool).ravel()
    if brk.size != n:
        raise ValueError(f"breaks has {brk.size} rows, values has {n}")
    rows = np.flatnonzero(brk[1:]) + 1
    return rows if rows.size else None


def _blocks(v: np.ndarray, min_points: int, breaks: np.ndarray | None) -> _Blocks:
    """The setpoint blocks of a forward-filled, non-empty column (see :func:`find_steps`).

    ``breaks``: rows where a new sweep starts (:func:`_break_rows`), or None.
    """
    n = v.size
    size = max(float(v.max()), -float(v.min()))  # max |v|
    d = np.diff(v)
    d = np.abs(d, out=d)
    thr = _jump_threshold(v, d, size)
    res = thr
    cuts = np.flatnonzero(d > thr) + 1  # rows that start a block
    # The breaks that separate two setpoints become cuts and are never merged
    # across. When every break is a cut already and no neighbours are merged,
    # which breaks separate setpoints changes nothing: not worked out then.
    covered = breaks is None or _subset(breaks, cuts)
    hard = None if covered else _break_cuts(v, breaks, min_points)
    if hard is not None:
        cuts = np.union1d(cuts, hard)
    starts = np.concatenate(([0], cuts))
    counts = np.diff(np.append(starts, n))
    sums = np.add.reduceat(v, starts)
    valid_block = counts >= min_points
    if not valid_block.any():
        labels = np.full(starts.size, -1, dtype=np.intp)
        return _Blocks(starts, counts, labels, sums, thr, res, size)
    vb = np.flatnonzero(valid_block)
    # merge consecutive valid blocks at the same level. The block sums
    # (pairwise, by reduceat) differ from row-by-row sums (np.bincount, the
    # reference) by rounding only: when a difference of means is that close
    # to the threshold, or sets the level resolution, the row-by-row sums
    # decide, so that the blocks never depend on the summation order.
    dm = np.abs(np.diff((sums / counts)[vb]))
    by_rows = bool((np.abs(dm - thr) <= _rounding(counts.max(), size)).any())
    if by_rows:
        sums = _row_sums(v, counts)
        dm = np.abs(np.diff((sums / counts)[vb]))
    same = dm <= thr
    if breaks is not None and covered and same.any():
        hard = _break_cuts(v, breaks, min_points)
    if hard is not None:
        # never across a break where the level changes
        n_hard = np.searchsorted(hard, starts, side="right")  # accepted breaks up to each start
        apart = n_hard[vb[1:]] > n_hard[vb[:-1]]
        if (apart & same).any():
            if not by_rows:
                sums = _row_sums(v, counts)
                dm = np.abs(np.diff((sums / counts)[vb]))
            res = min(thr, 0.5 * float(dm[apart & same].min()))
        same &= ~apart
    new_id = np.concatenate(([0], np.cumsum(~same)))
    lab = np.full(starts.size, -1, dtype=np.intp)
    lab[vb] = new_id
    # short blocks (ramps, glitches) between two blocks merged into one join it
    if (lab < 0).any():
        nb = lab.size
        pos = np.arange(nb)
        prev = np.maximum.accumulate(np.where(lab >= 0, pos, -1))
        nxt = np.minimum.accumulate(np.where(lab >= 0, pos, nb)[::-1])[::-1]
        has = (prev >= 0) & (nxt < nb)
        pl = np.where(has, lab[np.clip(prev, 0, nb - 1)], -1)
        nl = np.where(has, lab[np.clip(nxt, 0, nb - 1)], -2)
        lab = np.where((lab < 0) & has & (pl == nl), pl, lab)
    return _Blocks(starts, counts, lab, sums, thr, res, size)


def _rounding(n_max: float, size: float) -> float:
    """Bound on how much two sums of up to ``n_max`` values of magnitude ``size`` or less,
    added in different orders, can differ in their means or in differences of means."""
    return 8.0 * (float(n_max) + 2.0) * float(np.finfo(float).eps) * size


def _row_sums(v: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Sums of consecutive runs of ``counts`` rows, added row by row (``np.bincount``)."""
    return np.bincount(np.repeat(np.arange(counts.size), counts), weights=v)


def _subset(a: np.ndarray, b: np.ndarray) -> bool:
    """True when every value of the sorted array ``a`` is in the sorted array ``b``."""
    if b.size == 0:
        return a.size == 0
    i = np.minimum(np.searchsorted(b, a), b.size - 1)
    return bool((b[i] == a).all())


def _break_cuts(v: np.ndarray, breaks: np.ndarray | None, min_points: int) -> np.ndarray | None:
    """The ``breaks`` (rows) that separate two setpoints; None when none does.

    The stretches between breaks are compared with their neighbours: a break
    is a new block when both stretches hold ``min_points`` rows and their
    means differ by more than five standard errors and by more than the
    scatter within each.
    """
    if breaks is None:
        return None
    n = v.size
    starts = np.concatenate(([0], breaks))  # stretches between breaks
    counts = np.diff(np.concatenate((starts, [n])))
    means = np.add.reduceat(v, starts) / counts
    dev = v - np.repeat(means, counts)
    var = np.add.reduceat(np.multiply(dev, dev, out=dev), starts) / np.maximum(counts - 1, 1)
    dm = np.abs(np.diff(means))
    se = np.sqrt(var[:-1] / counts[:-1] + var[1:] / counts[1:])
    sd = np.sqrt(np.maximum(var[:-1], var[1:]))
    big = (counts[:-1] >= min_points) & (counts[1:] >= min_points)
    apart = big & (dm > 5.0 * se) & (dm > sd)
    if not apart.any():
        return None
    return breaks[apart]


def is_stepped(values: Any, *, min_points: int = 3, breaks: Any = None) -> bool:
    """Heuristic: does this column step between a few held setpoints?

    True when :func:`find_steps` finds at least two blocks, at least 70% of
    the finite rows sit in blocks, there are far fewer blocks than rows
    (at most ``max(64, 2 sqrt(rows))``, and ``min_points`` rows per block on
    average), and the blocks are not a flicker between a few readings.
    ``breaks`` as for :func:`find_steps`.
    """
    v = np.asarray(values, dtype=float).ravel()
    fin = np.isfinite(v)
    if fin.sum() < 2 * min_points:
        return False
    vf = _ffill(v, fin)
    return _is_stepped(_blocks(vf, min_points, _break_rows(breaks, v.size)), vf, fin, min_points)


def _is_stepped(b: _Blocks, vf: np.ndarray, fin: np.ndarray, min_points: int) -> bool:
    """:func:`is_stepped` from the blocks of the forward-filled column ``vf`` and its finite rows."""
    n_fin = int(np.count_nonzero(fin))
    if n_fin < 2 * min_points:
        return False
    n_blocks = int(b.labels.max()) + 1
    if n_blocks < 2:
        return False
    inb = b.labels >= 0
    if n_fin == fin.size:
        in_rows = int(b.counts[inb].sum())
    else:
        in_rows = int(np.add.reduceat(fin, b.starts, dtype=np.intp)[inb].sum())
    if in_rows / n_fin < 0.7:
        return False
    # the level of each block, from the block sums; when rounding could
    # change a comparison below, summed row by row (np.bincount, the reference)
    ids = b.labels[inb]
    n_rows = np.bincount(ids, weights=b.counts[inb])
    levels = np.bincount(ids, weights=b.sums[inb]) / n_rows
    srt = np.sort(levels)
    slack = _rounding(n_rows.max(), b.size)
    if np.ptp(levels) <= slack or (np.abs(np.diff(srt) - b.res) <= slack).any():
        lab = b.row_labels()
        rows = lab >= 0
        levels = np.bincount(lab[rows], weights=vf[rows]) / np.bincount(lab[rows])
        srt = np.sort(levels)
    if np.ptp(levels) == 0:
        return False
    # flicker between a few readings (A B A B ...) is not a sequence of setpoints
    n_distinct = 1 + int(np.sum(np.diff(srt) > b.res))
    if n_blocks > 4 * n_distinct:
        return False
    # a slow sweep read through a quantised sensor is a fine staircase, not a family
    if n_blocks > max(64.0, 2.0 * np.sqrt(n_fin)):
        return False
    return n_blocks * min_points <= n_fin


def _median(a: np.ndarray) -> float:
    """``np.median`` of a non-empty 1-D array (large ones through :func:`_order_stats`)."""
    if a.size < _SELECT_MIN or math.isnan(float(np.add.reduce(a))):
        return float(np.median(a))  # small, or NaN inside: np.median's answer (NaN)
    half = a.size // 2
    if a.size % 2:
        return float(_order_stats(a, [half])[0])
    return float(np.mean(_order_stats(a, [half - 1, half])))


def _noise(x: np.ndarray) -> float:
    """Robust noise of a swept variable from its second differences."""
    if x.size < 4:
        return 0.0
    d2 = np.diff(x, 2)
    span0 = float(np.ptp(x))
    nz = d2[np.abs(d2) > 1e-12 * span0]
    if nz.size >= 0.05 * d2.size and nz.size >= 3:
        d2 = nz  # quantised readings (plateaus): scale from the changes only
    med = _median(d2)
    sigma = MAD_TO_SIGMA * _median(np.abs(d2 - med)) / np.sqrt(6.0)
    span = float(np.ptp(x)) if x.size else 0.0
    return max(5.0 * sigma, 1e-9 * span)


def sweep_direction(x: Any, *, noise: float | None = None) -> str:
    """``"up"``/``"down"`` when ``x`` is monotonic (within the noise), else ``""``."""
    v = np.asarray(x, dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return ""
    tol = _noise(v) if noise is None else float(noise)
    if v[-1] - v[0] > tol and float(np.max(np.maximum.accumulate(v) - v)) <= tol:
        return "up"
    if v[0] - v[-1] > tol and float(np.max(v - np.minimum.accumulate(v))) <= tol:
        return "down"
    return ""


def _stack_noise(x: np.ndarray, d1: np.ndarray) -> np.ndarray:
    """:func:`_noise` of each row of a 2-D array of finite values (rows of 4 or more).

    ``d1``: the first differences along the rows.
    """
    d2 = np.subtract(d1[:, 1:], d1[:, :-1])  # np.diff(x, 2, axis=1)
    span = np.ptp(x, axis=1)
    t = (1e-12 * span)[:, None]
    keep = (d2 > t) | (d2 < -t)  # abs(d2) > t
    n_keep = np.count_nonzero(keep, axis=1)
    # rows whose scale comes from the non-zero changes only (quantised readings),
    # in groups of one count so that they stack again; the others use every change
    shrink = (n_keep >= 0.05 * d2.shape[1]) & (n_keep >= 3) & (n_keep < d2.shape[1])
    groups = [(np.flatnonzero(~shrink), None)]
    groups += [(np.flatnonzero(shrink & (n_keep == c)), c) for c in np.unique(n_keep[shrink])]
    sigma = np.empty(x.shape[0])
    for rows, count in groups:
        if rows.size == 0:
            continue
        every = rows.size == x.shape[0]
        if count is None:
            d = d2 if every else d2[rows]
        else:
            d = (d2[keep] if every else d2[rows][keep[rows]]).reshape(rows.size, count)
        dev = d - np.median(d, axis=1)[:, None]
        sigma[rows] = MAD_TO_SIGMA * np.median(np.abs(dev, out=dev), axis=1) / np.sqrt(6.0)
    return np.maximum(5.0 * sigma, 1e-9 * span)


def _stack_directions(x: np.ndarray) -> list[str]:
    """:func:`sweep_direction` of each row of a 2-D array of finite values (rows of 4 or more).

    A row goes "up" when it rises by more than the noise ``tol`` and never
    drops by more than ``tol`` below its running maximum (the retrace);
    "down" likewise. ``tol = max(5 sigma, 1e-9 span)`` lies between
    ``1e-9 span`` and the same formula with an upper bound of the MAD (twice
    the range of the first differences), and the retrace is zero without a
    step backwards: most rows are decided by these bounds, and only the
    others get their noise (two medians) and running extreme computed.
    """
    d1 = np.subtract(x[:, 1:], x[:, :-1])
    span = np.ptp(x, axis=1)
    tol_lo = 1e-9 * span
    mad_hi = 2.0 * (d1.max(axis=1) - d1.min(axis=1))
    tol_hi = np.maximum(5.0 * (MAD_TO_SIGMA * mad_hi / np.sqrt(6.0)), tol_lo) * (1 + 1e-9)
    words = np.full(x.shape[0], "", dtype=object)
    for word, gain in (("up", x[:, -1] - x[:, 0]), ("down", x[:, 0] - x[:, -1])):
        rows = np.flatnonzero(gain > tol_lo)  # tol >= tol_lo: the others do not go this way
        if rows.size == 0:
            continue
        sub, steps = (x, d1) if rows.size == x.shape[0] else (x[rows], d1[rows])
        back = (steps < 0).any(axis=1) if word == "up" else (steps > 0).any(axis=1)
        retrace = np.zeros(rows.size)
        if back.any():
            xb = sub[back]
            if word == "up":  # the drop below the running maximum
                run = np.maximum.accumulate(xb, axis=1)
                run -= xb
            else:  # the rise above the running minimum
                run = np.minimum.accumulate(xb, axis=1)
                np.subtract(xb, run, out=run)
            retrace[back] = run.max(axis=1)
        g, lo, hi = gain[rows], tol_lo[rows], tol_hi[rows]
        yes = (g > hi) & (retrace <= lo)
        open_ = ~yes & (retrace <= hi)  # neither sure yes nor sure no: the exact noise
        if open_.any():
            tol = _stack_noise(sub[open_], steps[open_])
            yes[open_] = (g[open_] > tol) & (retrace[open_] <= tol)
        words[rows[yes]] = word
    return words.tolist()


def _rows(v: np.ndarray, starts: np.ndarray, size: int) -> np.ndarray:
    """``v[s:s + size]`` for each ``s`` in ``starts`` as the rows of a 2-D array.

    A read-only view when the starts are evenly spaced (curves one after the
    other), else a copy. Sums and medians along its rows equal those of the
    1-D slices, to the bit.
    """
    if starts.size > 1:
        step = int(starts[1] - starts[0])
        if step > 0 and (np.diff(starts) == step).all():
            return np.lib.stride_tricks.as_strided(
                v[int(starts[0]) :],
                shape=(starts.size, size),
                strides=(step * v.strides[0], v.strides[0]),
                writeable=False,
            )
    return v[starts[:, None] + np.arange(size)]


def _first_true(mask_fn: Any, start: int, n: int) -> int:
    """Galloping search: the first index >= start where mask_fn(slice) is True (or n)."""
    w = 1024
    while True:
        stop = min(n, start + w)
        m = mask_fn(start, stop)
        if m.any():
            return start + int(np.argmax(m))
        if stop >= n:
            return n
        w *= 4


def split_sweeps(x: Any, *, noise: float | None = None) -> list[slice]:
    """Cut a swept variable into monotonic up/down runs.

    A run ends at the extreme after which ``x`` retraces by more than
    ``noise``; smaller reversals are ignored.

    Parameters
    ----------
    x : array_like
        The swept variable in recorded order (NaNs take the previous value).
    noise : float, optional
        Reversals up to this size are noise (default: five times the robust
        noise of the second differences).

    Returns
    -------
    list of slice
        Consecutive runs covering every row; the turning point belongs to
        the run it ends.
    """
    v = _ffill(np.asarray(x, dtype=float).ravel())
    n = v.size
    if n == 0:
        return []
    tol = _noise(v) if noise is None else float(noise)
    runs: list[slice] = []
    p = 0
    while p < n - 1:
        ref = v[p]
        q = _first_true(lambda a, b, ref=ref: np.abs(v[a:b] - ref) > tol, p + 1, n)
        if q >= n:
            break
        up = v[q] > ref

        def retrace(a: int, b: int, p: int = p, up: bool = up) -> np.ndarray:
            seg = v[p:b]
            if up:
                r = np.maximum.accumulate(seg) - seg > tol
            else:
                r = seg - np.minimum.accumulate(seg) > tol
            return r[a - p :]

        end = _first_true(retrace, q, n)
        seg = v[p:end]
        turn = p + int(np.argmax(seg) if up else np.argmin(seg))
        runs.append(slice(p, turn + 1))
        p = turn + 1
    if p < n:
        if runs:
            last = runs.pop()
            runs.append(slice(last.start, n))
        else:
            runs.append(slice(0, n))
    return runs


def split_curve_directions(curve: Curve, *, noise: float | None = None) -> list[Curve]:
    """The up and down parts of one curve (for hysteresis), in recorded order."""
    out = []
    for s in split_sweeps(curve.x, noise=noise):
        xs, ys = curve.x[s], curve.y[s]
        out.append(
            dataclasses.replace(curve, x=xs, y=ys, direction=sweep_direction(xs, noise=noise))
        )
    return out


def _sanitize(name: str) -> str:
    s = re.sub(r"\W+", "_", str(name)).strip("_")
    return s or "by"


def _resolve_by(table: Table, by: str, units: Mapping[str, str]) -> tuple[str, np.ndarray]:
    """(key, SI values) of a user-named stepped column."""
    if by in CANONICAL_COLUMNS:
        return by, table.column(by)
    for canon, ci in table.columns.items():
        if ci.original == by and canon in table.names:
            return canon, table.column(canon)
    if by not in table.names:
        cols = ", ".join(repr(str(c)) for c in table.names[:30])
        raise FormatError(
            f"--by {by}: {os.path.basename(table.source)} has no such column; columns: {cols}"
        )
    p = parse_name(by)
    unit = units.get(by) or p.unit
    hit = lookup_unit(unit) if unit else None
    try:
        vals = table.values(by)
    except (TypeError, ValueError):
        raise FormatError(
            f"--by {by}: column '{by}' in {os.path.basename(table.source)} is not numeric; "
            "name a numeric stepped column"
        ) from None
    if hit is not None:
        canon = {
            "temperature": "T_K",
            "field": "B_T",
            "resistance": "R_ohm",
            "resistivity": "rho_ohm_m",
            "current": "I_A",
            "voltage": "Vg_V" if _name_quantity(p.base, "voltage") == "Vg_V" else "V_V",
            "angle": "theta_deg",
            "time": "t_s",
        }[hit[0]]
        return canon, vals * hit[1]
    return _sanitize(by), vals


def _table_from(path_or_table: Any, x: str, y: str, opts: ReadOptions) -> Table:
    from .registry import read

    if isinstance(path_or_table, Table):
        return path_or_table
    columns: dict[str, str] = {}
    if opts.x:
        columns[x] = opts.x
    if opts.y:
        columns[y] = opts.y
    return read(path_or_table, units=dict(opts.units), columns=columns, run_id=opts.run_id)


def _axis(
    table: Table, want: str, orig: str | None, units: Mapping[str, str]
) -> tuple[str, np.ndarray]:
    """(canonical name, SI values) of the x or y column.

    ``orig`` (the user's ``--x``/``--y``) is looked up among the canonical
    columns' originals, then among the table's other columns (converted with
    its unit from ``units`` or its name). Without it, ``want`` itself; a
    resistivity stands in for a missing ``R_ohm``.
    """
    name = os.path.basename(table.source) if table.source else "table"
    if orig is not None:
        for canon, ci in table.columns.items():
            if ci.original == orig and canon in table.names:
                return canon, table.column(canon)
        if orig in CANONICAL_COLUMNS and table.has(orig):
            return orig, table.column(orig)
        if orig not in table.names:
            cols = ", ".join(repr(str(c)) for c in table.names[:30])
            raise FormatError(f"{name} has no column '{orig}' (asked for {want}); columns: {cols}")
        p = parse_name(orig)
        unit = units.get(orig) or p.unit
        q = CANONICAL_QUANTITY[want]
        hit = lookup_unit(unit) if unit else None
        if hit is None:
            raise UnitError(
                f"column '{orig}' in {name} has {'unknown unit ' + repr(unit) if unit else 'no unit'}"
                f"; pass --units '{orig}={QUANTITY_UNITS[q][0]}' (known: {', '.join(QUANTITY_UNITS[q])})"
            )
        canon = want
        if hit[0] != q:
            if {hit[0], q} == {"resistance", "resistivity"}:
                canon = "rho_ohm_m" if hit[0] == "resistivity" else "R_ohm"
            else:
                raise UnitError(
                    f"column '{orig}' in {name} has unit {unit} ({hit[0]}) but was asked for as "
                    f"{want} ({q}); pass --units '{orig}=...' with one of {', '.join(QUANTITY_UNITS[q])}"
                )
        try:
            vals = table.values(orig)
        except (TypeError, ValueError):
            raise FormatError(
                f"column '{orig}' in {name} is not numeric; pick a numeric column for {want}"
            ) from None
        return canon, vals * hit[1]
    if not table.has(want) and want == "R_ohm" and table.has("rho_ohm_m"):
        return "rho_ohm_m", table.column("rho_ohm_m")
    return want, table.column(want)  # raises the FormatError naming what is there


#: a time step this many times the median step is a pause between sweeps
_TIME_GAP = 10.0
#: rows at the start of the file whose values a new sweep repeats
_OPENING = 3
#: rows at the start of the file that give the noise of the swept variable
_NOISE_ROWS = 100_000


def _sweep_starts(
    table: Table, xv: np.ndarray, xname: str, x_ok: np.ndarray | None = None
) -> np.ndarray | None:
    """Rows where a new sweep starts (sorted): evidence of a new setpoint block.

    A pause in the time column ``t_s`` (a step over ten times the median
    step), or the swept variable starting over: its first rows recurring
    (I = 0, 1, 2 uA ... again; T back at the start of a cooling sweep).
    None when there is no such evidence. ``x_ok``: ``isfinite(xv)``.
    """
    n = xv.size
    if n < 2 * _OPENING:
        return None
    found: list[np.ndarray] = []
    if xname != "t_s" and table.has("t_s"):
        dt = np.diff(table.column("t_s"))
        if dt.min() > 0 and dt.max() < np.inf:  # increasing times: every step counts
            if dt.size >= 2 * _OPENING:
                found.append(np.flatnonzero(dt > _TIME_GAP * _median(dt)) + 1)
        else:
            good = (dt > 0) & (dt < np.inf)  # finite and positive
            if np.count_nonzero(good) >= 2 * _OPENING:
                pause = good & (dt > _TIME_GAP * _median(dt[good]))
                found.append(np.flatnonzero(pause) + 1)
    x = _ffill(np.asarray(xv, dtype=float).ravel(), x_ok)
    if np.isfinite(xv[:_OPENING]).all() and np.ptp(x[:_OPENING]) > 0:
        tol = _noise(x[:_NOISE_ROWS])
        # the sweep leaves its start by more than the noise: a row at the start
        # followed by its first step is a start, a row just before one is not
        if abs(x[1] - x[0]) > tol:
            m = len(x) - _OPENING + 1
            # rows back at the start: |x - x[0]| <= tol, tested on the few rows of
            # a slightly wider band (no full-length temporary of differences)
            near = tol * (1 + 1e-9) + abs(x[0]) * 1e-15 + 1e-300
            band = np.flatnonzero((x[1:m] >= x[0] - 2 * near) & (x[1:m] <= x[0] + 2 * near)) + 1
            cand = band[np.abs(x[band] - x[0]) <= tol]
            again = np.ones(cand.size, dtype=bool)
            for j in range(1, _OPENING):
                again &= np.abs(x[cand + j] - x[j]) <= tol
            # not a turn: a sweep coming back to the start from where it went
            # (-1 -> +1 -> -1 T, then up again) continues, it does not start over
            step = x[1] - x[0]
            came = x[cand - 1] - x[0]  # the row before each candidate, from the start
            turn = (came * step > 0) & (np.abs(came) <= 3.0 * abs(step) + tol)
            found.append(cand[again & ~turn])
    rows = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.intp)
    return rows if rows.size else None


def _segments(blocks: list[_Blocks], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(starts, stops, in_block) of the stretches of rows where no key's label changes.

    Several stepped columns split together (nested loops): a stretch ends
    wherever any key's label changes, and is in a block when every key's
    label is.
    """
    runs = [b.runs() for b in blocks]
    starts = runs[0][0]
    for r in runs[1:]:
        starts = np.union1d(starts, r[0])
    in_block = np.ones(starts.size, dtype=bool)
    for first, labels in runs:
        in_block &= labels[np.searchsorted(first, starts, side="right") - 1] >= 0
    return starts, np.append(starts[1:], n), in_block


def _curve_directions(
    xs: list[np.ndarray], xv: np.ndarray, starts: np.ndarray, whole: np.ndarray
) -> list[str]:
    """:func:`sweep_direction` of each curve's x, curves of one length at once.

    ``xs[i]`` is ``xv[starts[i]:...]`` when ``whole[i]`` (no row dropped):
    those are stacked as a view of ``xv``, the others copied.
    """
    directions = [""] * len(xs)
    by_size: dict[int, list[int]] = {}
    for i, xc in enumerate(xs):
        by_size.setdefault(xc.size, []).append(i)
    for size, idx in by_size.items():
        if size < 4 or len(idx) == 1:
            for i in idx:
                directions[i] = sweep_direction(xs[i])
            continue
        if whole[idx].all():
            stack = _rows(xv, starts[idx], size)
        else:
            stack = np.stack([xs[i] for i in idx])
        for i, d in zip(idx, _stack_directions(stack), strict=True):
            directions[i] = d
    return directions


def _fixed_means(v: np.ndarray, starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Mean of the finite values of ``v`` over each stretch ``starts[i]:stops[i]``.

    Stretches of one length are summed together along the rows of
    :func:`_rows` (the same sums as ``v[s:e].mean()``); a column holding
    NaNs is averaged stretch by stretch.
    """
    out = np.empty(starts.size)
    if not (math.isfinite(float(np.add.reduce(v))) or np.isfinite(v).all()):
        for i, (s, e) in enumerate(zip(starts.tolist(), stops.tolist(), strict=True)):
            seg = v[s:e]
            seg = seg[np.isfinite(seg)]
            out[i] = float(seg.mean()) if seg.size else float("nan")
        return out
    sizes = stops - starts
    for size in np.unique(sizes).tolist():
        idx = np.flatnonzero(sizes == size)
        out[idx] = _rows(v, starts[idx], size).sum(axis=1) / size
    return out


def load_curves(
    path_or_table: Any,
    *,
    x: str,
    y: str,
    opts: ReadOptions | None = None,
    by: str | None = "auto",
) -> tuple[Table, list[Curve]]:
    """Read a file and cut it into curves, one per setpoint of a stepped column.

    Parameters
    ----------
    path_or_table : path-like or Table
        The file (read with :func:`sc2d.io.read`) or a table already read.
    x, y : str
        Canonical names of the swept column and the response (``"T_K"``,
        ``"R_ohm"``). ``y="R_ohm"`` falls back to ``rho_ohm_m`` when the file
        only has a resistivity.
    opts : ReadOptions, optional
        The user's ``--x/--y/--by/--units/--run-id``; ``opts.x``/``opts.y``
        name the original columns to use as ``x``/``y``, ``opts.by`` the
        stepped column (wins over ``by``).
    by : str or None
        ``"auto"`` (default): the first of ``B_T, Vg_V, theta_deg, T_K``
        (not ``x``) that :func:`is_stepped`; several stepped columns split
        together (nested loops). A canonical or original column name: split
        by it. None: no splitting.

    Returns
    -------
    table : Table
    curves : list of Curve
        In recorded order, each with ``fixed = {name: block mean (SI)}``,
        ``direction`` (``"up"``/``"down"`` when monotonic, else ``""``) and
        ``source``. Rows where x or y is NaN are dropped per curve; rows of
        no setpoint block (ramps between setpoints) belong to no curve. A
        single curve with ``fixed={}`` when nothing steps.
    """
    opts = opts or ReadOptions()
    table = _table_from(path_or_table, x, y, opts)
    xname, xv = _axis(table, x, opts.x, opts.units)
    yname, yv = _axis(table, y, opts.y, opts.units)
    n = xv.size
    keys: list[str] = []
    vals: list[np.ndarray] = []
    user_by = opts.by if opts.by else (by if by not in (None, "auto") else None)
    if user_by is not None:
        k, v = _resolve_by(table, user_by, opts.units)
        keys, vals = [k], [v]
    x_ok = np.isfinite(xv)
    breaks = _sweep_starts(table, xv, xname, x_ok)
    blocks: list[_Blocks] = []
    if user_by is not None and n:
        blocks = [_blocks(_ffill(np.asarray(vals[0], dtype=float).ravel()), 3, breaks)]
    elif by == "auto":
        for cand in AUTO_BY:
            if cand in (xname, yname) or not table.has(cand):
                continue
            v = table.column(cand)
            fin = np.isfinite(v)
            if np.count_nonzero(fin) < 6:  # is_stepped's 2 * min_points
                continue
            vf = _ffill(np.asarray(v, dtype=float).ravel(), fin)
            b = _blocks(vf, 3, breaks)
            if _is_stepped(b, vf, fin, 3):
                keys.append(cand)
                vals.append(v)
                blocks.append(b)
    ok = x_ok & np.isfinite(yv)
    source = table.source
    if not keys:
        c = Curve(xv[ok], yv[ok], xname, yname, {}, sweep_direction(xv[ok]), source)
        return table, [c] if len(c) else []
    if not blocks:  # a user's stepped column on an empty table
        return table, []
    starts, stops, in_block = _segments(blocks, n)
    n_ok = stops - starts if ok.all() else np.add.reduceat(ok, starts, dtype=np.intp)
    keep = np.flatnonzero(in_block & (n_ok > 0))
    starts, stops, n_ok = starts[keep], stops[keep], n_ok[keep]
    whole = n_ok == stops - starts  # no row dropped: the curve is a slice of the columns
    fixed = [_fixed_means(v, starts, stops) for v in vals]
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    for s, e, all_ok in zip(starts.tolist(), stops.tolist(), whole.tolist(), strict=True):
        if all_ok:
            xs.append(xv[s:e])
            ys.append(yv[s:e])
        else:
            xs.append(xv[s:e][ok[s:e]])
            ys.append(yv[s:e][ok[s:e]])
    directions = _curve_directions(xs, xv, starts, whole)
    curves = []
    for i, (xc, yc, d) in enumerate(zip(xs, ys, directions, strict=True)):
        f = {k: float(m[i]) for k, m in zip(keys, fixed, strict=True)}
        curves.append(Curve(xc, yc, xname, yname, f, d, source))
    return table, curves
