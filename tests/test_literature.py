"""The cited literature table, placing a sample beside it, orientation comparison."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest

from sc2d.data import Estimate
from sc2d.errors import DataError, FormatError
from sc2d.literature import (
    LITERATURE_VERSION,
    NUMERIC_COLUMNS,
    load_literature,
    normalize_orientation,
    orientation_comparison,
    place_sample,
)


def test_table_loads_with_citations_and_version():
    """Every row cites journal, volume, page and year; the version is recorded."""
    df = load_literature()
    assert len(df) >= 12
    assert df.attrs["version"] == LITERATURE_VERSION
    for c in ("journal", "volume", "page"):
        assert (df[c].str.strip() != "").all(), c
    assert df["year"].between(2007, 2030).all()
    assert (df["source_checked"].str.strip() != "").all()
    assert not df["this_work"].any()
    assert df["label"].iloc[0] == "LaAlO3/SrTiO3(001), Reyren 2007"
    assert df["label"].is_unique


def test_numeric_columns_are_numbers_or_blank_and_physical():
    """Numeric cells are floats or NaN; Tc > 0 where given; each row with numbers."""
    df = load_literature()
    for c in NUMERIC_COLUMNS:
        assert df[c].dtype == float
    tc = df["tc_K"].dropna()
    assert (tc > 0).all() and (tc < 10).all()
    assert (df["n_s_cm2"].dropna().between(1e12, 1e15)).all()
    assert (df["d_sc_nm"].dropna() < df["xi_gl_nm"].max()).all()


def test_table_covers_the_issue_systems():
    """LAO/STO (001, 110, 111), KTO (111, 110, 001), EuO/KTO, a-CZO/KTO(111), the study."""
    df = load_literature()
    sto = df[df.substrate == "SrTiO3"]
    assert set(sto.orientation) == {"001", "110", "111"}
    kto = df[df.substrate == "KTaO3"]
    assert set(kto.orientation) == {"001", "110", "111"}
    assert df.system.str.contains("EuO").any()
    assert ((df.system == "a-CaZrO3/KTaO3") & (df.orientation == "111")).any()
    czo = df[(df.system == "CaZrO3/KTaO3") & (df.orientation == "001")]
    assert czo["tc_K"].max() == pytest.approx(0.25)
    assert czo["xi_gl_nm"].max() == pytest.approx(146.4)
    assert czo["d_sc_nm"].max() == pytest.approx(10.1)
    assert czo["t_bkt_K"].max() == pytest.approx(0.138)
    assert df[(df.system == "CaZrO3/KTaO3") & (df.orientation == "111")].tc_K.iloc[0] == 2.22


def test_reference_values_consistent_with_gl():
    """The study's xi_GL = 146.4 nm implies B_c2perp(0) = Phi0/(2 pi xi^2) = 0.01536 T
    (PHYSICS §11: it reports 0.015 T, rounded)."""
    from sc2d import physics

    df = load_literature()
    xi = df.loc[df.xi_gl_nm.idxmax(), "xi_gl_nm"] * 1e-9
    assert float(physics.hc2_perp_from_xi(xi)) == pytest.approx(0.01536, abs=2e-5)


def test_place_sample_appends_flagged_row_and_leaves_table():
    """The user's row is appended as this work; JSON estimates accepted."""
    base = load_literature()
    n = len(base)
    out = place_sample(
        {
            "name": "S3",
            "orientation": "(001)",
            "tc_K": {"value": 0.21, "stderr": 0.002},
            "n_s_cm2": 8.1e13,
        },
        base,
    )
    assert len(base) == n and len(out) == n + 1
    last = out.iloc[-1]
    assert bool(last["this_work"]) and last["journal"] == "this work"
    assert last["orientation"] == "001"
    assert last["tc_K"] == 0.21 and math.isnan(last["xi_gl_nm"])
    with pytest.raises(DataError, match="give at least one number"):
        place_sample({"name": "empty", "orientation": "001"})
    with pytest.raises(FormatError, match="expects a mapping"):
        place_sample([1, 2])  # type: ignore[arg-type]


def test_normalize_orientation():
    assert normalize_orientation("(001)") == "001"
    assert normalize_orientation("100") == "001"
    assert normalize_orientation(1) == "001"
    assert normalize_orientation(" (111) ") == "111"
    assert normalize_orientation(None) == ""


def test_orientation_comparison_reference_trend():
    """Three (001) samples on the study's line Tc = 0.25e-14 (n - 0.76e13) and one each
    of (110)/(111): slope recovered exactly, ranking Tc(001) < Tc(110) < Tc(111)."""
    ns = np.array([4.5e13, 7.7e13, 10.3e13])
    tc = 0.25e-14 * (ns - 0.76e13)
    samples = [
        {"name": f"S{i}", "orientation": "001", "tc_K": t, "n_s_cm2": n}
        for i, (t, n) in enumerate(zip(tc, ns, strict=True))
    ]
    samples += [
        {"name": "K110", "orientation": "(110)", "tc_K": Estimate(1.04, 0.01, "K")},
        {"name": "K111", "orientation": "111", "tc_K": {"value": 2.22}, "n_s_cm2": None},
        {"name": "no-orientation", "tc_K": 0.1},
    ]
    r = orientation_comparison(samples, criterion="0.5")
    assert list(r.orientations) == ["001", "110", "111"]
    o1 = r.orientations["001"]
    assert o1.n_samples == 3 and o1.tc_max_K.value == pytest.approx(tc.max())
    assert o1.tc_mean_K.value == pytest.approx(tc.mean())
    tvn = o1.tc_vs_ns
    slope = tvn["slope_K_cm2"] if isinstance(tvn, dict) else tvn.slope_K_cm2
    assert float(getattr(slope, "value", slope)) == pytest.approx(0.25e-14, rel=1e-9)
    assert r.orientations["110"].tc_vs_ns is None
    assert r.ranking == "Tc(001) < Tc(110) < Tc(111)"
    js = json.loads(json.dumps(r.to_dict(), allow_nan=False))
    assert js["orientations"]["111"]["tc_max_K"]["value"] == 2.22
    assert "001" in r.summary()


def test_orientation_comparison_needs_tc():
    with pytest.raises(DataError, match="orientation and a Tc"):
        orientation_comparison([{"name": "a", "orientation": "001", "n_s_cm2": 1e13}])


def test_literature_table_as_samples():
    """The literature itself can be compared by orientation (KTO rows)."""
    df = load_literature()
    kto = df[df.substrate == "KTaO3"].rename(columns={"system": "name"})
    r = orientation_comparison(kto.to_dict("records"))
    assert r.ranking.endswith("Tc(111)")
    assert isinstance(df, pd.DataFrame)
