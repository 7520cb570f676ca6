"""Units as written in measurement files, and their factor to SI.

:func:`to_si` turns a unit string (``"mK"``, ``"kOhm"``, ``"Oe"``, ``"µA"``,
``"Ohm-cm"``) into the physical quantity it measures and the factor that
converts values to SI (K, Ohm, T = mu0*H, A, V, deg, s, Ohm m). Magnetic
field strengths are reported as mu0*H: 1 Oe <-> 1e-4 T, 1 G = 1e-4 T.
Angles stay in degrees (the canonical column is ``theta_deg``).

Lookup is exact first, then after normalising spelling (``µ``/``μ`` -> ``u``,
``Ω`` -> ``Ohm``, spaces, ``·``/``*``), then case-insensitively for spellings
that are unambiguous (``mOhm`` and ``MOhm`` are never confused).
"""

from __future__ import annotations

import math
import re

from ..errors import UnitError

__all__ = ["QUANTITY_UNITS", "UNITS", "known_units", "lookup_unit", "to_si"]

#: unit string -> (quantity, factor to SI). Quantities: temperature, field,
#: resistance, resistivity, current, voltage, angle, time.
UNITS: dict[str, tuple[str, float]] = {
    # temperature
    "K": ("temperature", 1.0),
    "mK": ("temperature", 1e-3),
    "kelvin": ("temperature", 1.0),
    # magnetic field (mu0 H in tesla)
    "T": ("field", 1.0),
    "mT": ("field", 1e-3),
    "uT": ("field", 1e-6),
    "tesla": ("field", 1.0),
    "Oe": ("field", 1e-4),
    "kOe": ("field", 1e-1),
    "oersted": ("field", 1e-4),
    "G": ("field", 1e-4),
    "kG": ("field", 1e-1),
    "gauss": ("field", 1e-4),
    # resistance (4-probe or sheet)
    "Ohm": ("resistance", 1.0),
    "Ohms": ("resistance", 1.0),
    "mOhm": ("resistance", 1e-3),
    "mOhms": ("resistance", 1e-3),
    "kOhm": ("resistance", 1e3),
    "kOhms": ("resistance", 1e3),
    "MOhm": ("resistance", 1e6),
    "MOhms": ("resistance", 1e6),
    "Ohm/sq": ("resistance", 1.0),
    "Ohms/sq": ("resistance", 1.0),
    "Ohm/square": ("resistance", 1.0),
    "Ohm/□": ("resistance", 1.0),
    "kOhm/sq": ("resistance", 1e3),
    "Ohm/Sq": ("resistance", 1.0),
    # resistivity (Ohm m)
    "Ohm-m": ("resistivity", 1.0),
    "Ohm-cm": ("resistivity", 1e-2),
    "mOhm-cm": ("resistivity", 1e-5),
    "uOhm-cm": ("resistivity", 1e-8),
    # current
    "A": ("current", 1.0),
    "mA": ("current", 1e-3),
    "uA": ("current", 1e-6),
    "nA": ("current", 1e-9),
    "pA": ("current", 1e-12),
    "amps": ("current", 1.0),
    # voltage
    "V": ("voltage", 1.0),
    "mV": ("voltage", 1e-3),
    "uV": ("voltage", 1e-6),
    "nV": ("voltage", 1e-9),
    "kV": ("voltage", 1e3),
    "volts": ("voltage", 1.0),
    # angle (degrees are canonical)
    "deg": ("angle", 1.0),
    "degree": ("angle", 1.0),
    "degrees": ("angle", 1.0),
    "°": ("angle", 1.0),
    "rad": ("angle", 180.0 / math.pi),
    "mrad": ("angle", 0.18 / math.pi),
    # time
    "s": ("time", 1.0),
    "sec": ("time", 1.0),
    "secs": ("time", 1.0),
    "seconds": ("time", 1.0),
    "ms": ("time", 1e-3),
    "min": ("time", 60.0),
    "h": ("time", 3600.0),
}

#: quantity -> the usual spellings, for error messages.
QUANTITY_UNITS: dict[str, tuple[str, ...]] = {
    "temperature": ("K", "mK"),
    "field": ("T", "mT", "Oe", "kOe", "G"),
    "resistance": ("Ohm", "mOhm", "kOhm", "MOhm", "Ohm/sq"),
    "resistivity": ("Ohm-m", "Ohm-cm", "uOhm-cm"),
    "current": ("A", "mA", "uA", "nA"),
    "voltage": ("V", "mV", "uV", "nV"),
    "angle": ("deg", "rad"),
    "time": ("s", "ms", "min"),
}


def _normalise(unit: str) -> str:
    u = unicodedata_nfkc(unit).strip()
    u = u.replace("µ", "u").replace("μ", "u")
    u = u.replace("Ω", "Ohm").replace("Ω", "Ohm")
    u = re.sub(r"(?i)ohms?", lambda m: "Ohms" if m.group(0).lower() == "ohms" else "Ohm", u)
    u = re.sub(r"\s*[·*.]\s*", "-", u) if "Ohm" in u else u
    u = re.sub(r"\s*/\s*", "/", u)
    u = re.sub(r"(Ohms?)\s+(c?m)\b", r"\1-\2", u)
    u = re.sub(r"(Ohms?)(c?m)$", r"\1-\2", u)
    u = u.replace("Ohms-", "Ohm-").replace("Ohms/", "Ohm/")
    return u


def unicodedata_nfkc(s: str) -> str:
    """NFKC-normalise (folds the Ohm sign U+2126 to Omega, fullwidth forms...)."""
    import unicodedata

    return unicodedata.normalize("NFKC", s)


def _build_lower() -> dict[str, tuple[str, float]]:
    seen: dict[str, set[tuple[str, float]]] = {}
    for k, v in UNITS.items():
        seen.setdefault(k.lower(), set()).add(v)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


_LOWER = _build_lower()


def lookup_unit(unit: str | None) -> tuple[str, float] | None:
    """``(quantity, factor_to_SI)`` for a unit string, or None when unknown."""
    if unit is None:
        return None
    u = str(unit).strip()
    if not u:
        return None
    if u in UNITS:
        return UNITS[u]
    n = _normalise(u)
    if n in UNITS:
        return UNITS[n]
    # case-insensitive, only where unambiguous (mOhm/MOhm both exist -> skipped)
    low = n.lower()
    if low in _LOWER and low not in ("mohm", "mohms", "mohm-cm"):
        return _LOWER[low]
    return None


def known_units(quantity: str | None = None) -> str:
    """Comma-separated usual units (of one quantity, or of all)."""
    if quantity is not None and quantity in QUANTITY_UNITS:
        return ", ".join(QUANTITY_UNITS[quantity])
    return ", ".join(u for us in QUANTITY_UNITS.values() for u in us)


def to_si(unit: str) -> tuple[str, float]:
    """The quantity a unit measures and the factor that converts it to SI.

    Parameters
    ----------
    unit : str
        Unit as written in a file or on the command line (``"mK"``,
        ``"kΩ"``, ``"Oe"``, ``"µA"``, ``"Ohm-cm"``...).

    Returns
    -------
    quantity : str
        ``"temperature"``, ``"field"``, ``"resistance"``, ``"resistivity"``,
        ``"current"``, ``"voltage"``, ``"angle"`` or ``"time"``.
    scale : float
        Multiply values by this to get K, T (mu0 H), Ohm, Ohm m, A, V, deg, s.

    Raises
    ------
    UnitError
        When the unit is not known.
    """
    hit = lookup_unit(unit)
    if hit is None:
        raise UnitError(f"unknown unit '{unit}'; known: {known_units()}")
    return hit
