"""Readers: measurement files -> tables with canonical SI columns -> curves.

One module per format (:mod:`~sc2d.io.text`, :mod:`~sc2d.io.qd`,
:mod:`~sc2d.io.qcodes_db`, :mod:`~sc2d.io.netcdf`), one registry
(:mod:`~sc2d.io.registry`: format detection and :func:`read`), units
(:mod:`~sc2d.io.units`), column recognition (:mod:`~sc2d.io.columns`) and
sweep segmentation (:mod:`~sc2d.io.segment`)::

    from sc2d.io import read, ReadOptions, load_curves

    table = read("rt.csv", units={"Field": "Oe"})
    table, curves = load_curves("rt_perp.dat", x="T_K", y="R_ohm")
"""

from __future__ import annotations

from .columns import parse_name
from .registry import FORMATS, MAX_FILE_BYTES, read, sniff_format
from .segment import (
    ReadOptions,
    find_steps,
    is_stepped,
    load_curves,
    split_curve_directions,
    split_sweeps,
    sweep_direction,
)
from .units import lookup_unit, to_si

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "ReadOptions",
    "find_steps",
    "is_stepped",
    "load_curves",
    "lookup_unit",
    "parse_name",
    "read",
    "sniff_format",
    "split_curve_directions",
    "split_sweeps",
    "sweep_direction",
    "to_si",
]
