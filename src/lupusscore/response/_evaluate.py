"""Renal response: the response family of the one engine (:mod:`._engine`)."""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Final, TypedDict, Unpack, cast, overload

import numpy.typing as npt

from lupusscore.response._definition import RenalResponseDefinition
from lupusscore.response._engine import (
    GradedBatch,
    GradedResult,
    TierResult,
    classify,
    renamed_keywords,
)
from lupusscore.response._shipped import resolve_definition
from lupusscore.vocabulary import INPUTS

__all__ = [
    "INPUT_UNITS",
    "RenalResponseBatch",
    "RenalResponseResult",
    "ResponseCategory",
    "TierResult",
    "classify_renal_response",
]

#: Names of every kernel input (numeric and flags) of classify_renal_response.
INPUT_NAMES: Final = (
    "upcr_g_g",
    "baseline_upcr_g_g",
    "egfr",
    "reference_egfr",
    "glucocorticoid_mg_day",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "creatinine_uln_mg_dl",
    "urine_rbc_hpf",
    "glucocorticoid_days_above_ceiling",
    "glucocorticoid_consecutive_days_above_ceiling",
    "rescue_therapy",
    "rbc_casts",
    "egfr_decline_confirmed",
    "withdrawn",
)

#: Units of the numeric kernel inputs, read from :data:`lupusscore.vocabulary.INPUTS`
#: (kept for callers of the old name; the vocabulary is the one declaration).
INPUT_UNITS: Final = MappingProxyType(
    {n: INPUTS[n].unit for n in INPUT_NAMES if INPUTS[n].kind != "flag"}
)


class ResponseCategory(StrEnum):
    """Overall renal response category."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"
    NOT_EVALUABLE = "not_evaluable"


class RenalResponseResult(GradedResult):
    """An explained renal response result for one assessment.

    Attributes
    ----------
    category : ResponseCategory
        ``complete``, ``partial``, ``none`` or ``not_evaluable``.
    status : Status
        Met when a tier is met (at least a partial response), not met for
        ``none``, not evaluable otherwise.
    definition_id, definition_version : str
        The definition applied.
    tiers : tuple of TierResult
        Each tier's status and criteria (complete first).
    reason : str
        Why this category, in one line.
    missing : tuple of str
        Missing inputs (None / NaN) that left a criterion not evaluable, as
        data (``missing_inputs`` is the same tuple).
    source : str
        The definition's citation.
    provisional : bool
        True if the category rests on a provisional tier (a provisional
        complete tier always; a provisional partial tier unless the category
        is complete).
    provisional_reasons : tuple of str
        The reasons.
    notes : tuple of str
        Where the inputs came from (model-level evaluation: visits, dates,
        equation), empty at kernel level.

    Examples
    --------
    >>> r = classify_renal_response(
    ...     "kdigo-2024",
    ...     upcr_g_g=0.3,
    ...     baseline_upcr_g_g=3.0,
    ...     egfr=80,
    ...     reference_egfr=82,
    ... )
    >>> r.category, r.complete.status
    (<ResponseCategory.COMPLETE: 'complete'>, <Status.MET: 'met'>)
    """

    category: ResponseCategory

    @property
    def missing_inputs(self) -> tuple[str, ...]:
        """The missing inputs (the same tuple as :attr:`missing`)."""
        return self.missing

    @property
    def complete(self) -> TierResult | None:
        """The complete tier's result, if the definition has one."""
        return next((t for t in self.tiers if t.tier == "complete"), None)

    @property
    def partial(self) -> TierResult | None:
        """The partial tier's result, if the definition has one."""
        return next((t for t in self.tiers if t.tier == "partial"), None)

    @property
    def evaluable(self) -> bool:
        """False when the category is ``not_evaluable``."""
        return self.category is not ResponseCategory.NOT_EVALUABLE

    @property
    def responder(self) -> bool | None:
        """Complete or partial: True; none: False; not evaluable: None."""
        if not self.evaluable:
            return None
        return self.category is not ResponseCategory.NONE


class RenalResponseBatch(GradedBatch[RenalResponseResult]):
    """Per-element results of :func:`classify_renal_response` on array inputs.

    ``category`` is a NumPy array of category strings (the values of
    :class:`ResponseCategory`) with the broadcast shape of the inputs, and
    ``status`` one of status strings; the explained result of one element is
    built on demand by :meth:`result`.

    Examples
    --------
    >>> b = classify_renal_response(
    ...     "kdigo-2024",
    ...     upcr_g_g=[0.3, 1.2, 2.9, None],
    ...     baseline_upcr_g_g=3.0,
    ...     egfr=80,
    ...     reference_egfr=82,
    ... )
    >>> b.category.tolist()
    ['complete', 'partial', 'none', 'not_evaluable']
    >>> b.result(3).reason
    'complete response not evaluable (upcr_below: missing input: upcr_g_g)'
    >>> b.missing[3]
    ('upcr_g_g',)
    """

    definition_type: ClassVar = RenalResponseDefinition
    result_type: ClassVar = RenalResponseResult
    input_names: ClassVar = INPUT_NAMES

    def counts(self) -> dict[ResponseCategory, int]:
        """Count the elements in each category."""
        return self._counts(ResponseCategory)


_Num = float | None
_Flag = bool | None
_ArrNum = npt.ArrayLike | None
_ArrFlag = npt.ArrayLike | None

#: Deprecated keyword names of :func:`classify_renal_response` -> their
#: vocabulary names (accepted with a DeprecationWarning for one release).
RENAMED_INPUTS: Final = MappingProxyType(
    {
        "prednisone_mg_day": "glucocorticoid_mg_day",
        "steroid_days_above_ceiling": "glucocorticoid_days_above_ceiling",
        "steroid_consecutive_days_above_ceiling": (
            "glucocorticoid_consecutive_days_above_ceiling"
        ),
    }
)


class _DeprecatedInputs(TypedDict, total=False):
    """The deprecated keywords of classify_renal_response (see RENAMED_INPUTS)."""

    prednisone_mg_day: _ArrNum
    steroid_days_above_ceiling: _ArrNum
    steroid_consecutive_days_above_ceiling: _ArrNum


@overload
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _Num,
    baseline_upcr_g_g: _Num,
    egfr: _Num,
    reference_egfr: _Num,
    glucocorticoid_mg_day: _Num = ...,
    rescue_therapy: _Flag = ...,
    creatinine_mg_dl: _Num = ...,
    reference_creatinine_mg_dl: _Num = ...,
    creatinine_uln_mg_dl: _Num = ...,
    urine_rbc_hpf: _Num = ...,
    rbc_casts: _Flag = ...,
    egfr_decline_confirmed: _Flag = ...,
    glucocorticoid_days_above_ceiling: _Num = ...,
    glucocorticoid_consecutive_days_above_ceiling: _Num = ...,
    withdrawn: _Flag = ...,
    **deprecated: Unpack[_DeprecatedInputs],
) -> RenalResponseResult: ...
@overload
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _ArrNum,
    baseline_upcr_g_g: _ArrNum,
    egfr: _ArrNum,
    reference_egfr: _ArrNum,
    glucocorticoid_mg_day: _ArrNum = ...,
    rescue_therapy: _ArrFlag = ...,
    creatinine_mg_dl: _ArrNum = ...,
    reference_creatinine_mg_dl: _ArrNum = ...,
    creatinine_uln_mg_dl: _ArrNum = ...,
    urine_rbc_hpf: _ArrNum = ...,
    rbc_casts: _ArrFlag = ...,
    egfr_decline_confirmed: _ArrFlag = ...,
    glucocorticoid_days_above_ceiling: _ArrNum = ...,
    glucocorticoid_consecutive_days_above_ceiling: _ArrNum = ...,
    withdrawn: _ArrFlag = ...,
    **deprecated: Unpack[_DeprecatedInputs],
) -> RenalResponseResult | RenalResponseBatch: ...
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _ArrNum,
    baseline_upcr_g_g: _ArrNum,
    egfr: _ArrNum,
    reference_egfr: _ArrNum,
    glucocorticoid_mg_day: _ArrNum = None,
    rescue_therapy: _ArrFlag = None,
    creatinine_mg_dl: _ArrNum = None,
    reference_creatinine_mg_dl: _ArrNum = None,
    creatinine_uln_mg_dl: _ArrNum = None,
    urine_rbc_hpf: _ArrNum = None,
    rbc_casts: _ArrFlag = None,
    egfr_decline_confirmed: _ArrFlag = None,
    glucocorticoid_days_above_ceiling: _ArrNum = None,
    glucocorticoid_consecutive_days_above_ceiling: _ArrNum = None,
    withdrawn: _ArrFlag = None,
    **deprecated: Unpack[_DeprecatedInputs],
) -> RenalResponseResult | RenalResponseBatch:
    """Classify renal response under a definition: complete, partial or none.

    Each tier of the definition is a three-valued AND of its criteria. The
    category is *complete* if the complete tier is met, else *partial* if the
    partial tier is met, else *none*; it is *not_evaluable* when missing input
    could change that. Missing input (None or NaN) never counts as not met.

    Parameters
    ----------
    definition : str or RenalResponseDefinition
        A shipped id (see :func:`lupusscore.list_definitions`) or a definition.
    upcr_g_g : float, array-like or None
        Urine protein/creatinine ratio at the assessment, g/g (= mg/mg).
    baseline_upcr_g_g : float, array-like or None
        UPCR at the reference visit, g/g (for reductions and nephrotic rules).
    egfr : float, array-like or None
        eGFR at the assessment, mL/min/1.73 m².
    reference_egfr : float, array-like or None
        The eGFR the definition compares with: the baseline value, or the
        pre-flare value when ``definition.kidney_reference == "pre_flare"``
        (BLISS-LN, KDIGO 2012).
    glucocorticoid_mg_day : float, array-like or None
        Highest prednisone-equivalent dose (mg/day) in the definition's
        glucocorticoid window.
    rescue_therapy : bool, array-like or None
        True if rescue or prohibited therapy (treatment failure) was given.
    creatinine_mg_dl, reference_creatinine_mg_dl : float, array-like or None
        Serum creatinine at the assessment and at the definition's reference,
        mg/dL.
    creatinine_uln_mg_dl : float, array-like or None
        Upper limit of normal of the creatinine assay, mg/dL (LUNAR, NOBILITY).
    urine_rbc_hpf : float, array-like or None
        Urine red cells per high-power field.
    rbc_casts : bool, array-like or None
        True if red-cell casts were seen.
    egfr_decline_confirmed : bool, array-like or None
        For definitions that fail eGFR only on a confirmed decline (AURORA 1):
        whether a decline failing every eGFR limb was confirmed (and
        adjudicated). Read only when every limb fails.
    glucocorticoid_days_above_ceiling : int, array-like or None
        Days above the glucocorticoid ceiling in the window, in total.
    glucocorticoid_consecutive_days_above_ceiling : int, array-like or None
        Longest run of consecutive days above the glucocorticoid ceiling in the
        window, for definitions with day limits (AURORA 1).
    withdrawn : bool, array-like or None
        True if the participant withdrew or died before the assessment.
    **deprecated
        The old names ``prednisone_mg_day``, ``steroid_days_above_ceiling`` and
        ``steroid_consecutive_days_above_ceiling`` (see :data:`RENAMED_INPUTS`)
        are accepted for one release with a :class:`DeprecationWarning`.

    Returns
    -------
    RenalResponseResult or RenalResponseBatch
        A result for scalar inputs. If any input is array-like, a
        :class:`RenalResponseBatch`: ``.category`` is an array of category
        strings with the broadcast shape, ``.result(i)`` the explained result
        of element *i*, ``.counts()`` the number per category.

    Raises
    ------
    DefinitionError
        Unknown definition id.
    InvalidValueError
        A negative or infinite number, a day count that is not whole, a flag
        that is not True / False / None, shapes that do not broadcast, or a
        deprecated keyword given together with its new name.

    Notes
    -----
    UPCR is compared in g/g against the g/g figure of the source; a source's
    mg/mmol figure (KDIGO's 50 mg/mmol) is shown in the criterion, not used.
    Every comparison rounds both sides to 12 significant digits
    (:func:`lupusscore.results.snap`, shared by all scores), so a value exactly
    at a threshold counts as at it whether it was given in g/g or converted
    from mg/mmol, and a derived ratio (0.35 / 0.7) equals its threshold (0.5).

    Examples
    --------
    >>> r = classify_renal_response(
    ...     "bliss-ln",
    ...     upcr_g_g=0.6,
    ...     baseline_upcr_g_g=2.5,
    ...     egfr=70,
    ...     reference_egfr=80,
    ...     glucocorticoid_mg_day=7.5,
    ...     rescue_therapy=False,
    ... )
    >>> r.category.value
    'partial'
    >>> r.reason
    'CRR not met (upcr_below; egfr); PERR met'
    >>> [(c.name, c.status.value, c.observed, c.threshold) for c in r.partial.criteria][
    ...     :2
    ... ]
    [('partial.upcr_below', 'met', 0.6, 0.7), ('partial.egfr', 'met', 70.0, 60.0)]
    """
    # The keyword inputs by their vocabulary names (the parameters, nothing else).
    values: dict[str, object] = {
        "upcr_g_g": upcr_g_g,
        "baseline_upcr_g_g": baseline_upcr_g_g,
        "egfr": egfr,
        "reference_egfr": reference_egfr,
        "glucocorticoid_mg_day": glucocorticoid_mg_day,
        "rescue_therapy": rescue_therapy,
        "creatinine_mg_dl": creatinine_mg_dl,
        "reference_creatinine_mg_dl": reference_creatinine_mg_dl,
        "creatinine_uln_mg_dl": creatinine_uln_mg_dl,
        "urine_rbc_hpf": urine_rbc_hpf,
        "rbc_casts": rbc_casts,
        "egfr_decline_confirmed": egfr_decline_confirmed,
        "glucocorticoid_days_above_ceiling": glucocorticoid_days_above_ceiling,
        "glucocorticoid_consecutive_days_above_ceiling": (
            glucocorticoid_consecutive_days_above_ceiling
        ),
        "withdrawn": withdrawn,
    }
    if deprecated:
        values = renamed_keywords(
            "classify_renal_response", values, deprecated, RENAMED_INPUTS
        )
    d = resolve_definition(definition)
    out = classify(d, values, RenalResponseBatch)
    return cast("RenalResponseResult | RenalResponseBatch", out)
