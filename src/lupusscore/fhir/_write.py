"""FHIR R4 out: derived values as Observations in a transaction Bundle.

:func:`to_bundle` writes, per visit, the eGFR, the UPCR in g/g, the SLEDAI-2K
and the renal response category as FHIR R4 Observations. Each carries:

- ``code``: the LOINC code of the equation where one exists and was checked
  (``98979-8`` CKD-EPI 2021 creatinine, ``98980-6`` CKD-EPI 2021
  creatinine-cystatin C; UPCR ``2890-2``, or ``13801-6`` for a 24-hour
  collection), otherwise a text-only code naming the method;
- ``method``: the equation or definition id and version, and the lupusscore
  version;
- ``derivedFrom``: the source Observations (from
  :func:`~lupusscore.fhir.patient_visits`' ``sources``; a lab result with no
  known source is written into the Bundle as an Observation of its own, in its
  analyte's canonical unit, and referenced);
- ``note``: the explanation (inputs, reason, citation);
- a value, or ``dataAbsentReason`` with the reason when not evaluable.

Effective times are written as dates: the reader keeps the time of day but not
the time-zone offset, and FHIR requires an offset with a time.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata as _metadata
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

from lupusscore._checks import describe
from lupusscore.activity import sledai_2k_visit
from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.errors import InvalidValueError
from lupusscore.fhir._input import as_bundle_dict
from lupusscore.fhir._loinc import (
    FHIR_LOINC,
    LOINC_SYSTEM,
    OUTPUT_CODES,
    UCUM_CODES,
    UCUM_SYSTEM,
)
from lupusscore.fhir._read import PatientVisits
from lupusscore.kidney import egfr
from lupusscore.models import LabResult, Patient, Specimen, Visit
from lupusscore.response import evaluate_renal_response, get_definition

__all__ = ["SCORES", "to_bundle"]

#: What :func:`to_bundle` can write, in order.
SCORES: Final = ("egfr", "upcr", "sledai", "renal_response")
_CATEGORY_SYSTEM: Final = "http://terminology.hl7.org/CodeSystem/observation-category"
_NAMESPACE: Final = uuid.UUID("6f1c3b8e-5a0c-5e1b-9c59-0f3b6d1c2a40")
_EGFR_UCUM: Final = "mL/min/{1.73_m2}"
#: Canonical units of lupusscore.analytes spelled differently in UCUM.
_CANONICAL_UCUM: Final = {
    "10^9/L": "10*9/L",
    "IU/mL": "[IU]/mL",
    "/hpf": "/[HPF]",
    "g/day": "g/d",
}
#: Analytes the SLEDAI-2K laboratory descriptors read (its derivedFrom).
_SLEDAI_ANALYTES: Final = frozenset(
    {
        Analyte.C3,
        Analyte.C4,
        Analyte.ANTI_DSDNA,
        Analyte.PLATELETS,
        Analyte.WBC,
        Analyte.URINE_RBC,
        Analyte.URINE_WBC,
        Analyte.UPCR,
        Analyte.PROTEIN_24H,
        Analyte.BODY_TEMPERATURE,
    }
)


def _version() -> str:
    try:
        return _metadata.version("lupusscore")
    except _metadata.PackageNotFoundError:  # pragma: no cover - source tree
        return "0+unknown"


def _urn(*parts: object) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '|'.join(map(str, parts)))}"


def _lab_category() -> list[dict[str, Any]]:
    return [{"coding": [{"system": _CATEGORY_SYSTEM, "code": "laboratory"}]}]


class _Writer:
    def __init__(
        self,
        patient: Patient,
        sources: Mapping[LabResult, Sequence[str]],
    ) -> None:
        self.patient = patient
        self.patient_url = _urn("Patient", patient.id)
        self.sources = sources
        self.entries: list[dict[str, Any]] = []
        self.written_labs: dict[LabResult, str] = {}
        self.version = _version()

    def add(self, url: str, resource: dict[str, Any]) -> None:
        self.entries.append(
            {
                "fullUrl": url,
                "resource": resource,
                "request": {"method": "POST", "url": resource["resourceType"]},
            }
        )

    def refs(self, labs: Sequence[LabResult | None]) -> list[dict[str, str]]:
        out: list[str] = []
        for lab in labs:
            if lab is None:
                continue
            found = self.sources.get(lab)
            targets = list(found) if found else [self.source_lab(lab)]
            out.extend(t for t in targets if t not in out)
        return [{"reference": r} for r in out]

    def source_lab(self, lab: LabResult) -> str:
        """Write a lab result with no known source as an Observation; return its URL."""
        if lab in self.written_labs:
            return self.written_labs[lab]
        codes = [
            m
            for m in FHIR_LOINC.values()
            if m.analyte == lab.analyte and m.specimen == lab.specimen
        ]
        spec = analyte_spec(lab.analyte)
        url = _urn("lab", self.patient.id, lab.model_dump_json())
        code: dict[str, Any] = {"text": spec.label}
        if codes and lab.family == spec.families[0].name:
            code["coding"] = [
                {
                    "system": LOINC_SYSTEM,
                    "code": codes[0].code,
                    "display": codes[0].long_name,
                }
            ]
        unit = lab.canonical_unit
        quantity: dict[str, Any] = {"value": lab.canonical_value, "unit": unit}
        ucum = _CANONICAL_UCUM.get(unit, unit)
        if ucum in UCUM_CODES:
            quantity.update(system=UCUM_SYSTEM, code=ucum)
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
            "category": _lab_category(),
            "code": code,
            "subject": {"reference": self.patient_url},
            "effectiveDateTime": lab.day.isoformat(),
            "valueQuantity": quantity,
            "note": [
                {
                    "text": f"Written by lupusscore {self.version} from a lab result "
                    f"given as {lab.value:g} {lab.unit} (converted to {unit})."
                }
            ],
        }
        self.add(url, resource)
        self.written_labs[lab] = url
        return url

    def observation(
        self,
        kind: str,
        visit: Visit,
        *,
        code: dict[str, Any],
        method: str,
        note: str,
        derived_from: list[dict[str, str]],
        value: dict[str, Any] | None,
        absent: str | None,
        lab_category: bool,
    ) -> None:
        resource: dict[str, Any] = {
            "resourceType": "Observation",
            "status": "final",
        }
        if lab_category:
            resource["category"] = _lab_category()
        resource["code"] = code
        resource["subject"] = {"reference": self.patient_url}
        resource["effectiveDateTime"] = visit.date.isoformat()
        if value is not None:
            resource.update(value)
        else:
            resource["dataAbsentReason"] = {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/"
                        "data-absent-reason",
                        "code": "unknown",
                    }
                ],
                "text": absent or "not evaluable",
            }
        resource["note"] = [{"text": note}]
        resource["method"] = {"text": f"{method}; lupusscore {self.version}"}
        if derived_from:
            resource["derivedFrom"] = derived_from
        self.add(_urn(kind, self.patient.id, visit.date.isoformat()), resource)


def _egfr(w: _Writer, visit: Visit, equation: str) -> None:
    creatinine = visit.latest(Analyte.CREATININE)
    cystatin = visit.latest(Analyte.CYSTATIN_C)
    if creatinine is None and cystatin is None:
        return
    result = egfr(w.patient, visit, equation)
    known = OUTPUT_CODES["egfr"].get(equation)
    code: dict[str, Any] = {"text": f"eGFR ({equation})"}
    if known is not None:
        code["coding"] = [
            {"system": LOINC_SYSTEM, "code": known["code"], "display": known["display"]}
        ]
    inputs = ", ".join(f"{k} {v:g}" for k, v in sorted(result.inputs.items()))
    note = (
        f"eGFR by the {equation} equation from {inputs}; sex {result.sex.value}. "
        f"Source: {result.source}"
    )
    if result.notes:
        note += " Notes: " + "; ".join(result.notes)
    value = (
        None
        if result.value is None
        else {
            "valueQuantity": {
                "value": result.value,
                "unit": "mL/min/1.73m2",
                "system": UCUM_SYSTEM,
                "code": _EGFR_UCUM,
            }
        }
    )
    w.observation(
        "egfr",
        visit,
        code=code,
        method=f"equation {equation}",
        note=note,
        derived_from=w.refs([creatinine, cystatin]),
        value=value,
        absent=result.reason,
        lab_category=True,
    )


def _upcr(w: _Writer, visit: Visit) -> None:
    lab = visit.latest(Analyte.UPCR)
    if lab is None:
        return
    code_id = "13801-6" if lab.specimen == Specimen.URINE_24H else "2890-2"
    mapping = FHIR_LOINC[code_id]
    w.observation(
        "upcr",
        visit,
        code={
            "coding": [
                {"system": LOINC_SYSTEM, "code": code_id, "display": mapping.long_name}
            ],
            "text": "UPCR (g/g)",
        },
        method="unit conversion to g/g (lupusscore.units, creatinine molar mass "
        "113.12 g/mol for molar units)",
        note=f"UPCR {lab.value:g} {lab.unit} on {lab.date} converted to "
        f"{lab.canonical_value:g} g/g.",
        derived_from=w.refs([lab]),
        value={
            "valueQuantity": {
                "value": lab.canonical_value,
                "unit": "g/g",
                "system": UCUM_SYSTEM,
                "code": "g/g",
            }
        },
        absent=None,
        lab_category=True,
    )


def _sledai(w: _Writer, visit: Visit, history: Sequence[Visit]) -> None:
    result = sledai_2k_visit(visit, history)
    labs = [lab for lab in visit.labs if lab.analyte in _SLEDAI_ANALYTES]
    value = None if result.value is None else {"valueInteger": int(result.value)}
    note = (
        f"SLEDAI-2K ({result.variant}, {result.window_days}-day window): "
        f"score {result.score}"
        + (
            ""
            if result.complete
            else f" (lower bound; upper bound {result.upper_bound})"
        )
        + f". Source: {result.source}"
    )
    w.observation(
        "sledai",
        visit,
        code={"text": "SLEDAI-2K total score"},
        method=f"definition {result.variant}",
        note=note,
        derived_from=w.refs(labs),
        value=value,
        absent=result.reason,
        lab_category=False,
    )


def _response(  # noqa: PLR0917 - private helper with one call site
    w: _Writer,
    visit: Visit,
    visits: Sequence[Visit],
    definition: str,
    baseline: Visit,
    equation: str,
) -> None:
    d = get_definition(definition)
    result = evaluate_renal_response(
        d,
        w.patient,
        visits,
        assessment_date=visit.date,
        baseline_date=baseline.date,
        equation=equation,
    )
    labs = [
        v.latest(a)
        for v in (baseline, visit)
        for a in (Analyte.UPCR, Analyte.CREATININE, Analyte.URINE_RBC)
    ]
    category = result.category.value
    value = (
        None
        if category == "not_evaluable"
        else {"valueCodeableConcept": {"text": category}}
    )
    note = (
        f"Renal response {category} under {d.id} version {d.version} "
        f"(baseline {baseline.date}): {result.reason}. Source: {result.source}"
    )
    if result.notes:
        note += " Inputs: " + "; ".join(result.notes)
    w.observation(
        "renal_response",
        visit,
        code={"text": f"Renal response category ({d.id})"},
        method=f"definition {d.id} version {d.version}",
        note=note,
        derived_from=w.refs(labs),
        value=value,
        absent=result.reason,
        lab_category=False,
    )


def _patient_resource(patient: Patient) -> dict[str, Any]:
    return {
        "resourceType": "Patient",
        "id": patient.id,
        "gender": patient.sex.value,
        "birthDate": patient.birth_date.isoformat(),
    }


def _check_sources(sources: object) -> None:
    if sources is None:
        return
    if not isinstance(sources, Mapping):
        raise InvalidValueError(
            field="sources",
            value=describe(sources),
            expected="a mapping of LabResult to a sequence of references",
        )
    for lab, refs in sources.items():
        if (
            not isinstance(lab, LabResult)
            or isinstance(refs, str)
            or not isinstance(refs, Sequence)
            or not all(isinstance(r, str) and r for r in refs)
        ):
            raise InvalidValueError(
                field="sources",
                value=describe({lab: refs}),
                expected="LabResult -> a sequence of non-empty reference strings",
            )


def to_bundle(
    patient: Patient | PatientVisits,
    visits: Sequence[Visit] | None = None,
    *,
    sources: Mapping[LabResult, Sequence[str]] | None = None,
    scores: Sequence[str] = SCORES,
    equation: str = "ckd-epi-2021",
    definition: str = "kdigo-2024",
    baseline_date: dt.date | str | None = None,
    validate: bool | None = None,
) -> dict[str, Any]:
    """Write derived values as FHIR R4 Observations in a transaction Bundle.

    Parameters
    ----------
    patient : Patient or PatientVisits
        The patient, or the result of :func:`~lupusscore.fhir.patient_visits`
        (then *visits* and *sources* come from it).
    visits : sequence of Visit, optional
        The patient's visits (required with a :class:`~lupusscore.Patient`).
    sources : mapping of LabResult to sequence of str, optional
        Each lab result -> the references of the Observations it came from.
        A lab result without one is written into the Bundle and referenced.
    scores : sequence of str
        Which of ``"egfr"``, ``"upcr"``, ``"sledai"``, ``"renal_response"`` to
        write (default all). eGFR is written for visits with a creatinine or
        cystatin C result, UPCR for visits with a UPCR; SLEDAI-2K for every
        visit (not evaluable ones with the reason); the renal response for
        every visit after the baseline.
    equation : str, default "ckd-epi-2021"
        eGFR equation (:func:`lupusscore.kidney.egfr`).
    definition : str, default "kdigo-2024"
        Renal response definition id.
    baseline_date : datetime.date or str, optional
        The reference visit's date (default: the first visit).
    validate : bool, optional
        Validate the Bundle with ``fhir.resources.R4B``: by default when the
        extra ``fhir`` is installed; ``True`` requires it.

    Returns
    -------
    dict
        A FHIR R4 ``Bundle`` of ``type`` ``transaction`` (JSON-ready): the
        Patient, any source lab results written, and the derived Observations.
        Entry URLs are ``urn:uuid:`` values derived from the content, so the
        same input gives the same Bundle.

    Raises
    ------
    InvalidValueError
        Bad arguments (an unknown score, visits of another participant ...).
    MissingExtraError
        ``validate=True`` without the extra ``fhir``.
    """
    if isinstance(patient, PatientVisits):
        if visits is not None or sources is not None:
            raise InvalidValueError(
                field="visits",
                value=describe(visits if visits is not None else sources),
                expected="nothing: a PatientVisits carries its visits and sources",
            )
        read = patient
        patient, visits, sources = read.patient, read.visits, read.sources
    if not isinstance(patient, Patient):
        raise InvalidValueError(
            field="patient",
            value=describe(patient),
            expected="a Patient or a PatientVisits",
        )
    given: object = visits
    if (
        not isinstance(given, Sequence)
        or isinstance(given, str | bytes)
        or not all(isinstance(v, Visit) for v in given)
    ):
        raise InvalidValueError(
            field="visits", value=describe(given), expected="a sequence of Visit"
        )
    if isinstance(scores, str) or not all(s in SCORES for s in scores):
        raise InvalidValueError(
            field="scores", value=describe(scores), expected=f"a subset of {SCORES}"
        )
    _check_sources(sources)
    ordered = sorted(cast("Sequence[Visit]", given), key=lambda v: v.date)
    for v in ordered:
        if v.participant_id != patient.id:
            raise InvalidValueError(
                field="visits",
                value=v.participant_id,
                expected=f"visits of participant {patient.id!r}",
            )
    w = _Writer(patient, sources or {})
    w.add(w.patient_url, _patient_resource(patient))
    baseline = ordered[0] if ordered else None
    if baseline_date is not None:
        matches = [v for v in ordered if v.date.isoformat() == str(baseline_date)]
        if not matches:
            raise InvalidValueError(
                field="baseline_date",
                value=describe(baseline_date),
                expected="the date of one of the visits (YYYY-MM-DD)",
            )
        baseline = matches[0]
    for i, visit in enumerate(ordered):
        if "egfr" in scores:
            _egfr(w, visit, equation)
        if "upcr" in scores:
            _upcr(w, visit)
        if "sledai" in scores:
            _sledai(w, visit, ordered[:i])
        if (
            "renal_response" in scores
            and baseline is not None
            and visit.date > baseline.date
        ):
            _response(w, visit, ordered, definition, baseline, equation)
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": w.entries,
    }
    bundle = json.loads(json.dumps(bundle))  # plain JSON types only
    if validate is not False:
        as_bundle_dict(bundle, validate=validate)
    return bundle
