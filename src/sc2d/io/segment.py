"""Sweep segmentation: setpoint blocks of a stepped column, up/down runs.

All of it is vectorised numpy; Python loops run over blocks or sweeps, never
over points.

- :func:`find_steps` labels rows by setpoint block of a stepped column (field,
  gate or temperature held fixed while something else is swept).
- :func:`split_sweeps` cuts a swept column into monotonic up/down runs.
- :func:`load_curves` reads a file and returns one :class:`~sc2d.data.Curve`
  per setpoint block (the stepped column found automatically or named).
"""

from __future__ import annotations

import dataclasses
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


def _ffill(v: np.ndarray) -> np.ndarray:
    """Forward-fill NaNs (leading NaNs take the first finite value)."""
    ok = np.isfinite(v)
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


def _jump_threshold(v: np.ndarray, d: np.ndarray) -> float:
    """Differences above this start a new setpoint block."""
    span = float(np.max(np.abs(v))) if v.size else 0.0
    floor = 1e-6 * span + 1e-300  # readings agreeing to 1 ppm are one setpoint
    if d.size == 0:
        return floor
    half = d.size // 2
    kth = [half - 1, half] if d.size % 2 == 0 else [half]
    part = np.partition(d, kth)  # np.median, keeping the partition for _scatter_median
    s = float(np.mean(part[kth]))
    if s > 0:
        return max(_JUMP_FACTOR * _scatter_median(d, s, part[: half + 1]), floor)
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


def _scatter_median(d: np.ndarray, s: float, low: np.ndarray) -> float:
    """Median of the differences ``d`` that are scatter, not jumps (``s``: median of all).

    Iterated: the median of the differences up to the jump threshold
    (``_JUMP_FACTOR`` medians), so that many short blocks do not inflate it
    with their jumps. A tighter cut would also eat the scatter of the noisier
    setpoints when the scatter grows with the setpoint (relative scatter of a
    field or temperature reading) and split their blocks. The
    differences kept are always the smallest ones, so each median is an
    order statistic of ``low``, the ``d.size // 2 + 1`` smallest differences
    (a partition of that, not a median of the whole column per iteration).
    """
    n = d.size
    for _ in range(8):
        c = int(np.count_nonzero(d <= _JUMP_FACTOR * s))
        if c == n or c == 0:
            break
        k = (c - 1) // 2, c // 2  # np.median of the c smallest
        part = np.partition(low, k)
        s_new = 0.5 * (float(part[k[0]]) + float(part[k[1]]))
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
    return _steps(v, min_points, breaks)[0]


def _steps(v: np.ndarray, min_points: int, breaks: Any = None) -> tuple[np.ndarray, float, float]:
    """(labels, jump threshold, level resolution) of a forward-filled column.

    The level resolution is the smallest difference of block means that
    counts as two setpoints: the jump threshold, or less where ``breaks``
    separated blocks closer than it.
    """
    n = v.size
    if n == 0:
        return np.zeros(0, dtype=np.intp), 0.0, 0.0
    d = np.abs(np.diff(v))
    thr = _jump_threshold(v, d)
    res = thr
    jump = d > thr
    hard = _break_cuts(v, breaks, min_points)
    cut = jump if hard is None else jump | hard
    raw = np.concatenate(([0], np.cumsum(cut)))
    counts = np.bincount(raw)
    valid_block = counts >= min_points
    if not valid_block.any():
        return np.full(n, -1, dtype=np.intp), thr, res
    sums = np.bincount(raw, weights=v)
    means = sums / counts
    vb = np.flatnonzero(valid_block)
    # merge consecutive valid blocks at the same level
    dm = np.abs(np.diff(means[vb]))
    same = dm <= thr
    if hard is not None:
        # never across a break where the level changes
        n_hard = np.concatenate(([0], np.cumsum(hard)))[np.cumsum(counts)[:-1]]
        n_hard = np.concatenate(([0], n_hard))  # accepted breaks before each raw block
        apart = n_hard[vb[1:]] > n_hard[vb[:-1]]
        if (apart & same).any():
            res = min(thr, 0.5 * float(dm[apart & same].min()))
        same &= ~apart
    new_id = np.concatenate(([0], np.cumsum(~same)))
    block_to_id = np.full(counts.size, -1, dtype=np.intp)
    block_to_id[vb] = new_id
    lab = block_to_id[raw]
    # rows of short blocks between two merged blocks join them
    if (lab < 0).any():
        pos = np.arange(n)
        okpos = np.where(lab >= 0, pos, -1)
        prev = np.maximum.accumulate(okpos)
        nxt_src = np.where(lab >= 0, pos, n)
        nxt = np.minimum.accumulate(nxt_src[::-1])[::-1]
        has = (prev >= 0) & (nxt < n)
        pl = np.where(has, lab[np.clip(prev, 0, n - 1)], -1)
        nl = np.where(has, lab[np.clip(nxt, 0, n - 1)], -2)
        fill = (lab < 0) & has & (pl == nl)
        lab = np.where(fill, pl, lab)
    return lab.astype(np.intp), thr, res


def _break_cuts(v: np.ndarray, breaks: Any, min_points: int) -> np.ndarray | None:
    """Which ``breaks`` separate two setpoints (per difference, like ``np.diff(v)``).

    The stretches between breaks are compared with their neighbours: a break
    is a new block when both stretches hold ``min_points`` rows and their
    means differ by more than five standard errors and by more than the
    scatter within each. None when no break qualifies.
    """
    if breaks is None:
        return None
    n = v.size
    brk = np.asarray(breaks, dtype=bool).ravel()
    if brk.size != n:
        raise ValueError(f"breaks has {brk.size} rows, values has {n}")
    brk = brk[1:]
    if not brk.any():
        return None
    starts = np.concatenate(([0], np.flatnonzero(brk) + 1))  # stretches between breaks
    counts = np.diff(np.concatenate((starts, [n])))
    means = np.add.reduceat(v, starts) / counts
    dev = v - np.repeat(means, counts)
    var = np.add.reduceat(dev * dev, starts) / np.maximum(counts - 1, 1)
    dm = np.abs(np.diff(means))
    se = np.sqrt(var[:-1] / counts[:-1] + var[1:] / counts[1:])
    sd = np.sqrt(np.maximum(var[:-1], var[1:]))
    big = (counts[:-1] >= min_points) & (counts[1:] >= min_points)
    apart = big & (dm > 5.0 * se) & (dm > sd)
    if not apart.any():
        return None
    hard = np.zeros(n - 1, dtype=bool)
    hard[np.flatnonzero(brk)[apart]] = True
    return hard


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
    vf = _ffill(v)
    lab, _thr, res = _steps(vf, min_points, breaks)
    return _is_stepped(vf, fin, lab, res, min_points)


def _is_stepped(
    vf: np.ndarray, fin: np.ndarray, lab: np.ndarray, res: float, min_points: int
) -> bool:
    """:func:`is_stepped` from the labels and level resolution of :func:`_steps`."""
    if fin.sum() < 2 * min_points:
        return False
    n_blocks = int(lab.max()) + 1 if lab.size else 0
    if n_blocks < 2:
        return False
    in_block = float(np.mean(lab[fin] >= 0))
    if in_block < 0.7:
        return False
    inb = lab >= 0
    levels = np.bincount(lab[inb], weights=vf[inb]) / np.bincount(lab[inb])
    if np.ptp(levels) == 0:
        return False
    # flicker between a few readings (A B A B ...) is not a sequence of setpoints
    srt = np.sort(levels)
    n_distinct = 1 + int(np.sum(np.diff(srt) > res))
    if n_blocks > 4 * n_distinct:
        return False
    # a slow sweep read through a quantised sensor is a fine staircase, not a family
    if n_blocks > max(64.0, 2.0 * np.sqrt(fin.sum())):
        return False
    return n_blocks * min_points <= fin.sum()


def _noise(x: np.ndarray) -> float:
    """Robust noise of a swept variable from its second differences."""
    if x.size < 4:
        return 0.0
    d2 = np.diff(x, 2)
    span0 = float(np.ptp(x))
    nz = d2[np.abs(d2) > 1e-12 * span0]
    if nz.size >= 0.05 * d2.size and nz.size >= 3:
        d2 = nz  # quantised readings (plateaus): scale from the changes only
    med = np.median(d2)
    sigma = MAD_TO_SIGMA * float(np.median(np.abs(d2 - med))) / np.sqrt(6.0)
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
        if ci.original == by and canon in table.data.columns:
            return canon, table.column(canon)
    if by not in table.data.columns:
        cols = ", ".join(repr(str(c)) for c in list(table.data.columns)[:30])
        raise FormatError(
            f"--by {by}: {os.path.basename(table.source)} has no such column; columns: {cols}"
        )
    p = parse_name(by)
    unit = units.get(by) or p.unit
    hit = lookup_unit(unit) if unit else None
    raw = table.data[by]
    try:
        vals = raw.to_numpy(dtype=float, na_value=np.nan)
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
            if ci.original == orig and canon in table.data.columns:
                return canon, table.column(canon)
        if orig in CANONICAL_COLUMNS and table.has(orig):
            return orig, table.column(orig)
        if orig not in table.data.columns:
            cols = ", ".join(repr(str(c)) for c in list(table.data.columns)[:30])
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
        col = table.data[orig]
        try:
            vals = col.to_numpy(dtype=float, na_value=np.nan)
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


def _sweep_starts(table: Table, xv: np.ndarray, xname: str) -> np.ndarray | None:
    """Rows where a new sweep starts: evidence of a new setpoint block.

    A pause in the time column ``t_s`` (a step over ten times the median
    step), or the swept variable starting over: its first rows recurring
    (I = 0, 1, 2 uA ... again; T back at the start of a cooling sweep).
    None when there is no such evidence.
    """
    n = xv.size
    if n < 2 * _OPENING:
        return None
    brk = np.zeros(n, dtype=bool)
    if xname != "t_s" and table.has("t_s"):
        t = np.asarray(table.column("t_s"), dtype=float)
        dt = np.diff(t)
        good = np.isfinite(dt) & (dt > 0)
        if good.sum() >= 2 * _OPENING:
            brk[1:] |= good & (dt > _TIME_GAP * float(np.median(dt[good])))
    x = _ffill(np.asarray(xv, dtype=float).ravel())
    if np.isfinite(xv[:_OPENING]).all() and np.ptp(x[:_OPENING]) > 0:
        tol = _noise(x[:_NOISE_ROWS])
        # the sweep leaves its start by more than the noise: a row at the start
        # followed by its first step is a start, a row just before one is not
        if abs(x[1] - x[0]) > tol:
            m = len(x) - _OPENING + 1
            cand = np.flatnonzero(np.abs(x[1:m] - x[0]) <= tol) + 1  # rows back at the start
            again = np.ones(cand.size, dtype=bool)
            for j in range(1, _OPENING):
                again &= np.abs(x[cand + j] - x[j]) <= tol
            # not a turn: a sweep coming back to the start from where it went
            # (-1 -> +1 -> -1 T, then up again) continues, it does not start over
            step = x[1] - x[0]
            came = x[cand - 1] - x[0]  # the row before each candidate, from the start
            turn = (came * step > 0) & (np.abs(came) <= 3.0 * abs(step) + tol)
            brk[cand[again & ~turn]] = True
    return brk if brk.any() else None


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
    breaks = _sweep_starts(table, xv, xname)
    labs: list[np.ndarray] = []
    if user_by is not None:
        labs = [_steps(_ffill(np.asarray(v, dtype=float).ravel()), 3, breaks)[0]]
    elif by == "auto":
        for cand in AUTO_BY:
            if cand in (xname, yname) or not table.has(cand):
                continue
            v = table.column(cand)
            vf = _ffill(np.asarray(v, dtype=float).ravel())
            lab, _thr, res = _steps(vf, 3, breaks)
            if _is_stepped(vf, np.isfinite(v), lab, res, 3):
                keys.append(cand)
                vals.append(v)
                labs.append(lab)
    ok = np.isfinite(xv) & np.isfinite(yv)
    source = table.source
    if not keys:
        c = Curve(xv[ok], yv[ok], xname, yname, {}, sweep_direction(xv[ok]), source)
        return table, [c] if len(c) else []
    if len(labs) == 1:
        lab = labs[0]
    else:
        stack = np.vstack(labs)
        bad = (stack < 0).any(axis=0)
        change = np.concatenate(([True], (np.diff(stack, axis=1) != 0).any(axis=0)))
        lab = np.cumsum(change) - 1
        lab = np.where(bad, -1, lab)
    # contiguous runs of one label
    edges = np.flatnonzero(np.diff(lab) != 0) + 1
    starts = np.concatenate(([0], edges))
    stops = np.concatenate((edges, [n]))
    curves: list[Curve] = []
    for s, e in zip(starts.tolist(), stops.tolist(), strict=False):
        if lab[s] < 0:
            continue
        m = ok[s:e]
        if not m.any():
            continue
        xs = xv[s:e][m]
        ys = yv[s:e][m]
        fixed = {}
        for k, v in zip(keys, vals, strict=False):
            seg = v[s:e]
            seg = seg[np.isfinite(seg)]
            fixed[k] = float(seg.mean()) if seg.size else float("nan")
        curves.append(Curve(xs, ys, xname, yname, fixed, sweep_direction(xs), source))
    return table, curves
