"""CSV tables of the extracted points, for users' own plotting.

Each function takes the ``results.json`` object and returns ``(header,
rows)``; :func:`to_csv` turns that into text. Numbers are written with full
precision (``repr``), a missing value is an empty cell; column names carry
their unit.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from typing import Any

from ..data import estimate_value
from .summary import _ok
from .summary import tc_at as _tc_at

__all__ = [
    "TABLES",
    "alpha_table",
    "gate_table",
    "hc2_table",
    "summary_table",
    "tc_vs_ns_table",
    "to_csv",
]

Rows = tuple[list[str], list[list[Any]]]


def _v(x: Any) -> float:
    try:
        return estimate_value(x)
    except (TypeError, ValueError):
        return math.nan


def _s(x: Any) -> float:
    if isinstance(x, dict):
        s = x.get("stderr")
        return math.nan if s is None else float(s)
    return math.nan


def _crit_key(results: dict[str, Any]) -> str:
    c = results.get("criterion", 0.5)
    return format(float(c if c is not None else 0.5), "g")


def summary_table(results: dict[str, Any]) -> Rows:
    """One row per sample: Tc at every criterion, R_N, n_s, mobility, T_BKT."""
    crits: list[str] = []
    for s in results.get("samples", []):
        tc = s.get("tc")
        if _ok(tc) and isinstance(tc.get("tc_K"), dict):
            for k in tc["tc_K"]:
                if k not in crits:
                    crits.append(k)
    header = ["sample", "orientation"]
    for c in crits:
        header += [f"tc_{c}_K", f"tc_{c}_stderr_K"]
    header += [
        "r_normal_ohm",
        "n_s_cm2",
        "n_s_stderr_cm2",
        "mobility_cm2_per_Vs",
        "mobility_stderr_cm2_per_Vs",
        "t_bkt_iv_K",
        "t_bkt_iv_stderr_K",
        "t_bkt_hn_K",
        "t_bkt_hn_stderr_K",
    ]
    rows = []
    for s in results.get("samples", []):
        tc, hall, iv, bkt = s.get("tc"), s.get("hall"), s.get("iv"), s.get("bkt")
        row: list[Any] = [s.get("name", ""), s.get("orientation", "")]
        for c in crits:
            t = _tc_at(tc, c)
            row += [_v(t), _s(t)]
        rn = tc.get("r_normal_ohm") if _ok(tc) else None
        ns = hall.get("n_s_cm2") if _ok(hall) else None
        mu = hall.get("mobility_cm2_per_Vs") if _ok(hall) else None
        ti = iv.get("t_bkt_K") if _ok(iv) else None
        th = bkt.get("t_bkt_K") if _ok(bkt) else None
        row += [_v(rn), _v(ns), _s(ns), _v(mu), _s(mu), _v(ti), _s(ti), _v(th), _s(th)]
        rows.append(row)
    return header, rows


def tc_vs_ns_table(results: dict[str, Any]) -> Rows:
    """Tc at the criterion against n_s, one row per sample that has both."""
    key = _crit_key(results)
    header = [
        "sample",
        "orientation",
        "n_s_cm2",
        "n_s_stderr_cm2",
        f"tc_{key}_K",
        f"tc_{key}_stderr_K",
    ]
    rows = []
    for s in results.get("samples", []):
        t = _tc_at(s.get("tc"), key)
        hall = s.get("hall")
        n = hall.get("n_s_cm2") if _ok(hall) else None
        if t is None or n is None or not (math.isfinite(_v(t)) and math.isfinite(_v(n))):
            continue
        rows.append([s.get("name", ""), s.get("orientation", ""), _v(n), _s(n), _v(t), _s(t)])
    return header, rows


def alpha_table(results: dict[str, Any]) -> Rows:
    """alpha(T) and I_c(T) from the I-V analyses, one row per curve."""
    header = ["sample", "T_K", "alpha", "alpha_stderr", "ic_A", "ic_stderr_A"]
    rows = []
    for s in results.get("samples", []):
        iv = s.get("iv")
        if not _ok(iv):
            continue
        for c in iv.get("curves", []) or []:
            a, ic = c.get("alpha"), c.get("ic_A")
            rows.append([s.get("name", ""), _v(c.get("T_K")), _v(a), _s(a), _v(ic), _s(ic)])
    return header, rows


def hc2_points(hc2: dict[str, Any]) -> dict[str, list[tuple[float, float, float, float]]]:
    """``{"perp": [(T, B, B_stderr, T_stderr)], "par": [...]}`` from an hc2 JSON.

    ``points`` is a list of objects with ``orientation`` (``perp``/``par``),
    ``T_K``, ``B_T`` and optional ``T_stderr_K``/``B_stderr_T`` (numbers or
    estimates); a ``{"perp": [...], "par": [...]}`` mapping is accepted too.
    """
    out: dict[str, list[tuple[float, float, float, float]]] = {"perp": [], "par": []}
    pts = hc2.get("points") if isinstance(hc2, dict) else None
    if pts is None:
        return out

    def one(p: Any) -> tuple[float, float, float, float] | None:
        if not isinstance(p, dict):
            return None
        t = next((p[k] for k in ("T_K", "t_K") if k in p), None)
        b = next((p[k] for k in ("B_T", "hc2_T") if k in p), None)
        if t is None or b is None:
            return None
        be = _s(b) if isinstance(b, dict) else _v(p.get("B_stderr_T"))
        te = _s(t) if isinstance(t, dict) else _v(p.get("T_stderr_K"))
        return (_v(t), _v(b), be, te)

    def key_of(d: str) -> str:
        return "perp" if "perp" in d else "par" if "par" in d else d

    if isinstance(pts, dict):
        for d, lst in pts.items():
            for p in lst or []:
                r = one(p)
                if r is not None:
                    out.setdefault(key_of(str(d)), []).append(r)
    else:
        for p in pts:
            d = str(p.get("orientation", p.get("direction", "perp"))) if isinstance(p, dict) else ""
            r = one(p)
            if r is not None:
                out.setdefault(key_of(d) or "perp", []).append(r)
    return out


def hc2_table(results: dict[str, Any]) -> Rows:
    """Hc2(T) points: sample, direction, T, mu0 Hc2 and its stderr."""
    header = ["sample", "direction", "T_K", "T_stderr_K", "hc2_T", "hc2_stderr_T"]
    rows = []
    for s in results.get("samples", []):
        hc2 = s.get("hc2")
        if not _ok(hc2):
            continue
        for d, pts in hc2_points(hc2).items():
            for t, b, be, te in pts:
                rows.append([s.get("name", ""), d, t, te, b, be])
    return header, rows


_GATE_COLS = ("tc_K", "n_s_cm2", "mobility_cm2_per_Vs", "ic_A", "r_normal_ohm")


def gate_table(results: dict[str, Any]) -> Rows:
    """Gate curves: V_G, Tc, n_s, mobility, Ic (with stderr) per gate step."""
    header = ["sample", "Vg_V"]
    for c in _GATE_COLS:
        base, _, unit = c.rpartition("_")
        header += [c, f"{base}_stderr_{unit}"]
    rows = []
    for s in results.get("samples", []):
        g = s.get("gate")
        if not _ok(g):
            continue
        for c in g.get("curves", []) or []:
            row: list[Any] = [s.get("name", ""), _v(c.get("Vg_V"))]
            for k in _GATE_COLS:
                x = c.get(k)
                if isinstance(x, dict) and "value" not in x:  # e.g. tc_K keyed by criterion
                    x = _tc_at({"tc_K": x}, _crit_key(results))
                row += [_v(x), _s(x)]
            rows.append(row)
    return header, rows


#: file stem -> (builder, description)
TABLES: dict[str, tuple[Callable[[dict[str, Any]], Rows], str]] = {
    "summary": (summary_table, "headline numbers per sample"),
    "tc_vs_ns": (tc_vs_ns_table, "Tc at the criterion against Hall density"),
    "alpha_T": (alpha_table, "I-V power-law exponent and critical current against T"),
    "hc2_T": (hc2_table, "upper critical field points against T"),
    "gate": (gate_table, "Tc, n_s, mobility and Ic against gate voltage"),
}


def _cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        return repr(x) if math.isfinite(x) else ""
    return str(x)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """CSV text (comma, LF) with a header line."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for r in rows:
        w.writerow([_cell(x) for x in r])
    return buf.getvalue()
