"""A small simulated sample set for the report tests (seconds, not a minute).

Three (001) samples with R(T) and Hall (Tc rising with n_s), one of them
with I-V, field families and a gate series, and one (111) sample.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

EVIL = '<script>alert("x")</script> & <b>bold</b> $5 _x^2'


def write_miniset(
    folder: Path, seed: int = 1, *, gate: bool = True, evil: bool = False, extra: str = ""
) -> Path:
    """Write the files and ``samples.toml`` into ``folder``; returns the TOML path.

    ``evil`` adds a sample whose name (and the title) carry HTML/script, to
    prove the report escapes user text.
    """
    from sc2d.simulate import (
        SampleParams,
        measure_gate_hall,
        measure_gate_iv,
        measure_gate_rt,
        measure_hall,
        measure_iv,
        measure_rt,
        measure_rt_field,
        solve_tc,
    )
    from sc2d.simulate.writers import write_csv

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    samples = []
    t = np.linspace(0.03, 0.4, 300)
    for name, ns_cm2, tc in (("S1", 5.0e13, 0.12), ("S2", 7.7e13, 0.18), ("S3", 10.0e13, 0.24)):
        p = SampleParams(
            name=name, n_s=ns_cm2 * 1e4, tc0=tc * 1.05, t_bkt=tc * 0.95, t_bkt_iv=tc * 0.8, ic0=3e-6
        )
        p = solve_tc(p, tc, fraction=0.5, t_ref=0.4, vary="scale")
        d = folder / name
        d.mkdir(exist_ok=True)
        write_csv(measure_rt(p, t, rng=rng), d / "rt.csv")
        write_csv(measure_hall(p, rng=rng, n=61), d / "hall.csv")
        entry = {
            "name": name,
            "orientation": "001",
            "rt": f"{name}/rt.csv",
            "hall": f"{name}/hall.csv",
        }
        if name == "S2":
            temps = np.linspace(0.05, 0.2, 7)
            write_csv(measure_iv(p, temps, rng=rng, n=60), d / "iv.csv")
            bp = np.linspace(0.0, 0.012, 5)
            write_csv(measure_rt_field(p, bp, t, orientation="perp", rng=rng), d / "rt_perp.csv")
            bpar = np.linspace(0.0, 0.6, 5)
            write_csv(measure_rt_field(p, bpar, t, orientation="par", rng=rng), d / "rt_par.csv")
            entry.update(
                iv=f"{name}/iv.csv",
                field_perp=f"{name}/rt_perp.csv",
                field_par=f"{name}/rt_par.csv",
            )
            if gate:
                vgs = np.linspace(-150, 150, 7)
                write_csv(measure_gate_rt(p, vgs, t, rng=rng), d / "gate_rt.csv")
                write_csv(measure_gate_hall(p, vgs, rng=rng, n=41), d / "gate_hall.csv")
                write_csv(measure_gate_iv(p, vgs, rng=rng, n=60), d / "gate_iv.csv")
                entry.update(
                    gate_rt=f"{name}/gate_rt.csv",
                    gate_hall=f"{name}/gate_hall.csv",
                    gate_iv=f"{name}/gate_iv.csv",
                )
        samples.append(entry)
    p = SampleParams(name="O111", orientation="111", tc0=0.52, t_bkt=0.47, n_s=8e17)
    p = solve_tc(p, 0.5, fraction=0.5, t_ref=1.0, vary="scale")
    d = folder / "O111"
    d.mkdir(exist_ok=True)
    write_csv(measure_rt(p, np.linspace(0.05, 1.0, 160), rng=rng, t_max=1.0), d / "rt.csv")
    samples.append({"name": "O111", "orientation": "111", "normal_at_K": 1.0, "rt": "O111/rt.csv"})

    if evil:
        samples.append({"name": EVIL, "orientation": "001", "rt": "S1/rt.csv"})
    title = "Mini CZO/KTO set" + (" <i>x</i>" if evil else "")
    lines = [f"title = {title!r}".replace("'", '"'), "normal_at_K = 0.4", "criterion = 0.5", ""]
    for s in samples:
        lines.append("[[samples]]")
        for k, v in s.items():
            if isinstance(v, float):
                lines.append(f"{k} = {v}")
            else:
                lines.append(f"{k} = '{v}'")
        lines.append("")
    lines.append(extra)
    toml = folder / "samples.toml"
    toml.write_text("\n".join(lines), encoding="utf-8")
    return toml
