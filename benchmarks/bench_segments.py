"""The longitudinal rules: one segment-kernel call vs a per-participant loop.

Run: ``.venv/bin/python benchmarks/bench_segments.py``. Prints seconds per
participant of each rule as one kernel call over the whole cohort
(``lupusscore.outcomes._segments``) and as a loop calling the per-participant
function (``status_at``, ``achieve_and_maintain``, ...), and their ratio, at
1,000, 10,000 and 100,000 synthetic participants (about 8 assessments each,
some duplicates, conflicts, unscheduled visits and intercurrent events).
The loop is timed on at most ``LOOP_SAMPLE`` participants (marked
"sampled"); per participant it is linear. Asserts nothing; the figures are
ratios on one machine, not claims.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lupusscore import EventType, Status, Timepoint
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    achieve_and_maintain,
    confirmed_response,
    first_response,
    status_at,
)
from lupusscore.outcomes._segments import (
    achieve_and_maintain_segments,
    confirmed_response_segments,
    first_response_segments,
    status_at_segments,
)

SIZES = (1_000, 10_000, 100_000)
LOOP_SAMPLE = 5_000
SCHEDULE = np.array([30, 91, 182, 273, 365, 548, 730])
M12 = Timepoint(label="month 12", day=365, window_days=30)
M24 = Timepoint(label="month 24", day=730, window_days=30)
_STATUS = {1: Status.MET, 0: Status.NOT_MET, -1: Status.NOT_EVALUABLE}
_TYPES = list(EventType)


def synthetic(n: int, seed: int = 0) -> dict[str, Any]:
    """Assessment and event columns for *n* participants (vectorised)."""
    rng = np.random.default_rng(seed)
    seg = np.repeat(np.arange(n), SCHEDULE.size)
    day = np.tile(SCHEDULE, n) + rng.integers(-7, 8, seg.size)
    p_met = np.tile(np.linspace(0.2, 0.6, SCHEDULE.size), n)
    status = np.where(rng.random(seg.size) < p_met, 1, 0)
    status[rng.random(seg.size) < 0.1] = -1
    present = rng.random(seg.size) < 0.9
    seg, day, status = seg[present], day[present], status[present]
    unscheduled = rng.random(seg.size) < 0.05
    dup = rng.random(seg.size) < 0.02  # a second record of the same day
    seg = np.concatenate([seg, seg[dup]])
    day = np.concatenate([day, day[dup]])
    status = np.concatenate([status, rng.integers(-1, 2, int(dup.sum()))])
    unscheduled = np.concatenate([unscheduled, unscheduled[dup]])
    who = np.flatnonzero(rng.random(n) < 0.1)
    return {
        "seg": seg.astype(np.int64),
        "day": day.astype(np.int64),
        "status": status.astype(np.int8),
        "unscheduled": unscheduled,
        "n_segments": n,
        "event_seg": who.astype(np.int64),
        "event_day": rng.integers(1, 800, who.size).astype(np.int64),
        "event_type": rng.integers(0, len(_TYPES), who.size),
    }


def per_participant(
    cols: dict[str, Any], count: int
) -> list[tuple[list[Assessment], list[DatedEvent]]]:
    """The first *count* participants as Assessment and DatedEvent lists."""
    people: list[tuple[list[Assessment], list[DatedEvent]]] = [
        ([], []) for _ in range(count)
    ]
    for g, d, s, u in zip(
        cols["seg"], cols["day"], cols["status"], cols["unscheduled"], strict=True
    ):
        if g < count:
            people[g][0].append(
                Assessment(day=int(d), status=_STATUS[int(s)], unscheduled=bool(u))
            )
    for g, d, t in zip(
        cols["event_seg"], cols["event_day"], cols["event_type"], strict=True
    ):
        if g < count:
            people[g][1].append(DatedEvent(day=int(d), type=_TYPES[int(t)]))
    return people


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    """Print the per-participant time of kernel and loop, per rule and size."""
    columns = ("seg", "day", "status", "unscheduled", "n_segments")
    rules: list[tuple[str, Callable[..., object], Callable[..., object]]] = [
        (
            "status_at month 24",
            lambda c: status_at_segments(
                **c,
                timepoint_day=M24.day,
                first_day=M24.first_day,
                last_day=M24.last_day,
            ),
            lambda a, e: status_at(a, M24, events=e),
        ),
        (
            "achieve by month 12, maintain through month 24",
            lambda c: achieve_and_maintain_segments(
                **c,
                by_day=M12.last_day,
                timepoint_day=M24.day,
                first_day=M24.first_day,
                last_day=M24.last_day,
            ),
            lambda a, e: achieve_and_maintain(
                a, by_day=M12.last_day, through=M24, events=e
            ),
        ),
        (
            "first response",
            lambda c: first_response_segments(**c),
            lambda a, e: first_response(a, events=e),
        ),
        (
            "confirmed response (>= 28 days)",
            lambda c: confirmed_response_segments(**c, min_days_apart=28),
            lambda a, e: confirmed_response(a, min_days_apart=28, events=e),
        ),
    ]
    print(
        f"{'rule':<48} {'participants':>12} {'kernel s/pt':>12} "
        f"{'loop s/pt':>12} {'loop/kernel':>12}"
    )
    for n in SIZES:
        cols = synthetic(n)
        kernel_cols = {k: cols[k] for k in columns}
        kernel_cols["event_seg"] = cols["event_seg"]
        kernel_cols["event_day"] = cols["event_day"]
        sample = min(n, LOOP_SAMPLE)
        people = per_participant(cols, sample)
        for name, kernel, single in rules:
            kernel(kernel_cols)  # warm up
            t_kernel = _timed(lambda k=kernel, c=kernel_cols: k(c)) / n
            t_loop = _timed(lambda s=single, p=people: [s(a, e) for a, e in p]) / sample
            note = "" if sample == n else f" (loop sampled: {sample})"
            print(
                f"{name:<48} {n:>12,} {t_kernel:>12.2e} {t_loop:>12.2e} "
                f"{t_loop / t_kernel:>11.0f}x{note}"
            )


if __name__ == "__main__":
    main()
