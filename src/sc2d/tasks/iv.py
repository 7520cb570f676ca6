"""``sc2d iv``: critical currents, V ~ I^alpha and T_BKT from an I-V file."""

from __future__ import annotations

from typing import Any

from ..bkt import IVFamilyResult, iv_family

__all__ = ["iv_file"]


def iv_file(
    path: Any,
    *,
    criterion: str = "voltage",
    v_threshold: float | None = None,
    window: tuple[float, float] | None = None,
    opts: Any = None,
    **kwargs: Any,
) -> IVFamilyResult:
    """Read I-V curves stepped in T (or gate, field) and run :func:`sc2d.bkt.iv_family`.

    Parameters
    ----------
    path : path-like or Table
        A file with current and voltage columns and a stepped column
        (temperature usually; gate voltage or field also work).
    criterion : {"voltage", "resistance", "dvdi"}
        Critical-current criterion.
    v_threshold : float, optional
        Voltage threshold (V); default 5 sigma_V per curve.
    window : (float, float), optional
        Power-law current window (A) for every curve.
    opts : sc2d.io.ReadOptions, optional
        The user's ``--x/--y/--by/--units/--run-id``.
    **kwargs
        Further options of :func:`sc2d.bkt.iv_family`.

    Returns
    -------
    IVFamilyResult
        ``to_dict()`` is the ``sc2d iv --json`` object: ``t_bkt_K``,
        ``curves`` (each ``T_K`` (or the stepped value), ``alpha``, ``ic_A``).
    """
    from ..io import load_curves

    table, curves = load_curves(path, x="I_A", y="V_V", opts=opts, by="auto")
    curves = _with_temperature(table, curves)
    return iv_family(
        curves,
        criterion=criterion,
        v_threshold=v_threshold,
        window=window,
        source=str(getattr(table, "source", "") or path),
        **kwargs,
    )


def _with_temperature(table: Any, curves: list[Any]) -> list[Any]:
    """Give each curve a ``T_K`` when the file has a temperature column.

    When T is not the stepped variable (a gate or field series at fixed T)
    the curve's T_K is the mean of the temperature column over the file, so
    every curve of the JSON carries ``T_K``.
    """
    import dataclasses

    import numpy as np

    if all("T_K" in c.fixed for c in curves) or not table.has("T_K"):
        return curves
    t = table.column("T_K")
    t = t[np.isfinite(t)]
    if t.size == 0:
        return curves
    tm = float(np.mean(t))
    return [
        c if "T_K" in c.fixed else dataclasses.replace(c, fixed={**c.fixed, "T_K": tm})
        for c in curves
    ]
