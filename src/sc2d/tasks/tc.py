"""``sc2d tc``: an R(T) file -> Tc at stated criteria (one result per step).

The file is read with :func:`sc2d.io.load_curves` (x = ``T_K``, y =
``R_ohm``, stepped column found automatically or named with ``--by``). One
curve gives a :class:`~sc2d.transition.TcResult`; a family stepped in field,
gate or angle gives a :class:`~sc2d.transition.TcFamilyResult` whose
``curves`` carry their stepped value (``B_T``, ``Vg_V``...).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from typing import Any

from ..data import Result
from ..errors import DataError
from ..transition import TcResult, critical_temperature, tc_family

__all__ = ["tc_file"]


def tc_file(
    path: Any,
    *,
    normal_at: float | None = None,
    criteria: Sequence[str] = ("0.9", "0.5", "0.1"),
    opts: Any = None,
    fit_window: tuple[float, float] | None = None,
) -> Result:
    """Tc of every R(T) curve of a file.

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

    Returns
    -------
    TcResult or TcFamilyResult

    Raises
    ------
    DataError
        A single curve in which no criterion is reached ("no superconducting
        transition in FILE: ..."), ``normal_at`` outside the data, too few
        points. Messages name the file.
    """
    from ..io import load_curves

    name = os.path.basename(str(path))
    _, curves = load_curves(path, x="T_K", y="R_ohm", opts=opts, by="auto")
    curves = [c for c in curves if len(c)]
    if not curves:
        raise DataError(f"no R(T) points in {name}: every row has a blank T or R")
    crits = [str(c) for c in criteria]
    if len(curves) == 1:
        c = curves[0]
        try:
            res: TcResult = critical_temperature(
                c.x, c.y, criteria=crits, normal_at=normal_at, fit_window=fit_window
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
