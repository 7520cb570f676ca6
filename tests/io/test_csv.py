"""Delimited text reader: layouts, units, recognition, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sc2d.errors import FormatError, UnitError
from sc2d.io import load_curves, read, sniff_format
from sc2d.io.columns import parse_name

RT = "T (K),R (Ohm)\n2.0,100\n1.5,80\n1.0,0.5\n"


def test_basic_csv_si_and_provenance(write_file: Callable[..., Path]) -> None:
    """R(T) CSV: canonical SI columns with original name, unit and scale."""
    t = read(write_file("rt.csv", RT))
    assert t.format == "csv"
    assert list(t.data.columns) == ["T_K", "R_ohm"]
    np.testing.assert_allclose(t.column("T_K"), [2.0, 1.5, 1.0])
    assert t.columns["R_ohm"].original == "R (Ohm)"
    assert t.columns["T_K"].unit == "K"
    assert t.columns["T_K"].scale == 1.0


@pytest.mark.parametrize(("newline", "bom"), [("\r\n", False), ("\n", True), ("\r\n", True)])
def test_crlf_and_bom(write_file: Callable[..., Path], newline: str, bom: bool) -> None:
    """CRLF line ends and a UTF-8 BOM leave names and values intact."""
    t = read(write_file("rt.csv", RT, newline=newline, bom=bom))
    assert t.columns["T_K"].original == "T (K)"
    np.testing.assert_allclose(t.column("R_ohm"), [100, 80, 0.5])


@pytest.mark.parametrize(
    ("sep", "ext"), [(",", "csv"), ("\t", "tsv"), (";", "csv"), (" ", "txt"), ("   ", "dat")]
)
def test_delimiters(write_file: Callable[..., Path], sep: str, ext: str) -> None:
    """Comma, tab, semicolon and whitespace tables give the same numbers."""
    text = f"T_K{sep}R_ohm\n" + "".join(f"{t}{sep}{r}\n" for t, r in [(1, 2), (3, 4), (5, 6)])
    t = read(write_file(f"x.{ext}", text))
    np.testing.assert_allclose(t.column("T_K"), [1, 3, 5])
    np.testing.assert_allclose(t.column("R_ohm"), [2, 4, 6])


def test_semicolon_decimal_comma(write_file: Callable[..., Path]) -> None:
    """European CSV: ';' separator with decimal commas."""
    t = read(write_file("eu.csv", "T (K);R (Ohm)\n1,5;10,25\n2,5;11,5\n3,5;12\n"))
    np.testing.assert_allclose(t.column("T_K"), [1.5, 2.5, 3.5])
    np.testing.assert_allclose(t.column("R_ohm"), [10.25, 11.5, 12])


def test_comments_and_preamble_skipped(write_file: Callable[..., Path]) -> None:
    """'#', '%' and ';' comment lines and key: value preambles are skipped and kept in meta."""
    text = (
        "# sample S3\n% date 2024-01-01\n; operator x\nSample: KTO-3\nCoil constant: 574\n\n"
        "Temperature (K),Resistance (Ohm)\n1,10\n2,20\n3,30\n"
    )
    t = read(write_file("c.csv", text))
    np.testing.assert_allclose(t.column("R_ohm"), [10, 20, 30])
    assert "Sample: KTO-3" in t.meta["preamble"]


def test_commented_header_line(write_file: Callable[..., Path]) -> None:
    """A '#'-commented header just above whitespace data names the columns."""
    text = "# Tc = nan K\n#datetime  t_s  iHTS_A  vHTS_V  tHTS_K\n2023-01-01_1 1.0 2e-3 1e-6 90.1\n2023-01-01_2 2.0 2e-3 2e-6 90.2\n2023-01-01_3 3.0 2e-3 3e-6 90.3\n"
    t = read(write_file("r.txt", text))
    assert t.columns["T_K"].original == "tHTS_K"
    assert t.columns["I_A"].original == "iHTS_A"
    np.testing.assert_allclose(t.column("V_V"), [1e-6, 2e-6, 3e-6])


def test_text_footer_trimmed(write_file: Callable[..., Path]) -> None:
    """An instrument summary after the data goes to meta['footer']."""
    text = "Date 2/3/2018\nH 11.882\nCurrent(mA) Voltage(mV)\n0.1 1\n0.2 2\n0.3 3\n0.4 4\nIc(+) 0.000017\nVo(-))-0.0005\n"
    t = read(write_file("iv.dat", text))
    assert len(t) == 4
    np.testing.assert_allclose(t.column("I_A"), [1e-4, 2e-4, 3e-4, 4e-4])
    assert any("Ic(+)" in f for f in t.meta["footer"])


def test_blank_cells_are_nan_rows_kept(write_file: Callable[..., Path]) -> None:
    """Blank cells become NaN; the row stays."""
    t = read(write_file("b.csv", "T (K),R (Ohm),Rxy (Ohm)\n1,10,\n2,,5\n3,30,6\n"))
    assert len(t) == 3
    assert np.isnan(t.column("R_ohm")[1])
    assert np.isnan(t.column("Rxy_ohm")[0])


@pytest.mark.parametrize(
    ("header", "canon", "scale"),
    [
        ("Temp (mK)", "T_K", 1e-3),
        ("T_mK", "T_K", 1e-3),
        ("T [K]", "T_K", 1.0),
        ("Sample Temp (K)", "T_K", 1.0),
        ("R (kOhm)", "R_ohm", 1e3),
        ("Rxx", None, None),
        ("Rs (Ohm/sq)", "R_ohm", 1.0),
        ("Rxy (Ohm)", "Rxy_ohm", 1.0),
        ("Hall Resistance (Ohm)", "Rxy_ohm", 1.0),
        ("Bridge 1 Resistance (Ohms)", "R_ohm", 1.0),
        ("Magnetic Field (Oe)", "B_T", 1e-4),
        ("B (T)", "B_T", 1.0),
        ("Field (mT)", "B_T", 1e-3),
        ("mu0H (T)", "B_T", 1.0),
        ("Current (A)", "I_A", 1.0),
        ("Current (uA)", "I_A", 1e-6),
        ("I (µA)", "I_A", 1e-6),
        ("Voltage (V)", "V_V", 1.0),
        ("V (uV)", "V_V", 1e-6),
        ("Gate Voltage (V)", "Vg_V", 1.0),
        ("Vg (V)", "Vg_V", 1.0),
        ("Angle (deg)", "theta_deg", 1.0),
        ("Sample Position (deg)", "theta_deg", 1.0),
        ("Time Stamp (sec)", "t_s", 1.0),
        ("B/T", "B_T", 1.0),
    ],
)
def test_column_recognition(
    write_file: Callable[..., Path], header: str, canon: str | None, scale: float
) -> None:
    """Each header spelling lands in its canonical column with the SI factor."""
    if canon is None:  # a resistance without unit: refused with the fix
        with pytest.raises(
            UnitError, match=rf"column '{header}' in x.csv has no unit; pass --units"
        ):
            read(write_file("x.csv", f"{header},other\n1,2\n3,4\n"))
        t = read(write_file("x.csv", f"{header},other\n1,2\n3,4\n"), units={header: "kOhm"})
        np.testing.assert_allclose(t.column("R_ohm"), [1e3, 3e3])
        return
    t = read(write_file("x.csv", f"other,{header}\n1,2\n3,4\n"))
    assert t.columns[canon].original == header
    np.testing.assert_allclose(t.column(canon), np.array([2, 4]) * scale, rtol=1e-12)
    assert list(t.data["other"]) == [1, 3]  # other columns untouched


def test_parse_name_variants() -> None:
    assert parse_name("Temperature (K)").unit == "K"
    assert parse_name("T [K]").base == "T"
    assert parse_name("T_mK").unit == "mK"
    assert parse_name("Current(mA)").unit == "mA"
    assert parse_name("Volts ch1").unit == "V"
    assert parse_name("magnet_bpar").unit is None


def test_any_column_order_same_table(write_file: Callable[..., Path]) -> None:
    """Swapping column order gives the same canonical columns."""
    a = read(write_file("a.csv", "T (K),R (Ohm),B (T)\n1,2,0\n3,4,0\n5,6,0\n"))
    b = read(write_file("b.csv", "B (T),R (Ohm),T (K)\n0,2,1\n0,4,3\n0,6,5\n"))
    for c in ("T_K", "R_ohm", "B_T"):
        np.testing.assert_array_equal(a.column(c), b.column(c))


def test_units_mk_kohm_oe_ua(write_file: Callable[..., Path]) -> None:
    """mK, kOhm, Oe and uA convert to K, Ohm, T and A."""
    t = read(
        write_file(
            "u.csv",
            "T (mK),R (kOhm),H (Oe),I (uA)\n50,1.5,1000,2\n60,1.6,1000,2\n70,1.7,1000,2\n",
        )
    )
    np.testing.assert_allclose(t.column("T_K"), [0.05, 0.06, 0.07])
    np.testing.assert_allclose(t.column("R_ohm"), [1500, 1600, 1700])
    np.testing.assert_allclose(t.column("B_T"), [0.1] * 3)
    np.testing.assert_allclose(t.column("I_A"), [2e-6] * 3)


def test_user_units_and_columns(write_file: Callable[..., Path]) -> None:
    """--units states a missing unit, --x/--y pick columns by their original name."""
    p = write_file(
        "run3.dat", "Field,Temp A (K),Temp B (K),R (Ohm)\n1,2,3,4\n5,6,7,8\n9,10,11,12\n"
    )
    with pytest.raises(
        UnitError, match=r"column 'Field' in run3.dat has no unit; pass --units 'Field=T'.*Oe"
    ):
        read(p)
    t = read(p, units={"Field": "Oe"}, columns={"T_K": "Temp B (K)"})
    np.testing.assert_allclose(t.column("B_T"), [1e-4, 5e-4, 9e-4])
    np.testing.assert_allclose(t.column("T_K"), [3, 7, 11])
    assert t.meta["alternatives"]["T_K"] == ["Temp A (K)"]


def test_several_resistances_first_with_data_wins(write_file: Callable[..., Path]) -> None:
    """Bridge 1 empty -> Bridge 2 is R; Hall-named -> Rxy; the rest are alternatives."""
    text = "Bridge 1 Resistance (Ohms),Bridge 2 Resistance (Ohms),Hall R (Ohm),T (K)\n,5,1,2\n,6,1,3\n,7,1,4\n"
    t = read(write_file("q.csv", text))
    assert t.columns["R_ohm"].original == "Bridge 2 Resistance (Ohms)"
    assert t.columns["Rxy_ohm"].original == "Hall R (Ohm)"


def test_decreasing_sweep_kept_in_order(write_file: Callable[..., Path]) -> None:
    """A cool-down (decreasing T) keeps recorded order; direction is 'down'."""
    T = np.linspace(3, 1, 50)
    text = "T (K),R (Ohm)\n" + "".join(f"{a},{10 * a}\n" for a in T)
    _, curves = load_curves(write_file("cd.csv", text), x="T_K", y="R_ohm")
    assert len(curves) == 1
    assert curves[0].direction == "down"
    np.testing.assert_allclose(curves[0].x, T)


def test_pyarrow_and_c_engine_agree(write_file: Callable[..., Path]) -> None:
    """Both pandas engines give the same table (pyarrow used for large simple files)."""
    rng = np.random.default_rng(1)
    a = rng.normal(size=(300, 3))
    text = "T (K),R (Ohm),x\n" + "".join(f"{r[0]},{r[1]},{r[2]}\n" for r in a)
    p = write_file("e.csv", text)
    t1 = read(p, engine="pyarrow")
    t2 = read(p, engine="c")
    assert t1.meta["engine"] == "pyarrow" and t2.meta["engine"] == "c"
    np.testing.assert_array_equal(t1.data.to_numpy(float), t2.data.to_numpy(float))


def test_pyarrow_falls_back_to_c(write_file: Callable[..., Path]) -> None:
    """A comment line inside the data makes pyarrow refuse; C reads it the same."""
    text = "T (K),R (Ohm)\n1,2\n3,4\n# pause\n5,6\n"
    t = read(write_file("f.csv", text), engine="pyarrow")
    np.testing.assert_allclose(t.column("T_K"), [1, 3, 5])


def test_inf_nan_cells(write_file: Callable[..., Path]) -> None:
    """'nan', 'inf' and '-inf' cells are numbers, not text."""
    t = read(write_file("n.csv", "T (K),R (Ohm)\n1,nan\n2,inf\n3,-inf\n4,1\n"))
    r = t.column("R_ohm")
    assert np.isnan(r[0]) and np.isposinf(r[1]) and np.isneginf(r[2])


def test_unknown_columns_kept_untouched(write_file: Callable[..., Path]) -> None:
    """Unrecognised text columns stay as written."""
    t = read(write_file("k.csv", "Comment,T (K),R (Ohm)\nok,1,2\nwarm,3,4\nx,5,6\n"))
    assert list(t.data["Comment"]) == ["ok", "warm", "x"]


def test_sniff_format_by_content(write_file: Callable[..., Path]) -> None:
    """A .dat with [Header] is QD; one without is text."""
    assert sniff_format(write_file("a.dat", "[Header]\nTITLE,x\n[Data]\nT (K)\n1\n")) == "qd-dat"
    assert sniff_format(write_file("b.dat", RT)) == "csv"


# ---------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"file not found: '.*nope\.csv'; check the path"):
        read(tmp_path / "nope.csv")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"is a directory, not a data file; give one file"):
        read(tmp_path)


def test_empty_file(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"e\.csv is empty; nothing to read"):
        read(write_file("e.csv", ""))


def test_whitespace_only_file(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"w\.csv is empty"):
        read(write_file("w.csv", "\n\n   \n"))


def test_header_only(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"h\.csv has no data rows"):
        read(write_file("h.csv", "T (K),R (Ohm)\n"))


def test_nul_bytes(tmp_path: Path) -> None:
    p = tmp_path / "bin.csv"
    p.write_bytes(b"T (K),R\n1,2\n\x00\x01\x02")
    with pytest.raises(
        FormatError,
        match=r"bin\.csv is not a text table \(binary content at byte 12\); sc2d reads CSV/TSV",
    ):
        read(p)


def test_random_bytes(tmp_path: Path) -> None:
    p = tmp_path / "rnd.csv"
    p.write_bytes(np.random.default_rng(3).integers(0, 256, 5000, dtype=np.uint8).tobytes())
    with pytest.raises(
        FormatError, match=r"rnd\.csv is not a text table \(binary content at byte \d+\)"
    ):
        read(p)


def test_text_in_numeric_column(write_file: Callable[..., Path]) -> None:
    p = write_file("t.csv", "T (K),R (Ohm)\n1,2\n2,oops\n3,4\n4,5\n5,6\n")
    with pytest.raises(
        FormatError, match=r"column 'R \(Ohm\)' in t\.csv holds text at line 3 \('oops'\)"
    ):
        read(p)


def test_long_single_line(tmp_path: Path) -> None:
    """A 5 MB line without a line break is refused quickly with a clear message."""
    p = tmp_path / "long.csv"
    p.write_bytes(b"1," * (2_500_000))
    with pytest.raises(FormatError, match=r"long\.csv: line 1 is longer than 1 MB"):
        read(p)


def test_too_large_file(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import sc2d.io.registry as reg

    monkeypatch.setattr(reg, "MAX_FILE_BYTES", 10)
    with pytest.raises(
        FormatError, match=r"big\.csv is \d+ bytes, over sc2d's limit of 10 bytes; split it"
    ):
        read(write_file("big.csv", RT))


def test_too_large_file_sizes_are_human_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sizes in the message in bytes/kB/MB/GB (never '0.0 GB ... limit of 0 GB')."""
    import sc2d.io.registry as reg

    p = tmp_path / "big.csv"
    p.write_bytes(b"T_K,R_ohm\n" + b"0.1,1.0\n" * 400)  # 3210 bytes = 3.13 kB
    monkeypatch.setattr(reg, "MAX_FILE_BYTES", 2048)
    with pytest.raises(FormatError, match=r"big\.csv is 3\.13 kB, over sc2d's limit of 2 kB"):
        read(p)
    monkeypatch.setattr(reg, "MAX_FILE_BYTES", 3205)  # both round to 3.13 kB: exact bytes
    with pytest.raises(FormatError, match=r"is 3210 bytes, over sc2d's limit of 3205 bytes"):
        read(p)
    assert [reg._human_size(n) for n in (1, 999, 20 * 1024**2, 2 * 1024**3)] == [
        "1 byte",
        "999 bytes",
        "20 MB",
        "2 GB",
    ]


def test_unknown_override_column(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"rt\.csv has no column 'Temp' \(asked for T_K\)"):
        read(write_file("rt.csv", RT), columns={"T_K": "Temp"})


def test_unknown_user_unit(write_file: Callable[..., Path]) -> None:
    with pytest.raises(UnitError, match=r"--units R \(Ohm\)=parsec: unknown unit 'parsec'"):
        read(write_file("rt.csv", RT), units={"R (Ohm)": "parsec"})


def test_units_for_missing_column(write_file: Callable[..., Path]) -> None:
    with pytest.raises(
        FormatError, match=r"--units names column 'Field', which rt\.csv does not have"
    ):
        read(write_file("rt.csv", RT), units={"Field": "Oe"})


def test_wrong_quantity_override(write_file: Callable[..., Path]) -> None:
    with pytest.raises(UnitError, match=r"has unit K \(temperature\) but was asked for as B_T"):
        read(write_file("rt.csv", RT), columns={"B_T": "T (K)"})


def test_run_id_on_text(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"--run-id applies to QCoDeS databases"):
        read(write_file("rt.csv", RT), run_id=3)


def test_ragged_line_in_data(write_file: Callable[..., Path]) -> None:
    """A row with an extra field is named by line, never silently dropped."""
    p = write_file("rag.csv", "# c\nT (K),R (Ohm)\n1,2\n3,4\n5,6\n7,8,9\n9,10\n")
    with pytest.raises(FormatError, match=r"rag\.csv: line 6 has 3 fields where the header has 2"):
        read(p)


def test_ragged_line_before_data(write_file: Callable[..., Path]) -> None:
    p = write_file("rag2.csv", "T (K),R (Ohm)\n1,2\n3,4,5\n5,6\n7,8\n9,10\n")
    with pytest.raises(FormatError, match=r"rag2\.csv: line 3 has 3 fields where the data have 2"):
        read(p)


def test_numeric_tail_is_not_a_footer(write_file: Callable[..., Path]) -> None:
    """Numeric rows after a break are data problems, not a footer to drop."""
    p = write_file("t.txt", "T_K R_ohm\n1 2\n2 3\n3 4\nbreak here now\n4 5\n5 6\n")
    with pytest.raises(FormatError, match=r"t\.txt: line 5 has 3 fields where the header has 2"):
        read(p)


def test_only_comments(write_file: Callable[..., Path]) -> None:
    with pytest.raises(FormatError, match=r"c\.csv holds only comment lines, no table"):
        read(write_file("c.csv", "# a\n# b\n"))


def test_text_only(write_file: Callable[..., Path]) -> None:
    with pytest.raises(
        FormatError, match=r"prose\.txt has no data rows \(no line of two or more numeric fields\)"
    ):
        read(write_file("prose.txt", "Dear colleague,\nplease find the data attached.\n"))


def test_transposed_table_refused(write_file: Callable[..., Path]) -> None:
    line = ",".join(["1.0"] * 12000)
    with pytest.raises(
        FormatError, match=r"has 12000 columns, over sc2d's limit of 10000; is the table transposed"
    ):
        read(write_file("wide.csv", f"{line}\n{line}\n"))


def test_latin1_file(tmp_path: Path) -> None:
    """An old Windows (latin-1) file with 'µA' in the header reads; µA -> A."""
    p = tmp_path / "l1.csv"
    p.write_bytes("I (µA),V (mV)\n1,2\n3,4\n5,6\n".encode("latin-1"))
    t = read(p)
    np.testing.assert_allclose(t.column("I_A"), [1e-6, 3e-6, 5e-6])


def test_unreadable_file(write_file: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import sc2d.io.registry as reg

    p = write_file("locked.csv", RT)
    monkeypatch.setattr(reg.os, "access", lambda *a, **k: False)
    with pytest.raises(FormatError, match=r"cannot open '.*locked\.csv': permission denied"):
        read(p)


def test_labview_lvm_header(write_file: Callable[..., Path]) -> None:
    """LabVIEW measurement file: key/value header blocks, then a channel table."""
    text = (
        "LabVIEW Measurement\t\nWriter_Version\t2\nReader_Version\t2\nSeparator\tTab\n"
        "Multi_Headings\tNo\nX_Columns\tOne\nTime_Pref\tAbsolute\nOperator\tlab\n"
        "Date\t2024/01/01\nTime\t12:00:00\n***End_of_Header***\t\n\nChannels\t2\t\n"
        "Samples\t5\t5\nDate\t2024/01/01\t2024/01/01\n***End_of_Header***\t\t\n"
        "X_Value\tTemperature (K)\tResistance (kOhm)\tComment\n"
        "0\t2.0\t1.5\t\n1\t1.9\t1.4\t\n2\t1.8\t1.0\t\n3\t1.7\t0.2\t\n4\t1.6\t0.0\t\n"
    )
    t = read(write_file("run.lvm", text))
    np.testing.assert_allclose(t.column("R_ohm"), [1500, 1400, 1000, 200, 0])
    assert "LabVIEW Measurement" in t.meta["preamble"][0]


def test_quoted_header(write_file: Callable[..., Path]) -> None:
    t = read(write_file("q.csv", '"Temperature (K)","R (Ohm, 4-probe)"\n1,2\n3,4\n5,6\n'))
    assert t.columns["R_ohm"].original == "R (Ohm, 4-probe)"


def test_whitespace_header_with_spaces(write_file: Callable[..., Path]) -> None:
    """Whitespace data under a header whose names contain single spaces."""
    t = read(write_file("w.dat", "Temperature (K)   Resistance (Ohm)\n1  2\n3  4\n5  6\n"))
    np.testing.assert_allclose(t.column("R_ohm"), [2, 4, 6])


def test_index_column_and_trailing_delimiter(write_file: Callable[..., Path]) -> None:
    """pandas-style unnamed index column and trailing commas are harmless."""
    t = read(write_file("i.csv", ",T (K),R (Ohm),\n0,1,2,\n1,3,4,\n2,5,6,\n"))
    np.testing.assert_allclose(t.column("T_K"), [1, 3, 5])


def test_sample_thermometer_preferred(write_file: Callable[..., Path]) -> None:
    """'Sample Temp (K)' beats the system 'Temperature (K)' when it has data; else the latter."""
    t = read(write_file("a.csv", "Temperature (K),Sample Temp (K),R (Ohm)\n2,2.1,1\n3,3.1,2\n"))
    assert t.columns["T_K"].original == "Sample Temp (K)"
    assert t.meta["alternatives"]["T_K"] == ["Temperature (K)"]
    t = read(write_file("b.csv", "Temperature (K),Sample Temp (K),R (Ohm)\n2,,1\n3,,2\n"))
    assert t.columns["T_K"].original == "Temperature (K)"


def test_text_named_db(write_file: Callable[..., Path]) -> None:
    with pytest.raises(
        FormatError, match=r"x\.db has a database extension but is not an SQLite file"
    ):
        read(write_file("x.db", RT))


def test_unknown_unit_of_a_named_column_is_named(
    write_file: Callable[..., Path], tmp_path: Path
) -> None:
    """'Temperature (furlongs)' is not silently skipped: asking for T names the column and unit."""
    t = read(write_file("rt.csv", "Temperature (furlongs),Resistance (Ohm)\n2,100\n1,0.5\n"))
    assert "T_K" not in t.columns
    assert t.meta["unknown_units"] == {"T_K": [["Temperature (furlongs)", "furlongs"]]}
    assert any("furlongs" in n for n in t.meta["notes"])
    with pytest.raises(
        UnitError,
        match=r"column 'Temperature \(furlongs\)' in rt\.csv has unknown unit 'furlongs'; "
        r"pass --units 'Temperature \(furlongs\)=UNIT' \(known for temperature: K, mK\)",
    ):
        t.column("T_K")
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        load_curves(t, x="T_K", y="R_ohm")
    # stated with --units it is read
    u = read(tmp_path / "rt.csv", units={"Temperature (furlongs)": "mK"})
    np.testing.assert_allclose(u.column("T_K"), [2e-3, 1e-3])
    assert "unknown_units" not in u.meta


def test_all_nan_column_is_named(write_file: Callable[..., Path]) -> None:
    """A recognised column holding only nan/inf/blank: 'holds no numbers', not 'no column'."""
    t = read(write_file("rt.csv", "T (K),R (Ohm)\nnan,100\n,80\ninf,0.5\n"))
    assert t.meta["empty"] == {"T_K": ["T (K)"]}
    with pytest.raises(
        FormatError,
        match=r"column 'T \(K\)' in rt\.csv holds no numbers \(every value is NaN/inf/empty\); "
        r"check the file or pick another column with --x/--y/--by",
    ):
        t.column("T_K")
    np.testing.assert_allclose(t.column("R_ohm"), [100, 80, 0.5])
    # a column that is simply absent keeps the "no column" message
    with pytest.raises(FormatError, match=r"has no magnetic field .* \(B_T\); recognised columns"):
        t.column("B_T")


@pytest.mark.parametrize("piece", [101, 4096])
def test_chunked_read_equals_one_piece_read(tmp_path: Path, monkeypatch, piece: int) -> None:
    """The C engine's threaded chunked parser (used for big files) gives the same table,
    values and dtypes as the one-piece read: pieces cut at line ends, CRLF,
    blank cells and a decreasing sweep included."""
    from sc2d.io import text

    rng = np.random.default_rng(8)
    n = 3000
    t = np.linspace(4.0, 0.05, n)
    r = 300 * (1 + np.tanh((t - 0.2) / 0.01)) / 2 + rng.normal(0, 0.1, n)
    lines = ["# comment", "Temperature (mK),Resistance (kOhm),Note"]
    for i, (ti, ri) in enumerate(zip(t * 1e3, r / 1e3, strict=True)):
        cell = "" if i % 97 == 0 else f"{ri:.9g}"
        lines.append(f"{ti:.9g},{cell},{i % 3}")
    p = tmp_path / "big.csv"
    p.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    one = read(p, engine="c").data
    monkeypatch.setattr(text, "CHUNKED_MIN_BYTES", 0)
    monkeypatch.setattr(text, "PIECE_BYTES", piece)
    used = []
    real_chunked = text._chunked_read

    def spy(*args, **kwargs):
        out = real_chunked(*args, **kwargs)
        used.append(out is not None)
        return out

    monkeypatch.setattr(text, "_chunked_read", spy)
    chunked = read(p, engine="c").data
    assert used == [True]  # the chunked parser really produced the table
    assert list(chunked.columns) == list(one.columns)
    assert (chunked.dtypes == one.dtypes).all()
    np.testing.assert_array_equal(chunked["T_K"].to_numpy(), one["T_K"].to_numpy())
    np.testing.assert_array_equal(chunked["R_ohm"].to_numpy(), one["R_ohm"].to_numpy())
    assert chunked["R_ohm"].isna().sum() == len(range(0, n, 97))
    assert chunked["T_K"].iloc[0] == pytest.approx(4.0)


@pytest.mark.parametrize(
    "rows",
    [
        ["0,30;100,5", "0,31;200,5", "0,32;300,5", "0,33;400,5"],
        ["0,30;100", "0,31;200", "0,32;300", "0,33;400"],  # was read as one column of zeros
    ],
)
def test_semicolon_with_decimal_commas_is_not_split_on_commas(tmp_path: Path, rows) -> None:
    """European CSV: ';' between columns and decimal commas. Splitting on ','
    would turn "0,31;206" into "0" and "31;206"; the reader must pick ';'."""
    p = tmp_path / "eu.csv"
    p.write_text("T (K);R (Ohm)\n" + "\n".join(rows) + "\n", encoding="utf-8")
    t = read(p)
    np.testing.assert_allclose(t.column("T_K"), [0.30, 0.31, 0.32, 0.33])
    assert t.column("R_ohm")[0] in (100.0, 100.5)
    assert t.columns["R_ohm"].original == "R (Ohm)"
