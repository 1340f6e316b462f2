"""Explained, tri-state results shared by every score and definition.

A criterion is *met*, *not met* or *not evaluable* (input missing): missing data
never turns into "not met" silently. :class:`Criterion` records the observed
value, the threshold, the comparator and why it could not be evaluated;
:func:`all_of` and :func:`any_of` combine criteria with three-valued (Kleene)
logic, so a conjunction with one definite failure is not met even if another
part is missing, and one with only missing parts is not evaluable.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

__all__ = ["Comparator", "Criterion", "Status", "all_of", "any_of"]


class Status(StrEnum):
    """Outcome of one criterion."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_EVALUABLE = "not_evaluable"

    @classmethod
    def of(cls, value: bool | None) -> Status:  # noqa: FBT001 - a tri-state value
        """Map True / False / None to MET / NOT_MET / NOT_EVALUABLE."""
        if value is None:
            return cls.NOT_EVALUABLE
        return cls.MET if value else cls.NOT_MET


class Comparator(StrEnum):
    """How an observed value is compared with a threshold; ``<`` vs ``<=`` is data."""

    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    def apply(
        self, observed: npt.ArrayLike, threshold: npt.ArrayLike
    ) -> npt.NDArray[np.bool_]:
        """Compare element-wise (numpy broadcasting).

        Examples
        --------
        >>> Comparator.LE.apply([0.4, 0.5, 0.6], 0.5).tolist()
        [True, True, False]
        """
        obs = np.asarray(observed, dtype=np.float64)
        thr = np.asarray(threshold, dtype=np.float64)
        if self is Comparator.LT:
            return np.less(obs, thr)
        if self is Comparator.LE:
            return np.less_equal(obs, thr)
        if self is Comparator.GT:
            return np.greater(obs, thr)
        return np.greater_equal(obs, thr)


class Criterion(BaseModel):
    """One explained criterion: what was observed, against what, with what result.

    Attributes
    ----------
    name : str
        Criterion id, e.g. ``"upcr_below"``.
    status : Status
        Met, not met or not evaluable.
    observed : float, optional
        The observed value, in *unit*.
    threshold : float, optional
        The threshold it was compared with, in *unit*.
    comparator : Comparator, optional
        How *observed* was compared with *threshold*.
    unit : str, optional
        Unit of *observed* and *threshold*.
    reason : str, optional
        Why it is not evaluable, or a note on how it was decided.
    source : str, optional
        Where the criterion comes from.

    Examples
    --------
    >>> c = Criterion(
    ...     name="upcr",
    ...     status="met",
    ...     observed=0.3,
    ...     threshold=0.5,
    ...     comparator="<",
    ...     unit="g/g",
    ... )
    >>> c.met
    True
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    status: Status
    observed: float | None = None
    threshold: float | None = None
    comparator: Comparator | None = None
    unit: str | None = None
    reason: str | None = None
    source: str | None = None

    @property
    def met(self) -> bool | None:
        """True if met, False if not met, None if not evaluable."""
        if self.status is Status.NOT_EVALUABLE:
            return None
        return self.status is Status.MET


def _statuses(items: Iterable[Criterion | Status]) -> list[Status]:
    return [i.status if isinstance(i, Criterion) else Status(i) for i in items]


def all_of(items: Iterable[Criterion | Status]) -> Status:
    """Three-valued AND: not met if any part fails, else not evaluable if any is.

    Examples
    --------
    >>> all_of([Status.MET, Status.NOT_EVALUABLE])
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    >>> all_of([Status.NOT_MET, Status.NOT_EVALUABLE])
    <Status.NOT_MET: 'not_met'>
    """
    statuses = _statuses(items)
    if Status.NOT_MET in statuses:
        return Status.NOT_MET
    if Status.NOT_EVALUABLE in statuses:
        return Status.NOT_EVALUABLE
    return Status.MET


def any_of(items: Iterable[Criterion | Status]) -> Status:
    """Three-valued OR: met if any part is met, else not evaluable if any is.

    Examples
    --------
    >>> any_of([Status.NOT_MET, Status.NOT_EVALUABLE])
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    """
    statuses = _statuses(items)
    if Status.MET in statuses:
        return Status.MET
    if Status.NOT_EVALUABLE in statuses:
        return Status.NOT_EVALUABLE
    return Status.NOT_MET
