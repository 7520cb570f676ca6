"""``sc2d inspect FILE``: show what sc2d reads from a file."""

from __future__ import annotations

from typing import Any

import click
import numpy as np

from ..data import CANONICAL_COLUMNS
from ._common import emit, json_option, parse_units, read_options

__all__ = ["inspect", "inspect_file"]


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _canonical_of(table: Any, col: str, units: dict[str, str]) -> str | None:
    """The canonical name a user-named column stands for (by provenance, name or unit)."""
    from ..io.columns import _name_quantity, _unit_quantity, parse_name
    from ..io.units import lookup_unit

    if col in CANONICAL_COLUMNS:
        return col
    for k, ci in table.columns.items():
        if ci.original == col:
            return k
    p = parse_name(col)
    hit = lookup_unit(units.get(col) or p.unit)
    named = _name_quantity(p.base, hit[0] if hit else None)
    if hit is None:
        return named
    if named is not None and _unit_quantity(hit[0]) in ("R_ohm", "V_V"):
        if named in ("Rxy_ohm", "Vg_V"):
            return named
    return _unit_quantity(hit[0])


def inspect_file(
    path: str,
    *,
    x_col: str | None = None,
    y_col: str | None = None,
    by: str | None = None,
    units: dict[str, str] | None = None,
    run_id: int | None = None,
) -> dict[str, Any]:
    """Everything ``sc2d inspect`` reports, as a JSON-ready dict."""
    from ..io import ReadOptions, load_curves, read, split_curve_directions
    from ..io.segment import AUTO_BY, is_stepped

    columns: dict[str, str] = {}
    opts = ReadOptions(x=x_col, y=y_col, by=by, units=units or {}, run_id=run_id)
    table = read(path, units=units or {}, columns=columns, run_id=run_id)
    # x: the user's column, else the first swept canonical column
    x_name = _canonical_of(table, x_col, opts.units) if x_col else None
    if x_name is None and not x_col:
        steps = {c for c in AUTO_BY if table.has(c) and is_stepped(table.column(c))}
        for cand in ("T_K", "B_T", "I_A", "Vg_V", "theta_deg", "t_s"):
            if table.has(cand) and cand not in steps:
                x_name = cand
                break
    y_name = _canonical_of(table, y_col, opts.units) if y_col else None
    if not y_col:
        y_name = next(
            (c for c in ("R_ohm", "Rxy_ohm", "V_V", "rho_ohm_m") if table.has(c) and c != x_name),
            None,
        )
    import os

    from ..errors import FormatError, UnitError
    from ..io.units import known_units

    for col, name in ((x_col, x_name), (y_col, y_name)):
        if col and name is None:
            if col not in table.data.columns:
                cols = ", ".join(repr(str(c)) for c in list(table.data.columns)[:30])
                raise FormatError(
                    f"{os.path.basename(path)} has no column '{col}'; columns: {cols}"
                )
            raise UnitError(
                f"column '{col}' in {os.path.basename(path)} has no unit sc2d can tell the "
                f"quantity from; pass --units '{col}=UNIT' (known: {known_units()})"
            )
    curves: list[Any] = []
    if x_name is not None or x_col:
        x_want = x_name or "T_K"
        y_want = y_name or ("R_ohm" if y_col else x_want)
        _, curves = load_curves(table, x=x_want, y=y_want, opts=opts, by="auto")
    stepped = list(curves[0].fixed) if curves and curves[0].fixed else []
    setpoints = {k: [c.fixed.get(k) for c in curves] for k in stepped}
    dirs: list[str] = []
    per_curve: list[dict[str, Any]] = []
    for c in curves:
        parts = split_curve_directions(c)
        d = [q.direction or "mixed" for q in parts]
        dirs += d
        if len(per_curve) < 50:
            per_curve.append({**c.fixed, "points": len(c), "runs": d})
    sweeps: dict[str, Any] = {}
    if curves:
        xv = table.data[curves[0].x_name] if curves[0].x_name in table.data else None
        fin = [c.x for c in curves if len(c)]
        allx = np.concatenate(fin) if fin else np.array([])
        sweeps = {
            "x": curves[0].x_name,
            "y": curves[0].y_name,
            "runs": len(dirs),
            "up": dirs.count("up"),
            "down": dirs.count("down"),
            "range": [float(allx.min()), float(allx.max())] if allx.size else None,
            "curves": per_curve,
        }
        del xv
    canon_orig = {ci.original for ci in table.columns.values()}
    alts = {a for v in table.meta.get("alternatives", {}).values() for a in v}
    other = [
        str(c)
        for c in table.data.columns
        if str(c) not in table.columns and str(c) not in canon_orig and str(c) not in alts
    ]
    cols = []
    for k, ci in table.columns.items():
        v = table.data[k].to_numpy(dtype=float)
        fin = v[np.isfinite(v)]
        cols.append(
            {
                "column": k,
                "original": ci.original,
                "unit": ci.unit,
                "scale_to_SI": ci.scale,
                "n_values": int(fin.size),
                "min": float(fin.min()) if fin.size else None,
                "max": float(fin.max()) if fin.size else None,
            }
        )
    meta = {
        k: v
        for k, v in table.meta.items()
        if k in ("title", "run_id", "run_name", "channels", "notes", "delimiter", "engine", "info")
    }
    return {
        "file": str(path),
        "format": table.format,
        "rows": len(table),
        "columns": cols,
        "unrecognised": other,
        "alternatives": table.meta.get("alternatives", {}),
        "stepped": stepped[0] if stepped else None,
        "stepped_columns": stepped,
        "n_curves": len(curves),
        "setpoints": setpoints,
        "sweeps": sweeps,
        "meta": meta,
    }


def _text(info: dict[str, Any]) -> str:
    out = [f"{info['file']}: {info['format']}, {info['rows']} rows"]
    if info["meta"].get("title"):
        out.append(f"title: {info['meta']['title']}")
    out.append("columns (canonical <- original [unit] x scale to SI):")
    for c in info["columns"]:
        rng = f"  {_fmt(c['min'])} .. {_fmt(c['max'])}" if c["min"] is not None else "  (no values)"
        out.append(
            f"  {c['column']:<10} <- {c['original']!r} [{c['unit']}] x {c['scale_to_SI']:g}{rng}"
        )
    for k, alts in info["alternatives"].items():
        out.append(f"  {k} alternatives (choose with --x/--y/--by): {', '.join(map(repr, alts))}")
    if info["unrecognised"]:
        shown = ", ".join(repr(c) for c in info["unrecognised"][:20])
        more = len(info["unrecognised"]) - 20
        out.append(f"unrecognised columns: {shown}" + (f" (+{more} more)" if more > 0 else ""))
    if info["stepped"]:
        out.append(f"stepped: {', '.join(info['stepped_columns'])} -> {info['n_curves']} curves")
        for k, sp in info["setpoints"].items():
            vals = ", ".join(_fmt(v) for v in sp[:12]) + (" ..." if len(sp) > 12 else "")
            out.append(f"  {k}: {vals}")
    else:
        out.append("stepped: none (one curve)")
    sw = info["sweeps"]
    if sw:
        out.append(
            f"sweeps of {sw['x']} (y = {sw['y']}): {sw['runs']} runs "
            f"({sw['up']} up, {sw['down']} down)"
        )
    for n in info["meta"].get("notes", []):
        out.append(f"note: {n}")
    return "\n".join(out)


@click.command("inspect")
@click.argument("file", type=click.Path(dir_okay=True, path_type=str))
@read_options
@json_option
def inspect(
    file: str,
    x_col: str | None,
    y_col: str | None,
    by: str | None,
    units: tuple[str, ...],
    run_id: int | None,
    as_json: bool,
) -> None:
    """Show what sc2d reads from FILE: format, columns, units, sweeps."""
    info = inspect_file(
        file, x_col=x_col, y_col=y_col, by=by, units=parse_units(units), run_id=run_id
    )
    emit(info, as_json, lambda: _text(info))
