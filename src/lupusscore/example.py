"""A SYNTHETIC cohort of any size, in the design of the bundled example trial.

The bundled example (``lupusscore/data/example_trial.json``, 80 participants)
was generated one participant at a time by ``scripts/make_example_trial.py``.
This module simulates the same design for any number of participants,
vectorised over all of them at once (numpy; loops only over timepoints and
analytes), and returns it as tables in the cohort input layout that
``Cohort.from_columns`` reads (SDTM-style column names):

- two arms (MSC infusion vs prednisone, 1:1), day 0 in 2009-2010;
- a baseline visit (study day -7 to 0) and visits at months 1, 3, 6, 9, 12, 18
  and 24 with jittered days, 8% missed, some unscheduled visits, none after
  death or withdrawal;
- creatinine and UPCR at every visit; C3, C4 (with reference ranges) and
  anti-dsDNA (with the site's assay and upper reference limit) at scheduled
  visits; ANA at baseline and months 6, 12 and 24; units and ranges of two
  simulated sites (creatinine in µmol/L or mg/dL, UPCR in mg/mmol or g/g,
  complement in g/L or mg/dL);
- SLEDAI-2K clinical descriptors, glucocorticoid dose and rescue therapy at
  scheduled visits; deaths, withdrawals, rescue therapy and dialysis.

Every number is simulated and the effect sizes are invented (the same as the
script's); the data are labelled SYNTHETIC. Nothing here is a clinical
threshold or a clinical result. The output is a pure function of
``(n_participants, seed)``; it does not reproduce the bundled file (whose
random numbers were drawn in another order), only its design.

Examples
--------
>>> tables = synthetic_tables(10, seed=1)
>>> sorted(tables)
['events', 'labs', 'participants', 'visits']
>>> tables["participants"]["USUBJID"][:2].tolist()
['SYN-001', 'SYN-002']
>>> [tp.label for tp in synthetic_schedule()][:3]
['month 1', 'month 3', 'month 6']
"""

# Simulation parameters below are invented for illustration (not clinical
# thresholds), copied from scripts/make_example_trial.py.
# ruff: noqa: PLR2004

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from lupusscore._checks import as_count
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.models import Timepoint, Trial
from lupusscore.units import convert

if TYPE_CHECKING:
    from lupusscore.cohort import Cohort

__all__ = [
    "DEFAULT_SEED",
    "SYNTHETIC_ARMS",
    "synthetic_cohort",
    "synthetic_name",
    "synthetic_schedule",
    "synthetic_tables",
    "synthetic_trial",
    "tables_to_trial",
]

#: Seed of the bundled example (``scripts/make_example_trial.py``).
DEFAULT_SEED: Final = 20090501
#: The two arms, in display order.
SYNTHETIC_ARMS: Final[tuple[str, str]] = ("MSC infusion", "Prednisone")
#: (label, target study day, window +/- days), as in the bundled example.
_SCHEDULE: Final = (
    ("month 1", 30, 7),
    ("month 3", 91, 14),
    ("month 6", 182, 14),
    ("month 9", 274, 14),
    ("month 12", 365, 30),
    ("month 18", 548, 30),
    ("month 24", 730, 30),
)
_BASELINE_WINDOW_DAYS: Final = 30
#: Descriptors the clinician records; proteinuria and the two serology items
#: are left for the library to derive from the labs.
_DERIVED: Final = frozenset({"proteinuria", "low_complement", "increased_dna_binding"})
#: Descriptor -> probability of being present at full activity (frac = 1).
_ACTIVE: Final = {
    "urinary_casts": 0.6,
    "hematuria": 0.7,
    "arthritis": 0.3,
    "rash": 0.25,
    "alopecia": 0.15,
}


def _constant(values: Any, dtype: npt.DTypeLike | None = None) -> np.ndarray[Any, Any]:
    out: np.ndarray[Any, Any] = np.array(values, dtype=dtype)
    out.setflags(write=False)
    return out


_ANA_TITRES: Final = _constant([40, 80, 160, 320, 640, 1280], np.int64)
_ANA_LABELS: Final = frozenset({"baseline", "month 6", "month 12", "month 24"})
_LAST_DAY: Final = 760  # end of follow-up without death or withdrawal
_DAY0_FIRST: Final = np.datetime64("2009-03-01", "D")

# Site A (index 0) and site B (index 1): units (by the first code of each
# pair), reference ranges and anti-dsDNA assays.
_UNITS: Final = (
    *("µmol/L", "mg/dL"),  # creatinine
    *("mg/mmol", "g/g"),  # upcr
    *("g/L", "mg/dL"),  # c3, c4
    "IU/mL",  # anti_dsdna (both sites)
    "{titer}",  # ana
)
_UNIT_CODE: Final = {
    "creatinine": 0,
    "upcr": 2,
    "complement": 4,
    "anti_dsdna": 6,
    "ana": 7,
}
_SPECIMENS: Final = (None, "serum", "urine_24h")
_COMPLEMENT_SCALE: Final = _constant([1.0, 100.0])  # g/L -> the site's unit
_C3_RANGE: Final = _constant([[0.9, 1.8], [90.0, 180.0]])
_C4_RANGE: Final = _constant([[0.1, 0.4], [10.0, 40.0]])
_METHODS: Final = (None, "ELISA (site A)", "EliA dsDNA (site B)")
_DSDNA_HIGH: Final = _constant([30.0, 10.0])

#: Lab slots of a visit, in the order the example lists them.
_ANALYTES: Final = ("creatinine", "upcr", "c3", "c4", "anti_dsdna", "ana")
_TRISTATE: Final = _constant([False, True, None], object)  # codes 0, 1, 2

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Objects = npt.NDArray[np.object_]
Tables = dict[str, dict[str, np.ndarray[Any, Any]]]


def synthetic_schedule() -> tuple[Timepoint, ...]:
    """Return the example's schedule: months 1 to 24 with their visit windows.

    Returns
    -------
    tuple of Timepoint
        Label, target study day and window (+/- days) of each timepoint.

    Examples
    --------
    >>> [(tp.label, tp.day, tp.window_days) for tp in synthetic_schedule()][-1]
    ('month 24', 730, 30)
    """
    return tuple(
        Timepoint(label=label, day=day, window_days=window)
        for label, day, window in _SCHEDULE
    )


def synthetic_name(n_participants: int, seed: int) -> str:
    """Trial name of a synthetic cohort (says SYNTHETIC, its size and seed)."""
    return (
        "SYNTHETIC cohort: MSC infusion vs prednisone in lupus nephritis "
        f"({n_participants} simulated participants, seed {seed})"
    )


def _objects(values: list[Any] | tuple[Any, ...]) -> Objects:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _ids(n: int) -> Objects:
    """``SYN-001`` ... zero-padded to the width of *n* (so ids sort in order)."""
    width = max(3, len(str(n)))
    digits = np.char.zfill(np.arange(1, n + 1).astype(np.str_), width)
    return np.char.add("SYN-", digits).astype(object)


def _tristate(present: Bools, value: Bools) -> Objects:
    """Object array of True/False where *present*, None elsewhere."""
    codes = np.where(present, value.astype(np.int8), np.int8(2))
    out: Objects = _TRISTATE[codes]
    return out


class _People:
    """Per-participant draws (arrays of length n)."""

    def __init__(self, rng: np.random.Generator, n: int) -> None:
        arms = np.arange(n) % 2
        self.arm = rng.permutation(arms)
        self.msc = self.arm == 0
        self.site = (rng.random(n) >= 0.5).astype(np.int64)  # 0 = site A
        self.day0 = _DAY0_FIRST + rng.integers(0, 700, n)
        age = rng.uniform(18, 50, n)
        self.birth = self.day0 - np.rint(age * 365.25).astype(np.int64)
        self.female = rng.random(n) < 0.85
        self.height = np.round(rng.normal(163, 7, n), 1)
        # Latent course (invented effect sizes).
        self.upcr0 = np.exp(rng.normal(np.log(3.0), 0.45, n))
        self.scr0 = np.exp(rng.normal(np.log(1.1), 0.3, n))
        self.responder = rng.random(n) < np.where(self.msc, 0.55, 0.4)
        t_resp = rng.choice(np.array([91.0, 182.0, 274.0, 365.0]), n)
        self.t_resp = np.where(self.responder, t_resp, np.inf)
        relapse = self.responder & (rng.random(n) < 0.15)
        self.relapse_day = np.where(relapse, 548.0, np.inf)
        self.c3_0 = rng.uniform(0.4, 0.95, n)
        self.c4_0 = rng.uniform(0.04, 0.14, n)
        self.dsdna0 = np.exp(rng.normal(np.log(5.0), 0.6, n))
        self.ana0 = rng.choice(_ANA_TITRES[1:], n)
        # Events: death or withdrawal end follow-up.
        u = rng.random(n)
        self.death = u < np.where(self.msc, 0.07, 0.10)
        self.withdrawal = ~self.death & (u < 0.2)
        end = np.full(n, _LAST_DAY, dtype=np.int64)
        end = np.where(self.death, rng.integers(40, 700, n), end)
        self.end = np.where(self.withdrawal, rng.integers(60, 600, n), end)
        self.rescue = (rng.random(n) < 0.08) & (self.end > 150)
        high = np.maximum(np.minimum(self.end, 700), 101)
        self.rescue_day = np.where(
            self.rescue, rng.integers(100, high), np.iinfo(np.int64).max
        )
        self.progressor = ~self.responder & (rng.random(n) < 0.12)
        self.dialysis = self.progressor & (self.end > 400)
        high = np.maximum(np.minimum(self.end, 720), 301)
        self.dialysis_day = rng.integers(300, high)


def _visit_plan(rng: np.random.Generator, p: _People) -> tuple[Ints, Ints, Ints]:
    """Kept visits: (participant, study day, slot), ordered by participant and day.

    Slot 0 is baseline, 1..7 the scheduled timepoints, 8 an unscheduled visit.
    """
    n = len(p.arm)
    slots = len(_SCHEDULE) + 2
    day = np.empty((n, slots), dtype=np.int64)
    day[:, 0] = -rng.integers(0, 8, n)
    for j, (_label, target, window) in enumerate(_SCHEDULE, start=1):
        jitter = np.clip(rng.normal(0, window / 2.5, n), -window - 3, window + 3)
        day[:, j] = target + np.trunc(jitter).astype(np.int64)
    unscheduled = rng.random(n) < 0.15
    day[:, -1] = rng.integers(120, 500, n)
    missed = rng.random((n, slots)) < 0.08
    missed[:, 0] = False
    keep = ~missed & (day <= p.end[:, None])
    keep[:, -1] &= unscheduled
    # An unscheduled visit on the day of a kept scheduled one is the same visit.
    same_day = (day[:, 1:-1] == day[:, -1:]) & keep[:, 1:-1]
    keep[:, -1] &= ~same_day.any(axis=1)
    sort_day = np.where(keep, day, np.iinfo(np.int64).max)
    order = np.argsort(sort_day, axis=1, kind="stable")
    day = np.take_along_axis(day, order, axis=1)
    keep = np.take_along_axis(keep, order, axis=1)
    slot = np.broadcast_to(np.arange(slots), (n, slots))
    slot = np.take_along_axis(slot, order, axis=1)
    who = np.broadcast_to(np.arange(n)[:, None], (n, slots))
    return who[keep], day[keep], slot[keep]


def _activity(p: _People, who: Ints, day: Ints) -> Floats:
    """Disease activity fraction at each visit (1 = baseline)."""
    d = day.astype(np.float64)
    t_resp = p.t_resp[who]
    with np.errstate(invalid="ignore", divide="ignore"):
        responding = np.maximum(0.06, np.exp(-3.2 * np.minimum(d, t_resp) / t_resp))
    frac = np.where(p.responder[who], responding, 0.45 + 0.4 * np.exp(-d / 120))
    frac = np.where(d >= p.relapse_day[who], 0.9, frac)
    out: Floats = np.where(d <= 0, 1.0, frac)
    return out


def _participants_table(p: _People, ids: Objects) -> dict[str, np.ndarray[Any, Any]]:
    n = len(ids)
    return {
        "USUBJID": ids,
        "SEX": _objects(("M", "F"))[p.female.astype(np.int64)],
        "BRTHDTC": p.birth,
        "ARM": _objects(SYNTHETIC_ARMS)[p.arm],
        "RFSTDTC": p.day0,
        "HEIGHT_CM": p.height,
        "BLACK": np.full(n, None, dtype=object),
    }


def _events_table(p: _People, ids: Objects) -> dict[str, np.ndarray[Any, Any]]:
    kinds = (
        ("death", p.death, p.end),
        ("withdrawal", p.withdrawal, p.end),
        ("rescue_therapy", p.rescue, p.rescue_day),
        ("dialysis", p.dialysis, p.dialysis_day),
    )
    who = np.concatenate([np.flatnonzero(mask) for _, mask, _ in kinds])
    day = np.concatenate([days[mask] for _, mask, days in kinds])
    kind = np.concatenate(
        [
            np.full(int(mask.sum()), k, dtype=np.int64)
            for k, (_, mask, _) in enumerate(kinds)
        ]
    )
    names = _objects([name for name, _, _ in kinds])
    # Events by participant, date, then type (as in the example).
    order = np.lexsort((names.astype(str)[kind], day, who))
    who, day, kind = who[order], day[order], kind[order]
    return {
        "USUBJID": ids[who],
        "DSDECOD": names[kind],
        "DSSTDTC": p.day0[who] + day,
    }


def _visits_table(
    rng: np.random.Generator,
    p: _People,
    ids: Objects,
    visits: tuple[Ints, Ints, Ints],
    frac: Floats,
) -> dict[str, np.ndarray[Any, Any]]:
    who, day, slot = visits
    n_visits = len(who)
    unscheduled = slot == len(_SCHEDULE) + 1
    scheduled = ~unscheduled
    labels = _objects(["baseline", *(s[0] for s in _SCHEDULE), "unscheduled"])
    gc = np.where(p.msc[who], 20.0, 40.0) * np.exp(-np.maximum(day, 0) / 90) + 5.0
    table: dict[str, np.ndarray[Any, Any]] = {
        "USUBJID": ids[who],
        "SVSTDTC": p.day0[who] + day,
        "VISIT": labels[slot],
        "UNSCHEDULED": unscheduled,
        "GLUCOCORTICOID_MG_DAY": np.where(scheduled, np.rint(gc / 2.5) * 2.5, np.nan),
        "RESCUE_THERAPY": _tristate(scheduled, day >= p.rescue_day[who]),
        "PGA": np.full(n_visits, np.nan),
    }
    absent = np.zeros(n_visits, dtype=bool)
    for name in SLEDAI_2K_DESCRIPTOR_NAMES:
        if name in _DERIVED:
            table[name] = _tristate(absent, absent)
        elif name in _ACTIVE:
            present = rng.random(n_visits) < _ACTIVE[name] * frac
            table[name] = _tristate(scheduled, present)
        else:
            table[name] = _tristate(scheduled, absent)
    return table


def _labs_table(
    rng: np.random.Generator,
    p: _People,
    ids: Objects,
    visits: tuple[Ints, Ints, Ints],
    frac: Floats,
    *,
    visit_label: Objects,
) -> dict[str, np.ndarray[Any, Any]]:
    who, day, slot = visits
    n_visits = len(who)
    site = p.site[who]
    scheduled = slot != len(_SCHEDULE) + 1
    d = day.astype(np.float64)
    after = d > 0
    heal = 1.0 - frac
    k = len(_ANALYTES)
    present = np.zeros((n_visits, k), dtype=bool)
    value = np.empty((n_visits, k))
    low = np.full((n_visits, k), np.nan)
    high = np.full((n_visits, k), np.nan)
    # Codes into _UNITS, _SPECIMENS and _METHODS (object columns are made
    # once, at the end, by one lookup each).
    unit = np.empty((n_visits, k), dtype=np.int8)
    specimen = np.zeros((n_visits, k), dtype=np.int8)
    method = np.zeros((n_visits, k), dtype=np.int8)
    site8 = site.astype(np.int8)

    # Creatinine (mg/dL), drifting with the course; every visit.
    progressor, responder = p.progressor[who], p.responder[who]
    slope = np.where(progressor, 1.2, np.where(responder, -0.05, 0.05))
    noise = np.exp(rng.normal(0, 0.06, n_visits))
    scr = p.scr0[who] * np.where(after, (1.0 + d / 730 * slope) * noise, 1.0)
    to_umol = float(convert(1.0, "mg/dL", "µmol/L", analyte="creatinine"))
    present[:, 0] = True
    value[:, 0] = np.where(site == 0, np.rint(scr * to_umol), np.round(scr, 2))
    unit[:, 0] = _UNIT_CODE["creatinine"] + site8
    specimen[:, 0] = 1

    # UPCR (g/g) follows the activity; 6% missing after baseline.
    noise = np.exp(rng.normal(0, 0.2, n_visits))
    upcr = p.upcr0[who] * np.where(after, frac * noise, 1.0)
    to_mg_mmol = float(convert(1.0, "g/g", "mg/mmol", analyte="upcr"))
    present[:, 1] = (rng.random(n_visits) > 0.06) | (slot == 0)
    value[:, 1] = np.where(site == 0, np.rint(upcr * to_mg_mmol), np.round(upcr, 2))
    unit[:, 1] = _UNIT_CODE["upcr"] + site8
    specimen[:, 1] = 2

    # Complement rises towards normal as activity falls; scheduled visits.
    scale = _COMPLEMENT_SCALE[site]
    c3 = p.c3_0[who] + (1.15 - p.c3_0[who]) * heal + rng.normal(0, 0.05, n_visits)
    c4 = p.c4_0[who] + (0.22 - p.c4_0[who]) * heal + rng.normal(0, 0.01, n_visits)
    for j, conc, floor, digits, ranges in (
        (2, c3, 0.1, 2, _C3_RANGE),
        (3, c4, 0.02, 3, _C4_RANGE),
    ):
        present[:, j] = scheduled
        value[:, j] = np.round(np.maximum(conc, floor) * scale, digits)
        unit[:, j] = _UNIT_CODE["complement"] + site8
        low[:, j] = ranges[site, 0]
        high[:, j] = ranges[site, 1]

    # Anti-dsDNA as a multiple of the site's upper limit; scheduled visits.
    ratio = p.dsdna0[who] * (0.25 + 0.75 * frac) * np.exp(rng.normal(0, 0.25, n_visits))
    present[:, 4] = scheduled
    value[:, 4] = np.round(ratio * _DSDNA_HIGH[site], 1)
    unit[:, 4] = _UNIT_CODE["anti_dsdna"]
    high[:, 4] = _DSDNA_HIGH[site]
    method[:, 4] = 1 + site8

    # ANA titre falls by doublings with the activity; four timepoints.
    ana_slots = [
        j
        for j, label in enumerate(("baseline", *(s[0] for s in _SCHEDULE)))
        if label in _ANA_LABELS
    ]
    steps = np.rint(3 * heal + rng.normal(0, 0.6, n_visits)).astype(np.int64)
    halvings = np.clip(steps, 0, 30)
    ana = np.maximum(_ANA_TITRES[0], p.ana0[who] >> halvings)
    present[:, 5] = np.isin(slot, ana_slots)
    value[:, 5] = ana
    unit[:, 5] = _UNIT_CODE["ana"]

    # Flatten visit-major (a visit's labs together, in _ANALYTES order).
    row_visit = np.broadcast_to(np.arange(n_visits)[:, None], (n_visits, k))[present]
    analyte = np.broadcast_to(np.arange(k, dtype=np.int8), (n_visits, k))[present]
    return {
        "USUBJID": ids[who[row_visit]],
        "LBTESTCD": _objects(_ANALYTES)[analyte],
        "LBORRES": value[present],
        "LBORRESU": _objects(_UNITS)[unit[present]],
        "LBSTNRLO": low[present],
        "LBSTNRHI": high[present],
        "LBDTC": p.day0[who[row_visit]] + day[row_visit],
        "LBSPEC": _objects(_SPECIMENS)[specimen[present]],
        "LBMETHOD": _objects(_METHODS)[method[present]],
        "VISIT": visit_label[row_visit],
    }


def synthetic_tables(n_participants: int, *, seed: int = DEFAULT_SEED) -> Tables:
    """Simulate a SYNTHETIC trial in the bundled example's design, as tables.

    Parameters
    ----------
    n_participants : int
        Number of participants (>= 1), allocated 1:1 to :data:`SYNTHETIC_ARMS`
        in random order.
    seed : int
        Seed of numpy's ``default_rng`` (>= 0). The tables are a pure
        function of ``(n_participants, seed)``.

    Returns
    -------
    dict
        ``{"participants", "visits", "labs", "events"}``, each a dict of
        column name -> 1-d numpy array in the cohort input layout: ids and
        codes as object arrays of str, numbers as float with NaN for missing,
        dates as ``datetime64[D]``, tri-state flags (``BLACK``,
        ``RESCUE_THERAPY``, SLEDAI-2K descriptors) as object arrays of
        True/False/None. Participants are ordered by id, visits by participant
        and date, lab rows by visit, events by participant, date and type.

    Raises
    ------
    InvalidValueError
        *n_participants* is not a whole number >= 1, or *seed* not one >= 0.

    Examples
    --------
    >>> tables = synthetic_tables(4, seed=7)
    >>> tables["participants"]["ARM"].tolist().count("MSC infusion")
    2
    >>> sorted(set(tables["labs"]["LBTESTCD"]))
    ['ana', 'anti_dsdna', 'c3', 'c4', 'creatinine', 'upcr']
    """
    n = as_count("n_participants", n_participants, minimum=1)
    seed = as_count("seed", seed, minimum=0)
    rng = np.random.default_rng(seed)
    people = _People(rng, n)
    ids = _ids(n)
    visits = _visit_plan(rng, people)
    frac = _activity(people, visits[0], visits[1])
    visit_table = _visits_table(rng, people, ids, visits, frac)
    return {
        "participants": _participants_table(people, ids),
        "visits": visit_table,
        "labs": _labs_table(
            rng, people, ids, visits, frac, visit_label=visit_table["VISIT"]
        ),
        "events": _events_table(people, ids),
    }


def synthetic_cohort(n_participants: int, *, seed: int = DEFAULT_SEED) -> Cohort:
    """Simulate a SYNTHETIC trial in the bundled example's design as a Cohort.

    Parameters
    ----------
    n_participants : int
        Number of participants (>= 1).
    seed : int
        Seed of numpy's ``default_rng`` (>= 0).

    Returns
    -------
    Cohort
        :func:`synthetic_tables` read by ``Cohort.from_columns`` with the
        example's schedule and arms, a SYNTHETIC name and ``synthetic=True``.

    Raises
    ------
    InvalidValueError
        As :func:`synthetic_tables`.
    """
    from lupusscore.cohort import Cohort  # noqa: PLC0415 - cohort imports models

    tables = synthetic_tables(n_participants, seed=seed)
    return Cohort.from_columns(
        tables["labs"],
        tables["participants"],
        visits=tables["visits"],
        events=tables["events"],
        schedule=synthetic_schedule(),
        arms=SYNTHETIC_ARMS,
        name=synthetic_name(n_participants, seed),
        synthetic=True,
        baseline_window_days=_BASELINE_WINDOW_DAYS,
    )


# -- the tables as models (small sizes: the from-Trial benchmark, the tests) ---


def _day(value: Any) -> str:
    """Return the ISO date of a datetime64."""
    return str(np.datetime64(value, "D"))


def _maybe(record: dict[str, Any], key: str, value: object) -> None:
    """Set *key* unless *value* is missing (None or NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    record[key] = value


def tables_to_trial(
    tables: Mapping[str, Mapping[str, np.ndarray[Any, Any]]],
    *,
    name: str = "SYNTHETIC example",
) -> Trial:
    """Build a validated :class:`~lupusscore.Trial` from :func:`synthetic_tables`.

    A row-by-row conversion through the models, for the sizes where one
    wants the model-level API (the benchmarks compare it with the cohort
    engine); it is not vectorised.
    """
    people = tables["participants"]
    labs_of: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    labs = tables["labs"]
    for i in range(len(labs["USUBJID"])):
        lab: dict[str, Any] = {
            "analyte": labs["LBTESTCD"][i],
            "value": float(labs["LBORRES"][i]),
            "unit": labs["LBORRESU"][i],
            "date": _day(labs["LBDTC"][i]),
        }
        _maybe(lab, "reference_low", float(labs["LBSTNRLO"][i]))
        _maybe(lab, "reference_high", float(labs["LBSTNRHI"][i]))
        _maybe(lab, "specimen", labs["LBSPEC"][i])
        _maybe(lab, "assay", labs["LBMETHOD"][i])
        labs_of[labs["USUBJID"][i], lab["date"]].append(lab)
    visits_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    visits = tables["visits"]
    for i in range(len(visits["USUBJID"])):
        pid = visits["USUBJID"][i]
        date = _day(visits["SVSTDTC"][i])
        visit: dict[str, Any] = {
            "participant_id": pid,
            "date": date,
            "label": visits["VISIT"][i],
            "unscheduled": bool(visits["UNSCHEDULED"][i]),
            "labs": labs_of.pop((pid, date), []),
            "descriptors": {
                d: visits[d][i]
                for d in SLEDAI_2K_DESCRIPTOR_NAMES
                if visits[d][i] is not None
            },
        }
        _maybe(
            visit, "glucocorticoid_mg_day", float(visits["GLUCOCORTICOID_MG_DAY"][i])
        )
        _maybe(visit, "pga", float(visits["PGA"][i]))
        _maybe(visit, "rescue_therapy", visits["RESCUE_THERAPY"][i])
        visits_of[pid].append(visit)
    if labs_of:  # pragma: no cover - synthetic_tables puts every lab in a visit
        msg = "every lab row belongs to a visit"
        raise ValueError(msg)
    events_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
    events = tables["events"]
    for i in range(len(events["USUBJID"])):
        events_of[events["USUBJID"][i]].append(
            {"type": events["DSDECOD"][i], "date": _day(events["DSSTDTC"][i])}
        )
    sexes = {"F": "female", "M": "male"}
    participants = []
    for i in range(len(people["USUBJID"])):
        pid = people["USUBJID"][i]
        patient: dict[str, Any] = {
            "id": pid,
            "sex": sexes[people["SEX"][i]],
            "birth_date": _day(people["BRTHDTC"][i]),
        }
        _maybe(patient, "height_cm", float(people["HEIGHT_CM"][i]))
        _maybe(patient, "black", people["BLACK"][i])
        participants.append(
            {
                "patient": patient,
                "arm": people["ARM"][i],
                "day0": _day(people["RFSTDTC"][i]),
                "visits": visits_of[pid],
                "events": events_of[pid],
            }
        )
    return Trial.model_validate(
        {
            "name": name,
            "synthetic": True,
            "arms": list(SYNTHETIC_ARMS),
            "schedule": [tp.model_dump() for tp in synthetic_schedule()],
            "participants": participants,
        }
    )


def synthetic_trial(n_participants: int, *, seed: int = DEFAULT_SEED) -> Trial:
    """Return :func:`synthetic_tables` as a validated Trial (row by row; small *n*).

    Examples
    --------
    >>> trial = synthetic_trial(4)
    >>> len(trial.participants), trial.synthetic
    (4, True)
    """
    return tables_to_trial(
        synthetic_tables(n_participants, seed=seed),
        name=synthetic_name(n_participants, seed),
    )
