"""Column recognition: file column names -> canonical SI columns.

A column is recognised by its name AND its unit (case-insensitive). The unit
is read from ``( )`` or ``[ ]`` (``Temperature (K)``, ``T [K]``), from a last
``_``/``/`` token that is a unit (``T_mK``, ``iHTS_A``, ``B/T``), or from a
unit word in the name (``Volts ch1``). A user's ``units`` (original column ->
unit) always wins.

Rules, in order:

1. A column named exactly like a canonical column (``T_K``, ``B_T``...) is
   that column, in SI.
2. A user's ``columns`` override (canonical -> original name) is taken as is;
   only its unit must be known (from the name or ``units``).
3. Otherwise each quantity collects candidates: first the columns whose
   *name* says the quantity (``Temperature``, ``Field``, ``Rxx``, ``Gate``,
   ``Sample Position (deg)``...), then those whose *unit* alone says it
   (``tHTS_K``, ``Bridge 1 Excitation (uA)``). Names with ``std``, ``dev``,
   ``error``, ``setpoint``, ``heater``, ``rate``... never qualify. The first
   candidate (file order) that has a known unit and at least one finite value
   wins; the others are listed in ``table.meta["alternatives"]`` and can be
   chosen with ``--x/--y/--by``. ``Bridge 1`` beats ``Bridge 2`` unless
   bridge 1 is empty. Temperatures whose name says ``sample`` (QD
   ``Sample Temp (K)``, read at the sample by a rotator/He-3/dilution
   insert) come before the system ``Temperature (K)``: the latter is used
   only when no sample thermometer column has data.
4. Resistances whose name contains ``xy`` or ``hall`` go to ``Rxy_ohm``;
   the others to ``R_ohm``. Resistivities (``Ohm-cm``, ``Ohm-m``) go to
   ``rho_ohm_m``.
5. When a quantity's only candidates have no unit, :class:`UnitError` says
   which ``--units`` to pass.
6. A column whose name says a quantity but whose unit is unknown
   (``Temperature (furlongs)``) is recorded in ``table.meta["unknown_units"]``
   (canonical -> ``[[column, unit], ...]``), a quantity whose only candidates
   hold no finite number in ``table.meta["empty"]`` (canonical -> columns);
   both get a note. Reading does not fail (``sc2d inspect`` shows them);
   :meth:`~sc2d.data.Table.column` names the column when an analysis asks
   for that quantity.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..data import CANONICAL_COLUMNS, ColumnInfo, Table
from ..errors import FormatError, UnitError
from .units import known_units, lookup_unit

__all__ = ["CANONICAL_QUANTITY", "ParsedName", "canonicalise", "parse_name"]

#: canonical column -> physical quantity of its unit
CANONICAL_QUANTITY: dict[str, str] = {
    "T_K": "temperature",
    "R_ohm": "resistance",
    "Rxy_ohm": "resistance",
    "B_T": "field",
    "theta_deg": "angle",
    "I_A": "current",
    "V_V": "voltage",
    "Vg_V": "voltage",
    "t_s": "time",
    "rho_ohm_m": "resistivity",
}

#: order in which canonical columns appear in the table
_ORDER = list(CANONICAL_COLUMNS)
_CANON_LOWER = {k.lower(): k for k in CANONICAL_COLUMNS}

_EXCLUDE = re.compile(
    r"std|stdev|\bdev\b|deviation|\berr|error|sigma|uncert|setpoint|set ?point|\bset\b|target"
    r"|rate|heater|power|gain|phase|quad|harm|status|crit|\bmap\b|\bsp\b|dt/dt|ramp|range"
    r"|offset|limit|compliance|\bmin\b|\bmax\b|\bavg\b|signal|drive|\bvin\b|\biout\b|ipower"
)
_UNIT_WORDS = {
    "volts": "V",
    "volt": "V",
    "amps": "A",
    "ohms": "Ohm",
    "kelvin": "K",
    "tesla": "T",
    "oersted": "Oe",
    "gauss": "G",
}


@dataclass(frozen=True)
class ParsedName:
    """A column header split into its base name and unit string."""

    original: str
    base: str
    unit: str | None


def parse_name(name: str) -> ParsedName:
    """Split ``"Temperature (K)"`` -> ``("Temperature", "K")``; ``"T_mK"`` -> ``("T", "mK")``."""
    s = str(name).strip()
    m = re.match(r"^(.*?)\s*[\(\[]\s*([^\)\]]*?)\s*[\)\]]\s*$", s)
    if m and m.group(1).strip():
        unit = m.group(2)
        head = re.split(r"[,;]", unit)[0].strip()
        if head != unit and lookup_unit(head) is not None:
            unit = head  # "R (Ohm, 4-probe)"
        return ParsedName(name, m.group(1).strip(), unit)
    for sep in ("_", "/", " "):
        head, found, tail = s.rpartition(sep)
        if found and head.strip() and lookup_unit(tail) is not None:
            return ParsedName(name, head.strip(), tail)
    for tok in re.split(r"[^A-Za-z]+", s):
        if tok.lower() in _UNIT_WORDS:
            return ParsedName(name, s, _UNIT_WORDS[tok.lower()])
    return ParsedName(name, s, None)


def _name_quantity(base: str, unit_q: str | None) -> str | None:
    """The canonical column a base name points at (None: no opinion)."""
    b = base.lower().strip()
    if _EXCLUDE.search(b):
        return None
    toks = [t for t in re.split(r"[^a-z0-9µμ]+", b) if t]
    compact = re.sub(r"[^a-z0-9µμ]+", "", b)
    if not toks:
        return None
    tset = set(toks)
    # Hall / transverse resistance
    if re.search(r"(^|[^a-z])r_?xy|\bxy\b|hall", b) and unit_q in (None, "resistance"):
        return "Rxy_ohm"
    if "resistivity" in b or compact in ("rho", "rhoxx", "rho_xx"):
        return "rho_ohm_m" if unit_q in (None, "resistivity") else None
    if (
        compact in ("r", "rxx", "rs", "rsheet", "r4p", "r4pt", "r2p")
        or "resistance" in b
        or any(t.startswith("res") for t in toks)
        or toks[-1] == "r"
    ):
        return "R_ohm"
    if "temperature" in b or "temp" in tset:
        return "T_K"
    if "gate" in b or compact in ("vg", "vgate", "vbg", "vtg", "vbackgate", "vgs"):
        return "Vg_V"
    if (
        compact in ("v", "vxx", "vdc", "vac", "vsd", "vds", "u")
        or "voltage" in b
        or "volts" in tset
    ):
        return "V_V"
    if compact in ("i", "idc", "iac", "ibias", "isd", "ids") or "current" in b:
        return "I_A"
    if (
        "temperature" in b
        or "temp" in tset
        or compact in ("t", "tsample", "tsample", "tmc", "tmxc")
        or re.fullmatch(r"t\d", compact)
        or toks[0] in ("temp", "temperature")
    ):
        return "T_K"
    if (
        "field" in b
        or "magnet" in b
        or compact in ("b", "h", "mu0h", "µ0h", "μ0h", "bz", "bx", "by", "bpar", "bperp", "bext")
    ):
        return "B_T"
    if compact in ("theta", "θ", "angle", "rotation", "rotator", "phi") or "angle" in b:
        return "theta_deg"
    if "position" in b and unit_q == "angle":
        return "theta_deg"
    if "time" in b or compact in ("t_s", "timestamp", "elapsed"):
        return "t_s"
    return None


def _unit_quantity(q: str) -> str:
    return {
        "temperature": "T_K",
        "field": "B_T",
        "resistance": "R_ohm",
        "resistivity": "rho_ohm_m",
        "current": "I_A",
        "voltage": "V_V",
        "angle": "theta_deg",
        "time": "t_s",
    }[q]


def _is_numeric_array(col: Any) -> bool:
    """A numpy column of numbers (the fast text reader's columns), not a pandas Series."""
    return isinstance(col, np.ndarray) and col.dtype.kind in "fiub"


def _has_data(col: Any) -> bool:
    """Does the column hold at least one finite number (or any value, for text)?"""
    if _is_numeric_array(col):
        if col.dtype.kind != "f":
            return col.size > 0
        return bool(np.isfinite(col[:64]).any() or np.isfinite(col).any())
    if isinstance(col, np.ndarray):
        col = _series(col)
    if col.dtype.kind in "fiub":
        v = col.to_numpy(dtype=float, na_value=np.nan)
        return bool(np.isfinite(v).any())
    return bool(col.notna().any())


def _series(col: np.ndarray) -> Any:
    import pandas as pd

    return pd.Series(col)


def _to_float(
    col: Any, source: str, original: str, row_offset: int = 1, row_word: str = "row"
) -> np.ndarray:
    """A column as float, or a FormatError naming the first bad cell."""
    if _is_numeric_array(col):
        return np.asarray(col, dtype=float)
    if isinstance(col, np.ndarray):
        col = _series(col)
    if col.dtype.kind in "fiub":
        return col.to_numpy(dtype=float, na_value=np.nan)
    import pandas as pd

    s = col
    if s.dtype == object or str(s.dtype).startswith(("string", "str")):
        st = s.astype("string").str.strip()
        st = st.mask(st == "", None)
        num = pd.to_numeric(st, errors="coerce")
        bad = num.isna() & st.notna()
        low = st.str.lower()
        ok_words = low.isin(["nan", "inf", "-inf", "+inf", "infinity", "-infinity", "na", "n/a"])
        bad = bad & ~ok_words.fillna(False)
        if bool(bad.any()):
            i = int(np.argmax(bad.to_numpy(dtype=bool)))
            raise FormatError(
                f"column '{original}' in {source} holds text at {row_word} {i + row_offset} "
                f"('{str(s.iloc[i])[:40]}'); expected numbers; fix or remove that cell, "
                "or pick another column with --x/--y/--by"
            )
        num = num.astype(float)
        arr = num.to_numpy(dtype=float, na_value=np.nan)
        arr = np.where(ok_words.fillna(False).to_numpy(dtype=bool), _words_to_float(low), arr)
        return arr
    try:
        return s.to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise FormatError(
            f"column '{original}' in {source} is not numeric (dtype {s.dtype}); expected "
            "numbers; pick another column with --x/--y/--by"
        ) from None


def _words_to_float(low: Any) -> np.ndarray:
    out = np.full(len(low), np.nan)
    v = low.fillna("").to_numpy(dtype=object)
    out[np.isin(v, ["inf", "+inf", "infinity"])] = np.inf
    out[np.isin(v, ["-inf", "-infinity"])] = -np.inf
    return out


@dataclass
class _Cand:
    col: Any
    parsed: ParsedName
    unit: str | None
    qty: str | None  # quantity of the unit
    scale: float
    rank: int  # 0: name says it, 1: unit alone says it


def canonicalise(
    df: Any,
    *,
    source: str,
    fmt: str,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    meta: dict[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
    unit_hints: Mapping[str, str] | None = None,
    prefer: Mapping[str, list[str]] | None = None,
    row_offset: int = 1,
    row_word: str = "row",
) -> Table:
    """Turn a raw DataFrame into a :class:`~sc2d.data.Table` with SI columns.

    Parameters
    ----------
    df : DataFrame or mapping
        Columns exactly as in the file: a pandas DataFrame, or a mapping of
        column name -> 1-D numpy array of numbers (the fast text reader's
        output; handled without pandas, and the table keeps the arrays).
    source, fmt : str
        File name (for messages and provenance) and format tag.
    units : mapping, optional
        Original column -> unit, stated by the user (wins over everything).
    columns : mapping, optional
        Canonical name -> original column, stated by the user.
    meta : dict, optional
        Header metadata from the reader (extended here).
    labels, unit_hints : mapping, optional
        Reader-provided long names and units (QCoDeS layouts, NetCDF attrs).
    prefer : mapping, optional
        Canonical -> originals the reader knows fit better (e.g. QD channel
        names); tried before the file-order candidates.
    row_offset : int
        Number added to a 0-based data row index in messages.
    row_word : str
        What that number counts (``"line"`` of a text file, ``"row"``).
    """
    name = Path(source).name if source else "table"
    units = dict(units or {})
    columns = dict(columns or {})
    labels = dict(labels or {})
    unit_hints = dict(unit_hints or {})
    meta = dict(meta or {})
    from_arrays = isinstance(df, Mapping)
    cols = list(df) if from_arrays else list(df.columns)
    str_cols = {str(c): c for c in cols}

    for k in columns:
        if k not in CANONICAL_COLUMNS:
            raise FormatError(
                f"unknown canonical column '{k}'; expected one of {', '.join(CANONICAL_COLUMNS)}"
            )
    for canon, orig in columns.items():
        if orig not in str_cols:
            raise FormatError(
                f"{name} has no column '{orig}' (asked for {canon}); columns: "
                + ", ".join(repr(str(c)) for c in cols[:30])
            )
    for orig in units:
        if orig not in str_cols and orig not in CANONICAL_COLUMNS:
            raise FormatError(
                f"--units names column '{orig}', which {name} does not have; columns: "
                + ", ".join(repr(str(c)) for c in cols[:30])
            )

    def info_of(c: Any) -> tuple[ParsedName, str | None, tuple[str, float] | None]:
        sc = str(c)
        p = parse_name(sc)
        unit = units.get(sc, None)
        if unit is None and unit_hints.get(sc):
            unit = unit_hints[sc]
            p = ParsedName(p.original, p.base if p.unit is None else sc, None)
        if unit is None:
            unit = p.unit or None
        if unit is None and sc.lower() in _CANON_LOWER:
            return p, None, None
        hit = lookup_unit(unit) if unit else None
        if unit is not None and sc in units and hit is None:
            raise UnitError(f"--units {sc}={unit}: unknown unit '{unit}'; known: {known_units()}")
        return p, unit, hit

    chosen: dict[str, ColumnInfo] = {}
    chosen_col: dict[str, Any] = {}
    used: set[str] = set()

    # 1. exact canonical names
    for c in cols:
        canon = _CANON_LOWER.get(str(c).lower())
        if canon is None or canon in chosen:
            continue
        if str(c) in units:
            p, unit, hit = info_of(c)
            if hit is None or (hit[0] != CANONICAL_QUANTITY[canon]):
                continue
            chosen[canon] = ColumnInfo(str(c), str(unit), hit[1])
        else:
            chosen[canon] = ColumnInfo(str(c), canon.partition("_")[2], 1.0)
        chosen_col[canon] = c
        used.add(str(c))

    # 2. user overrides
    for canon, orig in columns.items():
        c = str_cols[orig]
        p, unit, hit = info_of(c)
        want = CANONICAL_QUANTITY[canon]
        if str(orig).lower() == canon.lower() and hit is None:
            hit = (want, 1.0)
            unit = canon.partition("_")[2]
        if hit is None:
            hint = unit if unit else "no unit"
            raise UnitError(
                f"column '{orig}' in {name} has {'unknown unit ' + repr(hint) if unit else hint}; "
                f"pass --units '{orig}={known_units(want).split(',')[0]}' "
                f"(known: {known_units(want)})"
            )
        target = canon
        if hit[0] != want:
            if {hit[0], want} == {"resistance", "resistivity"}:
                target = "rho_ohm_m" if hit[0] == "resistivity" else "R_ohm"
                meta.setdefault("notes", []).append(
                    f"'{orig}' is a {hit[0]} ({unit}); read as {target}"
                )
            else:
                raise UnitError(
                    f"column '{orig}' in {name} has unit {unit} ({hit[0]}) but was asked for as "
                    f"{canon} ({want}); pass --units '{orig}=...' with one of {known_units(want)}"
                )
        chosen.pop(target, None)
        chosen[target] = ColumnInfo(str(orig), str(unit), hit[1])
        chosen_col[target] = c
        used.add(str(orig))

    # 3. recognition
    cands: dict[str, list[_Cand]] = {}
    unknown: dict[str, list[list[str]]] = {}
    for c in cols:
        sc = str(c)
        if sc in used:
            continue
        p, unit, hit = info_of(c)
        uq = hit[0] if hit else None
        if unit and hit is None:
            # an explicit unit we do not know: not a quantity of ours, but when
            # the name says one, remember it so that asking for that quantity
            # names the column and its unit instead of "no such column"
            nq = _name_quantity(p.base, None)
            if nq is not None:
                unknown.setdefault(nq, []).append([sc, str(unit)])
            continue
        nq = _name_quantity(p.base, uq)
        if nq is None and sc in labels:
            nq = _name_quantity(parse_name(labels[sc]).base, uq)
        rank = 0
        target = nq
        if nq == "T_K" and "sample" in p.base.lower():
            rank = -1  # a sample thermometer beats the system temperature
        if nq is not None and uq is not None:
            want = CANONICAL_QUANTITY[nq]
            if want != uq:
                if {want, uq} == {"resistance", "resistivity"} and nq != "Rxy_ohm":
                    target = _unit_quantity(uq)
                    rank = 1
                elif {want, uq} == {"resistance", "resistivity"}:
                    continue
                else:
                    target, rank = None, 1
        if target is None and uq is not None:
            if _EXCLUDE.search(p.base.lower()):
                continue
            target, rank = _unit_quantity(uq), 1
            if target == "V_V" and nq == "Vg_V":
                target = "Vg_V"
        if target is None:
            continue
        cands.setdefault(target, []).append(
            _Cand(c, p, unit, uq, hit[1] if hit else float("nan"), rank)
        )

    alternatives: dict[str, list[str]] = {}
    unitless: dict[str, list[str]] = {}
    prefer = dict(prefer or {})
    # a reader's preference can move a column between canonical names of the
    # same quantity (a QD bridge wired for Hall -> Rxy_ohm)
    for canon, names in prefer.items():
        want = CANONICAL_QUANTITY.get(canon)
        for other, lst in list(cands.items()):
            if other == canon or CANONICAL_QUANTITY.get(other) != want:
                continue
            moving = [k for k in lst if str(k.col) in names]
            if moving:
                cands[other] = [k for k in lst if k not in moving]
                cands.setdefault(canon, []).extend(moving)
    for canon in _ORDER:
        lst = cands.get(canon, [])
        if not lst:
            continue
        pref = [str(x) for x in prefer.get(canon, [])]
        lst = sorted(
            lst,
            key=lambda k: (0 if str(k.col) in pref else 1, k.rank),
        )
        if canon in chosen:
            alt = [str(k.col) for k in lst if k.qty is not None]
            if alt:
                alternatives[canon] = alt
            continue
        pick = None
        for k in lst:
            if k.qty is None:
                continue
            if _has_data(df[k.col]):
                pick = k
                break
        if pick is None:
            with_unit = [k for k in lst if k.qty is not None]
            named = [k for k in lst if k.qty is None and k.rank == 0]
            if with_unit:
                meta.setdefault("empty", {})[canon] = [str(k.col) for k in with_unit]
                continue
            elif named:
                unitless[canon] = [str(k.col) for k in named]
                continue
            else:
                continue
        chosen[canon] = ColumnInfo(str(pick.col), str(pick.unit), pick.scale)
        chosen_col[canon] = pick.col
        used.add(str(pick.col))
        rest = [str(k.col) for k in lst if k is not pick and k.qty is not None]
        if rest:
            alternatives[canon] = rest

    if unitless:
        canon, names = next(iter(unitless.items()))
        q = CANONICAL_QUANTITY[canon]
        first = names[0]
        raise UnitError(
            f"column '{first}' in {name} has no unit; pass --units '{first}={known_units(q).split(',')[0]}'"
            f" (known: {known_units(q)})"
            + (
                f"; other {q} columns: {', '.join(repr(n) for n in names[1:4])}"
                if len(names) > 1
                else ""
            )
        )

    # build the table: canonical columns first (SI floats), then the rest untouched
    out: dict[str, Any] = {}
    for canon in _ORDER:
        if canon not in chosen:
            continue
        ci = chosen[canon]
        arr = _to_float(df[chosen_col[canon]], name, ci.original, row_offset, row_word)
        if ci.scale != 1.0:
            arr = arr * ci.scale
        out[canon] = arr
    canon_origs = {ci.original for ci in chosen.values()}
    for c in cols:
        sc = str(c)
        if sc in canon_origs or sc in out:
            continue
        out[sc] = df[c]
    if alternatives:
        meta["alternatives"] = alternatives
    unknown = {k: v for k, v in unknown.items() if k not in chosen}
    if unknown:
        meta["unknown_units"] = unknown
        for canon, lst in unknown.items():
            col, unit = lst[0]
            meta.setdefault("notes", []).append(
                f"column '{col}' looks like {CANONICAL_COLUMNS[canon]} but its unit '{unit}' "
                f"is unknown; pass --units '{col}=UNIT' "
                f"(known for {CANONICAL_QUANTITY[canon]}: {known_units(CANONICAL_QUANTITY[canon])})"
            )
    for canon, lst in meta.get("empty", {}).items():
        meta.setdefault("notes", []).append(
            f"column '{lst[0]}' ({CANONICAL_COLUMNS[canon]}) holds no numbers"
        )
    if "rho_ohm_m" in chosen and "R_ohm" not in chosen:
        meta.setdefault("notes", []).append(
            f"no resistance column; resistivity '{chosen['rho_ohm_m'].original}' is in rho_ohm_m "
            "(Ohm m) and serves as R where an analysis needs only ratios (Tc, Hc2)"
        )
        meta["resistivity_only"] = True
    ordered = {k: chosen[k] for k in _ORDER if k in chosen}
    if from_arrays:
        # the reader's own arrays: read-only from here on, so that curves can
        # share them instead of copying (see sc2d.data.Curve)
        for a in out.values():
            while isinstance(a, np.ndarray):  # the column and the block it slices
                a.flags.writeable = False
                a = a.base
        return Table(arrays=out, source=str(source), format=fmt, columns=ordered, meta=meta)
    import pandas as pd

    data = pd.DataFrame(
        {k: (v.to_numpy() if isinstance(v, pd.Series) else v) for k, v in out.items()},
        index=pd.RangeIndex(len(df)),
    )
    return Table(data=data, source=str(source), format=fmt, columns=ordered, meta=meta)
