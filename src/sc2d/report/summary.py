"""Headline numbers of a ``results.json``: what the summary table and the demo show.

:func:`headline` walks the results and picks the numbers a paper quotes
(Tc range, Tc(n_s) slope and critical density, T_BKT both ways, Hc2 both
ways, xi_GL, d_SC, anisotropy, Pauli limit, Tc per orientation, gate peak),
each with the sample and analysis it comes from.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..data import estimate_value

__all__ = ["Headline", "headline", "tc_at"]


@dataclass(frozen=True)
class Headline:
    """One headline number.

    Parameters
    ----------
    key : str
        Stable identifier (``"t_bkt_iv_K"``, ``"tc_111_K"``...).
    label : str
        Human label (plain text).
    value : dict or float or None
        A JSON estimate (``{"value", "stderr", ...}``) in ``unit``.
    unit : str
        Display unit.
    source : str
        Where it comes from (``"S3 / iv"``).
    """

    key: str
    label: str
    value: Any
    unit: str
    source: str

    @property
    def number(self) -> float:
        return estimate_value(self.value)

    @property
    def stderr(self) -> float:
        if isinstance(self.value, Mapping) and self.value.get("stderr") is not None:
            return float(self.value["stderr"])
        return math.nan


def _ok(d: Any) -> bool:
    return isinstance(d, Mapping) and "error" not in d


def tc_at(tc: Any, key: str) -> Any:
    """The Tc estimate of a tc JSON at criterion ``key`` (``"0.5"``), or None."""
    if not _ok(tc) or not isinstance(tc.get("tc_K"), Mapping):
        return None
    t = tc["tc_K"]
    if key in t:
        return t[key]
    for k, v in t.items():
        try:
            if math.isclose(float(k), float(key)):
                return v
        except ValueError:
            continue
    return None


def _scaled(x: Any, f: float, unit: str) -> Any:
    if x is None:
        return None
    if isinstance(x, Mapping):
        d = dict(x)
        for k in ("value", "stderr"):
            if d.get(k) is not None:
                d[k] = float(d[k]) * f
        d["unit"] = unit
        return d
    return float(x) * f


def headline(results: Mapping[str, Any]) -> list[Headline]:
    """The headline numbers of a results object, in the study's order."""
    out: list[Headline] = []
    crit = results.get("criterion", 0.5)
    ck = format(float(crit if crit is not None else 0.5), "g")
    samples = results.get("samples", []) or []

    # Tc range over the samples of the main (most common) orientation
    orients = [s.get("orientation", "") for s in samples]
    main = max(set(orients), key=orients.count) if orients else ""
    tcs = []
    for s in samples:
        if s.get("orientation", "") != main:
            continue
        t = tc_at(s.get("tc"), ck)
        if t is not None and math.isfinite(estimate_value(t)):
            tcs.append((estimate_value(t), t, s.get("name", "")))
    if tcs:
        lo, hi = min(tcs, key=lambda x: x[0]), max(tcs, key=lambda x: x[0])
        tag = f" ({main})" if main else ""
        out.append(Headline("tc_min_K", f"lowest Tc{tag}, {ck} R_N", lo[1], "K", f"{lo[2]} / tc"))
        out.append(Headline("tc_max_K", f"highest Tc{tag}, {ck} R_N", hi[1], "K", f"{hi[2]} / tc"))
    line = results.get("tc_vs_ns")
    if _ok(line):
        out.append(
            Headline(
                "slope_K_cm2",
                "Tc(n_s) slope",
                _scaled(line.get("slope_K_cm2"), 1e14, "1e-14 K cm^2"),
                "1e-14 K cm²",
                f"{len(line.get('samples', []))} samples / tc_vs_ns",
            )
        )
        out.append(
            Headline(
                "n_critical_cm2",
                "critical density n_c (Tc = 0)",
                _scaled(line.get("n_critical_cm2"), 1e-13, "1e13 cm^-2"),
                "10¹³ cm⁻²",
                "tc_vs_ns",
            )
        )
    for s in samples:
        name = s.get("name", "")
        iv = s.get("iv")
        if _ok(iv) and iv.get("t_bkt_K") is not None:
            out.append(
                Headline(
                    "t_bkt_iv_K", "T_BKT from I-V (alpha = 3)", iv["t_bkt_K"], "K", f"{name} / iv"
                )
            )
    # the Halperin-Nelson T_BKT of the sample(s) studied in depth (with I-V or
    # fields, the study's sample #3); of every sample when none is
    main_bkt = [s for s in samples if any(k in s for k in ("iv", "hc2"))] or samples
    for s in main_bkt:
        name = s.get("name", "")
        bkt = s.get("bkt")
        if _ok(bkt):
            out.append(
                Headline(
                    "t_bkt_hn_K",
                    "T_BKT, Halperin-Nelson fit",
                    bkt.get("t_bkt_K"),
                    "K",
                    f"{name} / bkt",
                )
            )
            if bkt.get("t_bkt_linearized_K") is not None:
                out.append(
                    Headline(
                        "t_bkt_lin_K",
                        "T_BKT, [dlnR/dT]^(-2/3) line",
                        bkt.get("t_bkt_linearized_K"),
                        "K",
                        f"{name} / bkt",
                    )
                )
    for s in samples:
        name = s.get("name", "")
        h = s.get("hc2")
        if not _ok(h):
            continue
        for key, label, unit in (
            ("hc2_perp_0_T", "μ0Hc2⊥(0), GL", "T"),
            ("hc2_par_0_T", "μ0Hc2∥(0), GL", "T"),
            ("xi_gl_nm", "ξ_GL(0)", "nm"),
            ("d_sc_nm", "d_SC", "nm"),
            ("anisotropy", "anisotropy Hc2∥/Hc2⊥", ""),
            ("pauli_limit_T", "Pauli limit μ0H_P", "T"),
        ):
            if h.get(key) is not None:
                out.append(Headline(key, label, h[key], unit, f"{name} / hc2"))
    ori = results.get("orientations")
    if isinstance(ori, Mapping):
        for o, d in ori.items():
            if isinstance(d, Mapping):
                out.append(
                    Headline(
                        f"tc_{o}_K",
                        f"Tc ({o}), {ck} R_N",
                        d.get("tc_K"),
                        "K",
                        f"{d.get('sample', '')} / tc",
                    )
                )
    for s in samples:
        g = s.get("gate")
        if _ok(g):
            name = s.get("name", "")
            out.append(
                Headline(
                    "gate_peak_Vg_V",
                    "V_G of the Tc dome peak",
                    g.get("tc_peak_Vg_V"),
                    "V",
                    f"{name} / gate",
                )
            )
            if g.get("tc_max_K") is not None:
                out.append(
                    Headline(
                        "gate_tc_max_K",
                        "Tc at the dome peak",
                        g.get("tc_max_K"),
                        "K",
                        f"{name} / gate",
                    )
                )
    return out
