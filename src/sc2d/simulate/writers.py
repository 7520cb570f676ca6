"""Writers of simulated measurements: CSV and Quantum Design ``.dat``.

Both take a DataFrame with canonical SI columns (``T_K``, ``R_ohm``,
``Rxy_ohm``, ``B_T``, ``I_A``, ``V_V``, ``Vg_V``, ``t_s``), convert to the
display units asked for, write NaN as an empty cell, and write atomically
(a temporary file in the same folder, then :func:`os.replace`).
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["DISPLAY_NAMES", "UNIT_SCALE", "atomic_write_text", "write_csv", "write_qd"]

#: canonical column -> header name (the unit goes in parentheses)
DISPLAY_NAMES: dict[str, str] = {
    "t_s": "Time",
    "T_K": "Temperature",
    "R_ohm": "Resistance",
    "Rxy_ohm": "Hall Resistance",
    "B_T": "Magnetic Field",
    "theta_deg": "Angle",
    "I_A": "Current",
    "V_V": "Voltage",
    "Vg_V": "Gate Voltage",
}

#: unit -> factor from SI to that unit (value_in_unit = SI * factor)
UNIT_SCALE: dict[str, float] = {
    "s": 1.0,
    "K": 1.0,
    "mK": 1e3,
    "Ohm": 1.0,
    "Ohms": 1.0,
    "kOhm": 1e-3,
    "T": 1.0,
    "mT": 1e3,
    "Oe": 1e4,
    "kOe": 10.0,
    "A": 1.0,
    "mA": 1e3,
    "uA": 1e6,
    "nA": 1e9,
    "V": 1.0,
    "mV": 1e3,
    "uV": 1e6,
    "nV": 1e9,
    "deg": 1.0,
}

_DEFAULT_UNITS: dict[str, str] = {
    "t_s": "s",
    "T_K": "K",
    "R_ohm": "Ohm",
    "Rxy_ohm": "Ohm",
    "B_T": "T",
    "theta_deg": "deg",
    "I_A": "A",
    "V_V": "V",
    "Vg_V": "V",
}


def atomic_write_text(path: str | os.PathLike[str], text: str, newline: str = "\n") -> Path:
    """Write ``text`` to ``path`` atomically (temp file in the same folder + os.replace)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fmt(x: float, digits: int = 9) -> str:
    if x is None or not np.isfinite(x):
        return ""
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def write_csv(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    units: Mapping[str, str] | None = None,
    sep: str = ",",
    columns: list[str] | None = None,
    comments: list[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> Path:
    """Write canonical SI columns as a CSV with ``Name (unit)`` headers.

    Parameters
    ----------
    df : DataFrame
        Canonical SI columns.
    path : path
        Output file.
    units : mapping, optional
        Display unit per canonical column, e.g. ``{"T_K": "mK", "B_T": "Oe"}``
        (known: see :data:`UNIT_SCALE`); others keep SI.
    sep : str
        Field separator.
    columns : list, optional
        Which canonical columns to write, in order (default: all known ones
        present, in the frame's order).
    comments : list of str, optional
        Lines written first, each prefixed with ``# ``.
    names : mapping, optional
        Override header names per canonical column.
    """
    units = {**_DEFAULT_UNITS, **dict(units or {})}
    names = {**DISPLAY_NAMES, **dict(names or {})}
    cols = columns or [c for c in df.columns if c in DISPLAY_NAMES]
    lines = [f"# {c}" for c in (comments or [])]
    heads = []
    data = []
    for c in cols:
        u = units[c]
        if u not in UNIT_SCALE:
            raise ValueError(f"unknown display unit {u!r} for {c}; known: {sorted(UNIT_SCALE)}")
        heads.append(f"{names[c]} ({u})")
        data.append(df[c].to_numpy(dtype=float) * UNIT_SCALE[u])
    lines.append(sep.join(heads))
    arr = np.column_stack(data) if data else np.empty((0, 0))
    for row in arr:
        lines.append(sep.join(_fmt(v) for v in row))
    return atomic_write_text(path, "\n".join(lines) + "\n")


_QD_COLUMNS = [
    "Comment",
    "Time Stamp (sec)",
    "Temperature (K)",
    "Magnetic Field (Oe)",
    "Sample Position (deg)",
    "Bridge 1 Resistance (Ohms)",
    "Bridge 1 Excitation (uA)",
    "Bridge 2 Resistance (Ohms)",
    "Bridge 2 Excitation (uA)",
    "Bridge 3 Resistance (Ohms)",
    "Bridge 3 Excitation (uA)",
    "Bridge 4 Resistance (Ohms)",
    "Bridge 4 Excitation (uA)",
    "Number of Readings",
    "Status (code)",
]


def write_qd(
    df: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    title: str = "sc2d simulated measurement",
    info: Mapping[str, str] | None = None,
    excitation_uA: float = 0.01,
    when: _dt.datetime | None = None,
) -> Path:
    """Write a Quantum Design PPMS resistivity ``.dat`` file (CRLF line ends).

    ``R_ohm`` goes to Bridge 1, ``Rxy_ohm`` (if present) to Bridge 2; the
    field is written in Oe, the angle (``theta_deg``, default 0) as the
    sample position. Unused bridges are empty cells, as the PPMS writes them.
    """
    when = when or _dt.datetime(2025, 3, 14, 17, 5, 0)
    n = len(df)
    t0 = when.timestamp()
    ts = df["t_s"].to_numpy(float) if "t_s" in df else np.arange(n) * 4.0
    cols: dict[str, np.ndarray] = {c: np.full(n, np.nan) for c in _QD_COLUMNS[1:]}
    cols["Time Stamp (sec)"] = t0 + ts
    cols["Temperature (K)"] = df["T_K"].to_numpy(float)
    cols["Magnetic Field (Oe)"] = (
        df["B_T"].to_numpy(float) * 1e4 if "B_T" in df else np.zeros(n) + 0.0
    )
    cols["Sample Position (deg)"] = (
        df["theta_deg"].to_numpy(float) if "theta_deg" in df else np.zeros(n)
    )
    cols["Bridge 1 Resistance (Ohms)"] = df["R_ohm"].to_numpy(float)
    cols["Bridge 1 Excitation (uA)"] = np.full(n, excitation_uA)
    if "Rxy_ohm" in df:
        cols["Bridge 2 Resistance (Ohms)"] = df["Rxy_ohm"].to_numpy(float)
        cols["Bridge 2 Excitation (uA)"] = np.full(n, excitation_uA)
    cols["Number of Readings"] = np.full(n, 25.0)
    cols["Status (code)"] = np.full(n, 196608.0)
    header = [
        "[Header]",
        "; Quantum Design PPMS Resistivity Option data file (simulated by sc2d)",
        f"TITLE,{title}",
        "BYAPP,Resistivity, 1.6 Build 19",
        "INFO,APPNAME,Resistivity",
    ]
    for k, v in (info or {}).items():
        header.append(f"INFO,{v},{k}")
    header += [
        "INFO,Bridge 1: sheet resistance R_xx (Van der Pauw),BRIDGE1",
        "DATATYPE,COMMENT,1",
        "DATATYPE,TIME,2",
        "FIELDGROUP,Resistivity,3,4,5,6,7,8,9,10,11,12,13,14,15",
        "STARTUPAXIS,X,3",
        "STARTUPAXIS,Y1,6",
        f"FILEOPENTIME,{t0:.0f},{when:%m/%d/%Y},{when:%I:%M %p}",
        "[Data]",
        ",".join(_QD_COLUMNS),
    ]
    digits = {"Time Stamp (sec)": 12, "Status (code)": 8, "Number of Readings": 4}
    rows = []
    arrs = [cols[c] for c in _QD_COLUMNS[1:]]
    dig = [digits.get(c, 9) for c in _QD_COLUMNS[1:]]
    for k in range(n):
        rows.append("," + ",".join(_fmt(a[k], d) for a, d in zip(arrs, dig, strict=True)))
    return atomic_write_text(path, "\r\n".join(header + rows) + "\r\n", newline="")
