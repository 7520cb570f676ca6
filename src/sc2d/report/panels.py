"""Gather the data of each panel and draw it: results.json + raw files -> figures.

Each ``_panel_*`` builder reads what it needs (the analysis JSON, the result
objects' plotting arrays when the task provides them, and the raw curves via
:func:`sc2d.io.load_curves`) and returns :class:`Panel` objects. A builder
that fails yields a one-line note in the report instead of stopping it.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .._robust import second_difference_noise
from ..config import Sample, SampleSet
from ..data import estimate_value
from . import figures as F
from .summary import tc_at
from .tables import hc2_points

__all__ = ["Panel", "build_panels", "slug"]


@dataclass
class Panel:
    """A drawn figure before it is saved."""

    name: str
    panel: str
    title: str
    caption: str
    figure: Any  # matplotlib Figure


def slug(text: str) -> str:
    """A file-name-safe form of a sample name."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", str(text)).strip("._")
    return s or "sample"


def _mpl(text: Any) -> str:
    """User text made literal for matplotlib (no mathtext from a stray ``$``)."""
    return str(text).replace("$", r"\$")


def _ok(d: Any) -> bool:
    return isinstance(d, Mapping) and "error" not in d


def _v(x: Any) -> float:
    try:
        return estimate_value(x)
    except (TypeError, ValueError):
        return math.nan


def _s(x: Any) -> float:
    if isinstance(x, Mapping) and x.get("stderr") is not None:
        return float(x["stderr"])
    return math.nan


def _window(x: Any) -> str:
    if isinstance(x, Mapping) and x.get("window"):
        w = x["window"]
        try:
            return f"{float(w[0]):.4g}-{float(w[1]):.4g}"
        except (TypeError, ValueError, IndexError):
            return ""
    return ""


def _method(x: Any) -> str:
    return str(x.get("method", "")) if isinstance(x, Mapping) else ""


def _pm(x: Any, digits: int = 3, scale: float = 1.0) -> str:
    from .html import fmt_estimate

    v, s = _v(x) * scale, _s(x) * scale
    if not math.isfinite(v):
        return "n/a"
    if math.isfinite(s) and s > 0:  # stderr to 2 significant digits, value to match
        return fmt_estimate(x, scale, html_out=False)
    return f"{v:.{digits}g}"


def despike(y: np.ndarray) -> np.ndarray:
    """Boolean mask of single-point glitches (for display only).

    A point is a glitch when it sits away from both neighbours in the same
    direction by more than 3x the neighbours' own difference plus 8 sigma
    (sigma from second differences): a monotonic steep transition never
    qualifies, an isolated spike does.
    """
    y = np.asarray(y, float)
    bad = np.zeros(y.size, bool)
    if y.size < 5:
        return bad
    sigma = second_difference_noise(y)
    d1 = y[1:-1] - y[:-2]
    d3 = y[1:-1] - y[2:]
    span = np.abs(y[2:] - y[:-2])
    same = np.sign(d1) == np.sign(d3)
    big = np.minimum(np.abs(d1), np.abs(d3)) > 3 * span + 8 * sigma
    bad[1:-1] = same & big
    return bad


class _Loader:
    """Reads raw curves once per (file, x, y) for all panels.

    Resistance curves (R, R_xy) are shown without isolated single-point
    glitches (:func:`despike`); ``hidden`` counts them for the report.
    """

    def __init__(self, sample_set: SampleSet) -> None:
        self.cache: dict[tuple[str, str, str], list[Any]] = {}
        self.read = {
            str(p): s.read_options(role) for s in sample_set.samples for role, p in s.files.items()
        }
        self.hidden = 0

    def curves(self, path: Path | str, x: str, y: str, by: str | None = "auto") -> list[Any]:
        key = (str(path), x, y)
        if key not in self.cache:
            from ..io import ReadOptions, load_curves

            ro = dict(self.read.get(str(path)) or {})
            if by is None:
                ro.pop("by", None)
            opts = ReadOptions(**ro) if ro else None
            _, curves = load_curves(path, x=x, y=y, opts=opts, by=by)
            out = []
            for c in curves:
                c = c.finite()
                if y in ("R_ohm", "Rxy_ohm"):
                    bad = despike(c.y)
                    if bad.any():
                        self.hidden += int(bad.sum())
                        c = dataclasses.replace(c, x=c.x[~bad], y=c.y[~bad])
                out.append(c)
            self.cache[key] = out
        return self.cache[key]

    def one(self, path: Path | str, x: str, y: str) -> tuple[np.ndarray, np.ndarray]:
        """All points of a file as one curve, in recorded order."""
        cs = self.curves(path, x, y, by=None)
        xs = np.concatenate([c.x for c in cs]) if cs else np.array([])
        ys = np.concatenate([c.y for c in cs]) if cs else np.array([])
        return xs, ys


def _fig_of(ax: Any) -> Any:
    return ax.figure


def _main_orientation(samples: Sequence[Mapping[str, Any]]) -> str:
    o = [s.get("orientation", "") for s in samples]
    return max(set(o), key=o.count) if o else ""


def _data_xlim(
    curves: Sequence[tuple[np.ndarray, np.ndarray]], normal_at: float | None
) -> tuple[float, float] | None:
    """T range of an R(T) family: up to 1.25 x the normal-state reference (or
    the data), from 0 unless the data start far above it (e.g. Nb at 7-9 K)."""
    ts = [np.asarray(t, float) for t, _ in curves if np.size(t)]
    if not ts:
        return None
    tmin = min(float(np.nanmin(t)) for t in ts)
    tmax = max(float(np.nanmax(t)) for t in ts)
    hi = min(normal_at * 1.25, tmax * 1.02) if normal_at else tmax * 1.02
    lo = 0.0 if tmin < 0.3 * hi else tmin - 0.03 * (hi - tmin)
    return (lo, hi) if hi > lo else None


def _xlim_T(values: Sequence[float], factor: float = 2.2) -> tuple[float, float] | None:
    v = [x for x in values if math.isfinite(x) and x > 0]
    if not v:
        return None
    return 0.0, max(v) * factor


# --------------------------------------------------------------------------- Fig. 2


def _panel_fig2(ctx: _Ctx) -> list[Panel]:
    res, ck = ctx.results, ctx.ck
    out: list[Panel] = []
    main = _main_orientation(res["samples"])
    fam = [
        s
        for s in res["samples"]
        if _ok(s.get("tc")) and "rt" in ctx.files(s) and s.get("orientation", "") == main
    ]
    if fam:
        curves, rn, ns, labels, tcs = [], [], [], [], []
        for s in fam:
            t, r = ctx.load.one(ctx.files(s)["rt"], "T_K", "R_ohm")
            curves.append((t, r))
            rnv = _v(s["tc"].get("r_normal_ohm"))
            rn.append(rnv if math.isfinite(rnv) else float(np.nanmax(r)))
            ns.append(_v(s["hall"].get("n_s_cm2")) if _ok(s.get("hall")) else math.nan)
            labels.append(_mpl(s["name"]))
            tcs.append(_v(tc_at(s["tc"], ck)))
        normal_at = res.get("normal_at_K")
        xlim = _data_xlim(curves, normal_at)
        ax = F.plot_rt_normalised(
            curves,
            rn,
            ns if all(math.isfinite(x) for x in ns) else None,
            labels,
            normal_at_K=normal_at,
            criterion=res.get("criterion"),
            xlim=xlim,
        )
        rn_def = _method(fam[0]["tc"].get("r_normal_ohm")) or (
            f"R({normal_at:g} K)" if normal_at else "the normal-state resistance"
        )
        finite = [t for t in tcs if math.isfinite(t)]
        rng = f"{min(finite):.3g}-{max(finite):.3g} K" if finite else "n/a"
        col = (
            "colour: Hall density n_s (viridis)"
            if all(math.isfinite(x) for x in ns)
            else "one colour per sample"
        )
        out.append(
            Panel(
                "fig2a_rt_normalised",
                "Fig. 2(a)",
                "Normalised resistance against temperature",
                f"R_s/R_N for {len(fam)} sample(s){' of orientation (' + main + ')' if main else ''}; "
                f"R_N = {rn_def}; {col}. The dotted line marks the Tc criterion "
                f"R = {ck} R_N; Tc({ck}) spans {rng}.",
                _fig_of(ax),
            )
        )
    hall = [s for s in res["samples"] if _ok(s.get("hall")) and "hall" in ctx.files(s)]
    if hall:
        curves, ns, labels, windows, temps = [], [], [], [], []
        for s in hall:
            b, r = ctx.load.one(ctx.files(s)["hall"], "B_T", "Rxy_ohm")
            curves.append((b, r))
            ns.append(_v(s["hall"].get("n_s_cm2")))
            labels.append(_mpl(s["name"]))
            windows.append(_window(s["hall"].get("n_s_cm2")))
            t = s["hall"].get("T_K", s["hall"].get("temperature_K"))
            temps.append(_v(t) if t is not None else math.nan)
        t0 = next((round(t, 2) for t in temps if math.isfinite(t)), None)
        ax = F.plot_hall(
            curves, ns if all(math.isfinite(x) for x in ns) else None, labels, temperature_K=t0
        )
        slope = hall[0]["hall"].get("hall_slope_ohm_per_T")
        meth = _method(slope) or _method(hall[0]["hall"].get("n_s_cm2"))
        win = _window(slope) or next((w for w in windows if w), "")
        out.append(
            Panel(
                "fig2b_hall",
                "Fig. 2(b)",
                "Hall resistance against field",
                f"R_xy(μ0H) of {len(hall)} sample(s)"
                + (f" at T = {t0:g} K" if t0 else "")
                + ", coloured by n_s. n_s = 1/(e|dR_xy/dB|)"
                + (f" ({meth})" if meth else "")
                + (f", fit window |μ0H| = {win} T" if win else "")
                + ". "
                + "; ".join(
                    f"{lab}: ({_pm(s['hall'].get('n_s_cm2'), 3, 1e-13)})e13 cm^-2"
                    for lab, s in zip(labels, hall, strict=False)
                ),
                _fig_of(ax),
            )
        )
    line = res.get("tc_vs_ns")
    if _ok(line):
        pts = line.get("points") or []
        names = [p["name"] for p in pts]
        by = {s["name"]: s for s in res["samples"]}
        ns_err = [
            _s(by[n]["hall"].get("n_s_cm2")) if n in by and _ok(by[n].get("hall")) else math.nan
            for n in names
        ]
        tc_err = [_s(tc_at(by[n].get("tc"), ck)) if n in by else math.nan for n in names]
        ax = F.plot_tc_vs_ns(
            [p["n_s_cm2"] for p in pts],
            [p["tc_K"] for p in pts],
            n_s_err=ns_err,
            tc_err=tc_err,
            slope_K_cm2=_v(line.get("slope_K_cm2")),
            n_critical_cm2=_v(line.get("n_critical_cm2")),
            labels=[_mpl(n) for n in names],
            criterion=res.get("criterion"),
        )
        flag = (
            line.get("n_critical_cm2", {}).get("flag")
            if isinstance(line.get("n_critical_cm2"), Mapping)
            else ""
        )
        out.append(
            Panel(
                "fig2c_tc_vs_ns",
                "Fig. 2(c)",
                "Tc against carrier density",
                f"Tc at {ck} R_N against Hall n_s for {len(pts)} samples; line Tc = a (n_s - n_c) "
                f"({_method(line.get('slope_K_cm2')) or 'least squares'}): slope a = "
                f"({_pm(line.get('slope_K_cm2'), 3, 1e14)})e-14 K cm^2, n_c = "
                f"({_pm(line.get('n_critical_cm2'), 3, 1e-13)})e13 cm^-2"
                + (f" ({flag})" if flag else "")
                + ".",
                _fig_of(ax),
            )
        )
    ori = res.get("orientations")
    if isinstance(ori, Mapping) and len(ori) >= 2:
        by = {s["name"]: s for s in res["samples"]}
        curves, labels, tcs = [], [], []
        for o, d in ori.items():
            name = d.get("sample")
            s = by.get(name)
            if s is None or "rt" not in ctx.files(s):
                continue
            curves.append(ctx.load.one(ctx.files(s)["rt"], "T_K", "R_ohm"))
            labels.append(_mpl(f"({o}) {name}: Tc = {_v(d.get('tc_K')):.3g} K"))
            tcs.append(_v(d.get("tc_K")))
        if curves:
            ax = F.plot_rt_orientations(curves, labels, xlim=_xlim_T(tcs, 1.8))
            out.append(
                Panel(
                    "fig2d_orientations",
                    "Fig. 2(d)",
                    "Resistance by crystal orientation",
                    f"R_s(T) of one sample per orientation; Tc at {ck} R_N in the legend "
                    f"({', '.join(f'({o})' for o in ori)}).",
                    _fig_of(ax),
                )
            )
    return out


# --------------------------------------------------------------------------- Fig. 3


def _iv_curves(ctx: _Ctx, path: Path) -> tuple[list[tuple[np.ndarray, np.ndarray]], list[float]]:
    cs = ctx.load.curves(path, "I_A", "V_V")
    curves = [(c.x, c.y) for c in cs]
    temps = [float(c.fixed.get("T_K", math.nan)) for c in cs]
    return curves, temps


def _iv_fits(iv: Mapping[str, Any], obj: Any) -> list[dict[str, Any] | None]:
    """Per-curve power-law lines {alpha, log10_prefactor, window} (V = 10^p I^alpha).

    From the I-V result objects (``curves[i].power_law``: alpha, window_A,
    prefactor_V = V at the window's geometric-mean current) when available.
    """
    fits: list[dict[str, Any] | None] = []
    curves = getattr(obj, "curves", None)
    if not curves:
        return fits
    for c in curves:
        pl = getattr(c, "power_law", None)
        a = getattr(getattr(pl, "alpha", None), "value", math.nan)
        w = getattr(pl, "window_A", None)
        pv = getattr(pl, "prefactor_V", math.nan)
        if pl is None or w is None or not (math.isfinite(a) and pv and pv > 0):
            fits.append(None)
            continue
        igm = math.sqrt(float(w[0]) * float(w[1]))
        fits.append(
            {"alpha": a, "log10_prefactor": math.log10(pv) - a * math.log10(igm), "window": list(w)}
        )
    return fits


def _iv_noise(iv: Mapping[str, Any], temps: Sequence[float]) -> list[float]:
    """Each raw curve's voltage noise, matched by temperature to the iv JSON curves."""
    known = [
        (_v(c.get("T_K")), _v(c.get("noise_V")))
        for c in iv.get("curves", []) or []
        if "noise_V" in c
    ]
    out = []
    for t in temps:
        best = min(known, key=lambda k: abs(k[0] - t), default=(math.nan, math.nan))
        out.append(best[1] if math.isfinite(best[0]) and abs(best[0] - t) < 2e-3 else math.nan)
    return out


def _sfx(names: Sequence[str], name: str) -> str:
    return f"_{slug(name)}" if len(names) > 1 else ""


def _panel_fig3_iv(ctx: _Ctx) -> list[Panel]:
    out: list[Panel] = []
    ivs = [s for s in ctx.results["samples"] if _ok(s.get("iv")) and "iv" in ctx.files(s)]
    names = [s["name"] for s in ivs]
    for s in ivs:
        iv, name = s["iv"], s["name"]
        sfx = _sfx(names, name)
        curves, temps = _iv_curves(ctx, ctx.files(s)["iv"])
        ax = F.plot_iv(curves, temps)
        ics = [(c.get("T_K"), c.get("ic_A")) for c in iv.get("curves", []) or []]
        ic_low = next(
            (c for t, c in sorted(ics, key=lambda x: _v(x[0])) if math.isfinite(_v(c))), None
        )
        ic_meth = _method(ic_low)
        out.append(
            Panel(
                f"fig3a_iv_linear{sfx}",
                "Fig. 3(a)",
                f"I-V curves at several temperatures ({name})",
                f"V(I) of {name} at {len(curves)} temperatures "
                f"({min(temps):.3g}-{max(temps):.3g} K, colour). Critical current at the lowest T: "
                f"{_pm(ic_low, 3, 1e6)} μA" + (f" ({ic_meth})" if ic_meth else "") + ".",
                _fig_of(ax),
            )
        )
        fits = _iv_fits(iv, ctx.objects.get((name, "iv")))
        noise = _iv_noise(iv, temps)
        ax = F.plot_iv(curves, temps, log=True, fits=fits, noise_V=noise)
        wins = [c.get("window_A") for c in iv.get("curves", []) or [] if c.get("window_A")]
        wtxt = (
            f"{min(w[0] for w in wins) * 1e6:.3g}-{max(w[1] for w in wins) * 1e6:.3g} μA overall"
            if wins
            else "per curve"
        )
        out.append(
            Panel(
                f"fig3b_iv_loglog{sfx}",
                "Fig. 3(b)",
                f"I-V on log-log axes ({name})",
                "log|V| against log|I| (positive branch, points above 3 sigma of the voltage "
                "noise); black lines: V = k I^alpha fitted to ln V "
                "against ln I between the noise floor and 0.5 R_N of each curve "
                f"(windows {wtxt}, listed per T in tables/alpha_T.csv); "
                "red dashed: V ∝ I^3, the BKT criterion.",
                _fig_of(ax),
            )
        )
        cur = [c for c in iv.get("curves", []) or [] if math.isfinite(_v(c.get("alpha")))]
        if cur:
            tb = iv.get("t_bkt_K")
            ax = F.plot_alpha(
                [_v(c.get("T_K")) for c in cur],
                [_v(c.get("alpha")) for c in cur],
                alpha_err=[_s(c.get("alpha")) for c in cur],
                t_bkt_K=_v(tb),
                t_bkt_err=_s(tb),
            )
            out.append(
                Panel(
                    f"fig3c_alpha{sfx}",
                    "Fig. 3(c)",
                    f"Power-law exponent against temperature ({name})",
                    f"alpha(T) from the fits of (b); T_BKT where alpha = 3: {_pm(tb, 3)} K"
                    + (f" ({_method(tb)})" if _method(tb) else "")
                    + ".",
                    _fig_of(ax),
                )
            )
    return out


def _hn_data(
    ctx: _Ctx, s: Mapping[str, Any]
) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray] | None, bool]:
    """[d ln R/dT]^(-2/3) against T, the fitted line (T, y) if known, and whether recomputed.

    From the bkt result's linearisation arrays when the object is there,
    else from :func:`sc2d.bkt.hn_linearization` run again on the sample's
    R(T) with default options (the last item is then True).
    """
    obj = ctx.objects.get((s["name"], "bkt"))
    lin = getattr(obj, "linearized", None)
    recomputed = False
    if lin is None or not np.size(getattr(lin, "_t_deriv", ())):
        from ..bkt import hn_linearization
        from ..errors import Sc2dError

        t, r = ctx.load.one(ctx.files(s)["rt"], "T_K", "R_ohm")
        try:
            lin = hn_linearization(t, r)
        except Sc2dError:
            return np.array([]), np.array([]), None, True
        recomputed = True
    tl, yl = lin._t_line, lin._y_line
    line = (np.asarray(tl, float), np.asarray(yl, float)) if np.size(tl) else None
    return np.asarray(lin._t_deriv, float), np.asarray(lin._y_deriv, float), line, recomputed


def _panel_fig3_hn(ctx: _Ctx) -> list[Panel]:
    out: list[Panel] = []
    main = [
        s
        for s in ctx.results["samples"]
        if _ok(s.get("bkt")) and "rt" in ctx.files(s) and ("iv" in s or "hc2" in s)
    ] or [s for s in ctx.results["samples"] if _ok(s.get("bkt")) and "rt" in ctx.files(s)][:1]
    names = [s["name"] for s in main]
    for s in main:
        bkt, name = s["bkt"], s["name"]
        t, y, line, recomputed = _hn_data(ctx, s)
        tl = bkt.get("t_bkt_linearized_K")
        b = bkt.get("b")
        lin_obj = getattr(ctx.objects.get((name, "bkt")), "linearized", None)
        lin_b = getattr(lin_obj, "b", None) or bkt.get("b_linearized", b)
        tb = bkt.get("t_bkt_K")
        w = None
        for x in (tl, tb):
            if isinstance(x, Mapping) and x.get("window"):
                w = x["window"]
                break
        tline = _v(tl) if math.isfinite(_v(tl)) else _v(tb)
        keep = np.isfinite(y)
        ax = F.plot_hn_linearised(
            t[keep], y[keep], b=_v(lin_b), t_bkt_K=tline, window_K=w, line=line
        )
        wtxt = (
            f"{float(w[0]):.3g}-{float(w[1]):.3g} K"
            if w and None not in w
            else "the high-T linear section"
        )
        out.append(
            Panel(
                f"fig3d_hn_linearised{_sfx(names, name)}",
                "Fig. 3(d)",
                f"Halperin-Nelson linearisation ({name})",
                "[d ln R_s/dT]^(-2/3) against T ("
                + (
                    f"derivative of ln R_s(T) of {name} by local line fits, recomputed "
                    "with default options"
                    if recomputed
                    else f"derivative of ln R_s(T) of {name} by local line fits, as analysed"
                )
                + "); red: straight line over "
                f"{wtxt} (shaded), crossing zero at T_BKT = {_pm(tl, 3)} K. Full fit "
                f"R = R0 exp[-b (T/T_BKT - 1)^(-1/2)]: T_BKT = {_pm(tb, 3)} K, b = {_pm(b, 3)}.",
                _fig_of(ax),
            )
        )
    return out


def _panel_fig3_fields(ctx: _Ctx) -> list[Panel]:
    out: list[Panel] = []
    hs = [s for s in ctx.results["samples"] if "hc2" in s]
    names = [s["name"] for s in hs]
    for s in hs:
        name, files = s["name"], ctx.files(s)
        h = s["hc2"] if _ok(s.get("hc2")) else {}
        tcs = []
        for role, d, panel, lab in (
            ("field_perp", "perp", "Fig. 3(e)", "out-of-plane"),
            ("field_par", "par", "Fig. 3(f)", "in-plane"),
        ):
            if role not in files:
                continue
            cs = ctx.load.curves(files[role], "T_K", "R_ohm")
            curves = [(c.x, c.y) for c in cs]
            fields = [float(c.fixed.get("B_T", math.nan)) for c in cs]
            tc0 = _v(h.get("tc_K")) if h else math.nan
            if math.isfinite(tc0):
                tcs.append(tc0)
            normal_at = ctx.results.get("normal_at_K")
            xlim = (0.0, normal_at * 1.1) if normal_at else None
            ax = F.plot_field_family(curves, fields, direction=d, xlim=xlim)
            f = np.asarray(fields)
            step = float(np.median(np.diff(np.sort(f)))) if f.size > 1 else math.nan
            unit, sc = ("mT", 1e3) if np.nanmax(np.abs(f)) < 0.1 else ("T", 1.0)
            # setpoints carry a little scatter: show them on the step's grid
            if math.isfinite(step) and step > 0:
                f = np.round(f / step * 100) * step / 100
                f = np.where(np.abs(f) < step / 100, 0.0, f)
            out.append(
                Panel(
                    f"fig3{'e' if d == 'perp' else 'f'}_rt_{d}{_sfx(names, name)}",
                    panel,
                    f"R(T) in {lab} fields ({name})",
                    f"R_s(T) of {name} in {len(cs)} {lab} fields from {np.nanmin(f) * sc:.3g} to "
                    f"{np.nanmax(f) * sc:.3g} {unit}"
                    + (f" (step {step * sc:.2g} {unit})" if math.isfinite(step) else "")
                    + f"; Hc2(T) is read where R = {_hc2_crit(h, ctx)} R_N.",
                    _fig_of(ax),
                )
            )
        if not h:
            continue
        pts = hc2_points(h)
        perp = (
            tuple(np.array(v, float) for v in zip(*pts["perp"], strict=True))
            if pts.get("perp")
            else None
        )
        par = (
            tuple(np.array(v, float) for v in zip(*pts["par"], strict=True))
            if pts.get("par")
            else None
        )
        xi = _v(h.get("xi_gl_nm")) * 1e-9
        d_sc = _v(h.get("d_sc_nm")) * 1e-9
        tc_perp = _v(h.get("tc_perp_K", h.get("tc_K")))
        tc_par = _v(h.get("tc_par_K", h.get("tc_K")))
        pl = _v(h.get("pauli_limit_T"))
        ax = F.plot_hc2(
            perp,
            par,
            xi_gl_m=xi,
            d_sc_m=d_sc,
            tc_perp_K=tc_perp,
            tc_par_K=tc_par,
            pauli=(0.0, pl) if math.isfinite(pl) else None,
        )
        out.append(
            Panel(
                f"fig3g_hc2{_sfx(names, name)}",
                "Fig. 3(g)",
                f"Upper critical fields ({name})",
                f"μ0Hc2(T) read at {_hc2_crit(h, ctx)} R_N from (e) and (f); dashed: 2D GL fits "
                f"Hc2⊥ = Φ0/(2πξ²)(1 - T/Tc) and Hc2∥ = √12 Φ0/(2πξd)(1 - T/Tc)^1/2"
                + (
                    f" over {_window(h.get('hc2_perp_0_T'))} K"
                    if _window(h.get("hc2_perp_0_T"))
                    else ""
                )
                + f". Hc2⊥(0) = {_pm(h.get('hc2_perp_0_T'), 3)} T, Hc2∥(0) = "
                f"{_pm(h.get('hc2_par_0_T'), 3)} T, ξ_GL = {_pm(h.get('xi_gl_nm'), 4)} nm, "
                f"d_SC = {_pm(h.get('d_sc_nm'), 3)} nm, anisotropy {_pm(h.get('anisotropy'), 3)}. "
                f"Red dot: Pauli limit {_pm(h.get('pauli_limit_T'), 3)} T"
                + (
                    f" ({_method(h.get('pauli_limit_T'))})"
                    if _method(h.get("pauli_limit_T"))
                    else ""
                )
                + ".",
                _fig_of(ax),
            )
        )
    return out


def _hc2_crit(h: Mapping[str, Any], ctx: _Ctx) -> str:
    c = h.get("criterion") if h else None
    return str(c) if c is not None else ctx.ck


# --------------------------------------------------------------------------- Fig. 4


def _panel_fig4(ctx: _Ctx) -> list[Panel]:
    out: list[Panel] = []
    gs = [s for s in ctx.results["samples"] if "gate" in s]
    names = [s["name"] for s in gs]
    for s in gs:
        name, files = s["name"], ctx.files(s)
        sfx = _sfx(names, name)
        g = s["gate"] if _ok(s.get("gate")) else {}
        if "gate_rt" in files:
            cs = ctx.load.curves(files["gate_rt"], "T_K", "R_ohm")
            vg = [float(c.fixed.get("Vg_V", math.nan)) for c in cs]
            normal_at = ctx.results.get("normal_at_K")
            xlim = (0.0, normal_at * 1.1) if normal_at else None
            ax = F.plot_gate_rt([(c.x, c.y) for c in cs], vg, xlim=xlim)
            out.append(
                Panel(
                    f"fig4a_gate_rt{sfx}",
                    "Fig. 4(a)",
                    f"R(T) at each gate voltage ({name})",
                    f"R_s(T) of {name} at {len(cs)} back-gate voltages from {min(vg):+.0f} to "
                    f"{max(vg):+.0f} V (colour).",
                    _fig_of(ax),
                )
            )
        cur = g.get("curves", []) if g else []
        vg = [_v(c.get("Vg_V")) for c in cur]
        ns = [c.get("n_s_cm2") for c in cur]
        if cur and any(math.isfinite(_v(x)) for x in ns):
            mu = [c.get("mobility_cm2_per_Vs") for c in cur]
            ax = F.plot_gate_ns_mu(
                vg,
                [_v(x) for x in ns],
                [_v(x) for x in mu],
                n_s_err=[_s(x) for x in ns],
                mobility_err=[_s(x) for x in mu],
            )
            out.append(
                Panel(
                    f"fig4b_gate_ns_mu{sfx}",
                    "Fig. 4(b)",
                    f"Carrier density and mobility against V_G ({name})",
                    "Hall density n_s (left) and Hall mobility μ = 1/(e n_s R_s) (right) at each V_G, "
                    "R_s and the Hall slope taken at the same temperature"
                    + (f" ({_method(ns[0])})" if _method(ns[0]) else "")
                    + ".",
                    _fig_of(ax),
                )
            )
        tcs = [c.get("tc_K") for c in cur]
        if cur and any(math.isfinite(_v(x)) for x in tcs):
            pk = g.get("tc_peak_Vg_V")
            ax = F.plot_dome(
                vg,
                [_v(x) for x in tcs],
                tc_err=[_s(x) for x in tcs],
                peak_V=_v(pk),
                peak_err=_s(pk),
                criterion=ctx.results.get("criterion"),
            )
            out.append(
                Panel(
                    f"fig4c_dome{sfx}",
                    "Fig. 4(c)",
                    f"Tc dome against gate voltage ({name})",
                    f"Tc at {g.get('criterion', ctx.ck)} R_N against V_G; peak V_G = {_pm(pk, 3)} V "
                    f"from a local quadratic fit to the top of the dome"
                    + (f" (fit window {_window(pk)} V)" if _window(pk) else "")
                    + (f" ({_method(pk)})" if _method(pk) else "")
                    + (f"; {pk.get('flag')}" if isinstance(pk, Mapping) and pk.get("flag") else "")
                    + f"; Tc,max = {_pm(g.get('tc_max_K'), 3)} K.",
                    _fig_of(ax),
                )
            )
        if "gate_iv" in files:
            cs = ctx.load.curves(files["gate_iv"], "I_A", "V_V")
            vgs = [float(c.fixed.get("Vg_V", math.nan)) for c in cs]
            temps = [float(c.fixed.get("T_K", math.nan)) for c in cs]
            t0 = next((t for t in temps if math.isfinite(t)), None)
            ax = F.plot_gate_iv([(c.x, c.y) for c in cs], vgs, temperature_K=t0)
            ics = [c.get("ic_A") for c in cur if math.isfinite(_v(c.get("ic_A")))]
            icr = (
                f"; Ic from {min(_v(x) for x in ics) * 1e6:.3g} to {max(_v(x) for x in ics) * 1e6:.3g} μA"
                + (f" ({_method(ics[0])})" if _method(ics[0]) else "")
                if ics
                else ""
            )
            out.append(
                Panel(
                    f"fig4d_gate_iv{sfx}",
                    "Fig. 4(d)",
                    f"I-V at each gate voltage ({name})",
                    f"V(I) of {name} at {len(cs)} gate voltages (colour)"
                    + (f" at T = {t0 * 1e3:.0f} mK" if t0 else "")
                    + icr
                    + ".",
                    _fig_of(ax),
                )
            )
    return out


# --------------------------------------------------------------------------- literature


def _reference(r: Mapping[str, Any]) -> str:
    parts = [str(r.get(k)) for k in ("first_author",) if r.get(k)]
    jv = " ".join(str(r.get(k)) for k in ("journal", "volume") if r.get(k) not in (None, ""))
    if jv:
        parts.append(jv)
    if r.get("page") not in (None, ""):
        parts.append(str(r.get("page")))
    ref = ", ".join(parts)
    if r.get("year") not in (None, "", 0):
        ref += f" ({r.get('year')})"
    if r.get("doi"):
        ref += f", doi:{r.get('doi')}"
    return ref


def literature_rows(
    results: Mapping[str, Any],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(literature entries, this report's samples) as dicts of common keys.

    Literature from :func:`sc2d.literature.load_literature`; both lists have
    ``label``, ``orientation``, ``kind``, ``tc_K``, ``n_s_cm2``,
    ``xi_gl_nm``, ``d_sc_nm``, ``t_bkt_K`` where known and ``reference``.
    """
    from .. import literature as lit_mod

    lit = lit_mod.load_literature()
    rows = []
    for r in lit.to_dict("records"):
        d = {
            k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in r.items()
        }
        d["label"] = str(d.get("system") or "")
        d["group"] = d["label"]
        d["reference"] = _reference(d)
        rows.append(d)
    mine = []
    ck = format(float(results.get("criterion") or 0.5), "g")
    for s in results.get("samples", []):
        d: dict[str, Any] = {
            "label": f"{s['name']} (this work)",
            "group": "this work",
            "orientation": s.get("orientation", ""),
            "kind": "this work",
            "reference": "this report",
        }
        t = tc_at(s.get("tc"), ck)
        if t is not None:
            d["tc_K"] = t
        if _ok(s.get("hall")):
            d["n_s_cm2"] = s["hall"].get("n_s_cm2")
        if _ok(s.get("bkt")):
            d["t_bkt_K"] = s["bkt"].get("t_bkt_K")
        h = s.get("hc2")
        if _ok(h):
            for k in ("xi_gl_nm", "d_sc_nm"):
                if h.get(k) is not None:
                    d[k] = h[k]
        mine.append(d)
    return rows, mine


def _panel_literature(ctx: _Ctx) -> list[Panel]:
    from matplotlib.figure import Figure

    rows, mine = literature_rows(ctx.results)
    with F.style():
        fig = Figure(figsize=(7.6, 3.0))
        ax1, ax2 = fig.subplots(1, 2, gridspec_kw={"wspace": 0.3})
    F.plot_literature_tc(rows, mine, ax=ax1)
    with_gl = [m for m in mine if "xi_gl_nm" in m and "d_sc_nm" in m]
    F.plot_literature(rows, with_gl, x="d_sc_nm", y="xi_gl_nm", ax=ax2)
    n_lit = len(rows)
    return [
        Panel(
            "literature",
            "Table S3",
            "This work beside the literature",
            f"Left: Tc by substrate orientation for {n_lit} published oxide-interface entries "
            "(open symbols by kind; sc2d.literature, citations in the table below) and the "
            f"samples of this report (red stars, Tc at {ctx.ck} R_N). Right: GL coherence length "
            "against superconducting thickness where published, with this report's values.",
            fig,
        )
    ]


# --------------------------------------------------------------------------- driver


class _Ctx:
    def __init__(
        self, results: Mapping[str, Any], sample_set: SampleSet, objects: Mapping[Any, Any]
    ):
        self.results = results
        self.sample_set = sample_set
        self.objects = objects
        self.load = _Loader(sample_set)
        self.ck = format(float(results.get("criterion") or 0.5), "g")
        self._by: dict[str, Sample] = {s.name: s for s in sample_set.samples}

    def files(self, s: Mapping[str, Any]) -> dict[str, Path]:
        smp = self._by.get(s.get("name", ""))
        return dict(smp.files) if smp else {}


BUILDERS: list[tuple[str, Callable[[_Ctx], list[Panel]]]] = [
    ("Fig. 2 (R(T) family, Hall, Tc(n_s), orientations)", _panel_fig2),
    ("Fig. 3(a-c) (I-V, alpha(T))", _panel_fig3_iv),
    ("Fig. 3(d) (Halperin-Nelson)", _panel_fig3_hn),
    ("Fig. 3(e-g) (fields, Hc2)", _panel_fig3_fields),
    ("Fig. 4 (gate)", _panel_fig4),
    ("literature comparison", _panel_literature),
]


def build_panels(
    results: Mapping[str, Any],
    sample_set: SampleSet,
    objects: Mapping[Any, Any] | None = None,
    groups: Sequence[int] | None = None,
) -> tuple[list[Panel], list[str], int]:
    """Every panel the results allow, a note for each group that failed, and
    the number of glitch points hidden from the drawn curves.

    ``groups`` selects builders by index in :data:`BUILDERS` (all by default).
    """
    ctx = _Ctx(results, sample_set, objects or {})
    panels: list[Panel] = []
    errors: list[str] = []
    for i, (label, fn) in enumerate(BUILDERS):
        if groups is not None and i not in groups:
            continue
        try:
            panels.extend(fn(ctx))
        except Exception as exc:  # a figure must never sink the report
            msg = " ".join(str(exc).split())[:300]
            errors.append(f"{label} could not be drawn: {type(exc).__name__}: {msg}")
    return panels, errors, ctx.load.hidden
