"""Every result type survives pickle and JSON, and non-finite numbers stay visible.

Issue 10, item 6. Each result is built from a real library call (not by hand),
then:

- pickled and unpickled: equal to the original (batch results included);
- for pydantic results, ``model_dump_json`` then ``model_validate_json``: equal;
- with a float field set to infinity: the JSON says ``Infinity`` (pydantic's
  default would write ``null``, silently turning "overflowed" into "missing"),
  and it still round-trips.

The choice (``ser_json_inf_nan="constants"`` on every result model) is
documented in ``docs/outcomes.md``.
"""

from __future__ import annotations

import json
import math
import pickle
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel

import lupusscore as ls
from lupusscore import activity, kidney, outcomes, serology
from lupusscore.cli import load_example_trial
from lupusscore.models import LabResult, Participant, Patient, Trial, Visit
from lupusscore.outcomes import Assessment, DatedEvent, Timepoint
from lupusscore.report import build_outcome_table
from lupusscore.response import (
    classify_renal_flare,
    classify_renal_response,
    evaluate_renal_response,
)


@cache
def _trial() -> Trial:
    return load_example_trial()


def _participant() -> Participant:
    return _trial().participants[0]


def _visit_with(analyte: str) -> Visit:
    p = _participant()
    return next(v for v in p.visits if v.latest(analyte) is not None)


def _lab(analyte: str, nth: int = 0) -> LabResult:
    labs = [v.latest(analyte) for v in _participant().visits]
    found = [lab for lab in labs if lab is not None]
    return found[nth]


def _small_trial() -> Trial:
    trial = _trial()
    return Trial.model_validate(
        {**trial.model_dump(), "participants": trial.participants[:4]}
    )


def _response() -> ls.RenalResponseResult:
    result = classify_renal_response(
        "kdigo-2024", upcr_g_g=0.3, baseline_upcr_g_g=3.0, egfr=80, reference_egfr=82
    )
    assert isinstance(result, ls.RenalResponseResult)
    return result


def _flare() -> ls.RenalFlareResult:
    result = classify_renal_flare(
        "kdigo-2012",
        upcr_g_g=1.2,
        reference_upcr_g_g=0.3,
        creatinine_mg_dl=1.0,
        reference_creatinine_mg_dl=0.9,
        urine_rbc_hpf=3,
        reference_urine_rbc_hpf=2,
        acanthocytes_hpf=0,
        rbc_casts=False,
        wbc_casts=False,
    )
    assert isinstance(result, ls.RenalFlareResult)
    return result


def _assessments() -> list[Assessment]:
    return [
        Assessment(day=91, status="not_met"),
        Assessment(day=182, status="met", label="month 6"),
        Assessment(day=365, status="not_evaluable", reason="missing upcr_g_g"),
    ]


def _patient_visits() -> tuple[Patient, list[Visit]]:
    p = _participant()
    return p.patient, list(p.visits)


def _evaluated() -> ls.RenalResponseResult:
    patient, visits = _patient_visits()
    later = next(v for v in visits[1:] if v.latest("upcr") is not None)
    return evaluate_renal_response(
        "kdigo-2024",
        patient,
        visits,
        assessment_date=later.date,
        baseline_date=visits[0].date,
    )


def _sledai() -> ls.SledaiResult:
    return activity.sledai_2k_visit(_participant().visits[0])


def _km() -> outcomes.KaplanMeier:
    return outcomes.kaplan_meier([2, 3, 3, 5], [True, True, False, False])


#: One real call per result type (name, builder).
BUILDERS: dict[str, Callable[[], object]] = {
    "EgfrResult": lambda: ls.egfr(_participant().patient, _visit_with("creatinine")),
    "ProteinuriaResult": lambda: ls.proteinuria(_visit_with("upcr")),
    "ChangeResult": lambda: kidney.change_from_reference("egfr", 60.0, 80.0),
    "EskdResult": lambda: kidney.eskd(12.0, dialysis=False, transplant=False),
    "Criterion": lambda: kidney.creatinine_doubled(2.0, 0.9),
    "SledaiResult": _sledai,
    "DescriptorResult": lambda: _sledai().descriptors[0],
    "CompositeResult": lambda: activity.lldas(
        _sledai(), pga=0.5, glucocorticoid_mg_day=5.0
    ),
    "LabChange": lambda: serology.lab_change(_lab("c3"), _lab("c3")),
    "Seroconversion": lambda: serology.seroconversion(
        _lab("anti_dsdna"), _lab("anti_dsdna", -1)
    ),
    "SleClassification": lambda: serology.classify_sle_eular_acr_2019(
        ana=True, criteria={"fever": True}
    ),
    "RenalResponseResult": _response,
    "RenalResponseResult (model level)": _evaluated,
    "TierResult": lambda: _response().tiers[0],
    "RenalFlareResult": _flare,
    "FlareRuleResult": lambda: _flare().rules[0],
    "RenalResponseDefinition": lambda: ls.get_definition("bliss-ln"),
    "RenalFlareDefinition": lambda: ls.get_flare_definition("kdigo-2012"),
    "Assessment": lambda: _assessments()[1],
    "DatedEvent": lambda: DatedEvent(day=120, type="withdrawal"),
    "LongitudinalResult": lambda: outcomes.status_at(
        _assessments(), Timepoint(label="month 6", day=182, window_days=14)
    ),
    "Proportion": lambda: outcomes.proportion(5, 10, method="exact"),
    "ResponderCount": lambda: outcomes.responder_proportion(
        ["met", "not_met", "not_evaluable"]
    ),
    "KaplanMeier": _km,
    "SurvivalPoint": lambda: _km().at(4),
    "Summary": lambda: outcomes.summarize([1.0, 2.0, 3.5]),
    "TimeToEvent": lambda: outcomes.time_to_death(_participant()),
    "OutcomeTable": lambda: build_outcome_table(_small_trial()),
    "OutcomeRow": lambda: build_outcome_table(_small_trial()).rows[0],
}

#: Batch results (dataclasses over arrays): pickled, compared element-wise.
BATCHES: dict[str, Callable[[], object]] = {
    "RenalResponseBatch": lambda: classify_renal_response(
        "kdigo-2024",
        upcr_g_g=[0.3, 1.2, 2.9, None],
        baseline_upcr_g_g=3.0,
        egfr=80,
        reference_egfr=[82, 82, np.nan, 82],
    ),
    "RenalFlareBatch": lambda: classify_renal_flare(
        "kdigo-2012",
        upcr_g_g=[[1.2, 4.0], [None, 0.2]],
        reference_upcr_g_g=0.3,
        creatinine_mg_dl=1.0,
        reference_creatinine_mg_dl=0.9,
    ),
}


def _float_fields(model: BaseModel) -> list[str]:
    """Top-level fields annotated ``float`` or ``float | None``."""
    out = []
    for name, info in type(model).model_fields.items():
        ann = info.annotation
        args = typing.get_args(ann) if isinstance(ann, types.UnionType) else (ann,)
        if float in args and int not in args:
            out.append(name)
    return out


def test_every_exported_result_model_is_covered() -> None:
    """Every result model the library exports has a builder in this file."""
    exported = set()
    for module in (ls, kidney, activity, serology, ls.response, outcomes):
        for name in module.__all__:
            obj = getattr(module, name)
            if (
                isinstance(obj, type)
                and issubclass(obj, BaseModel)
                and obj.__module__.split(".")[1] not in {"models"}
                and (name.endswith(("Result", "Definition")) or obj is ls.Criterion)
            ):
                exported.add(name)
    exported |= {"OutcomeTable", "OutcomeRow", "Proportion", "KaplanMeier"}
    covered = {k.split(" ")[0] for k in BUILDERS} | set(BATCHES)
    assert exported - covered == set()


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_result_pickles_and_round_trips_json(name: str) -> None:
    """A real result pickles and JSON round-trips to an equal object."""
    result = BUILDERS[name]()
    assert isinstance(result, BaseModel)
    assert pickle.loads(pickle.dumps(result)) == result
    again = type(result).model_validate_json(result.model_dump_json())
    assert again == result


#: Result types with a top-level float field (the others nest these types).
WITH_FLOATS = (
    "ChangeResult",
    "Criterion",
    "EgfrResult",
    "KaplanMeier",
    "LabChange",
    "OutcomeRow",
    "Proportion",
    "ProteinuriaResult",
    "Summary",
    "SurvivalPoint",
)


@pytest.mark.parametrize("name", WITH_FLOATS)
def test_infinity_is_never_written_as_null(name: str) -> None:
    """A non-finite float serialises as ``Infinity`` and parses back, not ``null``."""
    result = BUILDERS[name]()
    assert isinstance(result, BaseModel)
    fields = _float_fields(result)
    assert fields, f"{name} has no top-level float field"
    for field in fields:
        odd = result.model_copy(update={field: math.inf})
        text = odd.model_dump_json()
        assert "Infinity" in text, (field, text)
        back = type(result).model_validate_json(text)
        assert getattr(back, field) == math.inf


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_batch_pickles_and_its_results_round_trip(name: str) -> None:
    """Batch results pickle (they did not), compare equal and keep their results."""
    batch = BATCHES[name]()
    back = pickle.loads(pickle.dumps(batch))
    assert back == batch
    assert hash(back) == hash(batch)
    assert back.category.tolist() == batch.category.tolist()  # type: ignore[attr-defined]
    for ours, theirs in zip(batch, back, strict=True):  # type: ignore[call-overload]
        assert ours == theirs
        assert type(ours).model_validate_json(ours.model_dump_json()) == ours


@pytest.mark.parametrize("name", sorted(BATCHES))
def test_batch_round_trips_json(name: str) -> None:
    """A batch writes its definition, inputs and categories, and reads back equal."""
    batch = BATCHES[name]()
    text = batch.model_dump_json()  # type: ignore[attr-defined]
    assert "NaN" not in text  # missing inputs are null, per element
    back = type(batch).model_validate_json(text)  # type: ignore[attr-defined]
    assert back == batch
    assert [r.reason for r in back] == [r.reason for r in batch]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(BATCHES))
@pytest.mark.parametrize(
    "edit",
    [
        lambda d: {**d, "category": list(reversed(d["category"]))},
        lambda d: {**d, "type": "Other"},
        lambda d: {**d, "inputs": {**d["inputs"], "shape": [99]}},
        lambda d: {**d, "inputs": {"shape": d["inputs"]["shape"], "values": {}}},
        lambda d: [d],
    ],
    ids=["categories", "type", "shape", "inputs", "not an object"],
)
def test_edited_batch_json_is_rejected(
    name: str, edit: Callable[[Any], object]
) -> None:
    """A batch document that does not match its definition and inputs is an error."""
    batch = BATCHES[name]()
    doc = json.loads(batch.model_dump_json())  # type: ignore[attr-defined]
    with pytest.raises(ls.InvalidValueError):
        type(batch).model_validate_json(json.dumps(edit(doc)))  # type: ignore[attr-defined]
    with pytest.raises(ls.InvalidValueError):
        type(batch).model_validate_json("{not json")  # type: ignore[attr-defined]


def test_batch_equality_is_a_bool_not_a_numpy_error() -> None:
    """Comparing two batches answers True/False (it raised numpy's ValueError)."""
    make = BATCHES["RenalResponseBatch"]
    first, second = make(), make()
    assert first == second
    other = classify_renal_response(
        "kdigo-2024",
        upcr_g_g=[0.3, 5.0],
        baseline_upcr_g_g=3.0,
        egfr=80,
        reference_egfr=82,
    )
    assert first != other


def test_plain_result_containers_pickle() -> None:
    """The non-pydantic results (cohort SLEDAI arrays, parsed ANA titres) pickle."""
    scores = activity.sledai_2k_cohort(np.zeros((2, 24), dtype=bool))
    back = pickle.loads(pickle.dumps(scores))
    assert all(np.array_equal(a, b) for a, b in zip(scores, back, strict=True))
    titre = serology.parse_ana_titer("1:160")
    assert pickle.loads(pickle.dumps(titre)) == titre
