"""Cohort summaries: per-participant outcomes aggregated by arm.

Denominators: a proportion counts participants whose outcome is met over those
whose outcome is met or not met. Participants whose outcome is not evaluable
(possible only under the ``observed_only`` and ``locf`` policies, or for
serology without a baseline) are left out of the denominator and counted in
``not_evaluable``, so a reader always sees how many were dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from lupusscore._checks import as_choice
from lupusscore.models import Participant, Trial
from lupusscore.outcomes._args import check_trial, checked
from lupusscore.outcomes._stats import (
    DEFAULT_CONFIDENCE,
    CiMethod,
    KaplanMeier,
    Proportion,
    SurvivalCi,
    kaplan_meier,
    proportion,
)
from lupusscore.outcomes._tte import TimeToEvent
from lupusscore.results import FrozenModel, Status

__all__ = [
    "ResponderCount",
    "by_arm",
    "kaplan_meier_of",
    "responder_proportion",
]


class ResponderCount(FrozenModel):
    """A responder proportion and how many were not evaluable.

    Attributes
    ----------
    proportion : Proportion
        Responders over evaluable participants, with its interval.
    not_evaluable : int
        Participants left out of the denominator.
    """

    proportion: Proportion
    not_evaluable: int


def responder_proportion(
    statuses: Iterable[Status | bool | None],
    *,
    method: CiMethod | str = CiMethod.WILSON,
    confidence: float = DEFAULT_CONFIDENCE,
) -> ResponderCount:
    """Proportion of met among evaluable statuses, with a 95% CI by default.

    Examples
    --------
    >>> r = responder_proportion(["met", "not_met", "met", "not_evaluable"])
    >>> r.proportion.successes, r.proportion.n, r.not_evaluable
    (2, 3, 1)
    """
    met = not_met = missing = 0
    for s in checked(statuses, object, "statuses"):
        status = (
            s
            if isinstance(s, Status)
            else (
                Status.of(s)
                if s is None or isinstance(s, bool)
                else cast(Status, as_choice("statuses", s, Status))
            )
        )
        if status is Status.MET:
            met += 1
        elif status is Status.NOT_MET:
            not_met += 1
        else:
            missing += 1
    return ResponderCount(
        proportion=proportion(met, met + not_met, method=method, confidence=confidence),
        not_evaluable=missing,
    )


def kaplan_meier_of(
    times: Iterable[TimeToEvent],
    *,
    confidence: float = DEFAULT_CONFIDENCE,
    ci: SurvivalCi | str = SurvivalCi.LOG_LOG,
) -> KaplanMeier:
    """Kaplan-Meier curve of per-participant times to event (in days).

    Examples
    --------
    >>> ts = [
    ...     TimeToEvent(outcome="death", day=100, event=True, reason="death"),
    ...     TimeToEvent(outcome="death", day=730, event=False, reason="end"),
    ... ]
    >>> kaplan_meier_of(ts).at(365).survival
    0.5
    """
    items = checked(times, TimeToEvent, "times")
    return kaplan_meier(
        [t.day for t in items],
        [t.event for t in items],
        confidence=confidence,
        ci=ci,
    )


def by_arm(trial: Trial) -> dict[str, Sequence[Participant]]:
    """Participants grouped by arm, arms in the trial's display order.

    Examples
    --------
    >>> from lupusscore import Patient
    >>> t = Trial(
    ...     name="t",
    ...     participants=[
    ...         Participant(
    ...             patient=Patient(id=i, sex="female", birth_date="1980-01-01"),
    ...             arm=a,
    ...             day0="2009-01-01",
    ...         )
    ...         for i, a in [("1", "B"), ("2", "A"), ("3", "B")]
    ...     ],
    ... )
    >>> {k: len(v) for k, v in by_arm(t).items()}
    {'A': 1, 'B': 2}
    """
    trial = check_trial(trial)
    groups: dict[str, list[Participant]] = {a: [] for a in trial.arm_names}
    for p in trial.participants:
        if p.arm is not None:
            groups.setdefault(p.arm, []).append(p)
    return dict(groups)
