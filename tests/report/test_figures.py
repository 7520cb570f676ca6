"""Figure functions: ax=None or a given Axes, labelled axes with units, reproducible files."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.figure import Figure

from sc2d.report import figures as F
from sc2d.report.html import fmt_estimate
from sc2d.report.panels import despike

T = np.linspace(0.05, 0.4, 80)


def _rt(tc):
    return 300 / (1 + np.exp(-(T - tc) / 0.005))


def _labels(ax):
    return ax.get_xlabel(), ax.get_ylabel()


CASES = {
    "rt_normalised": lambda ax: F.plot_rt_normalised(
        [(T, _rt(0.1)), (T, _rt(0.2))],
        [300, 300],
        [4.5e13, 9e13],
        ["a", "b"],
        normal_at_K=0.4,
        ax=ax,
    ),
    "hall": lambda ax: F.plot_hall([(np.linspace(-9, 9, 10), -np.linspace(-9, 9, 10))], ax=ax),
    "tc_vs_ns": lambda ax: F.plot_tc_vs_ns(
        [5e13, 8e13], [0.1, 0.2], slope_K_cm2=0.25e-14, n_critical_cm2=0.76e13, ax=ax
    ),
    "orientations": lambda ax: F.plot_rt_orientations([(T, _rt(0.1))], ["(001)"], ax=ax),
    "iv": lambda ax: F.plot_iv(
        [(np.linspace(-1e-5, 1e-5, 50), np.linspace(-1e-3, 1e-3, 50))] * 2, [0.05, 0.1], ax=ax
    ),
    "iv_log": lambda ax: F.plot_iv(
        [(np.geomspace(1e-8, 1e-5, 30), np.geomspace(1e-9, 1e-3, 30))],
        [0.1],
        log=True,
        fits=[{"alpha": 2.0, "log10_prefactor": 7.0, "window": [1e-7, 1e-6]}],
        ax=ax,
    ),
    "alpha": lambda ax: F.plot_alpha(
        [0.05, 0.1, 0.15], [9, 4, 1], t_bkt_K=0.13, t_bkt_err=0.01, ax=ax
    ),
    "hn": lambda ax: F.plot_hn_linearised(
        T, T - 0.1, b=0.5, t_bkt_K=0.1, window_K=(0.12, 0.2), ax=ax
    ),
    "field": lambda ax: F.plot_field_family([(T, _rt(0.1)), (T, _rt(0.15))], [0.0, 0.01], ax=ax),
    "hc2": lambda ax: F.plot_hc2(
        ([0.1, 0.05], [0.005, 0.01], [np.nan, np.nan]),
        ([0.1, 0.05], [0.5, 0.7], [0.01, 0.01], [0.001, 0.001]),
        xi_gl_m=146e-9,
        d_sc_m=10e-9,
        tc_perp_K=0.18,
        tc_par_K=0.18,
        pauli=(0, 0.33),
        ax=ax,
    ),
    "gate_rt": lambda ax: F.plot_gate_rt([(T, _rt(0.1)), (T, _rt(0.12))], [-150, 150], ax=ax),
    "gate_ns_mu": lambda ax: F.plot_gate_ns_mu(
        [-150, 0, 150], [7.1e13, 7.7e13, 8.1e13], [120, 150, 166], ax=ax
    ),
    "dome": lambda ax: F.plot_dome(
        [-150, 0, 30, 150], [0.14, 0.18, 0.183, 0.165], peak_V=30, peak_err=3, ax=ax
    ),
    "gate_iv": lambda ax: F.plot_gate_iv(
        [(np.linspace(-1e-5, 1e-5, 20), np.linspace(-1e-3, 1e-3, 20))] * 2,
        [0, 30],
        temperature_K=0.03,
        ax=ax,
    ),
    "literature": lambda ax: F.plot_literature(
        [{"label": "LAO/STO", "d_sc_nm": 10, "xi_gl_nm": 60}],
        [{"label": "me", "d_sc_nm": {"value": 10.1, "stderr": 0.1}, "xi_gl_nm": 146}],
        ax=ax,
    ),
    "literature_tc": lambda ax: F.plot_literature_tc(
        [{"orientation": "111", "tc_K": 2.2, "kind": "interface"}],
        [{"orientation": "001", "tc_K": 0.2}],
        ax=ax,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_panel_draws_on_a_new_or_given_axes_with_units(name):
    ax = CASES[name](None)
    assert ax.figure is not None and ax.has_data()
    xl, yl = _labels(ax)
    assert xl and yl
    assert "(" in xl or name.startswith("literature_tc")  # units in parentheses
    fig = Figure()
    given = fig.add_subplot()
    assert CASES[name](given) is given


def test_save_figure_is_reproducible_and_typed():
    ax = CASES["dome"](None)
    png1, png2 = F.save_figure(ax.figure, "png"), F.save_figure(ax.figure, "png")
    svg1, svg2 = F.save_figure(ax.figure, "svg"), F.save_figure(ax.figure, "svg")
    pdf = F.save_figure(ax.figure, "pdf")
    assert png1 == png2 and png1.startswith(b"\x89PNG")
    assert svg1 == svg2 and b"<svg" in svg1
    assert pdf.startswith(b"%PDF")
    with pytest.raises(ValueError, match="figure format must be png, svg or pdf, got 'eps'"):
        F.save_figure(ax.figure, "eps")


def test_style_is_restored_after_drawing():
    import matplotlib

    before = matplotlib.rcParams["xtick.direction"]
    CASES["hall"](None)
    assert matplotlib.rcParams["xtick.direction"] == before


def test_despike_removes_single_glitches_not_transitions():
    y = _rt(0.2) + np.random.default_rng(1).normal(0, 0.1, T.size)
    y2 = y.copy()
    y2[10] += 500  # a glitch in the normal state
    y2[60] = 0.0  # a dropout
    bad = despike(y2)
    assert set(np.flatnonzero(bad)) == {10, 60}
    assert not despike(y).any()  # the steep transition itself is kept


@pytest.mark.parametrize(
    ("est", "text"),
    [
        ({"value": 0.13799, "stderr": 0.00031}, "0.13799 ± 0.00031"),
        ({"value": 146.41, "stderr": 0.22}, "146.41 ± 0.22"),
        ({"value": 7.7e13, "stderr": 5e10}, "(7.7000 ± 0.0050)×10<sup>13</sup>"),
        ({"value": 0.5, "stderr": None}, "0.5"),
        ({"value": None, "stderr": None, "flag": "x"}, "–"),
        (None, "–"),
        (3.0, "3"),
    ],
)
def test_fmt_estimate(est, text):
    assert fmt_estimate(est) == text
