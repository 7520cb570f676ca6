"""Benchmark of `sc2d report` on the paper data set: serial vs local processes.

Run: ``python benchmarks/bench_report.py [--workers 2] [--repeat 2]``.
Prints wall times of each stage and the ratio of the parallel run to the
serial baseline measured in the same run (the house rule for benchmarks).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from sc2d.config import load_sample_set
    from sc2d.report import write_report
    from sc2d.simulate.paper import write_paper

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        t0 = time.perf_counter()
        write_paper(root / "data", seed=args.seed)
        t_sim = time.perf_counter() - t0
        sset = load_sample_set(root / "data" / "samples.toml")
        rows = []
        outputs = {}
        for workers in (1, args.workers):
            best = None
            for k in range(args.repeat):
                out = root / f"out_{workers}_{k}"
                t0 = time.perf_counter()
                rep = write_report(sset, out, workers=workers)
                total = time.perf_counter() - t0
                timings = {**rep.timings, "total": total}
                if best is None or total < best["total"]:
                    best = timings
                outputs[workers] = (out / "results.json").read_bytes()
            rows.append((workers, best))
        print(f"paper data set written in {t_sim:.2f} s")
        print(
            f"{'workers':>7} {'analyses':>9} {'figures':>8} {'write':>6} {'total':>7} {'ratio':>6}"
        )
        base = rows[0][1]["total"]
        for workers, t in rows:
            print(
                f"{workers:>7} {t['analyses']:>9.2f} {t['figures']:>8.2f} {t['write']:>6.2f} "
                f"{t['total']:>7.2f} {t['total'] / base:>6.2f}"
            )
        same = outputs[1] == outputs[args.workers]
        print(f"results.json identical serial vs {args.workers} workers: {same}")
        print(json.dumps({"identical": same, "serial_s": base, "parallel_s": rows[1][1]["total"]}))


if __name__ == "__main__":
    main()
