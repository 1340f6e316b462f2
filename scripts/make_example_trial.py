"""Generate the bundled SYNTHETIC example trial (package data ``example_trial.json``).

Every number in the output is simulated. The cohort is only *modelled on* the
design of a two-arm randomised trial of mesenchymal stem cell (MSC) infusion
versus prednisone in lupus nephritis: infusion (or start of prednisone) on day
0, visits at baseline and months 1, 3, 6, 9, 12, 18 and 24, 40 participants
per arm. No real participant, site or result is represented, and the effect
sizes are invented for illustration; do not read clinical meaning into them.

It covers the five outcome domains the report shows (kidney: creatinine and
UPCR; survival; SLEDAI-2K descriptors; ANA and anti-dsDNA with lab ranges;
C3 and C4 with lab ranges), with deaths, dialysis, withdrawals, rescue
therapy, missed visits, missing labs, unscheduled visits and mixed units
(creatinine in µmol/L or mg/dL, UPCR in mg/mmol or g/g, complement in g/L or
mg/dL) as two simulated sites would report them.

Usage (from the repository root)::

    .venv/bin/python scripts/make_example_trial.py          # rewrite the file
    .venv/bin/python scripts/make_example_trial.py --check  # exit 1 if stale

The output is a pure function of :data:`SEED` (numpy ``default_rng``); the test
suite checks that the shipped file equals a fresh generation.
"""

# Simulation parameters below are invented for illustration (not clinical
# thresholds), and this is a command-line script that prints.
# ruff: noqa: PLR2004, T201

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np

from lupusscore.models import SLEDAI_2K_DESCRIPTOR_NAMES
from lupusscore.units import convert

SEED = 20090501
N_PER_ARM = 40
ARMS = ("MSC infusion", "Prednisone")
OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "src"
    / "lupusscore"
    / "data"
    / "example_trial.json"
)

#: (label, target study day, window +/- days)
SCHEDULE = (
    ("month 1", 30, 7),
    ("month 3", 91, 14),
    ("month 6", 182, 14),
    ("month 9", 274, 14),
    ("month 12", 365, 30),
    ("month 18", 548, 30),
    ("month 24", 730, 30),
)
#: Descriptors the clinician records; proteinuria and the two serology items are
#: left for the library to derive from the labs.
CLINICAL_DESCRIPTORS = tuple(
    n
    for n in SLEDAI_2K_DESCRIPTOR_NAMES
    if n not in {"proteinuria", "low_complement", "increased_dna_binding"}
)
ANA_TITRES = (40, 80, 160, 320, 640, 1280)
ANA_MONTHS = {"baseline", "month 6", "month 12", "month 24"}


def _site_units(site: str) -> dict[str, Any]:
    if site == "A":
        return {
            "creatinine": "µmol/L",
            "upcr": "mg/mmol",
            "complement": "g/L",
            "c3_range": (0.9, 1.8),
            "c4_range": (0.1, 0.4),
            "dsdna_assay": "ELISA (site A)",
            "dsdna_high": 30.0,
        }
    return {
        "creatinine": "mg/dL",
        "upcr": "g/g",
        "complement": "mg/dL",
        "c3_range": (90.0, 180.0),
        "c4_range": (10.0, 40.0),
        "dsdna_assay": "EliA dsDNA (site B)",
        "dsdna_high": 10.0,
    }


def _participant(rng: np.random.Generator, index: int, arm: str) -> dict[str, Any]:
    pid = f"SYN-{index:03d}"
    site = "A" if rng.random() < 0.5 else "B"
    units = _site_units(site)
    msc = arm == ARMS[0]
    day0 = dt.date(2009, 3, 1) + dt.timedelta(days=int(rng.integers(0, 700)))
    age = float(rng.uniform(18, 50))
    birth = day0 - dt.timedelta(days=round(age * 365.25))
    sex = "female" if rng.random() < 0.85 else "male"

    # Latent course (invented effect sizes).
    upcr0 = float(np.exp(rng.normal(math.log(3.0), 0.45)))
    scr0 = float(np.exp(rng.normal(math.log(1.1), 0.3)))
    responder = rng.random() < (0.55 if msc else 0.4)
    t_resp = float(rng.choice([91, 182, 274, 365])) if responder else math.inf
    relapse_day = 548.0 if responder and rng.random() < 0.15 else math.inf
    c3_0 = float(rng.uniform(0.4, 0.95))
    c4_0 = float(rng.uniform(0.04, 0.14))
    dsdna_ratio0 = float(np.exp(rng.normal(math.log(5.0), 0.6)))
    ana0 = int(rng.choice(ANA_TITRES[1:]))

    # Events.
    events: list[dict[str, Any]] = []
    end = 760
    u = rng.random()
    if u < 0.07 + (0.0 if msc else 0.03):
        end = int(rng.integers(40, 700))
        events.append({"type": "death", "date": str(day0 + dt.timedelta(days=end))})
    elif u < 0.2:
        end = int(rng.integers(60, 600))
        events.append(
            {
                "type": "withdrawal",
                "date": str(day0 + dt.timedelta(days=end)),
                "note": "consent withdrawn (synthetic)",
            }
        )
    rescue_day = None
    if rng.random() < 0.08 and end > 150:
        rescue_day = int(rng.integers(100, min(end, 700)))
        events.append(
            {
                "type": "rescue_therapy",
                "date": str(day0 + dt.timedelta(days=rescue_day)),
                "note": "cyclophosphamide (synthetic)",
            }
        )
    progressor = not responder and rng.random() < 0.12
    if progressor and end > 400:
        dial = int(rng.integers(300, min(end, 720)))
        events.append({"type": "dialysis", "date": str(day0 + dt.timedelta(days=dial))})
    events.sort(key=lambda e: (e["date"], e["type"]))

    def course(day: float) -> tuple[float, float, float]:
        """UPCR g/g, creatinine mg/dL, activity fraction (1 = baseline)."""
        if day <= 0:
            return upcr0, scr0, 1.0
        if day >= relapse_day:
            frac = 0.9
        elif responder:
            frac = max(0.06, math.exp(-3.2 * min(day, t_resp) / t_resp))
        else:
            frac = 0.45 + 0.4 * math.exp(-day / 120)
        upcr = upcr0 * frac * float(np.exp(rng.normal(0, 0.2)))
        drift = 1.0 + (day / 730) * (
            1.2 if progressor else 0.05 if not responder else -0.05
        )
        scr = scr0 * drift * float(np.exp(rng.normal(0, 0.06)))
        return upcr, scr, frac

    visits: list[dict[str, Any]] = []
    plan = [("baseline", -int(rng.integers(0, 8)), False)]
    for label, target, window in SCHEDULE:
        plan.append(
            (
                label,
                target
                + int(np.clip(rng.normal(0, window / 2.5), -window - 3, window + 3)),
                False,
            )
        )
    if rng.random() < 0.15:
        plan.append(("unscheduled", int(rng.integers(120, 500)), True))
    plan.sort(key=lambda p: p[1])
    seen_days: set[int] = set()
    for label, day, unscheduled in plan:
        if (
            day in seen_days
            or day > end
            or (label != "baseline" and rng.random() < 0.08)
        ):
            continue
        seen_days.add(day)
        date = str(day0 + dt.timedelta(days=day))
        upcr, scr, frac = course(day)
        labs: list[dict[str, Any]] = []
        cr_unit = units["creatinine"]
        cr_val = (
            round(float(convert(scr, "mg/dL", cr_unit, analyte="creatinine")))
            if cr_unit == "µmol/L"
            else round(scr, 2)
        )
        labs.append(
            {
                "analyte": "creatinine",
                "value": float(cr_val),
                "unit": cr_unit,
                "date": date,
                "specimen": "serum",
            }
        )
        if rng.random() > 0.06 or label == "baseline":
            up_unit = units["upcr"]
            up_val = (
                round(float(convert(upcr, "g/g", up_unit, analyte="upcr")))
                if up_unit == "mg/mmol"
                else round(upcr, 2)
            )
            labs.append(
                {
                    "analyte": "upcr",
                    "value": float(up_val),
                    "unit": up_unit,
                    "date": date,
                    "specimen": "urine_24h",
                }
            )
        if not unscheduled:
            heal = 1.0 - frac
            c3 = c3_0 + (1.15 - c3_0) * heal + float(rng.normal(0, 0.05))
            c4 = c4_0 + (0.22 - c4_0) * heal + float(rng.normal(0, 0.01))
            scale = 1.0 if units["complement"] == "g/L" else 100.0
            lo3, hi3 = units["c3_range"]
            lo4, hi4 = units["c4_range"]
            labs.append(
                {
                    "analyte": "c3",
                    "value": round(max(c3, 0.1) * scale, 2),
                    "unit": units["complement"],
                    "date": date,
                    "reference_low": lo3,
                    "reference_high": hi3,
                }
            )
            labs.append(
                {
                    "analyte": "c4",
                    "value": round(max(c4, 0.02) * scale, 3),
                    "unit": units["complement"],
                    "date": date,
                    "reference_low": lo4,
                    "reference_high": hi4,
                }
            )
            ratio = (
                dsdna_ratio0 * (0.25 + 0.75 * frac) * float(np.exp(rng.normal(0, 0.25)))
            )
            labs.append(
                {
                    "analyte": "anti_dsdna",
                    "value": round(ratio * units["dsdna_high"], 1),
                    "unit": "IU/mL",
                    "date": date,
                    "reference_high": units["dsdna_high"],
                    "assay": units["dsdna_assay"],
                }
            )
            if label in ANA_MONTHS:
                steps = round(3 * (1 - frac) + float(rng.normal(0, 0.6)))
                ana = max(ANA_TITRES[0], ana0 // (2 ** max(steps, 0)))
                labs.append(
                    {
                        "analyte": "ana",
                        "value": float(ana),
                        "unit": "{titer}",
                        "date": date,
                    }
                )
        descriptors: dict[str, bool] = dict.fromkeys(CLINICAL_DESCRIPTORS, False)
        if not unscheduled:
            descriptors["urinary_casts"] = bool(rng.random() < 0.6 * frac)
            descriptors["hematuria"] = bool(rng.random() < 0.7 * frac)
            descriptors["arthritis"] = bool(rng.random() < 0.3 * frac)
            descriptors["rash"] = bool(rng.random() < 0.25 * frac)
            descriptors["alopecia"] = bool(rng.random() < 0.15 * frac)
        visit: dict[str, Any] = {
            "participant_id": pid,
            "date": date,
            "label": label,
            "labs": labs,
        }
        if not unscheduled:
            gc = (40.0 if not msc else 20.0) * math.exp(-max(day, 0) / 90) + 5.0
            visit["glucocorticoid_mg_day"] = round(gc / 2.5) * 2.5
            visit["descriptors"] = descriptors
            visit["rescue_therapy"] = rescue_day is not None and day >= rescue_day
        else:
            visit["unscheduled"] = True
        visits.append(visit)
    return {
        "patient": {
            "id": pid,
            "sex": sex,
            "birth_date": str(birth),
            "height_cm": round(float(rng.normal(163, 7)), 1),
        },
        "arm": arm,
        "day0": str(day0),
        "visits": visits,
        "events": events,
    }


def build_trial(seed: int = SEED) -> dict[str, Any]:
    """Return the synthetic trial as a JSON-ready dict (deterministic in *seed*)."""
    rng = np.random.default_rng(seed)
    participants = []
    arms = [ARMS[i % 2] for i in range(2 * N_PER_ARM)]
    rng.shuffle(arms)
    for i, arm in enumerate(arms, start=1):
        participants.append(_participant(rng, i, str(arm)))
    return {
        "name": "SYNTHETIC example: MSC infusion vs prednisone in lupus nephritis",
        "description": (
            "SYNTHETIC DATA generated by scripts/make_example_trial.py "
            f"(numpy default_rng seed {seed}). Modelled on the design of a "
            "2-arm randomised trial of mesenchymal stem cell infusion vs "
            "prednisone in lupus nephritis; no real participant or result, "
            "invented effect sizes."
        ),
        "synthetic": True,
        "day0": "infusion (MSC arm) or start of prednisone (control arm)",
        "arms": list(ARMS),
        "control_arm": ARMS[1],
        "schedule": [
            {"label": label, "day": day, "window_days": window}
            for label, day, window in SCHEDULE
        ],
        "baseline_window_days": 30,
        "participants": participants,
    }


def render(trial: dict[str, Any]) -> str:
    """JSON text: header fields, then one participant per line."""
    head = {k: v for k, v in trial.items() if k != "participants"}
    head_text = json.dumps(head, ensure_ascii=False, indent=1)
    rows = ",\n".join(
        json.dumps(p, ensure_ascii=False, separators=(",", ":"))
        for p in trial["participants"]
    )
    return head_text[:-2] + ',\n "participants": [\n' + rows + "\n ]\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Write (or with --check, verify) the bundled example trial."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is stale"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build_trial())
    if args.check:
        current = (
            args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        )
        if current != text:
            print(
                f"{args.output} is stale: run scripts/make_example_trial.py",
                file=sys.stderr,
            )
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
