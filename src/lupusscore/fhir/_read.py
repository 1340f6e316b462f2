"""FHIR R4 in: laboratory Observations of a Bundle as lupusscore lab results.

The rules (``docs/fhir.md`` has them with examples):

- **Which Observations.** An Observation whose ``category`` includes
  ``laboratory``, or that has no ``category`` (the HL7 examples have none).
  Other categories (vital signs, surveys) are skipped and counted by category;
  other resource types are counted by type.
- **Status.** ``entered-in-error`` and ``cancelled`` are excluded and counted.
- **Codes.** A result is mapped by its LOINC coding through the shipped table
  :data:`~lupusscore.fhir.FHIR_LOINC`; a result without a mapped LOINC code is
  reported (system, code, display, count). Each ``component`` is a result of
  its own, with its own code.
- **Values.** ``valueQuantity`` only. Its unit is the UCUM ``code`` when the
  Quantity's ``system`` is UCUM (annotations such as ``mg/g{creat}`` are kept
  and read by :mod:`lupusscore.units`), else the human ``unit`` text; a unit
  is never guessed. A comparator (``>60``), another value type (a coded or
  text result, a Range), a missing unit, a unit that does not fit the analyte
  or an implausible value make the result *unusable*: reported with the field,
  value, unit and what was expected.
- **Missing.** A ``dataAbsentReason`` is a missing result, reported with that
  reason (never a zero or a negative).
- **When.** ``effectiveDateTime``; else ``effectivePeriod.start`` (the start of
  collection; ``end`` when there is no start); else ``effectiveInstant``; else
  the effective time of a DiagnosticReport in the Bundle that lists the
  Observation in its ``result``. The date and time are kept as written and the
  time-zone offset is dropped, as the models do. No time at all is unusable.
- **Reference range.** The ``referenceRange`` whose ``type`` is absent or
  ``normal`` and that has no ``appliesTo`` or ``age``: its ``low``/``high``,
  converted to the result's unit. A range without a unit, or with several
  candidates, is not used (counted).
- **Patients.** ``subject`` references a Patient of the Bundle (by
  ``fullUrl`` or ``Patient/<id>``). Its ``gender`` must be ``female`` or
  ``male`` and its ``birthDate`` a full date: the kidney equations need both.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal, NamedTuple

import numpy as np
from pydantic import ValidationError

from lupusscore._checks import _shown, describe
from lupusscore._display import (
    Displayable,
    View,
    fields_repr,
    html_of,
    markdown_of,
)
from lupusscore.analytes import Analyte
from lupusscore.cohort import Cohort
from lupusscore.errors import InvalidValueError, LupusScoreError, UnitError
from lupusscore.fhir._input import Located, as_bundle_dict, iter_resources
from lupusscore.fhir._loinc import (
    FHIR_LOINC,
    LOINC_SYSTEM,
    UCUM_CODES,
    UCUM_SYSTEM,
    LoincMapping,
)
from lupusscore.models import (
    DEFAULT_BASELINE_WINDOW_DAYS,
    FrozenMap,
    LabResult,
    Patient,
    Timepoint,
    Visit,
)
from lupusscore.units import convert, resolve_unit

__all__ = [
    "BundleReport",
    "MissingResult",
    "PatientVisits",
    "UnmappedCode",
    "UnusableResult",
    "bundle_report",
    "patient_visits",
    "read_bundle",
]

#: Statuses whose Observations are excluded (and counted).
EXCLUDED_STATUSES: Final = frozenset({"entered-in-error", "cancelled"})
_LAB_CATEGORY: Final = "laboratory"
_NORMAL_RANGE: Final = "normal"
_FULL_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A time-zone offset at the end of a FHIR dateTime (dropped: the date and time
#: are kept as written, as the models and the cohort columns keep them).
_OFFSET_RE: Final = re.compile(r"(Z|[+-]\d{2}:\d{2})$")
_MAX_NOTE_ITEMS: Final = 10
_VALUE_KEYS: Final = (
    "valueQuantity",
    "valueCodeableConcept",
    "valueString",
    "valueBoolean",
    "valueInteger",
    "valueRange",
    "valueRatio",
    "valueSampledData",
    "valueTime",
    "valueDateTime",
    "valuePeriod",
)


# --- what the reader reports ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnmappedCode(Displayable):
    """A code of laboratory results that maps to no analyte, with its count.

    Attributes
    ----------
    system, code, display : str or None
        The first coding of the result (a LOINC coding when there is one).
    count : int
        How many results carried it.
    """

    system: str | None
    code: str | None
    display: str | None
    count: int


@dataclass(frozen=True, slots=True)
class UnusableResult(Displayable):
    """A result of a mapped code that could not be used, and why.

    Attributes
    ----------
    reference : str
        The Observation (``fullUrl``, else ``Observation/<id>``, else its
        place in the Bundle), with ``#component[i]`` for a component.
    analyte : str
        The analyte its code maps to.
    code : str
        Its LOINC code.
    field : str
        The FHIR element at fault (``valueQuantity.code``,
        ``valueQuantity.comparator``, ``effective[x]`` ...).
    value : object
        The value found.
    unit : str or None
        The unit found.
    expected : str
        What would have been used.
    """

    reference: str
    analyte: str
    code: str
    field: str
    value: object
    unit: str | None
    expected: str


@dataclass(frozen=True, slots=True)
class MissingResult(Displayable):
    """A result recorded as absent (``dataAbsentReason``), with that reason.

    Attributes
    ----------
    reference : str
        The Observation (as in :class:`UnusableResult`).
    analyte : str
        The analyte its code maps to.
    code : str
        Its LOINC code.
    reason : str
        The ``dataAbsentReason`` (text, else display, else code).
    date : str or None
        Its effective time as written, when it has one.
    """

    reference: str
    analyte: str
    code: str
    reason: str
    date: str | None


@dataclass(frozen=True, repr=False)
class BundleReport(Displayable):
    """What reading a Bundle used, and everything it did not use.

    Attributes
    ----------
    used : int
        Laboratory results used (one per Observation value or component).
    unmapped : tuple of UnmappedCode
        Codes of laboratory results that map to no analyte, with counts.
    unusable : tuple of UnusableResult
        Results of mapped codes that could not be used.
    missing : tuple of MissingResult
        Results recorded as absent, with the reason.
    excluded_status : FrozenMap of str to int
        Observations excluded by ``status`` (entered-in-error, cancelled).
    not_laboratory : FrozenMap of str to int
        Observations of other categories (vital-signs ...), by category.
    no_patient : int
        Laboratory Observations whose ``subject`` is no Patient of the Bundle.
    other_resources : FrozenMap of str to int
        Resources other than Patient, Observation and DiagnosticReport.
    ranges_not_used : FrozenMap of str to int
        Reference ranges not used, by reason.
    """

    used: int
    unmapped: tuple[UnmappedCode, ...]
    unusable: tuple[UnusableResult, ...]
    missing: tuple[MissingResult, ...]
    excluded_status: FrozenMap[str, int]
    not_laboratory: FrozenMap[str, int]
    no_patient: int
    other_resources: FrozenMap[str, int]
    ranges_not_used: FrozenMap[str, int]

    def __repr__(self) -> str:
        return (
            f"BundleReport(used={self.used}, unmapped codes={len(self.unmapped)}, "
            f"unusable={len(self.unusable)}, missing={len(self.missing)})"
        )

    def _display_view(self) -> View:
        return View(
            title="FHIR Bundle report",
            facts=(
                ("laboratory results used", str(self.used)),
                ("codes mapped to no analyte", str(len(self.unmapped))),
                ("unusable results", str(len(self.unusable))),
                ("missing results", str(len(self.missing))),
            ),
            notes=self.notes[1:],
        )

    @property
    def notes(self) -> tuple[str, ...]:
        """The report as sentences (what ``Cohort.notes`` receives)."""
        out = [f"FHIR: {self.used} laboratory result(s) used"]
        if self.unmapped:
            total = sum(u.count for u in self.unmapped)
            shown = ", ".join(
                f"{_code_label(u)} x{u.count}" for u in self.unmapped[:_MAX_NOTE_ITEMS]
            )
            more = len(self.unmapped) - _MAX_NOTE_ITEMS
            tail = f" and {more} more code(s)" if more > 0 else ""
            out.append(
                f"FHIR: {total} laboratory result(s) of {len(self.unmapped)} "
                f"code(s) that map to no analyte not used: {shown}{tail}"
            )
        grouped = Counter(
            (u.analyte, u.code, u.field, describe(u.unit), u.expected)
            for u in self.unusable
        )
        for (analyte, code, where, unit, expected), n in sorted(grouped.items()):
            out.append(
                f"FHIR: {n} {analyte} result(s) ({code}) not used: {where} "
                f"(unit {unit}); expected {expected}"
            )
        reasons = Counter((m.analyte, m.reason) for m in self.missing)
        for (analyte, reason), n in sorted(reasons.items()):
            out.append(f"FHIR: {n} {analyte} result(s) missing: {reason}")
        for status, n in sorted(self.excluded_status.items()):
            out.append(f"FHIR: {n} Observation(s) with status {status} excluded")
        for category, n in sorted(self.not_laboratory.items()):
            out.append(f"FHIR: {n} Observation(s) of category {category} skipped")
        if self.no_patient:
            out.append(
                f"FHIR: {self.no_patient} laboratory Observation(s) whose subject "
                "is no Patient of the Bundle not used"
            )
        for reason, n in sorted(self.ranges_not_used.items()):
            out.append(f"FHIR: {n} reference range(s) not used: {reason}")
        if self.other_resources:
            kinds = ", ".join(
                f"{k} x{n}" for k, n in sorted(self.other_resources.items())
            )
            out.append(f"FHIR: other resources not read: {kinds}")
        return tuple(out)


def _code_label(u: UnmappedCode) -> str:
    if u.code is None:
        return f"{u.display!r} (text only)"
    return u.code if u.display is None else f"{u.code} ({u.display})"


class PatientVisits(NamedTuple):
    """One patient's data read from a Bundle (see :func:`patient_visits`).

    Attributes
    ----------
    patient : Patient
        Sex and birth date from the FHIR Patient; ``id`` is its resource id.
    visits : tuple of Visit
        One visit per calendar day with a used laboratory result, in date order.
    report : BundleReport
        What was used and what was not (for this patient's Observations).
    sources : FrozenMap of LabResult to tuple of str
        Each lab result -> the Observation(s) it came from (``fullUrl``, else
        ``Observation/<id>``), for :func:`~lupusscore.fhir.to_bundle`'s
        ``derivedFrom``.
    """

    patient: Patient
    visits: tuple[Visit, ...]
    report: BundleReport
    sources: FrozenMap[LabResult, tuple[str, ...]]

    # display: abbreviated repr and notebook views (lupusscore._display)
    def __repr__(self) -> str:
        return fields_repr(self)

    def _repr_html_(self) -> str:
        return html_of(self)

    def _repr_markdown_(self) -> str:
        return markdown_of(self)


# --- reading ------------------------------------------------------------------------


@dataclass(slots=True)
class _PatientEntry:
    key: str
    resource: Mapping[str, Any]
    path: str


@dataclass(slots=True)
class _Row:
    patient: str
    lab: LabResult
    reference: str
    code: str


@dataclass(slots=True)
class _Reading:
    patients: dict[str, _PatientEntry] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    rows: list[_Row] = field(default_factory=list)
    unmapped: Counter[tuple[str | None, str | None, str | None]] = field(
        default_factory=Counter
    )
    unusable: list[tuple[str, UnusableResult]] = field(default_factory=list)
    missing: list[tuple[str, MissingResult]] = field(default_factory=list)
    excluded: Counter[str] = field(default_factory=Counter)
    not_lab: Counter[str] = field(default_factory=Counter)
    no_patient: int = 0
    other: Counter[str] = field(default_factory=Counter)
    per_patient_unmapped: dict[
        str, Counter[tuple[str | None, str | None, str | None]]
    ] = field(default_factory=dict)
    per_patient_excluded: dict[str, Counter[str]] = field(default_factory=dict)
    per_patient_ranges: dict[str, Counter[str]] = field(default_factory=dict)


def _codings(concept: object) -> list[Mapping[str, Any]]:
    if not isinstance(concept, Mapping):
        return []
    codings = concept.get("coding", [])
    return (
        [c for c in codings if isinstance(c, Mapping)]
        if isinstance(codings, list)
        else []
    )


def _concept_text(concept: object, default: str = "no reason given") -> str:
    if isinstance(concept, Mapping):
        if isinstance(concept.get("text"), str):
            return str(concept["text"])
        for c in _codings(concept):
            if isinstance(c.get("display"), str):
                return str(c["display"])
            if isinstance(c.get("code"), str):
                return str(c["code"])
    return default


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _as_float(value: object) -> float | None:
    """Return a JSON number as a float; None for anything else (bool, text, huge)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _reference_of(located: Located) -> str:
    if located.full_url:
        return located.full_url
    rid = located.resource.get("id")
    if isinstance(rid, str):
        return f"{located.resource['resourceType']}/{rid}"
    return located.path


def _patient_keys(located: Located) -> list[str]:
    keys = []
    if located.full_url:
        keys.append(located.full_url)
    rid = located.resource.get("id")
    if isinstance(rid, str):
        keys.append(f"Patient/{rid}")
    return keys


def _resolve_patient(reading: _Reading, reference: object) -> str | None:
    if not isinstance(reference, Mapping):
        return None
    ref = reference.get("reference")
    if not isinstance(ref, str):
        return None
    if ref in reading.aliases:
        return reading.aliases[ref]
    ref = ref.split("/_history/")[0]
    tail = ref[ref.rfind("Patient/") :] if "Patient/" in ref else ref
    return reading.aliases.get(tail)


def _categories(obs: Mapping[str, Any]) -> list[str]:
    cats = obs.get("category")
    if not isinstance(cats, list):
        return []
    out: list[str] = []
    for cat in cats:
        codes = [c.get("code") for c in _codings(cat)]
        out.extend(str(c) for c in codes if isinstance(c, str))
        if not codes and isinstance(cat, Mapping) and isinstance(cat.get("text"), str):
            out.append(str(cat["text"]))
    return out


def _report_times(resources: Sequence[Located]) -> dict[str, str]:
    """Observation reference -> effective time of the DiagnosticReport listing it."""
    out: dict[str, str] = {}
    for located in resources:
        report = located.resource
        if report.get("resourceType") != "DiagnosticReport":
            continue
        when = _effective(report)
        results = report.get("result")
        if when is None or not isinstance(results, list):
            continue
        for ref in results:
            if isinstance(ref, Mapping) and isinstance(ref.get("reference"), str):
                out.setdefault(str(ref["reference"]), when)
    return out


def _effective(resource: Mapping[str, Any]) -> str | None:
    when = resource.get("effectiveDateTime")
    if isinstance(when, str):
        return when
    period = resource.get("effectivePeriod")
    if isinstance(period, Mapping):
        for key in ("start", "end"):
            if isinstance(period.get(key), str):
                return str(period[key])
    instant = resource.get("effectiveInstant")
    return instant if isinstance(instant, str) else None


def _mapped(concept: object) -> tuple[LoincMapping | None, Mapping[str, Any] | None]:
    """Return the mapping of a code, and the coding to report it by."""
    codings = _codings(concept)
    loinc = [c for c in codings if c.get("system") == LOINC_SYSTEM]
    hits = {
        FHIR_LOINC[c["code"]].analyte: FHIR_LOINC[c["code"]]
        for c in loinc
        if isinstance(c.get("code"), str) and c["code"] in FHIR_LOINC
    }
    if len(hits) == 1:
        return next(iter(hits.values())), None
    first = loinc[0] if loinc else (codings[0] if codings else None)
    return None, first


@dataclass(frozen=True, slots=True)
class _Result:
    """One result: an Observation's own value or one of its components."""

    part: Mapping[str, Any]
    reference: str
    when: str | None


class _Unusable(Exception):  # an internal signal: never escapes this module
    def __init__(
        self, *, field: str, value: object, unit: str | None, expected: str
    ) -> None:
        super().__init__(field)
        self.field, self.value, self.unit, self.expected = field, value, unit, expected


def _unit_of(
    quantity: Mapping[str, Any], where: str = "valueQuantity"
) -> tuple[str, str]:
    """Return (unit, field) of a Quantity: its UCUM code, else its unit text.

    A UCUM code must be one of :data:`UCUM_CODES` (read as written); the human
    ``unit`` text is read only when there is no UCUM code, with the spellings
    of :mod:`lupusscore.units`.
    """
    code, system, text = (
        quantity.get("code"),
        quantity.get("system"),
        quantity.get("unit"),
    )
    if isinstance(code, str) and code.strip() and system == UCUM_SYSTEM:
        if code not in UCUM_CODES:
            raise _Unusable(
                field=f"{where}.code",
                value=quantity.get("value"),
                unit=code,
                expected="a UCUM code lupusscore reads (lupusscore/data/"
                "fhir_loinc.json, 'ucum'); this one is not valid UCUM or not listed",
            )
        return code, f"{where}.code"
    if isinstance(text, str) and text.strip():
        return text, f"{where}.unit"
    raise _Unusable(
        field=f"{where}.unit",
        value=quantity.get("value"),
        unit=code if isinstance(code, str) else None,
        expected="a UCUM code (system http://unitsofmeasure.org) or a unit text",
    )


def _range_in(
    part: Mapping[str, Any], unit: str, analyte: Analyte, counts: Counter[str]
) -> tuple[float | None, float | None]:
    ranges = part.get("referenceRange")
    if not isinstance(ranges, list) or not ranges:
        return None, None
    candidates = []
    for rng in ranges:
        if not isinstance(rng, Mapping) or "appliesTo" in rng or "age" in rng:
            continue
        kinds = [c.get("code") for c in _codings(rng.get("type"))]
        if "type" in rng and _NORMAL_RANGE not in kinds:
            continue
        if "low" in rng or "high" in rng:
            candidates.append(rng)
    if len(candidates) != 1:
        counts[
            "no normal range with low/high for the whole population"
            if not candidates
            else "several normal ranges"
        ] += 1
        return None, None
    out: list[float | None] = []
    for key in ("low", "high"):
        bound = candidates[0].get(key)
        if bound is None:
            out.append(None)
            continue
        value = _as_float(bound.get("value") if isinstance(bound, Mapping) else None)
        if value is None:
            counts["a bound that is not a number"] += 1
            return None, None
        try:
            bound_unit, _ = _unit_of(bound, "referenceRange")
        except _Unusable:
            counts["a bound without a unit"] += 1
            return None, None
        try:
            converted = (
                value
                if bound_unit == unit
                else float(convert(value, bound_unit, unit, analyte=analyte))
            )
        except LupusScoreError:
            counts["a bound whose unit does not convert to the result's"] += 1
            return None, None
        out.append(converted)
    return out[0], out[1]


def _lab_of(mapping: LoincMapping, result: _Result, counts: Counter[str]) -> LabResult:
    part = result.part
    quantity = part.get("valueQuantity")
    if not isinstance(quantity, Mapping):
        kinds = [k for k in _VALUE_KEYS if k in part] or ["no value"]
        raise _Unusable(
            field=kinds[0],
            value=describe(part.get(kinds[0])),
            unit=None,
            expected="a valueQuantity",
        )
    value = quantity.get("value")
    unit, unit_field = _unit_of(quantity)
    if "comparator" in quantity:
        raise _Unusable(
            field="valueQuantity.comparator",
            value=f"{quantity['comparator']}{value}",
            unit=unit,
            expected="an exact value (a censored result such as '>60' is not used)",
        )
    number = _as_float(value)
    if number is None:
        raise _Unusable(
            field="valueQuantity.value",
            value=describe(value),
            unit=unit,
            expected="a number",
        )
    try:
        resolve_unit(unit, mapping.analyte)
    except UnitError as err:
        raise _Unusable(
            field=unit_field, value=value, unit=unit, expected=err.expected
        ) from None
    if result.when is None:
        raise _Unusable(
            field="effective[x]",
            value=None,
            unit=unit,
            expected="effectiveDateTime, effectivePeriod, effectiveInstant or a "
            "DiagnosticReport in the Bundle with a time",
        )
    if not _FULL_DATE_RE.match(result.when[:10]) or len(result.when) < len(
        "2000-01-01"
    ):
        raise _Unusable(
            field="effective[x]",
            value=result.when,
            unit=unit,
            expected="a full date (YYYY-MM-DD)",
        )
    low, high = _range_in(part, unit, mapping.analyte, counts)
    fields: dict[str, Any] = {
        "analyte": mapping.analyte,
        "value": number,
        "unit": unit,
        "date": _OFFSET_RE.sub("", result.when),
        "specimen": mapping.specimen,
    }
    try:
        return LabResult(**fields, reference_low=low, reference_high=high)
    except ValidationError as err:
        first = err.errors()[0]
        where = str(first["loc"][0]) if first["loc"] else ""
        if where.startswith("reference") or where == "":
            try:
                lab = LabResult(**fields)
            except ValidationError:
                pass
            else:
                counts["a range the lab result rejects (low > high, negative)"] += 1
                return lab
        element = {"value": "valueQuantity.value", "date": "effective[x]"}.get(
            where, where
        )
        shown = result.when if element == "effective[x]" else value
        raise _Unusable(
            field=element, value=shown, unit=unit, expected=str(first["msg"])
        ) from None


def _results(
    obs: Mapping[str, Any], reference: str, when: str | None
) -> list[tuple[object, _Result]]:
    """Return the results of an Observation: its own value and each component."""
    out: list[tuple[object, _Result]] = []
    has_own = any(k in obs for k in _VALUE_KEYS) or "dataAbsentReason" in obs
    components = obs.get("component")
    components = components if isinstance(components, list) else []
    if has_own or not components:
        out.append((obs.get("code"), _Result(obs, reference, when)))
    for i, comp in enumerate(components):
        if isinstance(comp, Mapping):
            out.append(
                (
                    comp.get("code"),
                    _Result(comp, f"{reference}#component[{i}]", when),
                )
            )
    return out


def _read_observation(
    reading: _Reading, located: Located, report_times: Mapping[str, str]
) -> None:
    obs = located.resource
    categories = _categories(obs)
    if categories and _LAB_CATEGORY not in categories:
        reading.not_lab[categories[0]] += 1
        return
    patient = _resolve_patient(reading, obs.get("subject"))
    status = obs.get("status")
    if isinstance(status, str) and status in EXCLUDED_STATUSES:
        reading.excluded[status] += 1
        if patient is not None:
            reading.per_patient_excluded.setdefault(patient, Counter())[status] += 1
        return
    if patient is None:
        reading.no_patient += 1
        return
    reference = _reference_of(located)
    when = _effective(obs)
    if when is None:
        rid = obs.get("id")
        for ref in (located.full_url, f"Observation/{rid}" if rid else None):
            if ref and ref in report_times:
                when = report_times[ref]
                break
    ranges = reading.per_patient_ranges.setdefault(patient, Counter())
    for concept, result in _results(obs, reference, when):
        mapping, coding = _mapped(concept)
        if mapping is None:
            key: tuple[str | None, str | None, str | None] = (
                (
                    _text_or_none(coding.get("system")),
                    _text_or_none(coding.get("code")),
                    _text_or_none(coding.get("display")),
                )
                if coding is not None
                else (None, None, _concept_text(concept, "no code"))
            )
            reading.unmapped[key] += 1
            reading.per_patient_unmapped.setdefault(patient, Counter())[key] += 1
            continue
        absent = result.part.get("dataAbsentReason")
        if absent is not None and not any(k in result.part for k in _VALUE_KEYS):
            reading.missing.append(
                (
                    patient,
                    MissingResult(
                        reference=result.reference,
                        analyte=mapping.analyte.value,
                        code=mapping.code,
                        reason=_concept_text(absent),
                        date=when,
                    ),
                )
            )
            continue
        try:
            lab = _lab_of(mapping, result, ranges)
        except _Unusable as bad:
            reading.unusable.append(
                (
                    patient,
                    UnusableResult(
                        reference=result.reference,
                        analyte=mapping.analyte.value,
                        code=mapping.code,
                        field=bad.field,
                        value=bad.value,
                        unit=bad.unit,
                        expected=bad.expected,
                    ),
                )
            )
            continue
        reading.rows.append(
            _Row(
                patient=patient,
                lab=lab,
                reference=result.reference,
                code=mapping.code,
            )
        )


def _read(bundle: object, *, validate: bool | None) -> _Reading:
    data = as_bundle_dict(bundle, validate=validate)
    resources = list(iter_resources(data))
    reading = _Reading()
    for located in resources:
        if located.resource["resourceType"] != "Patient":
            continue
        key = _patient_keys(located)
        if not key:
            raise InvalidValueError(
                field=f"{located.path}.resource.id",
                value=None,
                expected="a Patient with an id or a fullUrl",
            )
        main = key[-1]
        if main in reading.patients:
            raise InvalidValueError(
                field=f"{located.path}.resource",
                value=main,
                expected="each Patient once in the Bundle",
            )
        reading.patients[main] = _PatientEntry(main, located.resource, located.path)
        for k in key:
            reading.aliases[k] = main
    times = _report_times(resources)
    for located in resources:
        kind = located.resource["resourceType"]
        if kind == "Observation":
            _read_observation(reading, located, times)
        elif kind not in ("Patient", "DiagnosticReport"):
            reading.other[kind] += 1
    _drop_conflicts(reading)
    return reading


def _drop_conflicts(reading: _Reading) -> None:
    """Leave out results that disagree at one instant; merge identical ones."""
    groups: dict[tuple[object, ...], list[_Row]] = {}
    for row in reading.rows:
        lab = row.lab
        groups.setdefault(
            (row.patient, lab.analyte, lab.date, lab.specimen), []
        ).append(row)
    dropped: set[int] = set()
    for rows in groups.values():
        if len({r.lab for r in rows}) == 1:
            continue
        for r in rows:
            dropped.add(id(r))
            reading.unusable.append(
                (
                    r.patient,
                    UnusableResult(
                        reference=r.reference,
                        analyte=r.lab.analyte.value,
                        code=r.code,
                        field="effective[x]",
                        value=str(r.lab.date),
                        unit=r.lab.unit,
                        expected="one result per analyte and time (another result "
                        "of this analyte at the same time differs)",
                    ),
                )
            )
    reading.rows = [r for r in reading.rows if id(r) not in dropped]


def _report(reading: _Reading, patient: str | None) -> BundleReport:
    def mine(who: str) -> bool:
        return patient is None or who == patient

    unmapped = (
        reading.unmapped
        if patient is None
        else reading.per_patient_unmapped.get(patient, Counter())
    )
    excluded = (
        reading.excluded
        if patient is None
        else reading.per_patient_excluded.get(patient, Counter())
    )
    if patient is None:
        ranges: Counter[str] = Counter()
        for c in reading.per_patient_ranges.values():
            ranges.update(c)
    else:
        ranges = reading.per_patient_ranges.get(patient, Counter())
    return BundleReport(
        used=sum(1 for r in reading.rows if mine(r.patient)),
        unmapped=tuple(
            UnmappedCode(system=s, code=c, display=d, count=n)
            for (s, c, d), n in sorted(
                unmapped.items(), key=lambda kv: (-kv[1], str(kv[0]))
            )
        ),
        unusable=tuple(u for who, u in reading.unusable if mine(who)),
        missing=tuple(m for who, m in reading.missing if mine(who)),
        excluded_status=FrozenMap(sorted(excluded.items())),
        not_laboratory=FrozenMap(sorted(reading.not_lab.items())),
        no_patient=reading.no_patient,
        other_resources=FrozenMap(sorted(reading.other.items())),
        ranges_not_used=FrozenMap(sorted(ranges.items())),
    )


def _patient_model(entry: _PatientEntry) -> Patient:
    res = entry.resource
    pid = res.get("id") if isinstance(res.get("id"), str) else entry.key
    gender = res.get("gender")
    if gender not in ("female", "male"):
        raise InvalidValueError(
            field=f"{entry.path}.resource.gender",
            value=_shown(gender),
            expected="'female' or 'male': the kidney equations are sex-specific "
            "and lupusscore has no other value (the Patient is not scored)",
            participant=str(pid),
        )
    birth = res.get("birthDate")
    if not isinstance(birth, str) or not _FULL_DATE_RE.match(birth):
        raise InvalidValueError(
            field=f"{entry.path}.resource.birthDate",
            value=_shown(birth),
            expected="a full birth date (YYYY-MM-DD); ages are never guessed",
            participant=str(pid),
        )
    try:
        return Patient(id=str(pid), sex=gender, birth_date=birth)
    except ValidationError as err:
        raise InvalidValueError(
            field=f"{entry.path}.resource",
            value=describe(birth),
            expected=str(err.errors()[0]["msg"]),
            participant=str(pid),
        ) from None


def bundle_report(bundle: object, *, validate: bool | None = None) -> BundleReport:
    """Read a Bundle and return only the report: what is used and what is not.

    Parameters
    ----------
    bundle, validate
        As :func:`read_bundle`.

    Returns
    -------
    BundleReport
        For every Patient of the Bundle together.
    """
    return _report(_read(bundle, validate=validate), None)


def patient_visits(
    bundle: object, *, patient: str | None = None, validate: bool | None = None
) -> PatientVisits:
    """Read one patient's Patient and laboratory Observations as models.

    Parameters
    ----------
    bundle : dict, str, path-like or fhir.resources.R4B Bundle
        A FHIR R4 Bundle (any type; nested Bundles are read too): a dict, JSON
        text (a ``str`` starting with ``{``), the path of a JSON file, or a
        ``fhir.resources.R4B`` Bundle.
    patient : str, optional
        The Patient's id (or ``fullUrl``); needed when the Bundle has several.
    validate : bool, optional
        Validate with ``fhir.resources.R4B`` first: by default when the extra
        ``fhir`` is installed; ``True`` requires it; ``False`` reads the plain
        JSON only.

    Returns
    -------
    PatientVisits
        ``(patient, visits, report, sources)``: one :class:`~lupusscore.Visit`
        per calendar day with a used result (FHIR has no trial visit).

    Raises
    ------
    InvalidValueError
        Not a Bundle, malformed entries, no or several Patients without
        *patient*, a Patient without a female/male gender or a full birth date.
    MissingExtraError
        ``validate=True`` without the extra ``fhir``.

    Examples
    --------
    >>> from lupusscore.fhir import patient_visits
    >>> pv = patient_visits(
    ...     "tests/data/fhir_r4/synthea/"
    ...     "Angela_Guzman_cffd2b80-3ae5-44b4-b4cf-b2e396c9615d.labs.json"
    ... )
    >>> pv.patient.sex.value, str(pv.patient.birth_date), len(pv.visits)
    ('female', '1989-06-16', 4)
    """
    reading = _read(bundle, validate=validate)
    key = _choose_patient(reading, patient)
    entry = reading.patients[key]
    model = _patient_model(entry)
    by_day: dict[dt.date, list[LabResult]] = {}
    sources: dict[LabResult, list[str]] = {}
    for row in reading.rows:
        if row.patient != key:
            continue
        refs = sources.setdefault(row.lab, [])
        if not refs:
            by_day.setdefault(row.lab.day, []).append(row.lab)
        refs.append(row.reference)
    visits = tuple(
        Visit(participant_id=model.id, date=day, labs=tuple(sorted(labs, key=_lab_key)))
        for day, labs in sorted(by_day.items())
    )
    return PatientVisits(
        patient=model,
        visits=visits,
        report=_report(reading, key),
        sources=FrozenMap({lab: tuple(refs) for lab, refs in sources.items()}),
    )


_ANALYTE_ORDER: Final = {a: i for i, a in enumerate(Analyte)}


def _lab_key(lab: LabResult) -> tuple[object, ...]:
    """Order of lab results within a visit, whatever the Bundle's order."""
    when = lab.date
    time = when.time() if isinstance(when, dt.datetime) else dt.time.min
    return (_ANALYTE_ORDER[lab.analyte], lab.day, time, lab.value, lab.unit)


def _choose_patient(reading: _Reading, patient: str | None) -> str:
    if patient is None:
        if len(reading.patients) != 1:
            raise InvalidValueError(
                field="patient",
                value=None,
                expected="the id of one of the Bundle's Patients: "
                + (", ".join(sorted(_ids(reading))) or "(the Bundle has none)"),
            )
        return next(iter(reading.patients))
    if not isinstance(patient, str):
        raise InvalidValueError(
            field="patient", value=describe(patient), expected="a Patient id (str)"
        )
    key = reading.aliases.get(patient, reading.aliases.get(f"Patient/{patient}"))
    if key is None:
        raise InvalidValueError(
            field="patient",
            value=patient,
            expected="the id of one of the Bundle's Patients: "
            + (", ".join(sorted(_ids(reading))) or "(the Bundle has none)"),
        )
    return key


def _ids(reading: _Reading) -> list[str]:
    return [
        str(e.resource.get("id")) if isinstance(e.resource.get("id"), str) else e.key
        for e in reading.patients.values()
    ]


Day0 = Literal["first"] | dt.date | str | Mapping[str, dt.date | str]


def _day0_of(day0: object, pid: str, first: dt.date | None) -> str | None:
    if isinstance(day0, str) and day0 == "first":
        return None if first is None else first.isoformat()
    if isinstance(day0, Mapping):
        if pid not in day0:
            raise InvalidValueError(
                field="day0",
                value=sorted(map(str, day0))[:_MAX_NOTE_ITEMS],
                expected=f"a study day 0 for every Patient (none for {pid!r})",
                participant=pid,
            )
        day0 = day0[pid]
    if isinstance(day0, dt.datetime):
        return day0.date().isoformat()
    if isinstance(day0, dt.date):
        return day0.isoformat()
    if isinstance(day0, str):
        return day0
    raise InvalidValueError(
        field="day0",
        value=describe(day0),
        expected="'first', a date, an ISO date string, or a mapping of Patient id "
        "to one of those",
    )


def read_bundle(
    bundle: object,
    *,
    day0: Day0 = "first",
    name: str | None = None,
    schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
    validate: bool | None = None,
    baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
) -> Cohort:
    """Read a FHIR R4 Bundle's Patients and laboratory Observations as a Cohort.

    Parameters
    ----------
    bundle : dict, str, path-like or fhir.resources.R4B Bundle
        As :func:`patient_visits`.
    day0 : "first", date, str or mapping of str to date or str
        Study day 0 (FHIR has none): ``"first"`` (default) the date of each
        Patient's first *used* laboratory result; a date for everyone; or a
        mapping of Patient id to date (every Patient needs one). The choice is
        recorded in ``Cohort.notes`` and ``Cohort.day0_label``.
    name : str, optional
        Cohort name (default: the Bundle's ``id``, else ``"FHIR Bundle"``).
    schedule, baseline_window_days
        As :meth:`Cohort.from_columns <lupusscore.Cohort.from_columns>`.
    validate : bool, optional
        As :func:`patient_visits`.

    Returns
    -------
    Cohort
        One participant per Patient (id: the Patient's resource id), one visit
        per participant and calendar day with a used result; ``notes`` list
        everything not used (:class:`BundleReport`, ``report.notes``).
        ``lab_source_row`` indexes the used results in Bundle order.

    Raises
    ------
    InvalidValueError
        As :func:`patient_visits`; a bad *day0*.
    TableError
        Rows the cohort rules reject (a result dated before the birth date).
    MissingExtraError
        ``validate=True`` without the extra ``fhir``.

    Examples
    --------
    >>> from lupusscore.fhir import read_bundle
    >>> cohort = read_bundle(
    ...     "tests/data/fhir_r4/synthea/"
    ...     "Angela_Guzman_cffd2b80-3ae5-44b4-b4cf-b2e396c9615d.labs.json"
    ... )
    >>> cohort.n_participants, cohort.day0_label
    (1, 'first used laboratory result (day0="first")')
    """
    if name is not None and not isinstance(name, str):
        raise InvalidValueError(field="name", value=describe(name), expected="a str")
    raw = as_bundle_dict(bundle, validate=validate)
    reading = _read(raw, validate=False)
    report = _report(reading, None)
    if not reading.patients:
        raise InvalidValueError(
            field="bundle.entry",
            value="no Patient",
            expected="a Bundle with at least one Patient resource",
        )
    first: dict[str, dt.date] = {}
    for row in reading.rows:
        day = row.lab.day
        if row.patient not in first or day < first[row.patient]:
            first[row.patient] = day
    participants: dict[str, list[object]] = {
        k: [] for k in ("USUBJID", "SEX", "BRTHDTC", "RFSTDTC")
    }
    notes: list[str] = []
    ids: dict[str, str] = {}
    for key, entry in reading.patients.items():
        model = _patient_model(entry)
        start = _day0_of(day0, model.id, first.get(key))
        if start is None:
            notes.append(
                f"FHIR: Patient {model.id} has no used laboratory result, so no "
                "study day 0 (day0='first'); left out"
            )
            continue
        ids[key] = model.id
        participants["USUBJID"].append(model.id)
        participants["SEX"].append(model.sex.value)
        participants["BRTHDTC"].append(model.birth_date.isoformat())
        participants["RFSTDTC"].append(start)
    labs: dict[str, list[object]] = {
        k: []
        for k in (
            "USUBJID",
            "LBTESTCD",
            "LBORRES",
            "LBORRESU",
            "LBDTC",
            "LBSTNRLO",
            "LBSTNRHI",
            "LBSPEC",
        )
    }
    for row in reading.rows:
        if row.patient not in ids:
            continue
        lab = row.lab
        labs["USUBJID"].append(ids[row.patient])
        labs["LBTESTCD"].append(lab.analyte.value)
        labs["LBORRES"].append(lab.value)
        labs["LBORRESU"].append(lab.unit)
        labs["LBDTC"].append(lab.date.isoformat())
        labs["LBSTNRLO"].append(
            np.nan if lab.reference_low is None else lab.reference_low
        )
        labs["LBSTNRHI"].append(
            np.nan if lab.reference_high is None else lab.reference_high
        )
        labs["LBSPEC"].append(None if lab.specimen is None else lab.specimen.value)
    label = (
        'first used laboratory result (day0="first")'
        if isinstance(day0, str) and day0 == "first"
        else "given by the caller (day0=)"
    )
    cohort = Cohort.from_columns(
        {k: _column(k, v) for k, v in labs.items()},
        {k: _column(k, v) for k, v in participants.items()},
        schedule=schedule,
        name=name
        if name is not None
        else str(raw.get("id"))
        if isinstance(raw.get("id"), str)
        else "FHIR Bundle",
        baseline_window_days=baseline_window_days,
    )
    return dataclasses.replace(
        cohort,
        notes=(
            *report.notes,
            *notes,
            f"FHIR: study day 0 is the {label}",
            *cohort.notes,
        ),
        day0_label=label,
        _cache={},
    )


def _column(name: str, values: list[object]) -> np.ndarray[Any, np.dtype[Any]]:
    if name in ("LBORRES", "LBSTNRLO", "LBSTNRHI"):
        return np.asarray(values, dtype=np.float64)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
