"""QCoDeS SQLite databases, read directly with :mod:`sqlite3` (no qcodes import).

Schema used (QCoDeS ``dataset/sqlite``):

- ``runs(run_id, exp_id, name, result_table_name, run_timestamp,
  is_completed, run_description, ...)``; ``run_description`` is JSON with
  ``interdependencies.paramspecs`` = ``[{name, unit, label, paramtype,
  depends_on, ...}]`` (schema versions 0-3; newer ones also carry
  ``interdependencies_``).
- ``layouts(layout_id, run_id, parameter, label, unit, inferred_from)``
  (older databases; used when present).
- the results table named by ``result_table_name`` with an ``id`` column and
  one column per parameter.

The database is opened read-only (``file:...?mode=ro``). Array-valued
parameters (``paramtype`` "array": one numpy ``.npy`` blob per result row,
as ``ParameterWithSetpoints`` and buffered sweeps store them) are expanded
the way ``DataSet.to_pandas_dataframe`` does: each row becomes as many rows
as its arrays hold, scalars of the row repeated. Blobs are decoded with
``numpy.lib.format.read_array(..., allow_pickle=False)``: nothing is
unpickled; object, text and complex arrays are refused with a message.
"""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import FormatError

__all__ = ["list_runs", "read_qcodes"]


def _connect(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
        con.execute("SELECT name FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.DatabaseError as exc:
        raise FormatError(
            f"{path.name} is not a readable SQLite database ({exc}); check the file"
        ) from None
    return con


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def list_runs(path: str | Path) -> list[dict[str, Any]]:
    """Runs of a QCoDeS database: ``run_id``, ``name``, ``result_table_name``."""
    p = Path(path)
    con = _connect(p)
    try:
        return _runs(con, p)
    finally:
        con.close()


def _runs(con: sqlite3.Connection, p: Path) -> list[dict[str, Any]]:
    if "runs" not in _tables(con):
        raise FormatError(
            f"{p.name} is an SQLite database without a 'runs' table; sc2d reads QCoDeS databases"
        )
    cols = [r[1] for r in con.execute("PRAGMA table_info(runs)")]
    want = [
        c for c in ("run_id", "exp_id", "name", "result_table_name", "run_timestamp") if c in cols
    ]
    rows = con.execute(f"SELECT {', '.join(want)} FROM runs ORDER BY run_id").fetchall()
    return [dict(zip(want, r, strict=False)) for r in rows]


def _paramspecs(con: sqlite3.Connection, run_id: int) -> dict[str, dict[str, str]]:
    """parameter -> {label, unit} from layouts or run_description."""
    specs: dict[str, dict[str, str]] = {}
    if "layouts" in _tables(con):
        for par, label, unit in con.execute(
            "SELECT parameter, label, unit FROM layouts WHERE run_id=?", (run_id,)
        ):
            specs[str(par)] = {"label": label or "", "unit": unit or ""}
    cols = [r[1] for r in con.execute("PRAGMA table_info(runs)")]
    if "run_description" in cols:
        row = con.execute("SELECT run_description FROM runs WHERE run_id=?", (run_id,)).fetchone()
        if row and row[0]:
            try:
                desc = json.loads(row[0])
            except (TypeError, ValueError):
                desc = {}
            inter = desc.get("interdependencies") or {}
            for ps in inter.get("paramspecs", []) or []:
                if isinstance(ps, dict) and "name" in ps:
                    d = specs.setdefault(str(ps["name"]), {})
                    d.setdefault("label", ps.get("label") or "")
                    if not d.get("unit"):
                        d["unit"] = ps.get("unit") or ""
                    d["paramtype"] = ps.get("paramtype") or ""
    return specs


def read_qcodes(
    path: Path, *, run_id: int | None = None
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str], dict[str, str]]:
    """One run of a QCoDeS database as a DataFrame (one column per parameter).

    Returns the DataFrame, metadata (run id, name, experiment, timestamp),
    parameter labels and parameter units. A damaged database (truncated,
    corrupted bytes) is refused with a :class:`FormatError` naming the file.
    """
    try:
        return _read_qcodes(path, run_id)
    except (sqlite3.Error, pd.errors.DatabaseError) as exc:
        msg = " ".join(str(exc).split())[:200]
        raise FormatError(
            f"{path.name} is a damaged or unreadable SQLite database ({msg}); "
            "copy it again from the instrument PC or repair it with sqlite3 '.recover'"
        ) from None


def _read_qcodes(
    path: Path, run_id: int | None
) -> tuple[pd.DataFrame, dict[str, Any], dict[str, str], dict[str, str]]:
    con = _connect(path)
    try:
        runs = _runs(con, path)
        if not runs:
            raise FormatError(f"{path.name} is a QCoDeS database with no runs; nothing to read")
        ids = [int(r["run_id"]) for r in runs]
        if run_id is None:
            if len(ids) > 1:
                shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")
                raise FormatError(
                    f"{path.name} holds {len(ids)} runs (run ids {shown}); choose one with --run-id N"
                )
            run_id = ids[0]
        if run_id not in ids:
            raise FormatError(
                f"--run-id {run_id}: {path.name} has no such run; run ids: "
                + ", ".join(str(i) for i in ids[:20])
            )
        run = runs[ids.index(run_id)]
        table = run.get("result_table_name")
        if not table or table not in _tables(con):
            raise FormatError(
                f"run {run_id} of {path.name} has no results table ('{table}'); the run holds no data"
            )
        specs = _paramspecs(con, run_id)
        qt = '"' + str(table).replace('"', '""') + '"'
        df = pd.read_sql_query(f"SELECT * FROM {qt}", con)
    finally:
        con.close()
    ids = None
    if "id" in df.columns:
        ids = df["id"].to_numpy()
        df = df.drop(columns=["id"])
    where = f"run {run_id} in {path.name}"
    left_out: dict[str, str] = {}
    df, expanded = _expand_arrays(df, ids, where, left_out)
    if len(df) == 0:
        raise FormatError(f"run {run_id} of {path.name} has no data rows; the run recorded nothing")
    meta: dict[str, Any] = {
        "run_id": run_id,
        "run_name": run.get("name"),
        "exp_id": run.get("exp_id"),
        "result_table": table,
    }
    if run.get("run_timestamp") is not None:
        meta["run_timestamp"] = run.get("run_timestamp")
    if expanded:
        meta["expanded_arrays"] = expanded
        meta.setdefault("notes", []).append(
            f"array parameters {', '.join(expanded)} expanded: one row per array element"
        )
    for c, why in left_out.items():
        meta.setdefault("left_out", {})[c] = why
        meta.setdefault("notes", []).append(f"parameter '{c}' left out: it holds {why}")
    labels = {k: v["label"] for k, v in specs.items() if v.get("label")}
    units = {k: v["unit"] for k, v in specs.items() if v.get("unit")}
    meta["parameters"] = {
        k: {"label": v.get("label", ""), "unit": v.get("unit", "")} for k, v in specs.items()
    }
    return df, meta, labels, units


#: the first bytes of a numpy .npy blob (how QCoDeS stores array and complex values)
_NPY_MAGIC = b"\x93NUMPY"


class _Unreadable(Exception):
    """A blob column sc2d does not read (complex, text or pickled values); says why."""


def _expand_arrays(
    df: pd.DataFrame, ids: Any, where: str, left_out: dict[str, str]
) -> tuple[pd.DataFrame, list[str]]:
    """Rows holding numpy blobs expanded to one row per array element.

    Within a result row every array must have the same number of elements
    (a parameter and its setpoints); scalars and one-element arrays of the
    row are repeated, a parameter missing from the row is NaN. A blob column
    of complex, text or pickled values is left out of the table and the
    reason put in ``left_out`` (the other parameters stay readable). Returns
    the table and the names of the expanded columns (none: the table as it
    was). The loop runs over result rows (sweep steps), not over points.
    """
    blob_cols = [
        c
        for c in df.columns
        if df[c].dtype == object and any(isinstance(v, bytes) for v in df[c].to_numpy())
    ]
    if not blob_cols:
        return df, []
    n = len(df)
    label = (lambda i: int(ids[i])) if ids is not None else (lambda i: i + 1)
    cells: dict[str, list[np.ndarray]] = {}
    for c in blob_cols:
        try:
            cells[c] = [_cell_array(v, label(i)) for i, v in enumerate(df[c].to_numpy())]
        except _Unreadable as exc:
            left_out[c] = str(exc)
    blob_cols = list(cells)
    df = df.drop(columns=list(left_out))
    if not blob_cols:
        return df, []
    sizes = np.ones(n, dtype=np.intp)
    for i in range(n):
        lengths = {c: cells[c][i].size for c in blob_cols if cells[c][i].size != 1}
        if len(set(lengths.values())) > 1:
            shown = ", ".join(f"'{c}' {m}" for c, m in lengths.items())
            raise FormatError(
                f"result row {label(i)} of {where} holds arrays of different lengths ({shown}); "
                "sc2d expands a row's arrays side by side, so they must match"
            )
        if lengths:
            sizes[i] = next(iter(lengths.values()))
    out: dict[str, Any] = {}
    for c in df.columns:
        if c in blob_cols:
            parts = [
                a if a.size == m else np.full(m, a[0] if a.size else np.nan)
                for a, m in zip(cells[c], sizes.tolist(), strict=True)
            ]
            out[c] = np.concatenate(parts) if parts else np.empty(0)
        else:
            out[c] = np.repeat(df[c].to_numpy(), sizes)
    return pd.DataFrame(out), blob_cols


def _cell_array(v: Any, row: int) -> np.ndarray:
    """One cell of a blob column as a flat float array (empty cell: one NaN).

    Raises _Unreadable for what sc2d does not read in a cell.
    """
    if v is None or (isinstance(v, float) and v != v):
        return np.full(1, np.nan)
    if not isinstance(v, bytes):
        try:
            return np.full(1, float(v))
        except (TypeError, ValueError):
            raise _Unreadable(f"text '{str(v)[:40]}' in result row {row}") from None
    if not v.startswith(_NPY_MAGIC):
        raise _Unreadable(f"binary data that is not a numpy array in result row {row}")
    try:
        a = np.lib.format.read_array(io.BytesIO(v), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        msg = " ".join(str(exc).split())[:120]
        raise _Unreadable(
            f"an array that cannot be read without unpickling in result row {row} ({msg})"
        ) from None
    if a.dtype.kind == "c":
        raise _Unreadable(
            "complex values (sc2d reads real numbers: store X and Y as two parameters)"
        )
    if a.dtype.kind not in "fiub":
        raise _Unreadable(f"{a.dtype} arrays in result row {row}")
    return a.astype(float).ravel()
