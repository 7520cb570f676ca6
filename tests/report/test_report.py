"""The report folder: files, self-contained HTML, escaping, captions, tables, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import os
import re

import pytest

from sc2d.errors import FormatError
from sc2d.report._files import atomic_open, atomic_write_text, prepare_out_dir

EVIL = '<script>alert("x")</script> & <b>bold</b> $5 _x^2'

PANELS = [
    "fig2a_rt_normalised",
    "fig2b_hall",
    "fig2c_tc_vs_ns",
    "fig2d_orientations",
    "fig3a_iv_linear",
    "fig3b_iv_loglog",
    "fig3c_alpha",
    "fig3d_hn_linearised",
    "fig3e_rt_perp",
    "fig3f_rt_par",
    "fig3g_hc2",
    "fig4a_gate_rt",
    "fig4b_gate_ns_mu",
    "fig4c_dome",
    "fig4d_gate_iv",
    "literature",
]


def test_every_panel_is_written_as_png_and_svg(mini_report):
    out = mini_report.out_dir
    for name in PANELS:
        png = (out / "figures" / f"{name}.png").read_bytes()
        svg = (out / "figures" / f"{name}.svg").read_text(encoding="utf-8")
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000, name
        assert "<svg" in svg and len(svg) > 5000, name
    assert not [e for e in mini_report.errors if "could not be drawn" in e]


def test_results_json_is_strict_and_portable(mini_report):
    text = mini_report.results_json.read_text(encoding="utf-8")
    r = json.loads(text)
    assert r == mini_report.results
    assert "NaN" not in text and "Infinity" not in text
    # sources are relative to the sample-set folder, so the JSON does not depend on it
    assert str(mini_report.results_json.parent.parent) not in text
    s2 = next(s for s in r["samples"] if s["name"] == "S2")
    assert {"tc", "bkt", "hall", "iv", "hc2", "gate"} <= set(s2)
    assert s2["gate"]["tc_peak_Vg_V"]["value"] == pytest.approx(30, abs=15)


def test_csv_tables_hold_the_extracted_points(mini_report):
    t = mini_report.out_dir / "tables"
    rows = list(csv.DictReader(io.StringIO((t / "tc_vs_ns.csv").read_text(encoding="utf-8"))))
    assert [r["sample"] for r in rows][:3] == ["S1", "S2", "S3"]
    assert float(rows[1]["n_s_cm2"]) == pytest.approx(7.7e13, rel=0.01)
    hc2 = list(csv.DictReader(io.StringIO((t / "hc2_T.csv").read_text(encoding="utf-8"))))
    assert {r["direction"] for r in hc2} == {"perp", "par"}
    gate = list(csv.DictReader(io.StringIO((t / "gate.csv").read_text(encoding="utf-8"))))
    assert len(gate) == 7 and gate[0]["Vg_V"] and gate[0]["tc_K"]
    alpha = (t / "alpha_T.csv").read_text(encoding="utf-8").splitlines()
    assert alpha[0] == "sample,T_K,alpha,alpha_stderr,ic_A,ic_stderr_A" and len(alpha) == 8
    assert (t / "summary.csv").exists()


def test_html_is_self_contained(mini_report):
    page = mini_report.report_html.read_text(encoding="utf-8")
    imgs = re.findall(r'<img src="([^"]{0,30})', page)
    assert len(imgs) == len(PANELS)
    assert all(src.startswith("data:image/png;base64,") for src in imgs)
    assert "<script" not in page.lower()
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page
    assert "@media print" in page


def test_user_text_is_escaped(mini_report):
    page = mini_report.report_html.read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<b>bold</b>" not in page and "<i>x</i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "Mini CZO/KTO set &lt;i&gt;x&lt;/i&gt;" in page


def test_captions_state_criterion_and_window(mini_report):
    page = mini_report.report_html.read_text(encoding="utf-8")
    caps = dict(re.findall(r'<figure id="([^"]+)">.*?<figcaption>(.*?)</figcaption>', page, re.S))
    assert (
        "R = 0.5 R_N" in caps["fig2a_rt_normalised"] and "R(0.4 K)" in caps["fig2a_rt_normalised"]
    )
    assert "slope a =" in caps["fig2c_tc_vs_ns"] and "n_c =" in caps["fig2c_tc_vs_ns"]
    assert re.search(r"over 0\.\d+-0\.\d+ K", caps["fig3d_hn_linearised"])
    assert "read at 0.5 R_N" in caps["fig3g_hc2"] and "Pauli limit" in caps["fig3g_hc2"]
    assert "local quadratic fit" in caps["fig4c_dome"]
    assert "Tc at 0.5 R_N" in caps["fig2d_orientations"]


def test_summary_and_provenance(mini_report):
    page = mini_report.report_html.read_text(encoding="utf-8")
    for text in (
        "Summary of headline numbers",
        "Tc(n_s) slope",
        "μ0Hc2⊥(0), GL",
        "V_G of the Tc dome peak",
    ):
        assert text in page
    prov = mini_report.results["provenance"]
    for f in prov["files"]:
        assert f["sha256"] in page
    assert (
        f'sc2d version</td><td class="num"><span class="mono">{prov["sc2d_version"]}' in page
        or (prov["sc2d_version"] in page)
    )
    assert "criterion = 0.5" in page


def test_failed_analysis_is_listed_not_fatal(mini_report):
    """The script-named sample reuses S1's R(T); everything else still reports."""
    r = mini_report.results
    names = [s["name"] for s in r["samples"]]
    assert names[-1] == EVIL
    errors = [
        (s["name"], k)
        for s in r["samples"]
        for k, v in s.items()
        if isinstance(v, dict) and "error" in v
    ]
    page = mini_report.report_html.read_text(encoding="utf-8")
    for _name, key in errors:
        assert f"/ {key}:" in page


def test_out_dir_refused_when_not_empty(tmp_path):
    (tmp_path / "x.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(
        FormatError, match=r"--out .* is not empty; choose a new folder or add --force"
    ):
        prepare_out_dir(tmp_path)
    assert prepare_out_dir(tmp_path, force=True) == tmp_path
    assert (tmp_path / "x.txt").read_text(encoding="utf-8") == "keep"
    f = tmp_path / "file"
    f.write_text("", encoding="utf-8")
    with pytest.raises(FormatError, match=r"is a file; give a folder"):
        prepare_out_dir(f)


def test_atomic_write_leaves_no_half_file(tmp_path):
    target = tmp_path / "results.json"
    atomic_write_text(target, "old\n")
    with pytest.raises(KeyboardInterrupt), atomic_open(target, "w", encoding="utf-8") as fh:
        fh.write("half of the new")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["results.json"]


def test_report_refuses_bad_figure_format(mini_toml, tmp_path):
    from sc2d.config import load_sample_set
    from sc2d.report import write_report

    with pytest.raises(FormatError, match="figure format must be png, svg or pdf, got 'eps'"):
        write_report(load_sample_set(mini_toml), tmp_path / "o", formats=("png", "eps"))


def test_a_failing_figure_is_a_note_not_a_crash(mini_report, mini_toml, tmp_path, monkeypatch):
    from sc2d.config import load_sample_set
    from sc2d.report import panels, render_report

    def broken(ctx):
        raise RuntimeError("no ink\nleft")

    monkeypatch.setattr(panels, "BUILDERS", [("Fig. 9 (test)", broken)])
    rep = render_report(mini_report.results, load_sample_set(mini_toml), tmp_path)
    assert rep.errors == ["Fig. 9 (test) could not be drawn: RuntimeError: no ink left"]
    page = rep.report_html.read_text(encoding="utf-8")
    assert "Fig. 9 (test) could not be drawn: RuntimeError: no ink left" in page
    assert json.loads(rep.results_json.read_text(encoding="utf-8")) == mini_report.results


def test_hn_panel_from_json_alone_recomputes_the_analysis_linearisation(mini_report, mini_toml):
    """Without the bkt objects (a report from results.json), the Fig. 3(d) points are those of
    sc2d.bkt.hn_linearization run again (one formula), and the caption says so."""
    from sc2d.config import load_sample_set
    from sc2d.report.panels import build_panels

    sample_set = load_sample_set(mini_toml)
    panels, errors, _ = build_panels(mini_report.results, sample_set, {}, groups=[2])
    assert not errors
    hn = [p for p in panels if p.name.startswith("fig3d_hn_linearised")]
    assert hn and "recomputed with default options" in hn[0].caption
    assert "derivative of ln R_s(T)" in hn[0].caption
