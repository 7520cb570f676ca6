"""Robust noise estimates shared by the analyses and the readers (internal).

One place for the rule used everywhere a curve's point-to-point noise is
needed: the scaled median absolute deviation (MAD) of the second
differences. For white noise of standard deviation sigma the second
difference y[i+1] - 2 y[i] + y[i-1] has standard deviation sqrt(6) sigma, and
a smooth trend or a few jumps (the transition itself) barely move its median.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["MAD_TO_SIGMA", "median", "second_difference_noise"]

#: 1/Phi^-1(3/4): MAD -> standard deviation for Gaussian noise.
MAD_TO_SIGMA: float = 1.482602218505602


def median(a: np.ndarray, axis: int = -1) -> np.ndarray | float:
    """``np.median(a, axis)`` of finite data, by bottleneck when it is installed.

    The same values (the middle element, or the mean of the middle pair) at
    about half the cost on long rows; NaN propagates as in numpy.
    """
    try:
        import bottleneck as bn
    except ImportError:  # bottleneck is a dependency; tested by hiding it
        return np.median(a, axis=axis)
    out = bn.median(a, axis=axis)
    return float(out) if np.ndim(out) == 0 else out


def second_difference_noise(
    y: np.ndarray, *, centred: bool = False, axis: int = -1
) -> float | np.ndarray:
    """White-noise sigma of a sampled curve from its second differences.

    Parameters
    ----------
    y : ndarray
        Samples (1-D, or 2-D with one curve per row and ``axis=-1``).
    centred : bool
        Take the MAD about the median second difference (True) or about
        zero (False; the default, blind to a constant curvature's offset
        only when it is small).
    axis : int
        Axis along which the curve runs.

    Returns
    -------
    float or ndarray
        sigma in the unit of ``y``; NaN for fewer than 5 points.
    """
    y = np.asarray(y, dtype=float)
    if y.shape[axis] < 5:
        return math.nan if y.ndim == 1 else np.full(np.delete(y.shape, axis), np.nan)
    d2 = np.diff(y, 2, axis=axis)
    if centred:
        d2 = d2 - np.expand_dims(median(d2, axis=axis), axis)
    s = MAD_TO_SIGMA * median(np.abs(d2), axis=axis) / math.sqrt(6.0)
    return float(s) if np.ndim(s) == 0 else s
