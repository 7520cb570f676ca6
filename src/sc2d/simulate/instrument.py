"""Simulated measurements: the noiseless models plus instrument realism.

Each ``measure_*`` function returns a :class:`pandas.DataFrame` with
canonical SI columns (``t_s``, ``T_K``, ``R_ohm``, ``Rxy_ohm``, ``B_T``,
``I_A``, ``V_V``, ``Vg_V``) in recorded order. Realism, all optional and
driven by an explicit ``rng`` (``np.random.default_rng(seed)``):

- ``noise`` (relative) and ``noise_abs`` (Ohm) Gaussian noise on R;
  ``v_noise`` (V) and ``v_offset`` (thermal EMF) on I-V voltages;
- ``glitches``: probability per point of a bridge glitch (the reading is
  multiplied by a random factor 2-20, or its sign flips);
- ``blanks``: probability per point of an empty cell (NaN);
- ``thermal_lag`` (K): the sample lags the thermometer, so on cooling the
  sample is warmer than the recorded T by the lag and on warming colder;
- ``t_noise`` (K) thermometer scatter and tiny setpoint scatter of the
  stepped field / gate / temperature (``setpoint_scatter``, relative).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import models as m
from .models import SampleParams
from .truth import solve_tc, true_rt, true_rt_field

__all__ = [
    "default_t_grid",
    "measure_gate_hall",
    "measure_gate_iv",
    "measure_gate_rt",
    "measure_hall",
    "measure_iv",
    "measure_r_theta",
    "measure_rb",
    "measure_rt",
    "measure_rt_field",
    "sample_at_gate",
]


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


def _realism(
    y: np.ndarray,
    rng: np.random.Generator,
    *,
    noise: float = 0.0,
    noise_abs: float = 0.0,
    glitches: float = 0.0,
    blanks: float = 0.0,
) -> np.ndarray:
    """Noise, rare glitches and blank cells on a reading."""
    y = np.array(y, dtype=float)
    n = y.size
    if noise:
        y = y * (1.0 + noise * rng.standard_normal(n))
    if noise_abs:
        y = y + noise_abs * rng.standard_normal(n)
    if glitches:
        g = rng.random(n) < glitches
        k = int(g.sum())
        if k:
            fac = rng.uniform(2.0, 20.0, k) * rng.choice([1.0, -1.0], k, p=[0.7, 0.3])
            base = np.where(np.abs(y[g]) > 0, y[g], np.nanmax(np.abs(y)) + 1.0)
            y[g] = base * fac
    if blanks:
        y[rng.random(n) < blanks] = np.nan
    return y


def default_t_grid(params: SampleParams, t_max: float = 0.4, n: int = 300) -> np.ndarray:
    """A recorded-looking T grid, ascending: dense through the transition (K)."""
    tb = params.t_bkt_eff * (1 - 3 * params.inhomogeneity)
    tc = params.tc0 * (1 + 3 * params.inhomogeneity)
    lo = max(0.2 * tb, 0.02)
    n1, n3 = n // 6, n // 4
    a = np.linspace(lo, 0.97 * tb, n1, endpoint=False)
    b = np.linspace(0.97 * tb, min(1.15 * tc, t_max), n - n1 - n3, endpoint=False)
    c = np.linspace(min(1.15 * tc, t_max), t_max, n3)
    return np.unique(np.concatenate([a, b, c]))


def _sweep_order(t: np.ndarray, sweep: str) -> tuple[np.ndarray, np.ndarray]:
    """Recorded T sequence and sweep sign (+1 warming, -1 cooling)."""
    up = np.sort(t)
    if sweep == "up":
        return up, np.ones(up.size)
    if sweep == "down":
        return up[::-1], -np.ones(up.size)
    if sweep == "both":
        return np.concatenate([up[::-1], up]), np.concatenate([-np.ones(up.size), np.ones(up.size)])
    raise ValueError(f"sweep must be 'down', 'up' or 'both', got {sweep!r}")


def measure_rt(
    params: SampleParams,
    t: ArrayLike | None = None,
    *,
    rng: np.random.Generator | int | None = None,
    sweep: str = "down",
    noise: float = 2e-3,
    noise_abs: float = 0.02,
    glitches: float = 0.0,
    blanks: float = 0.0,
    thermal_lag: float = 0.0,
    t_noise: float = 0.0,
    t_max: float = 0.4,
    excitation: float = 10e-9,
) -> pd.DataFrame:
    """Zero-field R(T) sweep(s): columns ``t_s, T_K, R_ohm, I_A`` (I_A = excitation).

    ``t`` is the temperature grid (K); default :func:`default_t_grid`.
    ``sweep`` ``"down"`` (cooling), ``"up"`` or ``"both"`` (cool then warm).
    """
    g = _rng(rng)
    t = default_t_grid(params, t_max) if t is None else np.asarray(t, dtype=float)
    trec, sign = _sweep_order(t, sweep)
    t_sample = trec - sign * thermal_lag  # cooling (sign -1): sample warmer
    r = true_rt(params, np.clip(t_sample, 1e-4, None))
    r = _realism(r, g, noise=noise, noise_abs=noise_abs, glitches=glitches, blanks=blanks)
    trec = trec + (t_noise * g.standard_normal(trec.size) if t_noise else 0.0)
    time = np.cumsum(np.full(trec.size, 4.0)) + g.uniform(0, 0.5, trec.size)
    return pd.DataFrame(
        {"t_s": time, "T_K": trec, "R_ohm": r, "I_A": np.full(trec.size, excitation)}
    )


def _scatter(v: float, g: np.random.Generator, n: int, rel: float, abs_: float) -> np.ndarray:
    return v + (rel * abs(v) + abs_) * g.standard_normal(n)


def measure_rt_field(
    params: SampleParams,
    fields: ArrayLike,
    t: ArrayLike | None = None,
    *,
    orientation: str = "perp",
    theta_deg: float | None = None,
    rng: np.random.Generator | int | None = None,
    sweep: str = "down",
    noise: float = 2e-3,
    noise_abs: float = 0.02,
    glitches: float = 0.0,
    blanks: float = 0.0,
    thermal_lag: float = 0.0,
    t_noise: float = 0.0,
    t_max: float = 0.4,
    setpoint_scatter: float = 1e-4,
    field_noise: float = 2e-6,
) -> pd.DataFrame:
    """R(T) families stepped in field: one long table ``t_s, T_K, B_T, R_ohm``.

    Each field step (T) is one T sweep; the recorded field carries a tiny
    scatter around the setpoint (``setpoint_scatter`` relative plus
    ``field_noise`` T), while the model uses the setpoint.
    """
    g = _rng(rng)
    t = default_t_grid(params, t_max) if t is None else np.asarray(t, dtype=float)
    frames = []
    t0 = 0.0
    for bf in np.asarray(fields, dtype=float):
        trec, sign = _sweep_order(t, sweep)
        ts = np.clip(trec - sign * thermal_lag, 1e-4, None)
        r = true_rt_field(params, ts, bf, orientation=orientation, theta_deg=theta_deg)
        r = _realism(r, g, noise=noise, noise_abs=noise_abs, glitches=glitches, blanks=blanks)
        trec = trec + (t_noise * g.standard_normal(trec.size) if t_noise else 0.0)
        brec = _scatter(bf, g, trec.size, setpoint_scatter, field_noise)
        time = t0 + np.cumsum(np.full(trec.size, 4.0))
        t0 = float(time[-1]) + 600.0
        frames.append(pd.DataFrame({"t_s": time, "T_K": trec, "B_T": brec, "R_ohm": r}))
    return pd.concat(frames, ignore_index=True)


def measure_rb(
    params: SampleParams,
    temps: ArrayLike,
    fields: ArrayLike,
    *,
    orientation: str = "perp",
    theta_deg: float | None = None,
    rng: np.random.Generator | int | None = None,
    noise: float = 2e-3,
    noise_abs: float = 0.02,
    glitches: float = 0.0,
    blanks: float = 0.0,
    setpoint_scatter: float = 2e-3,
) -> pd.DataFrame:
    """R(B) field sweeps at stepped temperatures: ``t_s, T_K, B_T, R_ohm``.

    Each temperature is one sweep through ``fields`` (T) as given (e.g.
    0 -> B_max); the recorded T carries a tiny scatter around the setpoint.
    """
    g = _rng(rng)
    bs = np.asarray(fields, dtype=float)
    frames = []
    t0 = 0.0
    for tt in np.asarray(temps, dtype=float):
        r = true_rt_field(params, tt, bs, orientation=orientation, theta_deg=theta_deg)
        r = _realism(r, g, noise=noise, noise_abs=noise_abs, glitches=glitches, blanks=blanks)
        trec = _scatter(tt, g, bs.size, setpoint_scatter, 0.0)
        time = t0 + np.cumsum(np.full(bs.size, 3.0))
        t0 = float(time[-1]) + 900.0
        frames.append(pd.DataFrame({"t_s": time, "T_K": trec, "B_T": bs, "R_ohm": r}))
    return pd.concat(frames, ignore_index=True)


def measure_r_theta(
    params: SampleParams,
    thetas_deg: ArrayLike,
    *,
    t: float,
    b_field: float,
    rng: np.random.Generator | int | None = None,
    noise: float = 2e-3,
    noise_abs: float = 0.02,
    theta_offset: float = 0.0,
) -> pd.DataFrame:
    """R(theta) at fixed T and |B| (rotator): ``t_s, T_K, B_T, theta_deg, R_ohm``.

    theta from the film plane; ``theta_offset`` (deg) is a misalignment of
    the rotator: the sample sees theta + offset while theta is recorded.
    """
    g = _rng(rng)
    th = np.asarray(thetas_deg, dtype=float)
    r = true_rt_field(params, t, b_field, theta_deg=th + theta_offset)
    r = _realism(np.broadcast_to(r, th.shape), g, noise=noise, noise_abs=noise_abs)
    n = th.size
    return pd.DataFrame(
        {
            "t_s": np.cumsum(np.full(n, 2.0)),
            "T_K": np.full(n, float(t)),
            "B_T": np.full(n, float(b_field)),
            "theta_deg": th,
            "R_ohm": r,
        }
    )


def _iv_currents(i_max: float, n: int, spacing: str) -> tuple[np.ndarray, np.ndarray]:
    """0 -> +Imax -> 0 -> -Imax -> 0 and the branch (+1 rising |I|, -1 falling)."""
    if spacing == "log":
        leg = np.concatenate([[0.0], np.geomspace(i_max * 1e-3, i_max, n)])
    elif spacing == "linear":
        leg = np.linspace(0.0, i_max, n + 1)
    else:
        raise ValueError(f"spacing must be 'log' or 'linear', got {spacing!r}")
    up = leg
    down = leg[::-1][1:]
    seq = np.concatenate([up, down[:-1], -up, -down])
    br = np.concatenate(
        [np.ones(up.size), -np.ones(down.size - 1), np.ones(up.size), -np.ones(down.size)]
    )
    return seq, br


def measure_iv(
    params: SampleParams,
    temps: ArrayLike,
    *,
    i_max: float | None = None,
    n: int = 120,
    spacing: str = "log",
    rng: np.random.Generator | int | None = None,
    v_noise: float = 2e-9,
    v_offset: float = 0.0,
    glitches: float = 0.0,
    blanks: float = 0.0,
    setpoint_scatter: float = 2e-3,
) -> pd.DataFrame:
    """I-V curves at stepped temperatures: columns ``t_s, T_K, I_A, V_V``.

    Each temperature is one sweep 0 -> +I_max -> 0 -> -I_max -> 0 (``n``
    points per leg, log- or linearly spaced); the rising legs switch at
    Ic(T), the falling legs retrap at retrap x Ic(T). The recorded T carries
    a tiny scatter around the setpoint.
    """
    g = _rng(rng)
    k = params.iv_kwargs()
    if i_max is None:
        i_max = 3.0 * params.ic0
    seq, br = _iv_currents(i_max, n, spacing)
    frames = []
    t0 = 0.0
    for tt in np.asarray(temps, dtype=float):
        v = m.iv(seq, tt, branch=br, **k)
        v = v + v_offset + v_noise * g.standard_normal(v.size)
        v = _realism(v, g, glitches=glitches, blanks=blanks)
        trec = _scatter(tt, g, seq.size, setpoint_scatter, 0.0)
        time = t0 + np.cumsum(np.full(seq.size, 0.5))
        t0 = float(time[-1]) + 300.0
        frames.append(pd.DataFrame({"t_s": time, "T_K": trec, "I_A": seq, "V_V": v}))
    return pd.concat(frames, ignore_index=True)


def measure_hall(
    params: SampleParams,
    *,
    t: float = 2.0,
    b_max: float = 9.0,
    n: int = 181,
    rng: np.random.Generator | int | None = None,
    noise_abs: float = 0.05,
    noise: float = 2e-4,
    glitches: float = 0.0,
    blanks: float = 0.0,
    t_noise: float = 1e-3,
) -> pd.DataFrame:
    """R_xy(B) and R_xx(B) at temperature ``t``, field swept -B..+B and back.

    Columns ``t_s, T_K, B_T, Rxy_ohm, R_ohm``. R_xx = R_N(t) (single band,
    no magnetoresistance) or two-band Drude; R_xy includes the contact
    misalignment pickup ``params.misalignment`` x R_xx.
    """
    g = _rng(rng)
    leg = np.linspace(-b_max, b_max, n)
    bseq = np.concatenate([leg, leg[::-1][1:]])
    r_s = float(params.r_normal(t))
    kw: dict[str, Any] = {"n2": params.n2, "mu2": params.mu2, "r_s": r_s}
    rxy = m.hall_rxy(bseq, params.n_s, misalignment=params.misalignment, **kw)
    rxx = m.hall_rxx(bseq, params.n_s, **kw)
    rxy = _realism(rxy, g, noise_abs=noise_abs, glitches=glitches, blanks=blanks)
    rxx = _realism(rxx, g, noise=noise, noise_abs=noise_abs, glitches=glitches, blanks=blanks)
    time = np.cumsum(np.full(bseq.size, 10.0))
    trec = t + t_noise * g.standard_normal(bseq.size)
    return pd.DataFrame({"t_s": time, "T_K": trec, "B_T": bseq, "Rxy_ohm": rxy, "R_ohm": rxx})


def sample_at_gate(
    params: SampleParams,
    vg: float,
    *,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    **gate_kw: Any,
) -> SampleParams:
    """The sample's parameters at gate voltage ``vg`` (see :func:`~.models.gate_params`).

    n_s, r_n (so that R_N(T) at T -> 0 is the gate's R_s) and ic0 follow the
    gate model; the temperature scale is solved so that Tc at ``fraction`` of
    R(t_ref) is the gate model's Tc(vg) exactly.
    """
    gp = m.gate_params(vg, **gate_kw)
    p = params.replace(
        n_s=float(gp["n_s"]), r_n=float(gp["r_s"]), ic0=float(gp["ic0"]), name=f"{params.name}"
    )
    return solve_tc(p, float(gp["tc"]), fraction=fraction, t_ref=t_ref, vary="scale")


def _gate_family(
    params: SampleParams,
    vgs: ArrayLike,
    one: Any,
    gate_kw: dict[str, Any],
    rng: np.random.Generator,
    fraction: float,
    t_ref: float,
) -> pd.DataFrame:
    frames = []
    t0 = 0.0
    for v in np.asarray(vgs, dtype=float):
        p = sample_at_gate(params, float(v), fraction=fraction, t_ref=t_ref, **gate_kw)
        df = one(p, rng)
        df["t_s"] = df["t_s"] + t0
        t0 = float(df["t_s"].iloc[-1]) + 1200.0
        df.insert(1, "Vg_V", _scatter(float(v), rng, len(df), 0.0, 1e-3))
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def measure_gate_rt(
    params: SampleParams,
    vgs: ArrayLike,
    t: ArrayLike | None = None,
    *,
    gate: dict[str, Any] | None = None,
    rng: np.random.Generator | int | None = None,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    **measure_kw: Any,
) -> pd.DataFrame:
    """R(T) stepped in gate voltage: ``t_s, Vg_V, T_K, R_ohm, I_A``; ``gate``: gate_params kwargs."""
    g = _rng(rng)
    return _gate_family(
        params,
        vgs,
        lambda p, r: measure_rt(p, t, rng=r, **measure_kw),
        gate or {},
        g,
        fraction,
        t_ref,
    )


def measure_gate_hall(
    params: SampleParams,
    vgs: ArrayLike,
    *,
    gate: dict[str, Any] | None = None,
    rng: np.random.Generator | int | None = None,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    **measure_kw: Any,
) -> pd.DataFrame:
    """R_xy(B), R_xx(B) stepped in gate voltage: ``t_s, Vg_V, T_K, B_T, Rxy_ohm, R_ohm``."""
    g = _rng(rng)
    return _gate_family(
        params,
        vgs,
        lambda p, r: measure_hall(p, rng=r, **measure_kw),
        gate or {},
        g,
        fraction,
        t_ref,
    )


def measure_gate_iv(
    params: SampleParams,
    vgs: ArrayLike,
    *,
    t: float = 0.03,
    gate: dict[str, Any] | None = None,
    rng: np.random.Generator | int | None = None,
    fraction: float = 0.5,
    t_ref: float = 0.4,
    **measure_kw: Any,
) -> pd.DataFrame:
    """I-V at one temperature stepped in gate voltage: ``t_s, Vg_V, T_K, I_A, V_V``."""
    g = _rng(rng)
    return _gate_family(
        params,
        vgs,
        lambda p, r: measure_iv(p, [t], rng=r, **measure_kw),
        gate or {},
        g,
        fraction,
        t_ref,
    )
