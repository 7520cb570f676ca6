"""The report on real third-party data (Nb films, lock-in R(T) with odd column names).

Uses the role-table form of the sample set (x, y and units named as in the
file). Tc(50 %) by hand, PROVENANCE.md of ``nb_yig_co_rt_stonerlab``: Nb
7.999 K cooling / 7.993 K warming, YIG/Nb/Co 8.036 / 8.032 K (against T2).
"""

from __future__ import annotations

import json

import pytest

FILE = "6221-Lockin-DAQ Temperature Control -30.0Deg 0.004T.txt"


def test_report_on_real_nb_films(real_data, tmp_path):
    from sc2d.config import load_sample_set
    from sc2d.report import write_report

    path = (real_data / "nb_yig_co_rt_stonerlab" / FILE).as_posix()
    rows = []
    for name, col in (("Nb", "Nb::R"), ("YIG/Nb/Co", "YIG-Nb-Co::R")):
        rows.append(
            f'[[samples]]\nname = "{name}"\n'
            f'rt = {{ file = "{path}", x = "temperature: T2", y = "{col}", '
            f'units = {{ "temperature: T2" = "K", "{col}" = "Ohm" }} }}\n'
        )
    cfg = tmp_path / "nb.toml"
    cfg.write_text('title = "Nb films"\nnormal_at_K = 8.5\n' + "\n".join(rows), encoding="utf-8")
    rep = write_report(load_sample_set(cfg), tmp_path / "out")
    r = json.loads(rep.results_json.read_text(encoding="utf-8"))
    tc = {s["name"]: s["tc"]["tc_K"]["0.5"]["value"] for s in r["samples"]}
    # mean of the cooling and warming crossings, within 5 mK of the hand values
    assert tc["Nb"] == pytest.approx((7.999 + 7.993) / 2, abs=0.005)
    assert tc["YIG/Nb/Co"] == pytest.approx((8.036 + 8.032) / 2, abs=0.005)
    assert (rep.out_dir / "figures" / "fig2a_rt_normalised.png").stat().st_size > 5000
    assert "Nb films" in rep.report_html.read_text(encoding="utf-8")
