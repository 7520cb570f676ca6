"""``sc2d report`` and ``sc2d demo``: every number and figure of a sample set."""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path
from typing import Any

import click

from ..errors import FormatError
from ._common import json_option

#: The reference study's published values (Chen et al., arXiv:2507.01392):
#: key -> (label, value or (lo, hi), unit, display scale). Keys match
#: :func:`sc2d.report.summary.headline` keys.
PUBLISHED: dict[str, tuple[str, Any, str]] = {
    "tc_min_K": ("Tc, lowest n_s (K)", 0.10, "K"),
    "tc_max_K": ("Tc, highest n_s (K)", 0.25, "K"),
    "slope_K_cm2": ("Tc(n_s) slope (1e-14 K cm^2)", 0.25, "1e-14 K cm^2"),
    "n_critical_cm2": ("critical density n_c (1e13 cm^-2)", 0.76, "1e13 cm^-2"),
    "t_bkt_iv_K": ("T_BKT from I-V (K)", 0.138, "K"),
    "t_bkt_hn_K": ("T_BKT Halperin-Nelson (K)", 0.178, "K"),
    "hc2_perp_0_T": ("mu0 Hc2,perp(0) (T)", 0.015, "T"),
    "hc2_par_0_T": ("mu0 Hc2,par(0) (T)", 0.767, "T"),
    "xi_gl_nm": ("xi_GL (nm)", 146.4, "nm"),
    "d_sc_nm": ("d_SC (nm)", 10.1, "nm"),
    "anisotropy": ("anisotropy Hc2par/Hc2perp", 51.0, ""),
    "pauli_limit_T": ("Pauli limit (T)", 0.28, "T"),
    "tc_110_K": ("Tc (110) (K)", 1.04, "K"),
    "tc_111_K": ("Tc (111) (K)", 2.22, "K"),
    "gate_peak_Vg_V": ("gate dome peak V_G (V)", 30.0, "V"),
}


def _tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def _err_printer(prog: str, quiet: bool) -> Any:
    def on_done(o: Any) -> None:
        if o.error:
            # tqdm.write keeps the bar intact; plain echo when there is none
            msg = f"{prog}: {o.sample}/{o.key}: {o.error}"
            if not quiet and _tty():
                from tqdm import tqdm

                tqdm.write(msg, file=sys.stderr)
            else:
                click.echo(msg, err=True)

    return on_done


def _check_workers(workers: int) -> None:
    if workers < 1:
        raise FormatError(f"--workers must be 1 or more, got {workers}")


def _formats(fmt: str) -> tuple[str, ...]:
    out = ["png"]
    for f in (x.strip().lower() for x in fmt.split(",")):
        if not f:
            continue
        if f not in ("png", "svg", "pdf"):
            raise FormatError(f"--figures expects svg, pdf or svg,pdf, got '{f}'")
        if f not in out:
            out.append(f)
    return tuple(out)


def _text_summary(rep: Any) -> str:
    from ..report.summary import headline

    lines = [f"wrote {rep.report_html}", f"      {rep.results_json}"]
    lines.append(
        f"      {len(rep.figures)} figure files in {rep.out_dir / 'figures'}, "
        f"{len(rep.tables)} CSV tables in {rep.out_dir / 'tables'}"
    )
    heads = headline(rep.results)
    if heads:
        lines.append("")
        w = max(len(h.label) for h in heads)
        for h in heads:
            lines.append(f"  {h.label:<{w}}  {_fmt(h.value)} {h.unit}   [{h.source}]")
    return "\n".join(lines)


def _fmt(x: Any) -> str:
    from ..report.html import fmt_estimate

    return fmt_estimate(x, html_out=False).replace("×10^", "e")


@click.command("report")
@click.argument("config", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--force", is_flag=True, help="Write into a non-empty output folder.")
@click.option("--workers", type=int, default=1, show_default=True, help="Local worker processes.")
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="dask.distributed scheduler (tcp://host:8786); needs sc2d[cluster].",
)
@click.option(
    "--figures",
    "fig_formats",
    default="svg",
    show_default=True,
    help="Vector formats written beside each PNG: svg, pdf or svg,pdf.",
)
@click.option("--no-figures", is_flag=True, help="Skip the figures (numbers and tables only).")
@json_option
def report(
    config: Path,
    out: Path,
    force: bool,
    workers: int,
    scheduler: str | None,
    fig_formats: str,
    no_figures: bool,
    as_json: bool,
) -> None:
    """Run every analysis of the sample set CONFIG (TOML) and write the report.

    Writes OUT/results.json, OUT/report.html (self-contained), figures as
    PNG + SVG in OUT/figures and CSV tables in OUT/tables. A failing
    analysis is reported on stderr and as {"error": ...} in results.json;
    the others go on.
    """
    from ..config import load_sample_set
    from ..report import write_report

    _check_workers(workers)
    formats = _formats(fig_formats)
    sset = load_sample_set(config)
    progress = not as_json and _tty()
    t0 = time.perf_counter()
    rep = write_report(
        sset,
        out,
        workers=workers,
        scheduler=scheduler,
        force=force,
        progress=progress,
        formats=formats,
        on_done=_err_printer("sc2d report", as_json),
        figures=not no_figures,
    )
    rep.timings["total"] = time.perf_counter() - t0
    for e in rep.errors:
        if "could not be drawn" in e:
            click.echo(f"sc2d report: {e}", err=True)
    if as_json:
        payload = rep.to_dict()
        sys.stdout.write(json.dumps(payload, allow_nan=False) + "\n")
    else:
        click.echo(_text_summary(rep))


# --------------------------------------------------------------------------- demo


def truth_value(truth: dict[str, Any], key: str, sample: str, results: dict[str, Any]) -> float:
    """The twin's true value of a headline number, in the headline's display unit.

    ``sample`` is the sample the recovered number came from; the truth of
    the same sample, criterion and normal-state reference is used (for Hc2:
    the GL fit of the noiseless midpoints, which is what the analysis
    estimates, not the model's Hc2 parameter). NaN when truth.json lacks it.
    """
    from .. import physics

    def get(d: Any, *path: str) -> Any:
        for p in path:
            if not isinstance(d, dict) or p not in d:
                return None
            d = d[p]
        return d

    def num(x: Any) -> float:
        try:
            return math.nan if x is None else float(x)
        except (TypeError, ValueError):
            return math.nan

    ck = format(float(results.get("criterion") or 0.5), "g")
    s = get(truth, "samples", sample) or {}
    if key in ("tc_min_K", "tc_max_K") or (key.startswith("tc_") and key[3:-2].isdigit()):
        return num(get(s, "tc_K", ck))
    if key == "slope_K_cm2":
        return num(get(truth, "tc_vs_ns", "slope_K_cm2")) * 1e14
    if key == "n_critical_cm2":
        return num(get(truth, "tc_vs_ns", "n_critical_cm2")) * 1e-13
    if key == "t_bkt_iv_K":
        return num(s.get("t_bkt_iv_K"))
    if key in ("t_bkt_hn_K", "t_bkt_lin_K"):
        return num(s.get("t_bkt_hn_K"))
    if key == "gate_peak_Vg_V":
        return num(get(s, "gate", "tc_peak_Vg_V"))
    if key == "gate_tc_max_K":
        return num(get(s, "gate", "tc_peak_K"))
    if key == "pauli_limit_T":
        return num(s.get("pauli_limit_T"))
    if key in ("hc2_perp_0_T", "hc2_par_0_T", "xi_gl_nm", "d_sc_nm", "anisotropy"):
        na = results.get("normal_at_K")
        tag = f"hc2_fit_midpoint_R{format(float(na), 'g').replace('.', 'p')}K" if na else ""
        perp = num(get(s, tag, "perp", "hc2_0_T"))
        par = num(get(s, tag, "par", "hc2_0_T"))
        if not math.isfinite(perp):
            perp, par = num(s.get("hc2_perp_0_T")), num(s.get("hc2_par_0_T"))
        xi = float(physics.xi_gl_from_hc2_perp(perp)) if math.isfinite(perp) else math.nan
        return {
            "hc2_perp_0_T": perp,
            "hc2_par_0_T": par,
            "xi_gl_nm": xi * 1e9,
            "d_sc_nm": float(physics.d_sc_from_hc2(par, xi)) * 1e9,
            "anisotropy": par / perp,
        }[key]
    return math.nan


def comparison(results: dict[str, Any], truth: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Rows: quantity, recovered ± stderr, published, truth, flag (> 3 stderr from truth).

    Recovered values are the first headline number of each key (the
    headline already scales the slope to 1e-14 K cm^2 and n_c to 1e13
    cm^-2); truth values from truth.json are scaled the same way.
    """
    from ..report.summary import headline

    heads: dict[str, Any] = {}
    for h in headline(results):
        heads.setdefault(h.key, h)
    rows = []
    for key, (label, pub, unit) in PUBLISHED.items():
        h = heads.get(key)
        val = h.number if h else math.nan
        err = h.stderr if h else math.nan
        sample = h.source.split(" / ")[0] if h else ""
        tru = truth_value(truth, key, sample, results) if truth else math.nan
        dev = (val - tru) / err if math.isfinite(err) and err > 0 else math.nan
        flag = ""
        if not math.isfinite(val):
            flag = "not recovered"
        elif math.isfinite(dev) and abs(dev) > 3:
            flag = f"{dev:+.1f} stderr from truth"
        rows.append(
            {
                "key": key,
                "quantity": label,
                "recovered": None if not math.isfinite(val) else val,
                "stderr": None if not math.isfinite(err) else err,
                "published": pub,
                "truth": None if not math.isfinite(tru) else tru,
                "deviation_stderr": None if not math.isfinite(dev) else dev,
                "unit": unit,
                "source": h.source if h else "",
                "flag": flag,
            }
        )
    return rows


def comparison_text(rows: list[dict[str, Any]]) -> str:
    """The demo's table as aligned plain text."""

    def f(x: Any, e: Any = None) -> str:
        if x is None:
            return "-"
        if e is not None:
            return f"{x:.4g} ± {e:.2g}"
        return f"{x:.4g}"

    head = ("quantity", "recovered ± stderr", "published", "twin truth", "")
    body = [
        (r["quantity"], f(r["recovered"], r["stderr"]), f(r["published"]), f(r["truth"]), r["flag"])
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in [head, *body]) for i in range(4)]
    lines = []
    for k, row in enumerate([head, *body]):
        cells = [
            str(row[i]).ljust(widths[i]) if i == 0 else str(row[i]).rjust(widths[i])
            for i in range(4)
        ]
        lines.append("  ".join(cells) + (f"  !! {row[4]}" if row[4] else ""))
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _with_orientation_normals(sset: Any, data_dir: Path) -> Any:
    """Give the other-orientation references their own normal state.

    The paper set's (110)/(111) samples superconduct far above the set's
    normal_at_K = 0.4 K; ``orientations.toml`` states their reference
    (R(4 K)). Samples of a minority orientation that appear there and have no
    per-sample ``normal_at_K`` get that one.
    """
    import dataclasses

    from ..config import load_sample_set

    other = data_dir / "orientations.toml"
    if not other.exists():
        return sset
    ref = load_sample_set(other)
    if ref.normal_at_K is None:
        return sset
    names = {s.name for s in ref.samples}
    orients = [s.orientation for s in sset.samples]
    main = max(set(orients), key=orients.count)
    samples = [
        dataclasses.replace(s, normal_at_K=ref.normal_at_K)
        if s.name in names and s.orientation != main and s.normal_at_K is None
        else s
        for s in sset.samples
    ]
    return dataclasses.replace(sset, samples=samples)


@click.command("demo")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the simulated data.")
@click.option("--workers", type=int, default=2, show_default=True, help="Local worker processes.")
@click.option("--force", is_flag=True, help="Write into a non-empty output folder.")
@json_option
def demo(out: Path, seed: int, workers: int, force: bool, as_json: bool) -> None:
    """Simulate the reference study (CaZrO3/KTaO3(001)) and report on it.

    Writes the paper-like data set to OUT/data (with samples.toml and the
    twin's truth.json), runs `sc2d report` on it into OUT, and prints the
    recovered numbers beside the study's published values and the truth.
    """
    from ..config import load_sample_set
    from ..report import write_report
    from ..report._files import atomic_write_text, prepare_out_dir

    _check_workers(workers)
    out_dir = prepare_out_dir(out, force=force)
    t0 = time.perf_counter()
    from ..simulate.paper import write_paper

    data_dir = out_dir / "data"
    write_paper(data_dir, seed=seed, force=force)
    t_sim = time.perf_counter() - t0
    sset = _with_orientation_normals(load_sample_set(data_dir / "samples.toml"), data_dir)
    truth_path = data_dir / "truth.json"
    truth = json.loads(truth_path.read_text(encoding="utf-8")) if truth_path.exists() else None
    progress = not as_json and _tty()
    rep = write_report(
        sset,
        out_dir,
        workers=workers,
        force=True,
        progress=progress,
        on_done=_err_printer("sc2d demo", as_json),
    )
    rows = comparison(rep.results, truth)
    total = time.perf_counter() - t0
    timings = {"simulate": t_sim, **rep.timings, "total": total}
    comp_path = atomic_write_text(
        out_dir / "demo_comparison.json",
        json.dumps({"seed": seed, "rows": rows}, indent=2, allow_nan=False) + "\n",
    )
    if as_json:
        payload = rep.to_dict()
        payload.update(
            {
                "data_dir": str(data_dir),
                "comparison_json": str(comp_path),
                "seed": seed,
                "comparison": rows,
                "timings_s": {k: round(v, 3) for k, v in timings.items()},
            }
        )
        sys.stdout.write(json.dumps(payload, allow_nan=False) + "\n")
        return
    click.echo(
        f"sc2d demo: simulated the reference study (seed {seed}) into {data_dir}\n"
        f"wrote {rep.report_html}\n      {rep.results_json}\n"
    )
    click.echo(comparison_text(rows))
    n_flag = sum(1 for r in rows if r["flag"])
    click.echo(
        f"\n{len(rows) - n_flag}/{len(rows)} numbers recovered within 3 stderr of the twin's truth; "
        f"{total:.1f} s (simulate {t_sim:.1f} s, analyses {timings.get('analyses', 0):.1f} s, "
        f"figures {timings.get('figures', 0):.1f} s)"
    )
