"""Hypothesis strategies for whole random trials (the cohort engine's property tests).

A trial here is small (1-6 participants) but uses every feature the outcome
table reads: visits before and after day 0 (some unscheduled, some missing
labs), creatinine and UPCR in several units and specimens, complement with and
without reference ranges, anti-dsDNA in IU/mL from two assays with and without
an upper limit, ANA titres, glucocorticoid doses and rescue flags (some not
recorded), SLEDAI-2K descriptors (some not recorded) and events.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from lupusscore import Trial
from lupusscore.descriptors import SLEDAI_2K_DESCRIPTOR_NAMES

SCHEDULE = [
    {"label": "month 1", "day": 30, "window_days": 7},
    {"label": "month 3", "day": 91, "window_days": 14},
    {"label": "month 6", "day": 182, "window_days": 14},
    {"label": "month 12", "day": 365, "window_days": 30},
    {"label": "month 24", "day": 730, "window_days": 30},
]
ARMS = ["A", "B"]
_TARGETS = [-5, 0, 30, 91, 182, 365, 548, 730]


@st.composite
def _lab(draw: st.DrawFn, analyte: str, on: dt.date) -> dict[str, Any]:
    if analyte == "creatinine":
        unit = draw(st.sampled_from(["µmol/L", "mg/dL"]))
        value = (
            draw(st.floats(40, 400)) if unit == "µmol/L" else draw(st.floats(0.4, 4))
        )
        lab: dict[str, Any] = {"value": round(value, 2), "unit": unit}
        if draw(st.booleans()):
            lab["reference_high"] = 1.2 if unit == "mg/dL" else 106.0
    elif analyte == "upcr":
        unit = draw(st.sampled_from(["mg/mmol", "g/g", "mg/mg"]))
        value = (
            draw(st.floats(5, 900)) if unit == "mg/mmol" else draw(st.floats(0.05, 8))
        )
        lab = {"value": round(value, 3), "unit": unit}
        lab["specimen"] = draw(st.sampled_from(["urine_24h", "spot_urine", None]))
    elif analyte in ("c3", "c4"):
        lab = {"value": round(draw(st.floats(0.02, 2.0)), 3), "unit": "g/L"}
        if draw(st.integers(0, 3)):
            lab["reference_low"] = 0.9 if analyte == "c3" else 0.1
    elif analyte == "anti_dsdna":
        unit = draw(st.sampled_from(["IU/mL", "IU/mL", "U/mL"]))  # U/mL: per assay
        lab = {"value": round(draw(st.floats(1, 400)), 1), "unit": unit}
        if draw(st.integers(0, 3)):
            lab["reference_high"] = draw(st.sampled_from([30.0, 100.0]))
        assay = draw(st.sampled_from(["ELISA (site A)", "CLIA (site B)", None]))
        if assay is not None:
            lab["assay"] = assay
    elif analyte == "cystatin_c":
        lab = {"value": round(draw(st.floats(0.5, 3.0)), 2), "unit": "mg/L"}
    else:  # ana
        lab = {
            "value": float(draw(st.sampled_from([40, 80, 160, 320, 640]))),
            "unit": "{titer}",
        }
    lab = {k: v for k, v in lab.items() if v is not None}
    return {"analyte": analyte, "date": on.isoformat(), **lab}


@st.composite
def _participant(draw: st.DrawFn, pid: str) -> dict[str, Any]:
    day0 = dt.date(2010, 1, 1) + dt.timedelta(days=draw(st.integers(0, 700)))
    born = dt.date(draw(st.integers(1950, 1990)), 6, 15)  # adults: no age warning
    days: set[int] = set()
    for target in _TARGETS:
        if draw(st.integers(0, 5)):
            days.add(target + draw(st.integers(-12, 12)))
    days |= set(draw(st.lists(st.integers(-35, 800), max_size=3)))
    visits = []
    for day in sorted(days):
        on = day0 + dt.timedelta(days=day)
        labs = [
            draw(_lab(analyte, on))
            for analyte in (
                "creatinine",
                "upcr",
                "c3",
                "c4",
                "anti_dsdna",
                "ana",
                "cystatin_c",
            )
            if draw(st.integers(0, 4))
        ]
        visit: dict[str, Any] = {
            "participant_id": pid,
            "date": on.isoformat(),
            "labs": labs,
            "unscheduled": draw(st.integers(0, 7)) == 0,
        }
        dose = draw(st.sampled_from([None, 5.0, 7.5, 10.0, 20.0, 40.0]))
        if dose is not None:
            visit["glucocorticoid_mg_day"] = dose
        rescue = draw(st.sampled_from([False, False, False, None, True]))
        if rescue is not None:
            visit["rescue_therapy"] = rescue
        if draw(st.integers(0, 3)):
            visit["descriptors"] = {
                name: draw(st.sampled_from([False, False, False, True, None]))
                for name in SLEDAI_2K_DESCRIPTOR_NAMES
                if draw(st.integers(0, 9))
            }
        visits.append(visit)
    events = []
    if draw(st.integers(0, 4)) == 0:
        kind = draw(st.sampled_from(["death", "withdrawal", "dialysis", "transplant"]))
        last = max([0, *days])
        day = draw(st.integers(1, max(1, last)))
        events.append(
            {"type": kind, "date": (day0 + dt.timedelta(days=day)).isoformat()}
        )
        if kind == "death":  # nothing but death on or after it
            cutoff = day0 + dt.timedelta(days=day)
            visits = [v for v in visits if v["date"] < cutoff.isoformat()]
    return {
        "patient": {
            "id": pid,
            "sex": draw(st.sampled_from(["female", "male"])),
            "birth_date": born.isoformat(),
            "height_cm": 165.0,
            "black": draw(st.sampled_from([True, False, None])),
        },
        "arm": draw(st.sampled_from(ARMS)),
        "day0": day0.isoformat(),
        "visits": visits,
        "events": events,
    }


@st.composite
def trials(draw: st.DrawFn, max_participants: int = 6) -> Trial:
    """Return a random valid trial with the schedule above."""
    n = draw(st.integers(1, max_participants))
    people = [draw(_participant(f"P{i:02d}")) for i in range(n)]
    return Trial.model_validate(
        {
            "name": "random trial",
            "synthetic": True,
            "arms": ARMS,
            "schedule": SCHEDULE,
            "baseline_window_days": 30,
            "participants": people,
        }
    )
