"""Order and identity: results never depend on input order or on status names.

Issue 10, item 4 for response and outcomes:

- two assessments on one study day with different statuses are a conflict: the
  day is not evaluable with that reason (``status_at`` used to turn met + not
  met into met, because "met" sorts before "not_met");
- two different visits on one date are a ``DuplicateResultError`` in
  ``evaluate_renal_response`` (the first in input order used to win);
  identical duplicates count once;
- a visit of another participant is an error in every model-level function;
- shuffling visits, assessments or events never changes a result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore import (
    DuplicateResultError,
    InvalidValueError,
    LabResult,
    Participant,
    Patient,
    Status,
    Visit,
    evaluate_renal_response,
)
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    Timepoint,
    achieve_and_maintain,
    confirmed_response,
    first_response,
    status_at,
    time_to_first,
    visit_day,
    visit_egfr,
)

TP = Timepoint(label="month 6", day=182, window_days=14)

RULES: dict[str, Callable[[list[Assessment], list[DatedEvent]], object]] = {
    "status_at": lambda a, e: status_at(a, TP, events=e),
    "status_at observed_only": lambda a, e: status_at(
        a, TP, events=e, policy="observed_only"
    ),
    "status_at locf": lambda a, e: status_at(a, TP, events=e, policy="locf"),
    "achieve_and_maintain": lambda a, e: achieve_and_maintain(
        a, by_day=120, through=TP, events=e
    ),
    "achieve_and_maintain observed_only": lambda a, e: achieve_and_maintain(
        a, by_day=120, through=TP, events=e, policy="observed_only"
    ),
    "first_response": lambda a, e: first_response(a, events=e),
    "confirmed_response": lambda a, e: confirmed_response(
        a, min_days_apart=28, events=e
    ),
    "confirmed_response locf": lambda a, e: confirmed_response(
        a, min_days_apart=28, events=e, policy="locf"
    ),
    "time_to_first": lambda a, e: time_to_first(
        "x", assessments=a, events=e, use_unscheduled=True
    ),
}


@pytest.mark.parametrize("order", [1, -1], ids=["met first", "not met first"])
def test_met_and_not_met_on_one_day_is_not_met_resolved_by_name(order: int) -> None:
    """Met + not met at the timepoint visit: not evaluable, never met."""
    day = [Assessment(day=182, status="met"), Assessment(day=182, status="not_met")]
    got = status_at(day[::order], TP, policy="observed_only")
    assert got.status is Status.NOT_EVALUABLE
    assert "conflicting assessments on day 182: met, not_met" in got.explanation[0]
    imputed = status_at(day[::order], TP)
    assert imputed.status is Status.NOT_MET
    assert imputed.imputed


def test_conflict_does_not_count_as_a_first_response() -> None:
    """``first_response`` no longer takes the met half of a conflicting day."""
    visits = [Assessment(day=91, status="not_met"), Assessment(day=91, status="met")]
    assert first_response(visits).status is Status.NOT_EVALUABLE


def test_conflict_breaks_achieve_and_maintain_under_non_responder() -> None:
    """A conflicting day between onset and the end visit is not a held response."""
    visits = [
        Assessment(day=91, status="met"),
        Assessment(day=150, status="met"),
        Assessment(day=150, status="not_met"),
        Assessment(day=182, status="met"),
    ]
    got = achieve_and_maintain(visits, by_day=91, through=TP)
    assert got.status is Status.NOT_MET


def test_identical_duplicates_count_once() -> None:
    """The same status twice on one day is the same as once."""
    once = [Assessment(day=91, status="met"), Assessment(day=182, status="met")]
    twice = [*once, Assessment(day=182, status="met")]
    for rule in RULES.values():
        assert rule(twice, []) == rule(once, [])


_assessments = st.lists(
    st.builds(
        Assessment,
        day=st.sampled_from([-7, 0, 30, 91, 120, 150, 175, 182, 190, 196, 300]),
        status=st.sampled_from(list(Status)),
        unscheduled=st.booleans(),
        label=st.sampled_from([None, "a", "b"]),
        reason=st.sampled_from([None, "missing upcr_g_g", "no visit"]),
    ),
    max_size=8,
)
_events = st.lists(
    st.builds(
        DatedEvent,
        day=st.integers(min_value=-5, max_value=320),
        type=st.sampled_from(
            ["death", "withdrawal", "rescue_therapy", "dialysis", "transplant"]
        ),
    ),
    max_size=3,
)


@given(data=st.data(), assessments=_assessments, events=_events)
def test_rules_do_not_depend_on_order(
    data: st.DataObject, assessments: list[Assessment], events: list[DatedEvent]
) -> None:
    """Every rule gives the same result for any order of assessments and events."""
    shuffled = data.draw(st.permutations(assessments))
    shuffled_events = data.draw(st.permutations(events))
    for rule in RULES.values():
        assert rule(list(shuffled), list(shuffled_events)) == rule(assessments, events)


# --- model level: visits ---------------------------------------------------------


PATIENT = Patient(id="P01", sex="female", birth_date="1985-03-02")


def _visit(
    day: str, upcr_mg_mmol: float, creat_umol_l: float = 80.0, pid: str = "P01"
) -> Visit:
    return Visit(
        participant_id=pid,
        date=day,
        labs=[
            LabResult(analyte="upcr", value=upcr_mg_mmol, unit="mg/mmol", date=day),
            LabResult(
                analyte="creatinine", value=creat_umol_l, unit="µmol/L", date=day
            ),
        ],
        glucocorticoid_mg_day=5.0,
        rescue_therapy=False,
    )


def _evaluate(visits: list[Visit], **kw: Any) -> object:
    return evaluate_renal_response(
        "kdigo-2024", PATIENT, visits, assessment_date="2021-01-04", **kw
    )


@pytest.mark.parametrize("order", [1, -1], ids=["complete first", "none first"])
def test_two_different_visits_on_one_date_are_a_duplicate_error(order: int) -> None:
    """Conflicting visits on the assessment date: error, not the first one given."""
    base = _visit("2020-01-06", 350)
    same_day = [_visit("2021-01-04", 30), _visit("2021-01-04", 400)]
    with pytest.raises(DuplicateResultError, match="2021-01-04") as info:
        _evaluate([base, *same_day[::order]])
    assert info.value.participant == "P01"


def test_conflicting_reference_visits_are_a_duplicate_error() -> None:
    """The reference (baseline) visit is checked too."""
    visits = [
        _visit("2020-01-06", 350),
        _visit("2020-01-06", 35),
        _visit("2021-01-04", 30),
    ]
    with pytest.raises(DuplicateResultError):
        _evaluate(visits, baseline_date="2020-01-06")


def test_identical_duplicate_visits_count_once() -> None:
    """An exact duplicate visit gives the same result as one visit."""
    visits = [_visit("2020-01-06", 350), _visit("2021-01-04", 30)]
    assert _evaluate([*visits, visits[1]]) == _evaluate(visits)


@given(st.permutations(range(4)))
def test_visit_order_never_changes_the_response(order: list[int]) -> None:
    """Any order of the same visits gives the same explained result."""
    visits = [
        _visit("2020-01-06", 350),
        _visit("2020-04-06", 200),
        _visit("2020-08-03", 90),
        _visit("2021-01-04", 30),
    ]
    assert _evaluate([visits[i] for i in order]) == _evaluate(visits)


def test_foreign_visit_is_named_by_index() -> None:
    """A visit of another participant is an error naming where it is."""
    visits = [
        _visit("2020-01-06", 350),
        _visit("2020-06-01", 100, pid="P02"),
        _visit("2021-01-04", 30),
    ]
    with pytest.raises(InvalidValueError) as info:
        _evaluate(visits)
    assert info.value.index == 1
    assert info.value.value == "P02"


@pytest.mark.parametrize(
    ("patient", "visits"),
    [
        ({"id": "P01"}, [_visit("2020-01-06", 350)]),
        (PATIENT, [{"participant_id": "P01", "date": "2020-01-06"}]),
        (PATIENT, "visits"),
        (PATIENT, None),
    ],
    ids=["patient dict", "visit dict", "str", "None"],
)
def test_wrong_object_types_are_library_errors(patient: Any, visits: Any) -> None:
    """A dict where a Patient or Visit is meant raised AttributeError."""
    with pytest.raises(InvalidValueError):
        evaluate_renal_response(
            "kdigo-2024", patient, visits, assessment_date="2020-01-06"
        )


def _participant() -> Participant:
    return Participant(
        patient=PATIENT,
        day0="2020-01-06",
        visits=[_visit("2020-01-06", 350), _visit("2021-01-04", 30)],
    )


@pytest.mark.parametrize("fn", [visit_day, visit_egfr], ids=["visit_day", "visit_egfr"])
def test_outcome_helpers_reject_a_visit_of_another_participant(
    fn: Callable[[Participant, Visit], object],
) -> None:
    """``visit_day(p, other)`` returned a study day for someone else's visit."""
    other = _visit("2020-04-06", 200, pid="P02")
    with pytest.raises(InvalidValueError, match="P01") as info:
        fn(_participant(), other)
    assert info.value.participant == "P01"
    assert isinstance(fn(_participant(), _participant().visits[1]), int | float)


def test_outcome_helpers_reject_wrong_object_types() -> None:
    """A dict where a Visit is meant is a library error, not AttributeError."""
    with pytest.raises(InvalidValueError, match="visit"):
        visit_day(_participant(), {"date": dt.date(2020, 1, 6)})  # type: ignore[arg-type]
