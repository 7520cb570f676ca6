"""Unit table: every spelling maps to the right quantity and SI factor."""

from __future__ import annotations

import math

import pytest

from sc2d.errors import UnitError
from sc2d.io.units import UNITS, lookup_unit, to_si

CASES = [
    ("K", "temperature", 1.0),
    ("mK", "temperature", 1e-3),
    ("Ohm", "resistance", 1.0),
    ("Ohms", "resistance", 1.0),
    ("ohm", "resistance", 1.0),
    ("ohms", "resistance", 1.0),
    ("Ω", "resistance", 1.0),
    ("\u2126", "resistance", 1.0),  # the Ohm sign
    ("kOhm", "resistance", 1e3),
    ("kΩ", "resistance", 1e3),
    ("kohm", "resistance", 1e3),
    ("MOhm", "resistance", 1e6),
    ("MΩ", "resistance", 1e6),
    ("mOhm", "resistance", 1e-3),
    ("mΩ", "resistance", 1e-3),
    ("Ohm/sq", "resistance", 1.0),
    ("Ohm / sq", "resistance", 1.0),
    ("ohm-cm", "resistivity", 1e-2),
    ("Ohm-cm", "resistivity", 1e-2),
    ("Ω·cm", "resistivity", 1e-2),
    ("Ohm cm", "resistivity", 1e-2),
    ("Ohm-m", "resistivity", 1.0),
    ("µΩ·cm", "resistivity", 1e-8),
    ("T", "field", 1.0),
    ("mT", "field", 1e-3),
    ("Oe", "field", 1e-4),
    ("kOe", "field", 0.1),
    ("G", "field", 1e-4),
    ("A", "current", 1.0),
    ("mA", "current", 1e-3),
    ("uA", "current", 1e-6),
    ("µA", "current", 1e-6),  # micro sign U+00B5
    ("μA", "current", 1e-6),  # Greek mu U+03BC
    ("nA", "current", 1e-9),
    ("V", "voltage", 1.0),
    ("mV", "voltage", 1e-3),
    ("uV", "voltage", 1e-6),
    ("µV", "voltage", 1e-6),
    ("μV", "voltage", 1e-6),
    ("nV", "voltage", 1e-9),
    ("deg", "angle", 1.0),
    ("rad", "angle", 180.0 / math.pi),
    ("s", "time", 1.0),
    ("sec", "time", 1.0),
    ("ms", "time", 1e-3),
]


@pytest.mark.parametrize(("unit", "quantity", "scale"), CASES)
def test_to_si_each_spelling(unit: str, quantity: str, scale: float) -> None:
    """Each unit spelling gives its quantity and the factor to SI (rel 1e-12)."""
    q, s = to_si(unit)
    assert q == quantity
    assert s == pytest.approx(scale, rel=1e-12)


def test_oersted_is_mu0h_in_tesla() -> None:
    """1 Oe of H corresponds to mu0*H = 1e-4 T; 10 kOe = 1 T."""
    assert to_si("Oe")[1] * 1e4 == pytest.approx(1.0)
    assert to_si("kOe")[1] * 10 == pytest.approx(1.0)


def test_every_table_entry_roundtrips() -> None:
    """Every key of the table is found by lookup with its own value."""
    for unit, val in UNITS.items():
        assert lookup_unit(unit) == val


def test_milli_and_mega_ohm_never_confused() -> None:
    """mOhm = 1e-3 Ohm and MOhm = 1e6 Ohm survive the case-insensitive pass."""
    assert to_si("mOhm")[1] == pytest.approx(1e-3)
    assert to_si("MOhm")[1] == pytest.approx(1e6)
    assert lookup_unit("MOHM") is None or lookup_unit("MOHM")[1] != 1e-3


def test_unknown_unit_raises() -> None:
    with pytest.raises(UnitError, match=r"unknown unit 'furlong'; known: K, mK"):
        to_si("furlong")


def test_empty_unit_is_none() -> None:
    assert lookup_unit("") is None
    assert lookup_unit(None) is None
