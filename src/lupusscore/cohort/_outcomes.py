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
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

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
    visit_egfr,
)
from lupusscore.cohort._longitudinal import (
    Assessments,
    achieve_and_maintain_codes,
    status_at_every,
)
from lupusscore.cohort._sledai import visit_sledai
from lupusscore.cohort._tte import first_event_times
from lupusscore.errors import InvalidValueError
from lupusscore.models import EventType, Timepoint
from lupusscore.outcomes._args import check_callable, check_switch
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod, proportion_cells, survival_at
from lupusscore.outcomes._strategies import (
    DEFAULT_STRATEGIES,
    Strategies,
    resolve_strategies,
)
from lupusscore.outcomes._summaries import SampleSummary, summaries
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
    "ArmEvidence",
    "Derived",
    "OutcomeRecords",
    "RowKey",
    "Unmeasured",
    "arm_evidence",
    "arm_rows",
    "check_plan",
    "derive",
    "outcome_records",
    "outcome_table_from_records",
    "outcome_table_of",
    "pool_evidence",
    "table_rows",
    "unmeasured_arms",
    "unmeasured_notes",
    "unmeasured_of",
]

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]
Objects = npt.NDArray[np.object_]

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
    return unmeasured_of(arm_evidence(d, use_unscheduled=use_unscheduled), d.cohort.arm)


@dataclass(frozen=True)
class ArmEvidence:
    """What decides whether an arm's renal endpoint is measured at all.

    Per arm: the number of participants, whether any assessment the rules use
    is evaluable, and, where none is, how often each not-evaluable reason
    occurs (an arm with an evaluable assessment in one part is measured in the
    whole). Counts and "any" pool exactly over parts of a cohort split by
    participant.
    """

    members: int
    evaluable: bool
    reasons: dict[str, int]
    #: Whether any assessment the rules use exists in the arm.
    assessed: bool = False
    #: Whether every such assessment lacks a UPCR where the definition cannot
    #: be met without one (:func:`upcr_is_key`); True when there is none.
    upcr_missing: bool = True


def arm_evidence(d: Derived, *, use_unscheduled: bool) -> dict[str, ArmEvidence]:
    """Return each arm's :class:`ArmEvidence` (arms of ``d.cohort.arms``)."""
    c, r = d.cohort, d.renal
    used = use_unscheduled | ~c.visit_unscheduled[r.visit]
    evaluable = np.zeros(c.n_participants, dtype=bool)
    who = c.visit_participant[r.visit]
    evaluable[who[used & (r.status != NOT_EVALUABLE)]] = True
    upcr = r.inputs.get("upcr_g_g")
    key_upcr = upcr is not None and upcr_is_key(d.definition)
    out: dict[str, ArmEvidence] = {}
    for arm in c.arms:
        members = c.arm == arm
        measured = bool(evaluable[members].any())
        assessed = used & members[who]
        reasons: dict[str, int] = {}
        if not measured:  # the reasons matter only where nothing is evaluable
            mine = assessed & (r.status == NOT_EVALUABLE)
            texts = [str(x) for x in r.reason[mine].tolist() if x]
            values, counts = np.unique(np.array(texts, dtype=str), return_counts=True)
            reasons = dict(zip(values.tolist(), counts.tolist(), strict=True))
        out[arm] = ArmEvidence(
            members=int(np.count_nonzero(members)),
            evaluable=measured,
            reasons=reasons,
            assessed=bool(assessed.any()),
            upcr_missing=bool(
                key_upcr and upcr is not None and np.isnan(upcr[assessed]).all()
            ),
        )
    return out


def pool_evidence(parts: Sequence[dict[str, ArmEvidence]]) -> dict[str, ArmEvidence]:
    """Pool the evidence of disjoint parts of a cohort (sums, "any" and "all")."""
    out: dict[str, ArmEvidence] = {}
    for part in parts:
        for arm, ev in part.items():
            got = out.get(arm, ArmEvidence(members=0, evaluable=False, reasons={}))
            reasons = dict(got.reasons)
            for text, k in ev.reasons.items():
                reasons[text] = reasons.get(text, 0) + k
            out[arm] = ArmEvidence(
                members=got.members + ev.members,
                evaluable=got.evaluable or ev.evaluable,
                reasons=reasons,
                assessed=got.assessed or ev.assessed,
                upcr_missing=got.upcr_missing and ev.upcr_missing,
            )
    return out


def unmeasured_of(evidence: dict[str, ArmEvidence], arm: Objects) -> Unmeasured:
    """Return the unmeasured arms by their evidence (*arm*: each participant's).

    An arm with assessments but not one UPCR at any of them, where the
    definition cannot be met without one (:func:`upcr_is_key`), is "no UPCR";
    otherwise an arm without an evaluable assessment is not evaluable for the
    most common reason (ties: the first in sorted order).
    """
    mask = np.zeros(len(arm), dtype=bool)
    reasons: dict[str, str] = {}
    short: dict[str, str] = {}
    for name, ev in evidence.items():
        if not ev.members:
            continue
        if ev.assessed and ev.upcr_missing:
            # Not one UPCR in the arm: no participant can be a responder, so
            # even definite failures (a fall in eGFR) would read as 0%.
            mask |= arm == name
            reasons[name] = (
                "not evaluable in these data: no UPCR (input upcr_g_g) at any "
                "assessment after day 0"
            )
            short[name] = "no UPCR"
            continue
        if ev.evaluable:
            continue
        mask |= arm == name
        if ev.reasons:
            why = max(sorted(ev.reasons), key=lambda t: ev.reasons[t])
        else:
            why = "no assessment after day 0"
        reasons[name] = f"not evaluable in these data: no assessment is ({why})"
        short[name] = f"no evaluable assessment ({why})"
    return Unmeasured(participants=mask, reasons=reasons, short=short)


def unmeasured_notes(d: Derived, found: Unmeasured) -> tuple[str, ...]:
    """Return the outcome table's notes on arms where the endpoint is unmeasured."""
    return _unmeasured_notes(d.definition.id, found)


def _unmeasured_notes(definition_id: str, found: Unmeasured) -> tuple[str, ...]:
    return tuple(
        f"Renal response ({definition_id}) in arm {arm!r} is {why}; no "
        "participant of the arm is counted as a responder or imputed as a "
        "non-responder for it."
        for arm, why in found.reasons.items()
    )


def _no_participant() -> InvalidValueError:
    return InvalidValueError(
        field="participants",
        value=[],
        expected=(
            "at least one participant: the trial has none, so there is no "
            "outcome to tabulate"
        ),
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
        raise _no_participant()
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


@dataclass(frozen=True)
class _Plan:
    """The checked arguments of one outcome table and what its header says."""

    definition: RenalResponseDefinition
    achieve_by: str
    maintain_through: str
    by_tp: Timepoint
    end_tp: Timepoint
    policy: MissingPolicy
    ci: CiMethod
    use_unscheduled: bool
    trial: str
    synthetic: bool
    #: The arms of the analysis population (an arm only participants left
    #: out have is none), and of the cohort given.
    arms: tuple[str, ...]
    all_arms: tuple[str, ...]
    notes: tuple[str, ...]
    own_note: tuple[str, ...]
    strategies: Strategies
    day0_label: str

    @property
    def complete(self) -> bool:
        """Whether the definition has a complete tier (the one counted)."""
        return self.definition.complete is not None

    @property
    def label(self) -> str:
        chosen = self.definition
        if chosen.complete is not None:
            return f"complete renal response ({chosen.id})"
        return (
            f"renal response ({chosen.id}; the definition has no "
            "complete tier: any response)"
        )


def _plan(
    c: Cohort,
    *,
    definition: str | os.PathLike[str] | RenalResponseDefinition,
    achieve_by: str,
    maintain_through: str,
    policy: MissingPolicy,
    ci_method: CiMethod,
    use_unscheduled: bool,
    progress: Callable[[int, int], None] | None,
    derived: Derived | None,
    not_analysed: Cohort | None,
    strategies: Strategies | Mapping[str, str] | None,
    part: bool = False,
) -> tuple[_Plan, Derived, Cohort | None]:
    """Check the arguments of :func:`outcome_table_of`; derive the columns.

    Returns the plan, the derived columns of the analysis population and the
    participants left out of it (None: none). A *part* of a cohort may have
    no participant in the analysis population (the whole must have one:
    :func:`outcome_table_from_records`).
    """
    c = as_instance("cohort", c, Cohort)
    all_arms = c.arms
    given = c
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
    chosen = resolve_table_definition(definition)
    by_tp, end_tp = check_plan(
        given if part and not c.n_participants else c, achieve_by, maintain_through
    )
    complete_tier = chosen.complete is not None
    d = derived or derive(
        c, chosen, include_partial=not complete_tier, progress=progress
    )
    notes = table_notes(
        day0=c.day0_label,
        window=c.baseline_window_days,
        use_unscheduled=use_unscheduled,
        policy=how,
        ci=ci,
        strategies=chosen_strategies,
    )
    own_note: tuple[str, ...] = ()
    if differs_from_shipped(chosen):
        own_note = (
            f"Renal response definition {chosen.id!r} version {chosen.version!r} "
            "is not the shipped definition of that id (a protocol's own file "
            "or object).",
        )
    plan = _Plan(
        definition=chosen,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        by_tp=by_tp,
        end_tp=end_tp,
        policy=how,
        ci=ci,
        use_unscheduled=use_unscheduled,
        trial=c.name,
        synthetic=c.synthetic,
        arms=tuple(_arm_groups(c)),
        all_arms=all_arms,
        notes=notes,
        own_note=own_note,
        strategies=chosen_strategies,
        day0_label=c.day0_label,
    )
    return plan, d, left_out


def _assemble(
    plan: _Plan,
    groups: dict[str, Ints],
    rows: list[OutcomeRow],
    found: Unmeasured,
    left_out: tuple[Objects, Objects],
) -> OutcomeTable:
    """Build the OutcomeTable of *rows*.

    The notes: the plan's, *found*'s and that of the participants *left_out*
    of the analysis population (their ids and arms).
    """
    chosen = plan.definition
    notes = plan.notes + _unmeasured_notes(chosen.id, found)
    if len(left_out[0]):
        notes += (_left_out_note(*left_out, plan.day0_label),)
    return OutcomeTable(
        trial=plan.trial,
        synthetic=plan.synthetic,
        definition=chosen.id,
        definition_version=chosen.version,
        definition_citation=chosen.citation,
        definition_provisional=chosen.provisional_reasons,
        achieve_by=plan.achieve_by,
        maintain_through=plan.maintain_through,
        missing_policy=plan.policy,
        ci_method=plan.ci,
        arms=tuple(ArmSize(arm=a, n=len(m)) for a, m in groups.items()),
        notes=notes + plan.own_note,
        rows=tuple(drop_empty(rows)),
        estimand=Estimand(
            arms=tuple(groups),
            definition=chosen.id,
            definition_version=chosen.version,
            response="complete renal response"
            if plan.complete
            else "renal response (any tier: the definition has no complete tier)",
            achieve_by=plan.achieve_by,
            maintain_through=plan.maintain_through,
            strategies=plan.strategies,
            missing_policy=plan.policy,
            ci_method=plan.ci,
        ),
    )


def _left_out(c: Cohort | None) -> tuple[Objects, Objects]:
    """Return the ids and arms of the participants of *c* (none if None)."""
    if c is None:
        none = np.array([], dtype=object)
        return none, none
    return c.participant_id.astype(object), c.arm.astype(object)


def not_analysed_note(left_out: Cohort, day0_label: str) -> str:
    """Return the outcome table's note on participants outside the population."""
    return _left_out_note(*_left_out(left_out), day0_label)


def _left_out_note(ids: Objects, arm: Objects, day0_label: str) -> str:
    arms = Counter(str(a) if a is not None else "no arm" for a in arm.tolist())
    shown = ", ".join(str(i) for i in ids.tolist()[:20]) + (
        " ..."
        if len(ids) > 20  # noqa: PLR2004
        else ""
    )
    return (
        f"{len(ids)} participant(s) without a study day 0 "
        f"({day0_label}: not randomised or never treated) are not in the "
        "analysis population and are in no row or denominator (arm "
        + ", ".join(f"{a} ({n})" for a, n in sorted(arms.items()))
        + f"): {shown}."
    )


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
    plan, d, left_out = _plan(
        c,
        definition=definition,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        policy=policy,
        ci_method=ci_method,
        use_unscheduled=use_unscheduled,
        progress=progress,
        derived=derived,
        not_analysed=not_analysed,
        strategies=strategies,
    )
    groups = _arm_groups(d.cohort)
    unmeasured = unmeasured_arms(d, use_unscheduled=plan.use_unscheduled)
    t = _Tabulator(
        d,
        groups,
        plan.policy,
        plan.ci,
        plan.use_unscheduled,
        unmeasured,
        plan.strategies,
    )
    return _assemble(plan, groups, t.all_rows(plan), unmeasured, _left_out(left_out))


# --- the per-participant records of an outcome table (parts of a cohort) ------


@dataclass(frozen=True)
class RowKey:
    """What one outcome's rows are, apart from the arm (see :func:`arm_rows`).

    ``statistic`` says what the per-participant vectors are: ``"proportion"``
    (status codes, imputed flags), ``"survival"`` (day, event) or
    ``"change"`` (change from baseline, NaN where there is none).
    ``endpoint`` marks the renal endpoint: participants of an arm where it is
    not measured at all are not evaluable (:func:`unmeasured_arms`).
    """

    section: str
    outcome: str
    timepoint: Timepoint | None
    statistic: str
    unit: str | None = None
    endpoint: bool = False
    #: The timepoints a survival outcome is read at (its rows, in order).
    timepoints: tuple[Timepoint, ...] = ()


@dataclass(frozen=True)
class OutcomeRecords:
    """A part of a cohort's outcome table as per-participant records.

    Built by :func:`outcome_records` for a part of a cohort split by
    participant (a Dask partition, a Spark group); pooled by
    :func:`outcome_table_from_records`, the parts give the outcome table of
    the whole cohort exactly: the rows of :func:`outcome_table_of`, by the
    same tabulation (:func:`arm_rows`), from the participants' values
    themselves (proportions from counts, Kaplan-Meier from the times and
    events, medians and IQR from the values; nothing averaged).

    ``values[i]`` holds the per-participant vectors of ``keys[i]``, in the
    order of ``participant_id``.
    """

    participant_id: Objects
    arm: Objects
    keys: tuple[RowKey, ...]
    values: tuple[tuple[npt.NDArray[Any], ...], ...]
    evidence: dict[str, ArmEvidence]
    plan: _Plan
    #: The ids and arms of the part's participants outside the analysis
    #: population (no day 0): in no row, counted in the table's note.
    left_out_id: Objects = field(default_factory=lambda: np.array([], dtype=object))
    left_out_arm: Objects = field(default_factory=lambda: np.array([], dtype=object))


def outcome_records(
    c: Cohort,
    *,
    definition: str | os.PathLike[str] | RenalResponseDefinition,
    achieve_by: str,
    maintain_through: str,
    policy: MissingPolicy,
    ci_method: CiMethod,
    use_unscheduled: bool,
    derived: Derived | None = None,
    not_analysed: Cohort | None = None,
    strategies: Strategies | Mapping[str, str] | None = None,
) -> OutcomeRecords:
    """Return the per-participant records of *c*'s outcome table.

    The arguments are those of :func:`outcome_table_of`;
    ``outcome_table_from_records([outcome_records(c, ...)])`` equals
    ``outcome_table_of(c, ...)``.
    """
    plan, d, left_out = _plan(
        c,
        definition=definition,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        policy=policy,
        ci_method=ci_method,
        use_unscheduled=use_unscheduled,
        progress=None,
        derived=derived,
        not_analysed=not_analysed,
        strategies=strategies,
        part=True,
    )
    c = d.cohort
    groups = _arm_groups(c)
    raw = Unmeasured(participants=np.zeros(c.n_participants, dtype=bool), reasons={})
    sink: list[tuple[RowKey, tuple[npt.NDArray[Any], ...]]] = []
    t = _Tabulator(
        d,
        groups,
        plan.policy,
        plan.ci,
        plan.use_unscheduled,
        raw,
        plan.strategies,
        sink,
    )
    t.all_rows(plan)
    left_id, left_arm = _left_out(left_out)
    return OutcomeRecords(
        participant_id=c.participant_id,
        arm=c.arm,
        keys=tuple(k for k, _ in sink),
        values=tuple(v for _, v in sink),
        evidence=arm_evidence(d, use_unscheduled=plan.use_unscheduled),
        plan=plan,
        left_out_id=left_id,
        left_out_arm=left_arm,
    )


def outcome_table_from_records(parts: Sequence[OutcomeRecords]) -> OutcomeTable:
    """Pool the records of disjoint parts of one cohort into its outcome table.

    Raises
    ------
    InvalidValueError
        No part, parts of different analyses (definition, schedule, arms,
        options), or a participant in more than one part.
    """
    if not parts:
        raise InvalidValueError(
            field="parts", value=[], expected="the records of at least one part"
        )
    first = parts[0]
    for part in parts[1:]:
        # a part's population may lack an arm only its left-out participants
        # have in that part (the arms are pooled below)
        same = replace(part.plan, arms=first.plan.arms) == first.plan
        if not same or part.keys != first.keys:
            raise InvalidValueError(
                field="parts",
                value=f"records of {part.plan.trial!r}",
                expected="parts of one analysis: the same definition, "
                "schedule, arms and options",
            )
    ids = np.concatenate([p.participant_id for p in parts])
    if len(parts) == 1:
        order: Ints = np.arange(len(ids))
    else:
        order = np.argsort(ids, kind="stable")  # the cohort's order: by id
        twice = ids[order][1:][ids[order][1:] == ids[order][:-1]]
        if len(twice):
            raise InvalidValueError(
                field="parts",
                value=f"participant {twice[0]!r} in more than one part",
                expected="parts split by participant (each participant's "
                "rows in one part)",
            )
    if not len(ids):  # every part's participants are outside the population
        raise _no_participant()
    arm = np.concatenate([p.arm for p in parts])[order]
    # An arm is left out of the whole population only if some part left it
    # out and no part has a participant of it in its population.
    present = set(arm.tolist())
    arms = tuple(
        a
        for a in first.plan.all_arms
        if a in present or all(a in p.plan.arms for p in parts)
    )
    groups = {a: np.flatnonzero(arm == a) for a in arms}
    evidence = pool_evidence([p.evidence for p in parts])
    found = unmeasured_of({a: evidence[a] for a in arms if a in evidence}, arm)
    items = [
        (
            key,
            tuple(
                np.concatenate([p.values[i][j] for p in parts])[order]
                for j in range(len(first.values[i]))
            ),
        )
        for i, key in enumerate(first.keys)
    ]
    rows = table_rows(items, groups, first.plan.ci, found)
    left_id = np.concatenate([p.left_out_id for p in parts])
    left_arm = np.concatenate([p.left_out_arm for p in parts])
    by_id = np.argsort(left_id, kind="stable")
    plan = replace(first.plan, arms=arms)
    return _assemble(plan, groups, rows, found, (left_id[by_id], left_arm[by_id]))


def window_orders(c: Cohort, orders: Sequence[Ints]) -> tuple[Ints, Ints]:
    """Join the timepoints' window orders (:func:`timepoint_order`, in order).

    Returns the visits of every window one after the other and, per visit,
    its group ``k * n_participants + participant`` (timepoint *k*):
    non-decreasing, as each order is sorted by participant first.
    """
    joined = np.concatenate([np.asarray(o, dtype=np.int64) for o in orders])
    which = np.repeat(np.arange(len(orders), dtype=np.int64), [len(o) for o in orders])
    return joined, which * c.n_participants + c.visit_participant[joined]


def visits_in_orders(
    windows: tuple[Ints, Ints], has: Bools, n_timepoints: int, n: int
) -> Ints:
    """Each participant's visit at each timepoint (-1 none), ``(timepoints, n)``.

    :func:`timepoint_visit`'s rule on every timepoint at once: the first
    visit where *has* of each (timepoint, participant) group of
    :func:`window_orders` (a subset of a stably sorted list stays sorted).
    """
    joined, group = windows
    mine = has[joined]
    idx, g = joined[mine], group[mine]
    keep = np.ones(len(g), dtype=bool)
    keep[1:] = g[1:] != g[:-1]
    out = np.full(n_timepoints * n, -1, dtype=np.int64)
    out[g[keep]] = idx[keep]
    return out.reshape(n_timepoints, n)


#: An outcome's key and its per-participant vectors (see :class:`RowKey`).
Item = tuple[RowKey, tuple[npt.NDArray[Any], ...]]


def arm_rows(
    key: RowKey,
    vectors: tuple[npt.NDArray[Any], ...],
    groups: dict[str, Ints],
    ci: CiMethod,
    unmeasured: Unmeasured,
) -> list[OutcomeRow]:
    """Tabulate one outcome by arm from its per-participant vectors.

    The one tabulation rule of the outcome table: proportions count met and
    not met (not evaluable apart; the renal endpoint not evaluable in the
    *unmeasured* arms, with the reason), survival is the Kaplan-Meier
    estimate (one per arm) at each timepoint, a change is summarised over the
    participants who have one. :func:`table_rows` of the one outcome.
    """
    return table_rows([(key, vectors)], groups, ci, unmeasured)


def table_rows(
    items: Sequence[Item],
    groups: dict[str, Ints],
    ci: CiMethod,
    unmeasured: Unmeasured,
) -> list[OutcomeRow]:
    """Tabulate outcomes by arm (the rule of :func:`arm_rows`), in order.

    The changes of every measure are summarised over all their timepoints
    and arms in one pass (:func:`lupusscore.outcomes._summaries.summaries`:
    the summary kernel, of which ``summarize`` is the one-sample case), not
    one call per cell; the proportions of every outcome are counted by arm in one pass
    (:func:`_proportion_counts`) and their intervals come from the interval
    kernel of :func:`lupusscore.outcomes.proportion`
    (:func:`lupusscore.outcomes._stats.proportion_cells`).
    """
    props = [k for k, (key, _) in enumerate(items) if key.statistic == "proportion"]
    counts = _proportion_counts([items[k] for k in props], groups, ci, unmeasured)
    cells: dict[int, list[SampleSummary] | list[_Count]] = dict(
        zip(props, counts, strict=True)
    )
    changes = [k for k, (key, _) in enumerate(items) if key.statistic == "change"]
    summarised = _change_cells([items[k][1][0] for k in changes], groups)
    cells.update(zip(changes, summarised, strict=True))
    trusted = all(type(arm) is str for arm in groups)
    rows: list[OutcomeRow] = []
    for k, (key, vectors) in enumerate(items):
        rows += _rows_of(
            key, vectors, groups, unmeasured, cells.get(k), trusted=trusted
        )
    return rows


#: One proportion cell: met, not met, not evaluable, imputed non-responders,
#: and the (estimate, low, high) of met / (met + not met).
_Count = tuple[int, int, int, int, tuple[float | None, float | None, float | None]]


def _proportion_counts(
    items: Sequence[Item],
    groups: dict[str, Ints],
    ci: CiMethod,
    unmeasured: Unmeasured,
) -> list[list[_Count]]:
    """Count every proportion outcome of *items* in every arm, in one pass.

    Per outcome and arm: the participants met and not met (the renal
    endpoint not evaluable in the *unmeasured* arms), the rest not
    evaluable, the imputed non-responders among those not met; and the
    proportion's estimate and interval (:func:`proportion_cells`, the kernel
    of :func:`lupusscore.outcomes.proportion`).
    """
    if not items or not groups:
        return [[] for _ in items]
    statuses = []
    imputeds = []
    hit = unmeasured.participants
    for key, (status, imputed) in items:
        if key.endpoint and unmeasured.reasons:
            statuses.append(np.where(hit, NOT_EVALUABLE, status).astype(np.int8))
            imputeds.append(imputed & ~hit)
        else:
            statuses.append(status)
            imputeds.append(imputed)
    s = np.stack(statuses)  # one row per outcome
    flags = np.stack(imputeds)
    met = np.empty((len(items), len(groups)), dtype=np.int64)
    not_met = np.empty_like(met)
    imputed_ = np.empty_like(met)
    size = []
    for a, members in enumerate(groups.values()):
        got = s[:, members]
        no = got == NOT_MET
        met[:, a] = np.count_nonzero(got == MET, axis=1)
        not_met[:, a] = np.count_nonzero(no, axis=1)
        imputed_[:, a] = np.count_nonzero(flags[:, members] & no, axis=1)
        size.append(len(members))
    met_list = met.ravel().tolist()
    not_met_list = not_met.ravel().tolist()
    cis = proportion_cells(
        met_list, [m + n for m, n in zip(met_list, not_met_list, strict=True)], ci
    )
    n_arms = len(groups)
    out: list[list[_Count]] = []
    cells = zip(met_list, not_met_list, imputed_.ravel().tolist(), cis, strict=True)
    row: list[_Count] = []
    for k, (m, nm, imp, interval) in enumerate(cells):
        row.append((m, nm, size[k % n_arms] - m - nm, imp, interval))
        if len(row) == n_arms:
            out.append(row)
            row = []
    return out


def _outcome_row(trusted: bool, **fields: Any) -> OutcomeRow:  # noqa: FBT001
    """Build the OutcomeRow of *fields*, without validation when *trusted*.

    *trusted* (the engine's own values: Python ``str``, ``int`` and
    ``float`` of the field types, the arm names ``str``) gives the row
    validation would give (``tests/test_tabulate_fast_paths.py``); anything
    else is validated.
    """
    return OutcomeRow._trusted(**fields) if trusted else OutcomeRow(**fields)


def _key_trusted(key: RowKey) -> bool:
    """Whether *key*'s texts and timepoint are of the row's exact field types."""
    tps = key.timepoints if key.timepoint is None else (key.timepoint,)
    return (
        type(key.section) is str
        and type(key.outcome) is str
        and (key.unit is None or type(key.unit) is str)
        and key.statistic in _STATISTICS
        and all(type(tp.label) is str and type(tp.day) is int for tp in tps)
    )


#: The statistics of an OutcomeRow.
_STATISTICS: Final = frozenset({"proportion", "survival", "change"})


def _change_cells(
    changes: Sequence[Floats], groups: dict[str, Ints]
) -> list[list[SampleSummary]]:
    """Summaries of each change vector's non-missing values in each arm.

    One pass of the summary kernel over all of them: sample
    ``k * n_arms + a`` is change *k* in arm *a*, its values in the arm's
    participant order (``change[members]`` without NaN, what
    :func:`arm_rows` summarised one cell at a time). The values are gathered
    :data:`_CHANGES_AT_ONCE` changes at a time (bounded temporaries).
    """
    members = list(groups.values())
    n_arms = len(members)
    if not changes or not n_arms:
        return [[] for _ in changes]
    who = np.concatenate(members)
    arm_of = np.repeat(np.arange(n_arms), [len(m) for m in members])
    kept: list[Floats] = []
    samples: list[Ints] = []
    for first in range(0, len(changes), _CHANGES_AT_ONCE):
        part = changes[first : first + _CHANGES_AT_ONCE]
        values = np.stack([np.asarray(c, dtype=np.float64) for c in part])[:, who]
        sample = (first + np.arange(len(part)))[:, None] * n_arms + arm_of[None, :]
        keep = ~np.isnan(values)
        kept.append(values[keep])
        samples.append(sample[keep])
    got = summaries(
        np.concatenate(kept), np.concatenate(samples), len(changes) * n_arms
    )
    return [got[k * n_arms : (k + 1) * n_arms] for k in range(len(changes))]


#: Change vectors gathered at once by _change_cells (one measure's timepoints).
_CHANGES_AT_ONCE: Final = 8


def _rows_of(
    key: RowKey,
    vectors: tuple[npt.NDArray[Any], ...],
    groups: dict[str, Ints],
    unmeasured: Unmeasured,
    cells: list[SampleSummary] | list[_Count] | None,
    *,
    trusted: bool,
) -> list[OutcomeRow]:
    """One outcome's rows by arm.

    A change's summaries per arm, or a proportion's counts per arm, are
    *cells*; *trusted* says the arm names are ``str`` (:func:`_outcome_row`).
    """
    tp = key.timepoint
    common = {
        "section": key.section,
        "timepoint": None if tp is None else tp.label,
        "day": None if tp is None else tp.day,
        "statistic": key.statistic,
    }
    trusted = trusted and _key_trusted(key)
    rows: list[OutcomeRow] = []
    if key.statistic == "proportion":
        assert cells is not None  # table_rows gives a proportion its counts
        counts = cast("list[_Count]", cells)
        for arm, (met, not_met, not_evaluable, imputed, ci) in zip(
            groups, counts, strict=True
        ):
            rows.append(
                _outcome_row(
                    trusted,
                    **common,
                    outcome=key.outcome,
                    arm=arm,
                    n=met + not_met,
                    count=met,
                    estimate=ci[0],
                    ci_low=ci[1],
                    ci_high=ci[2],
                    not_evaluable=not_evaluable,
                    imputed=imputed,
                    reason=unmeasured.short.get(arm) if key.endpoint else None,
                )
            )
    elif key.statistic == "survival":
        day, event = vectors
        # One estimate per arm, read at each timepoint.
        days = [at.day for at in key.timepoints]
        points = {
            arm: survival_at(day[members], event[members], days)
            for arm, members in groups.items()
        }
        for k, at in enumerate(key.timepoints):
            for arm, members in groups.items():
                survival, low, high, at_risk = points[arm][k]
                rows.append(
                    _outcome_row(
                        trusted,
                        section=key.section,
                        timepoint=at.label,
                        day=at.day,
                        statistic=key.statistic,
                        outcome=key.outcome,
                        arm=arm,
                        n=len(members),
                        count=int(np.sum(event[members] & (day[members] <= at.day))),
                        estimate=survival,
                        ci_low=low,
                        ci_high=high,
                        n_at_risk=at_risk,
                    )
                )
    else:
        assert cells is not None  # table_rows gives a change its cells
        summaries_ = cast("list[SampleSummary]", cells)
        for (arm, members), s in zip(groups.items(), summaries_, strict=True):
            rows.append(
                _outcome_row(
                    trusted,
                    **common,
                    outcome=key.outcome,
                    arm=arm,
                    n=s.n,
                    estimate=s.mean,
                    sd=s.sd,
                    median=s.median,
                    q1=s.q1,
                    q3=s.q3,
                    unit=key.unit,
                    not_evaluable=len(members) - s.n,
                )
            )
    return rows


@dataclass
class _Tabulator:
    d: Derived
    groups: dict[str, Ints]
    policy: MissingPolicy
    ci: CiMethod
    unscheduled: bool
    unmeasured: Unmeasured
    strategies: Strategies = DEFAULT_STRATEGIES
    #: When given, each outcome's per-participant vectors go here, not rows.
    sink: list[tuple[RowKey, tuple[npt.NDArray[Any], ...]]] | None = None
    #: Every timepoint's window visits, nearest first (timepoint_order), kept
    #: for the table: every measure picks its visits from the same orders
    #: (see window_orders).
    windows: dict[str, tuple[Ints, Ints]] = field(default_factory=dict)
    #: The renal assessments, built once (see _assessments).
    assessed: dict[str, Assessments] = field(default_factory=dict)
    #: Per visit, whether its lab row compares with the baseline's (by name).
    same: dict[str, Bools] = field(default_factory=dict)
    #: The outcomes recorded so far, in the table's order (see all_rows).
    items: list[Item] = field(default_factory=list)

    def _assessments(self) -> Assessments:
        got = self.assessed.get("a")
        if got is None:  # once per table: its checked rows serve every timepoint
            got = self.assessed["a"] = self.d.assessments(
                self.policy,
                use_unscheduled=self.unscheduled,
                strategies=self.strategies,
            )
        return got

    @property
    def c(self) -> Cohort:
        return self.d.cohort

    def visits_at(self, has: Bools) -> Ints:
        """Each participant's visit at each timepoint among those where *has*.

        Row *k* is :func:`timepoint_visit` of the schedule's timepoint *k*
        (-1 none), all timepoints in one pass (:func:`visits_in_orders`).
        """
        got = self.windows.get("all")
        if got is None:
            orders = [
                timepoint_order(self.c, tp, use_unscheduled=self.unscheduled)
                for tp in self.c.schedule
            ]
            got = self.windows["all"] = window_orders(self.c, orders)
        return visits_in_orders(got, has, len(self.c.schedule), self.c.n_participants)

    def all_rows(self, plan: _Plan) -> list[OutcomeRow]:
        """Every row of the table, in its order (none when there is a sink).

        Each section records its outcomes' per-participant vectors; they are
        then tabulated in one :func:`table_rows` call (or go to the sink).
        """
        label = plan.label
        self.primary(label, plan.by_tp, plan.end_tp, complete=plan.complete)
        self.renal_by_timepoint(label)
        self.survival((plan.by_tp, plan.end_tp))
        self.kidney()
        self.activity()
        self.complement()
        self.serology()
        items, self.items = self.items, []
        if self.sink is not None:
            self.sink.extend(items)
            return []
        return table_rows(items, self.groups, self.ci, self.unmeasured)

    def _emit(self, key: RowKey, *vectors: npt.NDArray[Any]) -> None:
        """Record one outcome's per-participant vectors (tabulated by all_rows)."""
        self.items.append((key, vectors))

    def _emit_all(self, items: list[Item]) -> None:
        """Record several outcomes' vectors (tabulated by all_rows)."""
        self.items.extend(items)

    def _proportion_rows(
        self,
        section: str,
        outcome: str,
        status: Codes,
        imputed: npt.NDArray[np.bool_] | None = None,
        tp: Timepoint | None = None,
    ) -> None:
        # the counting of responder_proportion, on codes; *imputed* is given
        # for the renal endpoint only (the missing-visit policy)
        flags = np.zeros(len(status), dtype=bool) if imputed is None else imputed
        key = RowKey(section, outcome, tp, "proportion", endpoint=imputed is not None)
        self._emit(key, status, flags)

    def primary(
        self, label: str, by_tp: Timepoint, end_tp: Timepoint, *, complete: bool
    ) -> None:
        outcome = primary_outcome(label, by_tp.label, end_tp.label, complete=complete)
        by_day = min(by_tp.last_day, end_tp.day)
        got = achieve_and_maintain_codes(
            self._assessments(),
            by_day=by_day,
            through=end_tp,
        )
        self._proportion_rows("primary", outcome, got.status, got.imputed, end_tp)

    def renal_by_timepoint(self, label: str) -> None:
        # every timepoint in one pass of the status_at kernel
        at = status_at_every(self._assessments(), self.c.schedule)
        for tp, got in zip(self.c.schedule, at, strict=True):
            self._proportion_rows("renal response", label, got.status, got.imputed, tp)

    def survival(self, timepoints: Sequence[Timepoint]) -> None:
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
            key = RowKey(
                "survival", name, None, "survival", timepoints=tuple(timepoints)
            )
            self._emit(key, day, event)

    def _change_rows(
        self, section: str, outcome: str, unit: str, measure: Floats
    ) -> None:
        items: list[Item] = []
        has = ~np.isnan(measure)
        base_v = baseline_visit(self.c, has)
        base = take(measure, base_v)
        now_v = self.visits_at(has)  # one row per timepoint
        change = take(measure, now_v.ravel()).reshape(now_v.shape) - base
        for k, tp in enumerate(self.c.schedule):
            key = RowKey(
                section, f"{outcome}: change from baseline", tp, "change", unit
            )
            items.append((key, (change[k],)))
        self._emit_all(items)  # one pass over the measure's timepoints

    def kidney(self) -> None:
        for analyte, label, unit in (
            (Analyte.CREATININE, "serum creatinine", "mg/dL"),
            (Analyte.UPCR, PROTEINURIA_LABEL, "g/g"),
        ):
            self._change_rows("kidney", label, unit, self.d.value(analyte))
        self._change_rows(
            "kidney", "eGFR (CKD-EPI 2021)", "mL/min/1.73 m²", self.d.egfr_measure()
        )

    def activity(self) -> None:
        self._change_rows("activity", "SLEDAI-2K", "points", self.d.sledai)

    def _lab_rows(self, analyte: Analyte) -> Ints:
        """Each participant's lab row of *analyte* at baseline (-1 none)."""
        lab = self.d.latest[:, CODE[analyte]]
        return take(lab, baseline_visit(self.c, lab >= 0), -1)

    def _lab_rows_at(self, analyte: Analyte) -> Ints:
        """Each participant's lab row of *analyte* at each timepoint (-1 none).

        One row per timepoint of the schedule (:meth:`visits_at`), so that
        the per-row rules can judge every timepoint in one call.
        """
        lab = self.d.latest[:, CODE[analyte]]
        v = self.visits_at(lab >= 0)
        return take(lab, v.ravel(), -1).reshape(v.shape)

    def complement(self) -> None:
        c = self.c
        for analyte, label in ((Analyte.C3, "C3"), (Analyte.C4, "C4")):
            self._change_rows("complement", label, "g/L", self.d.value(analyte))
            # every timepoint at once: the same rule on each row
            lab = self._lab_rows_at(analyte)
            status = np.full(lab.shape, NOT_EVALUABLE, dtype=np.int8)
            has = lab >= 0
            limit = c.lab_reference_low_canonical[lab[has]]
            value = c.lab_canonical[lab[has]]
            known = ~np.isnan(limit)
            low = value < np.where(known, limit, 0.0)
            status[has] = np.where(known, np.where(low, MET, NOT_MET), NOT_EVALUABLE)
            for k, tp in enumerate(c.schedule):
                self._proportion_rows(
                    "complement",
                    f"low {label} (below the lab's lower limit)",
                    status[k],
                    tp=tp,
                )

    def _dsdna_same(self) -> Bools:
        """Per visit: its latest anti-dsDNA row compares with the baseline's.

        :func:`comparable` of each visit's latest anti-dsDNA row (none: -1)
        and its participant's baseline row, once per table: the change of
        anti-dsDNA and its seroconversion at each timepoint read it.
        """
        got = self.same.get("anti-dsDNA")
        if got is None:
            c = self.c
            lab = self.d.latest[:, CODE[Analyte.ANTI_DSDNA]]
            base_lab = self._lab_rows(Analyte.ANTI_DSDNA)[c.visit_participant]
            got = comparable(c, base_lab, np.where(lab >= 0, lab, -1))
            self.same["anti-dsDNA"] = got
        return got

    def _dsdna_measure(self) -> Floats:
        c = self.c
        lab = self.d.latest[:, CODE[Analyte.ANTI_DSDNA]]
        iu = np.zeros(c.n_visits, dtype=bool)
        has = lab >= 0
        iu[has] = c.lab_family[lab[has]] == "international_units"
        ok = iu & self._dsdna_same()
        out = np.full(c.n_visits, np.nan)
        out[ok] = c.lab_canonical[lab[ok]]
        return out

    def serology(self) -> None:
        self._change_rows(
            "serology",
            "anti-dsDNA (same assay as baseline)",
            "IU/mL",
            self._dsdna_measure(),
        )
        c = self.c
        n_tp = len(c.schedule)
        for analyte, label in (
            (Analyte.ANA, "ANA (>= 1:80)"),
            (Analyte.ANTI_DSDNA, "anti-dsDNA (above the lab's upper limit)"),
        ):
            base = self._lab_rows(analyte)
            first = positive_codes(c, base, analyte)
            # every timepoint at once (row k: timepoint k): the same rules on
            # each pair of lab rows
            lab = self.d.latest[:, CODE[analyte]]
            visit = self.visits_at(lab >= 0)
            now = take(lab, visit.ravel(), -1).reshape(visit.shape)
            second = positive_codes(c, now.ravel(), analyte).reshape(now.shape)
            if analyte is Analyte.ANTI_DSDNA:
                # the visit's row and the baseline row: compared once per visit
                same = take(self._dsdna_same(), visit.ravel(), fill=False)
            else:
                same = comparable(c, np.tile(base, n_tp), now.ravel())
            same = same.reshape(now.shape)
            status = np.where(
                same & (first == MET),
                np.where(
                    second == MET,
                    NOT_MET,
                    np.where(second == NOT_MET, MET, NOT_EVALUABLE),
                ),
                NOT_EVALUABLE,
            ).astype(np.int8)
            for k, tp in enumerate(c.schedule):
                self._proportion_rows(
                    "serology",
                    f"{label}: seroconverted to negative, of those "
                    "positive at baseline",
                    status[k],
                    tp=tp,
                )


def as_status_list(codes: Codes) -> list[Status]:
    """Status of each code."""
    return [_STATUS[int(s)] for s in codes.tolist()]
