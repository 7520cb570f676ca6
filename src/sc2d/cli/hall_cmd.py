"""``sc2d hall``: carrier density, sign and mobility from R_xy(B)."""

from __future__ import annotations

import click

from ._common import emit, json_option, parse_units, positive_float, read_options


@click.command("hall")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--rs",
    type=float,
    default=None,
    metavar="OHM",
    help="Sheet resistance for the mobility (default: R_xx(B=0) of the same file).",
)
@click.option(
    "--window-T",
    "window_t",
    type=float,
    default=None,
    metavar="B",
    help="Fit the Hall slope over |B| <= B tesla only (default: all fields).",
)
@click.option(
    "--two-band",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Two-carrier Drude fit constrained by R_xx(0).",
)
@read_options
@json_option
def hall(file, rs, window_t, two_band, x_col, y_col, by, units, run_id, as_json) -> None:
    """Hall density n_s, carrier sign, mobility, k_F l from R_xy(B) (and R_xx) in FILE.

    A file stepped in gate voltage or temperature gives one result per step
    under "curves".
    """
    from ..io import ReadOptions
    from ..tasks.hall import hall_file

    positive_float("--rs", rs)
    positive_float("--window-T", window_t)
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=parse_units(units), run_id=run_id)
    res = hall_file(file, r_s=rs, opts=opts, window=window_t, two_band=two_band)
    emit(res, as_json, res.summary)
