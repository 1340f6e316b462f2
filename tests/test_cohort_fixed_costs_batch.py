"""Fixed costs of the outcome table removed, every answer unchanged.

- The changes from baseline of a measure are summarised for all its
  timepoints and arms in one pass by the summary kernel
  (``outcomes._summaries``), of which ``summarize`` is the one-sample case;
  both give numpy's numbers to the last bit.
- The segment kernels' checked assessment rows are prepared once per table,
  not once per timepoint.
- The assay keys of serology comparisons are computed once per cohort and
  analyte.
- A data frame's column types are read once per frame (narwhals infers the
  type of a pandas ``object`` column from its values each time it is asked).
"""

from __future__ import annotations

import math
import struct
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.cohort_strategies import trials

import lupusscore.cohort as cohort_package
from lupusscore import Trial
from lupusscore.cohort import Cohort, _engine, _longitudinal, _outcomes, analyse
from lupusscore.cohort._analysis import (
    DEFAULT_ACHIEVE_BY,
    DEFAULT_DEFINITION,
    DEFAULT_MAINTAIN_THROUGH,
)
from lupusscore.cohort._longitudinal import status_at_codes
from lupusscore.errors import InvalidValueError
from lupusscore.example import synthetic_cohort
from lupusscore.outcomes import CiMethod, MissingPolicy, summarize
from lupusscore.outcomes import _segments as segments
from lupusscore.outcomes import _stats as stats
from lupusscore.outcomes import _summaries as kernel
from lupusscore.serology._dsdna import _assay_key

Floats = np.ndarray
Ints = np.ndarray

_SAMPLES = st.lists(
    st.lists(
        st.one_of(
            st.floats(-1e6, 1e6, allow_nan=False),
            st.sampled_from([0.0, -0.0, 1.5, -2.25, 1e-300, 3.0]),
            st.integers(-50, 50).map(float),
        ),
        max_size=40,
    ),
    max_size=8,
)


def _bits(x: float | None) -> int | None:
    """The bit pattern of a float (the sign of a zero included)."""
    return None if x is None else struct.unpack("<q", struct.pack("<d", x))[0]


def _numpy_oracle(sample: Sequence[float]) -> tuple[Any, ...]:
    """numpy's own statistics of one sample (what the kernel must give)."""
    x = np.asarray(sample, dtype=np.float64)
    if not x.size:
        return (0, None, None, None, None, None, None, None)
    with np.errstate(over="ignore", invalid="ignore"):
        q1, median, q3 = (float(v) for v in np.percentile(x, (25.0, 50.0, 75.0)))
        mean = float(np.mean(x))
        sd = float(np.std(x, ddof=1)) if x.size > 1 else None
    return (
        int(x.size),
        *(_bits(v) for v in (mean, sd, median, q1, q3)),
        _bits(float(np.min(x))),
        _bits(float(np.max(x))),
    )


def _bits_of(s: Any) -> tuple[Any, ...]:
    """A summary's fields as bit patterns (min and max where it has them)."""
    ends = (s.min, s.max) if hasattr(s, "min") else ()
    return (s.n, *(_bits(v) for v in (s.mean, s.sd, s.median, s.q1, s.q3, *ends)))


def _fields(s: Any) -> tuple[Any, ...]:
    return (s.n, s.mean, s.sd, s.median, s.q1, s.q3)


def _layout(samples: Sequence[Sequence[float]]) -> tuple[Floats, Ints]:
    """All samples' values in one array, and each value's sample."""
    values = np.array([x for s in samples for x in s], dtype=np.float64)
    sample = np.repeat(np.arange(len(samples)), [len(s) for s in samples])
    return values, sample


@settings(max_examples=300)
@given(_SAMPLES)
def test_grouped_summaries_equal_numpy_to_the_last_bit(
    samples: list[list[float]],
) -> None:
    """Many samples at once: numpy's percentile, mean and std, bit for bit."""
    values, sample = _layout(samples)
    got = kernel.summaries(values, sample, len(samples))
    assert len(got) == len(samples)
    for one, s in zip(got, samples, strict=True):
        assert _bits_of(one) == _numpy_oracle(s)[:6]


@settings(max_examples=300)
@given(_SAMPLES.map(lambda s: [x for one in s for x in one]))
def test_summarize_equals_numpy_to_the_last_bit(sample: list[float]) -> None:
    """summarize, the kernel's one-sample case: numpy's numbers, bit for bit."""
    assert _bits_of(summarize(sample)) == _numpy_oracle(sample)


def test_grouped_summaries_of_long_samples_equal_numpy() -> None:
    """Samples longer than numpy's pairwise-sum blocks: still the same bits."""
    rng = np.random.default_rng(12)
    sizes = [0, 1, 2, 7, 8, 9, 127, 128, 129, 1000, 9000]
    values = rng.normal(size=sum(sizes)) * 1e3
    sample = np.repeat(np.arange(len(sizes)), sizes)
    got = kernel.summaries(values, sample, len(sizes))
    start = 0
    for one, n in zip(got, sizes, strict=True):
        part = values[start : start + n]
        assert _bits_of(one) == _numpy_oracle(part)[:6]
        assert _bits_of(summarize(part)) == _numpy_oracle(part)
        start += n


def test_signed_zeros_land_where_numpy_puts_them() -> None:
    """Ties of 0.0 and -0.0: each quartile has numpy's sign (sorting did not)."""
    rng = np.random.default_rng(3)
    samples = [
        rng.choice([0.0, -0.0, 0.0, -0.0, 1.0, -1.0], size=int(n))
        for n in rng.integers(1, 30, size=400)
    ]
    values, sample = _layout(samples)
    got = kernel.summaries(values, sample, len(samples))
    for one, s in zip(got, samples, strict=True):
        assert _bits_of(one) == _numpy_oracle(s)[:6]
        assert _bits_of(summarize(s)) == _numpy_oracle(s)


def test_grouped_summaries_raise_summarize_error_on_overflow() -> None:
    """A sample whose mean overflows raises summarize's error, not inf."""
    values = np.array([1.0, 2.0, 1e308, 1e308])
    sample = np.array([0, 0, 1, 1])
    with pytest.raises(InvalidValueError) as ours:
        kernel.summaries(values, sample, 2)
    with pytest.raises(InvalidValueError) as theirs:
        summarize(np.array([1e308, 1e308]))  # arm_rows passed an array
    assert str(ours.value) == str(theirs.value)


def test_summarize_is_the_kernel_one_sample_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """summarize and the outcome table share one kernel (no second formula)."""
    calls = _counting(monkeypatch, stats, "sample_statistics")
    assert summarize([3.0, 1.0, 2.0]).median == 2.0
    assert len(calls) == 1
    assert _outcomes.summaries is kernel.summaries
    assert not hasattr(cohort_package, "_summaries")
    for name in ("_quantile", "_Q1", "_QUARTILES"):
        assert not hasattr(stats, name)
        assert not hasattr(_outcomes, name)


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


def _quiet_cohort(n: int) -> Cohort:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return synthetic_cohort(n, seed=5)


def test_change_rows_are_summarised_once_per_measure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One grouped pass for all change measures; each cell equals summarize."""
    c = _quiet_cohort(40)
    calls = _counting(monkeypatch, _outcomes, "summaries")
    table = analyse(c).outcome_table()
    rows = [r for r in table.rows if r.statistic == "change"]
    assert rows
    # one grouped pass for all the measures' changes (sixth pass; was one
    # per measure)
    assert len({(r.section, r.outcome) for r in rows}) > 1
    assert len(calls) == 1
    # each cell as the per-cell rule gave it: summarize of the arm's values
    records = _outcomes.outcome_records(
        c,
        definition=DEFAULT_DEFINITION,
        achieve_by=DEFAULT_ACHIEVE_BY,
        maintain_through=DEFAULT_MAINTAIN_THROUGH,
        policy=MissingPolicy.NON_RESPONDER,
        ci_method=CiMethod.WILSON,
        use_unscheduled=False,
    )
    cells = {}
    for key, vectors in zip(records.keys, records.values, strict=True):
        if key.statistic != "change":
            continue
        assert key.timepoint is not None
        for arm in set(records.arm.tolist()):
            got = vectors[0][records.arm == arm]
            cells[key.section, key.outcome, key.timepoint.label, arm] = summarize(
                got[~np.isnan(got)]
            )
    assert len(cells) == len(rows)
    for r in rows:
        s = cells[r.section, r.outcome, r.timepoint, r.arm]
        assert (r.n, r.estimate, r.sd, r.median, r.q1, r.q3) == _fields(s)


def test_segment_rows_are_prepared_once_per_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The checked assessment rows serve every timepoint of the table."""
    c = _quiet_cohort(30)
    a = analyse(c)
    calls = _counting(monkeypatch, segments, "_prepare")
    calls_here = (
        _counting(monkeypatch, _longitudinal, "_prepare")
        if hasattr(_longitudinal, "_prepare")
        else []
    )
    a.outcome_table()
    # once for status at every timepoint and achieve-and-maintain (sixth
    # pass; was once for each)
    assert len(calls) + len(calls_here) == 1


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(trials())
def test_status_from_prepared_rows_equals_the_kernel_entry(trial: Trial) -> None:
    """status_at_codes on prepared rows equals status_at_segments at each timepoint."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = Cohort.from_trial(trial)
        d = _outcomes.derive(
            c,
            _outcomes.resolve_table_definition(DEFAULT_DEFINITION),
            include_partial=False,
        )
    for policy in _outcomes.MissingPolicy:
        a = d.assessments(policy, use_unscheduled=False)
        for tp in c.schedule:
            got = status_at_codes(a, tp)
            out = segments.status_at_segments(
                **a.kernel_args(),
                timepoint_day=tp.day,
                first_day=tp.first_day,
                last_day=tp.last_day,
            )
            fresh = _longitudinal._result(out, tp, None)
            assert got.status.tolist() == fresh.status.tolist()
            assert got.imputed.tolist() == fresh.imputed.tolist()
            assert got.day.tolist() == fresh.day.tolist()
            assert got.end_day.tolist() == fresh.end_day.tolist()
            assert got.reason.tolist() == fresh.reason.tolist()


def _comparable_oracle(c: Cohort, first: int, second: int) -> bool:
    """comparable_assays' rule for two lab rows, one pair at a time."""
    if first < 0 or second < 0:
        return False
    if c.lab_family[first] != c.lab_family[second]:
        return False
    across = bool(_engine._across_assays(c, np.array([first]))[0])
    if across:
        return True
    a, b = c.lab_assay[first], c.lab_assay[second]
    return a is not None and b is not None and _assay_key(a) == _assay_key(b)


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
@given(trials(), st.randoms(use_true_random=False))
def test_comparable_with_cached_assay_keys_equals_the_pairwise_rule(
    trial: Trial, rnd: Any
) -> None:
    """Random pairs of lab rows: the cached keys compare as the pairwise rule."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        c = Cohort.from_trial(trial)
    if not c.n_labs:
        return
    first = np.array([rnd.randrange(-1, c.n_labs) for _ in range(30)])
    second = np.array([rnd.randrange(-1, c.n_labs) for _ in range(30)])
    got = _engine.comparable(c, first, second)
    want = [
        _comparable_oracle(c, int(f), int(s))
        for f, s in zip(first, second, strict=True)
    ]
    assert got.tolist() == want


def test_assay_keys_are_computed_once_per_cohort_and_analyte(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The outcome table's serology comparisons share one key table per analyte."""
    c = _quiet_cohort(30)
    calls = _counting(monkeypatch, _engine, "_assay_table")
    analyse(c).outcome_table()
    first = len(calls)
    assert 0 < first <= 2
    analyse(c, policy="observed_only").outcome_table()
    assert len(calls) == first  # the same cohort: the keys are kept


# --- data frames ----------------------------------------------------------------


def test_frame_column_types_are_read_once_per_column(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pandas object column's type is inferred once, not once per check."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    utils = pytest.importorskip("narwhals._pandas_like.utils")
    from lupusscore._frames import read_columns

    frame = pd.DataFrame(
        {
            "flags": pd.Series([True, None, False], dtype=object),
            "text": pd.Series(["a", None, "b"], dtype=object),
            "none": pd.Series([None, None, None], dtype=object),
            "x": [1.0, 2.0, math.nan],
        }
    )
    calls: list[int] = []
    real = utils.object_native_to_narwhals_dtype

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    for module in ("narwhals._pandas_like.dataframe", "narwhals._pandas_like.series"):
        owner = pytest.importorskip(module)
        if hasattr(owner, "object_native_to_narwhals_dtype"):
            monkeypatch.setattr(owner, "object_native_to_narwhals_dtype", counted)
    monkeypatch.setattr(utils, "object_native_to_narwhals_dtype", counted)
    cols = read_columns(frame, name="visits")
    assert len(calls) <= 3  # at most once per object column (flags need none)
    assert cols["flags"].tolist() == [True, None, False]
    assert cols["none"].tolist() == [None, None, None]
    assert cols["x"][:2].tolist() == [1.0, 2.0]
    assert math.isnan(cols["x"][2])


def test_an_all_missing_object_column_is_read_as_missing_flags() -> None:
    """Nothing but missing values: None in every row, and flag codes -1."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from lupusscore._frames import read_columns_factorized

    frame = pd.DataFrame(
        {"cva": pd.Series([None, math.nan, None], dtype=object), "id": ["a", "b", "c"]}
    )
    cols, factors = read_columns_factorized(frame, name="visits")
    assert cols["cva"].dtype == object
    assert cols["cva"].tolist() == [None, None, None]
    assert not cols["cva"].flags.writeable
    codes, names = factors["cva"]
    assert codes.tolist() == [-1, -1, -1]
    assert names is None


# --- duplicate checks read only the rows that share a group ----------------------


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 2), st.integers(0, 2)),
        max_size=40,
    )
)
def test_differs_in_group_equals_the_rule_row_by_row(
    rows: list[tuple[int, int, int]],
) -> None:
    """A row is flagged when any key differs within its group; alone: never."""
    from lupusscore.cohort._columns import _differs_in_group

    group = np.array([g for g, _, _ in rows], dtype=np.int64)
    keys = [
        np.array([a for _, a, _ in rows], dtype=np.int64),
        np.array([b for _, _, b in rows], dtype=np.int64),
    ]
    got = _differs_in_group(group, keys)
    want = [len({(a, b) for h, a, b in rows if h == g}) > 1 for g, _, _ in rows]
    assert got.tolist() == want


def test_duplicate_lab_rows_are_checked_only_where_rows_share_a_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Lab rows alone in their group are not read for the conflict check."""
    from lupusscore.cohort import _columns

    seen: list[int] = []
    real = _columns._float_key

    def counted(values: np.ndarray) -> np.ndarray:
        seen.append(len(values))
        return real(values)

    monkeypatch.setattr(_columns, "_float_key", counted)
    c = _quiet_cohort(20)
    assert c.n_labs > 0
    # the synthetic labs have no two rows of one analyte, specimen and time in
    # a visit: nothing to compare
    assert sum(seen) < c.n_labs


# --- the canonical lab order by stable sorts ------------------------------------


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.one_of(st.none(), st.integers(-3, 3), st.integers(-(2**40), 2**40)),
        ),
        max_size=40,
    )
)
def test_order_by_head_then_time_equals_lexsort(
    rows: list[tuple[int, int | None]],
) -> None:
    """The stable-sort order is lexsort's, with ties, NaT and wide times."""
    from lupusscore.cohort._from_trial import by_head_then_time

    head = np.array([h for h, _ in rows], dtype=np.int64)
    when = np.array(
        [np.datetime64("NaT") if t is None else np.datetime64(t, "s") for _, t in rows],
        dtype="datetime64[s]",
    )
    got = by_head_then_time(head, when)
    assert got.tolist() == np.lexsort((when, head)).tolist()
    ints = when.astype(np.int64)  # NaT: the smallest int64
    assert by_head_then_time(head, ints).tolist() == np.lexsort((ints, head)).tolist()
