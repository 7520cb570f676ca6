"""One contract, run over every public analysis function (STYLE "Contract tests").

For each analysis (transition, normal/Hall, BKT I-V and R(T), fields Hc2 from
families, gating dome / capacitance / series), with inputs simulated by the
forward model (:mod:`sc2d.simulate`, truth known):

1. **read-only inputs**: every array is passed read-only
   (``a.setflags(write=False)``); the call must not fail because of it and
   every input stays bit-identical afterwards (compared with a private copy);
2. **reversed sweep**: the same points in reverse recorded order (each
   curve reversed, and the family's list reversed) give the same numbers to
   ``REV_RTOL`` (1e-9 relative: the points are the same, only their order
   differs);
3. **units**: data rescaled the way a reader does it (values written in mK,
   kOhm, Oe, uA... and multiplied back to SI) give the same SI numbers to
   ``UNIT_RTOL`` (1e-7 relative: only the last bits of the inputs change).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pytest

from sc2d import bkt, fields, gating, normal, transition
from sc2d.data import Curve, Estimate

REV_RTOL = 1e-9
UNIT_RTOL = 1e-7

#: reader scale factors per canonical quantity: file value * scale = SI
SCALE = {"T_K": 1e-3, "R_ohm": 1e3, "B_T": 1e-4, "I_A": 1e-6, "V_V": 1e-6, "Vg_V": 1.0}


# --------------------------------------------------------------------------- inputs
@cache
def _sample() -> Any:
    from sc2d.simulate import SampleParams, solve_tc

    p = SampleParams(
        r_n=300.0,
        tc0=0.19,
        t_bkt=0.178,
        n_s=7.7e17,
        t_bkt_iv=0.138,
        ic0=4e-6,
        t_stiff=0.19,
        alpha_width=0.004,
        retrap=1.0,
    )
    return solve_tc(p, 0.181, fraction=0.5, t_ref=0.4, vary="tc0")


@cache
def _rt() -> tuple[np.ndarray, np.ndarray]:
    from sc2d.simulate import measure_rt

    df = measure_rt(_sample(), rng=11)  # the default grid: dense through the transition
    return df["T_K"].to_numpy(), df["R_ohm"].to_numpy()


@cache
def _hall() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from sc2d.simulate import measure_hall

    df = measure_hall(_sample(), rng=12, n=61)
    return df["B_T"].to_numpy(), df["Rxy_ohm"].to_numpy(), df["R_ohm"].to_numpy()


@cache
def _iv_curves() -> list[Curve]:
    from sc2d.io.segment import find_steps
    from sc2d.simulate import measure_iv

    df = measure_iv(_sample(), [0.05, 0.1, 0.125, 0.135, 0.14, 0.145, 0.16], rng=13, n=60)
    lab = find_steps(df["T_K"].to_numpy())
    out = []
    for k in np.unique(lab):
        m = lab == k
        t = float(df["T_K"].to_numpy()[m].mean())
        out.append(
            Curve(df["I_A"].to_numpy()[m], df["V_V"].to_numpy()[m], "I_A", "V_V", {"T_K": t})
        )
    return out


@cache
def _field_family(orientation: str) -> list[Curve]:
    from sc2d.io.segment import find_steps
    from sc2d.simulate import measure_rt_field

    bs = np.linspace(0, 0.012, 5) if orientation == "perp" else np.linspace(0, 0.6, 5)
    df = measure_rt_field(
        _sample(), bs, np.linspace(0.03, 0.4, 160), orientation=orientation, rng=14
    )
    lab = find_steps(df["B_T"].to_numpy())
    out = []
    for k in np.unique(lab):
        m = lab == k
        b = float(np.round(df["B_T"].to_numpy()[m].mean(), 6))
        out.append(
            Curve(df["T_K"].to_numpy()[m], df["R_ohm"].to_numpy()[m], "T_K", "R_ohm", {"B_T": b})
        )
    return out


VG = np.arange(-150.0, 151.0, 30.0)


def _gate() -> dict[str, np.ndarray]:
    from sc2d.simulate import gate_params

    g = gate_params(VG)
    rng = np.random.default_rng(15)
    return {
        "vg": VG.copy(),
        "tc": g["tc"] + rng.normal(0, 3e-4, VG.size),
        "tc_err": np.full(VG.size, 3e-4),
        "n_s": g["n_s"] * (1 + rng.normal(0, 1e-3, VG.size)),
        "mobility": g["mobility"],
        "ic": g["ic0"],
    }


# --------------------------------------------------------------------------- numbers
def _num(x: Any) -> float:
    if isinstance(x, Estimate):
        return x.value
    if isinstance(x, dict) and "value" in x:
        return math.nan if x["value"] is None else float(x["value"])
    return math.nan if x is None else float(x)


def _get(res: Any, path: str, what: str = "value") -> float:
    d: Any = res.to_dict() if hasattr(res, "to_dict") else res
    for p in path.split("/"):
        d = d[int(p)] if isinstance(d, list) else d[p]
    if what == "stderr":
        v = d.get("stderr") if isinstance(d, dict) else None
        return math.nan if v is None else float(v)
    return _num(d)


def _numbers(res: Any, keys: list[str], what: str = "value") -> np.ndarray:
    return np.array([_get(res, k, what) for k in keys])


# --------------------------------------------------------------------------- cases
@dataclass
class Case:
    """One analysis call: ``fn(*args, **kwargs)``; ``keys`` name the numbers compared.

    ``args``/``kwargs`` hold arrays, lists of Curves, or plain values;
    ``units`` maps argument names (``"0"``, ``"1"``... for positionals) to the
    canonical quantity whose reader scale applies; ``paired`` names the
    arrays that are one sweep (reversed together).
    """

    name: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    keys: list[str]
    units: dict[str, str]
    paired: tuple[str, ...] = ()
    extract: Callable[[Any], np.ndarray] | None = None
    #: I-V only: reversing 0->+I->0->-I->0 swaps the rising and falling legs, so
    #: other points serve as the "rising" branch; the answers must then agree
    #: within this many combined standard errors (retrap = 1: no hysteresis).
    rev_sigma: float | None = None


def _cases() -> list[Case]:
    T, R = _rt()
    B, Rxy, Rxx = _hall()
    ivc = _iv_curves()
    ic0 = ivc[0]
    perp, par = _field_family("perp"), _field_family("par")
    g = _gate()
    tc_keys = ["tc_K/0.9", "tc_K/0.5", "tc_K/0.1", "r_normal_ohm"]
    return [
        Case(
            "critical_temperature",
            transition.critical_temperature,
            (T, R),
            {"normal_at": 0.39},
            tc_keys,
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "critical_temperature[fit_window]",
            transition.critical_temperature,
            (T, R),
            {"fit_window": (0.3, 0.4)},
            tc_keys,
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "normal_resistance",
            transition.normal_resistance,
            (T, R),
            {"at": 0.39},
            [],
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
            extract=lambda e: np.array([e.value, e.stderr]),
        ),
        Case(
            "tc_family",
            transition.tc_family,
            (perp,),
            {"normal_at": 0.39},
            [f"curves/{i}/tc_K/0.5" for i in range(5)],
            {},
        ),
        Case(
            "tc_vs_density",
            transition.tc_vs_density,
            (np.array([5e17, 6e17, 7.7e17, 9e17, 1e18]), np.array([0.12, 0.15, 0.18, 0.21, 0.24])),
            {},
            ["slope_K_cm2", "n_critical_cm2"],
            {},
            ("0", "1"),
        ),
        Case(
            "hall_analysis",
            normal.hall_analysis,
            (B, Rxy),
            {"rxx": Rxx, "b_xx": B},
            ["n_s_cm2", "mobility_cm2_per_Vs", "r_s_ohm"],
            {"0": "B_T", "1": "R_ohm", "rxx": "R_ohm", "b_xx": "B_T"},
            ("0", "1", "rxx", "b_xx"),
        ),
        Case(
            "antisymmetrize",
            normal.antisymmetrize,
            (B, Rxy),
            {},
            [],
            {"0": "B_T", "1": "R_ohm"},
            ("0", "1"),
            extract=lambda r: np.concatenate([np.asarray(a, float).ravel() for a in r]),
        ),
        Case(
            "zero_field_resistance",
            normal.zero_field_resistance,
            (B, Rxx),
            {},
            [],
            {"0": "B_T", "1": "R_ohm"},
            ("0", "1"),
            extract=lambda e: np.array([e.value]),
        ),
        Case(
            "critical_current",
            bkt.critical_current,
            (ic0.x, ic0.y),
            {},
            ["ic_pos_A", "ic_neg_A"],
            {"0": "I_A", "1": "V_V"},
            ("0", "1"),
            rev_sigma=2.0,
        ),
        Case(
            "power_law",
            bkt.power_law,
            (ivc[4].x, ivc[4].y),
            {},
            ["alpha"],
            {"0": "I_A", "1": "V_V"},
            ("0", "1"),
            rev_sigma=2.0,
        ),
        Case(
            "iv_family",
            bkt.iv_family,
            (ivc,),
            {},
            ["t_bkt_K"] + [f"curves/{i}/alpha" for i in range(len(ivc))],
            {},
            rev_sigma=2.0,
        ),
        Case(
            "halperin_nelson_fit",
            bkt.halperin_nelson_fit,
            (T, R),
            {"normal_at": 0.39},
            ["t_bkt_K", "b", "r0_ohm"],
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "hn_linearization",
            bkt.hn_linearization,
            (T, R),
            {"normal_at": 0.39},
            ["t_bkt_linearized_K", "b"],
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "al_fit",
            bkt.al_fit,
            (T, R),
            {"normal_at": 0.39},
            ["tc0_K"],
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "bkt_rt",
            bkt.bkt_rt,
            (T, R),
            {"normal_at": 0.39},
            ["t_bkt_K", "b", "t_bkt_linearized_K", "tc0_K"],
            {"0": "T_K", "1": "R_ohm"},
            ("0", "1"),
        ),
        Case(
            "hc2_points_from_rt",
            fields.hc2_points_from_rt,
            (perp,),
            {"normal_at": 0.39},
            [],
            {},
            extract=lambda r: np.sort([p.T_K for p in r.points]),
        ),
        Case(
            "hc2_analysis",
            fields.hc2_analysis,
            (perp, par),
            {"normal_at": 0.39, "klb": False},
            ["hc2_perp_0_T", "hc2_par_0_T", "xi_gl_nm", "d_sc_nm"],
            {},
        ),
        Case(
            "tc_dome",
            gating.tc_dome,
            (g["vg"], g["tc"], g["tc_err"]),
            {},
            ["tc_peak_Vg_V", "tc_max_K"],
            {"0": "Vg_V", "1": "T_K", "2": "T_K"},
            ("0", "1", "2"),
        ),
        Case(
            "gate_capacitance",
            gating.gate_capacitance,
            (g["vg"], g["n_s"]),
            {"thickness_m": 0.5e-3},
            ["c_per_area_F_m2", "eps_r_eff"],
            {"0": "Vg_V"},
            ("0", "1"),
        ),
        Case(
            "gate_series",
            gating.gate_series,
            (g["vg"],),
            {"tc": g["tc"], "n_s": g["n_s"], "mobility": g["mobility"], "ic": g["ic"]},
            ["tc_peak_Vg_V"],
            {"0": "Vg_V", "tc": "T_K", "ic": "I_A"},
            ("0", "tc", "n_s", "mobility", "ic"),
        ),
    ]


CASES = {c.name: c for c in _cases()}


# --------------------------------------------------------------------------- helpers
def _map_inputs(case: Case, f: Callable[[str, Any], Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    args = tuple(f(str(i), a) for i, a in enumerate(case.args))
    kwargs = {k: f(k, v) for k, v in case.kwargs.items()}
    return args, kwargs


def _readonly(a: Any) -> Any:
    if isinstance(a, np.ndarray):
        b = np.array(a, copy=True)
        b.setflags(write=False)
        return b
    return a


def _call(case: Case, args: tuple[Any, ...], kwargs: dict[str, Any]) -> np.ndarray:
    return _call_se(case, args, kwargs)[0]


def _call_se(
    case: Case, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray]:
    res = case.fn(*args, **kwargs)
    if case.extract is not None:
        v = np.asarray(case.extract(res), float)
        return v, np.full(v.shape, np.nan)
    return _numbers(res, case.keys), _numbers(res, case.keys, "stderr")


def _reverse_curve(c: Curve) -> Curve:
    return Curve(c.x[::-1], c.y[::-1], c.x_name, c.y_name, dict(c.fixed), "", c.source)


def _reverse(case: Case) -> Callable[[str, Any], Any]:
    def f(name: str, a: Any) -> Any:
        if isinstance(a, list) and a and isinstance(a[0], Curve):
            return [_reverse_curve(c) for c in a]  # each sweep reversed, steps kept
        if name in case.paired and isinstance(a, np.ndarray):
            return _readonly(a[::-1])
        return _readonly(a)

    return f


def _rescale(case: Case) -> Callable[[str, Any], Any]:
    def scale(a: np.ndarray, q: str) -> np.ndarray:
        s = SCALE[q]
        return _readonly((np.asarray(a, float) / s) * s)  # written in the unit, read back

    def f(name: str, a: Any) -> Any:
        if isinstance(a, list) and a and isinstance(a[0], Curve):
            out = []
            for c in a:
                fixed = {k: float(scale(np.array([v]), k)[0]) for k, v in c.fixed.items()}
                out.append(
                    Curve(scale(c.x, c.x_name), scale(c.y, c.y_name), c.x_name, c.y_name, fixed)
                )
            return out
        if name in case.units and isinstance(a, np.ndarray):
            return scale(a, case.units[name])
        return _readonly(a)

    return f


def _assert_close(got: np.ndarray, ref: np.ndarray, rtol: float, what: str) -> None:
    assert got.shape == ref.shape, what
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ref), err_msg=what)
    np.testing.assert_allclose(got, ref, rtol=rtol, atol=0, equal_nan=True, err_msg=what)


# --------------------------------------------------------------------------- tests
@pytest.mark.parametrize("name", list(CASES))
def test_readonly_inputs_unchanged(name: str) -> None:
    """Read-only arrays are accepted and stay bit-identical; the answer is finite."""
    case = CASES[name]
    args, kwargs = _map_inputs(case, lambda k, a: _readonly(a))
    before = [
        (np.array(a, copy=True), a) for a in (*args, *kwargs.values()) if isinstance(a, np.ndarray)
    ]
    curves_before = [
        (np.array(c.x, copy=True), np.array(c.y, copy=True), dict(c.fixed), c)
        for a in (*args, *kwargs.values())
        if isinstance(a, list)
        for c in a
        if isinstance(c, Curve)
    ]
    ref = _call(case, args, kwargs)
    for copy, a in before:
        assert not a.flags.writeable
        np.testing.assert_array_equal(a, copy, err_msg=f"{name} modified an input array")
    for x, y, fixed, c in curves_before:
        np.testing.assert_array_equal(c.x, x, err_msg=f"{name} modified a curve")
        np.testing.assert_array_equal(c.y, y, err_msg=f"{name} modified a curve")
        assert c.fixed == fixed, f"{name} modified a curve's fixed values"
    assert np.isfinite(ref).any(), f"{name} gave no number on clean simulated data: {ref}"


@pytest.mark.parametrize("name", list(CASES))
def test_reversed_sweep_same_answer(name: str) -> None:
    """The same points in reverse order give the same numbers (1e-9 relative; I-V:
    within ``rev_sigma`` combined standard errors, see :class:`Case`)."""
    case = CASES[name]
    ref, se_ref = _call_se(case, *_map_inputs(case, lambda k, a: _readonly(a)))
    got, se_got = _call_se(case, *_map_inputs(case, _reverse(case)))
    what = f"{name}: reversed sweep changed {case.keys or 'result'}"
    if case.rev_sigma is None:
        _assert_close(got, ref, REV_RTOL, what)
        return
    np.testing.assert_array_equal(np.isfinite(got), np.isfinite(ref), err_msg=what)
    m = np.isfinite(ref)
    z = np.abs(got[m] - ref[m]) / np.hypot(se_ref[m], se_got[m])
    assert np.all(z <= case.rev_sigma), (
        f"{what}: forward {ref[m]} ± {se_ref[m]}, reversed {got[m]} ± {se_got[m]}; "
        f"differences {np.round(z, 1)} combined stderr (allowed {case.rev_sigma})"
    )


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.units or not c.paired])
def test_reader_units_same_si_answer(name: str) -> None:
    """Inputs written in mK/kOhm/Oe/uA and read back to SI give the same SI numbers."""
    case = CASES[name]
    ref = _call(case, *_map_inputs(case, lambda k, a: _readonly(a)))
    got = _call(case, *_map_inputs(case, _rescale(case)))
    _assert_close(got, ref, UNIT_RTOL, f"{name}: unit round trip changed {case.keys or 'result'}")
