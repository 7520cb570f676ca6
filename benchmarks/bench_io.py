"""Benchmark of sc2d.io: read a 2M-row CSV and split it into 400 curves.

Run: ``python benchmarks/bench_io.py``. Prints wall times and the ratio of
``sc2d.io.read`` to a bare ``pandas.read_csv`` of the same file (baseline
measured in the same run).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from sc2d.io import load_curves, read

N_CURVES, N_POINTS = 400, 5000


def _best(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    rng = np.random.default_rng(0)
    n = N_CURVES * N_POINTS
    B = np.repeat(np.linspace(0, 4, N_CURVES), N_POINTS) * (1 + 1e-4 * rng.standard_normal(n))
    T = np.tile(np.linspace(5, 0.05, N_POINTS), N_CURVES)
    R = 1000 / (1 + np.exp(-(T - 2 + 0.3 * B) / 0.05)) + rng.normal(0, 0.5, n)
    df = pd.DataFrame({"Temperature (K)": T, "Resistance (Ohm)": R, "Field (Oe)": B * 1e4})
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "big.csv"
        df.to_csv(p, index=False, float_format="%.8g")
        size = p.stat().st_size / 1e6
        print(f"file: {n} rows, {size:.0f} MB")
        t_pa = _best(lambda: pd.read_csv(p, engine="pyarrow"))
        t_c = _best(lambda: pd.read_csv(p))
        t_read = _best(lambda: read(p))
        t_read_c = _best(lambda: read(p, engine="c"))
        table = read(p)
        t_split = _best(lambda: load_curves(table, x="T_K", y="R_ohm"))
        _, curves = load_curves(table, x="T_K", y="R_ohm")
    print(f"pandas.read_csv (pyarrow)   {t_pa:7.3f} s")
    print(f"pandas.read_csv (C)         {t_c:7.3f} s")
    print(
        f"sc2d.io.read (auto engine)  {t_read:7.3f} s   ratio to bare pyarrow {t_read / t_pa:5.2f}"
    )
    print(
        f"sc2d.io.read (C engine)     {t_read_c:7.3f} s   ratio to bare C       {t_read_c / t_c:5.2f}"
    )
    print(f"load_curves split -> {len(curves)} curves  {t_split:7.3f} s")


if __name__ == "__main__":
    main()
