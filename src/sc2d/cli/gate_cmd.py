"""``sc2d gate``: Tc dome, n_s, mobility and Ic versus gate voltage."""

from __future__ import annotations

import click

from ..errors import FormatError
from ._common import emit, json_option, parse_criteria, parse_units, positive_float

_FILE = click.Path(exists=True, dir_okay=False)


@click.command("gate")
@click.argument("inputs", nargs=-1, type=_FILE)
@click.option("--rt", type=_FILE, default=None, help="R(T) stepped in gate voltage.")
@click.option("--hall", type=_FILE, default=None, help="R_xy(B) (and R_xx) stepped in V_G.")
@click.option("--iv", type=_FILE, default=None, help="I-V at base temperature stepped in V_G.")
@click.option("--normal-at", type=float, default=None, metavar="K", help="T of R_N (K).")
@click.option(
    "--criterion",
    default=None,
    metavar="F",
    help="Fraction of R_N defining the Tc of the dome (default 0.5 or the TOML's).",
)
@click.option(
    "--criteria",
    default="0.9,0.5,0.1",
    show_default=True,
    help="Every Tc criterion reported per step.",
)
@click.option(
    "--thickness-mm",
    type=float,
    default=None,
    metavar="MM",
    help="Gate dielectric (substrate) thickness, for the effective eps_r.",
)
@click.option("--sample", default=None, help="With a TOML: the sample to use (default: first).")
@click.option("--by", default=None, metavar="COL", help="The gate column, if not recognised.")
@click.option("--units", multiple=True, metavar="COL=UNIT", help="State a column's unit.")
@click.option("--run-id", type=int, default=None, help="QCoDeS database: the run to read.")
@json_option
def gate(
    inputs: tuple[str, ...],
    rt: str | None,
    hall: str | None,
    iv: str | None,
    normal_at: float | None,
    criterion: str | None,
    criteria: str,
    thickness_mm: float | None,
    sample: str | None,
    by: str | None,
    units: tuple[str, ...],
    run_id: int | None,
    as_json: bool,
) -> None:
    """Gate series from CONFIG.toml (first sample with gate_* roles) or family FILES.

    FILES are told apart by their columns (R_xy and B: Hall; I and V: I-V;
    T and R: R(T)); --rt/--hall/--iv name them explicitly.

    Each family is cut into gate steps; Tc (every criterion), n_s, mobility,
    mean free path and Ic are matched by V_G. The dome peak comes from a
    local quadratic around the maximum (V_peak = -c1/2c2, delta-method
    errors); dn_s/dV_G gives the back-gate capacitance.
    """
    from ..io import ReadOptions
    from ..tasks.gate import gate_task

    if not inputs and rt is None and hall is None and iv is None:
        raise click.UsageError(
            "give a sample-set TOML or at least one of --rt, --hall, --iv (gate-stepped files)"
        )
    positive_float("--normal-at", normal_at)
    positive_float("--thickness-mm", thickness_mm)
    crits = parse_criteria(criteria)
    kw = {}
    if criterion is not None:
        try:
            one = parse_criteria(criterion)
        except FormatError:
            raise FormatError(
                f"--criterion expects one fraction of R_normal between 0 and 1 (e.g. 0.5), "
                f"got '{criterion}'"
            ) from None
        if len(one) != 1:
            raise FormatError(f"--criterion expects one fraction such as 0.5, got '{criterion}'")
        kw["criterion"] = one[0]
    opts = ReadOptions(by=by, units=parse_units(units), run_id=run_id)
    res = gate_task(
        inputs,
        rt=rt,
        hall=hall,
        iv=iv,
        normal_at=normal_at,
        criteria=crits,
        thickness_m=None if thickness_mm is None else thickness_mm * 1e-3,
        opts=opts,
        **({"sample": sample} if sample else {}),
        **kw,
    )
    emit(res, as_json, res.summary)
