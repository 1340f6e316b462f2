"""Vignettes for every longitudinal rule, windows and time to event."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.errors import InvalidValueError
from lupusscore.models import Timepoint
from lupusscore.outcomes import (
    Assessment,
    DatedEvent,
    MissingPolicy,
    achieve_and_maintain,
    confirmed_response,
    first_response,
    responder_proportion,
    select_nearest,
    status_at,
    time_to_first,
)
from lupusscore.results import Status

M6 = Timepoint(label="month 6", day=182, window_days=14)
M12 = Timepoint(label="month 12", day=365, window_days=30)
M24 = Timepoint(label="month 24", day=730, window_days=30)
MET, NOT, NE = Status.MET, Status.NOT_MET, Status.NOT_EVALUABLE


def a(day: int, status: Status, **kw: object) -> Assessment:
    return Assessment(day=day, status=status, **kw)


# --- visit windows ------------------------------------------------------------


def test_window_tie_goes_to_earlier_visit() -> None:
    """Two visits equally far from the target: the earlier one is used."""
    visits = [a(175, NOT), a(189, MET)]
    r = status_at(visits, M6)
    assert (r.status, r.end_day) == (NOT, 175)


def test_window_edges_are_inclusive() -> None:
    """Visits exactly on the window edges belong to the timepoint."""
    assert select_nearest([168], M6, day=lambda d: d) == 168
    assert select_nearest([196], M6, day=lambda d: d) == 196
    assert select_nearest([167, 197], M6, day=lambda d: d) is None


def test_unscheduled_visit_used_only_on_request() -> None:
    """An unscheduled visit is ignored unless use_unscheduled=True."""
    visits = [a(182, MET, unscheduled=True), a(195, NOT)]
    assert status_at(visits, M6).status is NOT
    assert status_at(visits, M6, use_unscheduled=True).status is MET


def test_not_evaluable_nearest_visit_gives_way_to_evaluable() -> None:
    """The nearest evaluable visit in the window stands for the timepoint."""
    visits = [a(182, NE, reason="no UPCR"), a(190, MET)]
    assert status_at(visits, M6).end_day == 190


# --- missing visits and policies ---------------------------------------------


def test_missing_timepoint_is_non_responder_by_default() -> None:
    """No visit in the window: non-responder imputation (imputed flag set)."""
    r = status_at([a(91, MET)], M6)
    assert r.status is NOT
    assert r.imputed
    assert "no visit in window" in r.explanation[0]


def test_missing_timepoint_observed_only_is_not_evaluable() -> None:
    """observed_only leaves a participant without a visit out of the denominator."""
    assert status_at([a(91, MET)], M6, policy="observed_only").status is NE


def test_missing_timepoint_locf_carries_last_post_baseline_status() -> None:
    """locf carries the last evaluable post-baseline status forward."""
    r = status_at([a(0, NOT), a(91, MET)], M6, policy=MissingPolicy.LOCF)
    assert (r.status, r.imputed, r.end_day) == (MET, True, 91)
    only_baseline = status_at([a(0, MET)], M6, policy="locf")
    assert only_baseline.status is NE


def test_window_with_only_unevaluable_visits_names_them() -> None:
    """An unevaluable visit in the window is reported with its reason."""
    r = status_at([a(180, NE, reason="UPCR missing")], M6)
    assert r.status is NOT
    assert "UPCR missing" in r.explanation[0]


# --- intercurrent events ------------------------------------------------------


@pytest.mark.parametrize("kind", ["death", "withdrawal", "rescue_therapy"])
def test_event_before_timepoint_makes_non_responder(kind: str) -> None:
    """Death, withdrawal or rescue before the timepoint: non-responder."""
    visits = [a(91, MET), a(182, MET)]
    r = status_at(visits, M6, events=[DatedEvent(day=120, type=kind)])
    assert r.status is NOT
    assert kind in r.explanation[0]


def test_event_after_timepoint_is_ignored() -> None:
    """An event after the timepoint's visit does not change its status."""
    r = status_at([a(182, MET)], M6, events=[DatedEvent(day=300, type="death")])
    assert r.status is MET


def test_event_between_target_and_late_visit_counts() -> None:
    """An event after the target day but before the (late) visit used counts."""
    events = [DatedEvent(day=185, type="rescue_therapy")]
    assert status_at([a(190, MET)], M6, events=events).status is NOT


def test_events_can_be_ignored_treatment_policy() -> None:
    """intercurrent=frozenset() ignores events (treatment-policy strategy)."""
    events = [DatedEvent(day=100, type="rescue_therapy")]
    r = status_at([a(182, MET)], M6, events=events, intercurrent=frozenset())
    assert r.status is MET


# --- achieve and maintain -----------------------------------------------------

COURSE = [a(91, NOT), a(182, MET), a(365, MET), a(548, MET), a(730, MET)]


def test_achieve_and_maintain_met() -> None:
    """Reached at month 6 and met at every visit through month 24."""
    r = achieve_and_maintain(COURSE, by_day=365, through=M24)
    assert (r.status, r.day, r.end_day) == (MET, 182, 730)


def test_achieve_too_late() -> None:
    """First response after the by_day deadline: non-responder."""
    late = [a(182, NOT), a(365, NOT), a(548, MET), a(730, MET)]
    r = achieve_and_maintain(late, by_day=365, through=M24)
    assert r.status is NOT
    assert "not reached by day 365" in r.explanation[-1]


def test_response_regained_before_day_x_counts() -> None:
    """Met, lost, met again by day X and held through Y: achieved and maintained."""
    course = [
        a(91, MET),
        a(182, NOT),
        a(274, MET),
        a(365, MET),
        a(548, MET),
        a(730, MET),
    ]
    r = achieve_and_maintain(course, by_day=365, through=M24)
    assert (r.status, r.day) == (MET, 274)
    assert any("reached again on day 274" in step for step in r.explanation)


def test_response_regained_after_day_x_does_not_count() -> None:
    """Lost before X and regained only after X: not achieved-and-maintained."""
    course = [a(182, MET), a(365, NOT), a(548, MET), a(730, MET)]
    r = achieve_and_maintain(course, by_day=365, through=M24)
    assert r.status is NOT


def test_response_lost_in_between() -> None:
    """A not-met visit between onset and the end breaks maintenance."""
    lost = [*COURSE[:3], a(548, NOT), COURSE[4]]
    r = achieve_and_maintain(lost, by_day=365, through=M24)
    assert r.status is NOT
    assert any("lost on day 548" in step for step in r.explanation)


def test_missing_intermediate_visit_is_not_an_assessment() -> None:
    """A skipped intermediate visit is not imputed: only assessed visits count."""
    skipped = [a(91, NOT), a(182, MET), a(365, MET), a(730, MET)]
    assert achieve_and_maintain(skipped, by_day=365, through=M24).status is MET


def test_unevaluable_intermediate_visit_depends_on_policy() -> None:
    """An unevaluable visit in between: non-response by default, else passed over."""
    course = [a(182, MET), a(365, NE, reason="no UPCR"), a(548, MET), a(730, MET)]
    assert achieve_and_maintain(course, by_day=365, through=M24).status is NOT
    for policy in ("observed_only", "locf"):
        r = achieve_and_maintain(course, by_day=365, through=M24, policy=policy)
        assert r.status is MET


def test_missing_end_visit_policies() -> None:
    """No month-24 visit: non-responder, not evaluable, or LOCF from month 18."""
    course = COURSE[:4]
    assert achieve_and_maintain(course, by_day=365, through=M24).status is NOT
    obs = achieve_and_maintain(course, by_day=365, through=M24, policy="observed_only")
    assert obs.status is NE
    locf = achieve_and_maintain(course, by_day=365, through=M24, policy="locf")
    assert (locf.status, locf.imputed, locf.end_day) == (MET, True, 548)


def test_death_before_end_makes_non_responder() -> None:
    """Death before month 24 after a maintained response: non-responder."""
    events = [DatedEvent(day=600, type="death")]
    r = achieve_and_maintain(COURSE[:4], by_day=365, through=M24, events=events)
    assert r.status is NOT
    assert "death on day 600" in r.explanation[0]


def test_nothing_evaluable_by_deadline() -> None:
    """Nothing evaluable by day X: non-responder by default, else not evaluable."""
    course = [a(182, NE), a(730, MET)]
    assert achieve_and_maintain(course, by_day=365, through=M24).status is NOT
    r = achieve_and_maintain(course, by_day=365, through=M24, policy="observed_only")
    assert r.status is NE


def test_achieve_and_maintain_rejects_bad_days() -> None:
    """by_day after the end timepoint is a library error."""
    with pytest.raises(InvalidValueError, match="by_day"):
        achieve_and_maintain(COURSE, by_day=800, through=M24)


def test_baseline_response_does_not_count() -> None:
    """A met status on day 0 or before is baseline, not response."""
    r = achieve_and_maintain([a(0, MET), a(730, MET)], by_day=365, through=M24)
    assert r.status is NOT


# --- first and confirmed response ---------------------------------------------


def test_first_response_day() -> None:
    """First response is the first met visit after day 0."""
    assert first_response(COURSE).day == 182


def test_first_response_after_event_does_not_count() -> None:
    """A response on or after rescue therapy does not count."""
    events = [DatedEvent(day=182, type="rescue_therapy")]
    assert first_response(COURSE, events=events).status is NOT


def test_first_response_nothing_evaluable() -> None:
    """No evaluable visit at all: not evaluable (never a silent non-response)."""
    assert first_response([a(91, NE)]).status is NE


def test_confirmed_response_two_visits_apart() -> None:
    """Onset confirmed by the next visit at least N days later."""
    r = confirmed_response([a(91, MET), a(100, MET), a(182, MET)], min_days_apart=28)
    assert (r.status, r.day, r.end_day) == (MET, 91, 182)


def test_confirmation_broken_by_non_response() -> None:
    """A not-met visit between onset and confirmation restarts the search."""
    course = [a(91, MET), a(100, NOT), a(182, MET), a(273, MET)]
    r = confirmed_response(course, min_days_apart=28)
    assert (r.day, r.end_day) == (182, 273)


def test_unconfirmed_last_response() -> None:
    """A response at the last visit cannot be confirmed."""
    r = confirmed_response([a(91, NOT), a(182, MET)], min_days_apart=28)
    assert r.status is NOT
    assert "no later visit" in r.explanation[0]


def test_confirmation_and_unevaluable_visit() -> None:
    """An unevaluable visit in between breaks confirmation only under NRI."""
    course = [a(91, MET), a(120, NE), a(182, MET)]
    assert confirmed_response(course, min_days_apart=28).status is NOT
    obs = confirmed_response(course, min_days_apart=28, policy="observed_only")
    assert obs.status is MET


def test_confirmation_not_after_intercurrent_event() -> None:
    """Visits on or after an intercurrent event cannot confirm."""
    events = [DatedEvent(day=150, type="withdrawal")]
    course = [a(91, MET), a(182, MET)]
    assert confirmed_response(course, min_days_apart=28, events=events).status is NOT


# --- time to event -------------------------------------------------------------


def test_time_to_first_censoring_rules() -> None:
    """Event, censoring by death, end of follow-up and cut-off."""
    course = [a(91, NOT), a(182, NOT), a(365, MET)]
    assert time_to_first("r", assessments=course).day == 365
    death = [DatedEvent(day=200, type="death")]
    t = time_to_first("r", assessments=course, events=death)
    assert (t.day, t.event, t.reason) == (200, False, "censored: death")
    t = time_to_first("r", assessments=course[:2])
    assert (t.day, t.event) == (182, False)
    t = time_to_first("r", assessments=course, end_day=300)
    assert (t.day, t.event) == (300, False)


# --- properties ---------------------------------------------------------------

statuses = st.sampled_from([MET, NOT, NE])
courses = st.lists(
    st.tuples(st.integers(1, 800), statuses),
    min_size=0,
    max_size=8,
    unique_by=lambda t: t[0],
)


@given(courses, st.randoms(use_true_random=False))
def test_reordering_assessments_changes_nothing(
    course: list[tuple[int, Status]], rnd: object
) -> None:
    """The rules give the same answer for any order of the input."""
    items = [a(d, s) for d, s in course]
    shuffled = list(items)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    for policy in MissingPolicy:
        assert achieve_and_maintain(
            items, by_day=365, through=M24, policy=policy
        ) == achieve_and_maintain(shuffled, by_day=365, through=M24, policy=policy)
        assert confirmed_response(
            items, min_days_apart=28, policy=policy
        ) == confirmed_response(shuffled, min_days_apart=28, policy=policy)
    assert first_response(items) == first_response(shuffled)


@given(st.lists(statuses, max_size=60))
def test_adding_a_non_responder_never_raises_proportion(base: list[Status]) -> None:
    """One more non-responder never raises the responder proportion."""
    before = responder_proportion(base).proportion
    after = responder_proportion([*base, NOT]).proportion
    assert after.estimate is not None
    assert before.estimate is None or after.estimate <= before.estimate
    assert after.high is not None
    assert before.high is None or after.high <= before.high + 1e-12


def test_events_on_or_before_day_0_are_not_intercurrent() -> None:
    """A rescue flag on the baseline visit (day 0 or earlier) is history."""
    from lupusscore.models import EventType
    from lupusscore.outcomes import DatedEvent

    before = [
        DatedEvent(day=0, type=EventType.RESCUE_THERAPY),
        DatedEvent(day=-5, type=EventType.RESCUE_THERAPY),
    ]
    r = achieve_and_maintain(COURSE, by_day=365, through=M24, events=before)
    assert r.status is MET
    after = [DatedEvent(day=10, type=EventType.RESCUE_THERAPY)]
    r = achieve_and_maintain(COURSE, by_day=365, through=M24, events=after)
    assert r.status is NOT
