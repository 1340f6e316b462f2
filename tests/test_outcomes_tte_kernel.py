"""time_to_first is a view over its segment kernel, equal to the former rule.

The cohort engine's ADTTE and the per-participant ``time_to_first`` call one
kernel (``time_to_first_segments``); this checks it against the former
implementation (``tests/_tte_oracle.py``) on random assessments and events, and
that one call over many participants equals a call per participant.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests import _tte_oracle as oracle

from lupusscore.models import EventType
from lupusscore.outcomes import Assessment, DatedEvent
from lupusscore.outcomes._tte import time_to_first, time_to_first_segments

_TYPES = st.frozensets(st.sampled_from(list(EventType)))
_ASSESSMENTS = st.lists(
    st.builds(
        Assessment,
        day=st.integers(-20, 60),
        status=st.sampled_from(["met", "not_met", "not_evaluable"]),
        unscheduled=st.booleans(),
    ),
    max_size=8,
)
_EVENTS = st.lists(
    st.builds(
        DatedEvent, day=st.integers(-5, 60), type=st.sampled_from(list(EventType))
    ),
    max_size=4,
)


@settings(max_examples=400, deadline=None)
@given(
    _ASSESSMENTS,
    _EVENTS,
    _TYPES,
    _TYPES,
    st.none() | st.integers(0, 70),
    st.none() | st.integers(0, 70),
    st.booleans(),
)
def test_time_to_first_equals_the_former_rule(
    assessments: list[Assessment],
    events: list[DatedEvent],
    event_types: frozenset[EventType],
    censor_on: frozenset[EventType],
    last_day: int | None,
    end_day: int | None,
    use_unscheduled: bool,
) -> None:
    """Day, event flag and reason text equal the 0.1 implementation."""
    kw = {
        "assessments": assessments,
        "events": events,
        "event_types": event_types,
        "censor_on": censor_on,
        "last_day": last_day,
        "end_day": end_day,
        "use_unscheduled": use_unscheduled,
    }
    assert time_to_first("x", **kw) == oracle.time_to_first("x", **kw)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(_EVENTS, st.integers(0, 70)), min_size=1, max_size=6))
def test_one_call_over_many_segments_equals_one_per_segment(
    people: list[tuple[list[DatedEvent], int]],
) -> None:
    """The kernel over all participants equals the kernel per participant."""
    seg = [i for i, (evs, _) in enumerate(people) for _ in evs]
    days = [e.day for evs, _ in people for e in evs]
    kinds = [e.type.value for evs, _ in people for e in evs]
    common = {
        "met_seg": np.zeros(0, dtype=np.int64),
        "met_day": np.zeros(0, dtype=np.int64),
        "event_types": frozenset({EventType.DIALYSIS, EventType.TRANSPLANT}),
        "censor_on": frozenset({EventType.DEATH, EventType.WITHDRAWAL}),
    }
    together = time_to_first_segments(
        len(people),
        event_seg=np.array(seg, dtype=np.int64),
        event_day=np.array(days, dtype=np.int64),
        event_type=np.array(kinds, dtype=object),
        last_day=np.array([last for _, last in people], dtype=np.int64),
        **common,
    )
    for i, (evs, last) in enumerate(people):
        alone = time_to_first_segments(
            1,
            event_seg=np.zeros(len(evs), dtype=np.int64),
            event_day=np.array([e.day for e in evs], dtype=np.int64),
            event_type=np.array([e.type.value for e in evs], dtype=object),
            last_day=np.array([last], dtype=np.int64),
            **common,
        )
        assert together.day[i] == alone.day[0]
        assert together.event[i] == alone.event[0]
        assert together.reason[i] == alone.reason[0]
