"""The longitudinal rules over a cohort's assessments, as status codes.

Interim: each participant's assessments go through the per-participant rule
(:func:`lupusscore.outcomes.achieve_and_maintain`, :func:`status_at`); the
segment-reduction kernel replaces this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from lupusscore.models import EventType, Timepoint
from lupusscore.outcomes._longitudinal import (
    Assessment,
    DatedEvent,
    LongitudinalResult,
    MissingPolicy,
    achieve_and_maintain,
    status_at,
)
from lupusscore.response._kernel import MET, NOT_EVALUABLE, NOT_MET
from lupusscore.results import Status

__all__ = ["achieve_and_maintain_codes", "status_at_codes"]

_CODE = {Status.MET: MET, Status.NOT_MET: NOT_MET, Status.NOT_EVALUABLE: NOT_EVALUABLE}
_STATUS = {int(v): k for k, v in _CODE.items()}


@dataclass(frozen=True)
class Result:
    """Per participant: status code, imputed, onset and decision day, reason."""

    status: npt.NDArray[np.int8]
    imputed: npt.NDArray[np.bool_]
    day: npt.NDArray[np.int64]
    end_day: npt.NDArray[np.int64]
    reason: npt.NDArray[np.object_]


def _split(  # noqa: PLR0917 - the columns, by name
    participant: npt.NDArray[np.int64],
    day: npt.NDArray[np.int64],
    status: npt.NDArray[np.int8],
    unscheduled: npt.NDArray[np.bool_],
    n_participants: int,
    event_participant: npt.NDArray[np.int64],
    event_day: npt.NDArray[np.int64],
    event_type: npt.NDArray[np.object_] | None = None,
) -> list[tuple[list[Assessment], list[DatedEvent]]]:
    out: list[tuple[list[Assessment], list[DatedEvent]]] = [
        ([], []) for _ in range(n_participants)
    ]
    for p, d, s, u in zip(
        participant.tolist(),
        day.tolist(),
        status.tolist(),
        unscheduled.tolist(),
        strict=True,
    ):
        out[p][0].append(Assessment(day=d, status=_STATUS[s], unscheduled=u))
    types = (
        event_type.tolist()
        if event_type is not None
        else [EventType.DEATH.value] * len(event_day)
    )
    for p, d, t in zip(
        event_participant.tolist(), event_day.tolist(), types, strict=True
    ):
        out[p][1].append(DatedEvent(day=d, type=t))
    return out


def _codes(results: list[LongitudinalResult]) -> Result:
    reason = np.empty(len(results), dtype=object)
    reason[:] = ["; ".join(r.explanation) for r in results]
    return Result(
        status=np.array([_CODE[r.status] for r in results], dtype=np.int8),
        imputed=np.array([r.imputed for r in results], dtype=bool),
        day=np.array([-1 if r.day is None else r.day for r in results], dtype=np.int64),
        end_day=np.array(
            [-1 if r.end_day is None else r.end_day for r in results], dtype=np.int64
        ),
        reason=reason,
    )


def achieve_and_maintain_codes(
    *,
    by_day: int,
    through: Timepoint,
    policy: MissingPolicy,
    use_unscheduled: bool,
    **columns: Any,
) -> Result:
    """Status and imputed flag of each participant (see achieve_and_maintain)."""
    return _codes(
        [
            achieve_and_maintain(
                a,
                by_day=by_day,
                through=through,
                events=e,
                policy=policy,
                use_unscheduled=use_unscheduled,
            )
            for a, e in _split(**columns)
        ]
    )


def status_at_codes(
    *,
    timepoint: Timepoint,
    policy: MissingPolicy,
    use_unscheduled: bool,
    **columns: Any,
) -> Result:
    """Status and imputed flag of each participant at *timepoint* (see status_at)."""
    return _codes(
        [
            status_at(
                a, timepoint, events=e, policy=policy, use_unscheduled=use_unscheduled
            )
            for a, e in _split(**columns)
        ]
    )
