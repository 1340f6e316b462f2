"""Issue 11: one engine for renal response and renal flare, one result shape.

Response and flare definitions are graded definitions evaluated by one runner;
their results are :class:`lupusscore.results.ExplainedResult` s carrying the
missing inputs as data; batches expose per-element status and missing inputs;
inputs are declared once in :mod:`lupusscore.vocabulary`; ``DefinitionError``
carries fields.
"""

from __future__ import annotations

import inspect
import json
import pickle
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import lupusscore as ls
from lupusscore import vocabulary
from lupusscore.response import (
    INPUT_UNITS,
    RenalFlareBatch,
    RenalFlareDefinition,
    RenalFlareResult,
    RenalResponseBatch,
    RenalResponseResult,
    TierResult,
    classify_renal_flare,
    classify_renal_response,
    load_definition,
)
from lupusscore.response._flare import FlareRuleResult
from lupusscore.results import ExplainedResult, Status

REFERENCE = Path(__file__).parent / "reference"
FLARES = Path(__file__).parents[1] / "src" / "lupusscore" / "response" / "flares"

#: Everything an eGFR-based response definition reads, all fine.
GOOD: dict[str, Any] = {
    "upcr_g_g": 0.3,
    "baseline_upcr_g_g": 3.0,
    "egfr": 80.0,
    "reference_egfr": 82.0,
}


def test_results_are_explained_results() -> None:
    """Response, flare and tier results derive from the one result shape."""
    r = classify_renal_response("kdigo-2024", **GOOD)
    f = classify_renal_flare("upcr-doubling", upcr_g_g=2.0, reference_upcr_g_g=1.0)
    for result in (r, f, r.tiers[0], f.rules[0]):
        assert isinstance(result, ExplainedResult)
    assert FlareRuleResult is TierResult
    assert (r.status, r.met, r.require()) == (Status.MET, True, True)
    assert (f.status, f.flare, f.require()) == (Status.MET, Status.MET, True)
    assert r.source == ls.get_definition("kdigo-2024").citation
    assert f.source == ls.get_flare_definition("upcr-doubling").citation


def test_response_missing_inputs_are_data() -> None:
    """``missing`` names the inputs, as data, and ``require`` reports them."""
    r = classify_renal_response("kdigo-2024", **{**GOOD, "egfr": None})
    assert r.category == "not_evaluable"
    assert r.missing == ("egfr",)
    assert r.missing_inputs == r.missing
    assert r.complete is not None
    assert r.complete.missing == ("egfr",)
    with pytest.raises(ls.NotEvaluableError) as info:
        r.require()
    assert info.value.missing == ("egfr",)  # type: ignore[attr-defined]


def test_flare_missing_inputs_are_data() -> None:
    """Flare results name their missing inputs too (they had none before)."""
    f = classify_renal_flare("moroni-nephritic", creatinine_mg_dl=1.5)
    assert f.category == "not_evaluable"
    assert f.missing == ("active_sediment", "reference_creatinine_mg_dl")
    g = classify_renal_flare(
        "moroni-nephritic", creatinine_mg_dl=1.5, reference_creatinine_mg_dl=1.0
    )
    assert g.missing == ("active_sediment",)
    seen = classify_renal_flare("kdigo-2012", rbc_casts=True, upcr_g_g=1.0)
    assert "wbc_casts" not in seen.missing  # casts seen: the OR is decided


def test_missing_is_not_read_from_the_reason_text() -> None:
    """A criterion whose reason mentions an input does not make it missing."""
    d = load_definition(
        {
            "id": "protocol-x",
            "version": "1",
            "title": "Protocol X",
            "citation": "Protocol X 9.1",
            "complete": {
                "label": "CRR",
                "criteria": [
                    {"kind": "upcr_below", "threshold_g_g": 0.5, "citation": "9.1"},
                    {"kind": "egfr", "at_least": 60, "citation": "9.1"},
                ],
            },
        }
    )
    r = classify_renal_response(
        d, upcr_g_g=None, baseline_upcr_g_g=None, egfr=None, reference_egfr=None
    )
    # baseline_upcr_g_g and reference_egfr are missing but read by no part.
    assert r.missing == ("egfr", "upcr_g_g")


def test_status_is_met_when_a_lower_tier_is_met() -> None:
    """Status is the OR of the tiers: at least partial is met, grade open."""
    r = classify_renal_response(
        "bliss-ln",
        **{**GOOD, "upcr_g_g": 0.3, "reference_egfr": None},
        glucocorticoid_mg_day=5.0,
        rescue_therapy=False,
    )
    assert r.category == "not_evaluable"
    assert r.status is Status.MET
    assert r.responder is None  # category-based, unchanged
    none = classify_renal_response("kdigo-2024", **{**GOOD, "upcr_g_g": 2.9})
    assert (none.category, none.status) == ("none", Status.NOT_MET)


def test_batches_expose_status_and_missing_per_element() -> None:
    """A batch has per-element status and missing inputs, for both families."""
    b = classify_renal_response("kdigo-2024", **{**GOOD, "upcr_g_g": [0.3, 2.9, None]})
    assert isinstance(b, RenalResponseBatch)
    assert b.status.tolist() == ["met", "not_met", "not_evaluable"]
    assert b.missing == ((), (), ("upcr_g_g",))
    f = classify_renal_flare(
        "upcr-doubling", upcr_g_g=[2.0, 1.0, np.nan], reference_upcr_g_g=1.0
    )
    assert isinstance(f, RenalFlareBatch)
    assert f.status.tolist() == f.flare.tolist() == ["met", "not_met", "not_evaluable"]
    assert f.missing == ((), (), ("upcr_g_g",))
    assert f.counts()[ls.FlareCategory.FLARE] == 1
    assert pickle.loads(pickle.dumps(f)) == f


def test_one_engine_serves_both_families() -> None:
    """Response and flare share the runner, result base and batch base."""
    from lupusscore.response import _engine

    assert issubclass(RenalResponseResult, _engine.GradedResult)
    assert issubclass(RenalFlareResult, _engine.GradedResult)
    assert issubclass(RenalResponseBatch, _engine.GradedBatch)
    assert issubclass(RenalFlareBatch, _engine.GradedBatch)
    flare = RenalFlareBatch.__mro__[1]
    assert flare is RenalResponseBatch.__mro__[1] is _engine.GradedBatch
    b = classify_renal_flare("upcr-doubling", upcr_g_g=[2.0], reference_upcr_g_g=1)
    assert isinstance(b._build.__self__, _engine.Run)  # type: ignore[attr-defined]


def test_results_written_before_issue_11_still_load() -> None:
    """Old JSON keys (missing_inputs, flare, rules, grade) load, with a warning."""
    old = (REFERENCE / "response_result_before_issue11.json").read_text()
    assert "missing_inputs" in old
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = RenalResponseResult.model_validate_json(old)
    assert any("'missing_inputs' is deprecated" in str(w.message) for w in caught)
    assert all(w.category is DeprecationWarning for w in caught)
    assert r.category == "not_evaluable"
    assert r.status is Status.MET  # partial met: the OR of the tiers
    old_flare = (REFERENCE / "flare_result_before_issue11.json").read_text()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        f = RenalFlareResult.model_validate_json(old_flare)
    said = " ".join(str(w.message) for w in caught)
    for name in ("'flare'", "'rules'", "'grade'"):
        assert f"{name} is deprecated" in said
    assert (f.category, f.flare) == ("not_evaluable", Status.MET)
    assert f.rules[0].grade == "severe"
    now = classify_renal_flare("kdigo-2012", upcr_g_g=1.2, reference_upcr_g_g=0.3)
    assert [t.criteria for t in f.tiers] == [t.criteria for t in now.tiers]
    assert [t.label for t in f.tiers] == [t.label for t in now.tiers]


def test_flare_definition_loads_through_load_definition() -> None:
    """A flare file loads through the path a protocol's definition takes."""
    d = load_definition(FLARES / "aurora-2.json", RenalFlareDefinition)
    assert d == ls.get_flare_definition("aurora-2")
    data = json.loads((FLARES / "aurora-2.json").read_text(encoding="utf-8"))
    data["rules"][0]["any_of"][0]["comparator"] = "<"
    with pytest.raises(ls.DefinitionError, match=r"any_of\.0\.upcr_rise\.comparator"):
        load_definition(data, RenalFlareDefinition)


@pytest.mark.parametrize(
    "function",
    [classify_renal_response, classify_renal_flare],
    ids=lambda f: f.__name__,
)
def test_every_keyword_input_is_in_the_vocabulary(function: Any) -> None:
    """Each kernel keyword is declared once, with the unit the engine uses."""
    names = [
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    assert names
    required = {
        p.name: None
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and p.default is p.empty
    }
    for name in names:
        declared = vocabulary.INPUTS[name]
        if declared.kind == "flag":
            continue
        if function is classify_renal_response:
            assert INPUT_UNITS[name] == declared.unit
        value = [1.0, -1.0] if declared.kind != "count" else [1, -1]
        with pytest.raises(ls.InvalidValueError) as info:
            function("kdigo-2012", **{**required, name: value})
        assert info.value.unit == declared.unit, name  # type: ignore[attr-defined]


#: Issue 11: the old names of the glucocorticoid inputs, and their new names.
_OLD_GC_NAMES = {
    "prednisone_mg_day": "glucocorticoid_mg_day",
    "steroid_days_above_ceiling": "glucocorticoid_days_above_ceiling",
    "steroid_consecutive_days_above_ceiling": (
        "glucocorticoid_consecutive_days_above_ceiling"
    ),
}

#: AURORA 1 inputs whose glucocorticoid limb decides the category.
_AURORA = {
    **GOOD,
    "rescue_therapy": False,
    "withdrawn": False,
    "egfr_decline_confirmed": False,
}


def _names_of(function: Any) -> set[str]:
    return {
        p.name
        for p in inspect.signature(function).parameters.values()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }


def test_no_kernel_input_is_named_prednisone_or_steroid() -> None:
    """One name for the glucocorticoid dose: glucocorticoid_*, as in the models."""
    names = set(vocabulary.INPUTS) | _names_of(classify_renal_response)
    names |= _names_of(classify_renal_flare) | _names_of(ls.evaluate_renal_response)
    names |= {n for d in ls.list_definitions() for n in d.inputs}
    names |= set(RenalResponseBatch.input_names) | set(RenalFlareBatch.input_names)
    assert {"glucocorticoid_mg_day", "glucocorticoid_days_above_ceiling"} <= names
    assert [n for n in names if "prednisone" in n or "steroid" in n] == []
    # One declaration of each name (the dose is shared with LLDAS / DORIS).
    assert len(vocabulary._ENTRIES) == len(vocabulary.INPUTS)
    assert "glucocorticoid_mg_day" in inspect.signature(ls.activity.lldas).parameters
    r = classify_renal_response("aurora", **{**_AURORA, "glucocorticoid_mg_day": 20.0})
    assert r.missing == (
        "glucocorticoid_consecutive_days_above_ceiling",
        "glucocorticoid_days_above_ceiling",
    )
    assert (
        "missing input: glucocorticoid_days_above_ceiling / "
        "glucocorticoid_consecutive_days_above_ceiling" in (r.reason or "")
    )


def test_old_glucocorticoid_keywords_warn_and_give_the_same_result() -> None:
    """prednisone_mg_day & co. still work for one release, with a warning."""
    old = {
        "prednisone_mg_day": [5.0, 20.0, 20.0, None],
        "steroid_days_above_ceiling": [0, 6, 7, None],
        "steroid_consecutive_days_above_ceiling": [0, 2, 1, 0],
    }
    new = {_OLD_GC_NAMES[k]: v for k, v in old.items()}
    expected = classify_renal_response("aurora", **_AURORA, **new)
    assert isinstance(expected, RenalResponseBatch)
    want = ["complete", "complete", "none", "not_evaluable"]  # dose None, days None
    assert expected.category.tolist() == want
    with pytest.warns(DeprecationWarning, match="is deprecated") as caught:
        got = classify_renal_response("aurora", **_AURORA, **old)
    assert got == expected
    said = [str(w.message) for w in caught]
    assert len(said) == 3
    for before, after in _OLD_GC_NAMES.items():
        assert any(repr(before) in m and repr(after) in m for m in said)
    assert all(w.filename == __file__ for w in caught)  # points at the caller
    with pytest.warns(DeprecationWarning, match="'glucocorticoid_mg_day'"):
        one = classify_renal_response("bliss-ln", **GOOD, prednisone_mg_day=12.5)
    assert one == classify_renal_response(
        "bliss-ln", **GOOD, glucocorticoid_mg_day=12.5
    )


@pytest.mark.parametrize("old", sorted(_OLD_GC_NAMES))
def test_old_and_new_glucocorticoid_keyword_together_raise(old: str) -> None:
    """Passing a deprecated keyword with its new name is an error, not a guess."""
    both = {old: 5, _OLD_GC_NAMES[old]: 5}
    with pytest.raises(ls.InvalidValueError, match=_OLD_GC_NAMES[old]) as info:
        classify_renal_response("aurora", **_AURORA, **both)
    assert info.value.field == old  # type: ignore[attr-defined]


def test_an_unknown_keyword_is_a_library_error() -> None:
    """A misspelt keyword names itself (a LupusScoreError, not a TypeError)."""
    with pytest.raises(ls.InvalidValueError, match="prednisolone_mg_day"):
        classify_renal_response("aurora", **_AURORA, prednisolone_mg_day=5)


def test_egfr_unit_is_the_vocabulary_spelling() -> None:
    """Explained eGFR criteria use the one eGFR unit string."""
    r = classify_renal_response("kdigo-2024", **GOOD)
    units = {c.unit for c in r.criteria if c.name.endswith(".egfr")}
    assert units == {vocabulary.EGFR_UNIT}


def test_definition_error_carries_fields() -> None:
    """DefinitionError has definition/field/value/expected and a built message."""
    with pytest.raises(ls.DefinitionError) as info:
        ls.get_definition("kdigo-2024", egfr_tolerance=0.2)
    err = info.value
    assert (err.definition, err.field, err.value) == (
        "kdigo-2024",
        "egfr_tolerance",
        0.2,
    )
    built = ls.DefinitionError(
        definition="x", field="threshold", value=-1, expected="a number > 0"
    )
    assert str(built) == "x: threshold: got -1; expected a number > 0"
    assert built.expected == "a number > 0"
    again = pickle.loads(pickle.dumps(built))
    assert (str(again), again.field) == (str(built), "threshold")
    old_style = ls.DefinitionError("definition 'x': unknown", definition="x")
    assert (str(old_style), old_style.definition, old_style.value) == (
        "definition 'x': unknown",
        "x",
        None,
    )
