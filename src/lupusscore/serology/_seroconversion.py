"""Seroconversion of ANA or anti-dsDNA between two dated results.

Positivity at each date is decided by the usual rules (anti-dsDNA: the lab's
upper limit or a named cut-off, :func:`dsdna_increased`; ANA: >= 1:80,
:func:`ana_positive`). The change positive -> negative and negative -> positive
is then read off with three-valued logic, so a missing flag never becomes "no
seroconversion". By default the two results must be comparable (same unit
family, and the same assay for assay-specific units); an assay switch can
create or hide a seroconversion, so it is not evaluable unless the caller
accepts it with ``across_assays=True``.
"""

from __future__ import annotations

import datetime as dt

from lupusscore._checks import as_flag, as_instance
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidDateError, InvalidValueError
from lupusscore.models import LabResult
from lupusscore.results import Criterion, ExplainedResult, Status, all_of, any_of
from lupusscore.serology._ana import ana_positive
from lupusscore.serology._dsdna import (
    AssayCutoff,
    comparable_assays,
    dsdna_increased,
)
from lupusscore.serology._labs import check_lab

__all__ = ["Seroconversion", "seroconversion"]


class Seroconversion(ExplainedResult):
    """Positivity at two dates and whether it changed.

    Attributes
    ----------
    analyte : Analyte
        ``ana`` or ``anti_dsdna``.
    earlier_date, later_date : datetime.date
        Collection dates.
    earlier, later : Criterion
        Positivity at each date.
    became_negative : Criterion
        Positive at the earlier date and negative at the later one.
    became_positive : Criterion
        Negative at the earlier date and positive at the later one.
    status : Status
        Whether positivity changed in either direction (three-valued OR of
        *became_negative* and *became_positive*).
    reason : str or None
        How it was decided, or why it could not be.
    source : str
        Citation of the positivity rule.

    Examples
    --------
    >>> a = LabResult(analyte="ana", value=320, unit="{titer}", date="2023-02-01")
    >>> b = LabResult(analyte="ana", value=40, unit="{titer}", date="2024-02-01")
    >>> s = seroconversion(a, b)
    >>> s.became_negative.status.value, s.became_positive.status.value
    ('met', 'not_met')
    """

    analyte: Analyte
    earlier_date: dt.date
    later_date: dt.date
    earlier: Criterion
    later: Criterion
    became_negative: Criterion
    became_positive: Criterion


def _positive(lab: LabResult, cutoff: AssayCutoff | None) -> Criterion:
    if lab.analyte is Analyte.ANTI_DSDNA:
        return dsdna_increased(lab, cutoff=cutoff)
    if cutoff is not None:
        raise InvalidValueError(
            field="cutoff",
            value=cutoff.name,
            expected="no cutoff for ANA (positive at >= 1:80)",
        )
    return ana_positive(lab)


def _describe(c: Criterion) -> str:
    word = {
        Status.MET: "positive",
        Status.NOT_MET: "negative",
        Status.NOT_EVALUABLE: "not evaluable",
    }[c.status]
    return f"{word} ({c.reason})" if c.reason else word


def _negated(c: Criterion) -> Status:
    return Status.of(None if c.met is None else not c.met)


def seroconversion(
    earlier: LabResult,
    later: LabResult,
    *,
    cutoff: AssayCutoff | None = None,
    across_assays: bool = False,
) -> Seroconversion:
    """Whether ANA or anti-dsDNA turned negative (or positive) between two dates.

    Parameters
    ----------
    earlier, later : LabResult
        Two ``ana`` or two ``anti_dsdna`` results, *later* collected after
        *earlier*.
    cutoff : AssayCutoff, optional
        Anti-dsDNA only: a named cut-off instead of each lab's upper limit.
    across_assays : bool, optional
        Accept results from different unit families or assays (each judged
        against its own lab's limit). Default False: such a pair is not
        evaluable, with the reason.

    Returns
    -------
    Seroconversion
        Positivity at both dates and the two directions of change, each a
        tri-state :class:`~lupusscore.results.Criterion`.

    Raises
    ------
    InvalidValueError
        If the analytes differ or are not ANA / anti-dsDNA, or *cutoff* is
        given for ANA.
    InvalidDateError
        If *later* was not collected after *earlier*.

    Examples
    --------
    >>> a = LabResult(
    ...     analyte="anti_dsdna",
    ...     value=8,
    ...     unit="IU/mL",
    ...     date="2023-02-01",
    ...     reference_high=10,
    ... )
    >>> b = LabResult(
    ...     analyte="anti_dsdna",
    ...     value=55,
    ...     unit="IU/mL",
    ...     date="2023-09-01",
    ...     reference_high=10,
    ... )
    >>> seroconversion(a, b).became_positive.status.value
    'met'
    """
    kinds = {Analyte.ANA, Analyte.ANTI_DSDNA}
    earlier = check_lab("earlier", earlier, kinds, what="ana or anti_dsdna")
    later = check_lab("later", later, kinds, what="ana or anti_dsdna")
    if cutoff is not None:
        cutoff = as_instance(
            "cutoff", cutoff, AssayCutoff, expected="an AssayCutoff or None"
        )
    mixed = as_flag("across_assays", across_assays)
    assays = comparable_assays(earlier, later)
    comparable, why = bool(assays.met), assays.reason or ""
    if later.day <= earlier.day:
        raise InvalidDateError(
            field="later.date",
            value=later.date,
            expected=f"a date after the earlier result's date {earlier.day}",
        )
    first, second = _positive(earlier, cutoff), _positive(later, cutoff)
    source = first.source
    if not comparable and not mixed:
        reason = f"results cannot be compared: {why} (pass across_assays=True)"
        neg = Criterion(
            name="became_negative",
            status=Status.NOT_EVALUABLE,
            reason=reason,
            source=source,
        )
        pos = neg.model_copy(update={"name": "became_positive"})
    else:
        note = f" (different assays accepted: {why})" if not comparable else ""
        detail = f"earlier: {_describe(first)}; later: {_describe(second)}{note}"
        neg = Criterion(
            name="became_negative",
            status=all_of([first.status, _negated(second)]),
            reason=detail,
            source=source,
        )
        pos = Criterion(
            name="became_positive",
            status=all_of([_negated(first), second.status]),
            reason=detail,
            source=source,
        )
    return Seroconversion(
        status=any_of([neg, pos]),
        reason=neg.reason,
        source=source or "",
        analyte=earlier.analyte,
        earlier_date=earlier.day,
        later_date=later.day,
        earlier=first,
        later=second,
        became_negative=neg,
        became_positive=pos,
    )
