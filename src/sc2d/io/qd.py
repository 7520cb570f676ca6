"""Quantum Design MultiVu ``.dat`` files (PPMS, MPMS, DynaCool options).

Layout::

    [Header]
    ; comment lines
    TITLE, ...
    FILEOPENTIME, 30422650.78, 12/18/2024, 10:42 AM
    BYAPP, Resistivity, 2.1, 1.0
    INFO, TMR, Sample1 Name          (Resistivity option: value, key)
    INFO, ...,SAMPLE1_MATERIAL       (AC Transport option: value, key)
    ...
    [Data]
    Comment,Time Stamp (sec),Temperature (K),Magnetic Field (Oe),...
    ,30423338.25,2.0005,-10000.77,...

Options that measure several channels write them on alternating rows with
the other channel's cells empty; those stay NaN (rows are never dropped).
Channel roles come from the header: a channel whose sample name/material
mentions "Hall" is preferred for ``Rxy_ohm`` and passed over for ``R_ohm``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import FormatError

__all__ = ["parse_header", "read_qd"]


def parse_header(lines: list[str]) -> tuple[dict[str, Any], int]:
    """Header metadata and the 0-based index of the ``[Data]`` line."""
    meta: dict[str, Any] = {}
    info: dict[str, str] = {}
    info_list: list[str] = []
    data_at = -1
    for i, raw in enumerate(lines):
        s = raw.strip()
        if s.lower() == "[data]":
            data_at = i
            break
        if not s or s.startswith(";") or s.lower() == "[header]":
            continue
        parts = [p.strip() for p in s.split(",")]
        key = parts[0].upper()
        rest = parts[1:]
        if key == "TITLE":
            meta["title"] = ",".join(rest).strip()
        elif key == "FILEOPENTIME":
            meta["file_open_time"] = " ".join(p for p in rest[1:] if p)
        elif key == "BYAPP":
            meta["application"] = " ".join(p for p in rest if p)
        elif key == "INFO" and rest:
            info_list.append(", ".join(rest))
            if len(rest) >= 2:
                a, b = rest[0], ",".join(rest[1:]).strip()
                # Resistivity option writes "value, key"; AC Transport "value, KEY"
                info[b] = a
        elif key in ("TEMPERATURETOLERANCE",):
            meta["temperature_tolerance"] = rest[0] if rest else ""
    if info:
        meta["info"] = info
    return meta, data_at


def _channel_roles(info: dict[str, str]) -> dict[int, str]:
    """Channel number -> sample name/material, from INFO lines."""
    roles: dict[int, str] = {}
    for k, v in info.items():
        m = re.match(r"(?i)sample\s*_?(\d)\s*_?\s*(name|material)$", k.strip())
        if m and v:
            roles[int(m.group(1))] = v
    return roles


def preferences(columns: list[str], meta: dict[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """Preferred columns per canonical name from the QD channel roles.

    Returns the preference map and the columns to keep out of ``R_ohm``.
    """
    roles = _channel_roles(meta.get("info", {}))
    hall = {n for n, r in roles.items() if "hall" in r.lower()}
    prefer: dict[str, list[str]] = {"R_ohm": [], "Rxy_ohm": [], "rho_ohm_m": []}
    if not roles:
        return {}, []
    meta["channels"] = {str(k): v for k, v in sorted(roles.items())}
    for c in columns:
        m = re.search(r"(?i)(?:bridge\s*(\d)|ch\s*(\d))", c)
        if not m:
            continue
        n = int(m.group(1) or m.group(2))
        low = c.lower()
        if "std" in low or "dev" in low:
            continue
        if n in hall and "resistance" in low:
            prefer["Rxy_ohm"].append(c)
        elif n not in hall and ("resistance" in low or "res." in low or "resistivity" in low):
            prefer["R_ohm"].append(c)
            prefer["rho_ohm_m"].append(c)
    return {k: v for k, v in prefer.items() if v}, sorted(hall)


def read_qd(
    path: Path, head: str, *, encoding: str
) -> tuple[pd.DataFrame, dict[str, Any], int, dict[str, list[str]]]:
    """Read a QD ``.dat`` file: DataFrame as written, header metadata, first data line."""
    lines = head.splitlines()
    meta, data_at = parse_header(lines)
    name = path.name
    if data_at < 0:
        raise FormatError(
            f"{name} has a Quantum Design [Header] but no [Data] line in its first "
            f"{len(lines)} lines; the file is truncated or not a MultiVu .dat"
        )
    if data_at + 1 >= len(lines) or not lines[data_at + 1].strip():
        raise FormatError(f"{name}: the [Data] section has no column-name line; check the file")
    try:
        df = pd.read_csv(
            path,
            skiprows=data_at + 1,
            header=0,
            sep=",",
            encoding=encoding,
            index_col=False,
            skip_blank_lines=True,
            low_memory=False,
        )
    except UnicodeDecodeError:
        df = pd.read_csv(
            path, skiprows=data_at + 1, header=0, sep=",", encoding="latin-1", index_col=False
        )
    except pd.errors.ParserError as exc:
        msg = " ".join(str(exc).split())
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", msg)
        where = (
            f"line {m.group(2)} has {m.group(3)} fields, the header {m.group(1)}"
            if m
            else msg[:200]
        )
        raise FormatError(f"{name}: the [Data] rows are ragged ({where}); check the file") from None
    df.columns = [str(c).strip() for c in df.columns]
    if len(df) == 0:
        raise FormatError(f"{name} has a [Data] header but no data rows; the run recorded nothing")
    prefer, hall = preferences([str(c) for c in df.columns], meta)
    if hall:
        meta["hall_channels"] = hall
    return df, meta, data_at + 3, prefer
