"""``_trusted`` (results built without re-validation) equals validation.

The per-call fast paths build the library's own result models from checked
values with ``Model._trusted(**fields)``. These tests pin that, for random
valid field values in the form validation leaves them, ``_trusted`` gives the
very model that ``Model(**fields)`` gives (``==``, hash, ``model_dump``, JSON,
the set of fields given), and that the results the engines build this way
survive a round trip through validation unchanged.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import lupusscore as ls
from lupusscore.activity._sledai import DescriptorResult, DescriptorSource, SledaiResult
from lupusscore.response._engine import TierResult
from lupusscore.response._kernel import all_codes, any_codes, ratio
from lupusscore.results import Comparator, Criterion, ExplainedResult, Status
from lupusscore.serology._complement import low_complement_flags

_TEXT = st.text(max_size=12)
_NUM = st.floats(allow_nan=False, allow_infinity=True, width=64)
_STATUS = st.sampled_from(list(Status))


def _some(required: dict[str, Any], optional: dict[str, Any]) -> st.SearchStrategy:
    """Dicts with every required key and any subset of the optional ones."""
    return st.fixed_dictionaries(required, optional=optional)


_CRITERION_FIELDS = _some(
    {"name": _TEXT, "status": _STATUS},
    {
        "observed": st.none() | _NUM,
        "threshold": st.none() | _NUM,
        "comparator": st.none() | st.sampled_from(list(Comparator)),
        "unit": st.none() | _TEXT,
        "reason": st.none() | _TEXT,
        "source": st.none() | _TEXT,
    },
)
_CRITERIA = st.lists(_CRITERION_FIELDS.map(lambda kw: Criterion(**kw)), max_size=3).map(
    tuple
)
_NAMES = st.lists(_TEXT, max_size=3).map(tuple)
_EXPLAINED = {
    "reason": st.none() | _TEXT,
    "missing": _NAMES,
    "source": _TEXT,
    "notes": _NAMES,
}


def _same(model: type[ExplainedResult] | type[Criterion], kw: dict[str, Any]) -> None:
    """Assert ``model._trusted(**kw)`` is the validated ``model(**kw)``."""
    checked = model(**kw)
    trusted = model._trusted(**kw)
    assert type(trusted) is type(checked)
    assert trusted == checked
    assert hash(trusted) == hash(checked)
    assert trusted.model_dump() == checked.model_dump()
    assert list(trusted.__dict__) == list(checked.__dict__)
    assert trusted.model_dump_json() == checked.model_dump_json()
    assert trusted.model_fields_set == checked.model_fields_set
    assert trusted.__pydantic_extra__ == checked.__pydantic_extra__
    assert trusted.__pydantic_private__ == checked.__pydantic_private__


@given(_CRITERION_FIELDS)
def test_criterion_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """Criterion._trusted equals Criterion(...) on random valid fields."""
    _same(Criterion, kw)


_TIER_FIELDS = _some(
    {"tier": _TEXT, "label": _TEXT, "status": _STATUS, "criteria": _CRITERIA},
    {
        **_EXPLAINED,
        "provisional": st.booleans(),
        "provisional_reason": st.none() | _TEXT,
    },
)


@given(_TIER_FIELDS)
def test_tier_result_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """TierResult._trusted equals TierResult(...) on random valid fields."""
    _same(TierResult, kw)


def _graded_fields(categories: list[str]) -> st.SearchStrategy:
    tiers = st.lists(_TIER_FIELDS.map(lambda kw: TierResult(**kw)), max_size=3).map(
        tuple
    )
    return _some(
        {
            "status": _STATUS,
            "reason": _TEXT,
            "category": st.sampled_from(categories),
            "definition_id": _TEXT,
            "definition_version": _TEXT,
            "tiers": tiers,
        },
        {
            "missing": _NAMES,
            "source": _TEXT,
            "notes": _NAMES,
            "provisional": st.booleans(),
            "provisional_reasons": _NAMES,
        },
    )


@given(_graded_fields(["complete", "partial", "none", "not_evaluable"]))
def test_renal_response_result_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """RenalResponseResult._trusted (category as text) equals validation."""
    _same(ls.RenalResponseResult, kw)
    enum = {**kw, "category": ls.ResponseCategory(kw["category"])}
    _same(ls.RenalResponseResult, enum)


@given(_graded_fields([c.value for c in ls.FlareCategory]))
def test_renal_flare_result_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """RenalFlareResult._trusted (category as text) equals validation."""
    _same(ls.RenalFlareResult, kw)


_DESCRIPTOR_FIELDS = _some(
    {
        "status": _STATUS,
        "name": _TEXT,
        "weight": st.integers(0, 8),
        "scored": st.booleans(),
        "present": st.none() | st.booleans(),
        "counts": st.none() | st.booleans(),
        "contribution": st.integers(0, 8),
        "source": st.sampled_from(list(DescriptorSource)),
    },
    {
        **{k: v for k, v in _EXPLAINED.items() if k != "source"},
        "evidence": _CRITERIA,
    },
)


@given(_DESCRIPTOR_FIELDS)
def test_descriptor_result_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """DescriptorResult._trusted equals DescriptorResult(...) on valid fields."""
    _same(DescriptorResult, kw)


@st.composite
def _sledai_fields(draw: st.DrawFn) -> dict[str, Any]:
    complete = draw(st.booleans())
    score = draw(st.integers(0, 105))
    kw = draw(
        _some(
            {
                "unit": _TEXT,
                "variant": _TEXT,
                "window_days": st.integers(1, 60),
                "score": st.just(score),
                "upper_bound": st.integers(score, 105),
                "complete": st.just(complete),
                "not_assessed": _NAMES,
                "max_score": st.integers(0, 105),
                "descriptors": st.lists(
                    _DESCRIPTOR_FIELDS.map(lambda d: DescriptorResult(**d)),
                    max_size=3,
                ).map(tuple),
            },
            _EXPLAINED,
        )
    )
    kw["status"] = Status.MET if complete else Status.NOT_EVALUABLE
    kw["value"] = float(score) if complete else None
    return kw


@given(_sledai_fields())
def test_sledai_result_trusted_equals_validated(kw: dict[str, Any]) -> None:
    """SledaiResult._trusted equals SledaiResult(...) on consistent fields."""
    _same(SledaiResult, kw)


def test_trusted_rejects_unknown_fields() -> None:
    """A misspelt field is a programming error, never silently kept."""
    with pytest.raises(TypeError, match="unknown fields"):
        Criterion._trusted(name="x", status=Status.MET, observd=1.0)


_MAYBE = st.none() | st.floats(0, 20, allow_nan=False) | st.just(math.nan)


@given(
    definition=st.sampled_from([d.id for d in ls.list_definitions()]),
    upcr=_MAYBE,
    base=_MAYBE,
    egfr=st.none() | st.floats(0, 150),
    ref=st.none() | st.floats(0, 150),
    gc=st.none() | st.floats(0, 60),
    creat=_MAYBE,
    ref_creat=_MAYBE,
    uln=_MAYBE,
    rbc=_MAYBE,
    casts=st.none() | st.booleans(),
    rescue=st.none() | st.booleans(),
    withdrawn=st.none() | st.booleans(),
)
def test_renal_response_results_survive_validation(**kw: Any) -> None:
    """A scalar result (built with _trusted) equals its re-validated copy.

    It also equals element 0 of the same inputs as a batch of one.
    """
    inputs = {
        "upcr_g_g": kw["upcr"],
        "baseline_upcr_g_g": kw["base"],
        "egfr": kw["egfr"],
        "reference_egfr": kw["ref"],
        "glucocorticoid_mg_day": kw["gc"],
        "creatinine_mg_dl": kw["creat"],
        "reference_creatinine_mg_dl": kw["ref_creat"],
        "creatinine_uln_mg_dl": kw["uln"],
        "urine_rbc_hpf": kw["rbc"],
        "rbc_casts": kw["casts"],
        "rescue_therapy": kw["rescue"],
        "withdrawn": kw["withdrawn"],
    }
    r = ls.classify_renal_response(kw["definition"], **inputs)
    again = type(r).model_validate(r.model_dump())
    assert again == r
    assert again.model_dump_json() == r.model_dump_json()
    batch = ls.classify_renal_response(
        kw["definition"], **{k: [v] for k, v in inputs.items()}
    )
    assert batch.result(0) == r


def test_sledai_visit_result_survives_validation() -> None:
    """A SLEDAI visit result (built with _trusted) equals its re-validated copy."""
    labs = [
        ls.LabResult(analyte="platelets", value=85, unit="10^9/L", date="2024-03-01"),
        ls.LabResult(analyte="protein_24h", value=1.2, unit="g/day", date="2024-02-25"),
        ls.LabResult(
            analyte="c3",
            value=0.7,
            unit="g/L",
            date="2024-03-01",
            reference_low=0.9,
            reference_high=1.8,
        ),
        ls.LabResult(analyte="c4", value=0.2, unit="g/L", date="2024-03-01"),
    ]
    visit = ls.Visit(
        participant_id="P01",
        date="2024-03-01",
        labs=labs,
        descriptors={"rash": True, "arthritis": False},
    )
    for variant in ("sledai-2k", "clinical-sledai-2k", "selena-sledai"):
        r = ls.sledai_2k_visit(visit, variant=variant)
        again = type(r).model_validate(r.model_dump())
        assert again == r
        assert again.model_dump_json() == r.model_dump_json()


@given(
    st.floats(allow_nan=True, allow_infinity=False),
    st.floats(allow_nan=True, allow_infinity=False),
    st.lists(st.sampled_from([0, 1, 2]), min_size=1, max_size=4),
)
def test_scalar_kernels_match_arrays(a: float, b: float, statuses: list[int]) -> None:
    """The one-element branches of the kernels give the array answer."""
    one = ratio(np.asarray(a), np.asarray(b))
    arr = ratio(np.array([a]), np.array([b]))
    assert one.shape == ()
    np.testing.assert_array_equal(one, arr[0])
    flags = low_complement_flags(np.asarray(a), np.asarray(b))
    assert flags.shape == ()
    np.testing.assert_array_equal(
        flags, low_complement_flags(np.array([a]), np.array([b]))[0]
    )
    codes = [np.asarray(c, dtype=np.int8) for c in statuses]
    for combine in (all_codes, any_codes):
        got = combine(*codes)
        assert got.dtype == np.int8
        assert got.shape == ()
        want = combine(*(c[np.newaxis] for c in codes))
        assert int(got) == int(want[0])


def test_trusted_refuses_models_it_cannot_build() -> None:
    """A model with private attributes or a post-init hook is never built trusted.

    ``_trusted`` sets no private state and runs no hook, so it refuses such a
    model (a LabResult) instead of building a half-made one.
    """
    with pytest.raises(TypeError, match="private attributes"):
        ls.LabResult._trusted(analyte="c3", value=1.0, unit="g/L", date="2024-01-01")


def test_sledai_variant_tables_are_cached_read_only() -> None:
    """The per-variant weight and new-or-recurrent tables are shared, read-only.

    Each equals the table built from the variant's data, for every variant.
    """
    from lupusscore.activity._sledai import _needs_new, _weights
    from lupusscore.activity._variants import SLEDAI_VARIANTS, sledai_variant
    from lupusscore.descriptors import SLEDAI_2K_DESCRIPTORS

    for vid in SLEDAI_VARIANTS:
        v = sledai_variant(vid)
        w = _weights(v)
        assert w is _weights(v)
        assert not w.flags.writeable
        assert w.tolist() == [
            float(d.weight) if d.name in v.scored else 0.0
            for d in SLEDAI_2K_DESCRIPTORS
        ]
        new = _needs_new(v)
        assert new is _needs_new(v)
        assert not new.flags.writeable
        assert new.tolist() == [
            d.name in v.new_or_recurrent_only for d in SLEDAI_2K_DESCRIPTORS
        ]
