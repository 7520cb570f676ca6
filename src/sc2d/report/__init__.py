"""The report: every number and figure of a sample set, in one folder.

:func:`write_report` runs the campaign (:mod:`sc2d.campaign`), draws the
figures (:mod:`sc2d.report.figures`), writes CSV tables
(:mod:`sc2d.report.tables`) and the self-contained HTML
(:mod:`sc2d.report.html`). Layout of the output folder::

    results.json            every estimate with stderr, method, window, source
    report.html             one self-contained page (figures embedded)
    figures/NAME.png        150 dpi
    figures/NAME.svg        vector (and NAME.pdf with formats=("png","pdf"))
    tables/summary.csv      headline numbers per sample
    tables/tc_vs_ns.csv     Tc at the criterion against n_s
    tables/alpha_T.csv      alpha(T), Ic(T)
    tables/hc2_T.csv        Hc2(T) points
    tables/gate.csv         Tc, n_s, mobility, Ic against V_G

Every file is written atomically (temp file + ``os.replace``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..campaign import CampaignResult, JobOutcome, run_campaign
from ..config import SampleSet
from ._files import atomic_write_bytes, atomic_write_text, prepare_out_dir

__all__ = ["RenderedPanel", "ReportOutput", "render_group", "render_report", "write_report"]


@dataclass
class ReportOutput:
    """What :func:`write_report` wrote.

    Attributes
    ----------
    out_dir : Path
    results_json, report_html : Path
    figures : list of Path
        Every saved figure file (PNG and vector).
    tables : list of Path
    results : dict
        The results.json object.
    errors : list of str
        ``sample/key: message`` for failed analyses, then figure notes.
    timings : dict
        Seconds spent in analyses, figures and writing.
    """

    out_dir: Path
    results_json: Path
    report_html: Path
    figures: list[Path] = field(default_factory=list)
    tables: list[Path] = field(default_factory=list)
    results: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "out_dir": str(self.out_dir),
            "results_json": str(self.results_json),
            "report_html": str(self.report_html),
            "figures": [str(p) for p in self.figures],
            "tables": [str(p) for p in self.tables],
            "errors": list(self.errors),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def results_to_json(results: dict[str, Any]) -> str:
    """The canonical text of results.json (sorted nowhere: order is meaningful)."""
    return json.dumps(results, indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def _sample_rows(results: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    from .html import _cell, esc
    from .summary import tc_at

    ck = format(float(results.get("criterion") or 0.5), "g")
    header = [
        "sample",
        "orientation",
        f"Tc ({esc(ck)} R<sub>N</sub>) (K)",
        "width 90-10% (K)",
        "R<sub>N</sub> (Ω)",
        "n<sub>s</sub> (10<sup>13</sup> cm<sup>-2</sup>)",
        "μ (cm<sup>2</sup>/Vs)",
        "T<sub>BKT</sub> I-V (K)",
        "T<sub>BKT</sub> HN (K)",
        "analyses",
    ]
    rows = []
    for s in results.get("samples", []):
        tc, hall, iv, bkt = (s.get(k) for k in ("tc", "hall", "iv", "bkt"))

        def g(d: Any, k: str) -> Any:
            return d.get(k) if isinstance(d, dict) and "error" not in d else None

        done = [k for k in ("tc", "bkt", "hall", "iv", "hc2", "gate") if k in s]
        bad = [k for k in done if isinstance(s[k], dict) and "error" in s[k]]
        an = ", ".join(
            esc(k) + (' <span class="err">(failed)</span>' if k in bad else "") for k in done
        )
        rows.append(
            [
                esc(s.get("name")),
                esc(s.get("orientation")),
                _cell(tc_at(tc, ck)),
                _cell(g(tc, "width_K")),
                _cell(g(tc, "r_normal_ohm")),
                _cell(g(hall, "n_s_cm2"), 1e-13),
                _cell(g(hall, "mobility_cm2_per_Vs")),
                _cell(g(iv, "t_bkt_K")),
                _cell(g(bkt, "t_bkt_K")),
                f"<td>{an}</td>",
            ]
        )
    return header, rows


_LIT_COLS = [
    ("label", "system"),
    ("orientation", "orientation"),
    ("kind", "kind"),
    ("tc_K", "Tc (K)"),
    ("tc_criterion", "Tc criterion"),
    ("n_s_cm2", "n_s (cm^-2)"),
    ("xi_gl_nm", "ξ_GL (nm)"),
    ("d_sc_nm", "d_SC (nm)"),
    ("t_bkt_K", "T_BKT (K)"),
    ("reference", "reference"),
]


def _literature_table(
    results: dict[str, Any],
) -> tuple[list[str], list[list[Any]], list[bool]] | None:
    from .panels import literature_rows

    try:
        rows, mine = literature_rows(results)
    except ImportError:
        return None
    header = [label for _, label in _LIT_COLS]
    body: list[list[Any]] = []
    flags: list[bool] = []
    for r, is_mine in [(r, False) for r in rows] + [(m, True) for m in mine]:
        body.append([r.get(k) for k, _ in _LIT_COLS])
        flags.append(is_mine)
    return header, body, flags


@dataclass
class RenderedPanel:
    """A figure rendered to bytes (picklable, crosses process boundaries)."""

    name: str
    panel: str
    title: str
    caption: str
    data: dict[str, bytes]


def render_group(
    results: dict[str, Any],
    sample_set: SampleSet,
    objects: dict[Any, Any] | None,
    group: int,
    formats: Sequence[str] = ("png", "svg"),
) -> tuple[list[RenderedPanel], list[str], int]:
    """Draw and render one builder group of :data:`sc2d.report.panels.BUILDERS`.

    Module-level so a process pool can run the groups in parallel.
    """
    from . import figures as F
    from .panels import build_panels

    panels, errors, hidden = build_panels(results, sample_set, objects, groups=[group])
    out = []
    for p in panels:
        data = {"png": F.save_figure(p.figure, "png", dpi=150)}
        for fmt in formats:
            if fmt != "png":
                data[fmt] = F.save_figure(p.figure, fmt)
        out.append(RenderedPanel(p.name, p.panel, p.title, p.caption, data))
    return out, errors, hidden


def render_report(
    results: dict[str, Any],
    sample_set: SampleSet,
    out_dir: str | Path,
    *,
    objects: dict[Any, Any] | None = None,
    formats: Sequence[str] = ("png", "svg"),
    run_info: dict[str, Any] | None = None,
    extra_errors: Sequence[str] = (),
    pool: Any = None,
    figures: bool = True,
) -> ReportOutput:
    """Write figures, tables, results.json and report.html for given results.

    The folder must exist (see :func:`write_report`, which also runs the
    analyses). Files are replaced atomically; report.html is written last.
    With ``pool`` (a process pool) the figure groups render in parallel.
    """
    from .html import FigureEntry, render_html
    from .panels import BUILDERS
    from .summary import headline
    from .tables import TABLES, to_csv

    out = Path(out_dir)
    t0 = time.perf_counter()
    groups = range(len(BUILDERS)) if figures else range(0)
    if pool is not None:
        futs = [pool.submit(render_group, results, sample_set, objects, g, formats) for g in groups]
        parts = [f.result() for f in futs]
    else:
        parts = [render_group(results, sample_set, objects, g, formats) for g in groups]
    entries: list[FigureEntry] = []
    fig_files: list[Path] = []
    fig_errors: list[str] = []
    hidden = 0
    for rendered, errs, n_hidden in parts:
        fig_errors += errs
        hidden += n_hidden
        for p in rendered:
            files = []
            for fmt, data in p.data.items():
                files.append(atomic_write_bytes(out / "figures" / f"{p.name}.{fmt}", data))
            fig_files += files
            entries.append(
                FigureEntry(
                    p.name,
                    p.title,
                    p.caption,
                    p.data["png"],
                    [str(f.relative_to(out)) for f in files],
                    p.panel,
                )
            )
    t_fig = time.perf_counter() - t0

    t1 = time.perf_counter()
    table_files: list[Path] = []
    described: list[tuple[str, str]] = []
    for stem, (fn, desc) in TABLES.items():
        header, rows = fn(results)
        if not rows:
            continue
        p = atomic_write_text(out / "tables" / f"{stem}.csv", to_csv(header, rows))
        table_files.append(p)
        described.append((str(p.relative_to(out)), desc))
    rj = atomic_write_text(out / "results.json", results_to_json(results))
    heads = [(h.label, h.value, h.unit, h.source) for h in headline(results)]
    note = "Curves show the recorded points, unsmoothed" + (
        f"; {hidden} isolated single-point glitches are hidden from the drawn resistance "
        "curves (the analyses saw every point)."
        if hidden
        else "."
    )
    page = render_html(
        results,
        entries,
        headline=heads,
        sample_rows=_sample_rows(results),
        literature=_literature_table(results),
        tables=described,
        run_info=run_info,
        figure_errors=list(fig_errors),
        figure_note=note,
    )
    html_path = atomic_write_text(out / "report.html", page)
    t_write = time.perf_counter() - t1
    return ReportOutput(
        out_dir=out,
        results_json=rj,
        report_html=html_path,
        figures=fig_files,
        tables=table_files,
        results=results,
        errors=list(extra_errors) + list(fig_errors),
        timings={"figures": t_fig, "write": t_write},
    )


def write_report(
    sample_set: SampleSet,
    out_dir: str | Path,
    *,
    workers: int = 1,
    scheduler: Any = None,
    force: bool = False,
    progress: bool = False,
    formats: Sequence[str] = ("png", "svg"),
    on_done: Callable[[JobOutcome], None] | None = None,
    figures: bool = True,
) -> ReportOutput:
    """Run every analysis of ``sample_set`` and write the report into ``out_dir``.

    Parameters
    ----------
    sample_set : SampleSet
        From :func:`sc2d.config.load_sample_set`.
    out_dir : str or Path
        Output folder; refused when it exists and is not empty, unless
        ``force``.
    workers : int
        Local processes for the analyses (1 = serial).
    scheduler : str or distributed.Client, optional
        A dask.distributed scheduler address or client.
    force : bool
        Write into a non-empty folder (files of the same name are replaced).
    progress : bool
        tqdm progress bar on stderr.
    formats : sequence of str
        Figure formats besides PNG (``"svg"``, ``"pdf"``).
    on_done : callable, optional
        Called with each analysis outcome as it arrives.
    figures : bool
        Draw the figures (False: results.json, tables and a figure-less
        report.html only, for quick reruns).

    Returns
    -------
    ReportOutput
    """
    for fmt in formats:
        if fmt not in ("png", "svg", "pdf"):
            from ..errors import FormatError

            raise FormatError(f"figure format must be png, svg or pdf, got '{fmt}'")
    out = prepare_out_dir(out_dir, force=force)
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1 and scheduler is None:
            from ..campaign import process_pool

            pool = stack.enter_context(process_pool(workers))
        camp: CampaignResult = run_campaign(
            sample_set,
            workers=workers,
            scheduler=scheduler,
            progress=progress,
            on_done=on_done,
            pool=pool,
        )
        rep = _finish(camp, sample_set, out, workers, scheduler, formats, pool, figures)
    return rep


def _finish(
    camp: CampaignResult,
    sample_set: SampleSet,
    out: Path,
    workers: int,
    scheduler: Any,
    formats: Sequence[str],
    pool: Any,
    figures: bool = True,
) -> ReportOutput:
    mode = (
        f"dask scheduler {scheduler}"
        if scheduler is not None
        else (f"{workers} local processes" if workers > 1 else "serial")
    )
    run_info = {
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
        "execution": mode,
        "analysis time": f"{camp.seconds:.2f} s for {len(camp.outcomes)} analyses",
    }
    rep = render_report(
        camp.results,
        sample_set,
        out,
        objects=camp.objects(),
        formats=formats,
        run_info=run_info,
        extra_errors=camp.errors,
        pool=pool,
        figures=figures,
    )
    rep.timings = {"analyses": camp.seconds, **rep.timings}
    return rep
