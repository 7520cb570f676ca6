"""Shared fixtures of the reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

#: write_file(name, text, *, newline="\n", bom=False) -> path of the written file
WriteFile = Callable[..., Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write a text file into the test's folder, with the given line end and an
    optional UTF-8 byte-order mark (the bytes an instrument PC may write)."""

    def write(name: str, text: str, *, newline: str = "\n", bom: bool = False) -> Path:
        p = tmp_path / name
        data = text.replace("\n", newline).encode("utf-8")
        if bom:
            data = b"\xef\xbb\xbf" + data
        p.write_bytes(data)
        return p

    return write
