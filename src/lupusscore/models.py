"""Pydantic v2 models: the boundary where input is validated once.

All models are frozen and forbid unknown fields. A :class:`LabResult` keeps the
value and unit exactly as given (so JSON round-trips exactly) and exposes the
value in its analyte's canonical unit (:attr:`LabResult.canonical_value`),
computed once at validation through :mod:`lupusscore.units`.

Bad input raises :class:`pydantic.ValidationError`; its message is the
lupusscore error built for the problem (naming field, value, unit and what was
expected), and ``exc.errors()[i]["ctx"]["error"]`` is that error object.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, Final, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from lupusscore.analytes import Analyte, analyte_spec
from lupusscore.errors import (
    DuplicateResultError,
    InvalidDateError,
    InvalidValueError,
    UnitError,
)
from lupusscore.units import ResolvedUnit, resolve_unit, to_canonical

__all__ = [
    "DEFAULT_BASELINE_WINDOW_DAYS",
    "EARLIEST_DATE",
    "LATEST_DATE",
    "SLEDAI_2K_DESCRIPTOR_NAMES",
    "Event",
    "EventType",
    "LabResult",
    "Participant",
    "Patient",
    "Sex",
    "Specimen",
    "Timepoint",
    "Trial",
    "Visit",
]

#: Dates before this are rejected as implausible for clinical data.
EARLIEST_DATE: Final = dt.date(1900, 1, 1)
#: Dates after this are rejected as implausible for clinical data.
LATEST_DATE: Final = dt.date(2199, 12, 31)

#: The 24 SLEDAI-2K descriptor names (Gladman, J Rheumatol 2002;29:288-91), in
#: the order of the published form. Weights and definitions live in
#: :mod:`lupusscore.activity`; the names are here so that a :class:`Visit` can
#: validate clinician-entered descriptors at the boundary.
SLEDAI_2K_DESCRIPTOR_NAMES: Final[tuple[str, ...]] = (
    "seizure",
    "psychosis",
    "organic_brain_syndrome",
    "visual_disturbance",
    "cranial_nerve_disorder",
    "lupus_headache",
    "cva",
    "vasculitis",
    "arthritis",
    "myositis",
    "urinary_casts",
    "hematuria",
    "proteinuria",
    "pyuria",
    "rash",
    "alopecia",
    "mucosal_ulcers",
    "pleurisy",
    "pericarditis",
    "low_complement",
    "increased_dna_binding",
    "fever",
    "thrombocytopenia",
    "leukopenia",
)

#: Highest accepted prednisone-equivalent dose, mg/day (IV methylprednisolone
#: 1000 mg pulses are 1250 mg prednisone-equivalent): a sanity limit.
_MAX_GC_MG_DAY: Final = 2000.0
#: PGA (SELENA-SLEDAI physician global assessment) is scored 0-3.
PGA_MAX: Final = 3.0
_HEIGHT_CM: Final = (30.0, 250.0)
_ISO_DATE_LENGTH: Final = 10

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Sex(StrEnum):
    """Sex as used by kidney-function equations."""

    FEMALE = "female"
    MALE = "male"


class Specimen(StrEnum):
    """The specimen a result came from; definitions may care (24-h PCR)."""

    SERUM = "serum"
    PLASMA = "plasma"
    WHOLE_BLOOD = "whole_blood"
    SPOT_URINE = "spot_urine"
    FIRST_MORNING_URINE = "first_morning_urine"
    URINE_24H = "urine_24h"


def _check_date(field: str, value: dt.date) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidDateError(
            field=field,
            value=value,
            expected=f"a date between {EARLIEST_DATE} and {LATEST_DATE}",
        )


def _day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _finite(
    field: str, value: float | None, *, lo: float, hi: float, unit: str = ""
) -> float | None:
    if value is None:
        return None
    if not (math.isfinite(value) and lo <= value <= hi):
        raise InvalidValueError(
            field=field,
            value=value,
            unit=unit,
            expected=f"a finite number between {lo:g} and {hi:g}",
        )
    return value


class Patient(BaseModel):
    """A patient: the fixed facts scores need.

    Attributes
    ----------
    id : str
        Participant identifier (non-empty).
    sex : Sex
        ``"female"`` or ``"male"``.
    birth_date : datetime.date
        Date of birth.
    height_cm : float, optional
        Height in cm (30-250), for paediatric eGFR equations.
    black : bool, optional
        Only for re-analysis with the race-based CKD-EPI 2009 / MDRD equations;
        current equations do not use it.

    Examples
    --------
    >>> Patient(id="P01", sex="female", birth_date="1985-03-02").sex
    <Sex.FEMALE: 'female'>
    """

    model_config = _FROZEN

    id: str = Field(min_length=1)
    sex: Sex
    birth_date: dt.date
    height_cm: float | None = None
    black: bool | None = None

    @field_validator("birth_date")
    @classmethod
    def _check_birth_date(cls, value: dt.date) -> dt.date:
        _check_date("birth_date", value)
        return value

    @field_validator("height_cm")
    @classmethod
    def _check_height(cls, value: float | None) -> float | None:
        return _finite(
            "height_cm", value, lo=_HEIGHT_CM[0], hi=_HEIGHT_CM[1], unit="cm"
        )

    def age_years(self, on: dt.date) -> float:
        """Age in years (days / 365.25) on date *on*.

        Raises
        ------
        InvalidDateError
            If *on* is before the birth date.
        """
        day = _day(on)
        if day < self.birth_date:
            raise InvalidDateError(
                field="date",
                value=day,
                expected=f"a date on or after birth_date {self.birth_date}",
            )
        return (day - self.birth_date).days / 365.25


class LabResult(BaseModel):
    """One lab result, with its unit validated for its analyte.

    Attributes
    ----------
    analyte : Analyte
        What was measured.
    unit : str
        The unit exactly as reported (kept for display and provenance).
    value : float
        The value as reported: finite, >= 0, plausible for the analyte.
    date : datetime.date or datetime.datetime
        When the specimen was collected.
    reference_low, reference_high : float, optional
        The reporting lab's reference range, in the same unit as *value*.
    assay : str, optional
        Assay or method (anti-dsDNA results are comparable only within one).
    specimen : Specimen, optional
        Specimen type (spot urine, 24-h urine, serum ...).

    Examples
    --------
    >>> r = LabResult(analyte="creatinine", value=1.4, unit="mg/dL", date="2009-05-01")
    >>> round(r.canonical_value, 2), r.canonical_unit
    (1.4, 'mg/dL')
    >>> r = LabResult(
    ...     analyte="creatinine", value=123.8, unit="µmol/L", date="2009-05-01"
    ... )
    >>> round(r.canonical_value, 2)
    1.4
    """

    model_config = _FROZEN

    analyte: Analyte
    unit: str
    value: float
    date: dt.datetime | dt.date
    reference_low: float | None = None
    reference_high: float | None = None
    assay: str | None = None
    specimen: Specimen | None = None

    _canonical: float = PrivateAttr(default=math.nan)
    _resolved: ResolvedUnit | None = PrivateAttr(default=None)

    @field_validator("analyte", mode="before")
    @classmethod
    def _check_analyte(cls, value: object) -> Analyte:
        if isinstance(value, Analyte):
            return value
        if not isinstance(value, str):
            return analyte_spec(repr(value)).analyte
        return analyte_spec(value).analyte

    @field_validator("unit", mode="before")
    @classmethod
    def _check_unit(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            analyte = info.data.get("analyte")
            raise UnitError(
                unit=None,
                analyte=None if analyte is None else str(analyte),
                expected="a unit for every lab value (units are never guessed)",
                reason="no unit was given",
            )
        analyte = info.data.get("analyte")
        if isinstance(value, str) and analyte is not None:
            resolve_unit(value, analyte)
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _check_value(cls, value: object, info: ValidationInfo) -> object:
        analyte, unit = info.data.get("analyte"), info.data.get("unit")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidValueError(
                field="value",
                value=value,
                unit=unit,
                analyte=None if analyte is None else str(analyte),
                expected="a number",
            )
        if analyte is not None and unit is not None:
            to_canonical(float(value), unit, analyte)
        elif not math.isfinite(value):
            raise InvalidValueError(
                field="value", value=value, expected="a finite number"
            )
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _parse_lab_date(cls, value: object) -> object:
        # A date-only string stays a date (pydantic would widen it to datetime).
        if isinstance(value, str):
            text = value.strip()
            try:
                if len(text) == _ISO_DATE_LENGTH:
                    return dt.date.fromisoformat(text)
                return dt.datetime.fromisoformat(text)
            except ValueError:
                raise InvalidDateError(
                    field="date",
                    value=value,
                    expected="a real calendar date as YYYY-MM-DD or an ISO datetime",
                ) from None
        return value

    @field_validator("date")
    @classmethod
    def _check_lab_date(cls, value: dt.date) -> dt.date:
        _check_date("date", value)
        return value

    @field_validator("reference_low", "reference_high", mode="before")
    @classmethod
    def _check_reference(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return None
        field = info.field_name or "reference"
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value >= 0)
        ):
            raise InvalidValueError(
                field=field,
                value=value,
                unit=info.data.get("unit"),
                expected="a finite number >= 0 in the result's unit",
            )
        return value

    @model_validator(mode="after")
    def _check_range_order(self) -> LabResult:
        lo, hi = self.reference_low, self.reference_high
        if lo is not None and hi is not None and lo > hi:
            raise InvalidValueError(
                field="reference_low",
                value=lo,
                unit=self.unit,
                expected=f"reference_low <= reference_high ({hi!r})",
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        """Compute the canonical value once, after validation."""
        canon, resolved = to_canonical(self.value, self.unit, self.analyte)
        self._canonical = canon
        self._resolved = resolved

    @property
    def resolved(self) -> ResolvedUnit:
        """How the unit was resolved (family and conversion)."""
        assert self._resolved is not None
        return self._resolved

    @property
    def canonical_value(self) -> float:
        """The value in the canonical unit of its unit family."""
        return self._canonical

    @property
    def canonical_unit(self) -> str:
        """The canonical unit of the value's family (``"mg/dL"`` ...)."""
        return self.resolved.family.canonical_unit

    @property
    def family(self) -> str:
        """The unit family (``"mass_concentration"``, ``"assay_units"`` ...)."""
        return self.resolved.family.name

    @property
    def reference_low_canonical(self) -> float | None:
        """The lab's lower reference limit in the canonical unit, if given."""
        if self.reference_low is None:
            return None
        return self.resolved.to_canonical.apply(self.reference_low)

    @property
    def reference_high_canonical(self) -> float | None:
        """The lab's upper reference limit in the canonical unit, if given."""
        if self.reference_high is None:
            return None
        return self.resolved.to_canonical.apply(self.reference_high)

    @property
    def day(self) -> dt.date:
        """The collection date (time of day dropped)."""
        return _day(self.date)


class Visit(BaseModel):
    """One dated assessment of a participant.

    Attributes
    ----------
    participant_id : str
        Whose visit this is.
    date : datetime.date
        Visit date.
    labs : tuple of LabResult
        Results attached to the visit (at most one per analyte, specimen and
        collection time).
    glucocorticoid_mg_day : float, optional
        Current oral glucocorticoid dose, mg/day prednisone-equivalent (0-2000).
    pga : float, optional
        Physician global assessment on the 0-3 SELENA-SLEDAI scale.
    rescue_therapy : bool, optional
        Whether rescue therapy was given; ``None`` means not recorded.
    descriptors : dict of str to bool or None
        Clinician-assessed SLEDAI-2K descriptors by name (True present, False
        absent, None not assessed); see :data:`SLEDAI_2K_DESCRIPTOR_NAMES`.
    exclusions : dict of str to str
        Descriptors to disregard because another cause explains them (e.g.
        ``{"pyuria": "urinary tract infection"}``).
    label : str, optional
        Protocol visit name ("week 24").
    unscheduled : bool
        True for an unscheduled visit.

    Examples
    --------
    >>> v = Visit(
    ...     participant_id="P01",
    ...     date="2009-05-01",
    ...     labs=[
    ...         LabResult(analyte="upcr", value=250, unit="mg/mmol", date="2009-05-01")
    ...     ],
    ... )
    >>> round(v.latest("upcr").canonical_value, 2)
    2.21
    """

    model_config = _FROZEN

    participant_id: str = Field(min_length=1)
    date: dt.date
    labs: tuple[LabResult, ...] = ()
    glucocorticoid_mg_day: float | None = None
    pga: float | None = None
    rescue_therapy: bool | None = None
    descriptors: dict[str, bool | None] = Field(default_factory=dict)
    exclusions: dict[str, str] = Field(default_factory=dict)
    label: str | None = None
    unscheduled: bool = False

    @field_validator("date")
    @classmethod
    def _check_visit_date(cls, value: dt.date) -> dt.date:
        _check_date("date", value)
        return value

    @field_validator("glucocorticoid_mg_day")
    @classmethod
    def _check_gc(cls, value: float | None) -> float | None:
        return _finite(
            "glucocorticoid_mg_day",
            value,
            lo=0.0,
            hi=_MAX_GC_MG_DAY,
            unit="mg/day prednisone-equivalent",
        )

    @field_validator("pga")
    @classmethod
    def _check_pga(cls, value: float | None) -> float | None:
        return _finite("pga", value, lo=0.0, hi=PGA_MAX, unit="(0-3 scale)")

    @field_validator("descriptors", "exclusions")
    @classmethod
    def _check_descriptor_names(
        cls, value: Mapping[str, object], info: ValidationInfo
    ) -> Mapping[str, object]:
        unknown = sorted(set(value) - set(SLEDAI_2K_DESCRIPTOR_NAMES))
        if unknown:
            raise InvalidValueError(
                field=info.field_name or "descriptors",
                value=unknown,
                expected="SLEDAI-2K descriptor names: "
                + ", ".join(SLEDAI_2K_DESCRIPTOR_NAMES),
            )
        return value

    @model_validator(mode="after")
    def _check_duplicates(self) -> Visit:
        seen: set[tuple[Analyte, dt.date, Specimen | None]] = set()
        for lab in self.labs:
            key = (lab.analyte, lab.date, lab.specimen)
            if key in seen:
                raise DuplicateResultError(
                    analyte=lab.analyte.value,
                    when=lab.date,
                    specimen=lab.specimen,
                )
            seen.add(key)
        return self

    def labs_for(self, analyte: Analyte | str) -> tuple[LabResult, ...]:
        """All results for *analyte*, oldest first."""
        a = analyte_spec(analyte).analyte
        found = [lab for lab in self.labs if lab.analyte is a]
        return tuple(sorted(found, key=lambda lab: _sort_key(lab.date)))

    def latest(self, analyte: Analyte | str) -> LabResult | None:
        """Return the most recent result for *analyte*, or ``None``."""
        found = self.labs_for(analyte)
        return found[-1] if found else None


def _sort_key(value: dt.date) -> tuple[dt.date, dt.time]:
    if isinstance(value, dt.datetime):
        return (value.date(), value.time())
    return (value, dt.time.min)


class EventType(StrEnum):
    """Intercurrent and outcome events recorded outside visits.

    ``dialysis`` means chronic (maintenance) dialysis; with ``transplant`` it
    defines end-stage kidney disease (ESKD) in :mod:`lupusscore.outcomes`.
    """

    DEATH = "death"
    DIALYSIS = "dialysis"
    TRANSPLANT = "transplant"
    WITHDRAWAL = "withdrawal"
    RESCUE_THERAPY = "rescue_therapy"


class Event(BaseModel):
    """One dated event of a participant (death, dialysis, withdrawal ...).

    Attributes
    ----------
    type : EventType
        What happened.
    date : datetime.date
        When it happened (the start date for dialysis and rescue therapy).
    note : str, optional
        Free text (cause of death, reason for withdrawal, drug given).

    Examples
    --------
    >>> Event(type="death", date="2010-02-03").type
    <EventType.DEATH: 'death'>
    """

    model_config = _FROZEN

    type: EventType
    date: dt.date
    note: str | None = None

    @field_validator("date")
    @classmethod
    def _check_event_date(cls, value: dt.date) -> dt.date:
        _check_date("date", value)
        return value


_M = TypeVar("_M", bound=BaseModel)


def _validate_items(field: str, model: type[_M], items: Iterable[object]) -> list[_M]:
    """Validate list items one by one, keeping ``field[i]`` in error locations."""
    out: list[_M] = []
    for i, item in enumerate(items):
        if isinstance(item, model):
            out.append(item)
            continue
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            details: list[InitErrorDetails] = [
                {
                    "type": err["type"],
                    "loc": (field, i, *err["loc"]),
                    "input": err["input"],
                    "ctx": err.get("ctx", {}),
                }
                for err in exc.errors()
            ]
            title = "Participant"
            raise ValidationError.from_exception_data(title, details) from None
    return out


class Participant(BaseModel):
    """A patient with their dated visits (in order), events and day 0.

    Attributes
    ----------
    patient : Patient
        The patient.
    arm : str, optional
        Treatment arm.
    visits : tuple of Visit
        Visits in strictly increasing date order, each for this patient, none
        before the birth date. Use :meth:`from_unordered` to build a
        participant from visits in any order.
    events : tuple of Event
        Events (death, dialysis, transplant, withdrawal, rescue therapy), none
        before the birth date, in date order (then by type); at most one death,
        and nothing but a death on or after the death date.
    day0 : datetime.date, optional
        The participant's reference date (randomisation, first infusion):
        study day 0. Required inside a :class:`Trial`.

    Examples
    --------
    >>> p = Patient(id="P01", sex="female", birth_date="1980-01-01")
    >>> Participant(
    ...     patient=p, visits=[Visit(participant_id="P01", date="2009-05-01")]
    ... ).visits[0].date
    datetime.date(2009, 5, 1)
    """

    model_config = _FROZEN

    patient: Patient
    arm: str | None = None
    visits: tuple[Visit, ...] = ()
    events: tuple[Event, ...] = ()
    day0: dt.date | None = None

    @classmethod
    def from_unordered(cls, data: Mapping[str, Any]) -> Participant:
        """Validate a participant record whose visits and events may be in any order.

        Visits are sorted by date and events by (date, type) before validation,
        so the order of the input records never changes a result. Two visits on
        the same date are still rejected.

        Parameters
        ----------
        data : mapping
            A participant record as in JSON (``patient``, ``arm``, ``visits``,
            ``events``, ``day0``); visits may be dicts or :class:`Visit`.

        Returns
        -------
        Participant
            The validated participant.

        Examples
        --------
        >>> rec = {
        ...     "patient": {"id": "P01", "sex": "female", "birth_date": "1980-01-01"},
        ...     "visits": [
        ...         {"participant_id": "P01", "date": "2009-06-01"},
        ...         {"participant_id": "P01", "date": "2009-05-01"},
        ...     ],
        ... }
        >>> [str(v.date) for v in Participant.from_unordered(rec).visits]
        ['2009-05-01', '2009-06-01']
        """
        record = dict(data)
        visits = _validate_items("visits", Visit, record.get("visits", ()))
        events = _validate_items("events", Event, record.get("events", ()))
        record["visits"] = sorted(visits, key=lambda v: v.date)
        record["events"] = sorted(events, key=lambda e: (e.date, e.type.value))
        return cls.model_validate(record)

    @model_validator(mode="after")
    def _check_visits(self) -> Participant:
        born = self.patient.birth_date
        previous: dt.date | None = None
        for i, visit in enumerate(self.visits):
            where = f"visits[{i}]"
            if visit.participant_id != self.patient.id:
                raise InvalidValueError(
                    field=f"{where}.participant_id",
                    value=visit.participant_id,
                    expected=f"the patient's id {self.patient.id!r}",
                )
            if visit.date < born:
                raise InvalidDateError(
                    field=f"{where}.date",
                    value=visit.date,
                    expected=f"a date on or after birth_date {born}",
                )
            for j, lab in enumerate(visit.labs):
                if lab.day < born:
                    raise InvalidDateError(
                        field=f"{where}.labs[{j}].date",
                        value=lab.date,
                        expected=f"a date on or after birth_date {born}",
                    )
            if previous is not None and visit.date <= previous:
                raise InvalidDateError(
                    field=f"{where}.date",
                    value=visit.date,
                    expected=f"visits in increasing date order (after {previous})",
                )
            previous = visit.date
        return self

    @model_validator(mode="after")
    def _check_events(self) -> Participant:
        born = self.patient.birth_date
        if self.day0 is not None:
            _check_date("day0", self.day0)
            if self.day0 < born:
                raise InvalidDateError(
                    field="day0",
                    value=self.day0,
                    expected=f"a date on or after birth_date {born}",
                )
        previous: tuple[dt.date, str] | None = None
        death: dt.date | None = None
        for i, event in enumerate(self.events):
            where = f"events[{i}]"
            if event.date < born:
                raise InvalidDateError(
                    field=f"{where}.date",
                    value=event.date,
                    expected=f"a date on or after birth_date {born}",
                )
            key = (event.date, event.type.value)
            if previous is not None and key < previous:
                raise InvalidDateError(
                    field=f"{where}.date",
                    value=event.date,
                    expected=f"events in date order (on or after {previous[0]})",
                )
            previous = key
            if death is not None:
                raise InvalidDateError(
                    field=f"{where}.date",
                    value=event.date,
                    expected=f"no event after the death on {death}",
                )
            if event.type is EventType.DEATH:
                death = event.date
        if death is not None:
            for i, visit in enumerate(self.visits):
                if visit.date > death:
                    raise InvalidDateError(
                        field=f"visits[{i}].date",
                        value=visit.date,
                        expected=f"no visit after the death on {death}",
                    )
        return self

    def events_of(self, *types: EventType | str) -> tuple[Event, ...]:
        """Events of the given types (all events if none given), in date order.

        Examples
        --------
        >>> p = Patient(id="P01", sex="female", birth_date="1980-01-01")
        >>> part = Participant(
        ...     patient=p, events=[{"type": "death", "date": "2011-01-01"}]
        ... )
        >>> [e.type.value for e in part.events_of("death", "withdrawal")]
        ['death']
        """
        if not types:
            return self.events
        wanted = {EventType(t) for t in types}
        return tuple(e for e in self.events if e.type in wanted)


#: Default look-back for baseline values: the latest result in the 30 days up to
#: and including day 0. An analysis convention chosen by lupusscore (not a
#: clinical threshold); set ``Trial.baseline_window_days`` from the protocol.
DEFAULT_BASELINE_WINDOW_DAYS: Final = 30


class Timepoint(BaseModel):
    """A scheduled assessment time: target study day and allowed window.

    Attributes
    ----------
    label : str
        Name, e.g. ``"month 12"``.
    day : int
        Target study day (day 0 is the participant's reference date), >= 1.
    window_days : int
        Visits on days ``day - window_days`` to ``day + window_days``
        (inclusive) belong to the timepoint; >= 0.

    Examples
    --------
    >>> Timepoint(label="month 12", day=365, window_days=30).day
    365
    """

    model_config = _FROZEN

    label: str = Field(min_length=1)
    day: int = Field(ge=1)
    window_days: int = Field(default=0, ge=0)

    @property
    def first_day(self) -> int:
        """First study day inside the window."""
        return self.day - self.window_days

    @property
    def last_day(self) -> int:
        """Last study day inside the window."""
        return self.day + self.window_days


class Trial(BaseModel):
    """A trial: participants by arm, each with their own day 0.

    Attributes
    ----------
    name : str
        Trial name.
    description : str, optional
        Free text (for a synthetic data set, say so here).
    synthetic : bool
        True for simulated data; reports label it prominently.
    day0 : str
        What day 0 is, e.g. ``"randomisation"`` or ``"first infusion"``.
    arms : tuple of str
        The arms in display order; every participant's arm must be one of them.
        Empty means "the arms the participants carry, sorted".
    schedule : tuple of Timepoint
        Scheduled timepoints after day 0, in increasing day order, with
        distinct labels and non-overlapping windows.
    baseline_window_days : int
        Baseline is the latest value on study days ``-baseline_window_days``
        to 0; default :data:`DEFAULT_BASELINE_WINDOW_DAYS`.
    participants : tuple of Participant
        Unique patient ids; every participant has an arm and a ``day0``.

    Examples
    --------
    >>> p = Patient(id="P01", sex="female", birth_date="1980-01-01")
    >>> t = Trial(
    ...     name="demo",
    ...     day0="randomisation",
    ...     participants=[Participant(patient=p, arm="A", day0="2009-05-01")],
    ... )
    >>> t.arm_names
    ('A',)
    """

    model_config = _FROZEN

    name: str = Field(min_length=1)
    description: str | None = None
    synthetic: bool = False
    day0: str = Field(default="randomisation", min_length=1)
    arms: tuple[str, ...] = ()
    schedule: tuple[Timepoint, ...] = ()
    baseline_window_days: int = Field(default=DEFAULT_BASELINE_WINDOW_DAYS, ge=0)
    participants: tuple[Participant, ...] = ()

    @model_validator(mode="after")
    def _check_schedule(self) -> Trial:
        for i in range(1, len(self.schedule)):
            before, tp = self.schedule[i - 1], self.schedule[i]
            if tp.label in {t.label for t in self.schedule[:i]}:
                raise InvalidValueError(
                    field=f"schedule[{i}].label",
                    value=tp.label,
                    expected="distinct timepoint labels",
                )
            if tp.first_day <= before.last_day:
                raise InvalidValueError(
                    field=f"schedule[{i}]",
                    value=f"day {tp.day} +/- {tp.window_days}",
                    expected=(
                        "timepoints in increasing day order with windows that do "
                        f"not overlap the previous one ({before.label!r}, day "
                        f"{before.day} +/- {before.window_days})"
                    ),
                )
        return self

    @model_validator(mode="after")
    def _check_trial(self) -> Trial:
        if len(set(self.arms)) != len(self.arms):
            raise InvalidValueError(
                field="arms", value=list(self.arms), expected="distinct arm names"
            )
        seen: dict[str, int] = {}
        for i, part in enumerate(self.participants):
            pid = part.patient.id
            where = f"participants[{i}]"
            if pid in seen:
                raise InvalidValueError(
                    field=f"{where}.patient.id",
                    value=pid,
                    expected=f"a unique id (also used by participants[{seen[pid]}])",
                )
            seen[pid] = i
            if part.arm is None or (self.arms and part.arm not in self.arms):
                raise InvalidValueError(
                    field=f"{where}.arm",
                    value=part.arm,
                    expected="one of the trial's arms: " + ", ".join(self.arms)
                    if self.arms
                    else "an arm name",
                )
            if part.day0 is None:
                raise InvalidDateError(
                    field=f"{where}.day0",
                    value=None,
                    expected=f"the participant's day 0 ({self.day0}) as YYYY-MM-DD",
                )
        return self

    @property
    def arm_names(self) -> tuple[str, ...]:
        """The arms in display order (declared, else sorted)."""
        if self.arms:
            return self.arms
        return tuple(sorted({p.arm for p in self.participants if p.arm is not None}))

    def timepoint(self, label: str) -> Timepoint:
        """Return the scheduled timepoint called *label*.

        Raises
        ------
        InvalidValueError
            If the schedule has no such timepoint.
        """
        for tp in self.schedule:
            if tp.label == label:
                return tp
        raise InvalidValueError(
            field="schedule",
            value=label,
            expected="a scheduled timepoint label: "
            + (", ".join(repr(t.label) for t in self.schedule) or "(none scheduled)"),
        )
