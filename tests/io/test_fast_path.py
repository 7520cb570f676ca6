"""The pandas-free CSV route: pyarrow reader, array-backed Table, vectorised segmentation.

The pyarrow path must give exactly the table of pandas' C engine (same
canonical columns, values to the bit, dtypes, ``meta`` apart from the engine
tag) and hand every odd file to the C engine, whose one-line messages the
user then gets; the vectorised segmentation must give exactly the curves of
the one-curve-at-a-time rules.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sc2d.data import ColumnInfo, Table
from sc2d.errors import FormatError
from sc2d.io import load_curves, read, sweep_direction
from sc2d.io.segment import _median, _order_stats, _stack_directions


def _rows(n: int, fmt: str, sep: str = ",") -> str:
    """``n`` rows of a cooling sweep (T from 4 K down, R a smooth step), 3 columns."""
    t = np.linspace(4.0, 0.05, n)
    r = 300 * (1 + np.tanh((t - 0.2) / 0.01)) / 2 + 0.37
    return "".join(
        f"{a:{fmt}}{sep}{b:{fmt}}{sep}{i % 7}\n" for i, (a, b) in enumerate(zip(t, r, strict=True))
    )


def _same_as_c_engine(p: Path, engine: str) -> Table:
    """Read ``p`` both ways; assert identical tables; return the default read."""
    fast = read(p)
    ref = read(p, engine="c")
    assert fast.meta["engine"] == engine
    assert ref.meta["engine"] == "c"
    pd.testing.assert_frame_equal(fast.data, ref.data, check_exact=True)
    assert fast.columns == ref.columns
    drop = ("engine",)
    assert {k: v for k, v in fast.meta.items() if k not in drop} == {
        k: v for k, v in ref.meta.items() if k not in drop
    }
    return fast


HEADER = "Temperature (K),Resistance (Ohm),Channel\n"

LAYOUTS = {
    # simple layouts: pyarrow reads them
    "comma": (HEADER + _rows(500, ".9g"), "pyarrow"),
    "tab": (HEADER.replace(",", "\t") + _rows(500, ".9g", "\t"), "pyarrow"),
    "semicolon": (HEADER.replace(",", ";") + _rows(500, ".6e", ";"), "pyarrow"),
    "pipe": (HEADER.replace(",", "|") + _rows(500, ".9g", "|"), "pyarrow"),
    "metadata and comment lines": (
        "# sample A12, 2DEG\n% operator: x\n\nDate: 2024-01-01\n" + HEADER + _rows(500, ".9g"),
        "pyarrow",
    ),
    "units row": ("T,R,Channel\nK,Ohm,\n" + _rows(500, ".9g"), "pyarrow"),
    "blank cells and NA words": (
        HEADER + "4.0,,1\n3.5,nan,2\n3.0,NaN,3\n2.5,N/A,\n2.0,7.5,5\n1.5,,\n",
        "pyarrow",
    ),
    "an empty column": ("T (K),R (Ohm),empty\n4.0,10,\n3.5,9,\n3.0,8,\n", "pyarrow"),
    "integer columns": ("T (mK),R (Ohm),n\n4000,10,1\n3500,9,2\n3000,8,3\n2500,7,\n", "pyarrow"),
    "spaces around the cells": (
        "T (K),R (Ohm),n\n 4.0 , 10,1\n 3.5 , 9,2\n 3.0 , 8,3\n",
        "pyarrow",
    ),
    "increasing sweep": (
        "T (K),R (Ohm)\n" + "".join(f"{k / 10},{k}\n" for k in range(1, 40)),
        "pyarrow",
    ),
    # odd layouts or cells: the C engine reads them, with the same table
    "whitespace": (_rows(300, ".9g", " "), "c"),
    "decimal comma": ("T (K);R (Ohm)\n4,5;10,25\n3,5;9,5\n3,0;8,75\n", "c"),
    "comment line inside the data": (HEADER + "4.0,10,1\n# pause\n3.5,9,2\n3.0,8,3\n", "c"),
    "quoted cells": ('"T (K)","R (Ohm)"\n"4.0","10"\n"3.5","9"\n"3.0","8"\n', "c"),
    "text footer": (HEADER + _rows(20, ".9g") + "Ic(+) 0.000017\n", "c"),
    "an integer written +3": ("T (K),R (Ohm),n\n4.0,10,+3\n3.5,9,4\n3.0,8,5\n", "c"),
    "a hex cell": ("T (K),R (Ohm),n\n4.0,10,3\n3.5,9,0x10\n3.0,8,5\n", "c"),
    "NAN and Inf spellings": ("T (K),R (Ohm)\n4.0,NAN\n3.5,9\n3.0,Inf\n", "c"),
    "a row short of a field": (HEADER + "4.0,10,1\n3.5,9\n3.0,8,3\n", "c"),
    "text in a non-numeric column": ("Note,T (K),R (Ohm)\nok,4.0,10\nwarm,3.5,9\nx,3.0,8\n", "c"),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_pyarrow_and_c_engine_give_the_same_table(
    write_file: Callable[..., Path], layout: str
) -> None:
    """Every layout: the default read equals the forced C-engine read (values to the bit,
    dtypes, column provenance, meta); simple layouts go through pyarrow, odd ones to C."""
    text, engine = LAYOUTS[layout]
    _same_as_c_engine(write_file("f.csv", text), engine)


@pytest.mark.parametrize(("newline", "bom"), [("\r\n", False), ("\n", True), ("\r\n", True)])
def test_crlf_and_bom_on_the_pyarrow_path(
    write_file: Callable[..., Path], newline: str, bom: bool
) -> None:
    """CRLF line ends and a UTF-8 BOM: the data start at the same byte for pyarrow and C."""
    p = write_file("f.csv", "# run 7\n" + HEADER + _rows(300, ".9g"), newline=newline, bom=bom)
    t = _same_as_c_engine(p, "pyarrow")
    assert t.column("T_K")[0] == pytest.approx(4.0)


def test_integer_and_float_dtypes_kept(write_file: Callable[..., Path]) -> None:
    """Other columns stay as the C engine types them: int64, or float64 with NaN for a blank."""
    p = write_file("f.csv", "T (K),R (Ohm),n,m\n4.0,10,1,1\n3.5,9,2,\n3.0,8,3,3\n")
    t = _same_as_c_engine(p, "pyarrow")
    assert t.data["n"].dtype == np.int64
    assert t.data["m"].dtype == np.float64 and np.isnan(t.data["m"].iloc[1])


@pytest.mark.parametrize(
    ("cell", "where"),
    [("0x10", "n"), ("+3", "n"), ("NAN", "R (Ohm)"), ("inf ", "R (Ohm)"), ("oops", "R (Ohm)")],
)
def test_odd_cell_far_below_the_head_falls_back(
    write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, cell: str, where: str
) -> None:
    """A cell pyarrow and pandas read differently, 3000 lines down (past the lines the layout
    is sniffed from): the table, or the error, is the C engine's."""
    lines = ["T (K),R (Ohm),n"] + [
        f"{4 - i * 1e-3:.6f},{10 + i * 1e-3:.6f},{i}" for i in range(4000)
    ]
    row = 3000
    t, r, n = lines[row + 1].split(",")
    lines[row + 1] = ",".join([t, cell if where == "R (Ohm)" else r, cell if where == "n" else n])
    p = write_file("f.csv", "\n".join(lines) + "\n")
    from sc2d.io import text

    tried = []
    real = text._arrow_read
    monkeypatch.setattr(text, "_arrow_read", lambda *a: tried.append(real(*a)) or tried[-1])
    if cell == "oops":
        with pytest.raises(FormatError) as fast:
            read(p)
        with pytest.raises(FormatError) as ref:
            read(p, engine="c")
        assert str(fast.value) == str(ref.value)
        assert "holds text at line 3002" in str(fast.value)
    else:
        _same_as_c_engine(p, "c")
    assert tried[0] is None  # pyarrow read the file and handed it on


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            HEADER + "4.0,10,1\n3.5,oops,2\n3.0,8,3\n",
            r"column 'Resistance \(Ohm\)' in f\.csv holds text at line 3 \('oops'\)",
        ),
        (
            HEADER + "4.0,10,1\n3.5,9,2,7\n3.0,8,3\n",
            r"f\.csv: line 3 has 4 fields where the header has 3",
        ),
    ],
)
def test_errors_are_the_c_engine_messages(
    write_file: Callable[..., Path], text: str, match: str
) -> None:
    """A text cell or a ragged row: the default read raises the C path's one-line message."""
    p = write_file("f.csv", text)
    with pytest.raises(FormatError, match=match) as fast:
        read(p)
    with pytest.raises(FormatError) as ref:
        read(p, engine="c")
    assert str(fast.value) == str(ref.value)


def test_engine_argument_checked(write_file: Callable[..., Path]) -> None:
    """engine='pyarrow' reads a simple file with pyarrow; an unknown engine is refused."""
    p = write_file("f.csv", HEADER + _rows(50, ".9g"))
    assert read(p, engine="pyarrow").meta["engine"] == "pyarrow"
    with pytest.raises(ValueError, match=r"engine must be None, 'pyarrow' or 'c', got 'python'"):
        read(p, engine="python")


def test_csv_route_imports_neither_pandas_nor_scipy(tmp_path: Path) -> None:
    """read + load_curves on a field-stepped R(T) CSV never import pandas or scipy."""
    n, m = 200, 5
    t = np.tile(np.linspace(0.4, 0.02, n), m)
    b = np.repeat(np.linspace(0, 0.1, m), n)
    r = 300 / (1 + np.exp(-(t - 0.2 + b) / 0.01))
    p = tmp_path / "rt_field.csv"
    p.write_text(
        "Time (s),Temperature (K),Magnetic Field (T),Resistance (Ohm)\n"
        + "".join(
            f"{4 * i},{a:.9g},{c:.9g},{d:.9g}\n"
            for i, (a, c, d) in enumerate(zip(t, b, r, strict=True))
        )
    )
    code = (
        "import sys\n"
        "from sc2d.io import read, load_curves\n"
        f"t = read({str(p)!r})\n"
        "_, curves = load_curves(t, x='T_K', y='R_ohm')\n"
        "print(t.meta['engine'], len(curves), 'pandas' in sys.modules, 'scipy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["pyarrow", "5", "False", "False"]


def test_table_data_is_a_dataframe_built_once(write_file: Callable[..., Path]) -> None:
    """An array-backed Table gives .data as a DataFrame with the same content (SI columns
    first, others untouched); the table then holds that frame, and edits to it show."""
    t = read(write_file("f.csv", "T (mK),R (Ohm),n\n4000,10,1\n3500,9,2\n3000,8,3\n"))
    assert t.names == ["T_K", "R_ohm", "n"] and len(t) == 3 and t.has("T_K")
    np.testing.assert_allclose(t.column("T_K"), [4.0, 3.5, 3.0], rtol=1e-15)
    df = t.data
    assert isinstance(df, pd.DataFrame) and t.data is df
    assert list(df.columns) == ["T_K", "R_ohm", "n"] and df["n"].tolist() == [1, 2, 3]
    df["R_ohm"] = df["R_ohm"] * 2
    np.testing.assert_allclose(t.column("R_ohm"), [20, 18, 16])


def test_columns_are_read_only(write_file: Callable[..., Path]) -> None:
    """column() and values() give read-only arrays: no analysis can change the table."""
    t = read(write_file("f.csv", "T (K),R (Ohm),n\n4,10,1\n3,9,2\n2,8,3\n"))
    for v in (t.column("T_K"), t.values("n")):
        with pytest.raises(ValueError, match="read-only"):
            v[0] = 0.0


def test_table_from_a_dataframe_still_works() -> None:
    """Table(data=DataFrame): len, names, has, column, values and data as before."""
    df = pd.DataFrame({"T_K": [1.0, 2.0], "R_ohm": [3.0, 4.0], "Note": ["a", "b"]})
    t = Table(data=df, source="mem.csv", format="csv", columns={"T_K": ColumnInfo("T", "K")})
    assert t.data is df and len(t) == 2 and t.names == ["T_K", "R_ohm", "Note"]
    assert t.has("T_K") and not t.has("R_ohm")  # R_ohm was not recognised
    np.testing.assert_array_equal(t.column("T_K"), [1.0, 2.0])
    np.testing.assert_array_equal(t.values("R_ohm"), [3.0, 4.0])
    with pytest.raises(ValueError):
        t.values("Note")
    assert "rows=2" in repr(t)


def test_table_needs_one_kind_of_columns() -> None:
    """Neither or both of data/arrays, or arrays of different lengths, are refused."""
    with pytest.raises(TypeError, match="either data"):
        Table()
    with pytest.raises(TypeError, match="either data"):
        Table(data=pd.DataFrame({"a": [1.0]}), arrays={"a": np.ones(1)})
    with pytest.raises(ValueError, match=r"differ in length: \[2, 3\]"):
        Table(arrays={"a": np.ones(2), "b": np.ones(3)})


@pytest.mark.parametrize("seed", range(6))
def test_order_statistics_equal_a_full_partition(seed: int) -> None:
    """The windowed selection gives np.partition's values exactly (ties, NaN, any rank),
    and _median gives np.median's."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(70_000, 300_000))
    a = rng.standard_normal(n) * 10.0 ** rng.integers(-8, 8)
    if seed % 2:
        a = np.round(a, 1)  # many ties
    if seed == 4:
        a[rng.integers(0, n, 50)] = np.nan
    if seed == 5:
        a[:] = 4.0  # all equal (a constant time step)
    for ks in ([n // 2], [n // 2 - 1, n // 2], [0], [n - 1], [n // 7, n // 7 + 3]):
        np.testing.assert_array_equal(_order_stats(a, ks), np.partition(a, ks)[ks])
    if seed != 4:
        assert _median(a) == np.median(a)


def test_stacked_directions_equal_one_curve_at_a_time() -> None:
    """Sweep direction of many curves at once = sweep_direction of each (noisy up, noisy
    down, quantised, a loop, a flat curve, noise larger than the sweep)."""
    rng = np.random.default_rng(3)
    L = 300
    base = np.linspace(0.05, 0.4, L)
    rows = []
    for noise in (0.0, 1e-7, 1e-4, 1e-3, 3e-2, 1.0):
        rows += [base + noise * rng.standard_normal(L), base[::-1] + noise * rng.standard_normal(L)]
    rows += [
        np.round(base, 2),
        np.concatenate([base[: L // 2], base[: L // 2][::-1]]),
        np.full(L, 2.0),
    ]
    x = np.array(rows)
    assert _stack_directions(x) == [sweep_direction(r) for r in x]


def test_load_curves_directions_and_setpoints_match_the_curves() -> None:
    """Each curve of a field-stepped family: direction = sweep_direction(curve.x) and the
    fixed field = mean of the field column over the curve's rows (to the bit)."""
    rng = np.random.default_rng(11)
    n, m = 400, 12
    t = np.concatenate(
        [np.linspace(0.4, 0.02, n) if k % 2 else np.linspace(0.02, 0.4, n) for k in range(m)]
    )
    t += 2e-4 * rng.standard_normal(t.size)
    b = np.repeat(np.linspace(0, 0.11, m), n) + 1e-6 * rng.standard_normal(t.size)
    r = 300 / (1 + np.exp(-(t - 0.2 + b) / 0.01))
    table = Table(
        arrays={"T_K": t, "R_ohm": r, "B_T": b},
        source="mem.csv",
        format="csv",
        columns={c: ColumnInfo(c, "", 1.0) for c in ("T_K", "R_ohm", "B_T")},
    )
    _, curves = load_curves(table, x="T_K", y="R_ohm")
    assert len(curves) == m
    for k, c in enumerate(curves):
        assert c.direction == sweep_direction(c.x) == ("down" if k % 2 else "up")
        assert c.fixed["B_T"] == float(b[k * n : (k + 1) * n].mean())


def test_exponent_format_with_whole_numbers_stays_on_pyarrow(tmp_path: Path) -> None:
    """numpy.savetxt-style cells (4.000000000000000000e+00): whole-number columns with '+'
    only in exponents are read by pyarrow, with the C engine's table."""
    rng = np.random.default_rng(4)
    t = np.arange(1, 301) * 4.0
    T = np.linspace(0.4, 0.02, 300)
    R = 300 / (1 + np.exp(-(T - 0.2) / 0.01)) + rng.normal(0, 0.1, 300)
    p = tmp_path / "savetxt.csv"
    np.savetxt(
        p,
        np.column_stack([t, T, R, np.full(300, 10.0)]),
        delimiter=",",
        header="Time (s),Temperature (K),Resistance (Ohm),Field (Oe)",
        comments="",
    )
    table = _same_as_c_engine(p, "pyarrow")
    assert table.columns["B_T"].scale == pytest.approx(1e-4)
    np.testing.assert_array_equal(table.column("t_s"), t)


@pytest.mark.parametrize("first", [True, False])
def test_plus_sign_integer_in_first_cell_of_a_line_falls_back(
    write_file: Callable[..., Path], first: bool
) -> None:
    """'+3' at the start of a line (the first data cell, or a later one): pandas reads an
    int64 column, so the C engine reads the file."""
    rows = ["3,4.0,10", "4,3.5,9", "5,3.0,8"]
    rows[0 if first else 2] = "+" + rows[0 if first else 2]
    p = write_file("f.csv", "n,T (K),R (Ohm)\n" + "\n".join(rows) + "\n")
    t = _same_as_c_engine(p, "c")
    assert t.data["n"].dtype == np.int64


def test_byte_search_across_read_pieces(tmp_path: Path) -> None:
    """A two-byte needle split by the 4 MB read pieces (line end | '+') is still found."""
    from sc2d.io.text import _holds

    p = tmp_path / "big.bin"
    p.write_bytes(b"1" * ((4 << 20) - 1) + b"\n+2\n")
    assert _holds(p, 0, (b"\n+",))
    assert not _holds(p, 0, (b",+",))
    assert _holds(p, 0, (b"\n1",), b"\n")  # the stand-in line start before byte 0
    assert not _holds(p, 1, (b"x",))


PIECEWISE = {
    "ints then floats": "T (K),R (Ohm),n\n"
    + "".join(f"{4 - i / 100},{10 + i},{i}\n" for i in range(60))
    + "".join(f"{3 - i / 100},{9 + i},{i}.5\n" for i in range(60)),
    "ints then a blank": "T (K),R (Ohm),n\n"
    + "".join(f"{4 - i / 100},{10 + i},{i}\n" for i in range(80))
    + "2.0,7.5,\n1.9,7.4,3\n",
    "empty column filled later": "T (K),R (Ohm),m\n"
    + "".join(f"{4 - i / 100},{10 + i},\n" for i in range(80))
    + "".join(f"{3 - i / 100},{9 + i},{i}\n" for i in range(40)),
    "blank lines and no final newline": HEADER
    + _rows(100, ".9g")
    + "\n\n"
    + _rows(50, ".9g")
    + "\n\n\n"
    + "0.01,0.37,3",
    "crlf": (HEADER + _rows(200, ".9g")).replace("\n", "\r\n"),
}


@pytest.fixture(params=["mapped", "read into a buffer"])
def piece_source(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Pieces from memory maps of the file, or (a file system that cannot map) read."""
    if request.param != "mapped":
        import mmap

        def refuse(*args: object, **kwargs: object) -> None:
            raise OSError(19, "No such device")

        monkeypatch.setattr(mmap, "mmap", refuse)
    return request.param


@pytest.mark.parametrize("piece", [64, 300, 4096])
@pytest.mark.parametrize("layout", [*PIECEWISE, "comma", "integer columns", "units row"])
def test_pyarrow_pieces_give_the_c_engine_table(
    write_file: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    piece: int,
    layout: str,
    piece_source: str,
) -> None:
    """A file parsed in small pieces (cut at line ends; mapped, or read into one reused
    buffer) gives exactly the C engine's whole-column table: a column is int64 only if
    every piece is, a blank or a float anywhere makes it float64, an empty stretch does
    not."""
    from sc2d.io import text

    monkeypatch.setattr(text, "ARROW_PIECE_BYTES", piece)
    body = PIECEWISE.get(layout) or LAYOUTS[layout][0]
    _same_as_c_engine(write_file("f.csv", body), "pyarrow")


@pytest.mark.parametrize("cell", ["0x10", "+3"])
def test_odd_cell_in_a_later_piece_falls_back(
    write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, cell: str, piece_source: str
) -> None:
    """A hex or '+3' integer cell in the last of many pieces hands the file to the C engine."""
    from sc2d.io import text

    monkeypatch.setattr(text, "ARROW_PIECE_BYTES", 256)
    rows = "".join(f"{4 - i / 1000},{10 + i},{i}\n" for i in range(300))
    p = write_file("f.csv", "T (K),R (Ohm),n\n" + rows + f"0.1,7,{cell}\n")
    _same_as_c_engine(p, "c")


def test_line_longer_than_a_piece_falls_back(
    write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, piece_source: str
) -> None:
    """A line that does not fit in a piece: the C engine reads the file (same table)."""
    from sc2d.io import text

    monkeypatch.setattr(text, "ARROW_PIECE_BYTES", 40)
    long = "9." + "0" * 80 + "1"
    p = write_file("f.csv", f"T (K),R (Ohm)\n4.0,10\n3.5,{long}\n3.0,8\n")
    _same_as_c_engine(p, "c")


def test_pieces_cover_the_file_once_and_are_unmapped(
    write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, piece_source: str
) -> None:
    """The pieces, joined, are the file from the offset on; none is longer than a piece
    and each ends at a line end (but the last); no map of the file is left behind."""
    from sc2d.io import text

    monkeypatch.setattr(text, "ARROW_PIECE_BYTES", 5000)
    body = "".join(f"{4 - i / 1e4:.6f},{10 + i * 0.37:.5f}\n" for i in range(3000)) + "0.1,7"
    p = write_file("f.csv", "T (K),R (Ohm)\n" + body)
    offset = len("T (K),R (Ohm)\n")
    parts = [bytes(buf[lo:hi]) for buf, lo, hi in text._pieces(p, offset)]
    assert b"".join(parts) == body.encode()
    assert len(parts) >= 10 and max(map(len, parts)) <= 5000
    assert all(part.endswith(b"\n") for part in parts[:-1])
    assert not any(str(p) in line for line in Path("/proc/self/maps").read_text().splitlines())


def test_piecewise_read_memory_is_bounded(write_file: Callable[..., Path]) -> None:
    """A 40 MB file read in 8 MB pieces: pyarrow never holds the whole file's parse.

    The peak RSS of a fresh process reading it stays under 3x the 4-column
    table (a one-piece pyarrow parse peaks near 4.5x).
    """
    n = 1_200_000
    t = np.linspace(4.0, 0.05, n)
    body = "\n".join(
        f"{a:.9g},{b:.9g},{c:.9g},{i}"
        for i, (a, b, c) in enumerate(zip(t, t * 3.1, t * 0.7, strict=True))
    )
    p = write_file("big.csv", "T (K),R (Ohm),B (T),n\n" + body + "\n")
    code = (
        "import resource, sys\n"
        "from sc2d.io import read\n"
        "base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"t = read({str(p)!r})\n"
        "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(t.meta['engine'], (peak - base) * 1024 / (len(t) * 4 * 8))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    engine, ratio = out.stdout.split()
    assert engine == "pyarrow"
    assert float(ratio) < 3.0
