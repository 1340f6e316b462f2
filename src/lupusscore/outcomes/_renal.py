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

from lupusscore.analytes import Analyte
from lupusscore.errors import DefinitionError
from lupusscore.kidney import egfr
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, Participant, Visit
from lupusscore.outcomes._longitudinal import Assessment
from lupusscore.outcomes._trial import _own_visit, baseline_visit, visit_day
from lupusscore.response import evaluate_renal_response
from lupusscore.results import Status

__all__ = ["renal_response_assessments", "visit_egfr"]


def visit_egfr(participant: Participant, visit: Visit) -> float | None:
    """CKD-EPI 2021 eGFR (mL/min/1.73 m²) at *visit*, or None if not evaluable.

    Raises
    ------
    InvalidValueError
        The visit belongs to another participant.
    """
    _own_visit(participant, visit)
    if visit.latest(Analyte.CREATININE) is None:
        return None
    result = egfr(participant.patient, visit)
    return result.value if result.evaluable else None


def renal_response_assessments(
    participant: Participant,
    definition: str,
    *,
    include_partial: bool = False,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> tuple[Assessment, ...]:
    """Renal response status at every post-baseline visit of *participant*.

    Parameters
    ----------
    participant : Participant
        With ``day0`` set.
    definition : str
        A renal response definition id (``"kdigo-2024"`` ...).
    include_partial : bool
        Count partial response as met (overall response) instead of complete
        response only.
    baseline_window_days : int
        Baseline look-back (see :func:`lupusscore.outcomes.baseline_lab`).

    Returns
    -------
    tuple of Assessment
        One per visit after day 0, in date order.
    """
    base = baseline_visit(participant, window_days=baseline_window_days)
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
        )
        if include_partial:
            status = Status.of(result.responder)
        else:
            tier = result.complete
            if tier is None:
                msg = f"definition {definition!r} has no complete-response tier"
                raise DefinitionError(msg, definition=definition)
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
