"""``sc2d hc2``: Hc2(T), GL coherence length and thickness, Pauli limit."""

from __future__ import annotations

import math

import click

from ..errors import FormatError
from ._common import emit, json_option, parse_units, positive_float, read_options

_FILE = click.Path(exists=True, dir_okay=False)


def _fmt(e) -> str:
    if e is None or not math.isfinite(e.value):
        return f"n/a ({e.flag})" if e is not None and e.flag else "n/a"
    return format(e)


def _text(res) -> str:
    lines = [
        f"criterion: {res.criterion:g} of R_N; R_N = {res.normal_reference}; Tc {res.tc_mode}",
        f"mu0 Hc2_perp(0) = {_fmt(res.hc2_perp_0_T)}   xi_GL = {_fmt(res.xi_gl_nm)}",
        f"mu0 Hc2_par(0)  = {_fmt(res.hc2_par_0_T)}   d_SC = {_fmt(res.d_sc_nm)}",
        f"anisotropy      = {_fmt(res.anisotropy)}   xi/d = {_fmt(res.xi_over_d)}",
        f"Pauli limit     = {_fmt(res.pauli_limit_T)}   Hc2_par/H_P = "
        f"{_fmt(res.hc2_par_over_pauli)}",
        f"WHH Hc2(0)      = {_fmt(res.whh_hc2_0_T)}   D = {_fmt(res.diffusion_m2_per_s)}",
        f"tau_so (KLB)    = {_fmt(res.tau_so_s)}",
    ]
    if res.angle is not None:
        lines.append(
            f"Hc2(theta): {res.angle.verdict} (AIC(3D) - AIC(2D) = {res.angle.delta_aic:.3g})"
        )
    lines.append(f"{len(res.points)} Hc2 points:")
    for p in res.points:
        err = p.T_stderr_K if p.swept == "T" else p.B_stderr_T
        unit = "K" if p.swept == "T" else "T"
        lines.append(
            f"  {p.orientation:4s} B = {p.B_T:.5g} T  T = {p.T_K:.5g} K  "
            f"(± {err:.2g} {unit} in {p.swept})"
        )
    lines.extend(f"note: {n}" for n in res.notes)
    return "\n".join(lines)


def _field_offset(text: str) -> float | str | None:
    """--field-offset: "auto", "none" or a field in tesla."""
    word = text.strip().lower()
    if word in ("auto", "none"):
        return None if word == "none" else "auto"
    try:
        value = float(word)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise FormatError(f"--field-offset must be 'auto', 'none' or a field in T, got '{text}'")
    return value


@click.command("hc2")
@click.option(
    "--perp",
    type=_FILE,
    default=None,
    help="Out-of-plane family: R(T) at stepped fields or R(B) at stepped T.",
)
@click.option(
    "--par",
    type=_FILE,
    default=None,
    help="In-plane family: R(T) at stepped fields or R(B) at stepped T.",
)
@click.option(
    "--angle", type=_FILE, default=None, help="R(B) at stepped angles, or angle/Hc2 table."
)
@click.option(
    "--normal-at",
    type=float,
    default=None,
    metavar="K",
    help="R_N = R at this T of each R(T) curve (default: median of the top 10% of T); "
    "R(B) sweeps use their normal-state magnetoresistance.",
)
@click.option(
    "--criterion", type=float, default=0.5, show_default=True, help="Fraction of R_N for Hc2."
)
@click.option(
    "--tc-shared/--tc-free",
    default=False,
    show_default=True,
    help="One Tc for both GL lines, or each its own.",
)
@click.option(
    "--tc-pauli",
    type=float,
    default=None,
    metavar="K",
    help="Tc for the Pauli limit (default: zero-field Tc at the criterion).",
)
@click.option(
    "--gap-ratio",
    type=float,
    default=None,
    help="Delta0/(k_B Tc) for the Pauli limit (default BCS 1.764).",
)
@click.option("--g", "g_factor", type=float, default=2.0, show_default=True, help="g factor.")
@click.option(
    "--reference",
    type=click.Choice(["each", "zero-field"]),
    default="each",
    show_default=True,
    help="R_N of each curve or of the lowest-field curve.",
)
@click.option(
    "--field-offset",
    default="auto",
    show_default=True,
    metavar="auto|none|TESLA",
    help="The magnet's remanent field, subtracted from the fields: 'auto' measures it from "
    "the symmetry of each R(B) sweep through zero; a number (T) applies to every curve.",
)
@read_options
@json_option
def hc2(
    perp,
    par,
    angle,
    normal_at,
    criterion,
    tc_shared,
    tc_pauli,
    gap_ratio,
    g_factor,
    reference,
    field_offset,
    x_col,
    y_col,
    by,
    units,
    run_id,
    as_json,
) -> None:
    """Upper critical fields from field families: Hc2(T) points at a fraction of R_N,
    2D GL fits (xi_GL, d_SC), anisotropy, WHH, Pauli limit, KLB, Hc2(theta)."""
    from .. import physics
    from ..io import ReadOptions
    from ..tasks.hc2 import hc2_files

    if perp is None and par is None:
        raise click.UsageError("give --perp FILE and/or --par FILE")
    positive_float("--normal-at", normal_at)
    positive_float("--tc-pauli", tc_pauli)
    positive_float("--gap-ratio", gap_ratio)
    positive_float("--g", g_factor)
    if not (0 < criterion < 1):
        raise FormatError(f"--criterion must be a fraction of R_N between 0 and 1, got {criterion}")
    offset = _field_offset(field_offset)
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=parse_units(units), run_id=run_id)
    res = hc2_files(
        field_offset_T=offset,
        perp=perp,
        par=par,
        angle=angle,
        normal_at=normal_at,
        criterion=criterion,
        tc_shared=tc_shared,
        tc_pauli=tc_pauli,
        gap_ratio=physics.BCS_GAP_RATIO if gap_ratio is None else gap_ratio,
        g=g_factor,
        reference=reference,
        opts=opts,
    )
    emit(res, as_json, lambda: _text(res))
