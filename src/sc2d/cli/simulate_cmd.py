"""``sc2d simulate KIND``: synthetic measurements from the forward model.

KIND is one of ``rt``, ``rt-field``, ``iv``, ``hall``, ``gate``, ``paper``.
Every parameter is an option with its unit and default (``sc2d simulate
KIND --help``); options take display units (K, Ohm, T, nm, uA, cm^-2,
cm^2/Vs) and are converted to SI. ``--json`` prints one object: ``kind``,
``files``, ``parameters`` (SI), ``truth``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import FormatError
from ._common import emit, json_option

__all__ = ["simulate"]

# name, default, unit, scale to SI, help
_Spec = tuple[str, float | None, str, float, str]

_SAMPLE: list[_Spec] = [
    ("r-n", 300.0, "Ohm", 1.0, "normal sheet resistance at T -> 0"),
    ("r-n-t2", 0.01, "1/K^2", 1.0, "normal-state R_N(T) = r_n (1 + r_n_t2 T^2)"),
    ("tc", 0.2, "K", 1.0, "Tc at --criterion of R(--normal-at) (solved exactly)"),
    ("t-bkt", None, "K", 1.0, "Halperin-Nelson T_BKT (default: BMO ratio; then --tc scales it)"),
    ("b", None, "", 1.0, "Halperin-Nelson b (default 2 sqrt(Tc0/T_BKT - 1))"),
    ("inhomogeneity", 0.0, "", 1.0, "relative Gaussian spread of the local T scale"),
    ("criterion", 0.5, "", 1.0, "fraction of R(normal-at) that defines --tc"),
    ("normal-at", 0.4, "K", 1.0, "normal-state reference temperature of --tc"),
]
_RT_MEAS: list[_Spec] = [
    ("t-min", None, "K", 1.0, "lowest temperature (default: 0.2 T_BKT)"),
    ("t-max", 0.4, "K", 1.0, "highest temperature"),
    ("points", 300.0, "", 1.0, "points per sweep"),
    ("noise", 2e-3, "", 1.0, "relative Gaussian noise of R"),
    ("noise-abs", 0.02, "Ohm", 1.0, "absolute Gaussian noise of R"),
    ("glitches", 0.0, "", 1.0, "probability per point of a bridge glitch"),
    ("blanks", 0.0, "", 1.0, "probability per point of an empty cell"),
    ("thermal-lag", 0.0, "K", 1.0, "sample lags the thermometer by this much"),
]
_FIELD: list[_Spec] = [
    ("xi-gl", 146.4, "nm", 1e-9, "GL coherence length"),
    ("d-sc", 10.154, "nm", 1e-9, "superconducting thickness"),
    ("field-broadening", 0.0, "", 1.0, "extra relative spread per unit pair breaking"),
    ("theta", None, "deg", 1.0, "field angle from the film plane (overrides --orientation)"),
]
_IV: list[_Spec] = [
    ("r-n", 300.0, "Ohm", 1.0, "normal (high-current) resistance"),
    ("t-bkt-iv", 0.138, "K", 1.0, "temperature where alpha = 3"),
    ("ic0", 4.0, "uA", 1e-6, "switching current (power-law scale) at T -> 0"),
    ("t-ic", None, "K", 1.0, "where the switching current vanishes (default t-stiff)"),
    ("t-stiff", None, "K", 1.0, "where the stiffness vanishes (default 1.3 t-bkt-iv)"),
    ("alpha-width", 0.004, "K", 1.0, "smearing of the alpha jump"),
    ("retrap", 1.0, "", 1.0, "retrapping / switching current"),
    ("r-lin", 0.0, "Ohm", 1.0, "ohmic finite-size term below Ic"),
    ("i-max", None, "uA", 1e-6, "largest current (default 3 ic0)"),
    ("points", 120.0, "", 1.0, "points per leg"),
    ("v-noise", 2.0, "nV", 1e-9, "voltage noise floor"),
    ("v-offset", 0.0, "nV", 1e-9, "thermal EMF offset"),
]
_HALL: list[_Spec] = [
    ("n-s", 7.7e13, "cm^-2", 1e4, "Hall sheet density (band 1)"),
    ("r-s", 300.0, "Ohm", 1.0, "sheet resistance at the Hall temperature"),
    ("n2", 0.0, "cm^-2", 1e4, "second electron band density (0: single band)"),
    ("mu2", 0.0, "cm^2/Vs", 1e-4, "second band mobility"),
    ("misalignment", 0.0, "", 1.0, "fraction of R_xx picked up in R_xy"),
    ("t", 2.0, "K", 1.0, "temperature"),
    ("b-max", 9.0, "T", 1.0, "largest field"),
    ("points", 181.0, "", 1.0, "points per leg"),
    ("noise-abs", 0.05, "Ohm", 1.0, "absolute noise of R_xy and R_xx"),
]
_GATE: list[_Spec] = [
    ("n0", 7.7e13, "cm^-2", 1e4, "n_s at V_G = 0"),
    ("dn-dv", 3.333e10, "cm^-2/V", 1e4, "linear gate response"),
    ("d2n-dv2", -4.444e7, "cm^-2/V^2", 1e4, "quadratic gate response"),
    ("r-plus", 300.0, "Ohm", 1.0, "R_s (T -> 0) at +span"),
    ("r-minus", 483.0, "Ohm", 1.0, "R_s (T -> 0) at -span"),
    ("span", 150.0, "V", 1.0, "gate voltage of --r-plus / --r-minus"),
    ("tc-peak", 0.18258, "K", 1.0, "top of the Tc dome"),
    ("v-peak", 30.0, "V", 1.0, "gate voltage of the dome top"),
    ("tc-curv", 1.2e-6, "K/V^2", 1.0, "dome curvature"),
    ("ic0", 4.0, "uA", 1e-6, "switching current at V_G = 0, T -> 0"),
]


def _opt_name(name: str) -> str:
    return name.replace("-", "_")


#: parameters that may be negative (signed quantities); every other one must be >= 0
_SIGNED = {"theta", "v-offset", "misalignment", "dn-dv", "d2n-dv2", "v-peak", "r-n-t2"}


def _check_value(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    """Refuse NaN/inf everywhere and negative values of unsigned parameters."""
    if value is None:
        return None
    name = (param.opts or ["--?"])[0]
    if not math.isfinite(value):
        raise click.BadParameter(f"{name} must be a finite number, got {value}")
    if value < 0 and name.lstrip("-") not in _SIGNED:
        raise click.BadParameter(f"{name} must not be negative, got {value:g}")
    return value


def _add(specs: list[_Spec]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def deco(f: Callable[..., Any]) -> Callable[..., Any]:
        for name, default, unit, _, help_ in reversed(specs):
            u = f" [{unit}]" if unit else ""
            d = "none" if default is None else f"{default:g}"
            f = click.option(
                f"--{name}",
                _opt_name(name),
                type=float,
                default=default,
                show_default=False,
                callback=_check_value,
                help=f"{help_}{u} (default {d}).",
            )(f)
        return f

    return deco


def _si(specs: list[_Spec], kw: dict[str, Any]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for name, _, unit, scale, _ in specs:
        key = _opt_name(name)
        v = kw.get(key)
        if v is not None and not math.isfinite(v):
            raise FormatError(
                f"--{name} must be a finite number{' in ' + unit if unit else ''}, got {v}"
            )
        out[key] = None if v is None else v * scale
    return out


def _positive(p: dict[str, Any], *names: str) -> None:
    for n in names:
        v = p.get(n)
        if v is not None and not v > 0:
            raise FormatError(f"--{n.replace('_', '-')} must be positive, got {v}")


def _fraction(p: dict[str, Any], *names: str, hi: float = 1.0) -> None:
    for n in names:
        v = p.get(n)
        if v is not None and not (0 <= v <= hi):
            raise FormatError(f"--{n.replace('_', '-')} must lie between 0 and {hi:g}, got {v}")


def _parse_list(text: str, opt: str, unit: str) -> list[float]:
    """``"0:0.02:0.001"`` (start:stop:step, inclusive) or ``"0.03,0.05"``."""
    import numpy as np

    s = str(text).strip()
    try:
        if ":" in s:
            a, b, c = (float(x) for x in s.split(":"))
            if c == 0 or (b - a) / c < 0:
                raise ValueError
            n = math.floor((b - a) / c + 1e-9) + 1
            if n > 100000:
                raise ValueError
            return [float(x) for x in np.round(a + c * np.arange(n), 12)]
        vals = [float(x) for x in s.split(",") if x.strip()]
        if not vals:
            raise ValueError
        return vals
    except ValueError:
        raise FormatError(
            f"{opt} expects START:STOP:STEP or a comma list in {unit}, got '{text}' "
            f"(e.g. {opt} 0:0.02:0.001)"
        ) from None


def _out_path(out: str, force: bool, fmt: str) -> Path:
    p = Path(out)
    if p.is_dir():
        raise FormatError(f"--out {out} is a folder; give a file name such as {out}/rt.{fmt}")
    if p.exists() and p.stat().st_size > 0 and not force:
        raise FormatError(f"--out {out} exists and is not empty; pass --force to overwrite it")
    return p


def _sample(p: dict[str, Any]) -> Any:
    from ..simulate import SampleParams, solve_tc

    _positive(p, "r_n", "tc", "normal_at")
    _fraction(p, "criterion", "glitches", "blanks")
    if p["inhomogeneity"] < 0 or p["inhomogeneity"] > 0.3:
        raise FormatError(f"--inhomogeneity must lie between 0 and 0.3, got {p['inhomogeneity']}")
    if not 0 < p["criterion"] < 1:
        raise FormatError(f"--criterion must lie strictly between 0 and 1, got {p['criterion']}")
    if p["tc"] >= p["normal_at"]:
        raise FormatError(
            f"--tc {p['tc']} K must lie below --normal-at {p['normal_at']} K; raise --normal-at"
        )
    tb = p.get("t_bkt")
    if tb is not None and tb >= p["tc"]:
        raise FormatError(f"--t-bkt {tb} K must lie below --tc {p['tc']} K")
    base = SampleParams(
        r_n=p["r_n"],
        r_n_t2=p["r_n_t2"],
        tc0=p["tc"],
        t_bkt=tb,
        b=p.get("b"),
        inhomogeneity=p["inhomogeneity"],
        xi_gl=p.get("xi_gl") or 146.4e-9,
        d_sc=p.get("d_sc") or 10.154e-9,
        field_broadening=p.get("field_broadening") or 0.0,
    )
    vary = "tc0" if tb is not None else "scale"
    return solve_tc(base, p["tc"], fraction=p["criterion"], t_ref=p["normal_at"], vary=vary)


def _t_grid(sp: Any, p: dict[str, Any]) -> Any:
    import numpy as np

    from ..simulate.instrument import default_t_grid

    t_max = p["t_max"]
    if not t_max > 0 or t_max < p["normal_at"]:
        raise FormatError(f"--t-max {t_max} K must reach --normal-at {p['normal_at']} K")
    n = int(p["points"])
    if n < 10 or n > 10**6:
        raise FormatError(f"--points must lie between 10 and 1e6, got {p['points']}")
    if p.get("t_min") is None:
        return default_t_grid(sp, t_max, n)
    if not 0 < p["t_min"] < t_max:
        raise FormatError(f"--t-min {p['t_min']} K must lie between 0 and --t-max {t_max} K")
    return np.linspace(p["t_min"], t_max, n)


def _write(df: Any, path: Path, fmt: str, units: dict[str, str] | None, title: str) -> None:
    from ..simulate.writers import write_csv, write_qd

    if fmt == "qd":
        if "R_ohm" not in df or "T_K" not in df:
            raise FormatError("--format qd writes R(T) tables only; use --format csv")
        write_qd(df, path, title=title)
    else:
        write_csv(df, path, units=units)


def _common_out(f: Callable[..., Any]) -> Callable[..., Any]:
    f = json_option(f)
    f = click.option("--force", is_flag=True, help="Overwrite an existing output.")(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(["csv", "qd"]),
        default="csv",
        show_default=True,
        help="CSV, or Quantum Design .dat (R(T) tables).",
    )(f)
    f = click.option(
        "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Random seed."
    )(f)
    f = click.option("--out", required=True, metavar="FILE", help="Output file.")(f)
    return f


def _units_opt(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--units",
        "units",
        multiple=True,
        metavar="COL=UNIT",
        help="Display unit of a column in the CSV, e.g. --units T_K=mK --units B_T=Oe.",
    )(f)


def _units(pairs: tuple[str, ...]) -> dict[str, str]:
    from ..simulate.writers import DISPLAY_NAMES, UNIT_SCALE
    from ._common import parse_units

    u = parse_units(pairs)
    for k, v in u.items():
        if k not in DISPLAY_NAMES:
            raise FormatError(f"--units: unknown column '{k}'; known: {', '.join(DISPLAY_NAMES)}")
        if v not in UNIT_SCALE:
            raise FormatError(f"--units {k}={v}: unknown unit; known: {', '.join(UNIT_SCALE)}")
    return u


def _finish(kind: str, files: list[str], params: Any, truth: dict[str, Any], as_json: bool) -> None:
    payload = {"kind": kind, "files": files, "parameters": params, "truth": truth}
    lines = [f"wrote {', '.join(files)}"]
    for k, v in truth.items():
        if isinstance(v, (int, float, str)):
            lines.append(f"  {k} = {v}")
    emit(payload, as_json, "\n".join(lines))


@click.group("simulate", context_settings={"help_option_names": ["-h", "--help"]})
def simulate() -> None:
    """Synthetic measurements from the forward model (truth known).

    KIND: rt, rt-field, iv, hall, gate, paper. 'sc2d simulate KIND --help'
    lists the parameters with units and defaults.
    """


@simulate.command("rt")
@_add(_SAMPLE + _RT_MEAS)
@click.option(
    "--sweep", type=click.Choice(["down", "up", "both"]), default="down", show_default=True
)
@_units_opt
@_common_out
def rt_cmd(
    out: str,
    seed: int,
    fmt: str,
    force: bool,
    as_json: bool,
    sweep: str,
    units: tuple[str, ...],
    **kw: Any,
) -> None:
    """Zero-field R(T): HN below Tc0, 2D AL above, optional inhomogeneity."""
    from ..simulate import measure_rt
    from ..simulate.truth import true_rt, true_tc

    p = _si(_SAMPLE + _RT_MEAS, kw)
    u = _units(units)
    path = _out_path(out, force, fmt)
    sp = _sample(p)
    t = _t_grid(sp, p)
    df = measure_rt(
        sp,
        t,
        rng=seed,
        sweep=sweep,
        noise=p["noise"],
        noise_abs=p["noise_abs"],
        glitches=p["glitches"],
        blanks=p["blanks"],
        thermal_lag=p["thermal_lag"],
    )
    _write(df[["t_s", "T_K", "R_ohm"]], path, fmt, u, "sc2d simulate rt")
    import numpy as np

    ref = p["normal_at"]
    truth = {
        "tc_K": {format(f, "g"): true_tc(sp, f, ref) for f in (0.9, 0.5, 0.1)},
        "r_normal_ohm": float(true_rt(sp, np.array([ref]))[0]),
        "normal_at_K": ref,
        "tc0_K": sp.tc0,
        "t_bkt_K": sp.t_bkt_eff,
        "b": sp.b_eff,
    }
    _finish("rt", [str(path)], sp.to_dict(), truth, as_json)


@simulate.command("rt-field")
@_add(_SAMPLE + _RT_MEAS + _FIELD)
@click.option(
    "--orientation", type=click.Choice(["perp", "par"]), default="perp", show_default=True
)
@click.option(
    "--fields",
    default="0:0.02:0.001",
    show_default=True,
    help="Field steps [T]: START:STOP:STEP or a comma list.",
)
@_units_opt
@_common_out
def rt_field_cmd(
    out: str,
    seed: int,
    fmt: str,
    force: bool,
    as_json: bool,
    orientation: str,
    fields: str,
    units: tuple[str, ...],
    **kw: Any,
) -> None:
    """R(T) families stepped in field (2D GL Hc2, Tinkham angle)."""
    from ..simulate import measure_rt_field, true_hc2

    p = _si(_SAMPLE + _RT_MEAS + _FIELD, kw)
    _positive(p, "xi_gl", "d_sc")
    bs = _parse_list(fields, "--fields", "T")
    u = _units(units)
    path = _out_path(out, force, fmt)
    sp = _sample(p)
    t = _t_grid(sp, p)
    df = measure_rt_field(
        sp,
        bs,
        t,
        orientation=orientation,
        theta_deg=p.get("theta"),
        rng=seed,
        noise=p["noise"],
        noise_abs=p["noise_abs"],
        glitches=p["glitches"],
        blanks=p["blanks"],
        thermal_lag=p["thermal_lag"],
    )
    _write(df[["t_s", "T_K", "B_T", "R_ohm"]], path, fmt, u, "sc2d simulate rt-field")
    truth: dict[str, Any] = {
        "hc2_perp_0_T": sp.hc2_perp0,
        "hc2_par_0_T": sp.hc2_par0,
        "xi_gl_nm": sp.xi_gl * 1e9,
        "d_sc_nm": sp.d_sc * 1e9,
    }
    if p.get("theta") is None:
        try:
            h = true_hc2(
                sp, bs, orientation=orientation, fraction=p["criterion"], t_ref=p["normal_at"]
            )
            truth["midpoint_fit"] = h
        except Exception as exc:  # too few crossings: truth still has the model values
            truth["midpoint_fit"] = {"flag": str(exc)}
    _finish("rt-field", [str(path)], sp.to_dict(), truth, as_json)


@simulate.command("iv")
@_add(_IV)
@click.option(
    "--temps",
    default="0.03:0.17:0.01",
    show_default=True,
    help="Temperatures [K]: START:STOP:STEP or a comma list.",
)
@click.option("--spacing", type=click.Choice(["log", "linear"]), default="log", show_default=True)
@_units_opt
@_common_out
def iv_cmd(
    out: str,
    seed: int,
    fmt: str,
    force: bool,
    as_json: bool,
    temps: str,
    spacing: str,
    units: tuple[str, ...],
    **kw: Any,
) -> None:
    """I-V curves at stepped T: V ~ I^alpha(T), alpha = 3 at T_BKT, Ic(T), R_N."""
    from ..simulate import SampleParams, measure_iv, true_alpha, true_ic

    p = _si(_IV, kw)
    _positive(p, "r_n", "t_bkt_iv", "ic0", "t_ic", "t_stiff", "i_max", "points")
    _fraction(p, "retrap")
    ts = _parse_list(temps, "--temps", "K")
    if any(not t > 0 for t in ts):
        raise FormatError(f"--temps must be positive temperatures in K, got {temps}")
    if p["t_stiff"] is not None and p["t_stiff"] <= p["t_bkt_iv"]:
        raise FormatError(f"--t-stiff {p['t_stiff']} K must exceed --t-bkt-iv {p['t_bkt_iv']} K")
    if fmt == "qd":
        raise FormatError("--format qd writes R(T) tables only; use --format csv for I-V")
    u = _units(units) or {"I_A": "uA"}
    path = _out_path(out, force, fmt)
    sp = SampleParams(
        r_n=p["r_n"],
        tc0=p["t_stiff"] or 1.3 * p["t_bkt_iv"],
        t_bkt=p["t_bkt_iv"] * 0.999,
        t_bkt_iv=p["t_bkt_iv"],
        ic0=p["ic0"],
        t_ic=p["t_ic"],
        t_stiff=p["t_stiff"] or 1.3 * p["t_bkt_iv"],
        alpha_width=p["alpha_width"],
        retrap=p["retrap"],
        r_lin=p["r_lin"],
    )
    try:
        df = measure_iv(
            sp,
            ts,
            i_max=p["i_max"],
            n=int(p["points"]),
            spacing=spacing,
            rng=seed,
            v_noise=p["v_noise"],
            v_offset=p["v_offset"],
        )
    except ValueError as exc:
        raise FormatError(str(exc)) from None
    _write(df[["t_s", "T_K", "I_A", "V_V"]], path, fmt, u, "sc2d simulate iv")
    truth = {
        "t_bkt_K": sp.t_bkt_iv_eff,
        "curves": [
            {"T_K": t, "alpha": float(a), "ic_A": float(i), "ic_switch_A": float(w)}
            for t, a, i, w in zip(
                ts,
                true_alpha(sp, ts),
                true_ic(sp, ts, v_th=5 * p["v_noise"]),
                true_ic(sp, ts, v_th=None),
                strict=True,
            )
        ],
        "ic_criterion": f"first |I| on the rising branch with V > {5 * p['v_noise']:g} V",
    }
    _finish("iv", [str(path)], sp.to_dict(), truth, as_json)


@simulate.command("hall")
@_add(_HALL)
@_units_opt
@_common_out
def hall_cmd(
    out: str, seed: int, fmt: str, force: bool, as_json: bool, units: tuple[str, ...], **kw: Any
) -> None:
    """R_xy(B), R_xx(B): single or two-band Drude, contact misalignment."""
    from ..physics import hall_density, hall_mobility
    from ..simulate import SampleParams, measure_hall
    from ..simulate.models import hall_rxy

    p = _si(_HALL, kw)
    _positive(p, "n_s", "r_s", "t", "b_max", "points")
    if p["n2"] < 0 or p["mu2"] < 0:
        raise FormatError("--n2 and --mu2 must not be negative")
    if fmt == "qd":
        raise FormatError("--format qd writes R(T) tables only; use --format csv for Hall")
    u = _units(units)
    path = _out_path(out, force, fmt)
    sp = SampleParams(
        r_n=p["r_s"],
        r_n_t2=0.0,
        n_s=p["n_s"],
        n2=p["n2"],
        mu2=p["mu2"],
        misalignment=p["misalignment"],
    )
    try:
        df = measure_hall(
            sp, t=p["t"], b_max=p["b_max"], n=int(p["points"]), rng=seed, noise_abs=p["noise_abs"]
        )
        slope0 = float(
            (
                hall_rxy(1e-4, sp.n_s, n2=sp.n2, mu2=sp.mu2, r_s=sp.r_n)
                - hall_rxy(-1e-4, sp.n_s, n2=sp.n2, mu2=sp.mu2, r_s=sp.r_n)
            )
            / 2e-4
        )
    except ValueError as exc:
        raise FormatError(str(exc)) from None
    _write(df[["t_s", "T_K", "B_T", "Rxy_ohm", "R_ohm"]], path, fmt, u, "sc2d simulate hall")
    n_h = float(hall_density(slope0))
    truth = {
        "n_s_cm2": n_h * 1e-4,
        "n_total_cm2": (sp.n_s + sp.n2) * 1e-4,
        "carrier": "electron",
        "r_s_ohm": sp.r_n,
        "mobility_cm2_per_Vs": float(hall_mobility(n_h, sp.r_n)) * 1e4,
        "hall_slope_ohm_per_T": slope0,
    }
    _finish("hall", [str(path)], sp.to_dict(), truth, as_json)


@simulate.command("gate")
@_add(_GATE)
@click.option(
    "--measure",
    type=click.Choice(["rt", "hall", "iv"]),
    default="rt",
    show_default=True,
    help="Which family to write: R(T), Hall or I-V at --t-iv, stepped in V_G.",
)
@click.option(
    "--vg",
    default="150:-150:-30",
    show_default=True,
    help="Gate steps [V]: START:STOP:STEP or list.",
)
@click.option("--t-iv", type=float, default=0.03, show_default=True, help="I-V temperature [K].")
@click.option("--t-bkt-ratio", type=float, default=0.98, show_default=True, help="T_BKT/Tc0.")
@click.option(
    "--t-bkt-iv-ratio",
    type=float,
    default=0.76,
    show_default=True,
    help="T(alpha=3)/Tc at V_G = 0.",
)
@_units_opt
@_common_out
def gate_cmd(
    out: str,
    seed: int,
    fmt: str,
    force: bool,
    as_json: bool,
    measure: str,
    vg: str,
    t_iv: float,
    t_bkt_ratio: float,
    t_bkt_iv_ratio: float,
    units: tuple[str, ...],
    **kw: Any,
) -> None:
    """Back-gate series: n_s(V_G), mobility(V_G), Tc dome, Ic(V_G)."""
    import numpy as np

    from ..physics import hall_mobility
    from ..simulate import SampleParams, gate_params, sample_at_gate, true_ic, true_tc
    from ..simulate import instrument as ins
    from ..simulate.truth import true_rt

    p = _si(_GATE, kw)
    _positive(p, "n0", "r_plus", "r_minus", "span", "tc_peak", "ic0")
    if not 0.5 < t_bkt_ratio < 1 or not 0.3 < t_bkt_iv_ratio < 1:
        raise FormatError("--t-bkt-ratio and --t-bkt-iv-ratio must lie in (0.5, 1) and (0.3, 1)")
    vgs = _parse_list(vg, "--vg", "V")
    if fmt == "qd" and measure != "rt":
        raise FormatError("--format qd writes R(T) tables only; use --format csv")
    u = _units(units)
    path = _out_path(out, force, fmt)
    gkw = {
        "n0": p["n0"],
        "dn_dv": p["dn_dv"],
        "d2n_dv2": p["d2n_dv2"],
        "r_plus": p["r_plus"],
        "r_minus": p["r_minus"],
        "v_span": p["span"],
        "tc_peak": p["tc_peak"],
        "v_peak": p["v_peak"],
        "tc_curv": p["tc_curv"],
        "ic_ref": p["ic0"],
    }
    g0 = gate_params(0.0, **gkw)
    if np.any(gate_params(vgs, **gkw)["tc"] <= 0.02) or np.any(gate_params(vgs, **gkw)["n_s"] <= 0):
        raise FormatError("the gate model gives Tc <= 20 mK or n_s <= 0 inside --vg; narrow --vg")
    tc0 = float(g0["tc"])
    base = SampleParams(
        r_n=float(g0["r_s"]),
        tc0=tc0,
        t_bkt=tc0 * t_bkt_ratio,
        n_s=float(g0["n_s"]),
        t_bkt_iv=tc0 * t_bkt_iv_ratio,
        ic0=p["ic0"],
        alpha_width=0.004 * tc0 / 0.18,
        t_stiff=tc0,
    )
    if measure == "rt":
        df = ins.measure_gate_rt(base, vgs, gate=gkw, rng=seed)
        cols = ["t_s", "Vg_V", "T_K", "R_ohm"]
    elif measure == "hall":
        df = ins.measure_gate_hall(base, vgs, gate=gkw, rng=seed)
        cols = ["t_s", "Vg_V", "T_K", "B_T", "Rxy_ohm", "R_ohm"]
    else:
        df = ins.measure_gate_iv(base, vgs, gate=gkw, rng=seed, t=t_iv)
        cols = ["t_s", "Vg_V", "T_K", "I_A", "V_V"]
    _write(df[cols], path, fmt, u, "sc2d simulate gate")
    curves = []
    for v in vgs:
        pv = sample_at_gate(base, v, **gkw)
        r2 = float(true_rt(pv, np.array([2.0]))[0])
        curves.append(
            {
                "Vg_V": v,
                "tc_K": true_tc(pv, 0.5, 0.4),
                "n_s_cm2": pv.n_s * 1e-4,
                "mobility_cm2_per_Vs": float(hall_mobility(pv.n_s, r2)) * 1e4,
                "r_s_0p4K_ohm": float(true_rt(pv, np.array([0.4]))[0]),
                "ic_A": float(true_ic(pv, [t_iv], v_th=1e-8)[0]),
            }
        )
    truth = {"tc_peak_Vg_V": p["v_peak"], "tc_peak_K": p["tc_peak"], "curves": curves}
    _finish("gate", [str(path)], {"gate": gkw, "sample_at_0V": base.to_dict()}, truth, as_json)


@simulate.command("paper")
@click.option("--out", required=True, metavar="DIR", help="Output folder.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed.")
@click.option("--force", is_flag=True, help="Write into a non-empty folder.")
@json_option
def paper_cmd(out: str, seed: int, force: bool, as_json: bool) -> None:
    """The reference study's samples: data files, samples.toml, truth.json."""
    from ..simulate.paper import write_paper

    p = Path(out)
    if p.exists() and not p.is_dir():
        raise FormatError(f"--out {out} is a file; give a folder")
    if p.is_dir() and any(p.iterdir()) and not force:
        raise FormatError(f"--out {out} is not empty; pass --force to write into it")
    truth = write_paper(p, seed=seed, force=True)
    files = [os.path.join(out, f) for f in truth["files"]]
    summary = {
        "tc_vs_ns": truth["tc_vs_ns"],
        "orientations": truth["orientations"],
        "S3": {
            k: truth["samples"]["S3"][k]
            for k in (
                "t_bkt_hn_K",
                "t_bkt_iv_K",
                "ic_30mK_A",
                "hc2_perp_0_T",
                "hc2_par_0_T",
                "xi_gl_nm",
                "d_sc_nm",
            )
        },
        "tc_peak_Vg_V": truth["samples"]["S3"]["gate"]["tc_peak_Vg_V"],
        "truth_file": os.path.join(out, "truth.json"),
        "samples_file": os.path.join(out, "samples.toml"),
        "elapsed_s": truth["elapsed_s"],
    }
    _finish("paper", files, {"seed": seed}, summary, as_json)
