"""Plate matching benchmark: normalise + look-alike search against 10,000 and 100,000 plates.

    .venv/bin/python bench/plate_match.py [--reads 20000] [--sizes 10000,100000]

For each size, N generated GA 36-2018 plates are registered in a `PlateIndex`
(building/parking/plates.py). The reads are what cameras send: half registered plates in a
sloppy form (lower case, a separator, an O for a 0 in the serial), a quarter a real plate one
character away, a quarter unknown. Each read goes through `PlateIndex.match` (normalise,
candidates per layout, dictionary probes, the confidence rule). The baseline, in the same run on
the same reads, is an exact dictionary lookup of the already-clean string. It prints reads/s,
p50/p95 per read and the ratio. Pure Python: no database, no Django. Never asserts a time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make the project importable
from building.parking.plates import PlateIndex  # noqa: E402
from tests.parking.nearmiss import near_miss, noisy, plates, random_plate  # noqa: E402


def reads_for(registered: list[str], count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(what the camera sent, the clean plate) pairs."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        plate = rng.choice(registered)
        if i % 4 in (0, 1):
            out.append((noisy(plate, rng), plate))
        elif i % 4 == 2:
            other = near_miss(plate, rng)
            out.append((other, other))
        else:
            other = random_plate(rng)
            out.append((other, other))
    return out


def timed(fn: Callable[[str], object], items: list[str]) -> tuple[float, list[float]]:
    laps = []
    start = time.perf_counter()
    for item in items:
        t0 = time.perf_counter_ns()
        fn(item)
        laps.append((time.perf_counter_ns() - t0) / 1e6)
    return time.perf_counter() - start, laps


def p95(laps: list[float]) -> float:
    return statistics.quantiles(laps, n=100)[94]


def run(size: int, count: int) -> None:
    registered = plates(size, seed=size)
    index = PlateIndex(registered)
    exact = {p: p for p in registered}
    pairs = reads_for(registered, count)
    raw = [r for r, _ in pairs]
    clean = [c for _, c in pairs]
    timed(lambda r: index.match(r, 0.95), raw[:500])  # warm-up
    base_total, base_laps = timed(exact.get, clean)
    total, laps = timed(lambda r: index.match(r, 0.95), raw)
    opened = sum(index.match(r, 0.95).plate is not None for r in raw)
    print(
        f"{size:>7,} plates  exact dict: {count / base_total:>12,.0f} reads/s  p95 {p95(base_laps) * 1000:6.2f} µs"
        f"  |  match: {count / total:>10,.0f} reads/s  p50 {statistics.median(laps) * 1000:6.2f} µs"
        f"  p95 {p95(laps) * 1000:6.2f} µs  |  ratio {base_total / total:.3f}  (opened {opened:,} of {count:,})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reads", type=int, default=20_000)
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, python {sys.version.split()[0]}")
    for size in (int(s) for s in args.sizes.split(",")):
        run(size, args.reads)


if __name__ == "__main__":
    main()
