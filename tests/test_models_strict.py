"""Models (issue 10 items 3, 4): strict input, immutability, identity, all errors."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import warnings
from importlib.resources import files
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError

import lupusscore as ls
from lupusscore import models
from lupusscore.activity import SLEDAI_VARIANTS, sledai_2k_visit
from lupusscore.cli import load_example_trial

PATIENT: dict[str, Any] = {"id": "P01", "sex": "female", "birth_date": "1980-01-01"}


def _lab(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "analyte": "creatinine",
        "value": 1.2,
        "unit": "mg/dL",
        "date": "2009-05-01",
    }
    return base | kw


def _visit(**kw: Any) -> dict[str, Any]:
    return {"participant_id": "P01", "date": "2009-05-01"} | kw


# --- 1. no silent coercion -----------------------------------------------------

COERCIONS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (ls.Visit, _visit(pga="1")),
    (ls.Visit, _visit(pga=True)),
    (ls.Visit, _visit(pga="yes")),
    (ls.Visit, _visit(glucocorticoid_mg_day="10")),
    (ls.Visit, _visit(glucocorticoid_mg_day=True)),
    (ls.Visit, _visit(rescue_therapy="yes")),
    (ls.Visit, _visit(rescue_therapy=1)),
    (ls.Visit, _visit(rescue_therapy="1")),
    (ls.Visit, _visit(rescue_therapy=0)),
    (ls.Visit, _visit(unscheduled=1)),
    (ls.Visit, _visit(descriptors={"rash": 1})),
    (ls.Visit, _visit(descriptors={"rash": "yes"})),
    (ls.Visit, _visit(descriptors={"rash": 0})),
    (ls.Visit, _visit(descriptors={"rash": "1"})),
    (ls.Visit, _visit(date=0)),
    (ls.Visit, _visit(date=True)),
    (ls.LabResult, _lab(value=True)),
    (ls.LabResult, _lab(value="1.2")),
    (ls.LabResult, _lab(value=np.bool_(True))),
    (ls.LabResult, _lab(date=1)),
    (ls.LabResult, _lab(reference_high="1")),
    (ls.LabResult, _lab(reference_high=True)),
    (ls.Patient, PATIENT | {"black": 1}),
    (ls.Patient, PATIENT | {"black": "yes"}),
    (ls.Patient, PATIENT | {"height_cm": "160"}),
    (ls.Patient, PATIENT | {"birth_date": 0}),
    (ls.Patient, PATIENT | {"id": 1}),
    (ls.Timepoint, {"label": "m12", "day": True}),
    (ls.Timepoint, {"label": "m12", "day": "365"}),
    (ls.Timepoint, {"label": "m12", "day": 365, "window_days": 1.5}),
    (ls.Trial, {"name": "t", "synthetic": "yes"}),
    (ls.Trial, {"name": "t", "synthetic": 1}),
    (ls.Trial, {"name": "t", "baseline_window_days": True}),
    (ls.Event, {"type": "death", "date": 0}),
]


@pytest.mark.parametrize(("model", "data"), COERCIONS)
def test_no_silent_coercion(model: type[BaseModel], data: dict[str, Any]) -> None:
    """'yes', 1, '1', True and 0 never become a flag, descriptor, number or date."""
    with pytest.raises(ValidationError) as info:
        model.model_validate(data)
    (bad,) = info.value.errors()
    assert bad["loc"][0] in data
    # The lupusscore error (when there is one) names the field it rejects.
    err = (bad.get("ctx") or {}).get("error")
    if err is not None:
        assert isinstance(err, ls.LupusScoreError)
        assert str(bad["loc"][0]) in str(err)


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        ("pga", np.float32(1.5), 1.5),
        ("pga", np.int64(2), 2.0),
        ("glucocorticoid_mg_day", np.int64(10), 10.0),
        ("rescue_therapy", np.bool_(True), True),
        ("unscheduled", np.bool_(False), False),
    ],
)
def test_numpy_scalars_are_accepted(field: str, value: Any, stored: Any) -> None:
    """numpy numbers are numbers, numpy booleans flags; stored as Python types."""
    got = getattr(ls.Visit(**_visit(**{field: value})), field)
    assert got == stored
    assert type(got) is type(stored)


def test_numpy_scalars_as_lab_values() -> None:
    """np.float32 / np.int64 lab values are accepted; np.bool_ is not a number."""
    assert ls.LabResult(**_lab(value=np.float32(1.5))).value == 1.5
    assert ls.LabResult(**_lab(value=np.int64(2))).canonical_value == 2.0
    with pytest.raises(ValidationError, match="value"):
        ls.LabResult(**_lab(value=np.bool_(False)))


def test_integer_numbers_are_numbers() -> None:
    """An int dose or PGA is a number (only bool and strings are refused)."""
    visit = ls.Visit(**_visit(pga=1, glucocorticoid_mg_day=0))
    assert (visit.pga, visit.glucocorticoid_mg_day) == (1.0, 0.0)


def test_missing_markers_are_absent_for_optional_fields() -> None:
    """None, NaN, pandas.NA and NaT are 'absent' (None) in optional fields."""
    pd = pytest.importorskip("pandas")
    for missing in (None, float("nan"), np.float64("nan"), pd.NA, pd.NaT):
        visit = ls.Visit(
            **_visit(
                pga=missing,
                glucocorticoid_mg_day=missing,
                rescue_therapy=missing,
                label=missing,
                descriptors={"rash": missing},
            )
        )
        assert visit.pga is None
        assert visit.glucocorticoid_mg_day is None
        assert visit.rescue_therapy is None
        assert visit.label is None
        assert visit.descriptors == {"rash": None}
        patient = ls.Patient(**PATIENT, height_cm=missing, black=missing)
        assert patient.height_cm is None
        assert patient.black is None
        lab = ls.LabResult(
            **_lab(specimen=missing, assay=missing, reference_high=missing)
        )
        assert (lab.specimen, lab.assay, lab.reference_high) == (None, None, None)
        part = ls.Participant(patient=PATIENT, arm=missing, day0=missing)
        assert (part.arm, part.day0) == (None, None)


def test_missing_markers_are_errors_for_required_fields() -> None:
    """A missing visit date or lab value is an error, never a default."""
    pd = pytest.importorskip("pandas")
    with pytest.raises(ValidationError, match="date"):
        ls.Visit(participant_id="P01", date=pd.NaT)
    for missing in (float("nan"), pd.NA):
        with pytest.raises(ValidationError, match="value"):
            ls.LabResult(**_lab(value=missing))


def test_pandas_timestamp_and_numpy_datetime_are_dates() -> None:
    """pandas.Timestamp and numpy.datetime64 are dates, stored as plain types."""
    pd = pytest.importorskip("pandas")
    visit = ls.Visit(participant_id="P01", date=pd.Timestamp("2014-01-02 10:30"))
    assert visit.date == dt.date(2014, 1, 2)
    assert type(visit.date) is dt.date
    lab = ls.LabResult(**_lab(date=pd.Timestamp("2014-01-02 10:30")))
    assert type(lab.date) is dt.datetime
    assert lab.date == dt.datetime(2014, 1, 2, 10, 30)
    assert ls.Visit(participant_id="P01", date=np.datetime64("2014-01-02")).date == (
        dt.date(2014, 1, 2)
    )


@pytest.mark.parametrize(
    "text", ["2014-01-02T10:30", "2014-01-02T10:30:00", "2014-01-02T10:30:00+02:00"]
)
def test_sdtm_datetimes_give_the_visit_date(text: str) -> None:
    """An SDTM datetime on Visit.date gives the date as written; labs keep the time."""
    assert ls.Visit(participant_id="P01", date=text).date == dt.date(2014, 1, 2)
    assert ls.Event(type="death", date=text).date == dt.date(2014, 1, 2)
    assert ls.Patient(**PATIENT | {"birth_date": text}).birth_date == dt.date(
        2014, 1, 2
    )
    lab = ls.LabResult(**_lab(date=text))
    assert isinstance(lab.date, dt.datetime)
    assert (lab.date.hour, lab.date.minute, lab.day) == (10, 30, dt.date(2014, 1, 2))


@pytest.mark.parametrize("text", ["2014-01", "2014", "02/01/2014", "2014-01-02T25:00"])
def test_partial_or_foreign_dates_are_rejected(text: str) -> None:
    """Partial SDTM dates and non-ISO spellings cannot place a visit."""
    with pytest.raises(ValidationError) as info:
        ls.Visit(participant_id="P01", date=text)
    assert isinstance(info.value.errors()[0]["ctx"]["error"], ls.InvalidDateError)


def test_json_dates_are_accepted_from_text_and_from_parsed_json() -> None:
    """Strictness keeps ISO date strings from JSON, as text and as parsed JSON."""
    text = files("lupusscore").joinpath("data/example_trial.json").read_text("utf-8")
    from_text = ls.Trial.model_validate_json(text)
    from_parsed = ls.Trial.model_validate(json.loads(text))
    assert from_text == from_parsed == load_example_trial()
    assert len(from_text.participants) > 10


# --- 2. immutable containers ---------------------------------------------------


def _containers(value: object, where: str) -> list[str]:
    """Paths of mutable containers reachable from a model's fields."""
    found: list[str] = []
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found += _containers(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, list | dict | set | bytearray):
        found.append(f"{where}: {type(value).__name__}")
    elif isinstance(value, tuple | models.FrozenMap):
        items = value.values() if isinstance(value, models.FrozenMap) else value
        for i, item in enumerate(items):
            found += _containers(item, f"{where}[{i}]")
    return found


def test_every_model_holds_only_immutable_containers() -> None:
    """No list, dict or set anywhere in a validated trial (every model, every field)."""
    trial = load_example_trial()
    assert _containers(trial, "trial") == []


def test_visit_descriptors_cannot_be_edited_in_place() -> None:
    """Editing a frozen visit's descriptors in place fails; the SLEDAI score holds."""
    visit = ls.Visit(
        **_visit(descriptors={"rash": False}, exclusions={"pyuria": "UTI"})
    )
    before = sledai_2k_visit(visit).score
    with pytest.raises(TypeError):
        visit.descriptors["rash"] = True  # type: ignore[index]
    with pytest.raises(TypeError):
        visit.exclusions["fever"] = "infection"  # type: ignore[index]
    with pytest.raises(AttributeError):
        visit.descriptors.update({"rash": True})  # type: ignore[attr-defined]
    assert visit.descriptors == {"rash": False}
    assert sledai_2k_visit(visit).score == before


def test_models_hash_pickle_copy_and_round_trip() -> None:
    """Every model hashes, pickles, deep-copies and round-trips through JSON."""
    trial = load_example_trial()
    part = trial.participants[0]
    visit = part.visits[0]
    objects: list[BaseModel] = [
        trial,
        part,
        part.patient,
        visit,
        visit.labs[0],
        *part.events,
        ls.Timepoint(label="m12", day=365, window_days=30),
        ls.Event(type="death", date="2010-01-01"),
    ]
    for obj in objects:
        again = pickle.loads(pickle.dumps(obj))
        assert again == obj
        assert hash(again) == hash(obj)
        assert copy.deepcopy(obj) == obj
        assert type(obj).model_validate_json(obj.model_dump_json()) == obj
    lab = pickle.loads(pickle.dumps(visit.labs[0]))
    assert lab.canonical_value == visit.labs[0].canonical_value


# --- 3. one conversion ---------------------------------------------------------


def test_lab_result_converts_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Validating a LabResult converts its value to canonical units exactly once."""
    calls: list[tuple[object, ...]] = []
    real = models.to_canonical

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(models, "to_canonical", counting)
    lab = ls.LabResult(**_lab(value=123.8, unit="µmol/L"))
    assert len(calls) == 1
    assert lab.canonical_value == pytest.approx(1.4, abs=0.001)


def test_implausible_value_is_still_located_at_value() -> None:
    """The single conversion still reports an implausible value at 'value'."""
    with pytest.raises(ValidationError) as info:
        ls.LabResult(**_lab(value=500))
    (bad,) = info.value.errors()
    assert bad["loc"] == ("value",)
    assert isinstance(bad["ctx"]["error"], ls.ImplausibleValueError)


# --- 4. identity ---------------------------------------------------------------


def _two_same_day(second_value: float) -> list[dict[str, Any]]:
    return [
        _visit(labs=[_lab(value=1.2)]),
        _visit(labs=[_lab(value=second_value)]),
    ]


@pytest.mark.parametrize("order", [1, -1])
def test_conflicting_same_date_visits_are_a_duplicate_error(order: int) -> None:
    """Two different visits on one date are a DuplicateResultError, in either order."""
    visits = _two_same_day(1.5)[::order]
    for build in (
        lambda: ls.Participant(patient=PATIENT, visits=visits),
        lambda: ls.Participant.from_unordered({"patient": PATIENT, "visits": visits}),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        (bad,) = info.value.errors()
        err = bad["ctx"]["error"]
        assert isinstance(err, ls.DuplicateResultError)
        assert isinstance(err, ls.DuplicateVisitError)
        assert bad["loc"] == ("visits", 1, "date")
        assert "creatinine" in str(err)
        assert "P01" in str(err)


def test_identical_same_date_visits_are_merged() -> None:
    """The same visit record twice is one visit (nothing conflicts)."""
    part = ls.Participant(patient=PATIENT, visits=_two_same_day(1.2))
    assert len(part.visits) == 1
    assert part.visits[0].labs[0].value == 1.2


def test_distant_lab_is_flagged() -> None:
    """A lab more than LAB_VISIT_MAX_GAP_DAYS from its visit raises LabDateWarning."""
    gap = models.LAB_VISIT_MAX_GAP_DAYS
    visit_day = dt.date(2009, 5, 1)
    edge = (visit_day - dt.timedelta(days=gap)).isoformat()
    beyond = (visit_day - dt.timedelta(days=gap + 1)).isoformat()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ok = ls.Visit(**_visit(labs=[_lab(date=edge)]))
    assert ok.labs_far_from_visit() == ()
    with pytest.warns(ls.LabDateWarning, match=r"creatinine on .*31 days"):
        far = ls.Visit(**_visit(labs=[_lab(date=beyond)]))
    assert far.labs_far_from_visit() == far.labs
    assert issubclass(ls.LabDateWarning, UserWarning)


def test_lab_gap_rule_is_the_longest_shipped_window() -> None:
    """The lab-date rule is the longest look-back of any shipped SLEDAI variant."""
    longest = max(v.window_days for v in SLEDAI_VARIANTS.values())
    assert longest == models.LAB_VISIT_MAX_GAP_DAYS


# --- 6. every error reported ---------------------------------------------------


def test_every_bad_participant_of_a_trial_is_reported() -> None:
    """Three bad participants give three located errors, not only the first."""
    part = {"patient": PATIENT, "arm": "A", "day0": "2009-05-01"}
    other = {"patient": PATIENT | {"id": "P02"}, "arm": "A", "day0": "2009-05-01"}
    with pytest.raises(ValidationError) as info:
        ls.Trial(
            name="t",
            arms=("A",),
            participants=[
                part | {"arm": "Z"},
                other | {"day0": None},
                part,
            ],
        )
    locs = {err["loc"] for err in info.value.errors()}
    assert locs == {
        ("participants", 0, "arm"),
        ("participants", 1, "day0"),
        ("participants", 2, "patient", "id"),
    }


def test_every_bad_visit_field_is_reported() -> None:
    """Bad fields in several visits and events are all reported, each located."""
    with pytest.raises(ValidationError) as info:
        ls.Participant(
            patient=PATIENT,
            visits=[
                _visit(date="1979-05-01"),
                _visit(date="2009-06-01", participant_id="P09"),
                _visit(date="2009-07-01", pga=9),
                _visit(date="2009-08-01", rescue_therapy="yes"),
            ],
            events=[{"type": "death", "date": "1970-01-01"}],
        )
    locs = [err["loc"] for err in info.value.errors()]
    assert ("visits", 2, "pga") in locs
    assert ("visits", 3, "rescue_therapy") in locs


def test_model_level_problems_are_all_reported() -> None:
    """Visit/event problems found after field validation are all reported."""
    with pytest.raises(ValidationError) as info:
        ls.Participant(
            patient=PATIENT,
            visits=[
                _visit(date="1979-05-01"),
                _visit(date="2009-06-01", participant_id="P09"),
            ],
            events=[{"type": "withdrawal", "date": "1970-01-01"}],
        )
    locs = {err["loc"] for err in info.value.errors()}
    assert locs == {
        ("visits", 0, "date"),
        ("visits", 1, "participant_id"),
        ("events", 0, "date"),
    }


def test_from_unordered_reports_every_bad_visit_and_event() -> None:
    """from_unordered reports all bad visits and events, not only the first."""
    with pytest.raises(ValidationError) as info:
        ls.Participant.from_unordered(
            {
                "patient": PATIENT,
                "visits": [
                    _visit(date="2009-06-01", pga=7),
                    _visit(date="2009-05-01"),
                    _visit(date="2009-07-01", rescue_therapy="yes"),
                ],
                "events": [{"type": "funeral", "date": "2010-01-01"}],
            }
        )
    locs = {err["loc"][:3] for err in info.value.errors()}
    assert locs == {
        ("visits", 0, "pga"),
        ("visits", 2, "rescue_therapy"),
        ("events", 0, "type"),
    }
