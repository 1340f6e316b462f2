"""``sledai_2k_visit`` per call (issue 12, fourth pass): same answers, less work.

The visit path reads its window's labs once, decides each numeric rule on a
Python float with the one rule kernel (``rule_flags``), decides low complement
with the kernels the cohort path runs and builds the complement criteria only
when the descriptors are read. These tests pin that the answers are those of
the kernels' array forms and of the public per-lab functions, and that the
criteria really wait for the first read.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore as ls
from lupusscore.activity import _derive
from lupusscore.activity._derive import LAB_RULES, combine_rule_flags, rule_flags
from lupusscore.activity._sledai import _bounds_kernel, _counts_kernel
from lupusscore.activity._variants import SLEDAI_VARIANTS, sledai_variant
from lupusscore.analytes import Analyte
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTORS, SLEDAI_2K_WEIGHTS
from lupusscore.results import Status, any_of
from lupusscore.serology import low_complement

VISIT_DAY = "2024-03-01"


def _bits(x: float) -> int | str:
    """The float64 bit pattern (all NaNs alike), for bit-exact comparison."""
    return (
        "nan" if math.isnan(x) else int(np.asarray(x, dtype=np.float64).view(np.int64))
    )


def _visit(day: str, labs: list[dict[str, Any]], **extra: Any) -> ls.Visit:
    return ls.Visit(participant_id="P01", date=day, labs=labs, **extra)


def _complement_visit() -> tuple[ls.Visit, list[ls.Visit]]:
    """A visit and two earlier ones, each with C3 and C4 (one without limits)."""

    def labs(day: str) -> list[dict[str, Any]]:
        return [
            {"analyte": "c3", "value": 0.95, "unit": "g/L", "date": day},
            {
                "analyte": "c4",
                "value": 8.0,
                "unit": "mg/dL",
                "date": day,
                "reference_low": 10.0,
            },
            {"analyte": "platelets", "value": 140.0, "unit": "10^9/L", "date": day},
        ]

    history = [_visit(d, labs(d)) for d in ("2024-02-20", "2024-02-24")]
    return _visit(VISIT_DAY, labs(VISIT_DAY), descriptors={"rash": True}), history


def test_complement_criteria_wait_for_the_descriptors_to_be_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Scoring builds no low-complement criterion; reading the descriptors does.

    Before this pass every window complement result was turned into a
    criterion while scoring, whether or not the explanation was read.
    """
    calls: list[str] = []

    def counting(lab: ls.LabResult, *, use_default: bool = True) -> Any:
        calls.append(lab.analyte.value)
        return low_complement(lab, use_default=use_default)

    monkeypatch.setattr(_derive, "low_complement", counting)
    visit, history = _complement_visit()
    result = ls.sledai_2k_visit(visit, history)
    # rash (entered) and low complement (C4 0.08 g/L below the lab's 0.1 g/L)
    assert (
        result.score == SLEDAI_2K_WEIGHTS["rash"] + SLEDAI_2K_WEIGHTS["low_complement"]
    )
    assert (result.complete, result.status) == (False, Status.NOT_EVALUABLE)
    assert calls == []  # the score, its bounds and status need no criterion
    low = result.descriptor("low_complement")
    assert calls == ["c3", "c4"] * 3  # built once, in window order, on first read
    assert low.present is True
    assert low.reason == "any of 6 judgement(s) in the window"
    eager = tuple(
        low_complement(lab, use_default=False)
        for v in (visit, *history)
        for lab in v.labs
        if lab.analyte in (Analyte.C3, Analyte.C4)
    )
    assert low.evidence == eager
    assert low.status is any_of(eager)


_COMPLEMENT_LAB = st.fixed_dictionaries(
    {
        "analyte": st.sampled_from(["c3", "c4", "ch50"]),
        # values on and around the documented defaults (0.9 / 0.1 g/L) and limits
        "value": st.sampled_from([0.05, 0.1, 0.0999999999999, 0.5, 0.9, 1.2]),
        "limit": st.sampled_from([None, 0.1, 0.9]),
        "day": st.sampled_from(["2024-02-10", "2024-02-20", "2024-02-29", VISIT_DAY]),
        "visit": st.integers(0, 2),
    }
)


@given(
    labs=st.lists(_COMPLEMENT_LAB, max_size=7),
    use_default=st.booleans(),
    excluded=st.sets(st.integers(0, 2)),
    variant=st.sampled_from(sorted(SLEDAI_VARIANTS)),
)
def test_low_complement_status_is_any_of_its_criteria(
    labs: list[dict[str, Any]], use_default: bool, excluded: set[int], variant: str
) -> None:
    """The descriptor's status, reason and evidence are those of the per-lab criteria.

    The oracle is the public ``low_complement`` of every usable window result
    (not from a visit that excluded the descriptor, dated in the window),
    combined by ``any_of``: what the eager construction did.
    """
    days = (VISIT_DAY, "2024-02-24", "2024-02-20")
    by_visit: list[list[dict[str, Any]]] = [[], [], []]
    for i, lab in enumerate(labs):
        d: dict[str, Any] = {
            "analyte": lab["analyte"],
            "value": lab["value"],
            "unit": "U/mL" if lab["analyte"] == "ch50" else "g/L",
            # distinct times: at most one result per analyte and time
            "date": f"{lab['day']}T{i:02d}:00",
        }
        if lab["limit"] is not None:
            d["reference_low"] = lab["limit"]
        by_visit[lab["visit"]].append(d)
    visits = [
        _visit(
            days[k],
            by_visit[k],
            exclusions={"low_complement": "another cause"} if k in excluded else {},
        )
        for k in range(3)
    ]
    result = ls.sledai_2k_visit(
        visits[0],
        visits[1:],
        variant=variant,
        use_default_complement_limits=use_default,
    )
    window = sledai_variant(variant).window_days
    start = dt.date.fromisoformat(VISIT_DAY) - dt.timedelta(days=window)
    usable = [
        lab
        for v in visits
        if "low_complement" not in v.exclusions
        for lab in v.labs
        if start <= lab.day <= visits[0].date
    ]
    eager = tuple(low_complement(lab, use_default=use_default) for lab in usable)
    low = result.descriptor("low_complement")
    assert low.evidence == eager
    if 0 in excluded:  # the visit scored excludes it: absent, labs or not
        assert (low.present, low.source.value) == (False, "excluded")
    elif eager:
        assert low.present is {"met": True, "not_met": False}.get(any_of(eager).value)
        assert low.reason is not None
        assert (
            "no result could be judged against a laboratory range"
            if low.present is None
            else f"any of {len(eager)} judgement(s) in the window"
        ) in low.reason
    else:
        assert low.present is None
    assert result == ls.sledai_2k_visit(
        visits[0],
        visits[1:],
        variant=variant,
        use_default_complement_limits=use_default,
    )


def test_lab_rule_flag_of_a_float_is_a_float_equal_to_the_array_kernel() -> None:
    """A Python float (a visit's worst value) gets a float: the array's element."""
    values = [98.0, 99.99999999999999, 100.0, 100.00000000000001, 0.0, math.nan]
    for rule in LAB_RULES:
        for scale in (1.0, rule.threshold / 100.0, 0.005):
            arr = np.asarray(values) * scale
            array = rule_flags(arr, rule)
            for i, x in enumerate(arr.tolist()):
                got = rule_flags(x, rule)
                assert type(got) is float
                assert _bits(got) == _bits(float(array[i])), (rule, x)


def test_combined_rule_flags_of_floats_equal_those_of_arrays() -> None:
    """Proteinuria from the 24-h protein, else the UPCR: floats as arrays."""
    levels = [1.0, 0.0, math.nan]
    for p24 in levels:
        for upcr in levels:
            for use_upcr in (True, False):
                flags = {r.analyte: 0.0 for r in LAB_RULES}
                flags[Analyte.PROTEIN_24H], flags[Analyte.UPCR] = p24, upcr
                got = combine_rule_flags(flags, use_upcr=use_upcr)
                arrays = {a: np.asarray([f]) for a, f in flags.items()}
                want = combine_rule_flags(arrays, use_upcr=use_upcr)
                assert got.keys() == want.keys()
                for name, value in got.items():
                    assert type(value) is float
                    assert _bits(value) == _bits(float(want[name][0])), name


@given(
    rows=st.lists(
        st.lists(st.sampled_from([0.0, 1.0, math.nan]), min_size=24, max_size=24),
        max_size=6,
    ),
    variant=st.sampled_from(sorted(SLEDAI_VARIANTS)),
)
def test_score_bounds_equal_the_sum_of_weights(
    rows: list[list[float]], variant: str
) -> None:
    """The bounds' matrix product equals summing the weights of each class."""
    v = sledai_variant(variant)
    present = np.asarray(rows, dtype=np.float64).reshape(len(rows), 24)
    counts = _counts_kernel(present, np.full_like(present, np.nan), v)
    lower, upper = _bounds_kernel(counts, v)
    weights = np.asarray(
        [d.weight if d.name in v.scored else 0 for d in SLEDAI_2K_DESCRIPTORS],
        dtype=np.float64,
    )
    assert lower.shape == upper.shape == (len(rows),)
    assert lower.dtype == upper.dtype == np.float64
    for i, row in enumerate(counts.tolist()):
        assert lower[i] == sum(w for w, c in zip(weights, row, strict=True) if c == 1)
        assert upper[i] == sum(
            w for w, c in zip(weights, row, strict=True) if c == 1 or math.isnan(c)
        )
