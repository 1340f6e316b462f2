"""The JSON Schema says what the library enforces (issue 10 item 8)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from importlib.resources import files
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import lupusscore as ls
from lupusscore.models import JSON_SCHEMA_DIALECT

jsonschema = pytest.importorskip("jsonschema")

MODELS: list[type[BaseModel]] = [
    ls.Patient,
    ls.LabResult,
    ls.Visit,
    ls.Event,
    ls.Participant,
    ls.Timepoint,
    ls.Trial,
]


def _example(*, participants: int | None = None) -> dict[str, Any]:
    """The bundled example trial as parsed JSON (optionally its first participants)."""
    text = files("lupusscore").joinpath("data/example_trial.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    if participants is not None:
        data["participants"] = data["participants"][:participants]
    return data


@functools.cache
def _validator() -> Any:
    schema = ls.Trial.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("model", MODELS)
def test_schema_names_dialect_and_versioned_id(model: type[BaseModel]) -> None:
    """Every model's schema declares draft 2020-12 and an $id with the version."""
    schema = model.model_json_schema()
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    assert ls.__version__ in schema["$id"]
    assert schema["$id"].endswith(model.__name__)
    jsonschema.Draft202012Validator.check_schema(schema)


def _properties(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) in a schema, nested ones included."""
    if isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            yield f"{where}.{name}", prop
        for key, sub in schema.items():
            yield from _properties(sub, f"{where}/{key}")
    elif isinstance(schema, list):
        for i, sub in enumerate(schema):
            yield from _properties(sub, f"{where}[{i}]")


@pytest.mark.parametrize("model", MODELS)
def test_every_property_has_a_plain_description(model: type[BaseModel]) -> None:
    """Each property (nested models too) has a description, without doctest code."""
    schema = model.model_json_schema()
    props = [
        (path, prop)
        for path, prop in _properties(schema, model.__name__)
        if "/allOf" not in path  # conditional constraints refer back to properties
    ]
    assert props
    for path, prop in props:
        text = prop.get("description", "")
        assert text.strip(), path
        assert ">>>" not in text, path
        assert "``" not in text, path
        assert ":class:" not in text, path


def test_example_trial_is_valid_against_the_schema() -> None:
    """The bundled example trial file validates against the trial schema."""
    errors = list(_validator().iter_errors(_example()))
    assert errors == [], [e.message for e in errors[:5]]


def _first_visit(data: dict[str, Any]) -> dict[str, Any]:
    visit: dict[str, Any] = data["participants"][0]["visits"][0]
    return visit


def _set(path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any):  # type: ignore[no-untyped-def]
    def change(data: dict[str, Any]) -> None:
        path(data)[key] = value

    return change


def _lab0(data: dict[str, Any]) -> dict[str, Any]:
    lab: dict[str, Any] = _first_visit(data)["labs"][0]
    return lab


def _part0(data: dict[str, Any]) -> dict[str, Any]:
    part: dict[str, Any] = data["participants"][0]
    return part


def _patient0(data: dict[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = _part0(data)["patient"]
    return patient


def _top(data: dict[str, Any]) -> dict[str, Any]:
    return data


REJECTED: dict[str, Callable[[dict[str, Any]], None]] = {
    "pga above 3": _set(_first_visit, "pga", 3.5),
    "negative dose": _set(_first_visit, "glucocorticoid_mg_day", -1),
    "dose above limit": _set(_first_visit, "glucocorticoid_mg_day", 5000),
    "flag as string": _set(_first_visit, "rescue_therapy", "yes"),
    "flag as integer": _set(_first_visit, "rescue_therapy", 1),
    "pga as string": _set(_first_visit, "pga", "1"),
    "unknown descriptor": _set(_first_visit, "descriptors", {"arthritus": True}),
    "descriptor as integer": _set(_first_visit, "descriptors", {"rash": 1}),
    "unknown exclusion": _set(_first_visit, "exclusions", {"headache": "migraine"}),
    "exclusion without reason": _set(_first_visit, "exclusions", {"pyuria": " "}),
    "month 13": _set(_first_visit, "date", "2009-13-01"),
    "year 1850": _set(_first_visit, "date", "1850-01-01"),
    "date as number": _set(_first_visit, "date", 20090101),
    "partial date": _set(_first_visit, "date", "2009-05"),
    "unknown visit field": _set(_first_visit, "pga_score", 1),
    "empty unit": _set(_lab0, "unit", ""),
    "no unit": _set(_lab0, "unit", None),
    "negative creatinine": _set(_lab0, "value", -1.0),
    "value as string": _set(_lab0, "value", "1.2"),
    "value as bool": _set(_lab0, "value", True),
    "unknown analyte": _set(_lab0, "analyte", "c5"),
    "negative reference": _set(_lab0, "reference_low", -1),
    "unknown specimen": _set(_lab0, "specimen", "24h"),
    "sex spelt F": _set(_patient0, "sex", "F"),
    "height 400 cm": _set(_patient0, "height_cm", 400),
    "empty id": _set(_patient0, "id", ""),
    "participant without arm": _set(_part0, "arm", None),
    "participant without day0": _set(_part0, "day0", None),
    "unknown event type": _set(
        _part0, "events", [{"type": "funeral", "date": "2010-01-01"}]
    ),
    "repeated arm names": _set(_top, "arms", ["A", "A"]),
    "timepoint day 0": _set(_top, "schedule", [{"label": "d0", "day": 0}]),
    "negative window": _set(
        _top, "schedule", [{"label": "m1", "day": 30, "window_days": -1}]
    ),
    "baseline window as bool": _set(_top, "baseline_window_days", True),
    "synthetic as string": _set(_top, "synthetic", "yes"),
    "unknown trial field": _set(_top, "sponsor", "x"),
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_schema_rejects_what_the_library_rejects(case: str) -> None:
    """Each bad trial file is rejected by the library and by the schema alike."""
    data = _example(participants=1)
    REJECTED[case](data)
    with pytest.raises(ValidationError):
        ls.Trial.model_validate(data)
    assert list(_validator().iter_errors(data)), case


@pytest.mark.parametrize(
    ("unit", "value"), [("mg/dL", 500.0), ("µmol/L", 0.5), ("µmol/L", 5000.0)]
)
def test_schema_rejects_implausible_values_in_listed_units(
    unit: str, value: float
) -> None:
    """Creatinine 500 mg/dL (or 0.5 µmol/L) is implausible for schema and library."""
    data = _example(participants=1)
    lab = next(
        lab for lab in _first_visit(data)["labs"] if lab["analyte"] == "creatinine"
    )
    lab.update(unit=unit, value=value)
    with pytest.raises(ValidationError):
        ls.Trial.model_validate(data)
    assert list(_validator().iter_errors(data))


def test_schema_accepts_what_the_library_accepts() -> None:
    """SDTM datetimes, plausible values in other listed units and None pass both."""
    data = _example(participants=1)
    visit = _first_visit(data)
    visit["date"] = visit["date"] + "T10:30"
    visit["pga"] = None
    lab = next(lab for lab in visit["labs"] if lab["analyte"] == "creatinine")
    lab.update(unit="mg/dL", value=1.1, date=lab["date"] + "T08:00:00")
    ls.Trial.model_validate(data)
    assert list(_validator().iter_errors(data)) == []
