"""The self-contained HTML report: one file, stdlib only.

Images are embedded as base64 PNG data URIs, the CSS is inline (with a print
stylesheet), there is no JavaScript and no external link is needed to render
the page. Every piece of user-provided text (title, sample names, file
names, column names, flags) goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FigureEntry", "fmt_estimate", "render_html"]


@dataclass
class FigureEntry:
    """A figure of the report.

    Parameters
    ----------
    name : str
        File stem (``fig2a_rt_normalised``).
    title : str
        Short title (``Normalised R(T) family``).
    caption : str
        Full caption (plain text; escaped), stating criterion and window.
    png : bytes
        The PNG to embed.
    files : list of str
        Paths of the saved files, relative to the report folder.
    panel : str
        The study's panel it reproduces (``Fig. 2(a)``).
    """

    name: str
    title: str
    caption: str
    png: bytes
    files: list[str] = field(default_factory=list)
    panel: str = ""


def esc(x: Any) -> str:
    """HTML-escape any value (quotes too)."""
    return html.escape("" if x is None else str(x), quote=True)


def _num(v: float, digits: int = 4) -> str:
    if not math.isfinite(v):
        return "–"
    a = abs(v)
    if a != 0 and (a >= 1e5 or a < 1e-3):
        m, e = f"{v:.{digits - 1}e}".split("e")
        return f"{m}×10<sup>{int(e)}</sup>"
    return f"{v:.{digits}g}"


def fmt_estimate(x: Any, scale: float = 1.0, unit: str = "", html_out: bool = True) -> str:
    """``value ± stderr unit`` with the stderr rounded to 2 significant digits.

    ``x`` is a JSON estimate (dict or number), an Estimate or None; ``scale``
    converts to the display unit. Missing values give an en dash; a flagged
    estimate gets a dagger (the flag goes to the cell's title).
    """
    if x is None:
        return "–"
    if isinstance(x, Mapping):
        v, s = x.get("value"), x.get("stderr")
    elif hasattr(x, "value"):
        v, s = x.value, getattr(x, "stderr", None)
    else:
        v, s = x, None
    try:
        v = math.nan if v is None else float(v) * scale
        s = math.nan if s is None else abs(float(s) * scale)
    except (TypeError, ValueError):
        return esc(x)
    if not math.isfinite(v):
        return "–"
    if math.isfinite(s) and s > 0:
        exp = math.floor(math.log10(s)) - 1
        dec = max(0, -exp)
        a = abs(v)
        if a != 0 and (a >= 1e5 or a < 1e-3):
            e = math.floor(math.log10(a))
            m, ms = v / 10**e, s / 10**e
            d2 = max(0, -(math.floor(math.log10(ms)) - 1)) if ms > 0 else 2
            core = f"({m:.{d2}f} ± {ms:.{d2}f})×10<sup>{e}</sup>"
        else:
            core = f"{v:.{dec}f} ± {s:.{dec}f}"
    else:
        core = _num(v)
    if not html_out:
        core = core.replace("<sup>", "^").replace("</sup>", "")
    return f"{core} {esc(unit)}".strip()


def _flag(x: Any) -> str:
    if isinstance(x, Mapping) and x.get("flag"):
        return str(x["flag"])
    return ""


def _cell(x: Any, scale: float = 1.0, unit: str = "") -> str:
    text = fmt_estimate(x, scale, unit)
    flag = _flag(x)
    method = x.get("method", "") if isinstance(x, Mapping) else ""
    title = "; ".join(t for t in (method, flag) if t)
    mark = ' <span class="flag">†</span>' if flag else ""
    if title:
        return f'<td title="{esc(title)}">{text}{mark}</td>'
    return f"<td>{text}{mark}</td>"


CSS = """
:root { --ink:#1b1f24; --muted:#5a6470; --rule:#d6dbe1; --accent:#0b5cab; --bg:#ffffff; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); background: var(--bg); margin: 0 auto; max-width: 1180px;
       padding: 1.2rem 1.6rem 3rem; }
h1 { font-size: 1.6rem; margin: 0.2rem 0 0.2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 0.6rem; padding-bottom: 0.2rem;
     border-bottom: 1px solid var(--rule); }
h3 { font-size: 1rem; margin: 1.2rem 0 0.4rem; }
p.sub { color: var(--muted); margin: 0 0 1rem; }
nav { font-size: 0.9rem; margin: 0.6rem 0 1rem; }
nav a { color: var(--accent); margin-right: 0.9rem; text-decoration: none; }
table { border-collapse: collapse; margin: 0.4rem 0 1rem; font-size: 0.88rem; }
th, td { padding: 0.25rem 0.6rem; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.mine td { background: #fff4e0; font-weight: 600; }
.scroll { overflow-x: auto; }
.flag { color: #b3261e; }
.err { color: #b3261e; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(440px, 1fr)); gap: 1.2rem; }
figure { margin: 0; padding: 0.6rem; border: 1px solid var(--rule); border-radius: 4px;
         background: #fff; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.82rem; color: var(--ink); margin-top: 0.4rem; }
figcaption b { color: var(--accent); }
figcaption .files { color: var(--muted); font-size: 0.75rem; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
              font-size: 0.82em; word-break: break-all; }
footer { margin-top: 2.5rem; color: var(--muted); font-size: 0.8rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  .grid { display: block; }
  figure { width: 48%; display: inline-block; vertical-align: top; margin: 0 1% 0.8rem 0;
           border: none; padding: 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  table { font-size: 8pt; }
  .scroll { overflow: visible; }
  a { color: inherit; text-decoration: none; }
}
"""


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    num_from: int = 1,
    classes: Sequence[str] | None = None,
    num_cols: set[int] | None = None,
) -> str:
    """Rows are already-escaped HTML cells (``<td>...</td>`` or plain text).

    Columns ``num_cols`` (default: from ``num_from`` on) are right-aligned.
    """

    def is_num(i: int) -> bool:
        return i in num_cols if num_cols is not None else i >= num_from

    out = ['<div class="scroll"><table><thead><tr>']
    for i, h in enumerate(header):
        cls = ' class="num"' if is_num(i) else ""
        out.append(f"<th{cls}>{h}</th>")
    out.append("</tr></thead><tbody>")
    for k, r in enumerate(rows):
        cls = f' class="{classes[k]}"' if classes and classes[k] else ""
        out.append(f"<tr{cls}>")
        for i, c in enumerate(r):
            if c.startswith("<td"):
                if is_num(i):
                    c = c.replace("<td", '<td class="num"', 1)
                out.append(c)
            else:
                cl = ' class="num"' if is_num(i) else ""
                out.append(f"<td{cl}>{c}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def render_html(
    results: Mapping[str, Any],
    figures: Sequence[FigureEntry],
    *,
    headline: Sequence[tuple[str, Any, str, str]] = (),
    sample_rows: tuple[Sequence[str], Sequence[Sequence[str]]] | None = None,
    literature: tuple[Sequence[str], Sequence[Sequence[Any]], Sequence[bool]] | None = None,
    tables: Sequence[tuple[str, str]] = (),
    run_info: Mapping[str, Any] | None = None,
    figure_errors: Sequence[str] = (),
    figure_note: str = "",
) -> str:
    """The report page.

    Parameters
    ----------
    results : mapping
        The ``results.json`` object.
    figures : list of FigureEntry
    headline : list of (quantity, estimate, unit label, source)
        The summary table: estimate is a JSON estimate already in the display
        unit; ``source`` says which sample/analysis it comes from.
    sample_rows : (header, rows), optional
        Per-sample table; cells are HTML (already escaped / formatted).
    literature : (header, rows, is_mine), optional
        The literature comparison; plain values (escaped here); rows with
        ``is_mine`` True are highlighted.
    tables : list of (file, description)
        CSV files written beside the report.
    run_info : mapping, optional
        Execution details (generated at, workers, timings) for provenance.
    figure_errors : list of str
        Figures that could not be drawn, with the reason.
    figure_note : str
        A sentence above the figures (how curves are drawn).
    """
    title = results.get("title") or "sc2d report"
    crit = results.get("criterion")
    normal_at = results.get("normal_at_K")
    prov = results.get("provenance") or {}
    parts: list[str] = []
    w = parts.append
    w('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{esc(title)} · sc2d report</title>")
    w(f"<style>{CSS}</style></head><body>")
    w(f"<h1>{esc(title)}</h1>")
    ref = f"R({esc(normal_at)} K)" if normal_at is not None else "the normal-state resistance R_N"
    crit_txt = f"{esc(crit)}" if crit is not None else "0.5"
    w(
        f'<p class="sub">Transport analysis by sc2d {esc(prov.get("sc2d_version", ""))}. '
        f"T<sub>c</sub> is where R<sub>s</sub> falls to {crit_txt} of {ref} unless a caption "
        f"says otherwise; uncertainties are one standard error.</p>"
    )
    w(
        '<nav><a href="#summary">Summary</a><a href="#samples">Samples</a>'
        '<a href="#figures">Figures</a><a href="#literature">Literature</a>'
        '<a href="#data">Data tables</a><a href="#provenance">Provenance</a></nav>'
    )

    # ---- summary
    w('<h2 id="summary">Summary of headline numbers</h2>')
    if headline:
        rows = [[esc(q), _cell(est), esc(unit), esc(src)] for q, est, unit, src in headline]
        w(_table(["quantity", "value ± stderr", "unit", "from"], rows, num_cols={1}))
        w('<p class="sub">† flagged estimate (hover for the reason); – not available.</p>')
    else:
        w("<p>No headline number could be extracted.</p>")
    errors = [
        (s.get("name", ""), k, v["error"])
        for s in results.get("samples", [])
        for k, v in s.items()
        if isinstance(v, Mapping) and "error" in v
    ]
    for k in ("tc_vs_ns",):
        v = results.get(k)
        if isinstance(v, Mapping) and "error" in v:
            errors.append(("all samples", k, v["error"]))
    if errors:
        w("<h3>Analyses that failed</h3><ul>")
        for name, key, msg in errors:
            w(f'<li class="err"><b>{esc(name)}</b> / {esc(key)}: {esc(msg)}</li>')
        w("</ul>")

    # ---- samples
    w('<h2 id="samples">Samples</h2>')
    if sample_rows is not None:
        n = len(sample_rows[0])
        w(_table(sample_rows[0], sample_rows[1], num_cols=set(range(2, n - 1))))

    # ---- figures
    w('<h2 id="figures">Figures</h2>')
    if figure_note:
        w(f'<p class="sub">{esc(figure_note)}</p>')
    if figure_errors:
        w("<ul>")
        for e in figure_errors:
            w(f'<li class="err">{esc(e)}</li>')
        w("</ul>")
    w('<div class="grid">')
    for f in figures:
        b64 = base64.b64encode(f.png).decode("ascii")
        files = " · ".join(f"<code>{esc(p)}</code>" for p in f.files)
        panel = f"{esc(f.panel)} " if f.panel else ""
        w(
            f'<figure id="{esc(f.name)}"><img src="data:image/png;base64,{b64}" '
            f'alt="{esc(f.title)}" width="600">'
            f"<figcaption><b>{panel}{esc(f.title)}.</b> {esc(f.caption)}"
            f'<br><span class="files">{files}</span></figcaption></figure>'
        )
    w("</div>")

    # ---- literature
    w('<h2 id="literature">Comparison with the literature</h2>')
    if literature is not None and literature[1]:
        header, rows, mine = literature
        cells = [[esc(_lit_cell(c)) for c in r] for r in rows]
        w(
            _table(
                [esc(h) for h in header],
                cells,
                num_cols={i for i, h in enumerate(header) if "(" in h},
                classes=["mine" if m else "" for m in mine],
            )
        )
        w('<p class="sub">Highlighted rows: the samples of this report.</p>')
    else:
        w("<p>The literature table is not available in this installation.</p>")

    # ---- data
    w('<h2 id="data">Data tables (CSV)</h2><ul>')
    w("<li><code>results.json</code>: every estimate with stderr, method and window</li>")
    for name, desc in tables:
        w(f"<li><code>{esc(name)}</code>: {esc(desc)}</li>")
    w("</ul>")

    # ---- provenance
    w('<h2 id="provenance">Provenance</h2>')
    opts = prov.get("options") or {}
    info = [
        ("sc2d version", prov.get("sc2d_version")),
        (
            "Python / NumPy / SciPy",
            f"{prov.get('python')} / {prov.get('numpy')} / {prov.get('scipy')}",
        ),
        ("sample-set file", f"{prov.get('config')} (sha256 {prov.get('config_sha256')})"),
        ("options", ", ".join(f"{k} = {v}" for k, v in opts.items())),
    ]
    for k, v in (run_info or {}).items():
        info.append((k, v))
    w(
        _table(
            ["item", "value"],
            [[esc(k), f'<span class="mono">{esc(v)}</span>'] for k, v in info],
            num_from=9,
        )
    )
    files = prov.get("files") or []
    if files:
        rows = [
            [
                esc(f.get("sample")),
                esc(f.get("role")),
                f"<code>{esc(f.get('path'))}</code>",
                esc(f.get("bytes")),
                f"<code>{esc(f.get('sha256'))}</code>",
            ]
            for f in files
        ]
        w("<h3>Input files</h3>")
        w(_table(["sample", "role", "file", "bytes", "sha256"], rows, num_from=9))
    w(
        "<footer>Generated by sc2d. Numbers and methods: <code>results.json</code>; "
        "figures as PNG and SVG beside this file.</footer>"
    )
    w("</body></html>\n")
    return "".join(parts)


def _lit_cell(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        if not math.isfinite(x):
            return ""
        return f"{x:.4g}"
    if isinstance(x, Mapping):  # an estimate of this report: its value, like the literature's
        v = x.get("value")
        return "" if v is None or not math.isfinite(float(v)) else f"{float(v):.4g}"
    return str(x)
