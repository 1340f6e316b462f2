"""The trial outcome table from the cohort engine's columns.

:func:`outcome_table_of` derives every outcome of
:func:`lupusscore.build_outcome_table` (which calls it) from a :class:`Cohort`
in passes over whole columns: canonical values, eGFR, SLEDAI-2K, baselines,
timepoint visits, renal response per assessment, the longitudinal rules as
segment reductions, time to event, then the per-arm summaries.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, cast

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_choice, as_instance, describe
from lupusscore.analytes import Analyte
from lupusscore.cohort._cohort import Cohort, analysis_population
from lupusscore.cohort._engine import (
    CODE,
    MET,
    NOT_EVALUABLE,
    NOT_MET,
    Events,
    RenalAssessments,
    baseline_visit,
    comparable,
    lab_column,
    last_contact_day,
    latest_labs,
    participant_events,
    positive_codes,
    renal_assessments,
    take,
    timepoint_order,
    timepoint_visit,
    visit_egfr,
)
from lupusscore.cohort._longitudinal import (
    Assessments,
    achieve_and_maintain_codes,
    status_at_codes,
)
from lupusscore.cohort._sledai import visit_sledai
from lupusscore.cohort._tte import first_event_times
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Timepoint
from lupusscore.outcomes._args import check_callable, check_switch
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod, kaplan_meier, proportion, summarize
from lupusscore.outcomes._strategies import (
    DEFAULT_STRATEGIES,
    Strategies,
    resolve_strategies,
)
from lupusscore.outcomes._table import (
    PROTEINURIA_LABEL,
    ArmSize,
    OutcomeRow,
    OutcomeTable,
    differs_from_shipped,
    drop_empty,
    primary_outcome,
    resolve_table_definition,
    table_notes,
)
from lupusscore.outcomes._tte import DEFAULT_CENSORING, ESKD_EVENTS
from lupusscore.response import (
    NephroticBaseline,
    RenalResponseDefinition,
    UpcrBelow,
    UpcrReduction,
)
from lupusscore.results import Status

__all__ = [
    "Derived",
    "Unmeasured",
    "check_plan",
    "derive",
    "outcome_table_of",
    "unmeasured_arms",
    "unmeasured_notes",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]

_STATUS = {
    MET: Status.MET,
    NOT_MET: Status.NOT_MET,
    NOT_EVALUABLE: Status.NOT_EVALUABLE,
}


@dataclass(frozen=True)
class Derived:
    """Per-visit and per-participant columns computed once per analysis."""

    cohort: Cohort
    definition: RenalResponseDefinition
    latest: Ints
    egfr: Floats
    sledai: Floats
    base: Ints
    renal: RenalAssessments
    events: Events
    last_contact: Ints

    def value(self, analyte: Analyte) -> Floats:
        """Each visit's latest canonical *analyte* value (NaN if none)."""
        return lab_column(self.cohort, self.latest, analyte, self.cohort.lab_canonical)

    def assessments(
        self,
        policy: MissingPolicy,
        *,
        use_unscheduled: bool,
        strategies: Strategies = DEFAULT_STRATEGIES,
    ) -> Assessments:
        """Return the renal assessments as the longitudinal kernels read them.

        Each event's strategy is the one *strategies* gives its type.
        """
        c, r = self.cohort, self.renal
        return Assessments(
            participant=c.visit_participant[r.visit],
            day=c.visit_day[r.visit],
            status=r.status,
            unscheduled=c.visit_unscheduled[r.visit],
            n_participants=c.n_participants,
            event_participant=self.events.participant,
            event_day=self.events.day,
            policy=policy,
            use_unscheduled=use_unscheduled,
            event_strategy=strategies.codes(self.events.type),
        )

    def egfr_measure(self) -> Floats:
        """EGFR where the visit has a creatinine result (NaN otherwise)."""
        has = self.latest[:, CODE[Analyte.CREATININE]] >= 0
        return np.where(has, self.egfr, np.nan)


def derive(
    c: Cohort,
    definition: RenalResponseDefinition,
    *,
    include_partial: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Derived:
    """Run every per-visit pass of the engine once."""
    total = c.n_participants
    steps = 4

    def step(k: int) -> None:
        if progress is not None:
            progress(min(total, round(total * k / steps)), total)

    latest = latest_labs(c)
    egfr = visit_egfr(c, latest)
    step(1)
    sledai = visit_sledai(c, latest)
    step(2)
    base = baseline_visit(c)
    renal = renal_assessments(
        c,
        definition,
        latest=latest,
        egfr=egfr,
        base=base,
        include_partial=include_partial,
    )
    step(3)
    events = participant_events(c)
    derived = Derived(
        cohort=c,
        definition=definition,
        latest=latest,
        egfr=egfr,
        sledai=sledai,
        base=base,
        renal=renal,
        events=events,
        last_contact=last_contact_day(c, events),
    )
    step(4)
    return derived


def _arm_groups(c: Cohort) -> dict[str, Ints]:
    """Participant indices of each arm, arms in display order."""
    groups: dict[str, Ints] = {}
    for arm in c.arms:
        groups[arm] = np.flatnonzero(c.arm == arm)
    extra = sorted({a for a in c.arm.tolist() if a is not None} - set(c.arms))
    for arm in extra:  # pragma: no cover - Trial and from_frames check arms
        groups[arm] = np.flatnonzero(c.arm == arm)
    return groups


@dataclass(frozen=True)
class Unmeasured:
    """Arms in which the data cannot evaluate renal response at all.

    ``participants`` marks the participants of those arms; ``reasons`` gives,
    per arm, the most common reason its assessments are not evaluable;
    ``short`` gives it in a few words for a table cell (``"no UPCR"``).
    """

    participants: npt.NDArray[np.bool_]
    reasons: dict[str, str]
    short: dict[str, str] = field(default_factory=dict)


#: Response parts that read the visit's UPCR (``upcr_g_g``).
_UPCR_PARTS: Final = (UpcrBelow, UpcrReduction, NephroticBaseline)


def upcr_is_key(definition: RenalResponseDefinition) -> bool:
    """Return True if no response under *definition* can be met without a UPCR.

    The outcome table counts complete response (any response for a
    definition without a complete tier); a tier is met only when every one of
    its criteria is met, and a criterion with a missing input is never met.
    So when every tier counted has a criterion that reads the UPCR, data
    without any UPCR cannot show a single responder.
    """
    tiers = (
        (definition.complete,)
        if definition.complete is not None
        else definition.tiers()
    )
    return bool(tiers) and all(
        any(isinstance(p, _UPCR_PARTS) for p in tier.criteria) for tier in tiers
    )


def unmeasured_arms(d: Derived, *, use_unscheduled: bool) -> Unmeasured:
    """Find the arms where not one assessment the rules use is evaluable.

    When not one assessment of an arm is evaluable (the data lack an input
    the definition needs, such as UPCR, perhaps at one site only),
    non-responder imputation would report 0% responders for that arm: a wrong
    result read from missing data. The outcome table and ADRS then report the
    arm's participants as not evaluable, with the reason, instead. Only the
    assessments the rules use count: after day 0, and scheduled unless
    *use_unscheduled*.
    """
    c, r = d.cohort, d.renal
    used = use_unscheduled | ~c.visit_unscheduled[r.visit]
    evaluable = np.zeros(c.n_participants, dtype=bool)
    who = c.visit_participant[r.visit]
    evaluable[who[used & (r.status != NOT_EVALUABLE)]] = True
    mask = np.zeros(c.n_participants, dtype=bool)
    reasons: dict[str, str] = {}
    short: dict[str, str] = {}
    upcr = r.inputs.get("upcr_g_g")
    key_upcr = upcr is not None and upcr_is_key(d.definition)
    for arm in c.arms:
        members = c.arm == arm
        if not members.any():
            continue
        assessed = used & members[who]
        no_upcr = key_upcr and upcr is not None and assessed.any()
        if no_upcr and upcr is not None and np.isnan(upcr[assessed]).all():
            # Not one UPCR in the arm: no participant can be a responder, so
            # even definite failures (a fall in eGFR) would read as 0%.
            mask |= members
            reasons[arm] = (
                "not evaluable in these data: no UPCR (input upcr_g_g) at any "
                "assessment after day 0"
            )
            short[arm] = "no UPCR"
            continue
        if evaluable[members].any():
            continue
        mask |= members
        mine = used & members[who] & (r.status == NOT_EVALUABLE)
        texts = [str(x) for x in r.reason[mine].tolist() if x]
        if texts:
            values, counts = np.unique(np.array(texts, dtype=str), return_counts=True)
            why = str(values[int(np.argmax(counts))])
        else:
            why = "no assessment after day 0"
        reasons[arm] = f"not evaluable in these data: no assessment is ({why})"
        short[arm] = f"no evaluable assessment ({why})"
    return Unmeasured(participants=mask, reasons=reasons, short=short)


def unmeasured_notes(d: Derived, found: Unmeasured) -> tuple[str, ...]:
    """Return the outcome table's notes on arms where the endpoint is unmeasured."""
    return tuple(
        f"Renal response ({d.definition.id}) in arm {arm!r} is {why}; no "
        "participant of the arm is counted as a responder or imputed as a "
        "non-responder for it."
        for arm, why in found.reasons.items()
    )


def check_plan(
    c: Cohort, achieve_by: object, maintain_through: object
) -> tuple[Timepoint, Timepoint]:
    """Check that *c* can be tabulated; return the two primary timepoints.

    Raises
    ------
    InvalidValueError
        No participant, no schedule, a label that is not a timepoint of the
        schedule, or *achieve_by* after *maintain_through*.
    """
    if not c.n_participants:
        raise InvalidValueError(
            field="participants",
            value=[],
            expected=(
                "at least one participant: the trial has none, so there is no "
                "outcome to tabulate"
            ),
        )
    if not c.schedule:
        raise InvalidValueError(
            field="schedule",
            value=[],
            expected="at least one scheduled timepoint in the trial file",
        )
    for name, label in (
        ("achieve_by", achieve_by),
        ("maintain_through", maintain_through),
    ):
        if not isinstance(label, str):
            raise InvalidValueError(
                field=name,
                value=describe(label),
                expected="a timepoint label of the trial's schedule: "
                + ", ".join(repr(tp.label) for tp in c.schedule),
            )
    by_tp = c.timepoint(cast(str, achieve_by))
    end_tp = c.timepoint(cast(str, maintain_through))
    if by_tp.day > end_tp.day:
        raise InvalidValueError(
            field="achieve_by",
            value=achieve_by,
            expected=f"a timepoint on or before {maintain_through!r}",
        )
    return by_tp, end_tp


def outcome_table_of(
    c: Cohort,
    *,
    definition: str | os.PathLike[str] | RenalResponseDefinition,
    achieve_by: str,
    maintain_through: str,
    policy: MissingPolicy,
    ci_method: CiMethod,
    use_unscheduled: bool,
    progress: Callable[[int, int], None] | None = None,
    derived: Derived | None = None,
    not_analysed: Cohort | None = None,
    strategies: Strategies | Mapping[str, str] | None = None,
) -> OutcomeTable:
    """Derive every outcome of *c* by arm (the rules of ``build_outcome_table``).

    Participants of *c* without a day 0, and those of *not_analysed* (the
    ones :func:`lupusscore.analyse` split off), are outside the analysis
    population: in no row, counted in a note. *strategies* (ICH E9(R1), see
    :func:`lupusscore.analyse`) apply to the renal response rows (the primary
    outcome and each timepoint).
    """
    c = as_instance("cohort", c, Cohort)
    c, left_out = analysis_population(c)
    if not_analysed is not None:
        left_out = as_instance("not_analysed", not_analysed, Cohort)
    chosen_strategies = resolve_strategies(strategies)
    how = cast(MissingPolicy, as_choice("policy", policy, MissingPolicy))
    ci = cast(CiMethod, as_choice("ci_method", ci_method, CiMethod))
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    if progress is not None:
        check_callable("progress", progress)
    if derived is not None:
        derived = as_instance("derived", derived, Derived)
    policy, ci_method = how, ci
    chosen = resolve_table_definition(definition)
    by_tp, end_tp = check_plan(c, achieve_by, maintain_through)
    complete_tier = chosen.complete is not None
    d = derived or derive(
        c, chosen, include_partial=not complete_tier, progress=progress
    )
    label = (
        f"complete renal response ({chosen.id})"
        if complete_tier
        else f"renal response ({chosen.id}; the definition has no "
        "complete tier: any response)"
    )
    groups = _arm_groups(c)
    unmeasured = unmeasured_arms(d, use_unscheduled=use_unscheduled)
    t = _Tabulator(
        d, groups, policy, ci_method, use_unscheduled, unmeasured, chosen_strategies
    )
    rows: list[OutcomeRow] = []
    rows += t.primary(label, by_tp, end_tp, complete=complete_tier)
    rows += t.renal_by_timepoint(label)
    rows += t.survival((by_tp, end_tp))
    rows += t.kidney()
    rows += t.activity()
    rows += t.complement()
    rows += t.serology()
    unusable = unmeasured_notes(d, unmeasured)
    notes = table_notes(
        day0=c.day0_label,
        window=c.baseline_window_days,
        use_unscheduled=use_unscheduled,
        policy=policy,
        ci=ci_method,
        strategies=chosen_strategies,
    )
    notes += unusable
    if left_out is not None:
        notes += (not_analysed_note(left_out, c.day0_label),)
    if differs_from_shipped(chosen):
        notes += (
            f"Renal response definition {chosen.id!r} version {chosen.version!r} "
            "is not the shipped definition of that id (a protocol's own file "
            "or object).",
        )
    return OutcomeTable(
        trial=c.name,
        synthetic=c.synthetic,
        definition=chosen.id,
        definition_version=chosen.version,
        definition_citation=chosen.citation,
        definition_provisional=chosen.provisional_reasons,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        missing_policy=policy,
        ci_method=ci_method,
        arms=tuple(ArmSize(arm=a, n=len(m)) for a, m in groups.items()),
        notes=notes,
        rows=tuple(drop_empty(rows)),
        estimand=Estimand(
            arms=tuple(groups),
            definition=chosen.id,
            definition_version=chosen.version,
            response="complete renal response"
            if complete_tier
            else "renal response (any tier: the definition has no complete tier)",
            achieve_by=achieve_by,
            maintain_through=maintain_through,
            strategies=chosen_strategies,
            missing_policy=policy,
            ci_method=ci_method,
        ),
    )


def not_analysed_note(left_out: Cohort, day0_label: str) -> str:
    """Return the outcome table's note on participants outside the population."""
    arms = Counter(str(a) if a is not None else "no arm" for a in left_out.arm.tolist())
    ids = left_out.participant_id.tolist()
    shown = ", ".join(str(i) for i in ids[:20]) + (" ..." if len(ids) > 20 else "")  # noqa: PLR2004
    return (
        f"{left_out.n_participants} participant(s) without a study day 0 "
        f"({day0_label}: not randomised or never treated) are not in the "
        "analysis population and are in no row or denominator (arm "
        + ", ".join(f"{a} ({n})" for a, n in sorted(arms.items()))
        + f"): {shown}."
    )


@dataclass
class _Tabulator:
    d: Derived
    groups: dict[str, Ints]
    policy: MissingPolicy
    ci: CiMethod
    unscheduled: bool
    unmeasured: Unmeasured
    strategies: Strategies = DEFAULT_STRATEGIES

    def _assessments(self) -> Assessments:
        return self.d.assessments(
            self.policy, use_unscheduled=self.unscheduled, strategies=self.strategies
        )

    #: Each timepoint's window visits, nearest first (timepoint_order), kept
    #: for the table: every measure picks its visits from the same order.
    orders: dict[Timepoint, Ints] = field(default_factory=dict)

    @property
    def c(self) -> Cohort:
        return self.d.cohort

    def visit_at(self, tp: Timepoint, has: Bools) -> Ints:
        """Each participant's visit for *tp* among those where *has* (-1 none)."""
        order = self.orders.get(tp)
        if order is None:
            order = timepoint_order(self.c, tp, use_unscheduled=self.unscheduled)
            self.orders[tp] = order
        return timepoint_visit(
            self.c, tp, has, use_unscheduled=self.unscheduled, order=order
        )

    def _proportion_row(  # noqa: PLR0917
        self,
        section: str,
        outcome: str,
        arm: str,
        status: Codes,
        imputed: npt.NDArray[np.bool_] | None = None,
        tp: Timepoint | None = None,
        reason: str | None = None,
    ) -> OutcomeRow:
        # the counting of responder_proportion, on codes
        met = int(np.count_nonzero(status == MET))
        not_met = int(np.count_nonzero(status == NOT_MET))
        prop = proportion(met, met + not_met, method=self.ci)
        not_evaluable = len(status) - met - not_met
        n_imputed = 0 if imputed is None else int(np.sum(imputed & (status == NOT_MET)))
        return OutcomeRow(
            section=section,
            outcome=outcome,
            timepoint=None if tp is None else tp.label,
            day=None if tp is None else tp.day,
            arm=arm,
            statistic="proportion",
            n=prop.n,
            count=prop.successes,
            estimate=prop.estimate,
            ci_low=prop.low,
            ci_high=prop.high,
            not_evaluable=not_evaluable,
            imputed=n_imputed,
            reason=reason,
        )

    def _endpoint(
        self, status: Codes, imputed: npt.NDArray[np.bool_]
    ) -> tuple[Codes, npt.NDArray[np.bool_]]:
        """Return not evaluable where the data cannot evaluate the endpoint."""
        found = self.unmeasured
        if not found.reasons:
            return status, imputed
        status = np.where(found.participants, NOT_EVALUABLE, status).astype(np.int8)
        return status, imputed & ~found.participants

    def primary(
        self, label: str, by_tp: Timepoint, end_tp: Timepoint, *, complete: bool
    ) -> list[OutcomeRow]:
        outcome = primary_outcome(label, by_tp.label, end_tp.label, complete=complete)
        by_day = min(by_tp.last_day, end_tp.day)
        got = achieve_and_maintain_codes(
            self._assessments(),
            by_day=by_day,
            through=end_tp,
        )
        status, imputed = self._endpoint(got.status, got.imputed)
        return [
            self._proportion_row(
                "primary",
                outcome,
                arm,
                status[members],
                imputed[members],
                end_tp,
                self.unmeasured.short.get(arm),
            )
            for arm, members in self.groups.items()
        ]

    def renal_by_timepoint(self, label: str) -> list[OutcomeRow]:
        rows = []
        for tp in self.c.schedule:
            got = status_at_codes(self._assessments(), tp)
            status, imputed = self._endpoint(got.status, got.imputed)
            for arm, members in self.groups.items():
                rows.append(
                    self._proportion_row(
                        "renal response",
                        label,
                        arm,
                        status[members],
                        imputed[members],
                        tp,
                        self.unmeasured.short.get(arm),
                    )
                )
        return rows

    def survival(self, timepoints: Sequence[Timepoint]) -> list[OutcomeRow]:
        rows = []
        ev = self.d.events
        for name, hits, censor in (
            ("overall survival", frozenset({EventType.DEATH}), frozenset()),
            (
                "ESKD-free (dialysis or transplant; death censors)",
                ESKD_EVENTS,
                DEFAULT_CENSORING,
            ),
        ):
            day, event, _ = first_event_times(
                self.c.n_participants,
                ev,
                event_types=hits,
                censor_on=censor,
                last_day=self.d.last_contact,
            )
            # One estimate per arm, read at each timepoint.
            kms = {
                arm: kaplan_meier(day[members], event[members])
                for arm, members in self.groups.items()
            }
            for tp in timepoints:
                for arm, members in self.groups.items():
                    point = kms[arm].at(tp.day)
                    rows.append(
                        OutcomeRow(
                            section="survival",
                            outcome=name,
                            timepoint=tp.label,
                            day=tp.day,
                            arm=arm,
                            statistic="survival",
                            n=len(members),
                            count=int(
                                np.sum(event[members] & (day[members] <= tp.day))
                            ),
                            estimate=point.survival,
                            ci_low=point.low,
                            ci_high=point.high,
                            n_at_risk=point.n_at_risk,
                        )
                    )
        return rows

    def _change_rows(
        self, section: str, outcome: str, unit: str, measure: Floats
    ) -> list[OutcomeRow]:
        rows = []
        has = ~np.isnan(measure)
        base_v = baseline_visit(self.c, has)
        base = take(measure, base_v)
        for tp in self.c.schedule:
            now_v = self.visit_at(tp, has)
            now = take(measure, now_v)
            change = now - base
            for arm, members in self.groups.items():
                got = change[members]
                values = got[~np.isnan(got)]
                s = summarize(values)
                rows.append(
                    OutcomeRow(
                        section=section,
                        outcome=f"{outcome}: change from baseline",
                        timepoint=tp.label,
                        day=tp.day,
                        arm=arm,
                        statistic="change",
                        n=s.n,
                        estimate=s.mean,
                        sd=s.sd,
                        median=s.median,
                        q1=s.q1,
                        q3=s.q3,
                        unit=unit,
                        not_evaluable=len(members) - s.n,
                    )
                )
        return rows

    def kidney(self) -> list[OutcomeRow]:
        rows = []
        for analyte, label, unit in (
            (Analyte.CREATININE, "serum creatinine", "mg/dL"),
            (Analyte.UPCR, PROTEINURIA_LABEL, "g/g"),
        ):
            rows += self._change_rows("kidney", label, unit, self.d.value(analyte))
        rows += self._change_rows(
            "kidney", "eGFR (CKD-EPI 2021)", "mL/min/1.73 m²", self.d.egfr_measure()
        )
        return rows

    def activity(self) -> list[OutcomeRow]:
        return self._change_rows("activity", "SLEDAI-2K", "points", self.d.sledai)

    def _lab_rows(self, analyte: Analyte, tp: Timepoint | None) -> Ints:
        """Each participant's lab row of *analyte* at baseline / *tp* (-1 none)."""
        lab = self.d.latest[:, CODE[analyte]]
        has = lab >= 0
        v = baseline_visit(self.c, has) if tp is None else self.visit_at(tp, has)
        return take(lab, v, -1)

    def complement(self) -> list[OutcomeRow]:
        rows = []
        c = self.c
        for analyte, label in ((Analyte.C3, "C3"), (Analyte.C4, "C4")):
            rows += self._change_rows("complement", label, "g/L", self.d.value(analyte))
            for tp in c.schedule:
                lab = self._lab_rows(analyte, tp)
                status = np.full(c.n_participants, NOT_EVALUABLE, dtype=np.int8)
                has = lab >= 0
                limit = c.lab_reference_low_canonical[lab[has]]
                value = c.lab_canonical[lab[has]]
                known = ~np.isnan(limit)
                low = value < np.where(known, limit, 0.0)
                status[has] = np.where(
                    known, np.where(low, MET, NOT_MET), NOT_EVALUABLE
                )
                for arm, members in self.groups.items():
                    rows.append(
                        self._proportion_row(
                            "complement",
                            f"low {label} (below the lab's lower limit)",
                            arm,
                            status[members],
                            tp=tp,
                        )
                    )
        return rows

    def _dsdna_measure(self) -> Floats:
        c = self.c
        lab = self.d.latest[:, CODE[Analyte.ANTI_DSDNA]]
        base_lab = self._lab_rows(Analyte.ANTI_DSDNA, None)[c.visit_participant]
        iu = np.zeros(c.n_visits, dtype=bool)
        has = lab >= 0
        iu[has] = c.lab_family[lab[has]] == "international_units"
        ok = iu & comparable(c, base_lab, np.where(has, lab, -1))
        out = np.full(c.n_visits, np.nan)
        out[ok] = c.lab_canonical[lab[ok]]
        return out

    def serology(self) -> list[OutcomeRow]:
        rows = self._change_rows(
            "serology",
            "anti-dsDNA (same assay as baseline)",
            "IU/mL",
            self._dsdna_measure(),
        )
        c = self.c
        for analyte, label in (
            (Analyte.ANA, "ANA (>= 1:80)"),
            (Analyte.ANTI_DSDNA, "anti-dsDNA (above the lab's upper limit)"),
        ):
            base = self._lab_rows(analyte, None)
            first = positive_codes(c, base, analyte)
            for tp in c.schedule:
                now = self._lab_rows(analyte, tp)
                second = positive_codes(c, now, analyte)
                same = comparable(c, base, now)
                status = np.where(
                    same & (first == MET),
                    np.where(
                        second == MET,
                        NOT_MET,
                        np.where(second == NOT_MET, MET, NOT_EVALUABLE),
                    ),
                    NOT_EVALUABLE,
                ).astype(np.int8)
                for arm, members in self.groups.items():
                    rows.append(
                        self._proportion_row(
                            "serology",
                            f"{label}: seroconverted to negative, of those "
                            "positive at baseline",
                            arm,
                            status[members],
                            tp=tp,
                        )
                    )
        return rows


def as_status_list(codes: Codes) -> list[Status]:
    """Status of each code."""
    return [_STATUS[int(s)] for s in codes.tolist()]
