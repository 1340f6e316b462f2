"""The per-partition function: one part of a cohort in, its tables and records out.

No Dask here: :func:`analyse_partition` takes pandas (or polars, pyarrow)
tables holding *whole participants* (every row of each participant in this
part) and returns the part's ADaM-shaped tables as pandas DataFrames and the
per-participant records of the outcome table. Dask calls it once per
partition (:func:`lupusscore.dask.analyse`); Spark's ``applyInPandas`` or any
other engine that groups rows by participant can call it too
(``docs/scale.md``). :func:`finish_outcome_table` and :func:`finish_adrs`
then combine the parts exactly.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np

from lupusscore._checks import describe
from lupusscore._display import Displayable, View
from lupusscore.analytes import Analyte
from lupusscore.cohort._analysis import analyse as analyse_cohort
from lupusscore.cohort._cohort import Cohort
from lupusscore.cohort._outcomes import (
    ArmEvidence,
    OutcomeRecords,
    Unmeasured,
    arm_evidence,
    outcome_records,
    outcome_table_from_records,
    pool_evidence,
    unmeasured_of,
)
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, Timepoint
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod
from lupusscore.outcomes._strategies import Strategies
from lupusscore.outcomes._table import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    OutcomeTable,
)
from lupusscore.response import RenalFlareDefinition, RenalResponseDefinition

__all__ = [
    "ROW",
    "TABLES",
    "Options",
    "PartResult",
    "analyse_partition",
    "finish_adrs",
    "finish_outcome_table",
    "unmeasured_arms_of",
]

#: The ADaM-shaped tables, in order.
TABLES: Final = ("adsl", "adlb", "adrs", "adtte")

#: Name of the optional labs column holding each row's position in the whole
#: labs table (ADLB's ``SRCROW`` then refers to the whole table, not the part).
ROW: Final = "__lupusscore_row__"


def _pandas() -> Any:
    try:
        pd = importlib.import_module("pandas")
    except ImportError:  # pragma: no cover - the dask extra installs pandas
        raise MissingExtraError(
            package="pandas", feature="lupusscore.dask", extra="dask"
        ) from None
    return pd


@dataclass(frozen=True)
class Options(Displayable):
    """The options of one cohort analysis, the same for every part.

    The cohort-building ones are those of :meth:`Cohort.from_frames`, the
    analysis ones those of :func:`lupusscore.analyse`.
    """

    definition: str | os.PathLike[str] | RenalResponseDefinition = DEFAULT_DEFINITION
    achieve_by: str = DEFAULT_ACHIEVE_BY
    maintain_through: str = DEFAULT_MAINTAIN_THROUGH
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER
    ci_method: CiMethod | str = CiMethod.WILSON
    use_unscheduled: bool = False
    flare_definition: str | RenalFlareDefinition | None = None
    flare_reference: str = "response"
    strategies: Strategies | Mapping[str, str] | None = None
    columns: Mapping[str, str] | None = None
    analytes: Mapping[str, Analyte | str] | None = None
    schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None
    arms: Sequence[str] | None = None
    name: str = "cohort"
    synthetic: bool = False
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS


@dataclass(frozen=True)
class PartResult(Displayable):
    """What one part of a cohort gives.

    Attributes
    ----------
    tables : dict of str to pandas.DataFrame
        ``adsl``, ``adlb``, ``adrs`` and ``adtte`` of the part's participants.
        ``adrs`` is *unfinished*: the arms whose renal endpoint is unmeasured
        are known only over the whole cohort; :func:`finish_adrs` applies them.
    records : OutcomeRecords or None
        The outcome table's per-participant records (None: no participant).
    evidence : dict of str to ArmEvidence
        Per arm, whether the renal endpoint is measured (pooled over parts).
    """

    tables: dict[str, Any]
    records: OutcomeRecords | None
    evidence: dict[str, ArmEvidence]

    def __repr__(self) -> str:
        n = 0 if self.records is None else len(self.records.participant_id)
        rows = ", ".join(f"{t} {len(f)}" for t, f in self.tables.items())
        return f"<PartResult: {n} participant(s) analysed; rows: {rows}>"

    def _display_view(self) -> View:
        n = 0 if self.records is None else len(self.records.participant_id)
        return View(
            title="PartResult (one part of a cohort)",
            facts=(
                ("participants analysed", str(n)),
                *((f"{t} rows", str(len(f))) for t, f in self.tables.items()),
                ("arms", ", ".join(self.evidence) or "none"),
            ),
        )


def _frame(data: object, name: str) -> Any:
    """Return the caller's table as pandas (polars or pyarrow converted)."""
    pd = _pandas()
    if isinstance(data, pd.DataFrame):
        return data
    to_pandas = getattr(data, "to_pandas", None)
    if callable(to_pandas):
        got = to_pandas()
        if isinstance(got, pd.DataFrame):
            return got
    raise InvalidValueError(
        field=name,
        value=describe(data),
        expected="a pandas DataFrame (or a polars DataFrame or pyarrow Table)",
    )


def analyse_partition(
    labs: object,
    participants: object,
    *,
    visits: object | None = None,
    events: object | None = None,
    options: Options | None = None,
    empty: Mapping[str, Any] | None = None,
) -> PartResult:
    """Analyse one part of a cohort: whole participants in, tables and records out.

    Parameters
    ----------
    labs, participants : pandas.DataFrame (or polars, pyarrow)
        The part's lab rows and participants: every row of each of its
        participants, in the layout of :meth:`Cohort.from_frames`. An optional
        integer labs column :data:`ROW` gives each lab row's position in the
        whole labs table: the part's rows are taken in that order and ADLB's
        ``SRCROW`` reports it.
    visits, events : pandas.DataFrame, optional
        The part's visit and event rows.
    options : Options, optional
        The analysis options (the same for every part).
    empty : mapping of str to pandas.DataFrame, optional
        The tables to return for a part without participants (their columns
        and types); default: frames without columns.

    Returns
    -------
    PartResult
        The part's tables (ADRS unfinished), outcome records and evidence.

    Raises
    ------
    TableError, InvalidValueError
        As :meth:`Cohort.from_frames` and :func:`lupusscore.analyse`; row
        indices in a TableError count from the part's first row.
    """
    pd = _pandas()
    opts = options or Options()
    lab_frame = _frame(labs, "labs")
    people = _frame(participants, "participants")
    if not len(people):
        if len(lab_frame):
            raise InvalidValueError(
                field="labs",
                value=f"{len(lab_frame)} lab row(s) in a part without participants",
                expected="every participant's rows in the same part as the "
                "participant (the part's participants table is empty)",
            )
        frames = {t: (empty or {}).get(t, pd.DataFrame()) for t in TABLES}
        return PartResult(tables=frames, records=None, evidence={})
    source = None
    if ROW in lab_frame.columns:
        lab_frame = lab_frame.sort_values(ROW, kind="stable")
        source = np.asarray(lab_frame[ROW], dtype=np.int64)
        lab_frame = lab_frame.drop(columns=[ROW])
    cohort = Cohort.from_frames(
        lab_frame.reset_index(drop=True),
        people.reset_index(drop=True),
        visits=None if visits is None else _frame(visits, "visits"),
        events=None if events is None else _frame(events, "events"),
        columns=opts.columns,
        analytes=opts.analytes,
        schedule=opts.schedule,
        arms=opts.arms,
        name=opts.name,
        synthetic=opts.synthetic,
        baseline_window_days=opts.baseline_window_days,
    )
    analysis = analyse_cohort(
        cohort,
        definition=opts.definition,
        achieve_by=opts.achieve_by,
        maintain_through=opts.maintain_through,
        policy=opts.policy,
        ci_method=opts.ci_method,
        use_unscheduled=opts.use_unscheduled,
        flare_definition=opts.flare_definition,
        flare_reference=opts.flare_reference,
        strategies=opts.strategies,
    )
    derived = analysis._derived
    raw = Unmeasured(
        participants=np.zeros(cohort.n_participants, dtype=bool), reasons={}
    )
    unfinished = replace(analysis, _tables={}, _unmeasured=raw)
    frames = {t: getattr(unfinished, t).to_pandas() for t in TABLES}
    if source is not None:
        adlb = frames["adlb"]
        row = np.asarray(adlb["SRCROW"], dtype=np.int64)
        adlb["SRCROW"] = np.where(row >= 0, source[np.maximum(row, 0)], row)
    if empty:
        frames = {t: _like(frames[t], empty.get(t)) for t in TABLES}
    records = outcome_records(
        cohort,
        definition=analysis.definition,
        achieve_by=analysis.achieve_by,
        maintain_through=analysis.maintain_through,
        policy=analysis.policy,
        ci_method=analysis.ci_method,
        use_unscheduled=analysis.use_unscheduled,
        derived=derived,
        strategies=analysis.strategies,
    )
    evidence = arm_evidence(derived, use_unscheduled=analysis.use_unscheduled)
    return PartResult(tables=frames, records=records, evidence=evidence)


def _like(frame: Any, meta: Any) -> Any:
    """*frame* with the dtypes of *meta* (the declared Dask meta), if given."""
    if meta is None:
        return frame
    if list(frame.columns) != list(meta.columns):
        raise InvalidValueError(  # pragma: no cover - a bug, not the input
            field="tables",
            value=list(frame.columns),
            expected=f"the declared columns {list(meta.columns)}",
        )
    return frame.astype(meta.dtypes.to_dict())


def finish_outcome_table(parts: Sequence[OutcomeRecords | None]) -> OutcomeTable:
    """Return the outcome table of a cohort from the records of its parts.

    Proportions from the pooled counts, Kaplan-Meier from the pooled times and
    events, change summaries from the pooled values: the table
    :func:`lupusscore.analyse` gives for the whole cohort.

    Raises
    ------
    InvalidValueError
        No part with participants, parts of different analyses, or a
        participant in more than one part.
    """
    return outcome_table_from_records([p for p in parts if p is not None])


def unmeasured_arms_of(
    evidence: Sequence[Mapping[str, ArmEvidence]],
) -> dict[str, str]:
    """Return the arms whose renal endpoint is unmeasured, with the reason.

    *evidence* is each part's :attr:`PartResult.evidence`.
    """
    pooled = pool_evidence([dict(e) for e in evidence])
    arms = np.array(list(pooled), dtype=object)
    return unmeasured_of(pooled, arms).reasons


def finish_adrs(adrs: Any, unmeasured: Mapping[str, str]) -> Any:
    """Apply the whole cohort's unmeasured arms to a part's unfinished ADRS.

    In an arm where not one assessment the rules use is evaluable, every
    participant's response is not evaluable with the reason (not a
    non-responder by imputation): the rule of :func:`lupusscore.analyse`.
    """
    if not unmeasured or not len(adrs):
        return adrs
    pd = _pandas()
    out = adrs.copy()
    arm = out["TRT01P"]
    hit = np.asarray(arm.isin(list(unmeasured)), dtype=bool)
    if not hit.any():
        return adrs
    why = arm[hit].map(dict(unmeasured)).astype(object)
    out.loc[hit, "AVALC"] = "NE"
    out.loc[hit, "NEREAS"] = why
    for col in ("IMPUTFL", "ICEFL"):
        out.loc[hit, col] = ""
    for col in ("ONSETDY", "ADY", "DAY"):
        out.loc[hit, col] = np.nan
    out.loc[hit, "ADT"] = pd.NaT
    for col in out.columns:
        if col.startswith("CRIT") and col.endswith("FL"):
            out.loc[hit, col] = ""
    return out.astype(adrs.dtypes.to_dict())
