"""The evaluator: one definition, kernel inputs in, an explained result out."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal, cast, overload

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict

from lupusscore._checks import describe
from lupusscore.errors import InvalidValueError
from lupusscore.response._definition import RenalResponseDefinition, Tier
from lupusscore.response._kernel import (
    MET,
    NOT_MET,
    Codes,
    Index,
    Inputs,
    PartEval,
    all_codes,
    batch_index,
    coerce_inputs,
    inputs_from_json,
    inputs_to_json,
    load_batch_json,
    status_of,
)
from lupusscore.response._shipped import resolve_definition
from lupusscore.results import Criterion, Status

__all__ = [
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
    "prednisone_mg_day",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "creatinine_uln_mg_dl",
    "urine_rbc_hpf",
    "steroid_days_above_ceiling",
    "steroid_consecutive_days_above_ceiling",
    "rescue_therapy",
    "rbc_casts",
    "egfr_decline_confirmed",
    "withdrawn",
)


class ResponseCategory(StrEnum):
    """Overall renal response category."""

    COMPLETE = "complete"
    PARTIAL = "partial"
    NONE = "none"
    NOT_EVALUABLE = "not_evaluable"


_CATEGORY_CODES: Final = (
    ResponseCategory.NONE,
    ResponseCategory.PARTIAL,
    ResponseCategory.COMPLETE,
    ResponseCategory.NOT_EVALUABLE,
)
_NONE, _PARTIAL, _COMPLETE, _NE = 0, 1, 2, 3

#: Units of the numeric kernel inputs (for error messages and docs).
INPUT_UNITS: Final = {
    "upcr_g_g": "g/g",
    "baseline_upcr_g_g": "g/g",
    "egfr": "mL/min/1.73 m²",
    "reference_egfr": "mL/min/1.73 m²",
    "creatinine_mg_dl": "mg/dL",
    "reference_creatinine_mg_dl": "mg/dL",
    "creatinine_uln_mg_dl": "mg/dL",
    "urine_rbc_hpf": "/hpf",
    "prednisone_mg_day": "mg/day",
    "steroid_days_above_ceiling": "days",
    "steroid_consecutive_days_above_ceiling": "days",
}
_DAY_COUNTS: Final = frozenset(
    {"steroid_days_above_ceiling", "steroid_consecutive_days_above_ceiling"}
)


class TierResult(BaseModel):
    """The outcome of one tier: its status and each criterion, explained.

    Attributes
    ----------
    tier : {"complete", "partial"}
        Which tier.
    label : str
        The source's name for it ("CRR", "PERR" ...).
    status : Status
        Three-valued AND of the criteria.
    criteria : tuple of Criterion
        One per part, with observed value, threshold and status.
    provisional : bool
        Whether the tier is provisional.
    provisional_reason : str, optional
        Why.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")

    tier: Literal["complete", "partial"]
    label: str
    status: Status
    criteria: tuple[Criterion, ...]
    provisional: bool = False
    provisional_reason: str | None = None


class RenalResponseResult(BaseModel):
    """An explained renal response result for one assessment.

    Attributes
    ----------
    category : ResponseCategory
        ``complete``, ``partial``, ``none`` or ``not_evaluable``.
    definition_id, definition_version : str
        The definition applied.
    tiers : tuple of TierResult
        Each tier's status and criteria (complete first).
    reason : str
        Why this category, in one line.
    missing_inputs : tuple of str
        Missing inputs (None / NaN) that left a criterion not evaluable.
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

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")

    category: ResponseCategory
    definition_id: str
    definition_version: str
    tiers: tuple[TierResult, ...]
    reason: str
    missing_inputs: tuple[str, ...] = ()
    provisional: bool = False
    provisional_reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion of every tier, named ``"<tier>.<criterion>"``."""
        return tuple(c for t in self.tiers for c in t.criteria)

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


@dataclass(frozen=True)
class RenalResponseBatch:
    """Per-element results of :func:`classify_renal_response` on array inputs.

    ``category`` is a NumPy array of category strings (the values of
    :class:`ResponseCategory`) with the broadcast shape of the inputs; the
    explained result of one element is built on demand by :meth:`result`.

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
    """

    category: npt.NDArray[np.str_]
    definition_id: str
    definition_version: str
    _build: Callable[[Index], RenalResponseResult]

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the inputs."""
        return tuple(self.category.shape)

    def __len__(self) -> int:
        return int(self.category.size)

    def result(self, index: int | tuple[int, ...]) -> RenalResponseResult:
        """Return the explained result of one element (flat or N-d index)."""
        return self._build(batch_index(index, self.shape))

    def __iter__(self) -> Iterator[RenalResponseResult]:
        """Explained results in C (row-major) order."""
        for i in range(len(self)):
            yield self.result(i)

    def counts(self) -> dict[ResponseCategory, int]:
        """Count the elements in each category."""
        return {c: int(np.sum(self.category == c.value)) for c in ResponseCategory}

    def __eq__(self, other: object) -> bool:
        """Equal when of one definition with equal categories and results."""
        if not isinstance(other, type(self)):
            return NotImplemented
        return (
            self.definition_id == other.definition_id
            and self.definition_version == other.definition_version
            and all(
                a.shape == b.shape and bool(np.all(a == b))
                for a, b in zip((self.category,), (other.category,), strict=True)
            )
            and list(self) == list(other)
        )

    def __hash__(self) -> int:
        """Hash of the definition and the categories."""
        cells = self.category.reshape(-1).tolist()
        return hash((self.definition_id, self.definition_version, self.shape, *cells))

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle support (the explained results are rebuilt on load)."""
        return (
            type(self),
            (self.category, self.definition_id, self.definition_version, self._build),
        )

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """Return the batch as JSON: its definition, inputs and categories.

        :meth:`model_validate_json` re-evaluates the definition on the inputs,
        so the explained results come back equal.
        """
        run = cast(_Run, getattr(self._build, "__self__", None))
        doc = {
            "type": type(self).__name__,
            "definition": run.definition.model_dump(mode="json"),
            "inputs": inputs_to_json(run.inp),
            "category": self.category.tolist(),
        }
        return json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> RenalResponseBatch:
        """Rebuild a batch written by :meth:`model_dump_json`.

        Raises
        ------
        InvalidValueError
            Not such a document, or categories that the definition does not
            give for the inputs (an edited file).
        """
        doc = load_batch_json(text, cls.__name__)
        definition = RenalResponseDefinition.model_validate(doc["definition"])
        inp = inputs_from_json(doc["inputs"], frozenset(INPUT_NAMES))
        run = _Run(definition, inp)
        batch = cls(
            category=run.labels(),
            definition_id=definition.id,
            definition_version=definition.version,
            _build=run.build,
        )
        if batch.category.tolist() != doc["category"]:
            raise InvalidValueError(
                field="category",
                value=describe(doc["category"]),
                expected="the categories the definition gives for these inputs",
            )
        return batch


def _evaluate_tier(
    tier: Tier, inp: Inputs
) -> tuple[Codes, tuple[tuple[str, PartEval], ...]]:
    evals = tuple((p.name or p.kind, p.evaluate(inp)) for p in tier.criteria)
    status = all_codes(*(e.status for _, e in evals))
    return np.broadcast_to(status, inp.shape), evals


def _categories(c: Codes | None, p: Codes | None, shape: tuple[int, ...]) -> Codes:
    out = np.full(shape, _NE, dtype=np.int8)
    if c is not None and p is not None:
        out[c == MET] = _COMPLETE
        out[(c == NOT_MET) & (p == MET)] = _PARTIAL
        out[(c == NOT_MET) & (p == NOT_MET)] = _NONE
    elif c is not None:
        out[c == MET] = _COMPLETE
        out[c == NOT_MET] = _NONE
    elif p is not None:
        out[p == MET] = _PARTIAL
        out[p == NOT_MET] = _NONE
    return out


def _summary(tier: TierResult) -> str:
    if tier.status is Status.MET:
        return f"{tier.label} met"
    bad = Status.NOT_MET if tier.status is Status.NOT_MET else Status.NOT_EVALUABLE
    parts = []
    for c in tier.criteria:
        if c.status is bad:
            short = c.name.split(".", 1)[1]
            parts.append(short if bad is Status.NOT_MET else f"{short}: {c.reason}")
    word = "not met" if bad is Status.NOT_MET else "not evaluable"
    return f"{tier.label} {word} ({'; '.join(parts)})"


class _Run:
    """Evaluated arrays for a definition; builds explained results per element."""

    def __init__(self, definition: RenalResponseDefinition, inp: Inputs) -> None:
        self.definition = definition
        self.inp = inp
        self.tiers: list[tuple[str, Tier, Codes, tuple[tuple[str, PartEval], ...]]]
        self.tiers = []
        codes: dict[str, Codes] = {}
        for name, tier in (
            ("complete", definition.complete),
            ("partial", definition.partial),
        ):
            if tier is None:
                continue
            status, evals = _evaluate_tier(tier, inp)
            codes[name] = status
            self.tiers.append((name, tier, status, evals))
        self.category = _categories(
            codes.get("complete"), codes.get("partial"), inp.shape
        )

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle as the definition and inputs; the arrays are re-evaluated."""
        return (_Run, (self.definition, self.inp))

    def labels(self) -> npt.NDArray[np.str_]:
        names = np.array([c.value for c in _CATEGORY_CODES])
        return names[self.category]

    def build(self, i: Index) -> RenalResponseResult:
        d = self.definition
        tiers: list[TierResult] = []
        for name, tier, status, evals in self.tiers:
            tiers.append(
                TierResult(
                    tier="complete" if name == "complete" else "partial",
                    label=tier.label,
                    status=status_of(status[i]),
                    criteria=tuple(e.build(i, f"{name}.{n}") for n, e in evals),
                    provisional=tier.provisional,
                    provisional_reason=tier.provisional_reason,
                )
            )
        category = _CATEGORY_CODES[int(self.category[i])]
        reason = self._reason(tiers, category)
        missing = _missing_inputs(d, self.inp, i, tiers)
        prov = [
            t
            for t in tiers
            if t.provisional
            and (t.tier == "complete" or category is not ResponseCategory.COMPLETE)
        ]
        return RenalResponseResult(
            category=category,
            definition_id=d.id,
            definition_version=d.version,
            tiers=tuple(tiers),
            reason=reason,
            missing_inputs=missing,
            provisional=bool(prov),
            provisional_reasons=tuple(
                f"{t.label}: {t.provisional_reason}" for t in prov
            ),
        )

    @staticmethod
    def _reason(tiers: list[TierResult], category: ResponseCategory) -> str:
        out: list[str] = []
        for t in tiers:
            out.append(_summary(t))
            if t.tier == "complete" and t.status is Status.MET:
                break
        if category is ResponseCategory.NOT_EVALUABLE and len(out) > 1:
            head = tiers[0]
            if head.status is Status.NOT_EVALUABLE and tiers[1].status is Status.MET:
                out.append(f"at least {tiers[1].tier}")
            elif head.status is Status.NOT_EVALUABLE:
                out = out[:1]
        return "; ".join(out)


def _missing_inputs(
    definition: RenalResponseDefinition, inp: Inputs, i: Index, tiers: list[TierResult]
) -> tuple[str, ...]:
    """Missing inputs named by a criterion that could not be evaluated."""
    reasons = " ".join(
        c.reason or ""
        for t in tiers
        for c in t.criteria
        if c.status is Status.NOT_EVALUABLE
    )
    return tuple(
        sorted(
            k
            for k in definition.inputs
            if np.isnan(inp.at(k, i))
            and re.search(rf"(?<![a-z_]){k}(?![a-z_])", reasons)
        )
    )


_Num = float | None
_Flag = bool | None
_ArrNum = npt.ArrayLike | None
_ArrFlag = npt.ArrayLike | None


@overload
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _Num,
    baseline_upcr_g_g: _Num,
    egfr: _Num,
    reference_egfr: _Num,
    prednisone_mg_day: _Num = ...,
    rescue_therapy: _Flag = ...,
    creatinine_mg_dl: _Num = ...,
    reference_creatinine_mg_dl: _Num = ...,
    creatinine_uln_mg_dl: _Num = ...,
    urine_rbc_hpf: _Num = ...,
    rbc_casts: _Flag = ...,
    egfr_decline_confirmed: _Flag = ...,
    steroid_days_above_ceiling: _Num = ...,
    steroid_consecutive_days_above_ceiling: _Num = ...,
    withdrawn: _Flag = ...,
) -> RenalResponseResult: ...
@overload
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _ArrNum,
    baseline_upcr_g_g: _ArrNum,
    egfr: _ArrNum,
    reference_egfr: _ArrNum,
    prednisone_mg_day: _ArrNum = ...,
    rescue_therapy: _ArrFlag = ...,
    creatinine_mg_dl: _ArrNum = ...,
    reference_creatinine_mg_dl: _ArrNum = ...,
    creatinine_uln_mg_dl: _ArrNum = ...,
    urine_rbc_hpf: _ArrNum = ...,
    rbc_casts: _ArrFlag = ...,
    egfr_decline_confirmed: _ArrFlag = ...,
    steroid_days_above_ceiling: _ArrNum = ...,
    steroid_consecutive_days_above_ceiling: _ArrNum = ...,
    withdrawn: _ArrFlag = ...,
) -> RenalResponseResult | RenalResponseBatch: ...
def classify_renal_response(
    definition: str | RenalResponseDefinition,
    *,
    upcr_g_g: _ArrNum,
    baseline_upcr_g_g: _ArrNum,
    egfr: _ArrNum,
    reference_egfr: _ArrNum,
    prednisone_mg_day: _ArrNum = None,
    rescue_therapy: _ArrFlag = None,
    creatinine_mg_dl: _ArrNum = None,
    reference_creatinine_mg_dl: _ArrNum = None,
    creatinine_uln_mg_dl: _ArrNum = None,
    urine_rbc_hpf: _ArrNum = None,
    rbc_casts: _ArrFlag = None,
    egfr_decline_confirmed: _ArrFlag = None,
    steroid_days_above_ceiling: _ArrNum = None,
    steroid_consecutive_days_above_ceiling: _ArrNum = None,
    withdrawn: _ArrFlag = None,
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
    prednisone_mg_day : float, array-like or None
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
    steroid_days_above_ceiling : int, array-like or None
        Days above the glucocorticoid ceiling in the window, in total.
    steroid_consecutive_days_above_ceiling : int, array-like or None
        Longest run of consecutive days above the glucocorticoid ceiling in the
        window, for definitions with day limits (AURORA 1).
    withdrawn : bool, array-like or None
        True if the participant withdrew or died before the assessment.

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
        that is not True / False / None, or shapes that do not broadcast.

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
    ...     prednisone_mg_day=7.5,
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
    d = resolve_definition(definition)
    numeric = {
        "upcr_g_g": upcr_g_g,
        "baseline_upcr_g_g": baseline_upcr_g_g,
        "egfr": egfr,
        "reference_egfr": reference_egfr,
        "prednisone_mg_day": prednisone_mg_day,
        "creatinine_mg_dl": creatinine_mg_dl,
        "reference_creatinine_mg_dl": reference_creatinine_mg_dl,
        "creatinine_uln_mg_dl": creatinine_uln_mg_dl,
        "urine_rbc_hpf": urine_rbc_hpf,
        "steroid_days_above_ceiling": steroid_days_above_ceiling,
        "steroid_consecutive_days_above_ceiling": (
            steroid_consecutive_days_above_ceiling
        ),
    }
    flags = {
        "rescue_therapy": rescue_therapy,
        "rbc_casts": rbc_casts,
        "egfr_decline_confirmed": egfr_decline_confirmed,
        "withdrawn": withdrawn,
    }
    inp, batch = coerce_inputs(numeric, flags, units=INPUT_UNITS, integer=_DAY_COUNTS)
    run = _Run(d, inp)
    if not batch:
        return run.build(())
    return RenalResponseBatch(
        category=run.labels(),
        definition_id=d.id,
        definition_version=d.version,
        _build=run.build,
    )
