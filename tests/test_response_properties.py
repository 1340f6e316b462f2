"""Property tests: monotonicity, nesting, batch = scalar, unit independence."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import lupusscore as ls

IDS = [d.id for d in ls.list_definitions()]
RANK = {"none": 0, "partial": 1, "complete": 2}

# Values below ~1e-297 overflow lupusscore.results.snap (reported); lab values
# are never that small, so the strategies keep to 0 or >= 1e-6.
upcr = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=12.0))
positive_upcr = st.floats(min_value=0.01, max_value=12.0, allow_nan=False)
egfr = st.floats(min_value=5.0, max_value=140.0, allow_nan=False)
creat = st.floats(min_value=0.3, max_value=6.0, allow_nan=False)


@st.composite
def full_inputs(draw: st.DrawFn) -> dict[str, Any]:
    """Complete inputs (nothing missing) for any shipped definition."""
    return {
        "upcr_g_g": draw(upcr),
        "baseline_upcr_g_g": draw(positive_upcr),
        "egfr": draw(egfr),
        "reference_egfr": draw(egfr),
        "glucocorticoid_mg_day": draw(st.floats(min_value=0.5, max_value=40)),
        "rescue_therapy": draw(st.booleans()),
        "creatinine_mg_dl": draw(creat),
        "reference_creatinine_mg_dl": draw(creat),
        "creatinine_uln_mg_dl": draw(st.floats(min_value=0.8, max_value=1.3)),
        "urine_rbc_hpf": draw(st.floats(min_value=0.5, max_value=40)),
        "rbc_casts": draw(st.booleans()),
        "egfr_decline_confirmed": draw(st.booleans()),
        "glucocorticoid_days_above_ceiling": draw(st.integers(0, 30)),
        "glucocorticoid_consecutive_days_above_ceiling": draw(st.integers(0, 10)),
        "withdrawn": draw(st.booleans()),
    }


def _cat(definition: str, inputs: dict[str, Any]) -> str:
    return ls.classify_renal_response(definition, **inputs).category.value


@pytest.mark.parametrize("definition", IDS)
@settings(max_examples=60)
@given(inputs=full_inputs(), lower=upcr)
def test_lower_upcr_is_never_worse(
    definition: str, inputs: dict[str, Any], lower: float
) -> None:
    """Lowering UPCR (all else equal) never gives a worse category."""
    better = {**inputs, "upcr_g_g": min(lower, inputs["upcr_g_g"])}
    a, b = _cat(definition, inputs), _cat(definition, better)
    assert "not_evaluable" not in (a, b)
    assert RANK[b] >= RANK[a]


@pytest.mark.parametrize("definition", IDS)
@settings(max_examples=60)
@given(inputs=full_inputs(), higher=egfr)
def test_better_egfr_is_never_worse(
    definition: str, inputs: dict[str, Any], higher: float
) -> None:
    """Raising eGFR (all else equal) never gives a worse category."""
    better = {**inputs, "egfr": max(higher, inputs["egfr"])}
    a, b = _cat(definition, inputs), _cat(definition, better)
    assert RANK[b] >= RANK[a]


@settings(max_examples=200)
@given(inputs=full_inputs())
def test_bliss_complete_implies_partial_tier(inputs: dict[str, Any]) -> None:
    """BLISS-LN nests: whenever CRR is met, the PERR tier is met too."""
    r = ls.classify_renal_response("bliss-ln", **inputs)
    if r.category == "complete":
        assert r.partial is not None
        assert r.partial.status == "met"


@pytest.mark.parametrize("definition", IDS)
@settings(max_examples=25)
@given(rows=st.lists(full_inputs(), min_size=1, max_size=6))
def test_batch_matches_scalar(definition: str, rows: list[dict[str, Any]]) -> None:
    """Array inputs give, element by element, the scalar results."""
    arrays = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    batch = ls.classify_renal_response(definition, **arrays)
    assert isinstance(batch, ls.RenalResponseBatch)
    for i, row in enumerate(rows):
        scalar = ls.classify_renal_response(definition, **row)
        assert batch.category[i] == scalar.category.value
        assert batch.result(i) == scalar


def test_batch_broadcasts_and_counts() -> None:
    """Scalars broadcast against arrays; missing elements are not evaluable."""
    batch = ls.classify_renal_response(
        "kdigo-2024",
        upcr_g_g=np.array([[0.3, np.nan], [1.0, 3.5]]),
        baseline_upcr_g_g=3.0,
        egfr=[90.0, 90.0],
        reference_egfr=95.0,
    )
    assert isinstance(batch, ls.RenalResponseBatch)
    assert batch.shape == (2, 2)
    assert batch.category.tolist() == [
        ["complete", "not_evaluable"],
        ["partial", "none"],
    ]
    assert batch.result((0, 1)).missing_inputs == ("upcr_g_g",)
    assert batch.result(3).category == "none"
    assert batch.counts()[ls.ResponseCategory.COMPLETE] == 1
    assert [r.category.value for r in batch] == batch.category.ravel().tolist()


@settings(max_examples=100)
@given(value=upcr)
def test_kernel_unit_independent(value: float) -> None:
    """A UPCR given in mg/mmol and converted gives the g/g category."""
    converted = ls.convert(
        ls.convert(value, "g/g", "mg/mmol", analyte="upcr"),
        "mg/mmol",
        "g/g",
        analyte="upcr",
    )
    for d in ("kdigo-2024", "aurora", "bliss-ln"):
        base = {
            "baseline_upcr_g_g": 3.0,
            "egfr": 90,
            "reference_egfr": 90,
            "glucocorticoid_mg_day": 5,
            "rescue_therapy": False,
            "withdrawn": False,
        }
        a = ls.classify_renal_response(d, upcr_g_g=value, **base)
        b = ls.classify_renal_response(d, upcr_g_g=converted, **base)
        assert a.category == b.category


@pytest.mark.parametrize("edge", [0.5, 0.7, 3.0, 1.5])
def test_unit_independent_at_thresholds(edge: float) -> None:
    """Exactly at a threshold, the round trip through mg/mmol changes nothing."""
    there = ls.convert(edge, "g/g", "mg/mmol", analyte="upcr")
    back = ls.convert(there, "mg/mmol", "g/g", analyte="upcr")
    for d in IDS:
        base = {"baseline_upcr_g_g": 3.0, "egfr": 90, "reference_egfr": 90}
        a = ls.classify_renal_response(d, upcr_g_g=edge, **base)
        b = ls.classify_renal_response(d, upcr_g_g=back, **base)
        assert a == b


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("upcr_g_g", -0.1),
        ("egfr", float("inf")),
        ("glucocorticoid_days_above_ceiling", 2.5),
        ("rescue_therapy", "yes"),
        ("upcr_g_g", True),
        ("upcr_g_g", "high"),
    ],
)
def test_bad_input_raises(field: str, value: object) -> None:
    """Negative, infinite, fractional-day, non-boolean flags and text raise."""
    base: dict[str, Any] = {
        "upcr_g_g": 0.3,
        "baseline_upcr_g_g": 3.0,
        "egfr": 90,
        "reference_egfr": 90,
    }
    with pytest.raises(ls.InvalidValueError, match=field):
        ls.classify_renal_response("aurora", **{**base, field: value})


def test_shapes_must_broadcast() -> None:
    """Arrays whose shapes do not broadcast raise InvalidValueError."""
    with pytest.raises(ls.InvalidValueError, match="broadcast"):
        ls.classify_renal_response(
            "kdigo-2024",
            upcr_g_g=[0.1, 0.2],
            baseline_upcr_g_g=[1.0, 2.0, 3.0],
            egfr=90,
            reference_egfr=90,
        )
