"""FHIR R4 out (lupusscore.fhir.to_bundle): validation against R4B and round trips."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest

from lupusscore import LabResult, Patient, Visit
from lupusscore.analytes import Analyte
from lupusscore.errors import InvalidValueError
from lupusscore.fhir import patient_visits, to_bundle
from lupusscore.kidney import egfr
from lupusscore.response import evaluate_renal_response

DATA = Path(__file__).parent / "data" / "fhir_r4"
GUZMAN = (
    DATA / "synthea" / "Angela_Guzman_cffd2b80-3ae5-44b4-b4cf-b2e396c9615d.labs.json"
)


def _observations(bundle: dict[str, Any], text: str) -> list[dict[str, Any]]:
    return [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"].get("text", "").startswith(text)
    ]


def _typed() -> tuple[Patient, list[Visit]]:
    """Two visits of a project-written patient: creatinine umol/L, UPCR mg/mmol."""
    patient = Patient(id="P1", sex="female", birth_date="1985-03-02")

    def visit(day: str, upcr_mg_mmol: float, creat_umol_l: float) -> Visit:
        return Visit(
            participant_id="P1",
            date=day,
            labs=[
                LabResult(analyte="upcr", value=upcr_mg_mmol, unit="mg/mmol", date=day),
                LabResult(
                    analyte="creatinine", value=creat_umol_l, unit="µmol/L", date=day
                ),
            ],
        )

    return patient, [visit("2020-01-06", 350, 80), visit("2021-01-04", 30, 78)]


def test_output_validates_with_r4b() -> None:
    """The Bundle of real data (Angela_Guzman) parses with fhir.resources.R4B."""
    r4b = pytest.importorskip("fhir.resources.R4B.bundle")
    bundle = to_bundle(patient_visits(GUZMAN))
    parsed = r4b.Bundle.model_validate(bundle)
    assert parsed.type == "transaction"
    assert all(e.request.method == "POST" for e in parsed.entry)


def test_egfr_observations_carry_values_code_method_and_sources() -> None:
    """Each eGFR is 98979-8 with the equation, its value and derivedFrom the source."""
    pv = patient_visits(GUZMAN)
    bundle = to_bundle(pv, scores=("egfr",))
    written = _observations(bundle, "eGFR")
    expected = []
    for visit in pv.visits:
        creatinine = visit.latest("creatinine")
        if creatinine is None:
            continue
        expected.append(
            (
                visit.date.isoformat(),
                egfr(pv.patient, visit).value,
                list(pv.sources[creatinine]),
            )
        )
    got = [
        (
            o["effectiveDateTime"],
            o["valueQuantity"]["value"],
            [r["reference"] for r in o["derivedFrom"]],
        )
        for o in written
    ]
    assert got == expected
    assert len(got) == 3
    for o in written:
        assert o["code"]["coding"][0]["code"] == "98979-8"
        assert o["valueQuantity"]["code"] == "mL/min/{1.73_m2}"
        assert "ckd-epi-2021" in o["method"]["text"]
        assert "Inker" in o["note"][0]["text"]


def test_round_trip_of_typed_models() -> None:
    """Typed models out and back in: UPCR (g/g) and creatinine keep their values.

    The source lab results (no FHIR source) are written into the Bundle in
    their canonical units and read back; eGFR from the read-back visits equals
    the written eGFR, and the renal response equals the one written.
    """
    patient, visits = _typed()
    bundle = to_bundle(patient, visits)
    back = patient_visits(bundle)
    assert back.patient == patient
    for before, after in zip(visits, back.visits, strict=True):
        for analyte in (Analyte.UPCR, Analyte.CREATININE):
            a, b = before.latest(analyte), after.latest(analyte)
            assert a is not None
            assert b is not None
            assert math.isclose(a.canonical_value, b.canonical_value, rel_tol=1e-12)
    written = [o["valueQuantity"]["value"] for o in _observations(bundle, "eGFR")]
    again = [egfr(back.patient, v).value for v in back.visits]
    assert written == pytest.approx(again, rel=1e-12)
    response = _observations(bundle, "Renal response")
    (one,) = response
    direct = evaluate_renal_response(
        "kdigo-2024", patient, visits, assessment_date="2021-01-04"
    )
    assert one["valueCodeableConcept"]["text"] == direct.category.value == "complete"
    assert "kdigo-2024 version 1" in one["method"]["text"]
    upcr = _observations(bundle, "UPCR")
    assert [o["valueQuantity"]["unit"] for o in upcr] == ["g/g", "g/g"]
    refs = {r["reference"] for o in upcr for r in o["derivedFrom"]}
    urls = {e["fullUrl"] for e in bundle["entry"]}
    assert refs <= urls


def test_round_trip_through_the_r4b_models() -> None:
    """The output read back through fhir.resources.R4B gives the same values."""
    r4b = pytest.importorskip("fhir.resources.R4B.bundle")
    patient, visits = _typed()
    bundle = to_bundle(patient, visits)
    model = r4b.Bundle.model_validate(bundle)
    assert patient_visits(model).visits == patient_visits(bundle).visits
    values = [
        float(e.resource.valueQuantity.value)
        for e in model.entry
        if e.resource.get_resource_type() == "Observation"
        and e.resource.code.text.startswith("eGFR")
    ]
    assert values == [
        o["valueQuantity"]["value"] for o in _observations(bundle, "eGFR")
    ]


def test_not_evaluable_scores_carry_the_reason() -> None:
    """SLEDAI-2K without descriptors is not evaluable: dataAbsentReason says why."""
    patient, visits = _typed()
    bundle = to_bundle(patient, visits, scores=("sledai",))
    sledai = _observations(bundle, "SLEDAI-2K")
    assert len(sledai) == 2
    for o in sledai:
        assert "valueInteger" not in o
        assert o["dataAbsentReason"]["text"].startswith("not assessed")


def test_same_input_gives_the_same_bundle() -> None:
    """Entry URLs are derived from the content: the output is reproducible."""
    pv = patient_visits(GUZMAN)
    assert to_bundle(pv) == to_bundle(pv)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scores": ("egfr", "bmi")},
        {"scores": "egfr"},
        {"baseline_date": "1999-01-01"},
    ],
)
def test_bad_arguments_give_library_errors(kwargs: dict[str, Any]) -> None:
    """Unknown scores or a baseline that is no visit are InvalidValueError."""
    patient, visits = _typed()
    with pytest.raises(InvalidValueError):
        to_bundle(patient, visits, **kwargs)


def test_visits_must_belong_to_the_patient() -> None:
    """Visits of another participant, or no visits, are refused."""
    patient, visits = _typed()
    other = Patient(id="P2", sex="male", birth_date="1970-01-01")
    with pytest.raises(InvalidValueError, match="P2"):
        to_bundle(other, visits)
    with pytest.raises(InvalidValueError, match="visits"):
        to_bundle(patient)
    with pytest.raises(InvalidValueError, match="patient"):
        to_bundle("P1", visits)  # type: ignore[arg-type]


def test_source_lab_results_are_written_with_ucum_codes() -> None:
    """A lab result with no FHIR source is written in its canonical unit, UCUM-coded."""
    patient, visits = _typed()
    bundle = to_bundle(patient, visits, scores=("egfr",))
    sources = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Observation"
        and e["resource"]["code"].get("coding", [{}])[0].get("code") == "2160-0"
    ]
    assert [s["valueQuantity"]["code"] for s in sources] == ["mg/dL", "mg/dL"]
    assert "80 µmol/L" in sources[0]["note"][0]["text"]


@pytest.mark.parametrize(
    "sources",
    [["urn:uuid:1"], {"not a lab": ["urn:uuid:1"]}, "x"],
)
def test_bad_sources_are_refused(sources: object) -> None:
    """sources must map LabResult to a sequence of reference strings."""
    patient, visits = _typed()
    with pytest.raises(InvalidValueError, match="sources"):
        to_bundle(patient, visits, sources=sources)  # type: ignore[arg-type]


def test_a_reference_string_is_not_split_into_characters() -> None:
    """A str where a sequence of references is meant is refused, not iterated."""
    patient, visits = _typed()
    lab = visits[0].labs[0]
    with pytest.raises(InvalidValueError, match="sources"):
        to_bundle(patient, visits, sources={lab: "Observation/1"})  # type: ignore[dict-item]
