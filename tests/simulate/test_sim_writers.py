"""CSV and Quantum Design .dat writers round-trip through a minimal pandas read."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from sc2d.simulate import instrument as ins
from sc2d.simulate.models import SampleParams
from sc2d.simulate.writers import write_csv, write_qd

P = SampleParams(tc0=0.2, t_bkt=0.19)


def _df() -> pd.DataFrame:
    df = ins.measure_rt_field(P, [0.0, 0.005], np.linspace(0.1, 0.4, 40), rng=0, blanks=0.05)
    return df


def test_csv_round_trip_with_display_units(tmp_path):
    """Headers 'Name (unit)'; values scaled to mK / kOhm / Oe and back to SI to
    1e-8; blank cells read back as NaN."""
    df = _df()
    path = write_csv(
        df, tmp_path / "a.csv", units={"T_K": "mK", "R_ohm": "kOhm", "B_T": "Oe"}, comments=["x"]
    )
    back = pd.read_csv(path, comment="#")
    assert list(back.columns) == [
        "Time (s)",
        "Temperature (mK)",
        "Magnetic Field (Oe)",
        "Resistance (kOhm)",
    ]
    np.testing.assert_allclose(back["Temperature (mK)"] / 1e3, df.T_K, rtol=1e-8)
    np.testing.assert_allclose(back["Magnetic Field (Oe)"] / 1e4, df.B_T, rtol=1e-8, atol=1e-12)
    r = back["Resistance (kOhm)"].to_numpy() * 1e3
    assert np.array_equal(np.isnan(r), np.isnan(df.R_ohm.to_numpy()))
    assert np.isnan(r).any()
    np.testing.assert_allclose(r, df.R_ohm, rtol=1e-8)


def test_csv_unknown_unit_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown display unit"):
        write_csv(_df(), tmp_path / "a.csv", units={"T_K": "furlong"})


def test_qd_dat_layout_and_round_trip(tmp_path):
    """[Header] with TITLE/BYAPP/INFO/DATATYPE, [Data], CRLF line ends, empty
    cells for unused bridges; field in Oe, R in Bridge 1 (Ohms)."""
    df = _df()
    path = write_qd(df, tmp_path / "a.dat", title="t")
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")
    text = raw.decode()
    head, data = text.split("[Data]\r\n")
    for key in ("[Header]", "TITLE,t", "BYAPP,", "INFO,", "DATATYPE,"):
        assert key in head
    back = pd.read_csv(io.StringIO(data))
    assert list(back.columns[:7]) == [
        "Comment",
        "Time Stamp (sec)",
        "Temperature (K)",
        "Magnetic Field (Oe)",
        "Sample Position (deg)",
        "Bridge 1 Resistance (Ohms)",
        "Bridge 1 Excitation (uA)",
    ]
    assert back["Bridge 3 Resistance (Ohms)"].isna().all()
    np.testing.assert_allclose(back["Temperature (K)"], df.T_K, rtol=1e-8)
    np.testing.assert_allclose(back["Magnetic Field (Oe)"] / 1e4, df.B_T, rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(back["Bridge 1 Resistance (Ohms)"], df.R_ohm, rtol=1e-8)


def test_writes_are_atomic_and_leave_no_temp(tmp_path):
    write_csv(_df(), tmp_path / "a.csv")
    write_csv(_df(), tmp_path / "a.csv")
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


def test_round_trip_through_sc2d_io(tmp_path):
    """If the readers exist: CSV (mK, kOhm, Oe) and QD .dat give the same SI columns."""
    sio = pytest.importorskip("sc2d.io")
    df = _df()
    a = write_csv(df, tmp_path / "a.csv", units={"T_K": "mK", "R_ohm": "kOhm", "B_T": "Oe"})
    b = write_qd(df, tmp_path / "b.dat")
    for path in (a, b):
        t = sio.read(path)
        np.testing.assert_allclose(t.column("T_K"), df.T_K, rtol=1e-8)
        np.testing.assert_allclose(t.column("B_T"), df.B_T, rtol=1e-8, atol=1e-12)
        np.testing.assert_allclose(t.column("R_ohm"), df.R_ohm, rtol=1e-8)
