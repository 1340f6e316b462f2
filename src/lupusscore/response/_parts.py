"""Criterion parts: the building blocks of a renal response definition.

Each part is a small frozen pydantic model with a ``kind`` tag (so a definition's
JSON schema is a clean discriminated union) and the data of one criterion:
threshold, comparator (``<`` vs ``<=`` is data), the reference it compares with,
and the citation of the number. Each part evaluates itself over broadcast
arrays of kernel inputs (see :mod:`lupusscore.response._kernel`) and explains
one element as a :class:`lupusscore.results.Criterion`.

Kernel inputs used by the parts (all in canonical units):

==============================  ==========================================
``upcr_g_g``                    UPCR at assessment, g/g
``baseline_upcr_g_g``           UPCR at the reference visit, g/g
``egfr``                        eGFR at assessment, mL/min/1.73 m²
``reference_egfr``              eGFR the definition compares with
``creatinine_mg_dl``            serum creatinine at assessment, mg/dL
``reference_creatinine_mg_dl``  serum creatinine the definition compares with
``creatinine_uln_mg_dl``        upper limit of normal of the creatinine assay
``urine_rbc_hpf``               urine red cells per high-power field
``rbc_casts``                   red-cell casts seen (True / False)
``prednisone_mg_day``           highest prednisone-equivalent dose in the window
``steroid_days_above_ceiling``  days above the ceiling in the window
``steroid_consecutive_days_above_ceiling``  longest run of such days
``rescue_therapy``              rescue / prohibited therapy given
``withdrawn``                   withdrew (or died) before the assessment
``egfr_decline_confirmed``      an eGFR fall failing every limb was confirmed
==============================  ==========================================
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from lupusscore.errors import DefinitionError
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
    check_direction,
    criterion,
    decide,
    fmt,
    gone,
    missing_text,
    ratio,
)
from lupusscore.results import Comparator, Criterion, FrozenModel
from lupusscore.vocabulary import EGFR_UNIT, input_unit

__all__ = [
    "EGFR_UNIT",
    "CreatinineRise",
    "EgfrStable",
    "GlucocorticoidCeiling",
    "InactiveSediment",
    "KidneyReference",
    "NephroticBaseline",
    "NoRescueTherapy",
    "NoWithdrawal",
    "Part",
    "UpcrBelow",
    "UpcrReduction",
]

_G_G: Final = input_unit("upcr_g_g")
_MG_DL: Final = input_unit("creatinine_mg_dl")
_HPF: Final = input_unit("urine_rbc_hpf")
_PCT: Final = "%"
_PERCENT: Final = 100.0
_GC_UNIT: Final = f"{input_unit('prednisone_mg_day')} prednisone-equivalent"

#: What a kidney-function part compares with: the value at the reference visit
#: (start of therapy / randomisation) or the value before the current flare.
KidneyReference = Literal["baseline", "pre_flare"]

_PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_Fraction = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]
_Days = Annotated[int, Field(ge=1)]


def _missing(inp: Inputs, index: Index, *names: str) -> str | None:
    return missing_text(gone(inp, index, *names))


class _Part(FrozenModel):
    """Fields every part (of a response tier or a flare grade) has."""

    name: str | None = Field(
        default=None,
        description="Criterion name in results (defaults to the part's kind).",
    )
    citation: str = Field(
        min_length=1, description="Source of this criterion and its numbers."
    )


class UpcrBelow(_Part):
    """UPCR below (``<``) or at most (``<=``) a threshold.

    The comparison is made in g/g. ``threshold_mg_mmol`` keeps the guideline's
    own figure in mg/mmol (KDIGO prints 0.5 g/g with 50 mg/mmol, a rounded
    pair); it is shown, never derived from or compared with.
    """

    kind: Literal["upcr_below"] = "upcr_below"
    threshold_g_g: _PositiveFloat
    comparator: Comparator = Comparator.LT
    threshold_mg_mmol: _PositiveFloat | None = Field(
        default=None, description="The guideline's own mg/mmol figure (display)."
    )
    published: str | None = Field(
        default=None, description="The threshold as the source prints it."
    )

    @field_validator("comparator")
    @classmethod
    def _check_comparator(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        u = inp["upcr_g_g"]
        status = decide(np.isnan(u), self.comparator.apply(u, self.threshold_g_g))

        def build(i: Index, name: str) -> Criterion:
            note = _missing(inp, i, "upcr_g_g")
            if note is None and self.threshold_mg_mmol is not None:
                note = (
                    f"compared in g/g; the source pairs {fmt(self.threshold_g_g)} "
                    f"g/g with {fmt(self.threshold_mg_mmol)} mg/mmol"
                )
            return criterion(
                name,
                status[i],
                observed=inp.at("upcr_g_g", i),
                threshold=self.threshold_g_g,
                comparator=self.comparator,
                unit=_G_G,
                reason=note,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, "upcr_g_g"))


def _reduction(inp: Inputs) -> tuple[Floats, Codes]:
    """Fractional UPCR reduction from the reference and a missing-data mask code."""
    u, b = inp["upcr_g_g"], inp["baseline_upcr_g_g"]
    red = 1.0 - ratio(u, b)
    missing = np.isnan(red)
    return red, np.where(missing, NOT_EVALUABLE, MET).astype(np.int8)


def _reduction_note(inp: Inputs, i: Index) -> str | None:
    note = _missing(inp, i, "upcr_g_g", "baseline_upcr_g_g")
    if note is None and inp.at("baseline_upcr_g_g", i) == 0:
        return "baseline_upcr_g_g is 0: a reduction from 0 is undefined"
    return note


class UpcrReduction(_Part):
    """UPCR reduced by at least a fraction of the reference-visit UPCR."""

    kind: Literal["upcr_reduction"] = "upcr_reduction"
    min_fraction: _Fraction = Field(description="e.g. 0.5 for a >= 50% reduction.")
    comparator: Comparator = Comparator.GE

    @field_validator("comparator")
    @classmethod
    def _check_comparator(cls, value: Comparator) -> Comparator:
        return check_direction(value, ABOVE, "comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        red, _ = _reduction(inp)
        status = decide(np.isnan(red), self.comparator.apply(red, self.min_fraction))

        def build(i: Index, name: str) -> Criterion:
            return criterion(
                name,
                status[i],
                observed=float(red[i]) * _PERCENT,
                threshold=self.min_fraction * _PERCENT,
                comparator=self.comparator,
                unit=_PCT,
                reason=_reduction_note(inp, i),
                source=self.citation,
            )

        return PartEval(
            status, build, lambda i: gone(inp, i, "upcr_g_g", "baseline_upcr_g_g")
        )


class NephroticBaseline(_Part):
    """Rule that depends on whether the reference UPCR was nephrotic-range.

    If the reference UPCR is nephrotic-range (``nephrotic_comparator``
    ``nephrotic_g_g``), the UPCR must fall below ``target_g_g``. Otherwise, if
    ``subnephrotic_min_reduction`` is set, it must fall by at least that
    fraction (ALMS); if not set, the rule does not apply and is met (KDIGO 2012).
    """

    kind: Literal["nephrotic_baseline"] = "nephrotic_baseline"
    nephrotic_g_g: _PositiveFloat
    nephrotic_comparator: Comparator = Comparator.GE
    target_g_g: _PositiveFloat
    target_comparator: Comparator = Comparator.LT
    subnephrotic_min_reduction: _Fraction | None = None
    reduction_comparator: Comparator = Comparator.GE

    @field_validator("nephrotic_comparator", "reduction_comparator")
    @classmethod
    def _check_above(cls, value: Comparator) -> Comparator:
        return check_direction(
            value, ABOVE, "nephrotic_comparator/reduction_comparator"
        )

    @field_validator("target_comparator")
    @classmethod
    def _check_below(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "target_comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        u, b = inp["upcr_g_g"], inp["baseline_upcr_g_g"]
        nephrotic = self.nephrotic_comparator.apply(b, self.nephrotic_g_g)
        target = decide(np.isnan(u), self.target_comparator.apply(u, self.target_g_g))
        red, _ = _reduction(inp)
        if self.subnephrotic_min_reduction is None:
            other = np.full(u.shape, MET, dtype=np.int8)
        else:
            other = decide(
                np.isnan(red),
                self.reduction_comparator.apply(red, self.subnephrotic_min_reduction),
            )
        status = np.where(
            np.isnan(b), NOT_EVALUABLE, np.where(nephrotic, target, other)
        ).astype(np.int8)

        def build(i: Index, name: str) -> Criterion:
            base = inp.at("baseline_upcr_g_g", i)
            if np.isnan(base):
                return criterion(
                    name,
                    status[i],
                    reason="missing input: baseline_upcr_g_g",
                    source=self.citation,
                )
            band = (
                f"baseline UPCR {fmt(base)} g/g "
                f"{self.nephrotic_comparator.value} {fmt(self.nephrotic_g_g)}"
            )
            if bool(nephrotic[i]):
                return criterion(
                    name,
                    status[i],
                    observed=inp.at("upcr_g_g", i),
                    threshold=self.target_g_g,
                    comparator=self.target_comparator,
                    unit=_G_G,
                    reason=_missing(inp, i, "upcr_g_g")
                    or f"{band} (nephrotic range): UPCR must fall below the target",
                    source=self.citation,
                )
            if self.subnephrotic_min_reduction is None:
                return criterion(
                    name,
                    status[i],
                    observed=base,
                    threshold=self.nephrotic_g_g,
                    comparator=self.nephrotic_comparator,
                    unit=_G_G,
                    reason="baseline below the nephrotic range: rule does not apply",
                    source=self.citation,
                )
            return criterion(
                name,
                status[i],
                observed=float(red[i]) * _PERCENT,
                threshold=self.subnephrotic_min_reduction * _PERCENT,
                comparator=self.reduction_comparator,
                unit=_PCT,
                reason=_reduction_note(inp, i)
                or "baseline below the nephrotic range: UPCR reduction required",
                source=self.citation,
            )

        def missing(i: Index) -> tuple[str, ...]:
            if np.isnan(b[i]):
                return ("baseline_upcr_g_g",)
            if bool(nephrotic[i]) or self.subnephrotic_min_reduction is not None:
                return gone(inp, i, "upcr_g_g")
            return ()

        return PartEval(status, build, missing)


class EgfrStable(_Part):
    """eGFR at least an absolute value, or no worse than a fraction below a reference.

    The part is met when any limb given is met: ``egfr >= at_least`` (absolute
    limb) or ``egfr / reference_egfr >= 1 - max_fall_fraction`` (relative limb).
    ``relative_only_below`` restricts the relative limb to references below that
    eGFR (EULAR 2019: prior baseline used only when it was abnormal). With
    ``confirmation_required`` (AURORA 1) a value failing every limb fails the part
    only when ``egfr_decline_confirmed`` is True; False means met, None not
    evaluable.
    """

    kind: Literal["egfr"] = "egfr"
    at_least: _PositiveFloat | None = None
    at_least_comparator: Comparator = Comparator.GE
    max_fall_fraction: _Fraction | None = None
    fall_comparator: Comparator = Comparator.GE
    reference: KidneyReference = "baseline"
    relative_only_below: _PositiveFloat | None = None
    confirmation_required: bool = False

    @field_validator("at_least_comparator", "fall_comparator")
    @classmethod
    def _check_above(cls, value: Comparator) -> Comparator:
        return check_direction(value, ABOVE, "at_least_comparator/fall_comparator")

    @model_validator(mode="after")
    def _check_limbs(self) -> EgfrStable:
        if self.at_least is None and self.max_fall_fraction is None:
            msg = "egfr part: give at_least, max_fall_fraction, or both"
            raise DefinitionError(msg, field="at_least")
        if self.relative_only_below is not None and self.max_fall_fraction is None:
            msg = "egfr part: relative_only_below needs max_fall_fraction"
            raise DefinitionError(msg, field="relative_only_below")
        return self

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        e, r = inp["egfr"], inp["reference_egfr"]
        limbs: list[Codes] = []
        if self.at_least is not None:
            limbs.append(
                decide(np.isnan(e), self.at_least_comparator.apply(e, self.at_least))
            )
        rel = ratio(e, r)
        if self.max_fall_fraction is not None:
            floor = 1.0 - self.max_fall_fraction
            rel_code = decide(np.isnan(rel), self.fall_comparator.apply(rel, floor))
            if self.relative_only_below is not None:
                applies = Comparator.LT.apply(r, self.relative_only_below)
                rel_code = np.where(
                    np.isnan(r), NOT_EVALUABLE, np.where(applies, rel_code, NOT_MET)
                ).astype(np.int8)
            limbs.append(rel_code)
        status = any_codes(*limbs)
        if self.confirmation_required:
            c = inp["egfr_decline_confirmed"]
            confirmed = np.where(
                np.isnan(c), NOT_EVALUABLE, np.where(c == 1, NOT_MET, MET)
            ).astype(np.int8)
            status = np.where(status == NOT_MET, confirmed, status).astype(np.int8)

        def build(i: Index, name: str) -> Criterion:
            return self._explain(inp, rel, status, i, name)

        def missing(i: Index) -> tuple[str, ...]:
            keys = self._keys()
            if gone(inp, i, *keys):
                return gone(inp, i, *keys)
            if self.confirmation_required and status[i] == NOT_EVALUABLE:
                return gone(inp, i, "egfr_decline_confirmed")
            return ()

        return PartEval(status, build, missing)

    def _keys(self) -> tuple[str, ...]:
        """Return the eGFR inputs whose absence leaves the part open."""
        if self.max_fall_fraction:
            return ("egfr", "reference_egfr")
        return ("egfr",)

    def _explain(
        self, inp: Inputs, rel: Floats, status: Codes, i: Index, name: str
    ) -> Criterion:
        e, r = inp.at("egfr", i), inp.at("reference_egfr", i)
        notes: list[str] = []
        threshold: float | None = self.at_least
        comparator = self.at_least_comparator if self.at_least is not None else None
        if self.at_least is not None:
            notes.append(
                f"eGFR {self.at_least_comparator.value} {fmt(self.at_least)}"
                + ("" if np.isnan(e) else f": observed {fmt(e)}")
            )
        if self.max_fall_fraction is not None:
            floor = 1.0 - self.max_fall_fraction
            pct = (
                "not computable"
                if np.isnan(rel[i])
                else f"observed {fmt(float(rel[i]) * _PERCENT)}%"
            )
            limb = (
                f"or eGFR {self.fall_comparator.value} {fmt(floor * _PERCENT)}% of "
                f"the {self.reference} value ({pct})"
            )
            if self.relative_only_below is not None:
                limb += (
                    f", applied only if the {self.reference} value is below "
                    f"{fmt(self.relative_only_below)}"
                )
            notes.append(limb if self.at_least is not None else limb[3:])
            if self.at_least is None and not np.isnan(r):
                threshold, comparator = floor * r, self.fall_comparator
        missing = _missing(inp, i, *self._keys())
        if self.confirmation_required and not np.isnan(
            inp.at("egfr_decline_confirmed", i)
        ):
            flag = bool(inp.at("egfr_decline_confirmed", i))
            notes.append(f"decline confirmed: {flag}")
        elif self.confirmation_required and status[i] == NOT_EVALUABLE and not missing:
            notes.append(
                "every limb failed; the fall must be confirmed: "
                "missing input: egfr_decline_confirmed"
            )
        text = "; ".join(notes)
        return criterion(
            name,
            status[i],
            observed=e,
            threshold=threshold,
            comparator=comparator,
            unit=EGFR_UNIT,
            reason=f"{missing}; {text}" if missing else text,
            source=self.citation,
        )


class CreatinineRise(_Part):
    """Serum creatinine at most a fraction above the reference, optionally vs ULN.

    The rise limb is ``creatinine / reference <= 1 + max_rise_fraction``
    (``max_rise_fraction=0`` means back to the reference). ``uln`` combines it
    with ``creatinine <= creatinine_uln_mg_dl``: ``"or"`` (LUNAR), ``"and"``
    (NOBILITY) or ``"ignore"``. With ``rise_only_if_reference_normal`` the rise
    limb applies only when the reference itself was at most the ULN.
    """

    kind: Literal["creatinine"] = "creatinine"
    max_rise_fraction: _NonNegativeFloat
    comparator: Comparator = Comparator.LE
    reference: KidneyReference = "baseline"
    uln: Literal["ignore", "or", "and"] = "ignore"
    rise_only_if_reference_normal: bool = False

    @field_validator("comparator")
    @classmethod
    def _check_comparator(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "comparator")

    @model_validator(mode="after")
    def _check_uln(self) -> CreatinineRise:
        if self.rise_only_if_reference_normal and self.uln == "ignore":
            msg = "creatinine part: rise_only_if_reference_normal needs uln 'or'/'and'"
            raise DefinitionError(msg, field="rise_only_if_reference_normal")
        return self

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        s, r = inp["creatinine_mg_dl"], inp["reference_creatinine_mg_dl"]
        uln = inp["creatinine_uln_mg_dl"]
        ceiling = 1.0 + self.max_rise_fraction
        rel = ratio(s, r)
        rise = decide(np.isnan(rel), self.comparator.apply(rel, ceiling))
        if self.uln == "ignore":
            status = rise
        else:
            at_uln = decide(np.isnan(s) | np.isnan(uln), Comparator.LE.apply(s, uln))
            if self.rise_only_if_reference_normal:
                ref_normal = decide(
                    np.isnan(r) | np.isnan(uln), Comparator.LE.apply(r, uln)
                )
                # where the reference was above the ULN only the ULN limb counts
                applies = ref_normal
            else:
                applies = np.full(s.shape, MET, dtype=np.int8)
            if self.uln == "or":
                status = any_codes(at_uln, all_codes(applies, rise))
            else:
                status = all_codes(
                    at_uln,
                    np.where(
                        applies == NOT_MET,
                        MET,
                        np.where(applies == MET, rise, any_codes(rise, applies)),
                    ).astype(np.int8),
                )

        names = ("creatinine_mg_dl", "reference_creatinine_mg_dl") + (
            ("creatinine_uln_mg_dl",) if self.uln != "ignore" else ()
        )

        def build(i: Index, name: str) -> Criterion:
            sv, rv, uv = (
                inp.at("creatinine_mg_dl", i),
                inp.at("reference_creatinine_mg_dl", i),
                inp.at("creatinine_uln_mg_dl", i),
            )
            missing = _missing(inp, i, *names)
            rise_txt = (
                f"creatinine {self.comparator.value} {fmt(ceiling * _PERCENT)}% of "
                f"the {self.reference} value"
                + ("" if np.isnan(rel[i]) else f" (observed {fmt(rel[i] * _PERCENT)}%)")
            )
            if self.uln == "ignore":
                text = rise_txt
            else:
                cond = (
                    f" (if the {self.reference} value was <= ULN)"
                    if self.rise_only_if_reference_normal
                    else ""
                )
                uln_txt = "creatinine <= ULN" + (
                    "" if np.isnan(uv) else f" ({fmt(uv)} mg/dL)"
                )
                text = f"{uln_txt} {self.uln} {rise_txt}{cond}"
            return criterion(
                name,
                status[i],
                observed=sv,
                threshold=ceiling * rv if self.uln == "ignore" else uv,
                comparator=self.comparator if self.uln == "ignore" else Comparator.LE,
                unit=_MG_DL,
                reason=f"{missing}; {text}" if missing else text,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, *names))


class GlucocorticoidCeiling(_Part):
    """Glucocorticoid dose at most a ceiling over a window.

    Without day limits, the highest prednisone-equivalent dose in the window
    (``prednisone_mg_day``) must satisfy the ceiling. With
    ``fail_if_days_above`` and/or ``fail_if_consecutive_days_above`` (AURORA 1:
    7 days in total or 3 consecutive days above 10 mg/day in weeks 44-52), the
    part fails only when a day count reaches its limit; a highest dose within
    the ceiling means no day above it.
    """

    kind: Literal["glucocorticoid_ceiling"] = "glucocorticoid_ceiling"
    max_mg_day: _NonNegativeFloat
    comparator: Comparator = Comparator.LE
    from_week: _NonNegativeFloat | None = Field(
        default=None,
        description="Window start, weeks after the reference visit (None: from it).",
    )
    fail_if_days_above: _Days | None = None
    fail_if_consecutive_days_above: _Days | None = None

    @field_validator("comparator")
    @classmethod
    def _check_comparator(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "comparator")

    @property
    def counts_days(self) -> bool:
        """Whether the part limits days above the ceiling."""
        return (
            self.fail_if_days_above is not None
            or self.fail_if_consecutive_days_above is not None
        )

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        p = inp["prednisone_mg_day"]
        within = decide(np.isnan(p), self.comparator.apply(p, self.max_mg_day))
        if not self.counts_days:
            status = within
        else:
            checks: list[Codes] = []
            for limit, key in (
                (self.fail_if_days_above, "steroid_days_above_ceiling"),
                (
                    self.fail_if_consecutive_days_above,
                    "steroid_consecutive_days_above_ceiling",
                ),
            ):
                if limit is not None:
                    d = inp[key]
                    checks.append(decide(np.isnan(d), Comparator.LT.apply(d, limit)))
            status = any_codes(within, all_codes(*checks))

        days = tuple(
            key
            for limit, key in (
                (self.fail_if_days_above, "steroid_days_above_ceiling"),
                (
                    self.fail_if_consecutive_days_above,
                    "steroid_consecutive_days_above_ceiling",
                ),
            )
            if limit is not None
        )

        def missing(i: Index) -> tuple[str, ...]:
            dose = gone(inp, i, "prednisone_mg_day")
            if not self.counts_days:
                return dose
            if status[i] != NOT_EVALUABLE:
                return ()
            return dose or gone(inp, i, *days)

        def build(i: Index, name: str) -> Criterion:
            window = (
                "from the reference visit"
                if self.from_week is None
                else f"from week {fmt(self.from_week)}"
            )
            text = f"highest dose {window} to the assessment"
            missing = _missing(inp, i, "prednisone_mg_day")
            if self.counts_days:
                limits = []
                if self.fail_if_days_above is not None:
                    d = inp.at("steroid_days_above_ceiling", i)
                    limits.append(
                        f"fails at {self.fail_if_days_above} days above in total"
                        + ("" if np.isnan(d) else f" (observed {int(d)})")
                    )
                if self.fail_if_consecutive_days_above is not None:
                    d = inp.at("steroid_consecutive_days_above_ceiling", i)
                    limits.append(
                        f"or at {self.fail_if_consecutive_days_above} consecutive "
                        "days above" + ("" if np.isnan(d) else f" (observed {int(d)})")
                    )
                text += "; " + " ".join(limits)
                if status[i] != NOT_EVALUABLE:
                    missing = None
                elif missing is None:
                    missing = (
                        "missing input: steroid_days_above_ceiling / "
                        "steroid_consecutive_days_above_ceiling"
                    )
            return criterion(
                name,
                status[i],
                observed=inp.at("prednisone_mg_day", i),
                threshold=self.max_mg_day,
                comparator=self.comparator,
                unit=_GC_UNIT,
                reason=f"{missing}; {text}" if missing else text,
                source=self.citation,
            )

        return PartEval(status, build, missing)


def _flag_part(inp: Inputs, key: str, citation: str, bad: str, good: str) -> PartEval:
    v = inp[key]
    status = np.where(np.isnan(v), NOT_EVALUABLE, np.where(v == 1, NOT_MET, MET))
    status = status.astype(np.int8)

    def build(i: Index, name: str) -> Criterion:
        x = inp.at(key, i)
        text = f"missing input: {key}" if np.isnan(x) else (bad if x == 1 else good)
        return criterion(name, status[i], reason=text, source=citation)

    return PartEval(status, build, lambda i: gone(inp, i, key))


class NoRescueTherapy(_Part):
    """No rescue (or prohibited) therapy, i.e. no treatment failure."""

    kind: Literal["no_rescue_therapy"] = "no_rescue_therapy"

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        return _flag_part(
            inp,
            "rescue_therapy",
            self.citation,
            "rescue therapy was given",
            "no rescue therapy",
        )


class NoWithdrawal(_Part):
    """No withdrawal or death before the assessment (counted as non-response)."""

    kind: Literal["no_withdrawal"] = "no_withdrawal"

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        return _flag_part(
            inp,
            "withdrawn",
            self.citation,
            "withdrew before the assessment",
            "did not withdraw",
        )


class InactiveSediment(_Part):
    """Inactive urine sediment: few red cells per hpf and no red-cell casts."""

    kind: Literal["inactive_sediment"] = "inactive_sediment"
    max_rbc_hpf: _PositiveFloat
    comparator: Comparator = Comparator.LT
    no_rbc_casts: bool = True

    @field_validator("comparator")
    @classmethod
    def _check_comparator(cls, value: Comparator) -> Comparator:
        return check_direction(value, BELOW, "comparator")

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        rbc = inp["urine_rbc_hpf"]
        status = decide(np.isnan(rbc), self.comparator.apply(rbc, self.max_rbc_hpf))
        casts = inp["rbc_casts"]
        if self.no_rbc_casts:
            status = all_codes(status, decide(np.isnan(casts), casts == 0))

        names = ("urine_rbc_hpf",) + (("rbc_casts",) if self.no_rbc_casts else ())

        def build(i: Index, name: str) -> Criterion:
            missing = _missing(inp, i, *names)
            text = f"red cells {self.comparator.value} {fmt(self.max_rbc_hpf)}/hpf"
            if self.no_rbc_casts:
                c = inp.at("rbc_casts", i)
                text += " and no red-cell casts" + (
                    "" if np.isnan(c) else f" (casts seen: {bool(c)})"
                )
            return criterion(
                name,
                status[i],
                observed=inp.at("urine_rbc_hpf", i),
                threshold=self.max_rbc_hpf,
                comparator=self.comparator,
                unit=_HPF,
                reason=f"{missing}; {text}" if missing else text,
                source=self.citation,
            )

        return PartEval(status, build, lambda i: gone(inp, i, *names))


#: A criterion part; the ``kind`` field selects the model (discriminated union).
Part = Annotated[
    UpcrBelow
    | UpcrReduction
    | NephroticBaseline
    | EgfrStable
    | CreatinineRise
    | GlucocorticoidCeiling
    | NoRescueTherapy
    | NoWithdrawal
    | InactiveSediment,
    Field(discriminator="kind"),
]
