"""sc2d: from raw transport files of 2D superconductors to a paper's numbers.

The public API lives in small modules, one analysis each:

- :mod:`sc2d.io`          readers (CSV/TSV, Quantum Design .dat, QCoDeS, NetCDF)
- :mod:`sc2d.physics`     the formulas, as plain vectorised functions
- :mod:`sc2d.normal`      Van der Pauw, (anti)symmetrisation, Hall, mobility
- :mod:`sc2d.transition`  Tc criteria, widths, Tc versus n_s
- :mod:`sc2d.bkt`         I-V power laws, critical current, Halperin-Nelson, AL
- :mod:`sc2d.fields`      Hc2(T), Ginzburg-Landau, WHH, Pauli, Tinkham
- :mod:`sc2d.gating`      gate series: Tc dome, n_s and mobility versus V_G
- :mod:`sc2d.simulate`    the forward model (digital twin)
- :mod:`sc2d.report`      figures and the self-contained HTML report

Submodules are imported on demand so that ``import sc2d`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import DataError, FitError, FormatError, Sc2dError, UnitError

if TYPE_CHECKING:
    from .data import Curve, Estimate, Result, Table

__version__ = "0.1.0"

#: the data classes, imported on first use: ``import sc2d`` does not import
#: numpy, so the ``sc2d`` command can choose numpy's threading before it loads
_FROM_DATA = ("Curve", "Estimate", "Result", "Table")


def __getattr__(name: str) -> Any:
    """``sc2d.Curve`` and the other data classes, loaded on first use (PEP 562)."""
    if name in _FROM_DATA:
        return getattr(importlib.import_module(".data", __name__), name)
    raise AttributeError(f"module 'sc2d' has no attribute {name!r}")


__all__ = [
    "Curve",
    "DataError",
    "Estimate",
    "FitError",
    "FormatError",
    "Result",
    "Sc2dError",
    "Table",
    "UnitError",
    "__version__",
]
