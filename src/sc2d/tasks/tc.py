"""``sc2d tc``: an R(T) file -> Tc at stated criteria (one result per step).

The file is read with :func:`sc2d.io.load_curves` (x = ``T_K``, y =
``R_ohm``, stepped column found automatically or named with ``--by``). One
curve gives a :class:`~sc2d.transition.TcResult`; a family stepped in field,
gate or angle gives a :class:`~sc2d.transition.TcFamilyResult` whose
``curves`` carry their stepped value (``B_T``, ``Vg_V``...).

V(T) at a fixed current (a transport rig that logs the voltage, e.g. a
coated-conductor Tc run) is analysed when ``--y`` names a voltage column:
R = V / I with I the median |I| of the file's current column (or the
``current`` stated). The criteria are fractions of R_N, so Tc does not depend
on I; R_N does, and its ``method`` says how it was obtained.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..data import Result
from ..errors import DataError, FormatError
from ..transition import TcResult, critical_temperature, tc_family

__all__ = ["tc_file"]


def tc_file(
    path: Any,
    *,
    normal_at: float | None = None,
    criteria: Sequence[str] = ("0.9", "0.5", "0.1"),
    opts: Any = None,
    fit_window: tuple[float, float] | None = None,
    current: float | None = None,
) -> Result:
    """Tc of every R(T) curve of a file (or of V(T) at a fixed current).

    Parameters
    ----------
    path : path-like
        CSV/TSV, Quantum Design ``.dat``, QCoDeS database or NetCDF file.
    normal_at : float, optional
        Reference temperature of R_N (K); default: the median of the top 5%
        of T (stated in the result).
    criteria : sequence of str
        Fractions of R_N, as written (keys of ``tc_K``).
    opts : sc2d.io.ReadOptions, optional
        ``--x/--y/--by/--units/--run-id``.
    fit_window : (float, float), optional
        Linear normal-state fit window (K) instead of ``normal_at``.
    current : float, optional
        The fixed measuring current (A) when ``opts.y`` names a voltage
        column; default: the median |I| of the file's current column.

    Returns
    -------
    TcResult or TcFamilyResult

    Raises
    ------
    DataError
        A single curve in which no criterion is reached ("no superconducting
        transition in FILE: ..."), ``normal_at`` outside the data, too few
        points. Messages name the file.
    FormatError
        ``opts.y`` names a voltage column but the file has no current
        column and no ``current`` is given.
    """
    from ..io import load_curves

    name = os.path.basename(str(path))
    how = ""
    if _names_a_voltage(opts):
        table, curves = load_curves(path, x="T_K", y="V_V", opts=opts, by="auto")
        i_fixed, how = _fixed_current(table, name, current)
        curves = [dataclasses.replace(c, y=c.y / i_fixed, y_name="R_ohm") for c in curves]
    else:
        _, curves = load_curves(path, x="T_K", y="R_ohm", opts=opts, by="auto")
    curves = [c for c in curves if len(c)]
    res = _tc_of_curves(curves, name, normal_at, criteria, fit_window)
    return _noted(res, how) if how else res


def _tc_of_curves(
    curves: list[Any],
    name: str,
    normal_at: float | None,
    criteria: Sequence[str],
    fit_window: tuple[float, float] | None,
) -> Result:
    if not curves:
        raise DataError(f"no R(T) points in {name}: every row has a blank T or R")
    crits = [str(c) for c in criteria]
    if len(curves) == 1:
        c = curves[0]
        try:
            res: TcResult = critical_temperature(
                c.x,
                c.y,
                criteria=crits,
                normal_at=normal_at,
                fit_window=fit_window,
                keep_arrays=False,  # nobody reads a file task's _T/_R (the JSON skips them)
            )
        except DataError as exc:
            raise DataError(f"{name}: {exc}") from None
        if not res.reached:
            easiest = max(crits, key=float)
            raise DataError(f"no superconducting transition in {name}: {res.tc_K[easiest].flag}")
        return dataclasses.replace(res, fixed=dict(c.fixed))
    fam = tc_family(curves, criteria=crits, normal_at=normal_at, fit_window=fit_window)
    if not any(r.reached for r in fam.curves):
        first = fam.curves[0]
        why = first.flags[0] if first.flags else "no criterion reached"
        raise DataError(
            f"no superconducting transition in any of the {len(curves)} curves of {name} "
            f"(stepped in {fam.stepped}); first curve: {why}"
        )
    return fam


def _names_a_voltage(opts: Any) -> bool:
    """True when ``--y`` names a voltage column (V(T) at a fixed current)."""
    from ..io import lookup_unit, parse_name

    if opts is None or not opts.y:
        return False
    unit = dict(opts.units).get(opts.y) or parse_name(opts.y).unit
    hit = lookup_unit(unit) if unit else None
    return hit is not None and hit[0] == "voltage"


def _fixed_current(table: Any, name: str, current: float | None) -> tuple[float, str]:
    """(I in A, the method note) of a V(T) file: stated, or median |I| of its current column."""
    if current is not None:
        i = float(current)
        src = "stated"
    elif table.has("I_A"):
        vals = np.abs(table.column("I_A"))
        vals = vals[np.isfinite(vals)]
        i = float(np.median(vals)) if vals.size else float("nan")
        src = f"median of '{table.columns['I_A'].original}'"
    else:
        raise FormatError(
            f"{name}: --y names a voltage column but the file has no current column; "
            "R = V/I needs the fixed current: state the current column's unit with --units "
            "or give a resistance column"
        )
    if not (np.isfinite(i) and i > 0):
        raise FormatError(f"{name}: the fixed current is {i:.4g} A; expected a positive current")
    return i, f"R = V/I at fixed I = {i:.4g} A ({src}); V(T) stands in for R(T)"


def _noted(res: Any, note: str) -> Any:
    """``res`` with ``note`` prefixed to the method of its R_N and Tc estimates."""
    from ..transition import TcFamilyResult

    if isinstance(res, TcFamilyResult):
        return dataclasses.replace(res, curves=[_noted(c, note) for c in res.curves])

    def add(e: Any) -> Any:
        return dataclasses.replace(e, method=f"{note}; {e.method}" if e.method else note)

    sweeps = res.sweeps
    if sweeps:
        sweeps = {k: _noted(v, note) for k, v in sweeps.items()}
    return dataclasses.replace(
        res,
        tc_K={k: add(e) for k, e in res.tc_K.items()},
        r_normal_ohm=add(res.r_normal_ohm),
        sweeps=sweeps,
    )
