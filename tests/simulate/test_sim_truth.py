"""Truth helpers and the controlled Tc of the forward model."""

from __future__ import annotations

import numpy as np
import pytest

from sc2d import physics as ph
from sc2d.errors import DataError
from sc2d.simulate import models as m
from sc2d.simulate.models import SampleParams
from sc2d.simulate.truth import solve_tc, true_alpha, true_hc2, true_ic, true_rt, true_tc


@pytest.mark.parametrize(
    ("kw", "vary"),
    [
        ({"tc0": 0.2}, "scale"),
        ({"tc0": 0.2, "inhomogeneity": 0.04}, "scale"),
        ({"tc0": 0.2, "t_bkt": 0.178}, "tc0"),
    ],
)
def test_controlled_tc50_is_exact(kw, vary):
    """solve_tc makes the noiseless curve cross 0.5 R(0.4 K) at the wanted Tc
    (1e-9 K), with the R(0.4 K) reference including AL and R_N(T)."""
    p = solve_tc(SampleParams(**kw), 0.1815, fraction=0.5, t_ref=0.4, vary=vary)
    r_ref = true_rt(p, np.array([0.4]))[0]
    assert true_rt(p, np.array([0.1815]))[0] == pytest.approx(0.5 * r_ref, rel=1e-9)
    assert true_tc(p, 0.5, 0.4) == pytest.approx(0.1815, abs=1e-9)
    if vary == "tc0":
        assert p.t_bkt_eff == 0.178


def test_solve_tc_scale_keeps_shape():
    """vary='scale' multiplies Tc0, T_BKT and the I-V temperatures together."""
    p0 = SampleParams(tc0=0.2, t_bkt=0.19, t_bkt_iv=0.15, t_stiff=0.2)
    p = solve_tc(p0, 0.1, vary="scale")
    f = p.tc0 / p0.tc0
    assert p.t_bkt / p0.t_bkt == pytest.approx(f)
    assert p.t_bkt_iv / p0.t_bkt_iv == pytest.approx(f)
    assert p.t_stiff / p0.t_stiff == pytest.approx(f)


def test_solve_tc_errors():
    """Impossible requests are DataErrors naming the value and the fix."""
    with pytest.raises(DataError, match="must lie between 0 and t_ref"):
        solve_tc(SampleParams(), 0.5, t_ref=0.4)
    with pytest.raises(DataError, match="is not above T_BKT"):
        solve_tc(SampleParams(t_bkt=0.178), 0.17, vary="tc0")
    with pytest.raises(ValueError, match="vary must be"):
        solve_tc(SampleParams(), 0.1, vary="nope")


def test_true_tc_criteria_ordered_and_nan_when_unreached():
    """Tc(0.9) > Tc(0.5) > Tc(0.1); NaN when the transition lies above t_ref."""
    p = SampleParams(tc0=0.2, inhomogeneity=0.03)
    t9, t5, t1 = (true_tc(p, f, 0.4) for f in (0.9, 0.5, 0.1))
    assert t9 > t5 > t1
    assert np.isnan(true_tc(SampleParams(tc0=1.0), 0.5, 0.4))


def test_true_hc2_gl_slopes():
    """Midpoint Hc2 of the noiseless family (no field broadening, flat normal
    state): perpendicular slope dB/dT = -Phi0/(2 pi xi^2 Tc) and B_par^2 linear
    in T, both reaching the model's Hc2(0) to 1e-4 (GL, PHYSICS sec. 9; the
    residual 3e-5 is the AL tail of the reference R(0.4 K), which shrinks as
    the field lowers Tc0)."""
    p = SampleParams(tc0=0.2, t_bkt=0.196, r_n_t2=0.0)
    tc = true_tc(p, 0.5, 0.4)
    h = true_hc2(p, np.arange(0, 0.0121, 0.002), orientation="perp")
    slope = np.polyfit(h["T_K"], h["B_T"], 1)[0]
    assert slope == pytest.approx(-ph.PHI0 / (2 * np.pi * p.xi_gl**2 * tc), rel=1e-4)
    assert h["hc2_0_T"] == pytest.approx(p.hc2_perp0, rel=1e-4)
    assert h["tc_K"] == pytest.approx(tc, rel=1e-4)
    q = true_hc2(p, np.arange(0, 0.71, 0.1), orientation="par")
    res = np.polyfit(q["T_K"], q["B_T"] ** 2, 1, full=True)[1]
    assert res[0] < 1e-8
    assert q["hc2_0_T"] == pytest.approx(p.hc2_par0, rel=1e-4)


def test_true_alpha_and_ic():
    """true_alpha crosses 3 at t_bkt_iv; the threshold Ic is below the switching
    current and V there equals the threshold."""
    p = SampleParams(tc0=0.18, t_bkt_iv=0.138, alpha_width=0.004, ic0=4e-6)
    assert true_alpha(p, [0.138])[0] == pytest.approx(3.0, abs=1e-10)
    t = np.array([0.03, 0.1, 0.13])
    ic = true_ic(p, t, v_th=1e-8)
    sw = true_ic(p, t, v_th=None)
    assert np.all(ic < sw) and np.all(ic > 0)
    k = p.iv_kwargs()
    for ti, ii in zip(t, ic, strict=True):
        assert m.iv(np.array([ii]), ti, **k)[0] == pytest.approx(1e-8, rel=1e-6)
