"""``sc2d iv``: critical current, V ~ I^alpha and T_BKT from I-V curves."""

from __future__ import annotations

import math
from typing import Any

import click

from ..errors import FormatError
from ._common import emit, json_option, parse_units, positive_float, read_options


def parse_range(name: str, text: str | None, unit: str) -> tuple[float, float] | None:
    """``"1e-7,2e-6"`` -> (1e-7, 2e-6); refused unless 0 <= min < max."""
    if text is None:
        return None
    parts = [p.strip() for p in str(text).split(",")]
    try:
        lo, hi = (float(p) for p in parts)
    except ValueError:
        raise FormatError(
            f"{name} expects MIN,MAX in {unit} (e.g. {name} 1e-7,2e-6), got '{text}'"
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and 0 <= lo < hi):
        raise FormatError(f"{name} needs 0 <= MIN < MAX (in {unit}), got '{text}'")
    return lo, hi


def _fmt(e: Any, scale: float = 1.0, unit: str = "") -> str:
    if e is None or not math.isfinite(e.value):
        return "-"
    if math.isfinite(e.stderr):
        return f"{e.value * scale:.4g} ± {e.stderr * scale:.2g}{unit}"
    return f"{e.value * scale:.4g}{unit}"


def _text(res: Any) -> str:
    key = res.stepped or "T_K"
    lines = [
        f"{res.source}: {len(res.curves)} I-V curve(s) stepped in {res.stepped or 'nothing'}; "
        f"Ic criterion {res.criterion}",
        f"{key:>10} {'alpha':>16} {'Ic (uA)':>16} {'Ir (uA)':>16}  power-law window (uA)",
    ]
    for c in res.curves:
        v = c.fixed.get(key)
        vs = f"{v:10.4g}" if v is not None else f"{'-':>10}"
        w = (
            f"{c.window_A[0] * 1e6:.3g}-{c.window_A[1] * 1e6:.3g}"
            if c.window_A
            else ("ohmic" if c.ohmic else f"none ({c.alpha.flag.split(';')[0]})")
        )
        lines.append(
            f"{vs} {_fmt(c.alpha):>16} {_fmt(c.ic_A, 1e6):>16} {_fmt(c.ir_A, 1e6):>16}  {w}"
        )
    tb = res.t_bkt_K
    lines.append(
        f"T_BKT (alpha = 3) = {_fmt(tb, 1.0, ' K')}" + (f"  [{tb.flag}]" if tb.flag else "")
    )
    t1 = res.t_alpha1_K
    lines.append(
        f"alpha reaches 1 at T = {_fmt(t1, 1.0, ' K')}" + (f"  [{t1.flag}]" if t1.flag else "")
    )
    return "\n".join(lines)


@click.command("iv")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--criterion",
    type=click.Choice(["voltage", "resistance", "dvdi"]),
    default="voltage",
    show_default=True,
    help="Critical-current criterion: |V| > V_th, V/I > 1% R_N, or the dV/dI peak.",
)
@click.option(
    "--v-threshold", type=float, default=None, metavar="V", help="V_th (V); default 5 sigma_V."
)
@click.option(
    "--window",
    default=None,
    metavar="IMIN,IMAX",
    help="Power-law current window (A) for every curve; default automatic.",
)
@click.option(
    "--r-normal", type=float, default=None, metavar="OHM", help="Normal resistance R_N (Ohm)."
)
@read_options
@json_option
def iv(
    file, criterion, v_threshold, window, r_normal, x_col, y_col, by, units, run_id, as_json
) -> None:
    """Ic (switching, retrapping), V ~ I^alpha per curve and T_BKT where alpha(T) = 3."""
    from ..io import ReadOptions
    from ..tasks.iv import iv_file

    positive_float("--v-threshold", v_threshold)
    positive_float("--r-normal", r_normal)
    wnd = parse_range("--window", window, "A")
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=parse_units(units), run_id=run_id)
    res = iv_file(
        file, criterion=criterion, v_threshold=v_threshold, window=wnd, opts=opts, r_normal=r_normal
    )
    emit(res, as_json, lambda: _text(res))
