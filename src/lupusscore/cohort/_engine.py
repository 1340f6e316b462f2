"""Vectorised derivations over a :class:`Cohort`: one pass per concern.

Each function works on whole columns with sort, segment and ``searchsorted``
operations (no Python loop per participant or visit) and calls the library's
kernels for the clinical rules: :func:`lupusscore.kidney.egfr_ckd_epi_2021`
(and the other equations), the renal response engine
(:func:`lupusscore.response._engine.run_of`), the serology comparators and
constants. The conventions are those of the model-level functions, which the
property tests compare with:

- a visit's value of an analyte is its latest result (the last lab row of the
  (visit, analyte) group in the cohort's canonical order; see
  :meth:`lupusscore.Visit.latest`);
- **baseline** is the latest visit on study days ``-window`` to 0 that has
  the value (unscheduled visits allowed), as
  :func:`lupusscore.outcomes.baseline_observation`;
- a **timepoint's** visit is the nearest visit in its window that has the value,
  the earlier on ties, scheduled visits only unless ``use_unscheduled``, as
  :func:`lupusscore.outcomes.observation_at`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._arrays import lexsort_stable
from lupusscore._checks import as_instance, describe
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.cohort._cohort import ANALYTE_CODES, Cohort
from lupusscore.cohort._columns import _codes
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.kidney._model import egfr_columns
from lupusscore.models import EventType, Sex, Timepoint
from lupusscore.response import (
    RenalFlareDefinition,
    RenalFlareResult,
    RenalResponseDefinition,
    RenalResponseResult,
)
from lupusscore.response._engine import run_of
from lupusscore.response._kernel import MET as KERNEL_MET
from lupusscore.response._kernel import NOT_EVALUABLE as KERNEL_NOT_EVALUABLE
from lupusscore.response._kernel import NOT_MET as KERNEL_NOT_MET
from lupusscore.response._kernel import gone_rows
from lupusscore.response._parts import GlucocorticoidCeiling
from lupusscore.response._visits import _gc_window
from lupusscore.results import Comparator
from lupusscore.serology import ANA_POSITIVE_DILUTION
from lupusscore.serology._dsdna import _assay_key

__all__ = [
    "CODE",
    "MET",
    "NOT_EVALUABLE",
    "NOT_MET",
    "RenalAssessments",
    "baseline_visit",
    "latest_labs",
    "renal_assessments",
    "take",
    "timepoint_order",
    "timepoint_visit",
    "visit_ages",
    "visit_egfr",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]

#: Status codes of the engine: those of :mod:`lupusscore.response._kernel`
#: (Kleene AND is min, OR is max).
MET: Final = int(KERNEL_MET)
NOT_MET: Final = int(KERNEL_NOT_MET)
NOT_EVALUABLE: Final = int(KERNEL_NOT_EVALUABLE)

#: Column index of each analyte in :func:`latest_labs`.
CODE: Final[Mapping[Analyte, int]] = {a: i for i, a in enumerate(ANALYTE_CODES)}
_DAYS_PER_WEEK: Final = 7
_DAYS_PER_YEAR: Final = 365.25  # as Patient.age_years


def _frozen(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    arr.setflags(write=False)
    return arr


def take(values: npt.NDArray[Any], index: Ints, fill: Any = np.nan) -> npt.NDArray[Any]:
    """``values[index]`` with *fill* where ``index`` is -1 (none).

    Safe on empty *values* (a cohort without labs or visits).
    """
    has = index >= 0
    kind = (
        object
        if values.dtype == object
        else np.result_type(values.dtype, np.asarray(fill).dtype)
    )
    out = np.full(len(index), fill, dtype=kind)
    out[has] = values[index[has]]
    return out


def latest_labs(c: Cohort) -> Ints:
    """Index of each visit's latest lab row per analyte (-1 for none).

    Returns an ``(n_visits, n_analytes)`` array; column ``CODE[analyte]``.
    """
    c = as_instance("cohort", c, Cohort)
    na = len(ANALYTE_CODES)
    out = np.full(c.n_visits * na, -1, dtype=np.int64)
    if c.n_labs:
        key = c.lab_visit * na + c.lab_analyte.astype(np.int64)
        last = np.flatnonzero(np.r_[key[1:] != key[:-1], True])
        out[key[last]] = last
    return _frozen(out.reshape(c.n_visits, na))


def lab_column(c: Cohort, latest: Ints, analyte: Analyte, column: Floats) -> Floats:
    """*column* (a lab-row array) at each visit's latest *analyte* row (NaN if none)."""
    idx = latest[:, CODE[analyte]]
    out = np.full(c.n_visits, np.nan)
    has = idx >= 0
    out[has] = column[idx[has]]
    return out


def visit_ages(c: Cohort) -> Floats:
    """Age in years (days / 365.25) at each visit, as ``Patient.age_years``."""
    born = c.birth_date[c.visit_participant]
    days = (c.visit_date - born).astype("timedelta64[D]").astype(np.float64)
    return days / _DAYS_PER_YEAR


def visit_egfr(
    c: Cohort, latest: Ints | None = None, equation: str = "ckd-epi-2021"
) -> Floats:
    """EGFR by *equation* at each visit from its latest labs (NaN if not evaluable).

    Any shipped equation (:data:`lupusscore.kidney.EGFR_EQUATIONS`), through
    :func:`lupusscore.kidney._model.egfr_columns`: the equation table and
    kernels of :func:`lupusscore.kidney.egfr`, on all visits at once; a visit
    lacking an input its equation needs (creatinine, cystatin C, height, the
    race flag of a race-based equation) is NaN, as ``egfr`` is not evaluable.

    Examples
    --------
    >>> from lupusscore.cli import load_example_trial
    >>> from lupusscore.cohort import Cohort, visit_egfr
    >>> cohort = Cohort.from_trial(load_example_trial())
    >>> [round(float(x), 1) for x in visit_egfr(cohort, equation="ekfc-cr")[:3]]
    [78.2, 78.2, 78.2]
    >>> [round(float(x), 1) for x in visit_egfr(cohort)[:3]]  # CKD-EPI 2021
    [86.9, 86.9, 86.8]
    """
    c = as_instance("cohort", c, Cohort)
    if latest is None:
        latest = latest_labs(c)
    else:
        latest = as_instance("latest", latest, np.ndarray)
        if latest.shape != (c.n_visits, len(ANALYTE_CODES)) or latest.dtype.kind != "i":
            raise InvalidValueError(
                field="latest",
                value=f"an array of shape {latest.shape}",
                expected="latest_labs(cohort): integer, one row per visit and one "
                f"column per analyte {(c.n_visits, len(ANALYTE_CODES))}",
            )
    if not isinstance(equation, str):
        raise InvalidValueError(
            field="equation", value=describe(equation), expected="an eGFR equation id"
        )
    if not c.n_visits:
        return np.zeros(0)
    who = c.visit_participant
    out = egfr_columns(
        equation,
        creatinine_mg_dl=lab_column(c, latest, Analyte.CREATININE, c.lab_canonical),
        cystatin_c_mg_l=lab_column(c, latest, Analyte.CYSTATIN_C, c.lab_canonical),
        height_cm=c.height_cm[who],
        age_years=visit_ages(c),
        female=(c.sex == Sex.FEMALE.value)[who],  # per participant, then spread
        black=c.black[who],
    )
    return _frozen(out)


def _first_of_groups(groups: Ints) -> Bools:
    out = np.ones(len(groups), dtype=bool)
    out[1:] = groups[1:] != groups[:-1]
    return out


def _last_of_groups(groups: Ints) -> Bools:
    out = np.ones(len(groups), dtype=bool)
    out[:-1] = groups[1:] != groups[:-1]
    return out


def baseline_visit(c: Cohort, has: Bools | None = None) -> Ints:
    """Each participant's baseline visit index (-1 for none).

    The latest visit on study days ``-baseline_window_days`` to 0 among those
    where *has* is True (default every visit); unscheduled visits count.
    """
    day = c.visit_day
    mask = (day >= -c.baseline_window_days) & (day <= 0)
    if has is not None:
        mask &= has
    idx = np.flatnonzero(mask)
    g = c.visit_participant[idx]
    keep = _last_of_groups(g)
    out = np.full(c.n_participants, -1, dtype=np.int64)
    out[g[keep]] = idx[keep]
    return out


def timepoint_order(c: Cohort, tp: Timepoint, *, use_unscheduled: bool) -> Ints:
    """Return the visits in *tp*'s window, each participant's nearest first.

    Sorted by (participant, distance from the target day, day), stably: the
    order :func:`timepoint_visit` picks from. Computed once per timepoint and
    reused for every measure (a visit subset keeps this order).
    """
    day = c.visit_day
    mask = (day >= tp.first_day) & (day <= tp.last_day)
    if not use_unscheduled:
        mask &= ~c.visit_unscheduled
    idx = np.flatnonzero(mask)
    if not len(idx):
        return idx
    d = day[idx]
    dist = np.abs(d - tp.day)
    p = c.visit_participant[idx]
    # by participant, distance, day: one stable sort of a combined key
    return idx[lexsort_stable((d, dist, p))]


def timepoint_visit(
    c: Cohort,
    tp: Timepoint,
    has: Bools | None = None,
    *,
    use_unscheduled: bool,
    order: Ints | None = None,
) -> Ints:
    """Return each participant's visit for *tp* (-1 none).

    The nearest visit in the window, the earlier on ties. *order* is
    :func:`timepoint_order` of the same timepoint, when the caller keeps it.
    """
    idx = (
        timepoint_order(c, tp, use_unscheduled=use_unscheduled)
        if order is None
        else order
    )
    if has is not None:
        idx = idx[has[idx]]  # a subset of a stably sorted list stays sorted
    g = c.visit_participant[idx]
    keep = _first_of_groups(g)
    out = np.full(c.n_participants, -1, dtype=np.int64)
    out[g[keep]] = idx[keep]
    return out


# --- events ---------------------------------------------------------------------


@dataclass(frozen=True)
class Events:
    """Each participant's dated events (study days), visit rescue flags included.

    Sorted by (participant, day, type) with duplicates removed, as
    :func:`lupusscore.outcomes.participant_events`.
    """

    participant: Ints
    day: Ints
    type: npt.NDArray[np.object_]


def participant_events(c: Cohort) -> Events:
    """Return every participant's events as study days (see :class:`Events`)."""
    day0 = c.day0[c.event_participant]
    e_day = (c.event_date - day0).astype("timedelta64[D]").astype(np.int64)
    rescue = np.flatnonzero(c.visit_rescue_therapy == 1)
    part = np.r_[c.event_participant, c.visit_participant[rescue]]
    days = np.r_[e_day, c.visit_day[rescue]]
    types = np.r_[c.event_type, np.full(len(rescue), EventType.RESCUE_THERAPY.value)]
    types = types.astype(object)
    if not len(part):
        return Events(part.astype(np.int64), days.astype(np.int64), types)
    names, tcode = np.unique(types.astype(str), return_inverse=True)
    order = np.lexsort((tcode, days, part))
    part, days, tcode = part[order], days[order], tcode[order]
    keep = np.r_[
        True,
        (part[1:] != part[:-1]) | (days[1:] != days[:-1]) | (tcode[1:] != tcode[:-1]),
    ]
    return Events(
        part[keep].astype(np.int64),
        days[keep].astype(np.int64),
        names[tcode[keep]].astype(object),
    )


def last_contact_day(c: Cohort, events: Events) -> Ints:
    """Study day of each participant's last visit or event (0 if none after day 0)."""
    out = np.zeros(c.n_participants, dtype=np.int64)
    np.maximum.at(out, c.visit_participant, c.visit_day)
    np.maximum.at(out, events.participant, events.day)
    return out


# --- renal response per assessment -------------------------------------------------


@dataclass(frozen=True)
class RenalAssessments:
    """Renal response at every post-baseline visit, under one definition.

    Attributes
    ----------
    visit : array of int
        The assessed visit (every visit after day 0), in visit order.
    status : array of int8
        The assessment's status (:data:`MET`, :data:`NOT_MET`,
        :data:`NOT_EVALUABLE`): the complete tier's status, or with
        ``include_partial`` whether any tier is met.
    category : array of str
        The definition's category (``complete``, ``partial``, ``none``,
        ``not_evaluable``).
    reason : array of object
        Why a not-evaluable assessment is not evaluable (None otherwise).
    criteria : mapping of str to array of int8
        ``"<tier>.<criterion>"`` -> status code per assessment.
    tiers : mapping of str to array of int8
        Tier name -> status code per assessment.
    inputs : mapping of str to array of float
        The kernel inputs per assessment (NaN missing), in canonical units.
    """

    visit: Ints
    status: Codes
    category: npt.NDArray[np.str_]
    reason: npt.NDArray[np.object_]
    criteria: Mapping[str, Codes]
    tiers: Mapping[str, Codes]
    inputs: Mapping[str, Floats]


def _range_max(values: Floats, lo: Ints, hi: Ints) -> Floats:
    """Max of ``values[lo:hi + 1]`` for each pair (ranges non-empty)."""
    if not len(lo):
        return np.zeros(0)
    padded = np.r_[values, -np.inf]
    idx = np.empty(2 * len(lo), dtype=np.int64)
    idx[0::2] = lo
    idx[1::2] = hi + 1
    return np.maximum.reduceat(padded, idx)[0::2]


def _glucocorticoid_window(
    c: Cohort,
    part: GlucocorticoidCeiling,
    visit: Ints,
    base: Ints,
) -> tuple[Floats, Floats, Floats]:
    """Highest dose (and days above the ceiling) from the window start to each visit.

    As :func:`lupusscore.response._visits._glucocorticoids`: a visit's dose
    holds until the next visit; without a dose known on the start day, or a
    visit in the window without a recorded dose, not evaluable (NaN).
    """
    n = len(visit)
    dose = c.visit_glucocorticoid_mg_day
    shift = round(_DAYS_PER_WEEK * (part.from_week or 0.0))
    start = c.visit_date[base] + np.timedelta64(shift, "D")
    vp = c.visit_participant
    # visits sorted by (participant, date): a composite day key searches them
    span = np.int64(10**7)
    vkey = vp * span + c.visit_date.astype(np.int64)
    lo = np.searchsorted(vkey, vp[visit] * span + start.astype(np.int64))
    first = c.visit_start()[vp[visit]]
    inside = lo <= visit
    exact = inside & (c.visit_date[np.minimum(lo, c.n_visits - 1)] == start)
    # later visits are never looked at (the per-participant rule passes the
    # visits up to the assessment): the dose before the window start is the
    # last visit before it, but not after the assessed visit
    from_ = np.where(exact, lo, np.minimum(lo - 1, visit))
    hi = np.where(inside, visit, from_)
    ok = from_ >= first
    safe_from = np.where(ok, from_, visit)
    safe_hi = np.where(ok, np.maximum(hi, safe_from), visit)
    nan_count = np.r_[0, np.cumsum(np.isnan(dose))]
    gaps = nan_count[safe_hi + 1] - nan_count[safe_from]
    highest = _range_max(np.nan_to_num(dose, nan=-np.inf), safe_from, safe_hi)
    good = ok & (gaps == 0)
    highest = np.where(good, highest, np.nan)
    days = np.full(n, np.nan)
    run = np.full(n, np.nan)
    if part.counts_days:
        over = good & ~part.comparator.apply(np.nan_to_num(highest), part.max_mg_day)
        days = np.where(good, np.nan, np.nan)
        run = days.copy()
        # Day counts only where the highest dose breaks the ceiling; the
        # per-day walk is over each window's few visits.
        end = c.visit_date[visit]
        for k in np.flatnonzero(good):
            if not over[k]:
                continue
            steps = np.arange(safe_from[k], safe_hi[k] + 1)
            total = longest = streak = 0
            day = start[k]
            j = 0
            while day <= end[k]:
                while j + 1 < len(steps) and c.visit_date[steps[j + 1]] <= day:
                    j += 1
                if part.comparator.apply(float(dose[steps[j]]), part.max_mg_day):
                    streak = 0
                else:
                    total += 1
                    streak += 1
                    longest = max(longest, streak)
                day += np.timedelta64(1, "D")
            days[k], run[k] = total, longest
    return highest, days, run


def renal_assessments(
    c: Cohort,
    definition: RenalResponseDefinition,
    *,
    latest: Ints,
    egfr: Floats,
    base: Ints,
    include_partial: bool = False,
) -> RenalAssessments:
    """Renal response under *definition* at every visit after day 0.

    The inputs are those :func:`lupusscore.evaluate_renal_response` reads for
    one visit against the participant's baseline visit, assembled for all
    visits at once; the definition is evaluated once over the whole batch.
    Visits of a participant without a baseline visit are not evaluable.
    """
    if not include_partial and definition.complete is None:
        msg = f"definition {definition.id!r} has no complete-response tier"
        raise DefinitionError(msg, definition=definition.id)
    day = c.visit_day
    visit = np.flatnonzero(day > 0)
    b = base[c.visit_participant[visit]]
    has_base = b >= 0
    bb = np.where(has_base, b, visit)  # placeholder index where no baseline
    need = definition.inputs
    pre_flare = definition.kidney_reference == "pre_flare"

    def at(values: Floats, rows: Ints) -> Floats:
        return np.where(has_base, values[rows], np.nan)

    upcr = lab_column(c, latest, Analyte.UPCR, c.lab_canonical)
    creat = lab_column(c, latest, Analyte.CREATININE, c.lab_canonical)
    blank = np.full(len(visit), np.nan)
    values: dict[str, Any] = dict.fromkeys(_INPUTS, blank)
    values |= {
        "withdrawn": np.zeros(len(visit)),
        "upcr_g_g": upcr[visit],
        "baseline_upcr_g_g": at(upcr, bb),
        "egfr": egfr[visit],
        "reference_egfr": np.full(len(visit), np.nan) if pre_flare else at(egfr, bb),
    }
    if "creatinine_mg_dl" in need:
        uln = lab_column(c, latest, Analyte.CREATININE, c.lab_reference_high_canonical)
        values["creatinine_mg_dl"] = creat[visit]
        values["creatinine_uln_mg_dl"] = uln[visit]
        values["reference_creatinine_mg_dl"] = (
            np.full(len(visit), np.nan) if pre_flare else at(creat, bb)
        )
    if "urine_rbc_hpf" in need:
        rbc = lab_column(c, latest, Analyte.URINE_RBC, c.lab_canonical)
        values["urine_rbc_hpf"] = rbc[visit]
        casts = c.visit_descriptors["urinary_casts"][visit]
        values["rbc_casts"] = np.where(casts < 0, np.nan, casts.astype(np.float64))
    gc = _gc_window(definition)
    if gc is not None:
        dose, days, longest = _glucocorticoid_window(c, gc, visit, bb)
        values["glucocorticoid_mg_day"] = np.where(has_base, dose, np.nan)
        if gc.counts_days:
            values["glucocorticoid_days_above_ceiling"] = days
            values["glucocorticoid_consecutive_days_above_ceiling"] = longest
    if "rescue_therapy" in need:
        flag = c.visit_rescue_therapy
        yes = np.r_[0, np.cumsum(flag == 1)]
        unknown = np.r_[0, np.cumsum(flag < 0)]
        any_yes = (yes[visit + 1] - yes[bb + 1]) > 0
        any_unknown = (unknown[visit + 1] - unknown[bb + 1]) > 0
        values["rescue_therapy"] = np.where(
            any_yes, 1.0, np.where(any_unknown, np.nan, 0.0)
        )
    run, _ = run_of(definition, values, RenalResponseResult)
    category, _ = run.labels()
    tiers = {g.name: np.asarray(s, dtype=np.int8) for g, s, _ in run.grades}
    criteria = {
        f"{g.name}.{name}": np.broadcast_to(e.status, run.inp.shape).astype(np.int8)
        for g, _, evals in run.grades
        for name, e in evals
    }
    if include_partial:
        # Status.of(result.responder): not evaluable only when no tier is met
        # and one is not evaluable (the run's overall status).
        status = np.where(
            run.status == NOT_EVALUABLE,
            NOT_EVALUABLE,
            np.where(category == "none", NOT_MET, MET),
        ).astype(np.int8)
    else:
        status = tiers["complete"].copy()
    status[~has_base] = NOT_EVALUABLE
    reason = np.full(len(visit), None, dtype=object)
    window = c.baseline_window_days
    reason[~has_base] = f"no baseline visit on study days -{window} to 0"
    ne = np.flatnonzero(has_base & (status == NOT_EVALUABLE))
    if len(ne):
        reason[ne] = _missing_reasons(run, ne)
    return RenalAssessments(
        visit=visit,
        status=status,
        category=np.where(has_base, category, "not_evaluable"),
        reason=reason,
        criteria=criteria,
        tiers=tiers,
        inputs={k: np.asarray(run.inp[k]) for k in run.inp.values},
    )


#: The inputs :func:`lupusscore.evaluate_renal_response` passes to the kernel
#: (missing where the definition does not read them; withdrawn is False at a
#: visit that took place).
_INPUTS: Final = (
    "upcr_g_g",
    "baseline_upcr_g_g",
    "egfr",
    "reference_egfr",
    "glucocorticoid_mg_day",
    "rescue_therapy",
    "creatinine_mg_dl",
    "reference_creatinine_mg_dl",
    "creatinine_uln_mg_dl",
    "urine_rbc_hpf",
    "rbc_casts",
    "egfr_decline_confirmed",
    "glucocorticoid_days_above_ceiling",
    "glucocorticoid_consecutive_days_above_ceiling",
    "withdrawn",
)


def _row_patterns(flags: Bools) -> tuple[Bools, Ints]:
    """Return the distinct rows of a boolean matrix and each row's one among them.

    ``patterns[which]`` equals *flags*. Rows of up to 62 columns are compared
    as one integer each (``np.unique`` of 1-d keys), wider ones with
    ``np.unique(axis=0)``.
    """
    width = flags.shape[1]
    if width > _KEY_BITS:
        patterns, which = np.unique(flags, axis=0, return_inverse=True)
        return patterns, which.reshape(-1).astype(np.int64)
    bits = np.arange(width, dtype=np.int64)
    key = np.zeros(len(flags), dtype=np.int64)
    for k in range(width):
        key |= flags[:, k].astype(np.int64) << k
    keys, which = np.unique(key, return_inverse=True)
    patterns = (keys[:, np.newaxis] >> bits & 1).astype(bool)
    return patterns, which.reshape(-1).astype(np.int64)


#: Columns of a boolean row that fit one int64 key (bit 63 is the sign).
_KEY_BITS: Final = 62


def _missing_reasons(run: Any, rows: Ints) -> list[str]:
    """Return each row's not-evaluable reason, as the explained result gives it.

    ``"missing <inputs>"`` from the not-evaluable criteria's missing inputs
    (what ``RenalResponseResult.missing_inputs`` holds); only a row without a
    missing input (outside the definition's coverage) builds its explained
    result for the reason. Which criteria are not evaluable at which rows is
    found for all rows at once. A criterion whose missing inputs are the
    plain rule (``missing_inputs``: its inputs that are NaN) is read for all
    its rows at once (``gone_rows``); any other names its inputs row by row;
    each distinct set of names is written once.
    """
    evals = [e for _, _, parts in run.grades for _, e in parts]
    # per input name: the rows where a not-evaluable criterion misses it
    named: dict[str, Bools] = {}
    own = np.zeros(len(rows), dtype=bool)  # rows a criterion's own rule names
    own_rules: list[tuple[Any, Bools]] = []
    for e in evals:
        gap = np.broadcast_to(e.status, run.inp.shape)[rows] == NOT_EVALUABLE
        if not gap.any():
            continue
        plain = gone_rows(e.missing, rows)
        if plain is None:
            own_rules.append((e, gap))
            own |= gap
            continue
        for name, nan in zip(*plain, strict=True):
            hit = nan & gap
            named[name] = named[name] | hit if name in named else hit
    names = sorted(named)
    flags = np.zeros((len(rows), len(names)), dtype=bool)
    for k, name in enumerate(names):
        flags[:, k] = named[name]
    patterns, which = _row_patterns(flags)
    texts = [
        "missing " + ", ".join(n for n, f in zip(names, p, strict=True) if f)
        for p in patterns.tolist()
    ]
    out = [texts[w] for w in which.tolist()]
    # rows with a criterion's own rule, or with no missing input at all
    for j in np.flatnonzero(own | ~flags.any(axis=1)).tolist():
        i = int(rows[j])
        found = {n for n, f in zip(names, flags[j].tolist(), strict=True) if f}
        for e, gap in own_rules:
            if gap[j]:
                found.update(e.missing((i,)))
        if found:
            out[j] = "missing " + ", ".join(sorted(found))
        else:
            out[j] = run.build((i,)).reason or ""
    return out


# --- renal flare ----------------------------------------------------------------------

#: The flare kernel's inputs (missing where the cohort has no column for them).
_FLARE_INPUTS: Final = (
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


def flare_status(
    c: Cohort,
    definition: RenalFlareDefinition,
    *,
    latest: Ints,
    visit: Ints,
    reference: Ints,
) -> Codes:
    """Renal flare status at each visit in *visit* against the visit *reference*.

    UPCR, creatinine and urine red cells at the visit and at its reference
    visit (canonical units), red-cell casts from the visit's ``urinary_casts``
    descriptor; acanthocytes, white-cell casts and an active sediment are not
    in the cohort layout (missing). The definition is evaluated once over all
    rows (:func:`lupusscore.classify_renal_flare`'s engine); the status is
    met when any grade is met.
    """
    blank = np.full(len(visit), np.nan)
    values: dict[str, Any] = dict.fromkeys(_FLARE_INPUTS, blank)
    for name, analyte in (
        ("upcr_g_g", Analyte.UPCR),
        ("creatinine_mg_dl", Analyte.CREATININE),
        ("urine_rbc_hpf", Analyte.URINE_RBC),
    ):
        column = lab_column(c, latest, analyte, c.lab_canonical)
        values[name] = column[visit]
        values["reference_" + name] = column[reference]
    casts = c.visit_descriptors["urinary_casts"][visit]
    values["rbc_casts"] = np.where(casts < 0, np.nan, casts.astype(np.float64))
    run, _ = run_of(definition, values, RenalFlareResult)
    return np.asarray(run.status, dtype=np.int8)


# --- serology ----------------------------------------------------------------------


def positive_codes(c: Cohort, rows: Ints, analyte: Analyte) -> Codes:
    """Positivity codes of ANA or anti-dsDNA lab rows *rows* (-1 for row -1).

    ANA: reciprocal titre >= 1:80 (:data:`lupusscore.serology.ANA_POSITIVE_DILUTION`);
    anti-dsDNA: above the lab's own upper limit (not evaluable without one), as
    :func:`lupusscore.serology.dsdna_increased` without a cut-off.
    """
    out = np.full(len(rows), NOT_EVALUABLE, dtype=np.int8)
    has = rows >= 0
    value = c.lab_canonical[rows[has]]
    if analyte is Analyte.ANA:
        hit = Comparator.GE.apply(value, ANA_POSITIVE_DILUTION)
        out[has] = np.where(hit, MET, NOT_MET)
        return out
    uln = c.lab_reference_high_canonical[rows[has]]
    known = ~np.isnan(uln)
    hit = Comparator.GT.apply(value, np.where(known, uln, 0.0))
    codes = np.where(known, np.where(hit, MET, NOT_MET), NOT_EVALUABLE)
    out[has] = codes.astype(np.int8)
    return out


def comparable(c: Cohort, first: Ints, second: Ints) -> Bools:
    """Whether lab rows *first* and *second* can be compared (both present).

    As :func:`lupusscore.serology.comparable_assays`: the same unit family, and
    for families not comparable across assays the same recorded assay (by
    the serology module's assay key, computed once per distinct assay).
    """
    ok = (first >= 0) & (second >= 0)
    out = np.zeros(len(first), dtype=bool)
    idx = np.flatnonzero(ok)
    if not len(idx):
        return out
    f, s = first[idx], second[idx]
    same = c.lab_family[f] == c.lab_family[s]
    across, has_f, key_f = _assay_keys(c, f)
    if across.all():
        out[idx] = same
        return out
    _, has_s, key_s = _assay_keys(c, s)
    out[idx] = same & (across | (has_f & has_s & (key_f == key_s)))
    return out


def _assay_keys(c: Cohort, rows: Ints) -> tuple[Bools, Bools, Objects]:
    """Return, per lab row in *rows*: comparable across assays, has an assay, its key.

    The key is the serology module's (``_assay_key``); two rows compare as
    the same assay when both have one and the keys are equal. Computed once
    per cohort and analyte over all its lab rows (``Cohort._derived``),
    then looked up.
    """
    across = np.zeros(len(rows), dtype=bool)
    has = np.zeros(len(rows), dtype=bool)
    key = np.full(len(rows), None, dtype=object)
    analyte = c.lab_analyte[rows]
    for code in np.unique(analyte).tolist():
        table: tuple[Ints, Bools, Bools, Objects] = c._derived(
            f"assay keys of analyte {code}", partial(_assay_table, c, code)
        )
        mine = analyte == code
        at = np.searchsorted(table[0], rows[mine])
        across[mine], has[mine], key[mine] = table[1][at], table[2][at], table[3][at]
    return across, has, key


def _assay_table(c: Cohort, code: int) -> tuple[Ints, Bools, Bools, Objects]:
    """Return the lab rows of analyte *code* (sorted) and their _assay_keys.

    The key and the family rule are worked out once per distinct assay text
    and unit family (a dictionary look-up per row), then spread to the rows.
    """
    rows = np.flatnonzero(c.lab_analyte == code)
    codes, texts = _codes(c.lab_assay[rows])
    keys = np.empty(len(texts), dtype=object)
    keys[:] = [None if t is None else _assay_key(str(t)) for t in texts]
    key = keys[codes]
    has = np.array([k is not None for k in keys.tolist()], dtype=bool)[codes]
    across = _across_assays(c, rows)
    for column in (rows, across, has, key):
        column.setflags(write=False)
    return rows, across, has, key


def _across_assays(c: Cohort, rows: Ints) -> Bools:
    """Whether each row's unit family is comparable across assays."""
    inverse, names = _codes(c.lab_family[rows])
    position = {name: i for i, name in enumerate(names)}
    table = np.zeros((len(ANALYTE_CODES), len(names)), dtype=bool)
    for code, a in enumerate(ANALYTE_CODES):
        for fam in analyte_spec(a).families:
            hit = position.get(fam.name)
            if hit is not None:
                table[code, hit] = fam.comparable_across_assays
    return table[c.lab_analyte[rows].astype(np.int64), inverse]


def nan_if(flag: Bools, values: Floats) -> Floats:
    """*values* with NaN where *flag* is False."""
    return np.where(flag, values, math.nan)
