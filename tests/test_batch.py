"""Vectorised building blocks of the Tc analysis (sc2d._batch) against plain numpy/scipy.

Each function works on many curves at once (one per row of a padded 2-D
array); here every one is checked row by row against the obvious 1-D
computation, to the last bit where the arithmetic is the same.
"""

from __future__ import annotations

import numpy as np
import pytest

from sc2d import _batch, _fit


@pytest.mark.parametrize("w", [3, 5, 15, 31])
def test_rolling_median_equals_scipy_median_filter_nearest(w):
    """The rolling median of a noisy R(T) is scipy's median_filter(mode='nearest'), bit for bit."""
    ndimage = pytest.importorskip("scipy.ndimage")
    rng = np.random.default_rng(w)
    y2 = rng.normal(size=(7, 301)) + np.linspace(0, 5, 301)
    got2 = _batch.rolling_median(y2, w)
    for row, got in zip(y2, got2, strict=True):
        np.testing.assert_array_equal(got, ndimage.median_filter(row, size=w, mode="nearest"))
    np.testing.assert_array_equal(
        _batch.rolling_median(y2[0], w), ndimage.median_filter(y2[0], size=w, mode="nearest")
    )


def test_rolling_median_big_stack_uses_threads_and_agrees():
    """A stack above the threading threshold (split over two threads) gives the serial answer."""
    rng = np.random.default_rng(1)
    y = rng.normal(size=(48, _batch._THREAD_MIN_POINTS // 40))
    assert y.size >= _batch._THREAD_MIN_POINTS
    got = _batch.rolling_median(y, 11)
    np.testing.assert_array_equal(got[:3], _batch.rolling_median(y[:3], 11))
    np.testing.assert_array_equal(got[-1], _batch.rolling_median(y[-1], 11))


def test_row_medians_are_numpy_medians_of_the_valid_entries():
    """Odd and even counts, empty rows: the same numbers as np.median of each row's valid part."""
    rng = np.random.default_rng(2)
    a = rng.normal(size=(6, 9))
    valid = np.ones_like(a, bool)
    valid[1, 5:] = False  # 5 valid (odd)
    valid[2, 4:] = False  # 4 valid (even)
    valid[3, :] = False  # none
    got = _batch.row_medians(a, valid)
    for i in range(6):
        if valid[i].any():
            assert got[i] == np.median(a[i][valid[i]])
        else:
            assert np.isnan(got[i])


def test_gather_windows_mark_what_lies_outside_each_row():
    """Windows running over either end of a row are flagged invalid there."""
    a = np.arange(20.0).reshape(2, 10)
    vals, idx, valid = _batch.gather(a, np.array([-2, 7]), 5, np.array([10, 9]))
    np.testing.assert_array_equal(idx[0], [-2, -1, 0, 1, 2])
    np.testing.assert_array_equal(valid[0], [False, False, True, True, True])
    np.testing.assert_array_equal(vals[0, 2:], [0, 1, 2])
    np.testing.assert_array_equal(valid[1], [True, True, False, False, False])  # n = 9
    np.testing.assert_array_equal(vals[1, :2], [17, 18])


def test_first_at_least_is_the_first_index_reaching_the_level():
    """From the running maximum: the first point at or above the level (n when never)."""
    s = np.array([[0.0, 1.0, 0.5, 2.0, 3.0], [0.0, 0.1, 0.2, 0.1, np.inf]])
    smax = np.maximum.accumulate(s, axis=1)
    k = _batch.first_at_least(smax, np.array([0.9, 0.5]), np.array([5, 4]))
    assert k.tolist() == [1, 4]  # row 2 never reaches 0.5 in its 4 points
    for row, lv in ((s[0], 0.9),):
        assert k[0] == int(np.argmax(row >= lv))


def test_poly_roots_recover_a_quadratic_crossing_and_its_slope():
    """Root and slope of y = 2 (u - 0.01) + 30 (u - 0.01)^2 from noise-free points: exact."""
    u = np.linspace(-0.05, 0.06, 23)
    y = 2 * (u - 0.01) + 30 * (u - 0.01) ** 2
    root, se, slope = _batch.poly_roots(
        u[None, :], y[None, :], np.ones((1, u.size), bool), 2, np.array([0.0])
    )
    assert root[0] == pytest.approx(0.01, abs=1e-12)
    assert slope[0] == pytest.approx(2.0, rel=1e-9)
    assert se[0] == pytest.approx(0.0, abs=1e-10)


def test_poly_roots_rows_are_independent_and_padding_is_ignored():
    """A row padded with junk beyond its valid points gives the answer of the bare row."""
    rng = np.random.default_rng(3)
    u = np.linspace(-1, 1, 15)
    y = 0.5 + 3 * u + rng.normal(0, 0.05, u.size)
    U = np.vstack([u, np.concatenate([u[:10], [9e9] * 5])])
    Y = np.vstack([y, np.concatenate([y[:10], [-7e7] * 5])])
    valid = np.vstack([np.ones(15, bool), np.arange(15) < 10])
    root, se, slope = _batch.poly_roots(U, Y, valid, 1, np.array([0.05, 0.05]))
    r1, s1, _k1 = _batch.poly_roots(u[None, :10], y[None, :10], valid[1:, :10], 1, np.array([0.05]))
    assert root[1] == pytest.approx(r1[0], rel=1e-12)
    assert se[1] == pytest.approx(s1[0], rel=1e-9)
    # the full row: root of the least-squares line (numpy.polyfit)
    b, a = np.polyfit(u, y, 1)
    assert root[0] == pytest.approx(-a / b, rel=1e-9)
    assert slope[0] == pytest.approx(b, rel=1e-9)


def test_poly_roots_no_increasing_root_inside_the_data_is_nan():
    """A decreasing line, or a root outside the fitted points, gives NaN (never extrapolated)."""
    u = np.linspace(-1, 1, 9)
    rows = np.vstack([-(u - 0.2), u - 5.0])
    root, se, slope = _batch.poly_roots(
        np.vstack([u, u]), rows, np.ones((2, 9), bool), 1, np.array([0.1, 0.1])
    )
    assert np.isnan(root).all() and np.isnan(se).all() and np.isnan(slope).all()


def test_masked_line_fits_match_line_fit():
    """Slope, x-intercept and its stderr row by row equal sc2d._fit.line_fit's."""
    rng = np.random.default_rng(4)
    x = np.linspace(0.1, 0.3, 40)
    X = np.vstack([x, x])
    Y = np.vstack([50 * (x - 0.2), -3 + 20 * x]) + rng.normal(0, 0.1, (2, 40))
    valid = np.vstack([np.ones(40, bool), np.arange(40) < 25])
    slope, xc, xse, n = _batch.masked_line_fits(X, Y, valid)
    for i in range(2):
        lf = _fit.line_fit(X[i][valid[i]], Y[i][valid[i]])
        assert slope[i] == pytest.approx(lf.slope, rel=1e-10)
        assert xc[i] == pytest.approx(lf.x_intercept, rel=1e-10)
        assert xse[i] == pytest.approx(lf.x_intercept_stderr, rel=1e-8)
    assert n.tolist() == [40, 25]


def test_block_scale_is_robust_to_a_glitch_and_follows_a_noisy_stretch():
    """One huge glitch barely moves its block's median; a noisier stretch raises its blocks."""
    rng = np.random.default_rng(5)
    dev = np.abs(rng.normal(0, 1.0, 310))
    dev[100:160] *= 10  # a steep, noisy stretch
    quiet = _batch.block_scale(dev, 31)
    glitched = dev.copy()
    glitched[20] = 1e6
    assert _batch.block_scale(glitched, 31)[0] == pytest.approx(quiet[0], rel=0.3)
    assert quiet[4] > 5 * quiet[8]  # blocks 3-5 cover the noisy stretch (and neighbours)
    over = _batch.exceeds(glitched, np.full(quiet.shape, 1e5), 31)
    assert np.flatnonzero(over).tolist() == [20]


def test_block_scale_of_chosen_blocks_equals_the_full_computation():
    """Asking for some blocks gives their full-computation scale exactly (neighbours included)."""
    rng = np.random.default_rng(6)
    dev = np.abs(rng.normal(0, 1.0, (3, 317)))  # 10 blocks of 31 + a remainder of 7
    full = _batch.block_scale(dev, 31)
    want = np.zeros(full.shape, bool)
    want[0, [0, 4]] = True
    want[1, 9] = True  # the last block, remainder included
    want[2, :] = True
    part = _batch.block_scale(dev, 31, want)
    np.testing.assert_array_equal(part[want], full[want])
    assert _batch.block_any(dev > 3.2, 31).shape == full.shape


def test_hampel_mask_equals_the_all_blocks_computation():
    """Computing the local scale only where a point exceeds HAMPEL_K global sigmas changes nothing."""
    from sc2d import transition as tr

    rng = np.random.default_rng(7)
    t = np.linspace(0, 1, 2000)
    y = 100 / (1 + np.exp(-(t - 0.5) / 0.01)) + rng.normal(0, 0.3, (4, t.size))
    y[:, rng.choice(t.size, 30, replace=False)] += rng.normal(0, 20, 30)
    sig = np.array([0.3, 0.3, np.nan, 0.0])
    mask, s = tr._hampel_smooth(y, 31, sig)
    dev = np.abs(y - s)
    floor = np.where(np.isfinite(sig), sig, 0.0)[:, None]
    scale = np.maximum(tr.MAD_TO_SIGMA * _batch.block_scale(dev, 31), floor)
    ref = _batch.exceeds(dev, tr.HAMPEL_K * np.where(scale > 0, scale, np.inf), 31)
    np.testing.assert_array_equal(mask, ref)
    assert mask[:2].sum() >= 20  # the big glitches of the noisy rows are found


def test_without_bottleneck_the_same_numbers(monkeypatch):
    """bottleneck missing: scipy's median filter and numpy's median give the same results."""
    import sys

    from sc2d import _robust

    rng = np.random.default_rng(8)
    y = rng.normal(size=(3, 400)) + np.linspace(0, 3, 400)
    ref_roll = _batch.rolling_median(y, 15)
    ref_med = _robust.median(np.abs(y), axis=1)
    monkeypatch.setitem(sys.modules, "bottleneck", None)  # import bottleneck -> ImportError
    np.testing.assert_array_equal(_batch.rolling_median(y, 15), ref_roll)
    np.testing.assert_array_equal(_robust.median(np.abs(y), axis=1), ref_med)
