"""``sc2d bkt``: Halperin-Nelson fit, linearisation and AL fit of an R(T) file."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..bkt import BKTResult, bkt_rt
from ..errors import DataError

__all__ = ["bkt_file"]


def bkt_file(
    path: Any,
    *,
    window: tuple[float, float] | None = None,
    normal_at: float | None = None,
    al: bool = True,
    opts: Any = None,
    **kwargs: Any,
) -> BKTResult:
    """Read R(T) and run :func:`sc2d.bkt.bkt_rt`.

    Parameters
    ----------
    path : path-like or Table
        R(T) (zero field); sweeps down and up are pooled and sorted in T.
    window : (float, float), optional
        Halperin-Nelson / linearisation window (K).
    normal_at : float, optional
        Temperature (K) where R is the normal-state reference.
    al : bool
        Also fit 2D Aslamazov-Larkin fluctuations (gives ``tc0_K``).
    opts : sc2d.io.ReadOptions, optional
    **kwargs
        Further options of :func:`sc2d.bkt.bkt_rt` (``r_normal``, ``smoothing``).

    Returns
    -------
    BKTResult
        ``to_dict()`` is the ``sc2d bkt --json`` object: ``t_bkt_K``,
        ``t_bkt_linearized_K``, ``b``, ``r0_ohm`` (and ``tc0_K``).
    """
    from ..io import load_curves

    table, curves = load_curves(path, x="T_K", y="R_ohm", opts=opts, by="auto")
    src = str(getattr(table, "source", "") or path)
    if not curves:
        raise DataError(f"{src}: no R(T) points found")
    if len(curves) > 1:
        keys = sorted(set.intersection(*(set(c.fixed) for c in curves)))
        if keys == ["B_T"] or (keys and all(k == "B_T" for k in keys)):
            # a field family: BKT is a zero-field analysis, take the lowest |B|
            c = min(curves, key=lambda c: abs(c.fixed["B_T"]))
            src = f"{src} (B = {c.fixed['B_T']:.4g} T, lowest |B| of {len(curves)} field steps)"
            curves = [c]
        else:
            what = ", ".join(keys) or "a stepped column"
            raise DataError(
                f"{src} holds {len(curves)} R(T) curves stepped in {what}; the BKT analysis "
                "takes one zero-field R(T): split the file or use 'sc2d tc' for families"
            )
    t = np.concatenate([c.x for c in curves])
    r = np.concatenate([c.y for c in curves])
    return bkt_rt(t, r, window=window, normal_at=normal_at, al=al, source=src, **kwargs)
