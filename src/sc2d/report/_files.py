"""Atomic file writes: a temp file in the target folder, then os.replace.

An interrupted report leaves either the previous file or the new one, never
half a file; temp files carry a ``.tmp-`` prefix and are removed on failure.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import FormatError

__all__ = ["atomic_open", "atomic_write_bytes", "atomic_write_text", "prepare_out_dir"]


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open a temp file beside ``path``; on success it replaces ``path``."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{p.name}.", dir=p.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write bytes atomically; returns the path."""
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically (LF line ends); returns the path."""
    with atomic_open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    return Path(path)


def prepare_out_dir(out: str | Path, force: bool = False, option: str = "--out") -> Path:
    """Create the output folder; refuse a non-empty one unless ``force``.

    Raises
    ------
    FormatError
        ``out`` is a file, or a non-empty folder and ``force`` is False.
    """
    p = Path(out)
    if p.exists() and not p.is_dir():
        raise FormatError(f"{option} {p} is a file; give a folder for the report")
    if p.is_dir() and any(p.iterdir()) and not force:
        raise FormatError(
            f"{option} {p} is not empty; choose a new folder or add --force to overwrite it"
        )
    p.mkdir(parents=True, exist_ok=True)
    return p
