"""FHIR R4 in and out (lupusscore.fhir), on real public FHIR data and small fixtures.

The real data are under tests/data/fhir_r4/ (see its README). Fixtures built in
this file (``_obs``) are written by the project, for codes the public data do
not have (C3, C4, UPCR) and for edge cases; each test says which it uses.
"""

from __future__ import annotations

import copy
import json
import math
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from lupusscore import LabResult, Patient, Visit
from lupusscore.analytes import ANALYTES, Analyte
from lupusscore.cohort import visit_egfr
from lupusscore.errors import InvalidValueError, LupusScoreError, MissingExtraError
from lupusscore.fhir import (
    FHIR_LOINC,
    UCUM_CODES,
    bundle_report,
    patient_visits,
    read_bundle,
    to_bundle,
)
from lupusscore.kidney import egfr
from lupusscore.units import resolve_unit

DATA = Path(__file__).parent / "data" / "fhir_r4"
GUZMAN = (
    DATA / "synthea" / "Angela_Guzman_cffd2b80-3ae5-44b4-b4cf-b2e396c9615d.labs.json"
)
CRUICKSHANK = (
    DATA
    / "synthea"
    / "Jordan_Cruickshank_5de38439-d320-46d3-854d-3c098e88de4c.labs.json"
)
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def _collection(*resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def _hl7(name: str) -> dict[str, Any]:
    return _load(DATA / "hl7-r4-examples" / name)


def _uscore(name: str) -> dict[str, Any]:
    return _load(DATA / "us-core" / name)


def _patient(pid: str = "p1", gender: str = "female") -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": pid,
        "gender": gender,
        "birthDate": "1980-03-01",
    }


def _obs(
    oid: str,
    code: str,
    value: float | None,
    *,
    unit_code: str | None = "mg/dL",
    unit_text: str | None = None,
    when: str = "2020-01-08T09:00:00+01:00",
    status: str = "final",
    subject: str = "Patient/p1",
    **extra: Any,
) -> dict[str, Any]:
    """Build a project-written laboratory Observation (not real data)."""
    obs: dict[str, Any] = {
        "resourceType": "Observation",
        "id": oid,
        "status": status,
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/"
                        "observation-category",
                        "code": "laboratory",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": LOINC, "code": code}]},
        "subject": {"reference": subject},
        "effectiveDateTime": when,
    }
    if value is not None:
        quantity: dict[str, Any] = {"value": value}
        if unit_code is not None:
            quantity.update(system=UCUM, code=unit_code)
        if unit_text is not None:
            quantity["unit"] = unit_text
        obs["valueQuantity"] = quantity
    obs.update(extra)
    return obs


# --- every laboratory Observation of the real subset is used or reported --------------


def _subset_bundles() -> dict[str, dict[str, Any]]:
    us_core = sorted((DATA / "us-core").glob("*.json"))
    return {
        "guzman": _load(GUZMAN),
        "cruickshank": _load(CRUICKSHANK),
        "hl7-f001": _collection(
            _hl7("Patient-f001.json"),
            _hl7("Observation-f005.json"),
            _hl7("Observation-unsat.json"),
        ),
        "hl7-f201": _collection(
            _hl7("Patient-f201.json"),
            _hl7("Observation-f204.json"),
            _hl7("Observation-f205.json"),
        ),
        "hl7-bundle-101": _collection(
            _hl7("Patient-pat2.json"), _hl7("Bundle-101.json")
        ),
        "us-core": _collection(*(_load(p) for p in us_core)),
    }


def _lab_observations(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for entry in bundle.get("entry", []):
        res = entry["resource"]
        if res["resourceType"] == "Bundle":
            found.extend(_lab_observations(res))
        elif res["resourceType"] == "Observation":
            cats = [c["code"] for cat in res.get("category", []) for c in cat["coding"]]
            if not cats or "laboratory" in cats:
                found.append(res)
    return found


@pytest.mark.parametrize("name", sorted(_subset_bundles()))
def test_every_laboratory_observation_is_used_or_reported(name: str) -> None:
    """Each laboratory result of the real subset is used, or reported with a count.

    The count of results is made here from the raw JSON (one per Observation
    value, one per component), independently of the reader.
    """
    bundle = _subset_bundles()[name]
    observations = _lab_observations(bundle)
    excluded = [
        o for o in observations if o["status"] in ("cancelled", "entered-in-error")
    ]
    results = 0
    for obs in observations:
        if obs in excluded:
            continue
        components = obs.get("component", [])
        has_own = any(k.startswith("value") for k in obs) or "dataAbsentReason" in obs
        results += len(components) + (1 if has_own or not components else 0)
    report = bundle_report(bundle)
    reported = (
        report.used
        + sum(u.count for u in report.unmapped)
        + len(report.unusable)
        + len(report.missing)
    )
    assert observations
    assert report.no_patient == 0
    assert sum(report.excluded_status.values()) == len(excluded)
    assert reported == results
    assert report.notes[0] == f"FHIR: {report.used} laboratory result(s) used"


def test_synthea_subset_uses_the_lupus_analytes_and_reports_the_rest() -> None:
    """Creatinine (38483-4 and 2160-0), UACR, Hb, platelets and WBC are used.

    Real data (Jordan_Cruickshank): K/uL given as a UCUM code is reported, not
    read as thousands per microlitre (in UCUM, K is kelvin).
    """
    pv = patient_visits(CRUICKSHANK)
    used = {lab.analyte for v in pv.visits for lab in v.labs}
    assert {Analyte.CREATININE, Analyte.HEMOGLOBIN, Analyte.PLATELETS} <= used
    creatinine = [lab for v in pv.visits for lab in v.labs_for("creatinine")]
    assert len(creatinine) == 10  # 9 x 38483-4 and 1 x 2160-0
    bad = {(u.code, u.field, u.unit) for u in pv.report.unusable}
    assert bad == {
        ("26515-7", "valueQuantity.code", "K/uL"),
        ("26464-8", "valueQuantity.code", "K/uL"),
    }
    glucose = [u for u in pv.report.unmapped if u.code == "2339-0"]
    assert glucose[0].count == 9


# --- eGFR from a Bundle equals eGFR from the same values typed in ---------------------


def test_egfr_from_bundle_equals_egfr_from_typed_models() -> None:
    """Real data (Angela_Guzman): each creatinine typed in gives the same eGFR."""
    raw = _load(GUZMAN)
    patient_res = raw["entry"][0]["resource"]
    typed_patient = Patient(
        id=patient_res["id"],
        sex=patient_res["gender"],
        birth_date=patient_res["birthDate"],
    )
    typed: list[float] = []
    for entry in raw["entry"]:
        res = entry["resource"]
        if res["resourceType"] != "Observation":
            continue
        if res["code"]["coding"][0]["code"] not in ("38483-4", "2160-0"):
            continue
        q = res["valueQuantity"]
        when = res["effectiveDateTime"][:19]
        lab = LabResult(
            analyte="creatinine", value=q["value"], unit=q["code"], date=when
        )
        visit = Visit(participant_id=typed_patient.id, date=when[:10], labs=[lab])
        result = egfr(typed_patient, visit).value
        assert result is not None
        typed.append(result)
    pv = patient_visits(GUZMAN)
    assert pv.patient == typed_patient
    from_bundle = [
        egfr(pv.patient, v).value for v in pv.visits if v.latest("creatinine")
    ]
    assert len(typed) == 3
    assert from_bundle == typed


def test_creatinine_in_umol_and_mg_dl_give_the_same_egfr() -> None:
    """A creatinine in umol/L (14682-9) and the same in mg/dL (2160-0): one eGFR.

    Project-written fixtures; 1 mg/dL = 10000/113.12 umol/L (creatinine molar
    mass 113.12 g/mol, lupusscore.analytes).
    """
    mg_dl = 1.3
    in_mg = _collection(_patient(), _obs("c1", "2160-0", mg_dl, unit_code="mg/dL"))
    in_umol = _collection(
        _patient(),
        _obs("c1", "14682-9", mg_dl * 10000 / 113.12, unit_code="umol/L"),
    )
    a = patient_visits(in_mg)
    b = patient_visits(in_umol)
    egfr_a = egfr(a.patient, a.visits[0]).value
    egfr_b = egfr(b.patient, b.visits[0]).value
    assert egfr_a is not None
    assert egfr_b is not None
    assert math.isclose(egfr_a, egfr_b, rel_tol=1e-12)
    assert b.visits[0].labs[0].unit == "umol/L"


def test_read_bundle_cohort_matches_patient_visits() -> None:
    """read_bundle lays out the same results as patient_visits (real data)."""
    cohort = read_bundle(CRUICKSHANK)
    pv = patient_visits(CRUICKSHANK)
    labs = [lab for v in pv.visits for lab in v.labs]
    assert cohort.n_participants == 1
    assert len(cohort.lab_value) == len(labs)
    assert sorted(cohort.lab_canonical.tolist()) == sorted(
        lab.canonical_value for lab in labs
    )
    assert str(cohort.day0[0]) == min(v.date for v in pv.visits).isoformat()
    assert any("K/uL" in n for n in cohort.notes)
    assert cohort.day0_label.startswith("first used laboratory result")


def test_read_bundle_day0_given_per_patient() -> None:
    """day0= as a mapping sets each participant's day 0; a missing one is an error."""
    cohort = read_bundle(
        GUZMAN, day0={"acc12451-4ef0-414b-b072-48e780a90874": "2012-01-01"}
    )
    assert str(cohort.day0[0]) == "2012-01-01"
    with pytest.raises(InvalidValueError, match="day0"):
        read_bundle(GUZMAN, day0={"someone-else": "2012-01-01"})
    with pytest.raises(InvalidValueError, match="day0"):
        read_bundle(GUZMAN, day0=12)  # type: ignore[arg-type]


def test_result_order_does_not_change_the_reading() -> None:
    """Shuffling the Bundle's entries gives the same cohort columns and report."""
    raw = _load(CRUICKSHANK)
    shuffled = copy.deepcopy(raw)
    random.Random(7).shuffle(shuffled["entry"])
    a, b = read_bundle(raw), read_bundle(shuffled)
    assert a.lab_canonical.tolist() == b.lab_canonical.tolist()
    assert a.lab_datetime.tolist() == b.lab_datetime.tolist()
    assert sorted(bundle_report(raw).notes) == sorted(bundle_report(shuffled).notes)


# --- units ----------------------------------------------------------------------------


def test_unit_text_is_used_when_there_is_no_ucum_code() -> None:
    """Real data (US Core serum creatinine): unit text 'mg/dL', no code; range kept."""
    pv = patient_visits(
        _collection(_uscore("patient-example.json"), _uscore("serum-creatinine.json"))
    )
    (lab,) = pv.visits[0].labs
    assert (lab.value, lab.unit) == (1.0, "mg/dL")
    assert (lab.reference_low, lab.reference_high) == (0.2, 0.6)


def test_ucum_code_wins_over_the_unit_text() -> None:
    """Real data (HL7 f005): unit 'g/dl', code 'g/dL' -> the UCUM code is used."""
    pv = patient_visits(
        _collection(_hl7("Patient-f001.json"), _hl7("Observation-f005.json"))
    )
    (lab,) = pv.visits[0].labs
    assert (lab.analyte, lab.unit, lab.value) == (Analyte.HEMOGLOBIN, "g/dL", 7.2)


def test_annotation_is_kept_and_read() -> None:
    """A UPCR in mg/g{creat} keeps its annotation and converts to g/g (fixture)."""
    pv = patient_visits(
        _collection(_patient(), _obs("u1", "2890-2", 850.0, unit_code="mg/g{creat}"))
    )
    (lab,) = pv.visits[0].labs
    assert lab.unit == "mg/g{creat}"
    assert math.isclose(lab.canonical_value, 0.85)


@pytest.mark.parametrize(
    ("quantity", "field", "unit"),
    [
        ({"value": 1.0}, "valueQuantity.unit", None),
        ({"value": 1.0, "system": UCUM, "code": "K/uL"}, "valueQuantity.code", "K/uL"),
        ({"value": 1.0, "unit": "furlongs"}, "valueQuantity.unit", "furlongs"),
        ({"value": 1.0, "system": UCUM, "code": "%"}, "valueQuantity.code", "%"),
        (
            {"value": 1.0, "comparator": "<", "unit": "mg/dL"},
            "valueQuantity.comparator",
            "mg/dL",
        ),
        ({"value": "1.0", "unit": "mg/dL"}, "valueQuantity.value", "mg/dL"),
    ],
)
def test_unusable_quantity_is_reported_not_guessed(
    quantity: dict[str, Any], field: str, unit: str | None
) -> None:
    """A creatinine whose unit or value cannot be used is reported (fixture)."""
    obs = _obs("c1", "2160-0", None)
    obs["valueQuantity"] = quantity
    pv = patient_visits(_collection(_patient(), obs))
    assert pv.visits == ()
    (bad,) = pv.report.unusable
    assert (bad.field, bad.unit, bad.analyte, bad.code) == (
        field,
        unit,
        "creatinine",
        "2160-0",
    )
    assert bad.expected
    assert bad.reference == "Observation/c1"


def test_every_ucum_code_of_the_table_resolves_for_some_analyte() -> None:
    """Each UCUM code the reader accepts is read by lupusscore.units for an analyte."""
    for code in UCUM_CODES:
        fits = []
        for analyte in Analyte:
            try:
                resolve_unit(code, analyte)
            except LupusScoreError:
                continue
            fits.append(analyte)
        assert fits, code


# --- status, absent data, components, time, ranges ------------------------------------


def test_cancelled_and_entered_in_error_are_excluded_and_counted() -> None:
    """Real HL7 'unsat' (cancelled), a fixture entered-in-error: counted, unused."""
    bundle = _collection(
        _hl7("Patient-f001.json"),
        _hl7("Observation-unsat.json"),
        _obs("c1", "2160-0", 1.0, status="entered-in-error", subject="Patient/f001"),
        _obs("c2", "2160-0", 1.1, subject="Patient/f001"),
    )
    pv = patient_visits(bundle)
    assert dict(pv.report.excluded_status) == {"cancelled": 1, "entered-in-error": 1}
    assert [lab.value for v in pv.visits for lab in v.labs] == [1.1]
    assert "FHIR: 1 Observation(s) with status cancelled excluded" in pv.report.notes


def test_data_absent_reason_is_missing_with_that_reason() -> None:
    """A creatinine with dataAbsentReason is missing with that reason (fixture)."""
    obs = _obs(
        "c1",
        "2160-0",
        None,
        dataAbsentReason={"text": "Specimen unsatisfactory for evaluation"},
    )
    pv = patient_visits(_collection(_patient(), obs))
    assert pv.visits == ()
    (missing,) = pv.report.missing
    assert (missing.analyte, missing.reason) == (
        "creatinine",
        "Specimen unsatisfactory for evaluation",
    )
    assert any("missing: Specimen unsatisfactory" in n for n in pv.report.notes)


def test_component_values_are_read() -> None:
    """A panel whose components carry C3 and C4 gives two results (fixture)."""
    panel = _obs("panel", "99999-9", None)
    panel["component"] = [
        {
            "code": {"coding": [{"system": LOINC, "code": "4485-9"}]},
            "valueQuantity": {"value": 0.62, "system": UCUM, "code": "g/L"},
        },
        {
            "code": {"coding": [{"system": LOINC, "code": "4498-2"}]},
            "valueQuantity": {"value": 9.0, "system": UCUM, "code": "mg/dL"},
        },
    ]
    pv = patient_visits(_collection(_patient(), panel))
    labs = {lab.analyte: lab for lab in pv.visits[0].labs}
    assert labs[Analyte.C3].value == 0.62
    assert math.isclose(labs[Analyte.C4].canonical_value, 0.09)
    assert set(pv.sources[labs[Analyte.C3]]) == {"Observation/panel#component[0]"}
    assert pv.report.unmapped == ()


def test_effective_period_start_and_diagnostic_report_time() -> None:
    """effectivePeriod gives its start; else the DiagnosticReport's (fixtures)."""
    period = _obs("c1", "2160-0", 1.0)
    del period["effectiveDateTime"]
    period["effectivePeriod"] = {"start": "2020-01-08T08:00:00Z", "end": "2020-01-09"}
    timeless = _obs("c2", "4485-9", 0.7, unit_code="g/L")
    del timeless["effectiveDateTime"]
    report = {
        "resourceType": "DiagnosticReport",
        "id": "r1",
        "status": "final",
        "code": {"text": "panel"},
        "effectiveDateTime": "2020-01-10T10:00:00+11:00",
        "result": [{"reference": "Observation/c2"}],
    }
    orphan = _obs("c3", "4498-2", 0.2, unit_code="g/L")
    del orphan["effectiveDateTime"]
    pv = patient_visits(_collection(_patient(), period, timeless, report, orphan))
    dates = {lab.analyte: str(lab.date) for v in pv.visits for lab in v.labs}
    assert dates == {
        Analyte.CREATININE: "2020-01-08 08:00:00",
        Analyte.C3: "2020-01-10 10:00:00",
    }
    (bad,) = pv.report.unusable
    assert (bad.analyte, bad.field) == ("c4", "effective[x]")


def test_reference_range_is_converted_to_the_result_unit() -> None:
    """A range given in mg/dL for a result in umol/L is converted (fixture)."""
    obs = _obs(
        "c1",
        "14682-9",
        90.0,
        unit_code="umol/L",
        referenceRange=[
            {
                "low": {"value": 0.5, "system": UCUM, "code": "mg/dL"},
                "high": {"value": 1.1, "system": UCUM, "code": "mg/dL"},
            }
        ],
    )
    (lab,) = patient_visits(_collection(_patient(), obs)).visits[0].labs
    assert lab.reference_low is not None
    assert lab.reference_high is not None
    assert math.isclose(lab.reference_low, 0.5 * 10000 / 113.12)
    assert math.isclose(lab.reference_high, 1.1 * 10000 / 113.12)


def test_reference_range_without_unit_is_not_used_and_counted() -> None:
    """A range bound with no unit is not used, never guessed (fixture)."""
    obs = _obs("c1", "2160-0", 1.0, referenceRange=[{"low": {"value": 0.5}}])
    pv = patient_visits(_collection(_patient(), obs))
    (lab,) = pv.visits[0].labs
    assert lab.reference_low is None
    assert dict(pv.report.ranges_not_used) == {"a bound without a unit": 1}


def test_conflicting_results_at_one_time_are_reported() -> None:
    """Two different creatinines at one instant: both reported, unused (fixture)."""
    bundle = _collection(
        _patient(), _obs("c1", "2160-0", 1.0), _obs("c2", "2160-0", 1.4)
    )
    pv = patient_visits(bundle)
    assert pv.visits == ()
    assert {u.code for u in pv.report.unusable} == {"2160-0"}
    assert {u.reference for u in pv.report.unusable} == {
        "Observation/c1",
        "Observation/c2",
    }


# --- patients and bad input -----------------------------------------------------------


def test_patient_without_female_or_male_gender_is_an_error() -> None:
    """Real HL7 Patient pat2 (gender other, no birth date): an error naming it."""
    bundle = _collection(_hl7("Patient-pat2.json"), _hl7("Bundle-101.json"))
    with pytest.raises(InvalidValueError, match="gender") as err:
        patient_visits(bundle)
    assert err.value.participant == "pat2"  # type: ignore[attr-defined]
    report = bundle_report(bundle)  # the report does not need the sex
    assert report.used == 3


@pytest.mark.parametrize(
    "bad",
    [
        42,
        [],
        "{not json",
        "no/such/file.json",
        {"resourceType": "Patient"},
        {"resourceType": "Bundle", "entry": "x"},
        {"resourceType": "Bundle", "entry": [{"resource": {"no": "type"}}]},
    ],
)
def test_bad_input_gives_library_errors(bad: object) -> None:
    """Anything that is not a readable Bundle is an InvalidValueError (a ValueError)."""
    with pytest.raises(InvalidValueError):
        patient_visits(bad, validate=False)


def test_several_patients_need_a_patient_id() -> None:
    """Two Patients and no patient= is an error listing their ids."""
    bundle = _collection(
        _patient("a"), _patient("b"), _obs("c", "2160-0", 1.0, subject="Patient/b")
    )
    with pytest.raises(InvalidValueError, match="a, b"):
        patient_visits(bundle)
    assert len(patient_visits(bundle, patient="b").visits) == 1
    assert read_bundle(bundle).n_participants == 1  # 'a' has no result: noted
    assert any("Patient a has no used" in n for n in read_bundle(bundle).notes)


def test_invalid_fhir_is_refused_by_the_r4b_models() -> None:
    """With the extra, a structurally invalid Bundle is a library error."""
    pytest.importorskip("fhir.resources")
    bundle = _collection(_patient(), _obs("c1", "2160-0", 1.0))
    bundle["entry"][1]["resource"]["status"] = 17
    with pytest.raises(InvalidValueError, match="R4"):
        patient_visits(bundle)


# --- the optional extra ---------------------------------------------------------------


def _hide_fhir_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(sys.modules):
        if name == "fhir" or name.startswith("fhir."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "fhir", None)
    monkeypatch.setitem(sys.modules, "fhir.resources", None)


def test_plain_dicts_work_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without fhir.resources dicts are read and written; validate=True needs it."""
    with_extra = patient_visits(GUZMAN)
    _hide_fhir_resources(monkeypatch)
    pv = patient_visits(GUZMAN)
    assert pv.visits == with_extra.visits
    assert isinstance(to_bundle(pv), dict)
    with pytest.raises(MissingExtraError) as err:
        patient_visits(GUZMAN, validate=True)
    assert err.value.extra == "fhir"
    with pytest.raises(MissingExtraError, match=r"lupusscore\[fhir\]"):
        to_bundle(pv, validate=True)


def test_fhir_resources_r4b_object_is_accepted_and_r5_refused() -> None:
    """An R4B Bundle object reads like its dict; an R5 object is refused."""
    r4b = pytest.importorskip("fhir.resources.R4B.bundle")
    r5 = pytest.importorskip("fhir.resources.bundle")
    raw = _load(GUZMAN)
    pv = patient_visits(r4b.Bundle.model_validate(raw))
    assert pv.visits == patient_visits(raw).visits
    with pytest.raises(InvalidValueError, match="R4B"):
        patient_visits(
            r5.Bundle.model_validate({"resourceType": "Bundle", "type": "collection"})
        )


# --- the shipped tables ---------------------------------------------------------------


def test_loinc_table_has_a_source_for_every_code_and_agrees_with_analytes() -> None:
    """Each code has its LOINC page and a check, and agrees with analytes.py."""
    known = {c.code: spec.analyte for spec in ANALYTES.values() for c in spec.loinc}
    for code, mapping in FHIR_LOINC.items():
        assert mapping.source == f"https://loinc.org/{code}/"
        assert mapping.checked
        if code in known:
            assert known[code] == mapping.analyte, code
    assert {
        "2160-0",
        "38483-4",
        "14682-9",
        "2890-2",
        "14959-1",
        "4485-9",
        "4498-2",
    } <= set(FHIR_LOINC)


def test_patient_visits_do_not_depend_on_entry_order() -> None:
    """Shuffled entries give equal visits (labs in one order) and sources."""
    raw = _load(CRUICKSHANK)
    shuffled = copy.deepcopy(raw)
    random.Random(3).shuffle(shuffled["entry"])
    a, b = patient_visits(raw), patient_visits(shuffled)
    assert a.visits == b.visits
    assert a.sources == b.sources


def test_cohort_egfr_equals_model_egfr() -> None:
    """visit_egfr on read_bundle's cohort equals egfr on patient_visits' models."""
    cohort = read_bundle(CRUICKSHANK)
    pv = patient_visits(CRUICKSHANK)
    by_model = [egfr(pv.patient, v).value for v in pv.visits]
    by_cohort = [None if math.isnan(x) else float(x) for x in visit_egfr(cohort)]
    assert len(by_model) == len(by_cohort) == 10
    assert by_cohort == pytest.approx(by_model, rel=1e-12)


@pytest.mark.parametrize(
    "change",
    [
        {"valueQuantity": {"value": 10**400, "unit": "mg/dL"}},
        {"valueQuantity": {"value": float("nan"), "unit": "mg/dL"}},
        {"valueQuantity": {"value": 1.0, "unit": "mg/dL", "code": ["x"]}},
        {"code": {"coding": [{"system": LOINC, "code": ["2160-0"]}]}},
        {"code": {"coding": [{"system": {"x": 1}, "code": "1-8", "display": [1]}]}},
        {"code": "2160-0"},
        {"effectiveDateTime": "2020-13-45"},
        {"effectiveDateTime": 20200108},
        {"referenceRange": [{"low": {"value": 10**400, "unit": "mg/dL"}}]},
        {"subject": ["Patient/p1"]},
        {"category": "laboratory"},
    ],
)
def test_hostile_observations_are_reported_not_crashing(change: dict[str, Any]) -> None:
    """Malformed JSON read without the R4B check never leaks a TypeError (fixture)."""
    obs = _obs("c1", "2160-0", 1.0)
    obs.update(change)
    report = bundle_report(_collection(_patient(), obs), validate=False)
    total = (
        report.used
        + sum(u.count for u in report.unmapped)
        + len(report.unusable)
        + len(report.missing)
        + report.no_patient
    )
    assert total == 1
