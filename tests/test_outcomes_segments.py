"""The longitudinal rules as segment kernels (``lupusscore.outcomes._segments``).

Three kinds of check:

- the kernel called once over many participants equals the per-participant
  function called per participant (status, onset, end day, imputed);
- the per-participant functions, now views over the kernel, give exactly the
  results of the implementations they replaced (``tests/_longitudinal_oracle.py``,
  explanations included);
- the kernels' own contract: input order, read-only output, library errors.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from lupusscore import EventType, Status, Timepoint
from lupusscore.errors import InvalidValueError
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    MissingPolicy,
    achieve_and_maintain,
    confirmed_response,
    first_response,
    status_at,
)
from lupusscore.outcomes._longitudinal import in_use
from lupusscore.outcomes._segments import (
    DAY_BOUND,
    Reason,
    SegmentOutcome,
    achieve_and_maintain_segments,
    confirmed_response_segments,
    first_response_segments,
    in_use_segments,
    status_at_segments,
)

sys.path.insert(0, str(Path(__file__).parent))
import _longitudinal_oracle as oracle

_CODE = {Status.MET: 1, Status.NOT_MET: 0, Status.NOT_EVALUABLE: -1}

# ------------------------------------------------------------- strategies

_assessment = st.builds(
    Assessment,
    day=st.integers(-3, 40),
    status=st.sampled_from(list(Status)),
    unscheduled=st.booleans(),
    label=st.sampled_from([None, "a", "b"]),
    reason=st.sampled_from([None, "lab missing", "no urine"]),
)
_event = st.builds(
    DatedEvent, day=st.integers(-3, 45), type=st.sampled_from(list(EventType))
)
_participant = st.tuples(
    st.lists(_assessment, max_size=8), st.lists(_event, max_size=2)
)
_timepoint = st.builds(
    Timepoint,
    label=st.just("tp"),
    day=st.one_of(st.integers(1, 40), st.just(10**12)),
    window_days=st.one_of(st.integers(0, 10), st.just(10**15)),
)
_types = st.sampled_from(
    [
        frozenset(EventType),
        frozenset(),
        frozenset({EventType.DEATH, EventType.WITHDRAWAL}),
        frozenset({EventType.RESCUE_THERAPY}),
    ]
)
_common = st.fixed_dictionaries(
    {
        "intercurrent": _types,
        "policy": st.sampled_from(list(MissingPolicy)),
        "use_unscheduled": st.booleans(),
    }
)
_until = st.one_of(st.none(), st.integers(-2, 45))


def _columns(
    people: list[tuple[list[Assessment], list[DatedEvent]]],
    types: frozenset[EventType],
) -> dict[str, Any]:
    """Flatten participants into the kernels' columns (events filtered)."""
    rows = [(g, a) for g, (items, _) in enumerate(people) for a in items]
    evs = [(g, e) for g, (_, events) in enumerate(people) for e in events]
    evs = [(g, e) for g, e in evs if e.type in types]
    values = sorted({e.type.value for _, e in evs})
    return {
        "seg": np.array([g for g, _ in rows], dtype=np.int64),
        "day": np.array([a.day for _, a in rows], dtype=np.int64),
        "status": np.array([_CODE[a.status] for _, a in rows], dtype=np.int8),
        "unscheduled": np.array([a.unscheduled for _, a in rows], dtype=bool),
        "n_segments": len(people),
        "event_seg": np.array([g for g, _ in evs], dtype=np.int64),
        "event_day": np.array([e.day for _, e in evs], dtype=np.int64),
        "event_rank": np.array(
            [values.index(e.type.value) for _, e in evs], dtype=np.int64
        ),
    }


def _check_same(out: SegmentOutcome, results: list[Any]) -> None:
    """The kernel's arrays equal the per-participant results, participant by one."""
    for g, r in enumerate(results):
        assert out.status[g] == _CODE[r.status], g
        assert out.day[g] == (-1 if r.day is None else r.day), g
        assert out.end_day[g] == (-1 if r.end_day is None else r.end_day), g
        assert bool(out.imputed[g]) is r.imputed, g


# ---------------------------------------- kernel once == function per participant


@given(
    people=st.lists(_participant, min_size=1, max_size=6),
    tp=_timepoint,
    common=_common,
)
def test_status_at_segments_equals_per_participant(
    people: list[Any], tp: Timepoint, common: dict[str, Any]
) -> None:
    """One status_at_segments call equals status_at for each participant."""
    cols = _columns(people, common["intercurrent"])
    out = status_at_segments(
        **cols,
        timepoint_day=tp.day,
        first_day=tp.first_day,
        last_day=tp.last_day,
        policy=common["policy"],
        use_unscheduled=common["use_unscheduled"],
    )
    _check_same(out, [status_at(a, tp, events=e, **common) for a, e in people])


@given(
    people=st.lists(_participant, min_size=1, max_size=6),
    tp=_timepoint,
    by=st.integers(1, 40),
    common=_common,
)
def test_achieve_and_maintain_segments_equals_per_participant(
    people: list[Any], tp: Timepoint, by: int, common: dict[str, Any]
) -> None:
    """One achieve_and_maintain_segments call equals the per-participant rule."""
    by_day = min(by, tp.day)
    cols = _columns(people, common["intercurrent"])
    out = achieve_and_maintain_segments(
        **cols,
        by_day=by_day,
        timepoint_day=tp.day,
        first_day=tp.first_day,
        last_day=tp.last_day,
        policy=common["policy"],
        use_unscheduled=common["use_unscheduled"],
    )
    expected = [
        achieve_and_maintain(a, by_day=by_day, through=tp, events=e, **common)
        for a, e in people
    ]
    _check_same(out, expected)


@given(
    people=st.lists(_participant, min_size=1, max_size=6),
    until=_until,
    common=_common,
)
def test_first_response_segments_equals_per_participant(
    people: list[Any], until: int | None, common: dict[str, Any]
) -> None:
    """One first_response_segments call equals first_response per participant."""
    cols = _columns(people, common["intercurrent"])
    out = first_response_segments(
        **cols, until_day=until, use_unscheduled=common["use_unscheduled"]
    )
    expected = [
        first_response(
            a,
            until_day=until,
            events=e,
            intercurrent=common["intercurrent"],
            use_unscheduled=common["use_unscheduled"],
        )
        for a, e in people
    ]
    _check_same(out, expected)


@given(
    people=st.lists(_participant, min_size=1, max_size=6),
    apart=st.integers(1, 20),
    until=_until,
    common=_common,
)
def test_confirmed_response_segments_equals_per_participant(
    people: list[Any], apart: int, until: int | None, common: dict[str, Any]
) -> None:
    """One confirmed_response_segments call equals the per-participant rule."""
    cols = _columns(people, common["intercurrent"])
    out = confirmed_response_segments(
        **cols,
        min_days_apart=apart,
        until_day=until,
        policy=common["policy"],
        use_unscheduled=common["use_unscheduled"],
    )
    expected = [
        confirmed_response(a, min_days_apart=apart, until_day=until, events=e, **common)
        for a, e in people
    ]
    _check_same(out, expected)


# ------------------------------------------------- views == former implementation


@given(person=_participant, tp=_timepoint, by=st.integers(1, 40), common=_common)
def test_views_equal_the_former_status_at_and_achieve_and_maintain(
    person: Any, tp: Timepoint, by: int, common: dict[str, Any]
) -> None:
    """status_at and achieve_and_maintain give the oracle's exact results."""
    items, events = person
    assert status_at(items, tp, events=events, **common) == oracle.status_at(
        items, tp, events=events, **common
    )
    by_day = min(by, tp.day)
    new = achieve_and_maintain(
        items, by_day=by_day, through=tp, events=events, **common
    )
    old = oracle.achieve_and_maintain(
        items, by_day=by_day, through=tp, events=events, **common
    )
    assert new == old


@given(person=_participant, apart=st.integers(1, 20), until=_until, common=_common)
def test_views_equal_the_former_first_and_confirmed_response(
    person: Any, apart: int, until: int | None, common: dict[str, Any]
) -> None:
    """first_response, confirmed_response and in_use give the oracle's results."""
    items, events = person
    unscheduled = common["use_unscheduled"]
    assert in_use(items, use_unscheduled=unscheduled) == oracle.in_use(
        items, use_unscheduled=unscheduled
    )
    kwargs = {"events": events, "intercurrent": common["intercurrent"]}
    assert first_response(
        items, until_day=until, use_unscheduled=unscheduled, **kwargs
    ) == oracle.first_response(
        items, until_day=until, use_unscheduled=unscheduled, **kwargs
    )
    new = confirmed_response(
        items, min_days_apart=apart, until_day=until, events=events, **common
    )
    old = oracle.confirmed_response(
        items, min_days_apart=apart, until_day=until, events=events, **common
    )
    assert new == old


# ---------------------------------------------------------- kernel contract


def _example() -> dict[str, Any]:
    """Three participants: a responder, a lost response, a conflict day."""
    return {
        "seg": [0, 0, 0, 1, 1, 1, 2, 2],
        "day": [91, 182, 365, 91, 182, 365, 182, 182],
        "status": [1, 1, 1, 1, 0, 1, 1, 0],
        "unscheduled": [False] * 8,
        "n_segments": 3,
    }


def test_segment_outcome_does_not_depend_on_row_order() -> None:
    """Shuffling the assessment rows gives the same outcome arrays."""
    cols = _example()
    base = confirmed_response_segments(**cols, min_days_apart=28)
    perm = np.random.default_rng(1).permutation(len(cols["seg"]))
    shuffled = {
        k: (np.asarray(v)[perm] if k != "n_segments" else v) for k, v in cols.items()
    }
    again = confirmed_response_segments(**shuffled, min_days_apart=28)
    for name in ("status", "day", "end_day", "imputed", "reason"):
        assert getattr(again, name).tolist() == getattr(base, name).tolist()
    assert base.status.tolist() == [1, 0, 0]
    assert base.reason.tolist() == [Reason.CONFIRMED, *[Reason.NOT_CONFIRMED] * 2]
    observed = confirmed_response_segments(
        **shuffled, min_days_apart=28, policy="observed_only"
    )
    assert observed.status.tolist() == [1, 0, -1]
    assert observed.reason[2] == Reason.NO_EVALUABLE


def test_conflicting_day_is_one_not_evaluable_row() -> None:
    """Two statuses on one participant-day collapse into one conflict row."""
    rows = in_use_segments(**_example())
    assert rows.day[rows.seg == 2].tolist() == [182]
    assert rows.conflict[rows.seg == 2].tolist() == [True]
    assert rows.status[rows.seg == 2].tolist() == [-1]


def test_segment_outcome_arrays_are_read_only() -> None:
    """The outcome arrays cannot be written to (results are immutable)."""
    out = status_at_segments(
        **_example(), timepoint_day=182, first_day=168, last_day=196
    )
    with pytest.raises(ValueError, match="read-only"):
        out.status[0] = 0
    with pytest.raises(ValueError, match="read-only"):
        out.used.day[0] = 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"seg": [0, 0, 0, 1, 1, 1, 2, 3]}, "seg"),
        ({"status": [1, 1, 1, 1, 0, 1, 1, 2]}, "status"),
        ({"day": [91, 182, 365, 91, 182, 365, 182, 182.5]}, "day"),
        ({"day": [91, 182, 365, 91, 182, 365, 182, DAY_BOUND + 1]}, "day"),
        ({"unscheduled": [False] * 7}, "seg, day, status, unscheduled"),
        ({"unscheduled": ["no"] * 8}, "unscheduled"),
        ({"n_segments": -1}, "n_segments"),
        ({"policy": "impute"}, "policy"),
        ({"use_unscheduled": 1}, "use_unscheduled"),
        ({"event_seg": [0], "event_day": [1, 2]}, "event_seg, event_day"),
    ],
)
def test_segment_arguments_are_checked(change: dict[str, Any], field: str) -> None:
    """Bad columns or options are InvalidValueErrors naming the argument."""
    cols = {**_example(), **change}
    with pytest.raises(InvalidValueError) as info:
        status_at_segments(**cols, timepoint_day=182, first_day=168, last_day=196)
    assert info.value.fields["field"] == field


def test_assessment_and_event_days_are_bounded() -> None:
    """A study day beyond +/- DAY_BOUND is a ValidationError naming ``day``."""
    with pytest.raises(ValidationError, match="day"):
        Assessment(day=DAY_BOUND + 1, status="met")
    with pytest.raises(ValidationError, match="day"):
        DatedEvent(day=-DAY_BOUND - 1, type="death")
    assert Assessment(day=DAY_BOUND, status="met").day == DAY_BOUND
