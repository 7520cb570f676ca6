"""``sc2d gate``: gate-stepped R(T), Hall and I-V files -> one gate series.

Each family is cut into one curve per gate step (:func:`sc2d.io.load_curves`
by ``Vg_V``) and every curve goes through the per-curve analysis of its own
command: :func:`sc2d.transition.tc_family` (Tc at each criterion, R_N),
:func:`sc2d.normal.hall_analysis` (n_s, mobility; R_s from R_xx(B = 0) of the
same sweep when the file has it) and :func:`sc2d.bkt.critical_current` (Ic).
The steps of the three families are matched by V_G and assembled by
:func:`sc2d.gating.gate_series` (dome, capacitance, Tc versus n_s).

``gate_task`` also takes a sample-set TOML (``sc2d report`` format) and uses
the first sample (or the named one) with ``gate_*`` roles.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

import numpy as np

from ..data import Estimate
from ..errors import DataError, FormatError
from ..gating import GateResult, gate_capacitance, gate_series, match_gate_steps

__all__ = ["gate_config", "gate_files", "gate_task"]

DEFAULT_CRITERIA = ("0.9", "0.5", "0.1")


def _crit_key(criterion: float | str) -> str:
    try:
        v = float(criterion)
    except (TypeError, ValueError):
        raise FormatError(
            f"criterion must be a fraction of R_normal such as 0.5, got {criterion!r}"
        ) from None
    if not (0 < v < 1) or not math.isfinite(v):
        raise FormatError(f"criterion must lie between 0 and 1 (exclusive), got {criterion}")
    return criterion if isinstance(criterion, str) else format(v, "g")


def _vg_of(fixed: dict[str, float], path: Any, i: int) -> float:
    """The gate voltage of a step: ``Vg_V``, or the one column named with --by."""
    if "Vg_V" in fixed:
        return float(fixed["Vg_V"])
    other = {k: v for k, v in fixed.items() if k not in ("T_K", "B_T", "theta_deg")}
    if len(other) == 1:
        return float(next(iter(other.values())))
    raise FormatError(
        f"gate family {path}: step {i + 1} has no gate voltage (steps in "
        f"{', '.join(fixed) or 'nothing'}); name the gate column with --by"
    )


def _curves(path: Any, x: str, y: str, opts: Any, what: str) -> tuple[Any, list[Any]]:
    from ..io import ReadOptions, load_curves, read

    opts = opts or ReadOptions()
    table = read(path, units=dict(opts.units), run_id=opts.run_id)
    if not opts.by and not table.has("Vg_V"):
        if not opts.x and not table.has(x):
            table.column(x)  # names an empty or unit-less column precisely
        raise FormatError(
            f"{what} file {path} has no gate-voltage column; name it with --by, "
            "e.g. --by 'Gate Voltage (V)'"
        )
    if opts.x or opts.y:
        # column overrides need the reader's column mapping: reread through load_curves
        table = path
    table, curves = load_curves(table, x=x, y=y, opts=opts, by="auto")
    curves = [c for c in curves if len(c)]
    if len(curves) < 2 or not all(c.fixed for c in curves):
        raise FormatError(
            f"{what} file {path} is not stepped in gate voltage ({len(curves)} curve(s) found); "
            "name the gate column with --by if it is not recognised"
        )
    return table, curves


def _rt_family(
    path: Any, *, normal_at: float | None, criteria: list[str], opts: Any
) -> tuple[list[float], list[dict[str, Estimate]], list[Estimate]]:
    from ..transition import tc_family

    _, curves = _curves(path, "T_K", "R_ohm", opts, "gate R(T)")
    fam = tc_family(curves, criteria=criteria, normal_at=normal_at, stepped="Vg_V")
    vg = [_vg_of(c.fixed, path, i) for i, c in enumerate(curves)]
    tcs = [dict(r.tc_K) for r in fam.curves]
    rns = [r.r_normal_ohm for r in fam.curves]
    return vg, tcs, rns


def _hall_family(
    path: Any, *, opts: Any
) -> tuple[list[float], list[Estimate], list[Estimate], list[str]]:
    from ..io import ReadOptions, load_curves
    from .hall import hall_curve

    opts = opts or ReadOptions()
    table, curves = _curves(path, "B_T", "Rxy_ohm", opts, "gate Hall")
    xx: list[Any] = [None] * len(curves)
    if table.has("R_ohm"):
        try:
            _, cxx = load_curves(table, x="B_T", y="R_ohm", opts=dataclasses.replace(opts, y=None))
        except (FormatError, DataError):
            cxx = []
        cxx = [c for c in cxx if len(c)]
        if len(cxx) == len(curves):
            xx = cxx
    tcol = table.column("T_K") if table.has("T_K") else np.array([math.nan])
    t_all = float(np.nanmedian(tcol)) if np.isfinite(tcol).any() else math.nan
    vg, ns, mu, flags = [], [], [], []
    for i, c in enumerate(curves):
        v = _vg_of(c.fixed, path, i)
        vg.append(v)
        try:
            # single band: the low-field n_s and mu_H are what the series needs
            h = hall_curve(
                c,
                rxx=xx[i],
                two_band="never",
                temperature=c.fixed.get("T_K", t_all),
                source=str(path),
            )
        except DataError as exc:
            msg = f"V_G = {v:g} V: {exc}"
            ns.append(Estimate.missing("m^-2", msg))
            mu.append(Estimate.missing("m^2/(V s)", msg))
            flags.append(msg)
            continue
        ns.append(h.n_s_cm2.scaled(1e4, "m^-2"))
        mu.append(h.mobility_cm2_per_Vs.scaled(1e-4, "m^2/(V s)"))
    return vg, ns, mu, flags


def _iv_family(path: Any, *, opts: Any) -> tuple[list[float], list[Estimate], list[float]]:
    from ..bkt import critical_current

    table, curves = _curves(path, "I_A", "V_V", opts, "gate I-V")
    temps = []
    vg, ic = [], []
    for i, c in enumerate(curves):
        v = _vg_of(c.fixed, path, i)
        vg.append(v)
        temps.append(float(c.fixed.get("T_K", math.nan)))
        try:
            ic.append(critical_current(c.x, c.y).ic_A)
        except DataError as exc:
            ic.append(Estimate.missing("A", f"V_G = {v:g} V: {exc}"))
    if not any(math.isfinite(t) for t in temps) and table.has("T_K"):
        temps = [float(np.nanmedian(table.column("T_K")))] * len(vg)
    return vg, ic, temps


def gate_files(
    *,
    rt: str | Path | None = None,
    hall: str | Path | None = None,
    iv: str | Path | None = None,
    normal_at: float | None = None,
    criterion: float | str = 0.5,
    criteria: tuple[str, ...] | list[str] | None = None,
    thickness_m: float | None = None,
    opts: Any = None,
) -> GateResult:
    """Analyse gate-stepped R(T), Hall and I-V files as one gate series.

    Parameters
    ----------
    rt, hall, iv : path-like, optional
        R(T) stepped in V_G; R_xy(B) (and R_xx) stepped in V_G; I-V at one
        temperature stepped in V_G. At least one is needed.
    normal_at : float, optional
        Temperature of R_N (K) for the Tc criteria.
    criterion : float or str
        Fraction of R_N that defines the Tc of the dome (``0.5``).
    criteria : sequence of str, optional
        Every criterion to report per step (default 0.9, 0.5, 0.1 plus
        ``criterion``).
    thickness_m : float, optional
        Gate dielectric (substrate) thickness for eps_r,eff (m).
    opts : sc2d.io.ReadOptions, optional
        Column overrides and units, passed to every reader.

    Returns
    -------
    GateResult
        ``to_dict()`` is the ``sc2d gate --json`` object: ``curves`` (each
        ``Vg_V``, ``tc_K``, ``n_s_cm2``, ``mobility_cm2_per_Vs``, ``ic_A``...)
        and ``tc_peak_Vg_V``.
    """
    if rt is None and hall is None and iv is None:
        raise FormatError(
            "sc2d gate needs a sample-set TOML or at least one of --rt, --hall, --iv "
            "(files stepped in gate voltage)"
        )
    key = _crit_key(criterion)
    crits = [str(c) for c in (criteria or DEFAULT_CRITERIA)]
    if key not in crits:
        crits.append(key)
    families: dict[str, tuple[list[float], dict[str, list[Any]]]] = {}
    notes: list[str] = []
    sources: dict[str, str] = {}
    capacitance = None
    if rt is not None:
        vg, tcs, rns = _rt_family(rt, normal_at=normal_at, criteria=crits, opts=opts)
        families["rt"] = (vg, {"_tc": tcs, "_rn": rns})
        sources["rt"] = str(rt)
    if hall is not None:
        vg, ns, mu, flags = _hall_family(hall, opts=opts)
        families["hall"] = (vg, {"_ns": ns, "_mu": mu})
        sources["hall"] = str(hall)
        notes.extend(flags)
        nv = np.array([e.value if not e.flag else math.nan for e in ns])
        ne = np.array([e.stderr for e in ns])
        m = np.isfinite(nv)
        if np.unique(np.asarray(vg)[m]).size >= 2:
            err = ne[m] if np.all(np.isfinite(ne[m]) & (ne[m] > 0)) else None
            capacitance = gate_capacitance(np.asarray(vg)[m], nv[m], err, thickness_m=thickness_m)
    ic_temps: list[float] = []
    if iv is not None:
        vg, ic, ic_temps = _iv_family(iv, opts=opts)
        families["iv"] = (vg, {"_ic": ic})
        sources["iv"] = str(iv)
    v, cols = match_gate_steps(families)
    n = v.size
    tcl = cols.get("_tc", [None] * n)
    tc_by = {k: [None if d is None else d.get(k) for d in tcl] for k in crits} if rt else None
    if ic_temps and any(math.isfinite(t) for t in ic_temps):
        notes.append(f"Ic from I-V at T = {np.nanmedian(ic_temps):.4g} K")
    if rt is not None and hall is not None:
        notes.append(
            "n_s and mobility from Hall at the Hall file's temperature; Tc and R_N from R(T)"
        )
    res = gate_series(
        v,
        tc_by_criterion=tc_by,
        n_s=cols.get("_ns"),
        mobility=cols.get("_mu"),
        ic=cols.get("_ic"),
        r_normal=cols.get("_rn"),
        criterion=key,
        thickness_m=thickness_m,
        capacitance=capacitance,
        sources=sources,
    )
    if notes:
        res = dataclasses.replace(res, notes=[*res.notes, *notes])
    return res


def _gate_sample(path: str | Path, sample: str | None) -> tuple[Any, Any]:
    """(SampleSet, Sample): the first (or named) sample with gate roles."""
    from ..config import load_sample_set

    ss = load_sample_set(path)
    cands = [s for s in ss.samples if any(r.startswith("gate_") for r in s.files)]
    if sample is not None:
        cands = [s for s in cands if s.name == sample]
    if not cands:
        which = f"sample '{sample}' with " if sample else "sample with "
        raise FormatError(
            f"{path}: no {which}gate_rt, gate_hall or gate_iv file; add e.g. "
            'gate_rt = "S3/gate_rt.csv" to a [[samples]] table'
        )
    return ss, cands[0]


def gate_config(
    path: str | Path,
    *,
    sample: str | None = None,
    rt: str | Path | None = None,
    hall: str | Path | None = None,
    iv: str | Path | None = None,
    normal_at: float | None = None,
    criterion: float | str | None = None,
    criteria: tuple[str, ...] | list[str] | None = None,
    thickness_m: float | None = None,
    opts: Any = None,
) -> GateResult:
    """The gate series of a sample-set TOML: the first (or named) sample with gate roles.

    Paths in the TOML are relative to its folder. ``normal_at`` and
    ``criterion`` default to the TOML's ``normal_at_K`` and ``criterion``;
    the sample's ``units`` go to the readers. Files given as ``rt``/``hall``/
    ``iv`` replace the sample's role of the same kind.
    """
    from ..io import ReadOptions

    ss, s = _gate_sample(path, sample)
    if opts is None:
        opts = ReadOptions(units=dict(s.units))
    elif s.units:
        opts = dataclasses.replace(opts, units={**s.units, **dict(opts.units)})
    res = gate_files(
        rt=rt or s.files.get("gate_rt"),
        hall=hall or s.files.get("gate_hall"),
        iv=iv or s.files.get("gate_iv"),
        normal_at=ss.normal_at_K if normal_at is None else normal_at,
        criterion=ss.criterion_key if criterion is None else criterion,
        criteria=criteria,
        thickness_m=thickness_m,
        opts=opts,
    )
    return dataclasses.replace(
        res,
        sources={**res.sources, "config": str(path), "sample": s.name},
        sample=s.name,
        orientation=s.orientation,
    )


def _family_of(path: Any, opts: Any) -> str:
    """``"rt"``, ``"hall"`` or ``"iv"`` from the columns a file has."""
    from ..io import read

    t = read(
        path,
        units=dict(getattr(opts, "units", {}) or {}),
        run_id=getattr(opts, "run_id", None),
    )
    if t.has("Rxy_ohm") and t.has("B_T"):
        return "hall"
    if t.has("I_A") and t.has("V_V"):
        return "iv"
    if t.has("T_K") and t.has("R_ohm"):
        return "rt"
    raise FormatError(
        f"{path}: cannot tell whether it is an R(T), Hall or I-V gate family "
        f"(columns {', '.join(sorted(t.columns)) or 'none recognised'}); "
        "pass it with --rt, --hall or --iv"
    )


def gate_task(
    inputs: str | Path | list[str | Path] | tuple[str | Path, ...] | None = None,
    *,
    rt: str | Path | None = None,
    hall: str | Path | None = None,
    iv: str | Path | None = None,
    **kw: Any,
) -> GateResult:
    """CONFIG-or-FILES: a sample-set TOML, or family files, plus --rt/--hall/--iv.

    With a TOML (alone among ``inputs``), files given as ``rt``/``hall``/``iv``
    replace its roles of the same kind. Data files in ``inputs`` are assigned
    to R(T), Hall or I-V by their columns (R_xy and B: Hall; I and V: I-V;
    T and R: R(T)); two files of one kind are refused.
    """
    if inputs is None:
        items: list[str | Path] = []
    elif isinstance(inputs, (str, Path)):
        items = [inputs]
    else:
        items = list(inputs)
    tomls = [x for x in items if Path(x).suffix.lower() == ".toml"]
    if tomls:
        if len(items) > 1:
            raise FormatError(
                f"give either one sample-set TOML or data files, got {len(items)} inputs "
                f"({', '.join(map(str, items))}); name extra files with --rt/--hall/--iv"
            )
        return gate_config(tomls[0], rt=rt, hall=hall, iv=iv, **kw)
    kw.pop("sample", None)
    given = {"rt": rt, "hall": hall, "iv": iv}
    for x in items:
        fam = _family_of(x, kw.get("opts"))
        if given[fam] is not None:
            raise FormatError(
                f"two {fam} gate families: {given[fam]} and {x}; give one file per kind"
            )
        given[fam] = x
    return gate_files(**given, **kw)
