"""Per-call cost of the scalar entry points, each against a plain-Python baseline.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_percall.py``).

Every row times one lupusscore call and, in the same run, a plain-Python
formula doing the same arithmetic on the same input (no validation, no
explanation, no units): the ratio is the price of the library's checks and
explained results. Thresholds and coefficients of the baselines are read from
the library's own data (definition files, coefficient tables, SLEDAI-2K
weights and lab rules), never written here. Times are the minimum over
repeats of ``timeit``; the machine may be shared, so compare the ratios, not
one absolute time. The targets are those of issue 12; nothing here is
asserted by the tests.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import operator
import platform
import time
import timeit
from collections.abc import Callable
from typing import Any

import lupusscore as ls
from lupusscore.activity._derive import LAB_RULES
from lupusscore.descriptors import SLEDAI_2K_WEIGHTS
from lupusscore.kidney import egfr_ckd_epi_2021
from lupusscore.kidney._egfr import CKD_EPI_2021

# ---------------------------------------------------------------------------
# inputs
# ---------------------------------------------------------------------------

VISIT_DAY = "2024-03-01"

#: Ten labs of one visit: (analyte, value, unit, collection date).
TEN_LABS: tuple[tuple[str, float, str, str], ...] = (
    ("creatinine", 1.1, "mg/dL", VISIT_DAY),
    ("upcr", 0.62, "g/g", VISIT_DAY),
    ("urine_rbc", 7.0, "/hpf", VISIT_DAY),
    ("urine_wbc", 3.0, "/hpf", VISIT_DAY),
    ("platelets", 140.0, "10^9/L", VISIT_DAY),
    ("wbc", 2.8, "10^9/L", VISIT_DAY),
    ("body_temperature", 37.2, "°C", VISIT_DAY),
    ("c3", 0.7, "g/L", VISIT_DAY),
    ("c4", 0.09, "g/L", VISIT_DAY),
    ("protein_24h", 0.9, "g/day", "2024-02-27"),
)
#: Reference ranges for the complement results (the lab's own limits).
RANGES: dict[str, tuple[float, float]] = {"c3": (0.9, 1.8), "c4": (0.1, 0.4)}

DESCRIPTORS: dict[str, bool | None] = {
    "rash": True,
    "alopecia": False,
    "mucosal_ulcers": None,
    "arthritis": False,
    "pleurisy": False,
}


def lab_dicts(day: str = VISIT_DAY) -> list[dict[str, Any]]:
    """The ten labs as plain dicts (what a JSON file holds)."""
    out = []
    for analyte, value, unit, when in TEN_LABS:
        d: dict[str, Any] = {
            "analyte": analyte,
            "value": value,
            "unit": unit,
            "date": when if day == VISIT_DAY else day,
        }
        if analyte in RANGES:
            d["reference_low"], d["reference_high"] = RANGES[analyte]
        out.append(d)
    return out


def visit_dict(day: str = VISIT_DAY) -> dict[str, Any]:
    """A visit as a plain dict with ten labs and clinician descriptors."""
    return {
        "participant_id": "P01",
        "date": day,
        "labs": lab_dicts(day),
        "glucocorticoid_mg_day": 7.5,
        "descriptors": DESCRIPTORS,
    }


# ---------------------------------------------------------------------------
# plain-Python baselines: the same arithmetic, no checks, no explanation
# ---------------------------------------------------------------------------

_C = CKD_EPI_2021


def plain_egfr(scr: float, age: float, *, female: bool) -> float:
    """CKD-EPI 2021 in plain Python (coefficients from the library's table)."""
    k = _C.kappa_female if female else _C.kappa_male
    a = _C.alpha_female if female else _C.alpha_male
    r = scr / k
    out = (
        _C.scale
        * min(r, 1.0) ** a
        * max(r, 1.0) ** _C.upper_exponent
        * _C.age_base**age
    )
    return out * _C.female_factor if female else out


_BLISS = ls.get_definition("bliss-ln")


def _tier_numbers(tier: Any) -> tuple[float, float, float, float]:
    upcr = next(c for c in tier.criteria if c.kind == "upcr_below")
    egfr = next(c for c in tier.criteria if c.kind == "egfr")
    gc = next(c for c in tier.criteria if c.kind == "glucocorticoid_ceiling")
    return upcr.threshold_g_g, egfr.at_least, egfr.max_fall_fraction, gc.max_mg_day


_CRR = _tier_numbers(_BLISS.complete)
_PERR = _tier_numbers(_BLISS.partial)


def plain_bliss(
    upcr: float, egfr: float, ref: float, gc: float, *, rescue: bool
) -> str:
    """BLISS-LN CRR / PERR as plain comparisons (thresholds from the file)."""
    u, lo, fall, ceiling = _CRR
    if (
        upcr < u
        and (egfr >= lo or egfr >= ref * (1 - fall))
        and not rescue
        and gc <= ceiling
    ):
        return "complete"
    u, lo, fall, ceiling = _PERR
    if (
        upcr <= u
        and (egfr >= lo or egfr >= ref * (1 - fall))
        and not rescue
        and gc <= ceiling
    ):
        return "partial"
    return "none"


def _canonical_factor(analyte: str, value: float, unit: str) -> float:
    lab = ls.LabResult(analyte=analyte, value=value, unit=unit, date=VISIT_DAY)
    return lab.canonical_value / value


_FACTORS: dict[tuple[str, str], float] = {
    (a, u): _canonical_factor(a, v, u) for a, v, u, _d in TEN_LABS
}
_RULES = {r.analyte.value: r for r in LAB_RULES}
_OPS: dict[str, Callable[[float, float], bool]] = {">": operator.gt, "<": operator.lt}
_COMPLEMENT = frozenset({"c3", "c4", "ch50"})


def plain_sledai(
    labs: list[tuple[str, float, str, str, float | None]],
    descriptors: dict[str, bool | None],
    visit_day: dt.date,
    window: int,
) -> int:
    """SLEDAI-2K: worst value per analyte in the window vs the lab rules.

    Labs are (analyte, value, unit, date, reference_low); complement is low
    below the lab's own lower limit.
    """
    start = visit_day - dt.timedelta(days=window)
    worst: dict[str, float] = {}
    present = {name for name, flag in descriptors.items() if flag}
    for analyte, value, unit, when, low in labs:
        day = dt.date.fromisoformat(when)
        if not start <= day <= visit_day:
            continue
        if analyte in _COMPLEMENT:
            if low is not None and value < low:
                present.add("low_complement")
            continue
        if analyte not in _RULES:
            continue
        v = value * _FACTORS[analyte, unit]
        rule = _RULES[analyte]
        old = worst.get(analyte)
        if old is None:
            worst[analyte] = v
        else:
            worst[analyte] = max(old, v) if rule.worst == "max" else min(old, v)
    for analyte, v in worst.items():
        rule = _RULES[analyte]
        if _OPS[rule.comparator.value](v, rule.threshold):
            present.add(rule.descriptor)
    return sum(SLEDAI_2K_WEIGHTS[name] for name in present)


def plain_lab(d: dict[str, Any]) -> float:
    """One lab: type and finiteness, date, unit factor, >= 0."""
    value = d["value"]
    if not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(value)
    dt.date.fromisoformat(d["date"])
    canon = value * _FACTORS[d["analyte"], d["unit"]]
    if canon < 0:
        raise ValueError(value)
    return canon


def plain_visit(d: dict[str, Any]) -> list[float]:
    """A visit: its date, dose, descriptor flags and each lab as plain_lab."""
    dt.date.fromisoformat(d["date"])
    gc = d["glucocorticoid_mg_day"]
    if not 0 <= gc <= 2000:
        raise ValueError(gc)
    for flag in d["descriptors"].values():
        if flag not in (True, False, None):
            raise ValueError(flag)
    return [plain_lab(lab) for lab in d["labs"]]


_TO_UMOL = ls.convert(1.0, "mg/dL", "µmol/L", analyte="creatinine")


def plain_convert(x: float) -> float:
    """A conversion factor times the value."""
    return x * _TO_UMOL


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------


def per_call_us(fn: Callable[[], object], repeat: int, budget: float) -> float:
    """Minimum over *repeat* timeit runs, in µs per call."""
    timer = timeit.Timer(fn, timer=time.process_time)
    number, took = timer.autorange()
    # Scale so that one repeat takes about budget / repeat seconds.
    number = max(1, int(number * (budget / repeat) / max(took, 1e-9)))
    best = min(timer.repeat(repeat=repeat, number=number))
    return best / number * 1e6


def cases() -> list[tuple[str, Callable[[], object], Callable[[], object], float]]:
    """(name, lupusscore call, baseline call, target µs or NaN)."""
    visit_in = visit_dict()
    visit = ls.Visit.model_validate(visit_in)
    history = [
        ls.Visit.model_validate(visit_dict(day)) for day in ("2024-02-20", "2024-02-24")
    ]
    all_labs = [
        (lab.analyte.value, lab.value, lab.unit, str(lab.day), lab.reference_low)
        for v in (visit, *history)
        for lab in v.labs
    ]
    day = visit.date
    lab_in = {"analyte": "creatinine", "value": 1.2, "unit": "mg/dL", "date": VISIT_DAY}
    nan = math.nan

    def call_labresult() -> object:
        return ls.LabResult(**lab_in)

    assert plain_sledai(all_labs, DESCRIPTORS, day, 10) == (
        ls.sledai_2k_visit(visit, history).score
    )
    assert math.isclose(
        plain_egfr(1.1, 54.0, female=True), egfr_ckd_epi_2021(1.1, 54.0, female=True)
    )
    r = ls.classify_renal_response(
        "bliss-ln",
        upcr_g_g=0.6,
        baseline_upcr_g_g=2.5,
        egfr=70.0,
        reference_egfr=80.0,
        glucocorticoid_mg_day=7.5,
        rescue_therapy=False,
    )
    assert r.category.value == plain_bliss(0.6, 70.0, 80.0, 7.5, rescue=False)
    return [
        (
            "eGFR CKD-EPI 2021, scalar",
            lambda: egfr_ckd_epi_2021(1.1, 54.0, female=True),
            lambda: plain_egfr(1.1, 54.0, female=True),
            5.0,
        ),
        (
            "classify_renal_response (bliss-ln)",
            lambda: ls.classify_renal_response(
                "bliss-ln",
                upcr_g_g=0.6,
                baseline_upcr_g_g=2.5,
                egfr=70.0,
                reference_egfr=80.0,
                glucocorticoid_mg_day=7.5,
                rescue_therapy=False,
            ),
            lambda: plain_bliss(0.6, 70.0, 80.0, 7.5, rescue=False),
            50.0,
        ),
        (
            "sledai_2k_visit (10 labs, 2 prior)",
            lambda: ls.sledai_2k_visit(visit, history),
            lambda: plain_sledai(all_labs, DESCRIPTORS, day, 10),
            100.0,
        ),
        # The same calls with the explanation read (results build their
        # criteria and descriptor results on first access).
        (
            "classify_renal_response + .tiers read",
            lambda: (
                ls.classify_renal_response(
                    "bliss-ln",
                    upcr_g_g=0.6,
                    baseline_upcr_g_g=2.5,
                    egfr=70.0,
                    reference_egfr=80.0,
                    glucocorticoid_mg_day=7.5,
                    rescue_therapy=False,
                ).tiers
            ),
            lambda: plain_bliss(0.6, 70.0, 80.0, 7.5, rescue=False),
            nan,
        ),
        (
            "sledai_2k_visit + .descriptors read",
            lambda: ls.sledai_2k_visit(visit, history).descriptors,
            lambda: plain_sledai(all_labs, DESCRIPTORS, day, 10),
            nan,
        ),
        (
            "Visit validation (10 labs, dicts)",
            lambda: ls.Visit(**visit_in),
            lambda: plain_visit(visit_in),
            nan,
        ),
        (
            "LabResult construction",
            call_labresult,
            lambda: plain_lab(lab_in),
            nan,
        ),
        (
            "convert, one value",
            lambda: ls.convert(1.2, "mg/dL", "µmol/L", analyte="creatinine"),
            lambda: plain_convert(1.2),
            nan,
        ),
    ]


def main() -> None:
    """Time each case and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument(
        "--budget", type=float, default=0.7, help="seconds per case and side"
    )
    args = parser.parse_args()
    print(
        f"per call (process CPU time), min of {args.repeat} timeit repeats; lupusscore "
        f"{ls.__version__}, Python {platform.python_version()}"
    )
    head = (
        f"{'call':38s} {'lupusscore µs':>13s} {'plain µs':>9s} {'ratio':>7s} "
        f"{'target µs':>9s} {'meets target':>12s}"
    )
    print(head)
    print("-" * len(head))
    for name, fn, base, target in cases():
        t_ls = per_call_us(fn, args.repeat, args.budget)
        t_base = per_call_us(base, args.repeat, args.budget)
        if math.isnan(target):
            shown, meets = "-", "-"
        else:
            shown, meets = f"{target:g}", "yes" if t_ls < target else "no"
        print(
            f"{name:38s} {t_ls:13.2f} {t_base:9.3f} {t_ls / t_base:6.0f}x "
            f"{shown:>9s} {meets:>12s}"
        )


if __name__ == "__main__":
    main()
