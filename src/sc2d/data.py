"""The core data model: estimates, curves, tables and result objects.

- :class:`Estimate`: one reported number with its standard error, unit and
  provenance (method, criterion, fit window). A NaN stderr means "not
  estimable", never zero.
- :class:`Curve`: one sweep exactly as recorded, with the values held fixed
  during it (field, gate, temperature) as metadata.
- :class:`Table`: a raw table with canonical SI columns and the provenance of
  each (file, original column name and unit); numpy columns, or a pandas
  DataFrame (``.data``, built on first use).
- :class:`Result`: base of the frozen result objects that analyses return;
  ``to_dict()`` gives JSON-ready keys that carry their unit in the name.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CANONICAL_COLUMNS",
    "ColumnInfo",
    "Curve",
    "Estimate",
    "Result",
    "Table",
    "to_jsonable",
]

#: Canonical SI column names and what they hold.
CANONICAL_COLUMNS: dict[str, str] = {
    "T_K": "temperature (K)",
    "R_ohm": "longitudinal / sheet resistance (Ohm)",
    "Rxy_ohm": "Hall resistance (Ohm)",
    "B_T": "magnetic field mu0*H (T)",
    "theta_deg": "field angle from the film plane (deg)",
    "I_A": "current (A)",
    "V_V": "voltage (V)",
    "Vg_V": "gate voltage (V)",
    "t_s": "time (s)",
    "rho_ohm_m": "resistivity (Ohm m)",
}


def _clean_float(x: Any) -> float | None:
    """A JSON-safe float: NaN and inf become None."""
    if x is None:
        return None
    xf = float(x)
    return xf if math.isfinite(xf) else None


@dataclass(frozen=True)
class Estimate:
    """A reported number with its uncertainty and provenance.

    Parameters
    ----------
    value : float
        Best estimate, in ``unit``. NaN when the data give no answer (then
        ``flag`` says why).
    stderr : float
        One-sigma standard error in ``unit``; NaN when not estimable.
    unit : str
        Unit of ``value`` and ``stderr`` (``"K"``, ``"T"``, ``"cm^-2"``...).
    method : str
        How it was obtained (criterion, model), e.g. ``"50% of R(0.40 K)"``.
    window : tuple of float, optional
        The fit or search window (in the unit of the swept variable).
    flag : str, optional
        Non-empty when the estimate is unreliable or missing; says why.
    """

    value: float
    stderr: float = math.nan
    unit: str = ""
    method: str = ""
    window: tuple[float, float] | None = None
    flag: str = ""

    @property
    def ok(self) -> bool:
        """True when the value is finite and unflagged."""
        return math.isfinite(self.value) and not self.flag

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "value": _clean_float(self.value),
            "stderr": _clean_float(self.stderr),
            "unit": self.unit,
        }
        if self.method:
            d["method"] = self.method
        if self.window is not None:
            d["window"] = [_clean_float(w) for w in self.window]
        if self.flag:
            d["flag"] = self.flag
        return d

    def __float__(self) -> float:
        return float(self.value)

    def __format__(self, spec: str) -> str:
        spec = spec or ".4g"
        if math.isfinite(self.stderr):
            return f"{self.value:{spec}} ± {self.stderr:{spec}} {self.unit}".strip()
        return f"{self.value:{spec}} {self.unit}".strip()

    def scaled(self, factor: float, unit: str) -> Estimate:
        """The same estimate expressed in another unit (value*factor)."""
        return dataclasses.replace(
            self, value=self.value * factor, stderr=self.stderr * abs(factor), unit=unit
        )

    @classmethod
    def missing(cls, unit: str, reason: str, method: str = "") -> Estimate:
        """A flagged non-answer: NaN value with the reason in ``flag``."""
        return cls(math.nan, math.nan, unit, method, None, reason)


def estimate_value(x: Any) -> float:
    """The value of a JSON estimate, which is either a number or a dict."""
    if isinstance(x, Mapping):
        v = x.get("value")
        return math.nan if v is None else float(v)
    if isinstance(x, Estimate):
        return x.value
    return math.nan if x is None else float(x)


def to_jsonable(obj: Any) -> Any:
    """Turn results, estimates, arrays and numpy scalars into JSON types."""
    kind = type(obj)  # the common plain types first (a family holds ~10^5 values)
    if kind is str or kind is bool or kind is int or obj is None:
        return obj
    if kind is float:
        return obj if math.isfinite(obj) else None
    if kind is dict:
        return {(k if type(k) is str else str(k)): to_jsonable(v) for k, v in obj.items()}
    if kind is list:
        return [to_jsonable(v) for v in obj]
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return to_jsonable(obj.to_dict())
    if isinstance(obj, Mapping):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return _clean_float(obj)
    return obj


@dataclass(frozen=True)
class Result:
    """Base class of analysis results: frozen, with a JSON view.

    Subclasses are frozen dataclasses whose field names already carry their
    unit (``tc_K``, ``n_s_cm2``). ``to_dict`` converts nested estimates,
    results and arrays; fields whose name starts with ``_`` are skipped.
    """

    def to_dict(self) -> dict[str, Any]:
        names = _JSON_FIELDS.get(type(self))
        if names is None:  # once per class: dataclasses.fields is slow for 10^3 results
            names = tuple(
                f.name for f in dataclasses.fields(self) if not f.name.startswith("_") and f.repr
            )
            _JSON_FIELDS[type(self)] = names
        return {name: to_jsonable(getattr(self, name)) for name in names}


#: Result subclass -> the names of its fields that go to JSON
_JSON_FIELDS: dict[type, tuple[str, ...]] = {}


def _frozen_copy(a: Any) -> np.ndarray:
    """``a`` as a read-only float64 array: shared when nothing can write to it, else copied.

    A float64 array that is read-only, and every array it is a view of too
    (a slice of a reader's column), is used as it is: copying 2M rows into
    400 curves would only cost time and memory. Anything else is copied,
    so a caller changing its array later never changes the curve.
    """
    if isinstance(a, np.ndarray) and a.dtype == np.float64:
        b: Any = a
        while isinstance(b, np.ndarray) and not b.flags.writeable:
            b = b.base
        if not isinstance(b, np.ndarray) and (b is None or isinstance(b, bytes)):
            return a
    out = np.array(a, dtype=float)
    out.setflags(write=False)
    return out


@dataclass(frozen=True)
class Curve:
    """One sweep exactly as recorded.

    Parameters
    ----------
    x, y : ndarray
        The swept variable and the response, in SI, in recorded order
        (never regridded). Arrays are made read-only.
    x_name, y_name : str
        Canonical column names (``"T_K"``, ``"R_ohm"``...).
    fixed : dict
        Values held fixed during the sweep, by canonical name
        (``{"B_T": 0.01}``).
    direction : str
        ``"up"``, ``"down"`` or ``""`` (mixed / unknown).
    source : str
        File the curve came from.
    """

    x: np.ndarray
    y: np.ndarray
    x_name: str = "x"
    y_name: str = "y"
    fixed: dict[str, float] = field(default_factory=dict)
    direction: str = ""
    source: str = ""

    def __post_init__(self) -> None:
        x = _frozen_copy(self.x)
        y = _frozen_copy(self.y)
        if x.shape != y.shape or x.ndim != 1:
            raise ValueError(
                f"curve x and y must be 1-D of equal length, got {x.shape} and {y.shape}"
            )
        x.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "x", x)
        object.__setattr__(self, "y", y)

    def __len__(self) -> int:
        return int(self.x.size)

    def finite(self) -> Curve:
        """The curve without points where x or y is NaN/inf."""
        m = np.isfinite(self.x) & np.isfinite(self.y)
        if m.all():
            return self
        return dataclasses.replace(self, x=self.x[m], y=self.y[m])

    def sorted(self) -> Curve:
        """The curve sorted by x (stable)."""
        i = np.argsort(self.x, kind="stable")
        return dataclasses.replace(self, x=self.x[i], y=self.y[i])

    def label(self) -> str:
        """A short human label of the fixed values, e.g. ``B = 0.01 T``."""
        parts = []
        for k, v in self.fixed.items():
            name, _, unit = k.partition("_")
            parts.append(f"{name} = {v:.4g} {unit}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ColumnInfo:
    """Where a canonical column came from.

    Parameters
    ----------
    original : str
        The column name as written in the file.
    unit : str
        The unit as written (or as stated by the user).
    scale : float
        Factor that turned the file's values into SI.
    """

    original: str
    unit: str
    scale: float = 1.0


class Table:
    """A raw table read from a file, with canonical SI columns.

    The columns are held either as 1-D numpy arrays (``arrays``: what the
    fast text reader gives, no pandas involved) or as a pandas DataFrame
    (``data``: the other readers, or a user's frame). :attr:`data` always
    gives a DataFrame: built from the arrays on first access (pandas is
    imported then), after which the table holds that frame, so changes made
    to it show in :meth:`column` and :meth:`has`. ``len``, :attr:`names`,
    :meth:`has`, :meth:`column` and :meth:`values` never import pandas.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        Canonical SI columns (``T_K``, ``R_ohm``...) plus every other column
        of the file, untouched, under its original name.
    source : str
        Path of the file.
    format : str
        Detected format (``"csv"``, ``"qd-dat"``, ``"qcodes"``, ``"netcdf"``).
    columns : dict
        Canonical name -> :class:`ColumnInfo`.
    meta : dict
        Header metadata the reader found (title, instrument, run id...),
        and from column recognition ``alternatives``, ``notes``,
        ``unknown_units`` and ``empty`` (see :mod:`sc2d.io.columns`).
    arrays : mapping, optional
        Instead of ``data``: column name -> 1-D numpy array, all of one
        length, in table order (canonical columns first).
    """

    def __init__(
        self,
        data: Any = None,
        source: str = "",
        format: str = "",
        columns: dict[str, ColumnInfo] | None = None,
        meta: dict[str, Any] | None = None,
        *,
        arrays: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        if (data is None) == (arrays is None):
            raise TypeError("Table takes either data (a DataFrame) or arrays (name -> 1-D array)")
        self._frame = data
        self._arrays: dict[str, np.ndarray] | None = None
        self._n_rows = 0
        if arrays is not None:
            self._arrays = dict(arrays)
            lengths = {len(a) for a in self._arrays.values()}
            if len(lengths) > 1:
                raise ValueError(f"Table arrays differ in length: {sorted(lengths)}")
            self._n_rows = lengths.pop() if lengths else 0
        self.source = source
        self.format = format
        self.columns: dict[str, ColumnInfo] = columns if columns is not None else {}
        self.meta: dict[str, Any] = meta if meta is not None else {}

    def __repr__(self) -> str:
        return (
            f"Table(source={self.source!r}, format={self.format!r}, rows={len(self)}, "
            f"columns={self.names!r})"
        )

    @property
    def data(self) -> Any:
        """The table as a pandas DataFrame (built from the arrays once, then kept)."""
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self._arrays, index=pd.RangeIndex(self._n_rows))
            self._arrays = None
        return self._frame

    @property
    def names(self) -> list[str]:
        """Every column name, in table order (canonical columns first)."""
        if self._arrays is not None:
            return list(self._arrays)
        return list(self._frame.columns)

    def __len__(self) -> int:
        if self._arrays is not None:
            return self._n_rows
        return len(self._frame)

    def _holds(self, name: str) -> bool:
        if self._arrays is not None:
            return name in self._arrays
        return name in self._frame.columns

    def has(self, name: str) -> bool:
        """True when the canonical column ``name`` is present."""
        return name in self.columns and self._holds(name)

    def column(self, name: str) -> np.ndarray:
        """The canonical column ``name`` as a float array (SI).

        Raises
        ------
        UnitError
            When no column was recognised as ``name`` but one whose name says
            that quantity has a unit the readers do not know
            (``Temperature (furlongs)``): names the column, its unit and the
            ``--units`` to pass (recorded by the reader in
            ``meta["unknown_units"]``).
        FormatError
            When the column recognised as ``name`` holds no finite number
            (``meta["empty"]``), or when there is no such column at all.
        """
        from .errors import FormatError, UnitError

        if not self.has(name):
            src = os.path.basename(self.source) if self.source else "table"
            unknown = self.meta.get("unknown_units", {}).get(name)
            if unknown:
                from .io.columns import CANONICAL_QUANTITY
                from .io.units import known_units

                col, unit = unknown[0]
                q = CANONICAL_QUANTITY.get(name, name)
                raise UnitError(
                    f"column '{col}' in {src} has unknown unit '{unit}'; "
                    f"pass --units '{col}=UNIT' (known for {q}: {known_units(q)})"
                )
            empty = self.meta.get("empty", {}).get(name)
            if empty:
                raise FormatError(
                    f"column '{empty[0]}' in {src} holds no numbers (every value is "
                    "NaN/inf/empty); check the file or pick another column with --x/--y/--by"
                )
            known = ", ".join(sorted(self.columns)) or "none"
            left = self.meta.get("left_out", {})
            also = (
                "; left out of the file: "
                + "; ".join(f"'{c}' ({why})" for c, why in list(left.items())[:3])
                if left
                else ""
            )
            raise FormatError(
                f"{self.source or 'table'} has no {CANONICAL_COLUMNS.get(name, name)} column "
                f"({name}); recognised columns: {known}; name it with --x/--y/--by{also}"
            )
        if self._arrays is not None:
            return self.values(name)
        return self._frame[name].to_numpy(dtype=float)

    def values(self, name: str) -> np.ndarray:
        """Any column, by its name in the table, as a float array (NaN where empty).

        Raises
        ------
        KeyError
            When the table has no column ``name``.
        TypeError, ValueError
            When the column holds text.
        """
        if self._arrays is not None:
            a = self._arrays[name]
            if a.dtype.kind in "fiub":
                v = np.asarray(a, dtype=float).view()
                v.flags.writeable = False
                return v
            return self.data[name].to_numpy(dtype=float, na_value=np.nan)
        return self._frame[name].to_numpy(dtype=float, na_value=np.nan)

    def describe_columns(self) -> list[dict[str, Any]]:
        """Canonical columns with their original names, units and scales."""
        return [
            {"column": k, "original": v.original, "unit": v.unit, "scale_to_SI": v.scale}
            for k, v in self.columns.items()
        ]
