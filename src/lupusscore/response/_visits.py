"""Model-level renal response: pick the reference visit, convert, apply windows."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Final, cast

from lupusscore._checks import (
    as_floats,
    as_sequence,
    as_tristate,
    conflicting_records,
    describe,
)
from lupusscore.analytes import Analyte
from lupusscore.errors import DefinitionError, InvalidDateError, InvalidValueError
from lupusscore.kidney import EgfrResult
from lupusscore.kidney import egfr as kidney_egfr
from lupusscore.models import LabResult, Patient, Visit
from lupusscore.response._definition import RenalResponseDefinition
from lupusscore.response._evaluate import RenalResponseResult, classify_renal_response
from lupusscore.response._parts import GlucocorticoidCeiling
from lupusscore.response._shipped import resolve_definition
from lupusscore.vocabulary import EGFR_UNIT

__all__ = ["evaluate_renal_response"]

_DAYS_PER_WEEK: Final = 7


def _lab(
    visit: Visit | None, analyte: Analyte, notes: list[str], what: str
) -> float | None:
    if visit is None:
        return None
    lab: LabResult | None = visit.latest(analyte)
    if lab is None:
        notes.append(f"{what}: no {analyte.value} result in the visit of {visit.date}")
        return None
    spec = f", {lab.specimen.value}" if lab.specimen is not None else ""
    notes.append(
        f"{what}: {lab.value:g} {lab.unit} on {lab.day}{spec} "
        f"(= {lab.canonical_value:.4g} {lab.canonical_unit})"
    )
    return lab.canonical_value


def _egfr(
    patient: Patient,
    visit: Visit | None,
    equation: str,
    notes: list[str],
    what: str,
    *,
    given: Mapping[dt.date, EgfrResult] | None = None,
) -> float | None:
    if visit is None:
        return None
    res = None if given is None else given.get(visit.date)
    if res is None or res.equation != equation or res.date != visit.date:
        res = kidney_egfr(patient, visit, equation)
    if res.value is None:
        notes.append(f"{what}: eGFR not evaluable ({res.reason})")
        return None
    notes.append(f"{what}: eGFR {res.value:.4g} ({equation}, visit of {visit.date})")
    return res.value


def _gc_window(d: RenalResponseDefinition) -> GlucocorticoidCeiling | None:
    parts = {
        (
            p.from_week,
            p.max_mg_day,
            p.fail_if_days_above,
            p.fail_if_consecutive_days_above,
        ): p
        for t in d.tiers()
        for p in t.criteria
        if isinstance(p, GlucocorticoidCeiling)
    }
    if len(parts) > 1:
        msg = (
            f"{d.id}: model-level evaluation supports one glucocorticoid window per "
            "definition; pass glucocorticoid_mg_day to classify_renal_response instead"
        )
        raise DefinitionError(msg, definition=d.id, field="glucocorticoid_ceiling")
    return next(iter(parts.values()), None)


def _glucocorticoids(
    part: GlucocorticoidCeiling,
    visits: Sequence[Visit],
    start: dt.date,
    end: dt.date,
    notes: list[str],
) -> tuple[float | None, int | None, int | None]:
    """Highest dose in effect over [start, end] and day counts above the ceiling.

    A dose recorded at a visit is taken to hold until the next visit, so the
    days from *start* to the first visit in the window take the dose of the last
    visit before it (that dose counts towards the highest too). Without a dose
    known on *start*, or with a visit in the window whose dose is not recorded,
    the window is not covered and the result is not evaluable.
    """
    inside = [v for v in visits if start <= v.date <= end]
    before = [v for v in visits if v.date < start]
    steps = list(inside)
    if not inside or inside[0].date > start:
        if not before or before[-1].glucocorticoid_mg_day is None:
            notes.append(f"glucocorticoids: no dose known on {start}")
            return None, None, None
        steps = [before[-1], *inside]
    doses = [v.glucocorticoid_mg_day for v in steps]
    if None in doses:
        notes.append(
            f"glucocorticoids: dose not recorded at every visit from {start} to {end}"
        )
        return None, None, None
    known = [x for x in doses if x is not None]
    highest = max(known)
    over = not part.comparator.apply(highest, part.max_mg_day)
    notes.append(
        f"glucocorticoids in effect from {start} to {end}: highest {highest:g} "
        f"mg/day (a visit's dose holds until the next visit)"
    )
    if not part.counts_days or not over:
        return highest, None, None
    notes.append(
        "glucocorticoids: a visit's dose is taken to hold until the next visit"
    )
    total = longest = run = idx = 0
    day = start
    while day <= end:
        while idx + 1 < len(steps) and steps[idx + 1].date <= day:
            idx += 1
        dose = steps[idx].glucocorticoid_mg_day
        if dose is not None and part.comparator.apply(dose, part.max_mg_day):
            run = 0
        else:
            total += 1
            run += 1
            longest = max(longest, run)
        day += dt.timedelta(days=1)
    return highest, total, longest


def _rescue(visits: Sequence[Visit], notes: list[str]) -> bool | None:
    flags = [v.rescue_therapy for v in visits]
    if any(f is True for f in flags):
        first = next(v.date for v in visits if v.rescue_therapy is True)
        notes.append(f"rescue therapy recorded on {first}")
        return True
    if not visits or any(f is None for f in flags):
        notes.append("rescue therapy not recorded at every visit after the reference")
        return None
    return False


def evaluate_renal_response(
    definition: str | RenalResponseDefinition,
    patient: Patient,
    visits: Sequence[Visit],
    *,
    assessment_date: dt.date | str,
    baseline_date: dt.date | str | None = None,
    pre_flare_egfr: float | None = None,
    pre_flare_creatinine_mg_dl: float | None = None,
    equation: str = "ckd-epi-2021",
    withdrawn: bool | None = None,
    egfr_decline_confirmed: bool | None = None,
    rbc_casts: bool | None = None,
    egfr_results: Mapping[dt.date, EgfrResult] | None = None,
) -> RenalResponseResult:
    """Evaluate renal response at one visit of a participant.

    Picks the reference visit (the visit on *baseline_date*, else the first),
    reads UPCR, creatinine and urine red cells in canonical units (whatever
    unit each lab came in), computes eGFR with :func:`lupusscore.kidney.egfr`,
    takes the highest glucocorticoid dose (and, where the definition counts
    them, the days above its ceiling) over the definition's window, and
    whether rescue therapy was recorded after the reference visit; then calls
    :func:`lupusscore.classify_renal_response`.

    Parameters
    ----------
    definition : str or RenalResponseDefinition
        Shipped id or definition.
    patient : Patient
        The patient (sex and age for eGFR).
    visits : sequence of Visit
        The participant's visits (any order).
    assessment_date : datetime.date or str
        Date of the visit to assess. No visit on that date gives
        ``not_evaluable`` (never ``none`` by default).
    baseline_date : datetime.date or str, optional
        Date of the reference visit; default the first visit.
    pre_flare_egfr : float, optional
        Pre-flare eGFR (mL/min/1.73 m²), for definitions whose kidney reference
        is ``pre_flare`` (BLISS-LN, KDIGO 2012); never replaced by baseline.
    pre_flare_creatinine_mg_dl : float, optional
        Pre-flare serum creatinine (mg/dL), likewise.
    equation : str, default "ckd-epi-2021"
        eGFR equation (see :func:`lupusscore.kidney.egfr`).
    withdrawn : bool, optional
        Withdrawal or death before the assessment. Default: False when there
        is a visit on *assessment_date*, otherwise not known.
    egfr_decline_confirmed : bool, optional
        Passed through (AURORA 1 "confirmed decline").
    rbc_casts : bool, optional
        Red-cell casts at the assessment; default the visit's SLEDAI-2K
        ``urinary_casts`` descriptor (heme-granular or red-cell casts).
    egfr_results : mapping of datetime.date to EgfrResult, optional
        eGFRs already computed with :func:`lupusscore.kidney.egfr` for this
        patient, by visit date (a caller assessing many visits computes each
        visit's eGFR once); visits not in it, or computed with another
        equation, are computed here.

    Returns
    -------
    RenalResponseResult
        With ``notes`` saying which visits, values and units were used.

    Raises
    ------
    InvalidValueError
        No visits, a visit of another participant (its index named), or a
        patient or visit of the wrong type.
    DuplicateResultError
        Two different visits on one date (identical duplicates count once).
    InvalidDateError
        No visit on *baseline_date*, or an assessment before the reference.
    DefinitionError
        Unknown definition.

    Notes
    -----
    Glucocorticoid doses are recorded per visit: the highest dose is taken over
    the visits in the window, and a visit without a recorded dose leaves the
    criterion not evaluable unless a recorded dose already breaks the ceiling.
    For day limits (AURORA 1) the dose at a visit is taken to hold until the
    next visit; pass exact day counts to :func:`classify_renal_response` when a
    daily medication log is available.

    Examples
    --------
    >>> from lupusscore import LabResult, Patient, Visit
    >>> p = Patient(id="P01", sex="female", birth_date="1985-03-02")
    >>> def visit(day, upcr_mg_mmol, creat_umol_l):
    ...     return Visit(
    ...         participant_id="P01",
    ...         date=day,
    ...         labs=[
    ...             LabResult(
    ...                 analyte="upcr", value=upcr_mg_mmol, unit="mg/mmol", date=day
    ...             ),
    ...             LabResult(
    ...                 analyte="creatinine",
    ...                 value=creat_umol_l,
    ...                 unit="µmol/L",
    ...                 date=day,
    ...             ),
    ...         ],
    ...     )
    >>> visits = [visit("2020-01-06", 350, 80), visit("2021-01-04", 30, 78)]
    >>> r = evaluate_renal_response(
    ...     "kdigo-2024", p, visits, assessment_date="2021-01-04"
    ... )
    >>> r.category.value
    'complete'
    >>> r.notes[1]
    'assessment UPCR: 30 mg/mmol on 2021-01-04 (= 0.2652 g/g)'
    """
    d = resolve_definition(definition)
    ordered = _one_per_date(patient, visits)
    pre_flare_egfr = _scalar("pre_flare_egfr", pre_flare_egfr, EGFR_UNIT)
    pre_flare_creatinine_mg_dl = _scalar(
        "pre_flare_creatinine_mg_dl", pre_flare_creatinine_mg_dl, "mg/dL"
    )
    withdrawn = _flag("withdrawn", withdrawn)
    egfr_decline_confirmed = _flag("egfr_decline_confirmed", egfr_decline_confirmed)
    rbc_casts = _flag("rbc_casts", rbc_casts)
    if egfr_results is not None and not isinstance(egfr_results, Mapping):
        raise InvalidValueError(
            field="egfr_results",
            value=describe(egfr_results),
            expected="a mapping of visit date to EgfrResult",
        )
    if not isinstance(equation, str):
        raise InvalidValueError(
            field="equation", value=describe(equation), expected="an eGFR equation id"
        )
    when = _date("assessment_date", assessment_date)
    if baseline_date is None:
        base = ordered[0]
    else:
        bday = _date("baseline_date", baseline_date)
        found = [v for v in ordered if v.date == bday]
        if not found:
            raise InvalidDateError(
                field="baseline_date",
                value=bday,
                expected="the date of one of the participant's visits",
            )
        base = found[0]
    if when < base.date:
        raise InvalidDateError(
            field="assessment_date",
            value=when,
            expected=f"a date on or after the reference visit ({base.date})",
        )
    notes: list[str] = [f"reference visit {base.date}; assessment {when}"]
    current = next((v for v in ordered if v.date == when), None)
    if current is None:
        notes.append(f"no visit on the assessment date {when}")
    upcr = _lab(current, Analyte.UPCR, notes, "assessment UPCR")
    base_upcr = _lab(base, Analyte.UPCR, notes, "reference UPCR")
    need = d.inputs
    egfr_now = ref_egfr = None
    if "egfr" in need:
        egfr_now = _egfr(
            patient, current, equation, notes, "assessment", given=egfr_results
        )
    pre_flare = d.kidney_reference == "pre_flare"
    if "reference_egfr" in need:
        if pre_flare:
            ref_egfr = pre_flare_egfr
            if ref_egfr is None:
                notes.append("pre_flare_egfr not given (never replaced by baseline)")
        else:
            ref_egfr = _egfr(
                patient, base, equation, notes, "reference", given=egfr_results
            )
    creat = ref_creat = uln = None
    if "creatinine_mg_dl" in need:
        creat = _lab(current, Analyte.CREATININE, notes, "assessment creatinine")
        lab = current.latest(Analyte.CREATININE) if current is not None else None
        uln = lab.reference_high_canonical if lab is not None else None
        if pre_flare:
            ref_creat = pre_flare_creatinine_mg_dl
            if ref_creat is None:
                notes.append("pre_flare_creatinine_mg_dl not given")
        else:
            ref_creat = _lab(base, Analyte.CREATININE, notes, "reference creatinine")
    rbc = None
    if "urine_rbc_hpf" in need:
        rbc = _lab(current, Analyte.URINE_RBC, notes, "assessment urine RBC")
        if rbc_casts is None and current is not None:
            rbc_casts = current.descriptors.get("urinary_casts")
    dose = days = run = None
    gc = _gc_window(d)
    if gc is not None:
        start = base.date + dt.timedelta(
            days=round(_DAYS_PER_WEEK * (gc.from_week or 0.0))
        )
        dose, days, run = _glucocorticoids(gc, ordered, start, when, notes)
    rescue = None
    if "rescue_therapy" in need:
        rescue = _rescue([v for v in ordered if base.date < v.date <= when], notes)
    if withdrawn is None and current is not None:
        withdrawn = False
    result = classify_renal_response(
        d,
        upcr_g_g=upcr,
        baseline_upcr_g_g=base_upcr,
        egfr=egfr_now,
        reference_egfr=ref_egfr,
        glucocorticoid_mg_day=dose,
        rescue_therapy=rescue,
        creatinine_mg_dl=creat,
        reference_creatinine_mg_dl=ref_creat,
        creatinine_uln_mg_dl=uln,
        urine_rbc_hpf=rbc,
        rbc_casts=rbc_casts,
        egfr_decline_confirmed=egfr_decline_confirmed,
        glucocorticoid_days_above_ceiling=days,
        glucocorticoid_consecutive_days_above_ceiling=run,
        withdrawn=withdrawn,
    )
    return result.model_copy(update={"notes": tuple(notes)})


def _scalar(name: str, value: object, unit: str) -> float | None:
    """One number >= 0, or None / NaN for not given."""
    arr = as_floats(name, value, unit=unit, nonnegative=True, allow_missing=True)
    if arr.ndim != 0:
        raise InvalidValueError(
            field=name, value=describe(value), unit=unit, expected="a single number"
        )
    number = float(arr)
    return None if math.isnan(number) else number


def _flag(name: str, value: object) -> bool | None:
    """Check a flag: True, False or None (not known)."""
    code = as_tristate(name, value)
    if code.ndim != 0:
        raise InvalidValueError(
            field=name, value=describe(value), expected="True, False or None"
        )
    number = float(code)
    return None if math.isnan(number) else number == 1.0


def _one_per_date(patient: object, visits: object) -> list[Visit]:
    """Check the patient and visits; return the visits sorted, one per date.

    Every visit must belong to *patient*. Identical visits on one date count
    once; two different visits on one date are a conflict that input order
    must not settle (:class:`~lupusscore.errors.DuplicateResultError`).
    """
    if not isinstance(patient, Patient):
        raise InvalidValueError(
            field="patient", value=describe(patient), expected="a Patient"
        )
    given = as_sequence("visits", visits, expected="a sequence of Visit")
    if not given:
        raise InvalidValueError(field="visits", value=[], expected="at least one visit")
    bad = [i for i, v in enumerate(given) if not isinstance(v, Visit)]
    if bad:
        raise InvalidValueError(
            field="visits",
            value=describe(given[bad[0]]),
            expected="Visit objects",
            index=bad[0],
            count=len(bad),
            participant=patient.id,
        )
    checked = cast(list[Visit], given)
    foreign = [i for i, v in enumerate(checked) if v.participant_id != patient.id]
    if foreign:
        raise InvalidValueError(
            field="visits.participant_id",
            value=checked[foreign[0]].participant_id,
            expected=f"visits of patient {patient.id!r} only",
            index=foreign[0],
            count=len(foreign),
            participant=patient.id,
        )
    by_date: dict[dt.date, list[Visit]] = {}
    for v in checked:
        by_date.setdefault(v.date, []).append(v)
    ordered: list[Visit] = []
    for day in sorted(by_date):
        same = by_date[day]
        if any(v != same[0] for v in same[1:]):
            err = conflicting_records(
                "visits",
                day,
                f"{len(same)} visits with different contents",
                participant=patient.id,
            )
            raise err
        ordered.append(same[0])
    return ordered


def _date(field: str, value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidDateError(
            field=field, value=value, expected="a date or an ISO date string YYYY-MM-DD"
        ) from None
