"""``sc2d hc2``: field families in files -> Hc2 points, GL, WHH, Pauli, KLB, angle.

Each file is read with :func:`sc2d.io.load_curves`. The route follows what
steps in the file:

- the field steps (R(T) at fixed fields, the reference study's way):
  x = T_K, curves by B_T -> :func:`sc2d.fields.hc2_points_from_rt`;
- the temperature steps (R(B) sweeps at fixed T): x = B_T, curves by T_K ->
  :func:`sc2d.fields.hc2_points_from_rb`;
- for ``angle``: R(B) sweeps at stepped angles (x = B_T, by theta_deg), or a
  table of (angle, Hc2) pairs without a resistance column.

``--by`` (``opts.by``) overrides the detection.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any

from .. import physics
from ..errors import DataError, FitError, FormatError
from ..fields import Hc2Result, hc2_analysis, hc2_points_from_rb, hc2_points_from_rt

__all__ = ["hc2_files"]


def _read_table(path: Any, opts: Any) -> Any:
    from ..io import ReadOptions, read

    opts = opts or ReadOptions()
    return read(path, units=dict(opts.units), run_id=opts.run_id)


def _stepped(table: Any, name: str) -> bool:
    from ..io import is_stepped

    return table.has(name) and is_stepped(table.column(name))


def _by_canonical(table: Any, by: str) -> str:
    """The canonical name of a user-named stepped column (original or canonical)."""
    if by in ("B_T", "T_K", "theta_deg"):
        return by
    for canon, ci in table.columns.items():
        if ci.original == by:
            return canon
    return by


def _route(table: Any, path: Any, role: str, opts: Any) -> tuple[str, str]:
    """(x, by) canonical names for a family file."""
    name = os.path.basename(str(path))
    if opts is not None and opts.by:
        by = _by_canonical(table, opts.by)
        if by == "T_K":
            return "B_T", "T_K"
        if by == "theta_deg":
            return "B_T", "theta_deg"
        return "T_K", opts.by
    if role == "angle" and _stepped(table, "theta_deg"):
        return "B_T", "theta_deg"
    if _stepped(table, "B_T"):
        return "T_K", "B_T"
    if _stepped(table, "T_K") and table.has("B_T"):
        return "B_T", "T_K"
    empty = (getattr(table, "meta", None) or {}).get("empty") or {}
    blank = [lst[0] for k in ("T_K", "B_T", "R_ohm") for lst in [empty.get(k)] if lst]
    if blank:
        cols = ", ".join(f"'{c}'" for c in blank)
        raise DataError(
            f"--{role} {name}: column{'s' * (len(blank) > 1)} {cols} "
            f"hold{'s' * (len(blank) == 1)} no numbers (every value NaN or blank); "
            "hc2 needs R(T) at stepped fields or R(B) at stepped temperatures: check the file"
        )
    cols = ", ".join(sorted(table.columns)) or "none recognised"
    raise FormatError(
        f"--{role} {name}: neither the field nor the temperature steps (columns: {cols}); "
        "hc2 needs R(T) at stepped fields or R(B) at stepped temperatures; "
        "name the stepped column with --by"
    )


def _family(path: Any, role: str, opts: Any, **kw: Any) -> Any:
    from ..io import ReadOptions, load_curves

    table = _read_table(path, opts)
    x, by = _route(table, path, role, opts)
    src = table if opts is None or not (opts.x or opts.y) else path
    o = opts or ReadOptions()
    if opts is not None and opts.by:
        o = dataclasses.replace(opts, by=None)
    _, curves = load_curves(src, x=x, y="R_ohm", opts=o, by=by)
    name = os.path.basename(str(path))
    if len(curves) < 2:
        raise DataError(
            f"--{role} {name}: found {len(curves)} curve(s) stepped in {by}; "
            "a field analysis needs a family (two or more steps)"
        )
    if x == "T_K":
        return hc2_points_from_rt(
            curves,
            criterion=kw["criterion"],
            normal_at=kw["normal_at"],
            reference=kw["reference"],
            orientation=role,
            field_offset_T=kw["field_offset_T"],
        )
    return hc2_points_from_rb(
        curves, criterion=kw["criterion"], orientation=role, field_offset_T=kw["field_offset_T"]
    )


def _angle(path: Any, opts: Any, criterion: float) -> Any:
    from ..io import ReadOptions, load_curves

    table = _read_table(path, opts)
    name = os.path.basename(str(path))
    if not table.has("R_ohm") and table.has("theta_deg") and table.has("B_T"):
        return (table.column("theta_deg"), table.column("B_T"))
    if not (table.has("theta_deg") and table.has("B_T")):
        cols = ", ".join(sorted(table.columns)) or "none recognised"
        raise FormatError(
            f"--angle {name}: needs an angle column and a field column (columns: {cols}); "
            "give R(B) sweeps at stepped angles or a table of angle and Hc2"
        )
    src = table if opts is None or not (opts.x or opts.y) else path
    _, curves = load_curves(src, x="B_T", y="R_ohm", opts=opts or ReadOptions(), by="theta_deg")
    if len(curves) < 5:
        raise DataError(f"--angle {name}: found {len(curves)} angle step(s); at least 5 are needed")
    return curves


def _name(path: Any) -> str:
    return os.path.basename(str(getattr(path, "source", None) or path))


def _no_hc2_message(exc: Exception, fams: list[tuple[str, Any, Any]], criterion: float) -> str:
    """One line: which file gave no Hc2, why (from the dropped curves) and what to try."""
    names = " and ".join(f"--{role} {_name(path)}" for role, path, pts in fams if pts is not None)
    # e.g. "the perpendicular GL fit needs at least 3 Hc2 points, got 0"
    need = str(exc).split(";")[0]
    parts: list[str] = []
    hints: list[str] = []
    for role, path, pts in fams:
        if pts is None or len(pts.points) >= 3:
            continue
        n = len(pts.points) + len(pts.dropped)
        short = [d for d in pts.dropped if "not reached" in d["reason"]]
        stays = [d for d in pts.dropped if "never normal" in d["reason"]]
        ref = pts.normal_reference or "R_N"
        head = f"{len(pts.points)} of {n} {role} curves in {_name(path)} cross {100 * criterion:g}%"
        if short:
            d0 = min(short, key=lambda d: d.get("B_T", d.get("T_K", 0.0)))
            at = ", ".join(
                f"{k} = {v:.4g}" for k, v in d0.items() if k not in ("orientation", "reason")
            )
            why = d0["reason"].split("not reached: ")[-1].split("; not extrapolated")[0]
            parts.append(f"{head} of {ref} (at {at}: {why})")
            hints.append("lower --criterion or check --normal-at")
        elif stays:
            parts.append(f"{head} of {ref}; {len(stays)} never become normal")
            hints.append("choose --normal-at above the transition")
        else:
            parts.append(f"{head} of {ref}")
            hints.append("measure more field steps through the transition")
    if not parts:  # the points exist but the fit itself failed: its reason is the message
        return f"no Hc2 from {names}: {exc}"
    hint = " or ".join(dict.fromkeys(hints))
    return f"no Hc2 from {names}: {'; '.join(parts)}, and {need}; {hint}"


def hc2_files(
    *,
    perp: Any = None,
    par: Any = None,
    angle: Any = None,
    normal_at: float | None = None,
    criterion: float = 0.5,
    tc_shared: bool = False,
    tc_pauli: float | None = None,
    gap_ratio: float = physics.BCS_GAP_RATIO,
    g: float = 2.0,
    reference: str = "each",
    opts: Any = None,
    field_offset_T: float | str | None = "auto",
) -> Hc2Result:
    """Read the field families and run :func:`sc2d.fields.hc2_analysis`.

    Parameters
    ----------
    perp, par : path, optional
        Out-of-plane / in-plane field family: R(T) at stepped fields or R(B)
        at stepped temperatures (detected). At least one.
    angle : path, optional
        R(B) sweeps at stepped angles (theta from the film plane), or a
        table of angle and Hc2.
    normal_at : float, optional
        R_N = R(normal_at) of each curve (K); default a robust high-T level.
    criterion : float
        Fraction of R_N (0.5).
    tc_shared : bool
        One Tc for both GL lines.
    tc_pauli : float, optional
        Tc for the Pauli limit (K); default the zero-field Tc at the criterion.
    opts : sc2d.io.ReadOptions, optional
        ``--x/--y/--by/--units/--run-id`` for every file.
    field_offset_T : "auto", float or None
        The magnet's remanent field (T), subtracted from the fields; "auto":
        from the symmetry of each R(B) sweep through zero
        (:func:`sc2d.fields.field_offset`).

    Returns
    -------
    Hc2Result
        ``to_dict()`` is the ``sc2d hc2 --json`` object.
    """
    if perp is None and par is None:
        raise FormatError(
            "hc2 needs --perp FILE and/or --par FILE (R(T) families stepped in field)"
        )
    kw = {
        "criterion": criterion,
        "normal_at": normal_at,
        "reference": reference,
        "field_offset_T": field_offset_T,
    }
    pp = _family(perp, "perp", opts, **kw) if perp is not None else None
    pq = _family(par, "par", opts, **kw) if par is not None else None
    ang = _angle(angle, opts, criterion) if angle is not None else None
    try:
        res = hc2_analysis(
            pp,
            pq,
            ang,
            criterion=criterion,
            normal_at=normal_at,
            reference=reference,
            tc_shared=tc_shared,
            tc_pauli=tc_pauli,
            gap_ratio=gap_ratio,
            g=g,
        )
    except (FitError, DataError) as exc:
        fams = [("perp", perp, pp), ("par", par, pq)]
        raise DataError(_no_hc2_message(exc, fams, criterion)) from None
    sources = {
        k: str(v) for k, v in (("perp", perp), ("par", par), ("angle", angle)) if v is not None
    }
    return dataclasses.replace(res, sources=sources)
