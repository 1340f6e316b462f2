"""Between-arm comparisons of an analysis, outcome by outcome.

:func:`comparisons_of` compares every arm with the reference arm:

- every **proportion** row of the outcome table (primary outcome, renal
  response, low complement, seroconversion): difference (Newcombe and
  Miettinen-Nurminen intervals), odds ratio and risk ratio, from the row's
  counts; when the cohort has stratification factors, the primary outcome and
  the renal response rows (whose per-participant status ``adrs`` holds) also
  get the CMH test, the Mantel-Haenszel odds ratio, the Breslow-Day test and a
  logistic regression odds ratio adjusted for the factors;
- every **time-to-event** parameter of ``adtte``: the log-rank test (stratified
  when factors exist) and the Cox hazard ratio.

The reference arm is the ``reference`` argument, else the cohort's control arm
(``Trial.control_arm``), else the first arm in sorted order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_choice
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.outcomes._table import ComparisonRow, OutcomeRow, OutcomeTable
from lupusscore.stats._methods import (
    DEFAULT_ALPHA,
    Estimate,
    compare_proportions,
    compare_stratified,
    compare_survival,
    statsmodels_module,
)
from lupusscore.table import Table

if TYPE_CHECKING:
    from lupusscore.cohort import Analysis, Cohort

__all__ = [
    "COMPARISON_LABELS",
    "comparisons_of",
    "comparisons_table",
    "reference_arm",
    "with_comparisons",
]

#: Section of the time-to-event comparisons.
TIME_TO_EVENT: Final = "time to event"

#: What the report says when statsmodels is missing.
NEEDS_EXTRA: Final = (
    "Between-arm comparisons need the optional extra 'stats' (statsmodels): "
    "pip install 'lupusscore[stats]'"
)

#: Column labels of :func:`comparisons_table`.
COMPARISON_LABELS: Final = {
    "SECTION": "Outcome Section",
    "OUTCOME": "Outcome",
    "TIMEPOINT": "Timepoint",
    "ARM": "Arm Compared",
    "REFERENCE": "Reference Arm",
    "MEASURE": "Measure (difference: arm minus reference)",
    "METHOD": "Interval or Test",
    "N": "Participants in the Comparison",
    "ESTIMATE": "Estimate",
    "CI_LOW": "Lower Confidence Limit",
    "CI_HIGH": "Upper Confidence Limit",
    "STATISTIC": "Test Statistic",
    "P_VALUE": "Two-sided p-value",
    "STRATA": "Stratification Factors",
    "NOTE": "Not Estimable Reason or Remark",
}


def reference_arm(cohort: Cohort, reference: str | None = None) -> tuple[str, str]:
    """Return the reference arm and why it is the reference.

    Parameters
    ----------
    cohort : Cohort
        The cohort whose arms are compared.
    reference : str, optional
        An arm name; default the cohort's control arm, else the first arm in
        sorted order.

    Raises
    ------
    InvalidValueError
        *reference* is not one of the arms, or the cohort has fewer than two.
    """
    if len(cohort.arms) < 2:  # noqa: PLR2004
        raise InvalidValueError(
            field="arms",
            value=list(cohort.arms),
            expected="at least two arms to compare",
        )
    if reference is not None:
        return str(as_choice("reference", reference, cohort.arms)), "chosen"
    if cohort.control_arm is not None:
        return cohort.control_arm, "the trial's control arm"
    return sorted(cohort.arms)[0], "the first arm in sorted order"


def _row(
    where: tuple[str, str, str | None],
    arm: str,
    reference: str,
    got: Estimate,
    strata: Sequence[str] = (),
) -> ComparisonRow:
    section, outcome, timepoint = where
    return ComparisonRow(
        section=section,
        outcome=outcome,
        timepoint=timepoint,
        arm=arm,
        reference=reference,
        measure=got.measure,
        method=got.method,
        n=got.n,
        estimate=got.estimate,
        ci_low=got.ci_low,
        ci_high=got.ci_high,
        statistic=got.statistic,
        p_value=got.p_value,
        strata=tuple(strata),
        note=got.note,
    )


def comparisons_of(
    analysis: Analysis,
    reference: str | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
) -> tuple[ComparisonRow, ...]:
    """Compare every arm of *analysis* with the reference arm, outcome by outcome.

    Parameters
    ----------
    analysis : Analysis
        From :func:`lupusscore.analyse`.
    reference : str, optional
        Reference arm (see :func:`reference_arm`).
    alpha : float
        1 - confidence level (default 0.05).

    Returns
    -------
    tuple of ComparisonRow
        In outcome-table order, then the time-to-event parameters.

    Raises
    ------
    MissingExtraError
        statsmodels (the extra ``stats``) is not installed.
    InvalidValueError
        An unknown reference arm, or fewer than two arms.
    """
    statsmodels_module("stats.proportion", "between-arm comparisons")
    cohort = analysis.cohort
    ref, _ = reference_arm(cohort, reference)
    others = [a for a in cohort.arms if a != ref]
    table = analysis.outcome_table()
    factors = sorted(cohort.stratification)
    out: list[ComparisonRow] = []
    groups: dict[tuple[str, str, str | None], dict[str, OutcomeRow]] = {}
    for r in table.rows:
        if r.statistic == "proportion":
            groups.setdefault((r.section, r.outcome, r.timepoint), {})[r.arm] = r
    per_participant = _adrs_status(analysis) if factors else {}
    for where, by_arm in groups.items():
        base = by_arm.get(ref)
        for arm in others:
            row = by_arm.get(arm)
            x1, n1 = (row.count or 0, row.n) if row is not None else (0, 0)
            x0, n0 = (base.count or 0, base.n) if base is not None else (0, 0)
            out += [
                _row(where, arm, ref, got)
                for got in compare_proportions(x1, n1, x0, n0, alpha=alpha)
            ]
            status = per_participant.get((where[0], where[2]))
            if status is not None:
                out += _stratified(
                    analysis, where, arm, ref, status, x1, n1, x0, n0, alpha
                )
    if len(analysis.adtte):
        out += _survival(analysis, ref, others, factors, alpha)
    return tuple(out)


def _adrs_status(analysis: Analysis) -> dict[tuple[str, str | None], dict[str, str]]:
    """Per (section, timepoint): participant id -> ``Y``/``N``/``NE`` from adrs."""
    adrs = analysis.adrs
    code = adrs["PARAMCD"].astype(str)
    visit = adrs["AVISIT"].astype(str)
    ids = adrs["USUBJID"].tolist()
    aval = adrs["AVALC"].tolist()
    out: dict[tuple[str, str | None], dict[str, str]] = {}
    for i, (c, v) in enumerate(zip(code.tolist(), visit.tolist(), strict=True)):
        key = ("primary", v) if c.endswith("SUS") else ("renal response", v)
        out.setdefault(key, {})[ids[i]] = aval[i]
    return out


def _stratified(  # noqa: PLR0917 - one outcome's two arms
    analysis: Analysis,
    where: tuple[str, str, str | None],
    arm: str,
    ref: str,
    status: dict[str, str],
    x1: int,
    n1: int,
    x0: int,
    n0: int,
    alpha: float,
) -> list[ComparisonRow]:
    cohort = analysis.cohort
    factors = sorted(cohort.stratification)
    ids = cohort.participant_id.tolist()
    arms = cohort.arm.tolist()
    who = [
        i
        for i, pid in enumerate(ids)
        if arms[i] in {arm, ref} and status.get(pid) in {"Y", "N"}
    ]
    response = np.array([status[ids[i]] == "Y" for i in who], dtype=bool)
    treated = np.array([arms[i] == arm for i in who], dtype=bool)
    counts = (
        int(np.sum(response & treated)),
        int(np.sum(treated)),
        int(np.sum(response & ~treated)),
        int(np.sum(~treated)),
    )
    if counts != (x1, n1, x0, n0):  # pragma: no cover - adrs and the table agree
        return [
            _row(
                where,
                arm,
                ref,
                Estimate(
                    measure="stratified analyses",
                    method="-",
                    n=n1 + n0,
                    note="not estimable: the per-participant statuses (adrs) do "
                    f"not give the table's counts {(x1, n1, x0, n0)}",
                ),
                factors,
            )
        ]
    levels = {
        name: np.asarray(cohort.stratification[name], dtype=object)[who]
        for name in factors
    }
    return [
        _row(where, arm, ref, got, factors)
        for got in compare_stratified(response, treated, levels, alpha=alpha)
    ]


def _survival(
    analysis: Analysis,
    ref: str,
    others: list[str],
    factors: list[str],
    alpha: float,
) -> list[ComparisonRow]:
    adtte = analysis.adtte
    cohort = analysis.cohort
    index = {pid: i for i, pid in enumerate(cohort.participant_id.tolist())}
    codes = adtte["PARAMCD"].astype(str)
    out: list[ComparisonRow] = []
    for code in dict.fromkeys(codes.tolist()):
        rows = np.flatnonzero(codes == code)
        label = str(adtte["PARAM"][rows[0]])
        arm_of = adtte["TRT01P"][rows].astype(str)
        people = np.array(
            [index[p] for p in adtte["USUBJID"][rows].tolist()], dtype=np.int64
        )
        for arm in others:
            keep = np.isin(arm_of, [arm, ref])
            strata: npt.NDArray[Any] | None = None
            remark = None
            if factors:
                levels = [
                    np.asarray(cohort.stratification[f], dtype=object)[people]
                    for f in factors
                ]
                full = np.array(
                    [
                        all(col[i] is not None for col in levels)
                        for i in range(len(rows))
                    ],
                    dtype=bool,
                )
                left_out = int(np.sum(keep & ~full))
                if left_out:
                    remark = (
                        f"{left_out} participant(s) without every stratification "
                        "level left out"
                    )
                keep &= full
                strata = np.array(
                    [
                        " / ".join(
                            f"{f}={col[i]}"
                            for f, col in zip(factors, levels, strict=True)
                        )
                        for i in np.flatnonzero(keep)
                    ],
                    dtype=object,
                )
            got = compare_survival(
                adtte["AVAL"][rows][keep],
                adtte["CNSR"][rows][keep] == 0,
                arm_of[keep] == arm,
                strata=strata,
                alpha=alpha,
            )
            where = (TIME_TO_EVENT, label, None)
            for e in got:
                shown = e
                if remark:
                    note = remark if e.note is None else f"{e.note}; {remark}"
                    shown = e.model_copy(update={"note": note})
                out.append(_row(where, arm, ref, shown, factors))
    return out


def comparisons_table(rows: Sequence[ComparisonRow]) -> Table:
    """Return comparisons as a :class:`~lupusscore.Table` (one row each)."""

    def col(get: Any) -> list[Any]:
        return [get(r) for r in rows]

    return Table(
        {
            "SECTION": col(lambda r: r.section),
            "OUTCOME": col(lambda r: r.outcome),
            "TIMEPOINT": col(lambda r: r.timepoint),
            "ARM": col(lambda r: r.arm),
            "REFERENCE": col(lambda r: r.reference),
            "MEASURE": col(lambda r: r.measure),
            "METHOD": col(lambda r: r.method),
            "N": np.array(col(lambda r: r.n), dtype=np.int64),
            "ESTIMATE": np.array(col(lambda r: _nan(r.estimate)), dtype=np.float64),
            "CI_LOW": np.array(col(lambda r: _nan(r.ci_low)), dtype=np.float64),
            "CI_HIGH": np.array(col(lambda r: _nan(r.ci_high)), dtype=np.float64),
            "STATISTIC": np.array(col(lambda r: _nan(r.statistic)), dtype=np.float64),
            "P_VALUE": np.array(col(lambda r: _nan(r.p_value)), dtype=np.float64),
            "STRATA": col(lambda r: ", ".join(r.strata) or None),
            "NOTE": col(lambda r: r.note),
        },
        labels=COMPARISON_LABELS,
        name="comparisons",
    )


def _nan(x: float | None) -> float:
    return np.nan if x is None else x


def with_comparisons(
    analysis: Analysis,
    reference: str | None = None,
    *,
    alpha: float = DEFAULT_ALPHA,
) -> OutcomeTable:
    """Return the outcome table of *analysis* with its between-arm comparisons.

    Without statsmodels the table is the plain outcome table and its
    ``comparisons_note`` says that comparisons need ``lupusscore[stats]``;
    with fewer than two arms it says there is nothing to compare.
    """
    table = analysis.outcome_table()
    if len(analysis.cohort.arms) < 2:  # noqa: PLR2004
        return table.model_copy(
            update={"comparisons_note": "One arm: no between-arm comparison."}
        )
    try:
        rows = comparisons_of(analysis, reference, alpha=alpha)
    except MissingExtraError:
        return table.model_copy(update={"comparisons_note": NEEDS_EXTRA})
    ref, why = reference_arm(analysis.cohort, reference)
    strata = sorted(analysis.cohort.stratification)
    level = f"{100 * (1 - alpha):g}%"
    note = (
        f"Each arm against {ref} ({why}); {level} CIs. Proportions: difference "
        "(arm minus reference) with Newcombe hybrid score and "
        "Miettinen-Nurminen score CIs, odds ratio (Woolf logit CI), risk ratio "
        "(Katz log CI)"
        + (
            "; primary and renal response also stratified by "
            + ", ".join(strata)
            + " (CMH test, Mantel-Haenszel odds ratio, Breslow-Day test, "
            "logistic regression odds ratio adjusted for the factors)"
            if strata
            else ""
        )
        + ". Time to event: "
        + ("stratified " if strata else "")
        + "log-rank test and Cox hazard ratio (Efron ties). See docs/statistics.md."
    )
    return table.model_copy(update={"comparisons": rows, "comparisons_note": note})
