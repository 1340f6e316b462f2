"""Renal flare: the flare family of the one engine (:mod:`._engine`).

A flare definition is a list of rules, highest grade first. A rule is met when
all its ``requires`` parts and at least one of its ``any_of`` parts are met
(three-valued logic). The category is the highest grade whose rule is met,
provided every higher rule is definitely not met; ``flare`` (the result's
``status``) says whether any rule is met at all. Flare parts share the part
base of the response parts (:mod:`._parts`), and definitions, results and
batches are the graded model, result and batch of the engine.

Shipped flare definitions are data files, ``flares/<id>.json`` in this package,
read through :func:`lupusscore.load_definition` (see :mod:`._shipped`):
``kdigo-2012`` (graded mild / moderate / severe, KDIGO 2012 Table 29),
``aurora-2`` (proteinuric flare), ``upcr-doubling``, ``creatinine-doubling`` and
``moroni-nephritic`` (creatinine rise with nephritic sediment).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, ClassVar, Final, Literal, cast

import numpy as np
import numpy.typing as npt
from pydantic import Field, model_validator

from lupusscore.response._definition import (
    Coverage,
    Grade,
    GradedDefinition,
    unique_names,
)
from lupusscore.response._deprecated import module_getattr, old_names_table
from lupusscore.response._engine import GradedBatch, GradedResult, TierResult, classify
from lupusscore.response._kernel import Index, Inputs, fmt
from lupusscore.response._parts import (
    ActiveSediment,
    CreatinineRiseFlare,
    FlarePart,
    HematuriaRise,
    NewCasts,
    UpcrRise,
)
from lupusscore.results import Comparator, FrozenModel, Status

__all__ = [
    "ActiveSediment",
    "CreatinineRiseFlare",
    "FlareCategory",
    "FlareRule",
    "FlareRuleResult",
    "HematuriaRise",
    "NewCasts",
    "RenalFlareBatch",
    "RenalFlareDefinition",
    "RenalFlareResult",
    "UpcrRise",
    "classify_renal_flare",
]

_PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class FlareCategory(StrEnum):
    """Renal flare category; graded definitions use mild / moderate / severe."""

    SEVERE = "severe"
    MODERATE = "moderate"
    MILD = "mild"
    FLARE = "flare"
    NONE = "none"
    NOT_EVALUABLE = "not_evaluable"


class FlareRule(FrozenModel):
    """One grade of a flare definition: all of *requires* and any of *any_of*."""

    grade: Literal["severe", "moderate", "mild", "flare"]
    any_of: tuple[FlarePart, ...] = Field(min_length=1)
    requires: tuple[FlarePart, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> FlareRule:
        unique_names((*self.any_of, *self.requires), self.grade)
        return self


class RenalFlareDefinition(GradedDefinition):
    """A renal flare definition: id, version, source and graded rules.

    Attributes
    ----------
    id, version, title, citation : str
        Identity and source.
    evidence : str, optional
        Verification tag.
    notes : tuple of str
        Interpretation choices.
    rules : tuple of FlareRule
        Highest grade first.
    reference_upcr_at_most_g_g : float, optional
        The definition covers only reference UPCRs at or below this (AURORA 2);
        above it the result is not evaluable.
    """

    WHAT: ClassVar[str] = "renal flare definition"

    notes: tuple[str, ...] = ()
    rules: tuple[FlareRule, ...] = Field(min_length=1)
    reference_upcr_at_most_g_g: _PositiveFloat | None = None

    def grades(self) -> tuple[Grade, ...]:
        """Return the graded view: one tier per rule, highest grade first."""
        return tuple(
            Grade(name=r.grade, label=r.grade, all_of=r.requires, any_of=r.any_of)
            for r in self.rules
        )

    def coverage(self, inp: Inputs) -> Coverage | None:
        """Return the references above ``reference_upcr_at_most_g_g`` (not covered)."""
        limit = self.reference_upcr_at_most_g_g
        if limit is None:
            return None
        ref = inp["reference_upcr_g_g"]

        def reason(i: Index) -> str:
            return (
                f"reference UPCR {fmt(float(ref[i]))} g/g is above {fmt(limit)} g/g, "
                "outside what the definition covers"
            )

        return Coverage(Comparator.GT.apply(ref, limit), reason)


#: One flare rule's result: the engine's tier result (``.grade`` is its tier).
FlareRuleResult = TierResult


class RenalFlareResult(GradedResult):
    """An explained renal flare result.

    Attributes
    ----------
    category : FlareCategory
        Highest grade met (``flare`` for ungraded definitions), ``none``, or
        ``not_evaluable``.
    status : Status
        Whether any rule is met (met even when the exact grade is not
        evaluable); also :attr:`flare`.
    definition_id, definition_version : str
        The definition applied.
    tiers : tuple of TierResult
        Each rule, highest grade first; also :attr:`rules`.
    reason : str
        Why, in one line.
    missing : tuple of str
        The missing inputs that left a criterion open, as data.
    """

    NAME_MET: ClassVar[bool] = True
    NAME_NOT_MET: ClassVar[bool] = False
    SHOW_LOWER: ClassVar[bool] = False

    category: FlareCategory

    @property
    def flare(self) -> Status:
        """Whether any rule is met (the result's :attr:`status`)."""
        return self.status

    @property
    def rules(self) -> tuple[TierResult, ...]:
        """Each rule's result, highest grade first (the result's :attr:`tiers`)."""
        return self.tiers


#: Every kernel input (numeric and flags) of classify_renal_flare.
FLARE_INPUT_NAMES: Final = (
    "upcr_g_g",
    "reference_upcr_g_g",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "urine_rbc_hpf",
    "reference_urine_rbc_hpf",
    "acanthocytes_hpf",
    "rbc_casts",
    "wbc_casts",
    "active_sediment",
)


class RenalFlareBatch(GradedBatch[RenalFlareResult]):
    """Per-element flare results for array inputs (see :class:`GradedBatch`)."""

    definition_type: ClassVar = RenalFlareDefinition
    result_type: ClassVar = RenalFlareResult
    input_names: ClassVar = FLARE_INPUT_NAMES

    @property
    def flare(self) -> npt.NDArray[np.str_]:
        """Whether any rule is met, per element (the batch's ``status``)."""
        return self.status

    def counts(self) -> dict[FlareCategory, int]:
        """Count the elements in each category."""
        return self._counts(FlareCategory)


def classify_renal_flare(
    definition: str | RenalFlareDefinition,
    *,
    upcr_g_g: npt.ArrayLike | None = None,
    reference_upcr_g_g: npt.ArrayLike | None = None,
    creatinine_mg_dl: npt.ArrayLike | None = None,
    reference_creatinine_mg_dl: npt.ArrayLike | None = None,
    urine_rbc_hpf: npt.ArrayLike | None = None,
    reference_urine_rbc_hpf: npt.ArrayLike | None = None,
    acanthocytes_hpf: npt.ArrayLike | None = None,
    rbc_casts: npt.ArrayLike | None = None,
    wbc_casts: npt.ArrayLike | None = None,
    active_sediment: npt.ArrayLike | None = None,
) -> RenalFlareResult | RenalFlareBatch:
    """Classify a renal flare against a reference (pre-flare / post-response) value.

    Parameters
    ----------
    definition : str or RenalFlareDefinition
        A shipped id (``"kdigo-2012"``, ``"aurora-2"``, ``"upcr-doubling"``,
        ``"creatinine-doubling"``, ``"moroni-nephritic"``) or a definition.
    upcr_g_g, reference_upcr_g_g : float, array-like or None
        UPCR now and at the reference, g/g.
    creatinine_mg_dl, reference_creatinine_mg_dl : float, array-like or None
        Serum creatinine now and at the reference, mg/dL.
    urine_rbc_hpf, reference_urine_rbc_hpf : float, array-like or None
        Urine red cells per high-power field now and at the reference.
    acanthocytes_hpf : float, array-like or None
        Acanthocytes per high-power field now.
    rbc_casts, wbc_casts : bool, array-like or None
        Red-cell / white-cell casts seen now (WBC casts without infection).
    active_sediment : bool, array-like or None
        Nephritic (active) urine sediment now.

    Returns
    -------
    RenalFlareResult or RenalFlareBatch
        A result for scalar inputs; a batch (``.category``, ``.flare`` arrays of
        strings, ``.result(i)``) when any input is array-like.

    Raises
    ------
    DefinitionError
        Unknown definition id.
    InvalidValueError
        Negative or infinite numbers, bad flags, or shapes that do not broadcast.

    Examples
    --------
    >>> now = {"upcr_g_g": 1.2, "creatinine_mg_dl": 1.0, "urine_rbc_hpf": 3}
    >>> before = {"reference_upcr_g_g": 0.3, "reference_creatinine_mg_dl": 0.9}
    >>> sediment = {"reference_urine_rbc_hpf": 2, "acanthocytes_hpf": 0}
    >>> casts = {"rbc_casts": False, "wbc_casts": False}
    >>> r = classify_renal_flare("kdigo-2012", **now, **before, **sediment, **casts)
    >>> r.category.value, r.reason
    ('moderate', 'severe not met; moderate met (upcr_low_band)')
    >>> ls_r = classify_renal_flare("upcr-doubling", upcr_g_g=1.2)
    >>> ls_r.category.value, ls_r.missing
    ('not_evaluable', ('reference_upcr_g_g',))
    """
    # The keyword inputs by their vocabulary names (the parameters, nothing else).
    values = {k: v for k, v in locals().items() if k != "definition"}
    from lupusscore.response._shipped import resolve_flare_definition  # noqa: PLC0415

    d = resolve_flare_definition(definition)
    return cast(
        "RenalFlareResult | RenalFlareBatch", classify(d, values, RenalFlareBatch)
    )


# --- Old constant names (deprecated) ----------------------------------------------
#
# The flare thresholds and sources used to be module constants here, beside the
# Python builders of the shipped flare definitions. They now live in the files
# ``flares/<id>.json``; the old names stay importable for one release, read from
# the loaded data with a DeprecationWarning. Each maps to (flare id, path):
# ``citation``, a top-level field, or ``rules.<grade>.<criterion>.<field>`` (the
# field ``range`` gives (increase_min, increase_max)).

_OLD_NAMES: Final = old_names_table(
    """
KDIGO_2012_TABLE_29 kdigo-2012 citation
AURORA_2 aurora-2 citation
ALMS_MAINTENANCE upcr-doubling citation
HARD_KIDNEY_OUTCOME creatinine-doubling citation
ITALIAN_COHORT moroni-nephritic citation
KDIGO_SCR_BAND_MG_DL kdigo-2012 rules.severe.creatinine_low_band.reference_max
KDIGO_MILD_RBC_FROM kdigo-2012 rules.mild.hematuria_rise.reference_below
KDIGO_MILD_RBC_TO kdigo-2012 rules.mild.hematuria_rise.rise_above
KDIGO_MILD_ACANTHOCYTES kdigo-2012 rules.mild.hematuria_rise.min_acanthocytes
KDIGO_MOD_SCR_LOW kdigo-2012 rules.moderate.creatinine_low_band.range
KDIGO_MOD_SCR_HIGH kdigo-2012 rules.moderate.creatinine_high_band.range
KDIGO_SEV_SCR_LOW kdigo-2012 rules.severe.creatinine_low_band.increase_min
KDIGO_SEV_SCR_HIGH kdigo-2012 rules.severe.creatinine_high_band.increase_min
KDIGO_UPCR_BAND_LOW kdigo-2012 rules.moderate.upcr_low_band.reference_max
KDIGO_UPCR_BAND_HIGH kdigo-2012 rules.moderate.upcr_high_band.reference_min
KDIGO_MOD_UPCR_TO_LOW kdigo-2012 rules.moderate.upcr_low_band.threshold
KDIGO_MOD_UPCR_TO_MID kdigo-2012 rules.moderate.upcr_mid_band.threshold
KDIGO_MOD_UPCR_FOLD kdigo-2012 rules.moderate.upcr_high_band.threshold
KDIGO_SEV_UPCR_INCREASE kdigo-2012 rules.severe.upcr_increase.threshold
AURORA2_BAND aurora-2 rules.flare.upcr_low_band.reference_max
AURORA2_COVERED_MAX aurora-2 reference_upcr_at_most_g_g
AURORA2_TO_LOW aurora-2 rules.flare.upcr_low_band.threshold
AURORA2_TO_HIGH aurora-2 rules.flare.upcr_high_band.threshold
DOUBLING upcr-doubling rules.flare.upcr_rise.threshold
CREATININE_DOUBLING_RISE creatinine-doubling rules.flare.creatinine_rise.increase_min
ITALIAN_NEPHRITIC_RISE moroni-nephritic rules.flare.creatinine_rise.increase_min
"""
)


def _load(definition_id: str) -> RenalFlareDefinition:
    from lupusscore.response._shipped import get_flare_definition  # noqa: PLC0415

    return get_flare_definition(definition_id)


__getattr__ = module_getattr(
    __name__,
    _OLD_NAMES,
    _load,
    lambda i: (
        f"flares/{i}.json: read it from lupusscore.response.get_flare_definition({i!r})"
    ),
)
