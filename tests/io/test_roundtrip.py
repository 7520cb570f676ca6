"""Property tests: any table written as text reads back to the same SI numbers."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sc2d.io import read

UNITS = {
    "T": [("K", 1.0), ("mK", 1e-3)],
    "R": [("Ohm", 1.0), ("kOhm", 1e3)],
    "B": [("T", 1.0), ("Oe", 1e-4)],
}
CANON = {"T": "T_K", "R": "R_ohm", "B": "B_T"}


@settings(max_examples=25, deadline=None)
@given(
    values=st.lists(
        st.tuples(*[st.floats(-1e6, 1e6, allow_nan=False, width=32)] * 3), min_size=1, max_size=30
    ),
    sep=st.sampled_from([",", "\t", ";", " "]),
    newline=st.sampled_from(["\n", "\r\n"]),
    order=st.permutations(["T", "R", "B"]),
    unit_pick=st.tuples(*[st.integers(0, 1)] * 3),
    comment=st.booleans(),
)
def test_text_roundtrip(values, sep, newline, order, unit_pick, comment) -> None:
    """Write a random table (any delimiter, line end, order, unit) and read the same SI values."""
    arr = np.array(values, dtype=float)
    units = {q: UNITS[q][unit_pick[i]] for i, q in enumerate(["T", "R", "B"])}
    names = [f"{q} ({units[q][0]})" for q in order]
    df = pd.DataFrame({n: arr[:, i] for i, n in enumerate(names)})
    lines = (["# written by a property test"] if comment else []) + [sep.join(names)]
    lines += [sep.join(repr(float(v)) for v in row) for row in df.to_numpy()]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "prop.txt"
        p.write_bytes((newline.join(lines) + newline).encode())
        t = read(p)
    assert len(t) == len(arr)
    for i, q in enumerate(order):
        np.testing.assert_allclose(t.column(CANON[q]), arr[:, i] * units[q][1], rtol=1e-12)
