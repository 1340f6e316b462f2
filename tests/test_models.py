"""Models: validation at the boundary, canonical values, JSON round trips, schemas."""

from __future__ import annotations

import datetime as dt
import json
import math
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

import lupusscore as ls
from lupusscore.analytes import ANALYTES, Analyte
from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES


def _lab(**kw: Any) -> ls.LabResult:
    base: dict[str, Any] = {
        "analyte": "creatinine",
        "value": 1.2,
        "unit": "mg/dL",
        "date": "2009-05-01",
    }
    base.update(kw)
    return ls.LabResult(**base)


def _error_of(exc: ValidationError) -> Exception:
    """The library error carried inside a pydantic ValidationError."""
    ctx = exc.errors()[0].get("ctx") or {}
    err = ctx.get("error")
    assert isinstance(err, Exception), exc.errors()
    return err


# --- LabResult ------------------------------------------------------------------


def test_lab_keeps_unit_as_given_and_exposes_canonical() -> None:
    """A µmol/L creatinine keeps its unit and exposes mg/dL."""
    lab = _lab(value=123.8, unit="µmol/L")
    assert lab.unit == "µmol/L"
    assert lab.value == 123.8
    assert lab.canonical_unit == "mg/dL"
    assert lab.canonical_value == pytest.approx(123.8 / 88.4016973, rel=1e-6)


def test_reference_range_is_converted_with_the_value() -> None:
    """The lab's reference range is in the result's unit and converts with it."""
    lab = _lab(
        analyte="c3", value=52.0, unit="mg/dL", reference_low=90.0, reference_high=180.0
    )
    assert lab.reference_low_canonical == pytest.approx(0.9)
    assert lab.reference_high_canonical == pytest.approx(1.8)


def test_date_only_string_stays_a_date() -> None:
    """ "2009-05-01" is a date; an ISO datetime stays a datetime."""
    assert type(_lab().date) is dt.date
    assert type(_lab(date="2009-05-01T08:30:00").date) is dt.datetime


def test_missing_unit_field_is_rejected() -> None:
    """A lab value without a unit field is rejected (units are never guessed)."""
    with pytest.raises(ValidationError, match="unit"):
        ls.LabResult(analyte="creatinine", value=1.0, date="2009-05-01")  # type: ignore[call-arg]


@pytest.mark.parametrize("unit", [None, ""])
def test_no_unit_is_rejected_with_a_unit_error(unit: str | None) -> None:
    """None or an empty unit gives a UnitError naming the analyte."""
    with pytest.raises(ValidationError) as info:
        _lab(unit=unit)
    err = _error_of(info.value)
    assert isinstance(err, ls.UnitError)
    assert "creatinine" in str(err)
    assert "no unit" in str(err)


@pytest.mark.parametrize(
    ("analyte", "unit"), [("creatinine", "mmHg"), ("upcr", "mg/dL")]
)
def test_wrong_dimension_is_rejected(analyte: str, unit: str) -> None:
    """Creatinine in mmHg and UPCR in mg/dL are rejected, located at 'unit'."""
    with pytest.raises(ValidationError) as info:
        _lab(analyte=analyte, unit=unit)
    assert info.value.errors()[0]["loc"] == ("unit",)
    err = _error_of(info.value)
    assert isinstance(err, ls.UnitError)
    assert unit in str(err)
    assert "wrong dimension" in str(err)


@pytest.mark.parametrize("unit", ["mg//dL", "blorp/L", "mg/g{widgets}"])
def test_unparseable_unit_is_rejected(unit: str) -> None:
    """Units that cannot be parsed are rejected with a UnitError."""
    with pytest.raises(ValidationError) as info:
        _lab(unit=unit)
    assert isinstance(_error_of(info.value), ls.UnitError)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_non_finite_value_is_rejected(value: float) -> None:
    """NaN and infinities are rejected at 'value'."""
    with pytest.raises(ValidationError) as info:
        _lab(value=value)
    assert info.value.errors()[0]["loc"] == ("value",)
    assert isinstance(_error_of(info.value), ls.InvalidValueError)


def test_negative_concentration_is_rejected() -> None:
    """A negative concentration is rejected."""
    with pytest.raises(ValidationError, match=">= 0"):
        _lab(value=-0.1)


def test_string_value_is_rejected() -> None:
    """A value must be a number, not a string such as '<0.2'."""
    with pytest.raises(ValidationError, match="a number"):
        _lab(value="<0.2")


def test_implausible_creatinine_names_the_likely_unit() -> None:
    """Creatinine 500 "mg/dL" is almost certainly µmol/L: the message says so."""
    with pytest.raises(ValidationError) as info:
        _lab(value=500, unit="mg/dL")
    err = _error_of(info.value)
    assert isinstance(err, ls.ImplausibleValueError)
    message = str(err)
    assert "500" in message
    assert "mg/dL" in message
    assert "µmol/L" in message
    assert "plausible" in message


def test_implausible_c3_in_g_l_suggests_mg_dl() -> None:
    """C3 of 95 "g/L" is really mg/dL; the hint names mg/dL."""
    with pytest.raises(ValidationError, match="mg/dL"):
        _lab(analyte="c3", value=95, unit="g/L")


def test_unknown_analyte_is_rejected() -> None:
    """An unknown analyte name is rejected, listing the known ones."""
    with pytest.raises(ValidationError) as info:
        _lab(analyte="c5")
    err = _error_of(info.value)
    assert isinstance(err, ls.UnknownAnalyteError)
    assert "creatinine" in str(err)


@pytest.mark.parametrize(
    "date", ["2009-02-30", "2009-13-01", "yesterday", "1850-01-01"]
)
def test_impossible_dates_are_rejected(date: str) -> None:
    """Impossible and implausible dates are rejected at 'date'."""
    with pytest.raises(ValidationError) as info:
        _lab(date=date)
    assert info.value.errors()[0]["loc"] == ("date",)


def test_reference_range_must_be_ordered() -> None:
    """reference_low above reference_high is rejected."""
    with pytest.raises(ValidationError, match="reference_low"):
        _lab(reference_low=2.0, reference_high=1.0)


def test_unknown_field_is_rejected() -> None:
    """extra='forbid': a misspelt field is an error, not ignored."""
    with pytest.raises(ValidationError, match="extra"):
        _lab(refrence_low=1.0)


def test_models_are_frozen() -> None:
    """Results cannot be changed after validation."""
    lab = _lab()
    with pytest.raises(ValidationError):
        lab.value = 2.0  # type: ignore[misc]


# --- Patient / Visit / Participant -----------------------------------------------


def _patient(**kw: Any) -> ls.Patient:
    base: dict[str, Any] = {"id": "P01", "sex": "female", "birth_date": "1980-01-01"}
    base.update(kw)
    return ls.Patient(**base)


def _visit(date: str = "2009-05-01", **kw: Any) -> ls.Visit:
    base: dict[str, Any] = {"participant_id": "P01", "date": date}
    base.update(kw)
    return ls.Visit(**base)


def test_patient_age() -> None:
    """Age in years is days / 365.25."""
    assert _patient().age_years(dt.date(2010, 1, 1)) == pytest.approx(30.0, abs=0.01)


@pytest.mark.parametrize("height", [0.0, -5.0, 400.0, math.inf])
def test_implausible_height_is_rejected(height: float) -> None:
    """Height outside 30-250 cm is rejected (NaN is absent: see test_models_strict)."""
    with pytest.raises(ValidationError, match="height_cm"):
        _patient(height_cm=height)


def test_same_analyte_twice_at_same_time_is_rejected() -> None:
    """Two creatinine results at the same time in one visit is an error."""
    with pytest.raises(ValidationError) as info:
        _visit(labs=[_lab(), _lab(value=1.3)])
    assert isinstance(_error_of(info.value), ls.DuplicateResultError)


def test_same_analyte_different_specimen_is_allowed() -> None:
    """A spot and a 24-h UPCR on the same day are different results."""
    v = _visit(
        labs=[
            _lab(analyte="upcr", unit="g/g", value=1.0, specimen="spot_urine"),
            _lab(analyte="upcr", unit="g/g", value=1.2, specimen="urine_24h"),
        ]
    )
    assert len(v.labs_for("upcr")) == 2


def test_latest_picks_the_most_recent() -> None:
    """Visit.latest returns the newest result for an analyte, None if absent."""
    v = _visit(labs=[_lab(date="2009-04-28", value=1.0), _lab(value=1.1)])
    latest = v.latest("creatinine")
    assert latest is not None
    assert latest.value == 1.1
    assert v.latest("c3") is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pga", 3.5),
        ("pga", -0.1),
        ("glucocorticoid_mg_day", -1.0),
        ("glucocorticoid_mg_day", math.inf),
    ],
)
def test_visit_numeric_fields_are_bounded(field: str, value: float) -> None:
    """PGA is on 0-3; the glucocorticoid dose is finite and >= 0."""
    with pytest.raises(ValidationError, match=field):
        _visit(**{field: value})


def test_unknown_descriptor_name_is_rejected() -> None:
    """Only the 24 SLEDAI-2K descriptor names are accepted."""
    with pytest.raises(ValidationError, match="arthritus"):
        _visit(descriptors={"arthritus": True})
    assert _visit(descriptors={"arthritis": True}).descriptors == {"arthritis": True}
    assert len(SLEDAI_2K_DESCRIPTOR_NAMES) == 24


def test_visit_before_birth_is_rejected() -> None:
    """A visit dated before the patient's birth date is an error."""
    with pytest.raises(ValidationError) as info:
        ls.Participant(patient=_patient(), visits=[_visit("1979-12-31")])
    err = _error_of(info.value)
    assert isinstance(err, ls.InvalidDateError)
    assert "birth_date" in str(err)


def test_visits_out_of_order_are_rejected() -> None:
    """Visits must be in increasing date order."""
    with pytest.raises(ValidationError, match="increasing date order"):
        ls.Participant(
            patient=_patient(), visits=[_visit("2009-06-01"), _visit("2009-05-01")]
        )


def test_visit_of_another_participant_is_rejected() -> None:
    """A visit whose participant_id differs from the patient's id is an error."""
    with pytest.raises(ValidationError, match="participant_id"):
        ls.Participant(patient=_patient(), visits=[_visit(participant_id="P02")])


# --- JSON round trips and schemas ------------------------------------------------


@st.composite
def lab_results(draw: st.DrawFn) -> ls.LabResult:
    """Any valid LabResult: any analyte, family, accepted unit and plausible value."""
    analyte = draw(st.sampled_from(list(Analyte)))
    spec = ANALYTES[analyte]
    family = draw(st.sampled_from(spec.families))
    unit = draw(st.sampled_from(family.units))
    lo, hi = family.plausible or (0.0, 1000.0)
    span = hi - lo
    canonical = draw(st.floats(min_value=lo + 0.01 * span, max_value=hi - 0.01 * span))
    value = ls.convert(canonical, family.canonical_unit, unit, analyte=analyte)
    day = draw(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2100, 1, 1)))
    when: dt.date = day
    if draw(st.booleans()):
        when = dt.datetime.combine(day, dt.time(draw(st.integers(0, 23)), 15))
    return ls.LabResult(
        analyte=analyte,
        value=value,
        unit=unit,
        date=when,
        assay=draw(st.none() | st.sampled_from(["ELISA", "Farr", "CLIFT"])),
        specimen=draw(st.none() | st.sampled_from(list(ls.Specimen))),
    )


@given(lab=lab_results())
def test_lab_json_round_trip_is_exact(lab: ls.LabResult) -> None:
    """LabResult -> JSON -> LabResult is equal, value, unit and date kind kept."""
    again = ls.LabResult.model_validate_json(lab.model_dump_json())
    assert again == lab
    assert type(again.date) is type(lab.date)
    assert again.canonical_value == lab.canonical_value


@given(
    labs=st.lists(
        lab_results(), max_size=5, unique_by=lambda r: (r.analyte, r.date, r.specimen)
    ),
    pga=st.none() | st.floats(0, 3),
    gc=st.none() | st.floats(0, 100),
    rescue=st.none() | st.booleans(),
)
def test_visit_json_round_trip_is_exact(
    labs: list[ls.LabResult], pga: float | None, gc: float | None, rescue: bool | None
) -> None:
    """Visit -> JSON -> Visit is equal."""
    with warnings.catch_warnings():  # labs span 150 years: flagged, not the point
        warnings.simplefilter("ignore", ls.LabDateWarning)
        visit = ls.Visit(
            participant_id="P01",
            date="2100-01-01",
            labs=labs,
            pga=pga,
            glucocorticoid_mg_day=gc,
            rescue_therapy=rescue,
            descriptors={"rash": True, "fever": None},
        )
        assert ls.Visit.model_validate_json(visit.model_dump_json()) == visit


def test_participant_json_round_trip() -> None:
    """The bundled example participant round-trips through JSON."""
    from lupusscore.cli import load_example_participant

    p = load_example_participant()
    assert ls.Participant.model_validate_json(p.model_dump_json()) == p


@pytest.mark.parametrize(
    "model", [ls.Patient, ls.LabResult, ls.Visit, ls.Participant, ls.Criterion]
)
def test_json_schema_for_every_public_model(model: type[BaseModel]) -> None:
    """model_json_schema() works and is valid JSON for every public model."""
    schema = model.model_json_schema()
    assert schema["type"] == "object"
    json.dumps(schema)


@given(
    value=st.one_of(st.just(math.nan), st.just(math.inf), st.floats(max_value=-1e-9)),
    analyte=st.sampled_from([a for a in Analyte if a is not Analyte.BODY_TEMPERATURE]),
)
def test_invalid_values_are_always_rejected(value: float, analyte: Analyte) -> None:
    """NaN, infinities and negative values are rejected for every analyte."""
    unit = ANALYTES[analyte].canonical_unit
    with pytest.raises(ValidationError):
        _lab(analyte=analyte, value=value, unit=unit)


@given(
    unit=st.sampled_from(["mmHg", "kg", "m/s", "mol", "degC", "/hpf", "IU/mL"]),
    analyte=st.sampled_from(
        [Analyte.CREATININE, Analyte.UPCR, Analyte.C3, Analyte.PLATELETS]
    ),
)
def test_wrong_dimension_always_rejected(unit: str, analyte: Analyte) -> None:
    """Units of another dimension are rejected for concentration analytes."""
    with pytest.raises(ValidationError):
        _lab(analyte=analyte, value=1.0, unit=unit)


def test_json_schema_for_every_exported_model() -> None:
    """Every pydantic model exported at top level produces a JSON Schema."""
    models = [
        obj
        for name in ls.__all__
        if isinstance(obj := getattr(ls, name), type) and issubclass(obj, BaseModel)
    ]
    assert len(models) >= 10
    for model in models:
        json.dumps(model.model_json_schema())


def test_validation_message_names_field_value_unit_and_expectation() -> None:
    """A model's ValidationError names the field, value, unit and expectation."""
    with pytest.raises(ValidationError) as info:
        _lab(analyte="creatinine", value=-2.5, unit="µmol/L")
    text = str(info.value)
    for part in ("value", "creatinine", "-2.5", "µmol/L", "expected"):
        assert part in text, part
    with pytest.raises(ValidationError) as info:
        _lab(analyte="upcr", value=1.0, unit="mg/dL")
    text = str(info.value)
    for part in ("unit", "upcr", "'mg/dL'", "expected", "mg/mmol"):
        assert part in text, part
