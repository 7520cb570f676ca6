"""Sample-set TOML: parsing, path resolution and every error path (one-line FormatError)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sc2d.config import ROLES, load_sample_set, parse_sample_set
from sc2d.errors import FormatError


def _write(tmp_path: Path, text: str, files: tuple[str, ...] = ("S1/rt.csv",)) -> Path:
    for f in files:
        p = tmp_path / f
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("T (K),R (Ohm)\n0.1,1\n", encoding="utf-8")
    cfg = tmp_path / "samples.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


GOOD = """
title = "CaZrO3/KTaO3(001)"
normal_at_K = 0.4
criterion = 0.5

[[samples]]
name = "S1"
orientation = "001"
rt = "S1/rt.csv"
hall = "S1/hall.csv"

[[samples]]
name = "O111"
orientation = "111"
normal_at_K = 4.0
rt = "O111/rt.csv"
units = { "Temp" = "mK" }
"""


def test_good_file_resolves_paths_relative_to_the_toml(tmp_path, monkeypatch):
    cfg = _write(tmp_path, GOOD, ("S1/rt.csv", "S1/hall.csv", "O111/rt.csv"))
    monkeypatch.chdir(tmp_path.parent)  # relative paths start at the TOML, not the cwd
    s = load_sample_set(cfg)
    assert s.title == "CaZrO3/KTaO3(001)"
    assert s.normal_at_K == 0.4 and s.criterion == 0.5 and s.criterion_key == "0.5"
    assert [x.name for x in s.samples] == ["S1", "O111"]
    assert s.samples[0].files["rt"] == (tmp_path / "S1/rt.csv").resolve()
    assert set(s.samples[0].files) == {"rt", "hall"}
    assert s.samples[1].normal_at_K == 4.0 and s.samples[1].units == {"Temp": "mK"}
    assert s.samples[0].normal_at_K is None
    assert len(s.files()) == 3
    assert s.source == cfg.resolve()


def test_defaults_when_optional_keys_are_absent(tmp_path):
    s = load_sample_set(_write(tmp_path, '[[samples]]\nname = "A"\nrt = "S1/rt.csv"\n'))
    assert s.title == "" and s.normal_at_K is None and s.criterion == 0.5
    assert s.samples[0].orientation == ""


def test_every_role_is_known():
    assert list(ROLES) == [
        "rt",
        "hall",
        "iv",
        "field_perp",
        "field_par",
        "gate_rt",
        "gate_hall",
        "gate_iv",
    ]


@pytest.mark.parametrize(
    ("text", "match"),
    [
        # broken TOML: line and column named
        ('title = "x\n[[samples]]\n', r"samples\.toml: invalid TOML: .*line 1"),
        ("[[samples]]\nname = S1\n", r"invalid TOML: .*line 2.*strings need quotes"),
        # unknown keys, with a suggestion
        (
            'titel = "x"\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"unknown key 'titel' in the top level; did you mean 'title'",
        ),
        (
            '[[samples]]\nname="A"\nrt="S1/rt.csv"\nhal="h.csv"\n',
            r"unknown key 'hal' in samples\[0\]; did you mean 'hall'",
        ),
        # wrong types
        (
            'normal_at_K = "0.4"\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"normal_at_K must be a number, got string '0\.4'; write e\.g\. normal_at_K = 0\.4",
        ),
        (
            'criterion = 50\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"criterion = 50 is out of range \(0, 1\)",
        ),
        (
            'criterion = true\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"criterion must be a number, got boolean",
        ),
        (
            'title = 3\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"title must be a quoted string, got integer 3",
        ),
        (
            '[[samples]]\nname="A"\norientation=111\nrt="S1/rt.csv"\n',
            r"sample 'A' orientation must be a quoted string, got integer 111; write orientation = \"001\"",
        ),
        ('[[samples]]\nname="A"\nrt=3\n', r"sample 'A' rt must be a quoted string, got integer 3"),
        (
            '[[samples]]\nname="A"\nrt="S1/rt.csv"\nunits="Oe"\n',
            r"sample 'A' units must be a table of column = unit strings",
        ),
        (
            '[[samples]]\nname="A"\nrt="S1/rt.csv"\nnormal_at_K=-1\n',
            r"sample 'A' normal_at_K = -1 is out of range",
        ),
        # structure
        ('title = "x"\n', r"no samples; add at least one \[\[samples\]\]"),
        ("samples = 3\n", r"samples must be an array of tables, got integer"),
        ("samples = []\n", r"samples is empty"),
        ('[[samples]]\nrt="S1/rt.csv"\n', r"samples\[0\] has no name; add name = \"S1\""),
        ('[[samples]]\nname=""\nrt="S1/rt.csv"\n', r"samples\[0\]\.name is empty"),
        (
            '[[samples]]\nname="A"\nrt="S1/rt.csv"\n[[samples]]\nname="A"\nrt="S1/rt.csv"\n',
            r"sample name 'A' appears twice \(samples\[1\]\)",
        ),
        (
            '[[samples]]\nname="A"\norientation="001"\n',
            r"sample 'A' names no data file; add at least one of rt, hall",
        ),
        ('[[samples]]\nname="A"\nrt=""\n', r"sample 'A' rt is empty"),
        # a missing file: the key, the path as written, where it was looked for, the fix
        (
            '[[samples]]\nname="A"\nrt="S1/rt.csv"\niv="S1/nope.csv"\n',
            r"sample 'A' iv = 'S1/nope\.csv' does not exist \(looked for .*nope\.csv\); fix the path",
        ),
    ],
)
def test_every_mistake_is_one_line_naming_file_and_key(tmp_path, text, match):
    cfg = _write(tmp_path, text)
    with pytest.raises(FormatError, match=match) as info:
        load_sample_set(cfg)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(str(cfg))


def test_missing_config_file_and_folder(tmp_path):
    with pytest.raises(FormatError, match=r"sample-set file .*nope\.toml does not exist"):
        load_sample_set(tmp_path / "nope.toml")
    with pytest.raises(FormatError, match=r"is a folder; give the sample-set \.toml file"):
        load_sample_set(tmp_path)


def test_not_utf8(tmp_path):
    p = tmp_path / "bad.toml"
    p.write_bytes(b"title = '\xff\xfe'\n")
    with pytest.raises(FormatError, match=r"is not UTF-8 text \(byte 9\)"):
        load_sample_set(p)


def test_parse_mapping_directly_uses_cwd(tmp_path, monkeypatch):
    (tmp_path / "rt.csv").write_text("x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    s = parse_sample_set({"samples": [{"name": "A", "rt": "rt.csv"}]})
    assert s.samples[0].files["rt"] == tmp_path / "rt.csv"
    assert s.source is None


def test_script_tag_in_name_is_kept_verbatim(tmp_path):
    """User text is data: the loader keeps it; the report escapes it."""
    cfg = _write(tmp_path, '[[samples]]\nname = "<script>alert(1)</script>"\nrt = "S1/rt.csv"\n')
    assert load_sample_set(cfg).samples[0].name == "<script>alert(1)</script>"


def test_role_as_table_with_reader_options(tmp_path):
    cfg = _write(
        tmp_path,
        '[[samples]]\nname = "Nb"\nunits = { "B" = "Oe" }\n'
        'rt = { file = "S1/rt.csv", x = "temperature: T2", y = "Nb::R", '
        'units = { "Nb::R" = "Ohm" } }\n'
        'field_perp = { file = "S1/rt.csv", run_id = 2 }\n',
    )
    s = load_sample_set(cfg).samples[0]
    assert s.files["rt"] == (tmp_path / "S1/rt.csv").resolve()
    assert s.read_options("rt") == {
        "x": "temperature: T2",
        "y": "Nb::R",
        "units": {"B": "Oe", "Nb::R": "Ohm"},
    }
    assert s.read_options("field_perp") == {"run_id": 2, "units": {"B": "Oe"}}
    assert s.read_options("hall") == {"units": {"B": "Oe"}}


@pytest.mark.parametrize(
    ("role", "match"),
    [
        (
            'rt = { x = "T" }',
            r"sample 'A' rt is a table without file; write rt = \{ file = \"rt\.csv\"",
        ),
        (
            'rt = { file = "S1/rt.csv", col = "T" }',
            r"unknown key 'col' in sample 'A' rt; known keys: file, units, run_id, x, y, by",
        ),
        (
            'field_par = { file = "S1/rt.csv", y = "R" }',
            r"unknown key 'y' in sample 'A' field_par; .*x/y/by are for the single-file roles \(rt, hall, iv\)",
        ),
        (
            'rt = { file = "S1/rt.csv", run_id = 0 }',
            r"sample 'A' rt\.run_id must be a positive integer, got 0",
        ),
        ('rt = { file = "S1/rt.csv", units = "K" }', r"sample 'A' rt\.units must be a table"),
        (
            'rt = { file = "S1/rt.csv", y = 3 }',
            r"sample 'A' rt\.y must be a quoted string, got integer 3",
        ),
        ('rt = { file = "S1/nope.csv" }', r"sample 'A' rt = 'S1/nope\.csv' does not exist"),
    ],
)
def test_role_table_mistakes(tmp_path, role, match):
    cfg = _write(tmp_path, f'[[samples]]\nname = "A"\n{role}\n')
    with pytest.raises(FormatError, match=match):
        load_sample_set(cfg)
