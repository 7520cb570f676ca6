"""Publication figures: one function per panel of the reference study.

Every function takes data (SI arrays, or the JSON estimates the analyses
returned) and ``ax=None``; it draws on ``ax`` (or on a new single-panel
figure) and returns the Axes. Nothing here calls ``plt.show()`` or touches
pyplot's global state: figures are :class:`matplotlib.figure.Figure` objects
rendered with Agg, so they can be drawn in worker processes.

One house style (:data:`STYLE`, applied by :func:`style`): sans-serif text,
ticks inside on all four sides, labelled axes with units, viridis (densities,
gate) and plasma (temperature, field) colour maps with a colour bar for every
family.

The panels (reference study numbering, Chen et al., arXiv:2507.01392):

- Fig. 2(a) :func:`plot_rt_normalised`, (b) :func:`plot_hall`,
  (c) :func:`plot_tc_vs_ns`, (d) :func:`plot_rt_orientations`
- Fig. 3(a, b) :func:`plot_iv`, (c) :func:`plot_alpha`,
  (d) :func:`plot_hn_linearised`, (e, f) :func:`plot_field_family`,
  (g) :func:`plot_hc2`
- Fig. 4(a) :func:`plot_gate_rt`, (b) :func:`plot_gate_ns_mu`,
  (c) :func:`plot_dome`, (d) :func:`plot_gate_iv`
- Table S3 beside the sample: :func:`plot_literature`
"""

from __future__ import annotations

import contextlib
import io
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "FIGSIZE",
    "STYLE",
    "new_axes",
    "plot_alpha",
    "plot_dome",
    "plot_field_family",
    "plot_gate_iv",
    "plot_gate_ns_mu",
    "plot_gate_rt",
    "plot_hall",
    "plot_hc2",
    "plot_hn_linearised",
    "plot_iv",
    "plot_literature",
    "plot_literature_tc",
    "plot_rt_normalised",
    "plot_rt_orientations",
    "plot_tc_vs_ns",
    "save_figure",
    "style",
]

#: single-panel size (inches): one journal column at 1.2x for screens
FIGSIZE = (4.0, 3.0)

#: the one style of every sc2d figure
STYLE: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica", "Liberation Sans"],
    "mathtext.default": "regular",
    "mathtext.fontset": "dejavusans",
    "font.size": 9,
    "axes.labelsize": 9,
    "axes.titlesize": 9,
    "legend.fontsize": 7,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "xtick.direction": "in",
    "ytick.direction": "in",
    "xtick.top": True,
    "ytick.right": True,
    "xtick.minor.visible": True,
    "ytick.minor.visible": True,
    "xtick.major.size": 3.5,
    "ytick.major.size": 3.5,
    "xtick.minor.size": 2.0,
    "ytick.minor.size": 2.0,
    "axes.linewidth": 0.8,
    "lines.linewidth": 1.1,
    "lines.markersize": 4,
    "errorbar.capsize": 2,
    "legend.frameon": False,
    "legend.handlelength": 1.6,
    "axes.formatter.useoffset": False,
    "axes.formatter.limits": (-3, 4),
    "savefig.bbox": "tight",
    "savefig.pad_inches": 0.04,
    "savefig.facecolor": "white",
    "figure.facecolor": "white",
    "svg.fonttype": "none",
    "svg.hashsalt": "sc2d",
    "pdf.fonttype": 42,
}

#: colours for a few discrete series (colour-blind safe, Okabe-Ito)
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
FIT = "#000000"
GUIDE = "#D62728"  # the study's red dashed guides and red Pauli dot


@contextlib.contextmanager
def style() -> Iterator[None]:
    """Apply :data:`STYLE` (matplotlib rc_context) for the duration."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def new_axes(ax: Axes | None = None, figsize: tuple[float, float] = FIGSIZE) -> Axes:
    """``ax`` itself, or the axes of a new single-panel figure (no pyplot)."""
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    with style():
        fig = Figure(figsize=figsize)
        return fig.add_subplot()


def save_figure(fig: Figure, fmt: str = "png", dpi: int = 150) -> bytes:
    """Render a figure to bytes (``png``, ``svg`` or ``pdf``), reproducibly."""
    buf = io.BytesIO()
    meta: dict[str, Any]
    if fmt == "png":
        meta = {"Software": None}
    elif fmt == "svg":
        meta = {"Date": None, "Creator": None}
    elif fmt == "pdf":
        meta = {"CreationDate": None, "Creator": None, "Producer": None}
    else:
        raise ValueError(f"figure format must be png, svg or pdf, got {fmt!r}")
    with style():
        fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


# --------------------------------------------------------------------------- helpers


def _arr(x: Any) -> np.ndarray:
    return np.asarray(x, dtype=float)


def _fmt_num(x: float) -> str:
    return f"{x:.3g}"


def _colours(values: Sequence[float], cmap: str) -> tuple[list[Any], Any, Any]:
    """RGBA colours for ``values`` on a colour map, plus the norm and map."""
    import matplotlib
    from matplotlib.colors import Normalize

    v = _arr(values)
    finite = v[np.isfinite(v)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    norm = Normalize(lo, hi)
    cm = matplotlib.colormaps[cmap]
    # stay away from the palest end of the map so lines stay visible on white
    cols = [cm(0.05 + 0.85 * norm(x)) if np.isfinite(x) else (0.5, 0.5, 0.5, 1.0) for x in v]
    return cols, norm, cm


def _colourbar(
    ax: Axes, norm: Any, cmap: Any, label: str, ticks: Sequence[float] | None = None
) -> Any:
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import LinearSegmentedColormap

    # the bar shows the same truncated range the lines use
    sub = LinearSegmentedColormap.from_list(f"{cmap.name}_sc2d", cmap(np.linspace(0.05, 0.9, 128)))
    sm = ScalarMappable(norm=norm, cmap=sub)
    cb = ax.figure.colorbar(sm, ax=ax, pad=0.02, fraction=0.05, aspect=25)
    cb.set_label(label)
    cb.ax.tick_params(direction="in", which="both")
    if ticks is not None:
        cb.set_ticks(list(ticks))
    cb.ax.minorticks_off()
    return cb


def _family(
    ax: Axes,
    curves: Sequence[tuple[Any, Any]],
    values: Sequence[float],
    *,
    cmap: str,
    clabel: str,
    xscale: float = 1.0,
    yscale: float = 1.0,
    marker: str | None = None,
    max_legend: int = 0,
    value_fmt: str = "{:g}",
) -> None:
    """Draw a family of curves coloured by ``values`` with a colour bar."""
    cols, norm, cm = _colours(values, cmap)
    order = np.argsort(_arr(values), kind="stable")
    for i in order:
        x, y = curves[i]
        kw: dict[str, Any] = {"color": cols[i], "lw": 1.0}
        if marker:
            kw.update(marker=marker, ms=2.5, lw=0.6)
        ax.plot(_arr(x) * xscale, _arr(y) * yscale, **kw)
    if len(curves) > 1 and len(curves) > max_legend:
        _colourbar(ax, norm, cm, clabel)
    elif len(curves) > 1:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], color=cols[i]) for i in order]
        ax.legend(handles, [value_fmt.format(values[i]) for i in order], title=clabel)


def _est(x: Any) -> tuple[float, float]:
    """(value, stderr) of a JSON estimate (number or dict) or Estimate; NaN if absent."""
    if x is None:
        return math.nan, math.nan
    if isinstance(x, dict):
        v, s = x.get("value"), x.get("stderr")
        return (
            math.nan if v is None else float(v),
            math.nan if s is None else float(s),
        )
    if hasattr(x, "value") and hasattr(x, "stderr"):
        return float(x.value), float(x.stderr)
    try:
        return float(x), math.nan
    except (TypeError, ValueError):
        return math.nan, math.nan


def _yerr(err: Any) -> Any:
    e = _arr(err) if err is not None else None
    if e is None or not np.any(np.isfinite(e)):
        return None
    return np.where(np.isfinite(e), e, 0.0)


def _note(ax: Axes, text: str, loc: str = "upper left") -> None:
    pos = {
        "upper left": (0.04, 0.95, "left", "top"),
        "upper right": (0.96, 0.95, "right", "top"),
        "lower right": (0.96, 0.05, "right", "bottom"),
        "lower left": (0.04, 0.05, "left", "bottom"),
    }[loc]
    ax.text(pos[0], pos[1], text, transform=ax.transAxes, ha=pos[2], va=pos[3], fontsize=7.5)


# --------------------------------------------------------------------------- Fig. 2


def plot_rt_normalised(
    curves: Sequence[tuple[Any, Any]],
    r_normal: Sequence[float],
    n_s_cm2: Sequence[float] | None = None,
    labels: Sequence[str] | None = None,
    *,
    normal_at_K: float | None = None,
    criterion: float | None = 0.5,
    xlim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 2(a): R_s/R_N against T for a family of samples.

    Parameters
    ----------
    curves : list of (T, R)
        Temperature (K) and resistance (Ohm) of each sample.
    r_normal : list of float
        Normal-state resistance R_N (Ohm) of each sample.
    n_s_cm2 : list of float, optional
        Hall density (cm^-2) of each sample: colours the family (viridis)
        with a colour bar; without it samples get a legend of ``labels``.
    normal_at_K : float, optional
        Temperature of R_N, for the axis label (R_0.4K in the study).
    criterion : float, optional
        Draws a dotted line at the Tc criterion.
    """
    ax = new_axes(ax)
    with style():
        sub = f"{normal_at_K:g} K" if normal_at_K else "N"
        norm_curves = [(t, _arr(r) / rn) for (t, r), rn in zip(curves, r_normal, strict=True)]
        if n_s_cm2 is not None and np.all(np.isfinite(_arr(n_s_cm2))) and len(curves) > 1:
            _family(
                ax,
                norm_curves,
                _arr(n_s_cm2) / 1e13,
                cmap="viridis",
                clabel=r"$n_s$ ($10^{13}$ cm$^{-2}$)",
                max_legend=6,
                value_fmt="{:.2f}",
            )
        else:
            for i, (t, y) in enumerate(norm_curves):
                lab = labels[i] if labels else None
                ax.plot(t, y, color=COLORS[i % len(COLORS)], label=lab)
            if labels:
                ax.legend()
        if criterion:
            ax.axhline(criterion, color="0.5", lw=0.6, ls=":")
        ax.set_xlabel("T (K)")
        ax.set_ylabel(f"$R_s/R_{{{sub}}}$")
        if xlim:
            ax.set_xlim(*xlim)
        ax.set_ylim(bottom=-0.03)
    return ax


def plot_hall(
    curves: Sequence[tuple[Any, Any]],
    n_s_cm2: Sequence[float] | None = None,
    labels: Sequence[str] | None = None,
    *,
    temperature_K: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 2(b): Hall resistance R_xy (Ohm) against mu0 H (T) per sample."""
    ax = new_axes(ax)
    with style():
        if n_s_cm2 is not None and np.all(np.isfinite(_arr(n_s_cm2))) and len(curves) > 1:
            _family(
                ax,
                curves,
                _arr(n_s_cm2) / 1e13,
                cmap="viridis",
                clabel=r"$n_s$ ($10^{13}$ cm$^{-2}$)",
                max_legend=6,
                value_fmt="{:.2f}",
            )
        else:
            for i, (b, r) in enumerate(curves):
                ax.plot(b, r, color=COLORS[i % len(COLORS)], label=labels[i] if labels else None)
            if labels:
                ax.legend()
        ax.axhline(0, color="0.7", lw=0.5)
        ax.axvline(0, color="0.7", lw=0.5)
        ax.set_xlabel(r"$\mu_0H$ (T)")
        ax.set_ylabel(r"$R_{xy}$ ($\Omega$)")
        if temperature_K:
            _note(ax, f"T = {temperature_K:g} K", "lower left")
    return ax


def plot_tc_vs_ns(
    n_s_cm2: Sequence[float],
    tc_K: Sequence[float],
    *,
    n_s_err: Sequence[float] | None = None,
    tc_err: Sequence[float] | None = None,
    slope_K_cm2: float | None = None,
    n_critical_cm2: float | None = None,
    labels: Sequence[str] | None = None,
    criterion: float | None = 0.5,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 2(c): Tc against n_s with the fitted line and its n_s intercept.

    The line Tc = a (n_s - n_c) is drawn from n_c to beyond the data; n_c
    (the critical density) is marked on the axis.
    """
    ax = new_axes(ax)
    with style():
        x = _arr(n_s_cm2) / 1e13
        y = _arr(tc_K)
        xe = _yerr(None if n_s_err is None else _arr(n_s_err) / 1e13)
        ax.errorbar(
            x,
            y,
            yerr=_yerr(tc_err),
            xerr=xe,
            fmt="o",
            color=COLORS[0],
            ms=5,
            mfc="white",
            mew=1.2,
            zorder=3,
            label=f"$T_c$ ({criterion:g} $R_N$)" if criterion else "$T_c$",
        )
        if labels:
            for xi, yi, lab in zip(x, y, labels, strict=False):
                ax.annotate(lab, (xi, yi), xytext=(4, -9), textcoords="offset points", fontsize=6.5)
        if slope_K_cm2 is not None and n_critical_cm2 is not None and math.isfinite(slope_K_cm2):
            nc = n_critical_cm2 / 1e13
            lo = min(nc, float(np.nanmin(x))) if math.isfinite(nc) else float(np.nanmin(x))
            xx = np.linspace(lo, float(np.nanmax(x)) * 1.05, 50)
            ax.plot(
                xx,
                slope_K_cm2 * 1e13 * (xx - nc),
                color=GUIDE,
                lw=1.0,
                label=f"slope {slope_K_cm2 / 1e-14:.3g}" + r"$\times10^{-14}$ K cm$^2$",
            )
            if math.isfinite(nc):
                ax.plot([nc], [0], marker="v", color=GUIDE, ms=6, clip_on=False, zorder=4)
                ax.annotate(
                    f"$n_c$ = {nc:.2f}" + r"$\times10^{13}$",
                    (nc, 0),
                    xytext=(4, 6),
                    textcoords="offset points",
                    fontsize=7,
                    color=GUIDE,
                )
        ax.set_xlabel(r"$n_s$ ($10^{13}$ cm$^{-2}$)")
        ax.set_ylabel("$T_c$ (K)")
        ax.set_ylim(bottom=0)
        ax.set_xlim(left=0)
        ax.legend(loc="upper left")
    return ax


def plot_rt_orientations(
    curves: Sequence[tuple[Any, Any]],
    labels: Sequence[str],
    *,
    xlim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 2(d): R_s(T) (Ohm) of samples of different orientations."""
    ax = new_axes(ax)
    with style():
        for i, ((t, r), lab) in enumerate(zip(curves, labels, strict=True)):
            ax.plot(t, r, color=COLORS[i % len(COLORS)], label=lab)
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$R_s$ ($\Omega$)")
        if xlim:
            ax.set_xlim(*xlim)
        ax.set_ylim(bottom=0)
        ax.legend()
    return ax


# --------------------------------------------------------------------------- Fig. 3


def _iv_units(curves: Sequence[tuple[Any, Any]]) -> tuple[float, str, float, str]:
    imax = max((float(np.nanmax(np.abs(_arr(i)))) for i, _ in curves), default=1.0)
    vmax = max((float(np.nanmax(np.abs(_arr(v)))) for _, v in curves), default=1.0)

    def pick(x: float, base: str) -> tuple[float, str]:
        for f, p in ((1e9, "n"), (1e6, r"$\mu$"), (1e3, "m"), (1.0, "")):
            if x * f < 2000:
                return f, p + base
        return 1.0, base

    fi, ui = pick(imax, "A")
    fv, uv = pick(vmax, "V")
    return fi, ui, fv, uv


def plot_iv(
    curves: Sequence[tuple[Any, Any]],
    temperatures_K: Sequence[float],
    *,
    log: bool = False,
    fits: Sequence[dict[str, Any] | None] | None = None,
    guide_alpha: float | None = 3.0,
    noise_V: Sequence[float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 3(a, b): I-V curves at several T, linear or log-log.

    Parameters
    ----------
    curves : list of (I, V)
        Current (A) and voltage (V) of each curve.
    temperatures_K : list of float
        The temperature of each curve (colours, plasma, with a colour bar).
    log : bool
        Log-log of |V| against |I| (positive-current branch), Fig. 3(b).
    fits : list of dict, optional
        Per curve ``{"alpha", "log10_prefactor", "window": [I_lo, I_hi]}``
        (V = 10^p I^alpha, SI): drawn as black lines over their windows.
    guide_alpha : float, optional
        The V ~ I^3 guide (red dashed) on the log-log panel.
    noise_V : list of float, optional
        Voltage noise of each curve: the log-log panel drops points below
        3 sigma (zero-voltage plateau noise would fill the plot).
    """
    ax = new_axes(ax)
    with style():
        if log:
            pos = []
            for k, (i, v) in enumerate(curves):
                i, v = _arr(i), _arr(v)
                m = (i > 0) & (v > 0) & np.isfinite(i) & np.isfinite(v)
                if noise_V is not None and k < len(noise_V) and math.isfinite(noise_V[k]):
                    m &= v > 3 * noise_V[k]
                o = np.argsort(i[m], kind="stable")
                pos.append((i[m][o], v[m][o]))
            _family(
                ax,
                pos,
                temperatures_K,
                cmap="plasma",
                clabel="T (K)",
                marker="o",
            )
            ax.set_xscale("log")
            ax.set_yscale("log")
            if fits:
                for f in fits:
                    if not f or f.get("alpha") is None or f.get("log10_prefactor") is None:
                        continue
                    w = f.get("window")
                    if not w or w[0] is None or w[1] is None:
                        continue
                    xx = np.geomspace(float(w[0]), float(w[1]), 20)
                    ax.plot(
                        xx,
                        10 ** float(f["log10_prefactor"]) * xx ** float(f["alpha"]),
                        color=FIT,
                        lw=0.9,
                    )
            if guide_alpha and pos:
                allv = np.concatenate([v for _, v in pos if v.size]) if pos else np.array([])
                alli = np.concatenate([i for i, _ in pos if i.size]) if pos else np.array([])
                if alli.size and allv.size:
                    i0, i1 = np.nanpercentile(alli, 35), np.nanmax(alli)
                    v0 = np.nanpercentile(allv, 30)
                    xx = np.geomspace(i0, i1, 10)
                    ax.plot(
                        xx,
                        v0 * (xx / i0) ** guide_alpha,
                        ls="--",
                        color=GUIDE,
                        lw=1.3,
                        label=rf"$V\propto I^{{{guide_alpha:g}}}$",
                    )
                    ax.legend(loc="upper left")
            ax.set_xlabel("I (A)")
            ax.set_ylabel("V (V)")
        else:
            fi, ui, fv, uv = _iv_units(curves)
            _family(ax, curves, temperatures_K, cmap="plasma", clabel="T (K)", xscale=fi, yscale=fv)
            ax.axhline(0, color="0.7", lw=0.5)
            ax.set_xlabel(f"I ({ui})")
            ax.set_ylabel(f"V ({uv})")
    return ax


def plot_alpha(
    temperatures_K: Sequence[float],
    alpha: Sequence[float],
    *,
    alpha_err: Sequence[float] | None = None,
    t_bkt_K: float | None = None,
    t_bkt_err: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 3(c): the power-law exponent alpha(T) with alpha = 3 and T_BKT."""
    ax = new_axes(ax)
    with style():
        ax.errorbar(
            temperatures_K,
            alpha,
            yerr=_yerr(alpha_err),
            fmt="o",
            color=COLORS[0],
            ms=4.5,
            mfc="white",
            mew=1.1,
        )
        ax.axhline(3.0, color=GUIDE, ls="--", lw=1.0, label=r"$\alpha = 3$")
        ax.axhline(1.0, color="0.6", ls=":", lw=0.8)
        if t_bkt_K is not None and math.isfinite(t_bkt_K):
            lab = f"$T_{{BKT}}$ = {t_bkt_K:.3f}"
            if t_bkt_err is not None and math.isfinite(t_bkt_err):
                lab = f"$T_{{BKT}}$ = {t_bkt_K:.4f} ± {t_bkt_err:.1g}"
            ax.axvline(t_bkt_K, color=FIT, lw=0.9, label=lab + " K")
            if t_bkt_err is not None and math.isfinite(t_bkt_err):
                ax.axvspan(t_bkt_K - t_bkt_err, t_bkt_K + t_bkt_err, color="0.85", lw=0)
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$\alpha$  ($V \propto I^{\alpha}$)")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper right")
    return ax


def plot_hn_linearised(
    t_K: Sequence[float],
    y: Sequence[float],
    *,
    b: float | None = None,
    t_bkt_K: float | None = None,
    window_K: Sequence[float] | None = None,
    line: tuple[Any, Any] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 3(d): [d ln R/dT]^(-2/3) against T with the Halperin-Nelson line.

    Parameters
    ----------
    t_K, y : arrays
        Temperature (K) and [d ln R_s/dT]^(-2/3) (K^(2/3)).
    b, t_bkt_K : float, optional
        The Halperin-Nelson parameters; the line
        (2/b)^(2/3) T_BKT^(2/3) (T/T_BKT - 1) crosses zero at T_BKT.
    window_K : (lo, hi), optional
        The fitted window, shaded.
    line : (T, y), optional
        The fitted straight line as the analysis drew it; else it is drawn
        from ``b`` and ``t_bkt_K``.
    """
    from ..physics import hn_linearized

    ax = new_axes(ax)
    with style():
        t, yy = _arr(t_K), _arr(y)
        ax.plot(t, yy, "o", color=COLORS[0], ms=3, mfc="white", mew=0.8)
        if window_K is not None and None not in tuple(window_K):
            ax.axvspan(float(window_K[0]), float(window_K[1]), color="0.9", lw=0, zorder=0)
        have_t = t_bkt_K is not None and math.isfinite(t_bkt_K)
        if have_t and (line is not None or (b is not None and math.isfinite(b))):
            hi = (
                float(window_K[1])
                if window_K is not None and window_K[1] is not None
                else float(np.nanmax(t))
            )
            if line is not None:
                lx, ly = _arr(line[0]), _arr(line[1])
                # extend the drawn line down to the T axis
                slope = (
                    (ly[-1] - ly[0]) / (lx[-1] - lx[0])
                    if lx.size > 1 and lx[-1] != lx[0]
                    else math.nan
                )
                if math.isfinite(slope) and slope != 0:
                    xl = np.linspace(t_bkt_K, max(hi, float(lx.max())), 50)
                    yl = ly[0] + slope * (xl - lx[0])
                else:
                    xl, yl = lx, ly
            else:
                xl = np.linspace(t_bkt_K, hi, 50)
                yl = hn_linearized(xl, b, t_bkt_K)
            ax.plot(xl, yl, color=GUIDE, lw=1.1, label=f"$T_{{BKT}}$ = {t_bkt_K:.3f} K")
            ax.plot([t_bkt_K], [0], marker="^", color=GUIDE, ms=6, clip_on=False)
            ax.legend(loc="upper left")
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$[d\,\ln R_s/dT]^{-2/3}$ (K$^{2/3}$)")
        top = None
        if window_K is not None and None not in tuple(window_K):
            # frame the linear section: the curve shoots up towards Tc0 and is
            # noise below T_BKT, so show T_BKT .. the window plus a margin
            w0, w1 = float(window_K[0]), float(window_K[1])
            lo = min(w0, t_bkt_K) if t_bkt_K is not None and math.isfinite(t_bkt_K) else w0
            span = max(w1 - lo, 1e-6)
            ax.set_xlim(lo - 0.6 * span, w1 + 0.6 * span)
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(5))
            inside = np.isfinite(yy) & (t >= w0) & (t <= w1)
            if inside.any():
                top = 2.0 * float(np.nanmax(yy[inside]))
        ax.set_ylim(0, top)
    return ax


def plot_field_family(
    curves: Sequence[tuple[Any, Any]],
    fields_T: Sequence[float],
    *,
    direction: str = "perp",
    xlim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 3(e, f): R_s(T) in out-of-plane (``perp``) or in-plane (``par``) fields."""
    ax = new_axes(ax)
    with style():
        f = _arr(fields_T)
        scale, unit = (1e3, "mT") if np.nanmax(np.abs(f)) < 0.1 else (1.0, "T")
        sym = r"\perp" if direction == "perp" else r"\parallel"
        _family(ax, curves, f * scale, cmap="plasma", clabel=rf"$\mu_0H_{{{sym}}}$ ({unit})")
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$R_s$ ($\Omega$)")
        if xlim:
            ax.set_xlim(*xlim)
        ax.set_ylim(bottom=0)
    return ax


def plot_hc2(
    perp: tuple[Any, ...] | None = None,
    par: tuple[Any, ...] | None = None,
    *,
    xi_gl_m: float | None = None,
    d_sc_m: float | None = None,
    tc_perp_K: float | None = None,
    tc_par_K: float | None = None,
    pauli: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 3(g): mu0 Hc2(T) out of plane (left axis, mT) and in plane (right, T).

    Parameters
    ----------
    perp, par : (T, B, B_stderr[, T_stderr]), optional
        Hc2 points (K, T, T, K) from the perpendicular and parallel families.
    xi_gl_m, d_sc_m : float, optional
        GL coherence length and thickness (m): the dashed GL curves
        Phi0/(2 pi xi^2)(1 - T/Tc) and sqrt(12) Phi0/(2 pi xi d)(1 - T/Tc)^(1/2).
    tc_perp_K, tc_par_K : float, optional
        Zero-field Tc of each GL fit.
    pauli : (T, B), optional
        The Pauli limit B_P, drawn as a red dot at T = 0 on the in-plane axis.

    Returns
    -------
    Axes
        The out-of-plane axes (the in-plane one is its ``twinx``).
    """
    from ..physics import gl_hc2_par, gl_hc2_perp

    ax = new_axes(ax)
    with style():
        c_perp, c_par = COLORS[0], COLORS[1]
        tmax = 0.0
        handles = []
        ax2 = ax.twinx()
        for pts, col, lab, mk, a, sc in (
            (perp, c_perp, r"$H_{c2\perp}$", "o", ax, 1e3),
            (par, c_par, r"$H_{c2\parallel}$", "s", ax2, 1.0),
        ):
            if pts is None:
                continue
            t, b, e = (_arr(v) for v in pts[:3])
            te = _arr(pts[3]) if len(pts) > 3 else None
            if t.size:
                tmax = max(tmax, float(np.nanmax(t)))
            h = a.errorbar(
                t,
                b * sc,
                yerr=_yerr(e * sc),
                xerr=_yerr(te),
                fmt=mk,
                color=col,
                ms=4.5,
                mfc="white",
                mew=1.1,
                label=lab,
            )
            handles.append(h)
        ok = lambda *v: all(x is not None and math.isfinite(x) and x > 0 for x in v)  # noqa: E731
        if ok(xi_gl_m, tc_perp_K):
            tt = np.linspace(0, tc_perp_K, 100)
            (h,) = ax.plot(
                tt,
                gl_hc2_perp(tt, xi_gl_m, tc_perp_K) * 1e3,
                "--",
                color=c_perp,
                lw=1.0,
                label="GL fits",
            )
            handles.append(h)
            tmax = max(tmax, tc_perp_K)
        if ok(xi_gl_m, d_sc_m, tc_par_K):
            tt = np.linspace(0, tc_par_K, 300)
            ax2.plot(tt, gl_hc2_par(tt, xi_gl_m, d_sc_m, tc_par_K), "--", color=c_par, lw=1.0)
            tmax = max(tmax, tc_par_K)
        if pauli is not None and math.isfinite(pauli[1]):
            (h,) = ax2.plot(
                [0],
                [pauli[1]],
                "o",
                color=GUIDE,
                ms=7,
                clip_on=False,
                zorder=5,
                label=rf"Pauli limit {pauli[1]:.3g} T",
            )
            handles.append(h)
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$\mu_0H_{c2\perp}$ (mT)", color=c_perp)
        ax2.set_ylabel(r"$\mu_0H_{c2\parallel}$ (T)", color=c_par)
        ax.tick_params(axis="y", colors=c_perp, which="both", right=False)
        ax2.tick_params(axis="y", colors=c_par, which="both", direction="in")
        ax2.minorticks_on()
        ax.set_xlim(0, tmax * 1.05 if tmax > 0 else None)
        ax.set_ylim(bottom=0)
        ax2.set_ylim(bottom=0)
        if pauli is not None and math.isfinite(pauli[1]):
            _lo, hi = ax2.get_ylim()
            ax2.set_ylim(0, max(hi, pauli[1] * 1.1))
        ax.legend(handles=handles, loc="upper right")
    return ax


# --------------------------------------------------------------------------- Fig. 4


def plot_gate_rt(
    curves: Sequence[tuple[Any, Any]],
    vg_V: Sequence[float],
    *,
    xlim: tuple[float, float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 4(a): R_s(T) at each back-gate voltage (viridis by V_G)."""
    ax = new_axes(ax)
    with style():
        _family(ax, curves, vg_V, cmap="viridis", clabel=r"$V_G$ (V)")
        ax.set_xlabel("T (K)")
        ax.set_ylabel(r"$R_s$ ($\Omega$)")
        if xlim:
            ax.set_xlim(*xlim)
        ax.set_ylim(bottom=0)
    return ax


def plot_gate_ns_mu(
    vg_V: Sequence[float],
    n_s_cm2: Sequence[float],
    mobility_cm2_per_Vs: Sequence[float] | None = None,
    *,
    n_s_err: Sequence[float] | None = None,
    mobility_err: Sequence[float] | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 4(b): n_s (left axis) and Hall mobility (right axis) against V_G."""
    ax = new_axes(ax)
    with style():
        v = _arr(vg_V)
        o = np.argsort(v, kind="stable")
        ns = _arr(n_s_cm2) / 1e13
        ne = None if n_s_err is None else _arr(n_s_err) / 1e13
        ax.errorbar(
            v[o],
            ns[o],
            yerr=_yerr(None if ne is None else ne[o]),
            fmt="o-",
            color=COLORS[0],
            ms=4.5,
            label="$n_s$",
        )
        ax.set_xlabel(r"$V_G$ (V)")
        ax.set_ylabel(r"$n_s$ ($10^{13}$ cm$^{-2}$)", color=COLORS[0])
        ax.tick_params(axis="y", colors=COLORS[0], which="both", right=False)
        if mobility_cm2_per_Vs is not None and np.any(np.isfinite(_arr(mobility_cm2_per_Vs))):
            ax2 = ax.twinx()
            mu = _arr(mobility_cm2_per_Vs)
            me = None if mobility_err is None else _arr(mobility_err)
            ax2.errorbar(
                v[o],
                mu[o],
                yerr=_yerr(None if me is None else me[o]),
                fmt="s-",
                color=COLORS[1],
                ms=4.5,
                mfc="white",
                label=r"$\mu$",
            )
            ax2.set_ylabel(r"$\mu$ (cm$^2$/Vs)", color=COLORS[1])
            ax2.tick_params(axis="y", colors=COLORS[1], which="both", direction="in")
            ax2.minorticks_on()
    return ax


def plot_dome(
    vg_V: Sequence[float],
    tc_K: Sequence[float],
    *,
    tc_err: Sequence[float] | None = None,
    peak_V: float | None = None,
    peak_err: float | None = None,
    criterion: float | None = 0.5,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 4(c): midpoint Tc against V_G (the dome) with its peak."""
    ax = new_axes(ax)
    with style():
        v = _arr(vg_V)
        o = np.argsort(v, kind="stable")
        t = _arr(tc_K)
        te = None if tc_err is None else _arr(tc_err)[o]
        ax.errorbar(
            v[o],
            t[o],
            yerr=_yerr(te),
            fmt="o-",
            color=COLORS[0],
            ms=5,
            mfc="white",
            mew=1.2,
            label=f"$T_c$ ({criterion:g} $R_N$)" if criterion else "$T_c$",
        )
        if peak_V is not None and math.isfinite(peak_V):
            lab = f"peak {peak_V:+.0f}"
            if peak_err is not None and math.isfinite(peak_err):
                lab += f" ± {peak_err:.2g}"
            ax.axvline(peak_V, color=GUIDE, lw=1.0, ls="--", label=lab + " V")
            if peak_err is not None and math.isfinite(peak_err):
                ax.axvspan(peak_V - peak_err, peak_V + peak_err, color="#f6d5d5", lw=0, zorder=0)
        ax.set_xlabel(r"$V_G$ (V)")
        ax.set_ylabel("$T_c$ (K)")
        ax.legend(loc="best")
    return ax


def plot_gate_iv(
    curves: Sequence[tuple[Any, Any]],
    vg_V: Sequence[float],
    *,
    temperature_K: float | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Fig. 4(d): I-V curves at each gate voltage (viridis by V_G)."""
    ax = new_axes(ax)
    with style():
        fi, ui, fv, uv = _iv_units(curves)
        _family(ax, curves, vg_V, cmap="viridis", clabel=r"$V_G$ (V)", xscale=fi, yscale=fv)
        ax.axhline(0, color="0.7", lw=0.5)
        ax.set_xlabel(f"I ({ui})")
        ax.set_ylabel(f"V ({uv})")
        if temperature_K:
            _note(ax, f"T = {temperature_K * 1e3:.0f} mK")
    return ax


# --------------------------------------------------------------------------- literature


def plot_literature(
    rows: Sequence[dict[str, Any]],
    mine: Sequence[dict[str, Any]],
    *,
    x: str = "d_sc_nm",
    y: str = "xi_gl_nm",
    xlabel: str = r"$d_{SC}$ (nm)",
    ylabel: str = r"$\xi_{GL}$ (nm)",
    ax: Axes | None = None,
) -> Axes:
    """The sample beside the literature: ``y`` against ``x`` for every entry.

    Parameters
    ----------
    rows : list of dict
        Literature entries with ``label`` (short system name), ``x`` and ``y``
        keys (numbers or None); entries missing either are skipped.
    mine : list of dict
        The user's samples (same keys), drawn as red stars.
    """
    ax = new_axes(ax)
    with style():
        groups: dict[str, list[tuple[float, float]]] = {}
        for r in rows:
            xv, yv = _est(r.get(x))[0], _est(r.get(y))[0]
            if math.isfinite(xv) and math.isfinite(yv):
                groups.setdefault(str(r.get("group") or r.get("label") or ""), []).append((xv, yv))
        markers = "osD^vP<>"
        for i, (g, pts) in enumerate(sorted(groups.items())):
            a = np.array(pts)
            ax.plot(
                a[:, 0],
                a[:, 1],
                markers[i % len(markers)],
                color=COLORS[i % len(COLORS)],
                ms=5,
                mfc="none",
                mew=1.1,
                label=g.replace("$", r"\$"),
            )
        for m in mine:
            xv, xe = _est(m.get(x))
            yv, ye = _est(m.get(y))
            if math.isfinite(xv) and math.isfinite(yv):
                ax.errorbar(
                    [xv],
                    [yv],
                    xerr=_yerr([xe]),
                    yerr=_yerr([ye]),
                    fmt="*",
                    color=GUIDE,
                    ms=11,
                    zorder=5,
                    label=str(m.get("label", "this work")).replace("$", r"\$"),
                )
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.set_xlim(0, ax.get_xlim()[1] * 1.08)
        ax.set_ylim(0, ax.get_ylim()[1] * 1.08)
        ax.legend(fontsize=6, loc="best", ncol=1)
    return ax


def plot_literature_tc(
    rows: Sequence[dict[str, Any]],
    mine: Sequence[dict[str, Any]],
    *,
    ax: Axes | None = None,
) -> Axes:
    """Tc by crystal orientation: published systems beside this report's samples.

    Parameters
    ----------
    rows : list of dict
        Literature entries with ``orientation`` (``"001"``...), ``tc_K`` and
        ``kind`` (``interface``/``gated surface``) and ``label``.
    mine : list of dict
        The user's samples (``orientation``, ``tc_K`` as number or estimate),
        drawn as red stars.
    """
    ax = new_axes(ax)
    with style():
        orients = sorted(
            {str(r.get("orientation") or "") for r in [*rows, *mine]} - {""},
            key=lambda o: ({"001": 0, "110": 1, "111": 2}.get(o, 9), o),
        )
        pos = {o: i for i, o in enumerate(orients)}
        kinds: dict[str, int] = {}
        for r in rows:
            o = str(r.get("orientation") or "")
            tv = _est(r.get("tc_K"))[0]
            if o not in pos or not math.isfinite(tv) or tv <= 0:
                continue
            k = str(r.get("kind") or "published")
            kinds.setdefault(k, len(kinds))
            i = kinds[k]
            ax.plot(
                pos[o] - 0.12 + 0.08 * i,
                tv,
                "osD^"[i % 4],
                color=COLORS[i % len(COLORS)],
                ms=5,
                mfc="none",
                mew=1.1,
                label=k if k not in ax.get_legend_handles_labels()[1] else None,
            )
        first = True
        for m in mine:
            o = str(m.get("orientation") or "")
            tv, te = _est(m.get("tc_K"))
            if o not in pos or not math.isfinite(tv) or tv <= 0:
                continue
            ax.errorbar(
                [pos[o] + 0.15],
                [tv],
                yerr=_yerr([te]),
                fmt="*",
                color=GUIDE,
                ms=9,
                zorder=5,
                label="this work" if first else None,
            )
            first = False
        ax.set_xticks(range(len(orients)), [f"({o})" for o in orients])
        ax.tick_params(axis="x", which="minor", bottom=False, top=False)
        ax.set_xlim(-0.5, len(orients) - 0.5)
        ax.set_yscale("log")
        ax.set_xlabel("orientation")
        ax.set_ylabel("$T_c$ (K)")
        ax.legend(loc="upper left", fontsize=6.5)
    return ax
