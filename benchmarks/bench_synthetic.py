"""Speed of the vectorised synthetic trial (lupusscore.example).

Run: ``.venv/bin/python benchmarks/bench_synthetic.py``. For 1,000, 10,000 and
100,000 participants it prints participants per second and lab rows per
second of :func:`lupusscore.example.synthetic_tables` (best of 3 runs, and the
first run, which also pays for fresh memory), peak memory per lab row
(tracemalloc), and side by side the per-participant generator of the bundled
example (``scripts/make_example_trial.py``). When ``Cohort.from_columns``
exists it also times :func:`lupusscore.example.synthetic_cohort`. Prints
figures only; nothing is asserted.
"""

# A command-line benchmark that prints.

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lupusscore.cohort import Cohort
from lupusscore.example import synthetic_cohort, synthetic_tables

SIZES = (1_000, 10_000, 100_000)
SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "make_example_trial.py"


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(first, best) wall time of *repeat* calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times[0], min(times)


def _peak_bytes(fn: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _script_rate() -> float:
    """Participants per second of the example's per-participant generator."""
    spec = importlib.util.spec_from_file_location("make_example_trial", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    seeds = range(1, 6)
    start = time.perf_counter()
    n = sum(len(module.build_trial(seed)["participants"]) for seed in seeds)
    return n / (time.perf_counter() - start)


def main() -> None:
    """Print the table."""
    synthetic_tables(100)  # warm up imports and unit factors
    script = _script_rate()
    print("synthetic_tables (vectorised), seed 20090501")
    print(
        f"{'participants':>12} {'lab rows':>10} {'first s':>8} {'best s':>8} "
        f"{'part./s':>10} {'rows/s':>11} {'peak B/row':>10} {'x script':>9}"
    )
    for n in SIZES:
        rows = len(synthetic_tables(n)["labs"]["LBORRES"])
        first, best = _time(lambda n=n: synthetic_tables(n), 3 if n < 100_000 else 2)
        peak = _peak_bytes(lambda n=n: synthetic_tables(n))
        rate = n / best
        print(
            f"{n:>12,} {rows:>10,} {first:>8.3f} {best:>8.3f} {rate:>10,.0f} "
            f"{rows / best:>11,.0f} {peak / rows:>10.0f} {rate / script:>8.0f}x"
        )
    print(
        f"per-participant generator (scripts/make_example_trial.py, JSON dicts): "
        f"{script:,.0f} participants/s"
    )
    if hasattr(Cohort, "from_columns"):
        print("synthetic_cohort (tables -> Cohort.from_columns)")
        for n in SIZES:
            first, best = _time(lambda n=n: synthetic_cohort(n), 2)
            print(f"{n:>12,} participants: best {best:.3f} s, {n / best:,.0f} part./s")
    else:
        print("synthetic_cohort: Cohort.from_columns not available yet; not timed")


if __name__ == "__main__":
    main()
