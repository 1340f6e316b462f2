"""Per-visit renal response statuses for the longitudinal rules.

For each post-baseline visit the chosen definition is applied with
:func:`lupusscore.response.evaluate_renal_response`: the visit's UPCR, eGFR
(CKD-EPI 2021) and creatinine against the **baseline visit** (the latest visit
on study days ``-baseline_window_days`` to 0), with the glucocorticoid doses and
rescue flags of the visits up to it (later visits are never looked at). The
result is an :class:`~lupusscore.outcomes.Assessment`: *met* when the
category is complete response (or, with ``include_partial=True``, complete or
partial), *not met* otherwise, *not evaluable* with the missing inputs named.
The complete-response status is the definition's complete tier itself, so a
visit whose complete criteria cannot be evaluated is not evaluable even when a
partial response is met. No baseline visit: every visit is not evaluable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from lupusscore.analytes import Analyte
from lupusscore.errors import DefinitionError
from lupusscore.kidney import EgfrResult, egfr
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, Participant, Visit
from lupusscore.outcomes._args import check_participant, check_switch
from lupusscore.outcomes._longitudinal import Assessment
from lupusscore.outcomes._trial import (
    baseline_observation,
    check_own_visit,
    visit_day,
)
from lupusscore.response import RenalResponseDefinition, evaluate_renal_response
from lupusscore.results import Status

__all__ = ["renal_response_assessments", "visit_egfr", "visit_egfrs"]


def visit_egfr(participant: Participant, visit: Visit) -> float | None:
    """CKD-EPI 2021 eGFR (mL/min/1.73 m²) at *visit*, or None if not evaluable.

    Raises
    ------
    InvalidValueError
        The visit belongs to another participant.
    """
    check_own_visit(participant, visit)
    if visit.latest(Analyte.CREATININE) is None:
        return None
    result = egfr(participant.patient, visit)
    return result.value if result.evaluable else None


def visit_egfrs(participant: Participant) -> dict[dt.date, EgfrResult]:
    """CKD-EPI 2021 eGFR of every visit of *participant*, by visit date.

    Each visit's eGFR is computed once; pass the result to
    :func:`renal_response_assessments` (and read values from it) instead of
    computing it again per assessment.
    """
    participant = check_participant(participant)
    return {v.date: egfr(participant.patient, v) for v in participant.visits}


def renal_response_assessments(
    participant: Participant,
    definition: str | RenalResponseDefinition,
    *,
    include_partial: bool = False,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
    egfr_results: Mapping[dt.date, EgfrResult] | None = None,
) -> tuple[Assessment, ...]:
    """Renal response status at every post-baseline visit of *participant*.

    Parameters
    ----------
    participant : Participant
        With ``day0`` set.
    definition : str or RenalResponseDefinition
        A renal response definition id (``"kdigo-2024"`` ...) or definition.
    include_partial : bool
        Count partial response as met (overall response) instead of complete
        response only.
    baseline_window_days : int
        Baseline look-back (see :func:`lupusscore.outcomes.baseline_observation`).
    egfr_results : mapping of datetime.date to EgfrResult, optional
        The participant's eGFRs already computed (:func:`visit_egfrs`).

    Returns
    -------
    tuple of Assessment
        One per visit after day 0, in date order.
    """
    include_partial = check_switch("include_partial", include_partial)
    found = baseline_observation(participant, window_days=baseline_window_days)
    base = None if found is None else found.visit
    out: list[Assessment] = []
    for i, visit in enumerate(participant.visits):
        day = visit_day(participant, visit)
        if day <= 0:
            continue
        if base is None:
            out.append(
                Assessment(
                    day=day,
                    status=Status.NOT_EVALUABLE,
                    unscheduled=visit.unscheduled,
                    label=visit.label,
                    reason=f"no baseline visit on study days -{baseline_window_days}"
                    " to 0",
                )
            )
            continue
        result = evaluate_renal_response(
            definition,
            participant.patient,
            participant.visits[: i + 1],
            assessment_date=visit.date,
            baseline_date=base.date,
            egfr_results=egfr_results,
        )
        if include_partial:
            status = Status.of(result.responder)
        else:
            tier = result.complete
            if tier is None:
                name = result.definition_id
                msg = f"definition {name!r} has no complete-response tier"
                raise DefinitionError(msg, definition=name)
            status = tier.status
        reason = None
        if status is Status.NOT_EVALUABLE:
            reason = (
                "missing " + ", ".join(result.missing_inputs)
                if result.missing_inputs
                else result.reason
            )
        out.append(
            Assessment(
                day=day,
                status=status,
                unscheduled=visit.unscheduled,
                label=visit.label,
                reason=reason,
            )
        )
    return tuple(out)
