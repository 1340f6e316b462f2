"""Pydantic v2 models: the boundary where input is validated once.

All models are frozen, forbid unknown fields and hold only immutable data
(tuples and :class:`FrozenMap`), so a validated :class:`Visit` cannot be edited
in place. A :class:`LabResult` keeps the value and unit exactly as given (so
JSON round-trips exactly) and exposes the value in its analyte's canonical unit
(:attr:`LabResult.canonical_value`), converted once, after validation, through
:mod:`lupusscore.units`.

Input is strict: ``"yes"``, ``1``, ``"1"``, ``True`` and ``0`` are never
coerced into a flag, number, descriptor or date. What real data holds is
accepted on purpose: numpy scalars (``np.int64``, ``np.float32``, never
``np.bool_`` as a number) as numbers, ``np.bool_`` as a flag, ``None``, NaN,
``pandas.NA`` and ``NaT`` as *absent* for optional fields, ISO 8601 strings
(``"2014-01-02"``, and SDTM datetimes ``"2014-01-02T10:30"``) and
``datetime``/``pandas.Timestamp``/``numpy.datetime64`` for dates.

Bad input raises :class:`pydantic.ValidationError`; its message is the
lupusscore error built for the problem (naming field, value, unit and what was
expected), ``exc.errors()[i]["ctx"]["error"]`` is that error object, and every
bad field of a trial is reported, not only the first.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import math
import numbers
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import StrEnum
from importlib import metadata as _metadata
from typing import Any, ClassVar, Final, TypeVar

import numpy as np
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictStr,
    ValidationError,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails

from lupusscore._checks import (
    as_choice,
    as_count,
    as_flags,
    as_floats,
    as_tristate,
    describe,
    is_missing_scalar,
)
from lupusscore._display import Displayable, Grid, View, short
from lupusscore.analytes import ANALYTES, Analyte, analyte_spec
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import (
    DuplicateResultError,
    DuplicateVisitError,
    InvalidDateError,
    InvalidValueError,
    LabDateWarning,
    LupusScoreError,
    UnitError,
)
from lupusscore.results import FrozenModel
from lupusscore.units import ResolvedUnit, convert, resolve_unit, to_canonical

__all__ = [
    "DEFAULT_BASELINE_WINDOW_DAYS",
    "EARLIEST_DATE",
    "JSON_SCHEMA_DIALECT",
    "LAB_VISIT_MAX_GAP_DAYS",
    "LATEST_DATE",
    "SLEDAI_2K_DESCRIPTOR_NAMES",
    "SPECIMEN_PREFERENCE",
    "Event",
    "EventType",
    "FrozenMap",
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


#: Highest accepted prednisone-equivalent dose, mg/day (IV methylprednisolone
#: 1000 mg pulses are 1250 mg prednisone-equivalent): a sanity limit.
_MAX_GC_MG_DAY: Final = 2000.0
#: PGA (SELENA-SLEDAI physician global assessment) is scored 0-3.
PGA_MAX: Final = 3.0
_HEIGHT_CM: Final = (30.0, 250.0)

#: A lab attached to a visit but collected more than this many days before or
#: after the visit date is flagged with :class:`~lupusscore.errors.LabDateWarning`
#: (and listed by :meth:`Visit.labs_far_from_visit`). 30 days is the longest
#: look-back any shipped score gives a visit's labs: the validated 30-day
#: SLEDAI-2K window (Touma Z, Urowitz MB, Gladman DD. Lupus 2010;19:49-51); the
#: published SLEDAI-2K window is 10 days. A lab further away cannot describe the
#: visit's disease activity under any shipped definition. This is an analysis
#: convention (a data-quality flag), not a clinical threshold.
LAB_VISIT_MAX_GAP_DAYS: Final = 30

#: The JSON Schema dialect of :meth:`Trial.model_json_schema` and the others.
JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"

#: ISO 8601 calendar date, optionally with a time and offset (SDTM ``--DTC``
#: datetimes such as ``2014-01-02T10:30``), years 1900-2199. Partial SDTM dates
#: (``2014-01``) cannot place a visit and are rejected.
_ISO_DATE_PATTERN: Final = (
    r"^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$"
)
_ISO_DATE_RE: Final = re.compile(_ISO_DATE_PATTERN)
_DATE_ONLY_LENGTH: Final = 10

_K = TypeVar("_K")
_V = TypeVar("_V")


class FrozenMap(Displayable, Mapping[_K, _V]):
    """A read-only, hashable, picklable mapping (a frozen model's dict field).

    It compares equal to any mapping with the same items (so
    ``visit.descriptors == {"rash": True}``), keeps insertion order, and
    cannot be changed in place.

    Examples
    --------
    >>> m = FrozenMap({"rash": True})
    >>> m["rash"], m == {"rash": True}, hash(m) == hash(FrozenMap(rash=True))
    (True, True, True)
    """

    __slots__ = ("_data",)
    _data: dict[_K, _V]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "_data", dict(*args, **kwargs))

    def __getitem__(self, key: _K) -> _V:
        return self._data[key]

    def __iter__(self) -> Iterator[_K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        # The dict's own test (Mapping's default raises and catches a KeyError).
        return key in self._data

    def get(self, key: _K, default: Any = None) -> Any:
        """Return the value for *key*, else *default* (as ``dict.get``)."""
        return self._data.get(key, default)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._data) == dict(other)
        return NotImplemented

    def __setattr__(self, name: str, value: object) -> None:
        msg = "FrozenMap is read-only"
        raise AttributeError(msg)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenMap, (dict(self._data),))

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def _display_view(self) -> View:
        return View(
            title=f"FrozenMap ({len(self._data)} entries)",
            facts=tuple((str(k), short(v)) for k, v in self._data.items()),
        )


def _show(value: object) -> object:
    """Return *value* for an error: itself if small and plain, else a description."""
    plain = value is None or isinstance(value, bool | int | float | str)
    return value if plain and len(describe(value)) < 80 else describe(value)  # noqa: PLR2004


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


def _as_date(
    field: str, value: object, *, keep_time: bool, optional: bool
) -> dt.date | None:
    """Strictly parse a date: a date, datetime, numpy datetime64 or ISO string.

    ``None``/NaT/NaN/``pandas.NA`` are absent (``None``) when *optional*. A
    time of day is kept when *keep_time*, else dropped (the calendar date as
    written, whatever the offset). Numbers and booleans are never dates.
    """
    if type(value) is str:  # the usual input (JSON, CSV): parsed once per text
        return _iso_text_date(field, value, keep_time=keep_time)
    expected = _DATE_EXPECTED
    if is_missing_scalar(value):
        if optional:
            return None
        raise InvalidDateError(field=field, value=_show(value), expected=expected)
    parsed: dt.date
    if isinstance(value, dt.datetime):  # also pandas.Timestamp: made plain
        parsed = dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            value.tzinfo,
        )
    elif isinstance(value, dt.date):
        parsed = dt.date(value.year, value.month, value.day)
    elif isinstance(value, np.datetime64):
        day_precision = np.datetime_data(value.dtype)[0] in {"Y", "M", "W", "D"}
        as_us = value.astype("datetime64[us]").item()
        if not isinstance(as_us, dt.datetime):  # pragma: no cover - out of range
            raise InvalidDateError(field=field, value=_show(value), expected=expected)
        parsed = as_us.date() if day_precision else as_us
    elif isinstance(value, str):  # a str subclass: not cached
        return _parse_iso_text(field, value, keep_time=keep_time)
    else:
        raise InvalidDateError(field=field, value=_show(value), expected=expected)
    if not keep_time:
        parsed = _day(parsed)
    _check_date(field, parsed)
    return parsed


_DATE_EXPECTED: Final = (
    "a real calendar date as YYYY-MM-DD or an ISO 8601 datetime (YYYY-MM-DDThh:mm[:ss])"
)


def _parse_iso_text(field: str, value: str, *, keep_time: bool) -> dt.date:
    """Parse an ISO 8601 date or datetime text, strictly (see :func:`_as_date`)."""
    text = value.strip()
    parsed: dt.date
    try:
        if not _ISO_DATE_RE.fullmatch(text):
            raise ValueError
        if len(text) == _DATE_ONLY_LENGTH:
            parsed = dt.date.fromisoformat(text)
        else:
            parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidDateError(
            field=field, value=_show(value), expected=_DATE_EXPECTED
        ) from None
    if not keep_time:
        parsed = _day(parsed)
    _check_date(field, parsed)
    return parsed


#: :func:`_parse_iso_text` cached per (field, text, keep_time): dates recur in a
#: trial, and dates are immutable, so a cached one can be shared. An error is
#: raised anew each time (exceptions are not cached).
_iso_text_date: Final = functools.lru_cache(maxsize=8192)(_parse_iso_text)


def _as_number(
    field: str,
    value: object,
    *,
    lo: float,
    hi: float,
    unit: str | None,
    optional: bool,
) -> float | None:
    """Strictly check one number: no bool, no string; NaN absent if *optional*."""
    if optional and is_missing_scalar(value):
        return None
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        not_bool = ", not a boolean" if isinstance(value, bool | np.bool_) else ""
        raise InvalidValueError(
            field=field,
            value=_show(value),
            unit=unit,
            expected=f"a number between {lo:g} and {hi:g}{not_bool}",
        )
    number = float(as_floats(field, value, unit=unit))
    if not lo <= number <= hi:
        raise InvalidValueError(
            field=field,
            value=_show(value),
            unit=unit,
            expected=f"a finite number between {lo:g} and {hi:g}",
        )
    return number


def _as_flag(field: str, value: object, *, optional: bool) -> bool | None:
    """Strictly check one flag: True/False (or numpy bool); missing if *optional*."""
    if optional and is_missing_scalar(value):
        return None
    flag = as_flags(field, value)
    if flag.ndim != 0:
        raise InvalidValueError(
            field=field, value=_show(value), expected="True or False"
        )
    return bool(flag)


def _as_text(value: object) -> object:
    """Missing markers become None; anything else goes on to strict str checks."""
    return None if is_missing_scalar(value) else value


def check_stratification(name: str, value: object) -> FrozenMap[str, str]:
    """Check a participant's stratification factors: factor name to level.

    Names and levels are non-empty text (not only blanks), kept as given; a
    missing level (None, NaN) means the factor is not recorded and is left
    out. Anything else is an :class:`InvalidValueError` naming the factor.
    """
    if value is None:
        return FrozenMap()
    if not isinstance(value, Mapping):
        raise InvalidValueError(
            field=name,
            value=describe(value),
            expected='a mapping of factor name to level (text), e.g. {"region": "EU"}',
        )
    out: dict[str, str] = {}
    for key, level in value.items():
        if not isinstance(key, str) or not key.strip():
            raise InvalidValueError(
                field=name, value=describe(key), expected="a non-empty factor name"
            )
        if is_missing_scalar(level):
            continue
        if not isinstance(level, str) or not level.strip():
            raise InvalidValueError(
                field=f"{name}[{key!r}]",
                value=describe(level),
                expected="the factor's level as non-empty text (or None: not recorded)",
            )
        out[key] = level
    return FrozenMap(out)


def _error_detail(loc: tuple[str | int, ...], exc: Exception) -> InitErrorDetails:
    value = getattr(exc, "value", None)
    return {
        "type": "value_error",
        "loc": loc,
        "input": value,
        "ctx": {"error": exc},
    }


def _raise_all(
    title: str, problems: list[tuple[tuple[str | int, ...], LupusScoreError]]
) -> None:
    """Raise every problem found at once, each located at its field."""
    if problems:
        details = [_error_detail(loc, exc) for loc, exc in problems]
        raise ValidationError.from_exception_data(title, details)


# --- JSON Schema ---------------------------------------------------------------

_SECTION_RULE: Final = re.compile(r"^-{3,}$")


def _docstring_parts(doc: str | None) -> tuple[str, dict[str, str]]:
    """Return the summary and the numpy ``Attributes`` entries of a docstring."""
    lines = inspect.cleandoc(doc or "").splitlines()
    summary: list[str] = []
    for line in lines:
        if not line.strip():
            break
        summary.append(line.strip())
    attrs: dict[str, str] = {}
    try:
        start = lines.index("Attributes") + 2
    except ValueError:
        return " ".join(summary), attrs
    names: list[str] = []
    for i in range(start, len(lines)):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _SECTION_RULE.match(nxt.strip()):
            break
        if line and not line.startswith(" ") and " : " in line:
            names = [n.strip() for n in line.split(" : ")[0].split(",")]
            for name in names:
                attrs[name] = ""
        elif line.strip() and names:
            for name in names:
                attrs[name] = (attrs[name] + " " + line.strip()).strip()
    return " ".join(summary), attrs


_RST_ROLE: Final = re.compile(r":[a-z]+:`~?([^`]+)`")


def _plain_text(text: str) -> str:
    """Drop reST markup (roles, literals) from a docstring excerpt."""
    return _RST_ROLE.sub(r"\1", text).replace("``", "")


def _package_version() -> str:
    try:
        return _metadata.version("lupusscore")
    except _metadata.PackageNotFoundError:  # pragma: no cover - source tree
        return "0+unknown"


def _strip_format(schema: dict[str, Any]) -> None:
    """Drop ``format`` (date/date-time) where the pattern says what is accepted."""
    schema.pop("format", None)
    for sub in schema.get("anyOf", ()):
        sub.pop("format", None)
        if sub.get("type") == "string":
            sub["pattern"] = _ISO_DATE_PATTERN


def _schema_extra(schema: dict[str, Any], cls: type[Any]) -> None:
    """Describe every property and add the constraints the validators apply."""
    summary, attrs = _docstring_parts(cls.__doc__)
    schema["description"] = _plain_text(summary)
    props: dict[str, dict[str, Any]] = schema.get("properties", {})
    for name, prop in props.items():
        if name in getattr(cls, "_date_fields", ()):
            _strip_format(prop)
            prop["pattern"] = _ISO_DATE_PATTERN
        prop.update(getattr(cls, "_schema_props", {}).get(name, {}))
        prop["description"] = _plain_text(attrs.get(name) or "")
    extend = getattr(cls, "_extend_schema", None)
    if extend is not None:
        extend(schema)


class _Model(FrozenModel):
    """Shared configuration: the library's frozen base, plus a documented schema."""

    model_config = ConfigDict(json_schema_extra=_schema_extra)

    #: Date fields (pattern instead of ``format`` in the schema).
    _date_fields: ClassVar[tuple[str, ...]] = ()
    #: Extra JSON Schema keywords per property (the validators' constraints).
    _schema_props: ClassVar[dict[str, dict[str, Any]]] = {}

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of the model, with ``$schema`` and ``$id``.

        ``$id`` names the lupusscore version (``urn:lupusscore:<version>:<Model>``);
        every property has a ``description`` and carries the ranges, enums,
        patterns and descriptor names the validators enforce. Cross-field rules
        JSON Schema cannot express (visit order, unique ids, a participant's arm
        among the trial's arms, unit dimensions) are stated in the descriptions
        and enforced by the library.
        """
        schema = super().model_json_schema(*args, **kwargs)
        head = {
            "$schema": JSON_SCHEMA_DIALECT,
            "$id": f"urn:lupusscore:{_package_version()}:{cls.__name__}",
        }
        return head | schema


class Patient(_Model):
    """A patient: the fixed facts scores need.

    Attributes
    ----------
    id : str
        Participant identifier (non-empty).
    sex : Sex
        ``"female"`` or ``"male"``.
    birth_date : datetime.date
        Date of birth (an ISO 8601 datetime is accepted; its time is dropped).
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

    _date_fields: ClassVar[tuple[str, ...]] = ("birth_date",)
    _schema_props: ClassVar[dict[str, dict[str, Any]]] = {
        "height_cm": {"minimum": _HEIGHT_CM[0], "maximum": _HEIGHT_CM[1]},
    }

    id: StrictStr = Field(min_length=1)
    sex: Sex
    birth_date: dt.date
    height_cm: float | None = None
    black: bool | None = None

    @field_validator("sex", mode="before")
    @classmethod
    def _check_sex(cls, value: object) -> Sex:
        return Sex(as_choice("sex", value, Sex))

    @field_validator("birth_date", mode="before")
    @classmethod
    def _check_birth_date(cls, value: object) -> dt.date | None:
        return _as_date("birth_date", value, keep_time=False, optional=False)

    @field_validator("height_cm", mode="before")
    @classmethod
    def _check_height(cls, value: object) -> float | None:
        lo, hi = _HEIGHT_CM
        return _as_number("height_cm", value, lo=lo, hi=hi, unit="cm", optional=True)

    @field_validator("black", mode="before")
    @classmethod
    def _check_black(cls, value: object) -> bool | None:
        return _as_flag("black", value, optional=True)

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


class LabResult(_Model):
    """One lab result, with its unit validated for its analyte.

    Attributes
    ----------
    analyte : Analyte
        What was measured.
    unit : str
        The unit exactly as reported (kept for display and provenance); it must
        fit the analyte (the schema lists the usual spellings per analyte as
        examples; other spellings lupusscore.units parses to the right
        dimension are accepted too).
    value : float
        The value as reported: finite, >= 0 (except body temperature) and
        plausible for the analyte in its unit.
    date : datetime.date or datetime.datetime
        When the specimen was collected: a YYYY-MM-DD date stays a date, an ISO
        8601 datetime (SDTM ``2014-01-02T10:30``) keeps its time.
    reference_low, reference_high : float, optional
        The reporting lab's reference range, in the same unit as *value*
        (finite, >= 0, low <= high).
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

    _date_fields: ClassVar[tuple[str, ...]] = ("date",)
    _schema_props: ClassVar[dict[str, dict[str, Any]]] = {
        "unit": {"minLength": 1, "pattern": r"\S"},
        "reference_low": {"minimum": 0},
        "reference_high": {"minimum": 0},
    }

    analyte: Analyte
    unit: StrictStr
    value: float
    date: dt.datetime | dt.date
    reference_low: float | None = None
    reference_high: float | None = None
    assay: StrictStr | None = None
    specimen: Specimen | None = None

    _canonical: float = PrivateAttr(default=math.nan)
    _resolved: ResolvedUnit | None = PrivateAttr(default=None)

    @field_validator("analyte", mode="before")
    @classmethod
    def _check_analyte(cls, value: object) -> Analyte:
        if isinstance(value, Analyte):
            return value
        if not isinstance(value, str):
            return analyte_spec(describe(value)).analyte
        return analyte_spec(value).analyte

    @field_validator("unit", mode="before")
    @classmethod
    def _check_unit(cls, value: object, info: ValidationInfo) -> object:
        analyte = info.data.get("analyte")
        if value is None or is_missing_scalar(value):
            raise UnitError(
                unit=None,
                analyte=None if analyte is None else str(analyte),
                expected="a unit for every lab value (units are never guessed)",
                reason="no unit was given",
            )
        if not isinstance(value, str):
            raise UnitError(
                unit=describe(value),
                analyte=None if analyte is None else str(analyte),
                expected="a unit written as a string, such as 'mg/dL'",
                reason="a unit is text",
            )
        if analyte is not None:
            resolve_unit(value, analyte)
        return value

    @field_validator("value", mode="before")
    @classmethod
    def _check_value(cls, value: object, info: ValidationInfo) -> float:
        # Type and finiteness only: the one conversion (with the >= 0 and
        # plausibility checks) happens once, in model_post_init.
        analyte, unit = info.data.get("analyte"), info.data.get("unit")
        name = None if analyte is None else str(analyte)
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            raise InvalidValueError(
                field="value",
                value=_show(value),
                unit=unit,
                analyte=name,
                expected="a number",
            )
        return float(as_floats("value", value, unit=unit, analyte=name))

    @field_validator("date", mode="before")
    @classmethod
    def _check_lab_date(cls, value: object) -> dt.date | None:
        return _as_date("date", value, keep_time=True, optional=False)

    @field_validator("reference_low", "reference_high", mode="before")
    @classmethod
    def _check_reference(cls, value: object, info: ValidationInfo) -> float | None:
        field = info.field_name or "reference"
        return _as_number(
            field,
            value,
            lo=0.0,
            hi=math.inf,
            unit=info.data.get("unit"),
            optional=True,
        )

    @field_validator("assay", mode="before")
    @classmethod
    def _check_assay(cls, value: object) -> object:
        return _as_text(value)

    @field_validator("specimen", mode="before")
    @classmethod
    def _check_specimen(cls, value: object) -> Specimen | None:
        if is_missing_scalar(value):
            return None
        return Specimen(as_choice("specimen", value, Specimen))

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
        """Convert to the canonical unit, once, after validation.

        A value that is negative or implausible for its analyte and unit is
        reported as a located error at ``value``.
        """
        try:
            canon, resolved = to_canonical(self.value, self.unit, self.analyte)
        except UnitError as exc:  # pragma: no cover - the unit validator ran
            _raise_all("LabResult", [(("unit",), exc)])
            raise
        except InvalidValueError as exc:
            _raise_all("LabResult", [(("value",), exc)])
            raise
        self._canonical = canon
        self._resolved = resolved

    @classmethod
    def _extend_schema(cls, schema: dict[str, Any]) -> None:
        """Per analyte: usual unit spellings, >= 0 and the plausible ranges."""
        rules: list[dict[str, Any]] = []
        for analyte, spec in ANALYTES.items():
            spellings = [u for fam in spec.families for u in fam.units]
            then: dict[str, Any] = {"properties": {"unit": {"examples": spellings}}}
            if analyte is not Analyte.BODY_TEMPERATURE:
                then["properties"]["value"] = {"minimum": 0}
            by_unit: list[dict[str, Any]] = []
            for fam in spec.families:
                if fam.plausible is None:
                    continue
                for unit in fam.units:
                    ends = [
                        convert(x, fam.canonical_unit, unit, analyte=analyte)
                        for x in fam.plausible
                    ]
                    by_unit.append(
                        {
                            "if": {"properties": {"unit": {"const": unit}}},
                            "then": {
                                "properties": {
                                    "value": {
                                        "minimum": min(ends),
                                        "maximum": max(ends),
                                    }
                                }
                            },
                        }
                    )
            if by_unit:
                then["allOf"] = by_unit
            rules.append(
                {
                    "if": {"properties": {"analyte": {"const": analyte.value}}},
                    "then": then,
                }
            )
        schema["allOf"] = rules

    @property
    def resolved(self) -> ResolvedUnit:
        """How the unit was resolved (family and conversion)."""
        # Read the private store directly: pydantic's __getattr__ route for
        # private attributes costs ~1 µs per read, and labs are read often.
        resolved: ResolvedUnit | None = self._private()["_resolved"]
        assert resolved is not None
        return resolved

    @property
    def canonical_value(self) -> float:
        """The value in the canonical unit of its unit family."""
        canonical: float = self._private()["_canonical"]
        return canonical

    def _private(self) -> dict[str, Any]:
        """Return the private attributes (set once, in model_post_init)."""
        private = self.__pydantic_private__
        assert private is not None
        return private

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
        return canonical_limit(self.resolved, self.reference_low)

    @property
    def reference_high_canonical(self) -> float | None:
        """The lab's upper reference limit in the canonical unit, if given."""
        return canonical_limit(self.resolved, self.reference_high)

    @property
    def day(self) -> dt.date:
        """The collection date (time of day dropped)."""
        return _day(self.date)


def canonical_limit(resolved: ResolvedUnit, limit: float | None) -> float | None:
    """Return a reference limit given in a lab's unit in its canonical unit.

    The rule of :attr:`LabResult.reference_low_canonical` and
    ``reference_high_canonical`` (None stays None), for callers that hold the
    lab's resolved unit already (:func:`lab_columns`' ``"resolved"``).
    """
    return None if limit is None else resolved.to_canonical.apply(limit)


#: The columns :func:`lab_columns` returns: the fields, then two derived ones.
LAB_COLUMNS: Final = (
    "analyte",
    "date",
    "value",
    "unit",
    "reference_low",
    "reference_high",
    "specimen",
    "assay",
    "canonical_value",
    "resolved",
)


def lab_columns(labs: Sequence[LabResult]) -> dict[str, list[Any]]:
    """Return the labs' fields as columns, read in one pass (read-only).

    Keys are :data:`LAB_COLUMNS`: each field, ``"canonical_value"`` and
    ``"resolved"`` (the same values as :attr:`LabResult.canonical_value` and
    :attr:`LabResult.resolved`, read from the store ``model_post_init``
    filled: nothing is converted again). One pass over the labs touches each
    lab once (a columnar layout of tens of thousands of labs is bound by
    memory reads) and makes no container per lab.
    """
    cols: dict[str, list[Any]] = {name: [] for name in LAB_COLUMNS}
    analyte, date, value, unit = (cols[k].append for k in LAB_COLUMNS[:4])
    low, high, specimen, assay = (cols[k].append for k in LAB_COLUMNS[4:8])
    canonical, resolved = cols["canonical_value"].append, cols["resolved"].append
    for lab in labs:
        stored = lab.__dict__
        analyte(stored["analyte"])
        date(stored["date"])
        value(stored["value"])
        unit(stored["unit"])
        low(stored["reference_low"])
        high(stored["reference_high"])
        specimen(stored["specimen"])
        assay(stored["assay"])
        private = lab.__pydantic_private__
        assert private is not None
        canonical(private["_canonical"])
        resolved(private["_resolved"])
    return cols


def field_columns(models: Sequence[BaseModel], names: Sequence[str]) -> list[list[Any]]:
    """For each field name, ``[getattr(m, name) for m in models]`` (read-only).

    The fields are read from each model's ``__dict__`` (where pydantic keeps
    them), once per model, rather than by attribute lookup per field.
    """
    data = [m.__dict__ for m in models]
    return [[d[name] for d in data] for name in names]


def mapping_columns(
    maps: Sequence[Mapping[str, Any]], keys: Sequence[str]
) -> list[list[Any]]:
    """For each key, ``[m.get(key) for m in maps]`` (read-only).

    A :class:`FrozenMap` is read through its dict directly (a C-level
    ``dict.get`` per item rather than a Python method call).
    """
    data = [m._data if type(m) is FrozenMap else m for m in maps]
    return [[d.get(key) for d in data] for key in keys]


class Visit(_Model):
    """One dated assessment of a participant.

    Attributes
    ----------
    participant_id : str
        Whose visit this is.
    date : datetime.date
        Visit date (an ISO 8601 datetime such as SDTM ``2014-01-02T10:30`` is
        accepted; the visit keeps the calendar date as written and drops the
        time).
    labs : tuple of LabResult
        Results attached to the visit (at most one per analyte, specimen and
        collection time). A lab collected more than
        :data:`LAB_VISIT_MAX_GAP_DAYS` days from the visit date is flagged with
        a ``LabDateWarning``.
    glucocorticoid_mg_day : float, optional
        Current oral glucocorticoid dose, mg/day prednisone-equivalent (0-2000).
    pga : float, optional
        Physician global assessment on the 0-3 SELENA-SLEDAI scale.
    rescue_therapy : bool, optional
        Whether rescue therapy was given; ``None`` means not recorded.
    descriptors : mapping of str to bool or None
        Clinician-assessed SLEDAI-2K descriptors by name (True present, False
        absent, None not assessed); see :data:`SLEDAI_2K_DESCRIPTOR_NAMES`.
        Read-only (a :class:`FrozenMap`).
    exclusions : mapping of str to str
        Descriptors to disregard because another cause explains them, each
        with a non-empty reason (e.g. ``{"pyuria": "urinary tract infection"}``).
        Read-only.
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

    _date_fields: ClassVar[tuple[str, ...]] = ("date",)
    _schema_props: ClassVar[dict[str, dict[str, Any]]] = {
        "glucocorticoid_mg_day": {"minimum": 0, "maximum": _MAX_GC_MG_DAY},
        "pga": {"minimum": 0, "maximum": PGA_MAX},
        "descriptors": {"propertyNames": {"enum": list(SLEDAI_2K_DESCRIPTOR_NAMES)}},
        "exclusions": {
            "propertyNames": {"enum": list(SLEDAI_2K_DESCRIPTOR_NAMES)},
            "additionalProperties": {"type": "string", "pattern": r"\S"},
        },
    }

    participant_id: StrictStr = Field(min_length=1)
    date: dt.date
    labs: tuple[LabResult, ...] = ()
    glucocorticoid_mg_day: float | None = None
    pga: float | None = None
    rescue_therapy: bool | None = None
    descriptors: Mapping[str, bool | None] = Field(default_factory=FrozenMap)
    exclusions: Mapping[str, str] = Field(default_factory=FrozenMap)
    label: StrictStr | None = None
    unscheduled: bool = False

    @field_validator("date", mode="before")
    @classmethod
    def _check_visit_date(cls, value: object) -> dt.date | None:
        return _as_date("date", value, keep_time=False, optional=False)

    @field_validator("glucocorticoid_mg_day", mode="before")
    @classmethod
    def _check_gc(cls, value: object) -> float | None:
        return _as_number(
            "glucocorticoid_mg_day",
            value,
            lo=0.0,
            hi=_MAX_GC_MG_DAY,
            unit="mg/day prednisone-equivalent",
            optional=True,
        )

    @field_validator("pga", mode="before")
    @classmethod
    def _check_pga(cls, value: object) -> float | None:
        return _as_number(
            "pga", value, lo=0.0, hi=PGA_MAX, unit="(0-3 scale)", optional=True
        )

    @field_validator("rescue_therapy", mode="before")
    @classmethod
    def _check_rescue(cls, value: object) -> bool | None:
        return _as_flag("rescue_therapy", value, optional=True)

    @field_validator("unscheduled", mode="before")
    @classmethod
    def _check_unscheduled(cls, value: object) -> bool | None:
        return _as_flag("unscheduled", value, optional=False)

    @field_validator("label", mode="before")
    @classmethod
    def _check_label(cls, value: object) -> object:
        return _as_text(value)

    @field_validator("descriptors", "exclusions", mode="before")
    @classmethod
    def _check_descriptor_map(
        cls, value: object, info: ValidationInfo
    ) -> dict[str, object]:
        field = info.field_name or "descriptors"
        reasons = field == "exclusions"
        kind = "a reason (text)" if reasons else "True, False or None (not assessed)"
        if not isinstance(value, Mapping):
            raise InvalidValueError(
                field=field,
                value=_show(value),
                expected=f"a mapping of SLEDAI-2K descriptor names to {kind}",
            )
        unknown = sorted(
            k if isinstance(k, str) else describe(k)
            for k in value
            if not (isinstance(k, str) and k in SLEDAI_2K_DESCRIPTOR_NAMES)
        )
        if unknown:
            raise InvalidValueError(
                field=field,
                value=unknown,
                expected="SLEDAI-2K descriptor names: "
                + ", ".join(SLEDAI_2K_DESCRIPTOR_NAMES),
            )
        out: dict[str, object] = {}
        bad: list[str] = []
        for name, item in value.items():
            if reasons:
                if isinstance(item, str) and item.strip():
                    out[name] = item
                else:
                    bad.append(f"{name}={describe(item)}")
                continue
            try:
                code = float(as_tristate(f"{field}[{name!r}]", item))
            except InvalidValueError:
                bad.append(f"{name}={describe(item)}")
                continue
            out[name] = None if math.isnan(code) else code == 1.0
        if bad:
            raise InvalidValueError(
                field=field,
                value=", ".join(bad),
                expected=f"each descriptor mapped to {kind}",
            )
        return out

    @field_validator("descriptors", "exclusions")
    @classmethod
    def _freeze(cls, value: Mapping[str, Any]) -> FrozenMap[str, Any]:
        return FrozenMap(value)

    @field_serializer("descriptors", "exclusions")
    def _plain_dict(self, value: Mapping[str, Any]) -> dict[str, Any]:
        return dict(value)

    @model_validator(mode="after")
    def _check_duplicates(self) -> Visit:
        seen: set[tuple[Analyte, dt.date, Specimen | None]] = set()
        problems: list[tuple[tuple[str | int, ...], LupusScoreError]] = []
        for j, lab in enumerate(self.labs):
            key = (lab.analyte, lab.date, lab.specimen)
            if key in seen:
                err = DuplicateResultError(
                    analyte=lab.analyte.value,
                    when=lab.date,
                    specimen=lab.specimen,
                )
                problems.append((("labs", j), err))
            seen.add(key)
        _raise_all("Visit", problems)
        far = self.labs_far_from_visit()
        if far:
            shown = ", ".join(
                f"{lab.analyte.value} on {lab.day} ({abs((lab.day - self.date).days)} "
                "days)"
                for lab in far
            )
            warnings.warn(
                LabDateWarning(
                    f"participant {self.participant_id}, visit {self.date}: "
                    f"{len(far)} lab(s) collected more than {LAB_VISIT_MAX_GAP_DAYS} "
                    f"days from the visit: {shown}; check the lab or visit date"
                ),
                stacklevel=2,
            )
        return self

    def labs_far_from_visit(
        self, max_days: int = LAB_VISIT_MAX_GAP_DAYS
    ) -> tuple[LabResult, ...]:
        """Labs collected more than *max_days* days before or after the visit.

        See :data:`LAB_VISIT_MAX_GAP_DAYS` for the rule and its rationale.
        """
        days = as_count("max_days", max_days)
        return tuple(lab for lab in self.labs if abs((lab.day - self.date).days) > days)

    def labs_for(self, analyte: Analyte | str) -> tuple[LabResult, ...]:
        """All results for *analyte*, oldest first.

        Results at the same time (different specimens) are ordered by
        :data:`SPECIMEN_PREFERENCE`, least preferred first, so the order never
        depends on the order the labs were listed in.
        """
        a = analyte_spec(analyte).analyte
        found = [lab for lab in self.labs if lab.analyte is a]
        return tuple(sorted(found, key=_lab_order))

    def latest(self, analyte: Analyte | str) -> LabResult | None:
        """Return the most recent result for *analyte*, or ``None``.

        Of several results at the latest time, the one from the most
        preferred specimen (:data:`SPECIMEN_PREFERENCE`).
        """
        found = self.labs_for(analyte)
        return found[-1] if found else None


#: Which specimen's result stands for a visit when one analyte was measured
#: on several specimens at the same time, most preferred first. A timed 24-hour
#: urine collection is the reference measurement of proteinuria (KDIGO 2024 LN
#: guideline; a spot ratio estimates it), then a first-morning and a random
#: spot sample; serum before plasma before whole blood (the specimens the
#: reference methods are standardised in); a result without a stated specimen
#: comes last. The rule makes the choice independent of input order.
SPECIMEN_PREFERENCE: Final[tuple[Specimen | None, ...]] = (
    Specimen.URINE_24H,
    Specimen.FIRST_MORNING_URINE,
    Specimen.SPOT_URINE,
    Specimen.SERUM,
    Specimen.PLASMA,
    Specimen.WHOLE_BLOOD,
    None,
)


def _sort_key(value: dt.date) -> tuple[dt.date, dt.time]:
    if isinstance(value, dt.datetime):
        return (value.date(), value.time())
    return (value, dt.time.min)


def _lab_order(lab: LabResult) -> tuple[dt.date, dt.time, int]:
    """Time first; at one time, the preferred specimen last."""
    rank = len(SPECIMEN_PREFERENCE) - SPECIMEN_PREFERENCE.index(lab.specimen)
    return (*_sort_key(lab.date), rank)


def _same_visit(a: Visit, b: Visit) -> bool:
    """Tell whether two visits hold the same data, whatever order the labs are in."""
    if a.model_dump(exclude={"labs"}) != b.model_dump(exclude={"labs"}):
        return False
    key = lambda lab: repr(lab.model_dump())  # noqa: E731 - a total order on labs
    return sorted(a.labs, key=key) == sorted(b.labs, key=key)


def _visit_difference(a: Visit, b: Visit) -> str:
    """Say how two visits on one date differ (for the duplicate error)."""
    parts: list[str] = []
    for name in type(a).model_fields:
        if name != "labs" and getattr(a, name) != getattr(b, name):
            parts.append(f"{name} ({getattr(a, name)!r} vs {getattr(b, name)!r})")
    ours = {(lab.analyte, lab.date, lab.specimen): lab for lab in a.labs}
    theirs = {(lab.analyte, lab.date, lab.specimen): lab for lab in b.labs}
    for key in sorted(set(ours) | set(theirs), key=repr):
        x, y = ours.get(key), theirs.get(key)
        if x is None or y is None:
            present = x or y
            assert present is not None
            parts.append(f"{present.analyte.value} (in one visit only)")
        elif x != y:
            parts.append(
                f"{x.analyte.value} ({x.value:g} {x.unit} vs {y.value:g} {y.unit})"
            )
    return "; ".join(parts) or "their labs"


class EventType(StrEnum):
    """Intercurrent and outcome events recorded outside visits.

    ``dialysis`` means chronic (maintenance) dialysis; with ``transplant`` it
    defines end-stage kidney disease (ESKD) in :mod:`lupusscore.outcomes`.
    ``withdrawal`` is withdrawal from the study (follow-up ends);
    ``treatment_discontinuation`` is stopping the study treatment, the
    participant possibly staying in follow-up (an intercurrent event, see
    ``docs/estimands.md``; it neither ends follow-up nor censors).
    """

    DEATH = "death"
    DIALYSIS = "dialysis"
    TRANSPLANT = "transplant"
    WITHDRAWAL = "withdrawal"
    RESCUE_THERAPY = "rescue_therapy"
    TREATMENT_DISCONTINUATION = "treatment_discontinuation"


class Event(_Model):
    """One dated event of a participant (death, dialysis, withdrawal ...).

    Attributes
    ----------
    type : EventType
        What happened.
    date : datetime.date
        When it happened (the start date for dialysis and rescue therapy); an
        ISO 8601 datetime is accepted and its time dropped.
    note : str, optional
        Free text (cause of death, reason for withdrawal, drug given).

    Examples
    --------
    >>> Event(type="death", date="2010-02-03").type
    <EventType.DEATH: 'death'>
    """

    _date_fields: ClassVar[tuple[str, ...]] = ("date",)

    type: EventType
    date: dt.date
    note: StrictStr | None = None

    @field_validator("type", mode="before")
    @classmethod
    def _check_type(cls, value: object) -> EventType:
        return EventType(as_choice("type", value, EventType))

    @field_validator("date", mode="before")
    @classmethod
    def _check_event_date(cls, value: object) -> dt.date | None:
        return _as_date("date", value, keep_time=False, optional=False)

    @field_validator("note", mode="before")
    @classmethod
    def _check_note(cls, value: object) -> object:
        return _as_text(value)


_M = TypeVar("_M", bound=BaseModel)


def _validate_items(field: str, model: type[_M], items: Iterable[object]) -> list[_M]:
    """Validate list items one by one, keeping ``field[i]`` in error locations.

    Every bad item is reported (one ``ValidationError`` with all of them).
    """
    out: list[_M] = []
    details: list[InitErrorDetails] = []
    for i, item in enumerate(items):
        if isinstance(item, model):
            out.append(item)
            continue
        try:
            out.append(model.model_validate(item))
        except ValidationError as exc:
            details += [
                {
                    "type": err["type"],
                    "loc": (field, i, *err["loc"]),
                    "input": err["input"],
                    "ctx": err.get("ctx", {}),
                }
                for err in exc.errors()
            ]
    if details:
        title = "Participant"
        raise ValidationError.from_exception_data(title, details)
    return out


class Participant(_Model):
    """A patient with their dated visits (in order), events and day 0.

    Attributes
    ----------
    patient : Patient
        The patient.
    arm : str, optional
        Treatment arm.
    visits : tuple of Visit
        Visits in strictly increasing date order, each for this patient, none
        before the birth date. Two identical visits on one date (the same
        record twice) are merged into one; two different visits on one date
        are a ``DuplicateVisitError`` (a ``DuplicateResultError``), because
        input order cannot decide which is right. Use :meth:`from_unordered`
        to build a participant from visits in any order.
    events : tuple of Event
        Events (death, dialysis, transplant, withdrawal, rescue therapy), none
        before the birth date, in date order (then by type); at most one death,
        and nothing but a death on or after the death date.
    day0 : datetime.date, optional
        The participant's reference date (randomisation, first infusion):
        study day 0. Required inside a :class:`Trial`.
    stratification : mapping of str to str
        The participant's randomisation stratification factors, factor name to
        level, e.g. ``{"upcr_category": ">= 3 g/g", "region": "EU"}``
        (default none). Between-arm comparisons stratify by them
        (``docs/statistics.md``). Names and levels are non-empty text; a
        factor a participant lacks is not recorded for them.

    Examples
    --------
    >>> p = Patient(id="P01", sex="female", birth_date="1980-01-01")
    >>> Participant(
    ...     patient=p, visits=[Visit(participant_id="P01", date="2009-05-01")]
    ... ).visits[0].date
    datetime.date(2009, 5, 1)
    """

    _date_fields: ClassVar[tuple[str, ...]] = ("day0",)

    patient: Patient
    arm: StrictStr | None = None
    visits: tuple[Visit, ...] = ()
    events: tuple[Event, ...] = ()
    day0: dt.date | None = None
    stratification: Mapping[str, str] = Field(default_factory=FrozenMap)

    @field_validator("arm", mode="before")
    @classmethod
    def _check_arm(cls, value: object) -> object:
        return _as_text(value)

    @field_validator("stratification", mode="before")
    @classmethod
    def _check_stratification(cls, value: object) -> FrozenMap[str, str]:
        return check_stratification("stratification", value)

    @field_serializer("stratification")
    def _plain_stratification(self, value: Mapping[str, str]) -> dict[str, str]:
        return dict(value)

    @field_validator("day0", mode="before")
    @classmethod
    def _check_day0(cls, value: object) -> dt.date | None:
        return _as_date("day0", value, keep_time=False, optional=True)

    @field_validator("visits")
    @classmethod
    def _merge_same_day(cls, visits: tuple[Visit, ...]) -> tuple[Visit, ...]:
        """Merge identical same-date visits; reject different ones."""
        kept: list[Visit] = []
        problems: list[tuple[tuple[str | int, ...], LupusScoreError]] = []
        for i, visit in enumerate(visits):
            twin = next(
                (
                    (j, other)
                    for j, other in enumerate(visits[:i])
                    if other.date == visit.date
                ),
                None,
            )
            if twin is None:
                kept.append(visit)
            elif not _same_visit(twin[1], visit):
                err = DuplicateVisitError(
                    participant=visit.participant_id,
                    when=visit.date,
                    field=f"visits[{i}]",
                    detail=f"differs from visits[{twin[0]}] in "
                    + _visit_difference(twin[1], visit),
                )
                problems.append(((i, "date"), err))
        _raise_all("Participant", problems)
        return tuple(kept)

    @classmethod
    def from_unordered(cls, data: Mapping[str, Any]) -> Participant:
        """Validate a participant record whose visits and events may be in any order.

        Visits are sorted by date and events by (date, type) before validation,
        so the order of the input records never changes a result. Identical
        visits on one date are merged; different ones are still rejected.

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
        try:
            visits = _validate_items("visits", Visit, record.get("visits", ()))
        except ValidationError as exc:
            visit_errors: list[InitErrorDetails] = list(exc.errors())  # type: ignore[arg-type]
            visits = []
        else:
            visit_errors = []
        try:
            events = _validate_items("events", Event, record.get("events", ()))
        except ValidationError as exc:
            event_errors: list[InitErrorDetails] = list(exc.errors())  # type: ignore[arg-type]
        else:
            event_errors = []
        if visit_errors or event_errors:
            title = "Participant"
            raise ValidationError.from_exception_data(
                title, visit_errors + event_errors
            )
        record["visits"] = sorted(visits, key=lambda v: v.date)
        record["events"] = sorted(events, key=lambda e: (e.date, e.type.value))
        return cls.model_validate(record)

    @model_validator(mode="after")
    def _check_visits(self) -> Participant:
        """Check visits and events against the patient; report every problem."""
        born = self.patient.birth_date
        problems: list[tuple[tuple[str | int, ...], LupusScoreError]] = []

        def bad(loc: tuple[str | int, ...], err: LupusScoreError) -> None:
            problems.append((loc, err))

        previous: dt.date | None = None
        for i, visit in enumerate(self.visits):
            where = f"visits[{i}]"
            if visit.participant_id != self.patient.id:
                bad(
                    ("visits", i, "participant_id"),
                    InvalidValueError(
                        field=f"{where}.participant_id",
                        value=visit.participant_id,
                        expected=f"the patient's id {self.patient.id!r}",
                    ),
                )
            if visit.date < born:
                bad(
                    ("visits", i, "date"),
                    InvalidDateError(
                        field=f"{where}.date",
                        value=visit.date,
                        expected=f"a date on or after birth_date {born}",
                    ),
                )
            for j, lab in enumerate(visit.labs):
                if lab.day < born:
                    bad(
                        ("visits", i, "labs", j, "date"),
                        InvalidDateError(
                            field=f"{where}.labs[{j}].date",
                            value=lab.date,
                            expected=f"a date on or after birth_date {born}",
                        ),
                    )
            if previous is not None and visit.date <= previous:
                bad(
                    ("visits", i, "date"),
                    InvalidDateError(
                        field=f"{where}.date",
                        value=visit.date,
                        expected=f"visits in increasing date order (after {previous})",
                    ),
                )
            previous = visit.date if previous is None else max(previous, visit.date)
        if self.day0 is not None and self.day0 < born:
            bad(
                ("day0",),
                InvalidDateError(
                    field="day0",
                    value=self.day0,
                    expected=f"a date on or after birth_date {born}",
                ),
            )
        last: tuple[dt.date, str] | None = None
        death: dt.date | None = None
        for i, event in enumerate(self.events):
            where = f"events[{i}]"
            if event.date < born:
                bad(
                    ("events", i, "date"),
                    InvalidDateError(
                        field=f"{where}.date",
                        value=event.date,
                        expected=f"a date on or after birth_date {born}",
                    ),
                )
            key = (event.date, event.type.value)
            if last is not None and key < last:
                bad(
                    ("events", i, "date"),
                    InvalidDateError(
                        field=f"{where}.date",
                        value=event.date,
                        expected=f"events in date order (on or after {last[0]})",
                    ),
                )
            last = key if last is None else max(last, key)
            if death is not None:
                bad(
                    ("events", i, "date"),
                    InvalidDateError(
                        field=f"{where}.date",
                        value=event.date,
                        expected=f"no event after the death on {death}",
                    ),
                )
            if event.type is EventType.DEATH and death is None:
                death = event.date
        if death is not None:
            for i, visit in enumerate(self.visits):
                if visit.date > death:
                    bad(
                        ("visits", i, "date"),
                        InvalidDateError(
                            field=f"visits[{i}].date",
                            value=visit.date,
                            expected=f"no visit after the death on {death}",
                        ),
                    )
        _raise_all("Participant", problems)
        return self

    def _display_view(self) -> View:
        """Show the patient, arm and day 0, then one grid row per visit."""
        day0 = self.day0
        rows = tuple(
            (
                v.date.isoformat(),
                "-" if day0 is None else str((v.date - day0).days),
                v.label or ("unscheduled" if v.unscheduled else "-"),
                ", ".join(sorted({lab.analyte.value for lab in v.labs})) or "-",
            )
            for v in self.visits
        )
        events = "; ".join(f"{e.type.value} {e.date.isoformat()}" for e in self.events)
        facts = (
            ("patient", short(self.patient)),
            ("arm", self.arm or "-"),
            ("day 0", "-" if day0 is None else day0.isoformat()),
            ("visits", str(len(self.visits))),
            ("events", events or "none"),
        )
        grid = Grid(header=("date", "study day", "label", "labs"), rows=rows)
        return View(title=f"Participant {self.patient.id}", facts=facts, grid=grid)

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


class Timepoint(_Model):
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

    label: StrictStr = Field(min_length=1)
    day: int = Field(ge=1)
    window_days: int = Field(default=0, ge=0)

    @field_validator("day", "window_days", mode="before")
    @classmethod
    def _check_days(cls, value: object, info: ValidationInfo) -> int:
        field = info.field_name or "day"
        return as_count(field, value, minimum=1 if field == "day" else 0, unit="days")

    @property
    def first_day(self) -> int:
        """First study day inside the window."""
        return self.day - self.window_days

    @property
    def last_day(self) -> int:
        """Last study day inside the window."""
        return self.day + self.window_days


class Trial(_Model):
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
    control_arm : str, optional
        The control (reference) arm of between-arm comparisons; one of the
        arms. None (default): comparisons use the first arm in sorted order
        (``docs/statistics.md``).
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

    # A trial *file* needs participants and a schedule (the CLI and
    # load_trial refuse one without); a Trial built in Python may be empty.
    _schema_props: ClassVar[dict[str, dict[str, Any]]] = {
        "arms": {"uniqueItems": True},
        "participants": {"minItems": 1},
        "schedule": {"minItems": 1},
    }

    name: StrictStr = Field(min_length=1)
    description: StrictStr | None = None
    synthetic: bool = False
    day0: StrictStr = Field(default="randomisation", min_length=1)
    arms: tuple[StrictStr, ...] = ()
    control_arm: StrictStr | None = None
    schedule: tuple[Timepoint, ...] = ()
    baseline_window_days: int = Field(default=DEFAULT_BASELINE_WINDOW_DAYS, ge=0)
    participants: tuple[Participant, ...] = ()

    @field_validator("description", mode="before")
    @classmethod
    def _check_description(cls, value: object) -> object:
        return _as_text(value)

    @field_validator("synthetic", mode="before")
    @classmethod
    def _check_synthetic(cls, value: object) -> bool | None:
        return _as_flag("synthetic", value, optional=False)

    @field_validator("baseline_window_days", mode="before")
    @classmethod
    def _check_baseline_window(cls, value: object) -> int:
        return as_count("baseline_window_days", value, minimum=0, unit="days")

    @classmethod
    def _extend_schema(cls, schema: dict[str, Any]) -> None:
        """Inside a trial every participant has an arm (one of arms) and a day 0."""
        participants = schema["properties"]["participants"]
        participants["items"] = {
            "allOf": [
                participants["items"],
                {
                    "required": ["arm", "day0"],
                    "properties": {
                        "arm": {"type": "string"},
                        "day0": {"type": "string"},
                    },
                },
            ]
        }

    @model_validator(mode="after")
    def _check_trial(self) -> Trial:
        """Check schedule, arms and participants; report every problem."""
        problems: list[tuple[tuple[str | int, ...], LupusScoreError]] = []
        for i in range(1, len(self.schedule)):
            before, tp = self.schedule[i - 1], self.schedule[i]
            if tp.label in {t.label for t in self.schedule[:i]}:
                problems.append(
                    (
                        ("schedule", i, "label"),
                        InvalidValueError(
                            field=f"schedule[{i}].label",
                            value=tp.label,
                            expected="distinct timepoint labels",
                        ),
                    )
                )
            if tp.first_day <= before.last_day:
                problems.append(
                    (
                        ("schedule", i),
                        InvalidValueError(
                            field=f"schedule[{i}]",
                            value=f"day {tp.day} +/- {tp.window_days}",
                            expected=(
                                "timepoints in increasing day order with windows "
                                "that do not overlap the previous one "
                                f"({before.label!r}, day {before.day} +/- "
                                f"{before.window_days})"
                            ),
                        ),
                    )
                )
        if len(set(self.arms)) != len(self.arms):
            problems.append(
                (
                    ("arms",),
                    InvalidValueError(
                        field="arms",
                        value=list(self.arms),
                        expected="distinct arm names",
                    ),
                )
            )
        known = self.arm_names  # none yet: a trial built empty in Python
        if self.control_arm is not None and known and self.control_arm not in known:
            problems.append(
                (
                    ("control_arm",),
                    InvalidValueError(
                        field="control_arm",
                        value=self.control_arm,
                        expected="one of the trial's arms: " + ", ".join(known),
                    ),
                )
            )
        seen: dict[str, int] = {}
        for i, part in enumerate(self.participants):
            pid = part.patient.id
            where = f"participants[{i}]"
            if pid in seen:
                problems.append(
                    (
                        ("participants", i, "patient", "id"),
                        InvalidValueError(
                            field=f"{where}.patient.id",
                            value=pid,
                            expected="a unique id (also used by "
                            f"participants[{seen[pid]}])",
                        ),
                    )
                )
            else:
                seen[pid] = i
            if part.arm is None or (self.arms and part.arm not in self.arms):
                problems.append(
                    (
                        ("participants", i, "arm"),
                        InvalidValueError(
                            field=f"{where}.arm",
                            value=part.arm,
                            expected="one of the trial's arms: " + ", ".join(self.arms)
                            if self.arms
                            else "an arm name",
                            participant=pid,
                        ),
                    )
                )
            if part.day0 is None:
                problems.append(
                    (
                        ("participants", i, "day0"),
                        InvalidDateError(
                            field=f"{where}.day0",
                            value=None,
                            expected=f"the participant's day 0 ({self.day0}) as "
                            "YYYY-MM-DD",
                        ),
                    )
                )
        _raise_all("Trial", problems)
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
        return timepoint_of(self.schedule, label)

    # -- display -----------------------------------------------------------------

    def _by_arm(self) -> dict[str, list[Participant]]:
        groups: dict[str, list[Participant]] = {a: [] for a in self.arm_names}
        for p in self.participants:
            groups.setdefault(p.arm or "(no arm)", []).append(p)
        return groups

    def _date_span(self) -> str:
        dates = [v.date for p in self.participants for v in p.visits]
        if not dates:
            return "no visits"
        return f"{min(dates).isoformat()} to {max(dates).isoformat()}"

    def __repr__(self) -> str:
        arms = ", ".join(f"{a} {len(ps)}" for a, ps in self._by_arm().items())
        visits = sum(len(p.visits) for p in self.participants)
        flag = "; SYNTHETIC" if self.synthetic else ""
        return (
            f"<Trial {self.name!r}: {len(self.participants)} participants "
            f"({arms or 'no arms'}); {visits} visits, {self._date_span()}; "
            f"{len(self.schedule)} scheduled timepoints{flag}>"
        )

    def _display_brief(self) -> str:
        return f"Trial {self.name!r} ({len(self.participants)} participants)"

    def _display_view(self) -> View:
        """Participants and visits per arm, date span and what is missing."""
        rows: list[tuple[str, ...]] = []
        for arm, members in self._by_arm().items():
            visits = [v for p in members for v in p.visits]
            dates = [v.date for v in visits]
            rows.append(
                (
                    arm,
                    str(len(members)),
                    str(len(visits)),
                    min(dates).isoformat() if dates else "-",
                    max(dates).isoformat() if dates else "-",
                    *(str(n) for n in _missing_counts(members)),
                )
            )
        schedule = ", ".join(f"{t.label} (day {t.day})" for t in self.schedule)
        facts = [
            ("synthetic", "yes: simulated data, not trial results")
            if self.synthetic
            else ("synthetic", "no"),
            ("participants", str(len(self.participants))),
            ("visits", str(sum(len(p.visits) for p in self.participants))),
            ("date span", self._date_span()),
            ("day 0", self.day0),
            ("schedule", schedule or "none"),
            ("baseline window", f"days -{self.baseline_window_days} to 0"),
        ]
        if self.description:
            facts.insert(0, ("description", short(self.description, 200)))
        grid = Grid(
            header=(
                "arm",
                "participants",
                "visits",
                "first visit",
                "last visit",
                *(f"no {what}" for what in _MISSING_SHOWN),
            ),
            rows=tuple(rows),
            caption="By arm (no X = participants with no X at any visit)",
        )
        return View(title=f"Trial: {self.name}", facts=tuple(facts), grid=grid)


#: What a Trial's display counts as missing per participant: no visit at all,
#: no baseline visit (on or before day 0), and no value of the key analytes.
_MISSING_SHOWN: Final = ("visit", "baseline visit", "UPCR", "creatinine", "C3", "C4")
_MISSING_ANALYTES: Final = (Analyte.UPCR, Analyte.CREATININE, Analyte.C3, Analyte.C4)


def _missing_counts(members: Sequence[Participant]) -> list[int]:
    """Participants of *members* missing each item of :data:`_MISSING_SHOWN`."""
    no_visit = sum(1 for p in members if not p.visits)
    no_base = sum(
        1
        for p in members
        if p.day0 is None or not any(v.date <= p.day0 for v in p.visits)
    )
    counts = [no_visit, no_base]
    for analyte in _MISSING_ANALYTES:
        counts.append(
            sum(
                1
                for p in members
                if not any(lab.analyte is analyte for v in p.visits for lab in v.labs)
            )
        )
    return counts


def timepoint_of(schedule: Sequence[Timepoint], label: str) -> Timepoint:
    """Return the timepoint of *schedule* called *label*.

    Raises
    ------
    InvalidValueError
        If the schedule has no such timepoint (the labels it has are named).
    """
    for tp in schedule:
        if tp.label == label:
            return tp
    raise InvalidValueError(
        field="schedule",
        value=label,
        expected="a scheduled timepoint label: "
        + (", ".join(repr(t.label) for t in schedule) or "(none scheduled)"),
    )
