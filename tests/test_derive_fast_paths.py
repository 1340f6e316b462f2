"""The cohort engine's per-visit derivations (sixth pass): same answers, fewer passes.

Each shortcut is checked against the path it replaces or against the
definition it computes:

- the SLEDAI-2K cohort kernel counts each lab group's window judgements with
  one pair of ``bincount`` for all its kinds (``_window_counts``: checked
  against a loop over the runs), reads the cohort's int8 descriptor codes as
  one checked matrix (``_descriptor_codes``: checked against
  ``_tristate_columns``) and scores the matrix it built without re-checking
  it (``score_indicators``: checked against ``sledai_2k_cohort``);
- the renal assessments' not-evaluable reasons read the criteria whose
  missing inputs are the plain rule (``missing_inputs``) for all rows at once
  (``gone_rows``) and write each distinct reason once (``_missing_reasons``:
  checked against the row-by-row rule on random batches of every shipped
  definition).

The equality of whole results is pinned by ``tests/test_activity_visits_kernel.py``
(the kernel against ``sledai_2k_visit`` on random trials, every variant,
exclusions, Farr assays), the engine and per-participant property tests and
the golden reports.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lupusscore.activity import (
    SLEDAI_VARIANTS,
    SLEDAI_VISITS_COLUMNS,
    _sledai,
    sledai_2k_cohort,
    sledai_2k_visits,
)
from lupusscore.activity._cohort_kernel import (
    _N_GROUPS,
    _descriptor_codes,
    _tristate_columns,
    _window_counts,
)
from lupusscore.activity._sledai import score_indicators, sledai_variant
from lupusscore.cohort import _engine as engine
from lupusscore.cohort._cohort import analysis_population
from lupusscore.cohort._engine import _INPUTS, _missing_reasons, _row_patterns
from lupusscore.cohort._outcomes import derive
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.example import synthetic_cohort
from lupusscore.response import (
    RenalResponseResult,
    get_definition,
    list_definitions,
)
from lupusscore.response import _kernel as kernel
from lupusscore.response import _parts as parts
from lupusscore.response._engine import _input_plan, run_of
from lupusscore.response._kernel import NOT_EVALUABLE, gone, gone_rows


def _counting(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Count the calls of ``owner.name`` (still calling it) while the test runs."""
    calls: list[int] = []
    real = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


# --- window counts ----------------------------------------------------------------


@st.composite
def _runs(draw: st.DrawFn) -> tuple[Any, ...]:
    """Sorted visits; rows with a run [start, stop) and a kind; a permutation."""
    n = draw(st.integers(0, 12))
    kinds = draw(st.integers(1, 3))
    rows = draw(st.integers(0, 15)) if n else 0
    start = np.array(draw(st.lists(st.integers(0, n), min_size=rows, max_size=rows)))
    length = draw(st.lists(st.integers(0, 4), min_size=rows, max_size=rows))
    stop = np.minimum(start + np.array(length, dtype=np.int64), n)
    kind = np.array(
        draw(st.lists(st.integers(0, kinds - 1), min_size=rows, max_size=rows))
    )
    position = np.array(draw(st.permutations(list(range(n)))), dtype=np.int64)
    return (
        start.astype(np.int64),
        stop.astype(np.int64),
        kind.astype(np.int64),
        kinds,
        position,
    )


@given(_runs())
def test_window_counts_are_the_runs_counted_one_by_one(runs: tuple[Any, ...]) -> None:
    """Per kind and visit: how many rows of that kind have the visit in their run."""
    start, stop, kind, kinds, position = runs
    n = len(position)
    want = np.zeros((kinds, n), dtype=np.int64)
    for s, e, k in zip(start.tolist(), stop.tolist(), kind.tolist(), strict=True):
        for sorted_visit in range(s, e):
            want[k, sorted_visit] += 1
    got = _window_counts(start, stop, kind, kinds, position)
    assert got.dtype == np.int64
    assert got.tolist() == want[:, position].tolist()


def test_sledai_kernel_counts_each_lab_group_with_one_bincount_pair(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """At most two bincounts per lab group (was two per judgement: 40)."""
    c = synthetic_cohort(30, seed=3)
    columns = {k: getattr(c, k) for k in SLEDAI_VISITS_COLUMNS}
    want = sledai_2k_visits(**columns)
    calls = _counting(monkeypatch, np, "bincount")
    got = sledai_2k_visits(**columns)
    assert 0 < len(calls) <= 2 * _N_GROUPS
    assert np.array_equal(got.score, want.score, equal_nan=True)


# --- descriptor codes -------------------------------------------------------------


@given(
    st.lists(st.sampled_from(SLEDAI_2K_DESCRIPTOR_NAMES), unique=True, max_size=24),
    st.integers(0, 9),
    st.randoms(use_true_random=False),
)
def test_int8_descriptor_codes_are_the_tristate_values(
    names: list[str], n: int, rnd: Any
) -> None:
    """The int8 codes give _tristate_columns' values as codes, any names, any order."""
    columns = {
        name: np.array([rnd.choice((-1, 0, 1)) for _ in range(n)], dtype=np.int8)
        for name in names
    }
    values = _tristate_columns("visit_descriptors", columns, n)
    want = np.where(np.isnan(values), -1, values).astype(np.int8)
    got = _descriptor_codes("visit_descriptors", columns, n)
    assert got.dtype == np.int8
    assert got.tolist() == want.tolist()


@pytest.mark.parametrize(
    ("columns", "field"),
    [
        ({"fever": np.array([1, 2, 0], dtype=np.int8)}, "visit_descriptors['fever']"),
        (
            {
                "rash": np.array([1, 0, 0], dtype=np.int8),
                "fever": np.array([1, -5, 0], dtype=np.int8),
            },
            "visit_descriptors['fever']",
        ),
        ({"fevr": np.array([1, 0, 0], dtype=np.int8)}, "visit_descriptors"),
        ({"fever": np.array([1, 0], dtype=np.int8)}, "visit_descriptors['fever']"),
    ],
)
def test_bad_descriptor_codes_are_still_reported(
    columns: dict[str, Any], field: str
) -> None:
    """A bad code, name or length is the error _tristate_columns gives."""
    with pytest.raises(InvalidValueError) as want:
        _tristate_columns("visit_descriptors", columns, 3)
    with pytest.raises(InvalidValueError) as got:
        _descriptor_codes("visit_descriptors", columns, 3)
    assert str(got.value) == str(want.value)
    assert got.value.fields == want.value.fields
    assert got.value.fields["field"] == field


def test_other_descriptor_columns_go_through_the_checks() -> None:
    """True / False / None columns give the same codes as the int8 ones."""
    objects = {"rash": np.array([True, None, False], dtype=object)}
    codes = {"rash": np.array([1, -1, 0], dtype=np.int8)}
    got = _descriptor_codes("visit_descriptors", objects, 3)
    assert got.tolist() == _descriptor_codes("visit_descriptors", codes, 3).tolist()


# --- the score of the kernel's matrix ---------------------------------------------


_CELL = st.sampled_from([0.0, 1.0, np.nan])


@given(
    st.lists(st.lists(_CELL, min_size=24, max_size=24), max_size=6),
    st.sampled_from(sorted(SLEDAI_VARIANTS)),
    st.booleans(),
    st.randoms(use_true_random=False),
)
def test_score_indicators_is_sledai_2k_cohort(
    rows: list[list[float]], variant: str, with_new: bool, rnd: Any
) -> None:
    """The score of a checked matrix is sledai_2k_cohort's, bit for bit."""
    present = np.array(rows, dtype=np.float64).reshape(len(rows), 24)
    new = None
    if with_new:
        new = np.array(
            [[rnd.choice((0.0, 1.0, np.nan)) for _ in range(24)] for _ in rows],
            dtype=np.float64,
        ).reshape(len(rows), 24)
    want = sledai_2k_cohort(
        present, variant=variant, new_or_recurrent=new, missing="propagate"
    )
    got = score_indicators(present, new, sledai_variant(variant))
    for a, b in zip(got, want, strict=True):
        assert a.dtype == b.dtype
        assert a.tobytes() == b.tobytes()


def test_sledai_kernel_does_not_recheck_the_matrix_it_built(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The cohort's visits are scored without a second check of the (n, 24) matrix."""
    c = synthetic_cohort(30, seed=5)
    columns = {k: getattr(c, k) for k in SLEDAI_VISITS_COLUMNS}
    want = sledai_2k_visits(**columns)
    calls = _counting(monkeypatch, _sledai, "_as_indicator")
    fills = _counting(monkeypatch, np, "full_like")
    got = sledai_2k_visits(**columns)
    assert calls == []
    assert fills == []
    assert np.array_equal(got.score, want.score, equal_nan=True)
    assert np.array_equal(got.lower_bound, want.lower_bound)


# --- not-evaluable reasons of the renal assessments --------------------------------


def _reasons_row_by_row(run: Any, rows: Any) -> list[str]:
    """The rule of the explained result, one row at a time (the oracle)."""
    evals = [e for _, _, grade in run.grades for _, e in grade]
    out = []
    for i in rows.tolist():
        names: set[str] = set()
        for e in evals:
            if np.broadcast_to(e.status, run.inp.shape)[i] == NOT_EVALUABLE:
                names.update(e.missing((i,)))
        if names:
            out.append("missing " + ", ".join(sorted(names)))
        else:
            out.append(run.build((i,)).reason or "")
    return out


def _random_batch(definition: Any, seed: int, n: int) -> Any:
    """A run of *definition* on *n* random kernel inputs, about a third missing."""
    rng = np.random.default_rng(seed)
    numeric, flags, _, counts = _input_plan(tuple(_INPUTS))
    values: dict[str, Any] = {}
    for name in numeric:
        x = np.round(rng.uniform(0.0, 4.0, n), 1) * (100.0 if "egfr" in name else 1.0)
        if name in counts:
            x = rng.integers(0, 30, n).astype(np.float64)
        x[rng.random(n) < 0.35] = np.nan
        values[name] = x
    for name in flags:
        values[name] = rng.choice(np.array([0.0, 1.0, np.nan]), n)
    values["withdrawn"] = np.where(rng.random(n) < 0.9, 0.0, values["withdrawn"])
    run, _ = run_of(definition, values, RenalResponseResult)
    return run


@pytest.mark.parametrize("definition_id", [d.id for d in list_definitions()])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_missing_reasons_are_the_row_by_row_rule(definition_id: str, seed: int) -> None:
    """Every not-evaluable row's reason equals the explained result's rule."""
    run = _random_batch(get_definition(definition_id), seed, 60)
    status = np.broadcast_to(run.status, run.inp.shape)
    rows = np.flatnonzero(status == NOT_EVALUABLE)
    for some in (rows, rows[::3], rows[:1]):
        assert _missing_reasons(run, some) == _reasons_row_by_row(run, some)


@given(st.integers(0, 2**32 - 1), st.integers(1, 20))
def test_gone_rows_is_gone_element_by_element(seed: int, n: int) -> None:
    """gone_rows flags, per name, the rows where gone names that input."""
    run = _random_batch(get_definition("kdigo-2024"), seed, n)
    rows = np.arange(n)[:: 1 + seed % 3]
    for _, _, grade in run.grades:
        for _, e in grade:
            plain = gone_rows(e.missing, rows)
            if plain is None:
                continue
            names, flags = plain
            for j, i in enumerate(rows.tolist()):
                want = gone(run.inp, (i,), *names)
                assert e.missing((i,)) == want
                assert (
                    tuple(n for n, f in zip(names, flags, strict=True) if f[j]) == want
                )


@given(
    st.integers(0, 2**32 - 1),
    st.integers(0, 25),
    st.sampled_from([0, 1, 3, 62, 63, 70]),
)
def test_row_patterns_give_back_the_rows(seed: int, n: int, width: int) -> None:
    """The distinct rows, each row's index among them: both ways of keying."""
    rng = np.random.default_rng(seed)
    flags = rng.random((n, width)) < 0.2
    patterns, which = _row_patterns(flags)
    assert patterns[which].tolist() == flags.tolist()
    assert len({tuple(r) for r in patterns.tolist()}) == len(patterns)


def test_renal_reasons_of_a_cohort_make_no_call_per_row(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The default definition's reasons need no per-row ``gone`` (was ~1 per row)."""
    c, _ = analysis_population(synthetic_cohort(200, seed=11))
    definition = get_definition("kdigo-2024")
    want = derive(c, definition, include_partial=False).renal.reason.tolist()
    calls = _counting(monkeypatch, kernel, "gone")
    calls_parts = _counting(monkeypatch, parts, "gone")
    got = derive(c, definition, include_partial=False).renal.reason.tolist()
    assert got == want
    assert sum(1 for r in got if r and r.startswith("missing")) > 10
    assert calls == []
    assert calls_parts == []
    assert engine._missing_reasons is _missing_reasons
