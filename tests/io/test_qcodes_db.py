"""QCoDeS SQLite reader, against a database built here with the QCoDeS schema."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from sc2d.errors import FormatError
from sc2d.io import load_curves, read


def _spec(name: str, unit: str, label: str, depends: list[str] | None = None) -> dict:
    return {
        "name": name,
        "paramtype": "numeric",
        "label": label,
        "unit": unit,
        "inferred_from": [],
        "depends_on": depends or [],
    }


def _make_db(path: Path, n_runs: int = 1, layouts: bool = True) -> Path:
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE experiments (exp_id INTEGER PRIMARY KEY, name TEXT, sample_name TEXT,
            start_time INTEGER, end_time INTEGER, run_counter INTEGER, format_string TEXT);
        CREATE TABLE runs (run_id INTEGER PRIMARY KEY, exp_id INTEGER, name TEXT,
            result_table_name TEXT, result_counter INTEGER, run_timestamp INTEGER,
            completed_timestamp INTEGER, is_completed BOOL, parameters TEXT, formatter TEXT,
            guid TEXT, run_description TEXT, snapshot TEXT, captured_run_id INTEGER,
            captured_counter INTEGER, parent_datasets TEXT);
        CREATE TABLE layouts (layout_id INTEGER PRIMARY KEY, run_id INTEGER, parameter TEXT,
            label TEXT, unit TEXT, inferred_from TEXT);
        CREATE TABLE dependencies (layout_id INTEGER, independent INTEGER, axis_num INTEGER);
        """
    )
    con.execute(
        "INSERT INTO experiments VALUES (1, 'cooldown', 'S3', 0, 0, ?, '{}-{}-{}')", (n_runs,)
    )
    for r in range(1, n_runs + 1):
        table = f"results-1-{r}"
        specs = [
            _spec("mxc_T", "mK", "Mixing chamber temperature"),
            _spec("dac_gate", "V", "Gate voltage"),
            _spec("lockin_R", "Ohm", "Resistance", ["mxc_T", "dac_gate"]),
        ]
        desc = {"version": 3, "interdependencies": {"paramspecs": specs}}
        con.execute(
            "INSERT INTO runs (run_id, exp_id, name, result_table_name, run_timestamp, "
            "is_completed, parameters, run_description) VALUES (?,?,?,?,?,?,?,?)",
            (
                r,
                1,
                f"RT_{r}",
                table,
                1700000000 + r,
                1,
                "mxc_T,dac_gate,lockin_R",
                json.dumps(desc),
            ),
        )
        if layouts:
            for s in specs:
                con.execute(
                    "INSERT INTO layouts (run_id, parameter, label, unit, inferred_from) VALUES (?,?,?,?,?)",
                    (r, s["name"], s["label"], s["unit"], ""),
                )
        con.execute(
            f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, mxc_T REAL, dac_gate REAL, lockin_R REAL)'
        )
        for vg in (-1.0, 0.0, 1.0):
            for T in np.linspace(500, 20, 25):
                con.execute(
                    f'INSERT INTO "{table}" (mxc_T, dac_gate, lockin_R) VALUES (?,?,?)',
                    (float(T), vg, float(1000 + T + 100 * vg)),
                )
    con.commit()
    con.close()
    return path


@pytest.mark.parametrize("layouts", [True, False])
def test_qcodes_single_run(tmp_path: Path, layouts: bool) -> None:
    """Units from layouts or run_description: mK -> K; gate label -> Vg_V; 3 gate curves."""
    p = _make_db(tmp_path / "exp.db", layouts=layouts)
    t = read(p)
    assert t.format == "qcodes"
    assert t.meta["run_id"] == 1 and t.meta["run_name"] == "RT_1"
    assert t.columns["T_K"].scale == pytest.approx(1e-3)
    assert t.columns["Vg_V"].original == "dac_gate"
    assert t.columns["R_ohm"].original == "lockin_R"
    _, curves = load_curves(t, x="T_K", y="R_ohm")
    assert [c.fixed["Vg_V"] for c in curves] == [-1.0, 0.0, 1.0]
    np.testing.assert_allclose(curves[0].x[0], 0.5)


def test_qcodes_several_runs_need_run_id(tmp_path: Path) -> None:
    p = _make_db(tmp_path / "many.db", n_runs=3)
    with pytest.raises(
        FormatError, match=r"many\.db holds 3 runs \(run ids 1, 2, 3\); choose one with --run-id N"
    ):
        read(p)
    t = read(p, run_id=2)
    assert t.meta["run_name"] == "RT_2"
    with pytest.raises(
        FormatError, match=r"--run-id 7: many\.db has no such run; run ids: 1, 2, 3"
    ):
        read(p, run_id=7)


def test_sqlite_without_runs(tmp_path: Path) -> None:
    p = tmp_path / "other.sqlite"
    con = sqlite3.connect(p)
    con.execute("CREATE TABLE t (a REAL)")
    con.commit()
    con.close()
    with pytest.raises(
        FormatError, match=r"other\.sqlite is an SQLite database without a 'runs' table"
    ):
        read(p)


def test_db_opened_read_only(tmp_path: Path) -> None:
    """Reading never writes: the file is byte-identical afterwards."""
    p = _make_db(tmp_path / "ro.db")
    before = p.read_bytes()
    read(p)
    assert p.read_bytes() == before
