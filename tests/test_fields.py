"""Upper critical fields: Hc2 points, GL / WHH / Pauli / KLB / angle fits (PHYSICS §9, §11).

Synthetic families are built from :mod:`sc2d.physics`: R(T, B) =
R_N (1 + tanh((T - Tc(B))/w))/2 with Tc(B) from inverting the 2D GL lines,
Tc(B) = Tc0 (1 - B/B0_perp) or Tc0 (1 - (B/B0_par)^2), plus Gaussian noise.
The midpoint of the tanh is exactly Tc(B), so the 50% points lie on the GL
line and the GL fit must return B0, xi_GL and d_SC of the truth.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest

from sc2d import fields as F
from sc2d import physics as p
from sc2d.data import Curve, Estimate, to_jsonable
from sc2d.errors import DataError, FitError, FormatError

XI = 146.4e-9
D_SC = 10.1e-9
TC0 = 0.2
B_PERP = float(p.hc2_perp_from_xi(XI))  # 0.015355 T
B_PAR = float(p.gl_hc2_par(0.0, XI, D_SC, TC0))  # 0.7710 T
PERP_FIELDS = np.round(np.arange(0.0, 0.02001, 0.001), 6)  # like Fig. 3e: 0-20 mT by 1 mT
PAR_FIELDS = np.round(np.arange(0.0, 1.0001, 0.05), 6)  # like Fig. 3f: 0-1 T by 0.05 T


def _family(
    orientation: str,
    fields: np.ndarray,
    *,
    seed: int,
    noise: float = 0.005,
    b0: float | None = None,
    width: float = 0.008,
    r_n: float = 300.0,
    mr: float = 0.0,
    t_min: float = 0.05,
    t_max: float = 0.4,
    n: int = 160,
    reverse: bool = False,
) -> list[Curve]:
    """R(T) at fixed fields; Tc(B) from the inverted GL line; noise in units of R_N."""
    rng = np.random.default_rng(seed)
    b0 = (B_PERP if orientation == "perp" else B_PAR) if b0 is None else b0
    out = []
    for b in fields:
        tcb = TC0 * (1 - b / b0) if orientation == "perp" else TC0 * (1 - (b / b0) ** 2)
        t = np.linspace(t_min, t_max, n)
        if reverse:
            t = t[::-1]
        rn = r_n * (1 + mr * b**2)
        r = rn * 0.5 * (1 + np.tanh((t - tcb) / width)) + rng.normal(0, noise * r_n, t.size)
        out.append(Curve(t, r, "T_K", "R_ohm", {"B_T": float(b)}))
    return out


def _rb_family(
    temps: np.ndarray, *, seed: int, noise: float = 0.005, width: float = 5e-4, mr: float = 20.0
) -> list[Curve]:
    """R(B) at fixed T for the perpendicular line, with a B^2 normal-state MR."""
    rng = np.random.default_rng(seed)
    out = []
    for t in temps:
        bc = B_PERP * (1 - t / TC0)
        b = np.linspace(0.0, 0.03, 200)
        rn = 300.0 * (1 + mr * b**2)
        r = rn * 0.5 * (1 + np.tanh((b - bc) / width)) + rng.normal(0, noise * 300.0, b.size)
        out.append(Curve(b, r, "B_T", "R_ohm", {"T_K": float(t)}))
    return out


def _exact_points(orientation: str, b0: float, tc: float, fields) -> list[F.Hc2Point]:
    pts = []
    for b in fields:
        t = tc * (1 - b / b0) if orientation == "perp" else tc * (1 - (b / b0) ** 2)
        pts.append(F.Hc2Point(orientation, float(b), float(t), 1e-4, math.nan, "T", 300.0))
    return pts


# --------------------------------------------------------------------------
# Reference numbers (hand-computed, PHYSICS §0 and §11)
# --------------------------------------------------------------------------
def test_gl_chain_of_the_study_from_exact_points():
    """Hc2_perp(0) = 0.015 T -> xi = sqrt(Phi0/(2 pi 0.015 T)) = 148.1 nm (18.1413/sqrt(0.015)).

    Points lying exactly on B = 0.015 (1 - T/0.15 K) must return B0, Tc and
    xi to 1e-9; the slope is -0.1 T/K, so WHH gives 0.69267 x 0.015 T and
    D = 1.09719e-4 m^2 s^-1 T K^-1/(0.1 T/K) = 1.09719e-3 m^2/s.
    """
    pts = _exact_points("perp", 0.015, 0.15, np.linspace(0, 0.012, 9))
    g = F.gl_perp_fit(pts)
    assert g.hc2_perp_0_T.value == pytest.approx(0.015, rel=1e-9)
    assert g.tc_K.value == pytest.approx(0.15, rel=1e-9)
    assert g.xi_gl_nm.value == pytest.approx(148.1, abs=0.05)
    assert g.xi_gl_nm.value == pytest.approx(18.1413 / math.sqrt(0.015), rel=1e-5)
    assert g.dhc2_dt_T_per_K.value == pytest.approx(-0.1, rel=1e-9)
    assert g.whh_hc2_0_T.value == pytest.approx(0.69267 * 0.015, rel=1e-4)
    assert g.diffusion_m2_per_s.value == pytest.approx(1.09719e-3, rel=1e-4)
    assert g.tc_mode == "free"


def test_d_sc_of_the_study_from_exact_points():
    """0.767 T with xi = 146.4 nm -> d = sqrt(12) Phi0/(2 pi xi B) = 10.15 nm (§11)."""
    pts = _exact_points("par", 0.767, 0.15, np.linspace(0, 0.7, 8))
    g = F.gl_par_fit(pts, xi_gl=Estimate(146.4, 0.0, "nm"))
    assert g.hc2_par_0_T.value == pytest.approx(0.767, rel=1e-9)
    assert g.tc_K.value == pytest.approx(0.15, rel=1e-9)
    assert g.d_sc_nm.value == pytest.approx(10.15, abs=0.01)
    # xi in metres gives the same
    g2 = F.gl_par_fit(pts, xi_gl=146.4e-9)
    assert g2.d_sc_nm.value == pytest.approx(g.d_sc_nm.value, rel=1e-12)


def test_pauli_limit_reference_numbers():
    """mu0 H_P = 1.764 k_B Tc/(sqrt2 mu_B) = 1.857 T/K x Tc; study: 1.76 at 0.15 K -> 0.278 T."""
    assert F.pauli_estimate(1.0).value == pytest.approx(1.85682, rel=1e-5)
    assert F.pauli_estimate(0.15).value == pytest.approx(0.2785, abs=5e-4)
    assert F.pauli_estimate(0.15, gap_ratio=1.76).value == pytest.approx(0.2780, abs=5e-4)
    # g = 1 doubles it; the stderr follows Tc's
    e = F.pauli_estimate(Estimate(0.15, 0.003, "K"), g=1.0)
    assert e.value == pytest.approx(2 * 1.85682 * 0.15, rel=1e-5)
    assert e.stderr == pytest.approx(e.value * 0.02, rel=1e-9)
    assert "g = 1" in e.method
    assert not F.pauli_estimate(0.0).ok


def test_joint_fit_on_exact_points_gives_study_anisotropy():
    """Shared Tc: 0.767/0.015 = 51.1 anisotropy, xi/d = anisotropy/sqrt(12) = 14.76."""
    perp = _exact_points("perp", 0.015, 0.15, np.linspace(0, 0.012, 9))
    par = _exact_points("par", 0.767, 0.15, np.linspace(0, 0.7, 8))
    gp, gq = F.gl_joint_fit(perp, par)
    assert gp.tc_K.value == pytest.approx(0.15, rel=1e-7)
    assert gq.tc_K.value == gp.tc_K.value
    assert gq.hc2_par_0_T.value / gp.hc2_perp_0_T.value == pytest.approx(0.767 / 0.015, rel=1e-6)
    xi = float(p.xi_gl_from_hc2_perp(0.015))
    assert gq.d_sc_nm.value == pytest.approx(float(p.d_sc_from_hc2(0.767, xi)) * 1e9, rel=1e-6)
    assert gq.tc_mode == gp.tc_mode == "shared"


# --------------------------------------------------------------------------
# Recovery on noisy synthetic families (issue #6 tolerances)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_recovery_hc2_xi_d_within_issue_tolerances(seed):
    """Hc2(0) within 2%, xi_GL within 1%, d_SC within 3%; the errors made agree with the stderr."""
    perp = _family("perp", PERP_FIELDS, seed=seed, noise=0.01)
    par = _family("par", PAR_FIELDS, seed=100 + seed, noise=0.01, mr=0.05)
    r = F.hc2_analysis(perp, par, normal_at=0.3)
    assert r.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    assert r.hc2_par_0_T.value == pytest.approx(B_PAR, rel=0.02)
    assert r.xi_gl_nm.value == pytest.approx(XI * 1e9, rel=0.01)
    assert r.d_sc_nm.value == pytest.approx(D_SC * 1e9, rel=0.03)
    assert r.anisotropy.value == pytest.approx(B_PAR / B_PERP, rel=0.03)
    assert r.xi_over_d.value == pytest.approx(XI / D_SC, rel=0.03)
    for est, truth in ((r.hc2_perp_0_T, B_PERP), (r.hc2_par_0_T, B_PAR), (r.xi_gl_nm, XI * 1e9)):
        assert abs(est.value - truth) < 4 * est.stderr
    # the zero-field Tc at 50% enters the Pauli limit
    assert r.pauli_limit_T.value == pytest.approx(float(p.pauli_limit(TC0)), rel=0.01)
    assert "zero-field Tc at 50%" in r.pauli_limit_T.method
    assert r.hc2_par_over_pauli.value == pytest.approx(B_PAR / float(p.pauli_limit(TC0)), rel=0.03)
    assert r.criterion == 0.5
    assert "R(T = 0.3 K)" in r.normal_reference


def test_point_stderr_is_consistent_with_the_error_made():
    """Over 10 seeded families the (T_fit - T_true)/stderr of every point has std 0.7-1.4."""
    pulls = []
    for seed in range(10):
        pts = F.hc2_points_from_rt(
            _family("perp", PERP_FIELDS, seed=seed, noise=0.02), normal_at=0.3
        )
        for q in pts:
            pulls.append((q.T_K - TC0 * (1 - q.B_T / B_PERP)) / q.T_stderr_K)
    pulls = np.array(pulls)
    assert pulls.size > 100
    assert 0.7 < pulls.std() < 1.4
    assert abs(pulls.mean()) < 0.3


def test_highest_fields_not_reaching_the_criterion_are_dropped_with_a_note():
    """Tc(B) < 0.05 K (the lowest T) for B >= 12 mT: those curves are dropped, never extrapolated."""
    pts = F.hc2_points_from_rt(_family("perp", PERP_FIELDS, seed=5), normal_at=0.3)
    tmin = 0.05
    expect_drop = [b for b in PERP_FIELDS if TC0 * (1 - b / B_PERP) < tmin - 0.01]
    dropped_b = [d["B_T"] for d in pts.dropped]
    assert set(expect_drop) <= set(dropped_b)
    assert all(b > 0.011 for b in dropped_b)
    assert all(
        "not reached" in d["reason"] and "not extrapolated" in d["reason"] for d in pts.dropped
    )
    assert all(q.T_K >= tmin for q in pts)
    r = F.hc2_analysis(_family("perp", PERP_FIELDS, seed=5), normal_at=0.3)
    assert any("dropped perp curve at B_T = 0.02" in n for n in r.notes)
    assert len(r.dropped) == len(dropped_b)


def test_reversed_sweeps_and_curve_order_give_the_same_answer():
    """Warming vs cooling order and the order of the curves do not change any number."""
    a = F.hc2_analysis(_family("perp", PERP_FIELDS, seed=7), normal_at=0.3)
    # same noise realisation, points and curves in reversed order
    base = _family("perp", PERP_FIELDS, seed=7)
    rev = [dataclasses.replace(c, x=c.x[::-1], y=c.y[::-1]) for c in base][::-1]
    b = F.hc2_analysis(rev, normal_at=0.3)
    assert b.hc2_perp_0_T.value == pytest.approx(a.hc2_perp_0_T.value, rel=1e-12)
    assert b.hc2_perp_0_T.stderr == pytest.approx(a.hc2_perp_0_T.stderr, rel=1e-9)
    assert [q.T_K for q in b.points] == pytest.approx([q.T_K for q in a.points], rel=1e-12)


def test_inputs_are_not_modified():
    """Analysis functions never change their inputs (arrays read-only, copies compared)."""
    curves = _family("perp", PERP_FIELDS, seed=8)
    before = [(c.x.copy(), c.y.copy(), dict(c.fixed)) for c in curves]
    for c in curves:
        assert not c.x.flags.writeable
    F.hc2_analysis(curves, normal_at=0.3)
    for c, (x, y, fx) in zip(curves, before, strict=True):
        assert np.array_equal(c.x, x) and np.array_equal(c.y, y) and c.fixed == fx
    th = np.linspace(-10, 10, 21)
    h = p.tinkham_hc2_angle(th, 0.015, 0.767)
    th.setflags(write=False)
    h.setflags(write=False)
    F.angle_fit(th, h)


def test_field_scale_does_not_matter_si_inside():
    """A family stated in Oe (x 1e4) converted to T by the reader equals the one given in T.

    At library level the curves already carry B in T; scaling R by a
    constant (Ohm vs kOhm) must not change any Hc2 number either.
    """
    base = _family("perp", PERP_FIELDS, seed=9)
    scaled = [dataclasses.replace(c, y=c.y * 1e-3) for c in base]
    a = F.hc2_analysis(base, normal_at=0.3)
    b = F.hc2_analysis(scaled, normal_at=0.3)
    assert b.hc2_perp_0_T.value == pytest.approx(a.hc2_perp_0_T.value, rel=1e-10)
    assert b.xi_gl_nm.stderr == pytest.approx(a.xi_gl_nm.stderr, rel=1e-8)


def test_zero_field_reference_and_default_high_t_reference():
    """R_N from the zero-field curve or from the median of the top 10% of T: same Hc2 here."""
    fam = _family("perp", PERP_FIELDS, seed=10)
    a = F.hc2_points_from_rt(fam, normal_at=0.3, reference="zero-field")
    b = F.hc2_points_from_rt(fam)
    assert "lowest-field curve" in a.normal_reference
    assert "top 10%" in b.normal_reference
    ga, gb = F.gl_perp_fit(a), F.gl_perp_fit(b)
    assert ga.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    assert gb.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    c = F.hc2_points_from_rt(fam, r_normal=300.0)
    assert all(q.r_normal_ohm == 300.0 for q in c)


def test_tc_fixed_and_shared_modes():
    """Tc fixed at the truth and a shared Tc both recover B0 within 2% and d within 3%."""
    perp = F.hc2_points_from_rt(_family("perp", PERP_FIELDS, seed=11), normal_at=0.3)
    par = F.hc2_points_from_rt(_family("par", PAR_FIELDS, seed=12), normal_at=0.3)
    gp = F.gl_perp_fit(perp, tc=TC0)
    gq = F.gl_par_fit(par, tc=TC0, xi_gl=gp.xi_gl_nm)
    assert gp.tc_mode == gq.tc_mode == "fixed"
    assert math.isnan(gp.tc_K.stderr)
    assert gp.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    assert gq.hc2_par_0_T.value == pytest.approx(B_PAR, rel=0.02)
    assert gq.d_sc_nm.value == pytest.approx(D_SC * 1e9, rel=0.03)
    r = F.hc2_analysis(perp, par, tc_shared=True)
    assert r.tc_mode == "shared"
    assert r.tc_perp_K.value == r.tc_par_K.value
    assert r.d_sc_nm.value == pytest.approx(D_SC * 1e9, rel=0.03)
    assert r.d_sc_nm.stderr > 0


def test_rb_route_recovers_and_agrees_with_rt_route():
    """R(B) sweeps at fixed T (normal-state MR a + c B^2 removed) give the same GL line (§9)."""
    temps = np.round(np.arange(0.06, 0.2, 0.01), 4)
    pts = F.hc2_points_from_rb(_rb_family(temps, seed=13))
    assert len(pts) == temps.size
    assert all(q.swept == "B" and math.isnan(q.T_stderr_K) and q.B_stderr_T > 0 for q in pts)
    for q in pts:
        assert q.B_T == pytest.approx(B_PERP * (1 - q.T_K / TC0), abs=4e-5)
    g = F.gl_perp_fit(pts)
    assert g.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    g_rt = F.gl_perp_fit(F.hc2_points_from_rt(_family("perp", PERP_FIELDS, seed=14), normal_at=0.3))
    assert g.hc2_perp_0_T.value == pytest.approx(g_rt.hc2_perp_0_T.value, rel=0.02)
    # auto-routing by the swept column, reversed sweeps, both polarities folded
    curves = [
        dataclasses.replace(
            c, x=np.concatenate([-c.x[::-1], c.x]), y=np.concatenate([c.y[::-1], c.y])
        )
        for c in _rb_family(temps, seed=13)
    ]
    r = F.hc2_analysis(curves)
    assert r.hc2_perp_0_T.value == pytest.approx(B_PERP, rel=0.02)
    assert "folded" in r.points[0].note


def test_rb_sweeps_that_stay_superconducting_or_normal_are_dropped():
    """A sweep ending below Hc2 (no normal state) or taken above Tc (always normal) is dropped."""
    b = np.linspace(0, 0.005, 100)
    sc = Curve(b, 300 * 0.5 * (1 + np.tanh((b - 0.006) / 5e-4)), "B_T", "R_ohm", {"T_K": 0.08})
    normal = Curve(b, np.full(b.size, 300.0), "B_T", "R_ohm", {"T_K": 0.25})
    good = _rb_family(np.array([0.1, 0.12, 0.14]), seed=15)
    pts = F.hc2_points_from_rb([sc, normal, *good])
    assert len(pts) == 3
    reasons = {d["T_K"]: d["reason"] for d in pts.dropped}
    assert "normal state not reached" in reasons[0.08]
    assert "not reached" in reasons[0.25]


# --------------------------------------------------------------------------
# Angle dependence, KLB
# --------------------------------------------------------------------------
_ANGLES = np.concatenate([np.linspace(-6, 6, 49), np.linspace(-90, 90, 19)])


@pytest.mark.parametrize(
    ("fn", "verdict"),
    [(p.tinkham_hc2_angle, "2D Tinkham"), (p.gl3d_hc2_angle, "3D anisotropic GL")],
)
def test_angle_fit_picks_the_model_that_made_the_data(fn, verdict):
    """Tinkham data (cusp) -> Tinkham; 3D-GL data (rounded top) -> 3D; offset theta0 recovered."""
    rng = np.random.default_rng(16)
    h = fn(_ANGLES - 0.3, 0.015, 0.767) * (1 + rng.normal(0, 0.01, _ANGLES.size))
    a = F.angle_fit(_ANGLES, h, sigma=0.01 * h)
    assert a.verdict == verdict
    best = a.tinkham if verdict == "2D Tinkham" else a.gl3d
    assert best["theta0_deg"].value == pytest.approx(0.3, abs=0.1)
    assert best["hc2_par_T"].value == pytest.approx(0.767, rel=0.02)
    assert best["hc2_perp_T"].value == pytest.approx(0.015, rel=0.03)
    assert (a.delta_aic > 2) == (verdict == "2D Tinkham")
    json.dumps(to_jsonable(a), allow_nan=False)


def test_angle_fit_from_normal_convention_and_analysis_route():
    """theta from the normal is converted (90 - theta); (theta, Hc2) tuples go through hc2_analysis."""
    th_plane = np.linspace(-8, 8, 33)
    h = p.tinkham_hc2_angle(th_plane, 0.015, 0.767)
    a = F.angle_fit(90 - th_plane, h, from_normal=True)
    assert a.verdict == "2D Tinkham"
    assert a.tinkham["theta0_deg"].value == pytest.approx(0.0, abs=0.02)
    perp = _family("perp", PERP_FIELDS, seed=17)
    r = F.hc2_analysis(perp, angle=(th_plane, h), normal_at=0.3)
    assert r.angle is not None and r.angle.verdict == "2D Tinkham"


def test_klb_fit_recovers_tau_so():
    """T(B) generated with physics.klb_equation (Gamma = 20 k_B Tc0, B_c2/B_P ~ 3.6) -> tau_so within 5%."""
    tc0 = 0.2
    gamma = 20 * p.K_B * tc0
    tau = float(p.tau_so_from_gamma(gamma))
    bs = np.linspace(0.0, 1.2, 20)
    ts = F.klb_t_of_b(bs, tc0, gamma)
    # the line solves the equation
    assert np.max(np.abs(p.klb_equation(ts[1:], bs[1:], tc0, gamma))) < 1e-9
    rng = np.random.default_rng(18)
    m = ts > 0.03
    pts = [
        F.Hc2Point("par", float(b), float(t + rng.normal(0, 1e-3)), 1e-3, math.nan, "T", 300.0)
        for b, t in zip(bs[m], ts[m], strict=True)
    ]
    k = F.klb_fit(pts)
    assert k.tau_so_s.value == pytest.approx(tau, rel=0.05)
    assert abs(k.tau_so_s.value - tau) < 4 * k.tau_so_s.stderr
    assert k.tc0_K.value == pytest.approx(tc0, rel=0.01)
    assert k.gamma_so_over_kTc.value == pytest.approx(20, rel=0.05)
    assert k.hc2_par_0_T.value / float(p.pauli_limit(tc0)) == pytest.approx(3.6, rel=0.05)
    kf = F.klb_fit(pts, tc0=tc0)
    assert kf.tau_so_s.value == pytest.approx(tau, rel=0.05)
    assert math.isnan(kf.tc0_K.stderr)


def test_klb_runs_in_the_analysis_only_above_the_pauli_limit():
    """tau_so is reported when Hc2_par(0) > H_P, and flagged missing otherwise."""
    perp = _family("perp", PERP_FIELDS, seed=19)
    par = _family("par", PAR_FIELDS, seed=20)
    r = F.hc2_analysis(perp, par, normal_at=0.3)
    assert r.hc2_par_over_pauli.value > 1
    assert r.tau_so_s.ok and r.klb is not None
    low = _family("par", np.arange(0, 0.3, 0.02), seed=21, b0=0.3)
    r2 = F.hc2_analysis(perp, low, normal_at=0.3)
    assert r2.hc2_par_over_pauli.value < 1
    assert not r2.tau_so_s.ok and "does not exceed the Pauli limit" in r2.tau_so_s.flag


# --------------------------------------------------------------------------
# Result shape and error paths
# --------------------------------------------------------------------------
def test_only_perp_gives_null_par_keys_with_a_flag():
    """With perpendicular data only, the in-plane keys are present, null and flagged."""
    r = F.hc2_analysis(_family("perp", PERP_FIELDS, seed=22), normal_at=0.3)
    d = json.loads(json.dumps(to_jsonable(r), allow_nan=False))
    for k in ("hc2_perp_0_T", "xi_gl_nm", "hc2_par_0_T", "d_sc_nm", "anisotropy", "pauli_limit_T"):
        assert k in d
    assert d["hc2_par_0_T"]["value"] is None and "in-plane" in d["hc2_par_0_T"]["flag"]
    assert d["d_sc_nm"]["value"] is None and d["anisotropy"]["value"] is None
    assert d["hc2_perp_0_T"]["value"] == pytest.approx(B_PERP, rel=0.02)
    pt = d["points"][0]
    assert {"orientation", "B_T", "T_K", "T_stderr_K"} <= set(pt)
    assert pt["orientation"] == "perp"


def test_only_par_with_given_xi():
    """In-plane data alone: d_SC needs xi_GL, given as xi_gl_nm; without it d is flagged."""
    par = _family("par", PAR_FIELDS, seed=23)
    r = F.hc2_analysis(par=par, normal_at=0.3, xi_gl_nm=146.4)
    assert r.d_sc_nm.value == pytest.approx(D_SC * 1e9, rel=0.03)
    assert not r.hc2_perp_0_T.ok
    r2 = F.hc2_analysis(par=par, normal_at=0.3)
    assert not r2.d_sc_nm.ok and "xi_GL unknown" in r2.d_sc_nm.flag


def test_error_paths():
    fam = _family("perp", PERP_FIELDS[:6], seed=24)
    with pytest.raises(DataError, match="neither"):
        F.hc2_analysis()
    with pytest.raises(FormatError, match="criterion must be a fraction"):
        F.hc2_points_from_rt(fam, criterion=1.5)
    with pytest.raises(DataError, match=r"normal_at = 0.8 K lies outside the T range 0.05-0.4 K"):
        F.hc2_points_from_rt(fam, normal_at=0.8)
    with pytest.raises(FormatError, match="has no fixed field"):
        F.hc2_points_from_rt([Curve(fam[0].x, fam[0].y, "T_K", "R_ohm", {})])
    with pytest.raises(FormatError, match="reference must be"):
        F.hc2_points_from_rt(fam, reference="mean")
    with pytest.raises(DataError, match="no R\\(T\\) curves"):
        F.hc2_points_from_rt([])
    with pytest.raises(FitError, match="needs at least 3 Hc2 points, got 2"):
        F.gl_perp_fit(_exact_points("perp", 0.015, 0.15, [0.0, 0.01]))
    with pytest.raises(FitError, match="at least two different fields"):
        F.gl_perp_fit(_exact_points("perp", 0.015, 0.15, [0.01, 0.01, 0.01]))
    with pytest.raises(FitError, match="does not fall with T"):
        F.gl_perp_fit(
            [F.Hc2Point("perp", b, 0.1 + b, 1e-3, math.nan, "T", 1.0) for b in (0.0, 0.01, 0.02)]
        )
    with pytest.raises(FitError, match="at least 5"):
        F.angle_fit([0, 1, 2], [1, 1, 1])
    with pytest.raises(FormatError, match="xi_gl must be a length in metres"):
        F.gl_par_fit(_exact_points("par", 0.767, 0.15, [0, 0.3, 0.5]), xi_gl=146.4)
    with pytest.raises(FormatError, match=r"expected sc2d\.data\.Curve"):
        F.hc2_points_from_rt([np.zeros(3)])


@pytest.mark.parametrize("criterion", [0.9, 0.1])
def test_other_criteria_shift_the_line_as_the_tanh_predicts(criterion):
    """At fraction f the tanh crosses at T = Tc(B) + w artanh(2f - 1): the GL line's
    B-intercept becomes B0 (1 + delta/Tc0), delta = w artanh(2f - 1) (+4.4% at 0.9)."""
    w = 0.008
    delta = w * math.atanh(2 * criterion - 1)
    pts = F.hc2_points_from_rt(
        _family("perp", PERP_FIELDS, seed=25, width=w), criterion=criterion, normal_at=0.3
    )
    assert pts.criterion == criterion
    g = F.gl_perp_fit(pts)
    assert g.hc2_perp_0_T.value == pytest.approx(B_PERP * (1 + delta / TC0), rel=0.01)
    assert g.tc_K.value == pytest.approx(TC0 + delta, abs=5e-4)


def test_reference_temperature_inside_the_transition_is_flagged():
    """normal_at = Tc0 puts R_N at R_N/2 of the zero-field curve: a note says so (x2 rise)."""
    fam = _family("perp", PERP_FIELDS, seed=26)
    pts = F.hc2_points_from_rt(fam, normal_at=TC0)
    assert pts.notes and "lies inside the transition" in pts.notes[0]
    assert "R_N taken inside the transition" in pts[0].note
    r = F.hc2_analysis(fam, normal_at=TC0)
    assert any("choose a higher --normal-at" in n for n in r.notes)
    assert not F.hc2_points_from_rt(fam, normal_at=0.3).notes


def test_zero_field_crossing_stderr_covers_the_curvature_of_the_transition():
    """The twin's R(T) bends sharply at R = R_N/2 (HN below, AL above): a straight
    line through 40-60% of R_N misses the noiseless midpoint by ~70 uK. The
    estimator systematic (line vs neighbour interpolation) keeps the truth within
    3 stderr, and the Pauli limit states criterion and reference temperature."""
    from sc2d.simulate import SampleParams, solve_tc, true_rt_field, true_tc

    s = solve_tc(SampleParams(r_n=367.0, tc0=0.19, t_bkt=0.178), 0.1815, fraction=0.5, t_ref=0.4)
    t = np.concatenate([np.linspace(0.03, 0.17, 60), np.linspace(0.17, 0.2, 131)[1:]])
    t = np.concatenate([t, np.linspace(0.2, 0.4, 40)[1:]])
    curves = [
        Curve(t, true_rt_field(s, t, b, orientation="perp"), "T_K", "R_ohm", {"B_T": b})
        for b in (0.0, 0.002, 0.004, 0.006)
    ]
    pts = F.hc2_points_from_rt(curves, normal_at=0.4)
    z = pts[0]
    tc = true_tc(s, 0.5, 0.4)
    assert abs(z.T_K - tc) < 3 * z.T_stderr_K, (z.T_K - tc, z.T_stderr_K)
    res = F.hc2_analysis(curves, normal_at=0.4)
    assert "50% of R(T = 0.4 K)" in res.pauli_limit_T.method


def _despike_reference(y, sig):
    """The Hampel filter written with np.median over sliding 7-point windows."""
    from numpy.lib.stride_tricks import sliding_window_view

    if y.size < 7 or not math.isfinite(sig):
        return np.ones(y.size, bool)
    win = sliding_window_view(np.pad(y, 3, mode="edge"), 7)
    med = np.median(win, axis=1)
    mad = 1.482602218505602 * np.median(np.abs(win - med[:, None]), axis=1)
    return np.abs(y - med) <= np.maximum(6 * sig, 6 * mad)


def test_median7_network_is_np_median_with_ties():
    """The 13-comparator median-of-7 network equals np.median on random rows with
    many ties (values from 4 levels), on continuous values, and propagates NaN."""
    rng = np.random.default_rng(20)
    for rows in (rng.integers(0, 4, (5000, 7)).astype(float), rng.standard_normal((5000, 7))):
        got = F._median7(list(rows.T))
        np.testing.assert_array_equal(got, np.median(rows, axis=1))
    rows = rng.standard_normal((50, 7))
    rows[::5, 2] = np.nan
    np.testing.assert_array_equal(F._median7(list(rows.T)), np.median(rows, axis=1))


@pytest.mark.parametrize("n", [7, 8, 13, 200])
def test_despike_mask_identical_to_sliding_median(n):
    """Same mask as the np.median version, edges (padded with the end values)
    included: R(T) steps with quantised (tied) readings, glitches near both ends."""
    rng = np.random.default_rng(21 + n)
    y = np.round(np.linspace(0, 100, n) + rng.standard_normal(n), 0)  # ties
    y[[0, n // 2, n - 1]] += [40.0, -35.0, 50.0]
    for sig in (0.1, 1.0, 5.0, math.nan):
        np.testing.assert_array_equal(F._despike_mask(y, sig), _despike_reference(y, sig))
    if n == 200:  # the middle glitch (35 sigma on a gentle slope) is rejected
        assert not F._despike_mask(y, 1.0)[n // 2]


# --------------------------------------------------------------------------
# remanent field (PHYSICS sec. 1 (ii), sec. 9)
# --------------------------------------------------------------------------
def _rb_through_zero(b0: float, *, seed: int = 1, width_neg: float = 5e-4, t: float = 0.1):
    """R(B) at T = t from -30 to +30 mT, symmetric about B0 (T) in recorded field."""
    rng = np.random.default_rng(seed)
    b = np.linspace(-0.03, 0.03, 401)
    bc = B_PERP * (1 - t / TC0)
    x = np.abs(b - b0)
    width = np.where(b < b0, width_neg, 5e-4)
    r = 300.0 * (1 + 20 * x**2) * 0.5 * (1 + np.tanh((x - bc) / width))
    return b, r + rng.normal(0, 1.5, b.size), bc


@pytest.mark.parametrize("b0", [0.0, 0.002, -0.004])
def test_field_offset_from_the_symmetry_of_r_of_b(b0):
    """The field about which R(B) is symmetric is found to within 3 of its errors
    (and 20 uT) for a remanent field of 0, +2 and -4 mT."""
    b, r, _ = _rb_through_zero(b0)
    e = F.field_offset(b, r)
    assert e.unit == "T" and not e.flag and 0 < e.stderr < 2e-5
    assert e.value == pytest.approx(b0, abs=max(3 * e.stderr, 2e-6))


def test_field_offset_needs_both_sides_of_the_transition():
    """One polarity only, or a sweep that stays normal: no offset, and the reason."""
    b, r, _ = _rb_through_zero(0.0)
    assert "both field polarities" in F.field_offset(b[b > 0], r[b > 0]).flag
    normal = 300.0 * (1 + 20 * b**2)
    e = F.field_offset(b, normal)
    assert math.isnan(e.value) and "does not cross the transition" in e.flag
    # from -7 mT (Hc2 = 8.15 mT): the negative side never reaches the normal state
    short = b > -0.007
    e = F.field_offset(b[short], r[short])
    assert math.isnan(e.value) and "same normal state at both polarities" in e.flag
    pts = F.hc2_points_from_rb([Curve(b[short], r[short], "B_T", "R_ohm", {"T_K": 0.1})])
    assert "field offset not measurable" in pts.points[0].note


def test_asymmetric_transition_is_flagged():
    """A transition twice as broad on one side (sweep lag): the level midpoints
    disagree, and the offset says so."""
    b, r, _ = _rb_through_zero(0.0, width_neg=1.5e-3)
    e = F.field_offset(b, r)
    assert "not symmetric about one field" in e.flag


def test_rb_points_with_a_remanent_field():
    """A 2 mT remanent field: "auto" (the default) folds about the measured zero and
    finds Hc2 to 50 uT with the offset's error included; None folds about B = 0 and
    lands 1.6 mT off, with a note; a stated offset equals auto."""
    b, r, bc = _rb_through_zero(0.002)
    curve = [Curve(b, r, "B_T", "R_ohm", {"T_K": 0.1})]
    auto = F.hc2_points_from_rb(curve).points[0]
    assert auto.B_T == pytest.approx(bc, abs=5e-5)
    assert auto.b_offset_T == pytest.approx(0.002, abs=2e-5)
    assert auto.B_stderr_T >= auto.b_offset_stderr_T > 0
    off = F.hc2_points_from_rb(curve, field_offset_T=None).points[0]
    assert abs(off.B_T - bc) > 1e-3 and "remanent field?" in off.note
    fixed = F.hc2_points_from_rb(curve, field_offset_T=0.002).points[0]
    assert fixed.B_T == pytest.approx(auto.B_T, abs=2e-5)
    with pytest.raises(DataError, match="field offset must be a number of tesla or 'auto'"):
        F.hc2_points_from_rb(curve, field_offset_T="lots")


def test_rt_points_with_a_stated_field_offset():
    """R(T) at fixed fields: a stated offset B0 moves every point to |B_set - B0|."""
    fams = _family("perp", PERP_FIELDS, seed=14)
    plain = F.hc2_points_from_rt(fams, normal_at=0.3)
    shifted = F.hc2_points_from_rt(fams, normal_at=0.3, field_offset_T=0.001)
    by_t = {round(q.T_K, 12): q.B_T for q in shifted.points}
    assert len(by_t) == len(plain.points)
    for pt in plain.points:
        assert by_t[round(pt.T_K, 12)] == pytest.approx(abs(pt.B_T - 0.001), abs=1e-12)
