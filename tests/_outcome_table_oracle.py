"""ORACLE: the per-participant outcome table of lupusscore 0.1 (before the engine).

A verbatim copy of ``src/lupusscore/outcomes/_table.py`` as of commit c22d53c (our
own code), kept in the tests so that the engine-based ``build_outcome_table`` is
compared with the per-participant implementation on random trials
(``tests/test_cohort_engine.py``). Not used by the library. Since then it
takes the estimand's ``strategies=`` (passed to ``status_at`` and
``achieve_and_maintain``, the per-participant rules) and records the
:class:`~lupusscore.Estimand`, so that the engine is compared under every
intercurrent-event strategy (``tests/test_estimand_engine.py``).

The trial outcome table: every outcome of a trial derived per participant, by arm.

:func:`build_outcome_table` derives every outcome per participant (using the
kidney, activity, serology and renal response modules for the per-visit
values) and aggregates by arm into an :class:`OutcomeTable`;
:func:`lupusscore.report.render` prints it. Each participant's visit values
are computed once per table: the renal response definition is resolved once,
and each visit's eGFR is computed once and shared by the renal response and
the kidney section.

Outcomes (``docs/outcomes.md`` gives every rule):

- **primary**: complete renal response (by ``definition``) achieved by the end
  of the ``achieve_by`` window and maintained at every assessed visit through
  ``maintain_through``; proportion by arm with a 95% Wilson (or exact) CI.
- **renal response**: complete renal response at each timepoint.
- **survival**: Kaplan-Meier overall survival and ESKD-free probability
  (dialysis or transplant; death censors) at the ``achieve_by`` and
  ``maintain_through`` target days, with Greenwood log(-log) CIs.
- **kidney**, **activity**, **complement**, **serology**: change from baseline
  (mean, SD, median, IQR) of creatinine, eGFR, UPCR, SLEDAI-2K, C3, C4 and
  anti-dsDNA; proportions with low C3 / low C4 at each timepoint; proportions
  seroconverted (positive at baseline, negative at the timepoint) for ANA and
  anti-dsDNA among those positive at baseline.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, cast

from lupusscore._checks import as_choice, describe
from lupusscore.activity import sledai_2k_visit
from lupusscore.analytes import Analyte
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.kidney import EgfrResult
from lupusscore.models import LabResult, Participant, Timepoint, Trial, Visit
from lupusscore.outcomes._args import check_callable, check_switch
from lupusscore.outcomes._cohort import by_arm, kaplan_meier_of, responder_proportion
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import (
    Assessment,
    DatedEvent,
    LongitudinalResult,
    MissingPolicy,
    achieve_and_maintain,
    status_at,
)
from lupusscore.outcomes._renal import renal_response_assessments, visit_egfrs
from lupusscore.outcomes._stats import CiMethod, Summary, summarize
from lupusscore.outcomes._strategies import Strategies, resolve_strategies
from lupusscore.outcomes._table import primary_outcome
from lupusscore.outcomes._trial import (
    baseline_observation,
    observation_at,
    participant_events,
)
from lupusscore.outcomes._tte import time_to_death, time_to_eskd
from lupusscore.response import (
    RenalResponseDefinition,
    get_definition,
    list_definitions,
    load_definition,
)
from lupusscore.results import FrozenModel, Status
from lupusscore.serology import comparable_assays, low_complement, seroconversion

__all__ = [
    "DEFAULT_ACHIEVE_BY",
    "DEFAULT_DEFINITION",
    "DEFAULT_MAINTAIN_THROUGH",
    "ArmSize",
    "OutcomeRow",
    "OutcomeTable",
    "build_outcome_table",
]

#: Default renal response definition of the report.
DEFAULT_DEFINITION: Final = "kdigo-2024"
#: Default timepoints of the primary outcome: complete response by month 12
#: (KDIGO 2024: complete response usually within 6-12 months) and maintained
#: through month 24 (the end of the example trial's follow-up).
DEFAULT_ACHIEVE_BY: Final = "month 12"
DEFAULT_MAINTAIN_THROUGH: Final = "month 24"


class OutcomeRow(FrozenModel):
    """One cell group of the table: one outcome, timepoint and arm.

    Attributes
    ----------
    section : str
        ``primary``, ``renal response``, ``survival``, ``kidney``,
        ``activity``, ``complement`` or ``serology``.
    outcome : str
        What is summarised.
    timepoint : str, optional
        Timepoint label (None for outcomes over the whole follow-up).
    day : int, optional
        Target study day.
    arm : str
        Treatment arm.
    statistic : {"proportion", "survival", "change"}
        What ``estimate`` is: a proportion (``count`` / ``n``), a Kaplan-Meier
        probability, or the mean change from baseline.
    n : int
        Denominator: evaluable participants (proportion, change) or
        participants in the arm (survival).
    count : int, optional
        Responders (proportion) or events up to ``day`` (survival).
    estimate, ci_low, ci_high : float, optional
        Estimate and 95% confidence limits (not for change).
    sd, median, q1, q3 : float, optional
        For change from baseline.
    unit : str, optional
        Unit of a change.
    not_evaluable : int
        Participants of the arm left out of ``n`` (no baseline, no value,
        not evaluable under the policy).
    imputed : int
        Non-responders counted in ``n`` by imputation (no evaluable visit where
        one was needed, under the ``non_responder`` policy).
    n_at_risk : int, optional
        Survival: participants still at risk at ``day``.
    """

    section: str
    outcome: str
    timepoint: str | None = None
    day: int | None = None
    arm: str
    statistic: Literal["proportion", "survival", "change"]
    n: int
    count: int | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    sd: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None
    unit: str | None = None
    not_evaluable: int = 0
    imputed: int = 0
    n_at_risk: int | None = None
    reason: str | None = None  # issue 15: why a whole cell is not evaluable


class ArmSize(FrozenModel):
    """Number of participants randomised to an arm."""

    arm: str
    n: int


class OutcomeTable(FrozenModel):
    """The trial's outcome table.

    Attributes
    ----------
    trial : str
        Trial name.
    synthetic : bool
        True when the trial file says its data are simulated.
    definition : str
        Renal response definition id.
    definition_version : str, optional
        Its version (None in tables saved before it was recorded).
    definition_citation : str, optional
        Its source.
    definition_provisional : tuple of str
        ``"<tier>: <reason>"`` for each provisional tier of the definition
        (resting on wording not verified in a primary source); empty if none.
    achieve_by, maintain_through : str
        Timepoints of the primary outcome.
    missing_policy : MissingPolicy
        Missing-visit policy used.
    ci_method : CiMethod
        Interval for proportions.
    arms : tuple of ArmSize
        Arms in display order with their sizes.
    notes : tuple of str
        Conventions the reader needs.
    rows : tuple of OutcomeRow
        The table body.
    """

    trial: str
    synthetic: bool
    definition: str
    definition_version: str | None = None
    definition_citation: str | None = None
    definition_provisional: tuple[str, ...] = ()
    achieve_by: str
    maintain_through: str
    missing_policy: MissingPolicy
    ci_method: CiMethod
    arms: tuple[ArmSize, ...]
    notes: tuple[str, ...]
    rows: tuple[OutcomeRow, ...]
    estimand: Estimand | None = None
    # Between-arm comparisons are not part of the per-participant oracle: the
    # engine's table has none unless asked for (lupusscore.stats).
    comparisons: tuple[Any, ...] = ()
    comparisons_note: str | None = None


@dataclass
class _Derived:
    """Per-participant values computed once."""

    participant: Participant
    events: tuple[DatedEvent, ...]
    renal: tuple[Assessment, ...]
    egfr: dict[dt.date, EgfrResult] = field(default_factory=dict)  # by visit date
    sledai: dict[int, int] = field(default_factory=dict)  # visit index -> score


def _sledai_scores(p: Participant) -> dict[int, int]:
    scores: dict[int, int] = {}
    for i, visit in enumerate(p.visits):
        result = sledai_2k_visit(visit, p.visits[:i])
        if result.complete:
            scores[i] = result.score
    return scores


def _lab_value(analyte: Analyte) -> Callable[[_Derived, Visit], float | None]:
    def get(_: _Derived, visit: Visit) -> float | None:
        lab = visit.latest(analyte)
        return None if lab is None else lab.canonical_value

    return get


def _looks_like_path(text: str) -> bool:
    return text.endswith(".json") or "/" in text or os.sep in text


def resolve_table_definition(
    definition: str | os.PathLike[str] | RenalResponseDefinition,
) -> RenalResponseDefinition:
    """Return the renal response definition of a table: a definition, path or id.

    Parameters
    ----------
    definition : str, os.PathLike or RenalResponseDefinition
        A definition (used as is), a path to a protocol definition JSON file
        (a ``PathLike``, or a string ending in ``.json`` or holding a path
        separator; read with :func:`lupusscore.response.load_definition`), or
        a shipped definition id.

    Raises
    ------
    InvalidValueError
        Not a shipped id (nor a path).
    DefinitionError
        The file cannot be read or is not a valid definition.
    """
    given: object = definition  # runtime guard for untyped callers
    if isinstance(given, RenalResponseDefinition):
        return given
    if isinstance(given, os.PathLike):
        return load_definition(os.fspath(given))
    if isinstance(given, str):
        if _looks_like_path(given):
            return load_definition(given)
        try:
            return get_definition(given)
        except DefinitionError:
            pass
    as_choice(
        "definition",
        given if isinstance(given, str) else describe(given),
        [d.id for d in list_definitions()],
    )
    raise InvalidValueError(  # pragma: no cover - as_choice raised
        field="definition", value=describe(given), expected="a definition id"
    )


def _differs_from_shipped(definition: RenalResponseDefinition) -> bool:
    """Whether *definition* reuses a shipped id with other content."""
    try:
        shipped = get_definition(definition.id)
    except DefinitionError:
        return False
    return shipped != definition


def build_outcome_table(
    trial: Trial,
    *,
    definition: str | os.PathLike[str] | RenalResponseDefinition = DEFAULT_DEFINITION,
    achieve_by: str = DEFAULT_ACHIEVE_BY,
    maintain_through: str = DEFAULT_MAINTAIN_THROUGH,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    ci_method: CiMethod | str = CiMethod.WILSON,
    use_unscheduled: bool = False,
    progress: Callable[[int, int], None] | None = None,
    strategies: Strategies | Mapping[str, str] | None = None,
) -> OutcomeTable:
    """Derive every outcome of *trial* by arm.

    Parameters
    ----------
    trial : Trial
        Participants with day 0 and a schedule.
    definition : str, os.PathLike or RenalResponseDefinition
        Renal response definition: a shipped id (default ``"kdigo-2024"``), a
        path to a protocol definition JSON file, or a definition object (see
        :func:`resolve_table_definition`). It is resolved once per table.
    achieve_by, maintain_through : str
        Schedule labels of the primary outcome (response reached by the end of
        the *achieve_by* window, maintained through *maintain_through*).
    policy : MissingPolicy
        Missing-visit policy (default non-responder imputation).
    ci_method : CiMethod
        ``"wilson"`` (default) or ``"exact"`` intervals for proportions.
    use_unscheduled : bool
        Whether unscheduled visits may stand for a timepoint.
    progress : callable, optional
        Called as ``progress(done, total)`` after each participant.

    Returns
    -------
    OutcomeTable

    Raises
    ------
    InvalidValueError
        Unknown definition, policy, CI method or timepoint label, a trial
        without schedule, or a trial without participants.
    DefinitionError
        A definition file that cannot be read or is not a valid definition.
    """
    if not isinstance(trial, Trial):
        raise InvalidValueError(
            field="trial", value=describe(trial), expected="a Trial"
        )
    if not trial.participants:
        raise InvalidValueError(
            field="participants",
            value=[],
            expected=(
                "at least one participant: the trial has none, so there is no "
                "outcome to tabulate"
            ),
        )
    chosen = resolve_table_definition(definition)
    chosen_strategies = resolve_strategies(strategies)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    if progress is not None:
        check_callable("progress", progress)
    complete_tier = chosen.complete is not None
    how = cast(MissingPolicy, as_choice("policy", policy, MissingPolicy))
    ci = cast(CiMethod, as_choice("ci_method", ci_method, CiMethod))
    if not trial.schedule:
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
                + ", ".join(repr(tp.label) for tp in trial.schedule),
            )
    by_tp = trial.timepoint(achieve_by)
    end_tp = trial.timepoint(maintain_through)
    if by_tp.day > end_tp.day:
        raise InvalidValueError(
            field="achieve_by",
            value=achieve_by,
            expected=f"a timepoint on or before {maintain_through!r}",
        )
    window = trial.baseline_window_days
    groups = by_arm(trial)
    total = len(trial.participants)
    derived: dict[str, list[_Derived]] = {}
    done = 0
    for arm, members in groups.items():
        derived[arm] = []
        for p in members:
            egfrs = visit_egfrs(p)
            derived[arm].append(
                _Derived(
                    participant=p,
                    events=participant_events(p),
                    renal=renal_response_assessments(
                        p,
                        chosen,
                        include_partial=not complete_tier,
                        baseline_window_days=window,
                        egfr_results=egfrs,
                    ),
                    egfr=egfrs,
                    sledai=_sledai_scores(p),
                )
            )
            done += 1
            if progress is not None:
                progress(done, total)
    ctx = _Context(
        trial=trial,
        derived=derived,
        policy=how,
        ci=ci,
        unscheduled=use_unscheduled,
        strategies=chosen_strategies,
        response_label=(
            f"complete renal response ({chosen.id})"
            if complete_tier
            else f"renal response ({chosen.id}; the definition has no "
            "complete tier: any response)"
        ),
    )
    rows: list[OutcomeRow] = []
    rows += ctx.primary(by_tp, end_tp)
    rows += ctx.renal_by_timepoint()
    rows += ctx.survival((by_tp, end_tp))
    rows += ctx.kidney()
    rows += ctx.activity()
    rows += ctx.complement()
    rows += ctx.serology()
    rows = _drop_empty(rows)
    notes: tuple[str, ...] = (
        "Study day 0 = " + trial.day0 + "; baseline = latest value on days "
        f"-{window} to 0.",
        "Timepoint value = visit nearest the target day within its window "
        "(earlier visit on ties); unscheduled visits "
        + ("used." if use_unscheduled else "not used."),
        f"Missing-visit policy: {how.value}; "
        + (
            "death, dialysis, transplant, withdrawal and rescue therapy before a "
            "timepoint count as non-response."
            if chosen_strategies.is_default
            else "intercurrent events: "
            + "; ".join(f"{e.value} {s.value}" for e, s in chosen_strategies.items())
            + " (see the estimand)."
        ),
        f"Proportions: responders / evaluable, 95% {ci.value} CI; survival: "
        "Kaplan-Meier with Greenwood log(-log) 95% CI.",
    )
    if _differs_from_shipped(chosen):
        notes += (
            f"Renal response definition {chosen.id!r} version {chosen.version!r} "
            "is not the shipped definition of that id (a protocol's own file "
            "or object).",
        )
    return OutcomeTable(
        trial=trial.name,
        synthetic=trial.synthetic,
        definition=chosen.id,
        definition_version=chosen.version,
        definition_citation=chosen.citation,
        definition_provisional=chosen.provisional_reasons,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        missing_policy=how,
        ci_method=ci,
        arms=tuple(ArmSize(arm=a, n=len(m)) for a, m in groups.items()),
        notes=notes,
        rows=tuple(rows),
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
            missing_policy=how,
            ci_method=ci,
        ),
    )


def _drop_empty(rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """Drop outcome/timepoint groups with no evaluable participant in any arm.

    (ANA, for instance, is measured only at some timepoints.)
    """
    has_data: set[tuple[str, str, str | None]] = {
        (r.section, r.outcome, r.timepoint)
        for r in rows
        if r.n > 0 or r.statistic == "survival"
    }
    return [r for r in rows if (r.section, r.outcome, r.timepoint) in has_data]


@dataclass
class _Context:
    trial: Trial
    derived: dict[str, list[_Derived]]
    policy: MissingPolicy
    ci: CiMethod
    unscheduled: bool
    response_label: str
    strategies: Strategies

    def _proportion_row(
        self,
        section: str,
        outcome: str,
        arm: str,
        statuses: Sequence[Status | LongitudinalResult],
        tp: Timepoint | None = None,
    ) -> OutcomeRow:
        plain = [s.status if isinstance(s, LongitudinalResult) else s for s in statuses]
        imputed = sum(
            isinstance(s, LongitudinalResult)
            and s.imputed
            and s.status is Status.NOT_MET
            for s in statuses
        )
        counted = responder_proportion(plain, method=self.ci)
        prop = counted.proportion
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
            not_evaluable=counted.not_evaluable,
            imputed=imputed,
        )

    def primary(self, by_tp: Timepoint, end_tp: Timepoint) -> list[OutcomeRow]:
        # issue 15: the primary row speaks the protocol's language
        outcome = primary_outcome(
            self.response_label,
            by_tp.label,
            end_tp.label,
            complete=self.response_label.startswith("complete"),
        )
        by_day = min(by_tp.last_day, end_tp.day)
        return [
            self._proportion_row(
                "primary",
                outcome,
                arm,
                [
                    achieve_and_maintain(
                        d.renal,
                        by_day=by_day,
                        through=end_tp,
                        events=d.events,
                        policy=self.policy,
                        use_unscheduled=self.unscheduled,
                        strategies=self.strategies,
                    )
                    for d in members
                ],
                end_tp,
            )
            for arm, members in self.derived.items()
        ]

    def renal_by_timepoint(self) -> list[OutcomeRow]:
        rows = []
        for tp in self.trial.schedule:
            for arm, members in self.derived.items():
                statuses: list[Status | LongitudinalResult] = [
                    status_at(
                        d.renal,
                        tp,
                        events=d.events,
                        policy=self.policy,
                        use_unscheduled=self.unscheduled,
                        strategies=self.strategies,
                    )
                    for d in members
                ]
                rows.append(
                    self._proportion_row(
                        "renal response",
                        self.response_label,
                        arm,
                        statuses,
                        tp,
                    )
                )
        return rows

    def survival(self, timepoints: Sequence[Timepoint]) -> list[OutcomeRow]:
        rows = []
        for name, derive in (
            ("overall survival", time_to_death),
            ("ESKD-free (dialysis or transplant; death censors)", time_to_eskd),
        ):
            for tp in timepoints:
                for arm, members in self.derived.items():
                    times = [derive(d.participant) for d in members]
                    km = kaplan_meier_of(times)
                    point = km.at(tp.day)
                    rows.append(
                        OutcomeRow(
                            section="survival",
                            outcome=name,
                            timepoint=tp.label,
                            day=tp.day,
                            arm=arm,
                            statistic="survival",
                            n=len(times),
                            count=sum(t.event and t.day <= tp.day for t in times),
                            estimate=point.survival,
                            ci_low=point.low,
                            ci_high=point.high,
                            n_at_risk=point.n_at_risk,
                        )
                    )
        return rows

    def _change_rows(
        self,
        section: str,
        outcome: str,
        unit: str,
        measure: Callable[[_Derived, Timepoint | None], float | None],
    ) -> list[OutcomeRow]:
        rows = []
        # each participant's baseline once, for every timepoint
        bases = {
            arm: [measure(d, None) for d in members]
            for arm, members in self.derived.items()
        }
        for tp in self.trial.schedule:
            for arm, members in self.derived.items():
                changes = []
                for d, base in zip(members, bases[arm], strict=True):
                    now = measure(d, tp)
                    if base is not None and now is not None:
                        changes.append(now - base)
                s: Summary = summarize(changes)
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

    def _visit_measure(
        self, fn: Callable[[_Derived, Visit], float | None]
    ) -> Callable[[_Derived, Timepoint | None], float | None]:
        window = self.trial.baseline_window_days

        def measure(d: _Derived, tp: Timepoint | None) -> float | None:
            p = d.participant

            def at(v: Visit) -> float | None:
                return fn(d, v)

            got = (
                baseline_observation(p, at, window_days=window)
                if tp is None
                else observation_at(p, tp, at, use_unscheduled=self.unscheduled)
            )
            return None if got is None else got.value

        return measure

    def kidney(self) -> list[OutcomeRow]:
        rows = []
        for analyte, label, unit in (
            (Analyte.CREATININE, "serum creatinine", "mg/dL"),
            (Analyte.UPCR, "proteinuria (UPCR)", "g/g"),  # issue 15 label
        ):
            rows += self._change_rows(
                "kidney", label, unit, self._visit_measure(_lab_value(analyte))
            )

        def gfr(d: _Derived, v: Visit) -> float | None:
            if v.latest(Analyte.CREATININE) is None:
                return None
            got = d.egfr[v.date]
            return got.value if got.evaluable else None

        rows += self._change_rows(
            "kidney", "eGFR (CKD-EPI 2021)", "mL/min/1.73 m²", self._visit_measure(gfr)
        )
        return rows

    def activity(self) -> list[OutcomeRow]:
        def score(d: _Derived, v: Visit) -> float | None:
            got = d.sledai.get(d.participant.visits.index(v))
            return None if got is None else float(got)

        return self._change_rows(
            "activity", "SLEDAI-2K", "points", self._visit_measure(score)
        )

    def _labs(
        self, d: _Derived, analyte: Analyte, tp: Timepoint
    ) -> tuple[LabResult | None, LabResult | None]:
        p = d.participant
        window = self.trial.baseline_window_days
        base = baseline_observation(p, analyte, window_days=window)
        now = observation_at(p, tp, analyte, use_unscheduled=self.unscheduled)
        return (
            None if base is None else base.lab,
            None if now is None else now.lab,
        )

    def complement(self) -> list[OutcomeRow]:
        rows = []
        for analyte, label in ((Analyte.C3, "C3"), (Analyte.C4, "C4")):
            rows += self._change_rows(
                "complement", label, "g/L", self._visit_measure(_lab_value(analyte))
            )
            for tp in self.trial.schedule:
                for arm, members in self.derived.items():
                    statuses = []
                    for d in members:
                        _, lab = self._labs(d, analyte, tp)
                        statuses.append(
                            Status.NOT_EVALUABLE
                            if lab is None
                            else low_complement(lab, use_default=False).status
                        )
                    rows.append(
                        self._proportion_row(
                            "complement",
                            f"low {label} (below the lab's lower limit)",
                            arm,
                            statuses,
                            tp,
                        )
                    )
        return rows

    def serology(self) -> list[OutcomeRow]:
        rows = []

        def dsdna(d: _Derived, v: Visit) -> float | None:
            p = d.participant
            lab = v.latest(Analyte.ANTI_DSDNA)
            if lab is None or lab.family != "international_units":
                return None
            found = baseline_observation(
                p, Analyte.ANTI_DSDNA, window_days=self.trial.baseline_window_days
            )
            base = None if found is None else found.lab
            if base is None or not comparable_assays(base, lab).met:
                return None
            return lab.canonical_value

        rows += self._change_rows(
            "serology",
            "anti-dsDNA (same assay as baseline)",
            "IU/mL",
            self._visit_measure(dsdna),
        )
        for analyte, label in (
            (Analyte.ANA, "ANA (>= 1:80)"),
            (Analyte.ANTI_DSDNA, "anti-dsDNA (above the lab's upper limit)"),
        ):
            for tp in self.trial.schedule:
                for arm, members in self.derived.items():
                    statuses = []
                    for d in members:
                        base, now = self._labs(d, analyte, tp)
                        if base is None or now is None:
                            statuses.append(Status.NOT_EVALUABLE)
                            continue
                        conv = seroconversion(base, now)
                        if conv.earlier.status is not Status.MET:
                            statuses.append(Status.NOT_EVALUABLE)
                            continue
                        statuses.append(conv.became_negative.status)
                    rows.append(
                        self._proportion_row(
                            "serology",
                            f"{label}: seroconverted to negative, of those "
                            "positive at baseline",
                            arm,
                            statuses,
                            tp,
                        )
                    )
        return rows
