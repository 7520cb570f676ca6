"""``sc2d vdp``: sheet resistance from two Van der Pauw resistances."""

from __future__ import annotations

import click

from ..errors import FormatError
from ._common import emit, json_option


@click.command("vdp")
@click.option("--ra", type=float, required=True, help="R_A = R_{21,34} (Ohm), > 0.")
@click.option("--rb", type=float, required=True, help="R_B = R_{32,41} (Ohm), > 0.")
@json_option
def vdp(ra: float, rb: float, as_json: bool) -> None:
    """Solve exp(-pi R_A/R_s) + exp(-pi R_B/R_s) = 1 for the sheet resistance R_s."""
    from ..normal import van_der_pauw

    for name, v in (("--ra", ra), ("--rb", rb)):
        if not (v > 0) or v == float("inf"):
            raise FormatError(f"{name} must be a positive resistance in Ohm, got {v}")
    if not 1e-8 <= rb / ra <= 1e8:
        raise FormatError(
            f"--ra {ra:g} and --rb {rb:g} differ by a factor {max(ra, rb) / min(ra, rb):.3g}; "
            "a Van der Pauw measurement gives ratios within 1e-8 to 1e8: check the values and units"
        )
    res = van_der_pauw(ra, rb)
    emit(
        res,
        as_json,
        lambda: (
            f"R_s = {res.r_s_ohm:.8g} Ohm/sq  (R_A = {ra:g} Ohm, R_B = {rb:g} Ohm, "
            f"R_B/R_A = {rb / ra:.4g}, f = {res.f_factor:.6f})"
        ),
    )
