"""SLEDAI at every visit: the cohort kernel against the per-visit loop.

Run: ``.venv/bin/python benchmarks/bench_sledai_cohort.py``. Prints per-visit
times and their ratio, measured side by side in one run; asserts nothing.

The loop is :func:`sledai_2k_visit` over every visit of the bundled example
(each visit with the participant's earlier visits as history), as the outcome
table calls it. The kernel is :func:`sledai_2k_visits` on the example's
columns (:meth:`Cohort.from_trial`), and on the same columns repeated 10, 100
and 1000 times with distinct participants (the example scaled up).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lupusscore.activity import (
    SLEDAI_VISITS_COLUMNS,
    sledai_2k_visit,
    sledai_2k_visits,
)
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort
from lupusscore.models import Trial


def _best(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of *repeat* calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _loop(trial: Trial) -> None:
    for p in trial.participants:
        for i, visit in enumerate(p.visits):
            sledai_2k_visit(visit, p.visits[:i])


def _scaled(cols: dict[str, Any], factor: int) -> dict[str, Any]:
    """The columns repeated *factor* times, each copy its own participants."""
    n_visits = len(cols["visit_date"])
    n_people = int(cols["visit_participant"].max()) + 1
    out: dict[str, Any] = {}
    for key, value in cols.items():
        if key == "visit_descriptors":
            out[key] = {k: np.tile(v, factor) for k, v in value.items()}
            continue
        tiled = np.tile(np.asarray(value), factor)
        copy = np.repeat(np.arange(factor), len(value))
        if key in {"visit_participant", "lab_participant"}:
            tiled = tiled + copy * n_people
        elif key == "lab_visit":
            tiled = tiled + copy * n_visits
        out[key] = tiled
    return out


def main() -> None:
    trial = load_example_trial()
    cols = {k: getattr(Cohort.from_trial(trial), k) for k in SLEDAI_VISITS_COLUMNS}
    n = len(cols["visit_date"])
    loop = _best(lambda: _loop(trial), 3) / n
    print(
        f"per-visit loop (sledai_2k_visit), {n} visits: {1e6 * loop:.0f} µs per visit"
    )
    for factor in (1, 10, 100, 1000):
        big = cols if factor == 1 else _scaled(cols, factor)
        visits = len(big["visit_date"])
        labs = len(big["lab_visit"])
        repeat = 5 if factor <= 100 else 2
        took = _best(lambda big=big: sledai_2k_visits(**big), repeat)
        each = took / visits
        print(
            f"kernel (sledai_2k_visits), {visits} visits, {labs} lab rows: "
            f"{took:.3f} s, {1e6 * each:.2f} µs per visit; "
            f"loop / kernel = {loop / each:.0f}x"
        )


if __name__ == "__main__":
    main()
