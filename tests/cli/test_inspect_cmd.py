"""``sc2d inspect``: text and JSON views, one-line errors with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from sc2d.cli import main


def _file(tmp_path: Path) -> Path:
    rows = ["Temperature (K),Resistance (Ohm),Field (mT),Notes"]
    for B in (10, 20, 30):
        for T in np.linspace(3, 1, 20):
            rows.append(f"{T},{100 * T},{B},x")
    p = tmp_path / "rt_perp.csv"
    p.write_text("\n".join(rows) + "\n")
    return p


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = 0
    try:
        main(args)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_inspect_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """JSON: format, rows, columns with scale, 3 field steps of 0.01-0.03 T."""
    code, out, err = _run(["inspect", str(_file(tmp_path)), "--json"], capsys)
    assert code == 0, err
    d = json.loads(out)
    assert d["format"] == "csv" and d["rows"] == 60
    cols = {c["column"]: c for c in d["columns"]}
    assert cols["B_T"]["original"] == "Field (mT)" and cols["B_T"]["scale_to_SI"] == 1e-3
    assert d["stepped"] == "B_T" and d["n_curves"] == 3
    np.testing.assert_allclose(d["setpoints"]["B_T"], [0.01, 0.02, 0.03])
    assert d["unrecognised"] == ["Notes"]


def test_inspect_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["inspect", str(_file(tmp_path))], capsys)
    assert code == 0
    assert "csv, 60 rows" in out
    assert "B_T" in out and "'Field (mT)'" in out
    assert "stepped: B_T -> 3 curves" in out


def test_inspect_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--units and --by reach the reader."""
    p = tmp_path / "u.csv"
    p.write_text(
        "Field,R (Ohm),T (K)\n" + "".join(f"{b},{t},{t}\n" for b in (1, 2) for t in (1, 2, 3, 4))
    )
    code, out, err = _run(
        ["inspect", str(p), "--units", "Field=kOe", "--by", "Field", "--json"], capsys
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["setpoints"]["B_T"] == [0.1, 0.2]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, r"file not found"),
        (b"", r"is empty"),
        (b"T (K),R (Ohm)\n", r"has no data rows"),
        (b"\x00\x01\x02binary", r"is not a text table \(binary content at byte 0\)"),
        (b"Field,R (Ohm)\n1,2\n3,4\n", r"column 'Field' in bad.csv has no unit; pass --units"),
    ],
)
def test_inspect_errors_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, message: str
) -> None:
    p = tmp_path / "bad.csv"
    if content is not None:
        p.write_bytes(content)
    code, out, err = _run(["inspect", str(p), "--json"], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sc2d inspect: error: ")
    assert __import__("re").search(message, lines[0])


def test_inspect_bad_units_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["inspect", str(_file(tmp_path)), "--units", "Field"], capsys)
    assert code == 2 and "--units expects COL=UNIT" in err


def test_inspect_x_y_with_units(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--x/--y pick raw columns; --units gives their units; the sweep is up then down."""
    p = tmp_path / "iv.txt"
    cur = np.concatenate([np.linspace(-10, 10, 21), np.linspace(10, -10, 21)[1:]])
    p.write_text("CS1\tVA1\n" + "".join(f"{i}\t{0.1 * i}\n" for i in cur))
    code, out, err = _run(
        [
            "inspect",
            str(p),
            "--x",
            "CS1",
            "--y",
            "VA1",
            "--units",
            "CS1=uA",
            "--units",
            "VA1=mV",
            "--json",
        ],
        capsys,
    )
    assert code == 0, err
    d = json.loads(out)
    assert d["sweeps"]["x"] == "I_A" and d["sweeps"]["y"] == "V_V"
    assert (d["sweeps"]["up"], d["sweeps"]["down"]) == (1, 1)
    assert d["sweeps"]["range"] == pytest.approx([-1e-5, 1e-5])


def test_inspect_x_without_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "iv.txt"
    p.write_text("CS1\tVA1\n1\t2\n3\t4\n5\t6\n")
    code, _, err = _run(["inspect", str(p), "--x", "CS1"], capsys)
    assert code == 2
    assert (
        "column 'CS1' in iv.txt has no unit sc2d can tell the quantity from; pass --units 'CS1=UNIT'"
        in err
    )


def test_inspect_real_qd_subprocess(real_data: Path) -> None:
    """The installed console script on a real PPMS file: 4 temperature steps, JSON on stdout."""
    import subprocess

    f = real_data / "nbse2_snse_ppms_nomad" / "Resistivity_Ch1_TMR_Ch2_Hall_test.dat"
    r = subprocess.run(
        ["/work/venv/bin/sc2d", "inspect", str(f), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["format"] == "qd-dat" and d["rows"] == 1401
    assert d["stepped"] == "T_K" and d["n_curves"] == 4
    np.testing.assert_allclose(d["setpoints"]["T_K"], [2.0, 2.1, 2.2, 2.3], atol=0.01)
    assert d["meta"]["channels"] == {"1": "TMR", "2": "Hall"}
