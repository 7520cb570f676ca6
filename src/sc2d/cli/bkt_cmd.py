"""``sc2d bkt``: Halperin-Nelson fit and linearisation of R(T), AL fluctuations."""

from __future__ import annotations

import math
from typing import Any

import click

from ._common import emit, json_option, parse_units, positive_float, read_options
from .iv_cmd import parse_range


def _fmt(e: Any, unit: str = "") -> str:
    if e is None or not math.isfinite(e.value):
        return "-" + (f"  [{e.flag}]" if e is not None and e.flag else "")
    s = f"{e.value:.5g} ± {e.stderr:.2g}" if math.isfinite(e.stderr) else f"{e.value:.5g}"
    return s + unit + (f"  [{e.flag}]" if e.flag else "")


def _text(res: Any) -> str:
    w = res.window_K
    lines = [
        f"{res.source}: R_N = {res.r_normal_ohm:.5g} Ohm; HN window {w[0]:.4g}-{w[1]:.4g} K",
        f"T_BKT (Halperin-Nelson fit)   = {_fmt(res.t_bkt_K, ' K')}",
        f"b                             = {_fmt(res.b)}",
        f"R0                            = {_fmt(res.r0_ohm, ' Ohm')}",
        f"corr(T_BKT, b)                = {res.corr_tbkt_b:.3f}",
        f"T_BKT ([dlnR/dT]^(-2/3) line) = {_fmt(res.t_bkt_linearized_K, ' K')}",
    ]
    if res.tc0_K is not None:
        lines.append(f"T_c0 (2D Aslamazov-Larkin)    = {_fmt(res.tc0_K, ' K')}")
        lines.append(f"AL amplitude / (e^2/16 hbar)  = {_fmt(res.al_amplitude_ratio)}")
    return "\n".join(lines)


@click.command("bkt")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--window", default=None, metavar="TMIN,TMAX", help="HN fit window (K); default 1%-40% of R_N."
)
@click.option(
    "--normal-at", type=float, default=None, metavar="K", help="T of the normal-state R_N (K)."
)
@click.option(
    "--smoothing", type=int, default=7, show_default=True, help="Points per local derivative fit."
)
@click.option(
    "--r-normal", type=float, default=None, metavar="OHM", help="Normal resistance R_N (Ohm)."
)
@click.option("--no-al", is_flag=True, help="Skip the Aslamazov-Larkin fit.")
@read_options
@json_option
def bkt(
    file, window, normal_at, smoothing, r_normal, no_al, x_col, y_col, by, units, run_id, as_json
) -> None:
    """Halperin-Nelson fit R = R0 exp[-b (T/T_BKT - 1)^(-1/2)], its linearisation and AL T_c0."""
    from ..io import ReadOptions
    from ..tasks.bkt import bkt_file

    positive_float("--normal-at", normal_at)
    positive_float("--r-normal", r_normal)
    wnd = parse_range("--window", window, "K")
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=parse_units(units), run_id=run_id)
    res = bkt_file(
        file,
        window=wnd,
        normal_at=normal_at,
        al=not no_al,
        opts=opts,
        smoothing=smoothing,
        r_normal=r_normal,
    )
    emit(res, as_json, lambda: _text(res))
