"""``lupusscore.dask.analyse``: the cohort engine on Dask DataFrames."""

from __future__ import annotations

import importlib
import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, cast

import numpy as np

from lupusscore._checks import as_choice, describe
from lupusscore._display import Displayable, View
from lupusscore.analytes import Analyte
from lupusscore.cohort._analysis import FLARE_REFERENCES
from lupusscore.dask._partition import (
    ROW,
    TABLES,
    Options,
    PartResult,
    analyse_partition,
    finish_adrs,
    finish_outcome_table,
    unmeasured_arms_of,
)
from lupusscore.errors import InvalidValueError, MissingExtraError
from lupusscore.models import DEFAULT_BASELINE_WINDOW_DAYS, Timepoint
from lupusscore.outcomes._args import check_switch
from lupusscore.outcomes._longitudinal import MissingPolicy
from lupusscore.outcomes._stats import CiMethod
from lupusscore.outcomes._strategies import Strategies, resolve_strategies
from lupusscore.outcomes._table import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
    OutcomeTable,
    resolve_table_definition,
)
from lupusscore.response import RenalFlareDefinition, RenalResponseDefinition
from lupusscore.response._shipped import resolve_flare_definition

__all__ = ["DaskAnalysis", "analyse"]

#: The payload column of the per-partition results.
_PAYLOAD: Final = "result"


def _require_dask() -> tuple[Any, Any]:
    """Import dask and dask.dataframe, or say which extra to install."""
    try:
        import dask  # noqa: PLC0415 - the optional extra
        import dask.dataframe as dd  # noqa: PLC0415
    except ImportError:
        raise MissingExtraError(
            package="dask", feature="lupusscore.dask.analyse", extra="dask"
        ) from None
    return dask, dd


@dataclass(frozen=True, eq=False)
class DaskAnalysis(Displayable):
    """A cohort analysed on Dask: lazy ADaM tables and the outcome table.

    Nothing runs until a result is computed. Each ``compute`` (or
    :meth:`outcome_table`) runs the engine once per partition for what it
    asks; ask for several results in one ``dask.compute(...)`` call, use
    :meth:`to_parquet`, or :meth:`persist` first to run the engine only once.

    Attributes
    ----------
    adsl, adlb, adrs, adtte : dask.dataframe.DataFrame
        The tables of :func:`lupusscore.analyse`, one partition per
        participant partition (participants in id order when the input was
        shuffled here). ADRS partitions wait for the whole cohort (an arm's
        renal endpoint is unmeasured only if it is in every partition): they
        are held until every partition has run, about 1.5 KB per
        participant; :meth:`to_parquet` avoids that.
    records : list of dask.delayed.Delayed
        Per partition, the outcome table's per-participant records.
    npartitions : int
        Number of participant partitions.
    """

    adsl: Any
    adlb: Any
    adrs: Any
    adtte: Any
    records: list[Any]
    npartitions: int
    _payload: Any
    _meta: dict[str, Any]

    def __repr__(self) -> str:
        return (
            f"<DaskAnalysis: {self.npartitions} participant partitions; "
            "tables adsl, adlb, adrs, adtte; outcome_table()>"
        )

    def _display_view(self) -> View:
        # nothing is computed to show it
        return View(
            title="DaskAnalysis (lazy)",
            facts=(
                ("participant partitions", str(self.npartitions)),
                ("tables", ", ".join(TABLES)),
                ("results", "outcome_table(), to_parquet(), persist()"),
            ),
        )

    def outcome_table(self) -> OutcomeTable:
        """Compute the outcome table, pooled exactly over the partitions.

        With a ``distributed`` client, each partition's records leave the
        workers as soon as that partition is done (:func:`_compute_parts`);
        the client holds the pooled records (about 0.5 KB per participant).
        """
        return _finish(_compute_parts(self.records))

    def persist(self) -> DaskAnalysis:
        """Run the engine once per partition now and keep the results.

        The results stay in the workers' memory (the size of the ADaM tables);
        the tables and the outcome table are then read from them.
        """
        return _build(self._payload.persist(), self.npartitions, self._meta)

    def to_parquet(self, path: str | os.PathLike[str], **kwargs: Any) -> OutcomeTable:
        """Write the four tables to ``path/<table>/`` and return the outcome table.

        One pass: the engine runs once per partition, and the task that
        follows it writes the partition's four tables at once
        (``path/<table>/part.<i>.parquet``) and keeps only its outcome
        records. With a ``distributed`` client those records are gathered
        to the client as each partition finishes and let go in the workers
        (:func:`_compute_parts`), so memory per worker stays that of the
        partitions being analysed however many partitions there are; the
        client holds the pooled records (about 0.5 KB per participant).
        ADRS is written
        unfinished; when an arm's renal endpoint turns out unmeasured in the
        whole cohort, its files are then rewritten one by one
        (:func:`finish_adrs`). *path* is a directory every worker can write
        to (local or shared); *kwargs* go to ``pandas.DataFrame.to_parquet``
        (default ``index=False``).
        """
        base = os.fspath(path)
        for table in TABLES:
            os.makedirs(os.path.join(base, table), exist_ok=True)
        options = {"index": False, **kwargs}
        got = _compute_parts(self._writes(base, options))
        records = [r for r, _ in got]
        unmeasured = unmeasured_arms_of([e for _, e in got])
        if unmeasured:
            pd = importlib.import_module("pandas")
            for name in sorted(os.listdir(os.path.join(base, "adrs"))):
                if name.endswith(".parquet"):
                    file = os.path.join(base, "adrs", name)
                    finish_adrs(pd.read_parquet(file), unmeasured).to_parquet(
                        file, **options
                    )
        return _finish(records)

    def _writes(self, base: str, options: Mapping[str, Any]) -> list[Any]:
        """Per partition, the task writing its tables (see :func:`_write_part`)."""
        dask, _ = _require_dask()
        write = dask.delayed(_write_part, pure=False)
        return [
            write(part, base, i, options)
            for i, part in enumerate(self._payload.to_delayed())
        ]


def _write_part(
    payload: Any, base: str, index: int, options: Mapping[str, Any]
) -> tuple[Any, Any]:
    """Write one partition's tables; return its outcome records and evidence.

    One task per partition, right after the engine's: the partition's tables
    are written and let go before the scheduler need start another partition
    (four ``dask.dataframe.to_parquet`` graphs, one per table, made the
    scheduler keep every partition's result until the last table's writes).
    """
    result = cast(PartResult, payload[_PAYLOAD].iloc[0])
    for table in TABLES:
        file = os.path.join(base, table, f"part.{index}.parquet")
        result.tables[table].to_parquet(file, **options)
    return result.records, result.evidence


def _compute_parts(parts: Sequence[Any]) -> list[Any]:
    """Compute one small result per partition, in partition order.

    Without a ``distributed`` client (Dask's local schedulers), as
    ``dask.compute``. With one (the scheduler ``dask.compute`` would use),
    the parts are submitted as one graph (``Client.compute``: the same
    graph and task order as ``dask.compute``) and each part's result is
    gathered to the client as soon as it is done and its future released
    (``distributed.as_completed``), so the workers do not keep every
    partition's result until the last one ends: what a worker holds does
    not grow with the number of partitions. A failing part raises its
    error, and the parts not yet done are released (cancelled).
    """
    dask, _ = _require_dask()
    client = _client_of(dask, parts)
    if client is None:
        return list(dask.compute(*parts))
    distributed = importlib.import_module("distributed")
    futures = client.compute(list(parts))
    where = {future.key: i for i, future in enumerate(futures)}
    running = {future.key: future for future in futures}
    done = distributed.as_completed(futures, with_results=True)
    del futures  # a part's future is let go as soon as its result is here
    got: list[Any] = [None] * len(where)
    try:
        for future, result in done:
            got[where[future.key]] = result
            running.pop(future.key)
            future.release()
    finally:
        if running:  # after an error: cancel the parts not yet done
            done.clear()
            client.cancel(list(running.values()))
    return got


def _client_of(dask: Any, parts: Sequence[Any]) -> Any | None:
    """Return the ``distributed.Client`` ``dask.compute(*parts)`` would use, if any."""
    distributed = sys.modules.get("distributed")
    if distributed is None:  # no client can exist without the module
        return None
    scheduler = dask.base.get_scheduler(collections=list(parts))
    scheduler = getattr(scheduler, "__self__", scheduler)  # client.get
    return scheduler if isinstance(scheduler, distributed.Client) else None


def _finish(records: Sequence[Any]) -> OutcomeTable:
    return finish_outcome_table(list(records))


def _pick(payload: Any, what: str) -> Any:
    """One part's result from the payload frame of its partition."""
    result = cast(PartResult, payload[_PAYLOAD].iloc[0])
    if what == "records":
        return result.records
    if what == "evidence":
        return result.evidence
    return result.tables[what]


def _run(  # noqa: PLR0917 - the partitions of the four tables
    labs: Any,
    participants: Any,
    visits: Any,
    events: Any,
    subject: str,
    options: Options,
    empty: Mapping[str, Any],
) -> Any:
    """Analyse one partition (the function mapped): a one-row payload frame."""
    pd = importlib.import_module("pandas")

    def whole(frame: Any) -> Any:
        if frame is None:
            return None
        if subject not in frame.columns:  # the index after the shuffle
            frame = frame.reset_index(names=subject)
        return frame.reset_index(drop=True)

    result = analyse_partition(
        whole(labs),
        whole(participants),
        visits=whole(visits),
        events=whole(events),
        options=options,
        empty=empty,
    )
    return pd.DataFrame({_PAYLOAD: pd.Series([result], dtype=object)})


def _build(payload: Any, npartitions: int, meta: dict[str, Any]) -> DaskAnalysis:
    """Return the lazy tables and records over a payload frame."""
    dask, dd = _require_dask()
    delayed = dask.delayed
    parts = payload.to_delayed()
    tables = {
        t: dd.from_delayed(
            [delayed(_pick)(p, t) for p in parts], meta=meta[t], verify_meta=False
        )
        for t in ("adsl", "adlb", "adtte")
    }
    evidence = [delayed(_pick)(p, "evidence") for p in parts]
    unmeasured = delayed(unmeasured_arms_of)(evidence)
    raw = [delayed(_pick)(p, "adrs") for p in parts]
    tables["adrs"] = dd.from_delayed(
        [delayed(finish_adrs)(r, unmeasured) for r in raw],
        meta=meta["adrs"],
        verify_meta=False,
    )
    return DaskAnalysis(
        adsl=tables["adsl"],
        adlb=tables["adlb"],
        adrs=tables["adrs"],
        adtte=tables["adtte"],
        records=[delayed(_pick)(p, "records") for p in parts],
        npartitions=npartitions,
        _payload=payload,
        _meta=meta,
    )


def _table_meta(options: Options) -> dict[str, Any]:
    """Empty frames with the columns and types of each table (the Dask meta).

    Taken from the engine's own output on a small synthetic cohort with the
    same definition, schedule and options, so the declared meta is what the
    partitions return (they are cast to it).
    """
    key = (
        resolve_table_definition(options.definition).model_dump_json(),
        options.achieve_by,
        options.maintain_through,
        options.policy,
        options.ci_method,
        options.use_unscheduled,
        options.flare_definition,
        options.flare_reference,
        resolve_strategies(options.strategies).model_dump_json(),
        None if options.schedule is None else tuple(options.schedule),
    )
    try:
        hash(key)
    except TypeError:  # dict timepoints, a flare definition object: no cache
        return _quiet_probe(options)
    got = _PROBED.get(key)
    if got is None:
        got = _PROBED.setdefault(key, _quiet_probe(options))
    return {t: frame.copy() for t, frame in got.items()}


#: Meta already probed, by the options that decide it.
_PROBED: dict[object, dict[str, Any]] = {}


def _quiet_probe(options: Options) -> dict[str, Any]:
    with warnings.catch_warnings():  # a probe for the types: its warnings are not
        warnings.simplefilter("ignore")  # about the caller's data
        return _probe(options)


def _probe(options: Options) -> dict[str, Any]:
    """Analyse a small synthetic cohort with *options* (see _table_meta)."""
    from lupusscore.cohort._analysis import analyse as analyse_cohort  # noqa: PLC0415
    from lupusscore.cohort._cohort import Cohort  # noqa: PLC0415
    from lupusscore.example import (  # noqa: PLC0415
        synthetic_schedule,
        synthetic_tables,
    )

    tables = synthetic_tables(4, seed=0)
    schedule = synthetic_schedule() if options.schedule is None else options.schedule
    cohort = Cohort.from_columns(
        tables["labs"],
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        schedule=schedule,
    )
    analysis = analyse_cohort(
        cohort,
        definition=options.definition,
        achieve_by=options.achieve_by,
        maintain_through=options.maintain_through,
        policy=options.policy,
        ci_method=options.ci_method,
        use_unscheduled=options.use_unscheduled,
        flare_definition=options.flare_definition,
        flare_reference=options.flare_reference,
        strategies=options.strategies,
    )
    return {t: getattr(analysis, t).to_pandas().iloc[:0] for t in TABLES}


def _is_dask_frame(data: object, dd: Any) -> bool:
    return isinstance(data, dd.DataFrame)


def _ids(participants: Any, subject: str) -> list[str]:
    """Return the participants' ids, sorted (one pass over that table)."""
    got = participants[subject].dropna().unique().compute()
    return sorted(set(got.tolist()))


def _divisions(ids: list[str], npartitions: int) -> tuple[str, ...]:
    """Division boundaries splitting *ids* into up to *npartitions* equal runs."""
    k = max(1, min(npartitions, len(ids)))
    cuts = sorted({round(i * len(ids) / k) for i in range(k)})
    return (*(ids[c] for c in cuts), ids[-1])


def analyse(
    ddf_labs: Any,
    ddf_participants: Any,
    *,
    subject: str = "USUBJID",
    definition: str | os.PathLike[str] | RenalResponseDefinition = DEFAULT_DEFINITION,
    visits: Any | None = None,
    events: Any | None = None,
    partitioned: bool = False,
    npartitions: int | None = None,
    achieve_by: str = DEFAULT_ACHIEVE_BY,
    maintain_through: str = DEFAULT_MAINTAIN_THROUGH,
    policy: MissingPolicy | str = MissingPolicy.NON_RESPONDER,
    ci_method: CiMethod | str = CiMethod.WILSON,
    use_unscheduled: bool = False,
    flare_definition: str | RenalFlareDefinition | None = None,
    flare_reference: str = "response",
    strategies: Strategies | Mapping[str, str] | None = None,
    columns: Mapping[str, str] | None = None,
    analytes: Mapping[str, Analyte | str] | None = None,
    schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
    arms: Sequence[str] | None = None,
    name: str = "cohort",
    synthetic: bool = False,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> DaskAnalysis:
    """Analyse a cohort held in Dask DataFrames, partition by partition.

    The tables are those of :meth:`lupusscore.Cohort.from_frames` (lab rows,
    participants, and optionally visits and events) as Dask DataFrames. They
    are partitioned by participant so that each participant's rows meet in
    one partition, the engine runs on each partition
    (:func:`lupusscore.dask.analyse_partition`, through ``map_partitions``),
    and the results are what :func:`lupusscore.analyse` gives for the whole
    cohort: the same ADaM rows, and the outcome table pooled exactly
    (proportions from summed counts, Kaplan-Meier from the pooled times and
    events, medians and IQR from the pooled values). See ``docs/scale.md``.

    Parameters
    ----------
    ddf_labs, ddf_participants : dask.dataframe.DataFrame
        Lab rows and participants. *ddf_labs* is computed twice: first, at
        once, to count its rows per partition (ADLB's ``SRCROW`` is a row's
        position in the whole labs table, partitions in order), then for the
        analysis; persist a labs frame that is costly to compute.
    subject : str
        The participant id column, in every table (default ``"USUBJID"``).
    definition : str, os.PathLike or RenalResponseDefinition
        Renal response definition (as :func:`lupusscore.analyse`).
    visits, events : dask.dataframe.DataFrame, optional
        Visit and event rows.
    partitioned : bool
        False (default): one shuffle puts each participant's rows of every
        table in one partition (``set_index`` on *subject* with divisions
        from the participant ids: participants in id order, about equal
        numbers per partition). True: the caller promises the tables are
        already partitioned by participant, partition *i* of every table
        holding the rows of the same participants (as written by
        ``docs/scale.md``'s recipes); no shuffle. The promise is checked as
        the partitions run: a lab, visit or event row whose participant is
        not in its partition's participants table is a
        :class:`~lupusscore.errors.TableError`, and a participant in two
        partitions an :class:`~lupusscore.errors.InvalidValueError` from the
        outcome table.
    npartitions : int, optional
        Number of participant partitions after the shuffle (default: that of
        *ddf_labs*); ignored with ``partitioned=True``.
    achieve_by, maintain_through, policy, ci_method, use_unscheduled, \
flare_definition, flare_reference, strategies
        As :func:`lupusscore.analyse`.
    columns, analytes, schedule, arms, name, synthetic, baseline_window_days
        As :meth:`lupusscore.Cohort.from_frames`. Default *arms*: the
        participants' arms, sorted (computed once over the participants).

    Returns
    -------
    DaskAnalysis
        Lazy ``adsl``, ``adlb``, ``adrs``, ``adtte`` and
        :meth:`DaskAnalysis.outcome_table`.

    Raises
    ------
    MissingExtraError
        Dask is not installed (the extra ``dask``).
    InvalidValueError
        A table that is not a Dask DataFrame, a missing *subject* column,
        partitions that differ in number with ``partitioned=True``, an
        option :func:`lupusscore.analyse` refuses, or (as the partitions run)
        a labs partition unlike the one counted for ``SRCROW`` (a labs frame
        that changes between computations).
    """
    _, dd = _require_dask()
    frames = {
        "ddf_labs": ddf_labs,
        "ddf_participants": ddf_participants,
        "visits": visits,
        "events": events,
    }
    if not isinstance(subject, str) or not subject:
        raise InvalidValueError(
            field="subject", value=describe(subject), expected="a column name"
        )
    for what, frame in frames.items():
        if frame is None:
            continue
        if not _is_dask_frame(frame, dd):
            raise InvalidValueError(
                field=what,
                value=describe(frame),
                expected="a dask.dataframe.DataFrame (dd.from_pandas, "
                "dd.read_parquet ...)",
            )
        if subject not in frame.columns:
            raise InvalidValueError(
                field=what,
                value=f"columns {list(frame.columns)}",
                expected=f"the participant id column {subject!r}",
            )
    partitioned = check_switch("partitioned", partitioned)
    # the options, checked here rather than in every worker
    resolve_table_definition(definition)
    as_choice("policy", policy, MissingPolicy)
    as_choice("ci_method", ci_method, CiMethod)
    check_switch("use_unscheduled", use_unscheduled)
    as_choice("flare_reference", flare_reference, FLARE_REFERENCES)
    if flare_definition is not None:
        resolve_flare_definition(flare_definition)
    chosen_strategies = resolve_strategies(strategies)
    names = dict(columns or {})
    if subject != "USUBJID":
        names.setdefault("USUBJID", subject)
    if arms is None:
        arm_column = names.get("ARM", "ARM")
        if arm_column in ddf_participants.columns:
            got = ddf_participants[arm_column].dropna().unique().compute()
            arms = sorted({str(x) for x in got.tolist()})
    options = Options(
        definition=definition,
        achieve_by=achieve_by,
        maintain_through=maintain_through,
        policy=policy,
        ci_method=ci_method,
        use_unscheduled=use_unscheduled,
        flare_definition=flare_definition,
        flare_reference=flare_reference,
        strategies=chosen_strategies,
        columns=names or None,
        analytes=analytes,
        schedule=schedule,
        arms=None if arms is None else tuple(arms),
        name=name,
        synthetic=synthetic,
        baseline_window_days=baseline_window_days,
    )
    meta = _table_meta(options)
    labs = _numbered(ddf_labs)
    tables = [labs, ddf_participants, visits, events]
    if partitioned:
        counts = {f.npartitions for f in tables if f is not None}
        if len(counts) != 1:
            raise InvalidValueError(
                field="partitioned",
                value=f"tables with {sorted(counts)} partitions",
                expected="tables partitioned alike (partition i of each "
                "holding the same participants) for partitioned=True",
            )
        k = ddf_labs.npartitions
    else:
        want = ddf_labs.npartitions if npartitions is None else npartitions
        if isinstance(want, bool) or not isinstance(want, int) or want < 1:
            raise InvalidValueError(
                field="npartitions",
                value=describe(npartitions),
                expected="a whole number >= 1",
            )
        ids = _ids(ddf_participants, subject)
        if not ids:
            raise InvalidValueError(
                field="ddf_participants",
                value="no participant",
                expected="at least one participant",
            )
        divisions = _divisions(ids, want)
        tables = [
            None if f is None else _by_subject(f, subject, divisions) for f in tables
        ]
        k = len(divisions) - 1
    pd = importlib.import_module("pandas")
    payload = dd.map_partitions(
        _run,
        *tables,
        subject,
        options,
        meta,
        meta=pd.DataFrame({_PAYLOAD: pd.Series([], dtype=object)}),
        align_dataframes=False,
        enforce_metadata=False,
    )
    return _build(payload, k, meta)


def _numbered(labs: Any) -> Any:
    """Return *labs* with :data:`ROW`, each row's position in the whole table.

    Positions count the rows in the order the frame gives them (partitions
    in order), as the in-memory engine counts the rows of its labs table
    (ADLB's ``SRCROW``). The rows of each partition are counted first, in a
    pass of their own (``map_partitions(len)``: one number per partition,
    nothing held); each partition is then numbered on its own from the
    counts before it. A cumulative sum over the partitions
    (``cumsum``) would give the same numbers but link every partition to
    the ones before it, keeping read partitions in the workers' memory while
    the engine works through the earlier ones: memory per worker then grows
    with the number of partitions.

    Both passes wrap the same frame in an opaque ``map_partitions``, which
    keeps Dask from reading fewer columns for one of them (a column
    projection can merge Parquet files into fewer partitions); a partition
    whose rows or number differ from the count is refused all the same
    (:func:`_number_rows`).
    """
    lengths = labs.map_partitions(len).compute()
    counts = tuple(int(n) for n in lengths.tolist())
    starts = tuple(int(x) for x in np.cumsum((0, *counts[:-1])))
    meta = labs._meta.assign(**{ROW: np.zeros(0, dtype=np.int64)})
    return labs.map_partitions(
        _number_rows, starts, counts, meta=meta, enforce_metadata=False
    )


def _number_rows(
    frame: Any,
    starts: tuple[int, ...],
    counts: tuple[int, ...],
    partition_info: Mapping[str, Any] | None = None,
) -> Any:
    """Add :data:`ROW` to one labs partition: its first row is ``starts[i]``."""
    i = -1 if partition_info is None else int(partition_info["number"])
    if not 0 <= i < len(counts) or len(frame) != counts[i]:
        counted = f"{len(counts)} partitions counted"
        if 0 <= i < len(counts):
            counted += f", partition {i} with {counts[i]} rows"
        raise InvalidValueError(
            field="ddf_labs",
            value=f"partition {i} with {len(frame)} rows",
            expected=f"the partitions counted for SRCROW ({counted}): a labs "
            "frame that gives the same partitions each time it is computed "
            "(persist it first)",
        )
    return frame.assign(
        **{ROW: np.arange(starts[i], starts[i] + counts[i], dtype=np.int64)}
    )


def _by_subject(frame: Any, subject: str, divisions: tuple[str, ...]) -> Any:
    """Shuffle *frame* so that partition i holds the ids of division i."""
    return frame.set_index(subject, divisions=list(divisions))
