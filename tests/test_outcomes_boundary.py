"""Outcomes and report: every enum-like argument and object type is checked.

Issue 10, items 1, 2 and 5 for outcomes and the report: ``policy=``,
``method=``/``ci_method=``, ``ci=``, ``fmt=``, definition ids, statuses,
counts, durations and wrong object types raise a ``LupusScoreError`` (never a
bare ``ValueError``/``TypeError``/``AttributeError`` from enum or numpy); an
empty trial is a clear library error.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from lupusscore import InvalidValueError, LupusScoreError
from lupusscore.cli import load_example_trial
from lupusscore.models import Trial
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    Timepoint,
    TimeToEvent,
    achieve_and_maintain,
    baseline_observation,
    by_arm,
    clopper_pearson_interval,
    confirmed_response,
    first_response,
    kaplan_meier,
    kaplan_meier_of,
    last_contact_day,
    observation_at,
    participant_events,
    proportion,
    responder_proportion,
    select_nearest,
    status_at,
    study_day,
    summarize,
    time_to_creatinine_doubling,
    time_to_death,
    time_to_first,
    wilson_interval,
)
from lupusscore.report import OutcomeTable, build_outcome_table, render

TP = Timepoint(label="month 6", day=182, window_days=14)
VISITS = [Assessment(day=91, status="met"), Assessment(day=182, status="met")]

BAD_CHOICES: list[object] = ["bogus", "", None, 3, [], {}, ["locf"], b"locf"]


@cache
def _trial() -> Trial:
    return load_example_trial()


@cache
def _table() -> OutcomeTable:
    trial = _trial()
    small = Trial.model_validate(
        {**trial.model_dump(), "participants": trial.participants[:3]}
    )
    return build_outcome_table(small)


CALLS_WITH_CHOICE: dict[str, Callable[[object], object]] = {
    "status_at policy": lambda v: status_at(VISITS, TP, policy=v),  # type: ignore[arg-type]
    "achieve_and_maintain policy": lambda v: achieve_and_maintain(
        VISITS,
        by_day=91,
        through=TP,
        policy=v,  # type: ignore[arg-type]
    ),
    "confirmed_response policy": lambda v: confirmed_response(
        VISITS,
        min_days_apart=28,
        policy=v,  # type: ignore[arg-type]
    ),
    "proportion method": lambda v: proportion(3, 10, method=v),  # type: ignore[arg-type]
    "kaplan_meier ci": lambda v: kaplan_meier([1, 2], [True, False], ci=v),  # type: ignore[arg-type]
    "responder_proportion status": lambda v: responder_proportion([v]),  # type: ignore[list-item]
    "render fmt": lambda v: render(_table(), v),  # type: ignore[arg-type]
    "build_outcome_table policy": lambda v: build_outcome_table(_trial(), policy=v),  # type: ignore[arg-type]
    "build_outcome_table ci_method": lambda v: build_outcome_table(
        _trial(),
        ci_method=v,  # type: ignore[arg-type]
    ),
    "build_outcome_table definition": lambda v: build_outcome_table(
        _trial(),
        definition=v,  # type: ignore[arg-type]
    ),
}


#: Every call with every bad value, except None as a status (None is the
#: documented "not evaluable" status of responder_proportion).
CHOICE_CASES = [
    pytest.param(call, value, id=f"{call}-{value!r}")
    for call in sorted(CALLS_WITH_CHOICE)
    for value in BAD_CHOICES
    if not (call == "responder_proportion status" and value is None)
]


@pytest.mark.parametrize(("call", "value"), CHOICE_CASES)
def test_bad_enum_like_argument_is_a_library_error(call: str, value: object) -> None:
    """``policy="bogus"`` or ``fmt=[]`` raised enum's bare ValueError/TypeError."""
    with pytest.raises(InvalidValueError) as info:
        CALLS_WITH_CHOICE[call](value)
    assert "expected one of" in str(info.value)


@pytest.mark.parametrize(
    ("successes", "n"),
    [(True, 10), (3, True), ("3", 10), (3, "10"), (3.5, 10), (11, 10), (-1, 10)],
)
def test_counts_are_checked_by_the_shared_boundary(
    successes: object, n: object
) -> None:
    """Counts reject bools, strings and fractions with a library error."""
    for fn in (wilson_interval, clopper_pearson_interval, proportion):
        with pytest.raises(InvalidValueError):
            fn(successes, n)  # type: ignore[operator]


def test_numpy_integer_counts_are_accepted() -> None:
    """``np.int64`` counts from a data frame are counts (they were rejected)."""
    p = proportion(np.int64(5), np.int64(10))
    assert (p.successes, p.n, p.estimate) == (5, 10, 0.5)
    assert wilson_interval(np.int32(5), 10) == wilson_interval(5, 10)


@pytest.mark.parametrize("confidence", ["0.95", True, math.nan, None, [0.95]])
def test_confidence_must_be_a_number(confidence: object) -> None:
    """``confidence="0.95"`` raised a bare TypeError from a comparison."""
    with pytest.raises(InvalidValueError, match="confidence"):
        clopper_pearson_interval(3, 10, confidence=confidence)  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="confidence"):
        proportion(3, 10, confidence=confidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("durations", "index"),
    [
        (["1", 2.0], 0),
        ([True, 2.0], 0),
        ([1.0, math.inf], 1),
        ([1.0, -2.0], 1),
        ([1.0, None], 1),
    ],
)
def test_kaplan_meier_durations_use_the_boundary(
    durations: list[object], index: int
) -> None:
    """Strings and bools were silently parsed as times; errors name the index."""
    with pytest.raises(InvalidValueError) as info:
        kaplan_meier(durations, [True, False])
    assert info.value.index == index


@pytest.mark.parametrize("values", [["1.5", 2.0], [True, 2.0], [1.0, math.nan]])
def test_summarize_rejects_non_numbers(values: list[object]) -> None:
    """``summarize(["1.5"])`` summarised a string; bools counted as 1."""
    with pytest.raises(InvalidValueError, match="values"):
        summarize(values)


@pytest.mark.parametrize("t", [math.nan, "4", True, None, [4.0]])
def test_kaplan_meier_at_a_missing_time_is_an_error(t: object) -> None:
    """``km.at(nan)`` returned the last survival estimate (0.5) for a missing time."""
    km = kaplan_meier([2, 3, 3, 5], [True, True, False, False])
    with pytest.raises(InvalidValueError, match="t: "):
        km.at(t)  # type: ignore[arg-type]


RULES: dict[str, Callable[..., object]] = {
    "status_at": lambda a, e: status_at(a, TP, events=e),
    "achieve_and_maintain": lambda a, e: achieve_and_maintain(
        a, by_day=91, through=TP, events=e
    ),
    "first_response": lambda a, e: first_response(a, events=e),
    "confirmed_response": lambda a, e: confirmed_response(
        a, min_days_apart=28, events=e
    ),
    "time_to_first": lambda a, e: time_to_first("x", assessments=a, events=e),
}


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize(
    ("assessments", "events"),
    [
        ([{"day": 91, "status": "met"}], ()),
        ([(91, "met")], ()),
        (VISITS, [{"day": 100, "type": "death"}]),
        (VISITS, ["death"]),
        (3, ()),
        ("met", ()),
    ],
    ids=["dict", "tuple", "event dict", "event str", "int", "str"],
)
def test_wrong_object_types_are_library_errors(
    rule: str, assessments: Any, events: Any
) -> None:
    """A dict or tuple where an Assessment/DatedEvent is meant raised AttributeError."""
    with pytest.raises(InvalidValueError):
        RULES[rule](assessments, events)


def test_wrong_object_type_error_names_the_index() -> None:
    """The error names the first wrong element and how many there are."""
    with pytest.raises(InvalidValueError) as info:
        status_at([*VISITS, {"day": 1}, None], TP)
    assert (info.value.index, info.value.count) == (2, 2)


def test_events_are_datedevents() -> None:
    """A proper DatedEvent is still accepted next to the checks."""
    got = status_at(VISITS, TP, events=[DatedEvent(day=100, type="death")])
    assert got.responder is False


# --- empty trial and report inputs (item 5) ------------------------------------


def _empty(**changes: Any) -> Trial:
    data = _trial().model_dump()
    return Trial.model_validate({**data, "participants": [], **changes})


@pytest.mark.parametrize("arms", [None, []], ids=["declared arms", "no arms"])
def test_empty_trial_is_a_clear_library_error(arms: list[str] | None) -> None:
    """No participants: a library error saying so (render raised TypeError)."""
    trial = _empty() if arms is None else _empty(arms=arms)
    with pytest.raises(InvalidValueError, match="at least one participant"):
        build_outcome_table(trial)


@pytest.mark.parametrize("fmt", ["text", "csv", "json"])
def test_rendering_a_table_without_rows_never_crashes(fmt: str) -> None:
    """A table with no rows renders (text says so) instead of raising TypeError."""
    table = _table().model_copy(update={"rows": ()})
    out = render(table, fmt)
    assert out.endswith("\n")
    if fmt == "text":
        assert "no outcome rows" in out


@pytest.mark.parametrize("bad", [None, "trial", {}, 3])
def test_report_inputs_of_the_wrong_type_are_library_errors(bad: object) -> None:
    """``build_outcome_table(None)`` / ``render({})`` raised AttributeError."""
    with pytest.raises(LupusScoreError):
        build_outcome_table(bad)  # type: ignore[arg-type]
    with pytest.raises(LupusScoreError):
        render(bad)  # type: ignore[arg-type]


# --- every other outcome argument (found by a hostile sweep) ------------------

_A = [Assessment(day=91, status="met")]


def _p() -> Any:
    return _trial().participants[0]


HOSTILE_CALLS: dict[str, Callable[[], object]] = {
    "status_at timepoint None": lambda: status_at(_A, None),  # type: ignore[arg-type]
    "status_at intercurrent None": lambda: status_at(_A, TP, intercurrent=None),  # type: ignore[arg-type]
    "status_at intercurrent str": lambda: status_at(_A, TP, intercurrent="death"),  # type: ignore[arg-type]
    "status_at use_unscheduled array": lambda: status_at(
        _A,
        TP,
        use_unscheduled=np.array([True, False]),  # type: ignore[arg-type]
    ),
    "achieve_and_maintain by_day str": lambda: achieve_and_maintain(
        _A,
        by_day="91",  # type: ignore[arg-type]
        through=TP,
    ),
    "achieve_and_maintain through dict": lambda: achieve_and_maintain(
        _A,
        by_day=91,
        through={"day": 182},  # type: ignore[arg-type]
    ),
    "confirmed_response min_days_apart None": lambda: confirmed_response(
        _A,
        min_days_apart=None,  # type: ignore[arg-type]
    ),
    "confirmed_response until_day str": lambda: confirmed_response(
        _A,
        min_days_apart=28,
        until_day="x",  # type: ignore[arg-type]
    ),
    "first_response until_day list": lambda: first_response(_A, until_day=[]),  # type: ignore[arg-type]
    "time_to_first end_day str": lambda: time_to_first(
        "x", assessments=_A, end_day="9"
    ),  # type: ignore[arg-type]
    "time_to_first last_day float": lambda: time_to_first(
        "x",
        assessments=_A,
        last_day=1.5,  # type: ignore[arg-type]
    ),
    "time_to_first event_types None": lambda: time_to_first("x", event_types=None),  # type: ignore[arg-type]
    "responder_proportion None": lambda: responder_proportion(None),  # type: ignore[arg-type]
    "kaplan_meier_of None items": lambda: kaplan_meier_of([None]),  # type: ignore[list-item]
    "kaplan_meier_of int": lambda: kaplan_meier_of(3),  # type: ignore[arg-type]
    "kaplan_meier nested empty events": lambda: kaplan_meier([1.0], [[]]),
    "by_arm None": lambda: by_arm(None),  # type: ignore[arg-type]
    "study_day None": lambda: study_day(None, dt.date(2020, 1, 1)),  # type: ignore[arg-type]
    "study_day str": lambda: study_day("2020-01-02", dt.date(2020, 1, 1)),  # type: ignore[arg-type]
    "select_nearest None": lambda: select_nearest(None, TP, day=lambda d: d),  # type: ignore[arg-type]
    "select_nearest str days": lambda: select_nearest(["a"], TP, day=lambda d: d),
    "participant_events None": lambda: participant_events(None),  # type: ignore[arg-type]
    "last_contact_day str": lambda: last_contact_day("P1"),  # type: ignore[arg-type]
    "baseline_observation window str": lambda: baseline_observation(
        _p(),
        "c3",
        window_days="30",  # type: ignore[arg-type]
    ),
    "baseline_observation window negative": lambda: baseline_observation(
        _p(), "c3", window_days=-1
    ),
    "observation_at timepoint None": lambda: observation_at(_p(), None, "c3"),  # type: ignore[arg-type]
    "observation_at measure int": lambda: observation_at(_p(), TP, 3),  # type: ignore[arg-type]
    "time_to_death end_day str": lambda: time_to_death(_p(), end_day="x"),  # type: ignore[arg-type]
    "time_to_creatinine_doubling window None": lambda: time_to_creatinine_doubling(
        _p(),
        baseline_window_days=None,  # type: ignore[arg-type]
    ),
    "report progress str": lambda: build_outcome_table(_trial(), progress="x"),  # type: ignore[arg-type]
    "report achieve_by array": lambda: build_outcome_table(
        _trial(),
        achieve_by=np.array(["month 12"]),  # type: ignore[arg-type]
    ),
    "report use_unscheduled array": lambda: build_outcome_table(
        _trial(),
        use_unscheduled=np.array([True, False]),  # type: ignore[arg-type]
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CALLS))
def test_hostile_arguments_raise_library_errors(name: str) -> None:
    """Each raised a bare TypeError, AttributeError, IndexError or numpy ValueError."""
    with pytest.raises(LupusScoreError):
        HOSTILE_CALLS[name]()


@pytest.mark.parametrize(
    ("model", "data"),
    [
        (Assessment, {"day": True, "status": "met"}),
        (Assessment, {"day": "91", "status": "met"}),
        (Assessment, {"day": 91, "status": "met", "unscheduled": 1}),
        (Assessment, {"day": 91, "status": "met", "unscheduled": "yes"}),
        (DatedEvent, {"day": "5", "type": "death"}),
        (TimeToEvent, {"outcome": "x", "day": 5, "event": 1, "reason": "r"}),
        (TimeToEvent, {"outcome": "x", "day": False, "event": True, "reason": "r"}),
    ],
)
def test_outcome_records_are_not_coerced(
    model: type[Any], data: dict[str, Any]
) -> None:
    """``Assessment(day=True)`` was day 1 and ``unscheduled=1`` was True."""
    with pytest.raises(ValidationError):
        model(**data)


def test_outcome_records_accept_numpy_integers() -> None:
    """A study day from a data frame (np.int64) is a day."""
    assert Assessment(day=np.int64(91), status="met").day == 91
    assert DatedEvent(day=np.int32(5), type="death").day == 5
