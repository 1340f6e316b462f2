"""Fixed costs of the outcome table at 1,000 participants (fourth pass).

Each change keeps every answer; what can be counted is counted here:

- the SLEDAI-2K cohort kernel orders the visits with one stable sort of a
  combined (participant, day) key, not ``lexsort`` (kept where that key could
  overflow);
- ``kaplan_meier`` counts those at risk and the events at each distinct
  event time from one sort, not with a numpy pass per time;
- the time to first event makes each reason text only for the participants
  it describes.

The equality of the tables themselves is pinned by the engine and
per-participant property tests, the golden reports and
``tests/test_activity_visits_kernel.py`` (which also shuffles visits and
spreads participant ids across int64).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lupusscore.activity import SLEDAI_VISITS_COLUMNS, sledai_2k_visits
from lupusscore.cohort import Cohort
from lupusscore.example import synthetic_cohort
from lupusscore.models import EventType
from lupusscore.outcomes import _stats as stats
from lupusscore.outcomes import _tte as tte


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it) while the test runs."""
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _cohort(n: int) -> Cohort:
    """A small synthetic cohort (the bundled example's design)."""
    return synthetic_cohort(n, seed=7)


# --- SLEDAI-2K visits ------------------------------------------------------------


def test_sledai_kernel_orders_a_cohorts_visits_without_lexsort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cohort's visits are ordered by one stable sort of a combined key."""
    c = _cohort(40)
    columns = {k: getattr(c, k) for k in SLEDAI_VISITS_COLUMNS}
    want = sledai_2k_visits(**columns)
    calls = _counting(monkeypatch, np, "lexsort")
    got = sledai_2k_visits(**columns)
    assert calls == []
    assert np.array_equal(got.score, want.score, equal_nan=True)
    for name, codes in want.present.items():
        assert got.present[name].tolist() == codes.tolist()
        assert got.source[name].tolist() == want.source[name].tolist()


@settings(max_examples=60)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 1, 2, -(2**62), 2**62, 2**63 - 1, -(2**63)]),
            st.integers(-3, 3),
        ),
        max_size=12,
    )
)
def test_sledai_visit_order_is_lexsorts(pairs: list[tuple[int, int]]) -> None:
    """The kernel's visit order is np.lexsort((day, participant)), any ids."""
    from lupusscore.activity._cohort_kernel import _visit_order

    vp = np.array([p for p, _ in pairs], dtype=np.int64)
    vday = np.array([d for _, d in pairs], dtype=np.int64)
    got = _visit_order(vp, vday)
    assert got.tolist() == np.lexsort((vday, vp)).tolist()


# --- Kaplan-Meier ----------------------------------------------------------------


def test_kaplan_meier_makes_no_numpy_pass_per_event_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """200 distinct event times: the counts come from one sort, not 400 sums."""
    rng = np.random.default_rng(3)
    durations = rng.permutation(np.arange(1.0, 401.0))
    events = np.arange(400) % 2 == 0
    calls = _counting(monkeypatch, np, "sum")
    km = stats.kaplan_meier(durations, events)
    assert len(km.time) == 200
    assert len(calls) < 10


@settings(max_examples=80)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, -0.0, 1.0, 2.5, 3.0, 7.0]), st.booleans()),
        max_size=30,
    )
)
def test_kaplan_meier_counts_equal_the_definition(
    sample: list[tuple[float, bool]],
) -> None:
    """At risk: times >= t; events: event times == t; per distinct event time."""
    t = np.array([d for d, _ in sample], dtype=np.float64)
    e = np.array([x for _, x in sample], dtype=bool)
    km = stats.kaplan_meier(t, e)
    times = sorted({float(x) for x in t[e]})
    assert list(km.time) == times
    assert list(km.n_at_risk) == [int(np.count_nonzero(t >= u)) for u in times]
    assert list(km.n_events) == [int(np.count_nonzero((t == u) & e)) for u in times]
    assert list(km.follow_up) == sorted(t.tolist())


# --- time to first event -------------------------------------------------------------


def test_time_to_first_makes_event_texts_only_for_events(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """500 segments, 2 events: two event texts are made, not one per segment."""
    calls = _counting(monkeypatch, tte, "_hit_text")
    out = tte.time_to_first_segments(
        500,
        met_seg=np.zeros(0, dtype=np.int64),
        met_day=np.zeros(0, dtype=np.int64),
        event_seg=np.array([3, 9]),
        event_day=np.array([10, 20]),
        event_type=np.array(["death", "death"], dtype=object),
        event_types=frozenset({EventType.DEATH}),
        censor_on=frozenset(),
        last_day=np.full(500, 100, dtype=np.int64),
    )
    assert len(calls) == 2
    assert out.reason[3] == "event: death on day 10"
    assert out.reason[0] == "censored: end of follow-up"
    assert int(np.count_nonzero(out.event)) == 2


# --- matching lab rows to visits ----------------------------------------------------


@settings(max_examples=80)
@given(
    st.lists(st.integers(-5, 5), max_size=12).map(sorted),
    st.lists(st.integers(-7, 7), max_size=30),
    st.sampled_from(["left", "right"]),
)
def test_searchsorted_runs_is_numpys(
    table: list[int], queries: list[int], side: Any
) -> None:
    """Runs looked up once give np.searchsorted's positions, in any order."""
    from lupusscore.activity._cohort_kernel import searchsorted_runs

    a = np.array(table, dtype=np.int64)
    v = np.array(queries, dtype=np.int64)
    got = searchsorted_runs(a, v, side=side)
    assert got.dtype == np.int64
    assert got.tolist() == np.searchsorted(a, v, side=side).tolist()


def test_lab_rows_are_matched_to_visits_once_per_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lab rows of one visit and date (a run of keys) are looked up once."""
    from lupusscore.cohort._columns import _match

    visits = np.array([10, 20, 30], dtype=np.int64)
    labs = np.array([10, 10, 10, 20, 20, 25, 30, 30, 10], dtype=np.int64)
    searched: list[int] = []
    real = np.searchsorted

    def counted(a: Any, v: Any, *args: Any, **kwargs: Any) -> Any:
        searched.append(int(np.size(v)))
        return real(a, v, *args, **kwargs)

    monkeypatch.setattr(np, "searchsorted", counted)
    pos, found = _match(labs, visits)
    assert searched == [5]  # 10, 20, 25, 30, 10: one look-up per run
    assert pos.tolist() == [0, 0, 0, 1, 1, 2, 2, 2, 0]
    assert found.tolist() == [True] * 5 + [False] + [True] * 3


# --- duplicate visits --------------------------------------------------------------


def test_visit_numbers_are_coded_only_where_visits_share_a_date(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Visits alone on their date: the dose and PGA columns are not coded."""
    from lupusscore.cohort import _columns

    seen: list[int] = []
    real = _columns._float_codes

    def counted(values: np.ndarray) -> np.ndarray:
        seen.append(len(values))
        return real(values)

    monkeypatch.setattr(_columns, "_float_codes", counted)
    c = _cohort(20)
    assert c.n_visits > 0
    assert seen == []


@settings(max_examples=150)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from([math.nan, 0.0, -0.0, 1.0, 2.5]),
            st.integers(-1, 1),
        ),
        max_size=30,
    )
)
def test_float_keys_vary_as_values_with_nan_equal(
    rows: list[tuple[int, float, int]],
) -> None:
    """A float key varies in a group when its values differ (NaN equals NaN)."""
    from lupusscore.cohort._columns import _differs_in_group

    group = np.array([g for g, _, _ in rows], dtype=np.int64)
    floats = np.array([x for _, x, _ in rows], dtype=np.float64)
    ints = np.array([k for _, _, k in rows], dtype=np.int64)
    got = _differs_in_group(group, [floats, ints])

    def norm(x: float) -> object:
        return "nan" if math.isnan(x) else x + 0.0  # -0.0 and 0.0 are equal

    want = [len({(norm(x), k) for h, x, k in rows if h == g}) > 1 for g, _, _ in rows]
    assert got.tolist() == want


# --- timepoint windows -------------------------------------------------------------


def test_timepoint_order_is_lexsorts_without_lexsort(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each window's visits, nearest first, by one stable sort of a combined key."""
    from lupusscore.cohort._engine import timepoint_order

    c = _cohort(30)
    want = {}
    for tp in c.schedule:
        mask = (c.visit_day >= tp.first_day) & (c.visit_day <= tp.last_day)
        idx = np.flatnonzero(mask)
        d = c.visit_day[idx]
        order = np.lexsort((d, np.abs(d - tp.day), c.visit_participant[idx]))
        want[tp] = idx[order].tolist()
    calls = _counting(monkeypatch, np, "lexsort")
    for tp in c.schedule:
        assert timepoint_order(c, tp, use_unscheduled=True).tolist() == want[tp]
    assert calls == []
