"""The sixth pass over the outcome table's tabulation: same rows, fewer calls.

Each shortcut is checked against the path it replaces:

- the outcome rows the engine builds from its own values skip pydantic's
  validation (``FrozenModel._trusted``); every row of the bundled example's
  and of synthetic cohorts' tables equals its validated copy, field types
  and the set of fields given included, and a row whose arm or texts are
  not plain ``str`` is still validated;
- the proportions of every outcome are counted by arm in one pass, and
  their intervals come from ``proportion_cells``, which gives what the
  checked ``proportion`` gives, bit for bit;
- the per-row rules of the complement and serology sections judge every
  timepoint in one call each (not one call per timepoint).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.cohort_strategies import trials

import lupusscore as ls
from lupusscore.cli import load_example_trial
from lupusscore.cohort import Cohort, _longitudinal, _outcomes
from lupusscore.cohort._engine import timepoint_order, timepoint_visit
from lupusscore.cohort._longitudinal import (
    achieve_and_maintain_codes,
    status_at_codes,
    status_at_every,
)
from lupusscore.errors import InvalidValueError
from lupusscore.example import synthetic_cohort
from lupusscore.outcomes import _segments, _stats
from lupusscore.outcomes._segments import achieve_and_maintain_segments
from lupusscore.outcomes._stats import (
    CiMethod,
    kaplan_meier,
    proportion,
    proportion_cells,
    survival_at,
)
from lupusscore.outcomes._table import OutcomeRow, OutcomeTable

#: Engine status codes of the segment kernels' codes (index: code + 1).
_FROM_SEGMENT_CODES = np.array(
    [_outcomes.NOT_EVALUABLE, _outcomes.NOT_MET, _outcomes.MET], dtype=np.int8
)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it) while the test runs."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(owner, name)

    @functools.wraps(original)
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


@functools.cache
def _cohorts() -> tuple[tuple[str, Cohort], ...]:
    return (
        ("example", Cohort.from_trial(load_example_trial())),
        ("synthetic 40", synthetic_cohort(40, seed=5)),
        ("synthetic 300", synthetic_cohort(300, seed=8)),
    )


_OPTIONS: list[dict[str, Any]] = [
    {},
    {"policy": "locf", "ci_method": "exact"},
    {"policy": "observed_only", "use_unscheduled": True},
    {"definition": "eular-2012", "strategies": {"rescue": "hypothetical"}},
]


def _tables() -> list[OutcomeTable]:
    return [
        ls.analyse(c, **options).outcome_table()
        for _, c in _cohorts()
        for options in _OPTIONS
    ]


def _same_row(row: OutcomeRow, validated: OutcomeRow) -> None:
    assert validated == row
    assert list(validated.__dict__) == list(row.__dict__)
    for name, value in row.__dict__.items():
        assert type(value) is type(validated.__dict__[name]), name


def test_every_row_equals_its_validated_copy() -> None:
    """Rows built without validation are the rows validation would build."""
    n_rows = 0
    for table in _tables():
        for row in table.rows:
            _same_row(row, OutcomeRow.model_validate(row.model_dump()))
            given_only = OutcomeRow(
                **{k: row.__dict__[k] for k in row.model_fields_set}
            )
            _same_row(row, given_only)
            assert given_only.model_fields_set == row.model_fields_set
            n_rows += 1
    assert n_rows > 1000


def test_the_table_validates_no_row_it_builds_itself(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine's rows are not re-validated one by one (pydantic's validator)."""
    cohort = synthetic_cohort(60, seed=3)
    validated = _counting(monkeypatch, OutcomeRow, "__init__")
    table = ls.analyse(cohort).outcome_table()
    assert len(table.rows) > 100
    assert validated == []


def test_rows_with_other_text_types_are_validated() -> None:
    """An arm name that is a str subclass is validated into a plain str."""

    class Name(str):
        __slots__ = ()

    cohort = synthetic_cohort(30, seed=2)
    analysis = ls.analyse(cohort)
    records = _outcomes.outcome_records(
        cohort,
        definition=analysis.definition,
        achieve_by=analysis.achieve_by,
        maintain_through=analysis.maintain_through,
        policy=analysis.policy,
        ci_method=analysis.ci_method,
        use_unscheduled=analysis.use_unscheduled,
    )
    groups = {Name(a): np.flatnonzero(records.arm == a) for a in records.plan.arms}
    found = _outcomes.Unmeasured(
        participants=np.zeros(len(records.arm), dtype=bool), reasons={}
    )
    items = list(zip(records.keys, records.values, strict=True))
    rows = _outcomes.table_rows(items, groups, records.plan.ci, found)
    plain = {a: np.flatnonzero(records.arm == a) for a in records.plan.arms}
    expected = _outcomes.table_rows(items, plain, records.plan.ci, found)
    assert rows == expected
    assert all(type(r.arm) is str for r in rows)


def test_table_counts_all_proportions_without_the_checked_proportion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No call of the checked ``proportion`` (its model) per cell of the table."""
    cohort = synthetic_cohort(60, seed=4)
    calls = _counting(monkeypatch, _stats, "Proportion")
    ls.analyse(cohort).outcome_table()
    assert calls == []


@given(
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 5000)),
        min_size=1,
        max_size=20,
    ),
)
def test_proportion_cells_are_proportions_wilson(pairs: list[tuple[int, int]]) -> None:
    """The table's Wilson cells equal ``proportion``'s, to the last bit."""
    successes = [min(a, b) for a, b in pairs]
    n = [max(a, b) for a, b in pairs]
    got = proportion_cells(successes, n, CiMethod.WILSON)
    for k, size, cell in zip(successes, n, got, strict=True):
        p = proportion(k, size)
        assert cell == (p.estimate, p.low, p.high)
        assert [type(x) for x in cell] == [type(p.estimate), type(p.low), type(p.high)]


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)), min_size=1, max_size=5),
)
def test_proportion_cells_are_proportions_exact(pairs: list[tuple[int, int]]) -> None:
    """The table's exact cells equal ``proportion``'s (Clopper-Pearson)."""
    successes = [min(a, b) for a, b in pairs]
    n = [max(a, b) for a, b in pairs]
    got = proportion_cells(successes, n, CiMethod.EXACT)
    for k, size, cell in zip(successes, n, got, strict=True):
        p = proportion(k, size, method="exact")
        assert cell == (p.estimate, p.low, p.high)


def test_serology_and_complement_judge_all_timepoints_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One call of each per-row rule per analyte, not one per timepoint."""
    cohort = synthetic_cohort(60, seed=6)
    comparable = _counting(monkeypatch, _outcomes, "comparable")
    positive = _counting(monkeypatch, _outcomes, "positive_codes")
    ls.analyse(cohort).outcome_table()
    # anti-dsDNA per visit (its measure and its seroconversion), then ANA
    assert len(comparable) == 1 + 1
    # per analyte: baseline and all timepoints
    assert len(positive) == 2 * 2
    assert len(cohort.schedule) > 2


@given(st.integers(0, 2**32 - 1), st.booleans())
def test_visits_at_every_timepoint_are_timepoint_visits(
    seed: int, use_unscheduled: bool
) -> None:
    """All timepoints in one pass pick the visits ``timepoint_visit`` picks."""
    cohort = _cohorts()[1][1]
    rng = np.random.default_rng(seed)
    has = rng.random(cohort.n_visits) < rng.random()
    orders = [
        timepoint_order(cohort, tp, use_unscheduled=use_unscheduled)
        for tp in cohort.schedule
    ]
    got = _outcomes.visits_in_orders(
        _outcomes.window_orders(cohort, orders),
        has,
        len(cohort.schedule),
        cohort.n_participants,
    )
    for k, tp in enumerate(cohort.schedule):
        expected = timepoint_visit(cohort, tp, has, use_unscheduled=use_unscheduled)
        np.testing.assert_array_equal(got[k], expected)


def test_change_rows_pick_all_timepoints_in_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No per-timepoint visit search: one pass per measure over all windows."""
    cohort = synthetic_cohort(60, seed=6)
    calls = _counting(monkeypatch, _outcomes, "visits_in_orders")
    orders = _counting(monkeypatch, _outcomes, "timepoint_order")
    ls.analyse(cohort).outcome_table()
    # 7 measures, and the lab rows of C3, C4, ANA and anti-dsDNA
    assert len(calls) == 7 + 4
    assert len(orders) == len(cohort.schedule)


def _assert_results_equal(got: Any, expected: Any) -> None:
    for name in ("status", "imputed", "day", "end_day", "reason", "intercurrent"):
        a, b = getattr(got, name), getattr(expected, name)
        assert a.dtype == b.dtype, name
        np.testing.assert_array_equal(a, b, err_msg=name)


_STRATEGY_CASES: list[dict[str, str] | None] = [
    None,
    {"rescue": "hypothetical", "discontinuation": "while_on_treatment"},
    {"rescue": "while_on_treatment", "death": "while_on_treatment"},
    {"rescue": "treatment_policy", "withdrawal": "hypothetical"},
]


@pytest.mark.parametrize("policy", ["non_responder", "observed_only", "locf"])
@pytest.mark.parametrize("strategies", _STRATEGY_CASES)
@pytest.mark.parametrize("use_unscheduled", [False, True])
def test_status_at_every_timepoint_is_status_at_each(
    policy: str, strategies: dict[str, str] | None, use_unscheduled: bool
) -> None:
    """One kernel pass over all timepoints gives each timepoint's own result."""
    for _, cohort in _cohorts():
        analysis = ls.analyse(
            cohort,
            policy=policy,
            strategies=strategies,
            use_unscheduled=use_unscheduled,
        )
        assessed = analysis._derived.assessments(
            analysis.policy,
            use_unscheduled=use_unscheduled,
            strategies=analysis.strategies,
        )
        every = status_at_every(assessed, cohort.schedule)
        assert len(every) == len(cohort.schedule)
        for tp, got in zip(cohort.schedule, every, strict=True):
            _assert_results_equal(got, status_at_codes(assessed, tp))


@given(trials(max_participants=6), st.sampled_from(_STRATEGY_CASES))
def test_status_at_every_timepoint_on_random_trials(
    trial: Any, strategies: dict[str, str] | None
) -> None:
    """The same on random trials (events, missing and unscheduled visits)."""
    cohort = Cohort.from_trial(trial)
    if not cohort.schedule:
        return
    for policy in ("non_responder", "locf"):
        analysis = ls.analyse(cohort, policy=policy, strategies=strategies)
        assessed = analysis._derived.assessments(
            analysis.policy, use_unscheduled=False, strategies=analysis.strategies
        )
        every = status_at_every(assessed, cohort.schedule)
        for tp, got in zip(cohort.schedule, every, strict=True):
            _assert_results_equal(got, status_at_codes(assessed, tp))


def test_renal_response_reads_every_timepoint_in_one_kernel_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The renal response rows make one status_at pass, not one per timepoint."""
    cohort = synthetic_cohort(60, seed=6)
    calls = _counting(monkeypatch, _segments, "_status_at")
    ls.analyse(cohort).outcome_table()
    assert len(calls) == 1


@pytest.mark.parametrize("policy", ["non_responder", "observed_only", "locf"])
@pytest.mark.parametrize("strategies", _STRATEGY_CASES)
def test_achieve_and_maintain_on_prepared_rows_is_the_checked_kernel(
    policy: str, strategies: dict[str, str] | None
) -> None:
    """The primary outcome on the prepared rows equals the checked entry point."""
    for _, cohort in _cohorts():
        analysis = ls.analyse(cohort, policy=policy, strategies=strategies)
        assessed = analysis._derived.assessments(
            analysis.policy, use_unscheduled=False, strategies=analysis.strategies
        )
        for by_tp, end_tp in zip(cohort.schedule, cohort.schedule[1:], strict=False):
            by_day = min(by_tp.last_day, end_tp.day)
            got = achieve_and_maintain_codes(assessed, by_day=by_day, through=end_tp)
            out = achieve_and_maintain_segments(
                **assessed.kernel_args(),
                by_day=by_day,
                timepoint_day=end_tp.day,
                first_day=end_tp.first_day,
                last_day=end_tp.last_day,
            )
            np.testing.assert_array_equal(
                got.status, _FROM_SEGMENT_CODES[out.status.astype(np.int64) + 1]
            )
            np.testing.assert_array_equal(got.imputed, out.imputed)
            np.testing.assert_array_equal(got.day, out.day)
            np.testing.assert_array_equal(got.end_day, out.end_day)


def test_achieve_and_maintain_still_checks_its_days() -> None:
    """A by-day after the timepoint is still our error, naming ``by_day``."""
    cohort = _cohorts()[1][1]
    analysis = ls.analyse(cohort)
    assessed = analysis._derived.assessments(
        analysis.policy, use_unscheduled=False, strategies=analysis.strategies
    )
    tp = cohort.schedule[2]
    with pytest.raises(InvalidValueError) as info:
        achieve_and_maintain_codes(assessed, by_day=tp.day + 1, through=tp)
    assert info.value.fields["field"] == "by_day"


def test_the_table_prepares_the_assessments_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The primary outcome and the timepoints share one preparation of the rows."""
    cohort = synthetic_cohort(60, seed=6)
    calls = _counting(monkeypatch, _segments, "in_use_kernel")
    ls.analyse(cohort).outcome_table()
    assert len(calls) == 1


@pytest.mark.parametrize("use_unscheduled", [False, True])
def test_dsdna_comparisons_per_visit_are_those_per_timepoint(
    use_unscheduled: bool,
) -> None:
    """Reading the per-visit comparison at each timepoint's visit is comparable's."""
    for _, cohort in _cohorts():
        analysis = ls.analyse(cohort, use_unscheduled=use_unscheduled)
        d = analysis._derived
        t = _outcomes._Tabulator(
            d,
            _outcomes._arm_groups(d.cohort),
            analysis.policy,
            analysis.ci_method,
            use_unscheduled,
            _outcomes.unmeasured_arms(d, use_unscheduled=use_unscheduled),
        )
        c = d.cohort
        lab = d.latest[:, _outcomes.CODE[_outcomes.Analyte.ANTI_DSDNA]]
        visit = t.visits_at(lab >= 0)
        base = t._lab_rows(_outcomes.Analyte.ANTI_DSDNA)
        now = _outcomes.take(lab, visit.ravel(), -1)
        expected = _outcomes.comparable(c, np.tile(base, len(c.schedule)), now)
        got = _outcomes.take(t._dsdna_same(), visit.ravel(), fill=False)
        np.testing.assert_array_equal(got, expected)
        assert expected.any()


@given(
    st.lists(st.tuples(st.integers(0, 400), st.booleans()), min_size=0, max_size=60),
    st.lists(st.integers(0, 450), min_size=1, max_size=4),
)
def test_survival_cells_are_kaplan_meier_read_at_each_day(
    pairs: list[tuple[int, bool]], days: list[int]
) -> None:
    """The table's survival cells equal ``kaplan_meier(...).at(day)``, types too."""
    durations = np.array([float(d) for d, _ in pairs])
    events = np.array([e for _, e in pairs], dtype=bool)
    got = survival_at(durations, events, days)
    km = kaplan_meier(durations, events)
    for day, cell in zip(days, got, strict=True):
        point = km.at(day)
        expected = (point.survival, point.low, point.high, point.n_at_risk)
        assert cell == expected
        assert [type(x) for x in cell] == [type(x) for x in expected]


def test_survival_rows_build_no_kaplan_meier_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The survival rows read the curve's arrays, not a model per arm."""
    cohort = synthetic_cohort(60, seed=6)
    calls = _counting(monkeypatch, _stats, "KaplanMeier")
    ls.analyse(cohort).outcome_table()
    assert calls == []


@given(
    st.integers(1, 20),
    st.integers(0, 2**32 - 1),
    st.sampled_from([1, 2, 3]),
)
def test_change_cells_of_many_changes_are_each_changes_own(
    n_changes: int, seed: int, n_arms: int
) -> None:
    """Summarising many changes at once gives each change's own summaries."""
    rng = np.random.default_rng(seed)
    n = 30
    arm = rng.integers(0, n_arms, n)
    groups = {f"arm {a}": np.flatnonzero(arm == a) for a in range(n_arms)}
    pool = np.array([np.nan, 0.0, -0.0, 1.5, -2.25, 7.0, 1e-3])
    changes = [
        np.where(rng.random(n) < 0.3, np.nan, rng.choice(pool, n))
        for _ in range(n_changes)
    ]
    got = _outcomes._change_cells(changes, groups)
    for change, cells in zip(changes, got, strict=True):
        (alone,) = _outcomes._change_cells([change], groups)
        assert len(cells) == n_arms
        for a, b in zip(cells, alone, strict=True):
            assert a.n == b.n
            np.testing.assert_array_equal(
                np.array([a[1:]], dtype=float).view(np.int64),
                np.array([b[1:]], dtype=float).view(np.int64),
            )


def test_the_table_summarises_all_changes_in_one_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One call of the summary kernel for every change of the table."""
    cohort = synthetic_cohort(60, seed=6)
    calls = _counting(monkeypatch, _outcomes, "summaries")
    ls.analyse(cohort).outcome_table()
    assert len(calls) == 1


@pytest.mark.parametrize("limit", [1, 80, 100, 10**6])
def test_status_at_every_in_parts_is_the_same(
    monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    """Large cohorts take the timepoints a few at a time: the same results."""
    monkeypatch.setattr(_longitudinal, "_SEGMENTS_AT_ONCE", limit)
    cohort = _cohorts()[1][1]
    analysis = ls.analyse(cohort, policy="locf")
    assessed = analysis._derived.assessments(
        analysis.policy, use_unscheduled=False, strategies=analysis.strategies
    )
    every = status_at_every(assessed, cohort.schedule)
    assert len(every) == len(cohort.schedule)
    for tp, got in zip(cohort.schedule, every, strict=True):
        _assert_results_equal(got, status_at_codes(assessed, tp))
