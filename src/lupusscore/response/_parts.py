"""Criterion parts: the building blocks of a renal response definition.

Each part is a small frozen pydantic model with a ``kind`` tag (so a definition's
JSON schema is a clean discriminated union) and the data of one criterion:
threshold, comparator (``<`` vs ``<=`` is data), the reference it compares with,
and the citation of the number. Each part evaluates itself over broadcast
arrays of kernel inputs (see :mod:`lupusscore.response._kernel`) and explains
one element as a :class:`lupusscore.results.Criterion`.

Kernel inputs used by the parts (all in canonical units, declared in
:mod:`lupusscore.vocabulary`):

``upcr_g_g``
    UPCR at assessment, g/g
``baseline_upcr_g_g``
    UPCR at the reference visit, g/g
``egfr``
    eGFR at assessment, mL/min/1.73 m²
``reference_egfr``
    eGFR the definition compares with
``creatinine_mg_dl``
    serum creatinine at assessment, mg/dL
``reference_creatinine_mg_dl``
    serum creatinine the definition compares with
``creatinine_uln_mg_dl``
    upper limit of normal of the creatinine assay
``urine_rbc_hpf``
    urine red cells per high-power field
``rbc_casts``
    red-cell casts seen (True / False)
``glucocorticoid_mg_day``
    highest prednisone-equivalent dose in the window
``glucocorticoid_days_above_ceiling``
    days above the ceiling in the window
``glucocorticoid_consecutive_days_above_ceiling``
    longest run of such days
``rescue_therapy``
    rescue / prohibited therapy given
``withdrawn``
    withdrew (or died) before the assessment
``egfr_decline_confirmed``
    an eGFR fall failing every limb was confirmed
"""

from __future__ import annotations

import math
from typing import Annotated, Final, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
from pydantic import AfterValidator, Field, model_validator

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
    missing_inputs,
    missing_text,
    ndim,
    ratio,
)
from lupusscore.results import Comparator, Criterion, FrozenModel
from lupusscore.vocabulary import EGFR_UNIT, input_unit

__all__ = [
    "EGFR_UNIT",
    "Above",
    "ActiveSediment",
    "Below",
    "CreatinineRise",
    "CreatinineRiseFlare",
    "EgfrStable",
    "FlarePart",
    "GlucocorticoidCeiling",
    "HematuriaRise",
    "InactiveSediment",
    "KidneyReference",
    "NephroticBaseline",
    "NewCasts",
    "NoRescueTherapy",
    "NoWithdrawal",
    "Part",
    "UpcrBelow",
    "UpcrReduction",
    "UpcrRise",
]

_G_G: Final = input_unit("upcr_g_g")
_MG_DL: Final = input_unit("creatinine_mg_dl")
_HPF: Final = input_unit("urine_rbc_hpf")
_PCT: Final = "%"
_PERCENT: Final = 100.0
_GC_UNIT: Final = f"{input_unit('glucocorticoid_mg_day')} prednisone-equivalent"

#: What a kidney-function part compares with: the value at the reference visit
#: (start of therapy / randomisation) or the value before the current flare.
KidneyReference = Literal["baseline", "pre_flare"]

_PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
_NonNegativeFloat = Annotated[float, Field(ge=0, allow_inf_nan=False)]
_Fraction = Annotated[float, Field(gt=0, lt=1, allow_inf_nan=False)]
_Days = Annotated[int, Field(ge=1)]
#: A comparator bounding from above (``<``, ``<=``) or from below (``>``, ``>=``);
#: a comparator pointing the wrong way is a DefinitionError naming the field.
Below = Annotated[
    Comparator,
    AfterValidator(lambda v, info: check_direction(v, BELOW, info.field_name)),
]
Above = Annotated[
    Comparator,
    AfterValidator(lambda v, info: check_direction(v, ABOVE, info.field_name)),
]


def _missing(inp: Inputs, index: Index, *names: str) -> str | None:
    return missing_text(gone(inp, index, *names))


class Seen(NamedTuple):
    """What a criterion observed, against what limit, how, in which unit."""

    observed: float | None
    threshold: float | None
    comparator: Comparator | None
    unit: str | None


class _Part(FrozenModel):
    """Fields every part (of a response tier or a flare grade) has."""

    name: str | None = Field(
        default=None,
        description="Criterion name in results (defaults to the part's kind).",
    )
    citation: str = Field(
        min_length=1, description="Source of this criterion and its numbers."
    )

    def explained(
        self, name: str, code: np.integer | int, seen: Seen, reason: str | None
    ) -> Criterion:
        """Return the explained criterion of one element, citing this part."""
        observed, threshold, comparator, unit = seen
        return criterion(
            name,
            code,
            observed=observed,
            threshold=threshold,
            comparator=comparator,
            unit=unit,
            reason=reason,
            source=self.citation,
        )


class UpcrBelow(_Part):
    """UPCR below (``<``) or at most (``<=``) a threshold.

    The comparison is made in g/g. ``threshold_mg_mmol`` keeps the guideline's
    own figure in mg/mmol (KDIGO prints 0.5 g/g with 50 mg/mmol, a rounded
    pair); it is shown, never derived from or compared with.
    """

    kind: Literal["upcr_below"] = "upcr_below"
    threshold_g_g: _PositiveFloat
    comparator: Below = Comparator.LT
    threshold_mg_mmol: _PositiveFloat | None = Field(
        default=None, description="The guideline's own mg/mmol figure (display)."
    )
    published: str | None = Field(
        default=None, description="The threshold as the source prints it."
    )

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
            seen = Seen(
                inp.at("upcr_g_g", i), self.threshold_g_g, self.comparator, _G_G
            )
            return self.explained(name, status[i], seen, note)

        return PartEval(status, build, missing_inputs(inp, ("upcr_g_g",)))


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
    comparator: Above = Comparator.GE

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        red, _ = _reduction(inp)
        status = decide(np.isnan(red), self.comparator.apply(red, self.min_fraction))

        def build(i: Index, name: str) -> Criterion:
            seen = Seen(
                float(red[i]) * _PERCENT,
                self.min_fraction * _PERCENT,
                self.comparator,
                _PCT,
            )
            return self.explained(name, status[i], seen, _reduction_note(inp, i))

        return PartEval(
            status, build, missing_inputs(inp, ("upcr_g_g", "baseline_upcr_g_g"))
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
    nephrotic_comparator: Above = Comparator.GE
    target_g_g: _PositiveFloat
    target_comparator: Below = Comparator.LT
    subnephrotic_min_reduction: _Fraction | None = None
    reduction_comparator: Above = Comparator.GE

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
            if math.isnan(base):
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
                seen = Seen(
                    inp.at("upcr_g_g", i), self.target_g_g, self.target_comparator, _G_G
                )
                return self.explained(
                    name,
                    status[i],
                    seen,
                    _missing(inp, i, "upcr_g_g")
                    or f"{band} (nephrotic range): UPCR must fall below the target",
                )
            if self.subnephrotic_min_reduction is None:
                seen = Seen(base, self.nephrotic_g_g, self.nephrotic_comparator, _G_G)
                return self.explained(
                    name,
                    status[i],
                    seen,
                    "baseline below the nephrotic range: rule does not apply",
                )
            seen = Seen(
                float(red[i]) * _PERCENT,
                self.subnephrotic_min_reduction * _PERCENT,
                self.reduction_comparator,
                _PCT,
            )
            return self.explained(
                name,
                status[i],
                seen,
                _reduction_note(inp, i)
                or "baseline below the nephrotic range: UPCR reduction required",
            )

        def missing(i: Index) -> tuple[str, ...]:
            if math.isnan(b[i]):
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
    at_least_comparator: Above = Comparator.GE
    max_fall_fraction: _Fraction | None = None
    fall_comparator: Above = Comparator.GE
    reference: KidneyReference = "baseline"
    relative_only_below: _PositiveFloat | None = None
    confirmation_required: bool = False

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
                + ("" if math.isnan(e) else f": observed {fmt(e)}")
            )
        if self.max_fall_fraction is not None:
            floor = 1.0 - self.max_fall_fraction
            pct = (
                "not computable"
                if math.isnan(rel[i])
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
            if self.at_least is None and not math.isnan(r):
                threshold, comparator = floor * r, self.fall_comparator
        missing = _missing(inp, i, *self._keys())
        if self.confirmation_required and not math.isnan(
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
        seen = Seen(e, threshold, comparator, EGFR_UNIT)
        return self.explained(
            name, status[i], seen, f"{missing}; {text}" if missing else text
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
    comparator: Below = Comparator.LE
    reference: KidneyReference = "baseline"
    uln: Literal["ignore", "or", "and"] = "ignore"
    rise_only_if_reference_normal: bool = False

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
                + (
                    ""
                    if math.isnan(rel[i])
                    else f" (observed {fmt(rel[i] * _PERCENT)}%)"
                )
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
                    "" if math.isnan(uv) else f" ({fmt(uv)} mg/dL)"
                )
                text = f"{uln_txt} {self.uln} {rise_txt}{cond}"
            seen = Seen(
                sv,
                ceiling * rv if self.uln == "ignore" else uv,
                self.comparator if self.uln == "ignore" else Comparator.LE,
                _MG_DL,
            )
            return self.explained(
                name, status[i], seen, f"{missing}; {text}" if missing else text
            )

        return PartEval(status, build, missing_inputs(inp, names))


class GlucocorticoidCeiling(_Part):
    """Glucocorticoid dose at most a ceiling over a window.

    Without day limits, the highest prednisone-equivalent dose in the window
    (``glucocorticoid_mg_day``) must satisfy the ceiling. With
    ``fail_if_days_above`` and/or ``fail_if_consecutive_days_above`` (AURORA 1:
    7 days in total or 3 consecutive days above 10 mg/day in weeks 44-52), the
    part fails only when a day count reaches its limit; a highest dose within
    the ceiling means no day above it.
    """

    kind: Literal["glucocorticoid_ceiling"] = "glucocorticoid_ceiling"
    max_mg_day: _NonNegativeFloat
    comparator: Below = Comparator.LE
    from_week: _NonNegativeFloat | None = Field(
        default=None,
        description="Window start, weeks after the reference visit (None: from it).",
    )
    fail_if_days_above: _Days | None = None
    fail_if_consecutive_days_above: _Days | None = None

    @property
    def counts_days(self) -> bool:
        """Whether the part limits days above the ceiling."""
        return (
            self.fail_if_days_above is not None
            or self.fail_if_consecutive_days_above is not None
        )

    def evaluate(self, inp: Inputs) -> PartEval:
        """Evaluate over broadcast inputs."""
        p = inp["glucocorticoid_mg_day"]
        within = decide(np.isnan(p), self.comparator.apply(p, self.max_mg_day))
        status = within
        day_limits = [
            (limit, key)
            for limit, key in (
                (self.fail_if_days_above, "glucocorticoid_days_above_ceiling"),
                (
                    self.fail_if_consecutive_days_above,
                    "glucocorticoid_consecutive_days_above_ceiling",
                ),
            )
            if limit is not None
        ]
        if self.counts_days:
            checks: list[Codes] = [
                decide(np.isnan(inp[key]), Comparator.LT.apply(inp[key], limit))
                for limit, key in day_limits
            ]
            status = any_codes(within, all_codes(*checks))
        days = tuple(key for _, key in day_limits)

        def missing(i: Index) -> tuple[str, ...]:
            dose = gone(inp, i, "glucocorticoid_mg_day")
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
            missing = _missing(inp, i, "glucocorticoid_mg_day")
            if self.counts_days:
                limits = []
                if self.fail_if_days_above is not None:
                    d = inp.at("glucocorticoid_days_above_ceiling", i)
                    limits.append(
                        f"fails at {self.fail_if_days_above} days above in total"
                        + ("" if math.isnan(d) else f" (observed {int(d)})")
                    )
                if self.fail_if_consecutive_days_above is not None:
                    d = inp.at("glucocorticoid_consecutive_days_above_ceiling", i)
                    limits.append(
                        f"or at {self.fail_if_consecutive_days_above} consecutive "
                        "days above"
                        + ("" if math.isnan(d) else f" (observed {int(d)})")
                    )
                text += "; " + " ".join(limits)
                if status[i] != NOT_EVALUABLE:
                    missing = None
                elif missing is None:
                    missing = "missing input: " + " / ".join(days)
            seen = Seen(
                inp.at("glucocorticoid_mg_day", i),
                self.max_mg_day,
                self.comparator,
                _GC_UNIT,
            )
            return self.explained(
                name, status[i], seen, f"{missing}; {text}" if missing else text
            )

        return PartEval(status, build, missing)


def _flag_part(inp: Inputs, key: str, citation: str, bad: str, good: str) -> PartEval:
    v = inp[key]
    if not ndim(v):  # one element: the same rule without masks
        x = float(v)
        code = NOT_EVALUABLE if math.isnan(x) else (NOT_MET if x == 1 else MET)
        status = np.asarray(code, dtype=np.int8)
    else:
        status = np.where(np.isnan(v), NOT_EVALUABLE, np.where(v == 1, NOT_MET, MET))
        status = status.astype(np.int8)

    def build(i: Index, name: str) -> Criterion:
        x = inp.at(key, i)
        text = f"missing input: {key}" if math.isnan(x) else (bad if x == 1 else good)
        return criterion(name, status[i], reason=text, source=citation)

    return PartEval(status, build, missing_inputs(inp, (key,)))


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
    comparator: Below = Comparator.LT
    no_rbc_casts: bool = True

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
                    "" if math.isnan(c) else f" (casts seen: {bool(c)})"
                )
            seen = Seen(
                inp.at("urine_rbc_hpf", i), self.max_rbc_hpf, self.comparator, _HPF
            )
            return self.explained(
                name, status[i], seen, f"{missing}; {text}" if missing else text
            )

        return PartEval(status, build, missing_inputs(inp, names))


# --- Renal flare parts (same base, same kernel) -------------------------------


class _Band(_Part):
    """A flare part that applies to references within a band (inclusive per data)."""

    reference_min: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    reference_min_comparator: Above = Comparator.GE
    reference_max: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    reference_max_comparator: Below = Comparator.LT

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

    def _note(
        self, inp: Inputs, i: Index, keys: tuple[str, str], unit: str, rule: str
    ) -> str:
        """Explain one element: missing inputs, outside the band, or the rule."""
        missing = missing_text(gone(inp, i, *keys))
        if missing:
            return missing
        ref = inp.at(keys[1], i)
        band = self._band_text(unit)
        if not bool(self._in_band(np.asarray(ref))):
            return f"reference {fmt(ref)} {unit} outside this rule's band ({band})"
        return f"{band}: {rule}"


class UpcrRise(_Band):
    """UPCR rise from a reference band: to a level, by a fold, or by an amount (g/g)."""

    kind: Literal["upcr_rise"] = "upcr_rise"
    rule: Literal["to_level", "fold", "increase"]
    threshold: _PositiveFloat
    comparator: Above = Comparator.GE

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
            rule = f"{what[self.rule]} {self.comparator.value} {fmt(self.threshold)}"
            note = self._note(inp, i, keys, _G_G, rule)
            seen = Seen(float(obs[i]), self.threshold, self.comparator, unit)
            return self.explained(name, status[i], seen, note)

        return PartEval(status, build, missing_inputs(inp, keys))


class CreatinineRiseFlare(_Band):
    """Serum creatinine rise from a reference band, absolute (mg/dL) or relative.

    ``rule="increase"`` checks ``increase_min`` (and optional ``increase_max``)
    on the absolute rise in mg/dL; ``rule="relative"`` checks the rise as a
    fraction of the reference (``0.3`` = a 30% rise; ``1.0`` = doubling).
    """

    kind: Literal["creatinine_rise"] = "creatinine_rise"
    rule: Literal["increase", "relative"]
    increase_min: _PositiveFloat
    increase_max: _PositiveFloat | None = None
    increase_min_comparator: Above = Comparator.GE
    increase_max_comparator: Below = Comparator.LE

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
            upper = (
                ""
                if self.increase_max is None
                else f" and {self.increase_max_comparator.value} "
                f"{fmt(self.increase_max * scale)}"
            )
            rule = (
                f"rise {self.increase_min_comparator.value} "
                f"{fmt(self.increase_min * scale)}{upper} {unit}"
            )
            note = self._note(inp, i, keys, _MG_DL, rule)
            seen = Seen(
                float(obs[i]) * scale,
                self.increase_min * scale,
                self.increase_min_comparator,
                unit,
            )
            return self.explained(name, status[i], seen, note)

        return PartEval(status, build, missing_inputs(inp, keys))


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
            seen = Seen(
                inp.at("urine_rbc_hpf", i), self.rise_above, Comparator.GT, _HPF
            )
            return self.explained(name, status[i], seen, note)

        return PartEval(status, build, missing_inputs(inp, keys))


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
                if math.isnan(x)
                else f"active sediment: {bool(x)}"
            )
            return criterion(name, status[i], reason=note, source=self.citation)

        return PartEval(status, build, missing_inputs(inp, ("active_sediment",)))


#: A flare criterion part (discriminated union on ``kind``).
FlarePart = Annotated[
    UpcrRise | CreatinineRiseFlare | HematuriaRise | NewCasts | ActiveSediment,
    Field(discriminator="kind"),
]


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
