"""Change in kidney measures over time, and kidney end points.

- Absolute and percent change of creatinine, eGFR or UPCR from a reference
  value (baseline, pre-flare or nadir): :func:`absolute_change`,
  :func:`percent_change` (array kernels) and :func:`change_from_reference`
  (explained result).
- Doubling of serum creatinine: :func:`creatinine_doubled`.
- Confirmed eGFR decline of 30 % or 40 %: :func:`confirmed_egfr_decline`.
- End-stage kidney disease: :func:`eskd`.

Every function returns "not evaluable" with the reason when an input is
missing; a missing value never counts as "no event".
"""

from __future__ import annotations

import datetime as dt
import itertools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import Final, TypeVar, cast, overload

import numpy as np
import numpy.typing as npt

from lupusscore._checks import (
    FloatArray,
    MissingMode,
    as_choice,
    as_count,
    as_floats,
    as_missing_mode,
    as_sequence,
    as_tristate,
    broadcast,
    finite_result,
    is_missing_scalar,
)
from lupusscore.analytes import Analyte
from lupusscore.change import Change, change
from lupusscore.errors import InvalidDateError, InvalidValueError
from lupusscore.kidney._common import output
from lupusscore.kidney._model import EGFR_UNIT, EgfrResult
from lupusscore.models import LabResult
from lupusscore.results import (
    Comparator,
    Criterion,
    ExplainedResult,
    Status,
    any_of,
)

__all__ = [
    "CREATININE_DOUBLING_FACTOR",
    "EGFR_DECLINE_PERCENTS",
    "ESKD_EGFR_BELOW",
    "Change",
    "ChangeQuantity",
    "ChangeResult",
    "EskdResult",
    "ReferenceKind",
    "absolute_change",
    "change",
    "change_from_reference",
    "confirmed_egfr_decline",
    "creatinine_doubled",
    "eskd",
    "percent_change",
]

_LEVEY_2014: Final = (
    "Levey AS et al. GFR decline as an end point for clinical trials in CKD. "
    "Am J Kidney Dis 2014;64:821-35"
)
_KDIGO_2012: Final = "KDIGO 2012 CKD guideline, Kidney Int Suppl 2013;3:1-150"

#: Doubling of serum creatinine (current >= 2 × reference), the established
#: kidney end point that approximates halving of GFR (Levey 2014).
CREATININE_DOUBLING_FACTOR: Final = 2.0
#: The eGFR declines evaluated as end points by the NKF-FDA workshop: a
#: confirmed 30 % or 40 % decline (Levey 2014).
EGFR_DECLINE_PERCENTS: Final = (30.0, 40.0)
#: eGFR below which kidney function is in KDIGO category G5, "kidney failure"
#: (mL/min/1.73 m²; KDIGO 2012 Table 5).
ESKD_EGFR_BELOW: Final = 15.0
_PERCENT: Final = 100.0
#: A dated measurement is a (date, value) pair.
_PAIR: Final = 2


class ReferenceKind(StrEnum):
    """What a change is measured from."""

    BASELINE = "baseline"
    PRE_FLARE = "pre_flare"
    NADIR = "nadir"


class ChangeQuantity(StrEnum):
    """Quantities whose change is tracked, each in its canonical unit."""

    CREATININE = "creatinine"
    EGFR = "egfr"
    UPCR = "upcr"


#: Canonical unit of each quantity.
_UNITS: Final[Mapping[ChangeQuantity, str]] = MappingProxyType(
    {
        ChangeQuantity.CREATININE: "mg/dL",
        ChangeQuantity.EGFR: EGFR_UNIT,
        ChangeQuantity.UPCR: "g/g",
    }
)
#: Vocabulary names of (value, reference) of each quantity, for ``missing``.
_INPUT_NAMES: Final[Mapping[ChangeQuantity, tuple[str, str]]] = MappingProxyType(
    {
        ChangeQuantity.CREATININE: ("creatinine_mg_dl", "reference_creatinine_mg_dl"),
        ChangeQuantity.EGFR: ("egfr", "reference_egfr"),
        ChangeQuantity.UPCR: ("upcr_g_g", "reference_upcr_g_g"),
    }
)
_ANALYTES: Final[Mapping[ChangeQuantity, Analyte]] = MappingProxyType(
    {ChangeQuantity.CREATININE: Analyte.CREATININE, ChangeQuantity.UPCR: Analyte.UPCR}
)

_E = TypeVar("_E", bound=StrEnum)

#: What a value for a change may be: a number in the canonical unit, a lab
#: result (converted), an eGFR result, or None (missing).
Measure = float | LabResult | EgfrResult | None


def _pair(
    value: object, reference: object, missing: object, *, positive_reference: bool
) -> tuple[FloatArray, FloatArray, npt.NDArray[np.bool_]]:
    """Check and broadcast (value, reference); return them and the missing mask."""
    allow = as_missing_mode(missing) == "propagate"
    v = as_floats("value", value, allow_missing=allow)
    try:
        r = as_floats(
            "reference",
            reference,
            positive=positive_reference,
            allow_missing=allow,
        )
    except InvalidValueError as err:
        shown = err.fields.get("value")
        number = isinstance(shown, int | float) and not isinstance(shown, bool)
        if number and shown <= 0:  # type: ignore[operator]
            hint = "a percent change from a reference <= 0 is undefined"
            raise InvalidValueError(**{**err.fields, "hint": hint}) from None
        raise
    v_b, r_b = broadcast(value=v, reference=r)
    vb = np.asarray(v_b, dtype=np.float64)
    rb = np.asarray(r_b, dtype=np.float64)
    return vb, rb, np.isnan(vb) | np.isnan(rb)


def _scalar_choice(name: str, value: object, choices: type[_E]) -> _E:
    """Return an enum member from a member or its value; else raise."""
    return cast(_E, as_choice(name, value, choices))


@overload
def absolute_change(
    value: float, reference: float, *, missing: MissingMode = ...
) -> float: ...
@overload
def absolute_change(
    value: npt.ArrayLike, reference: npt.ArrayLike, *, missing: MissingMode = ...
) -> FloatArray: ...
def absolute_change(
    value: npt.ArrayLike, reference: npt.ArrayLike, *, missing: MissingMode = "raise"
) -> float | FloatArray:
    """Return ``value − reference`` (same unit as the inputs).

    Parameters
    ----------
    value, reference : float or array-like
        Finite numbers in the same unit (broadcast together).
    missing : {"raise", "propagate"}, default "raise"
        A missing element (None, NaN, pandas NA) is an error naming its index,
        or (``"propagate"``) gives NaN for that element.

    Returns
    -------
    float or numpy.ndarray
        The change; negative when the value fell.

    Raises
    ------
    InvalidValueError
        Infinite input, a bool or string, shapes that do not broadcast, a
        difference that overflows, or (``missing="raise"``) a missing element.

    Examples
    --------
    >>> round(absolute_change(1.9, 1.2), 2)
    0.7
    """
    v, r, _ = _pair(value, reference, missing, positive_reference=False)
    with np.errstate(all="ignore"):
        change = np.asarray(v - r, dtype=np.float64)
    return output(finite_result("absolute_change", change, positive=False))


def percent_change(
    value: npt.ArrayLike, reference: npt.ArrayLike, *, missing: MissingMode = "raise"
) -> float | FloatArray:
    """Return the percent change (deprecated: use ``change(...).percent``).

    Returns ``100 × (value − reference) / reference`` (positional order
    *value, reference*). Unlike :func:`lupusscore.change.change`, whose
    zero-reference rule gives NaN, this alias keeps its old contract: a
    reference <= 0 is an :class:`InvalidValueError` saying the percent change
    is undefined.

    Deprecated: will be removed in the next release.
    """
    warnings.warn(
        "lupusscore.kidney.percent_change(value, reference) is deprecated; use "
        "lupusscore.kidney.change(reference=..., value=...).percent",
        DeprecationWarning,
        stacklevel=2,
    )
    v, r, _ = _pair(value, reference, missing, positive_reference=True)
    return change(reference=r, value=v, missing="propagate").percent


def _canonical(quantity: ChangeQuantity, value: Measure, field: str) -> float | None:
    """Return a measure as a float in the canonical unit, or None if missing.

    ``None``, NaN and ``pandas.NA`` are missing (not evaluable, with the
    reason); infinity, bools and strings are errors.
    """
    if is_missing_scalar(value):
        return None
    if isinstance(value, EgfrResult):
        if quantity is not ChangeQuantity.EGFR:
            raise InvalidValueError(
                field=field,
                value=value.equation,
                expected=f"a {quantity.value} value, not an eGFR result",
            )
        return value.value
    if isinstance(value, LabResult):
        expected = _ANALYTES.get(quantity)
        if value.analyte is not expected:
            raise InvalidValueError(
                field=field,
                value=value.analyte.value,
                expected=f"a {quantity.value} value (got a {value.analyte} result)",
            )
        return value.canonical_value
    arr = as_floats(field, value, unit=_UNITS[quantity], nonnegative=True)
    if arr.ndim:
        raise InvalidValueError(
            field=field,
            value=f"an array of shape {arr.shape}",
            unit=_UNITS[quantity],
            expected="a finite number >= 0, a LabResult, an EgfrResult or None",
        )
    return float(arr)


class ChangeResult(ExplainedResult):
    """Change of one quantity from a reference value, explained.

    Attributes
    ----------
    quantity : ChangeQuantity
        ``creatinine``, ``egfr`` or ``upcr``.
    unit : str
        Canonical unit of *value*, *reference* and *absolute_change*.
    reference_kind : ReferenceKind
        Baseline, pre-flare or nadir.
    value, reference : float or None
        The compared values.
    absolute_change : float or None
        ``value − reference``.
    percent_change : float or None
        ``100 × (value − reference) / reference``; None if the reference is 0.
    status : Status
        ``met`` (evaluated) when the absolute change could be computed, else
        ``not_evaluable``.
    reason : str or None
        Why a change could not be computed.
    missing : tuple of str
        The missing inputs, as data (``upcr_g_g``, ``reference_upcr_g_g`` ...).
    """

    quantity: ChangeQuantity
    unit: str
    reference_kind: ReferenceKind
    value: float | None
    reference: float | None
    absolute_change: float | None = None
    percent_change: float | None = None

    @property
    def evaluable(self) -> bool:
        """True when the absolute change could be computed."""
        return self.absolute_change is not None

    def require(self) -> float:
        """Return the absolute change, or raise :class:`NotEvaluableError`."""
        if self.absolute_change is None:
            msg = f"{self.quantity.value} change"
            raise self._not_evaluable(msg)
        return self.absolute_change


def change_from_reference(
    quantity: ChangeQuantity | str,
    value: Measure,
    reference: Measure,
    *,
    reference_kind: ReferenceKind | str = ReferenceKind.BASELINE,
) -> ChangeResult:
    """Absolute and percent change of creatinine, eGFR or UPCR from a reference.

    Parameters
    ----------
    quantity : {"creatinine", "egfr", "upcr"}
        What is compared. Canonical units: mg/dL, mL/min/1.73 m², g/g.
    value, reference : float, LabResult, EgfrResult or None
        Numbers in the canonical unit, lab results in any accepted unit
        (converted), eGFR results (for ``egfr``), or None (or NaN) when
        missing.
    reference_kind : {"baseline", "pre_flare", "nadir"}, default "baseline"
        What the reference value is; recorded in the result.

    Returns
    -------
    ChangeResult
        The changes, or not evaluable with the reason.

    Raises
    ------
    InvalidValueError
        A negative or non-finite number, or a result of another analyte.

    Examples
    --------
    >>> from lupusscore import LabResult
    >>> now = LabResult(analyte="upcr", value=150, unit="mg/mmol", date="2024-06-01")
    >>> r = change_from_reference("upcr", now, 3.0)
    >>> round(r.value, 3), round(r.percent_change, 1)
    (1.326, -55.8)
    """
    q = _scalar_choice("quantity", quantity, ChangeQuantity)
    kind = _scalar_choice("reference_kind", reference_kind, ReferenceKind)
    v = _canonical(q, value, "value")
    r = _canonical(q, reference, "reference")
    missing = [
        f"no {name} {q.value} value"
        for name, x in (("current", v), (kind.value, r))
        if x is None
    ]
    if v is None or r is None:
        value_name, reference_name = _INPUT_NAMES[q]
        return ChangeResult(
            status=Status.NOT_EVALUABLE,
            missing=tuple(
                n for n, x in ((value_name, v), (reference_name, r)) if x is None
            ),
            quantity=q,
            unit=_UNITS[q],
            reference_kind=kind,
            value=v,
            reference=r,
            reason="; ".join(missing),
        )
    delta = change(reference=r, value=v)
    pct = None if r == 0 else float(delta.percent)
    return ChangeResult(
        status=Status.MET,
        quantity=q,
        unit=_UNITS[q],
        reference_kind=kind,
        value=v,
        reference=r,
        absolute_change=float(delta.absolute),
        percent_change=pct,
        reason=None
        if pct is not None
        else f"{kind.value} is 0: percent change undefined",
    )


def creatinine_doubled(
    creatinine: float | LabResult | None,
    reference: float | LabResult | None,
    *,
    reference_kind: ReferenceKind | str = ReferenceKind.BASELINE,
) -> Criterion:
    """Test whether serum creatinine has doubled (>= 2 × the reference value).

    Parameters
    ----------
    creatinine : float, LabResult or None
        Current serum creatinine (mg/dL, or a lab result in any unit).
    reference : float, LabResult or None
        Reference creatinine (baseline, pre-flare or nadir); > 0.
    reference_kind : {"baseline", "pre_flare", "nadir"}, default "baseline"
        What the reference is.

    Returns
    -------
    Criterion
        ``creatinine_doubled``: met if creatinine >= 2 × reference; observed
        and threshold in mg/dL; not evaluable when either value is missing.

    Raises
    ------
    InvalidValueError
        A non-finite or negative number, a reference of 0, or a lab result of
        another analyte.

    References
    ----------
    Levey AS et al. GFR decline as an end point for clinical trials in CKD.
    Am J Kidney Dis 2014;64:821-35 (doubling of serum creatinine ≈ halving of
    GFR, the established surrogate end point).

    Examples
    --------
    >>> c = creatinine_doubled(1.8, 0.9)
    >>> c.status, c.threshold
    (<Status.MET: 'met'>, 1.8)
    >>> creatinine_doubled(None, 0.9).reason
    'no current creatinine value'
    """
    kind = _scalar_choice("reference_kind", reference_kind, ReferenceKind)
    q = ChangeQuantity.CREATININE
    v = _canonical(q, creatinine, "creatinine")
    r = _canonical(q, reference, "reference")
    common = {"name": "creatinine_doubled", "unit": "mg/dL", "source": _LEVEY_2014}
    if r is not None and r <= 0:
        raise InvalidValueError(
            field="reference", value=r, unit="mg/dL", expected="a creatinine > 0"
        )
    if v is None or r is None:
        missing = [
            f"no {n} creatinine value"
            for n, x in (("current", v), (kind.value, r))
            if x is None
        ]
        return Criterion(
            status=Status.NOT_EVALUABLE,
            observed=v,
            threshold=None if r is None else CREATININE_DOUBLING_FACTOR * r,
            comparator=Comparator.GE,
            reason="; ".join(missing),
            **common,
        )
    threshold = CREATININE_DOUBLING_FACTOR * r
    met = bool(Comparator.GE.apply(v, threshold))
    return Criterion(
        status=Status.of(met),
        observed=v,
        threshold=threshold,
        comparator=Comparator.GE,
        reason=(
            f"creatinine {v:.3g} mg/dL vs {CREATININE_DOUBLING_FACTOR:g} × "
            f"{kind.value} {r:.3g} mg/dL"
        ),
        **common,
    )


def _series(
    measurements: Sequence[EgfrResult | tuple[dt.date, float | None]],
) -> list[tuple[dt.date, float]]:
    """Dated eGFR values, sorted, missing ones dropped; duplicate dates rejected."""
    if isinstance(measurements, str | bytes | Mapping) or not isinstance(
        measurements, Iterable
    ):
        raise InvalidValueError(
            field="measurements",
            value=type(measurements).__name__,
            expected="a sequence of EgfrResult or (date, eGFR or None) pairs",
        )
    items = as_sequence(
        "measurements",
        measurements,
        expected="a sequence of EgfrResult or (date, eGFR or None) pairs",
    )
    rows: list[tuple[dt.date, float | None]] = []
    for i, m in enumerate(items):
        if isinstance(m, EgfrResult):
            rows.append((m.date, m.value))
            continue
        if not (isinstance(m, tuple) and len(m) == _PAIR and isinstance(m[0], dt.date)):
            raise InvalidValueError(
                field=f"measurements[{i}]",
                value=repr(m)[:80],
                expected="an EgfrResult or a (datetime.date, eGFR or None) pair",
            )
        day, value = m
        eg = as_floats(
            f"measurements[{i}]",
            value,
            unit=EGFR_UNIT,
            nonnegative=True,
            allow_missing=True,
        )
        if eg.ndim:
            raise InvalidValueError(
                field=f"measurements[{i}]",
                value=f"an array of shape {eg.shape}",
                unit=EGFR_UNIT,
                expected="a finite eGFR >= 0 or None",
            )
        rows.append((day, None if np.isnan(eg) else float(eg)))
    rows.sort(key=lambda row: row[0])
    for (d1, _), (d2, _) in itertools.pairwise(rows):
        if d1 == d2:
            raise InvalidDateError(
                field="measurements",
                value=d1,
                expected="at most one eGFR per date (which one is later is ambiguous)",
            )
    return [(d, v) for d, v in rows if v is not None]


def confirmed_egfr_decline(
    reference: float | EgfrResult | None,
    measurements: Sequence[EgfrResult | tuple[dt.date, float | None]],
    *,
    decline_percent: float = 40.0,
    reference_kind: ReferenceKind | str = ReferenceKind.BASELINE,
    min_days_to_confirm: int = 0,
) -> Criterion:
    """Test for an eGFR decline of at least *decline_percent*, confirmed later.

    A measurement *qualifies* when eGFR <= (1 − decline_percent/100) ×
    reference. The decline is **confirmed** when the next available
    measurement also qualifies; with ``min_days_to_confirm`` > 0, every
    available measurement after the qualifying one, up to and including the
    first one at least that many days later, must qualify. Missing values
    (``None``) are skipped ("next available").

    Parameters
    ----------
    reference : float, EgfrResult or None
        Reference eGFR (baseline, pre-flare ...), mL/min/1.73 m²; > 0.
    measurements : sequence of EgfrResult or (date, eGFR or None)
        Post-reference eGFR values (any order; sorted by date here).
    decline_percent : float, default 40.0
        Decline to detect, percent of the reference; 30 and 40 are the end
        points of Levey 2014. Must be in (0, 100).
    reference_kind : {"baseline", "pre_flare", "nadir"}, default "baseline"
        What the reference is.
    min_days_to_confirm : int, default 0
        Minimum days between the qualifying and the confirming measurement.

    Returns
    -------
    Criterion
        Met: a confirmed decline (observed = percent change at the first
        qualifying measurement, threshold = −decline_percent, comparator
        ``<=``, unit ``%``). Not met: no confirmed decline and no unconfirmed
        one pending (observed = the largest fall seen). Not evaluable: no
        reference, no measurements, or the last qualifying measurement has no
        later measurement to confirm it.

    Raises
    ------
    InvalidValueError
        A reference <= 0, a negative eGFR, or *decline_percent* outside (0, 100).
    InvalidDateError
        Two measurements on the same date.

    References
    ----------
    Levey AS et al. GFR decline as an end point for clinical trials in CKD.
    Am J Kidney Dis 2014;64:821-35 ("a confirmed decline in estimated GFR of
    30 %"; 40 % more broadly acceptable).

    Examples
    --------
    >>> import datetime as dt
    >>> series = [(dt.date(2024, 3, 1), 47.0), (dt.date(2024, 6, 1), 45.0)]
    >>> c = confirmed_egfr_decline(80.0, series, decline_percent=40)
    >>> c.status, round(c.observed, 2)
    (<Status.MET: 'met'>, -41.25)
    >>> confirmed_egfr_decline(80.0, series[:1]).status
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    """
    pct_arr = as_floats("decline_percent", decline_percent, unit="%")
    if pct_arr.ndim or not 0 < float(pct_arr) < _PERCENT:
        raise InvalidValueError(
            field="decline_percent",
            value=decline_percent if not pct_arr.ndim else repr(decline_percent),
            unit="%",
            expected="a percentage between 0 and 100 (30 or 40 in Levey 2014)",
        )
    decline_percent = float(pct_arr)
    min_days_to_confirm = as_count("min_days_to_confirm", min_days_to_confirm)
    kind = _scalar_choice("reference_kind", reference_kind, ReferenceKind)
    ref = _canonical(ChangeQuantity.EGFR, reference, "reference")
    name = f"egfr_decline_{decline_percent:g}pct_confirmed"
    threshold = -float(decline_percent)
    common = {
        "name": name,
        "threshold": threshold,
        "comparator": Comparator.LE,
        "unit": "%",
        "source": _LEVEY_2014,
    }
    if ref is not None and ref <= 0:
        raise InvalidValueError(
            field="reference", value=ref, unit=EGFR_UNIT, expected="an eGFR > 0"
        )
    series = _series(measurements)
    if ref is None:
        return Criterion(
            status=Status.NOT_EVALUABLE, reason=f"no {kind.value} eGFR", **common
        )
    if not series:
        return Criterion(
            status=Status.NOT_EVALUABLE,
            reason="no eGFR measurement after the reference",
            **common,
        )
    limit = (1.0 - decline_percent / _PERCENT) * ref
    pending: tuple[dt.date, float] | None = None
    for i, (day, value) in enumerate(series):
        if value > limit:
            continue
        confirmed: bool | None = None
        for later_day, later in series[i + 1 :]:
            if later > limit:
                confirmed = False
                break
            if (later_day - day).days >= min_days_to_confirm:
                confirmed = True
                break
        pct = float(change(reference=ref, value=value).percent)
        if confirmed:
            return Criterion(
                status=Status.MET,
                observed=pct,
                reason=(
                    f"eGFR {value:.3g} on {day} ({pct:.1f} % vs {kind.value} "
                    f"{ref:.3g}) confirmed by {later:.3g} on {later_day}"
                ),
                **common,
            )
        if confirmed is None:
            pending = (day, pct)
    if pending is not None:
        return Criterion(
            status=Status.NOT_EVALUABLE,
            observed=pending[1],
            reason=(
                f"decline of {pending[1]:.1f} % on {pending[0]} is not yet "
                "confirmed: no later qualifying measurement"
                + (
                    f" at least {min_days_to_confirm} days later"
                    if min_days_to_confirm
                    else ""
                )
            ),
            **common,
        )
    largest_fall = min(float(change(reference=ref, value=v).percent) for _, v in series)
    return Criterion(
        status=Status.NOT_MET,
        observed=largest_fall,
        reason=(
            f"no confirmed decline of {decline_percent:g} % from {kind.value} "
            f"{ref:.3g} in {len(series)} measurement(s)"
        ),
        **common,
    )


class EskdResult(ExplainedResult):
    """End-stage kidney disease, with its three criteria.

    Attributes
    ----------
    status : Status
        Met if any criterion is met; not met only if all are not met.
    criteria : tuple of Criterion
        ``egfr_below_15``, ``dialysis``, ``kidney_transplant``.
    source : str
        Where the definition comes from.
    reason : str or None
        When not evaluable, the reasons of the undecided criteria.
    missing : tuple of str
        When not evaluable, the undecided inputs (``egfr``, ``dialysis``,
        ``transplant``).
    """

    criteria: tuple[Criterion, ...]
    source: str


def eskd(
    egfr: float | EgfrResult | None,
    *,
    dialysis: bool | None = None,
    transplant: bool | None = None,
) -> EskdResult:
    """End-stage kidney disease: eGFR < 15, or dialysis or transplant recorded.

    Parameters
    ----------
    egfr : float, EgfrResult or None
        eGFR, mL/min/1.73 m².
    dialysis : bool or None, keyword-only
        Chronic dialysis recorded (True), recorded absent (False), or not
        recorded (None).
    transplant : bool or None, keyword-only
        Kidney transplant recorded, recorded absent, or not recorded.

    Returns
    -------
    EskdResult
        Three-valued OR of the criteria: met if any is met; not met only if
        eGFR >= 15 **and** dialysis and transplant are recorded absent;
        otherwise not evaluable.

    Raises
    ------
    InvalidValueError
        A negative or non-finite eGFR.

    References
    ----------
    KDIGO 2012 CKD guideline (Kidney Int Suppl 2013;3:1-150): category G5,
    eGFR < 15, "kidney failure"; kidney replacement therapy (dialysis or
    transplant) as the kidney-failure event (issue 3 definition).

    Examples
    --------
    >>> eskd(12.0).status
    <Status.MET: 'met'>
    >>> eskd(40.0).status
    <Status.NOT_EVALUABLE: 'not_evaluable'>
    >>> eskd(40.0, dialysis=False, transplant=False).status
    <Status.NOT_MET: 'not_met'>
    """
    value = _canonical(ChangeQuantity.EGFR, egfr, "egfr")
    if value is None:
        egfr_crit = Criterion(
            name="egfr_below_15",
            status=Status.NOT_EVALUABLE,
            threshold=ESKD_EGFR_BELOW,
            comparator=Comparator.LT,
            unit=EGFR_UNIT,
            reason="no eGFR value",
            source=_KDIGO_2012,
        )
    else:
        egfr_crit = Criterion(
            name="egfr_below_15",
            status=Status.of(bool(Comparator.LT.apply(value, ESKD_EGFR_BELOW))),
            observed=value,
            threshold=ESKD_EGFR_BELOW,
            comparator=Comparator.LT,
            unit=EGFR_UNIT,
            source=_KDIGO_2012,
        )
    flags = []
    for name, raw in (("dialysis", dialysis), ("kidney_transplant", transplant)):
        code = as_tristate(name, raw)
        if code.ndim:
            raise InvalidValueError(
                field=name, value=repr(raw)[:80], expected="True, False or None"
            )
        flag = None if np.isnan(code) else bool(code == 1.0)
        flags.append(
            Criterion(
                name=name,
                status=Status.of(flag),
                reason="not recorded" if flag is None else "recorded",
            )
        )
    criteria = (egfr_crit, *flags)
    status = any_of(criteria)
    undecided = [
        (name, c)
        for name, c in zip(("egfr", "dialysis", "transplant"), criteria, strict=True)
        if c.status is Status.NOT_EVALUABLE
    ]
    return EskdResult(
        status=status,
        reason=(
            "; ".join(f"{name}: {c.reason}" for name, c in undecided)
            if status is Status.NOT_EVALUABLE
            else None
        ),
        missing=(
            tuple(name for name, _ in undecided)
            if status is Status.NOT_EVALUABLE
            else ()
        ),
        criteria=criteria,
        source=f"{_KDIGO_2012} (G5); dialysis or kidney transplant",
    )
