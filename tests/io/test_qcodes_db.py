"""QCoDeS SQLite reader, against a database built here with the QCoDeS schema."""

from __future__ import annotations

import io
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


# --------------------------------------------------------------------------
# array-valued parameters (numpy .npy blobs, one per result row)
# --------------------------------------------------------------------------
def _npy(a: np.ndarray, version: tuple[int, int] | None = (3, 0)) -> bytes:
    """A value as QCoDeS stores an array: .npy bytes (version 3.0; None: np.save's)."""
    out = io.BytesIO()
    if version is None:
        np.save(out, a)
    else:
        np.lib.format.write_array(out, a, version=version, allow_pickle=False)
    return out.getvalue()


def _make_iv_db(path: Path, rows: list[tuple], extra: dict | None = None) -> Path:
    """A run of I-V sweeps: T (numeric, one per row), I and V (arrays), as a
    QCoDeS ParameterWithSetpoints measurement writes them."""
    con = sqlite3.connect(path)
    con.executescript(
        """
        CREATE TABLE runs (run_id INTEGER PRIMARY KEY, exp_id INTEGER, name TEXT,
            result_table_name TEXT, run_timestamp INTEGER, is_completed BOOL,
            run_description TEXT);
        """
    )
    specs = [
        _spec("mxc_T", "K", "Temperature"),
        {**_spec("keithley_I", "A", "Current"), "paramtype": "array"},
        {**_spec("dmm_V", "V", "Voltage", ["mxc_T", "keithley_I"]), "paramtype": "array"},
    ]
    cols = ["mxc_T", "keithley_I", "dmm_V"]
    for name in extra or {}:
        specs.append({**_spec(name, "", name), "paramtype": "array"})
        cols.append(name)
    desc = {"version": 3, "interdependencies": {"paramspecs": specs}}
    con.execute(
        "INSERT INTO runs VALUES (1, 1, 'IV', 'results-1-1', 1700000000, 1, ?)",
        (json.dumps(desc),),
    )
    decl = ", ".join(f"{c} {'REAL' if c == 'mxc_T' else 'array'}" for c in cols)
    con.execute(f'CREATE TABLE "results-1-1" (id INTEGER PRIMARY KEY, {decl})')
    for k, row in enumerate(rows):
        vals = list(row) + [v[k] for v in (extra or {}).values()]
        con.execute(
            f'INSERT INTO "results-1-1" ({", ".join(cols)}) VALUES ({",".join("?" * len(cols))})',
            vals,
        )
    con.commit()
    con.close()
    return path


def _iv_rows(version: tuple[int, int] | None = (3, 0)) -> tuple[list[tuple], dict]:
    i = np.linspace(-2e-6, 2e-6, 41)
    temps = [0.05, 0.10, 0.20]
    rows = [(t, _npy(i, version), _npy(1e3 * (1 + t) * i, version)) for t in temps]
    return rows, {"i": i, "temps": temps}


@pytest.mark.parametrize("version", [(3, 0), (1, 0), None])
def test_array_parameters_expand_to_one_row_per_element(
    tmp_path: Path, version: tuple[int, int] | None
) -> None:
    """Three I-V sweeps stored as arrays (npy 3.0 as QCoDeS writes it now; 1.0 and
    np.save as older versions did): 3 x 41 rows, T repeated along each sweep, and
    load_curves gives the three I-V curves, each V = R(T) I."""
    rows, truth = _iv_rows(version)
    t = read(_make_iv_db(tmp_path / "iv.db", rows))
    assert len(t) == 3 * 41 and t.meta["expanded_arrays"] == ["keithley_I", "dmm_V"]
    np.testing.assert_array_equal(t.column("T_K"), np.repeat(truth["temps"], 41))
    _, curves = load_curves(t, x="I_A", y="V_V")
    assert [c.fixed["T_K"] for c in curves] == pytest.approx(truth["temps"])
    for c, temp in zip(curves, truth["temps"], strict=True):
        np.testing.assert_allclose(c.x, truth["i"], rtol=0, atol=0)
        np.testing.assert_allclose(c.y, 1e3 * (1 + temp) * truth["i"], rtol=1e-15)


def test_array_rows_with_scalars_and_gaps(tmp_path: Path) -> None:
    """A one-element array or a scalar is repeated along the row's arrays; a parameter
    missing from a row (NULL) is NaN there; sweeps of different lengths are kept."""
    i1, i2 = np.linspace(0, 1e-6, 5), np.linspace(0, 2e-6, 3)
    rows = [
        (0.05, _npy(i1), _npy(2e3 * i1)),
        (0.10, _npy(i2), None),
        (0.20, _npy(np.array([7e-7])), _npy(np.array([0.0014]))),
    ]
    t = read(_make_iv_db(tmp_path / "iv.db", rows))
    assert len(t) == 5 + 3 + 1
    v = t.column("V_V")
    np.testing.assert_allclose(v[:5], 2e3 * i1)
    assert np.isnan(v[5:8]).all() and v[8] == pytest.approx(0.0014)
    np.testing.assert_array_equal(t.column("T_K"), [0.05] * 5 + [0.10] * 3 + [0.20])


def test_arrays_of_different_lengths_in_one_row_are_refused(tmp_path: Path) -> None:
    rows = [(0.05, _npy(np.zeros(5)), _npy(np.zeros(4)))]
    with pytest.raises(
        FormatError,
        match=r"result row 1 of run 1 in iv\.db holds arrays of different lengths "
        r"\('keithley_I' 5, 'dmm_V' 4\)",
    ):
        read(_make_iv_db(tmp_path / "iv.db", rows))


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (np.array([1 + 2j, 3 - 1j]), "complex values"),
        (np.array(["a", "b"]), "<U1 arrays"),
        (b"not an array", "binary data that is not a numpy array"),
    ],
)
def test_unreadable_array_parameter_is_left_out_with_the_reason(
    tmp_path: Path, value: object, why: str
) -> None:
    """A complex (lock-in X + iY), text or foreign blob parameter is left out, said in
    the notes, and named when the analysis asks for a column that is missing; the real
    parameters are still read. Pickled objects are never loaded."""
    rows, _ = _iv_rows()
    blob = value if isinstance(value, bytes) else _npy(value)
    t = read(_make_iv_db(tmp_path / "iv.db", rows, extra={"lockin_Z": [blob] * 3}))
    assert "lockin_Z" not in t.names and why in t.meta["left_out"]["lockin_Z"]
    assert any("lockin_Z" in n and why in n for n in t.meta["notes"])
    assert len(t) == 3 * 41 and t.has("V_V")
    with pytest.raises(
        FormatError, match=r"no longitudinal / sheet resistance .*left out of the file: 'lockin_Z'"
    ):
        t.column("R_ohm")


def test_pickled_object_array_is_not_unpickled(tmp_path: Path) -> None:
    """An object array (which only pickle can store) is left out, never unpickled."""
    out = io.BytesIO()
    np.lib.format.write_array(out, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    rows, _ = _iv_rows()
    t = read(_make_iv_db(tmp_path / "iv.db", rows, extra={"obj": [out.getvalue()] * 3}))
    assert "cannot be read without unpickling" in t.meta["left_out"]["obj"]
