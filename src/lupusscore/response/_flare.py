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
from pydantic import Field, field_validator, model_validator

from lupusscore.response._definition import (
    Coverage,
    Grade,
    GradedDefinition,
    unique_names,
)
from lupusscore.response._engine import GradedBatch, GradedResult, TierResult, classify
from lupusscore.response._kernel import (
    ABOVE,
    BELOW,
    NOT_EVALUABLE,
    NOT_MET,
    Floats,
    Index,
    Inputs,
    PartEval,
    all_codes,
    any_codes,
    check_direction,
    criterion,
    decide,
    fmt,
    gone,
    missing_text,
    ratio,
)
from lupusscore.response._parts import _Part
from lupusscore.results import Comparator, Criterion, FrozenModel, Status
from lupusscore.vocabulary import input_unit

__all__ = [
    "FlareCategory",
    "FlareRule",
    "FlareRuleResult",
    "RenalFlareBatch",
    "RenalFlareDefinition",
    "RenalFlareResult",
    "classify_renal_flare",
]

_PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_PERCENT: Final = 100.0
_HPF: Final = input_unit("urine_rbc_hpf")


class FlareCategory(StrEnum):
    """Renal flare category; graded definitions use mild / moderate / severe."""

    SEVERE = "severe"
    MODERATE = "moderate"
    MILD = "mild"
    FLARE = "flare"
    NONE = "none"
    NOT_EVALUABLE = "not_evaluable"


class _Band(_Part):
    """A flare part that applies to references within a band (inclusive per data)."""

    reference_min: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    reference_min_comparator: Comparator = Comparator.GE
    reference_max: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    reference_max_comparator: Comparator = Comparator.LT

    @field_validator("reference_min_comparator")
    @classmethod
    def _check_min(cls, value: Comparator) -> Comparator:
        return check_direction(value, ABOVE, "reference_min_comparator")

    @field_validator("reference_max_comparator")
    @classmethod
    def _check_max(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "reference_max_comparator")

    def _in_band(self, ref: Floats) -> npt.NDArray[np.bool_]:
        ok = np.ones(ref.shape, dtype=np.bool_)
        if self.reference_min is not None:
            ok &= self.reference_min_comparator.apply(ref, self.reference_min)
        if self.reference_max is not None:
            ok &= self.reference_max_comparator.apply(ref, self.reference_max)
        return ok

    def _band_text(self, unit: str) -> str:
        lo = (
            ""
            if self.reference_min is None
            else f"reference {self.reference_min_comparator.value} "
            f"{fmt(self.reference_min)} {unit}"
        )
        hi = (
            ""
            if self.reference_max is None
            else f"reference {self.reference_max_comparator.value} "
            f"{fmt(self.reference_max)} {unit}"
        )
        return " and ".join(x for x in (lo, hi) if x) or "any reference"


class UpcrRise(_Band):
    """UPCR rise from a reference band: to a level, by a fold, or by an amount (g/g)."""

    kind: Literal["upcr_rise"] = "upcr_rise"
    rule: Literal["to_level", "fold", "increase"]
    threshold: _PositiveFloat
    comparator: Comparator = Comparator.GE

    @field_validator("comparator")
    @classmethod
    def _check_cmp(cls, value: Comparator) -> Comparator:
        return check_direction(value, ABOVE, "comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        u, r = inp["upcr_g_g"], inp["reference_upcr_g_g"]
        if self.rule == "to_level":
            obs = u
        elif self.rule == "fold":
            obs = ratio(u, r)
        else:
            obs = u - r
        hit = self.comparator.apply(obs, self.threshold)
        missing = np.isnan(u) | np.isnan(r) | np.isnan(obs)
        status = np.where(
            np.isnan(r),
            NOT_EVALUABLE,
            np.where(self._in_band(r), decide(missing, hit), NOT_MET),
        ).astype(np.int8)
        unit = {"to_level": "g/g", "fold": "x reference", "increase": "g/g"}[self.rule]
        what = {"to_level": "UPCR", "fold": "UPCR fold rise", "increase": "UPCR rise"}

        keys = ("upcr_g_g", "reference_upcr_g_g")

        def build(i: Index, name: str) -> Criterion:
            band = self._band_text("g/g")
            if gone(inp, i, *keys):
                note = missing_text(gone(inp, i, *keys))
            elif not bool(self._in_band(r)[i]):
                note = f"reference {fmt(r[i])} g/g outside this rule's band ({band})"
            else:
                note = (
                    f"{band}: {what[self.rule]} {self.comparator.value} "
                    f"{fmt(self.threshold)}"
                )
            return criterion(
                name,
                status[i],
                observed=float(obs[i]),
                threshold=self.threshold,
                comparator=self.comparator,
                unit=unit,
                reason=note,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, *keys))


class CreatinineRiseFlare(_Band):
    """Serum creatinine rise from a reference band, absolute (mg/dL) or relative.

    ``rule="increase"`` checks ``increase_min`` (and optional ``increase_max``)
    on the absolute rise in mg/dL; ``rule="relative"`` checks the rise as a
    fraction of the reference (``0.3`` = a 30% rise; ``1.0`` = doubling).
    """

    kind: Literal["creatinine_rise"] = "creatinine_rise"
    rule: Literal["increase", "relative"]
    increase_min: _PositiveFloat
    increase_min_comparator: Comparator = Comparator.GE
    increase_max: _PositiveFloat | None = None
    increase_max_comparator: Comparator = Comparator.LE

    @field_validator("increase_min_comparator")
    @classmethod
    def _check_lo(cls, value: Comparator) -> Comparator:
        return check_direction(value, ABOVE, "increase_min_comparator")

    @field_validator("increase_max_comparator")
    @classmethod
    def _check_hi(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "increase_max_comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        s, r = inp["creatinine_mg_dl"], inp["reference_creatinine_mg_dl"]
        obs = s - r if self.rule == "increase" else ratio(s, r) - 1.0
        hit = self.increase_min_comparator.apply(obs, self.increase_min)
        if self.increase_max is not None:
            hit &= self.increase_max_comparator.apply(obs, self.increase_max)
        missing = np.isnan(obs)
        status = np.where(
            np.isnan(r),
            NOT_EVALUABLE,
            np.where(self._in_band(r), decide(missing, hit), NOT_MET),
        ).astype(np.int8)
        relative = self.rule == "relative"
        scale = _PERCENT if relative else 1.0
        unit = "%" if relative else "mg/dL"

        keys = ("creatinine_mg_dl", "reference_creatinine_mg_dl")

        def build(i: Index, name: str) -> Criterion:
            band = self._band_text("mg/dL")
            upper = (
                ""
                if self.increase_max is None
                else f" and {self.increase_max_comparator.value} "
                f"{fmt(self.increase_max * scale)}"
            )
            if gone(inp, i, *keys):
                note = missing_text(gone(inp, i, *keys))
            elif not bool(self._in_band(r)[i]):
                note = f"reference {fmt(r[i])} mg/dL outside this rule's band ({band})"
            else:
                note = (
                    f"{band}: rise {self.increase_min_comparator.value} "
                    f"{fmt(self.increase_min * scale)}{upper} {unit}"
                )
            return criterion(
                name,
                status[i],
                observed=float(obs[i]) * scale,
                threshold=self.increase_min * scale,
                comparator=self.increase_min_comparator,
                unit=unit,
                reason=note,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, *keys))


class HematuriaRise(_Part):
    """Glomerular haematuria rising from below one count to above another."""

    kind: Literal["hematuria_rise"] = "hematuria_rise"
    reference_below: _PositiveFloat
    rise_above: _PositiveFloat
    min_acanthocytes: _PositiveFloat | None = None

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        rbc, ref = inp["urine_rbc_hpf"], inp["reference_urine_rbc_hpf"]
        parts = [
            decide(np.isnan(ref), Comparator.LT.apply(ref, self.reference_below)),
            decide(np.isnan(rbc), Comparator.GT.apply(rbc, self.rise_above)),
        ]
        if self.min_acanthocytes is not None:
            a = inp["acanthocytes_hpf"]
            parts.append(
                decide(np.isnan(a), Comparator.GE.apply(a, self.min_acanthocytes))
            )
        status = all_codes(*parts)
        keys = ("urine_rbc_hpf", "reference_urine_rbc_hpf") + (
            ("acanthocytes_hpf",) if self.min_acanthocytes is not None else ()
        )

        def build(i: Index, name: str) -> Criterion:
            text = (
                f"red cells from < {fmt(self.reference_below)} to > "
                f"{fmt(self.rise_above)}/hpf"
            )
            if self.min_acanthocytes is not None:
                text += f" with >= {fmt(self.min_acanthocytes)} acanthocytes/hpf"
            missing = missing_text(gone(inp, i, *keys))
            note = f"{missing}; {text}" if missing else text
            return criterion(
                name,
                status[i],
                observed=inp.at("urine_rbc_hpf", i),
                threshold=self.rise_above,
                comparator=Comparator.GT,
                unit=_HPF,
                reason=note,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, *keys))


class NewCasts(_Part):
    """Recurrence of red-cell and/or white-cell casts (no infection)."""

    kind: Literal["new_casts"] = "new_casts"

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        rbc, wbc = inp["rbc_casts"], inp["wbc_casts"]
        status = any_codes(
            decide(np.isnan(rbc), rbc == 1), decide(np.isnan(wbc), wbc == 1)
        )

        keys = ("rbc_casts", "wbc_casts")

        def seen(i: Index) -> list[str]:
            return [k for k in keys if inp.at(k, i) == 1]

        def build(i: Index, name: str) -> Criterion:
            note = (
                f"casts seen: {', '.join(seen(i))}"
                if seen(i)
                else (missing_text(gone(inp, i, *keys)) or "no casts")
            )
            return criterion(name, status[i], reason=note, source=self.citation)

        return PartEval(status, build, lambda i: () if seen(i) else gone(inp, i, *keys))


class ActiveSediment(_Part):
    """Nephritic (active) urine sediment, as judged by the investigator."""

    kind: Literal["active_sediment"] = "active_sediment"

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        v = inp["active_sediment"]
        status = decide(np.isnan(v), v == 1)

        def build(i: Index, name: str) -> Criterion:
            x = inp.at("active_sediment", i)
            note = (
                "missing input: active_sediment"
                if np.isnan(x)
                else f"active sediment: {bool(x)}"
            )
            return criterion(name, status[i], reason=note, source=self.citation)

        return PartEval(status, build, lambda i: gone(inp, i, "active_sediment"))


FlarePart = Annotated[
    UpcrRise | CreatinineRiseFlare | HematuriaRise | NewCasts | ActiveSediment,
    Field(discriminator="kind"),
]


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
    >>> r = classify_renal_flare(
    ...     "kdigo-2012",
    ...     upcr_g_g=1.2,
    ...     reference_upcr_g_g=0.3,
    ...     creatinine_mg_dl=1.0,
    ...     reference_creatinine_mg_dl=0.9,
    ...     urine_rbc_hpf=3,
    ...     reference_urine_rbc_hpf=2,
    ...     acanthocytes_hpf=0,
    ...     rbc_casts=False,
    ...     wbc_casts=False,
    ... )
    >>> r.category.value, r.reason
    ('moderate', 'severe not met; moderate met (upcr_low_band)')
    >>> ls_r = classify_renal_flare("upcr-doubling", upcr_g_g=1.2)
    >>> ls_r.category.value, ls_r.missing
    ('not_evaluable', ('reference_upcr_g_g',))
    """
    from lupusscore.response._shipped import resolve_flare_definition  # noqa: PLC0415

    d = resolve_flare_definition(definition)
    values = {
        "upcr_g_g": upcr_g_g,
        "reference_upcr_g_g": reference_upcr_g_g,
        "creatinine_mg_dl": creatinine_mg_dl,
        "reference_creatinine_mg_dl": reference_creatinine_mg_dl,
        "urine_rbc_hpf": urine_rbc_hpf,
        "reference_urine_rbc_hpf": reference_urine_rbc_hpf,
        "acanthocytes_hpf": acanthocytes_hpf,
        "rbc_casts": rbc_casts,
        "wbc_casts": wbc_casts,
        "active_sediment": active_sediment,
    }
    return cast(
        "RenalFlareResult | RenalFlareBatch", classify(d, values, RenalFlareBatch)
    )
