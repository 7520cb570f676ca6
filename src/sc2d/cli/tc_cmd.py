"""``sc2d tc``: Tc at stated criteria from R(T) (one result per field/gate step)."""

from __future__ import annotations

import click

from ._common import emit, json_option, parse_criteria, parse_units, positive_float, read_options


@click.command("tc")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--normal-at",
    type=float,
    default=None,
    metavar="K",
    help="R_N = R at this temperature (the study uses 0.4 K); default: median of the top 5% of T.",
)
@click.option(
    "--normal-window",
    type=float,
    nargs=2,
    default=None,
    metavar="LO HI",
    help="Instead: linear fit of the normal state over LO-HI K, extrapolated.",
)
@click.option(
    "--criteria",
    default="0.9,0.5,0.1",
    show_default=True,
    help="Fractions of R_N at which Tc is reported.",
)
@read_options
@json_option
def tc(file, normal_at, normal_window, criteria, x_col, y_col, by, units, run_id, as_json) -> None:
    """Tc at fractions of R_N, onset, zero resistance, width and hysteresis of R(T) in FILE.

    A file stepped in field or gate gives one result per step under "curves".
    """
    from ..errors import FormatError
    from ..io import ReadOptions
    from ..tasks.tc import tc_file

    crits = parse_criteria(criteria)
    positive_float("--normal-at", normal_at)
    if normal_at is not None and normal_window:
        raise FormatError("give --normal-at or --normal-window, not both")
    window = tuple(normal_window) if normal_window else None
    if window is not None and not (0 <= window[0] < window[1]):
        raise FormatError(f"--normal-window expects LO HI with 0 <= LO < HI (K), got {window}")
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=parse_units(units), run_id=run_id)
    res = tc_file(file, normal_at=normal_at, criteria=crits, opts=opts, fit_window=window)
    emit(res, as_json, res.summary)
