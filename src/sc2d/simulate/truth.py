"""Truth from the noiseless model, and the controlled Tc.

Analyses are tested against these numbers: they are computed from the
noiseless model (no noise, no lag), so an analysis of simulated files should
recover them within its own stated uncertainty.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize as _opt

from ..errors import DataError
from . import models as m
from .models import SampleParams

__all__ = [
    "solve_tc",
    "true_alpha",
    "true_hc2",
    "true_ic",
    "true_rt",
    "true_rt_field",
    "true_tc",
]


def true_rt(params: SampleParams, t: ArrayLike) -> np.ndarray:
    """Noiseless zero-field R(T) of ``params`` (Ohm)."""
    return m.rt(t, **params.rt_kwargs())


def true_rt_field(
    params: SampleParams,
    t: ArrayLike,
    b_field: ArrayLike,
    *,
    orientation: str = "perp",
    theta_deg: float | None = None,
) -> np.ndarray:
    """Noiseless R(T, B) of ``params`` (Ohm); ``t`` and ``b_field`` broadcast."""
    return m.rt_field(
        t,
        b_field,
        orientation=orientation,
        theta_deg=theta_deg,
        xi_gl=params.xi_gl,
        d_sc=params.d_sc,
        field_broadening=params.field_broadening,
        **params.rt_kwargs(),
    )


def _crossing(fun: Any, target: float, lo: float, hi: float) -> float:
    """Highest T in [lo, hi] where the monotone fun(T) crosses target."""
    grid = np.linspace(lo, hi, 801)
    r = fun(grid)
    above = r >= target
    if not above[-1]:
        return math.nan
    if above.all():
        return math.nan
    k = int(np.nonzero(~above)[0][-1])
    a, b = grid[k], grid[k + 1]
    return float(_opt.brentq(lambda x: float(fun(np.array([x]))[0]) - target, a, b, xtol=1e-12))


def true_tc(
    params: SampleParams,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    *,
    b_field: float = 0.0,
    orientation: str = "perp",
    theta_deg: float | None = None,
) -> float:
    """Tc where the noiseless R(T) crosses ``fraction`` x R(t_ref) (K).

    The highest crossing, found on a dense grid and refined with brentq. In
    a field, R(t_ref) is taken at the same field. NaN when not reached.
    """

    def fun(t: np.ndarray) -> np.ndarray:
        if b_field == 0:
            return true_rt(params, t)
        return true_rt_field(params, t, b_field, orientation=orientation, theta_deg=theta_deg)

    r_ref = float(fun(np.array([t_ref]))[0])
    return _crossing(fun, fraction * r_ref, 1e-4, t_ref)


def solve_tc(
    params: SampleParams,
    tc: float,
    *,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    vary: str = "scale",
) -> SampleParams:
    """Parameters whose noiseless R(T) crosses fraction x R(t_ref) exactly at ``tc``.

    Parameters
    ----------
    params : SampleParams
        Starting parameters.
    tc : float
        Wanted Tc at the criterion (K), below ``t_ref``.
    vary : {"scale", "tc0"}
        ``"scale"``: multiply Tc0, T_BKT (if set), the I-V temperatures (if
        set) and t_stiff together (shape kept). ``"tc0"``: keep T_BKT fixed and
        solve Tc0 alone (then Tc0 > tc > T_BKT is required).

    Raises
    ------
    DataError
        When no parameter value gives the wanted Tc.
    """
    if not (0 < tc < t_ref):
        raise DataError(f"wanted Tc {tc} K must lie between 0 and t_ref = {t_ref} K")

    def build(x: float) -> SampleParams:
        if vary == "scale":
            f = x / params.tc0

            def sc(v: float | None) -> float | None:
                return None if v is None else v * f

            return params.replace(
                tc0=x,
                t_bkt=sc(params.t_bkt),
                t_bkt_iv=sc(params.t_bkt_iv),
                t_ic=sc(params.t_ic),
                t_stiff=sc(params.t_stiff),
            )
        if vary == "tc0":
            return params.replace(tc0=x, t_bkt=params.t_bkt_eff)
        raise ValueError(f"vary must be 'scale' or 'tc0', got {vary!r}")

    def h(x: float) -> float:
        p = build(x)
        r_ref = float(true_rt(p, np.array([t_ref]))[0])
        return float(true_rt(p, np.array([tc]))[0]) - fraction * r_ref

    if vary == "tc0":
        tb = params.t_bkt_eff
        if tc <= tb:
            raise DataError(
                f"wanted Tc {tc} K is not above T_BKT = {tb} K; raise it or use vary='scale'"
            )
        lo, hi = tb * (1 + 1e-6), 2.0 * tc + tb
    else:
        lo, hi = tc * 0.5, tc * 1.5
    flo, fhi = h(lo), h(hi)
    if not (flo > 0 > fhi):
        raise DataError(
            f"cannot reach Tc = {tc} K at criterion {fraction} by varying {vary} "
            f"(R - f R_ref = {flo:.3g} .. {fhi:.3g} Ohm over {lo:.4g}-{hi:.4g} K)"
        )
    x = _opt.brentq(h, lo, hi, xtol=1e-13, rtol=1e-13)
    return build(float(x))


def true_hc2(
    params: SampleParams,
    fields: ArrayLike,
    *,
    orientation: str = "perp",
    fraction: float = 0.5,
    t_ref: float = 0.4,
) -> dict[str, Any]:
    """Hc2(T) at a criterion from the noiseless field family, and its GL fit.

    For each field B the crossing T_f(B) (fraction of R(t_ref) at that
    field) is found; the points (T_f, B) are fitted with the GL line
    B = B0 (1 - T/Tc) (perpendicular) or B^2 = B0^2 (1 - T/Tc) (parallel).

    Returns
    -------
    dict
        ``B_T`` (fields with a crossing), ``T_K`` (crossings), ``hc2_0_T``
        (GL extrapolation), ``tc_K`` (GL intercept), and the model's
        ``hc2_0_model_T``.
    """
    bs = np.atleast_1d(np.asarray(fields, dtype=float))
    ts = np.array(
        [true_tc(params, fraction, t_ref, b_field=b, orientation=orientation) for b in bs]
    )
    ok = np.isfinite(ts)
    bs, ts = bs[ok], ts[ok]
    y = bs if orientation == "perp" else bs**2
    if ts.size < 2:
        raise DataError("fewer than two fields have a transition above the lowest temperature")
    slope, icpt = np.polyfit(ts, y, 1)
    tcf = -icpt / slope
    h0 = icpt if orientation == "perp" else math.sqrt(icpt)
    model = params.hc2_perp0 if orientation == "perp" else params.hc2_par0
    return {
        "B_T": bs,
        "T_K": ts,
        "hc2_0_T": float(h0),
        "tc_K": float(tcf),
        "hc2_0_model_T": float(model),
    }


def true_alpha(params: SampleParams, t: ArrayLike) -> np.ndarray:
    """Noiseless I-V exponent alpha(T); alpha(params.t_bkt_iv_eff) = 3."""
    k = params.iv_kwargs()
    return m.alpha_t(t, t_bkt_iv=k["t_bkt_iv"], t_stiff=k["t_stiff"], alpha_width=k["alpha_width"])


def true_ic(params: SampleParams, t: ArrayLike, *, v_th: float | None = 1e-8) -> np.ndarray:
    """Critical current of the noiseless model at temperatures ``t`` (A).

    ``v_th`` given: the first |I| on the rising branch where V exceeds v_th
    (a voltage-threshold criterion, default 10 nV = 5 sigma of the default
    noise), found on a dense log grid and refined by bisection. ``v_th=None``:
    the switching current Ic(T) where the film jumps to the normal branch.
    """
    k = params.iv_kwargs()
    t = np.atleast_1d(np.asarray(t, dtype=float))
    isw = m.ic_t(t, ic0=k["ic0"], t_ic=k["t_ic"])
    if v_th is None:
        return isw
    out = np.zeros(t.shape)
    for j, tt in enumerate(t):
        i_hi = max(isw[j], 0.0)
        if i_hi <= 0:
            i_hi = 10 * k["ic0"]
        grid = np.geomspace(i_hi * 1e-7, i_hi, 2000)
        v = m.iv(grid, tt, branch=1, **k)
        above = v > v_th
        if not above.any():
            out[j] = isw[j]
            continue
        n = int(np.argmax(above))
        if n == 0:
            out[j] = 0.0
            continue
        lo, hi = grid[n - 1], grid[n]
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if m.iv(np.array([mid]), tt, branch=1, **k)[0] > v_th:
                hi = mid
            else:
                lo = mid
        out[j] = hi
    return out
