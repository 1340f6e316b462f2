"""Time per 1e6 eGFR values: the array kernel vs a Python loop over scalar calls.

Run: ``python benchmarks/bench_egfr.py [n]`` (default n = 1_000_000 for the
kernel; the scalar loop runs on n // 100 values and is scaled up). Prints
figures only; nothing here is asserted by the tests.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from lupusscore.kidney import egfr_ckd_epi_2021, egfr_ekfc_cr

PER = 1_000_000


def _time(fn: Callable[[], object], repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(n: int = PER) -> None:
    rng = np.random.default_rng(0)
    scr = rng.uniform(0.4, 6.0, n)
    age = rng.uniform(18.0, 90.0, n)
    female = rng.random(n) < 0.5
    m = max(n // 100, 1)
    rows = list(
        zip(scr[:m].tolist(), age[:m].tolist(), female[:m].tolist(), strict=True)
    )

    for name, kernel in (
        ("egfr_ckd_epi_2021", egfr_ckd_epi_2021),
        ("egfr_ekfc_cr", egfr_ekfc_cr),
    ):

        def run_array(k: Callable[..., object] = kernel) -> object:
            return k(scr, age, female=female)

        def run_loop(k: Callable[..., object] = kernel) -> object:
            return [k(s, a, female=f) for s, a, f in rows]

        t_array = _time(run_array)
        t_loop = _time(run_loop, repeat=1)
        per_array = t_array * PER / n
        per_loop = t_loop * PER / m
        print(
            f"{name:20s} array kernel: {per_array:8.3f} s per 1e6 values | "
            f"python loop of scalar calls: {per_loop:8.2f} s per 1e6 values "
            f"(x{per_loop / per_array:,.0f})"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else PER)
