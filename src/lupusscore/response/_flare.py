"""Renal flare definitions as data, and one explained, vectorised evaluator.

A flare definition is a list of rules, highest grade first. A rule is met when
all its ``requires`` parts and at least one of its ``any_of`` parts are met
(three-valued logic). The category is the highest grade whose rule is met,
provided every higher rule is definitely not met; ``flare`` says whether any
rule is met at all.

Shipped flare definitions: ``kdigo-2012`` (graded mild / moderate / severe,
KDIGO 2012 Table 29), ``aurora-2`` (proteinuric flare), ``upcr-doubling``,
``creatinine-doubling`` and ``moroni-nephritic`` (creatinine rise with
nephritic sediment).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Final, Literal, cast

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lupusscore._checks import describe
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.response._kernel import (
    ABOVE,
    BELOW,
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    Codes,
    Floats,
    Index,
    Inputs,
    PartEval,
    all_codes,
    any_codes,
    batch_index,
    check_direction,
    coerce_inputs,
    criterion,
    decide,
    fmt,
    inputs_from_json,
    inputs_to_json,
    load_batch_json,
    ratio,
    status_of,
)
from lupusscore.results import Comparator, Criterion, Status

__all__ = [
    "FlareCategory",
    "FlareRule",
    "RenalFlareBatch",
    "RenalFlareDefinition",
    "RenalFlareResult",
    "classify_renal_flare",
    "get_flare_definition",
    "list_flare_definitions",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="constants")
_PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_PERCENT: Final = 100.0


class FlareCategory(StrEnum):
    """Renal flare category; graded definitions use mild / moderate / severe."""

    SEVERE = "severe"
    MODERATE = "moderate"
    MILD = "mild"
    FLARE = "flare"
    NONE = "none"
    NOT_EVALUABLE = "not_evaluable"


class _Band(BaseModel):
    """A flare part that applies to references within a band (inclusive per data)."""

    model_config = _FROZEN

    name: str | None = None
    citation: str = Field(min_length=1)
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

        def build(i: Index, name: str) -> Criterion:
            gone = [
                k for k in ("upcr_g_g", "reference_upcr_g_g") if np.isnan(inp[k][i])
            ]
            band = self._band_text("g/g")
            if gone:
                note = f"missing input: {', '.join(gone)}"
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

        return PartEval(status, build)


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

        def build(i: Index, name: str) -> Criterion:
            gone = [
                k
                for k in ("creatinine_mg_dl", "reference_creatinine_mg_dl")
                if np.isnan(inp[k][i])
            ]
            band = self._band_text("mg/dL")
            upper = (
                ""
                if self.increase_max is None
                else f" and {self.increase_max_comparator.value} "
                f"{fmt(self.increase_max * scale)}"
            )
            if gone:
                note = f"missing input: {', '.join(gone)}"
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

        return PartEval(status, build)


class HematuriaRise(BaseModel):
    """Glomerular haematuria rising from below one count to above another."""

    model_config = _FROZEN

    kind: Literal["hematuria_rise"] = "hematuria_rise"
    name: str | None = None
    citation: str = Field(min_length=1)
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

        def build(i: Index, name: str) -> Criterion:
            keys = ["urine_rbc_hpf", "reference_urine_rbc_hpf"]
            if self.min_acanthocytes is not None:
                keys.append("acanthocytes_hpf")
            gone = [k for k in keys if np.isnan(inp[k][i])]
            text = (
                f"red cells from < {fmt(self.reference_below)} to > "
                f"{fmt(self.rise_above)}/hpf"
            )
            if self.min_acanthocytes is not None:
                text += f" with >= {fmt(self.min_acanthocytes)} acanthocytes/hpf"
            note = f"missing input: {', '.join(gone)}; {text}" if gone else text
            return criterion(
                name,
                status[i],
                observed=inp.at("urine_rbc_hpf", i),
                threshold=self.rise_above,
                comparator=Comparator.GT,
                unit="/hpf",
                reason=note,
                source=self.citation,
            )

        return PartEval(status, build)


class NewCasts(BaseModel):
    """Recurrence of red-cell and/or white-cell casts (no infection)."""

    model_config = _FROZEN

    kind: Literal["new_casts"] = "new_casts"
    name: str | None = None
    citation: str = Field(min_length=1)

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        rbc, wbc = inp["rbc_casts"], inp["wbc_casts"]
        status = any_codes(
            decide(np.isnan(rbc), rbc == 1), decide(np.isnan(wbc), wbc == 1)
        )

        def build(i: Index, name: str) -> Criterion:
            gone = [k for k in ("rbc_casts", "wbc_casts") if np.isnan(inp[k][i])]
            seen = [k for k in ("rbc_casts", "wbc_casts") if inp.at(k, i) == 1]
            note = (
                f"casts seen: {', '.join(seen)}"
                if seen
                else (f"missing input: {', '.join(gone)}" if gone else "no casts")
            )
            return criterion(name, status[i], reason=note, source=self.citation)

        return PartEval(status, build)


class ActiveSediment(BaseModel):
    """Nephritic (active) urine sediment, as judged by the investigator."""

    model_config = _FROZEN

    kind: Literal["active_sediment"] = "active_sediment"
    name: str | None = None
    citation: str = Field(min_length=1)

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

        return PartEval(status, build)


FlarePart = Annotated[
    UpcrRise | CreatinineRiseFlare | HematuriaRise | NewCasts | ActiveSediment,
    Field(discriminator="kind"),
]


class FlareRule(BaseModel):
    """One grade of a flare definition: all of *requires* and any of *any_of*."""

    model_config = _FROZEN

    grade: Literal["severe", "moderate", "mild", "flare"]
    any_of: tuple[FlarePart, ...] = Field(min_length=1)
    requires: tuple[FlarePart, ...] = ()

    @model_validator(mode="after")
    def _unique(self) -> FlareRule:
        names = [p.name or p.kind for p in (*self.any_of, *self.requires)]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            msg = f"{self.grade}: criterion names must be unique; repeated {dup}"
            raise DefinitionError(msg, field="name")
        return self


class RenalFlareDefinition(BaseModel):
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

    model_config = _FROZEN

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    evidence: str | None = None
    notes: tuple[str, ...] = ()
    rules: tuple[FlareRule, ...] = Field(min_length=1)
    reference_upcr_at_most_g_g: _PositiveFloat | None = None


class FlareRuleResult(BaseModel):
    """One rule's status and its criteria."""

    model_config = _FROZEN

    grade: str
    status: Status
    criteria: tuple[Criterion, ...]


class RenalFlareResult(BaseModel):
    """An explained renal flare result.

    Attributes
    ----------
    category : FlareCategory
        Highest grade met (``flare`` for ungraded definitions), ``none``, or
        ``not_evaluable``.
    flare : Status
        Whether any rule is met (met even when the exact grade is not
        evaluable).
    definition_id, definition_version : str
        The definition applied.
    rules : tuple of FlareRuleResult
        Each rule, highest grade first.
    reason : str
        Why, in one line.
    """

    model_config = _FROZEN

    category: FlareCategory
    flare: Status
    definition_id: str
    definition_version: str
    rules: tuple[FlareRuleResult, ...]
    reason: str

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """Every criterion of every rule, named ``"<grade>.<criterion>"``."""
        return tuple(c for r in self.rules for c in r.criteria)


@dataclass(frozen=True)
class RenalFlareBatch:
    """Per-element flare results for array inputs (see :class:`RenalResponseBatch`)."""

    category: npt.NDArray[np.str_]
    flare: npt.NDArray[np.str_]
    definition_id: str
    definition_version: str
    _build: Callable[[Index], RenalFlareResult]

    @property
    def shape(self) -> tuple[int, ...]:
        """The broadcast shape of the inputs."""
        return tuple(self.category.shape)

    def __len__(self) -> int:
        return int(self.category.size)

    def result(self, index: int | tuple[int, ...]) -> RenalFlareResult:
        """Return the explained result of one element."""
        return self._build(batch_index(index, self.shape))

    def __iter__(self) -> Iterator[RenalFlareResult]:
        """Explained results in C order."""
        for i in range(len(self)):
            yield self.result(i)

    def __eq__(self, other: object) -> bool:
        """Equal when of one definition with equal categories and results."""
        if not isinstance(other, type(self)):
            return NotImplemented
        return (
            self.definition_id == other.definition_id
            and self.definition_version == other.definition_version
            and all(
                a.shape == b.shape and bool(np.all(a == b))
                for a, b in zip(
                    (self.category, self.flare),
                    (other.category, other.flare),
                    strict=True,
                )
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
            (
                self.category,
                self.flare,
                self.definition_id,
                self.definition_version,
                self._build,
            ),
        )

    def model_dump_json(self, *, indent: int | None = None) -> str:
        """Return the batch as JSON: its definition, inputs and categories.

        :meth:`model_validate_json` re-evaluates the definition on the inputs,
        so the explained results come back equal.
        """
        run = cast(_FlareRun, getattr(self._build, "__self__", None))
        doc = {
            "type": type(self).__name__,
            "definition": run.d.model_dump(mode="json"),
            "inputs": inputs_to_json(run.inp),
            "category": self.category.tolist(),
            "flare": self.flare.tolist(),
        }
        return json.dumps(doc, indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def model_validate_json(cls, text: str | bytes) -> RenalFlareBatch:
        """Rebuild a batch written by :meth:`model_dump_json`.

        Raises
        ------
        InvalidValueError
            Not such a document, or categories that the definition does not
            give for the inputs (an edited file).
        """
        doc = load_batch_json(text, cls.__name__)
        definition = RenalFlareDefinition.model_validate(doc["definition"])
        inp = inputs_from_json(doc["inputs"], frozenset(_FLARE_INPUTS))
        run = _FlareRun(definition, inp)
        cats, flares = run.labels()
        batch = cls(
            category=cats,
            flare=flares,
            definition_id=definition.id,
            definition_version=definition.version,
            _build=run.build,
        )
        if cats.tolist() != doc["category"] or flares.tolist() != doc["flare"]:
            raise InvalidValueError(
                field="category",
                value=describe(doc["category"]),
                expected="the categories the definition gives for these inputs",
            )
        return batch


# --- Shipped flare definitions -------------------------------------------------

KDIGO_2012_TABLE_29: Final = (
    "KDIGO Clinical Practice Guideline for Glomerulonephritis. Kidney Int Suppl "
    "2012;2:139-274, Table 29 (criteria for the diagnosis and classification of "
    "relapses of LN)"
)
AURORA_2: Final = (
    "AURORA 2 continuation study of voclosporin (NCT03597464): adjudicated "
    "proteinuric flare; Lupus Sci Med 2024;11(Suppl 2):A85"
)
ALMS_MAINTENANCE: Final = (
    "Dooley MA et al. Mycophenolate versus azathioprine as maintenance therapy "
    "for lupus nephritis (ALMS maintenance). N Engl J Med 2011;365:1886-95 "
    "(proteinuric flare: doubling of UPCR)"
)
HARD_KIDNEY_OUTCOME: Final = (
    "Doubling of serum creatinine as a hard kidney outcome, as used in BLISS-LN "
    "(Furie R et al. N Engl J Med 2020;383:1117-28) and NOBILITY post hoc analyses"
)
ITALIAN_COHORT: Final = (
    "Kidney-event definitions of the Italian lupus nephritis cohort (Moroni / "
    "Ponticelli), Table 1 of PMC9386217: nephritic flare, serum creatinine up "
    ">= 30% over the last value with nephritic urinary sediment"
)

#: KDIGO 2012 Table 29 numbers (mg/dL for creatinine, g/g for uPCR).
KDIGO_SCR_BAND_MG_DL: Final = 2.0
KDIGO_MILD_RBC_FROM: Final = 5.0
KDIGO_MILD_RBC_TO: Final = 15.0
KDIGO_MILD_ACANTHOCYTES: Final = 2.0
KDIGO_MOD_SCR_LOW: Final = (0.20, 1.0)
KDIGO_MOD_SCR_HIGH: Final = (0.40, 1.5)
KDIGO_SEV_SCR_LOW: Final = 1.0
KDIGO_SEV_SCR_HIGH: Final = 1.5
KDIGO_UPCR_BAND_LOW: Final = 0.5
KDIGO_UPCR_BAND_HIGH: Final = 1.0
KDIGO_MOD_UPCR_TO_LOW: Final = 1.0
KDIGO_MOD_UPCR_TO_MID: Final = 2.0
KDIGO_MOD_UPCR_FOLD: Final = 2.0
KDIGO_SEV_UPCR_INCREASE: Final = 5.0
#: AURORA 2: from < 0.2 to > 1 mg/mg; from 0.2-1.0 to > 2 mg/mg. [V]
AURORA2_BAND: Final = 0.2
AURORA2_COVERED_MAX: Final = 1.0
AURORA2_TO_LOW: Final = 1.0
AURORA2_TO_HIGH: Final = 2.0
#: Doubling: a fold rise of 2.
DOUBLING: Final = 2.0
#: Creatinine doubling as a rise of 100%.
CREATININE_DOUBLING_RISE: Final = 1.0
#: Italian cohort nephritic flare: creatinine up >= 30%. [V]
ITALIAN_NEPHRITIC_RISE: Final = 0.30


def _kdigo_2012() -> RenalFlareDefinition:
    c = KDIGO_2012_TABLE_29
    low = {"reference_max": KDIGO_SCR_BAND_MG_DL, "reference_max_comparator": "<"}
    high = {"reference_min": KDIGO_SCR_BAND_MG_DL, "reference_min_comparator": ">="}
    return RenalFlareDefinition.model_validate(
        {
            "id": "kdigo-2012",
            "version": "1",
            "title": "KDIGO 2012 lupus nephritis relapse (mild / moderate / severe)",
            "citation": c,
            "evidence": "[V] (KDIGO 2012 Table 29)",
            "notes": [
                "The highest grade met is reported. The table's upper caps on the "
                "moderate uPCR grade only separate it from severe; a reference "
                "uPCR > 1 g/g that at least doubles to >= 5 g/g with an increase "
                "<= 5 g/g is graded moderate here (read literally the table "
                "leaves it ungraded).",
                "Mild: glomerular haematuria from < 5 to > 15 RBC/hpf with >= 2 "
                "acanthocytes/hpf, and/or recurrence of RBC or WBC casts.",
            ],
            "rules": [
                {
                    "grade": "severe",
                    "any_of": [
                        {
                            "kind": "creatinine_rise",
                            "name": "creatinine_low_band",
                            "rule": "increase",
                            "increase_min": KDIGO_SEV_SCR_LOW,
                            "increase_min_comparator": ">",
                            "citation": c,
                            **low,
                        },
                        {
                            "kind": "creatinine_rise",
                            "name": "creatinine_high_band",
                            "rule": "increase",
                            "increase_min": KDIGO_SEV_SCR_HIGH,
                            "increase_min_comparator": ">",
                            "citation": c,
                            **high,
                        },
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_increase",
                            "rule": "increase",
                            "threshold": KDIGO_SEV_UPCR_INCREASE,
                            "comparator": ">",
                            "citation": c,
                        },
                    ],
                },
                {
                    "grade": "moderate",
                    "any_of": [
                        {
                            "kind": "creatinine_rise",
                            "name": "creatinine_low_band",
                            "rule": "increase",
                            "increase_min": KDIGO_MOD_SCR_LOW[0],
                            "increase_max": KDIGO_MOD_SCR_LOW[1],
                            "citation": c,
                            **low,
                        },
                        {
                            "kind": "creatinine_rise",
                            "name": "creatinine_high_band",
                            "rule": "increase",
                            "increase_min": KDIGO_MOD_SCR_HIGH[0],
                            "increase_max": KDIGO_MOD_SCR_HIGH[1],
                            "citation": c,
                            **high,
                        },
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_low_band",
                            "rule": "to_level",
                            "threshold": KDIGO_MOD_UPCR_TO_LOW,
                            "reference_max": KDIGO_UPCR_BAND_LOW,
                            "reference_max_comparator": "<",
                            "citation": c,
                        },
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_mid_band",
                            "rule": "to_level",
                            "threshold": KDIGO_MOD_UPCR_TO_MID,
                            "reference_min": KDIGO_UPCR_BAND_LOW,
                            "reference_max": KDIGO_UPCR_BAND_HIGH,
                            "reference_max_comparator": "<=",
                            "citation": c,
                        },
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_high_band",
                            "rule": "fold",
                            "threshold": KDIGO_MOD_UPCR_FOLD,
                            "reference_min": KDIGO_UPCR_BAND_HIGH,
                            "reference_min_comparator": ">",
                            "citation": c,
                        },
                    ],
                },
                {
                    "grade": "mild",
                    "any_of": [
                        {
                            "kind": "hematuria_rise",
                            "reference_below": KDIGO_MILD_RBC_FROM,
                            "rise_above": KDIGO_MILD_RBC_TO,
                            "min_acanthocytes": KDIGO_MILD_ACANTHOCYTES,
                            "citation": c,
                        },
                        {"kind": "new_casts", "citation": c},
                    ],
                },
            ],
        }
    )


def _aurora_2() -> RenalFlareDefinition:
    c = AURORA_2
    return RenalFlareDefinition.model_validate(
        {
            "id": "aurora-2",
            "version": "1",
            "title": "AURORA 2 proteinuric renal flare",
            "citation": c,
            "evidence": "[V] (abstract)",
            "notes": [
                "The reference is the post-response UPCR; references above 1.0 "
                "mg/mg are not covered by the definition (not evaluable).",
                "Flares were adjudicated in the trial; this checks the numbers.",
            ],
            "reference_upcr_at_most_g_g": AURORA2_COVERED_MAX,
            "rules": [
                {
                    "grade": "flare",
                    "any_of": [
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_low_band",
                            "rule": "to_level",
                            "threshold": AURORA2_TO_LOW,
                            "comparator": ">",
                            "reference_max": AURORA2_BAND,
                            "reference_max_comparator": "<",
                            "citation": c,
                        },
                        {
                            "kind": "upcr_rise",
                            "name": "upcr_high_band",
                            "rule": "to_level",
                            "threshold": AURORA2_TO_HIGH,
                            "comparator": ">",
                            "reference_min": AURORA2_BAND,
                            "reference_max": AURORA2_COVERED_MAX,
                            "reference_max_comparator": "<=",
                            "citation": c,
                        },
                    ],
                }
            ],
        }
    )


def _upcr_doubling() -> RenalFlareDefinition:
    return RenalFlareDefinition.model_validate(
        {
            "id": "upcr-doubling",
            "version": "1",
            "title": "Proteinuric flare: doubling of UPCR",
            "citation": ALMS_MAINTENANCE,
            "evidence": "[S] (one secondary trial table)",
            "rules": [
                {
                    "grade": "flare",
                    "any_of": [
                        {
                            "kind": "upcr_rise",
                            "rule": "fold",
                            "threshold": DOUBLING,
                            "citation": ALMS_MAINTENANCE,
                        }
                    ],
                }
            ],
        }
    )


def _creatinine_doubling() -> RenalFlareDefinition:
    return RenalFlareDefinition.model_validate(
        {
            "id": "creatinine-doubling",
            "version": "1",
            "title": "Doubling of serum creatinine",
            "citation": HARD_KIDNEY_OUTCOME,
            "evidence": "[V] (abstracts)",
            "notes": [
                "Sustained doubling needs a confirming later value; this "
                "checks one assessment."
            ],
            "rules": [
                {
                    "grade": "flare",
                    "any_of": [
                        {
                            "kind": "creatinine_rise",
                            "rule": "relative",
                            "increase_min": CREATININE_DOUBLING_RISE,
                            "citation": HARD_KIDNEY_OUTCOME,
                        }
                    ],
                }
            ],
        }
    )


def _moroni_nephritic() -> RenalFlareDefinition:
    c = ITALIAN_COHORT
    return RenalFlareDefinition.model_validate(
        {
            "id": "moroni-nephritic",
            "version": "1",
            "title": "Nephritic flare: creatinine up >= 30% with nephritic sediment",
            "citation": c,
            "evidence": "[V] (cohort definitions table)",
            "notes": [
                "The reference is the last value before the assessment; "
                "'nephritic sediment' is the active_sediment input."
            ],
            "rules": [
                {
                    "grade": "flare",
                    "any_of": [
                        {
                            "kind": "creatinine_rise",
                            "rule": "relative",
                            "increase_min": ITALIAN_NEPHRITIC_RISE,
                            "citation": c,
                        }
                    ],
                    "requires": [{"kind": "active_sediment", "citation": c}],
                }
            ],
        }
    )


_FLARES: Final = {
    d.id: d
    for d in (
        _kdigo_2012(),
        _aurora_2(),
        _upcr_doubling(),
        _creatinine_doubling(),
        _moroni_nephritic(),
    )
}


def get_flare_definition(definition_id: str) -> RenalFlareDefinition:
    """Return a shipped renal flare definition.

    Raises
    ------
    DefinitionError
        Unknown id.

    Examples
    --------
    >>> get_flare_definition("kdigo-2012").rules[0].grade
    'severe'
    """
    given: object = definition_id  # runtime guard for untyped callers
    found = _FLARES.get(given) if isinstance(given, str) else None
    if found is None:
        msg = (
            f"unknown renal flare definition {describe(given)}; shipped: "
            f"{', '.join(_FLARES)}"
        )
        raise DefinitionError(msg, definition=definition_id, field="definition")
    return found


def list_flare_definitions() -> tuple[RenalFlareDefinition, ...]:
    """Return every shipped renal flare definition.

    Examples
    --------
    >>> for d in list_flare_definitions():
    ...     print(d.id)
    kdigo-2012
    aurora-2
    upcr-doubling
    creatinine-doubling
    moroni-nephritic
    """
    return tuple(_FLARES.values())


_FLARE_UNITS: Final = {
    "upcr_g_g": "g/g",
    "reference_upcr_g_g": "g/g",
    "creatinine_mg_dl": "mg/dL",
    "reference_creatinine_mg_dl": "mg/dL",
    "urine_rbc_hpf": "/hpf",
    "reference_urine_rbc_hpf": "/hpf",
    "acanthocytes_hpf": "/hpf",
}
#: Every kernel input (numeric and flags) of classify_renal_flare.
_FLARE_INPUTS: Final = (
    *_FLARE_UNITS,
    "rbc_casts",
    "wbc_casts",
    "active_sediment",
)
_CAT_NONE: Final = -1
_CAT_NE: Final = -2


class _FlareRun:
    def __init__(self, d: RenalFlareDefinition, inp: Inputs) -> None:
        self.d, self.inp = d, inp
        self.rules: list[tuple[FlareRule, Codes, list[tuple[str, PartEval]]]] = []
        for rule in d.rules:
            evals = [(p.name or p.kind, p.evaluate(inp)) for p in rule.any_of]
            req = [(p.name or p.kind, p.evaluate(inp)) for p in rule.requires]
            status = any_codes(*(e.status for _, e in evals))
            if req:
                status = all_codes(status, *(e.status for _, e in req))
            status = np.broadcast_to(status, inp.shape).astype(np.int8)
            self.rules.append((rule, status, evals + req))
        n = len(self.rules)
        cat = np.full(inp.shape, _CAT_NONE, dtype=np.int16)  # or a rule index
        decided = np.zeros(inp.shape, dtype=np.bool_)
        for k, (_, status, _) in enumerate(self.rules):
            hit = ~decided & (status == MET)
            cat[hit] = k
            ne = ~decided & (status == NOT_EVALUABLE)
            cat[ne] = _CAT_NE
            decided |= hit | ne
        self.flare = any_codes(*(s for _, s, _ in self.rules)) if n else None
        if d.reference_upcr_at_most_g_g is not None:
            r = inp["reference_upcr_g_g"]
            outside = Comparator.GT.apply(r, d.reference_upcr_at_most_g_g)
            cat[outside] = _CAT_NE
            self.outside = outside
        else:
            self.outside = np.zeros(inp.shape, dtype=np.bool_)
        self.cat = cat

    def __reduce__(self) -> tuple[object, ...]:
        """Pickle as the definition and inputs; the arrays are re-evaluated."""
        return (_FlareRun, (self.d, self.inp))

    def category(self, i: Index) -> FlareCategory:
        k = int(self.cat[i])
        if k == _CAT_NONE:
            return FlareCategory.NONE
        if k == _CAT_NE:
            return FlareCategory.NOT_EVALUABLE
        return FlareCategory(self.rules[k][0].grade)

    def flare_status(self, i: Index) -> Status:
        if bool(self.outside[i]):
            return Status.NOT_EVALUABLE
        assert self.flare is not None
        return status_of(np.broadcast_to(self.flare, self.inp.shape)[i])

    def build(self, i: Index) -> RenalFlareResult:
        rules = tuple(
            FlareRuleResult(
                grade=rule.grade,
                status=status_of(status[i]),
                criteria=tuple(e.build(i, f"{rule.grade}.{n}") for n, e in evals),
            )
            for rule, status, evals in self.rules
        )
        category = self.category(i)
        return RenalFlareResult(
            category=category,
            flare=self.flare_status(i),
            definition_id=self.d.id,
            definition_version=self.d.version,
            rules=rules,
            reason=self._reason(i, rules, category),
        )

    def _reason(
        self, i: Index, rules: tuple[FlareRuleResult, ...], category: FlareCategory
    ) -> str:
        if bool(self.outside[i]):
            return (
                f"reference UPCR {fmt(self.inp.at('reference_upcr_g_g', i))} g/g is "
                f"above {fmt(self.d.reference_upcr_at_most_g_g or 0.0)} g/g, outside "
                "what the definition covers"
            )
        out = []
        for r in rules:
            if r.status is Status.MET:
                met = [
                    c.name.split(".", 1)[1]
                    for c in r.criteria
                    if c.status is Status.MET
                ]
                out.append(f"{r.grade} met ({', '.join(met)})")
                break
            if r.status is Status.NOT_EVALUABLE:
                ne = [
                    f"{c.name.split('.', 1)[1]}: {c.reason}"
                    for c in r.criteria
                    if c.status is Status.NOT_EVALUABLE
                ]
                out.append(f"{r.grade} not evaluable ({'; '.join(ne)})")
                if category is FlareCategory.NOT_EVALUABLE:
                    lower = [x.grade for x in rules if x.status is Status.MET]
                    if lower:
                        out.append(f"at least {lower[0]}")
                    break
            else:
                out.append(f"{r.grade} not met")
        return "; ".join(out)

    def labels(self) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.str_]]:
        grades = [r.grade for r, _, _ in self.rules]
        names = np.array([*grades, FlareCategory.NOT_EVALUABLE.value, "none"])
        # rule index k -> k; NE (-2) -> len; none (-1) -> len + 1
        idx = np.where(
            self.cat >= 0,
            self.cat,
            np.where(self.cat == _CAT_NE, len(grades), len(grades) + 1),
        )
        flare = np.broadcast_to(
            self.flare if self.flare is not None else NOT_EVALUABLE, self.inp.shape
        )
        flare = np.where(self.outside, NOT_EVALUABLE, flare)
        statuses = np.array([status_of(c).value for c in (NOT_MET, NOT_EVALUABLE, MET)])
        return names[idx], statuses[flare]


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
    """
    given: object = definition  # runtime guard for untyped callers
    if isinstance(given, RenalFlareDefinition):
        d = given
    elif isinstance(given, str):
        d = get_flare_definition(given)
    else:
        msg = (
            "definition: expected a flare definition id or a RenalFlareDefinition, "
            f"got {type(given).__name__}"
        )
        raise DefinitionError(msg, field="definition")
    numeric = {
        "upcr_g_g": upcr_g_g,
        "reference_upcr_g_g": reference_upcr_g_g,
        "creatinine_mg_dl": creatinine_mg_dl,
        "reference_creatinine_mg_dl": reference_creatinine_mg_dl,
        "urine_rbc_hpf": urine_rbc_hpf,
        "reference_urine_rbc_hpf": reference_urine_rbc_hpf,
        "acanthocytes_hpf": acanthocytes_hpf,
    }
    flags = {
        "rbc_casts": rbc_casts,
        "wbc_casts": wbc_casts,
        "active_sediment": active_sediment,
    }
    inp, batch = coerce_inputs(numeric, flags, units=_FLARE_UNITS)
    run = _FlareRun(d, inp)
    if not batch:
        return run.build(())
    cats, flares = run.labels()
    return RenalFlareBatch(
        category=cats,
        flare=flares,
        definition_id=d.id,
        definition_version=d.version,
        _build=run.build,
    )
