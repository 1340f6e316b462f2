"""The longitudinal rules over a cohort's assessments, as status codes.

The segment-reduction kernels of :mod:`lupusscore.outcomes._segments` (the one
implementation the per-participant :func:`lupusscore.outcomes.status_at` and
:func:`lupusscore.outcomes.achieve_and_maintain` also call) over every
participant at once, with the engine's status codes and a short reason text
per participant for the ADRS table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore.models import Timepoint
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._segments import (
    Reason,
    SegmentOutcome,
    _achieve_window,
    _policy_code,
    _prepare,
    _window,
    achieve_and_maintain_kernel,
    status_at_kernel,
    status_at_timepoints,
)
from lupusscore.response._kernel import MET, NOT_EVALUABLE, NOT_MET

__all__ = [
    "Assessments",
    "Result",
    "achieve_and_maintain_codes",
    "status_at_codes",
    "status_at_every",
]

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Result:
    """Per participant: status, imputed, onset and decision day, reason.

    ``intercurrent`` marks a non-responder by an intercurrent event under the
    composite strategy (on or before the timepoint), whatever the assessments
    say.
    """

    status: npt.NDArray[np.int8]
    imputed: npt.NDArray[np.bool_]
    day: Ints
    end_day: Ints
    reason: npt.NDArray[np.object_]
    intercurrent: npt.NDArray[np.bool_] | None = None


#: The segment kernels' codes (1 met, 0 not met, -1 not evaluable).
_TO_SEGMENT: Final = np.array([0, -1, 1], dtype=np.int8)  # indexed by engine code
_FROM_SEGMENT: Final = {1: int(MET), 0: int(NOT_MET), -1: int(NOT_EVALUABLE)}


def _reasons(
    out: SegmentOutcome, tp: Timepoint, by_day: int | None
) -> npt.NDArray[np.object_]:
    window = f"{tp.label} (day {tp.day} +/- {tp.window_days})"
    text = {
        Reason.MISSING_IMPUTED: f"{window}: no evaluable visit in window; "
        "non-responder imputation",
        Reason.MISSING_NOT_EVALUABLE: f"{window}: no evaluable visit in window; "
        "not evaluable",
        Reason.NOT_REACHED_NOT_EVALUABLE: f"no evaluable visit by day {by_day}: "
        "not evaluable",
        Reason.NO_EVALUABLE: "no evaluable visit after day 0",
    }
    table = np.full(max(int(r) for r in Reason) + 1, None, dtype=object)
    for code, words in text.items():
        table[int(code)] = words
    reason = table[out.reason.astype(np.int64)]
    hidden = (out.cut_event >= 0) & ~out.on_treatment & (out.status == -1)
    if np.any(hidden):
        reason[hidden] = [
            f"{r} (assessments from an intercurrent event on treated as missing: "
            "hypothetical strategy)"
            for r in reason[hidden].tolist()
        ]
    return reason


def _result(out: SegmentOutcome, tp: Timepoint, by_day: int | None) -> Result:
    status = np.full(len(out.status), NOT_EVALUABLE, dtype=np.int8)
    for seg_code, code in _FROM_SEGMENT.items():
        status[out.status == seg_code] = code
    return Result(
        status=status,
        imputed=np.asarray(out.imputed, dtype=bool),
        day=np.asarray(out.day, dtype=np.int64),
        end_day=np.asarray(out.end_day, dtype=np.int64),
        reason=_reasons(out, tp, by_day),
        intercurrent=np.asarray(out.reason == Reason.INTERCURRENT, dtype=bool),
    )


@dataclass(frozen=True)
class Assessments:
    """The renal assessments of a cohort as the segment kernels read them.

    One row per assessment (``participant`` indexes the participants; the
    engine's status codes), the intercurrent events (every type counts) with
    each event's strategy (a code of
    :data:`lupusscore.outcomes._segments.STRATEGIES`; None: all composite),
    the missing-visit policy and whether unscheduled visits count.
    """

    participant: Ints
    day: Ints
    status: npt.NDArray[np.int8]
    unscheduled: npt.NDArray[np.bool_]
    n_participants: int
    event_participant: Ints
    event_day: Ints
    policy: MissingPolicy
    use_unscheduled: bool
    event_strategy: npt.NDArray[np.int8] | None = None
    #: The checked assessment rows of the segment kernels (``_prepare``),
    #: made once for every timepoint read from these assessments.
    _prepared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def prepared(self) -> Any:
        """Return the rows in use, events, cut and size the kernels read.

        What :func:`~lupusscore.outcomes._segments.status_at_segments`
        checks and prepares first, done once for these assessments (the
        same for each timepoint; a second thread at worst repeats it).
        """
        got = self._prepared.get("rows")
        if got is None:
            args = self.kernel_args()
            del args["policy"]
            got = self._prepared["rows"] = _prepare(**args, rank=None, event_rank=None)
        return got

    def kernel_args(self) -> dict[str, Any]:
        """Return the keyword arguments every segment kernel takes."""
        return {
            "seg": self.participant,
            "day": self.day,
            "status": _TO_SEGMENT[self.status],
            "unscheduled": self.unscheduled,
            "n_segments": self.n_participants,
            "event_seg": self.event_participant,
            "event_day": self.event_day,
            "policy": self.policy.value,
            "use_unscheduled": self.use_unscheduled,
            "event_strategy": self.event_strategy,
        }


def status_at_codes(a: Assessments, timepoint: Timepoint) -> Result:
    """Each participant's status at *timepoint* (every intercurrent event type).

    :func:`~lupusscore.outcomes._segments.status_at_segments` on *a*, its
    checked rows prepared once for all timepoints (:meth:`Assessments.prepared`).
    """
    target, first, last = _window(
        timepoint.day, timepoint.first_day, timepoint.last_day
    )
    used, events, cut, n = a.prepared()
    out = status_at_kernel(
        used,
        events,
        n,
        target=target,
        first_day=first,
        last_day=last,
        policy=_policy_code(a.policy.value),
        cut=cut,
    )
    return _result(out, timepoint, None)


def status_at_every(a: Assessments, timepoints: Sequence[Timepoint]) -> list[Result]:
    """:func:`status_at_codes` at each of *timepoints*, in one kernel pass.

    :func:`~lupusscore.outcomes._segments.status_at_timepoints` (the rule of
    ``status_at_kernel`` on every timepoint and participant at once); entry
    *k* equals ``status_at_codes(a, timepoints[k])``.
    """
    windows = [_window(tp.day, tp.first_day, tp.last_day) for tp in timepoints]
    used, events, cut, n = a.prepared()
    # as many timepoints per pass as keep its columns small (one at least)
    step = max(1, _SEGMENTS_AT_ONCE // max(n, 1))
    outs: list[SegmentOutcome] = []
    for first in range(0, len(windows), step):
        outs += status_at_timepoints(
            used,
            events,
            n,
            windows=windows[first : first + step],
            policy=_policy_code(a.policy.value),
            cut=cut,
        )
    return [_result(out, tp, None) for out, tp in zip(outs, timepoints, strict=True)]


#: Largest number of (timepoint, participant) pairs of one status_at pass.
_SEGMENTS_AT_ONCE: Final = 65_536


def achieve_and_maintain_codes(
    a: Assessments, *, by_day: int, through: Timepoint
) -> Result:
    """Each participant's achieve-and-maintain status (every event type).

    :func:`~lupusscore.outcomes._segments.achieve_and_maintain_segments` on
    *a*: its days checked the same way, the kernel on the checked rows
    prepared once (:meth:`Assessments.prepared`).
    """
    by, target, first, last = _achieve_window(
        by_day, through.day, through.first_day, through.last_day
    )
    used, events, cut, n = a.prepared()
    out = achieve_and_maintain_kernel(
        used,
        events,
        n,
        by_day=by,
        target=target,
        first_day=first,
        last_day=last,
        policy=_policy_code(a.policy.value),
        cut=cut,
    )
    return _result(out, through, by_day)
