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
parameters (numpy blobs) are refused with a message: nothing is unpickled.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

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
        arrays = [k for k, v in specs.items() if v.get("paramtype") == "array"]
        qt = '"' + str(table).replace('"', '""') + '"'
        df = pd.read_sql_query(f"SELECT * FROM {qt}", con)
    finally:
        con.close()
    if "id" in df.columns:
        df = df.drop(columns=["id"])
    for a in arrays:
        if a in df.columns and df[a].map(lambda v: isinstance(v, bytes)).any():
            raise FormatError(
                f"parameter '{a}' of run {run_id} in {path.name} is stored as arrays; "
                "sc2d reads numeric (scalar) parameters; export the run with qcodes to NetCDF"
            )
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
    labels = {k: v["label"] for k, v in specs.items() if v.get("label")}
    units = {k: v["unit"] for k, v in specs.items() if v.get("unit")}
    meta["parameters"] = {
        k: {"label": v.get("label", ""), "unit": v.get("unit", "")} for k, v in specs.items()
    }
    return df, meta, labels, units
