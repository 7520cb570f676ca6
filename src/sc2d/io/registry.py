"""Format detection and the :func:`read` entry point.

The format is chosen once, from the file's first bytes and its extension,
never by trying readers in turn:

====================  ===============================================
first bytes / name    reader
====================  ===============================================
``SQLite format 3``   :mod:`sc2d.io.qcodes_db` (also ``.db``, ``.sqlite``)
HDF5 / netCDF magic   :mod:`sc2d.io.netcdf` (also ``.nc``, ``.h5``...)
``[Header]``          :mod:`sc2d.io.qd` (Quantum Design ``.dat``)
anything else text    :mod:`sc2d.io.text` (CSV/TSV/whitespace)
====================  ===============================================

Nothing is ever executed or unpickled: text goes through pyarrow's or
pandas' CSV parsers, databases through ``sqlite3`` opened read-only, NetCDF through
xarray.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..data import Table
from ..errors import FormatError
from .columns import canonicalise

__all__ = ["FORMATS", "MAX_FILE_BYTES", "read", "sniff_format"]

#: the largest file sc2d reads (bytes)
MAX_FILE_BYTES = 2 * 1024**3
#: how much of a text file is looked at to find its layout
HEAD_BYTES = 1 << 20

_SQLITE_MAGIC = b"SQLite format 3\x00"
_HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
_CDF_MAGIC = (b"CDF\x01", b"CDF\x02", b"CDF\x05")
_SQLITE_EXT = {".db", ".sqlite", ".sqlite3"}
_NC_EXT = {".nc", ".nc4", ".h5", ".hdf5", ".he5", ".cdf"}

#: control characters that no text table holds (a regex: the head is 64 kB)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f]")

_WHAT = "sc2d reads CSV/TSV, Quantum Design .dat, QCoDeS .db and NetCDF"

#: format tag -> one-line description (the registry; readers below)
FORMATS: dict[str, str] = {
    "csv": "delimited text (CSV, TSV, semicolon, whitespace)",
    "qd-dat": "Quantum Design MultiVu .dat",
    "qcodes": "QCoDeS SQLite database",
    "netcdf": "NetCDF / HDF5 (via xarray)",
}


def _check_path(path: Path) -> int:
    if not path.exists():
        raise FormatError(f"file not found: '{path}'; check the path")
    if path.is_dir():
        raise FormatError(f"'{path}' is a directory, not a data file; give one file")
    try:
        size = path.stat().st_size
    except OSError as exc:  # pragma: no cover - odd filesystems
        raise FormatError(f"cannot open '{path}': {exc.strerror}") from None
    if not os.access(path, os.R_OK):
        raise FormatError(f"cannot open '{path}': permission denied; check its permissions")
    if size > MAX_FILE_BYTES:
        got, limit = _human_size(size), _human_size(MAX_FILE_BYTES)
        if got == limit:  # just over: rounding would hide the difference
            got, limit = f"{size} bytes", f"{MAX_FILE_BYTES} bytes"
        raise FormatError(
            f"{path.name} is {got}, over sc2d's limit of {limit}; "
            "split it or read it in chunks with pandas"
        )
    return size


def _human_size(n: int) -> str:
    """A byte count for messages: ``512 bytes``, ``1.5 kB``, ``20 MB``, ``2 GB`` (1024-based)."""
    if n < 1024:
        return f"{n} byte" + ("" if n == 1 else "s")
    x = float(n)
    for unit in ("kB", "MB", "GB", "TB"):
        x /= 1024
        if x < 1024 or unit == "TB":
            break
    return f"{x:.3g} {unit}"


def sniff_format(path: str | os.PathLike[str]) -> str:
    """The format tag of a file (``"csv"``, ``"qd-dat"``, ``"qcodes"``, ``"netcdf"``)."""
    p = Path(path)
    _check_path(p)
    with open(p, "rb") as fh:
        first = fh.read(4096)
    return _format_of(p, first)


def _format_of(p: Path, first: bytes) -> str:
    ext = p.suffix.lower()
    if first.startswith(_SQLITE_MAGIC):
        return "qcodes"
    if first.startswith(_HDF5_MAGIC) or first.startswith(_CDF_MAGIC):
        return "netcdf"
    body = first.lstrip(b"\xef\xbb\xbf").lstrip()
    if body[:8].lower() == b"[header]":
        return "qd-dat"
    if ext in _SQLITE_EXT and first:
        return "qcodes"
    if ext in _NC_EXT and first:
        return "netcdf"
    return "csv"


def _decode_head(p: Path, raw: bytes, size: int) -> tuple[str, str, bool]:
    """Decode the head of a text file; refuse binary content."""
    name = p.name
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise FormatError(f"{name} is not a text table (binary content at byte {nul}); {_WHAT}")
    complete = len(raw) >= size
    if not complete:
        cut = max(raw.rfind(b"\n"), raw.rfind(b"\r"))
        if cut < 0:
            raise FormatError(
                f"{name}: line 1 is longer than {HEAD_BYTES // 1024**2} MB with no line break; "
                f"not a table sc2d can read ({_WHAT})"
            )
        raw = raw[: cut + 1]
    encoding = "utf-8"
    if raw.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = [i for i, b in enumerate(raw[:65536]) if b < 9 or 13 < b < 32]
        if bad:
            raise FormatError(
                f"{name} is not a text table (binary content at byte {bad[0]}); {_WHAT}"
            ) from None
        if exc.start < len(raw) - 4:  # not a multi-byte char cut by the head
            encoding = "latin-1"
            text = raw.decode(encoding)
        else:
            text = raw[: exc.start].decode(encoding)
    hit = _CONTROL_RE.search(text, 0, 65536)
    ctrl = hit.start() if hit else -1
    if ctrl >= 0 and ord(text[ctrl]) != 0x1A:
        raise FormatError(
            f"{name} is not a text table (binary content at byte {len(text[:ctrl].encode(encoding))}); "
            f"{_WHAT}"
        )
    if text.startswith("\ufeff"):
        text = text[1:]
    if len(text) > 1 and text.count("\ufffd") > 0.3 * len(text):
        raise FormatError(f"{name} is not a text table (undecodable bytes); {_WHAT}")
    return text, encoding, complete


def read(
    path: str | os.PathLike[str],
    *,
    units: Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    run_id: int | None = None,
    engine: str | None = None,
) -> Table:
    """Read a measurement file into a :class:`~sc2d.data.Table` with SI columns.

    Parameters
    ----------
    path : path-like
        CSV/TSV/whitespace text, Quantum Design ``.dat``, QCoDeS SQLite
        database or NetCDF/HDF5 file; the format is told from its first bytes
        and extension.
    units : mapping, optional
        Original column name -> unit (``{"Field": "Oe"}``); wins over the
        unit in the header.
    columns : mapping, optional
        Canonical name -> original column (``{"T_K": "Sample Temp"}``);
        overrides recognition.
    run_id : int, optional
        QCoDeS database: which run (needed when the database holds several).
    engine : {"pyarrow", "c"}, optional
        Text files: the parser. Default (and ``"pyarrow"``): ``pyarrow.csv``
        when the layout is simple and every column comes back as numbers,
        without importing pandas; else pandas' C engine, which ``"c"``
        forces. Both give the same table; ``meta["engine"]`` says which
        read the file.

    Returns
    -------
    Table
        ``data`` (a DataFrame, built on first use) with canonical SI columns (``T_K``, ``R_ohm``, ``Rxy_ohm``,
        ``B_T``, ``theta_deg``, ``I_A``, ``V_V``, ``Vg_V``, ``t_s``,
        ``rho_ohm_m``) first, then the file's other columns untouched;
        ``columns`` maps each canonical name to its
        :class:`~sc2d.data.ColumnInfo` (original name, unit, scale to SI).

    Raises
    ------
    FormatError
        Missing/unreadable/binary/empty file, no data rows, text in a
        numeric column.
    UnitError
        A recognised quantity whose unit cannot be told.
    """
    p = Path(os.fspath(path))
    size = _check_path(p)
    with open(p, "rb") as fh:
        first = fh.read(HEAD_BYTES)
    if size == 0 or not first.strip():
        raise FormatError(f"{p.name} is empty; nothing to read")
    fmt = _format_of(p, first)
    reader = _READERS[fmt]
    return reader(p, first, size, units=units, columns=columns, run_id=run_id, engine=engine)


def _read_csv(p: Path, first: bytes, size: int, **kw: Any) -> Table:
    from .text import read_text

    if kw.get("run_id") is not None:
        raise FormatError(f"--run-id applies to QCoDeS databases; {p.name} is a text table")
    text, encoding, complete = _decode_head(p, first, size)
    df, meta, first_line = read_text(
        p, text, complete=complete, encoding=encoding, size=size, engine=kw.get("engine")
    )
    return canonicalise(
        df,
        source=str(p),
        fmt="csv",
        units=kw.get("units"),
        columns=kw.get("columns"),
        meta=meta,
        row_offset=first_line,
        row_word="line",
    )


def _read_qd(p: Path, first: bytes, size: int, **kw: Any) -> Table:
    from .qd import read_qd

    if kw.get("run_id") is not None:
        raise FormatError(
            f"--run-id applies to QCoDeS databases; {p.name} is a Quantum Design file"
        )
    text, encoding, _ = _decode_head(p, first, size)
    df, meta, first_line, prefer = read_qd(p, text, encoding=encoding)
    return canonicalise(
        df,
        source=str(p),
        fmt="qd-dat",
        units=kw.get("units"),
        columns=kw.get("columns"),
        meta=meta,
        prefer=prefer,
        row_offset=first_line,
        row_word="line",
    )


def _read_qcodes(p: Path, first: bytes, size: int, **kw: Any) -> Table:
    from .qcodes_db import read_qcodes

    if not first.startswith(_SQLITE_MAGIC):
        raise FormatError(
            f"{p.name} has a database extension but is not an SQLite file (no 'SQLite format 3' "
            "header); rename it if it is a text table"
        )

    df, meta, labels, unit_hints = read_qcodes(p, run_id=kw.get("run_id"))
    return canonicalise(
        df,
        source=str(p),
        fmt="qcodes",
        units=kw.get("units"),
        columns=kw.get("columns"),
        meta=meta,
        labels=labels,
        unit_hints=unit_hints,
    )


def _read_netcdf(p: Path, first: bytes, size: int, **kw: Any) -> Table:
    from .netcdf import read_netcdf

    if kw.get("run_id") is not None:
        raise FormatError(f"--run-id applies to QCoDeS databases; {p.name} is NetCDF")
    df, meta, labels, unit_hints = read_netcdf(p)
    return canonicalise(
        df,
        source=str(p),
        fmt="netcdf",
        units=kw.get("units"),
        columns=kw.get("columns"),
        meta=meta,
        labels=labels,
        unit_hints=unit_hints,
    )


_READERS: dict[str, Callable[..., Table]] = {
    "csv": _read_csv,
    "qd-dat": _read_qd,
    "qcodes": _read_qcodes,
    "netcdf": _read_netcdf,
}
