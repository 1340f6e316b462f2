"""The columnar cohort: participants, visits, lab rows and events as typed arrays.

A :class:`Cohort` holds a whole trial as numpy columns (no pandas in core), in
one canonical order so that nothing computed from it depends on the order of
the input rows:

- **participants** sorted by id;
- **visits** sorted by (participant, date), one visit per participant and date;
- **labs** sorted by (participant, visit, analyte, date-time, specimen
  preference, then value and unit), each row pointing to its participant and
  its visit; ``lab_canonical`` is the value in the analyte's canonical unit,
  converted once per distinct (unit, analyte) pair;
- **events** sorted by (participant, date, type).

Every array is read-only. Codes:

- ``lab_analyte``: index into :data:`ANALYTE_CODES` (``tuple(Analyte)``);
- ``lab_specimen``: index into :data:`lupusscore.models.SPECIMEN_PREFERENCE`
  (0 most preferred; the last index is "no specimen stated");
- tri-state flags (``black``, ``visit_rescue_therapy``, visit descriptors):
  ``1`` true, ``0`` false, ``-1`` not recorded;
- missing numbers are NaN and missing dates NaT.

Build one with :meth:`Cohort.from_trial`, :meth:`Cohort.from_columns` (dicts
of arrays) or :meth:`Cohort.from_frames`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field, fields, replace
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_instance, describe
from lupusscore._display import Displayable, Grid, View
from lupusscore.analytes import Analyte
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.errors import InvalidValueError
from lupusscore.models import (
    DEFAULT_BASELINE_WINDOW_DAYS,
    SPECIMEN_PREFERENCE,
    FrozenMap,
    Timepoint,
    Trial,
    timepoint_of,
)

__all__ = ["ANALYTE_CODES", "NO_SPECIMEN", "Cohort", "analysis_population"]

#: Analyte of each ``lab_analyte`` code.
ANALYTE_CODES: Final[tuple[Analyte, ...]] = tuple(Analyte)
#: ``lab_specimen`` code of a result without a stated specimen.
NO_SPECIMEN: Final = SPECIMEN_PREFERENCE.index(None)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Codes = npt.NDArray[np.int8]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]
Days = npt.NDArray[np.datetime64]


#: True while :func:`adopt_cohort` builds a cohort from arrays nobody else holds.
_ADOPTING: ContextVar[bool] = ContextVar("_ADOPTING", default=False)


def _frozen(arr: npt.NDArray[Any]) -> npt.NDArray[Any]:
    # an array built for this cohort alone is frozen in place, not copied
    adopt = _ADOPTING.get() and arr.flags.owndata
    out = arr if adopt else np.array(arr, copy=True)
    out.setflags(write=False)
    return out


def adopt_cohort(**fields: Any) -> Cohort:
    """Build a Cohort taking its arrays over instead of copying them.

    For constructors whose arrays were made for the cohort and are referenced
    nowhere else (the columns reader): each array that owns its data is made
    read-only in place. Checks are those of the Cohort itself.
    """
    token = _ADOPTING.set(True)
    try:
        return Cohort(**fields)
    finally:
        _ADOPTING.reset(token)


@dataclass(frozen=True, eq=False, repr=False)
class Cohort(Displayable):
    """A trial as typed columns, in canonical order (see the module docstring).

    Attributes
    ----------
    name : str
        Trial name.
    synthetic : bool
        True when the data are simulated.
    arms : tuple of str
        Arms in display order.
    schedule : tuple of Timepoint
        Scheduled timepoints (target day and window).
    baseline_window_days : int
        Baseline look-back: the latest value on study days ``-window`` to 0.
    participant_id, sex, birth_date, arm, day0, height_cm, black
        One element per participant (``sex`` holds ``"female"``/``"male"``;
        ``arm`` None when not given; ``day0`` NaT when not given). A
        participant without a day 0 (an SDTM screen failure) is not in the
        analysis population: it has no visits, labs or events, and
        :func:`lupusscore.analyse` leaves it out of every outcome and
        denominator (see :func:`analysis_population`).
    visit_participant, visit_date, visit_label, visit_unscheduled, \
visit_glucocorticoid_mg_day, visit_pga, visit_rescue_therapy
        One element per visit; ``visit_participant`` indexes the participants.
    visit_descriptors : FrozenMap of str to array
        SLEDAI-2K descriptor name -> tri-state column over visits.
    visit_exclusions : array of object
        Per visit, None or a FrozenMap of descriptor -> other cause.
    lab_participant, lab_visit, lab_analyte, lab_datetime, lab_value, lab_unit, \
lab_canonical, lab_reference_low, lab_reference_high, \
lab_reference_low_canonical, lab_reference_high_canonical, lab_specimen, \
lab_assay, lab_family, lab_source_row
        One element per lab row. ``lab_value``/``lab_unit`` as given;
        ``lab_family`` the unit family (``"mass"``, ``"international_units"``,
        ...); ``lab_source_row`` the row's index in the input table (or its
        position in the trial file).
    event_participant, event_type, event_date, event_note
        One element per event (``event_type`` an EventType value).
    day0_label : str
        What study day 0 is (``Trial.day0``: randomisation, first infusion).
    stratification : FrozenMap of str to array
        Stratification factor name -> one level (``str``, or None where not
        recorded) per participant; empty when the trial names none.
    control_arm : str, optional
        The control arm of between-arm comparisons (``Trial.control_arm``);
        None: the first arm in sorted order is the reference.
    notes : tuple of str
        What reading the input did that a reader should know (rows without a
        value left out, test codes not used ...).
    """

    name: str
    synthetic: bool
    arms: tuple[str, ...]
    schedule: tuple[Timepoint, ...]
    baseline_window_days: int
    participant_id: Objects
    sex: Objects
    birth_date: Days
    arm: Objects
    day0: Days
    height_cm: Floats
    black: Codes
    visit_participant: Ints
    visit_date: Days
    visit_label: Objects
    visit_unscheduled: Bools
    visit_glucocorticoid_mg_day: Floats
    visit_pga: Floats
    visit_rescue_therapy: Codes
    visit_descriptors: FrozenMap[str, Codes]
    visit_exclusions: Objects
    lab_participant: Ints
    lab_visit: Ints
    lab_analyte: Codes
    lab_datetime: Days
    lab_value: Floats
    lab_unit: Objects
    lab_canonical: Floats
    lab_reference_low: Floats
    lab_reference_high: Floats
    lab_reference_low_canonical: Floats
    lab_reference_high_canonical: Floats
    lab_specimen: Codes
    lab_assay: Objects
    lab_family: Objects
    lab_source_row: Ints
    event_participant: Ints
    event_type: Objects
    event_date: Days
    event_note: Objects
    notes: tuple[str, ...] = ()
    day0_label: str = "randomisation"
    stratification: FrozenMap[str, Objects] = field(default_factory=FrozenMap)
    control_arm: str | None = None
    _cache: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        _check_layout(self)
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                object.__setattr__(self, f.name, _frozen(value))
        descriptors = {
            name: _frozen(np.asarray(self.visit_descriptors[name], dtype=np.int8))
            if name in self.visit_descriptors
            else _frozen(np.full(self.n_visits, -1, dtype=np.int8))
            for name in SLEDAI_2K_DESCRIPTOR_NAMES
        }
        object.__setattr__(self, "visit_descriptors", FrozenMap(descriptors))
        object.__setattr__(
            self,
            "stratification",
            FrozenMap(
                {k: _frozen(np.asarray(v)) for k, v in self.stratification.items()}
            ),
        )

    # -- constructors ----------------------------------------------------------

    @classmethod
    def from_trial(cls, trial: Trial) -> Cohort:
        """Lay out a validated :class:`~lupusscore.Trial` as columns.

        Examples
        --------
        >>> from lupusscore.cli import load_example_trial
        >>> cohort = Cohort.from_trial(load_example_trial())
        >>> cohort.n_participants, cohort.arms
        (80, ('MSC infusion', 'Prednisone'))
        """
        from lupusscore.cohort._from_trial import cohort_from_trial  # noqa: PLC0415

        return cohort_from_trial(trial)

    @classmethod
    def from_columns(
        cls,
        labs: Mapping[str, npt.NDArray[Any]],
        participants: Mapping[str, npt.NDArray[Any]],
        *,
        visits: Mapping[str, npt.NDArray[Any]] | None = None,
        events: Mapping[str, npt.NDArray[Any]] | None = None,
        columns: Mapping[str, str] | None = None,
        analytes: Mapping[str, Analyte | str] | None = None,
        schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
        arms: Sequence[str] | None = None,
        name: str = "cohort",
        synthetic: bool = False,
        baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
        stratification: Sequence[str] | None = None,
        control_arm: str | None = None,
    ) -> Cohort:
        """Build a cohort from tables given as dicts of 1-d numpy arrays.

        Every row is checked vectorised with the models' rules and every bad
        row of every table is reported at once in a
        :class:`~lupusscore.errors.TableError`; see
        :mod:`lupusscore.cohort._columns` for the columns and the rules.
        ``stratification`` names the participants columns holding
        stratification factors, ``control_arm`` the reference arm of
        between-arm comparisons.
        """
        from lupusscore.cohort._columns import cohort_from_columns  # noqa: PLC0415

        return cohort_from_columns(
            labs,
            participants,
            visits=visits,
            events=events,
            columns=columns,
            analytes=analytes,
            schedule=schedule,
            arms=arms,
            name=name,
            synthetic=synthetic,
            baseline_window_days=baseline_window_days,
            stratification=stratification,
            control_arm=control_arm,
        )

    @classmethod
    def from_frames(
        cls,
        labs: object,
        participants: object,
        *,
        visits: object | None = None,
        events: object | None = None,
        columns: Mapping[str, str] | None = None,
        analytes: Mapping[str, Analyte | str] | None = None,
        schedule: Sequence[Timepoint | Mapping[str, Any]] | None = None,
        arms: Sequence[str] | None = None,
        name: str = "cohort",
        synthetic: bool = False,
        baseline_window_days: int = DEFAULT_BASELINE_WINDOW_DAYS,
        stratification: Sequence[str] | None = None,
        control_arm: str | None = None,
    ) -> Cohort:
        """Build a cohort from pandas, polars or pyarrow tables (or dicts of arrays).

        Each table is read into numpy columns by
        :func:`lupusscore._frames.read_columns` (pandas, polars and pyarrow
        through narwhals, the optional extra ``frames``; a dict of arrays or a
        :class:`~lupusscore.Table` in core: nulls, NaN and NaT are missing),
        then checked and laid out by :meth:`from_columns`: every bad row of
        every table in one :class:`~lupusscore.errors.TableError`, by row index
        and participant. The parameters are those of :meth:`from_columns`;
        ``docs/cohort.md`` lists the default (SDTM) column names.

        Raises
        ------
        TableError
            Bad rows (all of them).
        MissingExtraError
            A data frame given without narwhals installed.
        InvalidValueError
            A table of a kind that cannot be read, or bad options.
        """
        from lupusscore._frames import read_columns_factorized  # noqa: PLC0415
        from lupusscore.cohort._columns import cohort_from_columns  # noqa: PLC0415

        tables: dict[str, Mapping[str, npt.NDArray[Any]]] = {}
        factors: dict[str, Any] = {}
        for what, data in (
            ("labs", labs),
            ("participants", participants),
            ("visits", visits),
            ("events", events),
        ):
            if data is not None:  # text columns come factorized (read once)
                tables[what], factors[what] = read_columns_factorized(data, name=what)
        return cohort_from_columns(
            tables["labs"],
            tables["participants"],
            visits=tables.get("visits"),
            events=tables.get("events"),
            factors=factors,
            columns=columns,
            analytes=analytes,
            schedule=schedule,
            arms=arms,
            name=name,
            synthetic=synthetic,
            baseline_window_days=baseline_window_days,
            stratification=stratification,
            control_arm=control_arm,
        )

    # -- sizes -----------------------------------------------------------------

    @property
    def n_participants(self) -> int:
        """Number of participants."""
        return len(self.participant_id)

    @property
    def n_visits(self) -> int:
        """Number of visits."""
        return len(self.visit_date)

    @property
    def n_labs(self) -> int:
        """Number of lab rows."""
        return len(self.lab_value)

    @property
    def n_events(self) -> int:
        """Number of events."""
        return len(self.event_date)

    def _display_view(self) -> View:
        """Participants, visits and labs per arm, date span and what is missing."""
        codes = {a: k for k, a in enumerate(ANALYTE_CODES)}
        rows: list[tuple[str, ...]] = []
        for arm in self.arms:
            members = self.arm == arm
            visits = members[self.visit_participant]
            labs = members[self.lab_participant]
            with_lab = np.zeros(self.n_participants, dtype=bool)
            missing = []
            for analyte in (Analyte.UPCR, Analyte.CREATININE):
                with_lab[:] = False
                with_lab[self.lab_participant[self.lab_analyte == codes[analyte]]] = (
                    True
                )
                missing.append(str(int(np.count_nonzero(members & ~with_lab))))
            rows.append(
                (
                    arm,
                    str(int(members.sum())),
                    str(int(visits.sum())),
                    str(int(labs.sum())),
                    *missing,
                )
            )
        dates = self.visit_date[~np.isnat(self.visit_date)]
        span = f"{dates.min()} to {dates.max()}" if len(dates) else "no visits"
        facts = (
            ("synthetic", "yes: simulated data" if self.synthetic else "no"),
            ("participants", str(self.n_participants)),
            ("visits", f"{self.n_visits} ({span})"),
            ("lab rows", str(self.n_labs)),
            ("events", str(self.n_events)),
            ("day 0", self.day0_label),
            (
                "schedule",
                ", ".join(f"{t.label} (day {t.day})" for t in self.schedule) or "none",
            ),
        )
        grid = Grid(
            header=(
                "arm",
                "participants",
                "visits",
                "lab rows",
                "no UPCR",
                "no creatinine",
            ),
            rows=tuple(rows),
            caption="By arm (no X = participants with no X lab row)",
        )
        return View(
            title=f"Cohort: {self.name}", facts=facts, grid=grid, notes=self.notes
        )

    def __repr__(self) -> str:
        return (
            f"<Cohort {self.name!r}: {self.n_participants} participants, "
            f"{self.n_visits} visits, {self.n_labs} lab rows, {self.n_events} events; "
            f"arms {list(self.arms)}; "
            f"{len(self.schedule)} scheduled timepoints>"
        )

    # -- derived columns shared by the engine ----------------------------------

    def _derived(self, name: str, build: Callable[[], Any]) -> Any:
        """Return the derived value *name*, built by *build* once per cohort.

        For values that depend on the cohort's columns only (they never
        change: the arrays are read-only). *build* returns an immutable value
        (read-only arrays, tuples); two threads at worst both build it.
        """
        got = self._cache.get(name)
        if got is None:
            got = self._cache[name] = build()
        return got

    @property
    def visit_day(self) -> Ints:
        """Study day of each visit: ``visit_date - day0`` in days."""
        got = self._cache.get("visit_day")
        if got is None:
            day0 = self.day0[self.visit_participant]
            got = _frozen(
                (self.visit_date - day0).astype("timedelta64[D]").astype(np.int64)
            )
            self._cache["visit_day"] = got
        return got

    def visit_start(self) -> Ints:
        """Index of each participant's first visit (length ``n_participants + 1``)."""
        return np.searchsorted(
            self.visit_participant, np.arange(self.n_participants + 1)
        ).astype(np.int64)

    def timepoint(self, label: str) -> Timepoint:
        """Return the scheduled timepoint called *label* (as ``Trial.timepoint``)."""
        return timepoint_of(self.schedule, label)


#: dtype kind of each array annotation, and the group (length) of each prefix.
_KINDS: Final = {
    "Ints": "i",
    "Floats": "f",
    "Codes": "i",
    "Bools": "b",
    "Objects": "O",
    "Days": "M",
}
_GROUPS: Final = ("visit_", "lab_", "event_")
_BUILT_BY: Final = (
    " (build a Cohort with Cohort.from_trial, from_frames or from_columns)"
)


def _bad(field: str, value: object, expected: str) -> InvalidValueError:
    return InvalidValueError(
        field=field, value=describe(value), expected=expected + _BUILT_BY
    )


def _check_layout(c: Cohort) -> None:
    """Check a directly constructed cohort's fields: types, lengths, indices."""
    for name in ("name", "day0_label"):
        if not isinstance(getattr(c, name), str):
            raise _bad(name, getattr(c, name), "a string")
    if not isinstance(c.synthetic, bool):
        raise _bad("synthetic", c.synthetic, "True or False")  # noqa: EM101
    n = c.baseline_window_days
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise _bad("baseline_window_days", n, "a whole number of days >= 0")  # noqa: EM101
    for name, item in (("arms", str), ("notes", str), ("schedule", Timepoint)):
        value = getattr(c, name)
        if not isinstance(value, tuple) or not all(isinstance(x, item) for x in value):
            raise _bad(name, value, f"a tuple of {item.__name__}")
    lengths: dict[str, int] = {}
    for f in fields(c):
        kind = _KINDS.get(str(f.type))
        if kind is None:
            continue
        value = getattr(c, f.name)
        if (
            not isinstance(value, np.ndarray)
            or value.ndim != 1
            or value.dtype.kind != kind
        ):
            raise _bad(f.name, value, f"a 1-d numpy array of {f.type}")
        group = next((g for g in _GROUPS if f.name.startswith(g)), "participant")
        if lengths.setdefault(group, len(value)) != len(value):
            raise _bad(
                f.name,
                f"an array of length {len(value)}",
                f"the length of the other {group} columns ({lengths[group]})",
            )
    if not isinstance(c.visit_descriptors, Mapping) or not all(
        name in SLEDAI_2K_DESCRIPTOR_NAMES
        and isinstance(col, np.ndarray)
        and col.shape == (lengths["visit_"],)
        and col.dtype.kind == "i"
        for name, col in c.visit_descriptors.items()
    ):
        raise _bad(
            "visit_descriptors",  # noqa: EM101
            c.visit_descriptors,
            "a mapping of SLEDAI-2K descriptor name to an integer column over visits",
        )
    _check_stratification_layout(c, lengths["participant"])
    n_people, n_visits = lengths["participant"], lengths["visit_"]
    for name, limit in (
        ("visit_participant", n_people),
        ("lab_participant", n_people),
        ("event_participant", n_people),
        ("lab_visit", n_visits),
        ("lab_analyte", len(ANALYTE_CODES)),
        ("lab_specimen", len(SPECIMEN_PREFERENCE)),
    ):
        col = getattr(c, name)
        if len(col) and (col.min() < 0 or col.max() >= limit):
            raise _bad(
                name, f"indices {col.min()}..{col.max()}", f"indices 0..{limit - 1}"
            )
    no_day0 = np.isnat(c.day0)
    for name in ("visit_participant", "lab_participant", "event_participant"):
        col = getattr(c, name)
        if np.any(no_day0[col]):
            raise _bad(
                name,
                f"rows of participant {c.participant_id[col[no_day0[col]][0]]!r}",
                "no visits, labs or events for a participant without a day 0 "
                "(day0 NaT: not in the analysis population)",
            )
    ordered = (
        bool(np.all(np.diff(c.visit_participant) >= 0))
        and bool(np.all(np.diff(c.lab_visit) >= 0))
        and bool(np.array_equal(c.lab_participant, c.visit_participant[c.lab_visit]))
    )
    if not ordered:
        raise _bad(
            "visit_participant",  # noqa: EM101
            "columns out of order",
            "visits in participant order and lab rows in visit order, each lab row "
            "of its visit's participant",
        )


def _check_stratification_layout(c: Cohort, n_people: int) -> None:
    """Check ``stratification`` (factor -> text per participant) and ``control_arm``."""
    strata = c.stratification
    good = isinstance(strata, Mapping) and all(
        isinstance(name, str)
        and name
        and isinstance(col, np.ndarray)
        and col.shape == (n_people,)
        and col.dtype.kind == "O"
        and all(x is None or (isinstance(x, str) and x) for x in col.tolist())
        for name, col in strata.items()
    )
    if not good:
        raise _bad(
            "stratification",  # noqa: EM101
            strata,
            "a mapping of factor name to an object column over participants "
            "holding a non-empty level or None",
        )
    if c.control_arm is not None and c.arms and c.control_arm not in c.arms:
        raise _bad("control_arm", c.control_arm, "None or one of the arms")  # noqa: EM101


def empty_descriptors(n: int) -> Mapping[str, Codes]:
    """Every descriptor not recorded, for *n* visits."""
    return {name: np.full(n, -1, dtype=np.int8) for name in SLEDAI_2K_DESCRIPTOR_NAMES}


def as_datetime64_day(values: list[dt.date | None]) -> Days:
    """Dates (or None) as datetime64[D] with NaT."""
    return np.array(
        [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values],
        dtype="datetime64[D]",
    )


DEFAULT_WINDOW: Final = DEFAULT_BASELINE_WINDOW_DAYS


def _subset(c: Cohort, keep: Bools) -> Cohort:
    """Return the participants where *keep* is True, with their rows."""
    visits, labs = keep[c.visit_participant], keep[c.lab_participant]
    events = keep[c.event_participant]
    new_person = np.cumsum(keep) - 1
    new_visit = np.cumsum(visits) - 1
    changes: dict[str, Any] = {}
    for f in fields(c):
        value = getattr(c, f.name)
        if not isinstance(value, np.ndarray):
            continue
        group = next((g for g in _GROUPS if f.name.startswith(g)), "participant")
        mask = {"visit_": visits, "lab_": labs, "event_": events}.get(group, keep)
        changes[f.name] = value[mask]
    for name in ("visit_participant", "lab_participant", "event_participant"):
        changes[name] = new_person[changes[name]].astype(np.int64)
    changes["lab_visit"] = new_visit[changes["lab_visit"]].astype(np.int64)
    changes["visit_descriptors"] = FrozenMap(
        {k: v[visits] for k, v in c.visit_descriptors.items()}
    )
    changes["stratification"] = FrozenMap(
        {k: v[keep] for k, v in c.stratification.items()}
    )
    # an arm only participants left out have is not an arm of the subset
    gone = set(c.arm[~keep].tolist()) - set(changes["arm"].tolist())
    changes["arms"] = tuple(a for a in c.arms if a not in gone)
    if c.control_arm in gone:
        changes["control_arm"] = None
    return replace(c, **changes, _cache={})


def analysis_population(c: Cohort) -> tuple[Cohort, Cohort | None]:
    """Split *c* into its analysis population and the participants left out.

    A participant without a study day 0 (``day0`` NaT: in SDTM a DM row
    without RFSTDTC, a screen failure never randomised or treated) cannot be
    placed on the study's time axis: no visit, baseline or timepoint exists
    for them. They are **not** in the analysis population (the intention-to-
    treat population is the randomised participants), so they are in no
    outcome and no denominator, never imputed non-responders.

    Returns
    -------
    tuple of (Cohort, Cohort or None)
        The participants with a day 0 (*c* itself when all have one), and the
        participants without one (None when there are none), in id order.

    Raises
    ------
    InvalidValueError
        *c* is not a Cohort.

    Examples
    --------
    >>> from lupusscore.cdisc import read_sdtm
    >>> analysed, left_out = analysis_population(read_sdtm("tests/data/cdisc_pilot01"))
    >>> analysed.n_participants, left_out.participant_id.tolist()
    (6, ['01-701-1057'])
    """
    c = as_instance("cohort", c, Cohort)
    no_day0 = np.isnat(c.day0)
    if not np.any(no_day0):
        return c, None
    return _subset(c, ~no_day0), _subset(c, no_day0)
