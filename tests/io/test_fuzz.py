"""Fuzzing the readers: random bytes and truncated files never crash.

Issue #10: "random bytes and truncated files never crash with anything but
sc2d's errors". Every reader entry point (:func:`sc2d.io.read` and
:func:`sc2d.io.load_curves`) either returns a table or raises a subclass of
:class:`sc2d.errors.Sc2dError` whose message is one line and names the
file. Valid files (CSV, Quantum Design ``.dat``, a QCoDeS SQLite database
built here) are cut at random byte offsets, and random bytes are written
under each extension the registry knows.
"""

from __future__ import annotations

import json
import sqlite3
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sc2d.errors import Sc2dError
from sc2d.io import load_curves, read

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


# --------------------------------------------------------------------------- valid files
def _rt_frame():
    from sc2d.simulate import SampleParams, measure_rt, solve_tc

    p = solve_tc(SampleParams(r_n=300.0, tc0=0.19), 0.18, fraction=0.5, t_ref=0.4)
    return measure_rt(p, np.linspace(0.05, 0.4, 80), rng=1)


@pytest.fixture(scope="module")
def valid_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a valid CSV (mK, kOhm), QD .dat and QCoDeS database."""
    from sc2d.simulate.writers import write_csv, write_qd

    d = tmp_path_factory.mktemp("valid")
    df = _rt_frame()
    write_csv(df[["T_K", "R_ohm"]], d / "rt.csv", units={"T_K": "mK", "R_ohm": "kOhm"})
    write_qd(df[["t_s", "T_K", "R_ohm"]], d / "rt.dat", title="fuzz")
    make_qcodes_db(d / "run.db", df["T_K"].to_numpy(), df["R_ohm"].to_numpy())
    return d


def make_qcodes_db(path: Path, t_k: np.ndarray, r_ohm: np.ndarray) -> Path:
    """A one-run QCoDeS database (schema of qcodes.dataset.sqlite) with T (mK), R (Ohm)."""
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
        """
    )
    specs = [
        {"name": "mxc_T", "paramtype": "numeric", "label": "Temperature", "unit": "mK"},
        {"name": "lockin_R", "paramtype": "numeric", "label": "Resistance", "unit": "Ohm"},
    ]
    desc = {"version": 3, "interdependencies": {"paramspecs": specs}}
    con.execute("INSERT INTO experiments VALUES (1, 'cooldown', 'S', 0, 0, 1, '{}-{}-{}')")
    con.execute(
        "INSERT INTO runs (run_id, exp_id, name, result_table_name, run_timestamp, "
        "is_completed, parameters, run_description) VALUES (1, 1, 'RT', 'results-1-1', "
        "1700000000, 1, 'mxc_T,lockin_R', ?)",
        (json.dumps(desc),),
    )
    for s in specs:
        con.execute(
            "INSERT INTO layouts (run_id, parameter, label, unit, inferred_from) "
            "VALUES (1, ?, ?, ?, '')",
            (s["name"], s["label"], s["unit"]),
        )
    con.execute('CREATE TABLE "results-1-1" (id INTEGER PRIMARY KEY, mxc_T REAL, lockin_R REAL)')
    con.executemany(
        'INSERT INTO "results-1-1" (mxc_T, lockin_R) VALUES (?, ?)',
        [(float(t) * 1e3, float(r)) for t, r in zip(t_k, r_ohm, strict=True)],
    )
    con.commit()
    con.close()
    return path


def _read_all(path: Path) -> None:
    """Read with both entry points; only sc2d errors (one line, naming the file) may escape."""
    for fn in (lambda: read(path), lambda: load_curves(path, x="T_K", y="R_ohm")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                fn()
        except Sc2dError as exc:
            msg = str(exc)
            assert msg.strip(), "an sc2d error must carry a message"
            assert "\n" not in msg.strip(), f"message is not one line: {msg!r}"
            assert "Traceback" not in msg


def test_valid_files_read(valid_dir: Path, tmp_path: Path) -> None:
    """Sanity: the untruncated files read to 80 rows with T in K and R in Ohm."""
    for name in ("rt.csv", "rt.dat", "run.db"):
        p = tmp_path / name
        p.write_bytes((valid_dir / name).read_bytes())
        t = read(p)
        assert len(t) == 80, name
        assert 0.04 < np.nanmin(t.column("T_K")) < 0.06, name
        assert 250 < np.nanmax(t.column("R_ohm")) < 350, name


# --------------------------------------------------------------------------- random bytes
@SETTINGS
@given(
    data=st.binary(min_size=0, max_size=3000),
    ext=st.sampled_from([".csv", ".txt", ".dat", ".db", ".sqlite", ".nc", ".h5", ""]),
)
def test_random_bytes_raise_only_sc2d_errors(data: bytes, ext: str, tmp_path: Path) -> None:
    """Arbitrary bytes under any extension: a table or an Sc2dError, nothing else."""
    p = tmp_path / f"fuzz{ext}"
    p.write_bytes(data)
    _read_all(p)


@SETTINGS
@given(
    prefix=st.sampled_from(
        [b"", b"[Header]\r\n", b"SQLite format 3\x00", b"\x89HDF\r\n\x1a\n", b"CDF\x01"]
    ),
    data=st.binary(min_size=0, max_size=2000),
)
def test_magic_prefix_then_garbage(prefix: bytes, data: bytes, tmp_path: Path) -> None:
    """A format's magic bytes followed by garbage: the chosen reader refuses cleanly."""
    p = tmp_path / "fuzz.bin"
    p.write_bytes(prefix + data)
    _read_all(p)


@SETTINGS
@given(
    text=st.text(
        alphabet=st.sampled_from(list("0123456789.,;-+eE \t\nnaifNAIF#%()[]KOhmT\"'")),
        max_size=400,
    )
)
def test_random_table_like_text(text: str, tmp_path: Path) -> None:
    """Text made of the characters tables are made of: never a crash."""
    p = tmp_path / "fuzz.csv"
    p.write_text("Temperature (K),Resistance (Ohm)\n" + text, encoding="utf-8")
    _read_all(p)


# --------------------------------------------------------------------------- truncation
@pytest.mark.parametrize("name", ["rt.csv", "rt.dat", "run.db"])
@SETTINGS
@given(frac=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_files(name: str, frac: float, valid_dir: Path, tmp_path: Path) -> None:
    """A valid file cut at any byte: a (shorter) table or an Sc2dError."""
    data = (valid_dir / name).read_bytes()
    p = tmp_path / name
    p.write_bytes(data[: int(frac * len(data))])
    _read_all(p)


@pytest.mark.parametrize("name", ["rt.csv", "rt.dat", "run.db"])
@SETTINGS
@given(pos=st.floats(min_value=0.0, max_value=0.999), byte=st.integers(0, 255))
def test_one_corrupted_byte(
    name: str, pos: float, byte: int, valid_dir: Path, tmp_path: Path
) -> None:
    """A valid file with one byte overwritten: a table or an Sc2dError."""
    data = bytearray((valid_dir / name).read_bytes())
    data[int(pos * len(data))] = byte
    p = tmp_path / name
    p.write_bytes(bytes(data))
    _read_all(p)


@pytest.mark.parametrize("cut", [0.25, 0.5, 0.75, 0.95])
def test_truncated_qcodes_db_named_in_message(cut: float, valid_dir: Path, tmp_path: Path) -> None:
    """A cut database is refused naming the file (or read, when only free pages went)."""
    data = (valid_dir / "run.db").read_bytes()
    p = tmp_path / "run.db"
    p.write_bytes(data[: int(cut * len(data))])
    try:
        read(p)
    except Sc2dError as exc:
        assert "run.db" in str(exc)


def test_truncated_csv_keeps_the_rows_it_has(valid_dir: Path, tmp_path: Path) -> None:
    """A CSV cut mid-row reads the complete rows before the cut (values unchanged)."""
    data = (valid_dir / "rt.csv").read_bytes()
    full = tmp_path / "full.csv"
    full.write_bytes(data)
    cut = tmp_path / "cut.csv"
    lines = data.split(b"\n")
    cut.write_bytes(b"\n".join(lines[:41]) + b"\n" + lines[41][:3])
    a, b = read(full), read(cut)
    n = min(40, len(b))
    assert n >= 39
    np.testing.assert_array_equal(b.column("T_K")[:n], a.column("T_K")[:n])


@pytest.mark.parametrize("junk", [",", "nan,nan", ",nan", "inf,-inf", " , "])
@pytest.mark.parametrize("at", [1, 39, 79])
def test_blank_or_nan_row_inside_data_keeps_header_and_rows(
    junk: str, at: int, valid_dir: Path, tmp_path: Path
) -> None:
    """A row of empty / NaN cells inside the data (sc2d's own writer writes NaN as an
    empty cell) costs that row only: header, units and all other rows are kept."""
    lines = (valid_dir / "rt.csv").read_text(encoding="utf-8").splitlines()
    p = tmp_path / "gap.csv"
    p.write_text("\n".join([*lines[: at + 1], junk, *lines[at + 1 :]]) + "\n", encoding="utf-8")
    ref = read(valid_dir / "rt.csv")
    t = read(p)
    assert t.columns["T_K"].original == ref.columns["T_K"].original
    assert len(t) == len(ref) + 1
    got = t.column("T_K")
    np.testing.assert_array_equal(got[np.isfinite(got)], ref.column("T_K"))
