"""Published superconducting oxide interfaces, and comparisons across samples.

- :func:`load_literature`: the packaged, cited table
  (``sc2d/data/literature.csv``, version :data:`LITERATURE_VERSION`) of
  LaAlO3/SrTiO3 (001)/(110)/(111), KTaO3 (111)/(110)/(001) interfaces and
  gated surfaces, EuO/KTaO3, a-CaZrO3/KTaO3 and the reference study
  CaZrO3/KTaO3 (L. Chen et al., arXiv:2507.01392): Tc, n_s, xi_GL, d_SC,
  T_BKT with journal, volume, page, year (and DOI where checked). A cell is
  empty (NaN) when the value could not be attributed to the publication
  itself; ``source_checked`` says how each row was checked.
- :func:`place_sample`: the table with a user's sample appended ("this
  work"), for the report's comparison table and plots.
- :func:`orientation_comparison`: Tc, n_s and the Tc(n_s) slope per crystal
  orientation (001/110/111) over a set of samples.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from .data import Estimate, Result, estimate_value
from .errors import DataError, FormatError

__all__ = [
    "LITERATURE_VERSION",
    "NUMERIC_COLUMNS",
    "OrientationResult",
    "OrientationSummary",
    "load_literature",
    "normalize_orientation",
    "orientation_comparison",
    "place_sample",
]

#: Version of the packaged table (also on its first line).
LITERATURE_VERSION = "2026.11.1"

#: Numeric columns of the table (units in the names).
NUMERIC_COLUMNS = ("tc_K", "n_s_cm2", "xi_gl_nm", "d_sc_nm", "t_bkt_K")

#: Columns every row must fill (the citation).
CITATION_COLUMNS = ("journal", "volume", "page", "year")

_TEXT = {
    "system": str,
    "substrate": str,
    "orientation": str,
    "kind": str,
    "tc_criterion": str,
    "first_author": str,
    "journal": str,
    "volume": str,
    "page": str,
    "doi": str,
    "source_checked": str,
    "notes": str,
}


def load_literature() -> pd.DataFrame:
    """The packaged table of published superconducting oxide interfaces.

    Returns
    -------
    pandas.DataFrame
        One row per published system/sample with columns ``system``,
        ``substrate``, ``orientation`` (``"001"``, ``"110"``, ``"111"``),
        ``kind`` (interface / gated surface), ``tc_K``, ``tc_criterion``,
        ``n_s_cm2``, ``xi_gl_nm``, ``d_sc_nm``, ``t_bkt_K`` (NaN when not
        attributable), ``first_author``, ``journal``, ``volume``, ``page``,
        ``year``, ``doi``, ``source_checked``, ``notes``, ``label`` (e.g.
        ``"LaAlO3/SrTiO3(001), Reyren 2007"``) and ``this_work`` (False). ``df.attrs["version"]`` is :data:`LITERATURE_VERSION`.

    Examples
    --------
    >>> df = load_literature()
    >>> sorted(df.orientation.unique())
    ['001', '110', '111']
    """
    text = resources.files("sc2d").joinpath("data/literature.csv").read_text(encoding="utf-8")
    from io import StringIO

    df = pd.read_csv(StringIO(text), comment="#", dtype=_TEXT, keep_default_na=False)
    for c in NUMERIC_COLUMNS:
        df[c] = pd.to_numeric(df[c].replace("", np.nan), errors="raise").astype(float)
    df["year"] = df["year"].astype(int)
    surname = df["first_author"].str.split().str[-1].fillna("")
    label = df["system"] + "(" + df["orientation"] + "), " + surname + " " + df["year"].astype(str)
    dup = label.duplicated(keep=False)
    extra = [
        f" [n_s {n:.3g} cm^-2]" if math.isfinite(n) else f" [{i}]"
        for i, n in enumerate(df["n_s_cm2"])
    ]
    df["label"] = [lab + (e if d else "") for lab, e, d in zip(label, extra, dup, strict=True)]
    df["this_work"] = False
    df.attrs["version"] = LITERATURE_VERSION
    df.attrs["source"] = "sc2d/data/literature.csv"
    return df


def normalize_orientation(o: Any) -> str:
    """``"(001)"``, ``"100"``, ``1`` -> ``"001"``; ``"(110)"`` -> ``"110"``.

    Cubic perovskite surfaces: {100} planes are written 001. Other strings
    are returned stripped of parentheses and spaces; None/NaN gives ``""``.
    """
    if o is None or (isinstance(o, float) and math.isnan(o)):
        return ""
    s = str(o).strip().strip("()[]{} ").replace(" ", "")
    if s.isdigit() and len(s) < 3:
        s = s.zfill(3)
    if s in ("100", "010"):
        s = "001"
    return s


def _get(sample: Any, key: str, default: Any = None) -> Any:
    if isinstance(sample, Mapping):
        return sample.get(key, default)
    return getattr(sample, key, default)


def _num(x: Any) -> float:
    try:
        v = estimate_value(x)
    except (TypeError, ValueError):
        return math.nan
    return v if math.isfinite(v) else math.nan


def place_sample(sample: Mapping[str, Any], table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The literature table with a user's sample appended as "this work".

    Parameters
    ----------
    sample : mapping
        ``system`` (or ``name``), ``orientation`` and any of ``tc_K``,
        ``n_s_cm2``, ``xi_gl_nm``, ``d_sc_nm``, ``t_bkt_K`` (numbers or JSON
        estimates ``{"value": ...}``), optionally ``tc_criterion``, ``notes``.
    table : DataFrame, optional
        A table to extend (default :func:`load_literature`). Not modified.

    Returns
    -------
    pandas.DataFrame
        A new table whose last row is the sample, ``this_work`` True.
    """
    if not isinstance(sample, Mapping):
        raise FormatError(
            f"place_sample expects a mapping of the sample's values, got {type(sample).__name__}"
        )
    base = load_literature() if table is None else table
    row: dict[str, Any] = {c: "" for c in base.columns}
    row.update({c: math.nan for c in NUMERIC_COLUMNS})
    row["system"] = str(sample.get("system") or sample.get("name") or "this work")
    row["orientation"] = normalize_orientation(sample.get("orientation"))
    row["kind"] = str(sample.get("kind", ""))
    for c in NUMERIC_COLUMNS:
        if c in sample:
            row[c] = _num(sample[c])
    row["tc_criterion"] = str(sample.get("tc_criterion", ""))
    row["notes"] = str(sample.get("notes", ""))
    row["journal"] = "this work"
    row["label"] = f"{row['system']} (this work)"
    row["year"] = int(sample.get("year", 0) or 0)
    row["this_work"] = True
    if not any(math.isfinite(row[c]) for c in NUMERIC_COLUMNS):
        raise DataError(
            f"sample '{row['system']}' has none of {', '.join(NUMERIC_COLUMNS)}; "
            "give at least one number to place it beside the literature"
        )
    out = pd.concat([base, pd.DataFrame([row])[base.columns]], ignore_index=True)
    out.attrs.update(base.attrs)
    return out


# --------------------------------------------------------------------------
# Orientation comparison
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class OrientationSummary(Result):
    """The samples of one crystal orientation.

    Attributes
    ----------
    orientation : str
    samples : list of str
    n_samples : int
    tc_max_K, tc_mean_K : Estimate
        Highest and mean Tc (the mean's stderr is the standard error of the
        mean over samples; NaN with one sample).
    n_s_mean_cm2 : Estimate
        Mean Hall density over samples (cm^-2).
    tc_vs_ns : dict or None
        Linear Tc(n_s) (``slope_K_cm2``, ``n_critical_cm2``) when two or more
        samples have both Tc and n_s at distinct densities.
    """

    orientation: str
    samples: list[str]
    n_samples: int
    tc_max_K: Estimate
    tc_mean_K: Estimate
    n_s_mean_cm2: Estimate
    tc_vs_ns: Any


@dataclass(frozen=True)
class OrientationResult(Result):
    """Tc, n_s and Tc(n_s) per orientation.

    Attributes
    ----------
    orientations : dict
        ``{"001": OrientationSummary, ...}`` in crystallographic order.
    ranking : str
        e.g. ``"Tc(001) < Tc(110) < Tc(111)"`` by the highest Tc.
    criterion : str
        The Tc criterion the samples share (as given), for the record.
    """

    orientations: dict[str, OrientationSummary]
    ranking: str
    criterion: str = ""

    def summary(self) -> str:
        lines = [f"{'orientation':>11} {'N':>3} {'Tc max (K)':>11} {'n_s mean (cm^-2)':>17}"]
        for k, s in self.orientations.items():
            lines.append(
                f"{k:>11} {s.n_samples:>3} {s.tc_max_K.value:>11.4g} {s.n_s_mean_cm2.value:>17.4g}"
            )
        if self.ranking:
            lines.append(self.ranking)
        return "\n".join(lines)


def _order_key(o: str) -> tuple[int, str]:
    known = {"001": 0, "110": 1, "111": 2}
    return (known.get(o, 9), o)


def orientation_comparison(samples: Iterable[Any], *, criterion: str = "") -> OrientationResult:
    """Compare samples by crystal orientation: Tc, n_s and the Tc(n_s) slope.

    Parameters
    ----------
    samples : iterable of mappings or records
        Each with ``name``, ``orientation`` (``"001"``, ``"(110)"``...),
        ``tc_K`` and ``n_s_cm2`` (numbers, :class:`~sc2d.data.Estimate` or
        JSON estimates; missing allowed). Samples without an orientation are
        skipped.
    criterion : str
        The Tc criterion, recorded in the result.

    Returns
    -------
    OrientationResult

    Raises
    ------
    DataError
        No sample has both an orientation and a Tc.
    """
    from .gating import _tc_vs_ns

    groups: dict[str, list[tuple[str, float, float]]] = {}
    for i, s in enumerate(samples):
        o = normalize_orientation(_get(s, "orientation"))
        if not o:
            continue
        name = str(_get(s, "name", f"sample {i + 1}"))
        groups.setdefault(o, []).append((name, _num(_get(s, "tc_K")), _num(_get(s, "n_s_cm2"))))
    if not any(math.isfinite(t) for g in groups.values() for _, t, _ in g):
        raise DataError(
            "orientation comparison needs samples with an orientation and a Tc; "
            f"got {sum(len(g) for g in groups.values())} with an orientation and none with Tc"
        )
    out: dict[str, OrientationSummary] = {}
    for o in sorted(groups, key=_order_key):
        g = groups[o]
        tc = np.array([t for _, t, _ in g])
        ns = np.array([n for _, _, n in g])
        ft = tc[np.isfinite(tc)]
        fn = ns[np.isfinite(ns)]
        if ft.size:
            imax = int(np.nanargmax(tc))
            tmax = Estimate(float(ft.max()), math.nan, "K", f"highest Tc ({g[imax][0]})")
            se = float(ft.std(ddof=1) / math.sqrt(ft.size)) if ft.size > 1 else math.nan
            tmean = Estimate(float(ft.mean()), se, "K", f"mean over {ft.size} samples")
        else:
            tmax = Estimate.missing("K", "no Tc for this orientation")
            tmean = Estimate.missing("K", "no Tc for this orientation")
        if fn.size:
            se = float(fn.std(ddof=1) / math.sqrt(fn.size)) if fn.size > 1 else math.nan
            nmean = Estimate(float(fn.mean()), se, "cm^-2", f"mean over {fn.size} samples")
        else:
            nmean = Estimate.missing("cm^-2", "no n_s for this orientation")
        tvn = _tc_vs_ns(tc, ns)
        out[o] = OrientationSummary(o, [n for n, _, _ in g], len(g), tmax, tmean, nmean, tvn)
    ranked = [(k, v.tc_max_K.value) for k, v in out.items() if math.isfinite(v.tc_max_K.value)]
    ranked.sort(key=lambda kv: kv[1])
    ranking = " < ".join(f"Tc({k})" for k, _ in ranked) if len(ranked) > 1 else ""
    return OrientationResult(out, ranking, str(criterion))
