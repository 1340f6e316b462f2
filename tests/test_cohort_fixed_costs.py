"""The outcome table's per-table work done once: same answers as before.

``timepoint_visit`` picks each participant's visit for a timepoint from the
window's visits sorted nearest first (``timepoint_order``); the outcome table
sorts each timepoint once and reuses the order for every measure. These
tests show the reused order picks the very visits a fresh sort picks, for
any subset of visits, on random trials.
"""

from __future__ import annotations

import random
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.cohort_strategies import trials

from lupusscore import Timepoint, Trial
from lupusscore.cohort import Cohort
from lupusscore.cohort._engine import timepoint_order, timepoint_visit


def _oracle(
    c: Cohort, tp: Timepoint, has: np.ndarray, *, unscheduled: bool
) -> list[int]:
    """Nearest visit in the window per participant (earlier on ties), by loops."""
    out = []
    for p in range(c.n_participants):
        best: tuple[int, int, int] | None = None
        for v in range(c.n_visits):
            day = int(c.visit_day[v])
            if c.visit_participant[v] != p or not has[v]:
                continue
            if not tp.first_day <= day <= tp.last_day:
                continue
            if not unscheduled and c.visit_unscheduled[v]:
                continue
            key = (abs(day - tp.day), day, v)
            best = key if best is None or key < best else best
        out.append(-1 if best is None else best[2])
    return out


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(trials(), st.booleans(), st.randoms(use_true_random=False))
def test_a_kept_order_picks_the_visits_a_fresh_sort_picks(
    trial: Trial, unscheduled: bool, rnd: random.Random
) -> None:
    """For random visit subsets, the kept order and a fresh sort agree."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = Cohort.from_trial(trial)
    for tp in c.schedule:
        order = timepoint_order(c, tp, use_unscheduled=unscheduled)
        for _ in range(3):
            has = np.array([rnd.random() < 0.7 for _ in range(c.n_visits)], dtype=bool)
            kept = timepoint_visit(c, tp, has, use_unscheduled=unscheduled, order=order)
            fresh = timepoint_visit(c, tp, has, use_unscheduled=unscheduled)
            assert kept.tolist() == fresh.tolist()
            assert kept.tolist() == _oracle(c, tp, has, unscheduled=unscheduled)
