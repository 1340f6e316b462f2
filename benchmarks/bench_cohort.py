"""Time to build the outcome table of the bundled example and of a larger cohort.

Run: ``.venv/bin/python benchmarks/bench_cohort.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import time

from lupusscore.cli import load_example_trial
from lupusscore.models import Participant, Trial
from lupusscore.report import build_outcome_table


def _scaled(trial: Trial, factor: int) -> Trial:
    """The example repeated *factor* times with distinct participant ids."""
    parts = []
    for k in range(factor):
        for p in trial.participants:
            pid = f"{p.patient.id}-{k}"
            data = p.model_dump()
            data["patient"]["id"] = pid
            for v in data["visits"]:
                v["participant_id"] = pid
            parts.append(Participant.model_validate(data))
    return trial.model_copy(update={"participants": tuple(parts)})


def main() -> None:
    t0 = time.perf_counter()
    trial = load_example_trial()
    t1 = time.perf_counter()
    print(
        f"load example trial ({len(trial.participants)} participants): {t1 - t0:.2f} s"
    )
    for factor in (1, 5):
        big = trial if factor == 1 else _scaled(trial, factor)
        start = time.perf_counter()
        build_outcome_table(big)
        took = time.perf_counter() - start
        n = len(big.participants)
        print(
            f"outcome table, {n} participants: {took:.2f} s "
            f"({1000 * took / n:.1f} ms each)"
        )


if __name__ == "__main__":
    main()
