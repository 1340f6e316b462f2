"""The trial outcome table: every outcome of a trial derived per participant, by arm.

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

import os
from collections.abc import Callable, Mapping
from typing import Final, Literal, cast

from lupusscore._checks import as_choice, describe
from lupusscore._display import Grid, View
from lupusscore.errors import DefinitionError, InvalidValueError
from lupusscore.models import Trial
from lupusscore.outcomes._args import check_callable, check_switch
from lupusscore.outcomes._estimand import Estimand
from lupusscore.outcomes._longitudinal import (
    MissingPolicy,
)
from lupusscore.outcomes._stats import CiMethod
from lupusscore.outcomes._strategies import (
    DEFAULT_STRATEGIES,
    Strategies,
    resolve_strategies,
)
from lupusscore.response import (
    RenalResponseDefinition,
    get_definition,
    list_definitions,
    load_definition,
)
from lupusscore.results import FrozenModel

__all__ = [
    "DEFAULT_ACHIEVE_BY",
    "DEFAULT_DEFINITION",
    "DEFAULT_MAINTAIN_THROUGH",
    "ArmSize",
    "ComparisonRow",
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


#: What the protocol calls the primary outcome when it counts complete renal
#: response: remission, achieved and then maintained.
PRIMARY_REMISSION: Final = "achieve and maintain remission"
#: The same for a definition without a complete tier (any response counts).
PRIMARY_RESPONSE: Final = "achieve and maintain renal response"
#: The kidney section's name for the urine protein-to-creatinine ratio.
PROTEINURIA_LABEL: Final = "proteinuria (UPCR)"


def primary_outcome(response: str, by: str, through: str, *, complete: bool) -> str:
    """Label the primary row as the protocol states it.

    Examples
    --------
    >>> primary_outcome(
    ...     "complete renal response (kdigo-2024)",
    ...     "month 12",
    ...     "month 24",
    ...     complete=True,
    ... )  # doctest: +NORMALIZE_WHITESPACE
    'achieve and maintain remission: complete renal response (kdigo-2024)
    achieved by month 12 and maintained through month 24'
    """
    what = PRIMARY_REMISSION if complete else PRIMARY_RESPONSE
    return f"{what}: {response} achieved by {by} and maintained through {through}"


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
    reason : str, optional
        Why the whole cell is not evaluable, in a few words (``"no UPCR"``
        when the arm has no UPCR at all, so no participant could be a
        responder); None for a cell with a result. Reports print
        ``not evaluable: <reason>`` instead of a proportion.
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
    reason: str | None = None

    def cell(self) -> str:
        """Return this row as the text report prints its cell.

        A proportion is ``count/n % (CI)`` with the imputed and not-evaluable
        counts; a cell the data cannot evaluate at all says why
        (``not evaluable: no UPCR``), never 0%.

        Examples
        --------
        >>> row = OutcomeRow(
        ...     section="primary",
        ...     outcome="remission",
        ...     arm="A",
        ...     statistic="proportion",
        ...     n=0,
        ...     not_evaluable=40,
        ...     reason="no UPCR",
        ... )
        >>> row.cell()
        'not evaluable: no UPCR (40 participants)'
        """
        return cell_text(self)


class ComparisonRow(FrozenModel):
    """One between-arm comparison of one outcome (``lupusscore.stats``).

    Attributes
    ----------
    section, outcome, timepoint
        The outcome compared (as in :class:`OutcomeRow`; ``section`` is
        ``"time to event"`` for a time-to-event parameter).
    arm, reference : str
        The arm compared and the reference arm.
    measure : str
        ``difference`` (arm minus reference), ``odds ratio``, ``risk ratio``,
        ``Mantel-Haenszel odds ratio``, ``CMH test``, ``Breslow-Day test``,
        ``adjusted odds ratio``, ``log-rank test`` or ``hazard ratio``.
    method : str
        The interval or test (e.g. ``Newcombe hybrid score``).
    n : int
        Participants in the comparison (both arms).
    estimate, ci_low, ci_high : float, optional
        Estimate and confidence limits (None for a test, or not estimable).
    statistic, p_value : float, optional
        Test statistic and two-sided p-value, where the method has one.
    strata : tuple of str
        Stratification factors the method adjusts for.
    note : str, optional
        ``"not estimable: <reason>"``, or what the reader needs to know
        (participants left out for a missing stratification level).
    """

    section: str
    outcome: str
    timepoint: str | None = None
    arm: str
    reference: str
    measure: str
    method: str
    n: int
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    statistic: float | None = None
    p_value: float | None = None
    strata: tuple[str, ...] = ()
    note: str | None = None


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
    estimand : Estimand, optional
        The primary outcome's estimand (ICH E9(R1)): population, variable,
        intercurrent-event strategies, summary measure (None in tables saved
        before it was recorded).
    comparisons : tuple of ComparisonRow
        Between-arm comparisons (``lupusscore.stats``; empty unless asked for,
        e.g. by the ``report`` command).
    comparisons_note : str, optional
        How the comparisons were made, or why there are none (the optional
        extra ``stats`` is not installed).
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
    comparisons: tuple[ComparisonRow, ...] = ()
    comparisons_note: str | None = None

    # -- display -----------------------------------------------------------------

    def _primary_cells(self) -> str:
        cells = [
            f"{r.arm} {r.cell()}"
            for r in self.rows
            if r.section == "primary" and r.statistic == "proportion"
        ]
        return "; ".join(cells) or "no primary row"

    def __repr__(self) -> str:
        version = f" v{self.definition_version}" if self.definition_version else ""
        arms = ", ".join(f"{a.arm} {a.n}" for a in self.arms)
        flag = "; SYNTHETIC" if self.synthetic else ""
        return (
            f"<OutcomeTable {self.trial!r}: {self.definition}{version}; arms "
            f"{arms}; {len(self.rows)} rows{flag}\n primary: {self._primary_cells()}>"
        )

    def _display_brief(self) -> str:
        return f"OutcomeTable {self.trial!r} ({len(self.rows)} rows)"

    def _display_view(self) -> View:
        """Show the table: a row per outcome and timepoint, a column per arm."""
        arms = tuple(a.arm for a in self.arms)
        keyed: dict[tuple[str, str, str | None], dict[str, OutcomeRow]] = {}
        for r in self.rows:
            keyed.setdefault((r.section, r.outcome, r.timepoint), {})[r.arm] = r
        body = []
        for (section, outcome, tp), cells in keyed.items():
            unit = next(iter(cells.values())).unit
            body.append(
                (
                    section,
                    outcome + (f" [{unit}]" if unit else ""),
                    tp or "",
                    *(cells[a].cell() if a in cells else "-" for a in arms),
                )
            )
        version = (
            f" version {self.definition_version}" if self.definition_version else ""
        )
        facts = [
            (
                "synthetic",
                "yes: simulated data, not trial results" if self.synthetic else "no",
            ),
            ("arms", "; ".join(f"{a.arm} (n={a.n})" for a in self.arms)),
            ("definition", f"{self.definition}{version}"),
            ("source", self.definition_citation or "-"),
            (
                "primary",
                f"achieved by {self.achieve_by}, maintained through "
                f"{self.maintain_through}",
            ),
            ("missing-visit policy", str(self.missing_policy.value)),
            ("confidence interval", str(self.ci_method.value)),
        ]
        grid = Grid(
            header=("section", "outcome", "timepoint", *arms),
            rows=tuple(body),
            caption=(
                "proportion = count/n % (95% CI) [imputed; ne = not evaluable]; "
                "survival = KM estimate (95% CI); change = n mean (SD); "
                "median [Q1, Q3]"
            ),
        )
        notes = (
            *(f"PROVISIONAL tier: {r}" for r in self.definition_provisional),
            *self.notes,
        )
        return View(
            title=f"Outcome table: {self.trial}",
            facts=tuple(facts),
            grid=grid,
            notes=notes,
        )


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def cell_text(row: OutcomeRow) -> str:
    """Return one cell of the table as text (:meth:`OutcomeRow.cell`)."""
    if row.reason is not None:
        return f"not evaluable: {row.reason} ({row.not_evaluable} participants)"
    if row.statistic == "proportion":
        if not row.n:
            return f"0/0 (not evaluable {row.not_evaluable})"
        text = (
            f"{row.count}/{row.n} {_pct(row.estimate)} "
            f"({_pct(row.ci_low)} to {_pct(row.ci_high)})"
        )
        if row.imputed:
            text += f" [imputed {row.imputed}]"
        return text + (f" [ne {row.not_evaluable}]" if row.not_evaluable else "")
    if row.statistic == "survival":
        return (
            f"{_num(row.estimate, 3)} ({_num(row.ci_low, 3)} to "
            f"{_num(row.ci_high, 3)}) at risk {row.n_at_risk}, events {row.count}"
        )
    if not row.n:
        return "n=0"
    return (
        f"n={row.n} {_num(row.estimate)} ({_num(row.sd)}); "
        f"{_num(row.median)} [{_num(row.q1)}, {_num(row.q3)}]"
    )


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


def differs_from_shipped(definition: RenalResponseDefinition) -> bool:
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
    strategies : Strategies or mapping, optional
        Intercurrent-event strategy per event (ICH E9(R1); see
        :func:`lupusscore.analyse`); default every event composite.

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
    chosen = resolve_table_definition(definition)
    use_unscheduled = check_switch("use_unscheduled", use_unscheduled)
    if progress is not None:
        check_callable("progress", progress)
    how = cast(MissingPolicy, as_choice("policy", policy, MissingPolicy))
    ci = cast(CiMethod, as_choice("ci_method", ci_method, CiMethod))
    chosen_strategies = resolve_strategies(strategies)
    from lupusscore.cohort import (  # noqa: PLC0415 - the engine is a layer up
        Cohort,
        outcome_table_of,
    )

    return outcome_table_of(
        Cohort.from_trial(trial),
        definition=chosen,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        policy=how,
        ci_method=ci,
        use_unscheduled=use_unscheduled,
        progress=progress,
        strategies=chosen_strategies,
    )


def table_notes(
    *,
    day0: str,
    window: int,
    use_unscheduled: bool,
    policy: MissingPolicy,
    ci: CiMethod,
    strategies: Strategies = DEFAULT_STRATEGIES,
) -> tuple[str, ...]:
    """Return the conventions a reader of the outcome table needs."""
    events = (
        "death, dialysis, transplant, withdrawal and rescue therapy before a "
        "timepoint count as non-response."
        if strategies.is_default
        else "intercurrent events: "
        + "; ".join(f"{e.value} {s.value}" for e, s in strategies.items())
        + " (see the estimand)."
    )
    return (
        "Study day 0 = " + day0 + f"; baseline = latest value on days -{window} to 0.",
        "Timepoint value = visit nearest the target day within its window "
        "(earlier visit on ties); unscheduled visits "
        + ("used." if use_unscheduled else "not used."),
        f"Missing-visit policy: {policy.value}; {events}",
        f"Proportions: responders / evaluable, 95% {ci.value} CI; survival: "
        "Kaplan-Meier with Greenwood log(-log) 95% CI.",
    )


def drop_empty(rows: list[OutcomeRow]) -> list[OutcomeRow]:
    """Drop outcome/timepoint groups with no evaluable participant in any arm.

    (ANA, for instance, is measured only at some timepoints.) The primary
    outcome is always kept: when it is not evaluable for everyone, the table
    says so (n = 0, all not evaluable) rather than leave it out; so is a group
    with a cell that says why it is not evaluable (``reason``).
    """
    has_data: set[tuple[str, str, str | None]] = {
        (r.section, r.outcome, r.timepoint)
        for r in rows
        if r.n > 0
        or r.statistic == "survival"
        or r.section == "primary"
        or r.reason is not None
    }
    return [r for r in rows if (r.section, r.outcome, r.timepoint) in has_data]
