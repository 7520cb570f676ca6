"""``sc2d hall``: an R_xy(B) file -> n_s, carrier sign, mobility, k_F l.

Read with :func:`sc2d.io.load_curves` (x = ``B_T``, y = ``Rxy_ohm``); R_xx
comes from the file's ``R_ohm`` column when present (R_s = R_xx(B = 0) of the
same file, hence at the same temperature) or from ``--rs``. A file stepped in
gate voltage or temperature gives one result per step under ``curves``
(:func:`hall_curve` is the per-curve function the gate analysis reuses).
"""

from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..data import Curve, Result, to_jsonable
from ..errors import DataError
from ..normal import HallResult, hall_analysis

__all__ = ["HallFamilyResult", "hall_curve", "hall_file"]


@dataclass(frozen=True)
class HallFamilyResult(Result):
    """One :class:`~sc2d.normal.HallResult` per step (gate, temperature)."""

    stepped: str
    curves: list[HallResult]

    def to_dict(self) -> dict[str, Any]:
        return {
            "stepped": self.stepped,
            "n_curves": len(self.curves),
            "curves": [{**to_jsonable(c.fixed), **c.to_dict()} for c in self.curves],
        }

    def summary(self) -> str:
        lines = []
        for c in self.curves:
            head = ", ".join(f"{k} = {v:.4g}" for k, v in c.fixed.items())
            if math.isfinite(c.n_s_cm2.value):
                mu = c.mobility_cm2_per_Vs
                mus = f", mu = {mu:.4g}" if math.isfinite(mu.value) else ""
                lines.append(f"{head}: {c.carrier}, n_s = {c.n_s_cm2:.4g}{mus}")
            else:
                lines.append(f"{head}: {c.n_s_cm2.flag}")
        return "\n".join(lines)


def hall_curve(
    curve: Curve,
    *,
    rxx: Curve | None = None,
    r_s: float | None = None,
    window: float | None = None,
    two_band: str = "auto",
    temperature: float = math.nan,
    source: str = "",
) -> HallResult:
    """Hall analysis of one R_xy(B) curve (and optionally its R_xx(B) curve)."""
    res = hall_analysis(
        curve.x,
        curve.y,
        rxx=None if rxx is None else rxx.y,
        b_xx=None if rxx is None else rxx.x,
        r_s=r_s,
        window=window,
        two_band=two_band,
        temperature=temperature,
        source=source,
    )
    return dataclasses.replace(res, fixed=dict(curve.fixed))


def _missing(fixed: dict[str, float], reason: str) -> HallResult:
    from ..data import Estimate

    def m(u: str) -> Estimate:
        return Estimate.missing(u, reason)

    return HallResult(
        n_s_cm2=m("cm^-2"),
        carrier="",
        hall_slope_ohm_per_T=m("Ohm/T"),
        mobility_cm2_per_Vs=m("cm^2/(V s)"),
        r_s_ohm=m("Ohm"),
        k_f_per_m=m("m^-1"),
        mean_free_path_nm=m("nm"),
        kf_l=m(""),
        sheet_conductance_e2_h=m("e^2/h"),
        two_band=None,
        window_T=math.nan,
        temperature_K=math.nan,
        n_points=0,
        method="",
        flags=[reason],
        fixed=dict(fixed),
    )


def hall_file(
    path: Any,
    *,
    r_s: float | None = None,
    opts: Any = None,
    window: float | None = None,
    two_band: str = "auto",
) -> Result:
    """Hall analysis of a file.

    Parameters
    ----------
    path : path-like
        File with a field column and a Hall-resistance column (R_xy), and
        optionally R_xx (``R_ohm``) and T.
    r_s : float, optional
        Sheet resistance (Ohm) instead of the file's R_xx(B = 0).
    opts : sc2d.io.ReadOptions, optional
    window : float, optional
        Largest |B| (T) used in the slope fit.
    two_band : {"auto", "always", "never"}

    Returns
    -------
    HallResult, or HallFamilyResult for a file stepped in gate / temperature.

    Raises
    ------
    DataError
        "no Hall slope in FILE: ..." when R_xy does not depend on B.
    """
    from ..io import ReadOptions, load_curves, read

    opts = opts or ReadOptions()
    name = os.path.basename(str(path))
    table = read(path, units=dict(opts.units), run_id=opts.run_id)
    _, curves = load_curves(table, x="B_T", y="Rxy_ohm", opts=opts, by="auto")
    curves = [c for c in curves if len(c)]
    if not curves:
        raise DataError(f"no R_xy(B) points in {name}: every row has a blank B or R_xy")
    xx: list[Curve | None] = [None] * len(curves)
    if table.has("R_ohm") and r_s is None:
        opts_xx = dataclasses.replace(opts, y=None)
        _, cxx = load_curves(table, x="B_T", y="R_ohm", opts=opts_xx, by="auto")
        cxx = [c for c in cxx if len(c)]
        if len(cxx) == len(curves):
            xx = list(cxx)
    temps: list[float] = [math.nan] * len(curves)
    if table.has("T_K"):
        tcol = table.column("T_K")
        base = float(np.nanmedian(tcol)) if np.isfinite(tcol).any() else math.nan
        temps = [c.fixed.get("T_K", base) for c in curves]
    if len(curves) == 1:
        try:
            return hall_curve(
                curves[0],
                rxx=xx[0],
                r_s=r_s,
                window=window,
                two_band=two_band,
                temperature=temps[0],
                source=name,
            )
        except DataError as exc:
            msg = str(exc)
            raise DataError(msg if name in msg else f"{name}: {msg}") from None
    out = []
    for c, cx, t in zip(curves, xx, temps, strict=True):
        try:
            out.append(
                hall_curve(
                    c,
                    rxx=cx,
                    r_s=r_s,
                    window=window,
                    two_band=two_band,
                    temperature=c.fixed.get("T_K", t),
                    source=name,
                )
            )
        except DataError as exc:
            out.append(_missing(c.fixed, str(exc)))
    stepped = next((k for c in curves for k in c.fixed), "")
    return HallFamilyResult(stepped=stepped, curves=out)
