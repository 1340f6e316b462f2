"""lupusscore.dask: the cohort engine on Dask equals the in-memory engine.

The equality tests run on one ``distributed.LocalCluster`` (two worker
processes, one thread each) started once for the module. The tests of the
per-partition function and of bad input need no cluster.
"""

from __future__ import annotations

import dataclasses
import itertools
import sys
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import lupusscore as ls
from lupusscore import dask as ldask
from lupusscore.cohort import Cohort
from lupusscore.cohort._cohort import _subset
from lupusscore.cohort._outcomes import outcome_records, outcome_table_from_records
from lupusscore.dask import Options, _analyse, analyse_partition, finish_outcome_table
from lupusscore.dask._analyse import _number_rows
from lupusscore.dask._partition import ROW
from lupusscore.errors import InvalidValueError, MissingExtraError, TableError
from lupusscore.example import SYNTHETIC_ARMS, synthetic_schedule, synthetic_tables

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
dask_core = pytest.importorskip("dask.core")

OPTIONS: dict[str, Any] = {"schedule": synthetic_schedule(), "name": "SYN-dask"}
#: Sort keys of each table (the Dask tables come in partition order).
KEYS = {
    "adsl": ["USUBJID"],
    "adlb": ["USUBJID", "PARAMCD", "DAY", "SRCROW"],
    "adrs": ["USUBJID", "PARAMCD", "AVISITN"],
    "adtte": ["USUBJID", "PARAMCD"],
}


def _frame(columns: dict[str, np.ndarray]) -> Any:
    """A pandas frame of synthetic columns; tri-state flags as nullable booleans.

    (Dask turns object columns into text, so flags travel as ``boolean``.)
    """
    out = pd.DataFrame(columns)
    for name in out.columns:
        col = out[name]
        if col.dtype == object and all(
            isinstance(x, bool) or x is None for x in col.tolist()
        ):
            out[name] = col.astype("boolean")
    return out


def _tables(n: int, seed: int) -> dict[str, Any]:
    return {k: _frame(v) for k, v in synthetic_tables(n, seed=seed).items()}


def _in_memory(tables: dict[str, Any], **extra: Any) -> Any:
    cohort = Cohort.from_frames(
        tables["labs"],
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        **OPTIONS,
    )
    return ls.analyse(cohort, **extra)


def _dask(tables: dict[str, Any], **kwargs: Any) -> Any:
    return ldask.analyse(
        dd.from_pandas(tables["labs"], npartitions=4),
        dd.from_pandas(tables["participants"], npartitions=2),
        visits=dd.from_pandas(tables["visits"], npartitions=3),
        events=dd.from_pandas(tables["events"], npartitions=2),
        **OPTIONS,
        **kwargs,
    )


def _plain(frame: Any, keys: list[str]) -> Any:
    """Sort rows by *keys*; text as object with None (Dask makes it str).

    Dates as ``datetime64[s]`` (Parquet stores them in milliseconds).
    """
    out = frame.reset_index(drop=True).copy()
    for name in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[name]):  # Parquet: ms
            out[name] = out[name].astype("datetime64[s]")
        if out[name].dtype == object or pd.api.types.is_string_dtype(out[name]):
            out[name] = [None if pd.isna(x) else x for x in out[name].tolist()]
            out[name] = out[name].astype(object)
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def _assert_same_tables(got: Any, want: Any) -> None:
    for name, keys in KEYS.items():
        left = _plain(getattr(got, name).compute(), keys)
        right = _plain(getattr(want, name).to_pandas(), keys)
        assert len(left) == len(right) > 0, name
        pd.testing.assert_frame_equal(left, right, check_dtype=True, obj=name)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One local cluster for the module: 2 worker processes, 1 thread each."""
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: others may hold 8787
            memory_limit="2GiB",
        ) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def tables() -> dict[str, Any]:
    """A synthetic cohort of 240 participants as pandas frames."""
    return _tables(240, seed=11)


@pytest.fixture(scope="module")
def expected(tables: dict[str, Any]) -> Any:
    """The in-memory analysis of the synthetic cohort."""
    return _in_memory(tables)


@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_local_cluster_equals_in_memory(
    client: Any, tables: dict[str, Any], expected: Any, npartitions: int
) -> None:
    """On a LocalCluster the ADaM tables and outcome table equal the in-memory ones."""
    got = _dask(tables, npartitions=npartitions).persist()
    assert got.npartitions == npartitions
    assert got.outcome_table() == expected.outcome_table()
    _assert_same_tables(got, expected)


def test_local_cluster_unmeasured_arm(client: Any, tmp_path: Any) -> None:
    """An arm without UPCR anywhere is not evaluable; one partition without it is not.

    Arm "Prednisone" has no UPCR and creatinine at all (its renal endpoint is
    not measured: NE with the reason, in the outcome table and ADRS); in arm
    "MSC infusion" only the first participants lack them, so the first of
    seven partitions has the arm unmeasured while the cohort does not.
    """
    tables = _tables(140, seed=5)
    people = tables["participants"]
    labs = tables["labs"]
    other = set(people.loc[people["ARM"] == SYNTHETIC_ARMS[1], "USUBJID"])
    msc = sorted(set(people["USUBJID"]) - other)[:12]
    renal = labs["LBTESTCD"].isin(["upcr", "creatinine"])
    drop = renal & labs["USUBJID"].isin(other | set(msc))
    tables["labs"] = labs.loc[~drop].reset_index(drop=True)
    want = _in_memory(tables)
    table = want.outcome_table()
    assert any(SYNTHETIC_ARMS[1] in note for note in table.notes)
    got = _dask(tables, npartitions=7).persist()
    assert got.outcome_table() == table
    _assert_same_tables(got, want)
    assert got.to_parquet(tmp_path) == table  # ADRS files rewritten, one by one
    pd.testing.assert_frame_equal(
        _plain(pd.read_parquet(tmp_path / "adrs"), KEYS["adrs"]),
        _plain(want.adrs.to_pandas(), KEYS["adrs"]),
    )


def test_partitioned_input_needs_no_shuffle(
    client: Any, tables: dict[str, Any], expected: Any
) -> None:
    """Tables already split by participant (partitioned=True) give the same result."""
    ids = sorted(tables["participants"]["USUBJID"])
    groups = [set(ids[i::3]) for i in range(3)]  # not ranges: any split works

    def split(frame: Any) -> Any:
        return dd.from_map(
            lambda g: frame.loc[frame["USUBJID"].isin(g)].reset_index(drop=True),
            groups,
        )

    got = ldask.analyse(
        split(tables["labs"]),
        split(tables["participants"]),
        visits=split(tables["visits"]),
        events=split(tables["events"]),
        partitioned=True,
        **OPTIONS,
    ).persist()
    assert got.npartitions == 3
    assert got.outcome_table() == expected.outcome_table()
    for name in ("adsl", "adrs", "adtte"):  # SRCROW counts the split labs
        keys = KEYS[name]
        left = _plain(getattr(got, name).compute(), keys)
        right = _plain(getattr(expected, name).to_pandas(), keys)
        pd.testing.assert_frame_equal(left, right, obj=name)


def test_to_parquet_writes_tables_and_returns_outcome_table(
    client: Any, tables: dict[str, Any], expected: Any, tmp_path: Any
) -> None:
    """to_parquet writes the four tables in one pass and returns the outcome table."""
    got = _dask(tables, npartitions=3)
    table = got.to_parquet(tmp_path)
    assert table == expected.outcome_table()
    adsl = pd.read_parquet(tmp_path / "adsl")
    assert sorted(adsl["USUBJID"]) == expected.adsl["USUBJID"].tolist()


def _labs_files(labs: Any, root: Any, files: int) -> Any:
    """Write *labs* as *files* Parquet files of consecutive rows; read them back."""
    root.mkdir()
    bounds = np.linspace(0, len(labs), files + 1).astype(int)
    for i, (a, b) in enumerate(itertools.pairwise(bounds)):
        labs.iloc[a:b].to_parquet(root / f"part-{i:02d}.parquet", index=False)
    return dd.read_parquet(root)


def test_srcrow_holds_when_a_projection_merges_parquet_files(
    client: Any, tables: dict[str, Any], expected: Any, tmp_path: Any
) -> None:
    """SRCROW counts the rows of the frame read, even where Dask merges files.

    Dask reads several small Parquet files as one partition when it reads
    only some of their columns: partition lengths counted on a projected
    frame (the withdrawn numbering) do not fit the partitions of the frame
    read whole, and are refused. The numbering counts the frame read whole,
    so ADLB (SRCROW included) equals the in-memory table.
    """
    labs = _labs_files(tables["labs"], tmp_path / "labs", 8)
    whole = labs.map_partitions(len).compute().tolist()
    projected = labs[["USUBJID"]].map_partitions(len).compute().tolist()
    assert len(whole) == 8
    assert len(projected) < len(whole)
    assert sum(projected) == sum(whole) == len(tables["labs"])
    starts = tuple(np.cumsum([0, *projected[:-1]]).tolist())
    numbered = labs.map_partitions(
        _number_rows, starts, tuple(projected), meta=labs._meta
    )
    with pytest.raises(InvalidValueError, match="partitions counted for SRCROW"):
        numbered.compute()
    got = ldask.analyse(
        labs,
        dd.from_pandas(tables["participants"], npartitions=2),
        visits=dd.from_pandas(tables["visits"], npartitions=3),
        events=dd.from_pandas(tables["events"], npartitions=2),
        npartitions=3,
        **OPTIONS,
    )
    left = _plain(got.adlb.compute(), KEYS["adlb"])
    right = _plain(expected.adlb.to_pandas(), KEYS["adlb"])
    pd.testing.assert_frame_equal(left, right, check_dtype=True, obj="adlb")


# --- without a cluster ------------------------------------------------------------


def test_records_of_parts_pool_to_the_whole_table(tables: dict[str, Any]) -> None:
    """Outcome records of participant parts pool to the whole cohort's table exactly."""
    cohort = Cohort.from_frames(
        tables["labs"],
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        **OPTIONS,
    )
    whole = ls.analyse(cohort).outcome_table()
    args = {
        "definition": "kdigo-2024",
        "achieve_by": "month 12",
        "maintain_through": "month 24",
        "policy": "non_responder",
        "ci_method": "wilson",
        "use_unscheduled": False,
    }
    one = outcome_table_from_records([outcome_records(cohort, **args)])
    assert one == whole
    ids = sorted(tables["participants"]["USUBJID"])
    parts = []
    for k in range(4):
        mine = set(ids[k::4])

        def pick(frame: Any, mine: set[str] = mine) -> Any:
            return frame.loc[frame["USUBJID"].isin(mine)].reset_index(drop=True)

        parts.append(
            analyse_partition(
                pick(tables["labs"]),
                pick(tables["participants"]),
                visits=pick(tables["visits"]),
                events=pick(tables["events"]),
                options=Options(**OPTIONS),
            ).records
        )
    assert finish_outcome_table(parts[::-1]) == whole


def test_unmeasured_arm_keeps_other_arms_intercurrent_flags() -> None:
    """An arm without renal data does not erase ICEFL in the other arms' ADRS.

    (Found by the Dask equality test: the in-memory ADRS dropped every
    participant's intercurrent-event flag as soon as one arm was unmeasured.)
    """
    tables = _tables(140, seed=5)
    people = tables["participants"]
    other = set(people.loc[people["ARM"] == SYNTHETIC_ARMS[1], "USUBJID"])
    labs = tables["labs"]
    drop = labs["LBTESTCD"].isin(["upcr", "creatinine"]) & labs["USUBJID"].isin(other)
    intact = _in_memory(tables).adrs.to_pandas()
    tables["labs"] = labs.loc[~drop].reset_index(drop=True)
    without = _in_memory(tables).adrs.to_pandas()
    assert set(without.loc[without["TRT01P"] == SYNTHETIC_ARMS[1], "AVALC"]) == {"NE"}
    mine = intact["TRT01P"] == SYNTHETIC_ARMS[0]
    assert (intact.loc[mine, "ICEFL"] == "Y").any()
    assert without.loc[mine, "ICEFL"].tolist() == intact.loc[mine, "ICEFL"].tolist()


def test_participant_in_two_parts_is_refused(tables: dict[str, Any]) -> None:
    """Records with a participant in two parts are an error, not a double count."""
    part = analyse_partition(
        tables["labs"],
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        options=Options(**OPTIONS),
    )
    with pytest.raises(InvalidValueError, match="more than one part"):
        finish_outcome_table([part.records, part.records])


def test_bad_input_gets_the_library_error(tables: dict[str, Any]) -> None:
    """Not a Dask frame, no subject column, misaligned partitions: InvalidValueError."""
    labs = dd.from_pandas(tables["labs"], npartitions=2)
    people = dd.from_pandas(tables["participants"], npartitions=1)
    with pytest.raises(InvalidValueError, match="ddf_labs"):
        ldask.analyse(tables["labs"], people, **OPTIONS)
    with pytest.raises(InvalidValueError, match="'PID'"):
        ldask.analyse(labs, people, subject="PID", **OPTIONS)
    with pytest.raises(InvalidValueError, match="partitioned alike"):
        ldask.analyse(labs, people, partitioned=True, **OPTIONS)
    with pytest.raises(InvalidValueError, match="npartitions"):
        ldask.analyse(labs, people, npartitions=0, **OPTIONS)
    with pytest.raises(InvalidValueError, match="policy"):
        ldask.analyse(labs, people, policy="guess", **OPTIONS)


def test_broken_partitioning_promise_is_a_table_error(tables: dict[str, Any]) -> None:
    """partitioned=True with a participant's labs in another partition: TableError."""
    labs = tables["labs"].sort_values("LBDTC").reset_index(drop=True)
    people = tables["participants"]
    got = ldask.analyse(
        dd.from_pandas(labs, npartitions=2, sort=False),
        dd.from_pandas(people, npartitions=2, sort=False),
        partitioned=True,
        **OPTIONS,
    )
    with pytest.raises(TableError, match="USUBJID"):
        got.outcome_table()


def test_without_dask_the_extra_is_named(
    tables: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Dask installed, analyse raises MissingExtraError naming 'dask'."""
    monkeypatch.setitem(sys.modules, "dask", None)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(MissingExtraError, match=r"lupusscore\[dask\]"):
        ldask.analyse(tables["labs"], tables["participants"])


# --- the merged engine: no-UPCR rule, strategies, analysis population -------------


def _parts(tables: dict[str, Any], groups: list[set[str]], **options: Any) -> list[Any]:
    """The outcome records of each group of participants (analyse_partition)."""
    out = []
    for mine in groups:

        def pick(frame: Any, mine: set[str] = mine) -> Any:
            return frame.loc[frame["USUBJID"].isin(mine)].reset_index(drop=True)

        out.append(
            analyse_partition(
                pick(tables["labs"]),
                pick(tables["participants"]),
                visits=pick(tables["visits"]),
                events=pick(tables["events"]),
                options=Options(**OPTIONS, **options),
            ).records
        )
    return out


def test_parts_pool_the_no_upcr_rule() -> None:
    """An arm with no UPCR anywhere is "no UPCR" in the pooled table, as in memory.

    Arm "Prednisone" keeps its creatinine (eGFR falls are evaluable failures)
    but has no UPCR: the whole cohort reads it "not evaluable: no UPCR". Arm
    "MSC infusion" lacks UPCR only in the participants of the first part:
    that part alone would call it "no UPCR", the cohort does not.
    """
    tables = _tables(120, seed=7)
    people = tables["participants"]
    labs = tables["labs"]
    ids = sorted(people["USUBJID"])
    groups = [set(ids[k::3]) for k in range(3)]
    pred = set(people.loc[people["ARM"] == SYNTHETIC_ARMS[1], "USUBJID"])
    drop = (labs["LBTESTCD"] == "upcr") & labs["USUBJID"].isin(pred | groups[0])
    tables["labs"] = labs.loc[~drop].reset_index(drop=True)
    whole = _in_memory(tables).outcome_table()
    primary = {r.arm: r for r in whole.rows if r.section == "primary"}
    assert primary[SYNTHETIC_ARMS[1]].reason == "no UPCR"
    assert primary[SYNTHETIC_ARMS[0]].reason is None
    assert primary[SYNTHETIC_ARMS[0]].n > 0
    assert finish_outcome_table(_parts(tables, groups)) == whole


def test_parts_carry_the_strategies_and_estimand(tables: dict[str, Any]) -> None:
    """Options.strategies reach each part's analysis and the pooled estimand."""
    strategies = {"rescue": "hypothetical", "discontinuation": "treatment_policy"}
    whole = _in_memory(tables, strategies=strategies).outcome_table()
    assert whole != _in_memory(tables).outcome_table()  # the strategies matter here
    assert whole.estimand is not None
    assert whole.estimand.strategies.rescue == "hypothetical"
    ids = sorted(tables["participants"]["USUBJID"])
    groups = [set(ids[k::4]) for k in range(4)]
    assert finish_outcome_table(_parts(tables, groups, strategies=strategies)) == whole


def _cohort_without_day0(tables: dict[str, Any], gone: set[str]) -> Cohort:
    """The cohort of *tables* with participants *gone* never randomised.

    (``from_frames`` requires a day 0; ``read_sdtm`` gives cohorts with
    participants without one: DM rows without RFSTDTC, and no data.)
    """
    kept = {
        name: frame.loc[~frame["USUBJID"].isin(gone)].reset_index(drop=True)
        for name, frame in tables.items()
        if name != "participants"
    }
    cohort = Cohort.from_frames(
        kept["labs"],
        tables["participants"],
        visits=kept["visits"],
        events=kept["events"],
        **OPTIONS,
    )
    day0 = cohort.day0.copy()
    day0[np.isin(cohort.participant_id, sorted(gone))] = np.datetime64("NaT")
    return dataclasses.replace(cohort, day0=day0, _cache={})


RECORD_ARGS: dict[str, Any] = {
    "definition": "kdigo-2024",
    "achieve_by": "month 12",
    "maintain_through": "month 24",
    "policy": "non_responder",
    "ci_method": "wilson",
    "use_unscheduled": False,
}


def test_parts_leave_out_participants_without_day0(tables: dict[str, Any]) -> None:
    """Participants without a day 0 are in no row and in the note, pooled as in memory.

    In the first part every "Prednisone" participant lacks a day 0, so that
    part's population has no such arm, while the cohort's has; the last part
    has no participant with a day 0 at all.
    """
    people = tables["participants"]
    ids = sorted(people["USUBJID"])
    pred = set(people.loc[people["ARM"] == SYNTHETIC_ARMS[1], "USUBJID"])
    groups = [set(ids[0:60:2]), set(ids[1:60:2]), set(ids[60:-3]), set(ids[-3:])]
    gone = (pred & groups[0]) | {ids[1], ids[5]} | groups[3]
    cohort = _cohort_without_day0(tables, gone)
    whole = ls.analyse(cohort).outcome_table()
    assert [a.arm for a in whole.arms] == list(SYNTHETIC_ARMS)
    assert sum(a.n for a in whole.arms) == len(ids) - len(gone)
    note = f"{len(gone)} participant(s) without a study day 0"
    assert any(note in n for n in whole.notes)
    parts = [
        outcome_records(
            _subset(cohort, np.isin(cohort.participant_id, sorted(g))), **RECORD_ARGS
        )
        for g in groups
    ]
    assert SYNTHETIC_ARMS[1] not in parts[0].plan.arms
    assert outcome_table_from_records(parts[::-1]) == whole


def test_local_cluster_strategies(client: Any, tables: dict[str, Any]) -> None:
    """On a LocalCluster the strategies reach every partition, as in memory."""
    strategies = {"rescue": "while_on_treatment"}
    want = _in_memory(tables, strategies=strategies)
    assert want.outcome_table() != _in_memory(tables).outcome_table()
    got = _dask(tables, npartitions=3, strategies=strategies).persist()
    assert got.outcome_table() == want.outcome_table()
    _assert_same_tables(got, want)


def test_parts_without_anyone_analysed_are_refused(tables: dict[str, Any]) -> None:
    """Parts whose participants all lack a day 0 pool to the in-memory error."""
    ids = sorted(tables["participants"]["USUBJID"])
    gone = set(ids[:4])
    cohort = _cohort_without_day0(tables, gone)
    only = _subset(cohort, np.isin(cohort.participant_id, sorted(gone)))
    with pytest.raises(InvalidValueError, match="at least one participant") as whole:
        ls.analyse(only)
    parts = [
        outcome_records(_subset(only, np.arange(4) == k), **RECORD_ARGS)
        for k in range(2)
    ]
    with pytest.raises(InvalidValueError) as pooled:
        outcome_table_from_records(parts)
    assert str(pooled.value) == str(whole.value)


def test_labs_partitions_are_numbered_on_their_own(
    tables: dict[str, Any], tmp_path: Any
) -> None:
    """No partition's task waits for another's (memory per worker stays flat).

    A cumulative sum over the partitions (the former SRCROW numbering) made
    partition k depend on the reads of partitions 0..k, so read partitions
    stayed in memory while the engine worked through the earlier ones.
    """
    labs = _labs_files(tables["labs"], tmp_path / "labs", 6)
    ids = sorted(tables["participants"]["USUBJID"])
    groups = [set(ids[i::6]) for i in range(6)]
    people = dd.from_map(
        lambda g: (
            tables["participants"]
            .loc[tables["participants"]["USUBJID"].isin(g)]
            .reset_index(drop=True)
        ),
        groups,
    )
    got = ldask.analyse(labs, people, partitioned=True, **OPTIONS)
    payload = got._payload.optimize()
    deps, _ = dask_core.get_deps(dict(payload.__dask_graph__()))

    def upstream(key: Any) -> set[Any]:
        seen: set[Any] = set()
        stack = [key]
        while stack:
            for dep in deps.get(stack.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        return seen

    sizes = [len(upstream(k)) for k in payload.__dask_keys__()]
    assert len(sizes) == 6
    assert sizes == [sizes[0]] * 6, f"partition k waits for partitions 0..k-1: {sizes}"


def test_labs_partitions_that_change_are_refused() -> None:
    """A labs partition unlike the one counted is refused, not misnumbered."""
    part = pd.DataFrame({"USUBJID": ["a", "b", "c"]})
    got = _number_rows(part, (0, 3), (3, 3), partition_info={"number": 1})
    assert got[ROW].tolist() == [3, 4, 5]
    with pytest.raises(InvalidValueError, match="partition 1 with 3 rows"):
        _number_rows(part, (0, 4), (4, 4), partition_info={"number": 1})
    with pytest.raises(InvalidValueError, match="partition 2 with 3 rows"):
        _number_rows(part, (0, 3), (3, 3), partition_info={"number": 2})


class _Recorded(Exception):
    """Raised by the recording dask.compute once it has the graph."""


def test_to_parquet_writes_each_partition_right_after_analysing_it(
    tables: dict[str, Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In to_parquet's task order each partition's result is let go at once.

    Four ``dask.dataframe.to_parquet`` graphs (the former writing) made
    Dask's ordering run the engine on every partition before the last
    table's writes, holding every partition's tables in memory.
    """
    dask = pytest.importorskip("dask")
    seen: list[Any] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        seen.extend(args)
        raise _Recorded

    got = _dask(tables, npartitions=4)
    monkeypatch.setattr(_analyse, "_compute_parts", lambda parts: record(*parts))
    with pytest.raises(_Recorded):
        got.to_parquet(tmp_path)
    monkeypatch.undo()
    expr = dask.base.collections_to_expr(seen, optimize_graph=True)
    graph = dict(expr.__dask_graph__())
    rank = dask.order.order(graph)
    _, dependents = dask_core.get_deps(graph)
    payloads = got._payload.optimize().__dask_keys__()
    assert len(payloads) == 4
    assert all(k in graph for k in payloads)
    gaps = [max(rank[d] for d in dependents[k]) - rank[k] for k in payloads]
    assert gaps == [1] * 4, f"tables written only {gaps} tasks after the engine"


class _HeldResults(distributed.diagnostics.plugin.SchedulerPlugin):
    """A scheduler plugin counting the chosen results held in the cluster at once."""

    name = "lupusscore-held-results"

    def __init__(self, chosen: Any) -> None:
        self.chosen = chosen  # key -> bool
        self.held: set[Any] = set()
        self.peak = 0
        self.done = 0

    def transition(
        self, key: Any, start: str, finish: str, *args: Any, **kw: Any
    ) -> None:
        """Follow the chosen keys into and out of the workers' memory."""
        if not self.chosen(key):
            return
        if finish == "memory":
            self.held.add(key)
            self.done += 1
            self.peak = max(self.peak, len(self.held))
        elif start == "memory":
            self.held.discard(key)


def _held_while(client: Any, chosen: Any, run: Any) -> tuple[Any, _HeldResults]:
    """Run *run()* with a _HeldResults plugin on the (in-process) scheduler."""
    scheduler = client.cluster.scheduler
    plugin = _HeldResults(chosen)
    scheduler.add_plugin(plugin, name=plugin.name)
    try:
        got = run()
        deadline = time.monotonic() + 30  # the last release reaches the
        while plugin.held and time.monotonic() < deadline:  # scheduler later
            time.sleep(0.05)
    finally:
        scheduler.remove_plugin(name=plugin.name)
    return got, plugin


def test_local_cluster_lets_each_partitions_records_go_once_done(
    client: Any, tmp_path: Any
) -> None:
    """Records leave the workers as partitions finish, not all at the end.

    ``dask.compute`` (the former gathering) kept every partition's outcome
    records (and evidence) in the workers until the last partition ended:
    memory per worker grew with the number of partitions. Now each
    partition's result is gathered to the client as soon as it is done and
    released, in ``to_parquet`` and ``outcome_table`` alike; the pooled
    tables stay those of the in-memory engine.
    """
    tables = _tables(84, seed=3)
    want = _in_memory(tables).outcome_table()
    # Before, all 10 were held at once, every time (gathered only at the end);
    # now usually 1 or 2. The bound is loose on purpose: gathering races the
    # workers, and on a loaded machine the client may lag behind several of
    # them, but it never waits for the last partition before taking the first.
    k = 10
    bound = k - 1
    table, writes = _held_while(
        client,
        lambda key: isinstance(key, str) and key.startswith("_write_part-"),
        lambda: _dask(tables, npartitions=k).to_parquet(tmp_path),
    )
    assert table == want
    assert writes.done == k
    assert writes.peak <= bound, f"{writes.peak} of {k} partitions' results held"
    assert not writes.held
    lazy = _dask(tables, npartitions=k)
    keys = {r.key for r in lazy.records}
    table, records = _held_while(client, keys.__contains__, lazy.outcome_table)
    assert table == want
    assert records.done == k
    assert records.peak <= bound, f"{records.peak} of {k} partitions' results held"
    assert not records.held


def test_local_cluster_partition_error_is_the_library_error(
    client: Any, tables: dict[str, Any]
) -> None:
    """A partition failing on the cluster raises its own error when gathered."""
    labs = tables["labs"].sort_values("LBDTC").reset_index(drop=True)
    got = ldask.analyse(
        dd.from_pandas(labs, npartitions=3, sort=False),
        dd.from_pandas(tables["participants"], npartitions=3, sort=False),
        partitioned=True,
        **OPTIONS,
    )
    assert _analyse._client_of(pytest.importorskip("dask"), got.records) is client
    with pytest.raises(TableError, match="USUBJID"):
        got.outcome_table()


def test_local_scheduler_still_gathers_with_dask_compute(
    client: Any, tables: dict[str, Any], expected: Any
) -> None:
    """A local scheduler chosen in Dask's config is used even beside a client."""
    dask = pytest.importorskip("dask")
    local = {"scheduler": "synchronous", "dataframe.shuffle.method": "tasks"}
    with dask.config.set(local):  # (a client makes Dask shuffle with p2p)
        got = _dask(tables, npartitions=2)
        assert _analyse._client_of(dask, got.records) is None
        assert got.outcome_table() == expected.outcome_table()
