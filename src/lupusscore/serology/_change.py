"""Change of a serology result from baseline, and complement normalisation.

A change is computed only between results that can be compared: the same
analyte, the same unit family and, for assay-specific units (an assay's U/mL,
Farr % binding, titres, CH50 units), the same assay. Otherwise the change is
not evaluable and says why; values are never converted across assays.
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    MissingMode,
    as_flag,
    as_floats,
    as_instance,
    as_missing_mode,
    broadcast,
)
from lupusscore.analytes import Analyte
from lupusscore.change import Change, change
from lupusscore.errors import InvalidDateError, InvalidValueError, NotEvaluableError
from lupusscore.models import LabResult
from lupusscore.results import Comparator, Criterion, ExplainedResult, Status, all_of
from lupusscore.serology._complement import (
    COMPLEMENT_ANALYTES,
    LOW_COMPLEMENT_SOURCE,
    low_complement,
)
from lupusscore.serology._dsdna import comparable_assays
from lupusscore.serology._labs import check_lab

_COMPLEMENT = "a complement result (c3, c4 or ch50)"
_DSDNA = "an anti_dsdna result"

__all__ = [
    "Change",
    "LabChange",
    "change",
    "complement_change",
    "complement_normalised",
    "dsdna_change",
    "lab_change",
    "relative_change",
]


def relative_change(
    baseline: float | npt.ArrayLike,
    follow_up: float | npt.ArrayLike,
    *,
    missing: MissingMode = "raise",
) -> Change:
    """Return the changes (deprecated: use ``change(reference=, value=)``).

    Returns ``(follow_up - baseline, 100 * (follow_up - baseline) /
    baseline)`` (positional order *baseline, follow_up*), with the one
    zero-reference rule of :mod:`lupusscore.change`: the percent change is NaN
    where the baseline is 0.

    Deprecated: will be removed in the next release.
    """
    warnings.warn(
        "lupusscore.serology.relative_change(baseline, follow_up) is deprecated; "
        "use lupusscore.serology.change(reference=..., value=...)",
        DeprecationWarning,
        stacklevel=2,
    )
    keep = as_missing_mode(missing) == "propagate"
    b = as_floats("baseline", baseline, allow_missing=keep)
    f = as_floats("follow_up", follow_up, allow_missing=keep)
    broadcast(baseline=b, follow_up=f)
    return change(reference=b, value=f, missing="propagate")


class LabChange(ExplainedResult):
    """The change of one analyte between two dated results.

    Attributes
    ----------
    analyte : Analyte
        The analyte.
    baseline_date, follow_up_date : datetime.date
        Collection dates.
    baseline, follow_up : float or None
        Values in *unit* (None when not comparable).
    unit : str or None
        Canonical unit of the shared family.
    absolute : float or None
        ``follow_up - baseline`` in *unit*.
    percent : float or None
        Percent change from baseline (None when not comparable or the
        baseline is 0).
    reason : str or None
        Why the change (or its percent part) is not evaluable.
    status : Status
        Met (computed) when the absolute change could be computed, else not
        evaluable.

    Examples
    --------
    >>> a = LabResult(analyte="c3", value=60, unit="mg/dL", date="2024-01-05")
    >>> b = LabResult(analyte="c3", value=0.9, unit="g/L", date="2024-04-05")
    >>> ch = complement_change(a, b)
    >>> round(ch.absolute, 3), round(ch.percent, 1), ch.unit, ch.evaluable
    (0.3, 50.0, 'g/L', True)
    """

    analyte: Analyte
    baseline_date: dt.date
    follow_up_date: dt.date
    baseline: float | None = None
    follow_up: float | None = None
    unit: str | None = None
    absolute: float | None = None
    percent: float | None = None

    @property
    def evaluable(self) -> bool:
        """True when the absolute change could be computed."""
        return self.absolute is not None

    def require_absolute(self) -> float:
        """Return the absolute change, or raise if it is not evaluable.

        Raises
        ------
        NotEvaluableError
            If the results could not be compared.
        """
        if self.absolute is None:
            msg = f"{self.analyte.value} change is not evaluable: {self.reason}"
            raise NotEvaluableError(msg, analyte=self.analyte.value)
        return self.absolute

    def require(self) -> float:
        """Return the absolute change (as :meth:`require_absolute`)."""
        return self.require_absolute()


def lab_change(baseline: LabResult, follow_up: LabResult) -> LabChange:
    """Change of one analyte from a baseline result to a later one.

    Parameters
    ----------
    baseline, follow_up : LabResult
        Two results of the same analyte; *follow_up* on or after *baseline*.

    Returns
    -------
    LabChange
        Absolute and percent change in the family's canonical unit, or not
        evaluable (``absolute`` None, with ``reason``) when the results come
        from unit families or assays that cannot be compared.

    Raises
    ------
    InvalidValueError
        If the analytes differ.
    InvalidDateError
        If *follow_up* was collected before *baseline*.

    Examples
    --------
    >>> a = LabResult(analyte="anti_dsdna", value=80, unit="IU/mL", date="2024-01-05")
    >>> b = LabResult(analyte="anti_dsdna", value=35, unit="%", date="2024-03-01")
    >>> ch = lab_change(a, b)
    >>> ch.evaluable, ch.reason
    (False, 'different unit families: international_units (IU/mL) and percent_binding (%) cannot be converted into each other')
    """  # noqa: E501
    baseline = as_instance("baseline", baseline, LabResult)
    follow_up = as_instance("follow_up", follow_up, LabResult)
    assays = comparable_assays(baseline, follow_up)
    comparable, why = bool(assays.met), assays.reason or ""
    if follow_up.day < baseline.day:
        raise InvalidDateError(
            field="follow_up.date",
            value=follow_up.date,
            expected=f"a date on or after the baseline date {baseline.day}",
        )
    common = {
        "analyte": baseline.analyte,
        "baseline_date": baseline.day,
        "follow_up_date": follow_up.day,
    }
    if not comparable:
        return LabChange(**common, status=Status.NOT_EVALUABLE, reason=why)
    absolute, percent = change(
        reference=baseline.canonical_value, value=follow_up.canonical_value
    )
    pct_ok = not np.isnan(percent)
    return LabChange(
        **common,
        status=Status.MET,
        baseline=baseline.canonical_value,
        follow_up=follow_up.canonical_value,
        unit=baseline.canonical_unit,
        absolute=float(absolute),
        percent=float(percent) if pct_ok else None,
        reason=None if pct_ok else "baseline is 0: percent change undefined",
    )


def _flag(c: Criterion) -> str:
    if c.status is Status.NOT_EVALUABLE:
        return f"not evaluable ({c.reason})"
    word = "low" if c.status is Status.MET else "not low"
    return f"{word}, {c.observed:.4g} vs < {c.threshold:.4g} {c.unit} ({c.reason})"


def complement_change(baseline: LabResult, follow_up: LabResult) -> LabChange:
    """Change of C3, C4 or CH50 from baseline (absolute in g/L or U/mL, percent).

    Parameters
    ----------
    baseline, follow_up : LabResult
        Two C3, two C4 or two CH50 results. C3/C4 in any mass-concentration
        unit are compared in g/L; CH50 units are assay-specific, so two CH50
        results are compared only when both name the same assay.

    Returns
    -------
    LabChange
        See :func:`lab_change`.

    Raises
    ------
    InvalidValueError
        If a result is not complement, or the analytes differ.
    InvalidDateError
        If *follow_up* precedes *baseline*.

    Examples
    --------
    >>> a = LabResult(analyte="c4", value=0.05, unit="g/L", date="2024-01-05")
    >>> b = LabResult(analyte="c4", value=15, unit="mg/dL", date="2024-06-05")
    >>> ch = complement_change(a, b)
    >>> round(ch.absolute, 3), round(ch.percent)
    (0.1, 200)
    """
    baseline = check_lab("baseline", baseline, COMPLEMENT_ANALYTES, what=_COMPLEMENT)
    follow_up = check_lab("follow_up", follow_up, COMPLEMENT_ANALYTES, what=_COMPLEMENT)
    return lab_change(baseline, follow_up)


def dsdna_change(baseline: LabResult, follow_up: LabResult) -> LabChange:
    """Change of anti-dsDNA from baseline, only within one assay or IU/mL.

    Parameters
    ----------
    baseline, follow_up : LabResult
        Two anti-dsDNA results. IU/mL (WHO standard) results are compared
        across assays; an assay's U/mL, Farr % binding and titres only when
        both results name the same assay.

    Returns
    -------
    LabChange
        See :func:`lab_change`; not evaluable across assays or unit families.

    Raises
    ------
    InvalidValueError
        If a result is not anti-dsDNA.
    InvalidDateError
        If *follow_up* precedes *baseline*.

    Examples
    --------
    >>> a = LabResult(
    ...     analyte="anti_dsdna", value=120, unit="U/mL", date="2024-01-05", assay="X"
    ... )
    >>> b = LabResult(
    ...     analyte="anti_dsdna", value=30, unit="U/mL", date="2024-06-05", assay="X"
    ... )
    >>> dsdna_change(a, b).percent
    -75.0
    """
    allowed = frozenset({Analyte.ANTI_DSDNA})
    baseline = check_lab("baseline", baseline, allowed, what=_DSDNA)
    follow_up = check_lab("follow_up", follow_up, allowed, what=_DSDNA)
    return lab_change(baseline, follow_up)


def complement_normalised(
    baseline: LabResult, follow_up: LabResult, *, use_default: bool = True
) -> Criterion:
    """Whether C3, C4 or CH50 went from low to normal (no longer below the LLN).

    Each result is judged against its own lab's lower limit with
    :func:`low_complement`, so the two may come from different labs or assays.

    Parameters
    ----------
    baseline, follow_up : LabResult
        Two results of the same complement analyte, *follow_up* not earlier.
    use_default : bool, optional
        Passed to :func:`low_complement` (default lower limits when the lab
        gave none).

    Returns
    -------
    Criterion
        ``c3_normalised`` (etc.): met when the baseline is low and the follow-up
        is not; not met when the baseline was not low (nothing to normalise) or
        the follow-up is still low; not evaluable when either flag is.
        ``observed`` is the follow-up value and ``threshold`` its lower limit,
        in the canonical unit.

    Raises
    ------
    InvalidValueError
        If a result is not complement, or the analytes differ.
    InvalidDateError
        If *follow_up* precedes *baseline*.

    Examples
    --------
    >>> a = LabResult(
    ...     analyte="c3", value=62, unit="mg/dL", date="2024-01-05", reference_low=90
    ... )
    >>> b = LabResult(
    ...     analyte="c3", value=0.95, unit="g/L", date="2024-06-05", reference_low=0.9
    ... )
    >>> complement_normalised(a, b).status.value
    'met'
    """
    baseline = check_lab("baseline", baseline, COMPLEMENT_ANALYTES, what=_COMPLEMENT)
    follow_up = check_lab("follow_up", follow_up, COMPLEMENT_ANALYTES, what=_COMPLEMENT)
    default_ok = as_flag("use_default", use_default)
    if baseline.analyte is not follow_up.analyte:
        raise InvalidValueError(
            field="follow_up.analyte",
            value=follow_up.analyte.value,
            expected=f"the baseline's analyte ({baseline.analyte.value})",
        )
    if follow_up.day < baseline.day:
        raise InvalidDateError(
            field="follow_up.date",
            value=follow_up.date,
            expected=f"a date on or after the baseline date {baseline.day}",
        )
    before = low_complement(baseline, use_default=default_ok)
    after = low_complement(follow_up, use_default=default_ok)
    after_normal = Status.of(None if after.met is None else not after.met)
    status = all_of([before.status, after_normal])
    if before.status is Status.NOT_MET:
        note = "baseline was not low: nothing to normalise"
    elif after.status is Status.MET:
        note = "still low at follow-up"
    elif status is Status.MET:
        note = "low at baseline, not low at follow-up"
    else:
        note = "a flag is not evaluable"
    reason = f"{note}; baseline: {_flag(before)}; follow-up: {_flag(after)}"
    return Criterion(
        name=f"{baseline.analyte.value}_normalised",
        status=status,
        observed=follow_up.canonical_value,
        threshold=after.threshold,
        comparator=None if after.threshold is None else Comparator.LT,
        unit=follow_up.canonical_unit,
        reason=reason,
        source=LOW_COMPLEMENT_SOURCE,
    )
