"""Quantum Design .dat reader (small files written here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sc2d.errors import FormatError
from sc2d.io import load_curves, read

HEADER = (
    "[Header]\r\n"
    "; Resistivity Data File\r\n"
    "TITLE, KTO S3 R(H)\r\n"
    "FILEOPENTIME,30422650.78,12/18/2024,10:42 AM\r\n"
    "BYAPP, Resistivity, 2.1, 1.0\r\n"
    "INFO, TMR, Sample1 Name\r\n"
    "INFO, Hall, Sample2 Name\r\n"
    "[Data]\r\n"
    "Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),Sample Position (deg),"
    "Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms),Bridge 1 Std. Dev. (Ohm),"
    "Bridge 3 Resistivity (Ohm-cm)\r\n"
)


def _qd(tmp_path: Path, rows: list[str], header: str = HEADER) -> Path:
    p = tmp_path / "run.dat"
    p.write_bytes((header + "\r\n".join(rows) + "\r\n").encode())
    return p


def _rows() -> list[str]:
    out = []
    for k, T in enumerate([2.0, 2.1]):
        for j, H in enumerate(np.linspace(-10000, 10000, 11)):
            t = 100 + k * 100 + j
            # interleaved: bridge 1 on even rows, bridge 2 on odd rows
            if j % 2 == 0:
                out.append(f",{t},{T + 1e-4 * j},{H},0,{0.4 + 1e-6 * H},,0.001,")
            else:
                out.append(f",{t},{T + 1e-4 * j},{H},0,,{1e-6 * H},,")
    out.insert(3, "Sample warmed,,,,,,,,")
    return out


def test_qd_header_units_and_channels(tmp_path: Path) -> None:
    """Oe -> T, Hall-named sample 2 -> Rxy, header metadata kept, CRLF handled."""
    t = read(_qd(tmp_path, _rows()))
    assert t.format == "qd-dat"
    assert t.meta["title"] == "KTO S3 R(H)"
    assert t.meta["channels"] == {"1": "TMR", "2": "Hall"}
    assert t.columns["B_T"].scale == pytest.approx(1e-4)
    assert t.columns["R_ohm"].original == "Bridge 1 Resistance (Ohms)"
    assert t.columns["Rxy_ohm"].original == "Bridge 2 Resistance (Ohms)"
    assert t.columns["theta_deg"].original == "Sample Position (deg)"
    assert t.columns["t_s"].original == "Time Stamp (sec)"
    assert "Bridge 1 Std. Dev. (Ohm)" in t.data.columns  # never taken as R
    np.testing.assert_allclose(np.nanmax(t.column("B_T")), 1.0)
    # interleaved rows all kept (22 data + 1 comment row)
    assert len(t) == 23
    assert t.data["Comment"].iloc[3] == "Sample warmed"


def test_qd_curves_per_temperature(tmp_path: Path) -> None:
    """R(H) at 2.0 and 2.1 K: two curves, NaN of the other channel dropped per curve."""
    t, curves = load_curves(_qd(tmp_path, _rows()), x="B_T", y="R_ohm")
    assert [round(c.fixed["T_K"], 2) for c in curves] == [2.0, 2.1]
    assert [len(c) for c in curves] == [6, 6]
    assert curves[0].direction == "up"
    _, hall = load_curves(t, x="B_T", y="Rxy_ohm")
    assert [len(c) for c in hall] == [5, 5]


def test_qd_resistivity_only(tmp_path: Path) -> None:
    """Only an Ohm-cm column: rho_ohm_m (x0.01), noted in meta, and R_ohm requests fall back to it."""
    head = HEADER.split("[Data]")[0] + "[Data]\r\nTemperature (K),Res. ch2 (ohm-cm)\r\n"
    p = _qd(tmp_path, [f"{T},{1e-4 * T}" for T in np.linspace(3, 2, 10)], header=head)
    t, curves = load_curves(p, x="T_K", y="R_ohm")
    assert t.columns["rho_ohm_m"].scale == pytest.approx(0.01)
    assert t.meta["resistivity_only"] is True
    assert curves[0].y_name == "rho_ohm_m"
    np.testing.assert_allclose(curves[0].y[0], 3e-6)


def test_qd_no_data_section(tmp_path: Path) -> None:
    p = tmp_path / "bad.dat"
    p.write_text("[Header]\nTITLE, x\n")
    with pytest.raises(
        FormatError, match=r"bad\.dat has a Quantum Design \[Header\] but no \[Data\] line"
    ):
        read(p)


def test_qd_no_rows(tmp_path: Path) -> None:
    p = tmp_path / "empty.dat"
    p.write_text("[Header]\nTITLE, x\n[Data]\nTemperature (K),Resistance (Ohm)\n")
    with pytest.raises(FormatError, match=r"empty\.dat has a \[Data\] header but no data rows"):
        read(p)


def test_qd_no_column_names(tmp_path: Path) -> None:
    p = tmp_path / "nocol.dat"
    p.write_text("[Header]\nTITLE, x\n[Data]\n")
    with pytest.raises(FormatError, match=r"the \[Data\] section has no column-name line"):
        read(p)


def test_qd_text_in_numeric_column(tmp_path: Path) -> None:
    """A text cell in the temperature column is named with its file line."""
    rows = _rows()
    rows[5] = rows[5].replace(",2.0", ",warm", 1)
    with pytest.raises(
        FormatError, match=r"column 'Temperature \(K\)' in run\.dat holds text at line 15 \('warm"
    ):
        read(_qd(tmp_path, rows))


def test_qd_ragged_rows(tmp_path: Path) -> None:
    rows = _rows()
    rows[2] = rows[2] + ",1,2,3"
    with pytest.raises(FormatError, match=r"run\.dat: the \[Data\] rows are ragged \(line 12 has"):
        read(_qd(tmp_path, rows))
