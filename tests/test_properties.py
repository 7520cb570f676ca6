"""Property tests (hypothesis): answers do not depend on how a file is written.

Issue #10: "Tc unchanged under unit rescaling, row shuffling, sweep reversal
and duplicated rows; results unchanged when unrelated columns are added".
Each example simulates a measurement with the forward model
(:mod:`sc2d.simulate`, truth known), writes it with the simulate writers in
one set of units and order, reads it back through :mod:`sc2d.io` and runs
the analysis; the answer must equal the reference (K/Ohm, recorded order,
no extra columns) to 1e-9 relative: the transformations lose no
information, so any difference is the analysis depending on presentation.

- Tc: :func:`sc2d.transition.critical_temperature` (single curve), file in
  K or mK, Ohm or kOhm, rows shuffled / reversed / duplicated, extra
  columns (time stamp, heater power, a second thermometer setpoint).
- n_s: :func:`sc2d.tasks.hall.hall_file`, field in T, mT or Oe, sweep
  reversed.
- alpha and T_BKT: :func:`sc2d.tasks.iv.iv_file`, current in A or uA.
"""

from __future__ import annotations

import math
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sc2d.io import load_curves
from sc2d.transition import critical_temperature

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)
REL = 1e-9
CRITS = ("0.9", "0.5", "0.1")


@cache
def _rt(seed: int) -> pd.DataFrame:
    """A cooling R(T) sweep, Tc(0.5 R(0.4 K)) = 0.18 K, 160 points, noise 0.2%."""
    from sc2d.simulate import SampleParams, measure_rt, solve_tc

    p = solve_tc(SampleParams(r_n=300.0, tc0=0.19), 0.18, fraction=0.5, t_ref=0.4)
    return measure_rt(p, np.linspace(0.05, 0.4, 160), rng=seed)[["t_s", "T_K", "R_ohm"]]


def _write(df: pd.DataFrame, path: Path, units: dict[str, str]) -> Path:
    from sc2d.simulate.writers import write_csv

    write_csv(df, path, units=units)
    return path


def _tc_of(path: Path) -> np.ndarray:
    _, curves = load_curves(path, x="T_K", y="R_ohm")
    assert len(curves) == 1
    c = curves[0]
    res = critical_temperature(c.x, c.y, criteria=CRITS, normal_at=0.39)
    return np.array([res.tc_K[k].value for k in CRITS])


def _reference(seed: int, tmp: Path) -> np.ndarray:
    ref = _tc_of(_write(_rt(seed), tmp / "ref.csv", {"T_K": "K", "R_ohm": "Ohm"}))
    assert np.all(np.isfinite(ref))
    assert abs(ref[1] - 0.18) < 0.003  # the twin's truth: the analysis works at all
    return ref


def _assert_same(got: np.ndarray, ref: np.ndarray, what: str) -> None:
    np.testing.assert_allclose(got, ref, rtol=REL, atol=0, err_msg=f"Tc changed under {what}")


# --------------------------------------------------------------------------- Tc
@SETTINGS
@given(
    seed=st.integers(0, 4),
    t_unit=st.sampled_from(["K", "mK"]),
    r_unit=st.sampled_from(["Ohm", "kOhm"]),
)
def test_tc_unchanged_under_unit_rescaling_in_file(
    seed: int, t_unit: str, r_unit: str, tmp_path: Path
) -> None:
    """Tc (K) from a file in mK / kOhm equals Tc from the same data in K / Ohm."""
    ref = _reference(seed, tmp_path)
    got = _tc_of(_write(_rt(seed), tmp_path / "u.csv", {"T_K": t_unit, "R_ohm": r_unit}))
    _assert_same(got, ref, f"units {t_unit}, {r_unit}")


@SETTINGS
@given(seed=st.integers(0, 4), perm_seed=st.integers(0, 2**32 - 1))
def test_tc_unchanged_under_row_shuffling(seed: int, perm_seed: int, tmp_path: Path) -> None:
    """Rows written in random order (a merged log): same Tc."""
    ref = _reference(seed, tmp_path)
    df = _rt(seed)
    perm = np.random.default_rng(perm_seed).permutation(len(df))
    got = _tc_of(_write(df.iloc[perm], tmp_path / "s.csv", {"T_K": "K", "R_ohm": "Ohm"}))
    _assert_same(got, ref, "row shuffling")


@SETTINGS
@given(seed=st.integers(0, 4), t_unit=st.sampled_from(["K", "mK"]))
def test_tc_unchanged_under_sweep_reversal(seed: int, t_unit: str, tmp_path: Path) -> None:
    """The same points recorded warming instead of cooling: same Tc."""
    ref = _reference(seed, tmp_path)
    df = _rt(seed).iloc[::-1]
    got = _tc_of(_write(df, tmp_path / "r.csv", {"T_K": t_unit, "R_ohm": "Ohm"}))
    _assert_same(got, ref, "sweep reversal")


@SETTINGS
@given(seed=st.integers(0, 4))
def test_tc_unchanged_when_every_row_is_duplicated(seed: int, tmp_path: Path) -> None:
    """Every row logged twice (a logger writing each reading twice): same Tc."""
    ref = _reference(seed, tmp_path)
    df = _rt(seed)
    dup = df.loc[df.index.repeat(2)]
    got = _tc_of(_write(dup, tmp_path / "d.csv", {"T_K": "K", "R_ohm": "Ohm"}))
    _assert_same(got, ref, "every row duplicated")


@SETTINGS
@given(seed=st.integers(0, 4), rows=st.lists(st.integers(0, 159), min_size=1, max_size=12))
def test_tc_unchanged_by_a_few_duplicated_rows(seed: int, rows: list[int], tmp_path: Path) -> None:
    """A few rows written twice (a logger hiccup): same Tc."""
    ref = _reference(seed, tmp_path)
    df = _rt(seed)
    idx = np.sort(np.concatenate([np.arange(len(df)), np.asarray(rows)]))
    got = _tc_of(_write(df.iloc[idx], tmp_path / "d.csv", {"T_K": "K", "R_ohm": "Ohm"}))
    _assert_same(got, ref, f"rows {sorted(set(rows))} duplicated")


@SETTINGS
@given(
    seed=st.integers(0, 4),
    extra=st.lists(
        st.sampled_from(
            [
                "Heater Power (W)",
                "Temperature Setpoint (K)",
                "Comment",
                "Magnet Status",
                "Sample Position (deg)",
                "Bridge 2 Resistance (Ohms)",
            ]
        ),
        min_size=1,
        max_size=4,
        unique=True,
    ),
)
def test_tc_unchanged_when_unrelated_columns_are_added(
    seed: int, extra: list[str], tmp_path: Path
) -> None:
    """Extra columns (heater, setpoint, a constant angle, an empty second bridge): same Tc."""
    ref = _reference(seed, tmp_path)
    df = _rt(seed)
    body = pd.DataFrame(
        {
            "Time Stamp (sec)": df["t_s"],
            "Temperature (K)": df["T_K"],
            "Resistance (Ohm)": df["R_ohm"],
        }
    )
    rng = np.random.default_rng(seed)
    for name in extra:
        if name == "Comment":
            body.insert(0, name, "")
        elif name == "Magnet Status":
            body[name] = "persistent"
        elif name == "Sample Position (deg)":
            body[name] = 90.0
        elif name == "Bridge 2 Resistance (Ohms)":
            body[name] = np.nan
        else:
            body[name] = rng.uniform(0, 1, len(body))
    p = tmp_path / "x.csv"
    body.to_csv(p, index=False, float_format="%.9g")
    _assert_same(_tc_of(p), ref, f"extra columns {extra}")


# --------------------------------------------------------------------------- Hall
@cache
def _hall(seed: int) -> pd.DataFrame:
    from sc2d.simulate import SampleParams, measure_hall

    p = SampleParams(r_n=300.0, n_s=7.7e17)
    return measure_hall(p, rng=seed, n=61)[["T_K", "B_T", "Rxy_ohm", "R_ohm"]]


def _n_s(path: Path) -> tuple[float, float]:
    from sc2d.tasks.hall import hall_file

    d = hall_file(path).to_dict()
    return d["n_s_cm2"]["value"], d["mobility_cm2_per_Vs"]["value"]


@SETTINGS
@given(
    seed=st.integers(0, 4),
    b_unit=st.sampled_from(["T", "mT", "Oe", "kOe"]),
    reverse=st.booleans(),
)
def test_hall_density_unchanged_under_field_unit_and_reversal(
    seed: int, b_unit: str, reverse: bool, tmp_path: Path
) -> None:
    """n_s (cm^-2) and mobility from a field in T, mT, Oe or kOe, forward or reversed."""
    df = _hall(seed)
    ref = _n_s(_write(df, tmp_path / "ref.csv", {"B_T": "T"}))
    assert abs(ref[0] / 7.7e13 - 1) < 0.01  # truth 7.7e13 cm^-2
    d2 = df.iloc[::-1] if reverse else df
    got = _n_s(_write(d2, tmp_path / "h.csv", {"B_T": b_unit}))
    np.testing.assert_allclose(got, ref, rtol=REL, err_msg=f"{b_unit}, reversed={reverse}")


# --------------------------------------------------------------------------- I-V
@cache
def _iv() -> pd.DataFrame:
    from sc2d.simulate import SampleParams, measure_iv

    p = SampleParams(r_n=300.0, tc0=0.18, t_bkt_iv=0.138, ic0=4e-6, t_stiff=0.18, alpha_width=0.004)
    temps = [0.05, 0.09, 0.12, 0.13, 0.135, 0.14, 0.145, 0.16]
    return measure_iv(p, temps, rng=3, n=60)[["T_K", "I_A", "V_V"]]


def _iv_numbers(path: Path) -> np.ndarray:
    from sc2d.tasks.iv import iv_file

    d = iv_file(path).to_dict()
    alphas = [c["alpha"]["value"] for c in d["curves"]]
    vals = [d["t_bkt_K"]["value"], *alphas]
    return np.array([math.nan if v is None else v for v in vals])


@pytest.mark.parametrize(("i_unit", "v_unit"), [("uA", "V"), ("mA", "uV"), ("nA", "nV")])
def test_iv_alpha_and_tbkt_unchanged_under_current_unit(
    i_unit: str, v_unit: str, tmp_path: Path
) -> None:
    """alpha per curve and T_BKT (alpha = 3) from I in A or uA (V in V or uV) agree."""
    ref = _iv_numbers(_write(_iv(), tmp_path / "ref.csv", {"I_A": "A", "V_V": "V"}))
    assert abs(ref[0] - 0.138) < 0.01  # truth: alpha = 3 at 0.138 K
    got = _iv_numbers(_write(_iv(), tmp_path / "u.csv", {"I_A": i_unit, "V_V": v_unit}))
    np.testing.assert_allclose(got, ref, rtol=1e-7, equal_nan=True)


@SETTINGS
@given(seed=st.integers(0, 4), reverse=st.booleans())
def test_tc_same_from_qd_dat_and_csv(seed: int, reverse: bool, tmp_path: Path) -> None:
    """The same sweep as a Quantum Design .dat (CRLF, header block, Ohms) or as a CSV."""
    from sc2d.simulate.writers import write_qd

    ref = _reference(seed, tmp_path)
    df = _rt(seed).iloc[::-1] if reverse else _rt(seed)
    p = tmp_path / "rt.dat"
    write_qd(df, p, title="property test")
    _assert_same(_tc_of(p), ref, "QD .dat instead of CSV")
