"""sc2d.data: curves own read-only data; a caller's arrays are never shared writable."""

from __future__ import annotations

import numpy as np
import pytest

from sc2d.data import Curve


def test_curve_copies_a_writable_array_so_later_edits_do_not_reach_it():
    """A caller editing its own T array after making a curve leaves the curve's T unchanged."""
    t = np.linspace(0.4, 0.02, 50)
    r = np.linspace(300.0, 0.0, 50)
    c = Curve(t, r)
    t[0] = 99.0
    assert c.x[0] == pytest.approx(0.4)
    assert not c.x.flags.writeable
    with pytest.raises(ValueError):
        c.x[0] = 1.0


def test_curve_shares_a_read_only_column_slice():
    """A slice of a read-only column (what a reader gives) is shared, not copied."""
    col = np.linspace(0.4, 0.02, 1000).copy()  # owns its data
    col.flags.writeable = False
    c = Curve(col[100:200], col[100:200] * 2)
    assert np.shares_memory(c.x, col)  # shared: no 2M-row copy for a big family
    assert not np.shares_memory(c.y, col)  # a computed array is the curve's own
    view = col.view()
    base = np.linspace(0.0, 1.0, 10)
    ro_view = base[2:5]
    ro_view.flags.writeable = False  # read-only view of a writable array: copied
    c2 = Curve(ro_view, ro_view)
    assert not np.shares_memory(c2.x, base)
    assert np.shares_memory(Curve(view, view).x, col)


def test_reader_columns_are_read_only_and_curves_share_them(tmp_path):
    """load_curves on a CSV: the table's columns are read-only and each curve views them."""
    from sc2d.io import load_curves

    rows = "".join(f"{4 - i / 100},{0.01 * (i // 50)},{10 + i}\n" for i in range(200))
    p = tmp_path / "f.csv"
    p.write_text("T (K),B (T),R (Ohm)\n" + rows)
    table, curves = load_curves(p, x="T_K", y="R_ohm")
    assert len(curves) == 4
    col = table.column("T_K")
    assert not col.flags.writeable
    assert all(np.shares_memory(c.x, col) for c in curves)
    assert curves[1].x[0] == pytest.approx(3.5)
