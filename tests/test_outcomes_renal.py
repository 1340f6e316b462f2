"""Per-visit renal response statuses that feed the longitudinal rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import lupusscore as ls
from lupusscore.outcomes import renal_response_assessments, visit_egfr
from lupusscore.results import Status

DAY0 = dt.date(2009, 5, 1)
PATIENT = ls.Patient(id="P1", sex="female", birth_date="1980-01-01")


def _visit(
    days: int, *, upcr: float | None, creat: float | None = 0.8, **kw: Any
) -> ls.Visit:
    day = DAY0 + dt.timedelta(days=days)
    labs = []
    if upcr is not None:
        labs.append(ls.LabResult(analyte="upcr", value=upcr, unit="g/g", date=day))
    if creat is not None:
        labs.append(
            ls.LabResult(analyte="creatinine", value=creat, unit="mg/dL", date=day)
        )
    base: dict[str, Any] = {
        "participant_id": "P1",
        "date": day,
        "labs": labs,
        "glucocorticoid_mg_day": 5.0,
        "rescue_therapy": False,
    }
    base.update(kw)
    return ls.Visit(**base)


def _participant(*visits: ls.Visit) -> ls.Participant:
    return ls.Participant(patient=PATIENT, day0=DAY0, visits=list(visits))


def test_complete_partial_and_none_statuses() -> None:
    """Complete -> met; partial is met only with include_partial."""
    p = _participant(_visit(0, upcr=4.0), _visit(91, upcr=1.5), _visit(182, upcr=0.3))
    complete = renal_response_assessments(p, "kdigo-2024")
    assert [(a.day, a.status) for a in complete] == [
        (91, Status.NOT_MET),
        (182, Status.MET),
    ]
    overall = renal_response_assessments(p, "kdigo-2024", include_partial=True)
    assert [a.status for a in overall] == [Status.MET, Status.MET]


def test_no_baseline_visit_makes_every_visit_not_evaluable() -> None:
    """Without a visit on days -30..0 no response can be judged."""
    p = _participant(_visit(-90, upcr=4.0), _visit(91, upcr=0.3))
    (only,) = renal_response_assessments(p, "kdigo-2024")
    assert only.status is Status.NOT_EVALUABLE
    assert only.reason is not None
    assert "no baseline visit" in only.reason


def test_missing_upcr_is_not_evaluable_with_the_input_named() -> None:
    """A visit without UPCR is not evaluable, and says what is missing."""
    p = _participant(_visit(0, upcr=4.0), _visit(91, upcr=None))
    (only,) = renal_response_assessments(p, "kdigo-2024")
    assert only.status is Status.NOT_EVALUABLE
    assert only.reason is not None
    assert "upcr" in only.reason


def test_definition_without_complete_tier_is_an_error_for_complete_status() -> None:
    """ALMS has no complete tier: asking for complete response is an error."""
    p = _participant(_visit(0, upcr=4.0), _visit(91, upcr=1.0))
    with pytest.raises(ls.DefinitionError, match="complete-response tier"):
        renal_response_assessments(p, "alms")
    (only,) = renal_response_assessments(p, "alms", include_partial=True)
    assert only.status is Status.MET


def test_visit_egfr_needs_creatinine() -> None:
    """eGFR of a visit without creatinine is None, never 0."""
    p = _participant(_visit(0, upcr=4.0))
    assert visit_egfr(p, _visit(0, upcr=1.0, creat=None)) is None
    value = visit_egfr(p, _visit(0, upcr=1.0, creat=0.8))
    assert value is not None
    assert value > 0
