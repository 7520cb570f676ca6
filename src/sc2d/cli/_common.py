"""Options and output helpers shared by every ``sc2d`` command."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..data import to_jsonable
from ..errors import FormatError

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "emit",
    "json_option",
    "parse_criteria",
    "parse_units",
    "positive_float",
    "read_options",
]


def json_option(f: F) -> F:
    """``--json``: print one JSON object on stdout and nothing else there."""
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")(
        f
    )


def read_options(f: F) -> F:
    """``--x/--y/--by/--units/--run-id``: override what the reader guesses."""
    f = click.option("--run-id", type=int, default=None, help="QCoDeS database: the run to read.")(
        f
    )
    f = click.option(
        "--units",
        "units",
        multiple=True,
        metavar="COL=UNIT",
        help="State a column's unit, e.g. --units Field=Oe (repeatable).",
    )(f)
    f = click.option("--by", default=None, metavar="COL", help="Stepped column (field, gate, T).")(
        f
    )
    f = click.option("--y", "y_col", default=None, metavar="COL", help="Response column.")(f)
    f = click.option("--x", "x_col", default=None, metavar="COL", help="Swept column.")(f)
    return f


def parse_units(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("Field=Oe", ...)`` -> ``{"Field": "Oe"}``; a malformed pair is refused."""
    out: dict[str, str] = {}
    for p in pairs:
        col, sep, unit = p.rpartition("=")
        if not sep or not col.strip() or not unit.strip():
            raise FormatError(f"--units expects COL=UNIT (e.g. --units Field=Oe), got '{p}'")
        out[col.strip()] = unit.strip()
    return out


def parse_criteria(text: str) -> list[str]:
    """``"0.9,0.5,0.1"`` -> ``["0.9", "0.5", "0.1"]``, each a fraction in (0, 1)."""
    out = []
    for part in str(text).split(","):
        s = part.strip()
        if not s:
            continue
        try:
            v = float(s)
        except ValueError:
            raise FormatError(
                f"--criteria expects fractions of R_normal such as 0.9,0.5,0.1, got '{s}'"
            ) from None
        if not (0 < v < 1) or not math.isfinite(v):
            raise FormatError(f"--criteria values must lie between 0 and 1 (exclusive), got {s}")
        out.append(s)
    if not out:
        raise FormatError("--criteria is empty; give fractions such as 0.9,0.5,0.1")
    return out


def positive_float(name: str, value: float | None) -> float | None:
    """Refuse a non-positive or non-finite numeric option with a one-line message."""
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0:
        raise FormatError(f"{name} must be a positive number, got {value}")
    return value


def emit(result: Any, as_json: bool, text: str | Callable[[], str] | None = None) -> None:
    """Print a result: one JSON object with ``--json``, a human summary otherwise."""
    payload = to_jsonable(result)
    if as_json:
        sys.stdout.write(json.dumps(payload, allow_nan=False) + "\n")
        return
    if callable(text):
        text = text()
    if text is None:
        text = json.dumps(payload, indent=2, allow_nan=False)
    click.echo(text)
